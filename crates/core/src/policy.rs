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
use crate::model::{Delegation, Id, Position, Rank, Unit, User};
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

impl Authority {
    /// The rule applied, as a citation for the item's history.
    pub fn citation(&self) -> crate::rules::Citation {
        crate::rules::Citation {
            basis: self.basis.clone(),
            confirmed: self.confirmed,
            source: None,
        }
    }
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

/// Whether `grantor` (holding `grantor_pos`) may give `grantee` (holding `grantee_pos`) a
/// written delegation (văn bản ủy quyền) for `act` on items of `level` under `regime`: the rule
/// must allow delegation, the grantor must head a post that may decide and may delegate, and
/// the grantee must be a deputy (cấp phó). Checked when the delegation is recorded, and again
/// by [`authorise`] when it is used.
pub fn may_delegate(
    regime: &Regime,
    act: Act,
    level: Level,
    grantor: &User,
    grantor_pos: Option<&Position>,
    grantee_pos: Option<&Position>,
) -> Result<(), CoreError> {
    let rule = regime.rule(act, level);
    if rule.deputy != DeputyRule::Delegation {
        let what = match rule.deputy {
            DeputyRule::Direct => "cấp phó có thẩm quyền trực tiếp, không cần ủy quyền",
            _ => "việc này không được ủy quyền",
        };
        return Err(CoreError::refused_with(
            "delegation_not_allowed",
            format!(
                "Không thể ủy quyền {} tài liệu {}: {what}.",
                act.label(),
                level.label()
            ),
            &rule.basis,
            rule.confirmed,
        ));
    }
    let grantor_ok = grantor.active
        && grantor_pos.is_some_and(|gp| {
            gp.rank == Rank::Head
                && eligible(regime, rule, gp)
                && (rule.delegation_grantor_groups.is_empty()
                    || regime.kind_in_groups(&gp.kind, &rule.delegation_grantor_groups))
        });
    if !grantor_ok {
        return Err(CoreError::refused_with(
            "delegation_not_allowed",
            format!(
                "{} không có thẩm quyền ủy quyền {} tài liệu {} (chỉ người đứng đầu có thẩm quyền quyết định mới được ủy quyền; người đứng đầu cấp phòng không được ủy quyền). {}",
                grantor.full_name,
                act.label(),
                level.label(),
                rule.hint
            ),
            &rule.basis,
            rule.confirmed,
        ));
    }
    if grantee_pos.is_none_or(|p| p.rank != Rank::Deputy) {
        return Err(CoreError::refused_with(
            "delegation_not_deputy",
            "Chỉ cấp phó của người đứng đầu mới được ủy quyền.".to_string(),
            &rule.basis,
            rule.confirmed,
        ));
    }
    Ok(())
}

/// Whether the authority of `position` reaches an item of unit `item_unit`: the agency's
/// head and posts outside any unit reach every item; a unit's post reaches the items of its
/// unit and of the units below it (following `parent_id` upwards). An item of no unit belongs to
/// the agency as a whole and is reached by every post.
pub fn unit_covers(units: &[Unit], position: &Position, item_unit: Option<Id>) -> bool {
    let (Some(own), Some(mut u)) = (position.unit_id, item_unit) else {
        return true;
    };
    if position.heads_agency {
        return true;
    }
    // Walk up from the item's unit; the depth bound guards against a cycle in the data.
    for _ in 0..=units.len() {
        if u == own {
            return true;
        }
        match units.iter().find(|x| x.id == u).and_then(|x| x.parent_id) {
            Some(p) => u = p,
            None => return false,
        }
    }
    false
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
                rule.confirmed,
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
            rule.confirmed,
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
                    rule.confirmed,
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
                rule.confirmed,
            ));
            continue;
        }
        if position.is_none_or(|p| p.rank != Rank::Deputy) {
            reason = Some(CoreError::refused_with(
                "delegation_not_deputy",
                "Chỉ cấp phó của người đứng đầu mới được ủy quyền.".to_string(),
                &rule.basis,
                rule.confirmed,
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
                rule.confirmed,
            ));
            continue;
        }
        return ok(Via::Delegation(d.id));
    }
    Err(reason.unwrap_or_else(no_authority))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;
    use crate::rules::RuleSet;
    use proptest::prelude::*;
    use time::macros::date;

    fn user(id: Id, clearance: Option<Level>, pos: Option<Id>) -> User {
        User {
            id,
            username: format!("u{id}"),
            full_name: format!("Người dùng {id}"),
            roles: vec![Role::Leader],
            clearance,
            position_id: pos,
            unit_id: None,
            active: true,
        }
    }

    fn pos(id: Id, kind: &str, rank: Rank, heads: bool) -> Position {
        Position {
            id,
            title: format!("Chức vụ {id}"),
            kind: kind.into(),
            rank,
            heads_agency: heads,
            unit_id: None,
        }
    }

    fn kinds() -> Vec<String> {
        RuleSet::embedded()
            .position_kinds
            .iter()
            .map(|k| k.code.clone())
            .collect()
    }

    fn any_level() -> impl Strategy<Value = Level> {
        prop_oneof![Just(Level::Mat), Just(Level::ToiMat), Just(Level::TuyetMat)]
    }
    fn any_act() -> impl Strategy<Value = Act> {
        (0usize..Act::ALL.len()).prop_map(|i| Act::ALL[i])
    }
    fn any_rank() -> impl Strategy<Value = Rank> {
        prop_oneof![Just(Rank::Head), Just(Rank::Deputy), Just(Rank::Staff)]
    }
    fn any_date() -> impl Strategy<Value = Date> {
        prop_oneof![
            Just(date!(2026 - 02 - 15)),
            Just(date!(2026 - 03 - 15)),
            Just(date!(2025 - 06 - 01))
        ]
    }

    proptest! {
        /// Staff without delegation never decide; nobody decides beyond their clearance;
        /// external rules need the outside decision's reference.
        #[test]
        fn basic_invariants(act in any_act(), level in any_level(), date in any_date(), k in 0usize..27, rank in any_rank(), heads in any::<bool>(), cl in proptest::option::of(any_level()), ext in any::<bool>()) {
            let rules = RuleSet::embedded();
            let regime = rules.regime_for(date).unwrap();
            let kinds = kinds();
            let p = pos(1, &kinds[k % kinds.len()], rank, heads);
            let u = user(1, cl, Some(1));
            let ext_ref = if ext { Some("Văn bản số 1/TTg") } else { None };
            let r = authorise(regime, act, level, date, &u, Some(&p), &[], ext_ref);
            let rule = regime.rule(act, level);
            if rule.external.is_some() {
                prop_assert_eq!(r.is_ok(), ext);
                return Ok(());
            }
            if rank == Rank::Staff {
                prop_assert!(r.is_err());
            }
            if !crate::level::cleared_for(cl, level) {
                prop_assert!(r.is_err());
            }
            if rank == Rank::Deputy && rule.deputy != DeputyRule::Direct {
                prop_assert!(r.is_err(), "deputy without delegation");
            }
        }

        /// Copy authority is monotone in level: whoever may authorise a higher level may
        /// authorise every lower one (groups T ⊂ TM ⊂ M).
        #[test]
        fn copy_authority_is_monotone(date in any_date(), k in 0usize..27, heads in any::<bool>()) {
            let rules = RuleSet::embedded();
            let regime = rules.regime_for(date).unwrap();
            let kinds = kinds();
            let p = pos(1, &kinds[k % kinds.len()], Rank::Head, heads);
            let u = user(1, Some(Level::TuyetMat), Some(1));
            let ok = |l| authorise(regime, Act::Copy, l, date, &u, Some(&p), &[], None).is_ok();
            prop_assert!(!ok(Level::TuyetMat) || ok(Level::ToiMat));
            prop_assert!(!ok(Level::ToiMat) || ok(Level::Mat));
        }

        /// A delegation grants only on dates within its term, before revocation, for its acts
        /// and levels, to a deputy, from a head who may decide (never from a deputy: no
        /// sub-delegation).
        #[test]
        fn delegation_rules(act in any_act(), level in any_level(), max in any_level(), date in any_date(), from_off in -400i64..400, len in 0i64..400, revoked in any::<bool>(), grantor_rank in any_rank(), grantee_rank in any_rank()) {
            let rules = RuleSet::embedded();
            let regime = rules.regime_for(date).unwrap();
            let gp = pos(10, "bo-truong", grantor_rank, true);
            let grantor = user(10, Some(Level::TuyetMat), Some(10));
            let ep = pos(11, "bo-truong", grantee_rank, true);
            let grantee = user(11, Some(Level::TuyetMat), Some(11));
            let valid_from = date + time::Duration::days(from_off);
            let d = Delegation {
                id: 7,
                grantor_id: 10,
                grantee_id: 11,
                acts: vec![act],
                max_level: max,
                valid_from,
                valid_to: valid_from + time::Duration::days(len),
                document_ref: "Giấy ủy quyền 1".into(),
                revoked_on: if revoked { Some(valid_from) } else { None },
            };
            let views = [DelegationView { delegation: &d, grantor: &grantor, grantor_position: Some(&gp) }];
            let r = authorise(regime, act, level, date, &grantee, Some(&ep), &views, None);
            if let Ok(Authority { via: Via::Delegation(_), .. }) = r {
                prop_assert!(date >= d.valid_from && date <= d.valid_to);
                prop_assert!(!revoked || date < valid_from);
                prop_assert!(level <= max);
                prop_assert_eq!(grantor_rank, Rank::Head);
                prop_assert_eq!(grantee_rank, Rank::Deputy);
                prop_assert_eq!(regime.rule(act, level).deputy, DeputyRule::Delegation);
            }
        }
    }

    #[test]
    fn a_valid_delegation_grants_and_an_expired_one_does_not() {
        let rules = RuleSet::embedded();
        let regime = rules.regime("B").unwrap();
        let gp = pos(1, "so-ban-nganh-tinh", Rank::Head, true);
        let g = user(1, Some(Level::TuyetMat), Some(1));
        let ep = pos(2, "so-ban-nganh-tinh", Rank::Deputy, true);
        let e = user(2, Some(Level::ToiMat), Some(2));
        let d = Delegation {
            id: 9,
            grantor_id: 1,
            grantee_id: 2,
            acts: vec![Act::Copy],
            max_level: Level::ToiMat,
            valid_from: date!(2026 - 01 - 01),
            valid_to: date!(2026 - 06 - 30),
            document_ref: "GUQ 9".into(),
            revoked_on: None,
        };
        let v = [DelegationView {
            delegation: &d,
            grantor: &g,
            grantor_position: Some(&gp),
        }];
        let ok = authorise(
            regime,
            Act::Copy,
            Level::ToiMat,
            date!(2026 - 03 - 15),
            &e,
            Some(&ep),
            &v,
            None,
        )
        .unwrap();
        assert_eq!(ok.via, Via::Delegation(9));
        let late = authorise(
            regime,
            Act::Copy,
            Level::ToiMat,
            date!(2026 - 07 - 01),
            &e,
            Some(&ep),
            &v,
            None,
        )
        .unwrap_err();
        assert_eq!(late.code(), "delegation_expired");
        let other_act = authorise(
            regime,
            Act::Destroy,
            Level::ToiMat,
            date!(2026 - 03 - 15),
            &e,
            Some(&ep),
            &v,
            None,
        )
        .unwrap_err();
        assert_eq!(other_act.code(), "no_authority");
    }

    #[test]
    fn section_head_may_not_delegate_mat_copies() {
        // Law 29/2018 Điều 11.5 covers khoản 1 and 2 only.
        let rules = RuleSet::embedded();
        let regime = rules.regime("A").unwrap();
        let day = date!(2026 - 02 - 15);
        let gp = pos(1, "phong-thuoc-so", Rank::Head, false);
        let g = user(1, Some(Level::Mat), Some(1));
        assert!(authorise(regime, Act::Copy, Level::Mat, day, &g, Some(&gp), &[], None).is_ok());
        let ep = pos(2, "phong-thuoc-so", Rank::Deputy, false);
        let e = user(2, Some(Level::Mat), Some(2));
        let d = Delegation {
            id: 1,
            grantor_id: 1,
            grantee_id: 2,
            acts: vec![Act::Copy],
            max_level: Level::Mat,
            valid_from: date!(2026 - 01 - 01),
            valid_to: date!(2026 - 12 - 31),
            document_ref: "GUQ 1".into(),
            revoked_on: None,
        };
        let v = [DelegationView {
            delegation: &d,
            grantor: &g,
            grantor_position: Some(&gp),
        }];
        let err =
            authorise(regime, Act::Copy, Level::Mat, day, &e, Some(&ep), &v, None).unwrap_err();
        assert_eq!(err.code(), "delegation_not_allowed");
    }

    #[test]
    fn commune_chair_gains_toi_mat_copy_authority_under_regime_b() {
        let rules = RuleSet::embedded();
        let p = pos(1, "lanh-dao-xa", Rank::Head, true);
        let u = user(1, Some(Level::ToiMat), Some(1));
        let a = authorise(
            rules.regime("A").unwrap(),
            Act::Copy,
            Level::ToiMat,
            date!(2026 - 02 - 15),
            &u,
            Some(&p),
            &[],
            None,
        );
        let b = authorise(
            rules.regime("B").unwrap(),
            Act::Copy,
            Level::ToiMat,
            date!(2026 - 03 - 15),
            &u,
            Some(&p),
            &[],
            None,
        );
        assert_eq!(a.unwrap_err().code(), "no_authority");
        assert!(b.is_ok());
    }
}
