//! Person-level settings as JSON values under string keys (mastery rule,
//! profile, preferences). Other features keep their own keys here.

use crate::{Error, Result, Store};
use sqlx::Row;

impl Store {
    /// The value stored under `key`, if any.
    ///
    /// # Errors
    /// [`Error::Corrupt`] when the stored text is not JSON.
    pub async fn get_setting(&self, key: &str) -> Result<Option<serde_json::Value>> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            let text: String = r.try_get("value")?;
            serde_json::from_str(&text)
                .map_err(|_| Error::Corrupt(format!("setting {key:?} is not valid JSON")))
        })
        .transpose()
    }

    /// Store `value` under `key`, replacing what was there.
    pub async fn set_setting(&self, key: &str, value: &serde_json::Value) -> Result<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key.to_owned())
        .bind(value.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// All settings, by key.
    pub async fn list_settings(
        &self,
    ) -> Result<std::collections::BTreeMap<String, serde_json::Value>> {
        let mut out = std::collections::BTreeMap::new();
        for r in sqlx::query("SELECT key, value FROM settings ORDER BY key")
            .fetch_all(&self.pool)
            .await?
        {
            let key: String = r.try_get("key")?;
            let text: String = r.try_get("value")?;
            let value = serde_json::from_str(&text)
                .map_err(|_| Error::Corrupt(format!("setting {key:?} is not valid JSON")))?;
            out.insert(key, value);
        }
        Ok(out)
    }
}
