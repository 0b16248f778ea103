//! Protection period and level over time: extend (gia hạn), adjust (điều chỉnh độ mật),
//! declassify (giải mật) by decision after a council, and the automatic transitions.
//!
//! Each decision owes written notices to every recorded recipient within the regime's deadline
//! (15 days under Law 29/2018 Điều 20.4, 21.5, 22.6). Items received from another agency are
//! extended, adjusted or declassified only on that agency's notice (recorded by reference), not
//! by a decision of ours. Open points (legal.md §24: where an extension counts from, whether an
//! adjustment restarts the period) follow the regime's explicit settings.

use super::*;
use crate::access;
use crate::dates::{add_years, days_after, days_before, fmt_vn};
use crate::rules::ExtensionStart;
use crate::validate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExtendCmd {
    pub item_id: Id,
    #[schemars(range(min = 1, max = 30))]
    pub years: i32,
    #[serde(default)]
    pub decision_ref: Option<String>,
    /// For an incoming item: the originator's notice of extension.
    #[serde(default)]
    pub originator_notice: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AdjustCmd {
    pub item_id: Id,
    pub new_level: Level,
    #[serde(default)]
    pub catalogue_item_id: Option<Id>,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub decision_ref: Option<String>,
    #[serde(default)]
    pub originator_notice: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeclassifyCmd {
    pub item_id: Id,
    /// Hội đồng giải mật (chair first).
    #[serde(default)]
    pub council: Vec<String>,
    #[serde(default)]
    pub council_decision_ref: Option<String>,
    #[serde(default)]
    pub council_minutes_ref: Option<String>,
    #[serde(default)]
    pub partial: bool,
    /// What is declassified, in full, for a partial declassification.
    #[serde(default)]
    pub partial_scope: Option<String>,
    #[serde(default)]
    pub decision_ref: Option<String>,
    #[serde(default)]
    pub originator_notice: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NoticeDoneCmd {
    pub notice_id: Id,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub reference: String,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

/// What the daily automatic run did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AutoRun {
    /// Items declassified because their protection period ended (Điều 22.2.a).
    pub expired: Vec<Id>,
}

fn owe_notices(
    a: &mut Act0<'_>,
    item: &SecretItem,
    kind: NoticeKind,
    on: Date,
    days: i64,
    basis: &str,
    confirmed: bool,
) -> Result<usize> {
    let mut n = 0;
    for r in item.recipients.clone() {
        a.tx.insert_notice(&Notice {
            id: 0,
            item_id: item.id,
            level: item.level,
            kind,
            recipient: r,
            created_on: on,
            due: days_after(on, days),
            done_on: None,
            done_ref: None,
            basis: basis.to_string(),
            confirmed,
        })?;
        n += 1;
    }
    Ok(n)
}

/// For incoming items, acts follow the originator's notice; for ours, an authorised decision.
fn originator_or_authority(
    a: &mut Act0<'_>,
    item: &SecretItem,
    regime: &Regime,
    act: Act,
    level: Level,
    on: Date,
    notice: &Option<String>,
) -> Result<(Citation, Option<Id>, bool)> {
    if item.origin == Origin::Incoming {
        let n = opt_text(notice).ok_or_else(|| {
            CoreError::refused(
                "originator_only",
                format!(
                    "{} do cơ quan khác xác định độ mật; chỉ cơ quan đó được {}. Hãy ghi số văn bản thông báo của cơ quan ban hành.",
                    item.label(),
                    act.label()
                ),
            )
        })?;
        check_lifecycle_authority(a, item, regime, act, level, on)?;
        return Ok((
            Citation {
                basis: format!(
                    "Theo thông báo {n} của {}",
                    item.issuer.clone().unwrap_or_default()
                ),
                confirmed: true,
                source: None,
            },
            None,
            true,
        ));
    }
    let auth = check_lifecycle_authority(a, item, regime, act, level, on)?
        .expect("authority for an item of ours");
    Ok((auth.citation(), delegation_of(&auth), false))
}

impl<S: Store> Service<S> {
    /// Gia hạn thời hạn bảo vệ (Law 29/2018 Điều 20).
    pub fn extend(&self, ctx: &Ctx, c: ExtendCmd) -> Result<SecretItem> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            let mut item = a.item(c.item_id)?;
            let (on, regime) = a.act_date(c.date)?;
            let old = check_extend(&item, on)?;
            let base = regime.periods.years(item.level);
            if c.years < 1 || (regime.extension.max_years_is_base_period && c.years > base) {
                return Err(CoreError::refused_with(
                    "extension_too_long",
                    format!(
                        "Mỗi lần gia hạn không quá thời hạn bảo vệ của độ {} ({base} năm).",
                        item.level.label()
                    ),
                    &regime.extension.basis,
                    regime.extension.confirmed,
                ));
            }
            let (basis, delegation, by_notice) = originator_or_authority(
                a,
                &item,
                regime,
                Act::Extend,
                item.level,
                on,
                &c.originator_notice,
            )?;
            if !by_notice {
                check_extension_deadline(regime, old, on)?;
            }
            let start = match regime.settings.extension_counts_from {
                ExtensionStart::OldExpiry => old,
                ExtensionStart::DecisionDate => on,
            };
            let new_expiry = add_years(start, c.years);
            validate::expiry("years", new_expiry, on)?;
            item.expiry = Some(new_expiry);
            a.tx.update_item(&item)?;
            let reference = opt_text(&c.decision_ref).or(opt_text(&c.originator_notice));
            a.event(
                &item,
                "extended",
                on,
                &regime.code,
                &basis,
                reference,
                delegation,
                format!(
                    "Gia hạn {} năm: từ {} đến {}",
                    c.years,
                    fmt_vn(old),
                    fmt_vn(new_expiry)
                ),
            )?;
            let n = if by_notice {
                0
            } else {
                owe_notices(
                    a,
                    &item,
                    NoticeKind::Extension,
                    on,
                    regime.extension.notify_within_days,
                    &regime.extension.basis,
                    regime.extension.confirmed,
                )?
            };
            a.audit(
                "item.extend",
                format!("item:{}", item.id),
                format!("years={} notices={n}", c.years),
            )?;
            Ok(item)
        })
    }

    /// Điều chỉnh độ mật (Law Điều 21): raise or lower, on the catalogue's basis.
    pub fn adjust(&self, ctx: &Ctx, c: AdjustCmd) -> Result<SecretItem> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            let mut item = a.item(c.item_id)?;
            Act0::require_protected(&item)?;
            let (on, regime) = a.act_date(c.date)?;
            if c.new_level == item.level {
                return Err(CoreError::invalid(
                    "new_level",
                    "độ mật mới trùng độ mật hiện tại",
                ));
            }
            let top = c.new_level.max(item.level);
            let (basis, delegation, by_notice) = originator_or_authority(
                a,
                &item,
                regime,
                Act::Adjust,
                top,
                on,
                &c.originator_notice,
            )?;
            let field = c.field.clone().or(item.field.clone());
            let basis_warning = if by_notice {
                None
            } else {
                items::check_basis(a, regime, c.new_level, &field, c.catalogue_item_id, on)?
            };
            let old = item.level;
            item.level = c.new_level;
            item.field = field;
            if c.catalogue_item_id.is_some() {
                item.catalogue_item_id = c.catalogue_item_id;
            }
            let mut note = format!(
                "Điều chỉnh độ mật từ {} thành {}",
                old.label(),
                c.new_level.label()
            );
            if c.new_level == Level::TuyetMat && item.summary.is_some() {
                let keep = crate::registers::summary_allowed(
                    regime,
                    c.new_level,
                    item.summary_consent_ref.is_some(),
                );
                if !keep {
                    item.summary = None;
                    note.push_str("; trích yếu đã được xóa theo quy định đối với độ Tuyệt mật");
                }
            }
            if regime.settings.adjustment_restarts_period && !by_notice && item.expiry.is_some() {
                item.expiry = Some(items::base_expiry(regime, c.new_level, on));
                note.push_str(&format!(
                    "; thời hạn bảo vệ tính lại đến {}",
                    fmt_vn(item.expiry.expect("set"))
                ));
            }
            if basis_warning.is_some() {
                item.basis_warning = basis_warning.clone();
            }
            let note = items::with_warning(note, &basis_warning);
            a.tx.update_item(&item)?;
            let reference = opt_text(&c.decision_ref).or(opt_text(&c.originator_notice));
            a.event(
                &item,
                "adjusted",
                on,
                &regime.code,
                &basis,
                reference,
                delegation,
                note,
            )?;
            let n = if by_notice {
                0
            } else {
                owe_notices(
                    a,
                    &item,
                    NoticeKind::Adjustment,
                    on,
                    regime.notices.adjustment_days,
                    &regime.notices.basis,
                    regime.notices.confirmed,
                )?
            };
            a.audit(
                "item.adjust",
                format!("item:{}", item.id),
                format!("from={} to={} notices={n}", old.code(), c.new_level.code()),
            )?;
            Ok(item)
        })
    }

    /// Giải mật by decision after the council's review (Law Điều 22.4).
    pub fn declassify(&self, ctx: &Ctx, c: DeclassifyCmd) -> Result<SecretItem> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            let mut item = a.item(c.item_id)?;
            Act0::require_protected(&item)?;
            let (on, regime) = a.act_date(c.date)?;
            let (basis, delegation, by_notice) = originator_or_authority(a, &item, regime, Act::Declassify, item.level, on, &c.originator_notice)?;
            if !by_notice {
                let council: Vec<&String> = c.council.iter().filter(|m| !m.trim().is_empty()).collect();
                if council.is_empty() || opt_text(&c.council_decision_ref).is_none() || opt_text(&c.council_minutes_ref).is_none() {
                    return Err(CoreError::refused_with(
                        "council_required",
                        "Giải mật theo quyết định phải có Hội đồng giải mật: ghi thành phần, quyết định thành lập và biên bản họp Hội đồng.",
                        &basis.basis,
                        basis.confirmed,
                    ));
                }
            }
            let scope = opt_text(&c.partial_scope);
            if c.partial && scope.is_none() {
                return Err(CoreError::invalid("partial_scope", "giải mật một phần phải thể hiện đầy đủ nội dung được giải mật"));
            }
            if !c.partial {
                item.status = Status::Declassified;
            }
            a.tx.update_item(&item)?;
            let reference = opt_text(&c.decision_ref).or(opt_text(&c.originator_notice));
            let note = if c.partial { "Giải mật một phần".to_string() } else { "Giải mật toàn bộ".to_string() };
            a.event(&item, if c.partial { "declassified-partial" } else { "declassified" }, on, &regime.code, &basis, reference, delegation, note)?;
            let n = if by_notice { 0 } else { owe_notices(a, &item, NoticeKind::Declassification, on, regime.notices.declassification_decision_days, &regime.notices.basis, regime.notices.confirmed)? };
            a.audit("item.declassify", format!("item:{}", item.id), format!("partial={} notices={n}", c.partial))?;
            Ok(item)
        })
    }

    /// Marks a notice as sent (số văn bản thông báo).
    pub fn notice_done(&self, ctx: &Ctx, c: NoticeDoneCmd) -> Result<Notice> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(access::NOTICE_KEEPERS, "Ghi nhận đã thông báo")?;
            let (on, _) = a.act_date(c.date)?;
            let scope = a.scope();
            let mut n =
                a.tx.list_notices(
                    &scope,
                    &NoticeQuery {
                        open_only: true,
                        item_id: None,
                    },
                )?
                .into_iter()
                .find(|n| n.id == c.notice_id)
                .ok_or(CoreError::NotFound("thông báo"))?;
            check_notice_done(a, &n)?;
            n.done_on = Some(on);
            n.done_ref = Some(non_empty("reference", &c.reference)?);
            a.tx.update_notice(&n)?;
            a.audit(
                "notice.done",
                format!("notice:{}", n.id),
                format!("late={}", on > n.due),
            )?;
            Ok(n)
        })
    }

    /// Daily run: items whose protection period has ended are declassified automatically
    /// ("đương nhiên giải mật", Law 29/2018 Điều 22.2.a, 22.3). The first unprotected day is
    /// the day after the expiry date. Idempotent.
    pub fn run_automatic(&self, now: PrimitiveDateTime, today: Date) -> Result<AutoRun> {
        self.store.write(|tx| {
            let yesterday = days_before(today, 1);
            let q = ItemQuery {
                protected_only: true,
                expiring_by: Some(yesterday),
                limit: i64::MAX,
                ..Default::default()
            };
            let items = tx.list_items(&ReadScope::system(), &q)?.rows;
            let mut out = AutoRun::default();
            for mut item in items {
                let Some(exp) = item.expiry else { continue };
                let on = days_after(exp, 1);
                // Declassified on the first unprotected day: the rules in force that day.
                let regime = self.rules.regime_for_or_first(on);
                item.status = Status::Declassified;
                tx.update_item(&item)?;
                tx.insert_event(&ItemEvent {
                    id: 0,
                    item_id: item.id,
                    kind: "declassified-expired".into(),
                    on,
                    at: now,
                    actor_id: None,
                    actor_name: "Hệ thống".into(),
                    regime: regime.code.clone(),
                    basis: format!(
                        "{} — đương nhiên giải mật khi hết thời hạn bảo vệ",
                        regime.periods.basis
                    ),
                    confirmed: regime.periods.confirmed,
                    reference: None,
                    delegation_id: None,
                    note: format!("Hết thời hạn bảo vệ ngày {}", fmt_vn(exp)),
                })?;
                tx.audit(AuditInput {
                    at: ts(now),
                    actor: "system".into(),
                    action: "item.declassify-expired".into(),
                    object: format!("item:{}", item.id),
                    details: format!("expiry={}", crate::dates::iso(exp)),
                })?;
                out.expired.push(item.id);
            }
            Ok(out)
        })
    }
}

use super::items;
