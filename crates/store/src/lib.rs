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
//! On a team server (PostgreSQL), many people's journals share the tables:
//! every row carries its `org_id` and `person_id`, and forced row-level
//! security shows each transaction only the rows of its scope. The owner
//! migrates ([`Store::migrate`]); the server connects as a role that owns
//! nothing ([`Store::open_existing`], granted on [`journal_tables`]) and
//! works for one person at a time through [`Store::scoped`]. Unscoped, a
//! PostgreSQL journal is person 0 of organisation 0, as before.
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
mod conn;
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
pub use goals::{GoalEvidence, GoalWithSkill};
pub use journal::{
    Cell, DERIVED_TABLES, EXPORTED_TABLES, ImportCounts, SCOPE_COLUMNS, TableDump, journal_tables,
};
pub use market::{MarketAnalysis, MarketSkillRow, NewMarketAnalysis};
pub use settings::{Focus, LastRanking};

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
///
/// On a team server (PostgreSQL) one pool serves many people: the server
/// opens it with [`Store::open_existing`] and reads and writes each person's
/// journal through [`Store::scoped`].
#[derive(Clone)]
pub struct Store {
    /// The only way to the database (see `conn`): every query goes through it.
    db: conn::Db,
    backend: Backend,
    /// The URL with any password hidden, for messages.
    shown_url: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("url", &self.shown_url)
            .field("scope", &self.db.scope())
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
        if is_postgres(url) {
            let (url, schema) = postgres_target(url, schema)?;
            let store = Self::connect_postgres(&url, schema, true).await?;
            store
                .db
                .migrate(&POSTGRES_MIGRATIONS)
                .await
                .map_err(|e| Error::Migrate {
                    url: store.shown_url.clone(),
                    reason: e.to_string(),
                })?;
            Ok(store)
        } else if schema.is_some() {
            Err(Error::Invalid("schemas are a PostgreSQL feature".into()))
        } else {
            Self::open_sqlite(url).await
        }
    }

    /// Open a PostgreSQL store without migrating it: for a server that
    /// connects as a role that owns nothing (so row-level security holds for
    /// it) and cannot create tables. `?schema=name` works as in
    /// [`Store::open`].
    ///
    /// # Errors
    /// [`Error::Migrate`] when an embedded migration is not applied yet (run
    /// [`Store::migrate`] as the tables' owner), or the ledger of migrations
    /// cannot be read; [`Error::Open`] as [`Store::open`]; [`Error::Invalid`]
    /// for a SQLite URL (a SQLite journal migrates itself on open).
    pub async fn open_existing(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        if !is_postgres(url) {
            return Err(Error::Invalid(
                "open_existing is for PostgreSQL; a SQLite journal migrates itself on open".into(),
            ));
        }
        let (url, schema) = postgres_target(url, None)?;
        let store = Self::connect_postgres(&url, schema, false).await?;
        let pending = |reason: String| Error::Migrate {
            url: store.shown_url.clone(),
            reason: format!(
                "{reason}; run the migrations as the owner of the tables (`Store::migrate`, `mm team migrate`)"
            ),
        };
        let rows = {
            let mut conn = store.db.read().await?;
            sqlx::query("SELECT version, checksum FROM _sqlx_migrations WHERE success")
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| {
                    pending(format!(
                        "the migration ledger cannot be read ({})",
                        error::describe(&e)
                    ))
                })?
        };
        let applied: std::collections::HashMap<i64, Vec<u8>> = rows
            .iter()
            .map(|r| {
                Ok((
                    sqlx::Row::try_get::<i64, _>(r, "version")?,
                    sqlx::Row::try_get::<Vec<u8>, _>(r, "checksum")?,
                ))
            })
            .collect::<Result<_>>()?;
        for m in POSTGRES_MIGRATIONS.iter() {
            match applied.get(&m.version) {
                None => {
                    return Err(pending(format!(
                        "migration {} ({}) is not applied",
                        m.version, m.description
                    )));
                }
                Some(sum) if sum.as_slice() != &*m.checksum => {
                    return Err(pending(format!(
                        "migration {} ({}) was applied from a different text than this build embeds",
                        m.version, m.description
                    )));
                }
                Some(_) => {}
            }
        }
        Ok(store)
    }

    /// Apply every embedded migration to the database at `url` (as
    /// [`Store::open`] does on first use), then close: for the owner of a
    /// team database, before servers connect with [`Store::open_existing`].
    ///
    /// # Errors
    /// As [`Store::open`].
    pub async fn migrate(url: &str) -> Result<()> {
        Self::open(url).await?.close().await;
        Ok(())
    }

    /// This journal seen as one person of one organisation (a team
    /// server): the same pool (cheap), but every transaction first sets
    /// `mm.org` and `mm.person` for itself, and PostgreSQL's row-level
    /// security shows and accepts only that person's rows. Reads then run in
    /// a read-only transaction each, and single-statement writes in a
    /// committed one.
    ///
    /// Row-level security binds only a role that owns nothing and is no
    /// superuser: open the pool with [`Store::open_existing`] as such a role.
    ///
    /// # Errors
    /// [`Error::Invalid`] on SQLite (one file, one person), for a negative
    /// id, or for a store that is already scoped.
    pub fn scoped(&self, org: i64, person: i64) -> Result<Store> {
        if self.backend != Backend::Postgres {
            return Err(Error::Invalid(
                "a scoped (team) journal needs PostgreSQL; a SQLite journal is one person's".into(),
            ));
        }
        if org < 0 || person < 0 {
            return Err(Error::Invalid(format!(
                "organisation and person ids are not negative (got {org}, {person})"
            )));
        }
        if let Some(s) = self.db.scope() {
            return Err(Error::Invalid(format!(
                "this store is already scoped to person {} of organisation {}",
                s.person, s.org
            )));
        }
        Ok(Store {
            db: self.db.scoped(conn::Scope { org, person }),
            ..self.clone()
        })
    }

    /// This scoped store for one request's reads: they share one read-only
    /// transaction (opened at the first read, each statement still seeing
    /// what was committed before it), instead of paying a transaction each.
    /// Writes keep their own. Unscoped stores are returned as they are.
    /// Keep a snapshot for one request: it holds a pooled connection until
    /// its last clone is dropped.
    pub fn snapshot(&self) -> Store {
        Store {
            db: self.db.snapshot(),
            ..self.clone()
        }
    }

    /// The organisation and person this store is scoped to, if any.
    pub fn scope(&self) -> Option<(i64, i64)> {
        self.db.scope().map(|s| (s.org, s.person))
    }

    async fn connect_postgres(url: &str, schema: Option<String>, create: bool) -> Result<Store> {
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
            // advisory lock, so the tables are created once). A role that
            // may not create schemas (a team server's) finds it there.
            let exists: bool =
                sqlx::query("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS e")
                    .bind(schema.clone())
                    .fetch_one(&pool)
                    .await
                    .map_err(open_err)
                    .and_then(|r| Ok(sqlx::Row::try_get::<bool, _>(&r, "e")?))?;
            if !exists && !create {
                pool.close().await;
                return Err(Error::Migrate {
                    url: shown_url.clone(),
                    reason: format!(
                        "the schema {schema:?} does not exist; run the migrations as its owner first (`Store::migrate`, `mm team migrate`)"
                    ),
                });
            }
            if !exists {
                match pool
                    .execute(&*format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                    .await
                {
                    Ok(_) => {}
                    Err(sqlx::Error::Database(d))
                        if matches!(d.code().as_deref(), Some("23505" | "42P06")) => {}
                    Err(e) => return Err(open_err(e)),
                }
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
        Ok(Store {
            db: conn::Db::new(pool, Backend::Postgres),
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
            db: conn::Db::new(pool, Backend::Sqlite),
            backend: Backend::Sqlite,
            shown_url,
        })
    }

    /// Start a transaction that will write (in the store's scope, if any).
    /// On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`),
    /// waiting out other writers with the busy timeout, instead of failing
    /// when a read turns into a write.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        self.db.begin_write().await
    }

    /// A connection for the reads of one method (in the store's scope, if
    /// any): see `conn`.
    pub(crate) async fn read(&self) -> Result<conn::Conn> {
        self.db.read().await
    }

    /// A connection for one single-statement write; [`conn::Conn::commit`]
    /// it after the statement.
    pub(crate) async fn write(&self) -> Result<conn::Conn> {
        self.db.write().await
    }

    /// Which engine this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The database location, with any password hidden.
    pub fn location(&self) -> &str {
        &self.shown_url
    }

    /// Close the pool, waiting for connections to finish. The pool is shared
    /// with every scoped store made from this one: they close with it.
    pub async fn close(&self) {
        self.db.close().await;
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
            .fetch_all(&mut *self.read().await?)
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

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The URL without `?schema=`, and the schema to use (the argument's, else
/// the URL's), checked to be a plain name.
fn postgres_target(url: &str, schema: Option<String>) -> Result<(String, Option<String>)> {
    // `?schema=name` keeps this journal in its own schema of a shared database.
    let (url, from_url) = split_schema_param(url);
    match schema.or(from_url) {
        Some(s) if !valid_schema(&s) => {
            Err(Error::Invalid(format!("{s:?} is not a plain schema name")))
        }
        schema => Ok((url, schema)),
    }
}

fn valid_schema(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Take a `schema=` parameter out of a PostgreSQL URL: the URL without it,
/// and the schema it named (unchecked). The team server's store reads its
/// URLs the same way.
pub fn split_schema_param(url: &str) -> (String, Option<String>) {
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

/// The URL with any password hidden, for messages:
/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn hide_password(url: &str) -> String {
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
        let mut conn = self.write().await?;
        sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .execute(&mut *conn)
            .await?;
        conn.commit().await
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
