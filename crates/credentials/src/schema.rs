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

const ACHIEVEMENT: &str = include_str!("../assets/schemas/ob_v3p0_achievementcredential_schema.json");
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
    Err(Error::Invalid(format!(
        "does not satisfy {name}: {}{}",
        errors[0],
        if errors.len() > 1 {
            format!(" (and {} more)", errors.len() - 1)
        } else {
            String::new()
        }
    )))
}
