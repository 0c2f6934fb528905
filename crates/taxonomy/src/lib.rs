//! `mm-taxonomy`: the skill intelligence of Micromastery.
//!
//! - [`Taxonomy`]: ESCO v1.1.1 skills, skill groups, occupations and their
//!   relations, plus O*NET 29.3 occupations, alternate titles, skill ratings,
//!   tasks and technology skills (Hot Technology / In Demand), with O*NET
//!   technologies linked to ESCO skills. Compiled once ([`import::build`] +
//!   [`Taxonomy::to_compiled`]) and shipped inside the binary
//!   ([`Taxonomy::load_embedded`]).
//! - [`normalize`]: the one normaliser used for labels and text.
//! - [`map`]: free text → ranked skills ([`map::PhraseMapper`], lexical +
//!   the shipped static embedding model of [`static_embed`], fused).
//!
//! ```no_run
//! use mm_taxonomy::Taxonomy;
//! let tax = Taxonomy::load_embedded()?;
//! let sql = tax.skills_by_label("SQL");
//! assert!(!sql.is_empty());
//! # Ok::<(), mm_taxonomy::Error>(())
//! ```
//!
//! This crate uses the ESCO classification of the European Commission, and
//! information from the O*NET 29.3 Database by the U.S. Department of Labor,
//! Employment and Training Administration (USDOL/ETA), under CC BY 4.0.

#[cfg(feature = "embed")]
pub mod embed;
pub mod error;
pub mod eval;
pub mod extract;
pub mod import;
pub mod input;
pub mod map;
pub mod micro_text;
pub mod model;
pub mod normalize;
pub mod occupations;
pub mod sources;
pub mod static_embed;

pub use error::{Error, Result};
pub use model::*;
