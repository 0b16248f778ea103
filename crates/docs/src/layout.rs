//! ND30 building blocks shared by the register cover and the administrative document: the
//! issuing-agency block (box 2), the national title and motto (box 1), the level stamp (box 10a)
//! and the running header with the page number.
//!
//! Sizes follow the ND30 Phụ lục I summary in legal.md §23, which is `[S]` (secondary sources);
//! where ND30 gives a range we take one value and say which.

use crate::ooxml::{Align, Font, Para, ParaBorder, estimate_width, rule};

/// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (Quốc hiệu, box 1).
pub const NATIONAL_TITLE: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
/// "Độc lập - Tự do - Hạnh phúc" (Tiêu ngữ, box 1).
pub const NATIONAL_MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// Body text size (ND30: 13–14; we use 14).
pub(crate) const BODY_PT: u16 = 14;
/// Size of the agency names and the national title (ND30: 12–13; we use 13).
pub(crate) const HEAD_PT: u16 = 13;

/// Longest line of a possibly multi-line text, by estimated width.
fn widest_line(text: &str, size_pt: u16, bold: bool) -> u32 {
    text.lines()
        .map(|l| estimate_width(l.trim(), size_pt, bold))
        .max()
        .unwrap_or(0)
}

/// Box 2: the superior agency (capitals, not bold) above the issuing agency (capitals, bold),
/// with a centred rule under it about 2/5 as long as the name (ND30: 1/3 to 1/2).
pub(crate) fn agency_block(superior: Option<&str>, agency: &str, column: u32) -> String {
    let mut s = String::new();
    if let Some(sup) = superior.map(str::trim).filter(|s| !s.is_empty()) {
        s.push_str(
            &Para::new(Align::Center)
                .text(&sup.to_uppercase(), Font::pt(HEAD_PT))
                .xml(),
        );
    }
    let agency = agency.trim().to_uppercase();
    s.push_str(
        &Para::new(Align::Center)
            .text(&agency, Font::pt(HEAD_PT).bold())
            .xml(),
    );
    // A long name wraps inside the column, so the rule follows the wrapped width.
    let width = (widest_line(&agency, HEAD_PT, true).min(column) * 2 / 5).max(600);
    s.push_str(&rule(column, width));
    s
}

/// Box 1: the national title (capitals, bold, 13) and the motto (bold, 14) with a rule under it
/// as long as the motto.
pub(crate) fn national_block(column: u32) -> String {
    let mut s = Para::new(Align::Center)
        .text(NATIONAL_TITLE, Font::pt(HEAD_PT).bold())
        .xml();
    s.push_str(
        &Para::new(Align::Center)
            .text(NATIONAL_MOTTO, Font::pt(BODY_PT).bold())
            .xml(),
    );
    let width = estimate_width(NATIONAL_MOTTO, BODY_PT, true).min(column);
    s.push_str(&rule(column, width));
    s
}

/// Box 10a: the level stamp ("MẬT", "TỐI MẬT", "TUYỆT MẬT"): capitals, bold, red, in a red box
/// sized to the text (TT24 quotes 40 × 8 mm for TUYỆT MẬT and 30 × 8 mm for TỐI MẬT `[S]`; the
/// MẬT size is `[U]`).
pub(crate) fn level_stamp(text: &str, column: u32) -> String {
    const RED: &str = "FF0000";
    let text = text.trim().to_uppercase();
    // About 2 mm padding on each side inside the border.
    let width = (estimate_width(&text, HEAD_PT, true) + 500).clamp(1134, column);
    let side = column.saturating_sub(width) / 2;
    Para {
        align: Align::Center,
        before: 120,
        ind_left: side,
        ind_right: side,
        border: ParaBorder::Box(RED),
        ..Para::default()
    }
    .text(&text, Font::pt(HEAD_PT).bold().color(RED))
    .xml()
}

/// Running header centred in the top margin holding only the page number (ND30: Arabic
/// numerals, 13–14, centred in the top margin; we use 14).
pub(crate) fn page_number_header() -> String {
    Para::new(Align::Center)
        .raw(&Font::pt(BODY_PT).page_field())
        .xml()
}
