//! Excel 97–2003 workbooks (bảng tính `.xls`, BIFF8 in an OLE compound file): cell texts through
//! `calamine`, sheet headers and footers from the `HEADER`/`FOOTER` records read here.
//!
//! Before calamine runs, the `Workbook` stream is walked record by record: a `FILEPASS` record
//! (password) refuses the file, the used area of every sheet is bounded (calamine stores a sheet
//! densely, so two cells far apart would be a memory bomb), and what is not read — text boxes and
//! cell comments (`TXO`, `NOTE`), pictures (a blip store in `MSODRAWINGGROUP`), embedded objects
//! (`MBD…` storages) — is noted so that the verdict is `review` at best.

use std::io::Cursor;

use calamine::{Data, Reader, Xls};

use super::{ExtractError, Limits, office};
use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};

/// Most cells a sheet's used area may span (calamine allocates the whole rectangle).
const MAX_CELLS: u64 = 4_000_000;

struct Scan {
    headers: Vec<(Part, String)>,
    text_boxes: bool,
    pictures: bool,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

/// A BIFF8 `XLUnicodeString` (16-bit length, flags, characters) as found in `HEADER`/`FOOTER`.
fn unicode_string(d: &[u8]) -> Option<String> {
    let cch = usize::from(u16_at(d, 0)?);
    let flags = *d.get(2)?;
    let body = d.get(3..)?;
    if flags & 1 == 0 {
        // Compressed: one Latin-1 byte per character.
        Some(body.get(..cch)?.iter().map(|&b| char::from(b)).collect())
    } else {
        let units: Vec<u16> = body
            .get(..cch * 2)?
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    }
}

fn walk_records(wb: &[u8]) -> Result<Scan, ExtractError> {
    let mut s = Scan {
        headers: Vec::new(),
        text_boxes: false,
        pictures: false,
    };
    let mut at = 0usize;
    // Used area of the current substream: (min row, max row, min col, max col).
    let mut area: Option<(u16, u16, u16, u16)> = None;
    let check = |a: Option<(u16, u16, u16, u16)>| -> Result<(), ExtractError> {
        if let Some((r0, r1, c0, c1)) = a {
            let cells = (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1);
            if cells > MAX_CELLS {
                return Err(ExtractError::Limit(format!(
                    "trang tính .xls trải trên {cells} ô"
                )));
            }
        }
        Ok(())
    };
    while at + 4 <= wb.len() {
        let kind = u16_at(wb, at).unwrap_or(0);
        let len = usize::from(u16_at(wb, at + 2).unwrap_or(0));
        let data = wb
            .get(at + 4..at + 4 + len)
            .ok_or_else(|| ExtractError::Corrupt("bảng tính .xls bị cắt cụt".into()))?;
        at += 4 + len;
        match kind {
            0x002F => return Err(ExtractError::Encrypted),
            0x0809 => {
                check(area)?;
                area = None;
            }
            0x0014 | 0x0015 if len > 0 => {
                let part = if kind == 0x0014 {
                    Part::Header
                } else {
                    Part::Footer
                };
                if let Some(t) = unicode_string(data) {
                    s.headers.push((part, t));
                }
            }
            0x001C | 0x01B6 => s.text_boxes = true,
            // OfficeArtBStoreContainerFileBlock records (0xF007) hold pictures.
            0x00EB if data.windows(2).any(|w| w == [0x07, 0xF0]) => s.pictures = true,
            // Cell records: row and column are the first two fields.
            0x00FD | 0x0204 | 0x0203 | 0x027E | 0x00BD | 0x0201 | 0x00BE | 0x0006 | 0x0205
            | 0x00D6 => {
                if let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) {
                    // MULRK/MULBLANK: the last column is the last two bytes.
                    let c_last = if matches!(kind, 0x00BD | 0x00BE) {
                        u16_at(data, len.saturating_sub(2)).unwrap_or(c).max(c)
                    } else {
                        c
                    };
                    area = Some(match area {
                        None => (r, r, c, c_last),
                        Some((r0, r1, c0, c1)) => (r0.min(r), r1.max(r), c0.min(c), c1.max(c_last)),
                    });
                }
            }
            _ => {}
        }
    }
    check(area)?;
    Ok(s)
}

pub fn extract(
    bytes: &[u8],
    workbook: &[u8],
    has_objects: bool,
    _limits: &Limits,
) -> Result<Extracted, ExtractError> {
    let scan = walk_records(workbook)?;
    let mut book = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => ExtractError::Encrypted,
        e => ExtractError::Corrupt(format!("bảng tính .xls: {e}")),
    })?;
    let mut out = Extracted::new("xls");
    let mut group = 0u32;
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ExtractError::Corrupt(format!("bảng tính .xls «{name}»: {e}")))?;
        let mut index = 0u32;
        for row in range.rows() {
            for cell in row {
                let text = match cell {
                    Data::String(s) | Data::DateTimeIso(s) => s.clone(),
                    _ => continue,
                };
                group += 1;
                let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
                for line in lines {
                    out.units.push(TextUnit {
                        part: Part::Body,
                        page: None,
                        index,
                        group,
                        text: line.to_owned(),
                        style: Style {
                            table: true,
                            ..Style::default()
                        },
                        source: name.clone(),
                    });
                }
                index += 1;
            }
        }
    }
    let mut index = 0u32;
    for (part, text) in scan.headers {
        for section in office::header_sections(&text) {
            out.units.push(TextUnit {
                part,
                page: None,
                index,
                group: 0,
                text: section,
                style: Style::default(),
                source: "Workbook".into(),
            });
            index += 1;
        }
    }
    if scan.text_boxes {
        out.notes.push(ExtractNote::Skipped {
            what: "hộp văn bản hoặc nhận xét trong bảng tính .xls".into(),
        });
    }
    if scan.pictures {
        out.notes.push(ExtractNote::Skipped {
            what: "hình ảnh trong bảng tính .xls".into(),
        });
    }
    if has_objects {
        out.notes.push(ExtractNote::Skipped {
            what: "đối tượng nhúng trong bảng tính .xls".into(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut v = kind.to_le_bytes().to_vec();
        v.extend((data.len() as u16).to_le_bytes());
        v.extend(data);
        v
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0u8; 10]);
        record(0x0203, &d)
    }

    #[test]
    fn two_cells_far_apart_are_refused_before_calamine_allocates_the_sheet() {
        let mut wb = record(0x0809, &[0; 16]);
        wb.extend(number(0, 0));
        wb.extend(number(20, 5));
        assert!(walk_records(&wb).is_ok());
        wb.extend(number(65_535, 255));
        assert!(matches!(walk_records(&wb), Err(ExtractError::Limit(_))));
    }

    #[test]
    fn password_headers_text_boxes_and_truncation_are_seen() {
        let wb = [record(0x0809, &[0; 16]), record(0x002F, &[0; 6])].concat();
        assert_eq!(walk_records(&wb).err(), Some(ExtractError::Encrypted));
        let header = [3u8, 0, 0, b'M', b'A', b'T'];
        let wb = [record(0x0014, &header), record(0x01B6, &[0; 18])].concat();
        let s = walk_records(&wb).expect("read");
        assert_eq!(s.headers, vec![(Part::Header, "MAT".to_owned())]);
        assert!(s.text_boxes);
        assert!(matches!(
            walk_records(&wb[..wb.len() - 3]),
            Err(ExtractError::Corrupt(_))
        ));
    }
}
