//! Every `mm …` hint the program prints or documents names a command that
//! exists (issue 10, part 6): the hints are collected from the source of
//! every crate and each is parsed with the real clap definition. Values the
//! hint leaves to the user (`<goal>`, `{}`, `...`) are filled with a sample;
//! only an unknown subcommand or flag fails the test.

use clap::Parser;
use clap::error::ErrorKind;
use std::path::{Path, PathBuf};

/// Where a hint starts: a backticked command, or one after "Next: ",
/// "it: ", "· ", "(or log one: " and similar lead-ins, or "run"/"with".
const LEAD_INS: [&str; 7] = [
    "`mm ", ": mm ", "· mm ", "run mm ", "with mm ", "try mm ", "(mm ",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The hints on one line of source, as written (after `mm `).
fn hints_in(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for lead in LEAD_INS {
        let mut from = 0;
        while let Some(i) = line[from..].find(lead) {
            let start = from + i + lead.len();
            let rest = &line[start..];
            let mut end = rest.len();
            for stop in ["`", " · ", " && ", " | ", " ; ", "  (", ")", "\\n"] {
                if let Some(j) = rest.find(stop) {
                    end = end.min(j);
                }
            }
            // An unescaped quote ends the string literal the hint sits in.
            let bytes = rest.as_bytes();
            for (j, b) in bytes.iter().enumerate().take(end) {
                if *b == b'"' && (j == 0 || bytes[j - 1] != b'\\') {
                    end = j;
                    break;
                }
            }
            out.push(rest[..end].trim().to_owned());
            from = start;
        }
    }
    out
}

/// Split like a shell (double quotes group words), filling placeholders.
fn words(hint: &str) -> Vec<String> {
    // `<new name>` is one placeholder, spaces and all.
    let mut text = String::new();
    let mut in_angle = false;
    for c in hint.replace("\\\"", "\"").chars() {
        match c {
            '<' if !in_angle => {
                in_angle = true;
                text.push('<');
            }
            '>' if in_angle => in_angle = false,
            _ if in_angle => {}
            c => text.push(c),
        }
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter()
        .map(|w| {
            let placeholder = w.starts_with('<')
                || w.starts_with('{')
                || w.starts_with('[')
                || w.contains("...")
                || w.contains('…');
            if placeholder { "1".to_owned() } else { w }
        })
        .collect()
}

#[test]
fn every_mm_hint_names_a_command_that_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in std::fs::read_dir(&root).unwrap().flatten() {
        rust_files(&krate.path().join("src"), &mut files);
    }
    assert!(files.len() > 20, "found the sources: {files:?}");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for f in files.iter().filter(|f| !f.ends_with("cli/src/hints.rs")) {
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            for hint in hints_in(line) {
                let args = words(&hint);
                // "mm …" stands for any command; "mm ... | head" for one.
                if args
                    .first()
                    .is_none_or(|w| !w.chars().all(|c| c.is_ascii_lowercase()))
                {
                    continue;
                }
                checked += 1;
                let parsed =
                    crate::Cli::try_parse_from(std::iter::once("mm".to_owned()).chain(args));
                if let Err(e) = parsed
                    && matches!(
                        e.kind(),
                        ErrorKind::InvalidSubcommand | ErrorKind::UnknownArgument
                    )
                {
                    wrong.push(format!(
                        "{}:{}: `mm {hint}`: {}",
                        f.display(),
                        n + 1,
                        e.to_string().lines().next().unwrap_or_default()
                    ));
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} hints found");
    assert!(
        wrong.is_empty(),
        "hints naming commands that do not exist:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn a_wrong_hint_is_caught() {
    let bad = hints_in(r#"println!("run `mm goal frobnicate 2` or mm status");"#);
    assert_eq!(bad, ["goal frobnicate 2"]);
    let e = crate::Cli::try_parse_from(["mm", "goal", "frobnicate", "2"]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidSubcommand);
    assert_eq!(
        words(r#"goal extend {} --to ... --reason \"a b\""#),
        ["goal", "extend", "1", "--to", "1", "--reason", "a b"]
    );
    assert_eq!(
        words("skill rename <skill> <new name>"),
        ["skill", "rename", "1", "1"]
    );
}
