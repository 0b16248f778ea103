//! Accounts: separation of duties (phân tách nhiệm vụ) and API tokens (mã truy cập API).
//!
//! Account administration does not carry clearance. Granting or raising a clearance, giving
//! the clerk, leader or security-officer role, or a position that heads the agency, becomes a
//! [`PrivilegeChange`] that takes effect only when the head of the agency (or the person the
//! agency names) approves it; nobody approves their own request or a change to their own
//! account. Lowering a clearance or removing a role takes effect at once. The console (the
//! system actor, who holds the data folder and so everything) applies changes directly: that is
//! how the first head of the agency gets an account.
//!
//! API tokens expire, are listed and revoked by their owner (and by the administrator), and
//! are revoked by a password change, a reset, deactivation and any privilege change.

use super::*;
use crate::access;
use crate::dates::fmt_vn;

/// The roles that reach secret items: giving one needs the approver (two-person rule).
pub const GUARDED_ROLES: [Role; 3] = [Role::Clerk, Role::Leader, Role::SecurityOfficer];

/// Default lifetime of an API token, in days (`serve --token-days`).
pub const TOKEN_DAYS: i64 = 90;

/// Roles as text for the audit trail ("admin,clerk"; "-" for none).
pub(crate) fn roles_text(r: &[Role]) -> String {
    if r.is_empty() {
        return "-".into();
    }
    r.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

pub(crate) fn clearance_text(c: Option<Level>) -> &'static str {
    c.map_or("none", |l| l.code())
}

fn rank_of(c: Option<Level>) -> i16 {
    c.map_or(0, Level::rank)
}

/// What of a wanted change may take effect at once and what waits for the approver.
pub(crate) struct Split {
    /// Roles, clearance and position applied now (removals, lowerings, unguarded roles).
    pub now: (Vec<Role>, Option<Level>, Option<Id>),
    /// Whether something waits (then the pending change asks for the wanted values).
    pub waits: bool,
}

/// Splits the wanted `(roles, clearance, position)` of an account against its current ones.
pub(crate) fn split_change(
    positions: &[Position],
    old: (&[Role], Option<Level>, Option<Id>),
    want: (&[Role], Option<Level>, Option<Id>),
) -> Split {
    let mut waits = false;
    let mut roles: Vec<Role> = Vec::new();
    for r in want.0 {
        if GUARDED_ROLES.contains(r) && !old.0.contains(r) {
            waits = true;
        } else if !roles.contains(r) {
            roles.push(*r);
        }
    }
    let clearance = if rank_of(want.1) > rank_of(old.1) {
        waits = true;
        old.1
    } else {
        want.1
    };
    let heads = |p: Option<Id>| {
        p.and_then(|p| positions.iter().find(|x| x.id == p))
            .is_some_and(|p| p.heads_agency)
    };
    let position = if want.2 != old.2 && heads(want.2) {
        waits = true;
        old.2
    } else {
        want.2
    };
    Split {
        now: (roles, clearance, position),
        waits,
    }
}

impl<'a> Act0<'a> {
    /// Whether the actor may decide privilege changes: the head of the agency (a position that
    /// heads the agency, rank head) or the person the agency names; the console too.
    pub(crate) fn approves_privileges(&mut self) -> Result<bool> {
        if self.actor.id == SYSTEM_USER_ID {
            return Ok(true);
        }
        if self.tx.privilege_approver()? == Some(self.actor.id) {
            return Ok(true);
        }
        let Some(p) = self.actor.position_id else {
            return Ok(false);
        };
        Ok(self
            .tx
            .list_positions()?
            .iter()
            .any(|x| x.id == p && x.heads_agency && x.rank == Rank::Head))
    }

    /// Records a wanted privilege raise for `user` (status pending) and its audit record.
    pub(crate) fn request_privileges(
        &mut self,
        user: &User,
        want: (Vec<Role>, Option<Level>, Option<Id>),
    ) -> Result<PrivilegeChange> {
        let mut c = PrivilegeChange {
            id: 0,
            user_id: user.id,
            requested_by: self.actor.id,
            requested_at: ts(self.ctx.now),
            old_roles: user.roles.clone(),
            old_clearance: user.clearance,
            new_roles: want.0,
            new_clearance: want.1,
            old_position_id: user.position_id,
            new_position_id: want.2,
            status: PrivilegeStatus::Pending,
            decided_by: None,
            decided_at: None,
            position_change: None,
        };
        c.id = self.tx.insert_privilege_change(&c)?;
        self.audit(
            "privilege.request",
            format!("user:{}", user.id),
            format!(
                "change={} roles={}→{} clearance={}→{} position={}→{} requester={}",
                c.id,
                roles_text(&c.old_roles),
                roles_text(&c.new_roles),
                clearance_text(c.old_clearance),
                clearance_text(c.new_clearance),
                opt_id(c.old_position_id),
                opt_id(c.new_position_id),
                self.actor.id
            ),
        )?;
        Ok(c)
    }

    /// Ends the user's sessions and API tokens after a change of what they may do.
    pub(crate) fn revoke_access(&mut self, user: Id) -> Result<u64> {
        self.tx.delete_user_sessions(user)?;
        self.tx.revoke_user_tokens(user, &ts(self.ctx.now))
    }
}

impl Act0<'_> {
    /// Decides a pending change of a post that would make it head the agency: an approval
    /// applies the post as asked and ends the sessions and API tokens of everyone holding it.
    fn decide_position_grant(
        &mut self,
        mut c: PrivilegeChange,
        g: &PositionGrant,
        approve: bool,
    ) -> Result<PrivilegeChange> {
        c.status = if approve {
            PrivilegeStatus::Approved
        } else {
            PrivilegeStatus::Rejected
        };
        c.decided_by = Some(self.actor.id);
        c.decided_at = Some(ts(self.ctx.now));
        self.tx.update_privilege_change(&c)?;
        if approve {
            let now = self
                .tx
                .list_positions()?
                .into_iter()
                .find(|p| p.id == g.new.id)
                .ok_or(CoreError::NotFound("chức vụ"))?;
            let p = Position {
                heads_agency: g.new.heads_agency,
                rank: g.new.rank,
                ..now
            };
            self.tx.update_position(&p)?;
            for u in self.tx.list_users()? {
                if u.position_id == Some(p.id) {
                    self.revoke_access(u.id)?;
                }
            }
        }
        self.audit(
            if approve {
                "privilege.approve"
            } else {
                "privilege.reject"
            },
            format!("position:{}", g.new.id),
            format!(
                "change={} heads_agency={}→{} rank={}→{} requester={} approver={}",
                c.id,
                g.old.heads_agency,
                g.new.heads_agency,
                g.old.rank.code_(),
                g.new.rank.code_(),
                c.requested_by,
                self.actor.id
            ),
        )?;
        Ok(c)
    }
}

trait RankCode {
    fn code_(self) -> &'static str;
}

impl RankCode for Rank {
    /// The rank as the audit trail writes it.
    fn code_(self) -> &'static str {
        match self {
            Rank::Head => "head",
            Rank::Deputy => "deputy",
            Rank::Staff => "staff",
        }
    }
}

/// Whether a post grants the authority of the head of the agency (approving privilege changes
/// needs both the flag and the rank of head).
fn heads(p: &Position) -> (bool, bool) {
    (p.heads_agency, p.heads_agency && p.rank == Rank::Head)
}

/// A change to a post (chức vụ). Left out: unchanged.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PositionChange {
    pub title: Option<String>,
    pub kind: Option<String>,
    pub rank: Option<Rank>,
    pub heads_agency: Option<bool>,
    pub unit_id: Option<Option<Id>>,
}

/// What became of a change to a post: the post as it is now, and the part that waits.
#[derive(Debug, Clone)]
pub struct PositionUpdate {
    pub position: Position,
    pub pending: Option<PrivilegeChange>,
}

impl<S: Store> Service<S> {
    /// Changes a post (administrator). Making a post head the agency (người đứng đầu cơ quan:
    /// the authority of the agency's head, and with the rank of head the approval of privilege
    /// changes) — setting the flag, or the rank of head on a post that has it — is a
    /// [`PrivilegeChange`] that waits for the head of the agency or the named approver, like
    /// roles and clearances; the title, kind, unit, the flag's removal and lower ranks apply at
    /// once. The console applies everything.
    pub fn update_position(&self, ctx: &Ctx, id: Id, ch: PositionChange) -> Result<PositionUpdate> {
        let ch = PositionChange {
            title: crate::validate::opt("title", &ch.title)?,
            ..ch
        };
        self.write(ctx, |a| {
            a.require_role(access::ADMIN, "Quản lý chức vụ")?;
            let old =
                a.tx.list_positions()?
                    .into_iter()
                    .find(|p| p.id == id)
                    .ok_or(CoreError::NotFound("chức vụ"))?;
            if let Some(u) = ch.unit_id {
                crate::validate::unit(a.tx, "unit_id", u)?;
            }
            if let Some(k) = &ch.kind
                && a.rules.kind_name(k).is_none()
            {
                return Err(CoreError::invalid(
                    "kind",
                    format!("loại chức vụ không có trong danh mục: {k}"),
                ));
            }
            let want = Position {
                id,
                title: match &ch.title {
                    Some(t) => non_empty("title", t)?,
                    None => old.title.clone(),
                },
                kind: ch.kind.clone().unwrap_or_else(|| old.kind.clone()),
                rank: ch.rank.unwrap_or(old.rank),
                heads_agency: ch.heads_agency.unwrap_or(old.heads_agency),
                unit_id: ch.unit_id.unwrap_or(old.unit_id),
            };
            let (was, was_approver) = heads(&old);
            let (will, will_approver) = heads(&want);
            let waits = a.actor.id != SYSTEM_USER_ID
                && ((will && !was) || (will_approver && !was_approver));
            // Applied now: everything but the raise (flag and rank stay as they were).
            let now = if waits {
                Position {
                    heads_agency: old.heads_agency,
                    rank: if want.rank == Rank::Head {
                        old.rank
                    } else {
                        want.rank
                    },
                    ..want.clone()
                }
            } else {
                want.clone()
            };
            a.tx.update_position(&now)?;
            a.audit(
                "position.update",
                format!("position:{id}"),
                format!(
                    "kind={}→{} rank={}→{} heads_agency={}→{}",
                    old.kind,
                    now.kind,
                    old.rank.code_(),
                    now.rank.code_(),
                    old.heads_agency,
                    now.heads_agency
                ),
            )?;
            let same_title = Position {
                title: old.title.clone(),
                ..now.clone()
            };
            if same_title != old {
                // What the holders may do changed: their API tokens end.
                for u in a.tx.list_users()? {
                    if u.position_id == Some(id) {
                        a.tx.revoke_user_tokens(u.id, &ts(a.ctx.now))?;
                    }
                }
            }
            let pending = if waits {
                let mut c = PrivilegeChange {
                    id: 0,
                    user_id: 0,
                    requested_by: a.actor.id,
                    requested_at: ts(a.ctx.now),
                    old_roles: vec![],
                    old_clearance: None,
                    new_roles: vec![],
                    new_clearance: None,
                    old_position_id: Some(id),
                    new_position_id: Some(id),
                    status: PrivilegeStatus::Pending,
                    decided_by: None,
                    decided_at: None,
                    position_change: Some(PositionGrant {
                        old: now.clone(),
                        new: Position {
                            heads_agency: want.heads_agency,
                            rank: want.rank,
                            ..now.clone()
                        },
                    }),
                };
                c.id = a.tx.insert_privilege_change(&c)?;
                a.audit(
                    "privilege.request",
                    format!("position:{id}"),
                    format!(
                        "change={} heads_agency={}→{} rank={}→{} requester={}",
                        c.id,
                        now.heads_agency,
                        want.heads_agency,
                        now.rank.code_(),
                        want.rank.code_(),
                        a.actor.id
                    ),
                )?;
                Some(c)
            } else {
                None
            };
            Ok(PositionUpdate {
                position: now,
                pending,
            })
        })
    }
}

fn opt_id(x: Option<Id>) -> String {
    x.map_or("-".into(), |x| x.to_string())
}

impl<S: Store> Service<S> {
    /// Privilege changes waiting for approval (administrator and approvers), oldest first.
    pub fn pending_privilege_changes(&self, ctx: &Ctx) -> Result<Vec<PrivilegeChange>> {
        self.read(ctx, |a| {
            if !a.approves_privileges()? {
                a.require_role(access::ADMIN, "Xem các thay đổi quyền chờ phê duyệt")?;
            }
            a.tx.list_privilege_changes(true)
        })
    }

    /// Approves (`approve`) or rejects a pending privilege change. Only the head of the agency
    /// or the person the agency names decides; never the requester, never for one's own
    /// account. An approval applies the asked roles, clearance and position and ends the
    /// user's sessions and API tokens.
    pub fn decide_privilege_change(
        &self,
        ctx: &Ctx,
        id: Id,
        approve: bool,
    ) -> Result<PrivilegeChange> {
        self.write(ctx, |a| {
            let mut c =
                a.tx.get_privilege_change(id)?
                    .ok_or(CoreError::NotFound("thay đổi quyền"))?;
            if c.status != PrivilegeStatus::Pending {
                return Err(CoreError::refused(
                    "privilege_decided",
                    "Thay đổi quyền này đã được quyết định.",
                ));
            }
            if !a.approves_privileges()? {
                return Err(CoreError::refused(
                    "privilege_approver_only",
                    "Chỉ người đứng đầu cơ quan hoặc người được cơ quan giao mới phê duyệt thay đổi quyền.",
                ));
            }
            if a.actor.id != SYSTEM_USER_ID
                && (a.actor.id == c.requested_by
                    || a.actor.id == c.user_id
                    || c
                        .position_change
                        .as_ref()
                        .is_some_and(|g| a.actor.position_id == Some(g.old.id)))
            {
                return Err(CoreError::refused(
                    "privilege_self_approval",
                    "Không ai được tự phê duyệt đề nghị của mình hoặc thay đổi quyền của chính mình.",
                ));
            }
            if let Some(g) = c.position_change.clone() {
                return a.decide_position_grant(c, &g, approve);
            }
            let mut u =
                a.tx.get_user(c.user_id)?
                    .ok_or(CoreError::NotFound("người dùng"))?;
            let before = (u.roles.clone(), u.clearance, u.position_id);
            c.status = if approve {
                PrivilegeStatus::Approved
            } else {
                PrivilegeStatus::Rejected
            };
            c.decided_by = Some(a.actor.id);
            c.decided_at = Some(ts(a.ctx.now));
            a.tx.update_privilege_change(&c)?;
            if approve {
                // The roles asked for are added to what the account holds now (a role removed
                // meanwhile stays removed unless this change asked for it).
                for r in &c.new_roles {
                    if !c.old_roles.contains(r) && !u.roles.contains(r) {
                        u.roles.push(*r);
                    }
                }
                if rank_of(c.new_clearance) > rank_of(c.old_clearance) {
                    u.clearance = c.new_clearance;
                }
                if c.new_position_id != c.old_position_id {
                    u.position_id = c.new_position_id;
                }
                a.tx.update_user(&u)?;
                a.revoke_access(u.id)?;
            }
            a.audit(
                if approve {
                    "privilege.approve"
                } else {
                    "privilege.reject"
                },
                format!("user:{}", u.id),
                format!(
                    "change={} roles={}→{} clearance={}→{} position={}→{} requester={} approver={}",
                    c.id,
                    roles_text(&before.0),
                    roles_text(&u.roles),
                    clearance_text(before.1),
                    clearance_text(u.clearance),
                    opt_id(before.2),
                    opt_id(u.position_id),
                    c.requested_by,
                    a.actor.id
                ),
            )?;
            Ok(c)
        })
    }

    /// Names the person who approves privilege changes besides the head of the agency (None:
    /// the head only). Decided by the head of the agency (or at the console), never by the
    /// administrator, who could otherwise name an account it controls.
    pub fn set_privilege_approver(&self, ctx: &Ctx, user: Option<Id>) -> Result<()> {
        self.write(ctx, |a| {
            let head = a.actor.id == SYSTEM_USER_ID || {
                let p = a.actor.position_id;
                a.tx.list_positions()?
                    .iter()
                    .any(|x| Some(x.id) == p && x.heads_agency && x.rank == Rank::Head)
            };
            if !head {
                return Err(CoreError::refused(
                    "privilege_approver_only",
                    "Chỉ người đứng đầu cơ quan mới giao người phê duyệt thay đổi quyền.",
                ));
            }
            if let Some(u) = user {
                let x = a.tx.get_user(u)?.ok_or(CoreError::NotFound("người dùng"))?;
                if !x.active {
                    return Err(CoreError::invalid("user_id", "tài khoản này đã bị khóa"));
                }
            }
            a.tx.set_privilege_approver(user)?;
            a.audit(
                "privilege.approver",
                "agency".into(),
                format!("approver={}", opt_id(user)),
            )
        })
    }

    /// The person the agency named to approve privilege changes, if any.
    pub fn privilege_approver(&self, ctx: &Ctx) -> Result<Option<Id>> {
        self.read(ctx, |a| a.tx.privilege_approver())
    }

    /// Issues an API token for the acting user, valid `days` days (at least one).
    pub fn register_token(
        &self,
        ctx: &Ctx,
        name: &str,
        token_hash: &str,
        days: i64,
    ) -> Result<ApiToken> {
        self.write(ctx, |a| {
            let mut t = ApiToken {
                id: 0,
                user_id: a.actor.id,
                name: non_empty("name", name)?,
                created_at: ts(a.ctx.now),
                expires_at: Some(ts(a.ctx.now + time::Duration::days(days.max(1)))),
                last_used_at: None,
                revoked_at: None,
            };
            t.id = a.tx.insert_token(&t, token_hash)?;
            a.audit(
                "token.create",
                format!("token:{}", t.id),
                format!(
                    "expires={}",
                    fmt_vn((a.ctx.now + time::Duration::days(days.max(1))).date())
                ),
            )?;
            Ok(t)
        })
    }

    /// The active user behind an API token (by the token's SHA-256), if the token is neither
    /// expired nor revoked at `now`; records its last use (at most once a minute).
    pub fn user_for_token(&self, token_hash: &str, now: PrimitiveDateTime) -> Result<User> {
        let now_s = ts(now);
        let (t, u) = self.store.read(|tx| {
            let t = tx
                .find_token(token_hash)?
                .filter(|t| t.valid_at(&now_s))
                .ok_or(CoreError::Unauthenticated)?;
            let u = tx.get_user(t.user_id)?.ok_or(CoreError::Unauthenticated)?;
            Ok((t, u))
        })?;
        if !u.active {
            return Err(CoreError::Unauthenticated);
        }
        let stale = ts(now - time::Duration::minutes(1));
        if t.last_used_at.as_deref().is_none_or(|l| l < stale.as_str()) {
            self.store.write(|tx| tx.touch_token(t.id, &now_s))?;
        }
        Ok(u)
    }

    /// API tokens: one's own, or (administrator, `all`) everyone's.
    pub fn tokens(&self, ctx: &Ctx, all: bool) -> Result<Vec<ApiToken>> {
        self.read(ctx, |a| {
            if all {
                a.require_role(access::ADMIN, "Xem mã truy cập API của mọi người")?;
                a.tx.list_tokens(None)
            } else {
                a.tx.list_tokens(Some(a.actor.id))
            }
        })
    }

    /// Revokes a token: one's own, or anyone's by the administrator. Someone else's token is
    /// "not found" to a user who may not revoke it.
    pub fn revoke_token(&self, ctx: &Ctx, id: Id) -> Result<ApiToken> {
        self.write(ctx, |a| {
            let t =
                a.tx.get_token(id)?
                    .filter(|t| t.user_id == a.actor.id || access::allows(&a.actor, access::ADMIN))
                    .ok_or(CoreError::NotFound("mã truy cập"))?;
            a.tx.revoke_token(id, &ts(a.ctx.now))?;
            a.audit(
                "token.revoke",
                format!("token:{id}"),
                format!("user={}", t.user_id),
            )?;
            a.tx.get_token(id)?
                .ok_or(CoreError::NotFound("mã truy cập"))
        })
    }
}
