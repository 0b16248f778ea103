//! Nhật ký kiểm tra (audit log viewer): a page of the audit chain as the service lets this
//! viewer see it (records about what they may not see are redacted there), with the names of
//! people instead of their ids, the object as a link or a Vietnamese name, the details in plain
//! Vietnamese, filters (who, which kind of action, from/to date) and pages of [`AUDIT_PAGE`]
//! records. What has no Vietnamese wording yet (a new action or detail key) is shown in the
//! small "mã kỹ thuật" line for the administrator, never as the main text.

use super::guard::Me;
use super::pages::Opt;
use super::view::{L, call, d, render};
use crate::pubid::{self, Pid};
use crate::{AppState, ctx_for};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use bmnn_core::Level;
use bmnn_core::dates::parse_date;
use bmnn_core::model::Id;
use bmnn_core::ports::Store;
use bmnn_core::service::{AuditFilter, actor_id};
use std::collections::HashMap;

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    /// The object as text, and the page it opens when it has one.
    pub object: String,
    pub object_link: String,
    pub details: String,
    /// Codes without a Vietnamese wording yet (action, detail keys), for the administrator.
    pub tech: String,
    pub hash: String,
    pub high: bool,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub l: L,
    pub rows: Vec<AuditRow>,
    /// The query of the next (older) page, when there is one.
    pub older: Option<String>,
    /// The query of the newest page with the same filter, when this is not it.
    pub newest: Option<String>,
    pub verify: Option<Result<u64, String>>,
    pub people: Vec<Opt>,
    pub families: Vec<Opt>,
    pub from: String,
    pub to: String,
    pub filtered: bool,
    /// A date the viewer typed that is not a date (shown next to its field; the filter
    /// then ignores it).
    pub from_error: bool,
    pub to_error: bool,
}

/// Audit timestamps are UTC; shown in Vietnam time as dd/mm/yyyy hh:mm:ss.
fn vn_time(at: &str) -> String {
    let date = at.get(..10).and_then(bmnn_core::dates::parse_date);
    let hms = at.get(11..19).unwrap_or("");
    let parts: Vec<&str> = hms.split(':').collect();
    match (date, parts.as_slice()) {
        (Some(dt), [h, m, s]) => {
            let h: i64 = h.parse().unwrap_or(0) + 7;
            let dt = if h >= 24 {
                dt.next_day().unwrap_or(dt)
            } else {
                dt
            };
            format!("{} {:02}:{}:{}", bmnn_core::dates::fmt_vn(dt), h % 24, m, s)
        }
        _ => at.to_string(),
    }
}

/// The Vietnamese name of an audit action (None for an action without one yet: its code is
/// then shown in the small technical line).
fn action_label(code: &str) -> Option<String> {
    let vi = match code {
        "bootstrap" => "Khởi tạo hệ thống",
        "login" => "Đăng nhập",
        "login.fail" => "Đăng nhập sai",
        "session.open" => "Mở phiên làm việc",
        "session.close" => "Đăng xuất",
        "session.expire" => "Phiên hết hạn",
        "session.revoke_all" => "Thu hồi mọi phiên",
        "attachment.add" => "Đính kèm tệp",
        "attachment.view" => "Mở tệp đính kèm",
        "item.propose" => "Đề xuất độ mật",
        "item.classify" => "Quyết định độ mật",
        "item.extend" => "Gia hạn",
        "item.adjust" => "Điều chỉnh độ mật",
        "item.declassify" => "Giải mật",
        "register.outgoing" => "Vào sổ đi",
        "register.incoming" => "Vào sổ đến",
        "register.handover" => "Vào sổ chuyển giao",
        "register.copies" => "Vào sổ sao, chụp",
        "register.ack" => "Ký nhận",
        "request.copy" => "Đề nghị sao, chụp",
        "request.decide" => "Quyết định yêu cầu",
        "user.create" => "Tạo người dùng",
        "user.update" => "Sửa người dùng",
        "user.password" => "Đặt mật khẩu",
        "delegation.create" => "Ghi nhận ủy quyền",
        "catalogue.create" => "Thêm danh mục",
        "catalogue.remove-item" => "Loại mục khỏi danh mục",
        "delegation.revoke" => "Thu hồi ủy quyền",
        "item.reject" => "Không duyệt đề xuất",
        "item.recall-return" => "Trả tài liệu thu hồi",
        "item.declassify-expired" => "Giải mật do hết thời hạn",
        "rules.overrides" => "Quy tắc thay thế tại cơ sở đã thay đổi",
        "item.text" => "Lưu văn bản để đối chiếu",
        "notice.done" => "Đã gửi thông báo",
        "position.create" => "Tạo chức vụ",
        "unit.create" => "Tạo đơn vị",
        "agency.update" => "Sửa thông tin cơ quan",
        "register.cancel" => "Hủy bỏ mục sổ",
        "request.take-out" => "Đề nghị mang ra ngoài",
        "request.provide" => "Đề nghị cung cấp",
        "request.provided" => "Đã cung cấp, chuyển giao",
        "request.destroy" => "Đề nghị tiêu hủy",
        "request.destroyed" => "Đã tiêu hủy",
        "request.return" => "Trả tài liệu mang ra ngoài",
        "user.unlock" => "Mở khóa tài khoản",
        "keys.add-passphrase" => "Thêm mật khẩu mở khóa dữ liệu",
        "keys.add-recovery" => "Thêm mã khôi phục khóa dữ liệu",
        "keys.add-keyfile" => "Thêm tệp khóa (thiết bị di động)",
        "keys.remove" => "Xóa một cách mở khóa dữ liệu",
        "keys.change-passphrase" => "Đổi mật khẩu mở khóa dữ liệu",
        "keys.rotate" => "Thay toàn bộ cách mở khóa dữ liệu",
        "token.create" => "Cấp mã truy cập API",
        "item.read" => "Xem tài liệu Tối mật, Tuyệt mật",
        "read.refused" => "Hỏi xem đối tượng ngoài phạm vi",
        "read.cap" => "Đạt giới hạn ghi nhật ký lượt xem trong giờ",
        bmnn_core::service::REDACTED => "Thao tác ngoài phạm vi",
        "scan.ignore" => "Cho phép bỏ qua khi kiểm tra",
        _ => "",
    };
    if vi.is_empty() {
        None
    } else {
        Some(vi.to_string())
    }
}

/// The kinds of action the filter offers (the family of the action code).
const FAMILIES: &[(&str, &str)] = &[
    ("item", "Tài liệu: đề xuất, quyết định, gia hạn, giải mật"),
    ("register", "Sổ đăng ký: vào sổ, ký nhận, hủy mục"),
    (
        "request",
        "Yêu cầu: sao, chụp, mang ra ngoài, cung cấp, tiêu hủy",
    ),
    ("attachment", "Tệp đính kèm"),
    ("session", "Phiên làm việc"),
    ("login", "Đăng nhập"),
    ("user", "Người dùng"),
    ("delegation", "Ủy quyền"),
    ("catalogue", "Danh mục BMNN"),
    ("notice", "Thông báo"),
    ("scan", "Kiểm tra trước khi đăng tải"),
    ("keys", "Khóa dữ liệu"),
    ("read", "Lượt xem ngoài phạm vi"),
];

/// The object of a record in words, and the page it opens.
fn object_words(object: &str, people: &HashMap<Id, String>) -> (String, String) {
    let mut parts = object.split(':');
    let kind = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    let id = rest.first().and_then(|n| n.parse::<Id>().ok());
    match (kind, id) {
        ("item", Some(i)) => ("Tài liệu".into(), format!("/items/{}", Pid(i))),
        ("request", Some(_)) => ("Yêu cầu".into(), String::new()),
        ("user", Some(i)) => (
            people
                .get(&i)
                .cloned()
                .unwrap_or_else(|| "Người dùng".into()),
            String::new(),
        ),
        ("notice", _) => ("Thông báo".into(), String::new()),
        ("position", _) => ("Chức vụ".into(), String::new()),
        ("unit", _) => ("Đơn vị".into(), String::new()),
        ("delegation", _) => ("Văn bản ủy quyền".into(), String::new()),
        ("catalogue", _) => ("Danh mục BMNN".into(), String::new()),
        ("attachment", _) => ("Tệp đính kèm".into(), String::new()),
        ("register", _) => {
            let book = match rest.first().copied() {
                Some("outgoing") => "Sổ BMNN đi",
                Some("incoming") => "Sổ BMNN đến",
                Some("handover") => "Sổ chuyển giao",
                Some("copies") => "Sổ sao, chụp",
                _ => "Sổ đăng ký",
            };
            match (rest.get(1), rest.get(2)) {
                (Some(y), Some(n)) => (format!("{book} năm {y}, số {n}"), String::new()),
                _ => (book.to_string(), String::new()),
            }
        }
        ("", _) => (String::new(), String::new()),
        _ => (String::new(), String::new()),
    }
}

fn yes_no(v: &str) -> Option<&'static str> {
    match v {
        "true" => Some("có"),
        "false" => Some("không"),
        _ => None,
    }
}

/// The details of a record (`level=mat count=2 ...`) in Vietnamese; pairs with no wording
/// yet go to the technical line.
fn detail_words(details: &str, people: &HashMap<Id, String>) -> (String, Vec<String>) {
    let mut words = Vec::new();
    let mut tech = Vec::new();
    let pairs = details.split_whitespace().filter_map(|w| w.split_once('='));
    if !details.contains('=') && !details.is_empty() {
        // Free text written by the service (a redacted record's sentence, a reason).
        return (details.to_string(), tech);
    }
    for (k, v) in pairs {
        let said = match k {
            "level" => Level::from_code(v).map(|l| format!("độ {}", l.label())),
            "clearance" => Level::from_code(v).map(|l| format!("được tiếp cận độ {}", l.label())),
            "regime" => Some(format!("chế độ pháp lý {v}")),
            "count" => Some(format!("{v} bản")),
            "notices" => Some(format!("{v} thông báo")),
            "approve" => yes_no(v).map(|b| {
                if b == "có" {
                    "duyệt".into()
                } else {
                    "không duyệt".into()
                }
            }),
            "partial" => yes_no(v).map(|b| format!("giải mật một phần: {b}")),
            "abroad" => yes_no(v).map(|b| format!("ra nước ngoài: {b}")),
            "foreign" => yes_no(v).map(|b| format!("cho nước ngoài: {b}")),
            "username" => Some(format!("tên đăng nhập {v}")),
            "roles" => {
                let r: Option<Vec<&str>> = v.split(',').map(bmnn_core::model::role_label).collect();
                r.map(|r| format!("vai trò {}", r.join(", ")))
            }
            "via" => Some(if v == "Own" {
                "theo thẩm quyền của mình".into()
            } else {
                "theo ủy quyền".into()
            }),
            "to_user" => match v.parse::<Id>() {
                Ok(i) => Some(format!(
                    "giao cho {}",
                    people.get(&i).map_or("người dùng khác", String::as_str)
                )),
                Err(_) => Some(String::new()),
            },
            "item" | "request" | "high" => Some(String::new()),
            _ => None,
        };
        match said {
            Some(s) if !s.is_empty() => words.push(s),
            Some(_) => {}
            None => tech.push(format!("{k}={v}")),
        }
    }
    (words.join("; "), tech)
}

/// Records per page of the audit viewer.
const AUDIT_PAGE: i64 = 50;

#[derive(serde::Deserialize, Default)]
pub struct AuditQuery {
    /// Show records older than this one (the chain's own sequence number).
    before: Option<i64>,
    #[serde(default, deserialize_with = "pubid::opt_form")]
    who: Option<Pid>,
    #[serde(default)]
    what: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// GET /audit: a filtered page of the audit chain, newest first.
pub async fn audit_page<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Query(q): Query<AuditQuery>,
) -> Response {
    let ctx = ctx_for(me.user.id);
    let before = q.before.filter(|b| *b > 1);
    let filter = AuditFilter {
        actor: q.who.map(Pid::id),
        family: FAMILIES
            .iter()
            .find(|(c, _)| *c == q.what)
            .map(|(c, _)| c.to_string()),
        from: parse_date(&q.from),
        to: parse_date(&q.to),
    };
    let f = filter.clone();
    let page = match call(&st, &me, move |svc| {
        svc.audit_search(&ctx, before, AUDIT_PAGE, &f)
    })
    .await
    {
        Ok(r) => r,
        Err(r) => return r,
    };
    let verify = match st.audit_verifier.clone() {
        Some(f) => tokio::task::spawn_blocking(move || f()).await.ok(),
        None => None,
    };
    // The filter's part of every page link (the dates as the viewer typed them, normalised).
    let mut keep: Vec<(&str, String)> = Vec::new();
    if let Some(w) = filter.actor {
        keep.push(("who", Pid(w).to_string()));
    }
    if let Some(f) = &filter.family {
        keep.push(("what", f.clone()));
    }
    if filter.from.is_some() {
        keep.push(("from", d(filter.from)));
    }
    if filter.to.is_some() {
        keep.push(("to", d(filter.to)));
    }
    let query = |before: Option<i64>| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &keep {
            s.append_pair(k, v);
        }
        if let Some(b) = before {
            s.append_pair("before", &b.to_string());
        }
        format!("?{}", s.finish())
    };
    let mut people: Vec<(Id, String)> = page.people.iter().map(|(i, n)| (*i, n.clone())).collect();
    people.sort_by(|a, b| a.1.cmp(&b.1));
    let who_now = filter.actor.map(|i| Pid(i).to_string()).unwrap_or_default();
    let mut people_opts = vec![Opt::new("", "Mọi người", &who_now)];
    people_opts.extend(
        people
            .iter()
            .map(|(i, n)| Opt::new(Pid(*i).to_string(), n.clone(), &who_now)),
    );
    let what_now = filter.family.clone().unwrap_or_default();
    let mut families = vec![Opt::new("", "Mọi hành động", &what_now)];
    families.extend(FAMILIES.iter().map(|(c, l)| Opt::new(*c, *l, &what_now)));
    render(&AuditPage {
        l: L::new(&me, "audit", "Nhật ký kiểm tra"),
        older: page.older.map(|s| query(Some(s))),
        newest: before.is_some().then(|| query(None)),
        rows: page
            .records
            .iter()
            .map(|r| {
                let (object, object_link) = object_words(&r.object, &page.people);
                let (details, mut tech) = detail_words(&r.details, &page.people);
                let action = action_label(&r.action).unwrap_or_else(|| {
                    tech.insert(0, r.action.clone());
                    "Thao tác khác".into()
                });
                if object.is_empty() && !r.object.is_empty() {
                    tech.push(pubid::object_ref(&r.object));
                }
                AuditRow {
                    seq: r.seq,
                    at: vn_time(&r.at),
                    actor: actor_id(&r.actor)
                        .and_then(|i| page.people.get(&i).cloned())
                        .unwrap_or_else(|| "Hệ thống".into()),
                    action,
                    object,
                    object_link,
                    details,
                    tech: tech.join(" "),
                    hash: r.hash.get(..16).unwrap_or("").to_string(),
                    high: r.details.contains("high=true"),
                }
            })
            .collect(),
        verify,
        people: people_opts,
        families,
        from: if filter.from.is_some() {
            d(filter.from)
        } else {
            q.from.clone()
        },
        to: if filter.to.is_some() {
            d(filter.to)
        } else {
            q.to.clone()
        },
        filtered: !filter.is_empty(),
        from_error: !q.from.trim().is_empty() && filter.from.is_none(),
        to_error: !q.to.trim().is_empty() && filter.to.is_none(),
    })
}
