//! The whole journal as one versioned document: export, and import into a
//! fresh database (checked whole first, then written all or nothing).

use crate::{App, Clock, Result};
use mm_core::journal::Journal;
use mm_store::ImportCounts;

/// The journal as it stands now.
///
/// # Errors
/// When the journal cannot be read.
pub async fn export(app: &App) -> Result<Journal> {
    Ok(app.store().export(app.person().now).await?)
}

/// Check a journal completely, before any database is opened: a refused
/// journal leaves nothing behind, not even a new empty database.
///
/// # Errors
/// Invalid, naming the record at fault.
pub fn check(journal: &Journal, clock: Clock) -> Result<()> {
    let (_, offset) = clock.read();
    Ok(mm_core::validate::journal(journal, offset)?)
}

/// Load a checked journal into the (fresh) journal of `app`, in one
/// transaction.
///
/// # Errors
/// Conflict when the journal is not empty; invalid for a record refused.
pub async fn import(app: &App, journal: &Journal) -> Result<ImportCounts> {
    Ok(app.store().import(journal).await?)
}
