//! When a person can practise: weekly windows in their own time zone.
//!
//! People write availability the way they say it:
//! `mon-fri 07:00-07:40, sat 10:00-11:30`, `tue,thu 18:00-19:00`,
//! `weekdays 12:15-12:45`, `daily 21:00-21:30`. Windows on the same day must
//! not overlap, must end after they start (no windows across midnight), and
//! the time zone is an IANA name such as `Europe/Paris`.
//!
//! ```
//! use mm_core::availability::Availability;
//!
//! let a = Availability::parse("mon-fri 07:00-07:40, sat 10:00-11:30", "Europe/Paris").unwrap();
//! assert_eq!(a.weekly_minutes(), 5 * 40 + 90);
//! assert!(Availability::parse("mon 07:00-07:40", "Mars/Olympus").is_err());
//! ```

use crate::error::{Error, Result};
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One weekly window: a weekday and a local time range on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Window {
    /// Monday = 0 … Sunday = 6.
    pub day: u8,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Window {
    /// The weekday of the window.
    pub fn weekday(&self) -> Weekday {
        DAYS[usize::from(self.day)].1
    }
    /// Length in minutes.
    pub fn minutes(&self) -> u32 {
        ((self.end - self.start).num_minutes()).max(0) as u32
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}-{}",
            DAYS[usize::from(self.day)].0,
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

/// A person's weekly practice windows and their time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    /// Sorted by day, then start.
    pub windows: Vec<Window>,
    /// IANA time zone name.
    #[serde(with = "tz_name")]
    pub tz: Tz,
}

mod tz_name {
    use chrono_tz::Tz;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(tz.name())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Tz, D::Error> {
        let name = String::deserialize(d)?;
        super::parse_timezone(&name).map_err(serde::de::Error::custom)
    }
}

/// One concrete practice window on a date, in local time and UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Wall-clock start, in the person's zone.
    pub local_start: NaiveDateTime,
}

impl Slot {
    /// Length in minutes.
    pub fn minutes(&self) -> u32 {
        (self.end - self.start).num_minutes().max(0) as u32
    }
}

impl Availability {
    /// Parse windows and a time zone.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a malformed window, a window that ends before it
    /// starts, two overlapping windows on a day, no window at all, or an unknown zone.
    pub fn parse(windows: &str, tz: &str) -> Result<Availability> {
        let tz = parse_timezone(tz)?;
        let windows = parse_windows(windows)?;
        Ok(Availability { windows, tz })
    }

    /// Minutes available in a full week.
    pub fn weekly_minutes(&self) -> u32 {
        self.windows.iter().map(Window::minutes).sum()
    }

    /// The windows as the person would write them again.
    pub fn describe(&self) -> String {
        self.windows
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The concrete windows on each date from `from` to `to` (both included),
    /// in order. Windows that fall in a daylight-saving gap start when the
    /// clock resumes; an ambiguous wall time takes its first occurrence.
    pub fn slots(&self, from: NaiveDate, to: NaiveDate) -> Vec<Slot> {
        let mut out = Vec::new();
        let mut date = from;
        while date <= to {
            let day = date.weekday().num_days_from_monday() as u8;
            for w in self.windows.iter().filter(|w| w.day == day) {
                let local_start = date.and_time(w.start);
                let start = self.to_utc(local_start);
                let end = self.to_utc(date.and_time(w.end));
                if end > start {
                    out.push(Slot {
                        date,
                        start,
                        end,
                        local_start,
                    });
                }
            }
            match date.succ_opt() {
                Some(d) => date = d,
                None => break,
            }
        }
        out
    }

    /// A local wall time in this zone as a UTC instant (see [`Availability::slots`]).
    pub fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        local_to_utc(self.tz, local)
    }

    /// The local date of an instant in this zone.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }
}

/// A local wall time in `tz` as a UTC instant; gaps move forward, ambiguity takes the first.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut t = local;
    for _ in 0..4 {
        match tz.from_local_datetime(&t) {
            LocalResult::Single(d) => return d.with_timezone(&Utc),
            LocalResult::Ambiguous(a, _) => return a.with_timezone(&Utc),
            LocalResult::None => t += Duration::minutes(30),
        }
    }
    Utc.from_utc_datetime(&local)
}

/// Parse an IANA time zone name such as `Europe/Paris` or `UTC`.
///
/// # Errors
/// [`Error::Invalid`] naming the zone, with a suggestion when the case was off.
pub fn parse_timezone(s: &str) -> Result<Tz> {
    let t = s.trim();
    if let Ok(tz) = t.parse::<Tz>() {
        return Ok(tz);
    }
    let hint = chrono_tz::TZ_VARIANTS
        .iter()
        .find(|z| z.name().eq_ignore_ascii_case(t))
        .map(|z| format!(" (did you mean {}?)", z.name()))
        .unwrap_or_else(|| " (use an IANA name such as Europe/Paris or America/New_York)".into());
    Err(Error::invalid(format!("unknown time zone {t:?}{hint}")))
}

/// Parse weekly windows; see the module docs for the forms.
///
/// # Errors
/// [`Error::Invalid`] naming the window in trouble.
pub fn parse_windows(s: &str) -> Result<Vec<Window>> {
    if s.trim().is_empty() {
        return Err(Error::invalid(
            "no availability given: write windows like \"mon-fri 07:00-07:40, sat 10:00-11:30\"",
        ));
    }
    let mut windows = Vec::new();
    // Days written without a time ("tue," in "tue,thu 18:00-19:00") carry on
    // to the next item that has one.
    let mut pending_days: Vec<u8> = Vec::new();
    for raw in s.split(',') {
        let item = raw.trim();
        if item.is_empty() {
            return Err(Error::invalid(format!(
                "empty item in availability {s:?} (two commas in a row?)"
            )));
        }
        let mut days = std::mem::take(&mut pending_days);
        let mut times = Vec::new();
        for tok in item.split_whitespace() {
            if tok.contains(':') || tok.starts_with(|c: char| c.is_ascii_digit()) {
                times.push(parse_range(tok, item)?);
            } else if times.is_empty() {
                days.extend(parse_days(tok, item)?);
            } else {
                return Err(Error::invalid(format!(
                    "in {item:?}: days come before the times, like \"mon-fri 07:00-07:40\""
                )));
            }
        }
        if days.is_empty() {
            return Err(Error::invalid(format!(
                "{item:?} names no day: start with a day such as mon, mon-fri, weekdays or daily"
            )));
        }
        if times.is_empty() {
            pending_days = days;
            continue;
        }
        for d in days {
            for &(start, end) in &times {
                windows.push(Window { day: d, start, end });
            }
        }
    }
    if !pending_days.is_empty() {
        return Err(Error::invalid(format!(
            "availability {s:?} ends with days but no time range (add e.g. 18:00-19:00)"
        )));
    }
    windows.sort();
    windows.dedup();
    for pair in windows.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if a.day == b.day && b.start < a.end {
            return Err(Error::invalid(format!(
                "availability windows overlap: {a} and {b}; merge them or move one"
            )));
        }
    }
    Ok(windows)
}

fn parse_days(tok: &str, item: &str) -> Result<Vec<u8>> {
    let t = tok.to_ascii_lowercase();
    let one = |name: &str| -> Result<u8> {
        let n = name.trim();
        DAYS.iter()
            .position(|(short, wd)| n == *short || (n.len() >= 3 && full_name(*wd).starts_with(n)))
            .map(|i| i as u8)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "in {item:?}: {name:?} is not a day (use mon, tue, wed, thu, fri, sat, sun, \
                     a range like mon-fri, or weekdays, weekends, daily)"
                ))
            })
    };
    Ok(match t.as_str() {
        "daily" | "everyday" | "every-day" => (0..7).collect(),
        "weekdays" => (0..5).collect(),
        "weekends" | "weekend" => vec![5, 6],
        _ => match t.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (one(a)?, one(b)?);
                if a <= b {
                    (a..=b).collect()
                } else {
                    // A range across the weekend: fri-mon.
                    (a..7).chain(0..=b).collect()
                }
            }
            None => vec![one(&t)?],
        },
    })
}

fn full_name(wd: Weekday) -> &'static str {
    match wd {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

fn parse_range(tok: &str, item: &str) -> Result<(NaiveTime, NaiveTime)> {
    let bad = || {
        Error::invalid(format!(
            "in {item:?}: {tok:?} is not a time range like 07:00-07:40"
        ))
    };
    let (a, b) = tok.split_once('-').ok_or_else(bad)?;
    let time = |x: &str| NaiveTime::parse_from_str(x.trim(), "%H:%M").map_err(|_| bad());
    let (start, end) = (time(a)?, time(b)?);
    if end <= start {
        return Err(Error::invalid(format!(
            "in {item:?}: the window {tok} ends before it starts \
             (a window cannot cross midnight: split it into two days)"
        )));
    }
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn forms_people_write() {
        let table: &[(&str, usize, u32)] = &[
            ("mon-fri 07:00-07:40, sat 10:00-11:30", 6, 290),
            ("tue,thu 18:00-19:00", 2, 120),
            ("weekdays 12:15-12:45", 5, 150),
            ("daily 21:00-21:30", 7, 210),
            ("weekends 09:00-10:00", 2, 120),
            ("Monday 07:00-08:00", 1, 60),
            ("fri-mon 06:00-06:30", 4, 120),
            ("mon 07:00-07:30 12:00-12:30", 2, 60),
        ];
        for &(input, n, minutes) in table {
            let w = parse_windows(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(w.len(), n, "{input}");
            assert_eq!(
                w.iter().map(Window::minutes).sum::<u32>(),
                minutes,
                "{input}"
            );
        }
        let w = parse_windows("sat 10:00-11:30, mon 07:00-07:40").unwrap();
        assert_eq!(
            w[0],
            Window {
                day: 0,
                start: t(7, 0),
                end: t(7, 40)
            }
        );
        assert_eq!(w[1].to_string(), "sat 10:00-11:30");
    }

    #[test]
    fn bad_windows_are_refused_with_the_reason() {
        let table: &[(&str, &str)] = &[
            ("", "no availability"),
            ("mon 07:00-07:40, mon 07:30-08:00", "overlap"),
            ("mon-fri 07:00-08:00, wed 07:59-08:30", "overlap"),
            ("mon 08:00-07:00", "ends before it starts"),
            ("mon 23:00-01:00", "cross midnight"),
            ("mon 07:00", "not a time range"),
            ("mon 7am-8am", "not a time range"),
            ("mon 25:00-26:00", "not a time range"),
            ("funday 07:00-08:00", "not a day"),
            ("07:00-08:00", "names no day"),
            ("mon 07:00-08:00,, tue 07:00-08:00", "empty item"),
            ("mon 07:00-08:00, tue", "no time range"),
            ("07:00-08:00 mon", "days come before"),
            ("mon 07:00-08:00 tue", "days come before"),
        ];
        for &(input, want) in table {
            let err = parse_windows(input).expect_err(input).to_string();
            assert!(err.contains(want), "{input:?}: {err}");
        }
    }

    #[test]
    fn adjacent_windows_are_fine() {
        assert_eq!(
            parse_windows("mon 07:00-08:00, mon 08:00-09:00")
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn time_zones() {
        assert_eq!(
            parse_timezone("Europe/Paris").unwrap(),
            chrono_tz::Europe::Paris
        );
        assert_eq!(parse_timezone(" UTC ").unwrap(), chrono_tz::UTC);
        let e = parse_timezone("europe/paris").unwrap_err().to_string();
        assert!(e.contains("did you mean Europe/Paris"), "{e}");
        let e = parse_timezone("Mars/Olympus").unwrap_err().to_string();
        assert!(e.contains("unknown time zone \"Mars/Olympus\""), "{e}");
    }

    #[test]
    fn slots_follow_the_zone_and_daylight_saving() {
        let a = Availability::parse("sun 07:00-07:40", "Europe/Paris").unwrap();
        // 2026-03-29 is the Sunday Paris moves to summer time; 2026-03-22 the one before.
        let s = a.slots(
            NaiveDate::from_ymd_opt(2026, 3, 22).unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(),
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].start.format("%H:%M").to_string(), "06:00"); // UTC+1
        assert_eq!(s[1].start.format("%H:%M").to_string(), "05:00"); // UTC+2
        assert_eq!(s[1].minutes(), 40);
    }

    #[test]
    fn window_in_a_gap_starts_when_the_clock_resumes() {
        let a = Availability::parse("sun 02:00-03:30", "Europe/Paris").unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let s = a.slots(d, d);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].minutes(), 30, "02:00-03:00 does not exist that night");
    }

    #[test]
    fn serde_keeps_the_zone_name() {
        let a = Availability::parse("mon 07:00-07:40", "America/New_York").unwrap();
        let j = serde_json::to_string(&a).unwrap();
        assert!(j.contains("\"America/New_York\""), "{j}");
        let back: Availability = serde_json::from_str(&j).unwrap();
        assert_eq!(back, a);
    }
}
