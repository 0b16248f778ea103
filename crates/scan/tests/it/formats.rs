//! Formats an office uses, as LibreOffice writes them (issue 11): a Word 97–2003 `.doc` is read
//! through its piece table (a stamp in the body or the header blocks, a clean one passes), a
//! PowerPoint 97–2003 `.ppt` through its record tree; what is not read completely — random bytes, an encrypted
//! archive, an archive entry that cannot be opened — is `review`, never `pass`; a zip archive is
//! scanned entry by entry.

use bmnn_scan::{FindingKind, Verdict};

use crate::util::*;

/// Converts `bytes` (a file named `name`) with LibreOffice to `to` (`doc`, `xls`, `ppt`, …),
/// in a private profile so that parallel tests do not share one.
pub fn soffice(name: &str, bytes: &[u8], to: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join(name);
    std::fs::write(&src, bytes).expect("write");
    let out = dir.path().join("out");
    let o = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("profile").display()
        ))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(&out)
        .arg(&src)
        .output()
        .expect("LibreOffice (soffice) is installed: scripts/test installs it");
    let stem = std::path::Path::new(name)
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .to_string();
    let ext = to.split(':').next().expect("ext");
    std::fs::read(out.join(format!("{stem}.{ext}"))).unwrap_or_else(|e| {
        panic!(
            "soffice → {to}: {e}; {}",
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn stamped_docx() -> Vec<u8> {
    let mut d = DocxBuilder::body(&format!(
        "{}{}",
        p("LỊCH CÔNG TÁC TUẦN 48"),
        p("Thứ Hai: họp giao ban với các phòng chuyên môn.")
    ));
    d.header = Some(p("MẬT"));
    d.build()
}

#[test]
fn a_word_97_doc_with_a_stamp_in_the_header_or_body_blocks_and_a_clean_one_passes() {
    let doc = soffice("lich.docx", &stamped_docx(), "doc");
    assert!(doc.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]), "an OLE file");
    let v = scan("lich.doc", &doc);
    assert_blocks(&v);
    assert_eq!(v.format, "doc");
    assert!(
        v.findings
            .iter()
            .any(|f| f.evidence.as_deref() == Some("MẬT") && f.reason.contains("đầu trang")),
        "{:#?}",
        v.findings
    );
    // Through the isolated child too.
    assert_blocks(&scan_isolated("lich.doc", &doc));
    // A stamp in the body, and a clean schedule.
    let body = soffice(
        "body.docx",
        &DocxBuilder::body(&format!("{}{}", p("TỐI MẬT"), p("Kế hoạch tuần."))).build(),
        "doc",
    );
    assert_blocks(&scan("body.doc", &body));
    let clean = soffice(
        "sach.docx",
        &DocxBuilder::body(&p("Thông báo lịch nghỉ Tết Nguyên đán của cơ quan.")).build(),
        "doc",
    );
    assert_passes(&scan("sach.doc", &clean));
    // The same .doc cut short is never clean.
    let cut = &doc[..doc.len() / 2];
    assert_ne!(scan("cat.doc", cut).verdict, Verdict::Pass);
}

/// A flat OpenDocument presentation: `slide` is the slide's text box, `notes` the speaker notes,
/// `master` shapes of the master slide, `footer` the slides' footer field.
fn fodp(slide: &str, notes: &str, master: &str, footer: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:master-styles><style:master-page style:name="Default">{master}</style:master-page></office:master-styles>
<office:body><office:presentation>{footer}<draw:page draw:name="p1" draw:master-page-name="Default"{use_footer}>
<draw:frame svg:x="1cm" svg:y="1cm" svg:width="20cm" svg:height="2cm"><draw:text-box>{slide}</draw:text-box></draw:frame>
<presentation:notes><draw:frame presentation:class="notes" svg:x="1cm" svg:y="14cm" svg:width="18cm" svg:height="10cm"><draw:text-box>{notes}</draw:text-box></draw:frame></presentation:notes>
</draw:page></office:presentation></office:body></office:document>"#,
        footer = if footer.is_empty() {
            String::new()
        } else {
            format!(
                r#"<presentation:footer-decl presentation:name="ftr1">{footer}</presentation:footer-decl>"#
            )
        },
        use_footer = if footer.is_empty() {
            ""
        } else {
            r#" presentation:use-footer-name="ftr1""#
        },
    )
}

fn ppt_text(f: &[u8]) -> Vec<(bmnn_scan::Part, String)> {
    bmnn_scan::extract::extract(f, "t.ppt", &bmnn_scan::Limits::default())
        .expect("read")
        .units
        .into_iter()
        .map(|u| (u.part, u.text))
        .collect()
}

#[test]
fn powerpoint_97_slides_are_read_body_notes_and_masters() {
    // Writer cannot export slides: each .ppt is made from a flat OpenDocument presentation.
    let clean = soffice(
        "sach.fodp",
        fodp(
            "<text:p>Kế hoạch tập huấn năm 2027</text:p><text:p>Nội dung: nghiệp vụ văn thư</text:p>",
            "<text:p>Ghi chú cho người trình bày</text:p>",
            "",
            "",
        )
        .as_bytes(),
        "ppt",
    );
    assert!(clean.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]), "an OLE file");
    let units = ppt_text(&clean);
    assert!(
        units
            .iter()
            .any(|(p, t)| *p == bmnn_scan::Part::Body && t == "Kế hoạch tập huấn năm 2027"),
        "{units:?}"
    );
    assert!(
        units
            .iter()
            .any(|(p, t)| *p == bmnn_scan::Part::Note && t == "Ghi chú cho người trình bày"),
        "{units:?}"
    );
    let v = scan("sach.ppt", &clean);
    assert_passes(&v);
    assert_eq!(v.format, "ppt");
    // The master slides are read (as headers: they repeat on every slide).
    assert!(
        units
            .iter()
            .any(|(p, t)| *p == bmnn_scan::Part::Header
                && t == "Click to edit the title text format"),
        "{units:?}"
    );
    // A stamp on the slide, in the notes, in the footer field (a master's header/footer text).
    let cases = [
        (
            "trang",
            fodp(
                "<text:p>TỐI MẬT</text:p><text:p>Kế hoạch</text:p>",
                "",
                "",
                "",
            ),
        ),
        (
            "ghi-chu",
            fodp("<text:p>Kế hoạch</text:p>", "<text:p>MẬT</text:p>", "", ""),
        ),
        ("chan", fodp("<text:p>Kế hoạch</text:p>", "", "", "TỐI MẬT")),
    ];
    for (name, doc) in cases {
        let f = soffice(&format!("{name}.fodp"), doc.as_bytes(), "ppt");
        let v = scan(&format!("{name}.ppt"), &f);
        assert_eq!(
            v.verdict,
            Verdict::Block,
            "{name}: {:#?} {:?}",
            v.findings,
            ppt_text(&f)
        );
    }
    // Through the isolated child too; cut short is never clean.
    let f = soffice(
        "trang.fodp",
        fodp("<text:p>TỐI MẬT</text:p>", "", "", "").as_bytes(),
        "ppt",
    );
    assert_blocks(&scan_isolated("trang.ppt", &f));
    assert_ne!(scan("cat.ppt", &f[..f.len() / 2]).verdict, Verdict::Pass);
}

#[test]
fn legacy_tcvn3_text_is_repaired_in_a_powerpoint_97_file() {
    let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:font-face-decls><style:font-face style:name=".VnTime" svg:font-family=".VnTime"/></office:font-face-decls>
<office:automatic-styles><style:style style:name="T2" style:family="text"><style:text-properties style:font-name=".VnTime"/></style:style></office:automatic-styles>
<office:master-styles><style:master-page style:name="Default"/></office:master-styles>
<office:body><office:presentation><draw:page draw:name="p1" draw:master-page-name="Default">
<draw:frame svg:x="1cm" svg:y="1cm" svg:width="20cm" svg:height="2cm"><draw:text-box><text:p><text:span text:style-name="T2">tèi mËt</text:span></text:p></draw:text-box></draw:frame>
<draw:frame svg:x="1cm" svg:y="4cm" svg:width="20cm" svg:height="2cm"><draw:text-box><text:p><text:span text:style-name="T2">Bé tr&#173;ëng Bé C«ng an</text:span></text:p></draw:text-box></draw:frame>
</draw:page></office:presentation></office:body></office:document>"#;
    let f = soffice("cu.fodp", doc.as_bytes(), "ppt");
    let units = ppt_text(&f);
    assert!(
        units.iter().any(|(_, t)| t == "Bộ trưởng Bộ Công an"),
        "{units:?}"
    );
    assert_blocks(&scan("cu.ppt", &f));
}

#[test]
fn random_bytes_and_unknown_binaries_are_reviewed() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let random: Vec<u8> = (0..20_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    for name in ["du-lieu.bin", "du-lieu.txt", "khong-ten"] {
        let v = scan(name, &random);
        assert_eq!(v.verdict, Verdict::Review, "{name}: {:#?}", v.findings);
        assert_eq!(v.findings[0].kind, FindingKind::Unreadable);
    }
    // A gzip or 7z file is recognised and not read as text.
    assert_eq!(
        scan("a.gz", b"\x1f\x8b\x08\x00rest").verdict,
        Verdict::Review
    );
    assert_eq!(
        scan("a.7z", b"7z\xbc\xaf\x27\x1c\x00\x04rest").verdict,
        Verdict::Review
    );
    // An e-mail with a base64 attachment is not read as plain text.
    let eml = "From: a@b\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Transfer-Encoding: base64\r\n\r\nVE\u{1ed0}JIE1\u{1eac}VA==\r\n--x--\r\n";
    assert_eq!(scan("thu.eml", eml.as_bytes()).verdict, Verdict::Review);
}

#[test]
fn zip_archives_are_scanned_entry_by_entry_and_fail_closed() {
    let stamped = zip(&[
        ZipEntry::stored("ghi-chu.txt", "Ghi chú cuộc họp".as_bytes()),
        ZipEntry::stored("ho-so/lich.docx", &stamped_docx()),
    ]);
    let v = scan("ho-so.zip", &stamped);
    assert_blocks(&v);
    assert!(
        v.findings.iter().any(|f| f
            .location
            .as_ref()
            .is_some_and(|l| l.source.contains("ho-so/lich.docx"))),
        "{:#?}",
        v.findings
    );
    // An archive inside an archive.
    let nested = zip(&[ZipEntry::stored("trong.zip", &stamped)]);
    assert_blocks(&scan("ngoai.zip", &nested));
    // A clean archive passes; one entry that cannot be read makes it review.
    let clean = zip(&[ZipEntry::stored("a.txt", "Thông báo nghỉ lễ.".as_bytes())]);
    assert_passes(&scan("sach.zip", &clean));
    let partly = zip(&[
        ZipEntry::stored("a.txt", "Thông báo nghỉ lễ.".as_bytes()),
        ZipEntry::stored("b.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    ]);
    let v = scan("mot-phan.zip", &partly);
    assert_eq!(v.verdict, Verdict::Review, "{:#?}", v.findings);
    assert!(
        v.findings
            .iter()
            .any(|f| f.reason.contains("Chưa đọc được toàn bộ tệp") && f.reason.contains("b.xls"))
    );
}

/// OCR goes through pipes: symlinks planted at the old predictable names
/// (`/tmp/bmnn-ocr-<pid>-<n>.img`) are never followed, and a picture that could not be read by
/// OCR is `review`.
#[test]
fn ocr_never_writes_pictures_through_a_shared_temporary_folder() {
    let dir = tempfile::tempdir().expect("dir");
    let target = dir.path().join("victim");
    std::fs::write(&target, b"intact").expect("write");
    let mut planted = Vec::new();
    for n in 0..8 {
        for ext in ["img", "pdf"] {
            let link =
                std::env::temp_dir().join(format!("bmnn-ocr-{}-{n}.{ext}", std::process::id()));
            if std::os::unix::fs::symlink(&target, &link).is_ok() {
                planted.push(link);
            }
        }
    }
    // A 1×1 PNG: OCR has nothing to read in it.
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\x04\0\x09\xfb\x03\xfd\xe3U\xf2\x9c\0\0\0\0IEND\xaeB`\x82";
    let v = scan("anh.png", png);
    for l in &planted {
        let _ = std::fs::remove_file(l);
    }
    assert_eq!(std::fs::read(&target).expect("read"), b"intact");
    if !bmnn_scan::extract::ocr::available() {
        assert_eq!(v.verdict, Verdict::Review, "{:#?}", v.findings);
    }
}

#[test]
fn an_rtf_from_libreoffice_with_a_stamp_blocks_and_a_clean_one_passes() {
    let rtf = soffice("lich.docx", &stamped_docx(), "rtf");
    assert!(rtf.starts_with(b"{\\rtf"), "an RTF file");
    let v = scan("lich.rtf", &rtf);
    assert_blocks(&v);
    assert_eq!(v.format, "rtf");
    let clean = soffice(
        "sach.docx",
        &DocxBuilder::body(&p("Thông báo lịch nghỉ Tết Nguyên đán của cơ quan.")).build(),
        "rtf",
    );
    let v = scan("sach.rtf", &clean);
    assert_passes(&v);
    // The Vietnamese text itself came through (not a pass on an empty read).
    let x = bmnn_scan::extract::extract(&clean, "sach.rtf", &bmnn_scan::Limits::default())
        .expect("read");
    assert!(
        x.units.iter().any(|u| u.text.contains("Tết Nguyên đán")),
        "{:?}",
        x.units
    );
    // Cut short: never clean.
    assert_ne!(
        scan("cat.rtf", &clean[..clean.len() / 2]).verdict,
        Verdict::Pass
    );
}
