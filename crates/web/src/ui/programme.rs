//! Công tác bảo vệ BMNN: one page per programme record kind (`/programme/{kind}`: the records
//! of a year and a form to add one, with the follow-up acts as small forms on the list), the
//! printed forms (commitment, device wipe minutes) as DOCX, and the reports page
//! (`/programme/reports`: figures, written parts, DOCX/JSON, signed bundles up the chain).
//!
//! Every field shows its legal term and a short hint of the rule behind it; the rules
//! themselves are the service's (`bmnn_core::service::programme`) and the record types'
//! (`Record::check`). A refusal re-renders the page with its code and Vietnamese message and
//! keeps what was typed. Years and ids are the only things in URLs.

use super::guard::{
    DeferredCsrf, FormError, Me, read_multipart, refused_csrf, refused_slow_upload,
};
use super::pages::Opt;
use super::view::{L, Vals, call, d, error_page, pairs, render_status};
use crate::programme as prog;
use crate::pubid::Pid;
use crate::{AppState, WebError, ctx_for, today_vn};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bmnn_core::CoreError;
use bmnn_core::model::Id;
use bmnn_core::ports::Store;
use bmnn_core::programme::reports::ReportModel;
use bmnn_core::programme::{
    Commitment, Device, PlanTaskText, RecordKind, ReportDraftText, ReportKind, StaffAssignment,
    UnitKey,
};
use bmnn_core::rules::Regime;
use bmnn_core::service::{DraftOffer, EditRecordCmd, ReportQuery, SaveDraftCmd};
use serde::Deserialize;
use serde_json::{Map, Value, json};

// ---- Field specifications: one definition per kind, in core (`RecordKind::form`) ------------

use bmnn_core::programme::fields::{
    CHANNEL, Choices, DEVICE, DEVICE_STATUS, DIRECTION, DIRECTIVE, FieldDef as F, INCIDENT,
    INCIDENT_STATE, INSPECTION, Input as Ty, LEAVING, LEVEL, OCCASION, ORGANISED_BY, POST_KIND,
    RECEIVED, STAFF_MODE, STEERING_BODY, TRAINING,
};

const fn f(name: &'static str, label: &'static str, hint: &'static str, ty: Ty) -> F {
    F::new(name, label, hint, ty)
}

/// The form of a kind (core's one definition) and the legal hint of the page.
fn spec(kind: RecordKind) -> (&'static str, Vec<F>) {
    let form = kind.form();
    (form.intro, form.fields)
}

fn set_path(o: &mut Map<String, Value>, path: &str, v: Value) {
    match path.split_once('.') {
        None => {
            o.insert(path.to_string(), v);
        }
        Some((head, rest)) => {
            let e = o
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = e {
                set_path(m, rest, v);
            }
        }
    }
}

/// Translates the form into the record's JSON (dates dd/mm/yyyy → ISO). Bad input names the
/// field; the content's rules are checked by the service.
fn build(fields: &[F], v: &Vals) -> Result<Map<String, Value>, CoreError> {
    let iso = |d: time::Date| json!(format!("{d}"));
    let mut o = Map::new();
    let mut docs: Vec<(Option<&str>, u32)> = Vec::new();
    let mut in_catalogue = 0u32;
    for fl in fields {
        let k = fl.name;
        let val = match fl.input {
            Ty::Text => json!(v.text(k)),
            Ty::OptText => v.opt(k).map_or(Value::Null, Value::String),
            Ty::Date => iso(v.req_date(k)?),
            Ty::OptDate => v.date(k)?.map_or(Value::Null, iso),
            Ty::Number => json!(v.num(k)?.unwrap_or(0)),
            Ty::OptId => v.id(k)?.map_or(Value::Null, |i| json!(i)),
            Ty::Check => json!(v.check(k)),
            Ty::Select(c) => {
                let x = v.text(k);
                if !c.iter().any(|(code, _)| *code == x) {
                    return Err(CoreError::invalid(
                        k,
                        "hãy chọn một giá trị trong danh sách",
                    ));
                }
                json!(x)
            }
            Ty::Lines => json!(v.lines(k)),
            Ty::Units => Value::Array(
                v.lines(k)
                    .into_iter()
                    .map(|u| json!({ "unit": u }))
                    .collect(),
            ),
            Ty::Holders => {
                let mut out = Vec::new();
                for line in v.lines(k) {
                    let h = bmnn_core::programme::fields::parse_holder(&line)
                        .map_err(|m| CoreError::invalid(k, m))?;
                    out.push(
                        serde_json::to_value(h).map_err(|e| CoreError::Storage(e.to_string()))?,
                    );
                }
                Value::Array(out)
            }
            Ty::Triples => {
                let mut out = Vec::new();
                for line in v.lines(k) {
                    let parts: Vec<&str> = line.split('|').map(str::trim).collect();
                    let [text, unit, date] = parts[..] else {
                        return Err(CoreError::invalid(
                            k,
                            format!("dòng «{line}» phải có dạng: nội dung | đơn vị | dd/mm/yyyy"),
                        ));
                    };
                    let deadline = bmnn_core::dates::parse_date(date).ok_or_else(|| {
                        CoreError::invalid(k, format!("hạn «{date}» phải viết dd/mm/yyyy"))
                    })?;
                    out.push(
                        json!({"text": text, "unit": unit, "deadline": format!("{deadline}")}),
                    );
                }
                Value::Array(out)
            }
        };
        if let Some(level) = k.strip_prefix("docs.") {
            let n = val.as_u64().unwrap_or(0) as u32;
            match level {
                "in-catalogue" => in_catalogue = n,
                "unmarked" => docs.push((None, n)),
                l => docs.push((Some(l), n)),
            }
            continue;
        }
        set_path(&mut o, k, val);
    }
    if fields.iter().any(|fl| fl.name.starts_with("docs.")) {
        // The documents of an incident by level; the first ones are those in the catalogue.
        let mut list = Vec::new();
        for (level, n) in docs {
            for _ in 0..n {
                let cat = (list.len() as u32) < in_catalogue;
                list.push(json!({"level": level, "in_catalogue": cat, "item_id": null}));
            }
        }
        if (list.len() as u32) < in_catalogue {
            return Err(CoreError::invalid(
                "docs.in-catalogue",
                "số tài liệu thuộc danh mục lớn hơn tổng số tài liệu",
            ));
        }
        o.insert("documents".into(), Value::Array(list));
    }
    Ok(o)
}

// ---- Views --------------------------------------------------------------------------------

pub struct FieldView {
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: String,
    /// text, number, check, select, textarea
    pub input: &'static str,
    pub value: String,
    pub checked: bool,
    pub options: Vec<Opt>,
    pub placeholder: &'static str,
}

fn views(prefix: &str, fields: &[F], v: &Vals, r: Option<&Regime>) -> Vec<FieldView> {
    fields
        .iter()
        .map(|fl| {
            let value = v.get(fl.name).to_string();
            let (input, placeholder) = match fl.input {
                Ty::Text | Ty::OptText => ("text", ""),
                Ty::Date | Ty::OptDate => ("text", "dd/mm/yyyy"),
                Ty::Number => ("number", ""),
                Ty::OptId => ("text", ""),
                Ty::Check => ("check", ""),
                Ty::Select(_) => ("select", ""),
                Ty::Lines | Ty::Triples | Ty::Units | Ty::Holders => ("textarea", ""),
            };
            FieldView {
                id: format!("{prefix}-{}", fl.name.replace('.', "-")),
                name: fl.name.to_string(),
                label: fl.label.to_string(),
                hint: r.map_or_else(|| fl.hint.to_string(), |r| r.fill_citations(fl.hint)),
                input,
                checked: v.check(fl.name),
                options: match fl.input {
                    Ty::Select(c) => c.iter().map(|(k, l)| Opt::new(*k, *l, &value)).collect(),
                    _ => vec![],
                },
                value,
                placeholder,
            }
        })
        .collect()
}

/// A small follow-up form on a row of the list.
pub struct ActionView {
    pub url: String,
    pub label: String,
    pub button: String,
    pub fields: Vec<FieldView>,
    pub hidden: Vec<(String, String)>,
}

pub struct RowView {
    pub id: Pid,
    pub cells: Vec<String>,
    pub actions: Vec<ActionView>,
    pub links: Vec<(String, String)>,
    /// "Đã hủy ngày …: lý do" for a cancelled record.
    pub cancelled: Option<String>,
}

pub struct Refusal {
    pub code: String,
    pub message: String,
    /// What to do instead (`bmnn_core::error::next_step`).
    pub next: String,
}

impl Refusal {
    fn of(e: &CoreError) -> Refusal {
        let mut message = e.message_vi();
        if let CoreError::Invalid { field, .. } = e {
            message = format!("{message} (trường: {field})");
        }
        Refusal {
            code: e.code().to_string(),
            message,
            next: bmnn_core::error::next_step(e.code())
                .unwrap_or_default()
                .to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "programme.html")]
pub struct ProgrammePage {
    pub l: L,
    pub kind: String,
    pub label: String,
    pub intro: String,
    pub year: String,
    pub year_opts: Vec<Opt>,
    pub kinds: Vec<Opt>,
    pub headers: Vec<&'static str>,
    pub rows: Vec<RowView>,
    pub fields: Vec<FieldView>,
    pub error: Option<Refusal>,
    /// The add or edit form, if the service allows it to the caller.
    pub form: FormView,
}

/// The add or edit form of the page.
pub struct FormView {
    pub show: bool,
    pub title: String,
    pub action: String,
    pub button: String,
}

fn kind_tabs(current: &str) -> Vec<Opt> {
    prog::KINDS
        .iter()
        .map(|k| Opt::new(k.code(), k.label(), current))
        .collect()
}

fn year_opts(current: &str) -> Vec<Opt> {
    let this = today_vn().year();
    let mut v: Vec<Opt> = (this - 6..=this)
        .rev()
        .map(|y| Opt::new(y.to_string(), y.to_string(), current))
        .collect();
    v.push(Opt::new("all", "Tất cả các năm", current));
    v
}

fn s(v: &Value, k: &str) -> String {
    match &v[k] {
        Value::String(x) => x.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// An ISO date of the JSON as dd/mm/yyyy.
fn dt(v: &Value, k: &str) -> String {
    v[k].as_str()
        .and_then(bmnn_core::dates::parse_date)
        .map(bmnn_core::dates::fmt_vn)
        .unwrap_or_default()
}

fn label(c: Choices, code: &str) -> String {
    bmnn_core::programme::fields::choice_label(c, code)
}

/// A list of texts of the JSON, joined by "; ".
fn joined(v: &Value) -> String {
    v.as_array()
        .map(|u| {
            u.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

/// Who organised a training or an inspection; records without the field are the agency's own.
fn organised_by(r: &Value) -> String {
    label(ORGANISED_BY, r["organised_by"].as_str().unwrap_or("own"))
}

fn date_field(name: &'static str, label: &'static str) -> F {
    f(name, label, "dd/mm/yyyy; để trống là hôm nay.", Ty::OptDate)
}

fn action(kind: &str, id: Id, act: &str, label: &str, button: &str, fields: &[F]) -> ActionView {
    ActionView {
        url: format!("/programme/{kind}/{}/{act}", Pid(id)),
        label: label.to_string(),
        button: button.to_string(),
        fields: views(
            &format!("{act}-{}", Pid(id)),
            fields,
            &Vals::default(),
            None,
        ),
        hidden: vec![],
    }
}

/// Whether the service offers `act` on a stored record (its `acts`), for the entry `index`
/// of a list (remedy, task, subordinate unit) when given.
fn offers(st: &Value, act: &str, index: Option<usize>) -> bool {
    offered(st, act, index).next().is_some()
}

fn offered<'a>(
    st: &'a Value,
    act: &'a str,
    index: Option<usize>,
) -> impl Iterator<Item = &'a Value> + 'a {
    st["acts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(move |a| {
            a["act"] == act && index.is_none_or(|i| a["index"].as_u64() == Some(i as u64))
        })
}

/// Headers and rows of the list of a kind (from the records' JSON). Every act offered on a
/// row is one the service listed in the record's `acts`.
fn table(kind: RecordKind, list: &Value) -> (Vec<&'static str>, Vec<RowView>) {
    let code = kind.code();
    let mut rows = Vec::new();
    let headers: Vec<&'static str> = match kind {
        RecordKind::Staff => vec![
            "Họ và tên",
            "Chức vụ",
            "Chế độ",
            "Quyết định",
            "Thôi phân công",
        ],
        RecordKind::Commitment => vec!["Người cam kết", "Dịp", "Ngày ký", "Số, nơi lưu"],
        RecordKind::Training => vec![
            "Ngày",
            "Hình thức",
            "Đơn vị tổ chức",
            "Cơ quan / cấp dưới",
            "Đối tượng",
            "Số người",
        ],
        RecordKind::Directive => vec![
            "Ngày",
            "Ban hành / nhận",
            "Loại",
            "Số, ký hiệu",
            "Cơ quan",
            "Tên văn bản",
        ],
        RecordKind::Device => vec![
            "Số hiệu",
            "Loại",
            "Dùng cho BMNN từ",
            "Kiểm tra an ninh",
            "Tình trạng",
            "Xóa BMNN",
            "Cảnh báo",
        ],
        RecordKind::Equipment => vec!["Đơn vị", "Tính đến", "Con dấu", "Bộ con dấu", "Sổ"],
        RecordKind::Meeting => vec![
            "Ngày",
            "Cuộc họp",
            "Độ mật",
            "Địa điểm",
            "Tài liệu phát / thu hồi",
        ],
        RecordKind::Inspection => vec![
            "Ngày",
            "Hình thức",
            "Đoàn kiểm tra",
            "Cơ quan / cấp dưới",
            "Đơn vị",
            "Phát hiện",
            "Khắc phục",
        ],
        RecordKind::Incident => vec![
            "Phát hiện",
            "Lộ / mất",
            "Kênh",
            "Nơi xảy ra",
            "Số tài liệu",
            "Báo cáo đột xuất",
            "Tình trạng",
        ],
        RecordKind::LegacyReview => vec!["Ngày", "Đơn vị", "Rà soát", "Gia hạn", "Giải mật"],
        RecordKind::Plan => vec![
            "Năm",
            "Số, ký hiệu",
            "Ban hành",
            "Nhiệm vụ",
            "Đơn vị cấp dưới: kế hoạch, báo cáo nhận được",
        ],
        RecordKind::SteeringCommittee => {
            vec!["Đơn vị cấp dưới", "Tính đến", "Ban Chỉ đạo", "Quyết định"]
        }
        RecordKind::KeyPost => vec![
            "Cơ quan, bộ phận",
            "Vị trí",
            "Loại",
            "Tính đến",
            "Người đảm nhiệm: thẩm tra, cam kết, tập huấn",
        ],
        RecordKind::ReportDraft | RecordKind::UnitKey | RecordKind::UnitReport => vec![],
    };
    for st in list.as_array().into_iter().flatten() {
        let id = st["id"].as_i64().unwrap_or(0);
        let r = &st["record"];
        let mut actions = Vec::new();
        let mut links = Vec::new();
        let cells = match kind {
            RecordKind::Staff => {
                if offers(st, "end", None) {
                    actions.push(action(
                        code,
                        id,
                        "end",
                        "Thôi phân công (phải bàn giao, ký cam kết)",
                        "Ghi nhận thôi phân công",
                        &[
                            date_field("date", "Ngày thôi"),
                            f("reason", "Lý do", "", Ty::Select(LEAVING)),
                        ],
                    ));
                }
                vec![
                    s(r, "person"),
                    s(r, "position"),
                    label(STAFF_MODE, &s(r, "mode")),
                    format!("{} ngày {}", s(r, "decision_ref"), dt(r, "decision_date")),
                    match r["ended_on"].as_str() {
                        Some(_) => format!(
                            "{} ({})",
                            dt(r, "ended_on"),
                            label(LEAVING, &s(r, "end_reason"))
                        ),
                        None => String::new(),
                    },
                ]
            }
            RecordKind::Commitment => {
                links.push((
                    format!("/programme/commitment/{}/docx", Pid(id)),
                    "In bản cam kết (DOCX)".to_string(),
                ));
                vec![
                    s(r, "person"),
                    label(OCCASION, &s(r, "occasion")),
                    dt(r, "signed_on"),
                    s(r, "reference"),
                ]
            }
            RecordKind::Training => vec![
                dt(r, "date"),
                label(TRAINING, &s(r, "kind")),
                s(r, "organiser"),
                organised_by(r),
                s(r, "audience"),
                s(r, "participants"),
            ],
            RecordKind::Directive => vec![
                dt(r, "date"),
                label(DIRECTION, &s(r, "direction")),
                label(DIRECTIVE, &s(r, "kind")),
                s(r, "number_symbol"),
                s(r, "issuer"),
                s(r, "title"),
            ],
            RecordKind::Device => {
                let wipes = r["wipes"].as_array().cloned().unwrap_or_default();
                if !wipes.is_empty() {
                    links.push((
                        format!("/programme/device/{}/docx", Pid(id)),
                        "In biên bản xóa BMNN (DOCX)".to_string(),
                    ));
                }
                if offers(st, "wipe", None) {
                    actions.push(action(
                        code,
                        id,
                        "wipe",
                        "Xóa BMNN khỏi thiết bị (lập biên bản)",
                        "Ghi nhận đã xóa",
                        &[
                            date_field("date", "Ngày xóa"),
                            f(
                                "method",
                                "Phương pháp xóa",
                                "Ví dụ: ghi đè nhiều lần, hủy vật lý.",
                                Ty::Text,
                            ),
                            f("by", "Người thực hiện", "", Ty::Text),
                            f("minutes_ref", "Số biên bản", "", Ty::OptText),
                        ],
                    ));
                }
                if offers(st, "repurpose", None) {
                    actions.push(action(
                        code,
                        id,
                        "repurpose",
                        "Chuyển mục đích sử dụng — chỉ sau khi đã xóa BMNN",
                        "Chuyển mục đích",
                        &[
                            date_field("date", "Ngày chuyển"),
                            f("new_use", "Mục đích sử dụng mới", "", Ty::Text),
                        ],
                    ));
                }
                if offers(st, "dispose", None) {
                    actions.push(action(
                        code,
                        id,
                        "dispose",
                        "Thanh lý — chỉ sau khi đã xóa BMNN",
                        "Thanh lý",
                        &[
                            date_field("date", "Ngày thanh lý"),
                            f(
                                "reference",
                                "Số quyết định, biên bản thanh lý",
                                "",
                                Ty::Text,
                            ),
                        ],
                    ));
                }
                vec![
                    s(r, "identity"),
                    label(DEVICE, &s(r, "kind")),
                    dt(r, "in_use_from"),
                    format!("{} {}", dt(r, "inspected_on"), s(r, "stamp_ref"))
                        .trim()
                        .to_string(),
                    label(DEVICE_STATUS, &s(r, "status")),
                    wipes
                        .iter()
                        .map(|w| format!("{} ({})", dt(w, "date"), s(w, "by")))
                        .collect::<Vec<_>>()
                        .join("; "),
                    s(r, "warning"),
                ]
            }
            RecordKind::Equipment => vec![
                s(r, "unit"),
                dt(r, "as_of"),
                s(r, "stamps"),
                s(r, "stamp_sets"),
                s(r, "registers"),
            ],
            RecordKind::Meeting => vec![
                dt(r, "date"),
                s(r, "name"),
                label(LEVEL, &s(r, "level")),
                s(r, "venue"),
                format!(
                    "{} / {}",
                    s(r, "documents_issued"),
                    s(r, "documents_returned")
                ),
            ],
            RecordKind::Inspection => {
                let remedies = r["remedies"].as_array().cloned().unwrap_or_default();
                for (i, m) in remedies.iter().enumerate() {
                    if offers(st, "remedy-done", Some(i)) {
                        let mut a = action(
                            code,
                            id,
                            "remedy-done",
                            &format!("Đã khắc phục: {} ({})", s(m, "text"), s(m, "unit")),
                            "Ghi nhận đã khắc phục",
                            &[date_field("date", "Ngày khắc phục")],
                        );
                        a.hidden.push(("remedy".into(), i.to_string()));
                        actions.push(a);
                    }
                }
                links.push((
                    format!(
                        "/programme/reports?kind=inspection-conclusion&year={}&inspection={}",
                        s(r, "date").get(..4).unwrap_or(""),
                        Pid(id)
                    ),
                    "Kết luận kiểm tra".to_string(),
                ));
                let listed = joined(&r["units"]);
                vec![
                    dt(r, "date"),
                    label(INSPECTION, &s(r, "kind")),
                    s(r, "inspector"),
                    organised_by(r),
                    match r["units_count"].as_u64().filter(|n| *n > 0) {
                        Some(n) if listed.is_empty() => format!("{n} đơn vị"),
                        Some(n) => format!("{n} đơn vị: {listed}"),
                        None => listed,
                    },
                    joined(&r["findings"]),
                    remedies
                        .iter()
                        .map(|m| {
                            format!(
                                "{} — {} — hạn {}{}",
                                s(m, "text"),
                                s(m, "unit"),
                                dt(m, "deadline"),
                                if m["done_on"].is_null() {
                                    String::new()
                                } else {
                                    format!(", xong {}", dt(m, "done_on"))
                                }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            }
            RecordKind::Incident => {
                if offers(st, "reported", None) {
                    actions.push(action(
                        code,
                        id,
                        "reported",
                        "Báo cáo đột xuất đã gửi",
                        "Ghi nhận đã gửi",
                        &[
                            date_field("date", "Ngày gửi"),
                            f("reference", "Số, ký hiệu báo cáo", "", Ty::Text),
                            f("to", "Nơi nhận", "Ví dụ: Công an tỉnh (PA03).", Ty::Text),
                        ],
                    ));
                }
                links.push((
                    format!(
                        "/programme/reports?kind=incident&year={}&incident={}",
                        s(r, "discovered_on").get(..4).unwrap_or(""),
                        Pid(id)
                    ),
                    "Báo cáo đột xuất".to_string(),
                ));
                vec![
                    dt(r, "discovered_on"),
                    label(INCIDENT, &s(r, "kind")),
                    label(CHANNEL, &s(r, "channel")),
                    s(r, "place"),
                    r["documents"]
                        .as_array()
                        .map(|x| x.len())
                        .unwrap_or(0)
                        .to_string(),
                    match &r["adhoc_report"] {
                        Value::Null => "Chưa gửi".to_string(),
                        x => format!("{} ngày {}", s(x, "reference"), dt(x, "date")),
                    },
                    {
                        let state =
                            label(INCIDENT_STATE, r["state"].as_str().unwrap_or("verifying"));
                        match (dt(r, "state_on"), s(r, "outcome")) {
                            (on, out) if on.is_empty() && out.is_empty() => state,
                            (on, out) if on.is_empty() => format!("{state}: {out}"),
                            (on, out) => format!("{state} ngày {on}: {out}"),
                        }
                    },
                ]
            }
            RecordKind::LegacyReview => vec![
                dt(r, "date"),
                s(r, "unit"),
                s(r, "reviewed"),
                s(r, "extended"),
                s(r, "declassified"),
            ],
            RecordKind::Plan => {
                let tasks = r["tasks"].as_array().cloned().unwrap_or_default();
                for (i, t) in tasks.iter().enumerate() {
                    if offers(st, "task-done", Some(i)) {
                        let mut a = action(
                            code,
                            id,
                            "task-done",
                            &format!("Hoàn thành: {} ({})", s(t, "text"), s(t, "unit")),
                            "Ghi nhận hoàn thành",
                            &[date_field("date", "Ngày hoàn thành")],
                        );
                        a.hidden.push(("task".into(), i.to_string()));
                        actions.push(a);
                    }
                }
                let subs = r["subordinates"].as_array().cloned().unwrap_or_default();
                let plan_due = dt(r, "subordinate_plan_due");
                for (i, u) in subs.iter().enumerate() {
                    let open: Vec<&str> = offered(st, "received", Some(i))
                        .filter_map(|a| a["what"].as_str())
                        .collect();
                    if !open.is_empty() {
                        let mut a = action(
                            code,
                            id,
                            "received",
                            &format!("{}: ghi nhận đã nhận kế hoạch / báo cáo", s(u, "unit")),
                            "Ghi nhận đã nhận",
                            &[
                                f("what", "Văn bản nhận được", "", Ty::Select(RECEIVED)),
                                date_field("date", "Ngày nhận"),
                            ],
                        );
                        a.fields[0]
                            .options
                            .retain(|o| open.contains(&o.value.as_str()));
                        a.hidden.push(("sub".into(), i.to_string()));
                        actions.push(a);
                    }
                }
                let sub_cell = subs
                    .iter()
                    .map(|u| {
                        let plan = match u["plan_received_on"].as_str() {
                            Some(_) => format!("kế hoạch nhận {}", dt(u, "plan_received_on")),
                            None if plan_due.is_empty() => "chưa gửi kế hoạch".to_string(),
                            None => format!("chưa gửi kế hoạch (hạn {plan_due})"),
                        };
                        let report = match u["report_received_on"].as_str() {
                            Some(_) => format!("báo cáo nhận {}", dt(u, "report_received_on")),
                            None => "chưa gửi báo cáo".to_string(),
                        };
                        format!("{}: {plan}, {report}", s(u, "unit"))
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                vec![
                    s(r, "year"),
                    s(r, "number_symbol"),
                    dt(r, "issued_on"),
                    tasks
                        .iter()
                        .map(|t| {
                            format!(
                                "{} — {} — hạn {}{}",
                                s(t, "text"),
                                s(t, "unit"),
                                dt(t, "deadline"),
                                if t["done_on"].is_null() {
                                    String::new()
                                } else {
                                    format!(", xong {}", dt(t, "done_on"))
                                }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    sub_cell,
                ]
            }
            RecordKind::SteeringCommittee => vec![
                s(r, "unit"),
                dt(r, "as_of"),
                label(STEERING_BODY, &s(r, "body")),
                match (s(r, "decision_ref"), dt(r, "decision_date")) {
                    (n, d) if n.is_empty() => d,
                    (n, d) if d.is_empty() => n,
                    (n, d) => format!("{n} ngày {d}"),
                },
            ],
            RecordKind::KeyPost => vec![
                s(r, "unit"),
                s(r, "post"),
                label(POST_KIND, &s(r, "kind")),
                dt(r, "as_of"),
                r["holders"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|h| {
                        let mut parts = Vec::new();
                        if !h["vetted_on"].is_null() {
                            parts.push(format!(
                                "thẩm tra {}: {}",
                                dt(h, "vetted_on"),
                                s(h, "vetting_result")
                            ));
                        }
                        if !h["committed_on"].is_null() {
                            parts.push(format!("cam kết {}", dt(h, "committed_on")));
                        }
                        if !h["trained_on"].is_null() {
                            parts.push(format!("tập huấn {}", dt(h, "trained_on")));
                        }
                        if parts.is_empty() {
                            s(h, "person")
                        } else {
                            format!("{} ({})", s(h, "person"), parts.join("; "))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ],
            RecordKind::ReportDraft | RecordKind::UnitKey | RecordKind::UnitReport => vec![],
        };
        if offers(st, "edit", None) {
            links.push((
                format!("/programme/{code}/{}/edit", Pid(id)),
                "Sửa hồ sơ".to_string(),
            ));
        }
        if offers(st, "cancel", None) {
            actions.push(action(
                code,
                id,
                "cancel",
                "Hủy hồ sơ (ghi lý do)",
                "Hủy hồ sơ",
                &[f(
                    "reason",
                    "Lý do hủy",
                    "Bắt buộc. Hồ sơ đã hủy vẫn được lưu nhưng không tính vào báo cáo.",
                    Ty::Text,
                )],
            ));
        }
        let cancelled = match &st["cancelled"] {
            Value::Null => None,
            c => Some(format!("Đã hủy ngày {}: {}", dt(c, "on"), s(c, "reason"))),
        };
        rows.push(RowView {
            id: Pid(id),
            cells,
            actions,
            links,
            cancelled,
        });
    }
    (headers, rows)
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
    ok: Option<String>,
}

fn year_range(year: &str) -> (Option<time::Date>, Option<time::Date>) {
    match year.parse::<i32>() {
        Ok(y) if (1900..=2199).contains(&y) => (
            time::Date::from_calendar_date(y, time::Month::January, 1).ok(),
            time::Date::from_calendar_date(y, time::Month::December, 31).ok(),
        ),
        _ => (None, None),
    }
}

/// The form's values of a stored record (the inverse of [`build`]): what the edit form shows.
fn form_values(fields: &[F], r: &Value) -> Vals {
    let vn = |v: &Value| {
        v.as_str()
            .and_then(bmnn_core::dates::parse_date)
            .map(bmnn_core::dates::fmt_vn)
            .unwrap_or_default()
    };
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let docs = list(&r["documents"]);
    let mut m = std::collections::BTreeMap::new();
    for fl in fields {
        let text = if let Some(level) = fl.name.strip_prefix("docs.") {
            let n = docs
                .iter()
                .filter(|d| match level {
                    "in-catalogue" => d["in_catalogue"] == json!(true),
                    "unmarked" => d["level"].is_null(),
                    l => d["level"] == json!(l),
                })
                .count();
            n.to_string()
        } else {
            let v = fl.name.split('.').fold(r, |v, k| &v[k]);
            match fl.input {
                Ty::Text | Ty::OptText | Ty::Select(_) => {
                    v.as_str().unwrap_or_default().to_string()
                }
                Ty::Date | Ty::OptDate => vn(v),
                Ty::Number => v.as_i64().map(|n| n.to_string()).unwrap_or_default(),
                Ty::OptId => v.as_i64().map(|i| Pid(i).to_string()).unwrap_or_default(),
                Ty::Check => if v.as_bool() == Some(true) { "on" } else { "" }.to_string(),
                Ty::Lines => list(v)
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect::<Vec<_>>()
                    .join("\n"),
                Ty::Units => list(v)
                    .iter()
                    .map(|u| s(u, "unit"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                Ty::Holders => list(v)
                    .into_iter()
                    .filter_map(|h| serde_json::from_value(h).ok())
                    .map(|h| bmnn_core::programme::fields::holder_line(&h))
                    .collect::<Vec<_>>()
                    .join("\n"),
                Ty::Triples => list(v)
                    .iter()
                    .map(|t| {
                        format!(
                            "{} | {} | {}",
                            s(t, "text"),
                            s(t, "unit"),
                            vn(&t["deadline"])
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            }
        };
        m.insert(fl.name.to_string(), text);
    }
    Vals(m)
}

// The page is drawn in one place for the list, the add form, the edit form and refusals.
#[allow(clippy::too_many_arguments)]
async fn records_page<S: Store>(
    st: &AppState<S>,
    me: &Me,
    kind: RecordKind,
    year: String,
    form: Vals,
    error: Option<CoreError>,
    ok: Option<&str>,
    editing: Option<Id>,
) -> Response {
    let ctx = ctx_for(me.user.id);
    let (from, to) = year_range(&year);
    let (list, caps) = match st
        .run(move |svc| {
            Ok((
                prog::list(svc, &ctx, kind, from, to)?,
                svc.programme_caps(&ctx)?,
            ))
        })
        .await
    {
        Ok(l) => l,
        // A refused write by someone who may not even read the records: the refusal itself.
        Err(e) => return error_page(me, &WebError(error.unwrap_or(e.0))),
    };
    let (intro, fields) = spec(kind);
    // Hints cite the regime in force today (the day the form is filled in).
    let regime = st.svc.rules.regime_for_or_first(today_vn());
    let (headers, rows) = table(kind, &list);
    let status = error
        .as_ref()
        .map(|e| WebError(e.clone()).status())
        .unwrap_or(StatusCode::OK);
    let (form, form_view) = match editing {
        None => (
            form,
            FormView {
                show: caps.add_records,
                title: format!("Thêm hồ sơ: {}", kind.label()),
                action: format!("/programme/{}", kind.code()),
                button: "Thêm hồ sơ".to_string(),
            },
        ),
        Some(id) => {
            let stored =
                (list.as_array().into_iter().flatten()).find(|x| x["id"].as_i64() == Some(id));
            let values = match stored {
                Some(x) if form.0.is_empty() => form_values(&fields, &x["record"]),
                _ => form,
            };
            (
                values,
                FormView {
                    show: stored.is_some_and(|x| offers(x, "edit", None)),
                    title: format!("Sửa hồ sơ số {}: {}", Pid(id), kind.label()),
                    action: format!("/programme/{}/{}/edit", kind.code(), Pid(id)),
                    button: "Lưu thay đổi".to_string(),
                },
            )
        }
    };
    let page = ProgrammePage {
        l: L::new(me, "programme", kind.label()).with_flash(ok),
        kind: kind.code().to_string(),
        label: kind.label().to_string(),
        intro: regime.fill_citations(intro),
        year_opts: year_opts(&year),
        year,
        kinds: kind_tabs(kind.code()),
        headers,
        rows,
        fields: views("f", &fields, &form, Some(regime)),
        error: error.as_ref().map(Refusal::of),
        form: form_view,
    };
    render_status(status, &page)
}

fn this_year() -> String {
    today_vn().year().to_string()
}

fn see_other(to: &str) -> Response {
    let mut r = Redirect::to(to).into_response();
    *r.status_mut() = StatusCode::SEE_OTHER;
    r
}

fn not_found(me: &Me) -> Response {
    error_page(me, &WebError(CoreError::NotFound("loại hồ sơ")))
}

/// GET /programme/{kind}?year=
pub async fn page<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(kind): Path<String>,
    Query(q): Query<YearQuery>,
) -> Response {
    let Some(kind) = prog::kind_of(&kind) else {
        return not_found(&me);
    };
    let year = q.year.unwrap_or_else(this_year);
    records_page(
        &st,
        &me,
        kind,
        year,
        Vals::default(),
        None,
        q.ok.as_deref(),
        None,
    )
    .await
}

/// GET /programme/{kind}/{id}/edit: the kind's form filled with the record (shown only when
/// the service offers the edit).
pub async fn edit_page<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path((kind, crate::pubid::Pid(id))): Path<(String, crate::pubid::Pid)>,
) -> Response {
    let Some(kind) = prog::kind_of(&kind) else {
        return not_found(&me);
    };
    records_page(
        &st,
        &me,
        kind,
        "all".into(),
        Vals::default(),
        None,
        None,
        Some(id),
    )
    .await
}

/// POST /programme/{kind}: add a record.
pub async fn add<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(kind): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Some(kind) = prog::kind_of(&kind) else {
        return not_found(&me);
    };
    let v = Vals::from_pairs(pairs(&body));
    let (_, fields) = spec(kind);
    let mut record = match build(&fields, &v) {
        Ok(r) => r,
        Err(e) => return records_page(&st, &me, kind, this_year(), v, Some(e), None, None).await,
    };
    if kind == RecordKind::Device {
        record.insert("status".into(), json!("in-use"));
    }
    // The field holding the kind's key date; "as_of" before "decision_date" (a steering
    // committee is dated by the day of its record, not by its decision).
    let key_date = [
        "date",
        "as_of",
        "decision_date",
        "signed_on",
        "in_use_from",
        "discovered_on",
        "issued_on",
    ]
    .iter()
    .find_map(|k| {
        record
            .get(*k)
            .and_then(|x| x.as_str())
            .map(|x| x[..4].to_string())
    })
    .unwrap_or_else(this_year);
    let ctx = ctx_for(me.user.id);
    let cmd = json!({"unit_id": null, "record": Value::Object(record)});
    match st.run(move |svc| prog::add(svc, &ctx, kind, cmd)).await {
        Ok(_) => see_other(&format!(
            "/programme/{}?year={key_date}&ok=saved",
            kind.code()
        )),
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => records_page(&st, &me, kind, this_year(), v, Some(e.0), None, None).await,
    }
}

/// POST /programme/{kind}/{id}/edit: the kind's form, merged by the service over the record
/// (only the fields the form holds change).
pub async fn edit_save<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path((kind, crate::pubid::Pid(id))): Path<(String, crate::pubid::Pid)>,
    body: axum::body::Bytes,
) -> Response {
    let Some(kind) = prog::kind_of(&kind) else {
        return not_found(&me);
    };
    edit(&st, &me, kind, id, Vals::from_pairs(pairs(&body))).await
}

async fn edit<S: Store>(st: &AppState<S>, me: &Me, kind: RecordKind, id: Id, v: Vals) -> Response {
    let (_, fields) = spec(kind);
    let record = match build(&fields, &v) {
        Ok(r) => r,
        Err(e) => {
            return records_page(st, me, kind, "all".into(), v, Some(e), None, Some(id)).await;
        }
    };
    let ctx = ctx_for(me.user.id);
    let c = EditRecordCmd { record };
    match st.run(move |svc| prog::edit(svc, &ctx, kind, id, c)).await {
        Ok(_) => see_other(&format!("/programme/{}?year=all&ok=saved", kind.code())),
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => records_page(st, me, kind, "all".into(), v, Some(e.0), None, Some(id)).await,
    }
}

/// POST /programme/{kind}/{id}/{act}: an act on a record (cancel, or a follow-up).
pub async fn act<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path((kind, crate::pubid::Pid(id), act)): Path<(String, crate::pubid::Pid, String)>,
    body: axum::body::Bytes,
) -> Response {
    let Some(kind) = prog::kind_of(&kind) else {
        return not_found(&me);
    };
    let v = Vals::from_pairs(pairs(&body));
    let today = today_vn();
    let date =
        |k: &str| -> Result<String, CoreError> { Ok(format!("{}", v.date(k)?.unwrap_or(today))) };
    let idx = |k: &str| -> Result<u64, CoreError> {
        v.text(k)
            .parse::<u64>()
            .map_err(|_| CoreError::invalid(k, "giá trị không hợp lệ"))
    };
    let built: Result<(&str, Value), CoreError> = (|| {
        Ok(match (kind, act.as_str()) {
            (_, "cancel") => ("cancel", json!({"reason": v.text("reason")})),
            (RecordKind::Device, "wipe") => (
                "wipe",
                json!({"device_id": id, "wipe": {"date": date("date")?, "method": v.text("method"), "by": v.text("by"), "minutes_ref": v.opt("minutes_ref")}}),
            ),
            (RecordKind::Device, "repurpose") => (
                "repurpose",
                json!({"device_id": id, "date": date("date")?, "new_use": v.text("new_use")}),
            ),
            (RecordKind::Device, "dispose") => (
                "dispose",
                json!({"device_id": id, "date": date("date")?, "reference": v.text("reference")}),
            ),
            (RecordKind::Staff, "end") => (
                "end",
                json!({"staff_id": id, "date": date("date")?, "reason": v.text("reason")}),
            ),
            (RecordKind::Inspection, "remedy-done") => (
                "remedy-done",
                json!({"inspection_id": id, "remedy": idx("remedy")?, "date": date("date")?}),
            ),
            (RecordKind::Plan, "task-done") => (
                "task-done",
                json!({"plan_id": id, "task": idx("task")?, "date": date("date")?}),
            ),
            (RecordKind::Plan, "received") => (
                "received",
                json!({"plan_id": id, "index": idx("sub")?, "what": v.text("what"), "date": date("date")?}),
            ),
            (RecordKind::Incident, "reported") => (
                "reported",
                json!({"incident_id": id, "report": {"date": date("date")?, "reference": v.text("reference"), "to": v.text("to")}}),
            ),
            _ => return Err(CoreError::NotFound("thao tác")),
        })
    })();
    let (act, cmd) = match built {
        Ok(x) => x,
        Err(e) => {
            return records_page(
                &st,
                &me,
                kind,
                "all".into(),
                Vals::default(),
                Some(e),
                None,
                None,
            )
            .await;
        }
    };
    let ctx = ctx_for(me.user.id);
    let res = st
        .run(move |svc| -> Result<(), CoreError> {
            match act {
                "cancel" => prog::cancel(svc, &ctx, kind, id, prog::parse_cmd(cmd)?).map(drop),
                "wipe" => svc.record_wipe(&ctx, prog::parse_cmd(cmd)?).map(drop),
                "repurpose" => svc.repurpose_device(&ctx, prog::parse_cmd(cmd)?).map(drop),
                "dispose" => svc.dispose_device(&ctx, prog::parse_cmd(cmd)?).map(drop),
                "end" => svc.end_assignment(&ctx, prog::parse_cmd(cmd)?).map(drop),
                "remedy-done" => svc.remedy_done(&ctx, prog::parse_cmd(cmd)?).map(drop),
                "task-done" => svc.task_done(&ctx, prog::parse_cmd(cmd)?).map(drop),
                "received" => svc
                    .subordinate_received(&ctx, prog::parse_cmd(cmd)?)
                    .map(drop),
                "reported" => svc.incident_reported(&ctx, prog::parse_cmd(cmd)?).map(drop),
                _ => Err(CoreError::NotFound("thao tác")),
            }
        })
        .await;
    match res {
        Ok(()) => see_other(&format!("/programme/{}?year=all&ok=saved", kind.code())),
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => {
            records_page(
                &st,
                &me,
                kind,
                "all".into(),
                Vals::default(),
                Some(e.0),
                None,
                None,
            )
            .await
        }
    }
}

fn docx_download(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, prog::DOCX_TYPE.to_string()),
            (
                header::CONTENT_DISPOSITION,
                crate::download::disposition(name),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// GET /programme/{kind}/{id}/docx: the printed commitment form, or the minutes of the
/// device's latest wipe.
pub async fn form_docx<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path((kind, crate::pubid::Pid(id))): Path<(String, crate::pubid::Pid)>,
) -> Response {
    let ctx = ctx_for(me.user.id);
    let kind2 = kind.clone();
    let res = call(&st, &me, move |svc| {
        let agency = svc.agency(&ctx)?.unwrap_or(bmnn_core::model::Agency {
            name: "Cơ quan chưa đặt tên".into(),
            superior: None,
            place: "Hà Nội".into(),
            symbol: "CQ".into(),
        });
        let (form, date, name) = match kind2.as_str() {
            "commitment" => {
                let c = svc.get_record::<Commitment>(&ctx, id)?;
                let position = match c.record.staff_id {
                    Some(s) => Some(svc.get_record::<StaffAssignment>(&ctx, s)?.record.position),
                    None => None,
                };
                (
                    bmnn_core::programme::forms::commitment_form(
                        &c.record,
                        position.as_deref(),
                        &agency.symbol,
                        svc.rules.regime_for_or_first(c.record.signed_on),
                    ),
                    c.record.signed_on,
                    format!(
                        "Bản cam kết bảo vệ BMNN - {} - {}.docx",
                        c.record.person,
                        bmnn_core::dates::fmt_vn(c.record.signed_on).replace('/', "-")
                    ),
                )
            }
            "device" => {
                let dv = svc.get_record::<Device>(&ctx, id)?;
                let w = dv
                    .record
                    .wipes
                    .iter()
                    .max_by_key(|w| w.date)
                    .cloned()
                    .ok_or(CoreError::NotFound("biên bản xóa BMNN"))?;
                (
                    bmnn_core::programme::forms::wipe_form(
                        &dv.record,
                        &w,
                        &agency.name,
                        &agency.symbol,
                        svc.rules.regime_for_or_first(w.date),
                    ),
                    w.date,
                    format!(
                        "Biên bản xóa BMNN ngày {}.docx",
                        bmnn_core::dates::fmt_vn(w.date).replace('/', "-")
                    ),
                )
            }
            _ => return Err(CoreError::NotFound("mẫu in")),
        };
        Ok((prog::docx(&prog::form_doc(&form, &agency, date))?, name))
    })
    .await;
    match res {
        Ok((bytes, name)) => docx_download(bytes, &name),
        Err(r) => r,
    }
}

// ---- Reports -----------------------------------------------------------------------------

pub struct SectionView {
    pub code: String,
    pub heading: String,
    /// Sentences with footnote marks (superscript numbers).
    pub facts: Vec<String>,
    pub tables: Vec<bmnn_core::programme::reports::Table>,
    pub narrative: String,
}

pub struct UnitView {
    pub unit: String,
    pub received: String,
    pub on_time: &'static str,
}

#[derive(Template)]
#[template(path = "programme_reports.html")]
pub struct ReportsPage {
    pub l: L,
    pub kind: String,
    pub year: String,
    pub incident: String,
    pub inspection: String,
    pub kind_opts: Vec<Opt>,
    pub has_model: bool,
    pub title: String,
    pub opening: String,
    pub footnotes: Vec<(u32, String)>,
    pub period: String,
    pub due: String,
    /// The report's own settings (empty: the default the kind gives).
    pub set_title: String,
    pub set_opening: String,
    pub set_place: String,
    pub set_date: String,
    pub set_from: String,
    pub set_to: String,
    pub regime: String,
    pub confirmed: bool,
    pub notes: Vec<String>,
    pub sections: Vec<SectionView>,
    pub units: Vec<UnitView>,
    pub from_previous_year: bool,
    pub number: String,
    pub recipients: String,
    pub signer_authority: String,
    pub signer_position: String,
    pub signer_name: String,
    pub keys: Vec<(String, String, String)>,
    pub query: String,
    pub can_bundle: bool,
    pub can_keep: bool,
    pub error: Option<Refusal>,
    /// The annual plan: its tasks (group, text, unit, deadline) and their edit box.
    pub is_plan: bool,
    pub plan_tasks: Vec<(String, String, String, String)>,
    pub plan_tasks_text: String,
    /// The caller may issue the plan now (the service says).
    pub plan_open: bool,
    /// "số …, ngày …" of the issued plan, and its record.
    pub plan_issued: String,
    pub plan_id: String,
}

#[derive(Deserialize, Default)]
pub struct ReportQ {
    kind: Option<String>,
    year: Option<String>,
    incident: Option<String>,
    inspection: Option<String>,
    ok: Option<String>,
}

struct ReportData {
    model: Result<ReportModel, CoreError>,
    offer: Option<DraftOffer>,
    keys: Vec<bmnn_core::programme::Stored<UnitKey>>,
    /// The caller may register keys and receive bundles (the service says).
    can_keep: bool,
    plan: Option<bmnn_core::service::PlanIssue>,
}

async fn reports_page<S: Store>(
    st: &AppState<S>,
    me: &Me,
    q: ReportQ,
    error: Option<CoreError>,
) -> Response {
    let kind = q
        .kind
        .as_deref()
        .and_then(prog::report_kind)
        .unwrap_or(ReportKind::Annual);
    let year = q
        .year
        .as_deref()
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| (2000..=2199).contains(y))
        .unwrap_or_else(|| today_vn().year());
    let incident = q
        .incident
        .as_deref()
        .filter(|i| !i.trim().is_empty())
        .map(|i| crate::pubid::decode(i.trim()));
    let inspection = q
        .inspection
        .as_deref()
        .filter(|i| !i.trim().is_empty())
        .map(|i| crate::pubid::decode(i.trim()));
    let ctx = ctx_for(me.user.id);
    let data = st
        .run(move |svc| {
            let query = ReportQuery {
                kind,
                year,
                incident_id: incident,
                inspection_id: inspection,
            };
            let model = svc.report(&ctx, query);
            if let Err(e @ (CoreError::Forbidden(_) | CoreError::Unauthenticated)) = &model {
                return Err(e.clone());
            }
            let offer = match &model {
                Ok(m) => {
                    Some(svc.report_draft(&ctx, kind, year, m.incident_id.or(m.inspection_id))?)
                }
                Err(_) => None,
            };
            let can_keep = svc.programme_caps(&ctx)?.receive_bundles;
            let keys = if can_keep {
                svc.list_records::<UnitKey>(&ctx, None, None)?
            } else {
                vec![]
            };
            let plan = if kind == ReportKind::AnnualPlan {
                Some(svc.plan_issue(&ctx, year)?)
            } else {
                None
            };
            Ok(ReportData {
                model,
                offer,
                keys,
                can_keep,
                plan,
            })
        })
        .await;
    let data = match data {
        Ok(d) => d,
        Err(e) => return error_page(me, &e),
    };
    let error = error.or_else(|| data.model.as_ref().err().cloned());
    let m = data.model.ok();
    let offer = data.offer.unwrap_or(DraftOffer {
        text: ReportDraftText::default(),
        from_previous_year: false,
        draft_id: None,
    });
    let t = &offer.text;
    let incident_id = m.as_ref().and_then(|m| m.incident_id).or(incident);
    let inspection_id = m.as_ref().and_then(|m| m.inspection_id).or(inspection);
    let query = match (incident_id, inspection_id) {
        (Some(i), _) => format!("?incident={}", Pid(i)),
        (None, Some(i)) => format!("?inspection={}", Pid(i)),
        (None, None) => String::new(),
    };
    let status = error
        .as_ref()
        .map(|e| WebError(e.clone()).status())
        .filter(|_| m.is_none() || error.is_some())
        .unwrap_or(StatusCode::OK);
    let page = ReportsPage {
        l: L::new(me, "programme", "Báo cáo công tác bảo vệ BMNN").with_flash(q.ok.as_deref()),
        kind: kind.code().to_string(),
        year: year.to_string(),
        incident: incident_id.map(|i| Pid(i).to_string()).unwrap_or_default(),
        inspection: inspection_id
            .map(|i| Pid(i).to_string())
            .unwrap_or_default(),
        kind_opts: prog::REPORT_KINDS
            .iter()
            .map(|k| Opt::new(k.code(), k.label(), kind.code()))
            .collect(),
        has_model: m.is_some(),
        title: m.as_ref().map(|m| m.title.clone()).unwrap_or_default(),
        opening: m.as_ref().map(|m| m.opening.clone()).unwrap_or_default(),
        footnotes: m
            .as_ref()
            .map(|m| m.footnotes.iter().map(|f| (f.n, f.text.clone())).collect())
            .unwrap_or_default(),
        set_title: t.title.clone().unwrap_or_default(),
        set_opening: t.opening.clone().unwrap_or_default(),
        set_place: t.place.clone().unwrap_or_default(),
        set_date: d(t.date),
        set_from: d(t.period_start),
        set_to: d(t.period_end),
        period: m
            .as_ref()
            .map(|m| format!("{} – {}", d(Some(m.period.start)), d(Some(m.period.end))))
            .unwrap_or_default(),
        due: m.as_ref().map(|m| d(Some(m.due))).unwrap_or_default(),
        regime: m.as_ref().map(|m| m.regime.clone()).unwrap_or_default(),
        confirmed: m.as_ref().is_none_or(|m| m.confirmed),
        notes: m.as_ref().map(|m| m.notes.clone()).unwrap_or_default(),
        sections: m
            .as_ref()
            .map(|m| {
                m.sections
                    .iter()
                    .map(|s| SectionView {
                        code: s.code.clone(),
                        heading: s.heading.clone(),
                        facts: s.facts.clone(),
                        tables: s
                            .tables
                            .iter()
                            .filter(|t| !t.rows.is_empty())
                            .cloned()
                            .collect(),
                        narrative: t
                            .narrative
                            .get(&s.code)
                            .cloned()
                            .unwrap_or_else(|| s.narrative.clone()),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        units: m
            .as_ref()
            .map(|m| {
                m.units
                    .iter()
                    .map(|u| UnitView {
                        unit: u.unit.clone(),
                        received: d(u.received_on),
                        on_time: match (u.received_on, u.on_time) {
                            (None, _) => "Chưa gửi",
                            (Some(_), true) => "Đúng hạn",
                            (Some(_), false) => "Quá hạn",
                        },
                    })
                    .collect()
            })
            .unwrap_or_default(),
        from_previous_year: offer.from_previous_year,
        number: t.number.clone().unwrap_or_default(),
        recipients: t.recipients.join("\n"),
        signer_authority: t.signer_authority.clone().unwrap_or_default(),
        signer_position: t.signer_position.clone().unwrap_or_default(),
        signer_name: t.signer_name.clone().unwrap_or_default(),
        keys: data
            .keys
            .iter()
            .map(|k| {
                (
                    k.record.unit.clone(),
                    k.record.public_key.clone(),
                    if k.record.revoked {
                        "Đã thay".to_string()
                    } else {
                        format!("Đăng ký {}", d(Some(k.record.registered_on)))
                    },
                )
            })
            .collect(),
        query,
        can_bundle: !matches!(kind, ReportKind::Incident | ReportKind::AnnualPlan),
        can_keep: data.can_keep,
        error: error.as_ref().map(Refusal::of),
        is_plan: kind == ReportKind::AnnualPlan,
        plan_tasks: m
            .as_ref()
            .map(|m| {
                m.tasks
                    .iter()
                    .map(|t| (t.group.clone(), t.text.clone(), t.unit.clone(), t.when_vn()))
                    .collect()
            })
            .unwrap_or_default(),
        plan_tasks_text: m
            .as_ref()
            .map(|m| PlanTaskText::to_lines(&m.tasks))
            .unwrap_or_default(),
        plan_open: data.plan.as_ref().is_some_and(|p| p.open),
        plan_issued: data
            .plan
            .as_ref()
            .and_then(|p| {
                p.issued_on.map(|on| {
                    format!(
                        "số {}, ngày {}",
                        p.number_symbol.clone().unwrap_or_default(),
                        d(Some(on))
                    )
                })
            })
            .unwrap_or_default(),
        plan_id: data
            .plan
            .as_ref()
            .and_then(|p| p.plan_id)
            .map(|i| Pid(i).to_string())
            .unwrap_or_default(),
    };
    render_status(status, &page)
}

/// GET /programme/reports?kind=&year=&incident=
pub async fn reports<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Query(q): Query<ReportQ>,
) -> Response {
    reports_page(&st, &me, q, None).await
}

/// The report page again; `record`: the `incident=…` or `inspection=…` it is about.
fn back(kind: &str, year: &str, record: Option<String>, ok: &str) -> String {
    let mut u = format!("/programme/reports?kind={kind}&year={year}");
    if let Some(r) = record {
        u.push('&');
        u.push_str(&r);
    }
    u.push_str(&format!("&ok={ok}"));
    u
}

/// The record a report form is about, as a query parameter (`incident=…`, `inspection=…`).
fn record_param(v: &Vals) -> Option<String> {
    (v.opt("incident").map(|i| format!("incident={i}")))
        .or_else(|| v.opt("inspection").map(|i| format!("inspection={i}")))
}

/// POST /programme/reports/draft: save the written parts.
pub async fn save_draft<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    body: axum::body::Bytes,
) -> Response {
    let v = Vals::from_pairs(pairs(&body));
    let q = ReportQ {
        kind: v.opt("kind"),
        year: v.opt("year"),
        incident: v.opt("incident"),
        inspection: v.opt("inspection"),
        ok: None,
    };
    let parsed: Result<SaveDraftCmd, CoreError> = (|| {
        let kind = prog::report_kind(&v.text("kind"))
            .ok_or_else(|| CoreError::invalid("kind", "hãy chọn loại báo cáo"))?;
        let year = v
            .text("year")
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2199).contains(y))
            .ok_or_else(|| CoreError::invalid("year", "năm không hợp lệ"))?;
        let narrative =
            v.0.iter()
                .filter_map(|(k, x)| {
                    k.strip_prefix("narrative.")
                        .filter(|_| !x.trim().is_empty())
                        .map(|c| (c.to_string(), x.replace("\r\n", "\n").trim().to_string()))
                })
                .collect();
        Ok(SaveDraftCmd {
            kind,
            year,
            incident_id: v.id("incident")?,
            inspection_id: v.id("inspection")?,
            text: ReportDraftText {
                narrative,
                number: v.opt("number"),
                recipients: v.lines("recipients"),
                archive: None,
                signer_authority: v.opt("signer_authority"),
                signer_position: v.opt("signer_position"),
                signer_name: v.opt("signer_name"),
                period_start: v.date("period_start")?,
                period_end: v.date("period_end")?,
                title: v.opt("title"),
                place: v.opt("place"),
                date: v.date("date")?,
                opening: v.opt("opening"),
                tasks: if kind == ReportKind::AnnualPlan {
                    PlanTaskText::parse_lines(&v.text("tasks"), year)?
                } else {
                    Vec::new()
                },
            },
        })
    })();
    let c = match parsed {
        Ok(c) => c,
        Err(e) => return reports_page(&st, &me, q, Some(e)).await,
    };
    let ctx = ctx_for(me.user.id);
    match st.run(move |svc| svc.save_report_draft(&ctx, c)).await {
        // "Lưu và tải DOCX": one action, so the document always carries what was just typed.
        Ok(_) if v.text("then") == "docx" => see_other(&format!(
            "/programme/reports/{}/{}/docx{}",
            v.text("kind"),
            v.text("year"),
            record_param(&v)
                .map(|r| format!("?{r}"))
                .unwrap_or_default()
        )),
        Ok(_) => see_other(&back(
            &v.text("kind"),
            &v.text("year"),
            record_param(&v),
            "saved",
        )),
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => reports_page(&st, &me, q, Some(e.0)).await,
    }
}

/// POST /programme/reports/issue: ban hành kế hoạch năm (the service decides who may, and
/// refuses a second plan of the year).
pub async fn issue_plan<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    body: axum::body::Bytes,
) -> Response {
    let v = Vals::from_pairs(pairs(&body));
    let q = ReportQ {
        kind: Some("annual-plan".into()),
        year: v.opt("year"),
        ..Default::default()
    };
    let parsed: Result<bmnn_core::service::IssuePlanCmd, CoreError> = (|| {
        Ok(bmnn_core::service::IssuePlanCmd {
            year: v
                .text("year")
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=2199).contains(y))
                .ok_or_else(|| CoreError::invalid("year", "năm không hợp lệ"))?,
            number: v.opt("number"),
            date: v.date("date")?,
        })
    })();
    let c = match parsed {
        Ok(c) => c,
        Err(e) => return reports_page(&st, &me, q, Some(e)).await,
    };
    let ctx = ctx_for(me.user.id);
    match st.run(move |svc| svc.issue_plan(&ctx, c)).await {
        Ok(_) => see_other(&back("annual-plan", &v.text("year"), None, "issued")),
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => reports_page(&st, &me, q, Some(e.0)).await,
    }
}

/// POST /programme/reports/keys: register a subordinate unit's public key.
pub async fn register_key<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    body: axum::body::Bytes,
) -> Response {
    let v = Vals::from_pairs(pairs(&body));
    let q = ReportQ {
        kind: v.opt("kind"),
        year: v.opt("year"),
        ..Default::default()
    };
    let c = bmnn_core::service::RegisterKeyCmd {
        unit: v.text("unit"),
        public_key: v.text("public_key"),
    };
    let ctx = ctx_for(me.user.id);
    match st.run(move |svc| svc.register_unit_key(&ctx, c)).await {
        Ok(_) => see_other(&back(&v.text("kind"), &v.text("year"), None, "saved")),
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => reports_page(&st, &me, q, Some(e.0)).await,
    }
}

/// POST /programme/reports/bundles (multipart): `_csrf` first, then the bundle `file`.
pub async fn import_bundle<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    deferred: Option<axum::Extension<DeferredCsrf>>,
    mut mp: Multipart,
) -> Response {
    let parts = match read_multipart(deferred, &mut mp).await {
        Ok(p) => p,
        Err(FormError::Csrf) => return refused_csrf(),
        Err(FormError::TimedOut) => return refused_slow_upload(),
        Err(FormError::TooLarge) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "Tệp quá lớn.").into_response();
        }
        Err(FormError::Malformed) => {
            return (StatusCode::BAD_REQUEST, "Tệp tải lên không hợp lệ.").into_response();
        }
    };
    let mut file: Option<Vec<u8>> = None;
    let mut q = ReportQ::default();
    for p in parts {
        match p.name.as_str() {
            "file" => file = Some(p.bytes),
            "kind" => q.kind = String::from_utf8(p.bytes).ok(),
            "year" => q.year = String::from_utf8(p.bytes).ok(),
            _ => {}
        }
    }
    let Some(bytes) = file.filter(|f| !f.is_empty()) else {
        return reports_page(
            &st,
            &me,
            q,
            Some(CoreError::invalid("file", "hãy chọn tệp gói báo cáo")),
        )
        .await;
    };
    let ctx = ctx_for(me.user.id);
    match st.run(move |svc| svc.import_bundle(&ctx, &bytes)).await {
        Ok(_) => {
            let kind = q.kind.clone().unwrap_or_else(|| "annual".into());
            let year = q.year.clone().unwrap_or_else(this_year);
            see_other(&back(&kind, &year, None, "imported"))
        }
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => reports_page(&st, &me, q, Some(e.0)).await,
    }
}

#[derive(Deserialize)]
pub struct IncidentQ {
    incident: Option<Pid>,
    inspection: Option<Pid>,
}

/// GET /programme/reports/{kind}/{year}/{format}: docx, json, or the signed bundle.
pub async fn report_file<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path((kind, year, format)): Path<(String, i32, String)>,
    Query(iq): Query<IncidentQ>,
) -> Response {
    let Some(kind) = prog::report_kind(&kind) else {
        return not_found(&me);
    };
    let q = ReportQuery {
        kind,
        year,
        incident_id: iq.incident.map(Pid::id),
        inspection_id: iq.inspection.map(Pid::id),
    };
    let ctx = ctx_for(me.user.id);
    let key = st.cfg.report_signing_key;
    let fmt = format.clone();
    let res = st
        .run(move |svc| match fmt.as_str() {
            "docx" => prog::docx(&prog::report_doc(&svc.report(&ctx, q)?)),
            "json" => serde_json::to_vec_pretty(&svc.report(&ctx, q)?)
                .map_err(|e| CoreError::Storage(e.to_string())),
            "bundle" => prog::export_bundle(svc, &ctx, key, q),
            _ => Err(CoreError::NotFound("định dạng")),
        })
        .await;
    match res {
        Ok(bytes) => {
            let (ctype, ext) = match format.as_str() {
                "docx" => (prog::DOCX_TYPE, "docx"),
                _ => ("application/json", "json"),
            };
            let prefix = if format == "bundle" {
                "Gói ký số - "
            } else {
                ""
            };
            (
                [
                    (header::CONTENT_TYPE, ctype.to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        crate::download::disposition(&format!(
                            "{prefix}{}.{ext}",
                            crate::download::report_name(kind, year)
                        )),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => {
            // A refusal (e.g. no signing key) shows on the reports page, never an error page.
            let rq = ReportQ {
                kind: Some(kind.code().to_string()),
                year: Some(year.to_string()),
                incident: iq.incident.map(|i| i.to_string()),
                inspection: iq.inspection.map(|i| i.to_string()),
                ok: None,
            };
            if matches!(e.0, CoreError::Forbidden(_)) {
                return error_page(&me, &e);
            }
            reports_page(&st, &me, rq, Some(e.0)).await
        }
    }
}
