//! PDFs built to slip a stamp past the scanner (issue 16 point 1, PDF): a form field's appearance,
//! Form XObjects nested five deep (and recursive), a stamped file attached to a clean one, and an
//! incremental update that removes the stamp from the last revision. Each file is made here with
//! lopdf; poppler (`pdftotext`, `pdfdetach`) shows that the stamp is really there for a reader,
//! and the scanner must not say `pass`.

use std::io::Write;

use bmnn_scan::{Limits, Verdict};
use lopdf::{Document, Object, ObjectId, Stream, dictionary};

use crate::util::*;

/// Text poppler extracts from `pdf` (what a reader sees on screen, in reading order).
fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf).expect("write");
    let o = std::process::Command::new("pdftotext")
        .arg(&input)
        .arg("-")
        .output()
        .expect("poppler-utils (pdftotext) is installed: scripts/test installs it");
    assert!(o.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The names of the files attached to `pdf`, as poppler lists them.
fn pdfdetach_list(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf).expect("write");
    let o = std::process::Command::new("pdfdetach")
        .arg("-list")
        .arg(&input)
        .output()
        .expect("poppler-utils (pdfdetach) is installed");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Content stream bytes drawing `text` in red with font `/F1` (the Type0 font of [`pdf`]).
fn draw(text: &str, y: i64) -> Vec<u8> {
    let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
    format!("BT 1 0 0 rg /F1 14 Tf 72 {y} Td <{hex}> Tj ET\n").into_bytes()
}

/// A clean one-page PDF (one line of text), reloaded for editing; returns the document, its page,
/// and the page's resource dictionary (which holds `/F1`).
fn clean_base() -> (Document, ObjectId, ObjectId) {
    let base = pdf(&[(&[line("Báo cáo tình hình công tác tháng 10.", 700)], None)]);
    let doc = Document::load_mem(&base).expect("reload");
    let page = *doc.get_pages().values().next().expect("page");
    let res = doc
        .get_dictionary(page)
        .and_then(|p| p.get(b"Resources"))
        .and_then(Object::as_reference)
        .expect("resources");
    (doc, page, res)
}

fn save(mut doc: Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("write pdf");
    out
}

fn page_mut(doc: &mut Document, page: ObjectId) -> &mut lopdf::Dictionary {
    doc.get_object_mut(page)
        .and_then(Object::as_dict_mut)
        .expect("page")
}

// ------------------------------------------------------------------ form field appearance -------

/// A text field whose value is empty (or clean) while its appearance stream draws the stamp.
fn widget_pdf(value: Option<&str>) -> Vec<u8> {
    let (mut doc, page, res) = clean_base();
    let ap = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 200.into(), 40.into()], "Resources" => Object::Reference(res) },
        draw("TỐI MẬT", 12),
    ));
    let mut field = dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx", "T" => Object::string_literal("ghichu"),
        "Rect" => vec![60.into(), 740.into(), 260.into(), 780.into()], "F" => 4,
        "P" => Object::Reference(page),
        "AP" => dictionary! { "N" => Object::Reference(ap) },
    };
    if let Some(v) = value {
        field.set("V", Object::string_literal(v));
    }
    let field = doc.add_object(field);
    page_mut(&mut doc, page).set("Annots", vec![Object::Reference(field)]);
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .expect("root");
    doc.get_object_mut(root)
        .and_then(Object::as_dict_mut)
        .expect("catalog")
        .set(
            "AcroForm",
            dictionary! { "Fields" => vec![Object::Reference(field)] },
        );
    save(doc)
}

#[test]
fn a_stamp_drawn_by_a_form_fields_appearance_is_caught() {
    for value in [None, Some("Da xem")] {
        let bytes = widget_pdf(value);
        assert!(
            pdftotext(&bytes).contains("TỐI MẬT"),
            "poppler shows the field's appearance"
        );
        let v = scan("bao-cao.pdf", &bytes);
        assert_eq!(v.verdict, Verdict::Block, "{value:?}: {:#?}", v.findings);
        assert!(
            v.findings
                .iter()
                .any(|f| f.reason.contains("annotation") && f.reason.contains("TỐI MẬT")),
            "{:#?}",
            v.findings
        );
    }
    // Through the isolated child as well (the path every upload takes).
    assert_eq!(
        scan_isolated("bao-cao.pdf", &widget_pdf(None)).verdict,
        Verdict::Block
    );
}

// ------------------------------------------------------------------ nested Form XObjects -------

/// A page that draws `/Fm{depth}`, which draws `/Fm{depth-1}` … down to `/Fm1`, which draws the
/// stamp. `fanout` draws of the next form per level; `cycle` makes `/Fm1` draw the top form too.
fn nested_forms(depth: usize, fanout: usize, cycle: bool) -> Vec<u8> {
    let (mut doc, page, res) = clean_base();
    let top = (doc.max_id + 1..=doc.max_id + depth as u32)
        .map(|n| (n, 0))
        .collect::<Vec<ObjectId>>();
    doc.max_id += depth as u32;
    for (i, id) in top.iter().enumerate() {
        let level = i + 1;
        let (content, xobjects) = if level == 1 {
            let mut c = draw("TỐI MẬT", 760);
            let mut xo = lopdf::Dictionary::new();
            if cycle {
                c.extend_from_slice(format!("q /Fm{depth} Do Q\n").as_bytes());
                xo.set(format!("Fm{depth}"), Object::Reference(top[depth - 1]));
            }
            (c, xo)
        } else {
            let below = format!("Fm{}", level - 1);
            let c = format!("q /{below} Do Q\n").repeat(fanout).into_bytes();
            (c, dictionary! { below => Object::Reference(top[i - 1]) })
        };
        let mut resources = doc.get_dictionary(res).expect("page resources").clone();
        resources.set("XObject", xobjects);
        doc.objects.insert(
            *id,
            Object::Stream(Stream::new(
                dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()], "Resources" => resources },
                content,
            )),
        );
    }
    let page_res = doc.add_object(dictionary! { "XObject" => dictionary! { format!("Fm{depth}") => Object::Reference(top[depth - 1]) } });
    let content = doc.add_object(Stream::new(
        dictionary! {},
        format!("q /Fm{depth} Do Q\n").into_bytes(),
    ));
    let p = page_mut(&mut doc, page);
    p.set("Resources", Object::Reference(page_res));
    p.set("Contents", Object::Reference(content));
    save(doc)
}

#[test]
fn a_stamp_in_form_xobjects_nested_five_deep_and_deeper_is_caught() {
    for depth in [5, 12] {
        let bytes = nested_forms(depth, 1, false);
        assert!(pdftotext(&bytes).contains("TỐI MẬT"), "poppler draws it");
        let v = scan("bao-cao.pdf", &bytes);
        assert_eq!(v.verdict, Verdict::Block, "{depth}: {:#?}", v.findings);
    }
}

#[test]
fn recursive_and_exponential_forms_end_and_are_not_passed() {
    // A form that draws itself (through the top form): the cycle guard reads it once.
    let v = scan("vong-lap.pdf", &nested_forms(5, 1, true));
    assert_eq!(v.verdict, Verdict::Block, "{:#?}", v.findings);
    // Thirty levels each drawing the next one twice: 2^30 draws without a budget. The file ends
    // in bounded time and is not passed (the stamp is found before the budget runs out; the rest
    // is noted as not read).
    let started = std::time::Instant::now();
    let v = scan("bom.pdf", &nested_forms(30, 2, false));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "bounded"
    );
    assert_eq!(v.verdict, Verdict::Block, "{:#?}", v.findings);
    assert!(
        v.findings
            .iter()
            .any(|f| f.reason.contains("quá nhiều đối tượng vẽ lồng nhau")),
        "{:#?}",
        v.findings
    );
}

// ------------------------------------------------------------------ embedded files -------------

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("compress");
    e.finish().expect("compress")
}

/// A clean PDF carrying `files` as attachments: in the `/EmbeddedFiles` name tree, or through a
/// `/FileAttachment` annotation on the page.
fn with_attachments(files: &[(&str, Vec<u8>)], as_annotation: bool) -> Vec<u8> {
    let (mut doc, page, _) = clean_base();
    let mut names = Vec::new();
    let mut annots = Vec::new();
    for (name, data) in files {
        let ef = doc.add_object(Stream::new(
            dictionary! { "Type" => "EmbeddedFile", "Filter" => "FlateDecode" },
            zlib(data),
        ));
        let spec = doc.add_object(dictionary! {
            "Type" => "Filespec", "F" => Object::string_literal(*name), "UF" => Object::string_literal(*name),
            "EF" => dictionary! { "F" => Object::Reference(ef) },
        });
        if as_annotation {
            annots.push(Object::Reference(doc.add_object(dictionary! {
                "Type" => "Annot", "Subtype" => "FileAttachment", "Rect" => vec![500.into(), 780.into(), 520.into(), 800.into()],
                "FS" => Object::Reference(spec), "Name" => "Paperclip",
            })));
        } else {
            names.push(Object::string_literal(*name));
            names.push(Object::Reference(spec));
        }
    }
    if as_annotation {
        page_mut(&mut doc, page).set("Annots", annots);
    } else {
        let root = doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .expect("root");
        doc.get_object_mut(root)
            .and_then(Object::as_dict_mut)
            .expect("catalog")
            .set(
                "Names",
                dictionary! { "EmbeddedFiles" => dictionary! { "Names" => names } },
            );
    }
    save(doc)
}

#[test]
fn a_stamped_file_attached_to_a_clean_pdf_is_scanned_like_an_archive_member() {
    let stamped_pdf = pdf(&[(
        &[line("TỐI MẬT", 760), line("Kế hoạch tác chiến.", 700)],
        None,
    )]);
    let stamped_txt = "MẬT\nDanh sách cán bộ.\n".as_bytes().to_vec();
    for as_annotation in [false, true] {
        for (name, data) in [
            ("ke-hoach.pdf", stamped_pdf.clone()),
            ("danh-sach.txt", stamped_txt.clone()),
        ] {
            let bytes = with_attachments(&[(name, data)], as_annotation);
            assert!(
                !pdftotext(&bytes).contains("MẬT"),
                "the page itself is clean"
            );
            assert!(
                pdfdetach_list(&bytes).contains(name),
                "poppler lists the attachment"
            );
            let v = scan("bao-cao.pdf", &bytes);
            assert_eq!(
                v.verdict,
                Verdict::Block,
                "{name} ({as_annotation}): {:#?}",
                v.findings
            );
            let f = v
                .findings
                .iter()
                .find(|f| f.severity == bmnn_scan::Severity::Block)
                .expect("a blocking finding");
            assert!(
                f.location
                    .as_ref()
                    .is_some_and(|l| l.source.starts_with(name)),
                "the finding names the attachment: {f:#?}"
            );
        }
    }
    // A clean attachment on a clean page passes.
    let clean = with_attachments(&[("ghi-chu.txt", b"Ghi chu cuoc hop.\n".to_vec())], false);
    assert_passes(&scan("bao-cao.pdf", &clean));
}

#[test]
fn an_attachment_bomb_stops_at_the_limits_and_is_not_passed() {
    // 4 MB of zeros (a few kilobytes compressed) against a 1 MB per-file limit.
    let bytes = with_attachments(&[("so-lieu.txt", vec![0u8; 4 << 20])], false);
    let limits = Limits {
        max_entry_size: 1 << 20,
        ..Limits::default()
    };
    let x = bmnn_scan::extract::extract(&bytes, "bao-cao.pdf", &limits).expect("read");
    let v = bmnn_scan::scan_extracted("bao-cao.pdf", &x, &scanner());
    assert_eq!(v.verdict, Verdict::Review, "{:#?}", v.findings);
    assert!(
        v.findings
            .iter()
            .any(|f| f.reason.contains("so-lieu.txt") && f.reason.contains("nghi tệp nén bom")),
        "{:#?}",
        v.findings
    );
    // An attached PDF attaching a PDF attaching … stops at the nesting depth, as archives do.
    let mut inner = pdf(&[(&[line("MẬT", 760)], None)]);
    for i in 0..5 {
        inner = with_attachments(&[(&format!("lop-{i}.pdf"), inner)], false);
    }
    let v = scan("bao-cao.pdf", &inner);
    assert_ne!(v.verdict, Verdict::Pass, "{:#?}", v.findings);
    assert!(
        v.findings.iter().any(|f| f.reason.contains("lồng nhau")),
        "{:#?}",
        v.findings
    );
}

// ------------------------------------------------------------------ incremental updates --------

/// The offset after the last `startxref` of `pdf`.
fn startxref(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let at = text.rfind("startxref").expect("startxref");
    text[at + 9..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("offset")
}

/// `base` updated incrementally (appended, as editors and signers do): the page's content is
/// replaced by `new_lines` (text drawn black with `/F1`).
fn incremental_update(base: &[u8], new_lines: &[(&str, i64)]) -> Vec<u8> {
    let doc = Document::load_mem(base).expect("reload");
    let page = *doc.get_pages().values().next().expect("page");
    let p = doc.get_dictionary(page).expect("page dict");
    let r = |k: &[u8]| {
        p.get(k)
            .and_then(Object::as_reference)
            .expect("reference")
            .0
    };
    let (parent, resources) = (r(b"Parent"), r(b"Resources"));
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .expect("root")
        .0;
    let content_id = doc.max_id + 1;
    let mut stream = Vec::new();
    for (text, y) in new_lines {
        let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
        stream.extend_from_slice(
            format!("BT 0 0 0 rg /F1 12 Tf 72 {y} Td <{hex}> Tj ET\n").as_bytes(),
        );
    }
    let mut out = base.to_vec();
    out.push(b'\n');
    let content_at = out.len();
    out.extend_from_slice(
        format!(
            "{content_id} 0 obj\n<< /Length {} >>\nstream\n",
            stream.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&stream);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    let page_at = out.len();
    out.extend_from_slice(format!(
        "{} 0 obj\n<< /Type /Page /Parent {parent} 0 R /MediaBox [0 0 595 842] /Contents {content_id} 0 R /Resources {resources} 0 R >>\nendobj\n",
        page.0
    ).as_bytes());
    let xref_at = out.len();
    out.extend_from_slice(
        format!(
            "xref\n0 1\n0000000000 65535 f \n{} 1\n{page_at:010} 00000 n \n{content_id} 1\n{content_at:010} 00000 n \ntrailer\n<< /Size {} /Root {root} 0 R /Prev {} >>\nstartxref\n{xref_at}\n%%EOF\n",
            page.0,
            content_id + 1,
            startxref(base)
        )
        .as_bytes(),
    );
    out
}

#[test]
fn a_stamp_removed_by_an_incremental_update_is_still_checked() {
    let base = pdf(&[(
        &[
            PdfLine {
                text: "TỐI MẬT",
                y: 760,
                red: true,
                legacy_tcvn3: false,
            },
            line("Báo cáo tình hình công tác tháng 10.", 700),
        ],
        None,
    )]);
    let updated = incremental_update(&base, &[("Báo cáo tình hình công tác tháng 10.", 700)]);
    // The last revision no longer shows the stamp; the earlier one, still in the file, does.
    assert!(!pdftotext(&updated).contains("MẬT"));
    assert!(pdftotext(&updated[..base.len()]).contains("TỐI MẬT"));
    let v = scan("bao-cao.pdf", &updated);
    assert_eq!(v.verdict, Verdict::Block, "{:#?}", v.findings);
    assert!(
        v.findings
            .iter()
            .any(|f| f.reason.contains("bản sửa trước") && f.reason.contains("TỐI MẬT")),
        "{:#?}",
        v.findings
    );
    assert_eq!(
        scan_isolated("bao-cao.pdf", &updated).verdict,
        Verdict::Block
    );
    // Two updates: the stamp two revisions back is found as well.
    let twice = incremental_update(&updated, &[("Báo cáo đã sửa.", 700)]);
    assert_eq!(scan("bao-cao.pdf", &twice).verdict, Verdict::Block);
}

#[test]
fn an_incremental_update_of_a_clean_file_passes() {
    let base = pdf(&[(&[line("Báo cáo tình hình công tác tháng 10.", 700)], None)]);
    let updated = incremental_update(
        &base,
        &[("Báo cáo tình hình công tác tháng 10 (bản sửa).", 700)],
    );
    let v = scan("bao-cao.pdf", &updated);
    assert_passes(&v);
}

// ------------------------------------------------------------------ orphan objects ---------

/// `base` with a content stream drawing `text` in red with `/F1` inserted before its
/// cross-reference table, listed by no cross-reference section (an orphan object).
fn with_orphan(base: &[u8], text: &str) -> Vec<u8> {
    let at = startxref(base);
    let stream = draw(text, 760);
    let mut obj = format!("\n900 0 obj\n<< /Length {} >>\nstream\n", stream.len()).into_bytes();
    obj.extend_from_slice(&stream);
    obj.extend_from_slice(b"\nendstream\nendobj\n");
    let mut out = base[..at].to_vec();
    out.extend_from_slice(&obj);
    let tail = String::from_utf8_lossy(&base[at..]).into_owned();
    let old = format!("startxref\n{at}\n");
    assert!(tail.contains(&old), "{tail}");
    out.extend_from_slice(
        tail.replace(&old, &format!("startxref\n{}\n", at + obj.len()))
            .as_bytes(),
    );
    out
}

#[test]
fn a_stamp_in_a_content_stream_no_revision_lists_is_caught() {
    let (mut doc, _, _) = clean_base();
    // A classic table, so that an object inserted before it moves no listed object.
    doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    let base = save(doc);
    let crafted = with_orphan(&base, "TỐI MẬT");
    // The file is valid and its reader shows only the clean line; the stamp is still in it.
    assert!(Document::load_mem(&crafted).is_ok());
    assert!(!pdftotext(&crafted).contains("MẬT"));
    let v = scan("bao-cao.pdf", &crafted);
    assert_eq!(v.verdict, Verdict::Block, "{:#?}", v.findings);
    assert!(
        v.findings.iter().any(|f| f.reason.contains("TỐI MẬT")
            && f.reason.contains("không thuộc phiên bản nào")),
        "{:#?}",
        v.findings
    );
    assert_eq!(
        scan_isolated("bao-cao.pdf", &crafted).verdict,
        Verdict::Block
    );
    // A clean orphan (a leftover of an editor) reads as text and passes.
    assert_passes(&scan(
        "bao-cao.pdf",
        &with_orphan(&base, "Phụ lục kèm theo."),
    ));
}

/// Clean PDFs written by LibreOffice have no orphan objects: reading them adds nothing.
#[test]
fn real_pdfs_written_by_libreoffice_have_no_orphan_text() {
    let docx = DocxBuilder::body(&format!(
        "{}{}",
        p("KẾ HOẠCH CÔNG TÁC NĂM 2027"),
        p("Tổ chức tập huấn nghiệp vụ cho cán bộ văn thư.")
    ))
    .build();
    for (name, bytes) in [
        ("ke-hoach.docx", docx),
        (
            "ghi-chu.txt",
            "Lịch họp tuần 48.\nThứ Hai: giao ban.\n"
                .as_bytes()
                .to_vec(),
        ),
    ] {
        let pdf = crate::formats::soffice(name, &bytes, "pdf");
        let x = bmnn_scan::extract::extract(&pdf, "r.pdf", &Limits::default()).expect("pdf");
        assert!(!x.units.is_empty(), "{name}");
        assert!(
            x.units.iter().all(|u| !u.style.orphan),
            "{name}: {:#?}",
            x.units
        );
        assert!(x.notes.is_empty() || !format!("{:?}", x.notes).contains("không thuộc phiên bản"));
        assert_passes(&scan("r.pdf", &pdf));
    }
}
