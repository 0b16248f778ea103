//! Administrative document: ND30 heading, stamp, numbering, Nơi nhận, signature, page geometry,
//! first-page-different header, landscape table sections, validation.

use bmnn_docs::{DocsError, NATIONAL_MOTTO, NATIONAL_TITLE, admin_docx};

use crate::fixtures::{letter, report, tiny_report};
use crate::util::{Docx, count};

fn render(doc: &bmnn_docs::AdminDoc) -> Docx {
    let docx = Docx::open(&admin_docx(doc).expect("document renders"));
    docx.assert_well_formed();
    docx
}

#[test]
fn heading_has_agency_national_title_number_and_date() {
    let docx = render(&report());
    let doc = docx.document();
    let text = Docx::text_of(doc);
    for expected in [
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
        "SỞ TƯ PHÁP",
        NATIONAL_TITLE,
        NATIONAL_MOTTO,
        "Số: 05/BC-STP",
        "Bắc Ninh, ngày 05 tháng 3 năm 2026",
        "BÁO CÁO",
        "Công tác bảo vệ bí mật nhà nước năm 2025",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
    assert_eq!(NATIONAL_TITLE, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert_eq!(NATIONAL_MOTTO, "Độc lập - Tự do - Hạnh phúc");
    // Order: agency, national title, number, date, type.
    let pos = |s: &str| doc.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(pos("SỞ TƯ PHÁP") < pos(NATIONAL_TITLE));
    assert!(pos(NATIONAL_TITLE) < pos("Số: 05/BC-STP"));
    assert!(pos("Số: 05/BC-STP") < pos("Bắc Ninh, ngày"));
    assert!(pos("Bắc Ninh, ngày") < pos("BÁO CÁO"));
    // The date line is italic: its run properties carry <w:i/>.
    let run = &doc[..pos("Bắc Ninh, ngày")];
    let rpr = &run[run.rfind("<w:rPr>").unwrap()..];
    assert!(rpr.contains("<w:i/>"), "{rpr}");
}

#[test]
fn level_stamp_is_red_bold_boxed_under_the_number() {
    let docx = render(&report());
    let doc = docx.document();
    let number = doc.find("Số: 05/BC-STP").unwrap();
    let stamp = doc.find(">MẬT<").expect("stamp text in capitals");
    assert!(number < stamp);
    let para = &doc[doc[..stamp].rfind("<w:p>").unwrap()..stamp];
    for side in ["top", "left", "bottom", "right"] {
        assert!(
            para.contains(&format!(
                r#"<w:{side} w:val="single" w:sz="12" w:space="2" w:color="FF0000"/>"#
            )),
            "{side} border in {para}"
        );
    }
    assert!(para.contains(r#"<w:color w:val="FF0000"/>"#));
    assert!(para.contains("<w:b/>"));
    // No stamp when the model has none.
    assert!(!render(&letter()).document().contains("FF0000"));
}

#[test]
fn body_is_numbered_justified_and_indented() {
    let docx = render(&report());
    let doc = docx.document();
    let text = Docx::text_of(doc);
    for heading in [
        "I. TÌNH HÌNH CHUNG",
        "1. Công tác ban hành văn bản",
        "a) Văn bản chỉ đạo",
        "b) Đào tạo, bồi dưỡng",
        "II. KẾT QUẢ THỐNG KÊ",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026",
    ] {
        assert!(text.contains(heading), "{heading}");
    }
    assert!(
        count(
            doc,
            r#"<w:ind w:left="0" w:right="0" w:firstLine="567"/><w:jc w:val="both"/>"#
        ) >= 10
    );
    // The portrait table fills the 165 mm text width.
    assert!(doc.contains(r#"<w:tblW w:w="9355" w:type="dxa"/>"#));
    assert!(text.contains("Bảng 1. Số lượng tài liệu bí mật nhà nước"));
    assert!(text.contains("Tuyệt mật"));
}

#[test]
fn recipients_and_signature_block() {
    let docx = render(&report());
    let doc = docx.document();
    let text = Docx::text_of(doc);
    let expected =
        "Nơi nhận:\n- Bộ Công an (A03);\n- UBND tỉnh;\n- Công an tỉnh (PA03);\n- Lưu: VT, VP.\n";
    assert!(text.contains(expected), "{text}");
    let at = doc.find("Nơi nhận:").unwrap();
    let rpr = &doc[doc[..at].rfind("<w:rPr>").unwrap()..at];
    assert!(
        rpr.contains("<w:b/>") && rpr.contains("<w:i/>") && rpr.contains(r#"<w:sz w:val="24"/>"#)
    );
    let at = doc.find("- Lưu: VT, VP.").unwrap();
    assert!(doc[doc[..at].rfind("<w:rPr>").unwrap()..at].contains(r#"<w:sz w:val="22"/>"#));
    assert!(
        text.contains("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nNguyễn Văn Bình\n"),
        "{text}"
    );
    // Signature comes after the recipients (same row, right cell).
    assert!(doc.find("KT. GIÁM ĐỐC").unwrap() > at);
}

#[test]
fn a4_portrait_nd30_margins_and_page_numbers_from_page_two() {
    let docx = render(&report());
    let sections = docx.sections();
    assert_eq!(sections.len(), 1);
    let s = sections[0];
    assert!(s.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#), "{s}");
    assert!(
        s.contains(
            r#"<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701" w:header="567""#
        ),
        "{s}"
    );
    assert!(s.contains("<w:titlePg/>"), "first page has its own header");
    let rel = |kind: &str| {
        let at = s.find(&format!(r#"w:type="{kind}" r:id=""#)).unwrap() + 16 + kind.len();
        s[at..at + s[at..].find('"').unwrap()].to_owned()
    };
    let first = docx.header_for(&rel("first"));
    let default = docx.header_for(&rel("default"));
    assert!(!first.contains("PAGE"), "no page number on page 1: {first}");
    assert!(default.contains(" PAGE "), "{default}");
    assert!(
        default.contains(r#"<w:jc w:val="center"/>"#),
        "centred: {default}"
    );
    assert!(
        !docx.parts.keys().any(|k| k.contains("footer")),
        "numbers are not in a footer"
    );
}

#[test]
fn official_letter_puts_the_summary_under_the_number() {
    let docx = render(&letter());
    let doc = docx.document();
    let text = Docx::text_of(doc);
    assert!(text.contains("V/v Đề nghị cung cấp danh mục bí mật nhà nước"));
    assert!(doc.find("V/v ").unwrap() > doc.find("Số: 12/STP-VP").unwrap());
    assert!(doc.find("V/v ").unwrap() < doc.find("Bắc Ninh, ngày 09 tháng 01 năm 2026").unwrap());
    assert!(text.contains("- Như trên;\n- Lưu: VT.\n"));
    assert!(text.contains("GIÁM ĐỐC\nLê Thị Ánh"));
}

#[test]
fn a_landscape_table_gets_its_own_section() {
    let docx = render(&letter());
    let sections = docx.sections();
    assert_eq!(sections.len(), 3, "portrait, landscape, portrait");
    assert!(sections[0].contains(r#"w:h="16838"/>"#) && sections[0].contains("<w:titlePg/>"));
    assert!(sections[1].contains(r#"<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>"#));
    assert!(sections[2].contains(r#"w:h="16838"/>"#));
    for later in &sections[1..] {
        assert!(
            !later.contains("titlePg"),
            "numbers continue on later sections"
        );
        assert!(later.contains(r#"w:type="default""#));
    }
    // The landscape table spans the landscape text width.
    assert!(
        docx.document()
            .contains(r#"<w:tblW w:w="14287" w:type="dxa"/>"#)
    );
    let doc = docx.document();
    let table_at = doc
        .find("Danh mục bí mật nhà nước lĩnh vực tư pháp")
        .unwrap();
    assert!(doc.find("w:orient=\"landscape\"").unwrap() > table_at);
    assert!(doc.find("Trân trọng đề nghị.").unwrap() > doc.find("w:orient=\"landscape\"").unwrap());
}

#[test]
fn missing_fields_and_bad_tables_are_typed_errors() {
    let mut d = tiny_report();
    d.agency = String::new();
    assert!(matches!(
        admin_docx(&d),
        Err(DocsError::MissingField("agency"))
    ));
    let mut d = tiny_report();
    d.signer.name = " ".to_owned();
    assert!(matches!(
        admin_docx(&d),
        Err(DocsError::MissingField("signer.name"))
    ));
    let mut d = letter();
    if let bmnn_docs::Block::Table(t) = &mut d.body[2] {
        t.rows[0].pop();
    }
    let err = admin_docx(&d).unwrap_err();
    assert!(
        matches!(
            err,
            DocsError::RowWidth {
                expected: 10,
                found: 9,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "row 0 of the document table has 9 cells, expected 10"
    );
}

#[test]
fn no_part_names_the_software() {
    for doc in [report(), letter(), tiny_report()] {
        let docx = render(&doc);
        for (name, xml) in &docx.parts {
            // "BMNN" (bí mật nhà nước) is the domain's abbreviation; "bmnn" the software.
            assert!(!xml.contains("bmnn"), "{name} names the software: {xml}");
        }
    }
}

#[test]
fn snapshot_of_a_tiny_report() {
    let docx = render(&tiny_report());
    insta::assert_snapshot!("tiny_report_document", docx.document());
}
