//! The one integration-test binary of bmnn-web (stack.md §8: one binary links once).
//! Modules only; shared helpers live in `helpers.rs`.

mod helpers;

mod access_matrix;
mod api_accounts;
mod api_act_defs;
mod api_acts;
mod api_answers;
mod api_bad_input;
mod api_clearance;
mod api_fuzz;
mod api_inbox;
mod api_input;
mod api_law;
mod api_lifecycle;
mod api_offered_acts;
mod api_openapi;
mod api_programme;
mod api_refusals;
mod api_regimes;
mod api_schemathesis;
mod hostile_uploads;
mod opaque_ids;
mod rate_limits;
mod report_seed003;
mod scan_api;
mod scan_availability;
mod slow_uploads;
mod ui_acts;
mod ui_assets;
mod ui_attach;
mod ui_audit;
mod ui_clearance;
mod ui_client;
mod ui_csrf;
mod ui_inbox;
mod ui_pick;
mod ui_programme;
mod ui_session;
mod ui_wording;
