//! Role titles as a person types them: the occupations whose titles (ESCO
//! preferred and alternative labels, O*NET titles and alternate titles)
//! start with what was typed so far, word by word, then the closest titles
//! by the occupation index's own matching (which spells out abbreviations
//! and tolerates word order). A face offers them as suggestions while the
//! person types a role to discover.
//!
//! ```no_run
//! # fn demo(tax: &mm_taxonomy::Taxonomy) {
//! let titles = mm_app::roles::RoleTitles::new(tax);
//! for s in titles.suggest(tax, "data an", 8) {
//!     println!("{} ({})", s.title, s.occupation);
//! }
//! # }
//! ```

use mm_taxonomy::Taxonomy;
use mm_taxonomy::occupations::{OccRef, OccupationIndex};
use serde::Serialize;

/// One suggested role.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleSuggestion {
    /// The title that matched, as the taxonomy writes it.
    pub title: String,
    /// The occupation it names (its preferred label or O*NET title).
    pub occupation: String,
    /// The ESCO occupation URI or the O*NET-SOC code.
    pub key: String,
}

/// Every occupation title, folded for prefix matching. Build it once and
/// share it: it holds some tens of thousands of titles.
#[derive(Debug)]
pub struct RoleTitles {
    /// (occupation, title, folded words, is the occupation's own name)
    titles: Vec<(OccRef, String, Vec<String>, bool)>,
    index: OccupationIndex,
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

impl RoleTitles {
    /// Index the taxonomy's occupation titles.
    pub fn new(tax: &Taxonomy) -> RoleTitles {
        let mut titles = Vec::new();
        for (i, o) in tax.occupations.iter().enumerate() {
            let r = OccRef::Esco(i as u32);
            titles.push((r, o.preferred.clone(), words(&o.preferred), true));
            for t in &o.alt {
                titles.push((r, t.clone(), words(t), false));
            }
        }
        for (i, o) in tax.onet_occupations.iter().enumerate() {
            let r = OccRef::Onet(i as u32);
            titles.push((r, o.title.clone(), words(&o.title), true));
            for t in &o.alt_titles {
                titles.push((r, t.clone(), words(t), false));
            }
        }
        RoleTitles {
            titles,
            index: OccupationIndex::new(tax),
        }
    }

    /// The occupation index (to resolve the role the person picks).
    pub fn index(&self) -> &OccupationIndex {
        &self.index
    }

    /// Up to `top` roles for what was typed so far, one per occupation and title:
    /// titles in which every typed word starts a word (the last one may be
    /// unfinished), the occupation's own name and shorter titles first; then
    /// the occupation index's closest titles. Nothing for fewer than two
    /// letters.
    pub fn suggest(&self, tax: &Taxonomy, typed: &str, top: usize) -> Vec<RoleSuggestion> {
        let typed_words = words(typed);
        if typed_words.iter().map(String::len).sum::<usize>() < 2 || top == 0 {
            return Vec::new();
        }
        let mut hits: Vec<(u8, usize, usize)> = Vec::new(); // (rank, length, title)
        for (k, (_, title, ws, own)) in self.titles.iter().enumerate() {
            let all = typed_words
                .iter()
                .all(|t| ws.iter().any(|w| w.starts_with(t.as_str())));
            if !all {
                continue;
            }
            let in_order = ws
                .iter()
                .zip(&typed_words)
                .all(|(w, t)| w.starts_with(t.as_str()));
            let rank = match (in_order, own) {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => 2,
                (false, false) => 3,
            };
            hits.push((rank, title.len(), k));
        }
        hits.sort_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| self.titles[a.2].1.cmp(&self.titles[b.2].1))
        });
        let mut out: Vec<RoleSuggestion> = Vec::new();
        // One suggestion per occupation and per title: a title several
        // occupations share is typed the same way whichever is meant (the
        // ranking then weighs them all).
        let mut seen: Vec<OccRef> = Vec::new();
        let mut titles_seen: Vec<String> = Vec::new();
        let mut push = |occ: OccRef, title: &str, out: &mut Vec<RoleSuggestion>| {
            let folded = title.to_lowercase();
            if out.len() >= top || seen.contains(&occ) || titles_seen.contains(&folded) {
                return;
            }
            seen.push(occ);
            titles_seen.push(folded);
            let (occupation, key) = match occ {
                OccRef::Esco(i) => {
                    let o = &tax.occupations[i as usize];
                    (o.preferred.clone(), o.uri.clone())
                }
                OccRef::Onet(i) => {
                    let o = &tax.onet_occupations[i as usize];
                    (o.title.clone(), o.code.clone())
                }
            };
            out.push(RoleSuggestion {
                title: title.to_owned(),
                occupation,
                key,
            });
        };
        for (_, _, k) in &hits {
            let (occ, title, _, _) = &self.titles[*k];
            push(*occ, title, &mut out);
        }
        if out.len() < top {
            for h in self.index.search(typed, top) {
                push(h.occupation, &h.title, &mut out);
            }
        }
        out
    }
}
