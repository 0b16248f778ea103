//! The four registers (sổ đi, sổ đến, sổ chuyển giao, sổ sao chụp) per year: on screen, printed
//! on A4 landscape exactly as the regime's template lays them out (cover page with the cover
//! notes, then the table with repeated headings), and as DOCX through `bmnn_docs`.
//!
//! Rows come from `Service::register_book`, which reads through the user's clearance: a
//! register printed or exported by a Mật-cleared user has no Tối mật row and no count of them.

#[allow(unused_imports)]
use super::assets;
use super::guard::Me;
use super::view::{L, call, render};
use crate::{AppState, ctx_for, today_vn};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bmnn_core::acts::ActKind;
use bmnn_core::dates::fmt_vn;
use bmnn_core::ports::Store;
use bmnn_core::registers::RegisterKind;
use bmnn_core::service::RegisterBook;
use bmnn_docs::{RegisterColumn, RegisterDoc};
use serde::Deserialize;

pub struct KindLink {
    pub code: &'static str,
    pub label: &'static str,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "registers.html")]
pub struct RegistersPage {
    pub l: L,
    pub kinds: Vec<KindLink>,
    pub years: Vec<i32>,
}

pub async fn index(me: Me) -> Response {
    let y = today_vn().year();
    render(&RegistersPage {
        l: L::new(&me, "registers", "Sổ đăng ký"),
        kinds: kinds(None),
        years: (y - 5..=y).rev().collect(),
    })
}

fn kinds(active: Option<RegisterKind>) -> Vec<KindLink> {
    RegisterKind::ALL
        .iter()
        .map(|k| KindLink {
            code: k.code(),
            label: k.label(),
            active: Some(*k) == active,
        })
        .collect()
}

pub struct Row {
    pub cells: Vec<String>,
    pub entry_id: crate::pubid::Pid,
    pub cancelled: bool,
    /// «Ký nhận» and «Hủy bỏ mục» open to the caller (from the service).
    pub can_ack: bool,
    pub can_cancel: bool,
    pub item_id: Option<crate::pubid::Pid>,
}

#[derive(Template)]
#[template(path = "register.html")]
pub struct RegisterPage {
    pub l: L,
    pub kinds: Vec<KindLink>,
    pub kind: &'static str,
    pub year: i32,
    pub years: Vec<i32>,
    pub title: String,
    pub form: String,
    pub confirmed: bool,
    pub note: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    pub total: i64,
    /// Shown rows, 1-based, and links to the neighbouring pages.
    pub from: i64,
    pub to: i64,
    pub prev: Option<i64>,
    pub next: Option<i64>,
}

/// Rows per screen page of a register (print and DOCX carry the whole book).
pub const SCREEN_PAGE: i64 = 200;

#[derive(Deserialize)]
pub struct BookQuery {
    pub ok: Option<String>,
    /// First row (0-based) of the screen page.
    pub from: Option<i64>,
}

#[derive(Template)]
#[template(path = "register_print.html")]
pub struct RegisterPrint {
    pub l: L,
    pub print_js: String,
    pub title: String,
    pub form: String,
    pub superior: String,
    pub agency: String,
    pub year: i32,
    pub first_date: String,
    pub last_date: String,
    pub first_no: String,
    pub last_no: String,
    pub instructions: Vec<String>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub blank_rows: Vec<Vec<String>>,
}

fn parse(kind: &str, year: i32) -> Option<RegisterKind> {
    let k = RegisterKind::from_code(kind)?;
    (2000..=2200).contains(&year).then_some(k)
}

async fn load<S: Store>(
    st: &AppState<S>,
    me: &Me,
    kind: RegisterKind,
    year: i32,
    offset: i64,
    limit: i64,
) -> Result<(RegisterBook, Option<bmnn_core::model::Agency>), Response> {
    let ctx = ctx_for(me.user.id);
    call(st, me, move |svc| {
        let b = svc.register_book(&ctx, kind, year, offset, limit)?;
        let agency = svc.agency(&ctx)?;
        Ok((b, agency))
    })
    .await
}

pub async fn book<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path((kind, year)): Path<(String, i32)>,
    Query(q): Query<BookQuery>,
) -> Response {
    let Some(k) = parse(&kind, year) else {
        return super::pages::not_found(Some(me)).await;
    };
    let offset = q.from.unwrap_or(0).clamp(0, 100_000_000);
    // The screen's rows and what the reader may do with each, in one call and one read
    // transaction (the entries not copied between them). The page is rendered in the same
    // blocking task: its 200 entries are then freed on the thread that allocated them, where
    // glibc reuses their memory for the next request, instead of on one of the two async
    // workers (measured: PostgreSQL at a million items, session 17).
    let ctx = ctx_for(me.user.id);
    let page_me = me.clone();
    let html = match call(&st, &me, move |svc| {
        let (b, acts) = svc.register_screen(&ctx, k, year, offset, SCREEN_PAGE)?;
        Ok(register_page(&page_me, q.ok.as_deref(), k, year, offset, b, acts).render())
    })
    .await
    {
        Ok(x) => x,
        Err(r) => return r,
    };
    super::view::html(html)
}

/// The register page of a screen's book and the acts open on each entry.
fn register_page(
    me: &Me,
    flash: Option<&str>,
    k: RegisterKind,
    year: i32,
    offset: i64,
    mut b: RegisterBook,
    acts: Vec<Vec<ActKind>>,
) -> RegisterPage {
    let y = today_vn().year();
    let rows = std::mem::take(&mut b.rows)
        .into_iter()
        .zip(b.entries.iter())
        .zip(acts.iter())
        .map(|((cells, e), acts)| Row {
            cells,
            entry_id: crate::pubid::Pid(e.id),
            cancelled: e.cancelled.is_some(),
            can_ack: acts.contains(&ActKind::Acknowledge),
            can_cancel: acts.contains(&ActKind::CancelEntry),
            item_id: e.item_id.map(crate::pubid::Pid),
        })
        .collect();
    RegisterPage {
        l: L::new(me, "registers", b.title.clone()).with_flash(flash),
        kinds: kinds(Some(k)),
        kind: k.code(),
        year,
        years: (y - 5..=y).rev().collect(),
        title: b.title,
        form: b.form,
        confirmed: b.confirmed,
        note: b.note,
        columns: b.columns,
        rows,
        total: b.total,
        from: if b.entries.is_empty() { 0 } else { offset + 1 },
        to: offset + b.entries.len() as i64,
        prev: (offset > 0).then(|| (offset - SCREEN_PAGE).max(0)),
        next: (offset + (b.entries.len() as i64) < b.total).then_some(offset + SCREEN_PAGE),
    }
}

#[derive(Deserialize)]
pub struct PrintQuery {
    /// Blank lines after the entries, for handwritten entries on the printed book.
    pub blank: Option<usize>,
}

pub async fn print<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path((kind, year)): Path<(String, i32)>,
    Query(q): Query<PrintQuery>,
) -> Response {
    let Some(k) = parse(&kind, year) else {
        return super::pages::not_found(Some(me)).await;
    };
    let (b, agency) = match load(&st, &me, k, year, 0, 1_000_000).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let dots = || "…………".to_string();
    let n = b.columns.len();
    render(&RegisterPrint {
        l: L::new(&me, "registers", b.title.clone()),
        print_js: super::assets::url("print.js"),
        title: b.title.to_uppercase(),
        form: b.form.clone(),
        superior: agency
            .as_ref()
            .and_then(|a| a.superior.clone())
            .unwrap_or_default(),
        agency: agency.map(|a| a.name).unwrap_or_default(),
        year,
        first_date: b
            .entries
            .first()
            .map(|e| fmt_vn(e.date))
            .unwrap_or_else(dots),
        last_date: b
            .entries
            .last()
            .map(|e| fmt_vn(e.date))
            .unwrap_or_else(dots),
        first_no: b
            .entries
            .first()
            .map(|e| format!("{:02}", e.number))
            .unwrap_or_else(dots),
        last_no: b
            .entries
            .last()
            .map(|e| format!("{:02}", e.number))
            .unwrap_or_else(dots),
        instructions: b
            .instructions
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        columns: b.columns,
        rows: b.rows,
        blank_rows: vec![vec![String::new(); n]; q.blank.unwrap_or(0).min(200)],
    })
}

/// Relative column widths: the sequence number narrow, summaries wide.
fn weight(title: &str) -> u16 {
    let t = title.to_lowercase();
    if t.contains("số thứ tự") || t == "stt" || t.contains("số tt") {
        1
    } else if t.contains("trích yếu") || t.contains("tên loại") || t.contains("nơi nhận") {
        4
    } else {
        2
    }
}

pub async fn docx<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path((kind, year)): Path<(String, i32)>,
) -> Response {
    let Some(k) = parse(&kind, year) else {
        return super::pages::not_found(Some(me)).await;
    };
    let (b, agency) = match load(&st, &me, k, year, 0, 1_000_000).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let doc = RegisterDoc {
        title: b.title.to_uppercase(),
        superior_agency: agency.as_ref().and_then(|a| a.superior.clone()),
        agency: agency.map(|a| a.name).unwrap_or_else(|| "…………".to_string()),
        year,
        first_date: b.entries.first().map(|e| e.date),
        last_date: b.entries.last().map(|e| e.date),
        first_number: b.entries.first().map(|e| e.number as u32),
        last_number: b.entries.last().map(|e| e.number as u32),
        book_number: None,
        columns: b
            .columns
            .iter()
            .map(|c| RegisterColumn {
                title: c.clone(),
                width_weight: weight(c),
            })
            .collect(),
        rows: b.rows,
        instructions: b
            .instructions
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    };
    match tokio::task::spawn_blocking(move || bmnn_docs::register_docx(&doc)).await {
        Ok(Ok(bytes)) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                        .to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    crate::download::disposition(&format!("{} năm {year}.docx", k.label())),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "register docx failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Không tạo được tệp DOCX của sổ.",
            )
                .into_response()
        }
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Không tạo được tệp DOCX của sổ.",
        )
            .into_response(),
    }
}
