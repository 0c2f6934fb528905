//! Print every label the extractor is built from (preferred, alternative and
//! technology aliases), one a line, so peers in `bench/extract_process.py`
//! match the same dictionary as `mm extract`.
//!
//!     cargo run --release -p mm-taxonomy --example labels > labels.txt

use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tax = mm_taxonomy::Taxonomy::load_embedded()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for s in &tax.skills {
        for l in std::iter::once(&s.preferred)
            .chain(&s.alt)
            .chain(&s.aliases)
        {
            let l = l.trim();
            if !l.is_empty() && !l.contains('\n') {
                writeln!(out, "{l}")?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
