//! Handlers of `/api/v1`: parse → one service call on the blocking pool → JSON.
//!
//! No rule and no query lives here: every decision is the service's, every read goes through
//! the service and thus through the clearance filter. What a handler does on its own is HTTP:
//! the path id wins over an id in the body, passwords are hashed before they reach the
//! service, status codes (201 for creations) and the shape of composite answers.

use super::extract::{ApiQuery, Authed, Body, PathId, PathParams, invalid};
use crate::pubid::Pid;
use crate::{AppState, WebError, auth, ctx_for, now_utc, today_vn};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bmnn_core::Level;
use bmnn_core::acts::ActKind;
use bmnn_core::model::{
    Agency, Catalogue, CatalogueItem, Id, ItemEvent, ItemQuery, Notice, NoticeQuery, Origin,
    Request, RequestQuery, Role, SecretItem, Status, User,
};
use bmnn_core::ports::Store;
use bmnn_core::registers::{RegisterEntry, RegisterKind};
use bmnn_core::rules::PositionKind;
use bmnn_core::service::*;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;

type Res = Result<Response, WebError>;
type St<S> = State<AppState<S>>;

fn ok<T: serde::Serialize>(v: T) -> Res {
    Ok(Json(v).into_response())
}

fn created<T: serde::Serialize>(v: T) -> Res {
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// An object of a read answer with the acts open to the caller on it (thao tác được phép):
/// `acts` lists their codes ([`ActKind`]), as the service computes them for the pages, so an
/// API client offers what the pages offer.
#[derive(Serialize)]
pub(crate) struct WithActs<T> {
    #[serde(flatten)]
    object: T,
    acts: Vec<ActKind>,
}

/// `T`'s schema and the required `acts` (the component `{T}WithActs`): what serde's
/// `flatten` sends.
impl<T: JsonSchema> JsonSchema for WithActs<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("{}WithActs", T::schema_name()).into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let object = g.subschema_for::<T>();
        let acts = g.subschema_for::<Vec<ActKind>>();
        json_schema!({"allOf": [object, {"type": "object", "required": ["acts"], "properties": {"acts": acts}}]})
    }
}

fn with_acts<T>((object, acts): (T, Vec<ActKind>)) -> WithActs<T> {
    WithActs { object, acts }
}

/// `GET /items/{id}`: the item detail with the acts open on the item, on each of its requests
/// and on each of its notices (`Service::item_view`).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ItemDetail")]
pub(crate) struct ItemAnswer {
    item: SecretItem,
    events: Vec<ItemEvent>,
    requests: Vec<WithActs<Request>>,
    notices: Vec<WithActs<Notice>>,
    catalogue_item: Option<CatalogueItem>,
    acts: Vec<ActKind>,
}

impl From<ItemView> for ItemAnswer {
    fn from(v: ItemView) -> ItemAnswer {
        let ItemView {
            detail,
            acts,
            mut request_acts,
            mut notice_acts,
            ..
        } = v;
        let requests = (detail.requests.into_iter())
            .map(|r| {
                let acts = request_acts.remove(&r.id).unwrap_or_default();
                with_acts((r, acts))
            })
            .collect();
        let notices = (detail.notices.into_iter())
            .map(|n| {
                let acts = notice_acts.remove(&n.id).unwrap_or_default();
                with_acts((n, acts))
            })
            .collect();
        ItemAnswer {
            item: detail.item,
            events: detail.events,
            requests,
            notices,
            catalogue_item: detail.catalogue_item,
            acts,
        }
    }
}

/// Dates of queries and paths: the same bounds as body dates (see `extract`).
fn bounded_date(field: &str, s: &str) -> Result<Date, WebError> {
    let d = bmnn_core::dates::parse_date(s)
        .ok_or_else(|| invalid(field, "ngày phải có dạng yyyy-mm-dd hoặc dd/mm/yyyy"))?;
    if !(1900..=2199).contains(&d.year()) {
        return Err(invalid(field, "ngày phải nằm trong khoảng năm 1900–2199"));
    }
    Ok(d)
}

#[derive(Deserialize, Serialize, JsonSchema)]
pub(crate) struct OnDate {
    #[serde(default, with = "bmnn_core::dates::iso_date_opt")]
    #[schemars(schema_with = "bmnn_core::schema::act_date")]
    date: Option<Date>,
}

// ---- Acts -----------------------------------------------------------------------------

/// Every act of [`ActKind`] (its route from its definition, `routes::act_routes`): the
/// path's id into the command's field its definition names (the path wins over the body), the
/// body parsed into the act's command, its service call, 201 when it creates.
pub async fn act<S: Store, A: ActDef>(
    State(st): St<S>,
    a: Authed,
    PathId(id): PathId,
    body: Body,
) -> Res {
    let api = A::api();
    let body = match api.path_id {
        Some(field) => body.with_id(field, id),
        None => body,
    };
    let c: A::Cmd = body.parse()?;
    let out = st.run(move |svc| A::run(svc, &a.ctx, c)).await?;
    if api.creates { created(out) } else { ok(out) }
}

// ---- Public ---------------------------------------------------------------------------

pub async fn openapi<S: Store>(State(st): St<S>) -> Res {
    ok(super::openapi::document::<S>(&st.svc.rules))
}

#[derive(Deserialize, Serialize, JsonSchema)]
pub(crate) struct TokenRequest {
    #[schemars(length(max = 256))]
    username: String,
    #[schemars(length(max = 1024))]
    password: String,
    /// What the token is for (shown in the audit trail).
    #[schemars(schema_with = "bmnn_core::schema::nonblank")]
    name: String,
}

/// Issues an API token for a username and password. Only the token's SHA-256 is stored.
pub async fn create_token<S: Store>(
    State(st): St<S>,
    crate::ratelimit::ClientIp(ip): crate::ratelimit::ClientIp,
    body: Body,
) -> Res {
    let req: TokenRequest = body.parse()?;
    if req.name.trim().is_empty() {
        return Err(invalid("name", "không được để trống"));
    }
    if req.username.chars().count() > 256 || req.password.chars().count() > 1024 {
        return Err(invalid("username", "tên đăng nhập hoặc mật khẩu quá dài"));
    }
    let TokenRequest {
        username,
        password,
        name,
    } = req;
    // Growing delays after failures, as on the login page (no lockout, same answer for an
    // unknown name).
    let started = std::time::Instant::now();
    if let Some(wait) = st.limiter.logins.wait(&username, ip, started) {
        let mut resp = WebError(bmnn_core::CoreError::refused(
            "login_throttled",
            crate::throttle::message(wait),
        ))
        .into_response();
        *resp.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        resp.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            wait.as_secs().max(1).into(),
        );
        return Ok(resp);
    }
    let who = username.clone();
    let login = st
        .run(move |svc| {
            svc.authenticate(&username, now_utc(), |hash| match hash {
                Some(h) => auth::verify_password(&password, h),
                None => {
                    auth::dummy_verify(&password);
                    false
                }
            })
        })
        .await;
    let user = match login {
        Ok(u) => {
            st.limiter.logins.succeeded(&who);
            u
        }
        Err(e) => {
            // A failed login is "who are you?", not a refusal of an act.
            let status = match e.0.code() {
                "login_failed" => {
                    st.limiter.logins.failed(&who, ip, started);
                    Some(StatusCode::UNAUTHORIZED)
                }
                _ => None,
            };
            let mut resp = e.into_response();
            if let Some(s) = status {
                *resp.status_mut() = s;
            }
            return Ok(resp);
        }
    };
    let token = auth::random_token();
    let hash = auth::token_hash(&token);
    let ctx = ctx_for(user.id);
    let days = st.cfg.token_days;
    let t = st
        .run(move |svc| svc.register_token(&ctx, &name, &hash, days))
        .await?;
    created(TokenIssued {
        token,
        token_id: t.id,
        expires_at: t.expires_at,
        user,
    })
}

/// `POST /tokens`: the token, shown this once (only its SHA-256 is kept).
#[derive(Serialize, JsonSchema)]
pub(crate) struct TokenIssued {
    token: String,
    token_id: Id,
    expires_at: Option<String>,
    user: User,
}

#[derive(Deserialize, Serialize)]
pub struct TokensQuery {
    #[serde(default)]
    all: bool,
}

/// One's own API tokens (never the token itself), or everyone's for the administrator.
pub async fn list_tokens<S: Store>(State(st): St<S>, a: Authed, q: ApiQuery<TokensQuery>) -> Res {
    let all = q.0.all;
    ok(st.run(move |svc| svc.tokens(&a.ctx, all)).await?)
}

pub async fn revoke_token<S: Store>(State(st): St<S>, a: Authed, PathId(id): PathId) -> Res {
    ok(st.run(move |svc| svc.revoke_token(&a.ctx, id)).await?)
}

#[derive(Deserialize, Serialize, JsonSchema)]
pub struct ApproverBody {
    #[serde(default)]
    user_id: Option<Id>,
}

/// Names (or clears) the person who approves privilege changes besides the head of the agency.
pub async fn set_privilege_approver<S: Store>(State(st): St<S>, a: Authed, body: Body) -> Res {
    let b: ApproverBody = body.parse()?;
    let user = b.user_id;
    st.run(move |svc| svc.set_privilege_approver(&a.ctx, user))
        .await?;
    ok(ApproverBody { user_id: user })
}

/// Privilege changes waiting for approval.
pub async fn privilege_changes<S: Store>(State(st): St<S>, a: Authed) -> Res {
    ok(st
        .run(move |svc| svc.pending_privilege_changes(&a.ctx))
        .await?)
}

pub async fn approve_privilege_change<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathId(id): PathId,
) -> Res {
    ok(st
        .run(move |svc| svc.decide_privilege_change(&a.ctx, id, true))
        .await?)
}

pub async fn reject_privilege_change<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathId(id): PathId,
) -> Res {
    ok(st
        .run(move |svc| svc.decide_privilege_change(&a.ctx, id, false))
        .await?)
}

// ---- Identity, rules, organisation ------------------------------------------------------

pub async fn me<S: Store>(State(st): St<S>, a: Authed) -> Res {
    ok(st.run(move |svc| svc.me(&a.ctx)).await?)
}

/// The regimes in force (by date) and their points not yet confirmed by the law's text.
pub async fn rules<S: Store>(State(st): St<S>, _a: Authed) -> Res {
    let rules = &st.svc.rules;
    let regimes = rules.regimes.iter().map(RegimeAnswer::new).collect();
    ok(RulesAnswer {
        regimes,
        position_kinds: rules.position_kinds.clone(),
    })
}

/// `GET /rules`: the regimes in force and the kinds of position.
#[derive(Serialize, JsonSchema)]
pub(crate) struct RulesAnswer {
    regimes: Vec<RegimeAnswer>,
    position_kinds: Vec<PositionKind>,
}

/// One regime: its name, first day and unconfirmed points, and the rest of its rules as the
/// rule files give them (periods, classification, authority matrix, register templates …).
#[derive(Serialize, JsonSchema)]
pub(crate) struct RegimeAnswer {
    code: String,
    name: String,
    #[serde(with = "bmnn_core::dates::iso_date")]
    #[schemars(schema_with = "bmnn_core::dates::date_schema")]
    effective_from: Date,
    /// The regime's points not yet confirmed by the law's text (điểm chưa xác nhận).
    unconfirmed: Vec<String>,
    /// The regime's other rules, as data.
    #[serde(flatten)]
    rules: serde_json::Map<String, Value>,
}

impl RegimeAnswer {
    fn new(r: &bmnn_core::rules::Regime) -> RegimeAnswer {
        let mut rules = match serde_json::to_value(r) {
            Ok(Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        for k in ["code", "name", "effective_from", "unconfirmed"] {
            rules.remove(k);
        }
        RegimeAnswer {
            code: r.code.clone(),
            name: r.name.clone(),
            effective_from: r.effective_from,
            unconfirmed: r.unconfirmed(),
            rules,
        }
    }
}

pub async fn org<S: Store>(State(st): St<S>, a: Authed) -> Res {
    ok(st.run(move |svc| svc.org_chart(&a.ctx)).await?)
}

pub async fn set_agency<S: Store>(State(st): St<S>, a: Authed, body: Body) -> Res {
    let agency: Agency = body.parse()?;
    st.run(move |svc| svc.set_agency(&a.ctx, agency.clone()).map(|_| agency))
        .await
        .and_then(ok)
}

#[derive(Deserialize, Serialize, JsonSchema)]
pub(crate) struct NewUnitBody {
    #[schemars(schema_with = "bmnn_core::schema::nonblank")]
    name: String,
    #[serde(default)]
    parent_id: Option<Id>,
}

pub async fn create_unit<S: Store>(State(st): St<S>, a: Authed, body: Body) -> Res {
    let b: NewUnitBody = body.parse()?;
    created(
        st.run(move |svc| svc.create_unit(&a.ctx, &b.name, b.parent_id))
            .await?,
    )
}

pub async fn create_position<S: Store>(State(st): St<S>, a: Authed, body: Body) -> Res {
    let p: NewPosition = body.parse()?;
    created(st.run(move |svc| svc.create_position(&a.ctx, p)).await?)
}

#[derive(Deserialize, Serialize, JsonSchema)]
pub(crate) struct NewUserBody {
    #[schemars(regex(pattern = "^[A-Za-z0-9._-]{2,64}$"))]
    username: String,
    #[schemars(schema_with = "bmnn_core::schema::nonblank")]
    full_name: String,
    #[schemars(schema_with = "super::schema::password")]
    password: String,
    roles: Vec<Role>,
    #[serde(default)]
    clearance: Option<Level>,
    #[serde(default)]
    position_id: Option<Id>,
    #[serde(default)]
    unit_id: Option<Id>,
}

fn strong(password: &str) -> Result<(), WebError> {
    if password.chars().count() > 256 {
        return Err(invalid("password", "mật khẩu quá dài (tối đa 256 ký tự)"));
    }
    auth::check_password_strength(password).map_err(|m| invalid("password", m))
}

pub async fn create_user<S: Store>(State(st): St<S>, a: Authed, body: Body) -> Res {
    let b: NewUserBody = body.parse()?;
    strong(&b.password)?;
    let u = st
        .run(move |svc| {
            let nu = NewUser {
                username: b.username,
                full_name: b.full_name,
                roles: b.roles,
                clearance: b.clearance,
                position_id: b.position_id,
                unit_id: b.unit_id,
                password_hash: auth::hash_password(&b.password),
            };
            svc.create_user(&a.ctx, nu)
        })
        .await?;
    created(u)
}

pub async fn update_user<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathId(id): PathId,
    body: Body,
) -> Res {
    // JSON Merge Patch (RFC 7396): a field left out stays as it is, `null` clears it.
    let cleared: Vec<String> = body
        .0
        .iter()
        .filter(|(_, v)| v.is_null())
        .map(|(k, _)| k.clone())
        .collect();
    let mut ch: UserChange = body.parse()?;
    for k in cleared {
        match k.as_str() {
            "clearance" => ch.clearance = Some(None),
            "position_id" => ch.position_id = Some(None),
            "unit_id" => ch.unit_id = Some(None),
            _ => {}
        }
    }
    // A change of roles, clearance, position or the active flag ends the user's web sessions
    // (stack.md §5), as the admin page does.
    let (user, privilege_changed, sessions_revoked) = st
        .run(move |svc| {
            let (user, changed) = svc.update_user(&a.ctx, id, ch)?;
            let n = if changed {
                svc.revoke_sessions(&a.ctx, id)?
            } else {
                0
            };
            Ok((user, changed, n))
        })
        .await?;
    ok(UserUpdated {
        user,
        privilege_changed,
        sessions_revoked,
    })
}

/// `PATCH /users/{id}`: the user as it now is, whether a privilege change waits, and how many
/// sessions and tokens of the user ended.
#[derive(Serialize, JsonSchema)]
pub(crate) struct UserUpdated {
    user: User,
    privilege_changed: bool,
    sessions_revoked: u64,
}

#[derive(Deserialize, Serialize, JsonSchema)]
pub(crate) struct PasswordBody {
    #[schemars(schema_with = "super::schema::password")]
    password: String,
    /// Mật khẩu hiện tại: needed to change one's own password.
    #[serde(default)]
    #[schemars(length(max = 1024))]
    current_password: Option<String>,
}

pub async fn set_password<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathId(id): PathId,
    body: Body,
) -> Res {
    let b: PasswordBody = body.parse()?;
    strong(&b.password)?;
    // A new password ends the user's web sessions (someone may have known the old one).
    let n = st
        .run(move |svc| {
            let current = b.current_password.unwrap_or_default();
            svc.set_password(&a.ctx, id, &auth::hash_password(&b.password), |h| match h {
                Some(h) if !current.is_empty() => auth::verify_password(&current, h),
                _ => {
                    auth::dummy_verify(&current);
                    false
                }
            })?;
            svc.revoke_sessions(&a.ctx, id)
        })
        .await?;
    ok(PasswordSet {
        user_id: id,
        changed: true,
        sessions_revoked: n,
    })
}

/// `POST /users/{id}/password`.
#[derive(Serialize, JsonSchema)]
pub(crate) struct PasswordSet {
    user_id: Id,
    changed: bool,
    sessions_revoked: u64,
}

pub async fn create_delegation<S: Store>(State(st): St<S>, a: Authed, body: Body) -> Res {
    let d: NewDelegation = body.parse()?;
    created(st.run(move |svc| svc.create_delegation(&a.ctx, d)).await?)
}

pub async fn revoke_delegation<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathId(id): PathId,
    body: Body,
) -> Res {
    let b: OnDate = body.parse()?;
    let on = b.date.unwrap_or_else(today_vn);
    ok(st
        .run(move |svc| svc.revoke_delegation(&a.ctx, id, on))
        .await?)
}

// ---- Catalogue --------------------------------------------------------------------------

pub async fn catalogues<S: Store>(State(st): St<S>, a: Authed) -> Res {
    let (catalogues, items) = st.run(move |svc| svc.catalogues(&a.ctx)).await?;
    ok(CataloguesAnswer { catalogues, items })
}

/// `GET /catalogues`: the catalogue decisions and their entries.
#[derive(Serialize, JsonSchema)]
pub(crate) struct CataloguesAnswer {
    catalogues: Vec<Catalogue>,
    items: Vec<CatalogueItem>,
}

/// `POST /catalogues`: the catalogue recorded and the items declassified because the
/// catalogue it replaces listed them and this one does not.
#[derive(Serialize, JsonSchema)]
pub(crate) struct CatalogueCreated {
    catalogue: Catalogue,
    /// Ids of the items declassified (tokens by type: elsewhere `declassified` is a count).
    declassified: Vec<Pid>,
}

/// `POST /catalogue-items/{id}/remove`: the entry and the items declassified with it.
#[derive(Serialize, JsonSchema)]
pub(crate) struct CatalogueItemRemoved {
    catalogue_item_id: Id,
    declassified: Vec<Pid>,
}

pub async fn create_catalogue<S: Store>(State(st): St<S>, a: Authed, body: Body) -> Res {
    let c: NewCatalogue = body.parse()?;
    let (catalogue, declassified) = st.run(move |svc| svc.create_catalogue(&a.ctx, c)).await?;
    // `declassified` is a count elsewhere (reports): these ids are tokens by type.
    let declassified: Vec<Pid> = declassified.into_iter().map(Pid).collect();
    created(CatalogueCreated {
        catalogue,
        declassified,
    })
}

pub async fn remove_catalogue_item<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathId(id): PathId,
    body: Body,
) -> Res {
    let b: RemoveBody = body.parse()?;
    let c = RemoveCatalogueItemCmd {
        catalogue_item_id: id,
        decision_ref: b.decision_ref,
        decision_date: b.decision_date,
        date: Some(b.date.unwrap_or_else(today_vn)),
    };
    let declassified = st
        .run(move |svc| svc.remove_catalogue_item(&a.ctx, c))
        .await?;
    let declassified: Vec<Pid> = declassified.into_iter().map(Pid).collect();
    ok(CatalogueItemRemoved {
        catalogue_item_id: id,
        declassified,
    })
}

/// Body of `POST /catalogue-items/{id}/remove`.
#[derive(Deserialize, Serialize, JsonSchema)]
pub(crate) struct RemoveBody {
    #[schemars(schema_with = "bmnn_core::schema::nonblank")]
    decision_ref: String,
    #[serde(with = "bmnn_core::dates::iso_date")]
    #[schemars(schema_with = "bmnn_core::dates::date_schema")]
    decision_date: Date,
    #[serde(default, with = "bmnn_core::dates::iso_date_opt")]
    #[schemars(schema_with = "bmnn_core::schema::act_date")]
    date: Option<Date>,
}

// ---- Items ------------------------------------------------------------------------------

/// Filters of the item list; `q` (search text, which may reveal content) only in the body of
/// `POST /items/search`, never in a URL.
#[derive(Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemsQuery {
    /// Tìm theo số ký hiệu, tên loại, trích yếu (không dấu cũng được).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[^\x00]*[^\x00\s][^\x00]*$"))]
    q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    origin: Option<Origin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    offset: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limit: Option<i64>,
}

impl ItemsQuery {
    fn into_query(self) -> ItemQuery {
        ItemQuery {
            text: self.q,
            level: self.level,
            status: self.status,
            origin: self.origin,
            offset: self.offset.unwrap_or(0),
            limit: self.limit.unwrap_or(50),
            ..Default::default()
        }
    }
}

pub async fn list_items<S: Store>(
    State(st): St<S>,
    a: Authed,
    ApiQuery(q): ApiQuery<ItemsQuery>,
) -> Res {
    if q.q.is_some() {
        return Err(invalid(
            "q",
            "nội dung tìm kiếm không đặt trên đường dẫn (có thể lộ nội dung trong nhật ký): gửi bằng POST /api/v1/items/search",
        ));
    }
    let query = q.into_query();
    ok(st.run(move |svc| svc.list_items(&a.ctx, query)).await?)
}

/// Search: the text travels in the body, so it never lands in a URL or an access log.
pub async fn search_items<S: Store>(State(st): St<S>, a: Authed, body: Body) -> Res {
    let q: ItemsQuery = body.parse()?;
    if q.q.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return Err(invalid(
            "q",
            "không được để trống (bỏ trường này nếu không tìm)",
        ));
    }
    let query = q.into_query();
    ok(st.run(move |svc| svc.list_items(&a.ctx, query)).await?)
}

pub async fn item_detail<S: Store>(State(st): St<S>, a: Authed, PathId(id): PathId) -> Res {
    let view = st.run(move |svc| svc.item_view(&a.ctx, id)).await?;
    ok(ItemAnswer::from(view))
}

// ---- Register entries -------------------------------------------------------------------

pub async fn pending_acks<S: Store>(State(st): St<S>, a: Authed) -> Res {
    ok(st.run(move |svc| svc.pending_acks(&a.ctx)).await?)
}

#[derive(Deserialize)]
pub struct PageQuery {
    offset: Option<i64>,
    limit: Option<i64>,
}

pub async fn register_book<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathParams((kind, year)): PathParams<(String, i32)>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Res {
    let kind = RegisterKind::from_code(&kind).ok_or_else(|| {
        invalid(
            "kind",
            "loại sổ phải là outgoing, incoming, handover hoặc copies",
        )
    })?;
    if !(1900..=2199).contains(&year) {
        return Err(invalid("year", "năm phải nằm trong khoảng 1900–2199"));
    }
    let (offset, limit) = (q.offset.unwrap_or(0), q.limit.unwrap_or(1_000));
    let answer = st
        .run(move |svc| {
            let book = svc.register_book(&a.ctx, kind, year, offset, limit)?;
            let acts = svc.entry_acts(&a.ctx, &book.entries)?;
            Ok(RegisterBookAnswer::new(book, acts))
        })
        .await?;
    ok(answer)
}

/// `GET /registers/{kind}/{year}`: the book, each entry with the acts open on it
/// (`Service::entry_acts`: a handover entry the caller may sign for, cancel …).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "RegisterBook")]
pub(crate) struct RegisterBookAnswer {
    kind: RegisterKind,
    year: i32,
    regime: String,
    title: String,
    form: String,
    confirmed: bool,
    note: String,
    instructions: String,
    columns: Vec<String>,
    total: i64,
    entries: Vec<WithActs<RegisterEntry>>,
    rows: Vec<Vec<String>>,
}

impl RegisterBookAnswer {
    fn new(b: RegisterBook, acts: Vec<Vec<ActKind>>) -> RegisterBookAnswer {
        RegisterBookAnswer {
            kind: b.kind,
            year: b.year,
            regime: b.regime,
            title: b.title,
            form: b.form,
            confirmed: b.confirmed,
            note: b.note,
            instructions: b.instructions,
            columns: b.columns,
            total: b.total,
            entries: b.entries.into_iter().zip(acts).map(with_acts).collect(),
            rows: b.rows,
        }
    }
}

// ---- Requests ---------------------------------------------------------------------------

pub async fn list_requests<S: Store>(
    State(st): St<S>,
    a: Authed,
    ApiQuery(q): ApiQuery<RequestQuery>,
) -> Res {
    let list = st.run(move |svc| svc.requests_with_acts(&a.ctx, q)).await?;
    ok(list.into_iter().map(with_acts).collect::<Vec<_>>())
}

pub async fn get_request<S: Store>(State(st): St<S>, a: Authed, PathId(id): PathId) -> Res {
    let answer = st
        .run(move |svc| Ok((svc.get_request(&a.ctx, id)?, svc.request_acts(&a.ctx, id)?)))
        .await?;
    ok(with_acts(answer))
}

// ---- Notices, obligations, audit --------------------------------------------------------

#[derive(Deserialize)]
pub struct NoticesQuery {
    open_only: Option<bool>,
    item_id: Option<Id>,
}

pub async fn list_notices<S: Store>(
    State(st): St<S>,
    a: Authed,
    ApiQuery(q): ApiQuery<NoticesQuery>,
) -> Res {
    let query = NoticeQuery {
        open_only: q.open_only.unwrap_or(false),
        item_id: q.item_id,
    };
    let list = st
        .run(move |svc| svc.notices_with_acts(&a.ctx, query))
        .await?;
    ok(list.into_iter().map(with_acts).collect::<Vec<_>>())
}

#[derive(Deserialize)]
pub struct DueQuery {
    date: Option<String>,
}

pub async fn due<S: Store>(State(st): St<S>, a: Authed, ApiQuery(q): ApiQuery<DueQuery>) -> Res {
    let date = match q.date {
        Some(s) => bounded_date("date", &s)?,
        None => a.ctx.today,
    };
    ok(st.run(move |svc| svc.due(&a.ctx, date)).await?)
}

/// GET /inbox: Chờ tôi xử lý of the caller.
pub async fn inbox<S: Store>(State(st): St<S>, a: Authed) -> Res {
    ok(st.run(move |svc| svc.inbox(&a.ctx)).await?)
}

#[derive(Deserialize)]
pub struct AuditQuery {
    limit: Option<i64>,
    before: Option<i64>,
}

pub async fn audit<S: Store>(
    State(st): St<S>,
    a: Authed,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Res {
    let limit = q.limit.unwrap_or(100);
    // Filtered in core: records about objects outside the caller's reach come redacted.
    ok(st
        .run(move |svc| svc.audit_view(&a.ctx, q.before, limit))
        .await?)
}

/// Runs the daily automatic transitions now (idempotent). The answer lists only the
/// declassified items the caller may see.
/// Who may: `access::AUDITORS`, checked at the route's door (routes.rs).
pub async fn automatic_run<S: Store>(State(st): St<S>, a: Authed) -> Res {
    let ctx = a.ctx;
    let visible = st
        .run(move |svc| {
            let run = svc.run_automatic(ctx.now, ctx.today)?;
            Ok(run
                .expired
                .into_iter()
                .filter(|id| svc.may_see_item(&ctx, *id).unwrap_or(false))
                .collect::<Vec<Id>>())
        })
        .await?;
    ok(AutomaticRun { expired: visible })
}

/// `POST /automatic-run`: the items declassified now that the caller may see.
#[derive(Serialize, JsonSchema)]
pub(crate) struct AutomaticRun {
    expired: Vec<Id>,
}
