//! bmnn-vault: encryption at rest for files bmnn writes (backups, generated documents, the
//! scanner's index), and the key hierarchy that protects the data key.
//!
//! **Envelope format, version 1** (`seal` / `open`, or as a stream [`SealWriter`] /
//! [`OpenReader`], memory two chunks whatever the size): a header, then 64 KiB chunks sealed with
//! XChaCha20-Poly1305 in the STREAM construction:
//!
//! ```text
//! "BMNNENC" 0x01 | key-id length (u8) | key id (ASCII) | nonce prefix (19 bytes)
//! chunk i: ciphertext ‖ tag (16)     nonce = prefix ‖ i (u32 BE) ‖ last (0x00 / 0x01)
//! ```
//!
//! Every chunk is authenticated with the header as associated data, so a changed key id or
//! version, a flipped bit, a reordered, dropped or duplicated chunk, and a truncated stream
//! (no chunk flagged last) are all refused. The key id says which data key sealed the file, so
//! a file from another installation is refused as foreign, not as damaged.
//!
//! **Keyring** ([`Keyring`]): the 32-byte data key never sits on disk in clear; it is wrapped
//! (XChaCha20-Poly1305) under keys derived with Argon2id from an administrator passphrase, a
//! recovery code or a key file kept on removable media. Any one of them unlocks the data key.

#![forbid(unsafe_code)]

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const MAGIC: &[u8; 7] = b"BMNNENC";
const VERSION: u8 = 1;
const PREFIX: usize = 19;
/// Plaintext bytes per chunk.
pub const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum VaultError {
    #[error("không phải tệp mã hóa của bmnn")]
    NotSealed,
    #[error("phiên bản định dạng mã hóa {0} không được hỗ trợ")]
    Version(u8),
    #[error("tệp được mã hóa bằng khóa khác ({0}): không phải của hệ thống này")]
    Foreign(String),
    #[error("tệp mã hóa bị hỏng hoặc bị sửa (xác thực thất bại)")]
    Damaged,
    #[error("tệp mã hóa bị cắt cụt")]
    Truncated,
    #[error("mật khẩu, mã khôi phục hoặc tệp khóa không đúng")]
    WrongSecret,
    #[error("tệp khóa không hợp lệ: {0}")]
    Keyring(String),
}

/// The data key (khóa dữ liệu), with its public id (first bytes of its hash).
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey {
    bytes: [u8; 32],
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataKey({})", self.id())
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("OS randomness");
    b
}

impl DataKey {
    pub fn generate() -> DataKey {
        DataKey { bytes: random() }
    }
    pub fn from_bytes(bytes: [u8; 32]) -> DataKey {
        DataKey { bytes }
    }
    pub fn bytes(&self) -> &[u8; 32] {
        &self.bytes
    }
    /// Public id: 16 hex digits of SHA-256("bmnn key id" ‖ key).
    pub fn id(&self) -> String {
        let h = Sha256::new_with_prefix(b"bmnn key id")
            .chain_update(self.bytes)
            .finalize();
        hex(&h[..8])
    }
    /// A subkey for one purpose (backups, documents, index), so one key never serves two uses.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        Sha256::new_with_prefix(b"bmnn subkey v1\0")
            .chain_update(purpose.as_bytes())
            .chain_update([0])
            .chain_update(self.bytes)
            .finalize()
            .into()
    }
}

fn nonce(prefix: &[u8; PREFIX], i: u32, last: bool) -> XNonce {
    let mut n = [0u8; 24];
    n[..PREFIX].copy_from_slice(prefix);
    n[PREFIX..PREFIX + 4].copy_from_slice(&i.to_be_bytes());
    n[23] = last as u8;
    n.into()
}

/// Seals `plain` under `key` (envelope format v1).
pub fn seal(key: &DataKey, plain: &[u8]) -> Vec<u8> {
    let mut w = SealWriter::new(
        key,
        Vec::with_capacity(plain.len() + plain.len() / CHUNK * TAG + 64),
    )
    .expect("in-memory write");
    std::io::Write::write_all(&mut w, plain).expect("in-memory write");
    w.finish().expect("in-memory write")
}

/// Seals a stream (mã hóa theo luồng): the same envelope as [`seal`], written chunk by chunk to
/// `inner`, so memory stays at about two chunks whatever the size. Call [`SealWriter::finish`]
/// to write the last chunk; a writer dropped without it leaves a file that [`open`] refuses as
/// truncated.
pub struct SealWriter<W: std::io::Write> {
    inner: W,
    cipher: XChaCha20Poly1305,
    header: Vec<u8>,
    prefix: [u8; PREFIX],
    buf: Vec<u8>,
    i: u32,
}

impl<W: std::io::Write> SealWriter<W> {
    /// Writes the header to `inner`.
    pub fn new(key: &DataKey, mut inner: W) -> std::io::Result<SealWriter<W>> {
        let id = key.id();
        let prefix: [u8; PREFIX] = random();
        let mut header = Vec::with_capacity(MAGIC.len() + 2 + id.len() + PREFIX);
        header.extend_from_slice(MAGIC);
        header.push(VERSION);
        header.push(id.len() as u8);
        header.extend_from_slice(id.as_bytes());
        header.extend_from_slice(&prefix);
        inner.write_all(&header)?;
        Ok(SealWriter {
            inner,
            cipher: XChaCha20Poly1305::new(key.bytes().into()),
            header,
            prefix,
            buf: Vec::with_capacity(2 * CHUNK),
            i: 0,
        })
    }

    fn put(&mut self, len: usize, last: bool) -> std::io::Result<()> {
        let ct = self
            .cipher
            .encrypt(
                &nonce(&self.prefix, self.i, last),
                Payload {
                    msg: &self.buf[..len],
                    aad: &self.header,
                },
            )
            .map_err(|_| std::io::Error::other("encryption"))?;
        self.inner.write_all(&ct)?;
        self.buf.drain(..len);
        self.i = self
            .i
            .checked_add(1)
            .ok_or_else(|| std::io::Error::other("too many chunks"))?;
        Ok(())
    }

    /// Seals what is buffered as the last chunk, flushes and returns the inner writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        let n = self.buf.len();
        self.put(n, true)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: std::io::Write> std::io::Write for SealWriter<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        // A full chunk is sealed only once more data follows it: the last one is flagged.
        while self.buf.len() > CHUNK {
            self.put(CHUNK, false)?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The key id a sealed file names, without decrypting.
pub fn key_id_of(sealed: &[u8]) -> Result<String, VaultError> {
    if sealed.len() < MAGIC.len() + 2 || &sealed[..MAGIC.len()] != MAGIC {
        return Err(VaultError::NotSealed);
    }
    let v = sealed[MAGIC.len()];
    if v != VERSION {
        return Err(VaultError::Version(v));
    }
    let l = sealed[MAGIC.len() + 1] as usize;
    let id = sealed
        .get(MAGIC.len() + 2..MAGIC.len() + 2 + l)
        .ok_or(VaultError::Truncated)?;
    String::from_utf8(id.to_vec()).map_err(|_| VaultError::NotSealed)
}

/// Opens a sealed file; refuses foreign, damaged, reordered and truncated ones.
pub fn open(key: &DataKey, sealed: &[u8]) -> Result<Vec<u8>, VaultError> {
    let mut r = OpenReader::new(key, sealed)?;
    let mut out = Vec::with_capacity(sealed.len());
    std::io::Read::read_to_end(&mut r, &mut out).map_err(|e| VaultError::from_io(&e))?;
    Ok(out)
}

impl VaultError {
    /// The vault error an [`OpenReader`] read failed with (I/O errors of the source read as a
    /// truncated file).
    pub fn from_io(e: &std::io::Error) -> VaultError {
        e.get_ref()
            .and_then(|x| x.downcast_ref::<VaultError>())
            .cloned()
            .unwrap_or(VaultError::Truncated)
    }
}

/// Opens a stream (giải mã theo luồng) sealed by [`seal`] or [`SealWriter`], chunk by chunk:
/// a read fails (with a [`VaultError`] inside the `io::Error`, see [`VaultError::from_io`]) at the
/// first chunk that is foreign, damaged, out of order or missing; the data read before it came
/// from authentic chunks, but only reading to the end proves the stream whole.
pub struct OpenReader<R: std::io::Read> {
    inner: R,
    cipher: XChaCha20Poly1305,
    header: Vec<u8>,
    prefix: [u8; PREFIX],
    /// Ciphertext read ahead (a chunk is the last one when nothing follows it).
    ahead: Vec<u8>,
    plain: Vec<u8>,
    pos: usize,
    i: u32,
    done: bool,
}

fn read_full(r: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

impl<R: std::io::Read> OpenReader<R> {
    /// Reads and checks the header: refuses a file that is not sealed, of another version, or
    /// sealed with another key.
    pub fn new(key: &DataKey, mut inner: R) -> Result<OpenReader<R>, VaultError> {
        let mut head = vec![0u8; MAGIC.len() + 2];
        let n = read_full(&mut inner, &mut head).map_err(|_| VaultError::Truncated)?;
        head.truncate(n);
        if n < MAGIC.len() + 2 || &head[..MAGIC.len()] != MAGIC {
            return Err(VaultError::NotSealed);
        }
        let l = head[MAGIC.len() + 1] as usize;
        let mut rest = vec![0u8; l + PREFIX];
        let got = read_full(&mut inner, &mut rest).map_err(|_| VaultError::Truncated)?;
        head.extend_from_slice(&rest[..got.min(l)]);
        let id = key_id_of(&head)?;
        if id != key.id() {
            return Err(VaultError::Foreign(id));
        }
        if got < l + PREFIX {
            return Err(VaultError::Truncated);
        }
        head.extend_from_slice(&rest[l..]);
        let prefix: [u8; PREFIX] = rest[l..].try_into().expect("prefix");
        Ok(OpenReader {
            inner,
            cipher: XChaCha20Poly1305::new(key.bytes().into()),
            header: head,
            prefix,
            ahead: Vec::with_capacity(CHUNK + TAG + 1),
            plain: Vec::new(),
            pos: 0,
            i: 0,
            done: false,
        })
    }

    /// Decrypts the next chunk into `plain`.
    fn next_chunk(&mut self) -> Result<(), VaultError> {
        let want = CHUNK + TAG + 1;
        let have = self.ahead.len();
        self.ahead.resize(want, 0);
        let n = read_full(&mut self.inner, &mut self.ahead[have..])
            .map_err(|_| VaultError::Truncated)?;
        self.ahead.truncate(have + n);
        let is_last = self.ahead.len() <= CHUNK + TAG;
        let len = self.ahead.len().min(CHUNK + TAG);
        if len < TAG {
            return Err(VaultError::Truncated);
        }
        let open = |last: bool| {
            self.cipher.decrypt(
                &nonce(&self.prefix, self.i, last),
                Payload {
                    msg: &self.ahead[..len],
                    aad: &self.header,
                },
            )
        };
        match open(is_last) {
            Ok(p) => self.plain = p,
            // Authentic as a non-final chunk at the end means the tail was cut off.
            Err(_) if is_last && open(false).is_ok() => return Err(VaultError::Truncated),
            Err(_) => return Err(VaultError::Damaged),
        }
        self.ahead.drain(..len);
        self.pos = 0;
        self.done = is_last;
        self.i = self.i.checked_add(1).ok_or(VaultError::Damaged)?;
        Ok(())
    }
}

impl<R: std::io::Read> std::io::Read for OpenReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.plain.len() {
            if self.done {
                return Ok(0);
            }
            self.next_chunk().map_err(std::io::Error::other)?;
        }
        let n = out.len().min(self.plain.len() - self.pos);
        out[..n].copy_from_slice(&self.plain[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// How a wrap's secret is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WrapKind {
    /// Mật khẩu của quản trị viên.
    Passphrase,
    /// Mã khôi phục (in ra, cất trong két).
    Recovery,
    /// Tệp khóa trên thiết bị lưu trữ di động.
    KeyFile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrap {
    pub kind: WrapKind,
    pub label: String,
    pub salt: String,
    pub m_cost: u32,
    pub t_cost: u32,
    pub nonce: String,
    pub wrapped: String,
}

/// The keyring file (`<data>/keys/keyring.json`): the data key wrapped several ways, never in
/// clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    pub format: String,
    pub key_id: String,
    pub wraps: Vec<Wrap>,
}

/// Argon2id parameters for key wrapping (heavier than login hashing: unlocking is rare).
pub const M_COST: u32 = 64 * 1024;
pub const T_COST: u32 = 3;

fn kek(secret: &[u8], salt: &[u8], m: u32, t: u32) -> Result<[u8; 32], VaultError> {
    let params = Params::new(m, t, 1, Some(32)).map_err(|e| VaultError::Keyring(e.to_string()))?;
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(secret, salt, &mut out)
        .map_err(|e| VaultError::Keyring(e.to_string()))?;
    Ok(out)
}

impl Keyring {
    /// A new keyring for `key`, wrapped under `secret` of `kind`.
    pub fn new(
        key: &DataKey,
        kind: WrapKind,
        label: &str,
        secret: &[u8],
    ) -> Result<Keyring, VaultError> {
        Keyring::new_with(key, kind, label, secret, M_COST, T_COST)
    }

    /// As [`Keyring::new`] with explicit Argon2id costs (tests use small ones).
    pub fn new_with(
        key: &DataKey,
        kind: WrapKind,
        label: &str,
        secret: &[u8],
        m: u32,
        t: u32,
    ) -> Result<Keyring, VaultError> {
        let mut k = Keyring {
            format: "bmnn-keyring-v1".into(),
            key_id: key.id(),
            wraps: vec![],
        };
        k.add_with(key, kind, label, secret, m, t)?;
        Ok(k)
    }

    /// Adds one more way to unlock (a recovery code, a key file, a second administrator).
    pub fn add(
        &mut self,
        key: &DataKey,
        kind: WrapKind,
        label: &str,
        secret: &[u8],
    ) -> Result<(), VaultError> {
        self.add_with(key, kind, label, secret, M_COST, T_COST)
    }

    /// As [`Keyring::add`] with explicit Argon2id costs.
    pub fn add_with(
        &mut self,
        key: &DataKey,
        kind: WrapKind,
        label: &str,
        secret: &[u8],
        m: u32,
        t: u32,
    ) -> Result<(), VaultError> {
        if key.id() != self.key_id {
            return Err(VaultError::Foreign(key.id()));
        }
        let salt: [u8; 16] = random();
        let n: [u8; 24] = random();
        let k = kek(secret, &salt, m, t)?;
        let ct = XChaCha20Poly1305::new(&k.into())
            .encrypt(
                &n.into(),
                Payload {
                    msg: key.bytes(),
                    aad: self.key_id.as_bytes(),
                },
            )
            .expect("wrap");
        self.wraps.push(Wrap {
            kind,
            label: label.into(),
            salt: hex(&salt),
            m_cost: m,
            t_cost: t,
            nonce: hex(&n),
            wrapped: hex(&ct),
        });
        Ok(())
    }

    /// Unlocks the data key with any of the wraps.
    pub fn unlock(&self, secret: &[u8]) -> Result<DataKey, VaultError> {
        self.unlock_kinds(
            secret,
            &[WrapKind::Passphrase, WrapKind::Recovery, WrapKind::KeyFile],
        )
    }

    /// Unlocks the data key with the wraps of the given kinds only (a passphrase is not tried
    /// against key-file wraps: each try costs one Argon2id derivation).
    pub fn unlock_kinds(&self, secret: &[u8], kinds: &[WrapKind]) -> Result<DataKey, VaultError> {
        if self.format != "bmnn-keyring-v1" {
            return Err(VaultError::Keyring(format!("định dạng {}", self.format)));
        }
        for w in self.wraps.iter().filter(|w| kinds.contains(&w.kind)) {
            let (Some(salt), Some(n), Some(ct)) =
                (unhex(&w.salt), unhex(&w.nonce), unhex(&w.wrapped))
            else {
                return Err(VaultError::Keyring("trường hex hỏng".into()));
            };
            let n: [u8; 24] = n
                .try_into()
                .map_err(|_| VaultError::Keyring("nonce".into()))?;
            let k = kek(secret, &salt, w.m_cost, w.t_cost)?;
            if let Ok(p) = XChaCha20Poly1305::new(&k.into()).decrypt(
                &n.into(),
                Payload {
                    msg: &ct,
                    aad: self.key_id.as_bytes(),
                },
            ) {
                let bytes: [u8; 32] = p
                    .try_into()
                    .map_err(|_| VaultError::Keyring("độ dài khóa".into()))?;
                let key = DataKey::from_bytes(bytes);
                if key.id() == self.key_id {
                    return Ok(key);
                }
            }
        }
        Err(VaultError::WrongSecret)
    }

    /// What makes this keyring weaker than the ones bmnn writes, in Vietnamese (empty when
    /// nothing): a wrap whose Argon2id costs are below [`M_COST`]/[`T_COST`] (a planted wrap
    /// that is cheap to guess), two wraps with the same label. Callers refuse to unlock such a
    /// keyring (`bmnn` does) and `bmnn doctor` flags it.
    pub fn weaknesses(&self) -> Vec<String> {
        let mut out = Vec::new();
        for w in &self.wraps {
            if w.m_cost < M_COST || w.t_cost < T_COST {
                out.push(format!(
                    "cách mở khóa «{}» có tham số Argon2id yếu hơn mặc định (bộ nhớ {} KiB, {} \
                     vòng; tối thiểu {M_COST} KiB, {T_COST} vòng)",
                    w.label, w.m_cost, w.t_cost
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for w in &self.wraps {
            if !seen.insert(w.label.as_str()) {
                out.push(format!("nhãn «{}» xuất hiện hơn một lần", w.label));
            }
        }
        out
    }

    /// Removes every wrap with `label` (a lost key file, a departed administrator).
    pub fn remove(&mut self, label: &str) -> usize {
        let before = self.wraps.len();
        self.wraps.retain(|w| w.label != label);
        before - self.wraps.len()
    }
}

/// A recovery code: 32 random bytes as 8 groups of 8 hex digits.
pub fn recovery_code() -> String {
    let b: [u8; 32] = random();
    hex(&b)
        .as_bytes()
        .chunks(8)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key() -> DataKey {
        DataKey::from_bytes([7u8; 32])
    }

    #[test]
    fn round_trip_sizes() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5] {
            let p: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            let s = seal(&key(), &p);
            assert_eq!(open(&key(), &s).unwrap(), p, "n={n}");
        }
    }

    #[test]
    fn streams_match_the_whole_file_functions() {
        use std::io::{Read, Write};
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5] {
            let p: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            // Written in odd pieces, read back in odd pieces.
            let mut w = SealWriter::new(&key(), Vec::new()).unwrap();
            for piece in p.chunks(7_777) {
                w.write_all(piece).unwrap();
            }
            let s = w.finish().unwrap();
            assert_eq!(s.len(), seal(&key(), &p).len(), "n={n}");
            assert_eq!(open(&key(), &s).unwrap(), p, "n={n}");
            let mut r = OpenReader::new(&key(), &s[..]).unwrap();
            let mut back = Vec::new();
            let mut buf = [0u8; 1000];
            loop {
                let k = r.read(&mut buf).unwrap();
                if k == 0 {
                    break;
                }
                back.extend_from_slice(&buf[..k]);
            }
            assert_eq!(back, p, "n={n}");
        }
        // A writer dropped before finish leaves a truncated file.
        let mut w = SealWriter::new(&key(), Vec::new()).unwrap();
        w.write_all(&[1u8; 3 * CHUNK]).unwrap();
        let cut = std::mem::take(&mut w.inner);
        assert_eq!(open(&key(), &cut), Err(VaultError::Truncated));
        let other = DataKey::from_bytes([8u8; 32]);
        assert!(matches!(
            OpenReader::new(&other, &cut[..]),
            Err(VaultError::Foreign(_))
        ));
    }

    #[test]
    fn foreign_truncated_reordered_are_refused() {
        let p: Vec<u8> = (0..(3 * CHUNK)).map(|i| (i % 13) as u8).collect();
        let s = seal(&key(), &p);
        let other = DataKey::from_bytes([8u8; 32]);
        assert!(matches!(open(&other, &s), Err(VaultError::Foreign(_))));
        let hlen = s.len() - 3 * (CHUNK + TAG);
        // Drop the last chunk: truncated.
        assert_eq!(
            open(&key(), &s[..hlen + 2 * (CHUNK + TAG)]),
            Err(VaultError::Truncated)
        );
        // Swap chunks 0 and 1: damaged.
        let mut r = s.clone();
        let (a, b) = (hlen, hlen + CHUNK + TAG);
        let c0 = s[a..b].to_vec();
        let c1 = s[b..b + CHUNK + TAG].to_vec();
        r[a..b].copy_from_slice(&c1);
        r[b..b + CHUNK + TAG].copy_from_slice(&c0);
        assert_eq!(open(&key(), &r), Err(VaultError::Damaged));
        assert_eq!(open(&key(), b"hello"), Err(VaultError::NotSealed));
    }

    #[test]
    fn keyring_unlocks_with_any_secret_and_refuses_others() {
        let k = DataKey::generate();
        let mut ring = Keyring::new_with(
            &k,
            WrapKind::Passphrase,
            "admin",
            b"mat khau quan tri",
            1024,
            1,
        )
        .unwrap();
        let code = recovery_code();
        ring.add_with(
            &k,
            WrapKind::Recovery,
            "recovery-1",
            code.as_bytes(),
            1024,
            1,
        )
        .unwrap();
        assert_eq!(ring.unlock(code.as_bytes()).unwrap(), k);
        assert_eq!(ring.unlock(b"mat khau quan tri").unwrap(), k);
        assert_eq!(ring.unlock(b"sai"), Err(VaultError::WrongSecret));
        let json = serde_json::to_string(&ring).unwrap();
        assert!(
            !json.contains(&hex(k.bytes())),
            "the data key never appears in clear"
        );
        assert_eq!(ring.remove("recovery-1"), 1);
        assert_eq!(ring.unlock(code.as_bytes()), Err(VaultError::WrongSecret));
    }

    #[test]
    fn weak_costs_and_duplicate_labels_are_named() {
        let k = key();
        let mut ring =
            Keyring::new_with(&k, WrapKind::Passphrase, "admin", b"mat khau", 1024, 1).unwrap();
        ring.add_with(&k, WrapKind::Recovery, "admin", b"ma khoi phuc", 1024, 1)
            .unwrap();
        let w = ring.weaknesses();
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(
            w[0].contains("Argon2id yếu") && w[2].contains("hơn một lần"),
            "{w:?}"
        );
        let strong = Keyring {
            wraps: ring
                .wraps
                .iter()
                .cloned()
                .map(|mut x| {
                    x.m_cost = M_COST;
                    x.t_cost = T_COST;
                    x
                })
                .take(1)
                .collect(),
            ..ring
        };
        assert!(strong.weaknesses().is_empty());
    }

    #[test]
    fn unlock_kinds_tries_only_the_named_kinds() {
        let k = DataKey::generate();
        let mut ring =
            Keyring::new_with(&k, WrapKind::Passphrase, "admin", b"mat khau", 1024, 1).unwrap();
        ring.add_with(&k, WrapKind::KeyFile, "usb-1", b"noi dung tep", 1024, 1)
            .unwrap();
        assert_eq!(
            ring.unlock_kinds(b"noi dung tep", &[WrapKind::KeyFile])
                .unwrap(),
            k
        );
        assert_eq!(
            ring.unlock_kinds(b"noi dung tep", &[WrapKind::Passphrase, WrapKind::Recovery]),
            Err(VaultError::WrongSecret)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn any_bit_flip_is_refused(len in 0usize..200_000, pos in any::<usize>(), bit in 0u8..8) {
            let p: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
            let mut s = seal(&key(), &p);
            let i = pos % s.len();
            s[i] ^= 1 << bit;
            prop_assert!(open(&key(), &s).is_err());
        }

        #[test]
        fn round_trip(p in proptest::collection::vec(any::<u8>(), 0..(CHUNK + 100))) {
            prop_assert_eq!(open(&key(), &seal(&key(), &p)).unwrap(), p);
        }
    }
}
