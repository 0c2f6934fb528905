//! Market analysis: stream postings, extract skills, and aggregate per skill
//! the share of postings that ask for it (with a Wilson 95% interval), its
//! monthly trend (least-squares slope of the monthly share, tested against
//! flat) and the skills that co-occur with it more than chance (lift, PMI).
//!
//! [`Counts`] is the only state kept while reading: it grows with the number
//! of distinct skills and months, never with the number of postings, and two
//! `Counts` merge, so batches are counted on all cores ([`Counts::add_batch`]).
//! [`Counts::report`] turns the counts into a [`MarketReport`].

use crate::stats::{Z95, lift, ols, wilson};
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

/// What to count.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only postings dated in this month or later (undated postings are left out and counted).
    pub since: Option<MonthKey>,
    /// Only report these skills (e.g. those of one occupation); shares stay
    /// over all counted postings.
    pub only: Option<FxHashSet<SkillIdx>>,
}

/// Running counts over postings. Memory grows with distinct skills, pairs
/// and months, not with postings.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub postings: u64,
    pub dated: u64,
    /// Left out because they are older than `since` or undated while `since` is set.
    pub excluded: u64,
    pub skill_docs: FxHashMap<SkillIdx, u64>,
    pub month_docs: BTreeMap<MonthKey, u64>,
    pub skill_month: FxHashMap<(SkillIdx, MonthKey), u64>,
    pub pairs: FxHashMap<(SkillIdx, SkillIdx), u64>,
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
        let part = batch
            .par_iter()
            .fold(
                || (Counts::default(), Scratch::default()),
                |(mut c, mut s), r| {
                    let month = r.date.as_deref().and_then(month_key);
                    if let Some(since) = opts.since
                        && month.is_none_or(|m| m < since)
                    {
                        c.excluded += 1;
                        return (c, s);
                    }
                    let mut skills: Vec<SkillIdx> = ex
                        .find_with(&r.text, &mut s)
                        .iter()
                        .map(|m| m.skill)
                        .collect();
                    skills.sort_unstable();
                    skills.dedup();
                    c.add(&skills, month);
                    (c, s)
                },
            )
            .map(|(c, _)| c)
            .reduce(Counts::default, |mut a, b| {
                a.merge(b);
                a
            });
        self.merge(part);
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
        let found: Vec<Option<(Option<MonthKey>, Vec<SkillIdx>)>> = batch
            .par_iter()
            .map_init(Scratch::default, |s, r| {
                let month = r.date.as_deref().and_then(month_key);
                if let Some(since) = opts.since
                    && month.is_none_or(|m| m < since)
                {
                    return None;
                }
                let mut skills: Vec<SkillIdx> =
                    ex.find_with(&r.text, s).iter().map(|m| m.skill).collect();
                skills.sort_unstable();
                skills.dedup();
                Some((month, skills))
            })
            .collect();
        for (r, f) in batch.iter().zip(found) {
            match f {
                None => self.excluded += 1,
                Some((month, skills)) => {
                    self.add(&skills, month);
                    sink(r, month, &skills);
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
        MarketReport {
            postings: n,
            dated: self.dated,
            excluded: self.excluded,
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
    /// `p_value < 0.05`: distinguishable from flat.
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
    /// Postings that mention it.
    pub postings: u64,
    pub share: f64,
    /// Wilson 95% interval of the share.
    pub ci_low: f64,
    pub ci_high: f64,
    pub trend: Option<Trend>,
    pub cooccurs: Vec<Cooccurrence>,
}

/// What `mm market analyse` reports and the store keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketReport {
    pub postings: u64,
    pub dated: u64,
    pub excluded: u64,
    pub months: Vec<MonthCount>,
    /// Why no trend was computed, when none was.
    pub trend_skipped: Option<String>,
    pub min_support: u64,
    /// Every skill seen, most asked-for first.
    pub skills: Vec<SkillStat>,
}

impl MarketReport {
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
