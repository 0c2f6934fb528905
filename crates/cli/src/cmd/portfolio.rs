//! `mm portfolio`: share what you have mastered, with its credentials.

use crate::Global;
use crate::ui::outln;
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use mm_credentials::portfolio::{PortfolioEntry, json_resume};
use serde_json::Value;
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
    let PortfolioCommand::Export(a) = args.command;
    let ctx = crate::ctx::Ctx::open(g)?;
    if a.clr {
        return export_clr(&a, &ctx, g);
    }
    let mut entries = Vec::new();
    for c in ctx.block(ctx.store.list_credentials(None))? {
        if c.revoked_at.is_some() {
            continue;
        }
        let cred: Value = serde_json::from_str(&c.credential)
            .with_context(|| format!("stored credential {} is damaged", c.id))?;
        let goal = ctx.block(ctx.store.get_goal(c.goal_id))?;
        let micro = ctx.block(ctx.store.get_micro_skill(goal.micro_skill_id))?;
        let skill = ctx.block(ctx.store.get_skill(micro.skill_id))?;
        let mut keywords = vec![skill.name.clone()];
        keywords.extend(micro.principles.iter().map(|p| p.name.clone()));
        let issuer_url = cred["issuer"]["url"].as_str().unwrap_or_default();
        entries.push(PortfolioEntry {
            micro_skill: micro.name.clone(),
            level: Some(u8::from(goal.target_level)),
            keywords,
            issued: c.issued_at.date_naive(),
            issuer: cred["issuer"]["name"]
                .as_str()
                .unwrap_or("Micromastery")
                .to_owned(),
            credential_url: (!issuer_url.is_empty()).then(|| {
                format!(
                    "{}/credentials/{}.json",
                    issuer_url.trim_end_matches('/'),
                    c.id.trim_start_matches("urn:uuid:")
                )
            }),
        });
    }
    if entries.is_empty() {
        bail!("no badges issued yet: achieve a goal, then `mm badge issue <goal>`");
    }
    let doc = json_resume(
        a.name.as_deref(),
        &entries,
        &chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
    );
    let text = serde_json::to_string_pretty(&doc)?;
    match &a.out {
        Some(p) => {
            crate::outfile::write(p, text.as_bytes())?;
            if !g.json {
                eprintln!("Wrote {} skills to {}", entries.len(), p.display());
            }
        }
        None => outln!("{text}")?,
    }
    Ok(())
}

fn export_clr(a: &ExportArgs, ctx: &crate::ctx::Ctx, g: &Global) -> Result<()> {
    let dir = match &a.issuer_dir {
        Some(d) => d.clone(),
        None => dirs::config_dir()
            .context("no configuration directory; set MM_ISSUER_DIR")?
            .join("micromastery")
            .join("issuer"),
    };
    let issuer = mm_credentials::issuer::Issuer::load(&dir)?;
    let mut creds = Vec::new();
    for c in ctx.block(ctx.store.list_credentials(None))? {
        if c.revoked_at.is_none() {
            creds.push(
                serde_json::from_str::<Value>(&c.credential)
                    .with_context(|| format!("stored credential {} is damaged", c.id))?,
            );
        }
    }
    if creds.is_empty() {
        bail!("no badges issued yet: achieve a goal, then `mm badge issue <goal>`");
    }
    let clr = mm_credentials::portfolio::clr(&issuer, &creds, a.name.as_deref(), ctx.now)?;
    let text = serde_json::to_string_pretty(&clr)?;
    match &a.out {
        Some(p) => {
            crate::outfile::write(p, text.as_bytes())?;
            if !g.json {
                eprintln!(
                    "Wrote a CLR of {} badge(s) to {}; check it with `mm badge verify {} --issuer-doc <did.json>`",
                    creds.len(),
                    p.display(),
                    p.display()
                );
            }
        }
        None => outln!("{text}")?,
    }
    Ok(())
}
