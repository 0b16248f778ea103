//! Rebuild when a migration is added or changed (they are embedded with `embed_migrations!`).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
