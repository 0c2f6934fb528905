//! `mm profile`: when you can practise (weekly windows in your time zone) and
//! how much you want to remember (desired retention for refreshers).

use crate::Global;
use crate::ctx::Ctx;
use crate::ui::outln;
use anyhow::{Context as _, Result};
use chrono_tz::Tz;
use clap::{Args, Subcommand};
use mm_core::availability::{Availability, parse_timezone, parse_windows};
use mm_core::parse::format_minutes;
use mm_core::retention::{DEFAULT_DESIRED_RETENTION, check_retention};
use serde::Serialize;

/// Settings key of the availability (windows and zone).
pub const AVAILABILITY_KEY: &str = "profile.availability";
/// Settings key of the desired retention.
pub const RETENTION_KEY: &str = "retention.desired";
/// Settings key of the person's fitted FSRS parameters.
pub const FSRS_PARAMS_KEY: &str = "retention.fsrs_params";

/// Your practice profile.
#[derive(Debug, Subcommand)]
pub enum ProfileCmd {
    /// Set when you can practise, your time zone, or your desired retention.
    ///
    /// Example: mm profile set --availability "mon-fri 07:00-07:40, sat 10:00-11:30"
    ///          --timezone Europe/Paris
    ///
    /// Windows: days (mon, mon-fri, tue,thu, weekdays, weekends, daily) then
    /// one or more HH:MM-HH:MM ranges; items separated by commas. Windows on
    /// one day must not overlap or cross midnight. Nothing changes when any
    /// part is refused.
    Set(ProfileSet),
    /// Show the profile.
    Show,
}

#[derive(Debug, Args)]
pub struct ProfileSet {
    /// Weekly practice windows, e.g. "mon-fri 07:00-07:40, sat 10:00-11:30".
    #[arg(long)]
    pub availability: Option<String>,
    /// IANA time zone of those windows, e.g. Europe/Paris (default: the one
    /// already set, else UTC).
    #[arg(long, alias = "tz")]
    pub timezone: Option<String>,
    /// Share of refreshers you want to still recall when they fall due,
    /// 0.70-0.99 (default 0.9). Higher means more frequent refreshers.
    #[arg(long)]
    pub retention: Option<f64>,
    /// Your long-term target role, a job title or an ESCO occupation URI
    /// ("data analyst"). `mm discover` and `mm next` use it by default.
    #[arg(long, value_name = "TITLE")]
    pub target_role: Option<String>,
}

#[derive(Debug, Serialize)]
struct Profile {
    availability: Option<Availability>,
    weekly_minutes_available: Option<u32>,
    desired_retention: f64,
    fitted_parameters: bool,
    target_role: Option<String>,
}

/// The person's availability, if set.
pub fn availability(ctx: &Ctx) -> Result<Option<Availability>> {
    match ctx.block(ctx.store.get_setting(AVAILABILITY_KEY))? {
        None => Ok(None),
        Some(v) => Ok(Some(
            serde_json::from_value(v).context("the stored availability is unreadable")?,
        )),
    }
}

/// The availability, or a clear error saying how to set it.
pub fn require_availability(ctx: &Ctx) -> Result<Availability> {
    availability(ctx)?.ok_or_else(|| {
        anyhow::anyhow!(
            "no availability set yet: mm profile set --availability \"mon-fri 07:00-07:40, sat 10:00-11:30\" --timezone Europe/Paris"
        )
    })
}

/// The person's time zone: the profile's, else UTC.
pub fn timezone(ctx: &Ctx) -> Result<Tz> {
    Ok(availability(ctx)?.map_or(chrono_tz::UTC, |a| a.tz))
}

/// The desired retention (default 0.9).
pub fn desired_retention(ctx: &Ctx) -> Result<f64> {
    match ctx.block(ctx.store.get_setting(RETENTION_KEY))? {
        None => Ok(DEFAULT_DESIRED_RETENTION),
        Some(v) => v
            .as_f64()
            .context("the stored desired retention is not a number"),
    }
}

/// The fitted FSRS parameters, if `mm refresh optimise` saved some.
pub fn fsrs_params(ctx: &Ctx) -> Result<Option<Vec<f32>>> {
    match ctx.block(ctx.store.get_setting(FSRS_PARAMS_KEY))? {
        None => Ok(None),
        Some(v) => Ok(Some(
            serde_json::from_value(v).context("the stored FSRS parameters are unreadable")?,
        )),
    }
}

pub fn run(cmd: ProfileCmd, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    match cmd {
        ProfileCmd::Set(a) => {
            if a.availability.is_none()
                && a.timezone.is_none()
                && a.retention.is_none()
                && a.target_role.is_none()
            {
                anyhow::bail!(
                    "nothing to set: give --availability, --timezone, --retention and/or --target-role"
                );
            }
            // The role must name an occupation we know (else: the closest titles).
            if let Some(role) = &a.target_role {
                let tax = mm_taxonomy::Taxonomy::load_embedded()
                    .context("loading the shipped taxonomy")?;
                let idx = mm_taxonomy::occupations::OccupationIndex::new(&tax);
                super::discover::pick_role(&ctx, &tax, &idx, Some(role), None)?;
            }
            // Validate everything before writing anything.
            let current = availability(&ctx)?;
            let tz = match &a.timezone {
                Some(t) => Some(parse_timezone(t)?),
                None => None,
            };
            let new_av = match (&a.availability, tz, &current) {
                (Some(w), tz, cur) => Some(Availability {
                    windows: parse_windows(w)?,
                    tz: tz.or(cur.as_ref().map(|c| c.tz)).unwrap_or(chrono_tz::UTC),
                }),
                (None, Some(tz), Some(cur)) => Some(Availability {
                    windows: cur.windows.clone(),
                    tz,
                }),
                (None, Some(_), None) => anyhow::bail!(
                    "set the windows together with the time zone: --availability \"mon-fri 07:00-07:40\""
                ),
                (None, None, _) => None,
            };
            if let Some(r) = a.retention {
                check_retention(r)?;
            }
            if let Some(av) = &new_av {
                ctx.block(
                    ctx.store
                        .set_setting(AVAILABILITY_KEY, &serde_json::to_value(av)?),
                )?;
            }
            if let Some(r) = a.retention {
                ctx.block(ctx.store.set_setting(RETENTION_KEY, &serde_json::json!(r)))?;
            }
            if let Some(role) = &a.target_role {
                ctx.block(ctx.store.set_setting(
                    super::discover::TARGET_ROLE_KEY,
                    &serde_json::json!(role.trim()),
                ))?;
            }
            show(&ctx)
        }
        ProfileCmd::Show => show(&ctx),
    }
}

fn show(ctx: &Ctx) -> Result<()> {
    let av = availability(ctx)?;
    let p = Profile {
        weekly_minutes_available: av.as_ref().map(Availability::weekly_minutes),
        availability: av,
        desired_retention: desired_retention(ctx)?,
        fitted_parameters: fsrs_params(ctx)?.is_some(),
        target_role: match ctx.block(ctx.store.get_setting(super::discover::TARGET_ROLE_KEY))? {
            Some(serde_json::Value::String(s)) => Some(s),
            _ => None,
        },
    };
    if ctx.json {
        return ctx.print_json(&p);
    }
    match &p.availability {
        Some(a) => outln!(
            "Availability: {} ({}; {} a week)",
            a.describe(),
            a.tz.name(),
            format_minutes(a.weekly_minutes())
        )?,
        None => outln!(
            "Availability: not set (mm profile set --availability \"mon-fri 07:00-07:40\" --timezone Europe/Paris)"
        )?,
    }
    match &p.target_role {
        Some(r) => outln!("Target role: {r}")?,
        None => outln!("Target role: not set (mm profile set --target-role \"data analyst\")")?,
    }
    outln!(
        "Desired retention: {:.2}{}",
        p.desired_retention,
        if p.fitted_parameters {
            " (with your own fitted FSRS parameters)"
        } else {
            " (FSRS-6 default parameters)"
        }
    )?;
    Ok(())
}
