//! Issue 13, part 7: credentials issued by other implementations (committed
//! under `tests/corpus/`, origin and licence in `MANIFEST.json`) get the
//! verdict the manifest expects, and we never accept a signature that the
//! independent verifier rejects. `corpus_independent_verifier_agrees` (in
//! this file) runs that verifier on every entry when it is installed.

use mm_credentials::verify::{Check, Options, Verdict, verify};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(dir().join("MANIFEST.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn read(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn options(entry: &Value, at: &str) -> Options {
    let mut o = Options {
        now: Some(
            chrono::DateTime::parse_from_rfc3339(at)
                .unwrap()
                .with_timezone(&chrono::Utc),
        ),
        ..Options::default()
    };
    for d in strings(&entry["docs"]) {
        o.add_document(read(&dir().join(d))).unwrap();
    }
    for s in strings(&entry["status"]) {
        let p = dir().join(&s);
        let stem = p.file_stem().and_then(|x| x.to_str()).map(str::to_owned);
        assert!(
            o.add_status_file(&read(&p), stem.as_deref()).unwrap(),
            "{s}"
        );
    }
    o
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "valid",
        Verdict::Unconfirmed => "unconfirmed",
        Verdict::Unsupported => "unsupported",
        Verdict::Invalid => "invalid",
    }
}

#[test]
fn corpus_every_credential_gets_its_expected_verdict_and_no_false_accept() {
    let m = manifest();
    let at = m["at"].as_str().unwrap();
    let entries = m["entries"].as_array().unwrap();
    assert!(
        entries.len() >= 30,
        "the corpus shrank to {}",
        entries.len()
    );
    let mut wrong = Vec::new();
    let (mut indep_valid, mut both_valid, mut false_accepts) = (0, 0, Vec::new());
    for e in entries {
        let file = e["file"].as_str().unwrap();
        let bytes = std::fs::read(dir().join(file)).unwrap();
        let r = verify(&bytes, &options(e, at));
        let want = e["expected"].as_str().unwrap();
        if verdict_name(r.verdict) != want {
            wrong.push(format!(
                "{file} ({}): want {want}, got {:?}: {:#?}",
                e["note"], r.verdict, r.steps
            ));
        }
        // Share: of the signatures the independent verifier accepts, how
        // many we accept. False accept: the independent verifier rejects the
        // proof, yet our verdict is VALID or UNCONFIRMED (exit 0 or 3).
        let sig_ok = matches!(r.step("signature"), Some(Check::Pass(_)));
        let accepted = matches!(r.verdict, Verdict::Valid | Verdict::Unconfirmed);
        match e["independent"].as_str().unwrap() {
            "valid" => {
                indep_valid += 1;
                if sig_ok {
                    both_valid += 1;
                }
            }
            _ if accepted => false_accepts.push(file.to_owned()),
            _ => {}
        }
    }
    let share = f64::from(both_valid) / f64::from(indep_valid);
    eprintln!(
        "corpus: {} entries; of {indep_valid} whose signature the independent verifier accepts, we accept {both_valid} ({:.1}%); false accepts: {}",
        entries.len(),
        share * 100.0,
        false_accepts.len()
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(false_accepts.is_empty(), "false accepts: {false_accepts:?}");
    assert!(share >= 0.95, "only {:.1}% accepted", share * 100.0);
}

/// The independent verifier (`tests/corpus/verify_ld.py`: pyld + cryptography)
/// from the venv `scripts/setup-verifiers.sh` builds.
fn python() -> Option<PathBuf> {
    let venv = std::env::var_os("MM_VERIFIERS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/verifiers"))
        .join(".venv/bin/python");
    if venv.is_file() {
        return Some(venv);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "independent verifiers missing at {} in CI: run scripts/setup-verifiers.sh",
            venv.display()
        );
    }
    eprintln!(
        "skipping: no verifier venv at {} (run scripts/setup-verifiers.sh)",
        venv.display()
    );
    None
}

fn contexts_dir() -> Option<PathBuf> {
    let shared = std::env::var_os("MM_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let d = shared.join("standards/vc-contexts");
    if d.join("index.json").is_file() {
        Some(d)
    } else {
        eprintln!(
            "skipping: no vc-contexts at {} (set MM_SHARED_DIR)",
            d.display()
        );
        None
    }
}

#[test]
fn corpus_independent_verifier_agrees() {
    let (Some(py), Some(ctx)) = (python(), contexts_dir()) else {
        return;
    };
    let m = manifest();
    let mut disagree = Vec::new();
    for e in m["entries"].as_array().unwrap() {
        let file = e["file"].as_str().unwrap();
        // "unchecked": no key is available to anyone offline (a JWT naming
        // none); nothing for an outside verifier to say.
        if e["independent"] == "unchecked" {
            continue;
        }
        let mut cmd = Command::new(&py);
        cmd.arg(dir().join("verify_ld.py"))
            .arg(&ctx)
            .arg(dir().join(file));
        if let Some(d) = strings(&e["docs"]).first() {
            cmd.arg("--controller-doc").arg(dir().join(d));
        }
        let out = cmd.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        let said = match out.status.code() {
            Some(0) => "valid",
            Some(1) => "invalid",
            Some(2) if text.contains("UNSUPPORTED") => "unsupported",
            _ => "error",
        };
        let want = e["independent"].as_str().unwrap();
        if said != want {
            disagree.push(format!(
                "{file}: manifest says {want}, verifier says {said}: {text}"
            ));
        }
    }
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}
