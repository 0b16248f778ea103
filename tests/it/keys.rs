//! `bmnn keys`: the data key is only ever stored wrapped; every way to unlock it, every refusal
//! leaves the keyring unchanged.

use crate::cli::{bmnn, cmd, text};
use std::path::Path;
use std::process::{Output, Stdio};

const PASS: &str = "mật khẩu quản trị rất dài 2026";

/// `bmnn` with an explicit key source (and nothing inherited), no TTY.
fn with(data: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = cmd(data);
    c.env_remove("BMNN_PASSPHRASE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run bmnn")
}

fn recovery_code(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .find(|w| w.len() == 71 && w.matches('-').count() == 7)
        .expect("recovery code printed")
        .to_string()
}

fn ring(data: &Path) -> Vec<u8> {
    std::fs::read(data.join("keys/keyring.json")).expect("keyring")
}

fn status(data: &Path) -> serde_json::Value {
    let o = with(data, &[], &["keys", "status", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o));
    serde_json::from_slice(&o.stdout).expect("json")
}

fn labels(data: &Path) -> Vec<String> {
    status(data)["keyring"]["wraps"]
        .as_array()
        .expect("wraps")
        .iter()
        .map(|w| w["label"].as_str().expect("label").to_string())
        .collect()
}

#[test]
fn keys_lifecycle_and_refusals() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let usb = tempfile::tempdir().expect("removable media");

    // Nothing yet: commands that need the key say to run `keys init`.
    let o = with(d, &[("BMNN_PASSPHRASE", PASS)], &["backup"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("bmnn keys init"), "{}", text(&o));

    // init: a too-short passphrase is refused and creates nothing.
    let o = with(d, &[("BMNN_PASSPHRASE", "ngắn")], &["keys", "init"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!d.join("keys/keyring.json").exists());
    // No key source and no terminal: init says exactly how to give the passphrase.
    let o = with(d, &[], &["keys", "init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("BMNN_PASSPHRASE"), "{}", text(&o));

    let o = with(d, &[("BMNN_PASSPHRASE", PASS)], &["keys", "init"]);
    assert!(o.status.success(), "{}", text(&o));
    let code = recovery_code(&o);
    assert_eq!(labels(d), ["admin", "recovery-1"]);
    let key_id = status(d)["keyring"]["key_id"]
        .as_str()
        .expect("id")
        .to_string();
    let o = with(d, &[("BMNN_PASSPHRASE", PASS)], &["keys", "init"]);
    assert_eq!(o.status.code(), Some(2), "no second init");
    assert!(
        std::str::from_utf8(&ring(d))
            .expect("utf8")
            .contains("\"wrapped\"")
    );

    // The data folder needs data to back up (encrypted under this keyring's key).
    let o = with(d, &[("BMNN_PASSPHRASE", PASS)], &["demo"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        !std::fs::read(d.join("bmnn.db"))
            .expect("db")
            .starts_with(b"SQLite format 3")
    );
    let backups = d.join("bk");
    let bk = backups.to_str().expect("p");
    let o = with(d, &[("BMNN_PASSPHRASE", PASS)], &["backup", "--output", bk]);
    assert!(o.status.success(), "{}", text(&o));

    // No key source, no terminal: a clear message in Vietnamese and English.
    let o = with(d, &[], &["backup", "--output", bk]);
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    assert!(
        t.contains("--key-file") && t.contains("BMNN_PASSPHRASE") && t.contains("No way to unlock"),
        "{t}"
    );
    // Wrong passphrase: refused, keyring unchanged.
    let before = ring(d);
    for args in [
        &["backup", "--output", bk][..],
        &["keys", "add-recovery"],
        &["keys", "remove", "admin"],
        &["keys", "change-passphrase"],
    ] {
        let o = with(
            d,
            &[
                ("BMNN_PASSPHRASE", "một mật khẩu sai hoàn toàn"),
                ("BMNN_NEW_PASSPHRASE", "mật khẩu mới đủ dài 2027"),
            ],
            args,
        );
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(text(&o).contains("không đúng"), "{}", text(&o));
        assert_eq!(ring(d), before, "{args:?} changed the keyring");
    }
    // The recovery code unlocks too; so does a passphrase file.
    let o = with(d, &[("BMNN_PASSPHRASE", &code)], &["keys", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    let pf = usb.path().join("pass.txt");
    std::fs::write(&pf, format!("{PASS}\n")).expect("write");
    let o = with(
        d,
        &[],
        &[
            "--passphrase-file",
            pf.to_str().expect("p"),
            "keys",
            "verify",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));

    // A key file next to the data is refused; on removable media it is created and unlocks.
    let o = with(
        d,
        &[("BMNN_PASSPHRASE", PASS)],
        &[
            "keys",
            "add-keyfile",
            d.join("usb.key").to_str().expect("p"),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!d.join("usb.key").exists());
    assert_eq!(ring(d), before);
    let kf = usb.path().join("bmnn.key");
    let kfs = kf.to_str().expect("p");
    let o = with(
        d,
        &[("BMNN_PASSPHRASE", PASS)],
        &["keys", "add-keyfile", kfs],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(labels(d), ["admin", "recovery-1", "keyfile-1"]);
    let o = with(d, &[("BMNN_KEY_FILE", kfs)], &["keys", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = with(d, &[], &["--key-file", kfs, "backup", "--output", bk]);
    assert!(o.status.success(), "{}", text(&o));
    // Change the passphrase: the old one stops working, the new one works.
    let new = "mật khẩu mới đủ dài 2027";
    let o = with(
        d,
        &[("BMNN_PASSPHRASE", PASS), ("BMNN_NEW_PASSPHRASE", new)],
        &["keys", "change-passphrase"],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        with(d, &[("BMNN_PASSPHRASE", PASS)], &["keys", "verify"])
            .status
            .code(),
        Some(2)
    );
    assert!(
        with(d, &[("BMNN_PASSPHRASE", new)], &["keys", "verify"])
            .status
            .success()
    );

    // Remove: a label that does not exist, then down to one wrap, never the last.
    let o = with(
        d,
        &[("BMNN_KEY_FILE", kfs)],
        &["keys", "remove", "không-có"],
    );
    assert_eq!(o.status.code(), Some(2));
    for l in ["recovery-1", "admin"] {
        let o = with(d, &[("BMNN_KEY_FILE", kfs)], &["keys", "remove", l]);
        assert!(o.status.success(), "{}", text(&o));
    }
    assert_eq!(labels(d), ["keyfile-1"]);
    let last = ring(d);
    let o = with(
        d,
        &[("BMNN_KEY_FILE", kfs)],
        &["keys", "remove", "keyfile-1"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("cuối cùng"), "{}", text(&o));
    assert_eq!(ring(d), last);
    assert_eq!(
        with(d, &[("BMNN_PASSPHRASE", &code)], &["keys", "verify"])
            .status
            .code(),
        Some(2),
        "removed recovery code no longer unlocks"
    );

    // Rotate (re-wrap): every old way is replaced; same data key, so old backups restore.
    let rotated = "mật khẩu sau khi xoay vòng";
    let o = with(
        d,
        &[("BMNN_KEY_FILE", kfs), ("BMNN_NEW_PASSPHRASE", rotated)],
        &["keys", "rotate"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let code2 = recovery_code(&o);
    assert_eq!(labels(d), ["admin", "recovery-1"]);
    assert_eq!(status(d)["keyring"]["key_id"], key_id.as_str());
    assert_eq!(
        with(d, &[("BMNN_KEY_FILE", kfs)], &["keys", "verify"])
            .status
            .code(),
        Some(2),
        "old key file no longer unlocks"
    );
    let first = std::fs::read_dir(&backups)
        .expect("dir")
        .map(|e| e.expect("e").path())
        .filter(|p| p.extension().is_some_and(|x| x == "bmnnbak"))
        .min()
        .expect("a backup");
    let o = with(
        d,
        &[("BMNN_PASSPHRASE", &code2)],
        &["restore", first.to_str().expect("p"), "--yes"],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        with(d, &[("BMNN_PASSPHRASE", rotated)], &["audit", "verify"])
            .status
            .success()
    );
}

#[test]
fn disaster_recovery_restores_on_a_fresh_folder_with_the_keyring_beside_the_backups() {
    let dir = crate::cli::demo();
    let bk = dir.path().join("bk");
    let o = bmnn(dir.path(), &["backup", "--output", bk.to_str().expect("p")]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(bk.join("keyring.json").exists(), "keyring copied beside");
    let file = std::fs::read_dir(&bk)
        .expect("dir")
        .map(|e| e.expect("e").path())
        .find(|p| p.extension().is_some_and(|x| x == "bmnnbak"))
        .expect("backup");
    let fresh = tempfile::tempdir().expect("tempdir");
    // Wrong passphrase: refused, nothing installed.
    let o = with(
        fresh.path(),
        &[("BMNN_PASSPHRASE", "không phải mật khẩu này")],
        &["restore", file.to_str().expect("p"), "--yes"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!fresh.path().join("keys/keyring.json").exists());
    let o = bmnn(
        fresh.path(),
        &["restore", file.to_str().expect("p"), "--yes"],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(fresh.path().join("keys/keyring.json").exists());
    assert!(bmnn(fresh.path(), &["audit", "verify"]).status.success());
    assert_eq!(
        bmnn(fresh.path(), &["export", "--plain"]).stdout,
        bmnn(dir.path(), &["export", "--plain"]).stdout
    );
}

#[test]
fn doctor_checks_the_key_and_the_backups() {
    let dir = crate::cli::demo();
    let d = dir.path();
    let t = text(&bmnn(d, &["doctor"]));
    assert!(t.contains("mở được bằng nguồn khóa đã cho"), "{t}");
    let o = with(
        d,
        &[("BMNN_PASSPHRASE", "không phải mật khẩu")],
        &["doctor"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("KHÔNG mở được"), "{}", text(&o));
    let o = with(d, &[], &["doctor"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("chưa thử mở"), "{}", text(&o));

    // A failed backup run is shown (as an error) until a later run succeeds.
    let not_a_dir = d.join("tep-thuong");
    std::fs::write(&not_a_dir, b"x").expect("write");
    let o = bmnn(d, &["backup", "--output", not_a_dir.to_str().expect("p")]);
    assert_eq!(o.status.code(), Some(2));
    let o = bmnn(d, &["doctor"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("THẤT BẠI"), "{}", text(&o));
    assert!(bmnn(d, &["backup"]).status.success());
    let o = bmnn(d, &["doctor"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("cách đây 0 giờ"), "{}", text(&o));

    // The newest backup older than 2 days: a warning.
    let bk = d.join("backups");
    for e in std::fs::read_dir(&bk).expect("dir").flatten() {
        if e.path().extension().is_some_and(|x| x == "bmnnbak") {
            std::fs::rename(e.path(), bk.join("bmnn-20200101-000000.bmnnbak")).expect("mv");
        }
    }
    let t = text(&bmnn(d, &["doctor"]));
    assert!(t.contains("[CẢNH BÁO] Sao lưu: bản mới nhất đã"), "{t}");
}

#[test]
fn serve_demo_stays_one_non_interactive_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().join("bmnn-data");
    for round in 0..2 {
        let mut c = cmd(&d);
        c.env_remove("BMNN_PASSPHRASE");
        let mut child = c
            .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
            .env("BMNN_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
            &mut line,
        )
        .expect("line");
        assert!(
            line.contains("đang chạy tại http://"),
            "round {round}: {line}"
        );
        child.kill().expect("kill");
        let o = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&o.stderr);
        // The public passphrase is announced when the demo keyring is made.
        assert_eq!(
            err.contains("CÔNG KHAI"),
            round == 0,
            "round {round}: {err}"
        );
        assert_eq!(labels(&d), ["demo"]);
    }
    assert!(!d.join("keys/data.key").exists());
    // A real installation: `init` needs the keyring first, says so, and creates nothing.
    let real = tempfile::tempdir().expect("tempdir");
    let o = crate::cli::bmnn_stdin(
        real.path(),
        &["init", "--password-stdin"],
        "một mật khẩu đủ dài\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("bmnn keys init"), "{}", text(&o));
    assert!(!real.path().join("bmnn.db").exists());
    // One made before encryption (users in a plain database, no keyring yet) is never given
    // the public demo passphrase.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/release-0.1");
    std::fs::copy(fixture.join("bmnn.db"), real.path().join("bmnn.db")).expect("copy");
    let o = with(
        real.path(),
        &[],
        &["serve", "--demo", "--listen", "127.0.0.1:0"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("bmnn keys init"), "{}", text(&o));
    assert!(!real.path().join("keys/keyring.json").exists());
}

#[test]
fn keyring_changes_are_recorded_in_the_audit_chain_without_secrets() {
    let dir = crate::cli::demo();
    let demo = crate::cli::DEMO_PASSPHRASE;
    let second = "mật khẩu thứ hai rất dài 2026";
    let before = crate::cli::keyed_store(dir.path())
        .export()
        .expect("export")
        .audit_log
        .len();
    let o = with(
        dir.path(),
        &[("BMNN_PASSPHRASE", demo), ("BMNN_NEW_PASSPHRASE", second)],
        &["keys", "add-passphrase", "--label", "thu-hai"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = with(
        dir.path(),
        &[("BMNN_PASSPHRASE", demo)],
        &["keys", "remove", "thu-hai"],
    );
    assert!(o.status.success(), "{}", text(&o));
    // A refused change (the last wrap... here an unknown label) records nothing.
    let o = with(
        dir.path(),
        &[("BMNN_PASSPHRASE", demo)],
        &["keys", "remove", "khong-co"],
    );
    assert!(!o.status.success());
    let log = crate::cli::keyed_store(dir.path())
        .export()
        .expect("export")
        .audit_log;
    let new: Vec<(String, String, String)> = log[before..]
        .iter()
        .map(|r| (r.action.clone(), r.object.clone(), r.details.clone()))
        .collect();
    let actions: Vec<&str> = new.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(actions, ["keys.add-passphrase", "keys.remove"], "{new:?}");
    for (_, object, details) in &new {
        assert!(object.starts_with("keyring:"), "{object}");
        assert_eq!(details, "label=thu-hai");
        assert!(!details.contains(second) && !details.contains(demo));
    }
    let o = bmnn(dir.path(), &["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
}

/// Issue 16 point 8: a real installation refuses common, repeated, sequential and the public
/// demo passphrases, at `keys init`, `add-passphrase` and `change-passphrase`; nothing changes.
#[test]
fn weak_common_and_demo_passphrases_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let weak = [
        ("aaaaaaaaaaaa", "lặp lại"),
        ("123456789012", "phổ biến"),
        ("345678901234", "liên tiếp"),
        ("abcabcabcabc", "lặp lại"),
        ("Password1234", "phổ biến"),
        (crate::cli::DEMO_PASSPHRASE, "minh họa CÔNG KHAI"),
    ];
    for (p, why) in weak {
        let o = with(d, &[("BMNN_PASSPHRASE", p)], &["keys", "init"]);
        assert_eq!(o.status.code(), Some(2), "{p}: {}", text(&o));
        assert!(text(&o).contains(why), "{p}: {}", text(&o));
        assert!(
            !d.join("keys/keyring.json").exists(),
            "{p}: keyring created"
        );
    }
    let o = with(d, &[("BMNN_PASSPHRASE", PASS)], &["keys", "init"]);
    assert!(o.status.success(), "{}", text(&o));
    let before = ring(d);
    for (p, why) in weak {
        for args in [
            &["keys", "add-passphrase", "--label", "pho-giam-doc"][..],
            &["keys", "change-passphrase"],
        ] {
            let o = with(
                d,
                &[("BMNN_PASSPHRASE", PASS), ("BMNN_NEW_PASSPHRASE", p)],
                args,
            );
            assert_eq!(o.status.code(), Some(2), "{p} {args:?}: {}", text(&o));
            assert!(text(&o).contains(why), "{p}: {}", text(&o));
            assert_eq!(ring(d), before, "{p} {args:?} changed the keyring");
        }
    }
    // The old passphrase still opens; a good new one is accepted.
    let o = with(
        d,
        &[
            ("BMNN_PASSPHRASE", PASS),
            ("BMNN_NEW_PASSPHRASE", "trâu vàng gặm cỏ bên sông Hồng"),
        ],
        &["keys", "add-passphrase", "--label", "pho-giam-doc"],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(labels(d), ["admin", "recovery-1", "pho-giam-doc"]);
}
