//! JSON API `/api/v1` (placeholder until the API lands).

use crate::AppState;
use axum::Router;
use bmnn_core::ports::Store;

pub fn router<S: Store>(_state: AppState<S>) -> Router {
    Router::new()
}
