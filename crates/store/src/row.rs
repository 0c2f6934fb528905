//! Conversions between domain values and the text/integer columns both
//! backends share.

use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A timestamp as stored: RFC 3339 UTC with nine fractional digits, so text
/// order is time order.
pub(crate) fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

pub(crate) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn corrupt(col: &str, value: &str) -> Error {
    Error::Corrupt(format!("column {col} holds {value:?}, which is not valid"))
}

pub(crate) trait RowExt {
    fn int(&self, col: &str) -> Result<i64>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>>;
    fn text(&self, col: &str) -> Result<String>;
    fn opt_text(&self, col: &str) -> Result<Option<String>>;
    fn time(&self, col: &str) -> Result<DateTime<Utc>>;
    fn opt_time(&self, col: &str) -> Result<Option<DateTime<Utc>>>;
    fn day(&self, col: &str) -> Result<NaiveDate>;
    fn u32(&self, col: &str) -> Result<u32> {
        let v = self.int(col)?;
        u32::try_from(v).map_err(|_| corrupt(col, &v.to_string()))
    }
}

impl RowExt for AnyRow {
    fn int(&self, col: &str) -> Result<i64> {
        Ok(self.try_get::<i64, _>(col)?)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>> {
        Ok(self.try_get::<Option<i64>, _>(col)?)
    }
    fn text(&self, col: &str) -> Result<String> {
        Ok(self.try_get::<String, _>(col)?)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>> {
        Ok(self.try_get::<Option<String>, _>(col)?)
    }
    fn time(&self, col: &str) -> Result<DateTime<Utc>> {
        let s = self.text(col)?;
        parse_time(col, &s)
    }
    fn opt_time(&self, col: &str) -> Result<Option<DateTime<Utc>>> {
        self.opt_text(col)?.map(|s| parse_time(col, &s)).transpose()
    }
    fn day(&self, col: &str) -> Result<NaiveDate> {
        let s = self.text(col)?;
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt(col, &s))
    }
}

fn parse_time(col: &str, s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| corrupt(col, s))
}

pub(crate) fn parse<T: std::str::FromStr>(col: &str, s: &str) -> Result<T> {
    s.parse().map_err(|_| corrupt(col, s))
}
