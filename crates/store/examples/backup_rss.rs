//! Measures the memory of a streamed backup and of reading it back (scripts/backup-memory).
//!
//! `backup_rss DATA_DIR URL OUT_DIR`: unlocks the data key with `BMNN_PASSPHRASE` (Argon2id takes
//! 64 MiB by design, so the process's peak is reset after it through `/proc/self/clear_refs`),
//! opens the database at URL (a SQLite file is opened with the data key's SQLCipher subkey), then
//! prints the peak resident memory (VmHWM) of each phase, measured from a reset peak:
//! the backup written to OUT_DIR, the backup read back whole (every chunk and the hash checked),
//! and its restore: SQLite into a new file beside it; PostgreSQL, with `backup_rss DATA_DIR URL
//! OUT_DIR RESTORE_URL`, streamed into the empty database at RESTORE_URL as `bmnn restore` does
//! (every check, the hash at the end, one transaction).

fn hwm_kb() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak (Linux 4.0+)");
}

fn report(phase: &str) {
    println!("{phase:<40} peak RSS {:7.1} MB", hwm_kb() as f64 / 1024.0);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (data, url, out, restore_url) = match &args[..] {
        [_, data, url, out] => (data, url, out, None),
        [_, data, url, out, r] => (data, url, out, Some(r)),
        _ => {
            eprintln!("usage: backup_rss DATA_DIR URL OUT_DIR [RESTORE_URL]");
            std::process::exit(2);
        }
    };
    let ring: bmnn_vault::Keyring = serde_json::from_slice(
        &std::fs::read(std::path::Path::new(data).join("keys/keyring.json")).expect("keyring"),
    )
    .expect("keyring json");
    let pass = std::env::var("BMNN_PASSPHRASE").expect("BMNN_PASSPHRASE");
    let key = ring.unlock(pass.as_bytes()).expect("unlock");
    let postgres = url.starts_with("postgres");
    let store = bmnn_store::DbStore::open_keyed(url, (!postgres).then(|| key.derive("sqlite")))
        .expect("open");
    report("key unlocked, database open");
    reset_peak();
    let out = std::path::Path::new(out);
    std::fs::create_dir_all(out).expect("out dir");
    let file = out.join("measure.bmnnbak");
    let f = std::fs::File::create(&file).expect("create");
    let (m, _) = store
        .backup_to(&key, out, "2026-12-02T00:00:00", f)
        .expect("backup");
    report(&format!("backup ({} MB payload)", m.size / 1_048_576));
    reset_peak();
    let r = bmnn_store::backup::open_backup_reader(&key, std::fs::File::open(&file).expect("open"))
        .expect("open backup");
    r.finish().expect("whole and authentic");
    report("backup read back and checked");
    reset_peak();
    let r = bmnn_store::backup::open_backup_reader(&key, std::fs::File::open(&file).expect("open"))
        .expect("open backup");
    if postgres {
        let Some(restore_url) = restore_url else {
            return;
        };
        let fresh = bmnn_store::DbStore::open(restore_url)
            .expect("open the empty database")
            .with_audit_key(key.derive("audit"));
        let rules = bmnn_core::rules::RuleSet::embedded();
        reset_peak();
        let rep = fresh
            .import_from(
                r,
                &bmnn_store::ImportOptions {
                    rules: &rules,
                    keep_tokens: true,
                    accept_privileged: true,
                    at: "2026-12-02T00:00:00.000000".into(),
                    actor: "0:system".into(),
                    source: "backup".into(),
                },
                |p| p.finish().map(|_| ()),
            )
            .expect("restore");
        report(&format!(
            "restore: streamed import ({} items, {} records)",
            rep.items, rep.audit_records
        ));
    } else {
        let dest = out.join("restored.db");
        bmnn_store::backup::restore_sqlite_stream(r, &dest, Some(key.derive("sqlite")))
            .expect("restore");
        report("restore (SQLite file written, checked)");
    }
}
