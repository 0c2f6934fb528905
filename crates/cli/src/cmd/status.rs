//! `mm status` (where each open goal stands) and `mm review` (the past week).

use crate::Global;
use crate::ctx::Ctx;
use crate::ui;
use crate::ui::outln;
use anyhow::Result;
use chrono::{Duration, NaiveDate};
use clap::Args;
use mm_core::parse::format_minutes;
use mm_core::*;
use serde::Serialize;

/// Where each open goal stands: time to the deadline, this week's minutes
/// against the budget, pace, and which mastery conditions are met.
pub fn status(g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let status = ctx.block(mm_app::status::status(&ctx.app))?;
    let today = status.today;
    if ctx.json {
        return ctx.print_json(&status);
    }
    if status.open.is_empty() {
        outln!(
            "No open goals. Commit to one with `mm goal new`, or load an example journey with `mm demo`."
        )?;
    }
    for s in &status.open {
        let days_left = (s.deadline - today).num_days();
        outln!("Goal {} · {} ({})", s.goal, s.micro_skill, s.state)?;
        outln!(
            "  to deadline {}  {}  {} day{} left",
            s.deadline,
            ui::bar(s.time_elapsed, 20),
            days_left.max(0),
            if days_left == 1 { "" } else { "s" }
        )?;
        outln!(
            "  this week    {}  {} of {}",
            ui::bar(
                f64::from(s.pace.week_minutes) / f64::from(s.pace.week_budget.max(1)),
                20
            ),
            format_minutes(s.pace.week_minutes),
            format_minutes(s.pace.week_budget)
        )?;
        outln!(
            "  practice     {}  {} of {} planned · {}",
            ui::bar(
                f64::from(s.pace.minutes_done) / f64::from(s.pace.minutes_planned.max(1)),
                20
            ),
            format_minutes(s.pace.minutes_done),
            format_minutes(s.pace.minutes_planned),
            s.pace.status.as_str()
        )?;
        let met = s.mastery.conditions.iter().filter(|c| c.met).count();
        outln!(
            "  mastery      {met} of {} conditions met",
            s.mastery.conditions.len()
        )?;
        for c in &s.mastery.conditions {
            outln!("    {} {}", ui::mark(c.met), c.detail)?;
        }
        outln!()?;
    }
    if status.achieved + status.abandoned > 0 {
        outln!(
            "{} achieved, {} abandoned (see `mm goal list --all`).",
            status.achieved,
            status.abandoned
        )?;
    }
    Ok(())
}

/// Look back over a period.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// How many days back, ending today.
    #[arg(long, default_value_t = 7)]
    pub days: u32,
    #[command(flatten)]
    pub charts: crate::cmd::charts::ChartArgs,
}

#[derive(Debug, Serialize)]
struct Day {
    date: NaiveDate,
    minutes: u32,
    sessions: u32,
}

#[derive(Debug, Serialize)]
struct Review {
    from: NaiveDate,
    to: NaiveDate,
    minutes: u32,
    sessions: usize,
    days: Vec<Day>,
    applications: Vec<Application>,
    reflections: Vec<Reflection>,
    achieved: Vec<GoalId>,
    errors_per_rep: Option<f64>,
    #[serde(flatten)]
    insight: crate::cmd::charts::Insight,
}

/// The past week (or --days N): practice per day, applications, reflections,
/// goals achieved.
pub fn review(a: ReviewArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let to = ctx.today();
    let from = mm_core::parse::lookback(to, a.charts.days(a.days))?;
    let in_range = |at: chrono::DateTime<chrono::Utc>| {
        let d = local_date(at, ctx.offset);
        d >= from && d <= to
    };
    let sessions: Vec<Session> = ctx
        .block(ctx.store.list_sessions(None))?
        .into_iter()
        .filter(|s| in_range(s.started_at))
        .collect();
    let mut days: Vec<Day> = (0..=(to - from).num_days())
        .map(|i| Day {
            date: from + Duration::days(i),
            minutes: 0,
            sessions: 0,
        })
        .collect();
    for s in &sessions {
        let i = (local_date(s.started_at, ctx.offset) - from).num_days() as usize;
        days[i].minutes += s.focused_minutes;
        days[i].sessions += 1;
    }
    let reps: u32 = sessions.iter().map(|s| s.reps).sum();
    let errors: u32 = sessions.iter().map(|s| s.errors).sum();
    let review = Review {
        from,
        to,
        minutes: sessions.iter().map(|s| s.focused_minutes).sum(),
        sessions: sessions.len(),
        applications: ctx
            .block(ctx.store.list_applications(None))?
            .into_iter()
            .filter(|x| in_range(x.at))
            .collect(),
        reflections: ctx
            .block(ctx.store.list_reflections())?
            .into_iter()
            .filter(|x| in_range(x.at))
            .collect(),
        achieved: ctx
            .block(ctx.store.list_goals())?
            .into_iter()
            .filter(|g| g.state == GoalState::Achieved && g.closed_at.is_some_and(in_range))
            .map(|g| g.id)
            .collect(),
        errors_per_rep: (reps > 0).then(|| f64::from(errors) / f64::from(reps)),
        days,
        insight: crate::cmd::charts::insight(&ctx, from, to)?,
    };
    if let Some(path) = &a.charts.svg {
        crate::cmd::charts::write_svg(&review.insight, path)?;
    }
    if ctx.json {
        return ctx.print_json(&review);
    }
    outln!("Review {} → {}", review.from, review.to)?;
    let peak = review
        .days
        .iter()
        .map(|d| d.minutes)
        .max()
        .unwrap_or(0)
        .max(1);
    for d in &review.days {
        let w = (f64::from(d.minutes) / f64::from(peak) * 30.0).round() as usize;
        outln!(
            "  {} {:>6} {}",
            d.date.format("%a %d"),
            if d.minutes == 0 {
                "·".to_owned()
            } else {
                format_minutes(d.minutes)
            },
            "█".repeat(w)
        )?;
    }
    outln!(
        "  {} in {} session{}{}",
        format_minutes(review.minutes),
        review.sessions,
        if review.sessions == 1 { "" } else { "s" },
        review
            .errors_per_rep
            .map(|e| format!(", {:.0}% errors per rep", e * 100.0))
            .unwrap_or_default()
    )?;
    outln!("  applications: {}", review.applications.len())?;
    for a in &review.applications {
        outln!("    goal {} · {}: {}", a.goal_id, a.context, a.outcome)?;
    }
    outln!("  reflections: {}", review.reflections.len())?;
    for r in &review.reflections {
        if !r.next.is_empty() {
            outln!("    next: {}", r.next)?;
        }
    }
    if !review.achieved.is_empty() {
        outln!(
            "  achieved: {}",
            review
                .achieved
                .iter()
                .map(|g| format!("goal {g}"))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    if review.sessions == 0 {
        outln!(
            "  No practice this period. A 25-minute session today restarts the habit: mm practice start <goal> --aim ..."
        )?;
    }
    crate::cmd::charts::print(&review.insight)?;
    if let Some(path) = &a.charts.svg {
        eprintln!("Wrote the charts to {}", path.display());
    }
    Ok(())
}
