//! Regimes as data: the rules a decree can change, versioned by effective date.
//!
//! Two regimes ship embedded (`rules/regime-a.toml`, `rules/regime-b.toml`) together with the
//! catalogue of position kinds (`rules/positions.toml`). An agency may override any file from
//! its data folder; the app reads the files and hands their text to [`RuleSet::from_sources`]
//! (this crate does no IO). Loading validates the data: every act has exactly one rule per
//! level in every regime, every group and position kind referenced exists, and regimes do not
//! overlap. [`RuleSet::regime_for`] picks the regime by the date of an act.

use crate::dates::ExpiryConvention;
use crate::level::Level;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

/// Acts whose authority the law fixes (legal.md §6.9).
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
pub enum Act {
    /// Xác định bí mật nhà nước và độ mật.
    Classify,
    /// Sao, chụp.
    Copy,
    /// Cung cấp, chuyển giao cho cơ quan, tổ chức, người Việt Nam.
    ProvideDomestic,
    /// Cung cấp, chuyển giao cho cơ quan, tổ chức, cá nhân nước ngoài.
    ProvideForeign,
    /// Mang ra khỏi nơi lưu giữ phục vụ công tác trong nước.
    TakeOutDomestic,
    /// Mang ra khỏi nơi lưu giữ phục vụ công tác ở nước ngoài.
    TakeOutAbroad,
    /// Tiêu hủy.
    Destroy,
    /// Gia hạn thời hạn bảo vệ.
    Extend,
    /// Điều chỉnh độ mật.
    Adjust,
    /// Giải mật (theo quyết định).
    Declassify,
}

impl Act {
    pub const ALL: [Act; 10] = [
        Act::Classify,
        Act::Copy,
        Act::ProvideDomestic,
        Act::ProvideForeign,
        Act::TakeOutDomestic,
        Act::TakeOutAbroad,
        Act::Destroy,
        Act::Extend,
        Act::Adjust,
        Act::Declassify,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Act::Classify => "xác định độ mật",
            Act::Copy => "sao, chụp",
            Act::ProvideDomestic => "cung cấp, chuyển giao trong nước",
            Act::ProvideForeign => "cung cấp, chuyển giao cho nước ngoài",
            Act::TakeOutDomestic => "mang ra khỏi nơi lưu giữ (trong nước)",
            Act::TakeOutAbroad => "mang ra nước ngoài",
            Act::Destroy => "tiêu hủy",
            Act::Extend => "gia hạn thời hạn bảo vệ",
            Act::Adjust => "điều chỉnh độ mật",
            Act::Declassify => "giải mật",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Act::Classify => "classify",
            Act::Copy => "copy",
            Act::ProvideDomestic => "provide-domestic",
            Act::ProvideForeign => "provide-foreign",
            Act::TakeOutDomestic => "take-out-domestic",
            Act::TakeOutAbroad => "take-out-abroad",
            Act::Destroy => "destroy",
            Act::Extend => "extend",
            Act::Adjust => "adjust",
            Act::Declassify => "declassify",
        }
    }

    pub fn from_code(s: &str) -> Option<Act> {
        Act::ALL.into_iter().find(|a| a.code() == s)
    }
}

/// How a deputy (cấp phó) of a listed post may decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeputyRule {
    /// Only the head of the post decides.
    None,
    /// A deputy decides under a written delegation (ủy quyền) of scope and term; no sub-delegation.
    Delegation,
    /// A deputy of a listed post decides in their own right.
    Direct,
}

/// One line of the authority matrix: who may decide `act` for items of `levels`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorityRule {
    pub act: Act,
    pub levels: Vec<Level>,
    /// Authority groups whose heads may decide.
    #[serde(default)]
    pub groups: Vec<String>,
    /// The head of the agency (người đứng đầu cơ quan, tổ chức) may decide.
    #[serde(default)]
    pub agency_head: bool,
    pub deputy: DeputyRule,
    /// With `deputy = delegation`: only heads of posts in these groups may delegate
    /// (Law 29/2018 Điều 11.5 covers khoản 1 and 2 only). Empty = any eligible head.
    #[serde(default)]
    pub delegation_grantor_groups: Vec<String>,
    /// A decider outside the agency (e.g. Thủ tướng Chính phủ): the act records that
    /// decision's reference instead of an internal approver.
    #[serde(default)]
    pub external: Option<String>,
    pub basis: String,
    pub hint: String,
    pub confirmed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    #[serde(default)]
    pub includes: Vec<String>,
    #[serde(default)]
    pub kinds: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Periods {
    pub tuyet_mat_years: i32,
    pub toi_mat_years: i32,
    pub mat_years: i32,
    pub basis: String,
    pub confirmed: bool,
}

impl Periods {
    /// Base protection period in years (Law Điều 19.1).
    pub fn years(&self, level: Level) -> i32 {
        match level {
            Level::TuyetMat => self.tuyet_mat_years,
            Level::ToiMat => self.toi_mat_years,
            Level::Mat => self.mat_years,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    pub deadline_days_before_expiry: i64,
    pub max_years_is_base_period: bool,
    pub notify_within_days: i64,
    pub basis: String,
    pub confirmed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notices {
    pub adjustment_days: i64,
    pub declassification_decision_days: i64,
    pub catalogue_removal_days: i64,
    pub basis: String,
    pub confirmed: bool,
}

/// Whether a Tuyệt mật summary (trích yếu) may be written in the registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TuyetMatSummary {
    /// Only with a reference to the classifying authority's consent (ND26 Điều 4.1.a).
    WithConsent,
    /// Never (ND63, [S]).
    Never,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classification {
    pub catalogue_basis_required: bool,
    pub tuyet_mat_summary: TuyetMatSummary,
    /// Fields (lĩnh vực) in which Tuyệt mật may be given; empty: no field limit (the level
    /// follows the catalogue entry).
    pub tuyet_mat_fields: Vec<String>,
    /// Last day on which the field limit applies (the Prime Minister's later catalogues place
    /// Tuyệt mật entries in other fields); none: for the whole regime.
    #[serde(default, with = "crate::dates::iso_date_opt")]
    pub tuyet_mat_fields_until: Option<Date>,
    /// Regime A only: without a catalogue entry, `warn` records a warning in the item's
    /// history and the answer; `refuse` refuses. Ignored when `catalogue_basis_required`.
    #[serde(default)]
    pub without_catalogue: WithoutCatalogue,
    pub basis: String,
    pub confirmed: bool,
}

/// What a classification without a catalogue entry gets when the regime does not make the
/// entry mandatory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WithoutCatalogue {
    #[default]
    Warn,
    Refuse,
}

impl Classification {
    /// Whether the Tuyệt mật field limit applies to an act dated `on`.
    pub fn field_gate_on(&self, on: Date) -> bool {
        !self.tuyet_mat_fields.is_empty() && self.tuyet_mat_fields_until.is_none_or(|d| on <= d)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportRule {
    /// "MM-DD" of the previous year.
    pub period_start: String,
    /// "MM-DD" of the report year.
    pub period_end: String,
    /// "MM-DD" of the report year.
    pub due: String,
    pub basis: String,
    pub confirmed: bool,
}

/// The figure tables a report section may show (computed by [`crate::programme::reports`]).
pub const REPORT_TABLES: [&str; 16] = [
    "staff",
    "directives",
    "training",
    "items",
    "registers",
    "devices",
    "equipment",
    "meetings",
    "inspections",
    "legacy",
    "plan",
    "units",
    "incidents",
    "incident-channels",
    "incident-documents",
    "incident-list",
];

/// One section of a report template: heading, the figure tables bmnn computes for it, and a
/// narrative written by people.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSection {
    /// Stable code ("a", "b", …): narratives are stored under it.
    pub code: String,
    pub heading: String,
    /// Codes from [`REPORT_TABLES`].
    pub tables: Vec<String>,
    /// Topics written as prose ([`ReportSentence::topic`]), in order.
    #[serde(default)]
    pub topics: Vec<String>,
}

/// One sentence of a report, written from the figures (câu văn báo cáo). `text` names figures
/// as `{slot}` (one of [`REPORT_SLOTS`]) and footnotes as `{fn:code}` (one of
/// [`REPORT_FOOTNOTES`]; a footnote with nothing to list is left out); `[…]` is a clause left
/// out when a figure in it is zero or a name in it is empty; `{parts}` joins the non-empty
/// `parts` with ", " (the sentence is left out when every part is empty).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSentence {
    pub topic: String,
    /// The figure that decides whether there is anything to say: when it is zero, `empty` is
    /// written instead (or nothing when `empty` is absent). No `when`: always written.
    #[serde(default)]
    pub when: Option<String>,
    pub text: String,
    #[serde(default)]
    pub parts: Vec<String>,
    /// What joins the `parts` (", " when absent; "; " between clauses with subjects of
    /// their own).
    #[serde(default)]
    pub joiner: Option<String>,
    #[serde(default)]
    pub empty: Option<String>,
}

/// Figure slots a report sentence may name (filled by `programme::reports::slots`).
pub const REPORT_SLOTS: &[&str] = &[
    // The record a report on one record is about (`programme::reports::incident_names`,
    // `inspection_names`).
    "incident_kind",
    "incident_date",
    "incident_date_long",
    "incident_place",
    "incident_cause",
    "incident_documents_levels",
    "incident_outcome",
    "incident_state_on",
    "incident_state_on_long",
    "inspector",
    "inspection_kind",
    "inspection_date",
    "inspection_date_long",
    "inspection_decision",
    "inspected_units_list",
    "findings_by_topic",
    "remedies_list",
    "remedies_done_list",
    "remedies_open",
    "own_sessions",
    "own_participants",
    "subordinate_sessions",
    "subordinate_participants",
    "own_rounds",
    "own_units_inspected",
    "subordinate_rounds",
    "subordinate_units_inspected",
    "concluded",
    "verifying",
    "transferred",
    "stamp_sets",
    "units_with_stamp_sets",
    "steering_units",
    "steering_committees",
    "steering_bodies",
    "steering_missing",
    "posts",
    "key_posts",
    "confidential_posts",
    "post_people",
    "post_vetted",
    "post_committed",
    "post_trained",
    "from",
    "to",
    "from_long",
    "to_long",
    "years",
    "agency",
    "incidents",
    "exposures",
    "losses",
    "internet",
    "website",
    "social",
    "improper",
    "physical",
    "other_channel",
    "documents",
    "recovered",
    "taken_down",
    "criminal",
    "disciplined",
    "criticised",
    "sessions",
    "participants",
    "training_sessions",
    "training_participants",
    "dissemination_sessions",
    "dissemination_participants",
    "briefing_sessions",
    "briefing_participants",
    "directives_issued",
    "directives_received",
    "issued_plans",
    "issued_regulations",
    "issued_internal_rules",
    "issued_letters",
    "issued_decisions",
    "issued_other",
    "issued_plans_list",
    "issued_regulations_list",
    "issued_decisions_list",
    "equipment_units",
    "stamps",
    "registers",
    "inspections",
    "self_inspections",
    "units_inspected",
    "findings",
    "findings_list",
    "remedies",
    "remedies_done",
    "remedies_overdue",
    "reviewed",
    "legacy_extended",
    "legacy_declassified",
    "full_time",
    "concurrent",
    "staff",
    "assigned",
    "commitments",
    "devices_in_use",
    "devices_inspected",
    "wipes",
    "repurposed",
    "disposed",
    "meetings",
    "meeting_documents",
    "meeting_documents_returned",
    "registered_outgoing",
    "registered_incoming",
    "registered_handover",
    "registered_copies",
    "classified",
    "received",
    "sent",
    "copied",
    "destroyed",
    "declassified",
    "plans",
    "tasks",
    "tasks_done",
    "tasks_overdue",
    "subordinates",
    "plans_on_time",
    "reports_on_time",
    "units_reported",
];

/// Footnotes a report sentence may call (the particulars bmnn holds, listed by
/// `programme::reports::details`).
pub const REPORT_FOOTNOTES: &[&str] = &[
    "incident-documents",
    "incidents-internet",
    "incidents-improper",
    "incidents-physical",
    "incidents-other",
    "trainings",
    "directives-plan",
    "directives-regulation",
    "directives-internal-rules",
    "directives-letter",
    "directives-decision",
    "directives-other",
    "inspected-units",
    "inspections-subordinate",
    "equipment-units",
    "units-reported",
];

/// Mẫu báo cáo: the sections of the periodic reports (ND26 Điều 8.2) and of the ad-hoc
/// incident report (Điều 8.1.b), with the titles; `{year}`, `{from}`, `{to}`, `{kind}` are
/// filled in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportTemplate {
    pub basis: String,
    pub confirmed: bool,
    pub annual_title: String,
    pub five_year_title: String,
    pub incident_title: String,
    /// Whether the five-year data period is set by law (it is not under ND26, [U]).
    pub five_year_confirmed: bool,
    pub sections: Vec<ReportSection>,
    pub incident_sections: Vec<ReportSection>,
    /// Trích yếu of the multi-year review (sơ kết, tổng kết thi hành Luật); `{years}` (two
    /// digits), `{from}`, `{to}` filled in.
    pub multi_year_title: String,
    /// Default first day of a multi-year review (the Law's effective date), `YYYY-MM-DD`.
    pub multi_year_start: String,
    pub multi_year_sections: Vec<ReportSection>,
    /// Opening paragraphs (phần mở đầu) by kind; `{basis}`, `{agency}`, `{title}` (the title in
    /// lower case), `{from}`, `{to}`, `{from_long}`, `{to_long}`, `{date}` filled in.
    pub annual_opening: String,
    pub multi_year_opening: String,
    pub incident_opening: String,
    /// Trích yếu of an inspection conclusion (kết luận kiểm tra); `{kind}` filled in
    /// ("kiểm tra", "tự kiểm tra").
    pub inspection_title: String,
    /// Its opening: the fields above plus the inspection's (`{inspector}`,
    /// `{inspection_kind}`, `{inspection_date}`, `{inspection_decision}` …).
    pub inspection_opening: String,
    /// Its sections (general information, findings, remedies, follow-up).
    pub inspection_sections: Vec<ReportSection>,
    /// Nội dung kiểm tra: the topics a conclusion groups the findings under
    /// (`{findings_by_topic}`), in order; empty topics are left out.
    #[serde(default)]
    pub inspection_topics: Vec<InspectionTopic>,
    /// The sentences of every topic, in order.
    #[serde(default)]
    pub sentences: Vec<ReportSentence>,
}

/// One topic of an inspection (nội dung kiểm tra): its name as the conclusion prints it and the
/// words (compared without diacritics, whole words) that put a finding under it; the first
/// topic whose word a finding contains takes it, a topic without words takes the findings no
/// other topic took.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionTopic {
    pub name: String,
    #[serde(default)]
    pub words: Vec<String>,
}

impl ReportTemplate {
    /// [`Self::multi_year_start`] as a date (checked when the rules load).
    pub fn multi_year_start(&self) -> Date {
        crate::dates::parse_date(&self.multi_year_start)
            .unwrap_or(time::macros::date!(2020 - 07 - 01))
    }
}

/// Mẫu kế hoạch công tác bảo vệ bí mật nhà nước năm (`[plan_template]`): no legal text
/// prescribes it, so its values are agency practice (`confirmed = false` in both regimes).
/// `{year}`, `{agency}`, `{law}`, `{plan_due}`, `{report_from}`, `{report_to}`, `{report_due}`,
/// `{subordinate_report_due}` are filled in by `programme::reports::build_plan`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTemplate {
    pub confirmed: bool,
    pub note: String,
    /// Trích yếu ("Công tác bảo vệ bí mật nhà nước năm {year}").
    pub title: String,
    /// Ký hiệu of the document type in the number ("KH" in "Số: …/KH-…").
    pub symbol: String,
    pub opening: String,
    /// I. Mục đích, yêu cầu: one numbered paragraph each.
    pub purposes: Vec<String>,
    /// II. Nhiệm vụ: the standard tasks, grouped by `group` in order of first appearance.
    pub tasks: Vec<PlanTaskTemplate>,
    /// "MM-DD" of the plan's year: subordinate units send their own plan by this day.
    pub subordinate_plan_due: String,
    /// Subordinate units send their annual report this many days before the report's due date
    /// (`[report] due`).
    pub subordinate_report_days_before_due: u32,
    /// III. Tổ chức thực hiện: one numbered paragraph each.
    pub organisation: Vec<String>,
}

/// One standard task of the annual plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTaskTemplate {
    pub group: String,
    pub text: String,
    /// Đơn vị chủ trì (a unit or a role of the agency).
    pub owner: String,
    /// [`PLAN_ONGOING`], [`PLAN_REPORT_DUE`] or "MM-DD" of the plan's year.
    pub deadline: String,
}

/// A plan task's deadline: ongoing (thường xuyên).
pub const PLAN_ONGOING: &str = "thường xuyên";
/// A plan task's deadline: the annual report's due date (`[report] due`).
pub const PLAN_REPORT_DUE: &str = "report-due";

/// A day "MM-DD" that exists every year (not 29/02), as (month, day).
pub fn month_day(s: &str) -> Option<(time::Month, u8)> {
    let (m, d) = s.split_once('-')?;
    let m = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    let d = d.parse::<u8>().ok()?;
    Date::from_calendar_date(2025, m, d).ok()?;
    Some((m, d))
}

/// Where an extension's new period starts (legal.md §24 item 5, [U]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExtensionStart {
    OldExpiry,
    DecisionDate,
}

/// The open points of legal.md §7.7 and §24, as explicit settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub expiry_convention: ExpiryConvention,
    pub extension_counts_from: ExtensionStart,
    pub adjustment_restarts_period: bool,
    pub auto_declassify_on_catalogue_removal: bool,
    pub confirmed: bool,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub code: String,
    pub name: String,
    /// Field codes of an earlier regime that this field absorbed (read as this one).
    #[serde(default)]
    pub replaces: Vec<String>,
}

/// A stamp face (mẫu dấu) with its text: used for printing and by the leak scanner.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stamp {
    pub code: String,
    pub text: String,
    /// level | period | extension | declassified | adjustment | recall | named-recipient |
    /// copy-count | copy
    pub kind: String,
    #[serde(default)]
    pub level: Option<Level>,
    pub form: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub key: String,
    pub title: String,
}

/// A register template (mẫu sổ): title, columns, instructions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterTemplate {
    pub title: String,
    pub form: String,
    pub confirmed: bool,
    pub note: String,
    pub instructions: String,
    pub columns: Vec<Column>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registers {
    pub outgoing: RegisterTemplate,
    pub incoming: RegisterTemplate,
    pub handover: RegisterTemplate,
    pub copies: RegisterTemplate,
}

/// A legal citation of one regime (căn cứ pháp lý), kept as data so that an act cites the
/// text in force on its date. `confirmed = false` marks a citation whose wording or clause
/// could not be read in the text itself; whoever relies on it is told so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    pub basis: String,
    pub confirmed: bool,
    /// Where the citation was read or reported (shown on the legal officer's page).
    #[serde(default)]
    pub source: Option<String>,
}

macro_rules! cites {
    ($($(#[$m:meta])* $v:ident = $code:literal, $what:literal;)*) => {
        /// The places where bmnn cites the law. Each regime file gives every one of them
        /// (`[citations]`), validated at load; code names a citation only through this enum.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Cite { $($(#[$m])* $v,)* }
        impl Cite {
            pub const ALL: &'static [Cite] = &[$(Cite::$v,)*];
            /// Key in the regime file's `[citations]` table.
            pub fn code(self) -> &'static str { match self { $(Cite::$v => $code,)* } }
            /// What the cited rule is about, in Vietnamese (the legal officer's page).
            pub fn what(self) -> &'static str { match self { $(Cite::$v => $what,)* } }
        }
    };
}

cites! {
    /// Hình thức chứa bí mật nhà nước.
    Carriers = "carriers", "Hình thức chứa bí mật nhà nước";
    /// Đề xuất độ mật khi soạn thảo.
    ClassifyProposal = "classify-proposal", "Đề xuất độ mật, nơi nhận, số lượng bản phát hành khi soạn thảo";
    /// Độ mật căn cứ danh mục.
    ClassifyCatalogue = "classify-catalogue", "Độ mật phải căn cứ danh mục bí mật nhà nước";
    /// Quyết định độ mật, phạm vi lưu hành, được phép sao chụp.
    ClassifyDecision = "classify-decision", "Người có thẩm quyền quyết định độ mật, phạm vi lưu hành, được phép hay không được phép sao, chụp";
    /// Lĩnh vực được xác định độ Tuyệt mật.
    TuyetMatField = "tuyet-mat-field", "Lĩnh vực được xác định độ Tuyệt mật";
    /// Xác định ngoài danh mục là hành vi bị nghiêm cấm.
    CatalogueRequired = "catalogue-required", "Xác định bí mật nhà nước đối với thông tin không thuộc danh mục";
    /// Thời hạn bảo vệ ngắn hơn đối với hoạt động.
    ShorterPeriod = "shorter-period", "Thời hạn bảo vệ ngắn hơn đối với hoạt động";
    /// Trích yếu tài liệu Tuyệt mật trong sổ.
    TuyetMatSummary = "tuyet-mat-summary", "Không ghi trích yếu tài liệu Tuyệt mật trong sổ đăng ký";
    /// Đánh số văn bản mật.
    Numbering = "numbering", "Văn bản mật được đánh số theo hệ thống số riêng";
    /// Vào sổ bí mật nhà nước đi.
    RegisterOutgoing = "register-outgoing", "Vào sổ đăng ký bí mật nhà nước đi trước khi phát hành";
    /// Tiếp nhận, vào sổ đến.
    Receive = "receive", "Tiếp nhận, vào sổ đăng ký bí mật nhà nước đến";
    /// Bì «Chỉ người có tên mới được bóc bì».
    NamedRecipient = "named-recipient", "Bì có dấu «Chỉ người có tên mới được bóc bì»";
    /// Kiểm tra số lượng, bì, gói khi nhận.
    ReceiveChecks = "receive-checks", "Kiểm tra số lượng, bì, gói trước khi vào sổ và ký nhận";
    /// Chuyển giao, ký nhận.
    Handover = "handover", "Chuyển giao bí mật nhà nước và vào sổ chuyển giao";
    /// Ký nhận khi giao nhận.
    Acknowledge = "acknowledge", "Ký nhận khi giao, nhận bí mật nhà nước";
    /// Sổ in ra giấy.
    PaperRegister = "paper-register", "Sổ đăng ký lập trên máy tính được in ra giấy để ký nhận";
    /// Tài liệu thu hồi.
    Recall = "recall", "Tài liệu có dấu «Tài liệu thu hồi» phải trả đúng hạn";
    /// Sao, chụp.
    Copy = "copy", "Sao, chụp bí mật nhà nước: hình thức, sổ quản lý sao, chụp";
    /// Nơi sao, chụp.
    CopyPlace = "copy-place", "Địa điểm sao, chụp bảo đảm an toàn";
    /// Số lượng bản sao, bản thừa, bản hỏng.
    CopyCount = "copy-count", "Sao, chụp đúng số lượng được cho phép; bản thừa, bản hỏng hủy ngay";
    /// Mang ra khỏi nơi lưu giữ.
    TakeOut = "take-out", "Mang bí mật nhà nước ra khỏi nơi lưu giữ";
    /// Văn bản xin phép mang ra.
    TakeOutLetter = "take-out-letter", "Nội dung văn bản xin phép mang bí mật nhà nước ra khỏi nơi lưu giữ";
    /// Trả lại sau khi mang ra.
    TakeOutReturn = "take-out-return", "Báo cáo và trả lại tài liệu khi hết nhiệm vụ";
    /// Mang ra nước ngoài.
    TakeOutAbroad = "take-out-abroad", "Mang bí mật nhà nước ra nước ngoài";
    /// Biện pháp bảo vệ khi mang ra.
    TakeOutMeasures = "take-out-measures", "Phương tiện, thiết bị bảo đảm an toàn khi mang ra";
    /// Cung cấp, chuyển giao.
    Provide = "provide", "Cung cấp, chuyển giao bí mật nhà nước";
    /// Văn bản đề nghị cung cấp nêu mục đích.
    ProvidePurpose = "provide-purpose", "Văn bản đề nghị cung cấp nêu rõ mục đích sử dụng";
    /// Cam kết khi cung cấp trong nước.
    CommitmentDomestic = "commitment-domestic", "Cam kết bảo vệ bí mật nhà nước được cung cấp (trong nước)";
    /// Cam kết khi cung cấp cho nước ngoài.
    CommitmentForeign = "commitment-foreign", "Cam kết bảo vệ và không cung cấp cho bên thứ ba (nước ngoài)";
    /// Từ chối phải nêu lý do.
    RefusalReason = "refusal-reason", "Từ chối cung cấp phải trả lời bằng văn bản và nêu lý do";
    /// Tiêu hủy.
    Destroy = "destroy", "Tiêu hủy tài liệu, vật chứa bí mật nhà nước";
    /// Yêu cầu khi tiêu hủy.
    DestroyMethod = "destroy-method", "Tiêu hủy bảo đảm không thể phục hồi, khai thác, sử dụng";
    /// Hội đồng tiêu hủy.
    DestroyCouncil = "destroy-council", "Hội đồng tiêu hủy";
    /// Tiêu hủy khẩn cấp.
    DestroyEmergency = "destroy-emergency", "Tiêu hủy khẩn cấp do người đang quản lý quyết định và báo cáo ngay";
    /// Phân công người làm công tác bảo vệ BMNN.
    StaffAssignment = "staff-assignment", "Người làm công tác bảo vệ bí mật nhà nước được phân công bằng văn bản";
    /// Thôi phân công, bàn giao, cam kết.
    StaffEnd = "staff-end", "Thôi việc, chuyển công tác, nghỉ hưu: bàn giao và cam kết bảo vệ bí mật nhà nước";
    /// Cam kết khi tiếp cận.
    CommitmentAccess = "commitment-access", "Cam kết bảo vệ bí mật nhà nước khi được tiếp cận, phân công";
    /// Điều cấm: làm lộ, cung cấp, sao chụp, đăng tải trái phép.
    ProhibitedActs = "prohibited-acts", "Các hành vi bị nghiêm cấm về bảo vệ bí mật nhà nước";
    /// Đăng tải trên Internet, trang thông tin, mạng xã hội.
    InternetPosting = "internet-posting", "Không đăng tải, phát tán bí mật nhà nước trên Internet, mạng xã hội";
    /// Thiết bị không kết nối mạng.
    DeviceNetwork = "device-network", "Thiết bị soạn thảo, lưu giữ bí mật nhà nước không kết nối Internet, mạng máy tính, mạng viễn thông";
    /// Chuyển mục đích, thanh lý thiết bị sau khi xóa.
    DeviceRepurpose = "device-repurpose", "Chuyển mục đích sử dụng, thanh lý thiết bị chỉ sau khi đã xóa bí mật nhà nước";
    /// Hội nghị có nội dung BMNN: cho phép.
    MeetingApproval = "meeting-approval", "Hội nghị, hội thảo, cuộc họp có nội dung bí mật nhà nước được người có thẩm quyền cho phép";
    /// Địa điểm họp.
    MeetingPlace = "meeting-place", "Địa điểm tổ chức hội nghị, cuộc họp có nội dung bí mật nhà nước";
    /// Thiết bị thu phát trong họp Tối mật, Tuyệt mật.
    MeetingDevices = "meeting-devices", "Không mang thiết bị thu, phát tín hiệu vào cuộc họp Tối mật, Tuyệt mật";
    /// Thu hồi tài liệu phát ra trong họp.
    MeetingRecall = "meeting-recall", "Thu hồi tài liệu bí mật nhà nước phát ra tại hội nghị, cuộc họp";
    /// Văn bản triển khai: kế hoạch, quy chế, nội quy.
    Directives = "directives", "Ban hành quy chế, nội quy, kế hoạch bảo vệ bí mật nhà nước";
    /// Kiểm tra, tự kiểm tra.
    Inspection = "inspection", "Kiểm tra, tự kiểm tra công tác bảo vệ bí mật nhà nước";
    /// Tập huấn, phổ biến.
    Training = "training", "Tập huấn, phổ biến, quán triệt về bảo vệ bí mật nhà nước";
    /// Mẫu dấu, mẫu sổ.
    StampsRegisters = "stamps-registers", "Mẫu dấu, mẫu sổ và giấy tờ phục vụ công tác bảo vệ bí mật nhà nước";
    /// Báo cáo đột xuất vụ lộ, mất.
    IncidentReport = "incident-report", "Báo cáo đột xuất khi xảy ra lộ, mất bí mật nhà nước";
    /// Báo cáo định kỳ.
    PeriodicReport = "periodic-report", "Báo cáo định kỳ về công tác bảo vệ bí mật nhà nước";
    /// Rà soát bí mật nhà nước xác định trước 01/01/2019.
    LegacyReview = "legacy-review", "Rà soát bí mật nhà nước đã xác định trước khi Luật có hiệu lực";
}

/// A later text that amended a regime's texts while the regime stayed in force (a period of
/// the regime). What it changed is data: `changes` lists the settings it altered; when what
/// it changed could not be established, `confirmed = false` and `note` says so.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    pub text: String,
    #[serde(with = "crate::dates::iso_date")]
    pub from: Date,
    pub note: String,
    pub confirmed: bool,
    #[serde(default)]
    pub source: Option<String>,
    /// The amended text as it appears in this regime's bases (e.g. a decree's number). From
    /// `from`, every citation and rule whose basis names it is cited with `cite_as` added and
    /// is confirmed only if the amendment is: an act of the amended period says that the text
    /// it relies on was amended, and how far that is known.
    #[serde(default)]
    pub amends: Option<String>,
    /// What an act's citation adds in that period (in parentheses after the basis).
    #[serde(default)]
    pub cite_as: Option<String>,
}

/// A regime's rule on artificial intelligence and new technology (trí tuệ nhân tạo, công
/// nghệ mới). Regime B: Law 117/2025 Điều 5 forbids using them to infringe state secrets;
/// regime A has no such rule (the section is absent).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AiRule {
    /// The prohibition as users read it (scanner page, legal officer's page).
    pub text: String,
    /// What bmnn says when a device holding state secrets is recorded as using an online
    /// artificial intelligence service or tool.
    pub device_warning: String,
    pub basis: String,
    pub confirmed: bool,
    #[serde(default)]
    pub source: Option<String>,
}

impl AiRule {
    /// The warning with its citation, and whether the rule is unconfirmed.
    pub fn warning(&self) -> String {
        format!(
            "{} (Căn cứ: {}{})",
            self.device_warning,
            self.basis,
            if self.confirmed {
                ""
            } else {
                " — quy định này chưa được xác nhận trong văn bản gốc"
            }
        )
    }
}

/// Which connections a device holding state secrets may have under a regime.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceRules {
    /// Connection states in which a device may draft or store state secrets.
    pub allowed: Vec<crate::programme::Connection>,
    /// A device that has ever been connected is barred ("đã hoặc đang kết nối").
    pub never_connected_required: bool,
    pub confirmed: bool,
    pub note: String,
}

impl Default for DeviceRules {
    fn default() -> Self {
        DeviceRules {
            allowed: vec![crate::programme::Connection::Standalone],
            never_connected_required: true,
            confirmed: true,
            note: String::new(),
        }
    }
}

/// One legal regime (chế độ pháp lý), in force from `effective_from`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regime {
    pub code: String,
    pub name: String,
    #[serde(with = "crate::dates::iso_date")]
    pub effective_from: Date,
    pub legal_basis: Vec<String>,
    pub periods: Periods,
    pub extension: Extension,
    pub notices: Notices,
    pub classification: Classification,
    pub report: ReportRule,
    pub report_template: ReportTemplate,
    pub settings: Settings,
    pub fields: Vec<Field>,
    pub groups: BTreeMap<String, Group>,
    pub authority: Vec<AuthorityRule>,
    pub stamps: Vec<Stamp>,
    pub registers: Registers,
    /// Every citation bmnn shows, stores or prints for an act under this regime, keyed by
    /// [`Cite::code`].
    pub citations: BTreeMap<String, Citation>,
    /// Texts that amended this regime's texts from a date (periods of the regime).
    #[serde(default)]
    pub amendments: Vec<Amendment>,
    /// Devices and networks that may hold state secrets.
    #[serde(default)]
    pub devices: DeviceRules,
    /// Artificial intelligence and new technology (absent: the regime has no such rule).
    #[serde(default)]
    pub ai: Option<AiRule>,
    /// The annual plan (absent: this regime offers no plan).
    #[serde(default)]
    pub plan_template: Option<PlanTemplate>,
}

impl Regime {
    /// This regime as it applies from amendment `m`: every citation, authority rule and
    /// setting whose basis names the amended text carries `m.cite_as` and is confirmed only
    /// when both it and the amendment are.
    pub fn amended_by(&self, m: &Amendment) -> Regime {
        let mut r = self.clone();
        let (Some(text), Some(note)) = (m.amends.as_deref(), m.cite_as.as_deref()) else {
            return r;
        };
        let touch = |basis: &mut String, confirmed: &mut bool| {
            if basis.contains(text) {
                basis.push_str(&format!(" ({note})"));
                *confirmed = *confirmed && m.confirmed;
            }
        };
        for c in r.citations.values_mut() {
            touch(&mut c.basis, &mut c.confirmed);
        }
        for a in &mut r.authority {
            touch(&mut a.basis, &mut a.confirmed);
        }
        touch(&mut r.periods.basis, &mut r.periods.confirmed);
        touch(&mut r.extension.basis, &mut r.extension.confirmed);
        touch(&mut r.notices.basis, &mut r.notices.confirmed);
        touch(&mut r.classification.basis, &mut r.classification.confirmed);
        touch(&mut r.report.basis, &mut r.report.confirmed);
        touch(
            &mut r.report_template.basis,
            &mut r.report_template.confirmed,
        );
        if let Some(ai) = &mut r.ai {
            touch(&mut ai.basis, &mut ai.confirmed);
        }
        r
    }

    /// The citation of `what` under this regime (validated to exist at load).
    pub fn cite(&self, what: Cite) -> &Citation {
        self.citations
            .get(what.code())
            .expect("validated at load: every citation present")
    }

    /// `text` with every `{cite:KEY}` replaced by the basis of that citation under this regime
    /// (form hints are written once and cite the regime of the act). An unknown key stays as
    /// written; a test checks that every key used in the pages exists.
    pub fn fill_citations(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find("{cite:") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 6..];
            match after.find('}') {
                Some(j) => {
                    let key = &after[..j];
                    match self.citations.get(key) {
                        Some(c) => out.push_str(&c.basis),
                        None => out.push_str(&rest[i..i + 6 + j + 1]),
                    }
                    rest = &after[j + 1..];
                }
                None => {
                    out.push_str(&rest[i..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// The rule for `act` on an item of `level` (validated to exist at load).
    pub fn rule(&self, act: Act, level: Level) -> &AuthorityRule {
        self.authority
            .iter()
            .find(|r| r.act == act && r.levels.contains(&level))
            .expect("validated at load: one rule per act and level")
    }

    /// All position kinds of `group`, following `includes`.
    pub fn group_kinds(&self, group: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut stack = vec![group.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(g) = stack.pop() {
            if !seen.insert(g.clone()) {
                continue;
            }
            if let Some(gr) = self.groups.get(&g) {
                out.extend(gr.kinds.iter().cloned());
                stack.extend(gr.includes.iter().cloned());
            }
        }
        out
    }

    pub fn kind_in_groups(&self, kind: &str, groups: &[String]) -> bool {
        groups.iter().any(|g| self.group_kinds(g).contains(kind))
    }

    /// The name of field `code`, also for a code an earlier regime used that this regime's
    /// field absorbed (`replaces`).
    pub fn field_name(&self, code: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.code == code)
            .or_else(|| {
                self.fields
                    .iter()
                    .find(|f| f.replaces.iter().any(|r| r == code))
            })
            .map(|f| f.name.as_str())
    }

    /// Annual report data period and deadline for report year `year`.
    pub fn report_period(&self, year: i32) -> (Date, Date, Date) {
        let md = |s: &str, y: i32| -> Date {
            let (m, d) = s.split_once('-').expect("validated MM-DD");
            Date::from_calendar_date(
                y,
                time::Month::try_from(m.parse::<u8>().expect("validated")).expect("validated"),
                d.parse::<u8>().expect("validated"),
            )
            .expect("validated")
        };
        (
            md(&self.report.period_start, year - 1),
            md(&self.report.period_end, year),
            md(&self.report.due, year),
        )
    }

    pub fn register(&self, kind: crate::registers::RegisterKind) -> &RegisterTemplate {
        use crate::registers::RegisterKind::*;
        match kind {
            Outgoing => &self.registers.outgoing,
            Incoming => &self.registers.incoming,
            Handover => &self.registers.handover,
            Copies => &self.registers.copies,
        }
    }

    /// Every unconfirmed point of this regime, for the "chưa xác định" page.
    pub fn unconfirmed(&self) -> Vec<String> {
        let mut v = Vec::new();
        let mut push = |ok: bool, what: String| {
            if !ok {
                v.push(what)
            }
        };
        push(
            self.periods.confirmed,
            format!("Thời hạn bảo vệ ({})", self.periods.basis),
        );
        push(
            self.extension.confirmed,
            format!("Gia hạn ({})", self.extension.basis),
        );
        push(
            self.notices.confirmed,
            format!("Thời hạn thông báo ({})", self.notices.basis),
        );
        push(
            self.classification.confirmed,
            format!("Xác định độ mật ({})", self.classification.basis),
        );
        push(
            self.report.confirmed,
            format!("Chế độ báo cáo ({})", self.report.basis),
        );
        push(
            self.report_template.confirmed,
            format!("Mẫu báo cáo ({})", self.report_template.basis),
        );
        push(
            self.report_template.five_year_confirmed,
            format!(
                "Kỳ số liệu của báo cáo tổng kết 05 năm ({} không quy định)",
                self.cite(Cite::PeriodicReport).basis
            ),
        );
        push(self.settings.confirmed, self.settings.note.clone());
        if let Some(p) = &self.plan_template {
            push(p.confirmed, p.note.clone());
        }
        push(
            self.devices.confirmed,
            format!(
                "Thiết bị, mạng được dùng cho bí mật nhà nước: {}",
                self.devices.note
            ),
        );
        if let Some(ai) = &self.ai {
            push(
                ai.confirmed,
                format!(
                    "Trí tuệ nhân tạo, công nghệ mới: {} ({})",
                    ai.text, ai.basis
                ),
            );
        }
        for r in &self.authority {
            let lv: Vec<&str> = r.levels.iter().map(|l| l.label()).collect();
            push(
                r.confirmed,
                format!(
                    "Thẩm quyền {} ({}): {}",
                    r.act.label(),
                    lv.join(", "),
                    r.basis
                ),
            );
        }
        for c in Cite::ALL {
            let x = self.cite(*c);
            push(x.confirmed, format!("{}: {}", c.what(), x.basis));
        }
        for m in &self.amendments {
            push(
                m.confirmed,
                format!(
                    "{} (từ {}): {}",
                    m.text,
                    crate::dates::fmt_vn(m.from),
                    m.note
                ),
            );
        }
        for (k, t) in [
            ("đi", &self.registers.outgoing),
            ("đến", &self.registers.incoming),
            ("chuyển giao", &self.registers.handover),
            ("sao, chụp", &self.registers.copies),
        ] {
            push(t.confirmed, format!("Mẫu sổ {k}: {}", t.note));
        }
        v
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionKind {
    pub code: String,
    pub name: String,
    pub cite: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PositionsFile {
    kinds: Vec<PositionKind>,
}

/// The rules of an act's date as a decision form shows them ([`RuleSet::date_note`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateNote {
    pub date: Date,
    pub regime_code: String,
    /// The regime in force that day, in words.
    pub regime: String,
    /// The amendment period the day falls in, in words.
    pub period: Option<String>,
    /// Points applied to the act that the rules mark unconfirmed (chưa xác nhận), in words.
    pub unconfirmed: Vec<String>,
}

/// All regimes, ordered by effective date, plus the position-kind catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSet {
    pub regimes: Vec<Regime>,
    pub position_kinds: Vec<PositionKind>,
    /// Periods of a regime opened by an amendment (`[[amendments]]` with `amends`): the
    /// regime as it applies from that date, its bases marked as amended
    /// ([`Regime::amended_by`]). `regime_for` returns these for dates within them.
    #[serde(skip)]
    periods: Vec<(Date, Regime)>,
}

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("tệp quy tắc {file}: {msg}")]
    Parse { file: String, msg: String },
    #[error("quy tắc không hợp lệ: {0}")]
    Invalid(String),
}

/// The embedded default rule files: (file name, contents).
pub const EMBEDDED: [(&str, &str); 3] = [
    (
        "positions.toml",
        include_str!("../../../rules/positions.toml"),
    ),
    (
        "regime-a.toml",
        include_str!("../../../rules/regime-a.toml"),
    ),
    (
        "regime-b.toml",
        include_str!("../../../rules/regime-b.toml"),
    ),
];

impl RuleSet {
    /// The rules compiled into the binary.
    pub fn embedded() -> RuleSet {
        RuleSet::from_sources(&EMBEDDED).expect("embedded rules are validated by tests")
    }

    /// Builds a rule set from file texts: `positions.toml` and any number of regime files.
    pub fn from_sources(files: &[(&str, &str)]) -> Result<RuleSet, RulesError> {
        let mut regimes = Vec::new();
        let mut kinds = None;
        for (name, text) in files {
            if *name == "positions.toml" {
                let p: PositionsFile = toml::from_str(text).map_err(|e| RulesError::Parse {
                    file: name.to_string(),
                    msg: e.to_string(),
                })?;
                kinds = Some(p.kinds);
            } else {
                let r: Regime = toml::from_str(text).map_err(|e| RulesError::Parse {
                    file: name.to_string(),
                    msg: e.to_string(),
                })?;
                regimes.push(r);
            }
        }
        let position_kinds =
            kinds.ok_or_else(|| RulesError::Invalid("thiếu tệp positions.toml".into()))?;
        regimes.sort_by_key(|r| r.effective_from);
        let mut set = RuleSet {
            regimes,
            position_kinds,
            periods: Vec::new(),
        };
        set.validate()?;
        for r in &set.regimes {
            let mut ms: Vec<&Amendment> =
                r.amendments.iter().filter(|m| m.amends.is_some()).collect();
            ms.sort_by_key(|m| m.from);
            let mut cur = r.clone();
            for m in ms {
                cur = cur.amended_by(m);
                set.periods.push((m.from, cur.clone()));
            }
        }
        Ok(set)
    }

    fn validate(&self) -> Result<(), RulesError> {
        let bad = |m: String| Err(RulesError::Invalid(m));
        if self.regimes.is_empty() {
            return bad("không có chế độ pháp lý nào".into());
        }
        let kinds: BTreeSet<&str> = self
            .position_kinds
            .iter()
            .map(|k| k.code.as_str())
            .collect();
        let mut codes = BTreeSet::new();
        for w in self.regimes.windows(2) {
            if w[0].effective_from == w[1].effective_from {
                return bad(format!(
                    "hai chế độ cùng ngày hiệu lực: {} và {}",
                    w[0].code, w[1].code
                ));
            }
        }
        for r in &self.regimes {
            if !codes.insert(r.code.as_str()) {
                return bad(format!("mã chế độ trùng: {}", r.code));
            }
            for (gname, g) in &r.groups {
                for k in &g.kinds {
                    if !kinds.contains(k.as_str()) {
                        return bad(format!(
                            "chế độ {}: nhóm {gname} có loại chức vụ lạ {k}",
                            r.code
                        ));
                    }
                }
                for inc in &g.includes {
                    if !r.groups.contains_key(inc) {
                        return bad(format!("chế độ {}: nhóm {gname} gộp nhóm lạ {inc}", r.code));
                    }
                }
            }
            for act in Act::ALL {
                for level in Level::ALL {
                    let n = r
                        .authority
                        .iter()
                        .filter(|x| x.act == act && x.levels.contains(&level))
                        .count();
                    if n != 1 {
                        return bad(format!(
                            "chế độ {}: cần đúng một quy tắc thẩm quyền cho {} / {} (có {n})",
                            r.code,
                            act.label(),
                            level.label()
                        ));
                    }
                }
            }
            for a in &r.authority {
                for g in a.groups.iter().chain(a.delegation_grantor_groups.iter()) {
                    if !r.groups.contains_key(g) {
                        return bad(format!("chế độ {}: quy tắc dùng nhóm lạ {g}", r.code));
                    }
                }
                if a.groups.is_empty() && !a.agency_head && a.external.is_none() {
                    return bad(format!(
                        "chế độ {}: quy tắc {} không chỉ ra ai có thẩm quyền",
                        r.code,
                        a.act.label()
                    ));
                }
            }
            for f in &r.classification.tuyet_mat_fields {
                if r.field_name(f).is_none() {
                    return bad(format!("chế độ {}: lĩnh vực lạ {f}", r.code));
                }
            }
            for s in [&r.report.period_start, &r.report.period_end, &r.report.due] {
                // A day that exists every year (not 29/02, not 30/02): report_period never fails.
                let ok = s.split_once('-').is_some_and(|(m, d)| {
                    matches!((m.parse::<u8>(), d.parse::<u8>()), (Ok(m), Ok(d))
                        if time::Month::try_from(m).is_ok_and(|m| Date::from_calendar_date(2025, m, d).is_ok()))
                });
                if !ok {
                    return bad(format!("chế độ {}: ngày báo cáo không hợp lệ {s}", r.code));
                }
            }
            validate_report_template(r)?;
            validate_plan_template(r)?;
            for c in Cite::ALL {
                match r.citations.get(c.code()) {
                    Some(x) if !x.basis.trim().is_empty() => {}
                    _ => {
                        return bad(format!(
                            "chế độ {}: thiếu căn cứ pháp lý «{}» ([citations] {})",
                            r.code,
                            c.what(),
                            c.code()
                        ));
                    }
                }
            }
            for k in r.citations.keys() {
                if !Cite::ALL.iter().any(|c| c.code() == k) {
                    return bad(format!("chế độ {}: căn cứ pháp lý lạ {k}", r.code));
                }
            }
            for t in [
                &r.registers.outgoing,
                &r.registers.incoming,
                &r.registers.handover,
                &r.registers.copies,
            ] {
                if r.fill_citations(&t.instructions).contains("{cite:") {
                    return bad(format!(
                        "chế độ {}: hướng dẫn ghi {} dẫn căn cứ lạ",
                        r.code, t.title
                    ));
                }
                if t.columns.first().map(|c| c.key.as_str()) != Some("seq") {
                    return bad(format!(
                        "chế độ {}: cột 1 của {} phải là số thứ tự",
                        r.code, t.title
                    ));
                }
            }
        }
        Ok(())
    }

    /// The regime that governs the report of `year`: the one in force on the last day of its
    /// data period (a report written in December 2026 follows regime B).
    pub fn report_regime(&self, year: i32) -> &Regime {
        let end = Date::from_calendar_date(year, time::Month::December, 31).expect("valid");
        let candidate = self.regime_for(end).unwrap_or(&self.regimes[0]);
        let (_, period_end, _) = candidate.report_period(year);
        self.regime_for(period_end).unwrap_or(candidate)
    }

    /// The regime in force on `date`; `None` before the first regime (01/7/2020).
    /// Within a regime, the period of an amendment in force on `date` (its bases marked
    /// as amended) when there is one.
    pub fn regime_for(&self, date: Date) -> Option<&Regime> {
        let r = self
            .regimes
            .iter()
            .rev()
            .find(|r| r.effective_from <= date)?;
        Some(
            self.periods
                .iter()
                .rev()
                .find(|(from, p)| p.code == r.code && *from <= date)
                .map_or(r, |(_, p)| p),
        )
    }

    /// The regime in force on `date`, or the first regime for a date before it (old records).
    pub fn regime_for_or_first(&self, date: Date) -> &Regime {
        self.regime_for(date).unwrap_or(&self.regimes[0])
    }

    /// What a decision form says about the rules of an act dated `on` under which `rules`
    /// (act, level) apply: the regime (and the period of an amendment) in force that day and
    /// the points among them that the rules mark unconfirmed. `None` before the first regime.
    pub fn date_note(&self, on: Date, rules: &[(Act, Level)]) -> Option<DateNote> {
        let r = self.regime_for(on)?;
        let period = r
            .amendments
            .iter()
            .filter(|m| m.from <= on)
            .max_by_key(|m| m.from)
            .map(|m| {
                format!(
                    "Từ ngày {}: {}. {}",
                    crate::dates::fmt_vn(m.from),
                    m.text,
                    m.note
                )
            });
        let mut unconfirmed = Vec::new();
        if let Some(m) = r
            .amendments
            .iter()
            .filter(|m| m.from <= on && !m.confirmed)
            .max_by_key(|m| m.from)
        {
            unconfirmed.push(format!("{}: {}", m.text, m.note));
        }
        for (act, level) in rules {
            let rule = r.rule(*act, *level);
            if !rule.confirmed {
                let line = format!(
                    "Thẩm quyền {} tài liệu {}: {}",
                    act.label(),
                    level.label(),
                    rule.basis
                );
                if !unconfirmed.contains(&line) {
                    unconfirmed.push(line);
                }
            }
        }
        Some(DateNote {
            date: on,
            regime_code: r.code.clone(),
            regime: format!(
                "chế độ {} — {} (từ ngày {})",
                r.code,
                r.name,
                crate::dates::fmt_vn(r.effective_from)
            ),
            period,
            unconfirmed,
        })
    }

    pub fn regime(&self, code: &str) -> Option<&Regime> {
        self.regimes.iter().find(|r| r.code == code)
    }

    pub fn kind_name(&self, code: &str) -> Option<&str> {
        self.position_kinds
            .iter()
            .find(|k| k.code == code)
            .map(|k| k.name.as_str())
    }
}

/// The `{name}`s of a report sentence template.
pub fn template_names(text: &str) -> Vec<&str> {
    let mut v = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                v.push(&after[..j]);
                rest = &after[j + 1..];
            }
            None => break,
        }
    }
    v
}

fn validate_plan_template(r: &Regime) -> Result<(), RulesError> {
    let Some(t) = &r.plan_template else {
        return Ok(());
    };
    let bad = |m: String| {
        Err(RulesError::Invalid(format!(
            "chế độ {}: mẫu kế hoạch năm: {m}",
            r.code
        )))
    };
    if !t.title.contains("{year}") {
        return bad("title phải chứa {year}".into());
    }
    if t.symbol.trim().is_empty() || t.purposes.is_empty() || t.organisation.is_empty() {
        return bad("thiếu ký hiệu, mục đích, yêu cầu hoặc tổ chức thực hiện".into());
    }
    if month_day(&t.subordinate_plan_due).is_none() {
        return bad(format!(
            "subordinate_plan_due không hợp lệ {}",
            t.subordinate_plan_due
        ));
    }
    if t.subordinate_report_days_before_due > 60 {
        return bad("subordinate_report_days_before_due quá 60 ngày".into());
    }
    for x in &t.tasks {
        if x.group.trim().is_empty() || x.text.trim().is_empty() || x.owner.trim().is_empty() {
            return bad("nhiệm vụ thiếu nhóm, nội dung hoặc đơn vị chủ trì".into());
        }
        if x.deadline != PLAN_ONGOING
            && x.deadline != PLAN_REPORT_DUE
            && month_day(&x.deadline).is_none()
        {
            return bad(format!("thời hạn nhiệm vụ không hợp lệ {}", x.deadline));
        }
    }
    Ok(())
}

fn validate_report_template(r: &Regime) -> Result<(), RulesError> {
    let t = &r.report_template;
    let bad = |m: String| {
        Err(RulesError::Invalid(format!(
            "chế độ {}: mẫu báo cáo: {m}",
            r.code
        )))
    };
    for (name, list) in [
        ("sections", &t.sections),
        ("incident_sections", &t.incident_sections),
        ("multi_year_sections", &t.multi_year_sections),
        ("inspection_sections", &t.inspection_sections),
    ] {
        if list.is_empty() {
            return bad(format!("{name} không có mục nào"));
        }
        let mut seen = BTreeSet::new();
        for s in list {
            if s.code.trim().is_empty() || s.heading.trim().is_empty() {
                return bad(format!("{name}: mục thiếu mã hoặc tiêu đề"));
            }
            if !seen.insert(s.code.as_str()) {
                return bad(format!("{name}: mã mục trùng {}", s.code));
            }
            for tb in &s.tables {
                if !REPORT_TABLES.contains(&tb.as_str()) {
                    return bad(format!("mục {}: bảng số liệu lạ {tb}", s.code));
                }
            }
        }
    }
    if !t.annual_title.contains("{year}") {
        return bad("annual_title phải chứa {year}".into());
    }
    if crate::dates::parse_date(&t.multi_year_start).is_none() {
        return bad("multi_year_start phải là ngày YYYY-MM-DD".into());
    }
    let topics: BTreeSet<&str> = t.sentences.iter().map(|s| s.topic.as_str()).collect();
    for s in t
        .sections
        .iter()
        .chain(&t.incident_sections)
        .chain(&t.multi_year_sections)
        .chain(&t.inspection_sections)
    {
        for tp in &s.topics {
            if !topics.contains(tp.as_str()) {
                return bad(format!("mục {}: chủ đề {tp} không có câu nào", s.code));
            }
        }
    }
    for s in &t.sentences {
        let texts = std::iter::once(&s.text)
            .chain(&s.parts)
            .chain(s.empty.as_ref());
        for text in texts {
            for name in template_names(text) {
                let ok = match name.strip_prefix("fn:") {
                    Some(code) => REPORT_FOOTNOTES.contains(&code),
                    None => name == "parts" || REPORT_SLOTS.contains(&name),
                };
                if !ok {
                    return bad(format!("câu của chủ đề {}: tên lạ {{{name}}}", s.topic));
                }
            }
        }
        if let Some(w) = &s.when
            && !REPORT_SLOTS.contains(&w.as_str())
        {
            return bad(format!("câu của chủ đề {}: số liệu lạ {w}", s.topic));
        }
    }
    Ok(())
}

/// The legal officer's page (trang cho cán bộ pháp chế): every rule bmnn applies, regime by
/// regime, with its source and whether it is confirmed — generated from the rules, never
/// written by hand (`bmnn rules --format markdown`; `docs/legal-rules.md` is this text for the
/// embedded rules, and a test keeps it so).
pub fn legal_page(set: &RuleSet) -> String {
    use std::fmt::Write;
    let yn = |c: bool| {
        if c {
            "đã xác nhận"
        } else {
            "**chưa xác nhận**"
        }
    };
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut o = String::new();
    let _ = writeln!(o, "# Quy tắc pháp lý bmnn áp dụng\n");
    let _ = writeln!(
        o,
        "Trang này được tạo tự động từ các tệp quy tắc (`rules/*.toml`) bằng lệnh `bmnn rules --format markdown`; không sửa tay. Mỗi việc được áp dụng quy tắc của chế độ pháp lý có hiệu lực vào ngày thực hiện việc đó. «Chưa xác nhận»: chưa đọc được nội dung hoặc số điều, khoản trong văn bản gốc; người dùng được báo khi dựa vào quy tắc đó.\n"
    );
    for r in &set.regimes {
        let until = set
            .regimes
            .iter()
            .find(|x| x.effective_from > r.effective_from)
            .map(|x| {
                format!(
                    " đến {}",
                    crate::dates::fmt_vn(x.effective_from.previous_day().expect("date"))
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "## Chế độ {} — {} (từ {}{until})\n",
            r.code,
            r.name,
            crate::dates::fmt_vn(r.effective_from)
        );
        for b in &r.legal_basis {
            let _ = writeln!(o, "- {b}");
        }
        for m in &r.amendments {
            let _ = writeln!(
                o,
                "- Từ {}: {} — {} ({}{}){}",
                crate::dates::fmt_vn(m.from),
                m.text,
                m.note,
                yn(m.confirmed),
                m.source
                    .as_deref()
                    .map(|s| format!("; nguồn: {s}"))
                    .unwrap_or_default(),
                match (&m.amends, &m.cite_as) {
                    (Some(t), Some(c)) => format!(
                        " Việc từ ngày đó dẫn mọi căn cứ có «{t}» kèm ghi chú «{c}»{}.",
                        if m.confirmed {
                            ""
                        } else {
                            " và ghi là chưa xác nhận"
                        }
                    ),
                    _ => String::new(),
                }
            );
        }
        let _ = writeln!(o, "\n### Căn cứ pháp lý được trích dẫn\n");
        let _ = writeln!(
            o,
            "| Nội dung | Căn cứ | Xác nhận | Nguồn |\n|---|---|---|---|"
        );
        for c in Cite::ALL {
            let x = r.cite(*c);
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                c.what(),
                cell(&x.basis),
                yn(x.confirmed),
                cell(x.source.as_deref().unwrap_or(""))
            );
        }
        let _ = writeln!(o, "\n### Thẩm quyền\n");
        let _ = writeln!(
            o,
            "| Việc | Độ mật | Người có thẩm quyền | Căn cứ | Xác nhận |\n|---|---|---|---|---|"
        );
        for a in &r.authority {
            let lv: Vec<&str> = a.levels.iter().map(|l| l.label()).collect();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                a.act.label(),
                lv.join(", "),
                cell(&a.hint),
                cell(&a.basis),
                yn(a.confirmed)
            );
        }
        let _ = writeln!(o, "\n### Thời hạn, thông báo, xác định độ mật, báo cáo\n");
        let _ = writeln!(
            o,
            "| Quy tắc | Giá trị | Căn cứ | Xác nhận |\n|---|---|---|---|"
        );
        let p = &r.periods;
        let _ = writeln!(
            o,
            "| Thời hạn bảo vệ | Tuyệt mật {} năm, Tối mật {} năm, Mật {} năm | {} | {} |",
            p.tuyet_mat_years,
            p.toi_mat_years,
            p.mat_years,
            cell(&p.basis),
            yn(p.confirmed)
        );
        let e = &r.extension;
        let _ = writeln!(
            o,
            "| Gia hạn | quyết định chậm nhất {} ngày trước khi hết hạn; thông báo trong {} ngày | {} | {} |",
            e.deadline_days_before_expiry,
            e.notify_within_days,
            cell(&e.basis),
            yn(e.confirmed)
        );
        let n = &r.notices;
        let _ = writeln!(
            o,
            "| Thông báo | điều chỉnh độ mật: {} ngày; giải mật: {} ngày | {} | {} |",
            n.adjustment_days,
            n.declassification_decision_days,
            cell(&n.basis),
            yn(n.confirmed)
        );
        let c = &r.classification;
        let fields: Vec<&str> = c
            .tuyet_mat_fields
            .iter()
            .filter_map(|f| r.field_name(f))
            .collect();
        let gate = if fields.is_empty() {
            "không giới hạn lĩnh vực (độ mật theo mục danh mục)".to_string()
        } else {
            format!(
                "chỉ trong các lĩnh vực: {}{}",
                fields.join("; "),
                c.tuyet_mat_fields_until
                    .map(|d| format!(" (đến hết ngày {})", crate::dates::fmt_vn(d)))
                    .unwrap_or_default()
            )
        };
        let _ = writeln!(
            o,
            "| Xác định độ mật | căn cứ danh mục: {}; độ Tuyệt mật: {gate}; trích yếu Tuyệt mật trong sổ: {} | {} | {} |",
            if c.catalogue_basis_required {
                "bắt buộc"
            } else {
                match c.without_catalogue {
                    WithoutCatalogue::Warn => "không bắt buộc, có cảnh báo",
                    WithoutCatalogue::Refuse => "bắt buộc",
                }
            },
            match c.tuyet_mat_summary {
                TuyetMatSummary::Never => "không ghi",
                TuyetMatSummary::WithConsent => "chỉ khi có văn bản đồng ý",
            },
            cell(&c.basis),
            yn(c.confirmed)
        );
        let rp = &r.report;
        let _ = writeln!(
            o,
            "| Báo cáo định kỳ | số liệu từ {} năm trước đến {}; gửi trước {} | {} | {} |",
            rp.period_start,
            rp.period_end,
            rp.due,
            cell(&rp.basis),
            yn(rp.confirmed)
        );
        let _ = writeln!(
            o,
            "| Cách tính thời hạn | {} | — | {} |",
            cell(&r.settings.note),
            yn(r.settings.confirmed)
        );
        let _ = writeln!(
            o,
            "| Thiết bị, mạng dùng cho bí mật nhà nước | {} | {} | {} |",
            cell(&r.devices.note),
            cell(&r.cite(Cite::DeviceNetwork).basis),
            yn(r.devices.confirmed)
        );
        match &r.ai {
            Some(ai) => {
                let _ = writeln!(
                    o,
                    "| Trí tuệ nhân tạo, công nghệ mới | {} Thiết bị lưu giữ bí mật nhà nước có dùng dịch vụ, công cụ trí tuệ nhân tạo trực tuyến: cảnh báo «{}» | {}{} | {} |",
                    cell(&ai.text),
                    cell(&ai.device_warning),
                    cell(&ai.basis),
                    ai.source
                        .as_deref()
                        .map(|s| format!(" (nguồn: {})", cell(s)))
                        .unwrap_or_default(),
                    yn(ai.confirmed)
                );
            }
            None => {
                let _ = writeln!(
                    o,
                    "| Trí tuệ nhân tạo, công nghệ mới | chế độ này không có quy định riêng | — | — |"
                );
            }
        }
        let _ = writeln!(o, "\n### Lĩnh vực\n");
        for f in &r.fields {
            let _ = writeln!(o, "- {}", f.name);
        }
        let _ = writeln!(o, "\n### Mẫu sổ\n");
        for (k, t) in [
            ("đi", &r.registers.outgoing),
            ("đến", &r.registers.incoming),
            ("chuyển giao", &r.registers.handover),
            ("sao, chụp", &r.registers.copies),
        ] {
            let _ = writeln!(o, "- Sổ {k}: {} — {}", t.title, yn(t.confirmed));
        }
        let _ = writeln!(o);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn an_amendment_opens_a_period_whose_citations_name_it() {
        let rs = RuleSet::embedded();
        let a = rs.regime("A").unwrap();
        let m = a.amendments.iter().find(|m| m.amends.is_some()).unwrap();
        let text = m.amends.as_deref().unwrap();
        let note = m.cite_as.as_deref().unwrap();
        let before = rs.regime_for(m.from.previous_day().unwrap()).unwrap();
        let after = rs.regime_for(m.from).unwrap();
        assert_eq!((before.code.as_str(), after.code.as_str()), ("A", "A"));
        let mut amended = 0;
        for c in Cite::ALL {
            let (x, y) = (before.cite(*c), after.cite(*c));
            assert_eq!(x, a.cite(*c), "before the amendment: the regime as written");
            if x.basis.contains(text) {
                amended += 1;
                assert!(y.basis.starts_with(&x.basis) && y.basis.contains(note));
                assert_eq!(y.confirmed, x.confirmed && m.confirmed);
            } else {
                assert_eq!(x, y, "{}", c.code());
            }
        }
        assert!(amended > 5, "the decree's citations are marked ({amended})");
        // Rules resting on the amended decree too; regime B is untouched.
        let r = after.rule(Act::TakeOutDomestic, Level::Mat);
        assert!(r.basis.contains(note) && !r.confirmed);
        let b = rs.regime_for(date!(2026 - 03 - 01)).unwrap();
        assert_eq!(b.cite(Cite::Copy), rs.regime("B").unwrap().cite(Cite::Copy));
    }

    #[test]
    fn the_note_of_a_form_follows_the_date_of_the_act() {
        let rs = RuleSet::embedded();
        let on = |d| rs.date_note(d, &[(Act::Copy, Level::Mat)]).unwrap();
        let a = on(date!(2025 - 04 - 04));
        assert_eq!(a.regime_code, "A");
        assert!(a.period.is_none() && a.unconfirmed.is_empty(), "{a:?}");
        let p = on(date!(2025 - 09 - 10));
        let m = &rs.regime("A").unwrap().amendments[0];
        assert!(p.period.as_deref().unwrap().contains(&m.text));
        assert_eq!(p.unconfirmed.len(), 1, "the amendment only: {p:?}");
        let b = on(date!(2026 - 04 - 04));
        assert_eq!(b.regime_code, "B");
        assert!(b.regime.contains(&rs.regime("B").unwrap().name));
        let rule = rs.regime("B").unwrap().rule(Act::Copy, Level::Mat);
        assert!(!rule.confirmed && b.unconfirmed.iter().any(|u| u.contains(&rule.basis)));
        assert!(rs.date_note(date!(2020 - 01 - 01), &[]).is_none());
    }

    #[test]
    fn embedded_rules_load_and_pick_by_date() {
        let rs = RuleSet::embedded();
        assert_eq!(rs.regime_for(date!(2026 - 02 - 15)).unwrap().code, "A");
        assert_eq!(rs.regime_for(date!(2026 - 02 - 28)).unwrap().code, "A");
        assert_eq!(rs.regime_for(date!(2026 - 03 - 01)).unwrap().code, "B");
        assert_eq!(rs.regime_for(date!(2026 - 03 - 15)).unwrap().code, "B");
        assert!(rs.regime_for(date!(2020 - 06 - 30)).is_none());
    }

    #[test]
    fn regimes_differ_where_the_law_changed() {
        let rs = RuleSet::embedded();
        let (a, b) = (rs.regime("A").unwrap(), rs.regime("B").unwrap());
        assert!(!a.classification.catalogue_basis_required);
        assert!(b.classification.catalogue_basis_required);
        assert_eq!(
            a.classification.tuyet_mat_summary,
            TuyetMatSummary::WithConsent
        );
        assert_eq!(b.classification.tuyet_mat_summary, TuyetMatSummary::Never);
        // District posts lose copy authority, commune posts gain it.
        let tm = vec!["TM".to_string()];
        assert!(a.kind_in_groups("lanh-dao-huyen", &tm));
        assert!(!b.kind_in_groups("lanh-dao-huyen", &tm));
        assert!(!a.kind_in_groups("lanh-dao-xa", &tm));
        assert!(b.kind_in_groups("lanh-dao-xa", &tm));
        assert_eq!(
            a.rule(Act::ProvideForeign, Level::TuyetMat)
                .external
                .as_deref(),
            Some("Thủ tướng Chính phủ")
        );
        assert!(
            b.rule(Act::ProvideForeign, Level::TuyetMat)
                .external
                .as_deref()
                .unwrap()
                .contains("Tổng Bí thư")
        );
        assert_eq!(
            b.rule(Act::ProvideForeign, Level::Mat).deputy,
            DeputyRule::Direct
        );
        assert_eq!(
            a.rule(Act::ProvideForeign, Level::Mat).deputy,
            DeputyRule::None
        );
        // Outgoing register: 9 columns under A, 10 under B (legal.md §10.2).
        assert_eq!(a.registers.outgoing.columns.len(), 9);
        assert_eq!(b.registers.outgoing.columns.len(), 10);
    }

    #[test]
    fn group_inclusion_is_transitive() {
        let rs = RuleSet::embedded();
        let a = rs.regime("A").unwrap();
        let m = a.group_kinds("M");
        assert!(m.contains("bo-truong"), "M includes TM includes T");
        assert!(m.contains("phong-thuoc-so"));
        assert!(!a.group_kinds("TM").contains("phong-thuoc-so"));
    }

    #[test]
    fn invalid_rules_are_refused_with_a_reason() {
        let broken = EMBEDDED[1]
            .1
            .replace("act = \"destroy\"", "act = \"extend\"");
        let err = RuleSet::from_sources(&[EMBEDDED[0], ("regime-a.toml", &broken)]).unwrap_err();
        assert!(err.to_string().contains("tiêu hủy"), "{err}");
        let unknown = EMBEDDED[1]
            .1
            .replace("\"lanh-dao-tinh\", \"cap-tren", "\"khong-co\", \"cap-tren");
        let err = RuleSet::from_sources(&[EMBEDDED[0], ("regime-a.toml", &unknown)]).unwrap_err();
        assert!(err.to_string().contains("khong-co"), "{err}");
    }

    #[test]
    fn report_templates_have_the_four_parts_of_nd26() {
        let rs = RuleSet::embedded();
        let (a, b) = (rs.regime("A").unwrap(), rs.regime("B").unwrap());
        let codes: Vec<&str> = a
            .report_template
            .sections
            .iter()
            .map(|s| s.code.as_str())
            .collect();
        assert_eq!(codes, ["a", "b", "c", "d"]);
        assert!(a.report_template.sections[2].heading.contains("lộ, mất"));
        assert!(a.report_template.confirmed);
        assert!(!b.report_template.confirmed, "ND63 content is [U]");
        assert!(b.unconfirmed().iter().any(|u| u.starts_with("Mẫu báo cáo")));
        assert!(!a.unconfirmed().iter().any(|u| u.starts_with("Mẫu báo cáo")));
        assert_eq!(rs.report_regime(2025).code, "A");
        assert_eq!(rs.report_regime(2026).code, "B");
    }

    #[test]
    fn a_report_template_with_an_unknown_table_is_refused() {
        let broken = EMBEDDED[1]
            .1
            .replace("\"incident-channels\"", "\"so-lieu-la\"");
        let err = RuleSet::from_sources(&[EMBEDDED[0], ("regime-a.toml", &broken)]).unwrap_err();
        assert!(err.to_string().contains("so-lieu-la"), "{err}");
        let dup = EMBEDDED[1].1.replacen("code = \"d\"", "code = \"a\"", 1);
        let err = RuleSet::from_sources(&[EMBEDDED[0], ("regime-a.toml", &dup)]).unwrap_err();
        assert!(err.to_string().contains("trùng"), "{err}");
    }

    #[test]
    fn a_report_day_that_does_not_exist_every_year_is_refused() {
        let bad = EMBEDDED[1].1.replace("due = \"12-20\"", "due = \"02-29\"");
        assert_ne!(bad, EMBEDDED[1].1);
        let err = RuleSet::from_sources(&[EMBEDDED[0], ("regime-a.toml", &bad)]).unwrap_err();
        assert!(err.to_string().contains("02-29"), "{err}");
    }

    #[test]
    fn report_period_follows_the_regime() {
        let rs = RuleSet::embedded();
        let (s, e, d) = rs.regime("A").unwrap().report_period(2025);
        assert_eq!(
            (s, e, d),
            (
                date!(2024 - 12 - 15),
                date!(2025 - 12 - 14),
                date!(2025 - 12 - 20)
            )
        );
    }
}
