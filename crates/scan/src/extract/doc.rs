//! OLE compound files (tệp OLE): Word 97–2003 `.doc` is read through its piece table, an Excel
//! 97–2003 `.xls` is handed to [`super::xls`], a PowerPoint 97–2003 `.ppt` to [`super::ppt`]; the
//! other OLE formats (Excel 5.0, a password-protected OOXML file) are recognised and refused for
//! review, never decoded as text.
//!
//! A `.doc` ([MS-DOC]): the `WordDocument` stream starts with the FIB, whose `fWhichTblStm` bit
//! names the table stream (`0Table`/`1Table`) and whose `fcClx`/`lcbClx` locate the piece table
//! (CLX) there. Each piece maps a run of character positions (CP) to bytes of `WordDocument`,
//! either compressed (one CP1252 byte per character) or UTF-16LE. The CPs come in stories in a
//! fixed order — main text, footnotes, headers/footers, macro, comments, endnotes, text boxes,
//! header text boxes — whose lengths are in the FIB (`ccpText` …), so each unit knows its part.
//! Field instructions (between 0x13 and 0x14) are dropped, field results kept. Pictures (0x01)
//! and embedded objects (`ObjectPool`) are not read: they are noted, and the verdict is review.

use std::io::{Cursor, Read};

use super::{ExtractError, Limits};
use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn corrupt(what: &str) -> ExtractError {
    ExtractError::Corrupt(format!("tệp Word 97–2003: {what}"))
}

/// Reads one stream, at most `cap` bytes (more is a limit error).
fn read_stream<F: Read + std::io::Seek>(
    cf: &mut cfb::CompoundFile<F>,
    name: &str,
    cap: u64,
) -> Result<Vec<u8>, ExtractError> {
    let s = cf
        .open_stream(name)
        .map_err(|e| ExtractError::Corrupt(format!("OLE {name}: {e}")))?;
    let mut out = Vec::new();
    s.take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| ExtractError::Corrupt(format!("OLE {name}: {e}")))?;
    if out.len() as u64 > cap {
        return Err(ExtractError::Limit(format!("luồng {name} quá lớn")));
    }
    Ok(out)
}

pub fn extract(
    bytes: &[u8],
    limits: &Limits,
    nested: super::office::Nested,
) -> Result<Extracted, ExtractError> {
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| ExtractError::Corrupt(format!("OLE: {e}")))?;
    let has = |cf: &cfb::CompoundFile<Cursor<&[u8]>>, n: &str| cf.is_stream(n);
    if has(&cf, "EncryptedPackage") || has(&cf, "EncryptionInfo") {
        return Err(ExtractError::Encrypted);
    }
    if !has(&cf, "WordDocument") && has(&cf, "Workbook") {
        let wb = read_stream(&mut cf, "Workbook", limits.max_entry_size)?;
        let objects = cf
            .walk()
            .any(|e| e.is_storage() && e.name().starts_with("MBD"));
        return super::xls::extract(bytes, &wb, objects, limits);
    }
    if !has(&cf, "WordDocument") && has(&cf, "PowerPoint Document") {
        let stream = read_stream(&mut cf, "PowerPoint Document", limits.max_entry_size)?;
        // "Current User" says whether the file is encrypted (a header token of 0xF3D1C4DF).
        if has(&cf, "Current User")
            && let Ok(cu) = read_stream(&mut cf, "Current User", 4096)
            && u32_at(&cu, 12) == Some(0xF3D1_C4DF)
        {
            return Err(ExtractError::Encrypted);
        }
        let pictures = if has(&cf, "Pictures") {
            cf.entry("Pictures").map(|e| e.len() as usize).unwrap_or(0)
        } else {
            0
        };
        return super::ppt::extract(&stream, pictures, limits, nested);
    }
    if !has(&cf, "WordDocument") {
        let what = if has(&cf, "Book") {
            "bảng tính Excel 5.0/95 (.xls)"
        } else if cf.walk().any(|e| e.name().starts_with("__substg1.0_")) {
            "thư Outlook (.msg)"
        } else {
            "tệp OLE không rõ loại"
        };
        return Err(ExtractError::Unsupported(what.into()));
    }
    let wd = read_stream(&mut cf, "WordDocument", limits.max_entry_size)?;
    if u16_at(&wd, 0) != Some(0xA5EC) {
        return Err(corrupt("thiếu chữ ký FIB"));
    }
    let flags = u16_at(&wd, 0x0A).ok_or_else(|| corrupt("FIB cụt"))?;
    if flags & 0x0100 != 0 {
        return Err(ExtractError::Encrypted);
    }
    let table_name = if flags & 0x0200 != 0 {
        "1Table"
    } else {
        "0Table"
    };
    // FIB: base (32 bytes), csw + fibRgW, cslw + fibRgLw, cbRgFcLcb + fibRgFcLcb.
    let csw = u16_at(&wd, 32).ok_or_else(|| corrupt("FIB cụt"))? as usize;
    let lw_count_at = 34 + csw * 2;
    let cslw = u16_at(&wd, lw_count_at).ok_or_else(|| corrupt("FIB cụt"))? as usize;
    let lw = lw_count_at + 2;
    let fc_count_at = lw + cslw * 4;
    let fclcb = fc_count_at + 2;
    // ccpText, ccpFtn, ccpHdd, ccpMcr, ccpAtn, ccpEdn, ccpTxbx, ccpHdrTxbx (fibRgLw[3..=10]).
    let mut stories = Vec::new();
    for (i, part) in [
        (3, Part::Body),
        (4, Part::Note),
        (5, Part::Header),
        (6, Part::Metadata),
        (7, Part::Comment),
        (8, Part::Note),
        (9, Part::Body),
        (10, Part::Header),
    ] {
        let n = u32_at(&wd, lw + i * 4).ok_or_else(|| corrupt("FIB cụt"))?;
        stories.push((n as usize, part, i >= 9));
    }
    let fc_clx = u32_at(&wd, fclcb + 33 * 8).ok_or_else(|| corrupt("FIB cụt"))? as usize;
    let lcb_clx = u32_at(&wd, fclcb + 33 * 8 + 4).ok_or_else(|| corrupt("FIB cụt"))? as usize;
    if !cf.is_stream(table_name) {
        return Err(corrupt("thiếu luồng bảng"));
    }
    let table = read_stream(&mut cf, table_name, limits.max_entry_size)?;
    let clx = table
        .get(fc_clx..fc_clx.saturating_add(lcb_clx))
        .ok_or_else(|| corrupt("bảng mảnh (CLX) ngoài luồng"))?;
    let text = piece_text(clx, &wd, limits)?;
    let objects = cf
        .walk()
        .filter(|e| e.path().starts_with("/ObjectPool"))
        .count();

    let mut out = Extracted::new("doc");
    let mut pictures = 0u32;
    let mut cp = 0usize;
    let mut chars = text.chars().peekable();
    let mut group = 0u32;
    for (len, part, boxed) in stories {
        if len == 0 {
            continue;
        }
        let mut index = 0u32;
        let mut line = String::new();
        let mut fields: Vec<bool> = Vec::new();
        let story_end = cp + len;
        let mut in_cell = false;
        while cp < story_end {
            let Some(c) = chars.next() else { break };
            cp += 1;
            let end_unit = match c {
                '\u{13}' => {
                    fields.push(true);
                    false
                }
                '\u{14}' => {
                    if let Some(top) = fields.last_mut() {
                        *top = false;
                    }
                    false
                }
                '\u{15}' => {
                    fields.pop();
                    false
                }
                '\r' | '\u{b}' | '\u{c}' | '\u{e}' => true,
                '\u{7}' => {
                    in_cell = true;
                    true
                }
                '\u{1}' => {
                    pictures += 1;
                    false
                }
                _ if fields.iter().any(|&instr| instr) => false,
                c if c.is_control() => false,
                c => {
                    line.push(c);
                    false
                }
            };
            if end_unit || cp == story_end {
                if !line.trim().is_empty() {
                    if boxed || in_cell {
                        group += 1;
                    }
                    out.units.push(TextUnit {
                        part,
                        page: None,
                        index,
                        group: if boxed || in_cell { group } else { 0 },
                        text: std::mem::take(&mut line),
                        style: Style {
                            boxed,
                            table: in_cell,
                            ..Style::default()
                        },
                        source: match (part, boxed) {
                            (Part::Header, _) => "đầu/chân trang".into(),
                            (_, true) => "hộp văn bản".into(),
                            (Part::Note, _) => "chú thích".into(),
                            (Part::Comment, _) => "nhận xét".into(),
                            _ => format!("đoạn {}", index + 1),
                        },
                    });
                }
                line.clear();
                index += 1;
                in_cell = false;
            }
        }
    }
    if pictures > 0 {
        out.notes.push(ExtractNote::Skipped {
            what: format!("{pictures} hình ảnh trong văn bản Word 97–2003 chưa được nhận dạng"),
        });
    }
    if objects > 0 {
        out.notes.push(ExtractNote::Skipped {
            what: "đối tượng nhúng (OLE) trong văn bản Word 97–2003".into(),
        });
    }
    Ok(out)
}

/// The document's characters in CP order, from the piece table in `clx`.
fn piece_text(clx: &[u8], wd: &[u8], limits: &Limits) -> Result<String, ExtractError> {
    let mut at = 0usize;
    // Skip the Prc entries (property modifiers), then the Pcdt.
    while clx.get(at) == Some(&0x01) {
        let n = u16_at(clx, at + 1).ok_or_else(|| corrupt("CLX cụt"))? as usize;
        at += 3 + n;
    }
    if clx.get(at) != Some(&0x02) {
        return Err(corrupt("thiếu bảng mảnh (Pcdt)"));
    }
    let lcb = u32_at(clx, at + 1).ok_or_else(|| corrupt("CLX cụt"))? as usize;
    let plc = clx
        .get(at + 5..at + 5 + lcb)
        .ok_or_else(|| corrupt("bảng mảnh cụt"))?;
    if lcb < 4 || !(lcb - 4).is_multiple_of(12) {
        return Err(corrupt("bảng mảnh sai kích thước"));
    }
    let n = (lcb - 4) / 12;
    let mut text = String::new();
    for i in 0..n {
        let cp0 = u32_at(plc, i * 4).ok_or_else(|| corrupt("bảng mảnh cụt"))? as usize;
        let cp1 = u32_at(plc, (i + 1) * 4).ok_or_else(|| corrupt("bảng mảnh cụt"))? as usize;
        let pcd = (n + 1) * 4 + i * 8;
        let fc = u32_at(plc, pcd + 2).ok_or_else(|| corrupt("bảng mảnh cụt"))?;
        let count = cp1
            .checked_sub(cp0)
            .ok_or_else(|| corrupt("bảng mảnh không tăng dần"))?;
        if text.len() + count * 3 > limits.max_total_size as usize {
            return Err(ExtractError::Limit("văn bản quá lớn".into()));
        }
        if fc & 0x4000_0000 != 0 {
            let start = ((fc & 0x3FFF_FFFF) / 2) as usize;
            let raw = wd
                .get(start..start + count)
                .ok_or_else(|| corrupt("mảnh văn bản ngoài luồng (tệp bị cắt cụt?)"))?;
            let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(raw);
            text.push_str(&s);
        } else {
            let start = fc as usize;
            let raw = wd
                .get(start..start + count * 2)
                .ok_or_else(|| corrupt("mảnh văn bản ngoài luồng (tệp bị cắt cụt?)"))?;
            let units: Vec<u16> = raw
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            text.extend(char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')));
        }
    }
    Ok(text)
}
