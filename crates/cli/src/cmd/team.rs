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
    /// Make a master key: 32 random bytes (base64) that seal the organisations'
    /// badge-issuer keys at rest.
    ///
    /// Written to a new file readable only by you (never over an existing one),
    /// or printed. Give it to the servers with `--master-key-file`,
    /// `MM_TEAM_KEY_FILE` or `MM_TEAM_KEY`; the database never sees it. For
    /// example: `mm team new-key --out /etc/micromastery/team.key`
    NewKey(NewKeyArgs),
    /// Rotate the master key: seal every organisation's issuer keys again under
    /// a new one, as the database's owner.
    ///
    /// One transaction per organisation; keys already under the new master key
    /// are left alone, so a run that stopped half-way is finished by running it
    /// again. Then restart the servers with the new key: until then they refuse
    /// to sign for the organisations resealed (saying so) and still publish
    /// every public document. For example:
    /// `mm team new-key --out new.key && mm team reseal --db postgres://postgres@db/learn
    /// --old-key-file team.key --new-key-file new.key`
    Reseal(ResealArgs),
}

#[derive(Debug, Args)]
pub struct NewKeyArgs {
    /// The file to create (mode 0600); without it, the key is printed.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct ResealArgs {
    /// The file holding the master key the issuer keys are sealed with now.
    #[arg(long, value_name = "FILE")]
    pub old_key_file: std::path::PathBuf,
    /// The file holding the master key to seal them with (`mm team new-key`).
    #[arg(long, value_name = "FILE")]
    pub new_key_file: std::path::PathBuf,
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

/// A new master key written to `out` (created, mode 0600), or printed.
fn new_key(a: &NewKeyArgs, g: &Global) -> Result<()> {
    let (key, text) = mm_team::MasterKey::generate();
    match &a.out {
        Some(path) => {
            use std::io::Write as _;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt as _;
                opts.mode(0o600);
            }
            let mut f = opts.open(path).with_context(|| {
                format!(
                    "creating {} (an existing file is never overwritten)",
                    path.display()
                )
            })?;
            writeln!(f, "{text}").with_context(|| format!("writing {}", path.display()))?;
            f.sync_all()
                .with_context(|| format!("writing {}", path.display()))?;
            if g.json {
                outln!("{}", serde_json::json!({ "file": path, "id": key.id() }))?;
            } else {
                outln!(
                    "Wrote master key {} to {} (readable only by you). Keep a copy somewhere safe: \
                     without it the issuer keys it seals cannot be used.",
                    key.id(),
                    path.display()
                )?;
            }
        }
        None if g.json => outln!("{}", serde_json::json!({ "key": text, "id": key.id() }))?,
        None => outln!("{text}")?,
    }
    Ok(())
}

pub fn run(c: TeamCmd, g: &Global) -> Result<()> {
    if let TeamCmd::NewKey(a) = &c {
        return new_key(a, g);
    }
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
        TeamCmd::Reseal(a) => {
            let old = mm_team::MasterKey::read_file(&a.old_key_file)?;
            let new = mm_team::MasterKey::read_file(&a.new_key_file)?;
            let done = rt.block_on(mm_team::reseal(&url, &old, &new))?;
            if g.json {
                outln!(
                    "{}",
                    serde_json::json!({ "from": old.id(), "to": new.id(), "resealed": done })
                )?;
            } else {
                outln!(
                    "Sealed {} issuer key generation(s) of {} organisation(s) under master key {} \
                     ({} already were). Restart the servers with the new key.",
                    done.resealed,
                    done.organisations,
                    new.id(),
                    done.already
                )?;
            }
            Ok(())
        }
        TeamCmd::NewKey(a) => new_key(&a, g),
    }
}
