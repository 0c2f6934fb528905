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

// Journeys and areas, one module each (once separate test binaries: one
// binary links the whole product once instead of fifteen times).
mod bad_input;
mod badge;
mod bring_postings;
mod catalogue_cli;
mod discover_cli;
mod durability;
mod edit;
mod first_use;
mod journal;
mod market_parquet;
mod practice;
mod roles_tech;
mod taxonomy_cli;
mod team_cli;
mod timer_tmux;
mod whole_loop;
