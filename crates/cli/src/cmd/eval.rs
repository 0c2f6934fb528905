//! `mm eval`: measure the rankers against published benchmarks.

use super::map::{Ranker, Ranking};
use crate::ui::outln;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use mm_taxonomy::Taxonomy;
use mm_taxonomy::eval::{self, MRR_CUTOFF};

/// Evaluate mm's skill rankers on benchmark files.
#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    pub command: EvalCommand,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Sentence-level ESCO skill linking (Decorte et al. 2023; D'Oosterlinck
    /// et al. 2024): RP@5, RP@10 and MRR (cut-off 100), ×100, each file
    /// reported separately.
    ///
    /// Each CSV needs the columns `sentence` and `label` (an ESCO preferred
    /// label, or `LABEL NOT PRESENT` / `UNDERSPECIFIED`); `span` and
    /// `sub_span` may be present and are ignored. Rows are grouped by
    /// sentence; sentences without a gold ESCO label are not scored. The
    /// label space is ESCO v1.1.1 preferred labels.
    ///
    /// Example: mm eval skill-linking tech_validation_annotations.csv house_validation_annotations.csv
    SkillLinking {
        /// Benchmark CSV files.
        #[arg(required = true)]
        files: Vec<String>,
        /// Which ranker to evaluate.
        #[arg(long, value_enum, default_value_t = Ranker::Fused)]
        ranker: Ranker,
        /// Directory of the local embedding model (for `embedding` and `fused`).
        #[arg(long, env = "MM_EMBED_MODEL", value_name = "DIR")]
        model: Option<std::path::PathBuf>,
    },
}

pub fn run(args: EvalArgs, g: &crate::Global) -> Result<()> {
    match args.command {
        EvalCommand::SkillLinking {
            files,
            ranker,
            model,
        } => skill_linking(&files, ranker, model.as_deref(), g),
    }
}

fn skill_linking(
    files: &[String],
    ranker: Ranker,
    model: Option<&std::path::Path>,
    g: &crate::Global,
) -> Result<()> {
    // Read every file first so a bad one fails before the slow part.
    let mut benches = Vec::new();
    for f in files {
        let file = std::fs::File::open(f).with_context(|| format!("cannot open {f}"))?;
        let b = eval::read_benchmark(std::io::BufReader::new(file), f)?;
        benches.push((f, b));
    }
    let tax = Taxonomy::load_embedded().context("loading the shipped taxonomy")?;
    let mapper = Ranking::new(&tax, ranker, model)?;
    let mut results = Vec::new();
    for (f, b) in &benches {
        let ranked: Vec<Vec<String>> = b
            .scored
            .iter()
            .map(|s| {
                Ok(mapper
                    .rank(&s.text, MRR_CUTOFF)?
                    .into_iter()
                    .map(|(i, _)| tax.skill(i).preferred.clone())
                    .collect())
            })
            .collect::<Result<_>>()?;
        let m = eval::score(&b.scored, &ranked);
        results.push(serde_json::json!({
            "file": f, "ranker": format!("{ranker:?}").to_lowercase(),
            "rows": b.rows, "sentences": b.sentences, "scored": m.sentences,
            "rp5": m.rp5, "rp10": m.rp10, "mrr": m.mrr, "mrr_cutoff": MRR_CUTOFF,
            "label_space": tax.esco_version,
        }));
        if !g.json {
            outln!(
                "{f}: {} scored sentences ({} rows)  RP@5 {:.2}  RP@10 {:.2}  MRR@{MRR_CUTOFF} {:.2}  [{ranker:?}, {}]",
                m.sentences,
                b.rows,
                m.rp5,
                m.rp10,
                m.mrr,
                tax.esco_version
            )?;
        }
    }
    if g.json {
        outln!("{}", serde_json::to_string_pretty(&results)?)?;
    }
    Ok(())
}
