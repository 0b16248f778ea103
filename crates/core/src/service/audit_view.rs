//! What each viewer may see of the audit chain (nhật ký kiểm tra), and audited reads.
//!
//! **Filtered viewer.** A record is shown in full only when every secret object it names is
//! one the viewer may see now: items by their current level and the viewer's clearance and
//! need-to-know (the store's scope), requests the same way, register entries and notices
//! through the item they are about. Any other record is redacted: its time and actor stay,
//! its action, object, details and hashes go (no id, level, number or hash). Roles give no
//! clearance here: the administrator sees what its own clearance allows. `audit verify` still
//! checks the whole chain (and says only intact or broken).
//!
//! **Audited reads.** Reading a Tối mật or Tuyệt mật item by id, and asking for an item or
//! request id the reader may not see (that exists), are recorded — after the read, in a write
//! transaction of their own. Bounded: at most once per user, object and hour (marks kept in a
//! small table), at most [`READ_CAP`] per user and hour, then one "cap reached" record.

use super::*;
use crate::access;
use crate::audit::AuditRecord;
use std::collections::HashMap;

/// The action code of a redacted record.
pub const REDACTED: &str = "redacted";
/// What a viewer reads in place of a record about something outside their reach.
pub const REDACTED_TEXT: &str = "Một thao tác trên tài liệu ngoài phạm vi của bạn";
/// Audited reads recorded per user and hour before the one "cap reached" record.
pub const READ_CAP: i64 = 60;

/// The secret objects a record names.
#[derive(Debug, Default, PartialEq, Eq)]
struct Refs {
    items: Vec<Id>,
    requests: Vec<Id>,
    /// A register entry or notice, resolved through the store to its item.
    indirect: Option<String>,
}

fn refs_of(r: &AuditRecord) -> Refs {
    let mut out = Refs::default();
    let id = |s: &str| s.parse::<Id>().ok();
    if let Some(i) = r.object.strip_prefix("item:").and_then(id) {
        out.items.push(i);
    } else if let Some(i) = r.object.strip_prefix("request:").and_then(id) {
        out.requests.push(i);
    } else if r.object.starts_with("register:") || r.object.starts_with("notice:") {
        out.indirect = Some(r.object.clone());
    }
    for w in r.details.split(|c: char| c.is_whitespace() || c == ',') {
        if let Some(i) = w.strip_prefix("item=").and_then(id) {
            out.items.push(i);
        } else if let Some(i) = w.strip_prefix("request=").and_then(id) {
            out.requests.push(i);
        }
    }
    out
}

fn redact(r: AuditRecord) -> AuditRecord {
    AuditRecord {
        seq: r.seq,
        at: r.at,
        actor: r.actor,
        action: REDACTED.into(),
        object: String::new(),
        details: REDACTED_TEXT.into(),
        prev_hash: String::new(),
        hash: String::new(),
        mac: None,
    }
}

/// The hour a read falls in ("YYYY-MM-DDTHH").
fn hour_of(now: time::PrimitiveDateTime) -> String {
    ts(now).get(..13).unwrap_or_default().to_string()
}

impl<S: Store> Service<S> {
    /// One page of the audit chain as the viewer may see it, newest first: records with
    /// `seq < before` (from the newest when `None`), at most `limit` (1–10 000).
    pub fn audit_view(
        &self,
        ctx: &Ctx,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditRecord>> {
        self.read(ctx, |a| {
            a.require_role(access::AUDITORS, "Xem nhật ký kiểm tra")?;
            let recs = a.tx.audit_page(before, limit.clamp(1, 10_000))?;
            let scope = a.scope();
            let mut items: HashMap<Id, bool> = HashMap::new();
            let mut requests: HashMap<Id, bool> = HashMap::new();
            let mut out = Vec::with_capacity(recs.len());
            for r in recs {
                let refs = refs_of(&r);
                let mut item_ids = refs.items.clone();
                // A level with nothing to check it against is not shown (conservative).
                let mut ok = !(refs == Refs::default() && r.details.contains("level="));
                if let Some(obj) = &refs.indirect {
                    match a.tx.audit_object_item(obj)? {
                        Some(i) => item_ids.push(i),
                        None => ok = !refs.requests.is_empty(),
                    }
                }
                for i in item_ids {
                    if !ok {
                        break;
                    }
                    let seen = match items.get(&i) {
                        Some(v) => *v,
                        None => {
                            let v = a.tx.get_item(&scope, i)?.is_some();
                            items.insert(i, v);
                            v
                        }
                    };
                    ok &= seen;
                }
                for q in refs.requests {
                    if !ok {
                        break;
                    }
                    let seen = match requests.get(&q) {
                        Some(v) => *v,
                        None => {
                            let v = a.tx.get_request(&scope, q)?.is_some();
                            requests.insert(q, v);
                            v
                        }
                    };
                    ok &= seen;
                }
                out.push(if ok { r } else { redact(r) });
            }
            Ok(out)
        })
    }

    /// Records an audited read (see the module docs): `what` is "item" or "request"; `shown`
    /// the level of what was shown (None when the read was refused as not found).
    pub(crate) fn note_read(
        &self,
        ctx: &Ctx,
        what: &str,
        id: Id,
        shown: Option<Level>,
    ) -> Result<()> {
        if ctx.user_id == SYSTEM_USER_ID {
            return Ok(());
        }
        let high = shown.is_some_and(|l| l >= Level::ToiMat);
        if shown.is_some() && !high {
            return Ok(());
        }
        self.write(ctx, |a| {
            let action = if shown.is_some() {
                "item.read"
            } else {
                // Not found for this reader: recorded only when it exists (a hidden id).
                let sys = ReadScope::system();
                let exists = match what {
                    "item" => a.tx.get_item(&sys, id)?.is_some(),
                    _ => a.tx.get_request(&sys, id)?.is_some(),
                };
                if !exists {
                    return Ok(());
                }
                "read.refused"
            };
            let object = format!("{what}:{id}");
            let hour = hour_of(a.ctx.now);
            let prune = hour_of(a.ctx.now - time::Duration::days(1));
            let Some(n) = a.tx.audit_read_mark(a.actor.id, &hour, &object, &prune)? else {
                return Ok(());
            };
            if n <= READ_CAP {
                a.audit(action, object, String::new())
            } else if n == READ_CAP + 1 {
                a.audit(
                    "read.cap",
                    format!("user:{}", a.actor.id),
                    format!("cap={READ_CAP}"),
                )
            } else {
                Ok(())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(object: &str, details: &str) -> AuditRecord {
        AuditRecord {
            seq: 1,
            at: "2026-12-02T05:00:00.000000".into(),
            actor: "3:vanthu".into(),
            action: "x".into(),
            object: object.into(),
            details: details.into(),
            prev_hash: "p".into(),
            hash: "h".into(),
            mac: None,
        }
    }

    #[test]
    fn refs_name_items_requests_and_entries() {
        let r = refs_of(&rec("register:outgoing:2026:3", "item=12"));
        assert_eq!(r.items, vec![12]);
        assert_eq!(r.indirect.as_deref(), Some("register:outgoing:2026:3"));
        let r = refs_of(&rec("register:copies:2026:1", "request=4 n=2"));
        assert_eq!(r.requests, vec![4]);
        assert_eq!(refs_of(&rec("user:5", "")), Refs::default());
        assert_eq!(
            refs_of(&rec("attachment:3", "item=8 level=toi-mat")).items,
            vec![8]
        );
        let red = redact(rec("item:9", "level=tuyet-mat"));
        assert!(!format!("{red:?}").contains("item:9") && !format!("{red:?}").contains("tuyet"));
        assert_eq!((red.object.as_str(), red.hash.as_str()), ("", ""));
        assert_eq!(red.details, REDACTED_TEXT);
    }
}
