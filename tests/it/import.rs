//! `bmnn import` as a controlled restore, `doctor`'s privileged accounts and data check, a
//! corrupt row under `serve`, and the keyring's copies and weaknesses (issue 16 points 3 and 8,
//! issue 14 "import trusts its input").

use crate::cli::{
    DEMO_PASSPHRASE, bmnn, cmd, demo, http_status, keyed_store, serve_until_ready, text,
};
use serde_json::{Value, json};
use std::path::Path;

fn s(p: &Path) -> &str {
    p.to_str().expect("path")
}

/// A fresh folder sharing `from`'s keyring (the same data key).
fn sibling(from: &Path) -> tempfile::TempDir {
    let other = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(other.path().join("keys")).expect("mkdir");
    std::fs::copy(
        from.join("keys/keyring.json"),
        other.path().join("keys/keyring.json"),
    )
    .expect("copy");
    other
}

fn plain_export(data: &Path) -> Value {
    let o = bmnn(data, &["export", "--plain"]);
    assert!(o.status.success(), "{}", text(&o));
    serde_json::from_slice(&o.stdout).expect("json")
}

fn users_in(data: &Path) -> usize {
    plain_export(data)["users"].as_array().map_or(0, Vec::len)
}

fn write_json(p: &Path, v: &Value) {
    std::fs::write(p, serde_json::to_vec(v).expect("json")).expect("write");
}

#[test]
fn import_takes_only_files_sealed_by_this_installation_unless_told() {
    let dir = demo();
    let data = dir.path();
    assert!(bmnn(data, &["user", "token", "baomat"]).status.success());
    let sealed = data.join("du-lieu.bmnn");
    assert!(bmnn(data, &["export", "-o", s(&sealed)]).status.success());
    let plain = data.join("du-lieu.json");
    assert!(
        bmnn(data, &["export", "--plain", "-o", s(&plain)])
            .status
            .success()
    );

    // Unsealed: refused, saying why and how to accept it; nothing written.
    let other = sibling(data);
    let o = bmnn(other.path(), &["import", s(&plain)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("không được niêm phong") && t.contains("--accept-unsealed"),
        "{t}"
    );
    assert_eq!(users_in(other.path()), 0);
    // Sealed under another installation's key: refused as foreign.
    let foreign = tempfile::tempdir().expect("tempdir");
    let pass = "một mật khẩu khác đủ dài 2026";
    let o = cmd(foreign.path())
        .args(["keys", "init", "--no-recovery"])
        .env("BMNN_PASSPHRASE", pass)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", text(&o));
    let o = cmd(foreign.path())
        .args(["import", s(&sealed)])
        .env("BMNN_PASSPHRASE", pass)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("khóa khác"), "{}", text(&o));
    // A damaged sealed file: refused.
    let mut bad = std::fs::read(&sealed).expect("read");
    let i = bad.len() / 2;
    bad[i] ^= 1;
    let badf = data.join("hong.bmnn");
    std::fs::write(&badf, &bad).expect("write");
    let o = bmnn(other.path(), &["import", s(&badf)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("bị hỏng hoặc bị sửa"), "{}", text(&o));
    assert_eq!(users_in(other.path()), 0);
    // The sealed one without --accept-privileged: refused, naming each privileged account
    // (issue 16: accounts with privileges never come in unseen); nothing written.
    let o = bmnn(other.path(), &["import", s(&sealed)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("tài khoản có đặc quyền")
            && t.contains("admin (")
            && t.contains("quản trị viên")
            && t.contains("--accept-privileged"),
        "{t}"
    );
    assert_eq!(users_in(other.path()), 0);
    // Accepted: imported, the privileged accounts named, tokens left behind, recorded.
    let o = bmnn(other.path(), &["import", "--accept-privileged", s(&sealed)]);
    assert!(o.status.success(), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("Tài khoản có đặc quyền")
            && t.contains("admin (")
            && t.contains("quản trị viên"),
        "{t}"
    );
    assert!(t.contains("mã truy cập API có trong tệp"), "{t}");
    let after = plain_export(other.path());
    assert_eq!(after["api_tokens"].as_array().map(Vec::len), Some(0));
    let last = after["audit_log"]
        .as_array()
        .and_then(|l| l.last())
        .expect("record")
        .clone();
    assert_eq!(last["action"], "dataset.import");
    assert!(
        last["details"]
            .as_str()
            .is_some_and(|d| d.contains("source=sealed")),
        "{last}"
    );
    assert!(bmnn(other.path(), &["audit", "verify"]).status.success());
}

#[test]
fn a_planted_administrator_or_a_lowered_level_is_refused_and_doctor_names_privileged_accounts() {
    let dir = demo();
    let data = dir.path();
    let full = plain_export(data);
    // A planted administrator with Tuyệt mật clearance (no record of its creation).
    let mut d = full.clone();
    let users = d["users"].as_array_mut().expect("users");
    let id = users
        .iter()
        .filter_map(|u| u["id"].as_i64())
        .max()
        .expect("id")
        + 1;
    let mut u = users[0].clone();
    let mut rec: Value = serde_json::from_str(u["data"].as_str().expect("data")).expect("json");
    rec["username"] = "kythuat2".into();
    rec["roles"] = json!(["admin"]);
    rec["clearance"] = "tuyet-mat".into();
    u["id"] = id.into();
    u["username"] = "kythuat2".into();
    u["data"] = rec.to_string().into();
    users.push(u.clone());
    let f = data.join("cai-tai-khoan.json");
    write_json(&f, &d);
    let other = sibling(data);
    let o = bmnn(other.path(), &["import", "--accept-unsealed", s(&f)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("tài khoản «kythuat2»"), "{}", text(&o));
    assert_eq!(users_in(other.path()), 0);
    // A Tối mật item whose level column says Mật (a Mật-only user would read it).
    let mut d = full.clone();
    let item = d["items"]
        .as_array_mut()
        .expect("items")
        .iter_mut()
        .find(|i| i["level"] == 2)
        .expect("a Tối mật item in the demo");
    item["level"] = 1.into();
    write_json(&f, &d);
    let o = bmnn(other.path(), &["import", "--accept-unsealed", s(&f)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("độ mật"), "{}", text(&o));
    assert_eq!(users_in(other.path()), 0);

    // doctor lists the privileged accounts of the live database …
    let o = bmnn(data, &["doctor"]);
    let t = text(&o);
    assert!(
        t.contains("Tài khoản đặc quyền") && t.contains("admin (quản trị viên"),
        "{t}"
    );
    assert!(t.contains("[OK      ] Dữ liệu"), "{t}");
    // … and flags one put into the database behind the services' back.
    let json = rec.to_string().replace('\'', "''");
    keyed_store(data)
        .execute_raw(&format!(
            "INSERT INTO users (username, data, failed_logins) VALUES ('kythuat2', '{json}', 0)"
        ))
        .expect("plant");
    let o = bmnn(data, &["doctor"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("«kythuat2»") && t.contains("KHÔNG được tạo qua hệ thống"),
        "{t}"
    );
}

#[test]
fn a_corrupt_row_does_not_stop_the_server_and_doctor_names_it() {
    let dir = demo();
    let data = dir.path();
    keyed_store(data)
        .execute_raw("UPDATE users SET data = '{\"hỏng\":' WHERE id = (SELECT MAX(id) FROM users)")
        .expect("corrupt");
    let mut c = cmd(data);
    c.args(["serve", "--listen", "127.0.0.1:0"]);
    let (mut child, url) = serve_until_ready(c);
    let status = http_status(&format!("{url}login"));
    child.kill().ok();
    child.wait().ok();
    assert_eq!(status, "200");
    let o = bmnn(data, &["doctor"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("Dữ liệu") && t.contains("tài khoản thứ") && t.contains("không đọc được"),
        "{t}"
    );
}

fn ring_of(p: &Path) -> bmnn_vault::Keyring {
    serde_json::from_slice(&std::fs::read(p).expect("ring")).expect("json")
}

#[test]
fn rotate_refreshes_the_keyring_copies_beside_backups() {
    let dir = demo();
    let data = dir.path();
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let bdir = elsewhere.path().join("sao-luu");
    assert!(bmnn(data, &["backup"]).status.success());
    assert!(bmnn(data, &["backup", "-o", s(&bdir)]).status.success());
    let copies = [bdir.join("keyring.json"), data.join("backups/keyring.json")];
    let list: Vec<std::path::PathBuf> = serde_json::from_slice(
        &std::fs::read(data.join("keys/keyring-copies.json")).expect("list"),
    )
    .expect("json");
    assert!(
        list.contains(&std::fs::canonicalize(&bdir).expect("dir")),
        "{list:?}"
    );
    // A folder written before the list existed is still found (the last backup's folder).
    std::fs::remove_file(data.join("keys/keyring-copies.json")).expect("rm");
    for c in &copies {
        assert!(ring_of(c).unlock(DEMO_PASSPHRASE.as_bytes()).is_ok());
    }
    let o = cmd(data)
        .args(["keys", "rotate"])
        .env("BMNN_NEW_PASSPHRASE", "mật khẩu mới đủ dài 2027")
        .output()
        .expect("rotate");
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("Đã cập nhật bản sao keyring"),
        "{}",
        text(&o)
    );
    let now = ring_of(&data.join("keys/keyring.json"));
    for c in &copies {
        let r = ring_of(c);
        assert_eq!(r, now, "{}", c.display());
        assert!(
            r.unlock(DEMO_PASSPHRASE.as_bytes()).is_err(),
            "the old passphrase no longer opens {}",
            c.display()
        );
    }
}

#[test]
fn a_keyring_with_weak_costs_or_duplicate_labels_is_refused_and_flagged() {
    let dir = demo();
    let data = dir.path();
    let path = data.join("keys/keyring.json");
    let good = ring_of(&path);
    let key = good.unlock(DEMO_PASSPHRASE.as_bytes()).expect("unlock");
    // A cheap wrap added (a weak passphrase made cheap to guess).
    let mut weak = good.clone();
    weak.add_with(
        &key,
        bmnn_vault::WrapKind::Passphrase,
        "du-phong",
        b"abc",
        1024,
        1,
    )
    .expect("wrap");
    std::fs::write(&path, serde_json::to_vec(&weak).expect("json")).expect("write");
    let o = bmnn(data, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("Argon2id yếu"), "{}", text(&o));
    let t = text(&bmnn(data, &["doctor"]));
    assert!(t.contains("keyring.json có thể đã bị sửa"), "{t}");
    // Two wraps with one label.
    let mut dup = good.clone();
    dup.wraps.push(good.wraps[0].clone());
    std::fs::write(&path, serde_json::to_vec(&dup).expect("json")).expect("write");
    let o = bmnn(data, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("hơn một lần"), "{}", text(&o));
    // The keyring as bmnn wrote it opens again.
    std::fs::write(&path, serde_json::to_vec(&good).expect("json")).expect("write");
    assert!(bmnn(data, &["audit", "verify"]).status.success());
}
