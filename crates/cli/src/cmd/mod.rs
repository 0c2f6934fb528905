//! One module per command area. Each exposes a clap `Args`/`Subcommand` type and
//! `run(args, &Global) -> anyhow::Result<()>`; `main.rs` only dispatches.

pub mod arc;
pub mod badge;
pub mod catalogue;
pub mod charts;
pub mod config;
pub mod demo;
pub mod discover;
pub mod edit;
pub mod eval;
pub mod extract;
pub mod goal;
pub mod io;
pub mod map;
pub mod market;
pub mod next;
pub mod plan;
pub mod portfolio;
pub mod practice;
pub mod profile;
pub mod record;
pub mod refresh;
pub mod serve;
pub mod skill;
pub mod status;
pub mod taxonomy;
pub mod team;
pub mod timer;
