//! The `bmnn scan PATH… [--format human|json|sarif]` face and the folder walker.
//!
//! Exit codes: 0 nothing found, 1 findings (block or review), 2 error (a path could not be read).
//! The progress bar is drawn only when stderr is a terminal. Document text is never printed.

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
}

/// Extensions picked up when walking folders (explicitly named files are always scanned).
const EXTENSIONS: &[&str] = &[
    "docx", "docm", "doc", "pdf", "html", "htm", "txt", "zip", "rtf", "xls", "xlsx", "ppt", "pptx",
    "odt", "ods", "odp", "eml", "msg", "mht", "mhtml", "7z", "rar", "gz", "png", "jpg", "jpeg",
    "gif", "bmp", "tif", "tiff",
];

/// Collect files under `paths`; returns (files, paths that do not exist).
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for p in paths {
        if p.is_file() {
            files.push(p.clone());
        } else if p.is_dir() {
            let mut stack = vec![p.clone()];
            while let Some(d) = stack.pop() {
                let Ok(rd) = std::fs::read_dir(&d) else {
                    continue;
                };
                let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
                entries.sort();
                for e in entries {
                    let Ok(meta) = std::fs::symlink_metadata(&e) else {
                        continue;
                    };
                    if meta.is_dir() {
                        stack.push(e);
                    } else if meta.is_file()
                        && e.extension()
                            .and_then(|x| x.to_str())
                            .is_some_and(|x| EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
                    {
                        files.push(e);
                    }
                }
            }
        } else {
            missing.push(p.clone());
        }
    }
    (files, missing)
}

/// Scan files and folders, calling `progress(done, total, path)` after each file.
pub fn scan_paths(
    paths: &[PathBuf],
    scanner: &Scanner,
    mut progress: impl FnMut(usize, usize, &Path),
) -> Vec<FileVerdict> {
    let (files, missing) = collect_files(paths);
    let total = files.len();
    let mut out = Vec::with_capacity(total + missing.len());
    for m in missing {
        out.push(unreadable(
            &m.display().to_string(),
            &ExtractError::Io("không tìm thấy đường dẫn".into()),
        ));
    }
    for (i, f) in files.iter().enumerate() {
        let name = f.display().to_string();
        let v = match read_capped(f, scanner.limits.max_input) {
            Ok(bytes) => scan_bytes(&name, &bytes, scanner),
            Err(e) => unreadable(&name, &e),
        };
        out.push(v);
        progress(i + 1, total, f);
    }
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
    if !args.in_process {
        match Isolation::current_exe() {
            Ok(mut iso) => {
                iso.timeout = std::time::Duration::from_secs(args.timeout.max(1));
                scanner = scanner.with_isolation(iso);
            }
            Err(e) => {
                eprintln!("Lỗi: không xác định được chương trình để trích xuất cô lập: {e}");
                return 2;
            }
        }
    }
    let (files, missing) = collect_files(&args.paths);
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} tệp {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let results = scan_paths(&args.paths, &scanner, |done, total, _| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for (f, v) in files.iter().zip(results.iter().skip(missing.len())) {
        on_result(f, v);
    }
    // Whoever runs the command learns only that a file copies a registered document; which one
    // goes to the audit trail and the security officer (through `on_result`).
    let mut results = results;
    results.iter_mut().for_each(crate::verdict::redact_copies);
    let text = match args.format {
        OutputFormat::Human => report::human(&results),
        OutputFormat::Json => report::json(&results),
        OutputFormat::Sarif => report::sarif(&results),
    };
    println!("{text}");
    for m in &missing {
        eprintln!("Lỗi: không tìm thấy {}", m.display());
    }
    if !missing.is_empty() {
        2
    } else if results.iter().any(|r| r.verdict != Verdict::Pass) {
        1
    } else {
        0
    }
}
