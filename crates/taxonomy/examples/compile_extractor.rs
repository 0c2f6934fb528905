//! Write the prebuilt extractor of the embedded taxonomy to
//! `data/taxonomy/extractor.bin.zst`, which `Extractor::load_embedded` (and
//! so `mm extract`) decodes instead of building the matcher at start-up.
//! Rerun after changing the taxonomy, the normaliser or the extractor's
//! rules; the test `extract::tests::shipped_extractor_is_current` fails
//! until you do.
//!
//!     cargo run --release -p mm-taxonomy --example compile_extractor

use mm_taxonomy::Taxonomy;
use mm_taxonomy::extract::Extractor;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tax = Taxonomy::load_embedded()?;
    let bytes = Extractor::new(&tax).to_compiled()?;
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/taxonomy/extractor.bin.zst");
    std::fs::write(&out, &bytes)?;
    println!(
        "wrote {} ({:.1} MB)",
        out.display(),
        bytes.len() as f64 / 1e6
    );
    Ok(())
}
