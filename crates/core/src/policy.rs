//! Who may decide what: the authority matrix applied to a person on a date.
//!
//! [`authorise`] takes the regime in force on the date of the act, the rule for the act and
//! level, and the decider's position (kind, rank, whether it heads the agency) and written
//! delegations. It grants authority as head of a listed post, as a deputy where the rule lets
//! deputies decide directly, under a written delegation that is valid on the date, covers the
//! act and level, and comes from a head who may delegate (no sub-delegation), or through a
//! decision taken outside the agency (e.g. by the Prime Minister) whose reference is recorded.
//! Every refusal carries a stable code and the rule's legal basis.

use crate::dates::fmt_vn;
use crate::error::CoreError;
use crate::level::{Level, cleared_for};
use crate::model::{Delegation, Id, Position, Rank, User};
use crate::rules::{Act, AuthorityRule, DeputyRule, Regime};
use time::Date;

/// How authority was established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// The decider's own post.
    Own,
    /// A written delegation (id).
    Delegation(Id),
    /// A decision outside the agency, by reference.
    External(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    pub via: Via,
    pub basis: String,
    pub regime: String,
    pub confirmed: bool,
}

/// A delegation together with its grantor, as the service loads them.
pub struct DelegationView<'a> {
    pub delegation: &'a Delegation,
    pub grantor: &'a User,
    pub grantor_position: Option<&'a Position>,
}

fn eligible(regime: &Regime, rule: &AuthorityRule, pos: &Position) -> bool {
    (rule.agency_head && pos.heads_agency) || regime.kind_in_groups(&pos.kind, &rule.groups)
}

/// Decides whether `actor` (holding `position`) may decide `act` for an item of `level` on
/// `date` under `regime`.
#[allow(clippy::too_many_arguments)]
pub fn authorise(
    regime: &Regime,
    act: Act,
    level: Level,
    date: Date,
    actor: &User,
    position: Option<&Position>,
    delegations: &[DelegationView<'_>],
    external_ref: Option<&str>,
) -> Result<Authority, CoreError> {
    let rule = regime.rule(act, level);
    let ok = |via: Via| {
        Ok(Authority {
            via,
            basis: rule.basis.clone(),
            regime: regime.code.clone(),
            confirmed: rule.confirmed,
        })
    };
    if let Some(ext) = &rule.external {
        return match external_ref.map(str::trim).filter(|s| !s.is_empty()) {
            Some(r) => ok(Via::External(r.to_string())),
            None => Err(CoreError::refused_with(
                "external_decision_required",
                format!(
                    "Việc {} tài liệu {} do {ext} quyết định; không ai trong cơ quan có thẩm quyền này. Hãy ghi số, ngày văn bản quyết định của {ext}.",
                    act.label(),
                    level.label()
                ),
                &rule.basis,
            )),
        };
    }
    if !actor.active {
        return Err(CoreError::refused("user_inactive", "Tài khoản đã bị khóa."));
    }
    if !cleared_for(actor.clearance, level) {
        return Err(CoreError::refused(
            "clearance_too_low",
            format!(
                "Người quyết định chưa được phép tiếp cận bí mật nhà nước độ {}.",
                level.label()
            ),
        ));
    }
    let no_authority = || {
        let title = position.map_or("không giữ chức vụ nào".to_string(), |p| {
            p.title.clone()
        });
        CoreError::refused_with(
            "no_authority",
            format!(
                "{} ({title}) không có thẩm quyền {} tài liệu {}. {}",
                actor.full_name,
                act.label(),
                level.label(),
                rule.hint
            ),
            &rule.basis,
        )
    };
    if let Some(pos) = position {
        match pos.rank {
            Rank::Head if eligible(regime, rule, pos) => return ok(Via::Own),
            Rank::Deputy if rule.deputy == DeputyRule::Direct && eligible(regime, rule, pos) => {
                return ok(Via::Own);
            }
            _ => {}
        }
    }
    if rule.deputy != DeputyRule::Delegation {
        return Err(no_authority());
    }
    // Delegation: the decider must be a deputy (cấp phó), the grantor a head who may decide
    // and may delegate; no sub-delegation (the grantor's own authority is never a delegation).
    let mut reason: Option<CoreError> = None;
    for dv in delegations {
        let d = dv.delegation;
        if d.grantee_id != actor.id || !d.acts.contains(&act) {
            continue;
        }
        if level > d.max_level {
            reason.get_or_insert_with(|| {
                CoreError::refused_with(
                    "delegation_scope",
                    format!(
                        "Văn bản ủy quyền {} chỉ cho phép đến độ {}, không bao gồm {}.",
                        d.document_ref,
                        d.max_level.label(),
                        level.label()
                    ),
                    &rule.basis,
                )
            });
            continue;
        }
        if date < d.valid_from || date > d.valid_to || d.revoked_on.is_some_and(|r| r <= date) {
            reason = Some(CoreError::refused_with(
                "delegation_expired",
                format!(
                    "Văn bản ủy quyền {} không còn hiệu lực vào ngày {} (hiệu lực từ {} đến {}{}).",
                    d.document_ref,
                    fmt_vn(date),
                    fmt_vn(d.valid_from),
                    fmt_vn(d.valid_to),
                    d.revoked_on
                        .map(|r| format!(", đã thu hồi ngày {}", fmt_vn(r)))
                        .unwrap_or_default()
                ),
                &rule.basis,
            ));
            continue;
        }
        if position.is_none_or(|p| p.rank != Rank::Deputy) {
            reason = Some(CoreError::refused_with(
                "delegation_not_deputy",
                "Chỉ cấp phó của người đứng đầu mới được ủy quyền.".to_string(),
                &rule.basis,
            ));
            continue;
        }
        let grantor_ok = dv.grantor.active
            && dv.grantor_position.is_some_and(|gp| {
                gp.rank == Rank::Head
                    && eligible(regime, rule, gp)
                    && (rule.delegation_grantor_groups.is_empty()
                        || regime.kind_in_groups(&gp.kind, &rule.delegation_grantor_groups))
            });
        if !grantor_ok {
            reason = Some(CoreError::refused_with(
                "delegation_not_allowed",
                format!(
                    "Người ủy quyền ({}) không có thẩm quyền ủy quyền {} tài liệu {} (không được ủy quyền lại, và người đứng đầu cấp phòng không được ủy quyền).",
                    dv.grantor.full_name,
                    act.label(),
                    level.label()
                ),
                &rule.basis,
            ));
            continue;
        }
        return ok(Via::Delegation(d.id));
    }
    Err(reason.unwrap_or_else(no_authority))
}
