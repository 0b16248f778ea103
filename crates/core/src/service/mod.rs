//! The one service layer: every act on the organisation, the catalogue and secret items.
//!
//! The HTML pages, the JSON API and the CLI are three faces of these methods; none of them
//! re-implements a rule or a query. Each method runs in one store transaction and:
//! 1. loads the acting user (inactive users cannot act) and checks the role it needs;
//! 2. picks the regime by the date of the act (an act dated 15/02/2026 follows regime A,
//!    15/03/2026 regime B) and refuses acts dated in the future or before 01/7/2020;
//! 3. checks the law ([`crate::policy`] for authority, the regime's data for the rest);
//! 4. writes the change, the item's history event, register entries, owed notices, and one
//!    audit record, all in the same transaction.
//!
//! A refusal returns `CoreError::Refused` and, because the transaction rolls back, writes
//! nothing. Summaries (trích yếu) never go into events, audit details or logs.

mod accounts;
pub mod act_defs;
pub mod act_forms;
mod acts_open;
mod audit_view;
mod catalogue;
mod inbox;
mod items;
mod lifecycle;
mod org;
mod pick;
mod programme;
mod queries;
mod requests;
mod scanning;
mod user_form;
mod web_support;

pub use accounts::*;
pub use act_defs::{
    ActApi, ActDef, ActVisitor, CancelEntryCmd, DestructionCmd, DestructionRecorded, ItemAndEntry,
    Landing, Lands, ProvisionCmd, RecallReturnCmd, RequestAndEntry, TakeOutReturnCmd,
};
pub(crate) use acts_open::*;
pub use acts_open::{ItemView, adjust_open_target};
pub use audit_view::*;
pub use catalogue::*;
pub use inbox::*;
pub use items::*;
pub use lifecycle::*;
pub use org::*;
pub use pick::*;
pub use programme::*;
pub use queries::*;
pub use requests::*;
pub use scanning::*;
pub use user_form::*;
pub use web_support::*;

use crate::Level;
use crate::audit::AuditInput;
use crate::error::{CoreError, Result};
use crate::model::*;
use crate::policy::{self, Authority, DelegationView};
use crate::ports::{Store, Tx};
use crate::rules::{Act, Citation, Cite, Regime, RuleSet};
use time::{Date, PrimitiveDateTime};

/// Who acts, and when. `today` is the agency's local date (Vietnam, UTC+7); `now` is UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ctx {
    pub user_id: Id,
    pub now: PrimitiveDateTime,
    pub today: Date,
}

/// The services, over a store and a rule set.
pub struct Service<S: Store> {
    pub store: S,
    pub rules: RuleSet,
    /// The header's inbox count of each user, until anything changes ([`Service::inbox_count`]).
    inbox_counts: InboxCounts,
    /// The whole inbox of the last users who read it, until anything changes ([`Service::inbox`]).
    inboxes: Inboxes,
}

impl<S: Store> Service<S> {
    pub fn new(store: S, rules: RuleSet) -> Self {
        Service {
            store,
            rules,
            inbox_counts: InboxCounts::default(),
            inboxes: Inboxes::default(),
        }
    }

    pub(crate) fn write<T>(
        &self,
        ctx: &Ctx,
        f: impl FnOnce(&mut Act0<'_>) -> Result<T>,
    ) -> Result<T> {
        self.store.write(|tx| {
            let actor = load_actor(tx, ctx.user_id)?;
            f(&mut Act0::new(tx, actor, *ctx, &self.rules))
        })
    }

    pub(crate) fn read<T>(
        &self,
        ctx: &Ctx,
        f: impl FnOnce(&mut Act0<'_>) -> Result<T>,
    ) -> Result<T> {
        self.store.read(|tx| {
            let actor = load_actor(tx, ctx.user_id)?;
            f(&mut Act0::new(tx, actor, *ctx, &self.rules))
        })
    }
}

/// The id of the built-in system actor: the command line run by whoever holds the data
/// folder (and so holds everything). No web session or API token ever maps to it.
pub const SYSTEM_USER_ID: Id = 0;

/// The system actor: every role, highest clearance.
pub fn system_user() -> User {
    User {
        id: SYSTEM_USER_ID,
        username: "system".into(),
        full_name: "Hệ thống (dòng lệnh)".into(),
        roles: Role::ALL.to_vec(),
        clearance: Some(Level::TuyetMat),
        position_id: None,
        unit_id: None,
        active: true,
    }
}

fn load_actor(tx: &mut dyn Tx, id: Id) -> Result<User> {
    if id == SYSTEM_USER_ID {
        return Ok(system_user());
    }
    let u = tx.get_user(id)?.ok_or(CoreError::Unauthenticated)?;
    if !u.active {
        return Err(CoreError::Unauthenticated);
    }
    Ok(u)
}

/// The working state of one act: the transaction, the acting user, the clock, the rules.
pub(crate) struct Act0<'a> {
    pub tx: &'a mut dyn Tx,
    pub actor: User,
    pub ctx: Ctx,
    pub rules: &'a RuleSet,
    /// Within a read only: whether the actor sees each of a page's items, asked in one query
    /// ([`Act0::prefetch_seen`]) instead of one read per row.
    pub seen: Option<std::collections::HashMap<Id, bool>>,
}

impl<'a> Act0<'a> {
    /// `actor` acting under `ctx` inside `tx`, nothing asked yet.
    pub fn new(tx: &'a mut dyn Tx, actor: User, ctx: Ctx, rules: &'a RuleSet) -> Act0<'a> {
        Act0 {
            tx,
            actor,
            ctx,
            rules,
            seen: None,
        }
    }

    pub fn scope(&self) -> ReadScope {
        ReadScope::of(&self.actor)
    }

    pub fn require_role(&self, roles: &[Role], what: &str) -> Result<()> {
        if crate::access::allows(&self.actor, roles) {
            return Ok(());
        }
        Err(CoreError::Forbidden(format!(
            "{what} dành cho vai trò: {}.",
            crate::access::names(roles)
        )))
    }

    /// Resolves the citation of a refusal made by a check that knows no regime, under the
    /// regime in force on `on` (the first regime before it begins).
    pub fn cited(&self, on: Date, e: CoreError) -> CoreError {
        match self.rules.regime_for(on).or(self.rules.regimes.first()) {
            Some(r) => e.cited(r),
            None => e,
        }
    }

    /// The basis of `what` under the regime in force on `on`, as text for a notice or a duty.
    pub fn cite_on(&self, on: Date, what: Cite) -> String {
        match self.rules.regime_for(on).or(self.rules.regimes.first()) {
            Some(r) => r.cite(what).basis.clone(),
            None => String::new(),
        }
    }

    /// The date of the act (defaults to today), validated, and the regime in force on it.
    pub fn act_date(&self, date: Option<Date>) -> Result<(Date, &'a Regime)> {
        let d = date.unwrap_or(self.ctx.today);
        if d > self.ctx.today {
            return Err(CoreError::invalid(
                "date",
                "Ngày thực hiện không được sau ngày hôm nay.",
            ));
        }
        let r = self.rules.regime_for(d).ok_or_else(|| {
            CoreError::refused(
                "no_regime",
                format!(
                    "Ngày {} trước khi Luật Bảo vệ bí mật nhà nước 2018 có hiệu lực (01/7/2020); bmnn không áp dụng quy tắc cho ngày này.",
                    crate::dates::fmt_vn(d)
                ),
            )
        })?;
        Ok((d, r))
    }

    /// A visible item, or not found (beyond clearance looks exactly like absent).
    pub fn item(&mut self, id: Id) -> Result<SecretItem> {
        let scope = self.scope();
        self.tx
            .get_item(&scope, id)?
            .ok_or(CoreError::NotFound("tài liệu, vật chứa BMNN"))
    }

    /// Handovers waiting for a signature (of `user`, or all of them) that this actor may see
    /// and whose item he may see: an entry's recipient who no longer sees its item (it was
    /// handed on, relevelled or moved to a unit of which he is not) can neither open it nor sign
    /// for it, so no list offers it to him; the clerk still sees the row and records the paper
    /// signature or cancels it.
    pub fn pending_acks(
        &mut self,
        user: Option<Id>,
    ) -> Result<Vec<crate::registers::RegisterEntry>> {
        let scope = self.scope();
        let mut kept = Vec::new();
        for e in self.tx.pending_acks(&scope, user)? {
            let visible = match e.item_id {
                Some(i) => self.tx.get_item(&scope, i)?.is_some(),
                None => true,
            };
            if visible {
                kept.push(e);
            }
        }
        Ok(kept)
    }

    /// Whether the actor sees item `id` now (its current level, through his scope): from the
    /// answers of [`Self::prefetch_seen`] when the item was among them, else one read.
    pub fn sees_item(&mut self, id: Id) -> Result<bool> {
        if let Some(v) = self.seen.as_ref().and_then(|s| s.get(&id)) {
            return Ok(*v);
        }
        let scope = self.scope();
        Ok(self.tx.get_item(&scope, id)?.is_some())
    }

    /// Asks once which of `ids` the actor sees, for the [`Self::sees_item`] calls that follow
    /// in the same read transaction (a register page's rows). Never in a write: an act
    /// changes what is visible.
    pub fn prefetch_seen(&mut self, ids: &[Id]) -> Result<()> {
        let scope = self.scope();
        let visible: std::collections::HashSet<Id> =
            self.tx.visible_item_ids(&scope, ids)?.into_iter().collect();
        self.seen = Some(ids.iter().map(|i| (*i, visible.contains(i))).collect());
        Ok(())
    }

    pub fn request(&mut self, id: Id) -> Result<Request> {
        let scope = self.scope();
        self.tx
            .get_request(&scope, id)?
            .ok_or(CoreError::NotFound("yêu cầu"))
    }

    /// The items of a request, each read through the actor's scope: an actor who can no
    /// longer see one of them (its level was raised, it left his unit) cannot act on the
    /// request, and learns nothing about it.
    pub fn request_items(&mut self, r: &Request) -> Result<Vec<SecretItem>> {
        let mut out = Vec::with_capacity(r.item_ids.len());
        for id in &r.item_ids {
            out.push(self.item(*id).map_err(|_| CoreError::NotFound("yêu cầu"))?);
        }
        Ok(out)
    }

    pub fn require_protected(item: &SecretItem) -> Result<()> {
        if item.status.protected() {
            Ok(())
        } else {
            Err(CoreError::Conflict(format!(
                "{} đang ở trạng thái «{}»; không thể thực hiện thao tác này.",
                item.label(),
                item.status.label()
            )))
        }
    }

    /// Authority of the acting user for `act` on `level` on `date`.
    pub fn authorise(
        &mut self,
        regime: &Regime,
        act: Act,
        level: Level,
        date: Date,
        external_ref: Option<&str>,
    ) -> Result<Authority> {
        let positions = self.tx.list_positions()?;
        let pos = self
            .actor
            .position_id
            .and_then(|p| positions.iter().find(|x| x.id == p))
            .cloned();
        let delegations: Vec<Delegation> = self
            .tx
            .list_delegations()?
            .into_iter()
            .filter(|d| d.grantee_id == self.actor.id)
            .collect();
        let mut grantors = Vec::new();
        for d in &delegations {
            grantors.push(self.tx.get_user(d.grantor_id)?);
        }
        let views: Vec<DelegationView<'_>> = delegations
            .iter()
            .zip(grantors.iter())
            .filter_map(|(d, g)| {
                let g = g.as_ref()?;
                Some(DelegationView {
                    delegation: d,
                    grantor: g,
                    grantor_position: g
                        .position_id
                        .and_then(|p| positions.iter().find(|x| x.id == p)),
                })
            })
            .collect();
        policy::authorise(
            regime,
            act,
            level,
            date,
            &self.actor,
            pos.as_ref(),
            &views,
            external_ref,
        )
    }

    /// [`Self::authorise`], then the scope of the authority by unit: a head of a unit (or a
    /// deputy acting under the head's delegation) decides only on items of that unit and the
    /// units below it; heads of the agency, posts outside any unit and decisions taken
    /// outside the agency are not limited. Items not assigned to a unit belong to the agency
    /// as a whole and stay within every authorised decider's reach.
    pub fn authorise_on(
        &mut self,
        regime: &Regime,
        act: Act,
        level: Level,
        date: Date,
        external_ref: Option<&str>,
        items: &[SecretItem],
    ) -> Result<Authority> {
        let auth = self.authorise(regime, act, level, date, external_ref)?;
        let holder = match &auth.via {
            policy::Via::External(_) => return Ok(auth),
            policy::Via::Own => Some(self.actor.clone()),
            policy::Via::Delegation(id) => {
                let d = self
                    .tx
                    .list_delegations()?
                    .into_iter()
                    .find(|d| d.id == *id);
                match d {
                    Some(d) => self.tx.get_user(d.grantor_id)?,
                    None => None,
                }
            }
        };
        let positions = self.tx.list_positions()?;
        let pos = holder
            .and_then(|u| u.position_id)
            .and_then(|p| positions.into_iter().find(|x| x.id == p));
        let Some(pos) = pos else { return Ok(auth) };
        let units = self.tx.list_units()?;
        if items
            .iter()
            .all(|i| policy::unit_covers(&units, &pos, i.unit_id))
        {
            return Ok(auth);
        }
        Err(CoreError::refused(
            "outside_unit",
            format!(
                "Thẩm quyền của {} chỉ bao gồm tài liệu của đơn vị mình và các đơn vị trực thuộc; không thể quyết định đối với tài liệu của đơn vị khác.",
                pos.title
            ),
        ))
    }

    pub fn actor_label(&self) -> String {
        format!("{}:{}", self.actor.id, self.actor.username)
    }

    pub fn audit(&mut self, action: &str, object: String, details: String) -> Result<()> {
        let input = AuditInput {
            at: ts(self.ctx.now),
            actor: self.actor_label(),
            action: action.to_string(),
            object,
            details,
        };
        self.tx.audit(input)?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub fn event(
        &mut self,
        item: &SecretItem,
        kind: &str,
        on: Date,
        regime: &str,
        basis: &Citation,
        reference: Option<String>,
        delegation_id: Option<Id>,
        note: String,
    ) -> Result<()> {
        let e = ItemEvent {
            id: 0,
            item_id: item.id,
            kind: kind.to_string(),
            on,
            at: self.ctx.now,
            actor_id: Some(self.actor.id),
            actor_name: self.actor.full_name.clone(),
            regime: regime.to_string(),
            basis: basis.basis.clone(),
            confirmed: basis.confirmed,
            reference,
            delegation_id,
            note,
        };
        self.tx.insert_event(&e)?;
        Ok(())
    }

    pub fn decision(
        &self,
        auth: &Authority,
        on: Date,
        approved: bool,
        reason: Option<String>,
        reference: Option<String>,
    ) -> Decision {
        Decision {
            by: Some(self.actor.id),
            by_name: self.actor.full_name.clone(),
            on,
            regime: auth.regime.clone(),
            basis: auth.basis.clone(),
            confirmed: auth.confirmed,
            delegation_id: match auth.via {
                policy::Via::Delegation(id) => Some(id),
                _ => None,
            },
            external_ref: match &auth.via {
                policy::Via::External(r) => Some(r.clone()),
                _ => None,
            },
            external: None,
            reference,
            approved,
            reason,
        }
    }
}

/// Timestamp text of the audit chain.
pub fn ts(t: PrimitiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

pub(crate) fn non_empty(field: &str, v: &str) -> Result<String> {
    let t = v.trim();
    if t.is_empty() {
        Err(CoreError::invalid(field, "không được để trống"))
    } else if t.chars().count() > 2000 {
        Err(CoreError::invalid(field, "quá dài (tối đa 2000 ký tự)"))
    } else {
        Ok(t.to_string())
    }
}

pub(crate) fn opt_text(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

pub(crate) fn delegation_of(auth: &Authority) -> Option<Id> {
    match auth.via {
        policy::Via::Delegation(id) => Some(id),
        _ => None,
    }
}
