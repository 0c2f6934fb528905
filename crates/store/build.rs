//! Rebuild when a migration changes: `sqlx::migrate!` embeds the files,
//! and a stable compiler does not track them on its own (a stale build
//! would run the old schema and still pass).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
