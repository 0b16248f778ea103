//! scanner.md §3.3 (must flag) and §3.4 (must not flag), on real generated files.

use bmnn_scan::{Confidence, FindingKind, MarkingKind, Part, SecrecyLevel, Verdict};

use crate::util::*;

fn marking_kinds(v: &bmnn_scan::FileVerdict) -> Vec<MarkingKind> {
    v.findings.iter().filter_map(|f| f.marking).collect()
}

fn level(v: &bmnn_scan::FileVerdict) -> Option<SecrecyLevel> {
    v.level
}

/// A realistic document around a stamp line: national header, number line, stamp, body prose.
fn doc_with_stamp(stamp: &str) -> String {
    format!(
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH\nSố: 15/BC-UBND\n{stamp}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nBÁO CÁO\nTình hình triển khai nhiệm vụ quý III năm 2026 của các sở, ban, ngành.\n"
    )
}

#[test]
fn unicode_stamps_block_with_their_level() {
    for (stamp, lvl) in [
        ("TUYỆT MẬT", SecrecyLevel::TuyetMat),
        ("TỐI MẬT", SecrecyLevel::ToiMat),
        ("MẬT", SecrecyLevel::Mat),
        ("Tuyệt mật", SecrecyLevel::TuyetMat),
    ] {
        let v = verdict_of_txt(&doc_with_stamp(stamp));
        assert_blocks(&v);
        assert_eq!(level(&v), Some(lvl), "{stamp}");
        let f = &v.findings[0];
        assert_eq!(
            f.evidence.as_deref(),
            Some(stamp),
            "evidence is only the stamp"
        );
        assert!(f.reason.contains(&format!("«{stamp}»")), "{}", f.reason);
    }
}

#[test]
fn other_blocking_stamps() {
    for (stamp, kind) in [
        ("BẢN SAO SỐ: 03", MarkingKind::CopyStamp),
        ("Bản sao số 02", MarkingKind::CopyStamp),
        ("BẢN SAO BÍ MẬT NHÀ NƯỚC", MarkingKind::CopyStamp),
        ("TÀI LIỆU THU HỒI", MarkingKind::Recall),
        ("TÀI LIỆU THU HỒI sau ngày 20/12/2026", MarkingKind::Recall),
        ("THU HỒI", MarkingKind::Recall),
        (
            "CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ",
            MarkingKind::NamedRecipient,
        ),
    ] {
        let v = verdict_of_txt(&doc_with_stamp(stamp));
        assert_blocks(&v);
        assert_eq!(marking_kinds(&v), vec![kind], "{stamp}");
    }
}

#[test]
fn named_recipient_over_two_lines() {
    let v = verdict_of_txt("CHỈ NGƯỜI CÓ TÊN\nMỚI ĐƯỢC BÓC BÌ\nKính gửi: Đồng chí Chủ tịch");
    assert_blocks(&v);
    assert_eq!(marking_kinds(&v), vec![MarkingKind::NamedRecipient]);
}

#[test]
fn decomposed_and_tohop_and_mark_order() {
    for stamp in [
        "TUYE\u{302}\u{323}T MA\u{323}\u{302}T", // NFD (canonical order: dot below first)
        "TUYÊ\u{323}T MÂ\u{323}T",               // Unikey "tổ hợp"
        "TUYE\u{302}\u{323}T MA\u{302}\u{323}T", // marks in keyboard order
        "TO\u{302}\u{301}I MA\u{323}\u{302}T",   // TỐI MẬT decomposed
    ] {
        assert_blocks(&verdict_of_txt(&doc_with_stamp(stamp)));
    }
}

#[test]
fn legacy_spellings_in_untyped_text_are_found() {
    // TCVN3 (as seen without the .VnTimeH font), VNI, VIQR: scanner.md §3.3 table.
    for stamp in [
        "TUYÖT MËT",
        "TèI MËT",
        "MËT",
        "tuyÖt mËt",
        "TUYEÄT MAÄT",
        "TOÁI MAÄT",
        "MAÄT",
        "TUYE^.T MA^.T",
        "TO^'I MA^.T",
        "MA^.T",
    ] {
        let v = verdict_of_txt(&doc_with_stamp(stamp));
        assert_blocks(&v);
        assert!(
            v.findings[0].reason.contains("bảng mã cũ"),
            "{stamp}: {}",
            v.findings[0].reason
        );
    }
    for (stamp, kind) in [
        ("B¶N SAO Sè 05", MarkingKind::CopyStamp),
        ("BAÛN SAO SOÁ 05", MarkingKind::CopyStamp),
        (
            "CHØ NG¦êI Cã T£N MíI §¦îC BãC B×",
            MarkingKind::NamedRecipient,
        ),
        (
            "CHÆ NGÖÔØI COÙ TEÂN MÔÙI ÑÖÔÏC BOÙC BÌ",
            MarkingKind::NamedRecipient,
        ),
        (
            "CHI? NGU+O+`I CO' TE^N MO+'I DDU+O+.C BO'C BI`",
            MarkingKind::NamedRecipient,
        ),
        ("GI¶I MËT", MarkingKind::Declassified),
    ] {
        assert_eq!(
            marking_kinds(&verdict_of_txt(&doc_with_stamp(stamp))),
            vec![kind],
            "{stamp}"
        );
    }
}

#[test]
fn letter_spaced_and_invisible_characters() {
    for stamp in [
        "T U Y Ệ T   M Ậ T",
        "TUYỆTMẬT",
        "MẬ\u{200B}T",
        "TUY\u{AD}ỆT MẬT",
        "TỐI\u{A0}MẬT",
        "ＭẬＴ",
        "“TỐI MẬT”",
        "- MẬT -",
    ] {
        assert_blocks(&verdict_of_txt(&doc_with_stamp(stamp)));
    }
}

#[test]
fn cyrillic_homoglyphs_are_flagged_as_evasion() {
    let v = verdict_of_txt(&doc_with_stamp("МẬТ")); // Cyrillic М and Т
    assert_blocks(&v);
    assert!(
        v.findings[0].reason.contains("giả dạng"),
        "{}",
        v.findings[0].reason
    );
}

#[test]
fn diacriticless_document_stamp() {
    let v = verdict_of_txt(
        "UY BAN NHAN DAN TINH\nSo: 15/BC-UBND\nTOI MAT\nBao cao tinh hinh thuc hien nhiem vu quy III.",
    );
    assert_blocks(&v);
    assert_eq!(v.findings[0].confidence, Some(Confidence::Medium));
    assert_eq!(level(&v), Some(SecrecyLevel::ToiMat));
}

#[test]
fn e_office_level_field() {
    let v = verdict_of_txt(
        "Số ký hiệu: 15/BC-UBND\nĐộ mật: Tối mật\nĐộ khẩn: Thượng khẩn\nTrích yếu: Báo cáo quý III",
    );
    assert_blocks(&v);
    assert_eq!(level(&v), Some(SecrecyLevel::ToiMat));
    let v = verdict_of_txt("Số ký hiệu: 15/BC-UBND\nĐộ mật: Thường\nĐộ khẩn: Hỏa tốc");
    assert_passes(&v);
}

// ---------------------------------------------------------------- DOCX positives ----

#[test]
fn docx_tcvn3_vntimeh_stamp_in_header() {
    let mut d = DocxBuilder::body(&p("Báo cáo tình hình thực hiện nhiệm vụ năm 2026."));
    d.header = Some(para(&run(
        "TèI MËT",
        r#"<w:rFonts w:ascii=".VnTimeH" w:hAnsi=".VnTimeH"/><w:b/><w:color w:val="FF0000"/>"#,
    )));
    let v = scan("bao-cao.docx", &d.build());
    assert_blocks(&v);
    let f = &v.findings[0];
    assert_eq!(f.evidence.as_deref(), Some("TỐI MẬT"));
    assert_eq!(f.location.as_ref().map(|l| l.part), Some(Part::Header));
    assert!(
        f.reason
            .starts_with("Phát hiện dấu chỉ độ mật «TỐI MẬT» (độ Tối mật) ở đầu trang (header)"),
        "{}",
        f.reason
    );
    assert_eq!(f.confidence, Some(Confidence::High));
}

#[test]
fn docx_tcvn3_lower_case_codes_and_soft_hyphen_u() {
    // `ư` is U+00AD in TCVN3: it must become ư, not vanish (§3.4 negative list, last item).
    let mut d = DocxBuilder::body(&para(&run(
        "Bé tr\u{AD}ëng Bé C«ng an",
        r#"<w:rFonts w:ascii=".VnTime"/>"#,
    )));
    d.header = Some(para(&run("tuyÖt mËt", r#"<w:rFonts w:ascii=".VnTimeH"/>"#)));
    let v = scan("a.docx", &d.build());
    assert_blocks(&v);
    assert_eq!(v.findings[0].evidence.as_deref(), Some("TUYỆT MẬT"));
    let x = bmnn_scan::extract::extract(&d.build(), "a.docx", &Default::default()).unwrap();
    assert!(
        x.units.iter().any(|u| u.text == "Bộ trưởng Bộ Công an"),
        "{:?}",
        x.units
    );
}

#[test]
fn docx_vni_font_run() {
    let d = DocxBuilder::body(&format!(
        "{}{}",
        para(&run("THU HOÀI", r#"<w:rFonts w:ascii="VNI-Times"/>"#)),
        p("Thu Hoài là tên người, hoài niệm.")
    ));
    let v = scan("a.docx", &d.build());
    assert_eq!(marking_kinds(&v), vec![MarkingKind::Recall]);
}

#[test]
fn docx_stamp_split_across_runs() {
    let runs: String = ["T", "Ố", "I ", "M", "Ậ", "T"]
        .iter()
        .map(|t| run(t, "<w:b/>"))
        .collect();
    let v = scan(
        "a.docx",
        &DocxBuilder::body(&format!("{}{}", p("Số: 15/BC-UBND"), para(&runs))).build(),
    );
    assert_blocks(&v);
    assert_eq!(v.findings[0].evidence.as_deref(), Some("TỐI MẬT"));
}

#[test]
fn docx_text_box_two_lines_read_once() {
    let d = DocxBuilder::body(&format!(
        "{}{}",
        textbox(&format!("{}{}", p("TUYỆT"), p("MẬT"))),
        p("Nội dung báo cáo.")
    ));
    let bytes = d.build();
    let v = scan("a.docx", &bytes);
    assert_blocks(&v);
    assert_eq!(
        v.findings.len(),
        1,
        "the VML fallback copy must not be read: {:#?}",
        v.findings
    );
    assert_eq!(level(&v), Some(SecrecyLevel::TuyetMat));
    let x = bmnn_scan::extract::extract(&bytes, "a.docx", &Default::default()).unwrap();
    assert_eq!(x.units.iter().filter(|u| u.text == "TUYỆT").count(), 1);
}

#[test]
fn docx_vml_only_text_box() {
    let body = format!(
        r#"<w:p><w:r><w:pict><v:shape><v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"#,
        p("MẬT")
    );
    assert_blocks(&scan("a.docx", &DocxBuilder::body(&body).build()));
}

#[test]
fn docx_caps_formatting() {
    let d = DocxBuilder::body(&para(&run("tối mật", "<w:caps/>")));
    let v = scan("a.docx", &d.build());
    assert_blocks(&v);
    assert_eq!(v.findings[0].evidence.as_deref(), Some("TỐI MẬT"));
}

#[test]
fn docx_caps_through_style() {
    let mut d = DocxBuilder::body(
        r#"<w:p><w:pPr><w:pStyle w:val="Dau"/></w:pPr><w:r><w:t>mật</w:t></w:r></w:p>"#,
    );
    d.styles = Some(
        r#"<w:style w:type="paragraph" w:styleId="Dau"><w:rPr><w:caps/><w:b/></w:rPr></w:style>"#
            .into(),
    );
    let v = scan("a.docx", &d.build());
    assert_blocks(&v);
    assert_eq!(v.findings[0].evidence.as_deref(), Some("MẬT"));
}

#[test]
fn docx_mat_in_bordered_cell_under_number() {
    let table = format!(
        r#"<w:tbl><w:tr><w:tc>{}{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>"#,
        p("UBND TỈNH QUẢNG NINH"),
        p("Số: 15/BC-UBND"),
        p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    );
    let body = format!(
        "{table}<w:tbl><w:tr><w:tc>{}</w:tc></w:tr></w:tbl>{}",
        p("MẬT"),
        p("Báo cáo công tác.")
    );
    let v = scan("a.docx", &DocxBuilder::body(&body).build());
    assert_blocks(&v);
    assert_eq!(level(&v), Some(SecrecyLevel::Mat));
}

#[test]
fn docx_footer_only() {
    let mut d = DocxBuilder::body(&p("Kế hoạch công tác tháng 12."));
    d.footer = Some(p("MẬT"));
    let v = scan("a.docx", &d.build());
    assert_blocks(&v);
    assert_eq!(v.findings[0].location.as_ref().unwrap().part, Part::Footer);
    assert!(v.findings[0].reason.contains("chân trang"));
}

#[test]
fn docx_deleted_revision_only() {
    let body = format!(
        r#"<w:p><w:del w:id="1" w:author="A"><w:r><w:delText>TỐI MẬT</w:delText></w:r></w:del></w:p>{}"#,
        p("Báo cáo đã chỉnh sửa.")
    );
    let v = scan("a.docx", &DocxBuilder::body(&body).build());
    assert_blocks(&v);
    assert!(
        v.findings[0].reason.contains("đã xoá"),
        "{}",
        v.findings[0].reason
    );
}

#[test]
fn docx_metadata_only() {
    let mut d = DocxBuilder::body(&p("Kế hoạch công tác."));
    d.custom = vec![("Độ mật".into(), "Tối mật".into())];
    let v = scan("a.docx", &d.build());
    assert_blocks(&v);
    assert_eq!(
        v.findings[0].location.as_ref().unwrap().part,
        Part::Metadata
    );
    let mut d = DocxBuilder::body(&p("Kế hoạch công tác."));
    d.core_title = Some("TUYỆT MẬT".into());
    assert_blocks(&scan("a.docx", &d.build()));
}

#[test]
fn docx_entities_in_text() {
    let body = r#"<w:p><w:r><w:t>M&#7852;T</w:t></w:r></w:p><w:p><w:r><w:t>Công ty A &amp; B</w:t></w:r></w:p>"#;
    let bytes = DocxBuilder::body(body).build();
    assert_blocks(&scan("a.docx", &bytes));
    let x = bmnn_scan::extract::extract(&bytes, "a.docx", &Default::default()).unwrap();
    assert!(x.units.iter().any(|u| u.text == "Công ty A & B"));
}

#[test]
fn docx_comment_is_read() {
    let mut d = DocxBuilder::body(&p("Dự thảo."));
    d.comments = Some(p("MẬT"));
    let v = scan("a.docx", &d.build());
    assert_blocks(&v);
    assert_eq!(v.findings[0].location.as_ref().unwrap().part, Part::Comment);
}

#[test]
fn docx_images_not_read_by_ocr_are_reported() {
    // Without tesseract nothing is read; with it, this broken image cannot be read: either way the
    // file is not called clean.
    let mut d = DocxBuilder::body(&p("Báo cáo có hình con dấu."));
    d.images = 1;
    let v = scan("a.docx", &d.build());
    assert_eq!(v.verdict, Verdict::Review, "{:#?}", v.findings);
    assert!(
        v.findings
            .iter()
            .any(|f| f.kind == FindingKind::OcrUnavailable && f.reason.contains("OCR"))
    );
}

#[test]
fn docx_stamp_image_is_read_by_ocr_when_tesseract_is_installed() {
    let Some(png) = render_png(&pdf_helvetica(&["TOI MAT"])) else {
        return;
    };
    let mut d = DocxBuilder::body(&p("Báo cáo có hình con dấu."));
    d.image_bytes = Some(png);
    let v = scan("a.docx", &d.build());
    if bmnn_scan::extract::ocr::available() {
        assert_blocks(&v);
        assert_eq!(v.findings[0].location.as_ref().unwrap().part, Part::Ocr);
        assert!(
            v.findings[0].reason.contains("nhận dạng OCR"),
            "{}",
            v.findings[0].reason
        );
    } else {
        assert!(
            v.findings
                .iter()
                .any(|f| f.kind == FindingKind::OcrUnavailable)
        );
    }
}

// ---------------------------------------------------------------- HTML and PDF positives ----

#[test]
fn html_entity_uppercase_css_and_cp1258() {
    let v = scan("a.html", b"<html><body><p>S\xe1\xbb\x91: 15/BC</p><p>M&#7852;T</p><p>B\xc3\xa1o c\xc3\xa1o</p></body></html>");
    assert_blocks(&v);
    let v = scan(
        "a.html",
        "<html><body><div style=\"text-transform: uppercase\">tối mật</div></body></html>"
            .as_bytes(),
    );
    assert_blocks(&v);
    assert_eq!(v.findings[0].evidence.as_deref(), Some("TỐI MẬT"));
    // windows-1258: MẬT = 4d c2 f2 54 (Â + combining dot below), not NFC after decoding.
    let mut page = b"<html><head><meta charset=\"windows-1258\"></head><body><p>".to_vec();
    page.extend_from_slice(b"\x4d\xc2\xf2\x54</p><p>B\xe1o c\xe1o</p></body></html>");
    let v = scan("a.html", &page);
    assert_blocks(&v);
    assert_eq!(level(&v), Some(SecrecyLevel::Mat));
}

#[test]
fn html_reads_script_strings_alt_and_meta() {
    // Issue 16: a string in a script may be written into the page, so it is read.
    let v = scan("a.html", "<html><head><script>var a='TỐI MẬT';</script><style>.x{}</style></head><body><p>Tin tức</p></body></html>".as_bytes());
    assert_blocks(&v);
    let v = scan("a.html", "<html><head><script>var a='Tin';</script><style>.x{}</style></head><body><p>Tin tức</p></body></html>".as_bytes());
    assert_passes(&v);
    let v = scan(
        "a.html",
        "<html><body><img src=x.png alt=\"TỐI MẬT\"><p>Tin tức</p></body></html>".as_bytes(),
    );
    assert_blocks(&v);
    let v = scan("a.html", "<html><head><meta name=\"description\" content=\"Độ mật: Mật\"></head><body><p>Tin</p></body></html>".as_bytes());
    assert_blocks(&v);
}

#[test]
fn pdf_text_layer_stamp_and_legacy_font() {
    let v = scan(
        "a.pdf",
        &pdf(&[(
            &[
                line("Số: 15/BC-UBND", 780),
                PdfLine {
                    text: "TỐI MẬT",
                    y: 760,
                    red: true,
                    legacy_tcvn3: false,
                },
                line("Báo cáo công tác quý III.", 700),
            ],
            None,
        )]),
    );
    assert_blocks(&v);
    assert_eq!(v.findings[0].evidence.as_deref(), Some("TỐI MẬT"));
    assert_eq!(v.findings[0].location.as_ref().unwrap().page, Some(1));
    let v = scan(
        "b.pdf",
        &pdf(&[(
            &[
                PdfLine {
                    text: "TUYÖT MËT",
                    y: 760,
                    red: false,
                    legacy_tcvn3: true,
                },
                line("Nội dung.", 700),
            ],
            None,
        )]),
    );
    assert_blocks(&v);
    assert_eq!(v.findings[0].evidence.as_deref(), Some("TUYỆT MẬT"));
}

#[test]
fn pdf_stamp_annotation() {
    let v = scan(
        "a.pdf",
        &pdf(&[(&[line("Báo cáo công tác quý III.", 700)], Some("TỐI MẬT"))]),
    );
    assert_blocks(&v);
    assert_eq!(
        v.findings[0].location.as_ref().unwrap().part,
        Part::Annotation
    );
}

#[test]
fn pdf_without_text_layer_needs_manual_review() {
    let v = scan("scan.pdf", &pdf(&[(&[], None)]));
    assert_eq!(v.verdict, Verdict::Review);
    assert!(
        v.findings.iter().any(
            |f| f.kind == FindingKind::NoTextLayer && f.reason.contains("Không có lớp văn bản")
        )
    );
}

// ---------------------------------------------------------------- §3.4 negatives ----

#[test]
fn negatives_do_not_flag() {
    let cases = [
        // N1 common words with mật
        "Thông tin này là bí mật của gia đình.",
        "Cần bảo mật mật khẩu và mật mã.",
        "Mật độ dân số tăng; mật ong rừng; thân mật; mật thiết; mật thám; cơ mật; mật báo; mật lệnh; mật danh; túi mật; sỏi mật; mật mía.",
        "BẢO MẬT THÔNG TIN",
        "MẬT ĐỘ DÂN SỐ",
        // N2 same folded form
        "Mặt trận; bề mặt; mặt hàng; có mặt; mất mát; mất điện; mát mẻ; mạt sát; mắt.",
        "MẶT",
        "MẤT",
        "MÁT",
        "MẠT",
        "MẮT",
        "TỐI MẶT",
        // N4 texts about the levels
        "bí mật nhà nước độ Tuyệt mật, độ Tối mật và độ Mật",
        "Dấu chỉ độ Tuyệt mật, Tối mật, Mật: Mẫu số 02",
        "QUYẾT ĐỊNH BAN HÀNH DANH MỤC BÍ MẬT NHÀ NƯỚC ĐỘ TỐI MẬT CỦA BỘ CÔNG AN",
        "Văn thư đóng dấu “MẬT” vào bì trước khi gửi.",
        // N6 routine fields, urgency
        "Độ mật: Thường",
        "KHẨN",
        "THƯỢNG KHẨN",
        "HỎA TỐC",
        "Độ khẩn: Hỏa tốc",
        // N7 ordinary copies
        "SAO Y BẢN CHÍNH",
        "Bản sao có chứng thực",
        "Bản sao số hoá tài liệu lưu trữ",
        // N8 thu hồi in prose
        "Quyết định thu hồi đất của hộ ông A.",
        "thu hồi giấy phép",
        "THU HỒI ĐẤT",
        "thu hồi vốn",
        // N9 English/other tokens
        "FORMAT",
        "MATLAB",
        "mat",
        "Open the mat file at https://example.org/TOI/index.html",
        // N10 punctuation joins
        "Vào buổi tối, mật độ xe tăng cao.",
        "Thật tuyệt, mật ong rừng rất thơm.",
        "buổi tối, mật",
        // N12 genuine hoài
        "hoài niệm",
        "Nguyễn Thu Hoài",
    ];
    for text in cases {
        let v = verdict_of_txt(text);
        assert_eq!(
            v.verdict,
            Verdict::Pass,
            "{text:?} flagged: {:#?}",
            v.findings
        );
    }
}

#[test]
fn mat_tran_to_quoc_header_in_stamp_position_does_not_flag() {
    // N3: the agency name sits exactly where a stamp would (header, top left, bold, under Số:).
    let mut d = DocxBuilder::body(&format!(
        "{}{}{}",
        para(&run("ỦY BAN MẶT TRẬN TỔ QUỐC", "<w:b/>")),
        para(&run("VIỆT NAM TỈNH QUẢNG NINH", "<w:b/>")),
        p("Số: 15/BC-MTTQ")
    ));
    d.header = Some(para(&run(
        "ỦY BAN MẶT TRẬN TỔ QUỐC",
        r#"<w:b/><w:color w:val="FF0000"/>"#,
    )));
    let v = scan("mttq.docx", &d.build());
    assert_passes(&v);
    let v = verdict_of_txt("ỦY BAN MẶT TRẬN TỔ QUỐC\nVIỆT NAM\nSố: 15/BC-MTTQ\nMẶT TRẬN");
    assert_passes(&v);
}

#[test]
fn declassified_is_reviewed_not_blocked() {
    let v = verdict_of_txt(&doc_with_stamp("GIẢI MẬT"));
    assert_eq!(v.verdict, Verdict::Review);
    assert_eq!(marking_kinds(&v), vec![MarkingKind::Declassified]);
}

#[test]
fn legacy_vni_needs_font_or_foreign_letters() {
    // N12: `THU HOÀI` is valid Unicode Vietnamese; only a VNI font makes it THU HỒI.
    assert_passes(&verdict_of_txt("THU HOÀI"));
}

#[test]
fn docx_tracked_insertions_and_footnotes_are_read() {
    let body = format!(
        r#"<w:p><w:ins w:id="2" w:author="A"><w:r><w:t>TỐI MẬT</w:t></w:r></w:ins></w:p>{}"#,
        p("Nội dung.")
    );
    assert_blocks(&scan("a.docx", &DocxBuilder::body(&body).build()));
    let mut built = DocxBuilder::body(&p("Nội dung.")).build();
    // Add a footnotes part carrying the stamp to an otherwise clean document.
    let foot = ZipEntry::stored(
        "word/footnotes.xml",
        r#"<?xml version="1.0"?><w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:id="1"><w:p><w:r><w:t>MẬT</w:t></w:r></w:p></w:footnote></w:footnotes>"#.as_bytes(),
    );
    let x = bmnn_scan::extract::extract(&built, "a.docx", &Default::default()).unwrap();
    assert!(x.units.iter().all(|u| u.part != Part::Note));
    built = zip(&[
        ZipEntry::stored("word/document.xml", r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Nội dung.</w:t></w:r></w:p></w:body></w:document>"#.as_bytes()),
        foot,
    ]);
    let v = scan("a.docx", &built);
    assert_blocks(&v);
    assert_eq!(v.findings[0].location.as_ref().unwrap().part, Part::Note);
}

#[test]
fn scanned_pdf_with_stamp_is_never_clean() {
    let Some(png) = render_png(&pdf_helvetica(&["TOI MAT"])) else {
        return;
    };
    let v = scan("scan.pdf", &pdf_scan_of(&png));
    // Always: no text layer → manual review finding.
    assert!(
        v.findings
            .iter()
            .any(|f| f.kind == FindingKind::NoTextLayer),
        "{:#?}",
        v.findings
    );
    if bmnn_scan::extract::ocr::available() {
        // With tesseract the stamp on the scanned page is read and blocks.
        assert_blocks(&v);
        assert!(
            v.findings
                .iter()
                .any(|f| f.location.as_ref().is_some_and(|l| l.part == Part::Ocr))
        );
    } else {
        assert_eq!(v.verdict, Verdict::Review);
    }
}

#[test]
fn pdf_stamp_inside_a_form_xobject() {
    let bytes = pdf_form_stamp("TỐI MẬT");
    // Read by our walker (red fill colour kept), not only by the pdf-extract fallback.
    let x = bmnn_scan::extract::extract(&bytes, "form.pdf", &Default::default()).unwrap();
    assert!(
        x.units.iter().any(|u| u.text == "TỐI MẬT" && u.style.red),
        "{:?}",
        x.units
    );
    let v = scan("form.pdf", &bytes);
    assert_blocks(&v);
    assert_eq!(v.findings[0].evidence.as_deref(), Some("TỐI MẬT"));
}

#[test]
fn html_legacy_font_face_is_repaired() {
    let page = "<html><body><p><font face=\".VnTimeH\">TèI MËT</font></p><p style=\"font-family: VNI-Times\">Baùo caùo</p></body></html>";
    let v = scan("cu.html", page.as_bytes());
    assert_blocks(&v);
    assert_eq!(v.findings[0].evidence.as_deref(), Some("TỐI MẬT"));
    let x = bmnn_scan::extract::extract(page.as_bytes(), "cu.html", &Default::default()).unwrap();
    assert!(x.units.iter().any(|u| u.text == "Báo cáo"), "{:?}", x.units);
}

#[test]
fn nfd_stamp_in_docx_header_and_pdf() {
    let nfd = "TO\u{302}\u{301}I MA\u{323}\u{302}T";
    let mut d = DocxBuilder::body(&p("Báo cáo."));
    d.header = Some(p(nfd));
    let v = scan("nfd.docx", &d.build());
    assert_blocks(&v);
    assert_eq!(level(&v), Some(SecrecyLevel::ToiMat));
    // Evidence is the file's own text (here decomposed), limited to the stamp.
    assert_eq!(v.findings[0].evidence.as_deref(), Some(nfd));
    let v = scan(
        "nfd.pdf",
        &pdf(&[(&[line(nfd, 760), line("Báo cáo.", 700)], None)]),
    );
    assert_blocks(&v);
}
