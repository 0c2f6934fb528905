//! `mm export` / `mm import`: the whole journal as one versioned JSON document
//! (format version 2; version 1 exports still import).

use crate::Global;
use crate::ctx::Ctx;
use crate::ui::outln;
use anyhow::{Context as _, Result};
use clap::Args;
use mm_core::journal::Journal;
use std::io::Read;
use std::path::PathBuf;

/// Write everything you recorded as one JSON document (stdout by default):
/// skills, micro-skills, goals, practice, applications, reflections, plans
/// and calendar state, arcs, retention cards, issued badges as signed and
/// their revocations, saved market analyses, profile, settings and the
/// history of edits. `mm import` reads it back into a fresh database, on
/// SQLite or PostgreSQL.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to this file instead of stdout (written whole, then moved into place).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn export(a: ExportArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let journal = ctx.block(mm_app::journal::export(&ctx.app))?;
    let text = serde_json::to_string_pretty(&journal)?;
    match a.output {
        None => crate::outfile::write(std::path::Path::new("-"), (text + "\n").as_bytes())?,
        Some(path) => {
            crate::outfile::write(&path, (text + "\n").as_bytes())?;
            eprintln!(
                "Exported {} goals, {} sessions, {} badges and {} market analyses to {}.",
                journal.goals.len(),
                journal.sessions.len(),
                journal.credentials.len(),
                journal.market_analyses.len(),
                path.display()
            );
        }
    }
    Ok(())
}

/// Load a journal written by `mm export` (any format version up to this
/// build's) into a fresh database. It is checked completely first and then
/// written in one transaction: all or nothing.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The journal file, or - for stdin.
    pub file: PathBuf,
}

pub fn import(a: ImportArgs, g: &Global) -> Result<()> {
    let mut text = String::new();
    if a.file.as_os_str() == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read stdin")?;
    } else {
        std::fs::File::open(&a.file)
            .and_then(|mut f| f.read_to_string(&mut text))
            .with_context(|| format!("cannot read {}", a.file.display()))?;
    }
    let journal = Journal::from_json(&text)
        .with_context(|| format!("{} was not imported", a.file.display()))?;
    // Checked whole before the database is even opened: a refused journal
    // leaves nothing behind, not even a new empty database.
    mm_app::journal::check(&journal, mm_app::Clock::from_env()?)
        .with_context(|| format!("{} was not imported", a.file.display()))?;
    let ctx = Ctx::open(g)?;
    let counts = ctx.block(mm_app::journal::import(&ctx.app, &journal))?;
    if ctx.json {
        return ctx.print_json(&counts);
    }
    outln!(
        "Imported {} skills, {} micro-skills, {} goals, {} sessions, {} applications, {} reflections into {}.",
        counts.skills,
        counts.micro_skills,
        counts.goals,
        counts.sessions,
        counts.applications,
        counts.reflections,
        ctx.store.location()
    )?;
    outln!(
        "Also {} plans, {} arcs, {} retention cards, {} badges, {} market analyses and {} history records.",
        counts.plans,
        counts.arcs,
        counts.retention_cards,
        counts.credentials,
        counts.market_analyses,
        counts.history
    )?;
    Ok(())
}
