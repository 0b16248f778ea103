//! PowerPoint 97–2003 (`.ppt`, [MS-PPT]): the `PowerPoint Document` stream of the compound file
//! is a tree of records (8-byte header: version/instance, type, length; version 0xF = container).
//! The whole stream is walked, iteratively and under the depth cap, so every copy of the text is
//! read — the slide list, the shapes' own text boxes, notes, masters and earlier revisions kept by
//! incremental saves:
//! * `TextCharsAtom` (UTF-16LE) and `TextBytesAtom` (one byte a character, Latin-1) are text; `\r`
//!   ends a paragraph and a vertical tab a line inside it; each atom is one shape (a group);
//! * the part comes from the containers around: notes (`Notes`, notes list) → note, masters and
//!   `HeadersFooters` (their `CString` header and footer texts) → header, comments → comment;
//! * legacy Vietnamese (TCVN3, VNI): the font list (`FontEntityAtom`) names the fonts; when it has a
//!   legacy font, a text that looks legacy-encoded is repaired with it (the document's fonts, not
//!   each run's: the run-to-font table of [MS-PPT] `StyleTextPropAtom` is not read);
//! * embedded objects (`ExOleObjStg`, zlib-compressed or not) are extracted as files of their own
//!   through the caller; pictures (`Pictures` stream) are not read: noted, so the verdict is review.

use std::io::Read;

use super::office::Nested;
use super::{ExtractError, Limits};
use crate::legacy::{self, LegacyEncoding};
use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};

const TEXT_CHARS: u16 = 0x0FA0;
const TEXT_BYTES: u16 = 0x0FA8;
const CSTRING: u16 = 0x0FBA;
const FONT_ENTITY: u16 = 0x0FB7;
const SLIDE_LIST_WITH_TEXT: u16 = 0x0FF0;
const NOTES: u16 = 0x03F0;
const MAIN_MASTER: u16 = 0x03F8;
const HEADERS_FOOTERS: u16 = 0x0FD9;
const COMMENT10: u16 = 0x2EE0;
const EX_OLE_OBJ_STG: u16 = 0x1011;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn utf16(b: &[u8]) -> String {
    let units: Vec<u16> = b
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    char::decode_utf16(units)
        .map(|r| r.unwrap_or('\u{fffd}'))
        .collect()
}

/// One text atom with where it was found.
struct Found {
    part: Part,
    text: String,
}

/// `stream`: the `PowerPoint Document` stream; `pictures`: bytes in the `Pictures` stream.
pub fn extract(
    stream: &[u8],
    pictures: usize,
    limits: &Limits,
    nested: Nested,
) -> Result<Extracted, ExtractError> {
    let mut found: Vec<Found> = Vec::new();
    let mut fonts: Vec<String> = Vec::new();
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let mut unread_objects = 0u32;
    let mut truncated = false;
    // (end offset, record type, instance) of the open containers.
    let mut stack: Vec<(usize, u16, u16)> = Vec::new();
    let mut at = 0usize;
    let mut total = 0usize;
    while at + 8 <= stream.len() {
        while stack.last().is_some_and(|(end, _, _)| at >= *end) {
            stack.pop();
        }
        let vi = u16_at(stream, at).unwrap_or(0);
        let (ver, inst) = (vi & 0xF, vi >> 4);
        let typ = u16_at(stream, at + 2).unwrap_or(0);
        let len = u32_at(stream, at + 4).unwrap_or(0) as usize;
        let body = at + 8;
        let end = body.saturating_add(len);
        if end > stream.len() {
            truncated = true;
        }
        let end = end.min(stream.len());
        if ver == 0xF {
            if stack.len() >= limits.max_depth {
                return Err(ExtractError::Limit(
                    "bản ghi PowerPoint lồng quá sâu".into(),
                ));
            }
            stack.push((end, typ, inst));
            at = body;
            continue;
        }
        let data = &stream[body..end];
        let part = part_of(&stack);
        let text = match typ {
            TEXT_CHARS => Some(utf16(data)),
            TEXT_BYTES => Some(data.iter().map(|&b| b as char).collect()),
            // Header/footer texts and comment texts; other CStrings are names and tags.
            CSTRING if stack.iter().any(|(_, t, _)| *t == HEADERS_FOOTERS) => {
                // Instance 0 is the date format, 1 the header, 2 the footer.
                (inst != 0).then(|| utf16(data))
            }
            CSTRING if stack.iter().any(|(_, t, _)| *t == COMMENT10) && inst == 1 => {
                Some(utf16(data))
            }
            FONT_ENTITY => {
                let name = utf16(data.get(..64).unwrap_or(data));
                fonts.push(name.split('\0').next().unwrap_or("").to_owned());
                None
            }
            EX_OLE_OBJ_STG => {
                match ole_object(data, inst, limits) {
                    Some(o) => objects.push(o),
                    None => unread_objects += 1,
                }
                None
            }
            _ => None,
        };
        if let Some(text) = text {
            total += text.len();
            if total > limits.max_total_size as usize {
                return Err(ExtractError::Limit("văn bản quá lớn".into()));
            }
            found.push(Found { part, text });
        }
        at = end;
    }
    let legacy_enc = legacy_encoding(&fonts);
    let mut out = Extracted::new("ppt");
    let mut index = 0u32;
    for (i, f) in found.into_iter().enumerate() {
        let group = i as u32 + 1;
        let mut style = Style {
            boxed: true,
            ..Style::default()
        };
        for para in f.text.split('\r') {
            for line in para.split('\u{b}') {
                let clean: String = line.chars().filter(|c| !c.is_control()).collect();
                if clean.trim().is_empty() {
                    continue;
                }
                let text = match legacy_enc {
                    Some(enc) if legacy::looks_legacy(&clean) => {
                        style.legacy = true;
                        legacy::repair_run(&clean, Some(enc))
                    }
                    _ => clean,
                };
                out.units.push(TextUnit {
                    part: f.part,
                    page: None,
                    index,
                    group,
                    text,
                    style,
                    source: match f.part {
                        Part::Header | Part::Footer => "trang chiếu cái / đầu-chân trang".into(),
                        Part::Note => "ghi chú của trang chiếu".into(),
                        Part::Comment => "nhận xét".into(),
                        _ => "trang chiếu".into(),
                    },
                });
            }
            index += 1;
        }
    }
    for (i, o) in objects.iter().enumerate() {
        let name = format!("đối tượng nhúng {}", i + 1);
        match nested(o, &name) {
            Ok(x) => {
                for mut u in x.units {
                    u.source = format!("{name} › {}", u.source);
                    out.units.push(u);
                }
                out.notes.extend(x.notes);
            }
            Err(e) => out.notes.push(ExtractNote::Skipped {
                what: format!("{name} trong trình chiếu PowerPoint 97–2003: {e}"),
            }),
        }
    }
    if unread_objects > 0 {
        out.notes.push(ExtractNote::Skipped {
            what: format!(
                "{unread_objects} đối tượng nhúng trong trình chiếu PowerPoint 97–2003 không giải nén được"
            ),
        });
    }
    if pictures > 0 {
        out.notes.push(ExtractNote::Skipped {
            what: "hình ảnh trong trình chiếu PowerPoint 97–2003 chưa được nhận dạng".into(),
        });
    }
    if truncated {
        out.notes.push(ExtractNote::Skipped {
            what: "phần cuối của trình chiếu PowerPoint 97–2003 (tệp bị cắt cụt)".into(),
        });
    }
    Ok(out)
}

/// The part of a record from the containers around it.
fn part_of(stack: &[(usize, u16, u16)]) -> Part {
    let mut part = Part::Body;
    for (_, t, inst) in stack {
        match (*t, *inst) {
            (NOTES, _) | (SLIDE_LIST_WITH_TEXT, 2) => return Part::Note,
            (COMMENT10, _) => return Part::Comment,
            (MAIN_MASTER, _) | (HEADERS_FOOTERS, _) | (SLIDE_LIST_WITH_TEXT, 1) => {
                part = Part::Header
            }
            _ => {}
        }
    }
    part
}

/// The legacy encoding of the document's fonts: TCVN3 (lower-case font first), then VNI.
fn legacy_encoding(fonts: &[String]) -> Option<LegacyEncoding> {
    let encs: Vec<LegacyEncoding> = fonts
        .iter()
        .filter_map(|f| legacy::classify_font(f))
        .collect();
    encs.iter()
        .find(|e| matches!(e, LegacyEncoding::Tcvn3 { capital: false }))
        .or_else(|| encs.first())
        .copied()
}

/// An `ExOleObjStg` record's object (a compound file): instance 1 = zlib-compressed after a
/// 4-byte decompressed size.
fn ole_object(data: &[u8], inst: u16, limits: &Limits) -> Option<Vec<u8>> {
    if inst != 1 {
        return Some(data.to_vec());
    }
    let declared = u32_at(data, 0)? as u64;
    let cap = limits.max_entry_size.min(declared);
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data.get(4..)?)
        .take(cap)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}
