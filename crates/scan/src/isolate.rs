//! Isolated extraction (trích xuất trong tiến trình con): untrusted files are parsed in child
//! processes — a long-lived pool of workers ([`ExtractPool`]) in `serve` and `bmnn scan`, or one
//! child per file ([`extract_isolated`] without a pool) — each under a wall-clock timeout, an
//! address-space limit (`RLIMIT_AS`), a CPU-time backstop per file (`RLIMIT_CPU`), no core dumps,
//! few open files, a cap on the JSON it may write back and the sandbox of [`crate::sandbox`]
//! (clean environment, private temporary folder, Landlock, seccomp). `catch_unwind` alone cannot
//! stop infinite loops, stack overflows, aborts or OOM (stack.md §6).
//!
//! Protocol (framed, many files per worker): the parent writes one JSON header line
//! ([`ChildRequest`]) followed by the raw file bytes to the worker's stdin, for each file; the
//! worker writes frames on stdout, each an 8-byte big-endian length and one [`ChildResponse`]
//! (an extraction result in the compact binary form of [`encode_extracted`], anything else as
//! JSON): first `ready` (its [`SandboxReport`]), then one answer per request. The
//! product runs the worker as `bmnn extract-child` (the main binary calls [`child_main`]); tests
//! use the `bmnn-scan-child` bin target of this crate.
//!
//! Guarantee: whatever the file does to the worker, extraction returns (within the timeout plus
//! process start-up) with either the text or an [`ExtractError`]; a worker that timed out,
//! crashed or flooded its output is killed and replaced, and that file gets `review`.

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::extract::{self, ExtractError, Limits};
use crate::model::Extracted;
use crate::sandbox::{self, SandboxReport};

/// How to run the extraction child.
#[derive(Debug, Clone)]
pub struct Isolation {
    /// The program (`bmnn`, or the `bmnn-scan-child` test binary).
    pub program: PathBuf,
    /// Arguments that select the child mode (`["extract-child"]` for `bmnn`).
    pub args: Vec<String>,
    /// Wall-clock limit for one file.
    pub timeout: Duration,
    /// Address-space limit in bytes (RLIMIT_AS), 0 = none.
    pub memory_limit: u64,
    /// Maximum bytes of JSON accepted from the child.
    pub output_cap: usize,
    /// Long-lived workers ([`Isolation::pooled`]); `None`: one child per file.
    pub pool: Option<Arc<ExtractPool>>,
}

impl Isolation {
    /// Defaults: 30 s, 1 GiB address space, 64 MiB of output, one child per file.
    pub fn new(program: PathBuf, args: Vec<String>) -> Self {
        Isolation {
            program,
            args,
            timeout: Duration::from_secs(30),
            memory_limit: 1 << 30,
            output_cap: 64 << 20,
            pool: None,
        }
    }

    /// The running executable in `extract-child` mode (for the `bmnn` binary).
    pub fn current_exe() -> std::io::Result<Self> {
        Ok(Self::new(
            std::env::current_exe()?,
            vec!["extract-child".into()],
        ))
    }

    /// The same settings served by a pool of `workers` long-lived workers (started now).
    pub fn pooled(mut self, workers: usize) -> Self {
        self.pool = None;
        let pool = ExtractPool::start(self.clone(), workers);
        self.pool = Some(Arc::new(pool));
        self
    }
}

/// Number of workers when the administrator does not say (`BMNN_SCAN_WORKERS`): one per core.
pub fn default_workers() -> usize {
    std::env::var("BMNN_SCAN_WORKERS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| (1..=64).contains(n))
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        })
}

/// Header line sent to the child.
#[derive(Debug, Serialize, Deserialize)]
pub struct ChildRequest {
    pub file_name: String,
    pub len: usize,
    pub memory_limit: u64,
    pub cpu_seconds: u64,
}

/// The child's answer.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChildResponse {
    /// First frame of a worker: the sandbox it has in force.
    Ready(SandboxReport),
    Ok(Extracted),
    Err {
        kind: String,
        message: String,
    },
}

fn err_kind(e: &ExtractError) -> (&'static str, String) {
    match e {
        ExtractError::Corrupt(m) => ("corrupt", m.clone()),
        ExtractError::Limit(m) => ("limit", m.clone()),
        ExtractError::Encrypted => ("encrypted", String::new()),
        ExtractError::Unsupported(m) => ("unsupported", m.clone()),
        ExtractError::Timeout => ("timeout", String::new()),
        ExtractError::Crashed(m) => ("crashed", m.clone()),
        ExtractError::OutputTooLarge => ("output", String::new()),
        ExtractError::Io(m) => ("io", m.clone()),
    }
}

fn from_kind(kind: &str, message: String) -> ExtractError {
    match kind {
        "corrupt" => ExtractError::Corrupt(message),
        "limit" => ExtractError::Limit(message),
        "encrypted" => ExtractError::Encrypted,
        "unsupported" => ExtractError::Unsupported(message),
        "timeout" => ExtractError::Timeout,
        "output" => ExtractError::OutputTooLarge,
        "io" => ExtractError::Io(message),
        _ => ExtractError::Crashed(message),
    }
}

/// Entry point of the extraction worker (`bmnn extract-child`): sandbox itself, then answer
/// requests on stdin until it closes. Returns the process exit code (0 done, 2 bad request).
pub fn child_main() -> i32 {
    worker_main_with(&|bytes, name, limits| extract::extract(bytes, name, limits))
}

/// What a worker does with one file (the product extracts; the sandbox tests probe).
pub type Handler<'a> = &'a dyn Fn(&[u8], &str, &Limits) -> Result<Extracted, ExtractError>;

/// The worker loop around `handler`, under the sandbox: the same loop for the product and the
/// sandbox tests.
pub fn worker_main_with(handler: Handler) -> i32 {
    // Panics become an error answer; the default hook would print to stderr, which is discarded.
    std::panic::set_hook(Box::new(|_| {}));
    let private = std::env::var_os("TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let memory = std::env::var("BMNN_WORKER_MEMORY")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let report = sandbox::enter(&private, memory);
    if answer(&ChildResponse::Ready(report)) != 0 {
        return 2;
    }
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let limits = Limits::default();
    loop {
        let mut header = String::new();
        match input.by_ref().take(64 * 1024).read_line(&mut header) {
            Ok(0) => return 0,
            Ok(_) => {}
            Err(_) => return 2,
        }
        let Ok(req) = serde_json::from_str::<ChildRequest>(header.trim()) else {
            return 2;
        };
        if req.len > limits.max_input {
            return answer(&ChildResponse::Err {
                kind: "limit".into(),
                message: "tệp quá lớn".into(),
            });
        }
        let mut bytes = Vec::with_capacity(req.len);
        if input
            .by_ref()
            .take(req.len as u64)
            .read_to_end(&mut bytes)
            .is_err()
            || bytes.len() != req.len
        {
            return 2;
        }
        cpu_budget(req.cpu_seconds);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            handler(&bytes, &req.file_name, &limits)
        }));
        let resp = match result {
            Ok(Ok(x)) => ChildResponse::Ok(x),
            Ok(Err(e)) => {
                let (k, m) = err_kind(&e);
                ChildResponse::Err {
                    kind: k.into(),
                    message: m,
                }
            }
            Err(_) => ChildResponse::Err {
                kind: "crashed".into(),
                message: "trình phân tích gặp lỗi (panic)".into(),
            },
        };
        drop(bytes);
        if answer(&resp) != 0 {
            return 2;
        }
    }
}

/// One frame: 8-byte big-endian length, then the answer: an extraction result in the compact
/// binary form of [`encode_extracted`], anything else as JSON.
fn answer(resp: &ChildResponse) -> i32 {
    let json = match resp {
        ChildResponse::Ok(x) => encode_extracted(x),
        _ => match serde_json::to_vec(resp) {
            Ok(j) => j,
            Err(_) => return 2,
        },
    };
    let out = std::io::stdout();
    let mut out = out.lock();
    if out.write_all(&(json.len() as u64).to_be_bytes()).is_err()
        || out.write_all(&json).is_err()
        || out.flush().is_err()
    {
        return 2;
    }
    0
}

/// First byte of an extraction result in binary form (a JSON answer starts with `{` or `"`).
const BINARY_OK: u8 = b'B';
/// A unit whose source is the previous unit's (sources repeat: `word/document.xml`).
const SAME_SOURCE: u32 = u32::MAX;

/// The worker's answer with its text (the bulk of the traffic) in a compact binary form instead
/// of JSON: `B`, the format, the units (part, page, index, group, style bits, text, source —
/// or [`SAME_SOURCE`]), then the notes as JSON (rare and small). Integers little-endian, strings
/// as a `u32` length and UTF-8 bytes.
pub fn encode_extracted(x: &Extracted) -> Vec<u8> {
    let text: usize = x.units.iter().map(|u| u.text.len() + 24).sum();
    let mut out = Vec::with_capacity(text + x.format.len() + 64);
    out.push(BINARY_OK);
    let put_str = |out: &mut Vec<u8>, s: &str| {
        out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    };
    put_str(&mut out, &x.format);
    out.extend_from_slice(&(x.units.len() as u32).to_le_bytes());
    let mut prev: Option<&str> = None;
    for u in &x.units {
        out.push(part_code(u.part));
        out.extend_from_slice(&u.page.map_or(0, |p| p as u64 + 1).to_le_bytes());
        out.extend_from_slice(&u.index.to_le_bytes());
        out.extend_from_slice(&u.group.to_le_bytes());
        out.extend_from_slice(&style_bits(&u.style).to_le_bytes());
        put_str(&mut out, &u.text);
        if prev == Some(u.source.as_str()) {
            out.extend_from_slice(&SAME_SOURCE.to_le_bytes());
        } else {
            put_str(&mut out, &u.source);
            prev = Some(&u.source);
        }
    }
    let notes = serde_json::to_vec(&x.notes).unwrap_or_else(|_| b"[]".to_vec());
    out.extend_from_slice(&notes);
    out
}

/// Reads a worker's answer: binary ([`encode_extracted`]) or JSON. `None` on anything malformed
/// (the worker is then treated as broken); never panics on hostile bytes.
pub fn decode_answer(m: &[u8]) -> Option<ChildResponse> {
    if m.first() == Some(&BINARY_OK) {
        decode_extracted(&m[1..]).map(ChildResponse::Ok)
    } else {
        serde_json::from_slice(m).ok()
    }
}

fn decode_extracted(b: &[u8]) -> Option<Extracted> {
    use crate::model::TextUnit;
    let mut at = 0usize;
    let mut take = |n: usize| -> Option<&[u8]> {
        let s = b.get(at..at.checked_add(n)?)?;
        at += n;
        Some(s)
    };
    fn u32_of(s: &[u8]) -> Option<u32> {
        Some(u32::from_le_bytes(s.try_into().ok()?))
    }
    let len = u32_of(take(4)?)? as usize;
    let format = simdutf8::basic::from_utf8(take(len)?).ok()?.to_owned();
    let n = u32_of(take(4)?)? as usize;
    // Each unit takes at least 27 bytes (23 of fields, 4 of source): a count larger than the answer allows is a lie.
    let mut units: Vec<TextUnit> = Vec::with_capacity(n.min(b.len() / 27));
    for _ in 0..n {
        let part = part_of(take(1)?[0])?;
        let page = u64::from_le_bytes(take(8)?.try_into().ok()?);
        let page = match page {
            0 => None,
            p => Some(u32::try_from(p - 1).ok()?),
        };
        let index = u32_of(take(4)?)?;
        let group = u32_of(take(4)?)?;
        let style = style_of(u16::from_le_bytes(take(2)?.try_into().ok()?))?;
        let len = u32_of(take(4)?)? as usize;
        let text = simdutf8::basic::from_utf8(take(len)?).ok()?.to_owned();
        let len = u32_of(take(4)?)?;
        let source = if len == SAME_SOURCE {
            units.last()?.source.clone()
        } else {
            simdutf8::basic::from_utf8(take(len as usize)?)
                .ok()?
                .to_owned()
        };
        units.push(TextUnit {
            part,
            page,
            index,
            group,
            text,
            style,
            source,
        });
    }
    let notes = serde_json::from_slice(b.get(at..)?).ok()?;
    Some(Extracted {
        format,
        units,
        notes,
    })
}

fn part_code(p: crate::model::Part) -> u8 {
    use crate::model::Part as P;
    match p {
        P::Body => 0,
        P::Header => 1,
        P::Footer => 2,
        P::Note => 3,
        P::Comment => 4,
        P::Metadata => 5,
        P::Annotation => 6,
        P::Ocr => 7,
    }
}

fn part_of(c: u8) -> Option<crate::model::Part> {
    use crate::model::Part as P;
    Some(match c {
        0 => P::Body,
        1 => P::Header,
        2 => P::Footer,
        3 => P::Note,
        4 => P::Comment,
        5 => P::Metadata,
        6 => P::Annotation,
        7 => P::Ocr,
        _ => return None,
    })
}

fn style_bits(s: &crate::model::Style) -> u16 {
    [
        s.bold, s.red, s.boxed, s.table, s.hidden, s.deleted, s.legacy, s.revision, s.orphan,
    ]
    .iter()
    .enumerate()
    .fold(0, |acc, (i, &on)| acc | (u16::from(on) << i))
}

fn style_of(bits: u16) -> Option<crate::model::Style> {
    if bits >> 9 != 0 {
        return None;
    }
    let on = |i: u32| bits & (1 << i) != 0;
    Some(crate::model::Style {
        bold: on(0),
        red: on(1),
        boxed: on(2),
        table: on(3),
        hidden: on(4),
        deleted: on(5),
        legacy: on(6),
        revision: on(7),
        orphan: on(8),
    })
}

/// CPU seconds this process has used so far (Linux: `/proc/self/stat`, clock ticks of 1/100 s).
fn cpu_used() -> u64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0;
    };
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    (ticks(11) + ticks(12)) / 100
}

/// A long-lived worker gets `seconds` more CPU time for this file (RLIMIT_CPU soft limit above
/// what it has used; past it the kernel stops it and the parent answers `review`).
fn cpu_budget(seconds: u64) {
    #[cfg(unix)]
    if seconds > 0 {
        use rlimit::Resource;
        let hard = Resource::CPU.get().map(|(_, h)| h).unwrap_or(u64::MAX);
        let soft = (cpu_used() + seconds).min(hard);
        let _ = Resource::CPU.set(soft, hard);
    }
    #[cfg(not(unix))]
    let _ = seconds;
}

/// Extract `bytes` in a child process under `iso`'s limits: through its pool when it has one,
/// otherwise in a child started for this file alone.
pub fn extract_isolated(
    bytes: &[u8],
    file_name: &str,
    iso: &Isolation,
) -> Result<Extracted, ExtractError> {
    if let Some(pool) = &iso.pool {
        return pool.extract(bytes, file_name);
    }
    let mut w = Worker::spawn(iso)?;
    w.close_after_next = true;
    let (r, _) = w.job(bytes, file_name, iso);
    r
}

/// What the reader thread hands the parent.
enum Frame {
    Msg(Vec<u8>),
    TooLarge,
    Eof,
}

/// A running worker: its process, a writer thread (a worker that stops reading cannot block the
/// parent) and a reader thread (frames, capped).
struct Worker {
    child: Child,
    tx: Option<Sender<Vec<u8>>>,
    rx: Receiver<Frame>,
    dir: PathBuf,
    jobs: u32,
    close_after_next: bool,
    report: Option<SandboxReport>,
}

static WORKER_SEQ: AtomicU64 = AtomicU64::new(0);

/// The folders of workers whose process is gone are removed once per process, before its
/// first worker starts. A worker's folder is removed when the worker is dropped, but a parent
/// that ends without dropping its pool (a server stopped by a signal, a test process) left them
/// behind: one empty 0700 folder per worker, which piled up in the temporary folder.
static SWEPT: std::sync::Once = std::sync::Once::new();

/// Removes `bmnn-worker-PID-…` folders in `base` whose PID is not a running process, owned by
/// this user, never following a symlink. Linux only (`/proc`); elsewhere nothing is removed.
/// Returns how many were removed.
#[doc(hidden)]
pub fn sweep_stale_worker_dirs(base: &std::path::Path) -> usize {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(entries) = std::fs::read_dir(base) else {
            return 0;
        };
        // This process's user: the owner of /proc/self.
        let Ok(me) = std::fs::metadata("/proc/self").map(|m| m.uid()) else {
            return 0;
        };
        let mut removed = 0;
        for e in entries.flatten() {
            let name = e.file_name();
            let Some(pid) = name
                .to_str()
                .and_then(|n| n.strip_prefix("bmnn-worker-"))
                .and_then(|rest| rest.split('-').next())
                .and_then(|pid| pid.parse::<u32>().ok())
            else {
                continue;
            };
            if pid == std::process::id() || std::path::Path::new(&format!("/proc/{pid}")).exists() {
                continue;
            }
            let path = e.path();
            let ours = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir() && m.uid() == me);
            if ours && std::fs::remove_dir_all(&path).is_ok() {
                removed += 1;
            }
        }
        removed
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = base;
        0
    }
}

/// A new private folder (0700, created exclusively, unpredictable enough: pid, counter, clock).
fn private_dir() -> std::io::Result<PathBuf> {
    let base = std::env::temp_dir();
    SWEPT.call_once(|| {
        sweep_stale_worker_dirs(&base);
    });
    for _ in 0..16 {
        let n = WORKER_SEQ.fetch_add(1, Ordering::Relaxed);
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p = base.join(format!("bmnn-worker-{}-{n}-{t:x}", std::process::id()));
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        match b.create(&p) {
            Ok(()) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no private folder"))
}

/// `PATH` of the workers: system folders only (the OCR programs live there).
const WORKER_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

fn write_stdin(mut stdin: ChildStdin, rx: Receiver<Vec<u8>>) {
    for buf in rx {
        if stdin.write_all(&buf).and_then(|_| stdin.flush()).is_err() {
            break;
        }
    }
}

fn read_frames(mut stdout: impl Read, cap: usize, tx: Sender<Frame>) {
    loop {
        let mut len = [0u8; 8];
        if stdout.read_exact(&mut len).is_err() {
            let _ = tx.send(Frame::Eof);
            return;
        }
        let len = u64::from_be_bytes(len);
        if len > cap as u64 {
            let _ = tx.send(Frame::TooLarge);
            return;
        }
        let mut buf = vec![0u8; len as usize];
        if stdout.read_exact(&mut buf).is_err() {
            let _ = tx.send(Frame::Eof);
            return;
        }
        if tx.send(Frame::Msg(buf)).is_err() {
            return;
        }
    }
}

impl Worker {
    fn spawn(iso: &Isolation) -> Result<Worker, ExtractError> {
        let dir = private_dir()
            .map_err(|e| ExtractError::Io(format!("không tạo được thư mục tạm riêng: {e}")))?;
        let spawned = Command::new(&iso.program)
            .args(&iso.args)
            .env_clear()
            .env("PATH", WORKER_PATH)
            .env("HOME", &dir)
            .env("TMPDIR", &dir)
            .env("LANG", "C.UTF-8")
            .env("BMNN_WORKER_MEMORY", iso.memory_limit.to_string())
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match spawned {
            Ok(c) => c,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(ExtractError::Io(format!(
                    "không chạy được tiến trình trích xuất: {e}"
                )));
            }
        };
        let (stdin, stdout) = match (child.stdin.take(), child.stdout.take()) {
            (Some(i), Some(o)) => (i, o),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = std::fs::remove_dir_all(&dir);
                return Err(ExtractError::Io("stdin/stdout".into()));
            }
        };
        let (tx, wrx) = channel::<Vec<u8>>();
        std::thread::spawn(move || write_stdin(stdin, wrx));
        let (ftx, rx) = channel::<Frame>();
        let cap = iso.output_cap;
        std::thread::spawn(move || read_frames(stdout, cap, ftx));
        Ok(Worker {
            child,
            tx: Some(tx),
            rx,
            dir,
            jobs: 0,
            close_after_next: false,
            report: None,
        })
    }

    /// Runs one file; returns the answer and whether the worker may take another file.
    fn job(
        &mut self,
        bytes: &[u8],
        file_name: &str,
        iso: &Isolation,
    ) -> (Result<Extracted, ExtractError>, bool) {
        self.jobs += 1;
        let req = ChildRequest {
            file_name: file_name.to_owned(),
            len: bytes.len(),
            memory_limit: iso.memory_limit,
            cpu_seconds: iso.timeout.as_secs() + 1,
        };
        let Ok(mut buf) = serde_json::to_vec(&req) else {
            return (Err(ExtractError::Io("request".into())), false);
        };
        buf.push(b'\n');
        buf.extend_from_slice(bytes);
        let sent = self.tx.as_ref().is_some_and(|tx| tx.send(buf).is_ok());
        if self.close_after_next {
            // One child per file: end of input once the file is written.
            self.tx = None;
        }
        if !sent {
            return (Err(self.crashed()), false);
        }
        let deadline = Instant::now() + iso.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(Frame::Msg(m)) => match decode_answer(&m) {
                    Some(ChildResponse::Ready(r)) => self.report = Some(r),
                    Some(ChildResponse::Ok(x)) => return (Ok(x), true),
                    Some(ChildResponse::Err { kind, message }) => {
                        return (Err(from_kind(&kind, message)), true);
                    }
                    None => return (Err(self.crashed()), false),
                },
                Ok(Frame::TooLarge) => {
                    self.kill();
                    return (Err(ExtractError::OutputTooLarge), false);
                }
                Ok(Frame::Eof) | Err(RecvTimeoutError::Disconnected) => {
                    return (Err(self.crashed()), false);
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.kill();
                    return (Err(ExtractError::Timeout), false);
                }
            }
        }
    }

    /// The worker died or broke the protocol: why, as far as the exit status tells.
    fn crashed(&mut self) -> ExtractError {
        use wait_timeout::ChildExt;
        let status = match self.child.wait_timeout(Duration::from_secs(2)) {
            Ok(Some(s)) => Some(s),
            _ => {
                self.kill();
                None
            }
        };
        ExtractError::Crashed(match status.and_then(|s| s.code()) {
            Some(c) => format!("mã thoát {c}"),
            None => "bị dừng bởi tín hiệu (có thể do vượt giới hạn bộ nhớ hoặc thời gian)".into(),
        })
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.tx = None;
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A worker serves at most this many files, then is replaced (memory fragmentation, leaks).
const MAX_JOBS_PER_WORKER: u32 = 500;

struct PoolState {
    idle: Vec<Worker>,
    /// Workers alive (idle or busy).
    live: usize,
}

/// Counters of a pool (for `doctor` and the tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Workers started since the pool began.
    pub started: u64,
    /// Workers killed (timeout, crash, output flood) or retired.
    pub replaced: u64,
    /// Files extracted (answers and errors).
    pub jobs: u64,
}

/// A pool of long-lived extraction workers: at most `size` at once; a caller waits for a free
/// worker. Workers are started at creation and replaced when one is killed.
pub struct ExtractPool {
    iso: Isolation,
    size: usize,
    state: Mutex<PoolState>,
    free: Condvar,
    started: AtomicU64,
    replaced: AtomicU64,
    jobs: AtomicU64,
    report: Mutex<Option<SandboxReport>>,
}

impl std::fmt::Debug for ExtractPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtractPool")
            .field("program", &self.iso.program)
            .field("size", &self.size)
            .field("stats", &self.stats())
            .finish()
    }
}

impl ExtractPool {
    /// Starts `size` workers (at least one) running `iso`'s program. A worker that cannot be
    /// started now is tried again on the first file (which gets `review` if it still fails).
    pub fn start(mut iso: Isolation, size: usize) -> ExtractPool {
        iso.pool = None;
        let size = size.max(1);
        let pool = ExtractPool {
            iso,
            size,
            state: Mutex::new(PoolState {
                idle: Vec::new(),
                live: 0,
            }),
            free: Condvar::new(),
            started: AtomicU64::new(0),
            replaced: AtomicU64::new(0),
            jobs: AtomicU64::new(0),
            report: Mutex::new(None),
        };
        for _ in 0..size {
            if let Ok(w) = pool.spawn() {
                let mut st = pool.state.lock().unwrap_or_else(|e| e.into_inner());
                st.live += 1;
                st.idle.push(w);
            }
        }
        pool
    }

    /// Number of workers.
    pub fn size(&self) -> usize {
        self.size
    }

    pub fn stats(&self) -> PoolStats {
        PoolStats {
            started: self.started.load(Ordering::Relaxed),
            replaced: self.replaced.load(Ordering::Relaxed),
            jobs: self.jobs.load(Ordering::Relaxed),
        }
    }

    /// The sandbox the workers reported (after their first file; [`Self::probe_sandbox`] waits
    /// for it).
    pub fn sandbox(&self) -> Option<SandboxReport> {
        self.report
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Starts a worker of this pool's kind and returns the sandbox it reports (for `doctor`).
    pub fn probe_sandbox(iso: &Isolation) -> Result<SandboxReport, ExtractError> {
        let mut iso = iso.clone();
        iso.pool = None;
        let mut w = Worker::spawn(&iso)?;
        let wait = iso.timeout.min(Duration::from_secs(10));
        match w.rx.recv_timeout(wait) {
            Ok(Frame::Msg(m)) => match serde_json::from_slice(&m) {
                Ok(ChildResponse::Ready(r)) => Ok(r),
                _ => Err(ExtractError::Crashed("giao thức".into())),
            },
            Ok(Frame::TooLarge) => Err(ExtractError::OutputTooLarge),
            Ok(Frame::Eof) | Err(RecvTimeoutError::Disconnected) => Err(w.crashed()),
            Err(RecvTimeoutError::Timeout) => Err(ExtractError::Timeout),
        }
    }

    fn spawn(&self) -> Result<Worker, ExtractError> {
        let w = Worker::spawn(&self.iso)?;
        self.started.fetch_add(1, Ordering::Relaxed);
        Ok(w)
    }

    /// Extracts one file on a free worker (waiting for one when all are busy).
    pub fn extract(&self, bytes: &[u8], file_name: &str) -> Result<Extracted, ExtractError> {
        let mut w = {
            let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(w) = st.idle.pop() {
                    break w;
                }
                if st.live < self.size {
                    st.live += 1;
                    drop(st);
                    match self.spawn() {
                        Ok(w) => break w,
                        Err(e) => {
                            let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
                            st.live -= 1;
                            self.free.notify_one();
                            return Err(e);
                        }
                    }
                }
                st = self.free.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        };
        let (result, reusable) = w.job(bytes, file_name, &self.iso);
        self.jobs.fetch_add(1, Ordering::Relaxed);
        if let Some(r) = w.report.take() {
            *self.report.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
        }
        let keep = reusable && w.jobs < MAX_JOBS_PER_WORKER;
        let next = if keep {
            Some(w)
        } else {
            drop(w);
            self.replaced.fetch_add(1, Ordering::Relaxed);
            // Replace it now, so the next file does not pay the start-up.
            self.spawn().ok()
        };
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match next {
            Some(w) => st.idle.push(w),
            None => st.live -= 1,
        }
        self.free.notify_one();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ExtractNote, Part, Style, TextUnit};

    fn sample() -> Extracted {
        let unit = |part, page, text: &str, source: &str, style| TextUnit {
            part,
            page,
            index: 7,
            group: 3,
            text: text.into(),
            style,
            source: source.into(),
        };
        Extracted {
            format: "docx".into(),
            units: vec![
                unit(
                    Part::Header,
                    None,
                    "TỐI MẬT",
                    "word/header1.xml",
                    Style::default(),
                ),
                unit(
                    Part::Body,
                    Some(0),
                    "Đoạn một",
                    "word/document.xml",
                    Style {
                        bold: true,
                        orphan: true,
                        ..Style::default()
                    },
                ),
                unit(
                    Part::Ocr,
                    Some(u32::MAX),
                    "",
                    "word/document.xml",
                    Style::default(),
                ),
            ],
            notes: vec![
                ExtractNote::OcrUnavailable { images: 2 },
                ExtractNote::Skipped {
                    what: "mục «a» trong tệp nén".into(),
                },
            ],
        }
    }

    #[test]
    fn binary_answer_round_trips_and_json_answers_still_read() {
        let x = sample();
        let bytes = encode_extracted(&x);
        match decode_answer(&bytes) {
            Some(ChildResponse::Ok(y)) => assert_eq!(x, y),
            _ => panic!("binary answer not read back"),
        }
        let err = serde_json::to_vec(&ChildResponse::Err {
            kind: "limit".into(),
            message: "tệp quá lớn".into(),
        })
        .expect("json");
        assert!(matches!(
            decode_answer(&err),
            Some(ChildResponse::Err { kind, .. }) if kind == "limit"
        ));
    }

    #[test]
    fn malformed_binary_answers_are_refused_without_panic() {
        let bytes = encode_extracted(&sample());
        // Every truncation is refused (the notes' JSON closes the answer).
        for n in 0..bytes.len() {
            assert!(decode_answer(&bytes[..n]).is_none(), "truncated at {n}");
        }
        // A unit count larger than the answer, an unknown part, unknown style bits, a first
        // unit that claims the previous unit's source, text that is not UTF-8.
        let mut big = bytes.clone();
        big[9..13].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode_answer(&big).is_none());
        let mut part = bytes.clone();
        part[13] = 9;
        assert!(decode_answer(&part).is_none());
        let mut style = bytes.clone();
        style[31] = 0xFF;
        assert!(decode_answer(&style).is_none());
        let one = Extracted {
            units: vec![sample().units[0].clone()],
            ..sample()
        };
        let mut same = encode_extracted(&one);
        let at = 13 + 23 + "TỐI MẬT".len();
        same[at..at + 4].copy_from_slice(&SAME_SOURCE.to_le_bytes());
        assert!(decode_answer(&same).is_none());
        let mut utf = bytes.clone();
        utf[13 + 23] = 0xFF;
        assert!(decode_answer(&utf).is_none());
    }
}
