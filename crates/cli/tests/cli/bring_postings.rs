//! Bringing your own postings, through the built binary: every input format,
//! boilerplate stripping, and the honesty of the market figures (duplicates,
//! languages, few postings, the role's own titles).

use crate::common::Home;

fn write(home: &Home, name: &str, body: &str) -> String {
    let p = home.file(name);
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

/// Skill labels `mm extract --summary --json` finds in `path`, with extra args.
fn labels(home: &Home, args: &[&str]) -> (Vec<String>, u64) {
    let mut all = vec!["--json", "extract", "--summary", "--top", "0"];
    all.extend_from_slice(args);
    let v: serde_json::Value = serde_json::from_str(&home.ok(&all)).unwrap();
    let labels = v["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap().to_string())
        .collect();
    (labels, v["texts"].as_u64().unwrap())
}

const POSTING: &str = r#"{"@context": "https://schema.org", "@type": "JobPosting",
  "title": "Data Analyst", "datePosted": "2024-02-01", "identifier": "DA-1",
  "description": "<h2>Requirements</h2><p>You write <b>SQL</b> queries and build reports in Python.</p><h2>What we offer</h2><ul><li>A company pension plan</li><li>Yoga classes</li></ul>"}"#;

#[test]
fn json_ld_object_array_graph_and_html_page() {
    let home = Home::new();
    let one = write(&home, "one.jsonld", POSTING);
    let (l, n) = labels(&home, &[&one]);
    assert_eq!(n, 1);
    assert!(l.contains(&"SQL".to_string()), "{l:?}");
    assert!(
        !l.iter().any(|x| x.contains("yoga")),
        "benefits stripped: {l:?}"
    );

    let arr = write(&home, "arr.json", &format!("[{POSTING}, {POSTING}]"));
    assert_eq!(labels(&home, &[&arr]).1, 2);
    let graph = write(
        &home,
        "graph.json",
        &format!(
            r#"{{"@context": "https://schema.org", "@graph": [{{"@type": "Organization"}}, {POSTING}]}}"#
        ),
    );
    assert_eq!(labels(&home, &[&graph]).1, 1);

    let page = write(
        &home,
        "job.html",
        &format!(
            "<html><head><title>Careers</title><script type=\"application/ld+json\">{POSTING}</script></head><body><nav>Menu</nav></body></html>"
        ),
    );
    let out = home.ok(&["extract", &page]);
    let row: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(row["id"], "DA-1");
    assert_eq!(row["title"], "Data Analyst");
    assert!(out.contains("\"text\":\"SQL\""), "{out}");
}

#[test]
fn html_without_json_ld_is_read_as_text() {
    let home = Home::new();
    let page = write(
        &home,
        "plain.html",
        "<html><head><title>Welder</title><style>.x{}</style></head><body><h1>Welder</h1><p>You do MIG welding and read blueprints.</p><script>var sql = 1;</script></body></html>",
    );
    let out = home.ok(&["extract", &page]);
    assert!(out.contains("\"title\":\"Welder\""), "{out}");
    assert!(
        !out.contains("\"text\":\"sql\""),
        "script content is not text: {out}"
    );
    let (l, _) = labels(&home, &[&page]);
    assert!(!l.is_empty(), "{l:?}");
}

#[test]
fn jsonl_and_csv_with_named_fields() {
    let home = Home::new();
    let jl = write(
        &home,
        "ads.jsonl",
        "{\"job\": {\"body\": \"We need SQL.\", \"name\": \"Analyst\"}, \"posted\": \"2024-01-02\"}\n{\"job\": {}}\n",
    );
    let out = home
        .mm()
        .args([
            "extract",
            &jl,
            "--text-field",
            "job.body",
            "--title-field",
            "job.name",
            "--date-field",
            "posted",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("\"title\":\"Analyst\"") && stdout.contains("\"date\":\"2024-01-02\""),
        "{stdout}"
    );
    assert!(
        stderr.contains("ads.jsonl:2: no `job.body`") && stderr.contains("1 row(s) skipped"),
        "{stderr}"
    );

    let csv = write(
        &home,
        "ads.csv",
        "headline,body\nAnalyst,\"SQL, Python\"\nEmpty,\n",
    );
    let out = home
        .mm()
        .args([
            "extract",
            &csv,
            "--text-field",
            "body",
            "--title-field",
            "headline",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("\"title\":\"Analyst\""), "{stdout}");
    assert!(stderr.contains("ads.csv:3: empty text column"), "{stderr}");
    // A missing column names the columns there are, and nothing is printed.
    let (stdout, err) = home.fails(&["extract", &csv, "--text-field", "description"], 1);
    assert!(stdout.is_empty());
    assert!(
        err.contains("no column `description`") && err.contains("headline, body"),
        "{err}"
    );
}

#[test]
fn a_folder_of_files_one_posting_each_with_bad_files_reported() {
    let home = Home::new();
    write(
        &home,
        "ads/a.txt",
        "Senior Analyst\nYou write SQL.\nYou build dashboards.\n",
    );
    write(
        &home,
        "ads/b.html",
        "<html><body><p>Python developer wanted.</p></body></html>",
    );
    write(&home, "ads/sub/c.jsonld", POSTING);
    write(
        &home,
        "ads/broken.json",
        "{\"@type\": \"JobPosting\", \"title\": ",
    );
    write(&home, "ads/.hidden.txt", "SQL");
    let dir = home.file("ads").display().to_string();
    let out = home
        .mm()
        .args(["--json", "extract", "--summary", &dir])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["texts"], 3, "a.txt is one posting, not three lines: {v}");
    assert_eq!(v["skipped"], 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.json:1: malformed JSON"), "{stderr}");
    // Mentions name their file.
    let lines = home.ok(&["extract", &dir]);
    assert!(
        lines.contains("\"file\":") && lines.contains("a.txt"),
        "{lines}"
    );
}

#[test]
fn boilerplate_is_stripped_unless_asked() {
    let home = Home::new();
    let text = "Requirements\\nYou know SQL.\\nWhat we offer\\nA company pension plan and yoga.\\nWe are an equal opportunity employer and welcome applicants regardless of pregnancy.";
    let f = write(&home, "b.jsonl", &format!("{{\"text\": \"{text}\"}}\n"));
    let (stripped, _) = labels(&home, &[&f]);
    let (raw, _) = labels(&home, &[&f, "--keep-boilerplate"]);
    assert!(stripped.contains(&"SQL".to_string()));
    assert!(
        !stripped
            .iter()
            .any(|l| l == "pregnancy" || l.contains("yoga")),
        "{stripped:?}"
    );
    assert!(
        raw.iter().any(|l| l == "pregnancy" || l.contains("yoga")),
        "{raw:?}"
    );
}

/// A posting long enough to be fingerprinted.
fn long_ad(title: &str, city: &str, skill: &str) -> String {
    format!(
        "{{\"title\": \"{title}\", \"date\": \"2024-03-01\", \"text\": \"{title} in {city}\\nYou will analyse sales data with {skill} every week, build clear reports for the regional managers, clean and join data from several source systems, and explain what the numbers mean to people who do not read tables for a living.\"}}\n"
    )
}

#[test]
fn market_counts_duplicates_languages_and_warns_on_few_postings() {
    let home = Home::new();
    let mut body = String::new();
    body.push_str(&long_ad("Data Analyst", "Leeds", "SQL"));
    body.push_str(&long_ad("Data Analyst", "York", "SQL")); // the same template
    body.push_str(&long_ad("Data Analyst", "Hull", "SQL")); // and again
    body.push_str("{\"title\": \"Datenanalyst\", \"text\": \"Sie analysieren Verkaufsdaten mit SQL und erstellen jede Woche klare Berichte für die regionalen Leiter, bereinigen Daten aus mehreren Quellsystemen und erklären die Zahlen.\"}\n");
    body.push_str("{\"title\": \"Nurse\", \"text\": \"You give medication and keep patient records; SQL is not needed.\"}\n");
    let f = write(&home, "m.jsonl", &body);
    let v: serde_json::Value =
        serde_json::from_str(&home.ok(&["--json", "market", "analyse", &f, "--no-save"])).unwrap();
    assert_eq!(v["duplicates"], 2, "{v}");
    assert_eq!(v["non_english"][0]["language"], "deu", "{v}");
    assert_eq!(v["postings"], 2);
    assert!(
        v["warnings"][0]
            .as_str()
            .unwrap()
            .contains("only 2 posting"),
        "{v}"
    );
    let table = home.ok(&["market", "analyse", &f, "--no-save"]);
    assert!(
        table.contains("Left out: 2 near-duplicate(s), 1 not in English (deu 1)"),
        "{table}"
    );
    assert!(
        table.contains("Warning: shares rest on only 2 posting"),
        "{table}"
    );
    // Asked for, they are all counted.
    let v: serde_json::Value = serde_json::from_str(&home.ok(&[
        "--json",
        "market",
        "analyse",
        &f,
        "--no-save",
        "--keep-duplicates",
        "--all-languages",
    ]))
    .unwrap();
    assert_eq!(v["postings"], 5);
    // --role keeps the role's titles only.
    let v: serde_json::Value = serde_json::from_str(&home.ok(&[
        "--json",
        "market",
        "analyse",
        &f,
        "--no-save",
        "--role",
        "data analyst",
    ]))
    .unwrap();
    assert_eq!(v["postings"], 1, "{v}");
    // The German and the nurse posting have other titles.
    assert_eq!(v["title_filter"]["off_role"], 2, "{v}");
}

#[test]
fn discover_uses_only_the_roles_postings() {
    let home = Home::new();
    // The shipped sample is tech postings: none is for a nurse or a welder.
    for role in ["nurse", "welder"] {
        let v: serde_json::Value =
            serde_json::from_str(&home.ok(&["--json", "discover", "--role", role])).unwrap();
        assert_eq!(
            v["market_scope"]["matched"], 0,
            "{role}: {}",
            v["market_scope"]
        );
        for c in v["micro"].as_array().unwrap() {
            let m = c["components"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["name"] == "market")
                .unwrap();
            assert_eq!(m["value"], 0.0);
            assert!(
                m["evidence"]
                    .as_str()
                    .unwrap()
                    .contains("no market evidence"),
                "{role}: {m}"
            );
        }
        let out = home.ok(&["discover", "--role", role]);
        assert!(out.contains("0 with a title of"), "{out}");
        assert!(out.contains("no market evidence"), "{out}");
    }
    // Software developers have their own postings in the sample.
    let v: serde_json::Value =
        serde_json::from_str(&home.ok(&["--json", "discover", "--role", "software developer"]))
            .unwrap();
    let matched = v["market_scope"]["matched"].as_u64().unwrap();
    assert!(matched >= 5, "{}", v["market_scope"]);
    // A saved analysis for another role is not borrowed.
    let ads = write(&home, "n.jsonl", &long_ad("Data Analyst", "Leeds", "SQL"));
    home.ok(&["market", "analyse", &ads, "--role", "data analyst"]);
    let out = home.ok(&["discover", "--role", "nurse"]);
    assert!(out.contains("not limited to this role"), "{out}");
}
