//! Outlook messages (thư Outlook `.msg`, [MS-OXMSG]): an OLE compound file whose properties are
//! streams named `__substg1.0_<tag><type>`. Read: the subject (`0037`), the plain-text body
//! (`1000`), the HTML body (`1013`) and every attachment (`__attach_version1.0_#…`, data in
//! `37010102`, name in `3707`/`3704`) extracted as a file of its own through the caller.
//!
//! Fails closed: a message whose only body is compressed RTF (`10090102`), an attached message
//! (`3701000D` storage) and an attachment that cannot be read are noted, so the verdict is
//! `review` at best.

use std::io::{Cursor, Read};

use super::office::Nested;
use super::{ExtractError, Limits, html, txt};
use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};

type Cf<'a> = cfb::CompoundFile<Cursor<&'a [u8]>>;

/// True when the OLE file holds Outlook message properties.
pub fn is_msg(bytes: &[u8]) -> bool {
    cfb::CompoundFile::open(Cursor::new(bytes)).is_ok_and(|cf| {
        cf.walk()
            .any(|e| e.name().starts_with("__substg1.0_") || e.name().starts_with("__attach_"))
    })
}

fn read(cf: &mut Cf<'_>, path: &str, cap: u64) -> Result<Option<Vec<u8>>, ExtractError> {
    if !cf.is_stream(path) {
        return Ok(None);
    }
    let s = cf
        .open_stream(path)
        .map_err(|e| ExtractError::Corrupt(format!("thư Outlook {path}: {e}")))?;
    let mut out = Vec::new();
    s.take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| ExtractError::Corrupt(format!("thư Outlook {path}: {e}")))?;
    if out.len() as u64 > cap {
        return Err(ExtractError::Limit(format!("luồng {path} quá lớn")));
    }
    Ok(Some(out))
}

/// A string property: `001F` is UTF-16LE, `001E` is 8-bit (UTF-8 if valid, else Windows-1258).
fn string(cf: &mut Cf<'_>, dir: &str, tag: &str, cap: u64) -> Result<Option<String>, ExtractError> {
    if let Some(b) = read(cf, &format!("{dir}/__substg1.0_{tag}001F"), cap)? {
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return Ok(Some(
            String::from_utf16_lossy(&units)
                .trim_end_matches('\0')
                .to_owned(),
        ));
    }
    if let Some(b) = read(cf, &format!("{dir}/__substg1.0_{tag}001E"), cap)? {
        let s = match std::str::from_utf8(&b) {
            Ok(s) => s.to_owned(),
            Err(_) => encoding_rs::WINDOWS_1258.decode(&b).0.into_owned(),
        };
        return Ok(Some(s.trim_end_matches('\0').to_owned()));
    }
    Ok(None)
}

fn append(out: &mut Extracted, label: &str, r: Result<Extracted, ExtractError>) {
    match r {
        Ok(x) => {
            for mut u in x.units {
                u.source = format!("{label} › {}", u.source);
                out.units.push(u);
            }
            out.notes.extend(x.notes);
        }
        Err(e) => out.notes.push(ExtractNote::Skipped {
            what: format!("«{label}» trong thư: {e}"),
        }),
    }
}

pub fn extract(bytes: &[u8], limits: &Limits, nested: Nested) -> Result<Extracted, ExtractError> {
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| ExtractError::Corrupt(format!("OLE: {e}")))?;
    let cap = limits.max_entry_size;
    let mut out = Extracted::new("msg");
    if let Some(subject) = string(&mut cf, "", "0037", cap)?
        && !subject.trim().is_empty()
    {
        out.units.push(TextUnit {
            part: Part::Metadata,
            page: None,
            index: 0,
            group: 0,
            text: subject,
            style: Style::default(),
            source: "tiêu đề thư".into(),
        });
    }
    let body = string(&mut cf, "", "1000", cap)?;
    let html_body = match read(&mut cf, "/__substg1.0_10130102", cap)? {
        Some(b) => Some(b),
        None => string(&mut cf, "", "1013", cap)?.map(String::into_bytes),
    };
    if let Some(b) = &body {
        append(&mut out, "nội dung thư", txt::extract_checked(b.as_bytes()));
    }
    if let Some(h) = &html_body {
        append(&mut out, "nội dung HTML của thư", Ok(html::extract(h)));
    }
    if body.is_none() && html_body.is_none() && cf.is_stream("/__substg1.0_10090102") {
        out.notes.push(ExtractNote::Skipped {
            what: "nội dung thư chỉ có dạng RTF nén".into(),
        });
    }
    let attachments: Vec<String> = cf
        .read_root_storage()
        .filter(|e| e.is_storage() && e.name().starts_with("__attach_version1.0_"))
        .map(|e| e.path().to_string_lossy().into_owned())
        .collect();
    for dir in attachments {
        let name = match string(&mut cf, &dir, "3707", cap)? {
            Some(n) if !n.trim().is_empty() => n,
            _ => string(&mut cf, &dir, "3704", cap)?.unwrap_or_else(|| "tep-dinh-kem".into()),
        };
        if cf.is_storage(format!("{dir}/__substg1.0_3701000D")) {
            out.notes.push(ExtractNote::Skipped {
                what: format!("thư đính kèm «{name}» trong thư Outlook"),
            });
            continue;
        }
        match read(&mut cf, &format!("{dir}/__substg1.0_37010102"), cap)? {
            Some(data) => {
                let r = nested(&data, &name);
                append(&mut out, &name, r);
            }
            None => out.notes.push(ExtractNote::Skipped {
                what: format!("tệp đính kèm «{name}» không có dữ liệu đọc được"),
            }),
        }
    }
    Ok(out)
}
