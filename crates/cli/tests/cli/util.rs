//! What the test modules share: error-line checks and golden files with a
//! readable diff.

use std::path::PathBuf;

/// The one `mm:` line a refused input prints: no panic, no trace, one line.
pub fn one_line(err: &str) -> &str {
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "panic: {err}"
    );
    let lines: Vec<_> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected, got:\n{err}");
    assert!(lines[0].starts_with("mm: "), "{err}");
    lines[0]
}

/// Compare `got` with `golden/<name>`; on mismatch fail with a line diff.
/// `MM_BLESS=1` rewrites the golden file instead (review the diff in git).
pub fn golden(name: &str, got: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cli/golden")
        .join(name);
    if std::env::var_os("MM_BLESS").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with MM_BLESS=1 to create it)", path.display()));
    if want != got {
        panic!(
            "{} differs (- golden, + now; MM_BLESS=1 accepts the new output):\n{}",
            path.display(),
            diff(&want, got)
        );
    }
}

/// A line diff (longest common subsequence), `-` for golden, `+` for now,
/// two lines of context.
pub fn diff(want: &str, got: &str) -> String {
    let a: Vec<&str> = want.lines().collect();
    let b: Vec<&str> = got.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    let near = |k: usize| {
        ops[k.saturating_sub(2)..(k + 3).min(ops.len())]
            .iter()
            .any(|(c, _)| *c != ' ')
    };
    let mut out = String::new();
    for (k, (c, line)) in ops.iter().enumerate() {
        if near(k) {
            out.push_str(&format!("{c} {line}\n"));
        }
    }
    if want.ends_with('\n') != got.ends_with('\n') {
        out.push_str("(the final newline differs)\n");
    }
    out
}

#[test]
fn diff_shows_changed_lines_with_context() {
    let d = diff("a\nb\nc\n", "a\nB\nc\n");
    assert_eq!(d, "  a\n- b\n+ B\n  c\n");
}

/// A home with one skill, one micro-skill and goal 1 (started today).
pub fn seeded() -> crate::common::Home {
    let home = crate::common::Home::new();
    home.ok(&["skill", "add", "Excel"]);
    home.ok(&[
        "micro",
        "add",
        "pivot",
        "--skill",
        "Excel",
        "--principle",
        "aggregation",
    ]);
    home.ok(&["goal", "new", "1", "--done-when", "done"]);
    home
}

/// The home's journal as exported, for tests that edit it before importing.
pub fn exported(home: &crate::common::Home) -> serde_json::Value {
    serde_json::from_str(&home.ok(&["export"])).unwrap()
}

/// Import `journal` into a fresh home; returns it and the outcome.
pub fn import(journal: &serde_json::Value) -> (crate::common::Home, std::process::Output) {
    let fresh = crate::common::Home::new();
    let file = fresh.file("journal.json");
    std::fs::write(&file, journal.to_string()).unwrap();
    let out = fresh
        .mm()
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    (fresh, out)
}

/// `mm args` as a plain process whose stdout is `stdout` (a device, a pipe).
pub fn run_with_stdout(
    home: &crate::common::Home,
    args: &[&str],
    stdout: std::process::Stdio,
) -> std::process::Output {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("mm"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("MM_NOW", crate::common::NOW)
        .env("MM_DATABASE_URL", &home.db)
        .current_dir(home.path())
        .args(args)
        .stdout(stdout)
        .stderr(std::process::Stdio::piped());
    c.output().unwrap()
}
