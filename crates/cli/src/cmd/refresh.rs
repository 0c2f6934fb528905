//! `mm refresh`: keep achieved skills alive with short, spaced refreshers
//! scheduled by FSRS at your desired retention.

use crate::Global;
use crate::cmd::profile;
use crate::ctx::Ctx;
use crate::ui::{out, outln};
use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use mm_core::parse::parse_date;
use mm_core::retention::{Card, Rating, Scheduler, Subject, optimise};
use mm_core::*;
use serde::Serialize;
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

#[derive(Debug, Serialize)]
struct CardView<'a> {
    card_ref: String,
    #[serde(flatten)]
    card: &'a Card,
    recall_today: f32,
    due_now: bool,
}

fn card_ref(s: Subject) -> String {
    match s {
        Subject::MicroSkill { id } => format!("m{id}"),
        Subject::Principle { id } => format!("p{id}"),
    }
}

fn scheduler(ctx: &Ctx) -> Result<Scheduler> {
    let params = profile::fsrs_params(ctx)?;
    Ok(Scheduler::new(
        params.as_deref(),
        profile::desired_retention(ctx)?,
    )?)
}

/// Give every achieved goal's micro-skill and principles a card, from the
/// day the goal was achieved. Returns all cards.
pub fn ensure_cards(ctx: &Ctx, s: &Scheduler) -> Result<Vec<Card>> {
    let tz = profile::timezone(ctx)?;
    let mut cards = ctx.block(ctx.store.list_cards())?;
    let mut added = false;
    for g in ctx.block(ctx.store.list_goals())? {
        let (GoalState::Achieved, Some(at)) = (g.state, g.closed_at) else {
            continue;
        };
        let on = at.with_timezone(&tz).date_naive();
        let micro = ctx.block(ctx.store.get_micro_skill(g.micro_skill_id))?;
        let mut subjects = vec![(Subject::MicroSkill { id: micro.id }, micro.name.clone())];
        subjects.extend(
            micro
                .principles
                .iter()
                .map(|p| (Subject::Principle { id: p.id }, p.name.clone())),
        );
        for (subject, label) in subjects {
            if cards.iter().any(|c| c.subject == subject) {
                continue;
            }
            let card = s.start(subject, g.id, &label, on)?;
            ctx.block(ctx.store.save_card(&card))?;
            added = true;
        }
    }
    if added {
        cards = ctx.block(ctx.store.list_cards())?;
    }
    Ok(cards)
}

pub fn run(a: RefreshArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let s = scheduler(&ctx)?;
    let today = profile_today(&ctx)?;
    match a.cmd {
        None => {
            let cards = ensure_cards(&ctx, &s)?;
            if !ctx.json && std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
                interactive(&ctx, &s, &cards, today)
            } else {
                list(&ctx, &s, &cards, today, false)
            }
        }
        Some(RefreshCmd::List { all }) => {
            let cards = ensure_cards(&ctx, &s)?;
            list(&ctx, &s, &cards, today, all)
        }
        Some(RefreshCmd::Rate { card, rating, on }) => {
            // Parse everything before touching anything.
            let rating: Rating = rating.parse()?;
            let on = match on {
                Some(d) => parse_date(&d, today)?,
                None => today,
            };
            if on > today {
                anyhow::bail!("{on} is in the future: rate a refresher after doing it");
            }
            let cards = ensure_cards(&ctx, &s)?;
            let c = cards
                .iter()
                .find(|c| card_ref(c.subject).eq_ignore_ascii_case(card.trim()))
                .with_context(|| {
                    format!(
                        "no refresher card {card:?}: see mm refresh list --all (m<id> or p<id>)"
                    )
                })?;
            let next = s.review(c, rating, on)?;
            ctx.block(ctx.store.save_card(&next))?;
            if ctx.json {
                return ctx.print_json(&next);
            }
            outln!(
                "{} ({}): {rating}. Next refresher on {} ({} days).",
                next.label,
                card_ref(next.subject),
                next.due,
                (next.due - on).num_days()
            )?;
            Ok(())
        }
        Some(RefreshCmd::Optimise) => {
            let cards = ensure_cards(&ctx, &s)?;
            let o = optimise(&cards, &s)?;
            ctx.block(
                ctx.store
                    .set_setting(profile::FSRS_PARAMS_KEY, &serde_json::to_value(&o.params)?),
            )?;
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

/// Today in the profile's zone (falls back to the clock's offset).
fn profile_today(ctx: &Ctx) -> Result<NaiveDate> {
    Ok(match profile::availability(ctx)? {
        Some(a) => a.local_date(ctx.now),
        None => ctx.today(),
    })
}

fn list(ctx: &Ctx, s: &Scheduler, cards: &[Card], today: NaiveDate, all: bool) -> Result<()> {
    let shown: Vec<CardView<'_>> = cards
        .iter()
        .filter(|c| all || c.is_due(today))
        .map(|c| CardView {
            card_ref: card_ref(c.subject),
            card: c,
            recall_today: s.recall(c, today),
            due_now: c.is_due(today),
        })
        .collect();
    if ctx.json {
        return ctx.print_json(&shown);
    }
    if cards.is_empty() {
        outln!("Nothing to refresh yet: refreshers start when a goal is achieved.")?;
        return Ok(());
    }
    if shown.is_empty() {
        let next = cards.iter().map(|c| c.due).min();
        outln!(
            "No refresher due today. Next on {}.",
            next.map_or("-".into(), |d| d.to_string())
        )?;
        return Ok(());
    }
    let mut t = crate::ui::table(["card", "what", "goal", "due", "recall today", "reviews"]);
    for v in &shown {
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

fn interactive(ctx: &Ctx, s: &Scheduler, cards: &[Card], today: NaiveDate) -> Result<()> {
    let due: Vec<&Card> = cards.iter().filter(|c| c.is_due(today)).collect();
    if due.is_empty() {
        return list(ctx, s, cards, today, false);
    }
    outln!(
        "{} refresher{} due. Each takes a few minutes.",
        due.len(),
        if due.len() == 1 { "" } else { "s" }
    )?;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    for c in due {
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
        outln!(
            "Predicted recall today: {:.0}%.",
            s.recall(c, today) * 100.0
        )?;
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
                Ok(r) => {
                    let next = s.review(c, r, today)?;
                    ctx.block(ctx.store.save_card(&next))?;
                    outln!("Next refresher on {}.", next.due)?;
                    break;
                }
                Err(e) => outln!("{e}")?,
            }
        }
    }
    Ok(())
}
