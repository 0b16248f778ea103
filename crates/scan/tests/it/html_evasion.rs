//! Text encodings and HTML built to slip a stamp past the scanner (issue 16 point 1): one invalid
//! UTF-8 byte, a `charset=` inside a comment, text written by script, text hidden by CSS or drawn
//! by `content:`, a stamp drawn as a picture inside a page, and the same inside an `.mht` web
//! archive.

use bmnn_scan::Verdict;

use crate::util::*;

fn b64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn one_invalid_byte_does_not_turn_a_utf8_file_into_windows_1252() {
    let mut txt = "Kế hoạch công tác quý IV\nTỐI MẬT\nNội dung kế hoạch triển khai.\n"
        .as_bytes()
        .to_vec();
    txt.extend_from_slice(b"Ghi ch\xff.\n");
    let v = scan("ke-hoach.txt", &txt);
    assert_eq!(v.verdict, Verdict::Block, "{:#?}", v.findings);
    assert!(
        v.findings
            .iter()
            .any(|f| f.evidence.as_deref() == Some("TỐI MẬT")),
        "the stamp is read as written: {:#?}",
        v.findings
    );
    // The same damage without a stamp: not fully read, so not passed either.
    let mut clean = "Kế hoạch công tác quý IV\nNội dung kế hoạch triển khai.\n"
        .as_bytes()
        .to_vec();
    clean.push(0xC3);
    clean.extend_from_slice(" hết.\n".as_bytes());
    let v = scan("ke-hoach.txt", &clean);
    assert_eq!(v.verdict, Verdict::Review, "{:#?}", v.findings);
    assert!(
        v.findings
            .iter()
            .any(|f| f.reason.contains("byte không hợp lệ")),
        "{:#?}",
        v.findings
    );
    // In an HTML page too.
    let mut page = "<html><body><p>Báo cáo</p><p>TỐI MẬT</p><p>Nội dung</p>"
        .as_bytes()
        .to_vec();
    page.extend_from_slice(b"<p>\x81</p></body></html>");
    assert_blocks(&scan("tin.html", &page));
}

#[test]
fn a_charset_inside_a_comment_does_not_win() {
    let body = "<p>Báo cáo tình hình</p><p>TỐI MẬT</p><p>Nội dung.</p></body></html>";
    for head in [
        "<!DOCTYPE html><html><head><!-- charset=windows-1252 --><title>Tin</title></head><body>",
        "<html><!-- <meta charset=\"iso-8859-1\"> --><head><meta charset=\"utf-8\"></head><body>",
        "<html><head><script>var x = 'charset=windows-1252';</script></head><body>",
    ] {
        let page = format!("{head}{body}");
        let v = scan("tin.html", page.as_bytes());
        assert_eq!(v.verdict, Verdict::Block, "{head}: {:#?}", v.findings);
    }
    // A real declaration still counts (windows-1258: MẬT = 4d c2 f2 54).
    let mut page = b"<html><!-- ghi chu --><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\"></head><body><p>".to_vec();
    page.extend_from_slice(b"\x4d\xc2\xf2\x54</p><p>B\xe1o c\xe1o</p></body></html>");
    assert_blocks(&scan("tin.html", &page));
}

#[test]
fn text_written_by_script_is_treated_as_present() {
    for script in [
        r#"document.write("<p style='color:red'>TỐI " + "MẬT</p><p>Nội dung</p>");"#,
        r#"var dau = '\u0054\u1ED0I M\u1EACT'; document.getElementById('d').textContent = dau;"#,
        "// khong phai chuoi: don't\nel.innerHTML = `<div>MẬT</div>`;",
    ] {
        let page = format!(
            "<html><body><div id=d></div><p>Tin tức</p><script>{script}</script></body></html>"
        );
        let v = scan("tin.html", page.as_bytes());
        assert_eq!(v.verdict, Verdict::Block, "{script}: {:#?}", v.findings);
    }
    // Ordinary scripts stay clean.
    let page = "<html><body><p>Tin tức</p><script>var mode = 'mat-khau'; console.log(\"Xin chào\");</script></body></html>";
    assert_passes(&scan("tin.html", page.as_bytes()));
}

#[test]
fn text_hidden_or_drawn_by_css_is_treated_as_present() {
    for (style, el) in [
        ("", "<p style=\"display:none\">TỐI MẬT</p>"),
        ("", "<p style=\"visibility: hidden\">TỐI MẬT</p>"),
        ("", "<p style=\"font-size:0\">TỐI MẬT</p>"),
        (
            "",
            "<p style=\"color:#ffffff;background:#ffffff\">TỐI MẬT</p>",
        ),
        (".an{display:none}", "<p class=an>TỐI MẬT</p>"),
        (
            ".dau::before{content:\"T\\1ED0 I M\\1EAC T\"}",
            "<p class=dau></p>",
        ),
        (
            "",
            "<p style=\"--x:1\"><span style='content:\"MẬT\"'></span></p>",
        ),
    ] {
        let page = format!(
            "<html><head><style>{style}</style></head><body><p>Tin tức</p>{el}</body></html>"
        );
        let v = scan("tin.html", page.as_bytes());
        assert_eq!(v.verdict, Verdict::Block, "{style} {el}: {:#?}", v.findings);
    }
}

/// A PNG of a red stamp (rendered by poppler), or None without poppler.
fn stamp_png() -> Vec<u8> {
    render_png(&pdf_helvetica(&["TOI MAT"])).expect("poppler (pdftoppm) is installed")
}

#[test]
fn a_picture_inside_a_page_goes_to_ocr_or_review() {
    let png = stamp_png();
    let page = format!(
        "<html><body><p>Tin tức</p><img src=\"data:image/png;base64,{}\"></body></html>",
        b64(&png)
    );
    let v = scan("tin.html", page.as_bytes());
    assert_ne!(v.verdict, Verdict::Pass, "{:#?}", v.findings);
    // An SVG drawing as a data URI is read as text.
    let page = "<html><body><p>Tin</p><img src=\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E%3Ctext x='5' y='20'%3ET%E1%BB%90I M%E1%BA%ACT%3C/text%3E%3C/svg%3E\"></body></html>";
    assert_blocks(&scan("tin.html", page.as_bytes()));
    // A page without pictures passes.
    assert_passes(&scan(
        "tin.html",
        "<html><body><p>Tin tức</p><img src=\"logo.png\"></body></html>".as_bytes(),
    ));
}

/// A web archive (`.mht`): the page, and a picture it references by `Content-Location`.
fn mht(html: &str, picture: Option<&[u8]>) -> Vec<u8> {
    let mut m = String::from(
        "From: <Saved by Blink>\r\nSubject: Tin\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; type=\"text/html\"; boundary=\"----ranh-gioi\"\r\n\r\n------ranh-gioi\r\nContent-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: base64\r\nContent-Location: http://cong-tt.example.vn/tin.html\r\n\r\n",
    );
    m.push_str(&b64(html.as_bytes()));
    m.push_str("\r\n");
    if let Some(p) = picture {
        m.push_str("------ranh-gioi\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-Location: http://cong-tt.example.vn/dau.png\r\n\r\n");
        m.push_str(&b64(p));
        m.push_str("\r\n");
    }
    m.push_str("------ranh-gioi--\r\n");
    m.into_bytes()
}

#[test]
fn an_mht_web_archive_is_opened_with_its_pictures() {
    // The page's own text, even with a misleading meta charset (the MIME charset decoded it).
    let page = "<html><head><meta charset=\"windows-1252\"></head><body><p>Tin</p><p>TỐI MẬT</p></body></html>";
    assert_blocks(&scan("tin.mht", &mht(page, None)));
    assert_blocks(&scan("tin.mhtml", &mht(page, None)));
    // The stamp only as a referenced picture: OCR or review, never pass.
    let page =
        "<html><body><p>Tin tức</p><img src=\"http://cong-tt.example.vn/dau.png\"></body></html>";
    let v = scan("tin.mht", &mht(page, Some(&stamp_png())));
    assert_ne!(v.verdict, Verdict::Pass, "{:#?}", v.findings);
    // A clean archive without pictures passes.
    assert_passes(&scan(
        "tin.mht",
        &mht("<html><body><p>Tin tức</p></body></html>", None),
    ));
}
