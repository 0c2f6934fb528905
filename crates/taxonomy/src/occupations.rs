//! Free-text job title → ESCO and O*NET occupations, through ESCO's preferred
//! and alternative labels, O*NET's titles and alternate titles, and the job
//! titles workers report to O*NET.
//!
//! Each title is scored against the query by the IDF-weighted share of words
//! they have in common, in both directions (so `developer` alone matches
//! many titles weakly, `python developer` matches `Python developer`
//! strongly); an exact match after normalisation scores 1 for a preferred
//! label or O*NET title and a little less for an alternative one, so
//! `accountant` is ESCO's *accountant*, not the *financial controller* that
//! lists it as an alternative label. An occupation takes the score of its
//! best title. Common abbreviations (`UX`, `HR`, `QA`) are also tried
//! spelt out.
//!
//! [`OccupationIndex::resolve`] turns a title into one role: the ESCO
//! occupation, its O*NET occupations by the official crosswalk (not by title
//! similarity), and the other occupations that fit nearly as well.
//!
//! ```no_run
//! use mm_taxonomy::{Taxonomy, occupations::OccupationIndex};
//! let tax = Taxonomy::load_embedded()?;
//! let idx = OccupationIndex::new(&tax);
//! for hit in idx.search("data scientist", 5) {
//!     println!("{:?} via {:?} {:.2}", hit.occupation, hit.title, hit.score);
//! }
//! # Ok::<(), mm_taxonomy::Error>(())
//! ```

use crate::model::Taxonomy;
use crate::normalize::{normalize, tokens};
use rustc_hash::FxHashMap;

/// An ESCO or an O*NET occupation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OccRef {
    /// Index into [`Taxonomy::occupations`].
    Esco(u32),
    /// Index into [`Taxonomy::onet_occupations`].
    Onet(u32),
}

/// What kind of title matched: exact matches of preferred labels and O*NET
/// titles rank above those of alternative and reported titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TitleKind {
    /// ESCO preferred label.
    Preferred,
    /// ESCO alternative label.
    Alternative,
    /// O*NET occupation title.
    OnetTitle,
    /// O*NET alternate or short title.
    OnetAlternate,
    /// O*NET sample of reported titles.
    OnetReported,
}

impl TitleKind {
    /// The factor a title's score is multiplied by.
    fn factor(self) -> f32 {
        match self {
            TitleKind::Preferred | TitleKind::OnetTitle => 1.0,
            TitleKind::Alternative => 0.97,
            TitleKind::OnetAlternate | TitleKind::OnetReported => 0.96,
        }
    }
}

/// Abbreviations in job titles, tried spelt out as well.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("ux", "user experience"),
    ("backend", "back end"),
    ("frontend", "front end"),
    ("fullstack", "full stack"),
    ("ui", "user interface"),
    ("hr", "human resources"),
    ("qa", "quality assurance"),
    ("seo", "search engine optimisation"),
    ("it", "ict"),
    ("hvac", "heating ventilation air conditioning"),
    ("gp", "general practitioner"),
    ("rn", "registered nurse"),
    ("vp", "vice president"),
    ("cfo", "chief financial officer"),
    ("cto", "chief technology officer"),
];

/// When a title is read through an O*NET occupation, the crosswalked ESCO
/// occupations whose own titles fit within this of the best are taken as
/// equally fair readings, and the most specific of them is chosen.
pub const CROSSWALK_NEAR: f32 = 0.1;

/// Minimum score for [`OccupationIndex::resolve`] to take a title as found.
pub const MIN_SCORE: f32 = 0.5;

/// A job title resolved to one role.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// The ESCO occupation chosen.
    pub esco: Option<u32>,
    /// Its O*NET occupations by the official crosswalk, best-matching first.
    pub onet: Vec<u32>,
    /// The title that matched and its score.
    pub matched: String,
    pub score: f32,
    /// Other ESCO occupations that fit nearly as well (within 0.1), best first.
    pub alternatives: Vec<OccupationHit>,
}

impl Resolution {
    /// True when another occupation fits about as well as the chosen one
    /// (within 0.03): the title alone does not decide.
    pub fn ambiguous(&self) -> bool {
        self.alternatives
            .first()
            .is_some_and(|a| a.score >= self.score - 0.03)
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct OccupationHit {
    pub occupation: OccRef,
    /// The title that matched best.
    pub title: String,
    /// 0..=1; 1 = the title equals the query after normalisation.
    pub score: f32,
}

/// Index over every occupation title.
#[derive(Debug)]
pub struct OccupationIndex {
    titles: Vec<(OccRef, String, String, TitleKind)>, // owner, title, normalised, kind
    toks: Vec<Vec<u32>>,
    postings: Vec<Vec<u32>>,
    vocab: FxHashMap<String, u32>,
    idf: Vec<f32>,
    exact: FxHashMap<String, Vec<u32>>,
    /// The last word of each title (its head noun), or `u32::MAX`.
    heads: Vec<u32>,
}

impl OccupationIndex {
    /// Index ESCO preferred/alternative labels and O*NET titles, alternate
    /// and reported titles.
    pub fn new(tax: &Taxonomy) -> OccupationIndex {
        let mut titles = Vec::new();
        for (i, o) in tax.occupations.iter().enumerate() {
            titles.push((
                OccRef::Esco(i as u32),
                o.preferred.clone(),
                TitleKind::Preferred,
            ));
            for t in &o.alt {
                titles.push((OccRef::Esco(i as u32), t.clone(), TitleKind::Alternative));
            }
        }
        for (i, o) in tax.onet_occupations.iter().enumerate() {
            let r = OccRef::Onet(i as u32);
            titles.push((r, o.title.clone(), TitleKind::OnetTitle));
            for t in o.alt_titles.iter().chain(&o.short_titles) {
                titles.push((r, t.clone(), TitleKind::OnetAlternate));
            }
            for t in &o.reported_titles {
                titles.push((r, t.clone(), TitleKind::OnetReported));
            }
        }
        let mut vocab: FxHashMap<String, u32> = FxHashMap::default();
        let mut postings: Vec<Vec<u32>> = Vec::new();
        let mut toks = Vec::with_capacity(titles.len());
        let mut exact: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut heads = Vec::with_capacity(titles.len());
        let mut out = Vec::with_capacity(titles.len());
        for (ti, (owner, t, kind)) in titles.into_iter().enumerate() {
            let mut ids: Vec<u32> = tokens(&t)
                .into_iter()
                .map(|w| {
                    let n = vocab.len() as u32;
                    let id = *vocab.entry(w).or_insert(n);
                    if id as usize == postings.len() {
                        postings.push(Vec::new());
                    }
                    id
                })
                .collect();
            heads.push(ids.last().copied().unwrap_or(u32::MAX));
            ids.sort_unstable();
            ids.dedup();
            for &id in &ids {
                postings[id as usize].push(ti as u32);
            }
            let norm = normalize(&t);
            exact.entry(norm.clone()).or_default().push(ti as u32);
            toks.push(ids);
            out.push((owner, t, norm, kind));
        }
        let n = out.len() as f32;
        let idf = postings
            .iter()
            .map(|p| (1.0 + n / (p.len() as f32 + 1.0)).ln())
            .collect();
        OccupationIndex {
            titles: out,
            toks,
            postings,
            vocab,
            idf,
            exact,
            heads,
        }
    }

    /// The `top` best occupations for a free-text title, best first. The
    /// title is also tried with its abbreviations spelt out.
    pub fn search(&self, query: &str, top: usize) -> Vec<OccupationHit> {
        let mut best: FxHashMap<OccRef, (f32, u32)> = FxHashMap::default();
        self.score_into(query, &mut best);
        let toks = tokens(query);
        if toks
            .iter()
            .any(|t| ABBREVIATIONS.iter().any(|(a, _)| a == t))
        {
            let long: Vec<&str> = toks
                .iter()
                .map(|t| {
                    ABBREVIATIONS
                        .iter()
                        .find(|(a, _)| a == t)
                        .map_or(t.as_str(), |(_, l)| l)
                })
                .collect();
            self.score_into(&long.join(" "), &mut best);
        }
        let mut hits: Vec<OccupationHit> = best
            .into_iter()
            .map(|(occ, (score, ti))| OccupationHit {
                occupation: occ,
                title: self.titles[ti as usize].1.clone(),
                score,
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.occupation.cmp(&b.occupation))
        });
        hits.truncate(top);
        hits
    }

    fn score_into(&self, query: &str, best: &mut FxHashMap<OccRef, (f32, u32)>) {
        let norm = normalize(query);
        let mut q: Vec<u32> = Vec::new();
        let mut q_weight = 0.0;
        let head = tokens(query)
            .last()
            .and_then(|w| self.vocab.get(w).copied());
        for w in tokens(query) {
            match self.vocab.get(&w) {
                Some(&id) if !q.contains(&id) => {
                    q.push(id);
                    q_weight += self.idf[id as usize];
                }
                Some(_) => {}
                // Unknown words still count against coverage.
                None => q_weight += (1.0 + self.titles.len() as f32).ln(),
            }
        }
        let mut consider = |ti: u32, s: f32| {
            let (owner, _, _, kind) = &self.titles[ti as usize];
            let s = s * kind.factor();
            let e = best.entry(*owner).or_insert((f32::MIN, ti));
            if s > e.0 {
                *e = (s, ti);
            }
        };
        if let Some(ts) = self.exact.get(&norm) {
            for &ti in ts {
                consider(ti, 1.0);
            }
        }
        let mut shared: FxHashMap<u32, f32> = FxHashMap::default();
        for &id in &q {
            for &ti in &self.postings[id as usize] {
                *shared.entry(ti).or_default() += self.idf[id as usize];
            }
        }
        for (ti, w) in shared {
            if self.titles[ti as usize].2 == norm {
                continue;
            }
            let tw: f32 = self.toks[ti as usize]
                .iter()
                .map(|&id| self.idf[id as usize])
                .sum();
            // Harmonic mean of query coverage and title coverage, kept below 1.
            let (a, b) = (w / q_weight.max(1e-6), w / tw.max(1e-6));
            let mut s = 0.99 * 2.0 * a * b / (a + b).max(1e-6);
            // English job titles name the job last: `pilot` is an *aircraft
            // pilot* before a *pilot instructor*.
            if let Some(h) = head
                && self.heads[ti as usize] != h
            {
                s *= 0.93;
            }
            consider(ti, s);
        }
    }

    /// Resolve a free-text title to one role: the best ESCO occupation
    /// (directly, or through the crosswalk of the best O*NET occupation when
    /// an O*NET title fits better), its O*NET occupations by the official
    /// crosswalk, and the other ESCO occupations that fit nearly as well.
    /// `None` when no title fits (score below [`MIN_SCORE`]).
    pub fn resolve(&self, tax: &Taxonomy, query: &str) -> Option<Resolution> {
        let hits = self.search(query, 60);
        let top = hits.first().filter(|h| h.score >= MIN_SCORE)?;
        let esco_score = |e: u32| {
            hits.iter()
                .find(|h| h.occupation == OccRef::Esco(e))
                .map_or(0.0, |h| h.score)
        };
        let onet_hit = |o: u32| {
            hits.iter()
                .find(|h| h.occupation == OccRef::Onet(o))
                .map_or(0.0, |h| h.score)
        };
        // Among ESCO titles that only partly fit, prefer the occupation whose
        // crosswalked O*NET occupations fit the title too (the taxonomies agree).
        let best_esco = hits
            .iter()
            .filter_map(|h| match h.occupation {
                OccRef::Esco(i) if h.score >= MIN_SCORE => {
                    let agree = if h.score < 0.96 {
                        let o = &tax.occupation(i).onet;
                        0.04 * o.iter().map(|&o| onet_hit(o)).fold(0.0, f32::max)
                    } else {
                        0.0
                    };
                    Some((i, h.score + agree, h.title.clone()))
                }
                _ => None,
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        // An O*NET title that fits clearly better than any ESCO one (`registered
        // nurse`) picks the ESCO occupation through the crosswalk.
        // The other ESCO occupations the crosswalk gives that O*NET
        // occupation are as fair a reading of the title: shown as
        // alternatives (Registered Nurses → nurse responsible for general
        // care, but also specialist nurse and advanced nurse practitioner).
        let mut crosswalked: Vec<OccupationHit> = Vec::new();
        let via_onet = match top.occupation {
            OccRef::Onet(o) if best_esco.as_ref().is_none_or(|b| b.1 < top.score - 0.02) => {
                let mut cands: Vec<u32> = tax.onet_occupations[o as usize].esco.clone();
                // Of the crosswalked occupations whose own titles fit about
                // as well, the most specific counterpart: the one the
                // crosswalk maps onto the fewest O*NET occupations (nurse
                // responsible for general care: 7, against 10 for the
                // specialist and the advanced nurse, who also stand for
                // nurse anesthetists and midwives).
                let near =
                    cands.iter().map(|&e| esco_score(e)).fold(0.0, f32::max) - CROSSWALK_NEAR;
                let breadth = |e: u32| {
                    if esco_score(e) >= near {
                        tax.occupation(e).onet.len()
                    } else {
                        usize::MAX
                    }
                };
                cands.sort_by(|&a, &b| {
                    breadth(a)
                        .cmp(&breadth(b))
                        .then(esco_score(b).total_cmp(&esco_score(a)))
                        .then(a.cmp(&b))
                });
                crosswalked = cands
                    .iter()
                    .skip(1)
                    .take(4)
                    .map(|&e| OccupationHit {
                        occupation: OccRef::Esco(e),
                        title: top.title.clone(),
                        score: top.score,
                    })
                    .collect();
                cands.first().map(|&e| (e, top.score, top.title.clone()))
            }
            _ => None,
        };
        let (esco, score, matched) = match via_onet.or(best_esco) {
            Some((e, s, m)) => (Some(e), s, m),
            None => (None, top.score, top.title.clone()),
        };
        // O*NET occupations: the crosswalk's, ordered by how well their
        // titles fit; without a crosswalk row, the O*NET title that fits best.
        let onet_score = onet_hit;
        let mut onet: Vec<u32> = esco
            .map(|e| tax.occupation(e).onet.clone())
            .unwrap_or_default();
        if onet.is_empty() {
            onet.extend(hits.iter().find_map(|h| match h.occupation {
                OccRef::Onet(o) if h.score >= 0.9 => Some(o),
                _ => None,
            }));
        }
        onet.sort_by(|&a, &b| onet_score(b).total_cmp(&onet_score(a)).then(a.cmp(&b)));
        onet.truncate(10);
        let mut alternatives: Vec<OccupationHit> = crosswalked;
        for h in hits.iter().filter(|h| {
            matches!(h.occupation, OccRef::Esco(i) if Some(i) != esco)
                && h.score >= score - 0.1
                && h.score >= MIN_SCORE
        }) {
            if alternatives.len() >= 5 {
                break;
            }
            if !alternatives.iter().any(|a| a.occupation == h.occupation) {
                alternatives.push(h.clone());
            }
        }
        // O*NET titles that fit about as well as the chosen one name other
        // fair readings through the crosswalk ("UX designer" is ESCO's label
        // of one occupation, O*NET's title of others). An O*NET occupation
        // the crosswalk maps onto the chosen one is the same reading, not
        // another; of each other, its two counterparts whose own titles fit
        // best (then the most specific), if they fit at all, are offered
        // after the direct alternatives, best fitting first.
        let mut extra: Vec<OccupationHit> = Vec::new();
        for h in hits.iter().filter(|h| h.score >= score - 0.02) {
            let OccRef::Onet(o) = h.occupation else {
                continue;
            };
            let mut cands = tax.onet_occupations[o as usize].esco.clone();
            if esco.is_some_and(|c| cands.contains(&c)) {
                continue;
            }
            cands.sort_by(|&a, &b| {
                esco_score(b)
                    .total_cmp(&esco_score(a))
                    .then(
                        tax.occupation(a)
                            .onet
                            .len()
                            .cmp(&tax.occupation(b).onet.len()),
                    )
                    .then(a.cmp(&b))
            });
            // A counterpart whose own titles do not fit the query at all
            // is the crosswalk's breadth, not a reading of the title.
            for &e in cands
                .iter()
                .filter(|&&e| esco_score(e) >= MIN_SCORE)
                .take(2)
            {
                let taken = |v: &[OccupationHit]| v.iter().any(|a| a.occupation == OccRef::Esco(e));
                // Never the chosen one: its O*NET occupations were skipped.
                if !taken(&alternatives) && !taken(&extra) {
                    extra.push(OccupationHit {
                        occupation: OccRef::Esco(e),
                        title: h.title.clone(),
                        score: h.score,
                    });
                }
            }
        }
        let own = |h: &OccupationHit| match h.occupation {
            OccRef::Esco(e) => esco_score(e),
            OccRef::Onet(_) => 0.0,
        };
        extra.sort_by(|a, b| {
            own(b)
                .total_cmp(&own(a))
                .then(a.occupation.cmp(&b.occupation))
        });
        let room = 5usize.saturating_sub(alternatives.len());
        alternatives.extend(extra.into_iter().take(room));
        Some(Resolution {
            esco,
            onet,
            matched,
            score,
            alternatives,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_read_through_onet_shows_the_other_crosswalked_occupations() {
        // "registered nurse" is O*NET's Registered Nurses, which the
        // crosswalk maps to several ESCO nurses: the one chosen is not the
        // only fair reading, so the others are offered and it is ambiguous.
        let tax = Taxonomy::load_embedded().unwrap();
        let idx = OccupationIndex::new(&tax);
        let r = idx.resolve(&tax, "registered nurse").unwrap();
        let general = tax
            .occupations
            .iter()
            .position(|o| o.preferred == "nurse responsible for general care")
            .unwrap() as u32;
        let offered = Some(general) == r.esco
            || r.alternatives
                .iter()
                .any(|a| a.occupation == OccRef::Esco(general));
        assert!(offered, "{:?}", r.alternatives);
        assert!(r.ambiguous());
    }

    #[test]
    fn an_esco_label_that_onet_titles_fit_as_well_offers_their_counterparts() {
        // "UX designer" fits an alternative label of one ESCO occupation and,
        // as well, O*NET titles of others: their crosswalked ESCO
        // occupations are offered beside the one chosen.
        let tax = Taxonomy::load_embedded().unwrap();
        let idx = OccupationIndex::new(&tax);
        let r = idx.resolve(&tax, "UX designer").unwrap();
        let names: Vec<&str> = r
            .alternatives
            .iter()
            .filter_map(|a| match a.occupation {
                OccRef::Esco(e) => Some(tax.occupation(e).preferred.as_str()),
                OccRef::Onet(_) => None,
            })
            .collect();
        let web = &tax.onet_occupations[tax.onet_by_code("15-1255.00").unwrap() as usize];
        assert!(
            web.esco
                .iter()
                .any(|&e| names.contains(&tax.occupation(e).preferred.as_str())),
            "{names:?}"
        );
        assert!(r.ambiguous(), "{names:?}");
    }

    #[test]
    fn registered_nurse_is_the_nurse_responsible_for_general_care() {
        // The crosswalk maps O*NET's Registered Nurses onto several ESCO
        // nurses; the general-care nurse is its closest counterpart, not the
        // specialist nurse that the words "nurse" alone would pick.
        let tax = Taxonomy::load_embedded().unwrap();
        let idx = OccupationIndex::new(&tax);
        for title in ["registered nurse", "RN", "Registered Nurses"] {
            let r = idx.resolve(&tax, title).unwrap();
            let chosen = r.esco.map(|e| tax.occupation(e).preferred.as_str());
            assert_eq!(
                chosen,
                Some("nurse responsible for general care"),
                "{title}"
            );
        }
    }

    #[test]
    fn titles_find_both_taxonomies() {
        let tax = Taxonomy::load_embedded().unwrap();
        let idx = OccupationIndex::new(&tax);
        let hits = idx.search("Data Scientists", 10);
        assert_eq!(hits[0].score, 1.0);
        let esco = hits.iter().any(|h| matches!(h.occupation, OccRef::Esco(i) if tax.occupation(i).preferred == "data scientist"));
        let onet = hits
            .iter()
            .any(|h| matches!(h.occupation, OccRef::Onet(i) if tax.onet_occupations[i as usize].code == "15-2051.00"));
        assert!(esco && onet, "{hits:?}");
        assert!(idx.search("qwertyuiop", 5).is_empty());
        let partial = idx.search("senior python developer", 5);
        assert!(!partial.is_empty() && partial[0].score < 1.0);
    }
}
