//! docs/api.md's table of the acts is generated from their definitions (`ActKind::ALL`,
//! `ActDef`): path, code, title, body fields (from the command's derived schema), answer,
//! whether it creates, and the roles of the route's door. A new act gets its row without a
//! hand-edited doc: `BMNN_BLESS=1 cargo test -p bmnn-core --test act_docs` rewrites the table
//! between its markers, and this test fails while the page and the definitions differ.

use bmnn_core::acts::ActKind;
use bmnn_core::service::{ActDef, ActVisitor};
use std::path::Path;

const BEGIN: &str =
    "<!-- acts: generated from ActKind::ALL by crates/core/tests/act_docs.rs (BMNN_BLESS=1) -->";
const END: &str = "<!-- /acts -->";

/// The body fields of a command as the page lists them: `name` when required, `name?` when
/// it may be left out or null; the field the path's `{id}` fills is left out.
fn body<T: schemars::JsonSchema>(path_id: Option<&str>) -> String {
    let v = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    let required: Vec<&str> = v["required"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    let nullable = |p: &serde_json::Value| {
        let null = |t: &serde_json::Value| {
            t == "null" || t.as_array().is_some_and(|a| a.iter().any(|x| x == "null"))
        };
        null(&p["type"])
            || ["anyOf", "oneOf"].iter().any(|k| {
                p[*k]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|s| null(&s["type"])))
            })
    };
    let mut out = Vec::new();
    for (k, p) in v["properties"].as_object().expect("an object command") {
        if Some(k.as_str()) == path_id {
            continue;
        }
        let optional = !required.contains(&k.as_str()) || nullable(p);
        out.push(format!("{k}{}", if optional { "?" } else { "" }));
    }
    format!("{{{}}}", out.join(", "))
}

struct Rows(Vec<String>);

impl ActVisitor for Rows {
    type Out = ();
    fn visit<A: ActDef>(&mut self) {
        let api = A::api();
        let a = A::KIND;
        let door = match api.roles {
            None => "anyone signed in (the service decides)".to_string(),
            Some(r) => r.iter().map(|r| r.code()).collect::<Vec<_>>().join(", "),
        };
        self.0.push(format!(
            "| POST | `{}` | `{}` | {} | {}`{}` → `{}` | {} |",
            api.path,
            a.code(),
            a.title(),
            if api.creates { "201 " } else { "" },
            body::<A::Cmd>(api.path_id),
            <A::Out as schemars::JsonSchema>::schema_name(),
            door
        ));
    }
}

/// The generated table, markers included.
fn table() -> String {
    let mut rows = Rows(Vec::new());
    for a in ActKind::ALL {
        a.visit(&mut rows);
    }
    let mut out = vec![
        BEGIN.to_string(),
        "| Method | Path | Act | Title | Body → answer | Door |".to_string(),
        "|---|---|---|---|---|---|".to_string(),
    ];
    out.extend(rows.0);
    out.push(END.to_string());
    out.join("\n")
}

/// `doc` with the text between the markers replaced by `table` (`None`: no markers).
fn with_table(doc: &str, table: &str) -> Option<String> {
    let b = doc.find(BEGIN)?;
    let e = doc[b..].find(END)? + b + END.len();
    Some(format!("{}{table}{}", &doc[..b], &doc[e..]))
}

#[test]
fn the_api_page_lists_every_act_as_defined() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/api.md");
    let doc = std::fs::read_to_string(&path).expect("docs/api.md");
    let want = with_table(&doc, &table()).expect("the act table's markers in docs/api.md");
    if std::env::var_os("BMNN_BLESS").is_some() {
        std::fs::write(&path, &want).expect("write docs/api.md");
        return;
    }
    assert!(
        doc == want,
        "docs/api.md's act table differs from the act definitions: regenerate it with BMNN_BLESS=1 cargo test -p bmnn-core --test act_docs"
    );
}

/// The table has a row per act with what the definition says, and the comparison fails on a
/// page that differs.
#[test]
fn the_generated_table_says_what_the_definitions_say() {
    let t = table();
    assert_eq!(
        t.lines().filter(|l| l.starts_with("| POST |")).count(),
        ActKind::ALL.len()
    );
    assert!(t.contains(
        "| POST | `/items/{id}/handovers` | `hand-over` | Chuyển giao tài liệu, vật chứa BMNN | 201 `{date?, note?, quantity?, to_name?, to_user_id?}` → `RegisterEntry` | clerk |"
    ));
    assert!(t.contains("`/requests/{id}/decision` | `decide`"));
    assert!(t.contains("{approve, date?, external?, external_ref?, reason?, reference?}"));
    assert!(t.contains("emergency?, item_ids, method, place}"), "{t}");
    let doc = format!("intro\n{BEGIN}\n| POST | `/old` |\n{END}\nafter\n");
    let fixed = with_table(&doc, &t).expect("markers");
    assert!(fixed.starts_with("intro\n") && fixed.ends_with("\nafter\n"));
    assert!(!fixed.contains("/old"));
    assert_ne!(fixed, doc);
    assert!(with_table("no markers", &t).is_none());
}
