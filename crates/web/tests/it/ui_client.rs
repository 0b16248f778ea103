//! A tiny browser for the page tests: keeps the session cookie, reads the CSRF token out of
//! the pages, posts forms. Sessions are opened through the service (no password hashing in
//! every test); the login tests go through the real login form.

use crate::helpers::TestApp;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bmnn_web::{AppState, WebConfig, auth, ctx_for};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A page answer: status, headers we look at, body as text (or bytes).
pub struct Page {
    pub status: StatusCode,
    pub location: String,
    pub set_cookie: Vec<String>,
    pub content_type: String,
    pub disposition: String,
    pub bytes: Vec<u8>,
}

impl Page {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

pub struct Client {
    pub router: Router,
    pub cookie: String,
    pub csrf: String,
}

/// The same application with another web configuration (e.g. short session limits).
pub fn router_with(app: &TestApp, cfg: WebConfig) -> Router {
    bmnn_web::router(AppState::from_shared(app.svc.clone(), cfg))
}

pub async fn send(router: &Router, req: Request<Body>) -> Page {
    let resp = router.clone().oneshot(req).await.expect("infallible");
    let h = resp.headers();
    let get = |k: header::HeaderName| {
        h.get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let location = get(header::LOCATION);
    let content_type = get(header::CONTENT_TYPE);
    let disposition = get(header::CONTENT_DISPOSITION);
    let set_cookie = h
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    let status = resp.status();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Page {
        status,
        location,
        set_cookie,
        content_type,
        disposition,
        bytes,
    }
}

/// URL-encodes form pairs.
pub fn encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

impl Client {
    /// A logged-in client for `username` (session opened through the service).
    pub fn session(app: &TestApp, username: &str) -> Client {
        Self::session_on(app, app.router.clone(), username, 3600)
    }

    pub fn session_on(app: &TestApp, router: Router, username: &str, absolute: i64) -> Client {
        let token = auth::random_token();
        let csrf = auth::random_token();
        app.svc
            .open_session(
                &ctx_for(app.user(username)),
                &auth::token_hash(&token),
                &csrf,
                absolute,
            )
            .expect("open session");
        Client {
            router,
            cookie: format!("bmnn_session={token}"),
            csrf,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let req = Request::get(path)
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())
            .expect("request");
        send(&self.router, req).await
    }

    /// POSTs a form; `with_token` adds the `_csrf` field.
    pub async fn post(&self, path: &str, pairs: &[(&str, &str)], with_token: bool) -> Page {
        let mut all: Vec<(&str, &str)> = pairs.to_vec();
        if with_token {
            all.push(("_csrf", &self.csrf));
        }
        let req = Request::post(path)
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "bmnn.test")
            .header(header::ORIGIN, "http://bmnn.test")
            .body(Body::from(encode(&all)))
            .expect("request");
        send(&self.router, req).await
    }
}
