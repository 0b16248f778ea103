//! `bmnn doctor`: checks an installation and says what to fix, in Vietnamese.
//! Data folder permissions, free disk space, the data key, the database and its audit chain,
//! the age of the newest backup, the legal rules and their unconfirmed points.

use crate::cli::{database_url, load_rules};
use anyhow::Result;
use bmnn_store::DbStore;
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

pub fn checks(data: &Path, url: &Option<String>) -> Vec<Check> {
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
    let key = data.join("keys").join("data.key");
    match std::fs::metadata(&key) {
        Ok(m) if m.len() == 32 => {
            let m = mode(&key).unwrap_or(0o600);
            v.push(check(
                if m & 0o077 == 0 { Level::Warn } else { Level::Error },
                "Khóa dữ liệu",
                format!(
                    "có ({m:o}); khóa đang nằm cạnh dữ liệu: cất một bản ở thiết bị rời và bật mã hóa toàn đĩa{}",
                    if m & 0o077 == 0 { "" } else { " — quyền tệp quá rộng, đặt 600" }
                ),
            ))
        }
        Ok(_) => v.push(check(
            Level::Error,
            "Khóa dữ liệu",
            "tệp khóa hỏng (không đủ 32 byte)",
        )),
        Err(_) => v.push(check(
            Level::Warn,
            "Khóa dữ liệu",
            "chưa có (được tạo khi chạy `bmnn serve` lần đầu)",
        )),
    }
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
    match database_url(data, url)
        .map_err(|e| e.to_string())
        .and_then(|u| DbStore::open(&u).map_err(|e| e.to_string()))
    {
        Ok(store) => match store.verify_audit() {
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
    let newest = std::fs::read_dir(data.join("backups")).ok().and_then(|rd| {
        rd.filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .ends_with(crate::backup::SUFFIX)
            })
            .filter_map(|e| e.metadata().ok()?.modified().ok())
            .max()
    });
    match newest.and_then(|t| t.elapsed().ok()) {
        Some(age) if age.as_secs() > 2 * 86_400 => v.push(check(
            Level::Warn,
            "Sao lưu",
            format!(
                "bản mới nhất đã {} ngày; chạy `bmnn backup`",
                age.as_secs() / 86_400
            ),
        )),
        Some(age) => v.push(check(
            Level::Ok,
            "Sao lưu",
            format!("bản mới nhất cách đây {} giờ", age.as_secs() / 3600),
        )),
        None => v.push(check(
            Level::Warn,
            "Sao lưu",
            format!(
                "chưa có bản sao lưu trong {}",
                data.join("backups").display()
            ),
        )),
    }
    v
}

pub fn run(data: &Path, url: &Option<String>) -> Result<ExitCode> {
    let v = checks(data, url);
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
