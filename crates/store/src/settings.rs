//! Person-level settings as JSON values under string keys (mastery rule,
//! profile, preferences). Other features keep their own keys here.

use crate::{Backend, Error, Result, Store};
use mm_core::GoalId;
use mm_core::availability::Availability;
use mm_core::mastery::MasteryRule;
use mm_core::plan::PlannedItem;
use mm_core::validate::keys;
use sqlx::Row;

/// Where and in what a person works, as the profile keeps it: `None`
/// leaves a part as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Focus<'a> {
    /// ISO 3166-1 alpha-2, in capitals.
    pub country: Option<&'a str>,
    /// Lower-case stack names; an empty list clears them.
    pub stacks: Option<&'a [String]>,
}

/// Store a setting, replacing the value under its key. On PostgreSQL
/// settings are per person (migration 1200 keys them by organisation,
/// person and key), so the conflict target carries the scope columns,
/// which take the transaction's scope by default.
pub(crate) fn upsert_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "INSERT INTO settings (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        }
        Backend::Postgres => {
            "INSERT INTO settings (key, value) VALUES ($1, $2)
             ON CONFLICT (org_id, person_id, key) DO UPDATE SET value = excluded.value"
        }
    }
}

impl Store {
    /// The value stored under `key`, if any.
    ///
    /// # Errors
    /// [`Error::Corrupt`] when the stored text is not JSON.
    pub async fn get_setting(&self, key: &str) -> Result<Option<serde_json::Value>> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key.to_owned())
            .fetch_optional(&mut *self.read().await?)
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
        let mut conn = self.write().await?;
        sqlx::query(crate::settings::upsert_sql(self.backend))
            .bind(key.to_owned())
            .bind(value.to_string())
            .execute(&mut *conn)
            .await?;
        conn.commit().await?;
        Ok(())
    }

    /// All settings, by key.
    pub async fn list_settings(
        &self,
    ) -> Result<std::collections::BTreeMap<String, serde_json::Value>> {
        let mut out = std::collections::BTreeMap::new();
        for r in sqlx::query("SELECT key, value FROM settings ORDER BY key")
            .fetch_all(&mut *self.read().await?)
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

/// Typed accessors for the settings the application reads back. Each value is
/// checked by [`mm_core::validate::setting`] on the way in, and a stored value
/// that no longer parses is reported as [`Error::Corrupt`] naming the setting.
impl Store {
    async fn typed<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
        what: &str,
    ) -> Result<Option<T>> {
        match self.get_setting(key).await? {
            None => Ok(None),
            Some(v) => serde_json::from_value(v)
                .map(Some)
                .map_err(|e| Error::Corrupt(format!("the stored {what} is unreadable: {e}"))),
        }
    }

    async fn put_typed<T: serde::Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let v = serde_json::to_value(value)
            .map_err(|e| Error::Invalid(format!("setting {key:?}: {e}")))?;
        mm_core::validate::setting(key, &v)?;
        self.set_setting(key, &v).await
    }

    /// The person's mastery rule: the stored one, else the default.
    pub async fn mastery_rule(&self) -> Result<MasteryRule> {
        Ok(self
            .typed(keys::MASTERY_RULE, "mastery rule")
            .await?
            .unwrap_or_default())
    }

    /// Store the mastery rule (refused when a minimum is zero or out of range).
    pub async fn set_mastery_rule(&self, rule: &MasteryRule) -> Result<()> {
        self.put_typed(keys::MASTERY_RULE, rule).await
    }

    /// When the person can practise, if set.
    pub async fn availability(&self) -> Result<Option<Availability>> {
        self.typed(keys::AVAILABILITY, "availability").await
    }

    /// Store the weekly windows and their time zone.
    pub async fn set_availability(&self, av: &Availability) -> Result<()> {
        self.put_typed(keys::AVAILABILITY, av).await
    }

    /// The desired retention of refreshers (default 0.9).
    pub async fn desired_retention(&self) -> Result<f64> {
        Ok(self
            .typed(keys::RETENTION, "desired retention")
            .await?
            .unwrap_or(mm_core::retention::DEFAULT_DESIRED_RETENTION))
    }

    /// Store the desired retention (0.70–0.99).
    pub async fn set_desired_retention(&self, r: f64) -> Result<()> {
        self.put_typed(keys::RETENTION, &r).await
    }

    /// The person's fitted FSRS parameters, if `refresh optimise` saved some.
    pub async fn fsrs_params(&self) -> Result<Option<Vec<f32>>> {
        self.typed(keys::FSRS_PARAMS, "FSRS parameters").await
    }

    /// Store fitted FSRS parameters.
    pub async fn set_fsrs_params(&self, params: &[f32]) -> Result<()> {
        self.put_typed(keys::FSRS_PARAMS, &params).await
    }

    /// The long-term target role, if set.
    pub async fn target_role(&self) -> Result<Option<String>> {
        self.typed(keys::TARGET_ROLE, "target role").await
    }

    /// Store the long-term target role (trimmed).
    pub async fn set_target_role(&self, role: &str) -> Result<()> {
        self.put_typed(keys::TARGET_ROLE, &role.trim()).await
    }

    /// The country the person works in (ISO alpha-2), if set.
    pub async fn country(&self) -> Result<Option<String>> {
        self.typed(keys::COUNTRY, "country").await
    }

    /// The stacks the person works in; empty when not set.
    pub async fn stacks(&self) -> Result<Vec<String>> {
        Ok(self.typed(keys::STACK, "stack").await?.unwrap_or_default())
    }

    /// The plan items last exported to a calendar; none when unreadable
    /// (the state only decides which stale events to cancel).
    pub async fn plan_calendar(&self) -> Result<Vec<PlannedItem>> {
        Ok(self
            .get_setting(keys::PLAN_CALENDAR)
            .await?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default())
    }

    /// Record a calendar export of the plans of `goals` holding `items`, in
    /// one transaction: returns what earlier exports put in the calendar for
    /// those goals (to send as cancelled when the new plans dropped them),
    /// and keeps the other goals' exported items.
    ///
    /// # Errors
    /// When the database fails; nothing is recorded then.
    pub async fn record_calendar_export(
        &self,
        goals: &[GoalId],
        items: &[PlannedItem],
    ) -> Result<Vec<PlannedItem>> {
        let mut tx = self.begin_write().await?;
        let previous: Vec<PlannedItem> = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(keys::PLAN_CALENDAR.to_owned())
            .fetch_optional(&mut *tx)
            .await?
            .and_then(|r| r.try_get::<String, _>("value").ok())
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        let in_scope = |key: &str| goals.iter().any(|g| key.starts_with(&format!("goal{g}-")));
        let (earlier, mut kept): (Vec<PlannedItem>, Vec<PlannedItem>) =
            previous.into_iter().partition(|i| in_scope(&i.key));
        kept.extend(items.iter().cloned());
        let value = serde_json::to_value(&kept)
            .map_err(|e| Error::Invalid(format!("the calendar state cannot be written: {e}")))?;
        mm_core::validate::setting(keys::PLAN_CALENDAR, &value)?;
        sqlx::query(crate::settings::upsert_sql(self.backend))
            .bind(keys::PLAN_CALENDAR.to_owned())
            .bind(value.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(earlier)
    }

    /// Change the profile's parts that are given (windows and zone, desired
    /// retention, target role, country and stacks), each checked first, in
    /// one transaction.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the setting; nothing is written then.
    pub async fn set_profile(
        &self,
        availability: Option<&Availability>,
        retention: Option<f64>,
        target_role: Option<&str>,
        focus: &Focus<'_>,
    ) -> Result<()> {
        let mut values = Vec::new();
        let json = |key: &str, v: serde_json::Result<serde_json::Value>| {
            v.map_err(|e| Error::Invalid(format!("setting {key:?}: {e}")))
        };
        if let Some(av) = availability {
            values.push((
                keys::AVAILABILITY,
                json(keys::AVAILABILITY, serde_json::to_value(av))?,
            ));
        }
        if let Some(r) = retention {
            values.push((
                keys::RETENTION,
                json(keys::RETENTION, serde_json::to_value(r))?,
            ));
        }
        if let Some(role) = target_role {
            values.push((
                keys::TARGET_ROLE,
                json(keys::TARGET_ROLE, serde_json::to_value(role.trim()))?,
            ));
        }
        if let Some(c) = focus.country {
            values.push((keys::COUNTRY, json(keys::COUNTRY, serde_json::to_value(c))?));
        }
        if let Some(s) = focus.stacks {
            values.push((keys::STACK, json(keys::STACK, serde_json::to_value(s))?));
        }
        for (key, v) in &values {
            mm_core::validate::setting(key, v)?;
        }
        let mut tx = self.begin_write().await?;
        for (key, v) in &values {
            sqlx::query(crate::settings::upsert_sql(self.backend))
                .bind((*key).to_owned())
                .bind(v.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The last ranking `mm discover` showed, remembered so that a later
/// `goal new --from <rank>` can name a suggestion by its number.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct LastRanking {
    /// The role ranked for: its ESCO URI or O*NET-SOC code.
    #[serde(default)]
    pub role: Option<String>,
    /// The parent skill's taxonomy URI of each ranked micro-skill, best
    /// first (rank 1 first); empty for one carved from an O*NET task.
    pub micro: Vec<String>,
    /// The catalogue id of each ranked micro-skill, rank 1 first. Empty in
    /// a ranking stored before micro-skills were ranked (then a rank names
    /// the skill at `micro`).
    #[serde(default)]
    pub steps: Vec<String>,
}

impl LastRanking {
    /// The skill URI shown at `rank` (1-based), if the list has one.
    pub fn uri_at(&self, rank: usize) -> Option<&str> {
        rank.checked_sub(1)
            .and_then(|i| self.micro.get(i))
            .map(String::as_str)
    }

    /// The catalogue id of the micro-skill shown at `rank` (1-based), if the
    /// list has one.
    pub fn step_at(&self, rank: usize) -> Option<&str> {
        rank.checked_sub(1)
            .and_then(|i| self.steps.get(i))
            .map(String::as_str)
    }
}

impl Store {
    /// The last ranking shown, if any.
    pub async fn last_ranking(&self) -> Result<Option<LastRanking>> {
        self.typed(keys::LAST_RANKING, "last ranking").await
    }

    /// Remember the ranking just shown.
    pub async fn set_last_ranking(&self, ranking: &LastRanking) -> Result<()> {
        self.put_typed(keys::LAST_RANKING, ranking).await
    }
}
