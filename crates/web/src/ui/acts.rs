//! One guided form for every act of the service layer.
//!
//! Each act is a variant of [`bmnn_core::acts::ActKind`] (its code, title and the context it
//! acts on: item, request, register entry or notice); this file gives, by exhaustive matches
//! on it, its fields with the legal term and a short hint of the rule behind it, and the
//! service call it makes. An unknown code in a URL is a 404. Which acts a page offers is the
//! service's answer (`Service::item_view` and its siblings), never decided here. For acts that need authority, the form shows
//! the regime's authority rule (`hint` and `basis`) for the item's level, so the user sees why a
//! given leader must decide. A refusal re-renders the form with the code, the Vietnamese
//! message and the legal basis, and keeps every value typed.

use super::guard::Me;
use super::pages::{Opt, level_opts};
use super::view::{L, Vals, call, level_class, pairs, render, render_status};
use crate::pubid::Pid;
use crate::{AppState, WebError, ctx_for, today_vn};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bmnn_core::CoreError;
use bmnn_core::Level;
use bmnn_core::acts::{ActKind, ActOn};
use bmnn_core::dates::fmt_vn;
use bmnn_core::model::*;
use bmnn_core::ports::Store;
use bmnn_core::rules::{Act, Cite, Regime, RuleSet};
use bmnn_core::service::*;
use std::collections::HashMap;
use time::Date;

/// The confirmation shown after act `code` (the `ok` of the redirect).
pub fn done_text(code: &str) -> Option<&'static str> {
    ActKind::from_code(code).map(ActKind::done)
}

/// One form field: the legal term, a hint of the rule behind it, and the value typed so far.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: String,
    pub kind: &'static str,
    pub value: String,
    pub opts: Vec<Opt>,
    pub required: bool,
    pub error: bool,
    /// Legend of the fieldset the field sits in (empty: no fieldset).
    pub group: &'static str,
    /// A search box's answers (`kind == "pick"`): the picker URL the page's script asks.
    pub pick: String,
}

/// Consecutive fields under one legend (`<fieldset>` with `<legend>`); an empty legend is a run
/// of fields outside any fieldset.
pub struct FieldGroup {
    pub legend: &'static str,
    pub fields: Vec<Field>,
}

/// Groups consecutive fields of the same legend, keeping the builder's order.
fn grouped(fields: Vec<Field>) -> Vec<FieldGroup> {
    let mut out: Vec<FieldGroup> = Vec::new();
    for f in fields {
        match out.last_mut() {
            Some(g) if g.legend == f.group => g.fields.push(f),
            _ => out.push(FieldGroup {
                legend: f.group,
                fields: vec![f],
            }),
        }
    }
    out
}

pub struct Refusal {
    pub code: String,
    pub message: String,
    pub basis: String,
    /// The rules of the act's date mark the basis unconfirmed.
    pub unconfirmed: bool,
    /// What to do instead (`bmnn_core::error::next_step`).
    pub next: String,
}

#[derive(Template)]
#[template(path = "act.html")]
pub struct ActPage {
    pub l: L,
    pub code: &'static str,
    pub title: &'static str,
    pub context: Vec<(&'static str, String)>,
    pub context_link: String,
    pub level_class: &'static str,
    pub block: RulesBlock,
    pub groups: Vec<FieldGroup>,
    pub hidden: Vec<(&'static str, String)>,
    pub error: Option<Refusal>,
    /// Decided by two buttons, "Duyệt" and "Không duyệt" (no select that defaults to yes).
    pub two_buttons: bool,
}

/// The part of an act's form that follows the act's date (re-rendered by htmx when the date
/// changes, `GET /acts/{code}/rules`): the regime and amendment period of that date, the
/// points of it the rules leave unconfirmed (from `RuleSet::date_note`) and who may decide.
pub struct RulesBlock {
    pub code: &'static str,
    pub date: String,
    pub regime: String,
    pub period: String,
    pub unconfirmed: Vec<String>,
    pub rules: Vec<(String, String, String)>,
}

/// The rules block alone (the htmx answer).
#[derive(Template)]
#[template(path = "act_rules_fragment.html")]
pub struct RulesFragment {
    pub block: RulesBlock,
}

/// What the act works on, loaded through the user's clearance (absent = 404).
#[derive(Default)]
struct Cx {
    item: Option<SecretItem>,
    request: Option<Request>,
    entry: Option<Id>,
    notice: Option<Notice>,
    users: Vec<(Id, String)>,
    units: Vec<(Id, String)>,
    /// Large organisations choose people and units in a search box, not a list.
    pick: Option<PickMode>,
    catalogue: Vec<(Id, String, Level)>,
    /// Files attached to the request's item (the scanned copy of an outside decision).
    attachments: Vec<(Id, String)>,
    /// The register entry acted on (acknowledge, cancel), as the clerk knows it.
    entry_row: Option<bmnn_core::registers::RegisterEntry>,
    /// When the item was proposed (decision forms: who asked and when).
    asked_on: Option<Date>,
    /// The outgoing form's suggestions (next number, signers), from the service.
    outgoing: Option<OutgoingHelp>,
}

fn load<S: Store>(svc: &Service<S>, ctx: &Ctx, a: ActKind, v: &Vals) -> Result<Cx, CoreError> {
    let mut cx = Cx::default();
    match a.on() {
        ActOn::Item => {
            let id = v.req_id("item")?;
            let d = svc.item_detail(ctx, id)?;
            cx.asked_on = d.events.iter().find(|e| e.kind == "proposed").map(|e| e.on);
            if a == ActKind::DecideClassification {
                // The draft the leader decides on.
                for m in svc.attachments(ctx, id)? {
                    cx.attachments.push((m.id, m.file_name));
                }
            }
            cx.item = Some(d.item);
        }
        ActOn::Request => {
            let r = svc.get_request(ctx, v.req_id("request")?)?;
            if let Some(i) = r.item_ids.first() {
                cx.item = Some(svc.item_detail(ctx, *i)?.item);
            }
            if a == ActKind::Decide {
                for i in &r.item_ids {
                    for m in svc.attachments(ctx, *i)? {
                        cx.attachments.push((m.id, m.file_name));
                    }
                }
            }
            cx.request = Some(r);
        }
        ActOn::Entry => {
            let id = v.req_id("entry")?;
            cx.entry = Some(id);
            cx.entry_row = Some(svc.register_entry(ctx, id)?);
        }
        ActOn::Notice => {
            let id = v.req_id("notice")?;
            let n = svc
                .list_notices(
                    ctx,
                    NoticeQuery {
                        open_only: false,
                        item_id: None,
                    },
                )?
                .into_iter()
                .find(|n| n.id == id)
                .ok_or(CoreError::NotFound("thông báo"))?;
            cx.item = Some(svc.item_detail(ctx, n.item_id)?.item);
            cx.notice = Some(n);
        }
        ActOn::Nothing => {}
    }
    let needs_org = matches!(
        a,
        ActKind::Propose | ActKind::ReceiveIncoming | ActKind::HandOver
    );
    if needs_org {
        let mode = svc.pick_mode(ctx)?;
        cx.pick = Some(mode);
        if !mode.search_people || !mode.search_units {
            let org = svc.org(ctx)?;
            // A handover only to someone cleared for the item's level (the service checks again).
            let level = cx.item.as_ref().map(|i| i.level);
            if !mode.search_people {
                cx.users = org
                    .users
                    .iter()
                    .filter(|u| u.active && level.is_none_or(|l| may_receive(u, l)))
                    .map(|u| (u.id, person_label(u)))
                    .collect();
            }
            if !mode.search_units {
                cx.units = org.units.iter().map(|u| (u.id, u.name.clone())).collect();
            }
        }
    }
    if a == ActKind::RegisterOutgoing {
        // Offered to the clerk only; others meet the service's refusal when they submit.
        cx.outgoing = svc.outgoing_help(ctx).ok();
    }
    if matches!(
        a,
        ActKind::Propose | ActKind::DecideClassification | ActKind::Adjust
    ) {
        let (_, items) = svc.catalogues(ctx)?;
        cx.catalogue = items
            .iter()
            .filter(|c| c.removed_on.is_none())
            .map(|c| {
                (
                    c.id,
                    format!("{} — {} ({})", c.number, c.text, c.level.label()),
                    c.level,
                )
            })
            .collect();
    }
    Ok(cx)
}

const DATE_HINT: &str = "Để trống = hôm nay. Ngày thực hiện quyết định chế độ pháp lý áp dụng (văn bản pháp luật có hiệu lực vào ngày đó).";

/// The form builder: fields in order, each under the legend last set with [`FB::group`].
struct FB<'a> {
    v: &'a Vals,
    out: Vec<Field>,
    group: &'static str,
}

impl<'a> FB<'a> {
    /// The fields that follow sit in a fieldset with this legend ("" = none).
    fn group(&mut self, legend: &'static str) -> &mut Self {
        self.group = legend;
        self
    }
    fn f(
        &mut self,
        name: &'static str,
        kind: &'static str,
        label: &'static str,
        hint: impl Into<String>,
        required: bool,
    ) -> &mut Self {
        self.out.push(Field {
            name,
            label,
            hint: hint.into(),
            kind,
            value: self.v.get(name).to_string(),
            opts: Vec::new(),
            required,
            error: false,
            group: self.group,
            pick: String::new(),
        });
        self
    }
    fn text(
        &mut self,
        name: &'static str,
        label: &'static str,
        hint: impl Into<String>,
    ) -> &mut Self {
        self.f(name, "text", label, hint, false)
    }
    fn req(
        &mut self,
        name: &'static str,
        label: &'static str,
        hint: impl Into<String>,
    ) -> &mut Self {
        self.f(name, "text", label, hint, true)
    }
    fn area(
        &mut self,
        name: &'static str,
        label: &'static str,
        hint: impl Into<String>,
    ) -> &mut Self {
        self.f(name, "area", label, hint, false)
    }
    fn date(
        &mut self,
        name: &'static str,
        label: &'static str,
        hint: impl Into<String>,
    ) -> &mut Self {
        self.f(name, "date", label, hint, false)
    }
    fn num(
        &mut self,
        name: &'static str,
        label: &'static str,
        hint: impl Into<String>,
    ) -> &mut Self {
        self.f(name, "number", label, hint, false)
    }
    fn check(
        &mut self,
        name: &'static str,
        label: &'static str,
        hint: impl Into<String>,
    ) -> &mut Self {
        self.f(name, "check", label, hint, false)
    }
    fn select(
        &mut self,
        name: &'static str,
        label: &'static str,
        hint: impl Into<String>,
        opts: Vec<(String, String)>,
        blank: Option<&str>,
    ) -> &mut Self {
        let cur = self.v.get(name).to_string();
        let mut o: Vec<Opt> = Vec::new();
        if let Some(b) = blank {
            o.push(Opt::new("", b, &cur));
        }
        o.extend(opts.into_iter().map(|(val, lab)| Opt::new(val, lab, &cur)));
        self.f(name, "select", label, hint, false);
        if let Some(last) = self.out.last_mut() {
            last.opts = o;
        }
        self
    }
    /// A person of the agency: a list when the agency is small, else a search box
    /// (`/pick/people`, for the item acted on when there is one).
    fn person(
        &mut self,
        name: &'static str,
        label: &'static str,
        hint: impl Into<String>,
        cx: &Cx,
        blank: &str,
    ) -> &mut Self {
        if !cx.pick.is_some_and(|m| m.search_people) {
            return self.select(name, label, hint, ids(&cx.users), Some(blank));
        }
        let hint = format!(
            "{} Gõ vài chữ đầu của họ tên hoặc tên đăng nhập rồi chọn; để trống: {}.",
            hint.into(),
            blank.trim_matches(|c| c == '—' || c == ' ')
        );
        self.f(name, "pick", label, hint, false);
        let url = match cx.item.as_ref() {
            Some(i) => format!("/pick/people?item={}", Pid(i.id)),
            None => "/pick/people".to_string(),
        };
        if let Some(last) = self.out.last_mut() {
            last.pick = url;
        }
        self
    }
    /// A unit of the agency: a list when there are few, else a search box (`/pick/units`).
    fn unit(&mut self, name: &'static str, label: &'static str, cx: &Cx) -> &mut Self {
        if !cx.pick.is_some_and(|m| m.search_units) {
            return self.select(name, label, "", ids(&cx.units), Some("— không chọn —"));
        }
        self.f(
            name,
            "pick",
            label,
            "Gõ vài chữ đầu của tên đơn vị rồi chọn; để trống: không chọn.",
            false,
        );
        if let Some(last) = self.out.last_mut() {
            last.pick = "/pick/units".to_string();
        }
        self
    }
    fn act_date(&mut self) -> &mut Self {
        self.date("date", "Ngày thực hiện", DATE_HINT)
    }
}

fn carriers() -> Vec<(String, String)> {
    [
        Carrier::Document,
        Carrier::Object,
        Carrier::Place,
        Carrier::Speech,
        Carrier::Activity,
        Carrier::Other,
    ]
    .iter()
    .map(|c| (serde_code(c), c.label().to_string()))
    .collect()
}

fn serde_code<T: serde::Serialize>(t: &T) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn parse_code<T: serde::de::DeserializeOwned>(v: &Vals, k: &str) -> Result<T, CoreError> {
    serde_json::from_value(serde_json::Value::String(v.get(k).to_string()))
        .map_err(|_| CoreError::invalid(k, "hãy chọn một giá trị trong danh sách"))
}

fn levels() -> Vec<(String, String)> {
    level_opts("", false)
        .into_iter()
        .map(|o| (o.value, o.label))
        .collect()
}

fn fields_opts(r: &Regime) -> Vec<(String, String)> {
    r.fields
        .iter()
        .map(|f| (f.code.clone(), f.name.clone()))
        .collect()
}

fn ids(list: &[(Id, String)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(i, s)| (Pid(*i).to_string(), s.clone()))
        .collect()
}

fn cat_opts(cx: &Cx) -> Vec<(String, String)> {
    cx.catalogue
        .iter()
        .map(|(i, s, _)| (Pid(*i).to_string(), s.clone()))
        .collect()
}

/// The decision forms' two buttons: `decision=approve` ("Duyệt") or `decision=reject`
/// ("Không duyệt"). The reason a rejection needs is checked by the service.
fn approve_of(v: &Vals) -> Result<bool, CoreError> {
    match v.get("decision") {
        "approve" => Ok(true),
        "reject" => Ok(false),
        _ => Err(CoreError::invalid(
            "decision",
            "hãy bấm «Duyệt» hoặc «Không duyệt»",
        )),
    }
}

/// Acts decided by the two buttons "Duyệt" / "Không duyệt".
fn decided_by_buttons(a: ActKind) -> bool {
    matches!(a, ActKind::Decide | ActKind::DecideClassification)
}

/// "Người ký": the agency's leaders from the service, and the value typed before if it is
/// another name (a refused form keeps what was chosen).
fn signer_opts(cx: &Cx, v: &Vals) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = cx
        .outgoing
        .iter()
        .flat_map(|h| h.signers.iter())
        .map(|n| (n.clone(), n.clone()))
        .collect();
    let typed = v.get("signer");
    if !typed.is_empty() && !out.iter().any(|(k, _)| k == typed) {
        out.push((typed.to_string(), typed.to_string()));
    }
    out
}

/// The fields of act `code`, filled from `v`.
fn fields(code: ActKind, cx: &Cx, r: &Regime, v: &Vals) -> Vec<Field> {
    // Citations come from the regime of the act (the form opens on today's).
    let c = |w: Cite| r.cite(w).basis.as_str();
    let summary_hint = bmnn_core::registers::summary_hint(r);
    let tm_hint = tuyet_mat_field_hint(r);
    let mut b = FB {
        v,
        out: Vec::new(),
        group: "",
    };
    match code {
        ActKind::Propose => {
            b.group("Văn bản")
                .select("carrier", "Hình thức chứa bí mật nhà nước", format!("Tài liệu, vật, địa điểm, lời nói, hoạt động hoặc hình thức khác ({}).", c(Cite::Carriers)), carriers(), None)
                .check("electronic", "Văn bản điện tử", format!("Người soạn thảo đánh dấu độ mật trên tệp sau khi có quyết định ({}).", c(Cite::ClassifyProposal)))
                .req("doc_type", "Tên loại văn bản", "Báo cáo, Kế hoạch, Công văn, Tờ trình…")
                .area("summary", "Trích yếu nội dung", summary_hint.clone())
                .text("summary_consent_ref", "Văn bản đồng ý ghi trích yếu (chỉ với Tuyệt mật)", "Số, ngày văn bản của người có thẩm quyền đồng ý ghi trích yếu.")
                .group("Độ mật và căn cứ")
                .select("level", "Độ mật đề xuất", format!("Độ mật phải căn cứ danh mục bí mật nhà nước ({}).", c(Cite::ClassifyCatalogue)), levels(), None)
                .select("field", "Lĩnh vực", tm_hint, fields_opts(r), Some("— chọn lĩnh vực —"))
                .select("catalogue_item_id", "Căn cứ xác định độ mật (mục danh mục BMNN)", format!("Xác định BMNN đối với thông tin không thuộc danh mục là hành vi bị nghiêm cấm ({}).", c(Cite::CatalogueRequired)), cat_opts(cx), Some("— chọn mục danh mục —"))
                .date("shorter_expiry", "Thời hạn bảo vệ ngắn hơn (chỉ với hoạt động)", format!("Hoạt động có thể có thời hạn bảo vệ ngắn hơn, ghi khi xác định độ mật ({}).", c(Cite::ShorterPeriod)))
                .group("Phát hành")
                .area("recipients", "Nơi nhận (mỗi dòng một nơi)", format!("Đề xuất phải nêu nơi nhận ({}).", c(Cite::ClassifyProposal)))
                .num("copies_issued", "Số lượng bản phát hành", format!("Đề xuất phải nêu số lượng bản phát hành ({}).", c(Cite::ClassifyProposal)))
                .check("copy_allowed", "Được phép sao, chụp", format!("Người có thẩm quyền quyết định được phép hay không được phép sao, chụp ({}).", c(Cite::ClassifyDecision)))
                .text("circulation", "Phạm vi lưu hành", format!("Người có thẩm quyền quyết định phạm vi lưu hành ({}).", c(Cite::ClassifyDecision)))
                .unit("unit_id", "Đơn vị quản lý", cx)
                .text("location", "Nơi lưu giữ", "Nơi cất giữ bảo đảm an toàn.")
                .group("")
                .act_date();
        }
        ActKind::DecideClassification => {
            b.group("Độ mật và căn cứ")
                .select("level", "Độ mật quyết định", "Có thể khác độ mật đề xuất; phải khớp mục danh mục.", levels(), None)
                .select("catalogue_item_id", "Căn cứ xác định độ mật (mục danh mục BMNN)", format!("Độ mật phải căn cứ danh mục bí mật nhà nước ({}).", c(Cite::ClassifyCatalogue)), cat_opts(cx), Some("— giữ như đề xuất —"))
                .group("Phát hành")
                .check("copy_allowed", "Được phép sao, chụp", format!("{}.", c(Cite::ClassifyDecision)))
                .text("circulation", "Phạm vi lưu hành", format!("{}.", c(Cite::ClassifyDecision)))
                .group("Quyết định")
                .text("decision_ref", "Số, ký hiệu văn bản xác định độ mật", format!("Tờ trình, phiếu trình duyệt ký hoặc văn bản xác định độ mật (mẫu theo {}).", c(Cite::StampsRegisters)))
                .area("reason", "Lý do không duyệt", format!("Bắt buộc khi chọn «Không duyệt». Người có thẩm quyền quyết định xác định BMNN, độ mật, phạm vi lưu hành, được phép hay không được phép sao, chụp ({}).", c(Cite::ClassifyDecision)))
                .act_date();
        }
        ActKind::RegisterOutgoing => {
            let next = cx.outgoing.as_ref().map_or(String::new(), |h| {
                format!(
                    " Số tiếp theo năm {}: {:02}{}.",
                    h.year,
                    h.next_number,
                    h.last
                        .as_ref()
                        .map(|l| format!(" (số gần nhất: {l})"))
                        .unwrap_or_default()
                )
            });
            b.group("Văn bản")
                .req(
                    "number_symbol",
                    "Số, ký hiệu văn bản mật",
                    format!(
                        "Văn bản mật được đánh số theo hệ thống số riêng ({}).{next}",
                        c(Cite::Numbering)
                    ),
                )
                .select(
                    "signer",
                    "Người ký",
                    "Lãnh đạo cơ quan ký văn bản.",
                    signer_opts(cx, v),
                    Some("— chọn người ký —"),
                )
                .date(
                    "date",
                    "Ngày vào sổ",
                    format!(
                        "Vào sổ đăng ký BMNN đi trước khi phát hành ({}). {DATE_HINT}",
                        c(Cite::RegisterOutgoing)
                    ),
                )
                .group("Phát hành")
                .area(
                    "recipients",
                    "Nơi nhận (mỗi dòng một nơi)",
                    "Theo quyết định xác định độ mật; sửa nếu văn bản phát hành khác.",
                )
                .num("quantity", "Số lượng bản", "Số bản phát hành.")
                .text("unit_kept", "Đơn vị, người nhận bản lưu", "")
                .text("note", "Ghi chú", "");
        }
        ActKind::ReceiveIncoming => {
            b.group("Văn bản")
                .req("issuer", "Cơ quan ban hành", "")
                .req("number_symbol", "Số, ký hiệu", "Ghi theo ký hiệu trên tài liệu hoặc ngoài bì.")
                .date("doc_date", "Ngày văn bản", "")
                .req("doc_type", "Tên loại văn bản", "Báo cáo, Công văn, Kế hoạch…")
                .area("summary", "Trích yếu nội dung", summary_hint.clone())
                .text("summary_consent_ref", "Văn bản đồng ý ghi trích yếu (chỉ với Tuyệt mật)", "")
                .select("carrier", "Hình thức chứa bí mật nhà nước", "", carriers(), None)
                .check("electronic", "Văn bản điện tử", "")
                .num("copies", "Số lượng (bản)", format!("Kiểm tra số lượng, bì, gói so với nơi gửi trước khi vào sổ và ký nhận ({}).", c(Cite::ReceiveChecks)))
                .group("Độ mật và thời hạn")
                .select("level", "Độ mật", "Theo dấu chỉ độ mật trên tài liệu hoặc ngoài bì (chữ A: Tuyệt mật, B: Tối mật, C: Mật).", levels(), None)
                .check("copy_allowed", "Được phép sao, chụp", "Theo ghi chú của nơi gửi.")
                .date("expiry", "Ngày hết thời hạn bảo vệ (nếu ghi trên tài liệu)", "")
                .date("recall_due", "Hạn trả (dấu «Tài liệu thu hồi»)", format!("Tài liệu có dấu thu hồi phải trả đúng hạn ghi trên tài liệu ({}).", c(Cite::Recall)))
                .group("Bì, chuyển xử lý và lưu giữ")
                .select("named_recipient_id", "Bì có dấu «Chỉ người có tên mới được bóc bì»: người có tên", format!("Văn thư vào sổ theo ký hiệu ngoài bì, KHÔNG bóc bì, chuyển ngay cho người có tên ({}).", c(Cite::NamedRecipient)), ids(&cx.users), Some("— không có dấu này —"))
                .check("urgent", "Hỏa tốc", format!("Bì «Chỉ người có tên…» và «Hỏa tốc» khi người có tên đi vắng: chuyển lãnh đạo hoặc người được ủy quyền ({}).", c(Cite::NamedRecipient)))
                .select("unit_id", "Đơn vị xử lý", "", ids(&cx.units), Some("— không chọn —"))
                .text("location", "Nơi lưu giữ", "")
                .text("note", "Ghi chú", "")
                .date("date", "Ngày đến", DATE_HINT);
        }
        ActKind::HandOver => {
            b.person(
                "to_user_id",
                "Người nhận trong cơ quan",
                format!(
                    "Người nhận ký nhận trong hệ thống hoặc trên sổ giấy ({}).",
                    c(Cite::Acknowledge)
                ),
                cx,
                "— người ngoài cơ quan —",
            )
            .text(
                "to_name",
                "Hoặc: cơ quan, người nhận ngoài cơ quan",
                "Ghi khi chuyển cho nơi ngoài cơ quan.",
            )
            .num("quantity", "Số lượng (bản)", "")
            .text("note", "Ghi chú", "")
            .act_date();
        }
        ActKind::Acknowledge => {
            b.text("on_paper_signer", "Người đã ký trên sổ giấy (chỉ văn thư ghi)", format!("Để trống nếu chính bạn ký nhận. Văn thư ghi tên người đã ký trên sổ chuyển giao in ra giấy ({}).", c(Cite::PaperRegister)));
        }
        ActKind::RecallReturn => {
            b.date("date", "Ngày trả", DATE_HINT);
        }
        ActKind::CancelEntry => {
            b.f(
                "reason",
                "area",
                "Lý do hủy bỏ",
                "Mục sổ không bị xóa: số thứ tự được giữ, mục được đánh dấu hủy bỏ kèm lý do.",
                true,
            );
        }
        ActKind::RequestCopy => {
            b.select("form", "Hình thức sao, chụp", format!("Sao y bản chính, sao lục, trích sao hoặc chụp ({}).", c(Cite::Copy)), vec![("sao-y".into(), "Sao y bản chính".into()), ("sao-luc".into(), "Sao lục".into()), ("trich-sao".into(), "Trích sao".into()), ("chup".into(), "Chụp".into())], None)
                .num("count", "Số lượng bản", format!("Chỉ sao, chụp đúng số lượng được cho phép; bản thừa, bản hỏng phải hủy ngay ({}).", c(Cite::CopyCount)))
                .req("purpose", "Mục đích", "")
                .area("recipients", "Nơi nhận bản sao (mỗi dòng một nơi)", "")
                .act_date();
        }
        ActKind::RequestTakeOut => {
            b.check("abroad", "Mang ra nước ngoài", format!("Mang ra nước ngoài cần người có thẩm quyền cao hơn và thông báo trưởng đoàn ({}).", c(Cite::TakeOutAbroad)))
                .req("purpose", "Mục đích", format!("Nội dung văn bản xin phép ({}).", c(Cite::TakeOutLetter)))
                .req("place", "Nơi công tác", "")
                .f("from", "date", "Từ ngày", "", true)
                .f("until", "date", "Đến ngày", format!("Hết nhiệm vụ phải báo cáo và trả lại tài liệu ({}).", c(Cite::TakeOutReturn)), true)
                .f("measures", "area", "Biện pháp bảo vệ", format!("Phải có phương tiện, thiết bị bảo đảm an toàn ({}).", c(Cite::TakeOutMeasures)), true)
                .text("delegation_head", "Trưởng đoàn công tác (khi ra nước ngoài)", "")
                .act_date();
        }
        ActKind::RequestProvide => {
            b.check(
                "foreign",
                "Cho cơ quan, tổ chức, cá nhân nước ngoài",
                format!(
                    "Thẩm quyền cao hơn, cam kết không cung cấp cho bên thứ ba ({}).",
                    c(Cite::CommitmentForeign)
                ),
            )
            .req("party", "Cơ quan, tổ chức, cá nhân được cung cấp", "")
            .req("representative", "Người đại diện nhận", "")
            .req("identity", "Số CCCD / hộ chiếu", "")
            .req(
                "purpose",
                "Mục đích sử dụng",
                format!(
                    "Văn bản đề nghị nêu rõ mục đích ({}).",
                    c(Cite::ProvidePurpose)
                ),
            )
            .check(
                "commitment",
                "Đã có cam kết bảo vệ BMNN",
                format!(
                    "Bên nhận phải cam kết bảo vệ bí mật nhà nước ({}).",
                    c(Cite::Provide)
                ),
            )
            .act_date();
        }
        ActKind::RequestDestroy => {
            b.group("Hội đồng tiêu hủy")
                .check(
                    "emergency",
                    "Tiêu hủy khẩn cấp",
                    format!(
                        "Trường hợp không kịp xin ý kiến, tài liệu có nguy cơ bị lộ ({}).",
                        c(Cite::DestroyEmergency)
                    ),
                )
                .area(
                    "council",
                    "Hội đồng tiêu hủy (mỗi dòng một người, chủ tịch trước)",
                    format!("{}.", c(Cite::DestroyCouncil)),
                )
                .text("council_decision_ref", "Quyết định thành lập Hội đồng", "")
                .text("council_minutes_ref", "Biên bản họp Hội đồng", "")
                .group("Tiêu hủy")
                .req(
                    "method",
                    "Phương pháp tiêu hủy",
                    format!(
                        "Bảo đảm không thể phục hồi, khai thác, sử dụng ({}).",
                        c(Cite::DestroyMethod)
                    ),
                )
                .req("place", "Địa điểm tiêu hủy", "")
                .act_date();
        }
        ActKind::Decide => {
            b.group("Quyết định")
            .text("reference", "Số văn bản cho phép / từ chối", "")
            .area(
                "reason",
                "Lý do không duyệt",
                format!(
                    "Bắt buộc khi chọn «Không duyệt»: từ chối phải bằng văn bản, nêu rõ lý do ({}).",
                    c(Cite::RefusalReason)
                ),
            )
            .act_date()
            .group("Quyết định của cấp ngoài cơ quan")
            .text(
                "external_number",
                "Số, ký hiệu văn bản quyết định của cấp ngoài cơ quan (khi luật giao cho cấp đó)",
                "Ví dụ: văn bản của Thủ tướng Chính phủ. Chỉ lãnh đạo hoặc cán bộ bảo vệ bí mật nhà nước ghi nhận.",
            )
            .date("external_date", "Ngày văn bản quyết định", "")
            .text("external_signer", "Người ký văn bản quyết định", "Người quyết định; người ghi nhận là bạn.")
            .select(
                "external_attachment_id",
                "Bản chụp văn bản quyết định",
                "Đính kèm bản chụp vào tài liệu trước, rồi chọn ở đây.",
                ids(&cx.attachments),
                Some("— chưa đính kèm —"),
            );
        }
        ActKind::ProduceCopies => {
            b.num(
                "count",
                "Số bản sao, chụp lần này",
                "Không vượt số lượng được cho phép; mỗi bản được đánh số «Bản sao số» liên tục.",
            )
            .num(
                "spoilt_destroyed",
                "Bản thừa, bản hỏng đã hủy ngay",
                format!("{}.", c(Cite::CopyCount)),
            )
            .text("operator", "Người thực hiện", "")
            .text(
                "place",
                "Địa điểm sao, chụp",
                format!(
                    "Địa điểm bảo đảm an toàn do người đứng đầu quy định ({}).",
                    c(Cite::CopyPlace)
                ),
            )
            .act_date();
        }
        ActKind::TakeOutReturn => {
            b.area(
                "report",
                "Báo cáo việc quản lý, sử dụng",
                format!(
                    "Hết nhiệm vụ phải báo cáo người cho phép ({}).",
                    c(Cite::TakeOutReturn)
                ),
            )
            .date("date", "Ngày trả", DATE_HINT);
        }
        ActKind::CompleteProvision => {
            b.text("minutes_ref", "Biên bản giao nhận", "")
                .area("report", "Ghi chú", "")
                .date("date", "Ngày giao", DATE_HINT);
        }
        ActKind::RecordDestruction => {
            b.f(
                "minutes_ref",
                "text",
                "Biên bản tiêu hủy",
                format!(
                    "Việc tiêu hủy phải lập biên bản ({}).",
                    c(Cite::DestroyCouncil)
                ),
                true,
            )
            .area("performers", "Người thực hiện (mỗi dòng một người)", "")
            .date("date", "Ngày tiêu hủy", DATE_HINT);
        }
        ActKind::Extend => {
            b.num("years", "Số năm gia hạn", format!("Mỗi lần gia hạn không quá thời hạn bảo vệ của độ mật; quyết định trước khi hết hạn {} ngày ({}).", r.extension.deadline_days_before_expiry, r.extension.basis))
                .text("decision_ref", "Số, ký hiệu quyết định gia hạn", "")
                .text("originator_notice", "Thông báo gia hạn của nơi ban hành (tài liệu đến)", "")
                .act_date();
        }
        ActKind::Adjust => {
            b.select(
                "new_level",
                "Độ mật mới",
                format!(
                    "Điều chỉnh độ mật căn cứ danh mục ({}).",
                    r.rule(Act::Adjust, Level::Mat).basis
                ),
                levels(),
                None,
            )
            .select(
                "catalogue_item_id",
                "Căn cứ (mục danh mục BMNN)",
                "",
                cat_opts(cx),
                Some("— giữ như cũ —"),
            )
            .select(
                "field",
                "Lĩnh vực",
                "",
                fields_opts(r),
                Some("— giữ như cũ —"),
            )
            .text("decision_ref", "Số, ký hiệu quyết định điều chỉnh", "")
            .text(
                "originator_notice",
                "Thông báo của nơi ban hành (tài liệu đến)",
                "",
            )
            .act_date();
        }
        ActKind::Declassify => {
            b.group("Hội đồng giải mật")
                .area(
                    "council",
                    "Hội đồng giải mật (mỗi dòng một người, chủ tịch trước)",
                    format!("{}.", r.rule(Act::Declassify, Level::Mat).basis),
                )
                .text("council_decision_ref", "Quyết định thành lập Hội đồng", "")
                .text("council_minutes_ref", "Biên bản họp Hội đồng", "")
                .group("Quyết định")
                .check("partial", "Giải mật một phần", "")
                .area(
                    "partial_scope",
                    "Nội dung được giải mật (khi giải mật một phần)",
                    "",
                )
                .text("decision_ref", "Số, ký hiệu quyết định giải mật", "")
                .text(
                    "originator_notice",
                    "Thông báo của nơi ban hành (tài liệu đến)",
                    "",
                )
                .act_date();
        }
        ActKind::NoticeDone => {
            b.f(
                "reference",
                "text",
                "Số, ký hiệu văn bản thông báo",
                format!("Thời hạn thông báo theo {}.", r.notices.basis),
                true,
            )
            .date("date", "Ngày gửi", DATE_HINT);
        }
    }
    b.out
}

/// Initial values of a fresh form, from the context.
fn defaults(code: ActKind, cx: &Cx, r: &Regime) -> Vals {
    let mut v = Vals::default();
    let mut set = |k: &str, x: String| {
        v.0.insert(k.to_string(), x);
    };
    let item = cx.item.as_ref();
    match code {
        ActKind::Propose => {
            set("carrier", "document".into());
            set("level", "mat".into());
            set("copies_issued", "1".into());
        }
        ActKind::ReceiveIncoming => {
            set("carrier", "document".into());
            set("level", "mat".into());
            set("copies", "1".into());
        }
        ActKind::DecideClassification => {
            let Some(i) = item else { return v };
            set("level", i.level.code().into());
            if i.copy_allowed {
                set("copy_allowed", "on".into());
            }
            set("circulation", i.circulation.clone());
        }
        ActKind::HandOver => set("quantity", "1".into()),
        ActKind::RequestCopy => {
            set("form", "sao-y".into());
            set("count", "1".into());
        }
        ActKind::Adjust => {
            if let Some(i) = item {
                set("new_level", i.level.code().into());
            }
        }
        ActKind::Extend => {
            if let Some(i) = item {
                set("years", r.periods.years(i.level).to_string());
            }
        }
        ActKind::RegisterOutgoing => {
            if let Some(i) = item {
                set("recipients", i.recipients.join("\n"));
                set("quantity", i.copies_issued.to_string());
            }
            if let Some(h) = &cx.outgoing {
                set("number_symbol", format!("{:02}/", h.next_number));
            }
        }
        ActKind::ProduceCopies => {
            if let Some(Request {
                details:
                    RequestDetails::Copy {
                        count, produced, ..
                    },
                ..
            }) = &cx.request
            {
                set(
                    "count",
                    count.saturating_sub(produced.len() as u32).to_string(),
                );
            }
            set("spoilt_destroyed", "0".into());
        }
        // No default beyond what the item says (a decision has none: two buttons).
        ActKind::Decide
        | ActKind::Acknowledge
        | ActKind::RecallReturn
        | ActKind::CancelEntry
        | ActKind::RequestTakeOut
        | ActKind::RequestProvide
        | ActKind::RequestDestroy
        | ActKind::TakeOutReturn
        | ActKind::CompleteProvision
        | ActKind::RecordDestruction
        | ActKind::Declassify
        | ActKind::NoticeDone => {}
    }
    v
}

/// The authority rules that govern this act, for the item's level (or every level).
/// The authority rules an act's form is about: (acts, levels).
fn rule_keys(code: ActKind, cx: &Cx) -> (Vec<Act>, Vec<Level>) {
    let acts: Vec<Act> = match code {
        ActKind::Propose | ActKind::DecideClassification => vec![Act::Classify],
        ActKind::RequestCopy | ActKind::ProduceCopies => vec![Act::Copy],
        ActKind::RequestTakeOut => vec![Act::TakeOutDomestic, Act::TakeOutAbroad],
        ActKind::RequestProvide => vec![Act::ProvideDomestic, Act::ProvideForeign],
        ActKind::RequestDestroy | ActKind::RecordDestruction => vec![Act::Destroy],
        ActKind::Extend => vec![Act::Extend],
        ActKind::Adjust => vec![Act::Adjust],
        ActKind::Declassify => vec![Act::Declassify],
        ActKind::Decide => match cx.request.as_ref().map(|r| &r.details) {
            Some(RequestDetails::Copy { .. }) => vec![Act::Copy],
            Some(RequestDetails::TakeOut { abroad: true, .. }) => vec![Act::TakeOutAbroad],
            Some(RequestDetails::TakeOut { .. }) => vec![Act::TakeOutDomestic],
            Some(RequestDetails::Provide { foreign: true, .. }) => vec![Act::ProvideForeign],
            Some(RequestDetails::Provide { .. }) => vec![Act::ProvideDomestic],
            Some(RequestDetails::Destroy { .. }) => vec![Act::Destroy],
            None => vec![],
        },
        // Acts that need no authority of the matrix.
        ActKind::RegisterOutgoing
        | ActKind::ReceiveIncoming
        | ActKind::HandOver
        | ActKind::Acknowledge
        | ActKind::RecallReturn
        | ActKind::CancelEntry
        | ActKind::TakeOutReturn
        | ActKind::CompleteProvision
        | ActKind::NoticeDone => vec![],
    };
    let levels: Vec<Level> = match (&cx.request, &cx.item) {
        (Some(q), _) => vec![q.level],
        (None, Some(i)) => vec![i.level],
        _ => vec![Level::Mat, Level::ToiMat, Level::TuyetMat],
    };
    (acts, levels)
}

fn rule_hints(code: ActKind, cx: &Cx, r: &Regime) -> Vec<(String, String, String)> {
    let (acts, levels) = rule_keys(code, cx);
    let mut out = Vec::new();
    for a in acts {
        for l in &levels {
            let ru = r.rule(a, *l);
            let mut head = format!("Thẩm quyền {} — độ {}", a.label(), l.label());
            if !ru.confirmed {
                head.push_str(" (điểm pháp lý chưa xác định)");
            }
            out.push((head, ru.hint.clone(), ru.basis.clone()));
        }
    }
    out
}

/// What the form acts on, as the person deciding or signing knows it: number and symbol,
/// level, the summary where the reader may see it (the service's rule: `summary` is absent
/// when hidden), what is asked and who asked when.
fn context_rows(
    cx: &Cx,
    rules: &RuleSet,
    r: &Regime,
) -> (Vec<(&'static str, String)>, String, &'static str) {
    let mut rows = Vec::new();
    let mut link = String::new();
    let mut class = "";
    if let Some(i) = &cx.item {
        rows.push(("Tài liệu, vật chứa BMNN", item_label(i)));
        rows.push(("Độ mật", i.level.label().to_string()));
        rows.push(("Trạng thái", i.status.label().to_string()));
        if let Some(e) = i.expiry {
            rows.push(("Ngày hết thời hạn bảo vệ", fmt_vn(e)));
        }
        // Tuyệt mật summaries stay out of forms where the regime keeps them out of registers.
        if let Some(s) = bmnn_core::registers::shown_summary(rules, i) {
            rows.push(("Trích yếu nội dung", s.to_string()));
        }
        if i.status == Status::Proposed {
            rows.push((
                "Người đề xuất",
                match cx.asked_on {
                    Some(d) => format!("{}, ngày {}", i.drafter_name, fmt_vn(d)),
                    None => i.drafter_name.clone(),
                },
            ));
            if let Some(c) = i
                .catalogue_item_id
                .and_then(|id| cx.catalogue.iter().find(|c| c.0 == id))
            {
                rows.push(("Mục danh mục BMNN đề xuất", c.1.clone()));
            }
            if let Some(f) = &i.field {
                rows.push(("Lĩnh vực", r.field_name(f).unwrap_or(f).to_string()));
            }
            rows.push(("Phạm vi lưu hành đề xuất", i.circulation.clone()));
            rows.push(("Nơi nhận", i.recipients.join("; ")));
            rows.push(("Số lượng bản phát hành", i.copies_issued.to_string()));
            rows.push((
                "Sao, chụp (đề xuất)",
                if i.copy_allowed {
                    "Được phép"
                } else {
                    "Không được phép"
                }
                .to_string(),
            ));
            if cx.request.is_none() {
                let drafts: Vec<&str> = cx.attachments.iter().map(|a| a.1.as_str()).collect();
                rows.push((
                    "Dự thảo đính kèm",
                    if drafts.is_empty() {
                        "Chưa đính kèm".to_string()
                    } else {
                        drafts.join("; ")
                    },
                ));
            }
        }
        link = format!("/items/{}", Pid(i.id));
        class = level_class(i.level);
    }
    if let Some(q) = &cx.request {
        rows.push((
            "Yêu cầu",
            format!("{} ({})", q.kind.label(), q.status.label()),
        ));
        rows.push((
            "Người đề nghị",
            format!("{}, ngày {}", q.requester_name, fmt_vn(q.requested_on)),
        ));
        match &q.details {
            RequestDetails::Copy {
                form,
                count,
                purpose,
                recipients,
                ..
            } => {
                rows.push(("Hình thức sao, chụp", form.label().to_string()));
                rows.push(("Số bản đề nghị", count.to_string()));
                rows.push(("Mục đích", purpose.clone()));
                if !recipients.is_empty() {
                    rows.push(("Nơi nhận bản sao", recipients.join("; ")));
                }
            }
            RequestDetails::TakeOut {
                abroad,
                purpose,
                place,
                from,
                until,
                ..
            } => {
                rows.push((
                    "Mang đến",
                    format!("{place}{}", if *abroad { " (ra nước ngoài)" } else { "" }),
                ));
                rows.push((
                    "Thời gian",
                    format!("{} – {}", fmt_vn(*from), fmt_vn(*until)),
                ));
                rows.push(("Mục đích", purpose.clone()));
            }
            RequestDetails::Provide {
                foreign,
                party,
                representative,
                purpose,
                ..
            } => {
                rows.push((
                    "Bên nhận",
                    format!(
                        "{party}{} — người đại diện: {representative}",
                        if *foreign { " (nước ngoài)" } else { "" }
                    ),
                ));
                rows.push(("Mục đích", purpose.clone()));
            }
            RequestDetails::Destroy { method, place, .. } => {
                rows.push(("Cách thức, địa điểm tiêu hủy", format!("{method}, {place}")));
            }
        }
    }
    if let Some(e) = &cx.entry_row {
        rows.push((
            "Mục sổ",
            format!(
                "Số {:02} — {} năm {}, ngày {}",
                e.number,
                e.kind.label(),
                e.year,
                fmt_vn(e.date)
            ),
        ));
        let doc = entry_label(e);
        if !doc.is_empty() {
            rows.push(("Tài liệu, vật chứa BMNN", doc));
        }
        rows.push(("Độ mật", e.level.label().to_string()));
        if let Some(to) = e.fields.get("to") {
            rows.push(("Người nhận", to.clone()));
        }
        if let Some(q) = e.fields.get("quantity") {
            rows.push(("Số lượng", q.clone()));
        }
        if class.is_empty() {
            class = level_class(e.level);
        }
        if link.is_empty()
            && let Some(i) = e.item_id
        {
            link = format!("/items/{}", Pid(i));
        }
    }
    if let Some(n) = &cx.notice {
        rows.push((
            "Thông báo",
            format!(
                "{} gửi {} trước ngày {}",
                n.kind.label(),
                n.recipient,
                fmt_vn(n.due)
            ),
        ));
    }
    (rows, link, class)
}

fn hidden(a: ActKind, v: &Vals) -> Vec<(&'static str, String)> {
    let k = match a.on() {
        ActOn::Item => "item",
        ActOn::Request => "request",
        ActOn::Entry => "entry",
        ActOn::Notice => "notice",
        ActOn::Nothing => return Vec::new(),
    };
    vec![(k, v.text(k))]
}

/// The rules block of act `a` dated `on` (the regime of the first day when `on` precedes it).
fn rules_block(rules: &RuleSet, a: ActKind, cx: &Cx, on: Date) -> RulesBlock {
    let r = rules.regime_for_or_first(on);
    let (acts, levels) = rule_keys(a, cx);
    let keys: Vec<(Act, Level)> = acts
        .iter()
        .flat_map(|x| levels.iter().map(move |l| (*x, *l)))
        .collect();
    let note = rules.date_note(on, &keys);
    RulesBlock {
        code: a.code(),
        date: fmt_vn(on),
        regime: note
            .as_ref()
            .map_or_else(|| r.name.clone(), |n| n.regime.clone()),
        period: note
            .as_ref()
            .and_then(|n| n.period.clone())
            .unwrap_or_default(),
        unconfirmed: note.map(|n| n.unconfirmed).unwrap_or_default(),
        rules: rule_hints(a, cx, r),
    }
}

/// The date typed in the form, or today.
fn form_date(v: &Vals) -> Date {
    v.date("date").ok().flatten().unwrap_or_else(today_vn)
}

fn page(
    me: &Me,
    a: ActKind,
    cx: &Cx,
    rules: &RuleSet,
    v: &Vals,
    err: Option<&CoreError>,
) -> ActPage {
    let on = form_date(v);
    let r = rules.regime_for_or_first(on);
    let mut fields = fields(a, cx, r, v);
    let error = err.map(|e| {
        let (message, basis) = match e {
            CoreError::Refused(x) => (x.message.clone(), x.basis.clone().unwrap_or_default()),
            CoreError::Invalid { field, message } => {
                // A field the form does not show (the decision buttons) gets no label.
                let label = fields
                    .iter()
                    .find(|f| f.name == field)
                    .map(|f| format!("{}: ", f.label))
                    .unwrap_or_default();
                (format!("{label}{message}"), String::new())
            }
            other => (other.message_vi(), String::new()),
        };
        if let CoreError::Invalid { field, .. } = e {
            for f in fields.iter_mut().filter(|f| f.name == field) {
                f.error = true;
            }
        }
        Refusal {
            code: e.code().to_string(),
            message,
            basis,
            unconfirmed: matches!(e, CoreError::Refused(x) if !x.confirmed),
            next: bmnn_core::error::next_step(e.code())
                .unwrap_or_default()
                .to_string(),
        }
    });
    let (context, context_link, level_class) = context_rows(cx, rules, r);
    ActPage {
        l: L::new(me, "", a.title()),
        code: a.code(),
        title: a.title(),
        context,
        context_link,
        level_class,
        block: rules_block(rules, a, cx, on),
        groups: grouped(fields),
        hidden: hidden(a, v),
        error,
        two_buttons: decided_by_buttons(a),
    }
}

fn regime_today<S: Store>(st: &AppState<S>) -> &Regime {
    let rules = &st.svc.rules;
    rules
        .regime_for(today_vn())
        .or(rules.regimes.last())
        .expect("at least one regime")
}

/// GET /acts/{code}/rules?date=…: the rules block for the date typed in the form (a date is
/// not secret; the ids in the query are those of the form page), so that the regime, its
/// unconfirmed points and who may decide follow the date field.
pub async fn rules_fragment<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(a) = ActKind::from_code(&code) else {
        return super::pages::not_found(Some(me)).await;
    };
    let mut v = Vals::default();
    for k in ["item", "request", "entry", "notice", "date"] {
        if let Some(x) = q.get(k) {
            v.0.insert(k.to_string(), x.clone());
        }
    }
    let ctx = ctx_for(me.user.id);
    let v2 = v.clone();
    let cx = match call(&st, &me, move |svc| load(svc, &ctx, a, &v2)).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    render(&RulesFragment {
        block: rules_block(&st.svc.rules, a, &cx, form_date(&v)),
    })
}

/// GET /acts/{code}?item=…: the empty form (ids in the query are not secret).
pub async fn form_page<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(a) = ActKind::from_code(&code) else {
        return super::pages::not_found(Some(me)).await;
    };
    let mut v = Vals::default();
    for k in ["item", "request", "entry", "notice"] {
        if let Some(x) = q.get(k) {
            v.0.insert(k.to_string(), x.clone());
        }
    }
    let ctx = ctx_for(me.user.id);
    let v2 = v.clone();
    let cx = match call(&st, &me, move |svc| load(svc, &ctx, a, &v2)).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut init = defaults(a, &cx, regime_today(&st));
    init.0.extend(v.0);
    render(&page(&me, a, &cx, &st.svc.rules, &init, None))
}

/// POST /acts/{code}: do the act; on refusal show the form again with the reason and input.
pub async fn submit<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(code): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Some(a) = ActKind::from_code(&code) else {
        return super::pages::not_found(Some(me)).await;
    };
    let v = Vals::from_pairs(pairs(&body));
    let ctx = ctx_for(me.user.id);
    let v2 = v.clone();
    let res = st.run(move |svc| run(svc, &ctx, a, &v2)).await;
    match res {
        // After a decision the leader goes back to what remains in his inbox.
        Ok(_) if decided_by_buttons(a) => {
            let mut r = Redirect::to(&format!("/inbox?ok={}", a.code())).into_response();
            *r.status_mut() = StatusCode::SEE_OTHER;
            r
        }
        Ok(to) => {
            let sep = if to.contains('?') { '&' } else { '?' };
            let mut r = Redirect::to(&format!("{to}{sep}ok={}", a.code())).into_response();
            *r.status_mut() = StatusCode::SEE_OTHER;
            r
        }
        Err(WebError(CoreError::Unauthenticated)) => Redirect::to("/login").into_response(),
        Err(e) => {
            let v2 = v.clone();
            let cx = match call(&st, &me, move |svc| load(svc, &ctx, a, &v2)).await {
                Ok(c) => c,
                Err(r) => return r,
            };
            let status = e.status();
            render_status(status, &page(&me, a, &cx, &st.svc.rules, &v, Some(&e.0)))
        }
    }
}

/// The person a form names: a list's token, or a search box's text (a picker's label or a user
/// name), which the service resolves.
fn person_of<S: Store>(
    svc: &Service<S>,
    ctx: &Ctx,
    v: &Vals,
    k: &str,
) -> Result<Option<Id>, CoreError> {
    match v.opt(k) {
        Some(s) if !crate::pubid::Codec::well_formed(s.trim()) => svc.find_person(ctx, k, &s),
        _ => v.id(k),
    }
}

/// The unit a form names: a list's token, or a search box's unit name.
fn unit_of<S: Store>(
    svc: &Service<S>,
    ctx: &Ctx,
    v: &Vals,
    k: &str,
) -> Result<Option<Id>, CoreError> {
    match v.opt(k) {
        Some(s) if !crate::pubid::Codec::well_formed(s.trim()) => svc.find_unit(ctx, k, &s),
        _ => v.id(k),
    }
}

fn item_url(id: Id) -> String {
    format!("/items/{}", Pid(id))
}

/// Parses the form into the act's command and calls the service. Returns where to go next.
fn run<S: Store>(
    svc: &Service<S>,
    ctx: &Ctx,
    code: ActKind,
    v: &Vals,
) -> Result<String, CoreError> {
    let date = v.date("date")?;
    Ok(match code {
        ActKind::Propose => {
            let i = svc.propose(
                ctx,
                ProposeCmd {
                    carrier: parse_code(v, "carrier")?,
                    electronic: v.check("electronic"),
                    doc_type: v.text("doc_type"),
                    summary: v.opt("summary"),
                    summary_consent_ref: v.opt("summary_consent_ref"),
                    level: v.level("level")?,
                    field: v.opt("field"),
                    catalogue_item_id: v.id("catalogue_item_id")?,
                    recipients: v.lines("recipients"),
                    copies_issued: v.num("copies_issued")?.unwrap_or(1),
                    copy_allowed: v.check("copy_allowed"),
                    circulation: v.text("circulation"),
                    unit_id: unit_of(svc, ctx, v, "unit_id")?,
                    location: v.text("location"),
                    shorter_expiry: v.date("shorter_expiry")?,
                    date,
                },
            )?;
            item_url(i.id)
        }
        ActKind::DecideClassification => {
            let approve = approve_of(v)?;
            let i = svc.decide_classification(
                ctx,
                DecideClassificationCmd {
                    item_id: v.req_id("item")?,
                    approve,
                    level: Level::from_code(v.get("level")),
                    copy_allowed: Some(v.check("copy_allowed")),
                    circulation: v.opt("circulation"),
                    catalogue_item_id: v.id("catalogue_item_id")?,
                    decision_ref: v.opt("decision_ref"),
                    reason: v.opt("reason"),
                    date,
                },
            )?;
            item_url(i.id)
        }
        ActKind::RegisterOutgoing => {
            let (i, _) = svc.register_outgoing(
                ctx,
                RegisterOutgoingCmd {
                    item_id: v.req_id("item")?,
                    number_symbol: v.text("number_symbol"),
                    signer: v.text("signer"),
                    unit_kept: v.opt("unit_kept"),
                    note: v.opt("note"),
                    recipients: Some(v.lines("recipients")),
                    quantity: v.num("quantity")?,
                    date,
                },
            )?;
            item_url(i.id)
        }
        ActKind::ReceiveIncoming => {
            let (i, _) = svc.receive_incoming(
                ctx,
                ReceiveIncomingCmd {
                    issuer: v.text("issuer"),
                    number_symbol: v.text("number_symbol"),
                    doc_date: v.date("doc_date")?,
                    doc_type: v.text("doc_type"),
                    summary: v.opt("summary"),
                    summary_consent_ref: v.opt("summary_consent_ref"),
                    level: v.level("level")?,
                    carrier: parse_code(v, "carrier")?,
                    electronic: v.check("electronic"),
                    copies: v.num("copies")?,
                    copy_allowed: v.check("copy_allowed"),
                    expiry: v.date("expiry")?,
                    named_recipient_id: person_of(svc, ctx, v, "named_recipient_id")?,
                    urgent: v.check("urgent"),
                    recall_due: v.date("recall_due")?,
                    unit_id: unit_of(svc, ctx, v, "unit_id")?,
                    location: v.text("location"),
                    note: v.opt("note"),
                    date,
                },
            )?;
            item_url(i.id)
        }
        ActKind::HandOver => {
            let item_id = v.req_id("item")?;
            svc.hand_over(
                ctx,
                HandOverCmd {
                    item_id,
                    to_user_id: person_of(svc, ctx, v, "to_user_id")?,
                    to_name: v.opt("to_name"),
                    quantity: v.num("quantity")?.unwrap_or(1),
                    note: v.opt("note"),
                    date,
                },
            )?;
            item_url(item_id)
        }
        ActKind::Acknowledge => {
            let e = svc.acknowledge(
                ctx,
                AcknowledgeCmd {
                    entry_id: v.req_id("entry")?,
                    on_paper_signer: v.opt("on_paper_signer"),
                },
            )?;
            e.item_id.map(item_url).unwrap_or_else(|| "/".into())
        }
        ActKind::RecallReturn => {
            let i = svc.record_recall_return(ctx, v.req_id("item")?, date)?;
            item_url(i.id)
        }
        ActKind::CancelEntry => {
            let e = svc.cancel_entry(ctx, v.req_id("entry")?, &v.text("reason"))?;
            format!("/registers/{}/{}", e.kind.code(), e.year)
        }
        ActKind::RequestCopy => {
            let r = svc.request_copy(
                ctx,
                CopyRequestCmd {
                    item_id: v.req_id("item")?,
                    form: parse_code(v, "form")?,
                    count: v.num("count")?.unwrap_or(0),
                    purpose: v.text("purpose"),
                    recipients: v.lines("recipients"),
                    date,
                },
            )?;
            req_url(&r)
        }
        ActKind::RequestTakeOut => {
            let r = svc.request_take_out(
                ctx,
                TakeOutCmd {
                    item_id: v.req_id("item")?,
                    abroad: v.check("abroad"),
                    purpose: v.text("purpose"),
                    place: v.text("place"),
                    from: v.req_date("from")?,
                    until: v.req_date("until")?,
                    measures: v.text("measures"),
                    delegation_head: v.opt("delegation_head"),
                    date,
                },
            )?;
            req_url(&r)
        }
        ActKind::RequestProvide => {
            let r = svc.request_provide(
                ctx,
                ProvideCmd {
                    item_id: v.req_id("item")?,
                    foreign: v.check("foreign"),
                    party: v.text("party"),
                    representative: v.text("representative"),
                    identity: v.text("identity"),
                    purpose: v.text("purpose"),
                    commitment: v.check("commitment"),
                    date,
                },
            )?;
            req_url(&r)
        }
        ActKind::RequestDestroy => {
            let r = svc.request_destroy(
                ctx,
                DestroyCmd {
                    item_ids: vec![v.req_id("item")?],
                    emergency: v.check("emergency"),
                    council: v.lines("council"),
                    council_decision_ref: v.opt("council_decision_ref"),
                    council_minutes_ref: v.opt("council_minutes_ref"),
                    method: v.text("method"),
                    place: v.text("place"),
                    date,
                },
            )?;
            req_url(&r)
        }
        ActKind::Decide => {
            let r = svc.decide(
                ctx,
                DecideCmd {
                    request_id: v.req_id("request")?,
                    approve: approve_of(v)?,
                    reason: v.opt("reason"),
                    external_ref: None,
                    external: match v.opt("external_number") {
                        Some(number) => Some(ExternalDecision {
                            number,
                            date: v.req_date("external_date")?,
                            signer: v.text("external_signer"),
                            attachment_id: v.req_id("external_attachment_id")?,
                        }),
                        None => None,
                    },
                    reference: v.opt("reference"),
                    date,
                },
            )?;
            req_url(&r)
        }
        ActKind::ProduceCopies => {
            let (r, _) = svc.produce_copies(
                ctx,
                ProduceCopiesCmd {
                    request_id: v.req_id("request")?,
                    count: v.num("count")?.unwrap_or(0),
                    spoilt_destroyed: v.num("spoilt_destroyed")?.unwrap_or(0),
                    operator: v.opt("operator"),
                    place: v.opt("place"),
                    date,
                },
            )?;
            req_url(&r)
        }
        ActKind::TakeOutReturn | ActKind::CompleteProvision | ActKind::RecordDestruction => {
            let c = CompleteCmd {
                request_id: v.req_id("request")?,
                report: v.opt("report"),
                minutes_ref: v.opt("minutes_ref"),
                performers: v.lines("performers"),
                date,
            };
            let r = if code == ActKind::TakeOutReturn {
                svc.record_take_out_return(ctx, c)?
            } else if code == ActKind::CompleteProvision {
                svc.complete_provision(ctx, c)?.0
            } else {
                svc.record_destruction(ctx, c)?.0
            };
            req_url(&r)
        }
        ActKind::Extend => {
            let years = v
                .num("years")?
                .ok_or_else(|| CoreError::invalid("years", "hãy nhập số năm"))?;
            let i = svc.extend(
                ctx,
                ExtendCmd {
                    item_id: v.req_id("item")?,
                    years: years as i32,
                    decision_ref: v.opt("decision_ref"),
                    originator_notice: v.opt("originator_notice"),
                    date,
                },
            )?;
            item_url(i.id)
        }
        ActKind::Adjust => {
            let i = svc.adjust(
                ctx,
                AdjustCmd {
                    item_id: v.req_id("item")?,
                    new_level: v.level("new_level")?,
                    catalogue_item_id: v.id("catalogue_item_id")?,
                    field: v.opt("field"),
                    decision_ref: v.opt("decision_ref"),
                    originator_notice: v.opt("originator_notice"),
                    date,
                },
            )?;
            item_url(i.id)
        }
        ActKind::Declassify => {
            let i = svc.declassify(
                ctx,
                DeclassifyCmd {
                    item_id: v.req_id("item")?,
                    council: v.lines("council"),
                    council_decision_ref: v.opt("council_decision_ref"),
                    council_minutes_ref: v.opt("council_minutes_ref"),
                    partial: v.check("partial"),
                    partial_scope: v.opt("partial_scope"),
                    decision_ref: v.opt("decision_ref"),
                    originator_notice: v.opt("originator_notice"),
                    date,
                },
            )?;
            item_url(i.id)
        }
        ActKind::NoticeDone => {
            let n = svc.notice_done(
                ctx,
                NoticeDoneCmd {
                    notice_id: v.req_id("notice")?,
                    reference: v.text("reference"),
                    date,
                },
            )?;
            item_url(n.item_id)
        }
    })
}

fn req_url(r: &Request) -> String {
    r.item_ids
        .first()
        .map(|i| item_url(*i))
        .unwrap_or_else(|| "/approvals".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bmnn_core::service::{ActDef, ActVisitor};
    use std::collections::BTreeSet;

    /// Fields of the API's command a page form does not hold, each with its reason.
    const API_ONLY: &[(ActKind, &str)] = &[
        // Older clients' bare reference of an outside decision; the page records the decision
        // itself (`external_*`: number, date, signer, scanned copy).
        (ActKind::Decide, "external_ref"),
    ];

    /// The field names a command's schema asks for: its properties, a nested object's as
    /// `{property}_{field}` (the page's flat names for the outside decision).
    fn command_fields<T: schemars::JsonSchema>() -> BTreeSet<String> {
        let mut settings = schemars::generate::SchemaSettings::draft2020_12();
        settings.inline_subschemas = true;
        let v = settings
            .into_generator()
            .into_root_schema_for::<T>()
            .to_value();
        let mut out = BTreeSet::new();
        for (k, p) in v["properties"].as_object().expect("an object command") {
            let alts = p["anyOf"].as_array().cloned().unwrap_or_default();
            let nested = std::iter::once(p)
                .chain(alts.iter())
                .find_map(|s| s["properties"].as_object().cloned());
            match nested {
                Some(props) => out.extend(props.keys().map(|f| format!("{k}_{f}"))),
                None => {
                    out.insert(k.clone());
                }
            }
        }
        out
    }

    /// Where act `a`'s page form and the fields `cmd` of its command differ (`None`: same).
    fn mismatch(a: ActKind, cmd: &BTreeSet<String>) -> Option<String> {
        let rules = RuleSet::embedded();
        let r = rules.regimes.last().expect("a regime");
        let mut form: BTreeSet<String> = fields(a, &Cx::default(), r, &Vals::default())
            .into_iter()
            .map(|f| f.name.to_string())
            .collect();
        // The object acted on travels as the form's hidden field; the command names it by its
        // id (`item` → `item_id`, or `item_ids` for a destruction of items).
        for (k, _) in hidden(a, &Vals::default()) {
            let id = [format!("{k}_id"), format!("{k}_ids")]
                .into_iter()
                .find(|f| cmd.contains(f))
                .unwrap_or_else(|| format!("{k}_id"));
            form.insert(id);
        }
        // "Duyệt" / "Không duyệt" give `approve`.
        if decided_by_buttons(a) {
            form.insert("approve".into());
        }
        for (act, f) in API_ONLY {
            if *act == a {
                form.insert(f.to_string());
            }
        }
        (form != *cmd).then(|| {
            format!(
                "{}: only on the form {:?}, only in the command {:?}",
                a.code(),
                form.difference(cmd).collect::<Vec<_>>(),
                cmd.difference(&form).collect::<Vec<_>>()
            )
        })
    }

    struct FormMatchesCommand(Vec<String>);

    impl ActVisitor for FormMatchesCommand {
        type Out = ();
        fn visit<A: ActDef>(&mut self) {
            self.0
                .extend(mismatch(A::KIND, &command_fields::<A::Cmd>()));
        }
    }

    /// Every act's page form holds exactly the fields of the command its definition names
    /// (the one the API's body is derived from): a field added to a command and not to its
    /// form, or a form field the command does not know, fails here.
    #[test]
    fn every_act_form_holds_exactly_its_commands_fields() {
        let mut check = FormMatchesCommand(Vec::new());
        for a in ActKind::ALL {
            a.visit(&mut check);
        }
        assert!(check.0.is_empty(), "{}", check.0.join("\n"));
        // The comparison does fail: a command with one more field, or another act's command.
        let mut more = command_fields::<NoticeDoneCmd>();
        assert!(mismatch(ActKind::NoticeDone, &more).is_none());
        more.insert("copies".into());
        let e = mismatch(ActKind::NoticeDone, &more).expect("a field missing from the form");
        assert!(e.contains("copies"), "{e}");
        assert!(mismatch(ActKind::Extend, &command_fields::<AdjustCmd>()).is_some());
        assert!(command_fields::<DecideCmd>().contains("external_number"));
    }
}
