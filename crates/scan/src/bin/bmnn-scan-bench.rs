//! Benchmark driver for `scripts/bench-scan` (not part of the product). Subcommands:
//!
//! * `corpus SRC OUT_DIR MB` — build a Vietnamese corpus of at least MB megabytes from CoNLL text
//!   (first column of each line, sentences joined), a stamp line every 7th copy; writes `corpus.txt`
//!   (NFC text), `folded.txt` (the folded view) and `patterns.txt` (the folded marking phrases,
//!   longest first, for `rg -F -w -f`);
//! * `markings FOLDED` — Aho–Corasick phrase count over the folded text, best of 3, MB/s;
//! * `normalize CORPUS` — `fold()` and the full two-view normaliser, best of 3, MB/s;
//! * `lane CORPUS [REPS]` — the two-view normaliser alone per line, best of REPS (10), MB/s;
//! * `docx CORPUS DIR N` — write N DOCX files from corpus slices, scan them in-process and through
//!   the isolated child, MB/s;
//! * `scan PATH…` — scan files in-process and print the human report (manual checks);
//! * `index CORPUS ITEMS` — register ITEMS documents, report size and the lookup time for a 20-page
//!   (10,000-syllable) document.
//!
//! Prints one `key=value` line per measurement; document text is never printed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bmnn_scan::{FingerprintIndex, Isolation, MarkingDetector, MarkingSpec, Scanner, scan_bytes};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let a = |i: usize| args.get(i).cloned().unwrap_or_else(|| usage());
    match args.first().map(String::as_str) {
        Some("corpus") => corpus(
            Path::new(&a(1)),
            Path::new(&a(2)),
            a(3).parse().unwrap_or(200),
        ),
        Some("markings") => markings(Path::new(&a(1))),
        Some("markings-variants") => markings_variants(Path::new(&a(1))),
        Some("normalize") => normalize(Path::new(&a(1))),
        Some("lane") => lane(
            Path::new(&a(1)),
            args.get(2)
                .and_then(|s| s.parse().ok())
                .unwrap_or(10usize)
                .max(1),
        ),
        Some("docx") => docx(
            Path::new(&a(1)),
            Path::new(&a(2)),
            a(3).parse().unwrap_or(200),
        ),
        Some("scan") => {
            // Manual check: scan files in-process and print the Vietnamese report (no document text).
            let scanner = Scanner::new(&MarkingSpec::default_set());
            let paths: Vec<PathBuf> = args[1..].iter().map(PathBuf::from).collect();
            let res = bmnn_scan::scan_paths(&paths, &scanner, |_, _, _| {});
            print!("{}", bmnn_scan::report::human(&res));
        }
        Some("index") => index(
            Path::new(&a(1)),
            a(2).parse().unwrap_or(100_000),
            args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1_000),
        ),
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: bmnn-scan-bench corpus SRC OUT MB | markings FOLDED | normalize CORPUS | lane CORPUS [REPS] | docx CORPUS DIR N | index CORPUS ITEMS"
    );
    std::process::exit(2)
}

fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..n {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed());
        out = Some(r);
    }
    (best, out.expect("n > 0"))
}

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| {
        eprintln!("cannot read {}: {e}", p.display());
        std::process::exit(2)
    })
}

fn corpus(src: &Path, out: &Path, mb: usize) {
    let raw = read(src);
    let mut sentences = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    for line in raw.lines() {
        let w = line.split('\t').next().unwrap_or("").trim();
        if w.is_empty() {
            if !cur.is_empty() {
                sentences.push(cur.join(" "));
                cur.clear();
            }
        } else {
            cur.push(w.replace('_', " "));
        }
    }
    if !cur.is_empty() {
        sentences.push(cur.join(" "));
    }
    let base = sentences.join("\n") + "\n";
    std::fs::create_dir_all(out).expect("mkdir");
    // Repeat until the *folded* (normalised) view alone reaches MB megabytes.
    let base_folded: String = base
        .lines()
        .map(bmnn_scan::fold)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let stamp = "TUYỆT MẬT\n";
    let stamp_folded = bmnn_scan::fold(stamp) + "\n";
    let mut text = String::new();
    let mut folded = String::new();
    let mut copy = 0;
    while folded.len() < mb * 1_000_000 {
        text.push_str(&base);
        folded.push_str(&base_folded);
        copy += 1;
        if copy % 7 == 0 {
            text.push_str(stamp);
            folded.push_str(&stamp_folded);
        }
    }
    std::fs::write(out.join("corpus.txt"), &text).expect("write corpus");
    std::fs::write(out.join("folded.txt"), &folded).expect("write folded");
    let det = MarkingDetector::new(&MarkingSpec::default_set());
    let mut pats = det.spaced_patterns().to_vec();
    pats.sort_by_key(|p| std::cmp::Reverse(p.len()));
    std::fs::write(out.join("patterns.txt"), pats.join("\n") + "\n").expect("write patterns");
    println!(
        "corpus_sentences={} base_bytes={} corpus_bytes={} folded_bytes={} copies={copy} patterns={}",
        sentences.len(),
        base.len(),
        text.len(),
        folded.len(),
        pats.len()
    );
}

fn markings(folded: &Path) {
    let text = read(folded);
    let det = MarkingDetector::new(&MarkingSpec::default_set());
    let (d, n) = best_of(3, || det.count_phrases_folded(&text));
    println!(
        "ac_bytes={} ac_matches={n} ac_seconds={:.4} ac_mbps={:.0}",
        text.len(),
        d.as_secs_f64(),
        mbps(text.len(), d)
    );
}

/// Experiment: the same count with other automaton settings (kept for re-measuring).
fn markings_variants(folded: &Path) {
    use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
    let text = read(folded);
    let det = MarkingDetector::new(&MarkingSpec::default_set());
    let pats = det.spaced_patterns().to_vec();
    let count = |ac: &AhoCorasick, t: &str| {
        let b = t.as_bytes();
        ac.find_iter(t)
            .filter(|m| {
                (m.start() == 0 || !b[m.start() - 1].is_ascii_alphanumeric())
                    && (m.end() == b.len() || !b[m.end()].is_ascii_alphanumeric())
            })
            .count()
    };
    let variants: Vec<(&str, AhoCorasick)> = vec![
        (
            "default_llongest",
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&pats)
                .unwrap(),
        ),
        (
            "dfa_llongest",
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&pats)
                .unwrap(),
        ),
        (
            "dfa_noprefilter",
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::DFA))
                .prefilter(false)
                .build(&pats)
                .unwrap(),
        ),
        (
            "dfa_lfirst",
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&pats)
                .unwrap(),
        ),
        (
            "standard_dfa",
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&pats)
                .unwrap(),
        ),
    ];
    for (name, ac) in &variants {
        let (d, n) = best_of(3, || count(ac, &text));
        println!("{name} matches={n} mbps={:.0}", mbps(text.len(), d));
    }
    let (d, n) = best_of(3, || det.count_phrases_folded(&text));
    println!("detector matches={n} mbps={:.0}", mbps(text.len(), d));
}

fn normalize(corpus: &Path) {
    let text = read(corpus);
    let mut buf = String::with_capacity(text.len());
    let (d, _) = best_of(3, || {
        buf.clear();
        bmnn_scan::normalize::fold_into(&text, &mut buf);
        buf.len()
    });
    println!(
        "fold_bytes={} fold_mbps={:.0}",
        text.len(),
        mbps(text.len(), d)
    );
    // The full two-view normaliser (NFC check, cleanup, lower case, offset maps) per line.
    let slice: Vec<&str> = text.lines().take(200_000).collect();
    let bytes: usize = slice.iter().map(|l| l.len() + 1).sum();
    let (d, n) = best_of(3, || {
        slice
            .iter()
            .map(|l| bmnn_scan::normalize::views(l).folded.text.len())
            .sum::<usize>()
    });
    // The general path alone (the normaliser before its single-pass lane), side by side.
    let (dg, ng) = best_of(3, || {
        slice
            .iter()
            .map(|l| bmnn_scan::normalize::views_general(l).folded.text.len())
            .sum::<usize>()
    });
    assert_eq!(n, ng, "both paths give the same views");
    // CPU time of three more passes of the lane and of fold (MB per CPU-second).
    let c0 = cpu_s();
    for _ in 0..3 {
        for l in &slice {
            std::hint::black_box(bmnn_scan::normalize::views(l));
        }
    }
    let views_cpu = (cpu_s() - c0) / 3.0;
    let c0 = cpu_s();
    for _ in 0..3 {
        buf.clear();
        bmnn_scan::normalize::fold_into(&text, &mut buf);
        std::hint::black_box(buf.len());
    }
    let fold_cpu = (cpu_s() - c0) / 3.0;
    println!(
        "views_bytes={bytes} views_out={n} views_mbps={:.0} views_general_mbps={:.0} views_mb_per_cpu_s={:.0} fold_mb_per_cpu_s={:.0}",
        mbps(bytes, d),
        mbps(bytes, dg),
        bytes as f64 / 1e6 / views_cpu.max(0.01),
        text.len() as f64 / 1e6 / fold_cpu.max(0.01)
    );
}

/// The two-view normaliser alone, per line, best of `reps` passes (for side-by-side runs of two
/// builds: fewer passes of other code between them than `normalize`).
fn lane(corpus: &Path, reps: usize) {
    let text = read(corpus);
    let lines: Vec<&str> = text.lines().collect();
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let (d, n) = best_of(reps, || {
        lines
            .iter()
            .map(|l| bmnn_scan::normalize::views(l).folded.text.len())
            .sum::<usize>()
    });
    println!(
        "lane_bytes={bytes} lane_out={n} lane_mbps={:.0}",
        mbps(bytes, d)
    );
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A minimal but complete DOCX (stored zip entries) with a header and the given paragraphs.
fn write_docx(paras: &[&str], header: &str) -> Vec<u8> {
    let body: String = paras
        .iter()
        .map(|p| {
            format!(
                r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                esc(p)
            )
        })
        .collect();
    let ns = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let files: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#.into()),
        ("word/document.xml", format!(r#"<?xml version="1.0"?><w:document {ns}><w:body>{body}</w:body></w:document>"#)),
        ("word/header1.xml", format!(r#"<?xml version="1.0"?><w:hdr {ns}><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:hdr>"#, esc(header))),
    ];
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in &files {
        let data = data.as_bytes();
        let crc = crc32(data);
        let off = out.len() as u32;
        for (v, cd) in [(&mut out, false), (&mut central, true)] {
            v.extend_from_slice(&(if cd { 0x0201_4b50u32 } else { 0x0403_4b50 }).to_le_bytes());
            if cd {
                v.extend_from_slice(&20u16.to_le_bytes());
            }
            for x in [20u16, 0, 0, 0, 0x21] {
                v.extend_from_slice(&x.to_le_bytes());
            }
            for x in [crc, data.len() as u32, data.len() as u32] {
                v.extend_from_slice(&x.to_le_bytes());
            }
            v.extend_from_slice(&(name.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes());
            if cd {
                // comment length, disk number, internal attributes, external attributes
                v.extend_from_slice(&[0; 6]);
                v.extend_from_slice(&0u32.to_le_bytes());
                v.extend_from_slice(&off.to_le_bytes());
            }
            v.extend_from_slice(name.as_bytes());
        }
        out.extend_from_slice(data);
    }
    let (cd_off, cd_len) = (out.len() as u32, central.len() as u32);
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&cd_len.to_le_bytes());
    out.extend_from_slice(&cd_off.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                0xEDB8_8320 ^ (crc >> 1)
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn docx(corpus: &Path, dir: &Path, n: usize) {
    let text = read(corpus);
    let lines: Vec<&str> = text.lines().filter(|l| l.len() > 20).collect();
    std::fs::create_dir_all(dir).expect("mkdir");
    let per = 400; // ~60 KB of text per file
    let mut paths: Vec<PathBuf> = Vec::new();
    for i in 0..n {
        let start = (i * per) % lines.len().saturating_sub(per).max(1);
        let header = if i % 10 == 0 {
            "TỐI MẬT"
        } else {
            "UBND TỈNH"
        };
        let bytes = write_docx(&lines[start..(start + per).min(lines.len())], header);
        let p = dir.join(format!("doc{i:04}.docx"));
        std::fs::write(&p, bytes).expect("write docx");
        paths.push(p);
    }
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).expect("read")))
        .collect();
    let total: usize = files.iter().map(|f| f.1.len()).sum();
    let scanner = Scanner::new(&MarkingSpec::default_set());
    let (d, blocked) = best_of(3, || {
        files
            .iter()
            .filter(|(n, b)| scan_bytes(n, b, &scanner).verdict == bmnn_scan::Verdict::Block)
            .count()
    });
    // CPU time of three more passes (MB per CPU-second does not depend on the machine's load).
    let c0 = cpu_s();
    for _ in 0..3 {
        for (n, b) in &files {
            std::hint::black_box(scan_bytes(n, b, &scanner));
        }
    }
    let inproc_cpu = (cpu_s() - c0) / 3.0;
    println!(
        "docx_files={n} docx_bytes={total} docx_blocked={blocked} docx_inprocess_mbps={:.0} docx_inprocess_files_per_s={:.0} docx_inprocess_cpu_s={inproc_cpu:.2} docx_inprocess_mb_per_cpu_s={:.0}",
        mbps(total, d),
        n as f64 / d.as_secs_f64(),
        total as f64 / 1e6 / inproc_cpu.max(0.01)
    );
    let child = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("bmnn-scan-child")));
    if let Some(child) = child.filter(|c| c.exists()) {
        let iso = Isolation::new(child.clone(), vec![]);
        let scanner = Scanner::new(&MarkingSpec::default_set()).with_isolation(iso);
        let (d, blocked) = best_of(1, || {
            files
                .iter()
                .filter(|(n, b)| scan_bytes(n, b, &scanner).verdict == bmnn_scan::Verdict::Block)
                .count()
        });
        println!(
            "docx_isolated_blocked={blocked} docx_isolated_mbps={:.0} docx_isolated_files_per_s={:.0}",
            mbps(total, d),
            n as f64 / d.as_secs_f64()
        );
        // As `serve` and `bmnn scan FOLDER` run it: the long-lived pool of sandboxed workers (one
        // per core), files taken in parallel by as many threads.
        let workers = bmnn_scan::isolate::default_workers();
        // CPU of the parent and of the workers (counted once the pool is dropped and they are
        // reaped), start-up of the workers included.
        let c0 = cpu_s();
        let iso = Isolation::new(child, vec![]).pooled(workers);
        let scanner = Scanner::new(&MarkingSpec::default_set()).with_isolation(iso);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let (d, blocked) = best_of(1, || {
            next.store(0, std::sync::atomic::Ordering::SeqCst);
            std::thread::scope(|s| {
                let hs: Vec<_> = (0..workers)
                    .map(|_| {
                        s.spawn(|| {
                            let mut blocked = 0;
                            loop {
                                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                                let Some((n, b)) = files.get(i) else {
                                    break blocked;
                                };
                                if scan_bytes(n, b, &scanner).verdict == bmnn_scan::Verdict::Block {
                                    blocked += 1;
                                }
                            }
                        })
                    })
                    .collect();
                hs.into_iter()
                    .map(|h| h.join().expect("thread"))
                    .sum::<usize>()
            })
        });
        drop(scanner);
        let pooled_cpu = cpu_s() - c0;
        println!(
            "docx_pooled_workers={workers} docx_pooled_blocked={blocked} docx_pooled_mbps={:.0} docx_pooled_files_per_s={:.0} docx_pooled_cpu_s={pooled_cpu:.2} docx_pooled_mb_per_cpu_s={:.0}",
            mbps(total, d),
            n as f64 / d.as_secs_f64(),
            total as f64 / 1e6 / pooled_cpu.max(0.01)
        );
    }
}

/// Pseudo-random prose over the corpus vocabulary: distinct registered documents (a repeated
/// corpus would make every item overlap every other).
fn pseudo(vocab: &[&str], seed: u64, n: usize) -> Vec<String> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            vocab[(s % vocab.len() as u64) as usize].to_owned()
        })
        .collect()
}

/// CPU seconds used so far by this process and by its children that have been waited for
/// (Linux `/proc/self/stat`: utime, stime, cutime, cstime in 1/100 s), 0 elsewhere.
fn cpu_s() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    (11..15)
        .filter_map(|i| f.get(i).and_then(|x| x.parse::<u64>().ok()))
        .sum::<u64>() as f64
        / 100.0
}

/// Resident set size of this process in kB (Linux `/proc/self/status`), 0 elsewhere.
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn index(corpus: &Path, items: usize, per: usize) {
    let text = read(corpus);
    let mut vocab: Vec<&str> = text
        .split_whitespace()
        .take(2_000_000)
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    vocab.sort_unstable();
    vocab.dedup();
    let key = *b"bench-key-000001";
    let mut ix = FingerprintIndex::new(key);
    let t = Instant::now();
    for i in 0..items {
        let doc = pseudo(&vocab, i as u64 + 1, per).join(" ");
        ix.add(i as i64, 1 + (i % 3) as u8, format!("Tài liệu {i}"), &doc);
    }
    ix.compact();
    let build = t.elapsed();
    let bytes = ix.to_bytes();
    // Resident memory of the index as the server holds it: loaded from its serialised form (the
    // build's many small temporary allocations stay in the allocator and would blur a measure
    // taken after building).
    drop(ix);
    let rss_before = rss_kb();
    let ix = FingerprintIndex::from_bytes(&bytes, key).expect("reload");
    let rss_mb = rss_kb().saturating_sub(rss_before) as f64 / 1e3;
    // A 20-page outgoing document: 10,000 syllables, with a 60-syllable passage of registered
    // item 4242 pasted in the middle.
    let item = pseudo(&vocab, 4243, per.max(160));
    let pasted = item[100..160].join(" ");
    let body = pseudo(&vocab, u64::MAX / 3, 10_000);
    let query = format!(
        "{} {pasted} {}",
        body[..5_000].join(" "),
        body[5_000..].join(" ")
    );
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..21 {
        let t = Instant::now();
        let m = ix.query(&query, 3);
        times.push(t.elapsed());
        found = m.len();
        if !m.iter().any(|m| m.doc_id == 4242) {
            eprintln!("warning: pasted passage not found");
        }
    }
    times.sort();
    let _ = std::io::stdout().flush();
    println!(
        "index_items={items} index_item_syllables={per} index_vocab={} index_entries={} index_heap_mb={:.1} index_rss_mb={rss_mb:.0} index_file_mb={:.0} index_build_s={:.1} query_syllables=10060 query_ms_median={:.2} query_ms_max={:.2} query_matches={found}",
        vocab.len(),
        ix.entries(),
        ix.heap_bytes() as f64 / 1e6,
        bytes.len() as f64 / 1e6,
        build.as_secs_f64(),
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
}
