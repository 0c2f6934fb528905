//! `mm plan`: turn a goal's deadline, weekly budget and your availability into
//! dated, focused practice sessions; show them; export them as iCalendar.

use crate::Global;
use crate::cmd::profile;
use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::ui::outln;
use anyhow::Result;
use clap::{Args, Subcommand};
use mm_core::ics::{IcsOptions, PlanForCalendar, write_calendar};
use mm_core::parse::{format_minutes, parse_minutes};
use mm_core::plan::{
    ItemKind, Plan, PlanOutcome, PlanRequest, PlanSettings, PlannedItem, make_plan, missed,
};
use mm_core::*;
use serde::Serialize;
use std::path::PathBuf;

/// Settings key of the items last exported to a calendar.
pub const EXPORTED_KEY: &str = "plan.exported_items";

/// Exit code when the goal no longer fits the availability.
pub const DOES_NOT_FIT: u8 = 4;

/// Plan practice to the deadline.
///
/// `mm plan <goal>` makes (or remakes) the plan from now: focused blocks of
/// 25-50 minutes inside your availability, spread over the days to the
/// deadline, an application checkpoint from the first week and a reflection
/// at the end of each week. Sessions you missed are spread over the time
/// left. When the goal cannot fit any more, nothing is changed and the two
/// honest options are shown: extend (with a reason) or narrow the criteria.
///
/// Example: mm plan 3 ; mm plan show ; mm plan export --ics --alarm 10m -o plan.ics
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct PlanArgs {
    #[command(subcommand)]
    pub cmd: Option<PlanCmd>,
    /// The goal to plan (its id).
    pub goal: Option<GoalId>,
}

#[derive(Debug, Subcommand)]
pub enum PlanCmd {
    /// Print the plan of one goal, or of every open goal.
    Show {
        /// Only this goal.
        goal: Option<GoalId>,
        /// Include items already past.
        #[arg(long)]
        all: bool,
    },
    /// Write the plans as an RFC 5545 calendar file to import into a calendar app.
    /// Re-exporting updates the same events (stable UIDs), never duplicates them.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// iCalendar format (the only one for now).
    #[arg(long, required = true)]
    pub ics: bool,
    /// Add a reminder this long before each session, e.g. 10m.
    #[arg(long, value_name = "DURATION")]
    pub alarm: Option<String>,
    /// Write here instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Only this goal (default: every open goal with a plan).
    #[arg(long)]
    pub goal: Option<GoalId>,
}

pub fn run(a: PlanArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    match (a.cmd, a.goal) {
        (Some(PlanCmd::Show { goal, all }), _) => show(&ctx, goal, all),
        (Some(PlanCmd::Export(e)), _) => export(&ctx, e),
        (None, Some(goal)) => plan(&ctx, goal),
        (None, None) => anyhow::bail!("which goal? mm plan <goal>, or mm plan show"),
    }
}

#[derive(Debug, Serialize)]
struct Planned<'a> {
    plan: &'a Plan,
    missed_sessions: usize,
    missed_minutes: u32,
}

fn plan(ctx: &Ctx, id: GoalId) -> Result<()> {
    let goal = ctx.block(ctx.store.get_goal(id))?;
    let av = profile::require_availability(ctx)?;
    let micro = ctx.block(ctx.store.get_micro_skill(goal.micro_skill_id))?;
    let sessions = ctx.block(ctx.store.list_sessions(Some(id)))?;
    let done: u32 = sessions.iter().map(|s| s.focused_minutes).sum();
    let previous = ctx.block(ctx.store.get_plan(id))?;
    let outcome = make_plan(&PlanRequest {
        goal: &goal,
        availability: &av,
        minutes_done: done,
        now: ctx.now,
        settings: PlanSettings::default(),
        aim: &micro.name,
    })?;
    let plan = match outcome {
        PlanOutcome::Fits(p) => p,
        PlanOutcome::Short(s) => {
            if ctx.json {
                ctx.print_json(&s)?;
            }
            return Err(Exit {
                code: DOES_NOT_FIT,
                message: s.message(id),
            }
            .into());
        }
    };
    let missed_items = previous
        .as_ref()
        .map(|p| missed(p, &sessions, ctx.now, &av))
        .unwrap_or_default();
    let missed_minutes: u32 = missed_items.iter().map(|i| i.minutes).sum();
    ctx.block(ctx.store.save_plan(&plan))?;
    if ctx.json {
        return ctx.print_json(&Planned {
            plan: &plan,
            missed_sessions: missed_items.len(),
            missed_minutes,
        });
    }
    if !missed_items.is_empty() {
        outln!(
            "{} planned session{} passed without practice; {} of practice are spread over the time left.",
            missed_items.len(),
            if missed_items.len() == 1 { "" } else { "s" },
            format_minutes(missed_minutes)
        )?;
    }
    let n = plan.items.iter().filter(|i| i.kind.is_practice()).count();
    outln!(
        "Goal {id}: {} still to practise before {}: {n} focused session{} ({} planned), in {}.",
        format_minutes(plan.minutes_needed),
        plan.deadline,
        if n == 1 { "" } else { "s" },
        format_minutes(plan.practice_minutes()),
        plan.tz
    )?;
    print_items(&plan, ctx.now, false)?;
    outln!("Export to your calendar: mm plan export --ics --alarm 10m -o practice.ics")?;
    Ok(())
}

fn print_items(plan: &Plan, now: chrono::DateTime<chrono::Utc>, all: bool) -> anyhow::Result<()> {
    let mut week = None;
    for it in plan.items.iter().filter(|i| all || i.end() > now) {
        if week != Some(it.week) {
            week = Some(it.week);
            outln!("  {}", it.week)?;
        }
        let kind = match it.kind {
            ItemKind::Practice => "practice",
            ItemKind::Apply => "practice + apply",
            ItemKind::Reflect => "reflect",
        };
        outln!(
            "    {} {}  {:>5}  {kind}",
            it.local_start.format("%a %Y-%m-%d"),
            it.local_start.format("%H:%M"),
            format_minutes(it.minutes)
        )?;
    }
    Ok(())
}

fn open_plans(ctx: &Ctx, only: Option<GoalId>) -> Result<Vec<(Goal, String, Plan)>> {
    let mut out = Vec::new();
    for p in ctx.block(ctx.store.list_plans())? {
        if only.is_some_and(|g| g != p.goal_id) {
            continue;
        }
        let goal = ctx.block(ctx.store.get_goal(p.goal_id))?;
        if goal.state.is_closed() && only.is_none() {
            continue;
        }
        let micro = ctx.block(ctx.store.get_micro_skill(goal.micro_skill_id))?;
        out.push((goal, micro.name, p));
    }
    if let Some(g) = only
        && out.is_empty()
    {
        ctx.block(ctx.store.get_goal(g))?;
        anyhow::bail!("goal {g} has no plan yet: mm plan {g}");
    }
    Ok(out)
}

fn show(ctx: &Ctx, only: Option<GoalId>, all: bool) -> Result<()> {
    let plans = open_plans(ctx, only)?;
    if ctx.json {
        let v: Vec<&Plan> = plans.iter().map(|(_, _, p)| p).collect();
        return ctx.print_json(&v);
    }
    if plans.is_empty() {
        outln!("No plans yet: mm plan <goal>")?;
    }
    let sessions = ctx.block(ctx.store.list_sessions(None))?;
    for (goal, name, p) in &plans {
        let done_by_now = p.practice_minutes_by(ctx.today());
        outln!(
            "Goal {}: {name} — deadline {}, plan made {} ({} planned, {} of it due by today)",
            goal.id,
            goal.deadline,
            p.made_at
                .with_timezone(&ctx.offset)
                .format("%Y-%m-%d %H:%M"),
            format_minutes(p.practice_minutes()),
            format_minutes(done_by_now)
        )?;
        let pace = mm_core::pace::pace(goal, &sessions, ctx.today(), ctx.offset);
        let next = p
            .next_item(ctx.now)
            .map(|i| {
                format!(
                    "; next: {} {}",
                    i.local_start.format("%a %Y-%m-%d %H:%M"),
                    i.kind.as_str()
                )
            })
            .unwrap_or_default();
        outln!(
            "  pace: {} — {} done of {} the budget asks by today{next}",
            pace.status.as_str(),
            format_minutes(pace.minutes_done),
            format_minutes(pace.minutes_expected)
        )?;
        if pace.status == mm_core::pace::PaceStatus::Behind {
            outln!(
                "  behind: `mm plan {}` spreads what is missing over the time left",
                goal.id
            )?;
        }
        if goal.deadline != p.deadline {
            outln!(
                "  the deadline changed since: re-plan with mm plan {}",
                goal.id
            )?;
        }
        print_items(p, ctx.now, all)?;
    }
    Ok(())
}

fn export(ctx: &Ctx, e: ExportArgs) -> Result<()> {
    let alarm = e.alarm.as_deref().map(parse_minutes).transpose()?;
    // Refuse a bad -o before the exported state is recorded.
    if let Some(path) = &e.output {
        crate::outfile::check(path)?;
    }
    let plans = open_plans(ctx, e.goal)?;
    if plans.is_empty() {
        anyhow::bail!("no plans to export yet: mm plan <goal>");
    }
    let tz = profile::timezone(ctx)?;
    let labels: Vec<String> = plans
        .iter()
        .map(|(g, name, _)| format!("{name} (goal {})", g.id))
        .collect();
    let cal: Vec<PlanForCalendar<'_>> = plans
        .iter()
        .zip(&labels)
        .map(|((_, _, p), label)| PlanForCalendar { plan: p, label })
        .collect();
    // Items an earlier export put in the calendar that the plans no longer
    // hold are sent as cancelled, so re-importing removes stale sessions.
    let in_scope = |key: &str| {
        plans
            .iter()
            .any(|(g, _, _)| key.starts_with(&format!("goal{}-", g.id)))
    };
    let previous: Vec<PlannedItem> = match ctx.block(ctx.store.get_setting(EXPORTED_KEY))? {
        Some(v) => serde_json::from_value(v).unwrap_or_default(),
        None => Vec::new(),
    };
    let (cancelled, kept): (Vec<PlannedItem>, Vec<PlannedItem>) =
        previous.into_iter().partition(|i| in_scope(&i.key));
    let current: std::collections::HashSet<&str> = plans
        .iter()
        .flat_map(|(_, _, p)| p.items.iter().map(|i| i.key.as_str()))
        .collect();
    let n_cancelled = cancelled
        .iter()
        .filter(|i| !current.contains(i.key.as_str()))
        .count();
    let text = write_calendar(
        &cal,
        tz,
        ctx.now,
        &IcsOptions {
            alarm_minutes: alarm,
            cancelled,
            ..IcsOptions::default()
        },
    );
    let mut exported = kept;
    exported.extend(plans.iter().flat_map(|(_, _, p)| p.items.iter().cloned()));
    ctx.block(
        ctx.store
            .set_setting(EXPORTED_KEY, &serde_json::to_value(&exported)?),
    )?;
    match e.output {
        Some(path) => {
            crate::outfile::write(&path, text.as_bytes())?;
            let n: usize = plans.iter().map(|(_, _, p)| p.items.len()).sum();
            let gone = if n_cancelled > 0 {
                format!(" and cancelled {n_cancelled} the new plan dropped")
            } else {
                String::new()
            };
            eprintln!("Wrote {n} events{gone} to {}", path.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(text.as_bytes())?;
        }
    }
    Ok(())
}
