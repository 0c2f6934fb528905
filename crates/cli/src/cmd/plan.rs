//! `mm plan`: turn a goal's deadline, weekly budget and your availability into
//! dated, focused practice sessions; show them; export them as iCalendar.

use crate::Global;
use crate::ctx::Ctx;
use crate::exit::{self, Exit};
use crate::ui::outln;
use anyhow::Result;
use clap::{Args, Subcommand};
use mm_app::plan::{CalendarRequest, GoalPlan, PlanResult};
use mm_core::GoalId;
use mm_core::parse::{format_minutes, parse_minutes};
use mm_core::plan::{ItemKind, Plan, Shortfall};
use std::path::PathBuf;

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

/// The CLI's words for an error of planning: how to set what is missing.
fn planning_hint(e: mm_app::Error, goal: Option<GoalId>) -> anyhow::Error {
    match (e.field(), goal) {
        (Some("availability"), _) => exit::hinted(
            e,
            "mm profile set --availability \"mon-fri 07:00-07:40, sat 10:00-11:30\" --timezone Europe/Paris",
        ),
        (Some("goal"), Some(g)) => exit::hinted(e, format!("mm plan {g}")),
        _ => e.into(),
    }
}

fn plan(ctx: &Ctx, id: GoalId) -> Result<()> {
    let planned = match ctx
        .block(mm_app::plan::plan(&ctx.app, id))
        .map_err(|e| planning_hint(e, Some(id)))?
    {
        PlanResult::Fits(p) => p,
        PlanResult::Short(s) => {
            if ctx.json {
                ctx.print_json(&s)?;
            }
            return Err(Exit {
                code: DOES_NOT_FIT,
                message: shortfall(&s, id),
            }
            .into());
        }
    };
    if ctx.json {
        return ctx.print_json(&planned);
    }
    let plan = &planned.plan;
    if planned.missed_sessions > 0 {
        outln!(
            "{} planned session{} passed without practice; {} of practice are spread over the time left.",
            planned.missed_sessions,
            if planned.missed_sessions == 1 {
                ""
            } else {
                "s"
            },
            format_minutes(planned.missed_minutes)
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
    print_items(plan, ctx.now, false)?;
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

fn show(ctx: &Ctx, only: Option<GoalId>, all: bool) -> Result<()> {
    let plans = ctx
        .block(mm_app::plan::plans(&ctx.app, only))
        .map_err(|e| planning_hint(e, only))?;
    if ctx.json {
        let v: Vec<&Plan> = plans.iter().map(|gp| &gp.plan).collect();
        return ctx.print_json(&v);
    }
    if plans.is_empty() {
        outln!("No plans yet: mm plan <goal>")?;
    }
    let sessions = ctx.block(ctx.store.list_sessions(None))?;
    for GoalPlan {
        goal,
        name,
        plan: p,
    } in &plans
    {
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
    let alarm_minutes = e.alarm.as_deref().map(parse_minutes).transpose()?;
    // Refuse a bad -o before the exported state is recorded.
    if let Some(path) = &e.output {
        crate::outfile::check(path)?;
    }
    let req = CalendarRequest {
        goal: e.goal,
        alarm_minutes,
    };
    let cal = ctx
        .block(mm_app::plan::export_calendar(&ctx.app, &req))
        .map_err(|err| match err.field() {
            Some(_) => planning_hint(err, e.goal),
            None => exit::hinted(err, "mm plan <goal>"),
        })?;
    match e.output {
        Some(path) => {
            crate::outfile::write(&path, cal.text.as_bytes())?;
            let gone = if cal.cancelled > 0 {
                format!(" and cancelled {} the new plan dropped", cal.cancelled)
            } else {
                String::new()
            };
            eprintln!("Wrote {} events{gone} to {}", cal.events, path.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(cal.text.as_bytes())?;
        }
    }
    Ok(())
}

/// Why the goal no longer fits, and the two honest options, as one paragraph.
fn shortfall(s: &Shortfall, goal_id: GoalId) -> String {
    let mut m = format!(
        "the goal no longer fits: it needs {} more minutes of practice but your availability \
         holds {} minutes in focused blocks before the deadline {} — {} minutes are missing.",
        s.minutes_needed, s.minutes_available, s.deadline, s.minutes_missing
    );
    if !s.windows_too_short.is_empty() {
        m.push_str(&format!(
            " (Windows too short for a focused block: {}.)",
            s.windows_too_short.join(", ")
        ));
    }
    m.push_str(" Two honest options: ");
    match s.extend_to {
        Some(d) => m.push_str(&format!(
            "(1) extend the deadline to {d} or later, with a reason: \
             `mm goal extend {goal_id} --to {d} --reason \"...\"`; "
        )),
        None => m.push_str(
            "(1) add availability (`mm profile set --availability ...`) and extend the \
             deadline, with a reason; ",
        ),
    }
    m.push_str("(2) narrow the done-when criteria to what the time can hold, then plan again.");
    m
}
