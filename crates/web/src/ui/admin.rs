//! Administration: the agency, units, positions (legal kind from `rules/positions.toml`), users
//! (roles, clearance, active, password reset), written delegations and the catalogue.
//!
//! A change of a user's roles, clearance, position or active flag revokes all of that user's
//! sessions at once, so the new privileges apply from the next request.

use super::guard::{Me, OkQuery, clearance_label};
use super::pages::{Opt, level_opts};
use super::view::{L, Vals, call, d, pairs, render, render_status};
use crate::auth::{check_password_strength, hash_password};
use crate::pubid::Pid;
use crate::{AppState, WebError, ctx_for, today_vn};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bmnn_core::CoreError;
use bmnn_core::Level;
use bmnn_core::model::*;
use bmnn_core::ports::Store;
use bmnn_core::rules::Act;
use bmnn_core::service::*;

fn see_other(to: &str) -> Response {
    let mut r = Redirect::to(to).into_response();
    *r.status_mut() = StatusCode::SEE_OTHER;
    r
}

pub struct UserRow {
    pub id: Pid,
    pub username: String,
    pub full_name: String,
    pub roles: String,
    pub clearance: &'static str,
    pub position: String,
    pub unit: String,
    pub active: bool,
    pub role_opts: Vec<Opt>,
    pub clearance_opts: Vec<Opt>,
    pub position_opts: Vec<Opt>,
    pub unit_opts: Vec<Opt>,
}

pub struct DelegRow {
    pub id: Pid,
    pub grantor: String,
    pub grantee: String,
    pub acts: String,
    pub max_level: &'static str,
    pub term: String,
    pub document_ref: String,
    pub revoked: String,
    pub can_revoke: bool,
}

#[derive(Template)]
#[template(path = "admin.html")]
pub struct AdminPage {
    pub l: L,
    pub error: Option<String>,
    pub agency_name: String,
    pub agency_superior: String,
    pub agency_place: String,
    pub agency_symbol: String,
    pub units: Vec<(Pid, String, String)>,
    pub positions: Vec<(String, String, &'static str, bool, String)>,
    pub users: Vec<UserRow>,
    pub delegations: Vec<DelegRow>,
    pub kind_opts: Vec<Opt>,
    pub unit_opts: Vec<Opt>,
    pub position_opts: Vec<Opt>,
    pub role_opts: Vec<Opt>,
    pub clearance_opts: Vec<Opt>,
    pub user_opts: Vec<Opt>,
    pub act_opts: Vec<Opt>,
    pub level_opts: Vec<Opt>,
    /// Keeps the organisation (and names the grantor of a delegation it records).
    pub keeps_org: bool,
    /// Records his own delegations as their grantor.
    pub grants_own: bool,
}

fn clearance_opts(cur: Option<Level>) -> Vec<Opt> {
    let c = cur.map(|l| l.code()).unwrap_or("");
    let mut v = vec![Opt::new("", "Không được tiếp cận BMNN", c)];
    v.extend(level_opts(c, false));
    v
}

fn rank_label(r: Rank) -> &'static str {
    match r {
        Rank::Head => "Người đứng đầu",
        Rank::Deputy => "Cấp phó",
        Rank::Staff => "Cán bộ, công chức",
    }
}

async fn admin_page<S: Store>(
    st: &AppState<S>,
    me: &Me,
    error: Option<String>,
    ok: Option<&str>,
) -> Response {
    let ctx = ctx_for(me.user.id);
    let org = match call(st, me, move |svc| svc.org(&ctx)).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let rights = bmnn_core::access::org_rights(&me.user);
    let unit_name = |id: Option<Id>| {
        id.and_then(|i| org.units.iter().find(|u| u.id == i))
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let pos_name = |id: Option<Id>| {
        id.and_then(|i| org.positions.iter().find(|p| p.id == i))
            .map(|p| p.title.clone())
            .unwrap_or_default()
    };
    let user_name = |id: Id| {
        org.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.full_name.clone())
            .unwrap_or_else(|| format!("#{id}"))
    };
    let unit_opts = |cur: Option<Id>| {
        let c = cur.map(|i| Pid(i).to_string()).unwrap_or_default();
        let mut v = vec![Opt::new("", "— không —", &c)];
        v.extend(
            org.units
                .iter()
                .map(|u| Opt::new(Pid(u.id).to_string(), u.name.clone(), &c)),
        );
        v
    };
    let position_opts = |cur: Option<Id>| {
        let c = cur.map(|i| Pid(i).to_string()).unwrap_or_default();
        let mut v = vec![Opt::new("", "— không —", &c)];
        v.extend(
            org.positions
                .iter()
                .map(|p| Opt::new(Pid(p.id).to_string(), p.title.clone(), &c)),
        );
        v
    };
    let role_opts = |held: &[bmnn_core::model::Role]| {
        bmnn_core::model::role_choices(held)
            .into_iter()
            .map(|(code, label, selected)| Opt {
                value: code.to_string(),
                label: label.to_string(),
                selected,
            })
            .collect::<Vec<_>>()
    };
    let agency = org.agency.clone();
    let page = AdminPage {
        l: L::new(me, "admin", "Tổ chức, người dùng, ủy quyền").with_flash(ok),
        error,
        agency_name: agency.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
        agency_superior: agency
            .as_ref()
            .and_then(|a| a.superior.clone())
            .unwrap_or_default(),
        agency_place: agency.as_ref().map(|a| a.place.clone()).unwrap_or_default(),
        agency_symbol: agency
            .as_ref()
            .map(|a| a.symbol.clone())
            .unwrap_or_default(),
        units: org
            .units
            .iter()
            .map(|u| (Pid(u.id), u.name.clone(), unit_name(u.parent_id)))
            .collect(),
        positions: org
            .positions
            .iter()
            .map(|p| {
                (
                    p.title.clone(),
                    st.svc
                        .rules
                        .kind_name(&p.kind)
                        .unwrap_or(&p.kind)
                        .to_string(),
                    rank_label(p.rank),
                    p.heads_agency,
                    unit_name(p.unit_id),
                )
            })
            .collect(),
        users: org
            .users
            .iter()
            .map(|u| UserRow {
                id: Pid(u.id),
                username: u.username.clone(),
                full_name: u.full_name.clone(),
                roles: u
                    .roles
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(", "),
                clearance: clearance_label(u.clearance),
                position: pos_name(u.position_id),
                unit: unit_name(u.unit_id),
                active: u.active,
                role_opts: role_opts(&u.roles),
                clearance_opts: clearance_opts(u.clearance),
                position_opts: position_opts(u.position_id),
                unit_opts: unit_opts(u.unit_id),
            })
            .collect(),
        delegations: org
            .delegations
            .iter()
            .map(|dl| DelegRow {
                id: Pid(dl.id),
                grantor: user_name(dl.grantor_id),
                grantee: user_name(dl.grantee_id),
                acts: dl
                    .acts
                    .iter()
                    .map(|a| a.label())
                    .collect::<Vec<_>>()
                    .join("; "),
                max_level: dl.max_level.label(),
                term: format!("{} – {}", d(Some(dl.valid_from)), d(Some(dl.valid_to))),
                document_ref: dl.document_ref.clone(),
                revoked: match (dl.revoked_on, dl.valid_to < today_vn()) {
                    (Some(r), _) => format!("Đã thu hồi {}", d(Some(r))),
                    (None, true) => "Hết hiệu lực".to_string(),
                    (None, false) => String::new(),
                },
                can_revoke: dl.revoked_on.is_none()
                    && dl.valid_to >= today_vn()
                    && bmnn_core::access::may_revoke_delegation(&me.user, dl.grantor_id),
            })
            .collect(),
        kind_opts: st
            .svc
            .rules
            .position_kinds
            .iter()
            .map(|k| Opt::new(k.code.clone(), format!("{} ({})", k.name, k.cite), ""))
            .collect(),
        unit_opts: unit_opts(None),
        position_opts: position_opts(None),
        role_opts: role_opts(&[]),
        clearance_opts: clearance_opts(None),
        user_opts: org
            .users
            .iter()
            .filter(|u| u.active && u.id != me.user.id)
            .map(|u| {
                Opt::new(
                    Pid(u.id).to_string(),
                    format!("{} ({})", u.full_name, u.username),
                    "",
                )
            })
            .collect(),
        act_opts: Act::ALL
            .iter()
            .map(|a| Opt::new(a.code(), a.label(), ""))
            .collect(),
        level_opts: level_opts("mat", false),
        keeps_org: rights.keeps_org,
        grants_own: rights.grants_own,
    };
    if page.error.is_some() {
        render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
    } else {
        render(&page)
    }
}

pub async fn org_page<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Query(q): Query<OkQuery>,
) -> Response {
    admin_page(&st, &me, None, q.ok.as_deref()).await
}

/// Runs an admin act; on failure shows the admin page with the message.
async fn act<S, F>(st: &AppState<S>, me: &Me, f: F) -> Response
where
    S: Store,
    F: FnOnce(&Service<S>, &Ctx) -> Result<(), CoreError> + Send + 'static,
{
    let ctx = ctx_for(me.user.id);
    match st.run(move |svc| f(svc, &ctx)).await {
        Ok(()) => see_other("/admin?ok=saved"),
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => admin_page(st, me, Some(e.0.message_vi()), None).await,
    }
}

fn form(body: &[u8]) -> Vals {
    Vals::from_pairs(pairs(body))
}

pub async fn set_agency<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    body: axum::body::Bytes,
) -> Response {
    let v = form(&body);
    act(&st, &me, move |svc, ctx| {
        svc.set_agency(
            ctx,
            Agency {
                name: v.text("name"),
                superior: v.opt("superior"),
                place: v.text("place"),
                symbol: v.text("symbol"),
            },
        )
    })
    .await
}

pub async fn create_unit<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    body: axum::body::Bytes,
) -> Response {
    let v = form(&body);
    act(&st, &me, move |svc, ctx| {
        svc.create_unit(ctx, &v.text("name"), v.id("parent_id")?)
            .map(|_| ())
    })
    .await
}

fn rank(v: &Vals) -> Result<Rank, CoreError> {
    match v.get("rank") {
        "head" => Ok(Rank::Head),
        "deputy" => Ok(Rank::Deputy),
        "staff" => Ok(Rank::Staff),
        _ => Err(CoreError::invalid("rank", "hãy chọn cấp")),
    }
}

pub async fn create_position<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    body: axum::body::Bytes,
) -> Response {
    let v = form(&body);
    act(&st, &me, move |svc, ctx| {
        svc.create_position(
            ctx,
            NewPosition {
                title: v.text("title"),
                kind: v.text("kind"),
                rank: rank(&v)?,
                heads_agency: v.check("heads_agency"),
                unit_id: v.id("unit_id")?,
            },
        )
        .map(|_| ())
    })
    .await
}

pub async fn create_user<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    body: axum::body::Bytes,
) -> Response {
    let v = form(&body);
    let pw = v.get("password").to_string();
    if let Err(m) = check_password_strength(&pw) {
        return admin_page(&st, &me, Some(m), None).await;
    }
    let hash = match tokio::task::spawn_blocking(move || hash_password(&pw)).await {
        Ok(h) => h,
        Err(_) => return admin_page(&st, &me, Some("Lỗi tạo mật khẩu.".into()), None).await,
    };
    act(&st, &me, move |svc, ctx| {
        svc.create_user(
            ctx,
            NewUser {
                username: v.text("username"),
                full_name: v.text("full_name"),
                roles: roles_from_codes(&v.lines("roles"))?,
                clearance: clearance_from_code(v.get("clearance"))?,
                position_id: v.id("position_id")?,
                unit_id: v.id("unit_id")?,
                password_hash: hash,
            },
        )
        .map(|_| ())
    })
    .await
}

/// Changes a user; when privileges changed, every session of that user ends now.
pub async fn update_user<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(crate::pubid::Pid(id)): Path<crate::pubid::Pid>,
    body: axum::body::Bytes,
) -> Response {
    let v = form(&body);
    let field = |k: &str| v.0.get(k).cloned();
    let many = |k: &str| v.0.get(k).map(|s| s.lines().map(str::to_string).collect());
    let f = UserForm {
        full_name: v.opt("full_name"),
        roles: many("roles"),
        clearance: field("clearance"),
        position_id: field("position_id").map(crate::pubid::form_text),
        unit_id: field("unit_id").map(crate::pubid::form_text),
        active: many("active"),
    };
    let ctx = ctx_for(me.user.id);
    let done = st
        .run(move |svc| {
            let r = svc.update_user_form(&ctx, id, f)?;
            if r.changed {
                svc.revoke_sessions(&ctx, id)?;
            }
            Ok(r.pending.is_some())
        })
        .await;
    match done {
        // A raise of roles, clearance or position is not in force until approved: say so.
        Ok(true) => see_other("/admin?ok=awaiting-approval"),
        Ok(false) => see_other("/admin?ok=saved"),
        Err(WebError(CoreError::Unauthenticated)) => see_other("/login"),
        Err(e) => admin_page(&st, &me, Some(e.0.message_vi()), None).await,
    }
}

pub async fn reset_password<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(crate::pubid::Pid(id)): Path<crate::pubid::Pid>,
    body: axum::body::Bytes,
) -> Response {
    let v = form(&body);
    let pw = v.get("password").to_string();
    if let Err(m) = check_password_strength(&pw) {
        return admin_page(&st, &me, Some(m), None).await;
    }
    let hash = match tokio::task::spawn_blocking(move || hash_password(&pw)).await {
        Ok(h) => h,
        Err(_) => return admin_page(&st, &me, Some("Lỗi tạo mật khẩu.".into()), None).await,
    };
    act(&st, &me, move |svc, ctx| {
        // A reset by the administrator (its own password changes on the password page).
        svc.set_password(ctx, id, &hash, |_| false)?;
        // A reset password ends the user's sessions (someone else may have known the old one).
        svc.revoke_sessions(ctx, id).map(|_| ())
    })
    .await
}

pub async fn create_delegation<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    body: axum::body::Bytes,
) -> Response {
    let v = form(&body);
    act(&st, &me, move |svc, ctx| {
        svc.create_delegation(
            ctx,
            NewDelegation {
                grantor_id: v.id("grantor_id")?,
                grantee_id: v.req_id("grantee_id")?,
                acts: v.get("acts").lines().filter_map(Act::from_code).collect(),
                max_level: v.level("max_level")?,
                valid_from: v.req_date("valid_from")?,
                valid_to: v.req_date("valid_to")?,
                document_ref: v.text("document_ref"),
            },
        )
        .map(|_| ())
    })
    .await
}

pub async fn revoke_delegation<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(crate::pubid::Pid(id)): Path<crate::pubid::Pid>,
) -> Response {
    act(&st, &me, move |svc, ctx| {
        svc.revoke_delegation(ctx, id, today_vn()).map(|_| ())
    })
    .await
}

// ---------------------------------------------------------------- catalogue

pub struct CatView {
    pub decision_ref: String,
    pub decision_date: String,
    pub title: String,
    pub field: String,
    pub effective_from: String,
    pub replaced: String,
    pub items: Vec<(Pid, String, &'static str, String, String)>,
}

#[derive(Template)]
#[template(path = "catalogues.html")]
pub struct CataloguesPage {
    pub l: L,
    pub error: Option<String>,
    pub v: Vals,
    pub cats: Vec<CatView>,
    pub field_opts: Vec<Opt>,
    pub replace_opts: Vec<Opt>,
    pub can_edit: bool,
    pub can_remove: bool,
}

async fn catalogues_view<S: Store>(
    st: &AppState<S>,
    me: &Me,
    error: Option<String>,
    v: Vals,
    ok: Option<&str>,
) -> Response {
    let ctx = ctx_for(me.user.id);
    let (cats, items) = match call(st, me, move |svc| svc.catalogues(&ctx)).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let regime = st
        .svc
        .rules
        .regime_for(today_vn())
        .or(st.svc.rules.regimes.last())
        .expect("a regime");
    let field_name = |c: &str| regime.field_name(c).unwrap_or(c).to_string();
    let page = CataloguesPage {
        l: L::new(me, "catalogues", "Danh mục bí mật nhà nước").with_flash(ok),
        error,
        cats: cats
            .iter()
            .map(|c| CatView {
                decision_ref: c.decision_ref.clone(),
                decision_date: d(Some(c.decision_date)),
                title: c.title.clone(),
                field: field_name(&c.field),
                effective_from: d(Some(c.effective_from)),
                replaced: d(c.replaced_on),
                items: items
                    .iter()
                    .filter(|i| i.catalogue_id == c.id)
                    .map(|i| {
                        (
                            Pid(i.id),
                            i.number.clone(),
                            i.level.label(),
                            i.text.clone(),
                            d(i.removed_on),
                        )
                    })
                    .collect(),
            })
            .collect(),
        field_opts: regime
            .fields
            .iter()
            .map(|f| Opt::new(f.code.clone(), f.name.clone(), v.get("field")))
            .collect(),
        replace_opts: {
            let mut o = vec![Opt::new("", "— không thay thế —", v.get("replaces"))];
            o.extend(cats.iter().filter(|c| c.replaced_on.is_none()).map(|c| {
                Opt::new(
                    Pid(c.id).to_string(),
                    format!("{} — {}", c.decision_ref, c.title),
                    v.get("replaces"),
                )
            }));
            o
        },
        can_edit: bmnn_core::access::allows(&me.user, bmnn_core::access::CATALOGUE_KEEPERS),
        can_remove: bmnn_core::access::allows(&me.user, bmnn_core::access::CATALOGUE_REMOVERS),
        v,
    };
    if page.error.is_some() {
        render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
    } else {
        render(&page)
    }
}

pub async fn catalogues_page<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Query(q): Query<OkQuery>,
) -> Response {
    catalogues_view(&st, &me, None, Vals::default(), q.ok.as_deref()).await
}

/// Lines "độ mật | số mục | nội dung" (độ mật: Mật, Tối mật, Tuyệt mật).
fn catalogue_lines(v: &Vals) -> Result<Vec<NewCatalogueItem>, CoreError> {
    v.lines("items")
        .iter()
        .enumerate()
        .map(|(n, l)| {
            let parts: Vec<&str> = l.splitn(3, '|').map(str::trim).collect();
            let [lv, number, text] = parts[..] else {
                return Err(CoreError::invalid(
                    "items",
                    format!("dòng {}: cần dạng «độ mật | số mục | nội dung»", n + 1),
                ));
            };
            let folded = bmnn_core::text::fold(lv);
            let level = match folded.as_str() {
                "mat" => Level::Mat,
                "toi mat" | "toi-mat" => Level::ToiMat,
                "tuyet mat" | "tuyet-mat" => Level::TuyetMat,
                _ => {
                    return Err(CoreError::invalid(
                        "items",
                        format!("dòng {}: độ mật phải là Mật, Tối mật hoặc Tuyệt mật", n + 1),
                    ));
                }
            };
            Ok(NewCatalogueItem {
                level,
                number: number.to_string(),
                text: text.to_string(),
            })
        })
        .collect()
}

pub async fn create_catalogue<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    body: axum::body::Bytes,
) -> Response {
    let v = form(&body);
    let v2 = v.clone();
    let ctx = ctx_for(me.user.id);
    let res = st
        .run(move |svc| {
            let c = NewCatalogue {
                decision_ref: v2.text("decision_ref"),
                decision_date: v2.req_date("decision_date")?,
                title: v2.text("title"),
                field: v2.text("field"),
                effective_from: v2.req_date("effective_from")?,
                items: catalogue_lines(&v2)?,
                replaces: v2.id("replaces")?,
                carry_over: Vec::new(),
            };
            svc.create_catalogue(&ctx, c).map(|_| ())
        })
        .await;
    match res {
        Ok(()) => see_other("/catalogues?ok=saved"),
        Err(e) => catalogues_view(&st, &me, Some(e.0.message_vi()), v, None).await,
    }
}

pub async fn remove_catalogue_item<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(crate::pubid::Pid(id)): Path<crate::pubid::Pid>,
    body: axum::body::Bytes,
) -> Response {
    let v = form(&body);
    let ctx = ctx_for(me.user.id);
    let res = st
        .run(move |svc| {
            let on = v.date("on")?.unwrap_or_else(today_vn);
            let decision_date =
                v.date("decision_date")?
                    .ok_or(bmnn_core::error::CoreError::invalid(
                        "decision_date",
                        "phải ghi ngày quyết định",
                    ))?;
            svc.remove_catalogue_item(
                &ctx,
                bmnn_core::service::RemoveCatalogueItemCmd {
                    catalogue_item_id: id,
                    decision_ref: v.get("decision_ref").to_string(),
                    decision_date,
                    date: Some(on),
                },
            )
            .map(|_| ())
        })
        .await;
    match res {
        Ok(()) => see_other("/catalogues?ok=saved"),
        Err(e) => catalogues_view(&st, &me, Some(e.0.message_vi()), Vals::default(), None).await,
    }
}
