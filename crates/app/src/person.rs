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
}

impl Clock {
    /// `MM_NOW` (RFC 3339) when set, else the system clock.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Invalid`] when `MM_NOW` is not an RFC 3339 time.
    pub fn from_env() -> Result<Clock> {
        match std::env::var("MM_NOW") {
            Ok(s) if !s.is_empty() => {
                DateTime::parse_from_rfc3339(&s)
                    .map(Clock::Fixed)
                    .map_err(|_| {
                        Error::invalid_field(
                            "MM_NOW",
                            format!("MM_NOW={s:?} is not an RFC 3339 time"),
                        )
                    })
            }
            _ => Ok(Clock::System),
        }
    }

    /// Read the clock: the instant and the offset it was read in.
    pub fn read(self) -> (DateTime<Utc>, FixedOffset) {
        match self {
            Clock::Fixed(t) => (t.with_timezone(&Utc), *t.offset()),
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
        // MM_NOW carries the offset the test or demo means; the system
        // clock defers to the profile's zone when one is set.
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
