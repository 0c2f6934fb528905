//! The status view: where each open goal stands.

use crate::{App, Result};
use chrono::NaiveDate;
use mm_core::mastery::MasteryReport;
use mm_core::pace::{Pace, pace};
use mm_core::{GoalId, GoalState};
use serde::Serialize;

/// One open goal: time to the deadline, this week against the budget, pace,
/// and the mastery conditions with what is missing.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalStatus {
    pub goal: GoalId,
    pub micro_skill: String,
    pub state: GoalState,
    pub start: NaiveDate,
    pub deadline: NaiveDate,
    /// Share of the time from start to deadline that has passed.
    pub time_elapsed: f64,
    pub pace: Pace,
    pub mastery: MasteryReport,
}

/// A closed goal: achieved or abandoned, and when.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosedGoal {
    pub goal: GoalId,
    pub micro_skill: String,
    pub state: GoalState,
    /// The day it closed, in the person's zone.
    pub closed_on: Option<NaiveDate>,
}

/// Every open goal, and how many are closed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Status {
    pub today: NaiveDate,
    pub open: Vec<GoalStatus>,
    pub achieved: usize,
    pub abandoned: usize,
    /// The closed goals, most recently closed first.
    pub closed: Vec<ClosedGoal>,
}

/// Where each open goal stands today.
///
/// # Errors
/// When the journal cannot be read.
pub async fn status(app: &App) -> Result<Status> {
    let p = app.person();
    let store = app.store();
    let goals = store.list_goals().await?;
    let today = p.today();
    let mut open = Vec::new();
    for goal in goals.iter().filter(|g| !g.state.is_closed()) {
        let ev = store.goal_evidence(goal.id).await?;
        let pc = pace(goal, &ev.sessions, today, p.offset);
        open.push(GoalStatus {
            goal: goal.id,
            micro_skill: ev.micro_skill.name.clone(),
            state: goal.state_on(today),
            start: goal.start,
            deadline: goal.deadline,
            time_elapsed: pc.days_elapsed as f64 / pc.days_total.max(1) as f64,
            mastery: ev.check(&p.rule, p.offset),
            pace: pc,
        });
    }
    let count = |s: GoalState| goals.iter().filter(|g| g.state == s).count();
    let mut closed: Vec<ClosedGoal> = Vec::new();
    if goals.iter().any(|g| g.state.is_closed()) {
        let micros = store.list_micro_skills(None).await?;
        for g in goals.iter().filter(|g| g.state.is_closed()) {
            closed.push(ClosedGoal {
                goal: g.id,
                micro_skill: micros
                    .iter()
                    .find(|m| m.id == g.micro_skill_id)
                    .map(|m| m.name.clone())
                    .unwrap_or_default(),
                state: g.state,
                closed_on: g.closed_at.map(|t| p.date_of(t)),
            });
        }
        closed.sort_by_key(|c| std::cmp::Reverse(c.closed_on));
    }
    Ok(Status {
        closed,
        today,
        achieved: count(GoalState::Achieved),
        abandoned: count(GoalState::Abandoned),
        open,
    })
}
