//! `mm portfolio`: share what you have mastered, with its credentials.

use crate::Global;
use crate::ui::out;
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Export your mastered micro-skills and their badges for employers.
#[derive(Debug, Args)]
pub struct PortfolioArgs {
    #[command(subcommand)]
    pub command: PortfolioCommand,
}

#[derive(Debug, Subcommand)]
pub enum PortfolioCommand {
    /// Export the portfolio.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write a JSON Resume (jsonresume.org schema 1.3.1): skills with levels,
    /// certificates linking to each credential.
    #[arg(long, required_unless_present = "clr", conflicts_with = "clr")]
    pub json_resume: bool,
    /// Write a CLR 2.0 ClrCredential instead: every unrevoked badge bundled
    /// and signed by your issuer (checked with `mm badge verify`).
    #[arg(long)]
    pub clr: bool,
    /// Where the issuer's keys live (for --clr) [default: $XDG_CONFIG_HOME/micromastery/issuer].
    #[arg(long, env = "MM_ISSUER_DIR", value_name = "DIR")]
    pub issuer_dir: Option<PathBuf>,
    /// Your name, for the resume's basics section.
    #[arg(long)]
    pub name: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub fn run(args: PortfolioArgs, g: &Global) -> Result<()> {
    use mm_app::portfolio::Format;
    let PortfolioCommand::Export(a) = args.command;
    let ctx = crate::ctx::Ctx::open(g)?;
    let format = if a.clr {
        Format::Clr
    } else {
        Format::JsonResume
    };
    let keys = if format.needs_issuer() {
        Some(super::badge::key_store(a.issuer_dir.as_deref())?)
    } else {
        None
    };
    let p = ctx.block(mm_app::portfolio::contents(
        &ctx.app,
        format,
        keys.as_ref(),
        a.name.as_deref(),
    ))?;
    let text = p.text();
    let Some(path) = &a.out else {
        return out!("{text}");
    };
    crate::outfile::write(path, text.as_bytes())?;
    if !g.json {
        match format {
            Format::Clr => eprintln!(
                "Wrote a CLR of {} badge(s) to {}; check it with `mm badge verify {} --issuer-doc <did.json>`",
                p.badges,
                path.display(),
                path.display()
            ),
            Format::JsonResume => eprintln!("Wrote {} skills to {}", p.badges, path.display()),
        }
    }
    Ok(())
}
