//! Hostile uploads through the real routes (issue 6): a DOCX zip bomb, a picture declaring
//! 100 000 × 100 000 pixels, bodies over `max_body_bytes`, truncated and disguised files, and
//! attachments of a forbidden or mismatched type. Each gets a clean answer — a 4xx, or the
//! scanner's documented "could not be read, check by hand" verdict (BMNN005, review) — never a
//! 5xx, and a refused upload writes nothing.
//!
//! The routes here extract in-process (`AppState` without isolation, as in every web test): the
//! zip-entry and total-size caps of `bmnn_scan::Limits` apply there too, so the bomb is stopped
//! at 64 MiB by the extractor itself. The isolated child (`bmnn extract-child`, RLIMIT_AS,
//! timeout, output cap) that `bmnn serve` wires is tested on bombs in `crates/scan/tests/it`.

use crate::helpers::TestApp;
use crate::scan_api::b64;
use crate::ui_client::{Client, router_with, send};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bmnn_core::model::ReadScope;
use bmnn_core::ports::Store;
use bmnn_web::WebConfig;
use serde_json::{Value, json};

// ---- Files built here -------------------------------------------------------------------

struct Entry {
    name: &'static str,
    /// 0 stored, 8 deflated.
    method: u16,
    data: Vec<u8>,
    size: u32,
    crc: u32,
}

impl Entry {
    fn stored(name: &'static str, data: &[u8]) -> Entry {
        Entry {
            name,
            method: 0,
            data: data.to_vec(),
            size: data.len() as u32,
            crc: crc32fast::hash(data),
        }
    }
}

/// A zip archive (local headers, central directory, end record), written by hand.
fn zip(entries: &[Entry]) -> Vec<u8> {
    fn le16(v: &mut Vec<u8>, x: u16) {
        v.extend_from_slice(&x.to_le_bytes());
    }
    fn le32(v: &mut Vec<u8>, x: u32) {
        v.extend_from_slice(&x.to_le_bytes());
    }
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for e in entries {
        let offset = out.len() as u32;
        for (v, is_central) in [(&mut out, false), (&mut central, true)] {
            le32(v, if is_central { 0x0201_4b50 } else { 0x0403_4b50 });
            if is_central {
                le16(v, 20);
            }
            le16(v, 20);
            le16(v, 0);
            le16(v, e.method);
            le16(v, 0);
            le16(v, 0x21);
            le32(v, e.crc);
            le32(v, e.data.len() as u32);
            le32(v, e.size);
            le16(v, e.name.len() as u16);
            le16(v, 0);
            if is_central {
                for _ in 0..3 {
                    le16(v, 0); // comment length, disk number, internal attributes
                }
                le32(v, 0);
                le32(v, offset);
            }
            v.extend_from_slice(e.name.as_bytes());
        }
        out.extend_from_slice(&e.data);
    }
    let (cd_offset, cd_len) = (out.len() as u32, central.len() as u32);
    out.extend_from_slice(&central);
    le32(&mut out, 0x0605_4b50);
    le32(&mut out, 0);
    le16(&mut out, entries.len() as u16);
    le16(&mut out, entries.len() as u16);
    le32(&mut out, cd_len);
    le32(&mut out, cd_offset);
    le16(&mut out, 0);
    out
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

/// A valid DOCX whose `word/document.xml` inflates to 2 GiB of zeros from about 2 MiB: one
/// MiB of zeros deflated once (sync flush, so the blocks can follow each other), repeated
/// 2048 times, then an empty final block. The CRC is the real one of 2 GiB of zeros.
fn zip_bomb_docx() -> (Vec<u8>, u64) {
    use flate2::{Compress, Compression, FlushCompress};
    let mib = vec![0u8; 1 << 20];
    let mut c = Compress::new(Compression::best(), false);
    let mut seg = Vec::with_capacity(8 << 10);
    c.compress_vec(&mib, &mut seg, FlushCompress::Sync)
        .expect("deflate");
    assert_eq!(c.total_in(), 1 << 20, "one call takes the whole MiB");
    let copies = 2048u64;
    let mut data = Vec::with_capacity(seg.len() * copies as usize + 2);
    let (mut crc, mut one) = (crc32fast::Hasher::new(), crc32fast::Hasher::new());
    one.update(&mib);
    for _ in 0..copies {
        data.extend_from_slice(&seg);
        crc.combine(&one);
    }
    data.extend_from_slice(&[0x03, 0x00]); // final, fixed Huffman, end of block
    let inflated = copies << 20;
    let bomb = zip(&[
        Entry::stored("[Content_Types].xml", CONTENT_TYPES),
        Entry {
            name: "word/document.xml",
            method: 8,
            data,
            size: u32::try_from(inflated).expect("2 GiB fits the 32-bit size field"),
            crc: crc.finalize(),
        },
    ]);
    (bomb, inflated)
}

/// A PNG whose header declares `w` × `h` pixels, with one short row of data.
fn png(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale
    let idat = {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&[0u8; 1025]).expect("zlib");
        z.finish().expect("zlib")
    };
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A small, real DOCX (the administrative document writer).
fn real_docx() -> Vec<u8> {
    bmnn_docs::admin_docx(&bmnn_docs::AdminDoc {
        superior_agency: None,
        agency: "SỞ CÔNG THƯƠNG".into(),
        number: "15/TB-SCT".into(),
        place: "Bình Minh".into(),
        date: time::macros::date!(2026 - 11 - 20),
        level_stamp: None,
        doc_type: Some("THÔNG BÁO".into()),
        summary: "Lịch tiếp công dân tháng 12".into(),
        body: vec![bmnn_docs::Block::Paragraph(
            "Lãnh đạo Sở tiếp công dân vào sáng thứ Năm hằng tuần.".into(),
        )],
        recipients: vec!["Các phòng".into()],
        archive: "VT".into(),
        signer: bmnn_docs::Signer {
            authority: None,
            position: "GIÁM ĐỐC".into(),
            name: "Nguyễn Văn Minh".into(),
        },
    })
    .expect("docx")
}

/// Deterministic noise (xorshift), for "random bytes" files.
fn noise(n: usize) -> Vec<u8> {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

// ---- Routes -----------------------------------------------------------------------------

async fn api_scan(router: &axum::Router, app: &TestApp, name: &str, bytes: &[u8]) -> (u16, Value) {
    let body = json!({"file_name": name, "content_base64": b64(bytes)}).to_string();
    let req = Request::post("/api/v1/scan")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", app.login_as("vanthu")),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("request");
    let page = send(router, req).await;
    let v = serde_json::from_slice(&page.bytes).unwrap_or(Value::Null);
    (page.status.as_u16(), v)
}

/// A multipart body: `_csrf` first, then one file part named `field`.
fn multipart(csrf: &str, field: &str, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut b = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    b.extend_from_slice(bytes);
    b.extend_from_slice(b"\r\n--XyZ--\r\n");
    b
}

/// POSTs a multipart upload from `client` (no Content-Length: the body streams in, as from a
/// client that does not announce its size).
async fn upload(
    client: &Client,
    path: &str,
    field: &str,
    file_name: &str,
    bytes: &[u8],
) -> crate::ui_client::Page {
    let req = Request::post(path)
        .header(header::COOKIE, &client.cookie)
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
        .body(Body::from(multipart(&client.csrf, field, file_name, bytes)))
        .expect("request");
    send(&client.router, req).await
}

fn assert_unreadable(v: &Value, why: &str) {
    assert_eq!(v["verdict"], "review", "{v}");
    let f = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "BMNN005")
        .unwrap_or_else(|| panic!("an unreadable finding: {v}"));
    let reason = f["reason"].as_str().expect("reason");
    assert!(reason.contains("Không đọc được tệp"), "{reason}");
    assert!(reason.contains(why), "{reason}");
}

/// Peak resident memory of this test process (VmHWM), in bytes.
fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

fn attachments(app: &TestApp, item: &str) -> usize {
    let item = crate::helpers::id_of(item);
    app.svc
        .store
        .read(|tx| tx.list_attachments(&ReadScope::system(), item))
        .expect("list")
        .len()
}

// ---- Tests ------------------------------------------------------------------------------

#[tokio::test]
async fn a_docx_zip_bomb_is_answered_as_unreadable_through_the_api_and_the_page() {
    let app = TestApp::spawn();
    let page = Client::session(&app, "vanthu");
    let (bomb, inflated) = zip_bomb_docx();
    assert!(bomb.len() < 4 << 20, "a small file: {} bytes", bomb.len());
    assert!(inflated >= 2 << 30, "that inflates to 2 GiB");

    let before = app.audit_count();
    let (status, v) = api_scan(&app.router, &app, "bao-cao-quy.docx", &bomb).await;
    assert_eq!(status, 200, "{v}");
    assert_unreadable(&v, "nghi zip bomb");
    // The scan is logged (name, hash, verdict), as every scan is.
    assert_eq!(app.audit_count(), before + 1);

    let res = upload(&page, "/scan", "files", "bao-cao-quy.docx", &bomb).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let html = res.text();
    assert!(html.contains("Không đọc được tệp"), "{html}");
    assert!(html.contains("nghi zip bomb"), "{html}");
    assert_eq!(app.audit_count(), before + 2);

    // The extractor stopped at its cap: nothing close to 2 GiB was ever held in memory.
    let peak = peak_rss();
    assert!(peak < 1 << 30, "peak resident memory {peak} bytes");
}

#[tokio::test]
async fn a_picture_declaring_ten_billion_pixels_is_never_passed_unread() {
    let app = TestApp::spawn();
    let huge = png(100_000, 100_000);
    assert!(
        huge.len() < 1024,
        "a tiny file declaring a gigantic picture"
    );
    // On its own: a picture only OCR can read; the decoder refuses those dimensions (or OCR is
    // not installed), so the verdict asks for a manual check.
    let (status, v) = api_scan(&app.router, &app, "con-dau.png", &huge).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["verdict"], "review", "{v}");
    assert!(
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["rule_id"] == "BMNN004"),
        "OCR could not read it: {v}"
    );
    // Embedded in a DOCX as a stamp image: the same.
    let doc = zip(&[
        Entry::stored("[Content_Types].xml", CONTENT_TYPES),
        Entry::stored(
            "word/document.xml",
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Kính gửi các phòng</w:t></w:r></w:p></w:body></w:document>"#.as_bytes(),
        ),
        Entry::stored("word/media/image1.png", &huge),
    ]);
    let (status, v) = api_scan(&app.router, &app, "thong-bao.docx", &doc).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["verdict"], "review", "{v}");
}

#[tokio::test]
async fn malformed_docx_and_pdf_get_a_clean_answer() {
    let app = TestApp::spawn();
    let docx = real_docx();
    let truncated = &docx[..docx.len() / 2];
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("cat-doi.docx", truncated.to_vec()),
        ("ngau-nhien.pdf", noise(64 << 10)),
        ("hong.pdf", {
            let mut b = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n".to_vec();
            b.extend_from_slice(&noise(4096));
            b
        }),
        ("ngau-nhien.docx", noise(4096)),
    ];
    for (name, bytes) in &cases {
        let (status, v) = api_scan(&app.router, &app, name, bytes).await;
        assert_eq!(status, 200, "{name}: {v}");
        assert_unreadable(&v, "");
    }
    // Through the page too, several at once.
    let page = Client::session(&app, "soanthao");
    let res = upload(&page, "/scan", "files", "cat-doi.docx", truncated).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(res.text().contains("Không đọc được tệp"));
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_and_nothing_is_stored() {
    let app = TestApp::spawn();
    let item = app.classified_item("2026-03-10", json!({})).await;
    let limit = 256 << 10;
    let router = router_with(
        &app,
        WebConfig {
            max_body_bytes: limit,
            ..WebConfig::default()
        },
    );
    let clerk = Client::session_on(&app, router.clone(), "vanthu", 3600);
    let big = noise(limit + 1);
    let before = app.audit_count();

    // JSON API: the API's JSON error, in Vietnamese.
    let (status, v) = api_scan(&router, &app, "lon.txt", &big).await;
    assert_eq!(status, 413, "{v}");
    assert_eq!(v["error"]["code"], "invalid_input", "{v}");
    assert!(crate::helpers::is_vietnamese(
        v["error"]["message"].as_str().expect("message")
    ));
    // The scan page.
    let res = upload(&clerk, "/scan", "files", "lon.txt", &big).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.text());
    assert!(res.text().contains("quá lớn"), "{}", res.text());
    // An attachment.
    let path = format!("/items/{item}/attachments");
    let res = upload(&clerk, &path, "file", "bao-cao.txt", &big).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.text());
    // Announced sizes are refused before the body is read.
    let req = Request::post(&path)
        .header(header::COOKIE, &clerk.cookie)
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
        .header(header::CONTENT_LENGTH, (limit + 1).to_string())
        .body(Body::from(vec![b'x'; limit + 1]))
        .expect("request");
    assert_eq!(
        send(&router, req).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );

    assert_eq!(app.audit_count(), before, "nothing logged");
    assert_eq!(attachments(&app, &item), 0, "nothing stored");
    // Under the limit the same upload goes through.
    let res = upload(&clerk, &path, "file", "bao-cao.txt", &big[..limit / 2]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert_eq!(attachments(&app, &item), 1);
}

#[tokio::test]
async fn attachments_of_a_forbidden_or_disguised_type_are_refused_and_write_nothing() {
    let app = TestApp::spawn();
    let item = app.classified_item("2026-03-10", json!({})).await;
    let clerk = Client::session(&app, "vanthu");
    let path = format!("/items/{item}/attachments");
    let before = app.audit_count();
    let refused: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "bao-cao.pdf",
            noise(4096),
            "không khớp với phần mở rộng .pdf",
        ),
        (
            "bao-cao.docx",
            b"%PDF-1.7\n%%EOF\n".to_vec(),
            "không khớp với phần mở rộng .docx",
        ),
        (
            "anh-con-dau.png",
            noise(512),
            "không khớp với phần mở rộng .png",
        ),
        (
            "cai-dat.exe",
            b"MZ\x90\x00\x03".to_vec(),
            "tệp chương trình",
        ),
        (
            "ghi-chu.txt",
            b"\x7fELF\x02\x01\x01".to_vec(),
            "tệp chương trình",
        ),
        (
            "chay.sh",
            b"#!/bin/sh\nrm -rf /\n".to_vec(),
            "tệp chương trình",
        ),
        ("rong.txt", Vec::new(), "hãy chọn một tệp"),
    ];
    for (name, bytes, why) in &refused {
        let res = upload(&clerk, &path, "file", name, bytes).await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "{name}: {}",
            res.text()
        );
        assert!(res.text().contains(why), "{name}: {}", res.text());
    }
    assert_eq!(app.audit_count(), before, "refused uploads wrote nothing");
    assert_eq!(attachments(&app, &item), 0);
    // Real files of the types it claims are taken.
    for (name, bytes) in [("thong-bao.docx", real_docx()), ("con-dau.png", png(4, 4))] {
        let res = upload(&clerk, &path, "file", name, &bytes).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{name}: {}", res.text());
    }
    assert_eq!(attachments(&app, &item), 2);
}
