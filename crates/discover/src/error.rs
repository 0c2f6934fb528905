//! The one error type of `mm-discover`.

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No occupation title matches the role well enough.
    #[error("no occupation matches {query:?}{}", closest_hint(.closest))]
    UnknownRole { query: String, closest: Vec<String> },
    /// An occupation URI, code or skill that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// Input that cannot be used (an empty corpus, a bad option).
    #[error("{0}")]
    Invalid(String),
    /// Drawing the chart failed.
    #[error("cannot draw the chart: {0}")]
    Chart(String),
    /// Writing the Parquet file of mentions failed.
    #[error("cannot write Parquet: {0}")]
    Parquet(String),
    /// The taxonomy could not be loaded or read.
    #[error(transparent)]
    Taxonomy(#[from] mm_taxonomy::Error),
}

fn closest_hint(c: &[String]) -> String {
    if c.is_empty() {
        String::new()
    } else {
        format!("; closest titles: {}", c.join(", "))
    }
}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
