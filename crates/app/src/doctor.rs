//! `bmnn doctor`: checks an installation and says what to fix, in Vietnamese.
//! Data folder permissions, free disk space, the data key (keyring present, the key source given
//! unlocks it, no clear `data.key` left), the database and its audit chain, the age of the
//! newest backup and the outcome of the last backup run, the legal rules and their unconfirmed
//! points, every rules override with each change it makes in plain Vietnamese, whether the SQLite file is encrypted (SQLCipher). Never prompts: the key is tried only
//! with a source given non-interactively. Changes nothing: a plain database is reported, not
//! converted (the next command that opens it with the key converts it).

use crate::cli::{database_url, load_rules, rule_overrides};
use crate::keys::KeyArgs;
use anyhow::Result;
use bmnn_store::{DbStore, FileState};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Warn,
    Error,
}

pub struct Check {
    pub level: Level,
    pub what: &'static str,
    pub detail: String,
}

fn check(level: Level, what: &'static str, detail: impl Into<String>) -> Check {
    Check {
        level,
        what,
        detail: detail.into(),
    }
}

#[cfg(unix)]
fn mode(p: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}
#[cfg(not(unix))]
fn mode(_: &Path) -> Option<u32> {
    None
}

/// Free space in MiB of the file system holding `p` (POSIX `df -Pk`).
fn free_mib(p: &Path) -> Option<u64> {
    let out = std::process::Command::new("df")
        .arg("-Pk")
        .arg(p)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().nth(1)?;
    let avail: u64 = line.split_whitespace().nth(3)?.parse().ok()?;
    Some(avail / 1024)
}

pub fn checks(data: &Path, url: &Option<String>, keys: &KeyArgs) -> Vec<Check> {
    let mut v = Vec::new();
    if !data.is_dir() {
        v.push(check(
            Level::Error,
            "Thư mục dữ liệu",
            format!("{} không tồn tại; chạy `bmnn init`", data.display()),
        ));
        return v;
    }
    match mode(data) {
        Some(m) if m & 0o077 != 0 => v.push(check(
            Level::Warn,
            "Quyền thư mục dữ liệu",
            format!(
                "{m:o}: người khác đọc được; đặt 700 (chmod 700 {})",
                data.display()
            ),
        )),
        Some(m) => v.push(check(Level::Ok, "Quyền thư mục dữ liệu", format!("{m:o}"))),
        None => v.push(check(
            Level::Warn,
            "Quyền thư mục dữ liệu",
            "không kiểm tra được trên hệ điều hành này",
        )),
    }
    match free_mib(data) {
        Some(f) if f < 1024 => v.push(check(
            Level::Error,
            "Dung lượng trống",
            format!("chỉ còn {f} MiB; giải phóng đĩa trước khi tiếp tục"),
        )),
        Some(f) if f < 10 * 1024 => {
            v.push(check(Level::Warn, "Dung lượng trống", format!("{f} MiB")))
        }
        Some(f) => v.push(check(Level::Ok, "Dung lượng trống", format!("{f} MiB"))),
        None => v.push(check(Level::Warn, "Dung lượng trống", "không đo được")),
    }
    let key = key_checks(data, keys, &mut v);
    match load_rules(data) {
        Ok(r) => {
            let n: usize = r.regimes.iter().map(|x| x.unconfirmed().len()).sum();
            v.push(check(
                Level::Ok,
                "Quy tắc pháp lý",
                format!(
                    "{} chế độ; {n} điểm chưa xác định (xem `bmnn rules`)",
                    r.regimes.len()
                ),
            ));
        }
        Err(e) => v.push(check(Level::Error, "Quy tắc pháp lý", format!("{e:#}"))),
    }
    override_checks(data, &mut v);
    let opened = database_url(data, url)
        .map_err(|e| e.to_string())
        .and_then(|u| open_for_check(&u, key.as_ref(), &mut v));
    match opened {
        Ok(None) => {}
        Ok(Some(store)) => match store
            .verify_audit()
            .inspect(|_| account_and_data_checks(&store, data, key.as_ref(), &mut v))
        {
            Ok(Ok(n)) => v.push(check(
                Level::Ok,
                "Chuỗi nhật ký",
                format!("toàn vẹn, {n} bản ghi"),
            )),
            Ok(Err(b)) => v.push(check(
                Level::Error,
                "Chuỗi nhật ký",
                format!("BỊ PHÁ VỠ tại bản ghi số {}: {}", b.seq, b.reason),
            )),
            Err(e) => v.push(check(Level::Error, "Cơ sở dữ liệu", e.message_vi())),
        },
        Err(e) => v.push(check(Level::Error, "Cơ sở dữ liệu", e)),
    }
    backup_checks(data, &mut v);
    sandbox_check(&mut v);
    v
}

/// Every override file of `<data>/rules`, with each change it makes against the
/// embedded rules (a warning: the law in force is no longer exactly the embedded one).
fn override_checks(data: &Path, v: &mut Vec<Check>) {
    const WHAT: &str = "Tệp quy tắc thay thế";
    let overrides = match rule_overrides(data) {
        Ok(o) => o,
        Err(e) => {
            v.push(check(Level::Error, WHAT, format!("{e:#}")));
            return;
        }
    };
    if overrides.is_empty() {
        v.push(check(Level::Ok, WHAT, "không có; dùng quy tắc gắn sẵn"));
        return;
    }
    for c in bmnn_core::rules_override::differences(&bmnn_core::rules::EMBEDDED, &overrides) {
        const SHOWN: usize = 40;
        let what = if c.replaces {
            "thay tệp gắn sẵn cùng tên"
        } else {
            "tệp bổ sung"
        };
        let path = data.join("rules").join(&c.file);
        let detail = if c.changes_vi.is_empty() {
            format!("{} ({what}): giống hệt quy tắc gắn sẵn", path.display())
        } else {
            // One change a line, in plain Vietnamese (the keys are in the start-up log).
            let mut lines: Vec<String> = c
                .changes_vi
                .iter()
                .take(SHOWN)
                .map(|l| format!("\n    - {l}"))
                .collect();
            if c.changes_vi.len() > SHOWN {
                lines.push(format!(
                    "\n    - và {} thay đổi khác",
                    c.changes_vi.len() - SHOWN
                ));
            }
            format!(
                "{} ({what}), {} thay đổi so với quy tắc gắn sẵn:{}",
                path.display(),
                c.changes_vi.len(),
                lines.concat()
            )
        };
        v.push(check(Level::Warn, WHAT, detail));
    }
}

pub fn run(data: &Path, url: &Option<String>, keys: &KeyArgs) -> Result<ExitCode> {
    let v = checks(data, url, keys);
    for c in &v {
        let tag = match c.level {
            Level::Ok => "OK      ",
            Level::Warn => "CẢNH BÁO",
            Level::Error => "LỖI     ",
        };
        println!("[{tag}] {}: {}", c.what, c.detail);
    }
    Ok(if v.iter().any(|c| c.level == Level::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reports whether the SQLite file is encrypted and opens the database for the audit check
/// without changing it: a plain file is opened plain (not converted), an encrypted one only with
/// the key (`None` when it is not given).
fn open_for_check(
    url: &str,
    key: Option<&bmnn_vault::DataKey>,
    v: &mut Vec<Check>,
) -> std::result::Result<Option<DbStore>, String> {
    let state = bmnn_store::sqlite_path(url).map(|p| bmnn_store::file_state(Path::new(p)));
    let opts = crate::cli::pool_options(url).map_err(|e| e.to_string())?;
    let keyed = |k: &bmnn_vault::DataKey| {
        DbStore::open_with(url, Some(crate::cli::sqlite_key(k)), opts)
            .map(|s| s.with_audit_key(crate::cli::audit_key(k)))
            .map_err(|e| e.to_string())
    };
    match state {
        // PostgreSQL: its at-rest encryption is the server's (see README).
        None => match key {
            Some(k) => keyed(k).map(Some),
            None => DbStore::open_with(url, None, opts)
                .map(Some)
                .map_err(|e| e.to_string()),
        },
        Some(FileState::Plain) => {
            v.push(check(
                Level::Error,
                "Mã hóa cơ sở dữ liệu",
                "tệp cơ sở dữ liệu CHƯA mã hóa (siêu dữ liệu đọc được): lệnh tiếp theo mở nó bằng \
                 khóa dữ liệu (vd. `bmnn audit verify`) sẽ mã hóa nó",
            ));
            DbStore::open_with(url, None, opts)
                .map(Some)
                .map_err(|e| e.to_string())
        }
        Some(FileState::Missing | FileState::Empty) => {
            v.push(check(
                Level::Warn,
                "Cơ sở dữ liệu",
                "chưa có: chạy `bmnn keys init` rồi `bmnn init`",
            ));
            Ok(None)
        }
        Some(FileState::Encrypted) => {
            v.push(check(
                Level::Ok,
                "Mã hóa cơ sở dữ liệu",
                "tệp cơ sở dữ liệu được mã hóa (SQLCipher)",
            ));
            match key {
                Some(k) => keyed(k).map(Some),
                None => {
                    v.push(check(
                        Level::Warn,
                        "Chuỗi nhật ký",
                        "chưa kiểm tra: cơ sở dữ liệu mã hóa cần nguồn khóa (--key-file, \
                         BMNN_PASSPHRASE hoặc --passphrase-file)",
                    ));
                    Ok(None)
                }
            }
        }
    }
}

/// The key checks; the unlocked key when a source was given and opened it.
fn key_checks(data: &Path, keys: &KeyArgs, v: &mut Vec<Check>) -> Option<bmnn_vault::DataKey> {
    let legacy = crate::keys::legacy_path(data);
    if legacy.exists() {
        v.push(check(
            Level::Error,
            "Khóa dữ liệu",
            format!(
                "khóa nằm KHÔNG MÃ HÓA cạnh dữ liệu ({}): chạy `bmnn keys init` để bọc và xóa nó",
                legacy.display()
            ),
        ));
    }
    let ring = match crate::keys::load_keyring(data) {
        Ok(Some(r)) => r,
        Ok(None) => {
            v.push(check(
                Level::Error,
                "Khóa dữ liệu",
                "chưa có keys/keyring.json: chạy `bmnn keys init`",
            ));
            return None;
        }
        Err(e) => {
            v.push(check(Level::Error, "Khóa dữ liệu", format!("{e:#}")));
            return None;
        }
    };
    for w in ring.weaknesses() {
        v.push(check(
            Level::Error,
            "Khóa dữ liệu",
            format!("keyring.json có thể đã bị sửa: {w}; lệnh mở khóa sẽ từ chối nó"),
        ));
    }
    let p = crate::keys::keyring_path(data);
    if let Some(m) = mode(&p).filter(|m| m & 0o077 != 0) {
        v.push(check(
            Level::Warn,
            "Khóa dữ liệu",
            format!("quyền tệp {} là {m:o}; đặt 600", p.display()),
        ));
    }
    let recovery = ring
        .wraps
        .iter()
        .any(|w| w.kind == bmnn_vault::WrapKind::Recovery);
    if !recovery {
        v.push(check(
            Level::Warn,
            "Khóa dữ liệu",
            "không có mã khôi phục: quên mật khẩu là mất dữ liệu; chạy `bmnn keys add-recovery`",
        ));
    }
    let given = keys.key_file.is_some()
        || keys.passphrase_file.is_some()
        || std::env::var("BMNN_PASSPHRASE").is_ok_and(|p| !p.is_empty());
    if !given {
        v.push(check(
            Level::Warn,
            "Khóa dữ liệu",
            format!(
                "{} ({} cách mở khóa); chưa thử mở: cho khóa bằng --key-file, BMNN_PASSPHRASE \
                 hoặc --passphrase-file để kiểm tra",
                ring.key_id,
                ring.wraps.len()
            ),
        ));
        return None;
    }
    if legacy.exists() {
        return None;
    }
    match crate::keys::unlock(data, keys) {
        Ok(k) => {
            v.push(check(
                Level::Ok,
                "Khóa dữ liệu",
                format!(
                    "{} mở được bằng nguồn khóa đã cho; {} cách mở khóa",
                    k.id(),
                    ring.wraps.len()
                ),
            ));
            Some(k)
        }
        Err(e) => {
            v.push(check(
                Level::Error,
                "Khóa dữ liệu",
                format!(
                    "nguồn khóa đã cho KHÔNG mở được: {}",
                    e.to_string().lines().next().unwrap_or_default()
                ),
            ));
            None
        }
    }
}

fn backup_checks(data: &Path, v: &mut Vec<Check>) {
    let status = crate::backup::read_status(data);
    let dir = status
        .as_ref()
        .map(|s| std::path::PathBuf::from(&s.dir))
        .unwrap_or_else(|| data.join("backups"));
    if let Some(s) = status.as_ref().filter(|s| !s.ok) {
        v.push(check(
            Level::Error,
            "Sao lưu",
            format!(
                "lần sao lưu gần nhất ({}) THẤT BẠI: {}",
                s.attempted_at,
                s.error.as_deref().unwrap_or("không rõ lỗi")
            ),
        ));
    }
    let newest = crate::backup::newest(&dir);
    let age = newest.map(|t| (bmnn_web::now_utc() - t).whole_seconds().max(0) as u64);
    match age {
        Some(age) if age > 2 * 86_400 => v.push(check(
            Level::Warn,
            "Sao lưu",
            format!(
                "bản mới nhất đã {} ngày (trong {}); chạy `bmnn backup` hoặc kiểm tra `bmnn serve`",
                age / 86_400,
                dir.display()
            ),
        )),
        Some(age) => v.push(check(
            Level::Ok,
            "Sao lưu",
            format!(
                "bản mới nhất cách đây {} giờ (trong {})",
                age / 3600,
                dir.display()
            ),
        )),
        None => v.push(check(
            Level::Warn,
            "Sao lưu",
            format!("chưa có bản sao lưu trong {}", dir.display()),
        )),
    }
}

/// The extraction worker's sandbox (issue 16 point 6): starts one worker as `serve` and
/// `bmnn scan` would and reports the protections it has in force on this kernel.
fn sandbox_check(v: &mut Vec<Check>) {
    const WHAT: &str = "Cách ly trích xuất tệp";
    let iso = match bmnn_scan::Isolation::current_exe() {
        Ok(i) => i,
        Err(e) => {
            v.push(check(
                Level::Error,
                WHAT,
                format!("không xác định được chương trình: {e}"),
            ));
            return;
        }
    };
    match bmnn_scan::ExtractPool::probe_sandbox(&iso) {
        Ok(r) if r.confined() && r.clean_env && r.rlimits => {
            v.push(check(Level::Ok, WHAT, r.summary_vi()))
        }
        Ok(r) => v.push(check(
            Level::Warn,
            WHAT,
            format!(
                "{} — nhân Linux của máy này không cho cách ly đầy đủ; tệp vẫn được đọc trong \
                 tiến trình con có giới hạn tài nguyên",
                r.summary_vi()
            ),
        )),
        Err(e) => v.push(check(
            Level::Error,
            WHAT,
            format!("không chạy được tiến trình trích xuất: {e}"),
        )),
    }
}

/// Privileged accounts (administrator, Tối mật or Tuyệt mật clearance, leader, security officer,
/// head of the agency) listed by name, each without the audit record of its creation by the
/// services (`bootstrap`, `user.create`) flagged as an error; then every row of the database
/// checked as `bmnn import` checks a file (`bmnn_store::check_dataset`: key columns against the
/// record, records as the services check them, the log against the data) — a corrupt row is
/// reported here, while the server keeps running.
fn account_and_data_checks(
    store: &DbStore,
    data: &Path,
    key: Option<&bmnn_vault::DataKey>,
    v: &mut Vec<Check>,
) {
    use bmnn_core::ports::Store;
    let listed = store.read(|tx| Ok((tx.list_users()?, tx.list_positions()?)));
    let made = store.audit_objects_of(&["user.create", "bootstrap"]);
    match (listed, made) {
        (Ok((users, positions)), Ok(made)) => privileged_checks(&users, &positions, &made, v),
        (Err(e), _) | (_, Err(e)) => v.push(check(
            Level::Error,
            "Tài khoản đặc quyền",
            format!("không đọc được danh sách tài khoản: {}", e.message_vi()),
        )),
    }
    data_check(store, data, key, v);
}

fn privileged_checks(
    users: &[bmnn_core::model::User],
    positions: &[bmnn_core::model::Position],
    made: &[String],
    v: &mut Vec<Check>,
) {
    let made: std::collections::HashSet<&str> = made.iter().map(String::as_str).collect();
    let mut listed = Vec::new();
    for u in users {
        let what = bmnn_core::import_check::privileges(u, positions);
        if what.is_empty() {
            continue;
        }
        listed.push(format!("{} ({})", u.username, what.join(", ")));
        if !made.contains(format!("user:{}", u.id).as_str()) {
            v.push(check(
                Level::Error,
                "Tài khoản đặc quyền",
                format!(
                    "«{}» ({}) KHÔNG được tạo qua hệ thống (không có bản ghi tạo tài khoản trong \
                     nhật ký): có thể đã bị cài vào cơ sở dữ liệu; khóa tài khoản và báo cán bộ \
                     bảo vệ BMNN",
                    u.username,
                    what.join(", ")
                ),
            ));
        }
    }
    v.push(check(
        Level::Ok,
        "Tài khoản đặc quyền",
        if listed.is_empty() {
            "không có".to_string()
        } else {
            format!("{}: {}", listed.len(), listed.join("; "))
        },
    ));
}

fn data_check(store: &DbStore, data: &Path, key: Option<&bmnn_vault::DataKey>, v: &mut Vec<Check>) {
    let rules = match load_rules(data) {
        Ok(r) => r,
        Err(_) => return,
    };
    let audit_key = key.map(crate::cli::audit_key);
    match store
        .export()
        .and_then(|d| bmnn_store::check_dataset(&d, &rules, audit_key.as_ref()))
    {
        Ok(()) => v.push(check(
            Level::Ok,
            "Dữ liệu",
            "mọi bản ghi đọc được, khớp với các cột khóa và hợp lệ",
        )),
        Err(e) => {
            // The same checks as an import; said here of the live database.
            let m = e.message_vi();
            let m = m
                .trim_start_matches("Không nhập bộ dữ liệu: ")
                .trim_end_matches(" Không có dữ liệu nào được ghi.");
            v.push(check(Level::Error, "Dữ liệu", m.to_string()))
        }
    }
}
