//! Plain-text extraction: charset by BOM, then a declared charset (an XML declaration at the very
//! start, or an HTML `<meta charset>` / `<meta http-equiv content="…; charset=…">` found by a
//! pre-scan that skips comments, as browsers do), then UTF-8, then a chardetng guess; decoded with
//! encoding_rs. The windows-1258 decoder does not produce NFC (stack.md §11.8) — the normaliser
//! runs NFC later. One unit per line.
//!
//! A file that is overwhelmingly UTF-8 with a few invalid bytes (issue 16: one bad byte used to
//! send the whole file to a Windows-1252 guess, turning every stamp into mojibake) is decoded as
//! UTF-8 with replacement characters, and the bytes not read are reported
//! ([`ExtractNote::Skipped`]), so the verdict is `review` unless a stamp already blocks.

use encoding_rs::Encoding;

use super::ExtractError;
use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};

/// Text decoded from bytes.
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    /// Invalid byte sequences replaced by U+FFFD (only when UTF-8 was chosen despite them).
    pub invalid: usize,
}

impl Decoded {
    /// The note to report when some bytes could not be decoded.
    pub fn note(&self) -> Option<ExtractNote> {
        (self.invalid > 0).then(|| ExtractNote::Skipped {
            what: format!(
                "{} chuỗi byte không hợp lệ trong văn bản UTF-8 (đã thay bằng ký tự thay thế)",
                self.invalid
            ),
        })
    }
}

/// Decide the encoding of a byte buffer and decode it.
pub fn decode_text(bytes: &[u8]) -> (String, &'static Encoding) {
    let d = decode(bytes);
    (d.text, d.encoding)
}

/// As [`decode_text`], with the count of invalid UTF-8 sequences replaced.
pub fn decode(bytes: &[u8]) -> Decoded {
    let done = |text: String, encoding| Decoded {
        text,
        encoding,
        invalid: 0,
    };
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (s, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return done(s.into_owned(), enc);
    }
    if let Some(enc) = declared_charset(bytes) {
        let (s, _) = enc.decode_without_bom_handling(bytes);
        return done(s.into_owned(), enc);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return done(s.to_owned(), encoding_rs::UTF_8);
    }
    let (valid, invalid) = utf8_sequences(bytes);
    if valid >= 4 * invalid {
        return Decoded {
            text: String::from_utf8_lossy(bytes).into_owned(),
            encoding: encoding_rs::UTF_8,
            invalid,
        };
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Deny);
    let (s, _) = enc.decode_without_bom_handling(bytes);
    done(s.into_owned(), enc)
}

/// (valid multi-byte UTF-8 characters, invalid sequences) in `bytes`. Text in a legacy 8-bit
/// code page almost never forms valid multi-byte sequences, so many valid ones and a few invalid
/// ones mean UTF-8 with damage, not another encoding.
fn utf8_sequences(bytes: &[u8]) -> (usize, usize) {
    let (mut valid, mut invalid) = (0, 0);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    (valid, invalid)
}

/// A charset declared at the head of the file: an XML declaration at the very start, or an HTML
/// `<meta>` in the first kilobyte outside comments (the HTML encoding pre-scan, simplified). A
/// `charset=` in a comment, in text or in a script does not count.
pub fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let accept = |label: &str| {
        let label: String = label
            .trim_start_matches(['"', '\'', ' '])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
            .collect();
        let enc = Encoding::for_label(label.as_bytes())?;
        // A declared UTF-16 in an ASCII-compatible prefix is a lie; ignore it.
        (enc != encoding_rs::UTF_16LE && enc != encoding_rs::UTF_16BE).then_some(enc)
    };
    if let Some(decl) = head.strip_prefix("<?xml") {
        let decl = &decl[..decl.find("?>").unwrap_or(decl.len())];
        return decl
            .find("encoding=")
            .and_then(|p| accept(&decl[p + "encoding=".len()..]));
    }
    let mut rest = head.as_str();
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            // Unterminated comment: nothing after it is a declaration.
            let end = after.find("-->")?;
            rest = &after[end + 3..];
            continue;
        }
        let tag_end = rest.find('>')?;
        let tag = &rest[..tag_end];
        rest = &rest[tag_end + 1..];
        let Some(attrs) = tag.strip_prefix("<meta") else {
            continue;
        };
        if !attrs.starts_with(|c: char| c.is_ascii_whitespace() || c == '/') {
            continue;
        }
        if let Some(p) = attrs.find("charset=")
            && let Some(enc) = accept(&attrs[p + "charset=".len()..])
        {
            return Some(enc);
        }
    }
    None
}

/// As [`extract`], but refuses bytes that are not text (a binary file of an unknown format, an
/// office file read in a wrong encoding, random bytes): control characters other than tab,
/// line and page breaks, or undecodable sequences, in more than 1 % of the characters — or any
/// NUL — mean the file was not understood, and must not pass as clean text.
pub fn extract_checked(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let bom = Encoding::for_bom(bytes).is_some();
    if !bom && bytes.contains(&0) {
        return Err(ExtractError::Unsupported(
            "không nhận ra định dạng tệp (dữ liệu nhị phân)".into(),
        ));
    }
    let d = decode(bytes);
    let text = d.text;
    let total = text.chars().count().max(1);
    // Replacement characters of damaged UTF-8 are already reported (`Decoded::note`).
    let bad = text
        .chars()
        .filter(|&c| {
            (c == '\u{fffd}' && d.invalid == 0)
                || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
        })
        .count();
    if bad * 100 > total {
        return Err(ExtractError::Unsupported(
            "không nhận ra định dạng tệp (dữ liệu nhị phân)".into(),
        ));
    }
    Ok(extract(bytes))
}

pub fn extract(bytes: &[u8]) -> Extracted {
    let d = decode(bytes);
    let (text, enc) = (&d.text, d.encoding);
    let mut out = Extracted::new("txt");
    out.format = format!("txt ({})", enc.name());
    out.notes.extend(d.note());
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.units.push(TextUnit {
            part: Part::Body,
            page: None,
            index: i as u32,
            group: 0,
            text: line.to_owned(),
            style: Style::default(),
            source: format!("dòng {}", i + 1),
        });
    }
    out
}
