//! One error type for the web layer, mapped to HTTP in one place.
//!
//! The JSON API answers `{"error": {"code": "...", "message": "..."}}` with the stable code of
//! `CoreError::code()` and its Vietnamese message; the pages render the same message in the
//! page (see `ui`). Storage details are logged, never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bmnn_core::CoreError;
use schemars::JsonSchema;
use serde::Serialize;

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

/// The body of every error answer of the API: `{"error": {code, message, …}}`. The one type
/// both [`WebError`]'s response and `api::extract::error_response` serialise, and whose
/// derived schema is the OpenAPI component `Error`, so the document cannot drift from the body.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "Error")]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, for a program and in Vietnamese for a person.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(inline)]
pub struct ErrorDetail {
    /// Stable machine code (docs/api.md).
    pub code: String,
    /// Vietnamese message saying what to do.
    pub message: String,
    /// Offending field, for invalid_input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Legal basis of a refusal, from the rules of the act's date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// With basis: false when the rules mark that rule unconfirmed (chưa xác nhận).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<bool>,
    /// What to do instead, in Vietnamese (who may decide, what is missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
}

impl ErrorBody {
    /// A body with only a code, a message and perhaps the offending field.
    pub fn new(code: &str, message: &str, field: Option<&str>) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message: message.to_string(),
                field: field.map(str::to_string),
                basis: None,
                confirmed: None,
                next_step: None,
            },
        }
    }

    /// The body of a service error.
    pub fn of(e: &CoreError) -> ErrorBody {
        let mut body = ErrorBody::new(e.code(), &e.message_vi(), None);
        if let CoreError::Invalid { field, .. } = e {
            body.error.field = Some(field.to_string());
        }
        if let CoreError::Refused(r) = e {
            if let Some(b) = &r.basis {
                body.error.basis = Some(b.clone());
                // The rule applied is marked unconfirmed in the rules of the act's date.
                body.error.confirmed = Some(r.confirmed);
            }
            body.error.next_step = bmnn_core::error::next_step(r.code).map(str::to_string);
        }
        body
    }
}

/// JSON API form of an error.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        (self.status(), Json(ErrorBody::of(&self.0))).into_response()
    }
}
