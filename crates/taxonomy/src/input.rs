//! Streaming readers for texts to analyse: JSON Lines (a `text` field,
//! optional `id`, `date`, `title`), CSV with a named text column, or plain
//! text (one record per non-empty line).
//!
//! Readers yield one [`Item`] at a time, so memory stays flat however large
//! the input. Rows that cannot be used (malformed JSON or CSV, invalid UTF-8,
//! no text) are yielded as [`Item::Skip`] with their line number and reason;
//! the caller counts them or, in strict mode, stops. A missing CSV column is
//! an error up front.

use crate::error::{Error, Result};
use std::io::BufRead;

/// Input format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines with a `text` field.
    Jsonl,
    /// CSV with a header row; the text is in `column`.
    Csv { column: String },
    /// Plain text: every non-empty line is one record.
    Text,
}

impl Format {
    /// Guess from a file name: `.jsonl`/`.ndjson`/`.json` → JSON Lines,
    /// `.csv` → CSV (with `column`), anything else → plain text.
    pub fn from_path(path: &str, column: &str) -> Format {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") || lower.ends_with(".json") {
            Format::Jsonl
        } else if lower.ends_with(".csv") {
            Format::Csv {
                column: column.to_string(),
            }
        } else {
            Format::Text
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
        json: bool,
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
    /// Start reading `rdr` (named `name` in messages) as `format`.
    ///
    /// # Errors
    /// [`Error::Invalid`] if a CSV header cannot be read or lacks the column.
    pub fn new(rdr: R, format: &Format, name: &str) -> Result<Records<R>> {
        let inner = match format {
            Format::Jsonl | Format::Text => Inner::Lines {
                rdr,
                line: 0,
                buf: Vec::new(),
                json: *format == Format::Jsonl,
            },
            Format::Csv { column } => {
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
                        "{name}: no column `{column}` in the CSV header (columns: {}); choose one with --column",
                        have.join(", ")
                    )));
                };
                Inner::Csv {
                    col,
                    id: find("id"),
                    date: find("date"),
                    title: find("title"),
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

#[derive(serde::Deserialize)]
struct JsonRow {
    text: Option<serde_json::Value>,
    id: Option<serde_json::Value>,
    date: Option<serde_json::Value>,
    title: Option<serde_json::Value>,
}

fn scalar(v: Option<serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
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
                json,
            } => loop {
                buf.clear();
                match rdr.read_until(b'\n', buf) {
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
                let l = *line;
                while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    buf.pop();
                }
                let Ok(s) = std::str::from_utf8(buf) else {
                    return Some(Ok(Item::Skip {
                        line: l,
                        reason: "invalid UTF-8".into(),
                    }));
                };
                if s.trim().is_empty() {
                    continue;
                }
                if !*json {
                    return Some(Ok(Item::Record(Record {
                        line: l,
                        id: None,
                        date: None,
                        title: None,
                        text: s.to_string(),
                    })));
                }
                let row: JsonRow = match serde_json::from_str(s) {
                    Ok(r) => r,
                    Err(e) => {
                        return Some(Ok(Item::Skip {
                            line: l,
                            reason: format!("malformed JSON: {e}"),
                        }));
                    }
                };
                let Some(serde_json::Value::String(text)) = row.text else {
                    return Some(Ok(Item::Skip {
                        line: l,
                        reason: "no `text` string field".into(),
                    }));
                };
                return Some(Ok(Item::Record(Record {
                    line: l,
                    id: scalar(row.id),
                    date: scalar(row.date),
                    title: scalar(row.title),
                    text,
                })));
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
        let err = read(
            b"id,body\n1,SQL\n",
            &Format::Csv {
                column: "text".into(),
            },
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("no column `text`") && msg.contains("id, body"),
            "{msg}"
        );
    }

    #[test]
    fn csv_empty_file_is_an_error() {
        let err = read(
            b"",
            &Format::Csv {
                column: "text".into(),
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }

    #[test]
    fn csv_short_row_and_bad_utf8_are_skipped_with_lines() {
        let input = b"id,text\n1,\"multi\nline SQL\"\n2\n3,\xff\n4,Python\n";
        let items = read(
            input,
            &Format::Csv {
                column: "text".into(),
            },
        )
        .unwrap();
        assert_eq!(items.len(), 4);
        assert!(matches!(&items[0], Item::Record(r) if r.text == "multi\nline SQL" && r.line == 2));
        assert!(matches!(&items[1], Item::Skip { line: 4, .. }));
        assert!(matches!(&items[2], Item::Skip { line: 5, reason } if reason.contains("UTF-8")));
        assert!(matches!(&items[3], Item::Record(r) if r.id.as_deref() == Some("4")));
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
            for f in [Format::Jsonl, Format::Text, Format::Csv { column: "text".into() }] {
                if let Ok(r) = Records::new(bytes.as_slice(), &f, "t") {
                    for item in r {
                        let _ = item;
                    }
                }
            }
        }

        #[test]
        fn jsonl_roundtrips_text(texts in proptest::collection::vec("\\PC{0,40}", 0..10)) {
            let mut input = String::new();
            for t in &texts {
                input.push_str(&serde_json::json!({"text": t}).to_string());
                input.push('\n');
            }
            let got: Vec<String> = Records::new(input.as_bytes(), &Format::Jsonl, "t").unwrap()
                .map(|i| match i.unwrap() { Item::Record(r) => r.text, Item::Skip { reason, .. } => panic!("{reason}") })
                .collect();
            prop_assert_eq!(got, texts);
        }
    }
}
