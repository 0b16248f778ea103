//! Office Open XML packages read as Word reads them (issue 16 point 1), not by file name:
//! * parts are found through the package relationships (`_rels/.rels` → the main part, at any
//!   path), the main part's relationships (headers, footers, footnotes, endnotes, comments,
//!   glossary — at any path) and `[Content_Types].xml` (every part declared with a
//!   WordprocessingML content type), so a clean decoy at `word/document.xml` hides nothing;
//! * XML names are resolved by namespace URI, not by prefix: [`canonical_xml`] rewrites a part
//!   with the prefixes the walkers expect (`w:`, `mc:`, `r:`, …), whatever prefixes the file
//!   binds, so `<x:t>` with `x` bound to the WordprocessingML namespace is text, and `<w:t>` with
//!   `w` bound to another namespace is not mistaken for it.

use std::collections::BTreeMap;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::zipread::BoundedZip;
use super::{ExtractError, Limits};

/// Namespace URI → the canonical prefix the walkers match on.
const NAMESPACES: &[(&[u8], &[u8])] = &[
    (
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        b"w",
    ),
    (b"http://purl.oclc.org/ooxml/wordprocessingml/main", b"w"),
    (
        b"http://schemas.openxmlformats.org/markup-compatibility/2006",
        b"mc",
    ),
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        b"r",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"r",
    ),
    (b"urn:schemas-microsoft-com:vml", b"v"),
    (
        b"http://schemas.openxmlformats.org/presentationml/2006/main",
        b"p",
    ),
    (b"http://purl.oclc.org/ooxml/presentationml/main", b"p"),
    (
        b"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
        b"xdr",
    ),
    (
        b"http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing",
        b"xdr",
    ),
    // SpreadsheetML is matched unprefixed (its usual default namespace).
    (
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"",
    ),
    (b"http://purl.oclc.org/ooxml/spreadsheetml/main", b""),
    (
        b"http://schemas.openxmlformats.org/drawingml/2006/main",
        b"a",
    ),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"a"),
    (
        b"http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
        b"wps",
    ),
    (
        b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
        b"wp",
    ),
    (
        b"http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        b"cp",
    ),
    (b"http://purl.org/dc/elements/1.1/", b"dc"),
    (b"http://purl.org/dc/terms/", b"dcterms"),
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
        b"vt",
    ),
    (b"http://www.w3.org/XML/1998/namespace", b"xml"),
    // Document properties are matched unprefixed (their usual default namespace).
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
        b"",
    ),
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
        b"",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/customProperties",
        b"",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
        b"",
    ),
];

fn prefix_for(ns: &ResolveResult<'_>) -> Option<&'static [u8]> {
    match ns {
        ResolveResult::Bound(n) => Some(
            NAMESPACES
                .iter()
                .find(|(uri, _)| *uri == n.as_ref())
                .map(|(_, p)| *p)
                // A namespace we do not know: never confused with a known one.
                .unwrap_or(b"ns-other"),
        ),
        ResolveResult::Unbound => None,
        // An undeclared prefix: keep the name as written (Word would refuse the file).
        ResolveResult::Unknown(_) => Some(b"ns-unknown"),
    }
}

/// Appends the canonical qualified name (`prefix:local`, or `local` without a prefix) to `out`.
fn put_qualified(out: &mut Vec<u8>, prefix: Option<&[u8]>, local: &[u8]) {
    if let Some(p) = prefix.filter(|p| !p.is_empty()) {
        out.extend_from_slice(p);
        out.push(b':');
    }
    out.extend_from_slice(local);
}

/// Rewrites an XML part with canonical prefixes (see the module doc); namespace declarations,
/// comments, processing instructions and the DTD are dropped; text is kept as written.
///
/// A part whose declarations already give every name its canonical prefix ([`already_canonical`]:
/// the parts Word, LibreOffice and the usual libraries write) is returned as it is, without a
/// second parse; the walkers read it as they would read the rewrite (a comment or a processing
/// instruction between two pieces of text joins them either way) and enforce the depth limit
/// themselves.
pub fn canonical_xml<'x>(
    xml: &'x [u8],
    limits: &Limits,
    source: &str,
) -> Result<std::borrow::Cow<'x, [u8]>, ExtractError> {
    if already_canonical(xml) {
        return Ok(std::borrow::Cow::Borrowed(xml));
    }
    rewrite_canonical(xml, limits, source).map(std::borrow::Cow::Owned)
}

/// Whether every namespace declaration of a part leaves its names as [`canonical_xml`] would
/// write them, so that the walkers may read the part itself. Every occurrence of the bytes
/// `xmlns` must be a well-formed declaration (a declaration cannot be written without them; any
/// other occurrence — in text, in a value, malformed — sends the part to the rewrite) that binds
/// * a prefix to a known namespace whose canonical prefix it is (`xmlns:w` to WordprocessingML);
/// * a prefix that is no canonical prefix to a namespace we do not know (`xmlns:w14`): its names
///   are matched by no walker, as `ns-other:` names are not;
/// * the default namespace to a known namespace whose canonical prefix is empty (document
///   properties).
///
/// Anything else (the default namespace bound to WordprocessingML, `w` bound to another
/// namespace, a known namespace under another prefix) is rewritten. A name whose prefix is not
/// declared at all (a file Word refuses) is read as written here, where the rewrite would give it
/// `ns-unknown:`: it can only make more text readable, never less.
pub fn already_canonical(xml: &[u8]) -> bool {
    fn known(uri: &[u8]) -> Option<&'static [u8]> {
        NAMESPACES.iter().find(|(u, _)| *u == uri).map(|(_, p)| *p)
    }
    let reserved = |p: &[u8]| {
        NAMESPACES.iter().any(|(_, q)| *q == p) || p == b"ns-other" || p == b"ns-unknown"
    };
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    memchr::memmem::find_iter(xml, b"xmlns").all(|at| {
        let mut i = at + 5;
        let prefix_start;
        match xml.get(i) {
            Some(b':') => {
                i += 1;
                prefix_start = i;
                while xml
                    .get(i)
                    .is_some_and(|&b| !space(b) && b != b'=' && b != b'>' && b != b'/')
                {
                    i += 1;
                }
            }
            Some(&b) if space(b) || b == b'=' => prefix_start = i,
            _ => return false,
        }
        let prefix = &xml[prefix_start..i];
        if prefix.is_empty() && prefix_start != at + 5 {
            return false; // `xmlns:=`
        }
        while xml.get(i).is_some_and(|&b| space(b)) {
            i += 1;
        }
        if xml.get(i) != Some(&b'=') {
            return false;
        }
        i += 1;
        while xml.get(i).is_some_and(|&b| space(b)) {
            i += 1;
        }
        let Some(&quote) = xml.get(i).filter(|&&q| q == b'"' || q == b'\'') else {
            return false;
        };
        let Some(len) = xml.get(i + 1..).and_then(|r| memchr::memchr(quote, r)) else {
            return false;
        };
        let uri = &xml[i + 1..i + 1 + len];
        // A reference in the value (`&#110;`) may spell a known namespace: rewrite.
        if uri.contains(&b'&') {
            return false;
        }
        match known(uri) {
            Some(canonical) => canonical == prefix,
            None => !prefix.is_empty() && !reserved(prefix),
        }
    })
}

pub(crate) fn rewrite_canonical(
    xml: &[u8],
    limits: &Limits,
    source: &str,
) -> Result<Vec<u8>, ExtractError> {
    let corrupt = |e: &dyn std::fmt::Display| ExtractError::Corrupt(format!("{source}: {e}"));
    let mut r = NsReader::from_reader(xml);
    let mut out = Vec::with_capacity(xml.len());
    let mut depth = 0usize;
    loop {
        let (ns, ev) = r.read_resolved_event().map_err(|e| corrupt(&e))?;
        let prefix = prefix_for(&ns);
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if matches!(ev, Event::Start(_)) {
                    depth += 1;
                    if depth > limits.max_depth {
                        return Err(ExtractError::Limit("XML lồng quá sâu".into()));
                    }
                }
                out.push(b'<');
                put_qualified(&mut out, prefix, e.local_name().as_ref());
                for a in e.attributes().with_checks(false).flatten() {
                    let key = a.key;
                    if key.as_ref() == b"xmlns" || key.as_ref().starts_with(b"xmlns:") {
                        continue;
                    }
                    let (ans, local) = r.resolve_attribute(key);
                    let ap = prefix_for(&ans);
                    out.push(b' ');
                    put_qualified(&mut out, ap, local.as_ref());
                    out.extend_from_slice(b"=\"");
                    for &b in a.value.as_ref() {
                        if b == b'"' {
                            out.extend_from_slice(b"&quot;");
                        } else {
                            out.push(b);
                        }
                    }
                    out.push(b'"');
                }
                if matches!(ev, Event::Empty(_)) {
                    out.push(b'/');
                }
                out.push(b'>');
            }
            Event::End(ref e) => {
                depth = depth.saturating_sub(1);
                out.extend_from_slice(b"</");
                put_qualified(&mut out, prefix, e.local_name().as_ref());
                out.push(b'>');
            }
            Event::Text(ref t) => out.extend_from_slice(t.as_ref()),
            Event::GeneralRef(ref g) => {
                out.push(b'&');
                out.extend_from_slice(g.as_ref());
                out.push(b';');
            }
            Event::CData(ref c) => {
                out.extend_from_slice(b"<![CDATA[");
                out.extend_from_slice(c.as_ref());
                out.extend_from_slice(b"]]>");
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// One relationship of a part.
#[derive(Debug, Clone)]
pub struct Rel {
    /// The relationship type's last path segment (`officeDocument`, `header`, `footer`, …).
    pub kind: String,
    /// The target part's name in the zip (resolved against the source part's folder).
    pub target: String,
}

/// Resolves a relationship target against the folder of the source part (`""` for the package).
fn resolve(base_dir: &str, target: &str) -> String {
    let joined = if let Some(abs) = target.strip_prefix('/') {
        abs.to_owned()
    } else if base_dir.is_empty() {
        target.to_owned()
    } else {
        format!("{base_dir}/{target}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    // Part names are URIs: `%20` and the like are escaped in targets, not in zip names.
    percent_decode(&parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `.rels` part of `part` (`word/document.xml` → `word/_rels/document.xml.rels`; the package
/// itself is `""` → `_rels/.rels`).
pub fn rels_name(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None if part.is_empty() => "_rels/.rels".into(),
        None => format!("_rels/{part}.rels"),
    }
}

/// The internal relationships of `part`, targets resolved to zip entry names.
pub fn relationships(
    z: &mut BoundedZip<'_>,
    part: &str,
    limits: &Limits,
) -> Result<Vec<Rel>, ExtractError> {
    let name = rels_name(part);
    let Some(xml) = read_ci(z, &name)? else {
        return Ok(Vec::new());
    };
    let base_dir = part.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let mut r = NsReader::from_reader(xml.as_slice());
    let mut out = Vec::new();
    let mut depth = 0usize;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| ExtractError::Corrupt(format!("{name}: {e}")))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if matches!(ev, Event::Start(_)) {
                    depth += 1;
                    if depth > limits.max_depth {
                        return Err(ExtractError::Limit("XML lồng quá sâu".into()));
                    }
                }
                if e.local_name().as_ref() != b"Relationship" {
                    continue;
                }
                let get = |k: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == k)
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                };
                if get(b"TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External")) {
                    continue;
                }
                let (Some(t), Some(target)) = (get(b"Type"), get(b"Target")) else {
                    continue;
                };
                let kind = t.rsplit('/').next().unwrap_or("").to_owned();
                out.push(Rel {
                    kind,
                    target: resolve(base_dir, &target),
                });
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// `[Content_Types].xml`: part name (without the leading `/`) → content type, for the overrides.
pub fn content_types(
    z: &mut BoundedZip<'_>,
    limits: &Limits,
) -> Result<BTreeMap<String, String>, ExtractError> {
    let mut map = BTreeMap::new();
    let Some(xml) = read_ci(z, "[Content_Types].xml")? else {
        return Ok(map);
    };
    let mut r = NsReader::from_reader(xml.as_slice());
    let mut depth = 0usize;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| ExtractError::Corrupt(format!("[Content_Types].xml: {e}")))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if matches!(ev, Event::Start(_)) {
                    depth += 1;
                    if depth > limits.max_depth {
                        return Err(ExtractError::Limit("XML lồng quá sâu".into()));
                    }
                }
                if e.local_name().as_ref() != b"Override" {
                    continue;
                }
                let get = |k: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == k)
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                };
                if let (Some(p), Some(ct)) = (get(b"PartName"), get(b"ContentType")) {
                    map.insert(resolve("", &p), ct);
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(map)
}

/// Reads an entry by name, exactly or else ignoring ASCII case (part names are
/// case-insensitive in OPC).
pub fn read_ci(z: &mut BoundedZip<'_>, name: &str) -> Result<Option<Vec<u8>>, ExtractError> {
    if z.names().iter().any(|n| n == name) {
        return z.read(name);
    }
    let found = z
        .names()
        .iter()
        .find(|n| n.eq_ignore_ascii_case(name))
        .cloned();
    match found {
        Some(n) => z.read(&n),
        None => Ok(None),
    }
}

/// The kind of package by its main part: from `_rels/.rels` (the `officeDocument`
/// relationship) and the content type of that part, else by the usual part names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Excel,
    PowerPoint,
}

/// The main part and the kind of an OOXML package, if it is one.
pub fn main_part(
    z: &mut BoundedZip<'_>,
    limits: &Limits,
) -> Result<Option<(String, Kind)>, ExtractError> {
    let rels = relationships(z, "", limits)?;
    let types = content_types(z, limits)?;
    let kind_of = |ct: &str| {
        if ct.contains("wordprocessingml") {
            Some(Kind::Word)
        } else if ct.contains("spreadsheetml") {
            Some(Kind::Excel)
        } else if ct.contains("presentationml") {
            Some(Kind::PowerPoint)
        } else {
            None
        }
    };
    for r in rels.iter().filter(|r| r.kind == "officeDocument") {
        let exists = z.names().iter().any(|n| n.eq_ignore_ascii_case(&r.target));
        if !exists {
            continue;
        }
        let ct = types
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case(&r.target))
            .map(|(_, c)| c.as_str());
        let kind = ct.and_then(kind_of).or_else(|| {
            let t = r.target.to_ascii_lowercase();
            if t.starts_with("xl/") {
                Some(Kind::Excel)
            } else if t.starts_with("ppt/") {
                Some(Kind::PowerPoint)
            } else {
                Some(Kind::Word)
            }
        });
        if let Some(k) = kind {
            return Ok(Some((r.target.clone(), k)));
        }
    }
    // No usable package relationship: the main part by content type, then by name.
    for (p, ct) in &types {
        if ct.contains(".main+xml")
            && let Some(k) = kind_of(ct)
        {
            return Ok(Some((p.clone(), k)));
        }
    }
    for (n, k) in [
        ("word/document.xml", Kind::Word),
        ("xl/workbook.xml", Kind::Excel),
        ("ppt/presentation.xml", Kind::PowerPoint),
    ] {
        if z.names().iter().any(|x| x == n) {
            return Ok(Some((n.to_owned(), k)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_the_source_folder_and_percent_decode() {
        assert_eq!(resolve("word", "header1.xml"), "word/header1.xml");
        assert_eq!(resolve("word", "../phan/dau.xml"), "phan/dau.xml");
        assert_eq!(resolve("word", "/x/y.xml"), "x/y.xml");
        assert_eq!(resolve("", "./noi%20dung/a.xml"), "noi dung/a.xml");
        // A broken escape is kept as written; a multi-byte character is not split.
        assert_eq!(resolve("", "a%2.xml"), "a%2.xml");
        assert_eq!(resolve("", "%Ậ.xml"), "%Ậ.xml");
        assert_eq!(
            rels_name("word/document.xml"),
            "word/_rels/document.xml.rels"
        );
        assert_eq!(rels_name(""), "_rels/.rels");
    }

    #[test]
    fn parts_already_canonical_are_read_as_they_are_and_others_rewritten() {
        let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
        let ep = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties";
        let canonical = |x: &str| already_canonical(x.as_bytes());
        // As Word writes it: canonical prefixes, and unknown namespaces under other prefixes.
        assert!(canonical(&format!(
            r#"<w:document xmlns:w="{w}" xmlns:w14='urn:w14' xmlns:mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"><w:t>MẬT</w:t></w:document>"#
        )));
        assert!(canonical(&format!(
            r#"<Properties xmlns="{ep}"><Company>x</Company></Properties>"#
        )));
        assert!(canonical("<a><b>no namespace at all</b></a>"));
        for x in [
            // The default namespace bound to WordprocessingML: `<t>` is `w:t`.
            format!(r#"<document xmlns="{w}"><t>MẬT</t></document>"#),
            // WordprocessingML under another prefix, or `w` bound elsewhere.
            format!(r#"<q:document xmlns:q="{w}"><q:t>MẬT</q:t></q:document>"#),
            r#"<w:document xmlns:w="urn:other"><w:t>x</w:t></w:document>"#.to_owned(),
            // A reference that may spell the namespace, an unknown default namespace, a
            // malformed or an empty prefix, and the bytes in text.
            format!(
                r#"<q:d xmlns:q="{}&#110;"><q:t>x</q:t></q:d>"#,
                &w[..w.len() - 1]
            ),
            r#"<d xmlns="urn:x"><t>x</t></d>"#.to_owned(),
            format!(r#"<w:d xmlns:="{ep}"/>"#),
            r#"<w:d xmlnsfoo="x"/>"#.to_owned(),
            r#"<w:d><w:t>the xmlns attribute</w:t></w:d>"#.to_owned(),
            format!(r#"<w:d xmlns:ns-other="{}"/>"#, "urn:x"),
        ] {
            assert!(!canonical(&x), "{x}");
            // And the rewrite is what the walkers get.
            let out = canonical_xml(x.as_bytes(), &Limits::default(), "t").expect("xml");
            assert!(matches!(out, std::borrow::Cow::Owned(_)), "{x}");
        }
    }

    #[test]
    fn names_are_rewritten_by_namespace_uri_not_by_prefix() {
        let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
        let xml = format!(
            r#"<?xml version="1.0"?><q:document xmlns:q="{w}" xmlns:w="urn:other"><q:p><q:r><q:t q:x='a"b'>M&#7852;T</q:t></q:r></q:p><w:t>khác</w:t></q:document>"#
        );
        let out = canonical_xml(xml.as_bytes(), &Limits::default(), "t").expect("xml");
        let out = String::from_utf8(out.into_owned()).expect("utf-8");
        assert!(
            out.contains(r#"<w:p><w:r><w:t w:x="a&quot;b">M&#7852;T</w:t></w:r></w:p>"#),
            "{out}"
        );
        // `w:` bound to another namespace is not WordprocessingML.
        assert!(out.contains("<ns-other:t>khác</ns-other:t>"), "{out}");
        assert!(!out.contains("xmlns"), "{out}");
    }
}
