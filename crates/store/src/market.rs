//! Saved market analyses: the aggregates of `mm market analyse`, kept so
//! `mm discover` and `mm next` reuse them without re-reading the corpus.
//! The store keeps the report as opaque JSON plus one row per skill; it does
//! not depend on the crate that computes them.

use crate::row::{RowExt, ts};
use crate::{Error, Result, Store};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

/// One skill's share in a saved analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketSkillRow {
    pub skill_uri: String,
    pub label: String,
    pub postings: u64,
    pub share: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub trend_slope: Option<f64>,
    pub trend_p: Option<f64>,
}

/// What to save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewMarketAnalysis {
    /// A name for the corpus (e.g. the file names).
    pub name: String,
    /// The inputs read.
    pub sources: Vec<String>,
    pub postings: u64,
    pub dated: u64,
    /// The whole report, as JSON.
    pub report: serde_json::Value,
    pub skills: Vec<MarketSkillRow>,
}

/// A saved analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketAnalysis {
    pub id: i64,
    pub name: String,
    pub sources: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub postings: u64,
    pub dated: u64,
    pub report: serde_json::Value,
}

fn u64_of(v: i64, col: &str) -> Result<u64> {
    u64::try_from(v).map_err(|_| Error::Corrupt(format!("column {col} holds {v}")))
}

fn analysis_from_row(r: &AnyRow) -> Result<MarketAnalysis> {
    let sources: Vec<String> = serde_json::from_str(&r.text("sources")?)
        .map_err(|_| Error::Corrupt("market_analyses.sources is not a JSON list".into()))?;
    let report = serde_json::from_str(&r.text("report")?)
        .map_err(|_| Error::Corrupt("market_analyses.report is not JSON".into()))?;
    Ok(MarketAnalysis {
        id: r.int("id")?,
        name: r.text("name")?,
        sources,
        created_at: r.time("created_at")?,
        postings: u64_of(r.int("postings")?, "postings")?,
        dated: u64_of(r.int("dated")?, "dated")?,
        report,
    })
}

fn i64_of(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| Error::Invalid(format!("count {v} is too large")))
}

impl Store {
    /// Save an analysis and its per-skill rows in one transaction.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty name or duplicate skill URIs.
    pub async fn save_market(
        &self,
        new: &NewMarketAnalysis,
        now: DateTime<Utc>,
    ) -> Result<MarketAnalysis> {
        if new.name.trim().is_empty() {
            return Err(Error::Invalid("a market analysis needs a name".into()));
        }
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO market_analyses (name, sources, created_at, postings, dated, report)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(new.name.trim().to_owned())
        .bind(serde_json::to_string(&new.sources).unwrap_or_else(|_| "[]".into()))
        .bind(ts(now))
        .bind(i64_of(new.postings)?)
        .bind(i64_of(new.dated)?)
        .bind(new.report.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let id = row.int("id")?;
        for s in &new.skills {
            sqlx::query(
                "INSERT INTO market_skills
                 (analysis_id, skill_uri, label, postings, share, ci_low, ci_high, trend_slope, trend_p)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(s.skill_uri.clone())
            .bind(s.label.clone())
            .bind(i64_of(s.postings)?)
            .bind(s.share)
            .bind(s.ci_low)
            .bind(s.ci_high)
            .bind(s.trend_slope)
            .bind(s.trend_p)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_unique_violation() => {
                    Error::Invalid(format!("skill {} appears twice", s.skill_uri))
                }
                _ => Error::from(e),
            })?;
        }
        tx.commit().await?;
        self.get_market(id).await
    }

    /// A saved analysis by id.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none.
    pub async fn get_market(&self, id: i64) -> Result<MarketAnalysis> {
        let row = sqlx::query("SELECT * FROM market_analyses WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.read().await?)
            .await?;
        match row {
            Some(r) => analysis_from_row(&r),
            None => Err(Error::NotFound {
                what: "market analysis",
                key: id.to_string(),
            }),
        }
    }

    /// The most recent saved analysis, if any.
    pub async fn latest_market(&self) -> Result<Option<MarketAnalysis>> {
        sqlx::query("SELECT * FROM market_analyses ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *self.read().await?)
            .await?
            .as_ref()
            .map(analysis_from_row)
            .transpose()
    }

    /// All saved analyses, newest first (reports included).
    pub async fn list_markets(&self) -> Result<Vec<MarketAnalysis>> {
        sqlx::query("SELECT * FROM market_analyses ORDER BY id DESC")
            .fetch_all(&mut *self.read().await?)
            .await?
            .iter()
            .map(analysis_from_row)
            .collect()
    }

    /// The per-skill rows of an analysis, most asked-for first.
    pub async fn market_skills(&self, id: i64) -> Result<Vec<MarketSkillRow>> {
        sqlx::query(
            "SELECT * FROM market_skills WHERE analysis_id = $1 ORDER BY postings DESC, skill_uri",
        )
        .bind(id)
        .fetch_all(&mut *self.read().await?)
        .await?
        .iter()
        .map(|r| {
            Ok(MarketSkillRow {
                skill_uri: r.text("skill_uri")?,
                label: r.text("label")?,
                postings: u64_of(r.int("postings")?, "postings")?,
                share: r.try_get::<f64, _>("share")?,
                ci_low: r.try_get::<f64, _>("ci_low")?,
                ci_high: r.try_get::<f64, _>("ci_high")?,
                trend_slope: r.try_get::<Option<f64>, _>("trend_slope")?,
                trend_p: r.try_get::<Option<f64>, _>("trend_p")?,
            })
        })
        .collect()
    }
}
