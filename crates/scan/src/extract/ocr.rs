//! OCR (nhận dạng chữ) through the external `tesseract` program with the `vie` language, for
//! embedded images and PDF pages without a text layer (`pdftoppm` renders the page). No OCR library
//! is linked. When tesseract or its `vie` data is missing, callers record
//! [`crate::model::ExtractNote::OcrUnavailable`] — the verdict then says OCR was not possible, never
//! "clean". `--psm 6` is used because the default page segmentation dropped the red stamp in the
//! research runs (scanner.md §6.4). The red-layer pass of §6.4 is not implemented yet.
//! Pictures and PDF pages go to `pdftoppm` and `tesseract` through pipes (standard input and
//! output), never through a file in a shared temporary folder.

use crate::model::{ExtractNote, Extracted, Part, Style, TextUnit};
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

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

/// Runs `cmd` with `input` on its standard input and returns its standard output when it
/// succeeds. Nothing is written to disk: pictures and PDFs travel through pipes only, so no
/// other process can read them from a temporary folder, and no symlink can redirect them.
fn run_piped(mut cmd: Command, input: &[u8]) -> Option<Vec<u8>> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let data = input.to_vec();
    // Write from another thread: a large picture fills the pipe before the program has
    // written its output, and the two would wait on each other.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().ok();
    let _ = writer.join();
    let out = out?;
    out.status.success().then_some(out.stdout)
}

/// OCR one image (through standard input); lines of text, or None when tesseract failed.
pub fn ocr_image(image: &[u8]) -> Option<Vec<String>> {
    let mut cmd = Command::new("tesseract");
    cmd.args(["stdin", "stdout", "-l", "vie", "--psm", "6"]);
    let out = run_piped(cmd, image)?;
    Some(
        String::from_utf8_lossy(&out)
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

/// Render one PDF page with pdftoppm (200 dpi; PDF in through standard input, PNG out through
/// standard output) and OCR it.
pub fn ocr_pdf_page(pdf: &[u8], page: u32) -> Option<Vec<String>> {
    let p = page.to_string();
    let mut cmd = Command::new("pdftoppm");
    cmd.args(["-f", &p, "-l", &p, "-r", "200", "-png", "-singlefile", "-"]);
    let png = run_piped(cmd, pdf)?;
    if png.is_empty() {
        return None;
    }
    ocr_image(&png)
}
