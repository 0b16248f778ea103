//! SQLCipher: a keyed SQLite database is encrypted on disk (header, metadata, WAL), still
//! searchable (FTS5), refuses a wrong or missing key with a clear error and no change, gives
//! encrypted backups, and a plain database is converted once when opened with a key.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::model::{Id, ItemQuery};
use bmnn_core::rules::RuleSet;
use bmnn_core::service::{Ctx, Service};
use bmnn_store::{DbStore, FileState, StoreError, file_state};
use std::path::{Path, PathBuf};

/// A summary (trích yếu) found nowhere else.
const SUMMARY: &str = "Phương án sơ tán kho lưu trữ đảo Hòn Khoai";
const KEY: [u8; 32] = [0x5a; 32];

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect()
}

/// No file of `dir` holds the summary or the agency's name, and the database has no header.
fn assert_opaque(dir: &Path, db: &Path) {
    assert_eq!(file_state(db), FileState::Encrypted);
    let raw = std::fs::read(db).expect("db");
    assert!(!raw.starts_with(b"SQLite format 3"));
    for f in files(dir) {
        let raw = std::fs::read(&f).expect("read");
        for n in [SUMMARY, "Sở Thử nghiệm", "Bộ Công Thương"] {
            assert!(!contains(&raw, n.as_bytes()), "{n} in {}", f.display());
        }
    }
}

fn register(o: &Org) -> i64 {
    let c = o.ctx(&o.clerk);
    let mut cmd = incoming(Level::Mat, "7/SCT", "10/11/2026");
    cmd.summary = Some(SUMMARY.into());
    o.svc.receive_incoming(&c, cmd).expect("register").0.id
}

fn search(svc: &Service<DbStore>, user: Id, q: &str) -> i64 {
    svc.list_items(
        &Ctx {
            user_id: user,
            now: now(),
            today: d("25/11/2026"),
        },
        ItemQuery {
            text: Some(q.into()),
            limit: 50,
            ..Default::default()
        },
    )
    .expect("search")
    .total as i64
}

#[test]
fn keyed_sqlite_is_encrypted_searchable_and_refuses_a_wrong_key() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("bmnn.db");
    let url = format!("sqlite://{}", db.display());
    let o = org_on(DbStore::open_keyed(&url, Some(KEY)).expect("open keyed"));
    assert!(o.svc.store.encrypted());
    let id = register(&o);
    let clerk = o.clerk.id;
    // FTS5 works on the encrypted database (diacritics folded).
    assert_eq!(search(&o.svc, o.clerk.id, "so tan kho luu tru"), 1);
    // While open: the database and its WAL give nothing away.
    assert!(dir.path().join("bmnn.db-wal").exists());
    assert_opaque(dir.path(), &db);

    // The backup copy (VACUUM INTO) is encrypted under the same key, then restores.
    let sealer = bmnn_vault::DataKey::from_bytes([3u8; 32]);
    let bk = tempfile::tempdir().expect("backup tmp");
    let (_, sealed) = o
        .svc
        .store
        .backup(&sealer, bk.path(), "2026-11-25T09:00:00")
        .expect("backup");
    let (_, payload) = bmnn_store::backup::open_backup(&sealer, &sealed).expect("open");
    assert!(!payload.starts_with(b"SQLite format 3"));
    assert!(!contains(&payload, SUMMARY.as_bytes()));
    let before = o.svc.store.export().expect("export");
    let dest = bk.path().join("restored.db");
    // Restoring with another key refuses and writes nothing.
    let err = bmnn_store::backup::restore_sqlite(&payload, &dest, Some([9u8; 32]))
        .expect_err("another key");
    assert!(!dest.exists(), "{err:?}");
    bmnn_store::backup::restore_sqlite(&payload, &dest, Some(KEY)).expect("restore");
    assert_opaque(bk.path(), &dest);
    let r = DbStore::open_keyed(&format!("sqlite://{}", dest.display()), Some(KEY))
        .expect("open restored");
    assert_eq!(r.export().expect("export"), before);
    drop(r);
    drop(o);

    // A wrong key and no key: clear errors (no key material in them), nothing changed.
    let bytes = std::fs::read(&db).expect("db");
    let wrong = [0x11u8; 32];
    let e = DbStore::open_keyed(&url, Some(wrong))
        .err()
        .expect("wrong key refused");
    assert!(matches!(e, StoreError::WrongKey(_)), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("sai khóa"), "{msg}");
    assert!(!msg.contains("1111") && !msg.contains("5a5a"), "{msg}");
    let e = DbStore::open(&url).err().expect("no key refused");
    assert!(matches!(e, StoreError::Encrypted(_)), "{e:?}");
    assert!(e.to_string().contains("đã được mã hóa"), "{e}");
    assert_eq!(std::fs::read(&db).expect("db"), bytes, "unchanged");

    // The right key opens it again, with the data and the index.
    let s = DbStore::open_keyed(&url, Some(KEY)).expect("reopen");
    assert!(s.verify_audit().expect("verify").is_ok());
    let back = Service::new(s, RuleSet::embedded());
    assert_eq!(search(&back, clerk, "hon khoai"), 1);
    assert!(
        back.store
            .export()
            .expect("export")
            .items
            .iter()
            .any(|i| i.id == id)
    );
}

#[test]
fn a_plain_database_is_converted_once_without_loss() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("bmnn.db");
    let url = format!("sqlite://{}", db.display());
    let o = org(&url);
    register(&o);
    let clerk = o.clerk.id;
    let before = o.svc.store.export().expect("export");
    // A backup made before encryption (plain payload) restores encrypted under the key.
    let sealer = bmnn_vault::DataKey::from_bytes([3u8; 32]);
    let bk = tempfile::tempdir().expect("backup tmp");
    let (_, sealed) = o
        .svc
        .store
        .backup(&sealer, bk.path(), "2026-11-25T09:00:00")
        .expect("backup");
    let (_, payload) = bmnn_store::backup::open_backup(&sealer, &sealed).expect("open");
    assert!(payload.starts_with(b"SQLite format 3"));
    let dest = bk.path().join("restored.db");
    bmnn_store::backup::restore_sqlite(&payload, &dest, Some(KEY)).expect("restore");
    assert_opaque(bk.path(), &dest);
    let r = DbStore::open_keyed(&format!("sqlite://{}", dest.display()), Some(KEY))
        .expect("open restored");
    assert_eq!(r.export().expect("export"), before);
    drop(r);
    drop(o);
    assert_eq!(file_state(&db), FileState::Plain);
    assert!(contains(
        &std::fs::read(&db).expect("db"),
        SUMMARY.as_bytes()
    ));
    // Leftovers of an interrupted conversion: a partial copy, and the second name of the plain
    // file made just before the switch. Neither may cost the database.
    std::fs::write(dir.path().join("bmnn.db.encrypting"), b"partial").expect("junk");
    std::fs::hard_link(&db, dir.path().join("bmnn.db.plain-old")).expect("link");

    let s = DbStore::open_keyed(&url, Some(KEY)).expect("convert");
    assert_eq!(s.export().expect("export"), before);
    assert!(s.verify_audit().expect("verify").is_ok());
    let svc = Service::new(s, RuleSet::embedded());
    assert_eq!(
        search(&svc, clerk, "hon khoai"),
        1,
        "the FTS index came along"
    );
    drop(svc);
    let mut names: Vec<String> = files(dir.path())
        .iter()
        .map(|f| f.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.iter().all(|n| n.starts_with("bmnn.db")
            && !n.contains("encrypting")
            && !n.contains("plain-old")),
        "{names:?}"
    );
    assert_opaque(dir.path(), &db);
    // Once: the next keyed open finds it encrypted and just opens it.
    let again = DbStore::open_keyed(&url, Some(KEY)).expect("reopen");
    assert_eq!(again.export().expect("export"), before);
}
