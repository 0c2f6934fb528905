//! `mm serve`: the web app over the same journal, in a browser.
//!
//! Binds loopback by default and prints the URL to open (with its secret
//! token); Ctrl-C or SIGTERM stops it after the requests in flight.

use crate::Global;
use crate::ui::outln;
use anyhow::{Context as _, Result, bail};
use clap::Args;
use std::net::SocketAddr;

/// Serve the web app: dashboard, goal pages, badges, badge verification and the /api/v1 JSON API.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8765", value_name = "IP:PORT")]
    pub addr: SocketAddr,
    /// Where the badge issuer's keys live [default: $XDG_CONFIG_HOME/micromastery/issuer].
    #[arg(long, env = "MM_ISSUER_DIR", value_name = "DIR")]
    pub issuer_dir: Option<std::path::PathBuf>,
    /// Allow an address other than loopback. Anyone who can reach it and has
    /// the printed URL can read and change your journal; traffic is not
    /// encrypted. Prefer the team server for sharing.
    #[arg(long)]
    pub allow_non_loopback: bool,
    /// Team mode: serve the organisations in a PostgreSQL database (see `mm
    /// team`) to many people at once. Holds no state of its own, so several
    /// instances can share one database behind a load balancer. Connect
    /// (--db) as the role `mm team migrate` granted, never as the owner.
    #[arg(long, conflicts_with = "issuer_dir")]
    pub team: bool,
    /// Team mode: the address browsers reach this server at (e.g.
    /// https://learn.example.org), for invitation links, the Origin check and
    /// Secure cookies. Repeat for several. Default: the request's Host, http.
    #[arg(long, value_name = "URL", requires = "team")]
    pub public_url: Vec<String>,
    /// Team mode: the most database connections this instance opens.
    #[arg(long, default_value_t = 16, value_name = "N", requires = "team")]
    pub max_connections: u32,
    /// Team mode: the file holding the master key that seals every
    /// organisation's badge signing keys (32 random bytes, base64 or hex:
    /// `openssl rand -base64 32`). Default: `MM_TEAM_KEY` (the key itself) or
    /// `MM_TEAM_KEY_FILE`. Without one the server starts, but no
    /// organisation can create its issuer or sign badges.
    #[arg(long, value_name = "FILE", requires = "team")]
    pub master_key_file: Option<std::path::PathBuf>,
    /// Team mode, while rotating the master key: the file holding the key
    /// being replaced. The server still opens what it sealed (and seals
    /// with the new one only), so signing never stops: start every server
    /// with both, run `mm team reseal`, then restart them without this.
    #[arg(long, value_name = "FILE", requires = "team")]
    pub previous_master_key_file: Option<std::path::PathBuf>,
}

pub fn run(a: ServeArgs, g: &Global) -> Result<()> {
    if a.team {
        return run_team(a, g);
    }
    if !a.addr.ip().is_loopback() && !a.allow_non_loopback {
        bail!(
            "{} is not a loopback address; the web app binds 127.0.0.1 unless you add --allow-non-loopback",
            a.addr
        );
    }
    let url = crate::ctx::database_url(g)?;
    let keys = super::badge::key_store(a.issuer_dir.as_deref())?;
    let clock = mm_app::Clock::from_env()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async {
        let store = mm_store::Store::open(&url).await?;
        let listener = tokio::net::TcpListener::bind(a.addr)
            .await
            .with_context(|| format!("cannot listen on {}", a.addr))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let state = mm_server::AppState::with_keys(store.clone(), clock, addr, Some(keys));
        if !addr.ip().is_loopback() {
            eprintln!(
                "mm: warning: serving on {addr}, reachable from other machines, without encryption; \
                 anyone with the URL below can read and change your journal"
            );
        }
        outln!("Micromastery is serving {} on http://{addr}/", store.location())?;
        outln!("Open this URL in your browser (it signs you in; keep it private):")?;
        outln!("  {}", state.launch_url())?;
        outln!("Anyone can verify a badge at http://{addr}/verify. Stop with Ctrl-C.")?;
        mm_server::serve(listener, state, shutdown_signal())
            .await
            .context("serving")?;
        outln!("Stopped.")?;
        Ok(())
    })
}

fn run_team(a: ServeArgs, g: &Global) -> Result<()> {
    let url = match &g.db {
        Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => u.clone(),
        _ => bail!(
            "team mode runs on PostgreSQL: pass --db postgres://… (the role `mm team migrate` granted)"
        ),
    };
    for u in &a.public_url {
        if !(u.starts_with("https://") || u.starts_with("http://")) {
            bail!("--public-url {u:?} is not an http:// or https:// URL");
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // Read before anything starts: a key that is set but unusable stops here.
    let master = match &a.master_key_file {
        Some(f) => Some(mm_team::MasterKey::read_file(f)?),
        None => mm_team::MasterKey::from_env()?,
    };
    let previous = match &a.previous_master_key_file {
        Some(_) if master.is_none() => bail!(
            "--previous-master-key-file is the key being replaced: give the new one too              (--master-key-file, {} or {})",
            mm_team::MASTER_KEY_ENV,
            mm_team::MASTER_KEY_FILE_ENV
        ),
        Some(f) => Some(mm_team::MasterKey::read_file(f)?),
        None => None,
    };
    if let (Some(m), Some(p)) = (&master, &previous)
        && m.id() == p.id()
    {
        bail!(
            "--previous-master-key-file holds the same key as the current one: give the key being replaced"
        );
    }
    rt.block_on(async {
        let mut team = mm_team::TeamStore::connect_with(&url, a.max_connections).await?;
        let master_id = master.as_ref().map(|k| k.id().to_owned());
        if let Some(k) = master {
            team = team.with_master_key(k);
        }
        let previous_id = previous.as_ref().map(|k| k.id().to_owned());
        if let Some(k) = previous {
            team = team.with_previous_master_key(k);
        }
        // Every person's journal, in the same database, as the same role.
        let journals = mm_store::Store::open_existing(&url).await?;
        let clock = mm_app::Clock::from_env()?;
        let listener = tokio::net::TcpListener::bind(a.addr)
            .await
            .with_context(|| format!("cannot listen on {}", a.addr))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        if a.public_url.is_empty() && !addr.ip().is_loopback() {
            eprintln!(
                "mm: warning: serving on {addr} without --public-url: invitation links and the Origin \
                 check follow each request's Host header, and cookies are not marked Secure; pass \
                 --public-url https://… (the address behind your TLS proxy)"
            );
        }
        let state =
            mm_server::team::TeamState::with_journals(team.clone(), journals, clock, &a.public_url);
        outln!("Micromastery team server on http://{addr}/ over {}", team.location())?;
        match a.public_url.first() {
            Some(u) => outln!("Browsers reach it at {u}; people sign in at {u}/o/<organisation>.")?,
            None => outln!("People sign in at http://{addr}/o/<organisation>. Put TLS in front (a reverse proxy) before real use.")?,
        }
        match &master_id {
            Some(id) => outln!("Badges: each organisation signs with its own keys, sealed with master key {id}.")?,
            None => eprintln!(
                "mm: warning: no master key (--master-key-file, {} or {}): organisations cannot \
                 create their badge issuer or sign badges on this server until it starts with one",
                mm_team::MASTER_KEY_ENV,
                mm_team::MASTER_KEY_FILE_ENV
            ),
        }
        if let Some(id) = &previous_id {
            outln!("Rotation under way: also opening what master key {id} sealed; after `mm team reseal`, restart without --previous-master-key-file.")?;
        }
        outln!("Health check: /healthz. Stop with Ctrl-C or SIGTERM (requests in flight finish).")?;
        mm_server::team::serve(listener, state, shutdown_signal())
            .await
            .context("serving")?;
        team.close().await;
        outln!("Stopped.")?;
        Ok(())
    })
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
