//! The sentence-level skill-linking protocol of Decorte et al. 2023 and
//! D'Oosterlinck et al. 2024 (see the benchmark's README):
//!
//! 1. rows are grouped by `sentence`; the gold set is the distinct `label`s
//!    minus `LABEL NOT PRESENT` and `UNDERSPECIFIED`; sentences with an empty
//!    gold set are not scored;
//! 2. the system ranks distinct ESCO skills (compared by preferred label);
//! 3. RP@K = |top-K ∩ G| / min(K, |G|), averaged, ×100;
//! 4. MRR = mean of 1/rank of the first gold skill within the first
//!    [`MRR_CUTOFF`] (0 if none), ×100.

use crate::error::{Error, Result};
use serde::Serialize;
use std::io::Read;

/// Ranks beyond this count as a miss for MRR.
pub const MRR_CUTOFF: usize = 100;

/// One scored sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub text: String,
    /// Distinct gold ESCO preferred labels.
    pub gold: Vec<String>,
}

/// A benchmark file read into sentences.
#[derive(Debug, Clone)]
pub struct Benchmark {
    pub rows: usize,
    /// Sentences with at least one row.
    pub sentences: usize,
    /// Sentences with a non-empty gold set (the scored ones).
    pub scored: Vec<Sentence>,
}

/// Figures for one file and one ranker (all ×100 except counts).
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Metrics {
    pub sentences: usize,
    pub rp5: f64,
    pub rp10: f64,
    pub mrr: f64,
}

/// Read a benchmark CSV: `sentence` and `label` columns are required,
/// `span` and `sub_span` are optional (and not used by the sentence-level
/// protocol). `name` appears in errors.
///
/// # Errors
/// [`Error::Invalid`] naming the file (and line) for a missing column, a
/// malformed row or invalid UTF-8.
pub fn read_benchmark(rdr: impl Read, name: &str) -> Result<Benchmark> {
    let mut r = csv::ReaderBuilder::new().flexible(false).from_reader(rdr);
    let headers = r
        .headers()
        .map_err(|e| Error::Invalid(format!("{name}: cannot read the header: {e}")))?
        .clone();
    let col = |c: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == c)
    };
    let (Some(cs), Some(cl)) = (col("sentence"), col("label")) else {
        let have: Vec<&str> = headers.iter().collect();
        return Err(Error::Invalid(format!(
            "{name}: a benchmark CSV needs the columns `sentence` and `label` (found: {})",
            if have.iter().all(|h| h.is_empty()) {
                "none, the file is empty".to_string()
            } else {
                have.join(", ")
            }
        )));
    };
    let mut order: Vec<String> = Vec::new();
    let mut gold: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    let mut rows = 0;
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Error::Invalid(format!("{name}:{line}: malformed row: {e}"))
        })?;
        rows += 1;
        let s = rec[cs].to_string();
        let l = rec[cl].trim().to_string();
        let g = gold.entry(s.clone()).or_insert_with(|| {
            order.push(s);
            Vec::new()
        });
        if !l.is_empty() && l != "LABEL NOT PRESENT" && l != "UNDERSPECIFIED" && !g.contains(&l) {
            g.push(l);
        }
    }
    let sentences = order.len();
    let scored = order
        .into_iter()
        .filter_map(|s| {
            let g = gold.remove(&s)?;
            (!g.is_empty()).then_some(Sentence { text: s, gold: g })
        })
        .collect();
    Ok(Benchmark {
        rows,
        sentences,
        scored,
    })
}

/// Score ranked label lists (one per scored sentence, same order).
pub fn score(sentences: &[Sentence], ranked: &[Vec<String>]) -> Metrics {
    let n = sentences.len();
    let (mut rp5, mut rp10, mut mrr) = (0.0, 0.0, 0.0);
    for (s, r) in sentences.iter().zip(ranked) {
        // Distinct labels, in rank order.
        let mut seen = std::collections::HashSet::new();
        let r: Vec<&String> = r.iter().filter(|l| seen.insert(l.as_str())).collect();
        let hits = |k: usize| r.iter().take(k).filter(|l| s.gold.contains(l)).count() as f64;
        rp5 += hits(5) / s.gold.len().min(5) as f64;
        rp10 += hits(10) / s.gold.len().min(10) as f64;
        if let Some(p) = r.iter().take(MRR_CUTOFF).position(|l| s.gold.contains(l)) {
            mrr += 1.0 / (p + 1) as f64;
        }
    }
    let d = n.max(1) as f64;
    Metrics {
        sentences: n,
        rp5: 100.0 * rp5 / d,
        rp10: 100.0 * rp10 / d,
        mrr: 100.0 * mrr / d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "sentence,span,sub_span,label\n\
        a b,a,,alpha\n\
        a b,b,,beta\n\
        a b,b,,beta\n\
        c d,c,,LABEL NOT PRESENT\n\
        e f,e,,UNDERSPECIFIED\n\
        g h,g,,\"gamma, delta\"\n";

    #[test]
    fn groups_and_filters_gold() {
        let b = read_benchmark(CSV.as_bytes(), "t").unwrap();
        assert_eq!((b.rows, b.sentences, b.scored.len()), (6, 4, 2));
        assert_eq!(b.scored[0].gold, ["alpha", "beta"]);
        assert_eq!(b.scored[1].gold, ["gamma, delta"]);
    }

    #[test]
    fn metrics_by_hand() {
        let b = read_benchmark(CSV.as_bytes(), "t").unwrap();
        let ranked = vec![
            // alpha at rank 2, beta at rank 7: RP@5 = 1/2, RP@10 = 2/2, MRR 1/2
            ["x", "alpha", "x", "y", "z", "w", "beta"]
                .map(String::from)
                .to_vec(),
            // nothing
            vec!["nope".to_string()],
        ];
        let m = score(&b.scored, &ranked);
        assert_eq!(m.sentences, 2);
        assert!((m.rp5 - 25.0).abs() < 1e-9);
        assert!((m.rp10 - 50.0).abs() < 1e-9);
        assert!((m.mrr - 25.0).abs() < 1e-9);
    }

    #[test]
    fn duplicates_in_a_ranking_count_once() {
        let b = read_benchmark(CSV.as_bytes(), "t").unwrap();
        let ranked = vec![vec!["alpha".to_string(); 10], vec![]];
        let m = score(&b.scored, &ranked);
        assert!((m.rp5 - 25.0).abs() < 1e-9);
    }

    #[test]
    fn minimal_columns_and_bad_files() {
        let b = read_benchmark("label,sentence\nalpha,s1\n".as_bytes(), "t").unwrap();
        assert_eq!(b.scored[0].gold, ["alpha"]);
        let e = read_benchmark("sentence,span\nx,y\n".as_bytes(), "f.csv").unwrap_err();
        assert!(
            e.to_string().contains("f.csv") && e.to_string().contains("`label`"),
            "{e}"
        );
        let e = read_benchmark("".as_bytes(), "f.csv").unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
        let e = read_benchmark("sentence,label\na,b\nc\n".as_bytes(), "f.csv").unwrap_err();
        assert!(e.to_string().contains("f.csv:3"), "{e}");
        let e = read_benchmark(&b"sentence,label\na,\xff\n"[..], "f.csv").unwrap_err();
        assert!(e.to_string().contains("f.csv:2"), "{e}");
    }
}
