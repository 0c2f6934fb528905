//! `mm goal`: commit to a clear, time-bound goal, tick its done-when criteria,
//! extend it honestly, and ask the mastery rule whether it is achieved.

use crate::Global;
use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::ui;
use crate::ui::outln;
use anyhow::Result;
use clap::{Args, Subcommand};
use mm_core::mastery::MasteryReport;
use mm_core::pace::pace;
use mm_core::parse::{format_minutes, parse_date, parse_minutes};
use mm_core::*;
use serde::Serialize;

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
    match cmd {
        GoalCmd::New(mut a) => {
            let today = ctx.today();
            let entry = match &a.from {
                Some(from) => super::catalogue::entry_for_suggestion(&ctx, from)?,
                None => None,
            };
            // Everything the person typed is checked before anything is written.
            let deadline = match (&a.deadline, entry.as_ref().and_then(|e| e.weeks)) {
                (Some(d), _) => d.clone(),
                (None, Some(w)) => format!("+{w}w"),
                (None, None) => "+2w".into(),
            };
            let weekly_minutes = match (&a.weekly, entry.as_ref().and_then(|e| e.weekly_minutes()))
            {
                (Some(w), _) => parse_minutes(w)?,
                (None, Some(m)) => m,
                (None, None) => 120,
            };
            let target_level = a
                .level
                .or(entry.as_ref().map(|e| e.dreyfus))
                .unwrap_or(Level::Competent);
            let start = parse_date(&a.start, today)?;
            let deadline = parse_date(&deadline, today)?;
            if let Some(e) = &entry
                && a.done_when.is_empty()
            {
                a.done_when = e.done_when.clone();
            }
            let mut check = NewGoal {
                micro_skill_id: MicroSkillId(0),
                target_level,
                start,
                deadline,
                weekly_minutes,
                criteria: if a.done_when.is_empty() {
                    vec!["drafted below".into()]
                } else {
                    a.done_when.clone()
                },
            };
            check.validate(today)?;
            let micro = match (&a.from, &a.micro, &entry) {
                (Some(_), _, Some(e)) => {
                    let micro = super::catalogue::micro_from_entry(&ctx, e)?;
                    if !ctx.json {
                        outln!(
                            "Micro-skill {}: {} (from the catalogue: {})",
                            micro.id,
                            micro.name,
                            e.id
                        )?;
                        for p in &micro.principles {
                            outln!("  principle: {}", p.name)?;
                        }
                    }
                    micro
                }
                (Some(from), _, None) => {
                    let (micro, done_when) = super::discover::micro_from_suggestion(&ctx, from)?;
                    if a.done_when.is_empty() {
                        a.done_when.push(done_when);
                    }
                    micro
                }
                (None, Some(m), _) => ctx.block(ctx.store.find_micro_skill(m))?,
                (None, None, _) => {
                    anyhow::bail!("name the micro-skill, or start from a suggestion with --from")
                }
            };
            check.micro_skill_id = micro.id;
            check.criteria = a.done_when;
            let goal = ctx.block(ctx.store.create_goal(&check, ctx.now, today))?;
            if ctx.json {
                return ctx.print_json(&goal);
            }
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
        }
        GoalCmd::List { all } => {
            let goals = ctx.block(ctx.store.list_goals())?;
            let goals: Vec<_> = goals
                .into_iter()
                .filter(|g| all || !g.state.is_closed())
                .collect();
            let sessions = ctx.block(ctx.store.list_sessions(None))?;
            let micros = ctx.block(ctx.store.list_micro_skills(None))?;
            if ctx.json {
                return ctx.print_json(&goals);
            }
            if goals.is_empty() {
                outln!("No open goals. Commit to one with `mm goal new`, or see all with --all.")?;
                return Ok(());
            }
            let mut t = ui::table(["id", "micro-skill", "state", "deadline", "minutes", "pace"]);
            for goal in &goals {
                let p = pace(goal, &sessions, ctx.today(), ctx.offset);
                t.add_row(vec![
                    goal.id.to_string(),
                    micros
                        .iter()
                        .find(|m| m.id == goal.micro_skill_id)
                        .map(|m| m.name.clone())
                        .unwrap_or_default(),
                    goal.state.to_string(),
                    goal.deadline.to_string(),
                    format!(
                        "{} / {}",
                        format_minutes(p.minutes_done),
                        format_minutes(p.minutes_planned)
                    ),
                    if goal.state.is_closed() {
                        String::new()
                    } else {
                        p.status.as_str().to_owned()
                    },
                ]);
            }
            outln!("{t}")?;
        }
        GoalCmd::Show { goal } => {
            let ev = ctx.block(ctx.store.goal_evidence(goal))?;
            let report = ev.check(&ctx.mastery_rule()?, ctx.offset);
            let p = pace(&ev.goal, &ev.sessions, ctx.today(), ctx.offset);
            if ctx.json {
                #[derive(Serialize)]
                struct Out<'a> {
                    goal: &'a Goal,
                    micro_skill: &'a MicroSkill,
                    pace: &'a mm_core::pace::Pace,
                    mastery: &'a MasteryReport,
                    sessions: usize,
                    applications: usize,
                }
                return ctx.print_json(&Out {
                    goal: &ev.goal,
                    micro_skill: &ev.micro_skill,
                    pace: &p,
                    mastery: &report,
                    sessions: ev.sessions.len(),
                    applications: ev.applications.len(),
                });
            }
            let gl = &ev.goal;
            outln!("Goal {}: {}", gl.id, ev.micro_skill.name)?;
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
                ev.micro_skill
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
                    e.at.with_timezone(&ctx.offset).date_naive(),
                    e.old_deadline,
                    e.new_deadline,
                    e.reason
                )?;
            }
            if let Some(r) = &gl.abandon_reason {
                outln!("  abandoned: {r}")?;
            }
            if !gl.state.is_closed() {
                print_pace(&p, gl)?;
            }
            outln!("  mastery:")?;
            print_report(&report)?;
        }
        GoalCmd::Tick {
            goal,
            criterion,
            undo,
        } => {
            let gl = ctx.block(ctx.store.tick_criterion(goal, criterion, !undo, ctx.now))?;
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
            let new = parse_date(&to, ctx.today())?;
            let gl = ctx.block(ctx.store.extend_goal(goal, new, &reason, ctx.now))?;
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
            let gl = ctx.block(ctx.store.abandon_goal(goal, &reason, ctx.now))?;
            if ctx.json {
                return ctx.print_json(&gl);
            }
            outln!(
                "Goal {goal} abandoned: {reason}. No shame: pick the next skill with `mm goal new`."
            )?;
        }
        GoalCmd::Check { goal } => {
            let rule = ctx.mastery_rule()?;
            let (gl, report) =
                ctx.block(ctx.store.try_achieve(goal, &rule, ctx.offset, ctx.now))?;
            if ctx.json {
                ctx.print_json(&serde_json::json!({
                    "goal": gl.id, "state": gl.state, "achieved": report.achieved(), "mastery": report,
                }))?;
            } else if report.achieved() {
                outln!("Goal {goal} is achieved: every condition of the mastery rule holds.")?;
                print_report(&report)?;
            } else {
                outln!("Goal {goal} is not achieved yet. What is missing:")?;
                print_report(&report)?;
            }
            if !report.achieved() {
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

pub fn print_report(report: &MasteryReport) -> anyhow::Result<()> {
    for c in &report.conditions {
        outln!("    {} {}", ui::mark(c.met), c.detail)?;
    }
    Ok(())
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
