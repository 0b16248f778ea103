//! Command-line parsing and the commands that are not `serve`.

use crate::keys::KeyArgs;
use anyhow::{Context, Result, anyhow};
use bmnn_core::Level;
use bmnn_core::dates::{fmt_vn, parse_date};
use bmnn_core::model::{Agency, Role};
use bmnn_core::ports::Store;
use bmnn_core::registers::RegisterKind;
use bmnn_core::rules::RuleSet;
use bmnn_core::service::{Ctx, NewUser, SYSTEM_USER_ID, Service, UserChange};
use bmnn_store::{DbStore, FileState, PoolOptions};
use bmnn_vault::DataKey;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "bmnn",
    version,
    about = "bmnn — quản lý công tác bảo vệ bí mật nhà nước"
)]
pub struct Cli {
    /// Data folder (thư mục dữ liệu).
    #[arg(long, env = "BMNN_DATA", default_value = "bmnn-data", global = true)]
    pub data: PathBuf,
    /// Database URL: sqlite:///path/bmnn.db or postgres://user@host/db (default: SQLite in the data folder).
    #[arg(long, env = "BMNN_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    #[command(flatten)]
    pub keys: crate::keys::KeyArgs,
    #[command(flatten)]
    pub pool: DbPoolArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The database connection pool of every command that opens the database (`serve` above all).
/// Kept as text so that a bad value is refused by [`PoolOptions::parse`] in Vietnamese.
#[derive(clap::Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct DbPoolArgs {
    /// Database connections in the pool, 1–256 (default: 8 on PostgreSQL, 4 on SQLite).
    #[arg(
        id = "db_pool_size",
        long = "db-pool-size",
        env = "BMNN_DB_POOL_SIZE",
        global = true
    )]
    pub size: Option<String>,
    /// Seconds a request waits for a database connection before it fails (503), 1–300
    /// (default: 5 on PostgreSQL, 30 on SQLite).
    #[arg(
        id = "db_timeout",
        long = "db-timeout",
        env = "BMNN_DB_TIMEOUT",
        global = true
    )]
    pub timeout: Option<String>,
}

/// The pool settings of this run, set by [`run`] once they are checked.
static POOL: std::sync::RwLock<Option<DbPoolArgs>> = std::sync::RwLock::new(None);

/// The pool options for the database at `url`: the command's flags (or their environment
/// variables), else the defaults of `PoolOptions::defaults`.
pub fn pool_options(url: &str) -> Result<PoolOptions> {
    let args = POOL.read().ok().and_then(|g| g.clone());
    let postgres = bmnn_store::sqlite_path(url).is_none();
    match args {
        Some(a) => PoolOptions::parse(postgres, a.size.as_deref(), a.timeout.as_deref()),
        None => PoolOptions::from_env(postgres),
    }
    .map_err(|e| anyhow!("{e}"))
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the (encrypted) database and the administrator; needs `bmnn keys init` first.
    Init {
        #[arg(long, default_value = "admin")]
        admin: String,
        #[arg(long, default_value = "Quản trị viên")]
        admin_name: String,
        #[arg(long, default_value = "Cơ quan chưa đặt tên")]
        agency: String,
        /// Địa danh: the place written before the date of every document ("Hà Nội, ngày …").
        /// Asked at a terminal when not given.
        #[arg(long)]
        place: Option<String>,
        /// Chữ viết tắt tên cơ quan: the agency's symbol in numbers and symbols ("…/SCT-VP").
        /// Asked at a terminal when not given.
        #[arg(long)]
        symbol: Option<String>,
        /// Cơ quan cấp trên trực tiếp: the agency directly above.
        #[arg(long)]
        superior: Option<String>,
        /// Read the administrator's password from standard input (one line).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Start the web server and the JSON API.
    Serve(crate::serve::ServeArgs),
    /// Manage users.
    #[command(subcommand)]
    User(UserCmd),
    /// Export the whole dataset as versioned JSON (docs/export-format.md), sealed with the data
    /// key (vault envelope: encrypted and authenticated).
    Export {
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Write the JSON in clear, unsealed (for reading it with another tool; `import` then
        /// needs --accept-unsealed).
        #[arg(long)]
        plain: bool,
    },
    /// Import a sealed dataset of this installation into an empty database, as a controlled
    /// restore: every row checked against its record, every record as the services check it,
    /// the audit chain verified; refused whole with the first error (docs/export-format.md).
    Import {
        file: PathBuf,
        /// Accept a file that is not sealed with this installation's data key (a plain JSON
        /// export, or one made by hand): its content is then vouched for by nobody but you.
        #[arg(long)]
        accept_unsealed: bool,
        /// Bring the file's API tokens in (by default they are dropped: their holders ask for
        /// new ones).
        #[arg(long)]
        keep_tokens: bool,
        /// Accept the privileged accounts the file brings (administrators, Tối mật/Tuyệt mật
        /// clearances, leaders, security officers): without it the import is refused with their
        /// list.
        #[arg(long)]
        accept_privileged: bool,
    },
    /// Make a sealed backup of the database (while the server runs) into DIR (default <data>/backups).
    Backup {
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Keep only the newest N backups in the folder.
        #[arg(long)]
        keep: Option<usize>,
    },
    /// Restore a backup made by `bmnn backup` (stop the server first); refuses damaged or foreign files.
    Restore {
        file: PathBuf,
        /// Confirm replacing the current database.
        #[arg(long)]
        yes: bool,
    },
    /// Check the installation: folder permissions, disk space, key, database and audit chain, backups.
    Doctor,
    /// The data key: create, unlock ways (passphrase, recovery code, key file), re-wrap, verify.
    #[command(subcommand)]
    Keys(crate::keys::KeysCmd),
    /// HTTPS on the LAN: mint a local CA and a server certificate.
    #[command(subcommand)]
    Tls(TlsCmd),
    /// Audit chain commands.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// What is due or overdue on a date (default today).
    Due {
        #[arg(long)]
        date: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Print a register of a year.
    Register {
        #[arg(value_enum)]
        kind: RegisterArg,
        #[arg(long)]
        year: i32,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// The agency's name, place, symbol and superior (printed on every document and report).
    #[command(subcommand)]
    Agency(AgencyCmd),
    /// Show the regimes and their unconfirmed legal points.
    Rules {
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Run the automatic transitions now (declassify items whose period ended).
    Tick,
    /// Load the fictional demo agency into an empty database (what `serve --demo` does).
    Demo,
    /// Reports (annual, five-year, incident) as DOCX/JSON; signed bundles up the chain.
    Report {
        #[command(subcommand)]
        cmd: crate::report_cmd::ReportCmd,
    },
    /// Check files for secret markings and copied passages before they are published.
    Scan(bmnn_scan::cli::ScanArgs),
    /// (benchmarks only) bulk items and register entries held by USER, bypassing the services.
    #[command(hide = true)]
    BenchSeed {
        #[arg(long, default_value_t = 100_000)]
        items: usize,
        #[arg(long, default_value_t = 200_000)]
        entries: usize,
        /// Units added under the agency's first unit.
        #[arg(long, default_value_t = 0)]
        units: usize,
        /// Users (drafters, no password) spread over the added units.
        #[arg(long, default_value_t = 0)]
        users: usize,
        #[arg(long = "as", default_value = "vanthu")]
        user: String,
        /// Programme records for the report benchmark, and a history event per item.
        #[arg(long, default_value_t = 0)]
        records: usize,
        /// Audit records for the seeded rows (so that a backup of them restores through the
        /// import's checks).
        #[arg(long)]
        audited: bool,
    },
    /// (benchmarks only) times the annual report of YEAR: the figures gathered by SQL
    /// aggregates (the product's path) against the former row-by-row count, RUNS times each.
    #[command(hide = true)]
    BenchReport {
        #[arg(long)]
        year: i32,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// (internal) the isolated extraction child process of the scanner.
    #[command(hide = true)]
    ExtractChild,
}

/// `bmnn agency`: thông tin cơ quan.
#[derive(Subcommand, Debug)]
pub enum AgencyCmd {
    /// Show the agency's details.
    Show,
    /// Change the given details; the others stay as they are.
    Set {
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        symbol: Option<String>,
        /// The agency directly above; an empty value removes it.
        #[arg(long)]
        superior: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a user.
    Add {
        username: String,
        #[arg(long)]
        name: String,
        /// admin, clerk, leader, drafter, security-officer (repeatable).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// mat, toi-mat, tuyet-mat (none: no access to secrets).
        #[arg(long)]
        clearance: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List {
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Privilege changes waiting for approval (two-person rule).
    Pending,
    /// Approve a pending privilege change at the console (e.g. the first head of the agency).
    Approve { id: i64 },
    /// Reject a pending privilege change.
    Reject { id: i64 },
    /// Reset a user's password (and unlock the account).
    Reset {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Issue an API token for a user (printed once).
    Token {
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days the token stays valid.
        #[arg(long, env = "BMNN_TOKEN_DAYS", default_value_t = 90,
              value_parser = clap::value_parser!(u16).range(1..=3650))]
        days: u16,
    },
}

#[derive(Subcommand, Debug)]
pub enum TlsCmd {
    /// Create <data>/tls/ca.pem (install on client PCs), server.pem and server.key.
    Init {
        /// Host names or IP addresses clients use (repeatable); localhost and 127.0.0.1 are included.
        #[arg(long = "host")]
        hosts: Vec<String>,
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Recompute the hash chain and check every record's MAC (audit key): exit 0 when intact,
    /// 1 and the first broken record otherwise.
    Verify {
        /// A signed checkpoint (`bmnn audit checkpoint`, beside each backup, in report bundles):
        /// also prove that no record up to it was removed or rewritten.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
        /// The checkpoint signer's Ed25519 public key (64 hex digits); default: this unit's
        /// report signing key.
        #[arg(long)]
        public_key: Option<String>,
    },
    /// Write a checkpoint of the chain head signed with the unit's report signing key.
    Checkpoint {
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    /// Markdown (only `rules`: the legal officer's page, docs/legal-rules.md).
    Markdown,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum RegisterArg {
    Outgoing,
    Incoming,
    Handover,
    Copies,
}

impl RegisterArg {
    fn kind(self) -> RegisterKind {
        match self {
            RegisterArg::Outgoing => RegisterKind::Outgoing,
            RegisterArg::Incoming => RegisterKind::Incoming,
            RegisterArg::Handover => RegisterKind::Handover,
            RegisterArg::Copies => RegisterKind::Copies,
        }
    }
}

/// The override files of the data folder's `rules/` (name, text), by name: each `.toml` file
/// replaces its embedded namesake or adds a file.
pub fn rule_overrides(data: &Path) -> Result<Vec<(String, String)>> {
    let dir = data.join("rules");
    let mut v = Vec::new();
    if dir.is_dir() {
        for e in std::fs::read_dir(&dir)? {
            let p = e?.path();
            if p.extension().and_then(|x| x.to_str()) != Some("toml") {
                continue;
            }
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let text =
                std::fs::read_to_string(&p).with_context(|| format!("đọc {}", p.display()))?;
            v.push((name, text));
        }
    }
    v.sort();
    Ok(v)
}

/// Rules: embedded, with any file of the data folder's `rules/` overriding its namesake. An
/// override may not remove or weaken a stamp the embedded regimes define (refused, naming the
/// stamp); every override in force is logged once per process with what it changes.
pub fn load_rules(data: &Path) -> Result<RuleSet> {
    use bmnn_core::rules::EMBEDDED;
    let overrides = rule_overrides(data)?;
    let mut files: Vec<(String, String)> = EMBEDDED
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    for (name, text) in &overrides {
        match files.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = text.clone(),
            None => files.push((name.clone(), text.clone())),
        }
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let set = RuleSet::from_sources(&refs)?;
    if overrides.is_empty() {
        return Ok(set);
    }
    bmnn_core::rules_override::check_stamps(&RuleSet::embedded(), &set).map_err(|e| anyhow!(e))?;
    static LOGGED: std::sync::Once = std::sync::Once::new();
    LOGGED.call_once(|| {
        for c in bmnn_core::rules_override::differences(&EMBEDDED, &overrides) {
            tracing::warn!(
                file = %data.join("rules").join(&c.file).display(),
                replaces_embedded = c.replaces,
                changes = %c.keys.join("; "),
                "rules override in force"
            );
        }
    });
    Ok(set)
}

pub fn database_url(data: &Path, url: &Option<String>) -> Result<String> {
    match url {
        Some(u) => Ok(u.clone()),
        None => {
            std::fs::create_dir_all(data)
                .with_context(|| format!("tạo thư mục dữ liệu {}", data.display()))?;
            restrict_dir(data);
            let p = std::fs::canonicalize(data)?.join("bmnn.db");
            Ok(format!("sqlite://{}", p.display()))
        }
    }
}

#[cfg(unix)]
fn restrict_dir(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o700));
}
#[cfg(not(unix))]
fn restrict_dir(_: &Path) {}

/// The SQLCipher key of the database: a purpose-separated subkey of the data key (never the data
/// key itself).
pub fn sqlite_key(key: &DataKey) -> [u8; 32] {
    key.derive("sqlite")
}

/// The MAC key of the audit chain: the data key's "audit" subkey.
pub fn audit_key(key: &DataKey) -> [u8; 32] {
    key.derive("audit")
}

/// Opens the database encrypted under the data key's "sqlite" subkey (a plain SQLite database
/// is converted once; PostgreSQL ignores that key), its audit records keyed with the "audit"
/// subkey.
pub fn open_store(data: &Path, url: &Option<String>, key: &DataKey) -> Result<DbStore> {
    let url = database_url(data, url)?;
    Ok(
        DbStore::open_with(&url, Some(sqlite_key(key)), pool_options(&url)?)
            .map_err(|e| anyhow!("{e}"))?
            .with_audit_key(audit_key(key)),
    )
}

/// The service on the database opened with an already unlocked key.
pub fn open_service_with(
    data: &Path,
    url: &Option<String>,
    key: &DataKey,
) -> Result<Service<DbStore>> {
    let rules = load_rules(data)?;
    Ok(Service::new(open_store(data, url, key)?, rules))
}

/// THE way a command opens the database: the data key unlocked first ([`crate::keys::unlock`]),
/// then the encrypted database.
pub fn open_service(data: &Path, url: &Option<String>, keys: &KeyArgs) -> Result<Service<DbStore>> {
    let key = crate::keys::unlock(data, keys)?;
    open_service_with(data, url, &key)
}

/// Is the database new or without users, as far as can be told WITHOUT the key? (`serve --demo`
/// and `demo` make the public demo keyring only then.) An encrypted file is never fresh.
pub fn fresh_without_key(data: &Path, url: &Option<String>) -> Result<bool> {
    let url = database_url(data, url)?;
    if let Some(p) = bmnn_store::sqlite_path(&url) {
        match bmnn_store::file_state(Path::new(p)) {
            FileState::Missing | FileState::Empty => return Ok(true),
            FileState::Encrypted => return Ok(false),
            FileState::Plain => {}
        }
    }
    let store = DbStore::open_with(&url, None, pool_options(&url)?).map_err(|e| anyhow!("{e}"))?;
    Ok(store.read(|tx| Ok(tx.list_users()?.is_empty()))?)
}

pub fn system_ctx() -> Ctx {
    Ctx {
        user_id: SYSTEM_USER_ID,
        now: bmnn_web::now_utc(),
        today: bmnn_web::today_vn(),
    }
}

/// What an agency still lacks for its documents (place and symbol), as a note naming the command.
fn agency_missing_note(a: &Agency) -> Option<String> {
    let mut missing = Vec::new();
    if a.place.trim().is_empty() {
        missing.push("địa danh");
    }
    if a.symbol.trim().is_empty() {
        missing.push("chữ viết tắt tên cơ quan");
    }
    (!missing.is_empty()).then(|| {
        format!(
            "Lưu ý: chưa đặt {} — văn bản, sổ và báo cáo cần thông tin này. \
             Đặt bằng: bmnn agency set --place \"…\" --symbol \"…\"",
            missing.join(" và ")
        )
    })
}

/// One line from the terminal after a prompt on standard error.
fn read_line(prompt: &str) -> Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_string())
}

fn read_password(from_stdin: bool, prompt: &str) -> Result<String> {
    let stdin = std::io::stdin();
    if !from_stdin && stdin.is_terminal() {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    bmnn_web::auth::check_password_strength(&p).map_err(|m| anyhow!(m))?;
    Ok(p)
}

/// What an import brought in: counts, every privileged account by name, the tokens.
fn print_import_report(r: &bmnn_store::ImportReport) {
    println!(
        "Đã nhập {} tài liệu, {} bản ghi nhật ký, {} tài khoản.",
        r.items, r.audit_records, r.users
    );
    if r.privileged.is_empty() {
        println!("Không có tài khoản đặc quyền nào trong tệp.");
    } else {
        println!(
            "Tài khoản có đặc quyền được nhập ({}) — hãy đối chiếu với danh sách của cơ quan:",
            r.privileged.len()
        );
        for (username, name, what) in &r.privileged {
            println!("  {username} ({name}): {}", what.join(", "));
        }
    }
    if r.tokens_dropped > 0 {
        println!(
            "Đã bỏ {} mã truy cập API có trong tệp (người dùng xin cấp mã mới; dùng \
             --keep-tokens để giữ).",
            r.tokens_dropped
        );
    }
    if r.tokens_kept > 0 {
        println!("Đã giữ {} mã truy cập API có trong tệp.", r.tokens_kept);
    }
    println!("Việc nhập đã được ghi vào nhật ký kiểm tra.");
}

fn parse_level(s: &Option<String>) -> Result<Option<Level>> {
    match s {
        None => Ok(None),
        Some(s) => Level::from_code(s)
            .map(Some)
            .ok_or_else(|| anyhow!("độ mật không hợp lệ: {s} (mat, toi-mat, tuyet-mat)")),
    }
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    // The pool settings are checked before anything is opened, created or changed.
    let url = cli.database_url.clone().unwrap_or_default();
    let postgres = !url.is_empty() && bmnn_store::sqlite_path(&url).is_none();
    PoolOptions::parse(
        postgres,
        cli.pool.size.as_deref(),
        cli.pool.timeout.as_deref(),
    )
    .map_err(|e| anyhow!("{e}"))?;
    if let Ok(mut g) = POOL.write() {
        *g = Some(cli.pool.clone());
    }
    let data = cli.data.clone();
    match cli.command {
        Command::Serve(args) => crate::serve::run(&data, &cli.database_url, &cli.keys, args),
        Command::ExtractChild => Ok(ExitCode::from(bmnn_scan::child_main() as u8)),
        Command::Report { cmd } => crate::report_cmd::run(&data, &cli.database_url, &cli.keys, cmd),
        Command::Scan(args) => {
            let rules = load_rules(&data)?;
            let markings = bmnn_web::scanning::markings(&rules);
            // With an installation in the data folder, copies of registered items are looked
            // for too, and every scan is logged in its audit chain (name, hash, verdict).
            if data.join("bmnn.db").exists() || cli.database_url.is_some() {
                let key = crate::keys::unlock(&data, &cli.keys)?;
                let svc = open_service_with(&data, &cli.database_url, &key)?;
                let scan = bmnn_web::scanning::ScanState::new(markings.clone(), None, key.bytes());
                scan.load(&svc)?;
                let ctx = system_ctx();
                let ix = scan.index.read().map_err(|_| anyhow!("chỉ mục bị khóa"))?;
                let mut log_err = None;
                let code =
                    bmnn_scan::cli::run_cli_with(args, markings, Some(&ix), &mut |path, v| {
                        let bytes = std::fs::read(path).unwrap_or_default();
                        let log = bmnn_core::service::ScanLog {
                            file_name: path.display().to_string(),
                            sha256: bmnn_core::audit::hex(&<sha2::Sha256 as sha2::Digest>::digest(
                                &bytes,
                            )),
                            size: bytes.len() as u64,
                            verdict: format!("{:?}", v.verdict).to_lowercase(),
                            findings: v.findings.len() as u32,
                            channel: "cli".into(),
                        };
                        // Which registered items the file copies goes to the audit trail and
                        // the security officer, never to the terminal.
                        let matched: Vec<i64> = v
                            .findings
                            .iter()
                            .filter(|f| f.severity == bmnn_scan::Severity::Block)
                            .filter_map(|f| f.copy.as_ref().map(|c| c.doc_id))
                            .collect();
                        if let Err(e) = svc.record_scan_with_matches(&ctx, &log, &matched) {
                            log_err = Some(e);
                        }
                    });
                if let Some(e) = log_err {
                    return Err(anyhow!(
                        "không ghi được nhật ký kiểm tra: {}",
                        e.message_vi()
                    ));
                }
                return Ok(ExitCode::from(code as u8));
            }
            Ok(ExitCode::from(
                bmnn_scan::cli::run_cli(args, markings, None) as u8,
            ))
        }
        Command::Init {
            admin,
            admin_name,
            agency,
            place,
            symbol,
            superior,
            password_stdin,
        } => {
            let svc = open_service(&data, &cli.database_url, &cli.keys)?;
            // At a terminal, what was not given is asked; in a script it stays empty and the
            // note below says how to set it.
            let ask = !password_stdin && std::io::stdin().is_terminal();
            let place = match place {
                Some(p) => p,
                None if ask => read_line("Địa danh (ví dụ: Hà Nội): ")?,
                None => String::new(),
            };
            let symbol = match symbol {
                Some(s) => s,
                None if ask => read_line("Chữ viết tắt tên cơ quan (ví dụ: SCT): ")?,
                None => String::new(),
            };
            let password = read_password(password_stdin, "Mật khẩu quản trị viên: ")?;
            let u = svc.bootstrap_admin(
                bmnn_web::now_utc(),
                Agency {
                    name: agency,
                    superior: superior.filter(|s| !s.trim().is_empty()),
                    place: place.trim().to_string(),
                    symbol: symbol.trim().to_string(),
                },
                NewUser {
                    username: admin,
                    full_name: admin_name,
                    roles: vec![Role::Admin],
                    clearance: None,
                    position_id: None,
                    unit_id: None,
                    password_hash: bmnn_web::auth::hash_password(&password),
                },
            )?;
            println!(
                "Đã khởi tạo {}; quản trị viên: {}",
                data.display(),
                u.username
            );
            let a = svc.org(&system_ctx())?.agency;
            if let Some(note) = a.as_ref().and_then(agency_missing_note) {
                eprintln!("{note}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Agency(cmd) => {
            let svc = open_service(&data, &cli.database_url, &cli.keys)?;
            let ctx = system_ctx();
            let cur = svc.org(&ctx)?.agency;
            match cmd {
                AgencyCmd::Show => {
                    let a = cur.ok_or_else(|| anyhow!("chưa khởi tạo: chạy `bmnn init` trước"))?;
                    let or_none = |s: &str| {
                        if s.is_empty() {
                            "(chưa đặt)".to_string()
                        } else {
                            s.to_string()
                        }
                    };
                    println!("Tên cơ quan: {}", a.name);
                    println!(
                        "Cơ quan cấp trên: {}",
                        or_none(a.superior.as_deref().unwrap_or(""))
                    );
                    println!("Địa danh: {}", or_none(&a.place));
                    println!("Chữ viết tắt: {}", or_none(&a.symbol));
                    if let Some(note) = agency_missing_note(&a) {
                        eprintln!("{note}");
                    }
                }
                AgencyCmd::Set {
                    name,
                    place,
                    symbol,
                    superior,
                } => {
                    let mut a =
                        cur.ok_or_else(|| anyhow!("chưa khởi tạo: chạy `bmnn init` trước"))?;
                    if let Some(v) = name {
                        a.name = v.trim().to_string();
                    }
                    if let Some(v) = place {
                        a.place = v.trim().to_string();
                    }
                    if let Some(v) = symbol {
                        a.symbol = v.trim().to_string();
                    }
                    if let Some(v) = superior {
                        a.superior = Some(v.trim().to_string()).filter(|s| !s.is_empty());
                    }
                    svc.set_agency(&ctx, a)?;
                    println!("Đã cập nhật thông tin cơ quan.");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::User(cmd) => {
            let svc = open_service(&data, &cli.database_url, &cli.keys)?;
            let ctx = system_ctx();
            match cmd {
                UserCmd::Add {
                    username,
                    name,
                    roles,
                    clearance,
                    password_stdin,
                } => {
                    let roles = roles
                        .iter()
                        .map(|r| {
                            Role::from_code(r).ok_or_else(|| anyhow!("vai trò không hợp lệ: {r}"))
                        })
                        .collect::<Result<Vec<_>>>()?;
                    let password = read_password(password_stdin, "Mật khẩu: ")?;
                    let u = svc.create_user(
                        &ctx,
                        NewUser {
                            username,
                            full_name: name,
                            roles,
                            clearance: parse_level(&clearance)?,
                            position_id: None,
                            unit_id: None,
                            password_hash: bmnn_web::auth::hash_password(&password),
                        },
                    )?;
                    println!("Đã thêm người dùng {} (mã {})", u.username, u.id);
                }
                UserCmd::Pending => {
                    let users = svc.org(&ctx)?.users;
                    let name = |id: i64| {
                        users
                            .iter()
                            .find(|u| u.id == id)
                            .map_or("(hệ thống)".to_string(), |u| u.username.clone())
                    };
                    let roles =
                        |r: &[Role]| r.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ");
                    for c in svc.pending_privilege_changes(&ctx)? {
                        println!(
                            "{:>4}  {:<16} vai trò: {} → {}; độ mật: {} → {} (đề nghị: {})",
                            c.id,
                            match &c.position_change {
                                Some(g) => format!("chức vụ «{}» đứng đầu cơ quan", g.new.title),
                                None => name(c.user_id),
                            },
                            roles(&c.old_roles),
                            roles(&c.new_roles),
                            c.old_clearance.map_or("—", |l| l.label()),
                            c.new_clearance.map_or("—", |l| l.label()),
                            name(c.requested_by)
                        );
                    }
                }
                UserCmd::Approve { id } => {
                    svc.decide_privilege_change(&ctx, id, true)?;
                    println!("Đã phê duyệt thay đổi quyền số {id}");
                }
                UserCmd::Reject { id } => {
                    svc.decide_privilege_change(&ctx, id, false)?;
                    println!("Đã từ chối thay đổi quyền số {id}");
                }
                UserCmd::List { format } => {
                    let org = svc.org(&ctx)?;
                    if format == Format::Json {
                        print_json(&org.users)?;
                    } else {
                        for u in org.users {
                            let roles: Vec<&str> = u.roles.iter().map(|r| r.label()).collect();
                            println!(
                                "{:>4}  {:<16} {:<28} {:<10} {}{}",
                                u.id,
                                u.username,
                                u.full_name,
                                u.clearance.map_or("—", |l| l.label()),
                                roles.join(", "),
                                if u.active { "" } else { " (đã khóa)" }
                            );
                        }
                    }
                }
                UserCmd::Reset {
                    username,
                    password_stdin,
                } => {
                    let u = svc
                        .org(&ctx)?
                        .users
                        .into_iter()
                        .find(|u| u.username == username)
                        .ok_or_else(|| anyhow!("không có người dùng {username}"))?;
                    let password = read_password(password_stdin, "Mật khẩu mới: ")?;
                    svc.set_password(
                        &ctx,
                        u.id,
                        &bmnn_web::auth::hash_password(&password),
                        |_| false,
                    )?;
                    svc.unlock(&ctx, u.id)?;
                    svc.update_user(
                        &ctx,
                        u.id,
                        UserChange {
                            active: Some(true),
                            ..Default::default()
                        },
                    )?;
                    println!("Đã đặt lại mật khẩu cho {username}");
                }
                UserCmd::Token {
                    username,
                    name,
                    days,
                } => {
                    let u = svc
                        .org(&ctx)?
                        .users
                        .into_iter()
                        .find(|u| u.username == username)
                        .ok_or_else(|| anyhow!("không có người dùng {username}"))?;
                    let token = bmnn_web::auth::random_token();
                    let uctx = Ctx {
                        user_id: u.id,
                        ..ctx
                    };
                    let t = svc.register_token(
                        &uctx,
                        &name,
                        &bmnn_web::auth::token_hash(&token),
                        i64::from(days),
                    )?;
                    println!("{token}");
                    // The expiry on stderr: scripts read the token alone from stdout.
                    let until = bmnn_web::today_vn() + time::Duration::days(i64::from(days));
                    eprintln!(
                        "Mã truy cập «{}» có hiệu lực đến hết ngày {}.",
                        t.name,
                        bmnn_core::dates::fmt_vn(until)
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { output, plain } => {
            let key = crate::keys::unlock(&data, &cli.keys)?;
            let store = open_store(&data, &cli.database_url, &key)?;
            if plain {
                eprintln!(
                    "CHÚ Ý: bản xuất KHÔNG niêm phong — ai có tệp đều đọc được toàn bộ dữ liệu, \
                     và `bmnn import` chỉ nhận nó với --accept-unsealed."
                );
            }
            // Written as it is read (batches of rows in one snapshot), sealed chunk by chunk.
            let to_file = output.is_some();
            let sink: Box<dyn Write> = match &output {
                Some(p) => {
                    // The whole dataset (summaries, password hashes): owner-only.
                    if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                        crate::audit_cmd::create_private_dir(dir)?;
                    }
                    Box::new(crate::audit_cmd::create_private_file(p)?)
                }
                None => {
                    let out = std::io::stdout().lock();
                    if !plain && out.is_terminal() {
                        return Err(anyhow!(
                            "bản xuất niêm phong là dữ liệu nhị phân: ghi ra tệp bằng -o TỆP"
                        ));
                    }
                    Box::new(out)
                }
            };
            let written = (|| -> Result<()> {
                let sink = if plain {
                    let mut w = std::io::BufWriter::with_capacity(bmnn_vault::CHUNK, sink);
                    store.export_to(&mut w)?;
                    if !to_file {
                        w.write_all(b"\n")?;
                    }
                    w.into_inner().map_err(|e| e.into_error())?
                } else {
                    let mut w = std::io::BufWriter::with_capacity(
                        bmnn_vault::CHUNK,
                        bmnn_vault::SealWriter::new(&key, sink)?,
                    );
                    store.export_to(&mut w)?;
                    w.into_inner().map_err(|e| e.into_error())?.finish()?
                };
                drop(sink);
                if let Some(p) = &output {
                    std::fs::File::open(p)?.sync_all()?;
                }
                Ok(())
            })();
            if let (Err(_), Some(p)) = (&written, &output) {
                // No half-written export left behind.
                let _ = std::fs::remove_file(p);
            }
            written?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            file,
            accept_unsealed,
            keep_tokens,
            accept_privileged,
        } => {
            let bytes = std::fs::read(&file).with_context(|| format!("đọc {}", file.display()))?;
            let key = crate::keys::unlock(&data, &cli.keys)?;
            let (json, source) = match bmnn_vault::open(&key, &bytes) {
                Ok(plain) => (plain, "sealed"),
                Err(bmnn_vault::VaultError::NotSealed) if accept_unsealed => {
                    eprintln!(
                        "CHÚ Ý: tệp không được niêm phong bằng khóa dữ liệu; nhập theo yêu cầu \
                         (--accept-unsealed), vẫn kiểm tra đủ từng bản ghi và chuỗi nhật ký."
                    );
                    (bytes, "unsealed")
                }
                Err(bmnn_vault::VaultError::NotSealed) => {
                    return Err(anyhow!(
                        "không nhập: tệp {} không được niêm phong bằng khóa dữ liệu của hệ thống \
                         này, nên không có gì bảo đảm nó do hệ thống tạo ra và chưa bị sửa. Nếu \
                         biết rõ nguồn gốc của tệp (một bản xuất --plain của chính cơ quan), \
                         chạy lại với --accept-unsealed. Không có dữ liệu nào được ghi.",
                        file.display()
                    ));
                }
                Err(e) => {
                    return Err(anyhow!(
                        "không nhập: {e}. Chỉ nhập bản xuất do hệ thống này tạo (cùng khóa dữ \
                         liệu). Không có dữ liệu nào được ghi."
                    ));
                }
            };
            let d: bmnn_store::Dataset =
                serde_json::from_slice(&json).context("tệp không đúng định dạng bản xuất bmnn")?;
            let store = open_store(&data, &cli.database_url, &key)?;
            let rules = load_rules(&data)?;
            let ctx = system_ctx();
            let report = store.import(
                &d,
                &bmnn_store::ImportOptions {
                    rules: &rules,
                    keep_tokens,
                    accept_privileged,
                    at: bmnn_core::service::ts(ctx.now),
                    actor: format!("{SYSTEM_USER_ID}:system"),
                    source: source.into(),
                },
            )?;
            print_import_report(&report);
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { output, keep } => {
            let key = crate::keys::unlock(&data, &cli.keys)?;
            let store = open_store(&data, &cli.database_url, &key)?;
            let dir = output.unwrap_or_else(|| data.join("backups"));
            let (path, removed) = crate::backup::run_backup(&data, &store, &key, &dir, keep)?;
            println!("Đã sao lưu vào {}", path.display());
            if removed > 0 {
                println!(
                    "Đã xóa {removed} bản sao lưu cũ (giữ {} bản mới nhất).",
                    keep.unwrap_or(0)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file, yes } => {
            // Never under a running server (it holds the data folder's lock).
            let _held = crate::serve::hold_for_restore(&data)?;
            // A fresh machine (disaster recovery) has no keyring yet: the copy that `bmnn backup`
            // keeps next to the backups is used, and installed only once the backup opened.
            let beside = file.parent().unwrap_or(Path::new(".")).join("keyring.json");
            let install = crate::keys::load_keyring(&data)?.is_none()
                && !crate::keys::legacy_path(&data).exists()
                && beside.exists();
            let key = if install {
                crate::keys::unlock_file(&beside, &cli.keys)?
            } else {
                crate::keys::unlock(&data, &cli.keys)?
            };
            // Read as a stream (chunk by chunk), never whole in memory.
            let open_file = || -> Result<_> {
                let f = std::fs::File::open(&file)
                    .with_context(|| format!("đọc {}", file.display()))?;
                Ok(bmnn_store::backup::open_backup_reader(&key, f)?)
            };
            let payload = open_file()?;
            if !yes {
                // Checked whole (every chunk, the hash), nothing written.
                let manifest = payload.finish()?;
                return Err(anyhow!(
                    "bản sao lưu hợp lệ (tạo lúc {}); thêm --yes để thay thế cơ sở dữ liệu hiện tại (hãy dừng máy chủ trước)",
                    manifest.created_at
                ));
            }
            let manifest = payload.manifest().clone();
            if install {
                // The keyring is installed only for a backup that opens whole with it.
                open_file()?.finish()?;
            }
            if install {
                // The backup opened with this keyring: it is the installation's keyring.
                let ring = std::fs::read(&beside).context("đọc keyring.json")?;
                crate::keys::write_atomic(&crate::keys::keyring_path(&data), &ring)?;
                println!("Đã cài keyring.json từ thư mục sao lưu.");
            }
            match manifest.payload.as_str() {
                "sqlite-db" => {
                    if cli
                        .database_url
                        .as_deref()
                        .is_some_and(|u| u.starts_with("postgres"))
                    {
                        return Err(anyhow!(
                            "bản sao lưu SQLite không khôi phục vào PostgreSQL; dùng bmnn export/import"
                        ));
                    }
                    let db = std::path::Path::new(
                        database_url(&data, &None)?.trim_start_matches("sqlite://"),
                    )
                    .to_path_buf();
                    bmnn_store::backup::restore_sqlite_stream(
                        payload,
                        &db,
                        Some(sqlite_key(&key)),
                    )?;
                }
                _ => {
                    // A backup of this installation (sealed with its key): restored whole,
                    // tokens included, under the same checks as `import`. PostgreSQL: streamed
                    // into one transaction, rows checked and inserted a batch at a time, the
                    // backup's hash checked at its end, before the commit.
                    let rules = load_rules(&data)?;
                    let report = open_store(&data, &cli.database_url, &key)?.import_from(
                        payload,
                        &bmnn_store::ImportOptions {
                            rules: &rules,
                            keep_tokens: true,
                            // This installation's own backup: its accounts are printed.
                            accept_privileged: true,
                            at: bmnn_core::service::ts(system_ctx().now),
                            actor: format!("{SYSTEM_USER_ID}:system"),
                            source: "backup".into(),
                        },
                        |p| p.finish().map(|_| ()),
                    )?;
                    print_import_report(&report);
                }
            }
            println!("Đã khôi phục bản sao lưu tạo lúc {}.", manifest.created_at);
            Ok(ExitCode::SUCCESS)
        }
        Command::Tls(TlsCmd::Init { hosts, force }) => {
            // The data key seals the CA key; the agency's name for the certificate.
            let key = crate::keys::unlock(&data, &cli.keys)?;
            let agency = open_service_with(&data, &cli.database_url, &key)
                .ok()
                .and_then(|svc| svc.org(&system_ctx()).ok())
                .and_then(|o| o.agency)
                .map(|a| a.name)
                .unwrap_or_else(|| "bmnn".into());
            let f = crate::tls::init(&data, &hosts, &agency, force, &key)?;
            println!(
                "Đã tạo chứng thư máy chủ {} và CA {} (cài CA này vào các máy trạm).",
                f.cert.display(),
                f.ca.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Doctor => crate::doctor::run(&data, &cli.database_url, &cli.keys),
        Command::Keys(cmd) => crate::keys::run(&data, &cli.database_url, &cli.keys, cmd),
        Command::Audit(cmd) => crate::audit_cmd::run(&data, &cli.database_url, &cli.keys, cmd),
        Command::Due { date, format } => {
            let svc = open_service(&data, &cli.database_url, &cli.keys)?;
            let ctx = system_ctx();
            let d = match date {
                Some(s) => parse_date(&s).ok_or_else(|| {
                    anyhow!("ngày không hợp lệ: {s} (dd/mm/yyyy hoặc yyyy-mm-dd)")
                })?,
                None => ctx.today,
            };
            let due = svc.due(&ctx, d)?;
            if format == Format::Json {
                print_json(&due)?;
            } else {
                println!(
                    "Việc đến hạn tính đến ngày {} ({} việc):",
                    fmt_vn(d),
                    due.len()
                );
                for o in due {
                    println!("- [{}] {} — {}", o.urgency.label(), o.kind.label(), o.text);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Register { kind, year, format } => {
            let svc = open_service(&data, &cli.database_url, &cli.keys)?;
            let book = svc.register_book(&system_ctx(), kind.kind(), year, 0, i64::MAX)?;
            if format == Format::Json {
                print_json(&book)?;
            } else {
                println!(
                    "{} — năm {} (mẫu của chế độ {}; {})",
                    book.title, year, book.regime, book.form
                );
                println!("{}", book.columns.join(" | "));
                for r in &book.rows {
                    println!("{}", r.join(" | "));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules { format } => {
            let rules = load_rules(&data)?;
            if format == Format::Json {
                print_json(&rules)?;
            } else if format == Format::Markdown {
                print!("{}", bmnn_core::rules::legal_page(&rules));
            } else {
                for r in &rules.regimes {
                    println!(
                        "Chế độ {} — {} (từ {}):",
                        r.code,
                        r.name,
                        fmt_vn(r.effective_from)
                    );
                    for b in &r.legal_basis {
                        println!("  căn cứ: {b}");
                    }
                    for u in r.unconfirmed() {
                        println!("  CHƯA XÁC ĐỊNH: {u}");
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            // The demo keyring (public passphrase) first: the database is encrypted under it.
            let fresh = fresh_without_key(&data, &cli.database_url)?;
            let key = crate::keys::unlock_demo(&data, &cli.keys, fresh)?;
            let svc = open_service_with(&data, &cli.database_url, &key)?;
            if !svc.org(&system_ctx())?.users.is_empty() {
                return Err(anyhow!(
                    "cơ sở dữ liệu đã có người dùng; dữ liệu minh họa chỉ nạp vào cơ sở dữ liệu trống"
                ));
            }
            crate::demo::load(&svc)?;
            println!(
                "Đã nạp dữ liệu minh họa; mật khẩu các tài khoản: {}",
                crate::demo::PASSWORD
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchSeed {
            items,
            entries,
            units,
            users,
            user,
            records,
            audited,
        } => {
            let svc = open_service(&data, &cli.database_url, &cli.keys)?;
            let u = svc
                .org(&system_ctx())?
                .users
                .into_iter()
                .find(|u| u.username == user)
                .ok_or_else(|| anyhow!("không có người dùng {user}"))?;
            svc.store.bench_seed_org(units, users)?;
            svc.store.bench_seed(items, entries, u.id, u.unit_id)?;
            println!(
                "Đã tạo {units} đơn vị, {users} người dùng, {items} tài liệu và {entries} mục sổ để đo hiệu năng."
            );
            if records > 0 {
                svc.store.bench_seed_report(records, u.id)?;
                println!("Đã tạo {records} hồ sơ công tác bảo vệ BMNN để đo hiệu năng.");
            }
            if audited {
                let n = svc.store.bench_seed_audit()?;
                println!("Đã ghi {n} bản ghi nhật ký kiểm tra cho dữ liệu đo hiệu năng.");
            }
            // A bulk load ends as the server's nightly maintenance would leave it.
            svc.store.merge_search_indexes()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchReport { year, runs } => {
            let svc = open_service(&data, &cli.database_url, &cli.keys)?;
            crate::report_cmd::bench(&svc, year, runs)
        }
        Command::Tick => {
            let svc = open_service(&data, &cli.database_url, &cli.keys)?;
            let r = svc.run_automatic(bmnn_web::now_utc(), bmnn_web::today_vn())?;
            println!(
                "Đã giải mật tự động {} tài liệu hết thời hạn bảo vệ.",
                r.expired.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod pool_tests {
    use super::*;

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(args).expect("parse")
    }

    /// The global pool flags share no argument id with any command's own flags: `scan` has
    /// a `--timeout` of its own (seconds per file, a number), and a shared id made every scan
    /// panic while its arguments were read.
    #[test]
    fn the_pool_flags_and_the_scanners_timeout_are_separate_arguments() {
        let c = cli(&[
            "bmnn",
            "--db-timeout",
            "7",
            "scan",
            "--timeout",
            "5",
            "file.docx",
        ]);
        assert_eq!(c.pool.timeout.as_deref(), Some("7"));
        let c = cli(&["bmnn", "scan", "--timeout", "5", "file.docx"]);
        assert_eq!(c.pool.timeout, None);
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn pool_flags_are_read_and_bad_values_refused_before_anything_is_made() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        let d = data.to_str().expect("utf-8");
        // Read from the flags.
        let c = cli(&[
            "bmnn",
            "--data",
            d,
            "--db-pool-size",
            "16",
            "--db-timeout",
            "2",
            "doctor",
        ]);
        assert_eq!(
            c.pool,
            DbPoolArgs {
                size: Some("16".into()),
                timeout: Some("2".into())
            }
        );
        let o = PoolOptions::parse(false, c.pool.size.as_deref(), c.pool.timeout.as_deref())
            .expect("valid");
        assert_eq!(
            (o.max_size, o.timeout),
            (16, std::time::Duration::from_secs(2))
        );
        // Refused in Vietnamese, naming the setting; nothing made in the data folder.
        for (flag, value, says) in [
            (
                "--db-pool-size",
                "0",
                "số kết nối (--db-pool-size, BMNN_DB_POOL_SIZE)",
            ),
            ("--db-pool-size", "nhiều", "số kết nối"),
            ("--db-timeout", "301", "thời gian chờ kết nối"),
            ("--db-timeout", "-1", "thời gian chờ kết nối"),
        ] {
            let arg = format!("{flag}={value}");
            let e = run(cli(&["bmnn", "--data", d, &arg, "doctor"]))
                .expect_err("refused")
                .to_string();
            assert!(e.contains(says), "{e}");
            assert!(e.contains("phải là một số nguyên từ 1 đến"), "{e}");
            assert!(e.contains("không có gì được mở hay thay đổi"), "{e}");
            assert!(!data.exists(), "{flag} {value}: the data folder was made");
        }
    }
}
