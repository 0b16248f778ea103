//! The `bmnn` binary end to end: each test runs the real command in a fresh data folder.

mod at_rest;
mod audit;
mod cli;
mod import;
mod keys;
mod rules;
mod scan_folder;
mod upgrade;
