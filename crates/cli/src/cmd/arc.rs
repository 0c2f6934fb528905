//! `mm arc`: long-term arcs — the deeper competences your micro-goals build
//! toward — so that quick wins add up to something.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui::outln;
use anyhow::Result;
use clap::Subcommand;
use mm_core::GoalId;
use mm_core::balance::Membership;

/// Long-term arcs and which goals belong to them.
#[derive(Debug, Subcommand)]
pub enum ArcCmd {
    /// Declare a long-term arc, a deeper competence such as "data analysis".
    ///
    /// Example: mm arc add "data analysis" --description "from pivots to models"
    Add {
        name: String,
        #[arg(long)]
        description: Option<String>,
    },
    /// List arcs and the goals in each.
    List,
    /// Put a goal in an arc (deeper study), or mark it standalone (a quick win).
    ///
    /// Example: mm arc assign 3 "data analysis" ; mm arc assign 4 standalone
    Assign {
        goal: GoalId,
        /// Arc id or name, or `standalone`.
        arc: String,
    },
}

pub fn run(cmd: ArcCmd, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    match cmd {
        ArcCmd::Add { name, description } => {
            let arc = ctx.block(ctx.store.add_arc(&name, description.as_deref(), ctx.now))?;
            if ctx.json {
                return ctx.print_json(&arc);
            }
            outln!(
                "Arc {}: {}. Link goals to it: mm arc assign <goal> {}",
                arc.id,
                arc.name,
                arc.id
            )?;
        }
        ArcCmd::List => {
            let arcs = ctx.block(ctx.store.list_arcs())?;
            let members = ctx.block(ctx.store.goal_memberships())?;
            if ctx.json {
                let m: Vec<(GoalId, Membership)> = members.into_iter().collect();
                return ctx.print_json(&serde_json::json!({ "arcs": arcs, "goals": m }));
            }
            if arcs.is_empty() {
                outln!("No arcs yet: mm arc add \"data analysis\"")?;
            }
            for a in &arcs {
                let mut goals: Vec<String> = members
                    .iter()
                    .filter(|(_, m)| **m == Membership::Arc(a.id))
                    .map(|(g, _)| g.to_string())
                    .collect();
                goals.sort();
                outln!(
                    "{}: {}{} — goals: {}",
                    a.id,
                    a.name,
                    a.description
                        .as_deref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default(),
                    if goals.is_empty() {
                        "none yet".into()
                    } else {
                        goals.join(", ")
                    }
                )?;
            }
            let mut standalone: Vec<String> = members
                .iter()
                .filter(|(_, m)| **m == Membership::Standalone)
                .map(|(g, _)| g.to_string())
                .collect();
            standalone.sort();
            if !standalone.is_empty() {
                outln!("standalone: goals {}", standalone.join(", "))?;
            }
        }
        ArcCmd::Assign { goal, arc } => {
            let m = if arc.trim().eq_ignore_ascii_case("standalone") {
                Membership::Standalone
            } else {
                Membership::Arc(ctx.block(ctx.store.find_arc(&arc))?.id)
            };
            ctx.block(ctx.store.set_goal_arc(goal, m))?;
            if ctx.json {
                return ctx.print_json(&m);
            }
            match m {
                Membership::Standalone => outln!("Goal {goal} is standalone (a quick win).")?,
                Membership::Arc(a) => outln!("Goal {goal} builds toward arc {a}.")?,
            }
        }
    }
    Ok(())
}
