//! Narrower skills mined from job postings: the items a posting lists under a
//! broader requirement, as in "experience with NoSQL (Cassandra, HBase)" or
//! "stream processing frameworks (e.g. Kafka Streams, Flink)".
//!
//! Each bracketed list is split into items that name a known technology (an
//! O*NET technology example, with or without its vendor: `Apache Kafka` or
//! `Kafka`); a list counts when it names two or more. The words before the
//! bracket are the broader requirement (the head). Every item becomes a
//! micro-skill under its head with its own share: the postings that name it
//! anywhere, over all postings read.

use crate::model::{CatalogueMicroSkill, ParentRef, Principle, Source, slug};
use mm_core::Level;
use mm_taxonomy::Taxonomy;
use mm_taxonomy::normalize::{normalize, tokens};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::BufRead;

/// Vendor words dropped to form the short name people write (`Apache Kafka` → `Kafka`).
const VENDORS: &[&str] = &[
    "apache",
    "microsoft",
    "amazon",
    "google",
    "oracle",
    "ibm",
    "adobe",
    "sap",
    "atlassian",
    "red hat",
    "salesforce",
    "autodesk",
    "aws",
    "amazon web services",
    "the",
];

/// Words that open a bracket without naming items.
const OPENERS: &[&str] = &[
    "e.g",
    "eg",
    "e g",
    "such as",
    "i.e",
    "ie",
    "like",
    "incl",
    "including",
    "for example",
];

/// Words before the head phrase that are not part of it.
const HEAD_CUT: &[&str] = &[
    "with",
    "of",
    "in",
    "on",
    "experience",
    "knowledge",
    "familiarity",
    "using",
    "use",
    "and",
    "or",
    "a",
    "an",
    "the",
    "any",
    "least",
    "one",
    "more",
    "modern",
    "related",
    "strong",
    "solid",
    "good",
    "proven",
    "working",
    "expertise",
    "exposure",
    "to",
    "ideally",
    "plus",
    "learn",
    "willing",
    "able",
    "understanding",
    "know",
    "be",
    "are",
    "is",
];

#[derive(Deserialize)]
struct Posting {
    #[serde(default)]
    text: String,
}

/// A known technology name to find in lists.
#[derive(Debug, Clone)]
struct Lex {
    display: String,
}

/// What the miner found, before it becomes micro-skills.
#[derive(Debug, Clone, PartialEq)]
pub struct MinedItem {
    /// The item as O*NET names it (`Apache Kafka`).
    pub name: String,
    /// The head phrases it was listed under, most frequent first.
    pub heads: Vec<(String, u32)>,
    /// Other items of the same lists.
    pub siblings: Vec<String>,
    /// Postings that list it in a bracket.
    pub listed_in: u32,
    /// Postings that name it anywhere.
    pub named_in: u32,
    /// Postings read.
    pub postings: u32,
    /// Index into the taxonomy's technologies.
    pub tech: Option<u32>,
}

impl MinedItem {
    /// Share of postings that name it.
    pub fn share(&self) -> f64 {
        if self.postings == 0 {
            0.0
        } else {
            f64::from(self.named_in) / f64::from(self.postings)
        }
    }
}

/// Finds bracketed lists of technologies in posting texts.
#[derive(Debug)]
pub struct Miner<'t> {
    tax: &'t Taxonomy,
    lex: HashMap<String, Lex>,
    longest: usize,
    /// Normalised preferred and alternative ESCO labels (preferred wins).
    labels: HashMap<String, mm_taxonomy::SkillIdx>,
}

impl<'t> Miner<'t> {
    /// Index the taxonomy's technology names and their vendor-less forms.
    pub fn new(tax: &'t Taxonomy) -> Miner<'t> {
        let common: HashSet<&str> = tax
            .common_words
            .iter()
            .chain(&tax.generic_words)
            .map(String::as_str)
            .collect();
        let mut lex: HashMap<String, Lex> = HashMap::new();
        let mut longest = 1;
        for t in &tax.technologies {
            let key = normalize(&t.name);
            let mut keys = vec![key.clone()];
            for v in VENDORS {
                if let Some(rest) = key.strip_prefix(&format!("{v} "))
                    && rest.len() >= 3
                {
                    keys.push(rest.to_string());
                }
            }
            for k in keys {
                let n = k.split(' ').count();
                if n == 1 && (k.len() < 2 || common.contains(k.as_str())) {
                    continue;
                }
                longest = longest.max(n);
                lex.entry(k).or_insert(Lex {
                    display: t.name.clone(),
                });
            }
        }
        let mut labels = HashMap::new();
        for (i, sk) in tax.skills.iter().enumerate() {
            labels.insert(normalize(&sk.preferred), i as mm_taxonomy::SkillIdx);
        }
        for (i, sk) in tax.skills.iter().enumerate() {
            for a in &sk.alt {
                labels
                    .entry(normalize(a))
                    .or_insert(i as mm_taxonomy::SkillIdx);
            }
        }
        Miner {
            tax,
            lex,
            longest,
            labels,
        }
    }

    /// The known technologies named in `text`, in order, without repeats.
    fn items_in(&self, text: &str) -> Vec<&Lex> {
        let toks = tokens(text);
        let mut out: Vec<&Lex> = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let mut hit = None;
            for n in (1..=self.longest.min(toks.len() - i)).rev() {
                if let Some(l) = self.lex.get(&toks[i..i + n].join(" ")) {
                    hit = Some((n, l));
                    break;
                }
            }
            match hit {
                Some((n, l)) => {
                    if !out.iter().any(|o| o.display == l.display) {
                        out.push(l);
                    }
                    i += n;
                }
                None => i += 1,
            }
        }
        out
    }

    /// The bracketed lists of one text: (head phrase, items).
    pub fn lists(&self, text: &str) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        let mut rest = text;
        let mut before_end = 0usize;
        while let Some(open) = rest.find('(') {
            let abs_open = before_end + open;
            let Some(close) = rest[open + 1..].find([')', '(']) else {
                break;
            };
            let inner = &rest[open + 1..open + 1 + close];
            let next = open + 1 + close;
            if inner.len() <= 200 {
                let mut inner_t = inner.trim().to_lowercase();
                for o in OPENERS {
                    if let Some(r) = inner_t.strip_prefix(o) {
                        inner_t = r.trim_start_matches([' ', '.', ':', ',']).to_string();
                    }
                }
                let items = self.items_in(&inner_t);
                if items.len() >= 2 {
                    let head = head_phrase(&text[..abs_open]);
                    if !head.is_empty() {
                        out.push((head, items.iter().map(|l| l.display.clone()).collect()));
                    }
                }
            }
            before_end += next;
            rest = &rest[next..];
        }
        out
    }

    /// Read postings (JSON Lines with a `text` field) and tally each listed item.
    ///
    /// # Errors
    /// The reader's I/O error; lines that are not JSON are skipped.
    pub fn mine<R: BufRead>(&self, reader: R) -> std::io::Result<Vec<MinedItem>> {
        let mut texts: Vec<String> = Vec::new();
        for line in reader.lines() {
            let line = line?;
            if let Ok(p) = serde_json::from_str::<Posting>(&line) {
                texts.push(p.text);
            }
        }
        #[derive(Default)]
        struct Tally {
            heads: BTreeMap<String, u32>,
            siblings: BTreeSet<String>,
            listed: HashSet<usize>,
            tech: Option<u32>,
        }
        let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
        for (doc, t) in texts.iter().enumerate() {
            for (head, items) in self.lists(t) {
                for it in &items {
                    let e = tally.entry(it.clone()).or_default();
                    *e.heads.entry(head.clone()).or_default() += 1;
                    e.siblings
                        .extend(items.iter().filter(|o| *o != it).cloned());
                    e.listed.insert(doc);
                }
            }
        }
        for (name, e) in tally.iter_mut() {
            e.tech = self
                .tax
                .technologies
                .iter()
                .position(|t| &t.name == name)
                .map(|i| i as u32);
        }
        // Named anywhere: any posting where the item (or its short form) occurs.
        let docs: Vec<HashSet<String>> = texts
            .iter()
            .map(|t| {
                self.items_in(t)
                    .into_iter()
                    .map(|l| l.display.clone())
                    .collect()
            })
            .collect();
        let n = texts.len() as u32;
        Ok(tally
            .into_iter()
            .map(|(name, e)| {
                let mut heads: Vec<(String, u32)> = e.heads.into_iter().collect();
                heads.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                MinedItem {
                    named_in: docs.iter().filter(|d| d.contains(&name)).count() as u32,
                    listed_in: e.listed.len() as u32,
                    siblings: e.siblings.into_iter().collect(),
                    heads,
                    postings: n,
                    tech: e.tech,
                    name,
                }
            })
            .collect())
    }

    /// The micro-skill for one mined item.
    pub fn micro_skill(&self, it: &MinedItem) -> CatalogueMicroSkill {
        let head = it.heads.first().map_or("this work", |h| h.0.as_str());
        let mut parents: Vec<ParentRef> = Vec::new();
        if let Some(t) = it.tech {
            let tech = &self.tax.technologies[t as usize];
            parents.push(ParentRef::OnetTech(tech.name.clone()));
            // Only the ESCO skills the technology is named after: the links of
            // its O*NET category are too broad for a narrow item.
            for &s in tech.esco.iter().take(2) {
                parents.push(ParentRef::Esco(self.tax.skill(s).uri.clone()));
            }
        }
        if let Some(&s) = self.labels.get(&normalize(head)) {
            let p = ParentRef::Esco(self.tax.skill(s).uri.clone());
            if !parents.contains(&p) {
                parents.push(p);
            }
        }
        let name = &it.name;
        let mut done_when = vec![
            format!("Set up {name} and run its official getting-started example end to end"),
            format!(
                "Use {name} for one real {head} task and show the working result to a reviewer"
            ),
        ];
        if let Some(alt) = it.siblings.first() {
            done_when.push(format!(
                "Explain when you would pick {name} over {alt}, with one reason each way"
            ));
        }
        let also = if it.siblings.is_empty() {
            String::new()
        } else {
            format!(", alongside {}", it.siblings.join(", "))
        };
        CatalogueMicroSkill {
            id: format!("postings-{}", slug(name)),
            name: format!("Set up {name} and use it for one real {head} task"),
            area: String::new(),
            isco: Vec::new(),
            core_for: Vec::new(),
            country: Vec::new(),
            stack: Vec::new(),
            parents,
            principles: vec![Principle {
                name: head.to_string(),
                description: Some(format!(
                    "Postings ask for {head} and name {name} as one way to do it{also}."
                )),
            }],
            done_when,
            hours: Some(8),
            weeks: Some(2),
            dreyfus: Level::AdvancedBeginner,
            prerequisites: Vec::new(),
            next: Vec::new(),
            resources: Vec::new(),
            source: Source::Postings,
            share: Some(it.share()),
            evidence: Some(format!(
                "listed under {head:?} in {} of {} postings; named in {} ({:.1}%)",
                it.listed_in,
                it.postings,
                it.named_in,
                100.0 * it.share()
            )),
        }
    }
}

/// The last words before a bracket that name what the list belongs to:
/// "Familiarity with databases" → "databases".
fn head_phrase(before: &str) -> String {
    let line = before
        .rsplit(['\n', '.', ';', ':'])
        .next()
        .unwrap_or("")
        .trim();
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut tail: Vec<&str> = words.iter().rev().take(5).rev().copied().collect();
    while tail
        .last()
        .is_some_and(|w| HEAD_CUT.contains(&w.to_lowercase().as_str()))
    {
        tail.pop();
    }
    let mut start = 0;
    for (i, w) in tail.iter().enumerate() {
        if HEAD_CUT.contains(&w.to_lowercase().as_str()) {
            start = i + 1;
        }
    }
    let head: Vec<&str> = tail[start..]
        .iter()
        .copied()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    head.join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::head_phrase;

    #[test]
    fn head_is_the_phrase_just_before_the_bracket() {
        for (before, head) in [
            ("Familiarity with databases ", "databases"),
            (
                "Experience with any stream processing framework ",
                "stream processing framework",
            ),
            ("Requirements\nNoSQL Database experience ", "NoSQL Database"),
            ("Ideally Experience with NoSQL ", "NoSQL"),
            ("Knowledge of ", ""),
        ] {
            assert_eq!(head_phrase(before), head, "{before:?}");
        }
    }
}
