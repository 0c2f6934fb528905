//! Free text (a phrase such as "pivot tables" or a job-ad sentence) → ranked
//! ESCO skills.
//!
//! [`PhraseMapper`] is the default: the lexical [`Mapper`] and the shipped
//! static embedding model ([`crate::static_embed`]) fused by weighted
//! reciprocal rank ([`Fusion`]), with exact label matches and clear
//! semantic paraphrases first.
//!
//! The lexical [`Mapper`] scores every skill with BM25F over three fields
//! (preferred label, alternative labels, description), all tokenised and
//! folded by [`crate::normalize`], English stop words removed, each word
//! reduced to its Porter2 stem, and neighbouring stems of labels indexed as
//! pairs; an unknown word of 5+ letters is corrected to the closest label
//! word (1–2 edits). Then:
//! - **label match**: a skill whose label the [`Extractor`] finds verbatim in
//!   the text gets a large boost (exact mentions outrank loose word overlap);
//! - **label coverage**: the share of a label's words present in the text;
//! - **structure**: a small prior for skills many ESCO occupations need
//!   (`log(1 + occupations)`), and a share of a matched skill's score passed
//!   to its broader skill.
//!
//! ```no_run
//! use mm_taxonomy::{Taxonomy, map::PhraseMapper};
//! let tax = Taxonomy::load_embedded()?;
//! let mapper = PhraseMapper::new(&tax)?;
//! for (idx, score) in mapper.rank("pivot tables", 5) {
//!     println!("{} {score:.2}", tax.skill(idx).preferred);
//! }
//! # Ok::<(), mm_taxonomy::Error>(())
//! ```

use crate::extract::{Extractor, Scratch};
use crate::model::{ConceptRef, SkillIdx, Taxonomy};
use crate::normalize::tokens;
use crate::static_embed::{ConceptVectors, StaticModel};
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};

/// English stop words (folded forms), ignored by the ranker.
const STOP: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "doe",
    "doing",
    "down",
    "during",
    "each",
    "etc",
    "few",
    "for",
    "from",
    "further",
    "get",
    "had",
    "ha",
    "have",
    "having",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "like",
    "may",
    "me",
    "more",
    "most",
    "must",
    "my",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "wa",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "within",
    "well",
    "including",
    "using",
    "use",
    "related",
    "relevant",
    "ensure",
    "various",
    "e.g",
    "i.e",
    "organization",
    "location",
    "address",
    "contact",
    "name",
    "description",
    "profession",
];

/// Tunable weights of the lexical ranker.
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    pub k1: f32,
    pub b: f32,
    pub preferred: f32,
    pub alt: f32,
    pub description: f32,
    /// Weight of the micro-skill catalogue's text about the skill, and its
    /// BM25 length normalisation.
    pub micro: f32,
    pub b_micro: f32,
    pub mention: f32,
    pub coverage: f32,
    pub prior: f32,
    pub broader: f32,
    /// Boost for a skill whose label starts with the verb a phrase starts
    /// with as a gerund ("grooming dogs" → *groom animals*, "filing
    /// paperwork" → *file documents*): ESCO names skills verb first, people
    /// name the activity.
    pub head: f32,
    /// Weight of word-pair terms relative to single stems.
    pub pair: f32,
    /// Correct unknown words of texts up to this many words long (typos
    /// matter in short phrases; in long texts an unknown word is more often
    /// a name than a slip).
    pub typo_max_words: usize,
}

impl Default for Weights {
    fn default() -> Weights {
        // Tuned on the TECH and HOUSE validation splits only (examples/tune.rs);
        // the splits are small (75 and 61 sentences), so only changes that
        // helped both were kept, in round steps.
        Weights {
            k1: 1.2,
            b: 1.0,
            preferred: 5.0,
            alt: 1.0,
            description: 0.3,
            micro: 2.0,
            b_micro: 0.2,
            mention: 25.0,
            coverage: 1.0,
            prior: 1.0,
            broader: 0.05,
            head: 25.0,
            pair: 1.0,
            typo_max_words: 6,
        }
    }
}

/// Preferred label, alternative labels, description, and the names and
/// criteria of the curated micro-skills hanging from the skill
/// ([`crate::micro_text`]).
const FIELDS: usize = 4;

/// The lexical phrase → skill ranker. Immutable; share it across threads.
pub struct Mapper {
    vocab: FxHashMap<String, u32>,
    /// token → postings (skill, term frequency per field)
    postings: Vec<Vec<(SkillIdx, [u16; FIELDS])>>,
    len: Vec<[u16; FIELDS]>,
    avg: [f32; FIELDS],
    idf: Vec<f32>,
    /// Distinct content tokens of each skill's preferred label.
    label_toks: Vec<Vec<u32>>,
    prior: Vec<f32>,
    broader: Vec<Vec<SkillIdx>>,
    extractor: Extractor,
    stop: FxHashSet<&'static str>,
    stemmer: Stemmer,
    /// Folded label words by length in chars, with their term id, for typo
    /// correction of words the index does not know.
    by_len: Vec<Vec<(String, u32)>>,
    /// Stemmed content words of each preferred and alternative label, joined
    /// by a space → the skills with that label (preferred-label owners first).
    exact: FxHashMap<String, Vec<SkillIdx>>,
    /// How many of each `exact` list own it as their preferred label.
    exact_preferred: FxHashMap<String, usize>,
    /// Runs of 2–3 content-word stems in the micro-skill catalogue's text
    /// (`pivot tabl`) → the skills it is written under, with how many
    /// entries say it (twice for an entry's main parent), most first.
    micro_phrases: FxHashMap<String, Vec<(SkillIdx, u32)>>,
    /// Terms of ESCO skills' preferred and alternative labels.
    esco_label_words: FxHashSet<u32>,
    /// Whether a term is a word pair.
    is_pair: Vec<bool>,
    pub weights: Weights,
}

impl std::fmt::Debug for Mapper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mapper")
            .field("terms", &self.vocab.len())
            .field("skills", &self.len.len())
            .field("weights", &self.weights)
            .finish()
    }
}

/// A word typed with a slip: at most one edit for words of 5–8 letters, two
/// from 9 letters; shorter words are never corrected (too many neighbours).
fn max_typos(chars: usize) -> usize {
    match chars {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// The index terms of a token sequence: each content word's stem
/// ([`stem`]: `cleaning` → `clean`, `managed` → `manag`), then (when
/// `bigrams`) each pair of neighbouring stems (`pivot tabl`), so a phrase
/// outranks its words scattered over a label. Also returns the number of
/// content words.
fn terms_of(
    toks: &[String],
    stop: &FxHashSet<&'static str>,
    stemmer: &Stemmer,
    bigrams: bool,
) -> (Vec<String>, usize) {
    let stems: Vec<String> = toks
        .iter()
        .filter(|t| !stop.contains(t.as_str()))
        .map(|t| stem(stemmer, t))
        .collect();
    let n = stems.len();
    let mut out = stems.clone();
    if bigrams {
        for w in stems.windows(2) {
            out.push(format!("{} {}", w[0], w[1]));
        }
    }
    (out, n)
}

/// The stems of the content words, joined: two texts with the same key say
/// the same thing.
fn stem_key(toks: &[String], stop: &FxHashSet<&'static str>, stemmer: &Stemmer) -> String {
    toks.iter()
        .filter(|t| !stop.contains(t.as_str()))
        .map(|t| stem(stemmer, t))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether the index knows `word` (as written or by its stem).
fn known(vocab: &FxHashMap<String, u32>, stemmer: &Stemmer, word: &str) -> bool {
    vocab.contains_key(&stem(stemmer, word))
}

/// Stem a folded token with Porter2 (English Snowball): `cleaning` →
/// `clean`, `driving`/`drive` → `drive`, `tables` → `tabl`. Tokens with
/// digits or symbols (`c++`, `node.js`, `s3`) and words of 3 letters or
/// fewer are kept. Measured against no stemming and a light `-ing`/`-ed`/`-e`
/// stripper (BENCHMARKS.md): Porter2 gains 12 points P@1 on everyday
/// phrases and 3 points RP@5 on TECH validation, and loses 5 on HOUSE.
fn stem(stemmer: &Stemmer, t: &str) -> String {
    if t.len() > 3 && t.bytes().all(|b| b.is_ascii_lowercase()) {
        stemmer.stem(t).into_owned()
    } else {
        t.to_string()
    }
}

impl Mapper {
    /// Index every skill of `tax`.
    pub fn new(tax: &Taxonomy) -> Mapper {
        let stop: FxHashSet<&'static str> = STOP.iter().copied().collect();
        let stemmer = Stemmer::create(Algorithm::English);
        let n = tax.skills.len();
        let mut vocab: FxHashMap<String, u32> = FxHashMap::default();
        let mut postings: Vec<Vec<(SkillIdx, [u16; FIELDS])>> = Vec::new();
        let mut len = vec![[0u16; FIELDS]; n];
        let mut label_toks = vec![Vec::new(); n];
        let mut tf: FxHashMap<u32, [u16; FIELDS]> = FxHashMap::default();
        // The catalogue is compiled in and linted by mm-micro's tests; were it
        // unreadable, ranking would only lose this evidence.
        let micro = crate::micro_text::by_skill(tax).unwrap_or_else(|_| vec![Vec::new(); n]);
        let mut esco_label_terms: FxHashSet<String> = FxHashSet::default();
        for (i, s) in tax.skills.iter().enumerate() {
            tf.clear();
            // Alternative labels and our aliases (technology names and
            // spellings: `golang`, `Excel`), matched alike.
            let alt: Vec<(Vec<String>, usize)> = s
                .alt
                .iter()
                .chain(&s.aliases)
                .map(|a| terms_of(&tokens(a), &stop, &stemmer, true))
                .collect();
            let fields: [(Vec<String>, usize); FIELDS] = [
                terms_of(&tokens(&s.preferred), &stop, &stemmer, true),
                (
                    alt.iter().flat_map(|a| a.0.iter().cloned()).collect(),
                    alt.iter().map(|a| a.1).sum(),
                ),
                terms_of(&tokens(&s.description), &stop, &stemmer, false),
                {
                    let m: Vec<(Vec<String>, usize)> = micro[i]
                        .iter()
                        .map(|t| terms_of(&tokens(&t.text), &stop, &stemmer, true))
                        .collect();
                    (
                        m.iter().flat_map(|a| a.0.iter().cloned()).collect(),
                        m.iter().map(|a| a.1).sum(),
                    )
                },
            ];
            if s.skill_type != crate::model::SkillType::Technology {
                esco_label_terms.extend(fields[0].0.iter().chain(&fields[1].0).cloned());
            }
            for (f, (toks, words)) in fields.iter().enumerate() {
                for t in toks {
                    let id = match vocab.get(t) {
                        Some(&id) => id,
                        None => {
                            let id = vocab.len() as u32;
                            vocab.insert(t.clone(), id);
                            postings.push(Vec::new());
                            id
                        }
                    };
                    let e = tf.entry(id).or_insert([0; FIELDS]);
                    e[f] = e[f].saturating_add(1);
                    if f == 0
                        && !t.contains(' ')
                        && !t.starts_with('~')
                        && !label_toks[i].contains(&id)
                    {
                        label_toks[i].push(id);
                    }
                }
                len[i][f] = u16::try_from(*words).unwrap_or(u16::MAX);
            }
            for (&id, &c) in &tf {
                postings[id as usize].push((i as SkillIdx, c));
            }
        }
        let mut avg = [0f32; FIELDS];
        for l in &len {
            for f in 0..FIELDS {
                avg[f] += f32::from(l[f]);
            }
        }
        for a in &mut avg[..FIELDS - 1] {
            *a = (*a / n.max(1) as f32).max(1.0);
        }
        // Few skills have catalogue text: its length is normal among those.
        let with_micro = len.iter().filter(|l| l[FIELDS - 1] > 0).count();
        avg[FIELDS - 1] = (avg[FIELDS - 1] / with_micro.max(1) as f32).max(1.0);
        let idf = postings
            .iter()
            .map(|p| {
                let df = p.len() as f32;
                ((n as f32 - df + 0.5) / (df + 0.5) + 1.0).ln()
            })
            .collect();
        let prior = tax
            .skills
            .iter()
            .map(|s| (1.0 + s.occupations.len() as f32).ln())
            .collect();
        let broader = tax
            .skills
            .iter()
            .map(|s| {
                s.broader
                    .iter()
                    .filter_map(|c| match c {
                        ConceptRef::Skill(p) => Some(*p),
                        ConceptRef::Group(_) => None,
                    })
                    .collect()
            })
            .collect();
        // Label words (not description words: a user names skills the way
        // labels do) for typo correction.
        let mut seen: FxHashSet<String> = FxHashSet::default();
        let mut by_len: Vec<Vec<(String, u32)>> = Vec::new();
        for s in &tax.skills {
            for l in std::iter::once(&s.preferred)
                .chain(&s.alt)
                .chain(&s.aliases)
            {
                for t in tokens(l) {
                    if t.len() < 5
                        || !t.bytes().all(|b| b.is_ascii_lowercase())
                        || seen.contains(&t)
                    {
                        continue;
                    }
                    if let Some(&id) = vocab.get(&stem(&stemmer, &t)) {
                        let c = t.len();
                        if by_len.len() <= c {
                            by_len.resize_with(c + 1, Vec::new);
                        }
                        by_len[c].push((t.clone(), id));
                        seen.insert(t);
                    }
                }
            }
        }
        let mut exact: FxHashMap<String, Vec<SkillIdx>> = FxHashMap::default();
        let mut exact_preferred: FxHashMap<String, usize> = FxHashMap::default();
        for pass in 0..2 {
            for (i, s) in tax.skills.iter().enumerate() {
                let labels: Vec<&String> = if pass == 0 {
                    vec![&s.preferred]
                } else {
                    s.alt.iter().chain(&s.aliases).collect()
                };
                for l in labels {
                    let key = stem_key(&tokens(l), &stop, &stemmer);
                    if key.is_empty() {
                        continue;
                    }
                    let e = exact.entry(key.clone()).or_default();
                    if !e.contains(&(i as SkillIdx)) {
                        e.push(i as SkillIdx);
                        if pass == 0 {
                            *exact_preferred.entry(key).or_default() += 1;
                        }
                    }
                }
            }
        }
        let mut micro_phrases: FxHashMap<String, Vec<(SkillIdx, u32)>> = FxHashMap::default();
        for (i, texts) in micro.iter().enumerate() {
            let mut seen: FxHashSet<String> = FxHashSet::default();
            for t in texts {
                seen.clear();
                let stems: Vec<String> = tokens(&t.text)
                    .iter()
                    .filter(|w| !stop.contains(w.as_str()))
                    .map(|w| stem(&stemmer, w))
                    .collect();
                for n in 2..=3 {
                    for w in stems.windows(n) {
                        let key = w.join(" ");
                        if !seen.insert(key.clone()) {
                            continue;
                        }
                        // An entry's main parent counts twice.
                        let n = if t.main { 2 } else { 1 };
                        let e = micro_phrases.entry(key).or_default();
                        match e.iter_mut().find(|x| x.0 == i as SkillIdx) {
                            Some(x) => x.1 += n,
                            None => e.push((i as SkillIdx, n)),
                        }
                    }
                }
            }
        }
        for v in micro_phrases.values_mut() {
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        let mut is_pair = vec![false; vocab.len()];
        let esco_label_words: FxHashSet<u32> = esco_label_terms
            .iter()
            .filter_map(|t| vocab.get(t).copied())
            .collect();
        for (t, &id) in &vocab {
            is_pair[id as usize] = t.contains(' ');
        }
        Mapper {
            is_pair,
            exact,
            exact_preferred,
            micro_phrases,
            esco_label_words,
            by_len,
            stemmer,
            vocab,
            postings,
            len,
            avg,
            idf,
            label_toks,
            prior,
            broader,
            extractor: Extractor::new(tax),
            stop,
            weights: Weights::default(),
        }
    }

    /// The `top` best skills for `text`, best first, with their scores.
    /// Skills with no word in common with the text are not returned.
    pub fn rank(&self, text: &str, top: usize) -> Vec<(SkillIdx, f32)> {
        let w = self.weights;
        let mut q = self.query_terms(text);
        q.sort_unstable();
        q.dedup();
        let fw = [w.preferred, w.alt, w.description, w.micro];
        let mut score: FxHashMap<SkillIdx, f32> = FxHashMap::default();
        for &t in &q {
            let idf = self.idf[t as usize]
                * if self.is_pair[t as usize] {
                    w.pair
                } else {
                    1.0
                };
            for &(d, tf) in &self.postings[t as usize] {
                let mut s = 0.0;
                for f in 0..FIELDS {
                    if tf[f] == 0 {
                        continue;
                    }
                    let tf_f = f32::from(tf[f]);
                    // More catalogue entries under a skill are more evidence,
                    // not a longer label: that field is barely normalised.
                    let b = if f == FIELDS - 1 { w.b_micro } else { w.b };
                    let norm = 1.0 - b + b * f32::from(self.len[d as usize][f]) / self.avg[f];
                    s += fw[f] * tf_f * (w.k1 + 1.0) / (tf_f + w.k1 * norm);
                }
                *score.entry(d).or_default() += idf * s;
            }
        }
        let qset: FxHashSet<u32> = q.iter().copied().collect();
        if w.head > 0.0
            && let Some(h) = self.head_verb(text)
        {
            for (d, s) in score.iter_mut() {
                if self.label_toks[*d as usize].first() == Some(&h) {
                    *s += w.head;
                }
            }
        }
        for (d, s) in score.iter_mut() {
            let lt = &self.label_toks[*d as usize];
            if !lt.is_empty() {
                let hit = lt.iter().filter(|t| qset.contains(t)).count() as f32;
                *s += w.coverage * hit / lt.len() as f32 * hit.min(2.0);
            }
            *s += w.prior * self.prior[*d as usize];
        }
        let mut scratch = Scratch::default();
        for m in self.extractor.find_with(text, &mut scratch) {
            *score.entry(m.skill).or_default() += w.mention;
        }
        if w.broader > 0.0 {
            let add: Vec<(SkillIdx, f32)> = score
                .iter()
                .flat_map(|(&d, &s)| {
                    self.broader[d as usize]
                        .iter()
                        .map(move |&p| (p, s * w.broader))
                })
                .collect();
            for (p, s) in add {
                if let Some(v) = score.get_mut(&p) {
                    *v += s;
                }
            }
        }
        let mut v: Vec<(SkillIdx, f32)> = score.into_iter().collect();
        let top = top.min(v.len());
        if top == 0 {
            return Vec::new();
        }
        v.select_nth_unstable_by(top - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(top);
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// The stem of the text's first word when it is a gerund of 6+ letters
    /// (`grooming` → `groom`), as an index term.
    fn head_verb(&self, text: &str) -> Option<u32> {
        let toks = self.corrected_tokens(text);
        let first = toks.first()?;
        if first.len() < 6 || !first.ends_with("ing") {
            return None;
        }
        self.vocab.get(&stem(&self.stemmer, first)).copied()
    }

    /// The index terms of a query: stems and neighbouring-stem pairs, with
    /// each unknown word of 5+ letters replaced by the closest label word
    /// within [`max_typos`] edits (`custmer` → `customer`).
    fn query_terms(&self, text: &str) -> Vec<u32> {
        let toks = self.corrected_tokens(text);
        let (terms, _) = terms_of(&toks, &self.stop, &self.stemmer, true);
        terms
            .iter()
            .filter_map(|t| self.vocab.get(t.as_str()).copied())
            .collect()
    }

    /// Whether some content word of `text` is in the index (by its stem) or
    /// passes `also` (e.g. a whole word of the static model's vocabulary).
    pub fn has_known_word(&self, text: &str, also: impl Fn(&str) -> bool) -> bool {
        let mut yes = false;
        let mut buf = String::new();
        crate::normalize::for_each_token(text, |a, b| {
            if yes {
                return;
            }
            crate::normalize::fold_token(&text[a..b], &mut buf);
            if !self.stop.contains(buf.as_str())
                && (known(&self.vocab, &self.stemmer, &buf) || also(&buf))
            {
                yes = true;
            }
        });
        yes
    }

    /// How many words of `text` are not stop words.
    pub fn content_words(&self, text: &str) -> usize {
        let mut n = 0;
        let mut buf = String::new();
        crate::normalize::for_each_token(text, |a, b| {
            crate::normalize::fold_token(&text[a..b], &mut buf);
            n += usize::from(!self.stop.contains(buf.as_str()));
        });
        n
    }

    /// The folded content words of `text`, typos corrected.
    fn corrected_tokens(&self, text: &str) -> Vec<String> {
        let toks: Vec<String> = tokens(text)
            .into_iter()
            .filter(|t| !self.stop.contains(t.as_str()))
            .collect();
        let fix = toks.len() <= self.weights.typo_max_words;
        toks.into_iter()
            .map(|t| {
                if !fix || known(&self.vocab, &self.stemmer, &t) {
                    t
                } else {
                    self.correct(&t).unwrap_or(t)
                }
            })
            .collect()
    }

    /// `text` with each unknown word of 5+ letters replaced by its
    /// correction (`custmer service` → `customer service`); other words
    /// are kept as written.
    pub fn corrected(&self, text: &str) -> String {
        let mut words = 0;
        crate::normalize::for_each_token(text, |_, _| words += 1);
        if words > self.weights.typo_max_words {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        let mut buf = String::new();
        crate::normalize::for_each_token(text, |a, b| {
            crate::normalize::fold_token(&text[a..b], &mut buf);
            if !self.stop.contains(buf.as_str())
                && !known(&self.vocab, &self.stemmer, &buf)
                && let Some(c) = self.correct(&buf)
            {
                out.push_str(&text[last..a]);
                out.push_str(&c);
                last = b;
            }
        });
        out.push_str(&text[last..]);
        out
    }

    /// Skills one of whose labels says exactly what `text` says (same
    /// content-word stems in the same order, typos corrected), owners of a
    /// preferred label first.
    pub fn exact(&self, text: &str) -> &[SkillIdx] {
        self.exact_split(text).0
    }

    /// As [`Mapper::exact`], with how many of the skills (the first ones)
    /// have that label as their preferred label.
    pub fn exact_split(&self, text: &str) -> (&[SkillIdx], usize) {
        let toks = self.corrected_tokens(text);
        let key = stem_key(&toks, &self.stop, &self.stemmer);
        (
            self.exact.get(&key).map_or(&[], Vec::as_slice),
            self.exact_preferred.get(&key).copied().unwrap_or(0),
        )
    }

    /// Skills under which the micro-skill catalogue says exactly what
    /// `text` says (2–3 content words: "pivot tables" in "Summarise a sheet
    /// with a pivot table"), with how many entries say it (twice for their
    /// main parent), most first.
    pub fn micro_exact(&self, text: &str) -> &[(SkillIdx, u32)] {
        let toks = self.corrected_tokens(text);
        let key = stem_key(&toks, &self.stop, &self.stemmer);
        self.micro_phrases.get(&key).map_or(&[], Vec::as_slice)
    }

    /// Whether `text` has a content word no ESCO label uses (`pivot`):
    /// where the catalogue's words are the only evidence there is.
    pub fn has_word_no_label_uses(&self, text: &str) -> bool {
        let toks = self.corrected_tokens(text);
        toks.iter()
            .filter(|t| !self.stop.contains(t.as_str()))
            .any(|t| {
                self.vocab
                    .get(&stem(&self.stemmer, t))
                    .is_none_or(|id| !self.esco_label_words.contains(id))
            })
    }

    /// The label word closest to an unknown `word` (fewest edits, then the
    /// most skills using it), if one is within reach (1 edit for 5–8 letters, 2 from 9).
    pub fn correct(&self, word: &str) -> Option<String> {
        if !word.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        let n = word.len();
        let k = max_typos(n);
        if k == 0 {
            return None;
        }
        let mut best: Option<(usize, usize, &str)> = None;
        for len in n.saturating_sub(k)..=n + k {
            let Some(bucket) = self.by_len.get(len) else {
                continue;
            };
            for (w, id) in bucket {
                let d = strsim::osa_distance(word, w);
                if d == 0 || d > k {
                    continue;
                }
                let df = self.postings[*id as usize].len();
                let better = match best {
                    None => true,
                    Some((bd, bdf, _)) => d < bd || (d == bd && df > bdf),
                };
                if better {
                    best = Some((d, df, w));
                }
            }
        }
        best.map(|(_, _, w)| w.to_string())
    }

    /// The extractor the mapper uses for exact label matches.
    pub fn extractor(&self) -> &Extractor {
        &self.extractor
    }
}

/// How [`PhraseMapper`] merges its two rankings: weighted reciprocal-rank
/// fusion, `score = Σ weight / (k + rank)` over the top `depth` of each.
#[derive(Debug, Clone, Copy)]
pub struct Fusion {
    pub k: f32,
    pub lexical: f32,
    pub semantic: f32,
    pub depth: usize,
    /// Semantic hits below this cosine are dropped (a phrase of unknown or
    /// empty words must not produce confident-looking skills).
    pub min_cosine: f32,
    /// Texts of more content words than this are sentences, not phrases: a
    /// mean of token vectors blurs over a sentence, so the semantic ranking
    /// gets `semantic_long` instead of `semantic`.
    pub phrase_words: usize,
    pub semantic_long: f32,
    /// A semantic first place at least this close, and at least `sure_gap`
    /// ahead of the second, is a paraphrase (`data cleaning` → *perform
    /// data cleansing*): it goes first, after exact label matches.
    pub sure_cosine: f32,
    pub sure_gap: f32,
    /// Weight of the ranking of skills under which the micro-skill
    /// catalogue says the phrase ([`Mapper::micro_exact`]).
    pub micro: f32,
}

impl Default for Fusion {
    fn default() -> Fusion {
        // Chosen on development data only (examples/tune_fusion.rs: the
        // development half of the everyday phrases and the two VALIDATION
        // splits): a small k lets a clear first place count, lexical
        // weighs 1.5 (exact wording is strong evidence), and in sentences
        // the semantic side only breaks ties.
        Fusion {
            k: 10.0,
            lexical: 1.5,
            semantic: 1.0,
            depth: 100,
            min_cosine: 0.3,
            phrase_words: 6,
            semantic_long: 0.3,
            sure_cosine: 0.9,
            sure_gap: 0.05,
            micro: 1.5,
        }
    }
}

/// Weighted reciprocal-rank fusion of rankings, best first (ties by index).
pub fn fuse(lists: &[(&[(SkillIdx, f32)], f32)], k: f32, top: usize) -> Vec<(SkillIdx, f32)> {
    let mut s: FxHashMap<SkillIdx, f32> = FxHashMap::default();
    for (list, weight) in lists {
        for (r, &(i, _)) in list.iter().enumerate() {
            *s.entry(i).or_default() += weight / (k + r as f32 + 1.0);
        }
    }
    let mut v: Vec<(SkillIdx, f32)> = s.into_iter().collect();
    v.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    v.truncate(top);
    v
}

/// The default phrase → skill mapper: the lexical [`Mapper`] and the shipped
/// static embedding model ([`crate::static_embed`]), fused by rank.
/// Immutable; share it across threads.
#[derive(Debug)]
pub struct PhraseMapper {
    lexical: Mapper,
    model: StaticModel,
    vectors: ConceptVectors,
    /// Per skill: true for a technology concept (`mm:tech/…`).
    is_tech: Vec<bool>,
    /// Per skill: the ESCO skills a technology stands for (its name's and
    /// its O*NET commodity category's links: Microsoft Power BI → *business
    /// intelligence*); empty for other skills.
    tech_covers: Vec<Vec<SkillIdx>>,
    pub fusion: Fusion,
}

impl PhraseMapper {
    /// Index every skill of `tax` with the model shipped in the binary.
    ///
    /// # Errors
    /// [`crate::Error::Invalid`] if the embedded model is corrupt.
    pub fn new(tax: &Taxonomy) -> crate::Result<PhraseMapper> {
        Ok(PhraseMapper::with_model(tax, StaticModel::load_embedded()?))
    }

    /// Index every skill of `tax` with `model`.
    pub fn with_model(tax: &Taxonomy, model: StaticModel) -> PhraseMapper {
        let (lexical, vectors) = rayon::join(
            || Mapper::new(tax),
            || ConceptVectors::for_skills(&model, tax),
        );
        let is_tech: Vec<bool> = (0..tax.skills.len())
            .map(|i| tax.is_technology(i as SkillIdx))
            .collect();
        let tech_covers = (0..tax.skills.len())
            .map(|i| {
                let i = i as SkillIdx;
                if !tax.is_technology(i) && tax.skill(i).technologies.is_empty() {
                    return Vec::new();
                }
                tax.covered_by_holding(i)
                    .into_iter()
                    .filter(|&c| c != i && !is_tech[c as usize])
                    .collect()
            })
            .collect();
        PhraseMapper {
            lexical,
            model,
            vectors,
            is_tech,
            tech_covers,
            fusion: Fusion::default(),
        }
    }

    /// The fused ranking: the `top` best skills for `text`, best first, with
    /// their fusion scores.
    pub fn rank(&self, text: &str, top: usize) -> Vec<(SkillIdx, f32)> {
        let f = self.fusion;
        let lex = self.lexical.rank(text, f.depth.max(top));
        let ws = if self.lexical.content_words(text) > f.phrase_words {
            f.semantic_long
        } else {
            f.semantic
        };
        let sem = if ws > 0.0 {
            self.rank_static(text, f.depth.max(top))
        } else {
            Vec::new()
        };
        // The curated catalogue says exactly this phrase under some skills
        // ("pivot tables" under *use spreadsheets software*): a third ranking.
        // Only where ESCO's labels lack a word of the phrase (`pivot`), and
        // only a clear favourite: the skill the catalogue says it under
        // most, at least twice and more often than under any other.
        let micro: Vec<(SkillIdx, f32)> = match self.lexical.micro_exact(text) {
            [(i, n), rest @ ..]
                if ws == f.semantic
                    && *n >= 2
                    && rest.first().is_none_or(|r| r.1 < *n)
                    && self.lexical.has_word_no_label_uses(text) =>
            {
                vec![(*i, 0.0)]
            }
            _ => Vec::new(),
        };
        let mut v = fuse(
            &[(&lex, f.lexical), (&sem, ws), (&micro, f.micro)],
            f.k,
            top + 8 + f.depth,
        );
        // A technology counts only where the text names it (its name or an
        // alias, as the extractor finds it): `Majestic SEO` is no answer to
        // "SEO", nor `Power Diary` to "diary management". A named one brings
        // the ESCO skills it stands for: before it when the text says more
        // than its name ("build dashboards in Power BI" is about *business
        // intelligence*), after it otherwise ("Excel").
        let mentions = self.names_in(text);
        let named: Vec<SkillIdx> = mentions
            .iter()
            .map(|m| m.skill)
            .filter(|&i| self.is_tech[i as usize])
            .collect();
        v.retain(|(i, _)| !self.is_tech[*i as usize] || named.contains(i));
        let more_than_names = self.lexical.content_words(text)
            > mentions
                .iter()
                .map(|m| self.lexical.content_words(&text[m.start..m.end]))
                .sum::<usize>();
        for &t in named.iter().rev() {
            let covers = &self.tech_covers[t as usize];
            if covers.is_empty() {
                continue;
            }
            let score_of = |i: SkillIdx| v.iter().find(|x| x.0 == i).map_or(0.0, |x| x.1);
            let ts = score_of(t).max(v.first().map_or(0.0, |x| x.1));
            // The covered skills in the order the rankers put them.
            let mut cs: Vec<(SkillIdx, f32)> = covers.iter().map(|&c| (c, score_of(c))).collect();
            cs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.retain(|(i, _)| *i != t && !covers.contains(i));
            let mut block: Vec<SkillIdx> = cs.iter().map(|c| c.0).collect();
            if more_than_names {
                block.push(t);
            } else {
                block.insert(0, t);
            }
            let n = block.len() as f32;
            for (r, &i) in block.iter().enumerate().rev() {
                v.insert(0, (i, ts + 1.0 + (n - r as f32) * 1e-3));
            }
        }
        // A label that says exactly what the text says goes first, then a
        // clear semantic paraphrase.
        let (owners, preferred) = self.lexical.exact_split(text);
        let mut exact = owners.to_vec();
        // Several skills sharing the text as an alternative label ("welding"):
        // the one the rankers put higher first.
        let score_of = |i: SkillIdx| v.iter().find(|x| x.0 == i).map_or(0.0, |x| x.1);
        exact[preferred..].sort_by(|&a, &b| score_of(b).total_cmp(&score_of(a)).then(a.cmp(&b)));
        if ws == f.semantic
            && let Some(first) = self.sure(&sem)
            && !exact.contains(&first)
        {
            exact.push(first);
        }

        // The extractor reads the whole text as one label: its sense wins
        // over a technology that merely shares the alias ("SEO" is the
        // practice, not Moz's SEO software).
        let (a, b) = (text.len() - text.trim_start().len(), text.trim_end().len());
        if let Some(w) = mentions.iter().find(|m| m.start == a && m.end == b) {
            exact.retain(|&i| !self.is_tech[i as usize] || i == w.skill);
            if !exact.contains(&w.skill) {
                exact.insert(0, w.skill);
            }
        }
        // A technology named exactly ("Excel") is followed by the ESCO
        // skills it stands for (*use spreadsheets software*).
        let mut i = 0;
        while i < exact.len() {
            let t = exact[i] as usize;
            i += 1;
            if self.is_tech[t] {
                for &c in &self.tech_covers[t] {
                    if !exact.contains(&c) {
                        exact.insert(i, c);
                        i += 1;
                    }
                }
            }
        }
        if !exact.is_empty() {
            let lead = v.first().map_or(1.0, |x| x.1) + 1.0;
            v.retain(|(i, _)| !exact.contains(i));
            for (r, &i) in exact.iter().enumerate().rev() {
                v.insert(0, (i, lead + (exact.len() - r) as f32 * 1e-3));
            }
        }
        v.truncate(top);
        v
    }

    /// What the extractor finds in `text`; for text typed all in lower case
    /// ("excel vlookup"), also the technologies it finds once each word is
    /// capitalised, since the case that tells `Excel` from *excel* in a
    /// posting says nothing in a phrase typed into a search box. The gates
    /// still apply: "access control" does not name Microsoft Access.
    fn names_in(&self, text: &str) -> Vec<crate::extract::Mention> {
        let ex = self.lexical.extractor();
        let mut found = ex.find(text);
        if !text.bytes().any(|b| b.is_ascii_uppercase()) {
            let mut prev = ' ';
            let titled: String = text
                .chars()
                .map(|c| {
                    let out = if !prev.is_alphanumeric() {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    };
                    prev = c;
                    out
                })
                .collect();
            for m in ex.find(&titled) {
                if self.is_tech[m.skill as usize] && !found.iter().any(|f| f.start == m.start) {
                    found.push(m);
                }
            }
            found.sort_by_key(|m| m.start);
        }
        found
    }

    /// The first of a semantic ranking when it is a clear paraphrase
    /// ([`Fusion::sure_cosine`], [`Fusion::sure_gap`]).
    fn sure(&self, sem: &[(SkillIdx, f32)]) -> Option<SkillIdx> {
        let f = self.fusion;
        match sem {
            [(first, c1), rest @ ..]
                if *c1 >= f.sure_cosine
                    && rest.first().is_none_or(|&(_, c2)| c1 - c2 >= f.sure_gap) =>
            {
                Some(*first)
            }
            _ => None,
        }
    }

    /// The one skill a short name such as a held skill ("bookkeeping",
    /// "forklift driving") clearly stands for: a skill with exactly that
    /// label (a preferred label first), else a clear semantic paraphrase.
    /// `None` when the name is ambiguous or unknown; show
    /// [`PhraseMapper::rank`] as suggestions then.
    pub fn link(&self, name: &str) -> Option<SkillIdx> {
        if let Some(&i) = self.lexical.exact(name).first() {
            return Some(i);
        }
        if self.lexical.content_words(name) > self.fusion.phrase_words {
            return None;
        }
        self.sure(&self.rank_static(name, 2))
    }

    /// The semantic ranking alone: skills by the cosine of their closest
    /// label to `text` (at least [`Fusion::min_cosine`]).
    /// Text with no word that either ranker knows as a word (stop words
    /// only, gibberish) gives nothing.
    pub fn rank_static(&self, text: &str, top: usize) -> Vec<(SkillIdx, f32)> {
        let text = self.lexical.corrected(text);
        if !self
            .lexical
            .has_known_word(&text, |w| self.model.is_word(w))
        {
            return Vec::new();
        }
        let Some(q) = self.model.encode(&text) else {
            return Vec::new();
        };
        let mut v = self.vectors.rank(&q, top);
        v.retain(|&(_, c)| c >= self.fusion.min_cosine);
        v
    }

    /// The lexical ranker inside.
    pub fn lexical(&self) -> &Mapper {
        &self.lexical
    }

    /// The lexical ranker inside, to adjust its weights.
    pub fn lexical_mut(&mut self) -> &mut Mapper {
        &mut self.lexical
    }

    /// The static model inside.
    pub fn model(&self) -> &StaticModel {
        &self.model
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_rank_the_obvious_skill_first() {
        let tax = Taxonomy::load_embedded().unwrap();
        let m = Mapper::new(&tax);
        let top = |q: &str| -> Vec<String> {
            m.rank(q, 5)
                .into_iter()
                .map(|(i, _)| tax.skill(i).preferred.clone())
                .collect()
        };
        assert_eq!(top("Python")[0], "Python (computer programming)");
        assert!(
            top("bookkeeping for small firms")
                .iter()
                .any(|l| l.contains("bookkeeping"))
        );
        assert!(
            top("experience with unit testing and continuous integration")
                .iter()
                .any(|l| l.contains("test")),
        );
        assert!(m.rank("the of and", 5).is_empty());
        assert!(m.rank("", 5).is_empty());
    }
}
