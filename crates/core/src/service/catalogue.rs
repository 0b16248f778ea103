//! Catalogue (danh mục bí mật nhà nước): decisions, their entries, and replacement.
//!
//! A replaced catalogue is kept (history); items classified under it keep their reference.
//! When an entry leaves the catalogue, every protected item that rests on it is declassified
//! automatically (Law 29/2018 Điều 22.2.c, 22.3) where the regime says so, and a notice to each
//! recipient is due at once.

use super::*;
use crate::access;
use crate::validate;
use serde::{Deserialize, Serialize};

/// A catalogue decision to record (the body of `POST /catalogues`).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewCatalogue {
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub decision_ref: String,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub decision_date: Date,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub title: String,
    pub field: String,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub effective_from: Date,
    pub items: Vec<NewCatalogueItem>,
    /// The catalogue this decision replaces, if any.
    pub replaces: Option<Id>,
    /// Entries of the replaced catalogue that carry over (keep their ids); every other entry
    /// of the replaced catalogue leaves it on `effective_from`.
    #[serde(default)]
    pub carry_over: Vec<Id>,
}

/// The decision that takes one entry out of its catalogue (quyết định đưa ra khỏi danh mục).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemoveCatalogueItemCmd {
    pub catalogue_item_id: Id,
    /// Số quyết định.
    pub decision_ref: String,
    /// Ngày quyết định.
    #[serde(with = "crate::dates::iso_date")]
    pub decision_date: Date,
    /// Effective date of the removal (defaults to today).
    #[serde(default, with = "crate::dates::iso_date_opt")]
    pub date: Option<Date>,
}

/// Mục của danh mục mới.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(inline)]
pub struct NewCatalogueItem {
    pub level: Level,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub number: String,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub text: String,
}

impl<S: Store> Service<S> {
    pub fn create_catalogue(&self, ctx: &Ctx, c: NewCatalogue) -> Result<(Catalogue, Vec<Id>)> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(
                access::CATALOGUE_KEEPERS,
                "Quản lý danh mục bí mật nhà nước",
            )?;
            let mut cat = Catalogue {
                id: 0,
                decision_ref: non_empty("decision_ref", &c.decision_ref)?,
                decision_date: c.decision_date,
                title: non_empty("title", &c.title)?,
                field: c.field.clone(),
                effective_from: c.effective_from,
                replaced_on: None,
                replaced_by: None,
            };
            cat.id = a.tx.insert_catalogue(&cat)?;
            for it in &c.items {
                let mut ci = CatalogueItem {
                    id: 0,
                    catalogue_id: cat.id,
                    level: it.level,
                    number: non_empty("number", &it.number)?,
                    text: non_empty("text", &it.text)?,
                    removed_on: None,
                };
                ci.id = a.tx.insert_catalogue_item(&ci)?;
            }
            let mut declassified = Vec::new();
            if let Some(old_id) = c.replaces {
                let mut old =
                    a.tx.list_catalogues()?
                        .into_iter()
                        .find(|x| x.id == old_id)
                        .ok_or(CoreError::invalid(
                            "replaces",
                            "danh mục bị thay thế không tồn tại",
                        ))?;
                old.replaced_on = Some(c.effective_from);
                old.replaced_by = Some(cat.id);
                a.tx.update_catalogue(&old)?;
                for mut e in a.tx.list_catalogue_items(Some(old_id))? {
                    if e.removed_on.is_some() {
                        continue;
                    }
                    if c.carry_over.contains(&e.id) {
                        e.catalogue_id = cat.id;
                        a.tx.update_catalogue_item(&e)?;
                    } else {
                        // Dropping an entry declassifies what rests on it: the same decision
                        // as a removal (the command line, which holds everything, is exempt).
                        if a.actor.id != SYSTEM_USER_ID
                            && let Some(regime) = a.rules.regime_for(c.effective_from)
                        {
                            let decision_ref = cat.decision_ref.clone();
                            may_remove(a, &e, regime, c.effective_from, &decision_ref, true)?;
                        }
                        declassified.extend(remove_entry(a, e, c.effective_from)?);
                    }
                }
            }
            a.audit(
                "catalogue.create",
                format!("catalogue:{}", cat.id),
                format!(
                    "items={} replaces={:?} declassified={}",
                    c.items.len(),
                    c.replaces,
                    declassified.len()
                ),
            )?;
            Ok((cat, declassified))
        })
    }

    /// Removes one entry from its catalogue (a decision dropped it). The removal declassifies
    /// every protected item resting on the entry, so it is a decision like a declassification:
    /// it needs the decision's number and date, and the actor must hold, for every level
    /// concerned (the entry's and each affected item's current level), the clearance and the
    /// authority the regime gives for declassifying it, within the scope of his unit.
    /// Otherwise nothing is written and the refusal names no item and no level. Returns the
    /// ids of the items declassified (all within the actor's clearance by then).
    pub fn remove_catalogue_item(&self, ctx: &Ctx, c: RemoveCatalogueItemCmd) -> Result<Vec<Id>> {
        self.write(ctx, |a| {
            a.require_role(
                access::CATALOGUE_REMOVERS,
                "Đưa một mục ra khỏi danh mục bí mật nhà nước",
            )?;
            let decision_ref = non_empty("decision_ref", &c.decision_ref)?;
            let (on, regime) = a.act_date(c.date)?;
            if c.decision_date > on {
                return Err(CoreError::invalid(
                    "decision_date",
                    "ngày quyết định sau ngày đưa ra khỏi danh mục",
                ));
            }
            let e =
                a.tx.get_catalogue_item(c.catalogue_item_id)?
                    .ok_or(CoreError::NotFound("mục danh mục"))?;
            if e.removed_on.is_some() {
                return Err(CoreError::Conflict(
                    "Mục này đã bị đưa ra khỏi danh mục.".into(),
                ));
            }
            may_remove(a, &e, regime, on, &decision_ref, false)?;
            let ids = remove_entry(a, e, on)?;
            a.audit(
                "catalogue.remove-item",
                format!("catalogue-item:{}", c.catalogue_item_id),
                format!("declassified={}", ids.len()),
            )?;
            Ok(ids)
        })
    }
}

/// Whether the actor may take `e` out of the catalogue: clearance and the authority to
/// declassify (within his unit's scope) for the entry's level and every affected item's
/// current level. The refusal names no item and no level. With `only_affected`, an entry on
/// which no protected item rests needs no authority (a replaced catalogue's empty entries).
fn may_remove(
    a: &mut Act0<'_>,
    e: &CatalogueItem,
    regime: &crate::rules::Regime,
    on: Date,
    decision_ref: &str,
    only_affected: bool,
) -> Result<()> {
    // Every affected item, whatever the actor may see: the check must cover them all.
    let affected = resting_on(a, e.id)?;
    if only_affected && affected.is_empty() {
        return Ok(());
    }
    let mut levels: Vec<Level> = affected.iter().map(|i| i.level).collect();
    levels.push(e.level);
    levels.sort();
    levels.dedup();
    for level in levels {
        let of_level: Vec<SecretItem> = affected
            .iter()
            .filter(|i| i.level == level)
            .cloned()
            .collect();
        let ok = crate::level::cleared_for(a.actor.clearance, level)
            && a.authorise_on(
                regime,
                Act::Declassify,
                level,
                on,
                Some(decision_ref),
                &of_level,
            )
            .is_ok();
        if !ok {
            return Err(CoreError::refused(
                "catalogue_removal_authority",
                "Bạn không có thẩm quyền giải mật đối với tất cả tài liệu, vật chứa bí mật nhà nước căn cứ vào mục này; việc đưa mục ra khỏi danh mục phải do người có thẩm quyền giải mật thực hiện.",
            ));
        }
    }
    Ok(())
}

/// Protected items classified on the catalogue entry `id` (read by the system: the caller
/// decides what, if anything, the actor learns of them).
fn resting_on(a: &mut Act0<'_>, id: Id) -> Result<Vec<SecretItem>> {
    let q = ItemQuery {
        catalogue_item_id: Some(id),
        protected_only: true,
        limit: i64::MAX,
        ..Default::default()
    };
    Ok(a.tx.list_items(&ReadScope::system(), &q)?.rows)
}

/// Marks the entry removed and declassifies the items that rest on it (Điều 22.2.c).
fn remove_entry(a: &mut Act0<'_>, mut e: CatalogueItem, on: Date) -> Result<Vec<Id>> {
    e.removed_on = Some(on);
    a.tx.update_catalogue_item(&e)?;
    let Some(regime) = a.rules.regime_for(on) else {
        return Ok(vec![]);
    };
    if !regime.settings.auto_declassify_on_catalogue_removal {
        return Ok(vec![]);
    }
    let items = resting_on(a, e.id)?;
    let mut ids = Vec::new();
    for mut item in items {
        item.status = Status::Declassified;
        a.tx.update_item(&item)?;
        let basis = Citation {
            basis: format!("{} (không còn trong danh mục)", regime.notices.basis),
            confirmed: regime.notices.confirmed,
            source: None,
        };
        a.event(
            &item,
            "declassified-catalogue",
            on,
            &regime.code,
            &basis,
            None,
            None,
            format!("Mục {} của danh mục bị loại khỏi danh mục", e.number),
        )?;
        for r in item.recipients.clone() {
            let n = Notice {
                id: 0,
                item_id: item.id,
                level: item.level,
                kind: NoticeKind::CatalogueRemoval,
                recipient: r,
                created_on: on,
                due: crate::dates::days_after(on, regime.notices.catalogue_removal_days),
                done_on: None,
                done_ref: None,
                basis: regime.notices.basis.clone(),
                confirmed: regime.notices.confirmed,
            };
            a.tx.insert_notice(&n)?;
        }
        ids.push(item.id);
    }
    Ok(ids)
}
