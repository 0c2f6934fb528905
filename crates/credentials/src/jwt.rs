//! VC-JWT (compact JWS) for OBv3: the payload is the credential plus the JWT
//! claims `iss`, `jti`, `sub`, `nbf`, `exp`. Written by hand on top of the
//! signature crates so that every header rule (no `alg: none`, no private key
//! in `jwk`, no headers beyond `alg`/`kid`/`jwk`/`typ`) is ours to enforce.

use crate::Error;
use crate::multikey::{PublicJwk, b64url, b64url_decode};
use ed25519_dalek::Signer as _;
use rsa::signature::{SignatureEncoding as _, Verifier as _};
use serde_json::Value;

/// Signature algorithms we sign and verify with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    /// Ed25519 (`EdDSA`; RFC 9864's `Ed25519` is also accepted on input).
    EdDsa,
    /// RSASSA-PKCS1-v1_5 with SHA-256: the OBv3 required minimum.
    Rs256,
    /// ECDSA P-256 with SHA-256 (verify only).
    Es256,
}

impl Alg {
    /// The `alg` header value we write.
    pub fn name(self) -> &'static str {
        match self {
            Self::EdDsa => "EdDSA",
            Self::Rs256 => "RS256",
            Self::Es256 => "ES256",
        }
    }
}

/// The signing key for a JWT.
#[derive(Clone, Copy)]
pub enum JwtSigner<'a> {
    /// Ed25519.
    Ed25519(&'a ed25519_dalek::SigningKey),
    /// RSA (RS256).
    Rsa(&'a rsa::RsaPrivateKey),
}

impl std::fmt::Debug for JwtSigner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtSigner([redacted])")
    }
}

fn epoch(dt: &str) -> Result<i64, Error> {
    chrono::DateTime::parse_from_rfc3339(dt)
        .map(|d| d.timestamp())
        .map_err(|e| Error::Invalid(format!("{dt} is not an RFC 3339 date-time: {e}")))
}

/// The JWT claims a credential implies (OBv3 §8.2.4.1).
///
/// # Errors
/// [`Error::Invalid`] when the credential lacks an issuer id or dates are malformed.
pub fn claims_for(credential: &Value) -> Result<serde_json::Map<String, Value>, Error> {
    let mut claims = serde_json::Map::new();
    let iss = crate::issuer_id(credential)
        .ok_or_else(|| Error::Invalid("the credential has no issuer id".into()))?;
    claims.insert("iss".into(), iss.into());
    if let Some(id) = credential.get("id").and_then(Value::as_str) {
        claims.insert("jti".into(), id.into());
    }
    if let Some(sub) = credential
        .pointer("/credentialSubject/id")
        .and_then(Value::as_str)
    {
        claims.insert("sub".into(), sub.into());
    }
    // VC 2.0 names the dates validFrom/validUntil, VC 1.1 issuanceDate/expirationDate.
    let date = |a: &str, b: &str| {
        credential
            .get(a)
            .or_else(|| credential.get(b))
            .and_then(Value::as_str)
    };
    if let Some(vf) = date("validFrom", "issuanceDate") {
        claims.insert("nbf".into(), epoch(vf)?.into());
    }
    if let Some(vu) = date("validUntil", "expirationDate") {
        claims.insert("exp".into(), epoch(vu)?.into());
    }
    Ok(claims)
}

/// Encodes `credential` as a compact VC-JWT.
///
/// # Errors
/// As [`claims_for`]; [`Error::Internal`] if RSA signing fails.
pub fn encode(credential: &Value, signer: JwtSigner<'_>, kid: &str) -> Result<String, Error> {
    let alg = match signer {
        JwtSigner::Ed25519(_) => Alg::EdDsa,
        JwtSigner::Rsa(_) => Alg::Rs256,
    };
    let header = serde_json::json!({ "alg": alg.name(), "kid": kid, "typ": "JWT" });
    let mut payload = credential
        .as_object()
        .cloned()
        .ok_or_else(|| Error::Invalid("a credential must be a JSON object".into()))?;
    payload.extend(claims_for(credential)?);
    let signing_input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(Value::Object(payload).to_string().as_bytes())
    );
    let sig = match signer {
        JwtSigner::Ed25519(k) => k.sign(signing_input.as_bytes()).to_bytes().to_vec(),
        JwtSigner::Rsa(k) => {
            let sk = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(k.clone());
            sk.try_sign(signing_input.as_bytes())
                .map_err(|e| Error::Internal(format!("RS256 signing failed: {e}")))?
                .to_vec()
        }
    };
    Ok(format!("{signing_input}.{}", b64url(&sig)))
}

/// A JWT split and decoded, signature not yet checked.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The protected header.
    pub header: serde_json::Map<String, Value>,
    /// The payload (the credential plus JWT claims).
    pub payload: Value,
    /// Algorithm named by the header.
    pub alg: Alg,
    /// `kid` header, if any.
    pub kid: Option<String>,
    /// Public key carried in the `jwk` header, if any.
    pub header_jwk: Option<PublicJwk>,
    signing_input: String,
    signature: Vec<u8>,
}

/// Whether `s` looks like a compact JWS (three base64url parts).
pub fn looks_like_jwt(s: &str) -> bool {
    let s = s.trim();
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && parts[..2].iter().all(|p| !p.is_empty())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

/// Splits and decodes a compact JWS, enforcing the OBv3 header rules.
///
/// # Errors
/// [`Error::Invalid`] naming the first broken rule.
pub fn decode(jwt: &str) -> Result<Decoded, Error> {
    let jwt = jwt.trim();
    let parts: Vec<&str> = jwt.split('.').collect();
    if parts.len() != 3 {
        return Err(Error::Invalid(
            "a compact JWT has three dot-separated parts".into(),
        ));
    }
    let header: Value = serde_json::from_slice(&b64url_decode(parts[0])?)
        .map_err(|e| Error::Invalid(format!("the JWT header is not JSON: {e}")))?;
    let header = header
        .as_object()
        .cloned()
        .ok_or_else(|| Error::Invalid("the JWT header is not a JSON object".into()))?;
    for k in header.keys() {
        if !matches!(k.as_str(), "alg" | "kid" | "jwk" | "typ" | "cty") {
            return Err(Error::Invalid(format!(
                "the JWT header has \"{k}\"; OBv3 allows only alg, kid, jwk and typ (and cty)"
            )));
        }
    }
    let alg = match header.get("alg").and_then(Value::as_str) {
        Some("EdDSA" | "Ed25519") => Alg::EdDsa,
        Some("RS256") => Alg::Rs256,
        Some("ES256") => Alg::Es256,
        Some("none") => {
            return Err(Error::Invalid(
                "the JWT is unsigned (alg: none); refusing it".into(),
            ));
        }
        Some(a) => return Err(Error::Invalid(format!("unsupported JWT alg {a}"))),
        None => return Err(Error::Invalid("the JWT header names no alg".into())),
    };
    // OBv3 says "JWT"; VC-JOSE-COSE and VC-JWT 1.1 issuers write these.
    if let Some(t) = header.get("typ")
        && !matches!(
            t.as_str(),
            Some("JWT" | "jwt" | "vc+jwt" | "vc+ld+jwt" | "vc+ld+json+jwt")
        )
    {
        return Err(Error::Invalid(format!(
            "the JWT typ is {t}, not \"JWT\" (or vc+jwt)"
        )));
    }
    let header_jwk =
        match header.get("jwk") {
            Some(j) => Some(PublicJwk::from_json(j).map_err(|e| {
                Error::Invalid(format!("the JWT header's jwk is unacceptable: {e}"))
            })?),
            None => None,
        };
    let kid = match header.get("kid") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(Error::Invalid("the JWT kid is not a string".into())),
        None => None,
    };
    let payload: Value = serde_json::from_slice(&b64url_decode(parts[1])?)
        .map_err(|e| Error::Invalid(format!("the JWT payload is not JSON: {e}")))?;
    if !payload.is_object() {
        return Err(Error::Invalid(
            "the JWT payload is not a JSON object".into(),
        ));
    }
    let signature = b64url_decode(parts[2])?;
    Ok(Decoded {
        header,
        payload,
        alg,
        kid,
        header_jwk,
        signing_input: format!("{}.{}", parts[0], parts[1]),
        signature,
    })
}

impl Decoded {
    /// Checks the signature with `key`.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the key does not fit the alg or the signature fails.
    pub fn verify_signature(&self, key: &PublicJwk) -> Result<(), Error> {
        let bad = || Error::Invalid("the JWT signature does not match its content".into());
        let msg = self.signing_input.as_bytes();
        match (self.alg, key) {
            (Alg::EdDsa, PublicJwk::Ed25519(k)) => {
                let sig =
                    ed25519_dalek::Signature::from_slice(&self.signature).map_err(|_| bad())?;
                k.verify_strict(msg, &sig).map_err(|_| bad())
            }
            (Alg::Rs256, PublicJwk::Rsa(k)) => {
                let vk = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(k.clone());
                let sig = rsa::pkcs1v15::Signature::try_from(self.signature.as_slice())
                    .map_err(|_| bad())?;
                vk.verify(msg, &sig).map_err(|_| bad())
            }
            (Alg::Es256, PublicJwk::P256(k)) => {
                let sig = p256::ecdsa::Signature::from_slice(&self.signature).map_err(|_| bad())?;
                k.verify(msg, &sig).map_err(|_| bad())
            }
            (alg, _) => Err(Error::Invalid(format!(
                "the key given for this JWT is not a {} key",
                alg.name()
            ))),
        }
    }

    /// The credential inside: the payload minus the JWT registered claims or,
    /// VC 1.1 style, the `vc` claim with the members the JWT claims stand for
    /// (`iss` → issuer, `jti` → id, `sub` → subject id, `nbf`/`exp` → dates)
    /// filled in where the issuer left them out, as the OBv3 specification
    /// tells verifiers to.
    pub fn credential(&self) -> Value {
        if let Some(Value::Object(vc)) = self.payload.get("vc") {
            return self.unwrap_vc(vc);
        }
        let mut c = self.payload.clone();
        if let Some(o) = c.as_object_mut() {
            for k in ["iss", "jti", "sub", "nbf", "exp", "iat", "aud"] {
                o.remove(k);
            }
        }
        c
    }

    fn unwrap_vc(&self, vc: &serde_json::Map<String, Value>) -> Value {
        let mut c = vc.clone();
        let claim = |k: &str| self.payload.get(k).cloned();
        if !c.contains_key("issuer")
            && let Some(iss) = claim("iss")
        {
            c.insert("issuer".into(), iss);
        }
        if !c.contains_key("id")
            && let Some(jti) = claim("jti")
        {
            c.insert("id".into(), jti);
        }
        if let Some(sub) = claim("sub")
            && let Some(Value::Object(s)) = c.get_mut("credentialSubject")
            && !s.contains_key("id")
        {
            s.insert("id".into(), sub);
        }
        let v1 = match c.get("@context") {
            Some(Value::Array(a)) => {
                a.first().and_then(Value::as_str) == Some("https://www.w3.org/2018/credentials/v1")
            }
            Some(Value::String(s)) => s == "https://www.w3.org/2018/credentials/v1",
            _ => false,
        };
        let (from, until) = if v1 {
            ("issuanceDate", "expirationDate")
        } else {
            ("validFrom", "validUntil")
        };
        for (claim_name, member) in [("nbf", from), ("exp", until)] {
            if !c.contains_key(member)
                && let Some(t) = self.payload.get(claim_name).and_then(Value::as_i64)
                && let Some(dt) = chrono::DateTime::from_timestamp(t, 0)
            {
                c.insert(
                    member.into(),
                    dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true).into(),
                );
            }
        }
        Value::Object(c)
    }

    /// Whether the credential travels VC 1.1 style, in a `vc` claim.
    pub fn has_vc_claim(&self) -> bool {
        self.payload.get("vc").is_some_and(Value::is_object)
    }

    /// Checks that `iss`, `jti`, `sub`, `nbf`, `exp` agree with the credential.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the first claim that disagrees.
    pub fn check_claims(&self) -> Result<(), Error> {
        let expected = claims_for(&self.credential())?;
        for (k, v) in &expected {
            match self.payload.get(k) {
                Some(got) if got == v => {}
                Some(got) => {
                    return Err(Error::Invalid(format!(
                        "JWT claim {k} is {got} but the credential implies {v}"
                    )));
                }
                None if k == "iss" => {
                    return Err(Error::Invalid("the JWT has no iss claim".into()));
                }
                None => {}
            }
        }
        for k in ["nbf", "exp"] {
            if self.payload.get(k).is_some() && !expected.contains_key(k) {
                return Err(Error::Invalid(format!(
                    "JWT claim {k} has no matching date in the credential"
                )));
            }
        }
        Ok(())
    }
}
