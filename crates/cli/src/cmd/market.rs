//! `mm market`: what job postings ask for — share of postings per skill with
//! a 95% interval, the monthly trend, and the skills asked for together.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui::outln;
use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use mm_app::market::{self as app, AnalyseInput, PostingInput, Progress};
use mm_discover::chart::sparkline;
use mm_discover::market::{MarketReport, month_key};
use mm_discover::mentions::MentionWriter;
use mm_discover::postings::{InputKind, ReadOptions};
use mm_taxonomy::input::Fields;
use std::io::Write;

/// Market analysis of job postings.
// Parsed once per run: the size of the `Analyse` variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum MarketCmd {
    /// Analyse postings: which skills they ask for, how often, rising or
    /// falling, and with which other skills.
    ///
    /// For every skill found (by the taxonomy's extractor, as in `mm
    /// extract`): the share of postings that mention it with a Wilson 95%
    /// interval (small corpora give wide intervals: read them); the trend of
    /// its monthly share (least-squares slope, tested against flat at 5%;
    /// skipped, with the reason, when postings carry no dates or span fewer
    /// than 3 months); and the skills that co-occur with it more than chance
    /// (lift > 1, PMI = log2 lift, seen together in at least --min-support
    /// postings).
    ///
    /// Postings are streamed in batches over all cores: memory stays flat in
    /// corpus size. The result is saved in the journal (unless --no-save) so
    /// `mm discover` and `mm next` reuse it.
    ///
    /// Examples:
    ///   mm market analyse                       # the shipped sample (198 postings)
    ///   mm market analyse ads.jsonl more.csv --since 2021-01 --top 20
    ///   mm market analyse ads.jsonl --occupation "data analyst" --svg shares.svg
    ///   mm market analyse ads.jsonl --csv > shares.csv
    Analyse(AnalyseArgs),
    /// List saved analyses.
    List,
    /// Show a saved analysis (default: the latest).
    Show {
        /// Analysis id (from `mm market list`).
        id: Option<i64>,
        /// Rows to show (0 = all).
        #[arg(long, default_value_t = 30)]
        top: usize,
    },
}

#[derive(Debug, Args)]
pub struct AnalyseArgs {
    /// Posting files or folders: JSON Lines, CSV, JSON / JSON-LD
    /// (schema.org JobPosting), HTML pages, plain text (one posting a
    /// line), or a folder of files, one posting each. Default: the shipped
    /// sample of 198 real postings.
    pub postings: Vec<String>,
    /// Count only postings whose titles name this role (a job title, ESCO
    /// URI or O*NET-SOC code); the others are counted apart.
    #[arg(long)]
    pub role: Option<String>,
    /// Report only the skills of this occupation (title, ESCO URI or
    /// O*NET-SOC code); shares stay over all postings counted.
    #[arg(long)]
    pub occupation: Option<String>,
    /// Only postings dated in this month or later (YYYY-MM); undated ones are left out.
    #[arg(long)]
    pub since: Option<String>,
    /// Rows to show (0 = all). JSON and the saved analysis keep every skill.
    #[arg(long, default_value_t = 30)]
    pub top: usize,
    /// Minimum postings a pair must share to count as co-occurring.
    #[arg(long, default_value_t = 3)]
    pub min_support: u64,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub honesty: HonestyArgs,
    /// Print CSV (one row per skill) instead of a table.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    /// Also write an SVG bar chart of the top shares with their intervals.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<String>,
    /// Also write every posting's skills as Apache Parquet: one row per
    /// posting × distinct skill (a null skill for a posting with none), for
    /// DuckDB, Spark or DataFusion with the SQL in docs/market.sql.
    #[arg(long, value_name = "FILE")]
    pub parquet: Option<String>,
    /// Do not save the analysis in the journal.
    #[arg(long)]
    pub no_save: bool,
}

/// How to read posting files (shared by `mm extract`, `mm market analyse`
/// and `mm discover`).
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// JSON field or CSV column with the posting's text (a dotted name such
    /// as `job.description` reaches into nested JSON objects).
    #[arg(
        long = "text-field",
        visible_alias = "column",
        default_value = "text",
        value_name = "NAME"
    )]
    pub text_field: String,
    /// JSON field or CSV column with the posting's title.
    #[arg(long, default_value = "title", value_name = "NAME")]
    pub title_field: String,
    /// JSON field or CSV column with the posting's date (YYYY-MM-DD, YYYY-MM or RFC 3339).
    #[arg(long, default_value = "date", value_name = "NAME")]
    pub date_field: String,
    /// JSON field or CSV column with the posting's id.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,
    /// Read files as this format (default: from each file's extension;
    /// files inside a folder always go by extension).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
    /// Keep boilerplate: extract from benefits, equal-opportunity,
    /// company and how-to-apply text too (stripped by default).
    #[arg(long)]
    pub keep_boilerplate: bool,
}

impl InputArgs {
    /// The reader options these flags ask for.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            fields: Fields {
                text: self.text_field.clone(),
                title: self.title_field.clone(),
                date: self.date_field.clone(),
                id: self.id_field.clone(),
            },
            kind: match self.format {
                None => InputKind::Auto,
                Some(FormatArg::Jsonl) => InputKind::Jsonl,
                Some(FormatArg::Csv) => InputKind::Csv,
                Some(FormatArg::Text) => InputKind::Text,
                Some(FormatArg::Json) => InputKind::Json,
                Some(FormatArg::Html) => InputKind::Html,
            },
        }
    }
}

/// Input formats for `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// JSON Lines: one object a line.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// Plain text: one posting a non-empty line.
    Text,
    /// One JSON document: schema.org JobPosting JSON-LD (one object, an
    /// array, @graph) or an array of rows.
    Json,
    /// An HTML page: its JobPosting JSON-LD, else its visible text.
    Html,
}

/// What the market figures leave out (on by default; these flags turn it off).
#[derive(Debug, Clone, Args)]
pub struct HonestyArgs {
    /// Count near-duplicate postings (reposts, one employer's template) each time.
    #[arg(long)]
    pub keep_duplicates: bool,
    /// Count postings in every language (the taxonomy's labels are English,
    /// so non-English postings are counted apart by default).
    #[arg(long)]
    pub all_languages: bool,
}

/// The application's posting input from these flags.
pub fn posting_input(input: &InputArgs, honesty: &HonestyArgs) -> PostingInput {
    let read = input.read_options();
    PostingInput {
        fields: read.fields,
        kind: read.kind,
        keep_boilerplate: input.keep_boilerplate,
        keep_duplicates: honesty.keep_duplicates,
        all_languages: honesty.all_languages,
    }
}

/// Skipped rows shown one by one before only the count is given.
const SHOW_SKIPS: u64 = 5;

/// Reading progress on stderr: a bar for large inputs (8 MiB and more), the
/// first skipped rows with file and line, then how many were skipped.
#[derive(Debug)]
pub struct Bar {
    pb: indicatif::ProgressBar,
    skipped: u64,
}

impl Default for Bar {
    fn default() -> Self {
        Bar {
            pb: indicatif::ProgressBar::hidden(),
            skipped: 0,
        }
    }
}

impl Progress for Bar {
    fn start(&mut self, total_bytes: u64) {
        self.pb = indicatif::ProgressBar::new(total_bytes);
        self.pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} of text {bytes_per_sec} eta {eta}",
            )
            .expect("static template"),
        );
        if total_bytes < (8 << 20) {
            self.pb
                .set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
    }

    fn advance(&mut self, bytes: u64) {
        self.pb.inc(bytes);
    }

    fn skipped(&mut self, source: &str, line: u64, reason: &str) {
        self.skipped += 1;
        if self.skipped <= SHOW_SKIPS {
            self.pb
                .suspend(|| eprintln!("mm: skipped {source}:{line}: {reason}"));
        }
    }

    fn finish(&mut self) {
        self.pb.finish_and_clear();
        if self.skipped > 0 {
            eprintln!(
                "mm: {} unusable row(s) skipped{}",
                self.skipped,
                if self.skipped > SHOW_SKIPS {
                    format!(" (the first {SHOW_SKIPS} are shown above)")
                } else {
                    String::new()
                }
            );
        }
    }
}

/// Parse `--since YYYY-MM`.
pub fn parse_since(s: &str) -> Result<u32> {
    month_key(s).with_context(|| format!("--since {s:?} is not a month: use YYYY-MM, e.g. 2021-01"))
}

pub fn run(cmd: MarketCmd, g: &Global) -> Result<()> {
    match cmd {
        MarketCmd::Analyse(a) => analyse(a, g),
        MarketCmd::List => {
            let ctx = Ctx::open(g)?;
            let all = ctx.block(app::list(&ctx.app))?;
            if g.json {
                return crate::ctx::print_json(&all);
            }
            if all.is_empty() {
                outln!("No saved analyses. Run `mm market analyse [postings...]`.")?;
                return Ok(());
            }
            let mut t = crate::ui::table(["id", "name", "postings", "dated", "saved"]);
            for m in &all {
                t.add_row(vec![
                    m.id.to_string(),
                    m.name.clone(),
                    m.postings.to_string(),
                    m.dated.to_string(),
                    m.created_at.format("%Y-%m-%d %H:%M").to_string(),
                ]);
            }
            outln!("{t}")
        }
        MarketCmd::Show { id, top } => {
            let ctx = Ctx::open(g)?;
            let m = match id {
                Some(id) => ctx.block(app::saved(&ctx.app, id))?,
                None => ctx
                    .block(app::latest(&ctx.app))?
                    .context("no saved analysis yet: run `mm market analyse [postings...]`")?,
            };
            print_report(&m.report, &m.name, top, g.json, false)
        }
    }
}

fn analyse(a: AnalyseArgs, g: &Global) -> Result<()> {
    let tax = super::discover::taxonomy()?;
    let input = AnalyseInput {
        role: a.role.clone(),
        occupation: a.occupation.clone(),
        since: a.since.as_deref().map(parse_since).transpose()?,
        min_support: a.min_support,
        input: posting_input(&a.input, &a.honesty),
        postings: a.postings.clone(),
    };
    let quiet = g.json || a.csv;
    let mut bar = Bar::default();
    let analysis = match &a.parquet {
        None => app::analyse(&tax, &input, &mut bar, None)?,
        Some(path) => {
            let file = crate::outfile::create(std::path::Path::new(path))?;
            let mut w = MentionWriter::new(&tax, std::io::BufWriter::new(file))?;
            let mut err = None;
            let got = app::analyse(
                &tax,
                &input,
                &mut bar,
                Some(&mut |src, r, m, s| {
                    if err.is_none()
                        && let Err(e) = w.push(src, r, m, s)
                    {
                        err = Some(e);
                    }
                }),
            )?;
            if let Some(e) = err {
                return Err(e).with_context(|| format!("writing {path}"));
            }
            let (postings, rows) = (w.postings, w.total_rows);
            w.finish()?
                .into_inner()
                .map_err(|e| e.into_error())
                .with_context(|| format!("writing {path}"))?
                .finish()?;
            if !quiet {
                eprintln!("mm: {rows} mention row(s) of {postings} posting(s) written to {path}");
            }
            got
        }
    };
    if !a.no_save {
        let ctx = Ctx::open(g)?;
        let saved = ctx.block(app::save(&ctx.app, &analysis))?;
        if !quiet {
            eprintln!(
                "mm: saved as market analysis {} (mm market show {})",
                saved.id, saved.id
            );
        }
    }
    if let Some(path) = &a.svg {
        let svg = app::share_chart(&analysis, a.top)?;
        crate::outfile::write(std::path::Path::new(path), svg.as_bytes())?;
        if !quiet {
            eprintln!("mm: chart written to {path}");
        }
    }
    print_report(&analysis.report, &analysis.name, a.top, g.json, a.csv)
}

fn print_report(
    report: &MarketReport,
    name: &str,
    top: usize,
    json: bool,
    csv: bool,
) -> Result<()> {
    let n = if top == 0 {
        report.skills.len()
    } else {
        top.min(report.skills.len())
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        return crate::ctx::print_json(report);
    }
    if csv {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "uri",
            "label",
            "skill_type",
            "postings",
            "share",
            "ci_low",
            "ci_high",
            "trend_slope_per_month",
            "trend_p",
            "trend",
            "cooccurs",
            "trend_q",
            "few_postings",
        ])?;
        for s in &report.skills[..n] {
            let co: Vec<String> = s
                .cooccurs
                .iter()
                .map(|c| format!("{} (lift {:.2})", c.label, c.lift))
                .collect();
            w.write_record([
                s.uri.clone(),
                s.label.clone(),
                s.skill_type.clone(),
                s.postings.to_string(),
                format!("{:.6}", s.share),
                format!("{:.6}", s.ci_low),
                format!("{:.6}", s.ci_high),
                s.trend
                    .as_ref()
                    .map(|t| format!("{:.6}", t.slope_per_month))
                    .unwrap_or_default(),
                s.trend
                    .as_ref()
                    .map(|t| format!("{:.6}", t.p_value))
                    .unwrap_or_default(),
                s.trend
                    .as_ref()
                    .map(|t| t.direction().to_string())
                    .unwrap_or_default(),
                co.join("; "),
                s.trend
                    .as_ref()
                    .and_then(|t| t.q_value)
                    .map(|q| format!("{q:.6}"))
                    .unwrap_or_default(),
                s.few.to_string(),
            ])?;
        }
        w.flush()?;
        return Ok(());
    }
    writeln!(
        out,
        "{name}: {} postings, {} dated{}",
        report.postings,
        report.dated,
        if report.excluded > 0 {
            format!(", {} left out by --since", report.excluded)
        } else {
            String::new()
        }
    )?;
    let left_out = report.exclusions();
    if !left_out.is_empty() {
        writeln!(out, "Left out: {left_out}.")?;
    }
    if report.boilerplate_share > 0.0 {
        writeln!(
            out,
            "Boilerplate: {:.0}% of the text (benefits, equal-opportunity, company, how to apply) was not read for skills (--keep-boilerplate to read it).",
            100.0 * report.boilerplate_share
        )?;
    }
    match &report.trend_skipped {
        Some(why) => writeln!(out, "Trend: skipped: {why}.")?,
        None => writeln!(
            out,
            "Trend: monthly share over {} … {} ({} months); slope in points a month, flat unless q < 0.05 (Benjamini–Hochberg over {} tests; {} significant).",
            report.months.first().map_or("", |m| m.month.as_str()),
            report.months.last().map_or("", |m| m.month.as_str()),
            report.months.len(),
            report.trend_tests,
            report.significant_trends,
        )?,
    }
    for w in &report.warnings {
        writeln!(out, "Warning: {w}.")?;
    }
    let mut t = crate::ui::table([
        "skill",
        "postings",
        "share",
        "95% interval",
        "trend",
        "asked for with (lift)",
    ]);
    for s in &report.skills[..n] {
        let trend = match &s.trend {
            Some(tr) => format!(
                "{} {} {:+.1} q={:.2}",
                sparkline(&tr.monthly_share),
                tr.direction(),
                100.0 * tr.slope_per_month,
                tr.q_value.unwrap_or(tr.p_value)
            ),
            None => "–".into(),
        };
        let co: Vec<String> = s
            .cooccurs
            .iter()
            .take(3)
            .map(|c| format!("{} ({:.1})", c.label, c.lift))
            .collect();
        t.add_row(vec![
            s.label.clone(),
            s.postings.to_string(),
            format!("{:.1}%{}", 100.0 * s.share, if s.few { "*" } else { "" }),
            format!("{:.1}–{:.1}%", 100.0 * s.ci_low, 100.0 * s.ci_high),
            trend,
            co.join(", "),
        ]);
    }
    writeln!(out, "{t}")?;
    if report.skills[..n].iter().any(|s| s.few) {
        writeln!(
            out,
            "* rests on fewer than {} postings: a rough figure.",
            mm_discover::market::MIN_POSTINGS
        )?;
    }
    if n < report.skills.len() {
        writeln!(
            out,
            "{} of {} skills shown (--top 0 for all, --json for everything).",
            n,
            report.skills.len()
        )?;
    }
    Ok(())
}
