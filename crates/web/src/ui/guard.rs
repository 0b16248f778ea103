//! Login sessions, the CSRF guard, and the account pages (setup, login, logout, password).
//!
//! Session: the cookie holds a 256-bit random token; the database keeps only its SHA-256
//! (`HttpOnly; SameSite=Strict; Path=/`, `Secure` over TLS). A new token is issued on every
//! login; idle and absolute expiry are enforced by the service on every request; "đăng xuất
//! khỏi mọi thiết bị" and a change of a user's privileges delete all of the user's sessions.
//!
//! CSRF (belt and braces, because browsers omit `Sec-Fetch-Site` on plain-HTTP LAN hosts):
//! 1. a state-changing request from another origin (Sec-Fetch-Site other than same-origin, or
//!    an Origin header that does not match Host) is refused;
//! 2. it must carry the session's synchronizer token (`_csrf` form field, or the
//!    `X-CSRF-Token` header that htmx sends from `hx-headers` on `<body>`), compared in
//!    constant time. Before login (login and first-run setup forms) the token is a random
//!    value in a `SameSite=Strict` cookie that the form repeats (double submit).
//!
//! A refused request gets 403 and reaches no handler, so nothing changes.

use super::view::{L, Vals, call, pairs, render, render_status};
use crate::auth::{
    check_password_strength, dummy_verify, hash_password, random_token, token_hash, verify_password,
};
use crate::{AppState, ctx_for, now_utc, today_vn};
use askama::Template;
use axum::body::Body;
use axum::extract::{FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use bmnn_core::model::{Agency, User};
use bmnn_core::ports::Store;
use bmnn_core::service::NewUser;
use serde::Deserialize;
use std::sync::OnceLock;
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

pub const SESSION_COOKIE: &str = "bmnn_session";
pub const PRE_COOKIE: &str = "bmnn_pre";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The logged-in user of this request, with the session's CSRF token.
#[derive(Clone)]
pub struct Me {
    pub user: User,
    pub csrf: String,
    pub token_hash: String,
    /// Lines waiting in the user's inbox ("Chờ tôi xử lý"), for the header of full pages
    /// (`Service::inbox_count`; None on htmx fragments and forms posted).
    pub inbox: Option<usize>,
}

/// For multipart bodies the guard cannot read the token without consuming the upload; it
/// leaves the expected token here and the upload handler checks the `_csrf` part first.
#[derive(Clone)]
pub struct DeferredCsrf(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Me {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Me>()
            .cloned()
            .ok_or_else(|| Redirect::to("/login").into_response())
    }
}

pub fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// Same-origin check from Fetch-Metadata and Origin (either may be absent on plain HTTP).
pub fn same_origin(h: &HeaderMap) -> bool {
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
    {
        return false;
    }
    if let Some(origin) = h.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        // `Referrer-Policy: no-referrer` makes browsers send `Origin: null` on form posts of
        // our own pages, so "null" carries no information: Sec-Fetch-Site (above) and the
        // synchronizer token decide. htmx requests (CORS mode) always carry the real origin.
        if origin == "null" {
            return true;
        }
        let Some(host) = h.get(header::HOST).and_then(|v| v.to_str().ok()) else {
            return false;
        };
        let bare = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"));
        return bare == Some(host);
    }
    true
}

/// One part of a multipart form, read whole (the body limit bounds its size).
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// Why a multipart form was not read.
#[derive(Debug, PartialEq, Eq)]
pub enum FormError {
    /// No valid `_csrf` before the first other part (or none at all).
    Csrf,
    /// Over `max_body_bytes`.
    TooLarge,
    /// Not a well-formed multipart body.
    Malformed,
    /// The body did not arrive within `body_read_secs` (a slow uploader).
    TimedOut,
}

/// Reads a multipart form whose token the guard deferred to the handler ([`DeferredCsrf`]):
/// `_csrf` must come before every other part, and no other part is read before it is checked.
/// Without a deferred token (the `X-CSRF-Token` header was checked by the guard) there is
/// nothing left to check. Every upload handler reads its form through here.
pub async fn read_multipart(
    deferred: Option<axum::Extension<DeferredCsrf>>,
    mp: &mut axum::extract::Multipart,
) -> Result<Vec<Part>, FormError> {
    let mut csrf_ok = deferred.is_none();
    let mut parts = Vec::new();
    let failed = |e: &axum::extract::multipart::MultipartError| {
        if crate::body_deadline::is_timeout(e) {
            FormError::TimedOut
        } else if super::upload_too_large(e) {
            FormError::TooLarge
        } else {
            FormError::Malformed
        }
    };
    while let Some(field) = mp.next_field().await.map_err(|e| failed(&e))? {
        let name = field.name().unwrap_or("").to_string();
        if name == CSRF_FIELD {
            let t = field.text().await.map_err(|e| failed(&e))?;
            if let Some(axum::Extension(DeferredCsrf(exp))) = &deferred {
                csrf_ok = ct_eq(&t, exp);
            }
            continue;
        }
        if !csrf_ok {
            return Err(FormError::Csrf);
        }
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let bytes = field.bytes().await.map_err(|e| failed(&e))?.to_vec();
        parts.push(Part {
            name,
            file_name,
            content_type,
            bytes,
        });
    }
    if csrf_ok {
        Ok(parts)
    } else {
        Err(FormError::Csrf)
    }
}

/// 408 for a body that did not arrive in time ([`crate::body_deadline`]).
pub fn refused_slow_upload() -> Response {
    (
        StatusCode::REQUEST_TIMEOUT,
        Html(format!(
            "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Tải lên quá chậm</title>\
             <h1>Tải lên quá chậm</h1><p>{}</p><p><a href=\"/\">Về trang chủ</a></p></html>",
            crate::body_deadline::MESSAGE
        )),
    )
        .into_response()
}

pub fn refused_csrf() -> Response {
    (
        StatusCode::FORBIDDEN,
        Html(
            "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Từ chối yêu cầu</title>\
             <h1>Yêu cầu bị từ chối</h1><p>Yêu cầu không có mã xác thực biểu mẫu hợp lệ hoặc không \
             xuất phát từ trang của hệ thống, nên không có thay đổi nào được ghi. Hãy quay lại, tải lại \
             trang và thử lại.</p><p><a href=\"/\">Về trang chủ</a></p></html>",
        ),
    )
        .into_response()
}

/// The routes that take multipart bodies: attachment upload, the pre-publication scan
/// page (`/scan`) and the import of a report bundle (`/programme/reports/bundles`). Their handlers check the `_csrf` part before reading any file.
fn is_upload(path: &str) -> bool {
    if path == "/scan" || path == "/programme/reports/bundles" {
        return true;
    }
    path.strip_prefix("/items/")
        .and_then(|r| r.strip_suffix("/attachments"))
        // Any segment: a malformed token must be answered like a hidden item (404), not by
        // the CSRF check of a plain form.
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

fn is_pre_session_form(path: &str) -> bool {
    path == "/login" || path == "/setup"
}

/// The pages that read the caller's whole inbox (`Service::inbox`) and set the header's
/// count from it: the home page (Việc hôm nay) and the inbox (Chờ tôi xử lý).
fn reads_whole_inbox(path: &str) -> bool {
    matches!(path, "/" | "/inbox")
}

/// The answers that carry no page header, so no inbox count: the pickers' JSON (called on each
/// key typed in a search box, without htmx's header) and the `.docx` downloads.
fn answers_without_header(path: &str) -> bool {
    path.starts_with("/pick/") || path.ends_with("/docx")
}

/// The one guard in front of every page: loads the session, then checks origin and CSRF token
/// on every state-changing request.
pub async fn guard<S: Store>(State(st): State<AppState<S>>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let me = match cookie(&parts.headers, SESSION_COOKIE) {
        Some(t) => {
            let h = token_hash(&t);
            let idle = st.cfg.session_idle_secs;
            let h2 = h.clone();
            // The header's inbox count: full pages only (one read transaction), not htmx
            // fragments, not posted forms, not answers without a header, and not the pages that read the whole inbox
            // themselves and show its count (it would be computed twice).
            let page = parts.method == Method::GET
                && !parts.headers.contains_key("hx-request")
                && !reads_whole_inbox(parts.uri.path())
                && !answers_without_header(parts.uri.path());
            match st
                .run(move |svc| {
                    // The session and the count in one read (the usual case).
                    svc.session_page(&h2, now_utc(), idle, page.then(today_vn))
                })
                .await
            {
                Ok(Some((user, s, inbox))) => Some(Me {
                    user,
                    csrf: s.csrf,
                    token_hash: h,
                    inbox,
                }),
                Ok(None) => None,
                Err(_) => {
                    return (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "Lỗi lưu trữ dữ liệu; hãy thử lại.",
                    )
                        .into_response();
                }
            }
        }
        None => None,
    };
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut body = body;
    if !safe {
        if !same_origin(&parts.headers) {
            return refused_csrf();
        }
        let expected = if is_pre_session_form(parts.uri.path()) {
            cookie(&parts.headers, PRE_COOKIE)
        } else {
            me.as_ref().map(|m| m.csrf.clone())
        };
        let Some(expected) = expected else {
            return refused_csrf();
        };
        let ctype = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let ok = if let Some(h) = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
            ct_eq(h, &expected)
        } else if ctype.starts_with("application/x-www-form-urlencoded") {
            let bytes = match axum::body::to_bytes(body, st.cfg.max_body_bytes).await {
                Ok(b) => b,
                Err(e) if crate::body_deadline::is_timeout(&e) => return refused_slow_upload(),
                Err(_) => {
                    return (StatusCode::PAYLOAD_TOO_LARGE, "Dữ liệu quá lớn.").into_response();
                }
            };
            let found = pairs(&bytes)
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v);
            body = Body::from(bytes);
            found.is_some_and(|t| ct_eq(&t, &expected))
        } else if ctype.starts_with("multipart/form-data") && is_upload(parts.uri.path()) {
            // Only the upload handler reads multipart bodies, and it checks `_csrf` first.
            parts.extensions.insert(DeferredCsrf(expected));
            true
        } else {
            false
        };
        if !ok {
            return refused_csrf();
        }
    }
    if let Some(m) = me {
        parts.extensions.insert(m);
    }
    next.run(Request::from_parts(parts, body)).await
}

fn session_cookie(st_secure: bool, value: &str, clear: bool) -> HeaderValue {
    let mut c = format!("{SESSION_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/");
    if clear {
        c.push_str("; Max-Age=0");
    }
    if st_secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie is ASCII")
}

fn pre_cookie(secure: bool, value: &str) -> HeaderValue {
    let mut c = format!("{PRE_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/");
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie is ASCII")
}

/// Password hashing costs ~100 ms and 19 MiB: at most two at a time.
fn hash_slots() -> &'static Semaphore {
    static S: OnceLock<Semaphore> = OnceLock::new();
    S.get_or_init(|| Semaphore::new(2))
}

async fn hash_blocking(pw: String) -> String {
    let _permit = hash_slots().acquire().await.expect("semaphore open");
    tokio::task::spawn_blocking(move || hash_password(&pw))
        .await
        .expect("hashing task")
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub l: L,
    pub username: String,
    pub error: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "setup.html")]
pub struct SetupPage {
    pub l: L,
    pub v: Vals,
    pub error: Option<String>,
}

#[derive(Deserialize)]
pub struct OkQuery {
    pub ok: Option<String>,
}

fn pre_token(headers: &HeaderMap) -> (String, bool) {
    match cookie(headers, PRE_COOKIE) {
        Some(t) if t.len() == 64 => (t, false),
        _ => (random_token(), true),
    }
}

fn with_pre(mut r: Response, secure: bool, token: &str, fresh: bool) -> Response {
    if fresh {
        r.headers_mut()
            .append(header::SET_COOKIE, pre_cookie(secure, token));
    }
    r
}

pub async fn setup_page<S: Store>(State(st): State<AppState<S>>, headers: HeaderMap) -> Response {
    if st.run(|svc| svc.has_users()).await.unwrap_or(true) {
        return Redirect::to("/login").into_response();
    }
    let (t, fresh) = pre_token(&headers);
    let page = SetupPage {
        l: L::anon("Khởi tạo hệ thống", t.clone()),
        v: Vals::default(),
        error: None,
    };
    with_pre(render(&page), st.cfg.secure_cookies, &t, fresh)
}

pub async fn setup_submit<S: Store>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let v = Vals::from_pairs(pairs(&body));
    let (t, _) = pre_token(&headers);
    let fail = |v: Vals, msg: String| {
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                l: L::anon("Khởi tạo hệ thống", t.clone()),
                v,
                error: Some(msg),
            },
        )
    };
    let pw = v.get("password").to_string();
    if pw != v.get("password2") {
        return fail(v, "Hai lần nhập mật khẩu không khớp.".into());
    }
    if let Err(m) = check_password_strength(&pw) {
        return fail(v, m);
    }
    let hash = hash_blocking(pw).await;
    let agency = Agency {
        name: v.text("agency_name"),
        superior: v.opt("superior"),
        place: v.text("place"),
        symbol: v.text("symbol"),
    };
    if agency.name.is_empty() {
        return fail(v, "Hãy nhập tên cơ quan, tổ chức.".into());
    }
    let nu = NewUser {
        username: v.text("username"),
        full_name: v.text("full_name"),
        // The service makes the first account the administrator (and nothing else).
        roles: Vec::new(),
        clearance: None,
        position_id: None,
        unit_id: None,
        password_hash: hash,
    };
    match st
        .run(move |svc| svc.bootstrap_admin(now_utc(), agency, nu))
        .await
    {
        Ok(_) => Redirect::to("/login?ok=setup").into_response(),
        Err(e) => fail(v, e.0.message_vi()),
    }
}

pub async fn login_page<S: Store>(
    State(st): State<AppState<S>>,
    me: Option<Me>,
    headers: HeaderMap,
    Query(q): Query<OkQuery>,
) -> Response {
    if me.is_some() {
        return Redirect::to("/").into_response();
    }
    if !st.run(|svc| svc.has_users()).await.unwrap_or(true) {
        return Redirect::to("/setup").into_response();
    }
    let (t, fresh) = pre_token(&headers);
    let notice = match q.ok.as_deref() {
        Some("setup") => {
            Some("Đã khởi tạo hệ thống. Hãy đăng nhập bằng tài khoản quản trị vừa tạo.".to_string())
        }
        Some("password") => Some("Đã đổi mật khẩu. Hãy đăng nhập lại.".to_string()),
        Some("out") => Some("Đã đăng xuất.".to_string()),
        Some("all") => Some("Đã đăng xuất khỏi mọi thiết bị.".to_string()),
        _ => None,
    };
    let page = LoginPage {
        l: L::anon("Đăng nhập", t.clone()),
        username: String::new(),
        error: None,
        notice,
    };
    with_pre(render(&page), st.cfg.secure_cookies, &t, fresh)
}

pub async fn login_submit<S: Store>(
    State(st): State<AppState<S>>,
    crate::ratelimit::ClientIp(ip): crate::ratelimit::ClientIp,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let v = Vals::from_pairs(pairs(&body));
    let username = v.text("username");
    let pw = v.get("password").to_string();
    let (t, _) = pre_token(&headers);
    // Growing delays after failures (per name and address); the password is not looked at
    // during the wait. The same answer whether the name exists or not.
    let started = std::time::Instant::now();
    if let Some(wait) = st.limiter.logins.wait(&username, ip, started) {
        let page = LoginPage {
            l: L::anon("Đăng nhập", t),
            username,
            error: Some(crate::throttle::message(wait)),
            notice: None,
        };
        let mut r = render_status(StatusCode::TOO_MANY_REQUESTS, &page);
        r.headers_mut()
            .insert(header::RETRY_AFTER, wait.as_secs().max(1).into());
        return r;
    }
    let permit = hash_slots().acquire().await.expect("semaphore open");
    let u2 = username.clone();
    let res = st
        .run(move |svc| {
            svc.authenticate(&u2, now_utc(), |h| match h {
                Some(h) => verify_password(&pw, h),
                None => {
                    dummy_verify(&pw);
                    false
                }
            })
        })
        .await;
    drop(permit);
    let user = match res {
        Ok(u) => {
            st.limiter.logins.succeeded(&username);
            u
        }
        Err(e) => {
            st.limiter.logins.failed(&username, ip, started);
            let page = LoginPage {
                l: L::anon("Đăng nhập", t),
                username,
                error: Some(e.0.message_vi()),
                notice: None,
            };
            return render_status(StatusCode::UNAUTHORIZED, &page);
        }
    };
    // A new token on every login (no session fixation); the old session, if any, is closed.
    let token = random_token();
    let csrf = random_token();
    let h = token_hash(&token);
    let abs = st.cfg.session_absolute_secs;
    let ctx = ctx_for(user.id);
    let old = cookie(&headers, SESSION_COOKIE).map(|t| token_hash(&t));
    let opened = st
        .run(move |svc| {
            if let Some(o) = old {
                svc.close_session(&ctx, &o)?;
            }
            svc.open_session(&ctx, &h, &csrf, abs)
        })
        .await;
    if opened.is_err() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "Lỗi lưu trữ dữ liệu; hãy thử lại.",
        )
            .into_response();
    }
    let mut r = Redirect::to("/").into_response();
    *r.status_mut() = StatusCode::SEE_OTHER;
    r.headers_mut().append(
        header::SET_COOKIE,
        session_cookie(st.cfg.secure_cookies, &token, false),
    );
    r
}

fn logged_out(secure: bool, to: &str) -> Response {
    let mut r = Redirect::to(to).into_response();
    *r.status_mut() = StatusCode::SEE_OTHER;
    r.headers_mut()
        .append(header::SET_COOKIE, session_cookie(secure, "", true));
    r
}

pub async fn logout<S: Store>(State(st): State<AppState<S>>, me: Me) -> Response {
    let ctx = ctx_for(me.user.id);
    let h = me.token_hash.clone();
    if let Err(r) = call(&st, &me, move |svc| svc.close_session(&ctx, &h)).await {
        return r;
    }
    logged_out(st.cfg.secure_cookies, "/login?ok=out")
}

pub async fn logout_all<S: Store>(State(st): State<AppState<S>>, me: Me) -> Response {
    let ctx = ctx_for(me.user.id);
    let id = me.user.id;
    if let Err(r) = call(&st, &me, move |svc| svc.revoke_sessions(&ctx, id)).await {
        return r;
    }
    logged_out(st.cfg.secure_cookies, "/login?ok=all")
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub l: L,
    pub username: String,
    pub clearance: &'static str,
    pub error: Option<String>,
}

pub fn clearance_label(c: Option<bmnn_core::Level>) -> &'static str {
    match c {
        None => "Không được tiếp cận BMNN",
        Some(l) => l.label(),
    }
}

pub async fn account_page(me: Me, Query(q): Query<OkQuery>) -> Response {
    let page = AccountPage {
        l: L::new(&me, "account", "Tài khoản của tôi").with_flash(q.ok.as_deref()),
        username: me.user.username.clone(),
        clearance: clearance_label(me.user.clearance),
        error: None,
    };
    render(&page)
}

pub async fn change_password<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    body: axum::body::Bytes,
) -> Response {
    let v = Vals::from_pairs(pairs(&body));
    let fail = |msg: String| {
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AccountPage {
                l: L::new(&me, "account", "Tài khoản của tôi"),
                username: me.user.username.clone(),
                clearance: clearance_label(me.user.clearance),
                error: Some(msg),
            },
        )
    };
    let new = v.get("new").to_string();
    if new != v.get("new2") {
        return fail("Hai lần nhập mật khẩu mới không khớp.".into());
    }
    if let Err(m) = check_password_strength(&new) {
        return fail(m);
    }
    let cur = v.get("current").to_string();
    let username = me.user.username.clone();
    let checked = {
        let _permit = hash_slots().acquire().await.expect("semaphore open");
        st.run(move |svc| {
            svc.authenticate(&username, now_utc(), |h| {
                h.is_some_and(|h| verify_password(&cur, h))
            })
        })
        .await
    };
    if let Err(e) = checked {
        return fail(e.0.message_vi());
    }
    let hash = hash_blocking(new).await;
    let ctx = ctx_for(me.user.id);
    let id = me.user.id;
    let cur = v.get("current").to_string();
    match st
        .run(move |svc| {
            svc.set_password(&ctx, id, &hash, |h| {
                h.is_some_and(|h| verify_password(&cur, h))
            })?;
            svc.revoke_sessions(&ctx, id)
        })
        .await
    {
        Ok(_) => logged_out(st.cfg.secure_cookies, "/login?ok=password"),
        Err(e) => fail(e.0.message_vi()),
    }
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Me {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Me>().cloned())
    }
}
