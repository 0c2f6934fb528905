//! Free-text job title → ESCO and O*NET occupations, through their preferred,
//! alternative and alternate titles.
//!
//! Each title is scored against the query by the IDF-weighted share of words
//! they have in common, in both directions (so `developer` alone matches
//! many titles weakly, `python developer` matches `Python developer`
//! strongly); an exact match after normalisation scores 1. An occupation
//! takes the score of its best title.
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
    titles: Vec<(OccRef, String, String)>, // owner, title, normalised
    toks: Vec<Vec<u32>>,
    postings: Vec<Vec<u32>>,
    vocab: FxHashMap<String, u32>,
    idf: Vec<f32>,
    exact: FxHashMap<String, Vec<u32>>,
}

impl OccupationIndex {
    /// Index ESCO preferred/alternative labels and O*NET titles/alternate titles.
    pub fn new(tax: &Taxonomy) -> OccupationIndex {
        let mut titles = Vec::new();
        for (i, o) in tax.occupations.iter().enumerate() {
            for t in std::iter::once(&o.preferred).chain(&o.alt) {
                titles.push((OccRef::Esco(i as u32), t.clone()));
            }
        }
        for (i, o) in tax.onet_occupations.iter().enumerate() {
            for t in std::iter::once(&o.title)
                .chain(&o.alt_titles)
                .chain(&o.short_titles)
            {
                titles.push((OccRef::Onet(i as u32), t.clone()));
            }
        }
        let mut vocab: FxHashMap<String, u32> = FxHashMap::default();
        let mut postings: Vec<Vec<u32>> = Vec::new();
        let mut toks = Vec::with_capacity(titles.len());
        let mut exact: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut out = Vec::with_capacity(titles.len());
        for (ti, (owner, t)) in titles.into_iter().enumerate() {
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
            ids.sort_unstable();
            ids.dedup();
            for &id in &ids {
                postings[id as usize].push(ti as u32);
            }
            let norm = normalize(&t);
            exact.entry(norm.clone()).or_default().push(ti as u32);
            toks.push(ids);
            out.push((owner, t, norm));
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
        }
    }

    /// The `top` best occupations for a free-text title, best first.
    pub fn search(&self, query: &str, top: usize) -> Vec<OccupationHit> {
        let norm = normalize(query);
        let mut q: Vec<u32> = Vec::new();
        let mut q_weight = 0.0;
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
        let mut best: FxHashMap<OccRef, (f32, u32)> = FxHashMap::default();
        let mut consider = |ti: u32, s: f32| {
            let owner = self.titles[ti as usize].0;
            let e = best.entry(owner).or_insert((f32::MIN, ti));
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
            let s = 0.99 * 2.0 * a * b / (a + b).max(1e-6);
            consider(ti, s);
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
