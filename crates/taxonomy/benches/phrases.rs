//! Phrase-mapping throughput on one core: encoding phrases with the shipped
//! static model (tokenise + mean of token vectors), the full static ranking
//! (encode + cosine against every ESCO label), the lexical ranker and the
//! fused default, in one run over the same phrases.
//!
//!     cargo bench -p mm-taxonomy --bench phrases
//!
//! Phrases: every ESCO alternative label (the short, CV-like wording the
//! mapper sees), plus the committed everyday-phrase set; `MM_BENCH_PHRASES`
//! caps the ranking passes (default 2,000). Checks that every phrase with a
//! known token was encoded and that each ranker returned results for the
//! same phrases on a second pass.

use mm_taxonomy::Taxonomy;
use mm_taxonomy::map::PhraseMapper;
use std::time::Instant;

fn main() {
    let tax = Taxonomy::load_embedded().expect("shipped taxonomy");
    let t = Instant::now();
    let m = PhraseMapper::new(&tax).expect("shipped model");
    eprintln!(
        "index built in {:.2} s (lexical + static, 2 threads)",
        t.elapsed().as_secs_f64()
    );
    let phrases: Vec<&str> = tax
        .skills
        .iter()
        .flat_map(|s| s.alt.iter().map(String::as_str))
        .collect();
    let model = m.model();

    // 1. Encoding (the model's own speed).
    let mut ids = Vec::new();
    let mut v = vec![0.0f32; model.dim()];
    let mut encoded = 0usize;
    let mut known = 0usize;
    for p in &phrases {
        ids.clear();
        model.token_ids(p, &mut ids);
        known += usize::from(!ids.is_empty());
    }
    let reps = 3;
    let t = Instant::now();
    for _ in 0..reps {
        for p in &phrases {
            ids.clear();
            model.token_ids(p, &mut ids);
            if model.mean_into(&ids, &mut v) {
                encoded += 1;
            }
        }
    }
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(
        encoded,
        known * reps,
        "every phrase with a known token is encoded"
    );
    let enc_rate = (phrases.len() * reps) as f64 / secs;
    println!(
        "static encode : {:>9.0} phrases/s  ({} phrases x {reps}, {:.2} s)",
        enc_rate,
        phrases.len(),
        secs
    );

    // 2. Rankers, on a sample.
    let cap: usize = std::env::var("MM_BENCH_PHRASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let step = (phrases.len() / cap.max(1)).max(1);
    let sample: Vec<&str> = phrases.iter().step_by(step).take(cap).copied().collect();
    type RankFn<'a> = Box<dyn Fn(&str) -> usize + 'a>;
    let rankers: Vec<(&str, RankFn)> = vec![
        ("lexical", Box::new(|q| m.lexical().rank(q, 10).len())),
        ("static", Box::new(|q| m.rank_static(q, 10).len())),
        ("fused", Box::new(|q| m.rank(q, 10).len())),
    ];
    for (name, f) in &rankers {
        let warm: usize = sample.iter().map(|q| f(q)).sum();
        let t = Instant::now();
        let got: usize = sample.iter().map(|q| f(q)).sum();
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(got, warm, "{name}: the same results on a second pass");
        assert!(got > 0, "{name} returned nothing");
        println!(
            "{name:<14}: {:>9.0} phrases/s  ({} phrases, top 10)",
            sample.len() as f64 / secs,
            sample.len()
        );
    }
    println!(
        "ratio static encode / lexical rank: see above; model {} dims",
        model.dim()
    );
}
