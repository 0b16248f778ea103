//! Archives and single compressed files (issue 11 point 3, issue 16 point 1): `.7z` (made by
//! sevenz-rust2's writer), `.tar`, `.gz`, `.tar.gz`, `.xz` are opened and scanned recursively
//! under the bomb limits; an encrypted 7z is `review`; SVG is read as text; WebP and HEIC are
//! pictures (OCR when available, else `review`).

use std::io::{Cursor, Write};

use bmnn_scan::extract::{ExtractError, Limits, extract};
use bmnn_scan::{FindingKind, Verdict};
use sevenz_rust2::encoder_options::AesEncoderOptions;
use sevenz_rust2::{ArchiveEntry, ArchiveWriter, EncoderMethod, Password};

use crate::util::*;

fn stamped_docx() -> Vec<u8> {
    let mut d = DocxBuilder::body(&format!(
        "{}{}",
        p("KẾ HOẠCH TUẦN 48"),
        p("Thứ Hai: họp giao ban.")
    ));
    d.header = Some(p("TỐI MẬT"));
    d.build()
}

fn sevenz(entries: &[(&str, &[u8])], password: Option<&str>, encrypt_header: bool) -> Vec<u8> {
    let mut w = ArchiveWriter::new(Cursor::new(Vec::new())).expect("7z writer");
    if let Some(pw) = password {
        w.set_content_methods(vec![
            AesEncoderOptions::new(Password::from(pw)).into(),
            EncoderMethod::LZMA2.into(),
        ]);
    }
    w.set_encrypt_header(encrypt_header);
    for (name, data) in entries {
        w.push_archive_entry(ArchiveEntry::new_file(name), Some(*data))
            .expect("7z entry");
    }
    w.finish().expect("7z finish").into_inner()
}

fn gz(data: &[u8], name: Option<&str>) -> Vec<u8> {
    let mut b = flate2::GzBuilder::new();
    if let Some(n) = name {
        b = b.filename(n);
    }
    let mut e = b.write(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("gz");
    e.finish().expect("gz")
}

fn xz(data: &[u8]) -> Vec<u8> {
    let mut w = lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(6))
        .expect("xz writer");
    w.write_all(data).expect("xz");
    w.finish().expect("xz")
}

fn tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).expect("tar entry");
    }
    b.into_inner().expect("tar")
}

fn source_mentions(v: &bmnn_scan::FileVerdict, what: &str) -> bool {
    v.findings
        .iter()
        .any(|f| f.location.as_ref().is_some_and(|l| l.source.contains(what)))
}

#[test]
fn a_7z_archive_is_read_entry_by_entry_and_a_clean_one_passes() {
    let docx = stamped_docx();
    let a = sevenz(
        &[
            ("ghi-chu.txt", "Ghi chú cuộc họp".as_bytes()),
            ("ho-so/lich.docx", &docx),
        ],
        None,
        false,
    );
    assert!(a.starts_with(b"7z\xbc\xaf\x27\x1c"), "a real 7z file");
    let v = scan("ho-so.7z", &a);
    assert_blocks(&v);
    assert!(source_mentions(&v, "ho-so/lich.docx"), "{:#?}", v.findings);
    // Through the isolated child too, and nested in a zip.
    assert_blocks(&scan_isolated("ho-so.7z", &a));
    assert_blocks(&scan(
        "ngoai.zip",
        &zip(&[ZipEntry::stored("trong.7z", &a)]),
    ));
    // A stamp in a plain text entry of a solid archive.
    let txt = sevenz(
        &[
            ("a.txt", "Thông báo nghỉ lễ.".as_bytes()),
            ("b.txt", "MẬT\nBáo cáo tình hình.".as_bytes()),
        ],
        None,
        false,
    );
    assert_blocks(&scan("b.7z", &txt));
    let clean = sevenz(&[("a.txt", "Thông báo nghỉ lễ.".as_bytes())], None, false);
    assert_passes(&scan("sach.7z", &clean));
}

#[test]
fn an_encrypted_7z_is_reviewed_with_the_reason() {
    let docx = stamped_docx();
    for encrypt_header in [false, true] {
        let a = sevenz(
            &[("lich.docx", &docx)],
            Some("mat-khau-123"),
            encrypt_header,
        );
        let v = scan("ma-hoa.7z", &a);
        assert_eq!(v.verdict, Verdict::Review, "{:#?}", v.findings);
        assert!(
            v.findings.iter().any(|f| f.reason.contains("mã hoá")),
            "{:#?}",
            v.findings
        );
    }
    // Cut short: never clean.
    let a = sevenz(&[("a.txt", "Thông báo nghỉ lễ.".as_bytes())], None, false);
    assert_ne!(scan("cat.7z", &a[..a.len() - 20]).verdict, Verdict::Pass);
}

#[test]
fn gzip_xz_tar_and_tar_gz_are_opened_and_scanned() {
    let stamped_txt = "TỐI MẬT\nKế hoạch bảo vệ mục tiêu.\n".as_bytes();
    // A single compressed text file, with and without the name in the header.
    assert_blocks(&scan("ke-hoach.txt.gz", &gz(stamped_txt, None)));
    assert_blocks(&scan("ke-hoach.gz", &gz(stamped_txt, Some("ke-hoach.txt"))));
    assert_blocks(&scan("ke-hoach.txt.xz", &xz(stamped_txt)));
    // A compressed DOCX keeps its format.
    let v = scan("lich.docx.gz", &gz(&stamped_docx(), None));
    assert_blocks(&v);
    assert!(v.format.contains("docx"), "{}", v.format);
    // tar, tar.gz, tgz, tar.xz.
    let docx = stamped_docx();
    let t = tar(&[
        ("ho-so/ghi-chu.txt", "Ghi chú".as_bytes()),
        ("ho-so/lich.docx", &docx),
    ]);
    let v = scan("ho-so.tar", &t);
    assert_blocks(&v);
    assert!(source_mentions(&v, "ho-so/lich.docx"), "{:#?}", v.findings);
    assert_blocks(&scan("ho-so.tar.gz", &gz(&t, None)));
    assert_blocks(&scan("ho-so.tgz", &gz(&t, None)));
    assert_blocks(&scan("ho-so.tar.xz", &xz(&t)));
    assert_blocks(&scan_isolated("ho-so.tar.gz", &gz(&t, None)));
    // Clean ones pass.
    let clean = "Thông báo lịch nghỉ Tết.\n".as_bytes();
    assert_passes(&scan("tb.txt.gz", &gz(clean, None)));
    assert_passes(&scan("tb.tar", &tar(&[("tb.txt", clean)])));
    // Cut short: never clean.
    let g = gz(clean, None);
    assert_ne!(scan("cat.gz", &g[..g.len() - 6]).verdict, Verdict::Pass);
    let x = xz(clean);
    assert_ne!(scan("cat.xz", &x[..x.len() - 6]).verdict, Verdict::Pass);
}

#[test]
fn compressed_bombs_hit_the_limits_and_are_reviewed() {
    let zeros = vec![0u8; 4 << 20];
    let small = Limits {
        max_entry_size: 1 << 20,
        max_total_size: 2 << 20,
        ..Limits::default()
    };
    for (name, bytes) in [
        ("bom.gz", gz(&zeros, None)),
        ("bom.xz", xz(&zeros)),
        ("bom.7z", sevenz(&[("a.bin", &zeros)], None, false)),
        ("bom.tar", tar(&[("a.bin", &zeros)])),
    ] {
        assert!(
            matches!(extract(&bytes, name, &small), Err(ExtractError::Limit(_))),
            "{name}"
        );
    }
    // The total over several entries counts too.
    let mb = vec![b'a'; 900 << 10];
    let many = sevenz(
        &[("a.txt", &mb), ("b.txt", &mb), ("c.txt", &mb)],
        None,
        false,
    );
    assert!(matches!(
        extract(&many, "nhieu.7z", &small),
        Err(ExtractError::Limit(_))
    ));
    // Nesting deeper than the limit is not followed.
    let mut deep = gz(b"MAT", None);
    for _ in 0..5 {
        deep = gz(&deep, None);
    }
    assert_ne!(scan("sau.gz", &deep).verdict, Verdict::Pass);
}

#[test]
fn svg_text_is_read_and_webp_heic_are_pictures() {
    let svg = r#"<?xml version="1.0" encoding="UTF-8"?>
<s:svg xmlns:s="http://www.w3.org/2000/svg" width="400" height="200">
  <s:title>Sơ đồ bố trí</s:title>
  <s:rect x="10" y="10" width="200" height="60" fill="none" stroke="red"/>
  <s:text x="20" y="50" fill="red" font-weight="bold"><s:tspan>TỐI</s:tspan> <s:tspan>MẬT</s:tspan></s:text>
  <s:text x="20" y="120">Sơ đồ bố trí lực lượng</s:text>
</s:svg>"#;
    let v = scan("so-do.svg", svg.as_bytes());
    assert_blocks(&v);
    assert_eq!(v.format, "svg");
    // Without the extension, recognised by its head.
    assert_blocks(&scan("so-do", svg.as_bytes()));
    let clean =
        r#"<svg xmlns="http://www.w3.org/2000/svg"><text x="1" y="1">Sơ đồ phòng họp</text></svg>"#;
    assert_passes(&scan("sach.svg", clean.as_bytes()));
    // An XHTML page with an inline drawing stays a page.
    let xhtml = r#"<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>Thông báo</p><svg xmlns="http://www.w3.org/2000/svg"><text>Sơ đồ</text></svg></body></html>"#;
    assert_eq!(scan("trang.xhtml", xhtml.as_bytes()).format, "html");
    // A picture inside an SVG is not read: review.
    let img = r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,AAAA"/><text>Sơ đồ</text></svg>"#;
    assert_eq!(scan("anh.svg", img.as_bytes()).verdict, Verdict::Review);
    // WebP and HEIC are pictures: OCR, or review when OCR is not available.
    let webp = b"RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0\x30\x01\0\x9d\x01\x2a\x01\0\x01\0\x02\0\x34\x25\xa4\0\x03\x70\0\xfe\xfb\x94\0\0";
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\x08free";
    for (name, bytes) in [
        ("anh.webp", &webp[..]),
        ("anh.heic", &heic[..]),
        ("khong-ten", &heic[..]),
    ] {
        let v = scan(name, bytes);
        if !bmnn_scan::extract::ocr::available() {
            assert_eq!(v.verdict, Verdict::Review, "{name}: {:#?}", v.findings);
            assert_eq!(v.findings[0].kind, FindingKind::OcrUnavailable, "{name}");
        } else {
            assert_ne!(v.verdict, Verdict::Pass, "{name}: an unreadable picture");
        }
    }
}

#[test]
fn a_rar_archive_is_recognised_and_reviewed_as_not_read() {
    let v = scan("ho-so.rar", b"Rar!\x1a\x07\x01\0rest-of-archive");
    assert_eq!(v.verdict, Verdict::Review, "{:#?}", v.findings);
    assert!(v.findings[0].reason.contains("RAR"), "{:#?}", v.findings);
}
