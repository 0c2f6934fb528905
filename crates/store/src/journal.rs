//! Export and import of the whole journal, as one versioned document.

use crate::row::{date, ts};
use crate::{Backend, Error, Result, Store};
use chrono::{DateTime, Utc};
use mm_core::journal::{JOURNAL_VERSION, Journal};
use mm_core::*;
use sqlx::Row;

/// The tables with generated ids, in an order that respects references.
const ID_TABLES: [&str; 8] = [
    "skills",
    "micro_skills",
    "principles",
    "goals",
    "criteria",
    "sessions",
    "applications",
    "reflections",
];

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub skills: usize,
    pub micro_skills: usize,
    pub goals: usize,
    pub sessions: usize,
    pub applications: usize,
    pub reflections: usize,
}

impl Store {
    /// Everything recorded, as one document.
    pub async fn export(&self, now: DateTime<Utc>) -> Result<Journal> {
        let skills = self.list_skills().await?;
        let micro_skills = self.list_micro_skills(None).await?;
        let goals = self.list_goals().await?;
        let sessions = self.list_sessions(None).await?;
        let applications = self.list_applications(None).await?;
        let reflections = self.list_reflections().await?;
        let settings = self.list_settings().await?;
        Ok(Journal {
            version: JOURNAL_VERSION,
            exported_at: now,
            skills,
            micro_skills,
            goals,
            sessions,
            applications,
            reflections,
            settings,
        })
    }

    /// Whether the journal holds no records yet.
    pub async fn is_empty(&self) -> Result<bool> {
        let row =
            sqlx::query("SELECT (SELECT COUNT(*) FROM skills) + (SELECT COUNT(*) FROM goals) AS n")
                .fetch_one(&self.pool)
                .await?;
        Ok(row.try_get::<i64, _>("n")? == 0)
    }

    /// Write a whole journal into an empty store: validated first, then all of
    /// it in one transaction, so a failure (or a kill) leaves nothing behind.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the journal does not validate or the store
    /// already holds records.
    pub async fn import(&self, journal: &Journal) -> Result<ImportCounts> {
        journal.validate()?;
        if !self.is_empty().await? {
            return Err(Error::Invalid(format!(
                "the database {} already holds a journal; import into a fresh one (--db another.db)",
                self.location()
            )));
        }
        let mut tx = self.pool.begin().await?;
        for s in &journal.skills {
            sqlx::query(
                "INSERT INTO skills (id, name, kind, taxonomy_uri, description, held_level, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(s.id.0)
            .bind(s.name.clone())
            .bind(s.kind.as_str())
            .bind(s.taxonomy_uri.clone())
            .bind(s.description.clone())
            .bind(s.held_level.map(|l| i64::from(l.number())))
            .bind(ts(s.created_at))
            .execute(&mut *tx)
            .await?;
        }
        for m in &journal.micro_skills {
            sqlx::query(
                "INSERT INTO micro_skills (id, skill_id, name, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(m.id.0)
            .bind(m.skill_id.0)
            .bind(m.name.clone())
            .bind(ts(m.created_at))
            .execute(&mut *tx)
            .await?;
            for (i, p) in m.principles.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO principles (id, micro_skill_id, position, name, description)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(p.id.0)
                .bind(m.id.0)
                .bind(i as i64)
                .bind(p.name.clone())
                .bind(p.description.clone())
                .execute(&mut *tx)
                .await?;
            }
            for (i, r) in m.resources.iter().enumerate() {
                sqlx::query("INSERT INTO resources (micro_skill_id, position, url, title) VALUES ($1, $2, $3, $4)")
                    .bind(m.id.0)
                    .bind(i as i64)
                    .bind(r.url.clone())
                    .bind(r.title.clone())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for g in &journal.goals {
            sqlx::query(
                "INSERT INTO goals (id, micro_skill_id, target_level, state, start_date, deadline,
                                    weekly_minutes, created_at, closed_at, abandon_reason)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(g.id.0)
            .bind(g.micro_skill_id.0)
            .bind(i64::from(g.target_level.number()))
            .bind(g.state.as_str())
            .bind(date(g.start))
            .bind(date(g.deadline))
            .bind(i64::from(g.weekly_minutes))
            .bind(ts(g.created_at))
            .bind(g.closed_at.map(ts))
            .bind(g.abandon_reason.clone())
            .execute(&mut *tx)
            .await?;
            for (i, c) in g.criteria.iter().enumerate() {
                sqlx::query("INSERT INTO criteria (id, goal_id, position, text, met_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(c.id.0)
                    .bind(g.id.0)
                    .bind(i as i64)
                    .bind(c.text.clone())
                    .bind(c.met_at.map(ts))
                    .execute(&mut *tx)
                    .await?;
            }
            for (i, e) in g.extensions.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO goal_extensions (goal_id, position, at, old_deadline, new_deadline, reason)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(g.id.0)
                .bind(i as i64)
                .bind(ts(e.at))
                .bind(date(e.old_deadline))
                .bind(date(e.new_deadline))
                .bind(e.reason.clone())
                .execute(&mut *tx)
                .await?;
            }
        }
        for s in &journal.sessions {
            sqlx::query(
                "INSERT INTO sessions (id, goal_id, started_at, ended_at, focused_minutes, interruptions,
                                       aim, reps, errors, difficulty, feedback, notes)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(s.id.0)
            .bind(s.goal_id.0)
            .bind(ts(s.started_at))
            .bind(ts(s.ended_at))
            .bind(i64::from(s.focused_minutes))
            .bind(i64::from(s.interruptions))
            .bind(s.aim.clone())
            .bind(i64::from(s.reps))
            .bind(i64::from(s.errors))
            .bind(s.difficulty.map(i64::from))
            .bind(s.feedback.clone())
            .bind(s.notes.clone())
            .execute(&mut *tx)
            .await?;
        }
        for a in &journal.applications {
            let (kind, url, name, sha) = match &a.evidence {
                None => (None, None, None, None),
                Some(Evidence::Link { url }) => (Some("link"), Some(url.clone()), None, None),
                Some(Evidence::File { name, sha256 }) => {
                    (Some("file"), None, Some(name.clone()), Some(sha256.clone()))
                }
            };
            sqlx::query(
                "INSERT INTO applications (id, goal_id, at, context, outcome, impact, evidence_kind,
                                           evidence_url, evidence_name, evidence_sha256)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(a.id.0)
            .bind(a.goal_id.0)
            .bind(ts(a.at))
            .bind(a.context.clone())
            .bind(a.outcome.clone())
            .bind(a.impact.clone())
            .bind(kind)
            .bind(url)
            .bind(name)
            .bind(sha)
            .execute(&mut *tx)
            .await?;
        }
        for r in &journal.reflections {
            let (kind, session, goal, week) = match r.target {
                ReflectionTarget::Session { id } => ("session", Some(id.0), None, None),
                ReflectionTarget::Goal { id } => ("goal", None, Some(id.0), None),
                ReflectionTarget::Week { week } => ("week", None, None, Some(week.to_string())),
            };
            sqlx::query(
                "INSERT INTO reflections (id, target_kind, session_id, goal_id, week, at, worked, didnt, next)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(r.id.0)
            .bind(kind)
            .bind(session)
            .bind(goal)
            .bind(week)
            .bind(ts(r.at))
            .bind(r.worked.clone())
            .bind(r.didnt.clone())
            .bind(r.next.clone())
            .execute(&mut *tx)
            .await?;
            for p in &r.principles {
                sqlx::query("INSERT INTO reflection_principles (reflection_id, principle_id) VALUES ($1, $2)")
                    .bind(r.id.0)
                    .bind(p.0)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for (key, value) in &journal.settings {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key.clone())
            .bind(value.to_string())
            .execute(&mut *tx)
            .await?;
        }
        if self.backend == Backend::Postgres {
            // Explicit ids bypass the identity sequences; move them past the data.
            for table in ID_TABLES {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                );
                sqlx::query(&sql).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(ImportCounts {
            skills: journal.skills.len(),
            micro_skills: journal.micro_skills.len(),
            goals: journal.goals.len(),
            sessions: journal.sessions.len(),
            applications: journal.applications.len(),
            reflections: journal.reflections.len(),
        })
    }
}
