//! Issue 13, part 1: a credential signed by a key that the issuer's own
//! document does not list is INVALID, for JSON-LD proofs and VC-JWTs alike,
//! while the genuine credential is VALID with that document and UNCONFIRMED
//! (never INVALID) without it.

mod common;

use ed25519_dalek::{Signer as _, SigningKey};
use mm_credentials::badge;
use mm_credentials::di;
use mm_credentials::issuer::did_document;
use mm_credentials::multikey::{PublicJwk, b64url, ed25519_multikey};
use mm_credentials::verify::{Check, Options, Verdict, verify};
use serde_json::{Value, json};

const ISSUER: &str = "https://issuer.example/profile";

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// Our own badge, unsigned, re-issued by the HTTPS issuer `ISSUER` (no
/// credentialStatus, so status never decides).
fn unsigned_badge(issuer: &str) -> Value {
    let (_d, i) = common::issuer();
    let issued = badge::issue(&common::input(), &i).unwrap();
    let mut c = di::unsecured(&issued.credential);
    let o = c.as_object_mut().unwrap();
    o.remove("credentialStatus");
    o.insert(
        "issuer".into(),
        json!({ "id": issuer, "type": ["Profile"], "name": "Example issuer" }),
    );
    c
}

fn fragment_vm(k: &SigningKey) -> String {
    format!("{ISSUER}#{}", ed25519_multikey(&k.verifying_key()))
}

/// The issuer's published profile listing only the genuine key.
fn profile(genuine: &SigningKey, embedded_only: bool) -> Value {
    let vm = json!({
        "id": fragment_vm(genuine),
        "type": "Multikey",
        "controller": ISSUER,
        "publicKeyMultibase": ed25519_multikey(&genuine.verifying_key()),
    });
    if embedded_only {
        json!({ "id": ISSUER, "type": ["Profile"], "assertionMethod": [vm] })
    } else {
        json!({
            "id": ISSUER, "type": ["Profile"],
            "verificationMethod": [vm],
            "assertionMethod": [fragment_vm(genuine)],
        })
    }
}

fn opts(docs: Vec<Value>) -> Options {
    Options {
        issuer_docs: docs,
        now: Some(common::now() + chrono::Duration::days(1)),
        ..Options::default()
    }
}

fn run(c: &Value, o: &Options) -> mm_credentials::verify::Report {
    verify(c.to_string().as_bytes(), o)
}

#[test]
fn forgery_resigned_with_own_key_in_issuer_url_fragment_is_invalid_with_issuer_doc() {
    let genuine_key = key(1);
    let forger = key(2);
    let unsigned = unsigned_badge(ISSUER);
    let genuine = di::sign(
        &unsigned,
        &genuine_key,
        &fragment_vm(&genuine_key),
        "2026-11-25T12:00:00Z",
    )
    .unwrap();
    let mut altered = unsigned.clone();
    altered["credentialSubject"]["achievement"]["name"] = "Brain surgery".into();
    let forged = di::sign(
        &altered,
        &forger,
        &fragment_vm(&forger),
        "2026-11-25T12:00:00Z",
    )
    .unwrap();

    // Offline with nothing else, neither can be told apart: both UNCONFIRMED.
    for c in [&genuine, &forged] {
        let r = run(c, &opts(vec![]));
        assert_eq!(r.verdict, Verdict::Unconfirmed, "{:#?}", r.steps);
    }
    // With the issuer's real profile (keys listed either way), the genuine one
    // is VALID and the forgery INVALID, decided by the issuer's key.
    for embedded_only in [false, true] {
        let o = opts(vec![profile(&genuine_key, embedded_only)]);
        let r = run(&genuine, &o);
        assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.steps);
        let r = run(&forged, &o);
        assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.steps);
        let reason = r.reason().unwrap();
        assert!(
            reason.starts_with("issuer-key:") && reason.contains("did not sign"),
            "{reason}"
        );
    }
}

#[test]
fn forgery_claiming_a_did_web_issuer_with_an_unlisted_key_is_invalid() {
    let (_d, issuer) = common::issuer();
    let genuine = badge::issue(&common::input(), &issuer).unwrap().credential;
    let forger = key(3);
    let vm = format!("{}#key-forged", issuer.record.id);
    let forged = di::sign(
        &di::unsecured(&genuine),
        &forger,
        &vm,
        "2026-11-25T12:00:00Z",
    )
    .unwrap();
    let o = opts(vec![did_document(&issuer.record)]);
    let r = run(&forged, &o);
    assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.steps);
    assert!(r.reason().unwrap().contains("not among the keys"));
    // Without the DID document, neither the genuine nor the forged one is
    // INVALID: the key simply cannot be fetched offline.
    for c in [&genuine, &forged] {
        let r = run(c, &opts(vec![]));
        assert_eq!(r.verdict, Verdict::Unconfirmed, "{:#?}", r.steps);
        assert!(matches!(r.step("signature"), Some(Check::Unconfirmed(_))));
    }
}

/// A VC-JWT whose header carries the signer's public key (no kid).
fn jwt_with_header_jwk(credential: &Value, k: &SigningKey) -> String {
    let header = json!({
        "alg": "EdDSA",
        "typ": "JWT",
        "jwk": PublicJwk::Ed25519(k.verifying_key()).to_json(None),
    });
    let mut payload = credential.as_object().unwrap().clone();
    payload.extend(mm_credentials::jwt::claims_for(credential).unwrap());
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(Value::Object(payload).to_string().as_bytes())
    );
    let sig = k.sign(input.as_bytes());
    format!("{input}.{}", b64url(&sig.to_bytes()))
}

#[test]
fn forgery_jwt_header_jwk_not_in_issuer_doc_is_invalid() {
    let genuine_key = key(4);
    let forger = key(5);
    let unsigned = unsigned_badge(ISSUER);
    let genuine = jwt_with_header_jwk(&unsigned, &genuine_key);
    let forged = jwt_with_header_jwk(&unsigned, &forger);
    for t in [&genuine, &forged] {
        let r = verify(t.as_bytes(), &opts(vec![]));
        assert_eq!(r.verdict, Verdict::Unconfirmed, "{:#?}", r.steps);
    }
    for embedded_only in [false, true] {
        let o = opts(vec![profile(&genuine_key, embedded_only)]);
        let r = verify(genuine.as_bytes(), &o);
        assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.steps);
        let r = verify(forged.as_bytes(), &o);
        assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.steps);
        assert!(
            r.reason().unwrap().contains("did not sign"),
            "{:?}",
            r.reason()
        );
    }
}

#[test]
fn forgery_jwt_header_jwk_against_a_did_key_issuer_is_invalid() {
    let issuer_key = key(6);
    let forger = key(7);
    let did = mm_credentials::multikey::did_key(&issuer_key.verifying_key());
    let unsigned = unsigned_badge(&did);
    let r = verify(
        jwt_with_header_jwk(&unsigned, &issuer_key).as_bytes(),
        &opts(vec![]),
    );
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.steps);
    let r = verify(
        jwt_with_header_jwk(&unsigned, &forger).as_bytes(),
        &opts(vec![]),
    );
    assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.steps);
}
