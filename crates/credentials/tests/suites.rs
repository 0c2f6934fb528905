//! Issue 13, part 3: what other issuers use, made here with our own keys and
//! then tampered with (proptest): Ed25519Signature2020 over a VC 1.1 badge,
//! ecdsa-rdfc-2019 (P-256), ES256 VC-JWTs with a `vc` claim, Bitstring
//! status lists, and badges baked into PNG images.

use ed25519_dalek::SigningKey;
use mm_credentials::di::{self, ProofKey, Suite};
use mm_credentials::multikey::{b64url, did_key, p256_multikey};
use mm_credentials::verify::{Check, Options, Verdict, verify};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::sync::OnceLock;

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn opts() -> Options {
    Options {
        now: Some(now()),
        ..Options::default()
    }
}

/// DCC's VC 1.1 fixture from the corpus, unsigned, reissued by `issuer`.
fn vc11_badge(issuer: &str) -> Value {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/dcc-vc-test-fixtures/v1-ed25519-didKey-legacy-noStatus-noExpiry.json"
    );
    let mut c = di::unsecured(&serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap());
    c["issuer"]["id"] = issuer.into();
    c["credentialSubject"]["id"] = "did:example:learner".into();
    c
}

fn ed_key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn p256_key() -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&[7; 32]).unwrap()
}

fn p256_did() -> String {
    format!("did:key:{}", p256_multikey(p256_key().verifying_key()))
}

fn signed(suite: Suite) -> &'static Value {
    static ED: OnceLock<Value> = OnceLock::new();
    static EC: OnceLock<Value> = OnceLock::new();
    let make = |suite: Suite| {
        let (did, key) = match suite {
            Suite::EcdsaRdfc2019 => (p256_did(), None),
            _ => (did_key(&ed_key().verifying_key()), Some(ed_key())),
        };
        let mut c = vc11_badge(&did);
        if suite == Suite::EcdsaRdfc2019 {
            // VC 2.0 with a Data Integrity proof.
            c["@context"] = json!([
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ]);
            let from = c.as_object_mut().unwrap().remove("issuanceDate").unwrap();
            c["validFrom"] = from;
            // VC 2.0's schema wants an Image object where VC 1.1 took a URL.
            c["issuer"].as_object_mut().unwrap().remove("image");
        }
        let frag = did.trim_start_matches("did:key:").to_owned();
        let vm = format!("{did}#{frag}");
        let p256 = p256_key();
        let k = match &key {
            Some(k) => ProofKey::Ed25519(k),
            None => ProofKey::P256(&p256),
        };
        let proof = di::create_proof_with(&c, suite, k, &vm, "2026-11-30T00:00:00Z").unwrap();
        c["proof"] = proof;
        c
    };
    match suite {
        Suite::EcdsaRdfc2019 => EC.get_or_init(|| make(suite)),
        _ => ED.get_or_init(|| make(Suite::Ed25519Signature2020)),
    }
}

#[test]
fn ed25519signature2020_vc11_and_ecdsa_rdfc_2019_badges_verify() {
    for (suite, want) in [
        (Suite::Ed25519Signature2020, "Ed25519Signature2020 proof"),
        (Suite::EcdsaRdfc2019, "ecdsa-rdfc-2019 proof"),
    ] {
        let r = verify(signed(suite).to_string().as_bytes(), &opts());
        assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.steps);
        assert!(r.step("signature").unwrap().detail().contains(want));
    }
}

/// Every leaf of a JSON value, as a JSON pointer.
fn leaves(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                leaves(
                    x,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                leaves(x, format!("{at}/{i}"), out);
            }
        }
        _ => out.push(at),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn tampering_new_suites_is_never_accepted(ecdsa in any::<bool>(), which in any::<prop::sample::Index>(), text in "[a-zA-Z0-9 :/.#-]{0,12}") {
        let original = signed(if ecdsa { Suite::EcdsaRdfc2019 } else { Suite::Ed25519Signature2020 });
        let mut ptrs = Vec::new();
        leaves(original, String::new(), &mut ptrs);
        let ptr = &ptrs[which.index(ptrs.len())];
        let mut c = original.clone();
        *c.pointer_mut(ptr).unwrap() = Value::String(text);
        prop_assume!(&c != original);
        let r = verify(c.to_string().as_bytes(), &opts());
        // Never accepted as signed: the signature never verifies and the
        // verdict is never VALID. (A changed verificationMethod names a key
        // nobody can fetch offline: UNCONFIRMED, with the signature unchecked.)
        prop_assert!(
            !matches!(r.step("signature"), Some(Check::Pass(_))) && r.verdict != Verdict::Valid,
            "{} changed, yet {:?}: {:#?}", ptr, r.verdict, r.steps
        );
        if ptr != "/proof/verificationMethod" {
            prop_assert!(
                matches!(r.verdict, Verdict::Invalid | Verdict::Unsupported),
                "{} changed, yet {:?}: {:#?}", ptr, r.verdict, r.steps
            );
        }
    }
}

/// A VC 1.1 style VC-JWT: the credential in a `vc` claim, issuer, id,
/// subject and dates only as JWT claims; ES256 with a P-256 did:key kid.
fn es256_vc_claim_jwt(c: &Value) -> String {
    use p256::ecdsa::signature::Signer as _;
    let did = p256_did();
    let kid = format!("{did}#{}", did.trim_start_matches("did:key:"));
    let header = json!({ "alg": "ES256", "typ": "JWT", "kid": kid });
    let mut vc = di::unsecured(c);
    let o = vc.as_object_mut().unwrap();
    let issued = o.remove("issuanceDate").unwrap();
    let jti = o.remove("id").unwrap();
    let sub = o["credentialSubject"]
        .as_object_mut()
        .unwrap()
        .remove("id")
        .unwrap();
    o.insert(
        "issuer".into(),
        json!({ "id": did, "type": "Profile", "name": "P-256 issuer" }),
    );
    let nbf = chrono::DateTime::parse_from_rfc3339(issued.as_str().unwrap())
        .unwrap()
        .timestamp();
    let payload = json!({ "vc": vc, "iss": did, "jti": jti, "sub": sub, "nbf": nbf });
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(payload.to_string().as_bytes())
    );
    let sig: p256::ecdsa::Signature = p256_key().sign(input.as_bytes());
    format!("{input}.{}", b64url(&sig.to_bytes()))
}

#[test]
fn es256_jwt_with_a_vc_claim_is_unwrapped_and_verified() {
    let jwt = es256_vc_claim_jwt(signed(Suite::Ed25519Signature2020));
    let r = verify(jwt.as_bytes(), &opts());
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.steps);
    assert!(r.step("signature").unwrap().detail().contains("ES256"));
    assert_eq!(
        r.credential_id.as_deref(),
        Some("urn:uuid:2fe53dc9-b2ec-4939-9b2c-0d00f6663b6c")
    );
    // One changed character of the payload: rejected.
    let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
    let mut payload: Value =
        serde_json::from_slice(&mm_credentials::multikey::b64url_decode(&parts[1]).unwrap())
            .unwrap();
    payload["vc"]["name"] = "Something else".into();
    parts[1] = b64url(payload.to_string().as_bytes());
    let r = verify(parts.join(".").as_bytes(), &opts());
    assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.steps);
}

/// A signed BitstringStatusList credential with `set` bits on.
fn status_list(id: &str, issuer_key: &SigningKey, purpose: &str, set: &[usize]) -> Value {
    use std::io::Write as _;
    let mut bits = vec![0u8; 16 * 1024];
    for &i in set {
        bits[i / 8] |= 0x80 >> (i % 8);
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bits).unwrap();
    let did = did_key(&issuer_key.verifying_key());
    let mut l = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": format!("{id}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": format!("u{}", b64url(&gz.finish().unwrap())),
        }
    });
    let vm = format!("{did}#{}", did.trim_start_matches("did:key:"));
    l["proof"] = di::create_proof_with(
        &l,
        Suite::EddsaRdfc2022,
        ProofKey::Ed25519(issuer_key),
        &vm,
        "2026-11-30T00:00:00Z",
    )
    .unwrap();
    l
}

fn with_status(index: usize, purpose: &str) -> Value {
    let key = ed_key();
    let mut c = vc11_badge(&did_key(&key.verifying_key()));
    let ctx = c["@context"].as_array_mut().unwrap();
    ctx.insert(2, "https://www.w3.org/ns/credentials/status/v1".into());
    c["credentialStatus"] = json!({
        "id": format!("https://status.example/lists/1#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index.to_string(),
        "statusListCredential": "https://status.example/lists/1",
    });
    let did = did_key(&key.verifying_key());
    let vm = format!("{did}#{}", did.trim_start_matches("did:key:"));
    c["proof"] = di::create_proof_with(
        &c,
        Suite::Ed25519Signature2020,
        ProofKey::Ed25519(&key),
        &vm,
        "2026-11-30T00:00:00Z",
    )
    .unwrap();
    c
}

#[test]
fn bitstring_status_lists_revoke_suspend_and_are_themselves_verified() {
    let key = ed_key();
    let revoked_bits = [3, 1000];
    let list = status_list(
        "https://status.example/lists/1",
        &key,
        "revocation",
        &revoked_bits,
    );
    let mut o = opts();
    assert!(o.add_status_document(&list).unwrap());
    // Bit 3 set: revoked. Bit 4 clear: valid.
    let r = verify(with_status(3, "revocation").to_string().as_bytes(), &o);
    assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.steps);
    assert!(
        r.reason().unwrap().starts_with("status: revoked"),
        "{:?}",
        r.reason()
    );
    let r = verify(with_status(4, "revocation").to_string().as_bytes(), &o);
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.steps);
    // Without the list: unconfirmed, and named.
    let r = verify(with_status(3, "revocation").to_string().as_bytes(), &opts());
    assert_eq!(r.verdict, Verdict::Unconfirmed);
    assert!(
        matches!(r.step("status"), Some(Check::Unconfirmed(d)) if d.contains("https://status.example/lists/1"))
    );
    // Suspension lists are their own purpose.
    let mut o2 = opts();
    o2.add_status_document(&status_list(
        "https://status.example/lists/1",
        &key,
        "suspension",
        &[5],
    ))
    .unwrap();
    let r = verify(with_status(5, "suspension").to_string().as_bytes(), &o2);
    assert!(
        r.reason().unwrap().starts_with("status: suspended"),
        "{:?}",
        r.reason()
    );
    // A list whose bits were changed after signing is refused, not believed.
    let mut forged = list.clone();
    let clean = status_list("https://status.example/lists/1", &key, "revocation", &[]);
    forged["credentialSubject"]["encodedList"] = clean["credentialSubject"]["encodedList"].clone();
    let mut o3 = opts();
    o3.add_status_document(&forged).unwrap();
    let r = verify(with_status(3, "revocation").to_string().as_bytes(), &o3);
    assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.steps);
    assert!(
        r.reason().unwrap().contains("does not verify"),
        "{:?}",
        r.reason()
    );
}

#[test]
fn baked_png_round_trips_and_damage_is_caught() {
    let json = signed(Suite::Ed25519Signature2020).to_string();
    let png = mm_credentials::bake::bake_png(
        &mm_credentials::bake::default_png(),
        mm_credentials::bake::Payload::Json(&json),
    )
    .unwrap();
    let r = verify(&png, &opts());
    assert_eq!(r.format, "png+json-ld");
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.steps);
    // Double baking is refused.
    assert!(
        mm_credentials::bake::bake_png(&png, mm_credentials::bake::Payload::Json(&json)).is_err()
    );
    // A PNG without a credential, a truncated one, one with a flipped byte.
    let r = verify(&mm_credentials::bake::default_png(), &opts());
    assert!(
        r.reason().unwrap().contains("no baked credential"),
        "{:?}",
        r.reason()
    );
    let r = verify(&png[..png.len() / 2], &opts());
    assert_eq!(r.verdict, Verdict::Invalid);
    let mut flipped = png.clone();
    let at = flipped.windows(4).position(|w| w == b"iTXt").unwrap() + 60;
    flipped[at] ^= 0x20;
    let r = verify(&flipped, &opts());
    assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.steps);
}

/// The independent verifier (pyld + cryptography) agrees with the proofs we
/// make in the new suites, and rejects them once tampered: our
/// ecdsa-rdfc-2019 and Ed25519Signature2020 are not just self-consistent.
#[test]
fn independent_verifier_accepts_our_new_suite_proofs() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let py = std::env::var_os("MM_VERIFIERS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.join("../../target/verifiers"))
        .join(".venv/bin/python");
    let ctx = std::env::var_os("MM_SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.join("../../../shared"))
        .join("standards/vc-contexts");
    if !py.is_file() || !ctx.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "independent verifier or vc-contexts missing in CI"
        );
        eprintln!(
            "skipping: no verifier venv or vc-contexts (run scripts/setup-verifiers.sh, set MM_SHARED_DIR)"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for suite in [Suite::Ed25519Signature2020, Suite::EcdsaRdfc2019] {
        for tampered in [false, true] {
            let mut c = signed(suite).clone();
            if tampered {
                c["name"] = "Forged name".into();
            }
            let f = tmp.path().join("c.json");
            std::fs::write(&f, c.to_string()).unwrap();
            let out = std::process::Command::new(&py)
                .arg(dir.join("tests/corpus/verify_ld.py"))
                .arg(&ctx)
                .arg(&f)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            let want = if tampered { "INVALID" } else { "VALID" };
            assert!(
                text.starts_with(want) && out.status.success() != tampered,
                "{suite:?} tampered={tampered}: {text}{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// CLR 2.0: the ClrCredential's own proof and every bundled credential are
/// checked; a CLR that validly signs a forged badge is INVALID.
#[test]
fn clr_verifies_the_bundle_and_each_credential_inside() {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/shared-obv3/clr20-simple.json"
    );
    let original: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    let r = verify(original.to_string().as_bytes(), &opts());
    assert_eq!(r.verdict, Verdict::Unconfirmed, "{:#?}", r.steps);
    assert_eq!(r.included.len(), 1);
    assert!(matches!(
        r.included[0].step("signature"),
        Some(Check::Pass(_))
    ));
    // Re-sign the CLR with our own did:key, once as is, once bundling a badge
    // whose content was changed after its issuer signed it.
    let key = ed_key();
    let did = did_key(&key.verifying_key());
    let vm = format!("{did}#{}", did.trim_start_matches("did:key:"));
    for forge_inner in [false, true] {
        let mut c = di::unsecured(&original);
        c["issuer"]["id"] = did.clone().into();
        if forge_inner {
            c["credentialSubject"]["verifiableCredential"][0]["name"] = "Brain surgery".into();
        }
        c["proof"] = di::create_proof_with(
            &c,
            Suite::EddsaRdfc2022,
            ProofKey::Ed25519(&key),
            &vm,
            "2026-11-30T00:00:00Z",
        )
        .unwrap();
        let r = verify(c.to_string().as_bytes(), &opts());
        assert!(
            matches!(r.step("signature"), Some(Check::Pass(_))),
            "{:#?}",
            r.steps
        );
        if forge_inner {
            assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.steps);
            assert!(
                r.reason()
                    .unwrap()
                    .starts_with("included: credential 1 of 1"),
                "{:?}",
                r.reason()
            );
        } else {
            // The inner badge's key is only in its VM fragment.
            assert_eq!(r.verdict, Verdict::Unconfirmed, "{:#?}", r.steps);
        }
    }
}

/// Issue 13, part 5: conformance findings carry rule names; a MUST is an
/// error that fails the schema step, a SHOULD a warning that changes nothing.
#[test]
fn conformance_findings_name_their_rule() {
    let r = verify(
        signed(Suite::Ed25519Signature2020).to_string().as_bytes(),
        &opts(),
    );
    assert_eq!(r.verdict, Verdict::Valid);
    let rules: Vec<&str> = r.findings.iter().map(|f| f.rule).collect();
    assert!(rules.contains(&"vc-data-model"), "{rules:?}");
    assert!(rules.contains(&"proof-array"), "{rules:?}");
    assert!(
        r.findings
            .iter()
            .all(|f| f.level == mm_credentials::verify::Level::Warning)
    );
    // An achievementType outside the vocabulary (and not ext:) is an error.
    let key = ed_key();
    let did = did_key(&key.verifying_key());
    let mut c = vc11_badge(&did);
    c["credentialSubject"]["achievement"]["achievementType"] = "Trophy".into();
    let vm = format!("{did}#{}", did.trim_start_matches("did:key:"));
    c["proof"] = di::create_proof_with(
        &c,
        Suite::Ed25519Signature2020,
        ProofKey::Ed25519(&key),
        &vm,
        "2026-11-30T00:00:00Z",
    )
    .unwrap();
    let r = verify(c.to_string().as_bytes(), &opts());
    assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.steps);
    assert!(
        r.reason()
            .unwrap()
            .contains("achievement-type: achievementType Trophy"),
        "{:?}",
        r.reason()
    );
    // ext: names are allowed.
    c["credentialSubject"]["achievement"]["achievementType"] = "ext:Trophy".into();
    c["proof"] = di::create_proof_with(
        &di::unsecured(&c),
        Suite::Ed25519Signature2020,
        ProofKey::Ed25519(&key),
        &vm,
        "2026-11-30T00:00:00Z",
    )
    .unwrap();
    assert_eq!(
        verify(c.to_string().as_bytes(), &opts()).verdict,
        Verdict::Valid
    );
}

/// An Open Badges 2.0 assertion is another data model: UNSUPPORTED (exit 4),
/// named, not INVALID.
#[test]
fn open_badges_2_assertions_are_unsupported_not_invalid() {
    let ob2 = json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://example.org/assertions/123",
        "recipient": { "type": "email", "hashed": false, "identity": "ada@example.org" },
        "badge": "https://example.org/badges/5",
        "verification": { "type": "hosted" },
        "issuedOn": "2016-12-31T23:59:59Z"
    });
    let r = verify(ob2.to_string().as_bytes(), &opts());
    assert_eq!(r.verdict, Verdict::Unsupported, "{:#?}", r.steps);
    assert!(
        r.reason().unwrap().contains("Open Badges 1.x/2.0"),
        "{:?}",
        r.reason()
    );
}

/// StatusList2021 (what DCC's VC 1.1 issuers use): base64url without the
/// multibase prefix, `StatusList2021Entry`, the 2021 context.
#[test]
fn status_list_2021_revokes_too() {
    let key = ed_key();
    let mut list = status_list("https://status.example/lists/1", &key, "revocation", &[3]);
    // Re-shape it as a StatusList2021Credential and sign it again.
    let encoded = list["credentialSubject"]["encodedList"]
        .as_str()
        .unwrap()
        .trim_start_matches('u')
        .to_owned();
    let l = list.as_object_mut().unwrap();
    l.remove("proof");
    // StatusList2021 belongs to the VC 1.1 data model.
    l.insert(
        "@context".into(),
        json!([
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/vc/status-list/2021/v1",
            "https://w3id.org/security/suites/ed25519-2020/v1"
        ]),
    );
    let from = l.remove("validFrom").unwrap();
    l.insert("issuanceDate".into(), from);
    l.insert(
        "type".into(),
        json!(["VerifiableCredential", "StatusList2021Credential"]),
    );
    list["credentialSubject"]["type"] = "StatusList2021".into();
    list["credentialSubject"]["encodedList"] = encoded.into();
    let did = did_key(&key.verifying_key());
    let vm = format!("{did}#{}", did.trim_start_matches("did:key:"));
    list["proof"] = di::create_proof_with(
        &list,
        Suite::Ed25519Signature2020,
        ProofKey::Ed25519(&key),
        &vm,
        "2026-11-30T00:00:00Z",
    )
    .unwrap();
    let mut o = opts();
    assert!(o.add_status_document(&list).unwrap());
    let badge = |index: usize| {
        let mut c = vc11_badge(&did);
        c["@context"]
            .as_array_mut()
            .unwrap()
            .insert(2, "https://w3id.org/vc/status-list/2021/v1".into());
        c["credentialStatus"] = json!({
            "id": format!("https://status.example/lists/1#{index}"),
            "type": "StatusList2021Entry",
            "statusPurpose": "revocation",
            "statusListIndex": index.to_string(),
            "statusListCredential": "https://status.example/lists/1",
        });
        c["proof"] = di::create_proof_with(
            &c,
            Suite::Ed25519Signature2020,
            ProofKey::Ed25519(&key),
            &vm,
            "2026-11-30T00:00:00Z",
        )
        .unwrap();
        c
    };
    let r = verify(badge(3).to_string().as_bytes(), &o);
    assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.steps);
    assert!(
        r.reason().unwrap().starts_with("status: revoked"),
        "{:?}",
        r.reason()
    );
    let r = verify(badge(2).to_string().as_bytes(), &o);
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.steps);
}
