//! The single integration-test binary of bmnn-scan (one binary to link, stack.md §11.22).

mod archives;
mod copy;
mod evasion;
mod extraction;
mod faces;
mod fingerprint_oracle;
mod fingerprint_props;
mod formats;
mod html_evasion;
mod mail;
mod markings;
mod negative;
mod normalize_props;
mod office;
mod pdf_evasion;
mod pool;
mod util;
