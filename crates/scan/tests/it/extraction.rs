//! Extraction of hostile and unusual files: corrupt, zip bombs, deep nesting, malformed PDF,
//! hung and memory-hungry parsers — the caller always gets a verdict ("không đọc được tệp").

use std::time::{Duration, Instant};

use bmnn_scan::extract::{ExtractError, Limits, extract};
use bmnn_scan::{FindingKind, Isolation, Verdict, extract_isolated};

use crate::util::*;

#[track_caller]
fn assert_unreadable(v: &bmnn_scan::FileVerdict) {
    assert_eq!(v.verdict, Verdict::Review, "{:#?}", v.findings);
    assert!(
        v.findings.iter().any(
            |f| f.kind == FindingKind::Unreadable && f.reason.starts_with("Không đọc được tệp")
        ),
        "{:#?}",
        v.findings
    );
}

fn normal_docx() -> Vec<u8> {
    let mut d = DocxBuilder::body(&format!(
        "{}{}",
        p("Số: 15/BC-UBND"),
        p("Báo cáo tình hình.")
    ));
    d.header = Some(p("TỐI MẬT"));
    d.build()
}

#[test]
fn isolated_extraction_equals_in_process() {
    let bytes = normal_docx();
    let a = extract(&bytes, "a.docx", &Limits::default()).unwrap();
    let b = extract_isolated(&bytes, "a.docx", &child()).unwrap();
    assert_eq!(a, b);
    assert_blocks(&scan_isolated("a.docx", &bytes));
}

#[test]
fn truncated_zip_is_unreadable() {
    let bytes = normal_docx();
    let cut = &bytes[..bytes.len() / 2];
    assert_unreadable(&scan("cut.docx", cut));
    assert_unreadable(&scan_isolated("cut.docx", cut));
}

#[test]
fn zip_bomb_is_refused() {
    let n = 80 << 20; // 80 MiB of zeros from ~0.5 MiB of deflate
    let data = deflate_zeros(n);
    assert!(data.len() < 1 << 20);
    let bomb = zip(&[
        ZipEntry::stored("[Content_Types].xml", b"<Types/>"),
        ZipEntry {
            name: "word/document.xml".into(),
            method: 8,
            data,
            size: n as u32,
            crc: 0,
            flags: 0,
        },
    ]);
    let err = extract(&bomb, "bomb.docx", &Limits::default()).unwrap_err();
    assert!(matches!(err, ExtractError::Limit(_)), "{err:?}");
    assert_unreadable(&scan_isolated("bomb.docx", &bomb));
}

#[test]
fn too_many_entries_and_encrypted_entries_are_refused() {
    let many: Vec<ZipEntry> = (0..6000)
        .map(|i| ZipEntry::stored(&format!("word/x{i}.xml"), b"<a/>"))
        .collect();
    assert!(matches!(
        extract(&zip(&many), "m.docx", &Limits::default()),
        Err(ExtractError::Limit(_))
    ));
    let mut e = ZipEntry::stored("word/document.xml", b"<w:document/>");
    e.flags = 1; // traditional PKWARE encryption
    assert_eq!(
        extract(&zip(&[e]), "e.docx", &Limits::default()),
        Err(ExtractError::Encrypted)
    );
}

#[test]
fn deeply_nested_xml_is_refused() {
    let depth = 100_000;
    let body = format!("{}{}", "<w:p>".repeat(depth), "</w:p>".repeat(depth));
    let bytes = DocxBuilder::body(&body).build();
    assert!(matches!(
        extract(&bytes, "d.docx", &Limits::default()),
        Err(ExtractError::Limit(_))
    ));
    assert_unreadable(&scan_isolated("d.docx", &bytes));
}

#[test]
fn deeply_nested_html_does_not_crash_the_caller() {
    let html = format!(
        "<html><body>{}MẬT{}</body></html>",
        "<div>".repeat(20_000),
        "</div>".repeat(20_000)
    );
    // html5ever is slow on pathological nesting (a debug-build child needs tens of seconds):
    // whatever it does, the caller gets a verdict within the timeout.
    let mut iso = child();
    iso.timeout = Duration::from_secs(4);
    let t = Instant::now();
    let v = bmnn_scan::scan_bytes("deep.html", html.as_bytes(), &scanner().with_isolation(iso));
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_ne!(
        v.verdict,
        Verdict::Pass,
        "either the stamp is found or the file is reported unreadable"
    );
}

#[test]
fn malformed_and_non_docx_files() {
    assert_unreadable(&scan("bad.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"));
    assert_unreadable(&scan_isolated(
        "bad.pdf",
        b"%PDF-1.4\n\xff\xfe garbage \x00\x01",
    ));
    let not_docx = zip(&[ZipEntry::stored("xl/workbook.xml", b"<workbook/>")]);
    assert_unreadable(&scan("book.docx", &not_docx));
    assert_unreadable(&scan("x.docx", b"PK\x03\x04 not a zip at all"));
}

#[test]
fn a_looping_parser_is_stopped_by_the_timeout() {
    // Stand-in for a parser stuck in a loop: reads its input, then spins forever.
    let iso = Isolation {
        program: "/bin/sh".into(),
        args: vec!["-c".into(), "cat >/dev/null; while :; do :; done".into()],
        timeout: Duration::from_millis(800),
        memory_limit: 0,
        output_cap: 1 << 20,
        pool: None,
    };
    let t = Instant::now();
    assert_eq!(
        extract_isolated(&normal_docx(), "a.docx", &iso),
        Err(ExtractError::Timeout)
    );
    assert!(t.elapsed() < Duration::from_secs(10));
    let v = bmnn_scan::scan_bytes("a.docx", &normal_docx(), &scanner().with_isolation(iso));
    assert_unreadable(&v);
}

#[test]
fn memory_limit_kills_a_greedy_extraction() {
    let mut iso = child();
    iso.memory_limit = 48 << 20;
    let line = "Báo cáo tình hình an ninh trật tự trên địa bàn tỉnh.\n";
    let big = line.repeat(500_000); // ~30 MB, needs several copies in memory
    let r = extract_isolated(big.as_bytes(), "big.txt", &iso);
    assert!(
        matches!(r, Err(ExtractError::Crashed(_))),
        "{:?}",
        r.as_ref().map(|x| x.units.len())
    );
    // The same limit leaves room for an ordinary file.
    let small = line.repeat(5_000);
    assert_eq!(
        extract_isolated(small.as_bytes(), "small.txt", &iso).map(|x| x.units.len()),
        Ok(5_000)
    );
}

#[test]
fn output_cap_is_enforced() {
    let mut iso = child();
    iso.output_cap = 64;
    assert_eq!(
        extract_isolated(&normal_docx(), "a.docx", &iso),
        Err(ExtractError::OutputTooLarge)
    );
}

#[test]
fn missing_child_program_is_an_error_not_a_pass() {
    let iso = Isolation::new("/nonexistent/bmnn".into(), vec![]);
    let v = bmnn_scan::scan_bytes("a.docx", &normal_docx(), &scanner().with_isolation(iso));
    assert_unreadable(&v);
}

#[test]
fn txt_charsets() {
    // UTF-16LE with BOM
    let mut b = vec![0xFF, 0xFE];
    for u in "Báo cáo\nTỐI MẬT\n".encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    assert_blocks(&scan("a.txt", &b));
    // UTF-8 BOM
    assert_blocks(&scan("a.txt", "\u{feff}MẬT\nNội dung".as_bytes()));
    // Undeclared windows-1258 prose: chardetng guesses, NFC repairs the combining marks.
    let mut cp = Vec::new();
    for _ in 0..30 {
        cp.extend_from_slice(
            b"B\xe1o c\xe1o t\xecnh h\xecnh th\xf4ng tin \xf0\xe3 \xf0\xfd\xf5c ki\xeam tra.\n",
        );
    }
    cp.extend_from_slice(b"\x4d\xc2\xf2\x54\n");
    let v = scan("cp1258.txt", &cp);
    assert_blocks(&v);
}

#[test]
fn pdf_units_carry_pages() {
    let bytes = pdf(&[
        (&[line("Trang một", 700)], None),
        (&[line("Số: 1/BC", 780), line("MẬT", 760)], None),
    ]);
    let x = extract(&bytes, "a.pdf", &Limits::default()).unwrap();
    assert!(
        x.units.iter().any(|u| u.text == "MẬT" && u.page == Some(2)),
        "{:?}",
        x.units
    );
    let v = scan("a.pdf", &bytes);
    assert_blocks(&v);
    assert!(
        v.findings[0].reason.contains("trang 2"),
        "{}",
        v.findings[0].reason
    );
}

#[test]
fn fuzz_regression_pdf_extract_panic_is_contained_in_process() {
    // cargo-fuzz found a PDF on which the pdf-extract fallback panics ("unexpected encoding").
    let bytes = include_bytes!("../fixtures/fuzz-pdf-extract-panic.pdf");
    let v = scan("crash.pdf", bytes);
    assert_ne!(v.verdict, Verdict::Pass, "{:#?}", v.findings);
}
