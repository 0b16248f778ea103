//! What every page shares: the layout model, the error page, formatting helpers, form values.

use super::assets;
use super::guard::Me;
use crate::pubid::Pid;
use crate::{AppState, WebError};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use bmnn_core::CoreError;
use bmnn_core::Level;
use bmnn_core::dates::fmt_vn;
use bmnn_core::model::*;
use bmnn_core::ports::Store;
use bmnn_core::service::Service;
use std::collections::BTreeMap;
use time::Date;

/// The layout of a page: who is logged in, the CSRF token for forms and htmx, navigation.
pub struct L {
    pub title: String,
    pub user: String,
    pub roles: String,
    pub csrf: String,
    pub css: String,
    pub print_css: String,
    pub js: String,
    pub app_js: String,
    pub nav: &'static str,
    pub logged_in: bool,
    /// The menu sections open to the user (`bmnn_core::access::menu`).
    pub menu: bmnn_core::access::Menu,
    pub flash: Option<String>,
    /// Chờ tôi xử lý: lines waiting in the user's inbox (`Service::inbox_count`).
    pub inbox: Option<usize>,
}

impl L {
    pub fn new(me: &Me, nav: &'static str, title: impl Into<String>) -> L {
        let u = &me.user;
        L {
            title: title.into(),
            user: u.full_name.clone(),
            roles: u
                .roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", "),
            csrf: me.csrf.clone(),
            css: assets::url("app.css"),
            print_css: assets::url("print.css"),
            js: assets::url("vendor/htmx.min.js"),
            app_js: assets::url("app.js"),
            nav,
            logged_in: true,
            menu: bmnn_core::access::menu(u),
            flash: None,
            inbox: me.inbox,
        }
    }

    pub fn anon(title: impl Into<String>, csrf: String) -> L {
        L {
            title: title.into(),
            user: String::new(),
            roles: String::new(),
            csrf,
            css: assets::url("app.css"),
            print_css: assets::url("print.css"),
            js: assets::url("vendor/htmx.min.js"),
            app_js: assets::url("app.js"),
            nav: "",
            logged_in: false,
            menu: bmnn_core::access::Menu::default(),
            flash: None,
            inbox: None,
        }
    }

    pub fn with_flash(mut self, ok: Option<&str>) -> L {
        self.flash = ok.and_then(flash_text).map(str::to_string);
        self
    }
}

/// The confirmation shown after a successful act (`?ok=<code>` after the redirect).
fn flash_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "Đã ghi nhận.",
        "awaiting-approval" => {
            "Đã ghi nhận, nhưng chưa có hiệu lực: việc giao vai trò, nâng độ mật được tiếp cận hoặc bổ nhiệm chức vụ người đứng đầu đang chờ người đứng đầu cơ quan (hoặc người được cơ quan giao) phê duyệt. Các thay đổi khác đã được lưu."
        }
        "password" => "Đã đổi mật khẩu.",
        "uploaded" => "Đã lưu tệp đính kèm (mã hóa).",
        "uploaded_unread" => {
            "Đã lưu tệp đính kèm (mã hóa), nhưng không trích xuất được văn bản nào từ tệp: bộ quét sẽ không nhận ra bản sao của tệp này. Hãy kiểm tra lại tệp hoặc báo cán bộ bảo vệ bí mật nhà nước."
        }
        "revoked" => "Đã thu hồi các phiên đăng nhập của người dùng.",
        "issued" => {
            "Đã ban hành kế hoạch; các nhiệm vụ được theo dõi trong trang Kế hoạch và mục việc phải làm."
        }
        "imported" => "Đã tiếp nhận gói báo cáo của đơn vị cấp dưới (chữ ký và mã băm hợp lệ).",
        c => return super::acts::done_text(c),
    })
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub l: L,
    pub heading: String,
    pub message: String,
    pub code: String,
}

/// Renders a template, or a plain 500 when rendering itself fails.
pub fn render<T: Template>(t: &T) -> Response {
    html(t.render())
}

/// The response of a page already rendered (for pages rendered where their data was read).
pub fn html(r: askama::Result<String>) -> Response {
    match r {
        Ok(s) => Html(s).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Lỗi hiển thị trang.").into_response()
        }
    }
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Response {
    let mut r = render(t);
    if r.status() == StatusCode::OK {
        *r.status_mut() = status;
    }
    r
}

/// The error page for a failed service call (an absent and a hidden item look the same).
pub fn error_page(me: &Me, e: &WebError) -> Response {
    if matches!(e.0, CoreError::Unauthenticated) {
        return Redirect::to("/login").into_response();
    }
    let heading = match &e.0 {
        CoreError::NotFound(_) => "Không tìm thấy",
        CoreError::Forbidden(_) => "Không có quyền",
        CoreError::Refused(r) if r.code.starts_with("scan_") => "Máy kiểm tra tệp đang bận",
        CoreError::Refused(_) => "Không được phép theo quy định",
        CoreError::Invalid { .. } => "Dữ liệu chưa hợp lệ",
        CoreError::Conflict(_) => "Không thể thực hiện",
        _ => "Có lỗi xảy ra",
    };
    let page = ErrorPage {
        l: L::new(me, "", heading),
        heading: heading.to_string(),
        message: e.0.message_vi(),
        code: e.0.code().to_string(),
    };
    render_status(e.status(), &page)
}

/// Runs a service call on the blocking pool; a failure becomes the error page.
pub async fn call<S, T, F>(st: &AppState<S>, me: &Me, f: F) -> Result<T, Response>
where
    S: Store,
    T: Send + 'static,
    F: FnOnce(&Service<S>) -> Result<T, CoreError> + Send + 'static,
{
    st.run(f).await.map_err(|e| error_page(me, &e))
}

pub fn d(x: Option<Date>) -> String {
    x.map(fmt_vn).unwrap_or_default()
}

/// A count with the Vietnamese thousands separator: 1000 → "1.000".
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

pub fn level_class(l: Level) -> &'static str {
    match l {
        Level::Mat => "lv-mat",
        Level::ToiMat => "lv-toimat",
        Level::TuyetMat => "lv-tuyetmat",
    }
}

/// One row of an item list. Summary only where the regime allows it (never Tuyệt mật here).
pub struct ItemRow {
    pub id: Pid,
    pub label: String,
    pub summary: String,
    pub level: &'static str,
    pub level_class: &'static str,
    pub status: &'static str,
    pub origin: &'static str,
    pub date: String,
    pub expiry: String,
}

impl ItemRow {
    pub fn of(i: &SecretItem, rules: &bmnn_core::rules::RuleSet) -> ItemRow {
        ItemRow {
            id: Pid(i.id),
            label: i.label(),
            summary: bmnn_core::registers::shown_summary(rules, i)
                .unwrap_or_default()
                .to_string(),
            level: i.level.label(),
            level_class: level_class(i.level),
            status: i.status.label(),
            origin: origin_label(i.origin),
            date: d(i.doc_date.or(i.classified_on)),
            expiry: d(i.expiry),
        }
    }
}

pub fn origin_label(o: Origin) -> &'static str {
    match o {
        Origin::Internal => "Đi / nội bộ",
        Origin::Incoming => "Đến",
    }
}

/// Submitted form values (single-valued fields; repeated names are joined with '\n').
#[derive(Debug, Default, Clone)]
pub struct Vals(pub BTreeMap<String, String>);

impl Vals {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Vals {
        let mut m: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in pairs {
            if k == super::guard::CSRF_FIELD {
                continue;
            }
            m.entry(k)
                .and_modify(|old| {
                    old.push('\n');
                    old.push_str(&v);
                })
                .or_insert(v);
        }
        Vals(m)
    }
    pub fn get(&self, k: &str) -> &str {
        self.0.get(k).map(|s| s.as_str()).unwrap_or("")
    }
    pub fn opt(&self, k: &str) -> Option<String> {
        let v = self.get(k).trim();
        (!v.is_empty()).then(|| v.to_string())
    }
    pub fn text(&self, k: &str) -> String {
        self.get(k).trim().to_string()
    }
    pub fn check(&self, k: &str) -> bool {
        matches!(self.get(k), "on" | "true" | "1" | "yes")
    }
    pub fn lines(&self, k: &str) -> Vec<String> {
        self.get(k)
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    }
    pub fn date(&self, k: &str) -> Result<Option<Date>, CoreError> {
        match self.opt(k) {
            None => Ok(None),
            Some(s) => bmnn_core::dates::parse_date(&s).map(Some).ok_or_else(|| {
                CoreError::invalid(k, "ngày phải viết theo dạng dd/mm/yyyy, ví dụ 25/11/2026")
            }),
        }
    }
    pub fn req_date(&self, k: &str) -> Result<Date, CoreError> {
        self.date(k)?
            .ok_or_else(|| CoreError::invalid(k, "hãy nhập ngày (dd/mm/yyyy)"))
    }
    pub fn id(&self, k: &str) -> Result<Option<Id>, CoreError> {
        match self.opt(k) {
            None => Ok(None),
            // Ids travel as opaque tokens; anything else is an id no object has (404).
            Some(s) => Ok(Some(crate::pubid::decode(s.trim()))),
        }
    }
    pub fn req_id(&self, k: &str) -> Result<Id, CoreError> {
        self.id(k)?
            .ok_or_else(|| CoreError::invalid(k, "hãy chọn một giá trị"))
    }
    pub fn num(&self, k: &str) -> Result<Option<u32>, CoreError> {
        match self.opt(k) {
            None => Ok(None),
            Some(s) => s
                .parse::<u32>()
                .map(Some)
                .map_err(|_| CoreError::invalid(k, "hãy nhập một số nguyên không âm")),
        }
    }
    pub fn level(&self, k: &str) -> Result<Level, CoreError> {
        Level::from_code(self.get(k)).ok_or_else(|| CoreError::invalid(k, "hãy chọn độ mật"))
    }
}

/// Parses a URL-encoded body into pairs (forms are read raw so a refused form keeps its input).
pub fn pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_use_the_vietnamese_thousands_separator() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(200), "200");
        assert_eq!(super::count(1000), "1.000");
        assert_eq!(super::count(1234567), "1.234.567");
        assert_eq!(super::count(-4500), "-4.500");
    }
}
