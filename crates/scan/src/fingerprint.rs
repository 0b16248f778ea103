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
//! Layout: a sorted run of `(fingerprint, doc, pos)` entries with a 2^20-slot directory on the top
//! bits, plus an unsorted delta that is merged in when it grows (or on [`FingerprintIndex::compact`]).

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
const DIR_BITS: u32 = 20;
const DIAGONAL_BAND: i64 = 12;
const FORMAT_MAGIC: &[u8; 8] = b"BMNNFPX\0";
const FORMAT_VERSION: u32 = 1;

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
        for t in allow_corpus() {
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

    /// Serialise (versioned little-endian format; the caller encrypts it). The key is not stored,
    /// only a check value so that loading with another key fails.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut ix = self.clone();
        ix.compact();
        let mut b = Vec::with_capacity(64 + ix.main.len() * 16);
        b.extend_from_slice(FORMAT_MAGIC);
        b.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        b.extend_from_slice(&(K as u32).to_le_bytes());
        b.extend_from_slice(&(W as u32).to_le_bytes());
        b.extend_from_slice(&ix.sip(b"bmnn-fp-key-check").to_le_bytes());
        b.extend_from_slice(&(ix.df_cap as u64).to_le_bytes());
        b.extend_from_slice(&(ix.docs.len() as u64).to_le_bytes());
        for d in &ix.docs {
            b.extend_from_slice(&d.id.to_le_bytes());
            b.push(d.level);
            b.push(u8::from(d.removed));
            b.extend_from_slice(&d.syllables.to_le_bytes());
            b.extend_from_slice(&(d.label.len() as u32).to_le_bytes());
            b.extend_from_slice(d.label.as_bytes());
        }
        b.extend_from_slice(&(ix.main.len() as u64).to_le_bytes());
        for e in &ix.main {
            b.extend_from_slice(&e.fp.to_le_bytes());
            b.extend_from_slice(&e.doc.to_le_bytes());
            b.extend_from_slice(&e.pos.to_le_bytes());
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
        for i in 0..ndocs {
            let id = r.u64()? as i64;
            let level = r.take(1)?[0];
            let removed = r.take(1)?[0] != 0;
            let syllables = r.u32()?;
            let len = r.u32()? as usize;
            let label = String::from_utf8(r.take(len)?.to_vec())
                .map_err(|_| IndexError::Format("nhãn".into()))?;
            if !removed {
                ix.by_id.insert(id, i as u32);
            }
            ix.docs.push(DocMeta {
                id,
                level,
                label,
                syllables,
                removed,
            });
        }
        let n = r.u64()? as usize;
        if n > bytes.len() / 16 {
            return Err(IndexError::Format("số mục".into()));
        }
        ix.main.reserve(n);
        for _ in 0..n {
            let fp = r.u64()?;
            let doc = r.u32()?;
            let pos = r.u32()?;
            if doc as usize >= ix.docs.len() {
                return Err(IndexError::Format("mã tài liệu".into()));
            }
            ix.main.push(Entry { fp, doc, pos });
        }
        if ix.main.windows(2).any(|w| w[0] > w[1]) {
            ix.main.sort_unstable();
        }
        let na = r.u64()? as usize;
        if na > bytes.len() / 8 {
            return Err(IndexError::Format("số mục cho phép".into()));
        }
        for _ in 0..na {
            ix.allow.insert(r.u64()?);
        }
        ix.rebuild_dir();
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
