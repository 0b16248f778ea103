//! Opaque public identifiers (mã định danh công khai): the only form in which an object's id
//! leaves or enters the web boundary (pages, forms, htmx attributes, redirects, `/api/v1`).
//!
//! The store keeps its sequential integer ids; outside, a sequential id is an oracle — a clerk
//! cleared for Mật who sees items 30 and 37 learns that six objects he may not see exist. So
//! every id crosses the boundary through a keyed permutation of the 64-bit value (a balanced
//! Feistel network, six rounds on two 32-bit halves, round function SHA-256 keyed with a round
//! key derived from the data key), written as 13 characters of Crockford base32 (lower case).
//! Two ids in a row give unrelated tokens; without the data key no token can be forged or
//! ordered.
//!
//! Decoding never fails loudly: anything that is not a well-formed token (a number, a tampered
//! or foreign token, a wrong length) becomes [`UNKNOWN`], an id no object ever has, so the
//! service answers it exactly like an unknown or hidden object (404) — there is no distinct
//! error to tell a bad token from a hidden object. Two input errors are told apart because
//! they concern only the public form of an id, never which objects exist: a number (or a
//! boolean) where a request body puts an id is a type error (400, [`misplaced_type`]), and a
//! string without a token's form in a body or a query is 404 before any service sees it
//! ([`malformed`], [`Codec::well_formed`]), so no service ever acts on a made-up id it would
//! not check.
//!
//! One permutation serves every kind of object (items, requests, register entries, notices,
//! attachments, users, units…), so JSON fields are translated by name ([`is_id_key`]): the
//! API's answers are rewritten by [`encode_json`] (a layer on the API router) and its request
//! bodies by [`decode_json`] (in `api::extract::Body`); the pages use [`Pid`] (its `Display`
//! is the token) and forms deserialize [`Pid`]. Handlers never hand-roll an encoding.
//!
//! The key is process-wide ([`install`], called when an `AppState` is built): askama's
//! `Display` and serde's `Deserialize` have no access to the handler's state. Every `AppState`
//! of one process is expected to carry the same data key (one server, or tests with the fixed
//! default key).

use bmnn_core::model::Id;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Length of a token.
pub const LEN: usize = 13;
/// The id every invalid token decodes to: no object ever has it (ids are allocated upwards
/// from 1), so the service answers it as unknown.
pub const UNKNOWN: Id = i64::MAX;
/// The token's pattern, as the OpenAPI document states it.
pub const PATTERN: &str = "^[0-9a-f][0-9a-hjkmnp-tv-z]{12}$";

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const ROUNDS: usize = 6;

/// The keyed permutation.
#[derive(Clone)]
pub struct Codec {
    round_keys: [[u8; 32]; ROUNDS],
}

impl Codec {
    /// Round keys derived from the data key (domain-separated from the scanner's and the
    /// audit chain's keys).
    pub fn new(data_key: &[u8; 32]) -> Codec {
        let base: [u8; 32] = Sha256::new_with_prefix(b"bmnn public ids v1")
            .chain_update(data_key)
            .finalize()
            .into();
        let mut round_keys = [[0u8; 32]; ROUNDS];
        for (i, k) in round_keys.iter_mut().enumerate() {
            *k = Sha256::new_with_prefix(base)
                .chain_update([i as u8])
                .finalize()
                .into();
        }
        Codec { round_keys }
    }

    fn f(&self, round: usize, half: u32) -> u32 {
        let h = Sha256::new_with_prefix(self.round_keys[round])
            .chain_update(half.to_be_bytes())
            .finalize();
        u32::from_be_bytes([h[0], h[1], h[2], h[3]])
    }

    fn permute(&self, v: u64) -> u64 {
        let (mut l, mut r) = ((v >> 32) as u32, v as u32);
        for i in 0..ROUNDS {
            (l, r) = (r, l ^ self.f(i, r));
        }
        (u64::from(l) << 32) | u64::from(r)
    }

    fn unpermute(&self, v: u64) -> u64 {
        let (mut l, mut r) = ((v >> 32) as u32, v as u32);
        for i in (0..ROUNDS).rev() {
            (l, r) = (r ^ self.f(i, l), l);
        }
        (u64::from(l) << 32) | u64::from(r)
    }

    /// The token of `id`.
    pub fn encode(&self, id: Id) -> String {
        token_str(&self.token(id))
    }

    /// The token of `id`, as bytes of [`ALPHABET`].
    fn token(&self, id: Id) -> [u8; LEN] {
        let mut v = self.permute(id as u64);
        let mut out = [0u8; LEN];
        for c in out.iter_mut().rev() {
            *c = ALPHABET[(v & 31) as usize];
            v >>= 5;
        }
        out
    }

    /// Whether `token` has a token's form (length, alphabet): public knowledge, it says
    /// nothing about whether an object has that id.
    pub fn well_formed(token: &str) -> bool {
        let b = token.as_bytes();
        b.len() == LEN && b.iter().all(|c| ALPHABET.contains(c)) && ALPHABET[..16].contains(&b[0])
    }

    /// The id of a well-formed token, or [`UNKNOWN`] for anything else.
    pub fn decode(&self, token: &str) -> Id {
        let b = token.as_bytes();
        if b.len() != LEN {
            return UNKNOWN;
        }
        let mut v: u64 = 0;
        for (i, c) in b.iter().enumerate() {
            let Some(d) = ALPHABET.iter().position(|a| a == c) else {
                return UNKNOWN;
            };
            // 13 characters carry 65 bits: the first one holds only 4.
            if i == 0 && d >= 16 {
                return UNKNOWN;
            }
            v = (v << 5) | d as u64;
        }
        match i64::try_from(self.unpermute(v)) {
            Ok(id) if id > 0 => id,
            _ => UNKNOWN,
        }
    }
}

fn token_str(t: &[u8; LEN]) -> String {
    String::from_utf8(t.to_vec()).expect("ascii")
}

static CODEC: RwLock<Option<Codec>> = RwLock::new(None);
/// Bumped after each [`install`]: a thread's [`Recent`] tokens of an older key are dropped.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Installs the process-wide codec for `data_key` (done by `AppState::from_shared`).
pub fn install(data_key: &[u8; 32]) {
    let c = Codec::new(data_key);
    *CODEC.write().unwrap_or_else(|e| e.into_inner()) = Some(c);
    GENERATION.fetch_add(1, Ordering::Release);
}

/// Slots of [`Recent`] (a power of two): a register page shows 400 ids (each entry and its
/// item), a list 50 to 200; 2,048 slots (48 KiB a thread) keep most of a page's tokens for its
/// next view.
const RECENT_SLOTS: usize = 2048;
const _: () = assert!(RECENT_SLOTS.is_power_of_two());

/// The tokens of the ids a thread encoded lately, direct-mapped by id. A token costs six
/// SHA-256 compressions, and pages show the same ids view after view: on PostgreSQL's
/// register page at a million items the encoding was 4.5 % of all the machine's CPU samples
/// (session 17). Tokens are public (they are in the pages), so keeping them is no exposure;
/// they are kept per key generation, never across [`install`].
struct Recent {
    generation: u64,
    slots: Vec<Option<(Id, [u8; LEN])>>,
}

impl Recent {
    fn new() -> Recent {
        Recent {
            generation: 0,
            slots: Vec::new(),
        }
    }

    /// The token of `id` under `codec`, whose key is of `generation`.
    fn token(&mut self, generation: u64, codec: &Codec, id: Id) -> [u8; LEN] {
        if self.generation != generation || self.slots.is_empty() {
            self.generation = generation;
            self.slots.clear();
            self.slots.resize(RECENT_SLOTS, None);
        }
        // Fibonacci hashing: consecutive ids spread over the slots (the product's top bits).
        let bits = RECENT_SLOTS.trailing_zeros();
        let slot = ((id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize;
        match self.slots[slot] {
            Some((i, t)) if i == id => t,
            _ => {
                let t = codec.token(id);
                self.slots[slot] = Some((id, t));
                t
            }
        }
    }
}

thread_local! {
    static RECENT: std::cell::RefCell<Recent> = std::cell::RefCell::new(Recent::new());
}

fn with<T>(f: impl FnOnce(&Codec) -> T) -> T {
    let g = CODEC.read().unwrap_or_else(|e| e.into_inner());
    f(g.as_ref()
        .expect("pubid::install is called when the AppState is built"))
}

/// The token of `id` under the installed key.
pub fn encode(id: Id) -> String {
    // The generation is read before the codec: a token of a newer key kept under an older
    // generation is dropped at the next call, never the reverse.
    let generation = GENERATION.load(Ordering::Acquire);
    let t = with(|c| RECENT.with(|r| r.borrow_mut().token(generation, c, id)));
    token_str(&t)
}

/// The id of `token` under the installed key ([`UNKNOWN`] when it is not one).
pub fn decode(token: &str) -> Id {
    with(|c| c.decode(token))
}

/// An id at the boundary: shown (`Display`, `Serialize`) as its token, read (`Deserialize`)
/// from a token; anything else reads as [`UNKNOWN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Pid(pub Id);

impl Pid {
    pub fn id(self) -> Id {
        self.0
    }
}

impl From<Id> for Pid {
    fn from(id: Id) -> Pid {
        Pid(id)
    }
}

impl std::fmt::Display for Pid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&encode(self.0))
    }
}

/// A token's schema (a patterned string, never a number), `api::schema::pid`.
impl schemars::JsonSchema for Pid {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Pid".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        match crate::api::schema::pid() {
            serde_json::Value::Object(m) => m.into(),
            _ => schemars::Schema::default(),
        }
    }
}

impl Serialize for Pid {
    fn serialize<Z: Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
        s.serialize_str(&encode(self.0))
    }
}

impl<'de> Deserialize<'de> for Pid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Pid, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Pid(decode(s.trim())))
    }
}

/// `Option<Pid>` of a form field: empty or absent is `None`.
pub fn opt_form<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Pid>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    Ok(s.map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .map(|s| Pid(decode(&s))))
}

/// A form field holding a token, as the id's decimal text for services that parse forms
/// themselves (empty stays empty: "none").
pub fn form_text(s: String) -> String {
    if s.trim().is_empty() {
        s
    } else {
        decode(s.trim()).to_string()
    }
}

/// Names of JSON fields that hold an object's id (or a list of ids), whatever the object:
/// `id`, `…_id`, `…_ids`, and the core model's fields that name a person or an object
/// without the suffix. Only integer values (and lists of integers) are ids on the way out.
pub fn is_id_key(k: &str) -> bool {
    const OTHER: [&str; 14] = [
        "to_user",
        "created_by",
        "corrects",
        "by",
        "uploaded_by",
        "taken_out",
        "replaces",
        "replaced_by",
        "hidden",
        "expired",
        "carry_over",
        "decided_by",
        "classified_by",
        "requested_by",
    ];
    // Not ids: the scanner's rule codes.
    if k == "rule_id" {
        return false;
    }
    k == "id" || k.ends_with("_id") || k.ends_with("_ids") || OTHER.contains(&k)
}

/// Names of request-body fields that hold ids: `id`, `…_id`, `…_ids`, and the catalogue
/// decision's `replaces` and `carry_over` (never `by`, which is a person's name in a device
/// wipe).
pub fn is_input_id_key(k: &str) -> bool {
    k != "rule_id"
        && (k == "id"
            || k.ends_with("_id")
            || k.ends_with("_ids")
            || k == "replaces"
            || k == "carry_over")
}

/// Rewrites every integer id of an answer into its token (in place, recursively).
pub fn encode_json(v: &mut Value) {
    with(|c| encode_value(c, v));
}

fn encode_value(c: &Codec, v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if is_id_key(k) {
                    encode_id(c, x);
                } else if k == "object" {
                    encode_object_ref(c, x);
                } else {
                    encode_value(c, x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| encode_value(c, x)),
        _ => {}
    }
}

fn encode_id(c: &Codec, x: &mut Value) {
    match x {
        Value::Number(n) => {
            if let Some(id) = n.as_i64() {
                *x = Value::String(c.encode(id));
            }
        }
        Value::Array(a) => {
            for y in a.iter_mut() {
                encode_id(c, y);
            }
        }
        other => encode_value(c, other),
    }
}

/// An audit record's object (`item:31`) as the pages show it (`item:<token>`).
pub fn object_ref(s: &str) -> String {
    match s.split_once(':') {
        Some((kind, n)) => match n.parse::<Id>() {
            Ok(id) => format!("{kind}:{}", encode(id)),
            Err(_) => s.to_string(),
        },
        None => s.to_string(),
    }
}

/// An audit record's object (`item:31`) names its id too.
fn encode_object_ref(c: &Codec, x: &mut Value) {
    if let Value::String(s) = x
        && let Some((kind, n)) = s.split_once(':')
        && let Ok(id) = n.parse::<Id>()
    {
        *s = format!("{kind}:{}", c.encode(id));
    } else {
        encode_value(c, x);
    }
}

/// Translates every id field of a request body from its token to the id (in place,
/// recursively). Anything but a well-formed token (a number included) becomes [`UNKNOWN`].
pub fn decode_json(v: &mut Value) {
    with(|c| decode_value(c, v));
}

/// The first id field of a request body whose string has no token's form (wrong length or
/// characters): answered 404 like an unknown object, before any service sees it (the form is
/// public; a well-formed token goes on to the service and is answered like a hidden object).
pub fn malformed(v: &Value) -> Option<String> {
    fn bad(x: &Value) -> bool {
        match x {
            Value::String(s) => !Codec::well_formed(s.trim()),
            Value::Array(a) => a.iter().any(bad),
            _ => false,
        }
    }
    match v {
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            if is_input_id_key(k) && bad(x) {
                Some(k.clone())
            } else {
                malformed(x)
            }
        }),
        Value::Array(a) => a.iter().find_map(malformed),
        _ => None,
    }
}

/// The name of the first id field of a request body that holds a number or a boolean (or a
/// list holding one): ids are strings, and a wrong type is an input error like any other (it
/// says nothing about which objects exist).
pub fn misplaced_type(v: &Value) -> Option<String> {
    fn bad(x: &Value) -> bool {
        match x {
            Value::Number(_) | Value::Bool(_) => true,
            Value::Array(a) => a.iter().any(bad),
            _ => false,
        }
    }
    match v {
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            if is_input_id_key(k) && bad(x) {
                Some(k.clone())
            } else {
                misplaced_type(x)
            }
        }),
        Value::Array(a) => a.iter().find_map(misplaced_type),
        _ => None,
    }
}

fn decode_value(c: &Codec, v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if is_input_id_key(k) {
                    decode_id(c, x);
                } else {
                    decode_value(c, x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| decode_value(c, x)),
        _ => {}
    }
}

fn decode_id(c: &Codec, x: &mut Value) {
    match x {
        Value::String(s) => *x = Value::from(c.decode(s.trim())),
        Value::Number(_) => *x = Value::from(UNKNOWN),
        Value::Array(a) => a.iter_mut().for_each(|y| decode_id(c, y)),
        // null (an optional id left out), booleans (refused by the command's types) and
        // objects stay as they are.
        other => decode_value(c, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_hides_order() {
        let c = Codec::new(&[7u8; 32]);
        let mut seen = std::collections::HashSet::new();
        for id in 1..2000i64 {
            let t = c.encode(id);
            assert_eq!(t.len(), LEN);
            assert!(t.parse::<i64>().is_err(), "{t} looks like a number");
            assert!(regex_ok(&t), "{t}");
            assert_eq!(c.decode(&t), id);
            assert!(seen.insert(t));
        }
        // Another key: other tokens, which do not decode under the first one to the same id.
        let d = Codec::new(&[8u8; 32]);
        assert_ne!(c.encode(1), d.encode(1));
        assert_ne!(c.decode(&d.encode(1)), 1);
    }

    /// The tokens kept for recent ids are the codec's, whatever the ids (colliding in a slot or
    /// not), and none survives a change of key.
    #[test]
    fn recent_tokens_are_the_codecs_and_follow_the_key() {
        let (c, d) = (Codec::new(&[7u8; 32]), Codec::new(&[8u8; 32]));
        let mut r = Recent::new();
        // Ids 1..5000 twice: more ids than slots, so slots are shared and overwritten.
        for round in 0..2 {
            for id in (1..5000i64).chain([i64::MAX, 1 << 40]) {
                assert_eq!(r.token(1, &c, id), c.token(id), "round {round}, id {id}");
            }
        }
        for id in 1..3000i64 {
            assert_eq!(
                r.token(2, &d, id),
                d.token(id),
                "after the key changed, id {id}"
            );
        }
        assert_eq!(token_str(&c.token(42)), c.encode(42));
    }

    fn regex_ok(t: &str) -> bool {
        let b = t.as_bytes();
        b.len() == LEN
            && (b[0].is_ascii_digit() || (b'a'..=b'f').contains(&b[0]))
            && b.iter().all(|x| ALPHABET.contains(x))
    }

    #[test]
    fn anything_else_is_unknown() {
        let c = Codec::new(&[7u8; 32]);
        let t = c.encode(42);
        for bad in [
            "42",
            "",
            "zzzzzzzzzzzzz",
            &t[1..],
            &format!("{t}0"),
            &t.to_uppercase(),
            "0000000000i00",
        ] {
            assert_eq!(c.decode(bad), UNKNOWN, "{bad}");
        }
        // A changed character gives another id, never 42.
        let mut b = t.clone().into_bytes();
        b[12] = if b[12] == b'0' { b'1' } else { b'0' };
        assert_ne!(c.decode(std::str::from_utf8(&b).unwrap()), 42);
    }

    #[test]
    fn json_both_ways() {
        install(&[0u8; 32]);
        let mut v = serde_json::json!({
            "id": 5, "item_id": 6, "item_ids": [7, 8], "by": 9, "number": 10,
            "rule_id": "stamp", "object": "item:5", "nested": [{"unit_id": null, "entry_id": 3}]
        });
        encode_json(&mut v);
        assert_eq!(v["id"], encode(5));
        assert_eq!(v["item_ids"][1], encode(8));
        assert_eq!(v["by"], encode(9));
        assert_eq!(v["number"], 10);
        assert_eq!(v["rule_id"], "stamp");
        assert_eq!(v["object"], format!("item:{}", encode(5)));
        assert_eq!(v["nested"][0]["entry_id"], encode(3));
        assert!(v["nested"][0]["unit_id"].is_null());
        let mut w = serde_json::json!({"item_id": encode(6), "item_ids": [encode(7), 8], "rule_id": "x", "unit_id": null});
        decode_json(&mut w);
        assert_eq!(w["item_id"], 6);
        assert_eq!(w["item_ids"][0], 7);
        assert_eq!(w["item_ids"][1], UNKNOWN);
        assert_eq!(w["rule_id"], "x");
        assert!(w["unit_id"].is_null());
    }
}
