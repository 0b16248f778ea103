//! Accounts through the API: tokens expire, are listed and revoked, end with the password;
//! changing one's own password needs the current one; the organisation chart is for the
//! roles of its page.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{Method, Request, header};
use bmnn_web::auth;
use serde_json::{Value, json};

async fn with_token(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Answer {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .expect("request");
    app.raw(req).await
}

async fn issue(app: &TestApp, password: &str) -> (String, String) {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/tokens")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": "vanthu", "password": password, "name": "máy quét"}).to_string(),
        ))
        .expect("request");
    let t = app.raw(req).await.expect(201);
    assert!(t["expires_at"].is_string(), "{t}");
    (
        t["token"].as_str().expect("token").to_string(),
        crate::helpers::tok(&t["token_id"]),
    )
}

#[tokio::test]
async fn tokens_are_listed_revoked_and_end_with_the_password() {
    let app = TestApp::spawn();
    let me = crate::helpers::pid(app.user("vanthu"));
    let (token, id) = issue(&app, PASSWORD).await;
    with_token(&app, Method::GET, "/api/v1/me", &token, None)
        .await
        .expect(200);
    // Listed (never the token itself) with a last use.
    let list = with_token(&app, Method::GET, "/api/v1/tokens", &token, None)
        .await
        .expect(200);
    let row = list
        .as_array()
        .expect("array")
        .iter()
        .find(|t| t["id"] == id)
        .expect("listed")
        .clone();
    assert_eq!(row["name"], "máy quét");
    assert!(row["last_used_at"].is_string(), "{row}");
    assert!(!list.to_string().contains(&token));
    // Everyone's list is the administrator's.
    with_token(&app, Method::GET, "/api/v1/tokens?all=true", &token, None)
        .await
        .expect_error(403, "forbidden");
    let all = app
        .get("/api/v1/tokens?all=true", "admin")
        .await
        .expect(200);
    assert!(all.as_array().expect("array").iter().any(|t| t["id"] == id));
    // A token alone cannot change the password: the current one is needed.
    let path = format!("/api/v1/users/{me}/password");
    with_token(
        &app,
        Method::POST,
        &path,
        &token,
        Some(json!({"password": "mật-khẩu-mới-đủ-dài"})),
    )
    .await
    .expect_error(422, "wrong_password");
    with_token(
        &app,
        Method::POST,
        &path,
        &token,
        Some(json!({"password": "mật-khẩu-mới-đủ-dài", "current_password": "sai-mật-khẩu"})),
    )
    .await
    .expect_error(422, "wrong_password");
    with_token(&app, Method::GET, "/api/v1/me", &token, None)
        .await
        .expect(200);
    with_token(
        &app,
        Method::POST,
        &path,
        &token,
        Some(json!({"password": "mật-khẩu-mới-đủ-dài", "current_password": PASSWORD})),
    )
    .await
    .expect(200);
    // The change ended the token.
    with_token(&app, Method::GET, "/api/v1/me", &token, None)
        .await
        .expect_error(401, "unauthenticated");
    // Revoked by the administrator: 401 at once.
    let (t2, id2) = issue(&app, "mật-khẩu-mới-đủ-dài").await;
    with_token(&app, Method::GET, "/api/v1/me", &t2, None)
        .await
        .expect(200);
    // Another user may not revoke it (and does not learn it exists).
    app.post_json(
        &format!("/api/v1/tokens/{id2}/revoke"),
        "soanthao",
        json!({}),
    )
    .await
    .expect_error(404, "not_found");
    with_token(&app, Method::GET, "/api/v1/me", &t2, None)
        .await
        .expect(200);
    let r = app
        .post_json(&format!("/api/v1/tokens/{id2}/revoke"), "admin", json!({}))
        .await
        .expect(200);
    assert!(r["revoked_at"].is_string());
    with_token(&app, Method::GET, "/api/v1/me", &t2, None)
        .await
        .expect_error(401, "unauthenticated");
    // Revoking one's own.
    let (t3, id3) = issue(&app, "mật-khẩu-mới-đủ-dài").await;
    with_token(
        &app,
        Method::POST,
        &format!("/api/v1/tokens/{id3}/revoke"),
        &t3,
        Some(json!({})),
    )
    .await
    .expect(200);
    with_token(&app, Method::GET, "/api/v1/me", &t3, None)
        .await
        .expect_error(401, "unauthenticated");
}

#[tokio::test]
async fn an_expired_token_answers_401() {
    let app = TestApp::spawn();
    let token = auth::random_token();
    let mut ctx = bmnn_web::ctx_for(app.user("vanthu"));
    ctx.now -= time::Duration::days(91);
    app.svc
        .register_token(&ctx, "cũ", &auth::token_hash(&token), 90)
        .expect("token");
    with_token(&app, Method::GET, "/api/v1/me", &token, None)
        .await
        .expect_error(401, "unauthenticated");
    let fresh = auth::random_token();
    ctx.now += time::Duration::days(2);
    app.svc
        .register_token(&ctx, "còn hạn", &auth::token_hash(&fresh), 90)
        .expect("token");
    with_token(&app, Method::GET, "/api/v1/me", &fresh, None)
        .await
        .expect(200);
}

#[tokio::test]
async fn a_privilege_change_or_deactivation_ends_tokens() {
    let app = TestApp::spawn();
    let (token, _) = issue(&app, PASSWORD).await;
    let id = crate::helpers::pid(app.user("vanthu"));
    app.send(
        Method::PATCH,
        &format!("/api/v1/users/{id}"),
        Some("admin"),
        Some(json!({"clearance": "mat"})),
    )
    .await
    .expect(200);
    with_token(&app, Method::GET, "/api/v1/me", &token, None)
        .await
        .expect_error(401, "unauthenticated");
    let (token, _) = issue(&app, PASSWORD).await;
    for active in [false, true] {
        app.send(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some("admin"),
            Some(json!({"active": active})),
        )
        .await
        .expect(200);
    }
    with_token(&app, Method::GET, "/api/v1/me", &token, None)
        .await
        .expect_error(401, "unauthenticated");
}

#[tokio::test]
async fn the_organisation_chart_is_for_the_roles_of_its_page() {
    let app = TestApp::spawn();
    app.get("/api/v1/org", "vanthu")
        .await
        .expect_error(403, "forbidden");
    app.get("/api/v1/org", "soanthao")
        .await
        .expect_error(403, "forbidden");
    let org = app.get("/api/v1/org", "giamdoc").await.expect(200);
    assert!(org["users"].as_array().expect("users").len() > 3);
    app.get("/api/v1/org", "admin").await.expect(200);
}

#[tokio::test]
async fn the_accounts_page_lists_pending_changes_and_the_head_approves_them() {
    use crate::ui_client::Client;
    let app = TestApp::spawn();
    let id = crate::helpers::pid(app.user("vanthu_mat"));
    // The administrator asks for a Tuyệt mật clearance for a Mật clerk: it waits.
    app.send(
        Method::PATCH,
        &format!("/api/v1/users/{id}"),
        Some("admin"),
        Some(json!({"clearance": "tuyet-mat"})),
    )
    .await
    .expect(200);
    let pending = app
        .get("/api/v1/privilege-changes", "admin")
        .await
        .expect(200);
    let cid = crate::helpers::tok(&pending[0]["id"]);
    let admin = Client::session(&app, "admin");
    let p = admin.get("/accounts").await;
    assert!(
        p.text().contains("Thay đổi quyền chờ phê duyệt"),
        "{}",
        p.text()
    );
    assert!(p.text().contains("Tuyệt mật"));
    // The administrator's approval is refused on the page, nothing changes.
    let p = admin
        .post(&format!("/accounts/privileges/{cid}/approve"), &[], true)
        .await;
    assert_eq!(p.status.as_u16(), 422);
    assert!(
        p.text().contains("Chỉ người đứng đầu cơ quan"),
        "{}",
        p.text()
    );
    let me = app.get("/api/v1/org", "admin").await.expect(200);
    let drafter = |org: &Value| {
        org["users"]
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["id"] == id)
            .expect("drafter")["clearance"]
            .clone()
    };
    assert_eq!(drafter(&me), "mat");
    // The administrator may not name an approver (it could name an account it controls).
    app.send(
        Method::PUT,
        "/api/v1/privilege-approver",
        Some("admin"),
        Some(json!({"user_id": crate::helpers::pid(app.user("admin"))})),
    )
    .await
    .expect_error(422, "privilege_approver_only");
    // The head of the agency approves.
    let head = Client::session(&app, "giamdoc");
    let p = head
        .post(&format!("/accounts/privileges/{cid}/approve"), &[], true)
        .await;
    assert_eq!(p.status.as_u16(), 200, "{}", p.text());
    assert!(p.text().contains("Đã phê duyệt thay đổi quyền"));
    let org = app.get("/api/v1/org", "admin").await.expect(200);
    assert_eq!(drafter(&org), "tuyet-mat");
    // Own tokens on the page, with a revoke button.
    let c = Client::session(&app, "vanthu");
    let (_, tid) = issue(&app, PASSWORD).await;
    let p = c.get("/accounts").await;
    assert!(p.text().contains("máy quét") && p.text().contains("Còn hiệu lực"));
    assert!(!p.text().contains("Thay đổi quyền chờ phê duyệt"));
    let p = c
        .post(&format!("/accounts/tokens/{tid}/revoke"), &[], true)
        .await;
    assert!(p.text().contains("Đã thu hồi mã truy cập"), "{}", p.text());
}
