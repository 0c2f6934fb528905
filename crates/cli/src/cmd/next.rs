//! `mm next`: after a goal is achieved, what to tackle next and why.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui::outln;
use anyhow::{Context, Result, bail};
use clap::Args;
use mm_core::GoalState;
use mm_discover::rank::Ranker;
use mm_taxonomy::Taxonomy;
use mm_taxonomy::occupations::OccupationIndex;

/// Suggest skills to tackle after an achieved goal, each with its reasons.
///
/// Candidates are adjacent to the achieved goal's skill in the taxonomy (ESCO
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
    /// The achieved goal to build on (default: the latest achieved).
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
    let tax = Taxonomy::load_embedded().context("loading the shipped taxonomy")?;
    let goals = ctx.block(ctx.store.list_goals())?;
    let goal = match a.goal {
        Some(id) => {
            let goal = ctx.block(ctx.store.get_goal(id))?;
            if goal.state != GoalState::Achieved {
                bail!(
                    "goal {id} is {}, not achieved: `mm next` builds on achieved goals (check it with `mm goal check {id}`)",
                    goal.state.as_str()
                );
            }
            goal
        }
        None => goals
            .iter()
            .filter(|g| g.state == GoalState::Achieved)
            .max_by_key(|g| (g.closed_at, g.id.0))
            .cloned()
            .context("no achieved goal yet: `mm next` suggests what follows one (see `mm goal check <id>`)")?,
    };
    let micro = ctx.block(ctx.store.get_micro_skill(goal.micro_skill_id))?;
    let skill = ctx.block(ctx.store.get_skill(micro.skill_id))?;
    let Some(achieved) = skill
        .taxonomy_uri
        .as_deref()
        .and_then(|u| tax.skill_by_uri(u))
        .or_else(|| tax.skills_by_label(&skill.name).first().copied())
    else {
        bail!(
            "the skill {:?} of goal {} is not a taxonomy skill, so there are no taxonomy neighbours to suggest; link it with `mm skill` to an ESCO URI",
            skill.name,
            goal.id
        );
    };
    let idx = OccupationIndex::new(&tax);
    let role = super::discover::pick_role(&ctx, &tax, &idx, a.role.as_deref(), None)?;
    // With a role, only its postings speak (as in `mm discover`); without
    // one, co-occurrence over all postings still finds neighbours.
    let market = match &role {
        Some(r) => {
            super::discover::pick_market(&ctx, &tax, r, &super::discover::MarketSource::default())?
        }
        None => super::discover::pick_market_any(&ctx, &tax)?,
    };
    let (held, _) = super::discover::held_skills(&ctx, &tax)?;
    let ranker = Ranker::new(&tax);
    let out = mm_discover::next::suggest(
        &ranker,
        &[achieved],
        &held,
        role.as_ref(),
        market.as_ref().map(|m| &m.0),
        a.top,
    );
    if g.json {
        return crate::ctx::print_json(&serde_json::json!({
            "after_goal": goal.id, "skill": tax.skill(achieved).uri,
            "role": role, "suggestions": out,
        }));
    }
    outln!(
        "After goal {} ({}, skill {:?}){}:",
        goal.id,
        micro.name,
        tax.skill(achieved).preferred,
        role.as_ref()
            .map(|r| format!(", for {}", r.title()))
            .unwrap_or_else(|| {
                " (no target role: set one with `mm profile set --target-role \"<title>\"`)".into()
            })
    )?;
    if out.is_empty() {
        outln!(
            "  No neighbours of this skill in the taxonomy or the postings that you do not already hold."
        )?;
        return Ok(());
    }
    for n in &out {
        outln!("  {}. {} ({:.3})  <{}>", n.rank, n.label, n.score, n.uri)?;
        for r in &n.reasons {
            outln!("       - {r}")?;
        }
    }
    outln!("Commit to one: mm goal new --from <uri>")?;
    Ok(())
}
