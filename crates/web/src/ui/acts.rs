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
use bmnn_core::rules::{Act, Regime, RuleSet};
use bmnn_core::service::act_forms::{ActField, Entry, FormContext, Initial, Input, Options};
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
    let form = a.form();
    if form.needs_org() {
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
    if form.offers(Options::Signers) {
        // Offered to the clerk only; others meet the service's refusal when they submit.
        cx.outgoing = svc.outgoing_help(ctx).ok();
    }
    if form.offers(Options::Catalogue) {
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
    fn unit(
        &mut self,
        name: &'static str,
        label: &'static str,
        hint: String,
        cx: &Cx,
    ) -> &mut Self {
        if !cx.pick.is_some_and(|m| m.search_units) {
            return self.select(name, label, hint, ids(&cx.units), Some("— không chọn —"));
        }
        let pick = "Gõ vài chữ đầu của tên đơn vị rồi chọn; để trống: không chọn.";
        let hint = if hint.is_empty() {
            pick.to_string()
        } else {
            format!("{hint} {pick}")
        };
        self.f(name, "pick", label, hint, false);
        if let Some(last) = self.out.last_mut() {
            last.pick = "/pick/units".to_string();
        }
        self
    }
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

/// Acts decided by the two buttons "Duyệt" / "Không duyệt" (their form's `approve`).
fn decided_by_buttons(a: ActKind) -> bool {
    a.form().two_buttons()
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

/// The choices of a select field.
fn options(o: Options, cx: &Cx, r: &Regime, v: &Vals) -> Vec<(String, String)> {
    match o {
        Options::Choices(c) => c
            .iter()
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect(),
        Options::Levels => levels(),
        Options::Fields => fields_opts(r),
        Options::Catalogue => cat_opts(cx),
        Options::Users => ids(&cx.users),
        Options::Units => ids(&cx.units),
        Options::Attachments => ids(&cx.attachments),
        Options::Signers => signer_opts(cx, v),
    }
}

/// The outgoing form's suggestion of the next number, after the numbering hint.
fn next_number_hint(cx: &Cx) -> String {
    cx.outgoing.as_ref().map_or(String::new(), |h| {
        format!(
            " Số tiếp theo năm {}: {:02}{}.",
            h.year,
            h.next_number,
            h.last
                .as_ref()
                .map(|l| format!(" (số gần nhất: {l})"))
                .unwrap_or_default()
        )
    })
}

/// The fields of act `a`, from its definition (`ActKind::form`), filled from `v`; the hints
/// under regime `r` (the regime of the act's date).
fn fields(a: ActKind, cx: &Cx, r: &Regime, v: &Vals) -> Vec<Field> {
    let mut b = FB {
        v,
        out: Vec::new(),
        group: "",
    };
    for fd in a.form().fields() {
        b.group(fd.group);
        let mut hint = fd.hint(r);
        if fd.initial == Initial::NextNumber {
            hint.push_str(&next_number_hint(cx));
        }
        let (name, label, req) = (fd.name, fd.label, fd.required);
        match fd.input {
            Input::Text => b.f(name, "text", label, hint, req),
            Input::Area | Input::Lines => b.f(name, "area", label, hint, req),
            Input::Date => b.f(name, "date", label, hint, req),
            Input::Number => b.f(name, "number", label, hint, req),
            Input::Check => b.f(name, "check", label, hint, req),
            Input::Select { from, blank } => {
                b.select(name, label, hint, options(from, cx, r, v), blank)
            }
            Input::Person { blank } => b.person(name, label, hint, cx, blank),
            Input::Unit => b.unit(name, label, hint, cx),
        };
    }
    b.out
}

/// Initial values of a fresh form: each field's initial value in the act's definition, from
/// the object acted on and the service's suggestions.
fn defaults(a: ActKind, cx: &Cx, r: &Regime) -> Vals {
    let fc = FormContext {
        item: cx.item.as_ref(),
        request: cx.request.as_ref(),
        outgoing: cx.outgoing.as_ref(),
    };
    let mut v = Vals::default();
    for fd in a.form().fields() {
        if let Some(x) = fd.initial.value(fc, r) {
            v.0.insert(fd.name.to_string(), x);
        }
    }
    v
}

/// The authority rules an act's form is about: (acts, levels) — the acts its definition
/// names, for the level of the object acted on (or every level).
fn rule_keys(a: ActKind, cx: &Cx) -> (Vec<Act>, Vec<Level>) {
    let acts = a.form().authority_acts(cx.request.as_ref());
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

/// Where the page goes once the act is done.
fn landing_url(l: Landing) -> String {
    match l {
        Landing::Item(i) => item_url(i),
        Landing::Register(kind, year) => format!("/registers/{}/{year}", kind.code()),
        Landing::Approvals => "/approvals".into(),
        Landing::Home => "/".into(),
    }
}

/// How the names a form's person and unit fields hold become ids (the service resolves a
/// search box's text; a list's token is decoded).
trait Resolve {
    fn person(&self, v: &Vals, k: &str) -> Result<Option<Id>, CoreError>;
    fn unit(&self, v: &Vals, k: &str) -> Result<Option<Id>, CoreError>;
}

struct BySvc<'a, S: Store>(&'a Service<S>, &'a Ctx);

impl<S: Store> Resolve for BySvc<'_, S> {
    fn person(&self, v: &Vals, k: &str) -> Result<Option<Id>, CoreError> {
        person_of(self.0, self.1, v, k)
    }
    fn unit(&self, v: &Vals, k: &str) -> Result<Option<Id>, CoreError> {
        unit_of(self.0, self.1, v, k)
    }
}

/// What the command's schema says of a property: whether it takes `null` (an `Option`) and
/// whether it must be given (no serde default).
fn nullable(p: &serde_json::Value) -> bool {
    let is_null = |t: &serde_json::Value| {
        t == "null" || t.as_array().is_some_and(|a| a.iter().any(|x| x == "null"))
    };
    is_null(&p["type"])
        || ["anyOf", "oneOf"].iter().any(|k| {
            p[*k]
                .as_array()
                .is_some_and(|a| a.iter().any(|s| is_null(&s["type"])))
        })
}

/// The JSON value of one form field for a property of the command (`prop`: its schema;
/// `required`: it has no serde default). `Ok(None)`: leave the property out.
fn field_value(
    fd: &ActField,
    prop: &serde_json::Value,
    required: bool,
    v: &Vals,
    res: &dyn Resolve,
) -> Result<Option<serde_json::Value>, CoreError> {
    use serde_json::{Value, json};
    let k = fd.name;
    let null = nullable(prop);
    // An empty field: `null` for an `Option`, left out when the command has a default, else
    // the kind's own refusal (or the empty text, which the service refuses in its words).
    let empty = |missing: &str| -> Result<Option<Value>, CoreError> {
        if null {
            Ok(Some(Value::Null))
        } else if !required {
            Ok(None)
        } else {
            Err(CoreError::invalid(k, missing))
        }
    };
    let id = |x: Option<Id>| -> Result<Option<Value>, CoreError> {
        match x {
            Some(i) => Ok(Some(json!(i))),
            None => empty("hãy chọn một giá trị"),
        }
    };
    match fd.input {
        Input::Text | Input::Area => match v.opt(k) {
            Some(s) => Ok(Some(json!(s))),
            None if null || !required => empty(""),
            None => Ok(Some(json!(""))),
        },
        Input::Lines => Ok(Some(json!(v.lines(k)))),
        Input::Check => Ok(Some(json!(v.check(k)))),
        Input::Date => match v.date(k)? {
            Some(d) => Ok(Some(json!(d.to_string()))),
            None if fd.required || (required && !null) => {
                v.req_date(k).map(|d| Some(json!(d.to_string())))
            }
            None => empty(""),
        },
        Input::Number => match v.num(k)? {
            Some(n) => Ok(Some(json!(n))),
            None => empty("hãy nhập một số nguyên không âm"),
        },
        Input::Select { from, .. } => match from {
            Options::Levels => match v.opt(k) {
                None => empty("hãy chọn độ mật"),
                Some(_) => v.level(k).map(|l| Some(json!(l.code()))),
            },
            Options::Choices(c) => match v.opt(k) {
                None => empty("hãy chọn một giá trị trong danh sách"),
                Some(s) if c.iter().any(|(code, _)| *code == s) => Ok(Some(json!(s))),
                Some(_) => Err(CoreError::invalid(
                    k,
                    "hãy chọn một giá trị trong danh sách",
                )),
            },
            Options::Fields | Options::Signers => match v.opt(k) {
                Some(s) => Ok(Some(json!(s))),
                None if null || !required => empty(""),
                None => Ok(Some(json!(""))),
            },
            Options::Catalogue | Options::Attachments => id(v.id(k)?),
            Options::Users => id(res.person(v, k)?),
            Options::Units => id(res.unit(v, k)?),
        },
        Input::Person { .. } => id(res.person(v, k)?),
        Input::Unit => id(res.unit(v, k)?),
    }
}

/// The command of act `a` as JSON, from the page form `v`, by the act's definition: the
/// object acted on from the hidden field, `approve` from the button pressed, each field by its
/// input, a nested object from its `{field}_{part}` fields (left out when they are all empty).
fn form_json(
    a: ActKind,
    schema: &serde_json::Value,
    v: &Vals,
    res: &dyn Resolve,
) -> Result<serde_json::Value, CoreError> {
    use serde_json::{Map, Value, json};
    let props = &schema["properties"];
    let required = |o: &Value, k: &str| {
        o["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x == k))
    };
    let mut out = Map::new();
    for (name, e) in a.form().entries {
        match e {
            Entry::Object => {
                let (k, _) = hidden(a, v)
                    .into_iter()
                    .next()
                    .ok_or_else(|| CoreError::invalid(name, "hãy chọn một giá trị"))?;
                let id = v.req_id(k)?;
                let x = if name.ends_with("_ids") {
                    json!([id])
                } else {
                    json!(id)
                };
                out.insert(name.to_string(), x);
            }
            Entry::Buttons => {
                out.insert(name.to_string(), json!(approve_of(v)?));
            }
            Entry::ApiOnly => {}
            Entry::Field(fd) => {
                let fd = ActField { name, ..fd };
                if let Some(x) = field_value(&fd, &props[name], required(schema, name), v, res)? {
                    out.insert(name.to_string(), x);
                }
            }
            Entry::Nested(parts) => {
                if parts.iter().all(|p| v.opt(p.name).is_none()) {
                    continue;
                }
                // The nested object's own schema (inline, or the alternative that is one).
                let p = &props[name];
                let inner = std::iter::once(p)
                    .chain(p["anyOf"].as_array().into_iter().flatten())
                    .find(|s| s["properties"].is_object())
                    .cloned()
                    .unwrap_or(Value::Null);
                let mut obj = Map::new();
                for fd in &parts {
                    let key = fd.name.strip_prefix(&format!("{name}_")).unwrap_or(fd.name);
                    let prop = &inner["properties"][key];
                    if let Some(x) = field_value(fd, prop, required(&inner, key), v, res)? {
                        obj.insert(key.to_string(), x);
                    }
                }
                out.insert(name.to_string(), Value::Object(obj));
            }
        }
    }
    Ok(Value::Object(out))
}

/// The derived schema of a command, its subschemas inline (as the form reads it).
fn command_schema<T: schemars::JsonSchema>() -> serde_json::Value {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.inline_subschemas = true;
    settings
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

/// The command of act `A` from the page form.
fn form_command<A: ActDef>(v: &Vals, res: &dyn Resolve) -> Result<A::Cmd, CoreError> {
    // The act's date first: it picks the regime, and a wrong one is the first thing to say.
    v.date("date")?;
    let json = form_json(A::KIND, &command_schema::<A::Cmd>(), v, res)?;
    serde_json::from_value(json).map_err(|_| {
        CoreError::invalid(
            "",
            "thông tin nhập chưa đủ hoặc chưa đúng; hãy kiểm tra lại các trường",
        )
    })
}

/// Runs the act of the form: its command from the form, its service call, its landing.
struct RunForm<'a, S: Store> {
    svc: &'a Service<S>,
    ctx: &'a Ctx,
    v: &'a Vals,
}

impl<S: Store> ActVisitor for RunForm<'_, S> {
    type Out = Result<String, CoreError>;
    fn visit<A: ActDef>(&mut self) -> Self::Out {
        let cmd = form_command::<A>(self.v, &BySvc(self.svc, self.ctx))?;
        let out = A::run(self.svc, self.ctx, cmd)?;
        Ok(landing_url(A::landing(&out)))
    }
}

/// Parses the form into the act's command and calls the service. Returns where to go next.
fn run<S: Store>(svc: &Service<S>, ctx: &Ctx, a: ActKind, v: &Vals) -> Result<String, CoreError> {
    a.visit(&mut RunForm { svc, ctx, v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bmnn_core::service::act_defs::{Decide, HandOver, Propose, RequestCopy, RequestDestroy};

    /// Ids of forms read as the list's token (the service resolves a search box's text).
    struct ByToken;
    impl Resolve for ByToken {
        fn person(&self, v: &Vals, k: &str) -> Result<Option<Id>, CoreError> {
            v.id(k)
        }
        fn unit(&self, v: &Vals, k: &str) -> Result<Option<Id>, CoreError> {
            v.id(k)
        }
    }

    fn regime() -> Regime {
        RuleSet::embedded()
            .regimes
            .last()
            .expect("a regime")
            .clone()
    }

    /// The page form of act `a` with every field filled as a user would, and the object acted
    /// on (token of id 5), the "Duyệt" button pressed.
    fn filled(a: ActKind) -> Vals {
        let mut v = Vals::default();
        let token = Pid(5).to_string();
        for (k, _) in hidden(a, &Vals::default()) {
            v.0.insert(k.to_string(), token.clone());
        }
        v.0.insert("decision".into(), "approve".into());
        for fd in a.form().fields() {
            let x = match fd.input {
                Input::Text | Input::Area => "Nội dung".to_string(),
                Input::Lines => "Một\nHai".to_string(),
                Input::Date => "01/12/2026".to_string(),
                Input::Number => "2".to_string(),
                Input::Check => "on".to_string(),
                Input::Select { from, .. } => match from {
                    Options::Levels => "toi-mat".to_string(),
                    Options::Choices(c) => c[c.len() - 1].0.to_string(),
                    Options::Fields | Options::Signers => "Nội dung".to_string(),
                    Options::Catalogue | Options::Attachments | Options::Users | Options::Units => {
                        token.clone()
                    }
                },
                Input::Person { .. } | Input::Unit => token.clone(),
            };
            v.0.insert(fd.name.to_string(), x);
        }
        v
    }

    /// The form of act `A` as its command, back as JSON (what the service receives).
    fn command<A: ActDef>(v: &Vals) -> Result<serde_json::Value, CoreError> {
        form_command::<A>(v, &ByToken).map(|c| serde_json::to_value(c).expect("serialises"))
    }

    /// Every act's page form, filled in, becomes its command with each field's value; an
    /// empty one becomes it too, or is refused naming a field of the form (never a parse
    /// error of the command nobody can place).
    struct Converts(Vec<String>);
    impl ActVisitor for Converts {
        type Out = ();
        fn visit<A: ActDef>(&mut self) {
            let a = A::KIND;
            let v = filled(a);
            match command::<A>(&v) {
                Err(e) => self.0.push(format!("{}: {e:?}", a.code())),
                Ok(c) => {
                    for fd in a.form().fields() {
                        let got = match fd.name.split_once('_') {
                            Some((head, rest)) if c[head].is_object() => &c[head][rest],
                            _ => &c[fd.name],
                        };
                        if got.is_null() || got == false || got == "" {
                            self.0
                                .push(format!("{}: {} not carried: {c}", a.code(), fd.name));
                        }
                    }
                }
            }
            let mut empty = Vals::default();
            for k in ["item", "request", "entry", "notice", "decision"] {
                if let Some(x) = v.0.get(k) {
                    empty.0.insert(k.into(), x.clone());
                }
            }
            let names: Vec<&str> = a.form().fields().iter().map(|f| f.name).collect();
            if let Err(e) = command::<A>(&empty) {
                match e {
                    CoreError::Invalid { field, .. } if names.contains(&field.as_str()) => {}
                    other => self.0.push(format!("{} (empty): {other:?}", a.code())),
                }
            }
        }
    }

    #[test]
    fn every_act_form_becomes_its_command() {
        crate::pubid::install(&[0u8; 32]);
        let mut check = Converts(Vec::new());
        for a in ActKind::ALL {
            a.visit(&mut check);
        }
        assert!(check.0.is_empty(), "{}", check.0.join("\n"));
    }

    /// What the conversion gives for what a user leaves empty or types wrong: the command's
    /// default, `null` for an optional field, the form field's own refusal.
    #[test]
    fn form_values_follow_the_command_types() {
        crate::pubid::install(&[0u8; 32]);
        let mut v = filled(ActKind::HandOver);
        v.0.remove("quantity");
        v.0.remove("to_user_id");
        let c = command::<HandOver>(&v).expect("a handover");
        assert_eq!(c["quantity"], 1, "the command's default");
        assert!(c["to_user_id"].is_null());
        assert_eq!(c["item_id"], 5);
        assert_eq!(c["date"], "2026-12-01");
        v.0.insert("date".into(), "31/02/2026".into());
        match command::<HandOver>(&v) {
            Err(CoreError::Invalid { field, message }) => {
                assert_eq!(field, "date");
                assert!(message.contains("dd/mm/yyyy"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // A destruction names its item in a list; a decision without a button is refused.
        let d = command::<RequestDestroy>(&filled(ActKind::RequestDestroy)).expect("destroy");
        assert_eq!(d["item_ids"], serde_json::json!([5]));
        assert_eq!(d["council"], serde_json::json!(["Một", "Hai"]));
        let mut q = filled(ActKind::Decide);
        q.0.insert("decision".into(), "reject".into());
        assert_eq!(command::<Decide>(&q).expect("decide")["approve"], false);
        q.0.remove("decision");
        assert!(
            matches!(command::<Decide>(&q), Err(CoreError::Invalid { field, .. }) if field == "decision")
        );
        // The outside decision: left out when empty, its parts nested when given.
        let mut q = filled(ActKind::Decide);
        let full = command::<Decide>(&q).expect("decide");
        assert_eq!(full["external"]["number"], "Nội dung");
        assert_eq!(full["external"]["attachment_id"], 5);
        for k in [
            "external_number",
            "external_date",
            "external_signer",
            "external_attachment_id",
        ] {
            q.0.remove(k);
        }
        assert!(command::<Decide>(&q).expect("decide")["external"].is_null());
        // A choice outside the list and a missing level are refused on their field.
        let mut r = filled(ActKind::RequestCopy);
        r.0.insert("form".into(), "photocopy".into());
        assert!(
            matches!(command::<RequestCopy>(&r), Err(CoreError::Invalid { field, .. }) if field == "form")
        );
        let mut p = filled(ActKind::Propose);
        p.0.remove("level");
        assert!(
            matches!(command::<Propose>(&p), Err(CoreError::Invalid { field, .. }) if field == "level")
        );
        // An optional text left empty is no text at all (not an empty one).
        p.0.insert("level".into(), "mat".into());
        p.0.insert("summary".into(), "  ".into());
        assert!(command::<Propose>(&p).expect("propose")["summary"].is_null());
    }

    /// The page shows the definition's fields, in its order, with its labels, the regime's
    /// citations in the hints, and the initial values it names.
    #[test]
    fn pages_render_the_definitions() {
        crate::pubid::install(&[0u8; 32]);
        let r = regime();
        for a in ActKind::ALL {
            let form = a.form();
            let shown = fields(a, &Cx::default(), &r, &Vals::default());
            let want: Vec<(&str, &str)> = form.fields().iter().map(|f| (f.name, f.label)).collect();
            let got: Vec<(&str, &str)> = shown.iter().map(|f| (f.name, f.label)).collect();
            assert_eq!(got, want, "{}", a.code());
            assert_eq!(decided_by_buttons(a), form.two_buttons());
            assert_eq!(
                hidden(a, &Vals::default()).is_empty(),
                form.object_field().is_none(),
                "{}",
                a.code()
            );
            for f in &shown {
                assert!(!f.hint.contains('{'), "{} {}: {}", a.code(), f.name, f.hint);
            }
        }
        let copy = fields(ActKind::RequestCopy, &Cx::default(), &r, &Vals::default());
        assert!(
            copy[0]
                .hint
                .contains(&r.cite(bmnn_core::rules::Cite::Copy).basis)
        );
        assert_eq!(copy[0].kind, "select");
        assert_eq!(copy[0].opts.len(), 4);
        let v = defaults(ActKind::RequestCopy, &Cx::default(), &r);
        assert_eq!(v.get("form"), "sao-y");
        assert_eq!(v.get("count"), "1");
    }
}
