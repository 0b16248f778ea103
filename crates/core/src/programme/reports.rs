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

use crate::dates::{fmt_vn, fmt_vn_long};
use crate::error::{CoreError, Result};
use crate::level::Level;
use crate::model::*;
use crate::programme::*;
use crate::registers::{RegisterEntry, RegisterKind};
use crate::rules::{InspectionTopic, Regime, ReportSection as TemplateSection, ReportSentence};
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
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(default)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct RegisterFigures {
    pub outgoing: u64,
    pub incoming: u64,
    pub handover: u64,
    pub copies: u64,
}
accumulate!(RegisterFigures; outgoing, incoming, handover, copies);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct TrainingFigures {
    pub sessions: u64,
    pub participants: u64,
    pub training_sessions: u64,
    pub training_participants: u64,
    pub dissemination_sessions: u64,
    pub dissemination_participants: u64,
    pub briefing_sessions: u64,
    pub briefing_participants: u64,
    /// Buổi do cơ quan tổ chức (of every form), and their participants.
    pub own_sessions: u64,
    pub own_participants: u64,
    /// Buổi do đơn vị cấp dưới tổ chức: those recorded so here, and every session of a
    /// subordinate unit's report ([`Figures::as_subordinate`]).
    pub subordinate_sessions: u64,
    pub subordinate_participants: u64,
}
accumulate!(TrainingFigures; sessions, participants, training_sessions, training_participants, dissemination_sessions, dissemination_participants, briefing_sessions, briefing_participants, own_sessions, own_participants, subordinate_sessions, subordinate_participants);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct EquipmentFigures {
    pub units: u64,
    pub stamps: u64,
    pub registers: u64,
    /// Bộ con dấu mật: the sets of every unit's latest count.
    pub stamp_sets: u64,
    /// Đơn vị có bộ con dấu mật (at least one set).
    pub units_with_stamp_sets: u64,
}
accumulate!(EquipmentFigures; units, stamps, registers, stamp_sets, units_with_stamp_sets);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct MeetingFigures {
    pub meetings: u64,
    pub by_level: ByLevel,
    pub documents_issued: u64,
    pub documents_returned: u64,
}
accumulate!(MeetingFigures; meetings, by_level, documents_issued, documents_returned);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct InspectionFigures {
    pub inspections: u64,
    pub self_inspections: u64,
    /// Lượt đơn vị được kiểm tra.
    pub units_inspected: u64,
    pub findings: u64,
    pub remedies: u64,
    pub remedies_done: u64,
    pub remedies_overdue: u64,
    /// Cuộc kiểm tra, tự kiểm tra do cơ quan tổ chức, and the units they covered.
    pub own_rounds: u64,
    pub own_units_inspected: u64,
    /// Cuộc do đơn vị cấp dưới tổ chức (recorded so here, or from a subordinate's report),
    /// and the units they covered.
    pub subordinate_rounds: u64,
    pub subordinate_units_inspected: u64,
}
accumulate!(InspectionFigures; inspections, self_inspections, units_inspected, findings, remedies, remedies_done, remedies_overdue, own_rounds, own_units_inspected, subordinate_rounds, subordinate_units_inspected);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
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
    /// Vụ đang xác minh, đã kết luận, đã chuyển cơ quan có thẩm quyền (as recorded now).
    pub verifying: u64,
    pub concluded: u64,
    pub transferred: u64,
}
accumulate!(IncidentFigures; incidents, exposures, losses, by_channel, documents, documents_by_level, documents_unmarked, documents_in_catalogue, recovered, taken_down, criminal_referrals, disciplined, criticised, adhoc_reported, verifying, concluded, transferred);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct LegacyFigures {
    pub reviewed: u64,
    pub extended: u64,
    pub declassified: u64,
}
accumulate!(LegacyFigures; reviewed, extended, declassified);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
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

/// Ban Chỉ đạo của các đơn vị cấp dưới: each unit's latest record on or before the end of
/// the period ("12/12 huyện có Ban Chỉ đạo").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct SteeringFigures {
    /// Đơn vị cấp dưới có hồ sơ.
    pub units: u64,
    /// Có Ban Chỉ đạo.
    pub committees: u64,
    /// Có cơ quan, bộ phận được giao (no committee).
    pub designated_bodies: u64,
    /// Chưa có.
    pub missing: u64,
}
accumulate!(SteeringFigures; units, committees, designated_bodies, missing);

/// Vị trí trọng yếu, cơ mật: each post's latest record on or before the end of the period,
/// and the people in them (vetted, committed, trained on or before that day).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct KeyPostFigures {
    pub posts: u64,
    pub key_posts: u64,
    pub confidential_posts: u64,
    /// Người đảm nhiệm.
    pub people: u64,
    /// Đã thẩm tra.
    pub vetted: u64,
    /// Đã ký cam kết bảo vệ BMNN.
    pub committed: u64,
    /// Đã tập huấn.
    pub trained: u64,
}
accumulate!(KeyPostFigures; posts, key_posts, confidential_posts, people, vetted, committed, trained);

/// Every figure of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
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
    pub steering: SteeringFigures,
    pub key_posts: KeyPostFigures,
}
accumulate!(Figures; items, registers, training, staff, directives, devices, equipment, meetings, inspections, incidents, legacy, plan, steering, key_posts);

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

    /// A subordinate unit's figures as the level above counts them: every training session
    /// and inspection round the unit reported, its own and its own subordinates', was
    /// organised below the level above ("1 buổi cấp tỉnh và 17 buổi do các cơ quan tổ
    /// chức"). `None` when a sum would not fit.
    pub fn as_subordinate(&self) -> Option<Figures> {
        let mut f = self.clone();
        let t = &mut f.training;
        t.subordinate_sessions = t.subordinate_sessions.checked_add(t.own_sessions)?;
        t.subordinate_participants = t.subordinate_participants.checked_add(t.own_participants)?;
        (t.own_sessions, t.own_participants) = (0, 0);
        let x = &mut f.inspections;
        x.subordinate_rounds = x.subordinate_rounds.checked_add(x.own_rounds)?;
        x.subordinate_units_inspected = x
            .subordinate_units_inspected
            .checked_add(x.own_units_inspected)?;
        (x.own_rounds, x.own_units_inspected) = (0, 0);
        Some(f)
    }

    /// Adds a subordinate unit's figures as the level above counts them
    /// ([`Figures::as_subordinate`]), refused (`report_overflow`) like [`Figures::add`].
    pub fn add_subordinate(&mut self, unit: &Figures) -> Result<()> {
        self.add(&unit.as_subordinate().ok_or_else(too_large)?)
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Period {
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub start: Date,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
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
    /// History events (sự kiện) of the kinds a report counts ([`counted_events`]) dated in
    /// the period, by event kind and the item's current level: (kind, level, count).
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
    for e in events
        .iter()
        .filter(|e| p.contains(e.on) && counted_events().any(|k| k == e.kind))
    {
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

/// The figure of [`ItemFigures`] an item history event (sự kiện) counts under.
type EventFigure = fn(&mut ItemFigures) -> &mut ByLevel;

/// The kinds of item history events a report counts, each one act on one item, and the figure
/// each counts under. The store aggregates these kinds only
/// ([`crate::ports::Tx::report_activity`], through [`counted_events`]).
///
/// "Giải mật" counts every way an item stops being secret (legal.md §7, Law Điều 22): by
/// decision, in part, and the two automatic ways of Điều 22.2 — the item's catalogue entry
/// removed (22.2.c) and its protection period ended without extension (22.2.a, "đương nhiên
/// giải mật", recorded by the daily run as `declassified-expired`). Both automatic ways are
/// acts the agency must record and notify (22.3), so both are counted.
const EVENT_FIGURES: [(&str, EventFigure); 12] = [
    ("classified", |f| &mut f.classified),
    ("received", |f| &mut f.received),
    ("registered-outgoing", |f| &mut f.sent),
    ("copies-produced", |f| &mut f.copied),
    ("provided", |f| &mut f.provided),
    ("extended", |f| &mut f.extended),
    ("adjusted", |f| &mut f.adjusted),
    ("declassified", |f| &mut f.declassified),
    ("declassified-partial", |f| &mut f.declassified),
    ("declassified-catalogue", |f| &mut f.declassified),
    ("declassified-expired", |f| &mut f.declassified),
    ("destroyed", |f| &mut f.destroyed),
];

/// The kinds of item history events a report counts.
pub fn counted_events() -> impl Iterator<Item = &'static str> {
    EVENT_FIGURES.iter().map(|(k, _)| *k)
}

/// The figure an event of `kind` counts under, `None` for a kind a report does not count.
fn event_figure<'a>(f: &'a mut ItemFigures, kind: &str) -> Option<&'a mut ByLevel> {
    EVENT_FIGURES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, slot)| slot(f))
}

/// Counts every figure for the period.
pub fn compute_figures(i: &Inputs<'_>) -> Figures {
    let p = i.period;
    let mut f = Figures::default();

    // Acts on items, from their history events (each event is one act on one item).
    for (kind, l, n) in &i.activity.events {
        if let Some(slot) = event_figure(&mut f.items, kind) {
            slot.add(*l, *n);
        }
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
        let (s, q) = match t.record.organised_by {
            OrganisedBy::Own => (
                &mut f.training.own_sessions,
                &mut f.training.own_participants,
            ),
            OrganisedBy::Subordinate => (
                &mut f.training.subordinate_sessions,
                &mut f.training.subordinate_participants,
            ),
        };
        *s += 1;
        *q += n;
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
        f.equipment.stamp_sets += e.stamp_sets as u64;
        f.equipment.units_with_stamp_sets += (e.stamp_sets > 0) as u64;
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
        let units = x.units_inspected();
        f.inspections.units_inspected += units;
        let (rounds, covered) = match x.organised_by {
            OrganisedBy::Own => (
                &mut f.inspections.own_rounds,
                &mut f.inspections.own_units_inspected,
            ),
            OrganisedBy::Subordinate => (
                &mut f.inspections.subordinate_rounds,
                &mut f.inspections.subordinate_units_inspected,
            ),
        };
        *rounds += 1;
        *covered += units;
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
            // A plan received with no due date set cannot have been late.
            if let Some(got) = s.plan_received_on
                && x.subordinate_plan_due.is_none_or(|due| got <= due)
            {
                f.plan.plans_on_time += 1;
            }
            if s.report_received_on.is_some_and(|got| got <= i.report_due) {
                f.plan.reports_on_time += 1;
            }
        }
    }

    // Steering committees: each subordinate unit's latest record by the end of the period.
    let mut steering: BTreeMap<String, SteeringCommittee> = BTreeMap::new();
    for s in typed::<SteeringCommittee>(r) {
        let s = s.record;
        if s.as_of <= p.end && steering.get(&s.unit).is_none_or(|x| x.as_of <= s.as_of) {
            steering.insert(s.unit.clone(), s);
        }
    }
    for s in steering.values() {
        f.steering.units += 1;
        match s.body {
            SteeringBody::Committee => f.steering.committees += 1,
            SteeringBody::DesignatedBody => f.steering.designated_bodies += 1,
            SteeringBody::Missing => f.steering.missing += 1,
        }
    }

    // Key and confidential posts: each post's latest record by the end of the period.
    let mut posts: BTreeMap<(String, String), KeyPost> = BTreeMap::new();
    for k in typed::<KeyPost>(r) {
        let k = k.record;
        let key = (k.unit.clone(), k.post.clone());
        if k.as_of <= p.end && posts.get(&key).is_none_or(|x| x.as_of <= k.as_of) {
            posts.insert(key, k);
        }
    }
    for k in posts.values() {
        let x = &mut f.key_posts;
        x.posts += 1;
        match k.kind {
            PostKind::Key => x.key_posts += 1,
            PostKind::Confidential => x.confidential_posts += 1,
        }
        for h in &k.holders {
            x.people += 1;
            x.vetted += h.vetted_on.is_some() as u64;
            x.committed += h.committed_on.is_some() as u64;
            x.trained += h.trained_on.is_some() as u64;
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
    match x.state {
        IncidentState::Verifying => f.verifying += 1,
        IncidentState::Concluded => f.concluded += 1,
        IncidentState::Transferred => f.transferred += 1,
    }
}

// ---------------------------------------------------------------------------------------------
// The report model.

/// A table of a report, already laid out as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Table {
    /// Code from [`crate::rules::REPORT_TABLES`].
    pub code: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One section of the report: template heading, computed statements and tables, narrative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Section {
    pub code: String,
    pub heading: String,
    /// Sentences computed from the figures, footnote marks as superscript numbers.
    pub facts: Vec<String>,
    /// For each sentence of `facts`, where its footnote marks are.
    #[serde(default)]
    pub fact_notes: Vec<Vec<NoteRef>>,
    pub tables: Vec<Table>,
    /// Text written by people (empty when none was written yet).
    pub narrative: String,
}

/// A subordinate unit's report as the level above sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitStatus {
    pub unit: String,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub received_on: Option<Date>,
    pub on_time: bool,
    pub figures: Option<Figures>,
}

/// The printed particulars of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Particulars {
    pub superior: Option<String>,
    pub agency: String,
    pub place: String,
    pub number: String,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
    pub recipients: Vec<String>,
    pub archive: String,
    pub signer_authority: Option<String>,
    pub signer_position: String,
    pub signer_name: String,
}

/// A report, ready to render (DOCX, JSON, page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
    #[schemars(schema_with = "crate::dates::date_schema")]
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
    /// For an inspection conclusion: the inspection record.
    #[serde(default)]
    pub inspection_id: Option<Id>,
    /// Phần mở đầu: the first paragraph of the document.
    #[serde(default)]
    pub opening: String,
    pub sections: Vec<Section>,
    /// Footnotes of the sentences, numbered in the order they appear.
    #[serde(default)]
    pub footnotes: Vec<Footnote>,
    /// Points of the regime still unconfirmed, printed as a note.
    pub notes: Vec<String>,
    /// The annual plan's tasks (II. Nhiệm vụ), in order; empty for every report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<PlanTaskText>,
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
                    // Never fewer units than the table of units lists.
                    row("Đơn vị cấp dưới", &[p.subordinates.max(units.len() as u64)]),
                    row("Gửi kế hoạch đúng hạn", &[p.plans_on_time]),
                    row("Gửi báo cáo đúng hạn", &[p.reports_on_time]),
                ],
            )
        }
        "units" => {
            // The split by unit: each unit's own figures as its bundle carries them, and
            // their sum (what the units add to this report's figures).
            let main = |f: &Figures| {
                [
                    f.training.sessions,
                    f.training.participants,
                    f.inspections
                        .inspections
                        .saturating_add(f.inspections.self_inspections),
                    f.inspections.units_inspected,
                    f.incidents.incidents,
                    f.directives.issued,
                ]
            };
            let mut sum = [0u64; 6];
            let mut rows: Vec<Vec<String>> = units
                .iter()
                .map(|u| {
                    let mut r = vec![
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
                    ];
                    match &u.figures {
                        Some(f) => {
                            let v = main(f);
                            for (s, x) in sum.iter_mut().zip(v) {
                                *s = s.saturating_add(x);
                            }
                            r.extend(v.iter().map(|n| num(*n)));
                        }
                        None => r.extend(std::iter::repeat_n(String::new(), 6)),
                    }
                    r
                })
                .collect();
            if units.iter().any(|u| u.figures.is_some()) {
                let mut r = vec!["Cộng".to_string(), String::new(), String::new()];
                r.extend(sum.iter().map(|n| num(*n)));
                rows.push(r);
            }
            t(
                "Số liệu của các đơn vị cấp dưới",
                &[
                    "Đơn vị",
                    "Ngày nhận báo cáo",
                    "Đúng hạn",
                    "Buổi tập huấn, phổ biến",
                    "Lượt người tham dự",
                    "Cuộc kiểm tra, tự kiểm tra",
                    "Lượt đơn vị được kiểm tra",
                    "Vụ lộ, mất",
                    "Văn bản ban hành",
                ],
                rows,
            )
        }
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
    /// For an inspection conclusion: the inspection and its record id.
    pub inspection: Option<Inspection>,
    pub inspection_id: Option<Id>,
    pub narrative: BTreeMap<String, String>,
    /// The particulars of the period's records (footnotes).
    pub details: Details,
    /// Trích yếu and opening the user set (default: from the template).
    pub title: Option<String>,
    pub opening: Option<String>,
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
            figures.add_subordinate(f)?;
        }
    }
    let years = years_between(b.period);
    let (default_title, template, opening): (String, &[TemplateSection], &str) = match b.kind {
        ReportKind::Annual => (
            t.annual_title.replace("{year}", &b.year.to_string()),
            &t.sections,
            &t.annual_opening,
        ),
        ReportKind::FiveYear => (
            t.five_year_title
                .replace("{from}", &(b.year - 4).to_string())
                .replace("{to}", &b.year.to_string())
                .replace("{year}", &b.year.to_string()),
            &t.sections,
            &t.annual_opening,
        ),
        ReportKind::MultiYear => (
            t.multi_year_title
                .replace("{years}", &years)
                .replace("{from}", &fmt_vn(b.period.start))
                .replace("{to}", &fmt_vn(b.period.end)),
            &t.multi_year_sections,
            &t.multi_year_opening,
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
            &t.incident_opening,
        ),
        // The plan has no figures: it is laid out by `build_plan`.
        ReportKind::AnnualPlan => (
            t.annual_title.replace("{year}", &b.year.to_string()),
            &t.sections[..0],
            "",
        ),
        ReportKind::InspectionConclusion => (
            t.inspection_title.replace(
                "{kind}",
                b.inspection.as_ref().map_or("kiểm tra", |x| x.kind.word()),
            ),
            &t.inspection_sections,
            &t.inspection_opening,
        ),
    };
    let title = b
        .title
        .clone()
        .filter(|x| !x.trim().is_empty())
        .unwrap_or(default_title);
    let basis = join_citations(&b.regime.report.basis, &t.basis);
    let lower_title = {
        let mut c = title.chars();
        c.next()
            .map(|f| f.to_lowercase().chain(c).collect::<String>())
            .unwrap_or_default()
    };
    let mut names = b.details.names.clone();
    names.insert("from", fmt_vn(b.period.start));
    names.insert("to", fmt_vn(b.period.end));
    names.insert("from_long", fmt_vn_long(b.period.start));
    names.insert("to_long", fmt_vn_long(b.period.end));
    names.insert("years", years.clone());
    names.insert("agency", clean(&b.particulars.agency));
    let mut counts = slots(&figures, &b.units, &b.details);
    // A report on one record names its particulars (place, dates, units, findings …).
    if b.kind == ReportKind::Incident
        && let Some(x) = b.incidents.first()
    {
        names.extend(incident_names(x));
    }
    if let Some(x) = &b.inspection {
        names.extend(inspection_names(x, &t.inspection_topics));
        counts.insert(
            "remedies_open",
            x.remedies.iter().filter(|r| r.done_on.is_none()).count() as u64,
        );
    }
    let opening = b
        .opening
        .clone()
        .filter(|x| !x.trim().is_empty())
        .unwrap_or_else(|| {
            let filled = opening
                .replace("{basis}", &basis)
                .replace("{agency}", &b.particulars.agency)
                .replace("{title}", &lower_title)
                .replace("{from_long}", &fmt_vn_long(b.period.start))
                .replace("{to_long}", &fmt_vn_long(b.period.end))
                .replace("{from}", &fmt_vn(b.period.start))
                .replace("{to}", &fmt_vn(b.period.end))
                .replace("{date}", &fmt_vn(b.particulars.date));
            // The particulars of the record a report is about ({inspector}, …).
            names
                .iter()
                .fold(filled, |o, (k, v)| o.replace(&format!("{{{k}}}"), v))
        });
    let mut notes_text = b.details.notes.clone();
    notes_text.insert(
        "incident-documents",
        incident_documents_note(&figures.incidents),
    );
    notes_text.insert(
        "units-reported",
        b.units
            .iter()
            .filter(|u| u.received_on.is_some())
            .map(|u| u.unit.clone())
            .collect::<Vec<_>>()
            .join("; "),
    );
    let mut writer = ProseWriter {
        counts,
        names,
        notes: notes_text,
        sentences: &t.sentences,
        footnotes: Vec::new(),
    };
    let sections = template
        .iter()
        .map(|s| {
            // Every sentence comes from the rules (a section without topics has none).
            let (facts, fact_notes) = writer.topics(&s.topics);
            Section {
                code: s.code.clone(),
                heading: s.heading.clone(),
                facts,
                fact_notes,
                tables: s
                    .tables
                    .iter()
                    .map(|c| table(c, &figures, &b.units, &b.incidents))
                    // Never a table of zeros: a table whose every figure is zero says nothing
                    // the sentences have not said, nor does a row of zeros.
                    .filter_map(|tb| without_zero_rows(tb, !b.units.is_empty()))
                    .collect(),
                narrative: b.narrative.get(&s.code).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let footnotes = writer.footnotes;
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
        basis,
        title,
        opening,
        footnotes,
        period: b.period,
        due: b.due,
        particulars: b.particulars,
        own: b.own,
        units: b.units,
        figures,
        incident_id: b.incident_id,
        inspection_id: b.inspection_id,
        sections,
        notes,
        tasks: Vec::new(),
    })
}

/// Everything [`build_plan`] needs.
pub struct PlanInput<'a> {
    pub year: i32,
    pub regime: &'a Regime,
    pub particulars: Particulars,
    /// The tasks as the user edited them (empty: the rules' standard tasks of the year).
    pub tasks: Vec<PlanTaskText>,
    pub title: Option<String>,
    pub opening: Option<String>,
}

/// The dates of the annual plan of `year` under `template` and `regime`'s `[report]`: the day
/// subordinate units send their plan, the annual report's data period and due date, and the
/// day subordinate units send their report.
pub struct PlanDates {
    pub plan_due: Date,
    pub report_from: Date,
    pub report_to: Date,
    pub report_due: Date,
    pub subordinate_report_due: Date,
}

pub fn plan_dates(regime: &Regime, t: &crate::rules::PlanTemplate, year: i32) -> PlanDates {
    let (report_from, report_to, report_due) = regime.report_period(year);
    let plan_due = crate::rules::month_day(&t.subordinate_plan_due)
        .and_then(|(m, d)| Date::from_calendar_date(year, m, d).ok())
        .unwrap_or(report_due);
    PlanDates {
        plan_due,
        report_from,
        report_to,
        report_due,
        subordinate_report_due: crate::dates::days_before(
            report_due,
            i64::from(t.subordinate_report_days_before_due),
        ),
    }
}

/// The standard tasks of the plan of `year` from the rules, their deadlines as dates of that
/// year (the annual report's due date for `report-due`, none for ongoing tasks).
pub fn plan_standard_tasks(regime: &Regime, year: i32) -> Vec<PlanTaskText> {
    let Some(t) = &regime.plan_template else {
        return Vec::new();
    };
    let dates = plan_dates(regime, t, year);
    t.tasks
        .iter()
        .map(|x| PlanTaskText {
            group: x.group.clone(),
            text: x.text.replace("{year}", &year.to_string()),
            unit: x.owner.clone(),
            deadline: match x.deadline.as_str() {
                crate::rules::PLAN_ONGOING => None,
                crate::rules::PLAN_REPORT_DUE => Some(dates.report_due),
                md => crate::rules::month_day(md)
                    .and_then(|(m, d)| Date::from_calendar_date(year, m, d).ok()),
            },
        })
        .collect()
}

/// The annual plan (kế hoạch công tác bảo vệ BMNN năm) as a [`ReportModel`]: sections I (mục
/// đích, yêu cầu) and III (tổ chức thực hiện) carry their numbered paragraphs as `facts`,
/// section II (nhiệm vụ) the tasks (`tasks`, grouped by `group`). Refused when the regime has
/// no plan template.
pub fn build_plan(b: PlanInput<'_>) -> Result<ReportModel> {
    let t = b.regime.plan_template.as_ref().ok_or_else(|| {
        CoreError::invalid(
            "kind",
            "Quy định đang áp dụng không có mẫu kế hoạch công tác bảo vệ bí mật nhà nước năm.",
        )
    })?;
    let dates = plan_dates(b.regime, t, b.year);
    let year = b.year.to_string();
    let law = b.regime.legal_basis.first().cloned().unwrap_or_default();
    let agency = b.particulars.agency.clone();
    let fill = |s: &str| {
        s.replace("{year}", &year)
            .replace("{agency}", &agency)
            .replace("{law}", &law)
            .replace("{plan_due}", &fmt_vn(dates.plan_due))
            .replace("{report_from}", &fmt_vn(dates.report_from))
            .replace("{report_to}", &fmt_vn(dates.report_to))
            .replace("{report_due}", &fmt_vn(dates.report_due))
            .replace(
                "{subordinate_report_due}",
                &fmt_vn(dates.subordinate_report_due),
            )
    };
    let title = b
        .title
        .filter(|x| !x.trim().is_empty())
        .unwrap_or_else(|| fill(&t.title));
    let opening = b
        .opening
        .filter(|x| !x.trim().is_empty())
        .unwrap_or_else(|| fill(&t.opening));
    let tasks = if b.tasks.is_empty() {
        plan_standard_tasks(b.regime, b.year)
    } else {
        b.tasks
    };
    let section = |code: &str, heading: &str, facts: Vec<String>| Section {
        code: code.into(),
        heading: heading.into(),
        fact_notes: vec![Vec::new(); facts.len()],
        facts,
        tables: Vec::new(),
        narrative: String::new(),
    };
    let numbered = |v: &[String]| -> Vec<String> {
        v.iter()
            .enumerate()
            .map(|(i, x)| format!("{}. {}", i + 1, fill(x)))
            .collect()
    };
    let (period, due) = period_of(b.regime, ReportKind::AnnualPlan, b.year);
    let sections = vec![
        section("p1", "Mục đích, yêu cầu", numbered(&t.purposes)),
        section("p2", "Nhiệm vụ", Vec::new()),
        section("p3", "Tổ chức thực hiện", numbered(&t.organisation)),
    ];
    let mut notes = Vec::new();
    if !t.confirmed {
        notes.push(format!("Kế hoạch năm: {}", t.note));
    }
    if !b.regime.report.confirmed {
        notes.push(format!(
            "Hạn báo cáo năm lấy theo chế độ báo cáo chưa được xác nhận ({}).",
            b.regime.report.basis
        ));
    }
    Ok(ReportModel {
        kind: ReportKind::AnnualPlan,
        year: b.year,
        regime: b.regime.code.clone(),
        confirmed: t.confirmed && b.regime.report.confirmed,
        basis: String::new(),
        title,
        period,
        due,
        particulars: b.particulars,
        own: Figures::default(),
        units: Vec::new(),
        figures: Figures::default(),
        incident_id: None,
        inspection_id: None,
        opening,
        sections,
        footnotes: Vec::new(),
        notes,
        tasks,
    })
}

/// The groups of a plan's tasks in order of first appearance, each with its tasks.
pub fn plan_groups(tasks: &[PlanTaskText]) -> Vec<(String, Vec<&PlanTaskText>)> {
    let mut out: Vec<(String, Vec<&PlanTaskText>)> = Vec::new();
    for t in tasks {
        match out.iter_mut().find(|(g, _)| *g == t.group) {
            Some((_, v)) => v.push(t),
            None => out.push((t.group.clone(), vec![t])),
        }
    }
    out
}

/// Every figure cell of the row is zero (or empty).
fn zero_row(r: &[String]) -> bool {
    r.iter()
        .skip(1)
        .all(|c| c.chars().all(|ch| ch == '0' || ch == ' ' || ch == '/'))
}

/// A figure table without its rows of zeros (empty categories are left out), or `None` when
/// nothing is left. The lists (units, incidents) keep every row; the table of units only when
/// there are units.
fn without_zero_rows(mut t: Table, has_units: bool) -> Option<Table> {
    match t.code.as_str() {
        "units" => has_units.then_some(t),
        "incident-list" => Some(t),
        _ => {
            t.rows.retain(|r| !zero_row(r));
            (!t.rows.is_empty()).then_some(t)
        }
    }
}

/// The data period and deadline of a report of `kind` for `year` under `regime`.
pub fn period_of(regime: &Regime, kind: ReportKind, year: i32) -> (Period, Date) {
    let (start, end, due) = regime.report_period(year);
    match kind {
        ReportKind::FiveYear => {
            let (s5, _, _) = regime.report_period(year - 4);
            (Period { start: s5, end }, due)
        }
        ReportKind::MultiYear => (
            Period {
                start: regime.report_template.multi_year_start().min(end),
                end,
            },
            due,
        ),
        // The plan covers its calendar year and is issued by the end of the year before
        // (the `annual-plan` obligation).
        ReportKind::AnnualPlan => {
            let day = |y, m, d| Date::from_calendar_date(y, m, d).expect("valid");
            (
                Period {
                    start: day(year, time::Month::January, 1),
                    end: day(year, time::Month::December, 31),
                },
                day(year - 1, time::Month::December, 31),
            )
        }
        _ => (Period { start, end }, due),
    }
}

// ---------------------------------------------------------------------------------------------
// Prose: the sentences of the rules' templates, filled from the figures, with footnotes.

/// A footnote (chú thích) of a report: the particulars bmnn holds behind a figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Footnote {
    pub n: u32,
    pub text: String,
}

/// Where a footnote mark sits in a sentence of [`Section::facts`]: the bytes
/// `start..end` of the sentence are the superscript number of footnote `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NoteRef {
    pub start: usize,
    pub end: usize,
    pub n: u32,
}

/// What the records say beyond the figures: the counts of this agency's own issued texts by
/// kind, names written into sentences, and the footnote texts by code
/// ([`crate::rules::REPORT_FOOTNOTES`]). Read from the records of the period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    pub counts: BTreeMap<&'static str, u64>,
    pub names: BTreeMap<&'static str, String>,
    pub notes: BTreeMap<&'static str, String>,
}

const SUPERSCRIPT: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
const MARK_OPEN: char = '\u{E000}';
const MARK_CLOSE: char = '\u{E001}';

fn superscript(n: u32) -> String {
    n.to_string()
        .chars()
        .map(|c| SUPERSCRIPT[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

/// A name from a record as it may appear in a sentence: without superscript digits or the
/// private marks (so a mark in the text is always one bmnn put there).
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !SUPERSCRIPT.contains(c) && *c != MARK_OPEN && *c != MARK_CLOSE)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Two-digit count as the seeds write it in footnotes ("04", "13").
fn two(n: u64) -> String {
    format!("{n:02}")
}

/// Distinct names in first-seen order; a name seen more than once gets "(NN vụ)".
fn listed(names: impl IntoIterator<Item = String>, unit: &str) -> String {
    let mut order: Vec<(String, u64)> = Vec::new();
    for n in names
        .into_iter()
        .map(|n| clean(&n))
        .filter(|n| !n.is_empty())
    {
        match order.iter_mut().find(|(x, _)| *x == n) {
            Some((_, c)) => *c += 1,
            None => order.push((n, 1)),
        }
    }
    order
        .into_iter()
        .map(|(n, c)| {
            if c > 1 && !unit.is_empty() {
                format!("{n} ({} {unit})", two(c))
            } else {
                n
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The particulars of the period's records that a report's sentences and footnotes name.
pub fn details(records: &[ProgrammeRecord], p: Period) -> Details {
    let mut d = Details::default();
    let incidents: Vec<Incident> = typed::<Incident>(records)
        .into_iter()
        .map(|x| x.record)
        .filter(|x| p.contains(x.discovered_on))
        .collect();
    let places = |f: &dyn Fn(&Incident) -> bool| {
        listed(
            incidents.iter().filter(|x| f(x)).map(|x| x.place.clone()),
            "vụ",
        )
    };
    d.notes
        .insert("incidents-internet", places(&|x| x.channel.internet()));
    d.notes.insert(
        "incidents-improper",
        places(&|x| x.channel == Channel::ImproperProvision),
    );
    d.notes.insert(
        "incidents-physical",
        places(&|x| x.channel == Channel::PhysicalLoss),
    );
    d.notes
        .insert("incidents-other", places(&|x| x.channel == Channel::Other));

    let trainings: Vec<Training> = typed::<Training>(records)
        .into_iter()
        .map(|t| t.record)
        .filter(|t| p.contains(t.date))
        .collect();
    // Who organised the sessions: those of the subordinate units when there are any (the
    // agency's own need no list), else every organiser.
    let by_subordinates = trainings
        .iter()
        .any(|t| t.organised_by == OrganisedBy::Subordinate);
    d.notes.insert(
        "trainings",
        listed(
            trainings
                .iter()
                .filter(|t| !by_subordinates || t.organised_by == OrganisedBy::Subordinate)
                .map(|t| t.organiser.clone()),
            "",
        ),
    );

    let mut issued: Vec<Directive> = typed::<Directive>(records)
        .into_iter()
        .map(|x| x.record)
        .filter(|x| x.direction == Direction::Issued && p.contains(x.date))
        .collect();
    issued.sort_by_key(|x| x.date);
    for (kind, slot, note) in [
        (DirectiveKind::Plan, "issued_plans", "directives-plan"),
        (
            DirectiveKind::Regulation,
            "issued_regulations",
            "directives-regulation",
        ),
        (
            DirectiveKind::InternalRules,
            "issued_internal_rules",
            "directives-internal-rules",
        ),
        (DirectiveKind::Letter, "issued_letters", "directives-letter"),
        (
            DirectiveKind::Decision,
            "issued_decisions",
            "directives-decision",
        ),
        (DirectiveKind::Other, "issued_other", "directives-other"),
    ] {
        let of: Vec<&Directive> = issued.iter().filter(|x| x.kind == kind).collect();
        d.counts.insert(slot, of.len() as u64);
        // "Kế hoạch số 293/KH-UBND ngày 15 tháng 12 năm 2020 về …", as a sentence names them;
        // "Công văn số 625/UBND-TCD-NC, ngày 15/12/2020 của … về …", as a footnote lists them.
        let describe = |in_sentence: bool| {
            of.iter()
                .map(|x| {
                    let title = clean(&x.title);
                    let when = if in_sentence {
                        format!(" {}", fmt_vn_long(x.date))
                    } else {
                        format!(", ngày {} của {}", fmt_vn(x.date), clean(&x.issuer))
                    };
                    let about = if title.is_empty() {
                        String::new()
                    } else {
                        format!(" về {title}")
                    };
                    format!(
                        "{} số {}{when}{about}",
                        kind.label(),
                        clean(&x.number_symbol)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let list = describe(true);
        match kind {
            DirectiveKind::Plan => d.names.insert("issued_plans_list", list),
            DirectiveKind::Regulation => d.names.insert("issued_regulations_list", list),
            DirectiveKind::Decision => d.names.insert("issued_decisions_list", list),
            _ => None,
        };
        let text = describe(false);
        d.notes.insert(note, text);
    }

    let mut inspections: Vec<Inspection> = typed::<Inspection>(records)
        .into_iter()
        .map(|x| x.record)
        .filter(|x| p.contains(x.date))
        .collect();
    inspections.sort_by_key(|x| x.date);
    // The subordinate units' own inspections, by inspecting unit: "Công an Tỉnh 03 lượt/41
    // đơn vị" (rounds, units inspected), in first-seen order.
    let mut by_inspector: Vec<(String, u64, u64)> = Vec::new();
    for x in inspections
        .iter()
        .filter(|x| x.organised_by == OrganisedBy::Subordinate)
    {
        let name = clean(&x.inspector);
        match by_inspector.iter_mut().find(|(n, _, _)| *n == name) {
            Some((_, r, u)) => {
                *r += 1;
                *u += x.units_inspected();
            }
            None => by_inspector.push((name, 1, x.units_inspected())),
        }
    }
    d.notes.insert(
        "inspections-subordinate",
        by_inspector
            .into_iter()
            .filter(|(n, _, _)| !n.is_empty())
            .map(|(n, r, u)| format!("{n}: {} lượt/{} đơn vị", two(r), two(u)))
            .collect::<Vec<_>>()
            .join("; "),
    );
    let mut by_year: Vec<(i32, Vec<String>)> = Vec::new();
    for x in inspections
        .iter()
        .filter(|x| x.organised_by == OrganisedBy::Own)
    {
        match by_year.last_mut() {
            Some((y, v)) if *y == x.date.year() => v.extend(x.units.iter().cloned()),
            _ => by_year.push((x.date.year(), x.units.clone())),
        }
    }
    let one_year = by_year.len() == 1;
    d.notes.insert(
        "inspected-units",
        by_year
            .into_iter()
            .map(|(y, units)| {
                let l = listed(units, "lượt");
                if one_year {
                    format!("Kiểm tra công tác bảo vệ bí mật nhà nước đối với: {l}")
                } else {
                    format!("Năm {y}: kiểm tra công tác bảo vệ bí mật nhà nước đối với: {l}")
                }
            })
            .collect::<Vec<_>>()
            .join(". "),
    );
    d.names.insert(
        "findings_list",
        listed(
            inspections.iter().flat_map(|x| x.findings.iter().cloned()),
            "",
        ),
    );

    let mut latest: BTreeMap<String, Equipment> = BTreeMap::new();
    for e in typed::<Equipment>(records) {
        let e = e.record;
        if e.as_of <= p.end && latest.get(&e.unit).is_none_or(|x| x.as_of <= e.as_of) {
            latest.insert(e.unit.clone(), e);
        }
    }
    d.notes.insert(
        "equipment-units",
        latest
            .values()
            .filter(|e| e.stamps > 0)
            .map(|e| format!("{}: {} con dấu", clean(&e.unit), two(e.stamps as u64)))
            .collect::<Vec<_>>()
            .join("; "),
    );
    d
}

/// The particulars of one incident its report's sentences name (`incident_*` slots).
pub fn incident_names(x: &Incident) -> BTreeMap<&'static str, String> {
    let mut f = IncidentFigures::default();
    add_incident(&mut f, x);
    let mut m = BTreeMap::from([
        ("incident_kind", x.kind.word().to_string()),
        ("incident_date", fmt_vn(x.discovered_on)),
        ("incident_date_long", fmt_vn_long(x.discovered_on)),
        ("incident_place", clean(&x.place)),
        ("incident_cause", clean(&x.cause)),
        ("incident_documents_levels", incident_documents_note(&f)),
    ]);
    if x.state != IncidentState::Verifying {
        m.insert(
            "incident_outcome",
            clean(x.outcome.as_deref().unwrap_or_default())
                .trim_end_matches('.')
                .to_string(),
        );
        if let Some(d) = x.state_on {
            m.insert("incident_state_on", fmt_vn(d));
            m.insert("incident_state_on_long", fmt_vn_long(d));
        }
    }
    m
}

/// The findings of an inspection grouped by the rules' topics (nội dung kiểm tra), one line
/// each, in the topics' order: "- {topic}: finding; finding." Topics without findings are left
/// out; findings that no topic takes come last, under the topic without words if there is
/// one. Empty when there are no findings.
pub fn findings_by_topic(findings: &[String], topics: &[InspectionTopic]) -> String {
    let words_of = |s: &str| {
        let f = crate::text::fold(s);
        format!(" {} ", crate::text::words(&f).collect::<Vec<_>>().join(" "))
    };
    let keys: Vec<Vec<String>> = topics
        .iter()
        .map(|t| {
            (t.words.iter())
                .map(|w| words_of(w))
                .filter(|w| !w.trim().is_empty())
                .collect()
        })
        .collect();
    let rest = keys.iter().position(Vec::is_empty);
    let mut groups: Vec<Vec<String>> = vec![Vec::new(); topics.len()];
    let mut unplaced = Vec::new();
    for f in findings {
        let text = clean(f).trim_end_matches('.').trim().to_string();
        if text.is_empty() {
            continue;
        }
        let folded = words_of(&text);
        match keys
            .iter()
            .position(|k| k.iter().any(|w| folded.contains(w.as_str())))
            .or(rest)
        {
            Some(i) => groups[i].push(text),
            None => unplaced.push(text),
        }
    }
    let mut lines: Vec<String> = topics
        .iter()
        .zip(&groups)
        .filter(|(_, g)| !g.is_empty())
        .map(|(t, g)| format!("- {}: {}.", clean(&t.name), g.join("; ")))
        .collect();
    if !unplaced.is_empty() {
        lines.push(format!("- {}.", unplaced.join("; ")));
    }
    lines.join("\n")
}

/// The particulars of one inspection its conclusion's sentences name: the inspecting body,
/// decision, date, the units, the findings (also grouped by the rules' `topics`) and the
/// remedies with their deadlines.
pub fn inspection_names(
    x: &Inspection,
    topics: &[InspectionTopic],
) -> BTreeMap<&'static str, String> {
    let remedy = |r: &Remedy| {
        let unit = clean(&r.unit);
        let mut s = clean(&r.text).trim_end_matches('.').to_string();
        if !unit.is_empty() {
            s = format!("{s} ({unit}, hạn {})", fmt_vn(r.deadline));
        } else {
            s = format!("{s} (hạn {})", fmt_vn(r.deadline));
        }
        s
    };
    let mut m = BTreeMap::from([
        ("inspector", clean(&x.inspector)),
        ("inspection_kind", x.kind.word().to_string()),
        ("inspection_date", fmt_vn(x.date)),
        ("inspection_date_long", fmt_vn_long(x.date)),
        (
            "inspected_units_list",
            listed(x.units.iter().cloned(), "lượt"),
        ),
        (
            "findings_list",
            x.findings
                .iter()
                .map(|f| clean(f).trim_end_matches('.').to_string())
                .filter(|f| !f.is_empty())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        ("findings_by_topic", findings_by_topic(&x.findings, topics)),
        (
            "remedies_list",
            x.remedies.iter().map(remedy).collect::<Vec<_>>().join("; "),
        ),
        (
            "remedies_done_list",
            (x.remedies.iter())
                .filter_map(|r| {
                    r.done_on
                        .map(|d| format!("{} ngày {}", clean(&r.text), fmt_vn(d)))
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
    ]);
    if let Some(d) = x.decision.as_deref().map(clean).filter(|d| !d.is_empty()) {
        m.insert("inspection_decision", d);
    }
    m
}

/// The values of the figure slots ([`crate::rules::REPORT_SLOTS`]) a sentence may name.
pub fn slots(f: &Figures, units: &[UnitStatus], d: &Details) -> BTreeMap<&'static str, u64> {
    let x = &f.incidents;
    let c = &x.by_channel;
    let t = &f.training;
    let i = &f.inspections;
    let s = &f.staff;
    let reported = units.iter().filter(|u| u.received_on.is_some()).count() as u64;
    let mut m: BTreeMap<&'static str, u64> = BTreeMap::from([
        ("incidents", x.incidents),
        ("exposures", x.exposures),
        ("losses", x.losses),
        ("internet", c.internet()),
        ("website", c.agency_website),
        ("social", c.social_network),
        ("improper", c.improper_provision),
        ("physical", c.physical_loss),
        ("other_channel", c.other),
        ("documents", x.documents),
        ("recovered", x.recovered),
        ("taken_down", x.taken_down),
        ("criminal", x.criminal_referrals),
        ("disciplined", x.disciplined),
        ("criticised", x.criticised),
        ("sessions", t.sessions),
        ("participants", t.participants),
        ("training_sessions", t.training_sessions),
        ("training_participants", t.training_participants),
        ("dissemination_sessions", t.dissemination_sessions),
        ("dissemination_participants", t.dissemination_participants),
        ("briefing_sessions", t.briefing_sessions),
        ("briefing_participants", t.briefing_participants),
        ("directives_issued", f.directives.issued),
        ("directives_received", f.directives.received),
        ("equipment_units", f.equipment.units),
        ("stamps", f.equipment.stamps),
        ("registers", f.equipment.registers),
        ("inspections", i.inspections),
        ("self_inspections", i.self_inspections),
        ("units_inspected", i.units_inspected),
        ("findings", i.findings),
        ("remedies", i.remedies),
        ("remedies_done", i.remedies_done),
        ("remedies_overdue", i.remedies_overdue),
        ("reviewed", f.legacy.reviewed),
        ("legacy_extended", f.legacy.extended),
        ("legacy_declassified", f.legacy.declassified),
        ("full_time", s.full_time),
        ("concurrent", s.concurrent),
        ("staff", s.full_time.saturating_add(s.concurrent)),
        ("assigned", s.assigned),
        ("commitments", s.commitments),
        ("devices_in_use", f.devices.in_use),
        ("devices_inspected", f.devices.inspected),
        ("wipes", f.devices.wipes),
        ("repurposed", f.devices.repurposed),
        ("disposed", f.devices.disposed),
        ("meetings", f.meetings.meetings),
        ("meeting_documents", f.meetings.documents_issued),
        ("meeting_documents_returned", f.meetings.documents_returned),
        ("registered_outgoing", f.registers.outgoing),
        ("registered_incoming", f.registers.incoming),
        ("registered_handover", f.registers.handover),
        ("registered_copies", f.registers.copies),
        ("classified", f.items.classified.total()),
        ("received", f.items.received.total()),
        ("sent", f.items.sent.total()),
        ("copied", f.items.copied.total()),
        ("destroyed", f.items.destroyed.total()),
        ("declassified", f.items.declassified.total()),
        ("plans", f.plan.plans),
        ("tasks", f.plan.tasks),
        ("tasks_done", f.plan.tasks_done),
        ("tasks_overdue", f.plan.tasks_overdue),
        // The units the plan names, or those registered to report, whichever is more: a
        // sentence never says fewer units than the table below it lists.
        ("subordinates", f.plan.subordinates.max(units.len() as u64)),
        ("plans_on_time", f.plan.plans_on_time),
        ("reports_on_time", f.plan.reports_on_time),
        ("units_reported", reported),
        ("own_sessions", t.own_sessions),
        ("own_participants", t.own_participants),
        ("subordinate_sessions", t.subordinate_sessions),
        ("subordinate_participants", t.subordinate_participants),
        ("own_rounds", i.own_rounds),
        ("own_units_inspected", i.own_units_inspected),
        ("subordinate_rounds", i.subordinate_rounds),
        ("subordinate_units_inspected", i.subordinate_units_inspected),
        ("concluded", x.concluded),
        ("verifying", x.verifying),
        ("transferred", x.transferred),
        ("stamp_sets", f.equipment.stamp_sets),
        ("units_with_stamp_sets", f.equipment.units_with_stamp_sets),
        ("steering_units", f.steering.units),
        ("steering_committees", f.steering.committees),
        ("steering_bodies", f.steering.designated_bodies),
        ("steering_missing", f.steering.missing),
        ("posts", f.key_posts.posts),
        ("key_posts", f.key_posts.key_posts),
        ("confidential_posts", f.key_posts.confidential_posts),
        ("post_people", f.key_posts.people),
        ("post_vetted", f.key_posts.vetted),
        ("post_committed", f.key_posts.committed),
        ("post_trained", f.key_posts.trained),
    ]);
    for (k, v) in &d.counts {
        m.insert(k, *v);
    }
    m
}

/// Writes the sentences of a report from the rules' templates, numbering footnotes.
pub struct ProseWriter<'a> {
    pub counts: BTreeMap<&'static str, u64>,
    /// Text slots: `from`, `to`, `agency`, `findings_list`, ….
    pub names: BTreeMap<&'static str, String>,
    pub notes: BTreeMap<&'static str, String>,
    pub sentences: &'a [ReportSentence],
    pub footnotes: Vec<Footnote>,
}

impl ProseWriter<'_> {
    /// `text` filled; `None` when a figure in it is zero or a name empty (outside `[…]`).
    fn fill(&self, text: &str, parts: Option<&str>) -> Option<String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find(['{', '[']) {
            out.push_str(&rest[..i]);
            let open = rest.as_bytes()[i];
            let after = &rest[i + 1..];
            let close = if open == b'{' { '}' } else { ']' };
            let Some(j) = after.find(close) else {
                out.push_str(&rest[i..]);
                return Some(out);
            };
            let inner = &after[..j];
            rest = &after[j + 1..];
            if open == b'[' {
                if let Some(s) = self.fill(inner, parts) {
                    out.push_str(&s);
                }
                continue;
            }
            if inner == "parts" {
                out.push_str(parts?);
            } else if let Some(code) = inner.strip_prefix("fn:") {
                if self.notes.get(code).is_some_and(|t| !t.trim().is_empty()) {
                    out.push(MARK_OPEN);
                    out.push_str(code);
                    out.push(MARK_CLOSE);
                }
            } else if let Some(v) = self.counts.get(inner) {
                if *v == 0 {
                    return None;
                }
                out.push_str(&num(*v));
            } else {
                let v = self.names.get(inner).map(|s| s.trim()).unwrap_or("");
                if v.is_empty() {
                    return None;
                }
                out.push_str(v);
            }
        }
        out.push_str(rest);
        Some(out)
    }

    /// One sentence of the template, or `None` when it has nothing to say.
    fn sentence(&self, s: &ReportSentence) -> Option<String> {
        let guard = s
            .when
            .as_deref()
            .map_or(1, |w| self.counts.get(w).copied().unwrap_or(0));
        let text = if guard == 0 {
            s.empty.as_deref()?
        } else {
            s.text.as_str()
        };
        let parts: Vec<String> = s.parts.iter().filter_map(|p| self.fill(p, None)).collect();
        if text.contains("{parts}") && parts.is_empty() {
            return None;
        }
        self.fill(text, Some(&parts.join(s.joiner.as_deref().unwrap_or(", "))))
    }

    /// Numbers the footnote marks of a filled sentence: the text shown (marks as superscript
    /// numbers) and where each mark is.
    fn number(&mut self, filled: &str) -> (String, Vec<NoteRef>) {
        let mut out = String::new();
        let mut refs = Vec::new();
        let mut rest = filled;
        while let Some(i) = rest.find(MARK_OPEN) {
            out.push_str(&rest[..i]);
            let after = &rest[i + MARK_OPEN.len_utf8()..];
            let j = after.find(MARK_CLOSE).unwrap_or(after.len());
            let code = &after[..j];
            rest = after.get(j + MARK_CLOSE.len_utf8()..).unwrap_or("");
            let n = self.footnotes.len() as u32 + 1;
            self.footnotes.push(Footnote {
                n,
                text: format!(
                    "{}.",
                    self.notes.get(code).map_or("", |t| t.trim_end_matches('.'))
                ),
            });
            let start = out.len();
            out.push_str(&superscript(n));
            refs.push(NoteRef {
                start,
                end: out.len(),
                n,
            });
        }
        out.push_str(rest);
        (out, refs)
    }

    /// The sentences of the topics, in order, with their footnote marks.
    pub fn topics(&mut self, topics: &[String]) -> (Vec<String>, Vec<Vec<NoteRef>>) {
        let mut facts = Vec::new();
        let mut refs = Vec::new();
        for tp in topics {
            let filled: Vec<String> = self
                .sentences
                .iter()
                .filter(|s| &s.topic == tp)
                .filter_map(|s| self.sentence(s))
                .collect();
            for f in filled {
                let (t, r) = self.number(&f);
                facts.push(t);
                refs.push(r);
            }
        }
        (facts, refs)
    }
}

/// "Tối mật: 04; Mật: 09 và thuộc danh mục bí mật nhà nước: 05": the documents of the
/// incidents by level (the footnote behind the number of incidents).
pub fn incident_documents_note(x: &IncidentFigures) -> String {
    let mut v: Vec<String> = [
        ("Tuyệt mật", x.documents_by_level.tuyet_mat),
        ("Tối mật", x.documents_by_level.toi_mat),
        ("Mật", x.documents_by_level.mat),
        ("chưa xác định độ mật", x.documents_unmarked),
    ]
    .iter()
    .filter(|(_, n)| *n > 0)
    .map(|(l, n)| format!("{l}: {}", two(*n)))
    .collect();
    let mut s = v.join("; ");
    if x.documents_in_catalogue > 0 {
        let c = format!(
            "thuộc danh mục bí mật nhà nước: {}",
            two(x.documents_in_catalogue)
        );
        if s.is_empty() {
            s = c;
        } else {
            s = format!("{s} và {c}");
        }
    }
    v.clear();
    s
}

/// Whole years between two dates, rounded to the nearest (at least one), two digits: the
/// "03" of "Sơ kết 03 năm".
pub fn years_between(p: Period) -> String {
    let months = (p.end.year() - p.start.year()) * 12 + u8::from(p.end.month()) as i32
        - u8::from(p.start.month()) as i32
        + 1;
    format!("{:02}", ((months + 6) / 12).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn findings_are_grouped_by_the_rules_topics_and_empty_topics_left_out() {
        let topic = |name: &str, words: &[&str]| InspectionTopic {
            name: name.into(),
            words: words.iter().map(|w| w.to_string()).collect(),
        };
        let topics = [
            topic("Nội quy", &["nội quy", "cam kết"]),
            topic("Độ mật", &["độ mật"]),
            topic("Dấu mật", &["dấu mật"]),
            topic("Khác", &[]),
        ];
        let findings = [
            "Văn bản không có Phiếu đề xuất ĐỘ MẬT.".to_string(),
            "Chưa ban hành nội quy".to_string(),
            "  ".to_string(),
            "Máy tính nối mạng".to_string(),
            // Compared without diacritics, "đầu" folds as "dấu" does, but the topic's words
            // are "dấu mật": no match there; "cam kết" puts it under the first topic.
            "Người đứng đầu chưa ký cam kết".to_string(),
        ];
        assert_eq!(
            findings_by_topic(&findings, &topics),
            "- Nội quy: Chưa ban hành nội quy; Người đứng đầu chưa ký cam kết.\n\
             - Độ mật: Văn bản không có Phiếu đề xuất ĐỘ MẬT.\n\
             - Khác: Máy tính nối mạng."
        );
        // Without a topic taking the rest, the others come last without a name; without
        // findings, nothing.
        assert_eq!(
            findings_by_topic(&findings[3..4], &topics[..2]),
            "- Máy tính nối mạng."
        );
        assert_eq!(findings_by_topic(&[], &topics), "");
        // Whole words: "sao" is not found inside "saoke".
        let t = [topic("Sao, chụp", &["sao"])];
        assert_eq!(
            findings_by_topic(&["Chuyển saoke".into()], &t),
            "- Chuyển saoke."
        );
        assert_eq!(
            findings_by_topic(&["Sao tài liệu không đúng thẩm quyền".into()], &t),
            "- Sao, chụp: Sao tài liệu không đúng thẩm quyền."
        );
    }

    #[test]
    fn every_regime_names_its_inspection_topics_and_one_takes_the_rest() {
        let rules = crate::rules::RuleSet::embedded();
        for y in [2019, 2026] {
            let topics = &rules.report_regime(y).report_template.inspection_topics;
            assert!(topics.len() > 3, "{y}");
            assert_eq!(topics.iter().filter(|t| t.words.is_empty()).count(), 1);
            for t in topics {
                assert!(!t.name.contains(';'), "{}", t.name);
            }
        }
    }

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

    fn sentence(
        text: &str,
        parts: &[&str],
        when: Option<&str>,
        empty: Option<&str>,
    ) -> ReportSentence {
        ReportSentence {
            topic: "t".into(),
            when: when.map(str::to_string),
            text: text.into(),
            parts: parts.iter().map(|p| p.to_string()).collect(),
            joiner: None,
            empty: empty.map(str::to_string),
        }
    }

    fn writer(sentences: &[ReportSentence]) -> ProseWriter<'_> {
        ProseWriter {
            counts: BTreeMap::from([
                ("incidents", 13),
                ("internet", 10),
                ("physical", 0),
                ("improper", 3),
            ]),
            names: BTreeMap::from([("agency", "Ủy ban nhân dân Tỉnh".to_string())]),
            notes: BTreeMap::from([
                (
                    "incidents-internet",
                    "Trang A; Mạng xã hội (03 vụ)".to_string(),
                ),
                ("incidents-physical", String::new()),
                ("incidents-improper", "Tòa án nhân dân Tỉnh".to_string()),
            ]),
            sentences,
            footnotes: Vec::new(),
        }
    }

    #[test]
    fn a_sentence_leaves_out_zero_parts_and_numbers_its_footnotes() {
        let s = [
            sentence(
                "Xảy ra {incidents} vụ, trong đó: {parts}.",
                &[
                    "{internet} vụ trên mạng{fn:incidents-internet}",
                    "{physical} vụ mất{fn:incidents-physical}",
                    "{improper} vụ cung cấp trái quy định{fn:incidents-improper}",
                ],
                Some("incidents"),
                Some("Không xảy ra vụ nào."),
            ),
            sentence("[{physical} vụ mất. ]{agency} báo cáo.", &[], None, None),
            sentence("Có {physical} vụ mất.", &[], Some("physical"), None),
        ];
        let mut w = writer(&s);
        let (facts, refs) = w.topics(&["t".to_string()]);
        assert_eq!(
            facts,
            vec![
                "Xảy ra 13 vụ, trong đó: 10 vụ trên mạng¹, 3 vụ cung cấp trái quy định².",
                "Ủy ban nhân dân Tỉnh báo cáo.",
            ]
        );
        assert_eq!(w.footnotes.len(), 2);
        assert_eq!(w.footnotes[0].text, "Trang A; Mạng xã hội (03 vụ).");
        assert_eq!(w.footnotes[1].n, 2);
        let r = refs[0][1];
        assert_eq!(&facts[0][r.start..r.end], "²");
        assert!(refs[1].is_empty());
        // Nothing to say: the `empty` sentence, without footnotes.
        w.counts.insert("incidents", 0);
        let (facts, _) = w.topics(&["t".to_string()]);
        assert_eq!(facts[0], "Không xảy ra vụ nào.");
    }

    #[test]
    fn names_from_records_cannot_forge_a_footnote_mark() {
        assert_eq!(
            clean(" Sở X² \u{E000}incidents-internet\u{E001} "),
            "Sở X incidents-internet"
        );
        assert_eq!(
            listed(["A".into(), "B".into(), "A".into()], "vụ"),
            "A (02 vụ); B"
        );
    }

    #[test]
    fn the_years_of_a_review_are_rounded_and_two_digits() {
        let p = |a: Date, b: Date| years_between(Period { start: a, end: b });
        use time::macros::date;
        assert_eq!(p(date!(2020 - 07 - 01), date!(2023 - 09 - 30)), "03");
        assert_eq!(p(date!(2019 - 01 - 01), date!(2023 - 12 - 31)), "05");
        assert_eq!(p(date!(2023 - 01 - 01), date!(2023 - 02 - 01)), "01");
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
            state: [
                IncidentState::Verifying,
                IncidentState::Concluded,
                IncidentState::Transferred,
            ][channel % 3],
            outcome: (!channel.is_multiple_of(3)).then(|| "Đã kết luận".into()),
            state_on: (!channel.is_multiple_of(3)).then_some(day),
        }
    }

    /// The figures of the facts kept as records, against a hand count of the records below.
    #[test]
    fn record_facts_are_counted_by_unit_and_post_as_of_the_period_end() {
        use time::macros::date;
        let mut records = Vec::new();
        let mut add = |r: ProgrammeRecord| records.push(r);
        let steering = |unit: &str, as_of: Date, body: SteeringBody| SteeringCommittee {
            unit: unit.into(),
            as_of,
            body,
            decision_ref: (body != SteeringBody::Missing).then(|| "12/QĐ-UBND".into()),
            decision_date: (body != SteeringBody::Missing).then_some(date!(2020 - 01 - 02)),
            note: None,
        };
        // Huyện A: missing, then a committee (the later record counts); B: a designated
        // body; C: a committee recorded after the period (does not count yet).
        add(encode(
            1,
            None,
            &steering("A", date!(2024 - 01 - 01), SteeringBody::Missing),
        )
        .unwrap());
        add(encode(
            2,
            None,
            &steering("A", date!(2025 - 02 - 01), SteeringBody::Committee),
        )
        .unwrap());
        add(encode(
            3,
            None,
            &steering("B", date!(2025 - 03 - 01), SteeringBody::DesignatedBody),
        )
        .unwrap());
        add(encode(
            4,
            None,
            &steering("C", date!(2026 - 01 - 05), SteeringBody::Committee),
        )
        .unwrap());
        let holder = |person: &str, vetted: bool, committed: bool, trained: bool| PostHolder {
            person: person.into(),
            vetted_on: vetted.then_some(date!(2025 - 01 - 10)),
            vetting_result: vetted.then(|| "Đủ tiêu chuẩn".into()),
            committed_on: committed.then_some(date!(2025 - 01 - 11)),
            trained_on: trained.then_some(date!(2025 - 01 - 12)),
        };
        let post = |post: &str, kind: PostKind, as_of: Date, holders: Vec<PostHolder>| KeyPost {
            unit: "Văn phòng".into(),
            post: post.into(),
            kind,
            as_of,
            listing_ref: None,
            holders,
        };
        // "Văn thư" twice: the later list (two people) replaces the earlier (one).
        add(encode(
            5,
            None,
            &post(
                "Văn thư",
                PostKind::Confidential,
                date!(2025 - 02 - 01),
                vec![holder("A", true, true, true)],
            ),
        )
        .unwrap());
        add(encode(
            6,
            None,
            &post(
                "Văn thư",
                PostKind::Confidential,
                date!(2025 - 06 - 01),
                vec![
                    holder("A", true, true, true),
                    holder("B", false, true, false),
                ],
            ),
        )
        .unwrap());
        add(encode(
            7,
            None,
            &post(
                "Chánh Văn phòng",
                PostKind::Key,
                date!(2025 - 06 - 01),
                vec![holder("C", true, false, true)],
            ),
        )
        .unwrap());
        let equipment = |unit: &str, stamps: u32, stamp_sets: u32| Equipment {
            unit: unit.into(),
            as_of: date!(2025 - 06 - 01),
            stamps,
            stamp_sets,
            registers: 2,
            note: None,
        };
        add(encode(8, None, &equipment("X", 18, 1)).unwrap());
        add(encode(9, None, &equipment("Y", 36, 2)).unwrap());
        add(encode(10, None, &equipment("Z", 0, 0)).unwrap());
        let inspection =
            |organised_by: OrganisedBy, units: Vec<String>, units_count: u32| Inspection {
                date: date!(2025 - 05 - 05),
                kind: InspectionKind::Inspection,
                inspector: "Đoàn".into(),
                decision: None,
                organised_by,
                units,
                units_count,
                findings: vec![],
                remedies: vec![],
            };
        add(encode(
            11,
            None,
            &inspection(OrganisedBy::Own, vec!["Sở 1".into(), "Sở 2".into()], 0),
        )
        .unwrap());
        add(encode(12, None, &inspection(OrganisedBy::Subordinate, vec![], 41)).unwrap());
        add(encode(
            13,
            None,
            &inspection(OrganisedBy::Subordinate, vec!["Xã 1".into()], 7),
        )
        .unwrap());
        let mut x = incident_at(date!(2025 - 04 - 01), 1, &[(1, true)]);
        x.state = IncidentState::Concluded;
        x.state_on = Some(date!(2025 - 05 - 01));
        x.outcome = Some("Kết luận".into());
        add(encode(14, None, &x).unwrap());
        add(encode(
            15,
            None,
            &incident_at(date!(2025 - 04 - 02), 0, &[(1, true)]),
        )
        .unwrap());

        let f = figures_for(&records, date!(2024 - 12 - 15), date!(2025 - 12 - 14));
        assert_eq!(
            f.steering,
            SteeringFigures {
                units: 2,
                committees: 1,
                designated_bodies: 1,
                missing: 0
            }
        );
        assert_eq!(
            f.key_posts,
            KeyPostFigures {
                posts: 2,
                key_posts: 1,
                confidential_posts: 1,
                people: 3,
                vetted: 2,
                committed: 2,
                trained: 2,
            }
        );
        let e = &f.equipment;
        assert_eq!(
            (e.units, e.stamps, e.stamp_sets, e.units_with_stamp_sets),
            (3, 54, 3, 2)
        );
        let i = &f.inspections;
        assert_eq!((i.inspections, i.units_inspected), (3, 2 + 41 + 7));
        assert_eq!((i.own_rounds, i.own_units_inspected), (1, 2));
        assert_eq!(
            (i.subordinate_rounds, i.subordinate_units_inspected),
            (2, 48)
        );
        let x = &f.incidents;
        assert_eq!(
            (x.incidents, x.concluded, x.verifying, x.transferred),
            (2, 1, 1, 0)
        );

        // Written through the rules' sentences, as the report writes them.
        let rules = crate::rules::RuleSet::embedded();
        let regime = rules.report_regime(2025);
        let mut writer = ProseWriter {
            counts: slots(&f, &[], &Details::default()),
            names: BTreeMap::from([("agency", "Sở Công Thương".to_string())]),
            notes: BTreeMap::new(),
            sentences: &regime.report_template.sentences,
            footnotes: Vec::new(),
        };
        let topics = [
            "inspections",
            "incident-handling",
            "equipment",
            "steering",
            "staff",
        ]
        .map(String::from);
        let facts = writer.topics(&topics).0.join(" ");
        for want in [
            "Sở Công Thương đã tổ chức 1 cuộc kiểm tra công tác bảo vệ bí mật nhà nước tại 2 lượt đơn vị; ngoài ra, các cơ quan, đơn vị, địa phương đã tổ chức 2 cuộc kiểm tra công tác bảo vệ bí mật nhà nước tại 48 lượt đơn vị trực thuộc",
            "Đến nay, đã điều tra, xác minh, kết luận 1/2 vụ lộ, mất bí mật nhà nước, còn 1 vụ đang xác minh.",
            "2 đơn vị đã được trang bị 3 bộ con dấu mật.",
            "Đối với cấp dưới, 1/2 đơn vị đã thành lập và kiện toàn Ban Chỉ đạo",
            "Đã xác định 2 vị trí trọng yếu, cơ mật với 3 người đảm nhiệm; 2 người đã được thẩm tra",
        ] {
            assert!(facts.contains(want), "{want} not in {facts}");
        }
        // No transfer: no clause about none.
        assert!(!facts.contains("đã chuyển"), "{facts}");

        // At the level above, everything a unit organised was organised below it.
        let mut above = Figures::default();
        above.training.own_sessions = 1;
        above.training.sessions = 1;
        above.add_subordinate(&f).unwrap();
        let mut unit = f.clone();
        unit.training.own_sessions = 17;
        unit.training.sessions = 17;
        above.add_subordinate(&unit).unwrap();
        assert_eq!(
            (
                above.training.own_sessions,
                above.training.subordinate_sessions
            ),
            (1, 17)
        );
        assert_eq!(above.training.sessions, 18);
        assert_eq!(
            (
                above.inspections.own_rounds,
                above.inspections.subordinate_rounds
            ),
            (0, 6),
            "2 × (1 own + 2 by subordinates)"
        );
        assert_eq!(above.steering.units, 4);
        // A shifted sum that would not fit is refused and changes nothing.
        let mut huge = Figures::default();
        huge.training.own_sessions = u64::MAX;
        huge.training.subordinate_sessions = 1;
        let before = above.clone();
        assert!(above.add_subordinate(&huge).is_err());
        assert_eq!(above, before);
    }

    #[test]
    fn a_subordinate_plan_received_with_no_due_date_is_on_time() {
        use time::macros::date;
        let plan = AnnualPlan {
            year: 2025,
            number_symbol: "01/KH".into(),
            issued_on: date!(2025 - 01 - 05),
            tasks: vec![],
            subordinate_plan_due: None,
            subordinates: vec![Subordinate {
                unit: "Huyện A".into(),
                plan_received_on: Some(date!(2025 - 03 - 01)),
                report_received_on: None,
            }],
        };
        let records = [encode(1, None, &plan).unwrap()];
        let f = figures_for(&records, date!(2024 - 12 - 15), date!(2025 - 12 - 14));
        assert_eq!((f.plan.subordinates, f.plan.plans_on_time), (1, 1));
    }

    #[test]
    fn the_table_of_units_keeps_each_units_figures_and_their_sum() {
        use time::macros::date;
        let unit = |name: &str, f: Option<Figures>| {
            let f = f.map(|mut f| {
                f.incidents.incidents = f.incidents.by_channel.internet();
                f
            });
            UnitStatus {
                unit: name.into(),
                received_on: f.as_ref().map(|_| date!(2025 - 12 - 18)),
                on_time: f.is_some(),
                figures: f,
            }
        };
        let mut c = figures(1, 7);
        c.inspections.self_inspections = 2;
        c.inspections.units_inspected = 9;
        let units = [
            unit("Huyện A", Some(figures(3, 45))),
            unit("Huyện B", Some(figures(2, 1_500))),
            unit("Huyện C", Some(c)),
            unit("Huyện D", None),
        ];
        let t = table("units", &Figures::default(), &units, &[]);
        assert_eq!(
            t.rows,
            [
                [
                    "Huyện A",
                    "18/12/2025",
                    "Đúng hạn",
                    "3",
                    "45",
                    "0",
                    "0",
                    "4",
                    "0"
                ],
                [
                    "Huyện B",
                    "18/12/2025",
                    "Đúng hạn",
                    "2",
                    "1.500",
                    "0",
                    "0",
                    "3",
                    "0"
                ],
                [
                    "Huyện C",
                    "18/12/2025",
                    "Đúng hạn",
                    "1",
                    "7",
                    "2",
                    "9",
                    "2",
                    "0"
                ],
                ["Huyện D", "Chưa gửi", "", "", "", "", "", "", ""],
                ["Cộng", "", "", "6", "1.552", "2", "9", "9", "0"],
            ]
        );
        // Kept even when every figure is zero (a list), dropped when there are no units.
        assert!(without_zero_rows(t, true).is_some());
        let none = table("units", &Figures::default(), &[], &[]);
        assert!(without_zero_rows(none, false).is_none());
    }

    #[test]
    fn rows_of_zeros_are_left_out_and_an_empty_table_with_them() {
        let mut f = Figures::default();
        f.legacy.reviewed = 12;
        let t = without_zero_rows(table("legacy", &f, &[], &[]), false).unwrap();
        assert_eq!(t.rows, [["Đã rà soát", "12"]]);
        assert!(without_zero_rows(table("devices", &f, &[], &[]), false).is_none());
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
                    organised_by: if n % 2 == 0 {
                        OrganisedBy::Own
                    } else {
                        OrganisedBy::Subordinate
                    },
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
            // The states and the organisers split their totals.
            prop_assert_eq!(x.verifying + x.concluded + x.transferred, x.incidents);
            let t = &whole.training;
            prop_assert_eq!(t.own_sessions + t.subordinate_sessions, t.sessions);
            prop_assert_eq!(t.own_participants + t.subordinate_participants, t.participants);
            prop_assert_eq!(
                t.own_participants,
                trainings.iter().step_by(2).map(|(_, p)| *p as u64).sum::<u64>()
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
