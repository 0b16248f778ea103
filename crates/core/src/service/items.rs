//! Classification, registration, receipt and handover of secret items.
//!
//! Outgoing flow (legal.md §5, §11.2): drafter proposes (level, catalogue basis, recipients,
//! number of copies, copy permission) → an authorised person decides → the clerk registers it
//! in the outgoing register (before it leaves) → hands it over with acknowledgement.
//! Incoming flow (§11.3): the clerk registers it in the incoming register (a "Chỉ người có tên
//! mới được bóc bì" envelope by its outer marks, unopened) → hands it to the handler, who
//! acknowledges → returns it by the due date when it is stamped "Tài liệu thu hồi".

use super::*;
use crate::access;
use crate::dates::{expiry, fmt_vn};
use crate::registers::{Ack, Cancellation, NewEntry, RegisterEntry, RegisterKind};
use crate::rules::TuyetMatSummary;
use crate::validate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Đề xuất xác định độ mật (ND26 Điều 2.1): what the drafter proposes.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProposeCmd {
    pub carrier: Carrier,
    #[serde(default)]
    pub electronic: bool,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub doc_type: String,
    pub summary: Option<String>,
    /// Văn bản đồng ý ghi trích yếu (Tuyệt mật, regime A).
    #[serde(default)]
    pub summary_consent_ref: Option<String>,
    pub level: Level,
    pub field: Option<String>,
    pub catalogue_item_id: Option<Id>,
    #[schemars(schema_with = "crate::schema::nonblank_list")]
    pub recipients: Vec<String>,
    #[schemars(range(min = 1, max = 10_000))]
    pub copies_issued: u32,
    pub copy_allowed: bool,
    #[serde(default)]
    pub circulation: String,
    pub unit_id: Option<Id>,
    #[serde(default)]
    pub location: String,
    /// Activities only: a shorter period written at classification (Law Điều 19.2).
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub shorter_expiry: Option<Date>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

/// Quyết định xác định độ mật.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DecideClassificationCmd {
    pub item_id: Id,
    pub approve: bool,
    /// The decided level when it differs from the proposal.
    pub level: Option<Level>,
    pub copy_allowed: Option<bool>,
    pub circulation: Option<String>,
    pub catalogue_item_id: Option<Id>,
    pub decision_ref: Option<String>,
    pub reason: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

/// Vào sổ đăng ký BMNN đi.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RegisterOutgoingCmd {
    pub item_id: Id,
    /// Số, ký hiệu in the agency's secret series (ND30 Điều 15.2).
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub number_symbol: String,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub signer: String,
    #[serde(default)]
    pub unit_kept: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Nơi nhận as issued (default: those of the classification decision).
    #[serde(default)]
    pub recipients: Option<Vec<String>>,
    /// Số lượng bản as issued (default: the decided number of copies).
    #[serde(default)]
    pub quantity: Option<u32>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

/// The outgoing form's suggestions: the next number of the year's secret series and the
/// leaders who may sign (Người ký).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingHelp {
    pub year: i32,
    /// Next number of the year's series of secret documents (ND30 Điều 15.2: văn bản mật
    /// are numbered in a series of their own, from 01 each year).
    pub next_number: u32,
    /// The last number and symbol registered this year, with its register number and date.
    pub last: Option<String>,
    /// The agency's leaders (active users with the leader role), by full name.
    pub signers: Vec<String>,
}

/// The leading number of a "số, ký hiệu" ("10/BC-SCT" → 10).
pub fn series_number(number_symbol: &str) -> Option<u32> {
    let digits: String = number_symbol
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// A number and symbol as compared for duplicates: no spaces, upper case.
fn folded_number(n: &str) -> String {
    n.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The outgoing entries of `year`, every level: numbering is the agency's one series, so it is
/// checked against every entry whoever registers (the refusal names only the earlier entry's
/// register number and date, never its content).
fn outgoing_of_year(a: &mut Act0<'_>, year: i32) -> Result<Vec<RegisterEntry>> {
    Ok(a.tx
        .list_register(
            &ReadScope::system(),
            RegisterKind::Outgoing,
            year,
            0,
            i64::MAX,
        )?
        .rows
        .into_iter()
        .filter(|e| e.cancelled.is_none())
        .collect())
}

/// How the "received" event names the incoming register entry ("Sổ đến 2026/05").
const INCOMING_REF: &str = "Sổ đến ";

/// Số đến: the incoming register number of a received item, from its "received" event, as a
/// clerk writes it ("05/2026").
pub fn incoming_number(events: &[ItemEvent]) -> Option<String> {
    let r = events
        .iter()
        .find(|e| e.kind == "received")?
        .reference
        .as_deref()?
        .strip_prefix(INCOMING_REF)?;
    let (year, number) = r.split_once('/')?;
    Some(format!("{number}/{year}"))
}

/// Vào sổ đăng ký BMNN đến.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReceiveIncomingCmd {
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub issuer: String,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub number_symbol: String,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub doc_date: Option<Date>,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub doc_type: String,
    pub summary: Option<String>,
    #[serde(default)]
    pub summary_consent_ref: Option<String>,
    pub level: Level,
    #[serde(default = "default_carrier")]
    pub carrier: Carrier,
    #[serde(default)]
    pub electronic: bool,
    #[serde(default)]
    pub copies: Option<u32>,
    #[serde(default)]
    pub copy_allowed: bool,
    /// Ngày hết thời hạn bảo vệ as stamped by the originator, when shown.
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub expiry: Option<Date>,
    /// "Chỉ người có tên mới được bóc bì": the named user; the envelope stays sealed.
    #[serde(default)]
    pub named_recipient_id: Option<Id>,
    #[serde(default)]
    pub urgent: bool,
    /// "Tài liệu thu hồi": return by this date.
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub recall_due: Option<Date>,
    pub unit_id: Option<Id>,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

fn default_carrier() -> Carrier {
    Carrier::Document
}

/// Chuyển giao (sổ chuyển giao): hand over to a user (who acknowledges) or an outside party.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HandOverCmd {
    pub item_id: Id,
    pub to_user_id: Option<Id>,
    /// Outside recipient (agency, person) when not a user.
    pub to_name: Option<String>,
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub quantity: u32,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

fn one() -> u32 {
    1
}

/// Ký nhận: by the receiving user, or recorded by the clerk from the signed paper register.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AcknowledgeCmd {
    pub entry_id: Id,
    #[serde(default)]
    pub on_paper_signer: Option<String>,
}

/// Check summary rules for Tuyệt mật (ND26 Điều 4.1.a; ND63 [S]).
pub(crate) fn check_summary(
    regime: &Regime,
    level: Level,
    summary: &Option<String>,
    consent: &Option<String>,
) -> Result<()> {
    if level != Level::TuyetMat || summary.is_none() {
        return Ok(());
    }
    match regime.classification.tuyet_mat_summary {
        TuyetMatSummary::Never => Err(CoreError::refused_with(
            "tuyet_mat_summary_forbidden",
            "Không được ghi trích yếu đối với tài liệu, vật chứa bí mật nhà nước độ Tuyệt mật. Hãy để trống trường trích yếu.",
            &regime.cite(Cite::TuyetMatSummary).basis,
            regime.cite(Cite::TuyetMatSummary).confirmed,
        )),
        TuyetMatSummary::WithConsent if consent.is_none() => Err(CoreError::refused_with(
            "tuyet_mat_summary_forbidden",
            "Chỉ được ghi trích yếu tài liệu Tuyệt mật khi người có thẩm quyền xác định độ mật đồng ý bằng văn bản. Hãy ghi số văn bản đồng ý, hoặc để trống trích yếu.",
            &regime.cite(Cite::TuyetMatSummary).basis,
            regime.cite(Cite::TuyetMatSummary).confirmed,
        )),
        TuyetMatSummary::WithConsent => Ok(()),
    }
}

/// `note` followed by the basis warning, when there is one (the item's history keeps it).
pub(crate) fn with_warning(note: String, warning: &Option<String>) -> String {
    match warning {
        Some(w) => format!("{note}. Cảnh báo: {w}"),
        None => note,
    }
}

/// The names of the fields where `regime` allows Tuyệt mật (empty: no limit by field).
fn tuyet_mat_field_names(regime: &Regime) -> Vec<&str> {
    regime
        .classification
        .tuyet_mat_fields
        .iter()
        .filter_map(|f| regime.field_name(f))
        .collect()
}

/// The hint of a form's field (lĩnh vực) under `regime`: where Tuyệt mật may be decided.
pub fn tuyet_mat_field_hint(regime: &Regime) -> String {
    let names = tuyet_mat_field_names(regime);
    if names.is_empty() {
        return "Độ mật theo mục danh mục bí mật nhà nước được chọn làm căn cứ.".to_string();
    }
    format!(
        "Độ Tuyệt mật chỉ xác định trong các lĩnh vực: {} ({}).",
        names.join("; "),
        regime.cite(Cite::TuyetMatField).basis
    )
}

/// Tuyệt mật only in its fields (where and when the regime limits it); catalogue basis per the
/// regime; level matches the entry. Returns the warning to record when the regime lets a
/// classification without a catalogue entry pass with one.
pub(crate) fn check_basis(
    a: &mut Act0<'_>,
    regime: &Regime,
    level: Level,
    field: &Option<String>,
    catalogue_item_id: Option<Id>,
    on: Date,
) -> Result<Option<String>> {
    if let Some(f) = field
        && regime.field_name(f).is_none()
    {
        return Err(CoreError::invalid(
            "field",
            format!(
                "lĩnh vực không có trong danh sách của chế độ {}",
                regime.code
            ),
        ));
    }
    if level == Level::TuyetMat
        && regime.classification.field_gate_on(on)
        && !field
            .as_ref()
            .is_some_and(|f| regime.classification.tuyet_mat_fields.contains(f))
    {
        let names = tuyet_mat_field_names(regime);
        return Err(CoreError::refused_cite(
            "tuyet_mat_field",
            format!(
                "Độ Tuyệt mật chỉ được xác định trong các lĩnh vực: {}.",
                names.join("; ")
            ),
            regime,
            Cite::TuyetMatField,
        ));
    }
    match catalogue_item_id {
        None if regime.classification.catalogue_basis_required => Err(CoreError::refused_with(
            "catalogue_basis_required",
            "Phải nêu căn cứ xác định độ mật: mục trong danh mục bí mật nhà nước. Xác định bí mật nhà nước đối với thông tin không thuộc danh mục là hành vi bị nghiêm cấm.",
            &regime.cite(Cite::CatalogueRequired).basis,
            regime.cite(Cite::CatalogueRequired).confirmed,
        )),
        None => match regime.classification.without_catalogue {
            crate::rules::WithoutCatalogue::Refuse => Err(CoreError::refused_cite(
                "catalogue_basis_required",
                "Phải nêu căn cứ xác định độ mật: mục trong danh mục bí mật nhà nước.",
                regime,
                Cite::ClassifyCatalogue,
            )),
            crate::rules::WithoutCatalogue::Warn => Ok(Some(format!(
                "chưa nêu mục danh mục bí mật nhà nước làm căn cứ xác định độ mật ({}); hãy bổ sung căn cứ.",
                regime.cite(Cite::ClassifyCatalogue).basis
            ))),
        },
        Some(id) => {
            let e = a.tx.get_catalogue_item(id)?.ok_or(CoreError::invalid(
                "catalogue_item_id",
                "mục danh mục không tồn tại",
            ))?;
            if e.removed_on.is_some_and(|r| r <= on) {
                return Err(CoreError::refused(
                    "catalogue_item_removed",
                    format!(
                        "Mục {} đã bị loại khỏi danh mục; không thể làm căn cứ xác định độ mật.",
                        e.number
                    ),
                ));
            }
            if e.level != level {
                return Err(CoreError::refused_cite(
                    "level_mismatch_catalogue",
                    format!(
                        "Độ mật {} không khớp với mục {} của danh mục (độ {}). Độ mật phải căn cứ danh mục bí mật nhà nước.",
                        level.label(),
                        e.number,
                        e.level.label()
                    ),
                    regime,
                    Cite::ClassifyCatalogue,
                ));
            }
            Ok(None)
        }
    }
}

pub(crate) fn base_expiry(regime: &Regime, level: Level, start: Date) -> Date {
    expiry(
        start,
        regime.periods.years(level),
        regime.settings.expiry_convention,
    )
}

fn entry_fields(item: &SecretItem, regime: &Regime) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|s| !s.is_empty()) {
            f.insert(k.to_string(), v);
        }
    };
    put("number_symbol", item.number_symbol.clone());
    put("doc_date", item.doc_date.or(item.classified_on).map(fmt_vn));
    put("doc_type", Some(item.doc_type.clone()));
    // Only store a Tuyệt mật summary where the regime allows it.
    let keep =
        crate::registers::summary_allowed(regime, item.level, item.summary_consent_ref.is_some());
    if keep {
        put("summary", item.summary.clone());
        put("summary_consent_ref", item.summary_consent_ref.clone());
    }
    put("signer", item.signer.clone());
    put("issuer", item.issuer.clone());
    put("recipients", Some(item.recipients.join("; ")));
    put("quantity", Some(item.copies_issued.to_string()));
    f
}

impl<S: Store> Service<S> {
    /// Người soạn thảo đề xuất độ mật (ND26 Điều 2.1).
    pub fn propose(&self, ctx: &Ctx, c: ProposeCmd) -> Result<SecretItem> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(access::PROPOSERS, "Đề xuất độ mật")?;
            let (on, regime) = a.act_date(c.date)?;
            validate::unit(a.tx, "unit_id", c.unit_id)?;
            if let Some(e) = c.shorter_expiry {
                validate::expiry("shorter_expiry", e, on)?;
            }
            check_propose(a, c.level)?;
            let doc_type = non_empty("doc_type", &c.doc_type)?;
            let recipients: Vec<String> = c
                .recipients
                .iter()
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .collect();
            if recipients.is_empty() {
                return Err(CoreError::invalid(
                    "recipients",
                    format!(
                        "phải nêu nơi nhận ({})",
                        regime.cite(Cite::ClassifyProposal).basis
                    ),
                ));
            }
            if c.copies_issued == 0 || c.copies_issued > 10_000 {
                return Err(CoreError::invalid(
                    "copies_issued",
                    "số lượng bản phát hành phải từ 1 đến 10.000",
                ));
            }
            let summary = opt_text(&c.summary);
            let consent = opt_text(&c.summary_consent_ref);
            check_summary(regime, c.level, &summary, &consent)?;
            let basis_warning = check_basis(a, regime, c.level, &c.field, c.catalogue_item_id, on)?;
            if c.shorter_expiry.is_some() && c.carrier != Carrier::Activity {
                return Err(CoreError::invalid(
                    "shorter_expiry",
                    format!(
                        "chỉ hoạt động mới được xác định thời hạn bảo vệ ngắn hơn ({})",
                        regime.cite(Cite::ShorterPeriod).basis
                    ),
                ));
            }
            let mut item = SecretItem {
                id: 0,
                carrier: c.carrier,
                electronic: c.electronic,
                origin: Origin::Internal,
                number_symbol: None,
                doc_type,
                summary,
                summary_consent_ref: consent,
                level: c.level,
                field: c.field,
                catalogue_item_id: c.catalogue_item_id,
                doc_date: None,
                classified_on: None,
                classified_by: None,
                decision_ref: None,
                regime: regime.code.clone(),
                expiry: c.shorter_expiry,
                copy_allowed: c.copy_allowed,
                circulation: c.circulation.trim().to_string(),
                copies_issued: c.copies_issued,
                recipients,
                drafter_id: Some(a.actor.id),
                drafter_name: a.actor.full_name.clone(),
                signer: None,
                issuer: None,
                unit_id: c.unit_id.or(a.actor.unit_id),
                holder_id: Some(a.actor.id),
                location: c.location,
                status: Status::Proposed,
                recall_due: None,
                returned_on: None,
                named_recipient: None,
                named_recipient_id: None,
                sealed: false,
                urgent: false,
                taken_out: None,
                basis_warning: basis_warning.clone(),
                next_copy_no: 1,
            };
            item.id = a.tx.insert_item(&item)?;
            a.event(
                &item,
                "proposed",
                on,
                &regime.code,
                regime.cite(Cite::ClassifyProposal),
                None,
                None,
                with_warning(format!("Đề xuất độ {}", item.level.label()), &basis_warning),
            )?;
            a.audit(
                "item.propose",
                format!("item:{}", item.id),
                format!("level={}", item.level.code()),
            )?;
            Ok(item)
        })
    }

    /// Người có thẩm quyền quyết định xác định độ mật (Law Điều 10.2).
    pub fn decide_classification(
        &self,
        ctx: &Ctx,
        c: DecideClassificationCmd,
    ) -> Result<SecretItem> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            let mut item = a.item(c.item_id)?;
            let (on, regime) = a.act_date(c.date)?;
            let level = c.level.unwrap_or(item.level);
            let auth = check_decide_classification(a, &item, regime, level, on)?;
            if !c.approve {
                let reason = opt_text(&c.reason)
                    .ok_or(CoreError::invalid("reason", "phải nêu lý do không duyệt"))?;
                item.status = Status::Rejected;
                a.tx.update_item(&item)?;
                a.event(
                    &item,
                    "rejected",
                    on,
                    &regime.code,
                    &auth.citation(),
                    opt_text(&c.decision_ref),
                    delegation_of(&auth),
                    reason,
                )?;
                a.audit("item.reject", format!("item:{}", item.id), String::new())?;
                return Ok(item);
            }
            let catalogue_item_id = c.catalogue_item_id.or(item.catalogue_item_id);
            let basis_warning = check_basis(a, regime, level, &item.field, catalogue_item_id, on)?;
            check_summary(regime, level, &item.summary, &item.summary_consent_ref)?;
            item.basis_warning = basis_warning.clone();
            item.level = level;
            item.catalogue_item_id = catalogue_item_id;
            if let Some(x) = c.copy_allowed {
                item.copy_allowed = x;
            }
            if let Some(x) = opt_text(&c.circulation) {
                item.circulation = x;
            }
            item.classified_on = Some(on);
            item.classified_by = Some(a.actor.id);
            item.decision_ref = opt_text(&c.decision_ref);
            item.regime = regime.code.clone();
            item.expiry = match item.carrier {
                Carrier::Place => None, // Law Điều 19.3: ends by event.
                Carrier::Activity if item.expiry.is_some() => item.expiry,
                _ => Some(base_expiry(regime, level, on)),
            };
            item.status = Status::Classified;
            a.tx.update_item(&item)?;
            let note = with_warning(
                format!(
                    "Xác định độ {}; thời hạn bảo vệ đến {}",
                    level.label(),
                    item.expiry
                        .map_or("khi thôi sử dụng địa điểm".to_string(), fmt_vn)
                ),
                &basis_warning,
            );
            a.event(
                &item,
                "classified",
                on,
                &regime.code,
                &auth.citation(),
                item.decision_ref.clone(),
                delegation_of(&auth),
                note,
            )?;
            a.audit(
                "item.classify",
                format!("item:{}", item.id),
                format!("level={} regime={}", level.code(), regime.code),
            )?;
            Ok(item)
        })
    }

    /// Văn thư vào sổ đăng ký BMNN đi, before the item leaves (ND26 Điều 4.1.a).
    pub fn register_outgoing(
        &self,
        ctx: &Ctx,
        c: RegisterOutgoingCmd,
    ) -> Result<(SecretItem, RegisterEntry)> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(access::CLERK, "Vào sổ đăng ký BMNN đi")?;
            let mut item = a.item(c.item_id)?;
            check_register_outgoing(a, &item)?;
            let (on, regime) = a.act_date(c.date)?;
            if item.classified_on.is_some_and(|d| on < d) {
                return Err(CoreError::invalid(
                    "date",
                    "ngày vào sổ trước ngày xác định độ mật",
                ));
            }
            // A Tuyệt mật summary the register's regime forbids is left out of the entry
            // (`entry_fields`), not refused: it was lawfully recorded when the item was classified.
            let number_symbol = non_empty("number_symbol", &c.number_symbol)?;
            // ND30 Điều 15.2: one series per year; a number and symbol used twice is an error
            // the clerk must see before the document leaves.
            let wanted = folded_number(&number_symbol);
            if let Some(e) = outgoing_of_year(a, on.year())?.into_iter().find(|e| {
                e.fields
                    .get("number_symbol")
                    .is_some_and(|n| folded_number(n) == wanted)
            }) {
                // The series is shared by every level, so the check reads them all; the
                // earlier entry is named only to a clerk cleared for its level (its number and
                // date say nothing of its content, but a higher level's entry is not his to see).
                let visible = a.scope().clearance.is_some_and(|c| e.level <= c);
                let which = if visible {
                    format!(": mục số {:02}, ngày {}", e.number, fmt_vn(e.date))
                } else {
                    String::new()
                };
                return Err(CoreError::refused(
                    "duplicate_number",
                    format!(
                        "Số, ký hiệu {number_symbol} đã được vào sổ đăng ký BMNN đi năm {}{which}.",
                        e.year,
                    ),
                ));
            }
            item.number_symbol = Some(number_symbol);
            item.signer = Some(non_empty("signer", &c.signer)?);
            if let Some(r) = &c.recipients {
                let r: Vec<String> = r
                    .iter()
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect();
                if r.is_empty() {
                    return Err(CoreError::invalid("recipients", "phải nêu nơi nhận"));
                }
                item.recipients = r;
            }
            if let Some(q) = c.quantity {
                if q == 0 || q > 10_000 {
                    return Err(CoreError::invalid(
                        "quantity",
                        "số lượng bản phải từ 1 đến 10.000",
                    ));
                }
                item.copies_issued = q;
            }
            item.doc_date = Some(on);
            item.status = Status::Issued;
            let mut fields = entry_fields(&item, regime);
            fields.insert("date".into(), fmt_vn(on));
            if let Some(u) = opt_text(&c.unit_kept) {
                fields.insert("unit_kept".into(), u);
            }
            if let Some(n) = opt_text(&c.note) {
                fields.insert("note".into(), n);
            }
            let entry = a.tx.append_register(&NewEntry {
                kind: RegisterKind::Outgoing,
                date: on,
                item_id: Some(item.id),
                request_id: None,
                level: item.level,
                regime: regime.code.clone(),
                fields,
                corrects: None,
                created_by: a.actor.id,
                to_user: None,
            })?;
            a.tx.update_item(&item)?;
            a.event(
                &item,
                "registered-outgoing",
                on,
                &regime.code,
                regime.cite(Cite::RegisterOutgoing),
                Some(format!("Sổ đi {}/{:02}", entry.year, entry.number)),
                None,
                String::new(),
            )?;
            a.audit(
                "register.outgoing",
                format!("register:outgoing:{}:{}", entry.year, entry.number),
                format!("item={}", item.id),
            )?;
            Ok((item, entry))
        })
    }

    /// What the outgoing form suggests on `ctx.today`: the next number of the year's series
    /// and the agency's leaders as signers.
    pub fn outgoing_help(&self, ctx: &Ctx) -> Result<OutgoingHelp> {
        self.read(ctx, |a| {
            a.require_role(access::CLERK, "Vào sổ đăng ký BMNN đi")?;
            let year = a.ctx.today.year();
            let entries = outgoing_of_year(a, year)?;
            let last = entries
                .iter()
                .filter_map(|e| {
                    let n = e.fields.get("number_symbol")?;
                    Some((series_number(n)?, n.clone(), e.number, e.date, e.level))
                })
                .max_by_key(|x| (x.0, x.2));
            // The next number counts every level (one series); the last entry is named only
            // to a clerk cleared for its level.
            let clearance = a.scope().clearance;
            let shown = last
                .as_ref()
                .filter(|l| clearance.is_some_and(|c| l.4 <= c))
                .map(|(_, n, no, d, _)| format!("{n} (mục số {no:02}, ngày {})", fmt_vn(*d)));
            let mut signers: Vec<String> =
                a.tx.list_users()?
                    .into_iter()
                    .filter(|u| u.active && u.has(Role::Leader))
                    .map(|u| u.full_name)
                    .collect();
            signers.sort();
            signers.dedup();
            Ok(OutgoingHelp {
                year,
                next_number: last.as_ref().map_or(1, |l| l.0 + 1),
                last: shown,
                signers,
            })
        })
    }

    /// Văn thư vào sổ đăng ký BMNN đến (ND26 Điều 4.2).
    pub fn receive_incoming(
        &self,
        ctx: &Ctx,
        c: ReceiveIncomingCmd,
    ) -> Result<(SecretItem, RegisterEntry)> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(access::CLERK, "Vào sổ đăng ký BMNN đến")?;
            let (on, regime) = a.act_date(c.date)?;
            validate::unit(a.tx, "unit_id", c.unit_id)?;
            if let Some(d) = c.doc_date {
                validate::doc_date("doc_date", d, on)?;
            }
            if let Some(e) = c.expiry {
                validate::expiry("expiry", e, on)?;
            }
            check_receive(a, c.level)?;
            let mut summary = opt_text(&c.summary);
            let consent = opt_text(&c.summary_consent_ref);
            let named = match c.named_recipient_id {
                Some(id) => Some(a.tx.get_user(id)?.ok_or(CoreError::invalid("named_recipient_id", "người có tên không tồn tại"))?),
                None => None,
            };
            if named.is_some() && summary.is_some() {
                // ND26 Điều 4.2.b: the envelope is logged by its outer marks and not opened.
                return Err(CoreError::refused(
                    "sealed_envelope",
                    "Bì có dấu «Chỉ người có tên mới được bóc bì» không được bóc; chỉ vào sổ theo ký hiệu ngoài bì, không ghi trích yếu.",
                ));
            }
            check_summary(regime, c.level, &summary, &consent)?;
            if c.recall_due.is_some_and(|d| d < on) {
                return Err(CoreError::invalid("recall_due", "hạn trả trước ngày nhận"));
            }
            let start = c.doc_date.unwrap_or(on);
            let mut item = SecretItem {
                id: 0,
                carrier: c.carrier,
                electronic: c.electronic,
                origin: Origin::Incoming,
                number_symbol: Some(non_empty("number_symbol", &c.number_symbol)?),
                doc_type: non_empty("doc_type", &c.doc_type)?,
                summary: summary.take(),
                summary_consent_ref: consent,
                level: c.level,
                field: None,
                catalogue_item_id: None,
                doc_date: c.doc_date,
                classified_on: c.doc_date,
                classified_by: None,
                decision_ref: None,
                regime: regime.code.clone(),
                expiry: c.expiry.or_else(|| (c.carrier != Carrier::Place).then(|| base_expiry(regime, c.level, start))),
                copy_allowed: c.copy_allowed,
                circulation: String::new(),
                copies_issued: c.copies.unwrap_or(1),
                recipients: vec![],
                drafter_id: None,
                drafter_name: String::new(),
                signer: None,
                issuer: Some(non_empty("issuer", &c.issuer)?),
                unit_id: c.unit_id.or(a.actor.unit_id),
                holder_id: Some(a.actor.id),
                location: c.location,
                status: Status::Received,
                recall_due: c.recall_due,
                returned_on: None,
                named_recipient: named.as_ref().map(|u| u.full_name.clone()),
                named_recipient_id: named.as_ref().map(|u| u.id),
                sealed: named.is_some(),
                urgent: c.urgent,
                taken_out: None,
                basis_warning: None,
                next_copy_no: 1,
            };
            item.id = a.tx.insert_item(&item)?;
            let units = a.tx.list_units()?;
            let mut fields = entry_fields(&item, regime);
            fields.insert("received_date".into(), fmt_vn(on));
            if let Some(u) = item.unit_id.and_then(|u| units.iter().find(|x| x.id == u)) {
                fields.insert("receiving_unit".into(), u.name.clone());
            }
            let mut note = opt_text(&c.note).unwrap_or_default();
            if let Some(n) = &item.named_recipient {
                note = format!("Chỉ người có tên mới được bóc bì: {n}; chưa bóc bì. {note}");
            }
            if let Some(d) = item.recall_due {
                note = format!("Tài liệu thu hồi, hạn trả {}. {note}", fmt_vn(d));
            }
            if !note.trim().is_empty() {
                fields.insert("note".into(), note.trim().to_string());
            }
            let entry = a.tx.append_register(&NewEntry {
                kind: RegisterKind::Incoming,
                date: on,
                item_id: Some(item.id),
                request_id: None,
                level: item.level,
                regime: regime.code.clone(),
                fields,
                corrects: None,
                created_by: a.actor.id,
                to_user: None,
            })?;
            a.event(&item, "received", on, &regime.code, regime.cite(Cite::Receive), Some(format!("{INCOMING_REF}{}/{:02}", entry.year, entry.number)), None, if item.sealed { "Vào sổ theo ký hiệu ngoài bì, chưa bóc bì".into() } else { String::new() })?;
            a.audit("register.incoming", format!("register:incoming:{}:{}", entry.year, entry.number), format!("item={} sealed={}", item.id, item.sealed))?;
            Ok((item, entry))
        })
    }

    /// Chuyển giao with the handover register; a user recipient must acknowledge.
    pub fn hand_over(&self, ctx: &Ctx, c: HandOverCmd) -> Result<RegisterEntry> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(access::CLERK, "Chuyển giao tài liệu BMNN")?;
            let mut item = a.item(c.item_id)?;
            check_hand_over(a, &item)?;
            let (on, regime) = a.act_date(c.date)?;
            let to_user = match c.to_user_id {
                Some(id) => Some(a.tx.get_user(id)?.filter(|u| u.active).ok_or(CoreError::invalid("to_user_id", "người nhận không tồn tại hoặc đã bị khóa"))?),
                None => None,
            };
            let to_name = match (&to_user, opt_text(&c.to_name)) {
                (Some(u), _) => u.full_name.clone(),
                (None, Some(n)) => n,
                (None, None) => return Err(CoreError::invalid("to_user_id", "phải chọn người nhận")),
            };
            if let Some(u) = &to_user
                && !level::cleared_for(u.clearance, item.level) {
                    return Err(CoreError::refused(
                        "recipient_clearance",
                        format!("{} chưa được phép tiếp cận bí mật nhà nước độ {}; không thể chuyển giao.", u.full_name, item.level.label()),
                    ));
                }
            if item.sealed {
                let is_named = to_user.as_ref().is_some_and(|u| Some(u.id) == item.named_recipient_id);
                let urgent_leader = item.urgent && to_user.as_ref().is_some_and(|u| u.has(Role::Leader));
                if !is_named && !urgent_leader {
                    return Err(CoreError::refused_cite(
                        "sealed_named_recipient",
                        format!(
                            "Bì «Chỉ người có tên mới được bóc bì» phải chuyển ngay cho {} (chỉ khi vắng mặt và bì có dấu «Hỏa tốc» mới chuyển lãnh đạo).",
                            item.named_recipient.clone().unwrap_or_default()
                        ),
                        regime,
                        Cite::NamedRecipient,
                    ));
                }
            }
            if c.quantity == 0 {
                return Err(CoreError::invalid("quantity", "số lượng phải lớn hơn 0"));
            }
            let mut fields = BTreeMap::new();
            fields.insert("date".into(), fmt_vn(on));
            if let Some(n) = &item.number_symbol {
                fields.insert("number_symbol".into(), n.clone());
            }
            fields.insert("quantity".into(), c.quantity.to_string());
            fields.insert("from".into(), a.actor.full_name.clone());
            fields.insert("to".into(), to_name.clone());
            if let Some(n) = opt_text(&c.note) {
                fields.insert("note".into(), n);
            }
            let entry = a.tx.append_register(&NewEntry {
                kind: RegisterKind::Handover,
                date: on,
                item_id: Some(item.id),
                request_id: None,
                level: item.level,
                regime: regime.code.clone(),
                fields,
                corrects: None,
                created_by: a.actor.id,
                to_user: to_user.as_ref().map(|u| u.id),
            })?;
            if let Some(u) = &to_user {
                item.holder_id = Some(u.id);
            }
            if !item.recipients.contains(&to_name) && to_user.is_none() {
                item.recipients.push(to_name.clone());
            }
            a.tx.update_item(&item)?;
            a.event(&item, "handed-over", on, &regime.code, regime.cite(Cite::Handover), Some(format!("Sổ chuyển giao {}/{:02}", entry.year, entry.number)), None, format!("Giao cho {to_name}"))?;
            a.audit("register.handover", format!("register:handover:{}:{}", entry.year, entry.number), format!("item={} to_user={:?}", item.id, entry.to_user))?;
            Ok(entry)
        })
    }

    /// Ký nhận a handover.
    pub fn acknowledge(&self, ctx: &Ctx, c: AcknowledgeCmd) -> Result<RegisterEntry> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            let scope = a.scope();
            let mut e =
                a.tx.get_register_entry(&scope, c.entry_id)?
                    .ok_or(CoreError::NotFound("mục sổ chuyển giao"))?;
            let paper = opt_text(&c.on_paper_signer);
            check_acknowledge(a, &e, paper.is_some())?;
            e.ack = Some(Ack {
                by: if paper.is_some() {
                    e.to_user
                } else {
                    Some(a.actor.id)
                },
                by_name: paper.clone().unwrap_or_else(|| a.actor.full_name.clone()),
                at: a.ctx.now,
                on_paper: paper.is_some(),
            });
            a.tx.update_register_entry(&e)?;
            if let Some(item_id) = e.item_id {
                let mut item = a.item(item_id)?;
                if item.sealed && e.to_user == item.named_recipient_id {
                    item.sealed = false; // opened by the named person
                    a.tx.update_item(&item)?;
                }
                // The acknowledgement is an act of today: it cites the rules in force today,
                // not those of the handover's date.
                let regime = a.rules.regime_for_or_first(a.ctx.today);
                a.event(
                    &item,
                    "acknowledged",
                    a.ctx.today,
                    &regime.code,
                    regime.cite(Cite::Acknowledge),
                    Some(format!("Sổ chuyển giao {}/{:02}", e.year, e.number)),
                    None,
                    String::new(),
                )?;
            }
            a.audit(
                "register.ack",
                format!("register:handover:{}:{}", e.year, e.number),
                format!("on_paper={}", paper.is_some()),
            )?;
            Ok(e)
        })
    }

    /// Records the return of a recalled item ("Tài liệu thu hồi", ND26 Điều 4.4).
    pub fn record_recall_return(
        &self,
        ctx: &Ctx,
        item_id: Id,
        date: Option<Date>,
    ) -> Result<SecretItem> {
        self.write(ctx, |a| {
            a.require_role(access::CLERK, "Ghi nhận trả tài liệu thu hồi")?;
            let mut item = a.item(item_id)?;
            check_recall_return(a, &item)?;
            let (on, regime) = a.act_date(date)?;
            item.returned_on = Some(on);
            item.holder_id = None;
            a.tx.update_item(&item)?;
            let late = item.recall_due.is_some_and(|d| on > d);
            a.event(
                &item,
                "recall-returned",
                on,
                &regime.code,
                regime.cite(Cite::Recall),
                None,
                None,
                if late {
                    "Trả quá hạn".into()
                } else {
                    String::new()
                },
            )?;
            a.audit(
                "item.recall-return",
                format!("item:{}", item.id),
                format!("late={late}"),
            )?;
            Ok(item)
        })
    }

    /// Cancels a mistaken register entry with a reason (never deleted; the number is not reused).
    pub fn cancel_entry(&self, ctx: &Ctx, entry_id: Id, reason: &str) -> Result<RegisterEntry> {
        let reason = &validate::text("reason", reason)?;
        self.write(ctx, |a| {
            a.require_role(access::CLERK, "Hủy bỏ mục sổ")?;
            let scope = a.scope();
            let mut e =
                a.tx.get_register_entry(&scope, entry_id)?
                    .ok_or(CoreError::NotFound("mục sổ"))?;
            check_cancel_entry(a, &e)?;
            e.cancelled = Some(Cancellation {
                reason: non_empty("reason", reason)?,
                by: a.actor.id,
                at: a.ctx.now,
            });
            a.tx.update_register_entry(&e)?;
            a.audit(
                "register.cancel",
                format!("register:{}:{}:{}", e.kind.code(), e.year, e.number),
                String::new(),
            )?;
            Ok(e)
        })
    }
}

use crate::level;
