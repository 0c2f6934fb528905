//! `mm taxonomy`: build the compiled taxonomy and look skills and occupations up.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use mm_taxonomy::{Taxonomy, import};
use std::path::PathBuf;

/// Build, search and inspect the ESCO + O*NET taxonomy shipped with mm.
#[derive(Debug, Args)]
pub struct TaxonomyArgs {
    #[command(subcommand)]
    pub command: TaxonomyCommand,
}

#[derive(Debug, Subcommand)]
pub enum TaxonomyCommand {
    /// Compile ESCO v1.1.1 + O*NET 29.3 into the compact file mm ships
    /// (data/taxonomy/taxonomy.bin.zst). Only needed when the sources change.
    ///
    /// Example: mm taxonomy build --from ../shared/data --out data/taxonomy/taxonomy.bin.zst
    Build {
        /// Folder holding `esco/` (official CSV bundle) and `onet/` (tab-separated text).
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// Where to write the compiled taxonomy.
        #[arg(
            long,
            value_name = "FILE",
            default_value = "data/taxonomy/taxonomy.bin.zst"
        )]
        out: PathBuf,
    },
    /// Counts of the shipped taxonomy, the O*NET→ESCO link coverage, and how
    /// long loading it takes.
    Stats,
}

pub fn run(args: TaxonomyArgs, g: &crate::Global) -> Result<()> {
    match args.command {
        TaxonomyCommand::Build { from, out } => build(&from, &out, g),
        TaxonomyCommand::Stats => stats(g),
    }
}

fn build(from: &std::path::Path, out: &std::path::Path, g: &crate::Global) -> Result<()> {
    let tax = import::build(&from.join("esco"), &from.join("onet"))
        .with_context(|| format!("importing ESCO and O*NET from {}", from.display()))?;
    let bytes = tax.to_compiled().context("compiling the taxonomy")?;
    std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    if g.json {
        println!(
            "{}",
            serde_json::json!({"out": out, "bytes": bytes.len(), "coverage": tax.coverage})
        );
    } else {
        println!("wrote {} ({} bytes)", out.display(), bytes.len());
        print_counts(&tax);
    }
    Ok(())
}

fn print_counts(tax: &Taxonomy) {
    let c = tax.coverage;
    let labels: usize = tax.skills.iter().map(|s| 1 + s.alt.len()).sum();
    println!(
        "{}: {} skills ({} preferred+alternative labels), {} skill groups, {} occupations",
        tax.esco_version,
        tax.skills.len(),
        labels,
        tax.skill_groups.len(),
        tax.occupations.len()
    );
    println!(
        "{}: {} occupations, {} technologies",
        tax.onet_version,
        tax.onet_occupations.len(),
        tax.technologies.len()
    );
    println!(
        "O*NET technologies linked to ESCO skills: {}/{} ({:.1}%); Hot Technologies: {}/{} ({:.1}%)",
        c.linked,
        c.technologies,
        pct(c.linked, c.technologies),
        c.hot_linked,
        c.hot,
        pct(c.hot_linked, c.hot)
    );
}

fn pct(a: u32, b: u32) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * f64::from(a) / f64::from(b)
    }
}

fn stats(g: &crate::Global) -> Result<()> {
    let t0 = std::time::Instant::now();
    let tax = Taxonomy::load_embedded().context("loading the shipped taxonomy")?;
    let ms = t0.elapsed().as_secs_f64() * 1e3;
    if g.json {
        println!(
            "{}",
            serde_json::json!({
                "esco": tax.esco_version, "onet": tax.onet_version,
                "skills": tax.skills.len(), "occupations": tax.occupations.len(),
                "onet_occupations": tax.onet_occupations.len(),
                "technologies": tax.technologies.len(),
                "coverage": tax.coverage, "load_ms": ms,
            })
        );
    } else {
        print_counts(&tax);
        println!("loaded in {ms:.1} ms");
    }
    Ok(())
}
