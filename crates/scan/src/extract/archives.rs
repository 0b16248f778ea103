//! Archives and single compressed files other than zip (issue 11 point 3, issue 16 point 1):
//! `.7z` (sevenz-rust2, pure Rust, decoder only), `.tar`, `.gz`/`.tgz` (flate2), `.xz`
//! (lzma-rust2, pure Rust). RAR is recognised and not read (no maintained pure-Rust reader;
//! docs/scanner.md says why): the verdict is `review`.
//!
//! The zip bomb limits apply as for zip ([`super::zipread`]): entry count, per-entry and total
//! decompressed size counted on the bytes actually produced (declared sizes are not trusted), and
//! the nesting depth ([`super::MAX_ARCHIVE_DEPTH`]) through the caller's recursion. An encrypted
//! 7z (content or names) is refused as encrypted; an entry that cannot be read is noted, so the
//! verdict is `review` at best while stamps found in the other entries still block.

use std::io::{Cursor, Read};

use super::{ExtractError, Limits};
use crate::model::{ExtractNote, Extracted};

/// Extracts one entry of an archive as a file of its own (the caller's recursion, one level
/// deeper), with the limits left for it.
pub type Entry<'a> = &'a mut dyn FnMut(&[u8], &str, &Limits) -> Result<Extracted, ExtractError>;

/// Reads at most `cap` bytes from `r`; more is a bomb.
pub(super) fn read_capped(r: &mut dyn Read, cap: u64, what: &str) -> Result<Vec<u8>, ExtractError> {
    let mut out = Vec::new();
    let n = r
        .take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| ExtractError::Corrupt(format!("{what}: {e}")))? as u64;
    if n > cap {
        return Err(ExtractError::Limit(format!(
            "{what} giải nén quá lớn (nghi tệp nén bom)"
        )));
    }
    Ok(out)
}

/// Limits left after `used` bytes were inflated.
pub(super) fn inner_limits(limits: &Limits, used: u64) -> Limits {
    Limits {
        max_total_size: limits.max_total_size.saturating_sub(used),
        ..*limits
    }
}

/// Adds an entry's result (or the reason it was not read) to the archive's.
pub(super) fn merge(
    out: &mut Extracted,
    name: &str,
    kind: &str,
    r: Result<Extracted, ExtractError>,
) {
    match r {
        Ok(x) => {
            for mut u in x.units {
                u.source = format!("{name} › {}", u.source);
                out.units.push(u);
            }
            out.notes.extend(x.notes);
        }
        Err(e) => out.notes.push(ExtractNote::Skipped {
            what: format!("mục «{name}» trong {kind}: {e}"),
        }),
    }
}

/// The name of the file inside a single compressed file: `a.txt.gz` → `a.txt`, `a.tgz` → `a.tar`.
fn inner_name(name: &str, exts: &[&str]) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tgz") || lower.ends_with(".txz") {
        return format!("{}.tar", &name[..name.len() - 4]);
    }
    for e in exts {
        if lower.ends_with(e) && name.len() > e.len() {
            return name[..name.len() - e.len()].to_owned();
        }
    }
    name.to_owned()
}

/// `.gz` / `.tgz`: one member stream (or several, concatenated) holding one file.
pub fn extract_gzip(
    bytes: &[u8],
    name: &str,
    limits: &Limits,
    entry: Entry,
) -> Result<Extracted, ExtractError> {
    let mut d = flate2::read::MultiGzDecoder::new(bytes);
    let cap = limits.max_entry_size.min(limits.max_total_size);
    let data = read_capped(&mut d, cap, "tệp nén gzip")?;
    // The name stored in the header (if any) tells the inner format better than ours.
    let stored = d
        .header()
        .and_then(|h| h.filename())
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .filter(|f| !f.is_empty() && !f.contains('/'));
    let inner = stored.unwrap_or_else(|| inner_name(name, &[".gz", ".gzip"]));
    single(data, &inner, "gzip", limits, entry)
}

/// `.xz` / `.txz`.
pub fn extract_xz(
    bytes: &[u8],
    name: &str,
    limits: &Limits,
    entry: Entry,
) -> Result<Extracted, ExtractError> {
    // Dictionary memory is bounded too (a crafted header may ask for gigabytes).
    let mut d = lzma_rust2::XzReader::new_mem_limit(bytes, true, 256 * 1024);
    let cap = limits.max_entry_size.min(limits.max_total_size);
    let data = read_capped(&mut d, cap, "tệp nén xz")?;
    single(data, &inner_name(name, &[".xz"]), "xz", limits, entry)
}

fn single(
    data: Vec<u8>,
    inner: &str,
    kind: &str,
    limits: &Limits,
    entry: Entry,
) -> Result<Extracted, ExtractError> {
    let x = entry(&data, inner, &inner_limits(limits, data.len() as u64))?;
    let mut out = Extracted::new(&format!("{kind} ({})", x.format));
    merge(&mut out, inner, &format!("tệp nén {kind}"), Ok(x));
    Ok(out)
}

/// True for a POSIX/GNU tar (`ustar` magic at offset 257).
pub fn is_tar(bytes: &[u8]) -> bool {
    bytes.get(257..262) == Some(b"ustar")
}

/// `.tar`: every regular file is a file of its own; links, devices and folders hold no text.
pub fn extract_tar(bytes: &[u8], limits: &Limits, entry: Entry) -> Result<Extracted, ExtractError> {
    let mut a = tar::Archive::new(Cursor::new(bytes));
    let mut out = Extracted::new("tar");
    let mut total = 0u64;
    let mut count = 0usize;
    let entries = a
        .entries()
        .map_err(|e| ExtractError::Corrupt(format!("tar: {e}")))?;
    for e in entries {
        let mut e = e.map_err(|e| ExtractError::Corrupt(format!("tar: {e}")))?;
        count += 1;
        if count > limits.max_zip_entries {
            return Err(ExtractError::Limit(format!(
                "quá nhiều mục trong tệp lưu trữ (hơn {})",
                limits.max_zip_entries
            )));
        }
        let kind = e.header().entry_type();
        if !(kind.is_file() || kind == tar::EntryType::Continuous || kind.is_gnu_sparse()) {
            continue;
        }
        let name = e
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| format!("mục {count}"));
        let cap = limits
            .max_entry_size
            .min(limits.max_total_size.saturating_sub(total));
        let data = read_capped(&mut e, cap, &format!("mục tar {name}"))?;
        total += data.len() as u64;
        let r = entry(&data, &name, &inner_limits(limits, total));
        merge(&mut out, &name, "tệp lưu trữ tar", r);
    }
    Ok(out)
}

/// Maps the 7z reader's errors: a password or an AES coder means encrypted.
fn sevenz_err(e: sevenz_rust2::Error) -> ExtractError {
    use sevenz_rust2::Error as E;
    match e {
        E::PasswordRequired | E::MaybeBadPassword(_) => ExtractError::Encrypted,
        E::UnsupportedCompressionMethod(m) if m.to_ascii_uppercase().contains("AES") => {
            ExtractError::Encrypted
        }
        E::UnsupportedCompressionMethod(m) => {
            ExtractError::Unsupported(format!("phương pháp nén 7z «{m}»"))
        }
        E::MaxMemLimited { .. } => {
            ExtractError::Limit("tệp nén 7z đòi bộ nhớ giải nén quá lớn".into())
        }
        other => ExtractError::Corrupt(format!("7z: {other}")),
    }
}

/// `.7z`: entries decoded in order (solid blocks included), each a file of its own.
pub fn extract_7z(bytes: &[u8], limits: &Limits, entry: Entry) -> Result<Extracted, ExtractError> {
    let mut r = sevenz_rust2::ArchiveReader::new_with_memory_limit(
        Cursor::new(bytes),
        sevenz_rust2::Password::empty(),
        256 * 1024,
    )
    .map_err(sevenz_err)?;
    r.set_thread_count(1);
    let files = r.archive().files.len();
    if files > limits.max_zip_entries {
        return Err(ExtractError::Limit(format!(
            "quá nhiều mục trong tệp nén ({files})"
        )));
    }
    let mut out = Extracted::new("7z");
    let mut total = 0u64;
    let mut fatal: Option<ExtractError> = None;
    let res = r.for_each_entries(|e, rd| {
        if e.is_directory() || !e.has_stream {
            return Ok(true);
        }
        let name = e.name().to_owned();
        let cap = limits
            .max_entry_size
            .min(limits.max_total_size.saturating_sub(total));
        let data = match read_capped(rd, cap, &format!("mục 7z {name}")) {
            Ok(d) => d,
            Err(err) => {
                // A bomb stops the whole archive; a decoding error is the reader's.
                if matches!(err, ExtractError::Limit(_)) {
                    fatal = Some(err);
                    return Ok(false);
                }
                return Err(sevenz_rust2::Error::Other(format!("{err}").into()));
            }
        };
        total += data.len() as u64;
        let x = entry(&data, &name, &inner_limits(limits, total));
        merge(&mut out, &name, "tệp nén 7z", x);
        Ok(true)
    });
    if let Some(err) = fatal {
        return Err(err);
    }
    if let Err(e) = res {
        // Entries read before the error still count; the rest was not read.
        match sevenz_err(e) {
            ExtractError::Encrypted => return Err(ExtractError::Encrypted),
            err => out.notes.push(ExtractNote::Skipped {
                what: format!("phần còn lại của tệp nén 7z: {err}"),
            }),
        }
    }
    Ok(out)
}
