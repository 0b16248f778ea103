//! Records that arrive from outside the services (`bmnn import`, a restore, `bmnn doctor`'s data
//! check): each is read back into its domain type and checked as the services check it when they
//! write it — string hygiene (`validate::cmd`), the record's own conditions (`Record::check`) and
//! the rules of the regime of its date (`Record::check_rules`). A record that does not decode,
//! or that a service would have refused, is an error here (never silently dropped).

use crate::error::{CoreError, Result};
use crate::level::Level;
use crate::model::{Position, ProgrammeRecord, Role, SecretItem, User};
use crate::programme::{self, Record};
use crate::rules::RuleSet;
use crate::validate;

fn typed<T: Record>(rules: &RuleSet, r: &ProgrammeRecord, hygiene: bool) -> Result<()> {
    let stored = programme::decode::<T>(r)?;
    let t = if hygiene {
        validate::cmd(stored.record)?
    } else {
        stored.record
    };
    if t.key_date() != r.date {
        return Err(CoreError::invalid(
            "date",
            "ngày ghi ở cột không khớp với ngày trong nội dung hồ sơ",
        ));
    }
    t.check()?;
    t.check_rules(rules.regime_for_or_first(r.date))
}

/// Checks one stored programme record (hồ sơ công tác bảo vệ BMNN) as the services would when
/// saving it: a training with 0 participants, a lost document marked "taken down", a device
/// connected against the regime's rules… are refused.
pub fn check_record(rules: &RuleSet, r: &ProgrammeRecord) -> Result<()> {
    use programme::*;
    let kind = RecordKind::KEPT
        .iter()
        .chain(&[
            RecordKind::ReportDraft,
            RecordKind::UnitKey,
            RecordKind::UnitReport,
        ])
        .find(|k| k.code() == r.kind)
        .copied()
        .ok_or_else(|| CoreError::invalid("kind", "loại hồ sơ không có trong hệ thống"))?;
    match kind {
        RecordKind::Staff => typed::<StaffAssignment>(rules, r, true),
        RecordKind::Commitment => typed::<Commitment>(rules, r, true),
        RecordKind::Training => typed::<Training>(rules, r, true),
        RecordKind::Directive => typed::<Directive>(rules, r, true),
        RecordKind::Device => typed::<Device>(rules, r, true),
        RecordKind::Equipment => typed::<Equipment>(rules, r, true),
        RecordKind::Meeting => typed::<Meeting>(rules, r, true),
        RecordKind::Inspection => typed::<Inspection>(rules, r, true),
        RecordKind::Incident => typed::<Incident>(rules, r, true),
        RecordKind::LegacyReview => typed::<LegacyReview>(rules, r, true),
        RecordKind::Plan => typed::<AnnualPlan>(rules, r, true),
        RecordKind::SteeringCommittee => typed::<SteeringCommittee>(rules, r, true),
        RecordKind::KeyPost => typed::<KeyPost>(rules, r, true),
        // Report bookkeeping: written by the services from signed bundles and drafts (long
        // texts, encoded bundles); decoded and dated, not held to the one-line limits.
        RecordKind::ReportDraft => typed::<ReportDraft>(rules, r, false),
        RecordKind::UnitKey => typed::<UnitKey>(rules, r, false),
        RecordKind::UnitReport => typed::<crate::service::UnitReport>(rules, r, false),
    }
}

/// Checks a stored secret item (tài liệu): its strings as the services accept them.
pub fn check_item(i: &SecretItem) -> Result<()> {
    validate::cmd(i.clone()).map(|_| ())
}

/// Checks a stored account: its strings as the services accept them.
pub fn check_user(u: &User) -> Result<()> {
    validate::cmd(u.clone()).map(|_| ())
}

/// What makes an account privileged (tài khoản có đặc quyền), in Vietnamese: the administrator
/// role, a Tối mật or Tuyệt mật clearance, the leader or security-officer role, a position that
/// heads the agency. Empty for an ordinary account.
pub fn privileges(u: &User, positions: &[Position]) -> Vec<&'static str> {
    let mut out = Vec::new();
    if u.has(Role::Admin) {
        out.push("quản trị viên");
    }
    match u.clearance {
        Some(Level::TuyetMat) => out.push("tiếp cận Tuyệt mật"),
        Some(Level::ToiMat) => out.push("tiếp cận Tối mật"),
        _ => {}
    }
    if u.has(Role::Leader) {
        out.push("lãnh đạo");
    }
    if u.has(Role::SecurityOfficer) {
        out.push("cán bộ bảo vệ BMNN");
    }
    if u.position_id
        .is_some_and(|p| positions.iter().any(|x| x.id == p && x.heads_agency))
    {
        out.push("người đứng đầu cơ quan");
    }
    out
}
