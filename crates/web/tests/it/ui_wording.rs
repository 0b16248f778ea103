//! No developer text anywhere a user reads or prints (issue 13): every page reachable from the
//! menu for every demo user, and every document they can download, is read and searched for
//! rule-status markers (`[P]`, `[U]`, `[S, …]`), the name of the internal legal notes, snake_case
//! codes (allowed only inside the administrator's small "mã lỗi"), numeric ids (`user:8`),
//! numeric references (`Yêu cầu #5`) and English words. The demo agency of `bmnn serve --demo`
//! is loaded through the services by the very loader the binary uses (`crates/app/src/demo.rs`,
//! compiled into this test).

use crate::helpers::open_store;
use crate::ui_client::{Client, Page, send};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bmnn_core::rules::RuleSet;
use bmnn_core::service::Service;
use bmnn_web::{AppState, WebConfig, auth, ctx_for};
use regex_lite::Regex;
use serde_json::json;
use std::collections::{BTreeSet, VecDeque};
use std::io::Read;

#[path = "../../../app/src/demo.rs"]
#[allow(dead_code)]
mod demo;

/// English words that have no place in a Vietnamese page or document.
const ENGLISH: &[&str] = &[
    "draft",
    "pending",
    "attendees",
    "approved",
    "rejected",
    "approve",
    "reject",
    "none",
    "null",
    "true",
    "false",
    "unknown",
    "undefined",
    "todo",
    "error",
    "status",
    "incoming",
    "outgoing",
    "handover",
    "copies",
    "user",
    "users",
    "item",
    "items",
    "entry",
    "request",
    "report",
    "training",
    "device",
    "annual",
    "briefing",
    "computer",
    "document",
    "code",
    "invalid",
    "refused",
    "forbidden",
    "unit",
    "level",
    "confirmed",
    "unconfirmed",
];

/// What a user reads of a page: the text outside tags, scripts and styles, plus the `title`
/// (hover) and `placeholder` texts; the administrator's "mã lỗi" line is left out.
fn readable(html: &str) -> String {
    let drop = Regex::new(r#"(?s)`[^`<]*`|<script.*?</script>|<style.*?</style>|<small class="errcode"[^>]*>.*?</small>"#).unwrap();
    let html = drop.replace_all(html, " ");
    let attrs = Regex::new(r#"(?:title|placeholder|aria-label)="([^"]*)""#).unwrap();
    let mut out: Vec<String> = attrs
        .captures_iter(&html)
        .map(|c| c[1].to_string())
        .collect();
    let tags = Regex::new(r"(?s)<[^>]*>").unwrap();
    out.push(tags.replace_all(&html, " ").into_owned());
    out.join("\n")
        .replace("&amp;", "&")
        .replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
}

/// The findings in one text a user reads.
fn developer_text(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let checks = [
        (r"\[(P|U|S)[\],]|legal\.md", "rule marker or legal.md"),
        (r"\b[a-z]+(_[a-z0-9]+)+\b", "snake_case code"),
        (
            r"\b(user|unit|item|entry|request|position):\d+",
            "numeric id",
        ),
        // "Yêu cầu #5", "hồ sơ #12": an internal number where a clerk expects the kind, date
        // and requester or the number in the book (a character reference "&#39;" is markup).
        (r"(?:^|[^&])#\d", "numeric reference"),
    ];
    for (pat, what) in checks {
        for m in Regex::new(pat).unwrap().find_iter(text) {
            found.push(format!("{what}: «{}»", context(text, m.start(), m.end())));
        }
    }
    let word = Regex::new(r"[A-Za-zÀ-ỹđĐ]+").unwrap();
    for m in word.find_iter(text) {
        // A file extension (".docx") is a name, not a word.
        if text[..m.start()].ends_with('.') {
            continue;
        }
        if ENGLISH.contains(&m.as_str()) {
            found.push(format!(
                "English word: «{}»",
                context(text, m.start(), m.end())
            ));
        }
    }
    found
}

fn context(text: &str, start: usize, end: usize) -> String {
    let mut a = start.saturating_sub(60);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (end + 60).min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    text[a..b].split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a DOCX: every XML part of `word/` with its tags removed.
fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("DOCX is a zip");
    let tags = Regex::new(r"(?s)<[^>]*>").unwrap();
    let mut out = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("part");
        let name = f.name().expect("part name").into_owned();
        if name.starts_with("word/") && name.ends_with(".xml") {
            let mut s = String::new();
            f.read_to_string(&mut s).expect("xml part");
            // Paragraph ends become line breaks so words of two cells never run together.
            let s = s.replace("</w:p>", "\n").replace("</w:tc>", " \n");
            out.push_str(&tags.replace_all(&s, ""));
            out.push('\n');
        }
    }
    out.replace("&amp;", "&").replace("&quot;", "\"")
}

/// Pages worth following from a page: same-site GET links, not files already covered.
fn links(html: &str) -> Vec<String> {
    let re = Regex::new(r#"href="(/[^"]*)""#).unwrap();
    re.captures_iter(html)
        .map(|c| c[1].replace("&amp;", "&").replace("&#38;", "&"))
        .filter(|h| !h.starts_with("/assets/") && !h.starts_with("/api/"))
        .collect()
}

/// Collapses the opaque tokens of a path so that each kind of page is visited a few times only.
fn shape(path: &str) -> String {
    let re = Regex::new(r"[0-9a-hjkmnp-tv-z]{13}|\b\d+\b").unwrap();
    re.replace_all(path, "#").into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn no_page_or_document_of_the_demo_shows_developer_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let svc = Service::new(open_store(dir.path()), RuleSet::embedded());
    demo::load(&svc).expect("demo data");
    let state = AppState::new(svc, WebConfig::default());
    let svc = state.svc.clone();
    let router = bmnn_web::router(state);

    // The demo keeps no programme records: a commitment and a wiped device are added through
    // the API by whoever the service lets record them, so their printed forms are read too.
    let mut recorded = false;
    for user_id in 1..20 {
        let token = auth::random_token();
        if svc
            .register_token(&ctx_for(user_id), "tests", &auth::token_hash(&token), 1)
            .is_err()
        {
            continue;
        }
        let post = |path: &str, body: serde_json::Value| {
            Request::post(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request")
        };
        let c = send(
            &router,
            post(
                "/api/v1/programme/records/commitment",
                json!({"record": {"person": "Vũ Mạnh Hùng", "occasion": "assignment", "signed_on": "2026-01-16"}}),
            ),
        )
        .await;
        if c.status != StatusCode::CREATED {
            continue;
        }
        let d = send(
            &router,
            post(
                "/api/v1/programme/records/device",
                json!({"record": {"identity": "MT-07", "kind": "computer", "description": "Máy tính soạn thảo", "in_use_from": "2026-01-20", "never_connected": true, "status": "in-use"}}),
            ),
        )
        .await;
        assert_eq!(d.status, StatusCode::CREATED, "{}", d.text());
        let id: serde_json::Value = serde_json::from_slice(&d.bytes).expect("json");
        let id = id["id"].as_str().expect("device id").to_string();
        let w = send(
            &router,
            post(
                &format!("/api/v1/programme/devices/{id}/wipe"),
                json!({"wipe": {"date": "2026-08-30", "method": "Ghi đè 3 lần", "by": "Vũ Mạnh Hùng"}}),
            ),
        )
        .await;
        assert!(w.status.is_success(), "{}", w.text());
        recorded = true;
        break;
    }
    assert!(recorded, "nobody of the demo could record a commitment");

    let mut problems: Vec<String> = Vec::new();
    let mut pages = 0usize;
    let mut docs = 0usize;
    let mut doc_kinds: BTreeSet<String> = BTreeSet::new();
    // Every account of the demo (ids are given in order; the first unknown id ends the list).
    for user_id in 1.. {
        let token = auth::random_token();
        let csrf = auth::random_token();
        if svc
            .open_session(&ctx_for(user_id), &auth::token_hash(&token), &csrf, 3600)
            .is_err()
        {
            break;
        }
        let client = Client {
            router: router.clone(),
            cookie: format!("bmnn_session={token}"),
            csrf,
        };
        // Refusals are pages too: an empty form of each kind of act, and a bad programme record.
        for path in [
            "/acts/propose",
            "/acts/receive-incoming",
            "/programme/training",
        ] {
            let page = client.post(path, &[("date", "31/02/2026")], true).await;
            for f in developer_text(&readable(&page.text())) {
                problems.push(format!("user {user_id}, POST {path}: {f}"));
            }
        }
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut shapes: std::collections::HashMap<String, usize> = Default::default();
        let mut queue: VecDeque<String> = VecDeque::from(["/".to_string()]);
        while let Some(path) = queue.pop_front() {
            if !seen.insert(path.clone()) {
                continue;
            }
            let n = shapes.entry(shape(&path)).or_default();
            *n += 1;
            if *n > 3 {
                continue;
            }
            let page: Page = client.get(&path).await;
            if page.status.is_redirection() {
                if page.location.starts_with('/') {
                    queue.push_back(page.location.clone());
                }
                continue;
            }
            let who = format!("user {user_id}, GET {path}");
            if page.content_type.starts_with("text/html") {
                pages += 1;
                let html = page.text();
                for f in developer_text(&readable(&html)) {
                    problems.push(format!("{who}: {f}"));
                }
                queue.extend(links(&html));
            } else if page.content_type.contains("wordprocessingml") {
                docs += 1;
                doc_kinds.insert(shape(&path));
                // A Vietnamese file name (UTF-8, percent-encoded) with an ASCII fallback.
                let d = &page.disposition;
                if !(d.contains("filename*=UTF-8''")
                    && d.contains("filename=\"")
                    && d.contains('%'))
                {
                    problems.push(format!("{who}: download name «{d}»"));
                }
                for f in developer_text(&docx_text(&page.bytes)) {
                    problems.push(format!("{who} (DOCX): {f}"));
                }
            }
        }
    }
    assert!(pages > 100, "the crawl reached only {pages} pages");
    // Registers, the report, the commitment form and the wipe minutes are all among them.
    for kind in [
        "/registers/outgoing/#/docx",
        "/registers/incoming/#/docx",
        "/registers/handover/#/docx",
        "/registers/copies/#/docx",
        "/programme/reports/annual/#/docx",
        "/programme/commitment/#/docx",
        "/programme/device/#/docx",
    ] {
        assert!(doc_kinds.contains(kind), "no {kind} among {doc_kinds:?}");
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} findings over {pages} pages and {docs} documents:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
