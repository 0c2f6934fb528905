//! Embedded Linked Data proofs: we sign with `eddsa-rdfc-2022` and verify
//! what real issuers use besides it.
//!
//! hashData = sha256(RDFC-1.0(proof options + the credential's `@context`))
//!         ‖ sha256(RDFC-1.0(credential without `proof`)). Then:
//!
//! * `DataIntegrityProof` / `eddsa-rdfc-2022` (and its pre-standard name
//!   `eddsa-2022`) and `Ed25519Signature2020`: the proof value is the Ed25519
//!   signature of hashData, as base58btc multibase.
//! * `Ed25519Signature2018`: a detached JWS (`b64: false`) whose signing input
//!   is `header.` followed by the raw hashData bytes.
//! * `DataIntegrityProof` / `ecdsa-rdfc-2019` with a P-256 key: the proof
//!   value is the ECDSA P-256/SHA-256 signature (r‖s) of hashData. P-384
//!   keys and the selective-disclosure suites (`ecdsa-sd-2023`, `bbs-2023`)
//!   are reported as unsupported: no well-kept Rust crate implements their
//!   CBOR/HMAC transformations, and none of the credentials we gathered uses them.

use crate::Error;
use crate::canon::canonical_nquads;
use crate::multikey::{PublicJwk, b64url_decode, decode_multibase_z, multibase_z};
use ed25519_dalek::{Signer as _, SigningKey};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// The only cryptosuite OBv3 certification accepts for embedded proofs.
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";

/// The proof suites we verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// `DataIntegrityProof` with `eddsa-rdfc-2022`.
    EddsaRdfc2022,
    /// `DataIntegrityProof` with `eddsa-2022` (the suite's name before the
    /// W3C renamed it; same algorithm).
    Eddsa2022,
    /// `Ed25519Signature2020`.
    Ed25519Signature2020,
    /// `Ed25519Signature2018` (detached JWS).
    Ed25519Signature2018,
    /// `DataIntegrityProof` with `ecdsa-rdfc-2019` (P-256 keys).
    EcdsaRdfc2019,
}

impl Suite {
    /// How credentials name it.
    pub fn name(self) -> &'static str {
        match self {
            Self::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Self::Eddsa2022 => "eddsa-2022",
            Self::Ed25519Signature2020 => "Ed25519Signature2020",
            Self::Ed25519Signature2018 => "Ed25519Signature2018",
            Self::EcdsaRdfc2019 => "ecdsa-rdfc-2019",
        }
    }

    fn legacy(self) -> bool {
        matches!(
            self,
            Self::Ed25519Signature2020 | Self::Ed25519Signature2018
        )
    }
}

fn hash_data(unsecured: &Value, proof_options: &Value, legacy: bool) -> Result<Vec<u8>, Error> {
    let mut options = proof_options.clone();
    let obj = options
        .as_object_mut()
        .ok_or_else(|| Error::Invalid("a proof must be a JSON object".into()))?;
    obj.remove("proofValue");
    obj.remove("jws");
    obj.remove("signatureValue");
    let ctx = unsecured
        .get("@context")
        .cloned()
        .ok_or_else(|| Error::Invalid("the credential has no @context".into()))?;
    // jsonld-signatures' legacy suites keep a proof's own @context; Data
    // Integrity replaces it with the document's.
    if !(legacy && obj.contains_key("@context")) {
        obj.insert("@context".into(), ctx);
    }
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
    let data = hash_data(&unsecured(credential), &proof, false)?;
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

/// Checks the shape of a proof: type, cryptosuite, purpose; returns its
/// suite and verification method.
///
/// # Errors
/// [`Error::Unsupported`] for a proof type or cryptosuite we do not verify;
/// [`Error::Invalid`] naming the first thing that is wrong.
pub fn check_proof_shape(proof: &Value) -> Result<(Suite, &str), Error> {
    let s = |k: &str| proof.get(k).and_then(Value::as_str);
    let suite = match s("type") {
        Some("DataIntegrityProof") => match s("cryptosuite") {
            Some("eddsa-rdfc-2022") => Suite::EddsaRdfc2022,
            Some("eddsa-2022") => Suite::Eddsa2022,
            Some("ecdsa-rdfc-2019") => Suite::EcdsaRdfc2019,
            Some(c) => {
                return Err(Error::Unsupported(format!(
                    "cryptosuite {c} is not supported (we verify eddsa-rdfc-2022, eddsa-2022, ecdsa-rdfc-2019 with P-256, Ed25519Signature2020 and Ed25519Signature2018)"
                )));
            }
            None => return Err(Error::Invalid("the proof names no cryptosuite".into())),
        },
        Some("Ed25519Signature2020") => Suite::Ed25519Signature2020,
        Some("Ed25519Signature2018") => Suite::Ed25519Signature2018,
        Some(t) => {
            return Err(Error::Unsupported(format!(
                "proof type {t} is not supported (we verify DataIntegrityProof, Ed25519Signature2020 and Ed25519Signature2018)"
            )));
        }
        None => return Err(Error::Invalid("the proof has no type".into())),
    };
    match s("proofPurpose") {
        Some("assertionMethod") => {}
        Some(p) => {
            return Err(Error::Invalid(format!(
                "proof purpose is {p}, not assertionMethod"
            )));
        }
        None => return Err(Error::Invalid("the proof has no proofPurpose".into())),
    }
    let value = if suite == Suite::Ed25519Signature2018 {
        "jws"
    } else {
        "proofValue"
    };
    if s(value).is_none() {
        return Err(Error::Invalid(format!("the proof has no {value}")));
    }
    let vm = s("verificationMethod")
        .ok_or_else(|| Error::Invalid("the proof has no verificationMethod".into()))?;
    Ok((suite, vm))
}

/// Verifies one proof of `credential` against `key`.
///
/// # Errors
/// [`Error::Invalid`] with the reason when the signature does not verify or
/// the key does not fit the suite; [`Error::Unsupported`] as [`check_proof_shape`].
pub fn verify_proof(credential: &Value, proof: &Value, key: &PublicJwk) -> Result<Suite, Error> {
    let (suite, _) = check_proof_shape(proof)?;
    let mismatch =
        || Error::Invalid("the signature does not match the credential's content".into());
    let data = hash_data(&unsecured(credential), proof, suite.legacy())?;
    let text = |k: &str| proof.get(k).and_then(Value::as_str).unwrap_or_default();
    match (suite, key) {
        (
            Suite::EddsaRdfc2022 | Suite::Eddsa2022 | Suite::Ed25519Signature2020,
            PublicJwk::Ed25519(k),
        ) => {
            let sig_bytes = decode_multibase_z(text("proofValue"))?;
            let sig = ed25519_dalek::Signature::from_slice(&sig_bytes).map_err(|_| {
                Error::Invalid("proofValue is not a 64-byte Ed25519 signature".into())
            })?;
            k.verify_strict(&data, &sig).map_err(|_| mismatch())
        }
        (Suite::Ed25519Signature2018, PublicJwk::Ed25519(k)) => {
            let jws = text("jws");
            let (header, rest) = jws
                .split_once("..")
                .ok_or_else(|| Error::Invalid("the proof's jws is not a detached JWS".into()))?;
            let h: Value = serde_json::from_slice(&b64url_decode(header)?)
                .map_err(|_| Error::Invalid("the proof's JWS header is not JSON".into()))?;
            if h.get("alg").and_then(Value::as_str) != Some("EdDSA")
                || h.get("b64") != Some(&Value::Bool(false))
            {
                return Err(Error::Invalid(format!(
                    "the proof's JWS header {h} is not EdDSA with b64: false"
                )));
            }
            let sig = ed25519_dalek::Signature::from_slice(&b64url_decode(rest)?)
                .map_err(|_| Error::Invalid("the JWS signature is not 64 bytes".into()))?;
            let mut input = format!("{header}.").into_bytes();
            input.extend_from_slice(&data);
            k.verify_strict(&input, &sig).map_err(|_| mismatch())
        }
        (Suite::EcdsaRdfc2019, PublicJwk::P256(k)) => {
            use p256::ecdsa::signature::Verifier as _;
            let sig_bytes = decode_multibase_z(text("proofValue"))?;
            let sig = p256::ecdsa::Signature::from_slice(&sig_bytes).map_err(|_| {
                Error::Invalid("proofValue is not a 64-byte P-256 signature".into())
            })?;
            k.verify(&data, &sig).map_err(|_| mismatch())
        }
        (s, _) => Err(Error::Invalid(format!(
            "the key of the verification method does not fit {} (wrong key type)",
            s.name()
        ))),
    }?;
    Ok(suite)
}

/// A key to sign a proof with, for the suites [`create_proof_with`] makes.
#[derive(Clone, Copy)]
pub enum ProofKey<'a> {
    /// Ed25519: `eddsa-rdfc-2022` or `Ed25519Signature2020`.
    Ed25519(&'a SigningKey),
    /// ECDSA P-256: `ecdsa-rdfc-2019`.
    P256(&'a p256::ecdsa::SigningKey),
}

impl std::fmt::Debug for ProofKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProofKey([redacted])")
    }
}

/// Builds a proof of `suite` (not `Ed25519Signature2018`, whose JWS form we
/// only verify). We issue with `eddsa-rdfc-2022`; the others exist so tests
/// can make credentials the way other issuers do.
///
/// # Errors
/// [`Error::Invalid`] when the key does not fit the suite or the credential
/// cannot be canonicalised.
pub fn create_proof_with(
    credential: &Value,
    suite: Suite,
    key: ProofKey<'_>,
    verification_method: &str,
    created: &str,
) -> Result<Value, Error> {
    let mut proof = match suite {
        Suite::EddsaRdfc2022 | Suite::Eddsa2022 | Suite::EcdsaRdfc2019 => serde_json::json!({
            "type": "DataIntegrityProof",
            "created": created,
            "verificationMethod": verification_method,
            "cryptosuite": suite.name(),
            "proofPurpose": "assertionMethod",
        }),
        Suite::Ed25519Signature2020 => serde_json::json!({
            "type": "Ed25519Signature2020",
            "created": created,
            "verificationMethod": verification_method,
            "proofPurpose": "assertionMethod",
        }),
        Suite::Ed25519Signature2018 => {
            return Err(Error::Invalid(
                "Ed25519Signature2018 proofs are verified, not made".into(),
            ));
        }
    };
    let data = hash_data(&unsecured(credential), &proof, suite.legacy())?;
    let sig = match (suite, key) {
        (Suite::EcdsaRdfc2019, ProofKey::P256(k)) => {
            use p256::ecdsa::signature::Signer as _;
            let s: p256::ecdsa::Signature = k.sign(&data);
            s.to_bytes().to_vec()
        }
        (Suite::EcdsaRdfc2019, _) | (_, ProofKey::P256(_)) => {
            return Err(Error::Invalid(format!(
                "{} needs {} key",
                suite.name(),
                if suite == Suite::EcdsaRdfc2019 {
                    "a P-256"
                } else {
                    "an Ed25519"
                }
            )));
        }
        (_, ProofKey::Ed25519(k)) => k.sign(&data).to_bytes().to_vec(),
    };
    proof["proofValue"] = Value::String(multibase_z(&sig));
    Ok(proof)
}
