//! The everyday pages: "Việc hôm nay", the item list with search, the item page with its whole
//! history, the approvals inbox, notices, and the regime's unconfirmed points.

use super::guard::{Me, OkQuery};
use super::view::{
    ItemRow, L, Vals, call, d, level_class, origin_label, pairs, render, render_status,
};
use crate::pubid::Pid;
use crate::{AppState, ctx_for, today_vn};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bmnn_core::Level;
use bmnn_core::acts::ActKind;
use bmnn_core::dates::fmt_vn;
use bmnn_core::model::*;
use bmnn_core::obligations::Urgency;
use bmnn_core::ports::Store;
use bmnn_core::rules::Act;

/// A select option.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Opt {
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Opt {
        let value = value.into();
        Opt {
            selected: value == current,
            label: label.into(),
            value,
        }
    }
}

pub fn level_opts(current: &str, with_any: bool) -> Vec<Opt> {
    let mut v = Vec::new();
    if with_any {
        v.push(Opt::new("", "Tất cả", current));
    }
    for l in [Level::Mat, Level::ToiMat, Level::TuyetMat] {
        v.push(Opt::new(l.code(), l.label(), current));
    }
    v
}

const STATUSES: [Status; 7] = [
    Status::Proposed,
    Status::Rejected,
    Status::Classified,
    Status::Issued,
    Status::Received,
    Status::Declassified,
    Status::Destroyed,
];

// ---------------------------------------------------------------- dashboard

pub struct DueRow {
    pub urgency: &'static str,
    pub urgency_class: &'static str,
    pub kind: String,
    pub due: String,
    pub text: String,
    pub link: String,
    pub link_label: &'static str,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub l: L,
    pub today: String,
    pub acks: Vec<DueRow>,
    pub rows: Vec<DueRow>,
    pub overdue: usize,
    pub due_today: usize,
    pub soon: usize,
}

/// Việc hôm nay: the caller's inbox (`Service::inbox` decides what concerns whom and which
/// act each line opens); the handovers waiting for his signature first.
pub async fn dashboard<S: Store>(State(st): State<AppState<S>>, me: Me) -> Response {
    use bmnn_core::service::InboxGroup;
    let ctx = ctx_for(me.user.id);
    let today = today_vn();
    let inbox = match call(&st, &me, move |svc| svc.inbox(&ctx)).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let row = |l: &bmnn_core::service::InboxLine| {
        let r = super::inbox::Row::of(l);
        DueRow {
            urgency: r.urgency,
            urgency_class: r.urgency_class,
            kind: if r.outcome.is_empty() {
                r.kind
            } else {
                format!("{}: {}", r.kind, r.outcome)
            },
            due: if r.due.is_empty() { r.since } else { r.due },
            text: r.text,
            link: r.link,
            link_label: r.link_label,
        }
    };
    let acks: Vec<DueRow> = inbox
        .lines
        .iter()
        .filter(|l| l.group == InboxGroup::Sign)
        .map(row)
        .collect();
    let rows: Vec<DueRow> = inbox
        .lines
        .iter()
        .filter(|l| l.group != InboxGroup::Sign)
        .map(row)
        .collect();
    let count = |u: Urgency| {
        inbox
            .lines
            .iter()
            .filter(|l| l.waiting && l.urgency == u)
            .count()
    };
    // The header's count from this inbox (the guard does not read it again for this page).
    let mut l = L::new(&me, "home", "Việc hôm nay");
    l.inbox = Some(inbox.count);
    let page = DashboardPage {
        overdue: count(Urgency::Overdue),
        due_today: count(Urgency::Today),
        soon: count(Urgency::Soon),
        l,
        today: fmt_vn(today),
        acks,
        rows,
    };
    render(&page)
}

// ---------------------------------------------------------------- item list + search

pub struct Filter {
    pub text: String,
    pub levels: Vec<Opt>,
    pub statuses: Vec<Opt>,
    pub origins: Vec<Opt>,
    pub protected_only: bool,
}

#[derive(Template)]
#[template(path = "items.html")]
pub struct ItemsPage {
    pub l: L,
    pub f: Filter,
    pub results: String,
}

#[derive(Template)]
#[template(path = "items_results.html")]
pub struct ItemsResults {
    pub rows: Vec<ItemRow>,
    pub total: i64,
    /// [`ItemQuery::count_cap`]: a total above it reads "more than cap".
    pub cap: i64,
    pub from: i64,
    pub to: i64,
    pub prev: Option<i64>,
    pub next: Option<i64>,
    pub searched: bool,
}

const PAGE: i64 = 50;

fn filter_of(v: &Vals) -> Filter {
    let mut statuses = vec![Opt::new("", "Tất cả", v.get("status"))];
    statuses.extend(
        STATUSES
            .iter()
            .map(|s| Opt::new(s.code(), s.label(), v.get("status"))),
    );
    Filter {
        text: v.text("q"),
        levels: level_opts(v.get("level"), true),
        statuses,
        origins: vec![
            Opt::new("", "Tất cả", v.get("origin")),
            Opt::new("internal", origin_label(Origin::Internal), v.get("origin")),
            Opt::new("incoming", origin_label(Origin::Incoming), v.get("origin")),
        ],
        protected_only: v.check("protected"),
    }
}

/// The item list for the filter `v`, rendered by `page` in the blocking task that read it (as
/// the register page: the rows are freed where they were allocated, and the async workers
/// only carry the bytes).
async fn search<S: Store>(
    st: &AppState<S>,
    me: &Me,
    v: &Vals,
    page: impl FnOnce(ItemsResults) -> askama::Result<String> + Send + 'static,
) -> Response {
    let offset = v.get("offset").parse::<i64>().unwrap_or(0).max(0);
    let q = ItemQuery {
        text: v.opt("q"),
        level: Level::from_code(v.get("level")),
        status: Status::from_code(v.get("status")),
        origin: match v.get("origin") {
            "internal" => Some(Origin::Internal),
            "incoming" => Some(Origin::Incoming),
            _ => None,
        },
        protected_only: v.check("protected"),
        offset,
        limit: PAGE,
        ..Default::default()
    };
    let searched =
        q.text.is_some() || q.level.is_some() || q.status.is_some() || q.origin.is_some();
    let cap = q.count_cap();
    let ctx = ctx_for(me.user.id);
    let html = call(st, me, move |svc| {
        let found = svc.list_items(&ctx, q)?;
        let n = found.rows.len() as i64;
        Ok(page(ItemsResults {
            rows: found
                .rows
                .iter()
                .map(|i| ItemRow::of(i, &svc.rules))
                .collect(),
            total: found.total,
            cap,
            from: if n == 0 { 0 } else { offset + 1 },
            to: offset + n,
            prev: (offset > 0).then(|| (offset - PAGE).max(0)),
            // Past the counted window the total says "more", so a full page means there may be
            // another.
            next: (n == PAGE && (offset + n < found.total || found.total > cap))
                .then_some(offset + n),
            searched,
        }))
    })
    .await;
    match html {
        Ok(h) => super::view::html(h),
        Err(r) => r,
    }
}

/// The whole item page for the filter `v`.
async fn items_whole<S: Store>(st: &AppState<S>, me: &Me, v: &Vals) -> Response {
    let (page_me, f) = (me.clone(), filter_of(v));
    search(st, me, v, move |res| {
        ItemsPage {
            l: L::new(&page_me, "items", "Tài liệu, vật chứa BMNN"),
            f,
            results: res.render()?,
        }
        .render()
    })
    .await
}

pub async fn items_page<S: Store>(State(st): State<AppState<S>>, me: Me) -> Response {
    items_whole(&st, &me, &Vals::default()).await
}

/// Search: POST so the search text (which may reveal content) never lands in a URL or a log.
/// htmx gets the results partial; a plain form post gets the whole page.
pub async fn items_search<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let v = Vals::from_pairs(pairs(&body));
    if headers.contains_key("hx-request") {
        return search(&st, &me, &v, |res| res.render()).await;
    }
    items_whole(&st, &me, &v).await
}

// ---------------------------------------------------------------- item page

pub struct Fact {
    pub term: &'static str,
    pub value: String,
}

pub struct EventRow {
    pub on: String,
    pub what: String,
    pub who: String,
    pub basis: String,
    /// The rule cited is marked unconfirmed in the rules of the act's date.
    pub unconfirmed: bool,
    pub reference: String,
    pub note: String,
    pub regime: String,
}

pub struct ReqRow {
    pub id: Pid,
    pub kind: &'static str,
    pub status: &'static str,
    pub requester: String,
    pub on: String,
    pub decision: String,
    pub detail: String,
    pub actions: Vec<(String, &'static str)>,
}

pub struct NoticeRow {
    pub id: Pid,
    pub kind: &'static str,
    pub recipient: String,
    pub due: String,
    pub done: String,
    pub basis: String,
    pub unconfirmed: bool,
    pub open: bool,
    /// «Ghi nhận đã gửi» is open to the caller (from the service).
    pub can_done: bool,
}

pub struct AttRow {
    pub id: Pid,
    pub name: String,
    pub size: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "item.html")]
pub struct ItemPage {
    pub l: L,
    pub id: Pid,
    pub label: String,
    pub level: &'static str,
    pub level_class: &'static str,
    pub status: &'static str,
    pub facts: Vec<Fact>,
    pub actions: Vec<(String, &'static str)>,
    pub events: Vec<EventRow>,
    pub requests: Vec<ReqRow>,
    pub notices: Vec<NoticeRow>,
    pub attachments: Vec<AttRow>,
    pub can_upload: bool,
}

/// The Vietnamese name of an item history event (sự kiện) for the item's history; an unknown
/// code is shown as it is.
pub fn event_label(kind: &str) -> String {
    match kind {
        "proposed" => "Đề xuất độ mật",
        "classified" => "Quyết định xác định độ mật",
        "rejected" => "Không duyệt đề xuất",
        "registered-outgoing" => "Vào sổ đăng ký BMNN đi",
        "received" => "Vào sổ đăng ký BMNN đến",
        "handed-over" => "Chuyển giao (sổ chuyển giao)",
        "acknowledged" => "Ký nhận",
        "recall-returned" => "Trả tài liệu thu hồi",
        "copy-requested" => "Đề nghị sao, chụp",
        "take-out-requested" => "Đề nghị mang ra khỏi nơi lưu giữ",
        "provide-requested" => "Đề nghị cung cấp, chuyển giao",
        "destroy-requested" => "Đề nghị tiêu hủy",
        "copies-produced" => "Sao, chụp (sổ sao, chụp)",
        "returned" => "Trả tài liệu mang ra ngoài",
        "provided" => "Đã cung cấp, chuyển giao",
        "destroyed" => "Tiêu hủy",
        "extended" => "Gia hạn thời hạn bảo vệ",
        "adjusted" => "Điều chỉnh độ mật",
        "declassified" => "Giải mật",
        "declassified-partial" => "Giải mật một phần",
        "declassified-catalogue" => "Giải mật (không còn trong danh mục)",
        "declassified-expired" => "Giải mật (hết thời hạn bảo vệ)",
        "request-approved" => "Cho phép (quyết định)",
        "request-refused" => "Từ chối (quyết định)",
        other => other,
    }
    .to_string()
}

fn request_detail(r: &Request) -> String {
    match &r.details {
        RequestDetails::Copy {
            form,
            count,
            produced,
            ..
        } => format!(
            "{}: {} bản; đã sao {} bản{}",
            form.label(),
            count,
            produced.len(),
            if produced.is_empty() {
                String::new()
            } else {
                format!(
                    " (bản sao số {})",
                    produced
                        .iter()
                        .map(|n| n.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ),
        RequestDetails::TakeOut {
            abroad,
            place,
            from,
            until,
            returned_on,
            ..
        } => format!(
            "{} {}, từ {} đến {}{}",
            if *abroad {
                "Ra nước ngoài:"
            } else {
                "Trong nước:"
            },
            place,
            fmt_vn(*from),
            fmt_vn(*until),
            returned_on
                .map(|d| format!("; đã trả {}", fmt_vn(d)))
                .unwrap_or_default()
        ),
        RequestDetails::Provide {
            foreign,
            party,
            provided_on,
            ..
        } => format!(
            "{}{}{}",
            if *foreign {
                "Cho nước ngoài: "
            } else {
                "Cho: "
            },
            party,
            provided_on
                .map(|d| format!("; đã giao {}", fmt_vn(d)))
                .unwrap_or_default()
        ),
        RequestDetails::Destroy {
            emergency,
            method,
            destroyed_on,
            ..
        } => format!(
            "{}Phương pháp: {}{}",
            if *emergency { "Khẩn cấp. " } else { "" },
            method,
            destroyed_on
                .map(|d| format!("; đã tiêu hủy {}", fmt_vn(d)))
                .unwrap_or_default()
        ),
    }
}

/// The buttons of the acts open on request `r` (from the service), each opening its form.
pub fn request_actions(r: &Request, acts: &[ActKind]) -> Vec<(String, &'static str)> {
    acts.iter()
        .map(|a| {
            (
                format!("/acts/{}?request={}", a.code(), Pid(r.id)),
                a.button(),
            )
        })
        .collect()
}

pub fn req_row(r: &Request, acts: &[ActKind]) -> ReqRow {
    ReqRow {
        id: Pid(r.id),
        kind: r.kind.label(),
        status: r.status.label(),
        requester: r.requester_name.clone(),
        on: fmt_vn(r.requested_on),
        decision: r
            .decision
            .as_ref()
            .map(|dc| {
                format!(
                    "{} {} ngày {}{}{}",
                    if dc.approved {
                        "Cho phép:"
                    } else {
                        "Từ chối:"
                    },
                    dc.by_name,
                    fmt_vn(dc.on),
                    dc.reference
                        .as_ref()
                        .map(|r| format!(", văn bản {r}"))
                        .unwrap_or_default(),
                    dc.reason
                        .as_ref()
                        .map(|r| format!(". Lý do: {r}"))
                        .unwrap_or_default()
                )
            })
            .unwrap_or_default(),
        detail: request_detail(r),
        actions: request_actions(r, acts),
    }
}

/// The buttons of the acts open on item `i` (from the service), each opening its form.
fn item_actions(i: &SecretItem, acts: &[ActKind]) -> Vec<(String, &'static str)> {
    acts.iter()
        .map(|a| (format!("/acts/{}?item={}", a.code(), Pid(i.id)), a.button()))
        .collect()
}

fn facts(dt: &bmnn_core::service::ItemDetail, st_rules: &bmnn_core::rules::RuleSet) -> Vec<Fact> {
    let i = &dt.item;
    let mut f = Vec::new();
    let mut put = |term: &'static str, value: String| {
        if !value.is_empty() {
            f.push(Fact { term, value });
        }
    };
    put("Độ mật", i.level.label().to_string());
    put("Trạng thái", i.status.label().to_string());
    put("Nguồn", origin_label(i.origin).to_string());
    put(
        "Hình thức chứa BMNN",
        format!(
            "{}{}",
            i.carrier.label(),
            if i.electronic { " (điện tử)" } else { "" }
        ),
    );
    put("Tên loại", i.doc_type.clone());
    put("Số, ký hiệu", i.number_symbol.clone().unwrap_or_default());
    match bmnn_core::registers::shown_summary(st_rules, i) {
        Some(s) => put("Trích yếu nội dung", s.to_string()),
        None if i.sealed => put("Trích yếu nội dung", "Chưa bóc bì".to_string()),
        None if i.level == Level::TuyetMat => {
            put("Trích yếu nội dung", "Không ghi (độ Tuyệt mật)".to_string())
        }
        None => {}
    }
    put(
        "Văn bản đồng ý ghi trích yếu",
        i.summary_consent_ref.clone().unwrap_or_default(),
    );
    put("Ngày văn bản", d(i.doc_date));
    put(
        "Số đến",
        bmnn_core::service::incoming_number(&dt.events).unwrap_or_default(),
    );
    put("Cơ quan ban hành", i.issuer.clone().unwrap_or_default());
    put(
        "Lĩnh vực",
        i.field
            .as_ref()
            .map(|c| {
                st_rules
                    .regime(&i.regime)
                    .and_then(|r| r.field_name(c))
                    .unwrap_or(c)
                    .to_string()
            })
            .unwrap_or_default(),
    );
    put(
        "Căn cứ xác định độ mật",
        dt.catalogue_item
            .as_ref()
            .map(|c| format!("Mục {} ({}): {}", c.number, c.level.label(), c.text))
            .unwrap_or_default(),
    );
    put("Ngày xác định độ mật", d(i.classified_on));
    put(
        "Văn bản xác định độ mật",
        i.decision_ref.clone().unwrap_or_default(),
    );
    put(
        "Chế độ pháp lý áp dụng",
        st_rules
            .regime(&i.regime)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| i.regime.clone()),
    );
    put("Ngày hết thời hạn bảo vệ", d(i.expiry));
    put(
        "Sao, chụp",
        if i.copy_allowed {
            "Được phép sao, chụp"
        } else {
            "Không được phép sao, chụp"
        }
        .to_string(),
    );
    put("Phạm vi lưu hành", i.circulation.clone());
    put(
        "Số lượng bản phát hành",
        if i.copies_issued > 0 {
            i.copies_issued.to_string()
        } else {
            String::new()
        },
    );
    put("Nơi nhận", i.recipients.join("; "));
    put("Người soạn thảo", i.drafter_name.clone());
    put("Người ký", i.signer.clone().unwrap_or_default());
    put("Nơi lưu giữ", i.location.clone());
    put("Hạn trả (tài liệu thu hồi)", d(i.recall_due));
    put("Ngày đã trả", d(i.returned_on));
    put(
        "Bì «Chỉ người có tên mới được bóc bì»",
        i.named_recipient
            .as_ref()
            .map(|n| {
                format!(
                    "{n}{}",
                    if i.sealed {
                        " — bì còn niêm phong"
                    } else {
                        ""
                    }
                )
            })
            .unwrap_or_default(),
    );
    put(
        "Độ khẩn",
        if i.urgent {
            "Hỏa tốc".to_string()
        } else {
            String::new()
        },
    );
    put(
        "Đang mang ra ngoài",
        i.taken_out
            .map(|r| match dt.requests.iter().find(|q| q.id == r) {
                Some(q) => format!("theo {}", q.phrase()),
                None => "có".to_string(),
            })
            .unwrap_or_default(),
    );
    f
}

pub async fn item_page<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(crate::pubid::Pid(id)): Path<crate::pubid::Pid>,
    Query(q): Query<OkQuery>,
) -> Response {
    let ctx = ctx_for(me.user.id);
    let (view, atts) = match call(&st, &me, move |svc| {
        Ok((svc.item_view(&ctx, id)?, svc.attachments(&ctx, id)?))
    })
    .await
    {
        Ok(x) => x,
        Err(r) => return r,
    };
    let dt = &view.detail;
    let i = &dt.item;
    let none: Vec<ActKind> = Vec::new();
    let mut l = L::new(&me, "items", i.label()).with_flash(q.ok.as_deref());
    // After receiving, the confirmation gives the clerk the number to write on the document.
    if q.ok.as_deref() == Some("receive-incoming")
        && let (Some(f), Some(n)) = (
            l.flash.as_mut(),
            bmnn_core::service::incoming_number(&dt.events),
        )
    {
        f.push_str(&format!(" Số đến: {n}."));
    }
    let page = ItemPage {
        l,
        id: Pid(i.id),
        label: i.label(),
        level: i.level.label(),
        level_class: level_class(i.level),
        status: i.status.label(),
        facts: facts(dt, &st.svc.rules),
        actions: item_actions(i, &view.acts),
        events: dt
            .events
            .iter()
            .map(|e| EventRow {
                on: fmt_vn(e.on),
                what: event_label(&e.kind),
                who: e.actor_name.clone(),
                basis: e.basis.clone(),
                unconfirmed: !e.confirmed,
                reference: e.reference.clone().unwrap_or_default(),
                note: e.note.clone(),
                regime: e.regime.clone(),
            })
            .collect(),
        requests: dt
            .requests
            .iter()
            .map(|r| req_row(r, view.request_acts.get(&r.id).unwrap_or(&none)))
            .collect(),
        notices: dt
            .notices
            .iter()
            .map(|n| NoticeRow {
                id: Pid(n.id),
                kind: n.kind.label(),
                recipient: n.recipient.clone(),
                due: fmt_vn(n.due),
                done: n
                    .done_on
                    .map(|x| {
                        format!(
                            "Đã gửi {} ({})",
                            fmt_vn(x),
                            n.done_ref.clone().unwrap_or_default()
                        )
                    })
                    .unwrap_or_default(),
                basis: n.basis.clone(),
                unconfirmed: !n.confirmed,
                open: n.done_on.is_none(),
                can_done: view
                    .notice_acts
                    .get(&n.id)
                    .is_some_and(|a| a.contains(&ActKind::NoticeDone)),
            })
            .collect(),
        attachments: atts
            .iter()
            .map(|a| AttRow {
                id: Pid(a.id),
                name: a.file_name.clone(),
                size: human_size(a.size),
                at: a
                    .uploaded_at
                    .get(..10)
                    .map(|s| {
                        bmnn_core::dates::parse_date(s)
                            .map(fmt_vn)
                            .unwrap_or_default()
                    })
                    .unwrap_or_default(),
            })
            .collect(),
        can_upload: view.may_attach,
    };
    render(&page)
}

fn human_size(n: i64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / 1048576.0)
    } else if n >= 1024 {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} byte")
    }
}

// ---------------------------------------------------------------- approvals inbox

#[derive(Template)]
#[template(path = "approvals.html")]
pub struct ApprovalsPage {
    pub l: L,
    pub proposals: Vec<(ItemRow, Authority)>,
    pub requests: Vec<(ReqRow, String, String, Authority)>,
}

/// Whether the reader may decide a row, as the inbox shows it.
pub struct Authority {
    pub mine: bool,
    pub text: String,
}

fn authority(m: bmnn_core::service::MayDecide) -> Authority {
    use bmnn_core::service::MayDecide;
    match m {
        MayDecide::Yes {
            delegated: None,
            basis,
        } => Authority {
            mine: true,
            text: format!("Bạn có thẩm quyền ({basis})"),
        },
        MayDecide::Yes {
            delegated: Some(_),
            basis,
        } => Authority {
            mine: true,
            text: format!("Bạn quyết định theo văn bản ủy quyền ({basis})"),
        },
        MayDecide::External(m) => Authority {
            mine: true,
            text: m,
        },
        MayDecide::No(m) => Authority {
            mine: false,
            text: m,
        },
    }
}

/// "Chờ tôi quyết định": proposals and requests waiting for a decision, within clearance.
pub async fn approvals<S: Store>(State(st): State<AppState<S>>, me: Me) -> Response {
    let ctx = ctx_for(me.user.id);
    let (props, reqs) = match call(&st, &me, move |svc| {
        let p = svc.list_items(
            &ctx,
            ItemQuery {
                status: Some(Status::Proposed),
                limit: 500,
                ..Default::default()
            },
        )?;
        let r = svc.requests_with_acts(
            &ctx,
            RequestQuery {
                status: Some(RequestStatus::Pending),
                ..Default::default()
            },
        )?;
        let pa = p
            .rows
            .iter()
            .map(|i| svc.may_decide(&ctx, Act::Classify, i.level))
            .collect::<Result<Vec<_>, _>>()?;
        let ra = r
            .iter()
            .map(|(q, _)| svc.may_decide(&ctx, bmnn_core::service::request_act(q), q.level))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((
            p.rows.into_iter().zip(pa).collect::<Vec<_>>(),
            r.into_iter().zip(ra).collect::<Vec<_>>(),
        ))
    })
    .await
    {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut proposals: Vec<(ItemRow, Authority)> = props
        .iter()
        .map(|(i, m)| (ItemRow::of(i, &st.svc.rules), authority(m.clone())))
        .collect();
    // What this leader may decide comes first.
    proposals.sort_by_key(|(_, a)| !a.mine);
    let mut requests: Vec<(ReqRow, String, String, Authority)> = reqs
        .iter()
        .map(|((r, acts), m)| {
            (
                req_row(r, acts),
                r.level.label().to_string(),
                r.item_ids
                    .first()
                    .map(|i| Pid(*i).to_string())
                    .unwrap_or_default(),
                authority(m.clone()),
            )
        })
        .collect();
    requests.sort_by_key(|(_, _, _, a)| !a.mine);
    let page = ApprovalsPage {
        l: L::new(&me, "approvals", "Chờ tôi quyết định"),
        proposals,
        requests,
    };
    render(&page)
}

// ---------------------------------------------------------------- notices

#[derive(Template)]
#[template(path = "notices.html")]
pub struct NoticesPage {
    pub l: L,
    pub rows: Vec<(NoticeRow, Pid)>,
}

pub async fn notices<S: Store>(State(st): State<AppState<S>>, me: Me) -> Response {
    let ctx = ctx_for(me.user.id);
    let list = match call(&st, &me, move |svc| {
        svc.notices_with_acts(
            &ctx,
            NoticeQuery {
                open_only: false,
                item_id: None,
            },
        )
    })
    .await
    {
        Ok(x) => x,
        Err(r) => return r,
    };
    let page = NoticesPage {
        l: L::new(&me, "notices", "Thông báo phải gửi"),
        rows: list
            .iter()
            .map(|(n, acts)| {
                (
                    NoticeRow {
                        id: Pid(n.id),
                        kind: n.kind.label(),
                        recipient: n.recipient.clone(),
                        due: fmt_vn(n.due),
                        done: n
                            .done_on
                            .map(|x| format!("Đã gửi {}", fmt_vn(x)))
                            .unwrap_or_default(),
                        basis: n.basis.clone(),
                        unconfirmed: !n.confirmed,
                        open: n.done_on.is_none(),
                        can_done: acts.contains(&ActKind::NoticeDone),
                    },
                    Pid(n.item_id),
                )
            })
            .collect(),
    };
    render(&page)
}

// ---------------------------------------------------------------- unconfirmed legal points

pub struct RegimeView {
    pub name: String,
    pub from: String,
    pub basis: Vec<String>,
    pub points: Vec<String>,
    pub authority: Vec<(String, String, String, String, bool)>,
}

#[derive(Template)]
#[template(path = "unconfirmed.html")]
pub struct UnconfirmedPage {
    pub l: L,
    pub regimes: Vec<RegimeView>,
    /// The rules overrides in force: per file, a plain Vietnamese summary and each change.
    pub overrides: Vec<(String, Vec<String>)>,
}

/// "Các điểm pháp lý chưa xác định": what the regime data marks as not yet confirmed, and the
/// authority matrix with its hints, so users see which rules may still change.
pub async fn unconfirmed<S: Store>(State(st): State<AppState<S>>, me: Me) -> Response {
    let regimes = st
        .svc
        .rules
        .regimes
        .iter()
        .map(|r| RegimeView {
            name: r.name.clone(),
            from: fmt_vn(r.effective_from),
            basis: r.legal_basis.clone(),
            points: r.unconfirmed(),
            authority: Act::ALL
                .iter()
                .flat_map(|a| {
                    [Level::Mat, Level::ToiMat, Level::TuyetMat].map(|l| {
                        let ru = r.rule(*a, l);
                        (
                            a.label().to_string(),
                            l.label().to_string(),
                            ru.hint.clone(),
                            ru.basis.clone(),
                            ru.confirmed,
                        )
                    })
                })
                .collect(),
        })
        .collect();
    render(&UnconfirmedPage {
        l: L::new(&me, "rules", "Các điểm pháp lý chưa xác định"),
        regimes,
        overrides: st
            .cfg
            .rules_overrides
            .iter()
            .map(|c| (c.summary_vi(), c.changes_vi.clone()))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "not_found.html")]
pub struct NotFoundPage {
    pub l: L,
}

/// Unknown page: the same answer as an item the user may not see.
pub async fn not_found(me: Option<Me>) -> Response {
    let l = match &me {
        Some(m) => L::new(m, "", "Không tìm thấy"),
        None => L::anon("Không tìm thấy", String::new()),
    };
    render_status(StatusCode::NOT_FOUND, &NotFoundPage { l })
}

pub fn not_found_anon() -> Response {
    render_status(
        StatusCode::NOT_FOUND,
        &NotFoundPage {
            l: L::anon("Không tìm thấy", String::new()),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::event_label;

    /// Every kind of event a report counts, the automatic declassification on expiry included,
    /// is named in Vietnamese in the item's history, never by its code.
    #[test]
    fn every_counted_event_has_a_vietnamese_name() {
        for kind in bmnn_core::programme::reports::counted_events() {
            let label = event_label(kind);
            assert_ne!(label, kind);
            assert!(!label.contains('-') && !label.is_ascii(), "{kind}: {label}");
        }
    }
}
