//! Login sessions of the pages: cookie attributes, a new token on every login, idle and
//! absolute expiry, "đăng xuất khỏi mọi thiết bị", revocation when an administrator changes a
//! user's privileges, and the account lockout after five wrong passwords.

use crate::helpers::{PASSWORD, TestApp};
use crate::ui_client::{Client, encode, router_with, send};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bmnn_web::{WebConfig, auth, ctx_for};

/// Logs in through the real form (pre-login cookie + token); returns the Set-Cookie headers.
async fn form_login(
    router: &axum::Router,
    user: &str,
    password: &str,
) -> (StatusCode, Vec<String>, String) {
    let page = send(
        router,
        Request::get("/login").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let pre = page
        .set_cookie
        .iter()
        .find_map(|c| {
            c.strip_prefix("bmnn_pre=")
                .and_then(|r| r.split(';').next())
        })
        .expect("pre-login cookie")
        .to_string();
    assert!(
        page.text().contains(&pre),
        "the form repeats the pre-login token"
    );
    let req = Request::post("/login")
        .header(header::COOKIE, format!("bmnn_pre={pre}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(encode(&[
            ("_csrf", &pre),
            ("username", user),
            ("password", password),
        ])))
        .expect("req");
    let p = send(router, req).await;
    (p.status, p.set_cookie.clone(), p.text())
}

fn session_cookie(set: &[String]) -> Option<String> {
    set.iter().find(|c| c.starts_with("bmnn_session=")).cloned()
}

#[tokio::test]
async fn login_sets_a_strict_cookie_and_a_new_token_each_time() {
    let app = TestApp::spawn();
    let (st, set, _) = form_login(&app.router, "vanthu", PASSWORD).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let c = session_cookie(&set).expect("session cookie");
    assert!(c.contains("HttpOnly"), "{c}");
    assert!(c.contains("SameSite=Strict"), "{c}");
    assert!(c.contains("Path=/"), "{c}");
    assert!(!c.contains("Secure"), "plain HTTP by default: {c}");
    let (_, set2, _) = form_login(&app.router, "vanthu", PASSWORD).await;
    assert_ne!(
        session_cookie(&set2).expect("cookie"),
        c,
        "new token on every login"
    );

    let tls = router_with(
        &app,
        WebConfig {
            secure_cookies: true,
            ..WebConfig::default()
        },
    );
    let (_, set3, _) = form_login(&tls, "vanthu", PASSWORD).await;
    assert!(session_cookie(&set3).expect("cookie").contains("Secure"));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same_and_failures_slow_down_without_lockout() {
    let app = TestApp::spawn();
    // The same answer for an unknown name and a known one (the name typed is echoed back).
    let mut answers = Vec::new();
    for name in ["khongcoai", "soanthao"] {
        let (st, set, body) = form_login(&app.router, name, "sai-mat-khau-1").await;
        assert!(session_cookie(&set).is_none());
        answers.push((st, body.replace(name, "NAME")));
    }
    assert_eq!(answers[0].0, StatusCode::UNAUTHORIZED);
    assert!(
        answers[0]
            .1
            .contains("Tên đăng nhập hoặc mật khẩu không đúng")
    );
    assert_eq!(answers[0].0, answers[1].0);
    let strip = |b: &str| {
        // The pre-login CSRF token differs per answer.
        b.split('"')
            .filter(|p| !(p.len() == 64 && p.chars().all(|c| c.is_ascii_hexdigit())))
            .collect::<Vec<_>>()
            .join("\"")
    };
    assert_eq!(strip(&answers[0].1), strip(&answers[1].1));
    // Two more failures each; then both names wait, with the same answer, and the password
    // is not even checked during the wait (the right one is answered the same way).
    for name in ["khongcoai", "soanthao"] {
        for _ in 0..2 {
            let (st, _, _) = form_login(&app.router, name, "sai-mat-khau-1").await;
            assert_eq!(st, StatusCode::UNAUTHORIZED);
        }
    }
    let (st_u, _, body_u) = form_login(&app.router, "khongcoai", "sai-mat-khau-1").await;
    let (st_k, set, body_k) = form_login(&app.router, "soanthao", PASSWORD).await;
    assert_eq!(st_u, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(st_k, StatusCode::TOO_MANY_REQUESTS);
    assert!(session_cookie(&set).is_none());
    assert!(body_k.contains("hãy chờ"), "{body_k}");
    assert_eq!(
        strip(&body_u.replace("khongcoai", "NAME")),
        strip(&body_k.replace("soanthao", "NAME"))
    );
    // The delay is per name (and address), never a lockout: the wait ends and the right
    // password then works (`throttle` unit tests, with a fake clock); other names are not slowed.
    let other = form_login(&app.router, "vanthu", PASSWORD).await;
    assert_eq!(
        other.0,
        StatusCode::SEE_OTHER,
        "another account is not slowed"
    );
}

#[tokio::test]
async fn idle_and_absolute_expiry_end_the_session() {
    let app = TestApp::spawn();
    // Absolute limit already passed.
    let c = Client::session_on(&app, app.router.clone(), "vanthu", -1);
    let p = c.get("/").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location, "/login");
    // Idle: the session was last seen two hours ago; the idle limit is 30 minutes.
    let token = auth::random_token();
    let mut ctx = ctx_for(app.user("vanthu"));
    ctx.now -= time::Duration::hours(2);
    app.svc
        .open_session(
            &ctx,
            &auth::token_hash(&token),
            &auth::random_token(),
            10 * 3600,
        )
        .expect("session");
    let req = Request::get("/")
        .header(header::COOKIE, format!("bmnn_session={token}"))
        .body(Body::empty())
        .expect("req");
    let p = send(&app.router, req).await;
    assert_eq!(p.location, "/login", "idle session refused");
    // A fresh session works.
    let ok = Client::session(&app, "vanthu").get("/").await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.text().contains("Việc hôm nay"));
}

#[tokio::test]
async fn log_out_everywhere_ends_every_session_of_the_user() {
    let app = TestApp::spawn();
    let a = Client::session(&app, "vanthu");
    let b = Client::session(&app, "vanthu");
    let other = Client::session(&app, "soanthao");
    let p = a.post("/logout-all", &[], true).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.set_cookie.iter().any(|c| c.contains("Max-Age=0")));
    assert_eq!(b.get("/").await.location, "/login");
    assert_eq!(a.get("/").await.location, "/login");
    assert_eq!(
        other.get("/").await.status,
        StatusCode::OK,
        "other users stay logged in"
    );
}

#[tokio::test]
async fn a_change_of_privileges_revokes_the_users_sessions() {
    let app = TestApp::spawn();
    let clerk = Client::session(&app, "vanthu");
    let bystander = Client::session(&app, "soanthao");
    assert_eq!(clerk.get("/").await.status, StatusCode::OK);
    let admin = Client::session(&app, "admin");
    let id = crate::helpers::pid(app.user("vanthu"));
    // Clearance lowered from Tuyệt mật to Mật.
    let p = admin
        .post(
            &format!("/admin/users/{id}"),
            &[("roles", "clerk"), ("clearance", "mat"), ("active", "on")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    assert_eq!(clerk.get("/").await.location, "/login", "session revoked");
    assert_eq!(bystander.get("/").await.status, StatusCode::OK);
    // A change that is not a privilege (same values) keeps sessions.
    let again = Client::session(&app, "vanthu");
    let p = admin
        .post(
            &format!("/admin/users/{id}"),
            &[
                ("roles", "clerk"),
                ("clearance", "mat"),
                ("active", "on"),
                ("full_name", "Phạm Thị Văn Thư"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(again.get("/").await.status, StatusCode::OK);
    // Deactivation ends the session too.
    let p = admin
        .post(
            &format!("/admin/users/{id}"),
            &[("roles", "clerk"), ("clearance", "mat"), ("active", "0")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(again.get("/").await.location, "/login");
}

#[tokio::test]
async fn the_edit_user_form_says_when_a_raise_only_awaits_approval() {
    let app = TestApp::spawn();
    let admin = Client::session(&app, "admin");
    let id = app.user("vanthu_mat");
    let user = |app: &TestApp| {
        app.svc
            .org(&ctx_for(id))
            .expect("org")
            .users
            .into_iter()
            .find(|u| u.id == id)
            .expect("user")
    };
    // A raise (Tuyệt mật) is only submitted: the page says it awaits the approver, and the
    // account keeps its clearance.
    let p = admin
        .post(
            &format!("/admin/users/{}", crate::helpers::pid(id)),
            &[
                ("roles", "clerk"),
                ("clearance", "tuyet-mat"),
                ("active", "on"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    assert_eq!(p.location, "/admin?ok=awaiting-approval");
    let page = admin.get(&p.location).await.text();
    assert!(
        page.contains("chưa có hiệu lực")
            && page.contains("chờ người đứng đầu cơ quan (hoặc người được cơ quan giao) phê duyệt"),
        "{page}"
    );
    assert_eq!(user(&app).clearance, Some(bmnn_core::Level::Mat));
    let pending = app
        .svc
        .pending_privilege_changes(&ctx_for(app.user("admin")))
        .expect("pending");
    assert!(pending.iter().any(|c| c.user_id == id));
    // A change that applies at once (a new name, the same privileges) says "recorded".
    let p = admin
        .post(
            &format!("/admin/users/{}", crate::helpers::pid(id)),
            &[
                ("roles", "clerk"),
                ("clearance", "mat"),
                ("active", "on"),
                ("full_name", "Đỗ Thị Mật Hai"),
            ],
            true,
        )
        .await;
    assert_eq!(p.location, "/admin?ok=saved");
    let page = admin.get(&p.location).await.text();
    assert!(page.contains("Đã ghi nhận.") && !page.contains("chưa có hiệu lực"));
    assert_eq!(user(&app).full_name, "Đỗ Thị Mật Hai");
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let app = TestApp::spawn();
    for path in ["/login", "/no-such-page", "/api/v1/items"] {
        let req = Request::get(path).body(Body::empty()).expect("req");
        let resp = {
            use tower::ServiceExt;
            app.router.clone().oneshot(req).await.expect("infallible")
        };
        let h = resp.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("base-uri 'none'"));
        assert_eq!(
            h.get("x-content-type-options").map(|v| v.as_bytes()),
            Some(&b"nosniff"[..])
        );
        assert_eq!(
            h.get("referrer-policy").map(|v| v.as_bytes()),
            Some(&b"no-referrer"[..])
        );
    }
    // HSTS only when the server speaks HTTPS (`serve --tls`), on pages, API and errors.
    let tls = router_with(
        &app,
        WebConfig {
            secure_cookies: true,
            hsts: true,
            ..WebConfig::default()
        },
    );
    for path in ["/login", "/no-such-page", "/api/v1/items"] {
        let plain = {
            use tower::ServiceExt;
            let req = Request::get(path).body(Body::empty()).expect("req");
            app.router.clone().oneshot(req).await.expect("infallible")
        };
        assert!(
            plain.headers().get("strict-transport-security").is_none(),
            "{path}: HSTS over plain HTTP"
        );
        let secure = {
            use tower::ServiceExt;
            let req = Request::get(path).body(Body::empty()).expect("req");
            tls.clone().oneshot(req).await.expect("infallible")
        };
        assert_eq!(
            secure
                .headers()
                .get("strict-transport-security")
                .map(|v| v.as_bytes()),
            Some(&b"max-age=31536000"[..]),
            "{path}"
        );
    }
    // Pages carry no inline script or style.
    let c = Client::session(&app, "vanthu");
    for path in [
        "/",
        "/items",
        "/registers/outgoing/2026/print",
        "/acts/receive-incoming",
    ] {
        let t = c.get(path).await.text();
        assert!(
            !t.contains("<script>") && !t.contains(" style=") && !t.contains("<style"),
            "{path}"
        );
        assert!(!t.contains(" hx-on"), "{path}");
    }
}

#[tokio::test]
async fn first_run_setup_creates_the_administrator_once() {
    let dir = tempfile::tempdir().expect("dir");
    let store = bmnn_store::DbStore::open(&format!("sqlite://{}/bmnn.db", dir.path().display()))
        .expect("store");
    let svc = bmnn_core::service::Service::new(store, bmnn_core::rules::RuleSet::embedded());
    let router = bmnn_web::router(bmnn_web::AppState::new(svc, WebConfig::default()));
    let login = send(
        &router,
        Request::get("/login").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(login.location, "/setup", "no user yet: the setup page");
    let page = send(
        &router,
        Request::get("/setup").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let pre = page
        .set_cookie
        .iter()
        .find_map(|c| {
            c.strip_prefix("bmnn_pre=")
                .and_then(|r| r.split(';').next())
        })
        .expect("pre-login cookie")
        .to_string();
    let post = |pw: &str, pre: &str| {
        Request::post("/setup")
            .header(header::COOKIE, format!("bmnn_pre={pre}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(encode(&[
                ("_csrf", pre),
                ("agency_name", "Sở Tư pháp tỉnh Thử Nghiệm"),
                ("username", "quantri"),
                ("full_name", "Quản trị viên"),
                ("password", pw),
                ("password2", pw),
            ])))
            .expect("req")
    };
    let weak = send(&router, post("ngan", &pre)).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text().contains("ít nhất 10 ký tự"));
    assert!(
        weak.text().contains("Sở Tư pháp tỉnh Thử Nghiệm"),
        "input kept"
    );
    let ok = send(&router, post("mật-khẩu-quản-trị-2026", &pre)).await;
    assert_eq!(ok.location, "/login?ok=setup");
    let again = send(
        &router,
        Request::get("/setup").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(
        again.location, "/login",
        "setup is closed once a user exists"
    );
    let twice = send(&router, post("mật-khẩu-quản-trị-2026", &pre)).await;
    assert_eq!(
        twice.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no second administrator"
    );
}
