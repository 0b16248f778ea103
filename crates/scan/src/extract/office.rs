//! Spreadsheets and slide shows in Office Open XML (`.xlsx`, `.pptx`) and OpenDocument text,
//! spreadsheets and presentations (`.odt`, `.ods`, `.odp`): zip + XML, read under the same bounded
//! zip reader and depth cap as DOCX (issue 11 point 3).
//!
//! What is read, where the format has it:
//! * xlsx: shared strings, inline and formula strings of every sheet, sheet headers and footers
//!   (`headerFooter`, their `&C`/`&B`/`&"font"` codes removed), cell comments, text boxes of
//!   drawings, document properties;
//! * pptx: every slide, slide masters and layouts (read as headers: they repeat on every slide),
//!   speaker notes, comments, document properties;
//! * ODF: `content.xml` (body, table cells, frames and text boxes, annotations as comments,
//!   footnotes as notes, tracked deletions flagged as such, speaker notes), `styles.xml` (page
//!   headers and footers, master pages), `meta.xml`, embedded sub-documents (`Object N/`).
//!
//! Runs are repaired from their legacy font (TCVN3, VNI) where the run names it (`a:latin`,
//! `rFont`, an ODF style's font). Pictures go to OCR or are reported as unread; embedded objects
//! are extracted as files of their own (through the caller) or reported as skipped; an encrypted
//! ODF package is refused.
//!
//! OOXML parts are found by name and through relationships from the main part (a slide or a sheet
//! stored outside `ppt/slides/` or `xl/worksheets/` is read too), and every part is rewritten with
//! canonical prefixes by namespace URI before it is walked ([`ooxml::canonical_xml`]).

use std::collections::{HashMap, HashSet, VecDeque};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::zipread::BoundedZip;
use super::{ExtractError, Limits, docx, ooxml};
use crate::legacy;
use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};

/// How one XML vocabulary marks its blocks, runs and containers.
struct Vocab {
    /// Elements that make one block (paragraph, shared string, cell).
    para: &'static [&'static [u8]],
    /// Elements whose text is content; empty = every text node inside a block.
    text: &'static [&'static [u8]],
    /// Runs (their font may be a legacy one).
    run: &'static [&'static [u8]],
    /// Empty elements meaning a line break inside a block.
    line_break: &'static [&'static [u8]],
    /// Empty elements meaning a space (`text:s`, `text:tab`, `a:tab`).
    space: &'static [&'static [u8]],
    /// Table cells: one group, `table` style.
    cell: &'static [&'static [u8]],
    /// Shapes / text boxes / frames: one group, `boxed` style.
    shape: &'static [&'static [u8]],
    /// Subtrees that are not text (field instructions, fallbacks, style definitions).
    skip: &'static [&'static [u8]],
    /// Subtrees read as another part (annotations → comment, notes → note, headers …).
    parts: &'static [(&'static [u8], Part)],
    /// Subtrees that are tracked deletions.
    deleted: &'static [&'static [u8]],
}

const DRAWINGML: Vocab = Vocab {
    para: &[b"a:p", b"p:text"],
    text: &[b"a:t", b"p:text"],
    run: &[b"a:r", b"a:fld"],
    line_break: &[b"a:br"],
    space: &[b"a:tab"],
    cell: &[b"a:tc"],
    shape: &[b"p:sp", b"xdr:sp", b"p:graphicFrame"],
    skip: &[b"mc:Fallback"],
    parts: &[],
    deleted: &[],
};

const SHARED_STRINGS: Vocab = Vocab {
    para: &[b"si", b"comment"],
    text: &[b"t"],
    run: &[b"r"],
    line_break: &[],
    space: &[],
    cell: &[],
    shape: &[],
    skip: &[b"rPh", b"phoneticPr"],
    parts: &[],
    deleted: &[],
};

const SHEET: Vocab = Vocab {
    para: &[b"c"],
    text: &[b"t"],
    run: &[b"r"],
    line_break: &[],
    space: &[],
    cell: &[],
    shape: &[],
    skip: &[b"f", b"rPh"],
    parts: &[],
    deleted: &[],
};

const ODF: Vocab = Vocab {
    para: &[b"text:p", b"text:h"],
    text: &[],
    run: &[b"text:span", b"text:a"],
    line_break: &[b"text:line-break"],
    space: &[b"text:s", b"text:tab"],
    cell: &[b"table:table-cell", b"table:covered-table-cell"],
    shape: &[b"draw:frame", b"draw:custom-shape", b"draw:text-box"],
    skip: &[
        b"office:automatic-styles",
        b"office:font-face-decls",
        b"office:styles",
        b"text:note-citation",
        b"office:forms",
        b"text:sequence-decls",
        b"text:variable-decls",
        b"svg:desc",
        b"svg:title",
        // Annotation and change authors and dates are not the text.
        b"dc:creator",
        b"dc:date",
        b"meta:date-string",
    ],
    parts: &[
        (b"office:annotation", Part::Comment),
        (b"text:note", Part::Note),
        (b"presentation:notes", Part::Note),
        (b"style:header", Part::Header),
        (b"style:header-left", Part::Header),
        (b"style:header-first", Part::Header),
        (b"style:footer", Part::Footer),
        (b"style:footer-left", Part::Footer),
        (b"style:footer-first", Part::Footer),
        (b"style:master-page", Part::Header),
    ],
    deleted: &[b"text:deletion"],
};

/// Extracts the embedded objects of a package as files of their own (the caller's recursion).
pub type Nested<'a> = &'a mut dyn FnMut(&[u8], &str) -> Result<Extracted, ExtractError>;

/// `.xlsx` (SpreadsheetML).
pub fn extract_xlsx(
    bytes: &[u8],
    limits: &Limits,
    nested: Nested,
) -> Result<Extracted, ExtractError> {
    let mut z = BoundedZip::open(bytes, limits)?;
    let mut names = sorted_names(&z);
    let related = related_parts(&mut z, limits)?;
    if !names.iter().any(|n| n.starts_with("xl/worksheets/"))
        && !related.iter().any(|(_, k)| k == "worksheet")
    {
        return Err(ExtractError::Corrupt(
            "bảng tính Excel không có trang tính nào".into(),
        ));
    }
    let mut out = Extracted::new("xlsx");
    let mut w = Walker::new(limits);
    let no_fonts = HashMap::new();
    // Parts found through relationships, wherever they are stored, are read like the usual ones.
    let mut extra: Vec<(String, &str)> = Vec::new();
    for (n, kind) in &related {
        let k = match kind.as_str() {
            "worksheet" => "sheet",
            "sharedStrings" => "strings",
            "comments" => "comments",
            "drawing" => "drawing",
            _ => continue,
        };
        extra.push((n.clone(), k));
    }
    let strings = related
        .iter()
        .find(|(_, k)| k == "sharedStrings")
        .map(|(n, _)| n.clone())
        .unwrap_or_else(|| "xl/sharedStrings.xml".into());
    names.retain(|n| n != &strings);
    if let Some(xml) = read_canonical(&mut z, &strings, limits)? {
        w.walk(
            &xml,
            &SHARED_STRINGS,
            Part::Body,
            &strings,
            &no_fonts,
            &mut out,
            true,
        )?;
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut parts: Vec<(String, &str)> = Vec::new();
    for n in &names {
        if n.starts_with("xl/worksheets/") && n.ends_with(".xml") && !n[14..].contains('/') {
            parts.push((n.clone(), "sheet"));
        } else if n.starts_with("xl/comments") && n.ends_with(".xml") {
            parts.push((n.clone(), "comments"));
        } else if n.starts_with("xl/drawings/") && n.ends_with(".xml") && !n[12..].contains('/') {
            parts.push((n.clone(), "drawing"));
        }
    }
    parts.extend(extra.into_iter().filter(|(n, _)| n != &strings));
    for (n, kind) in &parts {
        if !seen.insert(n.to_ascii_lowercase()) {
            continue;
        }
        if *kind == "sheet" {
            if let Some(xml) = read_canonical(&mut z, n, limits)? {
                w.walk(&xml, &SHEET, Part::Body, n, &no_fonts, &mut out, true)?;
                header_footer(&xml, n, limits, &mut out)?;
            }
        } else if *kind == "comments" {
            if let Some(xml) = read_canonical(&mut z, n, limits)? {
                w.walk(
                    &xml,
                    &SHARED_STRINGS,
                    Part::Comment,
                    n,
                    &no_fonts,
                    &mut out,
                    false,
                )?;
            }
        } else if let Some(xml) = read_canonical(&mut z, n, limits)? {
            w.walk(&xml, &DRAWINGML, Part::Body, n, &no_fonts, &mut out, false)?;
        }
    }
    finish_ooxml(&mut z, &names, "xl/", limits, nested, &mut out)?;
    Ok(out)
}

/// `.pptx` (PresentationML).
pub fn extract_pptx(
    bytes: &[u8],
    limits: &Limits,
    nested: Nested,
) -> Result<Extracted, ExtractError> {
    let mut z = BoundedZip::open(bytes, limits)?;
    let names = sorted_names(&z);
    let related = related_parts(&mut z, limits)?;
    let mut out = Extracted::new("pptx");
    let mut w = Walker::new(limits);
    let no_fonts = HashMap::new();
    let mut parts: Vec<(String, Part)> = Vec::new();
    for n in &names {
        let Some(rest) = n.strip_prefix("ppt/") else {
            continue;
        };
        let Some((dir, file)) = rest.split_once('/') else {
            continue;
        };
        if file.contains('/') || !file.ends_with(".xml") {
            continue;
        }
        let part = match dir {
            "slides" => Part::Body,
            "slideMasters" | "slideLayouts" => Part::Header,
            "notesSlides" => Part::Note,
            "comments" => Part::Comment,
            _ => continue,
        };
        parts.push((n.clone(), part));
    }
    // Parts found through relationships, wherever they are stored.
    for (n, kind) in &related {
        let part = match kind.as_str() {
            "slide" => Part::Body,
            "slideMaster" | "slideLayout" | "notesMaster" | "handoutMaster" => Part::Header,
            "notesSlide" => Part::Note,
            "comments" | "comment" => Part::Comment,
            _ => continue,
        };
        parts.push((n.clone(), part));
    }
    let mut seen: HashSet<String> = HashSet::new();
    for (n, part) in parts {
        if !seen.insert(n.to_ascii_lowercase()) {
            continue;
        }
        if let Some(xml) = read_canonical(&mut z, &n, limits)? {
            w.walk(&xml, &DRAWINGML, part, &n, &no_fonts, &mut out, false)?;
        }
    }
    finish_ooxml(&mut z, &names, "ppt/", limits, nested, &mut out)?;
    Ok(out)
}

/// `.odt`, `.ods`, `.odp` (and their templates): OpenDocument packages.
pub fn extract_odf(
    bytes: &[u8],
    limits: &Limits,
    nested: Nested,
) -> Result<Extracted, ExtractError> {
    let mut z = BoundedZip::open(bytes, limits)?;
    let names = sorted_names(&z);
    // ODF encryption is declared in the manifest, not in the zip entries.
    if let Some(m) = z.read("META-INF/manifest.xml")?
        && contains(&m, b"encryption-data")
    {
        return Err(ExtractError::Encrypted);
    }
    let kind = match z.read("mimetype")? {
        Some(m) => {
            let m = String::from_utf8_lossy(&m).into_owned();
            if m.contains("spreadsheet") {
                "ods"
            } else if m.contains("presentation") {
                "odp"
            } else {
                "odt"
            }
        }
        None => "odt",
    };
    let mut out = Extracted::new(kind);
    let mut w = Walker::new(limits);
    // Sub-documents (`Object 1/content.xml`) are read like the main one.
    let mut roots: Vec<String> = vec![String::new()];
    for n in &names {
        if let Some(dir) = n.strip_suffix("content.xml")
            && !dir.is_empty()
            && dir.ends_with('/')
            && !dir[..dir.len() - 1].contains('/')
        {
            roots.push(dir.to_owned());
        }
    }
    for root in &roots {
        let styles = z.read(&format!("{root}styles.xml"))?;
        let content = z.read(&format!("{root}content.xml"))?;
        if root.is_empty() && content.is_none() {
            return Err(ExtractError::Corrupt(
                "gói OpenDocument thiếu content.xml".into(),
            ));
        }
        let mut fonts = HashMap::new();
        for xml in [&styles, &content].into_iter().flatten() {
            odf_fonts(xml, limits, &mut fonts)?;
        }
        if let Some(xml) = &content {
            let src = format!("{root}content.xml");
            w.walk(xml, &ODF, Part::Body, &src, &fonts, &mut out, false)?;
        }
        if let Some(xml) = &styles {
            // Only headers, footers and master pages are text in styles.xml.
            let src = format!("{root}styles.xml");
            let mut tmp = Extracted::new(kind);
            w.walk(xml, &ODF, Part::Body, &src, &fonts, &mut tmp, false)?;
            out.units
                .extend(tmp.units.into_iter().filter(|u| u.part != Part::Body));
        }
    }
    if let Some(xml) = z.read("meta.xml")? {
        read_odf_meta(&xml, limits, &mut out)?;
    }
    let pictures: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("Pictures/") && docx::is_image_name(n))
        .cloned()
        .collect();
    docx::ocr_pictures(&mut z, &pictures, &mut out)?;
    // Binary embedded objects (an OLE spreadsheet in a text) are files of their own.
    let objects: Vec<String> = names
        .iter()
        .filter(|n| {
            n.starts_with("Object ")
                && !n.ends_with('/')
                && !n.ends_with(".xml")
                && !roots
                    .iter()
                    .any(|r| !r.is_empty() && n.starts_with(r.as_str()))
        })
        .cloned()
        .collect();
    embedded(&mut z, &objects, nested, &mut out)?;
    Ok(out)
}

/// An XML part with canonical prefixes ([`ooxml::canonical_xml`]); `None` if absent.
fn read_canonical(
    z: &mut BoundedZip<'_>,
    name: &str,
    limits: &Limits,
) -> Result<Option<Vec<u8>>, ExtractError> {
    match ooxml::read_ci(z, name)? {
        Some(x) => match ooxml::canonical_xml(&x, limits, name)? {
            // Already canonical: the part as read (no copy).
            std::borrow::Cow::Borrowed(_) => Ok(Some(x)),
            std::borrow::Cow::Owned(c) => Ok(Some(c)),
        },
        None => Ok(None),
    }
}

/// Every XML part reachable from the package's main part through relationships (breadth first,
/// each once, at most the entry limit), with its relationship kind.
fn related_parts(
    z: &mut BoundedZip<'_>,
    limits: &Limits,
) -> Result<Vec<(String, String)>, ExtractError> {
    let Some((main, _)) = ooxml::main_part(z, limits)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut seen: HashSet<String> = HashSet::from([main.to_ascii_lowercase()]);
    let mut queue = VecDeque::from([main]);
    while let Some(p) = queue.pop_front() {
        for r in ooxml::relationships(z, &p, limits)? {
            let lower = r.target.to_ascii_lowercase();
            if !lower.ends_with(".xml")
                || !z.names().iter().any(|n| n.eq_ignore_ascii_case(&r.target))
                || !seen.insert(lower)
            {
                continue;
            }
            if out.len() >= limits.max_zip_entries {
                return Ok(out);
            }
            out.push((r.target.clone(), r.kind.clone()));
            queue.push_back(r.target);
        }
    }
    Ok(out)
}

fn sorted_names(z: &BoundedZip<'_>) -> Vec<String> {
    let mut v = z.names().to_vec();
    // Natural order: slide2 before slide10.
    v.sort_by_key(|n| {
        let digits: String = n.chars().filter(|c| c.is_ascii_digit()).collect();
        let stem: String = n.chars().filter(|c| !c.is_ascii_digit()).collect();
        (stem, digits.len(), digits)
    });
    v
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Properties, pictures and embedded objects of an OOXML package.
fn finish_ooxml(
    z: &mut BoundedZip<'_>,
    names: &[String],
    prefix: &str,
    limits: &Limits,
    nested: Nested,
    out: &mut Extracted,
) -> Result<(), ExtractError> {
    for name in [
        "docProps/core.xml",
        "docProps/app.xml",
        "docProps/custom.xml",
    ] {
        if let Some(xml) = z.read(name)? {
            docx::read_properties(&xml, name, limits, out)?;
        }
    }
    let media = format!("{prefix}media/");
    let pictures: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with(&media) && docx::is_image_name(n))
        .cloned()
        .collect();
    docx::ocr_pictures(z, &pictures, out)?;
    let emb = format!("{prefix}embeddings/");
    let objects: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with(&emb) && !n.ends_with('/'))
        .cloned()
        .collect();
    embedded(z, &objects, nested, out)
}

/// Embedded objects extracted through the caller; one that cannot be read is noted (review).
fn embedded(
    z: &mut BoundedZip<'_>,
    objects: &[String],
    nested: Nested,
    out: &mut Extracted,
) -> Result<(), ExtractError> {
    for name in objects {
        let Some(data) = z.read(name)? else { continue };
        match nested(&data, name) {
            Ok(x) => {
                for mut u in x.units {
                    u.source = format!("{name} › {}", u.source);
                    out.units.push(u);
                }
                out.notes.extend(x.notes);
            }
            Err(e) => out.notes.push(ExtractNote::Skipped {
                what: format!("đối tượng nhúng «{name}»: {e}"),
            }),
        }
    }
    Ok(())
}

fn attr(e: &BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

#[derive(Clone, Copy)]
struct Ctx {
    part: Part,
    boxed: bool,
    table: bool,
    deleted: bool,
    group: u32,
}

struct Para {
    lines: Vec<String>,
    cur: String,
    run: String,
    run_font: Option<String>,
    para_font: Option<String>,
    ctx: Ctx,
    legacy: bool,
}

impl Para {
    fn flush_run(&mut self) {
        if self.run.is_empty() {
            return;
        }
        let enc = self.run_font.as_deref().and_then(legacy::classify_font);
        if enc.is_some() {
            self.legacy = true;
        }
        let raw = std::mem::take(&mut self.run);
        self.cur.push_str(&legacy::repair_run(&raw, enc));
    }
}

struct Walker<'l> {
    limits: &'l Limits,
    groups: u32,
}

impl<'l> Walker<'l> {
    fn new(limits: &'l Limits) -> Self {
        Walker { limits, groups: 0 }
    }

    /// Walk one XML part; `table` marks every block as a table cell (spreadsheets).
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &mut self,
        xml: &[u8],
        v: &Vocab,
        part: Part,
        source: &str,
        fonts: &HashMap<String, String>,
        out: &mut Extracted,
        table: bool,
    ) -> Result<(), ExtractError> {
        let corrupt = |e: &dyn std::fmt::Display| ExtractError::Corrupt(format!("{source}: {e}"));
        let mut r = Reader::from_reader(xml);
        let mut depth = 0usize;
        // (depth at which the context was pushed, context)
        let mut ctx: Vec<(usize, Ctx)> = vec![(
            0,
            Ctx {
                part,
                boxed: false,
                table,
                deleted: false,
                group: 0,
            },
        )];
        let mut paras: Vec<(usize, Para)> = Vec::new();
        let mut in_text = 0usize;
        let mut cell_is_str = true;
        let mut index = 0u32;
        loop {
            let ev = r.read_event().map_err(|e| corrupt(&e))?;
            match ev {
                Event::Start(ref e) => {
                    depth += 1;
                    if depth > self.limits.max_depth {
                        return Err(ExtractError::Limit("XML lồng quá sâu".into()));
                    }
                    let name = e.name();
                    let n = name.as_ref();
                    if v.skip.contains(&n) {
                        let end = n.to_vec();
                        r.read_to_end(quick_xml::name::QName(&end))
                            .map_err(|e| corrupt(&e))?;
                        depth -= 1;
                        continue;
                    }
                    self.open(e, n, v, depth, fonts, &mut ctx, &mut paras);
                    if n == b"c" && table {
                        // Numbers and booleans are not text; strings are shared (read from
                        // sharedStrings.xml), inline (`is/t`) or formula results (`t="str"`).
                        cell_is_str = matches!(attr(e, b"t").as_deref(), Some("str"));
                    }
                    if v.text.contains(&n) || (n == b"v" && table && cell_is_str) {
                        in_text += 1;
                    }
                }
                Event::Empty(ref e) => {
                    let name = e.name();
                    let n = name.as_ref();
                    if let Some((_, p)) = paras.last_mut() {
                        if v.line_break.contains(&n) {
                            p.flush_run();
                            let line = std::mem::take(&mut p.cur);
                            p.lines.push(line);
                        } else if v.space.contains(&n) {
                            let count = attr(e, b"text:c")
                                .and_then(|c| c.parse::<usize>().ok())
                                .unwrap_or(1)
                                .min(64);
                            p.run.push_str(&" ".repeat(count));
                        } else {
                            run_font(e, n, p);
                        }
                    }
                }
                Event::Text(ref t) => {
                    if let Some((_, p)) = paras.last_mut()
                        && (in_text > 0 || v.text.is_empty())
                    {
                        p.run.push_str(&t.decode().map_err(|e| corrupt(&e))?);
                    }
                }
                Event::CData(ref t) => {
                    if let Some((_, p)) = paras.last_mut()
                        && (in_text > 0 || v.text.is_empty())
                    {
                        p.run.push_str(&String::from_utf8_lossy(t));
                    }
                }
                Event::GeneralRef(ref e) => {
                    if let Some((_, p)) = paras.last_mut()
                        && (in_text > 0 || v.text.is_empty())
                    {
                        p.run.push_str(&docx::entity(e));
                    }
                }
                Event::End(ref e) => {
                    let name = e.name();
                    let n = name.as_ref();
                    if (v.text.contains(&n) || (n == b"v" && table && cell_is_str)) && in_text > 0 {
                        in_text -= 1;
                    }
                    if v.run.contains(&n)
                        && let Some((_, p)) = paras.last_mut()
                    {
                        p.flush_run();
                        p.run_font = p.para_font.clone();
                    }
                    if paras.last().is_some_and(|(d, _)| *d == depth)
                        && let Some((_, p)) = paras.pop()
                    {
                        self.emit(p, source, &mut index, out);
                    }
                    if ctx.len() > 1 && ctx.last().is_some_and(|(d, _)| *d == depth) {
                        ctx.pop();
                    }
                    depth = depth.saturating_sub(1);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        // Unclosed blocks of a truncated part still count.
        while let Some((_, p)) = paras.pop() {
            self.emit(p, source, &mut index, out);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn open(
        &mut self,
        e: &BytesStart,
        n: &[u8],
        v: &Vocab,
        depth: usize,
        fonts: &HashMap<String, String>,
        ctx: &mut Vec<(usize, Ctx)>,
        paras: &mut Vec<(usize, Para)>,
    ) {
        let c = ctx.last().map(|(_, c)| *c).unwrap_or(Ctx {
            part: Part::Body,
            boxed: false,
            table: false,
            deleted: false,
            group: 0,
        });
        if let Some((_, part)) = v.parts.iter().find(|(x, _)| *x == n) {
            self.groups += 1;
            ctx.push((
                depth,
                Ctx {
                    part: *part,
                    group: self.groups,
                    ..c
                },
            ));
        } else if v.cell.contains(&n) {
            self.groups += 1;
            ctx.push((
                depth,
                Ctx {
                    table: true,
                    group: self.groups,
                    ..c
                },
            ));
        } else if v.shape.contains(&n) {
            self.groups += 1;
            ctx.push((
                depth,
                Ctx {
                    boxed: true,
                    group: self.groups,
                    ..c
                },
            ));
        } else if v.deleted.contains(&n) {
            ctx.push((depth, Ctx { deleted: true, ..c }));
        }
        let style_font = || attr(e, b"text:style-name").and_then(|s| fonts.get(&s).cloned());
        if v.para.contains(&n) {
            let c = ctx.last().map(|(_, c)| *c).unwrap_or(c);
            let inherited = paras.last().and_then(|(_, p)| p.para_font.clone());
            let font = style_font().or(inherited);
            paras.push((
                depth,
                Para {
                    lines: Vec::new(),
                    cur: String::new(),
                    run: String::new(),
                    run_font: font.clone(),
                    para_font: font,
                    ctx: c,
                    legacy: false,
                },
            ));
        } else if v.run.contains(&n)
            && let Some((_, p)) = paras.last_mut()
        {
            p.flush_run();
            if let Some(f) = style_font() {
                p.run_font = Some(f);
            }
        } else if let Some((_, p)) = paras.last_mut() {
            run_font(e, n, p);
        }
    }

    fn emit(&mut self, mut p: Para, source: &str, index: &mut u32, out: &mut Extracted) {
        p.flush_run();
        let cur = std::mem::take(&mut p.cur);
        p.lines.push(cur);
        let non_empty = p.lines.iter().filter(|l| !l.trim().is_empty()).count();
        let group = if p.ctx.group == 0 && non_empty > 1 {
            self.groups += 1;
            self.groups
        } else {
            p.ctx.group
        };
        let style = Style {
            boxed: p.ctx.boxed,
            table: p.ctx.table,
            deleted: p.ctx.deleted,
            legacy: p.legacy,
            ..Style::default()
        };
        for line in p.lines {
            if line.trim().is_empty() {
                continue;
            }
            out.units.push(TextUnit {
                part: p.ctx.part,
                page: None,
                index: *index,
                group,
                text: line,
                style,
                source: source.to_owned(),
            });
        }
        *index += 1;
    }
}

/// A run's font named on one of its property elements (DrawingML `a:latin`, SpreadsheetML `rFont`).
fn run_font(e: &BytesStart, n: &[u8], p: &mut Para) {
    let f = match n {
        b"a:latin" => attr(e, b"typeface"),
        b"rFont" => attr(e, b"val"),
        _ => None,
    };
    if let Some(f) = f {
        p.run_font = Some(f);
    }
}

/// ODF: style name → font family (through `style:font-face` and `style:parent-style-name`).
fn odf_fonts(
    xml: &[u8],
    limits: &Limits,
    map: &mut HashMap<String, String>,
) -> Result<(), ExtractError> {
    let mut r = Reader::from_reader(xml);
    let mut faces: HashMap<String, String> = HashMap::new();
    let mut direct: HashMap<String, String> = HashMap::new();
    let mut parent: HashMap<String, String> = HashMap::new();
    let mut cur: Option<String> = None;
    let mut depth = 0usize;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| ExtractError::Corrupt(format!("ODF styles: {e}")))?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                if matches!(ev, Event::Start(_)) {
                    depth += 1;
                    if depth > limits.max_depth {
                        return Err(ExtractError::Limit("XML lồng quá sâu".into()));
                    }
                }
                match e.name().as_ref() {
                    b"style:font-face" => {
                        if let (Some(n), Some(f)) =
                            (attr(e, b"style:name"), attr(e, b"svg:font-family"))
                        {
                            faces.insert(n, f.trim_matches(['\'', '"']).to_owned());
                        }
                    }
                    b"style:style" => {
                        cur = attr(e, b"style:name");
                        if let (Some(n), Some(p)) = (&cur, attr(e, b"style:parent-style-name")) {
                            parent.insert(n.clone(), p);
                        }
                        if matches!(ev, Event::Empty(_)) {
                            cur = None;
                        }
                    }
                    b"style:text-properties" => {
                        if let Some(n) = &cur {
                            let f =
                                attr(e, b"style:font-name").or_else(|| attr(e, b"fo:font-family"));
                            if let Some(f) = f {
                                direct.insert(n.clone(), f);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if e.name().as_ref() == b"style:style" {
                    cur = None;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let names: Vec<String> = direct.keys().chain(parent.keys()).cloned().collect();
    for name in names {
        let mut s = name.clone();
        for _ in 0..16 {
            if let Some(f) = direct.get(&s) {
                let family = faces.get(f).cloned().unwrap_or_else(|| f.clone());
                map.insert(name.clone(), family);
                break;
            }
            match parent.get(&s) {
                Some(p) => s = p.clone(),
                None => break,
            }
        }
    }
    Ok(())
}

/// `meta.xml`: title, subject, description, keywords and user-defined properties.
fn read_odf_meta(xml: &[u8], limits: &Limits, out: &mut Extracted) -> Result<(), ExtractError> {
    const PROPS: &[&[u8]] = &[
        b"dc:title",
        b"dc:subject",
        b"dc:description",
        b"meta:keyword",
        b"meta:user-defined",
    ];
    let mut r = Reader::from_reader(xml);
    let mut depth = 0usize;
    let mut capture: Option<(Option<String>, String)> = None;
    let mut index = 0u32;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| ExtractError::Corrupt(format!("meta.xml: {e}")))?;
        match ev {
            Event::Start(ref e) => {
                depth += 1;
                if depth > limits.max_depth {
                    return Err(ExtractError::Limit("XML lồng quá sâu".into()));
                }
                if PROPS.contains(&e.name().as_ref()) {
                    capture = Some((attr(e, b"meta:name"), String::new()));
                }
            }
            Event::Text(t) => {
                if let Some((_, c)) = capture.as_mut() {
                    c.push_str(&t.decode().unwrap_or_default());
                }
            }
            Event::GeneralRef(ref e) => {
                if let Some((_, c)) = capture.as_mut() {
                    c.push_str(&docx::entity(e));
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some((name, text)) = capture.take() {
                    let text = match name {
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
                            source: "meta.xml".into(),
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

/// SpreadsheetML `headerFooter`: `&L…&C…&R…` sections with formatting codes, one block each.
fn header_footer(
    xml: &[u8],
    source: &str,
    limits: &Limits,
    out: &mut Extracted,
) -> Result<(), ExtractError> {
    let mut r = Reader::from_reader(xml);
    let mut depth = 0usize;
    let mut capture: Option<(Part, String)> = None;
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
                let n = n.as_ref();
                if n.ends_with(b"Header") && n != b"headerFooter" {
                    capture = Some((Part::Header, String::new()));
                } else if n.ends_with(b"Footer") && n != b"headerFooter" {
                    capture = Some((Part::Footer, String::new()));
                }
            }
            Event::Text(t) => {
                if let Some((_, c)) = capture.as_mut() {
                    c.push_str(&t.decode().unwrap_or_default());
                }
            }
            Event::GeneralRef(ref e) => {
                if let Some((_, c)) = capture.as_mut() {
                    c.push_str(&docx::entity(e));
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some((part, text)) = capture.take() {
                    for section in header_sections(&text) {
                        out.units.push(TextUnit {
                            part,
                            page: None,
                            index,
                            group: 0,
                            text: section,
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

/// Split an Excel header/footer string into its left/centre/right texts, without the codes
/// (`&"Times New Roman,Bold"`, `&12`, `&B`, `&P`, …); `&&` is a literal ampersand.
pub(crate) fn header_sections(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '&' {
            cur.push(c);
            continue;
        }
        match it.next() {
            Some('&') => cur.push('&'),
            Some('L' | 'C' | 'R') => {
                out.push(std::mem::take(&mut cur));
            }
            Some('"') => {
                for c in it.by_ref() {
                    if c == '"' {
                        break;
                    }
                }
            }
            Some(d) if d.is_ascii_digit() => {
                while it.peek().is_some_and(|c| c.is_ascii_digit()) {
                    it.next();
                }
            }
            Some('K') => {
                // Colour: six hex digits (or a theme code of the same length).
                for _ in 0..6 {
                    it.next();
                }
            }
            // Page number, count, date, time, file, sheet, picture: not stamp text.
            Some('P' | 'N' | 'D' | 'T' | 'F' | 'A' | 'Z' | 'G') => cur.push(' '),
            // Bold, italic, underline, strike-through, super/subscript, outline, shadow.
            Some(_) | None => {}
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::header_sections;

    #[test]
    fn excel_header_codes_are_removed_and_sections_split() {
        assert_eq!(
            header_sections("&L&\"Times New Roman,Bold\"&14MẬT&CTrang &P/&N&R&&Co"),
            vec!["MẬT", "Trang  /", "&Co"]
        );
        assert_eq!(header_sections("&C&KFF0000TỐI MẬT"), vec!["TỐI MẬT"]);
        assert!(header_sections("&C&P").is_empty());
    }
}
