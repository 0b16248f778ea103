//! bmnn-core: the domain of state-secret protection (bảo vệ bí mật nhà nước, BMNN).
//!
//! Every legal rule of bmnn lives in this crate and nowhere else. The crate is pure: no SQL,
//! no HTTP, no files, no clock. Time arrives as arguments; storage is reached through the
//! [`ports::Tx`] trait that `bmnn-store` implements; rules that a decree can change arrive as
//! data ([`rules::RuleSet`], loaded from `rules/*.toml`) and are picked by the date of each act.
//!
//! Map:
//! - [`level`]: the three levels (độ mật) and clearance.
//! - [`rules`]: regimes as data (periods, authority matrix, stamps, register templates).
//! - [`dates`]: date arithmetic (expiry, deadlines) and Vietnamese date formatting.
//! - [`model`]: organisation, catalogue, secret items, requests, register entries, notices.
//! - [`policy`]: who may decide what, under which regime, with which delegation.
//! - [`acts`]: the closed list of acts (thao tác) with their codes and titles.
//! - [`service`]: the one service layer; every act (classify, register, hand over, copy, …).
//! - [`obligations`]: what is due or overdue on a given date.
//! - [`programme`]: programme records (staff, training, devices, incidents …), reports, bundles.
//! - [`audit`]: the hash chain over every change.
//! - [`text`]: Vietnamese folding for search.
//! - [`validate`]: input hygiene (characters, NFC, lengths, date bounds, units) for every service.
#![forbid(unsafe_code)]

pub mod access;
pub mod acts;
pub mod audit;
pub mod dates;
pub mod error;
pub mod import_check;
pub mod level;
pub mod model;
pub mod obligations;
pub mod policy;
pub mod ports;
pub mod programme;
pub mod registers;
pub mod rules;
pub mod rules_override;
pub mod schema;
pub mod service;
pub mod text;
pub mod validate;

pub use error::{CoreError, Refusal};
pub use level::Level;
