//! The team data's one error type: a [`Kind`] the server maps to an HTTP
//! status, and one plain sentence that is safe to show (database details of
//! an internal failure are logged, never put in the message).

/// What kind of failure an error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// No record with that id, or none this person may see (the two are
    /// indistinguishable to the caller on purpose).
    NotFound,
    /// The input breaks a rule; [`Error::field`] names it.
    Invalid,
    /// A duplicate, or a change the record's state does not allow.
    Conflict,
    /// Not signed in, or the secret is wrong, expired or revoked.
    Unauthorized,
    /// Signed in, but the roles do not allow it.
    Forbidden,
    /// Too many failed attempts in a short time: wait, then try again.
    TooMany,
    /// The database cannot be reached right now.
    Unavailable,
    /// A bug or damage.
    Internal,
}

impl Kind {
    /// The HTTP status of this kind.
    pub fn http_status(self) -> u16 {
        match self {
            Kind::NotFound => 404,
            Kind::Invalid => 422,
            Kind::Conflict => 409,
            Kind::Unauthorized => 401,
            Kind::Forbidden => 403,
            Kind::TooMany => 429,
            Kind::Unavailable => 503,
            Kind::Internal => 500,
        }
    }

    /// The kind's name in JSON error bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::NotFound => "not_found",
            Kind::Invalid => "invalid",
            Kind::Conflict => "conflict",
            Kind::Unauthorized => "unauthorized",
            Kind::Forbidden => "forbidden",
            Kind::TooMany => "too_many_requests",
            Kind::Unavailable => "unavailable",
            Kind::Internal => "internal",
        }
    }
}

/// A team error: its kind, a message, and for invalid input the field.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    kind: Kind,
    message: String,
    field: Option<&'static str>,
}

/// Results of the team data.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind`.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            field: None,
        }
    }

    /// Invalid input in `field`.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error {
            kind: Kind::Invalid,
            message: message.into(),
            field: Some(field),
        }
    }

    /// No such record (or none the actor may see).
    pub fn not_found(what: &str) -> Self {
        Self::new(Kind::NotFound, format!("no such {what}"))
    }

    /// The actor's roles do not allow it.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(Kind::Forbidden, message)
    }

    /// Not signed in, or a bad secret.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(Kind::Unauthorized, message)
    }

    /// The kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The input field at fault, for [`Kind::Invalid`].
    pub fn field(&self) -> Option<&'static str> {
        self.field
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => Error::new(
                Kind::Unavailable,
                "the team database cannot be reached right now; try again",
            ),
            sqlx::Error::Database(d) => match d.code().as_deref() {
                Some("23505") => Error::new(Kind::Conflict, "that already exists"),
                // Row-level security refused a row: another organisation's.
                Some("42501") => Error::not_found("record"),
                // The server shutting down, or PostgreSQL restarting.
                Some(c) if c.starts_with("57P") || c.starts_with("08") => Error::new(
                    Kind::Unavailable,
                    "the team database is restarting; try again",
                ),
                _ => internal(&e),
            },
            _ => internal(&e),
        }
    }
}

fn internal(e: &sqlx::Error) -> Error {
    eprintln!("mm-team: database error: {e}");
    Error::new(Kind::Internal, "an internal error occurred")
}

/// A connection error in plain words.
pub(crate) fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Database(d) => d.message().to_owned(),
        sqlx::Error::PoolTimedOut => "timed out".to_owned(),
        other => other.to_string(),
    }
}
