//! Issuing a badge and verifying it ourselves: every form, every step.

mod common;

use mm_credentials::badge::{self, Recipient};
use mm_credentials::issuer::{Issuer, did_document, jwks, profile_document};
use mm_credentials::schema::{Schema, validate};
use mm_credentials::status::RevocationList;
use mm_credentials::verify::{Check, Options, Verdict, verify};
use serde_json::Value;

fn opts_for(issuer: &Issuer) -> Options {
    let mut o = Options {
        now: Some(common::now() + chrono::Duration::days(1)),
        ..Options::default()
    };
    o.issuer_docs.push(did_document(&issuer.record));
    o.status_lists.push(RevocationList::new(
        &issuer.record.revocation_list_url(),
        &issuer.record.id,
    ));
    o
}

#[test]
fn issued_badge_says_what_the_issue_asks() {
    let (_d, issuer) = common::issuer();
    let issued = badge::issue(&common::input(), &issuer).unwrap();
    let c = &issued.credential;
    assert_eq!(
        c["type"],
        serde_json::json!(["VerifiableCredential", "OpenBadgeCredential"])
    );
    assert_eq!(c["issuer"]["id"], "did:web:badges.micromastery.example");
    assert_eq!(c["validFrom"], "2026-11-25T12:00:00Z");
    let a = &c["credentialSubject"]["achievement"];
    assert_eq!(a["achievementType"], "MicroCredential");
    assert_eq!(a["criteria"]["narrative"], common::input().criteria);
    assert_eq!(a["alignment"][0]["targetFramework"], "ESCO");
    // Subject: salted hash of the email, never the email itself.
    let ident = &c["credentialSubject"]["identifier"][0];
    assert_eq!(ident["identityType"], "emailAddress");
    assert_eq!(
        ident["identityHash"],
        Recipient::identity_hash("ada@example.org", "0011223344556677")
    );
    assert!(!c.to_string().contains("ada@example.org"));
    // Evidence: practice summary, the application, the reflection.
    let ev: Vec<&str> = c["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["narrative"].as_str().unwrap())
        .collect();
    assert!(
        ev[0].contains("9 focused practice sessions, 240 minutes") && ev[0].contains("28 days"),
        "{ev:?}"
    );
    assert!(ev.iter().any(|e| e.contains("monthly sales review")));
    assert!(ev.iter().any(|e| e.contains("halved my build time")));
    // Both schemas.
    validate(Schema::AchievementCredential, c).unwrap();
    validate(Schema::AchievementCredentialStrict2024, c).unwrap();
    assert_eq!(c["proof"][0]["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(
        c["proof"][0]["verificationMethod"],
        "did:web:badges.micromastery.example#key-0"
    );
}

#[test]
fn issued_badge_verifies_in_every_form_with_the_published_documents() {
    let (_d, issuer) = common::issuer();
    let issued = badge::issue(&common::input(), &issuer).unwrap();
    let opts = opts_for(&issuer);
    let json = serde_json::to_string_pretty(&issued.credential).unwrap();
    // Regression: the RS256 JWT was INVALID against the issuer's own DID
    // document, which listed only the Ed25519 Multikeys.
    for (name, bytes) in [
        ("json-ld", json.as_bytes().to_vec()),
        ("jwt eddsa", issued.jwt_eddsa.as_bytes().to_vec()),
        ("jwt rs256", issued.jwt_rs256.as_bytes().to_vec()),
    ] {
        let r = verify(&bytes, &opts);
        assert_eq!(r.verdict, Verdict::Valid, "{name}: {:#?}", r.steps);
    }
    // The JWKS alone serves as well.
    let mut o = opts_for(&issuer);
    o.add_jwk_or_jwks(&jwks(&issuer.record).unwrap()).unwrap();
    let r = verify(issued.jwt_rs256.as_bytes(), &o);
    assert_eq!(r.verdict, Verdict::Valid, "rs256: {:#?}", r.steps);
    // Published documents satisfy the Profile schema.
    validate(Schema::Profile, &profile_document(&issuer.record)).unwrap();
    validate(Schema::Profile, &did_document(&issuer.record)).unwrap();
}

#[test]
fn without_the_issuer_document_the_did_web_key_cannot_be_checked_offline() {
    let (_d, issuer) = common::issuer();
    let issued = badge::issue(&common::input(), &issuer).unwrap();
    let r = verify(
        issued.credential.to_string().as_bytes(),
        &Options::default(),
    );
    // Unconfirmed, never INVALID: nothing is known to be wrong.
    assert_eq!(r.verdict, Verdict::Unconfirmed);
    assert!(matches!(r.step("signature"), Some(Check::Unconfirmed(_))));
    assert!(
        r.reason().unwrap().contains("--issuer-doc"),
        "{:?}",
        r.reason()
    );
}

#[test]
fn status_list_absent_is_unchecked_never_valid_and_require_status_fails() {
    let (_d, issuer) = common::issuer();
    let issued = badge::issue(&common::input(), &issuer).unwrap();
    let mut o = opts_for(&issuer);
    o.status_lists.clear();
    let bytes = issued.credential.to_string();
    let r = verify(bytes.as_bytes(), &o);
    assert_eq!(r.verdict, Verdict::Unconfirmed);
    assert!(matches!(r.step("status"), Some(Check::Unconfirmed(d)) if d.contains("unchecked")));
    o.require_status = true;
    assert_eq!(verify(bytes.as_bytes(), &o).verdict, Verdict::Invalid);
}

#[test]
fn revoked_badge_is_rejected_with_its_reason_in_every_form() {
    let (_d, issuer) = common::issuer();
    let issued = badge::issue(&common::input(), &issuer).unwrap();
    let other = badge::issue(&common::input(), &issuer).unwrap();
    let mut list = RevocationList::new(&issuer.record.revocation_list_url(), &issuer.record.id);
    assert!(
        list.revoke(&issued.id, "issued to the wrong person")
            .unwrap()
    );
    let mut o = opts_for(&issuer);
    o.status_lists = vec![list];
    for bytes in [issued.credential.to_string(), issued.jwt_eddsa.clone()] {
        let r = verify(bytes.as_bytes(), &o);
        assert_eq!(r.verdict, Verdict::Invalid);
        assert_eq!(
            r.reason().unwrap(),
            "status: revoked: issued to the wrong person"
        );
    }
    assert_eq!(
        verify(other.credential.to_string().as_bytes(), &o).verdict,
        Verdict::Valid
    );
}

#[test]
fn validity_window_is_enforced() {
    let (_d, issuer) = common::issuer();
    let issued = badge::issue(&common::input(), &issuer).unwrap();
    let mut o = opts_for(&issuer);
    o.now = Some(common::now() - chrono::Duration::days(1));
    let r = verify(issued.credential.to_string().as_bytes(), &o);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(
        r.reason().unwrap().starts_with("validity: not yet valid"),
        "{:?}",
        r.reason()
    );
}

#[test]
fn rotation_keeps_old_badges_verifying() {
    let (_d, mut issuer) = common::issuer();
    let old = badge::issue(&common::input(), &issuer).unwrap();
    issuer
        .rotate_with(
            common::now(),
            mm_credentials::issuer::SecretKeys {
                ed25519: ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng),
                rsa: common::secrets().rsa,
            },
        )
        .unwrap();
    let new = badge::issue(&common::input(), &issuer).unwrap();
    assert_eq!(
        new.credential["proof"][0]["verificationMethod"],
        "did:web:badges.micromastery.example#key-1"
    );
    let reloaded = Issuer::load(issuer.dir()).unwrap();
    assert_eq!(reloaded.record.keys.len(), 2);
    let o = opts_for(&reloaded);
    for c in [&old, &new] {
        assert_eq!(
            verify(c.credential.to_string().as_bytes(), &o).verdict,
            Verdict::Valid
        );
        assert_eq!(verify(c.jwt_eddsa.as_bytes(), &o).verdict, Verdict::Valid);
    }
}

#[test]
fn secrets_are_0600_and_never_in_debug_or_public_documents() {
    use std::os::unix::fs::PermissionsExt as _;
    let (_d, issuer) = common::issuer();
    for f in std::fs::read_dir(issuer.dir().join("keys")).unwrap() {
        let p = f.unwrap().path();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", p.display());
    }
    let dbg = format!("{issuer:?}");
    assert!(dbg.contains("redacted"));
    let seed_hex: String = issuer
        .secrets
        .ed25519
        .to_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let pem = {
        use rsa::pkcs8::EncodePrivateKey as _;
        issuer
            .secrets
            .rsa
            .to_pkcs8_pem(rsa::pkcs8::LineEnding::LF)
            .unwrap()
            .to_string()
    };
    let pem_body = pem.lines().nth(1).unwrap().to_owned();
    let published = format!(
        "{dbg}{}{}{}",
        did_document(&issuer.record),
        jwks(&issuer.record).unwrap(),
        std::fs::read_to_string(issuer.dir().join("issuer.json")).unwrap()
    );
    assert!(!published.contains(&seed_hex));
    assert!(!published.contains(&pem_body));
    for k in jwks(&issuer.record).unwrap()["keys"].as_array().unwrap() {
        assert!(k.get("d").is_none());
    }
}

#[test]
fn issuing_twice_into_the_same_dir_is_refused() {
    let (_d, issuer) = common::issuer();
    let err = Issuer::init_with(
        issuer.dir(),
        "x",
        "https://x.example",
        common::now(),
        common::secrets(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("already exists"));
}

#[test]
fn did_subject_is_used_as_credential_subject_id() {
    let (_d, issuer) = common::issuer();
    let mut input = common::input();
    input.recipient = Recipient::Did("did:example:ada".into());
    let issued = badge::issue(&input, &issuer).unwrap();
    assert_eq!(
        issued.credential["credentialSubject"]["id"],
        "did:example:ada"
    );
    let jwt = mm_credentials::jwt::decode(&issued.jwt_rs256).unwrap();
    assert_eq!(jwt.payload["sub"], "did:example:ada");
    assert_eq!(jwt.payload["iss"], "did:web:badges.micromastery.example");
    assert_eq!(jwt.payload["jti"], Value::String(issued.id.clone()));
}
