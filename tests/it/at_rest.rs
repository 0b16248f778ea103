//! Encryption at rest: whoever takes the data folder and the backup folder without the key finds
//! neither the text of an attachment (nor its NFD or folded forms), nor the summary (trích yếu)
//! of an item registered here (the database itself is encrypted, SQLCipher), nor the data key in
//! any file.

use crate::cli::{DEMO_PASSPHRASE, cmd, demo, text};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use unicode_normalization::UnicodeNormalization;

/// A phrase found nowhere in the demo data.
const PHRASE: &str = "Phương án di dời kho xăng dầu Hòn Khoai trước mùa bão";
/// The summary (trích yếu) of an incoming item registered in the test: metadata, kept in the
/// database (and its search index), not in an attachment.
const SUMMARY: &str = "Kế hoạch diễn tập ứng phó sự cố tràn dầu vịnh Gành Rái";

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

fn curl(args: &[&str]) -> String {
    let o = Command::new("curl")
        .args(["-s", "--max-time", "30"])
        .args(args)
        .output()
        .expect("curl (Debian package curl) is needed by this test");
    assert!(o.status.success(), "curl {args:?}: {}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn csrf(page: &str) -> String {
    let i = page.find("name=\"_csrf\" value=\"").expect("csrf field") + 20;
    page[i..i + page[i..].find('"').expect("end")].to_string()
}

#[test]
fn taking_the_folders_without_the_key_yields_no_text_and_no_key() {
    let dir = demo();
    let d = dir.path();
    let o = cmd(d)
        .args(["user", "token", "vanthu", "--name", "at-rest"])
        .output()
        .expect("token");
    assert!(o.status.success(), "{}", text(&o));
    let token = String::from_utf8(o.stdout)
        .expect("utf8")
        .trim()
        .to_string();
    let mut server = cmd(d)
        .args(["serve", "--listen", "127.0.0.1:0", "--backup-dir"])
        .arg(d.join("daily"))
        .env("BMNN_LOG", "info,tower_http=warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("line");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("url")
        .trim_end_matches('/')
        .to_string();
    let jar = d.join("cookies.txt");
    let jar = jar.to_str().expect("p");
    let page = curl(&["-c", jar, &format!("{base}/login")]);
    curl(&[
        "-b",
        jar,
        "-c",
        jar,
        "-H",
        &format!("Origin: {base}"),
        "--data-urlencode",
        "username=vanthu",
        "--data-urlencode",
        &format!("password={DEMO_PASSPHRASE}"),
        "--data-urlencode",
        &format!("_csrf={}", csrf(&page)),
        &format!("{base}/login"),
    ]);
    // An incoming item with a known summary, through the API.
    let body = serde_json::json!({
        "issuer": "Bộ Công Thương",
        "number_symbol": "77/KH-BCT",
        "doc_type": "Kế hoạch",
        "summary": SUMMARY,
        "level": "mat",
    })
    .to_string();
    let answer = curl(&[
        "-w",
        "\n%{http_code}",
        "-H",
        &format!("Authorization: Bearer {token}"),
        "-H",
        "Content-Type: application/json",
        "--data-binary",
        &body,
        &format!("{base}/api/v1/incoming"),
    ]);
    let (json, status) = answer.rsplit_once('\n').expect("body and status");
    assert_eq!(status, "201", "register the incoming item");
    // The item's opaque id, as the API gives it.
    let v: serde_json::Value = serde_json::from_str(json).expect("json answer");
    let id = v["item"]["id"]
        .as_str()
        .or(v["id"].as_str())
        .expect("the item's id")
        .to_string();
    let page = curl(&["-b", jar, &format!("{base}/items/{id}")]);
    let file = d.join("ke-hoach.txt");
    std::fs::write(
        &file,
        format!("KẾ HOẠCH\n\n{PHRASE}, lực lượng và phương tiện được bố trí theo phụ lục.\n"),
    )
    .expect("write");
    let status = curl(&[
        "-b",
        jar,
        "-o",
        "/dev/null",
        "-w",
        "%{http_code} %{redirect_url}",
        "-H",
        &format!("Origin: {base}"),
        "-F",
        &format!("_csrf={}", csrf(&page)),
        "-F",
        &format!("file=@{};type=text/plain", file.display()),
        &format!("{base}/items/{id}/attachments"),
    ]);
    assert!(status.contains("ok=uploaded"), "{status}");
    std::fs::remove_file(&file).expect("rm source");
    std::fs::remove_file(d.join("cookies.txt")).expect("rm jar");
    // The daily backup of a server that never made one runs at start: wait for its log line.
    let log = std::io::BufReader::new(server.stderr.take().expect("stderr"));
    let done = log
        .lines()
        .map(|l| l.expect("log line"))
        .find(|l| l.contains("daily backup"))
        .expect("daily backup logged");
    assert!(done.contains("daily backup written"), "{done}");
    // Killed, not stopped: the WAL is left behind and searched too.
    server.kill().expect("kill");
    server.wait().expect("wait");

    let ring: bmnn_vault::Keyring =
        serde_json::from_slice(&std::fs::read(d.join("keys/keyring.json")).expect("ring"))
            .expect("json");
    let key = ring.unlock(DEMO_PASSPHRASE.as_bytes()).expect("unlock");
    let key_hex: String = key.bytes().iter().map(|b| format!("{b:02x}")).collect();
    let nfd: String = PHRASE.nfd().collect();
    assert_ne!(nfd.as_bytes(), PHRASE.as_bytes());
    let folded = bmnn_core::text::fold(PHRASE);
    let summary_folded = bmnn_core::text::fold(SUMMARY);
    let needles: [(&str, &[u8]); 8] = [
        ("summary (NFC)", SUMMARY.as_bytes()),
        (
            "summary (folded, as in the search index)",
            summary_folded.as_bytes(),
        ),
        ("phrase (NFC)", PHRASE.as_bytes()),
        ("phrase (NFD)", nfd.as_bytes()),
        ("phrase (folded)", folded.as_bytes()),
        (
            "phrase (UTF-16)",
            &PHRASE
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<_>>(),
        ),
        ("data key", key.bytes()),
        ("data key (hex)", key_hex.as_bytes()),
    ];
    let search = |files: &[PathBuf]| {
        for f in files {
            let raw = std::fs::read(f).expect("read");
            for (what, n) in &needles {
                assert!(!contains(&raw, n), "{what} found in {}", f.display());
            }
        }
    };
    // First as the killed server left it (database, WAL, keyring, its daily backup)…
    let mut files = vec![];
    walk(d, &mut files);
    let db = std::fs::read(d.join("bmnn.db")).expect("db");
    assert!(
        !db.starts_with(b"SQLite format 3"),
        "the database file is encrypted"
    );
    assert!(
        files.iter().any(|f| f.ends_with("bmnn.db-wal")),
        "{files:?}"
    );
    assert!(files.iter().any(|f| f.ends_with("keys/keyring.json")));
    assert!(
        files.iter().any(
            |f| f.starts_with(d.join("daily")) && f.extension().is_some_and(|x| x == "bmnnbak")
        ),
        "the daily backup of serve: {files:?}"
    );
    search(&files);
    let bk = tempfile::tempdir().expect("backup folder");
    let o = cmd(d)
        .args(["backup", "--output"])
        .arg(bk.path())
        .output()
        .expect("backup");
    assert!(o.status.success(), "{}", text(&o));
    // The attachment and its indexed text are there, and open with the key.
    let o = cmd(d).args(["keys", "verify"]).output().expect("verify");
    let t = text(&o);
    assert!(
        o.status.success() && t.contains("1/1; văn bản chỉ mục mở được: 1/1"),
        "{t}"
    );

    // …then after a backup into another folder.
    let mut files = vec![];
    walk(d, &mut files);
    walk(bk.path(), &mut files);
    assert!(
        files
            .iter()
            .any(|f| f.starts_with(bk.path()) && f.extension().is_some_and(|x| x == "bmnnbak"))
    );
    search(&files);
}
