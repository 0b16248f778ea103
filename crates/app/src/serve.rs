//! `bmnn serve`: the web UI and the JSON API on one address, with the daily automatic run.

use crate::cli::{load_rules, open_service_with};
use anyhow::{Context, Result, anyhow};
use bmnn_core::ports::Store;
use bmnn_web::scanning::ScanState;
use bmnn_web::{AppState, WebConfig};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (the LAN address only when the office network is isolated).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Load the fictional demo agency into an empty database.
    #[arg(long)]
    pub demo: bool,
    /// Serve HTTPS with the certificate of `bmnn tls init` (cookies become Secure).
    #[arg(long)]
    pub tls: bool,
    /// Allow plain HTTP on an address other than loopback (passwords and secret pages then
    /// cross the network in clear; only on an isolated network, never by default).
    #[arg(long)]
    pub insecure_http: bool,
    /// Days an API token stays valid (bmnn user token and POST /api/v1/tokens).
    #[arg(long, env = "BMNN_TOKEN_DAYS", default_value_t = 90,
          value_parser = clap::value_parser!(u16).range(1..=3650))]
    pub token_days: u16,
    /// Folder of the daily sealed backups (default <data>/backups).
    #[arg(long, env = "BMNN_BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,
    /// How many daily backups to keep (the oldest are deleted).
    #[arg(long, env = "BMNN_BACKUP_KEEP", default_value_t = 14)]
    pub backup_keep: usize,
    /// Extraction workers of the leak scanner (long-lived, sandboxed; default: one per core).
    #[arg(long, env = "BMNN_SCAN_WORKERS",
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub scan_workers: Option<u16>,
    /// Hour of the daily backup, Vietnam time (0–23); a server that was off then makes it at start.
    #[arg(long, env = "BMNN_BACKUP_HOUR", default_value_t = 2,
          value_parser = clap::value_parser!(u8).range(0..24))]
    pub backup_hour: u8,
}

/// Whether `serve` may listen on `listen` without TLS: loopback always; any other address
/// only with `--insecure-http` (then the warning to print), otherwise a refusal that says why.
pub fn plain_http(listen: SocketAddr, tls: bool, insecure_http: bool) -> Result<Option<String>> {
    if tls || listen.ip().is_loopback() {
        return Ok(None);
    }
    if !insecure_http {
        return Err(anyhow!(
            "từ chối phục vụ HTTP không mã hóa trên địa chỉ {}: mật khẩu, mã truy cập và các \
             trang bí mật sẽ truyền qua mạng ở dạng rõ. Hãy dùng --tls (sau `bmnn tls init`), \
             hoặc nghe trên 127.0.0.1; chỉ khi mạng nội bộ đã được cách ly mới thêm \
             --insecure-http",
            listen.ip()
        ));
    }
    Ok(Some(format!(
        "CẢNH BÁO: đang phục vụ HTTP không mã hóa trên địa chỉ {} (--insecure-http): mật khẩu \
         và các trang bí mật truyền qua mạng ở dạng rõ. Hãy chuyển sang --tls.",
        listen.ip()
    )))
}

/// The lock file a running server holds (exclusively, for its whole life) in the data folder,
/// so that `restore` cannot replace the database under it (issue 16 point 8).
pub fn lock_path(data: &Path) -> PathBuf {
    data.join("serve.lock")
}

/// Holds the data folder: an exclusive lock on [`lock_path`], released when the file is dropped
/// or the process ends (even killed). `Err(None)`: another process holds it.
fn try_hold(data: &Path) -> Result<std::fs::File, Option<anyhow::Error>> {
    std::fs::create_dir_all(data)
        .map_err(|e| Some(anyhow!("tạo thư mục dữ liệu {}: {e}", data.display())))?;
    let p = lock_path(data);
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&p)
        .map_err(|e| Some(anyhow!("mở {}: {e}", p.display())))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(None),
        Err(std::fs::TryLockError::Error(e)) => Err(Some(anyhow!("khóa {}: {e}", p.display()))),
    }
}

/// `serve`: the data folder for this server alone (a second server on it is refused).
pub fn hold_for_serve(data: &Path) -> Result<std::fs::File> {
    try_hold(data).map_err(|e| {
        e.unwrap_or_else(|| {
            anyhow!(
                "một máy chủ bmnn khác đang chạy trên thư mục dữ liệu {}; không khởi động thêm.",
                data.display()
            )
        })
    })
}

/// `restore`: refused while a server holds the data folder (the writes it acknowledged after
/// the backup would be lost, and it would keep writing to the replaced database); the lock is
/// then held until the restore ends so no server starts in the middle.
pub fn hold_for_restore(data: &Path) -> Result<std::fs::File> {
    try_hold(data).map_err(|e| {
        e.unwrap_or_else(|| {
            anyhow!(
                "Từ chối khôi phục: máy chủ bmnn đang chạy trên thư mục dữ liệu {} (nó giữ tệp \
                 khóa {}). Khôi phục lúc này sẽ làm mất những thay đổi máy chủ ghi nhận sau bản \
                 sao lưu. Hãy dừng máy chủ (bmnn serve) rồi chạy lại lệnh; không có gì thay đổi.",
                data.display(),
                lock_path(data).display()
            )
        })
    })
}

/// The memory allocator's settings the server runs with (cài đặt bộ cấp phát bộ nhớ), as glibc's
/// `GLIBC_TUNABLES`:
///
/// * at most four arenas: glibc gives every thread that allocates an arena of its own, up to
///   eight per core, and each keeps what was freed in it — ten threads serve requests here (two
///   workers, eight for the database calls);
/// * blocks of 512 KiB and more mapped on their own and returned on free: glibc's default
///   threshold rises to the largest block ever freed, after which a page's large buffers stay
///   in the arenas for good.
///
/// Measured at a million items on SQLite with 4 MiB page caches (docs/benchmarks.md, "Memory
/// under load"): the server's peak under load 62-67 → 56-59 MB at the same requests per second;
/// two arenas slowed the register page by a third, a 128 KiB threshold by a quarter.
pub const ALLOCATOR_TUNABLES: &str = "glibc.malloc.arena_max=4:glibc.malloc.mmap_threshold=524288";

/// glibc reads `GLIBC_TUNABLES` only when a program starts, so `serve` starts itself again, once,
/// with [`ALLOCATOR_TUNABLES`]: the same program, arguments and process id, before anything is
/// opened. Nothing happens when the variable is already set — by that restart, or by an
/// administrator who chose other settings (README, Configuration, "Memory"). Returns why the
/// restart failed (the server then goes on with glibc's defaults); on success it does not
/// return.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn restart_with_allocator_settings() -> Option<std::io::Error> {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("GLIBC_TUNABLES").is_some() {
        return None;
    }
    let mut args = std::env::args_os();
    let arg0 = args.next()?;
    Some(
        std::process::Command::new("/proc/self/exe")
            .arg0(arg0)
            .args(args)
            .env("GLIBC_TUNABLES", ALLOCATOR_TUNABLES)
            .exec(),
    )
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn restart_with_allocator_settings() -> Option<std::io::Error> {
    None
}

pub fn run(
    data: &Path,
    url: &Option<String>,
    keys: &crate::keys::KeyArgs,
    args: ServeArgs,
) -> Result<ExitCode> {
    let restart_failed = restart_with_allocator_settings();
    // Before anything is opened: plain HTTP beyond this machine needs an explicit flag.
    if let Some(warning) = plain_http(args.listen, args.tls, args.insecure_http)? {
        eprintln!("{warning}");
    }
    // The data folder is this server's for its whole life (`restore` checks it).
    let _held = hold_for_serve(data)?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BMNN_LOG")
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Some(e) = restart_failed {
        tracing::warn!(error = %e, "allocator settings not applied (glibc defaults)");
    }
    // The key before the database is opened (it is encrypted under it). `--demo` looks at the
    // database first, without the key, to make the demo keyring on a new or empty one only.
    let key = if args.demo {
        let fresh = crate::cli::fresh_without_key(data, url)?;
        crate::keys::unlock_demo(data, keys, fresh)?
    } else {
        crate::keys::unlock(data, keys)?
    };
    let svc = open_service_with(data, url, &key)?;
    let _ = load_rules(data)?;
    // A corrupt row does not stop the server: what cannot be read at start is logged, the
    // reads that meet it answer an error, and `bmnn doctor` names it (docs/export-format.md).
    let fresh = match svc.store.read(|tx| Ok(tx.list_users()?.is_empty())) {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "the accounts could not all be read; run `bmnn doctor`");
            false
        }
    };
    if args.demo && fresh {
        crate::demo::load(&svc).context("nạp dữ liệu minh họa")?;
    }
    // Rules overrides: logged by `load_rules`; a set that changed since the audit trail last
    // recorded it (added, edited, removed) is written to the trail.
    let overrides = crate::cli::rule_overrides(data).unwrap_or_else(|e| {
        tracing::error!(error = %format!("{e:#}"), "rules overrides could not be read");
        Vec::new()
    });
    let overrides_vi =
        bmnn_core::rules_override::differences(&bmnn_core::rules::EMBEDDED, &overrides);
    match svc.record_rules_overrides(bmnn_web::now_utc(), &overrides) {
        Ok(true) => tracing::warn!(
            "rules overrides changed since the last start; recorded in the audit trail"
        ),
        Ok(false) => {}
        Err(e) => tracing::error!(error = %e, "rules overrides could not be recorded"),
    }
    match svc.run_automatic(bmnn_web::now_utc(), bmnn_web::today_vn()) {
        Ok(r) if !r.expired.is_empty() => tracing::info!(
            count = r.expired.len(),
            "declassified automatically (expired)"
        ),
        Ok(_) => {}
        Err(e) => {
            tracing::error!(error = %e, "automatic run failed; run `bmnn doctor`");
            eprintln!(
                "CẢNH BÁO: lượt tự động (giải mật khi hết thời hạn) không chạy được: {}. Máy chủ \
                 vẫn chạy; chạy `bmnn doctor` để tìm bản ghi hỏng.",
                e.message_vi()
            );
        }
    }
    let cfg = WebConfig {
        data_key: *key.bytes(),
        secure_cookies: args.tls,
        hsts: args.tls,
        // Signs report bundles exported from the pages and the API.
        report_signing_key: crate::report_cmd::signing_key(data)?,
        token_days: i64::from(args.token_days),
        rules_overrides: overrides_vi,
        ..WebConfig::default()
    };
    let tls = if args.tls {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let f = crate::tls::files(data);
        if !f.cert.exists() {
            return Err(anyhow!(
                "chưa có chứng thư: chạy `bmnn tls init` trước khi dùng --tls"
            ));
        }
        // Earlier releases left the CA key in clear next to the server key.
        if data.join("tls").join("ca.key").exists() {
            tracing::warn!("the local CA key is stored in clear: run `bmnn tls init --force`");
            eprintln!(
                "CẢNH BÁO: khóa của CA nội bộ đang nằm không mã hóa ở {}: ai lấy được nó có thể \
                 giả mạo máy chủ với mọi máy trạm tin cậy CA này. Hãy chạy `bmnn tls init --force` \
                 (CA mới có giới hạn tên máy, khóa được niêm phong bằng khóa dữ liệu) rồi gỡ CA cũ \
                 khỏi các máy trạm.",
                data.join("tls").join("ca.key").display()
            );
        }
        Some(f)
    } else {
        None
    };
    // The leak scanner: extraction in a pool of long-lived sandboxed workers (`bmnn
    // extract-child`), the copy index rebuilt from the stored (encrypted) texts of protected
    // items. Scans run on the scanner's own threads (bmnn_web::scanning::ScanWork).
    let workers = args
        .scan_workers
        .map(usize::from)
        .unwrap_or_else(bmnn_scan::isolate::default_workers);
    let isolation = bmnn_scan::Isolation::current_exe().ok();
    if let Some(iso) = &isolation {
        match bmnn_scan::ExtractPool::probe_sandbox(iso) {
            Ok(r) if r.confined() => {
                tracing::info!(workers, sandbox = %r.summary_vi(), "extraction workers")
            }
            Ok(r) => {
                tracing::warn!(workers, sandbox = %r.summary_vi(), notes = ?r.notes, "extraction workers not fully confined on this kernel")
            }
            Err(e) => tracing::error!(error = %e, "extraction worker does not start"),
        }
    }
    let isolation = isolation.map(|i| i.pooled(workers));
    let scan = ScanState::new(
        bmnn_web::scanning::markings(&svc.rules),
        isolation,
        &cfg.data_key,
    );
    match scan.load(&svc) {
        Ok(indexed) => tracing::info!(items = indexed, "copy index loaded"),
        Err(e) => tracing::error!(error = %e, "copy index not loaded; run `bmnn doctor`"),
    }
    let state = AppState::new(svc, cfg).with_scan(scan);
    let verifier = state.svc.clone();
    let state = state.with_audit_verifier(Arc::new(move || match verifier.store.verify_audit() {
        Ok(Ok(n)) => Ok(n),
        Ok(Err(b)) => Err(format!("bản ghi số {}: {}", b.seq, b.reason)),
        Err(e) => Err(e.message_vi()),
    }));
    // Service calls block on the database; more blocking threads than the database can serve
    // at once (the SQLite pool has 2 to 4 connections, PostgreSQL's 8) only queue on its lock
    // and cost context switches (measured: a third of the CPU in futex wake-ups at 32 clients
    // with the default 512). Extra calls wait in tokio's queue instead.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(8)
        .build()?;
    rt.block_on(async move {
        let listener = std::net::TcpListener::bind(args.listen).with_context(|| format!("không mở được cổng {}", args.listen))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let ticker = tokio::spawn(daily(state.clone()));
        let backups = tokio::spawn(scheduled_backups(
            state.svc.clone(),
            key,
            data.to_path_buf(),
            args.backup_dir.clone().unwrap_or_else(|| data.join("backups")),
            args.backup_keep,
            args.backup_hour,
        ));
        let app = bmnn_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
        println!("bmnn đang chạy tại {}://{addr}/", if tls.is_some() { "https" } else { "http" });
        if args.demo {
            println!("Dữ liệu minh họa: đăng nhập bằng một trong các tài khoản admin, vanthu, lanhdao, phogiamdoc, truongphong, soanthao, baomat — mật khẩu {}", crate::demo::PASSWORD);
        } else if fresh {
            println!("Chưa có người dùng: mở trang trên để khởi tạo quản trị viên, hoặc chạy `bmnn init`.");
        }
        use std::io::Write;
        std::io::stdout().flush().ok();
        match tls {
            Some(f) => {
                let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&f.cert, &f.key)
                    .await
                    .with_context(|| format!("đọc chứng thư {}", f.cert.display()))?;
                let handle = axum_server::Handle::new();
                let h = handle.clone();
                tokio::spawn(async move {
                    shutdown().await;
                    h.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
                });
                axum_server::from_tcp_rustls(listener, config)?.handle(handle).serve(app).await?;
            }
            None => {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
            }
        }
        ticker.abort();
        backups.abort();
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Runs the automatic transitions when the date changes (checked every 10 minutes).
async fn daily<S: bmnn_core::ports::Store>(state: AppState<S>) {
    let mut last = bmnn_web::today_vn();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let today = bmnn_web::today_vn();
        if today != last {
            last = today;
            let svc = Arc::clone(&state.svc);
            let r =
                tokio::task::spawn_blocking(move || svc.run_automatic(bmnn_web::now_utc(), today))
                    .await;
            if let Ok(Err(e)) = r {
                tracing::error!(error = %e, "automatic run failed");
            }
        }
    }
}

/// The daily sealed backup, then the search indexes merged: checked every 10 minutes (and at
/// start) with [`backup_due`]; failures are logged without secrets and recorded for
/// `bmnn doctor`.
///
/// [`backup_due`]: crate::backup::backup_due
async fn scheduled_backups(
    svc: Arc<bmnn_core::service::Service<bmnn_store::DbStore>>,
    key: bmnn_vault::DataKey,
    data: PathBuf,
    dir: PathBuf,
    keep: usize,
    hour: u8,
) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let last = crate::backup::newest(&dir);
        if !crate::backup::backup_due(last, bmnn_web::now_utc(), hour) {
            continue;
        }
        let (svc, key, data, dir) = (svc.clone(), key.clone(), data.clone(), dir.clone());
        let r = tokio::task::spawn_blocking(move || {
            let backup = crate::backup::run_backup(&data, &svc.store, &key, &dir, Some(keep));
            // Then the rest of the nightly maintenance: the search indexes merged into one
            // segment each (`DbStore::merge_search_indexes`), whatever became of the backup.
            (backup, svc.store.merge_search_indexes())
        })
        .await;
        match r {
            Ok((backup, merged)) => {
                match backup {
                    Ok((path, removed)) => {
                        tracing::info!(file = %path.display(), removed, "daily backup written")
                    }
                    Err(e) => tracing::error!(error = %format!("{e:#}"), "daily backup failed"),
                }
                if let Err(e) = merged {
                    tracing::error!(error = %e, "search index merge failed");
                }
            }
            Err(e) => tracing::error!(error = %e, "daily backup task failed"),
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

#[cfg(test)]
mod tests {
    use super::plain_http;

    #[test]
    fn plain_http_only_on_loopback_unless_told() {
        let lan: std::net::SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let local: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let local6: std::net::SocketAddr = "[::1]:8080".parse().unwrap();
        assert_eq!(plain_http(local, false, false).unwrap(), None);
        assert_eq!(plain_http(local6, false, false).unwrap(), None);
        assert_eq!(plain_http(lan, true, false).unwrap(), None);
        let e = plain_http(lan, false, false).unwrap_err().to_string();
        assert!(e.contains("--insecure-http") && e.contains("--tls"), "{e}");
        let w = plain_http(lan, false, true).unwrap().expect("a warning");
        assert!(w.contains("CẢNH BÁO"), "{w}");
    }
}
