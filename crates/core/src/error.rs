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
        }
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message_vi())
    }
}

impl std::error::Error for CoreError {}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
