//! Streaming readers for texts to analyse: JSON Lines (a `text` field,
//! optional `id`, `date`, `title`), CSV with a header row, or plain text (one
//! record per non-empty line). Which JSON field or CSV column holds the text,
//! title, date and id is set by [`Fields`] (`--text-field`, `--title-field`,
//! `--date-field` on the command line).
//!
//! Whole-document formats (schema.org JobPosting JSON-LD, HTML pages, a
//! folder of files) are read by `mm_discover::postings`, which hands line
//! formats to these readers.
//!
//! Readers yield one [`Item`] at a time, so memory stays flat however large
//! the input. Rows that cannot be used (malformed JSON or CSV, invalid UTF-8,
//! no text) are yielded as [`Item::Skip`] with their line number and reason;
//! the caller counts them or, in strict mode, stops. A missing CSV column is
//! an error up front.

use crate::error::{Error, Result};
use std::io::BufRead;

/// Input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines: one object a line, the text in [`Fields::text`].
    Jsonl,
    /// CSV with a header row; the text in the column [`Fields::text`].
    Csv,
    /// Plain text: every non-empty line is one record.
    Text,
}

impl Format {
    /// Guess from a file name: `.jsonl`/`.ndjson`/`.json` → JSON Lines,
    /// `.csv` → CSV, anything else → plain text.
    pub fn from_path(path: &str) -> Format {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") || lower.ends_with(".json") {
            Format::Jsonl
        } else if lower.ends_with(".csv") {
            Format::Csv
        } else {
            Format::Text
        }
    }
}

/// Which JSON field or CSV column holds each part of a record. A field
/// that is absent from a row leaves that part empty; only the text is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub text: String,
    pub title: String,
    pub date: String,
    pub id: String,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            text: "text".into(),
            title: "title".into(),
            date: "date".into(),
            id: "id".into(),
        }
    }
}

/// One text to analyse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based line where the record starts.
    pub line: u64,
    pub id: Option<String>,
    pub date: Option<String>,
    pub title: Option<String>,
    pub text: String,
}

/// What a reader yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Record(Record),
    /// A row that was not used, with its 1-based line and why.
    Skip {
        line: u64,
        reason: String,
    },
}

/// A streaming reader over one input.
pub struct Records<R: BufRead> {
    inner: Inner<R>,
    name: String,
}

impl<R: BufRead> std::fmt::Debug for Records<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Records").field("name", &self.name).finish()
    }
}

enum Inner<R: BufRead> {
    Lines {
        rdr: R,
        line: u64,
        buf: Vec<u8>,
        parser: LineParser,
    },
    Csv {
        rdr: csv::Reader<R>,
        col: usize,
        id: Option<usize>,
        date: Option<usize>,
        title: Option<usize>,
        rec: csv::ByteRecord,
    },
}

impl<R: BufRead> Records<R> {
    /// Start reading `rdr` (named `name` in messages) as `format`, with the
    /// default field names (`text`, `title`, `date`, `id`).
    ///
    /// # Errors
    /// [`Error::Invalid`] if a CSV header cannot be read or lacks the column.
    pub fn new(rdr: R, format: &Format, name: &str) -> Result<Records<R>> {
        Self::with_fields(rdr, format, &Fields::default(), name)
    }

    /// [`Records::new`] with the field (or column) names in `fields`.
    ///
    /// # Errors
    /// [`Error::Invalid`] if a CSV header cannot be read or lacks the text column.
    pub fn with_fields(rdr: R, format: &Format, fields: &Fields, name: &str) -> Result<Records<R>> {
        let inner = match format {
            Format::Jsonl | Format::Text => Inner::Lines {
                rdr,
                line: 0,
                buf: Vec::new(),
                parser: LineParser::new((*format == Format::Jsonl).then(|| fields.clone())),
            },
            Format::Csv => {
                let column = &fields.text;
                let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(rdr);
                let headers = match rdr.byte_headers() {
                    Ok(h) => h.clone(),
                    Err(e) => {
                        return Err(Error::Invalid(format!(
                            "{name}: cannot read the CSV header: {e}"
                        )));
                    }
                };
                let find = |n: &str| headers.iter().position(|h| h == n.as_bytes());
                let Some(col) = find(column) else {
                    let have: Vec<String> = headers
                        .iter()
                        .map(|h| String::from_utf8_lossy(h).into_owned())
                        .collect();
                    if have.is_empty() || have == [""] {
                        return Err(Error::Invalid(format!(
                            "{name}: empty CSV file (no header row)"
                        )));
                    }
                    return Err(Error::Invalid(format!(
                        "{name}: no column `{column}` in the CSV header (columns: {}); choose one with --text-field",
                        have.join(", ")
                    )));
                };
                Inner::Csv {
                    col,
                    id: find(&fields.id),
                    date: find(&fields.date),
                    title: find(&fields.title),
                    rdr,
                    rec: csv::ByteRecord::new(),
                }
            }
        };
        Ok(Records {
            inner,
            name: name.to_string(),
        })
    }
}

fn scalar(v: Option<serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) if s.trim().is_empty() => None,
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// A field of a JSON object; a dotted name (`job.description`) walks into
/// nested objects when no field has the dotted name itself.
fn take_field(
    obj: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<serde_json::Value> {
    if let Some(v) = obj.remove(name) {
        return Some(v);
    }
    let (head, rest) = name.split_once('.')?;
    match obj.get_mut(head)? {
        serde_json::Value::Object(inner) => take_field(inner, rest),
        _ => None,
    }
}

/// How one line of a line-based input becomes an [`Item`]: JSON Lines with
/// its [`Fields`], or plain text. Cheap to clone and `Send`, so lines read
/// in order (with [`Records::next_line`]) can be parsed on any thread.
#[derive(Debug, Clone)]
pub struct LineParser {
    json: Option<Fields>,
    /// The field names are distinct and undotted, so [`pick_fields`] may
    /// read a row without building it as a `serde_json::Value`.
    plain: bool,
}

impl LineParser {
    fn new(json: Option<Fields>) -> LineParser {
        let plain = json.as_ref().is_some_and(|f| {
            let names = [&f.text, &f.id, &f.date, &f.title];
            names.iter().all(|n| !n.contains('.'))
                && (0..4).all(|i| (i + 1..4).all(|j| names[i] != names[j]))
        });
        LineParser { json, plain }
    }

    /// Parse line number `line` (1-based, without its line ending). `None`
    /// for a blank line, which is not a record and not a skip.
    pub fn parse(&self, line: u64, bytes: &[u8]) -> Option<Item> {
        let l = line;
        let Ok(s) = std::str::from_utf8(bytes) else {
            return Some(Item::Skip {
                line: l,
                reason: "invalid UTF-8".into(),
            });
        };
        if s.trim().is_empty() {
            return None;
        }
        let Some(fields) = &self.json else {
            return Some(Item::Record(Record {
                line: l,
                id: None,
                date: None,
                title: None,
                text: s.to_string(),
            }));
        };
        if self.plain
            && let Some(record) = pick_fields(l, s, fields)
        {
            return Some(Item::Record(record));
        }
        // Also every row the fast path declines, so errors and skips read the same.
        Some(json_row(l, s, fields))
    }
}

/// The general path for a JSON Lines row: the whole row as a `Value`, its
/// fields taken out of it.
fn json_row(l: u64, s: &str, fields: &Fields) -> Item {
    let mut row = match serde_json::from_str::<serde_json::Value>(s) {
        Ok(serde_json::Value::Object(o)) => o,
        Ok(_) => {
            return Item::Skip {
                line: l,
                reason: "not a JSON object".into(),
            };
        }
        Err(e) => {
            return Item::Skip {
                line: l,
                reason: format!("malformed JSON: {e}"),
            };
        }
    };
    let text = match take_field(&mut row, &fields.text) {
        Some(serde_json::Value::String(t)) if !t.trim().is_empty() => t,
        Some(serde_json::Value::String(_)) => {
            return Item::Skip {
                line: l,
                reason: format!("empty `{}` field", fields.text),
            };
        }
        _ => {
            let mut have: Vec<&str> = row.keys().map(String::as_str).collect();
            have.truncate(8);
            return Item::Skip {
                line: l,
                reason: format!(
                    "no `{}` string field (fields: {}); choose one with --text-field",
                    fields.text,
                    have.join(", ")
                ),
            };
        }
    };
    Item::Record(Record {
        line: l,
        id: scalar(take_field(&mut row, &fields.id)),
        date: scalar(take_field(&mut row, &fields.date)),
        title: scalar(take_field(&mut row, &fields.title)),
        text,
    })
}

/// The record of a JSON Lines row read without building the row: only the
/// four named fields are kept (each as a `Value`, so [`scalar`] treats them
/// as the general path does); every other value is parsed in full (numbers
/// included, as `Value` would) and dropped. Later duplicates of a key win,
/// as in a `Value` map. `None` when the general path must decide: not an
/// object, malformed, or no usable text.
fn pick_fields(line: u64, s: &str, fields: &Fields) -> Option<Record> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_str(s);
    let picked = Pick(fields).deserialize(&mut de).ok()?;
    de.end().ok()?;
    let [Some(serde_json::Value::String(text)), id, date, title] = picked else {
        return None;
    };
    if text.trim().is_empty() {
        return None;
    }
    Some(Record {
        line,
        id: scalar(id),
        date: scalar(date),
        title: scalar(title),
        text,
    })
}

/// Reads one JSON object into the values of `[text, id, date, title]`.
struct Pick<'f>(&'f Fields);

impl<'de> serde::de::DeserializeSeed<'de> for Pick<'_> {
    type Value = [Option<serde_json::Value>; 4];
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Pick<'_> {
    type Value = [Option<serde_json::Value>; 4];
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut out: [Option<serde_json::Value>; 4] = Default::default();
        while let Some(k) = map.next_key_seed(Key(self.0))? {
            match k {
                Some(i) => out[i] = Some(map.next_value()?),
                None => map.next_value_seed(Discard)?,
            }
        }
        Ok(out)
    }
}

/// A key: its index in `[text, id, date, title]`, or `None`.
struct Key<'f>(&'f Fields);

impl<'de> serde::de::DeserializeSeed<'de> for Key<'_> {
    type Value = Option<usize>;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Key<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: serde::de::Error>(self, k: &str) -> std::result::Result<Self::Value, E> {
        let f = self.0;
        Ok([&f.text, &f.id, &f.date, &f.title]
            .iter()
            .position(|n| n.as_str() == k))
    }
}

/// Parses any value as `serde_json::Value` would (through
/// `deserialize_any`, so an out-of-range number fails here too) and keeps
/// nothing.
struct Discard;

impl<'de> serde::de::DeserializeSeed<'de> for Discard {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Discard {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_i128<E>(self, _: i128) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_u128<E>(self, _: u128) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<(), A::Error> {
        while seq.next_element_seed(Discard)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<(), A::Error> {
        while map.next_key_seed(Discard)?.is_some() {
            map.next_value_seed(Discard)?;
        }
        Ok(())
    }
}

/// What [`Records::next_line`] yields: a raw line of a line-based input,
/// to parse with its [`LineParser`], or an item already parsed (CSV rows,
/// whose records may span lines).
#[derive(Debug)]
pub enum Unparsed {
    Line { line: u64, bytes: Vec<u8> },
    Item(Item),
}

impl<R: BufRead> Records<R> {
    /// The parser of the lines [`Records::next_line`] yields. (CSV rows
    /// come parsed, never as lines.)
    pub fn line_parser(&self) -> LineParser {
        match &self.inner {
            Inner::Lines { parser, .. } => parser.clone(),
            Inner::Csv { .. } => LineParser::new(None),
        }
    }

    /// The next line, unparsed, for a line-based input; the next item for
    /// CSV. Reading stays in order and cheap, so parsing (JSON, the
    /// expensive part) can go to worker threads.
    ///
    /// # Errors
    /// [`Error::Io`] when reading fails.
    pub fn next_line(&mut self) -> Option<Result<Unparsed>> {
        match &mut self.inner {
            Inner::Lines { rdr, line, .. } => {
                let mut buf = Vec::new();
                match read_line(rdr, &mut buf) {
                    Ok(0) => return None,
                    Ok(_) => {}
                    Err(e) => {
                        return Some(Err(Error::Io {
                            path: self.name.clone().into(),
                            source: e,
                        }));
                    }
                }
                *line += 1;
                while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    buf.pop();
                }
                Some(Ok(Unparsed::Line {
                    line: *line,
                    bytes: buf,
                }))
            }
            Inner::Csv { .. } => self.next().map(|r| r.map(Unparsed::Item)),
        }
    }
}

/// `rdr.read_until(b'\n', buf)`, the newline found with SIMD (`memchr`),
/// and a line that lies in the reader's buffer copied in one go.
fn read_line<R: BufRead>(rdr: &mut R, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut read = 0;
    loop {
        let (done, used) = {
            let avail = match rdr.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            match memchr::memchr(b'\n', avail) {
                Some(i) => {
                    buf.extend_from_slice(&avail[..=i]);
                    (true, i + 1)
                }
                None => {
                    buf.extend_from_slice(avail);
                    (avail.is_empty(), avail.len())
                }
            }
        };
        rdr.consume(used);
        read += used;
        if done {
            return Ok(read);
        }
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Result<Item>;

    fn next(&mut self) -> Option<Result<Item>> {
        match &mut self.inner {
            Inner::Lines {
                rdr,
                line,
                buf,
                parser,
            } => loop {
                buf.clear();
                match read_line(rdr, buf) {
                    Ok(0) => return None,
                    Ok(_) => {}
                    Err(e) => {
                        return Some(Err(Error::Io {
                            path: self.name.clone().into(),
                            source: e,
                        }));
                    }
                }
                *line += 1;
                while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    buf.pop();
                }
                // Blank lines are neither records nor skips.
                if let Some(item) = parser.parse(*line, buf) {
                    return Some(Ok(item));
                }
            },
            Inner::Csv {
                rdr,
                col,
                id,
                date,
                title,
                rec,
            } => {
                let res = rdr.read_byte_record(rec);
                let l = rdr.position().line();
                match res {
                    Ok(false) => None,
                    Err(e) => {
                        if let csv::ErrorKind::Io(_) = e.kind() {
                            let csv::ErrorKind::Io(io) = e.into_kind() else {
                                unreachable!()
                            };
                            return Some(Err(Error::Io {
                                path: self.name.clone().into(),
                                source: io,
                            }));
                        }
                        Some(Ok(Item::Skip {
                            line: e.position().map_or(l, |p| p.line()),
                            reason: format!("malformed CSV row: {e}"),
                        }))
                    }
                    Ok(true) => {
                        let line = rec.position().map_or(l, |p| p.line());
                        let field = |i: Option<usize>| -> Option<String> {
                            i.and_then(|i| rec.get(i))
                                .and_then(|b| std::str::from_utf8(b).ok())
                                .filter(|s| !s.is_empty())
                                .map(str::to_string)
                        };
                        let Some(raw) = rec.get(*col) else {
                            return Some(Ok(Item::Skip {
                                line,
                                reason: format!(
                                    "row has {} fields, the text column is field {}",
                                    rec.len(),
                                    *col + 1
                                ),
                            }));
                        };
                        let Ok(text) = std::str::from_utf8(raw) else {
                            return Some(Ok(Item::Skip {
                                line,
                                reason: "invalid UTF-8".into(),
                            }));
                        };
                        if text.trim().is_empty() {
                            return Some(Ok(Item::Skip {
                                line,
                                reason: "empty text column".into(),
                            }));
                        }
                        Some(Ok(Item::Record(Record {
                            line,
                            id: field(*id),
                            date: field(*date),
                            title: field(*title),
                            text: text.to_string(),
                        })))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn read_line_reads_as_read_until_across_buffer_edges() {
        use std::io::BufRead as _;
        let texts: [&[u8]; 6] = [
            b"",
            b"one",
            b"one\ntwo\n",
            b"\n\n\nlast",
            b"a long line that spans many small buffers\r\nx\n",
            "caf\u{e9}\n\u{2014}\n".as_bytes(),
        ];
        for text in texts {
            for cap in [1, 2, 3, 7, 64] {
                let (mut a, mut b) = (
                    std::io::BufReader::with_capacity(cap, text),
                    std::io::BufReader::with_capacity(cap, text),
                );
                loop {
                    let (mut x, mut y) = (Vec::new(), Vec::new());
                    let n = read_line(&mut a, &mut x).unwrap();
                    assert_eq!(n, b.read_until(b'\n', &mut y).unwrap());
                    assert_eq!(x, y, "{text:?} with a buffer of {cap}");
                    if n == 0 {
                        break;
                    }
                }
            }
        }
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("text".to_string()),
            Just("id".to_string()),
            Just("title".to_string()),
            Just("date".to_string()),
            Just("body".to_string()),
            "[a-z]{0,3}",
        ]
    }

    /// JSON text of a value, including the odd ones (`1e400` is out of
    /// range for `Value`, `\\ud800` a lone surrogate, escapes, blanks).
    fn json_value() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_string()),
            Just("true".to_string()),
            Just("1e400".to_string()),
            Just("-0".to_string()),
            Just("123456789012345678901234567890".to_string()),
            Just(r#""\ud800""#.to_string()),
            Just(r#""a\u00e9\n\"b""#.to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|x| serde_json::Value::from(x).to_string()),
            "\\PC{0,12}".prop_map(|t| serde_json::Value::String(t).to_string()),
            "[ \t]{0,2}".prop_map(|t| serde_json::Value::String(t).to_string()),
        ];
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..3)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                proptest::collection::vec(("[a-z]{0,2}", inner), 0..3).prop_map(|kv| {
                    let kv: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
                    format!("{{{}}}", kv.join(","))
                }),
            ]
        })
    }

    fn read(bytes: &[u8], f: &Format) -> Result<Vec<Item>> {
        Records::new(bytes, f, "t")?.collect()
    }

    #[test]
    fn jsonl_rows_and_skips() {
        let input = b"{\"id\":\"a\",\"text\":\"SQL\",\"date\":\"2021-01-01\"}\n\n{\"id\":1}\nnot json\n{\"text\":\"x\xff\"}\n{\"text\":\"ok\",\"id\":7}\r\n";
        let items = read(input, &Format::Jsonl).unwrap();
        assert_eq!(items.len(), 5);
        let Item::Record(r) = &items[0] else { panic!() };
        assert_eq!(
            (r.id.as_deref(), r.text.as_str(), r.date.as_deref()),
            (Some("a"), "SQL", Some("2021-01-01"))
        );
        assert!(matches!(&items[1], Item::Skip { line: 3, reason } if reason.contains("text")));
        assert!(
            matches!(&items[2], Item::Skip { line: 4, reason } if reason.contains("malformed JSON"))
        );
        assert!(matches!(&items[3], Item::Skip { line: 5, reason } if reason.contains("UTF-8")));
        let Item::Record(r) = &items[4] else { panic!() };
        assert_eq!((r.id.as_deref(), r.line), (Some("7"), 6));
    }

    #[test]
    fn csv_column_missing_is_an_error_naming_the_columns() {
        let err = read(b"id,body\n1,SQL\n", &Format::Csv).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("no column `text`") && msg.contains("id, body"),
            "{msg}"
        );
    }

    #[test]
    fn csv_empty_file_is_an_error() {
        let err = read(b"", &Format::Csv).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }

    #[test]
    fn csv_short_row_and_bad_utf8_are_skipped_with_lines() {
        let input = b"id,text\n1,\"multi\nline SQL\"\n2\n3,\xff\n4,Python\n";
        let items = read(input, &Format::Csv).unwrap();
        assert_eq!(items.len(), 4);
        assert!(matches!(&items[0], Item::Record(r) if r.text == "multi\nline SQL" && r.line == 2));
        assert!(matches!(&items[1], Item::Skip { line: 4, .. }));
        assert!(matches!(&items[2], Item::Skip { line: 5, reason } if reason.contains("UTF-8")));
        assert!(matches!(&items[3], Item::Record(r) if r.id.as_deref() == Some("4")));
    }

    #[test]
    fn named_fields_in_jsonl_and_csv() {
        let fields = Fields {
            text: "job.description".into(),
            title: "name".into(),
            date: "posted".into(),
            id: "ref".into(),
        };
        let input = br#"{"ref": 9, "name": "Nurse", "posted": "2024-05-01", "job": {"description": "Wound care"}}
{"name": "No text", "job": {}}
"#;
        let items: Vec<Item> = Records::with_fields(&input[..], &Format::Jsonl, &fields, "t")
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        let Item::Record(r) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (
                r.id.as_deref(),
                r.title.as_deref(),
                r.date.as_deref(),
                r.text.as_str()
            ),
            (Some("9"), Some("Nurse"), Some("2024-05-01"), "Wound care")
        );
        assert!(
            matches!(&items[1], Item::Skip { line: 2, reason } if reason.contains("job.description") && reason.contains("--text-field")),
            "{items:?}"
        );
        let fields = Fields {
            text: "body".into(),
            title: "headline".into(),
            date: "when".into(),
            id: "id".into(),
        };
        let csv = b"headline,when,body\nWelder,2024-01-02,MIG welding\nEmpty,2024-01-03,\n";
        let items: Vec<Item> = Records::with_fields(&csv[..], &Format::Csv, &fields, "t")
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert!(
            matches!(&items[0], Item::Record(r) if r.title.as_deref() == Some("Welder") && r.date.as_deref() == Some("2024-01-02") && r.text == "MIG welding")
        );
        assert!(matches!(&items[1], Item::Skip { line: 3, reason } if reason.contains("empty")));
    }

    #[test]
    fn very_long_line_is_one_record() {
        let long = "SQL ".repeat(2_000_000);
        let items = read(long.as_bytes(), &Format::Text).unwrap();
        assert_eq!(items.len(), 1);
    }

    proptest! {
        #[test]
        fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            for f in [Format::Jsonl, Format::Text, Format::Csv] {
                if let Ok(r) = Records::new(bytes.as_slice(), &f, "t") {
                    for item in r {
                        let _ = item;
                    }
                }
            }
        }

        #[test]
        fn fast_json_rows_read_as_the_general_path(
            pairs in proptest::collection::vec((key(), json_value()), 0..7),
            cut in proptest::option::of(0usize..400),
            fields in proptest::sample::select(vec![
                Fields::default(),
                Fields { text: "body".into(), title: "text".into(), date: "d".into(), id: "id".into() },
            ]),
        ) {
            // Objects with repeated, missing, blank, non-string and nested
            // fields, whole or cut short (malformed).
            let mut line = String::from("{");
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    line.push_str(", ");
                }
                line.push_str(&serde_json::to_string(k).unwrap());
                line.push(':');
                line.push_str(v);
            }
            line.push('}');
            if let Some(c) = cut {
                let mut c = c.min(line.len());
                while !line.is_char_boundary(c) {
                    c -= 1;
                }
                line.truncate(c);
            }
            let parser = LineParser::new(Some(fields.clone()));
            prop_assert!(parser.plain);
            let want = (!line.trim().is_empty()).then(|| json_row(3, &line, &fields));
            prop_assert_eq!(parser.parse(3, line.as_bytes()), want);
        }

        #[test]
        fn jsonl_roundtrips_text(texts in proptest::collection::vec("\\PC{0,40}", 0..10)) {
            let mut input = String::new();
            for t in &texts {
                input.push_str(&serde_json::json!({"text": t}).to_string());
                input.push('\n');
            }
            // Blank texts are skipped as unusable; every other one comes back.
            let got: Vec<String> = Records::new(input.as_bytes(), &Format::Jsonl, "t").unwrap()
                .filter_map(|i| match i.unwrap() {
                    Item::Record(r) => Some(r.text),
                    Item::Skip { reason, .. } if reason.contains("empty") => None,
                    Item::Skip { reason, .. } => panic!("{reason}"),
                })
                .collect();
            let want: Vec<String> = texts.into_iter().filter(|t| !t.trim().is_empty()).collect();
            prop_assert_eq!(got, want);
        }
    }
}
