//! The Micromastery domain: skills, micro-skills and their principles, time-bound
//! goals, deliberate practice, real applications, reflections, the mastery rule
//! and the pace of each goal.
//!
//! This crate is pure: it never touches a file, a clock or a database. Whatever
//! needs "now" takes it as an argument, so every rule can be tested exactly.
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use mm_core::parse::{parse_date, parse_minutes};
//!
//! let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
//! assert_eq!(parse_minutes("1h30m").unwrap(), 90);
//! assert_eq!(parse_date("+2w", today).unwrap(), NaiveDate::from_ymd_opt(2026, 12, 9).unwrap());
//! ```

pub mod error;
pub mod ids;
pub mod journal;
pub mod mastery;
pub mod model;
pub mod pace;
pub mod parse;
pub mod tally;
pub mod validate;

pub use error::{Error, Result};
pub use ids::*;
pub use model::*;
pub mod availability;
pub mod balance;
pub mod ics;
pub mod plan;
pub mod retention;
pub mod streak;
