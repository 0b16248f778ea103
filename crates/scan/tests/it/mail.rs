//! E-mail (`.eml`): the subject, the text and HTML parts and every attachment are read, an
//! attachment as a file of its own (a stamped `.docx` or a LibreOffice `.odt` attached blocks);
//! a clean message passes with its text read; a broken or encrypted part is `review`.

use bmnn_scan::Verdict;

use crate::formats::soffice;
use crate::util::*;

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, c) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A multipart message with a UTF-8 text body and attachments `(name, bytes)`.
fn eml(subject: &str, body: &str, attachments: &[(&str, &[u8])]) -> Vec<u8> {
    let mut m = format!(
        "From: van-thu@example.vn\r\nTo: phong-hc@example.vn\r\nSubject: =?UTF-8?B?{}?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"ranh-gioi\"\r\n\r\n--ranh-gioi\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        base64(subject.as_bytes()),
        base64(body.as_bytes())
    );
    for (name, data) in attachments {
        m.push_str(&format!(
            "--ranh-gioi\r\nContent-Type: application/octet-stream; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            base64(data)
        ));
    }
    m.push_str("--ranh-gioi--\r\n");
    m.into_bytes()
}

fn stamped_docx() -> Vec<u8> {
    let mut d = DocxBuilder::body(&p("Thứ Hai: họp giao ban với các phòng chuyên môn."));
    d.header = Some(p("MẬT"));
    d.build()
}

#[test]
fn an_email_with_a_stamped_attachment_blocks_and_a_clean_one_passes() {
    let clean_docx = DocxBuilder::body(&p("Thông báo lịch nghỉ Tết Nguyên đán.")).build();
    let body = "Kính gửi các phòng,\nGửi lịch công tác tuần tới.";
    let v = scan(
        "lich.eml",
        &eml("Lịch công tác", body, &[("lich.docx", &stamped_docx())]),
    );
    assert_blocks(&v);
    assert_eq!(v.format, "eml");
    assert!(
        v.findings
            .iter()
            .any(|f| f.evidence.as_deref() == Some("MẬT")
                && f.location
                    .as_ref()
                    .is_some_and(|l| l.source.contains("lich.docx"))),
        "{:#?}",
        v.findings
    );
    assert_blocks(&scan_isolated(
        "lich.eml",
        &eml("Lịch công tác", body, &[("lich.docx", &stamped_docx())]),
    ));
    // An OpenDocument text made by LibreOffice, attached inside a zip.
    let odt = soffice("lich.docx", &stamped_docx(), "odt");
    let zipped = zip(&[ZipEntry::stored("ho-so/lich.odt", &odt)]);
    assert_blocks(&scan(
        "ho-so.eml",
        &eml("Hồ sơ", body, &[("ho-so.zip", &zipped)]),
    ));
    // A stamp in the subject or in the text blocks too.
    assert_blocks(&scan("tieu-de.eml", &eml("TỐI MẬT", body, &[])));
    assert_blocks(&scan(
        "noi-dung.eml",
        &eml("Kế hoạch", "TUYỆT MẬT\nKế hoạch kiểm tra.", &[]),
    ));
    // Clean: passes, and the text and attachment were read.
    let clean = eml("Lịch nghỉ", body, &[("nghi-le.docx", &clean_docx)]);
    assert_passes(&scan("sach.eml", &clean));
    let x = bmnn_scan::extract::extract(&clean, "sach.eml", &bmnn_scan::Limits::default())
        .expect("read");
    assert!(x.units.iter().any(|u| u.text.contains("Gửi lịch công tác")));
    assert!(x.units.iter().any(|u| u.text.contains("Tết Nguyên đán")));
    assert!(x.units.iter().any(|u| u.text == "Lịch nghỉ"));
}

#[test]
fn an_email_with_an_unreadable_or_encrypted_part_is_reviewed() {
    let body = "Gửi anh chị tài liệu.";
    // A truncated attachment.
    let docx = DocxBuilder::body(&p("Thông báo.")).build();
    let v = scan(
        "cat.eml",
        &eml("Tài liệu", body, &[("cat.docx", &docx[..docx.len() / 2])]),
    );
    assert_eq!(v.verdict, Verdict::Review, "{:#?}", v.findings);
    assert!(
        v.findings.iter().any(|f| f.reason.contains("cat.docx")),
        "{:#?}",
        v.findings
    );
    // An S/MIME encrypted message.
    let smime = "From: a@example.vn\r\nSubject: Tài liệu\r\nMIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggE=\r\n";
    assert_eq!(
        scan("ma-hoa.eml", smime.as_bytes()).verdict,
        Verdict::Review
    );
    // An OpenPGP message in the text body.
    let pgp = eml(
        "Tài liệu",
        "-----BEGIN PGP MESSAGE-----\nhQEMA0x\n-----END PGP MESSAGE-----\n",
        &[],
    );
    assert_eq!(scan("pgp.eml", &pgp).verdict, Verdict::Review);
}

/// An Outlook `.msg` (OLE compound file of `__substg1.0_` property streams) with a subject, a
/// plain-text body and attachments `(name, bytes)`.
fn outlook_msg(subject: &str, body: &str, attachments: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }
    let mut cf = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("ole");
    let put = |cf: &mut cfb::CompoundFile<std::io::Cursor<Vec<u8>>>, path: &str, data: &[u8]| {
        cf.create_stream(path)
            .expect("stream")
            .write_all(data)
            .expect("write");
    };
    put(&mut cf, "/__substg1.0_0037001F", &utf16(subject));
    put(&mut cf, "/__substg1.0_1000001F", &utf16(body));
    for (i, (name, data)) in attachments.iter().enumerate() {
        let dir = format!("/__attach_version1.0_#{i:08X}");
        cf.create_storage(&dir).expect("storage");
        put(
            &mut cf,
            &format!("{dir}/__substg1.0_3707001F"),
            &utf16(name),
        );
        put(&mut cf, &format!("{dir}/__substg1.0_37010102"), data);
    }
    cf.flush().expect("flush");
    cf.into_inner().into_inner()
}

#[test]
fn an_outlook_msg_with_a_stamped_attachment_blocks_and_a_clean_one_passes() {
    let body = "Kính gửi các phòng,\r\nGửi lịch công tác tuần tới.";
    let m = outlook_msg("Lịch công tác", body, &[("lich.docx", &stamped_docx())]);
    assert!(m.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]), "an OLE file");
    let v = scan("lich.msg", &m);
    assert_blocks(&v);
    assert_eq!(v.format, "msg");
    assert!(
        v.findings
            .iter()
            .any(|f| f.evidence.as_deref() == Some("MẬT")
                && f.location
                    .as_ref()
                    .is_some_and(|l| l.source.contains("lich.docx"))),
        "{:#?}",
        v.findings
    );
    assert_blocks(&scan_isolated("lich.msg", &m));
    assert_blocks(&scan("tieu-de.msg", &outlook_msg("TỐI MẬT", body, &[])));
    let clean_docx = DocxBuilder::body(&p("Thông báo lịch nghỉ Tết Nguyên đán.")).build();
    let clean = outlook_msg("Lịch nghỉ", body, &[("nghi-le.docx", &clean_docx)]);
    assert_passes(&scan("sach.msg", &clean));
    let x = bmnn_scan::extract::extract(&clean, "sach.msg", &bmnn_scan::Limits::default())
        .expect("read");
    assert!(x.units.iter().any(|u| u.text.contains("Gửi lịch công tác")));
    assert!(x.units.iter().any(|u| u.text.contains("Tết Nguyên đán")));
    // An attachment cut short: review.
    let cut = outlook_msg(
        "Tài liệu",
        body,
        &[("cat.docx", &clean_docx[..clean_docx.len() / 2])],
    );
    assert_eq!(scan("cat.msg", &cut).verdict, Verdict::Review);
}
