//! One definition per act (định nghĩa thao tác): for each [`ActKind`], its code, title,
//! button and confirmation, whether it is open to a caller on an object, its command type,
//! what it answers, how the JSON API reaches it, its form and the service call it makes.
//!
//! The command's derived JSON Schema (schemars) is the API's request body; the web layer
//! registers every act's route by iterating [`ActKind::ALL`] and [`ActKind::visit`] (one generic
//! handler), and the pages render its form and its buttons from here. A new act is a line of
//! `act_kinds!` (the enum, its order and `visit` are generated from it) and its `act!` here,
//! its command, check and method in its service file, and its test: `visit`'s match is
//! generated from the list, so a line without a definition does not compile, and the
//! definition's `open` must name the act's check.

use super::act_forms::{self as f, ActForm, Authority, Entry, Initial, Options};
use super::acts_open::*;
use super::*;
use crate::access;
use crate::act_form;
use crate::acts::ActOn;
use crate::model::RequestStatus;
use crate::model::{Notice, Request, Role, SecretItem};
use crate::registers::RegisterEntry;
use crate::rules::Act;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::Date;

/// How the JSON API reaches an act.
#[derive(Debug, Clone, Copy)]
pub struct ActApi {
    /// Path under `/api/v1` (`{id}`: the id of the object acted on).
    pub path: &'static str,
    /// The command's field the path's `{id}` fills (it wins over the body).
    pub path_id: Option<&'static str>,
    /// The act creates something: `201 Created`.
    pub creates: bool,
    /// Who may call it at all (the route's door answers 403 before reading the body); the
    /// service checks again, with the rest of the law. `None`: anyone signed in.
    pub roles: Option<&'static [Role]>,
    /// The group of the API document the act is listed under.
    pub tag: &'static str,
}

/// What the pages say of an act and what it works on.
#[derive(Debug, Clone, Copy)]
pub struct ActText {
    /// The code in URLs (`/acts/{code}`), the act's serde name.
    pub code: &'static str,
    /// The form's title.
    pub title: &'static str,
    /// The short label of the act's button on the object's page.
    pub button: &'static str,
    /// The confirmation shown once the act is done.
    pub done: &'static str,
    /// What the act works on.
    pub on: ActOn,
}

/// The object an act's openness is asked about (one per [`ActOn`]).
#[derive(Debug, Clone, Copy)]
pub enum Target<'o> {
    Nothing(()),
    Item(&'o SecretItem),
    Request(&'o Request),
    Entry(&'o RegisterEntry),
    Notice(&'o Notice),
}

impl Target<'_> {
    pub fn on(&self) -> ActOn {
        match self {
            Target::Nothing(()) => ActOn::Nothing,
            Target::Item(_) => ActOn::Item,
            Target::Request(_) => ActOn::Request,
            Target::Entry(_) => ActOn::Entry,
            Target::Notice(_) => ActOn::Notice,
        }
    }
}

/// An act's definition.
pub trait ActDef: 'static {
    const KIND: ActKind;
    /// Its code, title, button, confirmation and what it works on.
    const TEXT: ActText;
    /// Whether the act is open to the actor on `target` (an object of [`ActText::on`]; `false`
    /// on any other): the same checks the act runs, a refusal being "not open" and a failing
    /// store an error. The pages offer exactly the acts for which this is true. (`Act0`, the
    /// act's transaction, is the crate's own: only core defines acts, and only the services
    /// call this, inside their read.)
    #[allow(private_interfaces)]
    fn open(a: &mut Act0<'_>, target: Target<'_>) -> Result<bool>;
    /// The command: its derived schema is the API's request body.
    type Cmd: DeserializeOwned + Serialize + schemars::JsonSchema + Send + 'static;
    /// What the act answers.
    type Out: Serialize + schemars::JsonSchema + Lands + Send + 'static;
    fn api() -> ActApi;
    /// The act's form: one entry per field of the command (`form!`), read by the page.
    fn form() -> ActForm;
    /// Where the page goes once the act is done (by default, what the answer names).
    fn landing(out: &Self::Out) -> Landing {
        out.landing()
    }
    /// The service call.
    fn run<S: Store>(svc: &Service<S>, ctx: &Ctx, c: Self::Cmd) -> Result<Self::Out>;
}

/// Where a page goes once an act is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landing {
    /// The item's page.
    Item(Id),
    /// A register book of a year.
    Register(crate::registers::RegisterKind, i32),
    /// The list of requests waiting for a decision.
    Approvals,
    /// The home page.
    Home,
}

/// What an act's answer names as the page to go to next.
pub trait Lands {
    fn landing(&self) -> Landing;
}

impl Lands for SecretItem {
    fn landing(&self) -> Landing {
        Landing::Item(self.id)
    }
}
impl Lands for ItemAndEntry {
    fn landing(&self) -> Landing {
        Landing::Item(self.item.id)
    }
}
impl Lands for Request {
    /// The request's (first) item.
    fn landing(&self) -> Landing {
        self.item_ids
            .first()
            .map_or(Landing::Approvals, |i| Landing::Item(*i))
    }
}
impl Lands for RequestAndEntry {
    fn landing(&self) -> Landing {
        self.request.landing()
    }
}
impl Lands for DestructionRecorded {
    fn landing(&self) -> Landing {
        self.request.landing()
    }
}
impl Lands for RegisterEntry {
    fn landing(&self) -> Landing {
        self.item_id.map_or(Landing::Home, Landing::Item)
    }
}
impl Lands for Notice {
    fn landing(&self) -> Landing {
        Landing::Item(self.item_id)
    }
}

/// What is done with each act's definition ([`ActKind::visit`]).
pub trait ActVisitor {
    type Out;
    fn visit<A: ActDef>(&mut self) -> Self::Out;
}

struct FormOf;
impl ActVisitor for FormOf {
    type Out = ActForm;
    fn visit<A: ActDef>(&mut self) -> ActForm {
        A::form()
    }
}

struct TextOf;
impl ActVisitor for TextOf {
    type Out = ActText;
    fn visit<A: ActDef>(&mut self) -> ActText {
        A::TEXT
    }
}

struct OpenOn<'x, 'a, 'o> {
    a: &'x mut Act0<'a>,
    target: Target<'o>,
}
impl ActVisitor for OpenOn<'_, '_, '_> {
    type Out = Result<bool>;
    fn visit<A: ActDef>(&mut self) -> Result<bool> {
        A::open(self.a, self.target)
    }
}

/// The closed list of acts: [`ActKind`], [`ActKind::ALL`] in the pages' order and
/// [`ActKind::visit`], each variant's definition being the marker of the same name below.
macro_rules! act_kinds {
    ($($(#[$m:meta])* $kind:ident,)*) => {
        /// One act of the service layer (thao tác).
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
        pub enum ActKind {
            $($(#[$m])* $kind,)*
        }

        impl ActKind {
            /// Every act, in the order the pages list them.
            pub const ALL: [ActKind; [$(stringify!($kind)),*].len()] = [$(ActKind::$kind),*];

            /// Calls `v` with this act's definition: the one exhaustive list of definitions.
            pub fn visit<V: ActVisitor>(self, v: &mut V) -> V::Out {
                match self {
                    $(ActKind::$kind => v.visit::<$kind>(),)*
                }
            }
        }
    };
}

act_kinds! {
    /// Đề xuất xác định độ mật.
    Propose,
    /// Quyết định xác định độ mật.
    DecideClassification,
    /// Vào sổ đăng ký BMNN đi.
    RegisterOutgoing,
    /// Tiếp nhận, vào sổ đăng ký BMNN đến.
    ReceiveIncoming,
    /// Chuyển giao.
    HandOver,
    /// Ký nhận.
    Acknowledge,
    /// Ghi nhận trả tài liệu thu hồi.
    RecallReturn,
    /// Hủy bỏ mục sổ ghi nhầm.
    CancelEntry,
    /// Đề nghị sao, chụp.
    RequestCopy,
    /// Đề nghị mang ra khỏi nơi lưu giữ.
    RequestTakeOut,
    /// Đề nghị cung cấp, chuyển giao.
    RequestProvide,
    /// Đề nghị tiêu hủy.
    RequestDestroy,
    /// Quyết định cho phép hoặc từ chối một đề nghị.
    Decide,
    /// Thực hiện sao, chụp.
    ProduceCopies,
    /// Ghi nhận trả tài liệu mang ra ngoài.
    TakeOutReturn,
    /// Hoàn tất cung cấp, chuyển giao.
    CompleteProvision,
    /// Ghi nhận tiêu hủy.
    RecordDestruction,
    /// Gia hạn thời hạn bảo vệ.
    Extend,
    /// Điều chỉnh độ mật.
    Adjust,
    /// Giải mật.
    Declassify,
    /// Ghi nhận đã gửi thông báo.
    NoticeDone,
}

impl ActKind {
    /// The act's form (its definition's `form`).
    pub fn form(self) -> ActForm {
        self.visit(&mut FormOf)
    }

    /// The act's code, title, button, confirmation and object (its definition's `TEXT`).
    pub fn text(self) -> ActText {
        self.visit(&mut TextOf)
    }

    /// Whether the act is open to the actor on `target` (its definition's `open`).
    pub(crate) fn open(self, a: &mut Act0<'_>, target: Target<'_>) -> Result<bool> {
        self.visit(&mut OpenOn { a, target })
    }
}

/// An item and the register entry the act wrote (sổ đi, sổ đến).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ItemAndEntry {
    pub item: SecretItem,
    pub entry: RegisterEntry,
}

/// A request and the register entry the act wrote (sổ sao, chụp; sổ chuyển giao).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RequestAndEntry {
    pub request: Request,
    pub entry: RegisterEntry,
}

/// A destruction recorded: the request and each item destroyed (biên bản).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DestructionRecorded {
    pub request: Request,
    pub destroyed: Vec<DestroyedLine>,
}

/// Ghi nhận trả tài liệu thu hồi.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecallReturnCmd {
    pub item_id: Id,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

/// Hủy bỏ mục sổ ghi nhầm (the entry stays, marked cancelled with the reason).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CancelEntryCmd {
    pub entry_id: Id,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub reason: String,
}

/// Ghi nhận trả tài liệu mang ra ngoài, with the report to the person who allowed it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TakeOutReturnCmd {
    pub request_id: Id,
    /// Báo cáo việc quản lý, sử dụng.
    #[serde(default)]
    pub report: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

/// Hoàn tất cung cấp, chuyển giao.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProvisionCmd {
    pub request_id: Id,
    /// Biên bản giao nhận.
    #[serde(default)]
    pub minutes_ref: Option<String>,
    #[serde(default)]
    pub report: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

/// Ghi nhận tiêu hủy (biên bản, người thực hiện).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DestructionCmd {
    pub request_id: Id,
    /// Biên bản tiêu hủy.
    #[serde(default)]
    pub minutes_ref: Option<String>,
    #[serde(default)]
    pub performers: Vec<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

impl From<TakeOutReturnCmd> for CompleteCmd {
    fn from(c: TakeOutReturnCmd) -> CompleteCmd {
        CompleteCmd {
            request_id: c.request_id,
            report: c.report,
            minutes_ref: None,
            performers: Vec::new(),
            date: c.date,
        }
    }
}

impl From<ProvisionCmd> for CompleteCmd {
    fn from(c: ProvisionCmd) -> CompleteCmd {
        CompleteCmd {
            request_id: c.request_id,
            report: c.report,
            minutes_ref: c.minutes_ref,
            performers: Vec::new(),
            date: c.date,
        }
    }
}

impl From<DestructionCmd> for CompleteCmd {
    fn from(c: DestructionCmd) -> CompleteCmd {
        CompleteCmd {
            request_id: c.request_id,
            report: None,
            minutes_ref: c.minutes_ref,
            performers: c.performers,
            date: c.date,
        }
    }
}

// The fieldsets of the forms.
const DOC: &str = "Văn bản";
const BASIS: &str = "Độ mật và căn cứ";
const ISSUE: &str = "Phát hành";
const DECISION: &str = "Quyết định";
const LEVEL: &str = "Độ mật và thời hạn";
const ENVELOPE: &str = "Bì, chuyển xử lý và lưu giữ";
const COUNCIL_DESTROY: &str = "Hội đồng tiêu hủy";
const DESTRUCTION: &str = "Tiêu hủy";
const OUTSIDE: &str = "Quyết định của cấp ngoài cơ quan";
const COUNCIL_DECLASSIFY: &str = "Hội đồng giải mật";

const ITEMS: &str = "Tài liệu";
const BOOKS: &str = "Sổ";
const REQUESTS: &str = "Yêu cầu";
const PERIODS: &str = "Thời hạn";

const fn api(
    path: &'static str,
    path_id: Option<&'static str>,
    creates: bool,
    roles: Option<&'static [Role]>,
    tag: &'static str,
) -> ActApi {
    ActApi {
        path,
        path_id,
        creates,
        roles,
        tag,
    }
}

macro_rules! act {
    ($marker:ident, $kind:ident, $cmd:ty => $out:ty,
     text($code:literal, $title:literal, $button:literal, $done:literal),
     open($on:ident |$a:ident, $t:pat_param| $open:expr),
     $api:expr, |$svc:ident, $ctx:ident, $c:ident| $run:expr, $form:expr $(, lands |$o:ident| $land:expr)?) => {
        #[doc = concat!("[`ActKind::", stringify!($kind), "`]: ", $title, ".")]
        pub struct $marker;
        impl ActDef for $marker {
            const KIND: ActKind = ActKind::$kind;
            const TEXT: ActText = ActText {
                code: $code,
                title: $title,
                button: $button,
                done: $done,
                on: ActOn::$on,
            };
            #[allow(private_interfaces)]
            fn open($a: &mut Act0<'_>, target: Target<'_>) -> Result<bool> {
                match target {
                    Target::$on($t) => $open,
                    #[allow(unreachable_patterns)]
                    _ => Ok(false),
                }
            }
            type Cmd = $cmd;
            type Out = $out;
            fn api() -> ActApi {
                $api
            }
            fn form() -> ActForm {
                $form
            }
            $(fn landing($o: &$out) -> Landing {
                $land
            })?
            fn run<S: Store>($svc: &Service<S>, $ctx: &Ctx, $c: $cmd) -> Result<$out> {
                $run
            }
        }
    };
}

act!(Propose, Propose, ProposeCmd => SecretItem,
    text("propose", "Đề xuất xác định độ mật",
        "Đề xuất độ mật",
        "Đã gửi đề xuất độ mật; chờ người có thẩm quyền quyết định."),
    open(Nothing |a, _| ok(check_propose(a, Level::Mat))),
    api("/items", None, true, Some(access::PROPOSERS), ITEMS),
    |svc, ctx, c| svc.propose(ctx, c),
    act_form!(ProposeCmd {
        carrier: f::select("Hình thức chứa bí mật nhà nước", "Tài liệu, vật, địa điểm, lời nói, hoạt động hoặc hình thức khác ({cite:carriers}).", Options::Choices(f::CARRIERS), None).group(DOC).fixed("document"),
        electronic: f::check("Văn bản điện tử", "Người soạn thảo đánh dấu độ mật trên tệp sau khi có quyết định ({cite:classify-proposal}).").group(DOC),
        doc_type: f::text("Tên loại văn bản", "Báo cáo, Kế hoạch, Công văn, Tờ trình…").req().group(DOC),
        summary: f::area("Trích yếu nội dung", "{summary-hint}").group(DOC),
        summary_consent_ref: f::text("Văn bản đồng ý ghi trích yếu (chỉ với Tuyệt mật)", "Số, ngày văn bản của người có thẩm quyền đồng ý ghi trích yếu.").group(DOC),
        level: f::select("Độ mật đề xuất", "Độ mật phải căn cứ danh mục bí mật nhà nước ({cite:classify-catalogue}).", Options::Levels, None).group(BASIS).fixed("mat"),
        field: f::select("Lĩnh vực", "{tuyet-mat-field-hint}", Options::Fields, Some("— chọn lĩnh vực —")).group(BASIS),
        catalogue_item_id: f::select("Căn cứ xác định độ mật (mục danh mục BMNN)", "Xác định BMNN đối với thông tin không thuộc danh mục là hành vi bị nghiêm cấm ({cite:catalogue-required}).", Options::Catalogue, Some("— chọn mục danh mục —")).group(BASIS),
        shorter_expiry: f::date("Thời hạn bảo vệ ngắn hơn (chỉ với hoạt động)", "Hoạt động có thể có thời hạn bảo vệ ngắn hơn, ghi khi xác định độ mật ({cite:shorter-period}).").group(BASIS),
        recipients: f::lines("Nơi nhận (mỗi dòng một nơi)", "Đề xuất phải nêu nơi nhận ({cite:classify-proposal}).").group(ISSUE),
        copies_issued: f::number("Số lượng bản phát hành", "Đề xuất phải nêu số lượng bản phát hành ({cite:classify-proposal}).").group(ISSUE).fixed("1"),
        copy_allowed: f::check("Được phép sao, chụp", "Người có thẩm quyền quyết định được phép hay không được phép sao, chụp ({cite:classify-decision}).").group(ISSUE),
        circulation: f::text("Phạm vi lưu hành", "Người có thẩm quyền quyết định phạm vi lưu hành ({cite:classify-decision}).").group(ISSUE),
        unit_id: f::unit("Đơn vị quản lý").group(ISSUE),
        location: f::text("Nơi lưu giữ", "Nơi cất giữ bảo đảm an toàn.").group(ISSUE),
        date: f::act_date(),
    }, authority: Authority::Acts(&[Act::Classify])));
act!(DecideClassification, DecideClassification, DecideClassificationCmd => SecretItem,
    text("decide-classification", "Quyết định xác định độ mật",
        "Quyết định xác định độ mật",
        "Đã ghi quyết định xác định độ mật."),
    open(Item |a, item| { let (on, regime) = a.act_date(None)?; ok(check_decide_classification(a, item, regime, item.level, on)) }),
    api("/items/{id}/classification", Some("item_id"), false, None, ITEMS),
    |svc, ctx, c| svc.decide_classification(ctx, c),
    act_form!(DecideClassificationCmd {
        item_id: Entry::Object,
        approve: Entry::Buttons,
        level: f::select("Độ mật quyết định", "Có thể khác độ mật đề xuất; phải khớp mục danh mục.", Options::Levels, None).group(BASIS).initial(Initial::ItemLevel),
        catalogue_item_id: f::select("Căn cứ xác định độ mật (mục danh mục BMNN)", "Độ mật phải căn cứ danh mục bí mật nhà nước ({cite:classify-catalogue}).", Options::Catalogue, Some("— giữ như đề xuất —")).group(BASIS),
        copy_allowed: f::check("Được phép sao, chụp", "{cite:classify-decision}.").group(ISSUE).initial(Initial::ItemCopyAllowed),
        circulation: f::text("Phạm vi lưu hành", "{cite:classify-decision}.").group(ISSUE).initial(Initial::ItemCirculation),
        decision_ref: f::text("Số, ký hiệu văn bản xác định độ mật", "Tờ trình, phiếu trình duyệt ký hoặc văn bản xác định độ mật (mẫu theo {cite:stamps-registers}).").group(DECISION),
        reason: f::area("Lý do không duyệt", "Bắt buộc khi chọn «Không duyệt». Người có thẩm quyền quyết định xác định BMNN, độ mật, phạm vi lưu hành, được phép hay không được phép sao, chụp ({cite:classify-decision}).").group(DECISION),
        date: f::act_date().group(DECISION),
    }, authority: Authority::Acts(&[Act::Classify])));
act!(RegisterOutgoing, RegisterOutgoing, RegisterOutgoingCmd => ItemAndEntry,
text("register-outgoing", "Vào sổ đăng ký BMNN đi",
    "Vào sổ BMNN đi",
    "Đã vào sổ đăng ký BMNN đi."),
open(Item |a, item| ok(check_register_outgoing(a, item))),
api("/items/{id}/outgoing", Some("item_id"), true, Some(access::CLERK), BOOKS),
|svc, ctx, c| svc.register_outgoing(ctx, c).map(|(item, entry)| ItemAndEntry { item, entry }),
act_form!(RegisterOutgoingCmd {
    item_id: Entry::Object,
    number_symbol: f::text("Số, ký hiệu văn bản mật", "Văn bản mật được đánh số theo hệ thống số riêng ({cite:numbering}).").req().group(DOC).initial(Initial::NextNumber),
    signer: f::select("Người ký", "Lãnh đạo cơ quan ký văn bản.", Options::Signers, Some("— chọn người ký —")).group(DOC),
    date: f::date("Ngày vào sổ", "Vào sổ đăng ký BMNN đi trước khi phát hành ({cite:register-outgoing}). {act-date}").group(DOC),
    recipients: f::lines("Nơi nhận (mỗi dòng một nơi)", "Theo quyết định xác định độ mật; sửa nếu văn bản phát hành khác.").group(ISSUE).initial(Initial::ItemRecipients),
    quantity: f::number("Số lượng bản", "Số bản phát hành.").group(ISSUE).initial(Initial::ItemCopiesIssued),
    unit_kept: f::text("Đơn vị, người nhận bản lưu", "").group(ISSUE),
    note: f::text("Ghi chú", "").group(ISSUE),
}));
act!(ReceiveIncoming, ReceiveIncoming, ReceiveIncomingCmd => ItemAndEntry,
text("receive-incoming", "Tiếp nhận, vào sổ đăng ký BMNN đến",
    "Vào sổ BMNN đến",
    "Đã vào sổ đăng ký BMNN đến."),
open(Nothing |a, _| ok(check_receive(a, Level::Mat))),
api("/incoming", None, true, Some(access::CLERK), BOOKS),
|svc, ctx, c| svc.receive_incoming(ctx, c).map(|(item, entry)| ItemAndEntry { item, entry }),
act_form!(ReceiveIncomingCmd {
    issuer: f::text("Cơ quan ban hành", "").req().group(DOC),
    number_symbol: f::text("Số, ký hiệu", "Ghi theo ký hiệu trên tài liệu hoặc ngoài bì.").req().group(DOC),
    doc_date: f::date("Ngày văn bản", "").group(DOC),
    doc_type: f::text("Tên loại văn bản", "Báo cáo, Công văn, Kế hoạch…").req().group(DOC),
    summary: f::area("Trích yếu nội dung", "{summary-hint}").group(DOC),
    summary_consent_ref: f::text("Văn bản đồng ý ghi trích yếu (chỉ với Tuyệt mật)", "").group(DOC),
    carrier: f::select("Hình thức chứa bí mật nhà nước", "", Options::Choices(f::CARRIERS), None).group(DOC).fixed("document"),
    electronic: f::check("Văn bản điện tử", "").group(DOC),
    copies: f::number("Số lượng (bản)", "Kiểm tra số lượng, bì, gói so với nơi gửi trước khi vào sổ và ký nhận ({cite:receive-checks}).").group(DOC).fixed("1"),
    level: f::select("Độ mật", "Theo dấu chỉ độ mật trên tài liệu hoặc ngoài bì (chữ A: Tuyệt mật, B: Tối mật, C: Mật).", Options::Levels, None).group(LEVEL).fixed("mat"),
    copy_allowed: f::check("Được phép sao, chụp", "Theo ghi chú của nơi gửi.").group(LEVEL),
    expiry: f::date("Ngày hết thời hạn bảo vệ (nếu ghi trên tài liệu)", "").group(LEVEL),
    recall_due: f::date("Hạn trả (dấu «Tài liệu thu hồi»)", "Tài liệu có dấu thu hồi phải trả đúng hạn ghi trên tài liệu ({cite:recall}).").group(LEVEL),
    named_recipient_id: f::select("Bì có dấu «Chỉ người có tên mới được bóc bì»: người có tên", "Văn thư vào sổ theo ký hiệu ngoài bì, KHÔNG bóc bì, chuyển ngay cho người có tên ({cite:named-recipient}).", Options::Users, Some("— không có dấu này —")).group(ENVELOPE),
    urgent: f::check("Hỏa tốc", "Bì «Chỉ người có tên…» và «Hỏa tốc» khi người có tên đi vắng: chuyển lãnh đạo hoặc người được ủy quyền ({cite:named-recipient}).").group(ENVELOPE),
    unit_id: f::select("Đơn vị xử lý", "", Options::Units, Some("— không chọn —")).group(ENVELOPE),
    location: f::text("Nơi lưu giữ", "").group(ENVELOPE),
    note: f::text("Ghi chú", "").group(ENVELOPE),
    date: f::act_date_as("Ngày đến").group(ENVELOPE),
}));
act!(HandOver, HandOver, HandOverCmd => RegisterEntry,
text("hand-over", "Chuyển giao tài liệu, vật chứa BMNN",
    "Chuyển giao",
    "Đã vào sổ chuyển giao; chờ người nhận ký nhận."),
open(Item |a, item| ok(check_hand_over(a, item))),
api("/items/{id}/handovers", Some("item_id"), true, Some(access::CLERK), BOOKS),
|svc, ctx, c| svc.hand_over(ctx, c),
act_form!(HandOverCmd {
    item_id: Entry::Object,
    to_user_id: f::person("Người nhận trong cơ quan", "Người nhận ký nhận trong hệ thống hoặc trên sổ giấy ({cite:acknowledge}).", "— người ngoài cơ quan —"),
    to_name: f::text("Hoặc: cơ quan, người nhận ngoài cơ quan", "Ghi khi chuyển cho nơi ngoài cơ quan."),
    quantity: f::number("Số lượng (bản)", "").fixed("1"),
    note: f::text("Ghi chú", ""),
    date: f::act_date(),
}));
act!(Acknowledge, Acknowledge, AcknowledgeCmd => RegisterEntry,
text("acknowledge", "Ký nhận tài liệu, vật chứa BMNN",
    "Ký nhận",
    "Đã ký nhận."),
open(Entry |a, e| { let signer = e.to_user == Some(a.actor.id); ok(check_acknowledge(a, e, !signer)) }),
api("/register-entries/{id}/ack", Some("entry_id"), false, None, BOOKS),
|svc, ctx, c| svc.acknowledge(ctx, c),
act_form!(AcknowledgeCmd {
    entry_id: Entry::Object,
    on_paper_signer: f::text("Người đã ký trên sổ giấy (chỉ văn thư ghi)", "Để trống nếu chính bạn ký nhận. Văn thư ghi tên người đã ký trên sổ chuyển giao in ra giấy ({cite:paper-register})."),
}));
act!(RecallReturn, RecallReturn, RecallReturnCmd => SecretItem,
text("recall-return", "Ghi nhận trả tài liệu thu hồi",
    "Ghi nhận trả tài liệu thu hồi",
    "Đã ghi nhận trả tài liệu thu hồi."),
open(Item |a, item| ok(check_recall_return(a, item))),
api("/items/{id}/recall-return", Some("item_id"), false, Some(access::CLERK), ITEMS),
|svc, ctx, c| svc.record_recall_return(ctx, c.item_id, c.date),
act_form!(RecallReturnCmd {
    item_id: Entry::Object,
    date: f::act_date_as("Ngày trả"),
}));
act!(CancelEntry, CancelEntry, CancelEntryCmd => RegisterEntry,
text("cancel-entry", "Hủy bỏ mục sổ ghi nhầm",
    "Hủy bỏ mục",
    "Đã hủy bỏ mục sổ (mục vẫn còn trong sổ, có ghi lý do)."),
open(Entry |a, e| ok(check_cancel_entry(a, e))),
api("/register-entries/{id}/cancel", Some("entry_id"), false, Some(access::CLERK), BOOKS),
|svc, ctx, c| svc.cancel_entry(ctx, c.entry_id, &c.reason),
act_form!(CancelEntryCmd {
    entry_id: Entry::Object,
    reason: f::area("Lý do hủy bỏ", "Mục sổ không bị xóa: số thứ tự được giữ, mục được đánh dấu hủy bỏ kèm lý do.").req(),
}),
// Back to the register book the entry stays in.
lands |e| Landing::Register(e.kind, e.year));
act!(RequestCopy, RequestCopy, CopyRequestCmd => Request,
    text("request-copy", "Đề nghị sao, chụp",
        "Đề nghị sao, chụp",
        "Đã gửi đề nghị sao, chụp; chờ người có thẩm quyền cho phép."),
    open(Item |a, item| ok(check_request_copy(item, a.act_date(None)?.1))),
    api("/requests/copy", None, true, None, REQUESTS),
    |svc, ctx, c| svc.request_copy(ctx, c),
    act_form!(CopyRequestCmd {
        item_id: Entry::Object,
        form: f::select("Hình thức sao, chụp", "Sao y bản chính, sao lục, trích sao hoặc chụp ({cite:copy}).", Options::Choices(f::COPY_FORMS), None).fixed("sao-y"),
        count: f::number("Số lượng bản", "Chỉ sao, chụp đúng số lượng được cho phép; bản thừa, bản hỏng phải hủy ngay ({cite:copy-count}).").fixed("1"),
        purpose: f::text("Mục đích", "").req(),
        recipients: f::lines("Nơi nhận bản sao (mỗi dòng một nơi)", ""),
        date: f::act_date(),
    }, authority: Authority::Acts(&[Act::Copy])));
act!(RequestTakeOut, RequestTakeOut, TakeOutCmd => Request,
    text("request-take-out", "Đề nghị mang tài liệu, vật chứa BMNN ra khỏi nơi lưu giữ",
        "Đề nghị mang ra ngoài",
        "Đã gửi đề nghị mang ra khỏi nơi lưu giữ."),
    open(Item |_a, item| ok(check_request_take_out(item))),
    api("/requests/take-out", None, true, None, REQUESTS),
    |svc, ctx, c| svc.request_take_out(ctx, c),
    act_form!(TakeOutCmd {
        item_id: Entry::Object,
        abroad: f::check("Mang ra nước ngoài", "Mang ra nước ngoài cần người có thẩm quyền cao hơn và thông báo trưởng đoàn ({cite:take-out-abroad})."),
        purpose: f::text("Mục đích", "Nội dung văn bản xin phép ({cite:take-out-letter}).").req(),
        place: f::text("Nơi công tác", "").req(),
        from: f::date("Từ ngày", "").req(),
        until: f::date("Đến ngày", "Hết nhiệm vụ phải báo cáo và trả lại tài liệu ({cite:take-out-return}).").req(),
        measures: f::area("Biện pháp bảo vệ", "Phải có phương tiện, thiết bị bảo đảm an toàn ({cite:take-out-measures}).").req(),
        delegation_head: f::text("Trưởng đoàn công tác (khi ra nước ngoài)", ""),
        date: f::act_date(),
    }, authority: Authority::Acts(&[Act::TakeOutDomestic, Act::TakeOutAbroad])));
act!(RequestProvide, RequestProvide, ProvideCmd => Request,
    text("request-provide", "Đề nghị cung cấp, chuyển giao BMNN",
        "Đề nghị cung cấp, chuyển giao",
        "Đã gửi đề nghị cung cấp, chuyển giao."),
    open(Item |_a, item| ok(check_request_provide(item))),
    api("/requests/provide", None, true, None, REQUESTS),
    |svc, ctx, c| svc.request_provide(ctx, c),
    act_form!(ProvideCmd {
        item_id: Entry::Object,
        foreign: f::check("Cho cơ quan, tổ chức, cá nhân nước ngoài", "Thẩm quyền cao hơn, cam kết không cung cấp cho bên thứ ba ({cite:commitment-foreign})."),
        party: f::text("Cơ quan, tổ chức, cá nhân được cung cấp", "").req(),
        representative: f::text("Người đại diện nhận", "").req(),
        identity: f::text("Số CCCD / hộ chiếu", "").req(),
        purpose: f::text("Mục đích sử dụng", "Văn bản đề nghị nêu rõ mục đích ({cite:provide-purpose}).").req(),
        commitment: f::check("Đã có cam kết bảo vệ BMNN", "Bên nhận phải cam kết bảo vệ bí mật nhà nước ({cite:provide})."),
        date: f::act_date(),
    }, authority: Authority::Acts(&[Act::ProvideDomestic, Act::ProvideForeign])));
act!(RequestDestroy, RequestDestroy, DestroyCmd => Request,
    text("request-destroy", "Đề nghị tiêu hủy tài liệu, vật chứa BMNN",
        "Đề nghị tiêu hủy",
        "Đã gửi đề nghị tiêu hủy."),
    open(Item |a, item| ok(check_request_destroy(a, std::slice::from_ref(item)))),
    api("/requests/destroy", None, true, Some(access::DESTRUCTION_PROPOSERS), REQUESTS),
    |svc, ctx, c| svc.request_destroy(ctx, c),
    act_form!(DestroyCmd {
        item_ids: Entry::Object,
        emergency: f::check("Tiêu hủy khẩn cấp", "Trường hợp không kịp xin ý kiến, tài liệu có nguy cơ bị lộ ({cite:destroy-emergency}).").group(COUNCIL_DESTROY),
        council: f::lines("Hội đồng tiêu hủy (mỗi dòng một người, chủ tịch trước)", "{cite:destroy-council}.").group(COUNCIL_DESTROY),
        council_decision_ref: f::text("Quyết định thành lập Hội đồng", "").group(COUNCIL_DESTROY),
        council_minutes_ref: f::text("Biên bản họp Hội đồng", "").group(COUNCIL_DESTROY),
        method: f::text("Phương pháp tiêu hủy", "Bảo đảm không thể phục hồi, khai thác, sử dụng ({cite:destroy-method}).").req().group(DESTRUCTION),
        place: f::text("Địa điểm tiêu hủy", "").req().group(DESTRUCTION),
        date: f::act_date().group(DESTRUCTION),
    }, authority: Authority::Acts(&[Act::Destroy])));
act!(Decide, Decide, DecideCmd => Request,
    text("decide", "Quyết định cho phép hoặc từ chối",
        "Quyết định",
        "Đã ghi quyết định."),
    open(Request |a, r| open_decide(a, r)),
    api("/requests/{id}/decision", Some("request_id"), false, None, REQUESTS),
    |svc, ctx, c| svc.decide(ctx, c),
    act_form!(DecideCmd {
        request_id: Entry::Object,
        approve: Entry::Buttons,
        reference: f::text("Số văn bản cho phép / từ chối", "").group(DECISION),
        reason: f::area("Lý do không duyệt", "Bắt buộc khi chọn «Không duyệt»: từ chối phải bằng văn bản, nêu rõ lý do ({cite:refusal-reason}).").group(DECISION),
        date: f::act_date().group(DECISION),
        // Older clients' bare reference of an outside decision; the page records the decision
        // itself (`external_*`: number, date, signer, scanned copy).
        external_ref: Entry::ApiOnly,
        external: Entry::Nested(vec![
            f::text("Số, ký hiệu văn bản quyết định của cấp ngoài cơ quan (khi luật giao cho cấp đó)", "Ví dụ: văn bản của Thủ tướng Chính phủ. Chỉ lãnh đạo hoặc cán bộ bảo vệ bí mật nhà nước ghi nhận.").name("external_number").group(OUTSIDE),
            f::date("Ngày văn bản quyết định", "").name("external_date").group(OUTSIDE),
            f::text("Người ký văn bản quyết định", "Người quyết định; người ghi nhận là bạn.").name("external_signer").group(OUTSIDE),
            f::select("Bản chụp văn bản quyết định", "Đính kèm bản chụp vào tài liệu trước, rồi chọn ở đây.", Options::Attachments, Some("— chưa đính kèm —")).name("external_attachment_id").group(OUTSIDE),
        ]),
    }, authority: Authority::OfRequest));
act!(ProduceCopies, ProduceCopies, ProduceCopiesCmd => RequestAndEntry,
    text("produce-copies", "Thực hiện sao, chụp",
        "Thực hiện sao, chụp",
        "Đã vào sổ quản lý sao, chụp."),
    open(Request |a, r| Ok(r.status == RequestStatus::Approved && ok(check_produce_copies(a, r))?)),
    api("/requests/{id}/copies", Some("request_id"), true, Some(access::CLERK), REQUESTS),
    |svc, ctx, c| svc.produce_copies(ctx, c).map(|(request, entry)| RequestAndEntry { request, entry }),
    act_form!(ProduceCopiesCmd {
        request_id: Entry::Object,
        count: f::number("Số bản sao, chụp lần này", "Không vượt số lượng được cho phép; mỗi bản được đánh số «Bản sao số» liên tục.").initial(Initial::CopiesLeft),
        spoilt_destroyed: f::number("Bản thừa, bản hỏng đã hủy ngay", "{cite:copy-count}.").fixed("0"),
        operator: f::text("Người thực hiện", ""),
        place: f::text("Địa điểm sao, chụp", "Địa điểm bảo đảm an toàn do người đứng đầu quy định ({cite:copy-place})."),
        date: f::act_date(),
    }, authority: Authority::Acts(&[Act::Copy])));
act!(TakeOutReturn, TakeOutReturn, TakeOutReturnCmd => Request,
text("take-out-return", "Ghi nhận trả tài liệu mang ra ngoài",
    "Ghi nhận trả tài liệu",
    "Đã ghi nhận trả tài liệu và báo cáo."),
open(Request |a, r| ok(check_take_out_return(a, r))),
api("/requests/{id}/return", Some("request_id"), false, Some(access::CLERK), REQUESTS),
|svc, ctx, c| svc.record_take_out_return(ctx, c.into()),
act_form!(TakeOutReturnCmd {
    request_id: Entry::Object,
    report: f::area("Báo cáo việc quản lý, sử dụng", "Hết nhiệm vụ phải báo cáo người cho phép ({cite:take-out-return})."),
    date: f::act_date_as("Ngày trả"),
}));
act!(CompleteProvision, CompleteProvision, ProvisionCmd => RequestAndEntry,
text("complete-provision", "Hoàn tất cung cấp, chuyển giao",
    "Hoàn tất cung cấp, chuyển giao",
    "Đã ghi nhận cung cấp, chuyển giao."),
open(Request |a, r| ok(check_complete_provision(a, r))),
api("/requests/{id}/provision", Some("request_id"), true, Some(access::CLERK), REQUESTS),
|svc, ctx, c| svc.complete_provision(ctx, c.into()).map(|(request, entry)| RequestAndEntry { request, entry }),
act_form!(ProvisionCmd {
    request_id: Entry::Object,
    minutes_ref: f::text("Biên bản giao nhận", ""),
    report: f::area("Ghi chú", ""),
    date: f::act_date_as("Ngày giao"),
}));
act!(RecordDestruction, RecordDestruction, DestructionCmd => DestructionRecorded,
    text("record-destruction", "Ghi nhận tiêu hủy",
        "Ghi nhận tiêu hủy",
        "Đã ghi nhận tiêu hủy."),
    open(Request |a, r| ok(check_record_destruction(a, r))),
    api("/requests/{id}/destruction", Some("request_id"), false, Some(access::DESTRUCTION_RECORDERS), REQUESTS),
    |svc, ctx, c| svc.record_destruction(ctx, c.into()).map(|(request, destroyed)| DestructionRecorded { request, destroyed }),
    act_form!(DestructionCmd {
        request_id: Entry::Object,
        minutes_ref: f::text("Biên bản tiêu hủy", "Việc tiêu hủy phải lập biên bản ({cite:destroy-council}).").req(),
        performers: f::lines("Người thực hiện (mỗi dòng một người)", ""),
        date: f::act_date_as("Ngày tiêu hủy"),
    }, authority: Authority::Acts(&[Act::Destroy])));
act!(Extend, Extend, ExtendCmd => SecretItem,
    text("extend", "Gia hạn thời hạn bảo vệ",
        "Gia hạn",
        "Đã gia hạn thời hạn bảo vệ; thông báo phải gửi đã được lập."),
    open(Item |a, item| open_extend(a, item)),
    api("/items/{id}/extension", Some("item_id"), false, None, PERIODS),
    |svc, ctx, c| svc.extend(ctx, c),
    act_form!(ExtendCmd {
        item_id: Entry::Object,
        years: f::number("Số năm gia hạn", "Mỗi lần gia hạn không quá thời hạn bảo vệ của độ mật; quyết định trước khi hết hạn {extension-days} ngày ({extension-basis}).").initial(Initial::PeriodYears),
        decision_ref: f::text("Số, ký hiệu quyết định gia hạn", ""),
        originator_notice: f::text("Thông báo gia hạn của nơi ban hành (tài liệu đến)", ""),
        date: f::act_date(),
    }, authority: Authority::Acts(&[Act::Extend])));
act!(Adjust, Adjust, AdjustCmd => SecretItem,
    text("adjust", "Điều chỉnh độ mật",
        "Điều chỉnh độ mật",
        "Đã điều chỉnh độ mật; thông báo phải gửi đã được lập."),
    open(Item |a, item| open_adjust(a, item)),
    api("/items/{id}/adjustment", Some("item_id"), false, None, PERIODS),
    |svc, ctx, c| svc.adjust(ctx, c),
    act_form!(AdjustCmd {
        item_id: Entry::Object,
        new_level: f::select("Độ mật mới", "Điều chỉnh độ mật căn cứ danh mục ({rule-basis:adjust}).", Options::Levels, None).initial(Initial::ItemLevel),
        catalogue_item_id: f::select("Căn cứ (mục danh mục BMNN)", "", Options::Catalogue, Some("— giữ như cũ —")),
        field: f::select("Lĩnh vực", "", Options::Fields, Some("— giữ như cũ —")),
        decision_ref: f::text("Số, ký hiệu quyết định điều chỉnh", ""),
        originator_notice: f::text("Thông báo của nơi ban hành (tài liệu đến)", ""),
        date: f::act_date(),
    }, authority: Authority::Acts(&[Act::Adjust])));
act!(Declassify, Declassify, DeclassifyCmd => SecretItem,
    text("declassify", "Giải mật",
        "Giải mật",
        "Đã giải mật; thông báo phải gửi đã được lập."),
    open(Item |a, item| open_declassify(a, item)),
    api("/items/{id}/declassification", Some("item_id"), false, None, PERIODS),
    |svc, ctx, c| svc.declassify(ctx, c),
    act_form!(DeclassifyCmd {
        item_id: Entry::Object,
        council: f::lines("Hội đồng giải mật (mỗi dòng một người, chủ tịch trước)", "{rule-basis:declassify}.").group(COUNCIL_DECLASSIFY),
        council_decision_ref: f::text("Quyết định thành lập Hội đồng", "").group(COUNCIL_DECLASSIFY),
        council_minutes_ref: f::text("Biên bản họp Hội đồng", "").group(COUNCIL_DECLASSIFY),
        partial: f::check("Giải mật một phần", "").group(DECISION),
        partial_scope: f::area("Nội dung được giải mật (khi giải mật một phần)", "").group(DECISION),
        decision_ref: f::text("Số, ký hiệu quyết định giải mật", "").group(DECISION),
        originator_notice: f::text("Thông báo của nơi ban hành (tài liệu đến)", "").group(DECISION),
        date: f::act_date().group(DECISION),
    }, authority: Authority::Acts(&[Act::Declassify])));
act!(NoticeDone, NoticeDone, NoticeDoneCmd => Notice,
text("notice-done", "Ghi nhận đã gửi thông báo",
    "Ghi nhận đã gửi",
    "Đã ghi nhận thông báo đã gửi."),
open(Notice |a, n| ok(check_notice_done(a, n))),
api("/notices/{id}/done", Some("notice_id"), false, Some(access::NOTICE_KEEPERS), PERIODS),
|svc, ctx, c| svc.notice_done(ctx, c),
act_form!(NoticeDoneCmd {
    notice_id: Entry::Object,
    reference: f::text("Số, ký hiệu văn bản thông báo", "Thời hạn thông báo theo {notices-basis}.").req(),
    date: f::act_date_as("Ngày gửi"),
}));

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    struct Seen(Vec<(ActKind, &'static str)>);
    impl ActVisitor for Seen {
        type Out = ();
        fn visit<A: ActDef>(&mut self) {
            self.0.push((A::KIND, A::api().path));
        }
    }

    /// Each act's definition is its own (the visit does not hand one act another's), and no
    /// two acts share a path.
    #[test]
    fn every_act_visits_its_own_definition() {
        let mut seen = Seen(Vec::new());
        for a in ActKind::ALL {
            a.visit(&mut seen);
        }
        let kinds: Vec<ActKind> = seen.0.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, ActKind::ALL.to_vec());
        let mut paths: Vec<&str> = seen.0.iter().map(|(_, p)| *p).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), ActKind::ALL.len());
    }

    /// The field names a command's schema asks for: its properties, a nested object's as
    /// `{property}_{field}` (the form's flat names for the outside decision).
    fn command_fields<T: schemars::JsonSchema>() -> BTreeSet<String> {
        let mut settings = schemars::generate::SchemaSettings::draft2020_12();
        settings.inline_subschemas = true;
        let v = settings
            .into_generator()
            .into_root_schema_for::<T>()
            .to_value();
        let mut out = BTreeSet::new();
        for (k, p) in v["properties"].as_object().expect("an object command") {
            let alts = p["anyOf"].as_array().cloned().unwrap_or_default();
            let nested = std::iter::once(p)
                .chain(alts.iter())
                .find_map(|s| s["properties"].as_object().cloned());
            match nested {
                Some(props) => out.extend(props.keys().map(|f| format!("{k}_{f}"))),
                None => {
                    out.insert(k.clone());
                }
            }
        }
        out
    }

    /// The names act `a`'s form gives: each entry's command field (the object acted on, the
    /// buttons, an API-only field included), a nested entry's parts by their own names.
    fn form_fields(a: ActKind) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (name, e) in a.form().entries {
            match e {
                Entry::Nested(parts) => out.extend(parts.iter().map(|p| p.name.to_string())),
                _ => {
                    out.insert(name.to_string());
                }
            }
        }
        out
    }

    /// Where act `a`'s form and the fields `cmd` of a command differ (`None`: same).
    fn mismatch(a: ActKind, cmd: &BTreeSet<String>) -> Option<String> {
        let form = form_fields(a);
        (form != *cmd).then(|| {
            format!(
                "{}: only on the form {:?}, only in the command {:?}",
                a.code(),
                form.difference(cmd).collect::<Vec<_>>(),
                cmd.difference(&form).collect::<Vec<_>>()
            )
        })
    }

    struct FormMatchesCommand(Vec<String>);
    impl ActVisitor for FormMatchesCommand {
        type Out = ();
        fn visit<A: ActDef>(&mut self) {
            self.0
                .extend(mismatch(A::KIND, &command_fields::<A::Cmd>()));
        }
    }

    /// Every act's form holds exactly the fields of its command's derived schema (the API's
    /// body): `form!` already makes the compiler check the Rust fields; this checks what serde
    /// and schemars make of them (a rename, a nested object) too.
    #[test]
    fn every_act_form_holds_exactly_its_commands_schema_fields() {
        let mut check = FormMatchesCommand(Vec::new());
        for a in ActKind::ALL {
            a.visit(&mut check);
        }
        assert!(check.0.is_empty(), "{}", check.0.join("\n"));
        // The comparison does fail: a command with one more field, or another act's command.
        let mut more = command_fields::<NoticeDoneCmd>();
        assert!(mismatch(ActKind::NoticeDone, &more).is_none());
        more.insert("copies".into());
        let e = mismatch(ActKind::NoticeDone, &more).expect("a field missing from the form");
        assert!(e.contains("copies"), "{e}");
        assert!(mismatch(ActKind::Extend, &command_fields::<AdjustCmd>()).is_some());
        assert!(command_fields::<DecideCmd>().contains("external_number"));
    }

    /// Every hint of every act's form is filled by every regime: no marker is left, and the
    /// citations are the regime's own.
    #[test]
    fn every_form_hint_is_filled_by_every_regime() {
        let rules = crate::rules::RuleSet::embedded();
        for r in &rules.regimes {
            for a in ActKind::ALL {
                for fd in a.form().fields() {
                    let h = fd.hint(r);
                    assert!(!h.contains('{'), "{} {} {}: {h}", r.code, a.code(), fd.name);
                    assert!(!fd.label.is_empty(), "{} {}", a.code(), fd.name);
                }
            }
            let copy = ActKind::RequestCopy.form().fields()[0].hint(r);
            assert!(
                copy.contains(&r.cite(crate::rules::Cite::Copy).basis),
                "{copy}"
            );
        }
        // An unknown marker stays visible (and fails above).
        let r = rules.regimes.last().expect("a regime");
        assert!(f::fill_hint(r, "({cite:no-such-key})").contains('{'));
    }

    /// The fixed choices are the enums' serde codes and labels.
    #[test]
    fn fixed_choices_are_the_enums_codes_and_labels() {
        use crate::model::{Carrier, CopyForm};
        let code = |v: serde_json::Value| v.as_str().expect("a code").to_string();
        for (c, l) in f::CARRIERS {
            let e: Carrier = serde_json::from_value(serde_json::json!(c)).expect(c);
            assert_eq!(e.label(), *l);
            assert_eq!(code(serde_json::to_value(e).expect("code")), *c);
        }
        for (c, l) in f::COPY_FORMS {
            let e: CopyForm = serde_json::from_value(serde_json::json!(c)).expect(c);
            assert_eq!(e.label(), *l);
        }
        assert_eq!(f::CARRIERS.len(), 6);
        assert_eq!(f::COPY_FORMS.len(), 4);
    }

    /// A form knows its object field, its buttons, what it offers and whose authority it
    /// shows.
    #[test]
    fn forms_say_what_the_page_needs() {
        let d = ActKind::RequestDestroy.form();
        assert_eq!(d.object_field(), Some("item_ids"));
        assert!(!d.two_buttons());
        assert!(ActKind::Decide.form().two_buttons());
        assert!(ActKind::DecideClassification.form().two_buttons());
        assert_eq!(ActKind::Propose.form().object_field(), None);
        assert!(ActKind::Propose.form().needs_org());
        assert!(ActKind::ReceiveIncoming.form().needs_org());
        assert!(ActKind::HandOver.form().needs_org());
        assert!(!ActKind::Extend.form().needs_org());
        assert!(ActKind::Adjust.form().offers(Options::Catalogue));
        assert!(!ActKind::Extend.form().offers(Options::Catalogue));
        assert_eq!(
            ActKind::Decide.form().authority_acts(None),
            Vec::<Act>::new()
        );
        assert_eq!(
            ActKind::RequestTakeOut.form().authority_acts(None),
            vec![Act::TakeOutDomestic, Act::TakeOutAbroad]
        );
    }
}
