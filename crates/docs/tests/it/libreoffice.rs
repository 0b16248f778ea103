//! Real rendering check: when LibreOffice is installed, convert the generated files to PDF and
//! read the text back with poppler's `pdftotext`. Without LibreOffice the test says so and
//! checks only that the files are well-formed (the XML tests above cover their content).
//!
//! Set `BMNN_DOCS_KEEP=/some/dir` to keep the DOCX and PDF files for a look.

use std::path::PathBuf;

use bmnn_docs::{Block, Inline, NATIONAL_MOTTO, NATIONAL_TITLE, admin_docx, register_docx};

use crate::fixtures::{letter, outgoing_register, report};
use crate::util::{Docx, convert_to_pdf, on_path, pdf_info, pdf_text, soffice, squash};

#[test]
fn libreoffice_renders_the_documents() {
    let register = register_docx(&outgoing_register()).unwrap();
    let mut long = outgoing_register();
    long.instructions.clear();
    long.rows = (1..=60)
        .map(|n| {
            let mut row = vec![String::new(); 10];
            row[0] = format!("{n:02}");
            row[3] = format!("Văn bản số {n} về công tác bảo vệ bí mật nhà nước");
            row
        })
        .collect();
    let long = register_docx(&long).unwrap();
    let report = admin_docx(&report()).unwrap();
    let letter = admin_docx(&letter()).unwrap();
    // A report whose sentences carry footnotes (word/footnotes.xml).
    let mut noted = crate::fixtures::report();
    noted.body.push(Block::Noted(vec![
        Inline::Text("Trong kỳ xảy ra 13 vụ lộ bí mật nhà nước".into()),
        Inline::Note("Tối mật: 04; Mật: 09.".into()),
        Inline::Text(", trong đó 10 vụ trên mạng internet".into()),
        Inline::Note("Trang thông tin điện tử Sở Nội vụ (02 vụ); Mạng xã hội (03 vụ).".into()),
        Inline::Text(".".into()),
    ]));
    let noted = admin_docx(&noted).unwrap();
    for bytes in [&register, &long, &report, &letter, &noted] {
        Docx::open(bytes).assert_well_formed();
    }
    let parts = Docx::open(&noted);
    let notes = parts.part("word/footnotes.xml");
    assert_eq!(crate::util::count(notes, "<w:footnoteRef/>"), 2);
    assert_eq!(
        crate::util::count(parts.document(), "<w:footnoteReference w:id="),
        2
    );

    let Some(soffice) = soffice() else {
        println!("LibreOffice (soffice) not on PATH: skipped the PDF conversion; XML checked only");
        return;
    };
    if on_path("pdftotext").is_none() || on_path("pdfinfo").is_none() {
        println!("poppler-utils (pdftotext, pdfinfo) not on PATH: skipped the PDF conversion");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir: PathBuf = std::env::var_os("BMNN_DOCS_KEEP")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_owned());
    std::fs::create_dir_all(&dir).unwrap();
    let pdfs = convert_to_pdf(
        &soffice,
        &dir,
        &[
            ("register", &register),
            ("report", &report),
            ("letter", &letter),
            ("long-register", &long),
            ("noted-report", &noted),
        ],
    );

    // Footnotes: LibreOffice opens the footnotes part and prints both notes.
    let all = squash(&pdf_text(&pdfs[4], None));
    for s in [
        "Trong kỳ xảy ra 13 vụ lộ bí mật nhà nước",
        "Tối mật: 04; Mật: 09.",
        "Mạng xã hội (03 vụ).",
    ] {
        assert!(all.contains(s), "footnoted report lacks {s:?}: {all}");
    }

    // Register: landscape A4, cover then table pages with the repeated header.
    let (pages, w, h) = pdf_info(&pdfs[0]);
    assert!(w > h, "register pages are landscape: {w} x {h}");
    assert!(
        (w - 841.9).abs() < 2.0 && (h - 595.3).abs() < 2.0,
        "A4: {w} x {h}"
    );
    assert!(pages >= 3, "cover, instructions, table: {pages} pages");
    let cover = squash(&pdf_text(&pdfs[0], Some(1)));
    for s in [
        "SỔ ĐĂNG KÝ BÍ MẬT NHÀ NƯỚC ĐI",
        "SỞ TƯ PHÁP",
        "Năm: 2026",
        "Quyển số: 01",
    ] {
        assert!(cover.contains(s), "register cover lacks {s:?}: {cover}");
    }
    let table = squash(&pdf_text(&pdfs[0], Some(3)));
    for s in [
        "SỔ ĐĂNG KÝ BÍ MẬT NHÀ NƯỚC ĐI - NĂM 2026",
        "Trang 1",
        "Đơn vị lưu",
        "01/BC-STP",
        "Đồng chí Giám đốc Công an tỉnh",
        "Trả lại sau khi xem",
    ] {
        assert!(
            table.contains(s),
            "register table page lacks {s:?}: {table}"
        );
    }

    // A long register: the column headings repeat on every table page and the pages count on.
    let (pages, _, _) = pdf_info(&pdfs[3]);
    assert!(pages >= 3, "cover + at least two table pages: {pages}");
    let last = squash(&pdf_text(&pdfs[3], Some(pages)));
    let expected = format!("Trang {}", pages - 1);
    for s in [
        "SỔ ĐĂNG KÝ BÍ MẬT NHÀ NƯỚC ĐI - NĂM 2026",
        &expected,
        "Đơn vị lưu",
        "(10)",
        "60",
    ] {
        assert!(last.contains(s), "last register page lacks {s:?}: {last}");
    }

    // Report: portrait A4, national header, stamp, table cell, page number only from page 2.
    let (pages, w, h) = pdf_info(&pdfs[1]);
    assert!(h > w && (w - 595.3).abs() < 2.0, "portrait A4: {w} x {h}");
    assert!(
        pages >= 2,
        "the report is long enough for two pages: {pages}"
    );
    let first = squash(&pdf_text(&pdfs[1], Some(1)));
    for s in [
        NATIONAL_TITLE,
        NATIONAL_MOTTO,
        "SỞ TƯ PHÁP",
        "Số: 05/BC-STP",
        "MẬT",
        "Bắc Ninh, ngày 05 tháng 3 năm 2026",
        "BÁO CÁO",
        "I. TÌNH HÌNH CHUNG",
    ] {
        assert!(first.contains(s), "report page 1 lacks {s:?}: {first}");
    }
    assert!(
        !first.starts_with("1 "),
        "no page number on page 1: {first}"
    );
    let second = squash(&pdf_text(&pdfs[1], Some(2)));
    assert!(
        second.starts_with("2 "),
        "page 2 starts with its number: {second}"
    );
    let all = squash(&pdf_text(&pdfs[1], None));
    for s in [
        "Tối mật",
        "112",
        "Nơi nhận:",
        "- Lưu: VT, VP.",
        "KT. GIÁM ĐỐC",
        "Nguyễn Văn Bình",
    ] {
        assert!(all.contains(s), "report lacks {s:?}");
    }

    // Letter: the landscape table section comes out landscape.
    let (pages, _, _) = pdf_info(&pdfs[2]);
    assert!(pages >= 3, "portrait, landscape, portrait: {pages} pages");
    let all = squash(&pdf_text(&pdfs[2], None));
    for s in [
        "V/v Đề nghị cung cấp danh mục",
        "Danh mục bí mật nhà nước lĩnh vực tư pháp",
        "Trân trọng đề nghị.",
    ] {
        assert!(all.contains(s), "letter lacks {s:?}: {all}");
    }
    println!("LibreOffice converted 5 documents in {}", dir.display());
}
