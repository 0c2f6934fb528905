//! `mm arc`: long-term arcs — the deeper competences your micro-goals build
//! toward — so that quick wins add up to something.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui::outln;
use anyhow::Result;
use clap::Subcommand;
use mm_app::arcs;
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
    let app = &ctx.app;
    match cmd {
        ArcCmd::Add { name, description } => {
            let arc = ctx.block(arcs::add(app, &name, description.as_deref()))?;
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
            let all = ctx.block(arcs::list(app))?;
            if ctx.json {
                return ctx.print_json(&all);
            }
            if all.arcs.is_empty() {
                outln!("No arcs yet: mm arc add \"data analysis\"")?;
            }
            let ids = |m| {
                let v: Vec<String> = all.goals_in(m).iter().map(ToString::to_string).collect();
                v
            };
            for a in &all.arcs {
                let goals = ids(Membership::Arc(a.id));
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
            let standalone = ids(Membership::Standalone);
            if !standalone.is_empty() {
                outln!("standalone: goals {}", standalone.join(", "))?;
            }
        }
        ArcCmd::Assign { goal, arc } => {
            let arc = Some(arc.trim()).filter(|a| !a.eq_ignore_ascii_case("standalone"));
            let m = ctx.block(arcs::assign(app, goal, arc))?;
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
