//! `mm`: carry one person through the five steps of micromastery —
//! discover, commit, practise, apply, reflect — from the command line.
//!
//! The binary is thin: it parses, calls the library crates and prints.
//! Each command area lives in `cmd/<area>.rs` with its clap `Args` and a `run`.

mod cmd;
mod exit;

use clap::{Args, Parser, Subcommand};
use std::process::ExitCode;

/// Micromastery: master small, concrete skills fast, and prove it.
///
/// The loop: find a high-impact micro-skill, commit to a time-bound goal,
/// practise in focused sessions, apply it for real, reflect, repeat.
/// Start with `mm demo` then `mm status` to see a journey.
#[derive(Debug, Parser)]
#[command(name = "mm", version, about, long_about, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Database URL: a SQLite path or sqlite:// URL, or postgres://...
    /// [default: $XDG_DATA_HOME/micromastery/mm.db]
    #[arg(long, global = true, env = "MM_DATABASE_URL", value_name = "URL")]
    pub db: Option<String>,
    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build, search and inspect the ESCO + O*NET skill taxonomy.
    Taxonomy(cmd::taxonomy::TaxonomyArgs),
    /// Find ESCO skill mentions in texts (JSON Lines, CSV or plain text).
    Extract(cmd::extract::ExtractArgs),
    /// Map a phrase or sentence to ranked ESCO skills.
    Map(cmd::map::MapArgs),
    /// Measure the skill rankers on benchmark files.
    Eval(cmd::eval::EvalArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<()> = match cli.command {
        Command::Taxonomy(a) => cmd::taxonomy::run(a, &cli.global),
        Command::Extract(a) => cmd::extract::run(a, &cli.global),
        Command::Map(a) => cmd::map::run(a, &cli.global),
        Command::Eval(a) => cmd::eval::run(a, &cli.global),
    };
    exit::finish(result, &cli.global)
}
