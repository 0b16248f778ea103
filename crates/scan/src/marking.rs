//! Marking detector (phát hiện dấu chỉ độ mật), scanner.md §3.
//!
//! Not a substring search. The pipeline per document:
//!
//! 1. **Candidate generation**: one Aho–Corasick automaton over the *compact folded* phrases (marks
//!    and spaces removed, `tuyetmat`, `bansaoso`, …) runs over the compact folded text of every block;
//!    single-syllable markings (`MẬT`) are never searched in running text — they are a hash lookup on
//!    short blocks only.
//! 2. **Block-level test**: the block (a unit, or a shape/cell group, or two adjacent short lines)
//!    must *be* the marking once bullets, quotes, punctuation and a leading `Độ mật:` field label are
//!    removed; copy/recall stamps may be followed by a number or date.
//! 3. **Exact-view verification**: when the block carries diacritics they must be the marking's
//!    (`MẬT` ≠ `MẶT`/`MẤT`/`MÁT`); a block with no diacritics at all is accepted only in capitals (or
//!    in a diacritic-less document) with medium confidence.
//! 4. **Context score**: upper case, bold, red, boxed, header/footer raise the confidence.
//!
//! The marking list is data ([`MarkingSpec`]) passed in by the caller from the regime's stamp data;
//! [`MarkingSpec::default_set`] is a documented fallback for tests and stand-alone use.
//! Blocks that fail the test produce nothing, so prose *about* the levels (a law, a catalogue title,
//! "đóng dấu “MẬT”") never flags.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::{Deserialize, Serialize};

use crate::legacy;
use crate::model::{Extracted, Part, TextUnit};
use crate::normalize::{self, fold, has_diacritics};

/// Classification level (độ mật), ordered: Mật < Tối mật < Tuyệt mật.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecrecyLevel {
    /// Mật.
    Mat = 1,
    /// Tối mật.
    ToiMat = 2,
    /// Tuyệt mật.
    TuyetMat = 3,
}

impl SecrecyLevel {
    /// Vietnamese name ("Tối mật").
    pub fn name_vi(self) -> &'static str {
        match self {
            SecrecyLevel::Mat => "Mật",
            SecrecyLevel::ToiMat => "Tối mật",
            SecrecyLevel::TuyetMat => "Tuyệt mật",
        }
    }

    /// From the numeric code used by the index (1 Mật, 2 Tối mật, 3 Tuyệt mật).
    pub fn from_u8(n: u8) -> Option<Self> {
        match n {
            1 => Some(SecrecyLevel::Mat),
            2 => Some(SecrecyLevel::ToiMat),
            3 => Some(SecrecyLevel::TuyetMat),
            _ => None,
        }
    }
}

/// What a stamp means (loại dấu).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "level")]
pub enum MarkingKind {
    /// Dấu chỉ độ mật (TT24 Mẫu 02) — blocks.
    Level(SecrecyLevel),
    /// Dấu bản sao (`BẢN SAO SỐ`, `Bản sao bí mật nhà nước`) — blocks.
    CopyStamp,
    /// Dấu thu hồi (`TÀI LIỆU THU HỒI`) — blocks.
    Recall,
    /// Dấu `CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ` — blocks.
    NamedRecipient,
    /// Dấu giải mật (`GIẢI MẬT`) — reported for review, not blocked (§3.4 N5, policy).
    Declassified,
    /// Thời hạn bảo vệ / gia hạn — supporting evidence, review.
    Period,
    /// Điều chỉnh độ mật — supporting evidence, review.
    Adjustment,
    /// Lưu hành nội bộ / không phổ biến — internal, review.
    Internal,
}

impl MarkingKind {
    /// Whether a standalone stamp of this kind blocks the file.
    pub fn blocks(self) -> bool {
        matches!(
            self,
            MarkingKind::Level(_)
                | MarkingKind::CopyStamp
                | MarkingKind::Recall
                | MarkingKind::NamedRecipient
        )
    }

    /// Whether a number/date may follow the phrase in the same block (`BẢN SAO SỐ: 03`).
    fn allows_tail(self) -> bool {
        matches!(
            self,
            MarkingKind::CopyStamp
                | MarkingKind::Recall
                | MarkingKind::Period
                | MarkingKind::Adjustment
        )
    }

    /// Vietnamese description used in reasons.
    pub fn vi(self) -> String {
        match self {
            MarkingKind::Level(_) => "dấu chỉ độ mật".into(),
            MarkingKind::CopyStamp => "dấu bản sao tài liệu bí mật".into(),
            MarkingKind::Recall => "dấu thu hồi tài liệu".into(),
            MarkingKind::NamedRecipient => "dấu chỉ người có tên mới được bóc bì".into(),
            MarkingKind::Declassified => "dấu giải mật".into(),
            MarkingKind::Period => "dấu thời hạn bảo vệ bí mật nhà nước".into(),
            MarkingKind::Adjustment => "dấu điều chỉnh độ mật".into(),
            MarkingKind::Internal => "ghi chú lưu hành hạn chế".into(),
        }
    }
}

/// One stamp phrase as printed (the caller loads these from the regime's stamp data in `rules/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkingSpec {
    /// Stamp text in Unicode with diacritics (`TỐI MẬT`).
    pub text: String,
    pub kind: MarkingKind,
}

impl MarkingSpec {
    pub fn new(text: &str, kind: MarkingKind) -> Self {
        MarkingSpec {
            text: text.to_owned(),
            kind,
        }
    }

    /// Fallback set for tests and stand-alone use (TT24/2020 forms 02, 05–09, 11 as summarised in
    /// scanner.md §1.1). The application must pass the list from the regime's stamp data instead,
    /// because the 2026 regime (ND 63/2026) may rename or add stamps.
    pub fn default_set() -> Vec<MarkingSpec> {
        use MarkingKind as K;
        use SecrecyLevel as L;
        vec![
            MarkingSpec::new("TUYỆT MẬT", K::Level(L::TuyetMat)),
            MarkingSpec::new("TỐI MẬT", K::Level(L::ToiMat)),
            MarkingSpec::new("MẬT", K::Level(L::Mat)),
            MarkingSpec::new("BẢN SAO SỐ", K::CopyStamp),
            MarkingSpec::new("BẢN TRÍCH SAO SỐ", K::CopyStamp),
            MarkingSpec::new("BẢN SAO BÍ MẬT NHÀ NƯỚC", K::CopyStamp),
            MarkingSpec::new("TÀI LIỆU THU HỒI", K::Recall),
            MarkingSpec::new("THU HỒI", K::Recall),
            MarkingSpec::new("CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ", K::NamedRecipient),
            MarkingSpec::new("GIẢI MẬT", K::Declassified),
            MarkingSpec::new("THỜI HẠN BẢO VỆ BÍ MẬT NHÀ NƯỚC", K::Period),
            MarkingSpec::new("GIA HẠN THỜI HẠN BẢO VỆ BÍ MẬT NHÀ NƯỚC", K::Period),
            MarkingSpec::new("ĐIỀU CHỈNH ĐỘ MẬT", K::Adjustment),
            MarkingSpec::new("LƯU HÀNH NỘI BỘ", K::Internal),
        ]
    }
}

/// How sure the detector is (độ tin cậy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Medium,
    High,
}

/// One detected marking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkingHit {
    pub kind: MarkingKind,
    /// The spec phrase that matched (`TỐI MẬT`).
    pub spec: String,
    /// The matched text as it appears in the (repaired) file, never more than the stamp block.
    pub evidence: String,
    /// Index of the first unit of the block in [`Extracted::units`].
    pub unit: usize,
    /// Byte range of the evidence in that unit's text.
    pub start: usize,
    pub end: usize,
    pub confidence: Confidence,
    /// Look-alike characters from another script were used (possible evasion).
    pub evasion: bool,
    /// The block had to be decoded from an untyped legacy encoding (TCVN3/VNI/VIQR).
    pub legacy_guess: bool,
}

struct Prepared {
    spec: MarkingSpec,
    /// Compact folded form (`toimat`).
    folded: String,
    /// Compact exact form, lower-case NFC (`tốimật`).
    exact: String,
    /// More than one syllable (searched by the automaton; single syllables only by equality).
    multi: bool,
}

/// The compiled detector for one marking list.
pub struct MarkingDetector {
    specs: Vec<Prepared>,
    /// AC over compact folded multi-syllable phrases (candidate generation).
    ac: Option<AhoCorasick>,
    /// AC over the folded phrases with spaces, word-bounded (for throughput benchmarks).
    ac_spaced: Option<AhoCorasick>,
    spaced_patterns: Vec<String>,
    max_folded_len: usize,
}

fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn exact_lower(s: &str) -> String {
    normalize::views(s).exact.text
}

impl MarkingDetector {
    pub fn new(specs: &[MarkingSpec]) -> Self {
        let mut prepared: Vec<Prepared> = specs
            .iter()
            .filter(|s| !s.text.trim().is_empty())
            .map(|s| Prepared {
                spec: s.clone(),
                folded: compact(&fold(&s.text)),
                exact: compact(&exact_lower(&s.text)),
                multi: fold(&s.text).contains(' '),
            })
            .collect();
        // Longest first, so TUYỆT MẬT wins over MẬT and TÀI LIỆU THU HỒI over THU HỒI.
        prepared.sort_by_key(|p| std::cmp::Reverse(p.folded.len()));
        let multi: Vec<String> = prepared
            .iter()
            .filter(|p| fold(&p.spec.text).contains(' '))
            .map(|p| p.folded.clone())
            .collect();
        let spaced: Vec<String> = prepared
            .iter()
            .filter(|p| fold(&p.spec.text).contains(' '))
            .map(|p| fold(&p.spec.text))
            .collect();
        let build = |pats: &[String]| {
            if pats.is_empty() {
                None
            } else {
                // A full DFA: one table load per byte once the prefilter stops; the automaton
                // for a dozen stamp phrases is a few kilobytes (the default builder would pick a
                // slower contiguous NFA).
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(pats)
                    .ok()
            }
        };
        let max_folded_len = prepared.iter().map(|p| p.folded.len()).max().unwrap_or(0);
        MarkingDetector {
            ac: build(&multi),
            ac_spaced: build(&spaced),
            spaced_patterns: spaced,
            specs: prepared,
            max_folded_len,
        }
    }

    /// The folded multi-syllable phrases used for the throughput benchmark (`rg -F -f` peer).
    pub fn spaced_patterns(&self) -> &[String] {
        &self.spaced_patterns
    }

    /// Count word-bounded phrase occurrences in already folded text (benchmark/peer comparison:
    /// the counts equal `rg -F -w --count-matches` on the same text).
    pub fn count_phrases_folded(&self, folded: &str) -> usize {
        let Some(ac) = &self.ac_spaced else { return 0 };
        let b = folded.as_bytes();
        ac.find_iter(folded)
            .filter(|m| {
                let before = m.start() == 0 || !b[m.start() - 1].is_ascii_alphanumeric();
                let after = m.end() == b.len() || !b[m.end()].is_ascii_alphanumeric();
                before && after
            })
            .count()
    }

    /// Detect markings in an extracted document.
    pub fn detect(&self, doc: &Extracted) -> Vec<MarkingHit> {
        let units = &doc.units;
        let doc_has_diacritics = units.iter().any(|u| has_diacritics(&u.text));
        let mut hits = Vec::new();
        let mut matched = vec![false; units.len()];
        let mut quick = String::new();

        // Multi-line stamps first (§3.2 rule 6), so `TUYỆT` / `MẬT` is one TUYỆT MẬT and not a MẬT:
        // a whole shape/cell group, then two adjacent short lines of one part/page, then single units.
        let mut i = 0;
        while i < units.len() {
            let g = units[i].group;
            let mut j = i + 1;
            if g != 0 {
                while j < units.len() && units[j].group == g && units[j].part == units[i].part {
                    j += 1;
                }
            }
            if j - i >= 2 && j - i <= 6 {
                let block: Vec<&TextUnit> = units[i..j].iter().collect();
                if let Some(h) = self.test_block(&block, i, doc_has_diacritics, &mut quick) {
                    matched[i..j].iter_mut().for_each(|m| *m = true);
                    hits.push(h);
                }
            }
            i = j;
        }
        for i in 0..units.len().saturating_sub(1) {
            let (a, b) = (&units[i], &units[i + 1]);
            if matched[i] || matched[i + 1] || a.part != b.part || a.page != b.page {
                continue;
            }
            if more_words_than(&a.text, 5) || more_words_than(&b.text, 5) {
                continue;
            }
            if let Some(h) = self.test_block(&[a, b], i, doc_has_diacritics, &mut quick) {
                matched[i] = true;
                matched[i + 1] = true;
                hits.push(h);
            }
        }
        for (i, u) in units.iter().enumerate() {
            if matched[i] {
                continue;
            }
            if let Some(h) = self.test_block(&[u], i, doc_has_diacritics, &mut quick) {
                matched[i] = true;
                hits.push(h);
            }
        }
        hits.sort_by_key(|h| h.unit);
        hits
    }

    /// The block test on one block made of `units` (joined with spaces).
    fn test_block(
        &self,
        units: &[&TextUnit],
        first: usize,
        doc_has_diacritics: bool,
        quick: &mut String,
    ) -> Option<MarkingHit> {
        // One unit (the common case) is read in place.
        let joined: std::borrow::Cow<str> = match units {
            [u] => std::borrow::Cow::Borrowed(u.text.as_str()),
            _ => std::borrow::Cow::Owned(
                units
                    .iter()
                    .map(|u| u.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        };
        // Padding (trailing spaces, no-break spaces, zero-width characters) is removed before
        // the length test, so that a stamp line padded past the limit is still tested (issue 16).
        let raw = strip_padding(&joined);
        let padded = raw.len() != joined.len();
        if raw.trim().is_empty() || raw.len() > 400 {
            return None;
        }
        // Cheap prefilter on the fast fold: most blocks contain no candidate at all. Folded into
        // the caller's buffer (one allocation per document, not two per block).
        // A block with more letters than the longest stamp can carry (its phrase, a field label
        // and a tail) is no stamp: the text test would refuse it on length (see
        // `letters_more_than`), so it is neither folded nor searched.
        let plausible = !letters_more_than(&raw, self.max_folded_len + LABEL_AND_TAIL) && {
            quick.clear();
            normalize::fold_compact_into(&raw, quick);
            let quick = quick.as_str();
            self.ac.as_ref().is_some_and(|ac| ac.is_match(quick))
                || self.specs.iter().any(|p| !p.multi && quick.contains(&p.folded))
                // Cyrillic/Greek look-alikes are mapped only by the full normaliser
                // (U+0370..U+04FF have the UTF-8 lead bytes CD..D3: the bytes are looked at first).
                || (raw.bytes().any(|b| (0xCD..=0xD3).contains(&b))
                    && raw.chars().any(|c| matches!(c as u32, 0x370..=0x4FF)))
        };
        let legacy_like =
            raw.len() <= 200 && (legacy::looks_legacy(&raw) || legacy::looks_viqr(&raw));
        if !plausible && !legacy_like {
            return None;
        }
        let mut hit = if plausible {
            self.test_text(&raw, doc_has_diacritics, false)
        } else {
            None
        };
        if hit.is_none() && legacy_like {
            // Untyped legacy text that escaped per-font repair (TXT, HTML, PDF without font names).
            for alt in [
                legacy::decode_tcvn3(&raw, false),
                legacy::decode_vni(&raw),
                legacy::decode_viqr(&raw),
            ] {
                if alt != raw
                    && let Some(h) = self.test_text(&alt, doc_has_diacritics, true)
                {
                    hit = Some(h);
                    break;
                }
            }
        }
        let (mut h, start, end) = hit?;
        // Offsets refer to the first unit; clamp for joined blocks and guessed decodings.
        let first_text = &units[0].text;
        let (s, e) = if units.len() == 1 && !h.legacy_guess && !padded {
            (start, end)
        } else {
            (0, first_text.len())
        };
        h.unit = first;
        h.start = s.min(first_text.len());
        h.end = e.min(first_text.len()).max(h.start);
        let u = units[0];
        let upper = raw
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| !c.is_lowercase());
        // A stamp is recognised by its form (issue 11): the review-level stamps (protection
        // period, extension, level adjustment, declassified) are printed in capitals or carry
        // their fields (a date, a number). A line of ordinary case without any field — a phrase
        // of a sentence, e.g. a wrapped line of a public report — is not a stamp.
        if !h.kind.blocks() && !upper && !h.legacy_guess && !raw.chars().any(|c| c.is_ascii_digit())
        {
            return None;
        }
        if h.confidence == Confidence::Medium
            && (upper
                && (u.style.bold
                    || u.style.red
                    || u.style.boxed
                    || matches!(u.part, Part::Header | Part::Footer)))
        {
            h.confidence = Confidence::High;
        }
        Some(h)
    }

    /// Test one block of text. Returns the hit and the byte range of the stamp in `raw`.
    fn test_text(
        &self,
        raw: &str,
        doc_has_diacritics: bool,
        legacy_guess: bool,
    ) -> Option<(MarkingHit, usize, usize)> {
        let v = normalize::views(raw);
        let e = &v.exact.text;
        // Core: strip non-alphanumerics at both ends (bullets, quotes, box drawing, punctuation).
        let mut cs = e
            .char_indices()
            .find(|(_, c)| c.is_alphanumeric())
            .map(|(i, _)| i)?;
        let ce = e
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_alphanumeric())
            .map(|(i, c)| i + c.len_utf8())?;
        // A leading field label `Độ mật:` / `Mức độ mật:` (e-office metadata) is not part of the stamp.
        let folded_core = fold(&e[cs..ce]);
        for label in ["muc do mat", "do mat"] {
            if let Some(rest) = folded_core.strip_prefix(label) {
                let rest_trim = rest.trim_start();
                if rest_trim.starts_with(':') {
                    // Skip the same number of folded chars in the exact text, then the colon.
                    let skip = exact_prefix_len(&e[cs..ce], label.chars().count());
                    let after = &e[cs + skip..ce];
                    let colon = after.find(':')?;
                    let nxt = after[colon + 1..]
                        .char_indices()
                        .find(|(_, c)| c.is_alphanumeric())?
                        .0;
                    cs = cs + skip + colon + 1 + nxt;
                }
                break;
            }
        }
        let core_exact = &e[cs..ce];
        let cexact = compact(core_exact);
        let cfold = compact(&fold(core_exact));
        if cfold.len() > self.max_folded_len + TAIL {
            return None;
        }
        // Candidate generation: multi-syllable phrases via AC; single syllables only by equality.
        let ac_candidate = self.ac.as_ref().is_some_and(|ac| ac.is_match(&cfold));
        for p in &self.specs {
            let is_multi = p.multi;
            if is_multi && !ac_candidate {
                continue;
            }
            let full = cfold == p.folded;
            let tail_ok = !full && p.spec.kind.allows_tail() && cfold.starts_with(&p.folded) && {
                let rest = &cfold[p.folded.len()..];
                let first = rest.chars().next();
                let has_digit = rest.chars().any(|c| c.is_ascii_digit());
                match p.spec.kind {
                    // `BẢN SAO SỐ: 03`, `Bản sao số 02`, but not `bản sao số hoá` (digital copy).
                    MarkingKind::CopyStamp => first.is_some_and(|c| !c.is_alphabetic()),
                    _ => has_digit && rest.len() <= 60,
                }
            };
            if !(full || tail_ok) {
                continue;
            }
            // Exact-view verification on the phrase part.
            let n = exact_prefix_len(&cexact, p.folded.chars().count());
            let ex = &cexact[..n];
            let confidence = if has_diacritics(ex) {
                if ex != p.exact {
                    return None; // MẶT, MẤT, MÁT …: same folded form, different word.
                }
                Confidence::High
            } else {
                let src_core = &raw[v.exact.source_range(cs, ce).0..v.exact.source_range(cs, ce).1];
                let upper = src_core
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .all(|c| !c.is_lowercase());
                // A lone `MAT`/`mat` must at least be in capitals; multi-syllable phrases may also
                // stand in a document that has no diacritics anywhere.
                if !(upper || (!doc_has_diacritics && is_multi)) {
                    return None;
                }
                Confidence::Medium
            };
            let (s, en) = v.exact.source_range(cs, ce);
            let evidence: String = raw[s..en].chars().take(80).collect();
            let hit = MarkingHit {
                kind: p.spec.kind,
                spec: p.spec.text.clone(),
                evidence,
                unit: 0,
                start: s,
                end: en,
                confidence,
                evasion: v.evasion,
                legacy_guess,
            };
            return Some((hit, s, en));
        }
        None
    }
}

/// Byte length of the shortest prefix of `exact` whose fold has `n` characters.
fn exact_prefix_len(exact: &str, n: usize) -> usize {
    let mut count = 0;
    for (i, c) in exact.char_indices() {
        if count >= n {
            return i;
        }
        count += usize::from(normalize::fold_char(c).is_some());
    }
    exact.len()
}

/// Bytes of the compact folded core that may follow a stamp's phrase (`BẢN SAO SỐ: 03/TM`); a
/// longer core is not a stamp.
const TAIL: usize = 40;

/// Letters a block may have beyond the longest phrase and still be tested: the tail, and a field
/// label `Mức độ mật:` that the text test strips (at most ten folded characters), with margin.
const LABEL_AND_TAIL: usize = TAIL + 16;

/// Whether `s` has more than `n` letters that each give at least one byte of the compact folded
/// core the text test measures: ASCII letters and digits, the letters of Latin-1 and Latin
/// Extended-A/B (lead bytes C3..C8, except `×` and `÷`) and of Latin Extended Additional
/// (E1 BA, E1 BB: the Vietnamese letters). Each is a starter that is never dropped (not an
/// ignorable, not a mark), never composes with another starter under NFC and folds to an ASCII
/// letter or to a letter; so a block with more than `max_folded_len + LABEL_AND_TAIL` of them has
/// a compact folded core longer than `max_folded_len + TAIL` however it is normalised, and the
/// text test would refuse it (property-tested below). Counted byte by byte without decoding.
fn letters_more_than(s: &str, n: usize) -> bool {
    let b = s.as_bytes();
    // Bitwise `|` and `&` (not `||`, `&&`): no branch per byte, so the loop vectorises.
    let letter = |x: u8, next: u8| {
        let ascii = ((x | 0x20).wrapping_sub(b'a') < 26) | (x.wrapping_sub(b'0') < 10);
        let latin = (x.wrapping_sub(0xC4) < 5) | (x == 0xC3) & (next != 0x97) & (next != 0xB7);
        let vietnamese = (x == 0xE1) & (next | 1 == 0xBB);
        usize::from(ascii | latin | vietnamese)
    };
    // Byte pairs (each byte with the next), then the last byte: one branch-free pass.
    let pairs: usize = b
        .iter()
        .zip(b.get(1..).unwrap_or_default())
        .map(|(&x, &y)| letter(x, y))
        .sum();
    pairs + b.last().map_or(0, |&x| letter(x, 0)) > n
}

/// Whether `s` has more than `n` words (counts no further than `n + 1`: a paragraph is not read
/// to its end to learn that it is not a short line).
fn more_words_than(s: &str, n: usize) -> bool {
    s.split_whitespace().nth(n).is_some()
}

/// A block's text without padding a reader does not see: zero-width and other invisible
/// characters are removed and every run of white space (spaces, tabs, no-break and other Unicode
/// spaces) becomes one space, trimmed at both ends. Issue 16: a stamp line padded past the
/// block-length limit with trailing spaces, no-break spaces or zero-width spaces must still be
/// tested. Returns the text unchanged (same length) when there was no padding.
pub(crate) fn strip_padding(s: &str) -> std::borrow::Cow<'_, str> {
    if !has_padding(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len().min(1024));
    let mut space = false;
    for c in s.chars() {
        if invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

/// Whether [`strip_padding`] changes `s`: an invisible character, white space other than a
/// single space between words, or a space at either end. Read byte by byte: a character is
/// decoded only when its lead byte is one of those of the invisible and white-space characters
/// (C2, CD, D8, E1 but not the Vietnamese letters E1 BA/BB, E2, E3, EF, F3).
fn has_padding(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return true;
    }
    // A branch-free first look at byte pairs: most blocks have none of the bytes below and are
    // not read again (two spaces, a control character, a lead byte of an invisible or space
    // character other than a Vietnamese letter's E1 BA / E1 BB).
    let suspect = |x: u8, y: u8| {
        (x == b' ') & (y == b' ')
            | (x.wrapping_sub(9) < 5)
            | (x == 0xC2)
            | (x == 0xCD)
            | (x == 0xD8)
            | (x == 0xE2)
            | (x == 0xE3)
            | (x == 0xEF)
            | (x == 0xF3)
            | (x == 0xE1) & (y | 1 != 0xBB)
    };
    let last = b.last().map_or(0, |&x| u8::from(suspect(x, 0)));
    let pairs = b
        .iter()
        .zip(b.get(1..).unwrap_or_default())
        .fold(0u8, |acc, (&x, &y)| acc | u8::from(suspect(x, y)));
    if pairs | last == 0 {
        return false;
    }
    let mut prev_space = false;
    for (i, &x) in b.iter().enumerate() {
        match x {
            b' ' => {
                if prev_space {
                    return true;
                }
                prev_space = true;
                continue;
            }
            9..=13 => return true,
            0xE1 if matches!(b.get(i + 1), Some(0xBA | 0xBB)) => {}
            0xC2 | 0xCD | 0xD8 | 0xE1 | 0xE2 | 0xE3 | 0xEF | 0xF3 => {
                if let Some(c) = s.get(i..).and_then(|t| t.chars().next())
                    && (invisible(c) || (c.is_whitespace() && c != ' '))
                {
                    return true;
                }
            }
            _ => {}
        }
        prev_space = false;
    }
    false
}

/// Characters a reader does not see (removed by [`strip_padding`]).
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The character scan `has_padding` replaces: what `strip_padding` removes or collapses.
    fn padded_by_chars(s: &str) -> bool {
        s.chars()
            .any(|c| invisible(c) || (c.is_whitespace() && c != ' '))
            || s.contains("  ")
            || s.trim() != s
    }

    #[test]
    fn padding_check_by_bytes_equals_the_character_scan() {
        // Every code point of the planes that hold letters, spaces and invisible characters,
        // alone, between Vietnamese letters and next to spaces.
        let cps = (0..0x3400u32)
            .chain(0xFE00..0x10000)
            .chain(0xE0000..0xE0100);
        for c in cps.filter_map(char::from_u32) {
            for s in [
                c.to_string(),
                format!("MẬT{c}ỹ"),
                format!("tối {c}mật"),
                format!("ạ{c} "),
                format!("{c}{c}"),
            ] {
                assert_eq!(
                    has_padding(&s),
                    padded_by_chars(&s),
                    "U+{:04X} in {s:?}",
                    c as u32
                );
                let stripped = strip_padding(&s);
                assert_eq!(
                    matches!(stripped, std::borrow::Cow::Borrowed(_)),
                    !padded_by_chars(&s),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
        for s in ["", " ", "a  b", "TUYỆT MẬT", "tuyệt\u{A0}mật", "x\ty"] {
            assert_eq!(has_padding(s), padded_by_chars(s), "{s:?}");
        }
    }

    /// Pieces a block is made of in the tests below: stamp words in every case and form, field
    /// labels, tails, Vietnamese and other Latin letters, combining marks (NFD), look-alikes,
    /// ignorables, odd spaces, digits and punctuation.
    const PIECES: &[&str] = &[
        "TUYỆT MẬT",
        "tối mật",
        "MẬT",
        "Mật",
        "BẢN SAO SỐ",
        "GIA HẠN THỜI HẠN BẢO VỆ BÍ MẬT NHÀ NƯỚC",
        "Mức độ mật:",
        "Độ mật :",
        "ĐỘ MẬT",
        "03/TM",
        "01/3/2026",
        "Số 12",
        " ",
        "  ",
        "\u{A0}",
        "\u{200B}",
        "\u{FEFF}",
        "\u{AD}",
        "\t",
        "a",
        "Z",
        "7",
        "đ",
        "Đ",
        "ð",
        "Ð",
        "ư",
        "ơ",
        "ệ",
        "Ỹ",
        "ỻ",
        "ǅ",
        "ß",
        "ſ",
        "×",
        "÷",
        "ª",
        "İ",
        "\u{301}",
        "\u{323}",
        "\u{302}",
        "М",
        "Т",
        "Ѐ",
        "Ｍ",
        "ﬁ",
        "…",
        "–",
        "“",
        "»",
        ":",
        ".",
        "-",
        "(",
        "ᄀ",
        "\u{1160}",
        "가",
    ];

    /// Fields after a stamp's phrase: numbers, dates, symbols of a unit, separators.
    const TAIL_PIECES: &[&str] = &[
        " ",
        ":",
        " SỐ ",
        "03",
        "/",
        "TM",
        "-",
        "BQP",
        " ĐẾN NGÀY ",
        "01/3/2036",
        "ĐẾN",
        "(",
        ")",
        "năm",
        "2026",
        ".",
        "Ngày",
        "7",
    ];

    fn block(parts: &[usize]) -> String {
        parts.iter().map(|&i| PIECES[i % PIECES.len()]).collect()
    }

    proptest::proptest! {
        /// The gate of `test_block`: a block with more counted letters than the limit is one the
        /// text test refuses, whatever it is made of and however it is normalised.
        #[test]
        fn too_many_letters_is_never_a_stamp(
            parts in proptest::collection::vec(0usize..1000, 0..60),
            label in 0usize..4,
            phrase in 0usize..1000,
            tail in proptest::collection::vec(0usize..1000, 0..30),
        ) {
            let det = MarkingDetector::new(&MarkingSpec::default_set());
            // Stamp-shaped blocks (label, phrase, tail of fields) as well as free mixtures.
            let specs = MarkingSpec::default_set();
            let stamp = format!(
                "{}{}{}",
                ["", "Mức độ mật: ", "ĐỘ MẬT:", " - "][label],
                specs[phrase % specs.len()].text,
                tail.iter().map(|&i| TAIL_PIECES[i % TAIL_PIECES.len()]).collect::<String>(),
            );
            for s in [block(&parts), stamp] {
                if letters_more_than(&s, det.max_folded_len + LABEL_AND_TAIL) {
                    proptest::prop_assert!(det.test_text(&s, true, false).is_none(), "{s:?}");
                    proptest::prop_assert!(det.test_text(&s, false, false).is_none(), "{s:?}");
                }
            }
        }

        /// The bound the gate rests on: every counted letter gives at least one byte of the
        /// compact folded exact view, for any text (not only the pieces above).
        #[test]
        fn counted_letters_survive_normalisation(s in "\\PC{0,80}", parts in proptest::collection::vec(0usize..1000, 0..30)) {
            for t in [s.clone(), block(&parts), format!("{s}{}", block(&parts))] {
                let folded = compact(&fold(&normalize::views(&t).exact.text));
                let n = folded.len();
                proptest::prop_assert!(!letters_more_than(&t, n), "{t:?}: {n} bytes folded");
            }
        }
    }

    #[test]
    fn long_blocks_are_refused_before_folding_and_stamps_still_found() {
        let det = MarkingDetector::new(&MarkingSpec::default_set());
        let sentence = "Báo cáo nêu rõ trong năm không có trường hợp gia hạn thời hạn bảo vệ bí mật nhà nước \
                        và không có trường hợp điều chỉnh độ mật của tài liệu";
        assert!(letters_more_than(
            sentence,
            det.max_folded_len + LABEL_AND_TAIL
        ));
        // The longest stamp with a field label and a tail is still tested and found.
        let stamp = "Mức độ mật: GIA HẠN THỜI HẠN BẢO VỆ BÍ MẬT NHÀ NƯỚC ĐẾN NGÀY 01/3/2036";
        assert!(!letters_more_than(
            stamp,
            det.max_folded_len + LABEL_AND_TAIL
        ));
        assert!(det.test_text(stamp, true, false).is_some());
    }
}
