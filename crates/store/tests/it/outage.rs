//! A PostgreSQL that stops answering (issue 15): crashed (`pg_ctl stop -m immediate`) or paused
//! (SIGSTOP of the server and its backends). Requests fail within the pool's timeout with
//! `CoreError::Unavailable` (the web answers 503 "Cơ sở dữ liệu tạm thời không trả lời"), never
//! more than the pool's connections wait on the database, and the store recovers by itself when
//! the server returns. Runs on a private cluster (scripts/pg-tmp), never on the suite's shared
//! one, and only where PostgreSQL is available (`TEST_DATABASE_URL` set, as for the other
//! PostgreSQL tests).

use bmnn_core::CoreError;
use bmnn_store::{DbStore, PoolOptions};
use std::process::Command;
use std::time::{Duration, Instant};

const SIZE: u32 = 2;
const TIMEOUT: Duration = Duration::from_secs(1);
/// Scheduling slack on a loaded machine, on top of the pool's timeout.
const SLACK: Duration = Duration::from_secs(4);

fn pg_tmp(args: &[&str]) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg-tmp");
    let out = Command::new(script).args(args).output().expect("pg-tmp");
    assert!(
        out.status.success(),
        "pg-tmp {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The private cluster; resumed and removed whatever happens.
struct Cluster {
    dir: String,
    url: String,
}

impl Cluster {
    fn start() -> Cluster {
        let out = pg_tmp(&["start"]);
        let var = |name: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(&format!("export {name}=")))
                .expect("pg-tmp output")
                .to_string()
        };
        Cluster {
            dir: var("PG_TMP"),
            url: var("TEST_DATABASE_URL"),
        }
    }
    fn run(&self, cmd: &str) {
        pg_tmp(&[cmd, &self.dir]);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg-tmp");
        let _ = Command::new(script).args(["resume", &self.dir]).output();
        let _ = Command::new(script).args(["stop", &self.dir]).output();
    }
}

fn read(store: &DbStore) -> Result<usize, CoreError> {
    store.export().map(|d| d.users.len())
}

/// `n` reads at once: how each ended and how long it took. Threads still waiting are left
/// running (they are joined by the caller after the server resumes).
fn burst(
    store: &std::sync::Arc<DbStore>,
    n: usize,
) -> std::sync::mpsc::Receiver<(Result<usize, CoreError>, Duration)> {
    let (tx, rx) = std::sync::mpsc::channel();
    for _ in 0..n {
        let (s, tx) = (store.clone(), tx.clone());
        std::thread::spawn(move || {
            let t = Instant::now();
            let r = read(&s);
            let _ = tx.send((r, t.elapsed()));
        });
    }
    rx
}

/// Polls until a read succeeds, within `deadline`.
fn recovers(store: &DbStore, deadline: Duration) -> Duration {
    let t = Instant::now();
    loop {
        match read(store) {
            Ok(_) => return t.elapsed(),
            Err(e) => assert!(
                t.elapsed() < deadline,
                "not back after {:?}: {e:?}",
                t.elapsed()
            ),
        }
    }
}

#[test]
fn a_database_that_stops_answering_fails_fast_and_recovers() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        return; // no PostgreSQL on this machine (SQLite-only run)
    }
    let pg = Cluster::start();
    let url = format!("{}?connect_timeout=1", pg.url);
    let store = std::sync::Arc::new(
        DbStore::open_with(
            &url,
            None,
            PoolOptions {
                max_size: SIZE,
                timeout: TIMEOUT,
            },
        )
        .expect("open"),
    );
    assert_eq!(read(&store).expect("read"), 0);

    // 1. Crashed: every request fails with Unavailable within the timeout, none hangs.
    pg.run("down");
    let rx = burst(&store, 6);
    for _ in 0..6 {
        let (r, took) = rx
            .recv_timeout(TIMEOUT + SLACK)
            .expect("a request hangs while the database is down");
        assert!(matches!(r, Err(CoreError::Unavailable)), "{r:?}");
        assert!(took < TIMEOUT + SLACK, "{took:?}");
    }
    assert_eq!(
        CoreError::Unavailable.message_vi(),
        "Cơ sở dữ liệu tạm thời không trả lời; thao tác chưa được ghi. Hãy thử lại sau ít phút; \
         nếu vẫn không được, báo quản trị viên."
    );
    pg.run("up");
    recovers(&store, Duration::from_secs(30));

    // 2. Paused: the requests holding the pool's connections wait on the database (a paused
    // server still accepts TCP, so no client-side timeout fires); every other request fails
    // with Unavailable within the pool's timeout: no more than SIZE threads ever wait.
    pg.run("pause");
    let n = 6;
    let rx = burst(&store, n);
    let until = Instant::now() + TIMEOUT + SLACK;
    let mut failed = 0;
    while let Ok((r, took)) = rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
        assert!(matches!(r, Err(CoreError::Unavailable)), "{r:?}");
        assert!(took < TIMEOUT + SLACK, "{took:?}");
        failed += 1;
    }
    assert!(
        failed >= n - SIZE as usize,
        "only the pool's connections wait: {failed} of {n} failed fast"
    );
    pg.run("resume");
    // The waiting ones finish once the server answers again, and new requests succeed.
    for _ in failed..n {
        let (r, _) = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the waiting requests end after the server resumes");
        assert!(
            r.is_ok() || matches!(r, Err(CoreError::Unavailable)),
            "{r:?}"
        );
    }
    recovers(&store, Duration::from_secs(30));
}
