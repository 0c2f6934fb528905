//! Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite.
//!
//! hashData = sha256(RDFC-1.0(proof options + the credential's `@context`))
//!         ‖ sha256(RDFC-1.0(credential without `proof`)); the proof value is
//! the Ed25519 signature of hashData, as base58btc multibase.

use crate::Error;
use crate::canon::canonical_nquads;
use crate::multikey::{decode_multibase_z, multibase_z};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// The only cryptosuite OBv3 certification accepts for embedded proofs.
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";

fn hash_data(unsecured: &Value, proof_options: &Value) -> Result<Vec<u8>, Error> {
    let mut options = proof_options.clone();
    let obj = options
        .as_object_mut()
        .ok_or_else(|| Error::Invalid("a proof must be a JSON object".into()))?;
    obj.remove("proofValue");
    let ctx = unsecured
        .get("@context")
        .cloned()
        .ok_or_else(|| Error::Invalid("the credential has no @context".into()))?;
    obj.insert("@context".into(), ctx);
    let proof_hash = Sha256::digest(canonical_nquads(&options)?.as_bytes());
    let doc_hash = Sha256::digest(canonical_nquads(unsecured)?.as_bytes());
    let mut out = proof_hash.to_vec();
    out.extend_from_slice(&doc_hash);
    Ok(out)
}

/// The credential without its `proof` member.
pub fn unsecured(credential: &Value) -> Value {
    let mut c = credential.clone();
    if let Some(o) = c.as_object_mut() {
        o.remove("proof");
    }
    c
}

/// Builds the proof object (not yet attached).
///
/// # Errors
/// [`Error::Invalid`] when the credential cannot be canonicalised.
pub fn create_proof(
    credential: &Value,
    key: &SigningKey,
    verification_method: &str,
    created: &str,
) -> Result<Value, Error> {
    let mut proof = serde_json::json!({
        "type": "DataIntegrityProof",
        "created": created,
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": "assertionMethod",
    });
    let data = hash_data(&unsecured(credential), &proof)?;
    let sig = key.sign(&data);
    proof["proofValue"] = Value::String(multibase_z(&sig.to_bytes()));
    Ok(proof)
}

/// Signs the credential, replacing any `proof` with a one-element array (the
/// strict-2024 schema wants an array).
///
/// # Errors
/// As [`create_proof`].
pub fn sign(
    credential: &Value,
    key: &SigningKey,
    verification_method: &str,
    created: &str,
) -> Result<Value, Error> {
    let proof = create_proof(credential, key, verification_method, created)?;
    let mut out = unsecured(credential);
    out["proof"] = Value::Array(vec![proof]);
    Ok(out)
}

/// The proofs of a credential (`proof` may be one object or an array).
pub fn proofs(credential: &Value) -> Vec<&Value> {
    match credential.get("proof") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(p) => vec![p],
        None => Vec::new(),
    }
}

/// Checks the shape of a proof: type, cryptosuite, purpose, and returns its
/// verification method.
///
/// # Errors
/// [`Error::Invalid`] naming the first thing that is wrong.
pub fn check_proof_shape(proof: &Value) -> Result<&str, Error> {
    let s = |k: &str| proof.get(k).and_then(Value::as_str);
    match s("type") {
        Some("DataIntegrityProof") => {}
        Some(t) => return Err(Error::Invalid(format!("unsupported proof type {t}"))),
        None => return Err(Error::Invalid("the proof has no type".into())),
    }
    match s("cryptosuite") {
        Some(CRYPTOSUITE) => {}
        Some(c) => {
            return Err(Error::Invalid(format!(
                "unknown cryptosuite {c} (only {CRYPTOSUITE} is accepted)"
            )));
        }
        None => return Err(Error::Invalid("the proof names no cryptosuite".into())),
    }
    match s("proofPurpose") {
        Some("assertionMethod") => {}
        Some(p) => {
            return Err(Error::Invalid(format!(
                "proof purpose is {p}, not assertionMethod"
            )));
        }
        None => return Err(Error::Invalid("the proof has no proofPurpose".into())),
    }
    if s("proofValue").is_none() {
        return Err(Error::Invalid("the proof has no proofValue".into()));
    }
    s("verificationMethod")
        .ok_or_else(|| Error::Invalid("the proof has no verificationMethod".into()))
}

/// Verifies one proof of `credential` against `key`.
///
/// # Errors
/// [`Error::Invalid`] with the reason when the signature does not verify.
pub fn verify_proof(credential: &Value, proof: &Value, key: &VerifyingKey) -> Result<(), Error> {
    check_proof_shape(proof)?;
    let pv = proof
        .get("proofValue")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let sig_bytes = decode_multibase_z(pv)?;
    let sig = ed25519_dalek::Signature::from_slice(&sig_bytes)
        .map_err(|_| Error::Invalid("proofValue is not a 64-byte Ed25519 signature".into()))?;
    let data = hash_data(&unsecured(credential), proof)?;
    key.verify_strict(&data, &sig)
        .map_err(|_| Error::Invalid("the signature does not match the credential's content".into()))
}
