//! Signed report bundles: how a unit sends its report up the chain (legal.md §19.1: subordinate
//! units report up their own chain) and how the level above knows it arrived unchanged and from
//! that unit.
//!
//! A bundle is one JSON envelope:
//! `{"format":"bmnn-report-bundle/1","manifest":"<text>","signature":"<hex>","files":{name: hex}}`.
//! The manifest text (unit, report kind and year, creation time, the signer's Ed25519 public key,
//! and each file's name, size and SHA-256) is signed byte for byte; the files travel as lowercase
//! hex. Opening checks, in order: the envelope shape (unknown fields refused), the exact
//! format, strict lowercase hex everywhere (so no byte of the envelope can change without
//! changing what is checked), the signature over the manifest text, then each file's size and
//! hash, and that the files are exactly those listed. Whether the key belongs to the unit is
//! the caller's question (the registered keys live in the store).
//!
//! Pure: the secret key arrives as 32 bytes (the app draws them from the OS), nothing here
//! touches a file or the clock.

use crate::error::{CoreError, Result};
use crate::programme::ReportKind;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub const FORMAT: &str = "bmnn-report-bundle/1";

/// The bundle file (gói báo cáo đã ký): the type [`seal`] writes and [`open`] reads, whose
/// derived schema is the API's `ReportBundle`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ReportBundle")]
pub struct Envelope {
    /// Always [`FORMAT`].
    #[schemars(schema_with = "format_schema")]
    format: String,
    /// The signed manifest, as text (unit, kind, year, creation time, public key, files).
    manifest: String,
    /// Ed25519 signature of the manifest text, lowercase hex.
    signature: String,
    /// File name → lowercase hex of its bytes.
    files: BTreeMap<String, String>,
}

fn format_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"const": FORMAT})
}

/// One file of the bundle as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// What the signature covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    /// Tên đơn vị gửi.
    pub unit: String,
    pub kind: ReportKind,
    pub year: i32,
    /// Creation timestamp (UTC text), for the record.
    pub created: String,
    /// Ed25519 public key of the signer, lowercase hex.
    pub public_key: String,
    pub files: Vec<FileEntry>,
}

/// A bundle whose signature and hashes check out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub manifest: Manifest,
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(D[(b >> 4) as usize] as char);
        s.push(D[(b & 15) as usize] as char);
    }
    s
}

/// Strict lowercase hex: any other character (uppercase included) is refused, so that every
/// byte of a bundle matters.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    let v = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    b.chunks(2)
        .map(|p| Some(v(p[0])? << 4 | v(p[1])?))
        .collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn tampered(what: &str) -> CoreError {
    CoreError::refused(
        "bundle_invalid",
        format!(
            "Gói báo cáo không hợp lệ hoặc đã bị thay đổi ({what}); đề nghị đơn vị gửi lại gói báo cáo."
        ),
    )
}

/// Parses a public key given as 64 lowercase hex digits.
pub fn parse_public_key(s: &str) -> Result<VerifyingKey> {
    let bytes: [u8; 32] = unhex(s.trim())
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| {
            CoreError::invalid("public_key", "khóa công khai phải gồm 64 chữ số hex thường")
        })?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| CoreError::invalid("public_key", "khóa công khai Ed25519 không hợp lệ"))
}

/// The public key (lowercase hex) of a 32-byte secret key.
pub fn public_key_hex(secret: &[u8; 32]) -> String {
    hex(SigningKey::from_bytes(secret).verifying_key().as_bytes())
}

/// Builds and signs a bundle of `files` for `unit`'s report.
pub fn seal(
    secret: &[u8; 32],
    unit: &str,
    kind: ReportKind,
    year: i32,
    created: &str,
    files: &[(&str, &[u8])],
) -> Vec<u8> {
    let key = SigningKey::from_bytes(secret);
    let manifest = Manifest {
        format: FORMAT.into(),
        unit: unit.into(),
        kind,
        year,
        created: created.into(),
        public_key: hex(key.verifying_key().as_bytes()),
        files: files
            .iter()
            .map(|(n, b)| FileEntry {
                name: (*n).into(),
                size: b.len() as u64,
                sha256: sha256_hex(b),
            })
            .collect(),
    };
    let text = serde_json::to_string(&manifest).expect("manifest serialises");
    let signature = key.sign(text.as_bytes());
    let env = Envelope {
        format: FORMAT.into(),
        manifest: text,
        signature: hex(&signature.to_bytes()),
        files: files
            .iter()
            .map(|(n, b)| ((*n).to_string(), hex(b)))
            .collect(),
    };
    serde_json::to_vec(&env).expect("envelope serialises")
}

/// Opens a bundle: checks shape, signature and hashes. Refuses with `bundle_invalid`.
pub fn open(bytes: &[u8]) -> Result<Opened> {
    let env: Envelope =
        serde_json::from_slice(bytes).map_err(|_| tampered("không đọc được gói"))?;
    // Reject trailing or alternative encodings: the envelope must be exactly what we write.
    if serde_json::to_vec(&env).ok().as_deref() != Some(bytes) {
        return Err(tampered("cấu trúc gói khác chuẩn"));
    }
    if env.format != FORMAT {
        return Err(tampered("định dạng"));
    }
    let manifest: Manifest = serde_json::from_str(&env.manifest).map_err(|_| tampered("bản kê"))?;
    if manifest.format != FORMAT {
        return Err(tampered("định dạng bản kê"));
    }
    let key = parse_public_key(&manifest.public_key).map_err(|_| tampered("khóa công khai"))?;
    let sig: [u8; 64] = unhex(&env.signature)
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| tampered("chữ ký"))?;
    key.verify_strict(env.manifest.as_bytes(), &Signature::from_bytes(&sig))
        .map_err(|_| tampered("chữ ký không khớp"))?;
    // Each file listed once, and exactly the files carried: a name listed twice would let an
    // unlisted file ride along under the count.
    let listed: std::collections::BTreeSet<&str> =
        manifest.files.iter().map(|f| f.name.as_str()).collect();
    if listed.len() != manifest.files.len() {
        return Err(tampered("bản kê ghi một tệp nhiều lần"));
    }
    if env.files.len() != manifest.files.len()
        || !env.files.keys().all(|k| listed.contains(k.as_str()))
    {
        return Err(tampered("số tệp"));
    }
    let mut files = BTreeMap::new();
    for f in &manifest.files {
        let h = env
            .files
            .get(&f.name)
            .ok_or_else(|| tampered("thiếu tệp"))?;
        let b = unhex(h).ok_or_else(|| tampered("nội dung tệp"))?;
        if b.len() as u64 != f.size || sha256_hex(&b) != f.sha256 {
            return Err(tampered(&format!("tệp {}", f.name)));
        }
        files.insert(f.name.clone(), b);
    }
    Ok(Opened { manifest, files })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: [u8; 32] = [7; 32];

    fn sample() -> Vec<u8> {
        seal(
            &SECRET,
            "Sở Tư pháp",
            ReportKind::Annual,
            2025,
            "2025-12-16T02:00:00",
            &[
                ("report.json", br#"{"figures":{"incidents":13}}"#),
                ("report.docx", &[0u8, 1, 2, 250, 251, 252]),
            ],
        )
    }

    #[test]
    fn a_sealed_bundle_opens_with_its_files() {
        let o = open(&sample()).unwrap();
        assert_eq!(o.manifest.unit, "Sở Tư pháp");
        assert_eq!(o.manifest.public_key, public_key_hex(&SECRET));
        assert_eq!(o.files["report.docx"], vec![0u8, 1, 2, 250, 251, 252]);
    }

    #[test]
    fn changing_any_single_byte_is_refused() {
        let b = sample();
        for i in 0..b.len() {
            for delta in [1u8, 0x20] {
                let mut t = b.clone();
                t[i] = t[i].wrapping_add(delta);
                assert!(
                    open(&t).is_err(),
                    "byte {i} ({:?} -> {:?}) changed without refusal",
                    b[i] as char,
                    t[i] as char
                );
            }
        }
    }

    #[test]
    fn a_bundle_signed_by_another_key_does_not_verify_under_the_first() {
        let other = seal(&[9; 32], "Sở Tư pháp", ReportKind::Annual, 2025, "x", &[]);
        let o = open(&other).unwrap();
        assert_ne!(o.manifest.public_key, public_key_hex(&SECRET));
    }

    #[test]
    fn a_manifest_listing_a_file_twice_is_refused_even_when_signed() {
        // Signed honestly by the unit's key, but report.json listed twice so that an unlisted
        // file could travel under the count.
        let json: &[u8] = br#"{"figures":{}}"#;
        let key = SigningKey::from_bytes(&SECRET);
        let entry = FileEntry {
            name: "report.json".into(),
            size: json.len() as u64,
            sha256: sha256_hex(json),
        };
        let manifest = Manifest {
            format: FORMAT.into(),
            unit: "Sở Tư pháp".into(),
            kind: ReportKind::Annual,
            year: 2025,
            created: "2025-12-16T02:00:00".into(),
            public_key: hex(key.verifying_key().as_bytes()),
            files: vec![entry.clone(), entry],
        };
        let text = serde_json::to_string(&manifest).unwrap();
        let env = Envelope {
            format: FORMAT.into(),
            signature: hex(&key.sign(text.as_bytes()).to_bytes()),
            manifest: text,
            files: [
                ("report.json".to_string(), hex(json)),
                ("rider.exe".to_string(), hex(b"MZ unsigned")),
            ]
            .into_iter()
            .collect(),
        };
        let e = open(&serde_json::to_vec(&env).unwrap()).unwrap_err();
        assert!(
            matches!(&e, CoreError::Refused(r) if r.code == "bundle_invalid" && r.message.contains("nhiều lần")),
            "{e:?}"
        );
    }

    #[test]
    fn hex_is_strict_lowercase() {
        assert_eq!(unhex("00ff"), Some(vec![0, 255]));
        assert_eq!(unhex("00FF"), None);
        assert_eq!(unhex("0"), None);
        assert!(parse_public_key(&"ab".repeat(31)).is_err());
    }
}
