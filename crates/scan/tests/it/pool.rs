//! The long-lived pool of isolated extraction workers (issue 11 point 6) and their sandbox
//! (issue 16 point 6): workers are reused, a crashed or stuck worker is killed and replaced and
//! its file gets `review`, and a worker cannot read the parent's environment, open a network
//! socket or write outside its private folder (as far as the kernel allows: the test says which).

use std::time::Duration;

use bmnn_scan::extract::ExtractError;
use bmnn_scan::{ExtractPool, Isolation, Verdict, extract_isolated, scan_bytes};

use crate::util::*;

fn stamped_docx() -> Vec<u8> {
    let mut d = DocxBuilder::body(&p("Báo cáo tình hình."));
    d.header = Some(p("TỐI MẬT"));
    d.build()
}

fn pooled(workers: usize) -> Isolation {
    child().pooled(workers)
}

#[test]
fn workers_are_started_once_and_reused() {
    let iso = pooled(2);
    let pool = iso.pool.clone().expect("pool");
    let doc = stamped_docx();
    let direct = bmnn_scan::extract::extract(&doc, "a.docx", &bmnn_scan::Limits::default())
        .expect("in process");
    for i in 0..12 {
        let x = extract_isolated(&doc, &format!("{i}.docx"), &iso).expect("pooled");
        assert_eq!(x, direct);
    }
    let s = pool.stats();
    assert_eq!(s.jobs, 12);
    assert_eq!(s.started, 2, "two workers for twelve files: {s:?}");
    assert_eq!(s.replaced, 0);
    // Parallel callers share the two workers.
    std::thread::scope(|sc| {
        for _ in 0..6 {
            sc.spawn(|| {
                let v = scan_bytes("a.docx", &doc, &scanner().with_isolation(iso.clone()));
                assert_eq!(v.verdict, Verdict::Block);
            });
        }
    });
    assert_eq!(pool.stats().started, 2);
    assert!(
        pool.sandbox().is_some(),
        "the workers reported their sandbox"
    );
}

#[test]
fn a_crashed_worker_gives_review_and_is_replaced() {
    let mut iso = child();
    iso.memory_limit = 48 << 20;
    let iso = iso.pooled(1);
    let pool = iso.pool.clone().expect("pool");
    let line = "Báo cáo tình hình an ninh trật tự trên địa bàn tỉnh. TỐI MẬT\n";
    let big = line.repeat(500_000);
    let r = extract_isolated(big.as_bytes(), "big.txt", &iso);
    assert!(
        matches!(r, Err(ExtractError::Crashed(_))),
        "{:?}",
        r.map(|x| x.units.len())
    );
    let v = scan_bytes(
        "big.txt",
        big.as_bytes(),
        &scanner().with_isolation(iso.clone()),
    );
    assert_eq!(v.verdict, Verdict::Review, "a crash is never a pass");
    assert!(pool.stats().replaced >= 2, "{:?}", pool.stats());
    // The replacement works.
    let v = scan_bytes("a.docx", &stamped_docx(), &scanner().with_isolation(iso));
    assert_eq!(v.verdict, Verdict::Block);
}

#[test]
fn a_stuck_worker_is_killed_on_timeout_and_replaced() {
    // A worker that never answers (stands in for a parser stuck in a loop).
    let iso = Isolation {
        timeout: Duration::from_millis(600),
        ..Isolation::new(
            "/bin/sh".into(),
            vec!["-c".into(), "while :; do :; done".into()],
        )
    }
    .pooled(1);
    let pool = iso.pool.clone().expect("pool");
    assert_eq!(
        extract_isolated(&stamped_docx(), "a.docx", &iso),
        Err(ExtractError::Timeout)
    );
    let v = scan_bytes("a.docx", &stamped_docx(), &scanner().with_isolation(iso));
    assert_eq!(v.verdict, Verdict::Review);
    let s = pool.stats();
    assert_eq!(s.replaced, 2, "each stuck worker killed: {s:?}");
    assert_eq!(s.started, 3, "and replaced: {s:?}");
}

fn probe(iso: &Isolation, what: &str) -> String {
    let x = extract_isolated(b"", what, iso).expect("probe answers");
    x.units[0].text.clone()
}

#[test]
fn the_worker_is_sandboxed() {
    let mut iso = Isolation::new(
        env!("CARGO_BIN_EXE_bmnn-scan-child").into(),
        vec!["probe".into()],
    );
    iso.timeout = Duration::from_secs(20);
    let report = ExtractPool::probe_sandbox(&iso).expect("the worker starts");
    eprintln!("sandbox in force here: {}", report.summary_vi());
    eprintln!("notes: {:?}", report.notes);
    let iso = iso.pooled(1);

    // A clean environment, whatever the kernel: cargo sets CARGO_MANIFEST_DIR for this test.
    assert!(std::env::var_os("CARGO_MANIFEST_DIR").is_some());
    assert!(report.clean_env);
    assert_eq!(probe(&iso, "env:CARGO_MANIFEST_DIR"), "absent");
    assert_eq!(probe(&iso, "env:BMNN_PASSPHRASE"), "absent");
    assert_eq!(probe(&iso, "env:PATH"), "present");
    assert!(report.rlimits);

    // The private folder is writable (the sandbox is not simply broken).
    assert_eq!(probe(&iso, "tmp"), "ok");

    // No network: a listener is waiting, the worker cannot reach it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
    let addr = listener.local_addr().expect("addr");
    if report.seccomp || report.landlock_net {
        let r = probe(&iso, &format!("tcp:{addr}"));
        assert!(r.starts_with("denied"), "{r}");
    } else {
        eprintln!("this kernel has neither seccomp nor Landlock TCP rules: network not tested");
    }
    if report.seccomp {
        let r = probe(&iso, "udp");
        assert!(r.starts_with("denied"), "{r}");
    }

    // No writing outside the private folder (the data folder stands here as a test folder).
    let data = tempfile::tempdir().expect("tmp");
    let target = data.path().join("bmnn.sqlite");
    let r = probe(&iso, &format!("write:{}", target.display()));
    if report.landlock_fs == "full" {
        assert!(r.starts_with("denied"), "{r}");
        assert!(!target.exists());
    } else {
        eprintln!(
            "Landlock is not enforced by this kernel: write outside the folder not tested ({r})"
        );
    }
}

/// Folders of workers whose process is gone are removed (a server stopped by a signal leaves
/// them); those of a running process, or not of the worker pattern, stay.
#[test]
fn folders_of_workers_whose_process_is_gone_are_removed() {
    let base = tempfile::tempdir().expect("tmp");
    // A process that ran and ended: its pid is free (until reused, which the sweep would
    // then see as running and leave alone).
    let mut done = std::process::Command::new("true").spawn().expect("true");
    let dead = done.id();
    done.wait().expect("wait");
    let stale = base.path().join(format!("bmnn-worker-{dead}-0-abc"));
    std::fs::create_dir(&stale).expect("mkdir");
    std::fs::write(stale.join("picture.img"), b"x").expect("write");
    let running = base
        .path()
        .join(format!("bmnn-worker-{}-0-abc", std::process::id()));
    std::fs::create_dir(&running).expect("mkdir");
    let other = base.path().join("bmnn-worker-notapid");
    std::fs::create_dir(&other).expect("mkdir");
    // A link named like a stale folder is not followed: what it points to stays.
    let target = tempfile::tempdir().expect("tmp");
    std::fs::write(target.path().join("keep"), b"x").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        target.path(),
        base.path().join(format!("bmnn-worker-{dead}-1-abc")),
    )
    .expect("symlink");
    let removed = bmnn_scan::isolate::sweep_stale_worker_dirs(base.path());
    if cfg!(target_os = "linux") {
        assert_eq!(removed, 1);
        assert!(!stale.exists());
    }
    assert!(running.exists() && other.exists());
    assert!(target.path().join("keep").exists());
}
