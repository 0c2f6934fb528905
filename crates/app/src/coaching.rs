//! What a coach sees of a learner: [`summaries`], the one projection of a
//! journal that leaves it for someone else. It reads only the goals named
//! (on a team server: those given by the learner's programmes, never their
//! own private ones) and only what the coach's views need: state, target
//! level, last practice, pace to the deadline and overdue refreshers. A
//! learner's "what my coach sees" is the same function over their own
//! journal, so the two cannot drift apart. [`risks`] says which of those
//! summaries put the learner at risk, each with its reason.

use crate::{App, Result};
use chrono::NaiveDate;
use mm_core::pace::{PaceStatus, pace};
use mm_core::{GoalId, GoalState};
use serde::Serialize;

/// One goal as a coach sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalSummary {
    /// The goal in the learner's journal.
    pub goal: GoalId,
    /// Its micro-skill.
    pub micro_skill: String,
    /// Where it stands today (planned, active, achieved, abandoned).
    pub state: GoalState,
    /// The target level, 1 (novice) to 5 (expert).
    pub level: u8,
    /// Its start.
    pub start: NaiveDate,
    /// Its deadline.
    pub deadline: NaiveDate,
    /// The day of the latest practice session, if any.
    pub last_practice: Option<NaiveDate>,
    /// Focused minutes so far.
    pub minutes_done: u32,
    /// What the budget asks for by today.
    pub minutes_expected: u32,
    /// The whole plan's minutes.
    pub minutes_planned: u32,
    /// Against the budget so far.
    pub pace: PaceStatus,
    /// When the plan's minutes would be reached at the pace so far.
    pub projected_finish: Option<NaiveDate>,
    /// Whether that lands after the deadline (or nothing was done yet).
    pub projected_late: bool,
    /// Refreshers of an achieved goal due before today.
    pub refreshers_overdue: usize,
}

/// The summaries of `goals` in `app`'s journal, in the order given (a goal
/// no longer in the journal is left out).
///
/// # Errors
/// When the journal cannot be read.
pub async fn summaries(app: &App, goals: &[GoalId]) -> Result<Vec<GoalSummary>> {
    let store = app.store();
    let p = app.person();
    let today = p.today();
    let all = store.list_goals().await?;
    let cards = store.list_cards().await?;
    let mut out = Vec::with_capacity(goals.len());
    for id in goals {
        let Some(goal) = all.iter().find(|g| g.id == *id) else {
            continue;
        };
        let micro = store.get_micro_skill(goal.micro_skill_id).await?;
        let sessions = store.list_sessions(Some(goal.id)).await?;
        let pc = pace(goal, &sessions, today, p.offset);
        out.push(GoalSummary {
            goal: goal.id,
            micro_skill: micro.name,
            state: goal.state_on(today),
            level: goal.target_level.number(),
            start: goal.start,
            deadline: goal.deadline,
            last_practice: sessions.iter().map(|s| p.date_of(s.started_at)).max(),
            minutes_done: pc.minutes_done,
            minutes_expected: pc.minutes_expected,
            minutes_planned: pc.minutes_planned,
            pace: pc.status,
            projected_finish: pc.projected_finish,
            projected_late: pc.projected_late,
            refreshers_overdue: cards
                .iter()
                .filter(|c| c.goal_id == goal.id && c.due < today)
                .count(),
        });
    }
    Ok(out)
}

/// Why a goal puts its learner at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RiskKind {
    /// No practice in the last N days.
    NoPractice,
    /// Practice falls short of the weekly budget so far.
    BehindPace,
    /// Refreshers of a mastered skill are overdue.
    RefreshersOverdue,
    /// At the pace so far the plan's minutes are reached after the deadline.
    DeadlineInDanger,
}

/// One reason, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Risk {
    /// Which.
    pub kind: RiskKind,
    /// A plain sentence with the numbers.
    pub reason: String,
}

/// What puts `s` at risk on `today`: an active goal with no practice in
/// more than `idle_days` days (counted from its start when never
/// practised), behind pace (the status view's own verdict), or practised
/// but projected to finish after its deadline; a goal with overdue
/// refreshers. Empty when nothing does.
pub fn risks(s: &GoalSummary, today: NaiveDate, idle_days: u32) -> Vec<Risk> {
    let mut out = Vec::new();
    if s.state == GoalState::Active {
        let (since, last) = match s.last_practice {
            Some(d) => (d, format!("last on {d}")),
            None => (s.start, format!("none since the start on {}", s.start)),
        };
        let idle = (today - since).num_days();
        if idle > i64::from(idle_days) {
            out.push(Risk {
                kind: RiskKind::NoPractice,
                reason: format!("no practice in {idle} days ({last})"),
            });
        }
        if s.pace == PaceStatus::Behind {
            out.push(Risk {
                kind: RiskKind::BehindPace,
                reason: format!(
                    "behind pace: {} of {} minutes expected by now",
                    s.minutes_done, s.minutes_expected
                ),
            });
        }
        if s.projected_late && s.minutes_done > 0 {
            out.push(Risk {
                kind: RiskKind::DeadlineInDanger,
                reason: match s.projected_finish {
                    Some(f) => format!(
                        "deadline in danger: at this pace the plan ends on {f}, after {}",
                        s.deadline
                    ),
                    None => format!("deadline in danger: {} is near", s.deadline),
                },
            });
        }
    }
    if s.refreshers_overdue > 0 {
        out.push(Risk {
            kind: RiskKind::RefreshersOverdue,
            reason: format!("{} refreshers overdue", s.refreshers_overdue),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> GoalSummary {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        GoalSummary {
            goal: GoalId(1),
            micro_skill: "Explain a bar chart".into(),
            state: GoalState::Active,
            level: 3,
            start: d("2026-03-01"),
            deadline: d("2026-03-29"),
            last_practice: Some(d("2026-03-09")),
            minutes_done: 120,
            minutes_expected: 86,
            minutes_planned: 249,
            pace: PaceStatus::Ahead,
            projected_finish: Some(d("2026-03-21")),
            projected_late: false,
            refreshers_overdue: 0,
        }
    }

    #[test]
    fn each_risk_has_its_reason_and_a_steady_learner_none() {
        let today: NaiveDate = "2026-03-10".parse().unwrap();
        let kinds = |s: &GoalSummary, idle| -> Vec<RiskKind> {
            risks(s, today, idle).into_iter().map(|r| r.kind).collect()
        };
        let steady = summary();
        assert!(kinds(&steady, 7).is_empty());
        let idle = GoalSummary {
            last_practice: Some("2026-03-01".parse().unwrap()),
            ..summary()
        };
        assert_eq!(kinds(&idle, 7), [RiskKind::NoPractice]);
        assert_eq!(kinds(&idle, 9), []);
        assert!(risks(&idle, today, 7)[0].reason.contains("9 days"));
        let never = GoalSummary {
            last_practice: None,
            minutes_done: 0,
            pace: PaceStatus::Behind,
            projected_finish: None,
            projected_late: true,
            ..summary()
        };
        // Never practised: idle since the start; no projection to call late.
        assert_eq!(
            kinds(&never, 7),
            [RiskKind::NoPractice, RiskKind::BehindPace]
        );
        let late = GoalSummary {
            projected_finish: Some("2026-04-02".parse().unwrap()),
            projected_late: true,
            ..summary()
        };
        assert_eq!(kinds(&late, 7), [RiskKind::DeadlineInDanger]);
        let rusty = GoalSummary {
            state: GoalState::Achieved,
            refreshers_overdue: 2,
            last_practice: Some("2026-01-01".parse().unwrap()),
            ..summary()
        };
        assert_eq!(kinds(&rusty, 7), [RiskKind::RefreshersOverdue]);
    }
}
