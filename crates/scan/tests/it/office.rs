//! Spreadsheets (`.xlsx`, `.ods`, Excel 97–2003 `.xls`), slide shows and OpenDocument files as LibreOffice writes them (issue 11 point 3):
//! a stamp in a cell, a sheet header, a slide, speaker notes, a page header or a legacy-font run
//! blocks; a clean file passes with its text read; a file cut short or encrypted is `review`.

use bmnn_scan::model::Part;
use bmnn_scan::{FileVerdict, Verdict};

use crate::formats::soffice;
use crate::util::*;

fn text_of(bytes: &[u8], name: &str) -> Vec<(Part, String)> {
    bmnn_scan::extract::extract(bytes, name, &bmnn_scan::Limits::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .units
        .into_iter()
        .map(|u| (u.part, u.text))
        .collect()
}

fn evidence_in(v: &FileVerdict, stamp: &str, part: Part) -> bool {
    v.findings.iter().any(|f| {
        f.evidence.as_deref() == Some(stamp) && f.location.as_ref().is_some_and(|l| l.part == part)
    })
}

/// A flat OpenDocument spreadsheet with a page header and one cell per text.
fn fods(header: &str, cells: &[&str]) -> Vec<u8> {
    let cells: String = cells
        .iter()
        .map(|c| {
            format!(
                "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell></table:table-row>",
                esc(c)
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles><style:page-layout style:name="pm1"/></office:automatic-styles>
<office:master-styles><style:master-page style:name="Default" style:page-layout-name="pm1"><style:header><style:region-center><text:p>{}</text:p></style:region-center></style:header><style:footer><text:p>Trang 1</text:p></style:footer></style:master-page></office:master-styles>
<office:body><office:spreadsheet><table:table table:name="Lịch">{cells}</table:table></office:spreadsheet></office:body></office:document>"#,
        esc(header)
    )
    .into_bytes()
}

/// A flat OpenDocument presentation: one slide with a text box and speaker notes.
fn fodp(slide: &str, notes: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:master-styles><style:master-page style:name="Default"/></office:master-styles>
<office:body><office:presentation><draw:page draw:name="p1" draw:master-page-name="Default">
<draw:frame svg:x="1cm" svg:y="1cm" svg:width="20cm" svg:height="2cm"><draw:text-box><text:p>KẾ HOẠCH CÔNG TÁC QUÝ IV</text:p><text:p>{}</text:p></draw:text-box></draw:frame>
<presentation:notes><draw:frame svg:x="1cm" svg:y="1cm" svg:width="20cm" svg:height="2cm"><draw:text-box><text:p>{}</text:p></draw:text-box></draw:frame></presentation:notes>
</draw:page></office:presentation></office:body></office:document>"#,
        esc(slide),
        esc(notes)
    )
    .into_bytes()
}

#[test]
fn spreadsheets_with_a_stamped_cell_or_header_block_and_clean_ones_pass() {
    let stamped_cell = fods("Phòng Hành chính", &["TỐI MẬT", "Kế hoạch"]);
    let clean = fods("Phòng Hành chính", &["Lịch trực", "Họp giao ban"]);
    for to in ["xlsx", "ods", "xls"] {
        let f = soffice("bang.fods", &stamped_cell, to);
        let name = format!("bang.{to}");
        let v = scan(&name, &f);
        assert_blocks(&v);
        assert_eq!(v.format, to);
        assert!(
            evidence_in(&v, "TỐI MẬT", Part::Body),
            "{to}: {:#?}",
            v.findings
        );
        assert_blocks(&scan_isolated(&name, &f));
        // Cut short: never clean.
        assert_ne!(
            scan(&name, &f[..f.len() / 2]).verdict,
            Verdict::Pass,
            "{to}"
        );

        let f = soffice("sach.fods", &clean, to);
        let name = format!("sach.{to}");
        assert_passes(&scan(&name, &f));
        assert!(
            text_of(&f, &name).iter().any(|(_, t)| t == "Họp giao ban"),
            "{to}: the cells were read"
        );

        // A stamp in the sheet's page header, the cells clean.
        let f = soffice(
            "dau-trang.fods",
            &fods("MẬT", &["Thứ Hai: họp giao ban."]),
            to,
        );
        let name = format!("dau-trang.{to}");
        let v = scan(&name, &f);
        assert_blocks(&v);
        assert!(
            evidence_in(&v, "MẬT", Part::Header),
            "{to}: {:#?}",
            v.findings
        );
        let f = soffice("thuong.fods", &fods("Phòng Hành chính", &["Thứ Hai."]), to);
        assert_passes(&scan(&format!("thuong.{to}"), &f));
    }
}

#[test]
fn slide_shows_with_a_stamp_on_a_slide_or_in_the_notes_block_and_clean_ones_pass() {
    for to in ["pptx", "odp"] {
        let f = soffice(
            "trinh-chieu.fodp",
            &fodp("TUYỆT MẬT", "Trình bày 10 phút."),
            to,
        );
        let name = format!("trinh-chieu.{to}");
        let v = scan(&name, &f);
        assert_blocks(&v);
        assert_eq!(v.format, to);
        assert!(
            evidence_in(&v, "TUYỆT MẬT", Part::Body),
            "{to}: {:#?}",
            v.findings
        );
        assert_blocks(&scan_isolated(&name, &f));

        let f = soffice("ghi-chu.fodp", &fodp("Nội dung chính", "MẬT"), to);
        let v = scan(&format!("ghi-chu.{to}"), &f);
        assert_blocks(&v);
        assert!(
            evidence_in(&v, "MẬT", Part::Note),
            "{to}: {:#?}",
            v.findings
        );

        let f = soffice(
            "sach.fodp",
            &fodp("Nội dung chính", "Trình bày 10 phút."),
            to,
        );
        let name = format!("sach.{to}");
        assert_passes(&scan(&name, &f));
        assert!(
            text_of(&f, &name)
                .iter()
                .any(|(p, t)| *p == Part::Note && t == "Trình bày 10 phút."),
            "{to}: the notes were read"
        );
        assert_ne!(
            scan(&name, &f[..f.len() / 2]).verdict,
            Verdict::Pass,
            "{to}"
        );
    }
}

#[test]
fn an_opendocument_text_with_a_stamp_in_its_header_blocks_and_a_clean_one_passes() {
    let mut d = DocxBuilder::body(&format!(
        "{}{}",
        p("LỊCH CÔNG TÁC TUẦN 48"),
        p("Thứ Hai: họp giao ban với các phòng chuyên môn.")
    ));
    d.header = Some(p("MẬT"));
    let odt = soffice("lich.docx", &d.build(), "odt");
    let v = scan("lich.odt", &odt);
    assert_blocks(&v);
    assert_eq!(v.format, "odt");
    assert!(evidence_in(&v, "MẬT", Part::Header), "{:#?}", v.findings);
    assert_blocks(&scan_isolated("lich.odt", &odt));
    let clean = soffice(
        "sach.docx",
        &DocxBuilder::body(&p("Thông báo lịch nghỉ Tết Nguyên đán của cơ quan.")).build(),
        "odt",
    );
    assert_passes(&scan("sach.odt", &clean));
    assert!(
        text_of(&clean, "sach.odt")
            .iter()
            .any(|(_, t)| t.contains("Tết Nguyên đán"))
    );
    assert_ne!(
        scan("cat.odt", &clean[..clean.len() / 2]).verdict,
        Verdict::Pass
    );
}

#[test]
fn legacy_tcvn3_runs_are_repaired_in_an_opendocument_text() {
    let mut d = DocxBuilder::body(&para(&run(
        "Bé tr\u{AD}ëng Bé C«ng an",
        r#"<w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/>"#,
    )));
    d.header = Some(para(&run(
        "tuyÖt mËt",
        r#"<w:rFonts w:ascii=".VnTimeH" w:hAnsi=".VnTimeH"/>"#,
    )));
    let odt = soffice("cu.docx", &d.build(), "odt");
    let v = scan("cu.odt", &odt);
    assert_blocks(&v);
    assert!(
        evidence_in(&v, "TUYỆT MẬT", Part::Header),
        "{:#?}",
        v.findings
    );
    // The body run was repaired from its font, not guessed.
    assert!(
        text_of(&odt, "cu.odt")
            .iter()
            .any(|(_, t)| t == "Bộ trưởng Bộ Công an"),
        "{:?}",
        text_of(&odt, "cu.odt")
    );
}

#[test]
fn an_encrypted_opendocument_package_is_reviewed() {
    let odt = zip(&[
        ZipEntry::stored("mimetype", b"application/vnd.oasis.opendocument.text"),
        ZipEntry::stored(
            "META-INF/manifest.xml",
            br#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum="x"/></manifest:file-entry></manifest:manifest>"#,
        ),
        ZipEntry::stored("content.xml", b"\x8f\x01\x02binary"),
    ]);
    let v = scan("khoa.odt", &odt);
    assert_eq!(v.verdict, Verdict::Review, "{:#?}", v.findings);
}

/// A flat OpenDocument text: a paragraph carrying an annotation (comment), a footnote and a page
/// footer.
fn fodt(comment: &str, note: &str, footer: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles><style:page-layout style:name="pm1"/></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"><style:footer><text:p>{}</text:p></style:footer></style:master-page></office:master-styles>
<office:body><office:text><text:p>Kế hoạch kiểm tra<office:annotation><dc:creator>Nguyễn Văn A</dc:creator><dc:date>2026-11-30T08:00:00</dc:date><text:p>{}</text:p></office:annotation> năm 2027<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>{}</text:p></text:note-body></text:note>.</text:p></office:text></office:body></office:document>"#,
        esc(footer),
        esc(comment),
        esc(note)
    )
    .into_bytes()
}

#[test]
fn opendocument_comments_footnotes_and_footers_are_read_apart_from_the_text() {
    let f = soffice(
        "a.fodt",
        &fodt("MẬT", "Theo kế hoạch năm.", "Trang 1"),
        "odt",
    );
    let v = scan("a.odt", &f);
    assert_blocks(&v);
    assert!(evidence_in(&v, "MẬT", Part::Comment), "{:#?}", v.findings);
    let f = soffice("b.fodt", &fodt("Xem lại", "TỐI MẬT", "Trang 1"), "odt");
    assert!(evidence_in(&scan("b.odt", &f), "TỐI MẬT", Part::Note));
    let f = soffice(
        "c.fodt",
        &fodt("Xem lại", "Theo kế hoạch năm.", "TUYỆT MẬT"),
        "odt",
    );
    assert!(evidence_in(&scan("c.odt", &f), "TUYỆT MẬT", Part::Footer));
    let f = soffice(
        "d.fodt",
        &fodt("Xem lại", "Theo kế hoạch năm.", "Trang 1"),
        "odt",
    );
    assert_passes(&scan("d.odt", &f));
    // The comment's author and date and the note's number are not glued to the paragraph.
    let units = text_of(&f, "d.odt");
    assert!(
        units
            .iter()
            .any(|(p, t)| *p == Part::Body && t == "Kế hoạch kiểm tra năm 2027."),
        "{units:?}"
    );
    assert!(
        units
            .iter()
            .any(|(p, t)| *p == Part::Comment && t == "Xem lại")
    );
}

#[test]
fn legacy_tcvn3_runs_are_repaired_in_slide_shows() {
    // Text in `.VnTimeH`/`.VnTime` styles; `tr&#173;ëng` holds a soft hyphen, TCVN3 `ư`.
    let fodp = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:font-face-decls><style:font-face style:name=".VnTime" svg:font-family=".VnTime"/><style:font-face style:name=".VnTimeH" svg:font-family=".VnTimeH"/></office:font-face-decls>
<office:automatic-styles><style:style style:name="T1" style:family="text"><style:text-properties style:font-name=".VnTimeH"/></style:style><style:style style:name="T2" style:family="text"><style:text-properties style:font-name=".VnTime"/></style:style></office:automatic-styles>
<office:master-styles><style:master-page style:name="Default"/></office:master-styles>
<office:body><office:presentation><draw:page draw:name="p1" draw:master-page-name="Default">
<draw:frame svg:x="1cm" svg:y="1cm" svg:width="20cm" svg:height="2cm"><draw:text-box><text:p><text:span text:style-name="T1">tuyÖt mËt</text:span></text:p></draw:text-box></draw:frame>
<draw:frame svg:x="1cm" svg:y="4cm" svg:width="20cm" svg:height="2cm"><draw:text-box><text:p><text:span text:style-name="T2">Bé tr&#173;ëng Bé C«ng an</text:span></text:p></draw:text-box></draw:frame>
</draw:page></office:presentation></office:body></office:document>"#;
    for to in ["odp", "pptx"] {
        let f = soffice("cu.fodp", fodp.as_bytes(), to);
        let name = format!("cu.{to}");
        let v = scan(&name, &f);
        assert_blocks(&v);
        assert!(
            evidence_in(&v, "TUYỆT MẬT", Part::Body),
            "{to}: {:#?}",
            v.findings
        );
        let units = text_of(&f, &name);
        assert!(
            units.iter().any(|(_, t)| t == "Bộ trưởng Bộ Công an"),
            "{to}: {units:?}"
        );
    }
}

#[test]
fn a_stamp_deleted_with_tracked_changes_in_an_opendocument_text_is_still_found() {
    let fodt = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:body><office:text><text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><office:change-info><dc:creator>Nguyễn Văn A</dc:creator><dc:date>2026-11-30T08:00:00</dc:date></office:change-info><text:p>MẬT</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:p><text:change text:change-id="ct1"/>Thông báo lịch họp.</text:p></office:text></office:body></office:document>"#;
    let f = soffice("xoa.fodt", fodt.as_bytes(), "odt");
    let x =
        bmnn_scan::extract::extract(&f, "xoa.odt", &bmnn_scan::Limits::default()).expect("read");
    assert!(
        x.units.iter().any(|u| u.text == "MẬT" && u.style.deleted),
        "{:?}",
        x.units
    );
    assert_ne!(scan("xoa.odt", &f).verdict, Verdict::Pass);
}
