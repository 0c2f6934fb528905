//! `mm-team-load`: the team server's scale and fault bench (issue 15, part 9).
//!
//! On loopback, bounded in time, against real processes:
//! 1. **Seed** (once; kept in `--work` and reused): a fresh PostgreSQL
//!    database, `mm team migrate`, an organisation, 20 coaches and 1,000
//!    learners who join by invitation link (argon2id, as people do), 20
//!    cohorts given one programme, so every learner has a goal in their
//!    journal on the server, and 200 practice sessions per learner, all
//!    through the servers' own API.
//! 2. **Steady**: two `mm serve --team` instances on the one database; one
//!    thread per virtual user, half on each instance, sends a mix of
//!    learners' reads and writes and coaches' views for `--duration`
//!    seconds. Requests/s and p50/p99 per route.
//! 3. **Faults**: the same load; a quarter of the way in, one instance is
//!    killed (SIGKILL) and its users move to the other (as a load balancer
//!    would); half-way, PostgreSQL restarts. Per second: answers and
//!    failures; at the end, every write the servers acknowledged (201) must
//!    be in the database.
//!
//! Run it on a release build, from the workspace root:
//! `cargo build --release --bin mm && cargo run --release -p mm-loadtest -- --mm target/release/mm`
//! (`--help` lists the knobs; results go to `--work` as `results.json`).

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use serde_json::{Value, json};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Seed a team server, load two instances, kill one and restart PostgreSQL
/// mid-load, and check that no acknowledged write was lost.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// The `mm` binary the instances run (a release build).
    #[arg(long, default_value = "target/release/mm")]
    mm: PathBuf,
    /// PostgreSQL as a role that may create databases, without a database
    /// name.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    owner: String,
    /// The database to create and load (never an existing one of yours:
    /// `--fresh` drops it).
    #[arg(long, default_value = "mm_load")]
    db_name: String,
    /// The role the servers connect as (`mm team migrate` creates it).
    #[arg(long, default_value = "mm_load_app")]
    app_role: String,
    /// Learners to seed.
    #[arg(long, default_value_t = 1000)]
    learners: usize,
    /// Practice sessions per learner to seed.
    #[arg(long, default_value_t = 200)]
    sessions: usize,
    /// Of each learner's sessions, how many go through the servers' API
    /// (oldest first); the rest are copies of their first one, later in
    /// the day, written by the owner in one SQL statement (the API takes
    /// about 20 minutes for 200,000 on two cores).
    #[arg(long, default_value_t = 1)]
    api_sessions: usize,
    /// Cohorts (each with its own coach) the learners are spread over.
    #[arg(long, default_value_t = 20)]
    cohorts: usize,
    /// Seconds each load phase lasts.
    #[arg(long, default_value_t = 60)]
    duration: u64,
    /// Virtual users: threads, each with its own keep-alive connection,
    /// sending one request after another.
    #[arg(long, default_value_t = 32)]
    users: usize,
    /// The first instance's port; the second listens on the next one.
    #[arg(long, default_value_t = 18081)]
    port: u16,
    /// Database connections per instance (`mm serve --max-connections`).
    #[arg(long)]
    max_connections: Option<u32>,
    /// Where the instances' logs, the seed's tokens and `results.json` go.
    #[arg(long, default_value = "target/team-load")]
    work: PathBuf,
    /// Drop the database and seed again even when a seed is there.
    #[arg(long)]
    fresh: bool,
    /// Which load phases to run.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "steady,faults"
    )]
    phases: Vec<Phase>,
    /// The shell command that restarts PostgreSQL in the fault phase
    /// (default: `pg_ctlcluster` on this machine's one cluster).
    #[arg(long)]
    pg_restart: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Phase {
    Steady,
    Faults,
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("mm-team-load: {e:#}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<()> {
    if !args.mm.is_file() {
        bail!(
            "no mm binary at {} (build one: cargo build --release --bin mm)",
            args.mm.display()
        );
    }
    if args.learners == 0 || args.cohorts == 0 || args.users == 0 {
        bail!("--learners, --cohorts and --users must be at least 1");
    }
    std::fs::create_dir_all(&args.work)
        .with_context(|| format!("creating {}", args.work.display()))?;
    let seed_file = args.work.join("seed.json");
    let app_url = format!(
        "{}/{}",
        with_user(&args.owner, &args.app_role).trim_end_matches('/'),
        args.db_name
    );
    let owner_db = format!("{}/{}", args.owner.trim_end_matches('/'), args.db_name);
    let wanted = json!({ "learners": args.learners, "sessions": args.sessions, "api_sessions": args.api_sessions,
                         "cohorts": args.cohorts, "db": args.db_name });
    let mut seed = match std::fs::read_to_string(&seed_file) {
        Ok(text) if !args.fresh => {
            let s: Value = serde_json::from_str(&text).context("reading seed.json")?;
            (s["config"] == wanted).then_some(s)
        }
        _ => None,
    };
    if seed.is_none() {
        fresh_database(args, &owner_db, &app_url)?;
    } else {
        // A seed made by an earlier build: bring its schema to this one's
        // (the servers refuse an older one).
        migrate(args, &owner_db)?;
    }
    let mut servers = Servers::start(args, &app_url)?;
    if let Some(s) = &seed {
        // A seed from an earlier run: still there?
        let agent = agent();
        let base = servers.base(0);
        let token = s["admin"].as_str().unwrap_or_default();
        if !matches!(
            get(&agent, &format!("{base}/api/v1/team/me"), token),
            Reply::Status(200, _)
        ) {
            println!("the kept seed no longer signs in: seeding again");
            servers.stop();
            fresh_database(args, &owner_db, &app_url)?;
            servers = Servers::start(args, &app_url)?;
            seed = None;
        }
    }
    let seed = match seed {
        Some(s) => {
            println!(
                "seed: reusing {} (--fresh seeds again)",
                seed_file.display()
            );
            serde_json::from_value(s.clone()).context("reading seed.json")?
        }
        None => {
            let s = seed_all(args, &servers, &owner_db)?;
            let mut j = serde_json::to_value(&s)?;
            j["config"] = wanted;
            std::fs::write(&seed_file, serde_json::to_string(&j)?)?;
            s
        }
    };
    let mut results = json!({ "seeded": {
        "learners": seed.learners.len(), "coaches": seed.coaches.len(),
        "cohorts": args.cohorts, "sessions_per_learner": args.sessions,
        "sessions_in_database": count_sessions(&owner_db)?,
    }});
    let mut acked: Vec<i64> = Vec::new();
    for phase in &args.phases {
        if servers.children.iter().any(|c| c.is_none()) {
            servers.stop();
            servers = Servers::start(args, &app_url)?;
        }
        let report = load(args, &seed, &mut servers, *phase)?;
        acked.extend(&report.acked);
        results[match phase {
            Phase::Steady => "steady",
            Phase::Faults => "faults",
        }] = report.json;
    }
    servers.stop();
    if !acked.is_empty() {
        let (found, total) = verify(&owner_db, &acked)?;
        println!(
            "\nacknowledged writes (201) during load: {total}; in the database now: {found}{}",
            if found == total {
                " (none lost)"
            } else {
                " (LOST WRITES)"
            }
        );
        results["acknowledged_writes"] = json!({ "acknowledged": total, "found": found });
        if found != total {
            std::fs::write(
                args.work.join("results.json"),
                serde_json::to_string_pretty(&results)?,
            )?;
            bail!(
                "{} acknowledged writes are not in the database",
                total - found
            );
        }
    }
    let out = args.work.join("results.json");
    std::fs::write(&out, serde_json::to_string_pretty(&results)?)?;
    println!("results: {}", out.display());
    Ok(())
}

// ---------------------------------------------------------------------------
// PostgreSQL and the server processes

/// `url` signing in as `user` (no password: trust or peer authentication,
/// or `~/.pgpass`).
fn with_user(url: &str, user: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_owned(),
    }
}

fn psql(url: &str, sql: &str) -> Result<String> {
    let mut child = Command::new("psql")
        .args([
            "-X",
            "-q",
            "-t",
            "-A",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-f",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running psql (PostgreSQL's client)")?;
    child
        .stdin
        .take()
        .context("psql's standard input")?
        .write_all(sql.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("psql: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn mm(args: &Args, cmd: &[&str], stdin: &str) -> Result<()> {
    let mut child = Command::new(&args.mm)
        .args(cmd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("running {}", args.mm.display()))?;
    child
        .stdin
        .take()
        .context("mm's standard input")?
        .write_all(stdin.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!(
            "mm {}: {}",
            cmd.first().copied().unwrap_or_default(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// `mm team migrate` on the load database, as its owner (idempotent).
fn migrate(args: &Args, owner_db: &str) -> Result<()> {
    mm(
        args,
        &[
            "team",
            "migrate",
            "--db",
            owner_db,
            "--app-role",
            &args.app_role,
        ],
        "",
    )
}

const ADMIN_PASSWORD: &str = "load test admin password";
const PASSWORD: &str = "load test member password";

fn fresh_database(args: &Args, owner_db: &str, app_url: &str) -> Result<()> {
    if !args
        .db_name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        bail!("--db-name must be lower-case letters, digits and _");
    }
    println!("database: {} (dropped and created)", args.db_name);
    let admin = format!("{}/postgres", args.owner.trim_end_matches('/'));
    psql(
        &admin,
        &format!(
            "DROP DATABASE IF EXISTS {0} WITH (FORCE);\nCREATE DATABASE {0};",
            args.db_name
        ),
    )?;
    migrate(args, owner_db)?;
    mm(
        args,
        &[
            "team",
            "create-org",
            "--db",
            app_url,
            "--slug",
            "load",
            "--name",
            "Load Test Ltd",
            "--admin-email",
            "admin@load.example",
            "--admin-name",
            "Ada Admin",
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    )
}

/// The two instances.
#[derive(Debug)]
struct Servers {
    children: Vec<Option<Child>>,
    ports: Vec<u16>,
}

impl Servers {
    fn start(args: &Args, app_url: &str) -> Result<Self> {
        let mut s = Servers {
            children: Vec::new(),
            ports: vec![args.port, args.port + 1],
        };
        for (i, port) in s.ports.clone().into_iter().enumerate() {
            let log = std::fs::File::create(args.work.join(format!("instance-{}.log", i + 1)))?;
            let addr = format!("127.0.0.1:{port}");
            let mut cmd = Command::new(&args.mm);
            cmd.args(["serve", "--team", "--db", app_url, "--addr", &addr]);
            if let Some(n) = args.max_connections {
                cmd.args(["--max-connections", &n.to_string()]);
            }
            let child = cmd
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()
                .with_context(|| format!("starting {} serve --team", args.mm.display()))?;
            s.children.push(Some(child));
        }
        let agent = agent();
        let until = Instant::now() + Duration::from_secs(60);
        for i in 0..s.ports.len() {
            loop {
                if matches!(
                    get(&agent, &format!("{}/healthz", s.base(i)), ""),
                    Reply::Status(200, _)
                ) {
                    break;
                }
                if let Some(Some(c)) = s.children.get_mut(i)
                    && let Some(status) = c.try_wait()?
                {
                    bail!(
                        "instance {} exited ({status}) before answering: see {}",
                        i + 1,
                        args.work.join(format!("instance-{}.log", i + 1)).display()
                    );
                }
                if Instant::now() > until {
                    bail!("instance {} did not answer /healthz within 60 s", i + 1);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        Ok(s)
    }

    fn base(&self, i: usize) -> String {
        format!("http://127.0.0.1:{}", self.ports[i % self.ports.len()])
    }

    fn pid(&self, i: usize) -> Option<u32> {
        self.children.get(i)?.as_ref().map(Child::id)
    }

    /// SIGKILL: no graceful shutdown, as a crash.
    fn kill(&mut self, i: usize) {
        if let Some(slot) = self.children.get_mut(i)
            && let Some(mut c) = slot.take()
        {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn stop(&mut self) {
        for i in 0..self.children.len() {
            self.kill(i);
        }
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        self.stop();
    }
}

fn count_sessions(owner_db: &str) -> Result<i64> {
    psql(owner_db, "SELECT count(*) FROM sessions;")?
        .parse()
        .context("counting sessions")
}

/// How many of `ids` (sessions the servers acknowledged) are in the
/// database, read as its owner.
fn verify(owner_db: &str, ids: &[i64]) -> Result<(usize, usize)> {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let list = sorted
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let found: usize = psql(
        owner_db,
        &format!("SELECT count(*) FROM sessions WHERE id = ANY('{{{list}}}'::BIGINT[]);"),
    )?
    .parse()
    .context("counting acknowledged sessions")?;
    Ok((found, sorted.len()))
}

/// The default way to restart this machine's PostgreSQL.
fn pg_restart_command(args: &Args) -> String {
    if let Some(c) = &args.pg_restart {
        return c.clone();
    }
    let version = std::fs::read_dir("/etc/postgresql")
        .ok()
        .and_then(|d| d.flatten().next())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .unwrap_or_else(|| "15".into());
    format!("pg_ctlcluster --skip-systemctl-redirect {version} main restart")
}

/// CPU seconds (user + system) a process has used, from `/proc`.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// CPU seconds of every PostgreSQL server process (backends included).
fn postgres_cpu_seconds() -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "postgres")
        })
        .filter_map(cpu_seconds)
        .sum()
}

// ---------------------------------------------------------------------------
// HTTP

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(2))
        .timeout(Duration::from_secs(30))
        .max_idle_connections_per_host(4)
        .build()
}

#[derive(Debug)]
enum Reply {
    Status(u16, String),
    /// No answer: refused, reset, timed out.
    Transport(String),
}

/// How a request signs in.
#[derive(Debug, Clone, Copy)]
enum Auth<'a> {
    None,
    Bearer(&'a str),
    Session { cookie: &'a str, csrf: &'a str },
}

fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    auth: Auth<'_>,
    body: Option<&Value>,
) -> (Reply, Option<String>) {
    let mut req = agent.request(method, url);
    match auth {
        Auth::None => {}
        Auth::Bearer(t) => req = req.set("Authorization", &format!("Bearer {t}")),
        Auth::Session { cookie, csrf } => {
            req = req
                .set("Cookie", &format!("mm_team={cookie}"))
                .set("X-CSRF-Token", csrf);
        }
    }
    let res = match body {
        Some(b) => req
            .set("Content-Type", "application/json")
            .send_string(&b.to_string()),
        None => req.call(),
    };
    let (status, resp) = match res {
        Ok(r) => (r.status(), r),
        Err(ureq::Error::Status(s, r)) => (s, r),
        Err(ureq::Error::Transport(t)) => return (Reply::Transport(t.to_string()), None),
    };
    let cookie = resp
        .all("set-cookie")
        .into_iter()
        .find_map(|c| c.strip_prefix("mm_team=")?.split(';').next())
        .map(str::to_owned);
    match resp.into_string() {
        Ok(text) => (Reply::Status(status, text), cookie),
        Err(e) => (Reply::Transport(e.to_string()), None),
    }
}

fn get(agent: &ureq::Agent, url: &str, token: &str) -> Reply {
    let auth = if token.is_empty() {
        Auth::None
    } else {
        Auth::Bearer(token)
    };
    send(agent, "GET", url, auth, None).0
}

/// A request that must succeed, with its JSON answer.
fn must(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    auth: Auth<'_>,
    body: Option<&Value>,
) -> Result<(Value, Option<String>)> {
    match send(agent, method, url, auth, body) {
        (Reply::Status(s, text), cookie) if (200..300).contains(&s) => {
            Ok((serde_json::from_str(&text).unwrap_or(Value::Null), cookie))
        }
        (Reply::Status(s, text), _) => bail!("{method} {url}: {s} {text}"),
        (Reply::Transport(e), _) => bail!("{method} {url}: {e}"),
    }
}

// ---------------------------------------------------------------------------
// Seeding

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Learner {
    token: String,
    goal: i64,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Coach {
    token: String,
    cohort: i64,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Seed {
    admin: String,
    coaches: Vec<Coach>,
    learners: Vec<Learner>,
}

/// `f(i)` for each `i` in `0..n` on `threads` threads, in order of `i`,
/// printing progress every few seconds.
fn par_map<T: Send>(
    what: &str,
    n: usize,
    threads: usize,
    f: impl Fn(usize, &ureq::Agent) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let started = Instant::now();
    let mut parts: Vec<Vec<(usize, T)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.clamp(1, n.max(1)))
            .map(|_| {
                scope.spawn(|| -> Result<Vec<(usize, T)>> {
                    let agent = agent();
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            return Ok(out);
                        }
                        out.push((i, f(i, &agent)?));
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        let mut last = Instant::now();
        while workers.iter().any(|w| !w.is_finished()) {
            std::thread::sleep(Duration::from_millis(200));
            if last.elapsed() >= Duration::from_secs(5) {
                let d = done.load(Ordering::Relaxed);
                let rate = d as f64 / started.elapsed().as_secs_f64();
                println!("  {what}: {d}/{n} ({rate:.0}/s)");
                last = Instant::now();
            }
        }
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .map_err(|_| anyhow::anyhow!("a seeding thread panicked"))?
            })
            .collect::<Result<Vec<_>>>()
    })?;
    let mut all: Vec<(usize, T)> = parts.drain(..).flatten().collect();
    all.sort_by_key(|(i, _)| *i);
    println!("  {what}: {n} in {:.1} s", started.elapsed().as_secs_f64());
    Ok(all.into_iter().map(|(_, t)| t).collect())
}

/// Invite `email` with `roles`, join by the link, make an API token: the
/// new member's id and token.
fn member(
    agent: &ureq::Agent,
    base: &str,
    admin: &str,
    email: &str,
    roles: &[&str],
) -> Result<(i64, String)> {
    let (inv, _) = must(
        agent,
        "POST",
        &format!("{base}/api/v1/team/invitations"),
        Auth::Bearer(admin),
        Some(&json!({ "email": email, "roles": roles })),
    )?;
    let link = inv["link"].as_str().context("an invitation link")?;
    let token = link
        .split_once("token=")
        .map(|(_, t)| t.split('&').next().unwrap_or(t))
        .context("the invitation link's token")?;
    let (joined, cookie) = must(
        agent,
        "POST",
        &format!("{base}/api/v1/team/join"),
        Auth::None,
        Some(&json!({ "token": token, "name": email, "password": PASSWORD })),
    )?;
    let cookie = cookie.context("joining sets the sign-in cookie")?;
    let csrf = joined["csrf"].as_str().context("a CSRF token")?;
    let id = joined["member"]["id"].as_i64().context("the member's id")?;
    let (tok, _) = must(
        agent,
        "POST",
        &format!("{base}/api/v1/team/tokens"),
        Auth::Session {
            cookie: &cookie,
            csrf,
        },
        Some(&json!({ "name": "load test" })),
    )?;
    Ok((
        id,
        tok["secret"].as_str().context("a token secret")?.to_owned(),
    ))
}

fn seed_all(args: &Args, servers: &Servers, owner_db: &str) -> Result<Seed> {
    println!(
        "seeding {} learners x {} sessions in {} cohorts, through both instances",
        args.learners, args.sessions, args.cohorts
    );
    let started = Instant::now();
    let agent = agent();
    let base0 = servers.base(0);
    let (signed, cookie) = must(
        &agent,
        "POST",
        &format!("{base0}/api/v1/team/sign-in"),
        Auth::None,
        Some(
            &json!({ "organisation": "load", "email": "admin@load.example", "password": ADMIN_PASSWORD }),
        ),
    )?;
    let cookie = cookie.context("signing in sets the cookie")?;
    let csrf = signed["csrf"].as_str().context("a CSRF token")?;
    let (tok, _) = must(
        &agent,
        "POST",
        &format!("{base0}/api/v1/team/tokens"),
        Auth::Session {
            cookie: &cookie,
            csrf,
        },
        Some(&json!({ "name": "load test admin" })),
    )?;
    let admin = tok["secret"].as_str().context("a token secret")?.to_owned();
    let (prog, _) = must(
        &agent,
        "POST",
        &format!("{base0}/api/v1/team/programmes"),
        Auth::Bearer(&admin),
        Some(&json!({ "slug": "spreadsheets", "name": "Spreadsheets for everyone" })),
    )?;
    let programme = prog["id"].as_i64().context("the programme's id")?;
    must(
        &agent,
        "POST",
        &format!("{base0}/api/v1/team/programmes/{programme}/items"),
        Auth::Bearer(&admin),
        Some(&json!({ "catalogue_id": "excel-pivot-summary" })),
    )?;
    let threads = args.users.min(16);
    let coaches = par_map("coaches", args.cohorts, threads, |i, agent| {
        let base = servers.base(i);
        let (person, token) = member(
            agent,
            &base,
            &admin,
            &format!("coach{i:03}@load.example"),
            &["coach"],
        )?;
        let (cohort, _) = must(
            agent,
            "POST",
            &format!("{base}/api/v1/team/cohorts"),
            Auth::Bearer(&admin),
            Some(&json!({ "name": format!("Cohort {:02}", i + 1), "coach": person })),
        )?;
        let cohort = cohort["id"].as_i64().context("the cohort's id")?;
        must(
            agent,
            "POST",
            &format!("{base}/api/v1/team/cohorts/{cohort}/programmes"),
            Auth::Bearer(&admin),
            Some(&json!({ "programme": programme })),
        )?;
        Ok(Coach { token, cohort })
    })?;
    let joined = par_map("learners", args.learners, threads, |i, agent| {
        let base = servers.base(i);
        let (person, token) = member(
            agent,
            &base,
            &admin,
            &format!("learner{i:05}@load.example"),
            &["learner"],
        )?;
        let cohort = coaches[i % coaches.len()].cohort;
        must(
            agent,
            "POST",
            &format!("{base}/api/v1/team/cohorts/{cohort}/members"),
            Auth::Bearer(&admin),
            Some(&json!({ "person": person })),
        )?;
        Ok((person, token, cohort))
    })?;
    // Adding a member gives their goal at once, but concurrent additions
    // to one cohort give each other's (whoever claims first): read each
    // learner's goal from their cohort, asking for what is still owed.
    let mut goals: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    let until = Instant::now() + Duration::from_secs(120);
    while goals.len() < joined.len() {
        for c in &coaches {
            must(
                &agent,
                "POST",
                &format!("{base0}/api/v1/team/cohorts/{}/goals", c.cohort),
                Auth::Bearer(&admin),
                Some(&json!({})),
            )?;
            let (cohort, _) = must(
                &agent,
                "GET",
                &format!("{base0}/api/v1/team/cohorts/{}", c.cohort),
                Auth::Bearer(&admin),
                None,
            )?;
            for g in cohort["goals"].as_array().into_iter().flatten() {
                if let (Some(p), Some(goal)) = (g["person"].as_i64(), g["goal"].as_i64()) {
                    goals.insert(p, goal);
                }
            }
        }
        if goals.len() < joined.len() {
            if Instant::now() > until {
                bail!(
                    "{} of {} learners have no goal after 120 s",
                    joined.len() - goals.len(),
                    joined.len()
                );
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    }
    let learners: Vec<Learner> = joined
        .into_iter()
        .map(|(person, token, _)| Learner {
            token,
            goal: goals[&person],
        })
        .collect();
    // Sessions: a goal counts practice from its first day as it begins in
    // the earliest time zone (UTC+14), so the goals given today take
    // sessions from 14 hours before today's UTC midnight until now: spread
    // evenly over that window, oldest first, through both instances.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let from = now - now.rem_euclid(86_400) - 14 * 3600 + 60;
    let per = args.sessions.max(1);
    let step = (now - 120 - from) / per as i64;
    let minutes = (step / 60 - 1).clamp(1, 25);
    let through_api = args.api_sessions.clamp(1, per);
    par_map(
        "sessions (API)",
        learners.len() * through_api,
        threads,
        |k, agent| {
            let (l, j) = (k / through_api, k % through_api);
            let learner = &learners[l];
            let at = from + j as i64 * step;
            let body = json!({ "minutes": minutes, "aim": format!("pivot drill {j}"), "at": civil(at),
                               "reps": 5, "errors": j % 3 });
            must(
                agent,
                "POST",
                &format!("{}/api/v1/goals/{}/sessions", servers.base(k), learner.goal),
                Auth::Bearer(&learner.token),
                Some(&body),
            )?;
            Ok(())
        },
    )?;
    if per > through_api {
        // The rest: each learner's first session, copied later in the
        // window, in one statement (as the owner: every person's rows).
        let t = Instant::now();
        let ts = |col: &str| {
            format!(
                "to_char(({col}::TIMESTAMPTZ + make_interval(secs => (g.j * {step})::DOUBLE PRECISION)) \
                 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\".000000000Z\"')"
            )
        };
        psql(
            owner_db,
            &format!(
                "INSERT INTO sessions (goal_id, started_at, ended_at, focused_minutes, interruptions, \
                     aim, reps, errors, org_id, person_id) \
                 SELECT s.goal_id, {}, {}, s.focused_minutes, s.interruptions, 'pivot drill ' || g.j, \
                     s.reps, g.j % 3, s.org_id, s.person_id \
                 FROM sessions s CROSS JOIN generate_series({through_api}, {}) AS g(j) \
                 WHERE s.aim = 'pivot drill 0';",
                ts("s.started_at"),
                ts("s.ended_at"),
                per - 1
            ),
        )?;
        println!(
            "  sessions (SQL copies): {} in {:.1} s",
            learners.len() * (per - through_api),
            t.elapsed().as_secs_f64()
        );
    }
    println!("seeded in {:.0} s", started.elapsed().as_secs_f64());
    Ok(Seed {
        admin,
        coaches,
        learners,
    })
}

/// `YYYY-MM-DD HH:MM` (UTC) of a Unix time: what `"at"` takes.
fn civil(t: i64) -> String {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    // Howard Hinnant's days-from-civil, inverted.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

// ---------------------------------------------------------------------------
// Load

/// The mix: (name, weight). Learners' requests go through their journal on
/// the server; coaches' views read a whole cohort.
const ROUTES: &[(&str, u32)] = &[
    ("GET /api/v1/status", 20),
    ("GET /api/v1/goals/{id}", 20),
    ("POST /api/v1/goals/{id}/sessions", 20),
    ("GET /api/v1/team/me", 15),
    ("GET /api/v1/team/me/approvals", 5),
    ("GET /api/v1/team/cohorts/{id}/progress", 8),
    ("GET /api/v1/team/cohorts/{id}/at-risk", 6),
    ("GET /api/v1/team/cohorts/{id}/matrix", 6),
];

#[derive(Debug, Clone, Copy)]
struct Sample {
    route: u8,
    /// Whole milliseconds since the phase began.
    at_ms: u32,
    micros: u32,
    /// 0 = answered 2xx, else the status; u16::MAX: no answer.
    status: u16,
}

#[derive(Debug, Default)]
struct UserRun {
    samples: Vec<Sample>,
    acked: Vec<i64>,
    moved: u32,
}

#[derive(Debug)]
struct PhaseReport {
    json: Value,
    acked: Vec<i64>,
}

fn pick_route(rng: &mut fastrand::Rng) -> usize {
    let total: u32 = ROUTES.iter().map(|r| r.1).sum();
    let mut x = rng.u32(0..total);
    for (i, r) in ROUTES.iter().enumerate() {
        if x < r.1 {
            return i;
        }
        x -= r.1;
    }
    0
}

fn user(u: usize, seed: &Seed, bases: &[String], started: Instant, until: Instant) -> UserRun {
    let agent = agent();
    let mut rng = fastrand::Rng::with_seed(0x5eed_0000 + u as u64);
    let mut on = u % bases.len();
    let mut run = UserRun::default();
    let mut n: u64 = 0;
    while Instant::now() < until {
        n += 1;
        let route = pick_route(&mut rng);
        let learner = &seed.learners[rng.usize(0..seed.learners.len())];
        let coach = &seed.coaches[rng.usize(0..seed.coaches.len())];
        let base = &bases[on];
        let (method, url, token, body) = match route {
            0 => ("GET", format!("{base}/api/v1/status"), &learner.token, None),
            1 => (
                "GET",
                format!("{base}/api/v1/goals/{}", learner.goal),
                &learner.token,
                None,
            ),
            2 => (
                "POST",
                format!("{base}/api/v1/goals/{}/sessions", learner.goal),
                &learner.token,
                Some(json!({ "minutes": 20, "aim": format!("load {u}-{n}"), "reps": 3 })),
            ),
            3 => (
                "GET",
                format!("{base}/api/v1/team/me"),
                &learner.token,
                None,
            ),
            4 => (
                "GET",
                format!("{base}/api/v1/team/me/approvals"),
                &learner.token,
                None,
            ),
            5 => (
                "GET",
                format!("{base}/api/v1/team/cohorts/{}/progress", coach.cohort),
                &coach.token,
                None,
            ),
            6 => (
                "GET",
                format!("{base}/api/v1/team/cohorts/{}/at-risk", coach.cohort),
                &coach.token,
                None,
            ),
            _ => (
                "GET",
                format!("{base}/api/v1/team/cohorts/{}/matrix", coach.cohort),
                &coach.token,
                None,
            ),
        };
        let t0 = Instant::now();
        let (reply, _) = send(&agent, method, &url, Auth::Bearer(token), body.as_ref());
        let micros = u32::try_from(t0.elapsed().as_micros()).unwrap_or(u32::MAX);
        let at_ms = u32::try_from(t0.duration_since(started).as_millis()).unwrap_or(u32::MAX);
        let status = match &reply {
            Reply::Status(s, text) if (200..300).contains(s) => {
                if route == 2
                    && let Ok(v) = serde_json::from_str::<Value>(text)
                    && let Some(id) = v["id"].as_i64()
                {
                    run.acked.push(id);
                }
                0
            }
            Reply::Status(s, _) => *s,
            Reply::Transport(_) => {
                // No answer from this instance: go to the other, as a load
                // balancer would, after a moment.
                on = (on + 1) % bases.len();
                run.moved += 1;
                std::thread::sleep(Duration::from_millis(20));
                u16::MAX
            }
        };
        run.samples.push(Sample {
            route: route as u8,
            at_ms,
            micros,
            status,
        });
    }
    run
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

fn load(args: &Args, seed: &Seed, servers: &mut Servers, phase: Phase) -> Result<PhaseReport> {
    let name = match phase {
        Phase::Steady => "steady",
        Phase::Faults => "faults",
    };
    let bases: Vec<String> = (0..servers.ports.len()).map(|i| servers.base(i)).collect();
    let duration = Duration::from_secs(args.duration);
    println!(
        "\n== {name}: {} users for {} s on {} and {}",
        args.users, args.duration, bases[0], bases[1]
    );
    let cpu_before = (
        servers.pid(0).and_then(cpu_seconds).unwrap_or(0.0),
        servers.pid(1).and_then(cpu_seconds).unwrap_or(0.0),
        postgres_cpu_seconds(),
        cpu_seconds(std::process::id()).unwrap_or(0.0),
    );
    let mut events: Vec<(f64, String)> = Vec::new();
    let started = Instant::now();
    let until = started + duration;
    let mut cpu_b = 0.0;
    let runs: Vec<UserRun> = std::thread::scope(|scope| -> Result<Vec<UserRun>> {
        let workers: Vec<_> = (0..args.users)
            .map(|u| {
                let bases = &bases;
                scope.spawn(move || user(u, seed, bases, started, until))
            })
            .collect();
        if phase == Phase::Faults {
            std::thread::sleep(duration / 4);
            cpu_b = servers.pid(1).and_then(cpu_seconds).unwrap_or(0.0) - cpu_before.1;
            servers.kill(1);
            events.push((
                started.elapsed().as_secs_f64(),
                "instance 2 killed (SIGKILL)".into(),
            ));
            println!(
                "  {:5.1} s: instance 2 killed",
                started.elapsed().as_secs_f64()
            );
            std::thread::sleep((duration / 2).saturating_sub(started.elapsed()));
            let t = started.elapsed().as_secs_f64();
            let cmd = pg_restart_command(args);
            let out = Command::new("sh").args(["-c", &cmd]).output()?;
            let took = started.elapsed().as_secs_f64() - t;
            let what = if out.status.success() {
                format!("PostgreSQL restarted ({cmd}; {took:.1} s)")
            } else {
                format!(
                    "PostgreSQL restart FAILED ({cmd}): {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )
            };
            println!("  {t:5.1} s: {what}");
            events.push((t, what));
        }
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .map_err(|_| anyhow::anyhow!("a load thread panicked"))
            })
            .collect()
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = json!({
        "instance_1": servers.pid(0).and_then(cpu_seconds).unwrap_or(0.0) - cpu_before.0,
        "instance_2": if phase == Phase::Faults { cpu_b } else { servers.pid(1).and_then(cpu_seconds).unwrap_or(0.0) - cpu_before.1 },
        // A restart starts new server processes: their time is not comparable.
        "postgres": if phase == Phase::Faults { Value::Null } else { json!(postgres_cpu_seconds() - cpu_before.2) },
        "driver": cpu_seconds(std::process::id()).unwrap_or(0.0) - cpu_before.3,
    });
    // Per route.
    let mut rows = Vec::new();
    let mut all_ok: Vec<u32> = Vec::new();
    let (mut total, mut failed, mut unanswered) = (0usize, 0usize, 0usize);
    println!(
        "\n| route | requests | per s | p50 ms | p99 ms | failed |\n|---|---:|---:|---:|---:|---:|"
    );
    for (i, (route, _)) in ROUTES.iter().enumerate() {
        let mine: Vec<&Sample> = runs
            .iter()
            .flat_map(|r| &r.samples)
            .filter(|s| usize::from(s.route) == i)
            .collect();
        let mut ok: Vec<u32> = mine
            .iter()
            .filter(|s| s.status == 0)
            .map(|s| s.micros)
            .collect();
        ok.sort_unstable();
        let bad = mine.len() - ok.len();
        let mut statuses: Vec<u16> = mine
            .iter()
            .filter(|s| s.status != 0)
            .map(|s| s.status)
            .collect();
        statuses.sort_unstable();
        statuses.dedup();
        total += mine.len();
        failed += bad;
        unanswered += mine.iter().filter(|s| s.status == u16::MAX).count();
        all_ok.extend(&ok);
        let (p50, p99) = (percentile(&ok, 0.50), percentile(&ok, 0.99));
        println!(
            "| `{route}` | {} | {:.0} | {p50:.1} | {p99:.1} | {bad} |",
            mine.len(),
            ok.len() as f64 / elapsed,
        );
        rows.push(
            json!({ "route": route, "requests": mine.len(), "ok": ok.len(),
            "per_second": ok.len() as f64 / elapsed, "p50_ms": p50, "p99_ms": p99,
            "failed": bad, "failed_statuses": statuses }),
        );
    }
    all_ok.sort_unstable();
    let (p50, p99) = (percentile(&all_ok, 0.50), percentile(&all_ok, 0.99));
    println!(
        "| **all** | {total} | **{:.0}** | {p50:.1} | {p99:.1} | {failed} |",
        all_ok.len() as f64 / elapsed
    );
    println!("CPU seconds in {elapsed:.1} s: {cpu}");
    // Per second, for the fault phase's story.
    let secs = args.duration as usize + 1;
    let mut ok_s = vec![0u32; secs];
    let mut bad_s = vec![0u32; secs];
    for s in runs.iter().flat_map(|r| &r.samples) {
        let i = (s.at_ms / 1000) as usize;
        if i < secs {
            if s.status == 0 {
                ok_s[i] += 1;
            } else {
                bad_s[i] += 1;
            }
        }
    }
    if phase == Phase::Faults {
        println!("\nper second (answered 2xx / failed):");
        let line: Vec<String> = (0..args.duration as usize)
            .map(|i| format!("{i}:{}/{}", ok_s[i], bad_s[i]))
            .collect();
        for chunk in line.chunks(10) {
            println!("  {}", chunk.join("  "));
        }
        let last_bad = (0..secs).rev().find(|&i| bad_s[i] > 0);
        if let Some(i) = last_bad {
            println!("  last failure in second {i}");
        }
    }
    let acked: Vec<i64> = runs.iter().flat_map(|r| r.acked.iter().copied()).collect();
    let moved: u32 = runs.iter().map(|r| r.moved).sum();
    Ok(PhaseReport {
        json: json!({
            "seconds": elapsed, "users": args.users, "requests": total,
            "answered_2xx_per_second": all_ok.len() as f64 / elapsed,
            "p50_ms": p50, "p99_ms": p99, "failed": failed, "unanswered": unanswered,
            "moved_to_other_instance": moved, "routes": rows, "cpu_seconds": cpu,
            "events": events.iter().map(|(t, e)| json!({ "at_s": t, "event": e })).collect::<Vec<_>>(),
            "per_second_ok": ok_s, "per_second_failed": bad_s,
            "acknowledged_writes": acked.len(),
        }),
        acked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_are_right() {
        assert_eq!(civil(0), "1970-01-01 00:00");
        assert_eq!(civil(951_782_400), "2000-02-29 00:00");
        assert_eq!(civil(1_796_150_000), "2026-12-01 18:33");
    }

    #[test]
    fn the_servers_role_replaces_the_owner_in_the_url() {
        assert_eq!(
            with_user("postgres://postgres@127.0.0.1:5432", "mm_load_app"),
            "postgres://mm_load_app@127.0.0.1:5432"
        );
        assert_eq!(
            with_user("postgresql://db.example", "app"),
            "postgresql://app@db.example"
        );
    }

    #[test]
    fn the_mix_reaches_every_route() {
        let mut rng = fastrand::Rng::with_seed(1);
        let mut seen = [0u32; ROUTES.len()];
        for _ in 0..10_000 {
            seen[pick_route(&mut rng)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
        // Writes are a fifth of the mix.
        assert!((1700..2300).contains(&seen[2]), "{seen:?}");
    }

    #[test]
    fn percentiles_read_the_sorted_sample() {
        let v: Vec<u32> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(percentile(&v, 0.5), 51.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert!(percentile(&[], 0.5).is_nan());
    }
}
