//! Reports (báo cáo) computed from the records: the annual preliminary report (sơ kết 01 năm),
//! the five-year review (tổng kết 05 năm) and the ad-hoc incident report (báo cáo đột xuất),
//! ND26 Điều 8 (legal.md §19).
//!
//! [`compute_figures`] is pure: given the data period and everything the service read
//! (items, their events, requests, register entries and programme records), it counts. Every
//! figure of a report comes from here, so a figure in the report equals the figure of the
//! records by construction; [`Figures::add`] sums the figures of subordinate units for the
//! level above. [`build`] lays the figures out in the sections of the regime's
//! [`ReportTemplate`] (tables of text, ready for a DOCX or a page) and joins the narrative that
//! people wrote. Nothing here reads a summary (trích yếu): items are counted by level only.

use crate::dates::fmt_vn;
use crate::error::{CoreError, Result};
use crate::level::Level;
use crate::model::*;
use crate::programme::*;
use crate::registers::{RegisterEntry, RegisterKind};
use crate::rules::{Regime, ReportSection as TemplateSection};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// Fields that add up across units, with checked arithmetic: `None` when a sum would not fit
/// (a figure is never wrapped around; on `None` the value may be partly summed, so callers sum
/// into a copy).
pub trait Accumulate {
    fn accumulate(&mut self, other: &Self) -> Option<()>;
}

impl Accumulate for u64 {
    fn accumulate(&mut self, other: &Self) -> Option<()> {
        *self = self.checked_add(*other)?;
        Some(())
    }
}

macro_rules! accumulate {
    ($t:ty; $($f:ident),* $(,)?) => {
        impl Accumulate for $t {
            fn accumulate(&mut self, o: &Self) -> Option<()> {
                $( Accumulate::accumulate(&mut self.$f, &o.$f)?; )*
                Some(())
            }
        }
    };
}

/// Counts by level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByLevel {
    pub tuyet_mat: u64,
    pub toi_mat: u64,
    pub mat: u64,
}
accumulate!(ByLevel; tuyet_mat, toi_mat, mat);

impl ByLevel {
    pub fn bump(&mut self, l: Level) {
        *self.get_mut(l) += 1;
    }
    /// Adds `n` at level `l` (counts gathered by the store).
    pub fn add(&mut self, l: Level, n: u64) {
        *self.get_mut(l) += n;
    }
    pub fn get(&self, l: Level) -> u64 {
        match l {
            Level::TuyetMat => self.tuyet_mat,
            Level::ToiMat => self.toi_mat,
            Level::Mat => self.mat,
        }
    }
    fn get_mut(&mut self, l: Level) -> &mut u64 {
        match l {
            Level::TuyetMat => &mut self.tuyet_mat,
            Level::ToiMat => &mut self.toi_mat,
            Level::Mat => &mut self.mat,
        }
    }
    /// The three levels together (the figures are checked by [`Figures::check_sums`] before a
    /// report is laid out, so this sum fits).
    pub fn total(&self) -> u64 {
        self.tuyet_mat
            .saturating_add(self.toi_mat)
            .saturating_add(self.mat)
    }
    pub fn checked_total(&self) -> Option<u64> {
        self.tuyet_mat
            .checked_add(self.toi_mat)?
            .checked_add(self.mat)
    }
}

/// Acts on secret items in the period, by level of the item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFigures {
    /// Xác định độ mật.
    pub classified: ByLevel,
    /// Tiếp nhận (BMNN đến).
    pub received: ByLevel,
    /// Phát hành (BMNN đi).
    pub sent: ByLevel,
    /// Sao, chụp (lượt).
    pub copied: ByLevel,
    /// Mang ra khỏi nơi lưu giữ (được cho phép).
    pub taken_out: ByLevel,
    /// Cung cấp, chuyển giao.
    pub provided: ByLevel,
    pub extended: ByLevel,
    pub adjusted: ByLevel,
    pub declassified: ByLevel,
    pub destroyed: ByLevel,
}
accumulate!(ItemFigures; classified, received, sent, copied, taken_out, provided, extended, adjusted, declassified, destroyed);

/// Entries made in the registers in the period (cancelled entries excluded).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterFigures {
    pub outgoing: u64,
    pub incoming: u64,
    pub handover: u64,
    pub copies: u64,
}
accumulate!(RegisterFigures; outgoing, incoming, handover, copies);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingFigures {
    pub sessions: u64,
    pub participants: u64,
    pub training_sessions: u64,
    pub training_participants: u64,
    pub dissemination_sessions: u64,
    pub dissemination_participants: u64,
    pub briefing_sessions: u64,
    pub briefing_participants: u64,
}
accumulate!(TrainingFigures; sessions, participants, training_sessions, training_participants, dissemination_sessions, dissemination_participants, briefing_sessions, briefing_participants);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffFigures {
    /// Chuyên trách, in post at the end of the period.
    pub full_time: u64,
    /// Kiêm nhiệm, in post at the end of the period.
    pub concurrent: u64,
    /// Phân công mới trong kỳ.
    pub assigned: u64,
    /// Thôi phân công trong kỳ.
    pub left: u64,
    pub commitments: u64,
    pub commitments_assignment: u64,
    pub commitments_leaving: u64,
    pub commitments_retirement: u64,
    pub commitments_access: u64,
}
accumulate!(StaffFigures; full_time, concurrent, assigned, left, commitments, commitments_assignment, commitments_leaving, commitments_retirement, commitments_access);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectiveFigures {
    pub issued: u64,
    pub received: u64,
    pub plans: u64,
    pub regulations: u64,
    pub internal_rules: u64,
    pub letters: u64,
    pub decisions: u64,
    pub other: u64,
}
accumulate!(DirectiveFigures; issued, received, plans, regulations, internal_rules, letters, decisions, other);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceFigures {
    /// In use for BMNN at the end of the period.
    pub in_use: u64,
    pub computers: u64,
    pub storage_media: u64,
    pub copiers: u64,
    pub other: u64,
    /// Of those in use: security-checked and stamped.
    pub inspected: u64,
    /// Chuyển mục đích sử dụng trong kỳ.
    pub repurposed: u64,
    /// Thanh lý trong kỳ.
    pub disposed: u64,
    /// Lượt xóa BMNN trong kỳ.
    pub wipes: u64,
}
accumulate!(DeviceFigures; in_use, computers, storage_media, copiers, other, inspected, repurposed, disposed, wipes);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquipmentFigures {
    pub units: u64,
    pub stamps: u64,
    pub registers: u64,
}
accumulate!(EquipmentFigures; units, stamps, registers);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingFigures {
    pub meetings: u64,
    pub by_level: ByLevel,
    pub documents_issued: u64,
    pub documents_returned: u64,
}
accumulate!(MeetingFigures; meetings, by_level, documents_issued, documents_returned);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionFigures {
    pub inspections: u64,
    pub self_inspections: u64,
    /// Lượt đơn vị được kiểm tra.
    pub units_inspected: u64,
    pub findings: u64,
    pub remedies: u64,
    pub remedies_done: u64,
    pub remedies_overdue: u64,
}
accumulate!(InspectionFigures; inspections, self_inspections, units_inspected, findings, remedies, remedies_done, remedies_overdue);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelFigures {
    pub agency_website: u64,
    pub social_network: u64,
    pub improper_provision: u64,
    pub physical_loss: u64,
    pub other: u64,
}
accumulate!(ChannelFigures; agency_website, social_network, improper_provision, physical_loss, other);

impl ChannelFigures {
    pub fn get(&self, c: Channel) -> u64 {
        match c {
            Channel::AgencyWebsite => self.agency_website,
            Channel::SocialNetwork => self.social_network,
            Channel::ImproperProvision => self.improper_provision,
            Channel::PhysicalLoss => self.physical_loss,
            Channel::Other => self.other,
        }
    }
    fn bump(&mut self, c: Channel) {
        match c {
            Channel::AgencyWebsite => self.agency_website += 1,
            Channel::SocialNetwork => self.social_network += 1,
            Channel::ImproperProvision => self.improper_provision += 1,
            Channel::PhysicalLoss => self.physical_loss += 1,
            Channel::Other => self.other += 1,
        }
    }
    /// On the Internet: agency websites and social networks (Law 29/2018 Điều 5.9).
    pub fn internet(&self) -> u64 {
        // Checked by [`Figures::check_sums`] before a report is laid out.
        self.agency_website.saturating_add(self.social_network)
    }
}

/// Vụ lộ, mất (ND26 Điều 8.2.c).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentFigures {
    pub incidents: u64,
    pub exposures: u64,
    pub losses: u64,
    pub by_channel: ChannelFigures,
    pub documents: u64,
    pub documents_by_level: ByLevel,
    /// Documents never marked with a level.
    pub documents_unmarked: u64,
    pub documents_in_catalogue: u64,
    pub recovered: u64,
    pub taken_down: u64,
    pub criminal_referrals: u64,
    pub disciplined: u64,
    pub criticised: u64,
    pub adhoc_reported: u64,
}
accumulate!(IncidentFigures; incidents, exposures, losses, by_channel, documents, documents_by_level, documents_unmarked, documents_in_catalogue, recovered, taken_down, criminal_referrals, disciplined, criticised, adhoc_reported);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyFigures {
    pub reviewed: u64,
    pub extended: u64,
    pub declassified: u64,
}
accumulate!(LegacyFigures; reviewed, extended, declassified);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFigures {
    /// Kế hoạch năm đã ban hành.
    pub plans: u64,
    pub tasks: u64,
    pub tasks_done: u64,
    pub tasks_overdue: u64,
    pub subordinates: u64,
    pub plans_on_time: u64,
    pub reports_on_time: u64,
}
accumulate!(PlanFigures; plans, tasks, tasks_done, tasks_overdue, subordinates, plans_on_time, reports_on_time);

/// Every figure of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub items: ItemFigures,
    pub registers: RegisterFigures,
    pub training: TrainingFigures,
    pub staff: StaffFigures,
    pub directives: DirectiveFigures,
    pub devices: DeviceFigures,
    pub equipment: EquipmentFigures,
    pub meetings: MeetingFigures,
    pub inspections: InspectionFigures,
    pub incidents: IncidentFigures,
    pub legacy: LegacyFigures,
    pub plan: PlanFigures,
}
accumulate!(Figures; items, registers, training, staff, directives, devices, equipment, meetings, inspections, incidents, legacy, plan);

/// The largest single figure a subordinate unit's report may carry (one thousand billion).
pub const MAX_FIGURE: u64 = 1_000_000_000_000;

fn too_large() -> CoreError {
    CoreError::refused(
        "report_overflow",
        "Số liệu báo cáo quá lớn, không cộng được: tổng vượt quá giới hạn tính toán. \
         Đề nghị kiểm tra lại số liệu của các đơn vị cấp dưới.",
    )
}

impl Figures {
    /// Adds another unit's figures (the level above sums its own and its units'). A sum that
    /// would not fit is refused (`report_overflow`) and `self` is left as it was.
    pub fn add(&mut self, other: &Figures) -> Result<()> {
        let mut sum = self.clone();
        sum.accumulate(other).ok_or_else(too_large)?;
        sum.check_sums()?;
        *self = sum;
        Ok(())
    }

    /// Every single figure at most [`MAX_FIGURE`]: what a unit sends up is refused
    /// (`bundle_figures`) otherwise, so that no plausible number of units can make the level
    /// above's sums overflow.
    pub fn check_plausible(&self) -> Result<()> {
        fn over(v: &serde_json::Value) -> bool {
            match v {
                serde_json::Value::Number(n) => n.as_u64().is_none_or(|n| n > MAX_FIGURE),
                serde_json::Value::Object(m) => m.values().any(over),
                serde_json::Value::Array(a) => a.iter().any(over),
                _ => false,
            }
        }
        let v = serde_json::to_value(self).map_err(|e| CoreError::Storage(e.to_string()))?;
        if over(&v) {
            return Err(CoreError::refused(
                "bundle_figures",
                format!(
                    "Gói báo cáo có số liệu lớn bất thường (vượt quá {}); đề nghị đơn vị kiểm tra lại số liệu và gửi lại gói báo cáo.",
                    num(MAX_FIGURE)
                ),
            ));
        }
        Ok(())
    }

    /// Every figure the report derives by adding (totals by level, figures on the Internet)
    /// fits; refused (`report_overflow`) otherwise.
    pub fn check_sums(&self) -> Result<()> {
        let i = &self.items;
        let levels = [
            &i.classified,
            &i.received,
            &i.sent,
            &i.copied,
            &i.taken_out,
            &i.provided,
            &i.extended,
            &i.adjusted,
            &i.declassified,
            &i.destroyed,
            &self.meetings.by_level,
            &self.incidents.documents_by_level,
        ];
        let c = &self.incidents.by_channel;
        if levels.iter().any(|b| b.checked_total().is_none())
            || c.agency_website.checked_add(c.social_network).is_none()
        {
            return Err(too_large());
        }
        Ok(())
    }
}

/// The data period of a report (both ends included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    #[serde(with = "crate::dates::iso_date")]
    pub start: Date,
    #[serde(with = "crate::dates::iso_date")]
    pub end: Date,
}

impl Period {
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
}

/// What the report counts on items, requests and registers in a period, gathered by the store
/// in one aggregate query per table ([`crate::ports::Tx::report_activity`]) within the reader's
/// scope. [`activity_of_rows`] computes the same from full rows (the oracle of the tests and
/// the reference of the benchmark).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    /// History events (sự kiện) dated in the period, by event kind and the item's current
    /// level: (kind, level, count).
    pub events: Vec<(String, Level, u64)>,
    /// Approved take-out requests (mang ra khỏi nơi lưu giữ) decided in the period, by the
    /// request's level.
    pub taken_out: ByLevel,
    /// Register entries (dòng sổ) dated in the period and not cancelled, by book.
    pub registers: Vec<(RegisterKind, u64)>,
}

/// [`Activity`] over full rows, the way the report counted before the store aggregated it:
/// each event of a visible item, each approved take-out by its decision date, each live entry
/// by its date. Kept as the oracle of the aggregate queries (tests, benchmark).
#[doc(hidden)]
pub fn activity_of_rows(
    period: Period,
    items: &[SecretItem],
    events: &[ItemEvent],
    requests: &[Request],
    registers: &[RegisterEntry],
) -> Activity {
    let p = period;
    let level_of: BTreeMap<Id, Level> = items.iter().map(|it| (it.id, it.level)).collect();
    let mut by_kind: BTreeMap<(String, Level), u64> = BTreeMap::new();
    for e in events.iter().filter(|e| p.contains(e.on)) {
        if let Some(&l) = level_of.get(&e.item_id) {
            *by_kind.entry((e.kind.clone(), l)).or_default() += 1;
        }
    }
    let mut a = Activity {
        events: by_kind.into_iter().map(|((k, l), n)| (k, l, n)).collect(),
        ..Default::default()
    };
    for r in requests {
        if r.kind == RequestKind::TakeOut
            && let Some(d) = &r.decision
            && d.approved
            && p.contains(d.on)
        {
            a.taken_out.bump(r.level);
        }
    }
    let mut books: BTreeMap<&'static str, (RegisterKind, u64)> = BTreeMap::new();
    for e in registers
        .iter()
        .filter(|e| e.cancelled.is_none() && p.contains(e.date))
    {
        books.entry(e.kind.code()).or_insert((e.kind, 0)).1 += 1;
    }
    a.registers = books.into_values().collect();
    a
}

/// What the computation looks at (read by the service within the reader's scope).
pub struct Inputs<'a> {
    pub period: Period,
    /// For "overdue" figures.
    pub today: Date,
    /// The report deadline (subordinate reports on time arrive by it).
    pub report_due: Date,
    /// Acts on items, take-outs and register entries of the period.
    pub activity: &'a Activity,
    /// Programme records the figures of the period need (every one decodes: the service
    /// refuses a report over a record that does not).
    pub records: &'a [ProgrammeRecord],
}

fn typed<T: Record>(records: &[ProgrammeRecord]) -> Vec<Stored<T>> {
    records
        .iter()
        .filter(|r| r.kind == T::KIND.code() && !super::is_cancelled(r))
        .filter_map(|r| decode::<T>(r).ok())
        .collect()
}

/// Counts every figure for the period.
pub fn compute_figures(i: &Inputs<'_>) -> Figures {
    let p = i.period;
    let mut f = Figures::default();

    // Acts on items, from their history events (each event is one act on one item).
    for (kind, l, n) in &i.activity.events {
        let slot = match kind.as_str() {
            "classified" => &mut f.items.classified,
            "received" => &mut f.items.received,
            "registered-outgoing" => &mut f.items.sent,
            "copies-produced" => &mut f.items.copied,
            "provided" => &mut f.items.provided,
            "extended" => &mut f.items.extended,
            "adjusted" => &mut f.items.adjusted,
            "declassified" | "declassified-partial" | "declassified-catalogue" => {
                &mut f.items.declassified
            }
            "destroyed" => &mut f.items.destroyed,
            _ => continue,
        };
        slot.add(*l, *n);
    }
    // Taken out: approved take-out requests, by the decision date (ND26 Điều 5).
    f.items.taken_out = i.activity.taken_out;
    for (kind, n) in &i.activity.registers {
        match kind {
            RegisterKind::Outgoing => f.registers.outgoing += n,
            RegisterKind::Incoming => f.registers.incoming += n,
            RegisterKind::Handover => f.registers.handover += n,
            RegisterKind::Copies => f.registers.copies += n,
        }
    }

    let r = i.records;
    for t in typed::<Training>(r)
        .iter()
        .filter(|t| p.contains(t.record.date))
    {
        let n = t.record.participants as u64;
        f.training.sessions += 1;
        f.training.participants += n;
        let (s, q) = match t.record.kind {
            TrainingKind::Training => (
                &mut f.training.training_sessions,
                &mut f.training.training_participants,
            ),
            TrainingKind::Dissemination => (
                &mut f.training.dissemination_sessions,
                &mut f.training.dissemination_participants,
            ),
            TrainingKind::Briefing => (
                &mut f.training.briefing_sessions,
                &mut f.training.briefing_participants,
            ),
        };
        *s += 1;
        *q += n;
    }

    for s in typed::<StaffAssignment>(r) {
        let s = s.record;
        if s.active_on(p.end) {
            match s.mode {
                StaffMode::FullTime => f.staff.full_time += 1,
                StaffMode::Concurrent => f.staff.concurrent += 1,
            }
        }
        if p.contains(s.decision_date) {
            f.staff.assigned += 1;
        }
        if s.ended_on.is_some_and(|e| p.contains(e)) {
            f.staff.left += 1;
        }
    }
    for c in typed::<Commitment>(r)
        .iter()
        .filter(|c| p.contains(c.record.signed_on))
    {
        f.staff.commitments += 1;
        match c.record.occasion {
            CommitmentOccasion::Assignment => f.staff.commitments_assignment += 1,
            CommitmentOccasion::Leaving => f.staff.commitments_leaving += 1,
            CommitmentOccasion::Retirement => f.staff.commitments_retirement += 1,
            CommitmentOccasion::Access => f.staff.commitments_access += 1,
        }
    }

    for d in typed::<Directive>(r)
        .iter()
        .filter(|d| p.contains(d.record.date))
    {
        match d.record.direction {
            Direction::Issued => f.directives.issued += 1,
            Direction::Received => f.directives.received += 1,
        }
        match d.record.kind {
            DirectiveKind::Plan => f.directives.plans += 1,
            DirectiveKind::Regulation => f.directives.regulations += 1,
            DirectiveKind::InternalRules => f.directives.internal_rules += 1,
            DirectiveKind::Letter => f.directives.letters += 1,
            DirectiveKind::Decision => f.directives.decisions += 1,
            DirectiveKind::Other => f.directives.other += 1,
        }
    }

    for d in typed::<Device>(r) {
        let d = d.record;
        let gone = |x: Option<Date>| x.is_some_and(|x| x <= p.end);
        let out_of_use = (d.status == DeviceStatus::Repurposed && gone(d.repurposed_on))
            || (d.status == DeviceStatus::Disposed && gone(d.disposed_on));
        if d.in_use_from <= p.end && !out_of_use {
            f.devices.in_use += 1;
            match d.kind {
                DeviceKind::Computer => f.devices.computers += 1,
                DeviceKind::StorageMedium => f.devices.storage_media += 1,
                DeviceKind::Copier => f.devices.copiers += 1,
                DeviceKind::Other => f.devices.other += 1,
            }
            if d.inspected_on.is_some_and(|x| x <= p.end) {
                f.devices.inspected += 1;
            }
        }
        if d.status == DeviceStatus::Repurposed && d.repurposed_on.is_some_and(|x| p.contains(x)) {
            f.devices.repurposed += 1;
        }
        if d.status == DeviceStatus::Disposed && d.disposed_on.is_some_and(|x| p.contains(x)) {
            f.devices.disposed += 1;
        }
        f.devices.wipes += d.wipes.iter().filter(|w| p.contains(w.date)).count() as u64;
    }

    // Equipment: the latest count of each unit on or before the end of the period.
    let mut latest: BTreeMap<String, Equipment> = BTreeMap::new();
    for e in typed::<Equipment>(r) {
        let e = e.record;
        if e.as_of <= p.end && latest.get(&e.unit).is_none_or(|x| x.as_of <= e.as_of) {
            latest.insert(e.unit.clone(), e);
        }
    }
    for e in latest.values() {
        f.equipment.units += 1;
        f.equipment.stamps += e.stamps as u64;
        f.equipment.registers += e.registers as u64;
    }

    for m in typed::<Meeting>(r)
        .iter()
        .filter(|m| p.contains(m.record.date))
    {
        f.meetings.meetings += 1;
        f.meetings.by_level.bump(m.record.level);
        f.meetings.documents_issued += m.record.documents_issued as u64;
        f.meetings.documents_returned += m.record.documents_returned as u64;
    }

    for x in typed::<Inspection>(r)
        .iter()
        .filter(|x| p.contains(x.record.date))
    {
        let x = &x.record;
        match x.kind {
            InspectionKind::Inspection => f.inspections.inspections += 1,
            InspectionKind::SelfInspection => f.inspections.self_inspections += 1,
        }
        f.inspections.units_inspected += x.units.len() as u64;
        f.inspections.findings += x.findings.len() as u64;
        for m in &x.remedies {
            f.inspections.remedies += 1;
            match m.done_on {
                Some(_) => f.inspections.remedies_done += 1,
                None if m.deadline < i.today => f.inspections.remedies_overdue += 1,
                None => {}
            }
        }
    }

    for x in typed::<Incident>(r)
        .iter()
        .filter(|x| p.contains(x.record.discovered_on))
    {
        add_incident(&mut f.incidents, &x.record);
    }

    for x in typed::<LegacyReview>(r)
        .iter()
        .filter(|x| p.contains(x.record.date))
    {
        f.legacy.reviewed += x.record.reviewed as u64;
        f.legacy.extended += x.record.extended as u64;
        f.legacy.declassified += x.record.declassified as u64;
    }

    for x in typed::<AnnualPlan>(r)
        .iter()
        .filter(|x| x.record.year > p.start.year() && x.record.year <= p.end.year())
    {
        let x = &x.record;
        f.plan.plans += 1;
        for t in &x.tasks {
            f.plan.tasks += 1;
            match t.done_on {
                Some(_) => f.plan.tasks_done += 1,
                None if t.deadline < i.today => f.plan.tasks_overdue += 1,
                None => {}
            }
        }
        f.plan.subordinates += x.subordinates.len() as u64;
        for s in &x.subordinates {
            if let (Some(got), Some(due)) = (s.plan_received_on, x.subordinate_plan_due)
                && got <= due
            {
                f.plan.plans_on_time += 1;
            }
            if s.report_received_on.is_some_and(|got| got <= i.report_due) {
                f.plan.reports_on_time += 1;
            }
        }
    }
    f
}

/// Adds one incident to the incident figures.
pub fn add_incident(f: &mut IncidentFigures, x: &Incident) {
    f.incidents += 1;
    match x.kind {
        IncidentKind::Exposure => f.exposures += 1,
        IncidentKind::Loss => f.losses += 1,
    }
    f.by_channel.bump(x.channel);
    for d in &x.documents {
        f.documents += 1;
        match d.level {
            Some(l) => f.documents_by_level.bump(l),
            None => f.documents_unmarked += 1,
        }
        if d.in_catalogue {
            f.documents_in_catalogue += 1;
        }
    }
    f.recovered += x.recovered as u64;
    f.taken_down += x.taken_down as u64;
    f.criminal_referrals += x.criminal_referral as u64;
    f.disciplined += x.discipline.disciplined as u64;
    f.criticised += x.discipline.criticised as u64;
    f.adhoc_reported += x.adhoc_report.is_some() as u64;
}

// ---------------------------------------------------------------------------------------------
// The report model.

/// A table of a report, already laid out as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Code from [`crate::rules::REPORT_TABLES`].
    pub code: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One section of the report: template heading, computed statements and tables, narrative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub code: String,
    pub heading: String,
    /// Sentences computed from the figures.
    pub facts: Vec<String>,
    pub tables: Vec<Table>,
    /// Text written by people (empty when none was written yet).
    pub narrative: String,
}

/// A subordinate unit's report as the level above sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitStatus {
    pub unit: String,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    pub received_on: Option<Date>,
    pub on_time: bool,
    pub figures: Option<Figures>,
}

/// The printed particulars of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Particulars {
    pub superior: Option<String>,
    pub agency: String,
    pub place: String,
    pub number: String,
    #[serde(with = "crate::dates::iso_date")]
    pub date: Date,
    pub recipients: Vec<String>,
    pub archive: String,
    pub signer_authority: Option<String>,
    pub signer_position: String,
    pub signer_name: String,
}

/// A report, ready to render (DOCX, JSON, page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportModel {
    pub kind: ReportKind,
    pub year: i32,
    pub regime: String,
    /// The regime's reporting rules are confirmed (false under regime B, legal.md §28.16).
    pub confirmed: bool,
    pub basis: String,
    pub title: String,
    pub period: Period,
    #[serde(with = "crate::dates::iso_date")]
    pub due: Date,
    pub particulars: Particulars,
    /// This agency's own figures.
    pub own: Figures,
    /// Subordinate units (with the figures of those that reported).
    pub units: Vec<UnitStatus>,
    /// Own plus every unit's figures.
    pub figures: Figures,
    /// For an incident report: the incident record.
    pub incident_id: Option<Id>,
    pub sections: Vec<Section>,
    /// Points of the regime still unconfirmed, printed as a note.
    pub notes: Vec<String>,
}

/// Vietnamese number: 2.215 (dot as thousands separator).
pub fn num(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn row(label: &str, values: &[u64]) -> Vec<String> {
    let mut v = vec![label.to_string()];
    v.extend(values.iter().map(|n| num(*n)));
    v
}

fn cols(c: &[&str]) -> Vec<String> {
    c.iter().map(|s| s.to_string()).collect()
}

/// Lays out one figure table.
pub fn table(code: &str, f: &Figures, units: &[UnitStatus], incidents: &[Incident]) -> Table {
    let t = |title: &str, columns: &[&str], rows: Vec<Vec<String>>| Table {
        code: code.to_string(),
        title: title.to_string(),
        columns: cols(columns),
        rows,
    };
    let lv = |label: &str, b: &ByLevel| row(label, &[b.tuyet_mat, b.toi_mat, b.mat, b.total()]);
    match code {
        "items" => {
            let i = &f.items;
            t(
                "Tài liệu, vật chứa bí mật nhà nước theo độ mật",
                &["Nội dung", "Tuyệt mật", "Tối mật", "Mật", "Tổng"],
                vec![
                    lv("Xác định độ mật", &i.classified),
                    lv("Tiếp nhận (bí mật nhà nước đến)", &i.received),
                    lv("Phát hành (bí mật nhà nước đi)", &i.sent),
                    lv("Sao, chụp (lượt)", &i.copied),
                    lv("Mang ra khỏi nơi lưu giữ", &i.taken_out),
                    lv("Cung cấp, chuyển giao", &i.provided),
                    lv("Gia hạn thời hạn bảo vệ", &i.extended),
                    lv("Điều chỉnh độ mật", &i.adjusted),
                    lv("Giải mật", &i.declassified),
                    lv("Tiêu hủy", &i.destroyed),
                ],
            )
        }
        "registers" => {
            let r = &f.registers;
            t(
                "Đăng ký vào sổ",
                &["Sổ", "Số lượt đăng ký"],
                vec![
                    row("Sổ đăng ký bí mật nhà nước đi", &[r.outgoing]),
                    row("Sổ đăng ký bí mật nhà nước đến", &[r.incoming]),
                    row("Sổ chuyển giao bí mật nhà nước", &[r.handover]),
                    row("Sổ quản lý sao, chụp bí mật nhà nước", &[r.copies]),
                ],
            )
        }
        "training" => {
            let x = &f.training;
            t(
                "Tập huấn, phổ biến, quán triệt",
                &["Hình thức", "Số buổi", "Số người tham dự"],
                vec![
                    row("Tập huấn", &[x.training_sessions, x.training_participants]),
                    row(
                        "Phổ biến, tuyên truyền",
                        &[x.dissemination_sessions, x.dissemination_participants],
                    ),
                    row(
                        "Quán triệt",
                        &[x.briefing_sessions, x.briefing_participants],
                    ),
                    row("Tổng", &[x.sessions, x.participants]),
                ],
            )
        }
        "staff" => {
            let s = &f.staff;
            t(
                "Cán bộ làm công tác bảo vệ bí mật nhà nước; cam kết",
                &["Nội dung", "Số lượng"],
                vec![
                    row("Cán bộ chuyên trách (cuối kỳ)", &[s.full_time]),
                    row("Cán bộ kiêm nhiệm (cuối kỳ)", &[s.concurrent]),
                    row("Phân công mới trong kỳ", &[s.assigned]),
                    row("Thôi phân công trong kỳ", &[s.left]),
                    row("Cam kết bảo vệ bí mật nhà nước đã ký", &[s.commitments]),
                    row("- khi được phân công", &[s.commitments_assignment]),
                    row("- khi thôi việc, chuyển công tác", &[s.commitments_leaving]),
                    row("- khi nghỉ hưu", &[s.commitments_retirement]),
                    row("- khi tiếp cận bí mật nhà nước", &[s.commitments_access]),
                ],
            )
        }
        "directives" => {
            let d = &f.directives;
            t(
                "Văn bản triển khai công tác bảo vệ bí mật nhà nước",
                &["Nội dung", "Số lượng"],
                vec![
                    row("Văn bản ban hành", &[d.issued]),
                    row("Văn bản của cấp trên đã nhận", &[d.received]),
                    row("- Kế hoạch", &[d.plans]),
                    row("- Quy chế", &[d.regulations]),
                    row("- Nội quy", &[d.internal_rules]),
                    row("- Công văn", &[d.letters]),
                    row("- Quyết định", &[d.decisions]),
                    row("- Văn bản khác", &[d.other]),
                ],
            )
        }
        "devices" => {
            let d = &f.devices;
            t(
                "Máy tính, thiết bị dùng cho bí mật nhà nước",
                &["Nội dung", "Số lượng"],
                vec![
                    row("Đang sử dụng (cuối kỳ)", &[d.in_use]),
                    row("- Máy tính", &[d.computers]),
                    row("- Thiết bị lưu trữ", &[d.storage_media]),
                    row("- Máy sao, chụp", &[d.copiers]),
                    row("- Thiết bị khác", &[d.other]),
                    row("Đã kiểm tra an ninh, dán tem", &[d.inspected]),
                    row("Lượt xóa bí mật nhà nước trong kỳ", &[d.wipes]),
                    row("Chuyển mục đích sử dụng trong kỳ", &[d.repurposed]),
                    row("Thanh lý trong kỳ", &[d.disposed]),
                ],
            )
        }
        "equipment" => {
            let e = &f.equipment;
            t(
                "Trang bị con dấu, sổ sách",
                &["Nội dung", "Số lượng"],
                vec![
                    row("Đơn vị đã trang bị", &[e.units]),
                    row("Con dấu mật", &[e.stamps]),
                    row("Sổ đăng ký, quản lý bí mật nhà nước", &[e.registers]),
                ],
            )
        }
        "meetings" => {
            let m = &f.meetings;
            t(
                "Hội nghị, cuộc họp có nội dung bí mật nhà nước",
                &["Nội dung", "Tuyệt mật", "Tối mật", "Mật", "Tổng"],
                vec![
                    lv("Số hội nghị, cuộc họp", &m.by_level),
                    vec![
                        "Tài liệu phát ra / đã thu hồi".to_string(),
                        String::new(),
                        String::new(),
                        String::new(),
                        format!(
                            "{} / {}",
                            num(m.documents_issued),
                            num(m.documents_returned)
                        ),
                    ],
                ],
            )
        }
        "inspections" => {
            let x = &f.inspections;
            t(
                "Kiểm tra, tự kiểm tra",
                &["Nội dung", "Số lượng"],
                vec![
                    row("Cuộc kiểm tra", &[x.inspections]),
                    row("Cuộc tự kiểm tra", &[x.self_inspections]),
                    row("Lượt đơn vị được kiểm tra", &[x.units_inspected]),
                    row("Tồn tại, hạn chế phát hiện", &[x.findings]),
                    row("Biện pháp khắc phục đề ra", &[x.remedies]),
                    row("Đã khắc phục", &[x.remedies_done]),
                    row("Quá hạn chưa khắc phục", &[x.remedies_overdue]),
                ],
            )
        }
        "legacy" => {
            let l = &f.legacy;
            t(
                "Rà soát bí mật nhà nước xác định trước ngày 01/01/2019",
                &["Nội dung", "Số lượng"],
                vec![
                    row("Đã rà soát", &[l.reviewed]),
                    row("Gia hạn thời hạn bảo vệ", &[l.extended]),
                    row("Giải mật", &[l.declassified]),
                ],
            )
        }
        "plan" => {
            let p = &f.plan;
            t(
                "Thực hiện kế hoạch công tác bảo vệ bí mật nhà nước",
                &["Nội dung", "Số lượng"],
                vec![
                    row("Kế hoạch năm đã ban hành", &[p.plans]),
                    row("Nhiệm vụ trong kế hoạch", &[p.tasks]),
                    row("Đã hoàn thành", &[p.tasks_done]),
                    row("Quá hạn chưa hoàn thành", &[p.tasks_overdue]),
                    row("Đơn vị cấp dưới", &[p.subordinates]),
                    row("Gửi kế hoạch đúng hạn", &[p.plans_on_time]),
                    row("Gửi báo cáo đúng hạn", &[p.reports_on_time]),
                ],
            )
        }
        "units" => t(
            "Báo cáo của các đơn vị cấp dưới",
            &[
                "Đơn vị",
                "Ngày nhận",
                "Đúng hạn",
                "Số vụ lộ, mất",
                "Số buổi tập huấn",
            ],
            units
                .iter()
                .map(|u| {
                    vec![
                        u.unit.clone(),
                        u.received_on
                            .map(fmt_vn)
                            .unwrap_or_else(|| "Chưa gửi".into()),
                        if u.received_on.is_none() {
                            String::new()
                        } else if u.on_time {
                            "Đúng hạn".into()
                        } else {
                            "Chậm".into()
                        },
                        u.figures
                            .as_ref()
                            .map(|f| num(f.incidents.incidents))
                            .unwrap_or_default(),
                        u.figures
                            .as_ref()
                            .map(|f| num(f.training.sessions))
                            .unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        "incidents" => {
            let x = &f.incidents;
            t(
                "Các vụ lộ, mất bí mật nhà nước và việc xử lý",
                &["Nội dung", "Số lượng"],
                vec![
                    row("Tổng số vụ", &[x.incidents]),
                    row("- Vụ lộ bí mật nhà nước", &[x.exposures]),
                    row("- Vụ mất tài liệu, vật chứa bí mật nhà nước", &[x.losses]),
                    row("Số tài liệu liên quan", &[x.documents]),
                    row("Vụ đã thu hồi tài liệu", &[x.recovered]),
                    row("Vụ đã gỡ bỏ khỏi mạng", &[x.taken_down]),
                    row("Vụ chuyển cơ quan điều tra", &[x.criminal_referrals]),
                    row("Người bị xử lý kỷ luật", &[x.disciplined]),
                    row("Người bị phê bình, rút kinh nghiệm", &[x.criticised]),
                    row("Vụ đã báo cáo đột xuất", &[x.adhoc_reported]),
                ],
            )
        }
        "incident-channels" => {
            let c = &f.incidents.by_channel;
            let mut rows: Vec<Vec<String>> = Channel::ALL
                .iter()
                .map(|ch| row(ch.label(), &[c.get(*ch)]))
                .collect();
            rows.push(row("Trong đó trên mạng Internet", &[c.internet()]));
            rows.push(row("Tổng", &[f.incidents.incidents]));
            t("Các vụ lộ, mất theo kênh", &["Kênh", "Số vụ"], rows)
        }
        "incident-documents" => {
            let x = &f.incidents;
            t(
                "Tài liệu bị lộ, mất",
                &["Nội dung", "Số tài liệu"],
                vec![
                    row("Tuyệt mật", &[x.documents_by_level.tuyet_mat]),
                    row("Tối mật", &[x.documents_by_level.toi_mat]),
                    row("Mật", &[x.documents_by_level.mat]),
                    row("Chưa xác định độ mật", &[x.documents_unmarked]),
                    row(
                        "Thuộc danh mục bí mật nhà nước",
                        &[x.documents_in_catalogue],
                    ),
                    row("Tổng", &[x.documents]),
                ],
            )
        }
        "incident-list" => t(
            "Vụ việc",
            &[
                "STT",
                "Ngày phát hiện",
                "Loại",
                "Kênh",
                "Nơi xảy ra",
                "Số tài liệu",
            ],
            incidents
                .iter()
                .enumerate()
                .map(|(n, x)| {
                    vec![
                        format!("{}", n + 1),
                        fmt_vn(x.discovered_on),
                        match x.kind {
                            IncidentKind::Exposure => "Lộ".into(),
                            IncidentKind::Loss => "Mất".into(),
                        },
                        x.channel.label().to_string(),
                        x.place.clone(),
                        num(x.documents.len() as u64),
                    ]
                })
                .collect(),
        ),
        other => t(other, &["Nội dung"], vec![]),
    }
}

/// Sentences a section states from the figures.
pub fn facts(code: &str, tables: &[String], f: &Figures, p: Period) -> Vec<String> {
    let mut v = Vec::new();
    let has = |t: &str| tables.iter().any(|x| x == t);
    if has("training") {
        v.push(format!(
            "Trong kỳ, đã tổ chức {} buổi tập huấn, phổ biến, quán triệt cho {} lượt người tham dự.",
            num(f.training.sessions),
            num(f.training.participants)
        ));
    }
    if has("inspections") {
        v.push(format!(
            "Đã tiến hành {} cuộc kiểm tra và {} cuộc tự kiểm tra tại {} lượt đơn vị; phát hiện {} tồn tại, hạn chế; {}/{} biện pháp khắc phục đã thực hiện, {} quá hạn.",
            num(f.inspections.inspections),
            num(f.inspections.self_inspections),
            num(f.inspections.units_inspected),
            num(f.inspections.findings),
            num(f.inspections.remedies_done),
            num(f.inspections.remedies),
            num(f.inspections.remedies_overdue)
        ));
    }
    if has("incidents") && code != "c3" {
        let x = &f.incidents;
        if x.incidents == 0 {
            v.push(format!(
                "Từ ngày {} đến ngày {} không xảy ra vụ lộ, mất bí mật nhà nước.",
                fmt_vn(p.start),
                fmt_vn(p.end)
            ));
        } else {
            v.push(format!(
                "Trong kỳ xảy ra {} vụ lộ, mất bí mật nhà nước ({} vụ lộ, {} vụ mất), trong đó: {} vụ trên mạng Internet ({} vụ trên trang thông tin điện tử của cơ quan, {} vụ trên mạng xã hội), {} vụ cung cấp tài liệu trái quy định, {} vụ mất tài liệu, vật chứa, {} vụ khác.",
                num(x.incidents),
                num(x.exposures),
                num(x.losses),
                num(x.by_channel.internet()),
                num(x.by_channel.agency_website),
                num(x.by_channel.social_network),
                num(x.by_channel.improper_provision),
                num(x.by_channel.physical_loss),
                num(x.by_channel.other)
            ));
            v.push(format!(
                "Các vụ việc liên quan {} tài liệu: Tuyệt mật {}; Tối mật {}; Mật {}; chưa xác định độ mật {}; thuộc danh mục bí mật nhà nước {}.",
                num(x.documents),
                num(x.documents_by_level.tuyet_mat),
                num(x.documents_by_level.toi_mat),
                num(x.documents_by_level.mat),
                num(x.documents_unmarked),
                num(x.documents_in_catalogue)
            ));
            v.push(format!(
                "Đã xử lý kỷ luật {} trường hợp, phê bình, rút kinh nghiệm {} trường hợp; thu hồi tài liệu trong {} vụ, gỡ bỏ khỏi mạng {} vụ.",
                num(x.disciplined),
                num(x.criticised),
                num(x.recovered),
                num(x.taken_down)
            ));
        }
    }
    v
}

/// Everything [`build`] needs besides the figures.
pub struct BuildInput<'a> {
    pub kind: ReportKind,
    pub year: i32,
    pub regime: &'a Regime,
    pub period: Period,
    pub due: Date,
    pub particulars: Particulars,
    pub own: Figures,
    pub units: Vec<UnitStatus>,
    pub incidents: Vec<Incident>,
    pub incident_id: Option<Id>,
    pub narrative: BTreeMap<String, String>,
}

/// The report model: figures summed, sections laid out per the regime's template. Refused
/// (`report_overflow`) when the sum of the units' figures would not fit.
/// Two citations as one: when one already contains the other ("… Điều 8" and "… Điều 8 khoản
/// 2"), the more precise one alone, so an official document never cites the same text twice.
pub fn join_citations(a: &str, b: &str) -> String {
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() || b.starts_with(a) {
        b.to_string()
    } else if b.is_empty() || a.starts_with(b) {
        a.to_string()
    } else {
        format!("{a}; {b}")
    }
}

pub fn build(b: BuildInput<'_>) -> Result<ReportModel> {
    let t = &b.regime.report_template;
    let mut figures = b.own.clone();
    figures.check_sums()?;
    for u in &b.units {
        if let Some(f) = &u.figures {
            figures.add(f)?;
        }
    }
    let (title, template): (String, &[TemplateSection]) = match b.kind {
        ReportKind::Annual => (
            t.annual_title.replace("{year}", &b.year.to_string()),
            &t.sections,
        ),
        ReportKind::FiveYear => (
            t.five_year_title
                .replace("{from}", &(b.year - 4).to_string())
                .replace("{to}", &b.year.to_string())
                .replace("{year}", &b.year.to_string()),
            &t.sections,
        ),
        ReportKind::Incident => (
            t.incident_title.replace(
                "{kind}",
                b.incidents
                    .first()
                    .map(|i| i.kind.word())
                    .unwrap_or("lộ, mất"),
            ),
            &t.incident_sections,
        ),
    };
    let sections = template
        .iter()
        .map(|s| Section {
            code: s.code.clone(),
            heading: s.heading.clone(),
            facts: facts(&s.code, &s.tables, &figures, b.period),
            tables: s
                .tables
                .iter()
                .filter(|c| c.as_str() != "units" || !b.units.is_empty())
                .map(|c| table(c, &figures, &b.units, &b.incidents))
                .collect(),
            narrative: b.narrative.get(&s.code).cloned().unwrap_or_default(),
        })
        .collect();
    let mut notes = Vec::new();
    if !b.regime.report.confirmed || !t.confirmed {
        notes.push(format!(
            "Kỳ số liệu, thời hạn và đề mục báo cáo theo chế độ {} chưa được xác nhận ({}; {}).",
            b.regime.code, b.regime.report.basis, t.basis
        ));
    }
    if b.kind == ReportKind::FiveYear && !t.five_year_confirmed {
        notes.push(
            "Kỳ số liệu báo cáo tổng kết 05 năm chưa được quy định; số liệu được lấy theo 05 kỳ số liệu năm liên tiếp."
                .into(),
        );
    }
    Ok(ReportModel {
        kind: b.kind,
        year: b.year,
        regime: b.regime.code.clone(),
        confirmed: b.regime.report.confirmed && t.confirmed,
        basis: join_citations(&b.regime.report.basis, &t.basis),
        title,
        period: b.period,
        due: b.due,
        particulars: b.particulars,
        own: b.own,
        units: b.units,
        figures,
        incident_id: b.incident_id,
        sections,
        notes,
    })
}

/// The data period and deadline of a report of `kind` for `year` under `regime`.
pub fn period_of(regime: &Regime, kind: ReportKind, year: i32) -> (Period, Date) {
    let (start, end, due) = regime.report_period(year);
    match kind {
        ReportKind::FiveYear => {
            let (s5, _, _) = regime.report_period(year - 4);
            (Period { start: s5, end }, due)
        }
        _ => (Period { start, end }, due),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_citation_contained_in_the_other_is_not_repeated() {
        assert_eq!(
            join_citations("Văn bản X Điều 8", "Văn bản X Điều 8 khoản 2"),
            "Văn bản X Điều 8 khoản 2"
        );
        assert_eq!(
            join_citations("Văn bản X Điều 8 khoản 2", "Văn bản X Điều 8"),
            "Văn bản X Điều 8 khoản 2"
        );
        assert_eq!(
            join_citations("Văn bản X Điều 8", "Văn bản Y Điều 3"),
            "Văn bản X Điều 8; Văn bản Y Điều 3"
        );
        assert_eq!(join_citations("", "Văn bản Y Điều 3"), "Văn bản Y Điều 3");
    }

    #[test]
    fn numbers_use_the_vietnamese_thousands_separator() {
        assert_eq!(num(0), "0");
        assert_eq!(num(999), "999");
        assert_eq!(num(2215), "2.215");
        assert_eq!(num(1_234_567), "1.234.567");
    }

    fn figures(a: u64, b: u64) -> Figures {
        let mut f = Figures::default();
        f.training.sessions = a;
        f.training.participants = b;
        f.incidents.by_channel.social_network = a + 1;
        f.incidents.documents_by_level.toi_mat = b;
        f.items.copied.mat = a * 2;
        f.staff.concurrent = b;
        f
    }

    fn incident_at(day: Date, channel: usize, docs: &[(u8, bool)]) -> Incident {
        Incident {
            discovered_on: day,
            kind: if channel == 3 {
                IncidentKind::Loss
            } else {
                IncidentKind::Exposure
            },
            channel: Channel::ALL[channel],
            place: "Đơn vị".into(),
            documents: docs
                .iter()
                .map(|(l, c)| IncidentDocument {
                    level: Level::from_rank(*l as i16),
                    in_catalogue: *c,
                    item_id: None,
                })
                .collect(),
            cause: String::new(),
            recovered: channel == 2,
            taken_down: Channel::ALL[channel].internet(),
            discipline: Discipline {
                disciplined: docs.len() as u32 % 2,
                criticised: docs.len() as u32,
            },
            criminal_referral: false,
            adhoc_report: None,
        }
    }

    fn figures_for(records: &[ProgrammeRecord], start: Date, end: Date) -> Figures {
        compute_figures(&Inputs {
            period: Period { start, end },
            today: end,
            report_due: end,
            activity: &Activity::default(),
            records,
        })
    }

    proptest! {
        /// Period-additive figures of two adjacent periods add up to those of their union, and
        /// the breakdowns of incidents add up to their totals.
        #[test]
        fn figures_split_over_adjacent_periods_and_breakdowns_add_up(
            incidents in proptest::collection::vec(
                (0i64..730, 0usize..5, proptest::collection::vec((0u8..4, any::<bool>()), 1..5)),
                0..30,
            ),
            trainings in proptest::collection::vec((0i64..730, 1u32..500), 0..30),
            cut in 1i64..729,
        ) {
            let start = time::macros::date!(2024 - 12 - 15);
            let day = |n: i64| start + time::Duration::days(n);
            let mut records = Vec::new();
            for (n, (d, c, docs)) in incidents.iter().enumerate() {
                records.push(encode(n as Id + 1, None, &incident_at(day(*d), *c, docs)).unwrap());
            }
            for (n, (d, p)) in trainings.iter().enumerate() {
                let t = Training {
                    date: day(*d),
                    kind: TrainingKind::Training,
                    organiser: "Công an".into(),
                    audience: "Cán bộ".into(),
                    participants: *p,
                    attendees: vec![],
                };
                records.push(encode(1000 + n as Id, None, &t).unwrap());
            }
            let end = day(729);
            let whole = figures_for(&records, start, end);
            let mut parts = figures_for(&records, start, day(cut - 1));
            parts.add(&figures_for(&records, day(cut), end)).unwrap();
            prop_assert_eq!(&parts.incidents, &whole.incidents);
            prop_assert_eq!(&parts.training, &whole.training);
            let x = &whole.incidents;
            prop_assert_eq!(x.incidents, incidents.len() as u64);
            let c = &x.by_channel;
            prop_assert_eq!(
                c.agency_website + c.social_network + c.improper_provision + c.physical_loss + c.other,
                x.incidents
            );
            prop_assert_eq!(x.exposures + x.losses, x.incidents);
            prop_assert_eq!(x.documents_by_level.total() + x.documents_unmarked, x.documents);
            prop_assert!(x.documents_in_catalogue <= x.documents);
            prop_assert_eq!(
                whole.training.participants,
                trainings.iter().map(|(_, p)| *p as u64).sum::<u64>()
            );
        }

        #[test]
        fn a_sum_that_would_not_fit_is_refused_and_nothing_wraps(a in 1u64..1_000_000, b in 1u64..1_000_000) {
            let base = figures(a, b);
            let mut s = base.clone();
            let mut huge = Figures::default();
            huge.training.participants = u64::MAX - b + 1;
            let e = s.add(&huge).unwrap_err();
            prop_assert!(matches!(&e, CoreError::Refused(r) if r.code == "report_overflow"), "{:?}", e);
            prop_assert_eq!(&s, &base, "nothing changed");
            // A derived total (by level) that would not fit is refused too.
            let mut levels = Figures::default();
            levels.items.copied.tuyet_mat = u64::MAX;
            levels.items.copied.mat = a;
            prop_assert!(levels.check_sums().is_err());
            prop_assert!(s.add(&levels).is_err());
            prop_assert_eq!(&s, &base);
            let mut web = Figures::default();
            web.incidents.by_channel.agency_website = u64::MAX;
            web.incidents.by_channel.social_network = a;
            prop_assert!(web.check_sums().is_err());
        }

        #[test]
        fn summing_units_is_field_by_field(a in 0u64..1_000_000, b in 0u64..1_000_000, c in 0u64..1000) {
            let mut s = figures(a, b);
            s.add(&figures(c, a)).unwrap();
            prop_assert_eq!(s.training.sessions, a + c);
            prop_assert_eq!(s.training.participants, b + a);
            prop_assert_eq!(s.incidents.by_channel.social_network, a + 1 + c + 1);
            prop_assert_eq!(s.incidents.documents_by_level.toi_mat, b + a);
            prop_assert_eq!(s.items.copied.mat, 2 * a + 2 * c);
            let mut z = figures(a, b);
            z.add(&Figures::default()).unwrap();
            prop_assert_eq!(z, figures(a, b));
        }
    }
}
