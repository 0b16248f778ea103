//! bmnn-web: the HTTP faces of bmnn — HTML pages for people (`ui`) and the JSON API `/api/v1`
//! for programs (`api`). Only this crate knows about HTTP and htmx.
//!
//! Both faces call the same services (`bmnn_core::service::Service`); neither re-implements a
//! rule or a query. The crate is generic over the storage (`S: Store`); the `bmnn` binary
//! wires in `bmnn_store::DbStore`. Service calls block (SQLite/PostgreSQL through diesel), so
//! handlers run them on the blocking pool through [`AppState::run`].

#![forbid(unsafe_code)]

pub mod access;
pub mod api;
pub mod auth;
pub mod body_deadline;
pub mod download;
pub mod error;
pub mod programme;
pub mod pubid;
pub mod ratelimit;
pub mod scanning;
pub mod throttle;
pub mod ui;

use axum::Router;
use bmnn_core::model::Id;
use bmnn_core::ports::Store;
use bmnn_core::service::{Ctx, Service};
use std::sync::Arc;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

pub use error::WebError;

/// Vietnam is UTC+7 all year (no daylight saving time).
pub const VN_OFFSET: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("valid offset"),
};

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Cookies get `Secure` (set when serving over TLS).
    pub secure_cookies: bool,
    /// Served over TLS (`serve --tls`): every response carries `Strict-Transport-Security`
    /// (never over plain HTTP, where browsers ignore it and it would only mislead).
    pub hsts: bool,
    /// Idle timeout of a login session, in seconds.
    pub session_idle_secs: i64,
    /// Absolute lifetime of a login session, in seconds.
    pub session_absolute_secs: i64,
    /// The data key (unwrapped by `bmnn keys` at start): attachments at rest
    /// (XChaCha20-Poly1305) and the scanner's keys derive from it.
    pub data_key: [u8; 32],
    /// Largest request body accepted (uploads included), in bytes.
    pub max_body_bytes: usize,
    /// Seconds a request body may take to arrive (a slow uploader is answered 408 past it,
    /// [`body_deadline`]). 32 MB at 1 MB/s fits.
    pub body_read_secs: u64,
    /// The rules overrides in force (quy tắc thay thế tại cơ sở) and what each changes against
    /// the embedded rules, for the legal-points page (`rules_override::Change`).
    pub rules_overrides: Vec<bmnn_core::rules_override::Change>,
    /// This unit's report signing key (Ed25519 secret, `bmnn report keygen`): signs the report
    /// bundles exported from the pages and the API. None: export is refused with what to do.
    pub report_signing_key: Option<[u8; 32]>,
    /// Per client address: login, first-run and API token requests ([`ratelimit`]).
    pub login_rate: ratelimit::Rate,
    /// Per client address: scanner uploads.
    pub scan_rate: ratelimit::Rate,
    /// Days an API token stays valid (`serve --token-days`).
    pub token_days: i64,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            hsts: false,
            session_idle_secs: 30 * 60,
            session_absolute_secs: 10 * 60 * 60,
            data_key: [0u8; 32],
            max_body_bytes: 32 * 1024 * 1024,
            body_read_secs: 45,
            rules_overrides: Vec::new(),
            report_signing_key: None,
            // Enough for a person who mistypes, far too few for guessing (the account lockout
            // stops guessing one account; this stops trying many from one machine).
            login_rate: ratelimit::Rate {
                burst: 20,
                per_minute: 20,
            },
            // A security officer checking a folder of files before publishing them.
            scan_rate: ratelimit::Rate {
                burst: 30,
                per_minute: 60,
            },
            token_days: bmnn_core::service::TOKEN_DAYS,
        }
    }
}

/// Recomputes the audit chain (`DbStore::verify_audit`): the number of records checked, or
/// where and why the chain is broken. The web crate is generic over the store, so the binary
/// hands this in.
pub type AuditVerifier = Arc<dyn Fn() -> Result<u64, String> + Send + Sync>;

/// Shared state of every handler.
pub struct AppState<S: Store> {
    pub svc: Arc<Service<S>>,
    pub cfg: Arc<WebConfig>,
    /// Shown on the audit page to the security officer; None when not wired.
    pub audit_verifier: Option<AuditVerifier>,
    /// The pre-publication scanner (markings, fingerprint index of protected items).
    pub scan: Arc<scanning::ScanState>,
    /// Per-address request limits (login, scanner uploads).
    pub limiter: Arc<ratelimit::Limiter>,
}

impl<S: Store> Clone for AppState<S> {
    fn clone(&self) -> Self {
        AppState {
            svc: self.svc.clone(),
            cfg: self.cfg.clone(),
            audit_verifier: self.audit_verifier.clone(),
            scan: self.scan.clone(),
            limiter: self.limiter.clone(),
        }
    }
}

impl<S: Store> AppState<S> {
    pub fn new(svc: Service<S>, cfg: WebConfig) -> Self {
        Self::from_shared(Arc::new(svc), cfg)
    }

    /// Wires the scanner the binary built (child-process isolation, loaded index).
    pub fn with_scan(mut self, scan: scanning::ScanState) -> Self {
        self.scan = Arc::new(scan);
        self
    }

    /// The same services under another configuration (tests: short session limits, TLS
    /// cookies).
    pub fn from_shared(svc: Arc<Service<S>>, cfg: WebConfig) -> Self {
        pubid::install(&cfg.data_key);
        // In-process extraction and an empty index until the binary wires its own (with_scan).
        let scan = scanning::ScanState::new(scanning::markings(&svc.rules), None, &cfg.data_key);
        let limiter = Arc::new(ratelimit::Limiter::new(cfg.login_rate, cfg.scan_rate));
        AppState {
            svc,
            cfg: Arc::new(cfg),
            audit_verifier: None,
            scan: Arc::new(scan),
            limiter,
        }
    }

    /// Wires the audit chain verifier shown on the audit page.
    pub fn with_audit_verifier(mut self, f: AuditVerifier) -> Self {
        self.audit_verifier = Some(f);
        self
    }

    /// Runs a blocking service call on the blocking pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&Service<S>) -> Result<T, bmnn_core::CoreError> + Send + 'static,
    {
        let svc = self.svc.clone();
        match tokio::task::spawn_blocking(move || f(&svc)).await {
            Ok(r) => r.map_err(WebError::from),
            Err(e) => Err(WebError::internal(format!("blocking task failed: {e}"))),
        }
    }
}

/// Current UTC time without offset (the form the store keeps).
pub fn now_utc() -> PrimitiveDateTime {
    let n = OffsetDateTime::now_utc();
    PrimitiveDateTime::new(n.date(), n.time())
}

/// Today's date in Vietnam.
pub fn today_vn() -> Date {
    OffsetDateTime::now_utc().to_offset(VN_OFFSET).date()
}

/// The context of an act by `user_id` now.
pub fn ctx_for(user_id: Id) -> Ctx {
    Ctx {
        user_id,
        now: now_utc(),
        today: today_vn(),
    }
}

/// The whole application: pages, JSON API, assets, with the security layers.
///
/// Global layers, outermost first: security headers on every response (also on errors and
/// panics), a panic becomes a plain 500 (never a stack trace), a request timeout, a deadline for
/// receiving the body ([`body_deadline`]: a slow uploader gets 408), and the body size limit (uploads included; axum's smaller default limit for extractors is lifted to the
/// same value so multipart uploads up to `max_body_bytes` work). Inside the headers, before
/// anything reads a body, the per-address rate limits ([`ratelimit`]).
pub fn router<S: Store>(state: AppState<S>) -> Router {
    let limit = state.cfg.max_body_bytes;
    let limiter = state.limiter.clone();
    let hsts = state.cfg.hsts;
    let body_deadline = std::time::Duration::from_secs(state.cfg.body_read_secs);
    Router::new()
        .merge(api::router(state.clone()))
        .merge(ui::router(state))
        .fallback(ui::not_found_plain)
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        .layer(axum::middleware::from_fn_with_state(
            body_deadline,
            body_deadline::limit,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(60),
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            ui::panic_response,
        ))
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            ratelimit::limit,
        ))
        // The layers above answer in plain text; under /api/ clients get the API's JSON errors.
        .layer(axum::middleware::from_fn(api::json_errors))
        .layer(axum::middleware::from_fn(ui::headers::security_headers))
        .layer(axum::middleware::from_fn_with_state(
            hsts,
            ui::headers::strict_transport,
        ))
}
