//! Services behind the web UI's own bookkeeping: login sessions and attachments (tệp đính kèm).
//!
//! Sessions: the web layer makes a random cookie token and gives this layer only its SHA-256
//! and the session's synchronizer (CSRF) token; expiry is checked here (idle and absolute), so
//! a session that outlived either limit is deleted and treated as absent. Opening, closing and
//! revoking sessions are audited; refreshing `last_seen` is not an act and is not audited (it
//! happens at most once a minute per session).
//!
//! Attachments: the web layer encrypts; this layer stores ciphertext through the item's
//! clearance scope and records every upload and every view ("attachment.view") in the audit
//! chain, with the level so that views of Tối mật and Tuyệt mật files stand out.

use super::*;
use crate::access;
use crate::policy::Via;
use time::Duration;

/// Seconds between two refreshes of a session's `last_seen`.
pub const SESSION_TOUCH_SECS: i64 = 60;

pub(crate) fn parse_ts(s: &str) -> Option<PrimitiveDateTime> {
    // "YYYY-MM-DDTHH:MM:SS.ffffff"
    let (d, t) = s.split_once('T')?;
    let date = crate::dates::parse_date(d)?;
    let (hms, frac) = t.split_once('.').unwrap_or((t, "0"));
    let mut it = hms.splitn(3, ':');
    let h: u8 = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let sec: u8 = it.next()?.parse().ok()?;
    let micro: u32 = format!("{frac:0<6}").get(..6)?.parse().ok()?;
    let time = time::Time::from_hms_micro(h, m, sec, micro).ok()?;
    Some(PrimitiveDateTime::new(date, time))
}

impl<S: Store> Service<S> {
    /// True when at least one user exists (otherwise the first-run setup page is shown).
    pub fn has_users(&self) -> Result<bool> {
        self.store.read(|tx| Ok(tx.org_size()?.1 > 0))
    }

    /// Opens a login session for the acting user (new token on every login).
    pub fn open_session(
        &self,
        ctx: &Ctx,
        token_hash: &str,
        csrf: &str,
        absolute_secs: i64,
    ) -> Result<Session> {
        self.write(ctx, |a| {
            let s = Session {
                token_hash: token_hash.to_string(),
                user_id: a.actor.id,
                csrf: csrf.to_string(),
                created_at: ts(a.ctx.now),
                last_seen: ts(a.ctx.now),
                expires_at: ts(a.ctx.now + Duration::seconds(absolute_secs)),
            };
            a.tx.insert_session(&s)?;
            a.audit(
                "session.open",
                format!("user:{}", a.actor.id),
                String::new(),
            )?;
            Ok(s)
        })
    }

    /// The active user behind a session cookie, or None when the session is unknown, expired
    /// (idle or absolute) or its user is inactive. Expired sessions are deleted.
    pub fn session_user(
        &self,
        token_hash: &str,
        now: PrimitiveDateTime,
        idle_secs: i64,
    ) -> Result<Option<(User, Session)>> {
        Ok(self
            .session_page(token_hash, now, idle_secs, None)?
            .map(|(u, s, _)| (u, s)))
    }

    /// [`Self::session_user`] and, given the date of a page that carries the header, the
    /// user's [`Self::inbox_count`]: one read transaction for both when the session is valid
    /// and needs no refresh (a page's usual case), else the count read after.
    pub fn session_page(
        &self,
        token_hash: &str,
        now: PrimitiveDateTime,
        idle_secs: i64,
        count_on: Option<Date>,
    ) -> Result<Option<(User, Session, Option<usize>)>> {
        let live = |s: &Session, u: Option<&User>| {
            let now_s = ts(now);
            let idle_ok =
                parse_ts(&s.last_seen).is_some_and(|l| l + Duration::seconds(idle_secs) > now);
            s.expires_at.as_str() > now_s.as_str() && idle_ok && u.is_some()
        };
        let touch = |s: &Session| {
            parse_ts(&s.last_seen).is_none_or(|l| l + Duration::seconds(SESSION_TOUCH_SECS) <= now)
        };
        // Taken before the read begins (see `Store::generation`).
        let generation = self.store.generation();
        // Most requests only read; the write lock is taken only to expire or to refresh.
        let found = self.store.read(|tx| {
            let Some(s) = tx.get_session(token_hash)? else {
                return Ok(None);
            };
            let u = tx.get_user(s.user_id)?;
            let n = match (&u, count_on) {
                (Some(user), Some(today)) if user.active && live(&s, u.as_ref()) && !touch(&s) => {
                    let ctx = Ctx {
                        user_id: user.id,
                        now,
                        today,
                    };
                    let mut a = Act0::new(tx, user.clone(), ctx, &self.rules);
                    Some(self.inbox_count_in(&mut a, generation)?)
                }
                _ => None,
            };
            Ok(Some((s, u, n)))
        })?;
        let Some((s, user, n)) = found else {
            return Ok(None);
        };
        let now_s = ts(now);
        if !live(&s, user.as_ref()) {
            self.store.write(|tx| {
                tx.delete_session(token_hash)?;
                tx.audit(AuditInput {
                    at: now_s.clone(),
                    actor: "system".into(),
                    action: "session.expire".into(),
                    object: format!("user:{}", s.user_id),
                    details: String::new(),
                })?;
                Ok(())
            })?;
            return Ok(None);
        }
        let Some(u) = user.filter(|u| u.active) else {
            return Ok(None);
        };
        if touch(&s) {
            self.store
                .write(|tx| tx.touch_session(token_hash, &now_s))?;
        }
        let n = match (n, count_on) {
            (Some(n), _) => Some(n),
            (None, Some(today)) => Some(self.inbox_count(&Ctx {
                user_id: u.id,
                now,
                today,
            })?),
            (None, None) => None,
        };
        Ok(Some((u, s, n)))
    }

    /// Đăng xuất: closes this session.
    pub fn close_session(&self, ctx: &Ctx, token_hash: &str) -> Result<()> {
        self.write(ctx, |a| {
            a.tx.delete_session(token_hash)?;
            a.audit(
                "session.close",
                format!("user:{}", a.actor.id),
                String::new(),
            )
        })
    }

    /// Đăng xuất khỏi mọi thiết bị (own sessions), or an administrator's revocation of another
    /// user's sessions (after a change of role, clearance or active flag).
    pub fn revoke_sessions(&self, ctx: &Ctx, user_id: Id) -> Result<u64> {
        self.write(ctx, |a| {
            if a.actor.id != user_id {
                a.require_role(access::ADMIN, "Thu hồi phiên đăng nhập của người khác")?;
            }
            let n = a.tx.delete_user_sessions(user_id)?;
            a.audit(
                "session.revoke_all",
                format!("user:{user_id}"),
                format!("count={n}"),
            )?;
            Ok(n)
        })
    }

    /// Stores the encrypted electronic file of a visible, protected-or-proposed item.
    #[allow(clippy::too_many_arguments)]
    pub fn add_attachment(
        &self,
        ctx: &Ctx,
        item_id: Id,
        file_name: &str,
        mime: &str,
        size: i64,
        sha256: &str,
        ciphertext: &[u8],
    ) -> Result<AttachmentMeta> {
        self.write(ctx, |a| {
            a.require_role(access::ATTACHERS, "Đính kèm tệp điện tử")?;
            let item = a.item(item_id)?;
            check_attach(a, &item)?;
            let name: String = file_name
                .chars()
                .filter(|c| !c.is_control() && !"/\\".contains(*c))
                .take(200)
                .collect();
            let name = if name.trim().is_empty() {
                "tep-dinh-kem".to_string()
            } else {
                name
            };
            let mut m = AttachmentMeta {
                id: 0,
                item_id,
                level: item.level,
                file_name: name,
                mime: mime.chars().take(100).collect(),
                size,
                sha256: sha256.to_string(),
                uploaded_by: a.actor.id,
                uploaded_at: ts(a.ctx.now),
            };
            m.id = a.tx.insert_attachment(&m, ciphertext)?;
            a.audit(
                "attachment.add",
                format!("attachment:{}", m.id),
                format!(
                    "item={} level={} size={} sha256={}",
                    item_id,
                    item.level.code(),
                    size,
                    sha256
                ),
            )?;
            Ok(m)
        })
    }

    /// Attachments of a visible item (metadata only).
    pub fn attachments(&self, ctx: &Ctx, item_id: Id) -> Result<Vec<AttachmentMeta>> {
        self.read(ctx, |a| {
            a.item(item_id)?;
            let scope = a.scope();
            a.tx.list_attachments(&scope, item_id)
        })
    }

    /// Opens an attachment: only within clearance, and always recorded ("attachment.view").
    pub fn view_attachment(&self, ctx: &Ctx, id: Id) -> Result<(AttachmentMeta, Vec<u8>)> {
        self.write(ctx, |a| {
            let scope = a.scope();
            let (m, bytes) =
                a.tx.get_attachment(&scope, id)?
                    .ok_or(CoreError::NotFound("tệp đính kèm"))?;
            // The item must be visible too (need-to-know), not only the file's level.
            a.item(m.item_id)?;
            a.audit(
                "attachment.view",
                format!("attachment:{id}"),
                format!(
                    "item={} level={}{}",
                    m.item_id,
                    m.level.code(),
                    if m.level >= Level::ToiMat {
                        " high=true"
                    } else {
                        ""
                    }
                ),
            )?;
            Ok((m, bytes))
        })
    }
}

/// Whether the acting user may decide now, and how: what the approvals inbox shows beside each
/// proposal or request. A read: nothing is written; the decision itself checks again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MayDecide {
    /// In own right, or under a delegation (its id), with the legal basis.
    Yes {
        delegated: Option<Id>,
        basis: String,
    },
    /// Only with the reference of an outside decision (e.g. Thủ tướng Chính phủ).
    External(String),
    /// Not this user: the refusal message (who must decide, and why).
    No(String),
}

/// The act a request asks for (copy, take-out at home or abroad, provision at home or to a
/// foreign party, destruction).
pub fn request_act(r: &Request) -> Act {
    match &r.details {
        RequestDetails::Copy { .. } => Act::Copy,
        RequestDetails::TakeOut { abroad: true, .. } => Act::TakeOutAbroad,
        RequestDetails::TakeOut { .. } => Act::TakeOutDomestic,
        RequestDetails::Provide { foreign: true, .. } => Act::ProvideForeign,
        RequestDetails::Provide { .. } => Act::ProvideDomestic,
        RequestDetails::Destroy { .. } => Act::Destroy,
    }
}

impl<S: Store> Service<S> {
    /// May the acting user decide `act` for an item of `level` today (authority matrix of the
    /// regime in force, position, written delegations)?
    pub fn may_decide(&self, ctx: &Ctx, act: Act, level: Level) -> Result<MayDecide> {
        self.read(ctx, |a| {
            let (on, regime) = a.act_date(None)?;
            match a.authorise(regime, act, level, on, None) {
                Ok(auth) => Ok(MayDecide::Yes {
                    delegated: match auth.via {
                        Via::Delegation(id) => Some(id),
                        _ => None,
                    },
                    basis: auth.basis,
                }),
                Err(CoreError::Refused(r)) if r.code == "external_decision_required" => {
                    Ok(MayDecide::External(r.message))
                }
                Err(CoreError::Refused(r)) => Ok(MayDecide::No(r.message)),
                Err(e) => Err(e),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse_ts;

    #[test]
    fn timestamps_round_trip() {
        let t = parse_ts("2026-11-25T08:30:01.000123").expect("parses");
        assert_eq!(super::ts(t), "2026-11-25T08:30:01.000123");
        assert!(parse_ts("nonsense").is_none());
    }
}
