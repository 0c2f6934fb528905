//! Issued Open Badges 3.0 credentials (owned by `mm-credentials`; stored here
//! so they live and travel with the journal).

use crate::row::{RowExt, ts};
use crate::{Error, Result, Store};
use chrono::{DateTime, Utc};
use mm_core::GoalId;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

/// One issued credential, in every form it was handed out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCredential {
    /// `urn:uuid:…`
    pub id: String,
    pub goal_id: GoalId,
    pub issued_at: DateTime<Utc>,
    /// JSON-LD with its embedded proof, as signed (exact text).
    pub credential: String,
    pub jwt_eddsa: String,
    pub jwt_rs256: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revocation_reason: Option<String>,
}

fn from_row(r: &AnyRow) -> Result<StoredCredential> {
    Ok(StoredCredential {
        id: r.text("id")?,
        goal_id: GoalId(r.int("goal_id")?),
        issued_at: r.time("issued_at")?,
        credential: r.text("credential")?,
        jwt_eddsa: r.text("jwt_eddsa")?,
        jwt_rs256: r.text("jwt_rs256")?,
        revoked_at: r.opt_time("revoked_at")?,
        revocation_reason: r.opt_text("revocation_reason")?,
    })
}

const COLS: &str =
    "id, goal_id, issued_at, credential, jwt_eddsa, jwt_rs256, revoked_at, revocation_reason";

impl Store {
    /// Records an issued credential.
    pub async fn add_credential(&self, c: &StoredCredential) -> Result<()> {
        let mut conn = self.write().await?;
        sqlx::query(
            "INSERT INTO credentials (id, goal_id, issued_at, credential, jwt_eddsa, jwt_rs256)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(c.id.clone())
        .bind(c.goal_id.0)
        .bind(ts(c.issued_at))
        .bind(c.credential.clone())
        .bind(c.jwt_eddsa.clone())
        .bind(c.jwt_rs256.clone())
        .execute(&mut *conn)
        .await?;
        conn.commit().await?;
        Ok(())
    }

    /// Issued credentials, oldest first, optionally for one goal.
    pub async fn list_credentials(&self, goal: Option<GoalId>) -> Result<Vec<StoredCredential>> {
        let rows = match goal {
            Some(g) => {
                sqlx::query(&format!(
                    "SELECT {COLS} FROM credentials WHERE goal_id = $1 ORDER BY issued_at, id"
                ))
                .bind(g.0)
                .fetch_all(&mut *self.read().await?)
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {COLS} FROM credentials ORDER BY issued_at, id"
                ))
                .fetch_all(&mut *self.read().await?)
                .await?
            }
        };
        rows.iter().map(from_row).collect()
    }

    /// One credential by id.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none.
    pub async fn get_credential(&self, id: &str) -> Result<StoredCredential> {
        let row = sqlx::query(&format!("SELECT {COLS} FROM credentials WHERE id = $1"))
            .bind(id.to_owned())
            .fetch_optional(&mut *self.read().await?)
            .await?;
        match row {
            Some(r) => from_row(&r),
            None => Err(Error::NotFound {
                what: "credential",
                key: id.to_owned(),
            }),
        }
    }

    /// Marks a credential revoked (the published revocation list is the
    /// issuer's; this keeps the journal in step).
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no such credential.
    pub async fn revoke_credential(&self, id: &str, reason: &str, at: DateTime<Utc>) -> Result<()> {
        let mut conn = self.write().await?;
        let done = sqlx::query(
            "UPDATE credentials SET revoked_at = $1, revocation_reason = $2 WHERE id = $3",
        )
        .bind(ts(at))
        .bind(reason.to_owned())
        .bind(id.to_owned())
        .execute(&mut *conn)
        .await?;
        conn.commit().await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound {
                what: "credential",
                key: id.to_owned(),
            });
        }
        Ok(())
    }
}
