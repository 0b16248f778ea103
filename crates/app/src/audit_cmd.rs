//! `bmnn audit`: verify the chain (with the audit key, and against a signed checkpoint) and
//! write checkpoints. Also the checkpoint written beside every backup and into report bundles,
//! and the owner-only files and folders of exports and backups.

use crate::cli::AuditCmd;
use anyhow::{Context, Result, anyhow};
use bmnn_core::audit;
use bmnn_core::ports::Store;
use bmnn_store::DbStore;
use std::path::Path;
use std::process::ExitCode;

/// Creates `dir` (and missing parents) readable by the owner only (0700); an existing folder
/// is left as it is.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
        .with_context(|| format!("tạo thư mục {}", dir.display()))
}

/// Opens `path` for writing, created (or truncated) with owner-only permissions (0600).
pub fn create_private_file(path: &Path) -> Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let f = o
        .open(path)
        .with_context(|| format!("ghi {}", path.display()))?;
    // A file that existed keeps its mode through open(): narrow it too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(f)
}

/// Writes `bytes` to `path`, owner-only (0600).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut f = create_private_file(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

/// A checkpoint of the chain head signed with the unit's report signing key, or `None` when
/// the unit has no signing key yet (`bmnn report keygen`).
pub fn checkpoint(data: &Path, store: &DbStore) -> Result<Option<Vec<u8>>> {
    let Some(secret) = crate::report_cmd::signing_key(data)? else {
        return Ok(None);
    };
    let unit = store
        .read(|tx| tx.get_agency())
        .map_err(|e| anyhow!("{}", e.message_vi()))?
        .map(|a| a.name)
        .unwrap_or_default();
    checkpoint_with(&secret, &unit, store).map(Some)
}

/// A checkpoint of `store`'s chain head signed with `secret`.
pub fn checkpoint_with(secret: &[u8; 32], unit: &str, store: &DbStore) -> Result<Vec<u8>> {
    let (seq, hash) = store
        .read(|tx| tx.audit_tail(1))
        .map_err(|e| anyhow!("{}", e.message_vi()))?
        .pop()
        .map_or((0, audit::GENESIS.to_string()), |r| (r.seq, r.hash));
    let at = bmnn_core::service::ts(bmnn_web::now_utc());
    Ok(audit::sign_checkpoint(secret, unit, seq, &hash, &at))
}

pub fn run(
    data: &Path,
    url: &Option<String>,
    keys: &crate::keys::KeyArgs,
    cmd: AuditCmd,
) -> Result<ExitCode> {
    let key = crate::keys::unlock(data, keys)?;
    let store = crate::cli::open_store(data, url, &key)?;
    match cmd {
        AuditCmd::Verify {
            checkpoint,
            public_key,
        } => {
            let cp = match &checkpoint {
                None => None,
                Some(file) => {
                    let bytes =
                        std::fs::read(file).with_context(|| format!("đọc {}", file.display()))?;
                    let cp = audit::open_checkpoint(&bytes)
                        .map_err(|e| anyhow!("{}", e.message_vi()))?;
                    // Whose signature: the key given, else this unit's own signing key.
                    let expected = match public_key {
                        Some(k) => Some(k.trim().to_string()),
                        None => crate::report_cmd::signing_key(data)?
                            .map(|s| bmnn_core::programme::bundle::public_key_hex(&s)),
                    };
                    match expected {
                        Some(k) if k == cp.public_key => {}
                        Some(_) => {
                            println!(
                                "MỐC NHẬT KÝ KHÔNG ĐƯỢC KÝ BẰNG KHÓA CỦA ĐƠN VỊ: không dùng được để kiểm tra."
                            );
                            return Ok(ExitCode::from(1));
                        }
                        None => {
                            return Err(anyhow!(
                                "đơn vị chưa có khóa ký báo cáo: chỉ rõ khóa công khai của người ký mốc bằng --public-key"
                            ));
                        }
                    }
                    Some(cp)
                }
            };
            match store.verify_audit_full(cp.as_ref())? {
                Ok(v) => {
                    println!("Chuỗi nhật ký toàn vẹn: {} bản ghi.", v.count);
                    if v.legacy > 0 {
                        println!(
                            "Trong đó {} bản ghi đầu theo định dạng cũ (chưa có mã xác thực), chỉ được bảo đảm bằng chuỗi băm và các mốc đã ký.",
                            v.legacy
                        );
                    }
                    if let Some(cp) = &cp {
                        println!(
                            "Khớp mốc nhật ký đã ký lúc {} (bản ghi số {}).",
                            cp.at
                                .replace('T', " ")
                                .split('.')
                                .next()
                                .unwrap_or_default(),
                            cp.seq
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(b) => {
                    println!(
                        "CHUỖI NHẬT KÝ BỊ PHÁ VỠ tại bản ghi số {}: {}",
                        b.seq, b.reason
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
        AuditCmd::Checkpoint { output } => {
            let Some(bytes) = checkpoint(data, &store)? else {
                return Err(anyhow!(
                    "đơn vị chưa có khóa ký báo cáo; chạy `bmnn report keygen` trước"
                ));
            };
            write_private(&output, &bytes)?;
            eprintln!(
                "Đã ghi mốc nhật ký vào {}. Cất giữ tệp ở nơi khác máy chủ (giấy tờ lưu trữ, máy khác).",
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
