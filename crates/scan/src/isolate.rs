//! Isolated extraction (trích xuất trong tiến trình con): untrusted files are parsed in a child
//! process with a wall-clock timeout, an address-space limit (`RLIMIT_AS`, set by the child on
//! itself through the `rlimit` crate, so this crate stays `#![forbid(unsafe_code)]`), a CPU-time
//! backstop (`RLIMIT_CPU`), no core dumps, and a cap on the JSON it may write back.
//! `catch_unwind` alone cannot stop infinite loops, stack overflows, aborts or OOM (stack.md §6).
//!
//! Protocol: the parent writes one JSON header line ([`ChildRequest`]) followed by the raw file
//! bytes to the child's stdin; the child answers with one JSON [`ChildResponse`] on stdout. The
//! product runs the child as `bmnn extract-child` (the main binary calls [`child_main`]); tests use
//! the `bmnn-scan-child` bin target of this crate.
//!
//! Guarantee: whatever the file does to the child, [`extract_isolated`] returns (within the timeout
//! plus process start-up) with either the extraction or an [`ExtractError`].

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use wait_timeout::ChildExt;

use crate::extract::{self, ExtractError, Limits};
use crate::model::Extracted;

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
}

impl Isolation {
    /// Defaults: 30 s, 1 GiB address space, 64 MiB of output.
    pub fn new(program: PathBuf, args: Vec<String>) -> Self {
        Isolation {
            program,
            args,
            timeout: Duration::from_secs(30),
            memory_limit: 1 << 30,
            output_cap: 64 << 20,
        }
    }

    /// The running executable in `extract-child` mode (for the `bmnn` binary).
    pub fn current_exe() -> std::io::Result<Self> {
        Ok(Self::new(
            std::env::current_exe()?,
            vec!["extract-child".into()],
        ))
    }
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
    Ok(Extracted),
    Err { kind: String, message: String },
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

/// Entry point of the extraction child: read a request on stdin, write JSON on stdout.
/// Returns the process exit code (0 answered, 2 bad request).
pub fn child_main() -> i32 {
    // Panics become an error answer; the default hook would print to stderr, which is discarded.
    std::panic::set_hook(Box::new(|_| {}));
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut header = String::new();
    if input
        .by_ref()
        .take(64 * 1024)
        .read_line(&mut header)
        .is_err()
    {
        return 2;
    }
    let Ok(req) = serde_json::from_str::<ChildRequest>(header.trim()) else {
        return 2;
    };
    limit_self(req.memory_limit, req.cpu_seconds);
    let limits = Limits::default();
    if req.len > limits.max_input {
        return answer(&ChildResponse::Err {
            kind: "limit".into(),
            message: "tệp quá lớn".into(),
        });
    }
    let mut bytes = Vec::with_capacity(req.len);
    if input.take(req.len as u64).read_to_end(&mut bytes).is_err() || bytes.len() != req.len {
        return 2;
    }
    let result = std::panic::catch_unwind(|| extract::extract(&bytes, &req.file_name, &limits));
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
    answer(&resp)
}

fn answer(resp: &ChildResponse) -> i32 {
    let out = std::io::stdout();
    let mut out = out.lock();
    if serde_json::to_writer(&mut out, resp).is_err() || out.flush().is_err() {
        return 2;
    }
    0
}

/// Apply resource limits to the current (child) process.
fn limit_self(memory: u64, cpu_seconds: u64) {
    #[cfg(unix)]
    {
        use rlimit::Resource;
        if memory > 0 {
            let _ = Resource::AS.set(memory, memory);
        }
        if cpu_seconds > 0 {
            let _ = Resource::CPU.set(cpu_seconds, cpu_seconds + 1);
        }
        let _ = Resource::CORE.set(0, 0);
    }
    #[cfg(not(unix))]
    {
        // Windows has no setrlimit; the wall-clock timeout and output cap still apply.
        let _ = (memory, cpu_seconds);
    }
}

/// Extract `bytes` in a child process under `iso`'s limits.
pub fn extract_isolated(
    bytes: &[u8],
    file_name: &str,
    iso: &Isolation,
) -> Result<Extracted, ExtractError> {
    let mut child = Command::new(&iso.program)
        .args(&iso.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| ExtractError::Io(format!("không chạy được tiến trình trích xuất: {e}")))?;
    let req = ChildRequest {
        file_name: file_name.to_owned(),
        len: bytes.len(),
        memory_limit: iso.memory_limit,
        cpu_seconds: iso.timeout.as_secs() + 1,
    };
    let mut header = serde_json::to_vec(&req).map_err(|e| ExtractError::Io(e.to_string()))?;
    header.push(b'\n');
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| ExtractError::Io("stdin".into()))?;
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| ExtractError::Io("stdout".into()))?;
    let payload = bytes.to_vec();
    // Writer and reader threads: a child that stops reading or floods its output cannot block us.
    let writer = std::thread::spawn(move || {
        let _ = stdin
            .write_all(&header)
            .and_then(|_| stdin.write_all(&payload));
    });
    let cap = iso.output_cap;
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 64 * 1024];
        let mut overflow = false;
        loop {
            match stdout.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if buf.len() + n > cap {
                        overflow = true; // keep draining so the child is not blocked
                    } else {
                        buf.extend_from_slice(&chunk[..n]);
                    }
                }
            }
        }
        (buf, overflow)
    });
    let status = match child.wait_timeout(iso.timeout) {
        Ok(Some(s)) => Some(s),
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(ExtractError::Io(e.to_string()));
        }
    };
    let _ = writer.join();
    let (out, overflow) = reader.join().unwrap_or_default();
    let Some(status) = status else {
        return Err(ExtractError::Timeout);
    };
    if overflow {
        return Err(ExtractError::OutputTooLarge);
    }
    match serde_json::from_slice::<ChildResponse>(&out) {
        Ok(ChildResponse::Ok(x)) => Ok(x),
        Ok(ChildResponse::Err { kind, message }) => Err(from_kind(&kind, message)),
        Err(_) => Err(ExtractError::Crashed(match status.code() {
            Some(c) => format!("mã thoát {c}"),
            None => "bị dừng bởi tín hiệu (có thể do vượt giới hạn bộ nhớ)".into(),
        })),
    }
}
