//! The compact copy index against the former layout (`fingerprint_oracle.rs`): same documents,
//! same queries, same answers — before and after compaction, after removals and replacements, and
//! after a serialisation round trip.

use bmnn_scan::FingerprintIndex;
use proptest::prelude::*;

use crate::copy::prose;
use crate::fingerprint_oracle as oracle;

const KEY: [u8; 16] = *b"prop-key-0123456";

/// A registered document: id (small, so that ids repeat and replace), level, prose seed, length.
fn doc() -> impl Strategy<Value = (i64, u8, u64, usize)> {
    (0i64..12, 1u8..=3, 0u64..40, 0usize..500)
}

/// A query: pieces of registered documents' prose (same seeds) and unrelated prose.
fn query() -> impl Strategy<Value = Vec<(u64, usize, usize)>> {
    prop::collection::vec((0u64..60, 0usize..400, 0usize..120), 1..5)
}

fn query_text(pieces: &[(u64, usize, usize)]) -> String {
    pieces
        .iter()
        .map(|&(seed, start, len)| {
            let words: Vec<String> = prose(seed, start + len)
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            words[start.min(words.len())..].join(" ")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn both(
    docs: &[(i64, u8, u64, usize)],
    removed: &[i64],
    allow: bool,
) -> (FingerprintIndex, oracle::FingerprintIndex) {
    let (mut a, mut b) = if allow {
        (
            FingerprintIndex::new(KEY),
            oracle::FingerprintIndex::new(KEY),
        )
    } else {
        (
            FingerprintIndex::new_without_allow(KEY),
            oracle::FingerprintIndex::new_without_allow(KEY),
        )
    };
    a.df_cap = 4;
    b.df_cap = 4;
    for (i, &(id, level, seed, len)) in docs.iter().enumerate() {
        let text = prose(seed, len);
        a.add(id, level, format!("Tài liệu {id}"), &text);
        b.add(id, level, format!("Tài liệu {id}"), &text);
        if i % 5 == 4 {
            a.compact();
        }
    }
    for id in removed {
        a.remove(*id);
        b.remove(*id);
    }
    (a, b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn compact_index_answers_as_the_former_layout(
        docs in prop::collection::vec(doc(), 0..16),
        removed in prop::collection::vec(0i64..12, 0..3),
        q in query(),
        max_level in 1u8..=3,
        allow in any::<bool>(),
    ) {
        let (mut a, b) = both(&docs, &removed, allow);
        let text = query_text(&q);
        let expected = b.query(&text, max_level);
        prop_assert_eq!(a.len(), b.len());
        prop_assert_eq!(&a.query(&text, max_level), &expected, "before compaction");
        a.compact();
        prop_assert_eq!(&a.query(&text, max_level), &expected, "after compaction");
        let back = FingerprintIndex::from_bytes(&a.to_bytes(), KEY).expect("round trip");
        prop_assert_eq!(&back.query(&text, max_level), &expected, "after a round trip");
        prop_assert_eq!(back.len(), b.len());
    }
}

#[test]
fn compact_index_finds_every_registered_passage_among_many_documents() {
    // Enough documents for several bucket bits and a multi-word packed layout.
    let mut a = FingerprintIndex::new_without_allow(KEY);
    let mut b = oracle::FingerprintIndex::new_without_allow(KEY);
    for d in 0..400i64 {
        let text = prose(10_000 + d as u64, 300);
        a.add(d, 1 + (d % 3) as u8, format!("#{d}"), &text);
        b.add(d, 1 + (d % 3) as u8, format!("#{d}"), &text);
    }
    a.compact();
    b.compact();
    assert_eq!(a.entries(), b.entries());
    for d in (0..400i64).step_by(37) {
        let words: Vec<String> = prose(10_000 + d as u64, 300)
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let q = format!("{} {}", prose(7, 200), words[100..180].join(" "));
        let got = a.query(&q, 3);
        assert_eq!(got, b.query(&q, 3), "document {d}");
        assert!(got.iter().any(|m| m.doc_id == d), "document {d} found");
    }
}
