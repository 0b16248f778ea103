//! Availability (issue 16 point 2): while eight scans are held inside extraction, a password
//! login, an item list and a write to the copy index complete; a ninth scan of the same user
//! gets 429 and a scan over the scanner's total 503, in Vietnamese, with nothing written.
//!
//! The runtime is built like `serve`'s (8 blocking threads): had the scans run on the blocking
//! pool, the login (password hashing) and the item list would wait behind them. The test holds
//! the scans with an extraction hook released by the test (no sleeps); the only timeout is a
//! guard that turns a hang into a failure.

use crate::helpers::*;
use bmnn_web::scanning::{ScanLimits, ScanState, markings};
use bmnn_web::{AppState, WebConfig};
use serde_json::{Value, json};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tower::ServiceExt;

/// Files entered into extraction, and whether they may leave.
#[derive(Default)]
struct Hold {
    state: Mutex<(usize, bool)>,
    cv: Condvar,
}

impl Hold {
    fn wait_entered(&self, n: usize) {
        let g = self.state.lock().expect("lock");
        let (g, t) = self
            .cv
            .wait_timeout_while(g, Duration::from_secs(120), |s| s.0 < n)
            .expect("lock");
        assert!(!t.timed_out(), "only {} scans reached extraction", g.0);
    }

    fn release(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
        self.cv.notify_all();
    }
}

async fn post(router: &axum::Router, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
    let mut req = axum::http::Request::post(path).header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = req
        .body(axum::body::Body::from(body.to_string()))
        .expect("request");
    answer(router, req).await
}

async fn answer(router: &axum::Router, req: axum::http::Request<axum::body::Body>) -> (u16, Value) {
    let res = router.clone().oneshot(req).await.expect("response");
    let status = res.status().as_u16();
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn file() -> Value {
    // "Báo cáo" in base64.
    json!({"file_name": "bao-cao.txt", "content_base64": "QsOhbyBjw6Fv"})
}

/// Releases the held scans when the test ends, also on a failed assertion, so that a failure is
/// reported instead of the runtime waiting for them forever.
struct ReleaseOnDrop(Arc<Hold>);

impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        self.0.release();
    }
}

#[test]
fn pages_and_logins_answer_while_eight_scans_are_held_in_extraction() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .enable_all()
        .build()
        .expect("runtime");
    let app = TestApp::spawn();
    let hold = Arc::new(Hold::default());
    let _release = ReleaseOnDrop(hold.clone());
    let h = hold.clone();
    let cfg = WebConfig::default();
    let scan = ScanState::new(markings(&app.svc.rules), None, &cfg.data_key)
        .with_limits(ScanLimits {
            threads: 8,
            total: 9,
            per_user: 8,
        })
        .with_extract_hook(Arc::new(move |bytes, name| {
            let mut g = h.state.lock().expect("lock");
            g.0 += 1;
            h.cv.notify_all();
            while !g.1 {
                g = h.cv.wait(g).expect("lock");
            }
            drop(g);
            bmnn_scan::extract::extract(bytes, name, &bmnn_scan::Limits::default())
        }));
    let state = AppState::from_shared(app.svc.clone(), cfg).with_scan(scan);
    let scan_state = state.scan.clone();
    let router = bmnn_web::router(state);
    let drafter = app.login_as("soanthao");
    let clerk = app.login_as("vanthu");
    let leader = app.login_as("giamdoc");

    let mut held = Vec::new();
    for _ in 0..8 {
        let (r, t) = (router.clone(), drafter.clone());
        held.push(rt.spawn(async move { post(&r, Some(&t), "/api/v1/scan", file()).await }));
    }
    hold.wait_entered(8);

    rt.block_on(async {
        let guard = Duration::from_secs(120);
        // Over the per-user limit: 429, nothing written.
        let before = app.audit_count();
        let (st, v) = post(&router, Some(&drafter), "/api/v1/scan", file()).await;
        assert_eq!(st, 429, "{v}");
        assert_eq!(v["error"]["code"], "scan_too_many", "{v}");
        assert!(
            is_vietnamese(v["error"]["message"].as_str().expect("msg")),
            "{v}"
        );
        // Another user takes the last place …
        let last = scan_state.work.admit(app.user("vanthu")).expect("admitted");
        // … a third user is then over the total: 503.
        let (st, v) = post(&router, Some(&leader), "/api/v1/scan", file()).await;
        assert_eq!(st, 503, "{v}");
        assert_eq!(v["error"]["code"], "scan_busy", "{v}");
        assert!(
            is_vietnamese(v["error"]["message"].as_str().expect("msg")),
            "{v}"
        );
        assert_eq!(app.audit_count(), before, "refused scans write nothing");
        drop(last);

        // A password login (hashing on the blocking pool) completes.
        let (st, v) = tokio::time::timeout(
            guard,
            post(
                &router,
                None,
                "/api/v1/tokens",
                json!({"username": "truongphong", "password": PASSWORD, "name": "thử"}),
            ),
        )
        .await
        .expect("login answered while scans were held");
        assert_eq!(st, 201, "{v}");
        // An item list completes.
        let req = axum::http::Request::get("/api/v1/items")
            .header("authorization", format!("Bearer {clerk}"))
            .body(axum::body::Body::empty())
            .expect("request");
        let (st, v) = tokio::time::timeout(guard, answer(&router, req))
            .await
            .expect("item list answered while scans were held");
        assert_eq!(st, 200, "{v}");
        // The copy index is not locked across extraction: indexing can write now.
        let s = scan_state.clone();
        tokio::time::timeout(
            guard,
            tokio::task::spawn_blocking(move || {
                let _w = s.index.write().expect("index lock");
            }),
        )
        .await
        .expect("index writable while scans were held")
        .expect("join");
    });

    hold.release();
    rt.block_on(async {
        for h in held {
            let (st, v) = h.await.expect("join");
            assert_eq!(st, 200, "{v}");
            assert_eq!(v["verdict"], "pass", "{v}");
        }
    });
}
