//! The single integration-test binary of bmnn-scan (one binary to link, stack.md §11.22).

mod archives;
mod copy;
mod evasion;
mod extraction;
mod faces;
mod fingerprint_oracle;
mod fingerprint_props;
mod formats;
mod mail;
mod markings;
mod negative;
mod normalize_props;
mod office;
mod pool;
mod util;
