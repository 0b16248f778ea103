//! Static assets (CSS, htmx, icons), embedded in the binary with rust-embed.
//!
//! URLs carry the first 16 hex digits of the file's SHA-256 (`/assets/<hash>/app.css`), so a
//! response can be cached forever (`immutable`): a changed file gets a new URL. A stale hash
//! is a 404 rather than the new content under an old name. Nothing is fetched from outside.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

fn hashes() -> &'static HashMap<String, String> {
    static H: OnceLock<HashMap<String, String>> = OnceLock::new();
    H.get_or_init(|| {
        Assets::iter()
            .filter_map(|name| {
                let f = Assets::get(&name)?;
                let h = bmnn_core::audit::hex(&Sha256::digest(&f.data));
                Some((name.to_string(), h[..16].to_string()))
            })
            .collect()
    })
}

/// The cache-busting URL of an embedded asset.
pub fn url(name: &str) -> String {
    match hashes().get(name) {
        Some(h) => format!("/assets/{h}/{name}"),
        None => format!("/assets/missing/{name}"),
    }
}

pub async fn serve(Path((hash, file)): Path<(String, String)>) -> Response {
    let ok = hashes().get(&file).is_some_and(|h| *h == hash);
    match (ok, Assets::get(&file)) {
        (true, Some(f)) => (
            [
                (header::CONTENT_TYPE, mime(&file).to_string()),
                (
                    header::CACHE_CONTROL,
                    "public, max-age=31536000, immutable".to_string(),
                ),
            ],
            f.data.into_owned(),
        )
            .into_response(),
        _ => (StatusCode::NOT_FOUND, "Không tìm thấy tệp.").into_response(),
    }
}

fn mime(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "text/plain; charset=utf-8",
    }
}
