//! Organisation: agency, units, positions (chức vụ) with their legal kind, users, delegations.

use super::*;
use crate::access;
use crate::dates::fmt_vn;
use crate::validate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewUser {
    pub username: String,
    pub full_name: String,
    pub roles: Vec<Role>,
    pub clearance: Option<Level>,
    pub position_id: Option<Id>,
    pub unit_id: Option<Id>,
    /// PHC string (argon2id), computed by the caller; never a plain password.
    #[serde(skip_serializing)]
    pub password_hash: String,
}

/// Chức vụ mới (the body of `POST /positions`).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewPosition {
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub title: String,
    /// Code from `rules/positions.toml` (`GET /rules` → `position_kinds`).
    pub kind: String,
    pub rank: Rank,
    pub heads_agency: bool,
    pub unit_id: Option<Id>,
}

/// Văn bản ủy quyền to record (the body of `POST /delegations`).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewDelegation {
    /// Người ủy quyền: the head who signed the delegation. Empty: the recording user. The
    /// administrator records a delegation only on behalf of the named grantor.
    #[serde(default)]
    pub grantor_id: Option<Id>,
    pub grantee_id: Id,
    #[schemars(length(min = 1))]
    pub acts: Vec<Act>,
    pub max_level: Level,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub valid_from: Date,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub valid_to: Date,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub document_ref: String,
}

/// A change to a user (the body of `PATCH /users/{id}`): a field left out stays as it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UserChange {
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::opt_nonblank")]
    pub full_name: Option<String>,
    pub roles: Option<Vec<Role>>,
    pub clearance: Option<Option<Level>>,
    pub position_id: Option<Option<Id>>,
    pub unit_id: Option<Option<Id>>,
    pub active: Option<bool>,
}

/// What became of a change to a user: what applies now and what waits for approval (the
/// administration page says which; "saved" alone would hide that a raise is not in force).
#[derive(Debug, Clone)]
pub struct UserUpdate {
    /// The account as it is now.
    pub user: User,
    /// Whether what the user may do changed now (roles, clearance, position, unit, active).
    pub changed: bool,
    /// The privilege raise that waits for the head of the agency or the named approver.
    pub pending: Option<PrivilegeChange>,
}

fn valid_username(u: &str) -> Result<String> {
    let u = u.trim().to_lowercase();
    if u.len() < 2
        || u.len() > 64
        || !u
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(CoreError::invalid(
            "username",
            "tên đăng nhập dài 2–64 ký tự, chỉ gồm chữ không dấu, số và . _ -",
        ));
    }
    Ok(u)
}

/// The audit action of a change of the rules overrides (quy tắc thay thế tại cơ sở).
pub const RULES_OVERRIDES_ACTION: &str = "rules.overrides";

/// The override set as the audit trail records it: each file's name and the start of its
/// SHA-256, by name; "none" when the embedded rules apply unchanged.
pub fn overrides_fingerprint(overrides: &[(String, String)]) -> String {
    use sha2::{Digest, Sha256};
    if overrides.is_empty() {
        return "none".into();
    }
    let mut v: Vec<String> = overrides
        .iter()
        .map(|(name, text)| {
            let h = crate::audit::hex(&Sha256::digest(text.as_bytes()));
            format!("{name}={}", &h[..16])
        })
        .collect();
    v.sort();
    v.join("; ")
}

impl<S: Store> Service<S> {
    /// At start-up: the rules overrides of `<data>/rules` in force (name, text) are compared
    /// with the set the audit trail last recorded, and a changed set — an override added,
    /// edited or removed — is written to the trail (actor "system"), so that a quiet edit of
    /// the law's data leaves a trace the security officer sees. Returns whether it wrote.
    /// An installation that never had an override writes nothing for "none".
    pub fn record_rules_overrides(
        &self,
        now: PrimitiveDateTime,
        overrides: &[(String, String)],
    ) -> Result<bool> {
        let details = overrides_fingerprint(overrides);
        self.store.write(|tx| {
            let last = tx.audit_last_of(RULES_OVERRIDES_ACTION)?;
            let unchanged = match &last {
                Some(r) => r.details == details,
                None => details == "none",
            };
            if unchanged {
                return Ok(false);
            }
            tx.audit(AuditInput {
                at: ts(now),
                actor: "system".into(),
                action: RULES_OVERRIDES_ACTION.into(),
                object: "rules".into(),
                details,
            })?;
            Ok(true)
        })
    }

    /// First run: creates the administrator when there is no user at all.
    pub fn bootstrap_admin(
        &self,
        now: PrimitiveDateTime,
        agency: Agency,
        u: NewUser,
    ) -> Result<User> {
        let u = NewUser {
            full_name: validate::line("full_name", &u.full_name)?,
            ..u
        };
        self.store.write(|tx| {
            if !tx.list_users()?.is_empty() {
                return Err(CoreError::Conflict(
                    "Hệ thống đã có người dùng; không thể khởi tạo lại.".into(),
                ));
            }
            tx.put_agency(&agency)?;
            let mut user = User {
                id: 0,
                username: valid_username(&u.username)?,
                full_name: non_empty("full_name", &u.full_name)?,
                roles: if u.roles.is_empty() {
                    vec![Role::Admin]
                } else {
                    u.roles
                },
                clearance: u.clearance,
                position_id: None,
                unit_id: None,
                active: true,
            };
            user.id = tx.insert_user(&user)?;
            tx.set_password(user.id, &u.password_hash)?;
            tx.audit(AuditInput {
                at: ts(now),
                actor: "system".into(),
                action: "bootstrap".into(),
                object: format!("user:{}", user.id),
                details: format!("username={}", user.username),
            })?;
            Ok(user)
        })
    }

    pub fn set_agency(&self, ctx: &Ctx, agency: Agency) -> Result<()> {
        let agency = validate::cmd(agency)?;
        self.write(ctx, |a| {
            a.require_role(access::ADMIN, "Cập nhật thông tin cơ quan")?;
            non_empty("name", &agency.name)?;
            a.tx.put_agency(&agency)?;
            a.audit("agency.update", "agency".into(), String::new())
        })
    }

    pub fn create_unit(&self, ctx: &Ctx, name: &str, parent_id: Option<Id>) -> Result<Unit> {
        let name = &validate::line("name", name)?;
        self.write(ctx, |a| {
            a.require_role(access::ADMIN, "Quản lý đơn vị")?;
            let mut u = Unit {
                id: 0,
                name: non_empty("name", name)?,
                parent_id,
            };
            if let Some(p) = parent_id
                && !a.tx.list_units()?.iter().any(|x| x.id == p)
            {
                return Err(CoreError::invalid(
                    "parent_id",
                    "đơn vị cấp trên không tồn tại",
                ));
            }
            u.id = a.tx.insert_unit(&u)?;
            a.audit("unit.create", format!("unit:{}", u.id), String::new())?;
            Ok(u)
        })
    }

    pub fn create_position(&self, ctx: &Ctx, p: NewPosition) -> Result<Position> {
        let p = validate::cmd(p)?;
        self.write(ctx, |a| {
            a.require_role(access::ADMIN, "Quản lý chức vụ")?;
            validate::unit(a.tx, "unit_id", p.unit_id)?;
            if a.rules.kind_name(&p.kind).is_none() {
                return Err(CoreError::invalid(
                    "kind",
                    format!("loại chức vụ không có trong danh mục: {}", p.kind),
                ));
            }
            let mut pos = Position {
                id: 0,
                title: non_empty("title", &p.title)?,
                kind: p.kind,
                rank: p.rank,
                heads_agency: p.heads_agency,
                unit_id: p.unit_id,
            };
            pos.id = a.tx.insert_position(&pos)?;
            a.audit(
                "position.create",
                format!("position:{}", pos.id),
                format!("kind={}", pos.kind),
            )?;
            Ok(pos)
        })
    }

    pub fn create_user(&self, ctx: &Ctx, u: NewUser) -> Result<User> {
        let u = NewUser {
            full_name: validate::line("full_name", &u.full_name)?,
            ..u
        };
        self.write(ctx, |a| {
            a.require_role(access::ADMIN, "Quản lý người dùng")?;
            validate::unit(a.tx, "unit_id", u.unit_id)?;
            let username = valid_username(&u.username)?;
            if a.tx.find_user(&username)?.is_some() {
                return Err(CoreError::invalid("username", "tên đăng nhập đã tồn tại"));
            }
            if let Some(p) = u.position_id
                && !a.tx.list_positions()?.iter().any(|x| x.id == p)
            {
                return Err(CoreError::invalid("position_id", "chức vụ không tồn tại"));
            }
            // Separation of duties: what reaches secret items waits for the approver.
            let positions = a.tx.list_positions()?;
            let split = split_change(
                &positions,
                (&[], None, None),
                (&u.roles, u.clearance, u.position_id),
            );
            let direct = a.actor.id == SYSTEM_USER_ID;
            let (roles, clearance, position_id) = if direct {
                (u.roles.clone(), u.clearance, u.position_id)
            } else {
                split.now.clone()
            };
            let mut user = User {
                id: 0,
                username,
                full_name: non_empty("full_name", &u.full_name)?,
                roles,
                clearance,
                position_id,
                unit_id: u.unit_id,
                active: true,
            };
            user.id = a.tx.insert_user(&user)?;
            a.tx.set_password(user.id, &u.password_hash)?;
            a.audit(
                "user.create",
                format!("user:{}", user.id),
                format!(
                    "username={} roles={} clearance={} position={}",
                    user.username,
                    roles_text(&user.roles),
                    clearance_text(user.clearance),
                    user.position_id.map_or("-".into(), |p| p.to_string())
                ),
            )?;
            if !direct && split.waits {
                a.request_privileges(&user, (u.roles, u.clearance, u.position_id))?;
            }
            Ok(user)
        })
    }

    /// Changes a user. Returns the user and whether what they may do changed (roles,
    /// clearance, position, unit or the active flag; the web layer then revokes their
    /// sessions, the service their API tokens). Granting or raising a clearance, giving a
    /// guarded role or a position that heads the agency waits for approval (see
    /// [`Self::decide_privilege_change`]); the rest applies at once. The console applies all.
    pub fn update_user(&self, ctx: &Ctx, id: Id, ch: UserChange) -> Result<(User, bool)> {
        let r = self.change_user(ctx, id, ch)?;
        Ok((r.user, r.changed))
    }

    /// [`Self::update_user`], saying also whether a part of the change waits for approval
    /// (and which).
    pub fn change_user(&self, ctx: &Ctx, id: Id, ch: UserChange) -> Result<UserUpdate> {
        let ch = UserChange {
            full_name: validate::opt("full_name", &ch.full_name)?,
            ..ch
        };
        self.write(ctx, |a| {
            a.require_role(access::ADMIN, "Quản lý người dùng")?;
            validate::unit(a.tx, "unit_id", ch.unit_id.flatten())?;
            let mut u =
                a.tx.get_user(id)?
                    .ok_or(CoreError::NotFound("người dùng"))?;
            let before = (
                u.roles.clone(),
                u.clearance,
                u.active,
                u.position_id,
                u.unit_id,
            );
            if let Some(n) = ch.full_name {
                u.full_name = non_empty("full_name", &n)?;
            }
            let want_roles = ch.roles.unwrap_or_else(|| u.roles.clone());
            let want_clearance = ch.clearance.unwrap_or(u.clearance);
            let want_position = ch.position_id.unwrap_or(u.position_id);
            if let Some(p) = ch.unit_id {
                u.unit_id = p;
            }
            if let Some(x) = ch.active {
                u.active = x;
            }
            let positions = a.tx.list_positions()?;
            if let Some(p) = want_position
                && !positions.iter().any(|x| x.id == p)
            {
                return Err(CoreError::invalid("position_id", "chức vụ không tồn tại"));
            }
            let split = split_change(
                &positions,
                (&u.roles, u.clearance, u.position_id),
                (&want_roles, want_clearance, want_position),
            );
            let direct = a.actor.id == SYSTEM_USER_ID;
            (u.roles, u.clearance, u.position_id) = if direct {
                (want_roles.clone(), want_clearance, want_position)
            } else {
                split.now
            };
            a.tx.update_user(&u)?;
            let privilege_changed = before
                != (
                    u.roles.clone(),
                    u.clearance,
                    u.active,
                    u.position_id,
                    u.unit_id,
                );
            a.audit(
                "user.update",
                format!("user:{}", u.id),
                format!(
                    "privilege_changed={privilege_changed} roles={}→{} clearance={}→{} active={}→{}",
                    roles_text(&before.0),
                    roles_text(&u.roles),
                    clearance_text(before.1),
                    clearance_text(u.clearance),
                    before.2,
                    u.active
                ),
            )?;
            if privilege_changed {
                // The web layer ends the sessions (and says how many); the tokens end here.
                a.tx.revoke_user_tokens(u.id, &ts(a.ctx.now))?;
            }
            let pending = if !direct && split.waits {
                Some(a.request_privileges(&u, (want_roles, want_clearance, want_position))?)
            } else {
                None
            };
            Ok(UserUpdate {
                user: u,
                changed: privilege_changed,
                pending,
            })
        })
    }

    /// Sets a user's password hash: the user's own change (`current` gets the stored hash and
    /// says whether the current password given matches; a wrong one is refused) or a reset by
    /// the administrator. Ends the user's API tokens. The accounts that approve privilege
    /// changes are reset at the console only (an administrator who could set their password
    /// could approve its own requests).
    pub fn set_password(
        &self,
        ctx: &Ctx,
        id: Id,
        password_hash: &str,
        current: impl FnOnce(Option<&str>) -> bool,
    ) -> Result<()> {
        self.write(ctx, |a| {
            if a.actor.id == id {
                let stored = a.tx.password_hash(id)?;
                if !current(stored.as_deref()) {
                    return Err(CoreError::refused(
                        "wrong_password",
                        "Mật khẩu hiện tại không đúng.",
                    ));
                }
            } else {
                a.require_role(access::ADMIN, "Đặt lại mật khẩu")?;
            }
            let target =
                a.tx.get_user(id)?
                    .ok_or(CoreError::NotFound("người dùng"))?;
            if a.actor.id != id && a.actor.id != SYSTEM_USER_ID {
                let named = a.tx.privilege_approver()? == Some(id);
                let head = a
                    .tx
                    .list_positions()?
                    .iter()
                    .any(|x| Some(x.id) == target.position_id && x.heads_agency && x.rank == Rank::Head);
                if named || head {
                    return Err(CoreError::refused(
                        "approver_reset_console",
                        "Mật khẩu của người phê duyệt thay đổi quyền chỉ được đặt lại tại máy chủ (lệnh bmnn user reset).",
                    ));
                }
            }
            a.tx.set_password(id, password_hash)?;
            let n = a.tx.revoke_user_tokens(id, &ts(a.ctx.now))?;
            a.audit(
                "user.password",
                format!("user:{id}"),
                format!("tokens_revoked={n}"),
            )
        })
    }

    /// Records a written delegation (văn bản ủy quyền) from the acting head to a deputy.
    pub fn create_delegation(&self, ctx: &Ctx, d: NewDelegation) -> Result<Delegation> {
        let d = validate::cmd(d)?;
        self.write(ctx, |a| {
            a.require_role(access::DELEGATION_RECORDERS, "Ghi nhận ủy quyền")?;
            if d.valid_to < d.valid_from {
                return Err(CoreError::invalid(
                    "valid_to",
                    "ngày hết hiệu lực trước ngày bắt đầu",
                ));
            }
            if d.acts.is_empty() {
                return Err(CoreError::invalid("acts", "phải nêu rõ phạm vi ủy quyền"));
            }
            let grantee =
                a.tx.get_user(d.grantee_id)?
                    .ok_or(CoreError::NotFound("người được ủy quyền"))?;
            // The grantor is the head who signed; whoever else records it does so on their
            // behalf (an administrator must name them).
            let grantor = match d.grantor_id {
                Some(g) if g != a.actor.id => {
                    a.tx.get_user(g)?
                        .ok_or(CoreError::NotFound("người ủy quyền"))?
                }
                Some(_) => a.actor.clone(),
                None if crate::access::allows(&a.actor, access::DELEGATION_GRANTORS) => {
                    a.actor.clone()
                }
                None => {
                    return Err(CoreError::invalid(
                        "grantor_id",
                        "ghi rõ người ủy quyền (người đứng đầu đã ký văn bản ủy quyền)",
                    ));
                }
            };
            if grantee.id == grantor.id {
                return Err(CoreError::invalid(
                    "grantee_id",
                    "không thể tự ủy quyền cho mình",
                ));
            }
            // Validated now, not only when used: who may delegate which act to whom, under
            // the rules in force on each day of the term (no sub-delegation: the grantor must
            // head the post).
            let positions = a.tx.list_positions()?;
            let pos = |u: &User| {
                u.position_id
                    .and_then(|id| positions.iter().find(|p| p.id == id))
            };
            let mut regimes = vec![a.rules.regime_for_or_first(d.valid_from)];
            let last = a.rules.regime_for_or_first(d.valid_to);
            if last.code != regimes[0].code {
                regimes.push(last);
            }
            for regime in regimes {
                for act in &d.acts {
                    for level in Level::ALL.into_iter().filter(|l| *l <= d.max_level) {
                        crate::policy::may_delegate(
                            regime,
                            *act,
                            level,
                            &grantor,
                            pos(&grantor),
                            pos(&grantee),
                        )?;
                    }
                }
            }
            let mut del = Delegation {
                id: 0,
                grantor_id: grantor.id,
                grantee_id: grantee.id,
                acts: d.acts,
                max_level: d.max_level,
                valid_from: d.valid_from,
                valid_to: d.valid_to,
                document_ref: non_empty("document_ref", &d.document_ref)?,
                revoked_on: None,
            };
            del.id = a.tx.insert_delegation(&del)?;
            a.audit(
                "delegation.create",
                format!("delegation:{}", del.id),
                format!(
                    "grantor={} recorded_by={} grantee={} max_level={} {}–{}",
                    grantor.id,
                    a.actor.id,
                    grantee.id,
                    del.max_level.code(),
                    fmt_vn(del.valid_from),
                    fmt_vn(del.valid_to)
                ),
            )?;
            Ok(del)
        })
    }

    pub fn revoke_delegation(&self, ctx: &Ctx, id: Id, on: Date) -> Result<Delegation> {
        self.write(ctx, |a| {
            let mut d =
                a.tx.list_delegations()?
                    .into_iter()
                    .find(|d| d.id == id)
                    .ok_or(CoreError::NotFound("văn bản ủy quyền"))?;
            if !access::may_revoke_delegation(&a.actor, d.grantor_id) {
                a.require_role(access::ADMIN, "Thu hồi ủy quyền của người khác")?;
            }
            d.revoked_on = Some(on);
            a.tx.update_delegation(&d)?;
            a.audit("delegation.revoke", format!("delegation:{id}"), fmt_vn(on))?;
            Ok(d)
        })
    }
}

impl<S: Store> Service<S> {
    /// Checks a login. `verify` gets the stored password hash (None for an unknown user, so the
    /// caller spends the same time on a dummy hash) and says whether the password matches.
    /// Unknown user, wrong password and deactivated account get one answer after the same work
    /// (a password check and one audit record). There is no lockout: the web layer slows
    /// repeated failures down (`bmnn_web::throttle`) so a stranger cannot lock an account.
    pub fn authenticate(
        &self,
        username: &str,
        now: PrimitiveDateTime,
        verify: impl FnOnce(Option<&str>) -> bool,
    ) -> Result<User> {
        let username = username.trim().to_lowercase();
        let failed =
            || CoreError::refused("login_failed", "Tên đăng nhập hoặc mật khẩu không đúng.");
        // The inner Result lets a failed login commit its record (the outer one is storage).
        self.store.write(|tx| {
            let now_s = ts(now);
            let Some(user) = tx.find_user(&username)? else {
                verify(None);
                tx.audit(AuditInput {
                    at: now_s,
                    actor: "system".into(),
                    action: "login.fail".into(),
                    object: "user:unknown".into(),
                    details: String::new(),
                })?;
                return Ok(Err(failed()));
            };
            let hash = tx.password_hash(user.id)?;
            // The password is checked even for a deactivated account (same work, same answer).
            let ok = verify(hash.as_deref()) && user.active;
            let mut st = tx.login_state(user.id)?;
            if ok {
                if st.failed != 0 || st.locked_until.is_some() {
                    tx.set_login_state(user.id, &LoginState::default())?;
                }
                tx.audit(AuditInput {
                    at: now_s,
                    actor: format!("{}:{}", user.id, user.username),
                    action: "login".into(),
                    object: format!("user:{}", user.id),
                    details: String::new(),
                })?;
                return Ok(Ok(user));
            }
            st.failed = st.failed.saturating_add(1);
            st.locked_until = None;
            tx.set_login_state(user.id, &st)?;
            tx.audit(AuditInput {
                at: now_s,
                actor: format!("{}:{}", user.id, user.username),
                action: "login.fail".into(),
                object: format!("user:{}", user.id),
                details: format!("failed={}", st.failed),
            })?;
            Ok(Err(failed()))
        })?
    }
}

impl<S: Store> Service<S> {
    /// Clears a lockout (administrator).
    pub fn unlock(&self, ctx: &Ctx, id: Id) -> Result<()> {
        self.write(ctx, |a| {
            a.require_role(access::ADMIN, "Mở khóa tài khoản")?;
            a.tx.get_user(id)?
                .ok_or(CoreError::NotFound("người dùng"))?;
            a.tx.set_login_state(id, &LoginState::default())?;
            a.audit("user.unlock", format!("user:{id}"), String::new())
        })
    }
}

/// Changes to the keyring (cách mở khóa dữ liệu) that `bmnn keys` records in the audit chain.
pub const KEY_ACTIONS: [&str; 6] = [
    "keys.add-passphrase",
    "keys.add-recovery",
    "keys.add-keyfile",
    "keys.remove",
    "keys.change-passphrase",
    "keys.rotate",
];

impl<S: Store> Service<S> {
    /// Records a change to the ways the data key can be unlocked: which action, which key, which
    /// label — never a secret. `bmnn keys` calls it after the keyring is saved.
    pub fn record_key_change(
        &self,
        ctx: &Ctx,
        action: &str,
        key_id: &str,
        label: &str,
    ) -> Result<()> {
        if !KEY_ACTIONS.contains(&action) {
            return Err(CoreError::invalid(
                "action",
                "thao tác với khóa không hợp lệ",
            ));
        }
        if key_id.is_empty()
            || key_id.len() > 64
            || !key_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(CoreError::invalid("key_id", "mã khóa không hợp lệ"));
        }
        if label.trim().is_empty()
            || label.chars().count() > 64
            || label.chars().any(char::is_control)
        {
            return Err(CoreError::invalid("label", "tên cách mở khóa không hợp lệ"));
        }
        self.write(ctx, |a| {
            a.audit(
                action,
                format!("keyring:{key_id}"),
                format!("label={label}"),
            )
        })
    }
}
