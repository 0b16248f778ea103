//! The `bmnn` binary end to end: each test runs the real command in a fresh data folder.

mod cli;
