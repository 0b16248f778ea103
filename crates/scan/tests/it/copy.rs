//! Copy detection, scanner.md §9 "Fingerprints" F1–F10 (F4, F9 documented as limits).

use bmnn_scan::fingerprint::allow_corpus;
use bmnn_scan::{
    FindingKind, FingerprintIndex, IndexError, MarkingSpec, Scanner, Severity, Verdict, scan_bytes,
};

use crate::util::*;

const KEY: [u8; 16] = *b"test-key-0123456";

const SYLLABLES: &str = "báo cáo tình hình kết quả thực hiện nhiệm vụ công tác bảo đảm an ninh trật tự trên địa bàn tỉnh \
huyện xã phường đơn vị lực lượng cán bộ chiến sĩ triển khai kế hoạch phương án tăng cường kiểm tra giám sát phối hợp \
chặt chẽ với các cơ quan ban ngành đoàn thể nhân dân phát hiện xử lý kịp thời vụ việc đối tượng hoạt động vi phạm \
pháp luật tuyên truyền phổ biến giáo dục nâng cao nhận thức trách nhiệm người đứng đầu chỉ đạo điều hành quyết liệt \
đồng bộ hiệu quả thiết thực năm tháng quý đầu cuối giữa tiếp tục duy trì củng cố xây dựng phong trào toàn dân bảo vệ \
tổ quốc biên giới vùng biển đảo hải quân không quân bộ đội biên phòng cảnh sát giao thông đường bộ sắt thủy nội địa \
dự án đầu tư công nguồn vốn ngân sách trung ương địa phương giải ngân tiến độ chậm nguyên nhân khách quan chủ quan \
hạn chế tồn tại khó khăn vướng mắc đề xuất kiến nghị giải pháp trọng tâm thời gian tới";

/// Deterministic pseudo-prose of `n` syllables (seeded LCG over a Vietnamese syllable list).
pub fn prose(seed: u64, n: usize) -> String {
    let words: Vec<&str> = SYLLABLES.split_whitespace().collect();
    let mut s = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        out.push(words[(s >> 33) as usize % words.len()]);
        if i % 17 == 16 {
            out.push(".");
        }
    }
    out.join(" ").replace(" .", ".")
}

fn syllables(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

fn passage(text: &str, start: usize, len: usize) -> String {
    let s: Vec<&str> = text.split_whitespace().filter(|w| *w != ".").collect();
    s[start..start + len].join(" ")
}

fn index_with_secret() -> (FingerprintIndex, String) {
    let mut ix = FingerprintIndex::new(KEY);
    let secret = prose(1, 600);
    ix.add(101, 2, "Báo cáo số 15/BC-CA (Tối mật)".into(), &secret);
    for d in 0..20 {
        ix.add(
            200 + d,
            1,
            format!("Kế hoạch số {d}/KH"),
            &prose(1000 + d as u64, 400),
        );
    }
    (ix, secret)
}

fn unrelated(seed: u64, n: usize) -> String {
    prose(seed, n)
}

#[test]
fn f1_fifty_syllable_passage_pasted_into_unrelated_document_is_found_and_named() {
    let (ix, secret) = index_with_secret();
    let pasted = passage(&secret, 200, 50);
    let query = format!("{} {} {}", unrelated(77, 300), pasted, unrelated(78, 300));
    let m = ix.query(&query, 3);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert_eq!(m[0].doc_id, 101);
    assert_eq!(m[0].label, "Báo cáo số 15/BC-CA (Tối mật)");
    assert!(m[0].hits >= 3);
    // A lower bound: the ends of the passage up to one window wide may carry no stored fingerprint.
    assert!(
        m[0].copied_syllables >= 30 && m[0].copied_syllables <= 60,
        "{:?}",
        m[0]
    );
    // The reported span lies over the pasted passage (syllables 300..350 of the query).
    assert!(
        m[0].query_start >= 290 && m[0].query_end <= 360,
        "{:?}",
        m[0]
    );

    // Through the file face: a DOCX with the pasted passage is blocked and the document named.
    let d = DocxBuilder::body(&format!(
        "{}{}{}",
        p(&unrelated(77, 200)),
        p(&pasted),
        p(&unrelated(78, 200))
    ));
    let scanner = Scanner::new(&MarkingSpec::default_set()).with_index(&ix);
    let v = scan_bytes("gui-ra-ngoai.docx", &d.build(), &scanner);
    assert_eq!(v.verdict, Verdict::Block);
    let f = v
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Copy)
        .expect("copy finding");
    assert!(
        f.reason.contains("«Báo cáo số 15/BC-CA (Tối mật)»") && f.reason.contains("độ Tối mật"),
        "{}",
        f.reason
    );
    assert!(f.evidence.is_none(), "copied text is never echoed");
}

#[test]
fn f2_f3_passage_survives_nfd_ocr_errors_and_tone_placement() {
    let (ix, secret) = index_with_secret();
    let pasted = passage(&secret, 100, 60);
    use unicode_normalization::UnicodeNormalization;
    let nfd: String = pasted.nfd().collect();
    let stripped = bmnn_scan::fold(&pasted); // OCR lost every diacritic
    let tone = pasted.replace("hòa", "hoà").replace("thủy", "thuỷ");
    for q in [nfd, stripped, tone] {
        let m = ix.query(
            &format!("{} {q} {}", unrelated(5, 100), unrelated(6, 100)),
            3,
        );
        assert_eq!(m.first().map(|m| m.doc_id), Some(101));
    }
}

#[test]
fn f5_edited_every_fifteen_words_still_found() {
    let (ix, secret) = index_with_secret();
    let mut words: Vec<String> = passage(&secret, 50, 120)
        .split(' ')
        .map(str::to_owned)
        .collect();
    for i in (7..words.len()).step_by(15) {
        words[i] = "XYZ".into();
    }
    let m = ix.query(&format!("{} {}", unrelated(9, 80), words.join(" ")), 3);
    assert_eq!(m.first().map(|m| m.doc_id), Some(101), "{m:#?}");
}

#[test]
fn f6_reordered_pieces_are_each_found() {
    let (ix, secret) = index_with_secret();
    let a = passage(&secret, 0, 40);
    let b = passage(&secret, 300, 40);
    let m = ix.query(&format!("{b} {} {a}", unrelated(3, 50)), 3);
    assert_eq!(m.len(), 1);
    assert!(m[0].copied_syllables >= 60, "{:?}", m[0]);
}

#[test]
fn f7_quoting_the_constitution_is_not_a_copy() {
    let mut ix = FingerprintIndex::new(KEY);
    let constitution = allow_corpus()[0];
    // A classified report that itself quotes the Constitution and the national header.
    ix.add(
        7,
        3,
        "Báo cáo mật có trích Hiến pháp".into(),
        &format!("{constitution} {}", prose(42, 300)),
    );
    let quoting = format!(
        "Bài tuyên truyền. {} {}",
        &constitution[..constitution.len().min(1500)],
        unrelated(43, 200)
    );
    assert!(ix.query(&quoting, 3).is_empty());
    // Without the allow corpus the same quote would have matched.
    let mut bare = FingerprintIndex::new_without_allow(KEY);
    bare.add(
        7,
        3,
        "x".into(),
        &format!("{constitution} {}", prose(42, 300)),
    );
    assert!(!bare.query(&quoting, 3).is_empty());
}

#[test]
fn f8_short_overlap_is_logged_not_blocked() {
    let (ix, secret) = index_with_secret();
    let q = format!(
        "{} {} {}",
        unrelated(11, 200),
        passage(&secret, 10, 26),
        unrelated(12, 200)
    );
    let scanner = Scanner::new(&MarkingSpec::default_set()).with_index(&ix);
    let v = scan_bytes("a.txt", q.as_bytes(), &scanner);
    assert_eq!(v.verdict, Verdict::Pass, "{:#?}", v.findings);
    if let Some(f) = v.findings.iter().find(|f| f.kind == FindingKind::Copy) {
        assert_eq!(f.severity, Severity::Info);
    }
}

#[test]
fn f10_same_text_registered_twice_gives_one_alert() {
    let (mut ix, secret) = index_with_secret();
    ix.add(102, 2, "Bản đăng ký lại".into(), &secret);
    let m = ix.query(
        &format!("{} {}", unrelated(1, 50), passage(&secret, 200, 60)),
        3,
    );
    assert_eq!(m.len(), 1, "{m:#?}");
}

#[test]
fn clearance_remove_and_clean_documents() {
    let (mut ix, secret) = index_with_secret();
    let q = format!("{} {}", unrelated(2, 100), passage(&secret, 300, 60));
    assert!(
        ix.query(&q, 1).is_empty(),
        "a Tối mật document is not reported to a Mật clearance"
    );
    assert_eq!(ix.query(&q, 2).len(), 1);
    ix.remove(101);
    assert!(ix.query(&q, 3).is_empty());
    assert!(
        ix.query(&unrelated(99, 2000), 3).is_empty(),
        "unrelated text matches nothing"
    );
}

#[test]
fn serialisation_round_trip_and_key_check() {
    let (mut ix, secret) = index_with_secret();
    ix.remove(205);
    let q = format!("{} {}", unrelated(2, 100), passage(&secret, 300, 60));
    let bytes = ix.to_bytes();
    let back = FingerprintIndex::from_bytes(&bytes, KEY).expect("load");
    assert_eq!(back.query(&q, 3), ix.query(&q, 3));
    assert_eq!(back.len(), ix.len());
    assert!(matches!(
        FingerprintIndex::from_bytes(&bytes, [9; 16]),
        Err(IndexError::WrongKey)
    ));
    assert!(FingerprintIndex::from_bytes(&bytes[..bytes.len() / 2], KEY).is_err());
    // The former layout (version 1) and a future one are refused, never misread.
    for v in [1u8, 3] {
        let mut other = bytes.clone();
        other[8] = v;
        assert!(matches!(
            FingerprintIndex::from_bytes(&other, KEY),
            Err(IndexError::Version(n)) if n == v as u32
        ));
    }
    // A different key stores different fingerprints for the same document (keyed hash).
    let mut a = FingerprintIndex::new_without_allow(KEY);
    let mut b = FingerprintIndex::new_without_allow(*b"another-key-9876");
    a.add(1, 1, "x".into(), &secret);
    b.add(1, 1, "x".into(), &secret);
    let (ba, bb) = (a.to_bytes(), b.to_bytes());
    assert_ne!(ba[40..], bb[40..]);
    assert!(syllables(&q).len() > 100);
}

#[test]
fn f4_running_header_and_page_number_inside_the_passage() {
    let (ix, secret) = index_with_secret();
    let a = passage(&secret, 400, 30);
    let b = passage(&secret, 430, 30);
    let q = format!(
        "{} {a}\n12\nBÁO CÁO TÌNH HÌNH QUÝ III\n{b} {}",
        unrelated(21, 100),
        unrelated(22, 100)
    );
    let m = ix.query(&q, 3);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(m[0].copied_syllables >= 40, "{:?}", m[0]);
}

/// The CLI face (`bmnn scan`) redacts copy matches: a verbatim copy of a Tuyệt mật document
/// still blocks, but neither the human, JSON nor SARIF output names the document or its level
/// (the application sends those to the audit trail and the security officer).
#[test]
fn the_cli_faces_block_a_copy_without_naming_the_document() {
    let mut ix = FingerprintIndex::new(KEY);
    let secret = prose(901, 400);
    ix.add(42, 3, "Kế hoạch số 7/KH-BCA (Tuyệt mật)".into(), &secret);
    let scanner = Scanner::new(&MarkingSpec::default_set()).with_index(&ix);
    let mut v = scan_bytes("bai-dang.txt", secret.as_bytes(), &scanner);
    assert_eq!(v.verdict, Verdict::Block);
    assert!(v.findings.iter().any(|f| f.copy.is_some()));
    bmnn_scan::redact_copies(&mut v);
    assert_eq!(
        v.verdict,
        Verdict::Block,
        "redaction never changes the verdict"
    );
    assert_eq!(v.level, None);
    let copies: Vec<_> = v
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::Copy)
        .collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].reason, bmnn_scan::HIDDEN_MATCH_REASON);
    assert_eq!(copies[0].severity, Severity::Block);
    let all = [v];
    for out in [
        bmnn_scan::report::human(&all),
        bmnn_scan::report::json(&all),
        bmnn_scan::report::sarif(&all),
    ] {
        for leak in ["7/KH-BCA", "Tuyệt mật", "tuyet_mat", "\"doc_id\"", "42"] {
            assert!(!out.contains(leak), "{leak} in {out}");
        }
        assert!(out.contains("trùng với tài liệu bí mật nhà nước đã đăng ký"));
    }
}
