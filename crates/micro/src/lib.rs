//! `mm-micro`: the micro-skill layer between the taxonomy and the person.
//!
//! A broad competence ("statistics", "use spreadsheets software") is too big
//! to master in weeks. A micro-skill is a narrow, observable piece of it —
//! "Summarise a 10k-row sheet with a pivot table in under 5 minutes" — with
//! its principles, done-when criteria, typical hours and a suggested deadline.
//!
//! - [`model`]: [`CatalogueMicroSkill`] and its parent concepts.
//! - [`catalogue`]: the curated catalogue shipped as TOML (one file per area
//!   under `data/micro/`), merged with generated entries without duplicates;
//!   [`micro_skills_for`] and [`next_for`] for `discover` and `next`.
//! - [`lint`]: the quality bar every curated entry passes (a test runs it).
//! - [`onet`]: micro-skills carved from O*NET task statements for occupations
//!   the catalogue does not cover.
//! - [`postings`]: narrower skills mined from job postings' bracketed lists,
//!   with their own shares.
//! - [`case`]: CASE 1.1 CFPackage export and import, lossless both ways.
//!
//! ```
//! let cat = mm_micro::catalogue::curated();
//! let pivots = cat.search("pivot table", 5);
//! assert!(!pivots.is_empty());
//! for (m, why) in mm_micro::next_for(&pivots[0].1.id) {
//!     println!("next: {} ({why})", m.name);
//! }
//! ```

pub mod case;
pub mod catalogue;
pub mod error;
pub mod lint;
pub mod model;
pub mod onet;
pub mod postings;

pub use catalogue::{Catalogue, Link, micro_skills_for, next_for};
pub use error::{Error, Result};
pub use model::{CatalogueMicroSkill, ParentRef, Principle, Resource, Source};
