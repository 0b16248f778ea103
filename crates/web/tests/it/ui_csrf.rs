//! Every state-changing page route refuses a request without a valid CSRF token (403, and
//! nothing is written), and refuses a cross-origin request even with the token. The routes come
//! from the application's own route table (`bmnn_web::access::table`), so a new POST page route
//! is covered the moment it is registered.

use crate::helpers::TestApp;
use crate::ui_client::{Client, send};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

/// Every POST route of the pages, as the router registers them.
fn covered() -> Vec<String> {
    bmnn_web::access::table::<bmnn_store::DbStore>()
        .into_iter()
        .filter(|r| r.method == axum::http::Method::POST && !r.path.starts_with("/api/"))
        .map(|r| r.path)
        .collect()
}

/// Concrete URLs for a route pattern (every act code for `/acts/{code}`).
fn urls(pattern: &str) -> Vec<String> {
    if pattern.contains("{code}") {
        return bmnn_core::acts::ActKind::ALL
            .iter()
            .map(|a| pattern.replace("{code}", a.code()))
            .collect();
    }
    if pattern.contains("{act}") {
        return [
            "device/1/wipe",
            "device/1/repurpose",
            "staff/1/end",
            "plan/1/task-done",
        ]
        .iter()
        .map(|x| format!("/programme/{x}"))
        .collect();
    }
    vec![pattern.replace("{id}", "1").replace("{kind}", "training")]
}

#[test]
fn the_route_table_lists_the_post_pages() {
    let c = covered();
    // The forms people use every day are among them (the walk below is not vacuous).
    for p in [
        "/login",
        "/acts/{code}",
        "/items/{id}/attachments",
        "/programme/{kind}",
    ] {
        assert!(c.iter().any(|x| x == p), "{p} missing from {c:?}");
    }
    assert!(c.len() >= 25, "{c:?}");
}

#[tokio::test]
async fn every_post_route_refuses_a_missing_or_wrong_token() {
    let app = TestApp::spawn();
    let item = app
        .classified_item("2026-03-10", serde_json::json!({}))
        .await;
    let admin = Client::session(&app, "admin");
    let clerk = Client::session(&app, "vanthu");
    let before = app.audit_count();
    for pattern in covered() {
        for url in urls(&pattern) {
            let url = url.replace("/items/1/", &format!("/items/{item}/"));
            for c in [&admin, &clerk] {
                let p = c
                    .post(&url, &[("name", "x"), ("item", &item.to_string())], false)
                    .await;
                assert_eq!(p.status, StatusCode::FORBIDDEN, "{url} without token");
                let p = c
                    .post(
                        &url,
                        &[
                            ("_csrf", "0".repeat(64).as_str()),
                            ("item", &item.to_string()),
                        ],
                        false,
                    )
                    .await;
                assert_eq!(p.status, StatusCode::FORBIDDEN, "{url} with a wrong token");
            }
            // htmx-style header with a wrong token.
            let req = Request::post(&url)
                .header(header::COOKIE, &clerk.cookie)
                .header("x-csrf-token", "f".repeat(64))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("item=1"))
                .expect("request");
            assert_eq!(
                send(&clerk.router, req).await.status,
                StatusCode::FORBIDDEN,
                "{url} header"
            );
            // Multipart without the token part.
            let req = Request::post(&url)
                .header(header::COOKIE, &clerk.cookie)
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
                .body(Body::from(
                    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nabc\r\n--XyZ--\r\n",
                ))
                .expect("request");
            let st = send(&clerk.router, req).await.status;
            assert!(
                st == StatusCode::FORBIDDEN
                    || st == StatusCode::METHOD_NOT_ALLOWED
                    || st == StatusCode::BAD_REQUEST,
                "{url} multipart without token: {st}"
            );
            // Anonymous request (no session, no pre-login cookie).
            let req = Request::post(&url)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("_csrf=abc"))
                .expect("request");
            assert_eq!(
                send(&clerk.router, req).await.status,
                StatusCode::FORBIDDEN,
                "{url} anonymous"
            );
        }
    }
    assert_eq!(app.audit_count(), before, "a refused request wrote nothing");
}

#[tokio::test]
async fn a_valid_token_from_another_origin_is_refused() {
    let app = TestApp::spawn();
    let clerk = Client::session(&app, "vanthu");
    let before = app.audit_count();
    for (h, v) in [
        (header::ORIGIN.as_str(), "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let req = Request::post("/logout")
            .header(header::COOKIE, &clerk.cookie)
            .header(header::HOST, "bmnn.test")
            .header(h, v)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("_csrf={}", clerk.csrf)))
            .expect("request");
        assert_eq!(
            send(&clerk.router, req).await.status,
            StatusCode::FORBIDDEN,
            "{h}: {v}"
        );
    }
    assert_eq!(app.audit_count(), before);
    // The same request from our own origin goes through.
    let ok = clerk.post("/logout", &[], true).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(app.audit_count(), before + 1, "logout is audited");
}

#[tokio::test]
async fn pages_never_change_state_on_get() {
    let app = TestApp::spawn();
    let item = app
        .classified_item("2026-03-10", serde_json::json!({}))
        .await;
    let clients: Vec<Client> = ["vanthu", "giamdoc", "soanthao", "admin"]
        .iter()
        .map(|u| Client::session(&app, u))
        .collect();
    let before = app.audit_count();
    for c in &clients {
        let user = &c.cookie[..20];
        for path in [
            "/".to_string(),
            "/items".into(),
            format!("/items/{item}"),
            "/approvals".into(),
            "/notices".into(),
            "/registers".into(),
            "/registers/outgoing/2026".into(),
            "/registers/outgoing/2026/print".into(),
            "/registers/outgoing/2026/docx".into(),
            "/catalogues".into(),
            "/admin".into(),
            "/audit".into(),
            "/account".into(),
            "/rules/unconfirmed".into(),
            format!("/acts/extend?item={item}"),
            "/acts/propose".into(),
        ] {
            let p = c.get(&path).await;
            assert!(p.status.as_u16() < 500, "{user} GET {path}: {}", p.status);
        }
    }
    // Nothing changed: the only records a GET adds are the audited reads of Tối mật and
    // Tuyệt mật pages and of hidden ids (bounded), which record who looked, not a change.
    let records = app.svc.store.audit_records().expect("records");
    let added: Vec<&str> = records
        .iter()
        .filter(|r| r.seq > before)
        .map(|r| r.action.as_str())
        .collect();
    assert!(
        added.iter().all(|a| a.starts_with("read.")),
        "GET wrote {added:?}"
    );
}
