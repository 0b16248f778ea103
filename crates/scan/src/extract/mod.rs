//! Text extraction (trích xuất văn bản) from untrusted files: DOCX, PDF, HTML and plain text.
//!
//! Every extractor treats its input as hostile: sizes are capped, zip entries are bounded (entry
//! count, per-entry and total decompressed size), encrypted content is refused, XML is streamed
//! (no recursion on nesting depth), and no extractor panics on purpose. Panics, loops and memory
//! blow-ups in third-party parsers are contained by running extraction in a child process
//! ([`crate::isolate`]); in-process callers get the same results without that protection.
//!
//! Legacy Vietnamese fonts are repaired per run here, where the font name is known, before any
//! normalisation happens downstream.

pub mod docx;
pub mod html;
pub mod ocr;
pub mod pdf;
pub mod txt;
mod zipread;

use thiserror::Error;

use crate::model::Extracted;

/// Why a file could not be read (không đọc được tệp).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ExtractError {
    #[error("tệp hỏng hoặc sai định dạng: {0}")]
    Corrupt(String),
    #[error("tệp vượt giới hạn an toàn: {0}")]
    Limit(String),
    #[error("tệp được mã hoá/đặt mật khẩu")]
    Encrypted,
    #[error("định dạng chưa được hỗ trợ: {0}")]
    Unsupported(String),
    #[error("trích xuất quá thời gian cho phép")]
    Timeout,
    #[error("tiến trình trích xuất bị lỗi: {0}")]
    Crashed(String),
    #[error("kết quả trích xuất quá lớn")]
    OutputTooLarge,
    #[error("lỗi vào/ra: {0}")]
    Io(String),
}

/// Limits for one extraction (zip-bomb and size caps).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_input: usize,
    pub max_zip_entries: usize,
    pub max_entry_size: u64,
    pub max_total_size: u64,
    /// Maximum XML element nesting depth.
    pub max_depth: usize,
    pub max_pdf_pages: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input: 256 << 20,
            max_zip_entries: 5_000,
            max_entry_size: 64 << 20,
            max_total_size: 256 << 20,
            max_depth: 512,
            max_pdf_pages: 5_000,
        }
    }
}

/// File formats the scanner reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Pdf,
    Html,
    Txt,
    /// A picture (PNG, JPEG, GIF, TIFF, BMP): its text, a stamp included, only OCR can read.
    Image,
}

/// Magic bytes of the picture formats tesseract reads.
fn is_image(bytes: &[u8], lower_name: &str) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xff, 0xd8, 0xff])
        || bytes.starts_with(b"GIF87a")
        || bytes.starts_with(b"GIF89a")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || [".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"]
            .iter()
            .any(|e| lower_name.ends_with(e))
}

/// Recognise the format from magic bytes first, the file name second.
pub fn sniff(bytes: &[u8], file_name: &str) -> Format {
    let lower = file_name.to_ascii_lowercase();
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Format::Docx;
    }
    if bytes.len() >= 5
        && bytes[..bytes.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-")
    {
        return Format::Pdf;
    }
    if is_image(bytes, &lower) {
        return Format::Image;
    }
    if lower.ends_with(".docx") || lower.ends_with(".docm") || lower.ends_with(".dotx") {
        return Format::Docx;
    }
    if lower.ends_with(".pdf") {
        return Format::Pdf;
    }
    if lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml") {
        return Format::Html;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return Format::Html;
    }
    Format::Txt
}

/// Extract in-process (no isolation). Use [`crate::isolate::extract_isolated`] for untrusted files.
pub fn extract(bytes: &[u8], file_name: &str, limits: &Limits) -> Result<Extracted, ExtractError> {
    if bytes.len() > limits.max_input {
        return Err(ExtractError::Limit(format!(
            "tệp lớn hơn {} MB",
            limits.max_input >> 20
        )));
    }
    match sniff(bytes, file_name) {
        Format::Docx => docx::extract(bytes, limits),
        Format::Pdf => pdf::extract(bytes, limits),
        Format::Html => Ok(html::extract(bytes)),
        Format::Txt => Ok(txt::extract(bytes)),
        Format::Image => Ok(ocr::extract_image(bytes)),
    }
}
