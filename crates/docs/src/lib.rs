//! `bmnn-docs` turns typed, already-computed models into `.docx` files that Word and
//! LibreOffice open without repair. It knows nothing about databases, HTTP or the law: which
//! columns a register has, which sections a report has and what they say all arrive as data.
//!
//! # Models
//!
//! * [`RegisterDoc`] → [`register_docx`]: a register book (sổ đăng ký), e.g. "Sổ đăng ký bí mật
//!   nhà nước đi". A cover page carries the six cover notes of legal.md §10.2 (superior agency,
//!   agency, year, first/last registration dates, first/last sequence numbers, book number;
//!   a missing value prints as a dotted line to be filled in by hand); an optional page of
//!   instructions (hướng dẫn ghi sổ) follows; then A4 **landscape** pages hold one table whose
//!   two header rows (column titles, then "(1) (2) …") repeat on every page, with a running
//!   header "TITLE - NĂM yyyy … Trang n" and numbering restarting at 1 on the first table page.
//!   Columns are [`RegisterColumn`]s (title + relative width).
//! * [`AdminDoc`] → [`admin_docx`]: an administrative document in the Decree 30/2020/NĐ-CP
//!   (ND30) layout: heading table (agency / national title, number / place and date), level
//!   stamp, type and summary (or "V/v …" for a công văn), body [`Block`]s (auto-numbered
//!   [`HeadingLevel`] headings "I." / "1." / "a)", justified paragraphs, [`DocTable`]s, which
//!   may be put on landscape pages), then "Nơi nhận" and the [`Signer`] block.
//! * Helpers: [`vn_date_line`] ("Hà Nội, ngày 05 tháng 3 năm 2026"), [`vn_date_words`],
//!   [`fmt_date`] ("05/03/2026"), [`number_symbol`] ("05/BC-VP").
//!
//! # ND30 layout choices (legal.md §23)
//!
//! The format rules of ND30 Phụ lục I are known only from secondary summaries **`[S]`**;
//! where a range is allowed we pick one value:
//!
//! | Element | Here |
//! |---|---|
//! | Paper | A4 portrait (11906 × 16838 twips); landscape (16838 × 11906) for wide tables and registers |
//! | Margins | top/bottom 20 mm, left 30 mm, right 15 mm (the lower bounds of 20–25 / 30–35 / 15–20) |
//! | Font | Times New Roman in all four `w:rFonts` slots (ascii, hAnsi, eastAsia, cs), on every run and in the document defaults; language vi-VN |
//! | Page numbers | `PAGE` field, 14 pt, centred in the **top** margin; page 1 has an empty first-page header (`w:titlePg`) |
//! | Quốc hiệu / Tiêu ngữ | 13 pt bold capitals / 14 pt bold, centred in the right heading column, a rule under the motto about as long as it |
//! | Agency (box 2) | superior agency 13 pt capitals, not bold; agency 13 pt bold capitals; a centred rule about 2/5 of the name's width (ND30: 1/3–1/2) |
//! | Số, ký hiệu (box 3) | "Số: …" 13 pt, under the agency; numbers below 10 need a leading zero ([`number_symbol`]) |
//! | Place and date (box 4) | 14 pt italic, under the motto |
//! | Type and summary (box 5a) | 14 pt bold capitals / 14 pt bold, centred, with a short rule under; for a công văn "V/v …" 12 pt under the number (box 5b) |
//! | Level stamp (box 10a) | under the number in the left column: capitals, bold, red text in a red box sized to the text. The exact MẬT stamp size and the official diagram (TT24 form 19) are **`[U]`** |
//! | Body (box 6) | 14 pt, justified, first-line indent 1 cm, 6 pt before, line spacing 1.15 |
//! | Nơi nhận (box 9b) | "Nơi nhận:" 12 pt bold italic, items 11 pt "- …;", last "- Lưu: …." |
//! | Signature (7a–7c) | authority mark and position in bold capitals, about 3 cm of space, name in bold |
//!
//! Register layouts are even less certain: the official column titles of TT24 forms 14–16 and
//! of the ND63 appendices are **`[U]`** (legal.md §10.2), the cover notes are **`[S]`**, and we
//! print the whole register landscape (cover included), 12 pt in the table, rows at least 1 cm
//! high so a signature fits. Treat both layouts as drafts to be checked against the official
//! forms before go-live.
//!
//! # Guarantees
//!
//! * Every caller string is XML-escaped and stripped of characters XML forbids; a model can not
//!   produce a broken file. Property elements are written in schema order.
//! * Tables are rectangular ([`DocsError::RowWidth`] otherwise) and their column widths add up to
//!   the text width exactly.
//! * Output is deterministic: the same model gives the same bytes (fixed zip timestamps, no
//!   creation date in the metadata), so snapshots and hashes are stable.
//! * The writer is our own (~600 lines of string XML + the `zip` crate) rather than docx-rs: it
//!   needs multiple sections with different orientations, paragraph borders for the rules and
//!   the stamp box, repeated table headers and a first-page header, and it must never panic.
//!   Writing is still wrapped in `catch_unwind` and a panic becomes [`DocsError::Panic`].

#![forbid(unsafe_code)]

mod admin;
mod date;
mod layout;
mod ooxml;
mod package;
mod register;

use std::panic::{AssertUnwindSafe, catch_unwind};

pub use admin::{AdminDoc, Block, DocTable, HeadingLevel, Inline, Signer, TableColumn, admin_docx};
pub use date::{fmt_date, number_symbol, vn_date_line, vn_date_words};
pub use layout::{NATIONAL_MOTTO, NATIONAL_TITLE};
pub use register::{RegisterColumn, RegisterDoc, register_docx};

/// Why a document could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    /// A required text field of the model is empty.
    #[error("required field `{0}` is empty")]
    MissingField(&'static str),
    /// A table without columns.
    #[error("the {table} table has no columns")]
    NoColumns { table: &'static str },
    /// A column whose width weight is 0.
    #[error("column {index} of the {table} table has width weight 0")]
    ZeroWidth { table: &'static str, index: usize },
    /// A row whose cell count differs from the column count.
    #[error("row {row} of the {table} table has {found} cells, expected {expected}")]
    RowWidth {
        table: &'static str,
        row: usize,
        expected: usize,
        found: usize,
    },
    /// Writing the zip package failed.
    #[error("could not write the DOCX package: {0}")]
    Package(#[from] zip::result::ZipError),
    /// Writing into the in-memory buffer failed.
    #[error("could not write the DOCX package: {0}")]
    Io(#[from] std::io::Error),
    /// The writer panicked; the panic message is kept.
    #[error("the DOCX writer panicked: {0}")]
    Panic(String),
}

/// Run a document writer, turning a panic into [`DocsError::Panic`].
fn guarded(write: impl FnOnce() -> Result<Vec<u8>, DocsError>) -> Result<Vec<u8>, DocsError> {
    catch_unwind(AssertUnwindSafe(write)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(DocsError::Panic(message))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_writer_becomes_an_error() {
        let err = guarded(|| panic!("boom")).unwrap_err();
        assert!(
            matches!(err, DocsError::Panic(ref m) if m == "boom"),
            "{err}"
        );
    }
}
