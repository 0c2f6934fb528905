//! `mm`: carry one person through the five steps of micromastery —
//! discover, commit, practise, apply, reflect — from the command line.

use clap::{Parser, Subcommand};

/// Micromastery: master small, concrete skills fast, and prove it.
#[derive(Debug, Parser)]
#[command(name = "mm", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {}

fn main() -> std::process::ExitCode {
    let _cli = Cli::parse();
    std::process::ExitCode::SUCCESS
}
