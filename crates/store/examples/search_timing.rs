//! Times the item search through the services on an existing data folder (issue 15): the page's
//! query (`Service::list_items` with the words, 50 rows, the count capped as the page caps it),
//! as one reader, one query at a time, so the store's time is seen without the web server.
//!
//! `search_timing DATA_DIR URL USERNAME RUNS WORDS…`: unlocks the data key with
//! `BMNN_PASSPHRASE`, opens the database at URL (a SQLite file with the data key's SQLCipher
//! subkey), then runs the search RUNS times and prints the median, p95 and slowest run in
//! milliseconds, the number of matches counted and the ids of the first page's three newest.

use bmnn_core::model::ItemQuery;
use bmnn_core::ports::Store;
use bmnn_core::rules::RuleSet;
use bmnn_core::service::{Ctx, Service};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 6 {
        eprintln!("usage: search_timing DATA_DIR URL USERNAME RUNS WORDS…");
        std::process::exit(2);
    }
    let (data, url, username) = (&args[1], &args[2], &args[3]);
    let runs: usize = args[4].parse().expect("RUNS");
    let words = args[5..].join(" ");
    let ring: bmnn_vault::Keyring = serde_json::from_slice(
        &std::fs::read(std::path::Path::new(data).join("keys/keyring.json")).expect("keyring"),
    )
    .expect("keyring json");
    let pass = std::env::var("BMNN_PASSPHRASE").expect("BMNN_PASSPHRASE");
    let key = ring.unlock(pass.as_bytes()).expect("unlock");
    let postgres = url.starts_with("postgres");
    let store = bmnn_store::DbStore::open_keyed(url, (!postgres).then(|| key.derive("sqlite")))
        .expect("open");
    let user = store
        .read(|tx| tx.find_user(username))
        .expect("read")
        .expect("no such user");
    let svc = Service::new(store, RuleSet::embedded());
    let now = time::OffsetDateTime::now_utc();
    let ctx = Ctx {
        user_id: user.id,
        now: time::PrimitiveDateTime::new(now.date(), now.time()),
        today: now.date(),
    };
    let mut ms = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let page = svc
            .list_items(
                &ctx,
                ItemQuery {
                    text: Some(words.clone()),
                    limit: 50,
                    ..Default::default()
                },
            )
            .expect("search");
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(page);
    }
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    let page = last.expect("one run");
    let first: Vec<_> = page.rows.iter().take(3).map(|i| i.id).collect();
    println!(
        "search {words:?} as {username}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms; {} counted, newest {first:?}",
        at(0.5),
        at(0.95),
        at(1.0),
        page.total
    );
}
