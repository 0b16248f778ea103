//! SVG drawings (ảnh vector SVG) read as XML (issue 16 point 1): a stamp drawn as SVG text is
//! text a reader sees. Each `text`, `title`, `desc`, `flowPara` and HTML paragraph of a
//! `foreignObject` is one block (its `tspan`s joined, as drawn on one line); element names are
//! matched by local name, so any namespace prefix reads the same. Embedded pictures (`image`
//! with a data URI or a link) are not read: they are noted, and the verdict is `review`.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::{ExtractError, Limits, docx};
use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};

/// Elements whose text is one block.
const BLOCKS: &[&[u8]] = &[
    b"text",
    b"title",
    b"desc",
    b"flowPara",
    b"flowRoot",
    b"p",
    b"div",
    b"span",
    b"textArea",
];

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let (text, _) = super::txt::decode_text(bytes);
    let mut r = Reader::from_str(&text);
    let mut out = Extracted::new("svg");
    let mut depth = 0usize;
    // (depth of the block element, text so far)
    let mut block: Option<(usize, String)> = None;
    let mut index = 0u32;
    let mut pictures = 0u32;
    let mut skip_depth: Option<usize> = None;
    let emit = |out: &mut Extracted, t: String, index: &mut u32| {
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            out.units.push(TextUnit {
                part: Part::Body,
                page: None,
                index: *index,
                group: 0,
                text: t,
                style: Style::default(),
                source: format!("hình SVG, khối {}", *index + 1),
            });
            *index += 1;
        }
    };
    loop {
        let ev = r
            .read_event()
            .map_err(|e| ExtractError::Corrupt(format!("SVG: {e}")))?;
        match ev {
            Event::Start(ref e) => {
                depth += 1;
                if depth > limits.max_depth {
                    return Err(ExtractError::Limit("XML lồng quá sâu".into()));
                }
                let n = e.local_name();
                let n = n.as_ref();
                if skip_depth.is_none() && (n == b"style" || n == b"script") {
                    // Style sheets are not text; a script is code (its effect is not evaluated).
                    skip_depth = Some(depth);
                } else if n == b"image" {
                    pictures += 1;
                } else if block.is_none() && BLOCKS.contains(&n) {
                    block = Some((depth, String::new()));
                } else if n == b"tspan"
                    && let Some((_, t)) = block.as_mut()
                {
                    t.push(' ');
                }
            }
            Event::Empty(ref e) if e.local_name().as_ref() == b"image" => pictures += 1,
            Event::Text(t) if skip_depth.is_none() => {
                let s = t.decode().unwrap_or_default();
                match block.as_mut() {
                    Some((_, b)) => b.push_str(&s),
                    None => emit(&mut out, s.into_owned(), &mut index),
                }
            }
            Event::CData(t) if skip_depth.is_none() => {
                let s = String::from_utf8_lossy(&t).into_owned();
                match block.as_mut() {
                    Some((_, b)) => b.push_str(&s),
                    None => emit(&mut out, s, &mut index),
                }
            }
            Event::GeneralRef(ref e) if skip_depth.is_none() => {
                if let Some((_, b)) = block.as_mut() {
                    b.push_str(&docx::entity(e));
                }
            }
            Event::End(_) => {
                if skip_depth == Some(depth) {
                    skip_depth = None;
                }
                if block.as_ref().is_some_and(|(d, _)| *d == depth)
                    && let Some((_, t)) = block.take()
                {
                    emit(&mut out, t, &mut index);
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((_, t)) = block.take() {
        emit(&mut out, t, &mut index);
    }
    if pictures > 0 {
        out.notes.push(ExtractNote::Skipped {
            what: format!("{pictures} ảnh nhúng trong hình SVG chưa được nhận dạng"),
        });
    }
    Ok(out)
}
