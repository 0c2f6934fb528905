//! RFC 5545 iCalendar for plans: one `VEVENT` per planned item, local times
//! with a `VTIMEZONE` built from the IANA rules, stable UIDs (so importing a
//! re-export updates the events instead of duplicating them), an optional
//! display alarm, CRLF line ends and 75-octet line folding.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use mm_core::ics::{fold_line, IcsOptions};
//!
//! let line = format!("DESCRIPTION:{}", "x".repeat(100));
//! let folded = fold_line(&line);
//! assert!(folded.split("\r\n").all(|l| l.len() <= 75));
//! ```

use crate::plan::{ItemKind, Plan};
use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// What goes into the calendar besides the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsOptions {
    /// Minutes before each item to show a reminder; `None` for no alarm.
    pub alarm_minutes: Option<u32>,
    /// The calendar's display name.
    pub calendar_name: String,
    /// Right-hand side of every UID (`key@domain`).
    pub uid_domain: String,
    /// Items of an earlier export that the plans no longer hold: written as
    /// `STATUS:CANCELLED` under their old UID, so a calendar app that
    /// imported them removes them instead of keeping stale sessions.
    pub cancelled: Vec<crate::plan::PlannedItem>,
}

impl Default for IcsOptions {
    fn default() -> Self {
        IcsOptions {
            alarm_minutes: None,
            calendar_name: "Micromastery practice".into(),
            uid_domain: "micromastery.local".into(),
            cancelled: Vec::new(),
        }
    }
}

/// One goal's plan with the words to show on its events.
#[derive(Debug, Clone, Copy)]
pub struct PlanForCalendar<'a> {
    pub plan: &'a Plan,
    /// Short goal label, e.g. "pivot tables (goal 3)".
    pub label: &'a str,
}

/// Write the plans as one iCalendar document in `tz`. `now` is the DTSTAMP.
///
/// The `SEQUENCE` of an event is the minute the plan was made (counted from
/// 2020), so a re-planned event carries a higher sequence than the one it
/// replaces, while exporting the same plan twice gives the same bytes except
/// for DTSTAMP.
pub fn write_calendar(
    plans: &[PlanForCalendar<'_>],
    tz: Tz,
    now: DateTime<Utc>,
    opts: &IcsOptions,
) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Micromastery//mm plan export//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape_text(&opts.calendar_name)),
        format!("X-WR-TIMEZONE:{}", tz.name()),
    ];
    let starts: Vec<DateTime<Utc>> = plans
        .iter()
        .flat_map(|p| p.plan.items.iter().map(|i| i.start))
        .collect();
    let first = starts.iter().min().copied().unwrap_or(now);
    let last = starts.iter().max().copied().unwrap_or(now);
    lines.extend(vtimezone(tz, first, last));
    let stamp = utc_stamp(now);
    for p in plans {
        let seq = ((p.plan.made_at.timestamp() - 1_577_836_800) / 60).max(0);
        for it in &p.plan.items {
            let kind = match it.kind {
                ItemKind::Practice => "Practice",
                ItemKind::Apply => "Apply",
                ItemKind::Reflect => "Reflect",
            };
            let local = it.start.with_timezone(&tz).naive_local();
            lines.push("BEGIN:VEVENT".into());
            lines.push(format!("UID:{}@{}", it.key, opts.uid_domain));
            lines.push(format!("DTSTAMP:{stamp}"));
            lines.push(format!("SEQUENCE:{seq}"));
            lines.push(format!("DTSTART;TZID={}:{}", tz.name(), local_stamp(local)));
            lines.push(format!("DURATION:PT{}M", it.minutes));
            lines.push(format!(
                "SUMMARY:{}",
                escape_text(&format!("{kind}: {}", p.label))
            ));
            let what = match it.kind {
                ItemKind::Practice => {
                    "One focused block: a single aim, count reps and errors, no multitasking."
                }
                ItemKind::Apply => {
                    "Practise, then use the skill at once on a real task and record the application in Micromastery."
                }
                ItemKind::Reflect => {
                    "Look back on the week: what worked, what did not, what next, and record it in Micromastery."
                }
            };
            lines.push(format!(
                "DESCRIPTION:{}",
                escape_text(&format!(
                    "{}\n{what}\n{} minutes, week {}.",
                    it.title, it.minutes, it.week
                ))
            ));
            lines.push(format!("CATEGORIES:Micromastery,{kind}"));
            lines.push("STATUS:CONFIRMED".into());
            lines.push("TRANSP:OPAQUE".into());
            if let Some(m) = opts.alarm_minutes {
                lines.push("BEGIN:VALARM".into());
                lines.push("ACTION:DISPLAY".into());
                lines.push(format!(
                    "DESCRIPTION:{}",
                    escape_text(&format!("{kind}: {}", p.label))
                ));
                lines.push(format!("TRIGGER:-PT{m}M"));
                lines.push("END:VALARM".into());
            }
            lines.push("END:VEVENT".into());
        }
    }
    let current: std::collections::HashSet<&str> = plans
        .iter()
        .flat_map(|p| p.plan.items.iter().map(|i| i.key.as_str()))
        .collect();
    let seq = ((now.timestamp() - 1_577_836_800) / 60).max(0);
    for it in opts
        .cancelled
        .iter()
        .filter(|i| !current.contains(i.key.as_str()))
    {
        let local = it.start.with_timezone(&tz).naive_local();
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}@{}", it.key, opts.uid_domain));
        lines.push(format!("DTSTAMP:{stamp}"));
        lines.push(format!("SEQUENCE:{seq}"));
        lines.push(format!("DTSTART;TZID={}:{}", tz.name(), local_stamp(local)));
        lines.push(format!("DURATION:PT{}M", it.minutes));
        lines.push(format!(
            "SUMMARY:{}",
            escape_text(&format!("Cancelled (re-planned): {}", it.title))
        ));
        lines.push("STATUS:CANCELLED".into());
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for l in lines {
        out.push_str(&fold_line(&l));
        out.push_str("\r\n");
    }
    out
}

/// Escape a TEXT value (RFC 5545 §3.3.11).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Fold a content line so no physical line exceeds 75 octets, never
/// splitting a UTF-8 character (RFC 5545 §3.1). Lines are joined by CRLF and
/// continuation lines start with one space.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    let mut limit = 75;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > limit {
            out.push_str("\r\n ");
            width = 1;
            limit = 75;
        }
        out.push(c);
        width += n;
    }
    out
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn local_stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

fn offset_secs(tz: Tz, at: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

fn fmt_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.abs();
    if a % 60 != 0 {
        format!("{sign}{:02}{:02}{:02}", a / 3600, a / 60 % 60, a % 60)
    } else {
        format!("{sign}{:02}{:02}", a / 3600, a / 60 % 60)
    }
}

/// The instants, between `from` and `to`, where the zone's offset changes.
pub fn transitions(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let step = Duration::hours(6);
    let mut out = Vec::new();
    let mut t = from;
    while t < to {
        let next = t + step;
        if offset_secs(tz, t) != offset_secs(tz, next) {
            let (mut lo, mut hi) = (t, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_secs(tz, mid) == offset_secs(tz, lo) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out.push(hi);
        }
        t = next;
    }
    out
}

fn observance(tz: Tz, at: DateTime<Utc>, from_secs: i32) -> Vec<String> {
    let off = tz.offset_from_utc_datetime(&at.naive_utc());
    let to_secs = off.fix().local_minus_utc();
    let kind = if off.dst_offset().is_zero() {
        "STANDARD"
    } else {
        "DAYLIGHT"
    };
    // The onset is written in the local time before the change.
    let onset = at.naive_utc() + Duration::seconds(i64::from(from_secs));
    let mut v = vec![
        format!("BEGIN:{kind}"),
        format!("DTSTART:{}", local_stamp(onset)),
        format!("TZOFFSETFROM:{}", fmt_offset(from_secs)),
        format!("TZOFFSETTO:{}", fmt_offset(to_secs)),
    ];
    if let Some(name) = off.abbreviation() {
        v.push(format!("TZNAME:{}", escape_text(name)));
    }
    v.push(format!("END:{kind}"));
    v
}

/// A `VTIMEZONE` covering `first` to `last`: one observance per offset change
/// in that span, plus the one in force at its start.
pub fn vtimezone(tz: Tz, first: DateTime<Utc>, last: DateTime<Utc>) -> Vec<String> {
    let from = first - Duration::days(370);
    let to = last + Duration::days(1);
    let mut lines = vec!["BEGIN:VTIMEZONE".to_string(), format!("TZID:{}", tz.name())];
    let changes = transitions(tz, from, to);
    // The offset in force before the span: an observance that starts at `from`.
    let start_offset = offset_secs(tz, from);
    if changes.first().is_none_or(|c| *c > first) {
        let base = Utc.from_utc_datetime(
            &chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .unwrap_or_default(),
        );
        let at = if changes.is_empty() { base } else { from };
        lines.extend(observance(tz, at, start_offset));
    }
    let mut prev = start_offset;
    for c in changes {
        lines.extend(observance(tz, c, prev));
        prev = offset_secs(tz, c);
    }
    lines.push("END:VTIMEZONE".into());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::availability::Availability;
    use crate::ids::*;
    use crate::model::*;
    use crate::plan::{PlanOutcome, PlanRequest, PlanSettings, make_plan};
    use chrono::NaiveDate;

    fn plan_for(tz: &str, made: DateTime<Utc>) -> Plan {
        let g = Goal {
            id: GoalId(3),
            micro_skill_id: MicroSkillId(1),
            target_level: Level::Competent,
            state: GoalState::Active,
            start: NaiveDate::from_ymd_opt(2026, 10, 12).unwrap(),
            deadline: NaiveDate::from_ymd_opt(2026, 11, 8).unwrap(),
            weekly_minutes: 120,
            criteria: vec![],
            extensions: vec![],
            created_at: made,
            closed_at: None,
            abandon_reason: None,
        };
        let a = Availability::parse("mon,wed 07:00-07:40, sat 10:00-11:30", tz).unwrap();
        match make_plan(&PlanRequest {
            goal: &g,
            availability: &a,
            minutes_done: 0,
            now: made,
            settings: PlanSettings::default(),
            aim: "pivot tables; fast, exact",
        })
        .unwrap()
        {
            PlanOutcome::Fits(p) => p,
            PlanOutcome::Short(s) => panic!("{s:?}"),
        }
    }

    fn made() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, 12, 4, 0, 0).unwrap()
    }

    fn export(tz: &str, alarm: Option<u32>) -> (Plan, String) {
        let p = plan_for(tz, made());
        let ics = write_calendar(
            &[PlanForCalendar {
                plan: &p,
                label: "pivot tables (goal 3)",
            }],
            tz.parse().unwrap(),
            made(),
            &IcsOptions {
                alarm_minutes: alarm,
                ..IcsOptions::default()
            },
        );
        (p, ics)
    }

    #[test]
    fn the_icalendar_crate_reads_every_event_back() {
        let (p, ics) = export("Europe/Paris", Some(10));
        let unfolded = icalendar::parser::unfold(&ics);
        let cal = icalendar::parser::read_calendar(&unfolded).expect("parses");
        assert_eq!(
            cal.properties
                .iter()
                .find(|x| x.name == "VERSION")
                .unwrap()
                .val
                .as_str(),
            "2.0"
        );
        let events: Vec<_> = cal
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect();
        assert_eq!(events.len(), p.items.len());
        for (ev, it) in events.iter().zip(&p.items) {
            assert_eq!(
                ev.find_prop("UID").unwrap().val.as_str(),
                format!("{}@micromastery.local", it.key)
            );
            let start = ev.find_prop("DTSTART").unwrap();
            assert_eq!(start.params[0].key.as_str(), "TZID");
            assert_eq!(
                start.params[0].val.as_ref().unwrap().as_str(),
                "Europe/Paris"
            );
            assert_eq!(start.val.as_str(), local_stamp(it.local_start));
            assert_eq!(
                ev.find_prop("DURATION").unwrap().val.as_str(),
                format!("PT{}M", it.minutes)
            );
            let alarm = ev
                .components
                .iter()
                .find(|c| c.name == "VALARM")
                .expect("alarm");
            assert_eq!(alarm.find_prop("TRIGGER").unwrap().val.as_str(), "-PT10M");
        }
        // Titles keep their commas and semicolons escaped.
        assert!(ics.contains("pivot tables\\; fast\\, exact"));
        let tzc = cal
            .components
            .iter()
            .find(|c| c.name == "VTIMEZONE")
            .expect("VTIMEZONE");
        assert_eq!(tzc.find_prop("TZID").unwrap().val.as_str(), "Europe/Paris");
    }

    #[test]
    fn crlf_and_folding() {
        let (_, ics) = export("Europe/Paris", None);
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "no bare LF");
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "{l:?} is {} octets", l.len());
        }
        assert!(ics.contains("\r\n "), "long descriptions are folded");
        assert!(!ics.contains("VALARM"), "no alarm unless asked");
    }

    #[test]
    fn folding_never_splits_a_character() {
        let line = format!("SUMMARY:{}", "é".repeat(80));
        let folded = fold_line(&line);
        for l in folded.split("\r\n") {
            assert!(l.len() <= 75);
        }
        assert_eq!(folded.replace("\r\n ", ""), line);
    }

    #[test]
    fn uids_are_stable_across_exports_and_sequence_grows_with_a_replan() {
        let (_, a) = export("Europe/Paris", None);
        let (_, b) = export("Europe/Paris", None);
        assert_eq!(a, b, "same plan, same instant: same bytes");
        let later = plan_for("Europe/Paris", made() + Duration::minutes(30));
        let c = write_calendar(
            &[PlanForCalendar {
                plan: &later,
                label: "pivot tables (goal 3)",
            }],
            chrono_tz::Europe::Paris,
            made(),
            &IcsOptions::default(),
        );
        let uids = |s: &str| {
            s.lines()
                .filter(|l| l.starts_with("UID:"))
                .map(String::from)
                .collect::<Vec<_>>()
        };
        assert_eq!(uids(&a), uids(&c));
        let seq = |s: &str| {
            s.lines()
                .find(|l| l.starts_with("SEQUENCE:"))
                .unwrap()
                .to_string()
        };
        assert!(seq(&c) > seq(&a), "{} vs {}", seq(&c), seq(&a));
    }

    #[test]
    fn vtimezone_has_the_autumn_change() {
        // The plan runs over 2026-10-25, when Paris leaves summer time at 03:00 local.
        let (_, ics) = export("Europe/Paris", None);
        assert!(
            ics.contains("BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET"),
            "{ics}"
        );
        assert!(ics.contains(
            "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"
        ));
    }

    #[test]
    fn zone_without_changes_gets_one_standard_observance() {
        let (_, ics) = export("Asia/Tokyo", None);
        assert!(ics.contains("BEGIN:STANDARD\r\nDTSTART:19700101T090000\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900"), "{ics}");
        assert!(!ics.contains("DAYLIGHT"));
    }

    #[test]
    fn items_dropped_by_a_replan_are_cancelled_under_their_old_uid() {
        let (p, _) = export("Europe/Paris", None);
        let mut shorter = p.clone();
        let dropped = shorter.items.pop().unwrap();
        let later = made() + Duration::hours(2);
        let ics = write_calendar(
            &[PlanForCalendar {
                plan: &shorter,
                label: "pivot tables (goal 3)",
            }],
            chrono_tz::Europe::Paris,
            later,
            &IcsOptions {
                cancelled: p.items.clone(),
                ..IcsOptions::default()
            },
        );
        let unfolded = icalendar::parser::unfold(&ics);
        let cal = icalendar::parser::read_calendar(&unfolded).unwrap();
        let events: Vec<_> = cal
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect();
        assert_eq!(events.len(), p.items.len(), "every old UID appears once");
        let cancelled: Vec<_> = events
            .iter()
            .filter(|e| e.find_prop("STATUS").unwrap().val.as_str() == "CANCELLED")
            .collect();
        assert_eq!(cancelled.len(), 1);
        assert_eq!(
            cancelled[0].find_prop("UID").unwrap().val.as_str(),
            format!("{}@micromastery.local", dropped.key)
        );
        let seq = |e: &icalendar::parser::Component<'_>| {
            e.find_prop("SEQUENCE")
                .unwrap()
                .val
                .as_str()
                .parse::<i64>()
                .unwrap()
        };
        assert!(
            seq(cancelled[0]) > seq(events[0]),
            "the cancellation supersedes the old event"
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
