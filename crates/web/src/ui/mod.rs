//! HTML pages (placeholder until the UI lands).

use crate::AppState;
use axum::Router;
use bmnn_core::ports::Store;

pub fn router<S: Store>(_state: AppState<S>) -> Router {
    Router::new()
}
