//! Market analysis: read job postings (files or the shipped sample), count
//! the skills they ask for with the taxonomy's extractor, and keep the
//! result in the journal so discovery reuses it. Reading reports its
//! progress through [`Progress`], which a face draws as it likes.

use crate::{App, Error, Result};
use chrono::{DateTime, Utc};
use mm_discover::market::{Counts, MarketReport, MonthKey, Options};
use mm_discover::postings::{Entry, InputKind, ReadOptions, Reader};
use mm_discover::titles::TitleFilter;
use mm_store::{MarketSkillRow, NewMarketAnalysis};
use mm_taxonomy::extract::Extractor;
use mm_taxonomy::input::{Fields, Record};
use mm_taxonomy::occupations::OccupationIndex;
use mm_taxonomy::{SkillIdx, Taxonomy};
use rustc_hash::FxHashSet;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// How to read posting files, and what to leave out of the figures.
#[derive(Debug, Clone)]
pub struct PostingInput {
    /// Which field or column holds the text, title, date and id.
    pub fields: Fields,
    /// The files' format (`Auto`: by extension).
    pub kind: InputKind,
    /// Read benefits, equal-opportunity, company and how-to-apply text too.
    pub keep_boilerplate: bool,
    /// Count near-duplicate postings each time.
    pub keep_duplicates: bool,
    /// Count postings in every language, not only English.
    pub all_languages: bool,
}

impl Default for PostingInput {
    fn default() -> Self {
        PostingInput {
            fields: Fields {
                text: "text".into(),
                title: "title".into(),
                date: "date".into(),
                id: "id".into(),
            },
            kind: InputKind::Auto,
            keep_boilerplate: false,
            keep_duplicates: false,
            all_languages: false,
        }
    }
}

impl PostingInput {
    /// The reader's options.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            fields: self.fields.clone(),
            kind: self.kind,
        }
    }

    /// Counting options with these exclusions.
    pub fn options(&self) -> Options {
        Options {
            keep_boilerplate: self.keep_boilerplate,
            keep_duplicates: self.keep_duplicates,
            all_languages: self.all_languages,
            ..Options::default()
        }
    }
}

/// What reading postings tells its caller as it goes.
pub trait Progress {
    /// Reading starts: this many bytes of files in all.
    fn start(&mut self, _total_bytes: u64) {}
    /// This many more bytes were read.
    fn advance(&mut self, _bytes: u64) {}
    /// A row that cannot be used was skipped.
    fn skipped(&mut self, _source: &str, _line: u64, _reason: &str) {}
    /// Reading is over.
    fn finish(&mut self) {}
}

/// Progress nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Progress for Quiet {}

/// Every counted posting with its source name, month and distinct skills.
pub type Sink<'a> = &'a mut dyn FnMut(&str, &Record, Option<MonthKey>, &[SkillIdx]);

/// Postings read and counted, and how many unusable rows were skipped.
#[derive(Debug)]
pub struct Read {
    pub counts: Counts,
    pub skipped: u64,
}

/// Read posting files (the shipped sample when `files` is empty) into
/// counts, handing every counted posting to `sink` when given.
///
/// # Errors
/// Not found for a missing file; invalid for a file that cannot be read as
/// postings.
pub fn read_postings(
    ex: &Extractor,
    files: &[String],
    input: &PostingInput,
    opts: &Options,
    progress: &mut dyn Progress,
    mut sink: Option<Sink<'_>>,
) -> Result<Read> {
    if files.is_empty() {
        let counts = match sink.as_mut() {
            Some(sink) => mm_discover::sample::count_with(ex, opts, &mut |r, m, s| {
                sink(mm_discover::sample::NAME, r, m, s)
            })?,
            None => mm_discover::sample::count(ex, opts)?,
        };
        return Ok(Read { counts, skipped: 0 });
    }
    let paths: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    for (f, p) in files.iter().zip(&paths) {
        if std::fs::metadata(p).is_err() {
            return Err(Error::new(
                crate::ErrorKind::NotFound,
                format!("cannot open {f}: no such file or folder"),
            ));
        }
    }
    let reader = Reader::open_all(&paths, &input.read_options())?;
    let total = paths.iter().map(|p| dir_bytes(p)).sum();
    count_reader(ex, reader, opts, total, progress, sink)
}

/// Postings uploaded as one file's bytes (a web form), named as the file
/// was: its extension says the format as a file's does (`.jsonl`, `.csv`,
/// `.json`/`.jsonld`, `.html`); without one, the first byte decides.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Read uploaded postings into counts.
///
/// # Errors
/// Invalid for bytes that cannot be read as postings (a CSV without the
/// text column, say).
pub fn read_upload(
    ex: &Extractor,
    up: &Upload,
    input: &PostingInput,
    opts: &Options,
    progress: &mut dyn Progress,
    sink: Option<Sink<'_>>,
) -> Result<Read> {
    let ext = Path::new(&up.name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let kind = match input.kind {
        InputKind::Auto => InputKind::of_extension(&ext).unwrap_or(InputKind::Auto),
        k => k,
    };
    let read = ReadOptions {
        kind,
        ..input.read_options()
    };
    // The bytes are in memory: nothing can fail but their content, so every
    // failure is the upload's (invalid, naming the field), never internal.
    let bad = |e: Error| match e.kind() {
        crate::ErrorKind::Internal | crate::ErrorKind::Unavailable => {
            Error::invalid_field("postings", e.message().to_owned())
        }
        _ => e,
    };
    let bytes: Box<dyn std::io::BufRead + Send> = Box::new(std::io::Cursor::new(up.bytes.clone()));
    let reader = Reader::from_stream(bytes, &up.name, &read).map_err(|e| bad(Error::from(e)))?;
    count_reader(ex, reader, opts, up.bytes.len() as u64, progress, sink).map_err(bad)
}

fn count_reader(
    ex: &Extractor,
    reader: Reader,
    opts: &Options,
    total_bytes: u64,
    progress: &mut dyn Progress,
    sink: Option<Sink<'_>>,
) -> Result<Read> {
    progress.start(total_bytes);
    let mut skipped = 0u64;
    let mut err: Option<mm_discover::Error> = None;
    let mut counts = Counts::default();
    {
        // The reader and the counter both report; they take turns.
        let progress = std::cell::RefCell::new(&mut *progress);
        let items = reader.map_while(|e| match e {
            Ok(Entry::Posting { source, record }) => Some(Some((source, record))),
            Ok(Entry::Skip {
                source,
                line,
                reason,
            }) => {
                skipped += 1;
                progress.borrow_mut().skipped(&source, line, &reason);
                Some(None)
            }
            Err(e) => {
                err = Some(e);
                None
            }
        });
        let mut noop = |_: &str, _: &Record, _: Option<MonthKey>, _: &[SkillIdx]| {};
        let sink: Sink<'_> = match sink {
            Some(s) => s,
            None => &mut noop,
        };
        mm_discover::market::count_sourced(
            &mut counts,
            ex,
            items.flatten(),
            opts,
            4 << 20,
            |b| progress.borrow_mut().advance(b),
            sink,
        );
        progress.borrow_mut().finish();
    }
    if let Some(e) = err {
        return Err(Error::from(e).context("reading postings"));
    }
    Ok(Read { counts, skipped })
}

/// Size of a file, or of every file under a folder (for progress).
fn dir_bytes(p: &Path) -> u64 {
    match std::fs::metadata(p) {
        Ok(m) if m.is_dir() => std::fs::read_dir(p)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| dir_bytes(&e.path()))
                    .sum()
            })
            .unwrap_or(0),
        Ok(m) => m.len(),
        Err(_) => 0,
    }
}

/// The skills a role is linked to: ESCO relations and O*NET technologies.
pub fn role_skills(tax: &Taxonomy, role: &mm_discover::rank::Role) -> FxHashSet<u32> {
    let mut only: FxHashSet<u32> = FxHashSet::default();
    if let Some(o) = role.esco {
        only.extend(tax.occupation(o).skills.iter().map(|s| s.0));
    }
    for &o in &role.onet {
        for u in &tax.onet_occupations[o as usize].technologies {
            let t = &tax.technologies[u.tech as usize];
            only.extend(t.esco.iter().copied());
            only.insert(t.concept);
        }
    }
    only
}

/// What to analyse.
#[derive(Debug, Clone, Default)]
pub struct AnalyseInput {
    /// Posting files or folders; empty: the shipped sample.
    pub postings: Vec<String>,
    /// Count only postings whose titles name this role.
    pub role: Option<String>,
    /// Report only the skills of this occupation.
    pub occupation: Option<String>,
    /// Only postings dated in this month or later.
    pub since: Option<MonthKey>,
    /// Postings a pair must share to count as co-occurring.
    pub min_support: u64,
    pub input: PostingInput,
}

/// A finished analysis, not yet saved.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// What was read, with its scope: `ads.jsonl (titles of data analyst)`.
    pub name: String,
    /// The scope alone (empty for all postings and skills).
    pub scope: String,
    /// Where the postings came from.
    pub sources: Vec<String>,
    pub report: MarketReport,
    /// Unusable rows skipped.
    pub skipped: u64,
}

/// Analyse postings: every skill's share with its interval, monthly trend
/// and co-occurring skills.
///
/// # Errors
/// Invalid for an empty role, no postings left to count, or postings that
/// mention no skill; not found for an unknown role or occupation.
pub fn analyse(
    tax: &Taxonomy,
    a: &AnalyseInput,
    progress: &mut dyn Progress,
    sink: Option<Sink<'_>>,
) -> Result<Analysis> {
    analyse_from(tax, a, None, progress, sink)
}

/// Analyse an uploaded postings file as [`analyse`] does files (the
/// `postings` of `a` are not read).
///
/// # Errors
/// As [`analyse`]; invalid for an empty upload.
pub fn analyse_upload(
    tax: &Taxonomy,
    a: &AnalyseInput,
    up: &Upload,
    progress: &mut dyn Progress,
) -> Result<Analysis> {
    if up.bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::invalid_field(
            "postings",
            format!("{} is empty: upload a file of postings", up.name),
        ));
    }
    analyse_from(tax, a, Some(up), progress, None)
}

fn analyse_from(
    tax: &Taxonomy,
    a: &AnalyseInput,
    upload: Option<&Upload>,
    progress: &mut dyn Progress,
    sink: Option<Sink<'_>>,
) -> Result<Analysis> {
    let ex = Extractor::new(tax);
    let mut opts = Options {
        since: a.since,
        ..a.input.options()
    };
    let mut scope = String::new();
    if a.occupation.is_some() || a.role.is_some() {
        let idx = OccupationIndex::new(tax);
        if let Some(r) = &a.role {
            let role = crate::discover::resolve_role(
                tax,
                &idx,
                &crate::discover::RoleQuery::Title(r.clone()),
            )?;
            scope.push_str(&format!(" (titles of {})", role.title()));
            opts.titles = Some(TitleFilter::for_role(tax, &role));
        }
        if let Some(occ) = &a.occupation {
            let role = crate::discover::resolve_key(tax, &idx, occ)?;
            scope.push_str(&format!(" (skills of {})", role.title()));
            opts.only = Some(role_skills(tax, &role));
        }
    }
    let (read, sources) = match upload {
        Some(up) => (
            read_upload(&ex, up, &a.input, &opts, progress, sink)?,
            vec![up.name.clone()],
        ),
        None if a.postings.is_empty() => (
            read_postings(&ex, &a.postings, &a.input, &opts, progress, sink)?,
            vec![mm_discover::sample::NAME.to_string()],
        ),
        None => (
            read_postings(&ex, &a.postings, &a.input, &opts, progress, sink)?,
            a.postings.clone(),
        ),
    };
    let source = sources.join(", ");
    let report = read.counts.report(tax, &opts, a.min_support);
    if read.counts.postings == 0 {
        let mut why = report.exclusions();
        if read.skipped > 0 {
            if !why.is_empty() {
                why.push_str(", ");
            }
            why.push_str(&format!("{} unusable row(s) skipped", read.skipped));
        }
        let why = if why.is_empty() {
            String::new()
        } else {
            format!("; left out: {why}")
        };
        return Err(Error::invalid(format!(
            "no postings to analyse in {source}{scope}{why}"
        )));
    }
    if report.skills.is_empty() {
        return Err(Error::invalid(format!(
            "none of the {} postings in {source} mentions a skill{}",
            report.postings,
            if scope.is_empty() {
                " of the taxonomy".to_string()
            } else {
                scope.clone()
            }
        )));
    }
    Ok(Analysis {
        name: format!("{source}{scope}"),
        scope,
        sources,
        report,
        skipped: read.skipped,
    })
}

/// A saved analysis in a list (without its report).
#[derive(Debug, Clone, Serialize)]
pub struct SavedMarket {
    pub id: i64,
    pub name: String,
    pub sources: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub postings: u64,
    pub dated: u64,
}

/// Keep an analysis in the journal (one transaction: the analysis and its
/// per-skill rows).
///
/// # Errors
/// When the journal cannot be written.
pub async fn save(app: &App, a: &Analysis) -> Result<SavedMarket> {
    let r = &a.report;
    let new = NewMarketAnalysis {
        name: a.name.clone(),
        sources: a.sources.clone(),
        postings: r.postings,
        dated: r.dated,
        report: serde_json::to_value(r).map_err(|e| Error::internal(e.to_string()))?,
        skills: r
            .skills
            .iter()
            .map(|s| MarketSkillRow {
                skill_uri: s.uri.clone(),
                label: s.label.clone(),
                postings: s.postings,
                share: s.share,
                ci_low: s.ci_low,
                ci_high: s.ci_high,
                trend_slope: s.trend.as_ref().map(|t| t.slope_per_month),
                trend_p: s.trend.as_ref().map(|t| t.p_value),
            })
            .collect(),
    };
    Ok(summary(
        app.store().save_market(&new, app.person().now).await?,
    ))
}

fn summary(m: mm_store::MarketAnalysis) -> SavedMarket {
    SavedMarket {
        id: m.id,
        name: m.name,
        sources: m.sources,
        created_at: m.created_at,
        postings: m.postings,
        dated: m.dated,
    }
}

/// Every saved analysis.
///
/// # Errors
/// When the journal cannot be read.
pub async fn list(app: &App) -> Result<Vec<SavedMarket>> {
    Ok(app
        .store()
        .list_markets()
        .await?
        .into_iter()
        .map(summary)
        .collect())
}

/// A saved analysis with its report.
#[derive(Debug, Clone, Serialize)]
pub struct SavedReport {
    pub id: i64,
    pub name: String,
    pub report: MarketReport,
}

fn report_of(m: mm_store::MarketAnalysis) -> Result<SavedReport> {
    let report = serde_json::from_value(m.report).map_err(|e| {
        Error::internal(format!("saved market analysis {} is unreadable: {e}", m.id))
    })?;
    Ok(SavedReport {
        id: m.id,
        name: m.name,
        report,
    })
}

/// A saved analysis by id.
///
/// # Errors
/// Not found (what: `market analysis`).
pub async fn saved(app: &App, id: i64) -> Result<SavedReport> {
    report_of(app.store().get_market(id).await?)
}

/// The latest saved analysis, if any.
///
/// # Errors
/// When the journal cannot be read.
pub async fn latest(app: &App) -> Result<Option<SavedReport>> {
    app.store()
        .latest_market()
        .await?
        .map(report_of)
        .transpose()
}

/// An SVG bar chart of the `top` most asked-for skills (0: all) with their
/// intervals.
///
/// # Errors
/// When the chart cannot be drawn.
pub fn share_chart(a: &Analysis, top: usize) -> Result<String> {
    report_chart(&a.report, &a.scope, top)
}

/// The same chart for any report (a saved analysis), `scope` said in its
/// title.
///
/// # Errors
/// When the chart cannot be drawn.
pub fn report_chart(r: &MarketReport, scope: &str, top: usize) -> Result<String> {
    let n = if top == 0 {
        r.skills.len()
    } else {
        top.min(r.skills.len())
    };
    Ok(mm_discover::chart::share_chart_svg(
        &format!(
            "Share of {} postings asking for each skill{scope}",
            r.postings
        ),
        &r.skills[..n],
    )?)
}
