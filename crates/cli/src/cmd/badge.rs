//! `mm badge`: Open Badges 3.0 micro-credentials for achieved goals — the
//! issuer's identity and keys, issuing, verifying (offline by default),
//! revoking, and baking into an SVG or PNG.

use crate::Global;
use crate::ctx::{Ctx, print_json};
use crate::exit::Exit;
use crate::ui::outln;
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use mm_app::badges::{self, BakeFormat, Document, Earner, StatusDocument, VerifyRequest};
use mm_app::keys::FileKeyStore;
use mm_core::GoalId;
use mm_credentials::verify::{self, Check, Verdict};
use serde::Serialize;
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

/// The issuer's key store: --issuer-dir, else the platform config directory.
pub fn key_store(dir: Option<&Path>) -> Result<FileKeyStore> {
    if let Some(d) = dir {
        return Ok(FileKeyStore::new(d));
    }
    let base = dirs::config_dir().context("no configuration directory; set MM_ISSUER_DIR")?;
    Ok(FileKeyStore::new(base.join("micromastery").join("issuer")))
}

pub fn run(args: BadgeArgs, g: &Global) -> Result<()> {
    let keys = key_store(args.issuer_dir.as_deref())?;
    match args.command {
        BadgeCommand::Issuer(c) => run_issuer(c, &keys, g),
        BadgeCommand::Issue(a) => run_issue(a, &keys, g),
        BadgeCommand::List => run_list(g),
        BadgeCommand::Show(a) => {
            let ctx = Ctx::open(g)?;
            let c = ctx.block(badges::credential(&ctx.app, &a.id))?;
            match a.jwt.as_deref() {
                Some("eddsa") => outln!("{}", c.jwt_eddsa),
                Some(_) => outln!("{}", c.jwt_rs256),
                None => outln!("{}", c.credential),
            }
        }
        BadgeCommand::Verify(a) => run_verify(a, g),
        BadgeCommand::Revoke(a) => run_revoke(a, &keys, g),
        BadgeCommand::Bake(a) => run_bake(a, g),
    }
}

/// The files `issuer export` wrote, for `--json`.
#[derive(Serialize)]
struct Written {
    written: Vec<String>,
}

fn run_issuer(c: IssuerCommand, keys: &FileKeyStore, g: &Global) -> Result<()> {
    let rt = crate::ctx::runtime()?;
    let (now, _) = crate::ctx::clock()?;
    match c {
        IssuerCommand::Init { name, url } => {
            let record = rt.block_on(badges::create_issuer(now, keys, &name, &url))?;
            if g.json {
                return print_json(&record);
            }
            outln!("Issuer {} created.", record.id)?;
            outln!("Keys (mode 0600): {}", keys.keys_dir().display())?;
            outln!(
                "Next: `mm badge issuer export site/` and publish site/ at {}",
                record.url
            )?;
        }
        IssuerCommand::Show => {
            let record = rt.block_on(badges::issuer(keys))?;
            if g.json {
                return print_json(&record);
            }
            outln!("{} ({})", record.name, record.id)?;
            outln!("url: {}", record.url)?;
            for k in &record.keys {
                let retired = k.retired.as_deref().map(|r| format!(", retired {r}"));
                outln!(
                    "key {}: {} created {}{}",
                    k.fragment,
                    k.ed25519_multikey,
                    k.created,
                    retired.unwrap_or_default()
                )?;
            }
        }
        IssuerCommand::Rotate => {
            let key = rt.block_on(badges::rotate_keys(now, keys))?;
            outln!(
                "New signing key {key}; older keys stay in the DID document. Re-export and publish."
            )?;
        }
        IssuerCommand::Export { dir: out } => {
            // Issued credentials go too when a journal is reachable; the
            // issuer files stand on their own.
            let (record, files) = match Ctx::open(g) {
                Ok(c) => c.block(badges::publication(keys, Some(&c.app)))?,
                Err(_) => rt.block_on(badges::publication(keys, None))?,
            };
            let mut written = Vec::new();
            for f in files {
                let p = out.join(&f.path);
                if let Some(parent) = p.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("creating {}", parent.display()))?;
                }
                crate::outfile::write(&p, f.text.as_bytes())?;
                written.push(f.path);
            }
            if g.json {
                return print_json(&Written { written });
            }
            outln!(
                "Wrote {} files to {}; publish them at {}",
                written.len(),
                out.display(),
                record.url
            )?;
            for w in written {
                outln!("  {w}")?;
            }
        }
    }
    Ok(())
}

/// What `badge issue` wrote, for `--json`.
#[derive(Serialize)]
struct IssuedFiles {
    id: String,
    goal: GoalId,
    files: Vec<String>,
}

fn run_issue(a: IssueArgs, keys: &FileKeyStore, g: &Global) -> Result<()> {
    let earner = match (a.email, a.did) {
        (Some(e), _) => Earner::Email(e),
        (None, Some(d)) => Earner::Did(d),
        (None, None) => {
            bail!("say who earned it: --email ADDRESS (stored only as a salted hash) or --did DID")
        }
    };
    let ctx = Ctx::open(g)?;
    let issued = ctx.block(badges::issue(&ctx.app, keys, a.goal, &earner))?;
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let mut files = Vec::new();
    for (ext, body) in issued.files() {
        let p = a.out.join(format!("{}.{ext}", issued.file_stem));
        crate::outfile::write(&p, body.as_bytes())?;
        files.push(p.display().to_string());
    }
    if g.json {
        return print_json(&IssuedFiles {
            id: issued.id,
            goal: issued.goal,
            files,
        });
    }
    outln!(
        "Issued {} for goal {} ({}).",
        issued.id,
        issued.goal,
        issued.micro_skill
    )?;
    for f in files {
        outln!("  {f}")?;
    }
    outln!(
        "Verify: mm badge verify {}.json --issuer-doc <exported did.json>",
        issued.file_stem
    )
}

fn run_list(g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let list = ctx.block(badges::list(&ctx.app))?;
    if g.json {
        return print_json(&list);
    }
    if list.is_empty() {
        outln!("No badges issued yet. Achieve a goal, then `mm badge issue <goal>`.")?;
    }
    for c in list {
        outln!(
            "{}  goal {}  {}  {}{}",
            c.id,
            c.goal,
            c.issued_at.format("%Y-%m-%d"),
            c.name.as_deref().unwrap_or("?"),
            c.revocation_reason
                .map(|r| format!("  REVOKED: {r}"))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}

fn read_json(p: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", p.display()))
}

fn documents(flag: &str, paths: &[PathBuf]) -> Result<Vec<Document>> {
    paths
        .iter()
        .map(|p| {
            Ok(Document {
                label: format!("{flag} {}", p.display()),
                json: read_json(p)?,
            })
        })
        .collect()
}

/// `--status` files, a folder standing for every `*.json` in it.
fn status_documents(paths: &[PathBuf]) -> Result<Vec<StatusDocument>> {
    let mut out = Vec::new();
    for p in paths {
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
            out.push(StatusDocument {
                label: format!("--status {}", f.display()),
                json: read_json(&f)?,
                saved_as: f.file_stem().and_then(|s| s.to_str()).map(str::to_owned),
                required: !p.is_dir(),
            });
        }
    }
    Ok(out)
}

fn run_verify(a: VerifyArgs, g: &Global) -> Result<()> {
    let credential: Vec<u8> = if a.credential == "-" {
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
    let at = match &a.at {
        Some(at) => Some(
            chrono::DateTime::parse_from_rfc3339(at)
                .with_context(|| format!("--at {at} is not an RFC 3339 time"))?
                .with_timezone(&chrono::Utc),
        ),
        None => None,
    };
    let req = VerifyRequest {
        credential,
        issuer_docs: documents("--issuer-doc", &a.issuer_doc)?,
        keys: documents("--key", &a.key)?,
        status: status_documents(&a.status)?,
        require_status: a.require_status,
        at,
        online: a
            .online
            .then(|| dirs::cache_dir().map(|d| d.join("micromastery").join("fetch"))),
    };
    let v = badges::verify(&req)?;
    let report = &v.report;
    if g.json {
        print_json(&v)?;
    } else {
        for note in v.online.iter().flatten() {
            outln!("online: {note}")?;
        }
        outln!(
            "{} ({})",
            report.credential_id.as_deref().unwrap_or("credential"),
            report.format
        )?;
        print_report(report, "  ")?;
        for (i, inner) in report.included.iter().enumerate() {
            outln!(
                "  included credential {} of {}: {} ({}) {:?}",
                i + 1,
                report.included.len(),
                inner.credential_id.as_deref().unwrap_or("no id"),
                inner.format,
                inner.verdict
            )?;
            print_report(inner, "    ")?;
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

/// Each step with a pass or a reason, then the conformance findings.
fn print_report(report: &verify::Report, indent: &str) -> Result<()> {
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
    for f in &report.findings {
        let level = match f.level {
            verify::Level::Error => "error",
            verify::Level::Warning => "warning",
        };
        outln!("{indent}{level:<11} {:<11} {}", f.rule, f.message)?;
    }
    Ok(())
}

fn run_revoke(a: RevokeArgs, keys: &FileKeyStore, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let list = ctx.block(badges::revoke(&ctx.app, keys, &a.id, &a.reason))?;
    if g.json {
        return print_json(&list);
    }
    outln!("Revoked {}: {}", badges::full_id(&a.id), a.reason.trim())?;
    outln!(
        "Publish it: `mm badge issuer export <dir>` writes credentials/revocations.json for {}",
        list.id
    )
}

fn run_bake(a: BakeArgs, g: &Global) -> Result<()> {
    let payload = if Path::new(&a.credential).is_file() {
        let t = std::fs::read_to_string(&a.credential)
            .with_context(|| format!("reading {}", a.credential))?;
        if !mm_credentials::jwt::looks_like_jwt(&t) {
            serde_json::from_str::<Value>(&t)
                .with_context(|| format!("{} is neither JSON nor a JWT", a.credential))?;
        }
        t
    } else {
        let ctx = Ctx::open(g)?;
        ctx.block(badges::stored_payload(&ctx.app, &a.credential, a.jwt))
            .with_context(|| format!("{} is neither a file nor an issued badge", a.credential))?
    };
    let (format, out) = match (&a.png, &a.svg) {
        (Some(p), _) => (BakeFormat::Png, p),
        (None, Some(s)) => (BakeFormat::Svg, s),
        (None, None) => bail!("say where to write the baked badge: --svg FILE or --png FILE"),
    };
    let image = match &a.image {
        Some(p) => Some(std::fs::read(p).with_context(|| format!("reading {}", p.display()))?),
        None => None,
    };
    let baked = badges::bake(&payload, format, image)?;
    crate::outfile::write(out, &baked)?;
    outln!("Baked into {}", out.display())
}
