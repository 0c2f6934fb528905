//! One validation for every boundary: the CLI, `mm import` and, later, HTTP
//! all ask these functions whether a value may be stored, so that nothing is
//! written that the store cannot read back or that would brick the journal.
//!
//! The rules, in one place:
//! - **Moments and dates** lie in the years [`FIRST_YEAR`]–[`LAST_YEAR`]
//!   (1970–9999): the store writes RFC 3339 text, which has four-digit years,
//!   and nothing in a practice journal predates the Unix epoch.
//! - **A practice session** lasts at most [`MAX_SESSION_MINUTES`] (24 hours)
//!   and falls within its goal's life (see [`session_in_goal`]).
//! - **A weekly budget** is at most [`MAX_WEEKLY_MINUTES`] (168 hours).
//! - **The mastery rule** keeps every condition real: at least one session, on
//!   at least one day, covering a share of the planned minutes above zero.
//! - **Text** never holds a NUL byte (PostgreSQL refuses them, so a SQLite
//!   journal must never hold one either); **names** (skills, micro-skills,
//!   principles, arcs) hold no control characters at all, since they are
//!   printed in tables and on badges.
//! - **Settings** that `mm` reads back (mastery rule, availability,
//!   retention, FSRS parameters, target role) must parse as what they are.
//! - **An imported journal** passes all of the above, and each goal in state
//!   *achieved* passes the mastery rule on its imported evidence.
//!
//! This module is pure: no clock, no I/O.
//!
//! ```
//! use chrono::NaiveDate;
//! use mm_core::validate;
//!
//! assert!(validate::date("deadline", NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()).is_ok());
//! assert!(validate::date("deadline", NaiveDate::from_ymd_opt(1969, 12, 31).unwrap()).is_err());
//! assert!(validate::name("skill name", "pivot\u{7}tables").is_err());
//! ```

use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::mastery::{GoalRecord, MasteryRule, check};
use crate::model::{Goal, GoalState};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc};

/// The first year a stored date or moment may fall in.
pub const FIRST_YEAR: i32 = 1970;
/// The last year a stored date or moment may fall in.
pub const LAST_YEAR: i32 = 9999;
/// The longest a practice session may last, breaks included: 24 hours.
pub const MAX_SESSION_MINUTES: i64 = 24 * 60;
/// The largest weekly budget: the 168 hours a week has.
pub const MAX_WEEKLY_MINUTES: u32 = 7 * 24 * 60;

/// Settings keys `mm` reads back, and so checks on the way in.
pub mod keys {
    /// The person's mastery rule ([`crate::mastery::MasteryRule`]).
    pub const MASTERY_RULE: &str = "mastery_rule";
    /// Weekly windows and time zone ([`crate::availability::Availability`]).
    pub const AVAILABILITY: &str = "profile.availability";
    /// Desired retention of refreshers, 0.70–0.99.
    pub const RETENTION: &str = "retention.desired";
    /// Fitted FSRS parameters.
    pub const FSRS_PARAMS: &str = "retention.fsrs_params";
    /// Long-term target role, a title or an ESCO occupation URI.
    pub const TARGET_ROLE: &str = "target_role";
    /// The country the person works in (ISO 3166-1 alpha-2, `GB`): the
    /// catalogue keeps to entries that hold there.
    pub const COUNTRY: &str = "profile.country";
    /// The languages or platforms the person works in (`["python"]`).
    pub const STACK: &str = "profile.stack";
    /// The last ranking `mm discover` showed: `{"role": …, "micro": [uri…]}`.
    pub const LAST_RANKING: &str = "discover_last";
    /// The plan items last exported to a calendar (their UIDs and sequence
    /// numbers), read tolerantly: an unreadable list counts as none.
    pub const PLAN_CALENDAR: &str = "plan.exported_items";
}

fn in_range(year: i32) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&year)
}

fn range_error(what: &str, shown: impl std::fmt::Display) -> Error {
    Error::invalid(format!(
        "the {what} {shown} is out of range: dates must fall in the years {FIRST_YEAR} to {LAST_YEAR}"
    ))
}

/// A calendar date the store can hold and read back.
///
/// # Errors
/// [`Error::Invalid`] for a date outside [`FIRST_YEAR`]–[`LAST_YEAR`].
pub fn date(what: &str, d: NaiveDate) -> Result<NaiveDate> {
    if in_range(d.year()) {
        Ok(d)
    } else {
        Err(range_error(what, d))
    }
}

/// A moment the store can hold and read back (checked in UTC).
///
/// # Errors
/// [`Error::Invalid`] for a moment outside [`FIRST_YEAR`]–[`LAST_YEAR`].
pub fn moment(what: &str, at: DateTime<Utc>) -> Result<DateTime<Utc>> {
    if in_range(at.year()) {
        Ok(at)
    } else {
        Err(range_error(what, at.format("%Y-%m-%d %H:%M UTC")))
    }
}

/// An ISO week that exists, in the storable years.
///
/// # Errors
/// [`Error::Invalid`] for a week such as 2026-W60 or year 10000.
pub fn week(w: crate::model::Week) -> Result<()> {
    match NaiveDate::from_isoywd_opt(w.year, w.week, chrono::Weekday::Mon) {
        Some(d) if in_range(d.year()) => Ok(()),
        _ => Err(Error::invalid(format!(
            "week {w} does not exist (or is outside {FIRST_YEAR}-{LAST_YEAR})"
        ))),
    }
}

/// The longest free text kept (a note, a reflection, a description): about
/// thirty pages. On a server shared by many people one field must not take
/// the whole request body.
pub const MAX_TEXT_CHARS: usize = 100_000;

/// The longest name kept (a skill, a goal, a micro-skill, a criterion).
pub const MAX_NAME_CHARS: usize = 2_000;

/// Free text (aims, notes, reflections): anything but a NUL byte, at most
/// [`MAX_TEXT_CHARS`] characters.
///
/// # Errors
/// [`Error::Invalid`] when the text holds a NUL byte or is too long.
pub fn text(what: &str, s: &str) -> Result<()> {
    if s.contains('\0') {
        return Err(Error::invalid(format!(
            "the {what} holds a NUL byte, which cannot be stored; remove it"
        )));
    }
    too_long(what, s, MAX_TEXT_CHARS)
}

fn too_long(what: &str, s: &str, max: usize) -> Result<()> {
    // Bytes bound characters from above: count only when it could matter.
    if s.len() > max && s.chars().count() > max {
        return Err(Error::invalid(format!(
            "the {what} is {} characters long; at most {max} are kept: shorten it",
            s.chars().count()
        )));
    }
    Ok(())
}

/// A name printed in tables and on badges: no NUL, no control characters
/// (tabs and line breaks included).
///
/// # Errors
/// [`Error::Invalid`] naming the first control character found.
pub fn name(what: &str, s: &str) -> Result<()> {
    text(what, s)?;
    too_long(what, s, MAX_NAME_CHARS)?;
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(Error::invalid(format!(
            "the {what} {s:?} holds the control character {:?}; names are one line of plain text",
            c
        )));
    }
    Ok(())
}

/// A name for display: control characters escaped (`\u{1b}`), so that a
/// name stored before this check existed cannot drive the terminal.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

/// A weekly practice budget: more than zero, at most [`MAX_WEEKLY_MINUTES`].
///
/// # Errors
/// [`Error::Invalid`] for zero or more minutes than a week has.
pub fn weekly_budget(minutes: u32) -> Result<()> {
    if minutes == 0 {
        return Err(Error::invalid(
            "the weekly budget must be more than zero minutes (for example 2h30m)",
        ));
    }
    if minutes > MAX_WEEKLY_MINUTES {
        return Err(Error::invalid(format!(
            "a weekly budget of {minutes} minutes is more than the 168 hours a week has"
        )));
    }
    Ok(())
}

/// A session's span: both ends storable and at most [`MAX_SESSION_MINUTES`] apart.
///
/// # Errors
/// [`Error::Invalid`] for an end out of range or a session over 24 hours.
pub fn session_span(started_at: DateTime<Utc>, ended_at: DateTime<Utc>) -> Result<()> {
    moment("session start", started_at)?;
    moment("session end", ended_at)?;
    if ended_at - started_at > Duration::minutes(MAX_SESSION_MINUTES) {
        return Err(Error::invalid(
            "a practice session lasts at most 24 hours: log each sitting as its own session",
        ));
    }
    Ok(())
}

/// Whether a session that starts at `started_at` falls within its goal's
/// life: not before the goal existed (the earlier of when it was created and
/// the start of its first day in any time zone, UTC+14), and not after it was
/// achieved or abandoned. Practice on a planned goal before its start is
/// allowed: it makes the goal active.
///
/// # Errors
/// [`Error::Invalid`] naming the goal and its life.
pub fn session_in_goal(started_at: DateTime<Utc>, goal: &Goal) -> Result<()> {
    let first_day = goal
        .start
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc() - Duration::hours(14));
    let begins = first_day.map_or(goal.created_at, |d| d.min(goal.created_at));
    if started_at < begins {
        return Err(Error::invalid(format!(
            "the session starts {}, before goal {} began: practice on it counts from {} (its first day, {}, as it begins in the earliest time zone); for older practice, create the goal with an earlier start date",
            started_at.format("%Y-%m-%d %H:%M UTC"),
            goal.id,
            begins.format("%Y-%m-%d %H:%M UTC"),
            goal.start
        )));
    }
    if goal.state.is_closed()
        && let Some(closed) = goal.closed_at
        && started_at > closed
    {
        return Err(Error::invalid(format!(
            "the session starts {}, after goal {} was {} ({})",
            started_at.format("%Y-%m-%d %H:%M UTC"),
            goal.id,
            goal.state,
            closed.format("%Y-%m-%d %H:%M UTC")
        )));
    }
    Ok(())
}

/// The mastery rule's numbers: each condition stays a real condition.
///
/// # Errors
/// [`Error::Invalid`] for a zero minimum or a share outside (0, 1].
pub fn mastery_rule(rule: &MasteryRule) -> Result<()> {
    if rule.min_sessions == 0 {
        return Err(Error::invalid(
            "the mastery rule needs at least 1 session: practice is never optional",
        ));
    }
    if rule.min_days == 0 {
        return Err(Error::invalid(
            "the mastery rule needs practice on at least 1 day",
        ));
    }
    let share = rule.min_minutes_share;
    if share.is_nan() || share <= 0.0 || share > 1.0 {
        return Err(Error::invalid(format!(
            "the minutes share of the mastery rule must be above 0 and at most 1 (got {share})"
        )));
    }
    Ok(())
}

/// A setting as it will be stored: every value is NUL-free, and the keys
/// `mm` reads back (see [`keys`]) must parse as what they are, so that a
/// bad value can never make every later command fail. Other keys (remembered
/// lists, calendar state) are read tolerantly and only checked for NUL bytes.
///
/// # Errors
/// [`Error::Invalid`] naming the key.
pub fn setting(key: &str, value: &serde_json::Value) -> Result<()> {
    let bad = |e: &dyn std::fmt::Display| Error::invalid(format!("setting {key:?}: {e}"));
    text("setting name", key)?;
    no_nul(value, &mut format!("settings.{key}"))?;
    match key {
        keys::MASTERY_RULE => {
            let rule: MasteryRule = serde_json::from_value(value.clone()).map_err(|e| bad(&e))?;
            mastery_rule(&rule).map_err(|e| bad(&e))
        }
        keys::AVAILABILITY => {
            let av: crate::availability::Availability =
                serde_json::from_value(value.clone()).map_err(|e| bad(&e))?;
            for w in &av.windows {
                if w.day > 6 {
                    return Err(bad(&"a window's day must be 0 (Monday) to 6 (Sunday)"));
                }
                if w.start >= w.end {
                    return Err(bad(&"a window ends before it starts"));
                }
            }
            Ok(())
        }
        keys::RETENTION => {
            let r = value
                .as_f64()
                .ok_or_else(|| bad(&"the desired retention must be a number"))?;
            crate::retention::check_retention(r).map_err(|e| bad(&e))
        }
        keys::FSRS_PARAMS => {
            let params: Vec<f32> = serde_json::from_value(value.clone()).map_err(|e| bad(&e))?;
            crate::retention::Scheduler::new(
                Some(&params),
                crate::retention::DEFAULT_DESIRED_RETENTION,
            )
            .map(|_| ())
            .map_err(|_| bad(&"these are not valid FSRS parameters"))
        }
        keys::TARGET_ROLE => match value {
            serde_json::Value::String(s) if !s.trim().is_empty() => name("target role", s),
            _ => Err(bad(&"the target role must be a title or an occupation URI")),
        },
        keys::COUNTRY => match value {
            serde_json::Value::String(s) if is_country(s) => Ok(()),
            _ => Err(bad(
                &"the country must be a two-letter ISO 3166-1 code such as GB or US",
            )),
        },
        keys::STACK => match value {
            serde_json::Value::Array(a)
                if a.len() <= 20 && a.iter().all(|s| s.as_str().is_some_and(is_stack_name)) =>
            {
                Ok(())
            }
            _ => Err(bad(
                &"the stack must be a list of lower-case names such as python or dotnet",
            )),
        },
        keys::LAST_RANKING => {
            let uris = value.get("micro").and_then(|m| m.as_array());
            let role_ok = value
                .get("role")
                .is_none_or(|r| r.is_null() || r.is_string());
            match uris {
                Some(list) if role_ok && list.iter().all(|u| u.is_string()) => Ok(()),
                _ => Err(bad(
                    &"the last ranking must list skill URIs under \"micro\"",
                )),
            }
        }
        _ => Ok(()),
    }
}

/// A two-letter ISO 3166-1 code in capitals (`GB`).
pub fn is_country(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// A stack name: a lower-case slug of at most 30 characters (`python`,
/// `dotnet`).
pub fn is_stack_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 30
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Every string in a JSON value (keys too) is NUL-free; `path` names where.
fn no_nul(v: &serde_json::Value, path: &mut String) -> Result<()> {
    use serde_json::Value;
    let found = |path: &str| {
        Error::invalid(format!(
            "{path} holds a NUL byte, which the store cannot keep"
        ))
    };
    match v {
        Value::String(s) if s.contains('\0') => Err(found(path)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                no_nul(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            for (k, item) in map {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                if k.contains('\0') {
                    return Err(found(path));
                }
                no_nul(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// An imported journal, checked completely before any of it is written: its
/// references hold together ([`Journal::validate`]), no string anywhere holds
/// a NUL byte, names hold no control characters, every date and moment is in
/// range, sessions last at most 24 hours within their goal's life, budgets fit
/// a week, settings parse, and every goal in state *achieved* passes the
/// mastery rule (the journal's own, else the default) on the journal's
/// evidence. `offset` decides which calendar day a session falls on.
///
/// # Errors
/// [`Error::Invalid`] naming the first record at fault.
pub fn journal(j: &Journal, offset: FixedOffset) -> Result<()> {
    j.validate()?;
    let value = serde_json::to_value(j)
        .map_err(|e| Error::invalid(format!("the journal cannot be read back: {e}")))?;
    no_nul(&value, &mut "journal".to_owned())?;
    for (key, v) in &j.settings {
        setting(key, v)?;
    }
    for s in &j.skills {
        let at = |e: Error| Error::invalid(format!("skill {}: {e}", s.id));
        name("skill name", &s.name).map_err(at)?;
        moment("creation time", s.created_at).map_err(at)?;
    }
    for m in &j.micro_skills {
        let at = |e: Error| Error::invalid(format!("micro-skill {}: {e}", m.id));
        name("micro-skill", &m.name).map_err(at)?;
        moment("creation time", m.created_at).map_err(at)?;
        for p in &m.principles {
            name("principle", &p.name).map_err(at)?;
        }
    }
    for g in &j.goals {
        let at = |e: Error| Error::invalid(format!("goal {}: {e}", g.id));
        date("start", g.start).map_err(at)?;
        date("deadline", g.deadline).map_err(at)?;
        moment("creation time", g.created_at).map_err(at)?;
        if let Some(c) = g.closed_at {
            moment("closing time", c).map_err(at)?;
        }
        weekly_budget(g.weekly_minutes).map_err(at)?;
        for c in &g.criteria {
            if let Some(t) = c.met_at {
                moment("criterion tick", t).map_err(at)?;
            }
        }
        for e in &g.extensions {
            moment("extension time", e.at).map_err(at)?;
            date("old deadline", e.old_deadline).map_err(at)?;
            date("new deadline", e.new_deadline).map_err(at)?;
        }
    }
    for s in &j.sessions {
        let at = |e: Error| Error::invalid(format!("session {}: {e}", s.id));
        session_span(s.started_at, s.ended_at).map_err(at)?;
        if i64::from(s.focused_minutes) * 60 > (s.ended_at - s.started_at).num_seconds() + 59 {
            return Err(at(Error::invalid(
                "its focused minutes do not fit between its start and end",
            )));
        }
        if let Some(d) = s.difficulty
            && !(1..=5).contains(&d)
        {
            return Err(at(Error::invalid(format!("difficulty {d} is not 1 to 5"))));
        }
        if let Some(g) = j.goals.iter().find(|g| g.id == s.goal_id) {
            session_in_goal(s.started_at, g).map_err(at)?;
        }
    }
    for a in &j.applications {
        let at = |e: Error| Error::invalid(format!("application {}: {e}", a.id));
        moment("application time", a.at).map_err(at)?;
        if let Some(e) = &a.evidence {
            e.validate().map_err(at)?;
        }
    }
    for r in &j.reflections {
        let at = |e: Error| Error::invalid(format!("reflection {}: {e}", r.id));
        moment("reflection time", r.at).map_err(at)?;
        if let crate::model::ReflectionTarget::Week { week: w } = r.target {
            week(w).map_err(at)?;
        }
    }
    let rule = match j.settings.get(keys::MASTERY_RULE) {
        Some(v) => serde_json::from_value(v.clone())
            .map_err(|e| Error::invalid(format!("setting {:?}: {e}", keys::MASTERY_RULE)))?,
        None => MasteryRule::default(),
    };
    for g in j.goals.iter().filter(|g| g.state == GoalState::Achieved) {
        let Some(micro) = j.micro_skills.iter().find(|m| m.id == g.micro_skill_id) else {
            continue; // Journal::validate has refused this already.
        };
        let sessions: Vec<_> = j
            .sessions
            .iter()
            .filter(|s| s.goal_id == g.id)
            .cloned()
            .collect();
        let applications: Vec<_> = j
            .applications
            .iter()
            .filter(|a| a.goal_id == g.id)
            .cloned()
            .collect();
        let report = check(
            &rule,
            GoalRecord {
                goal: g,
                micro_skill: micro,
                sessions: &sessions,
                applications: &applications,
                reflections: &j.reflections,
            },
            offset,
        );
        if !report.achieved() {
            let missing: Vec<&str> = report.unmet().map(|c| c.detail.as_str()).collect();
            return Err(Error::invalid(format!(
                "goal {} is marked achieved, but the mastery rule does not pass on its evidence: {}",
                g.id,
                missing.join("; ")
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::*;
    use crate::model::*;

    fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
            .and_utc()
    }

    fn goal(state: GoalState) -> Goal {
        Goal {
            id: GoalId(1),
            micro_skill_id: MicroSkillId(1),
            target_level: Level::Competent,
            state,
            start: NaiveDate::from_ymd_opt(2026, 11, 10).unwrap(),
            deadline: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            weekly_minutes: 120,
            criteria: vec![Criterion {
                id: CriterionId(1),
                text: "build it".into(),
                met_at: Some(utc(2026, 11, 20, 9)),
            }],
            extensions: vec![],
            created_at: utc(2026, 11, 10, 8),
            closed_at: state.is_closed().then(|| utc(2026, 11, 21, 9)),
            abandon_reason: None,
        }
    }

    #[test]
    fn moments_outside_1970_to_9999_are_refused() {
        assert!(moment("t", utc(1970, 1, 1, 0)).is_ok());
        assert!(moment("t", utc(9999, 12, 31, 23)).is_ok());
        assert!(moment("t", utc(1969, 12, 31, 23)).is_err());
        let far = NaiveDate::from_ymd_opt(-6000, 1, 1).unwrap();
        let err = date("deadline", far).unwrap_err().to_string();
        assert!(err.contains("1970 to 9999"), "{err}");
    }

    #[test]
    fn sessions_last_at_most_a_day() {
        let s = utc(2026, 11, 12, 7);
        assert!(session_span(s, s + Duration::hours(24)).is_ok());
        let err = session_span(s, s + Duration::hours(25))
            .unwrap_err()
            .to_string();
        assert!(err.contains("24 hours"), "{err}");
    }

    #[test]
    fn sessions_fall_within_the_goal_life() {
        let open = goal(GoalState::Active);
        assert!(session_in_goal(utc(2026, 11, 12, 7), &open).is_ok());
        // Long after the deadline, an open goal still takes practice.
        assert!(session_in_goal(utc(2027, 1, 12, 7), &open).is_ok());
        let err = session_in_goal(utc(2026, 10, 1, 7), &open)
            .unwrap_err()
            .to_string();
        assert!(err.contains("before goal 1 began"), "{err}");
        let done = goal(GoalState::Achieved);
        let err = session_in_goal(utc(2026, 11, 22, 7), &done)
            .unwrap_err()
            .to_string();
        assert!(err.contains("after goal 1 was achieved"), "{err}");
    }

    #[test]
    fn weeks_must_exist() {
        assert!(
            week(Week {
                year: 2026,
                week: 48
            })
            .is_ok()
        );
        assert!(
            week(Week {
                year: 2026,
                week: 60
            })
            .is_err()
        );
        assert!(
            week(Week {
                year: 12000,
                week: 1
            })
            .is_err()
        );
    }

    #[test]
    fn weekly_budget_fits_a_week() {
        assert!(weekly_budget(MAX_WEEKLY_MINUTES).is_ok());
        assert!(weekly_budget(MAX_WEEKLY_MINUTES + 1).is_err());
        assert!(weekly_budget(0).is_err());
    }

    #[test]
    fn mastery_minimums_cannot_be_zero() {
        let ok = MasteryRule::default();
        assert!(mastery_rule(&ok).is_ok());
        for bad in [
            MasteryRule {
                min_sessions: 0,
                ..ok
            },
            MasteryRule { min_days: 0, ..ok },
            MasteryRule {
                min_minutes_share: 0.0,
                ..ok
            },
            MasteryRule {
                min_minutes_share: f64::NAN,
                ..ok
            },
            MasteryRule {
                min_minutes_share: 1.5,
                ..ok
            },
        ] {
            assert!(mastery_rule(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_and_text() {
        assert!(name("skill name", "pivot tables").is_ok());
        assert!(name("skill name", "pivot\ttables").is_err());
        assert!(name("skill name", "\u{1b}[31mred").is_err());
        assert!(text("aim", "line one\nline two").is_ok());
        assert!(text("aim", "nul\0byte").is_err());
        assert!(text("note", &"é".repeat(MAX_TEXT_CHARS)).is_ok());
        let long = text("note", &"x".repeat(MAX_TEXT_CHARS + 1)).unwrap_err();
        assert!(long.to_string().contains("at most 100000"), "{long}");
        assert!(name("skill name", &"a".repeat(MAX_NAME_CHARS)).is_ok());
        assert!(name("skill name", &"a".repeat(MAX_NAME_CHARS + 1)).is_err());
        assert_eq!(printable("a\u{1b}b"), "a\\u{1b}b");
        assert_eq!(printable("plain"), "plain");
    }

    #[test]
    fn settings_that_are_read_back_must_parse() {
        let table = [
            (keys::MASTERY_RULE, serde_json::json!("garbage"), false),
            (
                keys::MASTERY_RULE,
                serde_json::json!({"min_sessions": 0}),
                false,
            ),
            (
                keys::MASTERY_RULE,
                serde_json::json!({"min_sessions": 2, "min_days": 2, "min_minutes_share": 0.5}),
                true,
            ),
            (keys::RETENTION, serde_json::json!(0.9), true),
            (keys::RETENTION, serde_json::json!("high"), false),
            (keys::RETENTION, serde_json::json!(1.5), false),
            (
                keys::AVAILABILITY,
                serde_json::json!({"windows": [], "tz": "Mars/Olympus"}),
                false,
            ),
            (
                keys::AVAILABILITY,
                serde_json::json!({"windows": [{"day": 9, "start": "07:00:00", "end": "08:00:00"}], "tz": "UTC"}),
                false,
            ),
            (
                keys::AVAILABILITY,
                serde_json::json!({"windows": [{"day": 0, "start": "07:00:00", "end": "08:00:00"}], "tz": "UTC"}),
                true,
            ),
            (keys::FSRS_PARAMS, serde_json::json!([1.0, "x"]), false),
            (keys::TARGET_ROLE, serde_json::json!("data analyst"), true),
            (keys::TARGET_ROLE, serde_json::json!(42), false),
            (keys::COUNTRY, serde_json::json!("GB"), true),
            (keys::COUNTRY, serde_json::json!("gb"), false),
            (keys::COUNTRY, serde_json::json!("GBR"), false),
            (keys::STACK, serde_json::json!(["python", "dotnet"]), true),
            (keys::STACK, serde_json::json!(["Python"]), false),
            (keys::STACK, serde_json::json!("python"), false),
            (
                keys::LAST_RANKING,
                serde_json::json!({"role": "http://x", "micro": ["http://a"]}),
                true,
            ),
            (keys::LAST_RANKING, serde_json::json!({"micro": [1]}), false),
            ("plan.exported_items", serde_json::json!([]), true),
            ("anything", serde_json::json!({"a": ["b\u{0}"]}), false),
        ];
        for (key, value, ok) in table {
            assert_eq!(setting(key, &value).is_ok(), ok, "{key} = {value}");
        }
    }
}
