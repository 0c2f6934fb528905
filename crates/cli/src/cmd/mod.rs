//! One module per command area. Each exposes a clap `Args`/`Subcommand` type and
//! `run(args, &Global) -> anyhow::Result<()>`; `main.rs` only dispatches.

pub mod config;
pub mod demo;
pub mod eval;
pub mod extract;
pub mod goal;
pub mod io;
pub mod map;
pub mod practice;
pub mod record;
pub mod skill;
pub mod status;
pub mod taxonomy;
