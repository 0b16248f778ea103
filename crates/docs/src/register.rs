//! The register book (sổ đăng ký): a cover page, an optional "hướng dẫn ghi sổ" page, then A4
//! landscape pages holding one table whose header rows repeat on every page.
//!
//! The register's columns arrive as data ([`RegisterColumn`]): legal.md §10.2 says the official
//! column titles are `[U]` and must be kept as data (template + version + effective date), so
//! nothing here knows which register it prints. Validation guarantees that the table is
//! rectangular: every row has exactly one cell per column.

use time::Date;

use crate::layout::{BODY_PT, agency_block};
use crate::ooxml::{
    Align, Cell, Font, Margins, Orientation, Para, ParaBorder, Row, Section, split_widths, table,
};
use crate::package::{HeaderPart, Package};
use crate::{DocsError, fmt_date, guarded};

/// One column of a register or document table: its heading and its share of the table width.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterColumn {
    /// Column heading as printed (e.g. "Số, ký hiệu tài liệu, vật chứa BMNN"); `\n` breaks a line.
    pub title: String,
    /// Relative width: a column of weight 4 is twice as wide as one of weight 2. Must be > 0.
    pub width_weight: u16,
}

/// A register book (sổ đăng ký) ready to print, e.g. "Sổ đăng ký bí mật nhà nước đi".
///
/// The cover fields are the six cover notes of legal.md §10.2 `[S]`: superior agency, agency,
/// year opened, first and last registration dates, first and last sequence numbers, book number.
/// A cover field left `None` prints as a dotted line to be filled in by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterDoc {
    /// Register title, e.g. "SỔ ĐĂNG KÝ BÍ MẬT NHÀ NƯỚC ĐI" (printed in capitals).
    pub title: String,
    /// (1) Direct superior agency (cơ quan, tổ chức cấp trên trực tiếp), if any.
    pub superior_agency: Option<String>,
    /// (2) The agency keeping the register.
    pub agency: String,
    /// (3) Year the register was opened.
    pub year: i32,
    /// (4) Date of the first registration in this book.
    pub first_date: Option<Date>,
    /// (4) Date of the last registration in this book.
    pub last_date: Option<Date>,
    /// (5) First sequence number (số thứ tự) in this book.
    pub first_number: Option<u32>,
    /// (5) Last sequence number in this book.
    pub last_number: Option<u32>,
    /// (6) Book number (quyển số).
    pub book_number: Option<u32>,
    /// Table columns, left to right.
    pub columns: Vec<RegisterColumn>,
    /// Table rows, already formatted as text; each has exactly `columns.len()` cells. Empty rows
    /// (all cells `""`) print as blank lines for handwritten entries.
    pub rows: Vec<Vec<String>>,
    /// Paragraphs of the "hướng dẫn ghi sổ" page; empty means no such page.
    pub instructions: Vec<String>,
}

const HEADER_REL: &str = "rIdHeaderRegister";
/// Table text size: 12 pt keeps ten columns legible on a landscape page.
const CELL_PT: u16 = 12;
/// Minimum row height (1 cm) so that a signature fits in a "ký nhận" column.
const ROW_MIN_HEIGHT: u32 = 567;

/// Render a register book as `.docx` bytes.
///
/// # Errors
/// [`DocsError::MissingField`] for an empty title or agency, [`DocsError::NoColumns`],
/// [`DocsError::ZeroWidth`], [`DocsError::RowWidth`] for a table that is not rectangular, and
/// [`DocsError::Package`]/[`DocsError::Panic`] if writing the zip fails.
pub fn register_docx(model: &RegisterDoc) -> Result<Vec<u8>, DocsError> {
    guarded(|| register_package(model)?.to_bytes())
}

/// Validate the table of a register or document.
pub(crate) fn check_table(
    table: &'static str,
    columns: &[RegisterColumn],
    rows: &[Vec<String>],
) -> Result<(), DocsError> {
    if columns.is_empty() {
        return Err(DocsError::NoColumns { table });
    }
    if let Some(index) = columns.iter().position(|c| c.width_weight == 0) {
        return Err(DocsError::ZeroWidth { table, index });
    }
    if let Some((row, cells)) = rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.len() != columns.len())
    {
        return Err(DocsError::RowWidth {
            table,
            row,
            expected: columns.len(),
            found: cells.len(),
        });
    }
    Ok(())
}

pub(crate) fn register_package(model: &RegisterDoc) -> Result<Package, DocsError> {
    if model.title.trim().is_empty() {
        return Err(DocsError::MissingField("title"));
    }
    if model.agency.trim().is_empty() {
        return Err(DocsError::MissingField("agency"));
    }
    check_table("register", &model.columns, &model.rows)?;

    let title = model.title.trim().to_uppercase();
    // Cover and instructions: no running header. Table pages: header, numbering from 1.
    let front = Section {
        orientation: Orientation::Landscape,
        margins: Margins::ND30,
        header: None,
        first_header: None,
        page_start: None,
    };
    let pages = Section {
        header: Some(HEADER_REL),
        page_start: Some(1),
        ..front.clone()
    };
    let width = pages.text_width();

    let mut body = cover(model, &title, width);
    if !model.instructions.is_empty() {
        body.push_str(&instructions(&model.instructions));
    }
    // End the front section with an empty paragraph carrying its properties.
    body.push_str(
        &Para {
            section: Some(front.xml()),
            ..Para::default()
        }
        .xml(),
    );
    body.push_str(&register_table(&model.columns, &model.rows, width));
    // A table may not end a section in Word's eyes; a 1 pt paragraph closes it.
    body.push_str(
        &Para {
            exact_line: Some(20),
            mark: Some(Font::pt(1)),
            ..Para::default()
        }
        .xml(),
    );
    body.push_str(&pages.xml());
    body.push('\n');

    let header = running_header(&format!("{title} - NĂM {}", model.year), width);
    Ok(Package {
        title: model.title.trim().to_owned(),
        body,
        headers: vec![HeaderPart {
            rel_id: HEADER_REL,
            paragraphs: header,
        }],
        footnotes: Vec::new(),
    })
}

const DOTS: &str = "……………";

fn or_dots(value: Option<String>) -> String {
    value.unwrap_or_else(|| DOTS.to_owned())
}

/// The cover page: agency block top left, then the title, year and the cover notes centred.
fn cover(model: &RegisterDoc, title: &str, width: u32) -> String {
    let left = width * 2 / 5;
    let mut s = table(
        &[left, width - left],
        &[Row {
            cells: vec![
                Cell {
                    width: left,
                    paragraphs: agency_block(
                        model.superior_agency.as_deref(),
                        &model.agency,
                        left - 170,
                    ),
                    v_center: false,
                    shade: None,
                },
                Cell {
                    width: width - left,
                    paragraphs: String::new(),
                    v_center: false,
                    shade: None,
                },
            ],
            header: false,
            min_height: None,
            cant_split: false,
        }],
        false,
    );
    s.push_str(
        &Para {
            before: 1700,
            keep_next: true,
            ..Para::new(Align::Center)
        }
        .text(title, Font::pt(22).bold())
        .xml(),
    );
    s.push_str(
        &Para {
            before: 240,
            ..Para::new(Align::Center)
        }
        .text(&format!("Năm: {}", model.year), Font::pt(16).bold())
        .xml(),
    );
    let dates = format!(
        "Từ ngày {} đến ngày {}",
        or_dots(model.first_date.map(fmt_date)),
        or_dots(model.last_date.map(fmt_date))
    );
    let numbers = format!(
        "Từ số {} đến số {}",
        or_dots(model.first_number.map(|n| format!("{n:02}"))),
        or_dots(model.last_number.map(|n| format!("{n:02}")))
    );
    let book = format!(
        "Quyển số: {}",
        or_dots(model.book_number.map(|n| format!("{n:02}")))
    );
    for (i, line) in [dates, numbers].iter().enumerate() {
        s.push_str(
            &Para {
                before: if i == 0 { 1400 } else { 120 },
                ..Para::new(Align::Center)
            }
            .text(line, Font::pt(BODY_PT))
            .xml(),
        );
    }
    s.push_str(
        &Para {
            before: 360,
            ..Para::new(Align::Center)
        }
        .text(&book, Font::pt(BODY_PT).bold())
        .xml(),
    );
    s
}

/// The "hướng dẫn ghi sổ" page, on a page of its own.
fn instructions(paragraphs: &[String]) -> String {
    let mut s = Para {
        page_break_before: true,
        after: 240,
        keep_next: true,
        ..Para::new(Align::Center)
    }
    .text("HƯỚNG DẪN GHI SỔ", Font::pt(BODY_PT).bold())
    .xml();
    for text in paragraphs {
        s.push_str(
            &Para {
                before: 120,
                line: Some(276),
                first_line: 567,
                ..Para::new(Align::Justify)
            }
            .text(text, Font::pt(BODY_PT))
            .xml(),
        );
    }
    s
}

/// The register table: a heading row and a "(1) (2) …" numbering row, both repeated on every
/// page, then one row per entry.
pub(crate) fn register_table(
    columns: &[RegisterColumn],
    rows: &[Vec<String>],
    width: u32,
) -> String {
    let weights: Vec<u16> = columns.iter().map(|c| c.width_weight).collect();
    let widths = fit_words(split_widths(width, &weights), columns, rows);
    let cell = |w: u32, para: String| Cell {
        width: w,
        paragraphs: para,
        v_center: true,
        shade: None,
    };
    let mut all = Vec::with_capacity(rows.len() + 2);
    all.push(Row {
        cells: columns
            .iter()
            .zip(&widths)
            .map(|(c, &w)| {
                cell(
                    w,
                    Para::new(Align::Center)
                        .text(c.title.trim(), Font::pt(CELL_PT).bold())
                        .xml(),
                )
            })
            .collect(),
        header: true,
        min_height: None,
        cant_split: true,
    });
    all.push(Row {
        cells: widths
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                cell(
                    w,
                    Para::new(Align::Center)
                        .text(&format!("({})", i + 1), Font::pt(CELL_PT - 1).italic())
                        .xml(),
                )
            })
            .collect(),
        header: true,
        min_height: None,
        cant_split: true,
    });
    for row in rows {
        all.push(Row {
            cells: row
                .iter()
                .zip(&widths)
                .map(|(text, &w)| {
                    cell(
                        w,
                        Para::new(Align::Left).text(text, Font::pt(CELL_PT)).xml(),
                    )
                })
                .collect(),
            header: false,
            min_height: Some(ROW_MIN_HEIGHT),
            cant_split: true,
        });
    }
    table(&widths, &all, true)
}

/// Twips one character of the cell font takes at most on average (12 pt Times New Roman: a
/// digit is 6 pt = 120 twips), and the cell's left and right margins together.
const CHAR_TWIPS: u32 = 125;
const CELL_MARGINS_TWIPS: u32 = 2 * 115;

/// Widens the columns whose longest unbreakable word (a date "02/12/2026", a number and
/// symbol "15/BC-SCT") would not fit on one line, taking the width from the widest columns,
/// so Word and LibreOffice never break a date or a number across lines. The total is kept.
fn fit_words(mut widths: Vec<u32>, columns: &[RegisterColumn], rows: &[Vec<String>]) -> Vec<u32> {
    let need: Vec<u32> = (0..widths.len())
        .map(|i| {
            let longest = rows
                .iter()
                .filter_map(|r| r.get(i))
                .chain(std::iter::once(&columns[i].title))
                .flat_map(|t| t.split_whitespace())
                .map(|w| w.chars().count() as u32)
                .max()
                .unwrap_or(0);
            longest * CHAR_TWIPS + CELL_MARGINS_TWIPS
        })
        .collect();
    for i in 0..widths.len() {
        while widths[i] < need[i] {
            // The column with the most room above its own need gives it.
            let Some(j) = (0..widths.len())
                .filter(|&j| j != i && widths[j] > need[j])
                .max_by_key(|&j| widths[j] - need[j])
            else {
                break;
            };
            let give = (need[i] - widths[i]).min(widths[j] - need[j]);
            widths[j] -= give;
            widths[i] += give;
        }
    }
    widths
}

/// Register page header: the title and year centred, the page number on the right, a rule under.
fn running_header(text: &str, width: u32) -> String {
    let font = Font::pt(CELL_PT);
    Para {
        border: ParaBorder::Bottom,
        tabs: vec![("center", width / 2), ("right", width)],
        ..Para::new(Align::Left)
    }
    .raw(&font.tab())
    .text(text, font.bold())
    .raw(&font.tab())
    .text("Trang ", font)
    .raw(&font.page_field())
    .xml()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(title: &str, w: u16) -> RegisterColumn {
        RegisterColumn {
            title: title.into(),
            width_weight: w,
        }
    }

    #[test]
    fn a_narrow_date_column_is_widened_from_the_widest_one() {
        let columns = [col("TT", 1), col("Ngày", 1), col("Trích yếu nội dung", 8)];
        let rows = vec![vec![
            "01".to_string(),
            "02/12/2026".to_string(),
            "Báo cáo kết quả kiểm tra".to_string(),
        ]];
        let before = split_widths(3000, &[1, 1, 8]);
        assert!(
            before[1] < 10 * CHAR_TWIPS,
            "the test starts from a column too narrow"
        );
        let after = fit_words(before, &columns, &rows);
        assert!(
            after[1] >= 10 * CHAR_TWIPS + CELL_MARGINS_TWIPS,
            "{after:?}"
        );
        assert_eq!(after.iter().sum::<u32>(), 3000, "the table keeps its width");
        assert!(after[2] < 2400, "the summary column gave the room");
    }
}
