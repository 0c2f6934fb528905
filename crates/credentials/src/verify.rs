//! Offline verification, step by step, the way the OBv3 "Verification"
//! section orders it: schema and subject, proof or signature, the issuer's
//! control of the key, the validity window, then revocation status.
//!
//! Nothing is fetched. Keys come from the credential itself (`did:key`, or a
//! key spelled in a verification-method URL fragment, which proves the
//! signature but not who controls the key), from issuer documents (DID
//! document / Profile) and JWKs the caller supplies, and status from
//! revocation lists the caller supplies.

use crate::Error;
use crate::di;
use crate::jwt;
use crate::multikey::{PublicJwk, parse_ed25519_multikey, resolve_did_key};
use crate::schema::{Schema, validate};
use crate::status::{RevocationList, STATUS_TYPE};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// Result of one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", content = "detail", rename_all = "snake_case")]
pub enum Check {
    /// The step passed.
    Pass(String),
    /// The step could not be completed offline; nothing is known to be wrong.
    Unconfirmed(String),
    /// The step failed.
    Fail(String),
    /// Not run because an earlier step made it meaningless.
    Skipped(String),
}

/// One named step and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Short name: `parse`, `schema`, `subject`, `signature`, `issuer-key`, `validity`, `status`.
    pub name: &'static str,
    /// What happened.
    pub check: Check,
}

/// The overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every step passed.
    Valid,
    /// The signature is valid and nothing failed, but something (the issuer's
    /// control of the key, or revocation status) could not be confirmed offline.
    Unconfirmed,
    /// Something is wrong.
    Invalid,
}

impl Verdict {
    /// Process exit code: 0 valid, 3 unconfirmed, 1 invalid.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Valid => 0,
            Self::Unconfirmed => 3,
            Self::Invalid => 1,
        }
    }
}

/// A verification report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `json-ld`, `jwt`, `svg+json-ld` or `svg+jwt`.
    pub format: String,
    /// Credential id, when it could be read.
    pub credential_id: Option<String>,
    /// Every step in order.
    pub steps: Vec<Step>,
    /// The verdict.
    pub verdict: Verdict,
}

impl Report {
    fn new(format: &str) -> Self {
        Self {
            format: format.to_owned(),
            credential_id: None,
            steps: Vec::new(),
            verdict: Verdict::Valid,
        }
    }

    fn push(&mut self, name: &'static str, check: Check) {
        self.steps.push(Step { name, check });
    }

    fn finish(mut self) -> Self {
        self.verdict = if self.steps.iter().any(|s| matches!(s.check, Check::Fail(_))) {
            Verdict::Invalid
        } else if self
            .steps
            .iter()
            .any(|s| matches!(s.check, Check::Unconfirmed(_)))
        {
            Verdict::Unconfirmed
        } else {
            Verdict::Valid
        };
        self
    }

    /// The first failure's reason, if any.
    pub fn reason(&self) -> Option<String> {
        self.steps.iter().find_map(|s| match &s.check {
            Check::Fail(r) => Some(format!("{}: {r}", s.name)),
            _ => None,
        })
    }

    /// The step named `name`.
    pub fn step(&self, name: &str) -> Option<&Check> {
        self.steps.iter().find(|s| s.name == name).map(|s| &s.check)
    }
}

/// What the verifier may use besides the credential.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// DID documents / Profiles of issuers (as published).
    pub issuer_docs: Vec<Value>,
    /// Public keys the caller vouches for: `(kid, key)`.
    pub keys: Vec<(Option<String>, PublicJwk)>,
    /// Revocation lists.
    pub status_lists: Vec<RevocationList>,
    /// Fail (not just report) when status cannot be checked.
    pub require_status: bool,
    /// The time to check validity against.
    pub now: Option<DateTime<Utc>>,
}

impl Options {
    /// Adds the keys of a JWK or a JWKS document.
    ///
    /// # Errors
    /// [`Error::Invalid`] when it is neither, or holds private material.
    pub fn add_jwk_or_jwks(&mut self, v: &Value) -> Result<(), Error> {
        if let Some(keys) = v.get("keys").and_then(Value::as_array) {
            for k in keys {
                self.push_jwk(k)?;
            }
            Ok(())
        } else {
            self.push_jwk(v)
        }
    }

    fn push_jwk(&mut self, k: &Value) -> Result<(), Error> {
        let kid = k.get("kid").and_then(Value::as_str).map(str::to_owned);
        self.keys.push((kid, PublicJwk::from_json(k)?));
        Ok(())
    }

    /// Adds an issuer document (DID document or Profile with keys), or a
    /// revocation list, recognising which it is.
    ///
    /// # Errors
    /// [`Error::Invalid`] when it is neither.
    pub fn add_document(&mut self, v: Value) -> Result<(), Error> {
        if v.get("revokedCredentials").is_some() {
            self.status_lists.push(RevocationList::from_json(&v)?);
        } else if v.get("keys").is_some() || v.get("kty").is_some() {
            self.add_jwk_or_jwks(&v)?;
        } else if v.get("id").and_then(Value::as_str).is_some() {
            self.issuer_docs.push(v);
        } else {
            return Err(Error::Invalid(
                "not a DID document, Profile, JWK(S) or revocation list".into(),
            ));
        }
        Ok(())
    }
}

/// Where the key came from, which decides whether issuer control is confirmed.
enum KeySource {
    /// Confirmed: the key is controlled by the issuer.
    Controlled(String),
    /// The key verifies but its control is not established offline.
    Unconfirmed(String),
    /// The key is demonstrably controlled by someone else.
    Foreign(String),
}

/// Pulls the credential out of an SVG, a JWT, or JSON.
enum Parsed {
    Json(Value),
    Jwt(Box<jwt::Decoded>),
}

fn parse(input: &[u8]) -> Result<(String, Parsed), Error> {
    let text = std::str::from_utf8(input)
        .map_err(|_| Error::Invalid("the input is not UTF-8 text".into()))?
        .trim_start_matches('\u{feff}')
        .trim();
    if text.is_empty() {
        return Err(Error::Invalid("the input is empty".into()));
    }
    let (prefix, body) = if text.starts_with('<') {
        ("svg+", crate::bake::extract(text)?)
    } else {
        ("", text.to_owned())
    };
    if jwt::looks_like_jwt(&body) {
        return Ok((
            format!("{prefix}jwt"),
            Parsed::Jwt(Box::new(jwt::decode(&body)?)),
        ));
    }
    let v: Value =
        serde_json::from_str(&body).map_err(|e| Error::Invalid(format!("malformed JSON: {e}")))?;
    if !v.is_object() {
        return Err(Error::Invalid("a credential must be a JSON object".into()));
    }
    Ok((format!("{prefix}json-ld"), Parsed::Json(v)))
}

/// Verifies a credential given as bytes (JSON-LD, compact JWT, or baked SVG).
pub fn verify(input: &[u8], opts: &Options) -> Report {
    let (format, parsed) = match parse(input) {
        Ok(p) => p,
        Err(e) => {
            let mut r = Report::new("unknown");
            r.push("parse", Check::Fail(e.to_string()));
            return r.finish();
        }
    };
    let mut r = Report::new(&format);
    r.push("parse", Check::Pass(format!("read as {format}")));
    let credential = match &parsed {
        Parsed::Json(v) => v.clone(),
        Parsed::Jwt(d) => d.credential(),
    };
    r.credential_id = credential
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned);

    // Schema (the 1EdTech JSON Schema) and the subject rule.
    r.push(
        "schema",
        match crate::schema::obv3_rules(&credential)
            .and_then(|()| validate(Schema::AchievementCredential, &credential))
        {
            Ok(()) => Check::Pass("satisfies the 1EdTech OBv3 AchievementCredential schema".into()),
            Err(e) => Check::Fail(e.to_string()),
        },
    );
    let subj = credential.get("credentialSubject");
    let has_id = subj.and_then(|s| s.get("id")).is_some();
    let has_identifier = subj.and_then(|s| s.get("identifier")).is_some();
    r.push(
        "subject",
        if has_id || has_identifier {
            Check::Pass(if has_id {
                "the subject is identified by id".into()
            } else {
                "the subject is identified by an IdentityObject".into()
            })
        } else {
            Check::Fail("the credential subject has neither id nor identifier".into())
        },
    );

    let issuer = crate::issuer_id(&credential);
    let (sig, control) = match &parsed {
        Parsed::Json(v) => check_data_integrity(v, issuer.as_deref(), opts),
        Parsed::Jwt(d) => check_jwt(d, issuer.as_deref(), opts),
    };
    let sig_ok = matches!(sig, Check::Pass(_));
    r.push("signature", sig);
    r.push(
        "issuer-key",
        if sig_ok {
            control
        } else {
            Check::Skipped("no valid signature to attribute".into())
        },
    );
    r.push("validity", check_validity(&credential, opts));
    r.push("status", check_status(&credential, issuer.as_deref(), opts));
    r.finish()
}

fn check_validity(c: &Value, opts: &Options) -> Check {
    let now = opts.now.unwrap_or_else(Utc::now);
    let parse = |k: &str| -> Result<Option<DateTime<Utc>>, String> {
        match c.get(k) {
            None => Ok(None),
            Some(Value::String(s)) => DateTime::parse_from_rfc3339(s)
                .map(|d| Some(d.with_timezone(&Utc)))
                .map_err(|e| format!("{k} {s} is not a date-time with zone: {e}")),
            Some(_) => Err(format!("{k} is not a string")),
        }
    };
    let from = match parse("validFrom") {
        Ok(Some(f)) => f,
        Ok(None) => return Check::Fail("the credential has no validFrom".into()),
        Err(e) => return Check::Fail(e),
    };
    let until = match parse("validUntil") {
        Ok(u) => u,
        Err(e) => return Check::Fail(e),
    };
    if now < from {
        return Check::Fail(format!("not yet valid: valid from {}", from.to_rfc3339()));
    }
    if let Some(u) = until {
        if now >= u {
            return Check::Fail(format!("expired: valid until {}", u.to_rfc3339()));
        }
        return Check::Pass(format!(
            "valid from {} until {}",
            from.to_rfc3339(),
            u.to_rfc3339()
        ));
    }
    Check::Pass(format!("valid from {} with no end", from.to_rfc3339()))
}

fn check_status(c: &Value, issuer: Option<&str>, opts: &Options) -> Check {
    let Some(status) = c.get("credentialStatus") else {
        return Check::Pass("no credentialStatus: the credential cannot be revoked".into());
    };
    let entries: Vec<&Value> = match status {
        Value::Array(a) => a.iter().collect(),
        s => vec![s],
    };
    let id = c.get("id").and_then(Value::as_str).unwrap_or_default();
    let mut notes = Vec::new();
    for e in entries {
        let ty = e.get("type").and_then(Value::as_str).unwrap_or("(no type)");
        let url = e.get("id").and_then(Value::as_str).unwrap_or("(no id)");
        if ty != STATUS_TYPE {
            notes.push(format!(
                "status method {ty} is not supported, so {url} is unchecked"
            ));
            continue;
        }
        match opts.status_lists.iter().find(|l| l.id == url) {
            Some(list) => {
                if issuer.is_some_and(|i| i != list.issuer) {
                    return Check::Fail(format!(
                        "the revocation list {url} belongs to {}, not to the credential's issuer",
                        list.issuer
                    ));
                }
                if let Some(rev) = list.find(id) {
                    return Check::Fail(format!(
                        "revoked{}",
                        rev.revocation_reason
                            .as_deref()
                            .map(|r| format!(": {r}"))
                            .unwrap_or_default()
                    ));
                }
            }
            None => notes.push(format!(
                "revocation list {url} is not available offline, so status is unchecked (download it and give it with --status)"
            )),
        }
    }
    if notes.is_empty() {
        Check::Pass("not revoked".into())
    } else if opts.require_status {
        Check::Fail(notes.join("; "))
    } else {
        Check::Unconfirmed(notes.join("; "))
    }
}

fn vm_in_docs<'a>(vm: &str, docs: &'a [Value]) -> Option<(&'a Value, &'a Value)> {
    for doc in docs {
        let doc_id = doc.get("id").and_then(Value::as_str).unwrap_or_default();
        let Some(vms) = doc.get("verificationMethod").and_then(Value::as_array) else {
            continue;
        };
        for m in vms {
            let mid = m.get("id").and_then(Value::as_str).unwrap_or_default();
            let full = if mid.starts_with('#') {
                format!("{doc_id}{mid}")
            } else {
                mid.to_owned()
            };
            if full == vm {
                return Some((doc, m));
            }
        }
    }
    None
}

fn key_from_vm_entry(m: &Value) -> Result<PublicJwk, Error> {
    if let Some(mb) = m.get("publicKeyMultibase").and_then(Value::as_str) {
        return parse_ed25519_multikey(mb).map(PublicJwk::Ed25519);
    }
    if let Some(j) = m.get("publicKeyJwk") {
        return PublicJwk::from_json(j);
    }
    Err(Error::Invalid(
        "the verification method has neither publicKeyMultibase nor publicKeyJwk".into(),
    ))
}

/// Decides control of a key found in an issuer document.
fn doc_control(vm: &str, doc: &Value, m: &Value, issuer: Option<&str>) -> KeySource {
    let doc_id = doc.get("id").and_then(Value::as_str).unwrap_or_default();
    let controller = m
        .get("controller")
        .and_then(Value::as_str)
        .unwrap_or(doc_id);
    let Some(issuer) = issuer else {
        return KeySource::Foreign("the credential names no issuer".into());
    };
    if controller != issuer {
        return KeySource::Foreign(format!(
            "key {vm} is controlled by {controller}, not by the issuer {issuer}"
        ));
    }
    if doc_id != issuer {
        return KeySource::Foreign(format!(
            "the issuer document is for {doc_id}, not for the issuer {issuer}"
        ));
    }
    let listed = doc
        .get("assertionMethod")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter().any(|x| {
                let s = x
                    .as_str()
                    .or_else(|| x.get("id").and_then(Value::as_str))
                    .unwrap_or_default();
                s == vm || (s.starts_with('#') && format!("{doc_id}{s}") == vm)
            })
        });
    if !listed {
        return KeySource::Foreign(format!(
            "key {vm} is not listed in the issuer's assertionMethod"
        ));
    }
    KeySource::Controlled(format!(
        "key {vm} is an assertion method of the issuer {issuer} (from its DID document)"
    ))
}

fn did_of(url: &str) -> Option<&str> {
    url.starts_with("did:")
        .then(|| url.split('#').next().unwrap_or(url))
}

/// Finds the key for `vm` and how far its control is established.
fn resolve_key(
    vm: &str,
    issuer: Option<&str>,
    opts: &Options,
) -> Result<(PublicJwk, KeySource), Error> {
    if let Some((key, controller)) = resolve_did_key(vm)? {
        let src = match issuer {
            Some(i) if i == controller => {
                KeySource::Controlled(format!("the issuer is the did:key {controller} itself"))
            }
            Some(i) => KeySource::Foreign(format!(
                "signed by {controller}, a key the issuer {i} does not control"
            )),
            None => KeySource::Foreign("the credential names no issuer".into()),
        };
        return Ok((PublicJwk::Ed25519(key), src));
    }
    if let Some((doc, m)) = vm_in_docs(vm, &opts.issuer_docs) {
        let key = key_from_vm_entry(m)?;
        return Ok((key, doc_control(vm, doc, m, issuer)));
    }
    if let Some((_, key)) = opts.keys.iter().find(|(kid, _)| kid.as_deref() == Some(vm)) {
        let src = match (did_of(vm), issuer) {
            (Some(did), Some(i)) if did != i => {
                KeySource::Foreign(format!("key {vm} belongs to {did}, not to the issuer {i}"))
            }
            _ => KeySource::Controlled(format!("key {vm} was supplied with --key")),
        };
        return Ok((key.clone(), src));
    }
    if let [(None, key)] = opts.keys.as_slice() {
        let src = match (did_of(vm), issuer) {
            (Some(did), Some(i)) if did != i => {
                KeySource::Foreign(format!("key {vm} belongs to {did}, not to the issuer {i}"))
            }
            _ => KeySource::Controlled("the key was supplied with --key".into()),
        };
        return Ok((key.clone(), src));
    }
    if let Some((base, frag)) = vm.split_once('#')
        && frag.starts_with("z6Mk")
        && !base.starts_with("did:")
    {
        let key = parse_ed25519_multikey(frag)?;
        let why = if Some(base) == issuer {
            format!(
                "key {frag:.16}… is named by the issuer's URL {base}; that the issuer controls it can only be confirmed online (download {base} and give it with --issuer-doc)"
            )
        } else {
            format!(
                "key {frag:.16}… is named by {base}, outside the issuer's id; its control is unconfirmed offline"
            )
        };
        return Ok((PublicJwk::Ed25519(key), KeySource::Unconfirmed(why)));
    }
    if !opts.keys.is_empty() {
        return Err(Error::Invalid(format!(
            "none of the {} key(s) given with --key is {vm}",
            opts.keys.len()
        )));
    }
    let hint = match did_web_document_url(vm) {
        Some(u) => format!(" (published at {u})"),
        None => String::new(),
    };
    Err(Error::Invalid(format!(
        "the key {vm} is not in the credential; give the issuer's DID document{hint} with --issuer-doc, or its JWK(S) with --key"
    )))
}

fn check_data_integrity(c: &Value, issuer: Option<&str>, opts: &Options) -> (Check, Check) {
    let proofs = di::proofs(c);
    if proofs.is_empty() {
        return (
            Check::Fail("the credential has no proof (not signed)".into()),
            Check::Skipped(String::new()),
        );
    }
    // Every proof must verify; control is the weakest of them.
    let mut control = Check::Pass(String::new());
    let mut passes = Vec::new();
    for proof in proofs {
        let vm = match di::check_proof_shape(proof) {
            Ok(vm) => vm,
            Err(e) => return (Check::Fail(e.to_string()), Check::Skipped(String::new())),
        };
        let (key, src) = match resolve_key(vm, issuer, opts) {
            Ok(k) => k,
            Err(e) => return (Check::Fail(e.to_string()), Check::Skipped(String::new())),
        };
        let PublicJwk::Ed25519(ed) = key else {
            return (
                Check::Fail(format!(
                    "key {vm} is not an Ed25519 key, as eddsa-rdfc-2022 needs"
                )),
                Check::Skipped(String::new()),
            );
        };
        if let Err(e) = di::verify_proof(c, proof, &ed) {
            return (Check::Fail(e.to_string()), Check::Skipped(String::new()));
        }
        passes.push(format!("eddsa-rdfc-2022 proof by {vm} verifies"));
        control = weakest(control, src);
    }
    (Check::Pass(passes.join("; ")), control)
}

fn weakest(current: Check, src: KeySource) -> Check {
    match (current, src) {
        (c @ Check::Fail(_), _) => c,
        (_, KeySource::Foreign(why)) => Check::Fail(why),
        (c @ Check::Unconfirmed(_), _) => c,
        (_, KeySource::Unconfirmed(why)) => Check::Unconfirmed(why),
        (_, KeySource::Controlled(why)) => Check::Pass(why),
    }
}

fn check_jwt(d: &jwt::Decoded, issuer: Option<&str>, opts: &Options) -> (Check, Check) {
    let fail = |e: String| (Check::Fail(e), Check::Skipped(String::new()));
    if let Err(e) = d.check_claims() {
        return fail(e.to_string());
    }
    let resolved: Result<(PublicJwk, KeySource), Error> = match (&d.kid, &d.header_jwk) {
        (Some(kid), _) => resolve_key(kid, issuer, opts),
        (None, Some(hk)) => {
            if opts.keys.iter().any(|(_, k)| k == hk) {
                Ok((
                    hk.clone(),
                    KeySource::Controlled(
                        "the header's jwk matches a key supplied with --key".into(),
                    ),
                ))
            } else if !opts.keys.is_empty() {
                Ok((
                    hk.clone(),
                    KeySource::Foreign(
                        "the header's jwk is none of the keys supplied with --key".into(),
                    ),
                ))
            } else {
                Ok((
                    hk.clone(),
                    KeySource::Unconfirmed(
                        "the key travels in the JWT header; nothing ties it to the issuer offline (give --key)".into(),
                    ),
                ))
            }
        }
        (None, None) => match opts.keys.as_slice() {
            [(_, k)] => Ok((
                k.clone(),
                KeySource::Controlled("the key was supplied with --key".into()),
            )),
            _ => Err(Error::Invalid(
                "the JWT names no key (no kid or jwk); give exactly one with --key".into(),
            )),
        },
    };
    let (key, src) = match resolved {
        Ok(k) => k,
        Err(e) => return fail(e.to_string()),
    };
    if let Err(e) = d.verify_signature(&key) {
        return fail(e.to_string());
    }
    (
        Check::Pass(format!("{} JWT signature verifies", d.alg.name())),
        weakest(Check::Pass(String::new()), src),
    )
}

/// Where a `did:web` DID document is published (did:web method spec):
/// `did:web:host` → `https://host/.well-known/did.json`,
/// `did:web:host:a:b` → `https://host/a/b/did.json`.
pub fn did_web_document_url(did_or_url: &str) -> Option<String> {
    let did = did_or_url.split('#').next()?.strip_prefix("did:web:")?;
    let mut parts = did.split(':');
    let host = parts.next()?.replace("%3A", ":");
    let path: Vec<&str> = parts.collect();
    Some(if path.is_empty() {
        format!("https://{host}/.well-known/did.json")
    } else {
        format!("https://{host}/{}/did.json", path.join("/"))
    })
}

#[cfg(test)]
mod tests {
    use super::did_web_document_url;

    #[test]
    fn did_web_urls_follow_the_method_spec() {
        for (did, url) in [
            (
                "did:web:ada.example#key-0",
                "https://ada.example/.well-known/did.json",
            ),
            (
                "did:web:example.com%3A8443:u:ada",
                "https://example.com:8443/u/ada/did.json",
            ),
        ] {
            assert_eq!(did_web_document_url(did).as_deref(), Some(url));
        }
        assert_eq!(did_web_document_url("https://ada.example/k#1"), None);
    }
}
