//! OCR (nhận dạng chữ) through the external `tesseract` program with the `vie` language, for
//! embedded images and PDF pages without a text layer (`pdftoppm` renders the page). No OCR library
//! is linked. When tesseract or its `vie` data is missing, callers record
//! [`crate::model::ExtractNote::OcrUnavailable`] — the verdict then says OCR was not possible, never
//! "clean". `--psm 6` is used because the default page segmentation dropped the red stamp in the
//! research runs (scanner.md §6.4). The red-layer pass of §6.4 is not implemented yet.

use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// True when `tesseract` is on PATH and lists the `vie` language.
pub fn available() -> bool {
    static A: OnceLock<bool> = OnceLock::new();
    *A.get_or_init(|| {
        Command::new("tesseract")
            .arg("--list-langs")
            .stdin(Stdio::null())
            .output()
            .map(|o| {
                let all = format!(
                    "{}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                );
                all.lines().any(|l| l.trim() == "vie")
            })
            .unwrap_or(false)
    })
}

/// True when `pdftoppm` (poppler-utils) can render PDF pages for OCR.
pub fn can_render_pdf() -> bool {
    static A: OnceLock<bool> = OnceLock::new();
    *A.get_or_init(|| {
        Command::new("pdftoppm")
            .arg("-v")
            .stdin(Stdio::null())
            .output()
            .is_ok()
    })
}

fn temp_path(ext: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("bmnn-ocr-{}-{n}.{ext}", std::process::id()))
}

/// OCR one image; lines of text, or None when tesseract failed.
pub fn ocr_image(image: &[u8]) -> Option<Vec<String>> {
    let path = temp_path("img");
    std::fs::write(&path, image).ok()?;
    let out = Command::new("tesseract")
        .arg(&path)
        .arg("stdout")
        .args(["-l", "vie", "--psm", "6"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    let _ = std::fs::remove_file(&path);
    let out = out.ok()?;
    if !out.status.success() {
        return None;
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

/// A picture uploaded on its own: OCR'd like an embedded image. When OCR is missing or cannot
/// read it (a corrupt file, dimensions leptonica refuses), the note says so and the verdict
/// asks for a manual check — a picture is never "clean" unread.
pub fn extract_image(bytes: &[u8]) -> Extracted {
    let mut out = Extracted::new("image");
    let lines = if available() { ocr_image(bytes) } else { None };
    match lines {
        Some(lines) => {
            for (i, line) in lines.into_iter().enumerate() {
                out.units.push(TextUnit {
                    part: Part::Ocr,
                    page: None,
                    index: i as u32,
                    group: 1_000_000,
                    text: line,
                    style: Style::default(),
                    source: "image".into(),
                });
            }
            out.notes.push(ExtractNote::OcrDone { images: 1 });
        }
        None => out.notes.push(ExtractNote::OcrUnavailable { images: 1 }),
    }
    out
}

/// Render one PDF page with pdftoppm (200 dpi) and OCR it.
pub fn ocr_pdf_page(pdf: &[u8], page: u32) -> Option<Vec<String>> {
    let input = temp_path("pdf");
    std::fs::write(&input, pdf).ok()?;
    let prefix = temp_path("page");
    let p = page.to_string();
    let ok = Command::new("pdftoppm")
        .args(["-f", &p, "-l", &p, "-r", "200", "-png", "-singlefile"])
        .arg(&input)
        .arg(&prefix)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let _ = std::fs::remove_file(&input);
    let png = prefix.with_extension("page.png");
    let png = if png.exists() {
        png
    } else {
        PathBuf::from(format!("{}.png", prefix.display()))
    };
    let result = if ok {
        std::fs::read(&png).ok().and_then(|b| ocr_image(&b))
    } else {
        None
    };
    let _ = std::fs::remove_file(&png);
    result
}
