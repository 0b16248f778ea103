//! The pickers' answers (ô chọn người, đơn vị): `GET /pick/people?q=…[&item=…]` and
//! `GET /pick/units?q=…`, a JSON list of at most 20 labels for the search box of a form
//! (`app.js`, "Pickers"). The service decides who is offered (`Service::pick_people`); the label
//! is what the box submits, and the form's service call resolves it again
//! (`Service::find_person`, `Service::find_unit`), so a page without the script works the same
//! with a name typed in full.

use super::guard::Me;
use super::view::call;
use crate::{AppState, ctx_for};
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use bmnn_core::ports::Store;
use bmnn_core::service::Pick;
use serde::{Deserialize, Serialize};

/// What the search box has typed so far, and the item a recipient is chosen for.
#[derive(Deserialize)]
pub struct PickQuery {
    #[serde(default)]
    q: String,
    #[serde(default, deserialize_with = "crate::pubid::opt_form")]
    item: Option<crate::pubid::Pid>,
}

/// One answer: the label shown in the list and put in the box.
#[derive(Serialize)]
struct Choice {
    label: String,
}

fn answer(picks: Vec<Pick>) -> Response {
    let out: Vec<Choice> = picks
        .into_iter()
        .map(|p| Choice { label: p.label })
        .collect();
    Json(out).into_response()
}

/// GET /pick/people: active people whose name or user name begins with the words typed.
pub async fn people<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Query(q): Query<PickQuery>,
) -> Response {
    let ctx = ctx_for(me.user.id);
    let item = q.item.map(|p| p.id());
    match call(&st, &me, move |svc| svc.pick_people(&ctx, &q.q, item)).await {
        Ok(p) => answer(p),
        Err(r) => r,
    }
}

/// GET /pick/units: units whose name begins with the words typed.
pub async fn units<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Query(q): Query<PickQuery>,
) -> Response {
    let ctx = ctx_for(me.user.id);
    match call(&st, &me, move |svc| svc.pick_units(&ctx, &q.q)).await {
        Ok(p) => answer(p),
        Err(r) => r,
    }
}
