//! Parsing what people type: durations like `90m` or `1h30m`, dates like
//! `2026-12-08` or `+2w`, and moments like `yesterday 18:30`.
//!
//! Everything relative takes "today" or "now" as an argument.

use crate::error::{Error, Result};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

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

/// Parse a calendar date: `2026-12-08`, `today`, `tomorrow`, `yesterday`,
/// or an offset from today such as `+10d`, `+2w`, `-3d`.
///
/// # Errors
/// [`Error::Invalid`] when it is none of those.
pub fn parse_date(s: &str, today: NaiveDate) -> Result<NaiveDate> {
    let t = s.trim().to_ascii_lowercase();
    let bad = || {
        Error::invalid(format!(
            "{s:?} is not a date: use 2026-12-08, today, tomorrow, or an offset like +10d or +2w"
        ))
    };
    match t.as_str() {
        "today" => return Ok(today),
        "tomorrow" => return Ok(today + Duration::days(1)),
        "yesterday" => return Ok(today - Duration::days(1)),
        _ => {}
    }
    if let Some(sign) = t.chars().next().filter(|c| *c == '+' || *c == '-') {
        let body = &t[1..];
        let (num, unit) = body.split_at(body.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
        let n: i64 = num.parse().map_err(|_| bad())?;
        let days = match unit {
            "d" | "day" | "days" => n,
            "w" | "wk" | "week" | "weeks" => n * 7,
            _ => return Err(bad()),
        };
        let days = if sign == '-' { -days } else { days };
        return today
            .checked_add_signed(Duration::days(days))
            .ok_or_else(bad);
    }
    NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| bad())
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
    let date = parse_date(date_part, now.date()).map_err(|_| bad())?;
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
    }
}
