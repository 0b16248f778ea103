//! "Quyền và mã truy cập": privilege changes waiting for approval (approve / reject) and API
//! tokens (one's own; everyone's for the administrator) with revocation. Rendering only: the
//! services decide who may list, approve and revoke.

use super::guard::Me;
use super::view::{L, call, render, render_status};
use crate::{AppState, WebError, ctx_for, now_utc};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bmnn_core::CoreError;
use bmnn_core::model::*;
use bmnn_core::ports::Store;
use bmnn_core::service::*;

pub struct ChangeRow {
    pub id: crate::pubid::Pid,
    pub user: String,
    pub requester: String,
    pub on: String,
    pub roles: String,
    pub clearance: String,
}

pub struct TokenRow {
    pub id: crate::pubid::Pid,
    pub user: String,
    pub name: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub state: &'static str,
    pub live: bool,
}

#[derive(Template)]
#[template(path = "accounts.html")]
pub struct AccountsPage {
    pub l: L,
    pub error: Option<String>,
    pub notice: Option<String>,
    /// None: the caller may not see the pending changes.
    pub changes: Option<Vec<ChangeRow>>,
    pub all_tokens: bool,
    pub tokens: Vec<TokenRow>,
}

/// A stored UTC timestamp ("yyyy-mm-ddThh:mm:ss…") as a Vietnamese date (UTC+7), dd/mm/yyyy.
fn vn_date(ts: &str) -> String {
    let parse = || -> Option<String> {
        let n = |a: usize, b: usize| ts.get(a..b)?.parse::<i32>().ok();
        let month = time::Month::try_from(u8::try_from(n(5, 7)?).ok()?).ok()?;
        let date =
            time::Date::from_calendar_date(n(0, 4)?, month, u8::try_from(n(8, 10)?).ok()?).ok()?;
        let t = time::Time::from_hms(u8::try_from(n(11, 13)?).ok()?, 0, 0).ok()?;
        let vn = time::PrimitiveDateTime::new(date, t) + time::Duration::hours(7);
        Some(bmnn_core::dates::fmt_vn(vn.date()))
    };
    parse().unwrap_or_default()
}

fn roles_vi(r: &[Role]) -> String {
    if r.is_empty() {
        return "không có".into();
    }
    r.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")
}

fn clearance_vi(c: Option<bmnn_core::Level>) -> &'static str {
    c.map_or("không", |l| l.label())
}

async fn page<S: Store>(
    st: &AppState<S>,
    me: &Me,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let ctx = ctx_for(me.user.id);
    let admin = bmnn_core::access::allows(&me.user, bmnn_core::access::ADMIN);
    let data = call(st, me, move |svc| {
        let changes = svc.pending_privilege_changes(&ctx).ok();
        let tokens = svc.tokens(&ctx, admin)?;
        let users = svc.org(&ctx)?.users;
        Ok((changes, tokens, users))
    })
    .await;
    let (changes, tokens, users) = match data {
        Ok(x) => x,
        Err(r) => return r,
    };
    let name = |id: Id| {
        users.iter().find(|u| u.id == id).map_or_else(
            || "Hệ thống (dòng lệnh)".to_string(),
            |u| u.full_name.clone(),
        )
    };
    let now = bmnn_core::service::ts(now_utc());
    let changes = changes.map(|cs| {
        cs.iter()
            .map(|c| ChangeRow {
                id: crate::pubid::Pid(c.id),
                user: match &c.position_change {
                    // A post made to head the agency: every holder gains the authority.
                    Some(g) => format!("Chức vụ «{}»: đứng đầu cơ quan", g.new.title),
                    None => name(c.user_id),
                },
                requester: name(c.requested_by),
                on: vn_date(&c.requested_at),
                roles: format!("{} → {}", roles_vi(&c.old_roles), roles_vi(&c.new_roles)),
                clearance: format!(
                    "{} → {}",
                    clearance_vi(c.old_clearance),
                    clearance_vi(c.new_clearance)
                ),
            })
            .collect()
    });
    let tokens = tokens
        .iter()
        .map(|t| TokenRow {
            id: crate::pubid::Pid(t.id),
            user: name(t.user_id),
            name: t.name.clone(),
            created: vn_date(&t.created_at),
            expires: t.expires_at.as_deref().map(vn_date).unwrap_or_default(),
            last_used: t.last_used_at.as_deref().map(vn_date).unwrap_or_default(),
            state: if t.revoked_at.is_some() {
                "Đã thu hồi"
            } else if t.valid_at(&now) {
                "Còn hiệu lực"
            } else {
                "Hết hạn"
            },
            live: t.valid_at(&now),
        })
        .collect();
    let p = AccountsPage {
        l: L::new(me, "accounts", "Quyền và mã truy cập"),
        error: error.clone(),
        notice,
        changes,
        all_tokens: admin,
        tokens,
    };
    if error.is_some() {
        render_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
    } else {
        render(&p)
    }
}

pub async fn accounts_page<S: Store>(State(st): State<AppState<S>>, me: Me) -> Response {
    page(&st, &me, None, None).await
}

async fn act<S, F>(st: &AppState<S>, me: &Me, done: &'static str, f: F) -> Response
where
    S: Store,
    F: FnOnce(&Service<S>, &Ctx) -> Result<(), CoreError> + Send + 'static,
{
    let ctx = ctx_for(me.user.id);
    match st.run(move |svc| f(svc, &ctx)).await {
        Ok(()) => page(st, me, None, Some(done.to_string())).await,
        Err(WebError(CoreError::Unauthenticated)) => {
            let mut r = Redirect::to("/login").into_response();
            *r.status_mut() = StatusCode::SEE_OTHER;
            r
        }
        Err(e) => page(st, me, Some(e.0.message_vi()), None).await,
    }
}

pub async fn approve<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(crate::pubid::Pid(id)): Path<crate::pubid::Pid>,
) -> Response {
    act(
        &st,
        &me,
        "Đã phê duyệt thay đổi quyền.",
        move |svc, ctx| svc.decide_privilege_change(ctx, id, true).map(|_| ()),
    )
    .await
}

pub async fn reject<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(crate::pubid::Pid(id)): Path<crate::pubid::Pid>,
) -> Response {
    act(
        &st,
        &me,
        "Đã từ chối thay đổi quyền.",
        move |svc, ctx| svc.decide_privilege_change(ctx, id, false).map(|_| ()),
    )
    .await
}

pub async fn revoke_token<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(crate::pubid::Pid(id)): Path<crate::pubid::Pid>,
) -> Response {
    act(
        &st,
        &me,
        "Đã thu hồi mã truy cập.",
        move |svc, ctx| svc.revoke_token(ctx, id).map(|_| ()),
    )
    .await
}
