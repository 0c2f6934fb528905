//! Extraction throughput: our extractor (full normalisation) against the plain
//! `aho-corasick` crate over the same ESCO labels, in one run, on the real
//! postings replicated to at least 50 MB (`MM_BENCH_MB` to change).
//!
//!     cargo bench -p mm-taxonomy --bench extract
//!
//! Reads `$MM_SHARED_DIR/data/postings/postings.jsonl` (default
//! `<workspace>/../shared`). Checks the expected match counts: the replicated
//! corpus must yield exactly `copies ×` the matches of one copy, and one
//! thread must agree with all threads.

use aho_corasick::{AhoCorasick, MatchKind};
use mm_taxonomy::Taxonomy;
use mm_taxonomy::extract::{Extractor, Scratch};
use rayon::prelude::*;
use std::time::Instant;

fn peak_rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn shared_dir() -> std::path::PathBuf {
    std::env::var_os("MM_SHARED_DIR")
        .map(Into::into)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

fn main() {
    let path = shared_dir().join("data/postings/postings.jsonl");
    let Ok(raw) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: {} not found (set MM_SHARED_DIR)", path.display());
        return;
    };
    let one: Vec<String> = raw
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect();
    let one_bytes: usize = one.iter().map(String::len).sum();
    let target_mb: usize = std::env::var("MM_BENCH_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let copies = (target_mb << 20).div_ceil(one_bytes);
    let corpus: Vec<&str> = (0..copies)
        .flat_map(|_| one.iter().map(String::as_str))
        .collect();
    let bytes = one_bytes * copies;
    let mb = bytes as f64 / 1e6;
    println!(
        "corpus: {} postings ({:.1} MB) = {} × {} real postings from {}",
        corpus.len(),
        mb,
        copies,
        one.len(),
        path.display()
    );
    let threads = rayon::current_num_threads();

    // --- ours
    let t = Instant::now();
    let tax = Taxonomy::load_embedded().expect("embedded taxonomy");
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let ex = Extractor::new(&tax);
    let build_s = t.elapsed().as_secs_f64();
    let labels: Vec<&str> = tax
        .skills
        .iter()
        .flat_map(|s| std::iter::once(s.preferred.as_str()).chain(s.alt.iter().map(String::as_str)))
        .collect();
    println!(
        "taxonomy load {load_ms:.1} ms; extractor over {} labels ({} distinct normalised) built in {:.3} s",
        labels.len(),
        ex.len(),
        build_s
    );
    let mut s = Scratch::default();
    let expected_one: usize = one.iter().map(|t| ex.find_with(t, &mut s).len()).sum();
    let expected = expected_one * copies;

    let t = Instant::now();
    let mut s = Scratch::default();
    let n1: usize = corpus.iter().map(|t| ex.find_with(t, &mut s).len()).sum();
    let ours_1 = t.elapsed().as_secs_f64();
    assert_eq!(n1, expected, "one-thread match count");

    let t = Instant::now();
    let nn: usize = corpus
        .par_iter()
        .map_init(Scratch::default, |s, t| ex.find_with(t, s).len())
        .sum();
    let ours_n = t.elapsed().as_secs_f64();
    assert_eq!(nn, expected, "all-threads match count");
    let ours_peak = peak_rss_mb();

    println!(
        "mm extractor   1 thread : {:7.1} MB/s {:9.0} postings/s  matches {} (expected {} ✓)",
        mb / ours_1,
        corpus.len() as f64 / ours_1,
        n1,
        expected
    );
    println!(
        "mm extractor {threads:>2} threads: {:7.1} MB/s {:9.0} postings/s  speed-up ×{:.2}  matches {} ✓",
        mb / ours_n,
        corpus.len() as f64 / ours_n,
        ours_1 / ours_n,
        nn
    );
    println!(
        "peak memory after our runs (VmHWM, includes the {mb:.0} MB corpus and the taxonomy): {ours_peak:.0} MB"
    );

    // --- plain aho-corasick: leftmost-longest, ASCII case-insensitive,
    // whole-word filter, no further normalisation.
    let t = Instant::now();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(&labels)
        .expect("aho-corasick build");
    let ac_build = t.elapsed().as_secs_f64();
    let count = |text: &str| -> usize {
        let b = text.as_bytes();
        ac.find_iter(text)
            .filter(|m| {
                (m.start() == 0 || !is_word(b[m.start() - 1]))
                    && (m.end() == b.len() || !is_word(b[m.end()]))
            })
            .count()
    };
    let ac_expected: usize = one.iter().map(|t| count(t)).sum::<usize>() * copies;
    let t = Instant::now();
    let a1: usize = corpus.iter().map(|t| count(t)).sum();
    let ac_1 = t.elapsed().as_secs_f64();
    assert_eq!(a1, ac_expected, "aho-corasick match count");
    println!(
        "aho-corasick   1 thread : {:7.1} MB/s {:9.0} postings/s  matches {} (expected {} ✓)  built in {:.2} s, automaton {:.0} MB",
        mb / ac_1,
        corpus.len() as f64 / ac_1,
        a1,
        ac_expected,
        ac_build,
        ac.memory_usage() as f64 / 1e6
    );
    println!(
        "ratio one thread: mm / aho-corasick = ×{:.2}; build: aho-corasick / mm = ×{:.1}",
        ac_1 / ours_1,
        ac_build / build_s
    );
}
