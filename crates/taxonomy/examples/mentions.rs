//! Print what the extractor finds in each argument: the span, the label it
//! matched, the skill and the label's gate (for error analysis).
//!
//!     cargo run -p mm-taxonomy --example mentions -- "Experience with Go and AWS"

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tax = mm_taxonomy::Taxonomy::load_embedded()?;
    let ex = mm_taxonomy::extract::Extractor::new(&tax);
    for text in std::env::args().skip(1) {
        println!("{text}");
        for m in ex.find(&text) {
            let e = &ex.entries()[m.entry as usize];
            println!(
                "  {:?} label {:?} → {} [{}] {:?}",
                &text[m.start..m.end],
                e.label,
                tax.skill(m.skill).preferred,
                tax.skill(m.skill).uri,
                e.gate
            );
        }
    }
    Ok(())
}
