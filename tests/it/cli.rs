//! Commands of the binary: demo data, registers, due, audit verify against tampering,
//! export/import round trip, refusals with exit codes.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The demo folders' data key is wrapped under the public demo passphrase, given the
/// documented way (BMNN_PASSPHRASE).
pub const DEMO_PASSPHRASE: &str = "bmnn-demo-2026";

/// `bmnn --data DATA` with the demo passphrase as key source and nothing else inherited.
pub fn cmd(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bmnn"));
    c.arg("--data")
        .arg(data)
        .env_remove("BMNN_DATABASE_URL")
        .env_remove("BMNN_KEY_FILE")
        .env_remove("BMNN_PASSPHRASE_FILE")
        .env_remove("BMNN_NEW_PASSPHRASE")
        .env("BMNN_PASSPHRASE", DEMO_PASSPHRASE);
    c
}

pub fn bmnn(data: &Path, args: &[&str]) -> Output {
    cmd(data)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run bmnn")
}

pub fn bmnn_stdin(data: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = cmd(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    child.wait_with_output().expect("wait")
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The HTTP status code of a GET of `url` (curl), as text ("200").
pub fn http_status(url: &str) -> String {
    let out = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}"])
        .arg(url)
        .output()
        .expect("curl");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Starts `serve` (from `c`, with its arguments) and waits for its first stdout line, which
/// names the address; returns the child and the URL (`http://…/` or `https://…/`).
pub fn serve_until_ready(mut c: Command) -> (std::process::Child, String) {
    let mut child = c
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut line,
    )
    .expect("line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://") || w.starts_with("https://"))
        .unwrap_or_else(|| panic!("no URL in the first line: {line}"))
        .to_string();
    (child, url)
}

/// The database of a demo folder opened the way the binary opens it: encrypted under the "sqlite"
/// subkey of the data key, which the public demo passphrase unlocks.
pub fn keyed_store(data: &Path) -> bmnn_store::DbStore {
    let ring: bmnn_vault::Keyring =
        serde_json::from_slice(&std::fs::read(data.join("keys/keyring.json")).expect("ring"))
            .expect("json");
    let key = ring.unlock(DEMO_PASSPHRASE.as_bytes()).expect("unlock");
    let url = format!("sqlite://{}", data.join("bmnn.db").display());
    bmnn_store::DbStore::open_keyed(&url, Some(key.derive("sqlite"))).expect("open keyed")
}

pub fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = bmnn(dir.path(), &["demo"]);
    assert!(o.status.success(), "{}", text(&o));
    dir
}

#[test]
fn registers_follow_the_regime_of_their_year() {
    let dir = demo();
    let o = bmnn(
        dir.path(),
        &["register", "outgoing", "--year", "2026", "--format", "json"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let b: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(b["regime"], "B");
    assert_eq!(b["columns"].as_array().expect("columns").len(), 10);
    assert_eq!(b["rows"][0][0], "01", "number 1 of the year");
    let o = bmnn(
        dir.path(),
        &["register", "outgoing", "--year", "2025", "--format", "json"],
    );
    let a: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(a["regime"], "A");
    assert_eq!(a["columns"].as_array().expect("columns").len(), 9);
    let numbers: Vec<i64> = a["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["number"].as_i64().expect("n"))
        .collect();
    assert_eq!(
        numbers,
        (1..=numbers.len() as i64).collect::<Vec<_>>(),
        "no gap"
    );
}

#[test]
fn due_lists_the_demo_obligations() {
    let dir = demo();
    let o = bmnn(
        dir.path(),
        &["due", "--date", "25/11/2026", "--format", "json"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).expect("json");
    let kinds: Vec<&str> = v
        .iter()
        .map(|o| o["kind"].as_str().expect("kind"))
        .collect();
    for k in [
        "recall",
        "taken-out",
        "handover-ack",
        "notice",
        "decision",
        "annual-report",
    ] {
        assert!(kinds.contains(&k), "missing {k} in {kinds:?}");
    }
    let o = bmnn(dir.path(), &["due", "--date", "không phải ngày"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("ngày không hợp lệ"));
}

#[test]
fn audit_verify_names_the_tampered_row() {
    let dir = demo();
    let o = bmnn(dir.path(), &["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    // The database is encrypted: without the key it does not even open.
    let url = format!("sqlite://{}", dir.path().join("bmnn.db").display());
    let e = bmnn_store::DbStore::open(&url).err().expect("encrypted");
    assert!(e.to_string().contains("đã được mã hóa"), "{e}");
    let store = keyed_store(dir.path());
    store
        .execute_raw("UPDATE audit_log SET actor = '9:ke-gian' WHERE seq = 7")
        .expect("tamper");
    drop(store);
    let o = bmnn(dir.path(), &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("bản ghi số 7"), "{}", text(&o));
}

#[test]
fn export_import_round_trip() {
    let dir = demo();
    let file = dir.path().join("export.bmnn");
    let o = bmnn(dir.path(), &["export", "-o", file.to_str().expect("path")]);
    assert!(o.status.success(), "{}", text(&o));
    // Sealed with the data key: nothing of the dataset readable in the file.
    let sealed = std::fs::read(&file).expect("read");
    assert!(sealed.starts_with(b"BMNNENC"), "sealed");
    assert!(serde_json::from_slice::<serde_json::Value>(&sealed).is_err());
    let other = tempfile::tempdir().expect("tempdir");
    // Another data folder: the same data key is needed (README: copy keyring.json along); the
    // database there is encrypted under it too.
    let o = bmnn(other.path(), &["import", file.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("bmnn keys init"), "{}", text(&o));
    std::fs::create_dir_all(other.path().join("keys")).expect("mkdir");
    std::fs::copy(
        dir.path().join("keys/keyring.json"),
        other.path().join("keys/keyring.json"),
    )
    .expect("copy keyring");
    let o = bmnn(
        other.path(),
        &[
            "import",
            "--keep-tokens",
            "--accept-privileged",
            file.to_str().expect("path"),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Tài khoản có đặc quyền"), "{}", text(&o));
    let plain = |d: &Path| -> serde_json::Value {
        let o = bmnn(d, &["export", "--plain"]);
        assert!(o.status.success(), "{}", text(&o));
        serde_json::from_slice(&o.stdout).expect("json")
    };
    let a = plain(dir.path());
    let mut b = plain(other.path());
    // The same dataset, plus the import's own audit record.
    let log = b["audit_log"].as_array_mut().expect("log");
    let last = log.pop().expect("import record");
    assert_eq!(last["action"], "dataset.import");
    b["audit_head"] = a["audit_head"].clone();
    assert_eq!(a, b);
    assert!(bmnn(other.path(), &["audit", "verify"]).status.success());
    // Importing twice is refused.
    let o = bmnn(
        other.path(),
        &[
            "import",
            "--accept-privileged",
            file.to_str().expect("path"),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("không trống"), "{}", text(&o));
}

#[test]
fn init_refuses_a_weak_password_and_creates_no_user() {
    let dir = tempfile::tempdir().expect("tempdir");
    // First run: the data key first (the database is encrypted under it), then `init`.
    let o = bmnn_stdin(
        dir.path(),
        &["init", "--password-stdin"],
        "một mật khẩu đủ dài\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("bmnn keys init"), "{}", text(&o));
    assert!(!dir.path().join("bmnn.db").exists(), "nothing created");
    // A real installation may not use the public demo passphrase (issue 16 point 8).
    let o = bmnn(dir.path(), &["keys", "init"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("minh họa CÔNG KHAI"), "{}", text(&o));
    assert!(
        !dir.path().join("keys/keyring.json").exists(),
        "nothing created"
    );
    let pass = "mật khẩu khóa dữ liệu thật 2026";
    let o = cmd(dir.path())
        .env("BMNN_PASSPHRASE", pass)
        .args(["keys", "init"])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", text(&o));
    let bmnn = |d: &Path, a: &[&str]| {
        cmd(d)
            .env("BMNN_PASSPHRASE", pass)
            .args(a)
            .stdin(Stdio::null())
            .output()
            .expect("run")
    };
    let bmnn_stdin = |d: &Path, a: &[&str], input: &str| {
        use std::io::Write;
        let mut child = cmd(d)
            .env("BMNN_PASSPHRASE", pass)
            .args(a)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
        child.wait_with_output().expect("wait")
    };
    let o = bmnn_stdin(dir.path(), &["init", "--password-stdin"], "123\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("ít nhất 10 ký tự"), "{}", text(&o));
    let o = bmnn(dir.path(), &["user", "list", "--format", "json"]);
    let users: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).expect("json");
    assert!(users.is_empty());
    let o = bmnn_stdin(
        dir.path(),
        &["init", "--password-stdin", "--agency", "Sở Thử nghiệm"],
        "một mật khẩu đủ dài\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = bmnn_stdin(
        dir.path(),
        &[
            "user",
            "add",
            "vanthu",
            "--name",
            "Văn thư",
            "--role",
            "clerk",
            "--clearance",
            "toi-mat",
            "--password-stdin",
        ],
        "mật khẩu văn thư 1\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = bmnn(dir.path(), &["user", "token", "vanthu"]);
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim().len(), 64);
    let o = bmnn_stdin(
        dir.path(),
        &[
            "user",
            "add",
            "x1",
            "--name",
            "X",
            "--role",
            "wizard",
            "--password-stdin",
        ],
        "mật khẩu đủ dài 2\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("vai trò không hợp lệ"));
}

#[test]
fn rules_show_the_unconfirmed_points() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = bmnn(dir.path(), &["rules"]);
    assert!(o.status.success());
    let t = text(&o);
    assert!(t.contains("Chế độ A") && t.contains("Chế độ B"));
    assert!(t.contains("CHƯA XÁC ĐỊNH"));
    // An agency override that breaks the matrix is refused with the reason.
    std::fs::create_dir_all(dir.path().join("rules")).expect("dir");
    let broken = bmnn_core::rules::EMBEDDED[1]
        .1
        .replace("act = \"destroy\"", "act = \"extend\"");
    std::fs::write(dir.path().join("rules/regime-a.toml"), broken).expect("write");
    let o = bmnn(dir.path(), &["rules"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("tiêu hủy"), "{}", text(&o));
}

#[test]
fn backup_and_restore_drill() {
    let dir = demo();
    let out = dir.path().join("bk");
    let o = bmnn(
        dir.path(),
        &[
            "backup",
            "--output",
            out.to_str().expect("path"),
            "--keep",
            "2",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let files: Vec<_> = std::fs::read_dir(&out)
        .expect("dir")
        .map(|e| e.expect("e").path())
        .filter(|p| p.extension().is_some_and(|x| x == "bmnnbak"))
        .collect();
    assert_eq!(files.len(), 1);
    assert!(
        out.join("keyring.json").exists(),
        "the keyring (wraps only) beside"
    );
    let file = files[0].to_str().expect("path").to_string();
    let before = bmnn(dir.path(), &["export", "--plain"]).stdout;
    // Change the data, then restore: the change is gone, the chain verifies.
    let o = bmnn_stdin(
        dir.path(),
        &[
            "user",
            "add",
            "moi",
            "--name",
            "Người mới",
            "--role",
            "drafter",
            "--password-stdin",
        ],
        "mật khẩu đủ dài 3\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = bmnn(dir.path(), &["restore", &file]);
    assert_eq!(o.status.code(), Some(2), "needs --yes: {}", text(&o));
    // A running server holds the data folder: restore refuses, says why, changes nothing
    // (issue 16 point 8), and a second server on the same folder is refused too.
    let mut c = cmd(dir.path());
    c.args(["serve", "--listen", "127.0.0.1:0"]);
    let (mut child, _url) = serve_until_ready(c);
    let changed = bmnn(dir.path(), &["export", "--plain"]).stdout;
    assert_ne!(changed, before);
    let o = bmnn(dir.path(), &["restore", &file, "--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("máy chủ bmnn đang chạy") && text(&o).contains("dừng máy chủ"),
        "{}",
        text(&o)
    );
    let o = bmnn(dir.path(), &["serve", "--listen", "127.0.0.1:0"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("máy chủ bmnn khác"), "{}", text(&o));
    child.kill().ok();
    child.wait().ok();
    assert_eq!(
        bmnn(dir.path(), &["export", "--plain"]).stdout,
        changed,
        "nothing restored"
    );
    // Server stopped: the restore goes ahead.
    let o = bmnn(dir.path(), &["restore", &file, "--yes"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(bmnn(dir.path(), &["export", "--plain"]).stdout, before);
    assert!(bmnn(dir.path(), &["audit", "verify"]).status.success());
    // One changed byte, or another installation's backup: refused, nothing written.
    let mut bytes = std::fs::read(&file).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    let bad = dir.path().join("bad.bmnnbak");
    std::fs::write(&bad, &bytes).expect("write");
    let o = bmnn(dir.path(), &["restore", bad.to_str().expect("p"), "--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("hỏng") || text(&o).contains("sửa"),
        "{}",
        text(&o)
    );
    let other = demo();
    let o = bmnn(other.path(), &["restore", &file, "--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("khóa khác"), "{}", text(&o));
    // Taking the data folder without the key: the backup file holds no readable text.
    let raw = std::fs::read(&file).expect("read");
    assert!(
        !raw.windows("Bình Minh".len())
            .any(|w| w == "Bình Minh".as_bytes())
    );
}

#[test]
fn doctor_reports_a_broken_chain_and_a_missing_backup() {
    let dir = demo();
    let o = bmnn(dir.path(), &["doctor"]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("Chuỗi nhật ký: toàn vẹn"), "{t}");
    assert!(t.contains("chưa có bản sao lưu"), "{t}");
    assert!(bmnn(dir.path(), &["backup"]).status.success());
    let t = text(&bmnn(dir.path(), &["doctor"]));
    assert!(t.contains("bản mới nhất cách đây 0 giờ"), "{t}");
    keyed_store(dir.path())
        .execute_raw("DELETE FROM audit_log WHERE seq = 3")
        .expect("tamper");
    let o = bmnn(dir.path(), &["doctor"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("BỊ PHÁ VỠ"), "{}", text(&o));
}

#[test]
fn tls_init_mints_a_ca_and_serve_tls_answers_https() {
    let dir = demo();
    let o = bmnn(dir.path(), &["serve", "--tls", "--listen", "127.0.0.1:0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("bmnn tls init"), "{}", text(&o));
    let o = bmnn(dir.path(), &["tls", "init", "--host", "bmnn.local"]);
    assert!(o.status.success(), "{}", text(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let m = std::fs::metadata(dir.path().join("tls/server.key"))
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(m & 0o077, 0, "private key readable by others");
    }
    let pem = std::fs::read_to_string(dir.path().join("tls/server.pem")).expect("pem");
    assert_eq!(
        pem.matches("BEGIN CERTIFICATE").count(),
        2,
        "server certificate and CA chain"
    );
    // The CA key is sealed with the data key, never in clear next to the server key.
    let tls = dir.path().join("tls");
    assert!(!tls.join("ca.key").exists(), "clear CA key");
    let sealed = std::fs::read(tls.join("ca.key.sealed")).expect("sealed CA key");
    assert!(!String::from_utf8_lossy(&sealed).contains("PRIVATE KEY"));
    let ring: bmnn_vault::Keyring =
        serde_json::from_slice(&std::fs::read(dir.path().join("keys/keyring.json")).expect("r"))
            .expect("json");
    let key = ring.unlock(DEMO_PASSPHRASE.as_bytes()).expect("unlock");
    let ca_key = bmnn_vault::open(&key, &sealed).expect("opens with the data key");
    assert!(String::from_utf8_lossy(&ca_key).contains("BEGIN PRIVATE KEY"));
    // Name constraints and a bounded validity, as OpenSSL reads them.
    if let Ok(o) = Command::new("openssl")
        .args(["x509", "-noout", "-text", "-in"])
        .arg(tls.join("ca.pem"))
        .output()
    {
        let t = String::from_utf8_lossy(&o.stdout);
        assert!(
            t.contains("Name Constraints") && t.contains("critical"),
            "{t}"
        );
        assert!(
            t.contains("DNS:bmnn.local") && t.contains("DNS:localhost"),
            "{t}"
        );
        assert!(t.contains("IP:127.0.0.1/255.255.255.255"), "{t}");
        assert!(!t.contains("4096") && !t.contains("1975"), "{t}");
    }
    let o = bmnn(dir.path(), &["tls", "init"]);
    assert_eq!(o.status.code(), Some(2), "no silent overwrite");
    // A public suffix or a wildcard as "host" would let the CA sign every site under it.
    for bad in ["gov.vn", "*.so.local"] {
        let o = bmnn(dir.path(), &["tls", "init", "--force", "--host", bad]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("không phải tên một máy"), "{}", text(&o));
        assert_eq!(
            std::fs::read(tls.join("ca.key.sealed")).expect("sealed"),
            sealed,
            "nothing changed"
        );
    }
    // Without the data key, no CA is made.
    let o = cmd(dir.path())
        .env("BMNN_PASSPHRASE", "không phải mật khẩu này")
        .args(["tls", "init", "--force"])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(
        std::fs::read(tls.join("ca.key.sealed")).expect("sealed"),
        sealed,
        "nothing changed"
    );
    // A real handshake, verified against the minted CA.
    let mut c = cmd(dir.path());
    c.args(["serve", "--tls", "--listen", "127.0.0.1:0"]);
    let (mut child, url) = serve_until_ready(c);
    let url = url.replace("127.0.0.1", "localhost");
    if let Ok(out) = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert"])
        .arg(dir.path().join("tls/ca.pem"))
        .arg(format!("{url}login"))
        .output()
    {
        assert_eq!(String::from_utf8_lossy(&out.stdout), "200");
    }
    // HSTS under --tls.
    if let Ok(out) = Command::new("curl")
        .args(["-s", "-D", "-", "-o", "/dev/null", "--cacert"])
        .arg(dir.path().join("tls/ca.pem"))
        .arg(format!("{url}login"))
        .output()
    {
        let h = String::from_utf8_lossy(&out.stdout).to_lowercase();
        assert!(
            h.contains("strict-transport-security: max-age=31536000"),
            "{h}"
        );
    }
    child.kill().ok();
    child.wait().ok();
    // --force: a new CA, the old one kept and how to remove it from the PCs printed.
    let old_ca = std::fs::read_to_string(tls.join("ca.pem")).expect("ca");
    let old_name = std::fs::read_to_string(tls.join("ca-name.txt")).expect("name");
    assert!(old_name.starts_with("bmnn CA — "), "{old_name}");
    let o = bmnn(
        dir.path(),
        &["tls", "init", "--force", "--host", "10.1.2.3"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("vẫn được tin cậy") && t.contains("certutil"),
        "{t}"
    );
    assert!(
        t.contains(&format!("-delstore Root \"{}\"", old_name.trim())),
        "{t}"
    );
    assert!(t.contains("10.1.2.3"), "{t}");
    assert_ne!(
        std::fs::read_to_string(tls.join("ca.pem")).expect("ca"),
        old_ca
    );
    let kept: Vec<_> = std::fs::read_dir(&tls)
        .expect("dir")
        .map(|e| e.expect("e").file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("ca-cu-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        std::fs::read_to_string(tls.join(&kept[0])).expect("old"),
        old_ca
    );
}

#[test]
fn scan_blocks_a_stamped_file_and_logs_it() {
    let dir = demo();
    let f = dir.path().join("lich-cong-tac.txt");
    std::fs::write(&f, "TỐI MẬT\n\nLịch công tác tuần 48 của lãnh đạo Sở\n").expect("write");
    let clean = dir.path().join("thong-bao.txt");
    std::fs::write(&clean, "Thông báo lịch nghỉ Tết Nguyên đán của cơ quan.\n").expect("write");
    let before = bmnn(dir.path(), &["audit", "verify"]);
    assert!(before.status.success());
    let o = bmnn(
        dir.path(),
        &[
            "scan",
            "--format",
            "json",
            f.to_str().expect("p"),
            clean.to_str().expect("p"),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "findings → exit 1: {}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let s = v.to_string();
    assert!(s.contains("block") && s.contains("TỐI MẬT"), "{s}");
    let o = bmnn(dir.path(), &["scan", clean.to_str().expect("p")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let t = text(&bmnn(dir.path(), &["audit", "verify"]));
    let n = |t: &str| {
        t.split_whitespace()
            .find_map(|w| w.parse::<u64>().ok())
            .expect("count")
    };
    assert_eq!(n(&t), n(&text(&before)) + 3, "three scans logged: {t}");
    let o = bmnn(dir.path(), &["scan", "/không/có/tệp.docx"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn serve_signs_report_bundles_with_the_units_key() {
    let dir = demo();
    let token = bmnn(dir.path(), &["user", "token", "baomat"]);
    assert!(token.status.success(), "{}", text(&token));
    let token = String::from_utf8_lossy(&token.stdout).trim().to_string();
    let start = |dir: &Path| {
        let mut c = cmd(dir);
        c.args(["serve", "--listen", "127.0.0.1:0"]);
        serve_until_ready(c)
    };
    let get = |url: &str| {
        let out = Command::new("curl")
            .args(["-s", "-w", "\n%{http_code}", "-H"])
            .arg(format!("Authorization: Bearer {token}"))
            .arg(format!("{url}api/v1/programme/reports/annual/2025/bundle"))
            .output()
            .expect("curl");
        let body = String::from_utf8_lossy(&out.stdout).into_owned();
        let (b, code) = body.rsplit_once('\n').expect("status line");
        (code.to_string(), b.as_bytes().to_vec())
    };
    // Without a signing key the export is refused with what to do.
    let (mut child, url) = start(dir.path());
    let (code, body) = get(&url);
    child.kill().ok();
    child.wait().ok();
    assert_eq!(code, "409", "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("keygen"));
    // With the unit's key, serve signs: the bundle opens and names that key.
    let o = bmnn(dir.path(), &["report", "keygen"]);
    assert!(o.status.success(), "{}", text(&o));
    let public = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let (mut child, url) = start(dir.path());
    let (code, body) = get(&url);
    child.kill().ok();
    child.wait().ok();
    assert_eq!(code, "200", "{}", String::from_utf8_lossy(&body));
    let opened = bmnn_core::programme::bundle::open(&body).expect("a valid bundle");
    assert_eq!(opened.manifest.public_key, public);
}

/// `serve` runs with its allocator settings (issue 15: glibc reads them only when a program
/// starts, so the server starts itself again once with them, same process) and answers; an
/// administrator's own settings are left as they are.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn serve_runs_with_its_allocator_settings_unless_the_administrator_chose_others() {
    let dir = demo();
    let tunables = |pid: u32| -> Vec<String> {
        std::fs::read(format!("/proc/{pid}/environ"))
            .expect("environ")
            .split(|&b| b == 0)
            .filter_map(|v| std::str::from_utf8(v).ok()?.strip_prefix("GLIBC_TUNABLES="))
            .map(str::to_string)
            .collect()
    };
    for (given, expected) in [
        (
            None,
            "glibc.malloc.arena_max=4:glibc.malloc.mmap_threshold=524288",
        ),
        (Some("glibc.malloc.arena_max=8"), "glibc.malloc.arena_max=8"),
    ] {
        let mut c = cmd(dir.path());
        c.env_remove("GLIBC_TUNABLES");
        if let Some(g) = given {
            c.env("GLIBC_TUNABLES", g);
        }
        c.args(["serve", "--listen", "127.0.0.1:0"]);
        let (mut child, url) = serve_until_ready(c);
        let seen = tunables(child.id());
        let login = http_status(&format!("{url}login"));
        child.kill().ok();
        child.wait().ok();
        // glibc (2.36) parses the variable in place: the process shows it cut after its first
        // setting.
        assert!(
            seen.len() == 1 && !seen[0].is_empty() && expected.starts_with(&seen[0]),
            "given {given:?}: {seen:?}"
        );
        assert_eq!(login, "200");
    }
}

#[test]
fn serve_refuses_plain_http_beyond_loopback_unless_told() {
    let dir = demo();
    let o = bmnn(dir.path(), &["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("từ chối phục vụ HTTP không mã hóa") && t.contains("--insecure-http"),
        "{t}"
    );
    // Told explicitly: it serves, with a warning on stderr.
    let mut child = cmd(dir.path())
        .args(["serve", "--insecure-http", "--listen", "0.0.0.0:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut line,
    )
    .expect("line");
    assert!(line.contains("http://0.0.0.0:"), "{line}");
    let mut warning = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stderr.take().expect("stderr")),
        &mut warning,
    )
    .expect("warning");
    assert!(warning.contains("CẢNH BÁO"), "{warning}");
    child.kill().ok();
    child.wait().ok();
}

/// Issue 11 through the CLI: a verbatim copy of the demo's highest protected item's text is blocked by `bmnn scan`,
/// whose output names nothing (no item, label or level); the audit trail records which item
/// (`scan.match`) and the security officer gets a `scan-match` notice.
#[test]
fn scan_blocks_a_copy_of_a_protected_item_and_names_nothing() {
    use bmnn_core::Level;
    use bmnn_core::model::{NoticeKind, NoticeQuery, ReadScope};
    use bmnn_core::ports::Store;
    let dir = demo();
    let secret = "Phương án điều chỉnh nguồn dự trữ xăng dầu của tỉnh trong quý bốn được xây dựng trên cơ sở \
rà soát toàn bộ các kho chứa hiện có, năng lực tiếp nhận tại cảng biển và tuyến vận chuyển đường bộ, đồng thời dự kiến \
phương án huy động lực lượng bảo vệ tại các điểm xung yếu khi xảy ra tình huống thiếu hụt nguồn cung kéo dài trên \
phạm vi toàn tỉnh và các địa phương lân cận trong khu vực miền Trung";
    let item = {
        let ring: bmnn_vault::Keyring = serde_json::from_slice(
            &std::fs::read(dir.path().join("keys/keyring.json")).expect("ring"),
        )
        .expect("json");
        let key = ring.unlock(DEMO_PASSPHRASE.as_bytes()).expect("unlock");
        let svc = bmnn_core::service::Service::new(
            keyed_store(dir.path()),
            bmnn_core::rules::RuleSet::embedded(),
        );
        let (mut items, users) = svc
            .store
            .read(|tx| {
                let mut items = Vec::new();
                for id in 1..200 {
                    if let Some(i) = tx.get_item(&ReadScope::system(), id)?
                        && i.status.protected()
                    {
                        items.push((i.level, i.id));
                    }
                }
                Ok((items, tx.list_users()?))
            })
            .expect("read");
        items.sort();
        let (level, item) = *items.last().expect("a protected item in the demo");
        assert!(level >= Level::ToiMat, "{level:?}");
        let scan = bmnn_web::scanning::ScanState::new(vec![], None, key.bytes());
        // Stored by someone who may see it (as the attachment upload would).
        let stored = users.iter().any(|u| {
            scan.store_item_text(&svc, &bmnn_web::ctx_for(u.id), item, secret)
                .is_ok()
        });
        assert!(stored, "some demo user may see item {item}");
        (item, level.label())
    };
    let (item, level) = item;
    let f = dir.path().join("bai-dang.txt");
    std::fs::write(&f, secret).expect("write");
    let o = bmnn(
        dir.path(),
        &["scan", "--format", "json", f.to_str().expect("p")],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v[0]["verdict"], "block", "{out}");
    assert!(out.contains(bmnn_scan::HIDDEN_MATCH_REASON), "{out}");
    for leak in [level, "tuyet_mat", "toi_mat", "doc_id", &format!("#{item}")] {
        assert!(!out.contains(leak), "{leak} in {out}");
    }
    let human = bmnn(dir.path(), &["scan", f.to_str().expect("p")]);
    let human = text(&human);
    assert!(
        human.contains("trùng với tài liệu bí mật nhà nước đã đăng ký")
            && !human.contains("Tuyệt mật"),
        "{human}"
    );
    // The details are for the security officer.
    let store = keyed_store(dir.path());
    let notices = store
        .read(|tx| {
            tx.list_notices(
                &ReadScope::system(),
                &NoticeQuery {
                    open_only: true,
                    item_id: Some(item),
                },
            )
        })
        .expect("notices");
    assert_eq!(
        notices
            .iter()
            .filter(|n| n.kind == NoticeKind::ScanMatch)
            .count(),
        2,
        "one notice per scan"
    );
}

/// Issue 14: `bmnn init` takes the agency's place and symbol (every document needs them) and
/// `bmnn agency set` changes them; bad input is refused in Vietnamese and changes nothing.
#[test]
fn init_takes_place_and_symbol_and_agency_set_changes_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pass = "mật khẩu khóa dữ liệu thật 2026";
    let run = |a: &[&str], input: Option<&str>| {
        use std::io::Write;
        let mut child = cmd(dir.path())
            .env("BMNN_PASSPHRASE", pass)
            .args(a)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut stdin = child.stdin.take().expect("stdin");
        if let Some(i) = input {
            stdin.write_all(i.as_bytes()).expect("write");
        }
        drop(stdin);
        child.wait_with_output().expect("wait")
    };
    assert!(run(&["keys", "init"], None).status.success());
    let o = run(
        &[
            "init",
            "--password-stdin",
            "--agency",
            "Sở Công Thương tỉnh Đồng Tháp",
            "--place",
            "Đồng Tháp",
            "--symbol",
            "SCT",
        ],
        Some("một mật khẩu đủ dài\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("Lưu ý"), "{}", text(&o));
    let show = |o: Output| String::from_utf8_lossy(&o.stdout).to_string();
    let s = show(run(&["agency", "show"], None));
    assert!(s.contains("Địa danh: Đồng Tháp"), "{s}");
    assert!(s.contains("Chữ viết tắt: SCT"), "{s}");
    assert!(s.contains("Cơ quan cấp trên: (chưa đặt)"), "{s}");

    // A right-to-left override in the place: refused, nothing changed.
    let o = run(&["agency", "set", "--place", "Cao\u{202e}Lãnh"], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("ký tự"), "{}", text(&o));
    // An empty name: refused, nothing changed.
    let o = run(&["agency", "set", "--name", " ", "--symbol", "XYZ"], None);
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    let s = show(run(&["agency", "show"], None));
    assert!(
        s.contains("Địa danh: Đồng Tháp") && s.contains("Chữ viết tắt: SCT"),
        "{s}"
    );

    let o = run(
        &[
            "agency",
            "set",
            "--place",
            "Cao Lãnh",
            "--superior",
            "UBND tỉnh Đồng Tháp",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let s = show(run(&["agency", "show"], None));
    assert!(s.contains("Địa danh: Cao Lãnh"), "{s}");
    assert!(s.contains("Chữ viết tắt: SCT"), "symbol kept: {s}");
    assert!(s.contains("Cơ quan cấp trên: UBND tỉnh Đồng Tháp"), "{s}");
    assert!(
        s.contains("Tên cơ quan: Sở Công Thương tỉnh Đồng Tháp"),
        "{s}"
    );

    // Without them (a script), init still works and says how to set them.
    let other = tempfile::tempdir().expect("tempdir");
    let o = cmd(other.path())
        .env("BMNN_PASSPHRASE", pass)
        .args(["keys", "init"])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", text(&o));
    let o = {
        use std::io::Write;
        let mut child = cmd(other.path())
            .env("BMNN_PASSPHRASE", pass)
            .args(["init", "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all("một mật khẩu đủ dài\n".as_bytes())
            .expect("write");
        child.wait_with_output().expect("wait")
    };
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("bmnn agency set --place"), "{}", text(&o));
}
