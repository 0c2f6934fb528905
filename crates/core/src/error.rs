//! The one error type of the domain.

/// What can go wrong when the domain refuses an input.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input breaks a rule of the domain; the message says which, in plain words.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// Build an [`Error::Invalid`] from anything printable.
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }
}

/// Result with the domain's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
