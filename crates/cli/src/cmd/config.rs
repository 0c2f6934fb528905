//! `mm config`: the person's settings, starting with the mastery rule.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui::outln;
use anyhow::Result;
use clap::{Args, Subcommand};

/// Settings.
#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Show or change how much deliberate practice the mastery rule asks for.
    /// The rule can be tuned, never bypassed: criteria, an application and
    /// reflection on every principle are always required.
    Mastery(MasteryArgs),
}

#[derive(Debug, Args)]
pub struct MasteryArgs {
    /// At least this many sessions (default 3).
    #[arg(long)]
    pub min_sessions: Option<u32>,
    /// On at least this many different days (default 3).
    #[arg(long)]
    pub min_days: Option<u32>,
    /// At least this share of the planned minutes, 0 to 1 (default 0.6).
    #[arg(long)]
    pub min_minutes_share: Option<f64>,
}

pub fn run(cmd: ConfigCmd, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    match cmd {
        ConfigCmd::Mastery(a) => {
            let mut rule = ctx.mastery_rule()?;
            let changing =
                a.min_sessions.is_some() || a.min_days.is_some() || a.min_minutes_share.is_some();
            if let Some(n) = a.min_sessions {
                rule.min_sessions = n;
            }
            if let Some(n) = a.min_days {
                rule.min_days = n;
            }
            if let Some(f) = a.min_minutes_share {
                rule.min_minutes_share = f;
            }
            if changing {
                rule.validate()?;
                ctx.block(ctx.store.set_mastery_rule(&rule))?;
            }
            if ctx.json {
                return ctx.print_json(&rule);
            }
            outln!(
                "Mastery rule: every done-when criterion ticked, at least one real application, every principle reflected on, and at least {} sessions on {} different days covering {:.0}% of the planned minutes.",
                rule.min_sessions,
                rule.min_days,
                rule.min_minutes_share * 100.0
            )?;
        }
    }
    Ok(())
}
