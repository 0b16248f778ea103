//! Security headers for every response of the application (pages, API, assets).
//!
//! Why each one:
//! - `Content-Security-Policy`: only our own script and style run, nothing inline, no eval;
//!   htmx is configured through `<meta name="htmx-config">` (`includeIndicatorStyles: false`,
//!   `allowEval: false`) so it never needs `unsafe-inline`/`unsafe-eval`. `form-action 'self'`
//!   stops a injected form from posting secrets elsewhere; `frame-ancestors 'none'` stops
//!   clickjacking; `base-uri 'none'` stops a `<base>` tag from redirecting relative URLs.
//!   `connect-src 'self'` keeps htmx requests on this host; the office PC has no Internet and
//!   the page must never try to reach it.
//! - `X-Content-Type-Options: nosniff`: an uploaded file is never reinterpreted as HTML/JS.
//! - `Referrer-Policy: no-referrer`: item ids in URLs never leave in a Referer header.
//! - `X-Frame-Options: DENY`: frame-ancestors for old browsers.
//! - `Cross-Origin-Opener-Policy` / `Cross-Origin-Resource-Policy`: other origins cannot
//!   script our window or embed our responses.
//! - `Permissions-Policy`: no camera, microphone, geolocation in a records system.
//! - `Cache-Control: no-store` on everything except hashed assets: pages show secret data
//!   and must not stay in the browser's disk cache or the back/forward cache.
//! - `Strict-Transport-Security` (only under `serve --tls`, [`strict_transport`]): once a
//!   browser has reached bmnn over HTTPS it refuses plain HTTP to that host for a year, so a
//!   machine on the LAN cannot downgrade the next visit and read passwords and secret pages.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; font-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: HeaderName, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CSP);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    set(
        h,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    res
}

/// `Strict-Transport-Security: max-age=31536000` on every response when `tls` (the server
/// speaks HTTPS); nothing otherwise. No `includeSubDomains`/`preload`: only this host is
/// bmnn's, other services of the agency may still be plain HTTP.
pub async fn strict_transport(
    axum::extract::State(tls): axum::extract::State<bool>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    if tls {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    res
}
