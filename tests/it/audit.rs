//! The audit trail against an insider who holds the data key: keyed records, signed
//! checkpoints (`audit checkpoint`, beside backups), and owner-only export and backup files.

use crate::cli::{DEMO_PASSPHRASE, bmnn, demo, text};
use bmnn_core::audit::{self, AuditInput};
use bmnn_core::ports::Store;
use serde_json::Value;
use std::path::Path;

fn data_key(data: &Path) -> bmnn_vault::DataKey {
    let ring: bmnn_vault::Keyring =
        serde_json::from_slice(&std::fs::read(data.join("keys/keyring.json")).expect("ring"))
            .expect("json");
    ring.unlock(DEMO_PASSPHRASE.as_bytes()).expect("unlock")
}

/// The database as the binary opens it (SQLCipher subkey, audit subkey).
fn store(data: &Path) -> bmnn_store::DbStore {
    let key = data_key(data);
    let url = format!("sqlite://{}", data.join("bmnn.db").display());
    bmnn_store::DbStore::open_keyed(&url, Some(key.derive("sqlite")))
        .expect("open keyed")
        .with_audit_key(key.derive("audit"))
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

fn s(p: &Path) -> &str {
    p.to_str().expect("path")
}

/// Rebuilds the chain of an export as someone holding the data key would: every seq, previous
/// hash and hash recomputed, and the MACs too when `key` is given (else the old ones kept).
fn rechain(d: &mut Value, key: Option<&[u8; 32]>) {
    let log = d["audit_log"].as_array_mut().expect("audit_log");
    let mut prev = audit::GENESIS.to_string();
    for (i, r) in log.iter_mut().enumerate() {
        let seq = i as i64 + 1;
        let f = |k: &str| r[k].as_str().expect("field").to_string();
        let input = AuditInput {
            at: f("at"),
            actor: f("actor"),
            action: f("action"),
            object: f("object"),
            details: f("details"),
        };
        let hash = audit::hex(&<sha2::Sha256 as sha2::Digest>::digest(audit::canonical(
            seq, &input, &prev,
        )));
        r["seq"] = seq.into();
        r["prev_hash"] = prev.clone().into();
        r["hash"] = hash.clone().into();
        if let Some(k) = key {
            r["mac"] = audit::mac(k, seq, &hash).into();
        }
        prev = hash;
    }
    let n = log.len() as i64;
    let head = &mut d["audit_head"][0];
    head["seq"] = n.into();
    head["hash"] = prev.clone().into();
    if let Some(k) = key {
        head["mac"] = audit::mac(k, n, &prev).into();
    }
}

/// Imports `d` (plain JSON, as a forger writes it) into a fresh folder that shares `from`'s
/// keyring and signing key.
fn try_import_elsewhere(from: &Path, d: &Value) -> (tempfile::TempDir, std::process::Output) {
    let other = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(other.path().join("keys")).expect("mkdir");
    for f in ["keys/keyring.json", "keys/report-signing.key"] {
        std::fs::copy(from.join(f), other.path().join(f)).expect("copy");
    }
    let file = other.path().join("attack.json");
    std::fs::write(&file, serde_json::to_vec(d).expect("json")).expect("write");
    let o = bmnn(
        other.path(),
        &[
            "import",
            "--accept-unsealed",
            "--accept-privileged",
            s(&file),
        ],
    );
    (other, o)
}

fn import_elsewhere(from: &Path, d: &Value) -> tempfile::TempDir {
    let (other, o) = try_import_elsewhere(from, d);
    assert!(o.status.success(), "{}", text(&o));
    other
}

#[test]
fn deleting_100_records_and_recomputing_the_chain_is_caught_by_a_signed_checkpoint() {
    let dir = demo();
    let data = dir.path();
    assert!(bmnn(data, &["report", "keygen"]).status.success());
    // 150 sign-ins recorded by the service's own path (keyed), 100 of which will go.
    {
        let st = store(data);
        for i in 0..150 {
            st.write(|tx| {
                tx.audit(AuditInput {
                    at: format!("2026-12-01T08:{:02}:{:02}.000000", i / 60, i % 60),
                    actor: "5:vanthu".into(),
                    action: "session.login".into(),
                    object: "user:5".into(),
                    details: String::new(),
                })
            })
            .expect("audit");
        }
    }
    let cp = data.join("moc-nhat-ky.json");
    let o = bmnn(data, &["audit", "checkpoint", "-o", s(&cp)]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&cp), 0o600);
    // Acts after the checkpoint are fine.
    let o = bmnn(data, &["user", "token", "baomat"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = bmnn(data, &["audit", "verify", "--checkpoint", s(&cp)]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Khớp mốc nhật ký"), "{}", text(&o));

    // The attack: export, drop 100 sign-ins, recompute the chain (hashes and MACs, with the
    // audit key derived from the data key), import into a fresh database.
    let file = data.join("export.json");
    assert!(
        bmnn(data, &["export", "--plain", "-o", s(&file)])
            .status
            .success()
    );
    let mut d: Value = serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
    let log = d["audit_log"].as_array_mut().expect("log");
    let before = log.len();
    let mut dropped = 0;
    log.retain(|r| {
        let go = dropped < 100 && r["action"] == "session.login";
        dropped += go as usize;
        !go
    });
    assert_eq!(log.len(), before - 100);
    assert!(
        log.iter().all(|r| r["mac"].is_string()),
        "the demo is keyed"
    );
    let mut forged = d.clone();
    rechain(&mut forged, Some(&data_key(data).derive("audit")));
    let other = import_elsewhere(data, &forged);
    // The chain alone (keyed or not) cannot tell: the attacker had the key.
    let o = bmnn(other.path(), &["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    // The checkpoint, signed with a key the attacker lacks (or kept off the machine), can.
    let o = bmnn(other.path(), &["audit", "verify", "--checkpoint", s(&cp)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("CHUỖI NHẬT KÝ BỊ PHÁ VỠ"), "{}", text(&o));
    assert!(text(&o).contains("mốc"), "{}", text(&o));

    // Without the key (hashes recomputed, MACs left): the keyed chain alone catches it, and
    // the import refuses it before writing anything.
    let mut unkeyed = d.clone();
    rechain(&mut unkeyed, None);
    let (third, o) = try_import_elsewhere(data, &unkeyed);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("chuỗi nhật ký"), "{}", text(&o));
    assert!(text(&o).contains("mã xác thực"), "{}", text(&o));
    let o = bmnn(third.path(), &["export", "--plain"]);
    let left: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        left["users"].as_array().map(Vec::len),
        Some(0),
        "nothing written"
    );

    // A checkpoint signed by another key is not taken as the unit's.
    let o = bmnn(
        data,
        &[
            "audit",
            "verify",
            "--checkpoint",
            s(&cp),
            "--public-key",
            &"ab".repeat(32),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

#[test]
fn export_and_backup_files_are_owner_only_and_backups_and_bundles_carry_a_checkpoint() {
    let dir = demo();
    let data = dir.path();
    assert!(bmnn(data, &["report", "keygen"]).status.success());
    let out = data.join("xuat/2026");
    let file = out.join("du-lieu.json");
    let o = bmnn(data, &["export", "-o", s(&file)]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&out), 0o700);
    assert_eq!(mode(&data.join("xuat")), 0o700);
    // An existing file is narrowed too.
    std::fs::write(data.join("cu.json"), "{}").expect("write");
    assert!(
        bmnn(data, &["export", "-o", s(&data.join("cu.json"))])
            .status
            .success()
    );
    assert_eq!(mode(&data.join("cu.json")), 0o600);

    let bdir = data.join("ngoai/sao-luu");
    let o = bmnn(data, &["backup", "-o", s(&bdir)]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&bdir), 0o700);
    let names: Vec<String> = std::fs::read_dir(&bdir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let bak = names
        .iter()
        .find(|n| n.ends_with(".bmnnbak"))
        .expect("backup");
    assert_eq!(mode(&bdir.join(bak)), 0o600);
    let cp = bdir.join(bak.replace(".bmnnbak", ".audit-checkpoint.json"));
    assert_eq!(mode(&cp), 0o600, "{names:?}");
    let o = bmnn(data, &["audit", "verify", "--checkpoint", s(&cp)]);
    assert!(o.status.success(), "{}", text(&o));

    // A report bundle carries a checkpoint of the chain head too, signed by the same key.
    let b = data.join("goi-bao-cao.json");
    let o = bmnn(
        data,
        &["report", "bundle", "--year", "2025", "--output", s(&b)],
    );
    assert!(o.status.success(), "{}", text(&o));
    let opened =
        bmnn_core::programme::bundle::open(&std::fs::read(&b).expect("bundle")).expect("opens");
    let inside = opened
        .files
        .get("audit-checkpoint.json")
        .expect("checkpoint in the bundle");
    let c = bmnn_core::audit::open_checkpoint(inside).expect("signed");
    assert_eq!(c.public_key, opened.manifest.public_key);
    let f = data.join("moc-trong-goi.json");
    std::fs::write(&f, inside).expect("write");
    let o = bmnn(data, &["audit", "verify", "--checkpoint", s(&f)]);
    assert!(o.status.success(), "{}", text(&o));
}
