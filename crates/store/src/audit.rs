//! The history of edits and deletions: one `audit_log` row per change,
//! written inside the change's own transaction (so there is never a change
//! without its record, nor a record without its change).

use crate::row::{RowExt, parse, ts};
use crate::{Error, Result, Store};
use chrono::{DateTime, Utc};
use mm_core::journal::{AuditAction, AuditRecord};
use sqlx::any::AnyRow;

/// What to record about a change; the id and time are the store's.
#[derive(Debug, Clone)]
pub(crate) struct Change<'a> {
    pub action: AuditAction,
    pub record: &'a str,
    pub record_id: String,
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub undoes: Option<i64>,
}

/// Write `change` at `at` on the transaction's connection.
pub(crate) async fn record(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    change: Change<'_>,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, action, record, record_id, summary, before, after, undoes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(ts(at))
    .bind(change.action.as_str())
    .bind(change.record.to_owned())
    .bind(change.record_id)
    .bind(change.summary)
    .bind(change.before.map(|v| v.to_string()))
    .bind(change.after.map(|v| v.to_string()))
    .bind(change.undoes)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Put back an exported record, id included (import).
pub(crate) async fn insert(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    h: &AuditRecord,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, action, record, record_id, summary, before, after, undoes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(h.id)
    .bind(ts(h.at))
    .bind(h.action.as_str())
    .bind(h.record.clone())
    .bind(h.record_id.clone())
    .bind(h.summary.clone())
    .bind(h.before.as_ref().map(|v| v.to_string()))
    .bind(h.after.as_ref().map(|v| v.to_string()))
    .bind(h.undoes)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn json_col(r: &AnyRow, col: &str) -> Result<Option<serde_json::Value>> {
    r.opt_text(col)?
        .map(|t| {
            serde_json::from_str(&t)
                .map_err(|_| Error::Corrupt(format!("audit_log.{col} is not JSON")))
        })
        .transpose()
}

pub(crate) fn from_row(r: &AnyRow) -> Result<AuditRecord> {
    Ok(AuditRecord {
        id: r.int("id")?,
        at: r.time("at")?,
        action: parse("action", &r.text("action")?)?,
        record: r.text("record")?,
        record_id: r.text("record_id")?,
        summary: r.text("summary")?,
        before: json_col(r, "before")?,
        after: json_col(r, "after")?,
        undoes: r.opt_int("undoes")?,
    })
}

impl Store {
    /// The history of edits and deletions, oldest first; with `last`, only
    /// the most recent that many.
    ///
    /// # Errors
    /// [`Error::Corrupt`] when a stored record cannot be read back.
    pub async fn list_history(&self, last: Option<usize>) -> Result<Vec<AuditRecord>> {
        let rows = sqlx::query("SELECT * FROM audit_log ORDER BY id")
            .fetch_all(&mut *self.read().await?)
            .await?;
        let skip = last.map_or(0, |n| rows.len().saturating_sub(n));
        rows.iter().skip(skip).map(from_row).collect()
    }
}
