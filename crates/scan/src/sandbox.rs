//! The extraction worker's sandbox (hộp cách ly của tiến trình trích xuất), issue 16 point 6.
//!
//! The parent ([`crate::isolate`]) starts every worker with a clean environment (only `PATH`,
//! `HOME`/`TMPDIR` pointing at the worker's private 0700 folder and `LANG`: never
//! `BMNN_PASSPHRASE` or any other inherited variable) and that folder as its working directory.
//! The worker then closes itself in, before it reads any file:
//! - resource limits: address space, no core dumps, few open files (CPU time per file is set by
//!   the worker loop), and a lower CPU priority (nice 10) so that pages and logins come first
//!   when the cores are busy extracting;
//! - Landlock (Linux ≥ 5.13; TCP from 6.7): read and execute anywhere, write only in its private
//!   folder (and `/dev/null`), no TCP bind or connect;
//! - seccomp: `socket()` of any family but Unix fails with `EACCES` (no network even where
//!   Landlock has no network rules), and ptrace, BPF, mount, namespaces, keyrings, io_uring and
//!   perf events are refused.
//!
//! Each layer is best effort: a kernel without it leaves the others in force, and
//! [`SandboxReport`] says which ones hold (the pool keeps the last report, `bmnn doctor` prints
//! it). Both are inherited by what the worker runs (the `tesseract` OCR program).

use serde::{Deserialize, Serialize};
use std::path::Path;

/// Which protections a worker has in force (kept by the pool, shown by `bmnn doctor`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxReport {
    /// The environment holds nothing but the variables the parent set.
    pub clean_env: bool,
    /// Address space, core dumps and open files limited.
    pub rlimits: bool,
    /// Landlock on the file system: "full", "partial" or "none".
    pub landlock_fs: String,
    /// Landlock forbids TCP bind and connect (kernel ≥ 6.7).
    pub landlock_net: bool,
    /// The seccomp filter is loaded.
    pub seccomp: bool,
    /// The worker runs at a lower CPU priority (nice 10): pages and logins come first.
    #[serde(default)]
    pub low_priority: bool,
    /// Why a layer is missing (developer text for the log and doctor's detail line).
    pub notes: Vec<String>,
}

impl SandboxReport {
    /// One Vietnamese line for `bmnn doctor`.
    pub fn summary_vi(&self) -> String {
        let on = |b: bool| if b { "có" } else { "không" };
        let ll = match self.landlock_fs.as_str() {
            "full" => "đầy đủ",
            "partial" => "một phần",
            _ => "không có (nhân Linux không hỗ trợ hoặc đã tắt)",
        };
        format!(
            "môi trường sạch: {}; giới hạn tài nguyên: {}; ưu tiên CPU thấp: {}; Landlock (chỉ ghi vào thư mục tạm riêng): {}; \
             Landlock chặn kết nối TCP: {}; seccomp (chặn mạng và lệnh hệ thống nguy hiểm): {}",
            on(self.clean_env),
            on(self.rlimits),
            on(self.low_priority),
            ll,
            on(self.landlock_net),
            on(self.seccomp)
        )
    }

    /// True when no write outside the private folder and no network are enforced by the kernel.
    pub fn confined(&self) -> bool {
        self.landlock_fs == "full" && self.seccomp
    }
}

/// Variables the parent sets; anything else in the worker's environment was inherited.
pub const WORKER_ENV: &[&str] = &["PATH", "HOME", "TMPDIR", "LANG", "BMNN_WORKER_MEMORY"];

/// Closes the current process in (call once, first thing in the worker).
pub fn enter(private_dir: &Path, memory_limit: u64) -> SandboxReport {
    let mut r = SandboxReport {
        clean_env: std::env::vars_os()
            .all(|(k, _)| k.to_str().is_some_and(|k| WORKER_ENV.contains(&k))),
        landlock_fs: "none".into(),
        ..SandboxReport::default()
    };
    r.rlimits = limits(memory_limit);
    #[cfg(target_os = "linux")]
    {
        r.low_priority = rustix::process::nice(10).is_ok();
        linux::landlock(private_dir, &mut r);
        linux::seccomp(&mut r);
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = private_dir;
        r.notes
            .push("Landlock and seccomp exist only on Linux".into());
    }
    r
}

fn limits(memory: u64) -> bool {
    #[cfg(unix)]
    {
        use rlimit::Resource;
        let mut ok = Resource::CORE.set(0, 0).is_ok();
        if memory > 0 {
            ok &= Resource::AS.set(memory, memory).is_ok();
        }
        // Enough for the parsers and the OCR program's pipes; nothing to open many files with.
        ok &= Resource::NOFILE.set(128, 128).is_ok();
        ok
    }
    #[cfg(not(unix))]
    {
        let _ = memory;
        false
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use super::SandboxReport;
    use std::collections::BTreeMap;
    use std::path::Path;

    pub fn landlock(private_dir: &Path, r: &mut SandboxReport) {
        use landlock::{
            ABI, Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetCreatedAttr,
            RulesetStatus, path_beneath_rules,
        };
        let abi = ABI::V5;
        let res = (|| -> Result<landlock::RestrictionStatus, landlock::RulesetError> {
            Ruleset::default()
                .handle_access(AccessFs::from_all(abi))?
                .handle_access(AccessNet::from_all(abi))?
                .create()?
                .add_rules(path_beneath_rules(["/"], AccessFs::from_read(abi)))?
                .add_rules(path_beneath_rules(["/dev/null"], AccessFs::from_all(abi)))?
                .add_rules(path_beneath_rules([private_dir], AccessFs::from_all(abi)))?
                .restrict_self()
        })();
        match res {
            Ok(s) => {
                r.landlock_fs = match s.ruleset {
                    RulesetStatus::FullyEnforced => "full",
                    RulesetStatus::PartiallyEnforced => "partial",
                    RulesetStatus::NotEnforced => "none",
                }
                .into();
                // TCP rules need ABI 4; a fully enforced V5 ruleset includes them.
                r.landlock_net = s.ruleset == RulesetStatus::FullyEnforced;
                if s.ruleset != RulesetStatus::FullyEnforced {
                    r.notes.push(format!("landlock: {:?}", s.ruleset));
                }
            }
            Err(e) => r.notes.push(format!("landlock: {e}")),
        }
    }

    pub fn seccomp(r: &mut SandboxReport) {
        use seccompiler::{
            BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition,
            SeccompFilter, SeccompRule, TargetArch,
        };
        let res = (|| -> Result<(), String> {
            let arch = TargetArch::try_from(std::env::consts::ARCH).map_err(|e| e.to_string())?;
            let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
            // socket(domain != AF_UNIX, …): no network of any kind.
            let not_unix = SeccompCondition::new(
                0,
                SeccompCmpArgLen::Dword,
                SeccompCmpOp::Ne,
                libc::AF_UNIX as u64,
            )
            .map_err(|e| e.to_string())?;
            rules.insert(
                libc::SYS_socket,
                vec![SeccompRule::new(vec![not_unix]).map_err(|e| e.to_string())?],
            );
            for nr in [
                libc::SYS_ptrace,
                libc::SYS_process_vm_readv,
                libc::SYS_process_vm_writev,
                libc::SYS_bpf,
                libc::SYS_mount,
                libc::SYS_umount2,
                libc::SYS_pivot_root,
                libc::SYS_chroot,
                libc::SYS_setns,
                libc::SYS_unshare,
                libc::SYS_keyctl,
                libc::SYS_add_key,
                libc::SYS_request_key,
                libc::SYS_perf_event_open,
                libc::SYS_io_uring_setup,
                libc::SYS_userfaultfd,
            ] {
                rules.insert(nr, vec![]);
            }
            let filter = SeccompFilter::new(
                rules,
                SeccompAction::Allow,
                SeccompAction::Errno(libc::EACCES as u32),
                arch,
            )
            .map_err(|e| e.to_string())?;
            let prog: BpfProgram = filter
                .try_into()
                .map_err(|e: seccompiler::BackendError| e.to_string())?;
            seccompiler::apply_filter(&prog).map_err(|e| e.to_string())
        })();
        match res {
            Ok(()) => r.seccomp = true,
            Err(e) => r.notes.push(format!("seccomp: {e}")),
        }
    }
}
