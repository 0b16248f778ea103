//! Vietnamese folding for search: "Báo cáo" and "bao cao" and "BÁO CÁO" meet.
//!
//! NFD-decompose, drop combining marks, map đ/Đ to d, lower-case, collapse white space.
//! SQLite FTS5 does not fold đ (stack.md §11 pitfall 7), so bmnn folds in Rust and indexes the
//! folded text on both backends. (The leak scanner has its own offset-tracking normaliser.)

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The words of a folded text as the pickers match them: the pieces between characters that
/// are not letters or digits, empty pieces dropped.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::fold;
    use proptest::prelude::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Báo cáo  tình hình"), "bao cao tinh hinh");
        assert_eq!(fold("ĐỊNH KỲ Đà Nẵng"), "dinh ky da nang");
        // NFD input (Unicode tổ hợp) folds the same way.
        assert_eq!(fold("Ba\u{301}o ca\u{301}o"), "bao cao");
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
        }
    }
}
