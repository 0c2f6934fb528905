//! `mm profile`: when you can practise (weekly windows in your time zone) and
//! how much you want to remember (desired retention for refreshers).

use crate::Global;
use crate::ctx::Ctx;
use crate::exit;
use crate::ui::outln;
use anyhow::Result;
use clap::{Args, Subcommand};
use mm_app::profile::{Profile, ProfileChange};
use mm_core::parse::format_minutes;

/// Your practice profile.
#[derive(Debug, Subcommand)]
pub enum ProfileCmd {
    /// Set when you can practise, your time zone, your desired retention,
    /// your target role, your country or your stack.
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
    /// The country you work in, as an ISO code (GB, US, DE): `mm discover`
    /// leaves out steps written for another country's law or standards.
    #[arg(long, value_name = "CODE")]
    pub country: Option<String>,
    /// The languages or platforms you work in, comma-separated (the
    /// catalogue has steps for python, javascript, java, dotnet, php, r and
    /// cpp): `mm discover` leaves out other stacks' steps. `--stack ""`
    /// clears it.
    #[arg(long, value_name = "NAME", value_delimiter = ',', num_args = 0..)]
    pub stack: Option<Vec<String>>,
}

pub fn run(cmd: ProfileCmd, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let p = match cmd {
        ProfileCmd::Set(a) => {
            if a.availability.is_none()
                && a.timezone.is_none()
                && a.retention.is_none()
                && a.target_role.is_none()
                && a.country.is_none()
                && a.stack.is_none()
            {
                anyhow::bail!(
                    "nothing to set: give --availability, --timezone, --retention, --target-role, --country and/or --stack"
                );
            }
            let change = ProfileChange {
                availability: a.availability,
                timezone: a.timezone,
                retention: a.retention,
                target_role: a.target_role,
                country: a.country,
                stacks: a.stack,
            };
            ctx.block(mm_app::profile::set(&ctx.app, &change))
                .map_err(|e| match (e.field(), change.availability.is_none()) {
                    (Some("availability"), true) => {
                        exit::hinted(e, "--availability \"mon-fri 07:00-07:40\"")
                    }
                    _ => e.into(),
                })?
        }
        ProfileCmd::Show => ctx.block(mm_app::profile::show(&ctx.app))?,
    };
    show(&ctx, &p)
}

fn show(ctx: &Ctx, p: &Profile) -> Result<()> {
    if ctx.json {
        return ctx.print_json(p);
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
    match &p.country {
        Some(c) => outln!("Country: {c}")?,
        None => outln!("Country: not set (mm profile set --country GB)")?,
    }
    if p.stacks.is_empty() {
        outln!("Stack: not set (mm profile set --stack python)")?;
    } else {
        outln!("Stack: {}", p.stacks.join(", "))?;
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
