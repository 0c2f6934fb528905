//! Parsing what people type: durations like `90m` or `1h30m`, dates like
//! `2026-12-08` or `+2w`, and moments like `yesterday 18:30`.
//!
//! Everything relative takes "today" or "now" as an argument.

use crate::error::{Error, Result};
use crate::validate::{FIRST_YEAR, LAST_YEAR};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

/// Parse a positive duration in minutes: `90`, `90m`, `45min`, `1h`, `1h30m`,
/// `1.5h`, `2h 15m`.
///
/// # Errors
/// [`Error::Invalid`] for anything else, for zero and for negative values.
pub fn parse_minutes(s: &str) -> Result<u32> {
    let bad = || {
        Error::invalid(format!(
            "{s:?} is not a duration: use minutes like 90m or 45, or hours like 1h30m or 1.5h"
        ))
    };
    let t: String = s.trim().to_ascii_lowercase().split_whitespace().collect();
    if t.starts_with('-') {
        return Err(Error::invalid(format!(
            "duration {s:?} is negative: give a positive duration"
        )));
    }
    if t.is_empty() {
        return Err(bad());
    }
    let mut total = 0f64;
    let mut rest = t.as_str();
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "" | "m" | "min" | "mins" | "minute" | "minutes" => 1.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 60.0,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total += n * factor;
    }
    let minutes = total.round();
    if minutes < 1.0 {
        return Err(Error::invalid(format!(
            "duration {s:?} is zero: give at least one minute"
        )));
    }
    if minutes > f64::from(u32::MAX) {
        return Err(bad());
    }
    Ok(minutes as u32)
}

/// Format minutes the way people read them: `45m`, `2h`, `1h30m`.
pub fn format_minutes(m: u32) -> String {
    match (m / 60, m % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m:02}m"),
    }
}

/// A date typed as `s` that falls outside the storable years.
fn out_of_range(s: &str) -> Error {
    Error::invalid(format!(
        "{s:?} is out of range: dates must fall in the years {FIRST_YEAR} to {LAST_YEAR}"
    ))
}

/// `today` moved by `days`, refused (never a panic) when it leaves the
/// storable years.
fn shift(today: NaiveDate, days: i64, s: &str) -> Result<NaiveDate> {
    TimeDelta::try_days(days)
        .and_then(|d| today.checked_add_signed(d))
        .filter(|d| (FIRST_YEAR..=LAST_YEAR).contains(&d.year()))
        .ok_or_else(|| out_of_range(s))
}

/// Parse a calendar date: `2026-12-08`, `today`, `tomorrow`, `yesterday`,
/// or an offset from today such as `+10d`, `+2w`, `-3d`.
///
/// # Errors
/// [`Error::Invalid`] when it is none of those, or when the date falls
/// outside the years 1970–9999 (see [`crate::validate`]).
pub fn parse_date(s: &str, today: NaiveDate) -> Result<NaiveDate> {
    let t = s.trim().to_ascii_lowercase();
    let bad = || {
        Error::invalid(format!(
            "{s:?} is not a date: use 2026-12-08, today, tomorrow, or an offset like +10d or +2w"
        ))
    };
    match t.as_str() {
        "today" => return shift(today, 0, s),
        "tomorrow" => return shift(today, 1, s),
        "yesterday" => return shift(today, -1, s),
        _ => {}
    }
    if let Some(sign) = t.chars().next().filter(|c| *c == '+' || *c == '-') {
        let body = &t[1..];
        let (num, unit) = body.split_at(body.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
        if num.is_empty() {
            return Err(bad());
        }
        let per = match unit {
            "d" | "day" | "days" => 1,
            "w" | "wk" | "week" | "weeks" => 7,
            _ => return Err(bad()),
        };
        // Twenty digits overflow an i64: that is out of range, not a typo.
        let days = num
            .parse::<i64>()
            .ok()
            .and_then(|n| n.checked_mul(per))
            .ok_or_else(|| out_of_range(s))?;
        let days = if sign == '-' { -days } else { days };
        return shift(today, days, s);
    }
    let d = NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| bad())?;
    shift(d, 0, s)
}

/// The first day of a look-back of `days` days ending `today` (`--days 7`
/// covers today and the six days before; 0 counts as 1).
///
/// # Errors
/// [`Error::Invalid`] when the look-back reaches before 1970.
pub fn lookback(today: NaiveDate, days: u32) -> Result<NaiveDate> {
    let back = i64::from(days.max(1)) - 1;
    TimeDelta::try_days(back)
        .and_then(|d| today.checked_sub_signed(d))
        .filter(|d| d.year() >= FIRST_YEAR)
        .ok_or_else(|| {
            Error::invalid(format!(
                "{days} days reach back before {FIRST_YEAR}: give fewer days"
            ))
        })
}

/// Parse a local moment: `now`, a date (see [`parse_date`]) optionally
/// followed by a time (`2026-11-20 18:30`, `2026-11-20T18:30`,
/// `yesterday 07:15`, `-2d 18:00`), or a time alone (`18:30`, today).
/// A date without a time means noon, so it stays on that day in any zone.
///
/// # Errors
/// [`Error::Invalid`] when it is none of those.
pub fn parse_local_datetime(s: &str, now: NaiveDateTime) -> Result<NaiveDateTime> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    let bad = || {
        Error::invalid(format!(
            "{s:?} is not a moment: use now, 18:30, yesterday 18:30, 2026-11-20 18:30 or -2d 07:00"
        ))
    };
    for fmt in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            shift(dt.date(), 0, s)?;
            return Ok(dt);
        }
    }
    if let Ok(time) = parse_time(t) {
        return Ok(now.date().and_time(time));
    }
    let (date_part, time_part) = match t.split_once(' ') {
        Some((d, tm)) => (d, Some(tm)),
        None => (t, None),
    };
    let date = parse_date(date_part, now.date()).map_err(|e| {
        if e.to_string().contains("out of range") {
            out_of_range(s)
        } else {
            bad()
        }
    })?;
    let time = match time_part {
        Some(tm) => parse_time(tm.trim()).map_err(|_| bad())?,
        None => NaiveTime::from_hms_opt(12, 0, 0).ok_or_else(bad)?,
    };
    Ok(date.and_time(time))
}

fn parse_time(s: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .map_err(|_| Error::invalid(format!("{s:?} is not a time like 18:30")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn durations() {
        let table = [
            ("90m", 90),
            ("90", 90),
            ("45min", 45),
            ("1h", 60),
            ("1h30m", 90),
            ("1h30", 90),
            ("1.5h", 90),
            ("2h 15m", 135),
            (" 25 minutes ", 25),
        ];
        for (input, want) in table {
            assert_eq!(parse_minutes(input).unwrap(), want, "{input}");
        }
        for bad in ["", "0", "0m", "-5m", "abc", "5x", "h", "1h-2m"] {
            assert!(parse_minutes(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn minutes_format() {
        assert_eq!(format_minutes(45), "45m");
        assert_eq!(format_minutes(120), "2h");
        assert_eq!(format_minutes(95), "1h35m");
    }

    #[test]
    fn dates() {
        let today = d(2026, 11, 25);
        assert_eq!(parse_date("2026-12-08", today).unwrap(), d(2026, 12, 8));
        assert_eq!(parse_date("+2w", today).unwrap(), d(2026, 12, 9));
        assert_eq!(parse_date("+10d", today).unwrap(), d(2026, 12, 5));
        assert_eq!(parse_date("-3d", today).unwrap(), d(2026, 11, 22));
        assert_eq!(parse_date("tomorrow", today).unwrap(), d(2026, 11, 26));
        for bad in ["2026-13-01", "next week", "+2y", "+w", "12/08/2026"] {
            assert!(parse_date(bad, today).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dates_outside_the_storable_years_are_refused() {
        let today = d(2026, 11, 25);
        for far in [
            "+99999999999d",
            "-3000000d",
            "+99999999999999999999w",
            "-30000d",
            "1969-12-31",
            "+3000000w",
        ] {
            let err = parse_date(far, today).unwrap_err().to_string();
            assert!(err.contains("1970 to 9999"), "{far}: {err}");
        }
        let now = today.and_hms_opt(9, 0, 0).unwrap();
        let err = parse_local_datetime("-3000000d 07:00", now)
            .unwrap_err()
            .to_string();
        assert!(err.contains("1970 to 9999"), "{err}");
        assert!(parse_local_datetime("0001-01-01 07:00", now).is_err());
        assert_eq!(parse_date("9999-12-31", today).unwrap(), d(9999, 12, 31));
    }

    #[test]
    fn lookbacks() {
        let today = d(2026, 11, 25);
        assert_eq!(lookback(today, 7).unwrap(), d(2026, 11, 19));
        assert_eq!(lookback(today, 1).unwrap(), today);
        assert_eq!(lookback(today, 0).unwrap(), today);
        let err = lookback(today, 100_000_000).unwrap_err().to_string();
        assert!(err.contains("before 1970"), "{err}");
    }

    #[test]
    fn moments() {
        let now = d(2026, 11, 25).and_hms_opt(9, 15, 0).unwrap();
        let at = |s| parse_local_datetime(s, now).unwrap();
        assert_eq!(at("now"), now);
        assert_eq!(at("18:30"), d(2026, 11, 25).and_hms_opt(18, 30, 0).unwrap());
        assert_eq!(
            at("yesterday 07:15"),
            d(2026, 11, 24).and_hms_opt(7, 15, 0).unwrap()
        );
        assert_eq!(
            at("2026-11-20 18:30"),
            d(2026, 11, 20).and_hms_opt(18, 30, 0).unwrap()
        );
        assert_eq!(
            at("2026-11-20T18:30"),
            d(2026, 11, 20).and_hms_opt(18, 30, 0).unwrap()
        );
        assert_eq!(
            at("-2d 06:00"),
            d(2026, 11, 23).and_hms_opt(6, 0, 0).unwrap()
        );
        assert_eq!(
            at("2026-11-20"),
            d(2026, 11, 20).and_hms_opt(12, 0, 0).unwrap()
        );
        assert!(parse_local_datetime("yesterday 25:00", now).is_err());
        assert!(parse_local_datetime("soon", now).is_err());
    }

    proptest::proptest! {
        #[test]
        fn minutes_never_panic(s in ".{0,12}") {
            let _ = parse_minutes(&s);
        }

        #[test]
        fn hours_and_minutes_round_trip(m in 1u32..100_000) {
            proptest::prop_assert_eq!(parse_minutes(&format_minutes(m)).unwrap(), m);
        }

        #[test]
        fn dates_never_panic(s in ".{0,16}") {
            let _ = parse_date(&s, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        }

        /// Offsets of any size: a storable date or a clear refusal, never a panic.
        #[test]
        fn offsets_never_panic(s in "[+-][0-9]{1,20}[dwmh]") {
            let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
            if let Ok(d) = parse_date(&s, today) {
                proptest::prop_assert!((FIRST_YEAR..=LAST_YEAR).contains(&d.year()));
            }
            let now = today.and_hms_opt(9, 0, 0).unwrap();
            let moment = format!("{s} 07:00");
            if let Ok(t) = parse_local_datetime(&moment, now) {
                proptest::prop_assert!((FIRST_YEAR..=LAST_YEAR).contains(&t.year()));
            }
        }

        /// `--days` up to u32::MAX: a first day in range or a clear refusal.
        #[test]
        fn lookback_never_panics(days in proptest::num::u32::ANY, y in 1970i32..=9999) {
            let today = NaiveDate::from_ymd_opt(y, 6, 15).unwrap();
            if let Ok(first) = lookback(today, days) {
                proptest::prop_assert!(first <= today && first.year() >= FIRST_YEAR);
            }
        }
    }
}
