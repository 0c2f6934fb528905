//! Sums the database computes so that views of many goals need not load
//! every session, and the journal's revision, which tells a cache whether
//! anything changed.

use crate::row::{RowExt, date};
use crate::{Backend, Result, Store};
use chrono::{Duration, FixedOffset};
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
        // Stored times are RFC 3339 UTC; their first 19 characters are the
        // whole seconds, and offsets are whole seconds, so the local date of
        // the truncated time is the local date of the time.
        let secs = i64::from(offset.local_minus_utc());
        let local_day = match self.backend {
            Backend::Sqlite => "date(substr(started_at, 1, 19), $1)",
            Backend::Postgres => {
                "to_char(CAST(substr(started_at, 1, 19) AS timestamp) \
                 + CAST($1 AS double precision) * interval '1 second', 'YYYY-MM-DD')"
            }
        };
        let sql = format!(
            "SELECT goal_id, COUNT(*) AS n, CAST(SUM(focused_minutes) AS BIGINT) AS minutes,
                    COUNT(DISTINCT d) AS days,
                    CAST(SUM(CASE WHEN d BETWEEN $2 AND $3 THEN focused_minutes ELSE 0 END)
                         AS BIGINT) AS week_minutes
             FROM (SELECT goal_id, focused_minutes, {local_day} AS d FROM sessions) s
             GROUP BY goal_id"
        );
        let monday = week.monday();
        let query = sqlx::query(&sql);
        let query = match self.backend {
            Backend::Sqlite => query.bind(format!("{secs:+} seconds")),
            Backend::Postgres => query.bind(secs),
        };
        let rows = query
            .bind(date(monday))
            .bind(date(monday + Duration::days(6)))
            .fetch_all(&self.pool)
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

    /// How many applications each goal has; goals without any are absent.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn application_counts(&self) -> Result<HashMap<GoalId, usize>> {
        sqlx::query("SELECT goal_id, COUNT(*) AS n FROM applications GROUP BY goal_id")
            .fetch_all(&self.pool)
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
        sqlx::query("SELECT revision FROM journal_revision WHERE id = 1")
            .fetch_one(&self.pool)
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
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.text("t"))
            .collect()
    }
}
