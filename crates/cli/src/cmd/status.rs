//! `mm status` (where each open goal stands) and `mm review` (the past week).

use crate::Global;
use crate::ctx::Ctx;
use crate::ui;
use crate::ui::outln;
use anyhow::Result;
use clap::Args;
use mm_core::parse::format_minutes;

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
            outln!(
                "    {} {}",
                ui::mark(c.met),
                crate::cmd::goal::condition_line(c, s.goal)
            )?;
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

/// The past week (or --days N): practice per day, applications, reflections,
/// goals achieved.
pub fn review(a: ReviewArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let review = ctx.block(mm_app::review::review(&ctx.app, a.charts.days(a.days)))?;
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
