//! `mm practice`: focused, deliberate sessions — logged after the fact or
//! timed as they happen.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui;
use crate::ui::outln;
use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use mm_app::practice;
use mm_core::GoalId;
use mm_core::parse::{format_minutes, parse_minutes};
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

impl SessionDetails {
    /// The typed details the application takes.
    pub fn typed(self) -> practice::SessionDetails {
        practice::SessionDetails {
            aim: self.aim,
            reps: self.reps,
            errors: self.errors,
            interruptions: self.interruptions,
            difficulty: self.difficulty,
            feedback: self.feedback,
            notes: self.notes,
        }
    }
}

pub fn run(cmd: PracticeCmd, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    match cmd {
        PracticeCmd::Log(a) => {
            let saved = ctx.block(practice::log(
                &ctx.app,
                practice::LogInput {
                    goal: a.goal,
                    minutes: a.minutes,
                    at: a.at,
                    lasted: a.lasted,
                    details: a.details.typed(),
                },
            ))?;
            report_saved(&ctx, &saved)
        }
        PracticeCmd::Start(a) => {
            if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() && !ctx.json {
                crate::cmd::timer::run(&ctx, a)
            } else {
                timer(&ctx, a)
            }
        }
        PracticeCmd::List { goal } => {
            let sessions = ctx.block(practice::list(&ctx.app, goal))?;
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

fn report_saved(ctx: &Ctx, saved: &practice::Saved) -> Result<()> {
    if ctx.json {
        return ctx.print_json(saved);
    }
    let (s, c) = (&saved.session, &saved.counted);
    outln!(
        "Saved session {}: {} on goal {} — {} on {}, {} of {} minutes the mastery rule asks for.",
        s.id,
        format_minutes(s.focused_minutes),
        s.goal_id,
        crate::ui::count(c.sessions, "session"),
        crate::ui::count(c.days, "day"),
        c.minutes,
        c.minutes_required
    )?;
    Ok(())
}

/// The plain foreground timer: a line that ticks each second; Ctrl-C or the
/// limit ends it and the session so far is saved.
fn timer(ctx: &Ctx, a: PracticeStart) -> Result<()> {
    let goal = ctx.block(practice::can_start(&ctx.app, a.goal, &a.details.aim))?;
    let limit = a.limit.as_deref().map(parse_minutes).transpose()?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("cannot catch Ctrl-C")?;
    let started = std::time::Instant::now();
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
    let elapsed = std::time::Duration::from_secs(started.elapsed().as_secs());
    let timed = practice::Timed {
        goal: goal.id,
        focused: elapsed,
        wall: elapsed,
        details: a.details.typed(),
    };
    let mut saved = None;
    match (
        ctx.block(practice::checkpoint(&ctx.app, &timed, &mut saved))?,
        saved,
    ) {
        (true, Some(id)) => report_saved(ctx, &ctx.block(practice::saved(&ctx.app, id))?),
        _ => {
            eprintln!("Under a minute: nothing saved.");
            Ok(())
        }
    }
}
