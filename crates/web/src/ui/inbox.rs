//! "Chờ tôi xử lý": the inbox page (`/inbox`) and the links of its lines.
//!
//! The service decides what is in the inbox (`Service::inbox`); this page only turns each
//! line's act and object into a link (ids as opaque tokens) and renders it.

use super::guard::Me;
use super::view::{L, call, render};
use crate::ctx_for;
use crate::pubid::Pid;
use crate::{AppState, today_vn};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use bmnn_core::acts::ActOn;
use bmnn_core::dates::fmt_vn;
use bmnn_core::obligations::Urgency;
use bmnn_core::ports::Store;
use bmnn_core::service::{Inbox, InboxAct, InboxGroup, InboxLine};
use std::collections::HashMap;

/// Where a line leads and the button's words.
pub fn link(l: &InboxLine) -> (String, &'static str) {
    let q = |k: &str, id: Option<i64>| id.map(|i| format!("?{k}={}", Pid(i)));
    let act = |code: &str, k: &str, id: Option<i64>| q(k, id).map(|q| format!("/acts/{code}{q}"));
    let item = l.item_id.map(|i| format!("/items/{}", Pid(i)));
    let (href, label) = match l.act {
        InboxAct::Act(k) => {
            let (key, id) = match k.on() {
                ActOn::Item => ("item", l.item_id),
                ActOn::Request => ("request", l.request_id),
                ActOn::Entry => ("entry", l.entry_id),
                ActOn::Notice => ("notice", l.notice_id),
                ActOn::Nothing => ("", None),
            };
            (act(k.code(), key, id), k.button())
        }
        InboxAct::ViewItem => (item.clone(), "Xem"),
        InboxAct::ProgrammeCommitment => (Some("/programme/commitment".into()), "Ghi cam kết"),
        InboxAct::ProgrammeInspection => (Some("/programme/inspection".into()), "Xem kiểm tra"),
        InboxAct::ProgrammeIncident => (Some("/programme/incident".into()), "Ghi nhận đã báo cáo"),
        InboxAct::ProgrammeMeeting => (Some("/programme/meeting".into()), "Xem cuộc họp"),
        InboxAct::ProgrammePlan => (Some("/programme/plan".into()), "Xem kế hoạch"),
        InboxAct::ProgrammeReports => (Some("/programme/reports".into()), "Báo cáo"),
    };
    match href.or(item) {
        Some(h) => (h, label),
        None => (String::new(), ""),
    }
}

pub fn urgency_class(u: Urgency) -> &'static str {
    match u {
        Urgency::Overdue => "u-overdue",
        Urgency::Today => "u-today",
        Urgency::Soon => "u-soon",
        Urgency::Info => "u-info",
    }
}

/// A line as the page shows it.
pub struct Row {
    pub kind: String,
    pub text: String,
    pub since: String,
    pub due: String,
    pub urgency: &'static str,
    pub urgency_class: &'static str,
    pub outcome: String,
    pub reason: String,
    pub link: String,
    pub link_label: &'static str,
}

impl Row {
    pub fn of(l: &InboxLine) -> Row {
        let (link, link_label) = link(l);
        Row {
            kind: l.kind.clone(),
            text: l.text.clone(),
            since: fmt_vn(l.since),
            due: l.due.map(fmt_vn).unwrap_or_default(),
            urgency: match (l.waiting, l.urgency) {
                (true, Urgency::Info) => "Chờ xử lý",
                (false, Urgency::Info) => "",
                (_, u) => u.label(),
            },
            urgency_class: urgency_class(l.urgency),
            outcome: l.outcome.clone().unwrap_or_default(),
            reason: l.reason.clone().unwrap_or_default(),
            link,
            link_label,
        }
    }
}

pub struct Group {
    pub title: &'static str,
    pub waiting: usize,
    pub rows: Vec<Row>,
}

/// The inbox's lines grouped, in the service's order.
pub fn groups(inbox: &Inbox) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for g in [
        InboxGroup::Decide,
        InboxGroup::Sign,
        InboxGroup::Register,
        InboxGroup::Mine,
        InboxGroup::Deadlines,
    ] {
        let rows: Vec<Row> = inbox
            .lines
            .iter()
            .filter(|l| l.group == g)
            .map(Row::of)
            .collect();
        if !rows.is_empty() {
            out.push(Group {
                title: g.label(),
                waiting: inbox.waiting_in(g),
                rows,
            });
        }
    }
    out
}

#[derive(Template)]
#[template(path = "inbox.html")]
pub struct InboxPage {
    pub l: L,
    pub today: String,
    pub count: usize,
    pub groups: Vec<Group>,
}

/// GET /inbox: Chờ tôi xử lý (`?ok=<act>` after an act shows what was done and what remains).
pub async fn page<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let ctx = ctx_for(me.user.id);
    let inbox = match call(&st, &me, move |svc| svc.inbox(&ctx)).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut l = L::new(&me, "inbox", "Chờ tôi xử lý").with_flash(q.get("ok").map(String::as_str));
    // The count after the act, not the one read before it.
    l.inbox = Some(inbox.count);
    if let Some(f) = l.flash.as_mut() {
        f.push_str(&match inbox.count {
            0 => " Không còn việc nào chờ bạn xử lý.".to_string(),
            n => format!(" Còn {n} việc chờ bạn xử lý."),
        });
    }
    render(&InboxPage {
        l,
        today: fmt_vn(today_vn()),
        count: inbox.count,
        groups: groups(&inbox),
    })
}
