//! Backups (sao lưu): a consistent copy of the database, checked, sealed with the data key.
//!
//! SQLite: `VACUUM INTO` a temporary file (consistent while the server runs), then
//! `PRAGMA integrity_check` on the copy. An encrypted (SQLCipher) database gives an encrypted
//! copy under the same key, which is then sealed like any payload; restore writes it back as is. PostgreSQL: the logical export (the same JSON as
//! `bmnn export`). The payload and a manifest (backend, time, SHA-256) are sealed in the
//! `bmnn-vault` envelope, so a changed byte, a truncated file or a file sealed by another
//! installation is refused on restore before anything is written.

use crate::{DbStore, FileState, Pools, SqliteKey, db_err, file_state, sqlite_connect};
use bmnn_core::error::{CoreError, Result};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

const MAGIC: &[u8; 8] = b"BMNNBAK1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    pub format: String,
    /// "sqlite-db" or "export-json".
    pub payload: String,
    pub created_at: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// `PRAGMA integrity_check` of a plain SQLite file: Ok when it answers "ok".
pub fn sqlite_integrity(path: &Path) -> Result<()> {
    sqlite_integrity_keyed(path, None)
}

/// `PRAGMA integrity_check` of a SQLite file opened with `key` (if any).
pub(crate) fn sqlite_integrity_keyed(path: &Path, key: Option<&SqliteKey>) -> Result<()> {
    let mut c = sqlite_connect(&path.display().to_string(), key)
        .map_err(|e| CoreError::Storage(e.to_string()))?;
    let rows: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut c)
        .map_err(db_err)?;
    match rows.first() {
        Some(r) if r.integrity_check == "ok" => Ok(()),
        Some(r) => Err(CoreError::Storage(format!(
            "integrity_check: {}",
            r.integrity_check
        ))),
        None => Err(CoreError::Storage("integrity_check: no answer".into())),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl DbStore {
    /// Makes a sealed backup of the database; `tmp_dir` holds the transient copy.
    pub fn backup(
        &self,
        key: &bmnn_vault::DataKey,
        tmp_dir: &Path,
        created_at: &str,
    ) -> Result<(BackupManifest, Vec<u8>)> {
        let (payload_kind, payload) = match &self.pools {
            Pools::Sqlite(_) => {
                let tmp = tmp_dir.join(format!("bmnn-backup-{}.db", std::process::id()));
                let _ = std::fs::remove_file(&tmp);
                self.sqlite_snapshot(&tmp.display().to_string())?;
                let check = sqlite_integrity_keyed(&tmp, self.key.as_ref()).and_then(|()| {
                    match (self.key.is_some(), file_state(&tmp)) {
                        (true, FileState::Encrypted) | (false, FileState::Plain) => Ok(()),
                        _ => Err(CoreError::Storage(
                            "bản sao VACUUM INTO không đúng trạng thái mã hóa".into(),
                        )),
                    }
                });
                let bytes = std::fs::read(&tmp).map_err(|e| CoreError::Storage(e.to_string()));
                let _ = std::fs::remove_file(&tmp);
                check?;
                ("sqlite-db", bytes?)
            }
            Pools::Pg(_) => {
                let d = self.export()?;
                (
                    "export-json",
                    serde_json::to_vec(&d).map_err(|e| CoreError::Storage(e.to_string()))?,
                )
            }
        };
        let manifest = BackupManifest {
            format: "bmnn-backup-v1".into(),
            payload: payload_kind.into(),
            created_at: created_at.into(),
            sha256: hex(&Sha256::digest(&payload)),
            size: payload.len() as u64,
        };
        let m = serde_json::to_vec(&manifest).map_err(|e| CoreError::Storage(e.to_string()))?;
        let mut plain = Vec::with_capacity(payload.len() + m.len() + 12);
        plain.extend_from_slice(MAGIC);
        plain.extend_from_slice(&(m.len() as u32).to_be_bytes());
        plain.extend_from_slice(&m);
        plain.extend_from_slice(&payload);
        Ok((manifest, bmnn_vault::seal(key, &plain)))
    }
}

/// Opens and checks a sealed backup: refuses a foreign, damaged or inconsistent one.
pub fn open_backup(key: &bmnn_vault::DataKey, sealed: &[u8]) -> Result<(BackupManifest, Vec<u8>)> {
    let plain = bmnn_vault::open(key, sealed)
        .map_err(|e| CoreError::refused("backup_refused", e.to_string()))?;
    let bad =
        |m: &str| CoreError::refused("backup_refused", format!("bản sao lưu không hợp lệ: {m}"));
    if plain.len() < 12 || &plain[..8] != MAGIC {
        return Err(bad("thiếu phần đầu"));
    }
    let mlen = u32::from_be_bytes(plain[8..12].try_into().expect("4 bytes")) as usize;
    let m = plain
        .get(12..12 + mlen)
        .ok_or_else(|| bad("phần mô tả bị cắt"))?;
    let manifest: BackupManifest = serde_json::from_slice(m).map_err(|_| bad("phần mô tả hỏng"))?;
    let payload = plain[12 + mlen..].to_vec();
    if manifest.format != "bmnn-backup-v1"
        || hex(&Sha256::digest(&payload)) != manifest.sha256
        || payload.len() as u64 != manifest.size
    {
        return Err(bad("mã băm không khớp"));
    }
    Ok((manifest, payload))
}

/// Restores a SQLite backup over `db_path` (the server must be stopped): the payload is
/// written beside it, checked, then renamed over the database; WAL files are removed.
/// With `key` the restored database is encrypted under it: an encrypted payload must open with
/// it, a plain one (a backup made before encryption) is converted first.
pub fn restore_sqlite(payload: &[u8], db_path: &Path, key: Option<[u8; 32]>) -> Result<()> {
    let key = key.map(SqliteKey::new);
    let tmp = db_path.with_extension("db.restore");
    std::fs::write(&tmp, payload).map_err(|e| CoreError::Storage(e.to_string()))?;
    let checked = match &key {
        Some(k) => crate::encrypt_plain_sqlite(&tmp, k)
            .map(|_| ())
            .map_err(|e| CoreError::Storage(e.to_string())),
        None => Ok(()),
    }
    .and_then(|()| sqlite_integrity_keyed(&tmp, key.as_ref()));
    if let Err(e) = checked {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    {
        // Flush to disk before the rename.
        let f = std::fs::File::open(&tmp).map_err(|e| CoreError::Storage(e.to_string()))?;
        f.sync_all()
            .map_err(|e| CoreError::Storage(e.to_string()))?;
    }
    for ext in ["db-wal", "db-shm"] {
        let _ = std::fs::remove_file(db_path.with_extension(ext));
    }
    std::fs::rename(&tmp, db_path).map_err(|e| CoreError::Storage(e.to_string()))?;
    let mut c = sqlite_connect(&db_path.display().to_string(), key.as_ref())
        .map_err(|e| CoreError::Storage(e.to_string()))?;
    c.batch_execute("PRAGMA journal_mode = WAL;")
        .map_err(db_err)?;
    Ok(())
}
