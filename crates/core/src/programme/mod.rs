//! Hồ sơ công tác bảo vệ BMNN: the programme records the yearly reports are made of.
//!
//! Each record type here is stored as a [`ProgrammeRecord`] (`kind` = [`RecordKind::code`],
//! `date` = the record's key date, which decides the report period it falls in, `data` = the
//! typed struct as JSON). The services in [`crate::service`] create and change them; this
//! module holds the types and the checks that need no storage (the law's conditions on a
//! record by itself). No record carries the summary (trích yếu) of a secret item: incidents and
//! meetings name documents by level and catalogue membership only.
//!
//! Submodules: [`reports`] computes every figure of a report from the records and lays the
//! report out in the regime's template; [`bundle`] signs and verifies the report bundles a unit
//! sends up the chain.

pub mod bundle;
pub mod fields;
pub mod forms;
pub mod reports;

use crate::dates::{iso_date, iso_date_opt};
use crate::error::{CoreError, Result};
use crate::level::Level;
use crate::model::{Id, ProgrammeRecord};
use crate::rules::{Cite, Regime};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// The kinds of programme records, with their stable storage codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    /// Phân công cán bộ làm công tác bảo vệ BMNN.
    Staff,
    /// Cam kết bảo vệ BMNN.
    Commitment,
    /// Tập huấn, phổ biến, quán triệt.
    Training,
    /// Văn bản triển khai (kế hoạch, quy chế, nội quy, công văn).
    Directive,
    /// Thiết bị dùng cho BMNN.
    Device,
    /// Trang bị con dấu, sổ sách.
    Equipment,
    /// Hội nghị, cuộc họp có nội dung BMNN.
    Meeting,
    /// Kiểm tra, tự kiểm tra.
    Inspection,
    /// Vụ lộ, mất BMNN.
    Incident,
    /// Rà soát BMNN xác định trước 01/01/2019 (Luật 29/2018 Điều 28).
    LegacyReview,
    /// Kế hoạch công tác bảo vệ BMNN năm.
    Plan,
    /// Ban chỉ đạo (hoặc cơ quan được giao) của một đơn vị cấp dưới.
    SteeringCommittee,
    /// Vị trí trọng yếu, cơ mật và người đảm nhiệm (Hướng dẫn 02-HD/BTCTW).
    KeyPost,
    /// Nội dung (phần viết) của một báo cáo.
    ReportDraft,
    /// Khóa công khai của đơn vị cấp dưới (ký gói báo cáo).
    UnitKey,
    /// Báo cáo của đơn vị cấp dưới đã tiếp nhận.
    UnitReport,
}

impl RecordKind {
    /// The kinds people keep (not the report bookkeeping), in menu order.
    pub const KEPT: [RecordKind; 13] = [
        RecordKind::Staff,
        RecordKind::Commitment,
        RecordKind::Training,
        RecordKind::Directive,
        RecordKind::Device,
        RecordKind::Equipment,
        RecordKind::Meeting,
        RecordKind::Inspection,
        RecordKind::Incident,
        RecordKind::LegacyReview,
        RecordKind::Plan,
        RecordKind::SteeringCommittee,
        RecordKind::KeyPost,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Staff => "staff",
            RecordKind::Commitment => "commitment",
            RecordKind::Training => "training",
            RecordKind::Directive => "directive",
            RecordKind::Device => "device",
            RecordKind::Equipment => "equipment",
            RecordKind::Meeting => "meeting",
            RecordKind::Inspection => "inspection",
            RecordKind::Incident => "incident",
            RecordKind::LegacyReview => "legacy-review",
            RecordKind::Plan => "plan",
            RecordKind::SteeringCommittee => "steering-committee",
            RecordKind::KeyPost => "key-post",
            RecordKind::ReportDraft => "report-draft",
            RecordKind::UnitKey => "unit-key",
            RecordKind::UnitReport => "unit-report",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Staff => "Phân công cán bộ bảo vệ BMNN",
            RecordKind::Commitment => "Cam kết bảo vệ BMNN",
            RecordKind::Training => "Tập huấn, phổ biến, quán triệt",
            RecordKind::Directive => "Văn bản triển khai",
            RecordKind::Device => "Thiết bị dùng cho BMNN",
            RecordKind::Equipment => "Trang bị con dấu, sổ sách",
            RecordKind::Meeting => "Hội nghị, cuộc họp có nội dung BMNN",
            RecordKind::Inspection => "Kiểm tra, tự kiểm tra",
            RecordKind::Incident => "Vụ lộ, mất BMNN",
            RecordKind::LegacyReview => "Rà soát BMNN trước 01/01/2019",
            RecordKind::Plan => "Kế hoạch công tác bảo vệ BMNN",
            RecordKind::SteeringCommittee => "Ban chỉ đạo của đơn vị cấp dưới",
            RecordKind::KeyPost => "Vị trí trọng yếu, cơ mật",
            RecordKind::ReportDraft => "Nội dung báo cáo",
            RecordKind::UnitKey => "Khóa ký của đơn vị cấp dưới",
            RecordKind::UnitReport => "Báo cáo của đơn vị cấp dưới",
        }
    }
}

/// A typed programme record: its kind and its key date.
pub trait Record: Serialize + DeserializeOwned {
    const KIND: RecordKind;
    /// The date that places the record in a report period.
    fn key_date(&self) -> Date;
    /// Checks of the record by itself (the law's conditions that need no storage).
    fn check(&self) -> Result<()> {
        Ok(())
    }
    /// Checks that depend on the rules of the regime of the record's date.
    fn check_rules(&self, _regime: &Regime) -> Result<()> {
        Ok(())
    }
    /// Sets the warnings the rules of the record's date give for it (kept in the record and
    /// returned to the caller; nothing is refused).
    fn set_warnings(&mut self, _regime: &Regime) {}
    /// The follow-up acts the record's state leaves open (before any role check): a device
    /// still in use may be wiped, a task not yet done may be marked done…
    fn follow_ups(&self) -> Vec<RecordAct> {
        Vec::new()
    }
    /// Sửa hồ sơ, per kind: `given` holds the fields a form or an API call sets (already
    /// merged over the stored record's JSON, so every field it does not hold keeps its stored
    /// value); `self` is the stored record. A kind whose lists carry follow-up state (the
    /// date a task was done, a remedy done, a subordinate's plan received) keeps that state
    /// on the entries that remain.
    fn keep_state(&mut self, _stored: &Self) {}
}

/// A stored record decoded into its type, with its id and unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Stored{T}")]
pub struct Stored<T> {
    pub id: Id,
    pub unit_id: Option<Id>,
    pub record: T,
    /// Hủy hồ sơ: set when the record was cancelled (it then counts in no report and no
    /// obligation, and no act is open on it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<Cancellation>,
    /// The acts open to the caller on this record (thao tác được phép), computed by the
    /// service from the same role and state predicates its methods check.
    #[serde(default)]
    pub acts: Vec<RecordAct>,
}

/// Hủy hồ sơ: when, why and by whom a record was cancelled. Kept in the record's stored data
/// under [`CANCELLED_KEY`] beside the typed fields (no record type has a field of that name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Cancellation {
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub on: Date,
    pub reason: String,
    /// The user who cancelled it.
    pub by: Id,
}

/// The key of the [`Cancellation`] in a stored record's data.
pub const CANCELLED_KEY: &str = "cancelled";

/// Whether a stored record was cancelled (cancelled records count in no report).
pub fn is_cancelled(r: &ProgrammeRecord) -> bool {
    r.data.get(CANCELLED_KEY).is_some_and(|c| !c.is_null())
}

/// Which document of a subordinate unit arrived (kế hoạch / báo cáo năm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Arrived {
    /// Kế hoạch năm.
    Plan,
    /// Báo cáo năm.
    Report,
}

impl Arrived {
    pub fn label(self) -> &'static str {
        match self {
            Arrived::Plan => "Kế hoạch năm",
            Arrived::Report => "Báo cáo năm",
        }
    }
}

/// An act on a stored record (thao tác trên hồ sơ), as the service offers it to a caller.
/// `index` is the position of the remedy, task or subordinate unit in the record (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "act", rename_all = "kebab-case")]
pub enum RecordAct {
    /// Sửa hồ sơ.
    Edit,
    /// Hủy hồ sơ (có lý do).
    Cancel,
    /// Thôi phân công cán bộ.
    End,
    /// Xóa BMNN khỏi thiết bị.
    Wipe,
    /// Chuyển mục đích sử dụng thiết bị.
    Repurpose,
    /// Thanh lý thiết bị.
    Dispose,
    /// Ghi nhận đã khắc phục.
    RemedyDone { index: usize },
    /// Ghi nhận nhiệm vụ kế hoạch đã hoàn thành.
    TaskDone { index: usize },
    /// Ghi nhận đơn vị cấp dưới đã gửi kế hoạch hoặc báo cáo.
    Received { index: usize, what: Arrived },
    /// Ghi nhận đã gửi báo cáo đột xuất.
    Reported,
}

impl RecordAct {
    /// The roles allowed to do the act: the one predicate the service checks and offers by.
    pub fn roles(self) -> &'static [crate::model::Role] {
        match self {
            RecordAct::TaskDone { .. } => crate::access::PLAN_KEEPERS,
            _ => crate::access::PROGRAMME_KEEPERS,
        }
    }
}

/// Decodes a stored record; a record that does not decode is a storage fault.
pub fn decode<T: Record>(r: &ProgrammeRecord) -> Result<Stored<T>> {
    let bad = |e: serde_json::Error| {
        CoreError::Storage(format!("hồ sơ {} #{} không đọc được: {e}", r.kind, r.id))
    };
    // Deserialized from the borrowed value: no copy of the record's JSON tree.
    let record = T::deserialize(&r.data).map_err(bad)?;
    let cancelled = match r.data.get(CANCELLED_KEY) {
        Some(c) if !c.is_null() => Some(serde::Deserialize::deserialize(c).map_err(bad)?),
        _ => None,
    };
    Ok(Stored {
        id: r.id,
        unit_id: r.unit_id,
        record,
        cancelled,
        acts: Vec::new(),
    })
}

/// Encodes a typed record for the store.
pub fn encode<T: Record>(id: Id, unit_id: Option<Id>, t: &T) -> Result<ProgrammeRecord> {
    Ok(ProgrammeRecord {
        id,
        kind: T::KIND.code().to_string(),
        date: t.key_date(),
        unit_id,
        data: serde_json::to_value(t).map_err(|e| CoreError::Storage(e.to_string()))?,
    })
}

/// A required text: not blank, at most 2000 characters (as every required text of the acts).
fn need(field: &str, v: &str) -> Result<()> {
    crate::service::non_empty(field, v).map(|_| ())
}

// ---------------------------------------------------------------------------------------------
// Staff and commitments (ND26 Điều 7; Law 29/2018 Điều 26.2).

/// Chế độ làm công tác bảo vệ BMNN (ND26 Điều 7.1–7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StaffMode {
    /// Chuyên trách.
    FullTime,
    /// Kiêm nhiệm.
    Concurrent,
}

impl StaffMode {
    pub fn label(self) -> &'static str {
        match self {
            StaffMode::FullTime => "Chuyên trách",
            StaffMode::Concurrent => "Kiêm nhiệm",
        }
    }
}

/// Why an assignment ended (Law 29/2018 Điều 26.2.d: before leaving, hand over and commit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LeavingReason {
    /// Thôi việc.
    Resigned,
    /// Chuyển công tác.
    Transferred,
    /// Nghỉ hưu.
    Retired,
    /// Thôi phân công vì lý do khác.
    Other,
}

/// Phân công cán bộ làm công tác bảo vệ BMNN: in writing (TT104), by decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StaffAssignment {
    /// Họ và tên.
    pub person: String,
    pub user_id: Option<Id>,
    /// Chức vụ, đơn vị công tác.
    pub position: String,
    pub mode: StaffMode,
    /// Số, ký hiệu quyết định phân công.
    pub decision_ref: String,
    /// Ngày quyết định; the assignment runs from this date.
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub decision_date: Date,
    /// Ngày thôi phân công.
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub ended_on: Option<Date>,
    pub end_reason: Option<LeavingReason>,
}

impl Record for StaffAssignment {
    const KIND: RecordKind = RecordKind::Staff;
    fn follow_ups(&self) -> Vec<RecordAct> {
        if self.ended_on.is_none() {
            vec![RecordAct::End]
        } else {
            vec![]
        }
    }
    fn key_date(&self) -> Date {
        self.decision_date
    }
    fn check(&self) -> Result<()> {
        need("person", &self.person)?;
        // TT104/2021 (police) and agency rules: the assignment is made in writing.
        need("decision_ref", &self.decision_ref)?;
        if let Some(e) = self.ended_on
            && e < self.decision_date
        {
            return Err(CoreError::invalid(
                "ended_on",
                "ngày thôi phân công không được trước ngày quyết định",
            ));
        }
        Ok(())
    }
}

impl StaffAssignment {
    /// In post on `d`.
    pub fn active_on(&self, d: Date) -> bool {
        self.decision_date <= d && self.ended_on.is_none_or(|e| e >= d)
    }
}

/// Dịp ký cam kết (legal.md §18.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CommitmentOccasion {
    /// Khi được phân công (agency rules; not in the Law, [U]).
    Assignment,
    /// Khi thôi việc, chuyển công tác (Law 29/2018 Điều 26.2.d).
    Leaving,
    /// Khi nghỉ hưu (Law 29/2018 Điều 26.2.d).
    Retirement,
    /// Khi được tiếp cận BMNN (Law 29/2018 Điều 15.4, 15.5, 16.3).
    Access,
}

impl CommitmentOccasion {
    pub fn label(self) -> &'static str {
        match self {
            CommitmentOccasion::Assignment => "Khi được phân công",
            CommitmentOccasion::Leaving => "Khi thôi việc, chuyển công tác",
            CommitmentOccasion::Retirement => "Khi nghỉ hưu",
            CommitmentOccasion::Access => "Khi tiếp cận BMNN",
        }
    }
}

/// Cam kết bảo vệ BMNN: who signed, when, on which occasion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Commitment {
    pub person: String,
    /// The staff assignment it answers, when there is one.
    pub staff_id: Option<Id>,
    pub occasion: CommitmentOccasion,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub signed_on: Date,
    /// Nơi lưu bản cam kết.
    pub reference: Option<String>,
}

impl Record for Commitment {
    const KIND: RecordKind = RecordKind::Commitment;
    fn key_date(&self) -> Date {
        self.signed_on
    }
    fn check(&self) -> Result<()> {
        need("person", &self.person)
    }
}

// ---------------------------------------------------------------------------------------------
// Training and directive documents.

/// Hình thức: tập huấn, phổ biến, quán triệt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TrainingKind {
    /// Tập huấn, bồi dưỡng.
    Training,
    /// Phổ biến, tuyên truyền.
    Dissemination,
    /// Quán triệt.
    Briefing,
}

impl TrainingKind {
    pub fn label(self) -> &'static str {
        match self {
            TrainingKind::Training => "Tập huấn",
            TrainingKind::Dissemination => "Phổ biến, tuyên truyền",
            TrainingKind::Briefing => "Quán triệt",
        }
    }
}

/// Đơn vị tổ chức (organised by): this agency or a subordinate unit, for a training or an
/// inspection, so that a report can say "1 buổi cấp tỉnh và 17 buổi do các cơ quan tổ chức".
/// Records made before the field existed read as this agency's own ([`OrganisedBy::Own`]):
/// until then a record held only what the agency itself organised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OrganisedBy {
    /// Cơ quan tổ chức (this agency).
    #[default]
    Own,
    /// Đơn vị cấp dưới tổ chức (the unit is named in the record).
    Subordinate,
}

/// Một buổi tập huấn, phổ biến, quán triệt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Training {
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
    pub kind: TrainingKind,
    /// Đơn vị tổ chức.
    pub organiser: String,
    /// Cơ quan hay đơn vị cấp dưới tổ chức (absent in older records: this agency).
    #[serde(default)]
    pub organised_by: OrganisedBy,
    /// Đối tượng tham dự.
    pub audience: String,
    /// Số người tham dự.
    pub participants: u32,
    /// Danh sách người tham dự (khi có).
    #[serde(default)]
    pub attendees: Vec<String>,
}

impl Record for Training {
    const KIND: RecordKind = RecordKind::Training;
    fn key_date(&self) -> Date {
        self.date
    }
    fn check(&self) -> Result<()> {
        need("organiser", &self.organiser)?;
        if self.participants == 0 {
            return Err(CoreError::invalid(
                "participants",
                "số người tham dự phải lớn hơn 0",
            ));
        }
        if self.attendees.len() > self.participants as usize {
            return Err(CoreError::invalid(
                "attendees",
                "danh sách người tham dự dài hơn số người tham dự",
            ));
        }
        Ok(())
    }
}

/// Chiều của văn bản triển khai.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Ban hành.
    Issued,
    /// Nhận được (của cấp trên).
    Received,
}

/// Loại văn bản triển khai.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DirectiveKind {
    /// Kế hoạch.
    Plan,
    /// Quy chế (Law 29/2018 Điều 24.3).
    Regulation,
    /// Nội quy (Law 29/2018 Điều 25.1).
    InternalRules,
    /// Công văn.
    Letter,
    /// Quyết định.
    Decision,
    /// Khác.
    Other,
}

impl DirectiveKind {
    pub fn label(self) -> &'static str {
        match self {
            DirectiveKind::Plan => "Kế hoạch",
            DirectiveKind::Regulation => "Quy chế",
            DirectiveKind::InternalRules => "Nội quy",
            DirectiveKind::Letter => "Công văn",
            DirectiveKind::Decision => "Quyết định",
            DirectiveKind::Other => "Văn bản khác",
        }
    }
    pub const ALL: [DirectiveKind; 6] = [
        DirectiveKind::Plan,
        DirectiveKind::Regulation,
        DirectiveKind::InternalRules,
        DirectiveKind::Letter,
        DirectiveKind::Decision,
        DirectiveKind::Other,
    ];
}

/// Văn bản triển khai công tác bảo vệ BMNN (not a secret item: an ordinary directive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Directive {
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
    pub direction: Direction,
    pub kind: DirectiveKind,
    pub number_symbol: String,
    /// Cơ quan ban hành.
    pub issuer: String,
    /// Tên văn bản (an ordinary, unclassified title).
    pub title: String,
}

impl Record for Directive {
    const KIND: RecordKind = RecordKind::Directive;
    fn key_date(&self) -> Date {
        self.date
    }
    fn check(&self) -> Result<()> {
        need("number_symbol", &self.number_symbol)?;
        need("issuer", &self.issuer)
    }
}

// ---------------------------------------------------------------------------------------------
// Devices (Law 29/2018 Điều 5.5, 5.7; ND26 Điều 3.4, 4.7) and equipment.

/// Loại thiết bị.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceKind {
    /// Máy tính.
    Computer,
    /// Thiết bị lưu trữ (USB, ổ cứng, thẻ nhớ).
    StorageMedium,
    /// Máy sao chụp (photocopy, máy in, máy quét).
    Copier,
    Other,
}

impl DeviceKind {
    pub fn label(self) -> &'static str {
        match self {
            DeviceKind::Computer => "Máy tính",
            DeviceKind::StorageMedium => "Thiết bị lưu trữ",
            DeviceKind::Copier => "Máy sao, chụp",
            DeviceKind::Other => "Thiết bị khác",
        }
    }
}

/// Xóa BMNN khỏi thiết bị.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Wipe {
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
    pub method: String,
    pub by: String,
    /// Biên bản.
    pub minutes_ref: Option<String>,
}

/// Kết nối mạng của thiết bị: how a device that holds state secrets is connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Connection {
    /// Máy độc lập: connected to nothing.
    Standalone,
    /// Mạng LAN độc lập: a network confined to the agency's premises, with no link outside.
    IndependentLan,
    /// Kênh truyền được bảo vệ bằng thiết bị mã hóa của Ban Cơ yếu Chính phủ.
    CryptoLink,
    /// Internet, mạng máy tính khác hoặc mạng viễn thông.
    Network,
}

impl Connection {
    pub const ALL: [Connection; 4] = [
        Connection::Standalone,
        Connection::IndependentLan,
        Connection::CryptoLink,
        Connection::Network,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Connection::Standalone => "standalone",
            Connection::IndependentLan => "independent-lan",
            Connection::CryptoLink => "crypto-link",
            Connection::Network => "network",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Connection::Standalone => "máy độc lập, không kết nối mạng",
            Connection::IndependentLan => "mạng LAN độc lập trong trụ sở",
            Connection::CryptoLink => "kênh truyền có mã hóa của Ban Cơ yếu Chính phủ",
            Connection::Network => "Internet, mạng máy tính hoặc mạng viễn thông",
        }
    }
}

/// Trạng thái thiết bị.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceStatus {
    /// Đang dùng cho BMNN.
    InUse,
    /// Đã chuyển mục đích sử dụng.
    Repurposed,
    /// Đã thanh lý, hủy.
    Disposed,
}

/// Thiết bị dùng để soạn thảo, lưu giữ, sao chụp BMNN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Device {
    /// Số hiệu, số sê-ri, mã tài sản.
    pub identity: String,
    pub kind: DeviceKind,
    pub description: String,
    /// Ngày bắt đầu dùng cho BMNN.
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub in_use_from: Date,
    /// Ngày kiểm tra an ninh, dán tem (TT 110/2013 Điều 3; Directive 32/CT-TTg).
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub inspected_on: Option<Date>,
    pub stamp_ref: Option<String>,
    /// Chưa từng kết nối Internet, mạng máy tính, mạng viễn thông (Law 29/2018 Điều 5.5).
    pub never_connected: bool,
    /// How the device is connected now (absent in older records: stand-alone when it was
    /// never connected, a network otherwise). Which states may hold state secrets is regime
    /// data (`[devices]`).
    #[serde(default)]
    pub connection: Option<Connection>,
    /// Có dùng dịch vụ, công cụ trí tuệ nhân tạo trực tuyến: an online artificial
    /// intelligence service or tool is installed or used on the device.
    #[serde(default)]
    pub ai_tool: bool,
    /// Cảnh báo: what the rules of the record's date say about it (set by the service, never
    /// taken from the caller).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    pub status: DeviceStatus,
    #[serde(default)]
    pub wipes: Vec<Wipe>,
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub repurposed_on: Option<Date>,
    pub new_use: Option<String>,
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub disposed_on: Option<Date>,
    pub disposal_ref: Option<String>,
}

impl Device {
    /// The connection now: as recorded, or as older records imply.
    pub fn connection_now(&self) -> Connection {
        self.connection.unwrap_or(if self.never_connected {
            Connection::Standalone
        } else {
            Connection::Network
        })
    }
}

impl Record for Device {
    const KIND: RecordKind = RecordKind::Device;
    fn follow_ups(&self) -> Vec<RecordAct> {
        match self.status {
            // A change of use or a disposal needs a recorded wipe first (device_not_wiped).
            DeviceStatus::InUse if self.wipes.is_empty() => vec![RecordAct::Wipe],
            DeviceStatus::InUse => vec![RecordAct::Wipe, RecordAct::Repurpose, RecordAct::Dispose],
            DeviceStatus::Repurposed | DeviceStatus::Disposed => vec![],
        }
    }
    fn key_date(&self) -> Date {
        self.in_use_from
    }
    fn check_rules(&self, regime: &Regime) -> Result<()> {
        let rules = &regime.devices;
        let now = self.connection_now();
        if (rules.never_connected_required && !self.never_connected)
            || !rules.allowed.contains(&now)
        {
            let allowed: Vec<&str> = rules.allowed.iter().map(|c| c.label()).collect();
            return Err(CoreError::refused_cite(
                "device_connected",
                format!(
                    "Không được dùng thiết bị {} để soạn thảo, lưu giữ bí mật nhà nước{}. Được phép: {}.",
                    if rules.never_connected_required && !self.never_connected {
                        "đã hoặc đang kết nối Internet, mạng máy tính, mạng viễn thông"
                    } else {
                        now.label()
                    },
                    if rules.confirmed {
                        ""
                    } else {
                        " (quy định này chưa được xác nhận trong văn bản gốc)"
                    },
                    allowed.join("; ")
                ),
                regime,
                Cite::DeviceNetwork,
            ));
        }
        Ok(())
    }
    fn set_warnings(&mut self, regime: &Regime) {
        self.warning = match &regime.ai {
            Some(ai) if self.ai_tool && self.status == DeviceStatus::InUse => Some(ai.warning()),
            _ => None,
        };
    }
    fn check(&self) -> Result<()> {
        need("identity", &self.identity)?;
        let change = match self.status {
            DeviceStatus::InUse => None,
            DeviceStatus::Repurposed => Some(("repurposed_on", self.repurposed_on)),
            DeviceStatus::Disposed => Some(("disposed_on", self.disposed_on)),
        };
        if let Some((field, on)) = change {
            let on = on.ok_or_else(|| CoreError::invalid(field, "cần ghi ngày"))?;
            // Law 29/2018 Điều 5.7: no change of use before the secrets are removed.
            if self.wiped_by(on).is_none() {
                return Err(CoreError::refused_rule(
                    "device_not_wiped",
                    format!(
                        "Thiết bị {} chưa được ghi nhận xóa bí mật nhà nước; phải xóa (và lập biên bản) trước khi chuyển mục đích sử dụng hoặc thanh lý.",
                        self.identity
                    ),
                    Cite::DeviceRepurpose,
                ));
            }
        }
        Ok(())
    }
}

impl Device {
    /// The last wipe on or before `d` that follows the start of BMNN use.
    pub fn wiped_by(&self, d: Date) -> Option<&Wipe> {
        self.wipes
            .iter()
            .filter(|w| w.date >= self.in_use_from && w.date <= d)
            .max_by_key(|w| w.date)
    }
}

/// Trang bị con dấu, sổ sách của một đơn vị tại một ngày.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Equipment {
    pub unit: String,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub as_of: Date,
    /// Số con dấu mật (TT24 mẫu dấu), counted one by one.
    pub stamps: u32,
    /// Số bộ con dấu mật: the sets the unit holds (a report counts sets per unit, not pieces;
    /// absent in older records: 0, no set declared).
    #[serde(default)]
    pub stamp_sets: u32,
    /// Số sổ đăng ký, quản lý BMNN.
    pub registers: u32,
    pub note: Option<String>,
}

impl Record for Equipment {
    const KIND: RecordKind = RecordKind::Equipment;
    fn key_date(&self) -> Date {
        self.as_of
    }
    fn check(&self) -> Result<()> {
        need("unit", &self.unit)?;
        if self.stamps > 0 && self.stamp_sets > self.stamps {
            return Err(CoreError::invalid(
                "stamp_sets",
                "số bộ con dấu lớn hơn số con dấu",
            ));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Meetings (Law 29/2018 Điều 17; ND26 Điều 6).

/// Quy định về thiết bị của người dự họp (ND26 Điều 6.3.a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceRule {
    /// Không mang thiết bị thu, phát tín hiệu, ghi âm, ghi hình vào phòng họp.
    NoDevices,
    /// Sử dụng theo yêu cầu của người chủ trì (Mật only).
    AsChairDecides,
}

/// Hội nghị, hội thảo, cuộc họp có nội dung BMNN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Meeting {
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
    /// Số ngày họp (≥ 2: niêm phong phòng họp sau mỗi ngày, ND26 Điều 6.3.b).
    pub days: u32,
    /// Tên cuộc họp (never its secret content).
    pub name: String,
    pub level: Level,
    /// Người cho phép sử dụng nội dung BMNN (Law Điều 17.1.a).
    pub approved_by: String,
    pub approval_ref: Option<String>,
    pub venue: String,
    /// Phòng họp kín tại trụ sở cơ quan (ND26 Điều 6.1).
    pub at_headquarters: bool,
    /// Kiểm tra an ninh địa điểm của Công an khi họp ngoài trụ sở.
    pub police_check_ref: Option<String>,
    pub device_rule: DeviceRule,
    #[serde(default)]
    pub attendees: Vec<String>,
    /// Tài liệu BMNN phát ra và đã thu hồi (Law Điều 17.1.e).
    pub documents_issued: u32,
    pub documents_returned: u32,
}

impl Record for Meeting {
    const KIND: RecordKind = RecordKind::Meeting;
    fn key_date(&self) -> Date {
        self.date
    }
    fn check(&self) -> Result<()> {
        need("name", &self.name)?;
        need("approved_by", &self.approved_by)?;
        need("venue", &self.venue)?;
        if self.level >= Level::ToiMat && self.device_rule != DeviceRule::NoDevices {
            return Err(CoreError::refused_rule(
                "meeting_devices",
                format!(
                    "Hội nghị, cuộc họp có nội dung {} không được cho người dự mang thiết bị thu, phát tín hiệu, ghi âm, ghi hình.",
                    self.level.label()
                ),
                Cite::MeetingDevices,
            ));
        }
        if !self.at_headquarters
            && self
                .police_check_ref
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
        {
            return Err(CoreError::refused_rule(
                "meeting_venue_check",
                "Họp ngoài trụ sở cơ quan phải có kiểm tra an ninh của Công an; ghi số văn bản kiểm tra.",
                Cite::MeetingPlace,
            ));
        }
        if self.documents_returned > self.documents_issued {
            return Err(CoreError::invalid(
                "documents_returned",
                "số tài liệu thu hồi lớn hơn số tài liệu phát ra",
            ));
        }
        if self.days == 0 {
            return Err(CoreError::invalid("days", "số ngày họp phải lớn hơn 0"));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Inspections (Law 29/2018 Điều 24.3.d, 25.2).

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InspectionKind {
    /// Kiểm tra (đơn vị khác, cấp dưới).
    Inspection,
    /// Tự kiểm tra.
    SelfInspection,
}

impl InspectionKind {
    /// The word a sentence uses: "kiểm tra", "tự kiểm tra".
    pub fn word(self) -> &'static str {
        match self {
            InspectionKind::Inspection => "kiểm tra",
            InspectionKind::SelfInspection => "tự kiểm tra",
        }
    }
}

/// Biện pháp khắc phục và thời hạn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Remedy {
    pub text: String,
    pub unit: String,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub deadline: Date,
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub done_on: Option<Date>,
}

/// Một cuộc kiểm tra: ai kiểm tra, những đơn vị nào, khi nào, phát hiện gì, khắc phục ra sao.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Inspection {
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
    pub kind: InspectionKind,
    /// Đơn vị, đoàn kiểm tra.
    pub inspector: String,
    /// Quyết định kiểm tra (số, ký hiệu, ngày), when there is one.
    #[serde(default)]
    pub decision: Option<String>,
    /// Cơ quan hay đơn vị cấp dưới tổ chức kiểm tra (absent in older records: this agency).
    #[serde(default)]
    pub organised_by: OrganisedBy,
    /// Đơn vị được kiểm tra.
    pub units: Vec<String>,
    /// Số đơn vị được kiểm tra, when the units are too many to list (0: the list's length).
    #[serde(default)]
    pub units_count: u32,
    /// Tồn tại, hạn chế phát hiện.
    #[serde(default)]
    pub findings: Vec<String>,
    #[serde(default)]
    pub remedies: Vec<Remedy>,
}

impl Record for Inspection {
    const KIND: RecordKind = RecordKind::Inspection;
    fn follow_ups(&self) -> Vec<RecordAct> {
        (self.remedies.iter().enumerate())
            .filter(|(_, r)| r.done_on.is_none())
            .map(|(index, _)| RecordAct::RemedyDone { index })
            .collect()
    }
    /// A remedy kept with the same text and unit keeps the date it was done.
    fn keep_state(&mut self, stored: &Self) {
        for r in &mut self.remedies {
            if r.done_on.is_none()
                && let Some(old) =
                    (stored.remedies.iter()).find(|o| o.text == r.text && o.unit == r.unit)
            {
                r.done_on = old.done_on;
            }
        }
    }
    fn key_date(&self) -> Date {
        self.date
    }
    fn check(&self) -> Result<()> {
        need("inspector", &self.inspector)?;
        if self.units.is_empty() && self.units_count == 0 {
            return Err(CoreError::invalid(
                "units",
                "cần ít nhất một đơn vị được kiểm tra (danh sách hoặc số đơn vị)",
            ));
        }
        if self.units_count > 0 && (self.units_count as usize) < self.units.len() {
            return Err(CoreError::invalid(
                "units_count",
                "số đơn vị được kiểm tra ít hơn số đơn vị trong danh sách",
            ));
        }
        for r in &self.remedies {
            need("remedies.text", &r.text)?;
            if r.deadline < self.date {
                return Err(CoreError::invalid(
                    "remedies.deadline",
                    "thời hạn khắc phục không được trước ngày kiểm tra",
                ));
            }
        }
        Ok(())
    }
}

impl Inspection {
    /// Số đơn vị được kiểm tra: the count given, or the units listed.
    pub fn units_inspected(&self) -> u64 {
        (self.units_count as u64).max(self.units.len() as u64)
    }
}

// ---------------------------------------------------------------------------------------------
// Incidents (Law 29/2018 Điều 5.1, 5.9, 25.3; ND26 Điều 8.1.b, 8.2.c).

/// Lộ hay mất.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IncidentKind {
    /// Lộ bí mật nhà nước.
    Exposure,
    /// Mất tài liệu, vật chứa bí mật nhà nước.
    Loss,
}

impl IncidentKind {
    pub fn word(self) -> &'static str {
        match self {
            IncidentKind::Exposure => "lộ",
            IncidentKind::Loss => "mất",
        }
    }
}

/// Kênh xảy ra vụ việc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// Đăng tải trên cổng, trang thông tin điện tử của cơ quan.
    AgencyWebsite,
    /// Mạng xã hội.
    SocialNetwork,
    /// Cung cấp, chuyển giao trái quy định.
    ImproperProvision,
    /// Mất vật lý (thất lạc, bị lấy cắp).
    PhysicalLoss,
    Other,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::AgencyWebsite,
        Channel::SocialNetwork,
        Channel::ImproperProvision,
        Channel::PhysicalLoss,
        Channel::Other,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Channel::AgencyWebsite => "Trang thông tin điện tử của cơ quan",
            Channel::SocialNetwork => "Mạng xã hội",
            Channel::ImproperProvision => "Cung cấp trái quy định",
            Channel::PhysicalLoss => "Mất tài liệu, vật chứa",
            Channel::Other => "Khác",
        }
    }
    /// On the Internet (Law 29/2018 Điều 5.9).
    pub fn internet(self) -> bool {
        matches!(self, Channel::AgencyWebsite | Channel::SocialNetwork)
    }
}

/// A document involved in an incident: its level (none when it was never marked) and whether
/// its content is in the catalogue. Never its summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IncidentDocument {
    pub level: Option<Level>,
    pub in_catalogue: bool,
    /// The registered item, when it is one.
    pub item_id: Option<Id>,
}

/// Xử lý kỷ luật.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Discipline {
    /// Số người bị xử lý kỷ luật.
    pub disciplined: u32,
    /// Số người bị phê bình, kiểm điểm, rút kinh nghiệm.
    pub criticised: u32,
}

/// Báo cáo đột xuất đã gửi (ND26 Điều 8.1.b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SentReport {
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
    pub reference: String,
    pub to: String,
}

/// Tình trạng giải quyết vụ việc (state of an incident).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IncidentState {
    /// Đang xác minh. Records made before the state existed read so: nothing says they were
    /// concluded.
    #[default]
    Verifying,
    /// Đã kết luận.
    Concluded,
    /// Đã chuyển cơ quan có thẩm quyền.
    Transferred,
}

impl IncidentState {
    pub fn label(self) -> &'static str {
        match self {
            IncidentState::Verifying => "Đang xác minh",
            IncidentState::Concluded => "Đã kết luận",
            IncidentState::Transferred => "Đã chuyển cơ quan có thẩm quyền",
        }
    }
}

/// Một vụ lộ, mất bí mật nhà nước.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Incident {
    /// Ngày phát hiện.
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub discovered_on: Date,
    pub kind: IncidentKind,
    pub channel: Channel,
    /// Nơi xảy ra (đơn vị, trang thông tin).
    pub place: String,
    pub documents: Vec<IncidentDocument>,
    /// Nguyên nhân.
    pub cause: String,
    /// Đã thu hồi.
    pub recovered: bool,
    /// Đã gỡ bỏ (trên mạng).
    pub taken_down: bool,
    #[serde(default)]
    pub discipline: Discipline,
    /// Chuyển cơ quan điều tra (dấu hiệu tội phạm).
    #[serde(default)]
    pub criminal_referral: bool,
    pub adhoc_report: Option<SentReport>,
    /// Tình trạng: đang xác minh, đã kết luận, đã chuyển cơ quan có thẩm quyền.
    #[serde(default)]
    pub state: IncidentState,
    /// Kết quả xác minh, kết luận (or the authority it went to, when transferred).
    #[serde(default)]
    pub outcome: Option<String>,
    /// Ngày kết luận, or the day it was transferred.
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub state_on: Option<Date>,
}

impl Record for Incident {
    const KIND: RecordKind = RecordKind::Incident;
    fn follow_ups(&self) -> Vec<RecordAct> {
        if self.adhoc_report.is_none() {
            vec![RecordAct::Reported]
        } else {
            vec![]
        }
    }
    fn key_date(&self) -> Date {
        self.discovered_on
    }
    fn check(&self) -> Result<()> {
        need("place", &self.place)?;
        if self.documents.is_empty() {
            return Err(CoreError::invalid(
                "documents",
                "cần ít nhất một tài liệu liên quan",
            ));
        }
        if self.kind == IncidentKind::Loss && self.taken_down {
            return Err(CoreError::invalid(
                "taken_down",
                "vụ mất tài liệu không có nội dung trên mạng để gỡ bỏ",
            ));
        }
        if let Some(r) = &self.adhoc_report
            && r.date < self.discovered_on
        {
            return Err(CoreError::invalid(
                "adhoc_report.date",
                "báo cáo đột xuất không được trước ngày phát hiện",
            ));
        }
        self.check_state()
    }
}

impl Incident {
    /// A concluded or transferred incident says when and with what outcome; an incident
    /// still under verification has no date of conclusion.
    fn check_state(&self) -> Result<()> {
        let outcome = self.outcome.as_deref().map(str::trim).unwrap_or_default();
        match self.state {
            IncidentState::Verifying => {
                if self.state_on.is_some() {
                    return Err(CoreError::invalid(
                        "state_on",
                        "vụ việc đang xác minh chưa có ngày kết luận; chọn tình trạng đã kết luận hoặc đã chuyển cơ quan có thẩm quyền",
                    ));
                }
            }
            IncidentState::Concluded | IncidentState::Transferred => {
                let concluded = self.state == IncidentState::Concluded;
                let on = self.state_on.ok_or_else(|| {
                    CoreError::invalid(
                        "state_on",
                        if concluded {
                            "vụ việc đã kết luận cần ghi ngày kết luận"
                        } else {
                            "vụ việc đã chuyển cần ghi ngày chuyển"
                        },
                    )
                })?;
                if on < self.discovered_on {
                    return Err(CoreError::invalid(
                        "state_on",
                        "ngày kết luận hoặc ngày chuyển không được trước ngày phát hiện",
                    ));
                }
                if outcome.is_empty() {
                    return Err(CoreError::invalid(
                        "outcome",
                        if concluded {
                            "vụ việc đã kết luận cần ghi kết quả, kết luận"
                        } else {
                            "vụ việc đã chuyển cần ghi cơ quan có thẩm quyền nhận"
                        },
                    ));
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Legacy review (Law 29/2018 Điều 28).

/// Rà soát BMNN xác định trước 01/01/2019 (Law 29/2018 Điều 28).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LegacyReview {
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
    pub unit: String,
    pub reviewed: u32,
    /// Gia hạn.
    pub extended: u32,
    /// Giải mật.
    pub declassified: u32,
}

impl Record for LegacyReview {
    const KIND: RecordKind = RecordKind::LegacyReview;
    fn key_date(&self) -> Date {
        self.date
    }
    fn check(&self) -> Result<()> {
        need("unit", &self.unit)?;
        if self.extended + self.declassified > self.reviewed {
            return Err(CoreError::invalid(
                "reviewed",
                "số gia hạn cộng số giải mật lớn hơn số đã rà soát",
            ));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Annual plan and the steering level.

/// Một nhiệm vụ trong kế hoạch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PlanTask {
    pub text: String,
    /// Đơn vị chủ trì.
    pub unit: String,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub deadline: Date,
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub done_on: Option<Date>,
}

/// At a steering level (Ban Chỉ đạo): one subordinate unit and what it sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Subordinate {
    pub unit: String,
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub plan_received_on: Option<Date>,
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub report_received_on: Option<Date>,
}

/// Kế hoạch công tác bảo vệ BMNN năm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AnnualPlan {
    #[schemars(range(min = 1900, max = 2199))]
    pub year: i32,
    pub number_symbol: String,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub issued_on: Date,
    pub tasks: Vec<PlanTask>,
    /// Hạn đơn vị cấp dưới gửi kế hoạch (steering level; agency rule).
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub subordinate_plan_due: Option<Date>,
    #[serde(default)]
    pub subordinates: Vec<Subordinate>,
}

impl Record for AnnualPlan {
    const KIND: RecordKind = RecordKind::Plan;
    fn follow_ups(&self) -> Vec<RecordAct> {
        let tasks = (self.tasks.iter().enumerate())
            .filter(|(_, t)| t.done_on.is_none())
            .map(|(index, _)| RecordAct::TaskDone { index });
        let subs = self.subordinates.iter().enumerate().flat_map(|(index, u)| {
            let plan = u.plan_received_on.is_none().then_some(RecordAct::Received {
                index,
                what: Arrived::Plan,
            });
            let report = u
                .report_received_on
                .is_none()
                .then_some(RecordAct::Received {
                    index,
                    what: Arrived::Report,
                });
            plan.into_iter().chain(report)
        });
        tasks.chain(subs).collect()
    }
    /// A task kept with the same text and unit keeps the date it was done; a subordinate unit
    /// kept by name keeps the dates its plan and report arrived.
    fn keep_state(&mut self, stored: &Self) {
        for t in &mut self.tasks {
            if t.done_on.is_none()
                && let Some(old) =
                    (stored.tasks.iter()).find(|o| o.text == t.text && o.unit == t.unit)
            {
                t.done_on = old.done_on;
            }
        }
        for u in &mut self.subordinates {
            if let Some(old) = stored.subordinates.iter().find(|o| o.unit == u.unit) {
                u.plan_received_on = u.plan_received_on.or(old.plan_received_on);
                u.report_received_on = u.report_received_on.or(old.report_received_on);
            }
        }
    }
    fn key_date(&self) -> Date {
        self.issued_on
    }
    fn check(&self) -> Result<()> {
        need("number_symbol", &self.number_symbol)?;
        for t in &self.tasks {
            need("tasks.text", &t.text)?;
            need("tasks.unit", &t.unit)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Subordinate steering committees and the register of key and confidential posts.

/// What a subordinate unit has to steer the protection of state secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SteeringBody {
    /// Ban Chỉ đạo công tác bảo vệ BMNN.
    Committee,
    /// Cơ quan, bộ phận được giao nhiệm vụ (no committee of its own).
    DesignatedBody,
    /// Chưa có.
    Missing,
}

impl SteeringBody {
    pub fn label(self) -> &'static str {
        match self {
            SteeringBody::Committee => "Có Ban Chỉ đạo",
            SteeringBody::DesignatedBody => "Có cơ quan, bộ phận được giao",
            SteeringBody::Missing => "Chưa có",
        }
    }
}

/// Ban chỉ đạo cấp dưới: whether a subordinate unit has a steering committee for the
/// protection of state secrets (or a body designated for it) as of a date, and the decision
/// that set it up. A report counts each unit's latest record on or before the period's end
/// ("12/12 huyện có Ban Chỉ đạo").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SteeringCommittee {
    /// Đơn vị cấp dưới.
    pub unit: String,
    /// Tính đến ngày.
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub as_of: Date,
    pub body: SteeringBody,
    /// Số, ký hiệu quyết định thành lập, kiện toàn (hoặc giao nhiệm vụ).
    pub decision_ref: Option<String>,
    /// Ngày quyết định.
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub decision_date: Option<Date>,
    pub note: Option<String>,
}

impl Record for SteeringCommittee {
    const KIND: RecordKind = RecordKind::SteeringCommittee;
    fn key_date(&self) -> Date {
        self.as_of
    }
    fn check(&self) -> Result<()> {
        need("unit", &self.unit)?;
        let has_ref = self
            .decision_ref
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty());
        if self.body == SteeringBody::Missing {
            if has_ref || self.decision_date.is_some() {
                return Err(CoreError::invalid(
                    "decision_ref",
                    "đơn vị chưa có Ban Chỉ đạo thì không ghi quyết định",
                ));
            }
            return Ok(());
        }
        if !has_ref {
            return Err(CoreError::invalid(
                "decision_ref",
                "cần ghi số, ký hiệu quyết định thành lập hoặc giao nhiệm vụ",
            ));
        }
        let on = self
            .decision_date
            .ok_or_else(|| CoreError::invalid("decision_date", "cần ghi ngày quyết định"))?;
        if on > self.as_of {
            return Err(CoreError::invalid(
                "decision_date",
                "ngày quyết định không được sau ngày tính đến",
            ));
        }
        Ok(())
    }
}

/// Vị trí trọng yếu hay cơ mật (Hướng dẫn 02-HD/BTCTW).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PostKind {
    /// Vị trí trọng yếu.
    Key,
    /// Vị trí cơ mật.
    Confidential,
}

/// A person in a key or confidential post: their vetting (thẩm tra), the day they signed the
/// commitment to protect state secrets, the day of their last training. The commitment is
/// given by its date, not linked to a commitment record: the form writes one line per person
/// and a line has no place for a record's opaque id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PostHolder {
    /// Họ và tên.
    pub person: String,
    /// Ngày thẩm tra, xác minh tiêu chuẩn chính trị.
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub vetted_on: Option<Date>,
    /// Kết quả thẩm tra.
    #[serde(default)]
    pub vetting_result: Option<String>,
    /// Ngày ký cam kết bảo vệ BMNN.
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub committed_on: Option<Date>,
    /// Ngày tập huấn, bồi dưỡng gần nhất.
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub trained_on: Option<Date>,
}

/// Vị trí trọng yếu, cơ mật: one post of a unit in the agency's list of key and confidential
/// posts, with the people in it, as of a date. A report counts each post's latest record on
/// or before the period's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct KeyPost {
    /// Cơ quan, bộ phận.
    pub unit: String,
    /// Vị trí (chức danh, vị trí việc làm).
    pub post: String,
    pub kind: PostKind,
    /// Tính đến ngày.
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub as_of: Date,
    /// Văn bản ban hành danh mục (số, ký hiệu).
    pub listing_ref: Option<String>,
    #[serde(default)]
    pub holders: Vec<PostHolder>,
}

impl Record for KeyPost {
    const KIND: RecordKind = RecordKind::KeyPost;
    fn key_date(&self) -> Date {
        self.as_of
    }
    fn check(&self) -> Result<()> {
        need("unit", &self.unit)?;
        need("post", &self.post)?;
        for h in &self.holders {
            need("holders.person", &h.person)?;
            let result = h
                .vetting_result
                .as_deref()
                .map(str::trim)
                .unwrap_or_default();
            // Both the date and the result of a vetting, or neither.
            if h.vetted_on.is_some() == result.is_empty() {
                return Err(CoreError::invalid(
                    "holders.vetting_result",
                    format!("{}: cần ghi cả ngày và kết quả thẩm tra", h.person),
                ));
            }
            let dates = [h.vetted_on, h.committed_on, h.trained_on];
            if dates.iter().flatten().any(|d| *d > self.as_of) {
                return Err(CoreError::invalid(
                    "holders",
                    format!(
                        "{}: ngày thẩm tra, cam kết, tập huấn không được sau ngày tính đến",
                        h.person
                    ),
                ));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Reports: the written parts, the keys of subordinate units, their received reports.

/// Loại báo cáo (ND26 Điều 8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    /// Báo cáo sơ kết 01 năm.
    Annual,
    /// Báo cáo tổng kết 05 năm.
    FiveYear,
    /// Báo cáo đột xuất khi phát hiện lộ, mất BMNN.
    Incident,
    /// Báo cáo sơ kết, tổng kết thi hành Luật (hoặc chỉ thị) over a period the user sets (by
    /// default from the day the Law took effect, as the rules say).
    MultiYear,
    /// Kế hoạch công tác bảo vệ BMNN năm (the rules' `[plan_template]`); issued, its tasks
    /// become the tasks of a plan record ([`AnnualPlan`]).
    AnnualPlan,
    /// Kết luận kiểm tra công tác bảo vệ BMNN: one inspection record.
    InspectionConclusion,
}

impl ReportKind {
    pub fn code(self) -> &'static str {
        match self {
            ReportKind::Annual => "annual",
            ReportKind::FiveYear => "five-year",
            ReportKind::Incident => "incident",
            ReportKind::MultiYear => "multi-year",
            ReportKind::AnnualPlan => "annual-plan",
            ReportKind::InspectionConclusion => "inspection-conclusion",
        }
    }

    /// The report kinds a unit sends to the level above as a signed bundle: the reports on a
    /// period whose figures the level above adds to its own (not a report on one record, nor
    /// the plan, which has no figures).
    pub const BUNDLED: [ReportKind; 3] = [
        ReportKind::Annual,
        ReportKind::FiveYear,
        ReportKind::MultiYear,
    ];

    /// Whether a report of this kind is sent up as a signed bundle ([`ReportKind::BUNDLED`]).
    pub fn bundled(self) -> bool {
        Self::BUNDLED.contains(&self)
    }

    /// Tên loại báo cáo, as the reports page and messages name it.
    pub fn label(self) -> &'static str {
        match self {
            ReportKind::Annual => "Báo cáo sơ kết 01 năm",
            ReportKind::FiveYear => "Báo cáo tổng kết 05 năm",
            ReportKind::Incident => "Báo cáo đột xuất vụ lộ, mất BMNN",
            ReportKind::MultiYear => "Báo cáo sơ kết, tổng kết thi hành Luật (nhiều năm)",
            ReportKind::AnnualPlan => "Kế hoạch công tác bảo vệ BMNN năm",
            ReportKind::InspectionConclusion => "Kết luận kiểm tra công tác bảo vệ BMNN",
        }
    }

    /// A report on one record (an incident, an inspection) rather than on a period.
    pub fn of_one_record(self) -> bool {
        matches!(
            self,
            ReportKind::Incident | ReportKind::InspectionConclusion
        )
    }
}

/// Phần viết của một báo cáo (per section code) and its printed particulars.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ReportDraftText {
    /// Narrative by section code ("a", "b", …).
    #[serde(default)]
    pub narrative: BTreeMap<String, String>,
    /// Số, ký hiệu ("   /BC-UBND" until numbered).
    pub number: Option<String>,
    pub recipients: Vec<String>,
    pub archive: Option<String>,
    pub signer_authority: Option<String>,
    pub signer_position: Option<String>,
    pub signer_name: Option<String>,
    /// Kỳ số liệu: first day (default: the one the report kind gives).
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub period_start: Option<Date>,
    /// Kỳ số liệu: last day.
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub period_end: Option<Date>,
    /// Trích yếu (default: built from the kind and the period by the rules' template).
    pub title: Option<String>,
    /// Địa danh (default: the agency's place).
    pub place: Option<String>,
    /// Ngày ban hành (default: today); the regime in force that day is the one cited.
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub date: Option<Date>,
    /// Phần mở đầu (default: the rules' opening for the kind).
    pub opening: Option<String>,
    /// The annual plan's tasks as edited (empty: the rules' standard tasks of the year).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<PlanTaskText>,
}

/// One task of an annual plan's text (II. Nhiệm vụ): its group heading, what is to be done,
/// the unit in charge (đơn vị chủ trì) and the deadline (none: thường xuyên).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PlanTaskText {
    /// Nhóm nhiệm vụ (the heading the task is listed under).
    #[serde(default)]
    pub group: String,
    pub text: String,
    /// Đơn vị chủ trì.
    pub unit: String,
    /// Thời gian thực hiện; absent: thường xuyên (tracked to the last day of the year).
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub deadline: Option<Date>,
}

impl PlanTaskText {
    /// "Thường xuyên" or the deadline as dd/mm/yyyy.
    pub fn when_vn(&self) -> String {
        self.deadline
            .map_or_else(|| "Thường xuyên".to_string(), crate::dates::fmt_vn)
    }

    /// The tasks as the page's text box shows them: one line per task, "nhóm | nội dung |
    /// đơn vị chủ trì | thời hạn" (dd/mm/yyyy or "thường xuyên").
    pub fn to_lines(tasks: &[PlanTaskText]) -> String {
        tasks
            .iter()
            .map(|t| format!("{} | {} | {} | {}", t.group, t.text, t.unit, t.when_vn()))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Reads the page's text box ([`Self::to_lines`]); refused, naming the line, when a line
    /// lacks a part or its deadline is neither a date nor "thường xuyên", or falls outside
    /// `year`.
    pub fn parse_lines(text: &str, year: i32) -> Result<Vec<PlanTaskText>> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let bad = |m: &str| CoreError::invalid("tasks", format!("dòng {}: {m}", i + 1));
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            let [group, text, unit, when] = parts[..] else {
                return Err(bad(
                    "ghi đủ 4 phần «nhóm | nội dung | đơn vị chủ trì | thời hạn», cách nhau bằng dấu |",
                ));
            };
            if text.is_empty() || unit.is_empty() {
                return Err(bad("thiếu nội dung nhiệm vụ hoặc đơn vị chủ trì"));
            }
            let deadline = if crate::text::fold(when) == crate::text::fold("thường xuyên") {
                None
            } else {
                let d = crate::dates::parse_date(when)
                    .ok_or_else(|| bad("thời hạn phải là ngày dd/mm/yyyy hoặc «thường xuyên»"))?;
                if d.year() != year {
                    return Err(bad(&format!("thời hạn phải trong năm {year}")));
                }
                Some(d)
            };
            out.push(PlanTaskText {
                group: group.to_string(),
                text: text.to_string(),
                unit: unit.to_string(),
                deadline,
            });
        }
        Ok(out)
    }
}

impl ReportDraftText {
    /// Drops what belongs to one report only (number, date, period, title): what is offered
    /// for the next report as a start.
    pub fn for_next_report(mut self) -> Self {
        self.number = None;
        self.date = None;
        self.period_start = None;
        self.period_end = None;
        self.title = None;
        // A plan's deadlines are days of its own year: next year starts from the rules.
        self.tasks.clear();
        self
    }
}

/// A stored draft: the text for one report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReportDraft {
    pub kind: ReportKind,
    pub year: i32,
    /// For an incident report: the incident record.
    pub incident_id: Option<Id>,
    /// For an inspection conclusion: the inspection record.
    #[serde(default)]
    pub inspection_id: Option<Id>,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub saved_on: Date,
    pub text: ReportDraftText,
}

impl ReportDraft {
    /// The record the report is about (incident or inspection), if any.
    pub fn subject(&self) -> Option<Id> {
        self.incident_id.or(self.inspection_id)
    }
}

impl Record for ReportDraft {
    const KIND: RecordKind = RecordKind::ReportDraft;
    fn key_date(&self) -> Date {
        self.saved_on
    }
    fn check(&self) -> Result<()> {
        if let (Some(a), Some(b)) = (self.text.period_start, self.text.period_end)
            && a > b
        {
            return Err(CoreError::invalid(
                "period_end",
                "ngày cuối kỳ số liệu phải từ ngày đầu kỳ trở về sau",
            ));
        }
        for (k, v) in [("title", &self.text.title), ("opening", &self.text.opening)] {
            if v.as_ref().is_some_and(|v| v.chars().count() > 10_000) {
                return Err(CoreError::invalid(k, "quá dài (tối đa 10.000 ký tự)"));
            }
        }
        for (k, v) in &self.text.narrative {
            if v.chars().count() > 100_000 {
                return Err(CoreError::invalid(
                    &format!("narrative.{k}"),
                    "quá dài (tối đa 100.000 ký tự)",
                ));
            }
        }
        Ok(())
    }
}

/// The public signing key of a subordinate unit, registered at the level above.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UnitKey {
    pub unit: String,
    /// Ed25519 public key, 64 lowercase hex digits.
    pub public_key: String,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub registered_on: Date,
    /// A revoked key no longer verifies new bundles.
    #[serde(default)]
    pub revoked: bool,
}

impl Record for UnitKey {
    const KIND: RecordKind = RecordKind::UnitKey;
    fn key_date(&self) -> Date {
        self.registered_on
    }
    fn check(&self) -> Result<()> {
        need("unit", &self.unit)?;
        crate::programme::bundle::parse_public_key(&self.public_key).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn device() -> Device {
        Device {
            identity: "MT-01".into(),
            kind: DeviceKind::Computer,
            description: "Máy tính soạn thảo BMNN".into(),
            in_use_from: date!(2024 - 01 - 10),
            inspected_on: Some(date!(2024 - 01 - 05)),
            stamp_ref: Some("Tem 0001".into()),
            never_connected: true,
            connection: None,
            ai_tool: false,
            warning: None,
            status: DeviceStatus::InUse,
            wipes: vec![],
            repurposed_on: None,
            new_use: None,
            disposed_on: None,
            disposal_ref: None,
        }
    }

    #[test]
    fn a_device_changes_use_only_after_a_recorded_wipe() {
        let mut d = device();
        d.check().unwrap();
        d.status = DeviceStatus::Repurposed;
        d.repurposed_on = Some(date!(2025 - 03 - 01));
        let e = d.check().unwrap_err();
        assert_eq!(e.code(), "device_not_wiped", "{e:?}");
        // The check names the rule; the regime of the act's date gives its citation.
        let rules = crate::rules::RuleSet::embedded();
        let e = e.cited(rules.regime_for_or_first(date!(2025 - 03 - 01)));
        assert!(format!("{e:?}").contains("Điều 5 khoản 7"));
        let e = d
            .check()
            .unwrap_err()
            .cited(rules.regime_for_or_first(date!(2026 - 03 - 01)));
        assert!(format!("{e:?}").contains("117/2025/QH15"), "{e:?}");
        // A wipe after the change does not count; one before it does.
        d.wipes.push(Wipe {
            date: date!(2025 - 03 - 02),
            method: "Ghi đè 3 lần".into(),
            by: "Nguyễn Văn A".into(),
            minutes_ref: None,
        });
        assert!(d.check().is_err());
        d.wipes[0].date = date!(2025 - 02 - 28);
        d.check().unwrap();
        d.status = DeviceStatus::Disposed;
        d.disposed_on = Some(date!(2025 - 02 - 27));
        assert!(d.check().is_err(), "disposal before the wipe");
    }

    #[test]
    fn which_connection_may_hold_secrets_follows_the_regime() {
        let rules = crate::rules::RuleSet::embedded();
        let a = rules.regime("A").unwrap();
        let b = rules.regime("B").unwrap();
        let mut d = device();
        d.check_rules(a).unwrap();
        d.never_connected = false;
        let e = d.check_rules(a).unwrap_err();
        assert_eq!(e.code(), "device_connected");
        assert!(format!("{e:?}").contains("29/2018"), "{e:?}");
        // Regime B: an independent LAN or a cơ yếu-encrypted link may carry secrets; the
        // Internet may not; a past connection alone no longer bars the device.
        d.connection = Some(Connection::IndependentLan);
        d.check_rules(b).unwrap();
        assert!(d.check_rules(a).is_err());
        d.connection = Some(Connection::CryptoLink);
        d.check_rules(b).unwrap();
        d.connection = Some(Connection::Network);
        let e = d.check_rules(b).unwrap_err();
        assert!(
            format!("{e:?}").contains("117/2025")
                && format!("{e:?}").contains("chưa được xác nhận")
        );
    }

    #[test]
    fn a_device_using_an_online_ai_tool_is_warned_under_regime_b_only() {
        let rules = crate::rules::RuleSet::embedded();
        let a = rules.regime("A").unwrap();
        let b = rules.regime("B").unwrap();
        let ai =
            b.ai.as_ref()
                .expect("regime B's rule on artificial intelligence");
        assert!(a.ai.is_none(), "regime A has no such rule");
        let mut d = device();
        d.ai_tool = true;
        d.set_warnings(a);
        assert_eq!(d.warning, None);
        d.set_warnings(b);
        let w = d.warning.clone().expect("warned");
        assert!(
            w.contains(&ai.device_warning) && w.contains(&ai.basis),
            "{w}"
        );
        assert_eq!(w.contains("chưa được xác nhận"), !ai.confirmed);
        // Without the tool, or once the device no longer holds secrets, no warning.
        d.ai_tool = false;
        d.set_warnings(b);
        assert_eq!(d.warning, None);
        d.ai_tool = true;
        d.status = DeviceStatus::Disposed;
        d.set_warnings(b);
        assert_eq!(d.warning, None);
    }

    fn meeting(level: Level, rule: DeviceRule) -> Meeting {
        Meeting {
            date: date!(2025 - 05 - 05),
            days: 1,
            name: "Hội nghị giao ban".into(),
            level,
            approved_by: "Giám đốc".into(),
            approval_ref: None,
            venue: "Phòng họp số 1".into(),
            at_headquarters: true,
            police_check_ref: None,
            device_rule: rule,
            attendees: vec![],
            documents_issued: 10,
            documents_returned: 10,
        }
    }

    #[test]
    fn no_devices_in_toi_mat_and_tuyet_mat_meetings() {
        meeting(Level::Mat, DeviceRule::AsChairDecides)
            .check()
            .unwrap();
        for l in [Level::ToiMat, Level::TuyetMat] {
            let e = meeting(l, DeviceRule::AsChairDecides).check().unwrap_err();
            assert_eq!(e.code(), "meeting_devices");
            meeting(l, DeviceRule::NoDevices).check().unwrap();
        }
        let mut m = meeting(Level::Mat, DeviceRule::NoDevices);
        m.at_headquarters = false;
        assert_eq!(m.check().unwrap_err().code(), "meeting_venue_check");
        m.police_check_ref = Some("CV 12/PA03".into());
        m.check().unwrap();
        m.documents_returned = 11;
        assert!(m.check().is_err());
    }

    fn incident() -> Incident {
        Incident {
            discovered_on: date!(2025 - 03 - 10),
            kind: IncidentKind::Exposure,
            channel: Channel::SocialNetwork,
            place: "Trang cá nhân".into(),
            documents: vec![IncidentDocument {
                level: Some(Level::Mat),
                in_catalogue: true,
                item_id: None,
            }],
            cause: "Chụp ảnh tài liệu".into(),
            recovered: false,
            taken_down: true,
            discipline: Discipline::default(),
            criminal_referral: false,
            adhoc_report: None,
            state: IncidentState::Verifying,
            outcome: None,
            state_on: None,
        }
    }

    fn invalid_field(e: CoreError) -> String {
        match e {
            CoreError::Invalid { field, .. } => field,
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn a_concluded_or_transferred_incident_needs_its_date_and_outcome() {
        let mut x = incident();
        x.check().unwrap();
        // Under verification: no date of conclusion.
        x.state_on = Some(date!(2025 - 04 - 01));
        assert_eq!(invalid_field(x.check().unwrap_err()), "state_on");
        for state in [IncidentState::Concluded, IncidentState::Transferred] {
            let mut x = incident();
            x.state = state;
            assert_eq!(invalid_field(x.check().unwrap_err()), "state_on");
            x.state_on = Some(date!(2025 - 03 - 09));
            x.outcome = Some("Kết luận: lỗi của công chức".into());
            let e = x.check().unwrap_err();
            assert!(format!("{e:?}").contains("không được trước ngày phát hiện"));
            x.state_on = Some(date!(2025 - 03 - 10));
            x.check().unwrap();
            x.outcome = Some("   ".into());
            assert_eq!(invalid_field(x.check().unwrap_err()), "outcome");
        }
        // Records stored before the state existed read as under verification.
        let mut v = serde_json::to_value(incident()).unwrap();
        for k in ["state", "outcome", "state_on"] {
            v.as_object_mut().unwrap().remove(k);
        }
        let old: Incident = serde_json::from_value(v).unwrap();
        assert_eq!(old.state, IncidentState::Verifying);
    }

    #[test]
    fn trainings_and_inspections_without_an_organiser_are_the_agencys_own() {
        let v = serde_json::json!({
            "date": "2025-03-01", "kind": "training", "organiser": "Công an tỉnh",
            "audience": "Cán bộ", "participants": 10
        });
        let t: Training = serde_json::from_value(v).unwrap();
        assert_eq!(t.organised_by, OrganisedBy::Own);
        let v = serde_json::json!({
            "date": "2025-03-01", "kind": "inspection", "inspector": "Đoàn kiểm tra",
            "units": ["Sở A"]
        });
        let mut x: Inspection = serde_json::from_value(v).unwrap();
        assert_eq!((x.organised_by, x.units_inspected()), (OrganisedBy::Own, 1));
        // A count instead of a list; a count below the list is refused.
        x.units.clear();
        assert_eq!(invalid_field(x.check().unwrap_err()), "units");
        x.units_count = 277;
        x.check().unwrap();
        assert_eq!(x.units_inspected(), 277);
        x.units = vec!["Sở A".into(), "Sở B".into()];
        x.units_count = 1;
        assert_eq!(invalid_field(x.check().unwrap_err()), "units_count");
    }

    #[test]
    fn stamp_sets_are_not_more_than_the_stamps() {
        let mut e = Equipment {
            unit: "Văn phòng".into(),
            as_of: date!(2025 - 06 - 01),
            stamps: 18,
            registers: 4,
            stamp_sets: 1,
            note: None,
        };
        e.check().unwrap();
        e.stamp_sets = 19;
        assert_eq!(invalid_field(e.check().unwrap_err()), "stamp_sets");
        // Sets alone (pieces not counted) are accepted.
        e.stamps = 0;
        e.check().unwrap();
    }

    #[test]
    fn a_steering_committee_has_its_decision_and_a_missing_one_has_none() {
        let mut s = SteeringCommittee {
            unit: "Huyện Cao Lãnh".into(),
            as_of: date!(2025 - 12 - 01),
            body: SteeringBody::Committee,
            decision_ref: None,
            decision_date: Some(date!(2024 - 05 - 02)),
            note: None,
        };
        assert_eq!(invalid_field(s.check().unwrap_err()), "decision_ref");
        s.decision_ref = Some("125/QĐ-UBND".into());
        s.check().unwrap();
        s.decision_date = Some(date!(2025 - 12 - 02));
        assert_eq!(invalid_field(s.check().unwrap_err()), "decision_date");
        s.decision_date = None;
        assert_eq!(invalid_field(s.check().unwrap_err()), "decision_date");
        s.body = SteeringBody::Missing;
        assert_eq!(invalid_field(s.check().unwrap_err()), "decision_ref");
        s.decision_ref = None;
        s.check().unwrap();
        s.unit = " ".into();
        assert_eq!(invalid_field(s.check().unwrap_err()), "unit");
    }

    #[test]
    fn a_post_holder_needs_date_and_result_of_vetting_and_no_date_after_the_record() {
        let line = "Nguyễn Văn A | 10/03/2024 | Đủ tiêu chuẩn | 15/03/2024 |";
        let h = fields::parse_holder(line).unwrap();
        assert_eq!(h.person, "Nguyễn Văn A");
        assert_eq!(h.vetted_on, Some(date!(2024 - 03 - 10)));
        assert_eq!(h.trained_on, None);
        assert_eq!(fields::parse_holder(&fields::holder_line(&h)).unwrap(), h);
        assert!(
            fields::parse_holder("A | 31/02/2024")
                .unwrap_err()
                .contains("dd/mm/yyyy")
        );
        assert!(fields::parse_holder("A|||||").is_err(), "six parts");
        let mut k = KeyPost {
            unit: "Văn phòng".into(),
            post: "Văn thư".into(),
            kind: PostKind::Confidential,
            as_of: date!(2024 - 12 - 31),
            listing_ref: None,
            holders: vec![h.clone()],
        };
        k.check().unwrap();
        k.holders[0].vetting_result = None;
        assert_eq!(
            invalid_field(k.check().unwrap_err()),
            "holders.vetting_result"
        );
        k.holders[0] = h.clone();
        k.holders[0].trained_on = Some(date!(2025 - 01 - 01));
        assert_eq!(invalid_field(k.check().unwrap_err()), "holders");
        k.holders[0] = fields::parse_holder(" | 10/03/2024 | Đạt").unwrap();
        assert_eq!(invalid_field(k.check().unwrap_err()), "holders.person");
    }

    #[test]
    fn records_round_trip_through_the_store_shape() {
        let d = device();
        let r = encode(5, Some(2), &d).unwrap();
        assert_eq!(r.kind, "device");
        assert_eq!(r.date, d.in_use_from);
        let back = decode::<Device>(&r).unwrap();
        assert_eq!((back.id, back.unit_id, back.record), (5, Some(2), d));
        assert!(
            decode::<Training>(&r).is_err(),
            "a device is not a training"
        );
    }
}
