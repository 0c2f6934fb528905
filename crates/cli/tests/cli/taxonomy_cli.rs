//! `mm extract`, `mm map`, `mm eval` and `mm taxonomy` as a user runs them,
//! each in a fresh temp dir.

use assert_cmd::Command;
use predicates::prelude::*;
use std::io::Write;

fn mm() -> Command {
    Command::cargo_bin("mm").unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let p = dir.path().join(name);
    std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn extract_stdin_text_gives_spans_and_uris() {
    let out = mm()
        .args(["extract", "-"])
        .write_stdin("Python and SQL\n\nno skills here\n")
        .assert()
        .success();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let m = &lines[0]["mentions"];
    assert_eq!(m[0]["text"], "Python");
    assert_eq!(m[0]["start"], 0);
    assert_eq!(m[1]["text"], "SQL");
    assert_eq!(
        m[1]["uri"],
        "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"
    );
    assert_eq!(lines[1]["line"], 3);
}

#[test]
fn extract_jsonl_skips_bad_rows_and_strict_stops() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        &d,
        "ads.jsonl",
        b"{\"id\":\"a\",\"text\":\"SQL\"}\n{\"id\":\"b\"}\nnot json\n{\"text\":\"\xff\"}\n",
    );
    mm().args(["extract", &f])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"id\":\"a\""))
        .stderr(
            predicate::str::contains("ads.jsonl:2: no `text`")
                .and(predicate::str::contains("3 row(s) skipped")),
        );
    mm().args(["extract", "--strict", &f])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "ads.jsonl:2: no `text` string field",
        ));
}

#[test]
fn extract_csv_column_and_errors() {
    let d = tempfile::tempdir().unwrap();
    let f = write(&d, "ads.csv", b"id,body\n1,\"Java, Python\"\n2\n");
    mm().args(["extract", &f]).assert().failure().stderr(
        predicate::str::contains("no column `text`").and(predicate::str::contains("id, body")),
    );
    mm().args(["--json", "extract", "--summary", "--column", "body", &f])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("\"texts\": 1")
                .and(predicate::str::contains("Python (computer programming)")),
        )
        .stderr(predicate::str::contains("ads.csv:3"));
}

#[test]
fn extract_empty_and_missing_files() {
    let d = tempfile::tempdir().unwrap();
    let f = write(&d, "empty.jsonl", b"");
    mm().args(["extract", &f])
        .assert()
        .success()
        .stderr(predicate::str::contains("holds no texts"));
    mm().args(["extract", "/nonexistent/x.jsonl"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot open"));
}

#[test]
fn map_stdin_writes_one_json_line_per_input() {
    let out = mm()
        .args(["map", "--top", "3", "-"])
        .write_stdin("SQL\nbookkeeping\n")
        .assert()
        .success();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["input"], "SQL");
    assert_eq!(lines[0]["skills"][0]["label"], "SQL");
    assert!(lines[1]["skills"].as_array().unwrap().len() <= 3);
}

#[test]
fn map_understands_everyday_wording_by_default() {
    // The default ranker fuses lexical and the shipped static model; no
    // model directory, nothing downloaded.
    mm().args(["map", "--top", "3", "data cleaning"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(" 1. perform data cleansing"));
    mm().args(["map", "--top", "1", "custmer service"])
        .assert()
        .success()
        .stdout(predicate::str::contains("customer service"));
    mm().args([
        "map",
        "--ranker",
        "static",
        "--top",
        "3",
        "forklift driving",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("forklift"));
    mm().args(["map", "the of and"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("mm: no ESCO skill is close"));
    mm().args(["map", "--ranker", "embedding", "x"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--model"));
}

#[test]
fn map_gives_a_coach_acceptable_first_answer_to_everyday_inputs() {
    // (what a person types, answers a career coach accepts first, a skill
    // that must be among the first three). Written for this test, not taken
    // from the phrase set's held-out half.
    let cases: &[(&str, &[&str], &str)] = &[
        ("pivot tables", &["use spreadsheets software"], ""),
        (
            "pivot tables in Excel",
            &["use spreadsheets software", "Microsoft Excel"],
            "Microsoft Excel",
        ),
        ("excel", &["Microsoft Excel"], "use spreadsheets software"),
        (
            "Power BI reports",
            &["business intelligence", "Microsoft Power BI"],
            "Microsoft Power BI",
        ),
        ("k8s", &["Kubernetes"], ""),
        ("golang", &["Go"], ""),
        (
            "handling customer complaints",
            &["handle customer complaints"],
            "",
        ),
        ("managing a team", &["manage a team", "manage staff"], ""),
    ];
    let input: String = cases.iter().map(|c| format!("{}\n", c.0)).collect();
    let out = mm()
        .args(["map", "--top", "3", "-"])
        .write_stdin(input)
        .assert()
        .success();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), cases.len());
    for ((phrase, first, also), line) in cases.iter().zip(&lines) {
        let got: Vec<&str> = line["skills"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["label"].as_str().unwrap())
            .collect();
        assert!(
            got.first().is_some_and(|g| first.contains(g)),
            "{phrase:?} → {got:?}, want one of {first:?} first"
        );
        assert!(
            also.is_empty() || got.contains(also),
            "{phrase:?} → {got:?}, want {also:?} in the first three"
        );
    }
    // A vendor's product named after a practice is not the practice.
    let seo = mm().args(["map", "--top", "3", "SEO"]).assert().success();
    let seo = String::from_utf8(seo.get_output().stdout.clone()).unwrap();
    assert!(seo.starts_with(" 1. search engine optimisation"), "{seo}");
    assert!(!seo.contains("Moz"), "{seo}");
}

#[test]
fn skill_add_links_everyday_names_of_tools() {
    let home = crate::common::Home::new();
    // An alias typed in lower case links to the technology; held, it says
    // what it covers.
    let out = home.ok(&["skill", "add", "excel", "--level", "proficient"]);
    assert!(
        out.contains("Linked to the technology \"Microsoft Excel\""),
        "{out}"
    );
    assert!(
        out.contains("also covers: use spreadsheets software"),
        "{out}"
    );
    let out = home.ok(&["skill", "add", "k8s"]);
    assert!(out.contains("\"Kubernetes\""), "{out}");
    // No label says "pivot tables": not linked, and the closest skill
    // offered first is the one a coach would pick.
    let out = home.ok(&["skill", "add", "pivot tables"]);
    assert!(
        out.contains("Not linked") && out.contains("the closest: \"use spreadsheets software\""),
        "{out}"
    );
}

#[test]
fn skill_add_links_a_clear_name_and_suggests_otherwise() {
    let home = crate::common::Home::new();
    // "bookkeeping" is an ESCO alternative label of *accounting*.
    let out = home.ok(&["skill", "add", "bookkeeping"]);
    assert!(out.contains("Linked to ESCO \"accounting\""), "{out}");
    let shown = home.ok(&["skill", "show", "bookkeeping"]);
    assert!(
        shown.contains("taxonomy: http://data.europa.eu/esco/skill/"),
        "{shown}"
    );
    // A vague name is not linked; the closest skills are offered.
    let out = home.ok(&["skill", "add", "numbers stuff"]);
    assert!(out.contains("Not linked"), "{out}");
    // --no-link keeps it the person's own.
    let out = home.ok(&["skill", "add", "--no-link", "SQL"]);
    assert!(!out.contains("Linked"), "{out}");
    let shown = home.ok(&["skill", "show", "SQL"]);
    assert!(!shown.contains("taxonomy:"), "{shown}");
}

#[test]
fn eval_accepts_minimal_csv_and_rejects_bad_ones() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        &d,
        "mini.csv",
        b"label,sentence\nSQL,We query data with SQL daily\nLABEL NOT PRESENT,Nothing here\n",
    );
    let out = mm()
        .args(["--json", "eval", "skill-linking", &f])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v[0]["scored"], 1);
    assert_eq!(v[0]["rp5"], 100.0);
    let bad = write(&d, "bad.csv", b"sentence,span\nx,y\n");
    mm().args(["eval", "skill-linking", &bad])
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad.csv").and(predicate::str::contains("`label`")));
}

#[test]
fn taxonomy_lookups() {
    mm().args(["taxonomy", "show", "SQL"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("query languages")
                .and(predicate::str::contains("Optional for")),
        );
    mm().args(["taxonomy", "show", "no such skill at all"])
        .assert()
        .code(2);
    mm().args(["taxonomy", "occupation", "software engineer"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("software developer")
                .and(predicate::str::contains("15-1252.00")),
        );
    mm().args(["--json", "taxonomy", "search", "machine", "learning"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"label\": \"machine learning\""));
}

/// The workers parse, strip and match in parallel; the output must not
/// depend on how many there are: the shipped postings give the same JSON
/// Lines, byte for byte, on one thread and on two.
#[test]
fn extract_gives_the_same_mentions_on_one_thread_and_two() {
    let Some(dir) = std::env::var_os("MM_SHARED_DIR") else {
        eprintln!("skipping: MM_SHARED_DIR is not set");
        return;
    };
    let p = std::path::Path::new(&dir).join("data/postings/postings.jsonl");
    if !p.exists() {
        eprintln!("skipping: {} not found", p.display());
        return;
    }
    let p = p.to_string_lossy().into_owned();
    let run = |threads: &str| {
        mm().args(["extract", "--threads", threads, &p])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let (one, two) = (run("1"), run("2"));
    let lines = String::from_utf8(one.clone()).unwrap();
    let rows: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 198, "one row per posting");
    let mentions: usize = rows
        .iter()
        .map(|r| r["mentions"].as_array().unwrap().len())
        .sum();
    assert!(mentions > 1000, "{mentions} mentions");
    assert!(
        one == two,
        "one thread and two threads print different mentions"
    );
}
