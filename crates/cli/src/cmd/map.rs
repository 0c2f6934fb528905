//! `mm map`: free text → ranked ESCO skills.

use anyhow::{Context, Result, bail};
use clap::Args;
use mm_taxonomy::Taxonomy;
use mm_taxonomy::map::{Mapper, PhraseMapper};
use std::io::{BufRead, Write};

/// Map a phrase or sentence to the ESCO skills it most likely means.
///
/// By default two rankers are fused by reciprocal rank:
///   - lexical: BM25F over each skill's preferred label, alternative labels
///     and description, on word stems and word pairs, with typo correction
///     of unknown words, a boost for labels that appear verbatim, and a small
///     prior for skills many occupations need;
///   - static: a semantic model shipped inside mm (token vectors distilled
///     from all-MiniLM-L6-v2 and tuned on ESCO), cosine against every
///     preferred and alternative label. Nothing is downloaded.
///
/// `--model DIR` swaps the static model for the full transformer (slower,
/// needs mm built with `--features embed`).
///
/// With `-` it reads one text per line from stdin and writes one JSON line
/// per input: {"input", "skills": [{"uri", "label", "score"}, ...]}.
///
/// Examples:
///   mm map "pivot tables"
///   mm map --top 3 "we build REST APIs in Go and deploy on Kubernetes"
///   mm map --ranker lexical "custmer service"
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
    /// `embedding` ranker and makes `fused` use it instead of the shipped
    /// static model (needs mm built with `--features embed`).
    #[arg(long, env = "MM_EMBED_MODEL", value_name = "DIR")]
    pub model: Option<std::path::PathBuf>,
    /// Which ranker.
    #[arg(long, value_enum, default_value_t = Ranker::Fused)]
    pub ranker: Ranker,
}

/// A skill ranker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Ranker {
    /// BM25F over stems and word pairs of labels and descriptions, typo
    /// correction, exact label matches, structure.
    Lexical,
    /// Cosine of the shipped static embeddings (semantic, no download).
    Static,
    /// Reciprocal-rank fusion of lexical and static (or of lexical and the
    /// transformer with --model).
    Fused,
    /// Cosine of full transformer embeddings (needs --model).
    Embedding,
}

enum Engine {
    Lexical(Box<Mapper>),
    Phrase(Box<PhraseMapper>),
    #[cfg(feature = "embed")]
    Transformer(Box<Transformer>),
}

#[cfg(feature = "embed")]
struct Transformer {
    mapper: Mapper,
    emb: mm_taxonomy::embed::Embedder,
    vectors: mm_taxonomy::embed::SkillVectors,
}

/// The chosen ranker, loaded once.
pub struct Ranking {
    engine: Engine,
    ranker: Ranker,
}

impl Ranking {
    pub fn new(tax: &Taxonomy, ranker: Ranker, model: Option<&std::path::Path>) -> Result<Ranking> {
        let engine = match (ranker, model) {
            (Ranker::Lexical, _) => Engine::Lexical(Box::new(Mapper::new(tax))),
            (Ranker::Static, _) | (Ranker::Fused, None) => Engine::Phrase(Box::new(
                PhraseMapper::new(tax).context("loading the shipped static embedding model")?,
            )),
            (Ranker::Embedding, None) => bail!(
                "the embedding ranker needs --model DIR (a local all-MiniLM-L6-v2; see docs/taxonomy.md); the default `fused` ranker needs no model"
            ),
            (Ranker::Embedding | Ranker::Fused, Some(dir)) => transformer(tax, dir)?,
        };
        Ok(Ranking { engine, ranker })
    }

    /// The `top` best skills for `text`.
    pub fn rank(&self, text: &str, top: usize) -> Result<Vec<(mm_taxonomy::SkillIdx, f32)>> {
        Ok(match &self.engine {
            Engine::Lexical(m) => m.rank(text, top),
            Engine::Phrase(p) if self.ranker == Ranker::Static => p.rank_static(text, top),
            Engine::Phrase(p) => p.rank(text, top),
            #[cfg(feature = "embed")]
            Engine::Transformer(t) => {
                let Transformer {
                    mapper,
                    emb,
                    vectors,
                } = &**t;
                let q = emb.embed(&[text])?;
                let dense = vectors.rank(&q[0], top.max(100));
                if self.ranker == Ranker::Embedding {
                    return Ok(dense.into_iter().take(top).collect());
                }
                let lex = mapper.rank(text, top.max(100));
                mm_taxonomy::map::fuse(&[(&lex, 1.0), (&dense, 1.0)], 60.0, top)
            }
        })
    }
}

#[cfg(feature = "embed")]
fn transformer(tax: &Taxonomy, dir: &std::path::Path) -> Result<Engine> {
    let emb = mm_taxonomy::embed::Embedder::load(dir)
        .with_context(|| format!("loading the embedding model from {}", dir.display()))?;
    let pb = indicatif::ProgressBar::new(tax.skills.len() as u64);
    let vectors = mm_taxonomy::embed::SkillVectors::load_or_build(&emb, tax, |d, _| {
        pb.set_position(d as u64)
    })
    .context("embedding the ESCO skills")?;
    pb.finish_and_clear();
    Ok(Engine::Transformer(Box::new(Transformer {
        mapper: Mapper::new(tax),
        emb,
        vectors,
    })))
}

#[cfg(not(feature = "embed"))]
fn transformer(_tax: &Taxonomy, _dir: &std::path::Path) -> Result<Engine> {
    bail!(
        "this mm was built without the transformer ranker (--model); rebuild with: cargo build --release -p mm-cli --features embed, or drop --model to use the shipped static model"
    )
}

pub fn run(args: MapArgs, g: &crate::Global) -> Result<()> {
    let tax = Taxonomy::load_embedded().context("loading the shipped taxonomy")?;
    let mapper = Ranking::new(&tax, args.ranker, args.model.as_deref())?;
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
    if text.trim().is_empty() {
        return Err(mm_app::Error::invalid_field(
            "text",
            "the phrase is empty: give one to map, such as \"pivot tables\"",
        )
        .into());
    }
    if g.json {
        writeln!(out, "{}", json_line(&text)?)?;
    } else {
        let ranked = mapper.rank(&text, args.top)?;
        if ranked.is_empty() {
            bail!("no ESCO skill is close to {text:?}; try other words");
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
