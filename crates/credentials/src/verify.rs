//! Offline verification, step by step, the way the OBv3 "Verification"
//! section orders it: schema and subject, proof or signature, the issuer's
//! control of the key, the validity window, then revocation status.
//!
//! Nothing is fetched. Keys come from the credential itself (`did:key`, or a
//! key spelled in a verification-method URL fragment, which proves the
//! signature but not who controls the key), from issuer documents (DID
//! document / Profile) and JWKs the caller supplies, and status from
//! revocation lists and status list credentials the caller supplies.
//!
//! The verdict says what is known: INVALID only when something is proven
//! wrong (a signature, tampering, a key the issuer's own document does not
//! list, expiry, revocation, a MUST of the specification); UNSUPPORTED when
//! the credential uses a cryptosuite, data-model version or context we do not
//! handle (named); UNCONFIRMED when nothing is wrong but the key, the
//! signature or the status could not be confirmed offline.

use crate::Error;
use crate::di;
use crate::jwt;
use crate::multikey::{PublicJwk, key_of_method, parse_multikey, resolve_did_key};
use crate::schema::{Kind, Model};
use crate::status::{RevocationList, STATUS_LIST_ENTRIES, STATUS_TYPE, StatusListCredential};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// Result of one step.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", content = "detail", rename_all = "snake_case")]
pub enum Check {
    /// The step passed.
    Pass(String),
    /// The step could not be completed offline; nothing is known to be wrong.
    Unconfirmed(String),
    /// The credential uses something we do not handle (named); nothing is
    /// known to be wrong.
    Unsupported(String),
    /// The step failed: something is proven wrong.
    Fail(String),
    /// Not run because an earlier step made it meaningless.
    Skipped(String),
}

impl Check {
    /// The step's explanation.
    pub fn detail(&self) -> &str {
        match self {
            Self::Pass(d)
            | Self::Unconfirmed(d)
            | Self::Unsupported(d)
            | Self::Fail(d)
            | Self::Skipped(d) => d,
        }
    }

    fn from_error(e: &Error) -> Self {
        match e {
            Error::Unsupported(m) => Self::Unsupported(m.clone()),
            e => Self::Fail(e.to_string()),
        }
    }
}

/// One named step and its result.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Short name: `parse`, `schema`, `subject`, `signature`, `issuer-key`, `validity`, `status`.
    pub name: &'static str,
    /// What happened.
    pub check: Check,
}

/// The overall verdict.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every step passed.
    Valid,
    /// Nothing failed, but something (the signature's key, the issuer's
    /// control of it, or revocation status) could not be confirmed offline.
    Unconfirmed,
    /// Nothing is known to be wrong, but the credential uses a cryptosuite,
    /// data-model version or context this verifier does not handle.
    Unsupported,
    /// Something is proven wrong.
    Invalid,
}

impl Verdict {
    /// Process exit code: 0 valid, 1 invalid, 3 unconfirmed, 4 unsupported.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Valid => 0,
            Self::Unconfirmed => 3,
            Self::Unsupported => 4,
            Self::Invalid => 1,
        }
    }
}

/// How much a conformance finding weighs.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A MUST of the specification is broken (the step it belongs to fails).
    Error,
    /// A SHOULD is not followed, or something wallets and validators warn
    /// about; the verdict does not change.
    Warning,
}

/// A conformance finding, as 1EdTech's validator reports them: a rule name,
/// its weight, and what was found.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Short rule name, e.g. `subject-identified`.
    pub rule: &'static str,
    /// Error (a MUST) or warning (a SHOULD).
    pub level: Level,
    /// What was found, where.
    pub message: String,
}

/// A verification report.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `json-ld`, `jwt`, `svg+json-ld`, `svg+jwt`, `png+json-ld` or `png+jwt`.
    pub format: String,
    /// Credential id, when it could be read.
    pub credential_id: Option<String>,
    /// Every step in order.
    pub steps: Vec<Step>,
    /// The verdict.
    pub verdict: Verdict,
    /// Conformance findings (errors are also reflected in the steps).
    pub findings: Vec<Finding>,
    /// For a CLR: the report of every credential it bundles.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub included: Vec<Report>,
}

impl Report {
    fn new(format: &str) -> Self {
        Self {
            format: format.to_owned(),
            credential_id: None,
            steps: Vec::new(),
            verdict: Verdict::Valid,
            findings: Vec::new(),
            included: Vec::new(),
        }
    }

    fn push(&mut self, name: &'static str, check: Check) {
        self.steps.push(Step { name, check });
    }

    fn any(&self, f: impl Fn(&Check) -> bool) -> bool {
        self.steps.iter().any(|s| f(&s.check))
    }

    fn finish(mut self) -> Self {
        self.verdict = if self.any(|c| matches!(c, Check::Fail(_))) {
            Verdict::Invalid
        } else if self.any(|c| matches!(c, Check::Unsupported(_))) {
            Verdict::Unsupported
        } else if self.any(|c| matches!(c, Check::Unconfirmed(_))) {
            Verdict::Unconfirmed
        } else {
            Verdict::Valid
        };
        self
    }

    /// Why the verdict is not VALID: the first failure of an invalid
    /// credential, the first unsupported feature of an unsupported one, the
    /// first unconfirmed step of an unconfirmed one; `None` when valid.
    pub fn reason(&self) -> Option<String> {
        let pick = |f: fn(&Check) -> bool| {
            self.steps
                .iter()
                .find(|s| f(&s.check))
                .map(|s| format!("{}: {}", s.name, s.check.detail()))
        };
        match self.verdict {
            Verdict::Valid => None,
            Verdict::Invalid => pick(|c| matches!(c, Check::Fail(_))),
            Verdict::Unsupported => pick(|c| matches!(c, Check::Unsupported(_))),
            Verdict::Unconfirmed => pick(|c| matches!(c, Check::Unconfirmed(_))),
        }
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
    /// 1EdTech revocation lists.
    pub status_lists: Vec<RevocationList>,
    /// StatusList2021 / BitstringStatusList credentials.
    pub status_credentials: Vec<StatusListCredential>,
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

    /// Adds a status document: a 1EdTech revocation list or a
    /// StatusList2021 / BitstringStatusList credential. Returns `false` (and
    /// adds nothing) when `v` is neither.
    ///
    /// # Errors
    /// [`Error::Invalid`] when it is one of them but malformed.
    pub fn add_status_document(&mut self, v: &Value) -> Result<bool, Error> {
        self.add_status_file(v, None)
    }

    /// As [`Options::add_status_document`], for a document saved under
    /// `saved_as` (its file name without `.json`), which a status entry's
    /// URL may end with.
    ///
    /// # Errors
    /// As [`Options::add_status_document`].
    pub fn add_status_file(&mut self, v: &Value, saved_as: Option<&str>) -> Result<bool, Error> {
        if v.get("revokedCredentials").is_some() {
            self.status_lists.push(RevocationList::from_json(v)?);
            Ok(true)
        } else if StatusListCredential::is_status_list(v) {
            let mut l = StatusListCredential::from_json(v)?;
            l.saved_as = saved_as.map(str::to_owned);
            self.status_credentials.push(l);
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Adds an issuer document (DID document or Profile with keys), a JWK(S),
    /// or a status document, recognising which it is.
    ///
    /// # Errors
    /// [`Error::Invalid`] when it is none of them.
    pub fn add_document(&mut self, v: Value) -> Result<(), Error> {
        if self.add_status_document(&v)? {
        } else if v.get("keys").is_some() || v.get("kty").is_some() {
            self.add_jwk_or_jwks(&v)?;
        } else if v.get("id").and_then(Value::as_str).is_some() {
            self.issuer_docs.push(v);
        } else {
            return Err(Error::Invalid(
                "not a DID document, Profile, JWK(S), revocation list or status list".into(),
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

/// What key resolution found for a verification method (short-lived, so the
/// size of an RSA key inline does not matter).
#[allow(clippy::large_enum_variant)]
enum Resolution {
    /// A key, and how far its control is established.
    Found(PublicJwk, KeySource),
    /// No key is available offline; nothing is known to be wrong.
    Unavailable(String),
}

/// Pulls the credential out of an image, a JWT, or JSON.
enum Parsed {
    Json(Value),
    Jwt(Box<jwt::Decoded>),
}

fn parse(input: &[u8]) -> Result<(String, Parsed), Error> {
    let (prefix, body) = if input.starts_with(crate::bake::PNG_SIGNATURE) {
        ("png+", crate::bake::extract_png(input)?)
    } else {
        let text = std::str::from_utf8(input)
            .map_err(|_| Error::Invalid("the input is neither UTF-8 text nor a PNG image".into()))?
            .trim_start_matches('\u{feff}')
            .trim();
        if text.is_empty() {
            return Err(Error::Invalid("the input is empty".into()));
        }
        if text.starts_with('<') {
            ("svg+", crate::bake::extract(text)?)
        } else {
            ("", text.to_owned())
        }
    };
    let body = body.trim();
    if jwt::looks_like_jwt(body) {
        return Ok((
            format!("{prefix}jwt"),
            Parsed::Jwt(Box::new(jwt::decode(body)?)),
        ));
    }
    let v: Value =
        serde_json::from_str(body).map_err(|e| Error::Invalid(format!("malformed JSON: {e}")))?;
    if !v.is_object() {
        return Err(Error::Invalid("a credential must be a JSON object".into()));
    }
    Ok((format!("{prefix}json-ld"), Parsed::Json(v)))
}

/// Verifies a credential given as bytes (JSON-LD, compact JWT, or a baked
/// SVG or PNG).
pub fn verify(input: &[u8], opts: &Options) -> Report {
    let (format, parsed) = match parse(input) {
        Ok(p) => p,
        Err(e) => {
            let mut r = Report::new("unknown");
            r.push("parse", Check::from_error(&e));
            return r.finish();
        }
    };
    verify_parsed(&format, &parsed, opts, 0)
}

/// How deep CLRs may nest CLRs.
const MAX_DEPTH: u8 = 2;

fn verify_parsed(format: &str, parsed: &Parsed, opts: &Options, depth: u8) -> Report {
    let mut r = Report::new(format);
    r.push("parse", Check::Pass(format!("read as {format}")));
    let credential = match parsed {
        Parsed::Json(v) => v.clone(),
        Parsed::Jwt(d) => d.credential(),
    };
    r.credential_id = credential
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned);

    // Schema (the 1EdTech JSON Schema for VC 2.0) and the subject rule.
    let (model, kind) = match crate::schema::check_credential(&credential) {
        Ok((model, kind, what)) => {
            r.push("schema", Check::Pass(what));
            (Some(model), Some(kind))
        }
        Err(e) => {
            r.push("schema", Check::from_error(&e));
            (crate::schema::model(&credential).ok(), None)
        }
    };
    if let Err(Error::Unsupported(_)) = crate::schema::model(&credential) {
        for name in ["subject", "signature", "issuer-key", "validity", "status"] {
            r.push(
                name,
                Check::Skipped("a data model this verifier does not handle".into()),
            );
        }
        return r.finish();
    }
    let subj = credential.get("credentialSubject");
    let has_id = subj.and_then(|s| s.get("id")).is_some();
    let has_identifier = subj.and_then(|s| s.get("identifier")).is_some();
    r.push(
        "subject",
        if kind.is_none() && matches!(r.step("schema"), Some(Check::Unsupported(_))) {
            Check::Skipped("what kind of credential this is could not be established".into())
        } else if has_id || has_identifier {
            Check::Pass(if has_id {
                "the subject is identified by id".into()
            } else {
                "the subject is identified by an IdentityObject".into()
            })
        } else if kind == Some(Kind::Endorsement) {
            Check::Fail("the endorsement's subject has no id (what it endorses)".into())
        } else {
            // OBv3 Verification asks for one; the JSON Schema does not, and
            // nothing is forged: the badge names no recipient to check.
            Check::Unconfirmed(
                "the credential subject has neither id nor identifier, so whom it was awarded to cannot be confirmed (OBv3 Verification: subject identified)".into(),
            )
        },
    );

    let issuer = crate::issuer_id(&credential);
    let (sig, control) = match parsed {
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
            Check::Skipped("no verified signature to attribute".into())
        },
    );
    r.push(
        "validity",
        check_validity(&credential, model.unwrap_or(Model::V2), opts),
    );
    let signed_by: Vec<String> = match parsed {
        Parsed::Json(v) => di::proofs(v)
            .iter()
            .filter_map(|p| p.get("verificationMethod").and_then(Value::as_str))
            .map(str::to_owned)
            .collect(),
        Parsed::Jwt(d) => d.kid.iter().cloned().collect(),
    };
    r.push(
        "status",
        check_status(&credential, issuer.as_deref(), &signed_by, opts),
    );
    if kind == Some(Kind::Clr) {
        check_included(&mut r, &credential, opts, depth);
    }
    if let Some(m) = model {
        r.findings = conformance(&credential, m, kind, parsed);
        // A MUST the JSON Schema does not encode (VC 1.1 credentials are not
        // schema-checked) still fails the schema step.
        if let Some(f) = r.findings.iter().find(|f| f.level == Level::Error)
            && matches!(r.step("schema"), Some(Check::Pass(_)))
            && f.rule != "subject-identified"
        {
            let why = format!("{}: {}", f.rule, f.message);
            if let Some(step) = r.steps.iter_mut().find(|s| s.name == "schema") {
                step.check = Check::Fail(why);
            }
        }
    }
    r.finish()
}

/// The OBv3 `achievementType` vocabulary, read from the shipped 1EdTech schema.
fn achievement_types() -> &'static Vec<String> {
    static T: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let schema: Value = serde_json::from_str(include_str!(
            "../assets/schemas/ob_v3p0_achievementcredential_schema.json"
        ))
        .unwrap_or_default();
        schema
            .pointer("/$defs/Achievement/properties/achievementType/oneOf/0/enum")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// Conformance rules the way 1EdTech's validator words them: a MUST is an
/// error, a SHOULD a warning, each with its rule name.
fn conformance(c: &Value, model: Model, kind: Option<Kind>, parsed: &Parsed) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |rule, level, message: String| {
        out.push(Finding {
            rule,
            level,
            message,
        })
    };
    if model == Model::V1_1 {
        add(
            "vc-data-model",
            Level::Warning,
            "VC 1.1 data model (credentials/v1, issuanceDate): OBv3 3.0.3 issuers use VC 2.0 (validFrom); older wallets accept it, the 1EdTech certification does not".into(),
        );
    }
    if kind == Some(Kind::Achievement) || kind == Some(Kind::Endorsement) {
        if c.get("name")
            .and_then(Value::as_str)
            .is_none_or(|n| n.trim().is_empty())
        {
            add(
                "credential-name",
                Level::Warning,
                "the credential has no name: wallets show nothing (OBv3: name SHOULD be given)"
                    .into(),
            );
        }
        if c.get("issuer").and_then(|i| i.get("name")).is_none() {
            add(
                "issuer-name",
                Level::Warning,
                "the issuer Profile has no name to show".into(),
            );
        }
    }
    let subj = c.get("credentialSubject");
    if kind == Some(Kind::Achievement) {
        if subj.and_then(|s| s.get("id")).is_none()
            && subj.and_then(|s| s.get("identifier")).is_none()
        {
            add(
                "subject-identified",
                Level::Error,
                "credentialSubject has neither id nor identifier (OBv3 Verification: the subject MUST be identified)".into(),
            );
        }
        let ach = subj.and_then(|s| s.get("achievement"));
        if let Some(t) = ach
            .and_then(|a| a.get("achievementType"))
            .and_then(Value::as_str)
            && !t.starts_with("ext:")
            && !achievement_types().iter().any(|x| x == t)
        {
            add(
                "achievement-type",
                Level::Error,
                format!(
                    "achievementType {t} is neither in the OBv3 vocabulary nor an ext: extension"
                ),
            );
        }
        if let Some(Value::String(_)) = ach.and_then(|a| a.get("image")) {
            add(
                "image-object",
                Level::Warning,
                "achievement.image is a bare URL; OBv3 3.0.3 expects an Image object ({id, type: Image})".into(),
            );
        }
        if ach.and_then(|a| a.get("id")).is_none() {
            add(
                "achievement-id",
                Level::Warning,
                "the achievement has no id, so it cannot be recognised across badges".into(),
            );
        }
    }
    let (from_k, until_k) = match model {
        Model::V2 => ("validFrom", "validUntil"),
        Model::V1_1 => ("issuanceDate", "expirationDate"),
    };
    let date = |k: &str| {
        c.get(k)
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
    };
    if let (Some(f), Some(u)) = (date(from_k), date(until_k))
        && u < f
    {
        add(
            "validity-order",
            Level::Error,
            format!("{until_k} is before {from_k}: the credential was never valid"),
        );
    }
    if let Parsed::Json(v) = parsed
        && v.get("proof").is_some_and(Value::is_object)
    {
        add(
            "proof-array",
            Level::Warning,
            "proof is a single object; the strict 1EdTech schema (2024) wants an array".into(),
        );
    }
    out
}

/// Verifies every credential a CLR bundles, each on its own (its own
/// signature, issuer, dates, status), and adds one `included` step that
/// carries the weakest of their verdicts.
fn check_included(r: &mut Report, clr: &Value, opts: &Options, depth: u8) {
    let list: Vec<&Value> = match clr.pointer("/credentialSubject/verifiableCredential") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    if depth >= MAX_DEPTH {
        r.push(
            "included",
            Check::Unsupported("CLRs nested deeper than two levels are not checked".into()),
        );
        return;
    }
    for v in &list {
        let inner = match v {
            Value::String(jwt) => verify(jwt.as_bytes(), opts),
            Value::Object(_) => {
                verify_parsed("json-ld", &Parsed::Json((*v).clone()), opts, depth + 1)
            }
            _ => {
                let mut bad = Report::new("unknown");
                bad.push(
                    "parse",
                    Check::Fail("an included credential is neither an object nor a JWT".into()),
                );
                bad.finish()
            }
        };
        r.included.push(inner);
    }
    let n = r.included.len();
    let name = |i: usize, x: &Report| {
        format!(
            "credential {} of {n} ({})",
            i + 1,
            x.credential_id.as_deref().unwrap_or("no id")
        )
    };
    let worst = |v: Verdict| {
        r.included
            .iter()
            .enumerate()
            .find(|(_, x)| x.verdict == v)
            .map(|(i, x)| format!("{}: {}", name(i, x), x.reason().unwrap_or_default()))
    };
    let check = if n == 0 {
        Check::Fail("the CLR bundles no credential".into())
    } else if let Some(w) = worst(Verdict::Invalid) {
        Check::Fail(w)
    } else if let Some(w) = worst(Verdict::Unsupported) {
        Check::Unsupported(w)
    } else if let Some(w) = worst(Verdict::Unconfirmed) {
        Check::Unconfirmed(w)
    } else {
        Check::Pass(format!("all {n} bundled credential(s) are valid"))
    };
    r.push("included", check);
}

fn check_validity(c: &Value, model: Model, opts: &Options) -> Check {
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
    let (from_k, until_k) = match model {
        Model::V2 => ("validFrom", "validUntil"),
        Model::V1_1 => ("issuanceDate", "expirationDate"),
    };
    let from = match parse(from_k) {
        Ok(Some(f)) => Some(f),
        // VC 2.0 makes validFrom optional (Open Badges' schema does not,
        // and the schema step says so); VC 1.1 requires issuanceDate.
        Ok(None) if model == Model::V2 => None,
        Ok(None) => return Check::Fail(format!("the credential has no {from_k}")),
        Err(e) => return Check::Fail(e),
    };
    let until = match parse(until_k) {
        Ok(u) => u,
        Err(e) => return Check::Fail(e),
    };
    if let Some(f) = from
        && now < f
    {
        return Check::Fail(format!("not yet valid: valid from {}", f.to_rfc3339()));
    }
    let from = from.map_or_else(|| "any time".to_owned(), |f| f.to_rfc3339());
    if let Some(u) = until {
        if now >= u {
            return Check::Fail(format!("expired: valid until {}", u.to_rfc3339()));
        }
        return Check::Pass(format!("valid from {from} until {}", u.to_rfc3339()));
    }
    Check::Pass(format!("valid from {from} with no end"))
}

fn check_status(c: &Value, issuer: Option<&str>, signed_by: &[String], opts: &Options) -> Check {
    let Some(status) = c.get("credentialStatus") else {
        return Check::Pass("no credentialStatus: the credential cannot be revoked".into());
    };
    let entries: Vec<&Value> = match status {
        Value::Array(a) => a.iter().collect(),
        s => vec![s],
    };
    let id = c.get("id").and_then(Value::as_str).unwrap_or_default();
    let mut notes = Vec::new();
    let mut passes = Vec::new();
    for e in entries {
        let ty = e.get("type").and_then(Value::as_str).unwrap_or("(no type)");
        let url = e.get("id").and_then(Value::as_str).unwrap_or("(no id)");
        if STATUS_LIST_ENTRIES.contains(&ty) {
            match check_status_list_entry(e, ty, issuer, signed_by, opts) {
                Ok(Some(ok)) => passes.push(ok),
                Ok(None) => {}
                Err(StatusProblem::Wrong(why)) => return Check::Fail(why),
                Err(StatusProblem::Unknown(why)) => notes.push(why),
            }
            continue;
        }
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
                passes.push("not revoked".to_owned());
            }
            None => notes.push(format!(
                "revocation list {url} is not available offline, so status is unchecked (download it and give it with --status)"
            )),
        }
    }
    if notes.is_empty() {
        if passes.is_empty() {
            Check::Pass("not revoked".into())
        } else {
            Check::Pass(passes.join("; "))
        }
    } else if opts.require_status {
        Check::Fail(notes.join("; "))
    } else {
        Check::Unconfirmed(notes.join("; "))
    }
}

enum StatusProblem {
    /// Proven: revoked, suspended, or a list that is not the issuer's.
    Wrong(String),
    /// Could not be checked.
    Unknown(String),
}

/// Checks one StatusList2021Entry / BitstringStatusListEntry against the
/// status list credentials given. `Ok(Some(note))` when checked and clear.
/// `signed_by` are the credential's own verification methods: a list signed
/// by the same key is as trustworthy as the credential itself.
fn check_status_list_entry(
    e: &Value,
    ty: &str,
    issuer: Option<&str>,
    signed_by: &[String],
    opts: &Options,
) -> Result<Option<String>, StatusProblem> {
    let url = e
        .get("statusListCredential")
        .and_then(Value::as_str)
        .ok_or_else(|| StatusProblem::Wrong(format!("the {ty} has no statusListCredential")))?;
    let index: u64 = match e.get("statusListIndex") {
        Some(Value::String(s)) => s.parse().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    }
    .ok_or_else(|| StatusProblem::Wrong(format!("the {ty} has no valid statusListIndex")))?;
    let purpose = e
        .get("statusPurpose")
        .and_then(Value::as_str)
        .unwrap_or("revocation");
    let Some(list) = opts
        .status_credentials
        .iter()
        .find(|l| l.answers_for(url) && l.purpose == purpose)
    else {
        return Err(StatusProblem::Unknown(format!(
            "status list {url} ({purpose}) is not available offline, so status is unchecked (download it and give it with --status)"
        )));
    };
    if let (Some(i), Some(li)) = (issuer, list.issuer.as_deref())
        && i != li
    {
        // A warning, as DCC's verifier makes it: some status services sign
        // every list with their own key. Such a list cannot speak for this
        // issuer either way.
        return Err(StatusProblem::Unknown(format!(
            "the status list {url} was issued by {li}, not by the credential's issuer {i}, so it cannot confirm this credential's status"
        )));
    }
    // The list is a credential too: its signature must hold before its bits count.
    let (sig, control) = check_data_integrity(&list.credential, list.issuer.as_deref(), opts);
    match (&sig, &control) {
        (Check::Fail(why), _) | (Check::Pass(_), Check::Fail(why)) => {
            return Err(StatusProblem::Wrong(format!(
                "the status list {url} does not verify: {why}"
            )));
        }
        (Check::Pass(_), Check::Pass(_)) => {}
        (Check::Pass(_), _)
            if {
                let list_vms: Vec<&str> = di::proofs(&list.credential)
                    .iter()
                    .filter_map(|p| p.get("verificationMethod").and_then(Value::as_str))
                    .collect();
                !list_vms.is_empty() && list_vms.iter().all(|v| signed_by.iter().any(|s| s == v))
            } => {}
        (Check::Pass(_), other) | (other, _) => {
            return Err(StatusProblem::Unknown(format!(
                "the status list {url} was given, but its own signature could not be confirmed ({}), so status is unchecked",
                other.detail()
            )));
        }
    }
    match list.bit(index) {
        None => Err(StatusProblem::Wrong(format!(
            "statusListIndex {index} is past the end of the status list {url} ({} entries)",
            list.bits.len() * 8
        ))),
        Some(true) => Err(StatusProblem::Wrong(match purpose {
            "revocation" => format!("revoked (status list {url}, index {index})"),
            "suspension" => format!("suspended (status list {url}, index {index})"),
            p => format!("status {p} is set (status list {url}, index {index})"),
        })),
        Some(false) => Ok(Some(format!(
            "not {} ({ty} {url}, index {index})",
            if purpose == "suspension" {
                "suspended"
            } else {
                "revoked"
            }
        ))),
    }
}

fn doc_id(doc: &Value) -> &str {
    doc.get("id").and_then(Value::as_str).unwrap_or_default()
}

fn absolute(doc_id: &str, id: &str) -> String {
    if id.starts_with('#') {
        format!("{doc_id}{id}")
    } else {
        id.to_owned()
    }
}

/// Every verification method of a document (`verificationMethod` entries and
/// methods embedded in `assertionMethod`), each with its absolute id and
/// whether `assertionMethod` lists it.
fn methods(doc: &Value) -> Vec<(String, &Value, bool)> {
    let id = doc_id(doc);
    let mut asserted: Vec<String> = Vec::new();
    let mut out: Vec<(String, &Value, bool)> = Vec::new();
    if let Some(a) = doc.get("assertionMethod").and_then(Value::as_array) {
        for x in a {
            match x {
                Value::String(s) => asserted.push(absolute(id, s)),
                Value::Object(_) => {
                    if let Some(mid) = x.get("id").and_then(Value::as_str) {
                        let full = absolute(id, mid);
                        asserted.push(full.clone());
                        out.push((full, x, true));
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(vms) = doc.get("verificationMethod").and_then(Value::as_array) {
        for m in vms {
            if let Some(mid) = m.get("id").and_then(Value::as_str) {
                let full = absolute(id, mid);
                let listed = asserted.contains(&full);
                out.push((full, m, listed));
            }
        }
    }
    out
}

/// Decides control of a key found in an issuer document.
fn doc_control(vm: &str, doc: &Value, m: &Value, listed: bool, issuer: Option<&str>) -> KeySource {
    let doc_id = doc_id(doc);
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
    if !listed {
        return KeySource::Foreign(format!(
            "key {vm} is not listed in the issuer's assertionMethod"
        ));
    }
    KeySource::Controlled(format!(
        "key {vm} is an assertion method of the issuer {issuer} (from its issuer document)"
    ))
}

fn did_of(url: &str) -> Option<&str> {
    url.starts_with("did:")
        .then(|| url.split('#').next().unwrap_or(url))
}

/// The issuer document given for `id` (the issuer, or the key's controller).
fn doc_for<'a>(opts: &'a Options, ids: &[Option<&str>]) -> Option<&'a Value> {
    opts.issuer_docs
        .iter()
        .find(|d| ids.iter().flatten().any(|i| *i == doc_id(d)))
}

/// The key a verification method URL spells in its fragment
/// (`https://issuer.example/profile#z6Mk…`, as 1EdTech's test vectors do, or
/// `did:web:…#z6Mk…`, as DCC's issuers do). It proves what the key signed,
/// never who controls it.
fn fragment_key(vm: &str) -> Option<PublicJwk> {
    let (base, frag) = vm.split_once('#')?;
    if base.starts_with("did:key:") || !(frag.starts_with("z6Mk") || frag.starts_with("zDn")) {
        return None;
    }
    parse_multikey(frag).ok()
}

/// Finds the key for `vm` and how far its control is established.
fn resolve_key(vm: &str, issuer: Option<&str>, opts: &Options) -> Result<Resolution, Error> {
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
        return Ok(Resolution::Found(key, src));
    }
    for doc in &opts.issuer_docs {
        if let Some((_, m, listed)) = methods(doc).into_iter().find(|(id, _, _)| id == vm) {
            let key = key_of_method(m)?;
            return Ok(Resolution::Found(
                key,
                doc_control(vm, doc, m, listed, issuer),
            ));
        }
    }
    let foreign_to_keys = |what: String| match (did_of(vm), issuer) {
        (Some(did), Some(i)) if did != i => {
            KeySource::Foreign(format!("key {vm} belongs to {did}, not to the issuer {i}"))
        }
        _ => KeySource::Controlled(what),
    };
    if let Some((_, key)) = opts.keys.iter().find(|(kid, _)| kid.as_deref() == Some(vm)) {
        return Ok(Resolution::Found(
            key.clone(),
            foreign_to_keys(format!("key {vm} was supplied with --key")),
        ));
    }
    if let [(None, key)] = opts.keys.as_slice() {
        return Ok(Resolution::Found(
            key.clone(),
            foreign_to_keys("the key was supplied with --key".into()),
        ));
    }
    let base = vm.split('#').next().unwrap_or(vm);
    // The issuer's (or the key controller's) own document was given and
    // does not list this key: whoever signed, it was not the issuer.
    if let Some(doc) = doc_for(opts, &[issuer, Some(base)])
        && !methods(doc).is_empty()
    {
        let why = format!(
            "key {vm} is not among the keys the issuer document {} (given with --issuer-doc) publishes: the issuer did not sign this",
            doc_id(doc)
        );
        return match fragment_key(vm) {
            Some(k) => Ok(Resolution::Found(k, KeySource::Foreign(why))),
            None => Err(Error::Invalid(why)),
        };
    }
    if let Some(key) = fragment_key(vm) {
        let frag = vm.split_once('#').map(|(_, f)| f).unwrap_or_default();
        let why = if doc_for(opts, &[issuer, Some(base)]).is_some() {
            format!(
                "key {frag:.16}… is named by {base}, but the issuer document given lists no keys, so its control is unconfirmed"
            )
        } else if Some(base) == issuer {
            format!(
                "key {frag:.16}… is named by the issuer's URL {base}; that the issuer controls it can only be confirmed online (download {base} and give it with --issuer-doc)"
            )
        } else {
            format!(
                "key {frag:.16}… is named by {base}, outside the issuer's id; its control is unconfirmed offline"
            )
        };
        return Ok(Resolution::Found(key, KeySource::Unconfirmed(why)));
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
    Ok(Resolution::Unavailable(format!(
        "the key {vm} is not in the credential, so the signature cannot be checked offline; give the issuer's DID document{hint} with --issuer-doc, or its JWK(S) with --key"
    )))
}

fn check_data_integrity(c: &Value, issuer: Option<&str>, opts: &Options) -> (Check, Check) {
    let skipped = || Check::Skipped(String::new());
    let proofs = di::proofs(c);
    if proofs.is_empty() {
        return (
            Check::Fail("the credential has no proof (not signed)".into()),
            skipped(),
        );
    }
    // Every proof we can check must verify; control is the weakest of them.
    let mut control = Check::Pass(String::new());
    let mut passes = Vec::new();
    let mut unsupported = Vec::new();
    let mut unavailable = Vec::new();
    for proof in proofs {
        let (suite, vm) = match di::check_proof_shape(proof) {
            Ok(x) => x,
            Err(Error::Unsupported(m)) => {
                unsupported.push(m);
                continue;
            }
            Err(e) => return (Check::Fail(e.to_string()), skipped()),
        };
        let (key, src) = match resolve_key(vm, issuer, opts) {
            Ok(Resolution::Found(k, s)) => (k, s),
            Ok(Resolution::Unavailable(m)) => {
                unavailable.push(m);
                continue;
            }
            Err(Error::Unsupported(m)) => {
                unsupported.push(format!("{vm}: {m}"));
                continue;
            }
            Err(e) => return (Check::Fail(e.to_string()), skipped()),
        };
        if let Err(e) = di::verify_proof(c, proof, &key) {
            return (Check::from_error(&e), skipped());
        }
        passes.push(format!("{} proof by {vm} verifies", suite.name()));
        control = weakest(control, src);
    }
    if !passes.is_empty() {
        let mut text = passes.join("; ");
        for other in unsupported.iter().chain(&unavailable) {
            text.push_str(&format!("; another proof was not checked: {other}"));
        }
        return (Check::Pass(text), control);
    }
    if let Some(first) = unsupported.first()
        && unavailable.is_empty()
    {
        return (Check::Unsupported(first.clone()), skipped());
    }
    (
        Check::Unconfirmed(
            unavailable
                .into_iter()
                .chain(unsupported)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        skipped(),
    )
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

/// Decides whose key a JWT's header `jwk` is.
fn header_jwk_source(hk: &PublicJwk, issuer: Option<&str>, opts: &Options) -> KeySource {
    if opts.keys.iter().any(|(_, k)| k == hk) {
        return KeySource::Controlled("the header's jwk matches a key supplied with --key".into());
    }
    if !opts.keys.is_empty() {
        return KeySource::Foreign(
            "the header's jwk is none of the keys supplied with --key".into(),
        );
    }
    if let Some(i) = issuer
        && let Ok(Some((key, did))) = resolve_did_key(i)
    {
        return if &key == hk {
            KeySource::Controlled(format!("the header's jwk is the issuer's did:key {did}"))
        } else {
            KeySource::Foreign(format!(
                "the header's jwk is not the key of the issuer's did:key {did}"
            ))
        };
    }
    if let Some(doc) = doc_for(opts, &[issuer]) {
        let ms = methods(doc);
        for (id, m, listed) in &ms {
            if key_of_method(m).ok().as_ref() == Some(hk) {
                return doc_control(id, doc, m, *listed, issuer);
            }
        }
        if !ms.is_empty() {
            return KeySource::Foreign(format!(
                "the header's jwk is not among the keys the issuer document {} (given with --issuer-doc) publishes: the issuer did not sign this",
                doc_id(doc)
            ));
        }
        return KeySource::Unconfirmed(format!(
            "the key travels in the JWT header and the issuer document {} lists no keys, so nothing ties it to the issuer",
            doc_id(doc)
        ));
    }
    KeySource::Unconfirmed(
        "the key travels in the JWT header; nothing ties it to the issuer offline (give --issuer-doc or --key)".into(),
    )
}

fn check_jwt(d: &jwt::Decoded, issuer: Option<&str>, opts: &Options) -> (Check, Check) {
    let fail = |e: &Error| (Check::from_error(e), Check::Skipped(String::new()));
    if let Err(e) = d.check_claims() {
        return fail(&e);
    }
    let kid = d
        .kid
        .as_deref()
        .map(|k| match (k.starts_with('#'), issuer) {
            (true, Some(i)) => format!("{i}{k}"),
            _ => k.to_owned(),
        });
    let mut resolved = match &kid {
        Some(kid) => resolve_key(kid, issuer, opts),
        None => Ok(Resolution::Unavailable(
            "the JWT names no key (no kid or jwk); give the issuer's key with --key".into(),
        )),
    };
    if kid.is_none()
        && let [(_, k)] = opts.keys.as_slice()
    {
        resolved = Ok(Resolution::Found(
            k.clone(),
            KeySource::Controlled("the key was supplied with --key".into()),
        ));
    }
    if let (Some(hk), Ok(Resolution::Unavailable(_))) = (&d.header_jwk, &resolved) {
        resolved = Ok(Resolution::Found(
            hk.clone(),
            header_jwk_source(hk, issuer, opts),
        ));
    }
    let (key, src) = match resolved {
        Ok(Resolution::Found(k, s)) => (k, s),
        Ok(Resolution::Unavailable(m)) => {
            return (Check::Unconfirmed(m), Check::Skipped(String::new()));
        }
        Err(e) => return fail(&e),
    };
    if let Some(hk) = &d.header_jwk
        && hk != &key
    {
        return fail(&Error::Invalid(
            "the JWT header's jwk is not the key its kid names".into(),
        ));
    }
    if let Err(e) = d.verify_signature(&key) {
        return fail(&e);
    }
    (
        Check::Pass(format!("{} JWT signature verifies", d.alg.name())),
        weakest(Check::Pass(String::new()), src),
    )
}

/// With `--online`: fetches what verifying `input` offline lacks (the
/// issuer's did:web document or Profile, the documents of the keys its
/// proofs name, its status lists) into `opts`, and says what it fetched or
/// why it could not, one line each. Verification itself is unchanged.
pub fn fetch_online(
    input: &[u8],
    opts: &mut Options,
    fetcher: &crate::online::Fetcher,
) -> Vec<String> {
    let Ok((_, parsed)) = parse(input) else {
        return Vec::new();
    };
    let credential = match &parsed {
        Parsed::Json(v) => v.clone(),
        Parsed::Jwt(d) => d.credential(),
    };
    let mut wanted: Vec<(String, bool)> = Vec::new();
    let mut want = |url: String, status: bool| {
        if !wanted.iter().any(|(u, _)| *u == url) {
            wanted.push((url, status));
        }
    };
    let doc_url = |id: &str| -> Option<String> {
        if let Some(u) = did_web_document_url(id) {
            return Some(u);
        }
        id.starts_with("https://")
            .then(|| id.split('#').next().unwrap_or(id).to_owned())
    };
    if let Some(u) = crate::issuer_id(&credential).as_deref().and_then(doc_url) {
        want(u, false);
    }
    let vms: Vec<String> = match &parsed {
        Parsed::Json(v) => di::proofs(v)
            .iter()
            .filter_map(|p| p.get("verificationMethod").and_then(Value::as_str))
            .map(str::to_owned)
            .collect(),
        Parsed::Jwt(d) => d.kid.iter().cloned().collect(),
    };
    for vm in vms {
        if let Some(u) = doc_url(&vm) {
            want(u, false);
        }
    }
    let entries: Vec<Value> = match credential.get("credentialStatus") {
        Some(Value::Array(a)) => a.clone(),
        Some(s) => vec![s.clone()],
        None => Vec::new(),
    };
    for e in entries {
        let url = e
            .get("statusListCredential")
            .or_else(|| e.get("id"))
            .and_then(Value::as_str)
            .map(|u| u.split('#').next().unwrap_or(u).to_owned());
        if let Some(u) = url.filter(|u| u.starts_with("https://")) {
            want(u, true);
        }
    }
    let mut notes = Vec::new();
    for (url, status) in wanted {
        match fetcher.get_json(&url) {
            Ok(v) => {
                let added = if status {
                    let stem = url.rsplit('/').next().map(str::to_owned);
                    opts.add_status_file(&v, stem.as_deref()).and_then(|ok| {
                        if ok {
                            Ok(())
                        } else {
                            Err(Error::Invalid("not a status list".into()))
                        }
                    })
                } else {
                    opts.add_document(v)
                };
                notes.push(match added {
                    Ok(()) => format!("fetched {url}"),
                    Err(e) => format!("fetched {url}, but cannot use it: {e}"),
                });
            }
            Err(e) => notes.push(format!("could not fetch: {e}")),
        }
    }
    notes
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
