//! `mm config`: the person's settings, starting with the mastery rule.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui::outln;
use anyhow::Result;
use clap::{Args, Subcommand};
use mm_app::settings::RuleChange;

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
            let rule = ctx.block(mm_app::settings::mastery_rule(
                &ctx.app,
                RuleChange {
                    min_sessions: a.min_sessions,
                    min_days: a.min_days,
                    min_minutes_share: a.min_minutes_share,
                },
            ))?;
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
