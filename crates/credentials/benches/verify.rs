//! Issue/verify throughput, with the independent verifiers as peers in the
//! same run. `cargo bench -p mm-credentials --bench verify`
//!
//! Our numbers are in-process per operation; the peers' are per invocation of
//! their command-line verifier (interpreter start-up included), which is how a
//! user or CI would run either. Needs `scripts/setup-verifiers.sh` for peers.

use mm_credentials::badge::{
    self, Alignment, ApplicationEvidence, BadgeInput, PracticeSummary, Recipient,
    ReflectionEvidence,
};
use mm_credentials::issuer::{Issuer, did_document};
use mm_credentials::status::RevocationList;
use mm_credentials::verify::{Options, Verdict, verify};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn input() -> BadgeInput {
    let d = |m, day| chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    BadgeInput {
        goal_name: "Pivot tables".into(),
        micro_skill: "Summarise a 10k-row sheet with a pivot table".into(),
        description: "Builds a pivot table from a 10k-row sheet in under five minutes.".into(),
        criteria: "Three timed builds under 5 minutes; one real report.".into(),
        level: Some(3),
        alignments: vec![Alignment {
            target_url: "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"
                .into(),
            target_name: "use spreadsheets software".into(),
            framework: Some("ESCO".into()),
            code: None,
        }],
        practice: PracticeSummary {
            sessions: 9,
            minutes: 240,
            first_day: d(10, 1),
            last_day: d(10, 28),
        },
        applications: vec![ApplicationEvidence {
            date: d(10, 20),
            context: "sales review".into(),
            outcome: "adopted".into(),
            url: None,
        }],
        reflections: vec![ReflectionEvidence {
            principle: Some("aggregate first".into()),
            text: "Faster.".into(),
        }],
        recipient: Recipient::Email {
            email: "ada@example.org".into(),
            salt: "00".into(),
        },
        issued_at: chrono::Utc::now(),
    }
}

fn time<F: FnMut() -> bool>(n: u32, mut f: F) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        assert!(f(), "benchmark operation failed");
    }
    start.elapsed() / n
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let issuer = Issuer::init(
        &tmp.path().join("issuer"),
        "Bench",
        "https://bench.example",
        chrono::Utc::now(),
    )
    .unwrap();
    let issued = badge::issue(&input(), &issuer).unwrap();
    let mut opts = Options::default();
    opts.issuer_docs.push(did_document(&issuer.record));
    opts.status_lists.push(RevocationList::new(
        &issuer.record.revocation_list_url(),
        &issuer.record.id,
    ));
    let json = serde_json::to_string(&issued.credential).unwrap();
    let n = 200;
    let t_issue = time(n, || badge::issue(&input(), &issuer).is_ok());
    let t_di = time(n, || {
        verify(json.as_bytes(), &opts).verdict == Verdict::Valid
    });
    let t_jwt = time(n, || {
        verify(issued.jwt_eddsa.as_bytes(), &opts).verdict == Verdict::Valid
    });
    println!(
        "ours  issue (DI proof + EdDSA + RS256 JWT + 2 schemas): {:>9.2?} per badge",
        t_issue
    );
    println!(
        "ours  verify JSON-LD (schema, RDFC-1.0 x2, Ed25519):     {:>9.2?} per badge",
        t_di
    );
    println!(
        "ours  verify VC-JWT EdDSA (schema, signature):          {:>9.2?} per badge",
        t_jwt
    );

    let v = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/verifiers");
    let vdir = v.join("standards/verify");
    if !vdir.join("node_modules").is_dir() {
        println!("peers skipped: run scripts/setup-verifiers.sh");
        return;
    }
    let cred = tmp.path().join("cred.json");
    let did = tmp.path().join("did.json");
    std::fs::write(&cred, &json).unwrap();
    std::fs::write(&did, did_document(&issuer.record).to_string()).unwrap();
    let peers = [
        (
            "pyld + cryptography (verify_di.py)",
            v.join(".venv/bin/python"),
            "verify_di.py",
        ),
        (
            "Digital Bazaar vc (verify_di.mjs)",
            PathBuf::from("node"),
            "verify_di.mjs",
        ),
    ];
    for (name, exe, script) in peers {
        let t = time(5, || {
            std::process::Command::new(&exe)
                .args([
                    script,
                    cred.to_str().unwrap(),
                    "--controller-doc",
                    did.to_str().unwrap(),
                ])
                .current_dir(&vdir)
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false)
        });
        println!(
            "peer  {name:<36} {:>9.2?} per badge  ({:.0}x ours)",
            t,
            t.as_secs_f64() / t_di.as_secs_f64()
        );
    }
}
