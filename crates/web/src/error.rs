//! One error type for the web layer, mapped to HTTP in one place.
//!
//! The JSON API answers `{"error": {"code": "...", "message": "..."}}` with the stable code of
//! `CoreError::code()` and its Vietnamese message; the pages render the same message in the
//! page (see `ui`). Storage details are logged, never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bmnn_core::CoreError;
use serde_json::json;

#[derive(Debug)]
pub struct WebError(pub CoreError);

impl WebError {
    pub fn internal(msg: String) -> WebError {
        WebError(CoreError::Storage(msg))
    }

    pub fn status(&self) -> StatusCode {
        match &self.0 {
            // The scanner's admission (scanning::ScanWork): too many of one's own files at
            // once, or the scanner full.
            CoreError::Refused(r) if r.code == "scan_too_many" => StatusCode::TOO_MANY_REQUESTS,
            CoreError::Refused(r) if r.code == "scan_busy" => StatusCode::SERVICE_UNAVAILABLE,
            CoreError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            CoreError::Invalid { .. } => StatusCode::BAD_REQUEST,
            CoreError::NotFound(_) => StatusCode::NOT_FOUND,
            CoreError::Forbidden(_) => StatusCode::FORBIDDEN,
            CoreError::Conflict(_) => StatusCode::CONFLICT,
            CoreError::Unauthenticated => StatusCode::UNAUTHORIZED,
            CoreError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
            CoreError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl From<CoreError> for WebError {
    fn from(e: CoreError) -> Self {
        if let CoreError::Storage(detail) = &e {
            tracing::error!(%detail, "storage error");
        }
        if let CoreError::Unavailable = &e {
            tracing::warn!("database unavailable");
        }
        WebError(e)
    }
}

/// JSON API form of an error.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut body = json!({"error": {"code": self.0.code(), "message": self.0.message_vi()}});
        if let CoreError::Invalid { field, .. } = &self.0 {
            body["error"]["field"] = json!(field);
        }
        if let CoreError::Refused(r) = &self.0 {
            if let Some(b) = &r.basis {
                body["error"]["basis"] = json!(b);
                // The rule applied is marked unconfirmed in the rules of the act's date.
                body["error"]["confirmed"] = json!(r.confirmed);
            }
            if let Some(n) = bmnn_core::error::next_step(r.code) {
                body["error"]["next_step"] = json!(n);
            }
        }
        (self.status(), Json(body)).into_response()
    }
}
