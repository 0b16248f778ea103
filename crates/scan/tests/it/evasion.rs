//! Files built to slip a stamp past the scanner (issue 16 point 1): each case is made here so that
//! the stamp is really present as a reader sees it (LibreOffice, a PDF viewer, a text editor), and
//! each is caught.

use bmnn_scan::Verdict;

use crate::util::*;

/// The three paddings of issue 16: trailing spaces, no-break spaces, 130+ zero-width spaces.
fn paddings() -> Vec<(&'static str, String)> {
    vec![
        ("dấu cách", " ".repeat(420)),
        ("dấu cách không ngắt", "\u{a0}".repeat(260)),
        ("ký tự độ rộng 0", "\u{200b}".repeat(140)),
        (
            "trộn lẫn",
            format!("{}\u{feff}{}", " \u{200b}".repeat(80), "\u{a0}".repeat(40)),
        ),
    ]
}

#[test]
fn a_stamp_line_padded_past_400_bytes_is_caught_in_txt_docx_and_pdf() {
    for (what, pad) in paddings() {
        let line = format!("TỐI MẬT{pad}");
        assert!(
            line.len() > 400,
            "{what}: the line is longer than the limit"
        );
        // TXT.
        let txt = format!("Kế hoạch công tác quý IV\n{line}\nNội dung kế hoạch.\n");
        assert_blocks(&scan("ke-hoach.txt", txt.as_bytes()));
        // DOCX: the padding inside the stamp's own run, and in a run of its own.
        let docx = DocxBuilder::body(&format!(
            "{}{}{}",
            p("Kế hoạch công tác quý IV"),
            para(&format!("{}{}", run("TỐI MẬT", "<w:b/>"), run(&pad, ""))),
            p("Nội dung kế hoạch.")
        ))
        .build();
        let v = scan("ke-hoach.docx", &docx);
        assert_blocks(&v);
        let docx = DocxBuilder::body(&format!("{}{}", p(&line), p("Nội dung."))).build();
        assert_blocks(&scan("ke-hoach2.docx", &docx));
        // PDF (text layer with a Unicode font).
        let pdf = pdf(&[(
            &[
                super::util::line("Kế hoạch công tác quý IV", 760),
                super::util::line(&line, 730),
                super::util::line("Nội dung kế hoạch.", 700),
            ],
            None,
        )]);
        let v = scan("ke-hoach.pdf", &pdf);
        assert_eq!(v.verdict, Verdict::Block, "{what} (PDF): {:#?}", v.findings);
    }
    // Padding before the stamp, and between its letters, too.
    let zw = "\u{200b}".repeat(70);
    let txt = format!("Báo cáo\n{zw}M{zw}Ậ{zw}T{zw}\n");
    assert!(txt.len() > 400);
    assert_blocks(&scan("bao-cao.txt", txt.as_bytes()));
}

#[test]
fn a_long_padded_sentence_mentioning_a_stamp_is_still_prose() {
    // Padding does not turn a sentence into a stamp: the form test still applies.
    let txt = format!(
        "Báo cáo nêu rõ không có trường hợp đóng dấu mật sai quy định trong năm.{}\n",
        " ".repeat(500)
    );
    assert_passes(&scan("bao-cao.txt", txt.as_bytes()));
}

// ------------------------------------------------------------------ DOCX built to hide a stamp --

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_DOC: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";
const REL_HEADER: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header";
const CT_MAIN: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
const CT_HEADER: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml";

/// A WordprocessingML paragraph with prefix `x` (bound by the caller).
fn xp(x: &str, text: &str) -> String {
    format!(
        "<{x}:p><{x}:r><{x}:t xml:space=\"preserve\">{}</{x}:t></{x}:r></{x}:p>",
        esc(text)
    )
}

/// A package: `main` at `main_path` (its header, if any, at `header_path`), plus `extra` entries.
fn package(
    main_path: &str,
    main: &str,
    header: Option<(&str, &str)>,
    extra: Vec<ZipEntry>,
) -> Vec<u8> {
    let (dir, file) = main_path.rsplit_once('/').unwrap_or(("", main_path));
    let mut overrides = format!(r#"<Override PartName="/{main_path}" ContentType="{CT_MAIN}"/>"#);
    let mut rels = String::new();
    let mut entries = vec![ZipEntry::stored(main_path, main.as_bytes())];
    if let Some((hp, hx)) = header {
        overrides.push_str(&format!(
            r#"<Override PartName="/{hp}" ContentType="{CT_HEADER}"/>"#
        ));
        // The target relative to the main part's folder.
        let depth = dir.split('/').filter(|s| !s.is_empty()).count();
        let target = format!("{}{hp}", "../".repeat(depth));
        rels.push_str(&format!(
            r#"<Relationship Id="rIdH" Type="{REL_HEADER}" Target="{target}"/>"#
        ));
        entries.push(ZipEntry::stored(hp, hx.as_bytes()));
    }
    let rels_path = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    let mut all = vec![
        ZipEntry::stored(
            "[Content_Types].xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>"#).as_bytes(),
        ),
        ZipEntry::stored(
            "_rels/.rels",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_RELS}"><Relationship Id="rId1" Type="{REL_DOC}" Target="{main_path}"/></Relationships>"#).as_bytes(),
        ),
        ZipEntry::stored(
            &rels_path,
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_RELS}">{rels}</Relationships>"#).as_bytes(),
        ),
    ];
    all.extend(entries);
    all.extend(extra);
    zip(&all)
}

/// A main part with prefix `x`, a header reference `rIdH` when `with_header`.
fn main_part(x: &str, body: &str, with_header: bool) -> String {
    let hdr = if with_header {
        format!(r#"<{x}:headerReference {x}:type="default" rel:id="rIdH"/>"#)
    } else {
        String::new()
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{x}:document xmlns:{x}="{W}" xmlns:rel="{R}"><{x}:body>{body}<{x}:sectPr>{hdr}<{x}:pgSz {x}:w="11906" {x}:h="16838"/></{x}:sectPr></{x}:body></{x}:document>"#
    )
}

/// The text LibreOffice draws for a document (through a PDF it renders): proof that a reader sees
/// the stamp the test hid.
fn rendered_text(name: &str, docx: &[u8]) -> String {
    let pdf = crate::formats::soffice(name, docx, "pdf");
    bmnn_scan::extract::extract(&pdf, "r.pdf", &bmnn_scan::Limits::default())
        .expect("rendered PDF")
        .units
        .iter()
        .map(|u| u.text.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

fn evasive_docx_cases() -> Vec<(&'static str, Vec<u8>)> {
    let body = |x: &str| {
        format!(
            "{}{}",
            xp(x, "KẾ HOẠCH BẢO VỆ"),
            xp(x, "Nội dung kế hoạch chi tiết.")
        )
    };
    let decoy = main_part("w", &xp("w", "Thông báo lịch nghỉ lễ."), false);
    vec![
        // 1. A namespace prefix other than `w:`.
        (
            "tien-to",
            package(
                "word/document.xml",
                &main_part(
                    "ns0",
                    &format!("{}{}", xp("ns0", "TỐI MẬT"), body("ns0")),
                    false,
                ),
                None,
                vec![],
            ),
        ),
        // 2. The stamp only in the fallback branch of alternate content.
        (
            "du-phong",
            package(
                "word/document.xml",
                &format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:zz="urn:bmnn-test:unknown" mc:Ignorable="zz"><w:body><mc:AlternateContent><mc:Choice Requires="zz">{}</mc:Choice><mc:Fallback>{}</mc:Fallback></mc:AlternateContent>{}<w:sectPr/></w:body></w:document>"#,
                    xp("w", "Kế hoạch"),
                    xp("w", "TỐI MẬT"),
                    body("w")
                ),
                None,
                vec![],
            ),
        ),
        // 3. The main part at another path; a clean decoy at word/document.xml.
        (
            "moi-nhu",
            package(
                "noi-dung/chinh.xml",
                &main_part("w", &format!("{}{}", xp("w", "TỐI MẬT"), body("w")), false),
                None,
                vec![ZipEntry::stored("word/document.xml", decoy.as_bytes())],
            ),
        ),
        // 4. A header outside word/header*.xml, found by relationship.
        (
            "dau-trang",
            package(
                "noi-dung/chinh.xml",
                &main_part("w", &body("w"), true),
                Some((
                    "phan/dau.xml",
                    &format!(
                        r#"<?xml version="1.0" encoding="UTF-8"?><q:hdr xmlns:q="{W}">{}</q:hdr>"#,
                        xp("q", "TỐI MẬT")
                    ),
                )),
                vec![ZipEntry::stored("word/document.xml", decoy.as_bytes())],
            ),
        ),
    ]
}

#[test]
fn docx_built_to_hide_a_stamp_is_caught_as_a_reader_sees_it() {
    for (name, docx) in evasive_docx_cases() {
        let file = format!("{name}.docx");
        // LibreOffice draws the stamp: it is really there for a reader.
        let shown = rendered_text(&file, &docx);
        assert!(
            shown.contains("TỐI MẬT"),
            "{name}: LibreOffice shows {shown:?}"
        );
        let v = scan(&file, &docx);
        assert_eq!(v.verdict, Verdict::Block, "{name}: {:#?}", v.findings);
        assert!(
            v.findings
                .iter()
                .any(|f| f.evidence.as_deref() == Some("TỐI MẬT")),
            "{name}: {:#?}",
            v.findings
        );
    }
    // A text box written twice (chosen branch and VML fallback) is still read once.
    let d = DocxBuilder::body(&textbox(&p("Ghi chú trong khung"))).build();
    let x = bmnn_scan::extract::extract(&d, "k.docx", &bmnn_scan::Limits::default()).expect("read");
    assert_eq!(
        x.units
            .iter()
            .filter(|u| u.text == "Ghi chú trong khung")
            .count(),
        1,
        "{:?}",
        x.units
    );
}

#[test]
fn a_hidden_main_part_enters_the_copy_index_with_its_text() {
    // The text an attachment contributes to the copy index is what extraction returns: the
    // main part's, not the decoy's.
    let secret = crate::copy::prose(77, 300);
    let decoy = main_part("w", &xp("w", "Thông báo lịch nghỉ lễ."), false);
    let docx = package(
        "noi-dung/chinh.xml",
        &main_part("w", &xp("w", &secret), false),
        None,
        vec![ZipEntry::stored("word/document.xml", decoy.as_bytes())],
    );
    let x =
        bmnn_scan::extract::extract(&docx, "a.docx", &bmnn_scan::Limits::default()).expect("read");
    let text: String = x
        .units
        .iter()
        .map(|u| u.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.contains(&secret), "{text}");
    let mut ix = bmnn_scan::FingerprintIndex::new(*b"test-key-0123456");
    ix.add(7, 2, "Phương án (Tối mật)".into(), &text);
    let scanner = scanner().with_index(&ix);
    let copy = format!("Trích: {secret}");
    let v = bmnn_scan::scan_bytes("ban-sao.txt", copy.as_bytes(), &scanner);
    assert_eq!(v.verdict, Verdict::Block, "{:#?}", v.findings);
    // A package whose parts yield no text at all is review, never pass.
    let empty = package(
        "noi-dung/chinh.xml",
        &main_part("w", "", false),
        None,
        vec![],
    );
    assert_eq!(scan("rong.docx", &empty).verdict, Verdict::Review);
}

/// The entries of a zip (name, bytes), in order.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    (0..a.len())
        .map(|i| {
            let mut f = a.by_index(i).expect("entry");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("read");
            (f.name().expect("name").into_owned(), data)
        })
        .collect()
}

#[test]
fn a_pptx_slide_moved_out_of_ppt_slides_under_another_prefix_is_caught() {
    let fodp = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:master-styles><style:master-page style:name="Default"/></office:master-styles>
<office:body><office:presentation><draw:page draw:name="p1" draw:master-page-name="Default">
<draw:frame svg:x="1cm" svg:y="1cm" svg:width="20cm" svg:height="2cm"><draw:text-box><text:p>TỐI MẬT</text:p></draw:text-box></draw:frame>
</draw:page></office:presentation></office:body></office:document>"#;
    let pptx = crate::formats::soffice("trinh-chieu.fodp", fodp.as_bytes(), "pptx");
    assert_blocks(&scan("goc.pptx", &pptx));
    // Move slide 1 to `ppt/an/s.xml` (its relationships along), rename the PresentationML
    // prefix, and point the presentation and the content types at the new place.
    let fix = |s: String| s.replace("slides/slide1.xml", "an/s.xml");
    let entries: Vec<ZipEntry> = unzip(&pptx)
        .into_iter()
        .map(|(name, data)| {
            let (name, data) = match name.as_str() {
                "ppt/slides/slide1.xml" => {
                    let x = String::from_utf8(data)
                        .expect("utf-8")
                        .replace("<p:", "<pp:")
                        .replace("</p:", "</pp:")
                        .replace("xmlns:p=", "xmlns:pp=");
                    ("ppt/an/s.xml".to_owned(), x.into_bytes())
                }
                "ppt/slides/_rels/slide1.xml.rels" => ("ppt/an/_rels/s.xml.rels".to_owned(), data),
                "ppt/_rels/presentation.xml.rels" | "[Content_Types].xml" => (
                    name.clone(),
                    fix(String::from_utf8(data).expect("utf-8")).into_bytes(),
                ),
                _ => (name, data),
            };
            ZipEntry::stored(&name, &data)
        })
        .collect();
    let moved = zip(&entries);
    let x = bmnn_scan::extract::extract(&moved, "an.pptx", &bmnn_scan::Limits::default())
        .expect("read");
    assert!(
        x.units
            .iter()
            .any(|u| u.text == "TỐI MẬT" && u.source == "ppt/an/s.xml"),
        "{:?}",
        x.units
    );
    assert_blocks(&scan("an.pptx", &moved));
    // LibreOffice still shows the slide: the stamp is there for a reader.
    let pdf = crate::formats::soffice("an.pptx", &moved, "pdf");
    let shown = bmnn_scan::extract::extract(&pdf, "r.pdf", &bmnn_scan::Limits::default())
        .expect("rendered");
    assert!(
        shown.units.iter().any(|u| u.text.contains("TỐI MẬT")),
        "{:?}",
        shown.units
    );
}
