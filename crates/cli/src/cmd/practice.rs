//! `mm practice`: focused, deliberate sessions — logged after the fact or
//! timed as they happen.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui;
use crate::ui::outln;
use anyhow::{Context as _, Result};
use chrono::{Duration, Utc};
use clap::{Args, Subcommand};
use mm_core::parse::{format_minutes, parse_minutes};
use mm_core::*;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Practice sessions.
#[derive(Debug, Subcommand)]
pub enum PracticeCmd {
    /// Record a session after the fact.
    ///
    /// Example: mm practice log 1 45m --at "yesterday 18:00" --aim "group by month"
    ///          --reps 8 --errors 2 --difficulty 3
    Log(PracticeLog),
    /// Time a session now. Ctrl-C (or the --for limit) ends it and saves it.
    Start(PracticeStart),
    /// List sessions.
    List {
        /// Only this goal's.
        goal: Option<GoalId>,
    },
}

#[derive(Debug, Args)]
pub struct SessionDetails {
    /// The session's one specific aim.
    #[arg(long)]
    pub aim: String,
    /// Repetitions done.
    #[arg(long, default_value_t = 0)]
    pub reps: u32,
    /// Errors made.
    #[arg(long, default_value_t = 0)]
    pub errors: u32,
    /// Interruptions.
    #[arg(long, default_value_t = 0)]
    pub interruptions: u32,
    /// How hard it was: 1 (easy) to 5 (very hard).
    #[arg(long)]
    pub difficulty: Option<u8>,
    /// Feedback received or noticed.
    #[arg(long)]
    pub feedback: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct PracticeLog {
    /// The goal's id (see `mm goal list`).
    pub goal: GoalId,
    /// Focused time: 45m, 1h15m.
    pub minutes: String,
    /// When it started: now, 18:30, yesterday 18:30, 2026-11-20 07:00.
    #[arg(long, allow_hyphen_values = true, default_value = "now")]
    pub at: String,
    /// Wall-clock length if longer than the focused time (breaks included).
    #[arg(long)]
    pub lasted: Option<String>,
    #[command(flatten)]
    pub details: SessionDetails,
}

#[derive(Debug, Args)]
pub struct PracticeStart {
    /// The goal's id (see `mm goal list`).
    pub goal: GoalId,
    /// Stop by itself after this long (25m, 50m). Without it, Ctrl-C stops.
    #[arg(long = "for", value_name = "DURATION")]
    pub limit: Option<String>,
    #[command(flatten)]
    pub details: SessionDetails,
}

pub fn run(cmd: PracticeCmd, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    match cmd {
        PracticeCmd::Log(a) => {
            let minutes = parse_minutes(&a.minutes)?;
            let lasted = a
                .lasted
                .as_deref()
                .map(parse_minutes)
                .transpose()?
                .unwrap_or(minutes);
            let mut started_at = ctx.parse_moment(&a.at)?;
            if a.at.trim().eq_ignore_ascii_case("now") {
                // "now" means it just ended.
                started_at -= Duration::minutes(i64::from(lasted));
            }
            let ended_at = started_at + Duration::minutes(i64::from(lasted.max(minutes)));
            let s = ctx.block(ctx.store.log_session(
                &new_session(a.goal, started_at, ended_at, minutes, a.details),
                ctx.now,
            ))?;
            report_saved(&ctx, &s)
        }
        PracticeCmd::Start(a) => {
            if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() && !ctx.json {
                crate::cmd::timer::run(&ctx, a)
            } else {
                timer(&ctx, a)
            }
        }
        PracticeCmd::List { goal } => {
            let sessions = ctx.block(ctx.store.list_sessions(goal))?;
            if ctx.json {
                return ctx.print_json(&sessions);
            }
            if sessions.is_empty() {
                outln!("No sessions yet.")?;
                return Ok(());
            }
            let mut t = ui::table([
                "id",
                "goal",
                "when",
                "focused",
                "aim",
                "reps",
                "errors",
                "difficulty",
            ]);
            for s in &sessions {
                t.add_row(vec![
                    s.id.to_string(),
                    s.goal_id.to_string(),
                    s.started_at
                        .with_timezone(&ctx.offset)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                    format_minutes(s.focused_minutes),
                    s.aim.clone(),
                    s.reps.to_string(),
                    s.errors.to_string(),
                    s.difficulty.map(|d| d.to_string()).unwrap_or_default(),
                ]);
            }
            outln!("{t}")?;
            Ok(())
        }
    }
}

fn new_session(
    goal: GoalId,
    started_at: chrono::DateTime<Utc>,
    ended_at: chrono::DateTime<Utc>,
    minutes: u32,
    d: SessionDetails,
) -> NewSession {
    NewSession {
        goal_id: goal,
        started_at,
        ended_at,
        focused_minutes: minutes,
        interruptions: d.interruptions,
        aim: d.aim,
        reps: d.reps,
        errors: d.errors,
        difficulty: d.difficulty,
        feedback: d.feedback,
        notes: d.notes,
    }
}

fn report_saved(ctx: &Ctx, s: &Session) -> Result<()> {
    if ctx.json {
        return ctx.print_json(s);
    }
    let ev = ctx.block(ctx.store.goal_evidence(s.goal_id))?;
    let report = ev.check(&ctx.mastery_rule()?, ctx.offset);
    outln!(
        "Saved session {}: {} on goal {} — {} on {}, {} of {} minutes the mastery rule asks for.",
        s.id,
        format_minutes(s.focused_minutes),
        s.goal_id,
        crate::ui::count(report.sessions, "session"),
        crate::ui::count(report.days, "day"),
        report.minutes,
        report.minutes_required
    )?;
    Ok(())
}

/// The plain foreground timer: a line that ticks each second; Ctrl-C or the
/// limit ends it and the session so far is saved.
fn timer(ctx: &Ctx, a: PracticeStart) -> Result<()> {
    let goal = ctx.block(ctx.store.get_goal(a.goal))?;
    if goal.state.is_closed() {
        anyhow::bail!("goal {} is already {}", goal.id, goal.state);
    }
    if a.details.aim.trim().is_empty() {
        anyhow::bail!("the session aim must not be empty");
    }
    let limit = a.limit.as_deref().map(parse_minutes).transpose()?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("cannot catch Ctrl-C")?;
    let started = std::time::Instant::now();
    let started_at = Utc::now();
    let tty = std::io::stderr().is_terminal();
    eprintln!(
        "Practising goal {}: {}. Ctrl-C ends the session and saves it.",
        goal.id, a.details.aim
    );
    loop {
        let elapsed = started.elapsed().as_secs();
        if tty {
            let of = limit.map(|l| format!(" of {l}:00")).unwrap_or_default();
            eprint!("\r  {:02}:{:02}{of} ", elapsed / 60, elapsed % 60);
            std::io::stderr().flush().ok();
        }
        if stop.load(Ordering::SeqCst) || limit.is_some_and(|l| elapsed >= u64::from(l) * 60) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    if tty {
        eprintln!();
    }
    let secs = started.elapsed().as_secs();
    let minutes = ((secs + 30) / 60) as u32;
    if minutes == 0 {
        eprintln!("Under a minute: nothing saved.");
        return Ok(());
    }
    let ended_at = started_at + Duration::seconds(secs as i64);
    let s = ctx.block(ctx.store.log_session(
        &new_session(
            goal.id,
            started_at,
            ended_at.max(started_at + Duration::minutes(i64::from(minutes))),
            minutes,
            a.details,
        ),
        ended_at + Duration::minutes(1),
    ))?;
    report_saved(ctx, &s)
}
