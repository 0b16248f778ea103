//! Vietnamese text normalisation (chuẩn hoá văn bản), scanner.md §2.3.
//!
//! Input is text that legacy-font repair ([`crate::legacy`]) has already turned into Unicode. Two
//! views are built, each with a byte-offset map back to the source string:
//!
//! * the **exact view** — NFC, default-ignorables removed, spaces unified and collapsed, full-width
//!   ASCII narrowed, dashes/quotes unified, Cyrillic/Greek look-alikes mapped to Latin inside Latin
//!   text (flagged as evasion), `Ð`→`Đ` in Vietnamese context, lower-cased; diacritics and
//!   punctuation kept (MẬT ≠ MẶT, and "tối, mật" ≠ "tối mật");
//! * the **folded view** — the exact view with tone and vowel marks removed and `đ`→`d`.
//!
//! NFKC is never applied (it would mangle TCVN3 code points, §2.2). [`fold`] is the fast,
//! table-driven, map-free variant for search folding by other crates and for benchmarks.
//!
//! Guarantees (property-tested): both views are idempotent under re-normalisation, every map entry
//! is a char boundary of the source, and maps are monotonic.

use std::sync::OnceLock;

use unicode_normalization::{
    IsNormalized, UnicodeNormalization, char::canonical_combining_class, is_nfc_quick,
};

/// A normalised view with a map from each view byte offset (and the end) to a source byte offset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    pub text: String,
    /// `map[i]` = source byte offset of the character that produced view byte `i`;
    /// `map[text.len()]` = source length. Length is `text.len() + 1`.
    pub map: Vec<u32>,
}

impl View {
    /// Source byte range for a view byte range.
    pub fn source_range(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.map[start] as usize;
        // End: the source offset where the char after the last view char begins.
        let e = if end >= self.text.len() {
            *self.map.last().unwrap_or(&0) as usize
        } else {
            self.map[end] as usize
        };
        (s, e.max(s))
    }
}

/// Exact and folded views of one text unit.
#[derive(Debug, Clone, Default)]
pub struct Views {
    pub exact: View,
    pub folded: View,
    /// Look-alike letters from another script were mapped (possible evasion, §3.3).
    pub evasion: bool,
}

const DEFAULT_IGNORABLE: fn(char) -> bool = |c| {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFF0}'..='\u{FFF8}'
        | '\u{E0000}'..='\u{E0FFF}')
};

fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\r' | '\u{B}' | '\u{C}' | ' ' | '\u{85}' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Cyrillic and Greek capitals/lower-case letters that look like Latin ones.
fn confusable(c: char) -> Option<char> {
    Some(match c {
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'Е' | 'Ε' => 'E',
        'К' | 'Κ' => 'K',
        'М' | 'Μ' => 'M',
        'Н' | 'Η' => 'H',
        'О' | 'Ο' => 'O',
        'Р' | 'Ρ' => 'P',
        'С' => 'C',
        'Т' | 'Τ' => 'T',
        'Х' | 'Χ' => 'X',
        'У' => 'Y',
        'Ι' | 'І' => 'I',
        'а' => 'a',
        'е' => 'e',
        'о' | 'ο' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        _ => return None,
    })
}

fn is_cyrillic_or_greek(c: char) -> bool {
    matches!(c as u32, 0x370..=0x4FF)
}

/// Vietnamese-specific letters (used to decide that `Ð` is a mis-encoded `Đ`).
fn is_vietnamese_letter(c: char) -> bool {
    matches!(c as u32, 0x1EA0..=0x1EF9) || "ăâêôơưđĂÂÊÔƠƯĐ".contains(c)
}

/// Map of one already-NFC character for the exact view: `None` drops it.
#[inline]
fn exact_char(c: char, confusables: bool, eth_is_d: bool, evasion: &mut bool) -> Option<char> {
    if c.is_ascii() {
        return Some(if is_space(c) {
            ' '
        } else {
            c.to_ascii_lowercase()
        });
    }
    if DEFAULT_IGNORABLE(c) {
        return None;
    }
    if is_space(c) {
        return Some(' ');
    }
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' => '-',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '«' | '»' | '\u{2033}' => '"',
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
        'Ð' if eth_is_d => 'đ',
        'ð' if eth_is_d => 'đ',
        _ => c,
    };
    let c = if confusables && let Some(l) = confusable(c) {
        *evasion = true;
        l
    } else {
        c
    };
    Some(lower(c))
}

#[inline]
fn lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    // Latin Extended Additional (ạ..ỹ): upper case at even code points.
    let u = c as u32;
    if (0x1EA0..=0x1EF9).contains(&u) {
        return char::from_u32(u | 1).unwrap_or(c);
    }
    // Simple case mapping; for the few multi-char lower-case forms (İ → i̇) keep the first char.
    c.to_lowercase().next().unwrap_or(c)
}

/// Build both views of `src`.
///
/// Vietnamese prose (every character below U+0300 or a precomposed Latin Extended Additional
/// letter) takes a single-pass table-driven lane that builds both views and their maps at once;
/// anything else takes the general path ([`views_general`]). Both give identical results
/// (property-tested against each other).
pub fn views(src: &str) -> Views {
    views_fast(src).unwrap_or_else(|| views_general(src))
}

/// The general two-view normaliser (clusters, NFC, look-alikes); the reference the fast lane of
/// [`views`] is tested against.
#[doc(hidden)]
pub fn views_general(src: &str) -> Views {
    let plain = views_with(src, false);
    // Look-alike letters are mapped only inside Latin text; decided on the view itself (a Latin
    // letter may appear only after width folding or case mapping: `Ｍ`, the Kelvin sign), so that
    // normalising a view again changes nothing.
    let t = &plain.exact.text;
    let latin = t
        .chars()
        .any(|c| c.is_ascii_alphabetic() || matches!(c as u32, 0xC0..=0x24F | 0x1E00..=0x1EFF));
    if latin && t.chars().any(is_cyrillic_or_greek) {
        views_with(src, true)
    } else {
        plain
    }
}

fn views_with(src: &str, confusables: bool) -> Views {
    let mut evasion = false;
    // Whether every char is trivially NFC (below U+0300 or a precomposed Latin Extended
    // Additional letter — Vietnamese prose), which skips the NFC quick check.
    let simple = src
        .chars()
        .all(|c| (c as u32) < 0x300 || (0x1E00..=0x1EFF).contains(&(c as u32)));
    // `Ð`→`Đ` is decided after the view is built (see below), on the text it produces.
    let eth_is_d = false;

    let mut exact = View {
        text: String::with_capacity(src.len()),
        map: Vec::with_capacity(src.len() + 1),
    };
    let mut last_space = true; // trims leading spaces
    let push = |exact: &mut View, c: char, at: usize, last_space: &mut bool| {
        if c == ' ' {
            if *last_space {
                return;
            }
            *last_space = true;
        } else {
            *last_space = false;
        }
        let start = exact.text.len();
        exact.text.push(c);
        for _ in start..exact.text.len() {
            exact.map.push(at as u32);
        }
    };

    if simple || is_nfc_quick(src.chars()) == IsNormalized::Yes {
        for (i, c) in src.char_indices() {
            if let Some(e) = exact_char(c, confusables, eth_is_d, &mut evasion) {
                push(&mut exact, e, i, &mut last_space);
            }
        }
    } else {
        // Cluster = a starter and the combining marks after it; NFC per cluster keeps the map exact.
        let mut cluster_start = 0usize;
        let mut buf = String::new();
        let flush = |buf: &mut String,
                     at: usize,
                     exact: &mut View,
                     evasion: &mut bool,
                     last_space: &mut bool| {
            // Lower-casing can itself create a composable pair (İ + U+0300 → i + U+0300 → ì), so
            // the mapped cluster is composed once more.
            let mapped: String = buf
                .nfc()
                .filter_map(|n| exact_char(n, confusables, eth_is_d, evasion))
                .collect();
            for e in mapped.nfc() {
                push(exact, e, at, last_space);
            }
            buf.clear();
        };
        for (i, c) in src.char_indices() {
            // Ignorables vanish before composition: `ư` ZWNBSP U+0300 is `ừ`.
            if DEFAULT_IGNORABLE(c) {
                continue;
            }
            if is_true_starter(c) && !buf.is_empty() && !is_cluster_continuation(c) {
                flush(
                    &mut buf,
                    cluster_start,
                    &mut exact,
                    &mut evasion,
                    &mut last_space,
                );
                cluster_start = i;
            }
            if buf.is_empty() {
                cluster_start = i;
            }
            buf.push(c);
        }
        flush(
            &mut buf,
            cluster_start,
            &mut exact,
            &mut evasion,
            &mut last_space,
        );
    }
    // Trim a trailing space.
    if exact.text.ends_with(' ') {
        exact.text.pop();
        exact.map.pop();
    }
    exact.map.push(src.len() as u32);
    // `ð` (lower-cased Ð, CP1258 0xD0 read as CP1252) in Vietnamese text is mojibake of đ. Both
    // are two UTF-8 bytes, so the offset map stays valid; deciding on the output keeps it idempotent.
    if exact.text.contains('ð') && exact.text.chars().any(is_vietnamese_letter) {
        exact.text = exact.text.replace('ð', "đ");
    }

    let folded = fold_view(&exact);
    Views {
        exact,
        folded,
        evasion,
    }
}

/// Fast-lane table entry: the character is outside the fast lane (take the general path).
const FAST_OTHER: u32 = u32::MAX;
/// Fast-lane table entry: the character is dropped from the view.
const FAST_DROP: u32 = 0;
/// Size of the fast-lane tables (U+0000..U+21FF).
const FAST_LEN: usize = 0x2200;

/// A character as a table entry: its UTF-8 bytes (at most three below U+10000) in the low 24 bits,
/// its length in the top byte.
fn fast_entry(c: char) -> u32 {
    let mut buf = [0u8; 4];
    let len = c.encode_utf8(&mut buf).len() as u32;
    (len << 24) | u32::from_le_bytes(buf) & 0x00FF_FFFF
}

/// Per-code-point results of the general path for the fast lane's characters: the exact-view
/// character (dropped, or outside the lane) and the folded-view character of that result (or
/// [`FAST_DROP`]). Built from `exact_char` and `fold_class` themselves, so both lanes agree.
struct FastTables {
    /// The lane's entry per code point: one load per character.
    lane: Vec<LaneEntry>,
}

/// What the lane does with one source character: the exact-view and folded-view bytes, each as
/// a [`fast_entry`] value ([`FAST_DROP`]: dropped; an exact [`FAST_OTHER`]: outside the lane).
#[derive(Clone, Copy)]
struct LaneEntry {
    exact: u32,
    folded: u32,
}

fn fast_tables() -> &'static FastTables {
    static T: OnceLock<FastTables> = OnceLock::new();
    T.get_or_init(|| {
        let fold_t = fold_table();
        let mut exact = vec![FAST_OTHER; FAST_LEN];
        let mut folded = vec![FAST_DROP; FAST_LEN];
        for cp in 0..FAST_LEN as u32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            // Characters the general path maps one by one: those it treats as trivially NFC
            // (below U+0300, Latin Extended Additional), and punctuation, symbols and number
            // forms (U+2000..U+21FF: quotes, dashes, ellipsis, odd spaces) that are NFC in any
            // context (quick check "yes", combining class 0), so a text made only of fast-lane
            // characters passes the general path's NFC quick check as a whole.
            let trivially_nfc = cp < 0x300 || (0x1E00..=0x1EFF).contains(&cp);
            let nfc_anywhere = (0x2000..0x2200).contains(&cp)
                && canonical_combining_class(c) == 0
                && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes;
            if !(trivially_nfc || nfc_anywhere) {
                continue;
            }
            let mut evasion = false;
            match exact_char(c, false, false, &mut evasion) {
                None => exact[cp as usize] = FAST_DROP,
                // A result in the Cyrillic/Greek block would need the look-alike pass.
                Some(e) if is_cyrillic_or_greek(e) || evasion || e as u32 >= 0x10000 => {}
                Some(e) => {
                    exact[cp as usize] = fast_entry(e);
                    folded[cp as usize] = match fold_class(e, fold_t) {
                        Folded::Drop => FAST_DROP,
                        Folded::Ascii(b) => fast_entry(b as char),
                        Folded::Keep(k) if (k as u32) < 0x10000 => fast_entry(k),
                        Folded::Keep(_) => {
                            exact[cp as usize] = FAST_OTHER;
                            FAST_DROP
                        }
                    };
                }
            }
        }
        let lane = exact
            .iter()
            .zip(&folded)
            .map(|(&exact, &folded)| LaneEntry { exact, folded })
            .collect();
        FastTables { lane }
    })
}

/// Byte length of a UTF-8 sequence by its lead byte (continuation bytes never lead in a `str`;
/// 4 = outside the fast lane).
const UTF8_LEN: [u8; 256] = {
    let mut t = [1u8; 256];
    let mut i = 0xC0;
    while i < 256 {
        t[i] = if i < 0xE0 {
            2
        } else if i < 0xF0 {
            3
        } else {
            4
        };
        i += 1;
    }
    t
};

/// Appends one table entry (1–3 bytes) at `*o` of a pre-sized buffer, or nothing for
/// [`FAST_DROP`] or a space that follows a space (`*space`); `None` if the buffer is short.
#[inline(always)]
fn put(
    text: &mut [u8],
    map: &mut [u32],
    o: &mut usize,
    space: &mut bool,
    entry: u32,
    at: u32,
) -> Option<()> {
    let sp = entry == SPACE_ENTRY;
    let len = if sp && *space {
        0
    } else {
        (entry >> 24) as usize
    };
    if len != 0 {
        *space = sp;
    }
    // Fixed-width stores (four text bytes, three map entries) whatever the length: the bytes past
    // `len` are overwritten by the next character or cut at the end.
    text.get_mut(*o..*o + 4)?
        .copy_from_slice(&entry.to_le_bytes());
    map.get_mut(*o..*o + 3)?.copy_from_slice(&[at; 3]);
    *o += len;
    Some(())
}

/// The single-pass lane of [`views`]: `None` as soon as a character needs the general path.
///
/// One table load per character gives both views' characters. Buffers are sized once for the
/// worst case (a view character is at most 3 bytes and comes from a source character of 1 byte
/// only when both are ASCII); both views' bytes and map entries are written with fixed-width
/// stores.
fn views_fast(src: &str) -> Option<Views> {
    let t = &fast_tables().lane;
    let b = src.as_bytes();
    let n = b.len();
    let cap = n + n / 2 + 4;
    // Both views are written as bytes with fixed-width stores, one table entry each per source
    // character: no branch on whether a character changed and no call in the loop, so its
    // positions and offsets stay in registers. Only whole characters are written, so the exact
    // view (Vietnamese: one to three bytes a character) is validated with SIMD (`simdutf8`,
    // ~20x the standard library's check on such text) and copied out; the folded view, ASCII
    // for Vietnamese prose, is validated by the standard library at ASCII speed. Copying runs of
    // unchanged source instead (the lane before 2026-12-04) avoided the check but put a branch
    // and a call in the loop: 0.8x (docs/scanner.md).
    let mut et = vec![0u8; cap];
    let mut em = vec![0u32; cap];
    let mut ft = vec![0u8; cap];
    let mut fm = vec![0u32; cap];
    let (mut eo, mut fo) = (0usize, 0usize);
    // Whether the last character written to each view is a space (or nothing is written yet).
    let mut e_space = true;
    let mut f_space = true;
    let mut i = 0;
    while i < n {
        let c0 = b[i];
        let len = UTF8_LEN[c0 as usize] as usize;
        if len == 4 {
            return None;
        }
        let b1 = b.get(i + 1).copied().unwrap_or(0) as u32 & 0x3F;
        let b2 = b.get(i + 2).copied().unwrap_or(0) as u32 & 0x3F;
        let c = c0 as u32;
        // Branch-free decode: the candidate for each length, picked by the length.
        let cp = [
            0,
            c,
            ((c & 0x1F) << 6) | b1,
            ((c & 0x0F) << 12) | (b1 << 6) | b2,
        ][len];
        let e = *t.get(cp as usize)?;
        if e.exact == FAST_OTHER {
            return None;
        }
        let at = i as u32;
        i += len;
        put(&mut et, &mut em, &mut eo, &mut e_space, e.exact, at)?;
        put(&mut ft, &mut fm, &mut fo, &mut f_space, e.folded, at)?;
    }
    if eo > 0 && et[eo - 1] == b' ' {
        eo -= 1;
    }
    em.truncate(eo);
    em.push(n as u32);
    let mut exact = View {
        text: simdutf8::basic::from_utf8(et.get(..eo)?).ok()?.to_owned(),
        map: em,
    };
    let folded = if memchr::memmem::find(exact.text.as_bytes(), "ð".as_bytes()).is_some()
        && exact.text.chars().any(is_vietnamese_letter)
    {
        // As in the general path: `ð` in Vietnamese text is mojibake of `đ`.
        exact.text = exact.text.replace('ð', "đ");
        fold_view(&exact)
    } else {
        if fo > 0 && ft[fo - 1] == b' ' {
            fo -= 1;
        }
        fm.truncate(fo);
        fm.push(n as u32);
        // Only whole characters were written; a failure here would be a bug, so fall back.
        View {
            text: {
                ft.truncate(fo);
                String::from_utf8(ft).ok()?
            },
            map: fm,
        }
    };
    Some(Views {
        exact,
        folded,
        evasion: false,
    })
}

/// [`fast_entry`] of a space.
const SPACE_ENTRY: u32 = (1 << 24) | b' ' as u32;

/// A starter whose canonical decomposition also begins with a starter (U+0F81 has ccc 0 but
/// decomposes into combining marks, so it must stay in the previous cluster).
fn is_true_starter(c: char) -> bool {
    if canonical_combining_class(c) != 0 {
        return false;
    }
    let mut first = None;
    unicode_normalization::char::decompose_canonical(c, |d| {
        first.get_or_insert(d);
    });
    first.is_none_or(|d| canonical_combining_class(d) == 0)
}

/// Characters with ccc 0 that still compose with the preceding character under NFC.
fn is_cluster_continuation(c: char) -> bool {
    // Hangul vowels/trailing consonants and a few Indic/others; not relevant to Vietnamese but kept
    // so that NFC per cluster equals NFC of the whole for them.
    matches!(c as u32, 0x1161..=0x1175 | 0x11A8..=0x11C2 | 0x0CD5 | 0x0CD6 | 0x0DCF | 0x0DDF | 0x0BBE | 0x0BD7 | 0x0B3E | 0x0B56 | 0x0B57 | 0x09BE | 0x09D7 | 0x0D3E | 0x0D57 | 0x102E | 0x0CC2)
}

fn fold_view(exact: &View) -> View {
    let table = fold_table();
    let mut out = View {
        text: String::with_capacity(exact.text.len()),
        map: Vec::with_capacity(exact.text.len() + 1),
    };
    for (i, c) in exact.text.char_indices() {
        let src = exact.map[i];
        match fold_class(c, table) {
            Folded::Drop => {}
            Folded::Ascii(b' ') if out.text.is_empty() || out.text.ends_with(' ') => {}
            Folded::Ascii(b) => {
                out.text.push(b as char);
                out.map.push(src);
            }
            Folded::Keep(k) => {
                let start = out.text.len();
                out.text.push(k);
                for _ in start..out.text.len() {
                    out.map.push(src);
                }
            }
        }
    }
    if out.text.ends_with(' ') {
        out.text.pop();
        out.map.pop();
    }
    out.map.push(*exact.map.last().unwrap_or(&0));
    out
}

enum Folded {
    Drop,
    Ascii(u8),
    Keep(char),
}

const T_NONE: u8 = 0;
const T_DROP: u8 = 1;
const T_SPACE: u8 = 2;

/// Table over U+0000..U+1EFF: ASCII byte to emit, or T_NONE (keep, lower-cased), T_DROP, T_SPACE.
fn fold_table() -> &'static [u8] {
    static T: OnceLock<Vec<u8>> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = vec![T_NONE; 0x1F00];
        for (cp, slot) in t.iter_mut().enumerate() {
            let Some(c) = char::from_u32(cp as u32) else {
                continue;
            };
            if is_space(c) {
                *slot = T_SPACE;
                continue;
            }
            if DEFAULT_IGNORABLE(c) || (0x300..=0x36F).contains(&cp) {
                *slot = T_DROP;
                continue;
            }
            if c.is_ascii() {
                *slot = match ASCII_FOLD[cp] {
                    0 => T_SPACE,
                    1 => T_DROP,
                    b => b,
                };
                continue;
            }
            if c == 'đ' || c == 'Đ' {
                *slot = b'd';
                continue;
            }
            if let Some(p) = punct_fold(c) {
                *slot = p;
                continue;
            }
            let l = lower(c);
            if let Some(base) = std::iter::once(l).nfd().next()
                && base.is_ascii_alphanumeric()
                && l != base
            {
                *slot = base.to_ascii_lowercase() as u8;
            }
        }
        t
    })
}

/// Dashes and quotes unified exactly as the exact view does.
fn punct_fold(c: char) -> Option<u8> {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' => Some(b'-'),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '«' | '»' | '\u{2033}' => Some(b'"'),
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => Some(b'\''),
        _ => None,
    }
}

#[inline]
fn fold_class(c: char, table: &[u8]) -> Folded {
    let cp = c as usize;
    if cp < table.len() {
        match table[cp] {
            T_NONE => Folded::Keep(lower(c)),
            T_DROP => Folded::Drop,
            T_SPACE => Folded::Ascii(b' '),
            b => Folded::Ascii(b),
        }
    } else if DEFAULT_IGNORABLE(c) {
        Folded::Drop
    } else if is_space(c) {
        Folded::Ascii(b' ')
    } else if let Some(p) = punct_fold(c) {
        Folded::Ascii(p)
    } else if let '\u{FF01}'..='\u{FF5E}' = c {
        Folded::Ascii(((c as u32 - 0xFEE0) as u8).to_ascii_lowercase())
    } else {
        Folded::Keep(lower(c))
    }
}

/// Fold text for search (tìm kiếm không dấu): lower case, tone and vowel marks removed, `đ`→`d`,
/// default-ignorables dropped, whitespace collapsed to one space, punctuation kept.
///
/// `fold("Báo cáo")` = `"bao cao"`; `fold("Đ")` = `"d"`. Works on NFC and NFD input alike, needs no
/// NFC pass (marks are dropped either way). Idempotent.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// ASCII part of the fold table as a compile-time constant: lower case, `0` = space class
/// (TAB, LF, VT, FF, CR, space), `1` = dropped (other control characters).
const ASCII_FOLD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = match b {
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => 0,
            0x00..=0x1F | 0x7F => 1,
            b'A'..=b'Z' => b + 32,
            _ => b,
        };
        i += 1;
    }
    t
};

/// [`fold`] appending into a caller-owned buffer (no allocation in a loop).
pub fn fold_into(s: &str, out: &mut String) {
    fold_into_with::<true>(s, out);
}

/// [`fold`] without its spaces (the compact form of the marking prefilter: `toimat`), appended
/// to `out`. The folded text holds no white space but `' '`, so this is `fold` with its spaces
/// removed.
pub fn fold_compact_into(s: &str, out: &mut String) {
    fold_into_with::<false>(s, out);
}

#[inline(always)]
fn fold_into_with<const SPACES: bool>(s: &str, out: &mut String) {
    let table = fold_table();
    let bytes = s.as_bytes();
    let buf = out;
    buf.reserve(bytes.len());
    let mut last_space = true;
    let mut i = 0;
    let n = bytes.len();
    while i < n {
        let b = bytes[i];
        if b < 0x80 {
            // ASCII fast lane: one table load per byte; spaces collapsed, controls dropped.
            let t = ASCII_FOLD[b as usize];
            if t > 1 {
                buf.push(t as char);
                last_space = false;
            } else if t == 0 {
                if SPACES && !last_space {
                    buf.push(' ');
                }
                last_space = true;
            }
            i += 1;
            continue;
        }
        // Multi-byte UTF-8 (valid, since `s` is a str): decode by hand.
        let (cp, len) = if b < 0xE0 {
            ((((b & 0x1F) as u32) << 6) | (bytes[i + 1] & 0x3F) as u32, 2)
        } else if b < 0xF0 {
            (
                (((b & 0x0F) as u32) << 12)
                    | (((bytes[i + 1] & 0x3F) as u32) << 6)
                    | (bytes[i + 2] & 0x3F) as u32,
                3,
            )
        } else {
            (
                (((b & 0x07) as u32) << 18)
                    | (((bytes[i + 1] & 0x3F) as u32) << 12)
                    | (((bytes[i + 2] & 0x3F) as u32) << 6)
                    | (bytes[i + 3] & 0x3F) as u32,
                4,
            )
        };
        i += len;
        // Vietnamese letters (U+00C0..U+1EF9) are one table load.
        if (cp as usize) < table.len() {
            let t = table[cp as usize];
            if t > T_SPACE {
                buf.push(t as char);
                last_space = false;
                continue;
            }
        }
        let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
        match fold_class(c, table) {
            Folded::Drop => {}
            Folded::Ascii(b' ') => {
                if SPACES && !last_space {
                    buf.push(' ');
                }
                last_space = true;
            }
            Folded::Ascii(a) => {
                buf.push(a as char);
                last_space = false;
            }
            Folded::Keep(k) => {
                buf.push(k);
                last_space = false;
            }
        }
    }
    if SPACES && buf.ends_with(' ') {
        buf.pop();
    }
}

/// Fold one character: `None` when it is dropped (combining mark, ignorable), `' '` for spaces.
pub fn fold_char(c: char) -> Option<char> {
    match fold_class(c, fold_table()) {
        Folded::Drop => None,
        Folded::Ascii(b) => Some(b as char),
        Folded::Keep(k) => Some(k),
    }
}

/// Folded syllable tokens (`[a-z0-9]+` and other alphanumerics) with their byte ranges in `folded`.
pub fn tokens(folded: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in folded.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
    }
    if let Some(s) = start {
        out.push((s, folded.len()));
    }
    out
}

/// True when `s` carries any Vietnamese diacritic (tone or vowel mark, or đ).
pub fn has_diacritics(s: &str) -> bool {
    let table = fold_table();
    s.chars().any(|c| {
        let cp = c as usize;
        (0x300..=0x36F).contains(&cp) || (cp < table.len() && cp >= 0x80 && table[cp] > T_SPACE)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_entry_constants() {
        assert_eq!(fast_entry(' '), SPACE_ENTRY);
    }

    #[test]
    fn fold_examples() {
        assert_eq!(fold("báo cáo"), "bao cao");
        assert_eq!(fold("Đ"), "d");
        assert_eq!(fold("TUYỆT  MẬT"), "tuyet mat");
        assert_eq!(fold("TUYE\u{302}\u{323}T MA\u{323}\u{302}T"), "tuyet mat");
        assert_eq!(fold("MẬ\u{200B}T"), "mat");
        assert_eq!(fold("ＭẬＴ"), "mat");
        assert_eq!(fold("Ắ Ấ Ế Ố Ớ Ứ"), "a a e o o u");
    }

    #[test]
    fn views_nfd_and_tohop() {
        let v = views("TUYÊ\u{323}T MÂ\u{323}T");
        assert_eq!(v.exact.text, "tuyệt mật");
        assert_eq!(v.folded.text, "tuyet mat");
        let v = views("ma\u{302}\u{323}t");
        assert_eq!(v.exact.text, "mật");
        let v = views("  TỐI\u{A0}\u{A0}MẬT ");
        assert_eq!(v.exact.text, "tối mật");
        assert_eq!(v.exact.map.len(), v.exact.text.len() + 1);
    }

    #[test]
    fn views_evasion_and_eth() {
        let v = views("МẬТ");
        assert_eq!(v.exact.text, "mật");
        assert!(v.evasion);
        let v = views("ÐỘ MẬT");
        assert_eq!(v.folded.text, "do mat");
    }

    #[test]
    fn fuzz_regression_latin_only_after_width_folding() {
        // cargo-fuzz `normalize` crash: a full-width Ｍ becomes Latin only in the view, next to a
        // Cyrillic Р; the second normalisation used to map Р → p.
        let bytes = [
            0x5d, 0xef, 0xbc, 0xad, 0xb4, 0x20, 0xd0, 0xa0, 0xe1, 0x2d, 0xba, 0xac, 0, 0, 0x80,
        ];
        let s = String::from_utf8_lossy(&bytes);
        let v = views(&s);
        assert_eq!(views(&v.exact.text).exact.text, v.exact.text);
        assert!(v.evasion);
    }

    #[test]
    fn fuzz_regression_non_starter_decomposition() {
        // cargo-fuzz `normalize` crash: U+0F81 (ccc 0) decomposes into combining marks.
        let s = "t\u{f81}\u{f81}a";
        let v = views(s);
        assert_eq!(views(&v.exact.text).exact.text, v.exact.text);
    }

    #[test]
    fn all_134_letters_fold_to_ascii() {
        for c in "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"
            .chars()
            .chain('\u{1EA0}'..='\u{1EF9}')
        {
            let f = fold(&c.to_string());
            assert!(
                f.len() == 1 && f.as_bytes()[0].is_ascii_lowercase(),
                "{c} -> {f}"
            );
        }
    }
}
