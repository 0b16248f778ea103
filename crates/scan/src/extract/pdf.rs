//! PDF extraction: the text layer, read with our own content-stream walker on lopdf (so that each
//! text run keeps its font name — `.VnTime`/`VNI-Times` runs are repaired per run — and its fill
//! colour), plus annotations (`/Contents` and the appearance stream of `/Stamp`, `/FreeText` …).
//! pdf-extract is the fallback when the walker finds no text (it decodes more font programs).
//!
//! A PDF whose pages carry no text is **not** clean: such pages are reported as
//! [`ExtractNote::NoTextLayer`] ("no extractable text, needs manual review"), and OCR runs on them
//! only when `tesseract` (vie) and `pdftoppm` are installed. Encrypted PDFs that do not open with the
//! empty user password are refused.

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object};

use super::{ExtractError, Limits, ocr};
use crate::legacy::{self, LegacyEncoding};
use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};

struct FontInfo<'a> {
    encoding: Option<Encoding<'a>>,
    legacy: Option<LegacyEncoding>,
}

#[derive(Default)]
struct LineBuf {
    lines: Vec<(String, bool)>,
    cur: String,
    red: bool,
}

impl LineBuf {
    fn newline(&mut self) {
        let cur = std::mem::take(&mut self.cur);
        if !cur.trim().is_empty() {
            self.lines.push((cur, self.red));
        }
        self.red = false;
    }
}

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let doc = Document::load_mem(bytes).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => ExtractError::Encrypted,
        e => ExtractError::Corrupt(format!("pdf: {e}")),
    })?;
    if doc.is_encrypted() {
        return Err(ExtractError::Encrypted);
    }
    let pages = doc.get_pages();
    if pages.len() > limits.max_pdf_pages {
        return Err(ExtractError::Limit(format!(
            "quá nhiều trang ({})",
            pages.len()
        )));
    }
    let mut out = Extracted::new("pdf");
    let mut empty_pages = Vec::new();
    let mut group = 0u32;
    for (&page_no, &page_id) in &pages {
        let fonts = doc.get_page_fonts(page_id).unwrap_or_default();
        let resources = page_resources(&doc, page_id);
        let infos = font_infos(&doc, &fonts);
        let mut buf = LineBuf::default();
        if let Ok(content) = doc.get_and_decode_page_content(page_id) {
            walk(&doc, &content, &infos, &resources, 0, &mut buf);
        }
        buf.newline();
        if buf.lines.is_empty() {
            empty_pages.push(page_no);
        }
        for (i, (line, red)) in buf.lines.into_iter().enumerate() {
            out.units.push(TextUnit {
                part: Part::Body,
                page: Some(page_no),
                index: i as u32,
                group: 0,
                text: line,
                style: Style {
                    red,
                    ..Style::default()
                },
                source: format!("trang {page_no}"),
            });
        }
        for annot in doc.get_page_annotations(page_id).unwrap_or_default() {
            group += 1;
            annotation_units(&doc, annot, page_no, group, &mut out);
        }
    }
    if out.units.iter().all(|u| u.part != Part::Body) {
        fallback_pdf_extract(bytes, &mut out, &mut empty_pages);
    }
    if !empty_pages.is_empty() {
        if ocr::available() && ocr::can_render_pdf() {
            let (mut done, mut failed) = (0, 0);
            for &p in &empty_pages {
                let Some(lines) = ocr::ocr_pdf_page(bytes, p) else {
                    failed += 1;
                    continue;
                };
                {
                    for (i, line) in lines.into_iter().enumerate() {
                        out.units.push(TextUnit {
                            part: Part::Ocr,
                            page: Some(p),
                            index: i as u32,
                            group: 0,
                            text: line,
                            style: Style::default(),
                            source: format!("trang {p} (OCR)"),
                        });
                    }
                    done += 1;
                }
            }
            out.notes.push(ExtractNote::OcrDone { images: done });
            if failed > 0 {
                out.notes
                    .push(ExtractNote::OcrUnavailable { images: failed });
            }
        } else {
            out.notes.push(ExtractNote::OcrUnavailable {
                images: empty_pages.len() as u32,
            });
        }
        out.notes
            .push(ExtractNote::NoTextLayer { pages: empty_pages });
    }
    Ok(out)
}

fn font_infos<'a>(
    doc: &'a Document,
    fonts: &std::collections::BTreeMap<Vec<u8>, &'a Dictionary>,
) -> HashMap<Vec<u8>, FontInfo<'a>> {
    fonts
        .iter()
        .map(|(name, dict)| {
            let base = dict
                .get(b"BaseFont")
                .and_then(Object::as_name)
                .ok()
                .map(|n| String::from_utf8_lossy(n).into_owned());
            let legacy = base.as_deref().and_then(legacy::classify_font);
            (
                name.clone(),
                FontInfo {
                    encoding: dict.get_font_encoding(doc).ok(),
                    legacy,
                },
            )
        })
        .collect()
}

fn num(o: &Object) -> f32 {
    o.as_float().unwrap_or(0.0)
}

/// Resource dictionaries of a page (its own, then inherited ones).
fn page_resources(doc: &Document, page_id: lopdf::ObjectId) -> Vec<&Dictionary> {
    let Ok((inline, ids)) = doc.get_page_resources(page_id) else {
        return Vec::new();
    };
    inline
        .into_iter()
        .chain(ids.iter().filter_map(|id| doc.get_dictionary(*id).ok()))
        .collect()
}

/// The `/Font` entries of a resource dictionary.
fn fonts_in<'a>(
    doc: &'a Document,
    res: &'a Dictionary,
) -> std::collections::BTreeMap<Vec<u8>, &'a Dictionary> {
    res.get_deref(b"Font", doc)
        .and_then(Object::as_dict)
        .map(|fd| {
            fd.iter()
                .filter_map(|(k, v)| {
                    let d = match v {
                        Object::Reference(id) => doc.get_object(*id).ok()?.as_dict().ok()?,
                        Object::Dictionary(d) => d,
                        _ => return None,
                    };
                    Some((k.clone(), d))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Form XObjects nest at most this deep (a hostile file may make them recursive).
const MAX_FORM_DEPTH: usize = 4;

/// Text of a Form XObject drawn with `Do` (stamps and watermarks added by PDF tools live there).
fn walk_form(
    doc: &Document,
    name: &[u8],
    resources: &[&Dictionary],
    depth: usize,
    buf: &mut LineBuf,
) {
    let stream = resources.iter().find_map(|r| {
        r.get_deref(b"XObject", doc)
            .and_then(Object::as_dict)
            .ok()?
            .get_deref(name, doc)
            .and_then(Object::as_stream)
            .ok()
    });
    let Some(stream) = stream else { return };
    if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
        return;
    }
    let Ok(data) = stream
        .decompressed_content()
        .or_else(|_| stream.get_plain_content())
    else {
        return;
    };
    let Ok(content) = Content::decode(&data) else {
        return;
    };
    let own = stream
        .dict
        .get_deref(b"Resources", doc)
        .and_then(Object::as_dict)
        .ok();
    let mut res: Vec<&Dictionary> = own.into_iter().collect();
    res.extend_from_slice(resources);
    let fonts = res.iter().rev().flat_map(|r| fonts_in(doc, r)).collect();
    let infos = font_infos(doc, &fonts);
    walk(doc, &content, &infos, &res, depth + 1, buf);
}

fn walk(
    doc: &Document,
    content: &Content,
    fonts: &HashMap<Vec<u8>, FontInfo>,
    resources: &[&Dictionary],
    depth: usize,
    buf: &mut LineBuf,
) {
    let mut font: Option<&FontInfo> = None;
    let mut red = false;
    let mut line_y: Option<f32> = None;
    let show = |bytes: &[u8], font: Option<&FontInfo>, red: bool, buf: &mut LineBuf| {
        let text = match font.and_then(|f| f.encoding.as_ref()) {
            Some(enc) => Document::decode_text(enc, bytes).unwrap_or_default(),
            None => bytes.iter().map(|&b| b as char).collect(),
        };
        let text = legacy::repair_run(&text, font.and_then(|f| f.legacy));
        if !text.trim().is_empty() {
            buf.red |= red;
        }
        buf.cur.push_str(&text);
    };
    for op in &content.operations {
        let o = &op.operands;
        match op.operator.as_str() {
            "BT" => {}
            "ET" => {}
            "Tf" => {
                font = o
                    .first()
                    .and_then(|n| n.as_name().ok())
                    .and_then(|n| fonts.get(n))
            }
            "Td" | "TD" => {
                let ty = o.get(1).map(num).unwrap_or(0.0);
                line_y = Some(line_y.unwrap_or(0.0) + ty);
                if ty.abs() > 0.5 {
                    buf.newline();
                } else if o.first().map(num).unwrap_or(0.0) > 1.0
                    && !buf.cur.ends_with(' ')
                    && !buf.cur.is_empty()
                {
                    buf.cur.push(' ');
                }
            }
            "T*" => buf.newline(),
            "Tm" => {
                let y = o.get(5).map(num).unwrap_or(0.0);
                if line_y.is_some_and(|ly: f32| (ly - y).abs() > 0.5) {
                    buf.newline();
                }
                line_y = Some(y);
            }
            "Tj" => {
                if let Some(Ok(s)) = o.first().map(Object::as_str) {
                    show(s, font, red, buf);
                }
            }
            "'" | "\"" => {
                buf.newline();
                if let Some(Ok(s)) = o.last().map(Object::as_str) {
                    show(s, font, red, buf);
                }
            }
            "TJ" => {
                if let Some(Ok(arr)) = o.first().map(Object::as_array) {
                    for item in arr {
                        match item {
                            Object::String(s, _) => show(s, font, red, buf),
                            Object::Integer(_) | Object::Real(_)
                                if num(item) < -250.0 && !buf.cur.ends_with(' ') =>
                            {
                                buf.cur.push(' ');
                            }
                            _ => {}
                        }
                    }
                }
            }
            "rg" | "sc" | "scn" if o.len() == 3 => {
                let (r, g, b) = (num(&o[0]), num(&o[1]), num(&o[2]));
                red = r > 0.6 && g < 0.4 && b < 0.4;
            }
            "k" if o.len() == 4 => {
                let (c, m, y) = (num(&o[0]), num(&o[1]), num(&o[2]));
                red = c < 0.3 && m > 0.6 && y > 0.6;
            }
            "g" | "G" => red = false,
            "Do" if depth < MAX_FORM_DEPTH => {
                if let Some(Ok(name)) = o.first().map(Object::as_name) {
                    walk_form(doc, name, resources, depth, buf);
                }
            }
            _ => {}
        }
    }
}

/// `/Contents` and the normal appearance stream of an annotation.
fn annotation_units(
    doc: &Document,
    annot: &Dictionary,
    page: u32,
    group: u32,
    out: &mut Extracted,
) {
    let subtype = annot
        .get(b"Subtype")
        .and_then(Object::as_name)
        .ok()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    if subtype == "Link" || subtype == "Popup" || subtype == "Widget" && annot.get(b"V").is_err() {
        return;
    }
    let boxed = matches!(subtype.as_str(), "Stamp" | "FreeText" | "Square");
    let mut texts: Vec<(String, bool)> = Vec::new();
    if let Ok(c) = annot.get_deref(b"Contents", doc)
        && let Ok(s) = lopdf::decode_text_string(c)
    {
        texts.extend(s.lines().map(|l| (l.to_owned(), false)));
    }
    // Appearance stream (the visible stamp), which may carry the text only in a content stream.
    if let Ok(ap) = annot.get_deref(b"AP", doc).and_then(Object::as_dict)
        && let Ok(n) = ap.get_deref(b"N", doc)
        && let Ok(stream) = n.as_stream()
        && let Ok(data) = stream
            .decompressed_content()
            .or_else(|_| stream.get_plain_content())
        && let Ok(content) = Content::decode(&data)
    {
        let res = stream
            .dict
            .get_deref(b"Resources", doc)
            .and_then(Object::as_dict)
            .ok();
        let fonts = res.map(|r| fonts_in(doc, r)).unwrap_or_default();
        let infos = font_infos(doc, &fonts);
        let mut buf = LineBuf::default();
        let resources: Vec<&Dictionary> = res.into_iter().collect();
        walk(doc, &content, &infos, &resources, 0, &mut buf);
        buf.newline();
        for (l, red) in buf.lines {
            if !texts.iter().any(|(t, _)| t.trim() == l.trim()) {
                texts.push((l, red));
            }
        }
    }
    for (i, (t, red)) in texts.into_iter().enumerate() {
        if t.trim().is_empty() {
            continue;
        }
        out.units.push(TextUnit {
            part: Part::Annotation,
            page: Some(page),
            index: i as u32,
            group,
            text: t,
            style: Style {
                boxed,
                red,
                ..Style::default()
            },
            source: format!("trang {page}, chú thích /{subtype}"),
        });
    }
}

/// pdf-extract decodes embedded font programs our walker does not; it panics by design on some
/// inputs (jrmuizel/pdf-extract#47), which the isolation child turns into "could not read".
fn fallback_pdf_extract(bytes: &[u8], out: &mut Extracted, empty_pages: &mut Vec<u32>) {
    // Caught here too, so that in-process callers never see its known panics.
    let Ok(Ok(pages)) =
        std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes))
    else {
        return;
    };
    let mut found = false;
    for (i, text) in pages.iter().enumerate() {
        let page = i as u32 + 1;
        let mut any = false;
        for (j, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            any = true;
            out.units.push(TextUnit {
                part: Part::Body,
                page: Some(page),
                index: j as u32,
                group: 0,
                text: line.to_owned(),
                style: Style::default(),
                source: format!("trang {page}"),
            });
        }
        if any {
            found = true;
            empty_pages.retain(|p| *p != page);
        }
    }
    let _ = found;
}
