//! The four registers (sổ): outgoing, incoming, handover, copies.
//!
//! Entries are append-only and numbered per register and per year from 1, with no gap and no
//! reuse; the store assigns the number inside the write transaction. A mistaken entry is
//! cancelled with a reason (and may be corrected by a new entry pointing at it), never deleted.
//! Each entry stores a superset of column values keyed like the templates' columns, so a year's
//! book renders under the template of that year's regime ([`book_regime`]).

use crate::dates::{fmt_vn, iso_date};
use crate::level::Level;
use crate::model::Id;
use crate::rules::{Regime, RuleSet, TuyetMatSummary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, PrimitiveDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RegisterKind {
    /// Sổ đăng ký bí mật nhà nước đi.
    Outgoing,
    /// Sổ đăng ký bí mật nhà nước đến.
    Incoming,
    /// Sổ chuyển giao bí mật nhà nước.
    Handover,
    /// Sổ quản lý sao, chụp bí mật nhà nước.
    Copies,
}

impl RegisterKind {
    pub const ALL: [RegisterKind; 4] = [
        RegisterKind::Outgoing,
        RegisterKind::Incoming,
        RegisterKind::Handover,
        RegisterKind::Copies,
    ];
    pub fn code(self) -> &'static str {
        match self {
            RegisterKind::Outgoing => "outgoing",
            RegisterKind::Incoming => "incoming",
            RegisterKind::Handover => "handover",
            RegisterKind::Copies => "copies",
        }
    }
    pub fn from_code(s: &str) -> Option<RegisterKind> {
        RegisterKind::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            RegisterKind::Outgoing => "Sổ đăng ký BMNN đi",
            RegisterKind::Incoming => "Sổ đăng ký BMNN đến",
            RegisterKind::Handover => "Sổ chuyển giao BMNN",
            RegisterKind::Copies => "Sổ quản lý sao, chụp BMNN",
        }
    }
}

/// Ký nhận: the receiver's acknowledgement of a handover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "EntryAck")]
pub struct Ack {
    pub by: Option<Id>,
    pub by_name: String,
    #[schemars(schema_with = "crate::schema::timestamp")]
    pub at: PrimitiveDateTime,
    /// Signed on the printed paper register rather than in the system.
    pub on_paper: bool,
}

/// Hủy bỏ mục sổ: why, by whom, when (the number is not reused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "EntryCancellation")]
pub struct Cancellation {
    pub reason: String,
    pub by: Id,
    #[schemars(schema_with = "crate::schema::timestamp")]
    pub at: PrimitiveDateTime,
}

/// An entry to append; the store gives it its number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEntry {
    pub kind: RegisterKind,
    #[serde(with = "iso_date")]
    pub date: Date,
    pub item_id: Option<Id>,
    pub request_id: Option<Id>,
    pub level: Level,
    pub regime: String,
    pub fields: BTreeMap<String, String>,
    pub corrects: Option<Id>,
    pub created_by: Id,
    /// Recipient user of a handover, who must acknowledge.
    pub to_user: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RegisterEntry {
    pub id: Id,
    pub kind: RegisterKind,
    pub year: i32,
    /// Số thứ tự in the year's book.
    pub number: i64,
    #[serde(with = "iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
    pub item_id: Option<Id>,
    pub request_id: Option<Id>,
    pub level: Level,
    pub regime: String,
    pub fields: BTreeMap<String, String>,
    pub corrects: Option<Id>,
    pub created_by: Id,
    pub to_user: Option<Id>,
    pub ack: Option<Ack>,
    pub cancelled: Option<Cancellation>,
}

/// The regime whose template lays out the book of `year`: the regime in force on 31/12 of
/// that year, or on `today` for the current year. (A book spans one working year; when the
/// template changed mid-year, the book follows the template in force when it is closed.)
pub fn book_regime(rules: &RuleSet, year: i32, today: Date) -> &Regime {
    let at = if today.year() == year {
        today
    } else {
        Date::from_calendar_date(year, time::Month::December, 31).unwrap_or(today)
    };
    rules
        .regime_for(at)
        .or_else(|| rules.regimes.first())
        .expect("at least one regime")
}

/// The printed/JSON row of an entry under a book's template: one cell per column.
/// A Tuyệt mật row never shows a summary where the book's regime forbids it.
/// `corrected` is the entry `e.corrects` names, when the reader may see it: the note names it
/// by its number and year in the book (đính chính mục số 05/2026), never by an internal id.
pub fn render_row(
    regime: &Regime,
    kind: RegisterKind,
    e: &RegisterEntry,
    corrected: Option<&RegisterEntry>,
) -> Vec<String> {
    let t = regime.register(kind);
    t.columns
        .iter()
        .map(|c| match c.key.as_str() {
            "seq" => format!("{:02}", e.number),
            "level" => e.level.label().to_string(),
            "type_summary" => type_summary(regime, e),
            "ack" => match &e.ack {
                Some(a) => format!(
                    "{} ({}{})",
                    a.by_name,
                    fmt_vn(a.at.date()),
                    if a.on_paper {
                        ", ký trên sổ giấy"
                    } else {
                        ""
                    }
                ),
                // Left blank: the printed book is signed in this cell by hand.
                None => String::new(),
            },
            "note" => {
                let mut n = e.fields.get("note").cloned().unwrap_or_default();
                if let Some(c) = &e.cancelled {
                    if !n.is_empty() {
                        n.push_str("; ");
                    }
                    n.push_str(&format!("ĐÃ HỦY BỎ: {}", c.reason));
                }
                if e.corrects.is_some() {
                    if !n.is_empty() {
                        n.push_str("; ");
                    }
                    match corrected {
                        Some(c) => {
                            n.push_str(&format!("đính chính mục số {:02}/{}", c.number, c.year))
                        }
                        None => n.push_str("đính chính một mục đã ghi trước"),
                    }
                }
                n
            }
            key => e.fields.get(key).cloned().unwrap_or_default(),
        })
        .collect()
}

fn type_summary(regime: &Regime, e: &RegisterEntry) -> String {
    let doc_type = e.fields.get("doc_type").cloned().unwrap_or_default();
    let summary = e.fields.get("summary").cloned().unwrap_or_default();
    let allowed = summary_allowed(
        regime,
        e.level,
        e.fields.contains_key("summary_consent_ref"),
    );
    if summary.is_empty() || !allowed {
        doc_type
    } else if doc_type.is_empty() {
        summary
    } else {
        format!("{doc_type}: {summary}")
    }
}

/// Trích yếu of a Tuyệt mật item (ND26 Điều 4.1.a; the regime's `tuyet_mat_summary`): whether a
/// summary of an item of `level` may be written, kept and shown under `regime` — always below
/// Tuyệt mật; for Tuyệt mật only where the regime allows it with the written consent of the
/// person who classified it (`has_consent`). The one statement of the rule: registers, item
/// pages, lists, forms and destruction minutes all ask it.
pub fn summary_allowed(regime: &Regime, level: Level, has_consent: bool) -> bool {
    level != Level::TuyetMat
        || (regime.classification.tuyet_mat_summary == TuyetMatSummary::WithConsent && has_consent)
}

/// The summary a page may show of `item`: none while its envelope is sealed («Chỉ người có
/// tên mới được bóc bì», recorded by its outer marks), none where [`summary_allowed`] forbids
/// it under the item's regime (an unknown regime shows none of a Tuyệt mật item).
pub fn shown_summary<'a>(rules: &RuleSet, item: &'a crate::model::SecretItem) -> Option<&'a str> {
    if item.sealed {
        return None;
    }
    let allowed = match rules.regime(&item.regime) {
        Some(r) => summary_allowed(r, item.level, item.summary_consent_ref.is_some()),
        None => item.level != Level::TuyetMat,
    };
    item.summary.as_deref().filter(|_| allowed)
}

/// The hint of a summary field under `regime`: what its Tuyệt mật rule allows, with the basis.
pub fn summary_hint(regime: &Regime) -> String {
    let basis = &regime.cite(crate::rules::Cite::TuyetMatSummary).basis;
    match regime.classification.tuyet_mat_summary {
        TuyetMatSummary::Never => {
            format!("Không ghi trích yếu đối với tài liệu Tuyệt mật ({basis}).")
        }
        TuyetMatSummary::WithConsent => format!(
            "Không ghi trích yếu đối với tài liệu Tuyệt mật trừ khi người có thẩm quyền đồng ý bằng văn bản ({basis})."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn entry(id: Id, number: i64, corrects: Option<Id>) -> RegisterEntry {
        RegisterEntry {
            id,
            kind: RegisterKind::Outgoing,
            year: 2026,
            number,
            date: date!(2026 - 03 - 02),
            item_id: None,
            request_id: None,
            level: Level::Mat,
            regime: String::new(),
            fields: BTreeMap::new(),
            corrects,
            created_by: 1,
            to_user: None,
            ack: None,
            cancelled: None,
        }
    }

    /// A correction names the entry it corrects by its number and year in the book, never by
    /// the internal id (41 here, a number no clerk knows).
    #[test]
    fn a_correction_names_the_corrected_entry_by_number_and_year() {
        let rules = RuleSet::embedded();
        let regime = rules.regime_for_or_first(date!(2026 - 03 - 02));
        let earlier = entry(41, 3, None);
        let fix = entry(42, 7, Some(41));
        let row = render_row(regime, RegisterKind::Outgoing, &fix, Some(&earlier)).join(" | ");
        assert!(row.contains("đính chính mục số 03/2026"), "{row}");
        assert!(!row.contains('#') && !row.contains("41"), "{row}");
        // The corrected entry out of the reader's sight: said in words, still no id.
        let row = render_row(regime, RegisterKind::Outgoing, &fix, None).join(" | ");
        assert!(row.contains("đính chính một mục đã ghi trước"), "{row}");
        assert!(!row.contains("41"), "{row}");
    }
}
