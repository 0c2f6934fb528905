//! What a command that reads or writes the journal works with: the store,
//! "now" in the person's time zone, and how to print.

use crate::Global;
use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use mm_core::mastery::MasteryRule;
use mm_store::Store;
use std::future::Future;

/// Settings key of the person's mastery rule.
pub const MASTERY_RULE_KEY: &str = "mastery_rule";

/// An open journal plus the clock, read once per command.
#[derive(Debug)]
pub struct Ctx {
    pub store: Store,
    pub now: DateTime<Utc>,
    pub offset: FixedOffset,
    pub json: bool,
    rt: tokio::runtime::Runtime,
}

/// The database URL to use: `--db`/`MM_DATABASE_URL`, else the default SQLite file.
pub fn database_url(g: &Global) -> Result<String> {
    match &g.db {
        Some(url) if !url.trim().is_empty() => Ok(url.clone()),
        _ => mm_store::default_sqlite_path()
            .map(|p| p.display().to_string())
            .context("cannot find a home folder for the database; pass --db PATH"),
    }
}

/// "Now" for this command: the clock, or `MM_NOW` (RFC 3339) when set, which
/// tests and reproducible demos use.
pub fn clock() -> Result<(DateTime<Utc>, FixedOffset)> {
    match std::env::var("MM_NOW") {
        Ok(s) if !s.is_empty() => {
            let t = DateTime::parse_from_rfc3339(&s)
                .with_context(|| format!("MM_NOW={s:?} is not an RFC 3339 time"))?;
            Ok((t.with_timezone(&Utc), *t.offset()))
        }
        _ => {
            let now = Local::now();
            Ok((now.with_timezone(&Utc), now.offset().fix()))
        }
    }
}

impl Ctx {
    /// Open the journal for a command.
    pub fn open(g: &Global) -> Result<Ctx> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let url = database_url(g)?;
        let store = rt.block_on(Store::open(&url))?;
        let (now, offset) = clock()?;
        let ctx = Ctx {
            store,
            now,
            offset,
            json: g.json,
            rt,
        };
        ctx.block(ctx.store.activate_due_goals(ctx.today()))?;
        Ok(ctx)
    }

    /// Run a store call to completion.
    pub fn block<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// Today's date in the person's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.offset).date_naive()
    }

    /// Now, as the person's wall-clock time.
    pub fn local_now(&self) -> NaiveDateTime {
        self.now.with_timezone(&self.offset).naive_local()
    }

    /// A wall-clock time typed by the person, as an instant.
    pub fn to_utc(&self, local: NaiveDateTime) -> Result<DateTime<Utc>> {
        self.offset
            .from_local_datetime(&local)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .context("that local time does not exist")
    }

    /// Parse a moment typed by the person (`now`, `yesterday 18:30`, ...).
    pub fn parse_moment(&self, s: &str) -> Result<DateTime<Utc>> {
        let local = mm_core::parse::parse_local_datetime(s, self.local_now())?;
        self.to_utc(local)
    }

    /// The person's mastery rule (defaults unless configured).
    pub fn mastery_rule(&self) -> Result<MasteryRule> {
        match self.block(self.store.get_setting(MASTERY_RULE_KEY))? {
            None => Ok(MasteryRule::default()),
            Some(v) => serde_json::from_value(v).context("the stored mastery rule is unreadable"),
        }
    }

    /// Print a value as pretty JSON.
    pub fn print_json<T: serde::Serialize>(&self, value: &T) -> Result<()> {
        print_json(value)
    }
}

/// Print a value as pretty JSON on stdout. It is rendered first, so that a
/// write error (a full disk, a closed pipe) reaches `exit::finish` as the
/// `io::Error` it is.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    crate::ui::outln!("{text}")
}
