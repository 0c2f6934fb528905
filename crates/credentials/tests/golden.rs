//! Our signer reproduces the shared golden vectors byte for byte: the same
//! input, the RFC 8032 test key and the same `created` give the same proofValue
//! that Digital Bazaar's and pyld's signers produced.

mod common;

use mm_credentials::{di, multikey};

fn golden(file: &str, issuer_did_key: bool) {
    let Some(ex) = common::examples() else { return };
    let expected = common::read_json(&ex.join("signed").join(file));
    let mut unsigned = common::read_json(&ex.join("unsigned/micromastery-sample.json"));
    let key = common::rfc8032_key();
    let did = multikey::did_key(&key.verifying_key());
    assert_eq!(
        did,
        "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw"
    );
    if issuer_did_key {
        unsigned["issuer"]["id"] = did.clone().into();
    }
    let vm = expected["proof"]["verificationMethod"].as_str().unwrap();
    let proof = di::create_proof(&unsigned, &key, vm, "2026-01-15T10:00:00Z").unwrap();
    assert_eq!(proof, expected["proof"], "whole proof object differs");
    assert_eq!(
        proof["proofValue"], expected["proof"]["proofValue"],
        "proofValue differs from the golden vector"
    );
}

#[test]
fn golden_did_key_proof_value_is_reproduced_byte_for_byte() {
    golden("golden.did-key.eddsa-rdfc-2022.json", true);
}

#[test]
fn golden_did_web_proof_value_is_reproduced_byte_for_byte() {
    golden("golden.did-web.eddsa-rdfc-2022.json", false);
}
