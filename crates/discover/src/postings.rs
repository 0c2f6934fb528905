//! Bring your own postings: every input a user is likely to have, read one
//! posting at a time, with unusable rows counted and reported with file and
//! line.
//!
//! | input | how it is read |
//! |---|---|
//! | `.jsonl`, `.ndjson` | JSON Lines, streamed; fields named by [`Fields`] (dotted names walk into objects) |
//! | `.csv` | CSV with a header row, streamed; columns named by [`Fields`] |
//! | `.json`, `.jsonld` | one JSON document: schema.org `JobPosting` objects anywhere in it (one object, an array, `@graph`, nested `mainEntity`); without any, an array of plain rows with the text field; a `.json` file that is not one document is read as JSON Lines |
//! | `.html`, `.htm` | every `<script type="application/ld+json">` JobPosting; a page without one becomes one posting: its visible text (title from `<title>` or `<h1>`) |
//! | a folder | every file in it (recursively, sorted, hidden files skipped), one posting each: `.html`/`.json` as above, `.jsonl`/`.csv` row by row, any other file's whole text as one posting |
//! | anything else | plain text, one posting a non-empty line |
//!
//! A JobPosting's text is its `description` (HTML converted to text) followed
//! by `responsibilities`, `qualifications`, `skills`, `experienceRequirements`
//! and `educationRequirements`; its title is `title` (or `name`), its date
//! `datePosted`, its id `identifier` (or `@id`, or `url`).
//!
//! ```no_run
//! use mm_discover::postings::{Entry, Reader, ReadOptions};
//! for e in Reader::open("ads/".as_ref(), &ReadOptions::default())? {
//!     match e? {
//!         Entry::Posting { source, record } => println!("{source}:{} {:?}", record.line, record.title),
//!         Entry::Skip { source, line, reason } => eprintln!("skipped {source}:{line}: {reason}"),
//!     }
//! }
//! # Ok::<(), mm_discover::Error>(())
//! ```

use crate::{Error, Result};
use mm_taxonomy::input::{Fields, Format, Item, LineParser, Record, Records, Unparsed};
use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How to read a file (default: from its extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputKind {
    #[default]
    Auto,
    Jsonl,
    Csv,
    Text,
    /// One JSON or JSON-LD document.
    Json,
    Html,
}

impl InputKind {
    /// The format a file extension (lower case, without the dot) names:
    /// `jsonl`/`ndjson`, `csv`, `json`/`jsonld`, `html`/`htm`/`xhtml`.
    pub fn of_extension(ext: &str) -> Option<InputKind> {
        Some(match ext {
            "jsonl" | "ndjson" => InputKind::Jsonl,
            "csv" => InputKind::Csv,
            "json" | "jsonld" => InputKind::Json,
            "html" | "htm" | "xhtml" => InputKind::Html,
            _ => return None,
        })
    }
}

/// Options of a [`Reader`].
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub fields: Fields,
    /// Force a format for files given directly (folders always go by extension).
    pub kind: InputKind,
}

/// One thing read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A posting and the file it came from.
    Posting { source: Arc<str>, record: Record },
    /// Something that could not be used, with file, 1-based line and why.
    Skip {
        source: Arc<str>,
        line: u64,
        reason: String,
    },
}

/// Whole documents larger than this are refused (they are read into memory).
pub const MAX_DOCUMENT: u64 = 256 << 20;

enum Current {
    Stream {
        source: Arc<str>,
        records: Box<Records<Box<dyn BufRead + Send>>>,
        /// Shared by the pending lines of this stream (made on first use).
        parser: Option<Arc<LineParser>>,
    },
    Queue(VecDeque<Entry>),
}

/// Reads postings from files and folders; an iterator of [`Entry`].
pub struct Reader {
    opts: ReadOptions,
    /// Files still to open, with whether they came from a folder.
    files: VecDeque<(PathBuf, bool)>,
    current: Option<Current>,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("files_left", &self.files.len())
            .finish()
    }
}

fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::Taxonomy(mm_taxonomy::Error::Io {
        path: path.to_path_buf(),
        source: e,
    })
}

fn lower_ext(p: &Path) -> String {
    p.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io_err(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

impl Reader {
    /// Read `path`: a file or a folder.
    ///
    /// # Errors
    /// An I/O error naming the path when it does not exist or cannot be listed.
    pub fn open(path: &Path, opts: &ReadOptions) -> Result<Reader> {
        Self::open_all(std::slice::from_ref(&path.to_path_buf()), opts)
    }

    /// Read several files and folders in turn.
    ///
    /// # Errors
    /// As [`Reader::open`], for the first path that fails.
    pub fn open_all(paths: &[PathBuf], opts: &ReadOptions) -> Result<Reader> {
        let mut files = VecDeque::new();
        for p in paths {
            let meta = std::fs::metadata(p).map_err(|e| io_err(p, e))?;
            if meta.is_dir() {
                let mut found = Vec::new();
                walk(p, &mut found)?;
                files.extend(found.into_iter().map(|f| (f, true)));
            } else {
                files.push_back((p.clone(), false));
            }
        }
        Ok(Reader {
            opts: opts.clone(),
            files,
            current: None,
        })
    }

    /// Read an already open stream (stdin) named `name`. With
    /// [`InputKind::Auto`] the first byte decides: `{` JSON Lines, `[` one
    /// JSON document, `<` HTML, anything else plain text.
    ///
    /// # Errors
    /// When the stream cannot be read, or a CSV header lacks the text column.
    pub fn from_stream(
        mut rdr: Box<dyn BufRead + Send>,
        name: &str,
        opts: &ReadOptions,
    ) -> Result<Reader> {
        let kind = match opts.kind {
            InputKind::Auto => {
                let buf = rdr.fill_buf().map_err(|e| io_err(Path::new(name), e))?;
                match buf.iter().find(|b| !b.is_ascii_whitespace()) {
                    Some(b'{') => InputKind::Jsonl,
                    Some(b'[') => InputKind::Json,
                    Some(b'<') => InputKind::Html,
                    _ => InputKind::Text,
                }
            }
            k => k,
        };
        let source: Arc<str> = name.into();
        let current = match kind {
            InputKind::Json | InputKind::Html => {
                let mut bytes = Vec::new();
                rdr.take(MAX_DOCUMENT)
                    .read_to_end(&mut bytes)
                    .map_err(|e| io_err(Path::new(name), e))?;
                Current::Queue(document(&source, &bytes, kind, &opts.fields))
            }
            _ => Current::Stream {
                records: Box::new(Records::with_fields(
                    rdr,
                    &line_format(kind),
                    &opts.fields,
                    name,
                )?),
                source,
                parser: None,
            },
        };
        Ok(Reader {
            opts: opts.clone(),
            files: VecDeque::new(),
            current: Some(current),
        })
    }

    fn start(&mut self, path: &Path, in_folder: bool) -> Result<Current> {
        let name = path.display().to_string();
        let source: Arc<str> = name.as_str().into();
        let ext = lower_ext(path);
        let kind = if in_folder || self.opts.kind == InputKind::Auto {
            match InputKind::of_extension(&ext) {
                Some(k) => k,
                None if in_folder => {
                    // Any other file in a folder is one posting.
                    return Ok(Current::Queue(whole_text(&source, path)));
                }
                None => InputKind::Text,
            }
        } else {
            self.opts.kind
        };
        let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
        match kind {
            InputKind::Json | InputKind::Html => {
                let len = file.metadata().map(|m| m.len()).unwrap_or(0);
                if len > MAX_DOCUMENT {
                    return Err(Error::Invalid(format!(
                        "{name} is {} MB, too large for one document; split it, or use JSON Lines",
                        len >> 20
                    )));
                }
                let mut bytes = Vec::with_capacity(len as usize);
                BufReader::new(file)
                    .read_to_end(&mut bytes)
                    .map_err(|e| io_err(path, e))?;
                Ok(Current::Queue(document(
                    &source,
                    &bytes,
                    kind,
                    &self.opts.fields,
                )))
            }
            _ => {
                let rdr: Box<dyn BufRead + Send> =
                    Box::new(BufReader::with_capacity(1 << 16, file));
                Ok(Current::Stream {
                    records: Box::new(Records::with_fields(
                        rdr,
                        &line_format(kind),
                        &self.opts.fields,
                        &name,
                    )?),
                    source,
                    parser: None,
                })
            }
        }
    }
}

fn line_format(kind: InputKind) -> Format {
    match kind {
        InputKind::Jsonl => Format::Jsonl,
        InputKind::Csv => Format::Csv,
        _ => Format::Text,
    }
}

/// A posting read in order but not parsed yet ([`Reader::next_pending`]):
/// [`Pending::parse`] it on any thread. Reading a line is cheap; parsing
/// its JSON is not, so callers that process in parallel parse there too.
#[derive(Debug)]
pub struct Pending(PendingKind);

#[derive(Debug)]
enum PendingKind {
    Ready(Entry),
    Line {
        source: Arc<str>,
        line: u64,
        bytes: Vec<u8>,
        parser: Arc<LineParser>,
    },
}

impl Pending {
    /// Bytes of input this stands for (the raw line, or the record's text).
    pub fn len(&self) -> usize {
        match &self.0 {
            PendingKind::Line { bytes, .. } => bytes.len(),
            PendingKind::Ready(Entry::Posting { record, .. }) => record.text.len(),
            PendingKind::Ready(Entry::Skip { .. }) => 0,
        }
    }

    /// True when it stands for no input bytes (a skip, an empty line).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entry, or `None` for a blank line (neither a posting nor a skip).
    pub fn parse(self) -> Option<Entry> {
        match self.0 {
            PendingKind::Ready(e) => Some(e),
            PendingKind::Line {
                source,
                line,
                bytes,
                parser,
            } => parser.parse(line, &bytes).map(|it| match it {
                Item::Record(record) => Entry::Posting { source, record },
                Item::Skip { line, reason } => Entry::Skip {
                    source,
                    line,
                    reason,
                },
            }),
        }
    }
}

impl Reader {
    /// The next posting, unparsed where parsing is worth doing elsewhere
    /// (lines of JSON Lines and plain text); whole documents and CSV rows
    /// come parsed. `reader.next()` is `next_pending` then [`Pending::parse`].
    pub fn next_pending(&mut self) -> Option<Result<Pending>> {
        loop {
            match &mut self.current {
                Some(Current::Stream {
                    source,
                    records,
                    parser,
                }) => match records.next_line() {
                    Some(Ok(Unparsed::Line { line, bytes })) => {
                        let parser = parser
                            .get_or_insert_with(|| Arc::new(records.line_parser()))
                            .clone();
                        return Some(Ok(Pending(PendingKind::Line {
                            source: source.clone(),
                            line,
                            bytes,
                            parser,
                        })));
                    }
                    Some(Ok(Unparsed::Item(Item::Record(record)))) => {
                        return Some(Ok(Pending(PendingKind::Ready(Entry::Posting {
                            source: source.clone(),
                            record,
                        }))));
                    }
                    Some(Ok(Unparsed::Item(Item::Skip { line, reason }))) => {
                        return Some(Ok(Pending(PendingKind::Ready(Entry::Skip {
                            source: source.clone(),
                            line,
                            reason,
                        }))));
                    }
                    Some(Err(e)) => {
                        self.current = None;
                        return Some(Err(e.into()));
                    }
                    None => self.current = None,
                },
                Some(Current::Queue(q)) => match q.pop_front() {
                    Some(e) => return Some(Ok(Pending(PendingKind::Ready(e)))),
                    None => self.current = None,
                },
                None => {
                    let (path, in_folder) = self.files.pop_front()?;
                    match self.start(&path, in_folder) {
                        Ok(c) => self.current = Some(c),
                        Err(e) => return Some(Err(e)),
                    }
                }
            }
        }
    }
}

impl Iterator for Reader {
    type Item = Result<Entry>;

    fn next(&mut self) -> Option<Result<Entry>> {
        loop {
            match self.next_pending()? {
                Ok(p) => {
                    if let Some(e) = p.parse() {
                        return Some(Ok(e));
                    }
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

fn skip(source: &Arc<str>, line: u64, reason: impl Into<String>) -> Entry {
    Entry::Skip {
        source: source.clone(),
        line,
        reason: reason.into(),
    }
}

fn whole_text(source: &Arc<str>, path: &Path) -> VecDeque<Entry> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return VecDeque::from([skip(source, 1, format!("cannot read: {e}"))]),
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return VecDeque::from([skip(source, 1, "invalid UTF-8 (not a text file?)")]);
    };
    if text.trim().is_empty() {
        return VecDeque::from([skip(source, 1, "empty file")]);
    }
    VecDeque::from([Entry::Posting {
        source: source.clone(),
        record: Record {
            line: 1,
            id: None,
            date: None,
            title: None,
            text,
        },
    }])
}

/// Postings of one JSON or HTML document.
fn document(source: &Arc<str>, bytes: &[u8], kind: InputKind, fields: &Fields) -> VecDeque<Entry> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return VecDeque::from([skip(source, 1, "invalid UTF-8")]);
    };
    let text = text.trim_start_matches('\u{feff}');
    match kind {
        InputKind::Html => html_document(source, text),
        _ => match serde_json::from_str::<Value>(text) {
            Ok(v) => json_document(source, v, fields),
            Err(e) => {
                // `.json` files are often JSON Lines in disguise.
                if e.to_string().contains("trailing characters")
                    && text.trim_start().starts_with('{')
                {
                    let rdr: Box<dyn BufRead + Send> =
                        Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
                    match Records::with_fields(rdr, &Format::Jsonl, fields, source) {
                        Ok(r) => r
                            .map(|it| match it {
                                Ok(Item::Record(record)) => Entry::Posting {
                                    source: source.clone(),
                                    record,
                                },
                                Ok(Item::Skip { line, reason }) => skip(source, line, reason),
                                Err(e) => skip(source, 1, e.to_string()),
                            })
                            .collect(),
                        Err(e) => VecDeque::from([skip(source, 1, e.to_string())]),
                    }
                } else {
                    VecDeque::from([skip(
                        source,
                        e.line() as u64,
                        format!("malformed JSON: {e}"),
                    )])
                }
            }
        },
    }
}

fn is_job_posting(o: &serde_json::Map<String, Value>) -> bool {
    let t = |s: &str| s == "JobPosting" || s.ends_with("/JobPosting") || s.ends_with(":JobPosting");
    match o.get("@type") {
        Some(Value::String(s)) => t(s),
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str().is_some_and(t)),
        _ => false,
    }
}

/// Every JobPosting object in `v`, in document order (not looking inside one).
fn collect_postings<'v>(v: &'v Value, out: &mut Vec<&'v serde_json::Map<String, Value>>) {
    match v {
        Value::Object(o) if is_job_posting(o) => out.push(o),
        Value::Object(o) => o.values().for_each(|x| collect_postings(x, out)),
        Value::Array(a) => a.iter().for_each(|x| collect_postings(x, out)),
        _ => {}
    }
}

/// Plain text of a JSON-LD value: a string (HTML converted), an object's
/// `description`/`name`/`value`, or the items of an array.
fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => html_fragment_text(s),
        Value::Array(a) => a
            .iter()
            .map(json_text)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Object(o) => ["description", "name", "value"]
            .iter()
            .find_map(|k| o.get(*k).map(json_text))
            .unwrap_or_default(),
        Value::Null | Value::Bool(_) => String::new(),
        Value::Number(n) => n.to_string(),
    }
}

fn json_scalar(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => ["value", "@id", "name"]
            .iter()
            .find_map(|k| json_scalar(o.get(*k))),
        Value::Array(a) => a.iter().find_map(|x| json_scalar(Some(x))),
        _ => None,
    }
}

/// A JobPosting as a record, or why it cannot be one.
pub fn job_posting(
    o: &serde_json::Map<String, Value>,
    line: u64,
) -> std::result::Result<Record, String> {
    let mut parts: Vec<String> = Vec::new();
    for k in [
        "description",
        "responsibilities",
        "qualifications",
        "skills",
        "experienceRequirements",
        "educationRequirements",
    ] {
        if let Some(v) = o.get(k) {
            let t = json_text(v);
            if !t.trim().is_empty() {
                parts.push(t);
            }
        }
    }
    if parts.is_empty() {
        return Err(
            "JobPosting without a description (nor responsibilities, qualifications or skills)"
                .into(),
        );
    }
    Ok(Record {
        line,
        id: json_scalar(o.get("identifier"))
            .or_else(|| json_scalar(o.get("@id")))
            .or_else(|| json_scalar(o.get("url"))),
        date: json_scalar(o.get("datePosted")),
        title: o
            .get("title")
            .or_else(|| o.get("name"))
            .map(json_text)
            .filter(|t| !t.trim().is_empty()),
        text: parts.join("\n"),
    })
}

fn json_document(source: &Arc<str>, v: Value, fields: &Fields) -> VecDeque<Entry> {
    let mut found = Vec::new();
    collect_postings(&v, &mut found);
    if !found.is_empty() {
        return found
            .iter()
            .enumerate()
            .map(|(i, o)| match job_posting(o, 1) {
                Ok(record) => Entry::Posting {
                    source: source.clone(),
                    record,
                },
                Err(why) => skip(
                    source,
                    1,
                    format!("JobPosting {} of {}: {why}", i + 1, found.len()),
                ),
            })
            .collect();
    }
    // Plain rows: an object or an array of objects with the text field.
    let rows: Vec<Value> = match v {
        Value::Array(a) => a,
        o @ Value::Object(_) => vec![o],
        _ => Vec::new(),
    };
    if rows.is_empty() {
        return VecDeque::from([skip(
            source,
            1,
            "no schema.org JobPosting and no rows in this JSON document",
        )]);
    }
    let n = rows.len();
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let line = serde_json::to_string(&row).unwrap_or_default();
            let rdr: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(line.into_bytes()));
            let item = Records::with_fields(rdr, &Format::Jsonl, fields, source)
                .ok()
                .and_then(|mut r| r.next());
            match item {
                Some(Ok(Item::Record(mut record))) => {
                    record.line = 1;
                    Entry::Posting {
                        source: source.clone(),
                        record,
                    }
                }
                Some(Ok(Item::Skip { reason, .. })) => {
                    skip(source, 1, format!("item {} of {n}: {reason}", i + 1))
                }
                _ => skip(source, 1, format!("item {} of {n}: not a posting", i + 1)),
            }
        })
        .collect()
}

fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

/// Elements whose content is never visible text.
const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas",
    "select", "button", "nav",
];
/// Elements that start a new line.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "blockquote",
    "pre",
    "hr",
    "form",
    "fieldset",
    "figure",
    "figcaption",
    "address",
    "details",
    "summary",
];

fn push_text(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => {
                let mut last_space = out.ends_with([' ', '\n']) || out.is_empty();
                for c in t.chars() {
                    if c.is_whitespace() {
                        if !last_space {
                            out.push(' ');
                            last_space = true;
                        }
                    } else {
                        out.push(c);
                        last_space = false;
                    }
                }
            }
            Node::Element(e) => {
                let name = e.name();
                if HIDDEN.contains(&name) {
                    continue;
                }
                let block = BLOCK.contains(&name);
                if block {
                    newline(out);
                }
                if let Some(child) = ElementRef::wrap(child) {
                    push_text(child, out);
                }
                if block {
                    newline(out);
                }
            }
            _ => {}
        }
    }
}

fn newline(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn tidy(s: String) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The visible text of an HTML page, one block a line.
pub fn html_to_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let mut out = String::new();
    let body = doc.select(&selector("body")).next();
    push_text(body.unwrap_or(doc.root_element()), &mut out);
    tidy(out)
}

/// Text of a string that may hold HTML markup (a JobPosting description).
pub fn html_fragment_text(s: &str) -> String {
    if !s.contains('<') && !s.contains('&') {
        return s.trim().to_string();
    }
    let frag = Html::parse_fragment(s);
    let mut out = String::new();
    push_text(frag.root_element(), &mut out);
    tidy(out)
}

fn html_document(source: &Arc<str>, text: &str) -> VecDeque<Entry> {
    let doc = Html::parse_document(text);
    let mut out = VecDeque::new();
    let mut scripts = 0;
    let mut found = 0;
    for s in doc.select(&selector("script")) {
        let ty = s.value().attr("type").unwrap_or("").to_ascii_lowercase();
        if !ty.starts_with("application/ld+json") {
            continue;
        }
        scripts += 1;
        let body: String = s.text().collect();
        let line = 1 + text[..text.find(body.trim()).unwrap_or(0)]
            .matches('\n')
            .count() as u64;
        match serde_json::from_str::<Value>(body.trim()) {
            Ok(v) => {
                let mut posts = Vec::new();
                collect_postings(&v, &mut posts);
                for o in posts {
                    found += 1;
                    out.push_back(match job_posting(o, line) {
                        Ok(record) => Entry::Posting {
                            source: source.clone(),
                            record,
                        },
                        Err(why) => skip(source, line, why),
                    });
                }
            }
            Err(e) => out.push_back(skip(
                source,
                line + e.line() as u64 - 1,
                format!("malformed JSON-LD in <script> {scripts}: {e}"),
            )),
        }
    }
    if found > 0 {
        return out;
    }
    // No JobPosting: the page itself is the posting.
    let body = html_to_text(text);
    if body.is_empty() {
        out.push_back(skip(source, 1, "HTML page without visible text"));
        return out;
    }
    let title = doc
        .select(&selector("title"))
        .chain(doc.select(&selector("h1")))
        .map(|t| tidy(t.text().collect::<String>()).replace('\n', " "))
        .find(|t| !t.is_empty());
    out.push_back(Entry::Posting {
        source: source.clone(),
        record: Record {
            line: 1,
            id: None,
            date: None,
            title,
            text: body,
        },
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> Arc<str> {
        "t".into()
    }

    fn postings(v: VecDeque<Entry>) -> Vec<Record> {
        v.into_iter()
            .filter_map(|e| match e {
                Entry::Posting { record, .. } => Some(record),
                Entry::Skip { .. } => None,
            })
            .collect()
    }

    const ONE: &str = r#"{"@context": "https://schema.org/", "@type": "JobPosting",
        "title": "Staff Nurse", "datePosted": "2024-03-01",
        "identifier": {"@type": "PropertyValue", "name": "NHS", "value": "N-17"},
        "description": "<p>Provide <b>wound care</b>&amp; triage.</p><ul><li>Administer medication</li></ul>",
        "qualifications": "Registered nurse"}"#;

    #[test]
    fn one_job_posting_object() {
        let got = postings(json_document(
            &src(),
            serde_json::from_str(ONE).unwrap(),
            &Fields::default(),
        ));
        assert_eq!(got.len(), 1);
        let r = &got[0];
        assert_eq!(r.title.as_deref(), Some("Staff Nurse"));
        assert_eq!(r.date.as_deref(), Some("2024-03-01"));
        assert_eq!(r.id.as_deref(), Some("N-17"));
        assert_eq!(
            r.text,
            "Provide wound care& triage.\nAdminister medication\nRegistered nurse"
        );
    }

    #[test]
    fn arrays_graphs_and_nested_postings() {
        let arr = format!("[{ONE}, {ONE}]");
        let graph = format!(
            r#"{{"@context": "https://schema.org", "@graph": [{{"@type": "Organization", "name": "X"}}, {ONE}]}}"#
        );
        let nested = format!(r#"{{"@type": "WebPage", "mainEntity": {ONE}}}"#);
        for (name, doc, n) in [
            ("array", arr, 2),
            ("graph", graph, 1),
            ("nested", nested, 1),
        ] {
            let got = postings(json_document(
                &src(),
                serde_json::from_str(&doc).unwrap(),
                &Fields::default(),
            ));
            assert_eq!(got.len(), n, "{name}");
        }
    }

    #[test]
    fn posting_without_description_is_a_skip_with_a_reason() {
        let v: Value = serde_json::from_str(
            r#"[{"@type":"JobPosting","title":"A"},{"@type":["JobPosting"],"description":"SQL"}]"#,
        )
        .unwrap();
        let out: Vec<Entry> = json_document(&src(), v, &Fields::default()).into();
        assert!(
            matches!(&out[0], Entry::Skip { reason, .. } if reason.contains("JobPosting 1 of 2") && reason.contains("description"))
        );
        assert!(matches!(&out[1], Entry::Posting { record, .. } if record.text == "SQL"));
    }

    #[test]
    fn plain_json_rows_use_the_fields() {
        let v: Value =
            serde_json::from_str(r#"[{"body":"Welding","t":"Welder"},{"nope":1}]"#).unwrap();
        let fields = Fields {
            text: "body".into(),
            title: "t".into(),
            ..Fields::default()
        };
        let out: Vec<Entry> = json_document(&src(), v, &fields).into();
        assert!(
            matches!(&out[0], Entry::Posting { record, .. } if record.title.as_deref() == Some("Welder"))
        );
        assert!(matches!(&out[1], Entry::Skip { reason, .. } if reason.contains("item 2 of 2")));
    }

    #[test]
    fn html_with_json_ld_and_without() {
        let page = format!(
            "<html><head><title>Jobs</title>\n<script type=\"application/ld+json\">{ONE}</script></head><body><p>Cookie banner</p></body></html>"
        );
        let got = postings(html_document(&src(), &page));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].title.as_deref(), Some("Staff Nurse"));
        assert_eq!(got[0].line, 2, "the line of the <script>");
        let page = "<html><head><title>Welder wanted</title><style>p{color:red}</style></head><body><h1>Welder</h1><p>MIG and   TIG\nwelding.</p><script>var x=1;</script><ul><li>Read blueprints</li><li>Grind</li></ul></body></html>";
        let got = postings(html_document(&src(), page));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].title.as_deref(), Some("Welder wanted"));
        assert_eq!(
            got[0].text,
            "Welder\nMIG and TIG welding.\nRead blueprints\nGrind"
        );
        let bad = "<script type=\"application/ld+json\">{nope</script><p>Some text</p>";
        let out: Vec<Entry> = html_document(&src(), bad).into();
        assert!(
            matches!(&out[0], Entry::Skip { reason, .. } if reason.contains("malformed JSON-LD"))
        );
        assert!(matches!(&out[1], Entry::Posting { record, .. } if record.text == "Some text"));
    }

    #[test]
    fn json_file_that_is_json_lines() {
        let body = b"{\"text\":\"SQL\"}\n{\"text\":\"Python\"}\n";
        let got = postings(document(&src(), body, InputKind::Json, &Fields::default()));
        assert_eq!(got.len(), 2);
    }
}
