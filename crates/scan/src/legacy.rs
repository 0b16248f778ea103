//! Legacy Vietnamese 8-bit encodings (bảng mã cũ): TCVN3/ABC (`.Vn*` fonts), VNI (`VNI-*` fonts) and
//! VIQR (RFC 1456), repaired to Unicode **per run, chosen by the run's font name**, before any Unicode
//! normalisation (scanner.md §2.2). NFKC would destroy TCVN3 code points (`µ ¹ ¼ ½ ¾ ª ¸`), and the
//! soft hyphen U+00AD is the TCVN3 letter `ư`, so this module must run before cleanup.
//!
//! Guarantees: decoding never panics, maps only the code points of the respective table and leaves
//! every other character untouched, so a wrongly guessed decoding of Unicode text changes nothing
//! that was not a legacy code to begin with.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// A legacy encoding recognised from a font name or from the text itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LegacyEncoding {
    /// TCVN3 / ABC / VN3 (`.VnTime`, `.VnArial`); `capital` for the all-capital `H` fonts
    /// (`.VnTimeH`), which draw the lower-case codes as capitals.
    Tcvn3 { capital: bool },
    /// VNI-Windows (`VNI-Times`, `VNI-Helve`): base letter + a Latin-1 mark byte.
    Vni,
    /// VIQR / Vietnet: ASCII with postfix marks (`MA^.T`).
    Viqr,
}

/// The 134 precomposed Vietnamese letters in the order of the conversion tables below
/// (duydev/vietnamese-conversion `src/charsets.ts`, checked against scanner.md §3.3).
const UNICODE: &str = "À Á Â Ã È É Ê Ì Í Ò Ó Ô Õ Ù Ú Ý à á â ã è é ê ì í ò ó ô õ ù ú ý Ă ă Đ đ Ĩ ĩ Ũ ũ Ơ ơ Ư ư \
Ạ ạ Ả ả Ấ ấ Ầ ầ Ẩ ẩ Ẫ ẫ Ậ ậ Ắ ắ Ằ ằ Ẳ ẳ Ẵ ẵ Ặ ặ Ẹ ẹ Ẻ ẻ Ẽ ẽ Ế ế Ề ề Ể ể Ễ ễ Ệ ệ Ỉ ỉ Ị ị Ọ ọ Ỏ ỏ \
Ố ố Ồ ồ Ổ ổ Ỗ ỗ Ộ ộ Ớ ớ Ờ ờ Ở ở Ỡ ỡ Ợ ợ Ụ ụ Ủ ủ Ứ ứ Ừ ừ Ử ử Ữ ữ Ự ự Ỳ ỳ Ỵ ỵ Ỷ ỷ Ỹ ỹ";

/// TCVN3 spellings, same order. Upper-case toned letters are written as base capital + lower-case
/// toned code in the normal fonts; `ư` is U+00AD (soft hyphen) — written as `\u{AD}` here.
const TCVN3: &str = "Aµ A¸ ¢ A· EÌ EÐ £ I× IÝ Oß Oã ¤ Oâ Uï Uó Yý µ ¸ © · Ì Ð ª × Ý ß ã « â ï ó ý ¡ ¨ § ® IÜ Ü Uò ò ¥ ¬ ¦ \u{AD} \
A¹ ¹ A¶ ¶ ¢Ê Ê ¢Ç Ç ¢È È ¢É É ¢Ë Ë ¡¾ ¾ ¡» » ¡¼ ¼ ¡½ ½ ¡Æ Æ EÑ Ñ EÎ Î EÏ Ï £Õ Õ £Ò Ò £Ó Ó £Ô Ô £Ö Ö IØ Ø IÞ Þ Oä ä Oá á \
¤è è ¤å å ¤æ æ ¤ç ç ¤é é ¥í í ¥ê ê ¥ë ë ¥ì ì ¥î î Uô ô Uñ ñ ¦ø ø ¦õ õ ¦ö ö ¦÷ ÷ ¦ù ù Yú ú Yþ þ Yû û Yü ü";

/// VNI spellings, same order.
const VNI: &str = "AØ AÙ AÂ AÕ EØ EÙ EÂ Ì Í OØ OÙ OÂ OÕ UØ UÙ YÙ aø aù aâ aõ eø eù eâ ì í oø où oâ oõ uø uù yù AÊ aê Ñ ñ Ó ó UÕ uõ Ô ô Ö ö \
AÏ aï AÛ aû AÁ aá AÀ aà AÅ aå AÃ aã AÄ aä AÉ aé AÈ aè AÚ aú AÜ aü AË aë EÏ eï EÛ eû EÕ eõ EÁ eá EÀ eà EÅ eå EÃ eã EÄ eä \
Æ æ Ò ò OÏ oï OÛ oû OÁ oá OÀ oà OÅ oå OÃ oã OÄ oä ÔÙ ôù ÔØ ôø ÔÛ ôû ÔÕ ôõ ÔÏ ôï UÏ uï UÛ uû ÖÙ öù ÖØ öø ÖÛ öû ÖÕ öõ ÖÏ öï \
YØ yø Î î YÛ yû YÕ yõ";

struct Tables {
    /// TCVN3 single code → Unicode letter (lower-case letters and the 7 capitals).
    tcvn3: HashMap<char, char>,
    /// VNI two-char spellings → letter.
    vni2: HashMap<(char, char), char>,
    /// VNI one-char spellings → letter.
    vni1: HashMap<char, char>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let uni: Vec<char> = UNICODE
            .split(' ')
            .map(|s| s.chars().next().unwrap_or(' '))
            .collect();
        let mut tcvn3 = HashMap::new();
        for (u, t) in uni.iter().zip(TCVN3.split(' ')) {
            let mut cs = t.chars();
            if let (Some(c), None) = (cs.next(), cs.next()) {
                tcvn3.insert(c, *u);
            }
        }
        let mut vni1 = HashMap::new();
        let mut vni2 = HashMap::new();
        for (u, v) in uni.iter().zip(VNI.split(' ')) {
            let cs: Vec<char> = v.chars().collect();
            match cs.as_slice() {
                [a] if *a != *u => {
                    vni1.insert(*a, *u);
                }
                [a, b] => {
                    vni2.insert((*a, *b), *u);
                }
                _ => {}
            }
        }
        Tables { tcvn3, vni2, vni1 }
    })
}

/// Recognise a legacy encoding from a font name (DOCX `w:rFonts`, PDF `/BaseFont`, HTML `font-family`).
///
/// `.VnTime`, `.VnArial`, `VnTimes` → TCVN3 (a trailing `H` means the all-capital font);
/// `VNI-Times`, `VNI Helve` → VNI. PDF subset prefixes (`ABCDEF+`) and style suffixes are ignored.
pub fn classify_font(name: &str) -> Option<LegacyEncoding> {
    let mut n = name.trim().trim_matches(|c| c == '"' || c == '\'');
    if let Some((prefix, rest)) = n.split_once('+')
        && prefix.len() == 6
        && prefix.chars().all(|c| c.is_ascii_uppercase())
    {
        n = rest;
    }
    // Drop style suffixes: ".VnTimeH,Bold", ".VnTime-Italic".
    let base = n.split([',', '-']).next().unwrap_or(n);
    let lower = n.to_ascii_lowercase();
    if lower.starts_with("vni-") || lower.starts_with("vni ") || lower.starts_with("vni_") {
        return Some(LegacyEncoding::Vni);
    }
    let b = base.trim();
    let bl = b.to_ascii_lowercase();
    let stem = bl.strip_prefix('.').unwrap_or(&bl);
    if stem.starts_with("vn") && !stem.starts_with("vni") && stem.len() > 3 {
        // `.VnTimeH`, `.VnArialH`, `.VnArial NarrowH`, `.VnTimeH Bold`.
        let capital = b
            .trim_end_matches(" Bold")
            .trim_end_matches(" Italic")
            .ends_with('H');
        return Some(LegacyEncoding::Tcvn3 { capital });
    }
    None
}

/// Decode a run typed in a TCVN3 font. With `capital` (the `H` fonts) the result is upper-cased,
/// because that is what the reader saw on the page.
pub fn decode_tcvn3(s: &str, capital: bool) -> String {
    let t = tables();
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        let mut d = t.tcvn3.get(&c).copied().unwrap_or(c);
        // Normal fonts spell toned capitals as capital base + lower-case toned code (`A¸` = Á).
        if d != c
            && let Some(p) = prev
            && p.is_uppercase()
            && same_base(p, d)
        {
            out.pop();
            d = upper(d);
        }
        out.push(d);
        prev = Some(d);
    }
    if capital {
        out.chars().map(upper).collect()
    } else {
        out
    }
}

/// Decode a run typed in a VNI font (greedy longest match).
pub fn decode_vni(s: &str) -> String {
    let t = tables();
    let cs: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < cs.len() {
        if i + 1 < cs.len()
            && let Some(u) = t.vni2.get(&(cs[i], cs[i + 1]))
        {
            out.push(*u);
            i += 2;
            continue;
        }
        out.push(t.vni1.get(&cs[i]).copied().unwrap_or(cs[i]));
        i += 1;
    }
    out
}

/// Decode VIQR (`MA^.T` → `MẬT`, `DDO^.` → `ĐỘ`). A backslash escapes the next character.
/// Marks are only taken after a vowel that can carry them, so ordinary punctuation after consonants
/// and digits survives.
pub fn decode_viqr(s: &str) -> String {
    let cs: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c == '\\' && i + 1 < cs.len() {
            out.push(cs[i + 1]);
            i += 2;
            continue;
        }
        if (c == 'D' || c == 'd') && i + 1 < cs.len() && (cs[i + 1] == 'D' || cs[i + 1] == 'd') {
            out.push(if c == 'D' { 'Đ' } else { 'đ' });
            i += 2;
            continue;
        }
        let lc = c.to_ascii_lowercase();
        if matches!(lc, 'a' | 'e' | 'i' | 'o' | 'u' | 'y') {
            let mut composed = String::new();
            composed.push(c);
            let mut j = i + 1;
            if j < cs.len() {
                let shape = match (lc, cs[j]) {
                    ('a' | 'e' | 'o', '^') => Some('\u{302}'),
                    ('a', '(') => Some('\u{306}'),
                    ('o' | 'u', '+') => Some('\u{31B}'),
                    _ => None,
                };
                if let Some(m) = shape {
                    composed.push(m);
                    j += 1;
                }
            }
            if j < cs.len() {
                let tone = match cs[j] {
                    '\'' => Some('\u{301}'),
                    '`' => Some('\u{300}'),
                    '?' => Some('\u{309}'),
                    '~' => Some('\u{303}'),
                    '.' => Some('\u{323}'),
                    _ => None,
                };
                // A '.' or '?' at the end of a word followed by space/end is ambiguous with
                // punctuation; accept it only when a letter follows (MA^.T) or a shape mark preceded.
                let next_is_letter = cs.get(j + 1).is_some_and(|n| n.is_alphabetic());
                if let Some(m) = tone
                    && (next_is_letter || composed.chars().count() > 1 || cs[j] != '.')
                {
                    composed.push(m);
                    j += 1;
                }
            }
            use unicode_normalization::UnicodeNormalization;
            out.extend(composed.nfc());
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Repair one run according to its font (None = Unicode font, returned unchanged).
pub fn repair_run(text: &str, enc: Option<LegacyEncoding>) -> String {
    match enc {
        None => text.to_owned(),
        Some(LegacyEncoding::Tcvn3 { capital }) => decode_tcvn3(text, capital),
        Some(LegacyEncoding::Vni) => decode_vni(text),
        Some(LegacyEncoding::Viqr) => decode_viqr(text),
    }
}

/// True when `s` contains Latin-1 letters that do not belong to the Vietnamese alphabet or TCVN3
/// code points — a hint that an untyped short block might be legacy-encoded (used only for the
/// stamp-sized standalone test, never to rewrite running text).
pub fn looks_legacy(s: &str) -> bool {
    let b = s.as_bytes();
    // Byte pairs, branch-free: a lead byte C2 or C3 and the code point its next byte gives.
    let odd = |x: u8, y: u8| match x {
        0xC2 => LEGACY_LATIN1[usize::from(y)],
        0xC3 => LEGACY_LATIN1[usize::from(y) + 0x40],
        _ => false,
    };
    b.iter()
        .zip(b.get(1..).unwrap_or_default())
        .fold(0u8, |acc, (&x, &y)| acc | u8::from(odd(x, y)))
        != 0
}

/// Code points U+0000..U+017F (indexed by code point; only U+00A1..U+00FF can be true) that
/// Vietnamese Unicode text does not use but TCVN3 and VNI text read as Latin-1 does: every Latin-1
/// character from U+00A1 except the vowels Vietnamese shares with Latin-1 and a few common signs.
const LEGACY_LATIN1: [bool; 0x180] = {
    let mut t = [false; 0x180];
    let mut cp = 0xA1;
    while cp <= 0xFF {
        t[cp] = true;
        cp += 1;
    }
    let shared = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý«»°±·©".as_bytes();
    // Each of these is two bytes, C2 or C3 then a continuation byte.
    let mut i = 0;
    while i + 1 < shared.len() {
        let cp = ((shared[i] as usize & 0x1F) << 6) | (shared[i + 1] as usize & 0x3F);
        t[cp] = false;
        i += 2;
    }
    t
};

/// True when `s` may be VIQR (a vowel followed by a VIQR mark, or `DD`); only stamp-sized blocks
/// are considered. Vowels and marks are ASCII, so byte pairs are character pairs.
pub fn looks_viqr(s: &str) -> bool {
    if s.len() > 120 {
        return false;
    }
    let b = s.as_bytes();
    // Bitwise `|` and `&`: no branch per byte.
    let pair = |x: u8, y: u8| {
        let v = x | 0x20;
        let vowel =
            (v == b'a') | (v == b'e') | (v == b'o') | (v == b'u') | (v == b'i') | (v == b'y');
        let mark = (y == b'^')
            | (y == b'(')
            | (y == b'+')
            | (y == b'`')
            | (y == b'~')
            | (y == b'.')
            | (y == b'?')
            | (y == b'\'');
        vowel & mark
    };
    b.iter()
        .zip(b.get(1..).unwrap_or_default())
        .fold(0u8, |acc, (&x, &y)| acc | u8::from(pair(x, y)))
        != 0
        || s.contains("DD")
}

fn upper(c: char) -> char {
    let mut u = c.to_uppercase();
    match (u.next(), u.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// Same base vowel *and* shape (A vs á yes; Â vs á no), used to merge `A¸` → `Á`.
fn same_base(cap: char, toned: char) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let strip_tone = |c: char| -> String {
        c.to_lowercase()
            .collect::<String>()
            .nfd()
            .filter(|m| {
                !matches!(
                    *m,
                    '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}'
                )
            })
            .nfc()
            .collect()
    };
    let a = strip_tone(cap);
    let b = strip_tone(toned);
    a == b && toned.is_lowercase() && toned != cap.to_lowercase().next().unwrap_or(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The character scans the byte checks replace.
    fn looks_legacy_by_chars(s: &str) -> bool {
        s.chars().any(|c| {
            matches!(c as u32, 0xA1..=0xFF) && !"ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý«»°±·©".contains(c)
        })
    }

    fn looks_viqr_by_chars(s: &str) -> bool {
        if s.len() > 120 {
            return false;
        }
        let mut prev = ' ';
        for c in s.chars() {
            if matches!(prev.to_ascii_lowercase(), 'a' | 'e' | 'o' | 'u' | 'i' | 'y')
                && matches!(c, '^' | '(' | '+' | '`' | '~' | '.' | '?' | '\'')
            {
                return true;
            }
            prev = c;
        }
        s.contains("DD")
    }

    #[test]
    fn byte_checks_equal_the_character_scans() {
        let cps = (0..0x800u32).chain(0x1E00..0x1F00).chain(0x2000..0x2100);
        for c in cps.filter_map(char::from_u32) {
            for s in [
                c.to_string(),
                format!("MẬT{c}ỹ"),
                format!("a{c}"),
                format!("{c}."),
                format!("tối m{c}t"),
                format!("D{c}D"),
            ] {
                assert_eq!(looks_legacy(&s), looks_legacy_by_chars(&s), "{s:?}");
                assert_eq!(looks_viqr(&s), looks_viqr_by_chars(&s), "{s:?}");
            }
        }
        for s in [
            "TuyÖt mËt",
            "Tuye^.t ma^.t",
            "DDo^. ma^.t",
            "Báo cáo năm 2026.",
            "¸",
        ] {
            assert_eq!(looks_legacy(s), looks_legacy_by_chars(s), "{s:?}");
            assert_eq!(looks_viqr(s), looks_viqr_by_chars(s), "{s:?}");
        }
    }

    #[test]
    fn tcvn3_spec_table() {
        let cap = |s| decode_tcvn3(s, true);
        assert_eq!(cap("TUYÖT MËT"), "TUYỆT MẬT");
        assert_eq!(cap("TèI MËT"), "TỐI MẬT");
        assert_eq!(cap("§é MËT"), "ĐỘ MẬT");
        assert_eq!(cap("B¶N SAO Sè"), "BẢN SAO SỐ");
        assert_eq!(cap("THU HåI"), "THU HỒI");
        assert_eq!(cap("GI¶I MËT"), "GIẢI MẬT");
        assert_eq!(
            cap("CHØ NG¦êI Cã T£N MíI §¦îC BãC B×"),
            "CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ"
        );
        assert_eq!(cap("tuyÖt mËt"), "TUYỆT MẬT");
        assert_eq!(decode_tcvn3("n\u{AD}íc", false), "nước");
        assert_eq!(decode_tcvn3("A¸", false), "Á");
    }

    #[test]
    fn vni_spec_table() {
        assert_eq!(decode_vni("TUYEÄT MAÄT"), "TUYỆT MẬT");
        assert_eq!(decode_vni("TOÁI MAÄT"), "TỐI MẬT");
        assert_eq!(decode_vni("ÑOÄ MAÄT"), "ĐỘ MẬT");
        assert_eq!(decode_vni("BAÛN SAO SOÁ"), "BẢN SAO SỐ");
        assert_eq!(decode_vni("THU HOÀI"), "THU HỒI");
        assert_eq!(
            decode_vni("CHÆ NGÖÔØI COÙ TEÂN MÔÙI ÑÖÔÏC BOÙC BÌ"),
            "CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ"
        );
        assert_eq!(decode_vni("Xin chaøo caùc baïn"), "Xin chào các bạn");
    }

    #[test]
    fn viqr_spec_table() {
        assert_eq!(decode_viqr("TUYE^.T MA^.T"), "TUYỆT MẬT");
        assert_eq!(decode_viqr("TO^'I MA^.T"), "TỐI MẬT");
        assert_eq!(decode_viqr("DDO^. MA^.T"), "ĐỘ MẬT");
        assert_eq!(decode_viqr("BA?N SAO SO^'"), "BẢN SAO SỐ");
        assert_eq!(decode_viqr("THU HO^`I"), "THU HỒI");
        assert_eq!(
            decode_viqr("CHI? NGU+O+`I CO' TE^N MO+'I DDU+O+.C BO'C BI`"),
            "CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ"
        );
    }

    #[test]
    fn fonts() {
        assert_eq!(
            classify_font(".VnTimeH"),
            Some(LegacyEncoding::Tcvn3 { capital: true })
        );
        assert_eq!(
            classify_font(".VnTime"),
            Some(LegacyEncoding::Tcvn3 { capital: false })
        );
        assert_eq!(
            classify_font("ABCDEF+.VnArialH,Bold"),
            Some(LegacyEncoding::Tcvn3 { capital: true })
        );
        assert_eq!(classify_font("VNI-Times"), Some(LegacyEncoding::Vni));
        assert_eq!(classify_font("Times New Roman"), None);
        assert_eq!(classify_font("Verdana"), None);
    }
}
