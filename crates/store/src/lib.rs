//! bmnn-store: persistence for bmnn on SQLite (default, embedded) or PostgreSQL, with the same
//! code. Only this crate knows which database runs.
//!
//! Shape: [`DbStore`] holds an r2d2 pool of either backend and implements the storage contract
//! of `bmnn_core::ports` ([`Store`], [`Tx`]). Every query is written once with diesel's DSL and
//! compiled for both backends by the `dispatch!` macro (one match arm per concrete
//! connection) — chosen over `#[derive(MultiConnection)]` because each arm then uses the
//! backend's own types and features with no lowest-common-denominator backend.
//!
//! Guarantees:
//! - SQLite runs in WAL mode with `synchronous=FULL` and `foreign_keys=ON`; every write is a
//!   `BEGIN IMMEDIATE` transaction, so writers serialise and a read-then-write never hits
//!   `SQLITE_BUSY` at the upgrade.
//! - On PostgreSQL every write transaction first locks the audit chain head row
//!   (`SELECT … FOR UPDATE`): writers serialise, the chain cannot fork, and register numbers
//!   computed inside the transaction are unique and gap-free.
//! - Register numbers are per register and per year, assigned inside the write transaction
//!   (max + 1, guarded by a unique index); entries are never deleted.
//! - Every state change of the services writes its audit record in the same transaction.
//! - The clearance filter (`ReadScope`) is applied in SQL on every read of items, requests,
//!   register entries, notices and attachments.
//! - With a key ([`DbStore::open_keyed`]) the SQLite file is encrypted with SQLCipher: the key
//!   is the first statement on every connection (pool, WAL setup, backup check, restore), and a
//!   plain database found at the path is converted once ([`encrypt_plain_sqlite`]). The key never
//!   appears in a log line or an error message.

#![forbid(unsafe_code)]

pub mod backup;
mod bench;
mod blobs;
mod cipher;
mod dataset;
mod import_stream;
mod report;
pub mod schema;
mod tx;

use bmnn_core::audit::{self, AuditRecord, Broken};
use bmnn_core::error::{CoreError, Result};
use bmnn_core::ports::{Store, Tx};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use scheduled_thread_pool::ScheduledThreadPool;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub use cipher::encrypt_plain_sqlite;
pub use dataset::{
    Dataset, EXPORT_FORMAT, EXPORT_VERSION, ImportOptions, ImportReport, check_dataset,
    check_log_covers_data,
};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("không mở được cơ sở dữ liệu: {0}")]
    Open(String),
    #[error("lỗi chuyển đổi cơ sở dữ liệu (migration): {0}")]
    Migrate(String),
    #[error(
        "khóa không mở được cơ sở dữ liệu {0} (sai khóa dữ liệu, hoặc tệp không phải cơ sở dữ liệu \
         bmnn); không có gì thay đổi. / The key does not open the database (wrong data key or not \
         a bmnn database); nothing was changed."
    )]
    WrongKey(String),
    #[error(
        "cơ sở dữ liệu {0} đã được mã hóa: cần khóa dữ liệu để mở. / The database is encrypted; \
         the data key is needed."
    )]
    Encrypted(String),
    #[error(
        "địa chỉ cơ sở dữ liệu không hợp lệ: {0} (dùng sqlite:///đường/dẫn.db hoặc postgres://…)"
    )]
    Url(String),
    #[error("cài đặt kết nối cơ sở dữ liệu không hợp lệ: {0}; không có gì được mở hay thay đổi")]
    Pool(String),
}

/// Which backend a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How a unit of work holds the database.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A read-only transaction (read committed on PostgreSQL).
    Read,
    /// A read-only transaction that sees one snapshot throughout (repeatable read on
    /// PostgreSQL; any SQLite read transaction does), for reads in several statements.
    Snapshot,
    /// A write transaction, serialised on the chain head.
    Write,
}

/// Audit records read per statement when the log is walked (about 1 KB each).
const AUDIT_BATCH: i64 = 2_000;

enum Pools {
    Sqlite(Pool<ConnectionManager<SqliteConnection>>),
    Pg(Pool<ConnectionManager<PgConnection>>),
}

/// The SQLCipher key of a SQLite database: 32 raw bytes (no passphrase derivation inside
/// SQLCipher; the caller gives a subkey of the data key). Debug never shows it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SqliteKey([u8; 32]);

impl SqliteKey {
    pub fn new(bytes: [u8; 32]) -> SqliteKey {
        SqliteKey(bytes)
    }
    fn hex(&self) -> String {
        self.0.iter().map(|x| format!("{x:02x}")).collect()
    }
    /// `PRAGMA key` with the raw key, the first statement on a connection; then SQLCipher's own
    /// logging to standard error is silenced (a wrong key is reported by [`StoreError::WrongKey`]).
    fn pragma(&self) -> String {
        format!(
            "PRAGMA key = \"x'{}'\"; PRAGMA cipher_log_level = NONE;",
            self.hex()
        )
    }
}

impl std::fmt::Debug for SqliteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteKey(…)")
    }
}

/// Opens a SQLite connection: the key (if any) first, then a read that proves it opens the
/// file. A wrong key (or an encrypted file opened without one) is a clear error, never the
/// SQL text (which holds the key).
pub(crate) fn sqlite_connect(
    path: &str,
    key: Option<&SqliteKey>,
) -> std::result::Result<SqliteConnection, StoreError> {
    let mut c = SqliteConnection::establish(path).map_err(|e| StoreError::Open(e.to_string()))?;
    if let Some(k) = key {
        // Errors of this statement are replaced: SQLite does not echo SQL, but be sure.
        c.batch_execute(&k.pragma())
            .map_err(|_| StoreError::Open("PRAGMA key".into()))?;
    }
    if let Err(e) = c.batch_execute("SELECT count(*) FROM sqlite_master;") {
        let not_db = matches!(
            &e,
            diesel::result::Error::DatabaseError(_, info) if info.message().contains("not a database")
        );
        return Err(match (not_db, key) {
            (true, Some(_)) => StoreError::WrongKey(path.to_string()),
            (true, None) if file_state(Path::new(path)) == FileState::Encrypted => {
                StoreError::Encrypted(path.to_string())
            }
            _ => StoreError::Open(e.to_string()),
        });
    }
    Ok(c)
}

/// Per-connection SQLite settings (applied to every pooled connection), after the key.
struct SqlitePragmas {
    key: Option<SqliteKey>,
}

impl std::fmt::Debug for SqlitePragmas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SqlitePragmas {{ keyed: {} }}", self.key.is_some())
    }
}

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, c: &mut SqliteConnection) -> std::result::Result<(), diesel::r2d2::Error> {
        if let Some(k) = &self.key {
            c.batch_execute(&k.pragma()).map_err(|_| {
                diesel::r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(
                    "PRAGMA key".into(),
                ))
            })?;
        }
        // 4 MiB of page cache per pooled connection (4). With SQLCipher a page read from the
        // file is decrypted and authenticated, so the cache must hold the working set of the
        // busiest pages: at a million items (docs/benchmarks.md, "Memory under load") 2 MiB
        // holds the list, the search or a register page alone but thrashes when they are mixed
        // (0.5x), 3 and 4 MiB serve them mixed as fast as 8 MiB, and 8 MiB held the server
        // above its 60 MB budget under load (issue 15).
        c.batch_execute(
            "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; \
             PRAGMA cache_size = -4096;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// What a SQLite database file looks like from outside, without a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// No file (a new database).
    Missing,
    /// A file of zero bytes (SQLite makes the header on the first write).
    Empty,
    /// Starts with `SQLite format 3\0`: not encrypted.
    Plain,
    /// Anything else: encrypted by SQLCipher (or not a database at all).
    Encrypted,
}

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Looks at the first 16 bytes of `path`.
pub fn file_state(path: &Path) -> FileState {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else {
        return FileState::Missing;
    };
    let mut head = Vec::with_capacity(16);
    if f.by_ref().take(16).read_to_end(&mut head).is_err() {
        return FileState::Encrypted;
    }
    if head.is_empty() {
        FileState::Empty
    } else if head.as_slice() == SQLITE_HEADER {
        FileState::Plain
    } else {
        FileState::Encrypted
    }
}

/// The SQLite file path of a URL (`None` for PostgreSQL).
pub fn sqlite_path(url: &str) -> Option<&str> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        None
    } else {
        Some(url.strip_prefix("sqlite://").unwrap_or(url))
    }
}

/// The database of one bmnn installation.
pub struct DbStore {
    pools: Pools,
    /// SQLCipher key of a SQLite database (backups check their copy with it).
    key: Option<SqliteKey>,
    /// The one thread that opens the SQLite pool's connections (see the `Drop` impl).
    workers: Option<Arc<ScheduledThreadPool>>,
    /// MAC key of the audit chain (keyed record format; see `bmnn_core::audit`).
    audit_key: Option<[u8; 32]>,
    /// Write transactions ended through this store ([`Store::generation`]).
    generation: AtomicU64,
}

/// SQLCipher frees its global state in an `atexit` handler. A SQLite connection closed by another
/// thread while the process exits crashes it (seen: r2d2's worker, which had just opened a
/// connection, holding the pool's last reference and closing every connection). So the SQLite
/// pool runs without reaper (no idle timeout, no maximum lifetime: connections live as long as
/// the store), its connections are opened by one worker thread, and dropping the store first
/// waits for that worker to be idle: the pool, and every connection, is then closed by the
/// thread that drops the store.
impl Drop for DbStore {
    fn drop(&mut self) {
        if let Some(w) = &self.workers {
            let (tx, rx) = std::sync::mpsc::channel();
            w.execute(move || {
                let _ = tx.send(());
            });
            let _ = rx.recv_timeout(Duration::from_secs(30));
        }
    }
}

/// A connection borrowed for one transaction.
pub(crate) enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Pg(&'a mut PgConnection),
}

/// Runs the same diesel code against whichever connection is in use.
macro_rules! dispatch {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::Conn::Sqlite(inner) => {
                let $c: &mut diesel::sqlite::SqliteConnection = &mut **inner;
                $body
            }
            $crate::Conn::Pg(inner) => {
                let $c: &mut diesel::pg::PgConnection = &mut **inner;
                $body
            }
        }
    };
}
pub(crate) use dispatch;

/// Error inside a transaction: either the domain's or the database's.
pub(crate) enum TxErr {
    Core(CoreError),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for TxErr {
    fn from(e: diesel::result::Error) -> Self {
        TxErr::Db(e)
    }
}

impl From<TxErr> for CoreError {
    fn from(e: TxErr) -> Self {
        match e {
            TxErr::Core(c) => c,
            TxErr::Db(d) => db_err(d),
        }
    }
}

pub(crate) fn db_err(e: diesel::result::Error) -> CoreError {
    use diesel::result::{DatabaseErrorKind, Error};
    tracing::error!(error = %e, "database error");
    match e {
        // The server went away mid-request (a crash, a failover): nothing was committed.
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => CoreError::Unavailable,
        e => CoreError::Storage(e.to_string()),
    }
}

/// No connection within the pool's timeout: the database does not answer.
pub(crate) fn pool_err(e: diesel::r2d2::PoolError) -> CoreError {
    tracing::warn!(error = %e, "no database connection");
    CoreError::Unavailable
}

/// The default number of SQLite connections for `cores` processors: one per core, at least 2 (a
/// writer and a reader) and at most 4. A SQLite query's work is the processor's (each page read
/// from the file is decrypted and authenticated), so connections beyond the cores add no
/// throughput, only memory: each keeps its own page cache and compiled statements. At a million
/// items on two cores (docs/benchmarks.md, "Memory under load") 4 connections held the server at
/// 58-61 MB under load, 3 at 58 MB and 2 at 53 MB, every page under 40 ms p95 in each.
fn sqlite_pool_size(cores: Option<std::num::NonZeroUsize>) -> u32 {
    cores.map_or(2, |n| n.get()).clamp(2, 4) as u32
}

/// The connection pool's size and the time a request waits for a connection before it fails
/// with [`CoreError::Unavailable`]: `--db-pool-size` / `BMNN_DB_POOL_SIZE` (1–256) and
/// `--db-timeout` / `BMNN_DB_TIMEOUT` (seconds, 1–300; the flags are the `bmnn` command's).
/// Defaults: PostgreSQL 8 connections and 5 s (fail fast when the server is gone; a failover
/// takes seconds); SQLite one connection per core, from 2 to 4, and 30 s (one file: waiting for
/// the writer is normal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolOptions {
    pub max_size: u32,
    pub timeout: Duration,
}

impl PoolOptions {
    pub fn defaults(postgres: bool) -> PoolOptions {
        if postgres {
            PoolOptions {
                max_size: 8,
                timeout: Duration::from_secs(5),
            }
        } else {
            PoolOptions {
                max_size: sqlite_pool_size(std::thread::available_parallelism().ok()),
                timeout: Duration::from_secs(30),
            }
        }
    }

    /// The defaults with the given settings (the values of the two variables) applied.
    pub fn parse(
        postgres: bool,
        size: Option<&str>,
        timeout: Option<&str>,
    ) -> std::result::Result<PoolOptions, StoreError> {
        let mut o = PoolOptions::defaults(postgres);
        let num = |name: &str, v: &str, max: u64| match v.trim().parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(StoreError::Pool(format!(
                "{name} phải là một số nguyên từ 1 đến {max} (đang là \"{v}\")"
            ))),
        };
        if let Some(v) = size {
            o.max_size = num("số kết nối (--db-pool-size, BMNN_DB_POOL_SIZE)", v, 256)? as u32;
        }
        if let Some(v) = timeout {
            o.timeout = Duration::from_secs(num(
                "thời gian chờ kết nối, tính bằng giây (--db-timeout, BMNN_DB_TIMEOUT)",
                v,
                300,
            )?);
        }
        Ok(o)
    }

    /// From `BMNN_DB_POOL_SIZE` and `BMNN_DB_TIMEOUT`.
    pub fn from_env(postgres: bool) -> std::result::Result<PoolOptions, StoreError> {
        let size = std::env::var("BMNN_DB_POOL_SIZE").ok();
        let timeout = std::env::var("BMNN_DB_TIMEOUT").ok();
        PoolOptions::parse(postgres, size.as_deref(), timeout.as_deref())
    }
}

impl DbStore {
    /// Opens (and migrates) the database at `url`: `sqlite:///abs/path.db`, `sqlite://rel.db`,
    /// a plain file path, or `postgres://…` / `postgresql://…`.
    /// Without a key the SQLite file is plain (tests, tools); see [`DbStore::open_keyed`].
    pub fn open(url: &str) -> std::result::Result<DbStore, StoreError> {
        DbStore::open_keyed(url, None)
    }

    /// Opens (and migrates) the database at `url`; with `key`, a SQLite file is encrypted with
    /// SQLCipher under it, and a plain one found there is converted first
    /// ([`encrypt_plain_sqlite`]). PostgreSQL ignores the key (its at-rest encryption is the
    /// server's).
    pub fn open_keyed(
        url: &str,
        key: Option<[u8; 32]>,
    ) -> std::result::Result<DbStore, StoreError> {
        let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
        DbStore::open_with(url, key, PoolOptions::from_env(postgres)?)
    }

    /// [`DbStore::open_keyed`] with the pool's size and timeout given (instead of read from
    /// `BMNN_DB_POOL_SIZE` / `BMNN_DB_TIMEOUT`).
    pub fn open_with(
        url: &str,
        key: Option<[u8; 32]>,
        opts: PoolOptions,
    ) -> std::result::Result<DbStore, StoreError> {
        let key = key.map(SqliteKey::new);
        let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
        let store = if postgres {
            let mgr = ConnectionManager::<PgConnection>::new(url);
            let pool = Pool::builder()
                .max_size(opts.max_size)
                .connection_timeout(opts.timeout)
                .build(mgr)
                .map_err(|e| StoreError::Open(e.to_string()))?;
            DbStore {
                pools: Pools::Pg(pool),
                key: None,
                workers: None,
                audit_key: None,
                generation: AtomicU64::new(0),
            }
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            if path.is_empty() {
                return Err(StoreError::Url(url.to_string()));
            }
            if let Some(k) = &key {
                encrypt_plain_sqlite(Path::new(path), k)?;
            }
            // WAL once per database file (persistent), before the pool opens; the key is
            // checked here, before anything is written.
            let mut c = sqlite_connect(path, key.as_ref())?;
            c.batch_execute("PRAGMA journal_mode = WAL;")
                .map_err(|e| StoreError::Open(e.to_string()))?;
            drop(c);
            let mgr = ConnectionManager::<SqliteConnection>::new(path);
            let workers = Arc::new(
                ScheduledThreadPool::builder()
                    .num_threads(1)
                    .thread_name_pattern("bmnn-sqlite-{}")
                    .build(),
            );
            let pool = Pool::builder()
                .max_size(opts.max_size)
                .connection_timeout(opts.timeout)
                .idle_timeout(None)
                .max_lifetime(None)
                .thread_pool(workers.clone())
                .connection_customizer(Box::new(SqlitePragmas { key }))
                .build(mgr)
                .map_err(|e| StoreError::Open(e.to_string()))?;
            DbStore {
                pools: Pools::Sqlite(pool),
                key,
                workers: Some(workers),
                audit_key: None,
                generation: AtomicU64::new(0),
            }
        };
        store.migrate()?;
        store.fill_picks()?;
        Ok(store)
    }

    /// Fills the pickers' folded columns of rows that have none (migration 000021 adds them
    /// empty: the folding is Rust's); a read finds there are none on every later open.
    fn fill_picks(&self) -> std::result::Result<(), StoreError> {
        let m = |e: CoreError| StoreError::Migrate(e.to_string());
        if self.with_db(false, |tx| tx.picks_missing()).map_err(m)? {
            self.with_db(true, |tx| tx.fill_picks()).map_err(m)?;
        }
        Ok(())
    }

    /// Writes (and verifies) audit records in the keyed format under `key`, the data key's
    /// "audit" subkey (see `bmnn_core::audit`).
    pub fn with_audit_key(mut self, key: [u8; 32]) -> DbStore {
        self.audit_key = Some(key);
        self
    }

    /// Whether the SQLite file is encrypted (always false on PostgreSQL).
    pub fn encrypted(&self) -> bool {
        self.key.is_some()
    }

    pub fn backend(&self) -> Backend {
        match self.pools {
            Pools::Sqlite(_) => Backend::Sqlite,
            Pools::Pg(_) => Backend::Postgres,
        }
    }

    fn migrate(&self) -> std::result::Result<(), StoreError> {
        let m = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migrate(e.to_string());
        match &self.pools {
            Pools::Sqlite(p) => {
                let mut c = p.get().map_err(|e| StoreError::Open(e.to_string()))?;
                c.run_pending_migrations(SQLITE_MIGRATIONS).map_err(m)?;
            }
            Pools::Pg(p) => {
                let mut c = p.get().map_err(|e| StoreError::Open(e.to_string()))?;
                c.run_pending_migrations(PG_MIGRATIONS).map_err(m)?;
            }
        }
        Ok(())
    }

    fn with_db<T>(&self, write: bool, f: impl FnOnce(&mut tx::DbTx<'_>) -> Result<T>) -> Result<T> {
        self.with_db_mode(if write { Mode::Write } else { Mode::Read }, f)
    }

    fn with_db_mode<T>(
        &self,
        mode: Mode,
        f: impl FnOnce(&mut tx::DbTx<'_>) -> Result<T>,
    ) -> Result<T> {
        let r = self.with_db_mode_inner(mode, f);
        if mode == Mode::Write {
            // After the transaction ended (committed or not): a reader that took the
            // generation before its own transaction began never keeps a result of a state
            // older than this write under the new generation.
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
        r
    }

    fn with_db_mode_inner<T>(
        &self,
        mode: Mode,
        f: impl FnOnce(&mut tx::DbTx<'_>) -> Result<T>,
    ) -> Result<T> {
        let write = mode == Mode::Write;
        let audit_key = self.audit_key;
        match &self.pools {
            Pools::Sqlite(p) => {
                let mut pc: PooledConnection<_> = p.get().map_err(pool_err)?;
                let c: &mut SqliteConnection = &mut pc;
                let run = |c: &mut SqliteConnection| -> std::result::Result<T, TxErr> {
                    let mut tx = tx::DbTx {
                        conn: Conn::Sqlite(c),
                        audit_key,
                    };
                    f(&mut tx).map_err(TxErr::Core)
                };
                let r = if write {
                    c.immediate_transaction(run)
                } else {
                    c.transaction(run)
                };
                r.map_err(CoreError::from)
            }
            Pools::Pg(p) => {
                let mut pc: PooledConnection<_> = p.get().map_err(pool_err)?;
                let c: &mut PgConnection = &mut pc;
                let run = |c: &mut PgConnection| -> std::result::Result<T, TxErr> {
                    if write {
                        // Serialise writers on the chain head (see module docs).
                        schema::audit_head::table
                            .filter(schema::audit_head::id.eq(1))
                            .select(schema::audit_head::seq)
                            .for_update()
                            .first::<i64>(c)?;
                    }
                    let mut tx = tx::DbTx {
                        conn: Conn::Pg(c),
                        audit_key,
                    };
                    f(&mut tx).map_err(TxErr::Core)
                };
                let r = match mode {
                    Mode::Write => c.build_transaction().read_write().run(run),
                    Mode::Read => c.build_transaction().read_only().run(run),
                    Mode::Snapshot => c.build_transaction().read_only().repeatable_read().run(run),
                };
                r.map_err(CoreError::from)
            }
        }
    }

    /// Recomputes the whole audit chain (and, with the audit key, every MAC); names the first
    /// broken record.
    pub fn verify_audit(&self) -> Result<std::result::Result<u64, Broken>> {
        Ok(self.verify_audit_full(None)?.map(|v| v.count))
    }

    /// [`DbStore::verify_audit`], plus how many records are of the old unkeyed format and,
    /// given an opened checkpoint, that the record at its seq still has its hash.
    ///
    /// The log is read in batches of [`AUDIT_BATCH`] records inside one snapshot (a read
    /// transaction; repeatable read on PostgreSQL, so the head read last is the head of the
    /// records read), through [`audit::ChainCheck`]: memory stays that of one batch whatever the
    /// length of the log.
    pub fn verify_audit_full(
        &self,
        checkpoint: Option<&audit::Checkpoint>,
    ) -> Result<std::result::Result<audit::Verified, Broken>> {
        self.verify_audit_batched(checkpoint, AUDIT_BATCH)
    }

    /// [`DbStore::verify_audit_full`] reading `batch` records per statement (tests walk the
    /// batch boundaries with small ones).
    #[doc(hidden)]
    pub fn verify_audit_batched(
        &self,
        checkpoint: Option<&audit::Checkpoint>,
        batch: i64,
    ) -> Result<std::result::Result<audit::Verified, Broken>> {
        let batch_len = batch.max(1);
        let key = self.audit_key;
        self.with_db_mode(Mode::Snapshot, |tx| {
            let mut chain = audit::ChainCheck::new(key.as_ref());
            let mut at_checkpoint: Option<AuditRecord> = None;
            let mut after = i64::MIN;
            loop {
                let batch = tx.audit_after(after, batch_len)?;
                for r in &batch {
                    chain.push(r);
                    if at_checkpoint.is_none() && checkpoint.is_some_and(|cp| cp.seq == r.seq) {
                        at_checkpoint = Some(r.clone());
                    }
                }
                match batch.last() {
                    Some(r) if batch.len() as i64 == batch_len => after = r.seq,
                    _ => break,
                }
            }
            let head = tx.audit_head()?;
            let (verdict, last) = chain.finish();
            let head = head.as_ref();
            let v = verdict
                .and_then(|v| {
                    audit::verify_head(last.as_ref(), head.map(|(s, h, _)| (*s, h.as_str())))
                        .map(|()| v)
                })
                .and_then(|v| {
                    audit::verify_head_mac(
                        last.as_ref(),
                        head.map(|(s, h, m)| (*s, h.as_str(), m.as_deref())),
                        key.as_ref(),
                    )
                    .map(|()| v)
                })
                .and_then(|v| match checkpoint {
                    Some(cp) => audit::checkpoint_at(cp, at_checkpoint.as_ref()).map(|()| v),
                    None => Ok(v),
                });
            Ok(v)
        })
    }

    /// The last record of the audit chain (what a checkpoint signs).
    pub fn audit_last(&self) -> Result<Option<AuditRecord>> {
        self.with_db(false, |tx| Ok(tx.audit_tail(1)?.pop()))
    }

    /// The distinct objects of the audit records of `actions` (the accounts made by the
    /// services, for `bmnn doctor`), without reading the log whole.
    pub fn audit_objects_of(&self, actions: &[&str]) -> Result<Vec<String>> {
        self.with_db(false, |tx| tx.audit_objects_of(actions))
    }

    /// Every audit record, in chain order, in memory: for tests and small exports; the
    /// verifier streams instead.
    pub fn audit_records(&self) -> Result<Vec<AuditRecord>> {
        self.with_db_mode(Mode::Snapshot, |tx| {
            let mut out = Vec::new();
            loop {
                let after = out.last().map_or(i64::MIN, |r: &AuditRecord| r.seq);
                let batch = tx.audit_after(after, AUDIT_BATCH)?;
                let done = (batch.len() as i64) < AUDIT_BATCH;
                out.extend(batch);
                if done {
                    return Ok(out);
                }
            }
        })
    }

    pub fn audit_count(&self) -> Result<i64> {
        self.with_db(false, |tx| tx.audit_len())
    }

    /// Merges each SQLite full-text index (`items_fts_*`, `items_ntk_*`) into one segment
    /// (FTS5 `optimize`), one write transaction per table; nothing on PostgreSQL (its GIN
    /// indexes fold their pending entries in as they are vacuumed).
    ///
    /// Every write adds a small segment to the index and FTS5 merges them only a few at a
    /// time, so a busy database keeps tens of them; a search opens each one for each word,
    /// newest first, which at a million items was most of its time (docs/benchmarks.md,
    /// "Search indexes merged nightly": p95 75 → 46 ms at 32 clients). The server runs this after
    /// its daily backup, `bmnn bench-seed` after its bulk load. Search answers do not change.
    pub fn merge_search_indexes(&self) -> Result<()> {
        if self.backend() != Backend::Sqlite {
            return Ok(());
        }
        for family in ["items_fts", "items_ntk"] {
            for level in 1..=3 {
                let t = format!("{family}_{level}");
                self.with_db(true, |tx| {
                    tx.execute_sql(&format!("INSERT INTO {t}({t}) VALUES('optimize')"))
                })?;
            }
        }
        Ok(())
    }

    /// Runs raw SQL (tests and the tamper drills of `audit verify` use it).
    pub fn execute_raw(&self, sql: &str) -> Result<()> {
        match &self.pools {
            Pools::Sqlite(p) => p
                .get()
                .map_err(|e| CoreError::Storage(e.to_string()))?
                .batch_execute(sql),
            Pools::Pg(p) => p
                .get()
                .map_err(|e| CoreError::Storage(e.to_string()))?
                .batch_execute(sql),
        }
        .map_err(db_err)
    }

    /// The whole dataset as versioned JSON (see `docs/export-format.md`).
    pub fn export(&self) -> Result<Dataset> {
        self.with_db(false, |tx| tx.export())
    }

    /// The export ([`DbStore::export`]'s JSON) written to `w` as it is read, in batches, inside
    /// one snapshot: PostgreSQL `REPEATABLE READ READ ONLY` (every batch sees the database as it
    /// was at the first one, while writers go on), SQLite one read transaction (WAL keeps its
    /// snapshot). Memory: one batch of rows, whatever the database size.
    pub fn export_to(&self, w: &mut dyn std::io::Write) -> Result<()> {
        let audit_key = self.audit_key;
        let mut f = |conn: Conn<'_>| -> std::result::Result<(), TxErr> {
            let mut tx = tx::DbTx { conn, audit_key };
            tx.export_to(w).map_err(TxErr::Core)
        };
        match &self.pools {
            Pools::Sqlite(p) => {
                let mut pc: PooledConnection<_> = p.get().map_err(pool_err)?;
                let c: &mut SqliteConnection = &mut pc;
                c.transaction(|c| f(Conn::Sqlite(c)))
            }
            Pools::Pg(p) => {
                let mut pc: PooledConnection<_> = p.get().map_err(pool_err)?;
                let c: &mut PgConnection = &mut pc;
                c.build_transaction()
                    .repeatable_read()
                    .read_only()
                    .run(|c| f(Conn::Pg(c)))
            }
        }
        .map_err(CoreError::from)
    }

    /// Loads an export into an empty database as a controlled restore ([`check_dataset`] first,
    /// then the rows, the level copies re-derived, API tokens only with `keep_tokens`, and an
    /// audit record of the import); refuses with the first error and writes nothing then.
    /// On PostgreSQL it is [`DbStore::import_from`] of the dataset's JSON.
    pub fn import(&self, d: &Dataset, o: &ImportOptions<'_>) -> Result<ImportReport> {
        match &self.pools {
            Pools::Sqlite(_) => self.with_db(true, |tx| tx.import(d, o)),
            Pools::Pg(_) => {
                let json = serde_json::to_vec(d).map_err(|e| CoreError::Storage(e.to_string()))?;
                self.import_from(&json[..], o, |_| Ok(()))
            }
        }
    }

    /// [`DbStore::import`] of an export read from `r` (a sealed backup's payload, a file).
    /// PostgreSQL: streamed, in one transaction (rows checked and inserted a batch at a time,
    /// the checks across tables in SQL before the commit; see `import_stream`), so memory stays
    /// at one batch whatever the dataset's size. SQLite: the dataset decoded whole, then
    /// [`DbStore::import`]. `after` gets the reader back once the JSON ended and may still
    /// refuse (a backup's hash), before anything is committed.
    pub fn import_from<R: std::io::Read>(
        &self,
        r: R,
        o: &ImportOptions<'_>,
        after: impl FnOnce(R) -> Result<()>,
    ) -> Result<ImportReport> {
        match &self.pools {
            Pools::Pg(_) => self.with_db(true, |tx| tx.import_from(r, o, after)),
            Pools::Sqlite(_) => {
                let mut r = r;
                let d: Dataset = serde_json::from_reader(std::io::BufReader::new(&mut r)).map_err(
                    |e| match e.io_error_kind() {
                        Some(_) => backup::read_error(e.into()),
                        None => CoreError::invalid("format", format!("tệp không hợp lệ: {e}")),
                    },
                )?;
                after(r)?;
                self.with_db(true, |tx| tx.import(&d, o))
            }
        }
    }

    /// `VACUUM INTO` copy of a SQLite database (consistent while the server runs).
    pub fn sqlite_snapshot(&self, dest: &str) -> Result<()> {
        match &self.pools {
            Pools::Sqlite(p) => {
                let mut c = p.get().map_err(|e| CoreError::Storage(e.to_string()))?;
                let q = format!("VACUUM INTO '{}'", dest.replace('\'', "''"));
                c.batch_execute(&q).map_err(db_err)
            }
            Pools::Pg(_) => Err(CoreError::Conflict(
                "VACUUM INTO chỉ dùng cho SQLite.".into(),
            )),
        }
    }
}

impl Store for DbStore {
    fn read<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        self.with_db(false, |t| f(t))
    }
    fn write<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        self.with_db(true, |t| f(t))
    }
    fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod sqlite_build_tests {
    use super::*;

    /// The bundled SQLite is built with the query planner stability guarantee
    /// (`.cargo/config.toml`): without it every statement with a bound LIMIT is parsed and
    /// planned again on each use, whatever diesel's statement cache holds.
    #[test]
    fn sqlite_is_built_with_the_planner_stability_guarantee_and_no_memory_statistics() {
        #[derive(diesel::QueryableByName)]
        struct Opt {
            #[diesel(sql_type = diesel::sql_types::Text)]
            compile_options: String,
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.db");
        let mut c = sqlite_connect(path.to_str().expect("utf-8"), None).expect("open");
        let opts: Vec<String> = diesel::sql_query("PRAGMA compile_options")
            .load::<Opt>(&mut c)
            .expect("compile options")
            .into_iter()
            .map(|o| o.compile_options)
            .collect();
        assert!(
            opts.iter().any(|o| o == "ENABLE_QPSG"),
            "SQLite built without SQLITE_ENABLE_QPSG: {opts:?}"
        );
        // Allocations do not count themselves under a process-wide mutex.
        assert!(
            opts.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "SQLite built with memory statistics: {opts:?}"
        );
    }
}

#[cfg(test)]
mod pool_options_tests {
    use super::*;

    #[test]
    fn pool_settings_default_per_backend_and_refuse_nonsense() {
        assert_eq!(
            PoolOptions::parse(true, None, None).unwrap(),
            PoolOptions::defaults(true)
        );
        assert_eq!(PoolOptions::defaults(true).timeout, Duration::from_secs(5));
        // SQLite: one connection per core, from 2 to 4.
        let cores = |n: usize| std::num::NonZeroUsize::new(n);
        let sizes: Vec<u32> = [None, cores(1), cores(2), cores(3), cores(4), cores(64)]
            .into_iter()
            .map(sqlite_pool_size)
            .collect();
        assert_eq!(sizes, [2, 2, 2, 3, 4, 4]);
        assert_eq!(
            PoolOptions::defaults(false).max_size,
            sqlite_pool_size(std::thread::available_parallelism().ok())
        );
        let o = PoolOptions::parse(false, Some("16"), Some("2")).unwrap();
        assert_eq!((o.max_size, o.timeout), (16, Duration::from_secs(2)));
        for (size, timeout) in [
            (Some("0"), None),
            (Some("abc"), None),
            (None, Some("0")),
            (None, Some("301")),
        ] {
            let e = PoolOptions::parse(true, size, timeout)
                .unwrap_err()
                .to_string();
            assert!(e.contains("phải là một số nguyên từ 1 đến"), "{e}");
        }
    }
}
