//! The one error type of the domain, with stable codes and Vietnamese messages.
//!
//! Every user-facing error is produced here: the web pages, the JSON API and the CLI show
//! `message_vi()` and carry `code()` unchanged, so a code is a contract (documented in
//! `docs/api.md`). A refusal (`Refused`) is the law saying no; it always writes nothing,
//! because every service runs inside one transaction that a refusal rolls back.

use std::fmt;

/// A refusal by a rule of the law or of the system, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
    /// Legal basis of the rule that refused, when there is one.
    pub basis: Option<String>,
    /// Whether that basis is confirmed in the text itself (`false`: the regime marks the rule
    /// unconfirmed, and the answer says so).
    pub confirmed: bool,
    /// The citation still to be taken from the regime of the act's date (a check that does not
    /// know the regime names it; [`CoreError::cited`] resolves it).
    pub cite: Option<crate::rules::Cite>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreError {
    /// The law or a business rule refuses the act.
    Refused(Refusal),
    /// Bad input: `field` names the offending field.
    Invalid { field: String, message: String },
    /// Not found, or not visible to this user (the two are indistinguishable on purpose).
    NotFound(&'static str),
    /// The user's role does not allow this action.
    Forbidden(String),
    /// The object is not in a state that allows the act.
    Conflict(String),
    /// Not logged in / bad token.
    Unauthenticated,
    /// Storage failure (details logged by the store, never shown).
    Storage(String),
    /// The database does not answer (no connection within the pool's timeout, or the connection
    /// was lost): nothing was written; the same request succeeds once it answers again.
    Unavailable,
}

impl CoreError {
    pub fn refused(code: &'static str, message: impl Into<String>) -> CoreError {
        CoreError::Refused(Refusal {
            code,
            message: message.into(),
            basis: None,
            confirmed: true,
            cite: None,
        })
    }

    /// A refusal resting on a rule whose basis and confirmation come from the rules data (an
    /// authority rule, a regime section).
    pub fn refused_with(
        code: &'static str,
        message: impl Into<String>,
        basis: &str,
        confirmed: bool,
    ) -> CoreError {
        CoreError::Refused(Refusal {
            code,
            message: message.into(),
            basis: Some(basis.to_string()),
            confirmed,
            cite: None,
        })
    }

    /// A refusal citing `what` under `regime` (the regime of the act's date).
    pub fn refused_cite(
        code: &'static str,
        message: impl Into<String>,
        regime: &crate::rules::Regime,
        what: crate::rules::Cite,
    ) -> CoreError {
        let c = regime.cite(what);
        CoreError::refused_with(code, message, &c.basis, c.confirmed)
    }

    /// A refusal citing `what`, to be resolved against the regime of the act's date by the
    /// service ([`CoreError::cited`]).
    pub fn refused_rule(
        code: &'static str,
        message: impl Into<String>,
        what: crate::rules::Cite,
    ) -> CoreError {
        CoreError::Refused(Refusal {
            code,
            message: message.into(),
            basis: None,
            confirmed: true,
            cite: Some(what),
        })
    }

    /// Fills the citation of a refusal made without a regime from `regime`.
    pub fn cited(self, regime: &crate::rules::Regime) -> CoreError {
        match self {
            CoreError::Refused(mut r) if r.basis.is_none() => {
                if let Some(what) = r.cite.take() {
                    let c = regime.cite(what);
                    r.basis = Some(c.basis.clone());
                    r.confirmed = c.confirmed;
                }
                CoreError::Refused(r)
            }
            e => e,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> CoreError {
        CoreError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Refused(r) => r.code,
            CoreError::Invalid { .. } => "invalid_input",
            CoreError::NotFound(_) => "not_found",
            CoreError::Forbidden(_) => "forbidden",
            CoreError::Conflict(_) => "conflict",
            CoreError::Unauthenticated => "unauthenticated",
            CoreError::Storage(_) => "storage_error",
            CoreError::Unavailable => "database_unavailable",
        }
    }

    /// The message shown to the user, in Vietnamese, saying what to do.
    pub fn message_vi(&self) -> String {
        match self {
            CoreError::Refused(r) => match &r.basis {
                Some(b) if r.confirmed => format!("{} (Căn cứ: {b})", r.message),
                Some(b) => format!(
                    "{} (Căn cứ: {b} — quy định này chưa được xác nhận trong văn bản gốc)",
                    r.message
                ),
                None => r.message.clone(),
            },
            CoreError::Invalid { field, message } => {
                format!("Dữ liệu không hợp lệ ({field}): {message}")
            }
            CoreError::NotFound(what) => {
                format!("Không tìm thấy {what}, hoặc bạn không có quyền xem.")
            }
            CoreError::Forbidden(m) => format!("Bạn không có quyền thực hiện thao tác này: {m}"),
            CoreError::Conflict(m) => m.clone(),
            CoreError::Unauthenticated => {
                "Bạn cần đăng nhập (hoặc mã truy cập API không hợp lệ).".into()
            }
            CoreError::Storage(_) => {
                "Lỗi lưu trữ dữ liệu; thao tác chưa được ghi. Hãy thử lại hoặc báo quản trị viên."
                    .into()
            }
            CoreError::Unavailable => {
                "Cơ sở dữ liệu tạm thời không trả lời; thao tác chưa được ghi. Hãy thử lại sau ít phút; nếu vẫn không được, báo quản trị viên."
                    .into()
            }
        }
    }
}

/// What to do after a refusal, in Vietnamese: who may decide instead, or which document is
/// missing. Every refusal code has one (a test walks the codes in the sources).
pub fn next_step(code: &str) -> Option<&'static str> {
    Some(match code {
        "already_expired" => {
            "Tài liệu đã đương nhiên được giải mật khi hết thời hạn. Nếu thông tin vẫn cần bảo vệ, trình người có thẩm quyền xác định lại độ mật theo danh mục hiện hành."
        }
        "audit_head_mismatch" => {
            "Báo ngay cán bộ bảo vệ bí mật nhà nước; chạy bmnn audit verify để xem bản ghi bị mất, rồi khôi phục từ bản sao lưu gần nhất trước khi ghi tiếp."
        }
        "scan_busy" => {
            "Đợi ít phút rồi gửi lại tệp; nếu thường xuyên bận, quản trị viên có thể tăng số tiến trình kiểm tra (--scan-workers) trên máy chủ."
        }
        "scan_too_many" => {
            "Đợi các tệp đã gửi có kết quả (trang kiểm tra tệp) rồi gửi tiếp; gửi nhiều tệp một lúc bằng một tệp nén .zip."
        }
        "backup_refused" => {
            "Dùng một bản sao lưu do chính hệ thống của cơ quan tạo ra (cùng khóa dữ liệu), không bị sửa đổi; liên hệ quản trị viên nếu không còn bản nào."
        }
        "duplicate_number" => {
            "Kiểm tra lại số, ký hiệu trên văn bản: lấy số tiếp theo của hệ thống số văn bản mật trong năm (gợi ý trên biểu mẫu). Nếu mục sổ trước ghi nhầm, hủy bỏ mục đó (có ghi lý do) rồi vào sổ lại."
        }
        "clearance_too_low" => {
            "Chuyển cho người được phép tiếp cận bí mật nhà nước ở độ mật này, hoặc đề nghị người có thẩm quyền cho phép tiếp cận."
        }
        "login_failed" => {
            "Kiểm tra lại tên đăng nhập và mật khẩu; nếu quên mật khẩu, đề nghị quản trị viên đặt lại."
        }
        "account_locked" => {
            "Chờ hết thời gian tạm khóa rồi đăng nhập lại, hoặc liên hệ quản trị viên."
        }
        "user_inactive" => "Tài khoản đã bị khóa; liên hệ quản trị viên nếu cần mở lại.",
        "bundle_invalid" => {
            "Đề nghị đơn vị gửi lại gói báo cáo được xuất trực tiếp từ hệ thống, không mở hay sửa tệp."
        }
        "bundle_unknown_key" => {
            "Đăng ký khóa công khai của đơn vị cấp dưới (trang Báo cáo) rồi tiếp nhận lại gói."
        }
        "catalogue_basis_required" => {
            "Chọn mục danh mục bí mật nhà nước làm căn cứ; nếu thông tin không thuộc danh mục nào thì không được xác định là bí mật nhà nước."
        }
        "catalogue_item_removed" => "Chọn mục danh mục còn hiệu lực vào ngày xác định độ mật.",
        "commitment_required" => {
            "Bổ sung cam kết bảo vệ bí mật nhà nước của bên nhận vào văn bản đề nghị rồi gửi lại."
        }
        "copy_count_exceeded" => {
            "Muốn sao, chụp thêm, lập đề nghị sao, chụp mới để người có thẩm quyền cho phép."
        }
        "copy_not_allowed" => {
            "Tài liệu được xác định không được phép sao, chụp: chỉ người có thẩm quyền xác định độ mật mới thay đổi được điều này; hãy đề nghị người đó."
        }
        "council_required" => {
            "Thành lập Hội đồng (quyết định thành lập, thành phần, biên bản họp) rồi ghi lại các thông tin này."
        }
        "delegation_expired" => {
            "Đề nghị người đứng đầu ban hành văn bản ủy quyền mới còn hiệu lực, hoặc trình người đứng đầu quyết định."
        }
        "delegation_not_allowed" => {
            "Trình chính người đứng đầu có thẩm quyền quyết định; việc ủy quyền này không được phép."
        }
        "delegation_not_deputy" => {
            "Chỉ cấp phó được ủy quyền: trình người đứng đầu hoặc cấp phó được ủy quyền quyết định."
        }
        "delegation_scope" => {
            "Trình người có thẩm quyền đối với độ mật này, hoặc đề nghị văn bản ủy quyền bao gồm độ mật này."
        }
        "device_connected" => {
            "Dùng máy tính, thiết bị chưa từng kết nối Internet, mạng máy tính, mạng viễn thông cho bí mật nhà nước."
        }
        "device_not_wiped" => {
            "Xóa bí mật nhà nước trên thiết bị, lập biên bản xóa và ghi nhận, rồi mới chuyển mục đích sử dụng hoặc thanh lý."
        }
        "emergency_not_holder" => {
            "Người đang quản lý tài liệu quyết định tiêu hủy khẩn cấp; người khác lập đề nghị tiêu hủy thông thường."
        }
        "extension_too_late" => {
            "Đã quá hạn quyết định gia hạn: tài liệu sẽ đương nhiên được giải mật khi hết hạn; nếu thông tin vẫn cần bảo vệ, trình xác định lại độ mật."
        }
        "extension_too_long" => "Nhập số năm gia hạn không quá thời hạn bảo vệ của độ mật.",
        "external_decision_required" => {
            "Trình cấp có thẩm quyền ngoài cơ quan quyết định; khi có văn bản, người được cơ quan giao ghi nhận số, ngày, người ký và bản chụp văn bản."
        }
        "level_mismatch_catalogue" => {
            "Chọn độ mật đúng như mục danh mục, hoặc chọn mục danh mục khác phù hợp."
        }
        "meeting_devices" => "Ghi «không mang thiết bị thu, phát» cho cuộc họp Tối mật, Tuyệt mật.",
        "meeting_venue_check" => {
            "Đề nghị Công an kiểm tra an ninh địa điểm họp và ghi số văn bản kiểm tra."
        }
        "no_authority" => {
            "Trình người có thẩm quyền (theo gợi ý trong thông báo) hoặc người được ủy quyền hợp lệ quyết định."
        }
        "no_regime" => "Nhập ngày thực hiện từ 01/7/2020 trở đi.",
        "originator_only" => {
            "Đề nghị cơ quan ban hành quyết định và ghi số văn bản thông báo của cơ quan đó."
        }
        "recipient_clearance" => {
            "Chuyển giao cho người được phép tiếp cận bí mật nhà nước ở độ mật này."
        }
        "sealed_envelope" => {
            "Vào sổ theo ký hiệu ngoài bì, không ghi trích yếu, và chuyển ngay bì cho người có tên."
        }
        "sealed_named_recipient" => {
            "Chuyển bì cho đúng người có tên; chỉ khi người đó vắng mặt và bì có dấu «Hỏa tốc» mới chuyển lãnh đạo."
        }
        "tuyet_mat_field" => {
            "Kiểm tra lại mục danh mục làm căn cứ: độ Tuyệt mật chỉ được xác định trong các lĩnh vực nêu trong thông báo."
        }
        "tuyet_mat_summary_forbidden" => "Để trống trích yếu của tài liệu Tuyệt mật.",
        "approver_reset_console" => {
            "Người quản trị máy chủ đặt lại mật khẩu này bằng lệnh trên máy chủ, có mặt người phê duyệt."
        }
        "catalogue_removal_authority" => {
            "Trình người có thẩm quyền giải mật đối với mọi độ mật của các tài liệu căn cứ vào mục này ký quyết định, rồi ghi nhận quyết định đó."
        }
        "checkpoint_invalid" => {
            "Dùng tệp mốc nhật ký do hệ thống của cơ quan tạo và ký (bên cạnh bản sao lưu hoặc trong gói báo cáo), không sửa đổi."
        }
        "import_chain_broken" => {
            "Dùng bản xuất dữ liệu do chính hệ thống của cơ quan tạo, không bị sửa đổi; báo ngay cán bộ bảo vệ bí mật nhà nước vì nhật ký trong tệp đã bị sửa hoặc xóa bớt."
        }
        "import_columns_mismatch" => {
            "Dùng bản xuất dữ liệu do chính hệ thống của cơ quan tạo, không bị sửa đổi; một dòng có cột khóa khác với nội dung của nó là dấu hiệu tệp đã bị sửa."
        }
        "import_privileged_accounts" => {
            "Đối chiếu từng tài khoản có đặc quyền trong thông báo với danh sách của cơ quan; nếu đúng cả, chạy lại lệnh nhập với --accept-privileged, nếu có tài khoản lạ thì không nhập và báo ngay cán bộ bảo vệ bí mật nhà nước."
        }
        "import_invalid_record" => {
            "Sửa bản ghi ở hệ thống nguồn qua các chức năng của hệ thống rồi xuất lại, hoặc dùng một bản xuất đầy đủ khác không bị sửa đổi."
        }
        "import_log_incomplete" => {
            "Dùng bản xuất dữ liệu đầy đủ do hệ thống tạo; nếu nhật ký đã bị xóa bớt, báo ngay cán bộ bảo vệ bí mật nhà nước."
        }
        "incomplete_form" => "Tải lại trang, điền đủ các mục rồi gửi lại.",
        "login_throttled" => {
            "Chờ hết thời gian ghi trong thông báo rồi đăng nhập lại; nếu quên mật khẩu, đề nghị quản trị viên đặt lại."
        }
        "outside_unit" => {
            "Trình người đứng đầu đơn vị quản lý tài liệu hoặc lãnh đạo cơ quan quyết định."
        }
        "privilege_approver_only" => {
            "Đề nghị người đứng đầu cơ quan hoặc người được cơ quan giao phê duyệt thay đổi quyền."
        }
        "privilege_decided" => {
            "Thay đổi này đã được quyết định; nếu cần thay đổi khác, lập đề nghị mới."
        }
        "privilege_self_approval" => {
            "Đề nghị một người khác có thẩm quyền phê duyệt (người đứng đầu cơ quan hoặc người được giao)."
        }
        "unknown_choice" => "Chọn một giá trị trong danh sách của biểu mẫu rồi gửi lại.",
        "unknown_clearance" => {
            "Chọn độ mật được tiếp cận trong danh sách: không được tiếp cận, Mật, Tối mật hoặc Tuyệt mật."
        }
        "unknown_role" => "Chọn vai trò trong danh sách của biểu mẫu rồi gửi lại.",
        "bundle_figures" => {
            "Đề nghị đơn vị kiểm tra lại số liệu trong báo cáo rồi xuất và gửi lại gói báo cáo."
        }
        "bundle_future" => {
            "Kiểm tra đồng hồ của máy tính đơn vị gửi, rồi đề nghị đơn vị xuất lại gói báo cáo."
        }
        "bundle_outdated" => {
            "Giữ gói báo cáo mới hơn đã tiếp nhận; nếu gói này đúng là bản cuối, đề nghị đơn vị xuất lại gói báo cáo."
        }
        "bundle_year" => "Đề nghị đơn vị xuất lại gói báo cáo cho đúng năm báo cáo.",
        "plan_already_issued" => {
            "Mở kế hoạch đã ban hành trong trang Kế hoạch để theo dõi, sửa nhiệm vụ; nếu cần ban hành lại, hủy kế hoạch cũ (ghi rõ lý do) trước."
        }
        "record_cancelled" => {
            "Hồ sơ đã hủy chỉ còn để tra cứu; nếu việc vẫn cần ghi nhận, thêm một hồ sơ mới với nội dung đúng."
        }
        "record_unreadable" => {
            "Báo quản trị viên: khôi phục hồ sơ này từ bản sao lưu gần nhất, hoặc nhập lại hồ sơ đúng rồi hủy hồ sơ hỏng, sau đó lập lại báo cáo."
        }
        "report_overflow" => {
            "Kiểm tra lại số liệu của các đơn vị cấp dưới đã tiếp nhận; thay gói báo cáo có số liệu sai bằng gói đúng."
        }
        "wrong_password" => "Nhập đúng mật khẩu hiện tại; nếu quên, đề nghị quản trị viên đặt lại.",
        _ => return None,
    })
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message_vi())
    }
}

impl std::error::Error for CoreError {}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
