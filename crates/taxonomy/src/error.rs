//! The one error type of `mm-taxonomy`.

use std::path::PathBuf;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A skill, occupation or file that was asked for does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// Input that does not have the expected shape (a missing column, a
    /// malformed row, invalid UTF-8 ...). The message names file and line.
    #[error("{0}")]
    Invalid(String),
    /// Reading a file failed.
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A CSV file could not be parsed.
    #[error("{path}: malformed CSV")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    /// The compiled taxonomy could not be encoded or decoded.
    #[error("compiled taxonomy is corrupt or from another version")]
    Decode(#[source] postcard::Error),
    /// An unexpected internal failure (compression, threads).
    #[error("internal error: {0}")]
    Internal(String),
}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
