//! HTML extraction (portal pages, e-mail bodies) with scraper/html5ever: visible text by block,
//! `alt`/`title` attributes, `<title>` and `<meta>` content; `script`, `style` and `template` are
//! dropped; the declared charset is honoured (then UTF-8 validity, then a chardetng guess). Inline
//! `text-transform: uppercase` is applied because that is what the reader sees; `display:none`
//! text is kept (it is still published) and flagged hidden. The tree is walked iteratively, so deep
//! nesting cannot overflow the stack.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

use super::txt::decode_text;
use crate::legacy::{self, LegacyEncoding};
use crate::model::{Extracted, Part, Style, TextUnit};

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

struct Frame {
    name: String,
    /// Legacy font (`<font face=".VnTime">`, `font-family: VNI-Times`), inherited.
    legacy: Option<LegacyEncoding>,
    upper: bool,
    hidden: bool,
    part: Part,
    group: u32,
}

pub fn extract(bytes: &[u8]) -> Extracted {
    let (text, _enc) = decode_text(bytes);
    let doc = Html::parse_document(&text);
    let mut out = Extracted::new("html");
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
