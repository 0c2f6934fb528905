//! The person context: "now", the person's time zone and their mastery rule,
//! resolved once per command or request and passed to every workflow. Nothing
//! else in the application reads the clock or the rule.

use crate::{Error, Result};
use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use mm_core::availability::Availability;
use mm_core::mastery::MasteryRule;
use mm_store::Store;

/// Where "now" comes from.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    /// The system clock, in the machine's local offset.
    System,
    /// A fixed moment (tests, reproducible demos, `MM_NOW`).
    Fixed(DateTime<FixedOffset>),
    /// A clock that starts at `from` when it is made and runs `speed` times
    /// as fast as real time (`MM_NOW` with `MM_NOW_SPEED`): a reproducible
    /// start for a server whose timer must still move, as in the browser
    /// test.
    Running {
        /// What the clock reads at `since`.
        from: DateTime<FixedOffset>,
        /// The real moment the clock was made.
        since: std::time::Instant,
        /// Clock seconds per real second (positive).
        speed: f64,
    },
}

/// The fastest `MM_NOW_SPEED` taken: a day per real minute.
pub const MAX_SPEED: f64 = 1440.0;

impl Clock {
    /// `MM_NOW` (RFC 3339) when set, else the system clock; with
    /// `MM_NOW_SPEED` too (a factor such as `1` or `10`), a clock that
    /// starts at `MM_NOW` and runs that many times as fast as real time.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Invalid`] when `MM_NOW` is not an RFC 3339 time,
    /// or `MM_NOW_SPEED` is not a number above 0 up to [`MAX_SPEED`] or is
    /// set without `MM_NOW`.
    pub fn from_env() -> Result<Clock> {
        let var = |name: &str| std::env::var(name).ok().filter(|s| !s.trim().is_empty());
        Clock::from_vars(var("MM_NOW").as_deref(), var("MM_NOW_SPEED").as_deref())
    }

    /// The clock that `MM_NOW` and `MM_NOW_SPEED` (either may be unset)
    /// describe; see [`Clock::from_env`].
    ///
    /// # Errors
    /// As [`Clock::from_env`].
    pub fn from_vars(now: Option<&str>, speed: Option<&str>) -> Result<Clock> {
        let Some(s) = now else {
            return match speed {
                None => Ok(Clock::System),
                Some(_) => Err(Error::invalid_field(
                    "MM_NOW_SPEED",
                    "MM_NOW_SPEED needs MM_NOW, the moment the clock starts at",
                )),
            };
        };
        let from = DateTime::parse_from_rfc3339(s.trim()).map_err(|_| {
            Error::invalid_field("MM_NOW", format!("MM_NOW={s:?} is not an RFC 3339 time"))
        })?;
        let Some(v) = speed else {
            return Ok(Clock::Fixed(from));
        };
        match v.trim().parse::<f64>() {
            Ok(speed) if speed > 0.0 && speed <= MAX_SPEED => Ok(Clock::running(from, speed)),
            _ => Err(Error::invalid_field(
                "MM_NOW_SPEED",
                format!(
                    "MM_NOW_SPEED={v:?} is not a speed: give clock seconds per real second, above 0 and at most {MAX_SPEED}"
                ),
            )),
        }
    }

    /// A clock reading `from` now and running `speed` times as fast as real
    /// time from here on.
    pub fn running(from: DateTime<FixedOffset>, speed: f64) -> Clock {
        Clock::Running {
            from,
            since: std::time::Instant::now(),
            speed,
        }
    }

    /// How many clock seconds pass in a real second (1 for the system clock,
    /// 0 for a fixed one): what a page's ticking clock must follow.
    pub fn speed(self) -> f64 {
        match self {
            Clock::System => 1.0,
            Clock::Fixed(_) => 0.0,
            Clock::Running { speed, .. } => speed,
        }
    }

    /// Read the clock: the instant and the offset it was read in.
    pub fn read(self) -> (DateTime<Utc>, FixedOffset) {
        match self {
            Clock::Fixed(t) => (t.with_timezone(&Utc), *t.offset()),
            Clock::Running { from, since, speed } => {
                // Milliseconds, saturating: a clock cannot run past the end of time.
                let ms = (since.elapsed().as_secs_f64() * speed * 1000.0) as i64;
                let t = chrono::TimeDelta::try_milliseconds(ms)
                    .and_then(|d| from.checked_add_signed(d))
                    .unwrap_or(from);
                (t.with_timezone(&Utc), *t.offset())
            }
            Clock::System => {
                let now = Local::now();
                (now.with_timezone(&Utc), now.offset().fix())
            }
        }
    }
}

/// The person's time zone: the profile's named zone when set, else the offset
/// the clock was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// An IANA zone from the profile (`Europe/Paris`).
    Named(Tz),
    /// A fixed offset (no profile zone set).
    Fixed(FixedOffset),
}

impl Zone {
    /// The UTC offset in force at `t`.
    pub fn offset_at(self, t: DateTime<Utc>) -> FixedOffset {
        match self {
            Zone::Named(tz) => tz.offset_from_utc_datetime(&t.naive_utc()).fix(),
            Zone::Fixed(o) => o,
        }
    }

    /// `t` as the person's wall-clock time.
    pub fn local(self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.offset_at(t)).naive_local()
    }

    /// A wall-clock time as an instant; `None` for a time the zone skips.
    pub fn to_utc(self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self {
            Zone::Named(tz) => tz
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc)),
            Zone::Fixed(o) => o
                .from_local_datetime(&local)
                .single()
                .map(|t| t.with_timezone(&Utc)),
        }
    }

    /// The named zone, or UTC when only an offset is known (plans and
    /// calendars need a zone with rules).
    pub fn tz(self) -> Tz {
        match self {
            Zone::Named(tz) => tz,
            Zone::Fixed(_) => chrono_tz::UTC,
        }
    }
}

/// Who the application acts for, and when: resolved once per command or
/// request.
#[derive(Debug, Clone)]
pub struct Person {
    /// This command's "now".
    pub now: DateTime<Utc>,
    /// The person's time zone.
    pub zone: Zone,
    /// The UTC offset in force now in that zone.
    pub offset: FixedOffset,
    /// The person's mastery rule (the default unless configured).
    pub rule: MasteryRule,
    /// When the person can practise, if set.
    pub availability: Option<Availability>,
}

impl Person {
    /// Resolve the person from the journal and the clock.
    ///
    /// # Errors
    /// When a stored setting is unreadable or the database fails.
    pub async fn resolve(store: &Store, clock: Clock) -> Result<Person> {
        let availability = store.availability().await?;
        let rule = store.mastery_rule().await?;
        Ok(Person::from_settings(clock, rule, availability))
    }

    /// The person with these stored settings, now by `clock`.
    pub fn from_settings(
        clock: Clock,
        rule: MasteryRule,
        availability: Option<Availability>,
    ) -> Person {
        let (now, clock_offset) = clock.read();
        // MM_NOW carries the offset the test or demo means (fixed or
        // running); the system clock defers to the profile's zone when one
        // is set.
        let zone = match (clock, &availability) {
            (Clock::System, Some(av)) => Zone::Named(av.tz),
            _ => Zone::Fixed(clock_offset),
        };
        Person {
            now,
            offset: zone.offset_at(now),
            zone,
            rule,
            availability,
        }
    }

    /// A person with the default rule and no profile, at `now` in `offset`
    /// (for tests and tools that have no journal).
    pub fn at(now: DateTime<FixedOffset>) -> Person {
        Person {
            now: now.with_timezone(&Utc),
            zone: Zone::Fixed(*now.offset()),
            offset: *now.offset(),
            rule: MasteryRule::default(),
            availability: None,
        }
    }

    /// Today in the person's zone.
    pub fn today(&self) -> NaiveDate {
        self.zone.local(self.now).date()
    }

    /// Now as the person's wall-clock time.
    pub fn local_now(&self) -> NaiveDateTime {
        self.zone.local(self.now)
    }

    /// The person's local date of an instant.
    pub fn date_of(&self, t: DateTime<Utc>) -> NaiveDate {
        self.zone.local(t).date()
    }

    /// A wall-clock time typed by the person, as an instant.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Invalid`] for a local time the zone skips.
    pub fn to_utc(&self, local: NaiveDateTime) -> Result<DateTime<Utc>> {
        self.zone
            .to_utc(local)
            .ok_or_else(|| Error::invalid(format!("{local} does not exist in your time zone")))
    }

    /// Parse a moment typed by the person (`now`, `yesterday 18:30`, `-2d`).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Invalid`] for text that is not a moment.
    pub fn parse_moment(&self, s: &str) -> Result<DateTime<Utc>> {
        let local = mm_core::parse::parse_local_datetime(s, self.local_now())?;
        self.to_utc(local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mm_now_and_mm_now_speed_make_a_fixed_or_a_running_clock() {
        let t = DateTime::parse_from_rfc3339("2026-11-25T09:00:00+01:00").unwrap();
        assert!(matches!(Clock::from_vars(None, None), Ok(Clock::System)));
        assert!(matches!(
            Clock::from_vars(Some("2026-11-25T09:00:00+01:00"), None),
            Ok(Clock::Fixed(f)) if f == t
        ));
        let running = Clock::from_vars(Some("2026-11-25T09:00:00+01:00"), Some("2.5")).unwrap();
        assert!(matches!(running, Clock::Running { from, speed, .. } if from == t && speed == 2.5));
        for (now, speed, field) in [
            (None, Some("10"), "MM_NOW_SPEED"),
            (Some("tomorrow"), None, "MM_NOW"),
            (Some("2026-11-25T09:00:00Z"), Some("0"), "MM_NOW_SPEED"),
            (Some("2026-11-25T09:00:00Z"), Some("-1"), "MM_NOW_SPEED"),
            (Some("2026-11-25T09:00:00Z"), Some("fast"), "MM_NOW_SPEED"),
            (Some("2026-11-25T09:00:00Z"), Some("NaN"), "MM_NOW_SPEED"),
            (Some("2026-11-25T09:00:00Z"), Some("1e9"), "MM_NOW_SPEED"),
        ] {
            let e = Clock::from_vars(now, speed).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Invalid, "{now:?} {speed:?}");
            assert!(e.to_string().contains(field), "{e}");
        }
    }

    #[test]
    fn a_running_clock_starts_at_its_moment_and_moves_forward_in_its_offset() {
        let t = DateTime::parse_from_rfc3339("2026-11-25T09:00:00+01:00").unwrap();
        // Made a real second ago at 60 times real time: about a minute on.
        let c = Clock::Running {
            from: t,
            since: std::time::Instant::now() - std::time::Duration::from_secs(1),
            speed: 60.0,
        };
        let (first, offset) = c.read();
        let (second, _) = c.read();
        assert_eq!(offset, *t.offset(), "the offset MM_NOW gave");
        assert!(first >= t + chrono::Duration::seconds(60), "{first}");
        assert!(first < t + chrono::Duration::hours(1), "{first}");
        assert!(second >= first, "it never runs back");
        assert!((c.speed() - 60.0).abs() < f64::EPSILON);
        assert!(Clock::Fixed(t).speed() == 0.0);
    }

    #[test]
    fn a_named_zone_follows_daylight_saving() {
        let z = Zone::Named(chrono_tz::Europe::Paris);
        let winter = Utc.with_ymd_and_hms(2026, 1, 10, 12, 0, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 10, 12, 0, 0).unwrap();
        assert_eq!(z.offset_at(winter).local_minus_utc(), 3600);
        assert_eq!(z.offset_at(summer).local_minus_utc(), 7200);
    }

    #[test]
    fn the_date_is_the_persons_not_utcs() {
        let t = DateTime::parse_from_rfc3339("2026-03-01T23:30:00-05:00").unwrap();
        let p = Person::at(t);
        assert_eq!(p.today(), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        assert_eq!(
            p.parse_moment("today 08:00").unwrap(),
            DateTime::parse_from_rfc3339("2026-03-01T13:00:00Z").unwrap()
        );
    }
}
