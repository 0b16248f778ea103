//! Per-address rate limits through the real router: login forms and API tokens share a
//! bucket per client address, scanner uploads have their own; a limited request gets 429 with
//! `Retry-After`, is not processed (no failed-login count, no audit record), and another
//! address is not affected.

use crate::helpers::{PASSWORD, TestApp};
use crate::ui_client::{encode, send};
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode, header};
use bmnn_web::ratelimit::Rate;
use bmnn_web::{AppState, WebConfig};
use serde_json::{Value, json};
use std::net::SocketAddr;

fn from(app: &TestApp, cfg: WebConfig, addr: &str) -> axum::Router {
    let addr: SocketAddr = addr.parse().expect("addr");
    bmnn_web::router(AppState::from_shared(app.svc.clone(), cfg)).layer(MockConnectInfo(addr))
}

fn token_req(user: &str, password: &str) -> Request<Body> {
    Request::post("/api/v1/tokens")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": user, "password": password, "name": "thử"}).to_string(),
        ))
        .expect("req")
}

#[tokio::test]
async fn login_attempts_from_one_address_are_limited_and_the_limited_ones_do_nothing() {
    let app = TestApp::spawn();
    let cfg = WebConfig {
        login_rate: Rate {
            burst: 3,
            per_minute: 1,
        },
        ..WebConfig::default()
    };
    // One state (one limiter) seen from two addresses.
    let state = AppState::from_shared(app.svc.clone(), cfg);
    let a = bmnn_web::router(state.clone()).layer(MockConnectInfo(
        "10.0.0.1:5000".parse::<SocketAddr>().expect("addr"),
    ));
    let b = bmnn_web::router(state).layer(MockConnectInfo(
        "10.0.0.2:5000".parse::<SocketAddr>().expect("addr"),
    ));
    // Two wrong passwords and a right one: all answered.
    for pw in ["sai-1", "sai-2"] {
        let p = send(&a, token_req("soanthao", pw)).await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{}", p.text());
    }
    let p = send(&a, token_req("soanthao", PASSWORD)).await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.text());
    // The fourth, over the burst, is refused before it is looked at.
    let before = app.audit_count();
    let p = send(&a, token_req("soanthao", "sai-3")).await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    let body: Value = serde_json::from_slice(&p.bytes).expect("json");
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("giây")),
        "{body}"
    );
    assert_eq!(
        app.audit_count(),
        before,
        "a limited attempt writes nothing"
    );
    // The login form shares the bucket; its refusal is Vietnamese text with Retry-After.
    let form = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(encode(&[
            ("username", "soanthao"),
            ("password", PASSWORD),
        ])))
        .expect("req");
    let resp = tower::ServiceExt::oneshot(a.clone(), form)
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = resp
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&wait), "one a minute: {wait}");
    // Another machine is not affected.
    let p = send(&b, token_req("soanthao", PASSWORD)).await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.text());
    // GET pages are never limited.
    let p = send(&a, Request::get("/login").body(Body::empty()).expect("req")).await;
    assert_eq!(p.status, StatusCode::OK);
}

#[tokio::test]
async fn scanner_uploads_have_their_own_limit() {
    let app = TestApp::spawn();
    let cfg = WebConfig {
        scan_rate: Rate {
            burst: 2,
            per_minute: 1,
        },
        ..WebConfig::default()
    };
    let r = from(&app, cfg, "10.0.0.9:4000");
    let token = app.login_as("vanthu");
    let scan = || {
        Request::post("/api/v1/scan")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"file_name": "lich-cong-tac.txt", "content_base64": "eGluIGNow6Bv"})
                    .to_string(),
            ))
            .expect("req")
    };
    for _ in 0..2 {
        let p = send(&r, scan()).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text());
    }
    let p = send(&r, scan()).await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    // Logging in from the same machine is a different bucket.
    let p = send(&r, token_req("vanthu", PASSWORD)).await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.text());
    // The OpenAPI document says so for both limited API routes.
    let doc = app.get("/api/v1/openapi.json", "vanthu").await.expect(200);
    for (path, method) in [("/scan", "post"), ("/tokens", "post")] {
        assert!(
            doc["paths"][path][method]["responses"]["429"].is_object(),
            "{method} {path} documents 429"
        );
    }
    assert!(doc["paths"]["/items"]["get"]["responses"]["429"].is_null());
}
