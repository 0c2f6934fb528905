//! Extraction precision on the shipped postings, before and after
//! boilerplate stripping, against mentions annotated by hand; and recall
//! against the benchmark's skill-linked validation sentences.
//!
//! ```text
//! mention-precision sample 260 7 > crates/discover/tests/data/mentions_gold.tsv   # then annotate
//! mention-precision sample 260 7 OLD.tsv > NEW.tsv   # verdicts of OLD.tsv copied where the mention is the same
//! mention-precision score crates/discover/tests/data/mentions_gold.tsv
//! mention-precision recall $MM_SHARED_DIR/data/benchmarks      # VALIDATION splits only
//! ```
//!
//! `sample` draws mentions uniformly from everything the extractor finds in
//! the whole text of the 198 shipped postings (boilerplate included), so one
//! annotated sample measures both: precision *before* is over every
//! annotated mention the extractor still finds in the whole text, *after*
//! over those it still finds once boilerplate is blanked (a uniform sample of
//! the remaining mentions, since stripping only removes mentions).

use mm_discover::dedup::signature;
use mm_discover::market::stripper;
use mm_taxonomy::Taxonomy;
use mm_taxonomy::extract::{Extractor, Mention};
use mm_taxonomy::input::{Format, Item, Record, Records};
use rustc_hash::{FxHashMap, FxHashSet};
use std::process::ExitCode;

fn postings() -> Vec<Record> {
    Records::new(
        mm_discover::sample::POSTINGS_JSONL,
        &Format::Jsonl,
        "sample",
    )
    .expect("embedded sample")
    .filter_map(|i| match i {
        Ok(Item::Record(r)) => Some(r),
        _ => None,
    })
    .collect()
}

fn find(ex: &Extractor, text: &str, strip: bool) -> Vec<Mention> {
    if strip {
        ex.find(&stripper().strip(text).text)
    } else {
        ex.find(text)
    }
}

/// A small deterministic generator (SplitMix64), so a sample can be redrawn.
struct Rng(u64);
impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn context(text: &str, start: usize, end: usize) -> String {
    let mut a = start.saturating_sub(70);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (end + 70).min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    format!(
        "{}[[{}]]{}",
        &text[a..start],
        &text[start..end],
        &text[end..b]
    )
    .replace(['\n', '\t'], " ⏎ ")
}

fn sample(n: usize, seed: u64, old: Option<&str>) -> Result<(), String> {
    // Verdicts already given to the same mention (posting, span, skill).
    let known: FxHashMap<(String, usize, usize, String), bool> = match old {
        Some(path) => read_gold(path)?
            .into_iter()
            .map(|g| ((g.id, g.start, g.end, g.uri), g.correct))
            .collect(),
        None => FxHashMap::default(),
    };
    let tax = Taxonomy::load_embedded().expect("taxonomy");
    let ex = Extractor::new(&tax);
    let mut all: Vec<(usize, Mention)> = Vec::new();
    let recs = postings();
    for (i, r) in recs.iter().enumerate() {
        for m in find(&ex, &r.text, false) {
            all.push((i, m));
        }
    }
    // Partial Fisher–Yates: the first n of a seeded shuffle.
    let mut rng = Rng(seed);
    for i in 0..n.min(all.len()) {
        let j = i + (rng.next_u64() as usize) % (all.len() - i);
        all.swap(i, j);
    }
    all.truncate(n);
    all.sort_by_key(|(i, m)| (*i, m.start));
    println!("posting_id\tstart\tend\ttext\tskill_uri\tskill_label\tsection\tverdict\tcontext");
    for (i, m) in all {
        let r = &recs[i];
        let st = stripper().strip(&r.text);
        let section = st
            .dropped
            .iter()
            .find(|d| d.start <= m.start && m.end <= d.end)
            .map_or("job", |d| d.kind.as_str());
        let id = r.id.as_deref().unwrap_or("");
        let verdict = match known.get(&(
            id.to_string(),
            m.start,
            m.end,
            tax.skill(m.skill).uri.clone(),
        )) {
            Some(true) => "correct",
            Some(false) => "incorrect",
            None => "",
        };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            id,
            m.start,
            m.end,
            r.text[m.start..m.end].replace(['\n', '\r', '\t'], " ⏎ "),
            tax.skill(m.skill).uri,
            tax.skill(m.skill).preferred,
            section,
            verdict,
            context(&r.text, m.start, m.end)
        );
    }
    Ok(())
}

struct Gold {
    id: String,
    start: usize,
    end: usize,
    uri: String,
    correct: bool,
}

fn read_gold(path: &str) -> Result<Vec<Gold>, String> {
    let body = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let mut out = Vec::new();
    for (n, line) in body.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 8 {
            return Err(format!("{path}:{}: expected 9 tab-separated fields", n + 1));
        }
        let correct = match f[7] {
            "correct" => true,
            "incorrect" => false,
            v => {
                return Err(format!(
                    "{path}:{}: verdict {v:?} is not correct/incorrect",
                    n + 1
                ));
            }
        };
        out.push(Gold {
            id: f[0].to_string(),
            start: f[1]
                .parse()
                .map_err(|_| format!("{path}:{}: bad start", n + 1))?,
            end: f[2]
                .parse()
                .map_err(|_| format!("{path}:{}: bad end", n + 1))?,
            uri: f[4].to_string(),
            correct,
        });
    }
    Ok(out)
}

/// Precision over the annotated mentions still found, and how many of the
/// found mentions were annotated.
#[derive(Debug, Clone, Copy)]
struct Prec {
    judged: usize,
    correct: usize,
    found: usize,
    /// Sampled spans now linked to a skill nobody judged for them.
    relinked: usize,
}

fn precision(tax: &Taxonomy, ex: &Extractor, gold: &[Gold], strip: bool) -> Prec {
    let recs = postings();
    let by_id: FxHashMap<&str, &Record> = recs
        .iter()
        .filter_map(|r| r.id.as_deref().map(|i| (i, r)))
        .collect();
    let mut found: FxHashSet<(String, usize, usize, String)> = FxHashSet::default();
    for r in &recs {
        for m in find(ex, &r.text, strip) {
            found.insert((
                r.id.clone().unwrap_or_default(),
                m.start,
                m.end,
                tax.skill(m.skill).uri.clone(),
            ));
        }
    }
    let mut p = Prec {
        judged: 0,
        correct: 0,
        found: found.len(),
        relinked: 0,
    };
    let spans: FxHashSet<(&str, usize, usize)> = gold
        .iter()
        .map(|g| (g.id.as_str(), g.start, g.end))
        .collect();
    let judged: FxHashSet<(&str, usize, usize, &str)> = gold
        .iter()
        .map(|g| (g.id.as_str(), g.start, g.end, g.uri.as_str()))
        .collect();
    for g in gold {
        if !by_id.contains_key(g.id.as_str()) {
            continue;
        }
        if found.contains(&(g.id.clone(), g.start, g.end, g.uri.clone())) {
            p.judged += 1;
            p.correct += usize::from(g.correct);
        }
    }
    // A sampled span the extractor now links to another skill is a mention
    // the sample has not judged: say so, so that it gets annotated.
    for (id, start, end, uri) in &found {
        if spans.contains(&(id.as_str(), *start, *end))
            && !judged.contains(&(id.as_str(), *start, *end, uri.as_str()))
        {
            p.relinked += 1;
            if strip {
                eprintln!(
                    "not annotated: {id} {start}..{end} {:?} → {uri}",
                    &by_id[id.as_str()].text[*start..*end]
                );
            }
        }
    }
    p
}

fn score(path: &str) -> Result<(), String> {
    let tax = Taxonomy::load_embedded().map_err(|e| e.to_string())?;
    let ex = Extractor::new(&tax);
    let gold = read_gold(path)?;
    let before = precision(&tax, &ex, &gold, false);
    let after = precision(&tax, &ex, &gold, true);
    let pct = |p: Prec| 100.0 * p.correct as f64 / p.judged.max(1) as f64;
    println!("annotated mentions: {}", gold.len());
    println!(
        "before stripping: precision {:.1}% ({} of {} annotated mentions correct; {} mentions found in all)",
        pct(before),
        before.correct,
        before.judged,
        before.found
    );
    println!(
        "after stripping:  precision {:.1}% ({} of {} annotated mentions correct; {} mentions found in all)",
        pct(after),
        after.correct,
        after.judged,
        after.found
    );
    let kept_wrong = after.judged - after.correct;
    let removed_right = before.correct - after.correct;
    let removed_wrong = (before.judged - before.correct) - kept_wrong;
    println!(
        "stripping removed {removed_wrong} incorrect and {removed_right} correct annotated mentions"
    );
    if after.relinked > 0 {
        println!(
            "{} sampled spans are now linked to another skill and not annotated (listed on stderr): annotate them",
            after.relinked
        );
    }
    Ok(())
}

fn recall(dir: &str) -> Result<(), String> {
    let tax = Taxonomy::load_embedded().map_err(|e| e.to_string())?;
    let ex = Extractor::new(&tax);
    for split in ["tech", "house"] {
        let path = format!("{dir}/{split}_validation_annotations.csv");
        let mut rdr = csv::Reader::from_path(&path).map_err(|e| format!("{path}: {e}"))?;
        let mut gold: FxHashMap<String, FxHashSet<String>> = FxHashMap::default();
        for row in rdr.records() {
            let row = row.map_err(|e| format!("{path}: {e}"))?;
            let (sentence, label) = (row[0].to_string(), row[3].to_string());
            if label == "LABEL NOT PRESENT" || label == "UNDERSPECIFIED" {
                continue;
            }
            gold.entry(sentence).or_default().insert(label);
        }
        let (mut pairs, mut hit_raw, mut hit_strip, mut fp_raw) = (0, 0, 0, 0);
        let mut found_raw = 0;
        for (sentence, labels) in &gold {
            let raw: FxHashSet<String> = find(&ex, sentence, false)
                .iter()
                .map(|m| tax.skill(m.skill).preferred.clone())
                .collect();
            let st: FxHashSet<String> = find(&ex, sentence, true)
                .iter()
                .map(|m| tax.skill(m.skill).preferred.clone())
                .collect();
            pairs += labels.len();
            if std::env::var_os("MM_SHOW_MISSES").is_some() {
                for l in labels.iter().filter(|l| !st.contains(*l)) {
                    eprintln!("  missed {l:?} in {sentence:?}");
                }
            }
            hit_raw += labels.iter().filter(|l| raw.contains(*l)).count();
            hit_strip += labels.iter().filter(|l| st.contains(*l)).count();
            found_raw += raw.len();
            fp_raw += raw.iter().filter(|l| !labels.contains(*l)).count();
        }
        println!(
            "{split} validation: {} sentences, {pairs} gold (sentence, skill) pairs; recall {:.1}% whole text, {:.1}% after stripping; {} of {found_raw} extracted skills are not gold",
            gold.len(),
            100.0 * hit_raw as f64 / pairs.max(1) as f64,
            100.0 * hit_strip as f64 / pairs.max(1) as f64,
            fp_raw
        );
    }
    Ok(())
}

fn duplicates() {
    let recs = postings();
    let mut idx = mm_discover::dedup::SimIndex::default();
    let mut dup = 0;
    let mut short = 0;
    for r in &recs {
        let text = stripper().strip(&r.text).text.into_owned();
        match signature(&text, r.title.as_deref()) {
            Some(f) => {
                if !idx.insert(f) {
                    dup += 1;
                    println!("duplicate: {}", r.id.as_deref().unwrap_or("?"));
                }
            }
            None => short += 1,
        }
    }
    println!(
        "{} postings, {dup} near-duplicates, {short} too short to fingerprint",
        recs.len()
    );
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let res = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["sample", n, seed, old @ ..] if old.len() <= 1 => match (n.parse(), seed.parse()) {
            (Ok(n), Ok(seed)) => sample(n, seed, old.first().copied()),
            _ => Err("sample N SEED [OLD.tsv]: two numbers".to_string()),
        },
        ["score", path] => score(path),
        ["recall", dir] => recall(dir),
        ["duplicates"] => {
            duplicates();
            Ok(())
        }
        _ => Err("usage: mention-precision sample N SEED [OLD.tsv] | score GOLD.tsv | recall BENCHMARK_DIR | duplicates".into()),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mention-precision: {e}");
            ExitCode::FAILURE
        }
    }
}
