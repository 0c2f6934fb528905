//! `mm badge`: Open Badges 3.0 micro-credentials for achieved goals — the
//! issuer's identity and keys, issuing, verifying (offline by default),
//! revoking, and baking into an SVG or PNG.

use crate::Global;
use crate::exit::Exit;
use crate::ui::outln;
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use mm_core::{GoalId, GoalState};
use mm_credentials::badge::{
    Alignment, ApplicationEvidence, BadgeInput, PracticeSummary, Recipient, ReflectionEvidence,
};
use mm_credentials::issuer::{self, Issuer};
use mm_credentials::status::RevocationList;
use mm_credentials::verify::{self, Check, Verdict};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Issue, verify, revoke and share Open Badges 3.0 micro-credentials.
///
/// A badge is issued only for an achieved goal. It is signed twice over: an
/// embedded Data Integrity proof (eddsa-rdfc-2022) and VC-JWTs (EdDSA and
/// RS256), so any OBv3 verifier can check it without asking us.
///
/// Start with `mm badge issuer init --name "Your name" --url https://you.example`,
/// then `mm badge issuer export site/` and publish `site/` at that URL.
#[derive(Debug, Args)]
pub struct BadgeArgs {
    /// Where the issuer's keys live [default: $XDG_CONFIG_HOME/micromastery/issuer].
    #[arg(long, global = true, env = "MM_ISSUER_DIR", value_name = "DIR")]
    pub issuer_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: BadgeCommand,
}

#[derive(Debug, Subcommand)]
pub enum BadgeCommand {
    /// The issuer: create its keys, show it, rotate keys, export what to publish.
    #[command(subcommand)]
    Issuer(IssuerCommand),
    /// Issue a badge for an achieved goal (says what is missing otherwise).
    Issue(IssueArgs),
    /// List issued badges.
    List,
    /// Print one issued badge (JSON-LD, or a JWT with --jwt).
    Show(ShowArgs),
    /// Verify a badge: a JSON-LD file, a JWT (file or text), or a baked SVG or PNG.
    ///
    /// Works offline: nothing is fetched unless --online is given. Checks Open Badges 3.0 credentials
    /// (OpenBadgeCredential, EndorsementCredential) in the VC 2.0 and VC 1.1
    /// data models, and CLR 2.0 ClrCredentials with every credential inside, signed with eddsa-rdfc-2022, Ed25519Signature2020/2018,
    /// ecdsa-rdfc-2019 (P-256), or as VC-JWTs (EdDSA, RS256, ES256).
    ///
    /// Prints each step (schema, subject, signature, issuer's key, validity,
    /// status) with a pass or a reason.
    ///
    /// Exit 0 VALID: every step passed.
    ///
    /// Exit 1 INVALID: something is proven wrong (signature, tampering, a key
    /// the issuer's document does not list, expiry, revocation, a MUST of the
    /// specification).
    ///
    /// Exit 3 UNCONFIRMED: nothing is wrong, but the signature's key, the
    /// issuer's control of it, the recipient or revocation status could not be
    /// confirmed offline (give --issuer-doc, --key, --status).
    ///
    /// Exit 4 UNSUPPORTED: the credential uses a cryptosuite, data-model
    /// version, context or credential type this verifier does not handle; the
    /// message names it.
    ///
    /// Example: mm badge verify badge.json --issuer-doc did.json --status revocations.json
    Verify(VerifyArgs),
    /// Revoke an issued badge; re-export the issuer to publish the list.
    Revoke(RevokeArgs),
    /// Bake a badge into an SVG or PNG image (Open Badges baking).
    Bake(BakeArgs),
}

#[derive(Debug, Subcommand)]
pub enum IssuerCommand {
    /// Create the issuer: a did:web identity from --url, an Ed25519 key and an
    /// RSA key, stored with mode 0600. Keys are never printed.
    Init {
        /// Name shown on badges, e.g. "Ada Lovelace" or "Acme Academy".
        #[arg(long)]
        name: String,
        /// HTTPS URL you will publish the issuer files at; the issuer id is its did:web.
        #[arg(long)]
        url: String,
    },
    /// Show the issuer's public record (id, keys' public halves).
    Show,
    /// Make new signing keys; old public keys stay published so old badges verify.
    Rotate,
    /// Write what the issuer must publish: did.json (+ .well-known/did.json),
    /// profile.json, jwks.json, the revocation list, and issued credentials.
    Export {
        /// Directory to write into (created if needed).
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// The achieved goal's id.
    pub goal: GoalId,
    /// The earner's email: only its salted SHA-256 goes into the badge.
    #[arg(long, conflicts_with = "did")]
    pub email: Option<String>,
    /// The earner's DID, used as the credential subject id.
    #[arg(long)]
    pub did: Option<String>,
    /// Directory to write the badge files into.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Credential id (urn:uuid:… or just the uuid).
    pub id: String,
    /// Print a VC-JWT instead: `eddsa` or `rs256`.
    #[arg(long, value_parser = ["eddsa", "rs256"])]
    pub jwt: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A credential file (JSON-LD, JWT, baked SVG or PNG), a JWT itself, or `-` for stdin.
    pub credential: String,
    /// An issuer's DID document or Profile, as published (also accepts a JWKS
    /// or a status list). A key the credential names that this document does
    /// not list makes the credential INVALID.
    #[arg(long, value_name = "FILE")]
    pub issuer_doc: Vec<PathBuf>,
    /// A public JWK or JWKS you trust as the issuer's.
    #[arg(long, value_name = "FILE")]
    pub key: Vec<PathBuf>,
    /// A status document, or a directory of them (*.json): a 1EdTech
    /// revocation list, or a StatusList2021 / BitstringStatusList credential.
    #[arg(long, value_name = "FILE|DIR")]
    pub status: Vec<PathBuf>,
    /// Fail when the revocation status cannot be checked.
    #[arg(long)]
    pub require_status: bool,
    /// Check against this time instead of now (RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Fetch what is missing over HTTPS first: the issuer's did:web document
    /// or Profile, the documents of the keys its proofs name, its status
    /// lists (15 s timeout, 1 MiB limit, public addresses only, cached for an
    /// hour). Without it nothing is fetched.
    #[arg(long)]
    pub online: bool,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// Credential id (urn:uuid:… or just the uuid).
    pub id: String,
    /// Why: published in the revocation list and shown by verifiers.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct BakeArgs {
    /// The badge: a credential file (JSON-LD or JWT) or an issued credential id.
    pub credential: String,
    /// Where to write the baked SVG.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "png",
        conflicts_with = "png"
    )]
    pub svg: Option<PathBuf>,
    /// Where to write a baked PNG instead (an `openbadgecredential` iTXt chunk).
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// An image to bake into, SVG or PNG as the output [default: a plain round badge].
    #[arg(long, value_name = "FILE")]
    pub image: Option<PathBuf>,
    /// Bake the EdDSA VC-JWT instead of the JSON-LD (only for an issued id).
    #[arg(long)]
    pub jwt: bool,
}

fn issuer_dir(args: &BadgeArgs) -> Result<PathBuf> {
    if let Some(d) = &args.issuer_dir {
        return Ok(d.clone());
    }
    let base = dirs::config_dir().context("no configuration directory; set MM_ISSUER_DIR")?;
    Ok(base.join("micromastery").join("issuer"))
}

fn full_id(id: &str) -> String {
    if id.starts_with("urn:uuid:") {
        id.to_owned()
    } else {
        format!("urn:uuid:{id}")
    }
}

pub fn run(args: BadgeArgs, g: &Global) -> Result<()> {
    let dir = issuer_dir(&args)?;
    match args.command {
        BadgeCommand::Issuer(c) => run_issuer(c, &dir, g),
        BadgeCommand::Issue(a) => run_issue(a, &dir, g),
        BadgeCommand::List => run_list(g),
        BadgeCommand::Show(a) => run_show(a, g),
        BadgeCommand::Verify(a) => run_verify(a, g),
        BadgeCommand::Revoke(a) => run_revoke(a, &dir, g),
        BadgeCommand::Bake(a) => run_bake(a, g),
    }
}

fn print_json(v: &Value) -> Result<()> {
    outln!("{}", serde_json::to_string_pretty(v)?)?;
    Ok(())
}

fn run_issuer(c: IssuerCommand, dir: &Path, g: &Global) -> Result<()> {
    match c {
        IssuerCommand::Init { name, url } => {
            let issuer = Issuer::init(dir, &name, &url, chrono::Utc::now())?;
            if g.json {
                print_json(&serde_json::to_value(&issuer.record)?)?;
            } else {
                outln!("Issuer {} created.", issuer.record.id)?;
                outln!("Keys (mode 0600): {}", dir.join("keys").display())?;
                outln!(
                    "Next: `mm badge issuer export site/` and publish site/ at {}",
                    issuer.record.url
                )?;
            }
        }
        IssuerCommand::Show => {
            let issuer = Issuer::load(dir)?;
            if g.json {
                print_json(&serde_json::to_value(&issuer.record)?)?;
            } else {
                outln!("{} ({})", issuer.record.name, issuer.record.id)?;
                outln!("url: {}", issuer.record.url)?;
                for k in &issuer.record.keys {
                    outln!(
                        "key {}: {} created {}{}",
                        k.fragment,
                        k.ed25519_multikey,
                        k.created,
                        k.retired
                            .as_deref()
                            .map(|r| format!(", retired {r}"))
                            .unwrap_or_default()
                    )?;
                }
            }
        }
        IssuerCommand::Rotate => {
            let mut issuer = Issuer::load(dir)?;
            issuer.rotate(chrono::Utc::now())?;
            outln!(
                "New signing key {}; older keys stay in the DID document. Re-export and publish.",
                issuer.verification_method()
            )?;
        }
        IssuerCommand::Export { dir: out } => {
            let issuer = Issuer::load(dir)?;
            let written = export(&issuer, &out, g)?;
            if g.json {
                print_json(&serde_json::json!({ "written": written }))?;
            } else {
                outln!(
                    "Wrote {} files to {}; publish them at {}",
                    written.len(),
                    out.display(),
                    issuer.record.url
                )?;
                for w in written {
                    outln!("  {w}")?;
                }
            }
        }
    }
    Ok(())
}

fn revocation_list(issuer: &Issuer) -> Result<RevocationList> {
    let path = issuer.dir().join("revocations.json");
    if path.is_file() {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)
            .with_context(|| format!("reading {}", path.display()))?;
        Ok(RevocationList::from_json(&v)?)
    } else {
        Ok(RevocationList::new(
            &issuer.record.revocation_list_url(),
            &issuer.record.id,
        ))
    }
}

fn write(out: &Path, rel: &str, text: &str, written: &mut Vec<String>) -> Result<()> {
    let p = out.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    crate::outfile::write(&p, text.as_bytes())?;
    written.push(rel.to_owned());
    Ok(())
}

fn export(issuer: &Issuer, out: &Path, g: &Global) -> Result<Vec<String>> {
    let mut written = Vec::new();
    let did = serde_json::to_string_pretty(&issuer::did_document(&issuer.record))?;
    write(out, "did.json", &did, &mut written)?;
    write(out, ".well-known/did.json", &did, &mut written)?;
    write(
        out,
        "profile.json",
        &serde_json::to_string_pretty(&issuer::profile_document(&issuer.record))?,
        &mut written,
    )?;
    write(
        out,
        "jwks.json",
        &serde_json::to_string_pretty(&issuer::jwks(&issuer.record)?)?,
        &mut written,
    )?;
    write(
        out,
        "credentials/revocations.json",
        &serde_json::to_string_pretty(&revocation_list(issuer)?)?,
        &mut written,
    )?;
    // Issued credentials, so the links in a portfolio resolve. Only when a
    // journal is reachable; the issuer files stand on their own.
    if let Ok(ctx) = crate::ctx::Ctx::open(g) {
        for c in ctx.block(ctx.store.list_credentials(None))? {
            let uuid = c.id.trim_start_matches("urn:uuid:");
            write(
                out,
                &format!("credentials/{uuid}.json"),
                &c.credential,
                &mut written,
            )?;
        }
    }
    Ok(written)
}

fn alignment_for(uri: &str, label: &str) -> Alignment {
    let (framework, code) = if uri.contains("data.europa.eu/esco") {
        (Some("ESCO".to_owned()), None)
    } else if uri.contains("onetonline.org") || uri.contains("onetcenter.org") {
        let code = uri.rsplit('/').find(|s| !s.is_empty()).map(str::to_owned);
        (Some("O*NET".to_owned()), code)
    } else {
        (None, None)
    };
    Alignment {
        target_url: uri.to_owned(),
        target_name: label.to_owned(),
        framework,
        code,
    }
}

fn run_issue(a: IssueArgs, dir: &Path, g: &Global) -> Result<()> {
    let issuer = Issuer::load(dir)?;
    let ctx = crate::ctx::Ctx::open(g)?;
    let ev = ctx.block(ctx.store.goal_evidence(a.goal))?;
    let goal = &ev.goal;
    if goal.state != GoalState::Achieved {
        let rule = ctx
            .block(ctx.store.get_setting("mastery_rule"))?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let report = ev.check(&rule, *chrono::Local::now().offset());
        let missing: Vec<String> = report.unmet().map(|c| c.detail.clone()).collect();
        bail!(
            "goal {} is {}, not achieved, so no badge: {}",
            goal.id,
            goal.state,
            if missing.is_empty() {
                "the mastery rule is met; mark it achieved first".to_owned()
            } else {
                missing.join("; ")
            }
        );
    }
    let skill = ctx.block(ctx.store.get_skill(ev.micro_skill.skill_id))?;
    let recipient = match (&a.email, &a.did) {
        (Some(e), _) => Recipient::email(e),
        (None, Some(d)) => Recipient::Did(d.clone()),
        (None, None) => {
            bail!("say who earned it: --email ADDRESS (stored only as a salted hash) or --did DID")
        }
    };
    let mut alignments = Vec::new();
    if let Some(uri) = &skill.taxonomy_uri {
        alignments.push(alignment_for(uri, &skill.name));
    }
    let days: Vec<chrono::NaiveDate> = ev
        .sessions
        .iter()
        .map(|s| s.started_at.date_naive())
        .collect();
    let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) else {
        bail!(
            "goal {} has no practice sessions to show as evidence",
            goal.id
        );
    };
    let practice = PracticeSummary {
        sessions: u32::try_from(ev.sessions.len()).unwrap_or(u32::MAX),
        minutes: ev.sessions.iter().map(|s| s.focused_minutes).sum(),
        first_day: *first,
        last_day: *last,
    };
    let applications = ev
        .applications
        .iter()
        .map(|ap| ApplicationEvidence {
            date: ap.at.date_naive(),
            context: ap.context.clone(),
            outcome: match (&ap.impact, &ap.evidence) {
                (Some(i), _) => format!("{} (impact: {i})", ap.outcome),
                (None, Some(mm_core::Evidence::File { name, sha256 })) => {
                    format!("{} (evidence file {name}, sha256 {sha256})", ap.outcome)
                }
                _ => ap.outcome.clone(),
            },
            url: match &ap.evidence {
                Some(mm_core::Evidence::Link { url }) => Some(url.clone()),
                _ => None,
            },
        })
        .collect();
    let session_ids: Vec<_> = ev.sessions.iter().map(|s| s.id).collect();
    let mut reflections = Vec::new();
    let text_of = |r: &mm_core::Reflection| {
        [
            ("Worked", &r.worked),
            ("Did not", &r.didnt),
            ("Next", &r.next),
        ]
        .iter()
        .filter(|(_, t)| !t.trim().is_empty())
        .map(|(k, t)| format!("{k}: {}", t.trim()))
        .collect::<Vec<_>>()
        .join(" ")
    };
    for p in &ev.micro_skill.principles {
        if let Some(r) = ev.reflections.iter().find(|r| r.covers(p)) {
            reflections.push(ReflectionEvidence {
                principle: Some(p.name.clone()),
                text: text_of(r),
            });
        }
    }
    for r in &ev.reflections {
        let about_goal = match r.target {
            mm_core::ReflectionTarget::Goal { id } => id == goal.id,
            mm_core::ReflectionTarget::Session { id } => session_ids.contains(&id),
            mm_core::ReflectionTarget::Week { .. } => false,
        };
        if about_goal && !ev.micro_skill.principles.iter().any(|p| r.covers(p)) {
            reflections.push(ReflectionEvidence {
                principle: None,
                text: text_of(r),
            });
        }
    }
    let criteria = goal
        .criteria
        .iter()
        .map(|c| c.text.trim().trim_end_matches('.').to_owned())
        .collect::<Vec<_>>()
        .join("; ")
        + ".";
    let input = BadgeInput {
        goal_name: format!("{} (goal {})", ev.micro_skill.name, goal.id),
        micro_skill: ev.micro_skill.name.clone(),
        description: format!(
            "A micro-skill of {}, practised to Dreyfus level {} ({}).",
            skill.name,
            u8::from(goal.target_level),
            goal.target_level
        ),
        criteria,
        level: Some(u8::from(goal.target_level)),
        alignments,
        practice,
        applications,
        reflections,
        recipient,
        issued_at: ctx.now,
    };
    let issued = mm_credentials::badge::issue(&input, &issuer)?;
    let text = serde_json::to_string_pretty(&issued.credential)?;
    ctx.block(ctx.store.add_credential(&mm_store::StoredCredential {
        id: issued.id.clone(),
        goal_id: goal.id,
        issued_at: input.issued_at,
        credential: text.clone(),
        jwt_eddsa: issued.jwt_eddsa.clone(),
        jwt_rs256: issued.jwt_rs256.clone(),
        revoked_at: None,
        revocation_reason: None,
    }))?;
    let stem = format!(
        "badge-{}-{}",
        mm_credentials::badge::slug(&ev.micro_skill.name)
            .chars()
            .take(40)
            .collect::<String>(),
        &issued.id["urn:uuid:".len().."urn:uuid:".len() + 8]
    );
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let mut files = Vec::new();
    for (ext, body) in [
        ("json", &text),
        ("eddsa.jwt", &issued.jwt_eddsa),
        ("rs256.jwt", &issued.jwt_rs256),
    ] {
        let p = a.out.join(format!("{stem}.{ext}"));
        crate::outfile::write(&p, body.as_bytes())?;
        files.push(p.display().to_string());
    }
    if g.json {
        print_json(&serde_json::json!({ "id": issued.id, "goal": goal.id, "files": files }))?;
    } else {
        outln!(
            "Issued {} for goal {} ({}).",
            issued.id,
            goal.id,
            ev.micro_skill.name
        )?;
        for f in files {
            outln!("  {f}")?;
        }
        outln!("Verify: mm badge verify {stem}.json --issuer-doc <exported did.json>")?;
    }
    Ok(())
}

fn run_list(g: &Global) -> Result<()> {
    let ctx = crate::ctx::Ctx::open(g)?;
    let list = ctx.block(ctx.store.list_credentials(None))?;
    if g.json {
        let v: Vec<Value> = list
            .iter()
            .map(|c| {
                let cred: Value = serde_json::from_str(&c.credential).unwrap_or(Value::Null);
                serde_json::json!({
                    "id": c.id, "goal": c.goal_id, "issued_at": c.issued_at,
                    "name": cred["name"], "revoked_at": c.revoked_at,
                    "revocation_reason": c.revocation_reason,
                })
            })
            .collect();
        return print_json(&Value::Array(v));
    }
    if list.is_empty() {
        outln!("No badges issued yet. Achieve a goal, then `mm badge issue <goal>`.")?;
    }
    for c in list {
        let cred: Value = serde_json::from_str(&c.credential).unwrap_or(Value::Null);
        outln!(
            "{}  goal {}  {}  {}{}",
            c.id,
            c.goal_id,
            c.issued_at.format("%Y-%m-%d"),
            cred["name"].as_str().unwrap_or("?"),
            c.revocation_reason
                .map(|r| format!("  REVOKED: {r}"))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}

fn run_show(a: ShowArgs, g: &Global) -> Result<()> {
    let ctx = crate::ctx::Ctx::open(g)?;
    let c = ctx.block(ctx.store.get_credential(&full_id(&a.id)))?;
    match a.jwt.as_deref() {
        Some("eddsa") => outln!("{}", c.jwt_eddsa)?,
        Some(_) => outln!("{}", c.jwt_rs256)?,
        None => outln!("{}", c.credential)?,
    }
    Ok(())
}

fn read_json(p: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", p.display()))
}

fn run_verify(a: VerifyArgs, g: &Global) -> Result<()> {
    let input: Vec<u8> = if a.credential == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).context("reading stdin")?;
        b
    } else if Path::new(&a.credential).is_file() {
        std::fs::read(&a.credential).with_context(|| format!("reading {}", a.credential))?
    } else if mm_credentials::jwt::looks_like_jwt(&a.credential) {
        a.credential.clone().into_bytes()
    } else {
        bail!("{} is neither a file nor a JWT", a.credential);
    };
    let mut opts = verify::Options {
        require_status: a.require_status,
        ..Default::default()
    };
    if let Some(at) = &a.at {
        opts.now = Some(
            chrono::DateTime::parse_from_rfc3339(at)
                .with_context(|| format!("--at {at} is not an RFC 3339 time"))?
                .with_timezone(&chrono::Utc),
        );
    }
    for p in &a.issuer_doc {
        opts.add_document(read_json(p)?)
            .with_context(|| format!("--issuer-doc {}", p.display()))?;
    }
    for p in &a.key {
        opts.add_jwk_or_jwks(&read_json(p)?)
            .with_context(|| format!("--key {}", p.display()))?;
    }
    for p in &a.status {
        let files: Vec<PathBuf> = if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "json"))
                .collect();
            v.sort();
            v
        } else {
            vec![p.clone()]
        };
        for f in files {
            let v = read_json(&f)?;
            let stem = f.file_stem().and_then(|s| s.to_str());
            let added = opts
                .add_status_file(&v, stem)
                .with_context(|| format!("--status {}", f.display()))?;
            if !added && !p.is_dir() {
                bail!(
                    "--status {}: neither a revocation list nor a status list credential",
                    f.display()
                );
            }
        }
    }
    let mut fetched = Vec::new();
    if a.online {
        let cache = dirs::cache_dir().map(|d| d.join("micromastery").join("fetch"));
        let fetcher = mm_credentials::online::Fetcher::new(cache)?;
        fetched = verify::fetch_online(&input, &mut opts, &fetcher);
    }
    let report = verify::verify(&input, &opts);
    if g.json {
        let mut v = serde_json::to_value(&report)?;
        if a.online {
            v["online"] = serde_json::json!(fetched);
        }
        print_json(&v)?;
    } else {
        for note in &fetched {
            outln!("online: {note}")?;
        }
        outln!(
            "{} ({})",
            report.credential_id.as_deref().unwrap_or("credential"),
            report.format
        )?;
        print_steps(&report, "  ")?;
        print_findings(&report, "  ")?;
        for (i, inner) in report.included.iter().enumerate() {
            outln!(
                "  included credential {} of {}: {} ({}) {:?}",
                i + 1,
                report.included.len(),
                inner.credential_id.as_deref().unwrap_or("no id"),
                inner.format,
                inner.verdict
            )?;
            print_steps(inner, "    ")?;
            print_findings(inner, "    ")?;
        }
        outln!(
            "{}",
            match report.verdict {
                Verdict::Valid => "VALID: every step passed.",
                Verdict::Unconfirmed =>
                    "UNCONFIRMED: nothing is wrong, but not everything could be confirmed offline.",
                Verdict::Unsupported =>
                    "UNSUPPORTED: this credential uses something this verifier does not handle; nothing is known to be wrong.",
                Verdict::Invalid => "INVALID.",
            }
        )?;
    }
    match report.verdict {
        Verdict::Valid => Ok(()),
        v => Err(Exit {
            code: v.exit_code(),
            message: if v == Verdict::Unconfirmed {
                String::new()
            } else {
                report.reason().unwrap_or_default()
            },
        }
        .into()),
    }
}

fn print_steps(report: &verify::Report, indent: &str) -> Result<()> {
    for s in &report.steps {
        let (mark, detail) = match &s.check {
            Check::Pass(d) => ("pass", d),
            Check::Unconfirmed(d) => ("UNCONFIRMED", d),
            Check::Unsupported(d) => ("UNSUPPORTED", d),
            Check::Fail(d) => ("FAIL", d),
            Check::Skipped(d) => ("skipped", d),
        };
        outln!("{indent}{:<11} {:<11} {}", s.name, mark, detail)?;
    }
    Ok(())
}

fn print_findings(report: &verify::Report, indent: &str) -> Result<()> {
    for f in &report.findings {
        let level = match f.level {
            verify::Level::Error => "error",
            verify::Level::Warning => "warning",
        };
        outln!("{indent}{level:<11} {:<11} {}", f.rule, f.message)?;
    }
    Ok(())
}

fn run_revoke(a: RevokeArgs, dir: &Path, g: &Global) -> Result<()> {
    let issuer = Issuer::load(dir)?;
    let id = full_id(&a.id);
    let ctx = crate::ctx::Ctx::open(g)?;
    ctx.block(ctx.store.revoke_credential(&id, a.reason.trim(), ctx.now))?;
    let mut list = revocation_list(&issuer)?;
    list.revoke(&id, &a.reason)?;
    let path = issuer.dir().join("revocations.json");
    crate::outfile::write(&path, serde_json::to_string_pretty(&list)?.as_bytes())?;
    if g.json {
        print_json(&serde_json::to_value(&list)?)?;
    } else {
        outln!("Revoked {id}: {}", a.reason.trim())?;
        outln!(
            "Publish it: `mm badge issuer export <dir>` writes credentials/revocations.json for {}",
            list.id
        )?;
    }
    Ok(())
}

fn run_bake(a: BakeArgs, g: &Global) -> Result<()> {
    let (payload_text, is_jwt) = if Path::new(&a.credential).is_file() {
        let t = std::fs::read_to_string(&a.credential)
            .with_context(|| format!("reading {}", a.credential))?;
        let jwt = mm_credentials::jwt::looks_like_jwt(&t);
        if !jwt {
            serde_json::from_str::<Value>(&t)
                .with_context(|| format!("{} is neither JSON nor a JWT", a.credential))?;
        }
        (t.trim().to_owned(), jwt)
    } else {
        let ctx = crate::ctx::Ctx::open(g)?;
        let c = ctx
            .block(ctx.store.get_credential(&full_id(&a.credential)))
            .with_context(|| format!("{} is neither a file nor an issued badge", a.credential))?;
        if a.jwt {
            (c.jwt_eddsa, true)
        } else {
            (c.credential, false)
        }
    };
    let payload = if is_jwt {
        mm_credentials::bake::Payload::Jwt(&payload_text)
    } else {
        mm_credentials::bake::Payload::Json(&payload_text)
    };
    if let Some(out) = &a.png {
        let image = match &a.image {
            Some(p) => std::fs::read(p).with_context(|| format!("reading {}", p.display()))?,
            None => mm_credentials::bake::default_png(),
        };
        let baked = mm_credentials::bake::bake_png(&image, payload)?;
        crate::outfile::write(out, &baked)?;
        outln!("Baked into {}", out.display())?;
        return Ok(());
    }
    let Some(svg_out) = &a.svg else {
        bail!("say where to write the baked badge: --svg FILE or --png FILE");
    };
    let image = match &a.image {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?
        }
        None => {
            let name = if is_jwt {
                mm_credentials::jwt::decode(&payload_text)?.credential()["name"].clone()
            } else {
                serde_json::from_str::<Value>(&payload_text)?["name"].clone()
            };
            let name = name.as_str().unwrap_or("Micro-credential");
            let title = name.trim_end_matches(" - mastered");
            let title: String = title.chars().take(24).collect();
            mm_credentials::bake::default_image(&title, "micro-credential")
        }
    };
    let svg = mm_credentials::bake::bake(&image, payload)?;
    crate::outfile::write(svg_out, svg.as_bytes())?;
    outln!("Baked into {}", svg_out.display())?;
    Ok(())
}
