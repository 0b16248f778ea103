//! Small WordprocessingML (OOXML) vocabulary written as strings.
//!
//! Every piece of caller text goes through [`escape`] (inside [`Font::run`]), so text can never
//! break the markup: `&`, `<`, `>`, quotes are escaped, characters XML 1.0 forbids are dropped,
//! `\n` becomes a line break and `\t` a tab. Child elements are emitted in the order the
//! ECMA-376 schema requires (`rPr`, `pPr`, `sectPr`, `tblPr`, `tcPr`), because Word "repairs"
//! files whose property elements are out of order.

use std::fmt::Write as _;

/// Twips (1/20 pt) per millimetre, rounded: 1 mm = 56.69 twips.
pub(crate) const fn mm(millimetres: u32) -> u32 {
    (millimetres * 5669 + 50) / 100
}

/// The font family every run uses (ND30: Times New Roman, Unicode).
pub(crate) const FONT: &str = "Times New Roman";

/// A4 in twips, portrait (width, height).
pub(crate) const A4_SHORT: u32 = 11906;
pub(crate) const A4_LONG: u32 = 16838;

/// Escape text for element content and attribute values, dropping characters that XML 1.0
/// does not allow at all (C0 controls other than tab/newline/CR, U+FFFE, U+FFFF).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Character formatting of one run. Sizes are in points; half-points are written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Font {
    pub size_pt: u16,
    pub bold: bool,
    pub italic: bool,
    /// RGB hex without `#`, e.g. `"FF0000"`.
    pub color: Option<&'static str>,
}

impl Font {
    pub(crate) const fn pt(size_pt: u16) -> Self {
        Self {
            size_pt,
            bold: false,
            italic: false,
            color: None,
        }
    }
    pub(crate) const fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    pub(crate) const fn italic(mut self) -> Self {
        self.italic = true;
        self
    }
    pub(crate) const fn color(mut self, rgb: &'static str) -> Self {
        self.color = Some(rgb);
        self
    }

    /// `<w:rPr>` in schema order: rFonts, b, bCs, i, iCs, color, sz, szCs, lang.
    pub(crate) fn rpr(&self) -> String {
        let mut s = String::from("<w:rPr>");
        let _ = write!(
            s,
            r#"<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>"#
        );
        if self.bold {
            s.push_str("<w:b/><w:bCs/>");
        }
        if self.italic {
            s.push_str("<w:i/><w:iCs/>");
        }
        if let Some(rgb) = self.color {
            let _ = write!(s, r#"<w:color w:val="{rgb}"/>"#);
        }
        let half = self.size_pt * 2;
        let _ = write!(s, r#"<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>"#);
        s.push_str(r#"<w:lang w:val="vi-VN"/>"#);
        s.push_str("</w:rPr>");
        s
    }

    /// One run of escaped text; `\n` becomes `<w:br/>` and `\t` `<w:tab/>`.
    pub(crate) fn run(&self, text: &str) -> String {
        let mut s = format!("<w:r>{}", self.rpr());
        let escaped = escape(text);
        let mut first = true;
        for line in escaped.split('\n') {
            if !first {
                s.push_str("<w:br/>");
            }
            first = false;
            let mut first_piece = true;
            for piece in line.split('\t') {
                if !first_piece {
                    s.push_str("<w:tab/>");
                }
                first_piece = false;
                let piece = piece.trim_end_matches('\r');
                if !piece.is_empty() {
                    let _ = write!(s, r#"<w:t xml:space="preserve">{piece}</w:t>"#);
                }
            }
        }
        s.push_str("</w:r>");
        s
    }

    /// A run holding only a tab character.
    pub(crate) fn tab(&self) -> String {
        format!("<w:r>{}<w:tab/></w:r>", self.rpr())
    }

    /// The current page number as a complex field (`PAGE`), rendered live by Word and LibreOffice.
    pub(crate) fn page_field(&self) -> String {
        let rpr = self.rpr();
        format!(
            concat!(
                r#"<w:r>{0}<w:fldChar w:fldCharType="begin"/></w:r>"#,
                r#"<w:r>{0}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>"#,
                r#"<w:r>{0}<w:fldChar w:fldCharType="separate"/></w:r>"#,
                r#"<w:r>{0}<w:t>2</w:t></w:r>"#,
                r#"<w:r>{0}<w:fldChar w:fldCharType="end"/></w:r>"#
            ),
            rpr
        )
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Align {
    #[default]
    Left,
    Center,
    Justify,
}

impl Align {
    fn val(self) -> &'static str {
        match self {
            Align::Left => "left",
            Align::Center => "center",
            Align::Justify => "both",
        }
    }
}

/// Which sides of a paragraph get a border line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum ParaBorder {
    #[default]
    None,
    /// A line above the (usually empty) paragraph: used for the short rules under the agency
    /// name, the motto and the summary.
    Top,
    /// A line below the paragraph (running headers).
    Bottom,
    /// A box around the paragraph, in the given colour (the level stamp).
    Box(&'static str),
}

/// Paragraph formatting plus its runs. Distances are in twips.
#[derive(Clone, Debug, Default)]
pub(crate) struct Para {
    pub align: Align,
    pub before: u32,
    pub after: u32,
    /// Line spacing in 240ths of a line (`240` = single); `None` keeps the default (single).
    pub line: Option<u32>,
    /// Exact line height in twips (used for the hairline rule paragraphs).
    pub exact_line: Option<u32>,
    pub first_line: u32,
    pub ind_left: u32,
    pub ind_right: u32,
    pub keep_next: bool,
    pub keep_lines: bool,
    pub page_break_before: bool,
    pub border: ParaBorder,
    /// Tab stops: (kind, position in twips), kind is `"left"`, `"center"` or `"right"`.
    pub tabs: Vec<(&'static str, u32)>,
    /// Font of the paragraph mark itself (sizes an empty paragraph).
    pub mark: Option<Font>,
    /// Ends a section here (`<w:sectPr>` inside `<w:pPr>`).
    pub section: Option<String>,
    pub runs: String,
}

impl Para {
    pub(crate) fn new(align: Align) -> Self {
        Self {
            align,
            ..Self::default()
        }
    }

    /// Append one run of `text` in `font`.
    pub(crate) fn text(mut self, text: &str, font: Font) -> Self {
        self.runs.push_str(&font.run(text));
        self
    }

    /// Append already-built run markup.
    pub(crate) fn raw(mut self, runs: &str) -> Self {
        self.runs.push_str(runs);
        self
    }

    pub(crate) fn xml(&self) -> String {
        let mut p = String::from("<w:p><w:pPr>");
        if self.keep_next {
            p.push_str("<w:keepNext/>");
        }
        if self.keep_lines {
            p.push_str("<w:keepLines/>");
        }
        if self.page_break_before {
            p.push_str("<w:pageBreakBefore/>");
        }
        match self.border {
            ParaBorder::None => {}
            ParaBorder::Top => p.push_str(
                r#"<w:pBdr><w:top w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>"#,
            ),
            ParaBorder::Bottom => p.push_str(
                r#"<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="000000"/></w:pBdr>"#,
            ),
            ParaBorder::Box(rgb) => {
                let side = |name: &str| {
                    format!(r#"<w:{name} w:val="single" w:sz="12" w:space="2" w:color="{rgb}"/>"#)
                };
                let _ = write!(
                    p,
                    "<w:pBdr>{}{}{}{}</w:pBdr>",
                    side("top"),
                    side("left"),
                    side("bottom"),
                    side("right")
                );
            }
        }
        if !self.tabs.is_empty() {
            p.push_str("<w:tabs>");
            for (kind, pos) in &self.tabs {
                let _ = write!(p, r#"<w:tab w:val="{kind}" w:pos="{pos}"/>"#);
            }
            p.push_str("</w:tabs>");
        }
        let _ = write!(
            p,
            r#"<w:spacing w:before="{}" w:after="{}""#,
            self.before, self.after
        );
        if let Some(exact) = self.exact_line {
            let _ = write!(p, r#" w:line="{exact}" w:lineRule="exact""#);
        } else if let Some(line) = self.line {
            let _ = write!(p, r#" w:line="{line}" w:lineRule="auto""#);
        }
        p.push_str("/>");
        if self.first_line > 0 || self.ind_left > 0 || self.ind_right > 0 {
            let _ = write!(
                p,
                r#"<w:ind w:left="{}" w:right="{}" w:firstLine="{}"/>"#,
                self.ind_left, self.ind_right, self.first_line
            );
        }
        let _ = write!(p, r#"<w:jc w:val="{}"/>"#, self.align.val());
        if let Some(mark) = self.mark {
            p.push_str(&mark.rpr());
        }
        if let Some(sect) = &self.section {
            p.push_str(sect);
        }
        p.push_str("</w:pPr>");
        p.push_str(&self.runs);
        p.push_str("</w:p>\n");
        p
    }
}

/// A short horizontal rule of `width` twips, centred in a column of `column` twips, drawn as the
/// top border of a 3 pt-high empty paragraph (ND30 draws such rules under the agency name,
/// the motto and the summary).
pub(crate) fn rule(column: u32, width: u32) -> String {
    let side = column.saturating_sub(width) / 2;
    Para {
        align: Align::Center,
        // A little air so the line clears descenders and dots below (ạ, ự, ọ).
        before: 30,
        exact_line: Some(60),
        ind_left: side,
        ind_right: side,
        border: ParaBorder::Top,
        mark: Some(Font::pt(2)),
        ..Para::default()
    }
    .xml()
}

/// Rough rendered width in twips of `text` in Times New Roman at `size_pt`: about 0.5 em per
/// lower-case letter and 0.7 em per capital. Used only to size the decorative rules and the stamp
/// box, where a few millimetres do not matter.
pub(crate) fn estimate_width(text: &str, size_pt: u16, bold: bool) -> u32 {
    let em = u32::from(size_pt) * 20;
    let mut thousandths = 0u32;
    for c in text.chars() {
        thousandths += if c == ' ' {
            250
        } else if c.is_uppercase() {
            700
        } else if c.is_ascii_digit() || c.is_lowercase() {
            480
        } else {
            350
        };
    }
    let base = thousandths * em / 1000;
    if bold { base * 105 / 100 } else { base }
}

/// Page orientation of a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Orientation {
    Portrait,
    Landscape,
}

/// Margins in twips.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Margins {
    pub top: u32,
    pub bottom: u32,
    pub left: u32,
    pub right: u32,
    /// Distance from the top edge to the header.
    pub header: u32,
}

impl Margins {
    /// ND30 Phụ lục I: top and bottom 20 mm, left 30 mm, right 15 mm (the smallest values of the
    /// allowed ranges); the running header sits 10 mm from the top edge.
    pub(crate) const ND30: Margins = Margins {
        top: mm(20),
        bottom: mm(20),
        left: mm(30),
        right: mm(15),
        header: mm(10),
    };
}

/// Section properties (`<w:sectPr>`).
#[derive(Clone, Debug)]
pub(crate) struct Section {
    pub orientation: Orientation,
    pub margins: Margins,
    /// Relationship id of the default header.
    pub header: Option<&'static str>,
    /// Relationship id of the first-page header; also switches on `w:titlePg`.
    pub first_header: Option<&'static str>,
    /// Restart page numbering at this number.
    pub page_start: Option<u32>,
}

impl Section {
    pub(crate) fn text_width(&self) -> u32 {
        let page = match self.orientation {
            Orientation::Portrait => A4_SHORT,
            Orientation::Landscape => A4_LONG,
        };
        page - self.margins.left - self.margins.right
    }

    /// In schema order: headerReference*, pgSz, pgMar, pgNumType, cols, titlePg.
    pub(crate) fn xml(&self) -> String {
        let mut s = String::from("<w:sectPr>");
        if let Some(id) = self.header {
            let _ = write!(s, r#"<w:headerReference w:type="default" r:id="{id}"/>"#);
        }
        if let Some(id) = self.first_header {
            let _ = write!(s, r#"<w:headerReference w:type="first" r:id="{id}"/>"#);
        }
        match self.orientation {
            Orientation::Portrait => {
                let _ = write!(s, r#"<w:pgSz w:w="{A4_SHORT}" w:h="{A4_LONG}"/>"#);
            }
            Orientation::Landscape => {
                let _ = write!(
                    s,
                    r#"<w:pgSz w:w="{A4_LONG}" w:h="{A4_SHORT}" w:orient="landscape"/>"#
                );
            }
        }
        let m = self.margins;
        let _ = write!(
            s,
            r#"<w:pgMar w:top="{}" w:right="{}" w:bottom="{}" w:left="{}" w:header="{}" w:footer="{}" w:gutter="0"/>"#,
            m.top, m.right, m.bottom, m.left, m.header, m.header
        );
        if let Some(start) = self.page_start {
            let _ = write!(s, r#"<w:pgNumType w:start="{start}"/>"#);
        }
        s.push_str(r#"<w:cols w:space="720"/>"#);
        if self.first_header.is_some() {
            s.push_str("<w:titlePg/>");
        }
        s.push_str("</w:sectPr>");
        s
    }
}

/// Split `total` twips between columns in proportion to `weights` (all > 0); the rounding
/// remainder goes to the last column so the widths add up exactly.
pub(crate) fn split_widths(total: u32, weights: &[u16]) -> Vec<u32> {
    let sum: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut widths: Vec<u32> = weights
        .iter()
        .map(|&w| (u64::from(total) * u64::from(w) / sum) as u32)
        .collect();
    let used: u32 = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += total - used;
    }
    widths
}

/// One table cell's content and look.
pub(crate) struct Cell {
    pub width: u32,
    /// Already-built paragraphs; an empty cell still gets one empty paragraph.
    pub paragraphs: String,
    pub v_center: bool,
    pub shade: Option<&'static str>,
}

/// A table row.
pub(crate) struct Row {
    pub cells: Vec<Cell>,
    /// Repeat this row at the top of every page (`w:tblHeader`).
    pub header: bool,
    /// Minimum height in twips.
    pub min_height: Option<u32>,
    pub cant_split: bool,
}

/// A fixed-layout table; `borders` draws single lines around and between cells.
pub(crate) fn table(widths: &[u32], rows: &[Row], borders: bool) -> String {
    let total: u32 = widths.iter().sum();
    let mut t = String::from("<w:tbl><w:tblPr>");
    let _ = write!(t, r#"<w:tblW w:w="{total}" w:type="dxa"/>"#);
    t.push_str(r#"<w:jc w:val="center"/>"#);
    if borders {
        t.push_str("<w:tblBorders>");
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            let _ = write!(
                t,
                r#"<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>"#
            );
        }
        t.push_str("</w:tblBorders>");
    } else {
        t.push_str("<w:tblBorders>");
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            let _ = write!(t, r#"<w:{side} w:val="nil"/>"#);
        }
        t.push_str("</w:tblBorders>");
    }
    t.push_str(r#"<w:tblLayout w:type="fixed"/>"#);
    t.push_str(concat!(
        r#"<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>"#,
        r#"<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>"#
    ));
    t.push_str(r#"<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>"#);
    for w in widths {
        let _ = write!(t, r#"<w:gridCol w:w="{w}"/>"#);
    }
    t.push_str("</w:tblGrid>\n");
    for row in rows {
        t.push_str("<w:tr>");
        if row.header || row.min_height.is_some() || row.cant_split {
            t.push_str("<w:trPr>");
            if row.cant_split {
                t.push_str("<w:cantSplit/>");
            }
            if let Some(h) = row.min_height {
                let _ = write!(t, r#"<w:trHeight w:val="{h}" w:hRule="atLeast"/>"#);
            }
            if row.header {
                t.push_str("<w:tblHeader/>");
            }
            t.push_str("</w:trPr>");
        }
        for cell in &row.cells {
            let _ = write!(
                t,
                r#"<w:tc><w:tcPr><w:tcW w:w="{}" w:type="dxa"/>"#,
                cell.width
            );
            if let Some(fill) = cell.shade {
                let _ = write!(
                    t,
                    r#"<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>"#
                );
            }
            if cell.v_center {
                t.push_str(r#"<w:vAlign w:val="center"/>"#);
            }
            t.push_str("</w:tcPr>");
            if cell.paragraphs.is_empty() {
                t.push_str("<w:p/>");
            } else {
                t.push_str(&cell.paragraphs);
            }
            t.push_str("</w:tc>");
        }
        t.push_str("</w:tr>\n");
    }
    t.push_str("</w:tbl>\n");
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_forbidden_controls() {
        assert_eq!(
            escape(r#"<a & "b" 'c'>"#),
            "&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;"
        );
        assert_eq!(escape("x\u{0}\u{7}\u{1b}y\u{FFFF}"), "xy");
        assert_eq!(escape("Độ mật\tMẬT\n"), "Độ mật\tMẬT\n");
    }

    #[test]
    fn run_turns_newlines_and_tabs_into_elements() {
        let r = Font::pt(13).run("a\tb\nc");
        assert!(r.contains(
            r#"<w:t xml:space="preserve">a</w:t><w:tab/><w:t xml:space="preserve">b</w:t><w:br/><w:t xml:space="preserve">c</w:t>"#
        ));
        assert!(!r.contains('\n'));
    }

    #[test]
    fn rpr_names_the_font_for_all_four_scripts() {
        let r = Font::pt(14).bold().italic().rpr();
        assert!(r.contains(r#"w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman""#));
        assert!(r.contains(r#"<w:sz w:val="28"/>"#));
        // Schema order: b before i before sz.
        let (b, i, sz) = (
            r.find("<w:b/>").unwrap(),
            r.find("<w:i/>").unwrap(),
            r.find("<w:sz ").unwrap(),
        );
        assert!(b < i && i < sz);
    }

    #[test]
    fn widths_add_up_exactly() {
        let w = split_widths(14287, &[1, 3, 3, 5, 2, 3, 4, 2, 1, 2]);
        assert_eq!(w.iter().sum::<u32>(), 14287);
        assert!(w[0] < w[1]);
        assert_eq!(split_widths(100, &[1, 1, 1]), vec![33, 33, 34]);
    }

    #[test]
    fn millimetres_to_twips() {
        assert_eq!(mm(20), 1134);
        assert_eq!(mm(30), 1701);
        assert_eq!(mm(15), 850);
        assert_eq!(mm(10), 567);
    }
}
