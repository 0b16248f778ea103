//! Sealed backup files named by time (UTC), written atomically, pruned by count; `bmnn backup`
//! and the daily backup of `bmnn serve` (`--backup-dir`, `--backup-keep`, `--backup-hour`) use
//! the same code. Each run copies `keys/keyring.json` (wraps only, no key in clear) next to the
//! backups, so a fresh machine can restore with the passphrase or the recovery code, and records
//! its outcome in `<data>/backup-status.json` for `bmnn doctor` (no secret, no document text).

use anyhow::{Result, anyhow};
use bmnn_store::DbStore;
use std::path::{Path, PathBuf};
use time::{Date, Duration, PrimitiveDateTime, Time};

pub const SUFFIX: &str = ".bmnnbak";
pub const STATUS_FILE: &str = "backup-status.json";
/// Vietnam is UTC+7 all year.
const VN_HOURS: i64 = 7;

fn stamp(t: PrimitiveDateTime) -> String {
    format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The time (UTC) a backup file was made, from its name `bmnn-YYYYMMDD-HHMMSS.bmnnbak`.
pub fn time_of(name: &str) -> Option<PrimitiveDateTime> {
    let s = name.strip_prefix("bmnn-")?.strip_suffix(SUFFIX)?;
    let (d, t) = s.split_once('-')?;
    if d.len() != 8 || t.len() != 6 {
        return None;
    }
    let n = |x: &str| x.parse::<u32>().ok();
    let date = Date::from_calendar_date(
        n(&d[..4])? as i32,
        time::Month::try_from(n(&d[4..6])? as u8).ok()?,
        n(&d[6..])? as u8,
    )
    .ok()?;
    let time = Time::from_hms(n(&t[..2])? as u8, n(&t[2..4])? as u8, n(&t[4..])? as u8).ok()?;
    Some(PrimitiveDateTime::new(date, time))
}

fn backup_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| time_of(n).is_some())
        })
        .collect();
    files.sort();
    files
}

/// The time (UTC) of the newest backup in `dir`.
pub fn newest(dir: &Path) -> Option<PrimitiveDateTime> {
    backup_files(dir)
        .last()
        .and_then(|p| time_of(p.file_name()?.to_str()?))
}

/// Is a scheduled backup due? `now` and `last` are UTC; `hour` is the hour of the day in
/// Vietnam time. Due when no backup was made since the latest passed occurrence of `hour`
/// (so a server that was off at that hour makes the backup as soon as it runs again).
pub fn backup_due(last: Option<PrimitiveDateTime>, now: PrimitiveDateTime, hour: u8) -> bool {
    let vn_now = now + Duration::hours(VN_HOURS);
    let Ok(at) = Time::from_hms(hour.min(23), 0, 0) else {
        return false;
    };
    let mut slot_vn = PrimitiveDateTime::new(vn_now.date(), at);
    if slot_vn > vn_now {
        slot_vn -= Duration::days(1);
    }
    let slot = slot_vn - Duration::hours(VN_HOURS);
    last.is_none_or(|l| l < slot)
}

/// The signed audit checkpoint written beside a backup file.
pub fn checkpoint_path(backup: &Path) -> PathBuf {
    let name = backup
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    backup.with_file_name(format!(
        "{}{CHECKPOINT_SUFFIX}",
        name.strip_suffix(SUFFIX).unwrap_or(name)
    ))
}

pub const CHECKPOINT_SUFFIX: &str = ".audit-checkpoint.json";

/// Writes one backup into `dir` (temp file, fsync, rename; owner-only file, and a folder it
/// creates owner-only too) and returns its path.
pub fn write_backup(store: &DbStore, key: &bmnn_vault::DataKey, dir: &Path) -> Result<PathBuf> {
    crate::audit_cmd::create_private_dir(dir)?;
    // Leftovers of a run that was killed half-way.
    for e in std::fs::read_dir(dir)?.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if (n.starts_with(".bmnn-") && n.ends_with(".tmp"))
            || (n.starts_with("bmnn-backup-") && n.ends_with(".db"))
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
    let now = bmnn_web::now_utc();
    let stamp = stamp(now);
    let created = bmnn_core::service::ts(now);
    let path = dir.join(format!("bmnn-{stamp}{SUFFIX}"));
    let tmp = dir.join(format!(".bmnn-{stamp}.tmp"));
    // Streamed into the file as it is sealed (memory stays bounded whatever the database size).
    let written = crate::audit_cmd::create_private_file(&tmp).and_then(|f| {
        let (_, f) = store
            .backup_to(key, dir, &created, f)
            .map_err(|e| anyhow!("{}", e.message_vi()))?;
        f.sync_all()?;
        Ok(())
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, &path)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(path)
}

/// Keeps the newest `keep` backups of `dir` (at least one); returns how many were removed.
pub fn prune(dir: &Path, keep: usize) -> Result<usize> {
    let files = backup_files(dir);
    let n = files.len().saturating_sub(keep.max(1));
    for p in &files[..n] {
        std::fs::remove_file(p)?;
        let _ = std::fs::remove_file(checkpoint_path(p));
    }
    Ok(n)
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Status {
    pub dir: String,
    pub attempted_at: String,
    pub ok: bool,
    /// The failure's message (I/O or database error; never document text or secrets).
    pub error: Option<String>,
}

pub fn read_status(data: &Path) -> Option<Status> {
    serde_json::from_slice(&std::fs::read(data.join(STATUS_FILE)).ok()?).ok()
}

fn write_status(data: &Path, s: &Status) {
    if let Ok(b) = serde_json::to_vec_pretty(s) {
        let _ = crate::keys::write_atomic(&data.join(STATUS_FILE), &b);
    }
}

/// One backup run: write, copy the keyring beside it, write a signed checkpoint of the audit
/// chain head beside it (when the unit has a signing key), prune to `keep`, record the outcome.
/// Returns the new file and how many old ones were removed.
pub fn run_backup(
    data: &Path,
    store: &DbStore,
    key: &bmnn_vault::DataKey,
    dir: &Path,
    keep: Option<usize>,
) -> Result<(PathBuf, usize)> {
    let r = (|| {
        let path = write_backup(store, key, dir)?;
        let ring = crate::keys::keyring_path(data);
        if ring.exists() {
            let b = std::fs::read(&ring)?;
            crate::keys::write_atomic(&dir.join("keyring.json"), &b)?;
            // `keys rotate` and every keyring change refresh this copy.
            crate::keys::note_copy(data, dir)?;
        }
        if let Some(cp) = crate::audit_cmd::checkpoint(data, store)? {
            crate::audit_cmd::write_private(&checkpoint_path(&path), &cp)?;
        }
        let removed = match keep {
            Some(n) => prune(dir, n)?,
            None => 0,
        };
        Ok::<_, anyhow::Error>((path, removed))
    })();
    write_status(
        data,
        &Status {
            dir: dir.display().to_string(),
            attempted_at: bmnn_core::service::ts(bmnn_web::now_utc()),
            ok: r.is_ok(),
            error: r.as_ref().err().map(|e| format!("{e:#}")),
        },
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn due_after_the_hour_passes_once_a_day() {
        // 02:00 in Vietnam = 19:00 UTC the day before.
        let h = 2;
        assert!(
            backup_due(None, datetime!(2026-11-25 03:00), h),
            "never backed up"
        );
        let last = datetime!(2026-11-24 19:30); // 02:30 VN on the 25th
        assert!(!backup_due(Some(last), datetime!(2026-11-25 10:00), h));
        assert!(!backup_due(Some(last), datetime!(2026-11-25 18:59), h));
        assert!(backup_due(Some(last), datetime!(2026-11-25 19:00), h));
        // Server off at the hour: due as soon as it runs again, then not again that day.
        let stale = datetime!(2026-11-20 19:05);
        assert!(backup_due(Some(stale), datetime!(2026-11-25 08:00), h));
        let made = datetime!(2026-11-25 08:00);
        assert!(!backup_due(Some(made), datetime!(2026-11-25 18:00), h));
        assert!(backup_due(Some(made), datetime!(2026-11-25 19:01), h));
        // A backup made just before the hour does not count for that day.
        assert!(backup_due(
            Some(datetime!(2026-11-25 18:59)),
            datetime!(2026-11-25 19:00),
            h
        ));
        // Midnight in Vietnam (17:00 UTC), across a month end.
        assert!(backup_due(
            Some(datetime!(2026-11-29 17:00)),
            datetime!(2026-11-30 17:00),
            0
        ));
        assert!(!backup_due(
            Some(datetime!(2026-11-30 17:00)),
            datetime!(2026-12-01 16:59),
            0
        ));
    }

    #[test]
    fn names_carry_their_time() {
        assert_eq!(
            time_of("bmnn-20261125-190000.bmnnbak"),
            Some(datetime!(2026-11-25 19:00))
        );
        assert_eq!(time_of("bmnn-20261325-190000.bmnnbak"), None);
        assert_eq!(time_of("keyring.json"), None);
        assert_eq!(time_of(".bmnn-20261125-190000.tmp"), None);
    }

    #[test]
    fn prune_keeps_the_newest_and_nothing_else_is_touched() {
        let dir = tempfile::tempdir().expect("tempdir");
        for d in 10..=25 {
            std::fs::write(
                dir.path().join(format!("bmnn-202611{d:02}-190000{SUFFIX}")),
                b"x",
            )
            .expect("write");
        }
        std::fs::write(dir.path().join("keyring.json"), b"{}").expect("write");
        std::fs::write(dir.path().join("ghi-chu.txt"), b"notes").expect("write");
        assert_eq!(prune(dir.path(), 14).expect("prune"), 2);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left.len(), 16, "{left:?}");
        assert_eq!(left[0], "bmnn-20261112-190000.bmnnbak");
        assert!(left.contains(&"keyring.json".to_string()));
        assert!(left.contains(&"ghi-chu.txt".to_string()));
        assert_eq!(newest(dir.path()), Some(datetime!(2026-11-25 19:00)));
        assert_eq!(
            prune(dir.path(), 0).expect("prune"),
            13,
            "keeps at least one"
        );
        assert_eq!(prune(dir.path(), 14).expect("prune"), 0);
    }
}
