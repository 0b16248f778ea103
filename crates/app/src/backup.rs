//! `bmnn backup`: sealed backup files named by time, written atomically, pruned by count; the
//! daily backup of `serve --backup-keep N` uses the same code.

use anyhow::{Context, Result, anyhow};
use bmnn_store::DbStore;
use std::path::{Path, PathBuf};

pub const SUFFIX: &str = ".bmnnbak";

/// Writes one backup into `dir` (temp file, fsync, rename) and returns its path.
pub fn write_backup(store: &DbStore, key: &bmnn_vault::DataKey, dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("tạo thư mục {}", dir.display()))?;
    let now = bmnn_web::now_utc();
    let stamp = format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let created = bmnn_core::service::ts(now);
    let (_, sealed) = store
        .backup(key, dir, &created)
        .map_err(|e| anyhow!("{}", e.message_vi()))?;
    let path = dir.join(format!("bmnn-{stamp}{SUFFIX}"));
    let tmp = dir.join(format!(".bmnn-{stamp}.tmp"));
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&sealed)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &path)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(path)
}

/// Keeps the newest `keep` backups of `dir`; returns how many were removed.
pub fn prune(dir: &Path, keep: usize) -> Result<usize> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("bmnn-") && n.ends_with(SUFFIX))
        })
        .collect();
    files.sort();
    let n = files.len().saturating_sub(keep.max(1));
    for p in &files[..n] {
        std::fs::remove_file(p)?;
    }
    Ok(n)
}
