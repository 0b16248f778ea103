//! `bmnn scan FOLDER` through the binary (issue 11 point 6, issue 16 point 1's last line): the
//! folder is read in parallel by the pool of isolated workers, files of unknown extensions are
//! sniffed (text read, anything else `review`), symbolic links are reported and not followed,
//! nothing is skipped silently, and a summary goes to stderr. `doctor` reports the workers'
//! sandbox, and a worker started with BMNN_PASSPHRASE in the parent's environment has a clean
//! one.

use crate::cli::{bmnn, text};
use serde_json::Value;

fn entry<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.as_array()
        .expect("array")
        .iter()
        .find(|e| e["file"].as_str().is_some_and(|f| f.ends_with(name)))
        .unwrap_or_else(|| panic!("{name} missing from {v}"))
}

#[test]
fn scan_folder_reads_everything_in_parallel_and_reports_what_it_did_not_read() {
    let data = tempfile::tempdir().expect("tmp");
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("dang-tai");
    let sub = root.join("phong").join("thang-11");
    std::fs::create_dir_all(&sub).expect("mkdir");
    let outside = dir.path().join("ngoai");
    std::fs::create_dir(&outside).expect("mkdir");
    std::fs::write(
        root.join("thong-bao.txt"),
        "Thông báo lịch nghỉ Tết của cơ quan.\n",
    )
    .expect("w");
    std::fs::write(sub.join("lich.txt"), "TỐI MẬT\n\nLịch công tác tuần 48\n").expect("w");
    // An extension without a reader: text is read (and its stamp found) …
    std::fs::write(
        sub.join("ghi-chu.bak"),
        "MẬT\n\nGhi chú cuộc họp giao ban\n",
    )
    .expect("w");
    // … anything else is reviewed, never passed.
    std::fs::write(
        sub.join("du-lieu.bin"),
        [0u8, 159, 146, 150, 1, 2, 3, 0, 255],
    )
    .expect("w");
    // Many files so that the workers share the folder.
    for i in 0..12 {
        std::fs::write(
            root.join(format!("bao-cao-{i:02}.txt")),
            format!("Báo cáo số {i} về phong trào thi đua.\n"),
        )
        .expect("w");
    }
    // A link to a stamped file outside the folder: reported, not followed.
    std::fs::write(outside.join("mat.txt"), "TUYỆT MẬT\n\nKế hoạch\n").expect("w");
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.join("mat.txt"), root.join("lien-ket.txt")).expect("ln");

    let o = bmnn(
        data.path(),
        &[
            "scan",
            "--format",
            "json",
            "--workers",
            "2",
            root.to_str().expect("p"),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let n = v.as_array().expect("array").len();
    assert_eq!(
        n,
        12 + 4 + usize::from(cfg!(unix)),
        "every entry reported: {v}"
    );
    assert_eq!(entry(&v, "thong-bao.txt")["verdict"], "pass");
    assert_eq!(entry(&v, "lich.txt")["verdict"], "block");
    assert_eq!(
        entry(&v, "ghi-chu.bak")["verdict"],
        "block",
        "sniffed as text"
    );
    let bin = entry(&v, "du-lieu.bin");
    assert_eq!(bin["verdict"], "review");
    assert!(bin.to_string().contains("không nhận ra"), "{bin}");
    if cfg!(unix) {
        let link = entry(&v, "lien-ket.txt");
        assert_eq!(link["verdict"], "review", "{link}");
        assert!(link.to_string().contains("liên kết tượng trưng"), "{link}");
        // Not followed: the target's stamp is nowhere in the answer.
        assert!(!v.to_string().contains("TUYỆT MẬT"), "{v}");
    }
    for i in 0..12 {
        assert_eq!(entry(&v, &format!("bao-cao-{i:02}.txt"))["verdict"], "pass");
    }
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("Đã kiểm tra 16 tệp"), "{err}");
    assert!(err.contains("2 tiến trình trích xuất"), "{err}");
    assert!(
        err.contains(&format!("{} mục không kiểm tra", usize::from(cfg!(unix)))),
        "{err}"
    );
    // No progress bar when stderr is not a terminal.
    assert!(!err.contains('█') && !err.contains("tệp ("), "{err}");

    // SARIF too, same verdicts.
    let o = bmnn(
        data.path(),
        &["scan", "--format", "sarif", root.to_str().expect("p")],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let s: Value = serde_json::from_slice(&o.stdout).expect("sarif");
    assert_eq!(s["version"], "2.1.0");
}

#[test]
fn doctor_reports_the_extraction_sandbox_and_the_worker_environment_is_clean() {
    let data = tempfile::tempdir().expect("tmp");
    // `bmnn` runs with BMNN_PASSPHRASE set (crate::cli::cmd); the worker must not see it.
    let o = bmnn(data.path(), &["doctor"]);
    let t = text(&o);
    let line = t
        .lines()
        .find(|l| l.contains("Cách ly trích xuất tệp"))
        .unwrap_or_else(|| panic!("no sandbox line: {t}"));
    assert!(line.contains("môi trường sạch: có"), "{line}");
    assert!(line.contains("giới hạn tài nguyên: có"), "{line}");
    eprintln!("{line}");
}
