//! Multibase/Multikey encodings of Ed25519 public keys, `did:key`, and JWKs.

use crate::Error;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use ed25519_dalek::VerifyingKey;

/// Multicodec prefix of an Ed25519 public key (`ed25519-pub`, varint 0xed 0x01).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];

/// `z…` base58btc multibase of raw bytes.
pub fn multibase_z(bytes: &[u8]) -> String {
    format!("z{}", bs58::encode(bytes).into_string())
}

/// Decodes a `z…` base58btc multibase string.
///
/// # Errors
/// [`Error::Invalid`] when the prefix is not `z` or the base58 is malformed.
pub fn decode_multibase_z(s: &str) -> Result<Vec<u8>, Error> {
    let rest = s
        .strip_prefix('z')
        .ok_or_else(|| Error::Invalid(format!("multibase value {s:.20} is not base58btc ('z')")))?;
    bs58::decode(rest)
        .into_vec()
        .map_err(|e| Error::Invalid(format!("malformed base58btc: {e}")))
}

/// The `publicKeyMultibase` (`z6Mk…`) of an Ed25519 key.
pub fn ed25519_multikey(key: &VerifyingKey) -> String {
    let mut b = ED25519_PUB.to_vec();
    b.extend_from_slice(key.as_bytes());
    multibase_z(&b)
}

/// Parses a `z6Mk…` Ed25519 Multikey.
///
/// # Errors
/// [`Error::Invalid`] when it is not an Ed25519 multikey or not a valid point.
pub fn parse_ed25519_multikey(s: &str) -> Result<VerifyingKey, Error> {
    let bytes = decode_multibase_z(s)?;
    let raw = bytes
        .strip_prefix(&ED25519_PUB[..])
        .ok_or_else(|| Error::Invalid(format!("{s:.16}… is not an Ed25519 multikey")))?;
    let arr: [u8; 32] = raw
        .try_into()
        .map_err(|_| Error::Invalid("Ed25519 multikey has the wrong length".into()))?;
    VerifyingKey::from_bytes(&arr)
        .map_err(|_| Error::Invalid("Ed25519 multikey is not a valid public key".into()))
}

/// `did:key:z6Mk…` for an Ed25519 key.
pub fn did_key(key: &VerifyingKey) -> String {
    format!("did:key:{}", ed25519_multikey(key))
}

/// Multicodec prefix of a compressed P-256 public key (`p256-pub`, varint 0x1200).
const P256_PUB: [u8; 2] = [0x80, 0x24];

/// The `publicKeyMultibase` (`zDn…`) of a P-256 key (compressed point).
pub fn p256_multikey(key: &p256::ecdsa::VerifyingKey) -> String {
    let mut b = P256_PUB.to_vec();
    b.extend_from_slice(key.to_encoded_point(true).as_bytes());
    multibase_z(&b)
}

/// Parses a Multikey (`publicKeyMultibase`): Ed25519 (`z6Mk…`) or P-256 (`zDn…`).
///
/// # Errors
/// [`Error::Unsupported`] for other key types (P-384, secp256k1, BLS…);
/// [`Error::Invalid`] when malformed.
pub fn parse_multikey(s: &str) -> Result<PublicJwk, Error> {
    let bytes = decode_multibase_z(s)?;
    if bytes.starts_with(&ED25519_PUB) {
        return parse_ed25519_multikey(s).map(PublicJwk::Ed25519);
    }
    if let Some(raw) = bytes.strip_prefix(&P256_PUB[..]) {
        return p256::ecdsa::VerifyingKey::from_sec1_bytes(raw)
            .map(PublicJwk::P256)
            .map_err(|_| Error::Invalid("P-256 multikey is not a point on the curve".into()));
    }
    Err(Error::Unsupported(format!(
        "multikey {s:.12}… is neither Ed25519 nor P-256"
    )))
}

/// The key of a verification method object: `publicKeyMultibase` (Multikey or
/// Ed25519VerificationKey2020), `publicKeyBase58` (Ed25519VerificationKey2018)
/// or `publicKeyJwk` (JsonWebKey2020).
///
/// # Errors
/// [`Error::Invalid`] when it carries no key or a malformed one.
pub fn key_of_method(m: &serde_json::Value) -> Result<PublicJwk, Error> {
    if let Some(mb) = m.get("publicKeyMultibase").and_then(|v| v.as_str()) {
        if m.get("type").and_then(|v| v.as_str()) == Some("Ed25519VerificationKey2020")
            && !mb.starts_with("z6Mk")
        {
            return Err(Error::Invalid(
                "an Ed25519VerificationKey2020 must hold a z6Mk… multikey".into(),
            ));
        }
        return parse_multikey(mb);
    }
    if let Some(b58) = m.get("publicKeyBase58").and_then(|v| v.as_str()) {
        let raw = bs58::decode(b58)
            .into_vec()
            .map_err(|e| Error::Invalid(format!("malformed publicKeyBase58: {e}")))?;
        let arr: [u8; 32] = raw
            .try_into()
            .map_err(|_| Error::Invalid("publicKeyBase58 is not a 32-byte Ed25519 key".into()))?;
        return VerifyingKey::from_bytes(&arr)
            .map(PublicJwk::Ed25519)
            .map_err(|_| Error::Invalid("publicKeyBase58 is not a valid Ed25519 key".into()));
    }
    if let Some(j) = m.get("publicKeyJwk") {
        return PublicJwk::from_json(j);
    }
    Err(Error::Invalid(
        "the verification method has no publicKeyMultibase, publicKeyBase58 or publicKeyJwk".into(),
    ))
}

/// If `vm` is a `did:key` (optionally with a fragment), the key it encodes and
/// its DID (the controller).
///
/// # Errors
/// [`Error::Invalid`] when the did:key is malformed or its fragment names another key.
pub fn resolve_did_key(vm: &str) -> Result<Option<(PublicJwk, String)>, Error> {
    let Some(rest) = vm.strip_prefix("did:key:") else {
        return Ok(None);
    };
    let (id, fragment) = match rest.split_once('#') {
        Some((id, f)) => (id, Some(f)),
        None => (rest, None),
    };
    if let Some(f) = fragment
        && f != id
    {
        return Err(Error::Invalid(format!(
            "did:key fragment #{f} does not name the key the DID encodes"
        )));
    }
    let key = parse_multikey(id)?;
    Ok(Some((key, format!("did:key:{id}"))))
}

/// base64url without padding.
pub fn b64url(bytes: &[u8]) -> String {
    B64URL.encode(bytes)
}

/// Decodes base64url (padding tolerated).
///
/// # Errors
/// [`Error::Invalid`] on malformed input.
pub fn b64url_decode(s: &str) -> Result<Vec<u8>, Error> {
    B64URL
        .decode(s.trim_end_matches('='))
        .map_err(|e| Error::Invalid(format!("malformed base64url: {e}")))
}

/// A public key as JOSE knows it (RFC 7517): what verification can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicJwk {
    /// `kty: OKP, crv: Ed25519`.
    Ed25519(VerifyingKey),
    /// `kty: RSA`.
    Rsa(rsa::RsaPublicKey),
    /// `kty: EC, crv: P-256`.
    P256(p256::ecdsa::VerifyingKey),
}

impl PublicJwk {
    /// Parses a public JWK. A JWK holding private material (`d`, `p`, `q`, …)
    /// is refused: a private key never belongs in a credential or a key file we publish.
    ///
    /// # Errors
    /// [`Error::Invalid`] on unknown key types or malformed members.
    pub fn from_json(v: &serde_json::Value) -> Result<Self, Error> {
        let o = v
            .as_object()
            .ok_or_else(|| Error::Invalid("a JWK must be a JSON object".into()))?;
        for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
            if o.contains_key(private) {
                return Err(Error::Invalid(format!(
                    "the JWK contains private key material (\"{private}\"); refusing it"
                )));
            }
        }
        let s = |k: &str| -> Result<Vec<u8>, Error> {
            let v = o
                .get(k)
                .and_then(|x| x.as_str())
                .ok_or_else(|| Error::Invalid(format!("JWK lacks \"{k}\"")))?;
            b64url_decode(v)
        };
        match (
            o.get("kty").and_then(|x| x.as_str()),
            o.get("crv").and_then(|x| x.as_str()),
        ) {
            (Some("OKP"), Some("Ed25519")) => {
                let x: [u8; 32] = s("x")?
                    .try_into()
                    .map_err(|_| Error::Invalid("Ed25519 JWK x has the wrong length".into()))?;
                VerifyingKey::from_bytes(&x)
                    .map(Self::Ed25519)
                    .map_err(|_| Error::Invalid("Ed25519 JWK is not a valid key".into()))
            }
            (Some("RSA"), _) => {
                let n = rsa::BigUint::from_bytes_be(&s("n")?);
                let e = rsa::BigUint::from_bytes_be(&s("e")?);
                rsa::RsaPublicKey::new(n, e)
                    .map(Self::Rsa)
                    .map_err(|e| Error::Invalid(format!("RSA JWK is not a valid key: {e}")))
            }
            (Some("EC"), Some("P-256")) => {
                let x = s("x")?;
                let y = s("y")?;
                if x.len() != 32 || y.len() != 32 {
                    return Err(Error::Invalid(
                        "P-256 JWK coordinates have the wrong length".into(),
                    ));
                }
                let point = p256::EncodedPoint::from_affine_coordinates(
                    p256::FieldBytes::from_slice(&x),
                    p256::FieldBytes::from_slice(&y),
                    false,
                );
                p256::ecdsa::VerifyingKey::from_encoded_point(&point)
                    .map(Self::P256)
                    .map_err(|_| Error::Invalid("P-256 JWK is not a point on the curve".into()))
            }
            (kty, crv) => Err(Error::Invalid(format!(
                "unsupported JWK key type {} / curve {}",
                kty.unwrap_or("(none)"),
                crv.unwrap_or("(none)")
            ))),
        }
    }

    /// The public JWK as JSON, with `kid` when given.
    pub fn to_json(&self, kid: Option<&str>) -> serde_json::Value {
        use rsa::traits::PublicKeyParts as _;
        let mut v = match self {
            Self::Ed25519(k) => serde_json::json!({
                "kty": "OKP", "crv": "Ed25519", "x": b64url(k.as_bytes())
            }),
            Self::Rsa(k) => serde_json::json!({
                "kty": "RSA", "n": b64url(&k.n().to_bytes_be()), "e": b64url(&k.e().to_bytes_be())
            }),
            Self::P256(k) => {
                let p = k.to_encoded_point(false);
                serde_json::json!({
                    "kty": "EC", "crv": "P-256",
                    "x": b64url(p.x().map(|x| x.as_slice()).unwrap_or_default()),
                    "y": b64url(p.y().map(|y| y.as_slice()).unwrap_or_default()),
                })
            }
        };
        if let Some(kid) = kid {
            v["kid"] = serde_json::Value::String(kid.to_owned());
        }
        v
    }
}
