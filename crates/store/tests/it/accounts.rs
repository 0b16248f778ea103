//! Separation of duties and API tokens, on every backend: the administrator's grants wait for
//! the head of the agency, nobody approves their own, tokens expire and are revoked.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::error::CoreError;
use bmnn_core::model::*;
use bmnn_core::service::*;

fn code(e: CoreError) -> &'static str {
    e.code()
}

fn last_audit(o: &Org, action: &str) -> bmnn_core::audit::AuditRecord {
    o.svc
        .audit_tail(&o.ctx(&o.admin), 50)
        .expect("tail")
        .into_iter()
        .rev()
        .find(|r| r.action == action)
        .unwrap_or_else(|| panic!("no {action} record"))
}

fn user(o: &Org, id: Id) -> User {
    o.svc
        .org(&o.ctx(&o.admin))
        .expect("org")
        .users
        .into_iter()
        .find(|u| u.id == id)
        .expect("user")
}

#[test]
fn admin_self_grant_waits_for_the_head_of_the_agency() {
    for b in backends() {
        let o = org(&b.url);
        let a = o.ctx(&o.admin);
        let (u, changed) = o
            .svc
            .update_user(
                &a,
                o.admin.id,
                UserChange {
                    roles: Some(vec![Role::Admin, Role::Clerk]),
                    clearance: Some(Some(Level::TuyetMat)),
                    ..Default::default()
                },
            )
            .expect("update");
        assert!(!changed, "{}", b.name);
        assert_eq!(u.clearance, None, "{}: no clearance yet", b.name);
        assert_eq!(u.roles, vec![Role::Admin], "{}", b.name);
        assert_eq!(user(&o, o.admin.id).clearance, None);
        let pending = o.svc.pending_privilege_changes(&a).expect("pending");
        assert_eq!(pending.len(), 1, "{}", b.name);
        let c = &pending[0];
        assert_eq!(c.status, PrivilegeStatus::Pending);
        assert_eq!(c.new_clearance, Some(Level::TuyetMat));
        assert_eq!(c.requested_by, o.admin.id);
        // The administrator cannot approve (not the head, and its own request and account).
        let e = o
            .svc
            .decide_privilege_change(&a, c.id, true)
            .expect_err("admin approves");
        assert_eq!(code(e), "privilege_approver_only", "{}", b.name);
        assert_eq!(user(&o, o.admin.id).clearance, None);
        assert_eq!(o.svc.pending_privilege_changes(&a).expect("p").len(), 1);
        // A leader who does not head the agency cannot either.
        let e = o
            .svc
            .decide_privilege_change(&o.ctx(&o.section_head), c.id, true)
            .expect_err("section head approves");
        assert_eq!(code(e), "privilege_approver_only");
        // The head of the agency can.
        let done = o
            .svc
            .decide_privilege_change(&o.ctx(&o.head), c.id, true)
            .expect("approve");
        assert_eq!(done.status, PrivilegeStatus::Approved);
        assert_eq!(done.decided_by, Some(o.head.id));
        let now = user(&o, o.admin.id);
        assert_eq!(now.clearance, Some(Level::TuyetMat), "{}", b.name);
        assert!(now.roles.contains(&Role::Clerk));
        assert!(o.svc.pending_privilege_changes(&a).expect("p").is_empty());
        let r = last_audit(&o, "privilege.approve");
        for part in [
            "roles=admin→admin,clerk",
            "clearance=none→tuyet-mat",
            &format!("requester={}", o.admin.id),
            &format!("approver={}", o.head.id),
        ] {
            assert!(
                r.details.contains(part),
                "{}: {} lacks {part}",
                b.name,
                r.details
            );
        }
        let r = last_audit(&o, "privilege.request");
        assert!(
            r.details.contains("clearance=none→tuyet-mat"),
            "{}",
            r.details
        );
        // Decided once only.
        let e = o
            .svc
            .decide_privilege_change(&o.ctx(&o.head), c.id, false)
            .expect_err("twice");
        assert_eq!(code(e), "privilege_decided");
        assert!(o.svc.store.verify_audit().expect("verify").is_ok());
    }
}

#[test]
fn nobody_approves_their_own_account_and_the_named_approver_can() {
    for b in backends() {
        let o = org(&b.url);
        let a = o.ctx(&o.admin);
        // Only the head names the approver; the administrator may not.
        let e = o
            .svc
            .set_privilege_approver(&a, Some(o.admin.id))
            .expect_err("admin names itself");
        assert_eq!(code(e), "privilege_approver_only");
        assert_eq!(o.svc.privilege_approver(&a).expect("approver"), None);
        o.svc
            .set_privilege_approver(&o.ctx(&o.head), Some(o.section_head.id))
            .expect("named");
        // A raise for the head of the agency's own account.
        o.svc
            .update_user(
                &a,
                o.head.id,
                UserChange {
                    roles: Some(vec![Role::Leader, Role::SecurityOfficer]),
                    ..Default::default()
                },
            )
            .expect("request");
        let c = o.svc.pending_privilege_changes(&a).expect("pending")[0].clone();
        let e = o
            .svc
            .decide_privilege_change(&o.ctx(&o.head), c.id, true)
            .expect_err("own account");
        assert_eq!(code(e), "privilege_self_approval", "{}", b.name);
        assert!(!user(&o, o.head.id).roles.contains(&Role::SecurityOfficer));
        // The person the agency named approves it.
        o.svc
            .decide_privilege_change(&o.ctx(&o.section_head), c.id, true)
            .expect("named approver");
        assert!(user(&o, o.head.id).roles.contains(&Role::SecurityOfficer));
        // A rejection applies nothing.
        o.svc
            .update_user(
                &a,
                o.drafter.id,
                UserChange {
                    clearance: Some(Some(Level::TuyetMat)),
                    ..Default::default()
                },
            )
            .expect("request");
        let c = o.svc.pending_privilege_changes(&a).expect("pending")[0].clone();
        o.svc
            .decide_privilege_change(&o.ctx(&o.head), c.id, false)
            .expect("reject");
        assert_eq!(user(&o, o.drafter.id).clearance, Some(Level::ToiMat));
        let r = last_audit(&o, "privilege.reject");
        assert!(
            r.details.contains(&format!("approver={}", o.head.id)),
            "{}",
            r.details
        );
        // The console (who holds the data folder) decides too: the first head's way in.
        o.svc
            .update_user(
                &a,
                o.mat_reader.id,
                UserChange {
                    clearance: Some(Some(Level::ToiMat)),
                    ..Default::default()
                },
            )
            .expect("request");
        let c = o.svc.pending_privilege_changes(&a).expect("pending")[0].clone();
        let console = Ctx {
            user_id: SYSTEM_USER_ID,
            ..a
        };
        o.svc
            .decide_privilege_change(&console, c.id, true)
            .expect("console approves");
        assert_eq!(user(&o, o.mat_reader.id).clearance, Some(Level::ToiMat));
        // The administrator may not reset the approver's password (it could then approve).
        let e = o
            .svc
            .set_password(&a, o.head.id, "y", |_| false)
            .expect_err("reset the head");
        assert_eq!(code(e), "approver_reset_console");
    }
}

#[test]
fn lowering_applies_at_once_and_ends_tokens() {
    for b in backends() {
        let o = org(&b.url);
        let a = o.ctx(&o.admin);
        let t = o
            .svc
            .register_token(&o.ctx(&o.clerk), "máy quét", "h-clerk", 90)
            .expect("token");
        assert!(o.svc.user_for_token("h-clerk", now()).is_ok());
        let (u, changed) = o
            .svc
            .update_user(
                &a,
                o.clerk.id,
                UserChange {
                    clearance: Some(Some(Level::Mat)),
                    ..Default::default()
                },
            )
            .expect("lower");
        assert!(changed, "{}", b.name);
        assert_eq!(u.clearance, Some(Level::Mat));
        assert!(o.svc.pending_privilege_changes(&a).expect("p").is_empty());
        let e = o.svc.user_for_token("h-clerk", now()).expect_err("revoked");
        assert_eq!(code(e), "unauthenticated", "{}", b.name);
        let r = last_audit(&o, "user.update");
        assert!(
            r.details.contains("clearance=tuyet-mat→mat"),
            "{}",
            r.details
        );
        let listed = o.svc.tokens(&o.ctx(&o.clerk), false).expect("own");
        assert_eq!(listed[0].id, t.id);
        assert!(listed[0].revoked_at.is_some());
    }
}

#[test]
fn tokens_expire_are_listed_and_revoked() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        let t = o
            .svc
            .register_token(&c, "tích hợp", "h1", 1)
            .expect("token");
        assert!(t.expires_at.is_some());
        assert_eq!(
            o.svc.user_for_token("h1", now()).expect("valid").id,
            o.clerk.id
        );
        let later = now() + time::Duration::days(2);
        let e = o.svc.user_for_token("h1", later).expect_err("expired");
        assert_eq!(code(e), "unauthenticated", "{}", b.name);
        // Last use recorded.
        let mine = o.svc.tokens(&c, false).expect("own");
        assert_eq!(mine.len(), 1);
        assert!(mine[0].last_used_at.is_some(), "{}", b.name);
        // Others' tokens: invisible and not revocable except by the administrator.
        o.svc
            .register_token(&c, "thứ hai", "h2", 90)
            .expect("token");
        let d = o.ctx(&o.drafter);
        assert!(o.svc.tokens(&d, false).expect("own").is_empty());
        assert!(
            o.svc.tokens(&d, true).is_err(),
            "only the administrator lists all"
        );
        let id2 = o.svc.tokens(&c, false).expect("own")[0].id;
        assert_eq!(
            code(o.svc.revoke_token(&d, id2).expect_err("other")),
            "not_found"
        );
        assert!(o.svc.user_for_token("h2", now()).is_ok());
        let all = o.svc.tokens(&o.ctx(&o.admin), true).expect("all");
        assert_eq!(all.len(), 2);
        o.svc
            .revoke_token(&o.ctx(&o.admin), id2)
            .expect("admin revokes");
        assert!(o.svc.user_for_token("h2", now()).is_err());
        // A password change needs the current password and ends every token.
        o.svc.register_token(&c, "thứ ba", "h3", 90).expect("token");
        let e = o
            .svc
            .set_password(&c, o.clerk.id, "new", |_| false)
            .expect_err("wrong current");
        assert_eq!(code(e), "wrong_password");
        assert!(o.svc.user_for_token("h3", now()).is_ok(), "nothing changed");
        o.svc
            .set_password(&c, o.clerk.id, "new", |h| h == Some("x"))
            .expect("change");
        assert!(o.svc.user_for_token("h3", now()).is_err());
        // Deactivation ends tokens too (reactivation does not bring them back).
        let d_tok = o.svc.register_token(&d, "d", "h4", 90).expect("token");
        let a = o.ctx(&o.admin);
        for active in [false, true] {
            o.svc
                .update_user(
                    &a,
                    o.drafter.id,
                    UserChange {
                        active: Some(active),
                        ..Default::default()
                    },
                )
                .expect("active");
        }
        assert!(o.svc.user_for_token("h4", now()).is_err());
        let listed = o.svc.tokens(&o.ctx(&o.drafter), false).expect("own");
        assert_eq!(listed[0].id, d_tok.id);
        assert!(listed[0].revoked_at.is_some());
    }
}

fn position(o: &Org, id: Id) -> Position {
    o.svc
        .org(&o.ctx(&o.admin))
        .expect("org")
        .positions
        .into_iter()
        .find(|p| p.id == id)
        .expect("position")
}

#[test]
fn the_administrator_alone_cannot_make_a_post_head_the_agency() {
    for b in backends() {
        let o = org(&b.url);
        let a = o.ctx(&o.admin);
        let post = o.section_head.position_id.expect("post");
        let before = position(&o, post);
        assert!(!before.heads_agency);
        let head_before = last_audit(&o, "user.create").seq;
        // The flag (and a new title) asked by the administrator: the title applies, the flag
        // waits for the head of the agency.
        let r = o
            .svc
            .update_position(
                &a,
                post,
                PositionChange {
                    title: Some("Trưởng phòng Tổng hợp".into()),
                    heads_agency: Some(true),
                    ..Default::default()
                },
            )
            .expect("update");
        let pending = r.pending.expect("pending");
        assert!(!r.position.heads_agency, "{}", b.name);
        let now = position(&o, post);
        assert!(!now.heads_agency, "{}: not in force", b.name);
        assert_eq!(now.title, "Trưởng phòng Tổng hợp");
        let grant = pending.position_change.clone().expect("position change");
        assert!(grant.new.heads_agency && !grant.old.heads_agency);
        assert!(last_audit(&o, "privilege.request").seq > head_before);
        // Not the administrator; not the holder of the post, even when named approver.
        let e = o
            .svc
            .decide_privilege_change(&a, pending.id, true)
            .expect_err("admin approves");
        assert_eq!(code(e), "privilege_approver_only", "{}", b.name);
        o.svc
            .set_privilege_approver(&o.ctx(&o.head), Some(o.section_head.id))
            .expect("named");
        let e = o
            .svc
            .decide_privilege_change(&o.ctx(&o.section_head), pending.id, true)
            .expect_err("holder approves");
        assert_eq!(code(e), "privilege_self_approval", "{}", b.name);
        assert!(!position(&o, post).heads_agency);
        // The holder does not head the agency yet: he cannot approve another change.
        o.svc
            .set_privilege_approver(&o.ctx(&o.head), None)
            .expect("unnamed");
        let (_, _) = o
            .svc
            .update_user(
                &a,
                o.drafter.id,
                UserChange {
                    clearance: Some(Some(Level::TuyetMat)),
                    ..Default::default()
                },
            )
            .expect("raise asked");
        let other = o
            .svc
            .pending_privilege_changes(&a)
            .expect("pending")
            .into_iter()
            .find(|c| c.user_id == o.drafter.id)
            .expect("drafter's change");
        let e = o
            .svc
            .decide_privilege_change(&o.ctx(&o.section_head), other.id, true)
            .expect_err("not yet head");
        assert_eq!(code(e), "privilege_approver_only");
        // The head of the agency approves: the post heads the agency from now on.
        let done = o
            .svc
            .decide_privilege_change(&o.ctx(&o.head), pending.id, true)
            .expect("approve");
        assert_eq!(done.status, PrivilegeStatus::Approved);
        let after = position(&o, post);
        assert!(after.heads_agency, "{}", b.name);
        assert_eq!(after.title, "Trưởng phòng Tổng hợp");
        assert_eq!(
            last_audit(&o, "privilege.approve").object,
            format!("position:{post}")
        );
        // Removing the flag applies at once.
        let r = o
            .svc
            .update_position(
                &a,
                post,
                PositionChange {
                    heads_agency: Some(false),
                    ..Default::default()
                },
            )
            .expect("lower");
        assert!(r.pending.is_none() && !position(&o, post).heads_agency);
    }
}

#[test]
fn an_edit_says_whether_it_applied_or_waits() {
    for b in backends() {
        let o = org(&b.url);
        let a = o.ctx(&o.admin);
        let r = o
            .svc
            .change_user(
                &a,
                o.mat_reader.id,
                UserChange {
                    clearance: Some(Some(Level::ToiMat)),
                    ..Default::default()
                },
            )
            .expect("raise");
        let p = r.pending.expect("waits");
        assert_eq!(p.new_clearance, Some(Level::ToiMat), "{}", b.name);
        assert_eq!(r.user.clearance, Some(Level::Mat));
        let r = o
            .svc
            .change_user(
                &a,
                o.mat_reader.id,
                UserChange {
                    full_name: Some("Người đọc Mật".into()),
                    ..Default::default()
                },
            )
            .expect("rename");
        assert!(r.pending.is_none() && !r.changed, "{}", b.name);
    }
}

/// A position that does not exist is refused when a user is edited, and nothing changes.
#[test]
fn an_unknown_position_is_refused_and_nothing_changes() {
    for b in backends() {
        let o = org(&b.url);
        let a = o.ctx(&o.admin);
        let before = user(&o, o.admin.id);
        let e = o
            .svc
            .update_user(
                &a,
                o.admin.id,
                UserChange {
                    position_id: Some(Some(987_654)),
                    full_name: Some("Tên mới".into()),
                    ..Default::default()
                },
            )
            .expect_err("refused");
        assert_eq!(e.code(), "invalid_input", "{}", b.name);
        assert!(
            e.message_vi().contains("chức vụ không tồn tại"),
            "{}",
            b.name
        );
        assert_eq!(user(&o, o.admin.id), before, "{}: nothing changed", b.name);
    }
}
