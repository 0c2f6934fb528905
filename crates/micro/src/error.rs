//! The one error type of `mm-micro`.

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A catalogue id that no entry has.
    #[error("no micro-skill {id:?} in the catalogue{}", hint(.closest))]
    NotFound { id: String, closest: Vec<String> },
    /// A catalogue file or package that cannot be used, with where.
    #[error("{place}: {message}")]
    Invalid { place: String, message: String },
    /// TOML that does not parse.
    #[error("{place}: {source}")]
    Toml {
        place: String,
        #[source]
        source: toml::de::Error,
    },
    /// JSON that does not parse.
    #[error("{place}: {source}")]
    Json {
        place: String,
        #[source]
        source: serde_json::Error,
    },
}

impl Error {
    pub(crate) fn invalid(place: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Invalid {
            place: place.into(),
            message: message.into(),
        }
    }
}

fn hint(c: &[String]) -> String {
    if c.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", c.join(", "))
    }
}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
