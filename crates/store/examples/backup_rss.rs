//! Measures the memory of a streamed backup and of reading it back (scripts/backup-memory).
//!
//! `backup_rss DATA_DIR URL OUT_DIR`: unlocks the data key with `BMNN_PASSPHRASE` (Argon2id takes
//! 64 MiB by design, so the process's peak is reset after it through `/proc/self/clear_refs`),
//! opens the database at URL (a SQLite file is opened with the data key's SQLCipher subkey), then
//! prints the peak resident memory (VmHWM) of each phase, measured from a reset peak:
//! the backup written to OUT_DIR, the backup read back whole (every chunk and the hash checked),
//! and its restore: SQLite into a new file beside it, PostgreSQL the dataset decoded from the
//! stream (what `bmnn restore` holds before its import's checks).

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
    let [_, data, url, out] = &args[..] else {
        eprintln!("usage: backup_rss DATA_DIR URL OUT_DIR");
        std::process::exit(2);
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
    let mut r =
        bmnn_store::backup::open_backup_reader(&key, std::fs::File::open(&file).expect("open"))
            .expect("open backup");
    if postgres {
        let d: bmnn_store::Dataset =
            serde_json::from_reader(std::io::BufReader::new(&mut r)).expect("dataset");
        r.finish().expect("whole and authentic");
        report(&format!(
            "restore: dataset decoded ({} items)",
            d.items.len()
        ));
    } else {
        let dest = out.join("restored.db");
        bmnn_store::backup::restore_sqlite_stream(r, &dest, Some(key.derive("sqlite")))
            .expect("restore");
        report("restore (SQLite file written, checked)");
    }
}
