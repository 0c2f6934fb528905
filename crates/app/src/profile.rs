//! The practice profile: when the person can practise (weekly windows in a
//! time zone), how much they want to remember, and their target role.

use crate::{App, Error, Result};
use mm_core::availability::{Availability, parse_timezone, parse_windows};
use mm_core::retention::check_retention;
use serde::Serialize;

/// The profile as shown.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub availability: Option<Availability>,
    pub weekly_minutes_available: Option<u32>,
    pub desired_retention: f64,
    pub fitted_parameters: bool,
    pub target_role: Option<String>,
}

/// Changes to the profile; `None` keeps what is set.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    /// Weekly windows, e.g. "mon-fri 07:00-07:40, sat 10:00-11:30".
    pub availability: Option<String>,
    /// An IANA zone for the windows.
    pub timezone: Option<String>,
    pub retention: Option<f64>,
    /// A job title or an ESCO occupation URI.
    pub target_role: Option<String>,
}

/// The person's profile.
///
/// # Errors
/// When a stored setting is unreadable.
pub async fn show(app: &App) -> Result<Profile> {
    let store = app.store();
    let av = store.availability().await?;
    Ok(Profile {
        weekly_minutes_available: av.as_ref().map(Availability::weekly_minutes),
        availability: av,
        desired_retention: store.desired_retention().await?,
        fitted_parameters: store.fsrs_params().await?.is_some(),
        target_role: store.target_role().await?,
    })
}

/// Change the profile: every part is checked before any is written.
///
/// # Errors
/// Invalid, naming the field, for windows, a zone, a retention or a role
/// that is refused; nothing changes then.
pub async fn set(app: &App, change: &ProfileChange) -> Result<Profile> {
    let store = app.store();
    if change.availability.is_none()
        && change.timezone.is_none()
        && change.retention.is_none()
        && change.target_role.is_none()
    {
        return Err(Error::invalid(
            "nothing to set: give the availability, the time zone, the retention or the target role",
        ));
    }
    if let Some(role) = &change.target_role {
        if role.trim().is_empty() {
            return Err(Error::invalid_field(
                "target_role",
                "the target role is empty: give a job title such as \"data analyst\"",
            ));
        }
        // The role must name an occupation we know (else: the closest titles).
        let tax = mm_taxonomy::Taxonomy::load_embedded()
            .map_err(|e| Error::internal(format!("loading the shipped taxonomy: {e}")))?;
        let idx = mm_taxonomy::occupations::OccupationIndex::new(&tax);
        mm_discover::rank::resolve_role(&tax, &idx, role)
            .map_err(|e| Error::invalid_field("target_role", e.to_string()))?;
    }
    let field = |f: &'static str| move |e: mm_core::Error| Error::invalid_field(f, e.to_string());
    let current = store.availability().await?;
    let tz = change
        .timezone
        .as_deref()
        .map(parse_timezone)
        .transpose()
        .map_err(field("timezone"))?;
    let new_av = match (&change.availability, tz, &current) {
        (Some(w), tz, cur) => Some(Availability {
            windows: parse_windows(w).map_err(field("availability"))?,
            tz: tz.or(cur.as_ref().map(|c| c.tz)).unwrap_or(chrono_tz::UTC),
        }),
        (None, Some(tz), Some(cur)) => Some(Availability {
            windows: cur.windows.clone(),
            tz,
        }),
        (None, Some(_), None) => {
            return Err(Error::invalid_field(
                "availability",
                "set the windows together with the time zone",
            ));
        }
        (None, None, _) => None,
    };
    if let Some(r) = change.retention {
        check_retention(r).map_err(field("retention"))?;
    }
    store
        .set_profile(
            new_av.as_ref(),
            change.retention,
            change.target_role.as_deref(),
        )
        .await?;
    show(app).await
}
