//! Handlers of `/api/v1/programme/...`: programme records (hồ sơ công tác bảo vệ BMNN), their
//! follow-up acts, the reports (JSON, DOCX, the written parts) and the bundles up the chain.
//! Each calls one service method through [`crate::programme`]; no rule lives here.

use super::extract::{ApiQuery, Authed, Body, PathId, PathParams, invalid};
use crate::programme as prog;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bmnn_core::model::Id;
use bmnn_core::ports::Store;
use bmnn_core::programme::{RecordKind, ReportDraftText, ReportKind};
use bmnn_core::service::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

type Res = Result<Response, WebError>;
type St<S> = State<AppState<S>>;

fn record_kind(code: &str) -> Result<RecordKind, WebError> {
    prog::kind_of(code).ok_or_else(|| {
        invalid(
            "kind",
            format!(
                "loại hồ sơ phải là một trong: {}",
                prog::kind_codes().join(", ")
            ),
        )
    })
}

fn report_kind(code: &str) -> Result<ReportKind, WebError> {
    prog::report_kind(code).ok_or_else(|| {
        invalid(
            "kind",
            "loại báo cáo phải là annual, five-year, incident, multi-year hoặc annual-plan",
        )
    })
}

fn year_ok(year: i32) -> Result<i32, WebError> {
    if (1900..=2199).contains(&year) {
        Ok(year)
    } else {
        Err(invalid("year", "năm phải nằm trong khoảng 1900–2199"))
    }
}

#[derive(Deserialize)]
pub struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
}

fn qdate(field: &str, s: Option<String>) -> Result<Option<time::Date>, WebError> {
    s.map(|s| {
        bmnn_core::dates::parse_date(&s)
            .filter(|d| (1900..=2199).contains(&d.year()))
            .ok_or_else(|| invalid(field, "ngày phải có dạng yyyy-mm-dd hoặc dd/mm/yyyy"))
    })
    .transpose()
}

pub async fn list_records<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathParams(kind): PathParams<String>,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Res {
    let kind = record_kind(&kind)?;
    let (from, to) = (qdate("from", q.from)?, qdate("to", q.to)?);
    let v = st
        .run(move |svc| prog::list(svc, &a.ctx, kind, from, to))
        .await?;
    Ok(Json(v).into_response())
}

pub async fn get_record<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathParams((kind, id)): PathParams<(String, crate::pubid::Pid)>,
) -> Res {
    let (kind, id) = (record_kind(&kind)?, id.0);
    let v = st.run(move |svc| prog::get(svc, &a.ctx, kind, id)).await?;
    Ok(Json(v).into_response())
}

pub async fn add_record<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathParams(kind): PathParams<String>,
    body: Body,
) -> Res {
    let kind = record_kind(&kind)?;
    let cmd = Value::Object(body.0);
    let v = st.run(move |svc| prog::add(svc, &a.ctx, kind, cmd)).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

pub async fn update_record<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathParams((kind, id)): PathParams<(String, crate::pubid::Pid)>,
    body: Body,
) -> Res {
    let (kind, id) = (record_kind(&kind)?, id.0);
    let cmd = Value::Object(body.0);
    let v = st
        .run(move |svc| prog::update(svc, &a.ctx, kind, id, cmd))
        .await?;
    Ok(Json(v).into_response())
}

pub async fn edit_record<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathParams((kind, id)): PathParams<(String, crate::pubid::Pid)>,
    body: Body,
) -> Res {
    let (kind, id) = (record_kind(&kind)?, id.0);
    let c: EditRecordCmd = body.parse()?;
    let v = st
        .run(move |svc| prog::edit(svc, &a.ctx, kind, id, c))
        .await?;
    Ok(Json(v).into_response())
}

pub async fn cancel_record<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathParams((kind, id)): PathParams<(String, crate::pubid::Pid)>,
    body: Body,
) -> Res {
    let (kind, id) = (record_kind(&kind)?, id.0);
    let c: CancelRecordCmd = body.parse()?;
    let v = st
        .run(move |svc| prog::cancel(svc, &a.ctx, kind, id, c))
        .await?;
    Ok(Json(v).into_response())
}

pub async fn subordinate_received<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathId(id): PathId,
    body: Body,
) -> Res {
    let c: SubordinateReceivedCmd = body.with_id("plan_id", id).parse()?;
    Ok(Json(
        st.run(move |svc| svc.subordinate_received(&a.ctx, c))
            .await?,
    )
    .into_response())
}

pub async fn wipe<S: Store>(State(st): St<S>, a: Authed, PathId(id): PathId, body: Body) -> Res {
    let c: WipeCmd = body.with_id("device_id", id).parse()?;
    Ok(Json(st.run(move |svc| svc.record_wipe(&a.ctx, c)).await?).into_response())
}

pub async fn repurpose<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathId(id): PathId,
    body: Body,
) -> Res {
    let c: RepurposeCmd = body.with_id("device_id", id).parse()?;
    Ok(Json(st.run(move |svc| svc.repurpose_device(&a.ctx, c)).await?).into_response())
}

pub async fn dispose<S: Store>(State(st): St<S>, a: Authed, PathId(id): PathId, body: Body) -> Res {
    let c: DisposeCmd = body.with_id("device_id", id).parse()?;
    Ok(Json(st.run(move |svc| svc.dispose_device(&a.ctx, c)).await?).into_response())
}

pub async fn end_assignment<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathId(id): PathId,
    body: Body,
) -> Res {
    let c: EndAssignmentCmd = body.with_id("staff_id", id).parse()?;
    Ok(Json(st.run(move |svc| svc.end_assignment(&a.ctx, c)).await?).into_response())
}

pub async fn remedy_done<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathId(id): PathId,
    body: Body,
) -> Res {
    let c: RemedyDoneCmd = body.with_id("inspection_id", id).parse()?;
    Ok(Json(st.run(move |svc| svc.remedy_done(&a.ctx, c)).await?).into_response())
}

pub async fn task_done<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathId(id): PathId,
    body: Body,
) -> Res {
    let c: TaskDoneCmd = body.with_id("plan_id", id).parse()?;
    Ok(Json(st.run(move |svc| svc.task_done(&a.ctx, c)).await?).into_response())
}

pub async fn incident_reported<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathId(id): PathId,
    body: Body,
) -> Res {
    let c: IncidentReportedCmd = body.with_id("incident_id", id).parse()?;
    Ok(Json(st.run(move |svc| svc.incident_reported(&a.ctx, c)).await?).into_response())
}

#[derive(Deserialize)]
pub struct IncidentQuery {
    incident_id: Option<Id>,
    /// Inspection conclusion: the inspection.
    inspection_id: Option<Id>,
}

fn query(kind: String, year: i32, r: &IncidentQuery) -> Result<ReportQuery, WebError> {
    Ok(ReportQuery {
        kind: report_kind(&kind)?,
        year: year_ok(year)?,
        incident_id: r.incident_id,
        inspection_id: r.inspection_id,
    })
}

pub async fn report<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathParams((kind, year)): PathParams<(String, i32)>,
    ApiQuery(q): ApiQuery<IncidentQuery>,
) -> Res {
    let q = query(kind, year, &q)?;
    Ok(Json(st.run(move |svc| svc.report(&a.ctx, q)).await?).into_response())
}

fn download(bytes: Vec<u8>, content_type: &str, name: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                crate::download::disposition(&name),
            ),
        ],
        bytes,
    )
        .into_response()
}

use crate::programme::DOCX_TYPE;

pub async fn report_docx<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathParams((kind, year)): PathParams<(String, i32)>,
    ApiQuery(q): ApiQuery<IncidentQuery>,
) -> Res {
    let q = query(kind, year, &q)?;
    let bytes = st
        .run(move |svc| prog::docx(&prog::report_doc(&svc.report(&a.ctx, q)?)))
        .await?;
    Ok(download(
        bytes,
        DOCX_TYPE,
        format!("{}.docx", crate::download::report_name(q.kind, q.year)),
    ))
}

pub async fn get_draft<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathParams((kind, year)): PathParams<(String, i32)>,
    ApiQuery(q): ApiQuery<IncidentQuery>,
) -> Res {
    let q = query(kind, year, &q)?;
    Ok(Json(
        st.run(move |svc| svc.report_draft(&a.ctx, q.kind, q.year, q.subject()))
            .await?,
    )
    .into_response())
}

/// Body of `PUT …/draft`.
#[derive(Deserialize, Serialize, schemars::JsonSchema)]
pub(crate) struct DraftBody {
    #[serde(default)]
    incident_id: Option<Id>,
    #[serde(default)]
    inspection_id: Option<Id>,
    text: ReportDraftText,
}

/// `PUT …/draft`: the id of the saved draft.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct DraftSaved {
    id: Id,
}

pub async fn save_draft<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathParams((kind, year)): PathParams<(String, i32)>,
    body: Body,
) -> Res {
    let b: DraftBody = body.parse()?;
    let c = SaveDraftCmd {
        kind: report_kind(&kind)?,
        year: year_ok(year)?,
        incident_id: b.incident_id,
        inspection_id: b.inspection_id,
        text: b.text,
    };
    let id = st.run(move |svc| svc.save_report_draft(&a.ctx, c)).await?;
    Ok(Json(DraftSaved { id }).into_response())
}

/// POST /programme/plans/issue: ban hành kế hoạch năm (its tasks become a plan record's).
pub async fn issue_plan<S: Store>(State(st): St<S>, a: Authed, body: Body) -> Res {
    let c: IssuePlanCmd = body.parse()?;
    let p = st.run(move |svc| svc.issue_plan(&a.ctx, c)).await?;
    Ok((StatusCode::CREATED, Json(p)).into_response())
}

pub async fn register_key<S: Store>(State(st): St<S>, a: Authed, body: Body) -> Res {
    let c: RegisterKeyCmd = body.parse()?;
    let k = st.run(move |svc| svc.register_unit_key(&a.ctx, c)).await?;
    Ok((StatusCode::CREATED, Json(k)).into_response())
}

pub async fn export_bundle<S: Store>(
    State(st): St<S>,
    a: Authed,
    PathParams((kind, year)): PathParams<(String, i32)>,
) -> Res {
    let q = ReportQuery::of(report_kind(&kind)?, year_ok(year)?);
    let key = st.cfg.report_signing_key;
    let bytes = st
        .run(move |svc| prog::export_bundle(svc, &a.ctx, key, q))
        .await?;
    Ok(download(
        bytes,
        "application/json",
        format!(
            "Gói ký số - {}.json",
            crate::download::report_name(q.kind, q.year)
        ),
    ))
}

/// The body is the bundle file exactly as exported (its bytes are verified, not re-encoded).
pub async fn import_bundle<S: Store>(State(st): St<S>, a: Authed, bytes: axum::body::Bytes) -> Res {
    if bytes.is_empty() {
        return Err(invalid("body", "hãy gửi tệp gói báo cáo"));
    }
    let bytes = bytes.to_vec();
    let r = st.run(move |svc| svc.import_bundle(&a.ctx, &bytes)).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}
