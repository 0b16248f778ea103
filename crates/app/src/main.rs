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
            eprintln!("Lỗi: {e:#}");
            ExitCode::from(2)
        }
    }
}
