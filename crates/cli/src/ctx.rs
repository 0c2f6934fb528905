//! What a command that reads or writes the journal works with: the
//! application ([`mm_app::App`]: the store and the person, resolved once),
//! a runtime to drive it, and how to print.

use crate::Global;
use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use mm_app::{App, Clock, Person};
use mm_store::Store;
use std::future::Future;

/// An open journal plus the person context, read once per command.
#[derive(Debug)]
pub struct Ctx {
    pub app: App,
    /// The application's store (the same pool as `app.store()`).
    pub store: Store,
    /// This command's "now" (`MM_NOW` or the clock).
    pub now: DateTime<Utc>,
    /// The person's UTC offset now.
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

/// "Now" for a command that opens no journal: `MM_NOW` or the clock.
pub fn clock() -> Result<(DateTime<Utc>, FixedOffset)> {
    Ok(Clock::from_env()?.read())
}

/// A runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

impl Ctx {
    /// Open the journal for a command.
    pub fn open(g: &Global) -> Result<Ctx> {
        let rt = runtime()?;
        let url = database_url(g)?;
        let app = rt.block_on(App::open(&url, Clock::from_env()?))?;
        Ok(Ctx {
            store: app.store().clone(),
            now: app.person().now,
            offset: app.person().offset,
            app,
            json: g.json,
            rt,
        })
    }

    /// Run an async call (a store or application function) to completion.
    pub fn block<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// The person this command acts for.
    pub fn person(&self) -> &Person {
        self.app.person()
    }

    /// Today's date in the person's time zone.
    pub fn today(&self) -> NaiveDate {
        self.person().today()
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
