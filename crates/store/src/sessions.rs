//! Practice sessions, applications and reflections.

use crate::goals::ensure_open;
use crate::row::{RowExt, ts};
use crate::skills::not_found;
use crate::{Error, Result, Store};
use chrono::{DateTime, Utc};
use mm_core::*;
use sqlx::any::AnyRow;
use std::collections::HashMap;

impl Store {
    /// Record a practice session. Logging practice on a planned goal makes it active.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an invalid session or a closed goal;
    /// [`Error::NotFound`] for an unknown goal.
    pub async fn log_session(&self, new: &NewSession, now: DateTime<Utc>) -> Result<Session> {
        new.validate(now)?;
        let goal = self.get_goal(new.goal_id).await?;
        ensure_open(&goal)?;
        mm_core::validate::session_in_goal(new.started_at, &goal)?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO sessions (goal_id, started_at, ended_at, focused_minutes, interruptions, aim,
                                   reps, errors, difficulty, feedback, notes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(new.goal_id.0)
        .bind(ts(new.started_at))
        .bind(ts(new.ended_at))
        .bind(i64::from(new.focused_minutes))
        .bind(i64::from(new.interruptions))
        .bind(new.aim.trim().to_owned())
        .bind(i64::from(new.reps))
        .bind(i64::from(new.errors))
        .bind(new.difficulty.map(i64::from))
        .bind(new.feedback.clone())
        .bind(new.notes.clone())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE goals SET state = 'active' WHERE id = $1 AND state = 'planned'")
            .bind(new.goal_id.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.get_session(SessionId(row.int("id")?)).await
    }

    /// Replace a session's values (a running timer checkpoints this way).
    ///
    /// # Errors
    /// [`Error::Invalid`] for invalid values; [`Error::NotFound`] for an unknown session.
    pub async fn update_session(
        &self,
        id: SessionId,
        new: &NewSession,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        new.validate(now)?;
        let mut conn = self.write().await?;
        let done = sqlx::query(
            "UPDATE sessions SET started_at = $1, ended_at = $2, focused_minutes = $3,
                interruptions = $4, aim = $5, reps = $6, errors = $7, difficulty = $8,
                feedback = $9, notes = $10
             WHERE id = $11 AND goal_id = $12",
        )
        .bind(ts(new.started_at))
        .bind(ts(new.ended_at))
        .bind(i64::from(new.focused_minutes))
        .bind(i64::from(new.interruptions))
        .bind(new.aim.trim().to_owned())
        .bind(i64::from(new.reps))
        .bind(i64::from(new.errors))
        .bind(new.difficulty.map(i64::from))
        .bind(new.feedback.clone())
        .bind(new.notes.clone())
        .bind(id.0)
        .bind(new.goal_id.0)
        .execute(&mut *conn)
        .await?;
        conn.commit().await?;
        if done.rows_affected() == 0 {
            return Err(not_found("session", id));
        }
        self.get_session(id).await
    }

    /// One session.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none.
    pub async fn get_session(&self, id: SessionId) -> Result<Session> {
        let row = sqlx::query("SELECT * FROM sessions WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *self.read().await?)
            .await?
            .ok_or_else(|| not_found("session", id))?;
        session_from_row(&row)
    }

    /// Sessions, all or one goal's, in time order.
    pub async fn list_sessions(&self, goal: Option<GoalId>) -> Result<Vec<Session>> {
        sqlx::query(
            "SELECT * FROM sessions WHERE ($1 IS NULL OR goal_id = $1) ORDER BY started_at, id",
        )
        .bind(goal.map(|g| g.0))
        .fetch_all(&mut *self.read().await?)
        .await?
        .iter()
        .map(session_from_row)
        .collect()
    }

    /// Record a real application of a goal's skill.
    ///
    /// # Errors
    /// [`Error::Invalid`] for invalid input; [`Error::NotFound`] for an unknown goal.
    pub async fn add_application(
        &self,
        new: &NewApplication,
        now: DateTime<Utc>,
    ) -> Result<Application> {
        new.validate(now)?;
        let goal = self.get_goal(new.goal_id).await?;
        if goal.state == GoalState::Abandoned {
            return Err(Error::Invalid(format!("goal {} was abandoned", goal.id)));
        }
        let (kind, url, name, sha) = match &new.evidence {
            None => (None, None, None, None),
            Some(Evidence::Link { url }) => (Some("link"), Some(url.clone()), None, None),
            Some(Evidence::File { name, sha256 }) => (
                Some("file"),
                None,
                Some(name.clone()),
                Some(sha256.to_ascii_lowercase()),
            ),
        };
        let mut conn = self.write().await?;
        let row = sqlx::query(
            "INSERT INTO applications (goal_id, at, context, outcome, impact, evidence_kind,
                                       evidence_url, evidence_name, evidence_sha256)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(new.goal_id.0)
        .bind(ts(new.at))
        .bind(new.context.trim().to_owned())
        .bind(new.outcome.trim().to_owned())
        .bind(new.impact.clone())
        .bind(kind)
        .bind(url)
        .bind(name)
        .bind(sha)
        .fetch_one(&mut *conn)
        .await?;
        conn.commit().await?;
        let id = row.int("id")?;
        self.list_applications(Some(new.goal_id))
            .await?
            .into_iter()
            .find(|a| a.id.0 == id)
            .ok_or_else(|| not_found("application", id))
    }

    /// Applications, all or one goal's, in time order.
    pub async fn list_applications(&self, goal: Option<GoalId>) -> Result<Vec<Application>> {
        sqlx::query("SELECT * FROM applications WHERE ($1 IS NULL OR goal_id = $1) ORDER BY at, id")
            .bind(goal.map(|g| g.0))
            .fetch_all(&mut *self.read().await?)
            .await?
            .iter()
            .map(application_from_row)
            .collect()
    }

    /// Record a reflection and the principles it addresses, in one transaction.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty reflection; [`Error::NotFound`] for an
    /// unknown session, goal or principle.
    pub async fn add_reflection(&self, new: &NewReflection) -> Result<Reflection> {
        new.validate()?;
        let (kind, session, goal, week) = match new.target {
            ReflectionTarget::Session { id } => {
                self.get_session(id).await?;
                ("session", Some(id.0), None, None)
            }
            ReflectionTarget::Goal { id } => {
                self.get_goal(id).await?;
                ("goal", None, Some(id.0), None)
            }
            ReflectionTarget::Week { week } => ("week", None, None, Some(week.to_string())),
        };
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO reflections (target_kind, session_id, goal_id, week, at, worked, didnt, next)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(kind)
        .bind(session)
        .bind(goal)
        .bind(week)
        .bind(ts(new.at))
        .bind(new.worked.trim().to_owned())
        .bind(new.didnt.trim().to_owned())
        .bind(new.next.trim().to_owned())
        .fetch_one(&mut *tx)
        .await?;
        let id = row.int("id")?;
        for p in &new.principles {
            sqlx::query(
                "INSERT INTO reflection_principles (reflection_id, principle_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(p.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| match Error::from(e) {
                Error::Invalid(_) => not_found("principle", p),
                other => other,
            })?;
        }
        tx.commit().await?;
        self.list_reflections()
            .await?
            .into_iter()
            .find(|r| r.id.0 == id)
            .ok_or_else(|| not_found("reflection", id))
    }

    /// All reflections, in time order.
    pub async fn list_reflections(&self) -> Result<Vec<Reflection>> {
        let mut tags: HashMap<i64, Vec<PrincipleId>> = HashMap::new();
        for r in
            sqlx::query("SELECT * FROM reflection_principles ORDER BY reflection_id, principle_id")
                .fetch_all(&mut *self.read().await?)
                .await?
        {
            tags.entry(r.int("reflection_id")?)
                .or_default()
                .push(PrincipleId(r.int("principle_id")?));
        }
        sqlx::query("SELECT * FROM reflections ORDER BY at, id")
            .fetch_all(&mut *self.read().await?)
            .await?
            .iter()
            .map(|r| reflection_from_row(r, &mut tags))
            .collect()
    }
}

pub(crate) fn session_from_row(r: &AnyRow) -> Result<Session> {
    Ok(Session {
        id: SessionId(r.int("id")?),
        goal_id: GoalId(r.int("goal_id")?),
        started_at: r.time("started_at")?,
        ended_at: r.time("ended_at")?,
        focused_minutes: r.u32("focused_minutes")?,
        interruptions: r.u32("interruptions")?,
        aim: r.text("aim")?,
        reps: r.u32("reps")?,
        errors: r.u32("errors")?,
        difficulty: r.opt_int("difficulty")?.map(|d| d as u8),
        feedback: r.opt_text("feedback")?,
        notes: r.opt_text("notes")?,
    })
}

pub(crate) fn application_from_row(r: &AnyRow) -> Result<Application> {
    let evidence = match r.opt_text("evidence_kind")?.as_deref() {
        Some("link") => Some(Evidence::Link {
            url: r.text("evidence_url")?,
        }),
        Some("file") => Some(Evidence::File {
            name: r.text("evidence_name")?,
            sha256: r.text("evidence_sha256")?,
        }),
        _ => None,
    };
    Ok(Application {
        id: ApplicationId(r.int("id")?),
        goal_id: GoalId(r.int("goal_id")?),
        at: r.time("at")?,
        context: r.text("context")?,
        outcome: r.text("outcome")?,
        impact: r.opt_text("impact")?,
        evidence,
    })
}

pub(crate) fn reflection_from_row(
    r: &AnyRow,
    tags: &mut HashMap<i64, Vec<PrincipleId>>,
) -> Result<Reflection> {
    let id = r.int("id")?;
    let target = match r.text("target_kind")?.as_str() {
        "session" => ReflectionTarget::Session {
            id: SessionId(r.int("session_id")?),
        },
        "goal" => ReflectionTarget::Goal {
            id: GoalId(r.int("goal_id")?),
        },
        _ => ReflectionTarget::Week {
            week: crate::row::parse("week", &r.text("week")?)?,
        },
    };
    Ok(Reflection {
        id: ReflectionId(id),
        target,
        at: r.time("at")?,
        worked: r.text("worked")?,
        didnt: r.text("didnt")?,
        next: r.text("next")?,
        principles: tags.remove(&id).unwrap_or_default(),
    })
}
