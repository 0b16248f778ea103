//! Assets: embedded, content-hashed URLs cached forever, a stale hash is a 404; pages load
//! nothing from outside the machine and configure htmx without eval or a history cache.

use crate::helpers::TestApp;
use crate::ui_client::Client;
use axum::http::StatusCode;

fn asset_urls(html: &str) -> Vec<String> {
    html.split("\"/assets/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| format!("/assets/{s}"))
        .collect()
}

#[tokio::test]
async fn assets_are_hashed_immutable_and_local() {
    let app = TestApp::spawn();
    let c = Client::session(&app, "vanthu");
    let page = c.get("/").await.text();
    let urls = asset_urls(&page);
    assert!(urls.iter().any(|u| u.ends_with("/app.css")), "{urls:?}");
    assert!(
        urls.iter().any(|u| u.ends_with("/vendor/htmx.min.js")),
        "{urls:?}"
    );
    for u in &urls {
        let resp = {
            use tower::ServiceExt;
            let req = axum::http::Request::get(u)
                .body(axum::body::Body::empty())
                .expect("req");
            app.router.clone().oneshot(req).await.expect("infallible")
        };
        assert_eq!(resp.status(), StatusCode::OK, "{u}");
        let cc = resp
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(cc.contains("immutable"), "{u}: {cc}");
    }
    let stale = c.get("/assets/0000000000000000/app.css").await;
    assert_eq!(stale.status, StatusCode::NOT_FOUND);
    for path in [
        "/",
        "/items",
        "/registers/outgoing/2026/print",
        "/acts/receive-incoming",
        "/login",
    ] {
        let t = c.get(path).await.text();
        for bad in ["http://", "https://", "//cdn", "fonts.googleapis"] {
            let outside = t.match_indices(bad).any(|(i, _)| {
                let before = &t[i.saturating_sub(6)..i];
                before.contains("src=\"") || before.contains("href=\"") || before.contains("url(")
            });
            assert!(!outside, "{path} loads something from outside ({bad})");
        }
    }
    let page = c.get("/").await.text();
    assert!(
        page.contains(r#""allowEval":false"#) && page.contains(r#""includeIndicatorStyles":false"#)
    );
    assert!(
        page.contains(r#""historyCacheSize":0"#),
        "no copy of secret pages in localStorage"
    );
    assert!(
        page.contains("hx-headers='{\"X-CSRF-Token\": \""),
        "htmx sends the token"
    );
}
