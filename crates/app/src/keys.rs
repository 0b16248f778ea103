//! The key hierarchy (khóa dữ liệu) and `bmnn keys`.
//!
//! The 32-byte data key encrypts attachments, the scanner's item texts and backups. It is never
//! stored in clear: `<data>/keys/keyring.json` holds only wraps of it (bmnn-vault `Keyring`:
//! XChaCha20-Poly1305 under keys derived with Argon2id from an administrator passphrase, a
//! recovery code or a key file on removable media).
//!
//! Every command that needs the key calls [`unlock`] (or [`unlock_demo`] for `--demo`), which
//! takes the secret from, in order: `--key-file PATH` / `BMNN_KEY_FILE`; `BMNN_PASSPHRASE`;
//! `--passphrase-file PATH` / `BMNN_PASSPHRASE_FILE`; an interactive prompt without echo when
//! standard input is a terminal. Without any of them it stops with a message saying how to give
//! the key.
//!
//! Release 0.1 kept the data key in clear in `<data>/keys/data.key`. `bmnn keys init` on such a
//! folder wraps THAT key (existing attachments still open), then overwrites and deletes the
//! clear file. Every other command refuses to run on the old layout and says to run it.
//!
//! `bmnn keys rotate` re-wraps: every existing wrap (passphrases, recovery codes, key files) is
//! replaced by one new passphrase and one new recovery code. The data key itself does not
//! change (no re-encryption), so old backups still open. Every keyring change also rewrites the
//! copies bmnn put beside backups (`keyring-copies.json` lists their folders), so an old wrap
//! stops working there too; a copy of the OLD keyring kept elsewhere (a USB stick) opened with
//! an OLD secret still yields the key — whoever may have both must be treated as holding the
//! data (see ARCHITECTURE.md, "Key hierarchy"). A keyring with weakened Argon2id costs or
//! duplicate labels is refused on unlock (`Keyring::weaknesses`) and flagged by `doctor`.

use anyhow::{Context, Result, anyhow, bail};
use bmnn_vault::{DataKey, Keyring, VaultError, WrapKind};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where the key comes from (global options of every command).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct KeyArgs {
    /// Key file on removable media that unlocks the data key (tệp khóa; env BMNN_KEY_FILE).
    #[arg(long, env = "BMNN_KEY_FILE", global = true)]
    pub key_file: Option<PathBuf>,
    /// File whose first line is the administrator passphrase (env BMNN_PASSPHRASE_FILE;
    /// env BMNN_PASSPHRASE gives the passphrase itself).
    #[arg(long, env = "BMNN_PASSPHRASE_FILE", global = true)]
    pub passphrase_file: Option<PathBuf>,
}

#[derive(clap::Subcommand, Debug)]
pub enum KeysCmd {
    /// Create the data key and its first wrap (administrator passphrase) and print a recovery
    /// code once; on a release-0.1 folder, wrap the existing clear key and delete data.key.
    Init {
        /// Label of the passphrase wrap.
        #[arg(long, default_value = "admin")]
        label: String,
        /// Do not create a recovery code (not recommended).
        #[arg(long)]
        no_recovery: bool,
    },
    /// Key id and the wraps (label, kind); no secret is shown.
    Status {
        #[arg(long, value_enum, default_value = "human")]
        format: crate::cli::Format,
    },
    /// Add another passphrase (e.g. a second administrator); new passphrase from
    /// BMNN_NEW_PASSPHRASE, --new-passphrase-file or a prompt.
    AddPassphrase {
        #[arg(long)]
        label: String,
        #[arg(long)]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Add a recovery code (printed once: write it down, keep it in the safe).
    AddRecovery {
        #[arg(long)]
        label: Option<String>,
    },
    /// Create a new key file at PATH (on removable media, not in the data folder) and add it.
    AddKeyfile {
        path: PathBuf,
        #[arg(long)]
        label: Option<String>,
    },
    /// Remove the wraps with LABEL (a lost key file, a departed administrator); never the last.
    Remove { label: String },
    /// Replace the passphrase of the wrap LABEL (default admin).
    ChangePassphrase {
        #[arg(long, default_value = "admin")]
        label: String,
        #[arg(long)]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Re-wrap: replace EVERY wrap by one new passphrase and one new recovery code (the data key
    /// itself is unchanged, so old backups still open; key files must be added again).
    Rotate {
        #[arg(long, default_value = "admin")]
        label: String,
        #[arg(long)]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Decrypt every attachment and every indexed item text with the key (after an upgrade or
    /// a restore); exit 1 if any does not open.
    Verify,
}

pub const NO_KEY_MSG: &str = "Chưa có cách mở khóa dữ liệu: chạy với --key-file ĐƯỜNG_DẪN (tệp khóa trên thiết bị rời) \
hoặc biến môi trường BMNN_KEY_FILE, hoặc đặt mật khẩu quản trị trong biến BMNN_PASSPHRASE \
hoặc --passphrase-file TỆP, hoặc chạy trong một cửa sổ dòng lệnh để được hỏi mật khẩu.\n\
No way to unlock the data key: pass --key-file PATH (key file on removable media) or set \
BMNN_KEY_FILE, or give the administrator passphrase in BMNN_PASSPHRASE or --passphrase-file FILE, \
or run in a terminal to be prompted.";

pub fn keyring_path(data: &Path) -> PathBuf {
    data.join("keys").join("keyring.json")
}

/// The clear data key of release 0.1.
pub fn legacy_path(data: &Path) -> PathBuf {
    data.join("keys").join("data.key")
}

pub fn load_keyring(data: &Path) -> Result<Option<Keyring>> {
    let p = keyring_path(data);
    match std::fs::read(&p) {
        Ok(b) => Ok(Some(serde_json::from_slice(&b).map_err(|e| {
            anyhow!("tệp khóa {} hỏng: {e} / keyring file damaged", p.display())
        })?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow!("đọc {}: {e}", p.display())),
    }
}

#[cfg(unix)]
fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
}
#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes `bytes` to `path` atomically (temp file, fsync, rename, fsync of the folder), 0600.
/// The folder's own mode is left alone (it may be the root of a USB stick).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("tạo thư mục {}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("tep")
    ));
    {
        let mut f =
            std::fs::File::create(&tmp).with_context(|| format!("ghi {}", tmp.display()))?;
        set_mode(&tmp, 0o600);
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("ghi {}", path.display()))?;
    sync_dir(dir);
    Ok(())
}

/// Writes the keyring, then every copy of it bmnn wrote beside backups ([`refresh_copies`]):
/// a removed or rotated wrap stops working in the copies too. Returns the copies refreshed.
pub fn save_keyring(data: &Path, ring: &Keyring) -> Result<Vec<PathBuf>> {
    let dir = data.join("keys");
    std::fs::create_dir_all(&dir).with_context(|| format!("tạo thư mục {}", dir.display()))?;
    set_mode(data, 0o700);
    set_mode(&dir, 0o700);
    write_atomic(&keyring_path(data), &serde_json::to_vec_pretty(ring)?)?;
    refresh_copies(data, ring)
}

/// The list of folders where bmnn put a copy of the keyring (beside backups).
fn copies_path(data: &Path) -> PathBuf {
    data.join("keys").join("keyring-copies.json")
}

fn copy_dirs(data: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read(copies_path(data))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    // The default folder, and the last backup's folder (backups made before the list existed).
    let last = crate::backup::read_status(data).map(|s| PathBuf::from(s.dir));
    for d in std::iter::once(data.join("backups")).chain(last) {
        if !v.contains(&d) {
            v.push(d);
        }
    }
    v
}

/// Remembers that a copy of the keyring was written into `dir` (`bmnn backup`, daily backups).
pub fn note_copy(data: &Path, dir: &Path) -> Result<()> {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut v: Vec<PathBuf> = std::fs::read(copies_path(data))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    if !v.contains(&dir) {
        v.push(dir);
        write_atomic(&copies_path(data), &serde_json::to_vec_pretty(&v)?)?;
    }
    Ok(())
}

/// Rewrites every keyring copy bmnn wrote (of the same data key) with `ring`. A copy that cannot
/// be rewritten (a detached drive) is reported, not skipped silently.
pub fn refresh_copies(data: &Path, ring: &Keyring) -> Result<Vec<PathBuf>> {
    let mut done = Vec::new();
    for dir in copy_dirs(data) {
        let p = dir.join("keyring.json");
        let Ok(b) = std::fs::read(&p) else { continue };
        let same_key = serde_json::from_slice::<Keyring>(&b).is_ok_and(|r| r.key_id == ring.key_id);
        if !same_key {
            continue;
        }
        match write_atomic(&p, &serde_json::to_vec_pretty(ring)?) {
            Ok(()) => done.push(p),
            Err(e) => eprintln!(
                "CẢNH BÁO: không cập nhật được bản sao keyring {}: {e:#}. Hãy xóa hoặc thay nó \
                 bằng tay (nó còn mở được bằng các cách mở khóa cũ).",
                p.display()
            ),
        }
    }
    Ok(done)
}

/// Overwrites a file with zeros, syncs it, then unlinks it. (On SSDs and journaling or
/// copy-on-write file systems old blocks may survive: that is why the disk must be encrypted.)
fn shred(p: &Path) -> Result<()> {
    let len = std::fs::metadata(p)?.len() as usize;
    {
        let mut f = std::fs::OpenOptions::new().write(true).open(p)?;
        f.write_all(&vec![0u8; len])?;
        f.sync_all()?;
    }
    std::fs::remove_file(p)?;
    sync_dir(p.parent().unwrap_or(Path::new(".")));
    Ok(())
}

enum Secret {
    KeyFile(Vec<u8>),
    Passphrase(String),
}

impl Secret {
    fn kinds(&self) -> &'static [WrapKind] {
        match self {
            Secret::KeyFile(_) => &[WrapKind::KeyFile],
            Secret::Passphrase(_) => &[WrapKind::Passphrase, WrapKind::Recovery],
        }
    }
    fn bytes(&self) -> &[u8] {
        match self {
            Secret::KeyFile(b) => b,
            Secret::Passphrase(p) => p.as_bytes(),
        }
    }
}

fn first_line(p: &Path) -> Result<String> {
    let t = std::fs::read_to_string(p)
        .with_context(|| format!("đọc tệp mật khẩu {} / reading passphrase file", p.display()))?;
    Ok(t.lines().next().unwrap_or("").to_string())
}

fn prompt(text: &str) -> Result<String> {
    rpassword::prompt_password(text).context("đọc mật khẩu từ bàn phím")
}

fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

/// The secret given for this command, if any (in the documented order).
fn given_secret(args: &KeyArgs, may_prompt: bool) -> Result<Option<Secret>> {
    if let Some(p) = &args.key_file {
        let b = std::fs::read(p)
            .with_context(|| format!("đọc tệp khóa {} / reading key file", p.display()))?;
        return Ok(Some(Secret::KeyFile(b)));
    }
    if let Ok(p) = std::env::var("BMNN_PASSPHRASE")
        && !p.is_empty()
    {
        return Ok(Some(Secret::Passphrase(p)));
    }
    if let Some(p) = &args.passphrase_file {
        return Ok(Some(Secret::Passphrase(first_line(p)?)));
    }
    if may_prompt && interactive() {
        return Ok(Some(Secret::Passphrase(prompt(
            "Mật khẩu khóa dữ liệu (passphrase): ",
        )?)));
    }
    Ok(None)
}

fn old_layout_msg(data: &Path) -> anyhow::Error {
    anyhow!(
        "Thư mục dữ liệu theo bố cục cũ: khóa dữ liệu nằm không mã hóa ở {}. Chạy `bmnn keys init` \
         để bọc khóa bằng mật khẩu quản trị (tệp khóa cũ sẽ bị xóa).\n\
         Old layout: the data key is stored in clear; run `bmnn keys init` to wrap it.",
        legacy_path(data).display()
    )
}

/// Refuses a keyring weaker than the ones bmnn writes (a planted cheap wrap, duplicate labels):
/// it may have been tampered with.
fn refuse_weak(ring: &Keyring) -> Result<()> {
    let w = ring.weaknesses();
    if w.is_empty() {
        return Ok(());
    }
    bail!(
        "Tệp khóa (keyring.json) không giống tệp do bmnn ghi: {}. Có thể đã bị sửa; không mở \
         khóa. Dùng bản keyring.json cất cạnh bản sao lưu hoặc trong két, rồi báo cán bộ bảo vệ \
         BMNN.\nThe keyring has weakened Argon2 costs or duplicate labels; refused.",
        w.join("; ")
    )
}

fn unlock_ring(ring: &Keyring, secret: &Secret) -> Result<DataKey> {
    refuse_weak(ring)?;
    ring.unlock_kinds(secret.bytes(), secret.kinds())
        .map_err(|e| match e {
            VaultError::WrongSecret => anyhow!(
                "{} — khóa dữ liệu không mở được, không có gì thay đổi.\n\
                 Wrong passphrase, recovery code or key file; nothing was changed.",
                e
            ),
            e => anyhow!("{e}"),
        })
}

/// THE way every command gets the data key: the keyring opened with the secret given.
pub fn unlock(data: &Path, args: &KeyArgs) -> Result<DataKey> {
    let ring = match load_keyring(data)? {
        Some(r) => r,
        None if legacy_path(data).exists() => return Err(old_layout_msg(data)),
        None => bail!(
            "Chưa có khóa dữ liệu trong {}: chạy `bmnn keys init` trước.\n\
             No keyring yet: run `bmnn keys init` first.",
            data.display()
        ),
    };
    if legacy_path(data).exists() {
        return Err(old_layout_msg(data));
    }
    let secret = given_secret(args, true)?.ok_or_else(|| anyhow!(NO_KEY_MSG))?;
    unlock_ring(&ring, &secret)
}

/// Unlocks with a keyring file kept elsewhere (the copy beside the backups, on a fresh machine).
pub fn unlock_file(ring: &Path, args: &KeyArgs) -> Result<DataKey> {
    let b = std::fs::read(ring).with_context(|| format!("đọc {}", ring.display()))?;
    let ring: Keyring =
        serde_json::from_slice(&b).map_err(|e| anyhow!("tệp khóa {} hỏng: {e}", ring.display()))?;
    let secret = given_secret(args, true)?.ok_or_else(|| anyhow!(NO_KEY_MSG))?;
    unlock_ring(&ring, &secret)
}

/// `serve --demo`: a fresh demo folder (`empty_db`: no user yet) gets a keyring under the
/// PUBLIC demo passphrase, and without another key source that passphrase unlocks it. For trying
/// bmnn only: an installation with users and no keyring is never given the demo passphrase.
pub fn unlock_demo(data: &Path, args: &KeyArgs, empty_db: bool) -> Result<DataKey> {
    if load_keyring(data)?.is_none() && !legacy_path(data).exists() {
        if !empty_db {
            return unlock(data, args);
        }
        create_demo_keyring(data)?;
    }
    if args.key_file.is_none()
        && args.passphrase_file.is_none()
        && std::env::var("BMNN_PASSPHRASE").map_or(true, |p| p.is_empty())
    {
        let ring = load_keyring(data)?.ok_or_else(|| old_layout_msg(data))?;
        if legacy_path(data).exists() {
            return Err(old_layout_msg(data));
        }
        return unlock_ring(
            &ring,
            &Secret::Passphrase(crate::demo::PASSWORD.to_string()),
        );
    }
    unlock(data, args)
}

/// A keyring for a demo folder, under the demo passphrase; says so loudly (on stderr, so the
/// first line of standard output stays the server's address).
pub fn create_demo_keyring(data: &Path) -> Result<DataKey> {
    let key = DataKey::generate();
    let ring = Keyring::new(
        &key,
        WrapKind::Passphrase,
        "demo",
        crate::demo::PASSWORD.as_bytes(),
    )
    .map_err(|e| anyhow!("{e}"))?;
    save_keyring(data, &ring)?;
    eprintln!(
        "CHÚ Ý: dữ liệu minh họa — khóa dữ liệu được bảo vệ bằng mật khẩu CÔNG KHAI {} \
         (chỉ để dùng thử, không dùng cho tài liệu thật).\n\
         NOTE: demo data — the data key is protected by a PUBLIC passphrase; for trying only.",
        crate::demo::PASSWORD
    );
    Ok(key)
}

/// A new passphrase: BMNN_NEW_PASSPHRASE, the file, or typed twice on a terminal.
fn new_passphrase(file: &Option<PathBuf>, env: &str) -> Result<String> {
    let p = if let Ok(p) = std::env::var(env)
        && !p.is_empty()
    {
        p
    } else if let Some(f) = file {
        first_line(f)?
    } else if interactive() {
        let a = prompt("Mật khẩu mới (new passphrase): ")?;
        let b = prompt("Nhập lại (again): ")?;
        if a != b {
            bail!("Hai lần nhập không khớp; không có gì thay đổi. / The two entries differ.");
        }
        a
    } else {
        bail!(
            "Chưa có mật khẩu mới: đặt biến {env} hoặc --new-passphrase-file TỆP, hoặc chạy trong \
             cửa sổ dòng lệnh.\nNo new passphrase: set {env} or --new-passphrase-file FILE, or run \
             in a terminal."
        );
    };
    check_passphrase(&p)?;
    Ok(p)
}

/// Passphrases every guessing tool tries first (compared after lower-casing and removing
/// spaces); each has at least 12 characters, shorter ones are refused by length anyway.
const COMMON_PASSPHRASES: &[&str] = &[
    "password1234",
    "passwordpassword",
    "password123456",
    "123456789012",
    "1234567890123",
    "12345678901234",
    "qwertyuiopas",
    "qwerty123456",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "abcdefghijkl",
    "abc123456789",
    "admin1234567",
    "administrator",
    "administrator1",
    "iloveyou1234",
    "matkhau12345",
    "matkhau123456",
    "matkhaumatkhau",
    "matkhauquantri",
    "baomatbaomat",
    "bimatnhanuoc",
    "vietnam12345",
    "vietnam123456",
    "hanoi1234567",
    "changeme1234",
    "letmein12345",
    "welcome12345",
];

/// The data-key passphrase policy of a real installation (`keys init`, `add-passphrase`,
/// `change-passphrase`, `rotate`): at least 12 characters, not the public demo passphrase, not
/// a common passphrase, not one character repeated, a short pattern repeated or a run of
/// consecutive characters (`aaaaaaaaaaaa`, `abcabcabcabc`, `123456789012`). The demo keyring
/// (`--demo`) is made by [`create_demo_keyring`], never through this check.
fn check_passphrase(p: &str) -> Result<()> {
    if p.chars().count() < 12 {
        bail!(
            "Mật khẩu khóa dữ liệu phải có ít nhất 12 ký tự; không có gì thay đổi.\n\
             The data-key passphrase must have at least 12 characters."
        );
    }
    let norm: Vec<char> = p
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let norm_s: String = norm.iter().collect();
    let demo: String = crate::demo::PASSWORD
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    if norm_s == demo {
        bail!(
            "Đây là mật khẩu minh họa CÔNG KHAI của bmnn (ai cũng biết); không được dùng cho dữ \
             liệu thật. Hãy chọn một cụm từ dài khác; không có gì thay đổi.\n\
             This is bmnn's public demo passphrase; it may not protect a real installation."
        );
    }
    if COMMON_PASSPHRASES.contains(&norm_s.as_str()) {
        bail!(
            "Mật khẩu này nằm trong danh sách mật khẩu phổ biến mà kẻ tấn công thử đầu tiên; hãy \
             chọn một cụm từ dài khó đoán (ví dụ vài từ không liên quan); không có gì thay đổi.\n\
             This passphrase is a common one; choose a long, unguessable phrase."
        );
    }
    if weak_pattern(&norm) {
        bail!(
            "Mật khẩu chỉ gồm một ký tự lặp lại, một đoạn ngắn lặp lại hoặc một dãy ký tự liên \
             tiếp (như aaaaaaaaaaaa hay 123456789012), rất dễ đoán; hãy chọn một cụm từ dài khó \
             đoán; không có gì thay đổi.\n\
             This passphrase is a repetition or a sequence; choose a long, unguessable phrase."
        );
    }
    Ok(())
}

/// Repeated or sequential characters: fewer than 4 distinct characters, a pattern of at most
/// half the length repeated, or (almost) every step to the next character being +1 or −1
/// (digits wrap: 9 → 0).
fn weak_pattern(c: &[char]) -> bool {
    let n = c.len();
    let mut distinct = c.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return true;
    }
    let repeated = (1..=n / 2).any(|k| n.is_multiple_of(k) && (k..n).all(|i| c[i] == c[i - k]));
    if repeated {
        return true;
    }
    let step = |a: char, b: char| -> i64 {
        if a.is_ascii_digit() && b.is_ascii_digit() {
            let d = (b as i64 - a as i64).rem_euclid(10);
            if d == 9 { -1 } else { d }
        } else {
            b as i64 - a as i64
        }
    };
    let sequential = c.windows(2).filter(|w| step(w[0], w[1]).abs() == 1).count();
    sequential + 2 >= n
}

fn print_recovery(code: &str, label: &str) {
    println!("──────────────────────────────────────────────────────────────");
    println!("MÃ KHÔI PHỤC ({label}) — chỉ hiện MỘT lần / recovery code, shown ONCE:");
    println!();
    println!("    {code}");
    println!();
    println!("Hãy chép tay mã này ra giấy và cất trong két sắt; nó mở được khóa dữ liệu khi");
    println!("quên mật khẩu. Write it down on paper and keep it in the safe.");
    println!("──────────────────────────────────────────────────────────────");
}

fn next_label(ring: &Keyring, prefix: &str) -> String {
    (1..)
        .map(|i| format!("{prefix}-{i}"))
        .find(|l| !ring.wraps.iter().any(|w| &w.label == l))
        .expect("a free label")
}

fn refuse_duplicate(ring: &Keyring, label: &str) -> Result<()> {
    if ring.wraps.iter().any(|w| w.label == label) {
        bail!("Đã có cách mở khóa tên \"{label}\"; chọn tên khác. / Label already used.");
    }
    Ok(())
}

fn kind_label(k: WrapKind) -> &'static str {
    match k {
        WrapKind::Passphrase => "mật khẩu (passphrase)",
        WrapKind::Recovery => "mã khôi phục (recovery code)",
        WrapKind::KeyFile => "tệp khóa (key file)",
    }
}

/// Opens the keyring of a folder for a change: unlocked with the given secret.
fn open_for_change(data: &Path, args: &KeyArgs) -> Result<(Keyring, DataKey)> {
    let key = unlock(data, args)?;
    let ring = load_keyring(data)?.expect("unlocked above");
    Ok((ring, key))
}

fn vault_err(e: VaultError) -> anyhow::Error {
    anyhow!("{e}")
}

pub fn run(data: &Path, url: &Option<String>, args: &KeyArgs, cmd: KeysCmd) -> Result<ExitCode> {
    match cmd {
        KeysCmd::Init { label, no_recovery } => {
            let legacy = legacy_path(data);
            if let Some(ring) = load_keyring(data)? {
                // An interrupted upgrade: the keyring was written, the clear key not yet deleted.
                if legacy.exists() {
                    let old = read_legacy(&legacy)?;
                    if old.id() != ring.key_id {
                        bail!(
                            "{} không khớp với keyring.json (khóa {}); không xóa gì, hãy kiểm tra.\n\
                             data.key does not match the keyring; nothing deleted.",
                            legacy.display(),
                            ring.key_id
                        );
                    }
                    shred(&legacy)?;
                    println!("Đã xóa khóa không mã hóa cũ {}.", legacy.display());
                    return Ok(ExitCode::SUCCESS);
                }
                bail!(
                    "Đã có khóa dữ liệu ({}); dùng `bmnn keys status`, `add-passphrase`, \
                     `change-passphrase`.\nA keyring already exists.",
                    ring.key_id
                );
            }
            let (key, upgraded) = if legacy.exists() {
                (read_legacy(&legacy)?, true)
            } else {
                (DataKey::generate(), false)
            };
            let pass = match given_secret(args, false)? {
                Some(Secret::Passphrase(p)) => p,
                Some(Secret::KeyFile(_)) => bail!(
                    "`keys init` bọc khóa bằng mật khẩu; thêm tệp khóa sau bằng `bmnn keys add-keyfile`.\n\
                     `keys init` needs a passphrase; add key files afterwards."
                ),
                None => new_passphrase(&None, "BMNN_PASSPHRASE")?,
            };
            check_passphrase(&pass)?;
            let mut ring = Keyring::new(&key, WrapKind::Passphrase, &label, pass.as_bytes())
                .map_err(vault_err)?;
            let code = if no_recovery {
                None
            } else {
                let code = bmnn_vault::recovery_code();
                ring.add(&key, WrapKind::Recovery, "recovery-1", code.as_bytes())
                    .map_err(vault_err)?;
                Some(code)
            };
            save_keyring(data, &ring)?;
            if upgraded {
                shred(&legacy)?;
                println!(
                    "Đã bọc khóa dữ liệu cũ ({}) bằng mật khẩu và xóa tệp khóa không mã hóa {}.",
                    key.id(),
                    legacy.display()
                );
            } else {
                println!("Đã tạo khóa dữ liệu {}.", key.id());
            }
            if let Some(code) = code {
                print_recovery(&code, "recovery-1");
            }
            println!(
                "Từ nay mở khóa bằng BMNN_PASSPHRASE, --passphrase-file, --key-file hoặc gõ mật khẩu."
            );
            Ok(ExitCode::SUCCESS)
        }
        KeysCmd::Status { format } => {
            let legacy = legacy_path(data).exists();
            let ring = load_keyring(data)?;
            if format == crate::cli::Format::Json {
                let v = serde_json::json!({
                    "keyring": ring.as_ref().map(|r| serde_json::json!({
                        "key_id": r.key_id,
                        "wraps": r.wraps.iter().map(|w| serde_json::json!({
                            "label": w.label, "kind": w.kind,
                        })).collect::<Vec<_>>(),
                    })),
                    "clear_key_file": legacy,
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                match &ring {
                    Some(r) => {
                        println!(
                            "Khóa dữ liệu {} — {} cách mở khóa:",
                            r.key_id,
                            r.wraps.len()
                        );
                        for w in &r.wraps {
                            println!("  {:<20} {}", w.label, kind_label(w.kind));
                        }
                    }
                    None => println!("Chưa có keyring.json (chạy `bmnn keys init`)."),
                }
                if legacy {
                    println!(
                        "CẢNH BÁO: còn khóa không mã hóa {} — chạy `bmnn keys init`.",
                        legacy_path(data).display()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        KeysCmd::AddPassphrase {
            label,
            new_passphrase_file,
        } => {
            let (mut ring, key) = open_for_change(data, args)?;
            refuse_duplicate(&ring, &label)?;
            let p = new_passphrase(&new_passphrase_file, "BMNN_NEW_PASSPHRASE")?;
            ring.add(&key, WrapKind::Passphrase, &label, p.as_bytes())
                .map_err(vault_err)?;
            save_keyring(data, &ring)?;
            audit_change(data, url, &key, "keys.add-passphrase", &label)?;
            println!("Đã thêm mật khẩu \"{label}\".");
            Ok(ExitCode::SUCCESS)
        }
        KeysCmd::AddRecovery { label } => {
            let (mut ring, key) = open_for_change(data, args)?;
            let label = label.unwrap_or_else(|| next_label(&ring, "recovery"));
            refuse_duplicate(&ring, &label)?;
            let code = bmnn_vault::recovery_code();
            ring.add(&key, WrapKind::Recovery, &label, code.as_bytes())
                .map_err(vault_err)?;
            save_keyring(data, &ring)?;
            audit_change(data, url, &key, "keys.add-recovery", &label)?;
            print_recovery(&code, &label);
            Ok(ExitCode::SUCCESS)
        }
        KeysCmd::AddKeyfile { path, label } => {
            if inside(&path, data) {
                bail!(
                    "Tệp khóa không được nằm trong thư mục dữ liệu {}: hãy ghi ra thiết bị lưu trữ \
                     di động. Không có gì thay đổi.\nThe key file must not be in the data folder.",
                    data.display()
                );
            }
            if path.exists() {
                bail!(
                    "{} đã tồn tại; không ghi đè. / {} exists; not overwritten.",
                    path.display(),
                    path.display()
                );
            }
            let (mut ring, key) = open_for_change(data, args)?;
            let label = label.unwrap_or_else(|| next_label(&ring, "keyfile"));
            refuse_duplicate(&ring, &label)?;
            let secret: [u8; 64] = {
                let mut b = [0u8; 64];
                getrandom::fill(&mut b).map_err(|e| anyhow!("randomness: {e}"))?;
                b
            };
            write_atomic(&path, &secret)?;
            ring.add(&key, WrapKind::KeyFile, &label, &secret)
                .map_err(vault_err)?;
            if let Err(e) = save_keyring(data, &ring) {
                let _ = std::fs::remove_file(&path);
                return Err(e);
            }
            audit_change(data, url, &key, "keys.add-keyfile", &label)?;
            println!(
                "Đã tạo tệp khóa {} (\"{label}\"). Cất thiết bị ở nơi an toàn; dùng: --key-file {}",
                path.display(),
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        KeysCmd::Remove { label } => {
            let (mut ring, key) = open_for_change(data, args)?;
            let n = ring.wraps.iter().filter(|w| w.label == label).count();
            if n == 0 {
                bail!("Không có cách mở khóa tên \"{label}\". / No wrap with that label.");
            }
            if n == ring.wraps.len() {
                bail!(
                    "Không xóa được cách mở khóa cuối cùng: sẽ không ai mở được dữ liệu nữa. \
                     Không có gì thay đổi.\nRefused: that is the last way to unlock the data key."
                );
            }
            ring.remove(&label);
            save_keyring(data, &ring)?;
            audit_change(data, url, &key, "keys.remove", &label)?;
            println!("Đã xóa \"{label}\"; còn {} cách mở khóa.", ring.wraps.len());
            Ok(ExitCode::SUCCESS)
        }
        KeysCmd::ChangePassphrase {
            label,
            new_passphrase_file,
        } => {
            let (mut ring, key) = open_for_change(data, args)?;
            if !ring
                .wraps
                .iter()
                .any(|w| w.label == label && w.kind == WrapKind::Passphrase)
            {
                bail!("Không có mật khẩu tên \"{label}\". / No passphrase with that label.");
            }
            let p = new_passphrase(&new_passphrase_file, "BMNN_NEW_PASSPHRASE")?;
            ring.remove(&label);
            ring.add(&key, WrapKind::Passphrase, &label, p.as_bytes())
                .map_err(vault_err)?;
            save_keyring(data, &ring)?;
            audit_change(data, url, &key, "keys.change-passphrase", &label)?;
            println!("Đã đổi mật khẩu \"{label}\".");
            Ok(ExitCode::SUCCESS)
        }
        KeysCmd::Rotate {
            label,
            new_passphrase_file,
        } => {
            let (old, key) = open_for_change(data, args)?;
            let p = new_passphrase(&new_passphrase_file, "BMNN_NEW_PASSPHRASE")?;
            let mut ring = Keyring::new(&key, WrapKind::Passphrase, &label, p.as_bytes())
                .map_err(vault_err)?;
            let code = bmnn_vault::recovery_code();
            ring.add(&key, WrapKind::Recovery, "recovery-1", code.as_bytes())
                .map_err(vault_err)?;
            let copies = save_keyring(data, &ring)?;
            audit_change(data, url, &key, "keys.rotate", &label)?;
            for p in &copies {
                println!("Đã cập nhật bản sao keyring {}.", p.display());
            }
            println!(
                "Đã thay {} cách mở khóa cũ bằng mật khẩu \"{label}\" và một mã khôi phục mới \
                 (khóa dữ liệu {} giữ nguyên; tệp khóa cũ hết hiệu lực, thêm lại bằng add-keyfile).",
                old.wraps.len(),
                key.id()
            );
            print_recovery(&code, "recovery-1");
            Ok(ExitCode::SUCCESS)
        }
        KeysCmd::Verify => {
            let key = unlock(data, args)?;
            let r = verify(data, url, &key)?;
            println!(
                "Tệp đính kèm mở được: {}/{}; văn bản chỉ mục mở được: {}/{}.",
                r.attachments_ok, r.attachments, r.texts_ok, r.texts
            );
            Ok(
                if r.attachments_ok == r.attachments && r.texts_ok == r.texts {
                    ExitCode::SUCCESS
                } else {
                    println!("CÓ DỮ LIỆU KHÔNG MỞ ĐƯỢC BẰNG KHÓA NÀY.");
                    ExitCode::from(1)
                },
            )
        }
    }
}

/// Records a keyring change in the audit chain when the database exists (the keyring is already
/// saved; a failure here says so and exits non-zero).
fn audit_change(
    data: &Path,
    url: &Option<String>,
    key: &DataKey,
    action: &str,
    label: &str,
) -> Result<()> {
    let db = crate::cli::database_url(data, url)?;
    if let Some(p) = bmnn_store::sqlite_path(&db)
        && bmnn_store::file_state(Path::new(p)) == bmnn_store::FileState::Missing
    {
        return Ok(());
    }
    let svc = crate::cli::open_service_with(data, url, key)?;
    svc.record_key_change(&crate::cli::system_ctx(), action, &key.id(), label)
        .map_err(|e| {
            anyhow!(
                "Khóa đã được đổi nhưng chưa ghi được vào nhật ký: {}
The keyring changed but the audit record failed.",
                e.message_vi()
            )
        })
}

fn read_legacy(p: &Path) -> Result<DataKey> {
    let b = std::fs::read(p).with_context(|| format!("đọc {}", p.display()))?;
    let bytes: [u8; 32] = b
        .try_into()
        .map_err(|_| anyhow!("tệp khóa {} hỏng (không đủ 32 byte)", p.display()))?;
    Ok(DataKey::from_bytes(bytes))
}

/// Is `p` (which may not exist yet) inside the folder `dir`?
fn inside(p: &Path, dir: &Path) -> bool {
    let Ok(dir) = std::fs::canonicalize(dir) else {
        return false;
    };
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let parent = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    std::fs::canonicalize(&parent).is_ok_and(|pp| pp.starts_with(&dir))
}

pub struct VerifyReport {
    pub attachments: usize,
    pub attachments_ok: usize,
    pub texts: usize,
    pub texts_ok: usize,
}

/// Decrypts every attachment and item text with `key` (nothing is printed or logged of them).
pub fn verify(data: &Path, url: &Option<String>, key: &DataKey) -> Result<VerifyReport> {
    let svc = crate::cli::open_service_with(data, url, key)?;
    let blobs = svc.store.attachment_blobs()?;
    let attachments_ok = blobs
        .iter()
        .filter(|(_, item, ct)| bmnn_web::ui::decrypt_attachment(key.bytes(), *item, ct).is_some())
        .count();
    let texts = svc.item_texts()?.len();
    let scan = bmnn_web::scanning::ScanState::new(vec![], None, key.bytes());
    let texts_ok = scan.load(&svc)?;
    Ok(VerifyReport {
        attachments: blobs.len(),
        attachments_ok,
        texts,
        texts_ok,
    })
}

#[cfg(test)]
mod tests {
    use super::check_passphrase;

    #[test]
    fn passphrase_policy_refuses_weak_common_and_public_ones() {
        for weak in [
            "ngắn",
            "aaaaaaaaaaaa",
            "AAAA AAAA AAAA",
            "123456789012",
            "abcdefghijklmn",
            "987654321098",
            "abcabcabcabc",
            "ababababababab",
            "Password1234",
            "matkhau123456",
            "MatKhau MatKhau",
            crate::demo::PASSWORD,
            "BMNN-DEMO-2026",
        ] {
            assert!(check_passphrase(weak).is_err(), "{weak} accepted");
        }
        let e = check_passphrase(crate::demo::PASSWORD)
            .unwrap_err()
            .to_string();
        assert!(e.contains("minh họa CÔNG KHAI"), "{e}");
        let e = check_passphrase("aaaaaaaaaaaa").unwrap_err().to_string();
        assert!(e.contains("lặp lại"), "{e}");
        for good in [
            "mật khẩu quản trị rất dài 2026",
            "trâu vàng gặm cỏ bên sông Hồng",
            "correct horse battery staple",
            "mật khẩu mới đủ dài 2027",
        ] {
            assert!(check_passphrase(good).is_ok(), "{good} refused");
        }
    }
}
