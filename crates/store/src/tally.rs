//! Sums the database computes so that views of many goals need not load
//! every session, and the journal's revision, which tells a cache whether
//! anything changed.

use crate::row::{RowExt, date};
use crate::{Backend, Result, Store};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use mm_core::tally::SessionTally;
use mm_core::{GoalId, Week};
use std::collections::HashMap;

impl Store {
    /// Every goal's sessions added up ([`SessionTally`]), in one query: the
    /// days are local dates at `offset`, `week_minutes` counts ISO week
    /// `week`. The same numbers as [`SessionTally::of`] over the goal's
    /// sessions. Goals without sessions are absent.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn session_tallies(
        &self,
        offset: FixedOffset,
        week: Week,
    ) -> Result<HashMap<GoalId, SessionTally>> {
        // Stored times are RFC 3339 UTC ("2026-11-29T23:30:00.000000000Z"),
        // and offsets are whole seconds under a day, so a session's local
        // date is its UTC date, or the day after (before) when its UTC time
        // of day is at least (below) the moment the offset crosses midnight.
        // Date arithmetic runs only on those few sessions: over 20,000 rows
        // it costs four times the rest of the query.
        let secs = offset.local_minus_utc();
        let (cmp, shift) = if secs >= 0 { (">=", 1) } else { ("<", -1) };
        let bound = {
            let b = if secs >= 0 { 86_400 - secs } else { -secs };
            format!("{:02}:{:02}:{:02}", b / 3600, b % 3600 / 60, b % 60)
        };
        let shifted = match self.backend {
            Backend::Sqlite => format!("date(substr(started_at, 1, 10), '{shift:+} day')"),
            Backend::Postgres => {
                format!("to_char(CAST(substr(started_at, 1, 10) AS date) + {shift}, 'YYYY-MM-DD')")
            }
        };
        // At offset zero the bound is "24:00:00", which no time reaches.
        let local_day = format!(
            "CASE WHEN substr(started_at, 12, 8) {cmp} $1 THEN {shifted} \
             ELSE substr(started_at, 1, 10) END"
        );
        let sql = format!(
            "SELECT goal_id, COUNT(*) AS n, CAST(SUM(focused_minutes) AS BIGINT) AS minutes,
                    COUNT(DISTINCT d) AS days,
                    CAST(SUM(CASE WHEN d BETWEEN $2 AND $3 THEN focused_minutes ELSE 0 END)
                         AS BIGINT) AS week_minutes
             FROM (SELECT goal_id, focused_minutes, {local_day} AS d FROM sessions) s
             GROUP BY goal_id"
        );
        let monday = week.monday();
        let query = sqlx::query(&sql).bind(bound);
        let rows = query
            .bind(date(monday))
            .bind(date(monday + Duration::days(6)))
            .fetch_all(&mut *self.read().await?)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    GoalId(r.int("goal_id")?),
                    SessionTally {
                        sessions: r.u32("n")?,
                        minutes: r.u32("minutes")?,
                        days: r.u32("days")?,
                        week_minutes: r.u32("week_minutes")?,
                    },
                ))
            })
            .collect()
    }

    /// When each goal's latest session started; goals without sessions
    /// are absent. One query over the tally index, for views that need
    /// only that and [`Store::session_tallies`], not every session.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn last_session_starts(&self) -> Result<HashMap<GoalId, DateTime<Utc>>> {
        // Stored times are fixed-width RFC 3339 UTC, so the greatest text is
        // the latest time.
        sqlx::query("SELECT goal_id, MAX(started_at) AS last FROM sessions GROUP BY goal_id")
            .fetch_all(&mut *self.read().await?)
            .await?
            .iter()
            .map(|r| Ok((GoalId(r.int("goal_id")?), r.time("last")?)))
            .collect()
    }

    /// How many applications each goal has; goals without any are absent.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn application_counts(&self) -> Result<HashMap<GoalId, usize>> {
        sqlx::query("SELECT goal_id, COUNT(*) AS n FROM applications GROUP BY goal_id")
            .fetch_all(&mut *self.read().await?)
            .await?
            .iter()
            .map(|r| Ok((GoalId(r.int("goal_id")?), r.u32("n")? as usize)))
            .collect()
    }

    /// The journal's revision: a number that moves, in the same transaction,
    /// with every change to any table, whoever makes it (this process,
    /// another server instance, the CLI on the same file). A view computed
    /// after reading revision `r` is at least as new as `r`, so a cache keyed
    /// by the revision never serves a view older than the journal.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn revision(&self) -> Result<i64> {
        // PostgreSQL keeps one revision per person (migration 1200), made on
        // their first change: none yet reads as 0.
        let sql = match self.backend {
            Backend::Sqlite => "SELECT revision FROM journal_revision WHERE id = 1",
            Backend::Postgres => {
                "SELECT COALESCE(MAX(revision), 0) AS revision FROM journal_revision
                 WHERE org_id = mm_scope_org() AND person_id = mm_scope_person()"
            }
        };
        sqlx::query(sql)
            .fetch_one(&mut *self.read().await?)
            .await?
            .int("revision")
    }

    /// The tables whose changes move the revision, read from the database's
    /// own catalogue of triggers (for the test that every table does).
    ///
    /// # Errors
    /// When the database fails.
    #[doc(hidden)]
    pub async fn tables_moving_the_revision(&self) -> Result<Vec<String>> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT DISTINCT tbl_name AS t FROM sqlite_master
                 WHERE type = 'trigger' AND sql LIKE '%journal_revision%' ORDER BY t"
            }
            Backend::Postgres => {
                "SELECT DISTINCT c.relname::text AS t FROM pg_trigger g
                 JOIN pg_class c ON c.oid = g.tgrelid
                 JOIN pg_proc p ON p.oid = g.tgfoid
                 WHERE p.proname = 'journal_revision_bump'
                   AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
                 ORDER BY t"
            }
        };
        sqlx::query(sql)
            .fetch_all(&mut *self.read().await?)
            .await?
            .iter()
            .map(|r| r.text("t"))
            .collect()
    }
}
