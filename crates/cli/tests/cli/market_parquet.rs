//! `mm market analyse --parquet`: the shipped SQL (docs/market.sql), run by
//! DuckDB (an independent engine, Python package in target/duckdb-venv made
//! by scripts/setup-duckdb.sh) on the Parquet output, gives the same shares
//! and intervals as `mm market`.
//!
//! Skips without the venv unless `CI` is set; under CI it fails instead.

use crate::common::Home;
use std::path::PathBuf;
use std::process::Command;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The venv's Python with `duckdb` importable, or `None` (after saying why).
fn duckdb_python() -> Option<PathBuf> {
    let py = std::env::var_os("MM_DUCKDB_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/duckdb-venv/bin/python"));
    let ok = Command::new(&py)
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(py);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI: DuckDB is required ({} cannot import duckdb); run scripts/setup-duckdb.sh",
        py.display()
    );
    eprintln!(
        "skipping: no DuckDB venv at {} (run scripts/setup-duckdb.sh)",
        py.display()
    );
    None
}

const RUN_SQL: &str = r#"
import duckdb, json, sys
parquet, sql_file = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("CREATE VIEW mentions AS SELECT * FROM read_parquet('%s')" % parquet.replace("'", "''"))
cur = con.execute(open(sql_file).read())
cols = [d[0] for d in cur.description]
print(json.dumps([dict(zip(cols, r)) for r in cur.fetchall()]))
"#;

fn duckdb_shares(py: &PathBuf, parquet: &str) -> Vec<serde_json::Value> {
    let sql = workspace().join("docs/market.sql");
    let out = Command::new(py)
        .args(["-c", RUN_SQL, parquet, sql.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "duckdb failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Every skill mm reports has DuckDB's count, share and interval, and no more.
fn assert_same(mm: &serde_json::Value, db: &[serde_json::Value]) {
    let skills = mm["skills"].as_array().unwrap();
    assert!(!skills.is_empty());
    assert_eq!(skills.len(), db.len(), "same skills");
    for (m, d) in skills.iter().zip(db) {
        assert_eq!(m["uri"], d["skill_uri"], "same order: most asked-for first");
        assert_eq!(m["label"], d["skill_label"]);
        assert_eq!(m["postings"], d["postings"], "{}", m["label"]);
        assert_eq!(mm["postings"], d["total"]);
        for (a, b) in [
            ("share", "share"),
            ("ci_low", "ci_low"),
            ("ci_high", "ci_high"),
        ] {
            let (x, y) = (m[a].as_f64().unwrap(), d[b].as_f64().unwrap());
            assert!(
                (x - y).abs() < 1e-12,
                "{} {a}: mm {x} vs duckdb {y}",
                m["label"]
            );
        }
    }
}

#[test]
fn duckdb_with_the_shipped_sql_gives_mm_market_shares_on_the_shipped_postings() {
    let Some(py) = duckdb_python() else { return };
    let home = Home::new();
    let postings = workspace().join("data/postings/postings.jsonl");
    // A second file: a posting with no skill (must still count in the
    // denominator) on a line number the first file also has.
    let extra = home.file("extra.jsonl");
    std::fs::write(
        &extra,
        "{\"text\": \"Nothing to see here.\"}\n{\"text\": \"SQL and Python.\"}\n",
    )
    .unwrap();
    let pq = home.file("mentions.parquet").display().to_string();
    let out = home.ok(&[
        "--json",
        "market",
        "analyse",
        postings.to_str().unwrap(),
        extra.to_str().unwrap(),
        "--no-save",
        "--parquet",
        &pq,
    ]);
    let mm: serde_json::Value = serde_json::from_str(&out).unwrap();
    // 198 shipped postings, 2 of them near-duplicates of others, + 2.
    assert_eq!(
        mm["duplicates"], 2,
        "the sample's two same-template postings"
    );
    assert_eq!(mm["postings"], 198, "196 distinct shipped postings + 2");
    assert_same(&mm, &duckdb_shares(&py, &pq));
}

#[test]
fn parquet_of_the_default_sample_with_since_matches_too() {
    let Some(py) = duckdb_python() else { return };
    let home = Home::new();
    let pq = home.file("sample.parquet").display().to_string();
    let out = home.ok(&[
        "--json",
        "market",
        "analyse",
        "--since",
        "2021-06",
        "--no-save",
        "--parquet",
        &pq,
    ]);
    let mm: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        mm["excluded"].as_u64().unwrap() > 0,
        "--since leaves some out"
    );
    assert_same(&mm, &duckdb_shares(&py, &pq));
}

#[test]
fn parquet_to_a_path_that_cannot_be_created_is_one_clear_error() {
    let home = Home::new();
    let (_, err) = home.fails(
        &[
            "market",
            "analyse",
            "--no-save",
            "--parquet",
            "/nonexistent/dir/x.parquet",
        ],
        1,
    );
    assert!(
        err.contains("mm: cannot create /nonexistent/dir/x.parquet"),
        "{err}"
    );
}
