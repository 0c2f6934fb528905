//! Nothing whose signed content changed is ever accepted: random single-byte
//! and single-field tampering of JSON-LD credentials and VC-JWTs (proptest),
//! plus the named kinds of bad input from issue 7, each with one clear reason.
//! "Rejected" is INVALID, or UNSUPPORTED when the change turned a context or
//! cryptosuite name into one we do not handle (issue 13: that is not proof of
//! anything wrong, and it is never exit 0 or 3 either).

mod common;

use mm_credentials::badge::{self, Issued};
use mm_credentials::issuer::{Issuer, did_document, jwks};
use mm_credentials::multikey::b64url;
use mm_credentials::status::RevocationList;
use mm_credentials::verify::{Options, Verdict, verify};
use proptest::prelude::*;
use serde_json::Value;
use std::sync::OnceLock;

struct Fixture {
    _dir: tempfile::TempDir,
    issued: Issued,
    opts: Options,
    issuer: Issuer,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let (dir, issuer) = common::issuer();
        let issued = badge::issue(&common::input(), &issuer).unwrap();
        let mut opts = Options {
            now: Some(common::now() + chrono::Duration::days(1)),
            ..Options::default()
        };
        opts.issuer_docs.push(did_document(&issuer.record));
        opts.add_jwk_or_jwks(&jwks(&issuer.record).unwrap())
            .unwrap();
        opts.status_lists.push(RevocationList::new(
            &issuer.record.revocation_list_url(),
            &issuer.record.id,
        ));
        Fixture {
            _dir: dir,
            issued,
            opts,
            issuer,
        }
    })
}

/// Never exit 0 or 3.
fn rejected(v: Verdict) -> bool {
    matches!(v, Verdict::Invalid | Verdict::Unsupported)
}

fn compact() -> String {
    fixture().issued.credential.to_string()
}

#[test]
fn untampered_forms_are_valid() {
    let f = fixture();
    for s in [
        compact(),
        f.issued.jwt_eddsa.clone(),
        f.issued.jwt_rs256.clone(),
    ] {
        let r = verify(s.as_bytes(), &f.opts);
        assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.steps);
    }
}

/// Every leaf (string, number, bool) of a JSON value, as a JSON pointer.
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

fn leaf_pointers() -> &'static Vec<String> {
    static L: OnceLock<Vec<String>> = OnceLock::new();
    L.get_or_init(|| {
        let mut out = Vec::new();
        leaves(&fixture().issued.credential, String::new(), &mut out);
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn single_byte_change_to_json_is_never_accepted(pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let original = compact();
        let mut bytes = original.clone().into_bytes();
        let i = pos.index(bytes.len());
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        // A change that leaves the JSON value equal changes no signed content.
        if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
            prop_assume!(v != fixture().issued.credential);
        }
        let r = verify(&bytes, &fixture().opts);
        prop_assert!(rejected(r.verdict), "byte {} -> {:?} accepted: {:#?}", i, byte as char, r.steps);
    }

    #[test]
    fn single_byte_change_to_jwt_is_never_accepted(pos in any::<prop::sample::Index>(), byte in any::<u8>(), rs in any::<bool>()) {
        let f = fixture();
        let jwt = if rs { &f.issued.jwt_rs256 } else { &f.issued.jwt_eddsa };
        let mut bytes = jwt.clone().into_bytes();
        let i = pos.index(bytes.len());
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        let r = verify(&bytes, &f.opts);
        prop_assert!(rejected(r.verdict), "byte {} -> {:?} accepted: {:#?}", i, byte as char, r.steps);
    }

    #[test]
    fn single_field_change_is_never_accepted(which in any::<prop::sample::Index>(), kind in 0u8..4, text in "[a-zA-Z0-9 :/.#-]{0,12}") {
        let mut c = fixture().issued.credential.clone();
        let ptr = &leaf_pointers()[which.index(leaf_pointers().len())];
        let (parent, key) = ptr.rsplit_once('/').unwrap();
        let old = c.pointer(ptr).unwrap().clone();
        match kind {
            0 => *c.pointer_mut(ptr).unwrap() = Value::String(text.clone()),
            1 => *c.pointer_mut(ptr).unwrap() = Value::String(format!("{}{text}x", old.as_str().unwrap_or_default())),
            2 => *c.pointer_mut(ptr).unwrap() = serde_json::json!(7),
            _ => match c.pointer_mut(parent).unwrap() {
                Value::Object(o) => { o.remove(key); }
                Value::Array(a) => { a.remove(key.parse::<usize>().unwrap()); }
                _ => unreachable!(),
            },
        }
        prop_assume!(c != fixture().issued.credential);
        let r = verify(c.to_string().as_bytes(), &fixture().opts);
        prop_assert!(rejected(r.verdict), "{} ({:?}) accepted: {:#?}", ptr, kind, r.steps);
    }
}

fn jwt_with_header(header: &Value) -> String {
    let jwt = &fixture().issued.jwt_eddsa;
    let mut parts = jwt.split('.');
    let _ = parts.next();
    let payload = parts.next().unwrap();
    let sig = parts.next().unwrap();
    format!("{}.{payload}.{sig}", b64url(header.to_string().as_bytes()))
}

fn reason_of(bytes: &[u8], opts: &Options) -> String {
    verdict_and_reason(bytes, opts, Verdict::Invalid)
}

fn verdict_and_reason(bytes: &[u8], opts: &Options, want: Verdict) -> String {
    let r = verify(bytes, opts);
    assert_eq!(r.verdict, want, "{:#?}", r.steps);
    r.reason().unwrap()
}

#[test]
fn bad_inputs_are_rejected_with_one_clear_reason() {
    let f = fixture();
    let o = &f.opts;
    let mut unknown_ctx = f.issued.credential.clone();
    unknown_ctx["@context"]
        .as_array_mut()
        .unwrap()
        .push("https://evil.example/ctx.json".into());
    let mut no_ctx = f.issued.credential.clone();
    no_ctx.as_object_mut().unwrap().remove("@context");
    let mut suite = f.issued.credential.clone();
    suite["proof"][0]["cryptosuite"] = "eddsa-jcs-2022".into();
    let mut undefined_term = f.issued.credential.clone();
    undefined_term["credentialSubject"]["favouriteColour"] = "blue".into();
    // One tampered byte ('%' before two hex digits) once panicked the
    // JSON-LD processor instead of failing verification.
    let mut bad_escape = f.issued.credential.clone();
    bad_escape["id"] = "urn:uuid:%E9".into();
    let mut unsigned = f.issued.credential.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    let mut private_jwk =
        mm_credentials::multikey::PublicJwk::Ed25519(f.issuer.secrets.ed25519.verifying_key())
            .to_json(None);
    private_jwk["d"] = b64url(f.issuer.secrets.ed25519.as_bytes()).into();
    let baked = mm_credentials::bake::bake(
        &mm_credentials::bake::default_image("x", "y"),
        mm_credentials::bake::Payload::Json(&compact()),
    )
    .unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "malformed JSON",
            b"{\"@context\": [".to_vec(),
            "malformed JSON",
        ),
        ("empty", Vec::new(), "empty"),
        (
            "unknown context",
            unknown_ctx.to_string().into_bytes(),
            "JSON-LD context https://evil.example/ctx.json is not one we ship",
        ),
        (
            "missing context",
            no_ctx.to_string().into_bytes(),
            "missing @context",
        ),
        (
            "unknown cryptosuite",
            suite.to_string().into_bytes(),
            "cryptosuite eddsa-jcs-2022 is not supported",
        ),
        (
            "undefined term",
            undefined_term.to_string().into_bytes(),
            "JSON-LD",
        ),
        (
            "percent-escape that is not UTF-8",
            bad_escape.to_string().into_bytes(),
            "not a valid IRI",
        ),
        ("no proof", unsigned.to_string().into_bytes(), "no proof"),
        (
            "alg none",
            jwt_with_header(&serde_json::json!({"alg": "none", "typ": "JWT"})).into_bytes(),
            "alg: none",
        ),
        (
            "private key in header",
            jwt_with_header(&serde_json::json!({"alg": "EdDSA", "jwk": private_jwk})).into_bytes(),
            "private key material",
        ),
        (
            "extra header",
            jwt_with_header(&serde_json::json!({"alg": "EdDSA", "kid": "x", "crit": ["b64"]}))
                .into_bytes(),
            "crit",
        ),
        (
            "truncated SVG",
            baked.as_bytes()[..baked.len() / 2].to_vec(),
            "truncated",
        ),
    ];
    for (name, bytes, want) in cases {
        // Issue 13: an unknown context or cryptosuite is UNSUPPORTED (exit 4),
        // naming it; everything else here is proven wrong.
        let verdict = if matches!(name, "unknown context" | "unknown cryptosuite") {
            Verdict::Unsupported
        } else {
            Verdict::Invalid
        };
        let reason = verdict_and_reason(&bytes, o, verdict);
        assert!(
            reason.contains(want),
            "{name}: reason {reason:?} lacks {want:?}"
        );
    }
}

#[test]
fn not_yet_valid_and_expired_are_rejected() {
    let f = fixture();
    let mut o = f.opts.clone();
    o.now = Some(common::now() - chrono::Duration::seconds(1));
    assert!(reason_of(compact().as_bytes(), &o).contains("not yet valid"));
    // An expired credential, properly signed by the issuer.
    let mut c = mm_credentials::di::unsecured(&f.issued.credential);
    c["validUntil"] = "2026-11-26T00:00:00Z".into();
    let signed = mm_credentials::di::sign(
        &c,
        &f.issuer.secrets.ed25519,
        &f.issuer.verification_method(),
        "2026-11-25T12:00:00Z",
    )
    .unwrap();
    let mut o = f.opts.clone();
    o.now = Some(common::now() + chrono::Duration::days(2));
    assert!(reason_of(signed.to_string().as_bytes(), &o).contains("expired"));
}

#[test]
fn a_key_the_issuer_does_not_control_is_rejected() {
    // Signed with a did:key while the issuer claims its did:web.
    let f = fixture();
    let other = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let vm = mm_credentials::issuer::did_key_of(&other);
    let signed = mm_credentials::di::sign(
        &f.issued.credential,
        &other,
        &format!("{vm}#{}", &vm[8..]),
        "2026-11-25T12:00:00Z",
    )
    .unwrap();
    let reason = reason_of(signed.to_string().as_bytes(), &f.opts);
    assert!(
        reason.starts_with("issuer-key:") && reason.contains("does not control"),
        "{reason}"
    );
}

#[test]
fn baked_svg_round_trips_in_both_forms() {
    let f = fixture();
    let img = mm_credentials::bake::default_image("Pivot tables", "mastered");
    for payload in [
        mm_credentials::bake::Payload::Json(&compact()),
        mm_credentials::bake::Payload::Jwt(&f.issued.jwt_eddsa),
    ] {
        let svg = mm_credentials::bake::bake(&img, payload).unwrap();
        assert!(svg.contains("xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\""));
        let r = verify(svg.as_bytes(), &f.opts);
        assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.steps);
        assert!(r.format.starts_with("svg+"));
        assert!(
            mm_credentials::bake::bake(&svg, payload).is_err(),
            "double baking must be refused"
        );
    }
}

/// Regression: a percent-encoding that decodes to bytes that are not UTF-8
/// (`%C3%28`) in any IRI made the JSON-LD processor panic (an unwrap in
/// pct-str), so a one-byte tampering crashed `mm badge verify` and the
/// web app's public verify request. It is refused instead.
#[test]
fn an_iri_whose_percent_encoding_is_not_utf8_is_rejected_not_a_panic() {
    let f = fixture();
    let mut tried = 0;
    for ptr in leaf_pointers() {
        let mut c = f.issued.credential.clone();
        let Some(Value::String(s)) = c.pointer_mut(ptr) else {
            continue;
        };
        if !(s.contains("://") || s.starts_with("urn:") || s.starts_with("did:")) {
            continue;
        }
        s.push_str("%C3%28");
        tried += 1;
        let r = verify(c.to_string().as_bytes(), &f.opts);
        assert!(rejected(r.verdict), "{ptr} accepted: {:#?}", r.steps);
    }
    assert!(
        tried > 5,
        "the credential has IRIs to tamper with ({tried})"
    );
}
