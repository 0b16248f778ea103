//! RTF (văn bản RTF): a small tokenizer, no recursion on group nesting. Text of the body, headers
//! and footers (`\header*`, `\footer*`), footnotes and comments (`\footnote`, `\annotation`) and
//! document properties (`\info`) is read; `\'hh` bytes are decoded in the document's code page
//! (`\ansicpg`), `\uN` as Unicode (skipping `\ucN` fallback characters). Paragraphs, line breaks,
//! table cells and rows end a unit. Pictures (`\pict`) and embedded objects (`\object`) are not
//! read: they are noted, and the verdict is review.

use super::{ExtractError, Limits};
use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};

/// Destinations whose text is not document text.
const SKIP: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "xmlnstbl",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "pgdsctbl",
    "fldinst",
    "bkmkstart",
    "bkmkend",
    "revtbl",
    "filetbl",
    "mmathPr",
    "wgrffmtfilter",
    "defchp",
    "defpap",
];

#[derive(Clone)]
struct State {
    skip: bool,
    part: Part,
    uc: usize,
}

struct Out<'a> {
    x: &'a mut Extracted,
    line: String,
    index: u32,
    cell: bool,
}

impl Out<'_> {
    fn flush(&mut self, part: Part) {
        if !self.line.trim().is_empty() {
            self.x.units.push(TextUnit {
                part,
                page: None,
                index: self.index,
                group: 0,
                text: std::mem::take(&mut self.line),
                style: Style {
                    table: self.cell,
                    ..Style::default()
                },
                source: format!("đoạn {}", self.index + 1),
            });
        }
        self.line.clear();
        self.index += 1;
        self.cell = false;
    }
}

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    if !bytes.starts_with(b"{\\rtf") {
        return Err(ExtractError::Corrupt("không phải tệp RTF".into()));
    }
    let mut x = Extracted::new("rtf");
    let mut enc = encoding_rs::WINDOWS_1252;
    let mut stack: Vec<State> = Vec::new();
    let mut st = State {
        skip: false,
        part: Part::Body,
        uc: 1,
    };
    let mut out = Out {
        x: &mut x,
        line: String::new(),
        index: 0,
        cell: false,
    };
    let mut pending_skip = 0usize;
    let mut pictures = 0u32;
    let mut objects = 0u32;
    let mut bytes_run: Vec<u8> = Vec::new();
    let mut i = 0usize;
    let n = bytes.len();
    // Decoded `\'hh` bytes are collected and decoded together (double-byte code pages).
    let flush_bytes =
        |run: &mut Vec<u8>, line: &mut String, enc: &'static encoding_rs::Encoding| {
            if !run.is_empty() {
                let (s, _) = enc.decode_without_bom_handling(run);
                line.push_str(&s);
                run.clear();
            }
        };
    while i < n {
        let c = bytes[i];
        if c != b'\\' || bytes.get(i + 1) != Some(&b'\'') {
            flush_bytes(&mut bytes_run, &mut out.line, enc);
        }
        match c {
            b'{' => {
                if stack.len() >= limits.max_depth {
                    return Err(ExtractError::Limit("RTF lồng nhóm quá sâu".into()));
                }
                stack.push(st.clone());
                i += 1;
                // `{\*\dest …}`: an optional destination we do not know is skipped.
                if bytes[i..].starts_with(b"\\*") {
                    st.skip = true;
                    i += 2;
                }
            }
            b'}' => {
                if let Some(prev) = stack.pop() {
                    if prev.part != st.part {
                        out.flush(st.part);
                    }
                    st = prev;
                }
                i += 1;
            }
            b'\\' => {
                i += 1;
                let Some(&d) = bytes.get(i) else { break };
                if d == b'\'' {
                    let h = bytes
                        .get(i + 1..i + 3)
                        .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
                    i += 3;
                    if pending_skip > 0 {
                        pending_skip -= 1;
                    } else if let Some(b) = h
                        && !st.skip
                    {
                        bytes_run.push(b);
                    }
                    continue;
                }
                if !d.is_ascii_alphabetic() {
                    // Control symbols: `\\`, `\{`, `\}`, `\~` (no-break space), `\-`, `\_`.
                    if !st.skip {
                        match d {
                            b'\\' | b'{' | b'}' => out.line.push(d as char),
                            b'~' => out.line.push('\u{a0}'),
                            b'_' => out.line.push('-'),
                            _ => {}
                        }
                    }
                    i += 1;
                    continue;
                }
                let start = i;
                while i < n && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let word = std::str::from_utf8(&bytes[start..i]).unwrap_or("");
                let num_start = i;
                if i < n && bytes[i] == b'-' {
                    i += 1;
                }
                while i < n && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let param: Option<i64> = std::str::from_utf8(&bytes[num_start..i])
                    .ok()
                    .and_then(|s| s.parse().ok());
                if i < n && bytes[i] == b' ' {
                    i += 1;
                }
                match word {
                    "ansicpg" => {
                        if let Some(p) = param
                            && let Some(e) =
                                encoding_rs::Encoding::for_label(format!("windows-{p}").as_bytes())
                        {
                            enc = e;
                        }
                    }
                    "uc" => st.uc = param.unwrap_or(1).clamp(0, 8) as usize,
                    "u" => {
                        if let Some(p) = param
                            && !st.skip
                        {
                            let v = if p < 0 { p + 65536 } else { p } as u32;
                            out.line.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                        }
                        pending_skip = st.uc;
                    }
                    "par" | "line" | "sect" | "page" | "row" if !st.skip => out.flush(st.part),
                    "cell" | "nestcell" if !st.skip => {
                        out.cell = true;
                        out.flush(st.part);
                    }
                    "tab" if !st.skip => out.line.push('\t'),
                    "header" | "headerl" | "headerr" | "headerf" => st.part = Part::Header,
                    "footer" | "footerl" | "footerr" | "footerf" => st.part = Part::Footer,
                    "footnote" => st.part = Part::Note,
                    "annotation" => {
                        st.part = Part::Comment;
                        st.skip = false;
                    }
                    "info" => st.part = Part::Metadata,
                    "pict" => {
                        pictures += 1;
                        st.skip = true;
                    }
                    "object" => {
                        objects += 1;
                        st.skip = true;
                    }
                    w if SKIP.contains(&w) => st.skip = true,
                    _ => {}
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                if pending_skip > 0 {
                    pending_skip -= 1;
                } else if !st.skip {
                    bytes_run.push(c);
                }
                i += 1;
            }
        }
        if out.line.len() > limits.max_total_size as usize {
            return Err(ExtractError::Limit("văn bản quá lớn".into()));
        }
    }
    flush_bytes(&mut bytes_run, &mut out.line, enc);
    out.flush(st.part);
    if !stack.is_empty() {
        out.x.notes.push(ExtractNote::Skipped {
            what: "tệp RTF bị cắt cụt (thiếu dấu đóng nhóm)".into(),
        });
    }
    if pictures > 0 {
        out.x.notes.push(ExtractNote::Skipped {
            what: format!("{pictures} hình ảnh trong tệp RTF chưa được nhận dạng"),
        });
    }
    if objects > 0 {
        out.x.notes.push(ExtractNote::Skipped {
            what: format!("{objects} đối tượng nhúng trong tệp RTF"),
        });
    }
    Ok(x)
}
