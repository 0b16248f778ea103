//! Input hygiene shared by every service (kiểm tra dữ liệu nhập): text, lengths, dates, units.
//!
//! Every service entry point that takes text or dates calls these checks first, so bad input is
//! refused with a Vietnamese message naming the field and nothing is written. The rules:
//!
//! - **Characters.** No control character (tab and line feed are allowed only in multi-line
//!   text; carriage returns are dropped there), no bidirectional override or isolate
//!   (U+202A–U+202E, U+2066–U+2069), no invisible mark (U+200B–U+200F, U+2060, U+FEFF, U+00AD).
//!   A right-to-left override (U+202E) inside a number such as «12/BC-VP» shows one number
//!   and stores another; nothing in Vietnamese administrative text needs one.
//! - **Normalisation.** Every string is stored in Unicode NFC, so «Báo cáo» typed as composed
//!   or decomposed letters is the same text (search, duplicates, register rows).
//! - **Lengths** (in characters): [`MAX_LINE`] = 200 for one-line values (numbers and symbols —
//!   số, ký hiệu —, names, usernames, issuers, units, references, places, catalogue entry
//!   numbers); [`MAX_TEXT`] = 2,000 for free text (summaries — trích yếu —, notes, reasons,
//!   purposes, catalogue entry texts); [`MAX_LONG`] = 20,000 for the narrative parts of a
//!   programme record. The web and API body limits answer before any of this (413).
//! - **Dates.** A document date (ngày văn bản) lies between [`EARLIEST_YEAR`] and the date of
//!   the act; a protection expiry (ngày hết thời hạn bảo vệ) lies after the date of the act and
//!   at most [`MAX_EXPIRY_YEARS`] years after it (an expiry already past would be declassified
//!   by the next daily run without anybody deciding it).
//! - **Units.** A unit id (đơn vị) must name an existing unit.
//!
//! Command structs are checked as a whole by [`cmd`]: it walks their serialised form, classifies
//! each string by its field name ([`class_of`]) and writes the NFC form back.

use crate::dates::fmt_vn;
use crate::error::{CoreError, Result};
use crate::model::Id;
use crate::ports::Tx;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use time::{Date, Month};
use unicode_normalization::UnicodeNormalization;

/// One-line values: numbers and symbols, names, usernames, issuers, units, references.
pub const MAX_LINE: usize = 200;
/// Free text: summaries, notes, reasons, purposes, catalogue entry texts.
pub const MAX_TEXT: usize = 2_000;
/// The narrative parts of programme records (findings, facts, paragraphs).
pub const MAX_LONG: usize = 20_000;
/// No document of the Vietnamese state predates 1945.
pub const EARLIEST_YEAR: i32 = 1945;
/// The furthest a protection expiry may lie after the act that records it.
pub const MAX_EXPIRY_YEARS: i32 = 100;

/// What a string field may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// One line, up to [`MAX_LINE`] characters.
    Line,
    /// Several lines, up to [`MAX_TEXT`] characters.
    Text,
    /// Several lines, up to [`MAX_LONG`] characters.
    Long,
}

impl Class {
    fn max(self) -> usize {
        match self {
            Class::Line => MAX_LINE,
            Class::Text => MAX_TEXT,
            Class::Long => MAX_LONG,
        }
    }
}

/// Field names (the last segment of a path) that hold one-line values.
const LINE_FIELDS: &[&str] = &[
    "number_symbol",
    "number",
    "issuer",
    "signer",
    "signer_name",
    "signer_position",
    "signer_authority",
    "full_name",
    "username",
    "name",
    "title",
    "doc_type",
    "unit",
    "units",
    "unit_kept",
    "to_name",
    "on_paper_signer",
    "decision_ref",
    "document_ref",
    "reference",
    "external_ref",
    "council_decision_ref",
    "council_minutes_ref",
    "minutes_ref",
    "originator_notice",
    "summary_consent_ref",
    "approval_ref",
    "police_check_ref",
    "disposal_ref",
    "stamp_ref",
    "representative",
    "party",
    "identity",
    "operator",
    "delegation_head",
    "recipients",
    "council",
    "performers",
    "attendees",
    "person",
    "inspector",
    "organiser",
    "approved_by",
    "position",
    "field",
    "place",
    "location",
    "venue",
    "superior",
    "symbol",
    "agency",
    "public_key",
    "code",
];

/// Field names that hold long narrative text.
const LONG_FIELDS: &[&str] = &["narrative", "paragraphs", "facts", "findings"];

/// The class of a string field by its name.
pub fn class_of(field: &str) -> Class {
    if LINE_FIELDS.contains(&field) {
        Class::Line
    } else if LONG_FIELDS.contains(&field) {
        Class::Long
    } else {
        Class::Text
    }
}

/// Bidirectional controls and invisible characters: refused everywhere.
fn hidden(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{061C}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// Checks one string of class `class` and returns its NFC form (carriage returns of
/// multi-line text dropped). Leading and trailing spaces are kept: services trim.
pub fn checked(field: &str, s: &str, class: Class) -> Result<String> {
    for c in s.chars() {
        if hidden(c) {
            return Err(CoreError::invalid(
                field,
                "có ký tự ẩn hoặc ký tự đảo chiều văn bản (thường do dán từ nguồn khác), có thể làm văn bản hiển thị khác với nội dung lưu; hãy gõ lại trường này",
            ));
        }
        if c == '\n' || c == '\t' || c == '\r' {
            if class == Class::Line {
                return Err(CoreError::invalid(
                    field,
                    "chỉ được ghi trên một dòng (không xuống dòng, không có ký tự tab)",
                ));
            }
        } else if c.is_control() {
            return Err(CoreError::invalid(
                field,
                "có ký tự điều khiển không in được; hãy gõ lại trường này",
            ));
        }
    }
    let out: String = s.nfc().filter(|&c| c != '\r').collect();
    let n = out.chars().count();
    if n > class.max() {
        return Err(CoreError::invalid(
            field,
            format!(
                "quá dài: {} ký tự (tối đa {} ký tự)",
                count(n),
                count(class.max())
            ),
        ));
    }
    Ok(out)
}

/// A one-line value (number, name, issuer …), checked and normalised.
pub fn line(field: &str, s: &str) -> Result<String> {
    checked(field, s, Class::Line)
}

/// A free text (summary, note, reason …), checked and normalised.
pub fn text(field: &str, s: &str) -> Result<String> {
    checked(field, s, Class::Text)
}

/// An optional value of the class its field name gives.
pub fn opt(field: &str, s: &Option<String>) -> Result<Option<String>> {
    s.as_deref()
        .map(|s| checked(field, s, class_of(field)))
        .transpose()
}

/// 12345 → "12.345" (Vietnamese thousands separator).
fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Checks every string of a command (its serialised form) by the class of its field name and
/// returns the command with every string in NFC. For commands whose every field serialises
/// (not for ones with `skip_serializing` fields such as `NewUser`).
pub fn cmd<T: Serialize + DeserializeOwned>(c: T) -> Result<T> {
    let v = serde_json::to_value(&c)
        .map_err(|_| CoreError::invalid("body", "không đọc được dữ liệu nhập"))?;
    let mut changed = false;
    let v = walk(v, "body", Class::Text, &mut changed)?;
    if !changed {
        return Ok(c);
    }
    serde_json::from_value(v).map_err(|_| CoreError::invalid("body", "không đọc được dữ liệu nhập"))
}

/// `field` is the name of the innermost key (what the API's `field` and the message name).
fn walk(v: Value, field: &str, class: Class, changed: &mut bool) -> Result<Value> {
    Ok(match v {
        Value::String(s) => {
            let out = checked(field, &s, class)?;
            if out != s {
                *changed = true;
            }
            Value::String(out)
        }
        Value::Array(a) => Value::Array(
            a.into_iter()
                .map(|x| walk(x, field, class, changed))
                .collect::<Result<_>>()?,
        ),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, x)| {
                    // A map under a long field (narrative by section) keeps the long class.
                    let c = match class_of(&k) {
                        Class::Text if class == Class::Long => Class::Long,
                        c => c,
                    };
                    let x = walk(x, &k, c, changed)?;
                    Ok((k, x))
                })
                .collect::<Result<_>>()?,
        ),
        other => other,
    })
}

fn earliest() -> Date {
    Date::from_calendar_date(EARLIEST_YEAR, Month::January, 1).unwrap_or(Date::MIN)
}

/// A document date (ngày văn bản): not before 1945, not after `on`, the date of the act that
/// records it (a document cannot be dated after it was received or issued).
pub fn doc_date(field: &str, d: Date, on: Date) -> Result<()> {
    if d < earliest() {
        return Err(CoreError::invalid(
            field,
            format!(
                "ngày {} trước năm {EARLIEST_YEAR}; hãy kiểm tra lại ngày ghi trên văn bản",
                fmt_vn(d)
            ),
        ));
    }
    if d > on {
        return Err(CoreError::invalid(
            field,
            format!(
                "ngày {} sau ngày vào sổ ({}); hãy kiểm tra lại ngày ghi trên văn bản",
                fmt_vn(d),
                fmt_vn(on)
            ),
        ));
    }
    Ok(())
}

/// A protection expiry (ngày hết thời hạn bảo vệ) recorded by an act on `on`: after `on` and
/// at most [`MAX_EXPIRY_YEARS`] years later. An expiry already past is refused: the daily run
/// would declassify the item the next night without anybody deciding it.
pub fn expiry(field: &str, d: Date, on: Date) -> Result<()> {
    if d <= on {
        return Err(CoreError::invalid(
            field,
            format!(
                "thời hạn bảo vệ đến {} đã qua (không sau ngày {}); tài liệu sẽ bị giải mật ngay mà không có quyết định. Hãy kiểm tra lại thời hạn ghi trên tài liệu",
                fmt_vn(d),
                fmt_vn(on)
            ),
        ));
    }
    if d > crate::dates::add_years(on, MAX_EXPIRY_YEARS) {
        return Err(CoreError::invalid(
            field,
            format!(
                "thời hạn bảo vệ đến {} quá xa (tối đa {MAX_EXPIRY_YEARS} năm kể từ ngày {}); hãy kiểm tra lại",
                fmt_vn(d),
                fmt_vn(on)
            ),
        ));
    }
    Ok(())
}

/// A unit id must name an existing unit (đơn vị).
pub fn unit(tx: &mut dyn Tx, field: &str, id: Option<Id>) -> Result<()> {
    if let Some(id) = id
        && !tx.list_units()?.iter().any(|u| u.id == id)
    {
        return Err(CoreError::invalid(field, "đơn vị không tồn tại"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn field(e: CoreError) -> String {
        match e {
            CoreError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bidi_and_invisible_characters_are_refused_everywhere() {
        for bad in [
            "12/BC\u{202E}-VP",
            "12\u{200B}/BC",
            "\u{FEFF}Sở",
            "A\u{2066}B",
            "A\u{200F}",
            "A\u{202A}",
            "A\u{2069}",
            "A\u{00AD}B",
        ] {
            for class in [Class::Line, Class::Text, Class::Long] {
                let e = checked("number_symbol", bad, class).unwrap_err();
                assert_eq!(field(e.clone()), "number_symbol");
                assert!(e.message_vi().contains("ký tự ẩn"), "{bad:?}");
            }
        }
    }

    #[test]
    fn control_characters_and_line_breaks() {
        assert!(line("name", "a\nb").is_err());
        assert!(line("name", "a\tb").is_err());
        assert!(line("name", "a\u{7}b").is_err());
        assert!(text("note", "a\u{7}b").is_err());
        assert!(text("note", "a\u{0}b").is_err());
        assert!(text("note", "a\u{85}b").is_err());
        assert_eq!(
            text("note", "dòng 1\r\n\tdòng 2").unwrap(),
            "dòng 1\n\tdòng 2"
        );
        assert_eq!(line("name", "Nguyễn Văn A").unwrap(), "Nguyễn Văn A");
    }

    #[test]
    fn text_is_nfc() {
        let decomposed = "Ba\u{301}o ca\u{301}o";
        assert_eq!(line("doc_type", decomposed).unwrap(), "Báo cáo");
        assert_eq!(line("doc_type", "Báo cáo").unwrap(), "Báo cáo");
    }

    #[test]
    fn lengths_by_class() {
        assert!(line("name", &"đ".repeat(MAX_LINE)).is_ok());
        let e = line("name", &"đ".repeat(MAX_LINE + 1)).unwrap_err();
        assert!(e.message_vi().contains("tối đa 200 ký tự"), "{e}");
        assert!(text("summary", &"a".repeat(MAX_TEXT)).is_ok());
        let e = text("summary", &"a".repeat(3 * 1024 * 1024)).unwrap_err();
        assert!(e.message_vi().contains("tối đa 2.000 ký tự"), "{e}");
        assert!(checked("narrative", &"a".repeat(MAX_LONG), Class::Long).is_ok());
        assert!(checked("narrative", &"a".repeat(MAX_LONG + 1), Class::Long).is_err());
        assert_eq!(class_of("number_symbol"), Class::Line);
        assert_eq!(class_of("summary"), Class::Text);
        assert_eq!(class_of("findings"), Class::Long);
        assert_eq!(
            opt("issuer", &Some("x".repeat(201))).unwrap_err().code(),
            "invalid_input"
        );
        assert_eq!(opt("issuer", &None).unwrap(), None);
    }

    #[test]
    fn commands_are_walked_by_field_name() {
        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
        struct C {
            number_symbol: String,
            summary: Option<String>,
            recipients: Vec<String>,
            inner: Inner,
            n: u32,
        }
        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
        struct Inner {
            name: String,
        }
        let ok = C {
            number_symbol: "12/BC-VP".into(),
            summary: Some("Ba\u{301}o ca\u{301}o\nhai dòng".into()),
            recipients: vec!["Sở A".into()],
            inner: Inner { name: "B".into() },
            n: 3,
        };
        let c = cmd(ok).unwrap();
        assert_eq!(c.summary.as_deref(), Some("Báo cáo\nhai dòng"));
        let bad = C {
            recipients: vec!["Sở A".into(), "Sở\nB".into()],
            ..c
        };
        assert_eq!(field(cmd(bad).unwrap_err()), "recipients");
        let bad = C {
            number_symbol: "12".into(),
            summary: None,
            recipients: vec![],
            inner: Inner {
                name: "\u{202E}x".into(),
            },
            n: 0,
        };
        assert_eq!(field(cmd(bad).unwrap_err()), "name");
        // A map under a long field keeps the long class.
        let mut narrative = std::collections::BTreeMap::new();
        narrative.insert("a".to_string(), "x".repeat(MAX_TEXT + 1));
        let v = serde_json::json!({ "narrative": narrative });
        assert!(cmd(v).is_ok());
        let v = serde_json::json!({ "notes": { "a": "x".repeat(MAX_TEXT + 1) } });
        assert_eq!(field(cmd(v).unwrap_err()), "a");
    }

    #[test]
    fn date_bounds() {
        let on = date!(2026 - 03 - 15);
        assert!(doc_date("doc_date", date!(1945 - 09 - 02), on).is_ok());
        assert!(doc_date("doc_date", on, on).is_ok());
        let e = doc_date("doc_date", date!(1900 - 01 - 01), on).unwrap_err();
        assert!(e.message_vi().contains("01/01/1900"), "{e}");
        assert!(doc_date("doc_date", date!(2026 - 03 - 16), on).is_err());
        let e = expiry("expiry", date!(2020 - 01 - 01), on).unwrap_err();
        assert!(e.message_vi().contains("đã qua"), "{e}");
        assert!(expiry("expiry", on, on).is_err());
        assert!(expiry("expiry", date!(2026 - 03 - 16), on).is_ok());
        assert!(expiry("expiry", date!(2126 - 03 - 15), on).is_ok());
        assert!(expiry("expiry", date!(2126 - 03 - 16), on).is_err());
    }

    #[test]
    fn thousands() {
        assert_eq!(count(200), "200");
        assert_eq!(count(2000), "2.000");
        assert_eq!(count(3_145_728), "3.145.728");
    }
}
