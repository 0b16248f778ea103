//! Backups (sao lưu): a consistent copy of the database, checked, sealed with the data key.
//!
//! SQLite: `VACUUM INTO` a temporary file (consistent while the server runs), then
//! `PRAGMA integrity_check` on the copy. An encrypted (SQLCipher) database gives an encrypted
//! copy under the same key, which is then sealed like any payload; restore writes it back as is.
//! PostgreSQL: the logical export (the same JSON as `bmnn export`), read in batches inside one
//! `REPEATABLE READ` snapshot ([`DbStore::export_to`]). The payload and a manifest are sealed in
//! the `bmnn-vault` envelope, so a changed byte, a truncated file or a file sealed by another
//! installation is refused on restore before anything is written.
//!
//! **Streaming (format v2).** Backup and restore never hold the database in memory: the payload
//! goes through the envelope chunk by chunk ([`bmnn_vault::SealWriter`],
//! [`bmnn_vault::OpenReader`]). Since the payload's hash and size are known only at its end, v2
//! puts them in a trailer:
//!
//! ```text
//! v1 (read only): "BMNNBAK1" | manifest length (u32 BE) | manifest (with sha256, size) | payload
//! v2:             "BMNNBAK2" | manifest length (u32 BE) | manifest (sha256 "", size 0) | payload
//!                 | payload size (u64 BE) | SHA-256 of the payload (32 bytes)
//! ```
//!
//! Backups of format v1 (made before) still open and restore ([`open_backup_reader`] reads both).

use crate::{DbStore, FileState, Pools, SqliteKey, db_err, file_state, sqlite_connect};
use bmnn_core::error::{CoreError, Result};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::Path;

const MAGIC_V1: &[u8; 8] = b"BMNNBAK1";
const MAGIC: &[u8; 8] = b"BMNNBAK2";
const FORMAT_V1: &str = "bmnn-backup-v1";
const FORMAT: &str = "bmnn-backup-v2";
/// Size (u64) and SHA-256 after a v2 payload.
const TRAILER: usize = 8 + 32;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    /// "bmnn-backup-v2" (streamed; hash and size in the trailer) or "bmnn-backup-v1".
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

/// The sealed payload being written: hashed and counted on the way into the envelope.
struct PayloadWriter<W: Write> {
    seal: bmnn_vault::SealWriter<W>,
    hash: Sha256,
    size: u64,
}

impl<W: Write> Write for PayloadWriter<W> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.seal.write_all(b)?;
        self.hash.update(b);
        self.size += b.len() as u64;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.seal.flush()
    }
}

fn io_err(e: std::io::Error) -> CoreError {
    CoreError::Storage(e.to_string())
}

impl DbStore {
    /// Makes a sealed backup of the database in memory (tests and small databases); see
    /// [`DbStore::backup_to`].
    pub fn backup(
        &self,
        key: &bmnn_vault::DataKey,
        tmp_dir: &Path,
        created_at: &str,
    ) -> Result<(BackupManifest, Vec<u8>)> {
        self.backup_to(key, tmp_dir, created_at, Vec::new())
    }

    /// Writes a sealed backup (format v2) to `out` as it is read, and returns the manifest
    /// (with the payload's hash and size) and `out`. `tmp_dir` holds SQLite's transient copy
    /// (encrypted when the database is). Memory stays bounded whatever the database size: the
    /// SQLite copy is read 64 KiB at a time, the PostgreSQL export in batches of rows.
    pub fn backup_to<W: Write>(
        &self,
        key: &bmnn_vault::DataKey,
        tmp_dir: &Path,
        created_at: &str,
        out: W,
    ) -> Result<(BackupManifest, W)> {
        let payload_kind = match &self.pools {
            Pools::Sqlite(_) => "sqlite-db",
            Pools::Pg(_) => "export-json",
        };
        let mut manifest = BackupManifest {
            format: FORMAT.into(),
            payload: payload_kind.into(),
            created_at: created_at.into(),
            sha256: String::new(),
            size: 0,
        };
        let m = serde_json::to_vec(&manifest).map_err(|e| CoreError::Storage(e.to_string()))?;
        let mut seal = bmnn_vault::SealWriter::new(key, out).map_err(io_err)?;
        seal.write_all(MAGIC).map_err(io_err)?;
        seal.write_all(&(m.len() as u32).to_be_bytes())
            .map_err(io_err)?;
        seal.write_all(&m).map_err(io_err)?;
        let mut w = std::io::BufWriter::with_capacity(
            bmnn_vault::CHUNK,
            PayloadWriter {
                seal,
                hash: Sha256::new(),
                size: 0,
            },
        );
        match &self.pools {
            Pools::Sqlite(_) => {
                let tmp = tmp_dir.join(format!("bmnn-backup-{}.db", std::process::id()));
                let _ = std::fs::remove_file(&tmp);
                let copied = self
                    .sqlite_snapshot(&tmp.display().to_string())
                    .and_then(|()| sqlite_integrity_keyed(&tmp, self.key.as_ref()))
                    .and_then(|()| match (self.key.is_some(), file_state(&tmp)) {
                        (true, FileState::Encrypted) | (false, FileState::Plain) => Ok(()),
                        _ => Err(CoreError::Storage(
                            "bản sao VACUUM INTO không đúng trạng thái mã hóa".into(),
                        )),
                    })
                    .and_then(|()| {
                        let mut f = std::fs::File::open(&tmp).map_err(io_err)?;
                        std::io::copy(&mut f, &mut w).map_err(io_err)?;
                        Ok(())
                    });
                let _ = std::fs::remove_file(&tmp);
                copied?;
            }
            Pools::Pg(_) => self.export_to(&mut w)?,
        }
        let mut p = w.into_inner().map_err(|e| io_err(e.into_error()))?;
        let sha: [u8; 32] = p.hash.finalize().into();
        p.seal.write_all(&p.size.to_be_bytes()).map_err(io_err)?;
        p.seal.write_all(&sha).map_err(io_err)?;
        let out = p.seal.finish().map_err(io_err)?;
        manifest.sha256 = hex(&sha);
        manifest.size = p.size;
        Ok((manifest, out))
    }
}

/// Why a backup is refused (in Vietnamese), carried inside an `io::Error` by [`BackupPayload`].
#[derive(Debug)]
struct Refusal(String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Refusal {}

fn bad(m: &str) -> CoreError {
    CoreError::refused("backup_refused", format!("bản sao lưu không hợp lệ: {m}"))
}

/// The refusal a failed read of a [`BackupPayload`] stands for: a damaged, truncated or
/// inconsistent backup is refused (`backup_refused`), anything else is a storage error.
pub fn read_error(e: std::io::Error) -> CoreError {
    if let Some(r) = e.get_ref().and_then(|x| x.downcast_ref::<Refusal>()) {
        return CoreError::refused("backup_refused", r.0.clone());
    }
    if e.get_ref()
        .is_some_and(|x| x.downcast_ref::<bmnn_vault::VaultError>().is_some())
    {
        return CoreError::refused(
            "backup_refused",
            bmnn_vault::VaultError::from_io(&e).to_string(),
        );
    }
    io_err(e)
}

/// A backup's payload, read out of the envelope as it is decrypted: hashed and counted on the
/// way, checked against the manifest (v1) or the trailer (v2) at its end. A read fails at the
/// first damaged chunk; only [`BackupPayload::finish`] (which reads what is left) proves the
/// whole payload authentic and complete — callers write nothing irreversible before it.
pub struct BackupPayload<R: Read> {
    src: bmnn_vault::OpenReader<R>,
    manifest: BackupManifest,
    hash: Sha256,
    size: u64,
    /// Decrypted bytes not yet handed out; v2 keeps the last [`TRAILER`] bytes back.
    buf: Vec<u8>,
    start: usize,
    src_done: bool,
    checked: bool,
}

impl<R: Read> BackupPayload<R> {
    pub fn manifest(&self) -> &BackupManifest {
        &self.manifest
    }

    fn v2(&self) -> bool {
        self.manifest.format == FORMAT
    }

    fn fill(&mut self) -> std::io::Result<()> {
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        let have = self.buf.len();
        self.buf.resize(have + bmnn_vault::CHUNK, 0);
        let n = self.src.read(&mut self.buf[have..]);
        self.buf.truncate(have + *n.as_ref().unwrap_or(&0));
        if n? == 0 {
            self.src_done = true;
        }
        Ok(())
    }

    /// At the end of the stream: the payload agrees with its size and hash.
    fn check_end(&mut self) -> std::io::Result<()> {
        let refuse =
            |m: &str| std::io::Error::other(Refusal(format!("bản sao lưu không hợp lệ: {m}")));
        let rest = &self.buf[self.start..];
        let (size, sha) = if self.v2() {
            if rest.len() != TRAILER {
                return Err(refuse("phần cuối bị cắt"));
            }
            let size = u64::from_be_bytes(rest[..8].try_into().expect("8 bytes"));
            (size, hex(&rest[8..]))
        } else {
            if !rest.is_empty() {
                return Err(refuse("dài hơn phần mô tả"));
            }
            (self.manifest.size, self.manifest.sha256.clone())
        };
        let got = hex(&std::mem::take(&mut self.hash).finalize());
        if size != self.size || sha != got {
            return Err(refuse("mã băm không khớp"));
        }
        self.manifest.size = size;
        self.manifest.sha256 = sha;
        self.checked = true;
        Ok(())
    }

    /// Reads what is left and checks the payload whole: its manifest, with hash and size.
    pub fn finish(mut self) -> Result<BackupManifest> {
        std::io::copy(&mut self, &mut std::io::sink()).map_err(read_error)?;
        Ok(self.manifest)
    }
}

impl<R: Read> Read for BackupPayload<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let keep = if self.v2() { TRAILER } else { 0 };
        loop {
            let avail = self.buf.len() - self.start;
            // v1: the payload is exactly `size` bytes; anything beyond is refused at the end.
            let avail = if self.v2() {
                avail.saturating_sub(keep)
            } else {
                avail.min((self.manifest.size - self.size) as usize)
            };
            if avail > 0 && !out.is_empty() {
                let n = avail.min(out.len());
                let b = &self.buf[self.start..self.start + n];
                out[..n].copy_from_slice(b);
                self.hash.update(b);
                self.size += n as u64;
                self.start += n;
                return Ok(n);
            }
            if self.src_done || out.is_empty() {
                if !self.checked && !out.is_empty() {
                    self.check_end()?;
                }
                return Ok(0);
            }
            self.fill()?;
        }
    }
}

/// Opens a sealed backup from a stream: checks the envelope's header (a foreign file is refused
/// here) and reads the manifest; the payload follows ([`BackupPayload`]).
pub fn open_backup_reader<R: Read>(
    key: &bmnn_vault::DataKey,
    sealed: R,
) -> Result<BackupPayload<R>> {
    let mut src = bmnn_vault::OpenReader::new(key, sealed)
        .map_err(|e| CoreError::refused("backup_refused", e.to_string()))?;
    let mut head = [0u8; 12];
    src.read_exact(&mut head).map_err(|e| match read_error(e) {
        CoreError::Storage(_) => bad("thiếu phần đầu"),
        e => e,
    })?;
    let v2 = match &head[..8] {
        m if m == MAGIC => true,
        m if m == MAGIC_V1 => false,
        _ => return Err(bad("thiếu phần đầu")),
    };
    let mlen = u32::from_be_bytes(head[8..12].try_into().expect("4 bytes")) as usize;
    if mlen > 64 * 1024 {
        return Err(bad("phần mô tả hỏng"));
    }
    let mut m = vec![0u8; mlen];
    src.read_exact(&mut m).map_err(|e| match read_error(e) {
        CoreError::Storage(_) => bad("phần mô tả bị cắt"),
        e => e,
    })?;
    let manifest: BackupManifest =
        serde_json::from_slice(&m).map_err(|_| bad("phần mô tả hỏng"))?;
    if manifest.format != if v2 { FORMAT } else { FORMAT_V1 } {
        return Err(bad("mã băm không khớp"));
    }
    Ok(BackupPayload {
        src,
        manifest,
        hash: Sha256::new(),
        size: 0,
        buf: Vec::with_capacity(bmnn_vault::CHUNK + TRAILER),
        start: 0,
        src_done: false,
        checked: false,
    })
}

/// Opens and checks a sealed backup held in memory: refuses a foreign, damaged or inconsistent
/// one. Returns the manifest and the payload.
pub fn open_backup(key: &bmnn_vault::DataKey, sealed: &[u8]) -> Result<(BackupManifest, Vec<u8>)> {
    let mut r = open_backup_reader(key, sealed)?;
    let mut payload = Vec::new();
    r.read_to_end(&mut payload).map_err(read_error)?;
    Ok((r.finish()?, payload))
}

/// Restores a SQLite backup over `db_path` (the server must be stopped): the payload is
/// written beside it, checked, then renamed over the database; WAL files are removed.
/// With `key` the restored database is encrypted under it: an encrypted payload must open with
/// it, a plain one (a backup made before encryption) is converted first.
pub fn restore_sqlite(payload: &[u8], db_path: &Path, key: Option<[u8; 32]>) -> Result<()> {
    restore_sqlite_with(db_path, key, |f| f.write_all(payload).map_err(io_err))
}

/// [`restore_sqlite`] from a sealed backup read as a stream: the payload is decrypted chunk by
/// chunk into the file beside the database, which replaces the database only once the whole
/// backup proved authentic ([`BackupPayload::finish`]) and the copy passes `integrity_check`.
pub fn restore_sqlite_stream<R: Read>(
    mut payload: BackupPayload<R>,
    db_path: &Path,
    key: Option<[u8; 32]>,
) -> Result<BackupManifest> {
    let mut manifest = None;
    restore_sqlite_with(db_path, key, |f| {
        std::io::copy(&mut payload, f).map_err(read_error)?;
        manifest = Some(payload.finish()?);
        Ok(())
    })?;
    manifest.ok_or_else(|| CoreError::Storage("restore".into()))
}

fn restore_sqlite_with(
    db_path: &Path,
    key: Option<[u8; 32]>,
    write: impl FnOnce(&mut std::fs::File) -> Result<()>,
) -> Result<()> {
    let key = key.map(SqliteKey::new);
    let tmp = db_path.with_extension("db.restore");
    let written = std::fs::File::create(&tmp)
        .map_err(io_err)
        .and_then(|mut f| write(&mut f));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
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
