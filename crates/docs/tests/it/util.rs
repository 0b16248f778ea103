//! Test helpers: open a produced `.docx` as its XML parts, check well-formedness, and drive
//! LibreOffice and poppler when they are installed.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use quick_xml::Reader;
use quick_xml::events::Event;

/// The text parts of a DOCX, by part name.
pub struct Docx {
    pub parts: BTreeMap<String, String>,
}

impl Docx {
    /// Unzip `bytes`; panics if it is not a zip of UTF-8 parts.
    pub fn open(bytes: &[u8]) -> Docx {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
        let mut parts = BTreeMap::new();
        for i in 0..zip.len() {
            let mut file = zip.by_index(i).expect("a zip entry");
            let name = file.name().expect("a UTF-8 entry name").into_owned();
            let mut text = String::new();
            file.read_to_string(&mut text).expect("a UTF-8 part");
            parts.insert(name, text);
        }
        Docx { parts }
    }

    pub fn part(&self, name: &str) -> &str {
        self.parts
            .get(name)
            .unwrap_or_else(|| panic!("part {name} missing; have {:?}", self.parts.keys()))
    }

    pub fn document(&self) -> &str {
        self.part("word/document.xml")
    }

    /// All `<w:sectPr>…</w:sectPr>` elements of the body, in order.
    pub fn sections(&self) -> Vec<&str> {
        let doc = self.document();
        let mut out = Vec::new();
        let mut rest = doc;
        while let Some(start) = rest.find("<w:sectPr>") {
            let end = rest[start..].find("</w:sectPr>").expect("closed sectPr") + start;
            out.push(&rest[start..end + "</w:sectPr>".len()]);
            rest = &rest[end..];
        }
        out
    }

    /// The header part a relationship id points to, e.g. `word/header2.xml`.
    pub fn header_for(&self, rel_id: &str) -> &str {
        let rels = self.part("word/_rels/document.xml.rels");
        let at = rels
            .find(&format!("Id=\"{rel_id}\""))
            .unwrap_or_else(|| panic!("no relationship {rel_id}"));
        let target = &rels[at..];
        let t = target.find("Target=\"").unwrap() + "Target=\"".len();
        let name = &target[t..t + target[t..].find('"').unwrap()];
        self.part(&format!("word/{name}"))
    }

    /// Every part parses as XML with matching tags and well-formed attributes.
    pub fn assert_well_formed(&self) {
        for (name, xml) in &self.parts {
            let mut reader = Reader::from_str(xml);
            loop {
                match reader.read_event() {
                    Ok(Event::Eof) => break,
                    Ok(Event::Start(e) | Event::Empty(e)) => {
                        for attr in e.attributes() {
                            attr.unwrap_or_else(|err| panic!("{name}: bad attribute: {err}"));
                        }
                    }
                    Ok(_) => {}
                    Err(err) => panic!(
                        "{name} is not well-formed at {}: {err}",
                        reader.buffer_position()
                    ),
                }
            }
        }
    }

    /// The concatenated `<w:t>` text of a part, to check content independent of run splitting.
    pub fn text_of(xml: &str) -> String {
        let mut reader = Reader::from_str(xml);
        let mut in_t = false;
        let mut out = String::new();
        loop {
            match reader.read_event().expect("well-formed") {
                Event::Eof => break,
                Event::Start(e) if e.name().as_ref() == "w:t" => in_t = true,
                Event::End(e) if e.name().as_ref() == "w:t" => in_t = false,
                Event::End(e) if e.name().as_ref() == "w:p" => out.push('\n'),
                Event::Text(t) if in_t => out.push_str(&t),
                Event::GeneralRef(r) if in_t => {
                    out.push_str(match &*r {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    });
                }
                _ => {}
            }
        }
        out
    }
}

/// Number of non-overlapping occurrences of `needle` in `hay`.
pub fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// An executable found on `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// LibreOffice's `soffice` (or `libreoffice`) executable, if installed.
pub fn soffice() -> Option<PathBuf> {
    on_path("soffice").or_else(|| on_path("libreoffice"))
}

/// Convert `.docx` files to PDF with a headless LibreOffice using a fresh profile under `dir`.
/// Returns the PDF paths in the order of `docs`.
pub fn convert_to_pdf(soffice: &Path, dir: &Path, docs: &[(&str, &[u8])]) -> Vec<PathBuf> {
    let mut inputs = Vec::new();
    for (stem, bytes) in docs {
        let path = dir.join(format!("{stem}.docx"));
        std::fs::write(&path, bytes).expect("write docx");
        inputs.push(path);
    }
    let profile = dir.join("lo-profile");
    let mut cmd = if on_path("timeout").is_some() {
        // A wedged office process must not hang the test run.
        let mut c = Command::new("timeout");
        c.arg("300").arg(soffice);
        c
    } else {
        Command::new(soffice)
    };
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        profile.display()
    ))
    .args([
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
    ])
    .arg(dir)
    .args(&inputs)
    .env("HOME", dir);
    let out = cmd.output().expect("run soffice");
    assert!(
        out.status.success(),
        "soffice failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    docs.iter()
        .map(|(stem, _)| {
            let pdf = dir.join(format!("{stem}.pdf"));
            assert!(
                pdf.is_file(),
                "LibreOffice produced no {}: {}",
                pdf.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            pdf
        })
        .collect()
}

fn run_poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("run {tool}: {e}"));
    assert!(out.status.success(), "{tool} failed on {}", pdf.display());
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Text of one page (1-based) or of the whole PDF.
pub fn pdf_text(pdf: &Path, page: Option<u32>) -> String {
    match page {
        Some(p) => {
            let p = p.to_string();
            run_poppler("pdftotext", &["-f", &p, "-l", &p], pdf)
        }
        None => run_poppler("pdftotext", &[], pdf),
    }
}

/// (pages, width pt, height pt) of the first page, from `pdfinfo`.
pub fn pdf_info(pdf: &Path) -> (u32, f64, f64) {
    let info = run_poppler("pdfinfo", &[], pdf);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("pdfinfo has no {name}: {info}"))
            .trim()
            .to_owned()
    };
    let pages = field("Pages:").parse().expect("page count");
    let size = field("Page size:");
    let mut nums = size
        .split_whitespace()
        .filter_map(|w| w.parse::<f64>().ok());
    let w = nums.next().expect("width");
    let h = nums.next().expect("height");
    (pages, w, h)
}

/// Collapse all whitespace runs to single spaces (pdftotext breaks table cells across lines).
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
