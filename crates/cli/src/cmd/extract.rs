//! `mm extract`: find ESCO skill mentions in job ads and other texts.

use super::market::InputArgs;
use anyhow::{Context, Result, bail};
use clap::Args;
use mm_discover::postings::{Entry, Pending, Reader};
use mm_discover::sections::StripScratch;
use mm_taxonomy::extract::{Extractor, Mention, Scratch};
use mm_taxonomy::input::Record;
use rayon::prelude::*;
use std::io::{BufRead, BufReader, Write};

/// Find ESCO skills mentioned in texts (job ads, CVs, course outlines).
///
/// Reads JSON Lines (the text in `--text-field`, default `text`; optional
/// id, date and title fields), CSV with a header row (the same flags name
/// columns), schema.org JobPosting JSON-LD (.json/.jsonld: one object, an
/// array or an @graph), HTML pages (.html: their JobPosting JSON-LD, else
/// their visible text), plain text (one text per line), or a folder of
/// files, one posting each. The format follows the file extension;
/// for stdin (`-`) the first byte decides (`{` JSON Lines, `[` JSON, `<`
/// HTML, else text); `--format` overrides. Input is streamed in batches over
/// all cores, so memory stays flat for any size of line-based input.
///
/// Boilerplate (benefits, equal-opportunity statements, company blurbs,
/// how to apply, job-board metadata) is blanked before extraction, so
/// "pension plan" is not a skill; `--keep-boilerplate` reads everything.
/// Spans are byte offsets in the original text either way.
///
/// Output: one JSON line per text with its mentions (byte span, matched
/// text, ESCO label, skill URI, skill type), or with `--summary` a table of
/// skills by the number of texts that mention them (`--json` for JSON).
///
/// Rows that cannot be used (malformed JSON or CSV row, invalid UTF-8, no
/// text, a JobPosting without a description) are skipped and counted on
/// stderr with file and line; `--strict` makes the first one an error.
///
/// Examples:
///   mm extract postings.jsonl > mentions.jsonl
///   mm extract --summary --top 20 ads.csv --text-field description
///   mm extract jobs.json --text-field job.body --title-field job.name
///   mm extract saved-pages/ --summary
///   echo "Python and SQL, plus Excel" | mm extract -
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Input file or folder, or `-` for stdin.
    pub input: String,
    #[command(flatten)]
    pub read: InputArgs,
    /// Print a per-skill summary instead of the mentions.
    #[arg(long)]
    pub summary: bool,
    /// Rows in the summary (0 = all).
    #[arg(long, default_value_t = 30)]
    pub top: usize,
    /// Treat any unusable row as an error instead of skipping it.
    #[arg(long)]
    pub strict: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

const BATCH_BYTES: usize = 4 << 20;
/// Inputs a worker takes at a time (tens of kilobytes of postings), so
/// its buffers are reused and results come back in a few large pieces.
const CHUNK: usize = 16;

pub fn run(args: ExtractArgs, g: &crate::Global) -> Result<()> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .ok();
    }
    // Decoded from the binary: no matcher is built at start-up, and the
    // taxonomy itself is not needed (the extractor knows its skills' URIs
    // and preferred labels).
    let ex = Extractor::load_embedded().context("loading the shipped extractor")?;
    let stripper = mm_discover::market::stripper();
    let opts = args.read.read_options();

    let (records, name, len, folder): (Reader, String, Option<u64>, bool) = if args.input == "-" {
        let rdr: Box<dyn BufRead + Send> =
            Box::new(BufReader::with_capacity(1 << 16, std::io::stdin()));
        (
            Reader::from_stream(rdr, "<stdin>", &opts)?,
            "<stdin>".into(),
            None,
            false,
        )
    } else {
        let path = std::path::Path::new(&args.input);
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot open {}", args.input))?;
        (
            Reader::open(path, &opts).with_context(|| format!("cannot open {}", args.input))?,
            args.input.clone(),
            (!meta.is_dir()).then_some(meta.len()),
            meta.is_dir(),
        )
    };
    let pb = match len {
        Some(n) if n > (8 << 20) => {
            let pb = indicatif::ProgressBar::new(n);
            pb.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                )
                .expect("static template"),
            );
            pb
        }
        _ => indicatif::ProgressBar::hidden(),
    };

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut summary: Vec<(u64, u64)> = vec![(0, 0); ex.skill_count()];
    let (mut texts, mut skipped) = (0u64, 0u64);
    let mut batch: Vec<Pending> = Vec::new();
    let mut batch_bytes = 0usize;

    // One JSON line per text, built on the worker threads and written
    // straight into the chunk's buffer: the bytes `serde_json` gives a
    // struct of these fields (keys in the order `serde_json::json!` gave
    // them: alphabetical; absent optional fields left out), with no
    // serialiser in between (a test compares the two).
    let json_line = |out: &mut Vec<u8>, src: &str, r: &Record, ms: &[Mention]| {
        let mut sep = b'{';
        let mut key = |out: &mut Vec<u8>, k: &str| {
            out.push(sep);
            sep = b',';
            out.push(b'"');
            out.extend_from_slice(k.as_bytes());
            out.extend_from_slice(b"\":");
        };
        if let Some(d) = &r.date {
            key(out, "date");
            json_str(out, d);
        }
        if folder {
            key(out, "file");
            json_str(out, src);
        }
        if let Some(id) = &r.id {
            key(out, "id");
            json_str(out, id);
        }
        key(out, "line");
        json_u64(out, r.line);
        key(out, "mentions");
        out.push(b'[');
        for (k, m) in ms.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"end\":");
            json_u64(out, m.end as u64);
            out.extend_from_slice(b",\"label\":");
            json_str(out, ex.label(m));
            out.extend_from_slice(b",\"skill_type\":");
            json_str(out, ex.skill_type(m).as_str());
            out.extend_from_slice(b",\"start\":");
            json_u64(out, m.start as u64);
            out.extend_from_slice(b",\"text\":");
            json_str(out, &r.text[m.start..m.end]);
            out.extend_from_slice(b",\"uri\":");
            json_str(out, ex.skill_uri(m.skill));
            out.push(b'}');
        }
        out.push(b']');
        if let Some(t) = &r.title {
            key(out, "title");
            json_str(out, t);
        }
        out.extend_from_slice(b"}\n");
    };
    /// A worker's reusable buffers: nothing is allocated per text but the
    /// parsed record.
    #[derive(Default)]
    struct Worker {
        scratch: Scratch,
        strip: StripScratch,
        mentions: Vec<Mention>,
    }
    /// What a worker makes of a run of pending inputs, in input order.
    #[derive(Default)]
    struct Chunk {
        texts: u64,
        /// The texts' JSON lines, one after another.
        lines: Vec<u8>,
        /// With `--summary`: each text's skills (one per mention, sorted) ...
        skills: Vec<u32>,
        /// ... and where each text's run of them ends.
        ends: Vec<usize>,
        skips: Vec<(std::sync::Arc<str>, u64, String)>,
    }
    let work = |w: &mut Worker, items: Vec<Pending>| -> Chunk {
        let mut c = Chunk::default();
        for p in items {
            match p.parse() {
                None => {}
                Some(Entry::Skip {
                    source,
                    line,
                    reason,
                }) => c.skips.push((source, line, reason)),
                Some(Entry::Posting { source, record }) => {
                    c.texts += 1;
                    let text = if args.read.keep_boilerplate {
                        &record.text
                    } else {
                        stripper.strip_into(&record.text, &mut w.strip)
                    };
                    ex.find_into(text, &mut w.scratch, &mut w.mentions);
                    if args.summary {
                        let from = c.skills.len();
                        c.skills.extend(w.mentions.iter().map(|m| m.skill));
                        c.skills[from..].sort_unstable();
                        c.ends.push(c.skills.len());
                    } else {
                        json_line(&mut c.lines, &source, &record, &w.mentions);
                    }
                }
            }
        }
        c
    };
    // Parsing, stripping, matching and formatting run on the workers, a
    // chunk of inputs at a time; only reading lines and writing results
    // stay in order on this thread.
    let flush = |batch: &mut Vec<Pending>,
                 out: &mut dyn Write,
                 summary: &mut Vec<(u64, u64)>,
                 texts: &mut u64,
                 skipped: &mut u64|
     -> Result<()> {
        let chunks: Vec<Chunk> = batch
            .par_drain(..)
            .chunks(CHUNK)
            .map_init(Worker::default, &work)
            .collect();
        if args.strict
            && let Some((source, line, reason)) = chunks.iter().find_map(|c| c.skips.first())
        {
            pb.finish_and_clear();
            bail!("{source}:{line}: {reason}");
        }
        for c in chunks {
            for (source, line, reason) in &c.skips {
                *skipped += 1;
                if *skipped <= 5 {
                    pb.suspend(|| eprintln!("mm: skipped {source}:{line}: {reason}"));
                }
            }
            *texts += c.texts;
            out.write_all(&c.lines)?;
            let mut from = 0;
            for &end in &c.ends {
                let seen = &c.skills[from..end];
                for (k, &s) in seen.iter().enumerate() {
                    summary[s as usize].1 += 1;
                    // Sorted: a skill's first mention in the text counts the text.
                    if k == 0 || seen[k - 1] != s {
                        summary[s as usize].0 += 1;
                    }
                }
                from = end;
            }
        }
        Ok(())
    };

    let mut records = records;
    while let Some(p) = records.next_pending() {
        let p = p?;
        batch_bytes += p.len();
        batch.push(p);
        if batch_bytes >= BATCH_BYTES {
            pb.inc(batch_bytes as u64);
            flush(&mut batch, &mut out, &mut summary, &mut texts, &mut skipped)?;
            batch_bytes = 0;
        }
    }
    flush(&mut batch, &mut out, &mut summary, &mut texts, &mut skipped)?;
    pb.finish_and_clear();
    if skipped > 0 {
        eprintln!("mm: {skipped} row(s) skipped (use --strict to stop at the first)");
    }
    if texts == 0 && skipped == 0 {
        eprintln!("mm: {name} holds no texts");
    }
    if args.summary {
        let mut rows: Vec<(usize, u64, u64)> = summary
            .iter()
            .enumerate()
            .filter(|(_, c)| c.0 > 0)
            .map(|(i, c)| (i, c.0, c.1))
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        if args.top > 0 {
            rows.truncate(args.top);
        }
        let share = |n: u64| {
            if texts == 0 {
                0.0
            } else {
                100.0 * n as f64 / texts as f64
            }
        };
        if g.json {
            let v: Vec<serde_json::Value> = rows
                .iter()
                .map(|&(i, docs, m)| {
                    let s = i as u32;
                    serde_json::json!({"uri": ex.skill_uri(s), "label": ex.skill_label(s), "skill_type": ex.skill_type_of(s).as_str(),
                        "texts": docs, "mentions": m, "share": share(docs)})
                })
                .collect();
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({"texts": texts, "skipped": skipped, "skills": v}),
            )?;
            out.write_all(b"\n")?;
        } else {
            let mut t = comfy_table::Table::new();
            t.set_header(["skill", "type", "texts", "share %", "mentions"]);
            for &(i, docs, m) in &rows {
                let s = i as u32;
                t.add_row([
                    ex.skill_label(s).to_string(),
                    ex.skill_type_of(s).as_str().to_string(),
                    docs.to_string(),
                    format!("{:.1}", share(docs)),
                    m.to_string(),
                ]);
            }
            writeln!(out, "{t}")?;
            writeln!(out, "{texts} texts, {skipped} skipped")?;
        }
    }
    out.flush()?;
    // The process ends right after this: freeing the matcher's hundreds of
    // thousands of small allocations would only delay the exit.
    std::mem::forget(ex);
    Ok(())
}

/// `s` as a JSON string, as `serde_json` writes it: quoted as is when
/// nothing in it needs escaping (the common case, checked 16 bytes at a
/// time without branches), else escaped by `serde_json` itself.
fn json_str(out: &mut Vec<u8>, s: &str) {
    let plain = !s.as_bytes().chunks(16).any(|c| {
        c.iter()
            .fold(false, |a, &b| a | (b < 0x20) | (b == b'"') | (b == b'\\'))
    });
    if plain {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        serde_json::to_writer(&mut *out, s).expect("a string serialises");
    }
}

/// `n` in decimal, as `serde_json` writes an integer.
fn json_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

#[cfg(test)]
mod tests {
    use super::{json_str, json_u64};

    #[test]
    fn json_str_is_serde_json() {
        let long_escape = format!("{}\"{}", "a".repeat(31), "b".repeat(17));
        let cases = [
            "",
            "plain ASCII text of more than sixteen bytes",
            "quote \" and backslash \\",
            "tab\tnewline\ncarriage\rbell\u{7}nul\u{0}",
            "del \u{7f} slash / non-ASCII é ’ 中文 \u{2028}",
            long_escape.as_str(),
        ];
        for s in cases {
            let mut got = Vec::new();
            json_str(&mut got, s);
            assert_eq!(got, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn json_u64_is_decimal() {
        for n in [0, 7, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            let mut got = Vec::new();
            json_u64(&mut got, n);
            assert_eq!(got, n.to_string().into_bytes());
        }
    }
}
