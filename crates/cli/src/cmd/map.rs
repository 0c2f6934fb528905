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
}

pub fn run(args: MapArgs, g: &crate::Global) -> Result<()> {
    let tax = Taxonomy::load_embedded().context("loading the shipped taxonomy")?;
    let mapper = Mapper::new(&tax);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let json_line = |input: &str| -> serde_json::Value {
        let skills: Vec<serde_json::Value> = mapper
            .rank(input, args.top)
            .into_iter()
            .map(|(i, s)| {
                let sk = tax.skill(i);
                serde_json::json!({"uri": sk.uri, "label": sk.preferred, "score": (s * 1000.0).round() / 1000.0})
            })
            .collect();
        serde_json::json!({"input": input, "skills": skills})
    };
    if args.text.len() == 1 && args.text[0] == "-" {
        let stdin = std::io::stdin();
        for (n, line) in stdin.lock().split(b'\n').enumerate() {
            let line = line.context("reading stdin")?;
            let Ok(text) = std::str::from_utf8(&line) else {
                bail!("<stdin>:{}: invalid UTF-8", n + 1);
            };
            let text = text.trim_end_matches('\r');
            let mut s = serde_json::to_string(&json_line(text))?;
            s.push('\n');
            out.write_all(s.as_bytes())?;
        }
        out.flush()?;
        return Ok(());
    }
    let text = args.text.join(" ");
    if g.json {
        writeln!(out, "{}", json_line(&text))?;
    } else {
        let ranked = mapper.rank(&text, args.top);
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
