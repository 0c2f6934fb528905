//! `mm team`: set up the team server's database and its organisations.
//! (`mm serve --team` serves them.)

use crate::Global;
use crate::ui::outln;
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use std::io::BufRead as _;

/// Set up the team server (`mm serve --team`): its tables and organisations.
#[derive(Debug, Subcommand)]
pub enum TeamCmd {
    /// Create or upgrade the team and journal tables, as the database's owner, and grant
    /// the server's role (created when missing) what it needs and no more.
    ///
    /// Run it once per release with the owner's URL; the servers then connect
    /// as the granted role, which owns nothing, so PostgreSQL's row-level
    /// security holds even where a query forgets its organisation (it does
    /// not stop code running as that role from naming another). For example:
    /// `mm team migrate --db postgres://postgres@db/learn --app-role mm_app`
    Migrate(MigrateArgs),
    /// Create an organisation and its first admin (who then invites the rest).
    ///
    /// The password is read from the first line of standard input, so it never
    /// appears in the shell's history or the process list. For example:
    /// `printf '%s\n' "$PW" | mm team create-org --db postgres://mm_app@db/learn
    /// --slug acme --name "Acme Ltd" --admin-email ada@acme.example --admin-name Ada`
    CreateOrg(CreateOrgArgs),
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The role the servers connect as (created, able to log in, when missing).
    #[arg(long, default_value = "mm_app", value_name = "ROLE")]
    pub app_role: String,
}

#[derive(Debug, Args)]
pub struct CreateOrgArgs {
    /// The organisation's short name in URLs: sign-in is at /o/SLUG.
    #[arg(long)]
    pub slug: String,
    /// Its name.
    #[arg(long)]
    pub name: String,
    /// The first admin's email.
    #[arg(long, value_name = "EMAIL")]
    pub admin_email: String,
    /// The first admin's name.
    #[arg(long, value_name = "NAME")]
    pub admin_name: String,
}

fn team_url(g: &Global) -> Result<String> {
    match &g.db {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(url.clone())
        }
        _ => bail!(
            "the team server runs on PostgreSQL: pass --db postgres://… (or set MM_DATABASE_URL)"
        ),
    }
}

pub fn run(c: TeamCmd, g: &Global) -> Result<()> {
    let url = team_url(g)?;
    let rt = crate::ctx::runtime()?;
    match c {
        TeamCmd::Migrate(a) => {
            rt.block_on(async {
                // The journal's tables first, so the grants below cover them too.
                mm_store::Store::migrate(&url).await?;
                mm_team::migrate(&url, &a.app_role).await?;
                anyhow::Ok(())
            })?;
            if g.json {
                outln!(
                    "{}",
                    serde_json::json!({ "migrated": true, "app_role": a.app_role })
                )?;
            } else {
                outln!(
                    "The team tables are ready. Connect the servers as {}:",
                    a.app_role
                )?;
                outln!(
                    "  mm serve --team --db {}",
                    mm_team::with_user(&url, &a.app_role)
                )?;
            }
            Ok(())
        }
        TeamCmd::CreateOrg(a) => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("reading the admin's password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']).to_owned();
            if password.is_empty() {
                return Err(mm_team::Error::invalid(
                    "password",
                    "give the admin's password on standard input (printf '%s\\n' \"$PW\" | mm team create-org …)"
                )
                .into());
            }
            let (org, admin) = rt.block_on(async {
                let team = mm_team::TeamStore::connect(&url).await?;
                team.create_organisation(mm_team::NewOrganisation {
                    slug: a.slug,
                    name: a.name,
                    admin_email: a.admin_email,
                    admin_name: a.admin_name,
                    admin_password: password,
                })
                .await
            })?;
            if g.json {
                outln!(
                    "{}",
                    serde_json::json!({ "organisation": org, "admin": admin })
                )?;
            } else {
                outln!(
                    "Created {} ({}). {} signs in at /o/{}.",
                    org.name,
                    org.slug,
                    admin.email,
                    org.slug
                )?;
            }
            Ok(())
        }
    }
}
