//! What a coach sees of a learner: [`summaries`], the one projection of a
//! journal that leaves it for someone else. It reads only the goals named
//! (on a team server: those given by the learner's programmes, never their
//! own private ones) and only what the coach's views need: state, target
//! level, last practice, pace to the deadline and overdue refreshers. A
//! learner's "what my coach sees" is the same function over their own
//! journal, so the two cannot drift apart. [`risks`] says which of those
//! summaries put the learner at risk, each with its reason.
//!
//! Notes are private: a session's notes, an application's where and
//! outcome, a reflection's text leave the journal only through
//! [`shared_notes`], which reads just the items the learner shared
//! ([`NoteRef`]), each only if it still belongs to the goal it was shared
//! for. [`goal_of_note`] tells which goal an item belongs to, when the
//! learner shares it.

use crate::{App, Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use mm_core::pace::{PaceStatus, pace_of};
use mm_core::{ApplicationId, GoalId, GoalState, ReflectionId, ReflectionTarget, SessionId, Week};
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
    // Sums and latest starts from the tally index, not every session: a
    // cohort's view reads each member's journal.
    let tallies = store.session_tallies(p.offset, Week::of(today)).await?;
    let last = store.last_session_starts().await?;
    let mut out = Vec::with_capacity(goals.len());
    for id in goals {
        let Some(goal) = all.iter().find(|g| g.id == *id) else {
            continue;
        };
        let micro = store.get_micro_skill(goal.micro_skill_id).await?;
        let tally = tallies.get(&goal.id).copied().unwrap_or_default();
        let pc = pace_of(goal, &tally, today);
        out.push(GoalSummary {
            goal: goal.id,
            micro_skill: micro.name,
            state: goal.state_on(today),
            level: goal.target_level.number(),
            start: goal.start,
            deadline: goal.deadline,
            last_practice: last.get(&goal.id).map(|at| p.date_of(*at)),
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

/// What kind of item a note is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// A practice session: its aim, notes and feedback.
    SessionNote,
    /// An application: where, the outcome and the impact.
    ApplicationNote,
    /// A reflection on a session or a goal.
    Reflection,
}

/// An item the learner shared: which one, and for which goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteRef {
    /// The share's id (outside the journal).
    pub share: i64,
    /// The kind of item.
    pub kind: NoteKind,
    /// The session, application or reflection id in the journal.
    pub item: i64,
    /// The goal it was shared for.
    pub goal: GoalId,
}

/// A shared item's text, as a coach reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharedNote {
    /// The share's id.
    pub share: i64,
    /// The kind of item.
    pub kind: NoteKind,
    /// Its id in the journal.
    pub item: i64,
    /// The goal it belongs to.
    pub goal: GoalId,
    /// The goal's micro-skill.
    pub micro_skill: String,
    /// When it happened (the session's start, the application, the reflection).
    pub at: DateTime<Utc>,
    /// Its text, one labelled part a line (`Aim: …`, `Notes: …`).
    pub text: String,
}

fn labelled(parts: &[(&str, Option<&str>)]) -> String {
    parts
        .iter()
        .filter_map(|(label, t)| {
            t.map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| format!("{label}: {t}"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The goal the learner's item `item` of `kind` belongs to: `None` for a
/// reflection on a week (it belongs to no one goal).
///
/// # Errors
/// Not found when the journal holds no such item.
pub async fn goal_of_note(app: &App, kind: NoteKind, item: i64) -> Result<Option<GoalId>> {
    let store = app.store();
    Ok(match kind {
        NoteKind::SessionNote => Some(store.get_session(SessionId(item)).await?.goal_id),
        NoteKind::ApplicationNote => Some(
            store
                .list_applications(None)
                .await?
                .into_iter()
                .find(|a| a.id == ApplicationId(item))
                .ok_or_else(|| Error::not_found("application", item))?
                .goal_id,
        ),
        NoteKind::Reflection => {
            let r = store
                .list_reflections()
                .await?
                .into_iter()
                .find(|r| r.id == ReflectionId(item))
                .ok_or_else(|| Error::not_found("reflection", item))?;
            match r.target {
                ReflectionTarget::Goal { id } => Some(id),
                ReflectionTarget::Session { id } => Some(store.get_session(id).await?.goal_id),
                ReflectionTarget::Week { .. } => None,
            }
        }
    })
}

/// The text of each shared item in `refs`, in their order: an item no
/// longer in the journal, or no longer of the goal it was shared for, is
/// left out. Nothing else of the journal's notes is read.
///
/// # Errors
/// When the journal cannot be read.
pub async fn shared_notes(app: &App, refs: &[NoteRef]) -> Result<Vec<SharedNote>> {
    if refs.is_empty() {
        return Ok(Vec::new());
    }
    let store = app.store();
    let goals = store.list_goals().await?;
    let applications = if refs.iter().any(|r| r.kind == NoteKind::ApplicationNote) {
        store.list_applications(None).await?
    } else {
        Vec::new()
    };
    let reflections = if refs.iter().any(|r| r.kind == NoteKind::Reflection) {
        store.list_reflections().await?
    } else {
        Vec::new()
    };
    let mut out = Vec::with_capacity(refs.len());
    for r in refs {
        let Some(goal) = goals.iter().find(|g| g.id == r.goal) else {
            continue;
        };
        let found = match r.kind {
            NoteKind::SessionNote => match store.get_session(SessionId(r.item)).await {
                Ok(s) if s.goal_id == r.goal => Some((
                    s.started_at,
                    labelled(&[
                        ("Aim", Some(s.aim.as_str())),
                        ("Notes", s.notes.as_deref()),
                        ("Feedback", s.feedback.as_deref()),
                    ]),
                )),
                Ok(_) | Err(mm_store::Error::NotFound { .. }) => None,
                Err(e) => return Err(e.into()),
            },
            NoteKind::ApplicationNote => applications
                .iter()
                .find(|a| a.id == ApplicationId(r.item) && a.goal_id == r.goal)
                .map(|a| {
                    (
                        a.at,
                        labelled(&[
                            ("Where", Some(a.context.as_str())),
                            ("Outcome", Some(a.outcome.as_str())),
                            ("Impact", a.impact.as_deref()),
                        ]),
                    )
                }),
            NoteKind::Reflection => {
                match reflections.iter().find(|x| x.id == ReflectionId(r.item)) {
                    None => None,
                    Some(x) => {
                        let of = match x.target {
                            ReflectionTarget::Goal { id } => Some(id),
                            ReflectionTarget::Session { id } => match store.get_session(id).await {
                                Ok(s) => Some(s.goal_id),
                                Err(mm_store::Error::NotFound { .. }) => None,
                                Err(e) => return Err(e.into()),
                            },
                            ReflectionTarget::Week { .. } => None,
                        };
                        (of == Some(r.goal)).then(|| {
                            (
                                x.at,
                                labelled(&[
                                    ("Worked", Some(x.worked.as_str())),
                                    ("Didn't", Some(x.didnt.as_str())),
                                    ("Next", Some(x.next.as_str())),
                                ]),
                            )
                        })
                    }
                }
            }
        };
        if let Some((at, text)) = found {
            out.push(SharedNote {
                share: r.share,
                kind: r.kind,
                item: r.item,
                goal: r.goal,
                micro_skill: store.get_micro_skill(goal.micro_skill_id).await?.name,
                at,
                text,
            });
        }
    }
    Ok(out)
}

/// Every note-like item of `goals` in `app`'s journal (sessions,
/// applications, reflections on a session or one of the goals), oldest
/// first, with `share` 0: the learner's own list to share from.
///
/// # Errors
/// When the journal cannot be read.
pub async fn notes_of(app: &App, goals: &[GoalId]) -> Result<Vec<SharedNote>> {
    let store = app.store();
    let mut refs = Vec::new();
    let mut of_session = std::collections::HashMap::new();
    for g in goals {
        for s in store.list_sessions(Some(*g)).await? {
            of_session.insert(s.id, *g);
            refs.push(NoteRef {
                share: 0,
                kind: NoteKind::SessionNote,
                item: s.id.0,
                goal: *g,
            });
        }
        for a in store.list_applications(Some(*g)).await? {
            refs.push(NoteRef {
                share: 0,
                kind: NoteKind::ApplicationNote,
                item: a.id.0,
                goal: *g,
            });
        }
    }
    for r in store.list_reflections().await? {
        let goal = match r.target {
            ReflectionTarget::Goal { id } => goals.contains(&id).then_some(id),
            ReflectionTarget::Session { id } => of_session.get(&id).copied(),
            ReflectionTarget::Week { .. } => None,
        };
        if let Some(goal) = goal {
            refs.push(NoteRef {
                share: 0,
                kind: NoteKind::Reflection,
                item: r.id.0,
                goal,
            });
        }
    }
    let mut notes = shared_notes(app, &refs).await?;
    notes.sort_by_key(|n| n.at);
    Ok(notes)
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
