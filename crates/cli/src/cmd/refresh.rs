//! `mm refresh`: keep achieved skills alive with short, spaced refreshers
//! scheduled by FSRS at your desired retention.

use crate::Global;
use crate::ctx::Ctx;
use crate::exit;
use crate::ui::{out, outln};
use anyhow::Result;
use clap::{Args, Subcommand};
use mm_app::refresh::{self, CardView, Refreshers};
use mm_core::parse::parse_date;
use mm_core::retention::{Rating, Subject};
use std::io::{BufRead, IsTerminal, Write};

/// Refreshers for what you have mastered.
///
/// When a goal is achieved, its micro-skill and each principle get a memory
/// state. `mm refresh` lists what is due and, in a terminal, runs each
/// refresher: redo the done-when criteria, or explain the principle in your
/// own words, then say how it went (again, hard, good, easy). The next one is
/// scheduled so you still recall it with your desired retention (default
/// 0.9: mm profile set --retention 0.85).
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RefreshArgs {
    #[command(subcommand)]
    pub cmd: Option<RefreshCmd>,
}

#[derive(Debug, Subcommand)]
pub enum RefreshCmd {
    /// List refreshers: due ones, or every card with --all.
    List {
        #[arg(long)]
        all: bool,
    },
    /// Record how one refresher went, without prompts.
    ///
    /// Example: mm refresh rate m3 good ; mm refresh rate p7 hard --on 2026-12-01
    Rate {
        /// The card: m<id> for a micro-skill, p<id> for a principle (as `mm refresh list` shows).
        card: String,
        /// again, hard, good or easy (or 1-4).
        rating: String,
        /// The day it was done (default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// Fit your own FSRS parameters from your refresher history and report
    /// the change in predicted log loss (lower predicts you better).
    #[command(alias = "optimize")]
    Optimise,
}

pub fn run(a: RefreshArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let app = &ctx.app;
    match a.cmd {
        None => {
            let r = ctx.block(refresh::list(app, false))?;
            if !ctx.json && std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
                interactive(&ctx, &r)
            } else {
                list(&ctx, &r)
            }
        }
        Some(RefreshCmd::List { all }) => {
            let r = ctx.block(refresh::list(app, all))?;
            list(&ctx, &r)
        }
        Some(RefreshCmd::Rate { card, rating, on }) => {
            // Parse everything before touching anything.
            let rating: Rating = rating.parse()?;
            let on = on.map(|d| parse_date(&d, ctx.today())).transpose()?;
            let next = ctx
                .block(refresh::rate(app, &card, rating, on))
                .map_err(|e| match e.kind() {
                    mm_app::ErrorKind::NotFound => {
                        exit::hinted(e, "see mm refresh list --all (m<id> or p<id>)")
                    }
                    _ => e.into(),
                })?;
            if ctx.json {
                return ctx.print_json(&next);
            }
            let on = next.last_review;
            outln!(
                "{} ({}): {rating}. Next refresher on {} ({} days).",
                next.label,
                refresh::card_ref(next.subject),
                next.due,
                (next.due - on).num_days()
            )?;
            Ok(())
        }
        Some(RefreshCmd::Optimise) => {
            let o = ctx
                .block(refresh::optimise_params(app))
                .map_err(|e| match e.kind() {
                    mm_app::ErrorKind::Invalid => {
                        exit::hinted(e, "keep doing `mm refresh` and try again")
                    }
                    _ => e.into(),
                })?;
            if ctx.json {
                return ctx.print_json(&o);
            }
            outln!(
                "Fitted your FSRS parameters on {} reviews{}.",
                o.reviews,
                if o.full_fit {
                    ""
                } else {
                    " (first-review stabilities only: the full fit needs 64)"
                }
            )?;
            outln!(
                "Predicted log loss: {:.4} → {:.4} ({:+.4}); lower means the schedule predicts you better.",
                o.log_loss_before,
                o.log_loss_after,
                o.log_loss_after - o.log_loss_before
            )?;
            outln!("Saved: refreshers are now scheduled with your own parameters.")?;
            Ok(())
        }
    }
}

fn list(ctx: &Ctx, r: &Refreshers) -> Result<()> {
    if ctx.json {
        return ctx.print_json(&r.shown);
    }
    if r.total == 0 {
        outln!("Nothing to refresh yet: refreshers start when a goal is achieved.")?;
        return Ok(());
    }
    if r.shown.is_empty() {
        outln!(
            "No refresher due today. Next on {}.",
            r.next_due.map_or("-".into(), |d| d.to_string())
        )?;
        return Ok(());
    }
    let mut t = crate::ui::table(["card", "what", "goal", "due", "recall today", "reviews"]);
    for v in &r.shown {
        t.add_row(vec![
            v.card_ref.clone(),
            match v.card.subject {
                Subject::MicroSkill { .. } => format!("redo: {}", v.card.label),
                Subject::Principle { .. } => format!("explain: {}", v.card.label),
            },
            v.card.goal_id.to_string(),
            v.card.due.to_string(),
            format!("{:.0}%", v.recall_today * 100.0),
            v.card.reviews.len().to_string(),
        ]);
    }
    outln!("{t}")?;
    outln!("Do one, then: mm refresh rate <card> again|hard|good|easy")?;
    Ok(())
}

fn interactive(ctx: &Ctx, r: &Refreshers) -> Result<()> {
    let due: Vec<&CardView> = r.shown.iter().filter(|c| c.due_now).collect();
    if due.is_empty() {
        return list(ctx, r);
    }
    outln!(
        "{} refresher{} due. Each takes a few minutes.",
        due.len(),
        if due.len() == 1 { "" } else { "s" }
    )?;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    for v in due {
        let c = &v.card;
        outln!()?;
        match c.subject {
            Subject::MicroSkill { .. } => {
                let goal = ctx.block(ctx.store.get_goal(c.goal_id))?;
                outln!("Redo it: {}", c.label)?;
                for cr in &goal.criteria {
                    outln!("  - {}", cr.text)?;
                }
            }
            Subject::Principle { .. } => {
                outln!(
                    "Explain in your own words, without notes: {} (goal {})",
                    c.label,
                    c.goal_id
                )?;
            }
        }
        outln!("Predicted recall today: {:.0}%.", v.recall_today * 100.0)?;
        loop {
            out!("How did it go? again / hard / good / easy (enter to skip, q to stop): ")?;
            std::io::stdout().flush()?;
            let Some(line) = lines.next() else {
                return Ok(());
            };
            let line = line?;
            let t = line.trim();
            if t.is_empty() {
                break;
            }
            if t.eq_ignore_ascii_case("q") {
                return Ok(());
            }
            match t.parse::<Rating>() {
                Ok(rating) => {
                    let card = refresh::card_ref(c.subject);
                    let next = ctx.block(refresh::rate(&ctx.app, &card, rating, None))?;
                    outln!("Next refresher on {}.", next.due)?;
                    break;
                }
                Err(e) => outln!("{e}")?,
            }
        }
    }
    Ok(())
}
