//! "Kiểm tra trước khi đăng tải": anyone uploads files meant for a portal, an e-mail or a
//! social network and gets a verdict per file (chặn / cần kiểm tra / không phát hiện) with the
//! reasons and where they are. The pipeline, logging and clearance handling are in
//! [`crate::scanning`]; this page only carries files in and verdicts out. The upload is a
//! multipart POST whose `_csrf` part is checked before any file is read.

use super::guard::{
    DeferredCsrf, FormError, Me, read_multipart, refused_csrf, refused_slow_upload,
};
use super::view::{L, error_page, render};
use crate::scanning::{ScanOutcome, scan_file};
use crate::{AppState, WebError, ctx_for, today_vn};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use bmnn_core::CoreError;
use bmnn_core::ports::Store;

/// Files per upload (the rest are refused with a message).
pub const MAX_FILES: usize = 20;

#[derive(Template)]
#[template(path = "scan.html")]
pub struct ScanPage {
    pub l: L,
    pub results: Vec<ScanOutcome>,
    pub refused: Vec<String>,
    /// The prohibition on artificial intelligence of the regime in force today, from the
    /// rules (none under a regime without one).
    pub ai: Option<bmnn_core::rules::AiRule>,
}

fn ai_rule<S: Store>(st: &AppState<S>) -> Option<bmnn_core::rules::AiRule> {
    st.svc.rules.regime_for_or_first(today_vn()).ai.clone()
}

pub async fn page<S: Store>(State(st): State<AppState<S>>, me: Me) -> Response {
    render(&ScanPage {
        l: L::new(&me, "scan", "Kiểm tra trước khi đăng tải"),
        results: vec![],
        refused: vec![],
        ai: ai_rule(&st),
    })
}

/// An upload that could not be read: over the body limit (413, "quá lớn") or malformed (400).
fn multipart_refused(me: &Me, too_large: bool) -> Response {
    let msg = if too_large {
        "tệp tải lên quá lớn"
    } else {
        "tệp tải lên không đọc được"
    };
    let mut r = error_page(me, &WebError(CoreError::invalid("files", msg)));
    if too_large {
        *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    }
    r
}

pub async fn submit<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    deferred: Option<axum::Extension<DeferredCsrf>>,
    mut mp: Multipart,
) -> Response {
    let parts = match read_multipart(deferred, &mut mp).await {
        Ok(p) => p,
        Err(FormError::Csrf) => return refused_csrf(),
        Err(FormError::TimedOut) => return refused_slow_upload(),
        Err(e) => return multipart_refused(&me, e == FormError::TooLarge),
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut refused = Vec::new();
    for p in parts.into_iter().filter(|p| p.name == "files") {
        let fname = p.file_name.unwrap_or_else(|| "tệp".into());
        if files.len() >= MAX_FILES {
            refused.push(format!(
                "{fname}: quá {MAX_FILES} tệp trong một lần kiểm tra"
            ));
        } else if !p.bytes.is_empty() {
            files.push((fname, p.bytes));
        }
    }
    if files.is_empty() {
        return error_page(
            &me,
            &WebError(CoreError::invalid(
                "files",
                "hãy chọn ít nhất một tệp để kiểm tra",
            )),
        );
    }
    let mut results = Vec::new();
    for (fname, bytes) in files {
        match scan_file(
            &st,
            &st.scan,
            ctx_for(me.user.id),
            &me.user,
            fname,
            bytes,
            "web",
        )
        .await
        {
            Ok(r) => results.push(r),
            Err(e) => return error_page(&me, &e),
        }
    }
    render(&ScanPage {
        l: L::new(&me, "scan", "Kết quả kiểm tra trước khi đăng tải"),
        results,
        refused,
        ai: ai_rule(&st),
    })
}
