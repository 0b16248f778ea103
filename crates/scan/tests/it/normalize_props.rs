//! Property tests for the normaliser: idempotence, valid and monotonic offset maps, and agreement
//! between the fast `fold` and the folded view.

use bmnn_scan::normalize::{fold, views, views_general};
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

/// Prose as the fast lane sees it: ASCII (controls included), Latin-1, Vietnamese letters in both
/// cases, odd spaces, soft hyphen, `ð`/`Ð`, mixed now and then with characters that force the
/// general path.
fn prose() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        8 => prop::char::range('\u{0}', '\u{7F}'),
        4 => prop::char::range('\u{80}', '\u{2FF}'),
        4 => prop::char::range('\u{1E00}', '\u{1EFF}'),
        2 => prop::char::range('\u{2000}', '\u{21FF}'),
        2 => prop::sample::select(vec![' ', '\u{A0}', '\u{AD}', '\u{85}', 'ð', 'Ð', 'đ', '«', '\t', '\n']),
        1 => any::<char>(),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn fast_lane_equals_general_path(s in prose()) {
        let (a, b) = (views(&s), views_general(&s));
        prop_assert_eq!(&a.exact, &b.exact);
        prop_assert_eq!(&a.folded, &b.folded);
        prop_assert_eq!(a.evasion, b.evasion);
    }

    #[test]
    fn fast_lane_equals_general_path_viet(s in viet()) {
        let (a, b) = (views(&s), views_general(&s));
        prop_assert_eq!(&a.exact, &b.exact);
        prop_assert_eq!(&a.folded, &b.folded);
        prop_assert_eq!(a.evasion, b.evasion);
    }
}

#[test]
fn fast_lane_equals_general_path_every_single_character() {
    // Every code point the fast lane may take, alone and between letters and spaces.
    for cp in (0..0x300u32).chain(0x1E00..0x1F00).chain(0x2000..0x2200) {
        let c = char::from_u32(cp).unwrap();
        for s in [
            c.to_string(),
            format!("Ạ {c}x"),
            format!(" {c} {c}ð Đ\u{A0}"),
        ] {
            let (a, b) = (views(&s), views_general(&s));
            assert_eq!(a.exact, b.exact, "U+{cp:04X}");
            assert_eq!(a.folded, b.folded, "U+{cp:04X}");
        }
    }
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
