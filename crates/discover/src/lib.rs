//! `mm-discover`: which skills does the market ask for, and which
//! micro-skill should this person learn next for their role?
//!
//! - [`postings`]: read postings from JSON Lines, CSV, schema.org JobPosting
//!   JSON-LD, HTML pages and folders of files.
//! - [`sections`]: blank out boilerplate (benefits, equal-opportunity text,
//!   company blurbs, how to apply) before extraction.
//! - [`market`]: stream postings through the taxonomy's extractor on all
//!   cores and aggregate per skill: share of postings with a Wilson 95%
//!   interval, monthly trend with a test against flat (Benjamini–Hochberg
//!   across skills), co-occurrence (lift, PMI); near-duplicates ([`dedup`])
//!   and non-English postings counted apart; [`titles`] keeps a role's postings.
//! - [`rank`]: rank candidate skills for a role with every score component
//!   visible (ESCO relation, ISCO peers, O*NET flags and importance, posting
//!   demand, closeness to what the person holds, how "micro" it is).
//! - [`next`]: after a goal is achieved, what to tackle next and why.
//! - [`mentions`]: the same postings' mentions as Parquet, for DuckDB,
//!   Spark or DataFusion with `docs/market.sql`.
//! - [`chart`]: an SVG chart of shares and terminal sparklines.
//!
//! The person's held skills come in as plain values ([`rank::Profile`]);
//! this crate never touches the store.
//!
//! ```no_run
//! use mm_discover::rank::{Profile, RankOptions, Ranker, resolve_role};
//! use mm_taxonomy::{Taxonomy, occupations::OccupationIndex};
//! let tax = Taxonomy::load_embedded()?;
//! let idx = OccupationIndex::new(&tax);
//! let role = resolve_role(&tax, &idx, "data analyst")?;
//! let ranking = Ranker::new(&tax).rank(&role, &Profile::default(), None, RankOptions::default());
//! for c in ranking.micro.iter().take(5) {
//!     println!("{} {:.3}", c.label, c.score);
//! }
//! # Ok::<(), mm_discover::Error>(())
//! ```

pub mod chart;
pub mod crosswalk;
pub mod dedup;
pub mod draft;
pub mod error;
pub mod market;
pub mod mentions;
pub mod next;
pub mod postings;
pub mod rank;
pub mod sample;
pub mod sections;
pub mod stats;
pub mod titles;

pub use error::{Error, Result};
