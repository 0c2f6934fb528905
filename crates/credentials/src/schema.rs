//! Validation against the 1EdTech OBv3 JSON Schemas shipped in `assets/schemas`
//! (never fetched): the current schema and the stricter 2024 variant.

use crate::Error;
use serde_json::Value;
use std::sync::OnceLock;

/// Which 1EdTech schema to check against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// The published AchievementCredential schema (accepts single values or arrays).
    AchievementCredential,
    /// The 2024 strict variant (multi-valued terms, `proof` included, must be arrays).
    AchievementCredentialStrict2024,
    /// The Profile schema (issuer profile / DID document).
    Profile,
    /// The EndorsementCredential schema.
    EndorsementCredential,
    /// The CLR 2.0 ClrCredential schema.
    ClrCredential,
}

const ACHIEVEMENT: &str =
    include_str!("../assets/schemas/ob_v3p0_achievementcredential_schema.json");
const ACHIEVEMENT_STRICT: &str =
    include_str!("../assets/schemas/strict-2024/ob_v3p0_achievementcredential_schema.json");
const PROFILE: &str = include_str!("../assets/schemas/ob_v3p0_profile_schema.json");
const CLR: &str = include_str!("../assets/schemas/clr_v2p0_clrcredential_schema.json");
const ENDORSEMENT: &str =
    include_str!("../assets/schemas/ob_v3p0_endorsementcredential_schema.json");

fn compile(text: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(text).expect("shipped schema is JSON");
    jsonschema::draft201909::new(&schema).expect("shipped schema compiles")
}

fn validator(which: Schema) -> &'static jsonschema::Validator {
    static A: OnceLock<jsonschema::Validator> = OnceLock::new();
    static S: OnceLock<jsonschema::Validator> = OnceLock::new();
    static P: OnceLock<jsonschema::Validator> = OnceLock::new();
    static E: OnceLock<jsonschema::Validator> = OnceLock::new();
    static C: OnceLock<jsonschema::Validator> = OnceLock::new();
    match which {
        Schema::ClrCredential => C.get_or_init(|| compile(CLR)),
        Schema::EndorsementCredential => E.get_or_init(|| compile(ENDORSEMENT)),
        Schema::AchievementCredential => A.get_or_init(|| compile(ACHIEVEMENT)),
        Schema::AchievementCredentialStrict2024 => S.get_or_init(|| compile(ACHIEVEMENT_STRICT)),
        Schema::Profile => P.get_or_init(|| compile(PROFILE)),
    }
}

/// Validates `doc`; the error names the first failing location and why.
///
/// # Errors
/// [`Error::Invalid`] when the document does not satisfy the schema.
pub fn validate(which: Schema, doc: &Value) -> Result<(), Error> {
    let v = validator(which);
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| {
            let at = e.instance_path().to_string();
            format!("{} {e}", if at.is_empty() { "/".to_owned() } else { at })
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    let name = match which {
        Schema::AchievementCredential => "the OBv3 AchievementCredential schema",
        Schema::AchievementCredentialStrict2024 => "the OBv3 strict-2024 schema",
        Schema::Profile => "the OBv3 Profile schema",
        Schema::EndorsementCredential => "the OBv3 EndorsementCredential schema",
        Schema::ClrCredential => "the CLR 2.0 ClrCredential schema",
    };
    let shown = errors
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    let more = if errors.len() > 3 {
        format!(" (and {} more)", errors.len() - 3)
    } else {
        String::new()
    };
    Err(Error::Invalid(format!(
        "does not satisfy {name}: {shown}{more}"
    )))
}

/// The OBv3 rules a reader should hear about in plain words (the JSON Schema
/// says the same things, but as `oneOf` failures): the `@context` order, the
/// credential and subject types, an issuer, `validFrom`.
///
/// # Errors
/// [`Error::Invalid`] naming the first rule broken.
pub fn obv3_rules(c: &Value) -> Result<(), Error> {
    const VC2: &str = "https://www.w3.org/ns/credentials/v2";
    const OB: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
    let ctx: Vec<&str> = match c.get("@context") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) => vec![s.as_str()],
        Some(_) => {
            return Err(Error::Invalid(
                "@context is neither a URL nor a list".into(),
            ));
        }
        None => return Err(Error::Invalid("missing @context".into())),
    };
    if ctx.first() != Some(&VC2) {
        return Err(Error::Invalid(format!(
            "the first @context must be {VC2} (found {})",
            ctx.first().unwrap_or(&"nothing")
        )));
    }
    if !ctx
        .iter()
        .any(|u| u.starts_with("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0"))
    {
        return Err(Error::Invalid(format!(
            "the Open Badges context {OB} is missing"
        )));
    }
    let types = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    let t = types(c.get("type"));
    if !t.iter().any(|x| x == "VerifiableCredential") {
        return Err(Error::Invalid(
            "type does not include VerifiableCredential".into(),
        ));
    }
    if !t
        .iter()
        .any(|x| x == "OpenBadgeCredential" || x == "AchievementCredential")
    {
        return Err(Error::Invalid(format!(
            "type {t:?} includes neither OpenBadgeCredential nor AchievementCredential"
        )));
    }
    if crate::issuer_id(c).is_none() {
        return Err(Error::Invalid(
            "the credential has no issuer (with an id)".into(),
        ));
    }
    if c.get("validFrom").is_none() {
        return Err(Error::Invalid(
            "the credential has no validFrom (VC 1.1's issuanceDate is not accepted)".into(),
        ));
    }
    let subject = c
        .get("credentialSubject")
        .ok_or_else(|| Error::Invalid("the credential has no credentialSubject".into()))?;
    let st = types(subject.get("type"));
    if !st.iter().any(|x| x == "AchievementSubject") {
        return Err(Error::Invalid(format!(
            "credentialSubject type {st:?} does not include AchievementSubject"
        )));
    }
    if subject.get("achievement").is_none() {
        return Err(Error::Invalid(
            "the credentialSubject has no achievement".into(),
        ));
    }
    Ok(())
}

/// The W3C data model a credential follows, told by its first `@context`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// VC 1.1 (`https://www.w3.org/2018/credentials/v1`: `issuanceDate`,
    /// `expirationDate`), which OBv3 3.0.0–3.0.2 issuers used.
    V1_1,
    /// VC 2.0 (`https://www.w3.org/ns/credentials/v2`: `validFrom`, `validUntil`).
    V2,
}

/// What kind of Open Badges credential it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `OpenBadgeCredential` / `AchievementCredential`.
    Achievement,
    /// `EndorsementCredential`.
    Endorsement,
    /// CLR 2.0 `ClrCredential`: credentials bundled and signed together.
    Clr,
}

/// VC 1.1 base context.
pub const VC1: &str = "https://www.w3.org/2018/credentials/v1";
/// VC 2.0 base context.
pub const VC2: &str = "https://www.w3.org/ns/credentials/v2";
const OB_PREFIX: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context";
/// The JFF Plugfest 1 (2022) context, which defined the OBv3 terms before
/// 1EdTech published its own; pilot badges of that year cite it.
const JFF_PLUGFEST_1: &[&str] = &[
    "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json",
    "https://kayaelle.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json",
];

fn is_ob_context(u: &str) -> bool {
    u.starts_with(OB_PREFIX) || JFF_PLUGFEST_1.contains(&u)
}

fn contexts(c: &Value) -> Result<Vec<&str>, Error> {
    match c.get("@context") {
        Some(Value::Array(a)) => Ok(a.iter().filter_map(Value::as_str).collect()),
        Some(Value::String(s)) => Ok(vec![s.as_str()]),
        Some(_) => Err(Error::Invalid(
            "@context is neither a URL nor a list".into(),
        )),
        None => Err(Error::Invalid("missing @context".into())),
    }
}

/// The data model of `c` from its first context.
///
/// # Errors
/// [`Error::Invalid`] when the first context is neither VC base context.
pub fn model(c: &Value) -> Result<Model, Error> {
    let ctx = contexts(c)?;
    match ctx.first() {
        Some(&VC2) => Ok(Model::V2),
        Some(&VC1) => Ok(Model::V1_1),
        Some(u)
            if u.starts_with("https://w3id.org/openbadges/v2")
                || u.starts_with("https://w3id.org/openbadges/v1") =>
        {
            Err(Error::Unsupported(format!(
                "an Open Badges 1.x/2.0 assertion ({u}), not a verifiable credential: only Open Badges 3.0 is handled"
            )))
        }
        other => Err(Error::Invalid(format!(
            "the first @context must be {VC2} (or VC 1.1's {VC1}); found {}",
            other.unwrap_or(&"nothing")
        ))),
    }
}

fn types(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// Checks an Open Badges credential the way its data model asks: a VC 2.0
/// one against the 1EdTech JSON Schema for its kind (after the rules below,
/// which say the same in plain words), a VC 1.1 one by the same rules with
/// VC 1.1's date names (the 1EdTech schema is written for VC 2.0 only).
/// Returns the model, the kind and what was checked.
///
/// # Errors
/// [`Error::Invalid`] naming the first MUST broken; [`Error::Unsupported`]
/// when the credential is not an Open Badges credential at all, or uses an
/// Open Badges context version we do not know.
pub fn check_credential(c: &Value) -> Result<(Model, Kind, String), Error> {
    let model = model(c)?;
    let ctx = contexts(c)?;
    let t = types(c.get("type"));
    if !t.iter().any(|x| x == "VerifiableCredential") {
        return Err(Error::Invalid(
            "type does not include VerifiableCredential".into(),
        ));
    }
    let kind = if t
        .iter()
        .any(|x| x == "OpenBadgeCredential" || x == "AchievementCredential")
    {
        Kind::Achievement
    } else if t.iter().any(|x| x == "EndorsementCredential") {
        Kind::Endorsement
    } else if t.iter().any(|x| x == "ClrCredential") {
        return check_clr(c, model, &ctx);
    } else if ctx.iter().any(|u| is_ob_context(u)) {
        return Err(Error::Invalid(format!(
            "type {t:?} includes neither OpenBadgeCredential nor AchievementCredential"
        )));
    } else {
        return Err(Error::Unsupported(format!(
            "type {t:?} is not an Open Badges credential (OpenBadgeCredential, AchievementCredential or EndorsementCredential)"
        )));
    };
    let Some(ob) = ctx.iter().find(|u| is_ob_context(u)) else {
        // A context we do not know may be the one that defines the badge
        // (early drafts had their own URLs): we cannot tell, so we say so.
        if let Some(unknown) = ctx.iter().find(|u| !crate::canon::is_known_context(u)) {
            return Err(Error::Unsupported(format!(
                "no Open Badges context we know; {unknown} is not one we ship"
            )));
        }
        return Err(Error::Invalid(format!(
            "the Open Badges context ({OB_PREFIX}-3.0.3.json) is missing"
        )));
    };
    if !crate::canon::is_known_context(ob) {
        return Err(Error::Unsupported(format!(
            "Open Badges context {ob} is a version we do not know (we handle 3.0.0 to 3.0.3)"
        )));
    }
    if model == Model::V2 && (ctx.get(1) != Some(ob) || !ob.starts_with(OB_PREFIX)) {
        return Err(Error::Invalid(format!(
            "the second @context must be the Open Badges context (found {})",
            ctx.get(1).unwrap_or(&"nothing")
        )));
    }
    if crate::issuer_id(c).is_none() {
        return Err(Error::Invalid(
            "the credential has no issuer (with an id)".into(),
        ));
    }
    let from = match model {
        Model::V2 => "validFrom",
        Model::V1_1 => "issuanceDate",
    };
    if c.get(from).is_none() {
        return Err(Error::Invalid(format!(
            "the credential has no {from}{}",
            if model == Model::V2 {
                " (VC 1.1's issuanceDate belongs with the credentials/v1 context)"
            } else {
                ""
            }
        )));
    }
    let subject = c
        .get("credentialSubject")
        .ok_or_else(|| Error::Invalid("the credential has no credentialSubject".into()))?;
    let st = types(subject.get("type"));
    match kind {
        Kind::Achievement => {
            if !st.iter().any(|x| x == "AchievementSubject") {
                return Err(Error::Invalid(format!(
                    "credentialSubject type {st:?} does not include AchievementSubject"
                )));
            }
            if subject.get("achievement").is_none() {
                return Err(Error::Invalid(
                    "the credentialSubject has no achievement".into(),
                ));
            }
        }
        Kind::Clr => unreachable!("checked by check_clr"),
        Kind::Endorsement => {
            if !st.iter().any(|x| x == "EndorsementSubject") {
                return Err(Error::Invalid(format!(
                    "credentialSubject type {st:?} does not include EndorsementSubject"
                )));
            }
        }
    }
    let (schema, name) = match kind {
        Kind::Achievement => (
            Schema::AchievementCredential,
            "the 1EdTech OBv3 AchievementCredential schema",
        ),
        Kind::Endorsement => (
            Schema::EndorsementCredential,
            "the 1EdTech OBv3 EndorsementCredential schema",
        ),
        Kind::Clr => unreachable!("checked by check_clr"),
    };
    match model {
        Model::V2 => {
            validate(schema, c)?;
            Ok((model, kind, format!("satisfies {name}")))
        }
        Model::V1_1 => Ok((
            model,
            kind,
            format!(
                "VC 1.1 credential: OBv3 rules checked with issuanceDate/expirationDate ({name} is written for VC 2.0)"
            ),
        )),
    }
}

const CLR_PREFIX: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context";

/// A CLR 2.0 ClrCredential: VC 2.0, the CLR context second, an OB context,
/// a `ClrSubject` with `verifiableCredential`, and the 1EdTech CLR schema.
fn check_clr(c: &Value, model: Model, ctx: &[&str]) -> Result<(Model, Kind, String), Error> {
    if model != Model::V2 {
        return Err(Error::Unsupported(
            "a ClrCredential in the VC 1.1 data model (CLR 2.0 is VC 2.0 only)".into(),
        ));
    }
    match ctx.get(1) {
        Some(u) if u.starts_with(CLR_PREFIX) => {
            if !crate::canon::is_known_context(u) {
                return Err(Error::Unsupported(format!(
                    "CLR context {u} is a version we do not know"
                )));
            }
        }
        other => {
            return Err(Error::Invalid(format!(
                "the second @context of a ClrCredential must be the CLR 2.0 context (found {})",
                other.unwrap_or(&"nothing")
            )));
        }
    }
    let subject = c
        .get("credentialSubject")
        .ok_or_else(|| Error::Invalid("the credential has no credentialSubject".into()))?;
    if !types(subject.get("type")).iter().any(|x| x == "ClrSubject") {
        return Err(Error::Invalid(
            "the credentialSubject of a ClrCredential must have type ClrSubject".into(),
        ));
    }
    validate(Schema::ClrCredential, c)?;
    Ok((
        model,
        Kind::Clr,
        "satisfies the 1EdTech CLR 2.0 ClrCredential schema".into(),
    ))
}
