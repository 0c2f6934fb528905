//! Plans: turn a goal's deadline, weekly budget and the person's
//! availability into dated focused sessions, re-plan what was missed, and
//! export the plans as an iCalendar document whose calendar state (UIDs,
//! sequence numbers, events to cancel) is recorded in one transaction.

use crate::{App, Error, Result};
use mm_core::ics::{IcsOptions, PlanForCalendar, write_calendar};
use mm_core::plan::{Plan, PlanOutcome, PlanRequest, PlanSettings, Shortfall, make_plan, missed};
use mm_core::{Goal, GoalId};
use serde::Serialize;

/// A plan made (or remade) from now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    pub plan: Plan,
    /// Practice items of the previous plan that passed without practice.
    pub missed_sessions: usize,
    pub missed_minutes: u32,
}

/// The planner's answer: a plan, or why the goal no longer fits (nothing is
/// changed then).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PlanResult {
    Fits(Planned),
    Short(Shortfall),
}

/// Why a goal cannot be planned.
fn no_availability() -> Error {
    Error::invalid_field("availability", "no availability set yet")
}

/// Make (or remake) the goal's plan from now and keep it.
///
/// # Errors
/// Invalid when no availability is set or the goal is closed or past its
/// deadline; not found for an unknown goal.
pub async fn plan(app: &App, id: GoalId) -> Result<PlanResult> {
    let p = app.person();
    let store = app.store();
    let goal = store.get_goal(id).await?;
    let av = p.availability.as_ref().ok_or_else(no_availability)?;
    let micro = store.get_micro_skill(goal.micro_skill_id).await?;
    let sessions = store.list_sessions(Some(id)).await?;
    let previous = store.get_plan(id).await?;
    let outcome = make_plan(&PlanRequest {
        goal: &goal,
        availability: av,
        minutes_done: sessions.iter().map(|s| s.focused_minutes).sum(),
        now: p.now,
        settings: PlanSettings::default(),
        aim: &micro.name,
    })?;
    let plan = match outcome {
        PlanOutcome::Fits(plan) => plan,
        PlanOutcome::Short(s) => return Ok(PlanResult::Short(s)),
    };
    let missed_items = previous
        .as_ref()
        .map(|prev| missed(prev, &sessions, p.now, av))
        .unwrap_or_default();
    let planned = Planned {
        missed_sessions: missed_items.len(),
        missed_minutes: missed_items.iter().map(|i| i.minutes).sum(),
        plan,
    };
    store.save_plan(&planned.plan).await?;
    Ok(PlanResult::Fits(planned))
}

/// One goal's plan, with the goal and its micro-skill's name.
#[derive(Debug, Clone)]
pub struct GoalPlan {
    pub goal: Goal,
    pub name: String,
    pub plan: Plan,
}

/// The plans of every open goal, or of one goal (even a closed one).
///
/// # Errors
/// Not found for an unknown goal; invalid for a goal with no plan yet.
pub async fn plans(app: &App, only: Option<GoalId>) -> Result<Vec<GoalPlan>> {
    let store = app.store();
    let mut out = Vec::new();
    for plan in store.list_plans().await? {
        if only.is_some_and(|g| g != plan.goal_id) {
            continue;
        }
        let goal = store.get_goal(plan.goal_id).await?;
        if goal.state.is_closed() && only.is_none() {
            continue;
        }
        let name = store.get_micro_skill(goal.micro_skill_id).await?.name;
        out.push(GoalPlan { goal, name, plan });
    }
    if let Some(g) = only
        && out.is_empty()
    {
        store.get_goal(g).await?;
        return Err(Error::invalid_field(
            "goal",
            format!("goal {g} has no plan yet"),
        ));
    }
    Ok(out)
}

/// What to export.
#[derive(Debug, Clone, Default)]
pub struct CalendarRequest {
    /// Only this goal (default: every open goal with a plan).
    pub goal: Option<GoalId>,
    /// A reminder this many minutes before each event.
    pub alarm_minutes: Option<u32>,
}

/// An iCalendar document of the plans.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Calendar {
    /// The RFC 5545 text.
    pub text: String,
    /// Events written (every item of the plans).
    pub events: usize,
    /// Events of earlier exports the new plans dropped, sent as cancelled.
    pub cancelled: usize,
}

/// Write the plans as one calendar and record what it holds, in one
/// transaction, so a re-export updates the same events (stable UIDs, higher
/// sequence after a re-plan) and cancels the ones a re-plan dropped.
///
/// # Errors
/// Invalid when there is no plan to export.
pub async fn export_calendar(app: &App, req: &CalendarRequest) -> Result<Calendar> {
    let p = app.person();
    let plans = plans(app, req.goal).await?;
    if plans.is_empty() {
        return Err(Error::invalid("no plans to export yet"));
    }
    let labels: Vec<String> = plans
        .iter()
        .map(|gp| format!("{} (goal {})", gp.name, gp.goal.id))
        .collect();
    let cal: Vec<PlanForCalendar<'_>> = plans
        .iter()
        .zip(&labels)
        .map(|(gp, label)| PlanForCalendar {
            plan: &gp.plan,
            label,
        })
        .collect();
    let goals: Vec<GoalId> = plans.iter().map(|gp| gp.goal.id).collect();
    let items: Vec<_> = plans
        .iter()
        .flat_map(|gp| gp.plan.items.iter().cloned())
        .collect();
    // Items an earlier export put in the calendar for these goals: those the
    // plans no longer hold are sent as cancelled.
    let earlier = app.store().record_calendar_export(&goals, &items).await?;
    let cancelled = earlier
        .iter()
        .filter(|i| !items.iter().any(|c| c.key == i.key))
        .count();
    let tz = p.availability.as_ref().map_or(chrono_tz::UTC, |a| a.tz);
    let text = write_calendar(
        &cal,
        tz,
        p.now,
        &IcsOptions {
            alarm_minutes: req.alarm_minutes,
            cancelled: earlier,
            ..IcsOptions::default()
        },
    );
    Ok(Calendar {
        text,
        events: items.len(),
        cancelled,
    })
}
