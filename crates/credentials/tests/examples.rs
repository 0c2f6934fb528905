//! Every shared OBv3 example behaves as issue 7 lists: table-driven.

mod common;

use mm_credentials::verify::{Options, Verdict, verify};
use std::path::Path;

fn opts_with(ex: &Path, docs: &[&str], keys: &[&str]) -> Options {
    let mut o = Options::default();
    for d in docs {
        o.add_document(common::read_json(&ex.join(d))).unwrap();
    }
    for k in keys {
        o.add_jwk_or_jwks(&common::read_json(&ex.join(k))).unwrap();
    }
    o
}

/// (file, issuer docs, keys, expected verdict, step that decides, reason fragment)
type Case = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    Verdict,
    &'static str,
    &'static str,
);

const CASES: &[Case] = &[
    (
        "signed/golden.did-key.eddsa-rdfc-2022.json",
        &[],
        &[],
        Verdict::Valid,
        "issuer-key",
        "did:key",
    ),
    (
        "signed/golden.did-web.eddsa-rdfc-2022.json",
        &["issuer/did-web-issuer.json"],
        &[],
        Verdict::Valid,
        "issuer-key",
        "assertion method",
    ),
    // A genuine did:web badge without its DID document is never INVALID.
    (
        "signed/golden.did-web.eddsa-rdfc-2022.json",
        &[],
        &[],
        Verdict::Unconfirmed,
        "signature",
        "--issuer-doc",
    ),
    (
        "jwt/micromastery-sample.EdDSA.jwt",
        &[],
        &["jwt/EdDSA.public.jwk.json"],
        Verdict::Valid,
        "signature",
        "EdDSA",
    ),
    (
        "jwt/micromastery-sample.EdDSA.jwt",
        &[],
        &["issuer/jwks.json"],
        Verdict::Valid,
        "signature",
        "EdDSA",
    ),
    (
        "jwt/micromastery-sample.EdDSA.jwt",
        &["issuer/did-web-issuer.json"],
        &[],
        Verdict::Valid,
        "issuer-key",
        "assertion method",
    ),
    (
        "jwt/micromastery-sample.RS256.jwt",
        &[],
        &["jwt/RS256.public.jwk.json"],
        Verdict::Valid,
        "signature",
        "RS256",
    ),
    (
        "jwt/micromastery-sample.ES256.jwt",
        &[],
        &["jwt/ES256.public.jwk.json"],
        Verdict::Valid,
        "signature",
        "ES256",
    ),
    (
        "jwt/micromastery-sample.ES256.jwt",
        &[],
        &[],
        Verdict::Unconfirmed,
        "issuer-key",
        "header",
    ),
    (
        "jwt/micromastery-sample.RS256.jwt",
        &[],
        &["jwt/EdDSA.public.jwk.json"],
        Verdict::Invalid,
        "signature",
        "none of the 1 key(s)",
    ),
    (
        "signed/simple.eddsa-rdfc-2022.json",
        &[],
        &[],
        Verdict::Unconfirmed,
        "issuer-key",
        "online",
    ),
    (
        "signed/complete.eddsa-rdfc-2022.json",
        &[],
        &[],
        Verdict::Unconfirmed,
        "issuer-key",
        "online",
    ),
    (
        "signed/issuer-url-vm.eddsa-rdfc-2022.json",
        &[],
        &[],
        Verdict::Unconfirmed,
        "issuer-key",
        "online",
    ),
    (
        "signed/did-key-vm.eddsa-rdfc-2022.json",
        &[],
        &[],
        Verdict::Invalid,
        "issuer-key",
        "does not control",
    ),
    (
        "invalid/bad-proof-value.json",
        &[],
        &[],
        Verdict::Invalid,
        "signature",
        "signature does not match",
    ),
    (
        "invalid/expired-validUntil.json",
        &[],
        &[],
        Verdict::Invalid,
        "validity",
        "expired",
    ),
    (
        "invalid/wrong-type.json",
        &[],
        &[],
        Verdict::Invalid,
        "schema",
        "OpenBadgeCredential",
    ),
    (
        "invalid/missing-issuer.json",
        &[],
        &[],
        Verdict::Invalid,
        "schema",
        "issuer",
    ),
    (
        "invalid/bad-context.json",
        &[],
        &[],
        Verdict::Invalid,
        "schema",
        "credentials/v2",
    ),
    (
        "invalid/bad-subject-type.json",
        &[],
        &[],
        Verdict::Invalid,
        "schema",
        "AchievementSubject",
    ),
];

#[test]
fn shared_examples_behave_as_the_issue_lists() {
    let Some(ex) = common::examples() else { return };
    let mut failures = Vec::new();
    for (file, docs, keys, verdict, step, fragment) in CASES {
        let bytes = std::fs::read(ex.join(file)).unwrap();
        let report = verify(&bytes, &opts_with(&ex, docs, keys));
        let detail = report
            .step(step)
            .map(|c| c.detail().to_owned())
            .unwrap_or_default();
        let first_fail = report.reason();
        let ok = report.verdict == *verdict
            && detail.contains(fragment)
            // An invalid credential's *first* reason is the deciding step.
            && (*verdict != Verdict::Invalid
                || first_fail.as_deref().is_some_and(|r| r.starts_with(step)));
        if !ok {
            failures.push(format!(
                "{file} (docs {docs:?}, keys {keys:?}): want {verdict:?} decided by {step} ~ {fragment:?}, got {:?}; {step} = {detail:?}; first failure {first_fail:?}\n  {:#?}",
                report.verdict, report.steps
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_invalid_example_is_rejected() {
    let Some(ex) = common::examples() else { return };
    let mut n = 0;
    for entry in std::fs::read_dir(ex.join("invalid")).unwrap() {
        let p = entry.unwrap().path();
        let report = verify(&std::fs::read(&p).unwrap(), &Options::default());
        assert_eq!(
            report.verdict,
            Verdict::Invalid,
            "{} was not rejected",
            p.display()
        );
        assert!(report.reason().is_some());
        n += 1;
    }
    assert!(n >= 6, "expected the six invalid vectors, found {n}");
}
