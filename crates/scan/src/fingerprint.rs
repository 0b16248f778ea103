//! Copy detector (phát hiện sao chép tài liệu mật), scanner.md §4.5: winnowing (Schleimer,
//! Wilkerson, Aiken 2003) over **folded syllable tokens**, `k = 8`, `w = 14`.
//!
//! * Every shared run of ≥ 21 syllables shares ≥ 1 stored fingerprint; ≥ 50 syllables share ≥ 3
//!   (a guarantee of winnowing, not a probability).
//! * Hashes are **keyed** SipHash-1-3 (per-deployment 128-bit key): token hash = SipHash13(key,
//!   token bytes); k-gram hash = SipHash13(key, the k token hashes as little-endian u64). Never
//!   `DefaultHasher` (unspecified across Rust releases, stack.md §11.23); a keyed hash keeps the index
//!   of classified documents from being brute-forced over the small syllable vocabulary (§10.6).
//! * The index stores only winnowed fingerprints of registered documents; the query looks up
//!   **every** k-gram of the outgoing text, requires ≥ 3 offset-consistent hits (same diagonal band)
//!   and estimates the copied span from the matched positions.
//! * Fingerprints of an **allow corpus** of public texts (Constitution, national header, `Căn cứ …`
//!   preambles; shipped in `allow/`) never count, nor do fingerprints shared by more than
//!   `df_cap` registered documents.
//! * `query(text, max_level)` never reports documents above the caller's clearance.
//!
//! Layout (compact, ~4.2 bytes per stored fingerprint): a sorted run of `(fingerprint, global
//! position)` entries — the top 29 bits of the keyed hash, and the document's first position plus
//! the k-gram's position — whose high fingerprint bits are a unary bit vector (Elias–Fano) and whose
//! low bits and position share one packed word; documents are columns (ids, levels, bases, one
//! label string). Recent additions sit in a hash map delta merged in when it grows (or on
//! [`FingerprintIndex::compact`]).

use std::collections::{HashMap, HashSet};
use std::hash::Hasher;

use serde::{Deserialize, Serialize};
use siphasher::sip::SipHasher13;
use thiserror::Error;

use crate::normalize;

/// Noise threshold in syllables.
pub const K: usize = 8;
/// Winnowing window.
pub const W: usize = 14;
/// Minimum offset-consistent hits for a match.
pub const MIN_HITS: usize = 3;
const DIAGONAL_BAND: i64 = 12;
const FORMAT_MAGIC: &[u8; 8] = b"BMNNFPX\0";
const FORMAT_VERSION: u32 = 2;

/// The allow corpus shipped with the crate (public texts whose fingerprints never count).
pub fn allow_corpus() -> Vec<&'static str> {
    vec![
        include_str!("../allow/hien-phap-2013.txt"),
        include_str!("../allow/quoc-hieu-va-can-cu.txt"),
    ]
}

/// A passage of the query found in a registered document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyMatch {
    pub doc_id: i64,
    /// 1 Mật, 2 Tối mật, 3 Tuyệt mật.
    pub level: u8,
    pub label: String,
    /// Matched syllable span in the query, `[start, end)` in folded syllable tokens.
    pub query_start: usize,
    pub query_end: usize,
    /// Estimated number of copied syllables (sum over the consistent chains; matched span + k +
    /// half a window).
    pub copied_syllables: usize,
    /// Offset-consistent fingerprint hits.
    pub hits: usize,
    /// 0..=1: share of the expected k-gram hits over the copied span that were found.
    pub confidence: f32,
}

#[derive(Debug, Error)]
pub enum IndexError {
    #[error("tệp chỉ mục không hợp lệ: {0}")]
    Format(String),
    #[error("phiên bản chỉ mục {0} không được hỗ trợ")]
    Version(u32),
    #[error("khoá băm của chỉ mục không khớp")]
    WrongKey,
}

/// Registered documents, column by column (no per-document heap object).
#[derive(Debug, Clone, Default)]
struct Docs {
    ids: Vec<i64>,
    /// Level (1..=3) in the low bits, [`REMOVED`] when removed.
    levels: Vec<u8>,
    /// `bases[d]` = first global position of document `d`; one more entry: the total.
    bases: Vec<u64>,
    /// `labels[label_ends[d - 1]..label_ends[d]]` is document `d`'s label.
    label_ends: Vec<u32>,
    labels: String,
}

const REMOVED: u8 = 0x80;

impl Docs {
    fn len(&self) -> usize {
        self.ids.len()
    }
    fn push(&mut self, id: i64, level: u8, label: &str, syllables: u64, removed: bool) {
        if self.bases.is_empty() {
            self.bases.push(0);
        }
        let base = *self.bases.last().unwrap_or(&0);
        self.ids.push(id);
        self.levels
            .push((level & !REMOVED) | if removed { REMOVED } else { 0 });
        self.bases.push(base + syllables);
        self.labels.push_str(label);
        self.label_ends.push(self.labels.len() as u32);
    }
    fn removed(&self, d: u32) -> bool {
        self.levels[d as usize] & REMOVED != 0
    }
    fn level(&self, d: u32) -> u8 {
        self.levels[d as usize] & !REMOVED
    }
    fn label(&self, d: u32) -> &str {
        let d = d as usize;
        let s = if d == 0 {
            0
        } else {
            self.label_ends[d - 1] as usize
        };
        &self.labels[s..self.label_ends[d] as usize]
    }
    fn base(&self, d: u32) -> u64 {
        self.bases[d as usize]
    }
    fn syllables(&self, d: u32) -> u64 {
        self.bases[d as usize + 1] - self.bases[d as usize]
    }
    /// Total global positions (sum of all documents' syllables).
    fn total(&self) -> u64 {
        *self.bases.last().unwrap_or(&0)
    }
    /// The document holding global position `g` (< total).
    fn of(&self, g: u64) -> u32 {
        (self.bases.partition_point(|&b| b <= g) - 1) as u32
    }
    fn heap_bytes(&self) -> usize {
        self.ids.capacity() * 8
            + self.levels.capacity()
            + self.bases.capacity() * 8
            + self.label_ends.capacity() * 4
            + self.labels.capacity()
    }
}

/// Stored fingerprint bits: the top [`FP_BITS`] bits of the 64-bit keyed k-gram hash. With
/// 13 million stored fingerprints a looked-up k-gram meets a stray entry 2.5 % of the time; a
/// match needs three offset-consistent hits in one document, which stray entries (random
/// documents and positions) do not make.
const FP_BITS: u32 = 29;
/// Distance between sampled zeros of the bucket bit vector.
const SELECT_SAMPLE: u64 = 512;

/// Fixed-width integers packed into 64-bit words.
#[derive(Debug, Clone, Default)]
struct Packed {
    words: Vec<u64>,
    width: u32,
    len: usize,
}

impl Packed {
    fn with_capacity(width: u32, len: usize) -> Self {
        Packed {
            words: Vec::with_capacity((len * width as usize).div_ceil(64) + 1),
            width,
            len: 0,
        }
    }
    fn push(&mut self, v: u64) {
        let bit = self.len * self.width as usize;
        let (w, o) = (bit / 64, (bit % 64) as u32);
        while self.words.len() < (bit + self.width as usize).div_ceil(64) + 1 {
            self.words.push(0);
        }
        self.words[w] |= v << o;
        if o + self.width > 64 {
            self.words[w + 1] |= v >> (64 - o);
        }
        self.len += 1;
    }
    #[inline]
    fn get(&self, i: usize) -> u64 {
        let bit = i * self.width as usize;
        let (w, o) = (bit / 64, (bit % 64) as u32);
        let mask = if self.width == 64 {
            u64::MAX
        } else {
            (1u64 << self.width) - 1
        };
        let lo = self.words[w] >> o;
        let v = if o + self.width > 64 {
            lo | (self.words[w + 1] << (64 - o))
        } else {
            lo
        };
        v & mask
    }
}

/// The sorted, compacted part of the index: entries `(t, g)` — `t` the [`FP_BITS`]-bit stored
/// fingerprint, `g` the global position (document base + k-gram position) — sorted by `(t, g)`.
/// The high `hi_bits` of `t` are kept in unary in a bit vector (one 1 per entry, one 0 closing each
/// bucket: Elias–Fano's upper half); the low `lo_bits` of `t` and `g` share one packed word per
/// entry. About 32 + 1.3 bits per entry for 100,000 documents of 1,000 syllables, against 128 for
/// a `(u64, u32, u32)` row.
#[derive(Debug, Clone, Default)]
struct Main {
    n: usize,
    hi_bits: u32,
    lo_bits: u32,
    g_bits: u32,
    /// `n + 2^hi_bits` bits: entry `i` with high part `h` is bit `h + i`.
    upper: Vec<u64>,
    /// Bit position of zero number `j * SELECT_SAMPLE`.
    samples: Vec<u64>,
    /// `(low bits of t) << g_bits | g`.
    entries: Packed,
}

impl Main {
    fn build(n: usize, g_bits: u32, sorted: impl Iterator<Item = (u64, u64)>) -> Main {
        let hi_bits = (usize::BITS - n.max(1).leading_zeros()).clamp(8, FP_BITS);
        let lo_bits = FP_BITS - hi_bits;
        let nbits = n + (1usize << hi_bits);
        let mut upper = vec![0u64; nbits.div_ceil(64)];
        let mut entries = Packed::with_capacity(lo_bits + g_bits, n);
        let lo_mask = (1u64 << lo_bits) - 1;
        let mut i = 0usize;
        for (t, g) in sorted {
            let h = (t >> lo_bits) as usize;
            let bit = h + i;
            upper[bit / 64] |= 1 << (bit % 64);
            entries.push(((t & lo_mask) << g_bits) | g);
            i += 1;
        }
        debug_assert_eq!(i, n);
        let mut m = Main {
            n: i,
            hi_bits,
            lo_bits,
            g_bits,
            upper,
            samples: Vec::new(),
            entries,
        };
        m.sample();
        m
    }

    fn sample(&mut self) {
        let nbits = self.n + (1usize << self.hi_bits);
        let mut samples = Vec::with_capacity((1usize << self.hi_bits) / SELECT_SAMPLE as usize + 1);
        let mut zeros = 0u64;
        for (w, &word) in self.upper.iter().enumerate() {
            let mut z = !word;
            if (w + 1) * 64 > nbits {
                z &= (1u64 << (nbits - w * 64)) - 1;
            }
            while z != 0 {
                let b = z.trailing_zeros() as u64;
                if zeros.is_multiple_of(SELECT_SAMPLE) {
                    samples.push(w as u64 * 64 + b);
                }
                zeros += 1;
                z &= z - 1;
            }
        }
        self.samples = samples;
    }

    /// Bit position of zero number `k` (k < 2^hi_bits).
    fn select0(&self, k: u64) -> usize {
        let j = k / SELECT_SAMPLE;
        let mut p = self.samples[j as usize] as usize;
        let mut r = k - j * SELECT_SAMPLE;
        if r == 0 {
            return p;
        }
        p += 1;
        loop {
            let w = p / 64;
            let z = !self.upper[w] >> (p % 64);
            let c = z.count_ones() as u64;
            if c >= r {
                let mut z = z;
                for _ in 1..r {
                    z &= z - 1;
                }
                return p + z.trailing_zeros() as usize;
            }
            r -= c;
            p = (w + 1) * 64;
        }
    }

    /// Range of entries whose stored fingerprint has high part `h`.
    fn bucket(&self, h: u64) -> (usize, usize) {
        let p = if h == 0 { 0 } else { self.select0(h - 1) + 1 };
        // The bucket's entries are the ones from `p` to the next zero.
        let mut q = p;
        loop {
            let off = q % 64;
            let ones = (self.upper[q / 64] >> off).trailing_ones() as usize;
            q += ones;
            if ones < 64 - off {
                break;
            }
        }
        let start = p - h as usize;
        (start, start + (q - p))
    }

    /// Global positions stored under fingerprint `t`.
    fn lookup(&self, t: u64, out: &mut Vec<u64>) {
        if self.n == 0 {
            return;
        }
        let h = t >> self.lo_bits;
        let lo = t & ((1u64 << self.lo_bits) - 1);
        let (s, e) = self.bucket(h);
        let g_mask = (1u64 << self.g_bits) - 1;
        for i in s..e {
            let v = self.entries.get(i);
            if v >> self.g_bits == lo {
                out.push(v & g_mask);
            }
        }
    }

    /// All entries `(t, g)` in order.
    fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        let g_mask = (1u64 << self.g_bits) - 1;
        let mut pos = 0usize;
        (0..self.n).map(move |i| {
            loop {
                let w = pos / 64;
                let word = self.upper[w] >> (pos % 64);
                if word == 0 {
                    pos = (w + 1) * 64;
                    continue;
                }
                pos += word.trailing_zeros() as usize;
                break;
            }
            let h = (pos - i) as u64;
            pos += 1;
            let v = self.entries.get(i);
            ((h << self.lo_bits) | (v >> self.g_bits), v & g_mask)
        })
    }

    fn heap_bytes(&self) -> usize {
        self.upper.capacity() * 8 + self.samples.capacity() * 8 + self.entries.words.capacity() * 8
    }
}

/// Stored form of a 64-bit k-gram hash.
#[inline]
fn stored(fp: u64) -> u64 {
    fp >> (64 - FP_BITS)
}

fn bits_for(max: u64) -> u32 {
    (u64::BITS - max.leading_zeros()).max(1)
}

/// In-memory fingerprint index of registered classified documents (chỉ mục dấu vân tài liệu mật).
#[derive(Debug, Clone)]
pub struct FingerprintIndex {
    key: [u8; 16],
    docs: Docs,
    by_id: HashMap<i64, u32>,
    main: Main,
    /// Recent additions (full hash → (document, position)), merged into `main` by
    /// [`Self::compact`].
    delta: HashMap<u64, Vec<(u32, u32)>>,
    delta_len: usize,
    /// A document was removed since the last compaction (its entries are still in `main`).
    removed_pending: bool,
    allow: HashSet<u64>,
    /// Fingerprints in more registered documents than this are ignored (boilerplate).
    pub df_cap: usize,
}

impl FingerprintIndex {
    /// New empty index with the shipped allow corpus.
    pub fn new(key: [u8; 16]) -> Self {
        let mut ix = Self::new_without_allow(key);
        for t in allow_corpus() {
            ix.add_allow_text(t);
        }
        ix
    }

    /// New empty index with no allow corpus (tests, benchmarks).
    pub fn new_without_allow(key: [u8; 16]) -> Self {
        FingerprintIndex {
            key,
            docs: Docs::default(),
            by_id: HashMap::new(),
            main: Main::build(0, 1, std::iter::empty()),
            delta: HashMap::new(),
            delta_len: 0,
            removed_pending: false,
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
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of stored fingerprint entries.
    pub fn entries(&self) -> usize {
        self.main.n + self.delta_len
    }

    /// Heap size in bytes: every container of the index, by capacity (hash maps and sets at
    /// their bucket count with one control byte per bucket).
    pub fn heap_bytes(&self) -> usize {
        let map = |cap: usize, slot: usize| cap * (slot + 1);
        self.main.heap_bytes()
            + self.docs.heap_bytes()
            + map(self.by_id.capacity(), 16)
            + map(self.delta.capacity(), 32)
            + self.delta.values().map(|v| v.capacity() * 8).sum::<usize>()
            + map(self.allow.capacity(), 8)
    }

    /// Register (or replace) a classified document.
    /// `level`: 1 Mật, 2 Tối mật, 3 Tuyệt mật.
    pub fn add(&mut self, doc_id: i64, level: u8, label: String, text: &str) {
        self.remove(doc_id);
        let toks = token_strings(text);
        let hashes = self.kgram_hashes(&toks);
        let internal = self.docs.len() as u32;
        self.docs
            .push(doc_id, level, &label, toks.len() as u64, false);
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
            self.docs.levels[i as usize] |= REMOVED;
            self.removed_pending = true;
        }
    }

    /// Merge the delta into the sorted part and drop removed documents' entries.
    pub fn compact(&mut self) {
        let docs = &self.docs;
        let mut delta: Vec<(u64, u64)> = std::mem::take(&mut self.delta)
            .into_iter()
            .flat_map(|(fp, v)| {
                v.into_iter()
                    .filter(|&(d, _)| !docs.removed(d))
                    .map(move |(d, pos)| (stored(fp), docs.base(d) + pos as u64))
            })
            .collect();
        self.delta_len = 0;
        delta.sort_unstable();
        let purge = self.removed_pending;
        let live = |&(_, g): &(u64, u64)| !purge || !docs.removed(docs.of(g));
        let n = self.main.iter().filter(live).count() + delta.len();
        let g_bits = bits_for(docs.total());
        let main = {
            let mut a = self.main.iter().filter(live).peekable();
            let mut b = delta.into_iter().peekable();
            let merged = std::iter::from_fn(|| match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x <= y => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, _) => b.next(),
            });
            Main::build(n, g_bits, merged)
        };
        self.main = main;
        self.removed_pending = false;
    }

    /// `(document, position)` of every stored entry with the k-gram hash `fp`.
    fn lookup(&self, fp: u64, out: &mut Vec<(u32, u32)>, scratch: &mut Vec<u64>) {
        out.clear();
        scratch.clear();
        self.main.lookup(stored(fp), scratch);
        for &g in scratch.iter() {
            let d = self.docs.of(g);
            out.push((d, (g - self.docs.base(d)) as u32));
        }
        if let Some(v) = self.delta.get(&fp) {
            out.extend_from_slice(v);
        }
    }

    /// Find registered passages in `text`, reporting only documents with `level <= max_level`.
    pub fn query(&self, text: &str, max_level: u8) -> Vec<CopyMatch> {
        let toks = token_strings(text);
        let hashes = self.kgram_hashes(&toks);
        // doc → (query pos, index pos)
        let mut hits: HashMap<u32, Vec<(i64, i64)>> = HashMap::new();
        let mut postings = Vec::new();
        let mut scratch = Vec::new();
        let mut distinct: Vec<u32> = Vec::new();
        // Looked up in hash order: neighbouring lookups touch neighbouring parts of the index
        // (the answer does not depend on the order: hits are sorted per document below).
        let mut order: Vec<(u64, usize)> =
            hashes.iter().enumerate().map(|(q, &h)| (h, q)).collect();
        order.sort_unstable();
        for &(fp, qpos) in &order {
            if self.allow.contains(&fp) {
                continue;
            }
            self.lookup(fp, &mut postings, &mut scratch);
            if postings.is_empty() {
                continue;
            }
            distinct.clear();
            distinct.extend(postings.iter().map(|e| e.0));
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() > self.df_cap {
                continue;
            }
            for &(doc, pos) in &postings {
                if self.docs.removed(doc) || self.docs.level(doc) > max_level {
                    continue;
                }
                hits.entry(doc).or_default().push((qpos as i64, pos as i64));
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
            out.push(CopyMatch {
                doc_id: self.docs.ids[doc as usize],
                level: self.docs.level(doc),
                label: self.docs.label(doc).to_owned(),
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

    /// Serialise (versioned little-endian format; the caller encrypts it). The key is not stored,
    /// only a check value so that loading with another key fails.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut ix = self.clone();
        ix.compact();
        let m = &ix.main;
        let mut b = Vec::with_capacity(64 + m.entries.words.len() * 8 + m.upper.len() * 8);
        b.extend_from_slice(FORMAT_MAGIC);
        b.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        b.extend_from_slice(&(K as u32).to_le_bytes());
        b.extend_from_slice(&(W as u32).to_le_bytes());
        b.extend_from_slice(&ix.sip(b"bmnn-fp-key-check").to_le_bytes());
        b.extend_from_slice(&(ix.df_cap as u64).to_le_bytes());
        b.extend_from_slice(&(ix.docs.len() as u64).to_le_bytes());
        for d in 0..ix.docs.len() as u32 {
            b.extend_from_slice(&ix.docs.ids[d as usize].to_le_bytes());
            b.push(ix.docs.level(d));
            b.push(u8::from(ix.docs.removed(d)));
            b.extend_from_slice(&(ix.docs.syllables(d) as u32).to_le_bytes());
            let label = ix.docs.label(d);
            b.extend_from_slice(&(label.len() as u32).to_le_bytes());
            b.extend_from_slice(label.as_bytes());
        }
        // Entries as (stored fingerprint, global position), in order.
        b.extend_from_slice(&(m.n as u64).to_le_bytes());
        for (t, g) in m.iter() {
            b.extend_from_slice(&(t as u32).to_le_bytes());
            b.extend_from_slice(&g.to_le_bytes());
        }
        b.extend_from_slice(&(ix.allow.len() as u64).to_le_bytes());
        let mut allow: Vec<u64> = ix.allow.iter().copied().collect();
        allow.sort_unstable();
        for a in allow {
            b.extend_from_slice(&a.to_le_bytes());
        }
        b
    }

    /// Load an index written by [`Self::to_bytes`] with the same key.
    pub fn from_bytes(bytes: &[u8], key: [u8; 16]) -> Result<Self, IndexError> {
        let mut r = ByteReader { b: bytes, at: 0 };
        if r.take(8)? != FORMAT_MAGIC {
            return Err(IndexError::Format("sai mã nhận dạng".into()));
        }
        let version = r.u32()?;
        if version != FORMAT_VERSION {
            return Err(IndexError::Version(version));
        }
        if r.u32()? as usize != K || r.u32()? as usize != W {
            return Err(IndexError::Format("tham số k/w khác".into()));
        }
        let mut ix = FingerprintIndex::new_without_allow(key);
        if r.u64()? != ix.sip(b"bmnn-fp-key-check") {
            return Err(IndexError::WrongKey);
        }
        ix.df_cap = r.u64()? as usize;
        let ndocs = r.u64()? as usize;
        if ndocs > bytes.len() / 18 {
            return Err(IndexError::Format("số tài liệu".into()));
        }
        for i in 0..ndocs {
            let id = r.u64()? as i64;
            let level = r.take(1)?[0];
            let removed = r.take(1)?[0] != 0;
            let syllables = r.u32()?;
            let len = r.u32()? as usize;
            let label =
                std::str::from_utf8(r.take(len)?).map_err(|_| IndexError::Format("nhãn".into()))?;
            if !removed {
                ix.by_id.insert(id, i as u32);
            }
            ix.docs.push(id, level, label, syllables as u64, removed);
        }
        let n = r.u64()? as usize;
        if n > bytes.len() / 12 {
            return Err(IndexError::Format("số mục".into()));
        }
        let total = ix.docs.total();
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            let t = r.u32()? as u64;
            let g = r.u64()?;
            if g >= total || t >> FP_BITS != 0 {
                return Err(IndexError::Format("mã tài liệu".into()));
            }
            rows.push((t, g));
        }
        if rows.windows(2).any(|w| w[0] > w[1]) {
            rows.sort_unstable();
        }
        ix.main = Main::build(n, bits_for(total), rows.into_iter());
        let na = r.u64()? as usize;
        if na > bytes.len() / 8 {
            return Err(IndexError::Format("số mục cho phép".into()));
        }
        for _ in 0..na {
            ix.allow.insert(r.u64()?);
        }
        Ok(ix)
    }
}

struct ByteReader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> ByteReader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], IndexError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.b.len())
            .ok_or_else(|| IndexError::Format("cụt".into()))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, IndexError> {
        Ok(u32::from_le_bytes(
            self.take(4)?
                .try_into()
                .map_err(|_| IndexError::Format("u32".into()))?,
        ))
    }
    fn u64(&mut self) -> Result<u64, IndexError> {
        Ok(u64::from_le_bytes(
            self.take(8)?
                .try_into()
                .map_err(|_| IndexError::Format("u64".into()))?,
        ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winnow_density_and_guarantee() {
        let hashes: Vec<u64> = (0..10_000u64)
            .map(|i| {
                let mut z = i.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^ (z >> 31)
            })
            .collect();
        let fp = winnow(&hashes);
        let density = fp.len() as f64 / hashes.len() as f64;
        assert!((density - 2.0 / 15.0).abs() < 0.02, "density {density}");
        // Every window has a selected position inside it.
        for s in 0..hashes.len() - W {
            assert!(fp.iter().any(|(p, _)| *p >= s && *p < s + W));
        }
    }

    #[test]
    fn keyed_hash_depends_on_key() {
        let a = FingerprintIndex::new_without_allow([1; 16]);
        let b = FingerprintIndex::new_without_allow([2; 16]);
        let t = token_strings("một hai ba bốn năm sáu bảy tám chín mười");
        assert_ne!(a.kgram_hashes(&t), b.kgram_hashes(&t));
        assert_eq!(a.kgram_hashes(&t), a.kgram_hashes(&t));
    }
}
