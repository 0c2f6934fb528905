//! Every `mm …` hint the program prints names a command that exists.
//!
//! The hints are collected from the source of every crate: string literals
//! (comments are skipped) holding "`mm …`" or "run mm …". Each is parsed with
//! clap exactly as the person would type it, with placeholders (`<goal>`,
//! `{id}`, `...`) filled with a plausible value.

use crate::Cli;
use clap::Parser as _;
use clap::error::ErrorKind;
use std::path::{Path, PathBuf};

/// The string literals of a Rust source file, unescaped enough for hints
/// (`\"` and `\\`), with their line numbers. Comments and char literals are
/// skipped; raw strings are read as they are.
fn string_literals(src: &str) -> Vec<(usize, String)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    line += usize::from(b[i] == b'\n');
                    i += 1;
                }
                i += 2;
            }
            b'\'' => {
                // A char literal ('"', '\'', '\\') or a lifetime ('a).
                if b.get(i + 1) == Some(&b'\\') {
                    i += 2;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                } else if b.get(i + 2) == Some(&b'\'') {
                    i += 3;
                } else {
                    i += 1;
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let mut j = i + 1;
                let mut hashes = 0;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let start = j + 1;
                let end = src[start..].find(&close).map_or(src.len(), |k| start + k);
                out.push((line, src[start..end].to_owned()));
                line += src[start..end].matches('\n').count();
                i = end + close.len();
            }
            b'"' => {
                let start_line = line;
                let mut s = String::new();
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        match b[i + 1] {
                            b'"' => s.push('"'),
                            b'\\' => s.push('\\'),
                            b'n' => s.push('\n'),
                            b'\n' => {
                                // A line continuation: skip the leading blanks.
                                line += 1;
                                i += 2;
                                while i < b.len() && b[i].is_ascii_whitespace() {
                                    line += usize::from(b[i] == b'\n');
                                    i += 1;
                                }
                                continue;
                            }
                            other => {
                                s.push('\\');
                                s.push(char::from(other));
                            }
                        }
                        i += 2;
                        continue;
                    }
                    line += usize::from(b[i] == b'\n');
                    let ch = src[i..].chars().next().unwrap_or('\0');
                    s.push(ch);
                    i += ch.len_utf8();
                }
                i += 1;
                out.push((start_line, s));
            }
            _ => i += 1,
        }
    }
    out
}

/// The hints in one literal: "`mm …`" spans, "run mm …", and a bare
/// "mm …" after a colon, a parenthesis, "with", "see" or "·" (as in "Next:
/// mm status · mm goal show 1"), each up to the end of its clause.
fn hints_in(lit: &str) -> Vec<String> {
    let mut hints = Vec::new();
    let mut rest = lit;
    while let Some(k) = rest.find("`mm ") {
        let after = &rest[k + 1..];
        let end = after.find('`').unwrap_or(after.len());
        hints.push(after[..end].to_owned());
        rest = &after[end..];
        rest = rest.strip_prefix('`').unwrap_or(rest);
    }
    const LEADS: [&str; 8] = ["run ", ": ", "(", "with ", "see ", "· ", "? ", "then: "];
    for (k, _) in lit.match_indices("mm ") {
        let before = &lit[..k];
        let next = lit[k + 3..].chars().next();
        if !LEADS.iter().any(|l| before.ends_with(l))
            || !next.is_some_and(|c| c.is_ascii_lowercase())
        {
            continue;
        }
        let after = &lit[k..];
        let end = [")", ";", "\n", "`", " · ", ", or ", " ("]
            .iter()
            .filter_map(|stop| after.find(stop))
            .min()
            .unwrap_or(after.len());
        let hint = after[..end].trim_end_matches([',', ' ']);
        let hint = match hint.strip_suffix('.') {
            Some(h) if !hint.ends_with("...") => h,
            _ => hint,
        };
        hints.push(hint.to_owned());
    }
    hints
}

/// Split a hint as a shell would (double quotes group words), fill the
/// placeholders and drop what is not part of the command (`| head`,
/// optional `[...]` parts).
fn words(hint: &str) -> Vec<String> {
    let hint = hint.split('|').next().unwrap_or(hint);
    // Placeholders may hold spaces (`<exported did.json>`) or sit inside a
    // word (`{stem}.json`): fill them before splitting.
    let mut filled = String::new();
    let mut close = None;
    for c in hint.chars() {
        match (close, c) {
            (None, '<') => close = Some('>'),
            (None, '{') => close = Some('}'),
            (Some(end), c) if c == end => {
                filled.push('1');
                close = None;
            }
            (Some(_), _) => {}
            (None, c) => filled.push(c),
        }
    }
    let hint = filled.as_str();
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in hint.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any || !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        words.push(cur);
    }
    words
        .into_iter()
        .filter(|w| !(w.starts_with('[') && w.ends_with(']')))
        .map(|w| {
            let placeholder = (w.starts_with('<') && w.ends_with('>'))
                || (w.starts_with('{') && w.ends_with('}'))
                || w == "..."
                || w == "…"
                || w.chars().all(|c| c == '#');
            if placeholder { "1".to_owned() } else { w }
        })
        .collect()
}

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

#[test]
fn every_printed_hint_names_a_command_that_exists() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for c in std::fs::read_dir(&crates).unwrap().flatten() {
        rust_files(&c.path().join("src"), &mut files);
    }
    files.sort();
    let mut checked = 0;
    let mut broken = Vec::new();
    for file in &files {
        if file.ends_with("hint_tests.rs") {
            continue;
        }
        let src = std::fs::read_to_string(file).unwrap();
        for (line, lit) in string_literals(&src) {
            for hint in hints_in(&lit) {
                let argv = words(&hint);
                checked += 1;
                let ok = match Cli::try_parse_from(&argv) {
                    Ok(_) => true,
                    // A hint may name a command without all its arguments
                    // (`mm goal check`) or ask for its help: the command exists.
                    Err(e) => matches!(
                        e.kind(),
                        ErrorKind::DisplayHelp
                            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                            | ErrorKind::MissingSubcommand
                            | ErrorKind::MissingRequiredArgument
                    ),
                };
                if !ok {
                    let why = Cli::try_parse_from(&argv)
                        .err()
                        .map(|e| e.to_string().lines().next().unwrap_or("").to_owned())
                        .unwrap_or_default();
                    broken.push(format!(
                        "{}:{line}: `{hint}` -> {why}",
                        file.strip_prefix(&crates).unwrap_or(file).display()
                    ));
                }
            }
        }
    }
    assert!(
        checked > 30,
        "only {checked} hints found: is the collector broken?"
    );
    assert!(
        broken.is_empty(),
        "hints that name no command:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_collector_finds_hints_and_skips_comments() {
    let src = r####"
        // "`mm nothing`" is a comment
        let a = "see `mm goal list` or run mm status.";
        let c = '"';
        let b = r#"run `mm discover --role "data analyst"`"#;
    "####;
    let lits = string_literals(src);
    let hints: Vec<String> = lits.iter().flat_map(|(_, l)| hints_in(l)).collect();
    assert_eq!(
        hints,
        [
            "mm goal list",
            "mm status",
            "mm discover --role \"data analyst\""
        ]
    );
    assert_eq!(
        words("mm goal extend {id} --to ... --reason \"a b\" | head"),
        ["mm", "goal", "extend", "1", "--to", "1", "--reason", "a b"]
    );
    // A wrong hint is caught: this subcommand does not exist.
    let err = Cli::try_parse_from(words("mm goal frobnicate 1")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSubcommand);
}
