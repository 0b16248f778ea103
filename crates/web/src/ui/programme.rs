//! Công tác bảo vệ BMNN: one page per programme record kind (`/programme/{kind}`: the records
//! of a year and a form to add one, with the follow-up acts as small forms on the list), the
//! printed forms (commitment, device wipe minutes) as DOCX, and the reports page
//! (`/programme/reports`: figures, written parts, DOCX/JSON, signed bundles up the chain).
//!
//! Every field shows its legal term and a short hint of the rule behind it; the rules
//! themselves are the service's (`bmnn_core::service::programme`) and the record types'
//! (`Record::check`). A refusal re-renders the page with its code and Vietnamese message and
//! keeps what was typed. Years and ids are the only things in URLs.

use super::guard::{
    DeferredCsrf, FormError, Me, read_multipart, refused_csrf, refused_slow_upload,
};
use super::pages::Opt;
use super::view::{L, Vals, call, d, error_page, pairs, render_status};
use crate::programme as prog;
use crate::pubid::Pid;
use crate::{AppState, WebError, ctx_for, today_vn};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bmnn_core::CoreError;
use bmnn_core::model::Id;
use bmnn_core::ports::Store;
use bmnn_core::programme::reports::ReportModel;
use bmnn_core::programme::{
    Commitment, Device, RecordKind, ReportDraftText, ReportKind, StaffAssignment, UnitKey,
};
use bmnn_core::rules::Regime;
use bmnn_core::service::{DraftOffer, ReportQuery, SaveDraftCmd};
use serde::Deserialize;
use serde_json::{Map, Value, json};

// ---- Field specifications -------------------------------------------------------------------

type Choices = &'static [(&'static str, &'static str)];

#[derive(Clone, Copy)]
enum Ty {
    /// Required text (the record type checks it is not blank).
    Text,
    /// Optional text (empty = none).
    Opt,
    Date,
    OptDate,
    Num,
    /// Optional id of another record (empty = none).
    OptId,
    Check,
    Sel(Choices),
    /// One value per line.
    Lines,
    /// Lines "text | unit | dd/mm/yyyy" (remedies, plan tasks).
    Triples,
    /// Lines of unit names (subordinate units of a steering level).
    Units,
}

#[derive(Clone, Copy)]
struct F {
    /// JSON path in the record ("discipline.disciplined"); "docs.*" are the incident's
    /// documents by level.
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    ty: Ty,
}

const fn f(name: &'static str, label: &'static str, hint: &'static str, ty: Ty) -> F {
    F {
        name,
        label,
        hint,
        ty,
    }
}

const STAFF_MODE: Choices = &[("concurrent", "Kiêm nhiệm"), ("full-time", "Chuyên trách")];
const LEAVING: Choices = &[
    ("transferred", "Chuyển công tác"),
    ("resigned", "Thôi việc"),
    ("retired", "Nghỉ hưu"),
    ("other", "Thôi phân công vì lý do khác"),
];
const OCCASION: Choices = &[
    ("assignment", "Khi được phân công"),
    ("access", "Khi tiếp cận BMNN"),
    ("leaving", "Khi thôi việc, chuyển công tác"),
    ("retirement", "Khi nghỉ hưu"),
];
const TRAINING: Choices = &[
    ("training", "Tập huấn"),
    ("dissemination", "Phổ biến, tuyên truyền"),
    ("briefing", "Quán triệt"),
];
const DIRECTION: Choices = &[("issued", "Ban hành"), ("received", "Nhận được")];
const DIRECTIVE: Choices = &[
    ("plan", "Kế hoạch"),
    ("regulation", "Quy chế"),
    ("internal-rules", "Nội quy"),
    ("letter", "Công văn"),
    ("decision", "Quyết định"),
    ("other", "Văn bản khác"),
];
const DEVICE: Choices = &[
    ("computer", "Máy tính"),
    ("storage-medium", "Thiết bị lưu trữ"),
    ("copier", "Máy sao, chụp"),
    ("other", "Thiết bị khác"),
];
const DEVICE_STATUS: Choices = &[
    ("in-use", "Đang dùng cho BMNN"),
    ("repurposed", "Đã chuyển mục đích sử dụng"),
    ("disposed", "Đã thanh lý"),
];
const RECEIVED: Choices = &[("plan", "Kế hoạch năm"), ("report", "Báo cáo năm")];
const LEVEL: Choices = &[
    ("mat", "Mật"),
    ("toi-mat", "Tối mật"),
    ("tuyet-mat", "Tuyệt mật"),
];
const DEVICE_RULE: Choices = &[
    (
        "no-devices",
        "Không mang thiết bị thu, phát, ghi âm, ghi hình",
    ),
    (
        "as-chair-decides",
        "Theo yêu cầu của người chủ trì (chỉ họp Mật)",
    ),
];
const INSPECTION: Choices = &[
    ("inspection", "Kiểm tra"),
    ("self-inspection", "Tự kiểm tra"),
];
const INCIDENT: Choices = &[
    ("exposure", "Lộ BMNN"),
    ("loss", "Mất tài liệu, vật chứa BMNN"),
];
const CONNECTION: Choices = &[
    ("standalone", "Máy độc lập, không kết nối mạng"),
    ("independent-lan", "Mạng LAN độc lập trong trụ sở"),
    (
        "crypto-link",
        "Kênh truyền có mã hóa của Ban Cơ yếu Chính phủ",
    ),
    ("network", "Internet, mạng máy tính hoặc mạng viễn thông"),
];
const CHANNEL: Choices = &[
    ("agency-website", "Trang thông tin điện tử của cơ quan"),
    ("social-network", "Mạng xã hội"),
    ("improper-provision", "Cung cấp trái quy định"),
    ("physical-loss", "Mất tài liệu, vật chứa"),
    ("other", "Khác"),
];

/// The add form of a kind, and the legal hint of the page.
fn spec(kind: RecordKind) -> (&'static str, Vec<F>) {
    use Ty::*;
    match kind {
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
                    Sel(STAFF_MODE),
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
                    Sel(OCCASION),
                ),
                f("signed_on", "Ngày ký", "dd/mm/yyyy.", Date),
                f(
                    "reference",
                    "Số, nơi lưu bản cam kết",
                    "Để trống nếu chưa đánh số.",
                    Opt,
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
                    Sel(TRAINING),
                ),
                f(
                    "organiser",
                    "Đơn vị tổ chức",
                    "Ví dụ: Công an tỉnh, Văn phòng Sở.",
                    Text,
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
                    Num,
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
                    Sel(DIRECTION),
                ),
                f(
                    "kind",
                    "Loại văn bản",
                    "Kế hoạch, quy chế, nội quy, công văn, quyết định.",
                    Sel(DIRECTIVE),
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
                f("kind", "Loại thiết bị", "", Sel(DEVICE)),
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
                f("stamp_ref", "Số tem kiểm định an ninh", "", Opt),
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
                    Sel(CONNECTION),
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
                    Num,
                ),
                f(
                    "registers",
                    "Số sổ đăng ký, quản lý BMNN",
                    "Sổ đi, đến, chuyển giao, sao chụp…",
                    Num,
                ),
                f("note", "Ghi chú", "", Opt),
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
                    Num,
                ),
                f("name", "Tên cuộc họp", "Không ghi nội dung mật.", Text),
                f("level", "Độ mật của nội dung", "", Sel(LEVEL)),
                f(
                    "approved_by",
                    "Người cho phép sử dụng nội dung BMNN",
                    "Chức vụ người có thẩm quyền.",
                    Text,
                ),
                f("approval_ref", "Văn bản cho phép", "", Opt),
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
                    Opt,
                ),
                f(
                    "device_rule",
                    "Quy định về thiết bị của người dự",
                    "Họp Tối mật, Tuyệt mật: không mang thiết bị.",
                    Sel(DEVICE_RULE),
                ),
                f("documents_issued", "Số tài liệu BMNN phát ra", "", Num),
                f(
                    "documents_returned",
                    "Số tài liệu đã thu hồi",
                    "Không lớn hơn số phát ra; còn thiếu thì hiện trong việc phải làm.",
                    Num,
                ),
            ],
        ),
        RecordKind::Inspection => (
            "Kiểm tra, tự kiểm tra công tác bảo vệ BMNN ({cite:inspection}): phát hiện và biện pháp khắc phục có thời hạn; quá hạn hiện trong việc phải làm.",
            vec![
                f("date", "Ngày kiểm tra", "dd/mm/yyyy.", Date),
                f("kind", "Hình thức", "", Sel(INSPECTION)),
                f("inspector", "Đơn vị, đoàn kiểm tra", "", Text),
                f(
                    "units",
                    "Đơn vị được kiểm tra (mỗi dòng một đơn vị)",
                    "Ít nhất một đơn vị.",
                    Lines,
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
                f("kind", "Lộ hay mất", "", Sel(INCIDENT)),
                f(
                    "channel",
                    "Kênh xảy ra",
                    "Trang thông tin của cơ quan và mạng xã hội tính là trên Internet ({cite:internet-posting}).",
                    Sel(CHANNEL),
                ),
                f("place", "Nơi xảy ra", "Đơn vị, trang thông tin.", Text),
                f(
                    "docs.tuyet-mat",
                    "Số tài liệu Tuyệt mật liên quan",
                    "Ít nhất một tài liệu trong tổng các dòng độ mật.",
                    Num,
                ),
                f("docs.toi-mat", "Số tài liệu Tối mật liên quan", "", Num),
                f("docs.mat", "Số tài liệu Mật liên quan", "", Num),
                f(
                    "docs.unmarked",
                    "Số tài liệu chưa đóng dấu độ mật",
                    "Nội dung thuộc BMNN nhưng chưa được xác định độ mật.",
                    Num,
                ),
                f(
                    "docs.in-catalogue",
                    "Trong đó: số tài liệu có nội dung thuộc danh mục BMNN",
                    "",
                    Num,
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
                    Num,
                ),
                f(
                    "discipline.criticised",
                    "Số người bị phê bình, kiểm điểm",
                    "",
                    Num,
                ),
                f(
                    "criminal_referral",
                    "Chuyển cơ quan điều tra (dấu hiệu tội phạm)",
                    "",
                    Check,
                ),
            ],
        ),
        RecordKind::LegacyReview => (
            "Rà soát BMNN được xác định trước ngày 01/01/2019 để điều chỉnh độ mật, thời hạn, giải mật ({cite:legacy-review}).",
            vec![
                f("date", "Ngày rà soát", "dd/mm/yyyy.", Date),
                f("unit", "Đơn vị", "", Text),
                f("reviewed", "Số tài liệu đã rà soát", "", Num),
                f(
                    "extended",
                    "Số tài liệu gia hạn",
                    "Gia hạn cộng giải mật không vượt số đã rà soát.",
                    Num,
                ),
                f("declassified", "Số tài liệu giải mật", "", Num),
            ],
        ),
        RecordKind::Plan => (
            "Kế hoạch công tác bảo vệ BMNN năm: nhiệm vụ, đơn vị chủ trì, thời hạn; ở cấp chỉ đạo, danh sách đơn vị cấp dưới phải gửi kế hoạch, báo cáo.",
            vec![
                f("year", "Năm kế hoạch", "Ví dụ: 2026.", Num),
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
        _ => ("", vec![]),
    }
}

fn set_path(o: &mut Map<String, Value>, path: &str, v: Value) {
    match path.split_once('.') {
        None => {
            o.insert(path.to_string(), v);
        }
        Some((head, rest)) => {
            let e = o
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = e {
                set_path(m, rest, v);
            }
        }
    }
}

/// Translates the form into the record's JSON (dates dd/mm/yyyy → ISO). Bad input names the
/// field; the content's rules are checked by the service.
fn build(fields: &[F], v: &Vals) -> Result<Map<String, Value>, CoreError> {
    let iso = |d: time::Date| json!(format!("{d}"));
    let mut o = Map::new();
    let mut docs: Vec<(Option<&str>, u32)> = Vec::new();
    let mut in_catalogue = 0u32;
    for fl in fields {
        let k = fl.name;
        let val = match fl.ty {
            Ty::Text => json!(v.text(k)),
            Ty::Opt => v.opt(k).map_or(Value::Null, Value::String),
            Ty::Date => iso(v.req_date(k)?),
            Ty::OptDate => v.date(k)?.map_or(Value::Null, iso),
            Ty::Num => json!(v.num(k)?.unwrap_or(0)),
            Ty::OptId => v.id(k)?.map_or(Value::Null, |i| json!(i)),
            Ty::Check => json!(v.check(k)),
            Ty::Sel(c) => {
                let x = v.text(k);
                if !c.iter().any(|(code, _)| *code == x) {
                    return Err(CoreError::invalid(
                        k,
                        "hãy chọn một giá trị trong danh sách",
                    ));
                }
                json!(x)
            }
            Ty::Lines => json!(v.lines(k)),
            Ty::Units => Value::Array(
                v.lines(k)
                    .into_iter()
                    .map(|u| json!({ "unit": u }))
                    .collect(),
            ),
            Ty::Triples => {
                let mut out = Vec::new();
                for line in v.lines(k) {
                    let parts: Vec<&str> = line.split('|').map(str::trim).collect();
                    let [text, unit, date] = parts[..] else {
                        return Err(CoreError::invalid(
                            k,
                            format!("dòng «{line}» phải có dạng: nội dung | đơn vị | dd/mm/yyyy"),
                        ));
                    };
                    let deadline = bmnn_core::dates::parse_date(date).ok_or_else(|| {
                        CoreError::invalid(k, format!("hạn «{date}» phải viết dd/mm/yyyy"))
                    })?;
                    out.push(
                        json!({"text": text, "unit": unit, "deadline": format!("{deadline}")}),
                    );
                }
                Value::Array(out)
            }
        };
        if let Some(level) = k.strip_prefix("docs.") {
            let n = val.as_u64().unwrap_or(0) as u32;
            match level {
                "in-catalogue" => in_catalogue = n,
                "unmarked" => docs.push((None, n)),
                l => docs.push((Some(l), n)),
            }
            continue;
        }
        set_path(&mut o, k, val);
    }
    if fields.iter().any(|fl| fl.name.starts_with("docs.")) {
        // The documents of an incident by level; the first ones are those in the catalogue.
        let mut list = Vec::new();
        for (level, n) in docs {
            for _ in 0..n {
                let cat = (list.len() as u32) < in_catalogue;
                list.push(json!({"level": level, "in_catalogue": cat, "item_id": null}));
            }
        }
        if (list.len() as u32) < in_catalogue {
            return Err(CoreError::invalid(
                "docs.in-catalogue",
                "số tài liệu thuộc danh mục lớn hơn tổng số tài liệu",
            ));
        }
        o.insert("documents".into(), Value::Array(list));
    }
    Ok(o)
}

// ---- Views --------------------------------------------------------------------------------

pub struct FieldView {
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: String,
    /// text, number, check, select, textarea
    pub input: &'static str,
    pub value: String,
    pub checked: bool,
    pub options: Vec<Opt>,
    pub placeholder: &'static str,
}

fn views(prefix: &str, fields: &[F], v: &Vals, r: Option<&Regime>) -> Vec<FieldView> {
    fields
        .iter()
        .map(|fl| {
            let value = v.get(fl.name).to_string();
            let (input, placeholder) = match fl.ty {
                Ty::Text | Ty::Opt => ("text", ""),
                Ty::Date | Ty::OptDate => ("text", "dd/mm/yyyy"),
                Ty::Num => ("number", ""),
                Ty::OptId => ("text", ""),
                Ty::Check => ("check", ""),
                Ty::Sel(_) => ("select", ""),
                Ty::Lines | Ty::Triples | Ty::Units => ("textarea", ""),
            };
            FieldView {
                id: format!("{prefix}-{}", fl.name.replace('.', "-")),
                name: fl.name.to_string(),
                label: fl.label.to_string(),
                hint: r.map_or_else(|| fl.hint.to_string(), |r| r.fill_citations(fl.hint)),
                input,
                checked: v.check(fl.name),
                options: match fl.ty {
                    Ty::Sel(c) => c.iter().map(|(k, l)| Opt::new(*k, *l, &value)).collect(),
                    _ => vec![],
                },
                value,
                placeholder,
            }
        })
        .collect()
}

/// A small follow-up form on a row of the list.
pub struct ActionView {
    pub url: String,
    pub label: String,
    pub button: String,
    pub fields: Vec<FieldView>,
    pub hidden: Vec<(String, String)>,
}

pub struct RowView {
    pub id: Pid,
    pub cells: Vec<String>,
    pub actions: Vec<ActionView>,
    pub links: Vec<(String, String)>,
}

pub struct Refusal {
    pub code: String,
    pub message: String,
    /// What to do instead (`bmnn_core::error::next_step`).
    pub next: String,
}

impl Refusal {
    fn of(e: &CoreError) -> Refusal {
        let mut message = e.message_vi();
        if let CoreError::Invalid { field, .. } = e {
            message = format!("{message} (trường: {field})");
        }
        Refusal {
            code: e.code().to_string(),
            message,
            next: bmnn_core::error::next_step(e.code())
                .unwrap_or_default()
                .to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "programme.html")]
pub struct ProgrammePage {
    pub l: L,
    pub kind: String,
    pub label: String,
    pub intro: String,
    pub year: String,
    pub year_opts: Vec<Opt>,
    pub kinds: Vec<Opt>,
    pub headers: Vec<&'static str>,
    pub rows: Vec<RowView>,
    pub fields: Vec<FieldView>,
    pub error: Option<Refusal>,
    pub can_edit: bool,
}

fn kind_tabs(current: &str) -> Vec<Opt> {
    prog::KINDS
        .iter()
        .map(|k| Opt::new(k.code(), k.label(), current))
        .collect()
}

fn year_opts(current: &str) -> Vec<Opt> {
    let this = today_vn().year();
    let mut v: Vec<Opt> = (this - 6..=this)
        .rev()
        .map(|y| Opt::new(y.to_string(), y.to_string(), current))
        .collect();
    v.push(Opt::new("all", "Tất cả các năm", current));
    v
}

fn s(v: &Value, k: &str) -> String {
    match &v[k] {
        Value::String(x) => x.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// An ISO date of the JSON as dd/mm/yyyy.
fn dt(v: &Value, k: &str) -> String {
    v[k].as_str()
        .and_then(bmnn_core::dates::parse_date)
        .map(bmnn_core::dates::fmt_vn)
        .unwrap_or_default()
}

fn label(c: Choices, code: &str) -> String {
    c.iter()
        .find(|(k, _)| *k == code)
        .map(|(_, l)| l.to_string())
        .unwrap_or_else(|| code.to_string())
}

fn date_field(name: &'static str, label: &'static str) -> F {
    f(name, label, "dd/mm/yyyy; để trống là hôm nay.", Ty::OptDate)
}

fn action(kind: &str, id: Id, act: &str, label: &str, button: &str, fields: &[F]) -> ActionView {
    ActionView {
        url: format!("/programme/{kind}/{}/{act}", Pid(id)),
        label: label.to_string(),
        button: button.to_string(),
        fields: views(
            &format!("{act}-{}", Pid(id)),
            fields,
            &Vals::default(),
            None,
        ),
        hidden: vec![],
    }
}

/// Headers and rows of the list of a kind (from the records' JSON).
fn table(
    kind: RecordKind,
    list: &Value,
    can_edit: bool,
    leader: bool,
) -> (Vec<&'static str>, Vec<RowView>) {
    let code = kind.code();
    let mut rows = Vec::new();
    let headers: Vec<&'static str> = match kind {
        RecordKind::Staff => vec![
            "Họ và tên",
            "Chức vụ",
            "Chế độ",
            "Quyết định",
            "Thôi phân công",
        ],
        RecordKind::Commitment => vec!["Người cam kết", "Dịp", "Ngày ký", "Số, nơi lưu"],
        RecordKind::Training => vec![
            "Ngày",
            "Hình thức",
            "Đơn vị tổ chức",
            "Đối tượng",
            "Số người",
        ],
        RecordKind::Directive => vec![
            "Ngày",
            "Ban hành / nhận",
            "Loại",
            "Số, ký hiệu",
            "Cơ quan",
            "Tên văn bản",
        ],
        RecordKind::Device => vec![
            "Số hiệu",
            "Loại",
            "Dùng cho BMNN từ",
            "Kiểm tra an ninh",
            "Tình trạng",
            "Xóa BMNN",
            "Cảnh báo",
        ],
        RecordKind::Equipment => vec!["Đơn vị", "Tính đến", "Con dấu", "Sổ"],
        RecordKind::Meeting => vec![
            "Ngày",
            "Cuộc họp",
            "Độ mật",
            "Địa điểm",
            "Tài liệu phát / thu hồi",
        ],
        RecordKind::Inspection => vec![
            "Ngày",
            "Hình thức",
            "Đoàn kiểm tra",
            "Đơn vị",
            "Phát hiện",
            "Khắc phục",
        ],
        RecordKind::Incident => vec![
            "Phát hiện",
            "Lộ / mất",
            "Kênh",
            "Nơi xảy ra",
            "Số tài liệu",
            "Báo cáo đột xuất",
        ],
        RecordKind::LegacyReview => vec!["Ngày", "Đơn vị", "Rà soát", "Gia hạn", "Giải mật"],
        RecordKind::Plan => vec![
            "Năm",
            "Số, ký hiệu",
            "Ban hành",
            "Nhiệm vụ",
            "Đơn vị cấp dưới: kế hoạch, báo cáo nhận được",
        ],
        _ => vec![],
    };
    for st in list.as_array().into_iter().flatten() {
        let id = st["id"].as_i64().unwrap_or(0);
        let r = &st["record"];
        let mut actions = Vec::new();
        let mut links = Vec::new();
        let cells = match kind {
            RecordKind::Staff => {
                if can_edit && r["ended_on"].is_null() {
                    actions.push(action(
                        code,
                        id,
                        "end",
                        "Thôi phân công (phải bàn giao, ký cam kết)",
                        "Ghi nhận thôi phân công",
                        &[
                            date_field("date", "Ngày thôi"),
                            f("reason", "Lý do", "", Ty::Sel(LEAVING)),
                        ],
                    ));
                }
                vec![
                    s(r, "person"),
                    s(r, "position"),
                    label(STAFF_MODE, &s(r, "mode")),
                    format!("{} ngày {}", s(r, "decision_ref"), dt(r, "decision_date")),
                    match r["ended_on"].as_str() {
                        Some(_) => format!(
                            "{} ({})",
                            dt(r, "ended_on"),
                            label(LEAVING, &s(r, "end_reason"))
                        ),
                        None => String::new(),
                    },
                ]
            }
            RecordKind::Commitment => {
                links.push((
                    format!("/programme/commitment/{}/docx", Pid(id)),
                    "In bản cam kết (DOCX)".to_string(),
                ));
                vec![
                    s(r, "person"),
                    label(OCCASION, &s(r, "occasion")),
                    dt(r, "signed_on"),
                    s(r, "reference"),
                ]
            }
            RecordKind::Training => vec![
                dt(r, "date"),
                label(TRAINING, &s(r, "kind")),
                s(r, "organiser"),
                s(r, "audience"),
                s(r, "participants"),
            ],
            RecordKind::Directive => vec![
                dt(r, "date"),
                label(DIRECTION, &s(r, "direction")),
                label(DIRECTIVE, &s(r, "kind")),
                s(r, "number_symbol"),
                s(r, "issuer"),
                s(r, "title"),
            ],
            RecordKind::Device => {
                let wipes = r["wipes"].as_array().cloned().unwrap_or_default();
                if !wipes.is_empty() {
                    links.push((
                        format!("/programme/device/{}/docx", Pid(id)),
                        "In biên bản xóa BMNN (DOCX)".to_string(),
                    ));
                }
                if can_edit && s(r, "status") == "in-use" {
                    actions.push(action(
                        code,
                        id,
                        "wipe",
                        "Xóa BMNN khỏi thiết bị (lập biên bản)",
                        "Ghi nhận đã xóa",
                        &[
                            date_field("date", "Ngày xóa"),
                            f(
                                "method",
                                "Phương pháp xóa",
                                "Ví dụ: ghi đè nhiều lần, hủy vật lý.",
                                Ty::Text,
                            ),
                            f("by", "Người thực hiện", "", Ty::Text),
                            f("minutes_ref", "Số biên bản", "", Ty::Opt),
                        ],
                    ));
                    actions.push(action(
                        code,
                        id,
                        "repurpose",
                        "Chuyển mục đích sử dụng — chỉ sau khi đã xóa BMNN",
                        "Chuyển mục đích",
                        &[
                            date_field("date", "Ngày chuyển"),
                            f("new_use", "Mục đích sử dụng mới", "", Ty::Text),
                        ],
                    ));
                    actions.push(action(
                        code,
                        id,
                        "dispose",
                        "Thanh lý — chỉ sau khi đã xóa BMNN",
                        "Thanh lý",
                        &[
                            date_field("date", "Ngày thanh lý"),
                            f(
                                "reference",
                                "Số quyết định, biên bản thanh lý",
                                "",
                                Ty::Text,
                            ),
                        ],
                    ));
                }
                vec![
                    s(r, "identity"),
                    label(DEVICE, &s(r, "kind")),
                    dt(r, "in_use_from"),
                    format!("{} {}", dt(r, "inspected_on"), s(r, "stamp_ref"))
                        .trim()
                        .to_string(),
                    label(DEVICE_STATUS, &s(r, "status")),
                    wipes
                        .iter()
                        .map(|w| format!("{} ({})", dt(w, "date"), s(w, "by")))
                        .collect::<Vec<_>>()
                        .join("; "),
                    s(r, "warning"),
                ]
            }
            RecordKind::Equipment => vec![
                s(r, "unit"),
                dt(r, "as_of"),
                s(r, "stamps"),
                s(r, "registers"),
            ],
            RecordKind::Meeting => vec![
                dt(r, "date"),
                s(r, "name"),
                label(LEVEL, &s(r, "level")),
                s(r, "venue"),
                format!(
                    "{} / {}",
                    s(r, "documents_issued"),
                    s(r, "documents_returned")
                ),
            ],
            RecordKind::Inspection => {
                let remedies = r["remedies"].as_array().cloned().unwrap_or_default();
                for (i, m) in remedies.iter().enumerate() {
                    if can_edit && m["done_on"].is_null() {
                        let mut a = action(
                            code,
                            id,
                            "remedy-done",
                            &format!("Đã khắc phục: {} ({})", s(m, "text"), s(m, "unit")),
                            "Ghi nhận đã khắc phục",
                            &[date_field("date", "Ngày khắc phục")],
                        );
                        a.hidden.push(("remedy".into(), i.to_string()));
                        actions.push(a);
                    }
                }
                vec![
                    dt(r, "date"),
                    label(INSPECTION, &s(r, "kind")),
                    s(r, "inspector"),
                    r["units"]
                        .as_array()
                        .map(|u| {
                            u.iter()
                                .filter_map(|x| x.as_str())
                                .collect::<Vec<_>>()
                                .join("; ")
                        })
                        .unwrap_or_default(),
                    r["findings"]
                        .as_array()
                        .map(|u| {
                            u.iter()
                                .filter_map(|x| x.as_str())
                                .collect::<Vec<_>>()
                                .join("; ")
                        })
                        .unwrap_or_default(),
                    remedies
                        .iter()
                        .map(|m| {
                            format!(
                                "{} — {} — hạn {}{}",
                                s(m, "text"),
                                s(m, "unit"),
                                dt(m, "deadline"),
                                if m["done_on"].is_null() {
                                    String::new()
                                } else {
                                    format!(", xong {}", dt(m, "done_on"))
                                }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            }
            RecordKind::Incident => {
                if can_edit && r["adhoc_report"].is_null() {
                    actions.push(action(
                        code,
                        id,
                        "reported",
                        "Báo cáo đột xuất đã gửi",
                        "Ghi nhận đã gửi",
                        &[
                            date_field("date", "Ngày gửi"),
                            f("reference", "Số, ký hiệu báo cáo", "", Ty::Text),
                            f("to", "Nơi nhận", "Ví dụ: Công an tỉnh (PA03).", Ty::Text),
                        ],
                    ));
                }
                links.push((
                    format!(
                        "/programme/reports?kind=incident&year={}&incident={}",
                        s(r, "discovered_on").get(..4).unwrap_or(""),
                        Pid(id)
                    ),
                    "Báo cáo đột xuất".to_string(),
                ));
                vec![
                    dt(r, "discovered_on"),
                    label(INCIDENT, &s(r, "kind")),
                    label(CHANNEL, &s(r, "channel")),
                    s(r, "place"),
                    r["documents"]
                        .as_array()
                        .map(|x| x.len())
                        .unwrap_or(0)
                        .to_string(),
                    match &r["adhoc_report"] {
                        Value::Null => "Chưa gửi".to_string(),
                        x => format!("{} ngày {}", s(x, "reference"), dt(x, "date")),
                    },
                ]
            }
            RecordKind::LegacyReview => vec![
                dt(r, "date"),
                s(r, "unit"),
                s(r, "reviewed"),
                s(r, "extended"),
                s(r, "declassified"),
            ],
            RecordKind::Plan => {
                let tasks = r["tasks"].as_array().cloned().unwrap_or_default();
                for (i, t) in tasks.iter().enumerate() {
                    // The plan's tasks are marked done by the security officer or a leader.
                    if (can_edit || leader) && t["done_on"].is_null() {
                        let mut a = action(
                            code,
                            id,
                            "task-done",
                            &format!("Hoàn thành: {} ({})", s(t, "text"), s(t, "unit")),
                            "Ghi nhận hoàn thành",
                            &[date_field("date", "Ngày hoàn thành")],
                        );
                        a.hidden.push(("task".into(), i.to_string()));
                        actions.push(a);
                    }
                }
                let subs = r["subordinates"].as_array().cloned().unwrap_or_default();
                let plan_due = dt(r, "subordinate_plan_due");
                for (i, u) in subs.iter().enumerate() {
                    if can_edit
                        && (u["plan_received_on"].is_null() || u["report_received_on"].is_null())
                    {
                        let mut a = action(
                            code,
                            id,
                            "received",
                            &format!("{}: ghi nhận đã nhận kế hoạch / báo cáo", s(u, "unit")),
                            "Ghi nhận đã nhận",
                            &[
                                f("what", "Văn bản nhận được", "", Ty::Sel(RECEIVED)),
                                date_field("date", "Ngày nhận"),
                            ],
                        );
                        a.hidden.push(("sub".into(), i.to_string()));
                        actions.push(a);
                    }
                }
                let sub_cell = subs
                    .iter()
                    .map(|u| {
                        let plan = match u["plan_received_on"].as_str() {
                            Some(_) => format!("kế hoạch nhận {}", dt(u, "plan_received_on")),
                            None if plan_due.is_empty() => "chưa gửi kế hoạch".to_string(),
                            None => format!("chưa gửi kế hoạch (hạn {plan_due})"),
                        };
                        let report = match u["report_received_on"].as_str() {
                            Some(_) => format!("báo cáo nhận {}", dt(u, "report_received_on")),
                            None => "chưa gửi báo cáo".to_string(),
                        };
                        format!("{}: {plan}, {report}", s(u, "unit"))
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                vec![
                    s(r, "year"),
                    s(r, "number_symbol"),
                    dt(r, "issued_on"),
                    tasks
                        .iter()
                        .map(|t| {
                            format!(
                                "{} — {} — hạn {}{}",
                                s(t, "text"),
                                s(t, "unit"),
                                dt(t, "deadline"),
                                if t["done_on"].is_null() {
                                    String::new()
                                } else {
                                    format!(", xong {}", dt(t, "done_on"))
                                }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    sub_cell,
                ]
            }
            _ => vec![],
        };
        rows.push(RowView {
            id: Pid(id),
            cells,
            actions,
            links,
        });
    }
    (headers, rows)
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
    ok: Option<String>,
}

fn year_range(year: &str) -> (Option<time::Date>, Option<time::Date>) {
    match year.parse::<i32>() {
        Ok(y) if (1900..=2199).contains(&y) => (
            time::Date::from_calendar_date(y, time::Month::January, 1).ok(),
            time::Date::from_calendar_date(y, time::Month::December, 31).ok(),
        ),
        _ => (None, None),
    }
}

async fn records_page<S: Store>(
    st: &AppState<S>,
    me: &Me,
    kind: RecordKind,
    year: String,
    form: Vals,
    error: Option<CoreError>,
    ok: Option<&str>,
) -> Response {
    let ctx = ctx_for(me.user.id);
    let (from, to) = year_range(&year);
    let list = match st
        .run(move |svc| prog::list(svc, &ctx, kind, from, to))
        .await
    {
        Ok(l) => l,
        // A refused write by someone who may not even read the records: the refusal itself.
        Err(e) => return error_page(me, &WebError(error.unwrap_or(e.0))),
    };
    let can_edit = me.user.has(bmnn_core::model::Role::SecurityOfficer)
        || me.user.has(bmnn_core::model::Role::Admin);
    let (intro, fields) = spec(kind);
    // Hints cite the regime in force today (the day the form is filled in).
    let regime = st.svc.rules.regime_for_or_first(today_vn());
    let leader = me.user.has(bmnn_core::model::Role::Leader);
    let (headers, rows) = table(kind, &list, can_edit, leader);
    let status = error
        .as_ref()
        .map(|e| WebError(e.clone()).status())
        .unwrap_or(StatusCode::OK);
    let page = ProgrammePage {
        l: L::new(me, "programme", kind.label()).with_flash(ok),
        kind: kind.code().to_string(),
        label: kind.label().to_string(),
        intro: regime.fill_citations(intro),
        year_opts: year_opts(&year),
        year,
        kinds: kind_tabs(kind.code()),
        headers,
        rows,
        fields: views("f", &fields, &form, Some(regime)),
        error: error.as_ref().map(Refusal::of),
        can_edit,
    };
    render_status(status, &page)
}

fn this_year() -> String {
    today_vn().year().to_string()
}

fn see_other(to: &str) -> Response {
    let mut r = Redirect::to(to).into_response();
    *r.status_mut() = StatusCode::SEE_OTHER;
    r
}

fn not_found(me: &Me) -> Response {
    error_page(me, &WebError(CoreError::NotFound("loại hồ sơ")))
}

/// GET /programme/{kind}?year=
pub async fn page<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(kind): Path<String>,
    Query(q): Query<YearQuery>,
) -> Response {
    let Some(kind) = prog::kind_of(&kind) else {
        return not_found(&me);
    };
    let year = q.year.unwrap_or_else(this_year);
    records_page(&st, &me, kind, year, Vals::default(), None, q.ok.as_deref()).await
}

/// POST /programme/{kind}: add a record.
pub async fn add<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(kind): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Some(kind) = prog::kind_of(&kind) else {
        return not_found(&me);
    };
    let v = Vals::from_pairs(pairs(&body));
    let (_, fields) = spec(kind);
    let mut record = match build(&fields, &v) {
        Ok(r) => r,
        Err(e) => return records_page(&st, &me, kind, this_year(), v, Some(e), None).await,
    };
    if kind == RecordKind::Device {
        record.insert("status".into(), json!("in-use"));
    }
    let key_date = [
        "date",
        "decision_date",
        "signed_on",
        "in_use_from",
        "as_of",
        "discovered_on",
        "issued_on",
    ]
    .iter()
    .find_map(|k| {
        record
            .get(*k)
            .and_then(|x| x.as_str())
            .map(|x| x[..4].to_string())
    })
    .unwrap_or_else(this_year);
    let ctx = ctx_for(me.user.id);
    let cmd = json!({"unit_id": null, "record": Value::Object(record)});
    match st.run(move |svc| prog::add(svc, &ctx, kind, cmd)).await {
        Ok(_) => see_other(&format!(
            "/programme/{}?year={key_date}&ok=saved",
            kind.code()
        )),
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => records_page(&st, &me, kind, this_year(), v, Some(e.0), None).await,
    }
}

/// POST /programme/{kind}/{id}/{act}: a follow-up act on a record.
pub async fn act<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path((kind, crate::pubid::Pid(id), act)): Path<(String, crate::pubid::Pid, String)>,
    body: axum::body::Bytes,
) -> Response {
    let Some(kind) = prog::kind_of(&kind) else {
        return not_found(&me);
    };
    let v = Vals::from_pairs(pairs(&body));
    let today = today_vn();
    let date =
        |k: &str| -> Result<String, CoreError> { Ok(format!("{}", v.date(k)?.unwrap_or(today))) };
    let idx = |k: &str| -> Result<u64, CoreError> {
        v.text(k)
            .parse::<u64>()
            .map_err(|_| CoreError::invalid(k, "giá trị không hợp lệ"))
    };
    let built: Result<(&str, Value), CoreError> = (|| {
        Ok(match (kind, act.as_str()) {
            (RecordKind::Device, "wipe") => (
                "wipe",
                json!({"device_id": id, "wipe": {"date": date("date")?, "method": v.text("method"), "by": v.text("by"), "minutes_ref": v.opt("minutes_ref")}}),
            ),
            (RecordKind::Device, "repurpose") => (
                "repurpose",
                json!({"device_id": id, "date": date("date")?, "new_use": v.text("new_use")}),
            ),
            (RecordKind::Device, "dispose") => (
                "dispose",
                json!({"device_id": id, "date": date("date")?, "reference": v.text("reference")}),
            ),
            (RecordKind::Staff, "end") => (
                "end",
                json!({"staff_id": id, "date": date("date")?, "reason": v.text("reason")}),
            ),
            (RecordKind::Inspection, "remedy-done") => (
                "remedy-done",
                json!({"inspection_id": id, "remedy": idx("remedy")?, "date": date("date")?}),
            ),
            (RecordKind::Plan, "task-done") => (
                "task-done",
                json!({"plan_id": id, "task": idx("task")?, "date": date("date")?}),
            ),
            (RecordKind::Plan, "received") => (
                "received",
                json!({"plan_id": id, "sub": idx("sub")?, "what": v.text("what"), "date": date("date")?}),
            ),
            (RecordKind::Incident, "reported") => (
                "reported",
                json!({"incident_id": id, "report": {"date": date("date")?, "reference": v.text("reference"), "to": v.text("to")}}),
            ),
            _ => return Err(CoreError::NotFound("thao tác")),
        })
    })();
    let (act, cmd) = match built {
        Ok(x) => x,
        Err(e) => {
            return records_page(&st, &me, kind, "all".into(), Vals::default(), Some(e), None)
                .await;
        }
    };
    let ctx = ctx_for(me.user.id);
    let res = st
        .run(move |svc| -> Result<(), CoreError> {
            match act {
                "wipe" => svc.record_wipe(&ctx, prog::parse_cmd(cmd)?).map(drop),
                "repurpose" => svc.repurpose_device(&ctx, prog::parse_cmd(cmd)?).map(drop),
                "dispose" => svc.dispose_device(&ctx, prog::parse_cmd(cmd)?).map(drop),
                "end" => svc.end_assignment(&ctx, prog::parse_cmd(cmd)?).map(drop),
                "remedy-done" => svc.remedy_done(&ctx, prog::parse_cmd(cmd)?).map(drop),
                "task-done" => svc.task_done(&ctx, prog::parse_cmd(cmd)?).map(drop),
                "received" => subordinate_received(svc, &ctx, cmd),
                _ => svc.incident_reported(&ctx, prog::parse_cmd(cmd)?).map(drop),
            }
        })
        .await;
    match res {
        Ok(()) => see_other(&format!("/programme/{}?year=all&ok=saved", kind.code())),
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => {
            records_page(
                &st,
                &me,
                kind,
                "all".into(),
                Vals::default(),
                Some(e.0),
                None,
            )
            .await
        }
    }
}

/// At a steering level: a subordinate unit's plan or report arrived on a date. Recorded as a
/// change of the plan record (`update_record`, same role check and audit as any change).
fn subordinate_received<S: Store>(
    svc: &bmnn_core::service::Service<S>,
    ctx: &bmnn_core::service::Ctx,
    cmd: Value,
) -> Result<(), CoreError> {
    let id = cmd["plan_id"].as_i64().unwrap_or(0);
    let i = cmd["sub"].as_u64().unwrap_or(u64::MAX) as usize;
    let date = cmd["date"]
        .as_str()
        .and_then(bmnn_core::dates::parse_date)
        .ok_or_else(|| CoreError::invalid("date", "ngày không hợp lệ"))?;
    let mut p = svc.get_record::<bmnn_core::programme::AnnualPlan>(ctx, id)?;
    let u = p
        .record
        .subordinates
        .get_mut(i)
        .ok_or(CoreError::NotFound("đơn vị cấp dưới"))?;
    match cmd["what"].as_str() {
        Some("plan") => u.plan_received_on = Some(date),
        Some("report") => u.report_received_on = Some(date),
        _ => return Err(CoreError::invalid("what", "hãy chọn kế hoạch hoặc báo cáo")),
    }
    svc.update_record(
        ctx,
        id,
        bmnn_core::service::RecordCmd {
            unit_id: p.unit_id,
            record: p.record,
        },
    )
    .map(drop)
}

fn docx_download(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, prog::DOCX_TYPE.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// GET /programme/{kind}/{id}/docx: the printed commitment form, or the minutes of the
/// device's latest wipe.
pub async fn form_docx<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path((kind, crate::pubid::Pid(id))): Path<(String, crate::pubid::Pid)>,
) -> Response {
    let ctx = ctx_for(me.user.id);
    let kind2 = kind.clone();
    let res = call(&st, &me, move |svc| {
        let agency = svc.org(&ctx)?.agency.unwrap_or(bmnn_core::model::Agency {
            name: "Cơ quan chưa đặt tên".into(),
            superior: None,
            place: "Hà Nội".into(),
            symbol: "CQ".into(),
        });
        let (form, date, name) = match kind2.as_str() {
            "commitment" => {
                let c = svc.get_record::<Commitment>(&ctx, id)?;
                let position = match c.record.staff_id {
                    Some(s) => Some(svc.get_record::<StaffAssignment>(&ctx, s)?.record.position),
                    None => None,
                };
                (
                    bmnn_core::programme::forms::commitment_form(
                        &c.record,
                        position.as_deref(),
                        &agency.symbol,
                        svc.rules.regime_for_or_first(c.record.signed_on),
                    ),
                    c.record.signed_on,
                    format!("cam-ket-{id}.docx"),
                )
            }
            "device" => {
                let dv = svc.get_record::<Device>(&ctx, id)?;
                let w = dv
                    .record
                    .wipes
                    .iter()
                    .max_by_key(|w| w.date)
                    .cloned()
                    .ok_or(CoreError::NotFound("biên bản xóa BMNN"))?;
                (
                    bmnn_core::programme::forms::wipe_form(
                        &dv.record,
                        &w,
                        &agency.name,
                        &agency.symbol,
                        svc.rules.regime_for_or_first(w.date),
                    ),
                    w.date,
                    format!("bien-ban-xoa-{id}.docx"),
                )
            }
            _ => return Err(CoreError::NotFound("mẫu in")),
        };
        Ok((prog::docx(&prog::form_doc(&form, &agency, date))?, name))
    })
    .await;
    match res {
        Ok((bytes, name)) => docx_download(bytes, &name),
        Err(r) => r,
    }
}

// ---- Reports -----------------------------------------------------------------------------

pub struct SectionView {
    pub code: String,
    pub heading: String,
    pub facts: Vec<String>,
    pub tables: Vec<bmnn_core::programme::reports::Table>,
    pub narrative: String,
}

pub struct UnitView {
    pub unit: String,
    pub received: String,
    pub on_time: &'static str,
}

#[derive(Template)]
#[template(path = "programme_reports.html")]
pub struct ReportsPage {
    pub l: L,
    pub kind: String,
    pub year: String,
    pub incident: String,
    pub kind_opts: Vec<Opt>,
    pub has_model: bool,
    pub title: String,
    pub period: String,
    pub due: String,
    pub regime: String,
    pub confirmed: bool,
    pub notes: Vec<String>,
    pub sections: Vec<SectionView>,
    pub units: Vec<UnitView>,
    pub from_previous_year: bool,
    pub number: String,
    pub recipients: String,
    pub signer_authority: String,
    pub signer_position: String,
    pub signer_name: String,
    pub keys: Vec<(String, String, String)>,
    pub query: String,
    pub can_bundle: bool,
    pub can_keep: bool,
    pub error: Option<Refusal>,
}

#[derive(Deserialize, Default)]
pub struct ReportQ {
    kind: Option<String>,
    year: Option<String>,
    incident: Option<String>,
    ok: Option<String>,
}

struct ReportData {
    model: Result<ReportModel, CoreError>,
    offer: Option<DraftOffer>,
    keys: Vec<bmnn_core::programme::Stored<UnitKey>>,
}

async fn reports_page<S: Store>(
    st: &AppState<S>,
    me: &Me,
    q: ReportQ,
    error: Option<CoreError>,
) -> Response {
    let kind = q
        .kind
        .as_deref()
        .and_then(prog::report_kind)
        .unwrap_or(ReportKind::Annual);
    let year = q
        .year
        .as_deref()
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| (2000..=2199).contains(y))
        .unwrap_or_else(|| today_vn().year());
    let incident = q
        .incident
        .as_deref()
        .filter(|i| !i.trim().is_empty())
        .map(|i| crate::pubid::decode(i.trim()));
    let ctx = ctx_for(me.user.id);
    let can_keep = me.user.has(bmnn_core::model::Role::SecurityOfficer)
        || me.user.has(bmnn_core::model::Role::Admin);
    let data = st
        .run(move |svc| {
            let query = ReportQuery {
                kind,
                year,
                incident_id: incident,
            };
            let model = svc.report(&ctx, query);
            if let Err(e @ (CoreError::Forbidden(_) | CoreError::Unauthenticated)) = &model {
                return Err(e.clone());
            }
            let offer = match &model {
                Ok(m) => Some(svc.report_draft(&ctx, kind, year, m.incident_id)?),
                Err(_) => None,
            };
            let keys = if can_keep {
                svc.list_records::<UnitKey>(&ctx, None, None)?
            } else {
                vec![]
            };
            Ok(ReportData { model, offer, keys })
        })
        .await;
    let data = match data {
        Ok(d) => d,
        Err(e) => return error_page(me, &e),
    };
    let error = error.or_else(|| data.model.as_ref().err().cloned());
    let m = data.model.ok();
    let offer = data.offer.unwrap_or(DraftOffer {
        text: ReportDraftText::default(),
        from_previous_year: false,
        draft_id: None,
    });
    let t = &offer.text;
    let incident_id = m.as_ref().and_then(|m| m.incident_id).or(incident);
    let query = match incident_id {
        Some(i) => format!("?incident={i}"),
        None => String::new(),
    };
    let status = error
        .as_ref()
        .map(|e| WebError(e.clone()).status())
        .filter(|_| m.is_none() || error.is_some())
        .unwrap_or(StatusCode::OK);
    let page = ReportsPage {
        l: L::new(me, "programme", "Báo cáo công tác bảo vệ BMNN").with_flash(q.ok.as_deref()),
        kind: kind.code().to_string(),
        year: year.to_string(),
        incident: incident_id.map(|i| Pid(i).to_string()).unwrap_or_default(),
        kind_opts: vec![
            Opt::new("annual", "Báo cáo sơ kết 01 năm", kind.code()),
            Opt::new("five-year", "Báo cáo tổng kết 05 năm", kind.code()),
            Opt::new("incident", "Báo cáo đột xuất vụ lộ, mất BMNN", kind.code()),
        ],
        has_model: m.is_some(),
        title: m.as_ref().map(|m| m.title.clone()).unwrap_or_default(),
        period: m
            .as_ref()
            .map(|m| format!("{} – {}", d(Some(m.period.start)), d(Some(m.period.end))))
            .unwrap_or_default(),
        due: m.as_ref().map(|m| d(Some(m.due))).unwrap_or_default(),
        regime: m.as_ref().map(|m| m.regime.clone()).unwrap_or_default(),
        confirmed: m.as_ref().is_none_or(|m| m.confirmed),
        notes: m.as_ref().map(|m| m.notes.clone()).unwrap_or_default(),
        sections: m
            .as_ref()
            .map(|m| {
                m.sections
                    .iter()
                    .map(|s| SectionView {
                        code: s.code.clone(),
                        heading: s.heading.clone(),
                        facts: s.facts.clone(),
                        tables: s
                            .tables
                            .iter()
                            .filter(|t| !t.rows.is_empty())
                            .cloned()
                            .collect(),
                        narrative: t
                            .narrative
                            .get(&s.code)
                            .cloned()
                            .unwrap_or_else(|| s.narrative.clone()),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        units: m
            .as_ref()
            .map(|m| {
                m.units
                    .iter()
                    .map(|u| UnitView {
                        unit: u.unit.clone(),
                        received: d(u.received_on),
                        on_time: match (u.received_on, u.on_time) {
                            (None, _) => "Chưa gửi",
                            (Some(_), true) => "Đúng hạn",
                            (Some(_), false) => "Quá hạn",
                        },
                    })
                    .collect()
            })
            .unwrap_or_default(),
        from_previous_year: offer.from_previous_year,
        number: t.number.clone().unwrap_or_default(),
        recipients: t.recipients.join("\n"),
        signer_authority: t.signer_authority.clone().unwrap_or_default(),
        signer_position: t.signer_position.clone().unwrap_or_default(),
        signer_name: t.signer_name.clone().unwrap_or_default(),
        keys: data
            .keys
            .iter()
            .map(|k| {
                (
                    k.record.unit.clone(),
                    k.record.public_key.clone(),
                    if k.record.revoked {
                        "Đã thay".to_string()
                    } else {
                        format!("Đăng ký {}", d(Some(k.record.registered_on)))
                    },
                )
            })
            .collect(),
        query,
        can_bundle: kind != ReportKind::Incident,
        can_keep,
        error: error.as_ref().map(Refusal::of),
    };
    render_status(status, &page)
}

/// GET /programme/reports?kind=&year=&incident=
pub async fn reports<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Query(q): Query<ReportQ>,
) -> Response {
    reports_page(&st, &me, q, None).await
}

fn back(kind: &str, year: &str, incident: Option<String>, ok: &str) -> String {
    let mut u = format!("/programme/reports?kind={kind}&year={year}");
    if let Some(i) = incident {
        u.push_str(&format!("&incident={i}"));
    }
    u.push_str(&format!("&ok={ok}"));
    u
}

/// POST /programme/reports/draft: save the written parts.
pub async fn save_draft<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    body: axum::body::Bytes,
) -> Response {
    let v = Vals::from_pairs(pairs(&body));
    let q = ReportQ {
        kind: v.opt("kind"),
        year: v.opt("year"),
        incident: v.opt("incident"),
        ok: None,
    };
    let parsed: Result<SaveDraftCmd, CoreError> = (|| {
        let kind = prog::report_kind(&v.text("kind"))
            .ok_or_else(|| CoreError::invalid("kind", "hãy chọn loại báo cáo"))?;
        let year = v
            .text("year")
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2199).contains(y))
            .ok_or_else(|| CoreError::invalid("year", "năm không hợp lệ"))?;
        let narrative =
            v.0.iter()
                .filter_map(|(k, x)| {
                    k.strip_prefix("narrative.")
                        .filter(|_| !x.trim().is_empty())
                        .map(|c| (c.to_string(), x.replace("\r\n", "\n").trim().to_string()))
                })
                .collect();
        Ok(SaveDraftCmd {
            kind,
            year,
            incident_id: v.id("incident")?,
            text: ReportDraftText {
                narrative,
                number: v.opt("number"),
                recipients: v.lines("recipients"),
                archive: None,
                signer_authority: v.opt("signer_authority"),
                signer_position: v.opt("signer_position"),
                signer_name: v.opt("signer_name"),
            },
        })
    })();
    let c = match parsed {
        Ok(c) => c,
        Err(e) => return reports_page(&st, &me, q, Some(e)).await,
    };
    let ctx = ctx_for(me.user.id);
    match st.run(move |svc| svc.save_report_draft(&ctx, c)).await {
        Ok(_) => see_other(&back(
            &v.text("kind"),
            &v.text("year"),
            v.opt("incident"),
            "saved",
        )),
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => reports_page(&st, &me, q, Some(e.0)).await,
    }
}

/// POST /programme/reports/keys: register a subordinate unit's public key.
pub async fn register_key<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    body: axum::body::Bytes,
) -> Response {
    let v = Vals::from_pairs(pairs(&body));
    let q = ReportQ {
        kind: v.opt("kind"),
        year: v.opt("year"),
        ..Default::default()
    };
    let c = bmnn_core::service::RegisterKeyCmd {
        unit: v.text("unit"),
        public_key: v.text("public_key"),
    };
    let ctx = ctx_for(me.user.id);
    match st.run(move |svc| svc.register_unit_key(&ctx, c)).await {
        Ok(_) => see_other(&back(&v.text("kind"), &v.text("year"), None, "saved")),
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => reports_page(&st, &me, q, Some(e.0)).await,
    }
}

/// POST /programme/reports/bundles (multipart): `_csrf` first, then the bundle `file`.
pub async fn import_bundle<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    deferred: Option<axum::Extension<DeferredCsrf>>,
    mut mp: Multipart,
) -> Response {
    let parts = match read_multipart(deferred, &mut mp).await {
        Ok(p) => p,
        Err(FormError::Csrf) => return refused_csrf(),
        Err(FormError::TimedOut) => return refused_slow_upload(),
        Err(FormError::TooLarge) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "Tệp quá lớn.").into_response();
        }
        Err(FormError::Malformed) => {
            return (StatusCode::BAD_REQUEST, "Tệp tải lên không hợp lệ.").into_response();
        }
    };
    let mut file: Option<Vec<u8>> = None;
    let mut q = ReportQ::default();
    for p in parts {
        match p.name.as_str() {
            "file" => file = Some(p.bytes),
            "kind" => q.kind = String::from_utf8(p.bytes).ok(),
            "year" => q.year = String::from_utf8(p.bytes).ok(),
            _ => {}
        }
    }
    let Some(bytes) = file.filter(|f| !f.is_empty()) else {
        return reports_page(
            &st,
            &me,
            q,
            Some(CoreError::invalid("file", "hãy chọn tệp gói báo cáo")),
        )
        .await;
    };
    let ctx = ctx_for(me.user.id);
    match st.run(move |svc| svc.import_bundle(&ctx, &bytes)).await {
        Ok(_) => {
            let kind = q.kind.clone().unwrap_or_else(|| "annual".into());
            let year = q.year.clone().unwrap_or_else(this_year);
            see_other(&back(&kind, &year, None, "imported"))
        }
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => reports_page(&st, &me, q, Some(e.0)).await,
    }
}

#[derive(Deserialize)]
pub struct IncidentQ {
    incident: Option<Pid>,
}

/// GET /programme/reports/{kind}/{year}/{format}: docx, json, or the signed bundle.
pub async fn report_file<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path((kind, year, format)): Path<(String, i32, String)>,
    Query(iq): Query<IncidentQ>,
) -> Response {
    let Some(kind) = prog::report_kind(&kind) else {
        return not_found(&me);
    };
    let q = ReportQuery {
        kind,
        year,
        incident_id: iq.incident.map(Pid::id),
    };
    let ctx = ctx_for(me.user.id);
    let key = st.cfg.report_signing_key;
    let fmt = format.clone();
    let res = st
        .run(move |svc| match fmt.as_str() {
            "docx" => prog::docx(&prog::report_doc(&svc.report(&ctx, q)?)),
            "json" => serde_json::to_vec_pretty(&svc.report(&ctx, q)?)
                .map_err(|e| CoreError::Storage(e.to_string())),
            "bundle" => prog::export_bundle(svc, &ctx, key, q),
            _ => Err(CoreError::NotFound("định dạng")),
        })
        .await;
    match res {
        Ok(bytes) => {
            let (ctype, ext) = match format.as_str() {
                "docx" => (prog::DOCX_TYPE, "docx"),
                _ => ("application/json", "json"),
            };
            let prefix = if format == "bundle" {
                "goi-bao-cao"
            } else {
                "bao-cao"
            };
            (
                [
                    (header::CONTENT_TYPE, ctype.to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!(
                            "attachment; filename=\"{prefix}-{}-{year}.{ext}\"",
                            kind.code()
                        ),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => {
            // A refusal (e.g. no signing key) shows on the reports page, never an error page.
            let rq = ReportQ {
                kind: Some(kind.code().to_string()),
                year: Some(year.to_string()),
                incident: iq.incident.map(|i| i.to_string()),
                ok: None,
            };
            if matches!(e.0, CoreError::Forbidden(_)) {
                return error_page(&me, &e);
            }
            reports_page(&st, &me, rq, Some(e.0)).await
        }
    }
}
