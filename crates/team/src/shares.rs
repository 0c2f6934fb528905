//! Sharing notes with coaches, item by item. A learner's practice-session
//! notes, application notes and reflections stay private to their journal
//! until they share one: a [`Share`] names the item (its kind and id in
//! the journal) and the given goal it belongs to. Coaches then read its
//! text, beside that goal, in the views of the cohorts through which the
//! goal reached the learner (scope `goal_coaches`: the cohort's coach and
//! the admins); unsharing takes it back. Both are audited.
//!
//! The journal itself is not read here: the server checks that the item is
//! the learner's and belongs to the goal before [`TeamStore::share`], and
//! reads the text of [`TeamStore::cohort_shares`] from the journal at each
//! look.

use crate::people::{audit, parse_time};
use crate::programmes::manage_cohort;
use crate::{Actor, CohortId, Error, Kind, PersonId, Result, TeamStore};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What kind of item is shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ShareKind {
    /// A practice session's aim, notes and feedback.
    SessionNote,
    /// An application's where, outcome and impact.
    ApplicationNote,
    /// A reflection on a session or a goal: what worked, what did not, what next.
    Reflection,
}

impl ShareKind {
    /// Every kind, in order.
    pub const ALL: [ShareKind; 3] = [
        ShareKind::SessionNote,
        ShareKind::ApplicationNote,
        ShareKind::Reflection,
    ];

    /// The kind's name as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            ShareKind::SessionNote => "session_note",
            ShareKind::ApplicationNote => "application_note",
            ShareKind::Reflection => "reflection",
        }
    }

    /// The kind a name gives.
    ///
    /// # Errors
    /// [`Kind::Invalid`] (field `kind`) for a name that is not a kind.
    pub fn parse(s: &str) -> Result<ShareKind> {
        ShareKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(
                    "kind",
                    format!("{s:?} is not a kind: session_note, application_note or reflection"),
                )
            })
    }
}

/// One item a learner shares with their coaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Share {
    /// The share's id (to unshare it).
    pub id: i64,
    /// The learner.
    pub person: PersonId,
    /// What is shared.
    pub kind: ShareKind,
    /// The session, application or reflection in the learner's journal.
    pub item: i64,
    /// The given goal it belongs to.
    pub goal: i64,
    /// Who may read it: `goal_coaches`, the coach of each cohort through
    /// which the goal was given, and the admins.
    pub scope: String,
    /// Since when.
    pub shared_at: DateTime<Utc>,
}

const SHARE_SQL: &str = "SELECT s.id, s.person_id, s.kind, s.item_id, s.goal_id, s.scope, \
     mm_iso(s.shared_at) FROM shares s WHERE s.org_id = mm_org()";

type ShareRow = (i64, i64, String, i64, i64, String, String);

fn share(r: ShareRow) -> Result<Share> {
    Ok(Share {
        id: r.0,
        person: r.1,
        kind: ShareKind::parse(&r.2)
            .map_err(|_| Error::new(Kind::Internal, format!("unknown share kind {:?}", r.2)))?,
        item: r.3,
        goal: r.4,
        scope: r.5,
        shared_at: parse_time(&r.6)?,
    })
}

impl TeamStore {
    /// Share the actor's item `item` of `kind`, which belongs to their
    /// given goal `goal` (the caller checked it in their journal), with
    /// that goal's coaches; audited. Sharing it again changes nothing.
    /// Returns the share and whether it is new.
    ///
    /// # Errors
    /// [`Kind::NotFound`] when `goal` is not a goal given to the actor.
    pub async fn share(
        &self,
        actor: &Actor,
        kind: ShareKind,
        item: i64,
        goal: i64,
    ) -> Result<(Share, bool)> {
        let mut tx = self.scope(actor.org).await?;
        let given: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM given_goals WHERE org_id = mm_org() AND person_id = $1 \
             AND goal_id = $2)",
        )
        .bind(actor.person)
        .bind(goal)
        .fetch_one(&mut *tx)
        .await?;
        if !given {
            return Err(Error::not_found("goal given by a programme"));
        }
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO shares (org_id, person_id, kind, item_id, goal_id) \
             VALUES (mm_org(), $1, $2, $3, $4) \
             ON CONFLICT (org_id, person_id, kind, item_id) DO NOTHING RETURNING id",
        )
        .bind(actor.person)
        .bind(kind.as_str())
        .bind(item)
        .bind(goal)
        .fetch_optional(&mut *tx)
        .await?;
        let created = id.is_some();
        if let Some(id) = id {
            audit(
                &mut tx,
                actor.org,
                Some(actor.person),
                "share.add",
                Some(format!("share:{id}")),
                serde_json::json!({ "kind": kind.as_str(), "item": item, "goal": goal }),
            )
            .await?;
        }
        let row: ShareRow = sqlx::query_as(&format!(
            "{SHARE_SQL} AND s.person_id = $1 AND s.kind = $2 AND s.item_id = $3"
        ))
        .bind(actor.person)
        .bind(kind.as_str())
        .bind(item)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((share(row)?, created))
    }

    /// Take back one of the actor's shares; audited. Returns what it was.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a share that is not the actor's.
    pub async fn unshare(&self, actor: &Actor, id: i64) -> Result<Share> {
        let mut tx = self.scope(actor.org).await?;
        // No FOR UPDATE: the servers may not update shares, only delete.
        let row: Option<ShareRow> = sqlx::query_as(
            "DELETE FROM shares s WHERE s.org_id = mm_org() AND s.id = $1 AND s.person_id = $2 \
             RETURNING s.id, s.person_id, s.kind, s.item_id, s.goal_id, s.scope, mm_iso(s.shared_at)",
        )
        .bind(id)
        .bind(actor.person)
        .fetch_optional(&mut *tx)
        .await?;
        let gone = share(row.ok_or_else(|| Error::not_found("share"))?)?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "share.remove",
            Some(format!("share:{id}")),
            serde_json::json!({ "kind": gone.kind.as_str(), "item": gone.item, "goal": gone.goal }),
        )
        .await?;
        tx.commit().await?;
        Ok(gone)
    }

    /// The actor's own shares, oldest first.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn my_shares(&self, actor: &Actor) -> Result<Vec<Share>> {
        let mut tx = self.scope(actor.org).await?;
        let rows: Vec<ShareRow> =
            sqlx::query_as(&format!("{SHARE_SQL} AND s.person_id = $1 ORDER BY s.id"))
                .bind(actor.person)
                .fetch_all(&mut *tx)
                .await?;
        tx.commit().await?;
        rows.into_iter().map(share).collect()
    }

    /// What the members of cohort `id` share about the goals given through
    /// it (admins and the cohort's coach only), oldest first. Call it after
    /// [`TeamStore::coach_cohort`], which audits the look.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a cohort the actor cannot see;
    /// [`Kind::Forbidden`] for one they do not coach.
    pub async fn cohort_shares(&self, actor: &Actor, id: CohortId) -> Result<Vec<Share>> {
        let mut tx = self.scope(actor.org).await?;
        manage_cohort(&mut tx, actor, id).await?;
        let rows: Vec<ShareRow> = sqlx::query_as(&format!(
            "{SHARE_SQL} AND EXISTS (SELECT 1 FROM cohort_members m \
                 JOIN people p ON p.org_id = m.org_id AND p.id = m.person_id \
                     AND p.disabled_at IS NULL \
                 JOIN cohort_programmes cp ON cp.org_id = m.org_id AND cp.cohort_id = m.cohort_id \
                 JOIN programme_items i ON i.org_id = cp.org_id \
                     AND i.programme_id = cp.programme_id \
                 JOIN given_goals g ON g.org_id = i.org_id AND g.item_id = i.id \
                     AND g.person_id = m.person_id \
                 WHERE m.org_id = s.org_id AND m.cohort_id = $1 AND m.person_id = s.person_id \
                   AND g.goal_id = s.goal_id) \
             ORDER BY s.id"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.into_iter().map(share).collect()
    }
}
