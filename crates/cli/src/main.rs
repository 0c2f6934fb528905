//! `mm`: carry one person through the five steps of micromastery —
//! discover, commit, practise, apply, reflect — from the command line.
//!
//! The binary is thin: it parses, calls the library crates and prints.
//! Each command area lives in `cmd/<area>.rs` with its clap `Args` and a `run`.

// The doc comments of the clap types are the `--help` text people read in a
// terminal, where `m<id>` and bare URLs are what they should see; rustdoc's
// HTML checks do not apply to them.
#![allow(rustdoc::bare_urls, rustdoc::invalid_html_tags)]

mod cmd;
mod ctx;
mod exit;
#[cfg(test)]
mod hint_tests;
mod outfile;
mod ui;

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
    /// Load an example journey (one goal achieved, one in progress) into a fresh database.
    Demo,
    /// Where each open goal stands: deadline, this week's minutes, pace, mastery conditions.
    Status,
    /// Rank high-impact micro-skills for a role, with the evidence behind each.
    Discover(cmd::discover::DiscoverArgs),
    /// Market analysis of job postings: shares, trends, co-occurring skills.
    #[command(subcommand)]
    Market(cmd::market::MarketCmd),
    /// After an achieved goal: related skills to tackle next, with reasons.
    Next(cmd::next::NextArgs),
    /// Build, search and inspect the ESCO + O*NET skill taxonomy.
    Taxonomy(cmd::taxonomy::TaxonomyArgs),
    /// Find ESCO skill mentions in texts (JSON Lines, CSV or plain text).
    Extract(cmd::extract::ExtractArgs),
    /// Map a phrase or sentence to ranked ESCO skills.
    Map(cmd::map::MapArgs),
    /// Skills you hold or want: taxonomy concepts or your own.
    #[command(subcommand)]
    Skill(cmd::skill::SkillCmd),
    /// Micro-skills: narrow, observable capabilities with their principles.
    #[command(subcommand)]
    Micro(cmd::skill::MicroCmd),
    /// Commit to time-bound goals, tick criteria, check mastery.
    #[command(subcommand)]
    Goal(cmd::goal::GoalCmd),
    /// Plan practice to the deadline: dated focused sessions, calendar export.
    Plan(cmd::plan::PlanArgs),
    /// Focused practice sessions: log one or time one now.
    #[command(subcommand)]
    Practice(cmd::practice::PracticeCmd),
    /// Record using the skill for real, with evidence.
    Apply(cmd::record::ApplyArgs),
    /// Reflect: what worked, what did not, what next, which principles.
    Reflect(cmd::record::ReflectArgs),
    /// Look back over the past week: practice per day, applications, reflections.
    Review(cmd::status::ReviewArgs),
    /// Spaced refreshers (FSRS) that keep achieved skills alive.
    Refresh(cmd::refresh::RefreshArgs),
    /// Long-term arcs: the deeper competences your micro-goals build toward.
    #[command(subcommand)]
    Arc(cmd::arc::ArcCmd),
    /// When you can practise (weekly windows, time zone) and your desired retention.
    #[command(subcommand)]
    Profile(cmd::profile::ProfileCmd),
    /// Open Badges 3.0 micro-credentials: issue, verify, revoke, bake.
    Badge(cmd::badge::BadgeArgs),
    /// Export your mastered micro-skills with their credentials.
    Portfolio(cmd::portfolio::PortfolioArgs),
    /// Write the whole journal as one versioned JSON document.
    Export(cmd::io::ExportArgs),
    /// Load an exported journal into a fresh database (all or nothing).
    Import(cmd::io::ImportArgs),
    /// Change a recorded session, application, reflection, micro-skill or
    /// skill; kept in `mm history`.
    #[command(subcommand)]
    Edit(cmd::edit::EditCmd),
    /// Delete a session, application, reflection or goal (asks first, or --yes).
    Delete(cmd::edit::DeleteArgs),
    /// Take back the latest edit or deletion (or #N from `mm history`).
    Undo(cmd::edit::UndoArgs),
    /// The edits and deletions made to the journal, oldest first.
    History(cmd::edit::HistoryArgs),
    /// The web app in your browser, over the same journal (prints the URL to open).
    Serve(cmd::serve::ServeArgs),
    /// Set up the team server (`mm serve --team`): its tables and organisations.
    #[command(subcommand)]
    Team(cmd::team::TeamCmd),
    /// Settings, such as the mastery rule.
    #[command(subcommand)]
    Config(cmd::config::ConfigCmd),
    /// Measure the skill rankers on benchmark files.
    Eval(cmd::eval::EvalArgs),
}

fn main() -> ExitCode {
    quiet_on_broken_pipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    let g = &cli.global;
    let result: anyhow::Result<()> = match cli.command {
        Command::Demo => cmd::demo::run(g),
        Command::Status => cmd::status::status(g),
        Command::Review(a) => cmd::status::review(a, g),
        Command::Skill(c) => cmd::skill::run(c, g),
        Command::Micro(c) => cmd::skill::run_micro(c, g),
        Command::Goal(c) => cmd::goal::run(c, g),
        Command::Practice(c) => cmd::practice::run(c, g),
        Command::Apply(a) => cmd::record::apply(a, g),
        Command::Reflect(a) => cmd::record::reflect(a, g),
        Command::Export(a) => cmd::io::export(a, g),
        Command::Import(a) => cmd::io::import(a, g),
        Command::Edit(c) => cmd::edit::edit(c, g),
        Command::Delete(a) => cmd::edit::delete(a, g),
        Command::Undo(a) => cmd::edit::undo(a, g),
        Command::History(a) => cmd::edit::history(a, g),
        Command::Config(c) => cmd::config::run(c, g),
        Command::Serve(a) => cmd::serve::run(a, g),
        Command::Team(c) => cmd::team::run(c, g),
        Command::Profile(c) => cmd::profile::run(c, g),
        Command::Plan(a) => cmd::plan::run(a, g),
        Command::Refresh(a) => cmd::refresh::run(a, g),
        Command::Arc(c) => cmd::arc::run(c, g),
        Command::Badge(a) => cmd::badge::run(a, g),
        Command::Portfolio(a) => cmd::portfolio::run(a, g),
        Command::Market(c) => cmd::market::run(c, g),
        Command::Discover(a) => cmd::discover::run(a, g),
        Command::Next(a) => cmd::next::run(a, g),
        Command::Taxonomy(a) => cmd::taxonomy::run(a, g),
        Command::Extract(a) => cmd::extract::run(a, g),
        Command::Map(a) => cmd::map::run(a, g),
        Command::Eval(a) => cmd::eval::run(a, g),
    };
    exit::finish(result, g)
}

/// Print clap's help, version or usage error; a stdout that refuses the
/// help (`mm --help > /dev/full`) is an error, a closed pipe is not.
fn clap_exit(e: &clap::Error) -> ExitCode {
    use std::io::Write as _;
    match e.print() {
        Ok(()) => ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2)),
        Err(io) if io.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(io) => {
            let _ = writeln!(
                std::io::stderr(),
                "mm: cannot write to standard output: {io}"
            );
            ExitCode::FAILURE
        }
    }
}

/// The last resort, for a bug that still panics: the commands print through
/// `ui::outln!` and return errors, so nothing here should fire. A broken pipe
/// (a `println!` added later, `mm status | head`) ends quietly with success;
/// any other panic prints one `mm:` line naming it as a bug, and the full
/// trace only when `RUST_BACKTRACE` asks for it.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("Broken pipe") {
            std::process::exit(0);
        }
        if std::env::var_os("RUST_BACKTRACE").is_some() {
            return default(info);
        }
        use std::io::Write as _;
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "mm: internal error{place}: {msg}; please report it"
        );
    }));
}
