//! Modern technologies are found in the shipped postings that name them
//! (`data/postings/postings.jsonl`): before the technology layer AWS, React,
//! Docker, Kubernetes, Linux, C and Go were extracted 0 times.

use mm_taxonomy::Taxonomy;
use mm_taxonomy::extract::Extractor;

#[test]
fn aws_react_docker_kubernetes_linux_c_and_go_are_found_in_postings() {
    let tax = Taxonomy::load_embedded().unwrap();
    let ex = Extractor::new(&tax);
    let text = include_str!("../../../data/postings/postings.jsonl");
    let mut counts = std::collections::HashMap::<String, usize>::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let t = v["text"].as_str().unwrap_or_default();
        for m in ex.find(t) {
            *counts
                .entry(tax.skill(m.skill).preferred.clone())
                .or_default() += 1;
        }
    }
    // Lower bounds well under what is found today (AWS 58+, Kubernetes 46,
    // React 38+, Docker 41, Linux 42, C 9, Go 6), so a real loss fails.
    for (name, at_least) in [
        ("Amazon Web Services AWS software", 40),
        ("React", 25),
        ("Docker", 30),
        ("Kubernetes", 30),
        ("Linux", 30),
        ("C", 5),
        ("Go", 4),
    ] {
        let n = counts.get(name).copied().unwrap_or(0);
        assert!(n >= at_least, "{name}: {n} mentions, want ≥ {at_least}");
    }
}
