//! Plain-text extraction: charset by BOM, then a declared charset (`charset=`/`encoding=` in the
//! first kilobyte), then UTF-8 validity, then a chardetng guess; decoded with encoding_rs. The
//! windows-1258 decoder does not produce NFC (stack.md §11.8) — the normaliser runs NFC later.
//! One unit per line.

use encoding_rs::Encoding;

use super::ExtractError;
use crate::model::{Extracted, Part, Style, TextUnit};

/// Decide the encoding of a byte buffer and decode it.
pub fn decode_text(bytes: &[u8]) -> (String, &'static Encoding) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (s, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (s.into_owned(), enc);
    }
    if let Some(enc) = declared_charset(bytes) {
        let (s, _) = enc.decode_without_bom_handling(bytes);
        return (s.into_owned(), enc);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_owned(), encoding_rs::UTF_8);
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Deny);
    let (s, _) = enc.decode_without_bom_handling(bytes);
    (s.into_owned(), enc)
}

/// A charset declared in the first kilobyte (`<meta charset=…>`, `charset=…`, `encoding="…"`).
pub fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    for key in ["charset=", "encoding="] {
        if let Some(pos) = head.find(key) {
            let rest = head[pos + key.len()..].trim_start_matches(['"', '\'', ' ']);
            let label: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if let Some(enc) = Encoding::for_label(label.as_bytes()) {
                // A declared UTF-16 in an ASCII-compatible prefix is a lie; ignore it.
                if enc != encoding_rs::UTF_16LE && enc != encoding_rs::UTF_16BE {
                    return Some(enc);
                }
            }
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
    let (text, _) = decode_text(bytes);
    let total = text.chars().count().max(1);
    let bad = text
        .chars()
        .filter(|&c| {
            c == '\u{fffd}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
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
    let (text, enc) = decode_text(bytes);
    let mut out = Extracted::new("txt");
    out.format = format!("txt ({})", enc.name());
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
