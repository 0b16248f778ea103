//! What the pages and the JSON API share for the programme records (hồ sơ công tác bảo vệ
//! BMNN) and the reports: the record kinds people keep, one dispatch from a kind code to the
//! typed service call, and the documents (the report, the commitment form, the device wipe
//! minutes) laid out with `bmnn_docs::admin_docx` (Decree 30/2020 layout).
//!
//! No rule lives here: every check is the service's (`bmnn_core::service::programme`) or the
//! record type's (`Record::check`); the texts of the printed forms come from
//! `bmnn_core::programme::forms`.

use bmnn_core::CoreError;
use bmnn_core::model::Id;
use bmnn_core::ports::Store;
use bmnn_core::programme::bundle;
use bmnn_core::programme::forms::PrintedForm;
use bmnn_core::programme::reports::{self, Footnote, NoteRef, Particulars, ReportModel, Table};
use bmnn_core::programme::*;
use bmnn_core::service::{CancelRecordCmd, Ctx, EditRecordCmd, RecordCmd, ReportQuery, Service};
use bmnn_docs::{AdminDoc, Block, DocTable, HeadingLevel, Inline, Signer, TableColumn};
use serde_json::Value;
use time::Date;

/// Media type of the DOCX downloads.
pub const DOCX_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The record kinds people keep, in menu order (`kind` codes of the URLs and the API).
pub const KINDS: [RecordKind; RecordKind::KEPT.len()] = RecordKind::KEPT;

/// The codes of [`KINDS`], for messages.
pub fn kind_codes() -> Vec<&'static str> {
    KINDS.iter().map(|k| k.code()).collect()
}

/// A keepable record kind from its code (`None` for an unknown code or an internal kind).
pub fn kind_of(code: &str) -> Option<RecordKind> {
    KINDS.iter().copied().find(|k| k.code() == code)
}

/// Runs `$e` with `$t` bound to the record type of `$kind`.
macro_rules! by_kind {
    ($kind:expr, $t:ident => $e:expr) => {
        match $kind {
            RecordKind::Staff => {
                type $t = StaffAssignment;
                $e
            }
            RecordKind::Commitment => {
                type $t = Commitment;
                $e
            }
            RecordKind::Training => {
                type $t = Training;
                $e
            }
            RecordKind::Directive => {
                type $t = Directive;
                $e
            }
            RecordKind::Device => {
                type $t = Device;
                $e
            }
            RecordKind::Equipment => {
                type $t = Equipment;
                $e
            }
            RecordKind::Meeting => {
                type $t = Meeting;
                $e
            }
            RecordKind::Inspection => {
                type $t = Inspection;
                $e
            }
            RecordKind::Incident => {
                type $t = Incident;
                $e
            }
            RecordKind::LegacyReview => {
                type $t = LegacyReview;
                $e
            }
            RecordKind::Plan => {
                type $t = AnnualPlan;
                $e
            }
            RecordKind::SteeringCommittee => {
                type $t = SteeringCommittee;
                $e
            }
            RecordKind::KeyPost => {
                type $t = KeyPost;
                $e
            }
            // Report bookkeeping, written by its own acts: no generic record route.
            RecordKind::ReportDraft | RecordKind::UnitKey | RecordKind::UnitReport => {
                Err(CoreError::NotFound("loại hồ sơ"))
            }
        }
    };
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value, CoreError> {
    serde_json::to_value(v).map_err(|e| CoreError::Storage(e.to_string()))
}

/// Deserializes a command, naming the offending field in Vietnamese.
pub fn parse_cmd<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, CoreError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." || path.is_empty() {
            "body".to_string()
        } else {
            path
        };
        CoreError::invalid(
            &field,
            crate::api::extract::translate(&e.inner().to_string()),
        )
    })
}

/// A `{unit_id, record}` command of type `T`. A field the record type does not know is refused
/// rather than ignored (a misspelt optional field must not silently drop a value).
fn record_cmd<T: Record>(v: Value) -> Result<RecordCmd<T>, CoreError> {
    let c: RecordCmd<T> = parse_cmd(v.clone())?;
    let back = to_json(&c)?;
    let unknown = |given: &Value, known: &Value, prefix: &str| -> Result<(), CoreError> {
        if let (Some(g), Some(k)) = (given.as_object(), known.as_object())
            && let Some(f) = g.keys().find(|f| !k.contains_key(*f))
        {
            return Err(CoreError::invalid(
                &format!("{prefix}{f}"),
                "trường này không có trong loại hồ sơ; hãy xem tài liệu API (/api/v1/openapi.json)",
            ));
        }
        Ok(())
    };
    unknown(&v, &back, "")?;
    unknown(&v["record"], &back["record"], "record.")?;
    Ok(c)
}

/// `list_records` of the kind, as JSON (`[{id, unit_id, record}]`).
pub fn list<S: Store>(
    svc: &Service<S>,
    ctx: &Ctx,
    kind: RecordKind,
    from: Option<Date>,
    to: Option<Date>,
) -> Result<Value, CoreError> {
    by_kind!(kind, T => to_json(&svc.list_records::<T>(ctx, from, to)?))
}

/// `get_record` of the kind, as JSON.
pub fn get<S: Store>(
    svc: &Service<S>,
    ctx: &Ctx,
    kind: RecordKind,
    id: Id,
) -> Result<Value, CoreError> {
    by_kind!(kind, T => to_json(&svc.get_record::<T>(ctx, id)?))
}

/// `add_record` of the kind from a `{unit_id, record}` command.
pub fn add<S: Store>(
    svc: &Service<S>,
    ctx: &Ctx,
    kind: RecordKind,
    cmd: Value,
) -> Result<Value, CoreError> {
    by_kind!(kind, T => {
        let c: RecordCmd<T> = record_cmd(cmd)?;
        to_json(&svc.add_record::<T>(ctx, c)?)
    })
}

/// `update_record` of the kind.
pub fn update<S: Store>(
    svc: &Service<S>,
    ctx: &Ctx,
    kind: RecordKind,
    id: Id,
    cmd: Value,
) -> Result<Value, CoreError> {
    by_kind!(kind, T => {
        let c: RecordCmd<T> = record_cmd(cmd)?;
        to_json(&svc.update_record::<T>(ctx, id, c)?)
    })
}

/// `edit_record` of the kind: only the given fields of the record change.
pub fn edit<S: Store>(
    svc: &Service<S>,
    ctx: &Ctx,
    kind: RecordKind,
    id: Id,
    c: EditRecordCmd,
) -> Result<Value, CoreError> {
    by_kind!(kind, T => to_json(&svc.edit_record::<T>(ctx, id, c)?))
}

/// `cancel_record` of the kind.
pub fn cancel<S: Store>(
    svc: &Service<S>,
    ctx: &Ctx,
    kind: RecordKind,
    id: Id,
    c: CancelRecordCmd,
) -> Result<Value, CoreError> {
    by_kind!(kind, T => to_json(&svc.cancel_record::<T>(ctx, id, c)?))
}

/// Writes a DOCX; a writer failure is an internal error (details in the log only).
pub fn docx(doc: &AdminDoc) -> Result<Vec<u8>, CoreError> {
    bmnn_docs::admin_docx(doc).map_err(|e| {
        tracing::error!(error = %e, "admin docx failed");
        CoreError::Storage("không tạo được tệp DOCX".into())
    })
}

fn doc_table(t: &Table) -> DocTable {
    let columns = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| TableColumn {
            title: c.clone(),
            width_weight: match (i, c.as_str()) {
                (_, "STT") => 1,
                (_, "Nơi xảy ra") | (_, "Kênh") if t.code == "incident-list" => 3,
                (0, _) => 5,
                _ => 2,
            },
        })
        .collect();
    DocTable {
        title: Some(t.title.clone()),
        columns,
        rows: t.rows.clone(),
        landscape: false,
    }
}

/// A sentence with its footnote marks as a DOCX paragraph with real footnotes (the
/// superscript numbers of the page become Word's own footnote references).
fn noted(text: &str, refs: &[NoteRef], footnotes: &[Footnote]) -> Block {
    let mut inlines = Vec::new();
    let mut at = 0;
    for r in refs {
        let (Some(before), Some(note)) =
            (text.get(at..r.start), footnotes.iter().find(|f| f.n == r.n))
        else {
            continue;
        };
        inlines.push(Inline::Text(before.to_string()));
        inlines.push(Inline::Note(note.text.clone()));
        at = r.end;
    }
    if inlines.is_empty() {
        return Block::Paragraph(text.to_string());
    }
    inlines.push(Inline::Text(text.get(at..).unwrap_or("").to_string()));
    Block::Noted(inlines)
}

/// The report as an ND30 administrative document (the annual plan as a "KẾ HOẠCH").
pub fn report_doc(m: &ReportModel) -> AdminDoc {
    if m.kind == ReportKind::AnnualPlan {
        return plan_doc(m);
    }
    let mut body = Vec::new();
    body.push(Block::Paragraph(m.opening.clone()));
    for s in &m.sections {
        body.push(Block::Heading {
            level: HeadingLevel::Roman,
            text: s.heading.clone(),
        });
        for (i, f) in s.facts.iter().enumerate() {
            body.push(noted(
                f,
                s.fact_notes.get(i).map_or(&[][..], |v| v),
                &m.footnotes,
            ));
        }
        for t in &s.tables {
            if !t.rows.is_empty() {
                body.push(Block::Table(doc_table(t)));
            }
        }
        let text = s.narrative.trim();
        if text.is_empty() {
            if s.facts.is_empty() && s.tables.is_empty() {
                body.push(Block::Paragraph("(Chưa có nội dung.)".into()));
            }
        } else {
            for para in text.split("\n\n") {
                body.push(Block::Paragraph(para.trim().to_string()));
            }
        }
    }
    // `m.notes` (unconfirmed points of the rules) are shown to the user on the reports page and
    // in the CLI's JSON, never printed in the official document.
    let doc_type = if m.kind == ReportKind::InspectionConclusion {
        "KẾT LUẬN"
    } else {
        "BÁO CÁO"
    };
    particulars_doc(m, doc_type, body)
}

/// The signer of a report's or a plan's document (thẩm quyền, chức vụ, họ tên), as its
/// particulars give it.
fn signer_of(p: &Particulars) -> Signer {
    Signer {
        authority: p.signer_authority.clone(),
        position: p.signer_position.clone(),
        name: p.signer_name.clone(),
    }
}

/// A report's ND30 document of type `doc_type` with `body`: the heading, number, place and
/// date, recipients, archive and signer all from the report's particulars, the summary its
/// title.
fn particulars_doc(m: &ReportModel, doc_type: &str, body: Vec<Block>) -> AdminDoc {
    let p = &m.particulars;
    AdminDoc {
        superior_agency: p.superior.clone(),
        agency: p.agency.clone(),
        number: p.number.clone(),
        place: p.place.clone(),
        date: p.date,
        level_stamp: None,
        doc_type: Some(doc_type.into()),
        summary: m.title.clone(),
        body,
        recipients: p.recipients.clone(),
        archive: p.archive.clone(),
        signer: signer_of(p),
    }
}

/// The annual plan as an ND30 administrative document: "KẾ HOẠCH" and its title, the
/// opening, I. its purposes, II. its tasks grouped (each with "Đơn vị chủ trì" and "Thời gian
/// thực hiện"), III. its organisation; recipients and signer as every report.
fn plan_doc(m: &ReportModel) -> AdminDoc {
    let mut body = vec![Block::Paragraph(m.opening.clone())];
    for s in &m.sections {
        body.push(Block::Heading {
            level: HeadingLevel::Roman,
            text: s.heading.clone(),
        });
        body.extend(s.facts.iter().cloned().map(Block::Paragraph));
        if s.code == "p2" {
            for (g, (group, tasks)) in reports::plan_groups(&m.tasks).into_iter().enumerate() {
                let prefix = if group.trim().is_empty() {
                    String::new()
                } else {
                    body.push(Block::Heading {
                        level: HeadingLevel::Arabic,
                        text: group,
                    });
                    format!("{}.", g + 1)
                };
                for (i, t) in tasks.into_iter().enumerate() {
                    body.push(Block::Paragraph(format!(
                        "{prefix}{}. {}\nĐơn vị chủ trì: {}.\nThời gian thực hiện: {}.",
                        i + 1,
                        t.text.trim_end_matches('.'),
                        t.unit,
                        t.when_vn().to_lowercase()
                    )));
                }
            }
        }
    }
    particulars_doc(m, "KẾ HOẠCH", body)
}

/// A printed form (commitment, wipe minutes) as an ND30 document of the agency.
pub fn form_doc(f: &PrintedForm, agency: &bmnn_core::model::Agency, date: Date) -> AdminDoc {
    AdminDoc {
        superior_agency: agency.superior.clone(),
        agency: agency.name.clone(),
        number: f.number.clone(),
        place: agency.place.clone(),
        date,
        level_stamp: None,
        doc_type: Some(f.doc_type.clone()),
        summary: f.title.clone(),
        body: f.paragraphs.iter().cloned().map(Block::Paragraph).collect(),
        recipients: vec!["Cán bộ bảo vệ bí mật nhà nước".into()],
        archive: "VT, hồ sơ bảo vệ BMNN".into(),
        signer: Signer {
            authority: None,
            position: f.signer_position.clone(),
            name: f.signer_name.clone(),
        },
    }
}

/// This agency's report of `q`, signed as a bundle for the level above (report.json and
/// report.docx). Without a configured signing key the export is refused with what to do.
pub fn export_bundle<S: Store>(
    svc: &Service<S>,
    ctx: &Ctx,
    key: Option<[u8; 32]>,
    q: ReportQuery,
) -> Result<Vec<u8>, CoreError> {
    if !q.kind.bundled() {
        return Err(CoreError::invalid("kind", bundle_kinds_message()));
    }
    let model = svc.report(ctx, q)?;
    let secret = key.ok_or_else(|| {
        CoreError::Conflict(
            "Máy chủ chưa có khóa ký báo cáo của đơn vị: chạy `bmnn report keygen` trên máy chủ rồi khởi động lại, và gửi khóa công khai cho cấp trên đăng ký.".into(),
        )
    })?;
    let json = serde_json::to_vec_pretty(&model).map_err(|e| CoreError::Storage(e.to_string()))?;
    let doc = docx(&report_doc(&model))?;
    // A signed checkpoint of the audit chain head travels with every bundle (kept by the level
    // above, it anchors this unit's chain outside its machine).
    let (seq, hash) = svc
        .store
        .read(|tx| tx.audit_tail(1))?
        .pop()
        .map_or((0, bmnn_core::audit::GENESIS.to_string()), |r| {
            (r.seq, r.hash)
        });
    let created = bmnn_core::service::ts(ctx.now);
    let checkpoint =
        bmnn_core::audit::sign_checkpoint(&secret, &model.particulars.agency, seq, &hash, &created);
    Ok(bundle::seal(
        &secret,
        &model.particulars.agency,
        q.kind,
        q.year,
        &created,
        &[
            ("report.json", &json),
            ("report.docx", &doc),
            ("audit-checkpoint.json", &checkpoint),
        ],
    ))
}

/// The refusal of a bundle of a kind that is not sent up: names the kinds that are
/// ([`ReportKind::BUNDLED`]).
pub fn bundle_kinds_message() -> String {
    let kinds: Vec<String> = ReportKind::BUNDLED
        .iter()
        .map(|k| {
            let label = k.label();
            let mut c = label.chars();
            let first = c.next().map(|f| f.to_lowercase().collect::<String>());
            format!("{}{}", first.unwrap_or_default(), c.as_str())
        })
        .collect();
    format!("chỉ gửi lên cấp trên gói của {}", vn_list(&kinds, "hoặc"))
}

/// "a, b hoặc c": a Vietnamese list joined by commas and `last` before its last element.
fn vn_list(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{} {last} {tail}", init.join(", ")),
    }
}

/// Every report kind.
pub const REPORT_KINDS: [ReportKind; 6] = [
    ReportKind::Annual,
    ReportKind::FiveYear,
    ReportKind::Incident,
    ReportKind::MultiYear,
    ReportKind::AnnualPlan,
    ReportKind::InspectionConclusion,
];

/// A report kind from its code (`annual`, `five-year`, `incident`, `multi-year`,
/// `annual-plan`, `inspection-conclusion`).
pub fn report_kind(code: &str) -> Option<ReportKind> {
    REPORT_KINDS.into_iter().find(|k| k.code() == code)
}
