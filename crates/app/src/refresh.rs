//! Spaced refreshers (FSRS) that keep achieved skills alive: the scheduler at
//! the person's desired retention, the cards of achieved goals, what is due,
//! rating one, and fitting the person's own parameters.

use crate::{App, Error, Result};
use chrono::NaiveDate;
use mm_core::retention::{Card, Optimised, Rating, Scheduler, Subject, optimise};
use mm_core::{Goal, GoalState, MicroSkill};
use serde::Serialize;

/// The person's scheduler: their fitted parameters (or FSRS-6's) at their
/// desired retention.
///
/// # Errors
/// When the stored parameters or retention are unreadable.
pub async fn scheduler(app: &App) -> Result<Scheduler> {
    let store = app.store();
    let params = store.fsrs_params().await?;
    Ok(Scheduler::new(
        params.as_deref(),
        store.desired_retention().await?,
    )?)
}

/// The cards an achieved goal starts: its micro-skill and each principle,
/// from the day it was achieved.
///
/// # Errors
/// When the scheduler refuses a card (it does not for a fresh start).
pub fn start_cards(
    s: &Scheduler,
    goal: &Goal,
    micro: &MicroSkill,
    on: NaiveDate,
) -> Result<Vec<Card>> {
    let mut subjects = vec![(Subject::MicroSkill { id: micro.id }, micro.name.clone())];
    subjects.extend(
        micro
            .principles
            .iter()
            .map(|p| (Subject::Principle { id: p.id }, p.name.clone())),
    );
    subjects
        .into_iter()
        .map(|(subject, label)| Ok(s.start(subject, goal.id, &label, on)?))
        .collect()
}

/// Every card, after giving any achieved goal without cards its own (goals
/// achieved before cards were made at achievement, or imported ones).
///
/// # Errors
/// When the journal cannot be read or written.
pub async fn ensure_cards(app: &App, s: &Scheduler) -> Result<Vec<Card>> {
    let store = app.store();
    let mut cards = store.list_cards().await?;
    let mut added = false;
    for g in store.list_goals().await? {
        let (GoalState::Achieved, Some(at)) = (g.state, g.closed_at) else {
            continue;
        };
        let micro = store.get_micro_skill(g.micro_skill_id).await?;
        for card in start_cards(s, &g, &micro, app.person().date_of(at))? {
            if cards.iter().any(|c| c.subject == card.subject) {
                continue;
            }
            store.save_card(&card).await?;
            added = true;
        }
    }
    if added {
        cards = store.list_cards().await?;
    }
    Ok(cards)
}

/// How a card is named to the person: `m<id>` or `p<id>`.
pub fn card_ref(s: Subject) -> String {
    match s {
        Subject::MicroSkill { id } => format!("m{id}"),
        Subject::Principle { id } => format!("p{id}"),
    }
}

/// One card as listed.
#[derive(Debug, Clone, Serialize)]
pub struct CardView {
    pub card_ref: String,
    #[serde(flatten)]
    pub card: Card,
    pub recall_today: f32,
    pub due_now: bool,
}

/// The refreshers: due ones, or every card with `all`.
#[derive(Debug, Clone, Serialize)]
pub struct Refreshers {
    pub today: NaiveDate,
    /// The cards shown.
    pub shown: Vec<CardView>,
    /// How many cards there are in all.
    pub total: usize,
    /// The soonest due date of any card.
    pub next_due: Option<NaiveDate>,
}

/// List the refreshers due today (or all).
///
/// # Errors
/// When the journal cannot be read.
pub async fn list(app: &App, all: bool) -> Result<Refreshers> {
    let s = scheduler(app).await?;
    let cards = ensure_cards(app, &s).await?;
    let today = app.person().today();
    Ok(Refreshers {
        today,
        next_due: cards.iter().map(|c| c.due).min(),
        total: cards.len(),
        shown: cards
            .iter()
            .filter(|c| all || c.is_due(today))
            .map(|c| CardView {
                card_ref: card_ref(c.subject),
                card: c.clone(),
                recall_today: s.recall(c, today),
                due_now: c.is_due(today),
            })
            .collect(),
    })
}

/// Record how one refresher went on `on` (default today), by its reference
/// (`m3`, `p7`). Returns the card with its next due date.
///
/// # Errors
/// Invalid for a day in the future; not found for an unknown card.
pub async fn rate(app: &App, card: &str, rating: Rating, on: Option<NaiveDate>) -> Result<Card> {
    let today = app.person().today();
    let on = on.unwrap_or(today);
    if on > today {
        return Err(Error::invalid_field(
            "on",
            format!("{on} is in the future: rate a refresher after doing it"),
        ));
    }
    let s = scheduler(app).await?;
    let cards = ensure_cards(app, &s).await?;
    let c = cards
        .iter()
        .find(|c| card_ref(c.subject).eq_ignore_ascii_case(card.trim()))
        .ok_or_else(|| Error::not_found("refresher card", format!("{card:?}")))?;
    let next = s.review(c, rating, on)?;
    app.store().save_card(&next).await?;
    Ok(next)
}

/// Fit the person's FSRS parameters on their history and keep them.
///
/// # Errors
/// Invalid when there are too few reviews to fit.
pub async fn optimise_params(app: &App) -> Result<Optimised> {
    let s = scheduler(app).await?;
    let cards = ensure_cards(app, &s).await?;
    let o = optimise(&cards, &s)?;
    app.store().set_fsrs_params(&o.params).await?;
    Ok(o)
}
