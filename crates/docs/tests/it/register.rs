//! Register book: cover notes, landscape geometry, repeated header rows, running header,
//! validation, escaping, determinism.

use bmnn_docs::{DocsError, RegisterColumn, register_docx};

use crate::fixtures::{outgoing_register, tiny_register};
use crate::util::{Docx, count};

fn render() -> Docx {
    let docx = Docx::open(&register_docx(&outgoing_register()).expect("register renders"));
    docx.assert_well_formed();
    docx
}

#[test]
fn cover_carries_the_six_cover_notes() {
    let docx = render();
    let text = Docx::text_of(docx.document());
    for expected in [
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
        "SỞ TƯ PHÁP",
        "SỔ ĐĂNG KÝ BÍ MẬT NHÀ NƯỚC ĐI",
        "Năm: 2026",
        "Từ ngày 05/01/2026 đến ngày 30/06/2026",
        "Từ số 01 đến số 125",
        "Quyển số: 01",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    // The superior agency comes first and is not bold; the agency is bold.
    let doc = docx.document();
    assert!(doc.find("ỦY BAN NHÂN DÂN TỈNH BẮC NINH") < doc.find("SỞ TƯ PHÁP"));
}

#[test]
fn missing_cover_values_print_as_dotted_lines() {
    let docx = Docx::open(&register_docx(&tiny_register()).unwrap());
    let text = Docx::text_of(docx.document());
    assert!(text.contains("Từ ngày …………… đến ngày ……………"), "{text}");
    assert!(text.contains("Từ số …………… đến số ……………"), "{text}");
    assert!(text.contains("Quyển số: 02"), "{text}");
}

#[test]
fn every_page_is_a4_landscape_with_nd30_margins() {
    let docx = render();
    let sections = docx.sections();
    assert_eq!(sections.len(), 2, "cover section + table section");
    for s in &sections {
        assert!(
            s.contains(r#"<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>"#),
            "{s}"
        );
        assert!(
            s.contains(r#"w:top="1134" w:right="850" w:bottom="1134" w:left="1701""#),
            "{s}"
        );
    }
    assert_eq!(count(docx.document(), "w:orient=\"landscape\""), 2);
}

#[test]
fn table_pages_have_the_title_and_year_header_and_restart_numbering() {
    let docx = render();
    let sections = docx.sections();
    assert!(
        !sections[0].contains("headerReference"),
        "cover has no header"
    );
    let last = sections[1];
    assert!(last.contains(r#"<w:pgNumType w:start="1"/>"#));
    let rel = last
        .split("r:id=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    let header = docx.header_for(rel);
    let text = Docx::text_of(header);
    assert!(
        text.contains("SỔ ĐĂNG KÝ BÍ MẬT NHÀ NƯỚC ĐI - NĂM 2026"),
        "{text}"
    );
    assert!(text.contains("Trang"));
    assert!(header.contains(" PAGE "), "page field in the header");
}

#[test]
fn table_has_all_columns_and_two_repeated_header_rows() {
    let docx = render();
    let doc = docx.document();
    let text = Docx::text_of(doc);
    let model = outgoing_register();
    for c in &model.columns {
        assert!(text.contains(&c.title), "column {:?} missing", c.title);
    }
    for n in 1..=10 {
        assert!(text.contains(&format!("({n})")), "column number ({n})");
    }
    assert_eq!(count(doc, "<w:tblHeader/>"), 2);
    // 10 grid columns whose widths fill the landscape text width (16838 - 1701 - 850).
    let table = &doc[doc.rfind("<w:tblGrid>").unwrap()..];
    let widths: Vec<u32> = table[..table.find("</w:tblGrid>").unwrap()]
        .split("w:w=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
        .collect();
    assert_eq!(widths.len(), 10);
    assert_eq!(widths.iter().sum::<u32>(), 16838 - 1701 - 850);
    // Header rows + 5 data rows, the data rows at least 1 cm high.
    assert_eq!(
        count(doc, r#"<w:trHeight w:val="567" w:hRule="atLeast"/>"#),
        5
    );
}

#[test]
fn cell_text_keeps_diacritics_and_is_escaped() {
    let docx = render();
    let doc = docx.document();
    assert!(doc.contains("&lt;quý I&gt; &amp; quý II"));
    let text = Docx::text_of(doc);
    for cell in [
        "Kế hoạch kiểm tra công tác bảo vệ bí mật nhà nước <quý I> & quý II",
        "Tuyệt mật",
        "Phòng PA03 Công an tỉnh",
        "Đồng chí Giám đốc Công an tỉnh",
    ] {
        assert!(text.contains(cell), "{cell}");
    }
}

#[test]
fn instructions_page_is_optional() {
    let docx = render();
    let text = Docx::text_of(docx.document());
    assert!(text.contains("HƯỚNG DẪN GHI SỔ"));
    assert!(text.contains("Cột (1): ghi số thứ tự"));
    let tiny = Docx::open(&register_docx(&tiny_register()).unwrap());
    assert!(!Docx::text_of(tiny.document()).contains("HƯỚNG DẪN GHI SỔ"));
}

#[test]
fn times_new_roman_everywhere() {
    let docx = render();
    let all_four = r#"<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/>"#;
    assert!(docx.part("word/styles.xml").contains(all_four));
    let doc = docx.document();
    assert_eq!(count(doc, "<w:rFonts "), count(doc, all_four));
    assert!(count(doc, all_four) > 50);
}

#[test]
fn hostile_text_cannot_break_the_xml() {
    let mut model = tiny_register();
    model.rows = vec![vec![
        "</w:t></w:r><w:r>".to_owned(),
        "a\u{0}b\u{1b}c \"q\" 'a' ]]> \u{FFFF}\nhai dòng\tvà tab".to_owned(),
    ]];
    model.agency = "<script>&".to_owned();
    let docx = Docx::open(&register_docx(&model).unwrap());
    docx.assert_well_formed();
    let text = Docx::text_of(docx.document());
    assert!(text.contains("</w:t></w:r><w:r>"));
    assert!(text.contains("abc \"q\" 'a' ]]> "));
    assert!(text.contains("<SCRIPT>&"));
    assert!(docx.document().contains("<w:br/>"));
}

#[test]
fn invalid_tables_are_typed_errors() {
    let mut m = tiny_register();
    m.rows.push(vec!["02".to_owned()]);
    assert!(matches!(
        register_docx(&m),
        Err(DocsError::RowWidth {
            row: 1,
            expected: 2,
            found: 1,
            ..
        })
    ));

    let mut m = tiny_register();
    m.columns.clear();
    m.rows.clear();
    assert!(matches!(
        register_docx(&m),
        Err(DocsError::NoColumns { .. })
    ));

    let mut m = tiny_register();
    m.columns.push(RegisterColumn {
        title: "x".to_owned(),
        width_weight: 0,
    });
    m.rows.clear();
    assert!(matches!(
        register_docx(&m),
        Err(DocsError::ZeroWidth { index: 2, .. })
    ));

    let mut m = tiny_register();
    m.title = "  ".to_owned();
    assert!(matches!(
        register_docx(&m),
        Err(DocsError::MissingField("title"))
    ));
}

#[test]
fn output_is_deterministic() {
    let model = outgoing_register();
    assert_eq!(
        register_docx(&model).unwrap(),
        register_docx(&model).unwrap()
    );
}

#[test]
fn package_has_the_parts_word_needs() {
    let docx = render();
    let types = docx.part("[Content_Types].xml");
    for name in docx.parts.keys() {
        if name.ends_with(".xml") && name != "[Content_Types].xml" {
            assert!(
                types.contains(&format!("PartName=\"/{name}\"")),
                "{name} has no content type"
            );
        }
    }
    assert!(
        docx.part("_rels/.rels")
            .contains("Target=\"word/document.xml\"")
    );
    assert!(
        docx.part("docProps/core.xml")
            .contains("Sổ đăng ký bí mật nhà nước đi")
    );
}

#[test]
fn snapshot_of_a_tiny_register() {
    let docx = Docx::open(&register_docx(&tiny_register()).unwrap());
    insta::assert_snapshot!("tiny_register_document", docx.document());
    insta::assert_snapshot!("tiny_register_header", docx.part("word/header1.xml"));
}

#[test]
fn every_character_survives_or_is_dropped_cleanly() {
    // All of Latin-1, the Vietnamese blocks and the awkward corners, one cell per 64 code points.
    let chars: Vec<char> = (0u32..0x250)
        .chain(0x1EA0..0x1F00)
        .chain([
            0x0300, 0x0301, 0x0303, 0x0309, 0x0323, 0xFEFF, 0xFFFD, 0xFFFE, 0xFFFF, 0x1F600,
        ])
        .filter_map(char::from_u32)
        .collect();
    let mut model = tiny_register();
    model.rows = chars
        .chunks(64)
        .map(|chunk| vec![String::new(), chunk.iter().collect()])
        .collect();
    let docx = Docx::open(&register_docx(&model).unwrap());
    docx.assert_well_formed();
    let text = Docx::text_of(docx.document());
    for c in chars {
        let forbidden =
            (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}');
        if forbidden || c.is_whitespace() && c != ' ' {
            continue;
        }
        assert!(text.contains(c), "U+{:04X} lost", c as u32);
    }
}
