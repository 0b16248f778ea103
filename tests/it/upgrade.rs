//! Upgrade path: a data folder made by release 0.1 (commit a3d82cd, `tests/fixtures/release-0.1`,
//! data key in clear in keys/data.key) opened by this binary.

use crate::cli::{bmnn, cmd, text};
use std::path::Path;
use std::process::Stdio;

const PASS: &str = "mật khẩu sau nâng cấp 2026";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read fixture") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn release_0_1_folder_upgrades_without_loss() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/release-0.1");
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().join("data");
    copy_dir(&fixture, &d);
    let old_key: [u8; 32] = std::fs::read(d.join("keys/data.key"))
        .expect("old clear key")
        .try_into()
        .expect("32 bytes");
    let old_id = bmnn_vault::DataKey::from_bytes(old_key).id();

    // Before the upgrade: commands that need the key refuse and say what to run.
    for args in [
        &["serve", "--listen", "127.0.0.1:0"][..],
        &["backup"],
        &["keys", "verify"],
        &["audit", "verify"],
        &["register", "outgoing", "--year", "2026"],
    ] {
        let o = bmnn(&d, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains("bmnn keys init"), "{}", text(&o));
    }
    let o = bmnn(&d, &["doctor"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("KHÔNG MÃ HÓA"), "{}", text(&o));
    assert!(text(&o).contains("CHƯA mã hóa"), "{}", text(&o));

    // The migration: the OLD key is wrapped, the clear file is gone.
    let o = cmd(&d)
        .env("BMNN_PASSPHRASE", PASS)
        .args(["keys", "init"])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", text(&o));
    assert!(!d.join("keys/data.key").exists(), "clear key deleted");
    let ring: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("keys/keyring.json")).expect("ring"))
            .expect("json");
    assert_eq!(ring["key_id"], old_id.as_str(), "the same data key");
    for e in walk(&d) {
        let b = std::fs::read(&e).expect("read");
        assert!(!contains(&b, &old_key), "key bytes left in {}", e.display());
    }

    let run = |args: &[&str]| {
        let o = cmd(&d)
            .env("BMNN_PASSPHRASE", PASS)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run");
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        o.stdout
    };
    // Still a plain database: `keys init` converts nothing, the first keyed open does.
    let db = d.join("bmnn.db");
    assert!(
        std::fs::read(&db)
            .expect("db")
            .starts_with(b"SQLite format 3")
    );
    let plain_url = format!("sqlite://{}", db.display());
    let summaries: Vec<String> = bmnn_store::DbStore::open(&plain_url)
        .expect("plain")
        .export()
        .expect("export")
        .items
        .iter()
        .flat_map(|i| {
            let data: serde_json::Value = serde_json::from_str(&i.data).expect("item data");
            [
                data["summary"].as_str().unwrap_or_default().to_string(),
                i.search.clone(),
            ]
        })
        .filter(|s| s.len() >= 12)
        .collect();
    assert!(!summaries.is_empty());

    // The attachment and the scanner's item text still open with the wrapped key.
    let v = String::from_utf8(run(&["keys", "verify"])).expect("utf8");
    // That command opened the database with the key: it is now encrypted (SQLCipher), in place.
    assert!(
        !std::fs::read(&db)
            .expect("db")
            .starts_with(b"SQLite format 3"),
        "the database is encrypted after the upgrade"
    );
    for f in walk(&d).into_iter().filter(|f| {
        f.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("bmnn.db"))
    }) {
        let b = std::fs::read(&f).expect("read");
        for s in &summaries {
            assert!(
                !contains(&b, s.as_bytes()),
                "a summary left in {}",
                f.display()
            );
        }
    }
    assert!(v.contains("1/1") && !v.contains("0/1"), "{v}");
    assert!(
        !v.contains("/0;"),
        "the fixture has an attachment and an item text: {v}"
    );

    // The data: chain intact (96 records made by 0.1), registers, users, items.
    let audit = String::from_utf8(run(&["audit", "verify"])).expect("utf8");
    let n: u64 = audit
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .expect("count");
    assert!(n >= 96, "{audit}");
    for (kind, year, count) in [
        ("outgoing", "2025", 5),
        ("outgoing", "2026", 5),
        ("incoming", "2025", 1),
        ("incoming", "2026", 3),
        ("handover", "2025", 6),
        ("handover", "2026", 7),
    ] {
        let b: serde_json::Value = serde_json::from_slice(&run(&[
            "register", kind, "--year", year, "--format", "json",
        ]))
        .expect("json");
        let numbers: Vec<i64> = b["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| e["number"].as_i64().expect("n"))
            .collect();
        assert_eq!(numbers, (1..=count).collect::<Vec<_>>(), "{kind} {year}");
    }
    let users: Vec<serde_json::Value> =
        serde_json::from_slice(&run(&["user", "list", "--format", "json"])).expect("json");
    assert_eq!(users.len(), 8);
    assert!(users.iter().any(|u| u["username"] == "vanthu"));
    let doctor = String::from_utf8(run(&["doctor"])).expect("utf8");
    assert!(doctor.contains("được mã hóa (SQLCipher)"), "{doctor}");
    let export: serde_json::Value =
        serde_json::from_slice(&run(&["export", "--plain"])).expect("json");
    assert_eq!(export["items"].as_array().expect("items").len(), 17);
    // And it keeps working: a backup, a new numbered entry through the service, a chain.
    run(&["backup"]);
    run(&["tick"]);
    assert!(
        String::from_utf8(run(&["audit", "verify"]))
            .expect("utf8")
            .contains("toàn vẹn")
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
