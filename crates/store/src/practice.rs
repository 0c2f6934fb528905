//! Practice science: each goal's current plan, long-term arcs with goal
//! membership, and FSRS retention cards with their review history.

use crate::row::{RowExt, date, ts};
use crate::skills::not_found;
use crate::{Error, Result, Store};
use chrono::{DateTime, Utc};
use mm_core::GoalId;
use mm_core::balance::{ArcId, LearningArc, Membership, validate_arc_name};
use mm_core::plan::Plan;
use mm_core::retention::{Card, Subject};
use std::collections::HashMap;

impl Store {
    /// Keep `plan` as its goal's current plan, replacing the previous one.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown goal.
    pub async fn save_plan(&self, plan: &Plan) -> Result<()> {
        self.get_goal(plan.goal_id).await?;
        let json = serde_json::to_string(plan)
            .map_err(|e| Error::Invalid(format!("the plan cannot be written: {e}")))?;
        let mut conn = self.write().await?;
        sqlx::query(
            "INSERT INTO plans (goal_id, made_at, plan) VALUES ($1, $2, $3)
             ON CONFLICT (goal_id) DO UPDATE SET made_at = excluded.made_at, plan = excluded.plan",
        )
        .bind(plan.goal_id.0)
        .bind(ts(plan.made_at))
        .bind(json)
        .execute(&mut *conn)
        .await?;
        conn.commit().await?;
        Ok(())
    }

    /// The goal's current plan, if one was made.
    ///
    /// # Errors
    /// [`Error::Corrupt`] when the stored plan cannot be read.
    pub async fn get_plan(&self, goal: GoalId) -> Result<Option<Plan>> {
        let row = sqlx::query("SELECT plan FROM plans WHERE goal_id = $1")
            .bind(goal.0)
            .fetch_optional(&mut *self.read().await?)
            .await?;
        row.map(|r| plan_from_text(&r.text("plan")?)).transpose()
    }

    /// Every stored plan, by goal.
    ///
    /// # Errors
    /// [`Error::Corrupt`] when a stored plan cannot be read.
    pub async fn list_plans(&self) -> Result<Vec<Plan>> {
        sqlx::query("SELECT plan FROM plans ORDER BY goal_id")
            .fetch_all(&mut *self.read().await?)
            .await?
            .iter()
            .map(|r| plan_from_text(&r.text("plan")?))
            .collect()
    }

    /// Declare a long-term arc.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a blank or duplicate name.
    pub async fn add_arc(
        &self,
        name: &str,
        description: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<LearningArc> {
        validate_arc_name(name, &self.list_arcs().await?)?;
        let mut conn = self.write().await?;
        let row = sqlx::query(
            "INSERT INTO arcs (name, description, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(name.trim().to_owned())
        .bind(
            description
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty()),
        )
        .bind(ts(now))
        .fetch_one(&mut *conn)
        .await?;
        conn.commit().await?;
        Ok(LearningArc {
            id: ArcId(row.int("id")?),
            name: name.trim().to_owned(),
            description: description.map(str::to_owned),
        })
    }

    /// All arcs, oldest first.
    pub async fn list_arcs(&self) -> Result<Vec<LearningArc>> {
        sqlx::query("SELECT id, name, description FROM arcs ORDER BY id")
            .fetch_all(&mut *self.read().await?)
            .await?
            .iter()
            .map(|r| {
                Ok(LearningArc {
                    id: ArcId(r.int("id")?),
                    name: r.text("name")?,
                    description: r.opt_text("description")?,
                })
            })
            .collect()
    }

    /// An arc by id or (case-insensitive) name.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none.
    pub async fn find_arc(&self, key: &str) -> Result<LearningArc> {
        let arcs = self.list_arcs().await?;
        let k = key.trim().trim_start_matches('#');
        arcs.iter()
            .find(|a| a.id.to_string() == k || a.name.eq_ignore_ascii_case(key.trim()))
            .cloned()
            .ok_or_else(|| not_found("arc", key))
    }

    /// Put a goal in an arc, or mark it standalone.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown goal or arc.
    pub async fn set_goal_arc(&self, goal: GoalId, m: Membership) -> Result<()> {
        self.get_goal(goal).await?;
        let arc = match m {
            Membership::Arc(a) => {
                self.find_arc(&a.to_string()).await?;
                Some(a.0)
            }
            Membership::Standalone => None,
        };
        let mut conn = self.write().await?;
        sqlx::query(
            "INSERT INTO goal_arcs (goal_id, arc_id) VALUES ($1, $2)
             ON CONFLICT (goal_id) DO UPDATE SET arc_id = excluded.arc_id",
        )
        .bind(goal.0)
        .bind(arc)
        .execute(&mut *conn)
        .await?;
        conn.commit().await?;
        Ok(())
    }

    /// Where each assigned goal belongs.
    pub async fn goal_memberships(&self) -> Result<HashMap<GoalId, Membership>> {
        let mut out = HashMap::new();
        for r in sqlx::query("SELECT goal_id, arc_id FROM goal_arcs")
            .fetch_all(&mut *self.read().await?)
            .await?
        {
            let m = match r.opt_int("arc_id")? {
                Some(a) => Membership::Arc(ArcId(a)),
                None => Membership::Standalone,
            };
            out.insert(GoalId(r.int("goal_id")?), m);
        }
        Ok(out)
    }

    /// Write a retention card and its whole review history (insert or replace,
    /// keyed by its subject), in one transaction.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown goal.
    pub async fn save_card(&self, card: &Card) -> Result<()> {
        let mut tx = self.begin_write().await?;
        save_card_on(&mut tx, card).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every retention card with its reviews, soonest due first.
    pub async fn list_cards(&self) -> Result<Vec<Card>> {
        let mut cards = crate::journal::card_records_on(&mut *self.read().await?, None).await?;
        cards.sort_by_key(|c| (c.due, c.id));
        Ok(cards
            .into_iter()
            .map(|c| Card {
                subject: c.subject,
                goal_id: c.goal_id,
                label: c.label,
                stability: c.stability as f32,
                difficulty: c.difficulty as f32,
                last_review: c.last_review,
                due: c.due,
                reviews: c.reviews,
            })
            .collect())
    }
}

fn subject_cols(s: Subject) -> (&'static str, i64) {
    match s {
        Subject::MicroSkill { id } => ("micro_skill", id.0),
        Subject::Principle { id } => ("principle", id.0),
    }
}

fn plan_from_text(s: &str) -> Result<Plan> {
    serde_json::from_str(s)
        .map_err(|e| Error::Corrupt(format!("a stored plan is not readable: {e}")))
}

/// Write a card and its reviews on `conn` (insert or replace, by subject).
pub(crate) async fn save_card_on(conn: &mut sqlx::AnyConnection, card: &Card) -> Result<()> {
    let (kind, sid) = subject_cols(card.subject);
    let row = sqlx::query(
        "INSERT INTO retention_cards (goal_id, subject_kind, subject_id, label, stability,
                                      difficulty, last_review, due)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (subject_kind, subject_id) DO UPDATE SET
            goal_id = excluded.goal_id, label = excluded.label, stability = excluded.stability,
            difficulty = excluded.difficulty, last_review = excluded.last_review,
            due = excluded.due
         RETURNING id",
    )
    .bind(card.goal_id.0)
    .bind(kind)
    .bind(sid)
    .bind(card.label.clone())
    .bind(f64::from(card.stability))
    .bind(f64::from(card.difficulty))
    .bind(date(card.last_review))
    .bind(date(card.due))
    .fetch_one(&mut *conn)
    .await?;
    let id = row.int("id")?;
    sqlx::query("DELETE FROM retention_reviews WHERE card_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    crate::journal::insert_reviews(conn, id, &card.reviews).await
}

/// Write a new card on `conn` unless its subject already has one (a
/// micro-skill achieved again keeps its memory state).
pub(crate) async fn insert_card_if_new_on(
    conn: &mut sqlx::AnyConnection,
    card: &Card,
) -> Result<()> {
    let (kind, sid) = subject_cols(card.subject);
    let exists =
        sqlx::query("SELECT id FROM retention_cards WHERE subject_kind = $1 AND subject_id = $2")
            .bind(kind)
            .bind(sid)
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
    if exists {
        return Ok(());
    }
    save_card_on(conn, card).await
}
