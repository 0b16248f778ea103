//! The negative corpus (issue 11): public texts about protecting state secrets — the five seed
//! reports of this work, copied into `tests/fixtures/negative/` — and sentences that only
//! mention a stamp's name must pass clean: a stamp is a short standalone block, not a phrase
//! anywhere.

use bmnn_scan::Verdict;

use crate::util::*;

#[test]
fn the_public_seed_reports_pass_clean() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/negative");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("negative corpus") {
        let path = e.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let v = scan(&path.file_name().expect("name").to_string_lossy(), &bytes);
        assert_eq!(
            v.verdict,
            Verdict::Pass,
            "{}: {:#?}",
            path.display(),
            v.findings
        );
        n += 1;
    }
    assert!(n >= 5, "the five seed reports are in the corpus");
}

#[test]
fn sentences_that_name_a_stamp_are_not_stamps() {
    for s in [
        "không có trường hợp gia hạn thời hạn bảo vệ bí mật nhà nước",
        "Không có trường hợp gia hạn thời hạn bảo vệ bí mật nhà nước.",
        "Trong năm không có tài liệu nào được đóng dấu TỐI MẬT sai quy định.",
        "Việc đóng dấu \"MẬT\" được thực hiện đúng mẫu.",
        "gia hạn thời hạn bảo vệ bí mật nhà nước",
    ] {
        let v = verdict_of_txt(&format!(
            "Báo cáo công tác năm 2025\n{s}\nNơi nhận: như trên.\n"
        ));
        assert_passes(&v);
    }
    // The stamps themselves, on their own line, still count.
    assert_blocks(&verdict_of_txt("Số: 12/BC\nTỐI MẬT\nBáo cáo tuần\n"));
}
