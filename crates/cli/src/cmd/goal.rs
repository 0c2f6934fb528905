//! `mm goal`: commit to a clear, time-bound goal, tick its done-when criteria,
//! extend it honestly, and ask the mastery rule whether it is achieved.

use crate::Global;
use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::ui;
use crate::ui::outln;
use anyhow::Result;
use clap::{Args, Subcommand};
use mm_app::goals::{self, CreatedGoal, Drafted, MicroChoice, NewGoalInput};
use mm_core::mastery::{Condition, MasteryReport};
use mm_core::parse::format_minutes;
use mm_core::*;

/// Exit code of `mm goal check` when the mastery rule is not met yet.
pub const NOT_YET: u8 = 3;

/// Goals: a micro-skill, a deadline, a weekly budget, done-when criteria.
#[derive(Debug, Subcommand)]
pub enum GoalCmd {
    /// Commit to a goal.
    ///
    /// Example: mm goal new 1 --deadline +2w --weekly 2h30m
    ///          --done-when "pivot 10k rows by region and month in under 5 minutes"
    New(GoalNew),
    /// List goals with their state and pace.
    List {
        /// Include achieved and abandoned goals.
        #[arg(long)]
        all: bool,
    },
    /// Show a goal: criteria, extensions, pace and the mastery conditions.
    Show {
        /// The goal's id (see `mm goal list`).
        goal: GoalId,
    },
    /// Tick a done-when criterion (by its number in `mm goal show`).
    Tick {
        /// The goal's id (see `mm goal list`).
        goal: GoalId,
        /// Criterion number, from 1.
        criterion: usize,
        /// Untick it instead.
        #[arg(long)]
        undo: bool,
    },
    /// Move the deadline. The old deadline and your reason are kept.
    Extend {
        /// The goal's id (see `mm goal list`).
        goal: GoalId,
        /// The new deadline: 2026-12-20, +1w, ...
        #[arg(long, allow_hyphen_values = true)]
        to: String,
        /// Why (kept with the goal's history).
        #[arg(long)]
        reason: String,
    },
    /// Give a goal up, saying why.
    Abandon {
        /// The goal's id (see `mm goal list`).
        goal: GoalId,
        #[arg(long)]
        reason: String,
    },
    /// Ask the mastery rule whether the goal is achieved; marks it so when
    /// every condition holds. Exits 0 when achieved, 3 when conditions remain.
    Check {
        /// The goal's id (see `mm goal list`).
        goal: GoalId,
    },
}

#[derive(Debug, Args)]
pub struct GoalNew {
    /// The micro-skill to master (id or exact name).
    #[arg(required_unless_present = "from")]
    pub micro: Option<String>,
    /// Start from a suggestion: a catalogue id (`mm micro catalogue search`),
    /// a rank from the last `mm discover` list (1, 2, ...) or an ESCO skill URI.
    /// When the suggestion has a catalogue micro-skill, its name, principles,
    /// done-when criteria, weekly budget, deadline and target level fill the
    /// goal (anything you give overrides them); otherwise a micro-skill is
    /// drafted from the skill's broader and related knowledge.
    #[arg(long, value_name = "ID|RANK|URI", conflicts_with = "micro")]
    pub from: Option<String>,
    /// Deadline: a date (2026-12-08) or an offset (+2w, +10d)
    /// [default: the micro-skill's suggested weeks, else +2w].
    #[arg(long, allow_hyphen_values = true)]
    pub deadline: Option<String>,
    /// Weekly practice budget: 2h30m, 90m, 1.5h
    /// [default: the micro-skill's typical hours over its weeks, else 2h].
    #[arg(long)]
    pub weekly: Option<String>,
    /// An observable done-when criterion (repeat for several; each is ticked on its own).
    #[arg(
        long = "done-when",
        value_name = "CRITERION",
        required_unless_present = "from"
    )]
    pub done_when: Vec<String>,
    /// Target level on the Dreyfus scale: 1-5 or novice..expert
    /// [default: the micro-skill's target, else 3].
    #[arg(long)]
    pub level: Option<Level>,
    /// When practice starts (default today).
    #[arg(long, allow_hyphen_values = true, default_value = "today")]
    pub start: String,
}

pub fn run(cmd: GoalCmd, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let app = &ctx.app;
    match cmd {
        GoalCmd::New(a) => {
            let micro = match (&a.from, a.micro) {
                (Some(from), _) => super::discover::suggested_micro(&ctx, from)?,
                (None, Some(m)) => MicroChoice::Existing(m),
                (None, None) => {
                    anyhow::bail!("name the micro-skill, or start from a suggestion with --from")
                }
            };
            let created = ctx.block(goals::new_goal(
                app,
                NewGoalInput {
                    micro,
                    deadline: a.deadline,
                    weekly: a.weekly,
                    done_when: a.done_when,
                    level: a.level,
                    start: a.start,
                },
            ))?;
            if ctx.json {
                return ctx.print_json(&created.goal);
            }
            print_created(&created)?;
        }
        GoalCmd::List { all } => {
            let rows = ctx.block(goals::list(app, all))?;
            if ctx.json {
                return ctx.print_json(&rows);
            }
            if rows.is_empty() {
                outln!("No open goals. Commit to one with `mm goal new`, or see all with --all.")?;
                return Ok(());
            }
            let mut t = ui::table(["id", "micro-skill", "state", "deadline", "minutes", "pace"]);
            for r in &rows {
                t.add_row(vec![
                    r.goal.id.to_string(),
                    r.micro_skill.clone(),
                    r.goal.state.to_string(),
                    r.goal.deadline.to_string(),
                    format!(
                        "{} / {}",
                        format_minutes(r.pace.minutes_done),
                        format_minutes(r.pace.minutes_planned)
                    ),
                    if r.goal.state.is_closed() {
                        String::new()
                    } else {
                        r.pace.status.as_str().to_owned()
                    },
                ]);
            }
            outln!("{t}")?;
        }
        GoalCmd::Show { goal } => {
            let v = ctx.block(goals::show(app, goal))?;
            if ctx.json {
                return ctx.print_json(&v);
            }
            let gl = &v.goal;
            outln!("Goal {}: {}", gl.id, v.micro_skill.name)?;
            outln!(
                "  {} · target level {} · {} → {} · {} a week",
                gl.state,
                gl.target_level,
                gl.start,
                gl.deadline,
                format_minutes(gl.weekly_minutes)
            )?;
            outln!(
                "  principles: {}",
                v.micro_skill
                    .principles
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
            outln!("  done when:")?;
            for (i, c) in gl.criteria.iter().enumerate() {
                outln!("    {} {}. {}", ui::mark(c.met_at.is_some()), i + 1, c.text)?;
            }
            for e in &gl.extensions {
                outln!(
                    "  extended on {} from {} to {}: {}",
                    ctx.person().date_of(e.at),
                    e.old_deadline,
                    e.new_deadline,
                    e.reason
                )?;
            }
            if let Some(r) = &gl.abandon_reason {
                outln!("  abandoned: {r}")?;
            }
            if !gl.state.is_closed() {
                print_pace(&v.pace, gl)?;
            }
            outln!("  mastery:")?;
            print_report(&v.mastery, gl.id)?;
        }
        GoalCmd::Tick {
            goal,
            criterion,
            undo,
        } => {
            let gl = ctx.block(goals::tick(app, goal, criterion, !undo))?;
            if ctx.json {
                return ctx.print_json(&gl);
            }
            let c = &gl.criteria[criterion - 1];
            let open = gl.criteria.iter().filter(|c| c.met_at.is_none()).count();
            outln!("{} {}. {}", ui::mark(!undo), criterion, c.text)?;
            outln!(
                "{open} of {} criteria still open. `mm goal check {goal}` asks the mastery rule.",
                gl.criteria.len()
            )?;
        }
        GoalCmd::Extend { goal, to, reason } => {
            let gl = ctx.block(goals::extend(app, goal, &to, &reason))?;
            if ctx.json {
                return ctx.print_json(&gl);
            }
            let e = gl
                .extensions
                .last()
                .expect("extend_goal records an extension");
            outln!(
                "Goal {goal}: deadline moved from {} to {} ({}).",
                e.old_deadline,
                e.new_deadline,
                e.reason
            )?;
        }
        GoalCmd::Abandon { goal, reason } => {
            let gl = ctx.block(goals::abandon(app, goal, &reason))?;
            if ctx.json {
                return ctx.print_json(&gl);
            }
            outln!(
                "Goal {goal} abandoned: {reason}. No shame: pick the next skill with `mm goal new`."
            )?;
        }
        GoalCmd::Check { goal } => {
            let c = ctx.block(goals::check(app, goal))?;
            if ctx.json {
                ctx.print_json(&c)?;
            } else if c.achieved {
                outln!("Goal {goal} is achieved: every condition of the mastery rule holds.")?;
                print_report(&c.mastery, goal)?;
            } else {
                outln!("Goal {goal} is not achieved yet. What is missing:")?;
                print_report(&c.mastery, goal)?;
            }
            if !c.achieved {
                return Err(Exit {
                    code: NOT_YET,
                    message: String::new(),
                }
                .into());
            }
        }
    }
    Ok(())
}

fn print_created(c: &CreatedGoal) -> Result<()> {
    let micro = &c.micro_skill;
    match (&c.drafted, &c.skill) {
        (Some(Drafted::Catalogue { id }), _) => {
            outln!(
                "Micro-skill {}: {} (from the catalogue: {id})",
                micro.id,
                micro.name
            )?;
            for p in &micro.principles {
                outln!("  principle: {}", p.name)?;
            }
        }
        (Some(Drafted::Skill { uri }), Some(skill)) => {
            outln!("Skill {}: {} <{uri}>", skill.id, skill.name)?;
            outln!("Micro-skill {}: {}", micro.id, micro.name)?;
            for p in &micro.principles {
                outln!("  principle: {}", p.name)?;
            }
            outln!(
                "(Edit the wording, principles and criteria to fit your work: see `mm micro --help`.)"
            )?;
        }
        _ => {}
    }
    let goal = &c.goal;
    outln!(
        "Goal {}: {} by {} ({} a week, {} in all), target level {}.",
        goal.id,
        micro.name,
        goal.deadline,
        format_minutes(goal.weekly_minutes),
        format_minutes(goal.planned_minutes()),
        goal.target_level
    )?;
    outln!(
        "Next: practise: mm practice start {} --aim \"<one specific thing>\"  (or log one: mm practice log {} 30m --aim ...)",
        goal.id,
        goal.id
    )?;
    Ok(())
}

pub fn print_report(report: &MasteryReport, goal: GoalId) -> anyhow::Result<()> {
    for c in &report.conditions {
        outln!("    {} {}", ui::mark(c.met), condition_line(c, goal))?;
    }
    Ok(())
}

/// A condition as the CLI says it: what is missing, and the command that
/// records it.
pub fn condition_line(c: &Condition, goal: GoalId) -> String {
    use mm_core::mastery::ConditionKind as K;
    match (c.met, c.kind) {
        (false, K::Application) => format!(
            "{}: use the skill at work or in life and record it with `mm apply`",
            c.detail
        ),
        (false, K::Principles) => format!(
            "{} (write a reflection with `mm reflect --goal {goal} --principle <name>`)",
            c.detail
        ),
        _ => c.detail.clone(),
    }
}

pub fn print_pace(p: &mm_core::pace::Pace, goal: &Goal) -> anyhow::Result<()> {
    outln!(
        "  pace: {} — {} done of {} expected by today ({} planned); this week {} of {}",
        p.status.as_str(),
        format_minutes(p.minutes_done),
        format_minutes(p.minutes_expected),
        format_minutes(p.minutes_planned),
        format_minutes(p.week_minutes),
        format_minutes(p.week_budget),
    )?;
    match p.projected_finish {
        Some(_) if p.minutes_done >= p.minutes_planned => outln!("  planned minutes reached")?,
        Some(d) if d > goal.deadline => outln!(
            "  at this pace the planned minutes are reached on {d}, after the deadline {}",
            goal.deadline
        )?,
        Some(d) => outln!("  at this pace the planned minutes are reached on {d}")?,
        None => outln!("  no practice logged yet")?,
    }
    Ok(())
}
