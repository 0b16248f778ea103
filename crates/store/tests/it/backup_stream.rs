//! Streamed backups (format v2): the export read in batches inside one snapshot, sealed chunk by
//! chunk, restored from a stream; old v1 backups still restore; damaged ones change nothing.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_store::backup::{open_backup, open_backup_reader, restore_sqlite_stream};
use bmnn_store::{Dataset, DbStore};
use sha2::Digest;
use std::io::Write;

const KEY: [u8; 32] = [5u8; 32];

fn key() -> bmnn_vault::DataKey {
    bmnn_vault::DataKey::from_bytes(KEY)
}

fn streamed(store: &DbStore) -> Dataset {
    let mut json = Vec::new();
    store.export_to(&mut json).expect("export_to");
    serde_json::from_slice(&json).expect("the streamed export is a dataset")
}

/// An organisation with a few received items, one of them with an attachment.
fn org_with_items(url: &str, n: usize) -> Org {
    let o = org(url);
    let c = o.ctx(&o.clerk);
    for i in 0..n {
        let (item, _) = o
            .svc
            .receive_incoming(&c, incoming(Level::Mat, &format!("{i}/BCT"), "10/11/2026"))
            .expect("rx");
        if i == 0 {
            o.svc
                .add_attachment(
                    &o.ctx(&o.head),
                    item.id,
                    "bao-cao.pdf",
                    "application/pdf",
                    3,
                    "00",
                    &[7u8; 3000],
                )
                .expect("attach");
        }
    }
    o
}

/// A backup in the format of the first release (v1), made from a v2 backup's payload exactly
/// as the old code wrote it.
fn as_v1(sealed_v2: &[u8]) -> Vec<u8> {
    let (m, payload) = open_backup(&key(), sealed_v2).expect("open v2");
    let m1 = serde_json::json!({
        "format": "bmnn-backup-v1",
        "payload": m.payload,
        "created_at": m.created_at,
        "sha256": m.sha256,
        "size": payload.len(),
    });
    let m1 = serde_json::to_vec(&m1).expect("json");
    let mut plain = b"BMNNBAK1".to_vec();
    plain.extend_from_slice(&(m1.len() as u32).to_be_bytes());
    plain.extend_from_slice(&m1);
    plain.extend_from_slice(&payload);
    bmnn_vault::seal(&key(), &plain)
}

/// Restores `sealed` from a stream into a fresh database of the backend and checks the content.
fn restore_and_compare(b: &Backend, sealed: &[u8], before: &Dataset, what: &str) {
    let payload = open_backup_reader(&key(), sealed).expect("open stream");
    if b.name == "sqlite" {
        let dir = tempfile::tempdir().expect("tmp");
        let dest = dir.path().join("restored.db");
        let m = restore_sqlite_stream(payload, &dest, None).expect("restore");
        assert_eq!(m.payload, "sqlite-db", "{what}");
        let r = DbStore::open(&format!("sqlite://{}", dest.display())).expect("open restored");
        assert_eq!(&r.export().expect("export"), before, "{what}");
        assert!(r.verify_audit().expect("verify").is_ok(), "{what}");
    } else {
        // As `bmnn restore` does: streamed into the database, the hash checked at the end.
        assert_eq!(payload.manifest().payload, "export-json", "{what}");
        let nb = backends()
            .into_iter()
            .find(|x| x.name == b.name)
            .expect("backend");
        let fresh = DbStore::open(&nb.url).expect("open");
        let rules = bmnn_core::rules::RuleSet::embedded();
        fresh
            .import_from(payload, &opts(&rules), |p| p.finish().map(|_| ()))
            .expect("streamed import");
        assert_imported_as(&fresh.export().expect("export"), before, what);
        assert!(fresh.verify_audit().expect("verify").is_ok(), "{what}");
        books_counted(&nb.url, what);
        std::mem::forget(nb); // keep the temp dir for the store's lifetime (test process)
    }
}

/// The per-book, per-level counts (migrations 000008, 000024) equal the entries after a
/// streamed import (which recounts the books once instead of entry by entry), and counting
/// entry by entry is back on after it: an entry whose level changes and one deleted move the
/// counts.
fn books_counted(url: &str, what: &str) {
    use diesel::connection::SimpleConnection;
    use diesel::pg::PgConnection;
    use diesel::{Connection, QueryableByName, RunQueryDsl, sql_query};
    #[derive(QueryableByName, PartialEq, Debug)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::Text)]
        kind: String,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        year: i32,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        level: i32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let check = |c: &mut PgConnection, step: &str| {
        let kept: Vec<Count> = sql_query(
            "SELECT kind, year, level::int AS level, n::bigint AS n FROM register_counts \
             WHERE n <> 0 ORDER BY 1, 2, 3",
        )
        .load(c)
        .expect("counts");
        let counted: Vec<Count> = sql_query(
            "SELECT kind, year, level::int AS level, count(*) AS n FROM register_entries \
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        )
        .load(c)
        .expect("entries");
        assert!(!counted.is_empty(), "{what}: entries restored");
        assert_eq!(kept, counted, "{what}: {step}");
    };
    let mut c = PgConnection::establish(url).expect("postgres");
    check(&mut c, "after the import");
    c.batch_execute(
        "UPDATE register_entries SET level = CASE WHEN level = 3 THEN 1 ELSE level + 1 END \
           WHERE id = (SELECT max(id) FROM register_entries); \
         DELETE FROM register_entries WHERE id = (SELECT min(id) FROM register_entries);",
    )
    .expect("entry moved and removed");
    check(&mut c, "after an entry's level changed and one removed");
}

/// The options of `bmnn restore` (the installation's own backup).
fn opts(rules: &bmnn_core::rules::RuleSet) -> bmnn_store::ImportOptions<'_> {
    bmnn_store::ImportOptions {
        rules,
        keep_tokens: true,
        accept_privileged: true,
        at: "2026-12-02T08:00:00.000000".into(),
        actor: "0:system".into(),
        source: "backup".into(),
    }
}

fn fresh_like(b: &Backend) -> DbStore {
    let nb = backends()
        .into_iter()
        .find(|x| x.name == b.name)
        .expect("backend");
    let s = DbStore::open(&nb.url).expect("open");
    std::mem::forget(nb); // keep the temp dir for the store's lifetime (test process)
    s
}

#[test]
fn streamed_export_is_the_export_across_batches() {
    for b in backends() {
        let o = org_with_items(&b.url, 2);
        // More rows than one batch (1,000) in items and register entries.
        o.svc
            .store
            .bench_seed(2_345, 2_100, o.clerk.id, None)
            .expect("seed");
        let whole = o.svc.store.export().expect("export");
        assert!(whole.items.len() > 2_000 && whole.attachments.len() == 1);
        assert_eq!(streamed(&o.svc.store), whole, "{}", b.name);
    }
}

#[test]
fn streamed_export_is_one_snapshot_while_writers_go_on() {
    /// Writes into the store (another connection) as soon as the export has read the items.
    struct Meddler<'a> {
        o: &'a Org,
        out: Vec<u8>,
        done: bool,
    }
    impl Write for Meddler<'_> {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.out.extend_from_slice(b);
            if !self.done && self.out.ends_with(b",\"item_events\":[") {
                self.done = true;
                self.o
                    .svc
                    .receive_incoming(
                        &self.o.ctx(&self.o.clerk),
                        incoming(Level::Mat, "99/CHEN-NGANG", "12/11/2026"),
                    )
                    .expect("a write while the export runs");
            }
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    for b in backends() {
        let o = org_with_items(&b.url, 3);
        let before = o.svc.store.export().expect("export");
        let mut m = Meddler {
            o: &o,
            out: Vec::new(),
            done: false,
        };
        o.svc.store.export_to(&mut m).expect("export_to");
        assert!(m.done, "{}", b.name);
        let got: Dataset = serde_json::from_slice(&m.out).expect("dataset");
        // The item, its event, register entry and audit records written meanwhile are not in
        // the export: every table is read as it was when the export began.
        assert_eq!(got, before, "{}", b.name);
        let after = o.svc.store.export().expect("export");
        assert_eq!(after.items.len(), before.items.len() + 1, "{}", b.name);
        assert!(after.audit_log.len() > before.audit_log.len(), "{}", b.name);
    }
}

#[test]
fn streamed_backup_restores_and_old_v1_backups_still_do() {
    for b in backends() {
        let o = org_with_items(&b.url, 5);
        let before = o.svc.store.export().expect("export");
        let tmp = tempfile::tempdir().expect("tmp");
        // Straight into a file, as `bmnn backup` does.
        let path = tmp.path().join("bmnn.bmnnbak");
        let f = std::fs::File::create(&path).expect("create");
        let (m, f) = o
            .svc
            .store
            .backup_to(&key(), tmp.path(), "2026-12-02T09:00:00", f)
            .expect("backup");
        drop(f);
        assert_eq!(m.format, "bmnn-backup-v2");
        let sealed = std::fs::read(&path).expect("read");
        // The manifest returned carries the payload's true size and hash.
        let (m2, payload) = open_backup(&key(), &sealed).expect("open");
        assert_eq!(m2, m, "{}", b.name);
        assert_eq!(m.size, payload.len() as u64);
        assert_eq!(
            m.sha256,
            sha2::Sha256::digest(&payload)
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect::<String>()
        );
        if b.name != "sqlite" {
            let d: Dataset = serde_json::from_slice(&payload).expect("the export's JSON");
            assert_eq!(d, before);
        }
        restore_and_compare(&b, &sealed, &before, &format!("{} v2", b.name));
        let v1 = as_v1(&sealed);
        let r = open_backup_reader(&key(), &v1[..]).expect("v1 opens");
        assert_eq!(r.manifest().format, "bmnn-backup-v1");
        restore_and_compare(&b, &v1, &before, &format!("{} v1", b.name));
    }
}

#[test]
fn a_damaged_or_cut_backup_changes_nothing_on_restore() {
    let b = &backends()[0];
    let o = org_with_items(&b.url, 2);
    let tmp = tempfile::tempdir().expect("tmp");
    let (_, sealed) = o
        .svc
        .store
        .backup(&key(), tmp.path(), "2026-12-02T09:00:00")
        .expect("backup");
    // The database a failed restore must leave as it was.
    let dest = tmp.path().join("live.db");
    let live = org(&format!("sqlite://{}", dest.display()));
    let live_before = live.svc.store.export().expect("export");
    drop(live);
    let refused = |file: &[u8], what: &str| -> String {
        let e = open_backup_reader(&key(), file)
            .and_then(|p| restore_sqlite_stream(p, &dest, None))
            .expect_err(what);
        assert_eq!(e.code(), "backup_refused", "{what}: {e:?}");
        assert!(
            !dest.with_extension("db.restore").exists(),
            "{what}: no copy left behind"
        );
        let again = DbStore::open(&format!("sqlite://{}", dest.display())).expect("open");
        assert_eq!(again.export().expect("export"), live_before, "{what}");
        e.message_vi()
    };
    // The last chunk cut off (the trailer goes with it): header 44 bytes, then chunks of
    // 64 KiB + 16.
    let body = sealed.len() - 44;
    let sealed_chunk = bmnn_vault::CHUNK + 16;
    assert!(body > sealed_chunk, "more than one chunk");
    let last = match body % sealed_chunk {
        0 => sealed_chunk,
        n => n,
    };
    let cut = &sealed[..sealed.len() - last];
    assert!(refused(cut, "cut").contains("cắt cụt"));
    // A part of the last chunk cut off.
    assert!(refused(&sealed[..sealed.len() - 10], "cut short").contains("bị hỏng"));
    // A flipped byte in the middle of the payload.
    let mut flipped = sealed.clone();
    let i = flipped.len() / 2;
    flipped[i] ^= 1;
    assert!(refused(&flipped, "flipped").contains("bị hỏng"));
    // Sealed with the right key but the trailer disagrees with the payload.
    let (_, payload) = open_backup(&key(), &sealed).expect("open");
    let m = serde_json::to_vec(&serde_json::json!({
        "format": "bmnn-backup-v2", "payload": "sqlite-db",
        "created_at": "2026-12-02T09:00:00", "sha256": "", "size": 0
    }))
    .expect("json");
    let mut plain = b"BMNNBAK2".to_vec();
    plain.extend_from_slice(&(m.len() as u32).to_be_bytes());
    plain.extend_from_slice(&m);
    plain.extend_from_slice(&payload);
    plain.extend_from_slice(&(payload.len() as u64).to_be_bytes());
    plain.extend_from_slice(&[0u8; 32]);
    let forged = bmnn_vault::seal(&key(), &plain);
    assert!(refused(&forged, "wrong hash").contains("mã băm không khớp"));
    // A v1 file with bytes after the payload its manifest describes.
    let mut v1 = bmnn_vault::open(&key(), &as_v1(&sealed)).expect("open v1");
    v1.extend_from_slice(b"them");
    assert!(refused(&bmnn_vault::seal(&key(), &v1), "longer v1").contains("dài hơn"));
    // Another installation's key: refused at the header.
    let other = bmnn_vault::DataKey::from_bytes([6u8; 32]);
    let e = open_backup_reader(&other, &sealed[..])
        .err()
        .expect("foreign");
    assert!(e.message_vi().contains("khóa khác"), "{}", e.message_vi());
}

/// A restore into PostgreSQL is streamed: rows go in as the backup is read, so a backup whose
/// damage shows only after some rows were inserted (a chunk flipped or cut off near the end)
/// must leave the database as it was, with the backup's own refusal.
#[test]
fn a_damaged_or_cut_backup_changes_nothing_on_a_streamed_restore() {
    for b in backends().into_iter().filter(|b| b.name != "sqlite") {
        let o = org_with_items(&b.url, 3);
        // A payload of several chunks: an attachment of 300 kB (about 1 MB of JSON).
        let item = o.svc.store.export().expect("export").items[1].id;
        o.svc
            .add_attachment(
                &o.ctx(&o.head),
                item,
                "so-lieu.pdf",
                "application/pdf",
                3,
                "00",
                &vec![9u8; 300_000],
            )
            .expect("attach");
        let tmp = tempfile::tempdir().expect("tmp");
        let (_, sealed) = o
            .svc
            .store
            .backup(&key(), tmp.path(), "2026-12-02T09:00:00")
            .expect("backup");
        let body = sealed.len() - 44;
        let sealed_chunk = bmnn_vault::CHUNK + 16;
        assert!(body > 4 * sealed_chunk, "several chunks");
        let fresh = fresh_like(&b);
        let empty = fresh.export().expect("empty");
        let rules = bmnn_core::rules::RuleSet::embedded();
        let refused = |file: &[u8], what: &str| -> String {
            let e = open_backup_reader(&key(), file)
                .and_then(|p| fresh.import_from(p, &opts(&rules), |p| p.finish().map(|_| ())))
                .expect_err(what);
            assert_eq!(e.code(), "backup_refused", "{what}: {e:?}");
            assert_eq!(
                fresh.export().expect("export"),
                empty,
                "{what}: nothing written"
            );
            e.message_vi()
        };
        let last = match body % sealed_chunk {
            0 => sealed_chunk,
            n => n,
        };
        assert!(refused(&sealed[..sealed.len() - last], "cut").contains("cắt cụt"));
        assert!(refused(&sealed[..sealed.len() - 10], "cut short").contains("bị hỏng"));
        // A flipped byte in the last full chunk: every row before it was already inserted.
        let mut flipped = sealed.clone();
        let i = sealed.len() - last - sealed_chunk / 2;
        flipped[i] ^= 1;
        assert!(refused(&flipped, "flipped").contains("bị hỏng"));
        // The intact backup then restores into the same database.
        let before = o.svc.store.export().expect("export");
        fresh
            .import_from(
                open_backup_reader(&key(), &sealed[..]).expect("open"),
                &opts(&rules),
                |p| p.finish().map(|_| ()),
            )
            .expect("restore");
        assert_imported_as(&fresh.export().expect("export"), &before, b.name);
    }
}

/// More rows than one insert batch (500) in the audit log, items and register entries: the
/// chain is verified across batches and the restored database is the backed-up one.
#[test]
fn a_streamed_restore_spans_batches() {
    for b in backends().into_iter().filter(|b| b.name != "sqlite") {
        let o = org_with_items(&b.url, 520);
        let before = o.svc.store.export().expect("export");
        assert!(before.audit_log.len() > 500 && before.register_entries.len() > 500);
        let tmp = tempfile::tempdir().expect("tmp");
        let (_, sealed) = o
            .svc
            .store
            .backup(&key(), tmp.path(), "2026-12-02T09:00:00")
            .expect("backup");
        restore_and_compare(&b, &sealed, &before, b.name);
    }
}

/// Rows without their audit records (as `bench-seed` writes them), over several batches: the
/// streamed import inserts them, finds the log does not cover them and rolls everything back.
#[test]
fn a_streamed_import_of_rows_the_log_does_not_cover_writes_nothing() {
    for b in backends() {
        let o = org_with_items(&b.url, 1);
        o.svc
            .store
            .bench_seed(1_234, 1_100, o.clerk.id, None)
            .expect("seed");
        let mut json = Vec::new();
        o.svc.store.export_to(&mut json).expect("export_to");
        let fresh = fresh_like(&b);
        let empty = fresh.export().expect("empty");
        let rules = bmnn_core::rules::RuleSet::embedded();
        let e = fresh
            .import_from(&json[..], &opts(&rules), |_| Ok(()))
            .expect_err("refused");
        assert_eq!(e.code(), "import_log_incomplete", "{}: {e:?}", b.name);
        assert!(
            e.message_vi()
                .contains("không có bản ghi tương ứng trong nhật ký kiểm tra"),
            "{}",
            e.message_vi()
        );
        assert_eq!(fresh.export().expect("export"), empty, "{}", b.name);
        // With the seed's audit records (`bench-seed --audited`) the same rows restore, and
        // the chain still verifies.
        let n = o.svc.store.bench_seed_audit().expect("audit records");
        // One per item and per entry, the organisation's own included; its accounts have theirs.
        assert_eq!(n, (1_234 + 1) + (1_100 + 1), "{}", b.name);
        let before = o.svc.store.export().expect("export");
        assert!(bmnn_store::check_log_covers_data(&before).is_ok());
        assert!(
            o.svc.store.verify_audit().expect("verify").is_ok(),
            "{}",
            b.name
        );
        let mut json = Vec::new();
        o.svc.store.export_to(&mut json).expect("export_to");
        fresh
            .import_from(&json[..], &opts(&rules), |_| Ok(()))
            .expect("restores");
        assert_imported_as(&fresh.export().expect("export"), &before, b.name);
        assert!(fresh.verify_audit().expect("verify").is_ok(), "{}", b.name);
    }
}

/// A file that is not an export, or is cut in the middle, is refused in Vietnamese on both
/// databases and writes nothing.
#[test]
fn a_streamed_import_of_a_malformed_file_is_refused() {
    for b in backends() {
        let o = org_with_items(&b.url, 2);
        let mut json = Vec::new();
        o.svc.store.export_to(&mut json).expect("export_to");
        let fresh = fresh_like(&b);
        let empty = fresh.export().expect("empty");
        let rules = bmnn_core::rules::RuleSet::embedded();
        let wrong = String::from_utf8(json.clone()).expect("utf-8").replacen(
            r#""format":"bmnn-export""#,
            r#""format":"other""#,
            1,
        );
        assert!(wrong.contains(r#""format":"other""#));
        let cut = &json[..json.len() * 2 / 3];
        for (file, says) in [
            (wrong.as_bytes(), "tệp không phải bản xuất bmnn phiên bản 1"),
            (cut, "tệp không hợp lệ"),
        ] {
            let e = fresh
                .import_from(file, &opts(&rules), |_| Ok(()))
                .expect_err("refused");
            assert!(
                e.message_vi().contains(says),
                "{}: {}",
                b.name,
                e.message_vi()
            );
            assert_eq!(fresh.export().expect("export"), empty, "{}", b.name);
        }
    }
}
