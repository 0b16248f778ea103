//! Times the people and unit pickers at 10,000 users and 1,000 units (issue 15): the store's
//! index of folded words (`Service::pick_people`, `Service::pick_units`) against what the
//! pickers did before migration 000021 (every user or unit read and matched in Rust), in the
//! same process on the same database, and checks that both give the same answers.
//!
//! `pick_timing URL [RUNS]`: URL is a new SQLite file (`sqlite:///tmp/x.db`) or an empty
//! PostgreSQL database; RUNS per query (default 30). Prints the median and the slowest run of
//! each query, in milliseconds.

use bmnn_core::model::{Agency, Role, User};
use bmnn_core::ports::Store;
use bmnn_core::rules::RuleSet;
use bmnn_core::service::{Ctx, NewUser, PICK_LIMIT, Service, person_label};
use bmnn_core::text::fold;
use std::time::Instant;

fn words(q: &str) -> Vec<String> {
    fold(q)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn matches(words: &[String], text: &str) -> bool {
    let hay = fold(text);
    words.iter().all(|w| {
        hay.split(|c: char| !c.is_alphanumeric())
            .any(|h| h.starts_with(w.as_str()))
    })
}

/// The picker before issue 15: every user read, parsed and matched in Rust.
fn full_scan(users: Vec<User>, q: &str) -> Vec<String> {
    let w = words(q);
    let mut out: Vec<String> = users
        .iter()
        .filter(|u| u.active)
        .map(person_label)
        .filter(|l| matches(&w, l))
        .collect();
    out.sort_by_cached_key(|l| fold(l));
    out.truncate(PICK_LIMIT);
    out
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let mut ms = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    (ms[runs / 2], ms[runs - 1], last.expect("one run"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).expect("usage: pick_timing URL [RUNS]");
    let runs: usize = args.get(2).map_or(30, |r| r.parse().expect("RUNS"));
    let store = bmnn_store::DbStore::open(url).expect("open");
    let svc = Service::new(store, RuleSet::embedded());
    let today = bmnn_core::dates::parse_date("25/11/2026").expect("date");
    let now = time::PrimitiveDateTime::new(today, time::Time::MIDNIGHT);
    let admin = svc
        .bootstrap_admin(
            now,
            Agency {
                name: "Bộ Công Thương".into(),
                superior: None,
                place: "Hà Nội".into(),
                symbol: "BCT".into(),
            },
            NewUser {
                username: "admin".into(),
                full_name: "Quản trị".into(),
                roles: vec![Role::Admin],
                clearance: None,
                position_id: None,
                unit_id: None,
                password_hash: "x".into(),
            },
        )
        .expect("bootstrap");
    let ctx = Ctx {
        user_id: admin.id,
        now,
        today,
    };
    let t = Instant::now();
    svc.store.bench_seed_org(1_000, 10_000).expect("seed");
    println!(
        "seeded 1,000 units and 10,000 users in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    println!(
        "{:<22} {:>9} {:>9} {:>9} {:>9}  answers",
        "query", "index p50", "max", "scan p50", "max"
    );
    for q in [
        "n",
        "ng",
        "nguyen",
        "nguyen van",
        "Nguyễn Văn 12",
        "canbo12",
        "duc",
        "zzz",
    ] {
        let (p50, max, new) = time(runs, || {
            svc.pick_people(&ctx, q, None)
                .expect("pick")
                .into_iter()
                .map(|p| p.label)
                .collect::<Vec<_>>()
        });
        let (s50, smax, old) = time(runs, || {
            let users = svc.store.read(|tx| tx.list_users()).expect("users");
            full_scan(users, q)
        });
        assert_eq!(new, old, "{q}: the index and the scan disagree");
        println!(
            "people {q:<15} {p50:>9.2} {max:>9.2} {s50:>9.2} {smax:>9.2}  {}",
            new.len()
        );
    }
    for q in ["c", "chi cuc so 1", "so 999"] {
        let (p50, max, new) = time(runs, || svc.pick_units(&ctx, q).expect("units").len());
        let (s50, smax, _) = time(runs, || {
            let w = words(q);
            let units = svc.store.read(|tx| tx.list_units()).expect("units");
            let mut out: Vec<String> = units
                .into_iter()
                .map(|u| u.name)
                .filter(|n| matches(&w, n))
                .collect();
            out.sort_by_cached_key(|l| fold(l));
            out.truncate(PICK_LIMIT);
            out.len()
        });
        println!("units  {q:<15} {p50:>9.2} {max:>9.2} {s50:>9.2} {smax:>9.2}  {new}");
    }
}
