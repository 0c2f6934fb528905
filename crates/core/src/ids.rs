//! Newtype identifiers, so a goal id can never be passed where a skill id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().trim_start_matches('#').parse().map($name)
            }
        }
    )*};
}

id_type!(
    /// A skill (taxonomy concept or custom).
    SkillId,
    /// A micro-skill carved from a skill.
    MicroSkillId,
    /// An underlying principle of a micro-skill.
    PrincipleId,
    /// A time-bound goal.
    GoalId,
    /// One done-when criterion of a goal.
    CriterionId,
    /// A practice session.
    SessionId,
    /// A real-world application of a skill.
    ApplicationId,
    /// A reflection.
    ReflectionId,
);
