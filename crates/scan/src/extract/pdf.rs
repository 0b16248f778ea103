//! PDF extraction: the text layer, read with our own content-stream walker on lopdf (so that each
//! text run keeps its font name — `.VnTime`/`VNI-Times` runs are repaired per run — and its fill
//! colour), plus annotations (`/Contents` and the appearance stream of `/Stamp`, `/FreeText` …).
//! pdf-extract is the fallback when the walker finds no text (it decodes more font programs).
//!
//! What a hostile file may hide, and how it is still read (issue 16 point 1):
//! - text drawn by a form field's appearance stream (AcroForm widget `/AP`, every state) and the
//!   field's value `/V`;
//! - Form XObjects nested at any depth: a cycle guard (the forms on the current path) and a budget
//!   of form invocations and operators per file bound the work; past the budget the rest is noted
//!   as not read (`review`);
//! - files embedded as attachments (`/EmbeddedFiles` name tree, `/FileAttachment` annotations, any
//!   `/EF` file specification): each is extracted as a file of its own, one level deeper, under the
//!   archive limits (count, per-file and total inflated size, nesting depth);
//! - earlier revisions of an incrementally updated file: every `%%EOF` before the last one closes a
//!   revision, which is loaded on its own and read like the final one; its lines that the final
//!   revision no longer shows are added, marked as found only in an earlier revision. A revision
//!   that does not load is noted as not read (`review`), except the first section of a linearized
//!   file, which is not a revision.
//!
//! A PDF whose pages carry no text is **not** clean: such pages are reported as
//! [`ExtractNote::NoTextLayer`] ("no extractable text, needs manual review"), and OCR runs on them
//! only when `tesseract` (vie) and `pdftoppm` are installed. Encrypted PDFs that do not open with the
//! empty user password are refused.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};

use super::archives::{Entry, inner_limits, merge, read_capped};
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

/// Work allowed for one file: form invocations and content operators (a form drawn twice by a
/// form drawn twice … is exponential without it).
struct Budget {
    forms: u32,
    ops: u64,
    exhausted: bool,
}

impl Budget {
    const FORMS: u32 = 20_000;
    const OPS: u64 = 20_000_000;

    fn new() -> Self {
        Budget {
            forms: Self::FORMS,
            ops: Self::OPS,
            exhausted: false,
        }
    }
}

fn load(bytes: &[u8]) -> Result<Document, ExtractError> {
    let doc = Document::load_mem(bytes).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => ExtractError::Encrypted,
        e => ExtractError::Corrupt(format!("pdf: {e}")),
    })?;
    if doc.is_encrypted() {
        return Err(ExtractError::Encrypted);
    }
    Ok(doc)
}

/// Reads a PDF. `entry` extracts an embedded file as a file of its own (the caller's recursion,
/// one level deeper, which enforces the nesting depth).
pub fn extract(bytes: &[u8], limits: &Limits, entry: Entry) -> Result<Extracted, ExtractError> {
    let doc = load(bytes)?;
    let pages = doc.get_pages();
    if pages.len() > limits.max_pdf_pages {
        return Err(ExtractError::Limit(format!(
            "quá nhiều trang ({})",
            pages.len()
        )));
    }
    let mut out = Extracted::new("pdf");
    let mut budget = Budget::new();
    let mut empty_pages = read_pages(&doc, &mut budget, &mut out);
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
    let mut listed = listed_offsets(bytes, &doc);
    earlier_revisions(bytes, limits, &mut budget, &mut out, &mut listed);
    orphan_objects(bytes, &doc, limits, &listed, &mut budget, &mut out);
    embedded_files(&doc, limits, entry, &mut out);
    if budget.exhausted {
        out.notes.push(ExtractNote::Skipped {
            what: "một phần nội dung PDF (quá nhiều đối tượng vẽ lồng nhau, nghi tệp cố ý gây quá tải)"
                .into(),
        });
    }
    Ok(out)
}

/// The text of every page and annotation of `doc`; returns the pages without text.
fn read_pages(doc: &Document, budget: &mut Budget, out: &mut Extracted) -> Vec<u32> {
    let mut empty_pages = Vec::new();
    let mut group = out.units.iter().map(|u| u.group).max().unwrap_or(0);
    for (&page_no, &page_id) in &doc.get_pages() {
        let fonts = doc.get_page_fonts(page_id).unwrap_or_default();
        let resources = page_resources(doc, page_id);
        let infos = font_infos(doc, &fonts);
        let mut buf = LineBuf::default();
        if let Ok(content) = doc.get_and_decode_page_content(page_id) {
            let mut w = Walker {
                doc,
                budget,
                stack: Vec::new(),
                cache: HashMap::new(),
            };
            w.walk(&content, &infos, &resources, &mut buf);
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
            annotation_units(doc, annot, page_no, group, budget, out);
        }
    }
    empty_pages
}

/// Most revisions of one file read (an incremental update each); more are noted as not read.
const MAX_REVISIONS: usize = 32;

/// Ends (just past `%%EOF`) of the revisions before the last one.
fn revision_ends(bytes: &[u8]) -> Vec<usize> {
    let mut ends: Vec<usize> = bytes
        .windows(5)
        .enumerate()
        .filter(|(_, w)| *w == b"%%EOF")
        .map(|(i, _)| i + 5)
        .collect();
    // The last `%%EOF` closes the final revision (trailing bytes after it are not a revision).
    ends.pop();
    ends
}

/// Lines of earlier revisions that the final one no longer shows (issue 16: text removed or
/// replaced by an incremental update is still in the file).
fn earlier_revisions(
    bytes: &[u8],
    limits: &Limits,
    budget: &mut Budget,
    out: &mut Extracted,
    listed: &mut HashSet<usize>,
) {
    let ends = revision_ends(bytes);
    if ends.is_empty() {
        return;
    }
    let linearized =
        String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).contains("/Linearized");
    let seen: HashSet<String> = out
        .units
        .iter()
        .map(|u| u.text.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let mut added: HashSet<String> = HashSet::new();
    let group_base = out.units.iter().map(|u| u.group).max().unwrap_or(0);
    for (k, &end) in ends.iter().enumerate() {
        let rev = k + 1;
        if k >= MAX_REVISIONS {
            out.notes.push(ExtractNote::Skipped {
                what: format!(
                    "{} bản sửa trước của tệp PDF (quá {MAX_REVISIONS} bản)",
                    ends.len() - MAX_REVISIONS
                ),
            });
            break;
        }
        let doc = match load(&bytes[..end]) {
            Ok(d) if d.get_pages().len() <= limits.max_pdf_pages => d,
            // The first section of a linearized file is a hint for fast display, not a revision.
            Err(_) if linearized && k == 0 => continue,
            _ => {
                out.notes.push(ExtractNote::Skipped {
                    what: format!("bản sửa trước thứ {rev} của tệp PDF"),
                });
                continue;
            }
        };
        listed.extend(listed_offsets(bytes, &doc));
        let mut old = Extracted::new("pdf");
        read_pages(&doc, budget, &mut old);
        for mut u in old.units {
            let key = u.text.split_whitespace().collect::<Vec<_>>().join(" ");
            if key.is_empty() || seen.contains(&key) || !added.insert(key) {
                continue;
            }
            u.style.revision = true;
            if u.group != 0 {
                u.group += group_base;
            }
            u.source = format!("bản sửa trước thứ {rev}, {}", u.source);
            out.units.push(u);
        }
    }
}

// ---------------------------------------------------------------- orphan objects ----------

/// Most orphan objects read per file; more are noted as not read (`review`).
const MAX_ORPHANS: usize = 256;

/// Where the bytes lopdf reads from start (it skips anything before `%PDF-`): the base of the
/// offsets in the cross-reference tables.
fn pdf_base(bytes: &[u8]) -> usize {
    bytes.windows(5).position(|w| w == b"%PDF-").unwrap_or(0)
}

fn is_pdf_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

/// The offsets (from `%PDF-`, leading white space skipped) of the objects `doc`'s merged
/// cross-reference table lists.
fn listed_offsets(bytes: &[u8], doc: &Document) -> HashSet<usize> {
    let body = &bytes[pdf_base(bytes)..];
    doc.reference_table
        .entries
        .values()
        .filter_map(|e| match e {
            lopdf::xref::XrefEntry::Normal { offset, .. } => {
                let mut o = *offset as usize;
                while o < body.len() && is_pdf_space(body[o]) {
                    o += 1;
                }
                Some(o)
            }
            _ => None,
        })
        .collect()
}

/// Every `N G obj` of the raw bytes: (offset from `%PDF-`, object number, generation).
fn raw_objects(bytes: &[u8]) -> Vec<(usize, u32, u16)> {
    let body = &bytes[pdf_base(bytes)..];
    let mut found = Vec::new();
    // The start of the run of bytes matching `f` that ends at `end`, and `end`.
    let back = |f: fn(u8) -> bool, end: usize| {
        let mut i = end;
        while i > 0 && f(body[i - 1]) {
            i -= 1;
        }
        (i, end)
    };
    let digits_back = |end| back(|b| b.is_ascii_digit(), end);
    let spaces_back = |end| back(is_pdf_space, end);
    let hits = body
        .windows(3)
        .enumerate()
        .filter(|(_, w)| *w == b"obj")
        .map(|(i, _)| i);
    for at in hits {
        if body.get(at + 3).is_some_and(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        // `N`, white space, `G`, white space, then `obj`.
        let (i, sp) = spaces_back(at);
        if i == sp {
            continue;
        }
        let (gs, ge) = digits_back(i);
        if gs == ge {
            continue;
        }
        let (j, sp) = spaces_back(gs);
        if j == sp {
            continue;
        }
        let (ns, ne) = digits_back(j);
        if ns == ne
            || (ns > 0 && !is_pdf_space(body[ns - 1]) && !b"<>[]()/%".contains(&body[ns - 1]))
        {
            continue;
        }
        let num = std::str::from_utf8(&body[ns..ne])
            .ok()
            .and_then(|s| s.parse().ok());
        let gen_ = std::str::from_utf8(&body[gs..ge])
            .ok()
            .and_then(|s| s.parse().ok());
        if let (Some(n), Some(g)) = (num, gen_) {
            found.push((ns, n, g));
        }
    }
    found
}

/// Objects in the file body that no revision's cross-reference table lists (issue 16: "every
/// revision"). A crafted file can hide a stamped content stream there: the viewers that repair
/// a file by scanning its objects may still show it. Each such stream (not an image, font,
/// cross-reference or object stream) is read as page content, with the first page's fonts, and
/// its lines are marked [`Style::orphan`]. Read by appending a cross-reference section that lists
/// them at their offsets and loading the file again (at most [`MAX_ORPHANS`], in rounds of
/// distinct object numbers); streams decode under the embedded-file size limit and the file's
/// operator budget. Clean files written by LibreOffice, Word and poppler have none (docs/scanner.md).
fn orphan_objects(
    bytes: &[u8],
    doc: &Document,
    limits: &Limits,
    listed: &HashSet<usize>,
    budget: &mut Budget,
    out: &mut Extracted,
) {
    let mut orphans: Vec<(usize, u32, u16)> = raw_objects(bytes)
        .into_iter()
        .filter(|(o, _, _)| !listed.contains(o))
        .collect();
    if orphans.is_empty() {
        return;
    }
    if orphans.len() > MAX_ORPHANS {
        out.notes.push(ExtractNote::Skipped {
            what: format!(
                "{} phần nội dung PDF không thuộc phiên bản nào (quá {MAX_ORPHANS} phần)",
                orphans.len() - MAX_ORPHANS
            ),
        });
        orphans.truncate(MAX_ORPHANS);
    }
    let Ok(root) = doc.trailer.get(b"Root").and_then(Object::as_reference) else {
        return;
    };
    let base = pdf_base(bytes);
    let seen: HashSet<String> = out
        .units
        .iter()
        .map(|u| u.text.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let mut added: HashSet<String> = HashSet::new();
    let mut unread = 0usize;
    // Rounds of distinct object numbers (a number written twice is read once per round).
    while !orphans.is_empty() {
        let mut ids = HashSet::new();
        let (round, rest): (Vec<_>, Vec<_>) =
            orphans.into_iter().partition(|(_, n, _)| ids.insert(*n));
        orphans = rest;
        let mut file = bytes.to_vec();
        if !file.ends_with(b"\n") {
            file.push(b'\n');
        }
        let xref_at = file.len() - base;
        let mut xref = String::from("xref\n0 1\n0000000000 65535 f \n");
        for (o, n, g) in &round {
            xref.push_str(&format!("{n} 1\n{o:010} {g:05} n \n"));
        }
        let size = round.iter().map(|r| r.1).max().unwrap_or(0).max(doc.max_id) + 1;
        xref.push_str(&format!(
            "trailer\n<< /Size {size} /Root {} {} R /Prev {} >>\nstartxref\n{xref_at}\n%%EOF\n",
            root.0, root.1, doc.xref_start
        ));
        file.extend_from_slice(xref.as_bytes());
        let Ok(odoc) = load(&file) else {
            unread += round.len();
            continue;
        };
        let first_page = odoc.get_pages().values().next().copied();
        let page_res = first_page
            .map(|p| page_resources(&odoc, p))
            .unwrap_or_default();
        let page_fonts = first_page
            .and_then(|p| odoc.get_page_fonts(p).ok())
            .unwrap_or_default();
        for (_, n, g) in &round {
            let Ok(Object::Stream(stream)) = odoc.get_object((*n, *g)) else {
                continue;
            };
            let name = |k: &[u8]| stream.dict.get(k).and_then(Object::as_name).ok();
            if matches!(
                name(b"Type"),
                Some(b"XRef" | b"ObjStm" | b"Metadata" | b"EmbeddedFile")
            ) || name(b"Subtype") == Some(b"Image".as_slice())
                || stream.dict.has(b"Length1")
            {
                continue;
            }
            let Ok(data) = embedded_bytes(stream, limits.max_entry_size) else {
                unread += 1;
                continue;
            };
            let Ok(content) = Content::decode(&data) else {
                continue;
            };
            let own = stream
                .dict
                .get_deref(b"Resources", &odoc)
                .and_then(Object::as_dict)
                .ok();
            let mut resources: Vec<&Dictionary> = own.into_iter().collect();
            resources.extend_from_slice(&page_res);
            let mut fonts: std::collections::BTreeMap<Vec<u8>, &Dictionary> = page_fonts.clone();
            for r in own.iter() {
                fonts.extend(fonts_in(&odoc, r));
            }
            let infos = font_infos(&odoc, &fonts);
            let mut buf = LineBuf::default();
            let mut w = Walker {
                doc: &odoc,
                budget,
                stack: Vec::new(),
                cache: HashMap::new(),
            };
            w.walk(&content, &infos, &resources, &mut buf);
            buf.newline();
            for (i, (line, red)) in buf.lines.into_iter().enumerate() {
                let key = line.split_whitespace().collect::<Vec<_>>().join(" ");
                if key.is_empty() || seen.contains(&key) || !added.insert(key) {
                    continue;
                }
                out.units.push(TextUnit {
                    part: Part::Body,
                    page: None,
                    index: i as u32,
                    group: 0,
                    text: line,
                    style: Style {
                        red,
                        orphan: true,
                        ..Style::default()
                    },
                    source: "phần nội dung không thuộc phiên bản nào".into(),
                });
            }
        }
    }
    if unread > 0 {
        out.notes.push(ExtractNote::Skipped {
            what: format!("{unread} phần nội dung PDF không thuộc phiên bản nào"),
        });
    }
}

/// The decoded bytes of an embedded file stream, at most `cap` of them (a flate bomb stops here).
fn embedded_bytes(stream: &lopdf::Stream, cap: u64) -> Result<Vec<u8>, ExtractError> {
    let filters = stream.filters().unwrap_or_default();
    let what = "tệp đính kèm trong PDF";
    match filters.as_slice() {
        [] => {
            if stream.content.len() as u64 > cap {
                return Err(ExtractError::Limit(format!("{what} quá lớn")));
            }
            Ok(stream.content.clone())
        }
        [f] if *f == b"FlateDecode".as_slice() => {
            let mut d = flate2::read::ZlibDecoder::new(stream.content.as_slice());
            read_capped(&mut d as &mut dyn Read, cap, what)
        }
        _ => {
            let data = stream
                .decompressed_content()
                .map_err(|e| ExtractError::Corrupt(format!("{what}: {e}")))?;
            if data.len() as u64 > cap {
                return Err(ExtractError::Limit(format!(
                    "{what} giải nén quá lớn (nghi tệp nén bom)"
                )));
            }
            Ok(data)
        }
    }
}

/// Every embedded file (`/EmbeddedFiles`, `/FileAttachment`, any `/EF` file specification, and
/// any stream typed `/EmbeddedFile`), extracted as a file of its own.
fn embedded_files(doc: &Document, limits: &Limits, entry: Entry, out: &mut Extracted) {
    // Names from the file specifications.
    let mut names: HashMap<ObjectId, String> = HashMap::new();
    for obj in doc.objects.values() {
        let dict = match obj {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        let Ok(ef) = dict.get_deref(b"EF", doc).and_then(Object::as_dict) else {
            continue;
        };
        let name = [b"UF".as_slice(), b"F"]
            .iter()
            .find_map(|k| lopdf::decode_text_string(dict.get(k).ok()?).ok())
            .filter(|n| !n.trim().is_empty());
        for (_, v) in ef.iter() {
            if let Ok(id) = v.as_reference() {
                names
                    .entry(id)
                    .or_insert_with(|| name.clone().unwrap_or_default());
            }
        }
    }
    let mut files: Vec<(ObjectId, &lopdf::Stream)> = doc
        .objects
        .iter()
        .filter_map(|(id, o)| {
            let s = o.as_stream().ok()?;
            let typed = s.dict.get(b"Type").and_then(Object::as_name).ok() == Some(b"EmbeddedFile");
            (typed || names.contains_key(id)).then_some((*id, s))
        })
        .collect();
    files.sort_by_key(|(id, _)| *id);
    if files.len() > limits.max_zip_entries {
        out.notes.push(ExtractNote::Skipped {
            what: format!("tệp đính kèm trong PDF (quá nhiều: {})", files.len()),
        });
        return;
    }
    let mut total = 0u64;
    for (n, (id, stream)) in files.into_iter().enumerate() {
        let name = names
            .get(&id)
            .filter(|s| !s.is_empty())
            .cloned()
            .unwrap_or_else(|| format!("tệp đính kèm {}", n + 1));
        // Only the last path component: a name is a label, never a path.
        let name = name.rsplit(['/', '\\']).next().unwrap_or("").to_owned();
        let cap = limits
            .max_entry_size
            .min(limits.max_total_size.saturating_sub(total));
        let r = embedded_bytes(stream, cap).and_then(|data| {
            total += data.len() as u64;
            entry(&data, &name, &inner_limits(limits, total))
        });
        let bomb = matches!(r, Err(ExtractError::Limit(_)));
        merge(out, &name, "tệp PDF (tệp đính kèm)", r);
        if bomb {
            break;
        }
    }
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

/// Form XObjects nest at most this deep (far beyond any real file; the cycle guard and the budget
/// do the real bounding).
const MAX_FORM_DEPTH: usize = 64;

/// Walks content streams, entering Form XObjects drawn with `Do`.
struct Walker<'d, 'b> {
    doc: &'d Document,
    budget: &'b mut Budget,
    /// The forms being drawn (the current path): a form that draws itself is drawn once.
    stack: Vec<ObjectId>,
    /// Forms already decoded (a form drawn many times is decoded once; fonts parse CMaps).
    cache: HashMap<ObjectId, std::rc::Rc<DecodedForm<'d>>>,
}

struct DecodedForm<'d> {
    content: Content,
    resources: Vec<&'d Dictionary>,
    fonts: HashMap<Vec<u8>, FontInfo<'d>>,
}

impl<'d> DecodedForm<'d> {
    /// A form or appearance stream: its operators, its own resources before the `inherited`
    /// ones, and its fonts.
    fn decode(
        doc: &'d Document,
        stream: &'d lopdf::Stream,
        inherited: &[&'d Dictionary],
    ) -> Option<Self> {
        let data = stream
            .decompressed_content()
            .or_else(|_| stream.get_plain_content())
            .ok()?;
        let content = Content::decode(&data).ok()?;
        let own = stream
            .dict
            .get_deref(b"Resources", doc)
            .and_then(Object::as_dict)
            .ok();
        let mut resources: Vec<&Dictionary> = own.into_iter().collect();
        resources.extend_from_slice(inherited);
        let fonts = resources
            .iter()
            .rev()
            .flat_map(|r| fonts_in(doc, r))
            .collect();
        let fonts = font_infos(doc, &fonts);
        Some(DecodedForm {
            content,
            resources,
            fonts,
        })
    }
}

impl<'d> Walker<'d, '_> {
    /// Text of a Form XObject drawn with `Do` (stamps and watermarks added by PDF tools live there).
    fn walk_form(&mut self, name: &[u8], resources: &[&'d Dictionary], buf: &mut LineBuf) {
        let doc = self.doc;
        let found = resources.iter().find_map(|r| {
            let xo = r
                .get_deref(b"XObject", doc)
                .and_then(Object::as_dict)
                .ok()?;
            match xo.get(name).ok()? {
                Object::Reference(id) => Some((Some(*id), doc.get_object(*id).ok()?)),
                o => Some((None, o)),
            }
        });
        let Some((id, obj)) = found else { return };
        let Ok(stream) = obj.as_stream() else { return };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            return;
        }
        if id.is_some_and(|id| self.stack.contains(&id)) || self.stack.len() >= MAX_FORM_DEPTH {
            return;
        }
        if self.budget.forms == 0 {
            self.budget.exhausted = true;
            return;
        }
        self.budget.forms -= 1;
        let key = id.unwrap_or((0, 0));
        let form = match self.cache.get(&key) {
            Some(f) if id.is_some() => f.clone(),
            _ => {
                let Some(f) = DecodedForm::decode(doc, stream, resources) else {
                    return;
                };
                let f = std::rc::Rc::new(f);
                if id.is_some() {
                    self.cache.insert(key, f.clone());
                }
                f
            }
        };
        // A form without an id (not allowed by the format, but parsed) counts against the depth.
        self.stack.push(key);
        self.walk(&form.content, &form.fonts, &form.resources, buf);
        self.stack.pop();
    }

    fn walk(
        &mut self,
        content: &Content,
        fonts: &HashMap<Vec<u8>, FontInfo>,
        resources: &[&'d Dictionary],
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
            if self.budget.ops == 0 {
                self.budget.exhausted = true;
                return;
            }
            self.budget.ops -= 1;
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
                "Do" => {
                    if let Some(Ok(name)) = o.first().map(Object::as_name) {
                        self.walk_form(name, resources, buf);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The appearance streams of an annotation: `/AP /N`, either one stream or one per state (a
/// check box's "on" and "off" looks; every state is read, whichever is shown).
fn appearance_streams<'d>(doc: &'d Document, annot: &'d Dictionary) -> Vec<&'d lopdf::Stream> {
    let Ok(ap) = annot.get_deref(b"AP", doc).and_then(Object::as_dict) else {
        return Vec::new();
    };
    let Ok(n) = ap.get_deref(b"N", doc) else {
        return Vec::new();
    };
    match n {
        Object::Stream(s) => vec![s],
        Object::Dictionary(states) => states
            .iter()
            .filter_map(|(_, v)| match v {
                Object::Reference(id) => doc.get_object(*id).ok()?.as_stream().ok(),
                Object::Stream(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `/Contents` and the normal appearance stream of an annotation.
fn annotation_units(
    doc: &Document,
    annot: &Dictionary,
    page: u32,
    group: u32,
    budget: &mut Budget,
    out: &mut Extracted,
) {
    let subtype = annot
        .get(b"Subtype")
        .and_then(Object::as_name)
        .ok()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    if subtype == "Link" || subtype == "Popup" {
        return;
    }
    let boxed = matches!(subtype.as_str(), "Stamp" | "FreeText" | "Square");
    let mut texts: Vec<(String, bool)> = Vec::new();
    if let Ok(c) = annot.get_deref(b"Contents", doc)
        && let Ok(s) = lopdf::decode_text_string(c)
    {
        texts.extend(s.lines().map(|l| (l.to_owned(), false)));
    }
    // A form field's value, on the widget or on its parent field (a text field shows it).
    if subtype == "Widget" {
        let parent = annot
            .get_deref(b"Parent", doc)
            .and_then(Object::as_dict)
            .ok();
        let v = annot
            .get_deref(b"V", doc)
            .ok()
            .or_else(|| parent.and_then(|p| p.get_deref(b"V", doc).ok()));
        if let Some(Ok(s)) = v.map(lopdf::decode_text_string) {
            texts.extend(s.lines().map(|l| (l.to_owned(), false)));
        }
    }
    // Appearance streams (the visible stamp, a form field as drawn), which may carry the text
    // only in a content stream, through forms at any depth.
    for stream in appearance_streams(doc, annot) {
        let Some(form) = DecodedForm::decode(doc, stream, &[]) else {
            continue;
        };
        let mut buf = LineBuf::default();
        let mut w = Walker {
            doc,
            budget,
            stack: Vec::new(),
            cache: HashMap::new(),
        };
        w.walk(&form.content, &form.fonts, &form.resources, &mut buf);
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
