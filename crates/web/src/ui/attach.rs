//! Attachments (tệp đính kèm): the electronic file of an item, encrypted at rest.
//!
//! Format of a stored blob (version 1): `"BMNNATT" | 0x01 | nonce (24 bytes) | ciphertext+tag`,
//! XChaCha20-Poly1305 under the configured data key with a fresh random nonce. The associated
//! data is the 8-byte header plus the item id, so a blob moved to another item fails to open.
//! Opening a file is a POST (it writes the "attachment.view" audit record) and only works
//! within the user's clearance; the response is always a download, never rendered inline.

use super::guard::{
    DeferredCsrf, FormError, Me, read_multipart, refused_csrf, refused_slow_upload,
};
use super::view::error_page;
use crate::{AppState, WebError, ctx_for};
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bmnn_core::CoreError;
use bmnn_core::model::Id;
use bmnn_core::ports::Store;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

const MAGIC: &[u8; 7] = b"BMNNATT";
const VERSION: u8 = 1;
const HEADER_LEN: usize = 8;
const NONCE_LEN: usize = 24;

fn aad(item_id: Id) -> Vec<u8> {
    let mut a = Vec::with_capacity(HEADER_LEN + 8);
    a.extend_from_slice(MAGIC);
    a.push(VERSION);
    a.extend_from_slice(&item_id.to_le_bytes());
    a
}

/// Encrypts an item's file for storage.
pub fn encrypt_attachment(key: &[u8; 32], item_id: Id, plain: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).expect("OS randomness");
    let ad = aad(item_id);
    let ct = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plain,
                aad: &ad,
            },
        )
        .expect("encryption of an in-memory buffer");
    let mut out = Vec::with_capacity(HEADER_LEN + NONCE_LEN + ct.len());
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

/// Decrypts a stored blob; None when the header, the key, the item or the bytes do not match.
pub fn decrypt_attachment(key: &[u8; 32], item_id: Id, blob: &[u8]) -> Option<Vec<u8>> {
    if blob.len() < HEADER_LEN + NONCE_LEN + 16 || &blob[..7] != MAGIC || blob[7] != VERSION {
        return None;
    }
    let nonce: [u8; NONCE_LEN] = blob[HEADER_LEN..HEADER_LEN + NONCE_LEN].try_into().ok()?;
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    let ad = aad(item_id);
    cipher
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: &blob[HEADER_LEN + NONCE_LEN..],
                aad: &ad,
            },
        )
        .ok()
}

/// POST /items/{id}/attachments (multipart): `_csrf` first, then `file`.
pub async fn upload<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(crate::pubid::Pid(item_id)): Path<crate::pubid::Pid>,
    deferred: Option<axum::Extension<DeferredCsrf>>,
    mut mp: Multipart,
) -> Response {
    let file = match read_multipart(deferred, &mut mp).await {
        Ok(parts) => parts.into_iter().find(|p| p.name == "file").map(|p| {
            (
                p.file_name.unwrap_or_default(),
                p.content_type
                    .unwrap_or_else(|| "application/octet-stream".into()),
                p.bytes,
            )
        }),
        Err(FormError::Csrf) => return refused_csrf(),
        Err(FormError::TimedOut) => return refused_slow_upload(),
        Err(FormError::TooLarge) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "Tệp quá lớn.").into_response();
        }
        Err(FormError::Malformed) => {
            return (StatusCode::BAD_REQUEST, "Tệp tải lên không hợp lệ.").into_response();
        }
    };
    let Some((fname, mime, bytes)) = file.filter(|f| !f.2.is_empty()) else {
        return error_page(
            &me,
            &WebError(CoreError::invalid("file", "hãy chọn một tệp để tải lên")),
        );
    };
    if let Some(why) = refused_type(&fname, &bytes) {
        return error_page(&me, &WebError(CoreError::invalid("file", why)));
    }
    let key = st.cfg.data_key;
    let ctx = ctx_for(me.user.id);
    let for_index = (fname.clone(), bytes.clone());
    let res = st
        .run(move |svc| {
            let sha = bmnn_core::audit::hex(&Sha256::digest(&bytes));
            let size = bytes.len() as i64;
            let blob = encrypt_attachment(&key, item_id, &bytes);
            svc.add_attachment(&ctx, item_id, &fname, &mime, size, &sha, &blob)
        })
        .await;
    match res {
        Ok(_) => {
            // The item's text joins the leak scanner's copy index (kept encrypted). A file from
            // which no text could be extracted is stored but cannot be recognised in copies:
            // the page says so (issue 16).
            let flash = match crate::scanning::index_item_file(
                &st,
                &st.scan,
                ctx,
                item_id,
                for_index.0,
                for_index.1,
            )
            .await
            {
                Ok(0) => "uploaded_unread",
                Ok(_) => "uploaded",
                Err(e) => {
                    tracing::warn!(item = item_id, code = e.0.code(), "item text not indexed");
                    "uploaded_unread"
                }
            };
            let mut r = Redirect::to(&format!("/items/{}?ok={flash}", crate::pubid::Pid(item_id)))
                .into_response();
            *r.status_mut() = StatusCode::SEE_OTHER;
            r
        }
        Err(e) => error_page(&me, &e),
    }
}

/// Extensions of programs and scripts: an item's electronic file is a document or a picture.
const PROGRAM_EXTENSIONS: [&str; 16] = [
    "exe", "dll", "com", "scr", "msi", "bat", "cmd", "ps1", "vbs", "vbe", "js", "jse", "wsf",
    "jar", "sh", "lnk",
];

/// Why an uploaded file is refused before anything is stored (None: accepted). A program is
/// never an item's file, and a file whose bytes contradict its extension (a `.pdf` that is not
/// a PDF, a `.docx` that is not a zip) is damaged or disguised: either way nobody could open it
/// as what it claims to be.
pub fn refused_type(file_name: &str, bytes: &[u8]) -> Option<String> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let program =
        bytes.starts_with(b"MZ") || bytes.starts_with(b"\x7fELF") || bytes.starts_with(b"#!");
    if program || PROGRAM_EXTENSIONS.contains(&ext.as_str()) {
        return Some(
            "không nhận tệp chương trình hoặc tập lệnh; tệp đính kèm phải là văn bản hoặc hình ảnh"
                .into(),
        );
    }
    let head = &bytes[..bytes.len().min(1024)];
    let matches = match ext.as_str() {
        "pdf" => head.windows(5).any(|w| w == b"%PDF-"),
        "docx" | "docm" | "dotx" | "xlsx" | "pptx" | "odt" | "ods" | "odp" | "zip" => {
            bytes.starts_with(b"PK\x03\x04")
        }
        "doc" | "xls" | "ppt" => bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]),
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xff, 0xd8, 0xff]),
        "gif" => bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a"),
        "tif" | "tiff" => bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*"),
        _ => true,
    };
    (!matches).then(|| {
        format!("nội dung tệp không khớp với phần mở rộng .{ext} (tệp hỏng hoặc bị đổi tên)")
    })
}

/// POST /attachments/{id}/view: decrypts and downloads, recorded in the audit chain.
pub async fn view<S: Store>(
    State(st): State<AppState<S>>,
    me: Me,
    Path(crate::pubid::Pid(id)): Path<crate::pubid::Pid>,
) -> Response {
    let ctx = ctx_for(me.user.id);
    let key = st.cfg.data_key;
    let res = st
        .run(move |svc| {
            let (m, blob) = svc.view_attachment(&ctx, id)?;
            let plain = decrypt_attachment(&key, m.item_id, &blob).ok_or_else(|| {
                CoreError::Storage(format!("attachment {id}: authentication failed"))
            })?;
            Ok((m, plain))
        })
        .await;
    match res {
        Ok((m, plain)) => (
            [
                (header::CONTENT_TYPE, "application/octet-stream".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    crate::download::disposition(&m.file_name),
                ),
            ],
            plain,
        )
            .into_response(),
        Err(e) => error_page(&me, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_and_disguised_files_are_refused() {
        assert!(refused_type("bao-cao.pdf", b"%PDF-1.7\n...").is_none());
        assert!(refused_type("ghi-chu.txt", b"MZ...").is_some(), "a program");
        assert!(refused_type("cai-dat.exe", b"abc").is_some());
        assert!(refused_type("bao-cao.pdf", b"not a pdf").is_some());
        assert!(refused_type("bao-cao.DOCX", b"PK\x03\x04rest").is_none());
        assert!(refused_type("bao-cao.docx", b"%PDF-1.7").is_some());
        assert!(refused_type("anh.png", b"\x89PNG\r\n\x1a\nIHDR").is_none());
        assert!(refused_type("khong-duoi", b"anything").is_none());
    }

    #[test]
    fn round_trip_and_binding() {
        let key = [7u8; 32];
        let blob = encrypt_attachment(&key, 42, b"noi dung mat");
        assert_eq!(&blob[..7], MAGIC);
        assert_eq!(
            decrypt_attachment(&key, 42, &blob).as_deref(),
            Some(&b"noi dung mat"[..])
        );
        assert!(
            decrypt_attachment(&key, 43, &blob).is_none(),
            "bound to the item"
        );
        assert!(
            decrypt_attachment(&[8u8; 32], 42, &blob).is_none(),
            "wrong key"
        );
        let mut bad = blob.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(
            decrypt_attachment(&key, 42, &bad).is_none(),
            "authenticated"
        );
        let other = encrypt_attachment(&key, 42, b"noi dung mat");
        assert_ne!(blob, other, "fresh nonce each time");
    }
}
