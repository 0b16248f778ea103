//! The `bmnn scan PATH… [--format human|json|sarif]` face and the folder walker.
//!
//! Exit codes: 0 nothing found, 1 findings (block or review), 2 error (a path could not be read).
//! Folders are walked depth first; files are read in parallel through a pool of long-lived
//! isolated workers; symbolic links are reported (`review`), never followed; files of an
//! extension without a reader are sniffed (a known format or text is read, anything else is
//! `review`); nothing is skipped silently. The progress bar is drawn only when stderr is a
//! terminal; a summary line always goes to stderr. Document text is never printed.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use crate::extract::ExtractError;
use crate::fingerprint::FingerprintIndex;
use crate::isolate::Isolation;
use crate::marking::MarkingSpec;
use crate::report;
use crate::verdict::{FileVerdict, Scanner, Verdict, scan_bytes, unreadable};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
}

/// Kiểm tra tệp trước khi gửi ra ngoài (scan files for state-secret markings and copied passages).
#[derive(Debug, Clone, clap::Args)]
pub struct ScanArgs {
    /// Files or folders to scan (folders are walked recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Extraction timeout per file, in seconds.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// Parse files in this process instead of the isolated child (trusted input only).
    #[arg(long, hide = true)]
    pub in_process: bool,
    /// Extraction workers (files read in parallel); default: one per core
    /// (`BMNN_SCAN_WORKERS`).
    #[arg(long, value_parser = clap::builder::ValueParser::new(workers_arg))]
    pub workers: Option<usize>,
}

fn workers_arg(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=64).contains(&n) => Ok(n),
        _ => Err("số tiến trình trích xuất phải từ 1 đến 64".into()),
    }
}

/// Extensions read by their own reader; a file with any other extension is sniffed
/// ([`sniff_unknown`]): read when its content is a known format or text, otherwise `review`.
const EXTENSIONS: &[&str] = &[
    "docx", "docm", "doc", "pdf", "html", "htm", "txt", "zip", "rtf", "xls", "xlsx", "ppt", "pptx",
    "odt", "ods", "odp", "eml", "msg", "mht", "mhtml", "7z", "rar", "gz", "png", "jpg", "jpeg",
    "gif", "bmp", "tif", "tiff",
];

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Regular files to scan.
    pub files: Vec<PathBuf>,
    /// Entries not scanned, with the reason: symbolic links (never followed), special files,
    /// folders that could not be listed. Each is reported as `review`, never skipped silently.
    pub unscanned: Vec<(PathBuf, String)>,
    /// Paths given on the command line that do not exist.
    pub missing: Vec<PathBuf>,
}

/// Walks `paths`: folders recursively, symbolic links inside folders reported and not followed.
pub fn walk(paths: &[PathBuf]) -> Walk {
    let mut w = Walk::default();
    for p in paths {
        if p.is_file() {
            w.files.push(p.clone());
        } else if p.is_dir() {
            let mut stack = vec![p.clone()];
            while let Some(d) = stack.pop() {
                let rd = match std::fs::read_dir(&d) {
                    Ok(rd) => rd,
                    Err(e) => {
                        w.unscanned
                            .push((d.clone(), format!("không liệt kê được thư mục ({e})")));
                        continue;
                    }
                };
                let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
                entries.sort();
                // Depth first, in name order.
                let mut dirs = Vec::new();
                for e in entries {
                    let meta = match std::fs::symlink_metadata(&e) {
                        Ok(m) => m,
                        Err(err) => {
                            w.unscanned
                                .push((e, format!("không đọc được thông tin tệp ({err})")));
                            continue;
                        }
                    };
                    let ft = meta.file_type();
                    if ft.is_symlink() {
                        let target = std::fs::read_link(&e)
                            .map(|t| t.display().to_string())
                            .unwrap_or_default();
                        w.unscanned.push((
                            e,
                            format!(
                                "liên kết tượng trưng tới «{target}»: không được theo; hãy kiểm tra trực tiếp tệp đích"
                            ),
                        ));
                    } else if ft.is_dir() {
                        dirs.push(e);
                    } else if ft.is_file() {
                        w.files.push(e);
                    } else {
                        w.unscanned.push((
                            e,
                            "không phải tệp thông thường (thiết bị, ống dẫn hoặc socket)".into(),
                        ));
                    }
                }
                stack.extend(dirs.into_iter().rev());
            }
        } else {
            w.missing.push(p.clone());
        }
    }
    w
}

/// Collect files under `paths`; returns (files, paths that do not exist). Symbolic links and
/// special files are left out here: [`walk`] reports them.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let w = walk(paths);
    (w.files, w.missing)
}

/// A file whose extension has no reader of its own: `None` when its content is a known format
/// or text (then it is scanned as such), otherwise why it gets `review`.
pub fn sniff_unknown(path: &Path, bytes: &[u8]) -> Option<String> {
    let ext = path
        .extension()
        .and_then(|x| x.to_str())
        .map(|x| x.to_ascii_lowercase());
    if ext.as_deref().is_some_and(|x| EXTENSIONS.contains(&x)) {
        return None;
    }
    match crate::extract::sniff(bytes, "") {
        crate::extract::Format::Txt if !looks_textual(bytes) => Some(
            "định dạng tệp không nhận ra được (không phải văn bản hay định dạng văn phòng đã biết); cần kiểm tra thủ công".into(),
        ),
        _ => None,
    }
}

/// Text: no NUL byte and few control characters in the first 64 KiB.
fn looks_textual(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if head.contains(&0) {
        return false;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    controls * 100 <= head.len()
}

/// The verdict of an entry that was not scanned (symbolic link, special file, unlisted folder).
pub fn not_scanned(path: &Path, reason: &str) -> FileVerdict {
    use crate::verdict::{Finding, FindingKind, Severity};
    FileVerdict {
        file: path.display().to_string(),
        format: String::new(),
        verdict: Verdict::Review,
        level: None,
        findings: vec![Finding {
            kind: FindingKind::Unreadable,
            severity: Severity::Review,
            location: None,
            evidence: None,
            reason: format!("Không kiểm tra: {reason}"),
            marking: None,
            confidence: None,
            copy: None,
        }],
    }
}

/// Scans one file (read capped, sniffed when its extension is unknown).
fn scan_one(f: &Path, scanner: &Scanner) -> FileVerdict {
    let name = f.display().to_string();
    match read_capped(f, scanner.limits.max_input) {
        Ok(bytes) => match sniff_unknown(f, &bytes) {
            Some(why) => not_scanned(f, &why),
            None => scan_bytes(&name, &bytes, scanner),
        },
        Err(e) => unreadable(&name, &e),
    }
}

/// Scans `files` on `threads` threads (each waits on the scanner's isolated workers), calling
/// `progress(done, total, path)` after each file; results in the order of `files`.
pub fn scan_files(
    files: &[PathBuf],
    scanner: &Scanner,
    threads: usize,
    progress: impl FnMut(usize, usize, &Path) + Send,
) -> Vec<FileVerdict> {
    let total = files.len();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<FileVerdict>>> =
        files.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let progress = std::sync::Mutex::new((0usize, progress));
    std::thread::scope(|sc| {
        for _ in 0..threads.clamp(1, total.max(1)) {
            sc.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(f) = files.get(i) else { return };
                    let v = scan_one(f, scanner);
                    *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(v);
                    let mut p = progress.lock().unwrap_or_else(|e| e.into_inner());
                    p.0 += 1;
                    let done = p.0;
                    (p.1)(done, total, f);
                }
            });
        }
    });
    slots
        .into_iter()
        .zip(files)
        .map(|(s, f)| {
            s.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or_else(|| {
                    unreadable(
                        &f.display().to_string(),
                        &ExtractError::Crashed("luồng kiểm tra dừng bất thường".into()),
                    )
                })
        })
        .collect()
}

/// Scan files and folders, calling `progress(done, total, path)` after each file. Results:
/// missing paths, then files in walk order, then entries not scanned (links, special files).
pub fn scan_paths(
    paths: &[PathBuf],
    scanner: &Scanner,
    progress: impl FnMut(usize, usize, &Path) + Send,
) -> Vec<FileVerdict> {
    let w = walk(paths);
    let threads = scanner
        .isolation
        .as_ref()
        .and_then(|i| i.pool.as_ref())
        .map(|p| p.size())
        .unwrap_or(1);
    let mut out = Vec::with_capacity(w.files.len() + w.missing.len() + w.unscanned.len());
    for m in &w.missing {
        out.push(unreadable(
            &m.display().to_string(),
            &ExtractError::Io("không tìm thấy đường dẫn".into()),
        ));
    }
    out.extend(scan_files(&w.files, scanner, threads, progress));
    out.extend(w.unscanned.iter().map(|(p, why)| not_scanned(p, why)));
    out
}

fn read_capped(path: &Path, cap: usize) -> Result<Vec<u8>, ExtractError> {
    let f = std::fs::File::open(path).map_err(|e| ExtractError::Io(e.to_string()))?;
    let mut buf = Vec::new();
    f.take(cap as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ExtractError::Io(e.to_string()))?;
    if buf.len() > cap {
        return Err(ExtractError::Limit(format!("tệp lớn hơn {} MB", cap >> 20)));
    }
    Ok(buf)
}

/// Run `bmnn scan`; returns the process exit code.
pub fn run_cli(
    args: ScanArgs,
    markings: Vec<MarkingSpec>,
    index: Option<&FingerprintIndex>,
) -> i32 {
    run_cli_with(args, markings, index, &mut |_, _| {})
}

/// As [`run_cli`], calling `on_result` with each scanned file and its verdict (the application
/// logs every scan in its audit chain).
pub fn run_cli_with(
    args: ScanArgs,
    markings: Vec<MarkingSpec>,
    index: Option<&FingerprintIndex>,
    on_result: &mut dyn FnMut(&Path, &FileVerdict),
) -> i32 {
    let mut scanner = Scanner::new(&markings);
    if let Some(ix) = index {
        scanner = scanner.with_index(ix);
    }
    let workers = args
        .workers
        .unwrap_or_else(crate::isolate::default_workers)
        .max(1);
    if !args.in_process {
        match Isolation::current_exe() {
            Ok(mut iso) => {
                iso.timeout = std::time::Duration::from_secs(args.timeout.max(1));
                scanner = scanner.with_isolation(iso.pooled(workers));
            }
            Err(e) => {
                eprintln!("Lỗi: không xác định được chương trình để trích xuất cô lập: {e}");
                return 2;
            }
        }
    }
    let w = walk(&args.paths);
    let terminal = std::io::stderr().is_terminal();
    let bar = terminal.then(|| {
        let b = indicatif::ProgressBar::new(w.files.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} tệp ({per_sec}) {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let started = std::time::Instant::now();
    let scanned = scan_files(&w.files, &scanner, workers, |done, _total, _| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for (f, v) in w.files.iter().zip(scanned.iter()) {
        on_result(f, v);
    }
    let mut results: Vec<FileVerdict> = w
        .missing
        .iter()
        .map(|m| {
            unreadable(
                &m.display().to_string(),
                &ExtractError::Io("không tìm thấy đường dẫn".into()),
            )
        })
        .collect();
    results.extend(scanned);
    results.extend(w.unscanned.iter().map(|(p, why)| not_scanned(p, why)));
    // Whoever runs the command learns only that a file copies a registered document; which one
    // goes to the audit trail and the security officer (through `on_result`).
    results.iter_mut().for_each(crate::verdict::redact_copies);
    let text = match args.format {
        OutputFormat::Human => report::human(&results),
        OutputFormat::Json => report::json(&results),
        OutputFormat::Sarif => report::sarif(&results),
    };
    println!("{text}");
    for m in &w.missing {
        eprintln!("Lỗi: không tìm thấy {}", m.display());
    }
    let count = |v: Verdict| results.iter().filter(|r| r.verdict == v).count();
    eprintln!(
        "Đã kiểm tra {} tệp trong {:.1} giây ({} tiến trình trích xuất): {} bị chặn, {} cần xem xét, {} không phát hiện dấu hiệu; {} mục không kiểm tra (liên kết tượng trưng, tệp đặc biệt); {} đường dẫn không tìm thấy.",
        w.files.len(),
        started.elapsed().as_secs_f64(),
        if args.in_process { 0 } else { workers },
        count(Verdict::Block),
        count(Verdict::Review),
        count(Verdict::Pass),
        w.unscanned.len(),
        w.missing.len()
    );
    if !w.missing.is_empty() {
        2
    } else if results.iter().any(|r| r.verdict != Verdict::Pass) {
        1
    } else {
        0
    }
}
