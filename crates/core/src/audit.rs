//! The audit chain: every change, hash-chained, verifiable offline.
//!
//! `hash = SHA-256(canonical bytes of (seq, at, actor, action, object, details, prev_hash))`.
//! Canonical bytes are a fixed field order with 8-byte big-endian length prefixes (not JSON,
//! whose key order and number formatting are no contract), after a version tag. The store
//! appends records inside the same transaction as the change; on PostgreSQL it locks the chain
//! head so that two writers cannot fork the chain. [`verify`] recomputes the chain and names the
//! first broken record: editing, deleting or reordering any row breaks it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a service asks the store to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditInput {
    /// UTC, "YYYY-MM-DDTHH:MM:SS.ffffff".
    pub at: String,
    /// User id and name ("system" for automatic transitions).
    pub actor: String,
    pub action: String,
    /// "item:12", "register:outgoing:2026:3", "user:5".
    pub object: String,
    /// Short facts. Never a summary or document text.
    pub details: String,
}

/// A stored record of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

fn put(buf: &mut Vec<u8>, field: &[u8]) {
    buf.extend_from_slice(&(field.len() as u64).to_be_bytes());
    buf.extend_from_slice(field);
}

/// Canonical bytes of a record (without its own hash).
pub fn canonical(seq: i64, input: &AuditInput, prev_hash: &str) -> Vec<u8> {
    let mut b = Vec::with_capacity(128 + input.details.len());
    put(&mut b, b"bmnn-audit-v1");
    put(&mut b, seq.to_string().as_bytes());
    put(&mut b, input.at.as_bytes());
    put(&mut b, input.actor.as_bytes());
    put(&mut b, input.action.as_bytes());
    put(&mut b, input.object.as_bytes());
    put(&mut b, input.details.as_bytes());
    put(&mut b, prev_hash.as_bytes());
    b
}

pub fn hex(bytes: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(H[(b >> 4) as usize] as char);
        s.push(H[(b & 15) as usize] as char);
    }
    s
}

/// Builds the next record after `prev` (or the first one).
pub fn seal(prev: Option<&AuditRecord>, input: AuditInput) -> AuditRecord {
    let seq = prev.map_or(1, |p| p.seq + 1);
    let prev_hash = prev.map_or(GENESIS.to_string(), |p| p.hash.clone());
    let hash = hex(&Sha256::digest(canonical(seq, &input, &prev_hash)));
    AuditRecord {
        seq,
        at: input.at,
        actor: input.actor,
        action: input.action,
        object: input.object,
        details: input.details,
        prev_hash,
        hash,
    }
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// `seq` as stored in the first bad row (or the expected seq when one is missing).
    pub seq: i64,
    pub reason: String,
}

/// Verifies records in storage order; returns the count checked.
pub fn verify<'a>(records: impl IntoIterator<Item = &'a AuditRecord>) -> Result<u64, Broken> {
    let mut prev: Option<&AuditRecord> = None;
    let mut n = 0u64;
    for r in records {
        let expected_seq = prev.map_or(1, |p| p.seq + 1);
        if r.seq != expected_seq {
            return Err(Broken {
                seq: r.seq,
                reason: format!(
                    "số thứ tự {} không liền mạch (mong đợi {expected_seq})",
                    r.seq
                ),
            });
        }
        let expected_prev = prev.map_or(GENESIS, |p| p.hash.as_str());
        if r.prev_hash != expected_prev {
            return Err(Broken {
                seq: r.seq,
                reason: "prev_hash không khớp bản ghi trước".into(),
            });
        }
        let input = AuditInput {
            at: r.at.clone(),
            actor: r.actor.clone(),
            action: r.action.clone(),
            object: r.object.clone(),
            details: r.details.clone(),
        };
        let h = hex(&Sha256::digest(canonical(r.seq, &input, &r.prev_hash)));
        if h != r.hash {
            return Err(Broken {
                seq: r.seq,
                reason: "nội dung bị sửa (hash không khớp)".into(),
            });
        }
        prev = Some(r);
        n += 1;
    }
    Ok(n)
}

/// Checks the chain head (kept in its own row, updated with every append) against the last
/// record: catches a deleted tail, which the chain alone cannot see.
pub fn verify_head(last: Option<&AuditRecord>, head: Option<(i64, &str)>) -> Result<(), Broken> {
    match (last, head) {
        (None, None) | (None, Some((0, _))) => Ok(()),
        (Some(r), Some((seq, hash))) if r.seq == seq && r.hash == hash => Ok(()),
        (Some(r), Some((seq, _))) => Err(Broken {
            seq: seq.max(r.seq),
            reason: format!(
                "đầu chuỗi ghi số {seq} nhưng bản ghi cuối là {}: có bản ghi bị xóa hoặc thêm",
                r.seq
            ),
        }),
        (None, Some((seq, _))) => Err(Broken {
            seq,
            reason: "các bản ghi nhật ký đã bị xóa".into(),
        }),
        (Some(r), None) => Err(Broken {
            seq: r.seq,
            reason: "thiếu đầu chuỗi nhật ký".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input(i: usize) -> AuditInput {
        AuditInput {
            at: format!("2026-03-15T08:00:{:02}.000000", i % 60),
            actor: "3:vanthu".into(),
            action: "register".into(),
            object: format!("item:{i}"),
            details: format!("n={i}"),
        }
    }

    fn chain(n: usize) -> Vec<AuditRecord> {
        let mut v: Vec<AuditRecord> = Vec::new();
        for i in 0..n {
            let r = seal(v.last(), input(i));
            v.push(r);
        }
        v
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
        assert_eq!(verify(&chain(0)), Ok(0));
    }

    proptest! {
        #[test]
        fn any_edit_delete_or_swap_is_caught(n in 2usize..20, pick in 0usize..100, how in 0u8..3) {
            let mut c = chain(n);
            let i = pick % n;
            match how {
                0 => c[i].details.push('x'),
                1 => {
                    // Removing the last record leaves a valid shorter chain: the head
                    // check (verify_head) catches that case.
                    c.remove(i);
                    if i == n - 1 {
                        prop_assert!(verify_head(c.last(), Some((n as i64, "x"))).is_err());
                        return Ok(());
                    }
                }
                _ => { let j = (i + 1) % n; if i == j { return Ok(()); } c.swap(i, j); }
            }
            prop_assert!(verify(&c).is_err());
        }
    }
}
