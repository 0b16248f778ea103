//! The storage suite: the same scenarios on SQLite (always) and PostgreSQL (when
//! `TEST_DATABASE_URL` points at a server; `scripts/test` starts a throwaway cluster). Each
//! test gets a fresh database on each backend.

mod accounts;
mod acts_walk;
mod audit_view;
mod backup_stream;
mod cipher;
mod clearance_model;
mod external;
mod helpers;
mod import;
mod law_acts;
mod levels;
mod outage;
mod paging;
mod pickers;
mod report_aggregate;
mod scenarios;
mod search;
