//! Persistence for Micromastery: one [`Store`] API over two backends, chosen by URL.
//!
//! * SQLite (the default, embedded): a file, created on first use, in WAL mode
//!   with foreign keys on. [`default_sqlite_path`] gives the platform location.
//! * PostgreSQL (`postgres://...`): for teams and training programmes, where
//!   stateless server instances share one database.
//!
//! Migrations are embedded in the binary and applied when the store opens.
//! Every change that writes more than one row runs in one transaction.
//!
//! ```no_run
//! # async fn demo() -> Result<(), mm_store::Error> {
//! let store = mm_store::Store::open("sqlite::memory:").await?;
//! let skills = store.list_skills().await?;
//! assert!(skills.is_empty());
//! # Ok(()) }
//! ```

mod audit;
mod catalogue;
mod credentials;
mod edit;
mod error;
mod goals;
mod journal;
mod market;
mod practice;
mod row;
mod sessions;
mod settings;
mod skills;
mod tally;
mod undo;

pub use catalogue::PersonalEntry;
pub use credentials::StoredCredential;
pub use edit::{
    ApplicationPatch, DeletedGoal, MicroSkillPatch, PrinciplePatch, ReflectionPatch, SessionPatch,
    SkillPatch,
};
pub use error::{Error, Result};
pub use goals::GoalWithSkill;
pub use journal::{Cell, DERIVED_TABLES, EXPORTED_TABLES, ImportCounts, TableDump};
pub use market::{MarketAnalysis, MarketSkillRow, NewMarketAnalysis};
pub use settings::LastRanking;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The person's journal in a database. Cheap to clone (a connection pool).
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The URL with any password hidden, for messages.
    shown_url: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("url", &self.shown_url)
            .finish()
    }
}

/// Where the SQLite journal lives by default: `$XDG_DATA_HOME/micromastery/mm.db`
/// (`~/.local/share/micromastery/mm.db` when XDG_DATA_HOME is unset).
pub fn default_sqlite_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("micromastery").join("mm.db"))
}

impl Store {
    /// Open (and migrate) the store at `url`: `postgres://...`, `sqlite://path`,
    /// `sqlite::memory:`, or a plain file path (SQLite).
    ///
    /// # Errors
    /// [`Error::Open`] when the database cannot be reached or is not a database
    /// of ours; [`Error::Locked`] / [`Error::ReadOnly`] for SQLite files that
    /// cannot be written.
    pub async fn open(url: &str) -> Result<Store> {
        Self::open_with(url, None).await
    }

    /// Open a PostgreSQL store whose tables live in `schema` (created if
    /// missing). Tests use this to give each test its own schema.
    ///
    /// # Errors
    /// As [`Store::open`]; [`Error::Invalid`] for a schema name that is not a
    /// plain identifier or a SQLite URL.
    pub async fn open_in_schema(url: &str, schema: &str) -> Result<Store> {
        if !valid_schema(schema) {
            return Err(Error::Invalid(format!(
                "{schema:?} is not a plain schema name"
            )));
        }
        Self::open_with(url, Some(schema.to_owned())).await
    }

    async fn open_with(url: &str, schema: Option<String>) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let is_pg = url.starts_with("postgres://") || url.starts_with("postgresql://");
        if is_pg {
            // `?schema=name` keeps this journal in its own schema of a shared database.
            let (url, from_url) = split_schema_param(url);
            match schema.or(from_url) {
                Some(s) if !valid_schema(&s) => {
                    Err(Error::Invalid(format!("{s:?} is not a plain schema name")))
                }
                schema => Self::open_postgres(&url, schema).await,
            }
        } else if schema.is_some() {
            Err(Error::Invalid("schemas are a PostgreSQL feature".into()))
        } else {
            Self::open_sqlite(url).await
        }
    }

    async fn open_postgres(url: &str, schema: Option<String>) -> Result<Store> {
        let shown_url = hide_password(url);
        let open_err = |e: sqlx::Error| Error::Open {
            url: shown_url.clone(),
            reason: error::describe(&e),
        };
        let options = AnyConnectOptions::from_str(url).map_err(open_err)?;
        if let Some(schema) = &schema {
            // Create the schema with a one-off connection, then pin every pooled
            // connection's search_path to it.
            let pool = AnyPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options.clone())
                .await
                .map_err(open_err)?;
            // Two first uses at once can both pass IF NOT EXISTS; the loser
            // sees a duplicate and carries on (the migrator itself holds an
            // advisory lock, so the tables are created once).
            match pool
                .execute(&*format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                .await
            {
                Ok(_) => {}
                Err(sqlx::Error::Database(d))
                    if matches!(d.code().as_deref(), Some("23505" | "42P06")) => {}
                Err(e) => return Err(open_err(e)),
            }
            pool.close().await;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _| {
                let schema = schema.clone();
                Box::pin(async move {
                    if let Some(schema) = schema {
                        conn.execute(&*format!("SET search_path TO \"{schema}\""))
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(open_err)?;
        POSTGRES_MIGRATIONS
            .run(&pool)
            .await
            .map_err(|e| Error::Migrate {
                url: shown_url.clone(),
                reason: e.to_string(),
            })?;
        Ok(Store {
            pool,
            backend: Backend::Postgres,
            shown_url,
        })
    }

    async fn open_sqlite(url: &str) -> Result<Store> {
        let memory = url == "sqlite::memory:" || url == ":memory:";
        let path = if memory {
            None
        } else {
            let p = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            let p = p.split('?').next().unwrap_or(p);
            Some(PathBuf::from(p))
        };
        let read_only = url
            .split_once('?')
            .is_some_and(|(_, q)| q.split('&').any(|kv| kv == "mode=ro"));
        let path = match path {
            Some(p) if p.as_os_str().is_empty() => {
                return Err(Error::Open {
                    url: url.to_owned(),
                    reason: "no file path given".into(),
                });
            }
            other => other,
        };
        let shown_url = path
            .as_ref()
            .map_or_else(|| "sqlite::memory:".to_owned(), |p| p.display().to_string());
        if let Some(p) = &path {
            check_sqlite_file(p)?;
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::Open {
                    url: shown_url.clone(),
                    reason: format!("cannot create the folder {}: {e}", dir.display()),
                })?;
            }
        }
        let connect_url = match &path {
            None => "sqlite::memory:".to_owned(),
            Some(p) if read_only => format!("sqlite://{}?mode=ro", p.display()),
            Some(p) => format!("sqlite://{}?mode=rwc", p.display()),
        };
        let options = AnyConnectOptions::from_str(&connect_url).map_err(|e| Error::Open {
            url: shown_url.clone(),
            reason: error::describe(&e),
        })?;
        let pool = AnyPoolOptions::new()
            // One in-memory database must be one connection.
            .max_connections(if memory { 1 } else { 4 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 3000;")
                        .await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| error::classify_sqlite(e, &shown_url))?;
        if !memory && !read_only && migrations_pending(&pool).await {
            // First use (or an upgrade): several `mm` processes may arrive here
            // at once. One takes the write lock and migrates while the others
            // wait their turn; each then finds nothing left to apply.
            migrate_sqlite_locked(&pool)
                .await
                .map_err(|e| migrate_error(e, &shown_url))?;
        }
        if !memory && !read_only {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(|e| error::classify_sqlite(e, &shown_url))?;
        }
        SQLITE_MIGRATIONS
            .run(&pool)
            .await
            .map_err(|e| migrate_error(e, &shown_url))?;
        Ok(Store {
            pool,
            backend: Backend::Sqlite,
            shown_url,
        })
    }

    /// Start a transaction that will write. On SQLite it takes the write lock
    /// up front (`BEGIN IMMEDIATE`), waiting out other writers with the busy
    /// timeout, instead of failing when a read turns into a write.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Which engine this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The database location, with any password hidden.
    pub fn location(&self) -> &str {
        &self.shown_url
    }

    /// Close the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Run SQLite's `PRAGMA integrity_check`; `Ok(())` when it says "ok".
    ///
    /// # Errors
    /// [`Error::Internal`] with the check's findings, or when not on SQLite.
    pub async fn integrity_check(&self) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(Error::Invalid("integrity_check is a SQLite check".into()));
        }
        let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        let found: Vec<_> = rows.into_iter().map(|r| r.0).collect();
        if found == ["ok"] {
            Ok(())
        } else {
            Err(Error::Corrupt(found.join("; ")))
        }
    }
}

/// How long a first-use migration waits for another process's (seconds of
/// other `mm` commands starting at once, on a slow machine).
const MIGRATION_BUSY_TIMEOUT_MS: u32 = 30_000;

/// Whether any embedded SQLite migration is not yet applied (or the ledger
/// cannot be read, as in a new file). Reads only.
async fn migrations_pending(pool: &AnyPool) -> bool {
    let Ok(rows) = sqlx::query("SELECT version FROM _sqlx_migrations WHERE success")
        .fetch_all(pool)
        .await
    else {
        return true;
    };
    let applied: std::collections::HashSet<i64> = rows
        .iter()
        .filter_map(|r| sqlx::Row::try_get::<i64, _>(r, "version").ok())
        .collect();
    SQLITE_MIGRATIONS
        .iter()
        .any(|m| !applied.contains(&m.version))
}

/// Switch to WAL and apply the migrations holding SQLite's write lock
/// (`BEGIN IMMEDIATE`) for the whole run, so concurrent first uses queue up
/// instead of racing to create the same tables.
async fn migrate_sqlite_locked(pool: &AnyPool) -> Result<(), sqlx::migrate::MigrateError> {
    use sqlx::Connection;
    let mut conn = pool.acquire().await?;
    conn.execute(&*format!(
        "PRAGMA busy_timeout = {MIGRATION_BUSY_TIMEOUT_MS}"
    ))
    .await?;
    // Outside any transaction: SQLite cannot change the journal mode inside one.
    conn.execute("PRAGMA journal_mode = WAL").await?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    // Inside the transaction the migrator's own transactions become savepoints.
    SQLITE_MIGRATIONS.run_direct(&mut *tx).await?;
    tx.commit().await?;
    conn.execute("PRAGMA busy_timeout = 3000").await?;
    Ok(())
}

fn migrate_error(e: sqlx::migrate::MigrateError, shown_url: &str) -> Error {
    use sqlx::migrate::MigrateError;
    match e {
        MigrateError::Execute(inner) | MigrateError::ExecuteMigration(inner, _) => {
            error::classify_sqlite(inner, shown_url)
        }
        other => Error::Migrate {
            url: shown_url.to_owned(),
            reason: other.to_string(),
        },
    }
}

/// Refuse, before SQLite touches it, a file that exists but is not SQLite.
fn check_sqlite_file(path: &Path) -> Result<()> {
    use std::io::Read;
    let shown = path.display().to_string();
    match std::fs::File::open(path) {
        Ok(mut f) => {
            if path.is_dir() {
                return Err(Error::Open {
                    url: shown,
                    reason: "it is a folder, not a database file".into(),
                });
            }
            let mut head = [0u8; 16];
            let n = f.read(&mut head).unwrap_or(0);
            if n > 0 && (n < 16 || head != *b"SQLite format 3\0") {
                return Err(Error::Open {
                    url: shown,
                    reason: "the file is not a SQLite database".into(),
                });
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::Open {
            url: shown,
            reason: e.to_string(),
        }),
    }
}

fn valid_schema(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Take a `schema=` parameter out of a PostgreSQL URL.
fn split_schema_param(url: &str) -> (String, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), None);
    };
    let mut schema = None;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|kv| match kv.strip_prefix("schema=") {
            Some(v) => {
                schema = Some(v.to_owned());
                false
            }
            None => !kv.is_empty(),
        })
        .collect();
    let url = if rest.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    (url, schema)
}

fn hide_password(url: &str) -> String {
    // postgres://user:secret@host/db -> postgres://user:***@host/db
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((auth, host)) = rest.split_once('@')
        && let Some((user, _)) = auth.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_owned()
}

impl Store {
    /// Drop a schema created by [`Store::open_in_schema`] (test clean-up).
    #[doc(hidden)]
    pub async fn drop_schema_for_tests(&self, schema: &str) -> Result<()> {
        if !schema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(Error::Invalid("bad schema name".into()));
        }
        sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_parameter() {
        assert_eq!(
            split_schema_param("postgres://u@h/db?schema=team_a&sslmode=disable"),
            (
                "postgres://u@h/db?sslmode=disable".to_owned(),
                Some("team_a".to_owned())
            )
        );
        assert_eq!(
            split_schema_param("postgres://u@h/db?schema=x"),
            ("postgres://u@h/db".to_owned(), Some("x".to_owned()))
        );
        assert_eq!(
            split_schema_param("postgres://u@h/db"),
            ("postgres://u@h/db".to_owned(), None)
        );
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            hide_password("postgres://u:pw@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(hide_password("postgres://u@h/db"), "postgres://u@h/db");
    }
}
