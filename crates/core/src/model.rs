//! The main data of bmnn: organisation, catalogue, secret items, requests, notices.
//!
//! Values here are plain data; the rules that govern how they change live in [`crate::service`]
//! and [`crate::policy`]. Types are built so that the wrong state is hard to express: a level
//! is a [`Level`], an act is an [`crate::rules::Act`], dates are `time::Date`.

use crate::dates::{iso_date, iso_date_opt};
use crate::level::{Clearance, Level};
use crate::rules::Act;
use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime};

pub type Id = i64;

/// Vai trò: what a user does in bmnn (independent of legal authority, which follows positions).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Quản trị viên: accounts, organisation.
    Admin,
    /// Văn thư: registers, handovers, copies.
    Clerk,
    /// Lãnh đạo: decides.
    Leader,
    /// Người soạn thảo: proposes classification, asks for copies.
    Drafter,
    /// Cán bộ bảo vệ BMNN: deadlines, programme, audit.
    SecurityOfficer,
}

/// Every role as a form choice (code, Vietnamese label, held by `held`): the account forms.
pub fn role_choices(held: &[Role]) -> Vec<(&'static str, &'static str, bool)> {
    Role::ALL
        .iter()
        .map(|r| (r.code(), r.label(), held.contains(r)))
        .collect()
}

/// The Vietnamese label of a role's code (audit details), if it is one.
pub fn role_label(code: &str) -> Option<&'static str> {
    Role::from_code(code).map(Role::label)
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Clerk,
        Role::Leader,
        Role::Drafter,
        Role::SecurityOfficer,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị viên",
            Role::Clerk => "Văn thư",
            Role::Leader => "Lãnh đạo",
            Role::Drafter => "Người soạn thảo",
            Role::SecurityOfficer => "Cán bộ bảo vệ BMNN",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Clerk => "clerk",
            Role::Leader => "leader",
            Role::Drafter => "drafter",
            Role::SecurityOfficer => "security-officer",
        }
    }
    pub fn from_code(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }
}

/// Cơ quan, tổ chức: the agency running this bmnn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Agency {
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub name: String,
    /// Cơ quan cấp trên trực tiếp.
    pub superior: Option<String>,
    /// Địa danh, for "Hà Nội, ngày …".
    pub place: String,
    /// Chữ viết tắt tên cơ quan, for number/symbol ("…/SCT-VP").
    pub symbol: String,
}

/// Đơn vị: a unit of the agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Unit {
    pub id: Id,
    pub name: String,
    pub parent_id: Option<Id>,
}

/// Whether the holder of a position heads the post, deputises, or is staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Rank {
    /// Người đứng đầu.
    Head,
    /// Cấp phó của người đứng đầu.
    Deputy,
    /// Cán bộ, công chức.
    Staff,
}

/// Chức vụ: a post, mapped to a legal position kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Position {
    pub id: Id,
    /// As the agency writes it: "Giám đốc Sở", "Phó Giám đốc Sở", "Trưởng phòng Kế hoạch".
    pub title: String,
    /// Code from `rules/positions.toml`.
    pub kind: String,
    pub rank: Rank,
    /// This post heads the agency (người đứng đầu cơ quan, tổ chức) — or deputises for its head.
    pub heads_agency: bool,
    pub unit_id: Option<Id>,
}

/// Người dùng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct User {
    pub id: Id,
    pub username: String,
    pub full_name: String,
    pub roles: Vec<Role>,
    /// Highest level the user may see; `None` = no access to any secret.
    pub clearance: Clearance,
    pub position_id: Option<Id>,
    pub unit_id: Option<Id>,
    pub active: bool,
}

impl User {
    pub fn has(&self, r: Role) -> bool {
        self.roles.contains(&r)
    }
    /// Users who see every item of the agency within their clearance (need-to-know by office).
    pub fn agency_wide(&self) -> bool {
        self.has(Role::Clerk) || self.has(Role::Leader) || self.has(Role::SecurityOfficer)
    }
}

/// Văn bản ủy quyền: a written delegation from a head to a deputy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Delegation {
    pub id: Id,
    pub grantor_id: Id,
    pub grantee_id: Id,
    pub acts: Vec<Act>,
    /// Highest level covered.
    pub max_level: Level,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub valid_from: Date,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub valid_to: Date,
    /// Số, ngày văn bản ủy quyền.
    pub document_ref: String,
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub revoked_on: Option<Date>,
}

/// Danh mục bí mật nhà nước: a catalogue decision (Quyết định … /QĐ-TTg).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Catalogue {
    pub id: Id,
    pub decision_ref: String,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub decision_date: Date,
    pub title: String,
    pub field: String,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub effective_from: Date,
    /// When a new decision replaced this one (kept for history).
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub replaced_on: Option<Date>,
    pub replaced_by: Option<Id>,
}

/// Mục trong danh mục: one catalogue entry with its level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CatalogueItem {
    pub id: Id,
    pub catalogue_id: Id,
    pub level: Level,
    pub number: String,
    pub text: String,
    /// When the entry left the catalogue (items relying on it are declassified).
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub removed_on: Option<Date>,
}

/// Hình thức chứa bí mật nhà nước (Law Điều 2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Carrier {
    /// Tài liệu (giấy hoặc điện tử).
    Document,
    /// Vật.
    Object,
    /// Địa điểm: protection ends by event, not by date (Điều 19.3).
    Place,
    /// Lời nói.
    Speech,
    /// Hoạt động: the period may be shorter (Điều 19.2).
    Activity,
    /// Hình thức khác.
    Other,
}

impl Carrier {
    pub fn label(self) -> &'static str {
        match self {
            Carrier::Document => "Tài liệu",
            Carrier::Object => "Vật",
            Carrier::Place => "Địa điểm",
            Carrier::Speech => "Lời nói",
            Carrier::Activity => "Hoạt động",
            Carrier::Other => "Hình thức khác",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Drafted in this agency (BMNN đi / nội bộ).
    Internal,
    /// Received from another agency (BMNN đến).
    Incoming,
}

/// Trạng thái (legal.md §26, derived).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Đề xuất độ mật (chờ quyết định).
    Proposed,
    /// Không được duyệt.
    Rejected,
    /// Đã xác định độ mật.
    Classified,
    /// Đã phát hành (vào sổ đi).
    Issued,
    /// Đã tiếp nhận (vào sổ đến).
    Received,
    /// Đã giải mật.
    Declassified,
    /// Đã tiêu hủy.
    Destroyed,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::Rejected => "rejected",
            Status::Classified => "classified",
            Status::Issued => "issued",
            Status::Received => "received",
            Status::Declassified => "declassified",
            Status::Destroyed => "destroyed",
        }
    }
    pub fn from_code(s: &str) -> Option<Status> {
        [
            Status::Proposed,
            Status::Rejected,
            Status::Classified,
            Status::Issued,
            Status::Received,
            Status::Declassified,
            Status::Destroyed,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Proposed => "Đề xuất, chờ quyết định",
            Status::Rejected => "Không được duyệt",
            Status::Classified => "Đã xác định độ mật",
            Status::Issued => "Đã phát hành",
            Status::Received => "Đã tiếp nhận",
            Status::Declassified => "Đã giải mật",
            Status::Destroyed => "Đã tiêu hủy",
        }
    }
    /// Still a state secret under protection.
    pub fn protected(self) -> bool {
        matches!(self, Status::Classified | Status::Issued | Status::Received)
    }
}

/// Tài liệu, vật chứa bí mật nhà nước: the unit the registers track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SecretItem {
    pub id: Id,
    pub carrier: Carrier,
    /// Văn bản điện tử.
    pub electronic: bool,
    pub origin: Origin,
    /// Số, ký hiệu.
    pub number_symbol: Option<String>,
    /// Tên loại (Báo cáo, Kế hoạch, Công văn…).
    pub doc_type: String,
    /// Trích yếu nội dung. Never logged. For Tuyệt mật, kept out of registers per the regime.
    pub summary: Option<String>,
    /// Văn bản đồng ý ghi trích yếu (regime A, Tuyệt mật only).
    pub summary_consent_ref: Option<String>,
    /// Độ mật.
    pub level: Level,
    /// Lĩnh vực (code from the regime's field list).
    pub field: Option<String>,
    /// Căn cứ xác định độ mật: the catalogue entry.
    pub catalogue_item_id: Option<Id>,
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub doc_date: Option<Date>,
    /// Ngày xác định độ mật: starts the protection period.
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub classified_on: Option<Date>,
    pub classified_by: Option<Id>,
    pub decision_ref: Option<String>,
    /// Regime under which the item was classified (or received).
    pub regime: String,
    /// Ngày hết thời hạn bảo vệ (None for places: event-based).
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub expiry: Option<Date>,
    /// Được phép sao, chụp.
    pub copy_allowed: bool,
    /// Phạm vi lưu hành.
    pub circulation: String,
    /// Số lượng bản phát hành.
    pub copies_issued: u32,
    /// Nơi nhận.
    pub recipients: Vec<String>,
    pub drafter_id: Option<Id>,
    pub drafter_name: String,
    /// Người ký.
    pub signer: Option<String>,
    /// Cơ quan ban hành (incoming items).
    pub issuer: Option<String>,
    /// Đơn vị quản lý.
    pub unit_id: Option<Id>,
    /// Người đang giữ.
    pub holder_id: Option<Id>,
    /// Nơi lưu giữ.
    pub location: String,
    pub status: Status,
    /// Hạn trả (dấu "Tài liệu thu hồi").
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub recall_due: Option<Date>,
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub returned_on: Option<Date>,
    /// "Chỉ người có tên mới được bóc bì": the named person.
    pub named_recipient: Option<String>,
    pub named_recipient_id: Option<Id>,
    /// Envelope still sealed (logged by its outer marks only).
    pub sealed: bool,
    /// Hỏa tốc.
    pub urgent: bool,
    /// Currently out of storage (mang ra khỏi nơi lưu giữ) under request id.
    pub taken_out: Option<Id>,
    /// Cảnh báo về căn cứ xác định độ mật: set when the regime of the act lets a classification
    /// without a catalogue entry pass with a warning (regime A); shown with the item and kept
    /// in its history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis_warning: Option<String>,
    /// Next copy number (bản sao số) for this item.
    pub next_copy_no: u32,
}

impl SecretItem {
    /// A short label safe for lists and audit trails: number/symbol and type, never the summary.
    /// Without a number (a draft, an object), the type and the document's date, as a clerk
    /// names it; never the internal id.
    pub fn label(&self) -> String {
        match (&self.number_symbol, self.doc_date) {
            (Some(n), _) => format!("{} số {}", self.doc_type, n),
            (None, Some(d)) => format!("{} ngày {}", self.doc_type, crate::dates::fmt_vn(d)),
            (None, None) => format!("{} (chưa có số)", self.doc_type),
        }
    }
}

/// Loại yêu cầu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RequestKind {
    Copy,
    TakeOut,
    Provide,
    Destroy,
}

impl RequestKind {
    pub fn code(self) -> &'static str {
        match self {
            RequestKind::Copy => "copy",
            RequestKind::TakeOut => "take-out",
            RequestKind::Provide => "provide",
            RequestKind::Destroy => "destroy",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RequestKind::Copy => "Sao, chụp",
            RequestKind::TakeOut => "Mang ra khỏi nơi lưu giữ",
            RequestKind::Provide => "Cung cấp, chuyển giao",
            RequestKind::Destroy => "Tiêu hủy",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RequestStatus {
    /// Chờ quyết định.
    Pending,
    /// Đã cho phép.
    Approved,
    /// Từ chối (bằng văn bản, nêu lý do).
    Refused,
    /// Đã thực hiện xong.
    Done,
}

impl RequestStatus {
    pub fn code(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Refused => "refused",
            RequestStatus::Done => "done",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::Pending => "Chờ quyết định",
            RequestStatus::Approved => "Đã cho phép",
            RequestStatus::Refused => "Từ chối",
            RequestStatus::Done => "Đã thực hiện",
        }
    }
}

/// Hình thức sao, chụp (ND26 Điều 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CopyForm {
    /// Sao y bản chính.
    SaoY,
    /// Sao lục.
    SaoLuc,
    /// Trích sao.
    TrichSao,
    /// Chụp.
    Chup,
}

impl CopyForm {
    pub fn label(self) -> &'static str {
        match self {
            CopyForm::SaoY => "Sao y bản chính",
            CopyForm::SaoLuc => "Sao lục",
            CopyForm::TrichSao => "Trích sao",
            CopyForm::Chup => "Chụp",
        }
    }
}

/// Who decided a request, and by what authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Decision {
    pub by: Option<Id>,
    pub by_name: String,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub on: Date,
    /// Regime code in force on the decision date.
    pub regime: String,
    pub basis: String,
    /// Whether the rule applied is confirmed in the text itself (false: the regime marks it
    /// unconfirmed — «chưa xác định»).
    #[serde(default = "confirmed_default")]
    pub confirmed: bool,
    pub delegation_id: Option<Id>,
    /// Reference of a decision taken outside the agency (e.g. the Prime Minister's).
    pub external_ref: Option<String>,
    /// The outside decision itself (number, date, signer, scanned copy). Then `by` and
    /// `by_name` are the person who recorded it, and the signer is the decider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalDecision>,
    pub reference: Option<String>,
    pub approved: bool,
    /// Lý do từ chối (required when refusing, Law Điều 15.6, 16.6).
    pub reason: Option<String>,
}

/// Quyết định của cấp có thẩm quyền ngoài cơ quan: what the recorder enters from the
/// decision document, with the scanned copy attached to one of the request's items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct ExternalDecision {
    /// Số, ký hiệu văn bản.
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub number: String,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
    /// Người ký (the decider).
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub signer: String,
    /// Bản chụp văn bản: an attachment of one of the request's items.
    pub attachment_id: Id,
}

/// Details of a request, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RequestDetails {
    Copy {
        form: CopyForm,
        count: u32,
        purpose: String,
        recipients: Vec<String>,
        /// Bản sao số produced so far.
        produced: Vec<u32>,
        /// Bản thừa, bản hỏng đã hủy.
        surplus_destroyed: u32,
        operator: Option<String>,
        place: Option<String>,
    },
    TakeOut {
        abroad: bool,
        purpose: String,
        place: String,
        #[serde(with = "iso_date")]
        #[schemars(schema_with = "crate::dates::date_schema")]
        from: Date,
        #[serde(with = "iso_date")]
        #[schemars(schema_with = "crate::dates::date_schema")]
        until: Date,
        measures: String,
        /// Trưởng đoàn công tác (abroad: must be informed, Law Điều 14.2).
        delegation_head: Option<String>,
        #[serde(default, with = "iso_date_opt")]
        #[schemars(schema_with = "crate::dates::opt_date_schema")]
        returned_on: Option<Date>,
        return_report: Option<String>,
    },
    Provide {
        foreign: bool,
        party: String,
        representative: String,
        /// Số CCCD / hộ chiếu (persons), nationality for foreign representatives.
        identity: String,
        purpose: String,
        /// Cam kết bảo vệ BMNN (and, for foreign parties, not to pass it on).
        commitment: bool,
        #[serde(default, with = "iso_date_opt")]
        #[schemars(schema_with = "crate::dates::opt_date_schema")]
        provided_on: Option<Date>,
    },
    Destroy {
        emergency: bool,
        council: Vec<String>,
        council_decision_ref: Option<String>,
        council_minutes_ref: Option<String>,
        method: String,
        place: String,
        performers: Vec<String>,
        minutes_ref: Option<String>,
        #[serde(default, with = "iso_date_opt")]
        #[schemars(schema_with = "crate::dates::opt_date_schema")]
        destroyed_on: Option<Date>,
    },
}

/// Yêu cầu: copy, take-out, provision, destruction, declassification (request → decision → act).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Request {
    pub id: Id,
    pub kind: RequestKind,
    pub item_ids: Vec<Id>,
    /// Highest level among the items (for the clearance filter).
    pub level: Level,
    pub requester_id: Id,
    pub requester_name: String,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub requested_on: Date,
    pub status: RequestStatus,
    pub decision: Option<Decision>,
    pub details: RequestDetails,
}

impl Request {
    /// Yêu cầu, named as the people who handle it know it: its kind, date and requester
    /// ("Yêu cầu sao, chụp ngày 02/12/2026 của Nguyễn Văn A"); never the internal id.
    pub fn label(&self) -> String {
        let kind = self.kind.label();
        let mut chars = kind.chars();
        let kind = match chars.next() {
            Some(c) => c.to_lowercase().chain(chars).collect::<String>(),
            None => String::new(),
        };
        format!(
            "Yêu cầu {kind} ngày {} của {}",
            crate::dates::fmt_vn(self.requested_on),
            self.requester_name
        )
    }

    /// [`Request::label`] inside a sentence ("theo yêu cầu sao, chụp ngày … của …").
    pub fn phrase(&self) -> String {
        let l = self.label();
        match l.strip_prefix("Yêu cầu") {
            Some(rest) => format!("yêu cầu{rest}"),
            None => l,
        }
    }
}

/// Kind of notification owed (thông báo bằng văn bản).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    Extension,
    Adjustment,
    Declassification,
    CatalogueRemoval,
    /// Cảnh báo lộ lọt: a scanned file copies a registered item (for the security officer).
    ScanMatch,
}

impl NoticeKind {
    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::Extension => "Thông báo gia hạn",
            NoticeKind::Adjustment => "Thông báo điều chỉnh độ mật",
            NoticeKind::Declassification => "Thông báo giải mật",
            NoticeKind::CatalogueRemoval => "Thông báo giải mật (không còn trong danh mục)",
            NoticeKind::ScanMatch => "Cảnh báo tệp kiểm tra trùng với tài liệu bí mật",
        }
    }
}

/// A notification the agency owes a recipient, with its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Notice {
    pub id: Id,
    pub item_id: Id,
    pub level: Level,
    pub kind: NoticeKind,
    pub recipient: String,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub created_on: Date,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub due: Date,
    #[serde(default, with = "iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub done_on: Option<Date>,
    pub done_ref: Option<String>,
    pub basis: String,
    /// Whether the rule that owes the notice is confirmed in the text itself (false: the
    /// regime of the act marks it unconfirmed).
    #[serde(default = "confirmed_default")]
    pub confirmed: bool,
}

/// One event in an item's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ItemEvent {
    pub id: Id,
    pub item_id: Id,
    pub kind: String,
    /// Date of the act (decides the regime).
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub on: Date,
    #[schemars(schema_with = "crate::schema::timestamp")]
    pub at: PrimitiveDateTime,
    pub actor_id: Option<Id>,
    pub actor_name: String,
    pub regime: String,
    pub basis: String,
    /// Whether the cited rule is confirmed in the text itself (records written before this
    /// field existed read as confirmed).
    #[serde(default = "confirmed_default")]
    pub confirmed: bool,
    pub reference: Option<String>,
    pub delegation_id: Option<Id>,
    /// Free note. Never the summary or document text.
    pub note: String,
}

/// Which items a reader may see: clearance (level ≤ clearance) and need-to-know.
/// The store turns this into SQL; no read of secret items goes around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadScope {
    pub user_id: Id,
    pub clearance: Clearance,
    /// Sees all items of the agency within clearance (clerk, leader, security officer).
    pub agency_wide: bool,
    pub unit_id: Option<Id>,
}

impl ReadScope {
    pub fn of(user: &User) -> ReadScope {
        ReadScope {
            user_id: user.id,
            clearance: if user.active { user.clearance } else { None },
            agency_wide: user.agency_wide(),
            unit_id: user.unit_id,
        }
    }
    /// The system itself (automatic transitions, export): everything.
    pub fn system() -> ReadScope {
        ReadScope {
            user_id: 0,
            clearance: Some(Level::TuyetMat),
            agency_wide: true,
            unit_id: None,
        }
    }
}

/// Filters of the item list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemQuery {
    /// Folded full-text query ("bao cao" finds "báo cáo").
    pub text: Option<String>,
    pub level: Option<Level>,
    pub status: Option<Status>,
    pub origin: Option<Origin>,
    /// Only items under protection (classified, issued, received).
    pub protected_only: bool,
    /// Items whose expiry is on or before this date.
    #[serde(default, with = "iso_date_opt")]
    pub expiring_by: Option<Date>,
    /// Items with a recall due date not yet returned.
    pub recall_pending: bool,
    pub catalogue_item_id: Option<Id>,
    pub offset: i64,
    pub limit: i64,
}

impl ItemQuery {
    /// How far the total of this query is counted exactly. A text search stops at 200: past
    /// that a reader narrows the words rather than pages, and each counted match costs a
    /// look-up in the full-text index (docs/benchmarks.md).
    pub fn count_cap(&self) -> i64 {
        if self.text.as_deref().is_some_and(|t| !t.trim().is_empty()) {
            200
        } else {
            1000
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestQuery {
    pub kind: Option<RequestKind>,
    pub status: Option<RequestStatus>,
    pub item_id: Option<Id>,
    pub requester_id: Option<Id>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeQuery {
    pub open_only: bool,
    pub item_id: Option<Id>,
}

/// A page of results with the total the reader may see. Item lists count exactly up to
/// [`ItemQuery::count_cap`] rows (1,000; 200 for a text search); a total of cap + 1 means "more
/// than cap" (counting every match on every page view would cost more than it tells).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "{T}Page")]
pub struct Page<T> {
    /// Rows the reader may see (counted up to the cap; cap + 1 = more).
    pub total: i64,
    pub rows: Vec<T>,
}

/// A web login session; only the SHA-256 of the cookie token is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token_hash: String,
    pub user_id: Id,
    /// Synchronizer token for forms and htmx requests.
    pub csrf: String,
    /// Timestamps as "YYYY-MM-DDTHH:MM:SS.ffffff" UTC.
    pub created_at: String,
    pub last_seen: String,
    /// Absolute expiry.
    pub expires_at: String,
}

/// Failed logins and lockout of one account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginState {
    pub failed: i32,
    /// Locked until this timestamp (UTC text), if locked.
    pub locked_until: Option<String>,
}

/// Metadata of an item's electronic file (the bytes are stored encrypted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMeta {
    pub id: Id,
    pub item_id: Id,
    /// Level of the item (for the clearance filter).
    pub level: Level,
    pub file_name: String,
    pub mime: String,
    pub size: i64,
    /// SHA-256 of the plaintext, hex.
    pub sha256: String,
    pub uploaded_by: Id,
    pub uploaded_at: String,
}

/// A programme record (staff assignment, commitment, training, device, meeting, inspection,
/// incident, plan, report …): `kind` names the record type, `date` is its key date (for the
/// report's data period), `data` the typed record as JSON (the programme services own the types).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeRecord {
    pub id: Id,
    pub kind: String,
    #[serde(with = "iso_date")]
    pub date: Date,
    pub unit_id: Option<Id>,
    pub data: serde_json::Value,
}

fn confirmed_default() -> bool {
    true
}

/// Mã truy cập API: one bearer token of a user (the database keeps its SHA-256 only).
/// Timestamps are UTC text as `service::ts` writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApiToken {
    pub id: Id,
    pub user_id: Id,
    /// What the token is for (tên).
    pub name: String,
    pub created_at: String,
    /// Hết hạn: None for tokens issued before expiries existed (they no longer authenticate).
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl ApiToken {
    /// Whether the token authenticates at `now` (UTC text): not revoked, not expired.
    pub fn valid_at(&self, now: &str) -> bool {
        self.revoked_at.is_none() && self.expires_at.as_deref().is_some_and(|e| e > now)
    }
}

/// Thay đổi quyền chờ phê duyệt: granting or raising a clearance, or giving the clerk, leader
/// or security-officer role, waits for the head of the agency or the person the agency names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PrivilegeChange {
    pub id: Id,
    pub user_id: Id,
    /// Who asked (the administrator).
    pub requested_by: Id,
    pub requested_at: String,
    /// Roles and clearance when asked.
    pub old_roles: Vec<Role>,
    pub old_clearance: Option<Level>,
    /// Roles and clearance once approved.
    pub new_roles: Vec<Role>,
    pub new_clearance: Option<Level>,
    /// Chức vụ before and after (a position that heads the agency waits for approval too).
    pub old_position_id: Option<Id>,
    pub new_position_id: Option<Id>,
    pub status: PrivilegeStatus,
    pub decided_by: Option<Id>,
    pub decided_at: Option<String>,
    /// A change to a post that makes it head the agency (người đứng đầu cơ quan): then
    /// `user_id` is 0 (no one account; every holder of the post gains the authority) and the
    /// role and clearance fields are empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position_change: Option<PositionGrant>,
}

/// The post as it is and as it would be once the change is approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PositionGrant {
    pub old: Position,
    pub new: Position,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PrivilegeStatus {
    Pending,
    Approved,
    Rejected,
}

impl PrivilegeStatus {
    pub fn label(self) -> &'static str {
        match self {
            PrivilegeStatus::Pending => "Chờ phê duyệt",
            PrivilegeStatus::Approved => "Đã phê duyệt",
            PrivilegeStatus::Rejected => "Từ chối",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// A request is named as its readers know it: kind, date and requester, never its id.
    #[test]
    fn a_request_is_named_by_kind_date_and_requester() {
        let r = Request {
            id: 57,
            kind: RequestKind::Copy,
            item_ids: vec![9],
            level: Level::Mat,
            requester_id: 4,
            requester_name: "Hoàng Đức Anh".into(),
            requested_on: date!(2026 - 12 - 02),
            status: RequestStatus::Pending,
            decision: None,
            details: RequestDetails::Copy {
                form: CopyForm::SaoY,
                count: 2,
                purpose: "Họp giao ban".into(),
                recipients: vec![],
                produced: vec![],
                surplus_destroyed: 0,
                operator: None,
                place: None,
            },
        };
        assert_eq!(
            r.label(),
            "Yêu cầu sao, chụp ngày 02/12/2026 của Hoàng Đức Anh"
        );
        assert_eq!(
            format!("theo {}", r.phrase()),
            "theo yêu cầu sao, chụp ngày 02/12/2026 của Hoàng Đức Anh"
        );
        assert!(!r.label().contains("57"));
    }
}
