//! One module per command area. Each exposes a clap `Args`/`Subcommand` type and
//! `run(args, &Global) -> anyhow::Result<()>`; `main.rs` only dispatches.

pub mod eval;
pub mod extract;
pub mod map;
pub mod taxonomy;
pub mod config;
pub mod demo;
pub mod goal;
pub mod io;
pub mod practice;
pub mod record;
pub mod skill;
pub mod status;
