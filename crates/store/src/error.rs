//! The store's one error type. `NotFound` and `Invalid` are the caller's to fix;
//! the others say what is wrong with the database itself.

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No record of that kind with that id or name.
    #[error("no {what} {key}")]
    NotFound { what: &'static str, key: String },
    /// The request breaks a rule (validation, a duplicate name, a closed goal...).
    #[error("{0}")]
    Invalid(String),
    /// The database could not be opened.
    #[error("cannot open the database {url}: {reason}")]
    Open { url: String, reason: String },
    /// Applying the embedded migrations failed.
    #[error("cannot prepare the database {url}: {reason}")]
    Migrate { url: String, reason: String },
    /// Another process holds the SQLite database.
    #[error(
        "the database is locked by another program (is another mm running?); try again in a moment"
    )]
    Locked(String),
    /// The database cannot be written.
    #[error(
        "the database {0} is read-only: check the file's permissions or use --db to pick another"
    )]
    ReadOnly(String),
    /// The database server cannot be reached right now: the connection
    /// broke (PostgreSQL restarting, a network fault) or no connection came
    /// free in time. Worth trying again.
    #[error("the database cannot be reached right now ({0}); try again in a moment")]
    Unreachable(String),
    /// `integrity_check` found damage.
    #[error("the database is damaged: {0}")]
    Corrupt(String),
    /// Anything else the database reported.
    #[error("database error: {}", describe(.0))]
    Internal(#[source] sqlx::Error),
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_) => return Error::Unreachable(describe(&e)),
            // PostgreSQL: 57P01-03 the server shutting down or restarting,
            // 08xxx a broken connection.
            sqlx::Error::Database(db)
                if db
                    .code()
                    .is_some_and(|c| c.starts_with("57P") || c.starts_with("08")) =>
            {
                return Error::Unreachable(describe(&e));
            }
            _ => {}
        }
        if let Some(db) = e.as_database_error() {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            let msg = db.message().to_owned();
            // SQLite: 5 busy, 6 locked, 8 read-only; PostgreSQL: 25006 read-only transaction.
            match code.as_str() {
                "5" | "6" | "517" | "262" => return Error::Locked(String::new()),
                "8" | "264" | "520" | "776" | "1032" | "25006" => {
                    return Error::ReadOnly(String::new());
                }
                _ => {}
            }
            if db.is_unique_violation() {
                return Error::Invalid(format!("that already exists ({msg})"));
            }
            if db.is_foreign_key_violation() {
                return Error::Invalid(format!("a record it refers to does not exist ({msg})"));
            }
        }
        Error::Internal(e)
    }
}

/// Map an error from opening or migrating a SQLite file to a clear variant.
pub(crate) fn classify_sqlite(e: sqlx::Error, shown_url: &str) -> Error {
    match Error::from(e) {
        Error::Locked(_) => Error::Locked(shown_url.to_owned()),
        Error::ReadOnly(_) => Error::ReadOnly(shown_url.to_owned()),
        Error::Internal(inner) => {
            let reason = describe(&inner);
            if reason.contains("file is not a database") {
                Error::Open {
                    url: shown_url.to_owned(),
                    reason: "the file is not a SQLite database".into(),
                }
            } else if reason.contains("unable to open database file") {
                Error::Open {
                    url: shown_url.to_owned(),
                    reason: "unable to open or create the file (check the folder exists and is writable)".into(),
                }
            } else {
                Error::Open {
                    url: shown_url.to_owned(),
                    reason,
                }
            }
        }
        other => other,
    }
}

/// One line describing a sqlx error, without Debug noise.
pub(crate) fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_owned(),
        sqlx::Error::Io(io) => format!("{io}"),
        sqlx::Error::PoolTimedOut => "timed out waiting for the database to answer".into(),
        sqlx::Error::Configuration(c) => format!("bad database URL: {c}"),
        other => other.to_string(),
    }
}

/// Result with the store's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<mm_core::Error> for Error {
    fn from(e: mm_core::Error) -> Self {
        Error::Invalid(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_connection_or_a_full_pool_is_unreachable_not_internal() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        for e in [
            sqlx::Error::Io(io),
            sqlx::Error::PoolTimedOut,
            sqlx::Error::PoolClosed,
        ] {
            let e = Error::from(e);
            assert!(matches!(e, Error::Unreachable(_)), "{e:?}");
            assert!(e.to_string().contains("try again"), "{e}");
        }
        assert!(matches!(
            Error::from(sqlx::Error::RowNotFound),
            Error::Internal(_)
        ));
    }
}
