//! Bad input never gets a 5xx or a framework's English text: malformed JSON, wrong types,
//! unknown enum values, missing or bad tokens, unknown routes, wrong methods, bad queries and
//! path ids all answer 4xx in the API's JSON error shape, in Vietnamese.

use crate::helpers::TestApp;
use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::json;

fn req(
    method: Method,
    uri: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: &str,
) -> Request<Body> {
    let mut r = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    if let Some(c) = content_type {
        r = r.header("content-type", c);
    }
    r.body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn malformed_bodies_are_400_with_the_field_named() {
    let app = TestApp::spawn();
    let t = app.login_as("soanthao");
    let j = Some("application/json");
    let e = app
        .raw(req(
            Method::POST,
            "/api/v1/items",
            Some(&t),
            j,
            "{\"level\": ",
        ))
        .await
        .expect_error(400, "invalid_input");
    assert!(e["error"]["message"].as_str().unwrap().contains("JSON"));
    app.raw(req(Method::POST, "/api/v1/items", Some(&t), j, "[1,2]"))
        .await
        .expect_error(400, "invalid_input");
    let e = app
        .raw(req(Method::POST, "/api/v1/items", Some(&t), j, "{}"))
        .await
        .expect_error(400, "invalid_input");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("thiếu trường"),
        "{e}"
    );
    let e = app
        .propose("soanthao", json!({"level": "bi-mat"}))
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "level");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("tuyet-mat")
    );
    let e = app
        .propose("soanthao", json!({"copies_issued": "hai"}))
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "copies_issued");
    let e = app
        .propose("soanthao", json!({"copies_issued": -1}))
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "copies_issued");
    let e = app
        .propose("soanthao", json!({"date": "31/02/2026"}))
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "date");
    let e = app
        .propose("soanthao", json!({"date": "0001-01-01"}))
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "date");
    let e = app
        .propose("soanthao", json!({"doc_type": "Báo\u{0}cáo"}))
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "doc_type");
    app.propose("soanthao", json!({"recipients": []}))
        .await
        .expect_error(400, "invalid_input");
    app.raw(req(
        Method::POST,
        "/api/v1/items",
        Some(&t),
        Some("text/plain"),
        "{}",
    ))
    .await
    .expect_error(415, "invalid_input");
    app.raw(req(
        Method::POST,
        "/api/v1/items",
        Some(&t),
        None,
        "carrier=document",
    ))
    .await
    .expect_error(415, "invalid_input");
    // Above the configured body limit: 413. (The outermost limit layer in `lib.rs` answers
    // this one, before any route runs.)
    let limit = bmnn_web::WebConfig::default().max_body_bytes;
    let huge = format!("{{\"doc_type\": \"{}\"}}", "a".repeat(limit + 1));
    let ans = app
        .raw(req(Method::POST, "/api/v1/items", Some(&t), j, &huge))
        .await;
    assert_eq!(ans.status.as_u16(), 413);
    assert_eq!(app.item_total("baomat").await, 0, "nothing was created");
}

#[tokio::test]
async fn tokens_routes_methods_queries_and_paths() {
    let app = TestApp::spawn();
    let t = app.login_as("vanthu");
    app.raw(req(Method::GET, "/api/v1/items", None, None, ""))
        .await
        .expect_error(401, "unauthenticated");
    app.raw(req(
        Method::GET,
        "/api/v1/items",
        Some("khong-phai-ma-that"),
        None,
        "",
    ))
    .await
    .expect_error(401, "unauthenticated");
    let basic = Request::get("/api/v1/me")
        .header("authorization", "Basic dmFudGh1OnNhaQ==")
        .body(Body::empty())
        .unwrap();
    app.raw(basic).await.expect_error(401, "unauthenticated");
    app.raw(req(Method::GET, "/api/v1/khong-co", Some(&t), None, ""))
        .await
        .expect_error(404, "not_found");
    app.raw(req(Method::GET, "/api/v1/items/1/khong-co", None, None, ""))
        .await
        .expect_error(404, "not_found");
    for path in ["/api/v1", "/api/v1/", "/api/v1/items/", "/api/v1//items"] {
        app.raw(req(Method::GET, path, Some(&t), None, ""))
            .await
            .expect_error(404, "not_found");
    }
    app.raw(req(Method::DELETE, "/api/v1/items", Some(&t), None, ""))
        .await
        .expect_error(405, "method_not_allowed");
    // A path id that is not a token is an unknown object (pubid): 404, never a type error.
    app.raw(req(Method::GET, "/api/v1/items/abc", Some(&t), None, ""))
        .await
        .expect_error(404, "not_found");
    app.raw(req(
        Method::GET,
        "/api/v1/items/99999999999999999999999",
        Some(&t),
        None,
        "",
    ))
    .await
    .expect_error(404, "not_found");
    let e = app
        .get("/api/v1/items?level=bi-mat", "vanthu")
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "level");
    let e = app
        .get("/api/v1/items?limit=nhieu", "vanthu")
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "limit");
    app.post_json("/api/v1/items/search", "vanthu", json!({"q": "\u{0}"}))
        .await
        .expect_error(400, "invalid_input");
    // Search text never travels in a URL: `?q=` is refused with where to send it.
    let e = app
        .get("/api/v1/items?q=bao%20cao", "vanthu")
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "q");
    assert!(
        e["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("/items/search"))
    );
    // An empty value is refused (leave the parameter out); extreme pages are clamped.
    let e = app
        .get("/api/v1/items?level=&limit=5", "vanthu")
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "level");
    app.get("/api/v1/items?limit=-5&offset=-1", "vanthu")
        .await
        .expect(200);
    // A misspelt field is refused, not silently ignored.
    let e = app
        .propose("soanthao", json!({"catalog_item_id": 1}))
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "catalog_item_id");
    app.get(
        "/api/v1/items?limit=9223372036854775807&offset=9223372036854775807",
        "vanthu",
    )
    .await
    .expect(200);
    app.get("/api/v1/registers/sổ-lạ/2025", "vanthu")
        .await
        .expect_error(400, "invalid_input");
    app.get("/api/v1/registers/outgoing/99999", "vanthu")
        .await
        .expect_error(400, "invalid_input");
    app.get("/api/v1/registers/outgoing/abc", "vanthu")
        .await
        .expect_error(400, "invalid_input");
    app.get("/api/v1/due?date=9999-12-31", "vanthu")
        .await
        .expect_error(400, "invalid_input");
    app.get("/api/v1/due?date=hom-nay", "vanthu")
        .await
        .expect_error(400, "invalid_input");
    app.get("/api/v1/due?date=15/03/2026", "vanthu")
        .await
        .expect(200);
    app.get("/api/v1/audit?limit=-1", "admin").await.expect(200);
    app.get("/api/v1/requests?kind=khac", "vanthu")
        .await
        .expect_error(400, "invalid_input");
    app.get("/api/v1/notices?open_only=co", "vanthu")
        .await
        .expect_error(400, "invalid_input");
    // Acts with only optional fields take an empty body.
    app.send(
        Method::POST,
        "/api/v1/items/5/recall-return",
        Some("vanthu"),
        None,
    )
    .await
    .expect_error(404, "not_found");
}

#[tokio::test]
async fn errors_of_the_global_layers_become_json_under_the_api() {
    use tower::ServiceExt;
    let app = TestApp::spawn();
    let t = app.login_as("soanthao");
    let router = app
        .router
        .clone()
        .layer(axum::middleware::from_fn(bmnn_web::api::json_errors));
    let limit = bmnn_web::WebConfig::default().max_body_bytes;
    let huge = format!("{{\"doc_type\": \"{}\"}}", "a".repeat(limit + 1));
    let resp = router
        .clone()
        .oneshot(req(
            Method::POST,
            "/api/v1/items",
            Some(&t),
            Some("application/json"),
            &huge,
        ))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["error"]["code"], "invalid_input");
    // Pages are left alone.
    let page = router
        .oneshot(req(Method::GET, "/khong-co-trang-nay", None, None, ""))
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 404);
    assert_ne!(
        page.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
}
