//! Text extraction (trích xuất văn bản) from untrusted files: DOCX, `.doc`, RTF, spreadsheets and
//! slide shows (OOXML, ODF, `.ppt`), PDF, HTML, SVG, plain text, zip, 7z and tar archives and
//! single compressed files (`.gz`, `.xz`).
//!
//! Every extractor treats its input as hostile: sizes are capped, zip entries are bounded (entry
//! count, per-entry and total decompressed size), encrypted content is refused, XML is streamed
//! (no recursion on nesting depth), and no extractor panics on purpose. Panics, loops and memory
//! blow-ups in third-party parsers are contained by running extraction in a child process
//! ([`crate::isolate`]); in-process callers get the same results without that protection.
//!
//! Legacy Vietnamese fonts are repaired per run here, where the font name is known, before any
//! normalisation happens downstream.

pub mod archives;
pub mod doc;
pub mod docx;
pub mod html;
pub mod mail;
pub mod msg;
pub mod ocr;
pub mod office;
mod ooxml;
pub mod pdf;
pub mod ppt;
pub mod rtf;
pub mod svg;
pub mod txt;
pub mod xls;
mod zipread;

use thiserror::Error;

use crate::model::{ExtractNote, Extracted};

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
    /// A zip package: DOCX, XLSX, PPTX, ODF or a plain archive (told apart by its entries).
    Docx,
    Pdf,
    Html,
    Txt,
    /// A picture (PNG, JPEG, GIF, TIFF, BMP, WebP, HEIC): its text, a stamp included, only OCR
    /// can read.
    Image,
    /// A 7z archive.
    SevenZip,
    /// A tar archive.
    Tar,
    /// A gzip-compressed file (`.gz`, `.tgz`).
    Gzip,
    /// An xz-compressed file (`.xz`, `.txz`).
    Xz,
    /// An SVG drawing: XML whose text elements are read.
    Svg,
    /// An OLE compound file (Word 97–2003 `.doc`, Excel 97–2003 `.xls`, PowerPoint 97–2003
    /// `.ppt`, Outlook `.msg`).
    Ole,
    /// RTF.
    Rtf,
    /// A MIME message: e-mail (`.eml`) or web archive (`.mht`).
    Mail,
    /// A format recognised but not read (RAR, bzip2, or a compressed file whose magic is wrong):
    /// the verdict is `review`, never `pass`.
    Unread(&'static str),
}

/// Extensions of formats we know we do not read (yet): never decoded as text.
const UNREAD_EXTENSIONS: &[(&str, &str)] = &[
    (".7z", "tệp nén 7z"),
    (".rar", "tệp nén RAR"),
    (".gz", "tệp nén gzip"),
    (".tgz", "tệp nén gzip"),
    (".xz", "tệp nén xz"),
    (".bz2", "tệp nén bzip2"),
    (".txz", "tệp nén xz"),
    (".tar", "tệp lưu trữ tar"),
];

/// Magic bytes of the picture formats tesseract reads.
fn is_image(bytes: &[u8], lower_name: &str) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xff, 0xd8, 0xff])
        || bytes.starts_with(b"GIF87a")
        || bytes.starts_with(b"GIF89a")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
        || is_heif(bytes)
        || [
            ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic", ".heif",
        ]
        .iter()
        .any(|e| lower_name.ends_with(e))
}

/// An ISO base media file whose brand is a HEIF picture (HEIC, HEIF, AVIF).
fn is_heif(bytes: &[u8]) -> bool {
    bytes.get(4..8) == Some(b"ftyp")
        && bytes.get(8..12).is_some_and(|b| {
            [
                b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif",
            ]
            .iter()
            .any(|x| b == *x)
        })
}

/// An SVG drawing: by name, or an XML/`<svg` head.
fn is_svg(bytes: &[u8], lower_name: &str) -> bool {
    if lower_name.ends_with(".svg") || lower_name.ends_with(".svgz") {
        return true;
    }
    if [".html", ".htm", ".xhtml"]
        .iter()
        .any(|e| lower_name.ends_with(e))
    {
        return false;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    // An XHTML page with an inline drawing is a page, not a drawing.
    !head.contains("<html")
        && (head.starts_with("<?xml")
            || head.starts_with("<svg")
            || head.starts_with("<!doctype svg"))
        && (head.contains("<svg") || head.contains("http://www.w3.org/2000/svg"))
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
    if bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) {
        return Format::Ole;
    }
    if bytes.starts_with(b"{\\rtf") {
        return Format::Rtf;
    }
    if bytes.starts_with(b"7z\xbc\xaf\x27\x1c") {
        return Format::SevenZip;
    }
    if bytes.starts_with(b"Rar!\x1a\x07") {
        return Format::Unread("tệp nén RAR");
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Format::Gzip;
    }
    if bytes.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        return Format::Xz;
    }
    if archives::is_tar(bytes) {
        return Format::Tar;
    }
    if bytes.starts_with(b"BZh") && lower.ends_with(".bz2") {
        return Format::Unread("tệp nén bzip2");
    }
    if is_image(bytes, &lower) {
        return Format::Image;
    }
    if is_svg(bytes, &lower) {
        return Format::Svg;
    }
    if let Some((_, what)) = UNREAD_EXTENSIONS.iter().find(|(e, _)| lower.ends_with(e)) {
        return Format::Unread(what);
    }
    if looks_like_mail(bytes)
        || [".eml", ".mht", ".mhtml"]
            .iter()
            .any(|e| lower.ends_with(e))
    {
        return Format::Mail;
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

/// A MIME message (e-mail, MHT): headers first, then parts that may be base64 — never plain text.
fn looks_like_mail(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(8192)]).to_ascii_lowercase();
    head.contains("mime-version:")
        || (head.contains("content-type: multipart/") && head.contains("boundary="))
        || head.contains("content-transfer-encoding: base64")
        || head.contains("content-transfer-encoding: quoted-printable")
}

/// Deepest nesting of archives read (an archive inside an archive inside …).
pub const MAX_ARCHIVE_DEPTH: u32 = 3;

/// Extract in-process (no isolation). Use [`crate::isolate::extract_isolated`] for untrusted files.
pub fn extract(bytes: &[u8], file_name: &str, limits: &Limits) -> Result<Extracted, ExtractError> {
    if bytes.len() > limits.max_input {
        return Err(ExtractError::Limit(format!(
            "tệp lớn hơn {} MB",
            limits.max_input >> 20
        )));
    }
    extract_at(bytes, file_name, limits, 0)
}

fn extract_at(
    bytes: &[u8],
    file_name: &str,
    limits: &Limits,
    depth: u32,
) -> Result<Extracted, ExtractError> {
    match sniff(bytes, file_name) {
        Format::Docx => {
            let mut z = zipread::BoundedZip::open(bytes, limits)?;
            // An OOXML package is told by its main part (through `_rels/.rels`), not by names.
            let main = ooxml::main_part(&mut z, limits)?;
            let has = |n: &str| z.names().iter().any(|x| x == n);
            if let Some((_, ooxml::Kind::Word)) = main {
                docx::extract(bytes, limits)
            } else if let Some((_, ooxml::Kind::Excel)) = main {
                office::extract_xlsx(bytes, limits, &mut |b, n| nested(b, n, limits, depth))
            } else if let Some((_, ooxml::Kind::PowerPoint)) = main {
                office::extract_pptx(bytes, limits, &mut |b, n| nested(b, n, limits, depth))
            } else if has("mimetype") || has("META-INF/manifest.xml") {
                office::extract_odf(bytes, limits, &mut |b, n| nested(b, n, limits, depth))
            } else if has("[Content_Types].xml") {
                Err(ExtractError::Unsupported("tài liệu Office Open XML".into()))
            } else {
                archive(z, limits, depth)
            }
        }
        Format::Pdf => pdf::extract(bytes, limits, &mut |b, n, l| {
            check_archive_depth(depth)?;
            extract_at(b, n, l, depth + 1)
        }),
        Format::Html => Ok(html::extract(bytes)),
        Format::Txt => txt::extract_checked(bytes),
        Format::Image => Ok(ocr::extract_image(bytes)),
        Format::Ole if msg::is_msg(bytes) => {
            msg::extract(bytes, limits, &mut |b, n| nested(b, n, limits, depth))
        }
        Format::Ole => doc::extract(bytes, limits, &mut |b, n| nested(b, n, limits, depth)),
        Format::Rtf => rtf::extract(bytes, limits),
        Format::Mail => mail::extract(bytes, &mut |b, n| nested(b, n, limits, depth)),
        Format::Svg => svg::extract(bytes, limits),
        Format::SevenZip => {
            check_archive_depth(depth)?;
            archives::extract_7z(bytes, limits, &mut |b, n, l| extract_at(b, n, l, depth + 1))
        }
        Format::Tar => {
            check_archive_depth(depth)?;
            archives::extract_tar(bytes, limits, &mut |b, n, l| extract_at(b, n, l, depth + 1))
        }
        Format::Gzip => {
            check_archive_depth(depth)?;
            archives::extract_gzip(bytes, file_name, limits, &mut |b, n, l| {
                extract_at(b, n, l, depth + 1)
            })
        }
        Format::Xz => {
            check_archive_depth(depth)?;
            archives::extract_xz(bytes, file_name, limits, &mut |b, n, l| {
                extract_at(b, n, l, depth + 1)
            })
        }
        Format::Unread(what) => Err(ExtractError::Unsupported(what.to_owned())),
    }
}

fn check_archive_depth(depth: u32) -> Result<(), ExtractError> {
    if depth >= MAX_ARCHIVE_DEPTH {
        return Err(ExtractError::Limit(format!(
            "tệp nén lồng nhau quá {MAX_ARCHIVE_DEPTH} lớp"
        )));
    }
    Ok(())
}

/// An object embedded in an office document, extracted as a file of its own one level deeper.
fn nested(
    bytes: &[u8],
    name: &str,
    limits: &Limits,
    depth: u32,
) -> Result<Extracted, ExtractError> {
    if depth >= MAX_ARCHIVE_DEPTH {
        return Err(ExtractError::Limit(format!(
            "đối tượng nhúng lồng nhau quá {MAX_ARCHIVE_DEPTH} lớp"
        )));
    }
    extract_at(bytes, name, limits, depth + 1)
}

/// A zip archive that is not an office document: every entry is extracted as a file of its own
/// (archives inside up to [`MAX_ARCHIVE_DEPTH`]), under the archive's entry and size limits. An
/// entry that cannot be read is noted ([`ExtractNote::Skipped`]): the verdict is then `review`
/// at best, while stamps found in the other entries still block.
fn archive(
    mut z: zipread::BoundedZip<'_>,
    limits: &Limits,
    depth: u32,
) -> Result<Extracted, ExtractError> {
    if depth >= MAX_ARCHIVE_DEPTH {
        return Err(ExtractError::Limit(format!(
            "tệp nén lồng nhau quá {MAX_ARCHIVE_DEPTH} lớp"
        )));
    }
    let mut out = Extracted::new("zip");
    let names: Vec<String> = z.names().to_vec();
    for name in names {
        if name.ends_with('/') {
            continue;
        }
        let Some(data) = z.read(&name)? else { continue };
        let inner_limits = Limits {
            max_total_size: limits.max_total_size.saturating_sub(z.total()),
            ..*limits
        };
        match extract_at(&data, &name, &inner_limits, depth + 1) {
            Ok(x) => {
                for mut u in x.units {
                    u.source = format!("{name} › {}", u.source);
                    out.units.push(u);
                }
                out.notes.extend(x.notes);
            }
            Err(e) => out.notes.push(ExtractNote::Skipped {
                what: format!("mục «{name}» trong tệp nén: {e}"),
            }),
        }
    }
    Ok(out)
}
