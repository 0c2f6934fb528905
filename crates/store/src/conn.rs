//! The one way from a [`Store`](crate::Store) to its database: every query
//! of the store runs on a connection handed out here, so a scoped store
//! (one person of one organisation on a team server) cannot run a query
//! outside its scope.
//!
//! The pool is a private field of [`Db`]: other modules of the crate cannot
//! reach it, only [`Db::read`], [`Db::write`] and [`Db::begin_write`].
//!
//! * Unscoped (the single-person journal, SQLite or PostgreSQL): a read or a
//!   single-statement write runs on a plain pooled connection, as before;
//!   no transaction is paid for.
//! * Scoped (PostgreSQL only): every connection handed out is a transaction
//!   whose first statement sets `mm.org` and `mm.person` for that
//!   transaction only (`set_config(…, true)`), which the row-level security
//!   policies read. A session-level `SET` would leak to the next borrower of
//!   the pooled connection; a transaction-local setting ends with it.

use crate::{Backend, Result};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};

/// One read-only transaction that the reads of a snapshot share, opened at
/// the first of them and closed before a write (see [`Db::snapshot`]).
type SharedRead = Arc<Mutex<Option<Transaction<'static, Any>>>>;

/// Whose journal a scoped store reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scope {
    pub(crate) org: i64,
    pub(crate) person: i64,
}

impl Scope {
    /// The statement that opens a transaction in this scope. One round trip:
    /// `BEGIN` and the settings go as one simple query (the ids are integers
    /// formatted here, never text from outside, so nothing can be injected).
    fn begin_sql(self, read_only: bool) -> String {
        let begin = if read_only {
            "BEGIN READ ONLY"
        } else {
            "BEGIN"
        };
        format!(
            "{begin}; SELECT set_config('mm.org', '{}', true), set_config('mm.person', '{}', true)",
            self.org, self.person
        )
    }
}

/// The pool, its engine and, for a team journal, its scope.
#[derive(Clone)]
pub(crate) struct Db {
    pool: AnyPool,
    backend: Backend,
    scope: Option<Scope>,
    /// A snapshot's shared read transaction (scoped stores only).
    shared: Option<SharedRead>,
}

/// A connection for one method's statements: a plain pooled connection
/// (unscoped) or a transaction with the scope set (scoped). Derefs to the
/// connection; a scoped one that is dropped without [`Conn::commit`] rolls
/// back, which is all a read needs.
pub(crate) enum Conn {
    Pooled(PoolConnection<Any>),
    Scoped(Transaction<'static, Any>),
    /// A snapshot's read transaction, held for one read.
    Shared(OwnedMappedMutexGuard<Option<Transaction<'static, Any>>, Transaction<'static, Any>>),
}

impl Deref for Conn {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match self {
            Conn::Pooled(c) => c,
            Conn::Scoped(t) => t,
            Conn::Shared(t) => t,
        }
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Conn::Pooled(c) => c,
            Conn::Scoped(t) => t,
            Conn::Shared(t) => t,
        }
    }
}

impl Conn {
    /// Make a write on this connection stick: commits a scoped transaction;
    /// an unscoped connection wrote in autocommit already (and a snapshot's
    /// shared read has nothing to commit).
    pub(crate) async fn commit(self) -> Result<()> {
        if let Conn::Scoped(tx) = self {
            tx.commit().await?;
        }
        Ok(())
    }
}

impl Db {
    pub(crate) fn new(pool: AnyPool, backend: Backend) -> Db {
        Db {
            pool,
            backend,
            scope: None,
            shared: None,
        }
    }

    /// The same pool, every transaction in `scope`.
    pub(crate) fn scoped(&self, scope: Scope) -> Db {
        Db {
            scope: Some(scope),
            shared: None,
            ..self.clone()
        }
    }

    /// The same scoped pool, its reads sharing one read-only transaction
    /// (read committed: each statement sees what was committed before it,
    /// writes included) opened at the first read and rolled back when the
    /// last clone is dropped. A scoped read costs three round trips alone
    /// (begin and scope, the query, the rollback); a request's reads
    /// together then cost one more each. Writes keep their own
    /// transactions, and the shared one is closed first (its connection
    /// back in the pool; the next read opens another), so a snapshot never
    /// holds one connection while it waits for a second: a full pool
    /// cannot deadlock on it. Unscoped: unchanged.
    pub(crate) fn snapshot(&self) -> Db {
        Db {
            shared: self.scope.map(|_| Arc::new(Mutex::new(None))),
            ..self.clone()
        }
    }

    /// Close a snapshot's shared read before a write takes a connection
    /// (dropping it rolls it back and hands its connection back).
    async fn release_shared(&self) {
        if let Some(shared) = &self.shared {
            shared.lock().await.take();
        }
    }

    pub(crate) fn scope(&self) -> Option<Scope> {
        self.scope
    }

    /// A connection for reads. Scoped: a read-only transaction, so a read
    /// path that writes fails loudly instead of writing outside a commit.
    pub(crate) async fn read(&self) -> Result<Conn> {
        Ok(match (self.scope, &self.shared) {
            (None, _) => Conn::Pooled(self.pool.acquire().await?),
            (Some(s), None) => Conn::Scoped(self.pool.begin_with(s.begin_sql(true)).await?),
            (Some(s), Some(shared)) => {
                let mut slot: OwnedMutexGuard<_> = Arc::clone(shared).lock_owned().await;
                if slot.is_none() {
                    *slot = Some(self.pool.begin_with(s.begin_sql(true)).await?);
                }
                match OwnedMutexGuard::try_map(slot, Option::as_mut) {
                    Ok(tx) => Conn::Shared(tx),
                    // Filled just above; should it not be, a read of its own.
                    Err(_) => Conn::Scoped(self.pool.begin_with(s.begin_sql(true)).await?),
                }
            }
        })
    }

    /// A connection for a single-statement write; call [`Conn::commit`]
    /// after it (a scoped write is a transaction of its own).
    pub(crate) async fn write(&self) -> Result<Conn> {
        self.release_shared().await;
        Ok(match self.scope {
            None => Conn::Pooled(self.pool.acquire().await?),
            Some(s) => Conn::Scoped(self.pool.begin_with(s.begin_sql(false)).await?),
        })
    }

    /// Start a transaction that will write. On SQLite it takes the write lock
    /// up front (`BEGIN IMMEDIATE`), waiting out other writers with the busy
    /// timeout, instead of failing when a read turns into a write. Scoped,
    /// its first statement sets the scope.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        self.release_shared().await;
        Ok(match (self.backend, self.scope) {
            (Backend::Sqlite, _) => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            (Backend::Postgres, None) => self.pool.begin().await?,
            (Backend::Postgres, Some(s)) => self.pool.begin_with(s.begin_sql(false)).await?,
        })
    }

    /// Close the pool (every clone of it, scoped or not), waiting for
    /// connections to finish.
    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}

impl Db {
    /// Apply the embedded migrations (the owner, unscoped: a scoped store
    /// has no business changing the schema).
    pub(crate) async fn migrate(
        &self,
        migrator: &sqlx::migrate::Migrator,
    ) -> std::result::Result<(), sqlx::migrate::MigrateError> {
        debug_assert!(self.scope.is_none(), "migrations run unscoped");
        migrator.run(&self.pool).await
    }
}
