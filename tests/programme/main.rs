//! Programme records, reports and signed bundles on real stores (SQLite always, PostgreSQL
//! when `TEST_DATABASE_URL` is set), through the services and the `bmnn report` command.

mod bundles;
mod helpers;
mod plan;
mod records;
mod reports;
