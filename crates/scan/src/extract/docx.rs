//! DOCX (WordprocessingML) extraction: a streaming quick-xml walker over the body, headers,
//! footers, footnotes/endnotes, comments and document properties (stack.md §6 "Extraction").
//!
//! What it guarantees (scanner.md §6.1):
//! * text boxes are read **once** — `mc:Fallback` (the VML copy) is skipped, VML-only boxes are read;
//! * a paragraph's runs are concatenated before matching (Word splits words across runs), each run
//!   repaired from its legacy font (`w:rFonts`, also through `w:rStyle`/`w:pStyle`/defaults) and
//!   upper-cased when `w:caps`/`w:smallCaps` is set, because that is what the reader sees;
//! * tracked deletions (`w:delText`) become separate units flagged `deleted`; insertions are read;
//! * line breaks (`w:br`) split a paragraph into lines of one group, text boxes and table cells get
//!   a group id, so multi-line stamps can be joined;
//! * entity references (`&amp;`, `&#7852;`) are resolved (quick-xml reports them as separate events);
//! * nesting depth is capped; field codes (`w:instrText`) are not text;
//! * parts are found as Word finds them ([`super::ooxml`]): the main part through `_rels/.rels`
//!   (at any path; a decoy `word/document.xml` is read too, it hides nothing), headers, footers,
//!   notes, comments and the glossary through the main part's relationships and the content
//!   types, and the usual names as well; names are resolved by namespace URI, not by prefix;
//! * both branches of `mc:AlternateContent` are read: the fallback's paragraphs that repeat the
//!   chosen branch (the VML copy of a text box) are dropped, the others are kept.

use std::collections::{HashMap, HashSet};

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::zipread::BoundedZip;
use super::{ExtractError, Limits, ocr, ooxml};
use crate::legacy;
use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let mut z = BoundedZip::open(bytes, limits)?;
    let names = z.names().to_vec();
    let main = match ooxml::main_part(&mut z, limits)? {
        Some((m, ooxml::Kind::Word)) => m,
        _ => {
            return Err(ExtractError::Unsupported(
                "tệp nén không phải văn bản DOCX".into(),
            ));
        }
    };
    let main_rels = ooxml::relationships(&mut z, &main, limits)?;
    let main_dir = main.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let styles_name = main_rels
        .iter()
        .find(|r| r.kind == "styles")
        .map(|r| r.target.clone())
        .unwrap_or_else(|| format!("{main_dir}/styles.xml"));
    let styles = match ooxml::read_ci(&mut z, &styles_name)? {
        Some(x) => parse_styles(&ooxml::canonical_xml(&x, limits, &styles_name)?, limits)?,
        None => Styles::default(),
    };
    let mut out = Extracted::new("docx");
    let mut groups = 0u32;
    // The parts to read, in reading order, each once: the main part, the parts it refers to,
    // every part declared with a WordprocessingML content type, then the usual names.
    let mut order: Vec<(String, Part)> = vec![(main.clone(), Part::Body)];
    for r in &main_rels {
        let part = match r.kind.as_str() {
            "header" => Part::Header,
            "footer" => Part::Footer,
            "footnotes" | "endnotes" => Part::Note,
            "comments" => Part::Comment,
            "glossaryDocument" => Part::Body,
            _ => continue,
        };
        order.push((r.target.clone(), part));
    }
    for (p, ct) in ooxml::content_types(&mut z, limits)? {
        if !ct.contains("wordprocessingml") {
            continue;
        }
        let part = if ct.ends_with(".header+xml") {
            Part::Header
        } else if ct.ends_with(".footer+xml") {
            Part::Footer
        } else if ct.ends_with(".footnotes+xml") || ct.ends_with(".endnotes+xml") {
            Part::Note
        } else if ct.ends_with(".comments+xml") {
            Part::Comment
        } else if ct.ends_with(".main+xml") || ct.ends_with(".glossary+xml") {
            Part::Body
        } else {
            continue;
        };
        order.push((p, part));
    }
    let mut sorted = names.clone();
    sorted.sort();
    order.push(("word/document.xml".into(), Part::Body));
    for n in &sorted {
        let base = n.strip_prefix("word/").unwrap_or("");
        if base.contains('/') || !base.ends_with(".xml") {
            continue;
        }
        let part = if base.starts_with("header") {
            Part::Header
        } else if base.starts_with("footer") {
            Part::Footer
        } else if base == "footnotes.xml" || base == "endnotes.xml" {
            Part::Note
        } else if base == "comments.xml" {
            Part::Comment
        } else {
            continue;
        };
        order.push((n.clone(), part));
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut images: Vec<String> = Vec::new();
    for (name, part) in order {
        if !seen.insert(name.to_ascii_lowercase()) {
            continue;
        }
        if let Some(xml) = ooxml::read_ci(&mut z, &name)? {
            let xml = ooxml::canonical_xml(&xml, limits, &name)?;
            walk_wordml(&xml, part, &name, &styles, &mut groups, limits, &mut out)?;
            // Pictures are found by relationship too (a stamp image outside word/media/).
            for r in ooxml::relationships(&mut z, &name, limits)? {
                if r.kind == "image" && !images.contains(&r.target) {
                    images.push(r.target);
                }
            }
        }
    }
    for name in [
        "docProps/core.xml",
        "docProps/app.xml",
        "docProps/custom.xml",
    ] {
        if let Some(xml) = z.read(name)? {
            let xml = ooxml::canonical_xml(&xml, limits, name)?;
            read_properties(&xml, name, limits, &mut out)?;
        }
    }
    // Embedded pictures may be stamp images: OCR them or say that we could not.
    for n in names
        .iter()
        .filter(|n| n.starts_with("word/media/") && is_image_name(n))
    {
        if !images.contains(n) {
            images.push(n.clone());
        }
    }
    images.retain(|n| z.names().iter().any(|x| x == n));
    ocr_pictures(&mut z, &images, &mut out)?;
    Ok(out)
}

/// Pictures of a package may be stamp images: OCR them, or note that they were not read.
pub(crate) fn ocr_pictures(
    z: &mut BoundedZip<'_>,
    images: &[String],
    out: &mut Extracted,
) -> Result<(), ExtractError> {
    if images.is_empty() {
        return Ok(());
    }
    if ocr::available() {
        let (mut done, mut failed) = (0, 0);
        for (i, name) in images.iter().enumerate() {
            let lines = match z.read(name)? {
                Some(img) => ocr::ocr_image(&img),
                None => None,
            };
            let Some(lines) = lines else {
                failed += 1;
                continue;
            };
            for (line_no, line) in lines.into_iter().enumerate() {
                out.units.push(TextUnit {
                    part: Part::Ocr,
                    page: None,
                    index: line_no as u32,
                    group: 1_000_000 + i as u32,
                    text: line,
                    style: Style::default(),
                    source: name.clone(),
                });
            }
            done += 1;
        }
        out.notes.push(ExtractNote::OcrDone { images: done });
        if failed > 0 {
            // An image OCR could not read is as unchecked as one never read.
            out.notes
                .push(ExtractNote::OcrUnavailable { images: failed });
        }
    } else {
        out.notes.push(ExtractNote::OcrUnavailable {
            images: images.len() as u32,
        });
    }
    Ok(())
}

pub(crate) fn is_image_name(n: &str) -> bool {
    let l = n.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"]
        .iter()
        .any(|e| l.ends_with(e))
}

#[derive(Debug, Default, Clone)]
struct StyleInfo {
    font: Option<String>,
    caps: Option<bool>,
    bold: Option<bool>,
    based_on: Option<String>,
}

#[derive(Debug, Default)]
struct Styles {
    default_font: Option<String>,
    by_id: HashMap<String, StyleInfo>,
}

impl Styles {
    /// Resolve a style through `w:basedOn` (bounded, cycles cut).
    fn resolve(&self, id: &str) -> StyleInfo {
        let mut out = StyleInfo::default();
        let mut cur = Some(id.to_owned());
        for _ in 0..16 {
            let Some(c) = cur.take() else { break };
            let Some(s) = self.by_id.get(&c) else { break };
            out.font = out.font.or_else(|| s.font.clone());
            out.caps = out.caps.or(s.caps);
            out.bold = out.bold.or(s.bold);
            cur = s.based_on.clone();
        }
        out
    }
}

fn attr(e: &BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// `w:b`, `w:caps`, `w:vanish`: on unless `w:val` is 0/false/off.
fn toggle(e: &BytesStart) -> bool {
    !matches!(
        attr(e, b"w:val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

fn run_font(e: &BytesStart) -> Option<String> {
    attr(e, b"w:ascii")
        .or_else(|| attr(e, b"w:hAnsi"))
        .or_else(|| attr(e, b"w:cs"))
}

fn parse_styles(xml: &[u8], limits: &Limits) -> Result<Styles, ExtractError> {
    let mut r = Reader::from_reader(xml);
    let mut styles = Styles::default();
    let mut cur: Option<(String, StyleInfo)> = None;
    let mut in_defaults = false;
    let mut depth = 0usize;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| ExtractError::Corrupt(format!("styles.xml: {e}")))?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                if matches!(ev, Event::Start(_)) {
                    depth += 1;
                    if depth > limits.max_depth {
                        return Err(ExtractError::Limit("XML lồng quá sâu".into()));
                    }
                }
                match e.name().as_ref() {
                    b"w:docDefaults" => in_defaults = true,
                    b"w:style" => cur = attr(e, b"w:styleId").map(|id| (id, StyleInfo::default())),
                    b"w:basedOn" => {
                        if let Some((_, s)) = cur.as_mut() {
                            s.based_on = attr(e, b"w:val");
                        }
                    }
                    b"w:rFonts" => {
                        if let Some((_, s)) = cur.as_mut() {
                            s.font = run_font(e);
                        } else if in_defaults {
                            styles.default_font = run_font(e);
                        }
                    }
                    b"w:caps" | b"w:smallCaps" => {
                        if let Some((_, s)) = cur.as_mut() {
                            s.caps = Some(toggle(e));
                        }
                    }
                    b"w:b" => {
                        if let Some((_, s)) = cur.as_mut() {
                            s.bold = Some(toggle(e));
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                match e.name().as_ref() {
                    b"w:docDefaults" => in_defaults = false,
                    b"w:style" => {
                        if let Some((id, s)) = cur.take() {
                            styles.by_id.insert(id, s);
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(styles)
}

/// Resolve an entity reference event to text.
pub(crate) fn entity(e: &BytesRef) -> String {
    if let Ok(Some(c)) = e.resolve_char_ref() {
        return c.to_string();
    }
    match e.decode().as_deref() {
        Ok("amp") => "&".into(),
        Ok("lt") => "<".into(),
        Ok("gt") => ">".into(),
        Ok("quot") => "\"".into(),
        Ok("apos") => "'".into(),
        _ => String::new(),
    }
}

#[derive(Default)]
struct Run {
    font: Option<String>,
    caps: bool,
    bold: bool,
    red: bool,
    hidden: bool,
    text: String,
    deleted_text: String,
}

#[derive(Default)]
struct Para {
    lines: Vec<String>,
    cur: String,
    deleted: String,
    style: Style,
    group: u32,
    p_font: Option<String>,
    p_caps: bool,
    p_bold: bool,
    bold_chars: usize,
    chars: usize,
}

#[derive(Clone, Copy, Default)]
struct Ctx {
    boxed: bool,
    table: bool,
    group: u32,
}

#[allow(clippy::too_many_arguments)]
fn walk_wordml(
    xml: &[u8],
    part: Part,
    source: &str,
    styles: &Styles,
    groups: &mut u32,
    limits: &Limits,
    out: &mut Extracted,
) -> Result<(), ExtractError> {
    let mut r = Reader::from_reader(xml);
    let mut depth = 0usize;
    let mut ctx: Vec<Ctx> = vec![Ctx::default()];
    let mut paras: Vec<Para> = Vec::new();
    let mut runs: Vec<Run> = Vec::new();
    let mut in_t = false;
    let mut in_del_t = false;
    let mut in_ppr = false;
    let mut in_rpr = false;
    let mut in_del = 0usize;
    let mut index = 0u32;
    let mut alt: Vec<Alt> = Vec::new();
    loop {
        let ev = r
            .read_event()
            .map_err(|e| ExtractError::Corrupt(format!("{source}: {e}")))?;
        match ev {
            Event::Start(ref e) => {
                depth += 1;
                if depth > limits.max_depth {
                    return Err(ExtractError::Limit("XML lồng quá sâu".into()));
                }
                match e.name().as_ref() {
                    // Both branches of alternate content are read; the fallback's repeats of
                    // the chosen branch (text boxes are written twice) are dropped at emission.
                    b"mc:AlternateContent" => alt.push(Alt::default()),
                    b"mc:Fallback" => {
                        if let Some(a) = alt.last_mut() {
                            a.in_fallback = true;
                        }
                    }
                    b"w:instrText" | b"w:fldData" => {
                        let end = e.name().as_ref().to_vec();
                        r.read_to_end(quick_xml::name::QName(&end))
                            .map_err(|e| ExtractError::Corrupt(format!("{source}: {e}")))?;
                        depth -= 1;
                    }
                    b"w:p" => {
                        let c = *ctx.last().unwrap_or(&Ctx::default());
                        paras.push(Para {
                            style: Style {
                                boxed: c.boxed,
                                table: c.table,
                                ..Style::default()
                            },
                            group: c.group,
                            ..Para::default()
                        });
                    }
                    b"w:pPr" => in_ppr = true,
                    b"w:r" => {
                        let p = paras.last();
                        runs.push(Run {
                            font: p.and_then(|p| p.p_font.clone()),
                            caps: p.is_some_and(|p| p.p_caps),
                            bold: p.is_some_and(|p| p.p_bold),
                            ..Run::default()
                        });
                    }
                    b"w:rPr" => in_rpr = !in_ppr,
                    b"w:t" => in_t = true,
                    b"w:delText" => in_del_t = true,
                    b"w:del" => in_del += 1,
                    b"w:txbxContent" => {
                        *groups += 1;
                        let c = *ctx.last().unwrap_or(&Ctx::default());
                        ctx.push(Ctx {
                            boxed: true,
                            group: *groups,
                            ..c
                        });
                    }
                    b"w:tc" => {
                        *groups += 1;
                        let c = *ctx.last().unwrap_or(&Ctx::default());
                        ctx.push(Ctx {
                            table: true,
                            group: *groups,
                            ..c
                        });
                    }
                    _ => props(e, in_ppr, in_rpr, styles, &mut paras, &mut runs),
                }
            }
            Event::Empty(ref e) => match e.name().as_ref() {
                b"w:tab" if !in_ppr => push_text(&mut runs, " ", false),
                b"w:noBreakHyphen" => push_text(&mut runs, "-", false),
                b"w:br" | b"w:cr" => {
                    if let (Some(run), Some(p)) = (runs.last_mut(), paras.last_mut()) {
                        flush_run_text(run, p);
                        let line = std::mem::take(&mut p.cur);
                        p.lines.push(line);
                    }
                }
                _ => props(e, in_ppr, in_rpr, styles, &mut paras, &mut runs),
            },
            Event::Text(t) if in_t || in_del_t => {
                // Validated with SIMD (Vietnamese text validates slowly byte by byte); the part
                // is read as UTF-8, as `decode` would.
                let s = simdutf8::basic::from_utf8(&t).map_err(|_| {
                    ExtractError::Corrupt(format!("{source}: văn bản không đúng mã UTF-8"))
                })?;
                push_text(&mut runs, s, in_del_t || in_del > 0);
            }
            Event::CData(t) if in_t || in_del_t => {
                let s = String::from_utf8_lossy(&t).into_owned();
                push_text(&mut runs, &s, in_del_t || in_del > 0);
            }
            Event::GeneralRef(ref e) if in_t || in_del_t => {
                push_text(&mut runs, &entity(e), in_del_t || in_del > 0);
            }
            Event::End(ref e) => {
                depth = depth.saturating_sub(1);
                match e.name().as_ref() {
                    b"w:t" => in_t = false,
                    b"w:delText" => in_del_t = false,
                    b"w:del" => in_del = in_del.saturating_sub(1),
                    b"w:pPr" => in_ppr = false,
                    b"w:rPr" => in_rpr = false,
                    b"w:r" => {
                        if let Some(mut run) = runs.pop()
                            && let Some(p) = paras.last_mut()
                        {
                            flush_run_text(&mut run, p);
                        }
                    }
                    b"w:p" => {
                        if let Some(p) = paras.pop() {
                            emit_para(p, part, source, &mut index, groups, alt.last_mut(), out);
                        }
                    }
                    b"mc:AlternateContent" => {
                        alt.pop();
                    }
                    b"mc:Fallback" => {
                        if let Some(a) = alt.last_mut() {
                            a.in_fallback = false;
                        }
                    }
                    b"w:txbxContent" | b"w:tc" if ctx.len() > 1 => {
                        ctx.pop();
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // Unclosed paragraphs in a truncated part still count.
    while let Some(p) = paras.pop() {
        emit_para(p, part, source, &mut index, groups, None, out);
    }
    Ok(())
}

/// Run and paragraph properties.
fn props(
    e: &BytesStart,
    in_ppr: bool,
    in_rpr: bool,
    styles: &Styles,
    paras: &mut [Para],
    runs: &mut [Run],
) {
    let name = e.name();
    let name = name.as_ref();
    if in_ppr && !in_rpr {
        if name == b"w:pStyle"
            && let (Some(id), Some(p)) = (attr(e, b"w:val"), paras.last_mut())
        {
            let s = styles.resolve(&id);
            p.p_font = s.font.or_else(|| styles.default_font.clone());
            p.p_caps = s.caps.unwrap_or(false);
            p.p_bold = s.bold.unwrap_or(false);
        }
        return;
    }
    if !in_rpr {
        return;
    }
    let Some(run) = runs.last_mut() else { return };
    match name {
        b"w:rFonts" => {
            if let Some(f) = run_font(e) {
                run.font = Some(f);
            }
        }
        b"w:rStyle" => {
            if let Some(id) = attr(e, b"w:val") {
                let s = styles.resolve(&id);
                if s.font.is_some() {
                    run.font = s.font;
                }
                run.caps |= s.caps.unwrap_or(false);
                run.bold |= s.bold.unwrap_or(false);
            }
        }
        b"w:b" => run.bold = toggle(e),
        b"w:caps" | b"w:smallCaps" => run.caps = toggle(e),
        b"w:vanish" => run.hidden = toggle(e),
        b"w:color" => run.red = attr(e, b"w:val").is_some_and(|v| is_red(&v)),
        _ => {}
    }
}

/// Red-ish stamp ink: high red, low green and blue.
pub(crate) fn is_red(hex: &str) -> bool {
    if hex.len() != 6 {
        return false;
    }
    let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
    c(0) >= 0xB0 && c(2) < 0x60 && c(4) < 0x60
}

fn push_text(runs: &mut [Run], s: &str, deleted: bool) {
    if let Some(run) = runs.last_mut() {
        if deleted {
            run.deleted_text.push_str(s)
        } else {
            run.text.push_str(s)
        }
    }
}

/// Move a run's text into the paragraph, repairing the legacy font and applying caps.
fn flush_run_text(run: &mut Run, p: &mut Para) {
    let enc = run.font.as_deref().and_then(legacy::classify_font);
    for (deleted, raw) in [
        (false, std::mem::take(&mut run.text)),
        (true, std::mem::take(&mut run.deleted_text)),
    ] {
        if raw.is_empty() {
            continue;
        }
        // A run in a Unicode font without caps is moved as it is (no copy).
        let text = match (enc, run.caps) {
            (None, false) => raw,
            (None, true) => raw.to_uppercase(),
            (Some(_), caps) => {
                let t = legacy::repair_run(&raw, enc);
                if caps { t.to_uppercase() } else { t }
            }
        };
        if enc.is_some() {
            p.style.legacy = true;
        }
        if deleted {
            p.deleted.push_str(&text);
            continue;
        }
        let n = visible_chars(&text);
        p.chars += n;
        if run.bold {
            p.bold_chars += n;
        }
        p.style.red |= run.red && n > 0;
        if run.hidden && n > 0 {
            p.style.hidden = true;
        }
        p.cur.push_str(&text);
    }
}

/// Characters of `s` that are not white space (`char::is_whitespace`), counted by bytes: every
/// lead byte that is not ASCII white space, in one branch-free pass, less the white-space
/// characters outside ASCII, found by their lead bytes (C2, E2, E3 with `memchr3`, and U+1680,
/// E1 9A 80) and decoded only there, not at every Vietnamese letter.
fn visible_chars(s: &str) -> usize {
    let b = s.as_bytes();
    let leads = b
        .iter()
        .map(|&x| {
            // Continuation bytes (80..BF) belong to a character counted at its lead byte.
            let lead = (x as i8) >= -0x40;
            let ascii_space = x == b' ' || (9..=13).contains(&x);
            usize::from(lead & !ascii_space)
        })
        .sum::<usize>();
    let wide_spaces = memchr::memchr3_iter(0xC2, 0xE2, 0xE3, b)
        .filter(|&i| {
            s.get(i..)
                .and_then(|t| t.chars().next())
                .is_some_and(char::is_whitespace)
        })
        .count()
        + memchr::memmem::find_iter(b, "\u{1680}".as_bytes()).count();
    leads - wide_spaces
}

/// One `mc:AlternateContent`: the texts of its chosen branch, and whether the walker is in its
/// fallback.
#[derive(Default)]
struct Alt {
    chosen: HashSet<String>,
    in_fallback: bool,
}

fn emit_para(
    mut p: Para,
    part: Part,
    source: &str,
    index: &mut u32,
    groups: &mut u32,
    alt: Option<&mut Alt>,
    out: &mut Extracted,
) {
    let cur = std::mem::take(&mut p.cur);
    p.lines.push(cur);
    if let Some(a) = alt {
        if a.in_fallback {
            // The fallback repeats the chosen branch: only what it adds is new text.
            p.lines.retain(|l| !a.chosen.contains(l.trim()));
            if a.chosen.contains(p.deleted.trim()) {
                p.deleted.clear();
            }
        } else {
            a.chosen.extend(p.lines.iter().map(|l| l.trim().to_owned()));
            a.chosen.insert(p.deleted.trim().to_owned());
        }
    }
    p.style.bold = p.chars > 0 && p.bold_chars * 2 >= p.chars;
    let non_empty = p.lines.iter().filter(|l| !l.trim().is_empty()).count();
    let group = if p.group == 0 && non_empty > 1 {
        *groups += 1;
        *groups
    } else {
        p.group
    };
    for line in p.lines {
        if line.trim().is_empty() {
            continue;
        }
        out.units.push(TextUnit {
            part,
            page: None,
            index: *index,
            group,
            text: line,
            style: p.style,
            source: source.to_owned(),
        });
    }
    if !p.deleted.trim().is_empty() {
        out.units.push(TextUnit {
            part,
            page: None,
            index: *index,
            group: 0,
            text: p.deleted,
            style: Style {
                deleted: true,
                ..p.style
            },
            source: source.to_owned(),
        });
    }
    *index += 1;
}

/// `docProps/core.xml` / `app.xml` / `custom.xml`: one metadata unit per text property.
pub(crate) fn read_properties(
    xml: &[u8],
    source: &str,
    limits: &Limits,
    out: &mut Extracted,
) -> Result<(), ExtractError> {
    const TEXT_PROPS: &[&[u8]] = &[
        b"dc:title",
        b"dc:subject",
        b"dc:description",
        b"cp:keywords",
        b"cp:category",
        b"cp:contentStatus",
        b"Company",
        b"Manager",
        b"Title",
    ];
    let mut r = Reader::from_reader(xml);
    let mut depth = 0usize;
    let mut capture: Option<String> = None;
    let mut prop_name: Option<String> = None;
    let mut index = 0u32;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| ExtractError::Corrupt(format!("{source}: {e}")))?;
        match ev {
            Event::Start(ref e) => {
                depth += 1;
                if depth > limits.max_depth {
                    return Err(ExtractError::Limit("XML lồng quá sâu".into()));
                }
                let n = e.name();
                if n.as_ref() == b"property" {
                    prop_name = attr(e, b"name");
                } else if TEXT_PROPS.contains(&n.as_ref())
                    || (prop_name.is_some() && n.as_ref().starts_with(b"vt:"))
                {
                    capture = Some(String::new());
                }
            }
            Event::Text(t) => {
                if let Some(c) = capture.as_mut() {
                    c.push_str(&t.decode().unwrap_or_default());
                }
            }
            Event::GeneralRef(ref e) => {
                if let Some(c) = capture.as_mut() {
                    c.push_str(&entity(e));
                }
            }
            Event::End(ref e) => {
                depth = depth.saturating_sub(1);
                if e.name().as_ref() == b"property" {
                    prop_name = None;
                } else if let Some(text) = capture.take() {
                    let text = match &prop_name {
                        Some(n) => format!("{n}: {text}"),
                        None => text,
                    };
                    if !text.trim().is_empty() {
                        out.units.push(TextUnit {
                            part: Part::Metadata,
                            page: None,
                            index,
                            group: 0,
                            text,
                            style: Style::default(),
                            source: source.to_owned(),
                        });
                        index += 1;
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pieces of a WordprocessingML body as Word and LibreOffice write them, and as a hostile file
    /// may: runs, text boxes, tracked changes, fields, alternate content, comments, processing
    /// instructions, CDATA, references, unknown namespaces, single quotes, odd spacing.
    const BODY: &[&str] = &[
        "<w:p><w:r><w:t>TUYỆT MẬT</w:t></w:r></w:p>",
        "<w:p><w:pPr><w:jc w:val='center'/></w:pPr><w:r><w:rPr><w:b/><w:color w:val=\"FF0000\"/></w:rPr><w:t xml:space=\"preserve\">MẬ</w:t></w:r><w:r><w:t>T</w:t></w:r></w:p>",
        "<w:p><w:r><w:t>MẬ<!-- a comment -->T</w:t></w:r></w:p>",
        "<w:p><w:r><w:t>TỐI<?pi data?> MẬT</w:t></w:r></w:p>",
        "<w:p><w:r><w:t><![CDATA[BẢN SAO SỐ 03]]></w:t></w:r></w:p>",
        "<w:p><w:r><w:t>&#7852;&amp;&lt;M&#x1EAC;T&gt;</w:t></w:r></w:p>",
        "<w:p><w:del w:id=\"1\" w:author=\"a\"><w:r><w:delText>MẬT</w:delText></w:r></w:del></w:p>",
        "<w:p><w:ins w:id='2'><w:r><w:t>chèn</w:t></w:r></w:ins></w:p>",
        "<w:p><w:r><w:rPr><w:rFonts w:ascii=\".VnTime\" w:hAnsi=\".VnTime\"/><w:caps/></w:rPr><w:t>TuyÖt mËt</w:t></w:r></w:p>",
        "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>MẬT</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>MẬT</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>",
        "<w:p w14:paraId=\"1A2B\"><w14:x>ignored</w14:x><w:r><w:t>Báo cáo năm 2026</w:t></w:r></w:p>",
        "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>1</w:t></w:r></w:p>",
        "<w:p><w:r><w:t>a</w:t><w:br/><w:t>b</w:t><w:tab/><w:t>c</w:t></w:r></w:p>",
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>MẬT</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        "<w:p><w:r><w:t>x</w:t></w:r></w:p  ><w:p/>",
        "<w:sectPr><w:pgSz w:w=\"11906\"/></w:sectPr>",
    ];

    fn document(parts: &[usize]) -> String {
        let body: String = parts.iter().map(|&i| BODY[i % BODY.len()]).collect();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<!-- made by hand -->\
             <w:document xmlns:wpc=\"http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas\" \
             xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" \
             xmlns:o=\"urn:schemas-microsoft-com:office:office\" \
             xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" \
             xmlns:v=\"urn:schemas-microsoft-com:vml\" \
             xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" \
             xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" \
             xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" \
             xmlns:w = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main' \
             xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\" \
             mc:Ignorable=\"w14\"><w:body>{body}</w:body></w:document>"
        )
    }

    proptest::proptest! {
        /// A part read as it is (already canonical) gives what its rewrite gives.
        #[test]
        fn a_canonical_part_reads_as_its_rewrite(parts in proptest::collection::vec(0usize..100, 0..24)) {
            let xml = document(&parts);
            proptest::prop_assert!(ooxml::already_canonical(xml.as_bytes()));
            let limits = Limits::default();
            let rewritten = ooxml::rewrite_canonical(xml.as_bytes(), &limits, "t").expect("xml");
            let walk = |x: &[u8]| {
                let mut out = Extracted::new("docx");
                let mut groups = 0;
                walk_wordml(x, Part::Body, "t", &Styles::default(), &mut groups, &limits, &mut out)
                    .map(|()| out)
                    .map_err(|e| e.to_string())
            };
            proptest::prop_assert_eq!(walk(xml.as_bytes()), walk(&rewritten));
        }
    }

    #[test]
    fn visible_chars_by_bytes_equals_the_character_count() {
        let count = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count();
        for c in (0..0x3400u32)
            .chain(0xFE00..0x10000)
            .filter_map(char::from_u32)
        {
            for s in [c.to_string(), format!("Mật{c}ỹ {c}"), format!("\t{c}{c} ")] {
                assert_eq!(visible_chars(&s), count(&s), "U+{:04X}", c as u32);
            }
        }
        for s in ["", " ", "TUYỆT\u{A0}MẬT", "a\u{1680}b\u{3000}c\u{205F}"] {
            assert_eq!(visible_chars(s), count(s), "{s:?}");
        }
    }
}
