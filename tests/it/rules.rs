//! Rules overrides (tệp quy tắc thay thế) in `<data>/rules`: listed by `doctor` with what they
//! change, logged when the server starts, and refused when they remove or weaken a stamp the
//! embedded regimes define.

use crate::cli::{bmnn, cmd, demo, text};
use bmnn_core::rules::EMBEDDED;
use std::io::BufRead;
use std::process::Stdio;

fn embedded(name: &str) -> &'static str {
    EMBEDDED.iter().find(|(n, _)| *n == name).expect("file").1
}

/// The regime text without the stamp of `code`.
fn drop_stamp(text: &str, code: &str) -> String {
    let start = text
        .find(&format!("[[stamps]]\ncode = \"{code}\""))
        .expect("stamp");
    let end = text[start + 10..]
        .find("[[stamps]]")
        .map_or(text.len(), |e| start + 10 + e);
    format!("{}{}", &text[..start], &text[end..])
}

#[test]
fn an_override_is_listed_by_doctor_with_what_it_changes_and_logged_at_start() {
    let dir = demo();
    let o = bmnn(dir.path(), &["doctor"]);
    assert!(
        text(&o).contains("Tệp quy tắc thay thế: không có; dùng quy tắc gắn sẵn"),
        "{}",
        text(&o)
    );
    // Who approves a Tối mật copy widened to heads of division, and a stamp added, by an extra
    // file: the law in force is no longer the embedded one, and the administrator must see
    // each change in plain Vietnamese.
    let a = embedded("regime-a.toml");
    let changed = a
        .replacen(
            "act = \"copy\"\nlevels = [\"toi-mat\"]\ngroups = [\"TM\"]",
            "act = \"copy\"\nlevels = [\"toi-mat\"]\ngroups = [\"TM\", \"M\"]",
            1,
        )
        .replacen(
            "[[stamps]]",
            "[[stamps]]\ncode = \"khan\"\ntext = \"KHẨN\"\nkind = \"copy\"\nform = \"x\"\n[[stamps]]",
            1,
        );
    assert_ne!(changed, a);
    std::fs::create_dir_all(dir.path().join("rules")).expect("dir");
    std::fs::write(dir.path().join("rules/regime-a.toml"), &changed).expect("write");
    std::fs::write(
        dir.path().join("rules/ghi-chu.txt"),
        "không phải tệp quy tắc",
    )
    .expect("write");
    let o = bmnn(dir.path(), &["doctor"]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(
        t.contains("[CẢNH BÁO] Tệp quy tắc thay thế:")
            && t.contains("regime-a.toml (thay tệp gắn sẵn cùng tên), 2 thay đổi so với quy tắc gắn sẵn:")
            && t.contains("\n    - Thẩm quyền cho phép sao, chụp tài liệu Tối mật — người đứng đầu được quyết định: thêm «Nhóm Điều 11 khoản 1, 2 và 3 (được cho phép sao, chụp Mật)»\n")
            && t.contains("\n    - Mẫu dấu «KHẨN»: thêm mới"),
        "{t}"
    );
    assert!(
        !t.contains("authority") && !t.contains("stamps"),
        "no TOML key: {t}"
    );
    assert!(
        !t.contains("ghi-chu.txt"),
        "only .toml files are rules: {t}"
    );

    // The server logs every override in force when it starts.
    let mut child = cmd(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut logged = None;
    for line in std::io::BufReader::new(child.stderr.take().expect("stderr")).lines() {
        let line = line.expect("line");
        if line.contains("rules override in force") {
            logged = Some(line);
            break;
        }
        if line.contains("listening") || line.contains("copy index loaded") {
            break;
        }
    }
    child.kill().expect("kill");
    child.wait().expect("wait");
    let line = logged.expect("the override is logged at start");
    assert!(
        line.contains("regime-a.toml") && line.contains("authority [3].groups"),
        "{line}"
    );
}

#[test]
fn an_override_may_not_remove_or_weaken_a_stamp() {
    let dir = demo();
    let stamped = dir.path().join("lich-cong-tac.txt");
    std::fs::write(
        &stamped,
        "TỐI MẬT\n\nLịch công tác tuần 48 của lãnh đạo Sở\n",
    )
    .expect("write");
    std::fs::create_dir_all(dir.path().join("rules")).expect("dir");
    let b = embedded("regime-b.toml");
    let cases = [
        (
            "regime-b.toml",
            drop_stamp(b, "toi-mat"),
            "bỏ mẫu dấu «TỐI MẬT» của chế độ B",
        ),
        (
            "regime-a.toml",
            embedded("regime-a.toml").replace("text = \"MẬT\"", "text = \"MẬT (không dùng)\""),
            "sửa mẫu dấu «MẬT» của chế độ A",
        ),
        (
            // A new regime from a later date without the stamp.
            "regime-c.toml",
            drop_stamp(b, "tuyet-mat")
                .replace("code = \"B\"", "code = \"C\"")
                .replacen(
                    "effective_from = \"2026-03-01\"",
                    "effective_from = \"2026-09-01\"",
                    1,
                ),
            "bỏ mẫu dấu «TUYỆT MẬT» của chế độ B (chế độ C",
        ),
    ];
    for (file, body, says) in cases {
        let p = dir.path().join("rules").join(file);
        std::fs::write(&p, body).expect("write");
        let o = bmnn(dir.path(), &["rules"]);
        assert_eq!(o.status.code(), Some(2), "{file}: {}", text(&o));
        assert!(text(&o).contains(says), "{file}: {}", text(&o));
        // The scanner does not run on weakened rules (it would pass the stamp).
        let o = bmnn(dir.path(), &["scan", stamped.to_str().expect("p")]);
        assert!(!o.status.success(), "{file}: {}", text(&o));
        assert!(text(&o).contains(says), "{file}: {}", text(&o));
        let o = bmnn(dir.path(), &["doctor"]);
        assert_eq!(o.status.code(), Some(1), "{file}: {}", text(&o));
        assert!(text(&o).contains(says), "{file}: {}", text(&o));
        // Nor does the server start.
        let o = bmnn(dir.path(), &["serve", "--listen", "127.0.0.1:0"]);
        assert!(!o.status.success(), "{file}: {}", text(&o));
        assert!(text(&o).contains(says), "{file}: {}", text(&o));
        std::fs::remove_file(&p).expect("remove");
    }
    // With the overrides gone, the stamp blocks again.
    let o = bmnn(dir.path(), &["rules"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = bmnn(dir.path(), &["scan", stamped.to_str().expect("p")]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a stamped file is blocked: {}",
        text(&o)
    );
    assert!(text(&o).contains("TỐI MẬT"), "{}", text(&o));
}
