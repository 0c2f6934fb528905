//! The shipped sample of real job postings (SkillSpan, CC BY 4.0; see
//! `data/postings/SOURCE.md`), used when no postings are given.

/// 198 postings as JSON Lines (`id`, `title`, `text`, `date`, `source`).
pub static POSTINGS_JSONL: &[u8] = include_bytes!("../../../data/postings/postings.jsonl");

/// How the sample is named in reports.
pub const NAME: &str = "shipped sample: SkillSpan postings (198, CC BY 4.0)";

use crate::market::{Counts, Options, PostingSink, count_stream, count_stream_with};
use mm_taxonomy::extract::Extractor;
use mm_taxonomy::input::Record;
use mm_taxonomy::input::{Format, Item, Records};

/// Count the shipped sample (unusable rows are skipped; the sample has none).
///
/// # Errors
/// Only if the embedded sample cannot be read as JSON Lines (a build problem).
pub fn count(ex: &Extractor, opts: &Options) -> crate::Result<Counts> {
    Ok(count_stream(ex, records()?, opts, 4 << 20, |_| {}))
}

/// [`count`], handing every counted posting and its skills to `sink`.
///
/// # Errors
/// As [`count`].
pub fn count_with(ex: &Extractor, opts: &Options, sink: PostingSink<'_>) -> crate::Result<Counts> {
    Ok(count_stream_with(
        ex,
        records()?,
        opts,
        4 << 20,
        |_| {},
        sink,
    ))
}

fn records() -> crate::Result<Vec<Record>> {
    let recs = Records::new(POSTINGS_JSONL, &Format::Jsonl, NAME)?;
    let mut items = Vec::new();
    for it in recs {
        if let Item::Record(r) = it? {
            items.push(r);
        }
    }
    Ok(items)
}
