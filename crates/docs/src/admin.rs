//! The administrative document (văn bản hành chính) laid out per Decree 30/2020/NĐ-CP (ND30)
//! Phụ lục I: two-column heading (agency and number on the left, national title and date on the
//! right), the level stamp under the number, type and summary centred, the body, then the
//! "Nơi nhận" and signature columns.
//!
//! Page geometry: A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm; page numbers
//! centred in the top margin from page 2 on (page 1 uses an empty first-page header). A table
//! marked `landscape` gets a landscape section of its own (ND30 allows landscape pages for
//! tables); page numbering runs on across sections.

use time::Date;

use crate::layout::{
    BODY_PT, HEAD_PT, agency_block, level_stamp, national_block, page_number_header,
};
use crate::ooxml::{
    Align, Cell, Font, Margins, Orientation, Para, Row, Section, estimate_width, rule,
    split_widths, table,
};
use crate::package::{HeaderPart, Package};
use crate::register::{RegisterColumn, check_table};
use crate::{DocsError, guarded, vn_date_line};

/// A column of a table inside a document (same shape as a register column).
pub type TableColumn = RegisterColumn;

/// An administrative document ready to print, e.g. a report (báo cáo) or an official letter
/// (công văn).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminDoc {
    /// Direct superior agency (cơ quan chủ quản), printed above the issuing agency, not bold.
    pub superior_agency: Option<String>,
    /// Issuing agency (cơ quan ban hành), box 2; printed in capitals, bold.
    pub agency: String,
    /// Number and symbol without the "Số: " prefix, e.g. "05/BC-VP" (see [`crate::number_symbol`]);
    /// may be left as "   /BC-VP" when the number is given after signature.
    pub number: String,
    /// Place name for the date line, e.g. "Hà Nội".
    pub place: String,
    /// Date of the document.
    pub date: Date,
    /// Level stamp text for box 10a, e.g. "MẬT"; printed red, bold, boxed.
    pub level_stamp: Option<String>,
    /// Document type, e.g. "BÁO CÁO" (box 5a, printed in capitals). `None` makes a công văn:
    /// the summary then goes under the number as "V/v …" (box 5b).
    pub doc_type: Option<String>,
    /// Summary (trích yếu nội dung).
    pub summary: String,
    /// The body, in order.
    pub body: Vec<Block>,
    /// Recipients, one per line, without the leading "- " and trailing ";" (added here).
    pub recipients: Vec<String>,
    /// What follows "- Lưu: " on the last recipients line, e.g. "VT, PC03" (required: ND30
    /// always ends the list with the archive copy).
    pub archive: String,
    /// The signature block.
    pub signer: Signer,
}

/// The signature block (ND30 boxes 7a–7c).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signer {
    /// Authority mark line, e.g. "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN"; `None` when the head
    /// signs in their own name.
    pub authority: Option<String>,
    /// Position of the signer, e.g. "PHÓ GIÁM ĐỐC".
    pub position: String,
    /// Full name, e.g. "Nguyễn Văn A".
    pub name: String,
}

/// One piece of the document body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A numbered heading; the number is computed here from the heading sequence.
    Heading { level: HeadingLevel, text: String },
    /// A body paragraph: justified, first-line indent 1 cm. `\n` breaks a line.
    Paragraph(String),
    /// A body paragraph (as [`Block::Paragraph`]) with footnotes: real Word footnotes
    /// (`word/footnotes.xml`), numbered 1, 2, … in the order they appear in the document.
    Noted(Vec<Inline>),
    /// A table.
    Table(DocTable),
}

/// A piece of a [`Block::Noted`] paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    /// A footnote: the reference mark goes here, the text at the foot of the page.
    Note(String),
}

/// Heading levels and their numbering, as Vietnamese reports use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadingLevel {
    /// "I.", "II.", …: bold, text in capitals. Restarts the two lower levels.
    Roman,
    /// "1.", "2.", …: bold. Restarts [`HeadingLevel::Letter`].
    Arabic,
    /// "a)", "b)", …, "đ)", …: italic; letters of the Vietnamese alphabet (no f, j, w, z).
    Letter,
}

/// A table inside a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocTable {
    /// Caption printed centred in bold above the table.
    pub title: Option<String>,
    pub columns: Vec<TableColumn>,
    /// Rows of text; each has exactly `columns.len()` cells.
    pub rows: Vec<Vec<String>>,
    /// Put the table on landscape pages of its own.
    pub landscape: bool,
}

const HEADER_FIRST: &str = "rIdHeaderFirst";
const HEADER_PAGES: &str = "rIdHeaderPages";
/// Width of the left heading column (agency, number), about 2/5 of the 165 mm text width; the
/// right column keeps the national title on one line.
const LEFT_COLUMN: u32 = 3685;
/// First-line indent of body paragraphs: 1 cm (ND30: 1–1.27 cm).
const INDENT: u32 = 567;
/// Body paragraph spacing: 6 pt before (ND30: at least 6 pt), line spacing 1.15.
const PARA_BEFORE: u32 = 120;
const PARA_LINE: u32 = 276;
const TABLE_PT: u16 = 12;

/// Render an administrative document as `.docx` bytes.
///
/// # Errors
/// [`DocsError::MissingField`] for an empty agency, place, summary, signer position or name,
/// or archive line,
/// [`DocsError::NoColumns`], [`DocsError::ZeroWidth`] or [`DocsError::RowWidth`] for a bad body
/// table, and [`DocsError::Package`]/[`DocsError::Panic`] if writing the zip fails.
pub fn admin_docx(doc: &AdminDoc) -> Result<Vec<u8>, DocsError> {
    guarded(|| admin_package(doc)?.to_bytes())
}

fn validate(doc: &AdminDoc) -> Result<(), DocsError> {
    for (name, value) in [
        ("agency", &doc.agency),
        ("place", &doc.place),
        ("summary", &doc.summary),
        ("signer.position", &doc.signer.position),
        ("signer.name", &doc.signer.name),
        ("archive", &doc.archive),
    ] {
        if value.trim().is_empty() {
            return Err(DocsError::MissingField(name));
        }
    }
    for block in &doc.body {
        if let Block::Table(t) = block {
            check_table("document", &t.columns, &t.rows)?;
        }
    }
    Ok(())
}

pub(crate) fn admin_package(doc: &AdminDoc) -> Result<Package, DocsError> {
    validate(doc)?;
    let first = Section {
        orientation: Orientation::Portrait,
        margins: Margins::ND30,
        header: Some(HEADER_PAGES),
        first_header: Some(HEADER_FIRST),
        page_start: None,
    };
    let width = first.text_width();

    let (blocks, last, footnotes) = body_blocks(&doc.body, first, width);
    let mut body = heading(doc, width);
    body.push_str(&blocks);
    body.push_str(&closing(doc, width));
    // The section open at the end is the body's final sectPr.
    body.push_str(&last.xml());
    body.push('\n');

    Ok(Package {
        title: match &doc.doc_type {
            Some(t) => format!("{} {}", t.trim(), doc.summary.trim()),
            None => doc.summary.trim().to_owned(),
        },
        body,
        headers: vec![
            HeaderPart {
                rel_id: HEADER_FIRST,
                paragraphs: String::new(),
            },
            HeaderPart {
                rel_id: HEADER_PAGES,
                paragraphs: page_number_header(),
            },
        ],
        footnotes,
    })
}

/// Boxes 1–5: the two-column heading table, then type and summary.
fn heading(doc: &AdminDoc, width: u32) -> String {
    let right = width - LEFT_COLUMN;
    // Cell content width: the cell minus its left and right margins (85 twips each).
    let (left_in, right_in) = (LEFT_COLUMN - 170, right - 170);

    let mut left2 = Para::new(Align::Center)
        .text(&format!("Số: {}", doc.number.trim()), Font::pt(HEAD_PT))
        .xml();
    if doc.doc_type.is_none() {
        left2.push_str(
            &Para {
                before: 60,
                ..Para::new(Align::Center)
            }
            .text(&format!("V/v {}", doc.summary.trim()), Font::pt(12))
            .xml(),
        );
    }
    if let Some(stamp) = doc.level_stamp.as_deref().filter(|s| !s.trim().is_empty()) {
        left2.push_str(&level_stamp(stamp, left_in));
    }
    let right2 = Para::new(Align::Center)
        .text(
            &vn_date_line(&doc.place, doc.date),
            Font::pt(BODY_PT).italic(),
        )
        .xml();

    let cell = |w: u32, paragraphs: String| Cell {
        width: w,
        paragraphs,
        v_center: false,
        shade: None,
    };
    let row = |cells: Vec<Cell>| Row {
        cells,
        header: false,
        min_height: None,
        cant_split: true,
    };
    let mut s = table(
        &[LEFT_COLUMN, right],
        &[
            row(vec![
                cell(
                    LEFT_COLUMN,
                    agency_block(doc.superior_agency.as_deref(), &doc.agency, left_in),
                ),
                cell(right, national_block(right_in)),
            ]),
            row(vec![cell(LEFT_COLUMN, left2), cell(right, right2)]),
        ],
        false,
    );

    if let Some(kind) = &doc.doc_type {
        s.push_str(
            &Para {
                before: 360,
                keep_next: true,
                ..Para::new(Align::Center)
            }
            .text(&kind.trim().to_uppercase(), Font::pt(BODY_PT).bold())
            .xml(),
        );
        let summary = doc.summary.trim();
        s.push_str(
            &Para {
                keep_next: true,
                ..Para::new(Align::Center)
            }
            .text(summary, Font::pt(BODY_PT).bold())
            .xml(),
        );
        let longest = summary
            .lines()
            .map(|l| estimate_width(l, BODY_PT, true))
            .max()
            .unwrap_or(0);
        s.push_str(&rule(width, (longest * 2 / 5).clamp(600, width / 3)));
    }
    s.push_str(
        &Para {
            after: 120,
            ..Para::default()
        }
        .xml(),
    );
    s
}

/// Heading counters: "I." / "1." / "a)".
#[derive(Default)]
struct Numbering {
    roman: u32,
    arabic: u32,
    letter: u32,
}

impl Numbering {
    fn next(&mut self, level: HeadingLevel) -> String {
        match level {
            HeadingLevel::Roman => {
                self.roman += 1;
                self.arabic = 0;
                self.letter = 0;
                format!("{}.", roman(self.roman))
            }
            HeadingLevel::Arabic => {
                self.arabic += 1;
                self.letter = 0;
                format!("{}.", self.arabic)
            }
            HeadingLevel::Letter => {
                self.letter += 1;
                format!("{})", vietnamese_letter(self.letter))
            }
        }
    }
}

/// Upper-case Roman numeral for 1..=3999; other values fall back to Arabic digits.
pub(crate) fn roman(mut n: u32) -> String {
    if n == 0 || n > 3999 {
        return n.to_string();
    }
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            s.push_str(digits);
            n -= value;
        }
    }
    s
}

/// The n-th (1-based) letter used for points in Vietnamese texts: a, b, c, d, đ, e, g, h, i, k,
/// l, m, n, o, p, q, r, s, t, u, v, x, y; past "y" the number itself.
pub(crate) fn vietnamese_letter(n: u32) -> String {
    const LETTERS: [&str; 23] = [
        "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r", "s",
        "t", "u", "v", "x", "y",
    ];
    usize::try_from(n)
        .ok()
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| LETTERS.get(i))
        .map_or_else(|| n.to_string(), |l| (*l).to_owned())
}

/// Box 6: headings, paragraphs and tables. A landscape table closes the current section, sits in
/// a landscape section of its own, and the text after it continues in a new portrait section.
/// Returns the markup and the section still open at the end.
/// Footnote text size: 12 pt (the body is 14 pt).
const NOTE_PT: u16 = 12;

/// The body XML, the section left open, and the footnotes' paragraphs (numbered from 1).
fn body_blocks(blocks: &[Block], first: Section, width: u32) -> (String, Section, Vec<String>) {
    let mut s = String::new();
    let mut footnotes: Vec<String> = Vec::new();
    let mut numbering = Numbering::default();
    // The section currently open; only the first one has the empty first-page header.
    let mut current = first;
    let later = Section {
        first_header: None,
        ..current.clone()
    };
    for block in blocks {
        match block {
            Block::Heading { level, text } => {
                let number = numbering.next(*level);
                let (text, font) = match level {
                    HeadingLevel::Roman => (text.trim().to_uppercase(), Font::pt(BODY_PT).bold()),
                    HeadingLevel::Arabic => (text.trim().to_owned(), Font::pt(BODY_PT).bold()),
                    HeadingLevel::Letter => (text.trim().to_owned(), Font::pt(BODY_PT).italic()),
                };
                s.push_str(
                    &Para {
                        before: PARA_BEFORE,
                        line: Some(PARA_LINE),
                        first_line: INDENT,
                        keep_next: true,
                        ..Para::new(Align::Justify)
                    }
                    .text(&format!("{number} {text}"), font)
                    .xml(),
                );
            }
            Block::Paragraph(text) => s.push_str(
                &Para {
                    before: PARA_BEFORE,
                    line: Some(PARA_LINE),
                    first_line: INDENT,
                    ..Para::new(Align::Justify)
                }
                .text(text.trim(), Font::pt(BODY_PT))
                .xml(),
            ),
            Block::Noted(inlines) => {
                let mut runs = String::new();
                for (i, x) in inlines.iter().enumerate() {
                    match x {
                        Inline::Text(t) => {
                            let t = if i == 0 { t.trim_start() } else { t.as_str() };
                            let t = if i + 1 == inlines.len() {
                                t.trim_end()
                            } else {
                                t
                            };
                            if !t.is_empty() {
                                runs.push_str(&Font::pt(BODY_PT).run(t));
                            }
                        }
                        Inline::Note(text) => {
                            footnotes.push(footnote_paragraph(text));
                            runs.push_str(&format!(
                                r#"<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{}"/></w:r>"#,
                                footnotes.len()
                            ));
                        }
                    }
                }
                s.push_str(
                    &Para {
                        before: PARA_BEFORE,
                        line: Some(PARA_LINE),
                        first_line: INDENT,
                        ..Para::new(Align::Justify)
                    }
                    .raw(&runs)
                    .xml(),
                );
            }
            Block::Table(t) if t.landscape => {
                // Close the portrait section that is open now.
                s.push_str(
                    &Para {
                        section: Some(current.xml()),
                        ..Para::default()
                    }
                    .xml(),
                );
                let landscape = Section {
                    orientation: Orientation::Landscape,
                    ..later.clone()
                };
                s.push_str(&doc_table(t, landscape.text_width()));
                s.push_str(
                    &Para {
                        section: Some(landscape.xml()),
                        mark: Some(Font::pt(1)),
                        exact_line: Some(20),
                        ..Para::default()
                    }
                    .xml(),
                );
                current = later.clone();
            }
            Block::Table(t) => {
                s.push_str(&doc_table(t, width));
                s.push_str(&Para::default().xml());
            }
        }
    }
    (s, current, footnotes)
}

/// One footnote's paragraph: the reference mark, a space, the text (12 pt, justified).
fn footnote_paragraph(text: &str) -> String {
    Para::new(Align::Justify)
        .raw(r#"<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>"#)
        .text(&format!(" {}", text.trim()), Font::pt(NOTE_PT))
        .xml()
}

fn doc_table(t: &DocTable, width: u32) -> String {
    let mut s = String::new();
    if let Some(title) = t.title.as_deref().filter(|t| !t.trim().is_empty()) {
        s.push_str(
            &Para {
                before: PARA_BEFORE,
                after: 120,
                keep_next: true,
                ..Para::new(Align::Center)
            }
            .text(title.trim(), Font::pt(BODY_PT).bold())
            .xml(),
        );
    }
    let weights: Vec<u16> = t.columns.iter().map(|c| c.width_weight).collect();
    let widths = split_widths(width, &weights);
    let cell = |w: u32, paragraphs: String| Cell {
        width: w,
        paragraphs,
        v_center: true,
        shade: None,
    };
    let mut rows = vec![Row {
        cells: t
            .columns
            .iter()
            .zip(&widths)
            .map(|(c, &w)| {
                cell(
                    w,
                    Para::new(Align::Center)
                        .text(c.title.trim(), Font::pt(TABLE_PT).bold())
                        .xml(),
                )
            })
            .collect(),
        header: true,
        min_height: None,
        cant_split: true,
    }];
    for r in &t.rows {
        rows.push(Row {
            cells: r
                .iter()
                .zip(&widths)
                .map(|(text, &w)| {
                    cell(
                        w,
                        Para::new(Align::Left).text(text, Font::pt(TABLE_PT)).xml(),
                    )
                })
                .collect(),
            header: false,
            min_height: None,
            cant_split: true,
        });
    }
    s.push_str(&table(&widths, &rows, true));
    s
}

/// Boxes 9b and 7: "Nơi nhận" on the left, the signature block on the right.
fn closing(doc: &AdminDoc, width: u32) -> String {
    let left = width * 9 / 20;
    let right = width - left;

    let mut recipients = Para {
        before: 120,
        ..Para::new(Align::Left)
    }
    .text("Nơi nhận:", Font::pt(12).bold().italic())
    .xml();
    for r in &doc.recipients {
        let r = r
            .trim()
            .trim_start_matches('-')
            .trim()
            .trim_end_matches(';');
        recipients.push_str(
            &Para::new(Align::Left)
                .text(&format!("- {r};"), Font::pt(11))
                .xml(),
        );
    }
    let archive = doc.archive.trim().trim_end_matches('.');
    recipients.push_str(
        &Para::new(Align::Left)
            .text(&format!("- Lưu: {archive}."), Font::pt(11))
            .xml(),
    );

    let mut signature = String::new();
    let mut first_line = true;
    for line in [doc.signer.authority.as_deref(), Some(&doc.signer.position)]
        .into_iter()
        .flatten()
    {
        signature.push_str(
            &Para {
                before: if first_line { 120 } else { 0 },
                ..Para::new(Align::Center)
            }
            .text(&line.trim().to_uppercase(), Font::pt(BODY_PT).bold())
            .xml(),
        );
        first_line = false;
    }
    // Room for the handwritten signature and the seal (about 3 cm).
    signature.push_str(
        &Para {
            before: 1700,
            ..Para::new(Align::Center)
        }
        .text(doc.signer.name.trim(), Font::pt(BODY_PT).bold())
        .xml(),
    );

    let cell = |w: u32, paragraphs: String| Cell {
        width: w,
        paragraphs,
        v_center: false,
        shade: None,
    };
    let mut s = Para {
        after: 120,
        ..Para::default()
    }
    .xml();
    s.push_str(&table(
        &[left, right],
        &[Row {
            cells: vec![cell(left, recipients), cell(right, signature)],
            header: false,
            min_height: None,
            cant_split: true,
        }],
        false,
    ));
    s.push_str(&Para::default().xml());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals() {
        let got: Vec<String> = [1, 2, 3, 4, 5, 9, 10, 14, 40, 90, 400, 1994, 3999]
            .into_iter()
            .map(roman)
            .collect();
        assert_eq!(
            got,
            [
                "I",
                "II",
                "III",
                "IV",
                "V",
                "IX",
                "X",
                "XIV",
                "XL",
                "XC",
                "CD",
                "MCMXCIV",
                "MMMCMXCIX"
            ]
        );
        assert_eq!(roman(0), "0");
    }

    #[test]
    fn vietnamese_letters_skip_f_j_w_z_and_include_dd() {
        let letters: String = (1..=23).map(vietnamese_letter).collect();
        assert_eq!(letters, "abcdđeghiklmnopqrstuvxy");
        assert_eq!(vietnamese_letter(24), "24");
        assert_eq!(vietnamese_letter(0), "0");
    }

    #[test]
    fn numbering_restarts_lower_levels() {
        let mut n = Numbering::default();
        let seq: Vec<String> = [
            HeadingLevel::Roman,
            HeadingLevel::Arabic,
            HeadingLevel::Letter,
            HeadingLevel::Letter,
            HeadingLevel::Arabic,
            HeadingLevel::Letter,
            HeadingLevel::Roman,
            HeadingLevel::Arabic,
        ]
        .into_iter()
        .map(|l| n.next(l))
        .collect();
        assert_eq!(seq, ["I.", "1.", "a)", "b)", "2.", "a)", "II.", "1."]);
    }
}
