//! Practice sessions: logged after the fact, or timed as they happen with a
//! checkpoint written every few seconds; and how a saved session counts
//! toward the mastery rule.

use crate::{App, Error, Result};
use chrono::{DateTime, Duration, Utc};
use mm_core::parse::parse_minutes;
use mm_core::*;
use serde::Serialize;

/// A session's own words and counts.
#[derive(Debug, Clone, Default)]
pub struct SessionDetails {
    pub aim: String,
    pub reps: u32,
    pub errors: u32,
    pub interruptions: u32,
    /// 1 (easy) to 5 (very hard).
    pub difficulty: Option<u8>,
    pub feedback: Option<String>,
    pub notes: Option<String>,
}

/// A session to log after the fact.
#[derive(Debug, Clone)]
pub struct LogInput {
    pub goal: GoalId,
    /// Focused time: `45m`, `1h15m`.
    pub minutes: String,
    /// When it started (`now` means it just ended).
    pub at: String,
    /// Wall-clock length when longer than the focused time.
    pub lasted: Option<String>,
    pub details: SessionDetails,
}

/// A saved session and where its goal now stands against the rule.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    #[serde(flatten)]
    pub session: Session,
    /// Sessions, days and minutes counted so far.
    #[serde(skip)]
    pub counted: Counted,
}

/// What the mastery rule has counted for a goal.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counted {
    pub sessions: u32,
    pub days: u32,
    pub minutes: u32,
    pub minutes_required: u32,
}

fn new_session(
    goal: GoalId,
    started_at: DateTime<Utc>,
    ended_at: DateTime<Utc>,
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

async fn counted(app: &App, goal: GoalId) -> Result<Counted> {
    let report = app.mastery(&app.store().goal_evidence(goal).await?);
    Ok(Counted {
        sessions: report.sessions,
        days: report.days,
        minutes: report.minutes,
        minutes_required: report.minutes_required,
    })
}

/// Log a session after the fact.
///
/// # Errors
/// Invalid, naming the field, for a duration or moment that is not one, or a
/// session outside its goal's life; not found for an unknown goal.
pub async fn log(app: &App, input: LogInput) -> Result<Saved> {
    let p = app.person();
    let field = |f: &'static str| move |e: mm_core::Error| Error::invalid_field(f, e.to_string());
    let minutes = parse_minutes(&input.minutes).map_err(field("minutes"))?;
    let lasted = input
        .lasted
        .as_deref()
        .map(parse_minutes)
        .transpose()
        .map_err(field("lasted"))?
        .unwrap_or(minutes);
    if input.details.aim.trim().is_empty() {
        return Err(Error::invalid_field(
            "aim",
            "say what this session was for: one specific thing you practised",
        ));
    }
    if let Some(d) = input.details.difficulty
        && !(1..=5).contains(&d)
    {
        return Err(Error::invalid_field(
            "difficulty",
            format!("difficulty {d} is not 1 (easy) to 5 (very hard)"),
        ));
    }
    let mut started_at = p
        .parse_moment(&input.at)
        .map_err(|e| Error::invalid_field("at", e.message()))?;
    if input.at.trim().eq_ignore_ascii_case("now") {
        // "now" means it just ended.
        started_at -= Duration::minutes(i64::from(lasted));
    }
    if started_at > p.now {
        return Err(Error::invalid_field(
            "at",
            "the session starts in the future: log practice after it happened",
        ));
    }
    let ended_at = started_at + Duration::minutes(i64::from(lasted.max(minutes)));
    let session = app
        .store()
        .log_session(
            &new_session(input.goal, started_at, ended_at, minutes, input.details),
            p.now,
        )
        .await?;
    Ok(Saved {
        counted: counted(app, session.goal_id).await?,
        session,
    })
}

/// Check that a goal can take a timed session now, before the timer starts.
///
/// # Errors
/// Invalid for a closed goal or a blank aim; not found for an unknown goal.
pub async fn can_start(app: &App, goal: GoalId, aim: &str) -> Result<Goal> {
    let goal = app.store().get_goal(goal).await?;
    if goal.state.is_closed() {
        return Err(Error::conflict(format!(
            "goal {} is already {}",
            goal.id, goal.state
        )));
    }
    if aim.trim().is_empty() {
        return Err(Error::invalid_field(
            "aim",
            "the session aim must not be empty",
        ));
    }
    Ok(goal)
}

/// Focused time before the first checkpoint: a session is whole minutes, and
/// under half a minute rounds to none.
pub const FIRST_CHECKPOINT_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

/// A timed session as it stands.
#[derive(Debug, Clone)]
pub struct Timed {
    pub goal: GoalId,
    pub focused: std::time::Duration,
    /// Wall-clock time since the start, pauses included.
    pub wall: std::time::Duration,
    pub details: SessionDetails,
}

impl Timed {
    /// Whole focused minutes, rounded.
    pub fn minutes(&self) -> u32 {
        ((self.focused.as_secs() + 30) / 60) as u32
    }

    /// The session as it stands, once there is a minute to record.
    pub fn to_session(&self, started_at: DateTime<Utc>) -> Option<NewSession> {
        if self.focused < FIRST_CHECKPOINT_AFTER {
            return None;
        }
        let minutes = self.minutes().max(1);
        let span = Duration::from_std(self.wall.max(self.focused)).ok()?;
        let nonempty = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let d = &self.details;
        Some(new_session(
            self.goal,
            started_at,
            started_at + span.max(Duration::seconds(1)),
            minutes,
            SessionDetails {
                feedback: nonempty(&d.feedback),
                notes: nonempty(&d.notes),
                ..d.clone()
            },
        ))
    }
}

/// How often a running timer is written to the store (the terminal screen
/// and the web page alike).
pub const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Write a timed session so far, started at the command's "now": inserted
/// the first time, updated after. Returns whether there was anything to
/// write. "Now" for the checks is the session's own end (a minute's grace),
/// so the timer needs no second clock.
///
/// # Errors
/// When the store refuses the session.
pub async fn checkpoint(app: &App, t: &Timed, saved: &mut Option<SessionId>) -> Result<bool> {
    let started_at = app.person().now;
    write_timed(app, t, started_at, saved, |ended| {
        ended + Duration::minutes(1)
    })
    .await
}

/// Write a timed session so far that started at `started_at` (a timer kept
/// in the journal, read again by a later request): inserted the first
/// time, updated after. Returns whether there was anything to write.
///
/// # Errors
/// When the store refuses the session.
pub async fn checkpoint_at(
    app: &App,
    t: &Timed,
    started_at: DateTime<Utc>,
    saved: &mut Option<SessionId>,
) -> Result<bool> {
    let now = app.person().now;
    write_timed(app, t, started_at, saved, |ended| ended.max(now)).await
}

async fn write_timed(
    app: &App,
    t: &Timed,
    started_at: DateTime<Utc>,
    saved: &mut Option<SessionId>,
    now: impl FnOnce(DateTime<Utc>) -> DateTime<Utc>,
) -> Result<bool> {
    let Some(new) = t.to_session(started_at) else {
        return Ok(false);
    };
    let now = now(new.ended_at);
    match saved {
        None => *saved = Some(app.store().log_session(&new, now).await?.id),
        Some(id) => {
            app.store().update_session(*id, &new, now).await?;
        }
    }
    Ok(true)
}

/// The saved timed session and what the rule counted.
///
/// # Errors
/// Not found when it was never saved.
pub async fn saved(app: &App, id: SessionId) -> Result<Saved> {
    let session = app.store().get_session(id).await?;
    Ok(Saved {
        counted: counted(app, session.goal_id).await?,
        session,
    })
}

/// Sessions, of one goal or all.
///
/// # Errors
/// When the journal cannot be read.
pub async fn list(app: &App, goal: Option<GoalId>) -> Result<Vec<Session>> {
    Ok(app.store().list_sessions(goal).await?)
}
