//! `mm next`: after a goal is achieved, what to tackle next and why.

use super::discover::{hinted, role_query, taxonomy};
use crate::Global;
use crate::ctx::Ctx;
use crate::ui::outln;
use anyhow::Result;
use clap::Args;
use mm_app::ErrorKind;

/// Suggest what to tackle after an achieved goal, each with its reasons.
///
/// Without --goal it builds on your latest achieved goal; before any is
/// achieved, on your latest goal under way (what follows it is worth
/// planning already).
///
/// Micro-skills come first, following the catalogue's links from the one
/// you mastered: its next steps, what builds on it, prerequisites you have
/// not achieved yet, then other micro-skills of the same skill. Related
/// skills follow. Candidates are adjacent to the achieved goal's skill in the taxonomy (ESCO
/// skill relations, narrower and broader skills, siblings under the same
/// parent) or in the market (skills asked for together in postings, lift > 1).
/// They are weighted by adjacency (0.45), demand for your target role (0.30:
/// essential 1, optional 0.5), posting share (0.15) and how micro they are
/// (0.10). Skills you hold are left out.
///
/// Examples:
///   mm next                      # after your latest achieved goal
///   mm next --goal 3 --role "data analyst" --top 5
#[derive(Debug, Args)]
pub struct NextArgs {
    /// The achieved goal to build on (default: the latest achieved, else
    /// the latest under way).
    #[arg(long)]
    pub goal: Option<mm_core::GoalId>,
    /// Target role (default: the stored target role).
    #[arg(long)]
    pub role: Option<String>,
    /// Suggestions to show.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

pub fn run(a: NextArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let tax = taxonomy()?;
    let role = role_query(a.role.as_deref(), None);
    let n = ctx
        .block(mm_app::discover::next(&ctx.app, &tax, a.goal, &role, a.top))
        .map_err(|e| match (e.kind(), a.goal) {
            (ErrorKind::Conflict, Some(id)) => {
                hinted(e, format!("check it with `mm goal check {id}`"))
            }
            (ErrorKind::NotFound, None) if e.what() == Some("goal") => hinted(
                e,
                "`mm next` suggests what follows a goal: find one with `mm discover --role \"<title>\"`, then `mm goal new --from 1`",
            ),
            (ErrorKind::Invalid, _) if e.field() == Some("skill") => hinted(
                e,
                "link it to an ESCO skill with `mm skill link <skill> <concept>`",
            ),
            _ => e,
        })?;
    if g.json {
        return crate::ctx::print_json(&n);
    }
    outln!(
        "After goal {}{} ({}, skill {:?}){}:",
        n.after_goal,
        if n.after_state == "achieved" {
            String::new()
        } else {
            format!(", {} (none achieved yet)", n.after_state)
        },
        n.micro_skill,
        n.skill_label,
        n.role
            .as_ref()
            .map(|r| format!(", for {}", r.title()))
            .unwrap_or_else(|| {
                " (no target role: set one with `mm profile set --target-role \"<title>\"`)".into()
            })
    )?;
    if !n.micro.is_empty() {
        outln!("Micro-skills to take on next (commit: mm goal new --from <id>):")?;
        for m in &n.micro {
            let time = match (m.hours, m.weeks) {
                (Some(h), Some(w)) => format!(" ({h} h over {w} wk)"),
                _ => String::new(),
            };
            outln!("  {} [{}]{time}", m.name, m.id)?;
            outln!("       - {}", m.reason)?;
        }
    }
    if n.suggestions.is_empty() {
        outln!(
            "  No neighbours of this skill in the taxonomy or the postings that you do not already hold."
        )?;
        return Ok(());
    }
    outln!("Related skills:")?;
    for s in &n.suggestions {
        outln!("  {}. {} ({:.3})  <{}>", s.rank, s.label, s.score, s.uri)?;
        for r in &s.reasons {
            outln!("       - {r}")?;
        }
    }
    outln!("Commit to one: mm goal new --from <uri>")
}
