//! Property tests for the normaliser: idempotence, valid and monotonic offset maps, and agreement
//! between the fast `fold` and the folded view.

use bmnn_scan::normalize::{fold, views};
use proptest::prelude::*;

/// Vietnamese-heavy strings: letters, combining marks, ignorables, odd spaces, legacy code points.
fn viet() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a", "ă", "â", "Đ", "đ", "ệ", "Ậ", "ư", "ơ", "\u{300}", "\u{301}", "\u{302}", "\u{323}",
        "\u{309}", "\u{200B}", "\u{AD}", "\u{A0}", " ", "  ", "\t", "\n", ",", "“", "”", "Ｍ", "М",
        "Т", "Ð", "µ", "¸", "e", "MẬT", "tối", "x", "1", "😀", "ﬁ", "\u{FEFF}", "Ω", "ß", "İ",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn fold_is_idempotent(s in viet()) {
        let f = fold(&s);
        prop_assert_eq!(fold(&f), f.clone());
    }

    #[test]
    fn views_are_idempotent_and_maps_valid(s in viet()) {
        let v = views(&s);
        prop_assert_eq!(views(&v.exact.text).exact.text, v.exact.text.clone());
        prop_assert_eq!(views(&v.folded.text).folded.text, v.folded.text.clone());
        for view in [&v.exact, &v.folded] {
            prop_assert_eq!(view.map.len(), view.text.len() + 1);
            prop_assert!(view.map.windows(2).all(|w| w[0] <= w[1]), "monotonic");
            for &m in &view.map {
                prop_assert!(s.is_char_boundary(m as usize));
            }
        }
    }

    #[test]
    fn fast_fold_agrees_with_folded_view(s in viet()) {
        // Context-dependent repairs (Ð in Vietnamese text, Cyrillic look-alikes) are detector-only.
        let s: String = s.chars().filter(|c| !"ÐМТΩ".contains(*c)).collect();
        // The folded view is built from NFC text; fold() works on raw text. Compared after
        // collapsing whitespace, they must agree (the fast path is safe for search folding).
        let a: Vec<String> = fold(&s).split_whitespace().map(str::to_owned).collect();
        let b: Vec<String> = views(&s).folded.text.split_whitespace().map(str::to_owned).collect();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn extraction_never_panics_on_arbitrary_text(s in viet()) {
        let x = bmnn_scan::extract::extract(s.as_bytes(), "x.txt", &Default::default()).unwrap();
        let _ = bmnn_scan::MarkingDetector::new(&bmnn_scan::MarkingSpec::default_set()).detect(&x);
    }
}
