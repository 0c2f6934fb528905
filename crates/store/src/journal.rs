//! Export and import of the whole journal, as one versioned document, and
//! the catalogue of tables that says what export carries. Import's typed
//! inserts, one record each with its id, also serve undo.
//!
//! Every table of the schema is either in [`EXPORTED_TABLES`] (export writes
//! its rows and import puts them back, ids included) or in
//! [`DERIVED_TABLES`] with the reason it need not travel. A test lists the
//! tables from the database's own catalogue and fails on any table in
//! neither list, so a new table cannot be silently left out of backups.

use crate::credentials::StoredCredential;
use crate::row::{RowExt, date, ts};
use crate::{Backend, Error, Result, Store};
use chrono::{DateTime, Utc};
use mm_core::balance::{ArcId, Membership};
use mm_core::journal::*;
use mm_core::retention::{Rating, Review, Subject};
use mm_core::*;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// The tables `mm export` carries, in an order that respects references.
pub const EXPORTED_TABLES: &[&str] = &[
    "skills",
    "micro_skills",
    "principles",
    "resources",
    "goals",
    "criteria",
    "goal_extensions",
    "sessions",
    "applications",
    "reflections",
    "reflection_principles",
    "settings",
    "plans",
    "arcs",
    "goal_arcs",
    "retention_cards",
    "retention_reviews",
    "credentials",
    "market_analyses",
    "market_skills",
    "audit_log",
    "personal_catalogue",
];

/// The tables `mm export` leaves out, each with the reason nothing is lost.
pub const DERIVED_TABLES: &[(&str, &str)] = &[
    (
        "_sqlx_migrations",
        "the ledger of applied migrations: opening the target store applies the migrations this build embeds",
    ),
    (
        "journal_revision",
        "a counter that moves with every change, for caches: a journal opened elsewhere keeps its own count",
    ),
    (
        "sqlite_sequence",
        "SQLite's AUTOINCREMENT counters: SQLite advances them past the imported ids itself",
    ),
];

/// The columns PostgreSQL adds to every journal table (migration 1200): whose
/// row it is. They are scope, not data: export leaves them out (a journal
/// moves between people and backends), [`Store::dump_table`] too (so a
/// PostgreSQL journal compares row by row with a SQLite one), and they
/// default to the writing transaction's scope.
pub const SCOPE_COLUMNS: [&str; 2] = ["org_id", "person_id"];

/// The tables of one person's journal: every exported table and the
/// revision counter. On PostgreSQL each carries [`SCOPE_COLUMNS`] and
/// forced row-level security; a team server's role needs SELECT, INSERT,
/// UPDATE and DELETE on them (and USAGE on their sequences; SELECT on
/// `_sqlx_migrations` for [`Store::open_existing`]'s check).
pub fn journal_tables() -> impl Iterator<Item = &'static str> {
    EXPORTED_TABLES
        .iter()
        .copied()
        .chain(std::iter::once("journal_revision"))
}

/// The tables with generated ids, whose PostgreSQL sequences an import moves
/// past the imported ids.
const ID_TABLES: [&str; 12] = [
    "skills",
    "micro_skills",
    "principles",
    "goals",
    "criteria",
    "sessions",
    "applications",
    "reflections",
    "arcs",
    "retention_cards",
    "market_analyses",
    "audit_log",
];

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportCounts {
    pub skills: usize,
    pub micro_skills: usize,
    pub goals: usize,
    pub sessions: usize,
    pub applications: usize,
    pub reflections: usize,
    pub plans: usize,
    pub arcs: usize,
    pub retention_cards: usize,
    pub credentials: usize,
    pub market_analyses: usize,
    pub history: usize,
    pub personal_catalogue: usize,
}

/// One value of a table, as both backends can hold it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Cell {
    fn rank(&self) -> u8 {
        match self {
            Cell::Null => 0,
            Cell::Int(_) => 1,
            Cell::Real(_) => 2,
            Cell::Text(_) => 3,
        }
    }

    /// A total order (reals by `total_cmp`), so dumps sort the same on both backends.
    pub fn total_cmp(&self, other: &Cell) -> std::cmp::Ordering {
        match (self, other) {
            (Cell::Int(a), Cell::Int(b)) => a.cmp(b),
            (Cell::Real(a), Cell::Real(b)) => a.total_cmp(b),
            (Cell::Text(a), Cell::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// Every row of one table, columns in schema order, rows sorted by value
/// (not by the backend's collation), for comparing journals row by row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TableDump {
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Store {
    /// Everything recorded, as one document.
    ///
    /// # Errors
    /// [`Error::Corrupt`] when a stored record cannot be read back.
    pub async fn export(&self, now: DateTime<Utc>) -> Result<Journal> {
        let mut markets = self.list_markets().await?;
        markets.sort_by_key(|m| m.id);
        let mut market_analyses = Vec::with_capacity(markets.len());
        for m in markets {
            let skills = self
                .market_skills(m.id)
                .await?
                .into_iter()
                .map(|s| MarketSkillRecord {
                    skill_uri: s.skill_uri,
                    label: s.label,
                    postings: s.postings,
                    share: s.share,
                    ci_low: s.ci_low,
                    ci_high: s.ci_high,
                    trend_slope: s.trend_slope,
                    trend_p: s.trend_p,
                })
                .collect();
            market_analyses.push(MarketAnalysisRecord {
                id: m.id,
                name: m.name,
                sources: m.sources,
                created_at: m.created_at,
                postings: m.postings,
                dated: m.dated,
                report: m.report,
                skills,
            });
        }
        let (goal_arcs, retention_cards) = {
            let mut conn = self.read().await?;
            (
                goal_arc_records_on(&mut conn, None).await?,
                card_records_on(&mut conn, None).await?,
            )
        };
        Ok(Journal {
            version: JOURNAL_VERSION,
            exported_at: now,
            skills: self.list_skills().await?,
            micro_skills: self.list_micro_skills(None).await?,
            goals: self.list_goals().await?,
            sessions: self.list_sessions(None).await?,
            applications: self.list_applications(None).await?,
            reflections: self.list_reflections().await?,
            settings: self.list_settings().await?,
            plans: self.list_plans().await?,
            arcs: self.arc_records().await?,
            goal_arcs,
            retention_cards,
            credentials: self
                .list_credentials(None)
                .await?
                .into_iter()
                .map(CredentialRecord::from)
                .collect(),
            market_analyses,
            history: self.list_history(None).await?,
            personal_catalogue: self
                .list_personal_entries()
                .await?
                .into_iter()
                .map(|e| CatalogueEntryRecord {
                    id: e.id,
                    name: e.name,
                    origin: e.origin,
                    entry: e.entry,
                    saved_at: e.saved_at,
                })
                .collect(),
        })
    }

    async fn arc_records(&self) -> Result<Vec<ArcRecord>> {
        sqlx::query("SELECT id, name, description, created_at FROM arcs ORDER BY id")
            .fetch_all(&mut *self.read().await?)
            .await?
            .iter()
            .map(|r| {
                Ok(ArcRecord {
                    id: ArcId(r.int("id")?),
                    name: r.text("name")?,
                    description: r.opt_text("description")?,
                    created_at: r.time("created_at")?,
                })
            })
            .collect()
    }

    /// Whether the journal holds no skills or goals yet (`mm demo` asks this;
    /// an import checks every table, see [`Store::import`]).
    pub async fn is_empty(&self) -> Result<bool> {
        let row =
            sqlx::query("SELECT (SELECT COUNT(*) FROM skills) + (SELECT COUNT(*) FROM goals) AS n")
                .fetch_one(&mut *self.read().await?)
                .await?;
        Ok(row.try_get::<i64, _>("n")? == 0)
    }

    /// The tables of this store's schema, from the database's own catalogue
    /// (`sqlite_master` / `information_schema`), by name.
    pub async fn tables(&self) -> Result<Vec<String>> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name".to_owned()
            }
            Backend::Postgres => {
                "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                 ORDER BY 1"
                    .to_owned()
            }
        };
        sqlx::query(&sql)
            .fetch_all(&mut *self.read().await?)
            .await?
            .iter()
            .map(|r| r.text("name"))
            .collect()
    }

    /// The columns of `table`, in schema order, from the catalogue, without
    /// the scope columns (see [`SCOPE_COLUMNS`]).
    async fn columns(&self, table: &str) -> Result<Vec<String>> {
        let rows = match self.backend {
            Backend::Sqlite => {
                sqlx::query("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                    .bind(table.to_owned())
                    .fetch_all(&mut *self.read().await?)
                    .await?
            }
            Backend::Postgres => {
                sqlx::query(
                    "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = $1
                     ORDER BY ordinal_position",
                )
                .bind(table.to_owned())
                .fetch_all(&mut *self.read().await?)
                .await?
            }
        };
        Ok(rows
            .iter()
            .map(|r| r.text("name"))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|c| !SCOPE_COLUMNS.contains(&c.as_str()))
            .collect())
    }

    /// Every row of `table`, for comparing two journals row by row.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a name that is not a table of this store.
    pub async fn dump_table(&self, table: &str) -> Result<TableDump> {
        if !self.tables().await?.iter().any(|t| t == table) {
            return Err(Error::NotFound {
                what: "table",
                key: table.to_owned(),
            });
        }
        let columns = self.columns(table).await?;
        let list = columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let mut rows = Vec::new();
        for r in sqlx::query(&format!("SELECT {list} FROM \"{table}\""))
            .fetch_all(&mut *self.read().await?)
            .await?
        {
            let mut row = Vec::with_capacity(columns.len());
            for i in 0..columns.len() {
                row.push(cell(&r, i)?);
            }
            rows.push(row);
        }
        rows.sort_by(|a, b| {
            a.iter()
                .zip(b)
                .map(|(x, y)| x.total_cmp(y))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        Ok(TableDump {
            table: table.to_owned(),
            columns,
            rows,
        })
    }

    /// Write a whole journal into an empty store: validated first, then all of
    /// it in one transaction, so a failure (or a kill) leaves nothing behind.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the journal does not validate, the store
    /// already holds records, or the store is scoped (a team journal: ids
    /// are not remapped yet). Settings already in the store are replaced by
    /// the journal's.
    pub async fn import(&self, journal: &Journal) -> Result<ImportCounts> {
        if self.scope().is_some() {
            // The document's ids are global on a shared database: taken
            // as they are they would collide with other people's rows.
            return Err(Error::Invalid(
                "import into a team journal is not supported yet".into(),
            ));
        }
        // Every check on the parsed document happens here, before anything is written.
        journal.validate()?;
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            // SQLite's BEGIN IMMEDIATE already serialises writers; on
            // PostgreSQL two imports into one fresh schema take turns here.
            sqlx::query("SELECT COUNT(*) AS n FROM (SELECT pg_advisory_xact_lock(1060)) AS l")
                .execute(&mut *tx)
                .await?;
        }
        // Checked inside the write transaction, so two imports racing into one
        // fresh store cannot both pass it.
        let sum = EXPORTED_TABLES
            .iter()
            .filter(|t| **t != "settings")
            .map(|t| format!("(SELECT COUNT(*) FROM {t})"))
            .collect::<Vec<_>>()
            .join(" + ");
        let held: i64 = sqlx::query(&format!("SELECT {sum} AS n"))
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if held != 0 {
            return Err(Error::Invalid(format!(
                "the database {} already holds a journal; import into a fresh one (--db another.db)",
                self.location()
            )));
        }
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
            insert_goal(&mut tx, g).await?;
        }
        for s in &journal.sessions {
            write_session(&mut tx, s, true).await?;
        }
        for a in &journal.applications {
            write_application(&mut tx, a, true).await?;
        }
        for r in &journal.reflections {
            insert_reflection(&mut tx, r).await?;
        }
        for (key, value) in &journal.settings {
            sqlx::query(crate::settings::upsert_sql(self.backend))
                .bind(key.clone())
                .bind(value.to_string())
                .execute(&mut *tx)
                .await?;
        }
        for p in &journal.plans {
            let text = serde_json::to_string(p)
                .map_err(|e| Error::Invalid(format!("the plan cannot be written: {e}")))?;
            insert_plan(&mut tx, p.goal_id, &ts(p.made_at), &text).await?;
        }
        for a in &journal.arcs {
            sqlx::query(
                "INSERT INTO arcs (id, name, description, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(a.id.0)
            .bind(a.name.clone())
            .bind(a.description.clone())
            .bind(ts(a.created_at))
            .execute(&mut *tx)
            .await?;
        }
        for l in &journal.goal_arcs {
            insert_goal_arc(&mut tx, l).await?;
        }
        for c in &journal.retention_cards {
            insert_card(&mut tx, c).await?;
        }
        for c in &journal.credentials {
            sqlx::query(
                "INSERT INTO credentials (id, goal_id, issued_at, credential, jwt_eddsa, jwt_rs256,
                                          revoked_at, revocation_reason)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(c.id.clone())
            .bind(c.goal_id.0)
            .bind(ts(c.issued_at))
            .bind(c.credential.clone())
            .bind(c.jwt_eddsa.clone())
            .bind(c.jwt_rs256.clone())
            .bind(c.revoked_at.map(ts))
            .bind(c.revocation_reason.clone())
            .execute(&mut *tx)
            .await?;
        }
        for m in &journal.market_analyses {
            let count = |v: u64| {
                i64::try_from(v).map_err(|_| Error::Invalid(format!("count {v} is too large")))
            };
            sqlx::query(
                "INSERT INTO market_analyses (id, name, sources, created_at, postings, dated, report)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(m.id)
            .bind(m.name.clone())
            .bind(serde_json::Value::from(m.sources.clone()).to_string())
            .bind(ts(m.created_at))
            .bind(count(m.postings)?)
            .bind(count(m.dated)?)
            .bind(m.report.to_string())
            .execute(&mut *tx)
            .await?;
            for k in &m.skills {
                sqlx::query(
                    "INSERT INTO market_skills (analysis_id, skill_uri, label, postings, share,
                                                ci_low, ci_high, trend_slope, trend_p)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(m.id)
                .bind(k.skill_uri.clone())
                .bind(k.label.clone())
                .bind(count(k.postings)?)
                .bind(k.share)
                .bind(k.ci_low)
                .bind(k.ci_high)
                .bind(k.trend_slope)
                .bind(k.trend_p)
                .execute(&mut *tx)
                .await?;
            }
        }
        for h in &journal.history {
            crate::audit::insert(&mut tx, h).await?;
        }
        for e in &journal.personal_catalogue {
            sqlx::query(
                "INSERT INTO personal_catalogue (id, name, origin, entry, saved_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(e.id.clone())
            .bind(e.name.clone())
            .bind(e.origin.clone())
            .bind(e.entry.to_string())
            .bind(ts(e.saved_at))
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
            plans: journal.plans.len(),
            arcs: journal.arcs.len(),
            retention_cards: journal.retention_cards.len(),
            credentials: journal.credentials.len(),
            market_analyses: journal.market_analyses.len(),
            history: journal.history.len(),
            personal_catalogue: journal.personal_catalogue.len(),
        })
    }
}

// One record each, ids included, on the caller's connection: import writes a
// whole journal with these, and undo puts a deleted goal (or an edited
// session or application) back with them, so a restored row is written
// exactly as an imported one.

/// A goal with its criteria and extensions, in their order.
pub(crate) async fn insert_goal(conn: &mut AnyConnection, g: &Goal) -> Result<()> {
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
    .execute(&mut *conn)
    .await?;
    for (i, c) in g.criteria.iter().enumerate() {
        sqlx::query(
            "INSERT INTO criteria (id, goal_id, position, text, met_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(c.id.0)
        .bind(g.id.0)
        .bind(i as i64)
        .bind(c.text.clone())
        .bind(c.met_at.map(ts))
        .execute(&mut *conn)
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
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Write a session row, ids included: insert it, or (`insert` false)
/// update the row with its id back to these values (undo of an edit).
pub(crate) async fn write_session(
    conn: &mut AnyConnection,
    s: &Session,
    insert: bool,
) -> Result<()> {
    let sql = if insert {
        "INSERT INTO sessions (started_at, ended_at, focused_minutes, interruptions, aim, reps,
                               errors, difficulty, feedback, notes, id, goal_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    } else {
        "UPDATE sessions SET started_at = $1, ended_at = $2, focused_minutes = $3,
            interruptions = $4, aim = $5, reps = $6, errors = $7, difficulty = $8,
            feedback = $9, notes = $10
         WHERE id = $11 AND goal_id = $12"
    };
    sqlx::query(sql)
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
        .bind(s.id.0)
        .bind(s.goal_id.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Write an application row as [`write_session`] does, its evidence as
/// recorded (a file's hash as given).
pub(crate) async fn write_application(
    conn: &mut AnyConnection,
    a: &Application,
    insert: bool,
) -> Result<()> {
    let (kind, url, name, sha) = match &a.evidence {
        None => (None, None, None, None),
        Some(Evidence::Link { url }) => (Some("link"), Some(url.clone()), None, None),
        Some(Evidence::File { name, sha256 }) => {
            (Some("file"), None, Some(name.clone()), Some(sha256.clone()))
        }
    };
    let sql = if insert {
        "INSERT INTO applications (at, context, outcome, impact, evidence_kind, evidence_url,
                                   evidence_name, evidence_sha256, id, goal_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    } else {
        "UPDATE applications SET at = $1, context = $2, outcome = $3, impact = $4,
            evidence_kind = $5, evidence_url = $6, evidence_name = $7, evidence_sha256 = $8
         WHERE id = $9 AND goal_id = $10"
    };
    sqlx::query(sql)
        .bind(ts(a.at))
        .bind(a.context.clone())
        .bind(a.outcome.clone())
        .bind(a.impact.clone())
        .bind(kind)
        .bind(url)
        .bind(name)
        .bind(sha)
        .bind(a.id.0)
        .bind(a.goal_id.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A reflection with the principles it tags.
pub(crate) async fn insert_reflection(conn: &mut AnyConnection, r: &Reflection) -> Result<()> {
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
    .execute(&mut *conn)
    .await?;
    for p in &r.principles {
        sqlx::query(
            "INSERT INTO reflection_principles (reflection_id, principle_id) VALUES ($1, $2)",
        )
        .bind(r.id.0)
        .bind(p.0)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A goal's plan row: `made_at` as stored and the plan as its JSON text.
pub(crate) async fn insert_plan(
    conn: &mut AnyConnection,
    goal: GoalId,
    made_at: &str,
    plan: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO plans (goal_id, made_at, plan) VALUES ($1, $2, $3)")
        .bind(goal.0)
        .bind(made_at.to_owned())
        .bind(plan.to_owned())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn insert_goal_arc(conn: &mut AnyConnection, l: &GoalArcRecord) -> Result<()> {
    let arc = match l.membership {
        Membership::Arc(a) => Some(a.0),
        Membership::Standalone => None,
    };
    sqlx::query("INSERT INTO goal_arcs (goal_id, arc_id) VALUES ($1, $2)")
        .bind(l.goal_id.0)
        .bind(arc)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A retention card with its reviews, in their order.
pub(crate) async fn insert_card(conn: &mut AnyConnection, c: &CardRecord) -> Result<()> {
    let (kind, sid) = match c.subject {
        Subject::MicroSkill { id } => ("micro_skill", id.0),
        Subject::Principle { id } => ("principle", id.0),
    };
    sqlx::query(
        "INSERT INTO retention_cards (id, goal_id, subject_kind, subject_id, label, stability,
                                      difficulty, last_review, due)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(c.id)
    .bind(c.goal_id.0)
    .bind(kind)
    .bind(sid)
    .bind(c.label.clone())
    .bind(c.stability)
    .bind(c.difficulty)
    .bind(date(c.last_review))
    .bind(date(c.due))
    .execute(&mut *conn)
    .await?;
    insert_reviews(conn, c.id, &c.reviews).await
}

/// A card's review history, in its order, for a card without one yet.
pub(crate) async fn insert_reviews(
    conn: &mut AnyConnection,
    card: i64,
    reviews: &[Review],
) -> Result<()> {
    for (i, r) in reviews.iter().enumerate() {
        sqlx::query(
            "INSERT INTO retention_reviews (card_id, position, on_date, rating)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(card)
        .bind(i as i64)
        .bind(date(r.on))
        .bind(i64::from(r.rating.number()))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The goals' places in arcs (of one goal, or all), by goal.
pub(crate) async fn goal_arc_records_on(
    conn: &mut AnyConnection,
    goal: Option<GoalId>,
) -> Result<Vec<GoalArcRecord>> {
    sqlx::query(
        "SELECT goal_id, arc_id FROM goal_arcs WHERE ($1 IS NULL OR goal_id = $1) ORDER BY goal_id",
    )
    .bind(goal.map(|g| g.0))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(GoalArcRecord {
            goal_id: GoalId(r.int("goal_id")?),
            membership: match r.opt_int("arc_id")? {
                Some(a) => Membership::Arc(ArcId(a)),
                None => Membership::Standalone,
            },
        })
    })
    .collect()
}

/// Retention cards (of one goal, or all) as stored: ids kept, FSRS state at
/// the column's precision, every review in order.
pub(crate) async fn card_records_on(
    conn: &mut AnyConnection,
    goal: Option<GoalId>,
) -> Result<Vec<CardRecord>> {
    let gid = goal.map(|g| g.0);
    let mut reviews: HashMap<i64, Vec<Review>> = HashMap::new();
    for r in sqlx::query(
        "SELECT card_id, on_date, rating FROM retention_reviews
         WHERE card_id IN (SELECT id FROM retention_cards WHERE ($1 IS NULL OR goal_id = $1))
         ORDER BY card_id, position",
    )
    .bind(gid)
    .fetch_all(&mut *conn)
    .await?
    {
        let n = r.u32("rating")?;
        let rating = Rating::from_number(n)
            .map_err(|_| Error::Corrupt(format!("review rating {n} is not 1-4")))?;
        reviews.entry(r.int("card_id")?).or_default().push(Review {
            on: r.day("on_date")?,
            rating,
        });
    }
    sqlx::query("SELECT * FROM retention_cards WHERE ($1 IS NULL OR goal_id = $1) ORDER BY id")
        .bind(gid)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            let id = r.int("id")?;
            let sid = r.int("subject_id")?;
            let subject = match r.text("subject_kind")?.as_str() {
                "micro_skill" => Subject::MicroSkill {
                    id: MicroSkillId(sid),
                },
                "principle" => Subject::Principle {
                    id: PrincipleId(sid),
                },
                other => return Err(Error::Corrupt(format!("card subject {other:?}"))),
            };
            Ok(CardRecord {
                id,
                goal_id: GoalId(r.int("goal_id")?),
                subject,
                label: r.text("label")?,
                stability: r.try_get::<f64, _>("stability")?,
                difficulty: r.try_get::<f64, _>("difficulty")?,
                last_review: r.day("last_review")?,
                due: r.day("due")?,
                reviews: reviews.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}

/// One column of a row as a [`Cell`], whatever the backend's type.
fn cell(r: &sqlx::any::AnyRow, i: usize) -> Result<Cell> {
    if let Ok(v) = r.try_get::<Option<i64>, _>(i) {
        return Ok(v.map_or(Cell::Null, Cell::Int));
    }
    if let Ok(v) = r.try_get::<Option<f64>, _>(i) {
        return Ok(v.map_or(Cell::Null, Cell::Real));
    }
    if let Ok(v) = r.try_get::<Option<String>, _>(i) {
        return Ok(v.map_or(Cell::Null, Cell::Text));
    }
    Ok(r.try_get::<Option<bool>, _>(i)?
        .map_or(Cell::Null, |b| Cell::Int(i64::from(b))))
}

impl From<StoredCredential> for CredentialRecord {
    fn from(c: StoredCredential) -> Self {
        CredentialRecord {
            id: c.id,
            goal_id: c.goal_id,
            issued_at: c.issued_at,
            credential: c.credential,
            jwt_eddsa: c.jwt_eddsa,
            jwt_rs256: c.jwt_rs256,
            revoked_at: c.revoked_at,
            revocation_reason: c.revocation_reason,
        }
    }
}
