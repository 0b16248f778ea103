//! Thao tác nghiệp vụ (acts): the closed list of acts a person can take on the secret items,
//! requests, register entries and notices, each with its code (the one used in URLs), its
//! Vietnamese title, what it acts on and the confirmation shown when it is done.
//!
//! Every face (the pages, their act forms) dispatches on [`ActKind`] with exhaustive matches,
//! so a new act is a compile error everywhere it is not handled. Which acts are open to a
//! given person on a given object is computed by the services (`service::acts_open`) from the
//! same checks the acts themselves run.

use serde::{Deserialize, Serialize};

/// What an act works on (đối tượng của thao tác).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActOn {
    /// Creates a new item (đề xuất, tiếp nhận).
    Nothing,
    Item,
    Request,
    Entry,
    Notice,
}

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
    /// Every act, in the order the pages list them.
    pub const ALL: [ActKind; 21] = [
        ActKind::Propose,
        ActKind::DecideClassification,
        ActKind::RegisterOutgoing,
        ActKind::ReceiveIncoming,
        ActKind::HandOver,
        ActKind::Acknowledge,
        ActKind::RecallReturn,
        ActKind::CancelEntry,
        ActKind::RequestCopy,
        ActKind::RequestTakeOut,
        ActKind::RequestProvide,
        ActKind::RequestDestroy,
        ActKind::Decide,
        ActKind::ProduceCopies,
        ActKind::TakeOutReturn,
        ActKind::CompleteProvision,
        ActKind::RecordDestruction,
        ActKind::Extend,
        ActKind::Adjust,
        ActKind::Declassify,
        ActKind::NoticeDone,
    ];

    /// The code in URLs (`/acts/{code}`).
    pub fn code(self) -> &'static str {
        match self {
            ActKind::Propose => "propose",
            ActKind::DecideClassification => "decide-classification",
            ActKind::RegisterOutgoing => "register-outgoing",
            ActKind::ReceiveIncoming => "receive-incoming",
            ActKind::HandOver => "hand-over",
            ActKind::Acknowledge => "acknowledge",
            ActKind::RecallReturn => "recall-return",
            ActKind::CancelEntry => "cancel-entry",
            ActKind::RequestCopy => "request-copy",
            ActKind::RequestTakeOut => "request-take-out",
            ActKind::RequestProvide => "request-provide",
            ActKind::RequestDestroy => "request-destroy",
            ActKind::Decide => "decide",
            ActKind::ProduceCopies => "produce-copies",
            ActKind::TakeOutReturn => "take-out-return",
            ActKind::CompleteProvision => "complete-provision",
            ActKind::RecordDestruction => "record-destruction",
            ActKind::Extend => "extend",
            ActKind::Adjust => "adjust",
            ActKind::Declassify => "declassify",
            ActKind::NoticeDone => "notice-done",
        }
    }

    /// The act of a URL code; `None` for an unknown code (a 404).
    pub fn from_code(code: &str) -> Option<ActKind> {
        ActKind::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The form's title.
    pub fn title(self) -> &'static str {
        match self {
            ActKind::Propose => "Đề xuất xác định độ mật",
            ActKind::DecideClassification => "Quyết định xác định độ mật",
            ActKind::RegisterOutgoing => "Vào sổ đăng ký BMNN đi",
            ActKind::ReceiveIncoming => "Tiếp nhận, vào sổ đăng ký BMNN đến",
            ActKind::HandOver => "Chuyển giao tài liệu, vật chứa BMNN",
            ActKind::Acknowledge => "Ký nhận tài liệu, vật chứa BMNN",
            ActKind::RecallReturn => "Ghi nhận trả tài liệu thu hồi",
            ActKind::CancelEntry => "Hủy bỏ mục sổ ghi nhầm",
            ActKind::RequestCopy => "Đề nghị sao, chụp",
            ActKind::RequestTakeOut => "Đề nghị mang tài liệu, vật chứa BMNN ra khỏi nơi lưu giữ",
            ActKind::RequestProvide => "Đề nghị cung cấp, chuyển giao BMNN",
            ActKind::RequestDestroy => "Đề nghị tiêu hủy tài liệu, vật chứa BMNN",
            ActKind::Decide => "Quyết định cho phép hoặc từ chối",
            ActKind::ProduceCopies => "Thực hiện sao, chụp",
            ActKind::TakeOutReturn => "Ghi nhận trả tài liệu mang ra ngoài",
            ActKind::CompleteProvision => "Hoàn tất cung cấp, chuyển giao",
            ActKind::RecordDestruction => "Ghi nhận tiêu hủy",
            ActKind::Extend => "Gia hạn thời hạn bảo vệ",
            ActKind::Adjust => "Điều chỉnh độ mật",
            ActKind::Declassify => "Giải mật",
            ActKind::NoticeDone => "Ghi nhận đã gửi thông báo",
        }
    }

    /// The short label of the act's button on the object's page.
    pub fn button(self) -> &'static str {
        match self {
            ActKind::Propose => "Đề xuất độ mật",
            ActKind::DecideClassification => "Quyết định xác định độ mật",
            ActKind::RegisterOutgoing => "Vào sổ BMNN đi",
            ActKind::ReceiveIncoming => "Vào sổ BMNN đến",
            ActKind::HandOver => "Chuyển giao",
            ActKind::Acknowledge => "Ký nhận",
            ActKind::RecallReturn => "Ghi nhận trả tài liệu thu hồi",
            ActKind::CancelEntry => "Hủy bỏ mục",
            ActKind::RequestCopy => "Đề nghị sao, chụp",
            ActKind::RequestTakeOut => "Đề nghị mang ra ngoài",
            ActKind::RequestProvide => "Đề nghị cung cấp, chuyển giao",
            ActKind::RequestDestroy => "Đề nghị tiêu hủy",
            ActKind::Decide => "Quyết định",
            ActKind::ProduceCopies => "Thực hiện sao, chụp",
            ActKind::TakeOutReturn => "Ghi nhận trả tài liệu",
            ActKind::CompleteProvision => "Hoàn tất cung cấp, chuyển giao",
            ActKind::RecordDestruction => "Ghi nhận tiêu hủy",
            ActKind::Extend => "Gia hạn",
            ActKind::Adjust => "Điều chỉnh độ mật",
            ActKind::Declassify => "Giải mật",
            ActKind::NoticeDone => "Ghi nhận đã gửi",
        }
    }

    /// What the act works on.
    pub fn on(self) -> ActOn {
        match self {
            ActKind::Propose | ActKind::ReceiveIncoming => ActOn::Nothing,
            ActKind::DecideClassification
            | ActKind::RegisterOutgoing
            | ActKind::HandOver
            | ActKind::RecallReturn
            | ActKind::RequestCopy
            | ActKind::RequestTakeOut
            | ActKind::RequestProvide
            | ActKind::RequestDestroy
            | ActKind::Extend
            | ActKind::Adjust
            | ActKind::Declassify => ActOn::Item,
            ActKind::Decide
            | ActKind::ProduceCopies
            | ActKind::TakeOutReturn
            | ActKind::CompleteProvision
            | ActKind::RecordDestruction => ActOn::Request,
            ActKind::Acknowledge | ActKind::CancelEntry => ActOn::Entry,
            ActKind::NoticeDone => ActOn::Notice,
        }
    }

    /// The confirmation shown once the act is done.
    pub fn done(self) -> &'static str {
        match self {
            ActKind::Propose => "Đã gửi đề xuất độ mật; chờ người có thẩm quyền quyết định.",
            ActKind::DecideClassification => "Đã ghi quyết định xác định độ mật.",
            ActKind::RegisterOutgoing => "Đã vào sổ đăng ký BMNN đi.",
            ActKind::ReceiveIncoming => "Đã vào sổ đăng ký BMNN đến.",
            ActKind::HandOver => "Đã vào sổ chuyển giao; chờ người nhận ký nhận.",
            ActKind::Acknowledge => "Đã ký nhận.",
            ActKind::RecallReturn => "Đã ghi nhận trả tài liệu thu hồi.",
            ActKind::CancelEntry => "Đã hủy bỏ mục sổ (mục vẫn còn trong sổ, có ghi lý do).",
            ActKind::RequestCopy => "Đã gửi đề nghị sao, chụp; chờ người có thẩm quyền cho phép.",
            ActKind::RequestTakeOut => "Đã gửi đề nghị mang ra khỏi nơi lưu giữ.",
            ActKind::RequestProvide => "Đã gửi đề nghị cung cấp, chuyển giao.",
            ActKind::RequestDestroy => "Đã gửi đề nghị tiêu hủy.",
            ActKind::Decide => "Đã ghi quyết định.",
            ActKind::ProduceCopies => "Đã vào sổ quản lý sao, chụp.",
            ActKind::TakeOutReturn => "Đã ghi nhận trả tài liệu và báo cáo.",
            ActKind::CompleteProvision => "Đã ghi nhận cung cấp, chuyển giao.",
            ActKind::RecordDestruction => "Đã ghi nhận tiêu hủy.",
            ActKind::Extend => "Đã gia hạn thời hạn bảo vệ; thông báo phải gửi đã được lập.",
            ActKind::Adjust => "Đã điều chỉnh độ mật; thông báo phải gửi đã được lập.",
            ActKind::Declassify => "Đã giải mật; thông báo phải gửi đã được lập.",
            ActKind::NoticeDone => "Đã ghi nhận thông báo đã gửi.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for a in ActKind::ALL {
            assert_eq!(ActKind::from_code(a.code()), Some(a));
        }
        let mut codes: Vec<&str> = ActKind::ALL.iter().map(|a| a.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ActKind::ALL.len());
        assert_eq!(ActKind::from_code("unknown"), None);
    }
}
