//! Narrower skills mined from the shipped postings.

use mm_micro::Source;
use mm_micro::postings::Miner;
use mm_taxonomy::Taxonomy;

fn postings() -> std::io::BufReader<std::fs::File> {
    let p =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/postings/postings.jsonl");
    std::io::BufReader::new(std::fs::File::open(p).unwrap())
}

#[test]
fn bracketed_lists_become_micro_skills_with_shares() {
    let tax = Taxonomy::load_embedded().unwrap();
    let miner = Miner::new(&tax);
    let lists = miner.lists("Experience with NoSQL ( Aerospike Cassandra or HBase ) is a plus");
    assert_eq!(lists.len(), 1, "{lists:?}");
    assert_eq!(lists[0].0, "NoSQL");
    assert!(lists[0].1.len() >= 2, "{lists:?}");
    assert!(miner.lists("Senior QA Engineer ( m/f/d )").is_empty());

    let items = miner.mine(postings()).unwrap();
    assert!(items.len() >= 10, "{} items: {items:?}", items.len());
    for it in &items {
        assert_eq!(it.postings, 198);
        assert!(it.named_in >= it.listed_in && it.listed_in >= 1, "{it:?}");
        assert!(it.share() > 0.0 && it.share() <= 1.0);
        let m = miner.micro_skill(it);
        assert_eq!(m.source, Source::Postings);
        assert!(m.id.starts_with("postings-"));
        assert!(!m.parents.is_empty(), "{it:?}");
        assert_eq!(m.share, Some(it.share()));
        for c in &m.done_when {
            mm_micro::lint::observable(c).unwrap();
        }
    }
}
