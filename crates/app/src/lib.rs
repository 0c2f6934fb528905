//! Micromastery's application layer: the workflows and the typed view models
//! that every face calls — the `mm` CLI today, the web app and the team server
//! next. A face parses its input, calls one function here and renders what
//! comes back (a table, a page, `--json`, an HTTP body); it holds no
//! application logic of its own.
//!
//! * [`App`] is an open journal plus the [`Person`] it acts for, resolved once
//!   per command or request (now, time zone, mastery rule).
//! * Every workflow that writes runs in one store transaction.
//! * Every error has an [`ErrorKind`] that maps to an exit code and an HTTP
//!   status; messages carry no command hints (a face adds its own).
//!
//! ```no_run
//! # async fn demo() -> mm_app::Result<()> {
//! let app = mm_app::App::open("sqlite::memory:", mm_app::Clock::from_env()?).await?;
//! let status = mm_app::status::status(&app).await?;
//! assert!(status.open.is_empty());
//! # Ok(()) }
//! ```

pub mod approvals;
pub mod arcs;
pub mod badges;
pub mod catalogue;
pub mod charts;
pub mod coaching;
pub mod commit;
pub mod demo;
pub mod discover;
pub mod edit;
pub mod error;
pub mod goals;
pub mod journal;
pub mod keys;
pub mod market;
pub mod memo;
pub mod person;
pub mod plan;
pub mod portfolio;
pub mod practice;
pub mod profile;
pub mod records;
pub mod refresh;
pub mod review;
pub mod roles;
pub mod settings;
pub mod skills;
pub mod status;
pub mod steps;
pub mod timer;

pub use error::{Error, ErrorBody, ErrorKind, Result};
pub use person::{Clock, Person, Zone};

use memo::{Memo, Settings};
use mm_store::Store;
use std::sync::Arc;

/// An open journal and the person it acts for.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    person: Person,
    /// The memo this request may use.
    memo: Option<Arc<Memo>>,
    /// Goals whose applications count only once approved (team mode).
    approvals: Arc<approvals::Approvals>,
}

impl App {
    /// Open the journal at `url` (a SQLite path or URL, or `postgres://…`),
    /// resolve the person, and start goals whose start date has come.
    ///
    /// # Errors
    /// [`ErrorKind::Unavailable`] when the database cannot be opened.
    pub async fn open(url: &str, clock: Clock) -> Result<App> {
        let store = Store::open(url).await?;
        App::with_store(store, clock).await
    }

    /// Act on an already open store (the server opens one pool and builds an
    /// `App` per request).
    ///
    /// # Errors
    /// When the person's settings cannot be read.
    pub async fn with_store(store: Store, clock: Clock) -> Result<App> {
        let person = Person::resolve(&store, clock).await?;
        store.activate_due_goals(person.today()).await?;
        Ok(App {
            store,
            person,
            memo: None,
            approvals: Arc::default(),
        })
    }

    /// As [`App::with_store`], writing nothing (due goals are not started):
    /// for reading someone else's journal, as a coach's views do.
    ///
    /// # Errors
    /// When the person's settings cannot be read.
    pub async fn reading(store: Store, clock: Clock) -> Result<App> {
        let person = Person::resolve(&store, clock).await?;
        Ok(App {
            store,
            person,
            memo: None,
            approvals: Arc::default(),
        })
    }

    /// As [`App::with_store`], keeping what it can in `memo` between
    /// requests (a server holds one memo per journal): the settings, the
    /// day due goals were started, and the status view, each reused only
    /// at the journal revision it was computed at.
    ///
    /// # Errors
    /// When the journal cannot be read.
    pub async fn with_memo(store: Store, clock: Clock, memo: Arc<Memo>) -> Result<App> {
        let mut revision = store.revision().await?;
        let settings = match memo.settings(revision) {
            Some(s) => s,
            None => {
                let s = Settings {
                    availability: store.availability().await?,
                    rule: store.mastery_rule().await?,
                };
                memo.keep_settings(revision, s.clone());
                s
            }
        };
        let person = Person::from_settings(clock, settings.rule, settings.availability);
        let today = person.today();
        if !memo.activated(revision, today) {
            if store.activate_due_goals(today).await? > 0 {
                revision = store.revision().await?;
            }
            memo.keep_activated(revision, today);
        }
        Ok(App {
            store,
            person,
            memo: Some(memo),
            approvals: Arc::default(),
        })
    }

    /// The memo this request may use. A view read from it must be keyed by
    /// a revision read at that moment: this request may have written since
    /// it opened.
    pub(crate) fn memo(&self) -> Option<&Memo> {
        self.memo.as_deref()
    }

    /// The journal.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The person this command or request acts for.
    pub fn person(&self) -> &Person {
        &self.person
    }

    /// Re-read the person after a workflow changed their settings (the
    /// mastery rule, the profile).
    ///
    /// # Errors
    /// When the settings cannot be read.
    pub async fn refresh_person(&mut self, clock: Clock) -> Result<()> {
        self.person = Person::resolve(&self.store, clock).await?;
        Ok(())
    }
}
