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
    /// The country the person works in (ISO alpha-2): `mm discover` keeps
    /// to the catalogue entries that hold there.
    pub country: Option<String>,
    /// The languages or platforms the person works in (`python`).
    pub stacks: Vec<String>,
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
    /// A two-letter ISO country code, any case (`gb`).
    pub country: Option<String>,
    /// Stack names (`python`, `dotnet`); an empty list clears them.
    pub stacks: Option<Vec<String>>,
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
        country: store.country().await?,
        stacks: store.stacks().await?,
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
        && change.country.is_none()
        && change.stacks.is_none()
    {
        return Err(Error::invalid(
            "nothing to set: give the availability, the time zone, the retention, the target role, the country or the stack",
        ));
    }
    let country = change.country.as_deref().map(country_code).transpose()?;
    let stacks = change.stacks.as_deref().map(stack_names).transpose()?;
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
            &mm_store::Focus {
                country: country.as_deref(),
                stacks: stacks.as_deref(),
            },
        )
        .await?;
    show(app).await
}

/// A country as the profile keeps it: two letters, in capitals.
///
/// # Errors
/// Invalid (field `country`) for anything but two ASCII letters.
pub fn country_code(s: &str) -> Result<String> {
    let c = s.trim().to_ascii_uppercase();
    if mm_core::validate::is_country(&c) {
        Ok(c)
    } else {
        Err(Error::invalid_field(
            "country",
            format!(
                "{s:?} is not a two-letter ISO 3166-1 country code: give one such as GB, US or DE"
            ),
        ))
    }
}

/// Stack names as the profile keeps them: lower case, trimmed, each once,
/// split on commas as well (`python, sql`).
///
/// # Errors
/// Invalid (field `stack`) for a name that is not a simple lower-case word.
pub fn stack_names(list: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for s in list.iter().flat_map(|s| s.split(',')) {
        let s = s.trim().to_ascii_lowercase();
        if s.is_empty() {
            continue;
        }
        if !mm_core::validate::is_stack_name(&s) {
            return Err(Error::invalid_field(
                "stack",
                format!(
                    "{s:?} is not a stack name: give a language or platform such as python, javascript, java or dotnet"
                ),
            ));
        }
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}
