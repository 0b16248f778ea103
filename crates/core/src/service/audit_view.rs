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

/// Records the audit viewer reads at most for one page (the filter is applied as it reads).
pub const AUDIT_SCAN: i64 = 20_000;

/// What the audit viewer asks for (bộ lọc nhật ký): who, which kind of action, which days
/// (Vietnam time, both ends included).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<Id>,
    /// The action's family, the part before the dot ("item", "register", "request", ...).
    pub family: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl AuditFilter {
    pub fn is_empty(&self) -> bool {
        self.actor.is_none() && self.family.is_none() && self.from.is_none() && self.to.is_none()
    }

    fn matches(&self, r: &AuditRecord) -> bool {
        if let Some(id) = self.actor
            && actor_id(&r.actor) != Some(id)
        {
            return false;
        }
        if let Some(f) = &self.family
            && r.action.split('.').next() != Some(f.as_str())
        {
            return false;
        }
        if self.from.is_some() || self.to.is_some() {
            let Some(day) = vn_day(&r.at) else {
                return false;
            };
            if self.from.is_some_and(|f| day < f) || self.to.is_some_and(|t| day > t) {
                return false;
            }
        }
        true
    }
}

/// The user id of a record's actor ("7:vanthu").
pub fn actor_id(actor: &str) -> Option<Id> {
    actor.split(':').next()?.parse().ok()
}

/// The day (Vietnam time, UTC+7) of a record's UTC timestamp.
fn vn_day(at: &str) -> Option<Date> {
    let day = crate::dates::parse_date(at.get(..10)?)?;
    let hour: u8 = at.get(11..13)?.parse().ok()?;
    Some(if hour >= 17 { day.next_day()? } else { day })
}

/// One page of the audit viewer: the records, where the next page starts, and the names of
/// the users (họ tên và tên đăng nhập) by id.
#[derive(Debug)]
pub struct AuditPage {
    pub records: Vec<AuditRecord>,
    pub older: Option<i64>,
    pub people: HashMap<Id, String>,
}

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

    /// One page of the audit viewer (trang nhật ký kiểm tra): the records of [`Self::audit_view`]
    /// that match `filter`, newest first, at most `limit`, with the names of the people they
    /// name. The filter applies after redaction, so a redacted record matches only on its time
    /// and actor (never on the action it hides). The chain is read a batch at a time from
    /// `before`; at most [`AUDIT_SCAN`] records are read per page, and `older` says where the
    /// next page starts (None at the chain's start).
    pub fn audit_search(
        &self,
        ctx: &Ctx,
        before: Option<i64>,
        limit: i64,
        filter: &AuditFilter,
    ) -> Result<AuditPage> {
        let limit = limit.clamp(1, 1_000);
        let mut lines = Vec::new();
        let mut cursor = before;
        let mut read = 0i64;
        let older = loop {
            let batch = self.audit_view(ctx, cursor, 500)?;
            let exhausted = batch.len() < 500;
            let mut next = None;
            for r in batch {
                read += 1;
                next = Some(r.seq);
                if filter.matches(&r) {
                    lines.push(r);
                    if lines.len() as i64 == limit {
                        break;
                    }
                }
            }
            let next = next.filter(|s| *s > 1);
            if lines.len() as i64 == limit || read >= AUDIT_SCAN {
                break next;
            }
            if exhausted || next.is_none() {
                break None;
            }
            cursor = next;
        };
        let people = self.read(ctx, |a| {
            let mut names = HashMap::new();
            for u in a.tx.list_users()? {
                names.insert(u.id, format!("{} ({})", u.full_name, u.username));
            }
            Ok(names)
        })?;
        Ok(AuditPage {
            records: lines,
            older,
            people,
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
