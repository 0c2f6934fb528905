//! The CLI test binary, shaped like ripgrep's: `feature` (what a person can
//! do), `regression` (one test per bug, named after it) and `json` (what
//! scripts read). Every test runs the built `mm` in a fresh temporary home
//! with a fixed clock (`MM_NOW`).

#[path = "../common/mod.rs"]
mod common;
mod util;

mod feature;
mod json;
mod regression;
