//! What a long-running face (the server) may keep between requests: values
//! computed from the journal at one revision ([`mm_store::Store::revision`]).
//!
//! Every change to the journal moves the revision in its own transaction,
//! whoever makes it, so a request reads the revision first and uses a kept
//! value only when it was computed at that very revision. A value computed
//! after reading revision `r` reflects at least `r`: nothing kept is ever
//! older than the journal it is served for.

use crate::status::Status;
use chrono::NaiveDate;
use mm_core::availability::Availability;
use mm_core::mastery::MasteryRule;
use std::sync::{Arc, Mutex, MutexGuard};

/// Values kept at one journal revision. Share one per journal (`Arc`).
#[derive(Debug, Default)]
pub struct Memo {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    revision: Option<i64>,
    settings: Option<Settings>,
    /// The day due goals were last started on, at this revision.
    activated_on: Option<NaiveDate>,
    /// The status view, for one day in one UTC offset (seconds).
    status: Option<(NaiveDate, i32, Arc<Status>)>,
}

/// The person's stored settings.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub availability: Option<Availability>,
    pub rule: MasteryRule,
}

impl Memo {
    /// An empty memo.
    pub fn new() -> Memo {
        Memo::default()
    }

    /// The state for `revision`, emptied when it was kept for another.
    fn at(&self, revision: i64) -> MutexGuard<'_, State> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.revision != Some(revision) {
            *s = State {
                revision: Some(revision),
                ..State::default()
            };
        }
        s
    }

    pub(crate) fn settings(&self, revision: i64) -> Option<Settings> {
        self.at(revision).settings.clone()
    }

    pub(crate) fn keep_settings(&self, revision: i64, settings: Settings) {
        self.at(revision).settings = Some(settings);
    }

    pub(crate) fn activated(&self, revision: i64, today: NaiveDate) -> bool {
        self.at(revision).activated_on == Some(today)
    }

    pub(crate) fn keep_activated(&self, revision: i64, today: NaiveDate) {
        self.at(revision).activated_on = Some(today);
    }

    pub(crate) fn status(
        &self,
        revision: i64,
        today: NaiveDate,
        offset: i32,
    ) -> Option<Arc<Status>> {
        match &self.at(revision).status {
            Some((d, o, s)) if *d == today && *o == offset => Some(Arc::clone(s)),
            _ => None,
        }
    }

    pub(crate) fn keep_status(
        &self,
        revision: i64,
        today: NaiveDate,
        offset: i32,
        status: Arc<Status>,
    ) {
        self.at(revision).status = Some((today, offset, status));
    }
}
