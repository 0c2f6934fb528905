//! The focus timer that lives in the journal: one running session at a time,
//! kept as a setting, so the web app's timer survives a reload, a closed tab
//! and even a server restart. Its clock is the journal's timestamps (started,
//! paused since, paused in all), not a counter in a page: any face reading it
//! later sees the same elapsed time.
//!
//! A running timer goes through the same phases as `mm practice start`'s
//! terminal screen: running, paused, and ending (stopped, or its limit
//! reached), where the end-of-session questions (interruptions, reps,
//! errors, difficulty, feedback) are asked. Every checkpoint writes the
//! session so far through [`crate::practice::checkpoint_at`], so a crash
//! loses at most the time since the last one.
//!
//! ```no_run
//! # async fn demo(app: &mm_app::App) -> mm_app::Result<()> {
//! use mm_app::timer::{self, StartInput};
//! let t = timer::start(app, StartInput { goal: mm_core::GoalId(1), aim: "left joins".into(), limit: Some("25m".into()) }).await?;
//! assert_eq!(t.focused_seconds, 0);
//! # Ok(()) }
//! ```

use crate::practice::{self, Counted, SessionDetails, Timed};
use crate::{App, Error, Result};
use chrono::{DateTime, Duration, Utc};
use mm_core::parse::parse_minutes;
use mm_core::{GoalId, Session, SessionId};
use serde::{Deserialize, Serialize};

/// The setting the running timer is kept under.
pub const KEY: &str = "timer.running";

/// How often a face should checkpoint a running timer.
pub const CHECKPOINT_EVERY: std::time::Duration = practice::CHECKPOINT_EVERY;

/// The running timer as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Running {
    pub goal: GoalId,
    pub aim: String,
    pub started_at: DateTime<Utc>,
    /// Stop by itself after this many focused minutes.
    pub limit_minutes: Option<u32>,
    /// Paused since then, when paused.
    pub paused_since: Option<DateTime<Utc>>,
    /// Seconds spent in pauses that are over.
    pub paused_seconds: i64,
    /// Stopped then: the end-of-session questions are being asked.
    pub stopped_at: Option<DateTime<Utc>>,
    pub reps: u32,
    pub errors: u32,
    pub interruptions: u32,
    pub notes: String,
    /// The session the checkpoints write, once there was a minute to record.
    pub session: Option<SessionId>,
    pub last_checkpoint: Option<DateTime<Utc>>,
}

/// Where a running timer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The focused clock runs.
    Running,
    /// The focused clock stands still; the wall clock runs.
    Paused,
    /// Stopped (or the limit reached): the end-of-session questions.
    Ending,
}

impl Phase {
    /// The stable name (as in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Running => "running",
            Phase::Paused => "paused",
            Phase::Ending => "ending",
        }
    }
}

/// Where the clock stands at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub phase: Phase,
    /// Focused time, pauses left out, capped at the limit.
    pub focused: Duration,
    /// Wall-clock time from the start to now (or to the stop, or to the
    /// moment the limit was reached).
    pub wall: Duration,
    /// Whether the limit ended it.
    pub at_limit: bool,
}

impl Running {
    /// The clock at `now`.
    pub fn read(&self, now: DateTime<Utc>) -> Reading {
        let end = self.stopped_at.unwrap_or(now).max(self.started_at);
        let wall = end - self.started_at;
        let pausing = self
            .paused_since
            .map_or(Duration::zero(), |p| (end - p).max(Duration::zero()));
        let focused =
            (wall - Duration::seconds(self.paused_seconds) - pausing).max(Duration::zero());
        let limit = self.limit_minutes.map(|m| Duration::minutes(i64::from(m)));
        match limit {
            Some(l) if focused >= l => Reading {
                phase: Phase::Ending,
                focused: l,
                // The wall clock stopped when the focused time reached the limit.
                wall: wall - (focused - l),
                at_limit: true,
            },
            _ => Reading {
                phase: if self.stopped_at.is_some() {
                    Phase::Ending
                } else if self.paused_since.is_some() {
                    Phase::Paused
                } else {
                    Phase::Running
                },
                focused,
                wall,
                at_limit: false,
            },
        }
    }

    /// The session as it stands at `now`, with these details.
    fn timed(&self, now: DateTime<Utc>, details: SessionDetails) -> Timed {
        let r = self.read(now);
        Timed {
            goal: self.goal,
            focused: r.focused.to_std().unwrap_or_default(),
            wall: r.wall.to_std().unwrap_or_default(),
            details,
        }
    }

    fn details(&self) -> SessionDetails {
        SessionDetails {
            aim: self.aim.clone(),
            reps: self.reps,
            errors: self.errors,
            interruptions: self.interruptions,
            difficulty: None,
            feedback: None,
            notes: Some(self.notes.clone()),
        }
    }

    fn apply(&mut self, c: &Counts) {
        if let Some(n) = c.reps {
            self.reps = n;
        }
        if let Some(n) = c.errors {
            self.errors = n;
        }
        if let Some(n) = c.interruptions {
            self.interruptions = n;
        }
        if let Some(n) = &c.notes {
            self.notes = n.clone();
        }
    }
}

/// The running timer as a face shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimerView {
    pub goal: GoalId,
    /// The goal's micro-skill.
    pub micro_skill: String,
    pub aim: String,
    pub started_at: DateTime<Utc>,
    pub phase: Phase,
    /// Focused seconds so far (pauses left out), by the server's clock.
    pub focused_seconds: i64,
    /// Wall-clock seconds since the start, pauses included.
    pub wall_seconds: i64,
    pub limit_minutes: Option<u32>,
    /// Focused seconds left before the limit.
    pub remaining_seconds: Option<i64>,
    /// Whether the limit ended the session.
    pub at_limit: bool,
    pub reps: u32,
    pub errors: u32,
    pub interruptions: u32,
    pub notes: String,
    /// The session the checkpoints have written (none before the first
    /// half minute of focus).
    pub session: Option<SessionId>,
    pub last_checkpoint: Option<DateTime<Utc>>,
    /// How often a client should send a checkpoint.
    pub checkpoint_every_seconds: u64,
}

/// Counts a face sends along (totals, not increments); `None` keeps the
/// stored value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    pub reps: Option<u32>,
    pub errors: Option<u32>,
    pub interruptions: Option<u32>,
    pub notes: Option<String>,
}

/// What starting a timer takes.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartInput {
    pub goal: GoalId,
    /// The session's one specific aim.
    pub aim: String,
    /// Stop by itself after this long (`25m`, `50m`); none: until stopped.
    pub limit: Option<String>,
}

/// The end-of-session answers.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishInput {
    #[serde(flatten)]
    pub counts: Counts,
    /// How hard it was: 1 (easy) to 5 (very hard).
    pub difficulty: Option<u8>,
    /// Feedback received or noticed.
    pub feedback: Option<String>,
}

/// A finished timer: the saved session (none under half a minute of focus)
/// and what the mastery rule has counted for its goal.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finished {
    pub goal: GoalId,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub session: Option<Session>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub counted: Option<Counted>,
}

fn none_running() -> Error {
    Error::not_found("running timer", "now")
}

/// The running timer, if any.
///
/// # Errors
/// Internal when the stored timer is unreadable (discarding it clears it).
pub async fn running(app: &App) -> Result<Option<Running>> {
    match app.store().get_setting(KEY).await? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v).map(Some).map_err(|e| {
            Error::internal(format!(
                "the running timer's stored state is unreadable ({e}); discard it"
            ))
        }),
    }
}

async fn put(app: &App, r: Option<&Running>) -> Result<()> {
    let v = match r {
        Some(r) => serde_json::to_value(r).map_err(|e| Error::internal(e.to_string()))?,
        None => serde_json::Value::Null,
    };
    mm_core::validate::setting(KEY, &v)?;
    Ok(app.store().set_setting(KEY, &v).await?)
}

async fn view(app: &App, r: &Running) -> Result<TimerView> {
    // A goal deleted while its timer ran still shows (to be discarded).
    let micro_skill = match app.store().get_goal(r.goal).await {
        Ok(goal) => app.store().get_micro_skill(goal.micro_skill_id).await?.name,
        Err(mm_store::Error::NotFound { .. }) => {
            format!("goal {} (no longer in the journal)", r.goal)
        }
        Err(e) => return Err(e.into()),
    };
    let now = app.person().now;
    let reading = r.read(now);
    let focused = reading.focused.num_seconds();
    Ok(TimerView {
        goal: r.goal,
        micro_skill,
        aim: r.aim.clone(),
        started_at: r.started_at,
        phase: reading.phase,
        focused_seconds: focused,
        wall_seconds: reading.wall.num_seconds(),
        limit_minutes: r.limit_minutes,
        remaining_seconds: r
            .limit_minutes
            .map(|m| (i64::from(m) * 60 - focused).max(0)),
        at_limit: reading.at_limit,
        reps: r.reps,
        errors: r.errors,
        interruptions: r.interruptions,
        notes: r.notes.clone(),
        session: r.session,
        last_checkpoint: r.last_checkpoint,
        checkpoint_every_seconds: CHECKPOINT_EVERY.as_secs(),
    })
}

/// The running timer as a face shows it, if any.
///
/// # Errors
/// As [`running`].
pub async fn current(app: &App) -> Result<Option<TimerView>> {
    match running(app).await? {
        Some(r) => Ok(Some(view(app, &r).await?)),
        None => Ok(None),
    }
}

/// Start a timer for a goal with its aim.
///
/// # Errors
/// Conflict when a timer is running already or the goal is closed; invalid
/// (field `aim` or `limit`) for a blank aim or a limit that is not a
/// duration; not found for an unknown goal.
pub async fn start(app: &App, input: StartInput) -> Result<TimerView> {
    if let Some(r) = running(app).await? {
        return Err(Error::conflict(format!(
            "a timer is already running for goal {} (\"{}\"); finish or discard it first",
            r.goal, r.aim
        )));
    }
    let goal = practice::can_start(app, input.goal, &input.aim).await?;
    let limit = input
        .limit
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(parse_minutes)
        .transpose()
        .map_err(|e| Error::invalid_field("limit", e.to_string()))?;
    let r = Running {
        goal: goal.id,
        aim: input.aim.trim().to_owned(),
        started_at: app.person().now,
        limit_minutes: limit,
        paused_since: None,
        paused_seconds: 0,
        stopped_at: None,
        reps: 0,
        errors: 0,
        interruptions: 0,
        notes: String::new(),
        session: None,
        last_checkpoint: None,
    };
    put(app, Some(&r)).await?;
    view(app, &r).await
}

/// Write the session so far: inserted the first time, updated after (and
/// inserted again if it was deleted meanwhile).
async fn write(app: &App, r: &mut Running, details: SessionDetails) -> Result<bool> {
    let now = app.person().now;
    let t = r.timed(now, details);
    let wrote = match practice::checkpoint_at(app, &t, r.started_at, &mut r.session).await {
        Err(e) if e.kind() == crate::ErrorKind::NotFound && r.session.is_some() => {
            r.session = None;
            practice::checkpoint_at(app, &t, r.started_at, &mut r.session).await?
        }
        other => other?,
    };
    if wrote {
        r.last_checkpoint = Some(now);
    }
    Ok(wrote)
}

async fn change(
    app: &App,
    counts: &Counts,
    f: impl FnOnce(&mut Running, DateTime<Utc>) -> Result<()>,
) -> Result<TimerView> {
    let mut r = running(app).await?.ok_or_else(none_running)?;
    r.apply(counts);
    f(&mut r, app.person().now)?;
    let details = r.details();
    write(app, &mut r, details).await?;
    put(app, Some(&r)).await?;
    view(app, &r).await
}

/// Save the session so far with the counts given.
///
/// # Errors
/// Not found when no timer is running; invalid when the store refuses the
/// session.
pub async fn checkpoint(app: &App, counts: &Counts) -> Result<TimerView> {
    change(app, counts, |_, _| Ok(())).await
}

/// Pause the focused clock (a pause while paused or ending changes nothing).
///
/// # Errors
/// As [`checkpoint`].
pub async fn pause(app: &App, counts: &Counts) -> Result<TimerView> {
    change(app, counts, |r, now| {
        if r.read(now).phase == Phase::Running {
            r.paused_since = Some(now);
        }
        Ok(())
    })
    .await
}

/// Let the focused clock run again, after a pause or a stop.
///
/// # Errors
/// Conflict when the limit has ended the session; as [`checkpoint`].
pub async fn resume(app: &App, counts: &Counts) -> Result<TimerView> {
    change(app, counts, |r, now| {
        let reading = r.read(now);
        if reading.at_limit {
            return Err(Error::conflict(format!(
                "the session reached its limit of {} minutes; answer the questions to save it",
                r.limit_minutes.unwrap_or_default()
            )));
        }
        if let Some(p) = r.paused_since.take() {
            r.paused_seconds += (r.stopped_at.unwrap_or(now) - p).num_seconds().max(0);
        }
        if let Some(s) = r.stopped_at.take() {
            r.paused_seconds += (now - s).num_seconds().max(0);
        }
        Ok(())
    })
    .await
}

/// Stop the clock and ask the end-of-session questions.
///
/// # Errors
/// As [`checkpoint`].
pub async fn stop(app: &App, counts: &Counts) -> Result<TimerView> {
    change(app, counts, |r, now| {
        let reading = r.read(now);
        if reading.phase != Phase::Ending {
            r.stopped_at = Some(now);
        }
        Ok(())
    })
    .await
}

/// Finish: save the session with the end-of-session answers and clear the
/// timer. Under half a minute of focus nothing is saved.
///
/// # Errors
/// Not found when no timer is running; invalid (field `difficulty`) for a
/// difficulty outside 1–5; invalid when the store refuses the session.
pub async fn finish(app: &App, input: FinishInput) -> Result<Finished> {
    let mut r = running(app).await?.ok_or_else(none_running)?;
    if let Some(d) = input.difficulty
        && !(1..=5).contains(&d)
    {
        return Err(Error::invalid_field(
            "difficulty",
            format!("difficulty {d} is not 1 (easy) to 5 (very hard)"),
        ));
    }
    r.apply(&input.counts);
    let details = SessionDetails {
        difficulty: input.difficulty,
        feedback: input.feedback.clone(),
        ..r.details()
    };
    let wrote = write(app, &mut r, details).await?;
    put(app, None).await?;
    match (wrote, r.session) {
        (true, Some(id)) => {
            let saved = practice::saved(app, id).await?;
            Ok(Finished {
                goal: r.goal,
                session: Some(saved.session),
                counted: Some(saved.counted),
            })
        }
        _ => Ok(Finished {
            goal: r.goal,
            session: None,
            counted: None,
        }),
    }
}

/// Throw the running timer away, and the session its checkpoints wrote
/// (kept when the journal no longer lets it go: its goal was achieved on
/// the evidence meanwhile). Returns the goal it was for.
///
/// # Errors
/// Not found when no timer is running.
pub async fn discard(app: &App) -> Result<GoalId> {
    let stored = app.store().get_setting(KEY).await?;
    let r = match stored {
        None | Some(serde_json::Value::Null) => return Err(none_running()),
        // An unreadable timer is cleared all the same.
        Some(v) => serde_json::from_value::<Running>(v).ok(),
    };
    if let Some(id) = r.as_ref().and_then(|r| r.session) {
        match app.store().delete_session(id, app.person().now).await {
            Ok(_) | Err(mm_store::Error::NotFound { .. } | mm_store::Error::Invalid(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    put(app, None).await?;
    Ok(r.map_or(GoalId(0), |r| r.goal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(min: i64, sec: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
            + Duration::minutes(min)
            + Duration::seconds(sec)
    }

    fn fresh(limit: Option<u32>) -> Running {
        Running {
            goal: GoalId(1),
            aim: "joins".into(),
            started_at: at(0, 0),
            limit_minutes: limit,
            paused_since: None,
            paused_seconds: 0,
            stopped_at: None,
            reps: 0,
            errors: 0,
            interruptions: 0,
            notes: String::new(),
            session: None,
            last_checkpoint: None,
        }
    }

    #[test]
    fn pauses_stop_the_focused_clock_not_the_wall_clock() {
        let mut r = fresh(None);
        assert_eq!(r.read(at(10, 0)).focused, Duration::minutes(10));
        r.paused_since = Some(at(10, 0));
        let p = r.read(at(15, 0));
        assert_eq!(
            (p.phase, p.focused, p.wall),
            (Phase::Paused, Duration::minutes(10), Duration::minutes(15))
        );
        r.paused_since = None;
        r.paused_seconds = 300;
        let q = r.read(at(20, 0));
        assert_eq!(
            (q.phase, q.focused, q.wall),
            (Phase::Running, Duration::minutes(15), Duration::minutes(20))
        );
    }

    #[test]
    fn the_limit_ends_the_session_at_the_moment_it_is_reached() {
        let mut r = fresh(Some(25));
        r.paused_seconds = 120;
        let x = r.read(at(40, 0));
        assert!(x.at_limit);
        assert_eq!(x.phase, Phase::Ending);
        assert_eq!(x.focused, Duration::minutes(25));
        assert_eq!(x.wall, Duration::minutes(27), "25 focused + 2 paused");
    }

    #[test]
    fn a_stop_freezes_both_clocks() {
        let mut r = fresh(None);
        r.stopped_at = Some(at(12, 30));
        let x = r.read(at(59, 0));
        assert_eq!(
            (x.phase, x.focused, x.wall),
            (
                Phase::Ending,
                Duration::seconds(750),
                Duration::seconds(750)
            )
        );
        // Paused, then stopped: the pause counts up to the stop.
        r.paused_since = Some(at(10, 0));
        assert_eq!(r.read(at(59, 0)).focused, Duration::minutes(10));
    }

    #[test]
    fn a_clock_read_before_the_start_is_zero() {
        let r = fresh(Some(5));
        let x = r.read(at(-3, 0));
        assert_eq!(
            (x.focused, x.wall, x.phase),
            (Duration::zero(), Duration::zero(), Phase::Running)
        );
    }
}
