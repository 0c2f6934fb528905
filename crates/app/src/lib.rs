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

pub mod arcs;
pub mod badges;
pub mod catalogue;
pub mod charts;
pub mod commit;
pub mod demo;
pub mod discover;
pub mod edit;
pub mod error;
pub mod goals;
pub mod journal;
pub mod keys;
pub mod market;
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

use mm_store::Store;

/// An open journal and the person it acts for.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    person: Person,
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
        Ok(App { store, person })
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
