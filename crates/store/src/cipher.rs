//! The one-time conversion of a plain SQLite database into a SQLCipher one.
//!
//! A database made before encryption (release 0.1, or any made without a key) is converted the
//! first time it is opened with a key:
//!
//! 1. the WAL is folded into the file (`wal_checkpoint(TRUNCATE)`; refused while another
//!    connection holds it — stop the server of the old version first);
//! 2. `ATTACH '<db>.encrypting' AS enc KEY …; SELECT sqlcipher_export('enc')` copies every table,
//!    index, trigger and the FTS5 tables into a new encrypted file, with the same `user_version`;
//! 3. the copy is synced and checked with the key (`integrity_check`);
//! 4. the plain file gets a second name (`<db>.plain-old`, a hard link), the empty WAL/SHM are
//!    removed, the copy is renamed over the database (atomic), the folder synced;
//! 5. the plain file is overwritten with zeros and unlinked.
//!
//! A crash before step 4's rename leaves the plain database (complete: its WAL was checkpointed)
//! and a partial copy that the next open deletes and redoes; after it, the encrypted database
//! and perhaps `<db>.plain-old`, which the next keyed open shreds. There is never no database.

use crate::{FileState, SqliteKey, StoreError, file_state, sqlite_connect};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};
use std::io::Write;
use std::path::{Path, PathBuf};

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn io(what: &str, p: &Path, e: std::io::Error) -> StoreError {
    StoreError::Open(format!("{what} {}: {e}", p.display()))
}

fn sync_dir(p: &Path) {
    if let Some(d) = p.parent()
        && let Ok(f) = std::fs::File::open(if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        })
    {
        let _ = f.sync_all();
    }
}

/// Overwrites a file with zeros, syncs it and unlinks it (best effort against casual recovery;
/// on SSDs and copy-on-write file systems old blocks may survive — hence disk encryption).
fn shred(p: &Path) -> std::io::Result<()> {
    let len = std::fs::metadata(p)?.len();
    {
        let mut f = std::fs::OpenOptions::new().write(true).open(p)?;
        let zeros = vec![0u8; 1 << 16];
        let mut left = len;
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            f.write_all(&zeros[..n])?;
            left -= n as u64;
        }
        f.sync_all()?;
    }
    std::fs::remove_file(p)?;
    sync_dir(p);
    Ok(())
}

#[derive(QueryableByName)]
struct Checkpoint {
    #[diesel(sql_type = Integer)]
    busy: i32,
}

#[derive(QueryableByName)]
struct UserVersion {
    #[diesel(sql_type = BigInt)]
    user_version: i64,
}

fn db(e: diesel::result::Error) -> StoreError {
    StoreError::Open(e.to_string())
}

/// The new file is durable, encrypted and opens with the key.
fn check_copy(tmp: &Path, key: &SqliteKey) -> Result<(), StoreError> {
    std::fs::File::open(tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| io("đồng bộ", tmp, e))?;
    if file_state(tmp) != FileState::Encrypted {
        return Err(StoreError::Open(format!(
            "{} không được mã hóa",
            tmp.display()
        )));
    }
    crate::backup::sqlite_integrity_keyed(tmp, Some(key))
        .map_err(|e| StoreError::Open(e.to_string()))
}

/// Converts the plain SQLite database at `path` to one encrypted under `key`, in place and
/// crash-safe (module docs). Returns whether it converted; an encrypted, empty or missing file
/// is left alone (leftovers of an interrupted conversion are cleaned up).
pub fn encrypt_plain_sqlite(path: &Path, key: &SqliteKey) -> Result<bool, StoreError> {
    let tmp = sibling(path, ".encrypting");
    let old = sibling(path, ".plain-old");
    if old.exists() {
        if file_state(path) == FileState::Plain {
            // Interrupted before the switch: `old` is a second name of the database itself.
            std::fs::remove_file(&old).map_err(|e| io("xóa", &old, e))?;
        } else {
            // Converted, but the plain copy was not yet shredded.
            shred(&old).map_err(|e| io("xóa", &old, e))?;
        }
    }
    if file_state(path) != FileState::Plain {
        if tmp.exists() {
            let _ = std::fs::remove_file(&tmp);
        }
        return Ok(false);
    }
    let _ = std::fs::remove_file(&tmp);
    let p = path.display().to_string();
    {
        let mut c = sqlite_connect(&p, None)?;
        c.batch_execute("PRAGMA busy_timeout = 10000;")
            .map_err(db)?;
        let cp: Vec<Checkpoint> = diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)")
            .load(&mut c)
            .map_err(db)?;
        if cp.first().is_some_and(|r| r.busy != 0) {
            return Err(StoreError::Open(format!(
                "{p} đang được tiến trình khác dùng; dừng máy chủ bmnn rồi chạy lại để mã hóa cơ sở \
                 dữ liệu. / The database is in use; stop the server and run again to encrypt it."
            )));
        }
        let uv: i64 = diesel::sql_query("PRAGMA user_version")
            .load::<UserVersion>(&mut c)
            .map_err(db)?
            .first()
            .map_or(0, |r| r.user_version);
        let attach = format!(
            "ATTACH DATABASE '{}' AS enc KEY \"x'{}'\";",
            tmp.display().to_string().replace('\'', "''"),
            key.hex()
        );
        // The statement holds the key: its error is replaced, never shown.
        c.batch_execute(&attach)
            .map_err(|_| StoreError::Open(format!("ATTACH {}", tmp.display())))?;
        let r = c.batch_execute(&format!(
            "SELECT sqlcipher_export('enc'); PRAGMA enc.user_version = {uv};"
        ));
        let _ = c.batch_execute("DETACH DATABASE enc;");
        if let Err(e) = r {
            drop(c);
            let _ = std::fs::remove_file(&tmp);
            return Err(StoreError::Open(format!("sqlcipher_export: {e}")));
        }
    }
    if let Err(e) = check_copy(&tmp, key) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    // The plain file keeps a second name until the switch is durable, then is shredded.
    let linked = std::fs::hard_link(path, &old).is_ok();
    for ext in ["-wal", "-shm"] {
        let f = sibling(path, ext);
        if f.exists() {
            std::fs::remove_file(&f).map_err(|e| io("xóa", &f, e))?;
        }
    }
    std::fs::rename(&tmp, path).map_err(|e| io("đổi tên", &tmp, e))?;
    sync_dir(path);
    if linked {
        shred(&old).map_err(|e| io("xóa", &old, e))?;
    }
    tracing::info!("database converted to SQLCipher (encrypted at rest)");
    Ok(true)
}
