//! The application's one error type. Every error has a [`ErrorKind`], which
//! the faces map to what they speak: an exit code for the CLI, an HTTP status
//! for the web app and the team server. Messages are plain words with no
//! command hints: a face adds its own ("see `mm goal list`") from the kind and
//! [`Error::what`].

use serde::Serialize;

/// What kind of failure an error is, for the caller to react to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No record with that id or name.
    NotFound,
    /// The input breaks a rule; [`Error::field`] names the input when known.
    Invalid,
    /// The request clashes with the journal's state (a duplicate, a closed goal).
    Conflict,
    /// The database or another resource cannot be reached right now.
    Unavailable,
    /// A bug or damage: nothing the caller can fix.
    Internal,
}

impl ErrorKind {
    /// The process exit code a command ends with: 2 invalid input (as for a
    /// usage error), 4 not found, 5 conflict, 6 unavailable, 1 internal.
    /// (3 is kept for "checked, and the answer is no": a goal not yet
    /// achieved, a badge that does not verify.)
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Internal => 1,
            ErrorKind::Invalid => 2,
            ErrorKind::NotFound => 4,
            ErrorKind::Conflict => 5,
            ErrorKind::Unavailable => 6,
        }
    }

    /// The HTTP status of this kind.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::NotFound => 404,
            ErrorKind::Invalid => 422,
            ErrorKind::Conflict => 409,
            ErrorKind::Unavailable => 503,
            ErrorKind::Internal => 500,
        }
    }

    /// The kind's name as it appears in JSON error bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::Invalid => "invalid",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Internal => "internal",
        }
    }
}

/// An application error: a kind, one plain message, and for invalid input the
/// field it concerns, for not-found the kind of record.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
    field: Option<String>,
    what: Option<&'static str>,
}

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            field: None,
            what: None,
        }
    }

    /// No `what` (goal, session, skill...) named `key`.
    pub fn not_found(what: &'static str, key: impl std::fmt::Display) -> Self {
        Error {
            what: Some(what),
            ..Error::new(ErrorKind::NotFound, format!("no {what} {key}"))
        }
    }

    /// Input that breaks a rule.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Invalid, message)
    }

    /// Input that breaks a rule, naming the field (`deadline`, `minutes`...).
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            field: Some(field.into()),
            ..Error::invalid(message)
        }
    }

    /// A request that clashes with the journal's state.
    pub fn conflict(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Conflict, message)
    }

    /// A resource that cannot be reached now.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Unavailable, message)
    }

    /// `what` (not the journal: an `issuer key`, say) cannot be used now,
    /// with a message that is safe to show (a face shows it as it is, where
    /// it hides the details of other unavailable resources).
    pub fn unavailable_named(what: &'static str, message: impl Into<String>) -> Self {
        Error {
            what: Some(what),
            ..Error::unavailable(message)
        }
    }

    /// A bug or damage.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal, message)
    }

    /// The error's kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The input field an invalid-input error concerns, when known.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The kind of record a not-found error is about (`goal`, `session`...).
    pub fn what(&self) -> Option<&'static str> {
        self.what
    }

    /// The message, without kind or field.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prefix the message with where it happened ("reading postings.csv: ...").
    pub fn context(mut self, ctx: impl std::fmt::Display) -> Self {
        self.message = format!("{ctx}: {}", self.message);
        self
    }
}

/// The JSON body of an error, as the HTTP API returns it and `--json` prints it.
#[derive(Debug, Serialize)]
pub struct ErrorBody<'a> {
    /// The kind, `not_found`, `invalid`, `conflict`, `unavailable` or `internal`.
    pub error: &'static str,
    /// One plain sentence.
    pub message: &'a str,
    /// The input field concerned, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'a str>,
}

impl Error {
    /// The error as a JSON body.
    pub fn body(&self) -> ErrorBody<'_> {
        ErrorBody {
            error: self.kind.as_str(),
            message: &self.message,
            field: self.field.as_deref(),
        }
    }
}

impl From<mm_store::Error> for Error {
    fn from(e: mm_store::Error) -> Self {
        use mm_store::Error as S;
        match e {
            S::NotFound { what, key } => Error {
                what: Some(what),
                ..Error::new(ErrorKind::NotFound, format!("no {what} {key}"))
            },
            S::Invalid(m) if m.starts_with("that already exists") => Error::conflict(m),
            S::Invalid(m) => Error::invalid(m),
            e @ (S::Open { .. }
            | S::Migrate { .. }
            | S::Locked(_)
            | S::ReadOnly(_)
            | S::Unreachable(_)) => Error::unavailable(e.to_string()),
            e => Error::internal(e.to_string()),
        }
    }
}

impl From<mm_core::Error> for Error {
    fn from(e: mm_core::Error) -> Self {
        Error::invalid(e.to_string())
    }
}

/// Result with the application's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_out_of_reach_is_worth_trying_again() {
        let e: Error = mm_store::Error::Unreachable("connection reset by peer".into()).into();
        assert_eq!(e.kind(), ErrorKind::Unavailable);
        assert_eq!(e.kind().http_status(), 503);
        assert!(e.to_string().contains("try again"), "{e}");
    }

    #[test]
    fn store_errors_keep_their_kind() {
        let nf: Error = mm_store::Error::NotFound {
            what: "goal",
            key: "7".into(),
        }
        .into();
        assert_eq!(nf.kind(), ErrorKind::NotFound);
        assert_eq!(nf.what(), Some("goal"));
        assert_eq!(nf.to_string(), "no goal 7");
        let dup: Error = mm_store::Error::Invalid("that already exists (x)".into()).into();
        assert_eq!(dup.kind(), ErrorKind::Conflict);
        let locked: Error = mm_store::Error::Locked("mm.db".into()).into();
        assert_eq!(locked.kind(), ErrorKind::Unavailable);
        assert_eq!(locked.kind().http_status(), 503);
    }

    #[test]
    fn kinds_have_distinct_exit_codes_and_statuses() {
        let kinds = [
            ErrorKind::NotFound,
            ErrorKind::Invalid,
            ErrorKind::Conflict,
            ErrorKind::Unavailable,
            ErrorKind::Internal,
        ];
        let codes: std::collections::HashSet<_> = kinds.iter().map(|k| k.exit_code()).collect();
        let statuses: std::collections::HashSet<_> =
            kinds.iter().map(|k| k.http_status()).collect();
        assert_eq!(codes.len(), kinds.len());
        assert_eq!(statuses.len(), kinds.len());
        assert!(!codes.contains(&3), "3 means 'checked, and no'");
    }

    #[test]
    fn the_body_names_the_field() {
        let e = Error::invalid_field("deadline", "the deadline is before the start");
        let body = serde_json::to_value(e.body()).unwrap();
        assert_eq!(body["error"], "invalid");
        assert_eq!(body["field"], "deadline");
    }
}
