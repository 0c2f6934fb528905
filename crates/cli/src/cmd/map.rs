//! `mm map`: free text → ranked ESCO skills.

use anyhow::{Context, Result, bail};
use clap::Args;
use mm_taxonomy::Taxonomy;
use mm_taxonomy::map::Mapper;
use std::io::{BufRead, Write};

/// Map a phrase or sentence to the ESCO skills it most likely means.
///
/// The lexical ranker scores every skill with BM25F over its preferred
/// label, alternative labels and description, boosts skills whose label
/// appears verbatim in the text, and adds a small prior for skills many
/// occupations need.
///
/// With `-` it reads one text per line from stdin and writes one JSON line
/// per input: {"input", "skills": [{"uri", "label", "score"}, ...]}.
///
/// Examples:
///   mm map "pivot tables"
///   mm map --top 3 "we build REST APIs in Go and deploy on Kubernetes"
///   printf 'pivot tables\nbookkeeping\n' | mm map -
#[derive(Debug, Args)]
pub struct MapArgs {
    /// The text (several words are joined), or `-` to read lines from stdin.
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// How many skills to list.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Directory of a local sentence-embedding model (all-MiniLM-L6-v2:
    /// config.json, tokenizer.json, model.safetensors); enables the
    /// `embedding` and `fused` rankers (needs mm built with `--features embed`).
    #[arg(long, env = "MM_EMBED_MODEL", value_name = "DIR")]
    pub model: Option<std::path::PathBuf>,
    /// Which ranker [default: fused with --model, else lexical].
    #[arg(long, value_enum)]
    pub ranker: Option<Ranker>,
}

/// A skill ranker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Ranker {
    /// BM25F over labels and descriptions + exact label matches + structure.
    Lexical,
    /// Cosine similarity of sentence embeddings (needs --model).
    Embedding,
    /// Reciprocal-rank fusion of lexical and embedding (needs --model).
    Fused,
}

/// The chosen ranker, loaded once.
pub struct Ranking<'a> {
    tax: &'a Taxonomy,
    mapper: Mapper,
    ranker: Ranker,
    #[cfg(feature = "embed")]
    emb: Option<(
        mm_taxonomy::embed::Embedder,
        mm_taxonomy::embed::SkillVectors,
    )>,
}

impl<'a> Ranking<'a> {
    pub fn new(
        tax: &'a Taxonomy,
        ranker: Ranker,
        model: Option<&std::path::Path>,
    ) -> Result<Ranking<'a>> {
        let mapper = Mapper::new(tax);
        if ranker == Ranker::Lexical {
            return Ok(Ranking {
                tax,
                mapper,
                ranker,
                #[cfg(feature = "embed")]
                emb: None,
            });
        }
        let Some(dir) = model else {
            bail!(
                "the {ranker:?} ranker needs --model DIR (a local all-MiniLM-L6-v2; see docs/taxonomy.md)"
            );
        };
        #[cfg(feature = "embed")]
        {
            let e = mm_taxonomy::embed::Embedder::load(dir)
                .with_context(|| format!("loading the embedding model from {}", dir.display()))?;
            let pb = indicatif::ProgressBar::new(tax.skills.len() as u64);
            let v = mm_taxonomy::embed::SkillVectors::load_or_build(&e, tax, |d, _| {
                pb.set_position(d as u64)
            })
            .context("embedding the ESCO skills")?;
            pb.finish_and_clear();
            Ok(Ranking {
                tax,
                mapper,
                ranker,
                emb: Some((e, v)),
            })
        }
        #[cfg(not(feature = "embed"))]
        {
            let _ = (dir, tax, mapper);
            bail!(
                "this mm was built without the embedding ranker; rebuild with: cargo build --release -p mm-cli --features embed"
            )
        }
    }

    /// The `top` best skills for `text`.
    pub fn rank(&self, text: &str, top: usize) -> Result<Vec<(mm_taxonomy::SkillIdx, f32)>> {
        let _ = self.tax;
        match self.ranker {
            Ranker::Lexical => Ok(self.mapper.rank(text, top)),
            #[cfg(feature = "embed")]
            Ranker::Embedding | Ranker::Fused => {
                let (e, v) = self.emb.as_ref().expect("loaded in new");
                let q = e.embed(&[text])?;
                let dense = v.rank(&q[0], top.max(100));
                if self.ranker == Ranker::Embedding {
                    return Ok(dense.into_iter().take(top).collect());
                }
                let lex = self.mapper.rank(text, top.max(100));
                Ok(mm_taxonomy::embed::fuse(&lex, &dense, top))
            }
            #[cfg(not(feature = "embed"))]
            Ranker::Embedding | Ranker::Fused => unreachable!("refused in Ranking::new"),
        }
    }
}

pub fn run(args: MapArgs, g: &crate::Global) -> Result<()> {
    let tax = Taxonomy::load_embedded().context("loading the shipped taxonomy")?;
    let ranker = args.ranker.unwrap_or(if args.model.is_some() {
        Ranker::Fused
    } else {
        Ranker::Lexical
    });
    let mapper = Ranking::new(&tax, ranker, args.model.as_deref())?;
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let json_line = |input: &str| -> Result<serde_json::Value> {
        let skills: Vec<serde_json::Value> = mapper
            .rank(input, args.top)?
            .into_iter()
            .map(|(i, s)| {
                let sk = tax.skill(i);
                serde_json::json!({"uri": sk.uri, "label": sk.preferred, "score": (s * 1000.0).round() / 1000.0})
            })
            .collect();
        Ok(serde_json::json!({"input": input, "skills": skills}))
    };
    if args.text.len() == 1 && args.text[0] == "-" {
        let stdin = std::io::stdin();
        for (n, line) in stdin.lock().split(b'\n').enumerate() {
            let line = line.context("reading stdin")?;
            let Ok(text) = std::str::from_utf8(&line) else {
                bail!("<stdin>:{}: invalid UTF-8", n + 1);
            };
            let text = text.trim_end_matches('\r');
            let mut s = serde_json::to_string(&json_line(text)?)?;
            s.push('\n');
            out.write_all(s.as_bytes())?;
        }
        out.flush()?;
        return Ok(());
    }
    let text = args.text.join(" ");
    if g.json {
        writeln!(out, "{}", json_line(&text)?)?;
    } else {
        let ranked = mapper.rank(&text, args.top)?;
        if ranked.is_empty() {
            bail!("no ESCO skill shares a word with {text:?}");
        }
        for (rank, (i, s)) in ranked.into_iter().enumerate() {
            let sk = tax.skill(i);
            writeln!(
                out,
                "{:>2}. {:<50} {:>7.2}  {}",
                rank + 1,
                sk.preferred,
                s,
                sk.uri
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
