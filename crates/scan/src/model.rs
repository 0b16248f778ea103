//! The extraction result (kết quả trích xuất văn bản): text units with provenance, as produced by
//! the extractors and sent as JSON from the isolated child to the parent.
//!
//! A [`TextUnit`] is one *block* in the sense of scanner.md §3.2: a paragraph, a line inside a
//! paragraph (after a line break), a table-cell paragraph, a text-box paragraph, a header/footer
//! paragraph, a PDF line, an annotation, or a metadata field. Its `text` is already repaired from
//! legacy fonts, but not yet normalised. Consecutive units with the same non-zero `group` belong to
//! one shape or table cell and may be joined (multi-line stamps).

use serde::{Deserialize, Serialize};

/// Where in the file a unit comes from (phần của tệp).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Nội dung chính.
    Body,
    /// Đầu trang.
    Header,
    /// Chân trang.
    Footer,
    /// Chú thích cuối trang / cuối tài liệu.
    Note,
    /// Nhận xét (comment).
    Comment,
    /// Thuộc tính tệp (document properties, HTML meta).
    Metadata,
    /// Chú thích PDF (annotation, e.g. a `/Stamp`).
    Annotation,
    /// Văn bản nhận dạng từ ảnh (OCR).
    Ocr,
}

impl Part {
    /// Vietnamese name used in reasons ("ở đầu trang (header)").
    pub fn vi(self) -> &'static str {
        match self {
            Part::Body => "trong nội dung chính (body)",
            Part::Header => "ở đầu trang (header)",
            Part::Footer => "ở chân trang (footer)",
            Part::Note => "trong chú thích (footnote/endnote)",
            Part::Comment => "trong nhận xét (comment)",
            Part::Metadata => "trong thuộc tính tệp (metadata)",
            Part::Annotation => "trong chú thích PDF (annotation)",
            Part::Ocr => "trong ảnh (nhận dạng OCR)",
        }
    }
}

/// Formatting that changes how likely a block is a stamp (scanner.md §3.2 rule 5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Style {
    pub bold: bool,
    /// Red ink (w:color ≈ FF0000, PDF fill colour).
    pub red: bool,
    /// Inside a text box / shape or a bordered table cell.
    pub boxed: bool,
    /// Inside a table cell.
    pub table: bool,
    /// Hidden text (w:vanish, display:none).
    pub hidden: bool,
    /// Tracked deletion (w:del / w:delText): still stored in the file.
    pub deleted: bool,
    /// Some of the text was repaired from a legacy font (TCVN3/VNI).
    pub legacy: bool,
    /// Found only in an earlier revision of an incrementally updated PDF (bản sửa trước): the
    /// final revision no longer shows it, but it is still in the file.
    #[serde(default)]
    pub revision: bool,
    /// Drawn by a PDF content stream that no revision's cross-reference table lists (đối tượng
    /// mồ côi): a viewer that repairs the file may still show it.
    #[serde(default)]
    pub orphan: bool,
}

/// One block of text with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextUnit {
    pub part: Part,
    /// 1-based page (PDF) when known.
    pub page: Option<u32>,
    /// 0-based paragraph/line index within the part (or within the page for PDFs).
    pub index: u32,
    /// Shape/cell group; 0 = not grouped.
    pub group: u32,
    pub text: String,
    pub style: Style,
    /// Name of the source part (`word/header1.xml`, `docProps/core.xml`, `page 3`, …).
    pub source: String,
}

/// A note produced during extraction that the verdict must report (never a silent pass).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ExtractNote {
    /// Pages without a text layer (scans): needs OCR or manual review.
    NoTextLayer { pages: Vec<u32> },
    /// Images that may contain a stamp were not read because OCR is unavailable.
    OcrUnavailable { images: u32 },
    /// OCR was run on this many images/pages.
    OcrDone { images: u32 },
    /// Something was skipped (an oversized part, an unsupported embedded object).
    Skipped { what: String },
}

/// Everything extracted from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extracted {
    /// Detected format: docx, pdf, html, txt.
    pub format: String,
    pub units: Vec<TextUnit>,
    pub notes: Vec<ExtractNote>,
}

impl Extracted {
    pub(crate) fn new(format: &str) -> Self {
        Extracted {
            format: format.to_owned(),
            units: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Total characters of text (for "no extractable text" decisions).
    pub fn text_len(&self) -> usize {
        self.units.iter().map(|u| u.text.trim().len()).sum()
    }
}
