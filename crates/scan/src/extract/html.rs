//! HTML extraction (portal pages, e-mail bodies) with scraper/html5ever: visible text by block,
//! `alt`/`title` attributes, `<title>` and `<meta>` content; `style` and `template` are dropped;
//! the declared charset is honoured (then UTF-8, then a chardetng guess). Inline
//! `text-transform: uppercase` is applied because that is what the reader sees. The tree is walked
//! iteratively, so deep nesting cannot overflow the stack.
//!
//! What a page may show without plain text in its body (issue 16), all treated as present:
//! - text hidden by CSS (`display:none`, `visibility:hidden`, `font-size:0`, white on white, a
//!   class in a style sheet): stylesheets are not applied, so such text is read like any other
//!   (inline `display:none`/`visibility:hidden` is flagged hidden in the reason);
//! - text written by script: every string literal in a `<script>` (adjacent literals joined by
//!   `+`, JavaScript escapes decoded) is read, as HTML when it holds markup (`document.write`);
//! - text drawn by CSS `content: "…"` in a style sheet or a `style` attribute;
//! - pictures: an `<img>` whose source is a `data:` URI is decoded and read as a picture (OCR, or
//!   `review` when OCR is unavailable), an SVG one as a drawing. Pictures referenced by an `.mht`
//!   arrive as parts of the message ([`super::mail`]) and are read the same way.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

use super::{ocr, svg, txt};
use crate::legacy::{self, LegacyEncoding};
use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "td",
    "th",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "center",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "form",
    "body",
    "nav",
    "aside",
    "main",
    "figure",
    "figcaption",
    "caption",
    "address",
    "hr",
    "title",
];
const DROP: &[&str] = &["script", "style", "template", "head"];

/// Most script literals and data-URI pictures read from one page.
const MAX_SCRIPT_STRINGS: usize = 10_000;
const MAX_DATA_IMAGES: usize = 200;

struct Frame {
    name: String,
    /// Legacy font (`<font face=".VnTime">`, `font-family: VNI-Times`), inherited.
    legacy: Option<LegacyEncoding>,
    upper: bool,
    hidden: bool,
    part: Part,
    group: u32,
}

/// Reads an HTML file (bytes in the declared or detected charset).
pub fn extract(bytes: &[u8]) -> Extracted {
    let d = txt::decode(bytes);
    let mut out = extract_str(&d.text);
    out.notes.extend(d.note());
    out
}

/// Reads HTML already decoded (an e-mail or MHT part, decoded by its MIME charset).
pub fn extract_str(text: &str) -> Extracted {
    extract_at(text, false)
}

/// `fragment`: markup written by a script (its own scripts are not read again).
fn extract_at(text: &str, fragment: bool) -> Extracted {
    let doc = if fragment {
        Html::parse_fragment(text)
    } else {
        Html::parse_document(text)
    };
    let mut out = Extracted::new("html");
    let mut images = 0usize;
    let mut stack: Vec<Frame> = Vec::new();
    let mut buf = String::new();
    let mut drop_depth = 0usize;
    let mut index = 0u32;
    let mut groups = 0u32;
    let mut buf_style = Style::default();
    let mut buf_part = Part::Body;
    let mut buf_group = 0u32;

    let flush = |buf: &mut String,
                 style: Style,
                 part: Part,
                 group: u32,
                 out: &mut Extracted,
                 index: &mut u32| {
        if !buf.trim().is_empty() {
            out.units.push(TextUnit {
                part,
                page: None,
                index: *index,
                group,
                text: std::mem::take(buf),
                style,
                source: "html".into(),
            });
            *index += 1;
        }
        buf.clear();
    };

    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name().to_ascii_lowercase();
                    // Head metadata is read even though the head's text is not visible.
                    if name == "title" || name == "meta" {
                        let t = if name == "meta" {
                            let key = el
                                .attr("name")
                                .or_else(|| el.attr("property"))
                                .unwrap_or("");
                            el.attr("content")
                                .filter(|_| !key.is_empty())
                                .map(str::to_owned)
                        } else {
                            Some(
                                node.children()
                                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                                    .collect(),
                            )
                        };
                        if let Some(t) = t.filter(|t: &String| !t.trim().is_empty()) {
                            out.units.push(TextUnit {
                                part: Part::Metadata,
                                page: None,
                                index,
                                group: 0,
                                text: t,
                                style: Style::default(),
                                source: format!("html <{name}>"),
                            });
                            index += 1;
                        }
                    }
                    if name == "script" || name == "style" {
                        let body: String = node
                            .children()
                            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                            .collect();
                        if name == "script" && !fragment {
                            script_units(&body, &mut out, &mut index);
                        } else if name == "style" {
                            css_content_units(&body, "html <style>", &mut out, &mut index);
                        }
                    }
                    if let Some(st) = el.attr("style") {
                        css_content_units(st, "html style=", &mut out, &mut index);
                    }
                    let data_src = el.attr("src").filter(|s| {
                        s.trim_start()
                            .get(..5)
                            .is_some_and(|p| p.eq_ignore_ascii_case("data:"))
                    });
                    if (name == "img" || name == "input")
                        && let Some(src) = data_src
                    {
                        images += 1;
                        if images <= MAX_DATA_IMAGES {
                            data_image(src.trim(), &mut out);
                        } else if images == MAX_DATA_IMAGES + 1 {
                            out.notes.push(ExtractNote::Skipped {
                                what: format!(
                                    "hình ảnh nhúng thứ {images} trở đi trong trang HTML"
                                ),
                            });
                        }
                    }
                    if DROP.contains(&name.as_str()) || drop_depth > 0 {
                        drop_depth += 1;
                        continue;
                    }
                    let style_attr = el
                        .attr("style")
                        .unwrap_or("")
                        .to_ascii_lowercase()
                        .replace(' ', "");
                    let parent = stack.last();
                    let upper = style_attr.contains("text-transform:uppercase")
                        || parent.is_some_and(|p| p.upper);
                    let hidden = style_attr.contains("display:none")
                        || style_attr.contains("visibility:hidden")
                        || el.attr("hidden").is_some()
                        || parent.is_some_and(|p| p.hidden);
                    let part = match name.as_str() {
                        "header" => Part::Header,
                        "footer" => Part::Footer,
                        _ => parent.map(|p| p.part).unwrap_or(Part::Body),
                    };
                    let boxed = matches!(name.as_str(), "td" | "th");
                    let group = if boxed {
                        groups += 1;
                        groups
                    } else {
                        parent.map(|p| p.group).unwrap_or(0)
                    };
                    if BLOCKS.contains(&name.as_str()) || name == "br" {
                        flush(
                            &mut buf, buf_style, buf_part, buf_group, &mut out, &mut index,
                        );
                    }
                    for a in ["alt", "title"] {
                        if let Some(v) = el.attr(a).filter(|v| !v.trim().is_empty()) {
                            out.units.push(TextUnit {
                                part,
                                page: None,
                                index,
                                group: 0,
                                text: v.to_owned(),
                                style: Style {
                                    hidden,
                                    ..Style::default()
                                },
                                source: format!("html {a}="),
                            });
                            index += 1;
                        }
                    }
                    let face = el.attr("face").map(str::to_owned).or_else(|| {
                        let st = el.attr("style")?;
                        let i = st.to_ascii_lowercase().find("font-family")?;
                        let v = st[i..].split_once(':')?.1;
                        Some(v.split([';', ',']).next()?.trim().to_owned())
                    });
                    let legacy = match face.as_deref().and_then(legacy::classify_font) {
                        Some(enc) => Some(enc),
                        None if face.is_some() => None,
                        None => parent.and_then(|p| p.legacy),
                    };
                    stack.push(Frame {
                        name,
                        legacy,
                        upper,
                        hidden,
                        part,
                        group,
                    });
                }
                Node::Text(t) => {
                    if drop_depth > 0 {
                        continue;
                    }
                    let f = stack.last();
                    let s: &str = &t.text;
                    if buf.trim().is_empty() {
                        buf_style = Style {
                            hidden: f.is_some_and(|f| f.hidden),
                            boxed: f.is_some_and(|f| f.group != 0),
                            table: f.is_some_and(|f| f.group != 0),
                            ..Style::default()
                        };
                        buf_part = f.map(|f| f.part).unwrap_or(Part::Body);
                        buf_group = f.map(|f| f.group).unwrap_or(0);
                    }
                    let repaired;
                    let s = match f.and_then(|f| f.legacy) {
                        Some(enc) => {
                            buf_style.legacy = true;
                            repaired = legacy::repair_run(s, Some(enc));
                            repaired.as_str()
                        }
                        None => s,
                    };
                    if f.is_some_and(|f| f.upper) {
                        buf.push_str(&s.to_uppercase());
                    } else {
                        buf.push_str(s);
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    if drop_depth > 0 {
                        drop_depth -= 1;
                        continue;
                    }
                    let name = el.name().to_ascii_lowercase();
                    if BLOCKS.contains(&name.as_str()) {
                        flush(
                            &mut buf, buf_style, buf_part, buf_group, &mut out, &mut index,
                        );
                    }
                    if stack.last().is_some_and(|f| f.name == name) {
                        stack.pop();
                    }
                }
            }
        }
    }
    flush(
        &mut buf, buf_style, buf_part, buf_group, &mut out, &mut index,
    );
    out
}

/// Adds the text units of `x` (read from a part of the page) under `source`.
fn merge(out: &mut Extracted, x: Extracted, source: &str, index: &mut u32) {
    for mut u in x.units {
        u.source = format!("{source} › {}", u.source);
        u.index = *index;
        *index += 1;
        out.units.push(u);
    }
    out.notes.extend(x.notes);
}

/// Every string literal of a script, adjacent literals joined by `+` (`"TỐI " + "MẬT"`), read as
/// HTML (text written with `document.write`/`innerHTML` is markup).
fn script_units(script: &str, out: &mut Extracted, index: &mut u32) {
    let strings = string_literals(script, false);
    if strings.len() > MAX_SCRIPT_STRINGS {
        out.notes.push(ExtractNote::Skipped {
            what: "một phần chuỗi trong mã script của trang HTML (quá nhiều)".into(),
        });
    }
    for s in strings.into_iter().take(MAX_SCRIPT_STRINGS) {
        if s.trim().is_empty() {
            continue;
        }
        let x = if s.contains('<') {
            extract_at(&s, true)
        } else {
            let mut x = Extracted::new("html");
            for l in s.lines().filter(|l| !l.trim().is_empty()) {
                x.units.push(TextUnit {
                    part: Part::Body,
                    page: None,
                    index: 0,
                    group: 0,
                    text: l.to_owned(),
                    style: Style::default(),
                    source: "chuỗi".into(),
                });
            }
            x
        };
        merge(out, x, "html <script>", index);
    }
}

/// Strings drawn by CSS `content: "…"` (`::before`/`::after`).
fn css_content_units(css: &str, source: &str, out: &mut Extracted, index: &mut u32) {
    let lower = css.to_ascii_lowercase();
    let mut at = 0;
    while let Some(p) = lower[at..].find("content") {
        let start = at + p + "content".len();
        at = start;
        let rest = css[start..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let value = rest.split([';', '}']).next().unwrap_or("");
        let text: String = string_literals(value, true).concat();
        if !text.trim().is_empty() {
            out.units.push(TextUnit {
                part: Part::Body,
                page: None,
                index: *index,
                group: 0,
                text,
                style: Style::default(),
                source: format!("{source} (content)"),
            });
            *index += 1;
        }
    }
}

/// The string literals of JavaScript (or CSS when `css`), escapes decoded; comments skipped;
/// literals joined by `+` become one string.
fn string_literals(code: &str, css: bool) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut joined = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '/' if chars.get(i + 1) == Some(&'/') && !css => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            '"' | '\'' | '`' if !(css && c == '`') => {
                let (s, next) = literal(&chars, i + 1, c, css);
                i = next;
                match out.last_mut() {
                    Some(last) if joined => last.push_str(&s),
                    _ => out.push(s),
                }
                joined = false;
                // A following `+ "…"` continues this string.
                let mut j = i;
                while j < chars.len() && chars[j].is_whitespace() {
                    j += 1;
                }
                if chars.get(j) == Some(&'+') {
                    joined = true;
                    i = j + 1;
                }
                continue;
            }
            c if !c.is_whitespace() => joined = false,
            _ => {}
        }
        i += 1;
    }
    out
}

/// One literal from `start` (after the opening quote) to the closing `quote`; returns the decoded
/// text and the index after the literal.
fn literal(chars: &[char], start: usize, quote: char, css: bool) -> (String, usize) {
    let mut s = String::new();
    let mut i = start;
    let hex = |from: usize, n: usize| -> Option<(char, usize)> {
        let h: String = chars.get(from..from + n)?.iter().collect();
        let v = u32::from_str_radix(&h, 16).ok()?;
        Some((char::from_u32(v)?, from + n))
    };
    while i < chars.len() {
        let c = chars[i];
        if c == quote {
            return (s, i + 1);
        }
        if c == '\\' && i + 1 < chars.len() {
            let e = chars[i + 1];
            if css {
                // CSS: up to six hex digits and one optional space.
                let n = chars[i + 1..]
                    .iter()
                    .take(6)
                    .take_while(|c| c.is_ascii_hexdigit())
                    .count();
                if n > 0
                    && let Some((ch, next)) = hex(i + 1, n)
                {
                    s.push(ch);
                    i = next;
                    if chars.get(i) == Some(&' ') {
                        i += 1;
                    }
                    continue;
                }
                s.push(e);
                i += 2;
                continue;
            }
            let decoded = match e {
                'n' => Some(('\n', i + 2)),
                't' => Some(('\t', i + 2)),
                'r' => Some(('\r', i + 2)),
                'x' => hex(i + 2, 2),
                'u' if chars.get(i + 2) == Some(&'{') => {
                    let n = chars[i + 3..].iter().take_while(|c| **c != '}').count();
                    hex(i + 3, n.min(6)).map(|(ch, next)| (ch, next + 1))
                }
                'u' => hex(i + 2, 4),
                _ => Some((e, i + 2)),
            };
            match decoded {
                Some((ch, next)) => {
                    s.push(ch);
                    i = next;
                }
                None => {
                    s.push(e);
                    i += 2;
                }
            }
            continue;
        }
        s.push(c);
        i += 1;
    }
    (s, i)
}

/// A `data:` URI picture: decoded and read as a picture (OCR, or `review`), an SVG as a drawing.
fn data_image(src: &str, out: &mut Extracted) {
    let Some((meta, payload)) = src[5..].split_once(',') else {
        return;
    };
    let meta = meta.to_ascii_lowercase();
    let bytes = if meta.ends_with(";base64") {
        base64(payload)
    } else {
        Some(percent_decode(payload))
    };
    let Some(bytes) = bytes else {
        out.notes.push(ExtractNote::Skipped {
            what: "một hình ảnh nhúng (data:) trong trang HTML không giải mã được".into(),
        });
        return;
    };
    let x = if meta.starts_with("image/svg") {
        svg::extract(&bytes, &super::Limits::default())
    } else {
        Ok(ocr::extract_image(&bytes))
    };
    match x {
        Ok(x) => {
            let mut index = out.units.len() as u32;
            merge(out, x, "html <img data:>", &mut index);
        }
        Err(e) => out.notes.push(ExtractNote::Skipped {
            what: format!("một hình ảnh nhúng (data:) trong trang HTML: {e}"),
        }),
    }
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Standard or URL-safe base64, whitespace ignored; None when malformed.
fn base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            c if c.is_ascii_whitespace() => continue,
            // Percent-encoded padding or a stray character.
            b'%' => return None,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}
