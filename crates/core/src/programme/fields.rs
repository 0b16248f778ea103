//! One definition per programme record kind (định nghĩa trường hồ sơ): each field's name,
//! Vietnamese label, kind of input, whether it is required, and the hint of the rule behind it.
//! The web form, the edit the service allows and the API schema's labels all read
//! [`RecordKind::form`]; the record structs in the parent module hold the same names.
//! Hints may carry `{cite:…}` markers that the regime in force fills in.

use super::RecordKind;

/// A list of `(code, Vietnamese label)` choices of a select field.
pub type Choices = &'static [(&'static str, &'static str)];

/// Kiểu nhập của một trường.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Required text (the record type checks it is not blank).
    Text,
    /// Optional text (empty = none).
    OptText,
    /// Required date (dd/mm/yyyy on the page, ISO in the JSON).
    Date,
    /// Optional date.
    OptDate,
    /// Whole number ≥ 0 (empty = 0).
    Number,
    /// Optional id of another record (empty = none).
    OptId,
    /// Yes / no.
    Check,
    /// One of the choices (by code).
    Select(Choices),
    /// One value per line.
    Lines,
    /// Lines "text | unit | dd/mm/yyyy" (remedies, plan tasks).
    Triples,
    /// Lines of unit names (subordinate units of a steering level).
    Units,
    /// Lines "họ tên | ngày thẩm tra | kết quả | ngày cam kết | ngày tập huấn" (the people in
    /// a key or confidential post; [`parse_holder`], [`holder_line`]).
    Holders,
}

impl Input {
    /// Whether the field must be given (a blank required field is refused).
    pub fn required(self) -> bool {
        matches!(self, Input::Text | Input::Date | Input::Select(_))
    }
}

/// Một trường của hồ sơ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    /// JSON path in the record ("discipline.disciplined"); "docs.*" are the incident's
    /// documents counted by level (the record's `documents` list).
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub input: Input,
}

impl FieldDef {
    pub const fn new(
        name: &'static str,
        label: &'static str,
        hint: &'static str,
        input: Input,
    ) -> FieldDef {
        FieldDef {
            name,
            label,
            hint,
            input,
        }
    }

    pub fn required(&self) -> bool {
        self.input.required()
    }

    /// The top-level key of the record this field sets (`documents` for the incident's
    /// counts by level).
    pub fn record_key(&self) -> &'static str {
        let head = self.name.split('.').next().unwrap_or(self.name);
        if head == "docs" { "documents" } else { head }
    }
}

/// The form of a kind: the page's legal introduction and its fields in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindForm {
    pub intro: &'static str,
    pub fields: Vec<FieldDef>,
}

impl KindForm {
    /// The record keys the form holds: what an edit may set (every other key is kept).
    pub fn record_keys(&self) -> Vec<&'static str> {
        let mut keys: Vec<&'static str> = self.fields.iter().map(FieldDef::record_key).collect();
        keys.dedup();
        keys
    }
}

/// The label of a choice's code (the code itself when unknown).
pub fn choice_label(c: Choices, code: &str) -> String {
    c.iter()
        .find(|(k, _)| *k == code)
        .map(|(_, l)| l.to_string())
        .unwrap_or_else(|| code.to_string())
}

const fn f(name: &'static str, label: &'static str, hint: &'static str, input: Input) -> FieldDef {
    FieldDef::new(name, label, hint, input)
}

pub const STAFF_MODE: Choices = &[("concurrent", "Kiêm nhiệm"), ("full-time", "Chuyên trách")];
pub const LEAVING: Choices = &[
    ("transferred", "Chuyển công tác"),
    ("resigned", "Thôi việc"),
    ("retired", "Nghỉ hưu"),
    ("other", "Thôi phân công vì lý do khác"),
];
pub const OCCASION: Choices = &[
    ("assignment", "Khi được phân công"),
    ("access", "Khi tiếp cận BMNN"),
    ("leaving", "Khi thôi việc, chuyển công tác"),
    ("retirement", "Khi nghỉ hưu"),
];
pub const TRAINING: Choices = &[
    ("training", "Tập huấn"),
    ("dissemination", "Phổ biến, tuyên truyền"),
    ("briefing", "Quán triệt"),
];
pub const DIRECTION: Choices = &[("issued", "Ban hành"), ("received", "Nhận được")];
pub const DIRECTIVE: Choices = &[
    ("plan", "Kế hoạch"),
    ("regulation", "Quy chế"),
    ("internal-rules", "Nội quy"),
    ("letter", "Công văn"),
    ("decision", "Quyết định"),
    ("other", "Văn bản khác"),
];
pub const DEVICE: Choices = &[
    ("computer", "Máy tính"),
    ("storage-medium", "Thiết bị lưu trữ"),
    ("copier", "Máy sao, chụp"),
    ("other", "Thiết bị khác"),
];
pub const DEVICE_STATUS: Choices = &[
    ("in-use", "Đang dùng cho BMNN"),
    ("repurposed", "Đã chuyển mục đích sử dụng"),
    ("disposed", "Đã thanh lý"),
];
pub const RECEIVED: Choices = &[("plan", "Kế hoạch năm"), ("report", "Báo cáo năm")];
pub const LEVEL: Choices = &[
    ("mat", "Mật"),
    ("toi-mat", "Tối mật"),
    ("tuyet-mat", "Tuyệt mật"),
];
pub const DEVICE_RULE: Choices = &[
    (
        "no-devices",
        "Không mang thiết bị thu, phát, ghi âm, ghi hình",
    ),
    (
        "as-chair-decides",
        "Theo yêu cầu của người chủ trì (chỉ họp Mật)",
    ),
];
pub const INSPECTION: Choices = &[
    ("inspection", "Kiểm tra"),
    ("self-inspection", "Tự kiểm tra"),
];
pub const INCIDENT: Choices = &[
    ("exposure", "Lộ BMNN"),
    ("loss", "Mất tài liệu, vật chứa BMNN"),
];
pub const CONNECTION: Choices = &[
    ("standalone", "Máy độc lập, không kết nối mạng"),
    ("independent-lan", "Mạng LAN độc lập trong trụ sở"),
    (
        "crypto-link",
        "Kênh truyền có mã hóa của Ban Cơ yếu Chính phủ",
    ),
    ("network", "Internet, mạng máy tính hoặc mạng viễn thông"),
];
pub const ORGANISED_BY: Choices = &[
    ("own", "Cơ quan tổ chức"),
    ("subordinate", "Đơn vị cấp dưới tổ chức"),
];
pub const INCIDENT_STATE: Choices = &[
    ("verifying", "Đang xác minh"),
    ("concluded", "Đã kết luận"),
    ("transferred", "Đã chuyển cơ quan có thẩm quyền"),
];
pub const STEERING_BODY: Choices = &[
    ("committee", "Có Ban Chỉ đạo"),
    ("designated-body", "Có cơ quan, bộ phận được giao"),
    ("missing", "Chưa có"),
];
pub const POST_KIND: Choices = &[("key", "Trọng yếu"), ("confidential", "Cơ mật")];
pub const CHANNEL: Choices = &[
    ("agency-website", "Trang thông tin điện tử của cơ quan"),
    ("social-network", "Mạng xã hội"),
    ("improper-provision", "Cung cấp trái quy định"),
    ("physical-loss", "Mất tài liệu, vật chứa"),
    ("other", "Khác"),
];

impl RecordKind {
    /// The one definition of a kind's fields (định nghĩa trường của loại hồ sơ): the page's
    /// add and edit form, the fields an edit may set, the labels of the API schema. The match
    /// is exhaustive: a new kind does not compile until it says its fields.
    pub fn form(self) -> KindForm {
        use Input::*;
        let (intro, fields) = match self {
            RecordKind::Staff => (
                "Người làm công tác bảo vệ BMNN chuyên trách hoặc kiêm nhiệm được phân công bằng văn bản ({cite:staff-assignment}). Khi thôi phân công phải bàn giao và ký cam kết ({cite:staff-end}).",
                vec![
                    f("person", "Họ và tên", "Người được phân công.", Text),
                    f(
                        "position",
                        "Chức vụ, đơn vị công tác",
                        "Ghi như trong quyết định.",
                        Text,
                    ),
                    f(
                        "mode",
                        "Chế độ (chuyên trách / kiêm nhiệm)",
                        "{cite:staff-assignment}.",
                        Select(STAFF_MODE),
                    ),
                    f(
                        "decision_ref",
                        "Số, ký hiệu quyết định phân công",
                        "Phân công phải bằng văn bản.",
                        Text,
                    ),
                    f(
                        "decision_date",
                        "Ngày quyết định",
                        "dd/mm/yyyy; phân công có hiệu lực từ ngày này.",
                        Date,
                    ),
                ],
            ),
            RecordKind::Commitment => (
                "Cam kết bảo vệ BMNN khi được phân công, khi tiếp cận BMNN ({cite:commitment-access}) và khi thôi việc, chuyển công tác, nghỉ hưu ({cite:staff-end}). Bản cam kết in được từ danh sách.",
                vec![
                    f(
                        "person",
                        "Họ và tên người cam kết",
                        "Người ký bản cam kết.",
                        Text,
                    ),
                    f(
                        "staff_id",
                        "Số hồ sơ phân công (nếu có)",
                        "Số # của hồ sơ phân công cán bộ mà cam kết này đáp ứng; chức vụ in trên bản cam kết lấy từ đó.",
                        OptId,
                    ),
                    f(
                        "occasion",
                        "Dịp cam kết",
                        "Khi phân công, tiếp cận; khi thôi việc, chuyển công tác, nghỉ hưu phải bàn giao BMNN và cam kết.",
                        Select(OCCASION),
                    ),
                    f("signed_on", "Ngày ký", "dd/mm/yyyy.", Date),
                    f(
                        "reference",
                        "Số, nơi lưu bản cam kết",
                        "Để trống nếu chưa đánh số.",
                        OptText,
                    ),
                ],
            ),
            RecordKind::Training => (
                "Tập huấn, phổ biến, quán triệt về bảo vệ BMNN: báo cáo năm đếm số buổi và số người tham dự ({cite:training}).",
                vec![
                    f(
                        "date",
                        "Ngày tổ chức",
                        "dd/mm/yyyy; quyết định kỳ báo cáo của buổi.",
                        Date,
                    ),
                    f(
                        "kind",
                        "Hình thức",
                        "Tập huấn; phổ biến, tuyên truyền; quán triệt.",
                        Select(TRAINING),
                    ),
                    f(
                        "organiser",
                        "Đơn vị tổ chức",
                        "Ví dụ: Công an tỉnh, Văn phòng Sở.",
                        Text,
                    ),
                    f(
                        "organised_by",
                        "Cơ quan hay đơn vị cấp dưới tổ chức",
                        "Báo cáo tách buổi do cơ quan tổ chức và buổi do đơn vị cấp dưới tổ chức.",
                        Select(ORGANISED_BY),
                    ),
                    f(
                        "audience",
                        "Đối tượng tham dự",
                        "Ví dụ: cán bộ, công chức toàn cơ quan.",
                        Text,
                    ),
                    f(
                        "participants",
                        "Số người tham dự",
                        "Lớn hơn 0; không ít hơn số người có tên dưới đây.",
                        Number,
                    ),
                    f(
                        "attendees",
                        "Danh sách người tham dự (mỗi dòng một người, nếu có)",
                        "Không bắt buộc.",
                        Lines,
                    ),
                ],
            ),
            RecordKind::Directive => (
                "Văn bản triển khai công tác bảo vệ BMNN cơ quan ban hành hoặc nhận được: kế hoạch, quy chế, nội quy, công văn ({cite:directives}).",
                vec![
                    f("date", "Ngày văn bản", "dd/mm/yyyy.", Date),
                    f(
                        "direction",
                        "Ban hành hay nhận được",
                        "Văn bản của cơ quan hay của cấp trên.",
                        Select(DIRECTION),
                    ),
                    f(
                        "kind",
                        "Loại văn bản",
                        "Kế hoạch, quy chế, nội quy, công văn, quyết định.",
                        Select(DIRECTIVE),
                    ),
                    f("number_symbol", "Số, ký hiệu", "Ví dụ: 05/QC-SKHĐT.", Text),
                    f("issuer", "Cơ quan ban hành", "", Text),
                    f(
                        "title",
                        "Tên, trích yếu văn bản",
                        "Văn bản thường (không mật).",
                        Text,
                    ),
                ],
            ),
            RecordKind::Device => (
                "Máy tính, thiết bị lưu trữ, máy sao chụp dùng cho BMNN không được kết nối Internet, mạng máy tính, mạng viễn thông ({cite:device-network}); chỉ được chuyển mục đích sử dụng hoặc thanh lý sau khi đã xóa BMNN ({cite:device-repurpose}).",
                vec![
                    f(
                        "identity",
                        "Số hiệu, số sê-ri, mã tài sản",
                        "Để nhận biết thiết bị.",
                        Text,
                    ),
                    f("kind", "Loại thiết bị", "", Select(DEVICE)),
                    f(
                        "description",
                        "Mô tả",
                        "Ví dụ: máy tính soạn thảo của Văn phòng.",
                        Text,
                    ),
                    f(
                        "in_use_from",
                        "Ngày bắt đầu dùng cho BMNN",
                        "dd/mm/yyyy.",
                        Date,
                    ),
                    f(
                        "inspected_on",
                        "Ngày kiểm tra an ninh, dán tem",
                        "dd/mm/yyyy; để trống nếu chưa kiểm tra.",
                        OptDate,
                    ),
                    f("stamp_ref", "Số tem kiểm định an ninh", "", OptText),
                    f(
                        "never_connected",
                        "Chưa từng kết nối Internet, mạng máy tính, mạng viễn thông",
                        "Thiết bị đã từng kết nối thì không được dùng cho BMNN khi quy định hiện hành cấm ({cite:device-network}).",
                        Check,
                    ),
                    f(
                        "connection",
                        "Kết nối hiện nay",
                        "Chỉ những kết nối quy định cho phép mới được dùng cho BMNN; hệ thống từ chối và nêu căn cứ khi không được phép.",
                        Select(CONNECTION),
                    ),
                    f(
                        "ai_tool",
                        "Có dùng dịch vụ, công cụ trí tuệ nhân tạo trực tuyến",
                        "Đánh dấu nếu trên thiết bị có cài đặt hoặc sử dụng dịch vụ, công cụ trí tuệ nhân tạo trực tuyến; hệ thống cảnh báo theo quy định của chế độ pháp lý áp dụng.",
                        Check,
                    ),
                ],
            ),
            RecordKind::Equipment => (
                "Trang bị con dấu mật và sổ đăng ký, quản lý BMNN của từng đơn vị ({cite:stamps-registers}): báo cáo đếm số lần kê gần nhất của mỗi đơn vị.",
                vec![
                    f("unit", "Đơn vị", "", Text),
                    f("as_of", "Tính đến ngày", "dd/mm/yyyy.", Date),
                    f(
                        "stamps",
                        "Số con dấu mật",
                        "Dấu chỉ độ mật, dấu thu hồi, dấu chỉ người có tên mới được bóc bì…",
                        Number,
                    ),
                    f(
                        "stamp_sets",
                        "Số bộ con dấu mật",
                        "Báo cáo đếm số bộ con dấu của mỗi đơn vị; không lớn hơn số con dấu.",
                        Number,
                    ),
                    f(
                        "registers",
                        "Số sổ đăng ký, quản lý BMNN",
                        "Sổ đi, đến, chuyển giao, sao chụp…",
                        Number,
                    ),
                    f("note", "Ghi chú", "", OptText),
                ],
            ),
            RecordKind::Meeting => (
                "Hội nghị, cuộc họp có nội dung BMNN: được người có thẩm quyền cho phép ({cite:meeting-approval}); họp trong phòng kín tại trụ sở, ngoài trụ sở cần kiểm tra an ninh của Công an ({cite:meeting-place}); họp Tối mật, Tuyệt mật không mang thiết bị thu, phát ({cite:meeting-devices}); tài liệu phát ra phải thu hồi ({cite:meeting-recall}).",
                vec![
                    f("date", "Ngày họp", "dd/mm/yyyy.", Date),
                    f(
                        "days",
                        "Số ngày họp",
                        "Từ 2 ngày: niêm phong phòng họp sau mỗi ngày.",
                        Number,
                    ),
                    f("name", "Tên cuộc họp", "Không ghi nội dung mật.", Text),
                    f("level", "Độ mật của nội dung", "", Select(LEVEL)),
                    f(
                        "approved_by",
                        "Người cho phép sử dụng nội dung BMNN",
                        "Chức vụ người có thẩm quyền.",
                        Text,
                    ),
                    f("approval_ref", "Văn bản cho phép", "", OptText),
                    f("venue", "Địa điểm", "", Text),
                    f(
                        "at_headquarters",
                        "Họp trong phòng họp kín tại trụ sở cơ quan",
                        "Nếu không: ghi văn bản kiểm tra an ninh của Công an.",
                        Check,
                    ),
                    f(
                        "police_check_ref",
                        "Văn bản kiểm tra an ninh địa điểm (Công an)",
                        "Bắt buộc khi họp ngoài trụ sở.",
                        OptText,
                    ),
                    f(
                        "device_rule",
                        "Quy định về thiết bị của người dự",
                        "Họp Tối mật, Tuyệt mật: không mang thiết bị.",
                        Select(DEVICE_RULE),
                    ),
                    f("documents_issued", "Số tài liệu BMNN phát ra", "", Number),
                    f(
                        "documents_returned",
                        "Số tài liệu đã thu hồi",
                        "Không lớn hơn số phát ra; còn thiếu thì hiện trong việc phải làm.",
                        Number,
                    ),
                ],
            ),
            RecordKind::Inspection => (
                "Kiểm tra, tự kiểm tra công tác bảo vệ BMNN ({cite:inspection}): phát hiện và biện pháp khắc phục có thời hạn; quá hạn hiện trong việc phải làm.",
                vec![
                    f("date", "Ngày kiểm tra", "dd/mm/yyyy.", Date),
                    f("kind", "Hình thức", "", Select(INSPECTION)),
                    f("inspector", "Đơn vị, đoàn kiểm tra", "", Text),
                    f(
                        "decision",
                        "Quyết định kiểm tra (số, ký hiệu, ngày)",
                        "Ghi vào kết luận kiểm tra; để trống khi không có quyết định.",
                        OptText,
                    ),
                    f(
                        "organised_by",
                        "Cơ quan hay đơn vị cấp dưới tổ chức kiểm tra",
                        "Báo cáo tách cuộc kiểm tra của cơ quan và của đơn vị cấp dưới.",
                        Select(ORGANISED_BY),
                    ),
                    f(
                        "units",
                        "Đơn vị được kiểm tra (mỗi dòng một đơn vị)",
                        "Ít nhất một đơn vị, hoặc ghi số đơn vị dưới đây.",
                        Lines,
                    ),
                    f(
                        "units_count",
                        "Số đơn vị được kiểm tra",
                        "Khi đơn vị quá nhiều để liệt kê; để trống là số dòng ở trên.",
                        Number,
                    ),
                    f(
                        "findings",
                        "Tồn tại, hạn chế phát hiện (mỗi dòng một ý)",
                        "",
                        Lines,
                    ),
                    f(
                        "remedies",
                        "Biện pháp khắc phục, mỗi dòng: biện pháp | đơn vị | hạn (dd/mm/yyyy)",
                        "Hạn không trước ngày kiểm tra.",
                        Triples,
                    ),
                ],
            ),
            RecordKind::Incident => (
                "Vụ lộ, mất BMNN: báo cáo đột xuất ngay khi phát hiện ({cite:incident-report}); báo cáo năm đếm theo kênh, độ mật, danh mục, xử lý ({cite:periodic-report}). Không ghi trích yếu tài liệu.",
                vec![
                    f(
                        "discovered_on",
                        "Ngày phát hiện",
                        "dd/mm/yyyy; báo cáo đột xuất đến hạn ngay ngày này.",
                        Date,
                    ),
                    f("kind", "Lộ hay mất", "", Select(INCIDENT)),
                    f(
                        "channel",
                        "Kênh xảy ra",
                        "Trang thông tin của cơ quan và mạng xã hội tính là trên Internet ({cite:internet-posting}).",
                        Select(CHANNEL),
                    ),
                    f("place", "Nơi xảy ra", "Đơn vị, trang thông tin.", Text),
                    f(
                        "docs.tuyet-mat",
                        "Số tài liệu Tuyệt mật liên quan",
                        "Ít nhất một tài liệu trong tổng các dòng độ mật.",
                        Number,
                    ),
                    f("docs.toi-mat", "Số tài liệu Tối mật liên quan", "", Number),
                    f("docs.mat", "Số tài liệu Mật liên quan", "", Number),
                    f(
                        "docs.unmarked",
                        "Số tài liệu chưa đóng dấu độ mật",
                        "Nội dung thuộc BMNN nhưng chưa được xác định độ mật.",
                        Number,
                    ),
                    f(
                        "docs.in-catalogue",
                        "Trong đó: số tài liệu có nội dung thuộc danh mục BMNN",
                        "",
                        Number,
                    ),
                    f(
                        "cause",
                        "Nguyên nhân",
                        "Được đưa vào mục nguyên nhân của báo cáo đột xuất.",
                        Text,
                    ),
                    f("recovered", "Đã thu hồi", "", Check),
                    f(
                        "taken_down",
                        "Đã gỡ bỏ (trên mạng)",
                        "Vụ mất tài liệu không có nội dung trên mạng để gỡ.",
                        Check,
                    ),
                    f(
                        "discipline.disciplined",
                        "Số người bị xử lý kỷ luật",
                        "",
                        Number,
                    ),
                    f(
                        "discipline.criticised",
                        "Số người bị phê bình, kiểm điểm",
                        "",
                        Number,
                    ),
                    f(
                        "criminal_referral",
                        "Chuyển cơ quan điều tra (dấu hiệu tội phạm)",
                        "",
                        Check,
                    ),
                    f(
                        "state",
                        "Tình trạng giải quyết",
                        "Đang xác minh; đã kết luận; đã chuyển cơ quan có thẩm quyền.",
                        Select(INCIDENT_STATE),
                    ),
                    f(
                        "outcome",
                        "Kết quả, kết luận (hoặc cơ quan nhận chuyển)",
                        "Bắt buộc khi đã kết luận hoặc đã chuyển.",
                        OptText,
                    ),
                    f(
                        "state_on",
                        "Ngày kết luận hoặc ngày chuyển",
                        "dd/mm/yyyy; không trước ngày phát hiện; để trống khi đang xác minh.",
                        OptDate,
                    ),
                ],
            ),
            RecordKind::LegacyReview => (
                "Rà soát BMNN được xác định trước ngày 01/01/2019 để điều chỉnh độ mật, thời hạn, giải mật ({cite:legacy-review}).",
                vec![
                    f("date", "Ngày rà soát", "dd/mm/yyyy.", Date),
                    f("unit", "Đơn vị", "", Text),
                    f("reviewed", "Số tài liệu đã rà soát", "", Number),
                    f(
                        "extended",
                        "Số tài liệu gia hạn",
                        "Gia hạn cộng giải mật không vượt số đã rà soát.",
                        Number,
                    ),
                    f("declassified", "Số tài liệu giải mật", "", Number),
                ],
            ),
            RecordKind::Plan => (
                "Kế hoạch công tác bảo vệ BMNN năm: nhiệm vụ, đơn vị chủ trì, thời hạn; ở cấp chỉ đạo, danh sách đơn vị cấp dưới phải gửi kế hoạch, báo cáo.",
                vec![
                    f("year", "Năm kế hoạch", "Ví dụ: 2026.", Number),
                    f(
                        "number_symbol",
                        "Số, ký hiệu kế hoạch",
                        "Ví dụ: 01/KH-SKHĐT.",
                        Text,
                    ),
                    f("issued_on", "Ngày ban hành", "dd/mm/yyyy.", Date),
                    f(
                        "tasks",
                        "Nhiệm vụ, mỗi dòng: nhiệm vụ | đơn vị chủ trì | hạn (dd/mm/yyyy)",
                        "Nhiệm vụ sắp đến hạn hiện trong việc phải làm.",
                        Triples,
                    ),
                    f(
                        "subordinate_plan_due",
                        "Hạn đơn vị cấp dưới gửi kế hoạch",
                        "Chỉ ở cấp chỉ đạo; để trống nếu không có.",
                        OptDate,
                    ),
                    f(
                        "subordinates",
                        "Đơn vị cấp dưới (mỗi dòng một đơn vị)",
                        "Chỉ ở cấp chỉ đạo.",
                        Units,
                    ),
                ],
            ),
            RecordKind::SteeringCommittee => (
                "Ban Chỉ đạo công tác bảo vệ BMNN (hoặc cơ quan, bộ phận được giao) của từng đơn vị cấp dưới: báo cáo đếm theo lần ghi gần nhất của mỗi đơn vị.",
                vec![
                    f("unit", "Đơn vị cấp dưới", "Ví dụ: huyện Cao Lãnh.", Text),
                    f("as_of", "Tính đến ngày", "dd/mm/yyyy.", Date),
                    f("body", "Ban Chỉ đạo", "", Select(STEERING_BODY)),
                    f(
                        "decision_ref",
                        "Số, ký hiệu quyết định thành lập, kiện toàn hoặc giao nhiệm vụ",
                        "Bắt buộc khi đã có; để trống khi chưa có.",
                        OptText,
                    ),
                    f(
                        "decision_date",
                        "Ngày quyết định",
                        "dd/mm/yyyy; không sau ngày tính đến.",
                        OptDate,
                    ),
                    f("note", "Ghi chú", "", OptText),
                ],
            ),
            RecordKind::KeyPost => (
                "Danh mục vị trí trọng yếu, cơ mật (Hướng dẫn 02-HD/BTCTW) và người đảm nhiệm: thẩm tra, cam kết bảo vệ BMNN, tập huấn. Báo cáo đếm theo lần ghi gần nhất của mỗi vị trí.",
                vec![
                    f("unit", "Cơ quan, bộ phận", "", Text),
                    f("post", "Vị trí", "Chức danh, vị trí việc làm.", Text),
                    f("kind", "Trọng yếu hay cơ mật", "", Select(POST_KIND)),
                    f("as_of", "Tính đến ngày", "dd/mm/yyyy.", Date),
                    f(
                        "listing_ref",
                        "Văn bản ban hành danh mục",
                        "Số, ký hiệu; để trống nếu chưa ban hành.",
                        OptText,
                    ),
                    f(
                        "holders",
                        "Người đảm nhiệm, mỗi dòng: họ tên | ngày thẩm tra | kết quả thẩm tra | ngày ký cam kết | ngày tập huấn",
                        "Ngày viết dd/mm/yyyy; để trống phần chưa có (ví dụ: Nguyễn Văn A | 10/03/2024 | Đủ tiêu chuẩn | 15/03/2024 |).",
                        Holders,
                    ),
                ],
            ),
            // Report bookkeeping: written by their own acts, never through a form.
            RecordKind::ReportDraft | RecordKind::UnitKey | RecordKind::UnitReport => ("", vec![]),
        };
        KindForm { intro, fields }
    }
}

// ---- The line of a post holder ([`Input::Holders`]) -------------------------------------------

/// One person of a key or confidential post from its form line "họ tên | ngày thẩm tra | kết
/// quả thẩm tra | ngày ký cam kết | ngày tập huấn" (dates dd/mm/yyyy; trailing parts may be
/// left out, empty parts are "none"). The record's own check judges the content.
pub fn parse_holder(line: &str) -> Result<super::PostHolder, String> {
    let parts: Vec<&str> = line.split('|').map(str::trim).collect();
    if parts.len() > 5 {
        return Err(format!(
            "dòng «{line}» có quá 5 phần: họ tên | ngày thẩm tra | kết quả | ngày cam kết | ngày tập huấn"
        ));
    }
    let part = |i: usize| parts.get(i).copied().filter(|p| !p.is_empty());
    let date = |i: usize, what: &str| -> Result<Option<time::Date>, String> {
        part(i)
            .map(|d| {
                crate::dates::parse_date(d)
                    .ok_or_else(|| format!("{what} «{d}» phải viết dd/mm/yyyy"))
            })
            .transpose()
    };
    Ok(super::PostHolder {
        person: part(0).unwrap_or_default().to_string(),
        vetted_on: date(1, "ngày thẩm tra")?,
        vetting_result: part(2).map(str::to_string),
        committed_on: date(3, "ngày ký cam kết")?,
        trained_on: date(4, "ngày tập huấn")?,
    })
}

/// The form line of a post holder ([`parse_holder`] reads it back).
pub fn holder_line(h: &super::PostHolder) -> String {
    let d = |d: Option<time::Date>| d.map(crate::dates::fmt_vn).unwrap_or_default();
    format!(
        "{} | {} | {} | {} | {}",
        h.person,
        d(h.vetted_on),
        h.vetting_result.as_deref().unwrap_or_default(),
        d(h.committed_on),
        d(h.trained_on)
    )
}

// ---- JSON Schemas of the record types (derived, for the API document) -----------------------

/// The JSON Schemas of the kept record kinds, derived from their types (`schemars`): each
/// kind's component name, and every component they refer to (records, their parts, the enums
/// by their codes). References point at `#/components/schemas/…`. Dates are strings of format
/// `date` (the web layer gives them the API's exact pattern); ids are integers (the web layer
/// turns every id into its opaque token).
pub struct RecordSchemas {
    pub kinds: Vec<(RecordKind, String)>,
    /// Each kind's stored record as the API sends it (`Stored<T>`: id, unit, record, acts).
    pub stored: Vec<(RecordKind, String)>,
    /// Each kind's add and replace command (`RecordCmd<T>`: unit and record).
    pub cmds: Vec<(RecordKind, String)>,
    pub components: serde_json::Map<String, serde_json::Value>,
}

/// Derives [`RecordSchemas`], with the schemas of the acts' parts (a wipe, a sent report, a
/// cancellation, the acts a record offers).
pub fn record_schemas() -> RecordSchemas {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    let mut g = settings.into_generator();
    let (mut kinds, mut stored, mut cmds) = (Vec::new(), Vec::new(), Vec::new());
    for k in RecordKind::KEPT {
        if let Some([name, stored_name, cmd]) = record_schema(k, &mut g) {
            kinds.push((k, name));
            stored.push((k, stored_name));
            cmds.push((k, cmd));
        }
    }
    named::<super::Wipe>(&mut g);
    named::<super::SentReport>(&mut g);
    named::<super::Cancellation>(&mut g);
    named::<super::RecordAct>(&mut g);
    // The parts the acts' bodies refer to (a leaving reason, a wipe …) are among the above.
    RecordSchemas {
        kinds,
        stored,
        cmds,
        components: g.take_definitions(true),
    }
}

fn named<T: schemars::JsonSchema>(g: &mut schemars::SchemaGenerator) -> String {
    g.subschema_for::<T>();
    T::schema_name().into_owned()
}

/// The record type of a kind, of its stored form and of its add command, exhaustively (a new
/// kind does not compile until it says which).
fn record_schema(kind: RecordKind, g: &mut schemars::SchemaGenerator) -> Option<[String; 3]> {
    use super::*;
    fn both<T: schemars::JsonSchema>(g: &mut schemars::SchemaGenerator) -> [String; 3] {
        [
            named::<T>(g),
            named::<Stored<T>>(g),
            named::<crate::service::RecordCmd<T>>(g),
        ]
    }
    Some(match kind {
        RecordKind::Staff => both::<StaffAssignment>(g),
        RecordKind::Commitment => both::<Commitment>(g),
        RecordKind::Training => both::<Training>(g),
        RecordKind::Directive => both::<Directive>(g),
        RecordKind::Device => both::<Device>(g),
        RecordKind::Equipment => both::<Equipment>(g),
        RecordKind::Meeting => both::<Meeting>(g),
        RecordKind::Inspection => both::<Inspection>(g),
        RecordKind::Incident => both::<Incident>(g),
        RecordKind::LegacyReview => both::<LegacyReview>(g),
        RecordKind::Plan => both::<AnnualPlan>(g),
        RecordKind::SteeringCommittee => both::<SteeringCommittee>(g),
        RecordKind::KeyPost => both::<KeyPost>(g),
        RecordKind::ReportDraft | RecordKind::UnitKey | RecordKind::UnitReport => return None,
    })
}

/// The JSON Schema of an act's command as a request body, derived from its type: `path_id`
/// (the id the route's path carries, e.g. `device_id`) is left out of the body. References
/// point at `#/components/schemas/…` ([`record_schemas`] holds the parts they name).
pub fn body_schema<T: schemars::JsonSchema>(path_id: Option<&str>) -> serde_json::Value {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    let mut v = settings
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    if let Some(o) = v.as_object_mut() {
        o.remove("$defs");
        o.remove("title");
        o.remove("components");
    }
    if let Some(id) = path_id {
        if let Some(p) = v.get_mut("properties").and_then(|p| p.as_object_mut()) {
            p.remove(id);
        }
        if let Some(r) = v.get_mut("required").and_then(|r| r.as_array_mut()) {
            r.retain(|x| x != id);
        }
    }
    v
}

pub use schemars::JsonSchema;
