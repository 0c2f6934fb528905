//! The person's own catalogue of micro-skills. The store keeps each entry as
//! opaque JSON (the catalogue crate owns its shape) plus its id, name and
//! where it came from; it does not depend on that crate.

use crate::row::{RowExt, ts};
use crate::{Error, Result, Store};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

/// One saved entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonalEntry {
    pub id: String,
    pub name: String,
    /// `catalogue`, `case`, `own`, …
    pub origin: String,
    pub entry: serde_json::Value,
    pub saved_at: DateTime<Utc>,
}

fn from_row(r: &AnyRow) -> Result<PersonalEntry> {
    let id = r.text("id")?;
    let entry = serde_json::from_str(&r.text("entry")?)
        .map_err(|_| Error::Corrupt(format!("personal catalogue entry {id:?} is not JSON")))?;
    Ok(PersonalEntry {
        name: r.text("name")?,
        origin: r.text("origin")?,
        entry,
        saved_at: r.time("saved_at")?,
        id,
    })
}

impl Store {
    /// Save entries to the personal catalogue in one transaction: all or none.
    /// With `replace`, an entry with the same id is overwritten.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a blank id or name, or an id or name already
    /// saved (without `replace`).
    pub async fn save_personal_entries(
        &self,
        entries: &[(String, String, String, serde_json::Value)],
        replace: bool,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        for (id, name, _, _) in entries {
            if id.trim().is_empty() || name.trim().is_empty() {
                return Err(Error::Invalid(
                    "a catalogue entry needs an id and a name".into(),
                ));
            }
        }
        let mut tx = self.begin_write().await?;
        for (id, name, origin, entry) in entries {
            let exists = sqlx::query("SELECT id FROM personal_catalogue WHERE id = $1")
                .bind(id.clone())
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            if exists && !replace {
                return Err(Error::Invalid(format!(
                    "{id:?} is already in your catalogue"
                )));
            }
            if exists {
                sqlx::query("DELETE FROM personal_catalogue WHERE id = $1")
                    .bind(id.clone())
                    .execute(&mut *tx)
                    .await?;
            }
            let clash =
                sqlx::query("SELECT id FROM personal_catalogue WHERE lower(name) = lower($1)")
                    .bind(name.clone())
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(r) = clash {
                let other: String = r.try_get("id")?;
                return Err(Error::Invalid(format!(
                    "your catalogue already has {other:?} with the name {name:?}"
                )));
            }
            sqlx::query(
                "INSERT INTO personal_catalogue (id, name, origin, entry, saved_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id.clone())
            .bind(name.clone())
            .bind(origin.clone())
            .bind(entry.to_string())
            .bind(ts(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(entries.len())
    }

    /// Every entry of the personal catalogue, by id.
    pub async fn list_personal_entries(&self) -> Result<Vec<PersonalEntry>> {
        sqlx::query("SELECT * FROM personal_catalogue ORDER BY id")
            .fetch_all(&mut *self.read().await?)
            .await?
            .iter()
            .map(from_row)
            .collect()
    }

    /// The entry with this id.
    ///
    /// # Errors
    /// [`Error::NotFound`] when it is not saved.
    pub async fn get_personal_entry(&self, id: &str) -> Result<PersonalEntry> {
        let r = sqlx::query("SELECT * FROM personal_catalogue WHERE id = $1")
            .bind(id.to_owned())
            .fetch_optional(&mut *self.read().await?)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "entry in your catalogue",
                key: id.to_owned(),
            })?;
        from_row(&r)
    }

    /// Remove an entry.
    ///
    /// # Errors
    /// [`Error::NotFound`] when it is not saved.
    pub async fn remove_personal_entry(&self, id: &str) -> Result<()> {
        let mut conn = self.write().await?;
        let n = sqlx::query("DELETE FROM personal_catalogue WHERE id = $1")
            .bind(id.to_owned())
            .execute(&mut *conn)
            .await?
            .rows_affected();
        conn.commit().await?;
        if n == 0 {
            return Err(Error::NotFound {
                what: "entry in your catalogue",
                key: id.to_owned(),
            });
        }
        Ok(())
    }
}
