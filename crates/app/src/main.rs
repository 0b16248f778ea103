//! `bmnn`: the server and the command line of bmnn, in one binary. Thin: parse the command
//! line, open the data folder and the database, call the services, print.
//!
//! Data folder (`--data`, env `BMNN_DATA`, default `./bmnn-data`): `bmnn.db` (SQLite, unless
//! `--database-url` / `BMNN_DATABASE_URL` names a PostgreSQL server), `keys/keyring.json` (the
//! data key, wrapped only: see `keys.rs`), `backups/` (sealed daily backups), `rules/` (optional
//! overrides of the embedded regime files). The command line acts as the system user (every
//! role, highest clearance). The SQLite database is encrypted (SQLCipher) under a subkey of the
//! data key, so every command that opens it unlocks the key first (`cli::open_service`).

#![forbid(unsafe_code)]

mod audit_cmd;
mod backup;
mod cli;
mod demo;
mod doctor;
mod keys;
mod report_cmd;
mod serve;
mod tls;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A refusal of the services: its Vietnamese message and next step, the code only as
            // a small "mã lỗi" for the administrator.
            match e.downcast_ref::<bmnn_core::error::CoreError>() {
                Some(ce) => {
                    eprintln!("Lỗi: {}", ce.message_vi());
                    if let Some(step) = bmnn_core::error::next_step(ce.code()) {
                        eprintln!("Cách xử lý: {step}");
                    }
                    eprintln!("(mã lỗi: {})", ce.code());
                }
                None => eprintln!("Lỗi: {e:#}"),
            }
            ExitCode::from(2)
        }
    }
}
