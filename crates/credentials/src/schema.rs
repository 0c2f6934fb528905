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
}

const ACHIEVEMENT: &str =
    include_str!("../assets/schemas/ob_v3p0_achievementcredential_schema.json");
const ACHIEVEMENT_STRICT: &str =
    include_str!("../assets/schemas/strict-2024/ob_v3p0_achievementcredential_schema.json");
const PROFILE: &str = include_str!("../assets/schemas/ob_v3p0_profile_schema.json");

fn compile(text: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(text).expect("shipped schema is JSON");
    jsonschema::draft201909::new(&schema).expect("shipped schema compiles")
}

fn validator(which: Schema) -> &'static jsonschema::Validator {
    static A: OnceLock<jsonschema::Validator> = OnceLock::new();
    static S: OnceLock<jsonschema::Validator> = OnceLock::new();
    static P: OnceLock<jsonschema::Validator> = OnceLock::new();
    match which {
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
