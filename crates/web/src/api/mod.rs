//! JSON API `/api/v1`: the services of `bmnn-core` over HTTP, for programs.
//!
//! Invariants:
//! - One table ([`routes::table`]) builds both the router and the OpenAPI document
//!   (`GET /api/v1/openapi.json`): a route cannot exist without its documentation.
//! - Handlers are thin: parse → one service call on the blocking pool → JSON. Rules, authority
//!   and the clearance filter are the services' (and the store's) alone.
//! - Every failure is JSON `{"error": {"code", "message"[, "field"][, "basis"]}}` with a stable
//!   code and a Vietnamese message: bad JSON, bad queries, a missing token, unknown routes and
//!   wrong methods included (no framework plain-text rejection reaches a client).
//! - Authentication is `Authorization: Bearer <token>`; only the token's SHA-256 is stored and
//!   neither passwords nor tokens are ever logged.

pub mod extract;
mod handlers;
pub mod openapi;
mod programme;
pub mod routes;
pub mod schema;

use crate::AppState;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bmnn_core::ports::Store;

/// The API router, mounted at `/api/v1`.
pub fn router<S: Store>(state: AppState<S>) -> Router {
    let mut api = Router::new();
    for route in routes::table::<S>() {
        let handler = match route.access {
            crate::access::Access::Roles(roles) => {
                route
                    .handler
                    .route_layer(axum::middleware::from_fn_with_state(
                        (state.clone(), roles),
                        crate::access::api_gate::<S>,
                    ))
            }
            _ => route.handler,
        };
        api = api.route(route.path, handler);
    }
    let api = api
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(encode_ids))
        .with_state(state);
    // `nest` covers `/api/v1` and `/api/v1/<anything>`, not the bare trailing slash.
    Router::new()
        .nest("/api/v1", api)
        .route("/api/v1/", axum::routing::any(not_found))
}

/// Every JSON answer of the API leaves with its ids as opaque tokens ([`crate::pubid`]): the
/// one place that turns the services' integer ids into what clients see. The OpenAPI
/// document (whose id fields are schemas, not ids), signed report bundles and non-JSON answers
/// pass unchanged.
async fn encode_ids(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    // Signed report bundles leave byte for byte as signed.
    let skip = req.uri().path().ends_with("/openapi.json") || req.uri().path().ends_with("/bundle");
    let resp = next.run(req).await;
    let json = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if skip || !json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response(),
    };
    // A long answer (a list) is rewritten on the blocking pool, not on one of the async
    // workers that carry every other connection's bytes meanwhile.
    let out = if bytes.len() > BLOCKING_REWRITE {
        match tokio::task::spawn_blocking(move || rewrite_ids(bytes)).await {
            Ok(out) => out,
            Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response(),
        }
    } else {
        rewrite_ids(bytes)
    };
    match out {
        Ok(out) => {
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            Response::from_parts(parts, axum::body::Body::from(out))
        }
        Err(bytes) => Response::from_parts(parts, axum::body::Body::from(bytes)),
    }
}

/// Answers longer than this (bytes) have their ids rewritten on the blocking pool.
const BLOCKING_REWRITE: usize = 16 * 1024;

/// A JSON answer with its ids as tokens; the bytes unchanged (`Err`) when they are not JSON.
fn rewrite_ids(bytes: axum::body::Bytes) -> Result<Vec<u8>, axum::body::Bytes> {
    let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Err(bytes);
    };
    crate::pubid::encode_json(&mut v);
    Ok(serde_json::to_vec(&v).unwrap_or_default())
}

/// Outermost middleware for the whole application: answers under `/api/` that the global
/// layers produced outside the API's routes (413 body too large, 408 timeout, a panic's 500,
/// the pages' 404) are turned into the API's JSON error shape, keeping their status and
/// headers. Meant for `lib.rs`: `.layer(axum::middleware::from_fn(api::json_errors))` as the
/// last (outermost) layer.
pub async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    let status = resp.status();
    if !api || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return resp;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("invalid_input", "Nội dung yêu cầu quá lớn."),
        StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            "Yêu cầu xử lý quá lâu nên đã bị dừng; thao tác chưa được ghi. Hãy thử lại.",
        ),
        StatusCode::NOT_FOUND => (
            "not_found",
            "Không có địa chỉ API này. Xem danh sách tại /api/v1/openapi.json.",
        ),
        s if s.is_server_error() => (
            "internal_error",
            "Lỗi hệ thống; thao tác chưa được ghi. Hãy thử lại hoặc báo quản trị viên.",
        ),
        _ => ("invalid_input", "Yêu cầu không hợp lệ."),
    };
    let (mut parts, _) = resp.into_parts();
    let fresh = extract::error_response(status, code, message, None);
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    for (k, v) in fresh.headers() {
        parts.headers.insert(k.clone(), v.clone());
    }
    Response::from_parts(parts, fresh.into_body())
}

async fn not_found() -> Response {
    extract::error_response(
        StatusCode::NOT_FOUND,
        "not_found",
        "Không có địa chỉ API này. Xem danh sách tại /api/v1/openapi.json.",
        None,
    )
}

async fn method_not_allowed() -> Response {
    extract::error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Địa chỉ API này không nhận phương thức HTTP đó. Xem /api/v1/openapi.json.",
        None,
    )
}
