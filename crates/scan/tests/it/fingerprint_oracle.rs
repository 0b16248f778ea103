//! The copy index as it was before the compact layout (64-bit fingerprints in `(fp, doc, pos)`
//! rows), kept as a test oracle: the compact index must give the same answers
//! (`fingerprint_props.rs`). Not used by the product.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::hash::Hasher;

use siphasher::sip::SipHasher13;

use bmnn_scan::CopyMatch;

use bmnn_scan::normalize;

/// Noise threshold in syllables.
pub const K: usize = 8;
/// Winnowing window.
pub const W: usize = 14;
/// Minimum offset-consistent hits for a match.
pub const MIN_HITS: usize = 3;
const DIR_BITS: u32 = 20;
const DIAGONAL_BAND: i64 = 12;

#[derive(Debug, Clone, PartialEq)]
struct DocMeta {
    id: i64,
    level: u8,
    label: String,
    syllables: u32,
    removed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    fp: u64,
    doc: u32,
    pos: u32,
}

/// In-memory fingerprint index of registered classified documents (chỉ mục dấu vân tài liệu mật).
#[derive(Debug, Clone)]
pub struct FingerprintIndex {
    key: [u8; 16],
    docs: Vec<DocMeta>,
    by_id: HashMap<i64, u32>,
    main: Vec<Entry>,
    dir: Vec<u32>,
    /// Recent additions, merged into `main` by [`Self::compact`].
    delta: HashMap<u64, Vec<(u32, u32)>>,
    delta_len: usize,
    allow: HashSet<u64>,
    /// Fingerprints in more registered documents than this are ignored (boilerplate).
    pub df_cap: usize,
}

impl FingerprintIndex {
    /// New empty index with the shipped allow corpus.
    pub fn new(key: [u8; 16]) -> Self {
        let mut ix = Self::new_without_allow(key);
        for t in bmnn_scan::fingerprint::allow_corpus() {
            ix.add_allow_text(t);
        }
        ix
    }

    /// New empty index with no allow corpus (tests, benchmarks).
    pub fn new_without_allow(key: [u8; 16]) -> Self {
        FingerprintIndex {
            key,
            docs: Vec::new(),
            by_id: HashMap::new(),
            main: Vec::new(),
            dir: vec![0; (1 << DIR_BITS) + 1],
            delta: HashMap::new(),
            delta_len: 0,
            allow: HashSet::new(),
            df_cap: 50,
        }
    }

    /// Add a public text whose k-grams must never count as evidence.
    pub fn add_allow_text(&mut self, text: &str) {
        let hashes = self.kgram_hashes(&token_strings(text));
        self.allow.extend(hashes);
    }

    /// Number of live registered documents.
    pub fn len(&self) -> usize {
        self.docs.iter().filter(|d| !d.removed).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of stored fingerprint entries.
    pub fn entries(&self) -> usize {
        self.main.len() + self.delta_len
    }

    /// Approximate heap size in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.main.capacity() * std::mem::size_of::<Entry>()
            + self.delta_len * 8
            + self.delta.len() * 40
            + self.dir.len() * 4
            + self.allow.len() * 16
            + self.docs.iter().map(|d| d.label.len() + 48).sum::<usize>()
    }

    /// Register (or replace) a classified document.
    /// `level`: 1 Mật, 2 Tối mật, 3 Tuyệt mật.
    pub fn add(&mut self, doc_id: i64, level: u8, label: String, text: &str) {
        self.remove(doc_id);
        let toks = token_strings(text);
        let hashes = self.kgram_hashes(&toks);
        let internal = self.docs.len() as u32;
        self.docs.push(DocMeta {
            id: doc_id,
            level,
            label,
            syllables: toks.len() as u32,
            removed: false,
        });
        self.by_id.insert(doc_id, internal);
        for (pos, fp) in winnow(&hashes) {
            if !self.allow.contains(&fp) {
                self.delta
                    .entry(fp)
                    .or_default()
                    .push((internal, pos as u32));
                self.delta_len += 1;
            }
        }
        if self.delta_len > 1 << 20 {
            self.compact();
        }
    }

    /// Remove a registered document (its entries are dropped at the next compaction).
    pub fn remove(&mut self, doc_id: i64) {
        if let Some(i) = self.by_id.remove(&doc_id) {
            self.docs[i as usize].removed = true;
        }
    }

    /// Merge the delta into the sorted run and drop removed documents' entries.
    pub fn compact(&mut self) {
        let docs = &self.docs;
        let mut delta: Vec<Entry> = std::mem::take(&mut self.delta)
            .into_iter()
            .flat_map(|(fp, v)| v.into_iter().map(move |(doc, pos)| Entry { fp, doc, pos }))
            .filter(|e| !docs[e.doc as usize].removed)
            .collect();
        self.delta_len = 0;
        delta.sort_unstable();
        let mut main = std::mem::take(&mut self.main);
        main.retain(|e| !docs[e.doc as usize].removed);
        let mut merged = Vec::with_capacity(main.len() + delta.len());
        let (mut i, mut j) = (0, 0);
        while i < main.len() && j < delta.len() {
            if main[i] <= delta[j] {
                merged.push(main[i]);
                i += 1;
            } else {
                merged.push(delta[j]);
                j += 1;
            }
        }
        merged.extend_from_slice(&main[i..]);
        merged.extend_from_slice(&delta[j..]);
        self.main = merged;
        self.rebuild_dir();
    }

    fn rebuild_dir(&mut self) {
        let mut dir = vec![0u32; (1 << DIR_BITS) + 1];
        for e in &self.main {
            dir[(e.fp >> (64 - DIR_BITS)) as usize + 1] += 1;
        }
        for i in 1..dir.len() {
            dir[i] += dir[i - 1];
        }
        self.dir = dir;
    }

    fn lookup(&self, fp: u64, out: &mut Vec<Entry>) {
        out.clear();
        let b = (fp >> (64 - DIR_BITS)) as usize;
        let (s, e) = (self.dir[b] as usize, self.dir[b + 1] as usize);
        if s < e && e <= self.main.len() {
            let slice = &self.main[s..e];
            let start = slice.partition_point(|x| x.fp < fp);
            out.extend(slice[start..].iter().take_while(|x| x.fp == fp).copied());
        }
        if let Some(v) = self.delta.get(&fp) {
            out.extend(v.iter().map(|&(doc, pos)| Entry { fp, doc, pos }));
        }
    }

    /// Find registered passages in `text`, reporting only documents with `level <= max_level`.
    pub fn query(&self, text: &str, max_level: u8) -> Vec<CopyMatch> {
        let toks = token_strings(text);
        let hashes = self.kgram_hashes(&toks);
        // doc → (query pos, index pos)
        let mut hits: HashMap<u32, Vec<(i64, i64)>> = HashMap::new();
        let mut postings = Vec::new();
        for (qpos, fp) in hashes.iter().enumerate() {
            if self.allow.contains(fp) {
                continue;
            }
            self.lookup(*fp, &mut postings);
            let mut distinct: Vec<u32> = postings.iter().map(|e| e.doc).collect();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() > self.df_cap {
                continue;
            }
            for e in &postings {
                let d = &self.docs[e.doc as usize];
                if d.removed || d.level > max_level {
                    continue;
                }
                hits.entry(e.doc)
                    .or_default()
                    .push((qpos as i64, e.pos as i64));
            }
        }
        let mut out: Vec<CopyMatch> = Vec::new();
        for (doc, mut hs) in hits {
            hs.sort_unstable();
            hs.dedup();
            let chains = chains(&hs);
            let good: Vec<&Vec<(i64, i64)>> =
                chains.iter().filter(|c| c.len() >= MIN_HITS).collect();
            if good.is_empty() {
                continue;
            }
            let mut copied = 0usize;
            let mut qs = i64::MAX;
            let mut qe = 0i64;
            let mut nh = 0usize;
            let mut expected = 0f32;
            for c in &good {
                let (q0, q1) = (
                    c.iter().map(|h| h.0).min().unwrap_or(0),
                    c.iter().map(|h| h.0).max().unwrap_or(0),
                );
                let (i0, i1) = (
                    c.iter().map(|h| h.1).min().unwrap_or(0),
                    c.iter().map(|h| h.1).max().unwrap_or(0),
                );
                // Hits fall only on stored (winnowed) positions, so the copied run extends on
                // average about half a window beyond the outermost hits.
                copied += ((i1 - i0).max(q1 - q0) as usize) + K + W.div_ceil(2);
                qs = qs.min(q0);
                qe = qe.max(q1 + K as i64);
                nh += c.len();
                expected += ((q1 - q0) as f32 + 1.0) * 2.0 / (W as f32 + 1.0);
            }
            let d = &self.docs[doc as usize];
            out.push(CopyMatch {
                doc_id: d.id,
                level: d.level,
                label: d.label.clone(),
                query_start: qs as usize,
                query_end: (qe as usize).min(toks.len()),
                copied_syllables: copied,
                hits: nh,
                confidence: (nh as f32 / expected.max(1.0)).min(1.0),
            });
        }
        out.sort_by(|a, b| {
            b.copied_syllables
                .cmp(&a.copied_syllables)
                .then(a.doc_id.cmp(&b.doc_id))
        });
        // The same registered text under two ids: one alert for the same query span (F10).
        let mut seen: Vec<(usize, usize)> = Vec::new();
        out.retain(|m| {
            let dup = seen
                .iter()
                .any(|&(s, e)| s == m.query_start && e == m.query_end);
            if !dup {
                seen.push((m.query_start, m.query_end));
            }
            !dup
        });
        out
    }

    fn kgram_hashes(&self, toks: &[String]) -> Vec<u64> {
        let th: Vec<u64> = toks.iter().map(|t| self.sip(t.as_bytes())).collect();
        if th.len() < K {
            return Vec::new();
        }
        th.windows(K)
            .map(|w| {
                let mut h = SipHasher13::new_with_key(&self.key);
                for x in w {
                    h.write(&x.to_le_bytes());
                }
                h.finish()
            })
            .collect()
    }

    fn sip(&self, b: &[u8]) -> u64 {
        let mut h = SipHasher13::new_with_key(&self.key);
        h.write(b);
        h.finish()
    }
}

/// Folded syllable tokens of a text.
pub fn token_strings(text: &str) -> Vec<String> {
    let f = normalize::fold(text);
    normalize::tokens(&f)
        .into_iter()
        .map(|(s, e)| f[s..e].to_owned())
        .collect()
}

/// Winnowing: the minimum hash of every window of `W` k-gram hashes (rightmost on ties), each
/// selected position recorded once.
pub fn winnow(hashes: &[u64]) -> Vec<(usize, u64)> {
    let mut out: Vec<(usize, u64)> = Vec::new();
    if hashes.is_empty() {
        return out;
    }
    if hashes.len() <= W {
        let (i, h) = hashes
            .iter()
            .enumerate()
            .rev()
            .min_by_key(|(_, h)| **h)
            .map(|(i, h)| (i, *h))
            .unwrap_or((0, 0));
        out.push((i, h));
        return out;
    }
    let mut last: Option<usize> = None;
    for start in 0..=hashes.len() - W {
        let mut best = start;
        for i in start..start + W {
            if hashes[i] <= hashes[best] {
                best = i;
            }
        }
        if last != Some(best) {
            out.push((best, hashes[best]));
            last = Some(best);
        }
    }
    out
}

/// Split sorted hits into chains of consistent diagonals (index pos − query pos within a band,
/// query gaps bounded), tolerating small edits between them.
fn chains(hs: &[(i64, i64)]) -> Vec<Vec<(i64, i64)>> {
    let mut by_diag: Vec<(i64, i64, i64)> = hs.iter().map(|&(q, i)| (i - q, q, i)).collect();
    by_diag.sort_unstable();
    let mut out: Vec<Vec<(i64, i64)>> = Vec::new();
    let mut cur: Vec<(i64, i64)> = Vec::new();
    let mut last_diag = i64::MIN;
    for (d, q, i) in by_diag {
        if !cur.is_empty() && d - last_diag > DIAGONAL_BAND {
            out.push(std::mem::take(&mut cur));
        }
        cur.push((q, i));
        last_diag = d;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    // Within a diagonal cluster, split where the query positions are far apart (two separate copies).
    let mut split = Vec::new();
    for mut c in out {
        c.sort_unstable();
        let mut part: Vec<(i64, i64)> = Vec::new();
        for h in c {
            if let Some(p) = part.last()
                && h.0 - p.0 > (3 * W) as i64
            {
                split.push(std::mem::take(&mut part));
            }
            part.push(h);
        }
        if !part.is_empty() {
            split.push(part);
        }
    }
    // Count distinct index positions only.
    for c in &mut split {
        c.dedup_by_key(|h| h.1);
    }
    split
}
