//! Market analysis: stream postings, extract skills, and aggregate per skill
//! the share of postings that ask for it (with a Wilson 95% interval), its
//! monthly trend (least-squares slope of the monthly share, tested against
//! flat) and the skills that co-occur with it more than chance (lift, PMI).
//!
//! Before counting, every posting is made honest to count:
//! - its boilerplate (benefits, equal-opportunity text, company blurb, how to
//!   apply) is blanked out ([`crate::sections`]);
//! - a near-duplicate of a posting already counted (a repost, or one
//!   employer's template with another title or city) is left out and counted
//!   apart ([`crate::dedup`]);
//! - a posting not in English (detected by `whatlang`; the taxonomy's labels
//!   are English) is left out and counted apart by language;
//! - with a [`TitleFilter`], only postings whose titles name the role count.
//!
//! Trend tests across all skills are corrected for multiple testing
//! (Benjamini–Hochberg, q < 0.05), and every figure that rests on fewer than
//! [`MIN_POSTINGS`] postings carries a warning.
//!
//! [`Counts`] grows with the number of distinct skills and months (plus a
//! 300-byte MinHash signature per posting for duplicate detection), and batches are
//! extracted on all cores ([`Counts::add_batch`]). [`Counts::report`] turns
//! the counts into a [`MarketReport`].

use crate::dedup::{SimIndex, signature};
use crate::sections::Stripper;
use crate::stats::{Z95, benjamini_hochberg, lift, ols, wilson};
use crate::titles::TitleFilter;
use mm_taxonomy::extract::{Extractor, Scratch};
use mm_taxonomy::input::Record;
use mm_taxonomy::{SkillIdx, Taxonomy};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A month as `year * 12 + (month - 1)`.
pub type MonthKey = u32;

/// Parse the month of a posting date (`YYYY-MM`, `YYYY-MM-DD`, or an RFC 3339
/// time). `None` for anything else.
pub fn month_key(date: &str) -> Option<MonthKey> {
    let d = date.trim();
    let y: u32 = d.get(0..4)?.parse().ok()?;
    if d.as_bytes().get(4) != Some(&b'-') {
        return None;
    }
    let m: u32 = d.get(5..7)?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1900..=2200).contains(&y) {
        return None;
    }
    if d.len() > 7 && d.as_bytes()[7] != b'-' {
        return None;
    }
    Some(y * 12 + m - 1)
}

/// `2021-03` for a [`MonthKey`].
pub fn month_label(k: MonthKey) -> String {
    format!("{:04}-{:02}", k / 12, k % 12 + 1)
}

/// Receives every counted posting with its month and distinct skills (sorted).
pub type PostingSink<'a> = &'a mut dyn FnMut(&Record, Option<MonthKey>, &[SkillIdx]);
/// [`PostingSink`] that also gets the posting's index in its batch.
pub type IndexedSink<'a> = &'a mut dyn FnMut(usize, &Record, Option<MonthKey>, &[SkillIdx]);
/// Receives every counted posting with the name of its source file.
pub type SourcedSink<'a> = &'a mut dyn FnMut(&str, &Record, Option<MonthKey>, &[SkillIdx]);

/// Figures resting on fewer postings than this carry a warning.
pub const MIN_POSTINGS: u64 = 30;

/// What to count.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only postings dated in this month or later (undated postings are left out and counted).
    pub since: Option<MonthKey>,
    /// Only report these skills (e.g. those of one occupation); shares stay
    /// over all counted postings.
    pub only: Option<FxHashSet<SkillIdx>>,
    /// Only postings whose titles name this role.
    pub titles: Option<TitleFilter>,
    /// Extract from the whole text, boilerplate included (for comparison).
    pub keep_boilerplate: bool,
    /// Count near-duplicate postings too.
    pub keep_duplicates: bool,
    /// Count postings in every language (the labels are English).
    pub all_languages: bool,
}

/// The shared boilerplate classifier.
pub fn stripper() -> &'static Stripper {
    static S: std::sync::OnceLock<Stripper> = std::sync::OnceLock::new();
    S.get_or_init(Stripper::new)
}

/// The language of a posting when it is reliably not English: its ISO
/// 639-3 code (`deu`, `fra`).
pub fn foreign_language(text: &str) -> Option<&'static str> {
    // The first ~4 KB are plenty and keep detection cheap on long ads.
    let mut end = text.len().min(4096);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&text[..end])?;
    (info.is_reliable() && info.lang() != whatlang::Lang::Eng).then(|| info.lang().code())
}

/// Running counts over postings. Memory grows with distinct skills, pairs
/// and months, and by one signature per posting.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub postings: u64,
    pub dated: u64,
    /// Left out because they are older than `since` or undated while `since` is set.
    pub excluded: u64,
    /// Left out as near-duplicates of a posting already counted.
    pub duplicates: u64,
    /// Left out by the title filter: titled postings about another job.
    pub off_role: u64,
    /// Left out by the title filter: postings without a title.
    pub untitled: u64,
    /// Left out as not English, by ISO 639-3 language code.
    pub foreign: BTreeMap<String, u64>,
    /// Bytes of text read, and bytes of it blanked as boilerplate.
    pub text_bytes: u64,
    pub boilerplate_bytes: u64,
    pub skill_docs: FxHashMap<SkillIdx, u64>,
    pub month_docs: BTreeMap<MonthKey, u64>,
    pub skill_month: FxHashMap<(SkillIdx, MonthKey), u64>,
    pub pairs: FxHashMap<(SkillIdx, SkillIdx), u64>,
    /// Fingerprints of the postings counted (duplicates are found within
    /// one `Counts`; merged counts are assumed disjoint).
    pub seen: SimIndex,
}

/// What happened to one posting.
enum Outcome {
    Excluded,
    OffRole,
    Untitled,
    Foreign(&'static str),
    Read {
        month: Option<MonthKey>,
        print: Option<Box<crate::dedup::Signature>>,
        skills: Vec<SkillIdx>,
        bytes: u64,
        boilerplate: u64,
    },
}

fn analyse_one(ex: &Extractor, r: &Record, opts: &Options, s: &mut Scratch) -> Outcome {
    let month = r.date.as_deref().and_then(month_key);
    if let Some(since) = opts.since
        && month.is_none_or(|m| m < since)
    {
        return Outcome::Excluded;
    }
    if let Some(f) = &opts.titles {
        match r.title.as_deref() {
            None => return Outcome::Untitled,
            Some(t) if t.trim().is_empty() => return Outcome::Untitled,
            Some(t) if !f.matches(t) => return Outcome::OffRole,
            Some(_) => {}
        }
    }
    let stripped = (!opts.keep_boilerplate).then(|| stripper().strip(&r.text));
    let text: &str = stripped.as_ref().map_or(&r.text, |s| &s.text);
    if !opts.all_languages
        && let Some(lang) = foreign_language(text)
    {
        return Outcome::Foreign(lang);
    }
    let print = if opts.keep_duplicates {
        None
    } else {
        signature(text, r.title.as_deref()).map(Box::new)
    };
    let mut skills: Vec<SkillIdx> = ex.find_with(text, s).iter().map(|m| m.skill).collect();
    skills.sort_unstable();
    skills.dedup();
    Outcome::Read {
        month,
        print,
        skills,
        bytes: r.text.len() as u64,
        boilerplate: stripped.map_or(0, |s| s.dropped_bytes() as u64),
    }
}

impl Counts {
    /// Count one posting's distinct skills.
    pub fn add(&mut self, skills: &[SkillIdx], month: Option<MonthKey>) {
        self.postings += 1;
        if let Some(m) = month {
            self.dated += 1;
            *self.month_docs.entry(m).or_default() += 1;
        }
        for (i, &a) in skills.iter().enumerate() {
            *self.skill_docs.entry(a).or_default() += 1;
            if let Some(m) = month {
                *self.skill_month.entry((a, m)).or_default() += 1;
            }
            for &b in &skills[i + 1..] {
                *self.pairs.entry((a, b)).or_default() += 1;
            }
        }
    }

    /// Add another set of counts to this one.
    pub fn merge(&mut self, o: Counts) {
        self.postings += o.postings;
        self.dated += o.dated;
        self.excluded += o.excluded;
        self.duplicates += o.duplicates;
        self.off_role += o.off_role;
        self.untitled += o.untitled;
        self.text_bytes += o.text_bytes;
        self.boilerplate_bytes += o.boilerplate_bytes;
        for (k, v) in o.foreign {
            *self.foreign.entry(k).or_default() += v;
        }
        for (k, v) in o.skill_docs {
            *self.skill_docs.entry(k).or_default() += v;
        }
        for (k, v) in o.month_docs {
            *self.month_docs.entry(k).or_default() += v;
        }
        for (k, v) in o.skill_month {
            *self.skill_month.entry(k).or_default() += v;
        }
        for (k, v) in o.pairs {
            *self.pairs.entry(k).or_default() += v;
        }
    }

    /// Extract and count a batch of postings on all cores.
    pub fn add_batch(&mut self, ex: &Extractor, batch: &[Record], opts: &Options) {
        self.add_batch_inner(ex, batch, opts, &mut |_, _, _, _| {});
    }

    /// Like [`Counts::add_batch`], and also hand every counted posting with
    /// its distinct skills (sorted) to `sink`, in input order.
    pub fn add_batch_with(
        &mut self,
        ex: &Extractor,
        batch: &[Record],
        opts: &Options,
        sink: PostingSink<'_>,
    ) {
        self.add_batch_inner(ex, batch, opts, &mut |_, r, m, s| sink(r, m, s));
    }

    /// [`Counts::add_batch`], handing every counted posting to `sink` with
    /// its index in `batch`.
    pub fn add_batch_inner(
        &mut self,
        ex: &Extractor,
        batch: &[Record],
        opts: &Options,
        sink: IndexedSink<'_>,
    ) {
        let found: Vec<Outcome> = batch
            .par_iter()
            .map_init(Scratch::default, |s, r| analyse_one(ex, r, opts, s))
            .collect();
        // In input order, so the first of a set of copies is the one kept.
        for (i, (r, f)) in batch.iter().zip(found).enumerate() {
            match f {
                Outcome::Excluded => self.excluded += 1,
                Outcome::OffRole => self.off_role += 1,
                Outcome::Untitled => self.untitled += 1,
                Outcome::Foreign(l) => *self.foreign.entry(l.to_string()).or_default() += 1,
                Outcome::Read {
                    month,
                    print,
                    skills,
                    bytes,
                    boilerplate,
                } => {
                    if let Some(p) = print
                        && !self.seen.insert(*p)
                    {
                        self.duplicates += 1;
                        continue;
                    }
                    self.text_bytes += bytes;
                    self.boilerplate_bytes += boilerplate;
                    self.add(&skills, month);
                    sink(i, r, month, &skills);
                }
            }
        }
    }

    /// The report, with co-occurring pairs kept when seen together in at
    /// least `min_support` postings.
    pub fn report(&self, tax: &Taxonomy, opts: &Options, min_support: u64) -> MarketReport {
        let n = self.postings;
        let months: Vec<MonthCount> = self
            .month_docs
            .iter()
            .map(|(&m, &c)| MonthCount {
                month: month_label(m),
                postings: c,
            })
            .collect();
        let trend_skipped = if self.postings == 0 {
            Some("no postings were counted".to_string())
        } else if self.dated == 0 {
            Some("no posting carries a date, so there is no trend to measure".to_string())
        } else if self.month_docs.len() < 3 {
            Some(format!(
                "dated postings span {} month(s); a trend needs at least 3",
                self.month_docs.len()
            ))
        } else {
            None
        };
        let mut cooc: FxHashMap<SkillIdx, Vec<Cooccurrence>> = FxHashMap::default();
        for (&(a, b), &nab) in &self.pairs {
            if nab < min_support.max(1) {
                continue;
            }
            let na = self.skill_docs[&a];
            let nb = self.skill_docs[&b];
            let l = lift(nab, na, nb, n);
            if l <= 1.0 {
                continue;
            }
            for (x, y) in [(a, b), (b, a)] {
                let s = tax.skill(y);
                cooc.entry(x).or_default().push(Cooccurrence {
                    uri: s.uri.clone(),
                    label: s.preferred.clone(),
                    together: nab,
                    lift: l,
                    pmi: l.log2(),
                });
            }
        }
        let mut skills: Vec<SkillStat> = self
            .skill_docs
            .iter()
            .filter(|(k, _)| opts.only.as_ref().is_none_or(|o| o.contains(k)))
            .map(|(&k, &docs)| {
                let s = tax.skill(k);
                let (lo, hi) = wilson(docs, n, Z95);
                let trend = if trend_skipped.is_none() {
                    let pts: Vec<(f64, f64)> = self
                        .month_docs
                        .iter()
                        .map(|(&m, &c)| {
                            let k = self.skill_month.get(&(k, m)).copied().unwrap_or(0);
                            (m as f64, k as f64 / c as f64)
                        })
                        .collect();
                    ols(&pts).map(|f| Trend {
                        slope_per_month: f.slope,
                        p_value: f.p_value,
                        q_value: None,
                        significant: f.p_value < 0.05,
                        monthly_share: pts.iter().map(|p| p.1).collect(),
                    })
                } else {
                    None
                };
                let mut co = cooc.remove(&k).unwrap_or_default();
                // Support-weighted PMI: a pair seen often and well above
                // chance beats a rare pair with a huge lift.
                co.sort_by(|a, b| {
                    (b.together as f64 * b.pmi)
                        .total_cmp(&(a.together as f64 * a.pmi))
                        .then(b.lift.total_cmp(&a.lift))
                        .then(a.uri.cmp(&b.uri))
                });
                co.truncate(10);
                SkillStat {
                    uri: s.uri.clone(),
                    label: s.preferred.clone(),
                    skill_type: s.skill_type.as_str().to_string(),
                    few: n < MIN_POSTINGS,
                    postings: docs,
                    share: if n == 0 { 0.0 } else { docs as f64 / n as f64 },
                    ci_low: lo,
                    ci_high: hi,
                    trend,
                    cooccurs: co,
                }
            })
            .collect();
        skills.sort_by(|a, b| b.postings.cmp(&a.postings).then(a.uri.cmp(&b.uri)));
        // Benjamini–Hochberg over every trend test of this report: with
        // hundreds of skills, some p < 0.05 by chance alone.
        let ps: Vec<f64> = skills
            .iter()
            .filter_map(|s| s.trend.as_ref().map(|t| t.p_value))
            .collect();
        let qs = benjamini_hochberg(&ps);
        let mut significant = 0;
        for (t, q) in skills.iter_mut().filter_map(|s| s.trend.as_mut()).zip(qs) {
            t.q_value = Some(q);
            t.significant = q < 0.05;
            significant += usize::from(t.significant);
        }
        let mut warnings = Vec::new();
        if n > 0 && n < MIN_POSTINGS {
            warnings.push(format!(
                "shares rest on only {n} posting(s) (fewer than {MIN_POSTINGS}): read the intervals, not the percentages"
            ));
        }
        if trend_skipped.is_none() {
            let small = months.iter().filter(|m| m.postings < MIN_POSTINGS).count();
            if small > 0 {
                let lo = months.iter().map(|m| m.postings).min().unwrap_or(0);
                let hi = months.iter().map(|m| m.postings).max().unwrap_or(0);
                warnings.push(format!(
                    "{small} of {} months hold fewer than {MIN_POSTINGS} postings ({lo}–{hi} a month): trends are indicative only",
                    months.len()
                ));
                for s in &mut skills {
                    s.few = true;
                }
            }
        }
        let non_english: Vec<LanguageCount> = self
            .foreign
            .iter()
            .map(|(l, &c)| LanguageCount {
                language: l.clone(),
                postings: c,
            })
            .collect();
        MarketReport {
            postings: n,
            dated: self.dated,
            excluded: self.excluded,
            duplicates: self.duplicates,
            non_english,
            title_filter: opts.titles.as_ref().map(|f| TitleScope {
                role: f.role.clone(),
                key: f.key.clone(),
                off_role: self.off_role,
                untitled: self.untitled,
            }),
            boilerplate_share: if self.text_bytes == 0 {
                0.0
            } else {
                self.boilerplate_bytes as f64 / self.text_bytes as f64
            },
            trend_tests: ps.len(),
            significant_trends: significant,
            warnings,
            months,
            trend_skipped,
            min_support,
            skills,
        }
    }
}

/// Postings in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthCount {
    pub month: String,
    pub postings: u64,
}

/// The monthly trend of one skill's share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// Change of the share per month (0.01 = one point a month).
    pub slope_per_month: f64,
    /// Two-sided p-value of "the slope is zero".
    pub p_value: f64,
    /// Benjamini–Hochberg adjusted p-value across all trend tests of the
    /// report (absent in analyses saved before the correction).
    #[serde(default)]
    pub q_value: Option<f64>,
    /// `q_value < 0.05`: distinguishable from flat after the correction.
    pub significant: bool,
    /// The share in each month of [`MarketReport::months`].
    pub monthly_share: Vec<f64>,
}

impl Trend {
    /// `rising`, `falling`, or `flat` (not distinguishable from flat).
    pub fn direction(&self) -> &'static str {
        if !self.significant {
            "flat"
        } else if self.slope_per_month > 0.0 {
            "rising"
        } else {
            "falling"
        }
    }
}

/// A skill that appears with another more often than chance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cooccurrence {
    pub uri: String,
    pub label: String,
    /// Postings that ask for both.
    pub together: u64,
    pub lift: f64,
    /// log2(lift).
    pub pmi: f64,
}

/// One skill's demand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillStat {
    pub uri: String,
    pub label: String,
    pub skill_type: String,
    /// The figure rests on fewer than [`MIN_POSTINGS`] postings (in all,
    /// or in some month of its trend).
    #[serde(default)]
    pub few: bool,
    /// Postings that mention it.
    pub postings: u64,
    pub share: f64,
    /// Wilson 95% interval of the share.
    pub ci_low: f64,
    pub ci_high: f64,
    pub trend: Option<Trend>,
    pub cooccurs: Vec<Cooccurrence>,
}

/// Postings in one language other than English.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageCount {
    /// ISO 639-3 code (`deu`).
    pub language: String,
    pub postings: u64,
}

/// The role a report was limited to by posting title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TitleScope {
    pub role: String,
    /// ESCO URI or O*NET-SOC code of the role.
    pub key: String,
    /// Titled postings about another job, left out.
    pub off_role: u64,
    /// Postings without a title, left out.
    pub untitled: u64,
}

/// What `mm market analyse` reports and the store keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketReport {
    /// Postings counted (after every exclusion below).
    pub postings: u64,
    pub dated: u64,
    /// Left out by `since`.
    pub excluded: u64,
    /// Left out as near-duplicates.
    #[serde(default)]
    pub duplicates: u64,
    /// Left out as not English, by language.
    #[serde(default)]
    pub non_english: Vec<LanguageCount>,
    /// Set when only postings with the role's titles were counted.
    #[serde(default)]
    pub title_filter: Option<TitleScope>,
    /// Share of the text read that was blanked as boilerplate.
    #[serde(default)]
    pub boilerplate_share: f64,
    /// Trend tests run, and those significant after Benjamini–Hochberg.
    #[serde(default)]
    pub trend_tests: usize,
    #[serde(default)]
    pub significant_trends: usize,
    /// Figures that rest on few postings, said in words.
    #[serde(default)]
    pub warnings: Vec<String>,
    pub months: Vec<MonthCount>,
    /// Why no trend was computed, when none was.
    pub trend_skipped: Option<String>,
    pub min_support: u64,
    /// Every skill seen, most asked-for first.
    pub skills: Vec<SkillStat>,
}

impl MarketReport {
    /// Non-English postings left out, in all.
    pub fn non_english_total(&self) -> u64 {
        self.non_english.iter().map(|l| l.postings).sum()
    }

    /// One line on what was left out and why (empty when nothing was).
    pub fn exclusions(&self) -> String {
        let mut parts = Vec::new();
        if self.duplicates > 0 {
            parts.push(format!("{} near-duplicate(s)", self.duplicates));
        }
        if !self.non_english.is_empty() {
            let langs: Vec<String> = self
                .non_english
                .iter()
                .map(|l| format!("{} {}", l.language, l.postings))
                .collect();
            parts.push(format!(
                "{} not in English ({})",
                self.non_english_total(),
                langs.join(", ")
            ));
        }
        if let Some(t) = &self.title_filter {
            if t.off_role > 0 {
                parts.push(format!("{} with titles of other jobs", t.off_role));
            }
            if t.untitled > 0 {
                parts.push(format!("{} without a title", t.untitled));
            }
        }
        if self.excluded > 0 {
            parts.push(format!("{} older or undated (--since)", self.excluded));
        }
        parts.join(", ")
    }

    /// Per-skill statistics by URI, for ranking.
    pub fn by_uri(&self) -> FxHashMap<&str, &SkillStat> {
        self.skills.iter().map(|s| (s.uri.as_str(), s)).collect()
    }
}

/// Count every record of an iterator in batches of about `batch_bytes` of
/// text (the whole corpus is never held), calling `progress` after each batch.
pub fn count_stream<I>(
    ex: &Extractor,
    records: I,
    opts: &Options,
    batch_bytes: usize,
    mut progress: impl FnMut(&Counts),
) -> Counts
where
    I: IntoIterator<Item = Record>,
{
    let mut counts = Counts::default();
    let mut batch = Vec::new();
    let mut bytes = 0;
    for r in records {
        bytes += r.text.len();
        batch.push(r);
        if bytes >= batch_bytes {
            counts.add_batch(ex, &batch, opts);
            batch.clear();
            bytes = 0;
            progress(&counts);
        }
    }
    counts.add_batch(ex, &batch, opts);
    progress(&counts);
    counts
}

/// [`count_stream`] that also hands every counted posting with its distinct
/// skills to `sink` (e.g. a [`crate::mentions::MentionWriter`]), in input order.
pub fn count_stream_with<I>(
    ex: &Extractor,
    records: I,
    opts: &Options,
    batch_bytes: usize,
    mut progress: impl FnMut(&Counts),
    sink: PostingSink<'_>,
) -> Counts
where
    I: IntoIterator<Item = Record>,
{
    let mut counts = Counts::default();
    let mut batch = Vec::new();
    let mut bytes = 0;
    for r in records {
        bytes += r.text.len();
        batch.push(r);
        if bytes >= batch_bytes {
            counts.add_batch_with(ex, &batch, opts, sink);
            batch.clear();
            bytes = 0;
            progress(&counts);
        }
    }
    counts.add_batch_with(ex, &batch, opts, sink);
    progress(&counts);
    counts
}

/// Count postings that each carry their source's name, into `counts` (so
/// duplicates are found across files), in batches of about `batch_bytes` of
/// text; `progress` gets the bytes of text read after each batch.
pub fn count_sourced<I>(
    counts: &mut Counts,
    ex: &Extractor,
    items: I,
    opts: &Options,
    batch_bytes: usize,
    mut progress: impl FnMut(u64),
    sink: SourcedSink<'_>,
) where
    I: IntoIterator<Item = (std::sync::Arc<str>, Record)>,
{
    let mut sources: Vec<std::sync::Arc<str>> = Vec::new();
    let mut batch: Vec<Record> = Vec::new();
    let mut bytes = 0;
    let mut flush =
        |counts: &mut Counts, sources: &mut Vec<std::sync::Arc<str>>, batch: &mut Vec<Record>| {
            counts.add_batch_inner(ex, batch, opts, &mut |i, r, m, s| {
                sink(&sources[i], r, m, s)
            });
            sources.clear();
            batch.clear();
        };
    for (src, r) in items {
        bytes += r.text.len();
        sources.push(src);
        batch.push(r);
        if bytes >= batch_bytes {
            flush(counts, &mut sources, &mut batch);
            progress(bytes as u64);
            bytes = 0;
        }
    }
    flush(counts, &mut sources, &mut batch);
    progress(bytes as u64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_print() {
        assert_eq!(
            month_key("2021-03-04").map(month_label).as_deref(),
            Some("2021-03")
        );
        assert_eq!(
            month_key("2021-12").map(month_label).as_deref(),
            Some("2021-12")
        );
        assert_eq!(month_key("2021-13-01"), None);
        assert_eq!(month_key("yesterday"), None);
        assert_eq!(month_key("20210304"), None);
    }

    #[test]
    fn counts_merge_like_one_pass() {
        let mut one = Counts::default();
        one.add(&[1, 2], Some(10));
        one.add(&[2, 3], None);
        let mut a = Counts::default();
        a.add(&[1, 2], Some(10));
        let mut b = Counts::default();
        b.add(&[2, 3], None);
        a.merge(b);
        assert_eq!(a.postings, one.postings);
        assert_eq!(a.skill_docs, one.skill_docs);
        assert_eq!(a.pairs, one.pairs);
        assert_eq!(a.skill_month, one.skill_month);
    }
}
