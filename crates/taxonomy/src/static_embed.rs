//! The shipped static phrase-embedding model: semantic skill ranking that
//! works on a fresh machine, with nothing downloaded and no neural network
//! run at query time.
//!
//! The model (`data/taxonomy/static-embed.bin.zst`, built by
//! `scripts/build-static-embeddings.py`) holds one vector per WordPiece token
//! of all-MiniLM-L6-v2's vocabulary: the transformer's own embedding of the
//! token, reduced by PCA to 256 dimensions and tuned by ridge regression on
//! ESCO labels and descriptions and on the SkillSkape TRAIN split (see
//! docs/taxonomy.md). A phrase's vector is the mean of its tokens' vectors,
//! L2-normalised; skills are ranked by cosine against precomputed concept
//! vectors (one per preferred and alternative label, a skill scoring its best
//! label).
//!
//! ```no_run
//! use mm_taxonomy::{Taxonomy, static_embed::{StaticModel, ConceptVectors}};
//! let tax = Taxonomy::load_embedded()?;
//! let model = StaticModel::load_embedded()?;
//! let index = ConceptVectors::for_skills(&model, &tax);
//! let q = model.encode("pivot tables").expect("has tokens");
//! for (skill, cos) in index.rank(&q, 5) {
//!     println!("{} {cos:.2}", tax.skill(skill).preferred);
//! }
//! # Ok::<(), mm_taxonomy::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::model::{SkillIdx, Taxonomy};
use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

/// The compiled model, shipped inside the binary.
static EMBEDDED: &[u8] = include_bytes!("../../../data/taxonomy/static-embed.bin.zst");

const MAGIC: &[u8] = b"MMSTATIC1\n";
/// Words longer than this (in chars) are one unknown token, as in BERT.
const MAX_WORD_CHARS: usize = 100;

/// A static token-embedding model with its WordPiece tokenizer. Immutable;
/// share it across threads.
pub struct StaticModel {
    dim: usize,
    /// Token string (`##` prefix for continuations) → id.
    vocab: FxHashMap<String, u32>,
    /// `vocab.len() × dim`, row-major.
    vecs: Vec<f32>,
}

impl std::fmt::Debug for StaticModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticModel")
            .field("tokens", &self.vocab.len())
            .field("dim", &self.dim)
            .finish()
    }
}

fn invalid(what: &str) -> Error {
    Error::Invalid(format!("static embedding model: {what}"))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| invalid("truncated header"))
}

impl StaticModel {
    /// The model compiled into the binary.
    ///
    /// # Errors
    /// [`Error::Invalid`] if the embedded file is corrupt (a build problem).
    pub fn load_embedded() -> Result<StaticModel> {
        StaticModel::from_compressed(EMBEDDED)
    }

    /// Read a model file (zstd-compressed; layout in
    /// `scripts/build-static-embeddings.py`).
    ///
    /// # Errors
    /// [`Error::Invalid`] if the bytes are not a model file.
    pub fn from_compressed(bytes: &[u8]) -> Result<StaticModel> {
        let raw = zstd::decode_all(bytes).map_err(|e| invalid(&format!("not zstd: {e}")))?;
        StaticModel::from_raw(&raw)
    }

    fn from_raw(b: &[u8]) -> Result<StaticModel> {
        if !b.starts_with(MAGIC) {
            return Err(invalid("bad magic (not an mm static model)"));
        }
        let mut at = MAGIC.len();
        let n = u32_at(b, at)? as usize;
        let dim = u32_at(b, at + 4)? as usize;
        let vlen = u32_at(b, at + 8)? as usize;
        at += 12;
        if dim == 0 || n == 0 {
            return Err(invalid("empty model"));
        }
        let vocab_text = b
            .get(at..at + vlen)
            .and_then(|s| std::str::from_utf8(s).ok())
            .ok_or_else(|| invalid("bad vocabulary"))?;
        at += vlen;
        let words: Vec<&str> = vocab_text.split('\n').collect();
        if words.len() != n {
            return Err(invalid("vocabulary size does not match the header"));
        }
        let scales = b
            .get(at..at + 4 * n)
            .ok_or_else(|| invalid("truncated scales"))?;
        at += 4 * n;
        let q = b
            .get(at..at + n * dim)
            .ok_or_else(|| invalid("truncated matrix"))?;
        let mut vecs = Vec::with_capacity(n * dim);
        for (row, s) in q.chunks_exact(dim).zip(scales.chunks_exact(4)) {
            let s = f32::from_le_bytes([s[0], s[1], s[2], s[3]]);
            vecs.extend(row.iter().map(|&x| f32::from(x as i8) * s));
        }
        let mut vocab = FxHashMap::default();
        for (i, w) in words.iter().enumerate() {
            vocab.entry((*w).to_string()).or_insert(i as u32);
        }
        Ok(StaticModel { dim, vocab, vecs })
    }

    /// Whether `word` (lower case) is one whole token of the vocabulary,
    /// i.e. a word the model learned as such rather than from pieces.
    pub fn is_word(&self, word: &str) -> bool {
        self.vocab.contains_key(word)
    }

    /// Vector dimensions.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The WordPiece token ids of `text` (BERT uncased: lower case, accents
    /// stripped, punctuation split off), appended to `out`; unknown words are
    /// left out.
    pub fn token_ids(&self, text: &str, out: &mut Vec<u32>) {
        let mut word = String::new();
        let mut piece = String::new();
        let mut flush = |word: &mut String, out: &mut Vec<u32>| {
            if !word.is_empty() {
                self.wordpiece(word, &mut piece, out);
                word.clear();
            }
        };
        for c in text.nfd() {
            if is_mark(c) || c == '\0' || c == '\u{fffd}' || (c.is_control() && !c.is_whitespace())
            {
                continue;
            }
            if c.is_whitespace() {
                flush(&mut word, out);
            } else if is_punct(c) || is_cjk(c) {
                flush(&mut word, out);
                word.push(c);
                flush(&mut word, out);
            } else {
                word.extend(c.to_lowercase());
            }
        }
        flush(&mut word, out);
    }

    /// Greedy longest-match-first WordPiece of one basic token.
    fn wordpiece(&self, word: &str, piece: &mut String, out: &mut Vec<u32>) {
        if word.chars().count() > MAX_WORD_CHARS {
            return;
        }
        let start_len = out.len();
        let mut start = 0;
        while start < word.len() {
            let mut end = word.len();
            let mut found = None;
            while end > start {
                piece.clear();
                if start > 0 {
                    piece.push_str("##");
                }
                piece.push_str(&word[start..end]);
                if let Some(&id) = self.vocab.get(piece.as_str()) {
                    found = Some(id);
                    break;
                }
                // Step back one char.
                end = word[..end]
                    .char_indices()
                    .next_back()
                    .map_or(start, |(i, _)| i);
            }
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    // BERT makes the whole word [UNK]; we drop it.
                    out.truncate(start_len);
                    return;
                }
            }
        }
    }

    /// Add the mean vector of `ids` into `out` (length [`Self::dim`]) and
    /// L2-normalise it. Returns false (and zeroes `out`) when `ids` is empty.
    pub fn mean_into(&self, ids: &[u32], out: &mut [f32]) -> bool {
        out.iter_mut().for_each(|x| *x = 0.0);
        if ids.is_empty() {
            return false;
        }
        let d = self.dim;
        for &t in ids {
            let row = &self.vecs[t as usize * d..(t as usize + 1) * d];
            for (o, v) in out.iter_mut().zip(row) {
                *o += v;
            }
        }
        normalise(out)
    }

    /// The L2-normalised phrase vector of `text`, or `None` when no token
    /// of it is in the vocabulary.
    pub fn encode(&self, text: &str) -> Option<Vec<f32>> {
        let mut ids = Vec::new();
        self.token_ids(text, &mut ids);
        let mut v = vec![0.0; self.dim];
        self.mean_into(&ids, &mut v).then_some(v)
    }
}

fn normalise(v: &mut [f32]) -> bool {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 && n.is_finite() {
        v.iter_mut().for_each(|x| *x /= n);
        true
    } else {
        v.iter_mut().for_each(|x| *x = 0.0);
        false
    }
}

/// A combining mark (Unicode category Mn), dropped after NFD like BERT's
/// accent stripping.
fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// BERT's punctuation: every ASCII non-alphanumeric printable, plus Unicode
/// punctuation and symbols in the common blocks.
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    matches!(c as u32,
        0x00A1..=0x00BF | 0x00D7 | 0x00F7 | 0x2010..=0x2027 | 0x2030..=0x205E
        | 0x2190..=0x23FF | 0x2500..=0x27BF | 0x3000..=0x303F | 0xFF01..=0xFF0F
        | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F | 0x2B820..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

/// Concept vectors for cosine ranking: one row per label, each row owned by
/// a concept (an ESCO skill); a concept scores its best row. Rows are stored
/// as int8 with one scale each (a query scans all 111 k of them: 28 MB
/// instead of 114 MB of f32, which is what bounds the speed).
#[derive(Debug)]
pub struct ConceptVectors {
    dim: usize,
    rows: Vec<i8>,
    scales: Vec<f32>,
    owner: Vec<SkillIdx>,
    concepts: usize,
}

/// Quantise `v` to int8 into `out`, returning the scale.
fn quantise(v: &[f32], out: &mut Vec<i8>) -> f32 {
    let m = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    let s = if m > 0.0 { m / 127.0 } else { 1.0 };
    out.extend(v.iter().map(|x| (x / s).round().clamp(-127.0, 127.0) as i8));
    s
}

impl ConceptVectors {
    /// Vectors for every ESCO skill of `tax`: its preferred label and each
    /// alternative label.
    pub fn for_skills(model: &StaticModel, tax: &Taxonomy) -> ConceptVectors {
        ConceptVectors::build(
            model,
            tax.skills.iter().enumerate().map(|(i, s)| {
                (
                    i as SkillIdx,
                    std::iter::once(s.preferred.as_str()).chain(s.alt.iter().map(String::as_str)),
                )
            }),
        )
    }

    /// Vectors for any concepts: `(id, labels)` pairs. Labels without a
    /// known token are skipped. Technology concepts or other label sets plug
    /// in here.
    pub fn build<'a, L>(
        model: &StaticModel,
        concepts: impl IntoIterator<Item = (SkillIdx, L)>,
    ) -> ConceptVectors
    where
        L: IntoIterator<Item = &'a str>,
    {
        let d = model.dim();
        let mut rows = Vec::new();
        let mut scales = Vec::new();
        let mut owner = Vec::new();
        let mut ids = Vec::new();
        let mut v = vec![0.0; d];
        let mut max = 0;
        for (c, labels) in concepts {
            max = max.max(c as usize + 1);
            for l in labels {
                ids.clear();
                model.token_ids(l, &mut ids);
                if model.mean_into(&ids, &mut v) {
                    scales.push(quantise(&v, &mut rows));
                    owner.push(c);
                }
            }
        }
        ConceptVectors {
            dim: d,
            rows,
            scales,
            owner,
            concepts: max,
        }
    }

    /// Number of label rows.
    pub fn len(&self) -> usize {
        self.owner.len()
    }

    /// True when no label had a known token.
    pub fn is_empty(&self) -> bool {
        self.owner.is_empty()
    }

    /// The `top` concepts closest to `q` (an L2-normalised vector from
    /// [`StaticModel::encode`]), best first, with their best cosine.
    pub fn rank(&self, q: &[f32], top: usize) -> Vec<(SkillIdx, f32)> {
        let mut best = vec![f32::NEG_INFINITY; self.concepts];
        let mut qi = Vec::with_capacity(self.dim);
        let qs = quantise(q, &mut qi);
        for ((row, &c), &rs) in self
            .rows
            .chunks_exact(self.dim)
            .zip(&self.owner)
            .zip(&self.scales)
        {
            let s = dot_i8(row, &qi) as f32 * rs * qs;
            let b = &mut best[c as usize];
            if s > *b {
                *b = s;
            }
        }
        let mut v: Vec<(SkillIdx, f32)> = best
            .into_iter()
            .enumerate()
            .filter(|(_, s)| s.is_finite())
            .map(|(i, s)| (i as SkillIdx, s))
            .collect();
        let top = top.min(v.len());
        if top == 0 {
            return Vec::new();
        }
        v.select_nth_unstable_by(top - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(top);
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }
}

/// Integer dot product in 16 independent lanes (the compiler vectorises it).
#[inline]
fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    let mut acc = [0i32; 16];
    let (ca, ra) = a.as_chunks::<16>();
    let (cb, rb) = b.as_chunks::<16>();
    for (x, y) in ca.iter().zip(cb) {
        for k in 0..16 {
            // |x|, |y| <= 127, so the product fits in i16: SSE2's pmullw /
            // pmaddwd apply, where an i32 multiply would be scalar.
            acc[k] += i32::from(i16::from(x[k]) * i16::from(y[k]));
        }
    }
    let mut s: i32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += i32::from(*x) * i32::from(*y);
    }
    s
}

/// Dot product of two f32 vectors (tests compare phrases with it).
#[cfg(test)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, ra) = a.as_chunks::<8>();
    let (cb, rb) = b.as_chunks::<8>();
    for (x, y) in ca.iter().zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> StaticModel {
        StaticModel::load_embedded().expect("the shipped model loads")
    }

    fn toks(m: &StaticModel, text: &str) -> Vec<String> {
        let inv: FxHashMap<u32, &str> = m.vocab.iter().map(|(k, &v)| (v, k.as_str())).collect();
        let mut ids = Vec::new();
        m.token_ids(text, &mut ids);
        ids.iter().map(|i| inv[i].to_string()).collect()
    }

    #[test]
    fn wordpiece_matches_bert_uncased() {
        let m = model();
        // Reference splits from the HuggingFace tokenizer of all-MiniLM-L6-v2.
        assert_eq!(toks(&m, "Pivot tables"), ["pi", "##vot", "tables"]);
        assert_eq!(toks(&m, "Kubernetes"), ["ku", "##ber", "##net", "##es"]);
        assert_eq!(
            toks(&m, "naïve résumé – “quoted” x’s"),
            ["naive", "resume", "–", "“", "quoted", "”", "x", "’", "s"]
        );
        assert_eq!(toks(&m, "café, C++!"), ["cafe", ",", "c", "+", "+", "!"]);
        assert_eq!(toks(&m, "  \t "), Vec::<String>::new());
    }

    #[test]
    fn rejects_bytes_that_are_not_a_model() {
        assert!(StaticModel::from_compressed(b"nonsense").is_err());
        let z = zstd::encode_all(&b"MMSTATIC1\n\x01\x00"[..], 1).unwrap();
        assert!(StaticModel::from_compressed(&z).is_err());
    }

    #[test]
    fn similar_phrases_are_closer_than_unrelated_ones() {
        let m = model();
        let cos = |a: &str, b: &str| dot(&m.encode(a).unwrap(), &m.encode(b).unwrap());
        assert!(cos("nursing care", "care for patients") > cos("nursing care", "weld metal"));
        assert!(
            cos("drive a forklift", "operate forklift") > cos("drive a forklift", "bake bread")
        );
        assert!(m.encode("").is_none());
    }
}
