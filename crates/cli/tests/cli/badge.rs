//! `mm badge` and `mm portfolio` end to end, in a temp dir: seed an achieved
//! goal in a SQLite journal, then drive the binary like a user.

use assert_cmd::Command;
use chrono::{Duration, Utc};
use mm_core::*;
use serde_json::Value;
use std::path::PathBuf;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    fn db(&self) -> String {
        self.path("mm.db").display().to_string()
    }
    fn mm(&self) -> Command {
        let mut c = Command::cargo_bin("mm").unwrap();
        c.current_dir(self.dir.path())
            .env("MM_DATABASE_URL", self.db())
            .env("MM_ISSUER_DIR", self.path("issuer"))
            .env_remove("MM_SHARED_DIR_UNUSED");
        c
    }
}

fn shared() -> Option<PathBuf> {
    let d = std::env::var_os("MM_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    if d.join("standards").is_dir() {
        Some(d)
    } else {
        eprintln!(
            "skipping: shared standards not found at {} (set MM_SHARED_DIR)",
            d.display()
        );
        None
    }
}

/// Seeds goal 1 (achieved, with evidence) and goal 2 (active, no evidence).
fn seed(db: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let s = mm_store::Store::open(db).await.unwrap();
        let now = Utc::now();
        let today = now.date_naive();
        let skill = s
            .create_skill(
                &NewSkill {
                    name: "use spreadsheets software".into(),
                    kind: SkillKind::Skill,
                    taxonomy_uri: Some(
                        "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"
                            .into(),
                    ),
                    description: None,
                    held_level: None,
                },
                now,
            )
            .await
            .unwrap();
        let micro = s
            .create_micro_skill(
                &NewMicroSkill {
                    skill_id: skill.id,
                    name: "Summarise a 10k-row sheet with a pivot table".into(),
                    principles: vec![NewPrinciple {
                        name: "aggregate before formatting".into(),
                        description: None,
                    }],
                    resources: vec![],
                },
                now,
            )
            .await
            .unwrap();
        let mk_goal = || NewGoal {
            micro_skill_id: micro.id,
            target_level: Level::Competent,
            start: today - Duration::days(10),
            deadline: today + Duration::days(4),
            weekly_minutes: 60,
            criteria: vec![
                "Three timed builds under 5 minutes".into(),
                "One real report delivered".into(),
            ],
        };
        let g = s.create_goal(&mk_goal(), now, today).await.unwrap();
        let _g2 = s.create_goal(&mk_goal(), now, today).await.unwrap();
        for d in [9, 6, 3] {
            let start = now - Duration::days(d);
            s.log_session(
                &NewSession {
                    goal_id: g.id,
                    started_at: start,
                    ended_at: start + Duration::minutes(40),
                    focused_minutes: 35,
                    interruptions: 0,
                    aim: "timed build".into(),
                    reps: 3,
                    errors: 1,
                    difficulty: Some(3),
                    feedback: None,
                    notes: None,
                },
                now,
            )
            .await
            .unwrap();
        }
        s.add_application(
            &NewApplication {
                goal_id: g.id,
                at: now - Duration::days(2),
                context: "monthly sales review".into(),
                outcome: "built the summary in 4 minutes".into(),
                impact: None,
                evidence: Some(Evidence::Link {
                    url: "https://example.org/evidence/review".into(),
                }),
            },
            now,
        )
        .await
        .unwrap();
        let principle = micro.principles[0].id;
        s.add_reflection(&NewReflection {
            target: ReflectionTarget::Goal { id: g.id },
            at: now - Duration::days(1),
            worked: "Aggregating before formatting halved build time".into(),
            didnt: String::new(),
            next: String::new(),
            principles: vec![principle],
        })
        .await
        .unwrap();
        for n in 1..=2 {
            s.tick_criterion(g.id, n, true, now).await.unwrap();
        }
        let (goal, report) = s
            .try_achieve(
                g.id,
                &mm_core::mastery::MasteryRule::default(),
                *chrono::Local::now().offset(),
                now,
            )
            .await
            .unwrap();
        assert!(report.achieved(), "{report:?}");
        assert_eq!(goal.state, GoalState::Achieved);
    });
}

fn json_out(cmd: &mut Command) -> Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn code(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn issue(env: &Env) -> (String, PathBuf) {
    let v = json_out(env.mm().args([
        "--json",
        "badge",
        "issue",
        "1",
        "--email",
        "ada@example.org",
        "--out",
        "out",
    ]));
    let id = v["id"].as_str().unwrap().to_owned();
    let json = PathBuf::from(v["files"][0].as_str().unwrap());
    (id, env.dir.path().join(json))
}

#[test]
fn issue_export_verify_revoke_bake_portfolio() {
    let env = Env::new();
    seed(&env.db());
    // No issuer yet: a clear error.
    let (c, _, err) = code(
        env.mm()
            .args(["badge", "issue", "1", "--email", "a@b.example"]),
    );
    assert_eq!(c, 4, "no issuer: not found");
    assert!(err.contains("no issuer"), "{err}");

    let init = json_out(env.mm().args([
        "--json",
        "badge",
        "issuer",
        "init",
        "--name",
        "Ada's practice",
        "--url",
        "https://badges.ada.example",
    ]));
    assert_eq!(init["id"], "did:web:badges.ada.example");
    let init_text = init.to_string();
    assert!(!init_text.contains("PRIVATE") && !init_text.contains("\"d\""));

    // A goal that is not achieved: refused, saying why.
    let (c, _, err) = code(
        env.mm()
            .args(["badge", "issue", "2", "--email", "a@b.example"]),
    );
    assert_eq!(c, 5, "not achieved: a conflict");
    assert!(
        err.contains("not achieved") && err.contains("session"),
        "{err}"
    );

    let (id, file) = issue(&env);
    let cred: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let ach = &cred["credentialSubject"]["achievement"];
    assert_eq!(ach["name"], "Summarise a 10k-row sheet with a pivot table");
    assert_eq!(
        ach["criteria"]["narrative"],
        "Three timed builds under 5 minutes; One real report delivered."
    );
    assert_eq!(ach["alignment"][0]["targetFramework"], "ESCO");
    let ev = cred["evidence"].to_string();
    assert!(
        ev.contains("3 focused practice sessions, 105 minutes"),
        "{ev}"
    );
    assert!(
        ev.contains("monthly sales review") && ev.contains("aggregate before formatting"),
        "{ev}"
    );
    assert!(!cred.to_string().contains("ada@example.org"));

    json_out(
        env.mm()
            .args(["--json", "badge", "issuer", "export", "site"]),
    );
    let site = env.path("site");
    for f in [
        "did.json",
        ".well-known/did.json",
        "profile.json",
        "jwks.json",
        "credentials/revocations.json",
    ] {
        assert!(site.join(f).is_file(), "{f} missing");
    }
    assert!(
        site.join(format!(
            "credentials/{}.json",
            id.trim_start_matches("urn:uuid:")
        ))
        .is_file()
    );

    let did = site.join("did.json").display().to_string();
    let status = site.join("credentials").display().to_string();
    let file_s = file.display().to_string();
    // Everything supplied: valid.
    let (c, out, err) = code(env.mm().args([
        "badge",
        "verify",
        &file_s,
        "--issuer-doc",
        &did,
        "--status",
        &status,
    ]));
    assert_eq!(c, 0, "{out}{err}");
    assert!(out.contains("VALID"));
    // Both JWTs.
    for ext in ["eddsa.jwt", "rs256.jwt"] {
        let jwt = file_s.replace(".json", &format!(".{ext}"));
        let jwks = site.join("jwks.json").display().to_string();
        let (c, out, err) = code(env.mm().args([
            "badge",
            "verify",
            &jwt,
            "--issuer-doc",
            &did,
            "--key",
            &jwks,
            "--status",
            &status,
        ]));
        assert_eq!(c, 0, "{ext}: {out}{err}");
    }
    // JWT given as text on the command line.
    let jwt_text = std::fs::read_to_string(file_s.replace(".json", ".eddsa.jwt")).unwrap();
    let (c, _, _) = code(env.mm().args([
        "badge",
        "verify",
        jwt_text.trim(),
        "--issuer-doc",
        &did,
        "--status",
        &status,
    ]));
    assert_eq!(c, 0);
    // No status list given: unconfirmed (3), never valid; --require-status: 1.
    let (c, out, _) = code(
        env.mm()
            .args(["badge", "verify", &file_s, "--issuer-doc", &did]),
    );
    assert_eq!(c, 3, "{out}");
    assert!(out.contains("unchecked"));
    let (c, _, _) = code(env.mm().args([
        "badge",
        "verify",
        &file_s,
        "--issuer-doc",
        &did,
        "--require-status",
    ]));
    assert_eq!(c, 1);
    // --json report.
    let out = env
        .mm()
        .args([
            "--json",
            "badge",
            "verify",
            &file_s,
            "--issuer-doc",
            &did,
            "--status",
            &status,
        ])
        .output()
        .unwrap();
    let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rep["verdict"], "valid");
    assert_eq!(rep["steps"].as_array().unwrap().len(), 7);

    // Baked SVG verifies; a truncated one is rejected.
    env.mm()
        .args(["badge", "bake", &file_s, "--svg", "badge.svg"])
        .assert()
        .success();
    let (c, out, err) = code(env.mm().args([
        "badge",
        "verify",
        "badge.svg",
        "--issuer-doc",
        &did,
        "--status",
        &status,
    ]));
    assert_eq!(c, 0, "{out}{err}");
    let svg = std::fs::read_to_string(env.path("badge.svg")).unwrap();
    std::fs::write(env.path("cut.svg"), &svg[..svg.len() - 40]).unwrap();
    let (c, _, err) = code(env.mm().args(["badge", "verify", "cut.svg"]));
    assert_eq!(c, 1);
    assert!(err.contains("truncated"), "{err}");
    env.mm()
        .args(["badge", "bake", &id, "--jwt", "--svg", "jwt.svg"])
        .assert()
        .success();
    let (c, _, _) = code(env.mm().args([
        "badge",
        "verify",
        "jwt.svg",
        "--issuer-doc",
        &did,
        "--status",
        &status,
    ]));
    assert_eq!(c, 0);

    // Portfolio as JSON Resume, valid against the published schema.
    env.mm()
        .args([
            "portfolio",
            "export",
            "--json-resume",
            "--name",
            "Ada",
            "-o",
            "resume.json",
        ])
        .assert()
        .success();
    let resume: Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("resume.json")).unwrap()).unwrap();
    assert_eq!(
        resume["skills"][0]["name"],
        "Summarise a 10k-row sheet with a pivot table"
    );
    assert_eq!(resume["skills"][0]["level"], "Competent");
    assert!(
        resume["certificates"][0]["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{}.json", id.trim_start_matches("urn:uuid:")))
    );
    if let Some(sh) = shared() {
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(sh.join("standards/jsonresume/schema.json")).unwrap(),
        )
        .unwrap();
        let v = jsonschema::draft7::new(&schema).unwrap();
        let errors: Vec<String> = v.iter_errors(&resume).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }

    // Portfolio as a signed CLR 2.0: our verifier checks it and the badge inside.
    env.mm()
        .args([
            "portfolio",
            "export",
            "--clr",
            "--name",
            "Ada",
            "-o",
            "clr.json",
        ])
        .assert()
        .success();
    let (c, out, err) = code(env.mm().args([
        "badge",
        "verify",
        "clr.json",
        "--issuer-doc",
        &did,
        "--status",
        &status,
    ]));
    assert_eq!(c, 0, "{out}{err}");
    assert!(out.contains("included credential 1 of 1"), "{out}");
    let mut clr: Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("clr.json")).unwrap()).unwrap();
    clr["credentialSubject"]["verifiableCredential"][0]["name"] = "Brain surgery".into();
    std::fs::write(env.path("clr-bad.json"), clr.to_string()).unwrap();
    let (c, _, _) = code(
        env.mm()
            .args(["badge", "verify", "clr-bad.json", "--issuer-doc", &did]),
    );
    assert_eq!(c, 1);

    // Revoke, re-export, and the badge no longer verifies.
    env.mm()
        .args(["badge", "revoke", &id, "--reason", "issued by mistake"])
        .assert()
        .success();
    env.mm()
        .args(["badge", "issuer", "export", "site"])
        .assert()
        .success();
    let (c, _, err) = code(env.mm().args([
        "badge",
        "verify",
        &file_s,
        "--issuer-doc",
        &did,
        "--status",
        &status,
    ]));
    assert_eq!(c, 1);
    assert!(err.contains("revoked: issued by mistake"), "{err}");
    let list = json_out(env.mm().args(["--json", "badge", "list"]));
    assert_eq!(list[0]["revocation_reason"], "issued by mistake");
}

#[test]
fn key_files_are_private_and_rotation_keeps_old_badges_valid() {
    use std::os::unix::fs::PermissionsExt as _;
    let env = Env::new();
    seed(&env.db());
    env.mm()
        .args([
            "badge",
            "issuer",
            "init",
            "--name",
            "Ada",
            "--url",
            "https://ada.example",
        ])
        .assert()
        .success();
    for f in std::fs::read_dir(env.path("issuer/keys")).unwrap() {
        let m = f.unwrap().metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(m, 0o600);
    }
    let (_, old) = issue(&env);
    env.mm()
        .args(["badge", "issuer", "rotate"])
        .assert()
        .success();
    let (_, new) = issue(&env);
    env.mm()
        .args(["badge", "issuer", "export", "site"])
        .assert()
        .success();
    let did = env.path("site/did.json").display().to_string();
    let status = env.path("site/credentials").display().to_string();
    for f in [old, new] {
        let (c, out, err) = code(env.mm().args([
            "badge",
            "verify",
            &f.display().to_string(),
            "--issuer-doc",
            &did,
            "--status",
            &status,
        ]));
        assert_eq!(c, 0, "{out}{err}");
    }
    let show = json_out(env.mm().args(["--json", "badge", "issuer", "show"]));
    assert_eq!(show["keys"].as_array().unwrap().len(), 2);
}

#[test]
fn shared_examples_exit_codes() {
    let Some(sh) = shared() else { return };
    let ex = sh.join("standards/obv3/examples");
    let env = Env::new();
    let p = |s: &str| ex.join(s).display().to_string();
    let cases: Vec<(Vec<String>, i32)> = vec![
        (vec![p("signed/golden.did-key.eddsa-rdfc-2022.json")], 0),
        (
            vec![
                p("signed/golden.did-web.eddsa-rdfc-2022.json"),
                "--issuer-doc".into(),
                p("issuer/did-web-issuer.json"),
            ],
            0,
        ),
        (
            vec![
                p("jwt/micromastery-sample.RS256.jwt"),
                "--key".into(),
                p("jwt/RS256.public.jwk.json"),
            ],
            0,
        ),
        (vec![p("signed/simple.eddsa-rdfc-2022.json")], 3),
        (vec![p("signed/complete.eddsa-rdfc-2022.json")], 3),
        (vec![p("signed/did-key-vm.eddsa-rdfc-2022.json")], 1),
        (vec![p("invalid/expired-validUntil.json")], 1),
    ];
    for (args, want) in cases {
        let mut cmd = env.mm();
        cmd.args(["badge", "verify"]).args(&args);
        let (c, out, err) = code(&mut cmd);
        assert_eq!(c, want, "{args:?}: {out}{err}");
    }
    // Malformed input: one line, exit 1, no panic.
    std::fs::write(env.path("bad.json"), "{ not json").unwrap();
    let (c, _, err) = code(env.mm().args(["badge", "verify", "bad.json"]));
    assert_eq!(c, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("malformed JSON"));
    let (c, _, err) = code(env.mm().args(["badge", "verify", "no-such-file"]));
    assert_eq!(c, 1);
    assert!(err.contains("neither a file nor a JWT"));
}

fn corpus(p: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../credentials/tests/corpus")
        .join(p)
        .display()
        .to_string()
}

/// Issue 13: what other platforms issue, through the binary: a key the
/// issuer's own DID document does not list is INVALID (exit 1), the same
/// badge against the document it was issued under is accepted, and without
/// any document it is UNCONFIRMED (exit 3), never INVALID; an unsupported
/// cryptosuite is exit 4, naming it; a baked PNG verifies like its JSON.
#[test]
fn third_party_badges_forgery_unsupported_and_png() {
    let env = Env::new();
    let cred = corpus("dcc-verifier-core/v2didWebWithValidStatus.json");
    let (c, out, err) = code(env.mm().args([
        "badge",
        "verify",
        &cred,
        "--issuer-doc",
        &corpus("dcc-verifier-core/docs/dcc-did-web.did@48de976.json"),
    ]));
    assert_eq!(c, 1, "{out}{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not among the keys"), "{err}");
    assert!(out.contains("INVALID"), "{out}");
    for extra in [
        vec![
            "--issuer-doc".to_owned(),
            corpus("dcc-verifier-core/docs/dcc-did-web.did@ca509a3.json"),
            "--status".to_owned(),
            corpus("dcc-verifier-core/status"),
        ],
        vec![],
    ] {
        let (c, out, err) = code(env.mm().args(["badge", "verify", &cred]).args(&extra));
        assert_eq!(c, 3, "{extra:?}: {out}{err}");
        assert!(out.contains("UNCONFIRMED"), "{out}");
    }
    // Revoked by its Bitstring status list (a directory of lists).
    let (c, _, err) = code(env.mm().args([
        "badge",
        "verify",
        &corpus("dcc-verifier-core/v2Revoked.json"),
        "--status",
        &corpus("dcc-verifier-core/status"),
    ]));
    assert_eq!(c, 1);
    assert!(err.contains("status: revoked"), "{err}");
    // Unsupported: exit 4, naming the cryptosuite.
    let (c, out, err) = code(env.mm().args([
        "badge",
        "verify",
        &corpus("1edtech-validator/ob30-simple-bbs-2023.json"),
    ]));
    assert_eq!(c, 4, "{out}{err}");
    assert!(
        err.contains("bbs-2023") && out.contains("UNSUPPORTED"),
        "{err}{out}"
    );
    // --json says so too.
    let out = env
        .mm()
        .args([
            "--json",
            "badge",
            "verify",
            &corpus("1edtech-validator/ob30-simple-bbs-2023.json"),
        ])
        .output()
        .unwrap();
    let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rep["verdict"], "unsupported");
    // A DCC badge (two proofs, did:key issuer) baked into a PNG: VALID.
    let dcc =
        corpus("dcc-vc-test-fixtures/v2-bothSignatureTypes-didkey-legacy-noStatus-noExpiry.json");
    let (c, out, err) = code(env.mm().args(["badge", "verify", &dcc]));
    assert_eq!(c, 0, "{out}{err}");
    env.mm()
        .args(["badge", "bake", &dcc, "--png", "dcc.png"])
        .assert()
        .success();
    let (c, out, err) = code(env.mm().args(["badge", "verify", "dcc.png"]));
    assert_eq!(c, 0, "{out}{err}");
    assert!(out.contains("png+json-ld"), "{out}");
    let png = std::fs::read(env.path("dcc.png")).unwrap();
    std::fs::write(env.path("cut.png"), &png[..png.len() - 30]).unwrap();
    let (c, _, err) = code(env.mm().args(["badge", "verify", "cut.png"]));
    assert_eq!(c, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    // --help teaches the exit codes.
    let out = env
        .mm()
        .args(["badge", "verify", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Exit 4 UNSUPPORTED") && help.contains("Exit 3 UNCONFIRMED"),
        "{help}"
    );
}

/// `--online` through the binary: a did:web issuer on a loopback address is
/// never contacted (the CLI's fetcher allows public addresses only); the
/// verdict stays the offline one and the reason is shown.
#[test]
fn online_refuses_loopback_and_falls_back_to_offline() {
    let env = Env::new();
    env.mm()
        .args([
            "badge",
            "issuer",
            "init",
            "--name",
            "Local",
            "--url",
            "https://localhost:9",
        ])
        .assert()
        .success();
    seed(&env.db());
    let (_, file) = issue(&env);
    let f = file.display().to_string();
    let (c, out, err) = code(env.mm().args(["badge", "verify", &f, "--online"]));
    assert_eq!(c, 3, "{out}{err}");
    assert!(
        out.contains("online: could not fetch") && out.contains("private or loopback"),
        "{out}"
    );
}
