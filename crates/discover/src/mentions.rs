//! Mentions as Apache Parquet, so a corpus too large for one machine can be
//! aggregated by an existing engine (DuckDB, Spark, DataFusion) with the SQL
//! shipped in `docs/market.sql`.
//!
//! One row per posting × distinct skill it mentions, and one row with a null
//! skill for a posting that mentions none, so every counted posting is in the
//! file and the share's denominator is right:
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `source` | string | the file the posting came from |
//! | `line` | uint64 | 1-based line where the posting starts in `source` |
//! | `posting_id` | string, null | the posting's own `id`, when it has one |
//! | `month` | string, null | `YYYY-MM` of its date, when it has one |
//! | `skill_uri` | string, null | ESCO URI; null when the posting mentions no skill |
//! | `skill_label` | string, null | ESCO preferred label |
//!
//! A posting is `(source, line)`. Rows are buffered and written in row groups
//! of [`ROW_GROUP`] rows, so memory stays flat in corpus size.

use crate::market::{MonthKey, month_label};
use crate::{Error, Result};
use arrow_array::builder::{StringBuilder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use mm_taxonomy::input::Record;
use mm_taxonomy::{SkillIdx, Taxonomy};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::io::Write;
use std::sync::Arc;

/// Rows per row group (and per flushed batch).
pub const ROW_GROUP: usize = 64 * 1024;

/// The Parquet schema of the mentions file.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("source", DataType::Utf8, false),
        Field::new("line", DataType::UInt64, false),
        Field::new("posting_id", DataType::Utf8, true),
        Field::new("month", DataType::Utf8, true),
        Field::new("skill_uri", DataType::Utf8, true),
        Field::new("skill_label", DataType::Utf8, true),
    ]))
}

/// Streams mentions to a Parquet file.
pub struct MentionWriter<'t, W: Write + Send> {
    tax: &'t Taxonomy,
    schema: SchemaRef,
    writer: ArrowWriter<W>,
    source: StringBuilder,
    line: UInt64Builder,
    posting_id: StringBuilder,
    month: StringBuilder,
    skill_uri: StringBuilder,
    skill_label: StringBuilder,
    rows: usize,
    /// Postings and rows written so far.
    pub postings: u64,
    pub total_rows: u64,
}

impl<W: Write + Send> std::fmt::Debug for MentionWriter<'_, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MentionWriter")
            .field("postings", &self.postings)
            .field("rows", &self.total_rows)
            .finish()
    }
}

fn pq(e: impl std::fmt::Display) -> Error {
    Error::Parquet(e.to_string())
}

impl<'t, W: Write + Send> MentionWriter<'t, W> {
    /// A writer over `out` (zstd-compressed pages).
    ///
    /// # Errors
    /// [`Error::Parquet`] if the file header cannot be written.
    pub fn new(tax: &'t Taxonomy, out: W) -> Result<Self> {
        let schema = schema();
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_max_row_group_size(ROW_GROUP)
            .build();
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(props)).map_err(pq)?;
        Ok(Self {
            tax,
            schema,
            writer,
            source: StringBuilder::new(),
            line: UInt64Builder::new(),
            posting_id: StringBuilder::new(),
            month: StringBuilder::new(),
            skill_uri: StringBuilder::new(),
            skill_label: StringBuilder::new(),
            rows: 0,
            postings: 0,
            total_rows: 0,
        })
    }

    fn row(&mut self, source: &str, r: &Record, month: Option<&str>, skill: Option<SkillIdx>) {
        self.source.append_value(source);
        self.line.append_value(r.line);
        self.posting_id.append_option(r.id.as_deref());
        self.month.append_option(month);
        match skill {
            Some(k) => {
                let s = self.tax.skill(k);
                self.skill_uri.append_value(&s.uri);
                self.skill_label.append_value(&s.preferred);
            }
            None => {
                self.skill_uri.append_null();
                self.skill_label.append_null();
            }
        }
        self.rows += 1;
        self.total_rows += 1;
    }

    /// Write one counted posting with its distinct skills.
    ///
    /// # Errors
    /// [`Error::Parquet`] if a full row group cannot be written.
    pub fn push(
        &mut self,
        source: &str,
        r: &Record,
        month: Option<MonthKey>,
        skills: &[SkillIdx],
    ) -> Result<()> {
        let m = month.map(month_label);
        if skills.is_empty() {
            self.row(source, r, m.as_deref(), None);
        }
        for &k in skills {
            self.row(source, r, m.as_deref(), Some(k));
        }
        self.postings += 1;
        if self.rows >= ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let cols: Vec<ArrayRef> = vec![
            Arc::new(self.source.finish()),
            Arc::new(self.line.finish()),
            Arc::new(self.posting_id.finish()),
            Arc::new(self.month.finish()),
            Arc::new(self.skill_uri.finish()),
            Arc::new(self.skill_label.finish()),
        ];
        let batch = RecordBatch::try_new(self.schema.clone(), cols).map_err(pq)?;
        self.writer.write(&batch).map_err(pq)?;
        // Close the row group now: the writer would otherwise keep encoded
        // pages of up to its own limit in memory.
        self.writer.flush().map_err(pq)?;
        self.rows = 0;
        Ok(())
    }

    /// Flush the last rows and write the footer.
    ///
    /// # Errors
    /// [`Error::Parquet`] if the rows or footer cannot be written.
    pub fn finish(mut self) -> Result<W> {
        self.flush()?;
        self.writer.into_inner().map_err(pq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    fn rec(line: u64, id: Option<&str>) -> Record {
        Record {
            line,
            id: id.map(str::to_string),
            date: None,
            title: None,
            text: String::new(),
        }
    }

    #[test]
    fn every_posting_is_a_row_even_without_skills_and_reads_back() {
        let tax = Taxonomy::load_embedded().unwrap();
        let path = std::env::temp_dir().join(format!("mm-mentions-{}.parquet", std::process::id()));
        let mut w = MentionWriter::new(&tax, std::fs::File::create(&path).unwrap()).unwrap();
        w.push("a", &rec(1, Some("p1")), Some(2021 * 12 + 2), &[0, 1])
            .unwrap();
        w.push("a", &rec(2, None), None, &[]).unwrap();
        assert_eq!((w.postings, w.total_rows), (2, 3));
        w.finish().unwrap();

        let file = std::fs::File::open(&path).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
        std::fs::remove_file(&path).ok();
        assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), 3);
        let b = &batches[0];
        assert_eq!(b.schema(), schema());
        let uri = b.column_by_name("skill_uri").unwrap().as_string::<i32>();
        assert_eq!(uri.value(0), tax.skill(0).uri);
        assert_eq!(uri.value(1), tax.skill(1).uri);
        assert!(
            uri.is_null(2),
            "the posting without skills has a null skill"
        );
        let month = b.column_by_name("month").unwrap().as_string::<i32>();
        assert_eq!(month.value(0), "2021-03");
        assert!(month.is_null(2));
        let id = b.column_by_name("posting_id").unwrap().as_string::<i32>();
        assert_eq!(id.value(1), "p1");
        assert!(id.is_null(2));
    }
}
