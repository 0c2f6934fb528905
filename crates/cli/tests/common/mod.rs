//! Helpers for driving the built `mm` binary in a temporary home.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A fixed "now" so dates in assertions are stable: Wednesday 25 Nov 2026, 09:00 UTC.
pub const NOW: &str = "2026-11-25T09:00:00+00:00";

/// A person's machine: a fresh HOME, and the database URL `mm` should use.
pub struct Home {
    pub dir: tempfile::TempDir,
    pub db: String,
}

impl Home {
    /// A fresh home using the default SQLite location (no --db).
    pub fn new() -> Home {
        let dir = tempfile::tempdir().unwrap();
        let db = dir
            .path()
            .join("data/micromastery/mm.db")
            .display()
            .to_string();
        Home { dir, db }
    }

    /// A fresh home whose journal lives at `url`.
    pub fn with_db(url: &str) -> Home {
        let dir = tempfile::tempdir().unwrap();
        Home {
            dir,
            db: url.to_owned(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `mm` with this home's environment and the fixed clock.
    pub fn mm(&self) -> Command {
        let mut c = Command::cargo_bin("mm").unwrap();
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("XDG_DATA_HOME", self.path().join("data"))
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("MM_NOW", NOW)
            .env("MM_DATABASE_URL", &self.db)
            .current_dir(self.path());
        c
    }

    /// Run `mm args...`, expect success, return stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.mm().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "mm {args:?} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Run `mm args...`, expect the exit code, return (stdout, stderr).
    /// `code` 1 means "refused with an error" of any kind (see
    /// [`is_error_exit`]); other codes are matched exactly.
    pub fn fails(&self, args: &[&str], code: i32) -> (String, String) {
        let out = self.mm().args(args).output().unwrap();
        let ok = if code == 1 {
            is_error_exit(out.status.code())
        } else {
            out.status.code() == Some(code)
        };
        assert!(
            ok,
            "mm {args:?}: exit {:?}, expected {code}:\n{}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }
}

/// Whether an exit code is a refusal with an error: 1 internal or
/// unclassified, 2 invalid input, 4 not found, 5 conflict, 6 unavailable.
/// Never 0, never 3 ("checked, and the answer is no"), never 101 (a panic).
pub fn is_error_exit(code: Option<i32>) -> bool {
    matches!(code, Some(1 | 2 | 4 | 5 | 6))
}

/// A PostgreSQL URL with a schema of its own for this test, or `None` (with
/// the reason printed) when no server answers and CI does not require one.
pub fn postgres_url(test: &str) -> Option<String> {
    let base = std::env::var("MM_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let reachable = std::net::TcpStream::connect_timeout(
        &"127.0.0.1:5432".parse().unwrap(),
        std::time::Duration::from_secs(1),
    )
    .is_ok()
        || std::env::var_os("MM_TEST_DATABASE_URL").is_some();
    if !reachable {
        if std::env::var_os("MM_REQUIRE_POSTGRES").is_some() {
            panic!("PostgreSQL is required (MM_REQUIRE_POSTGRES) but no server answers");
        }
        eprintln!(
            "skipping the PostgreSQL run of {test}: no server at 127.0.0.1:5432 and MM_TEST_DATABASE_URL unset"
        );
        return None;
    }
    let schema = format!(
        "mm_cli_{test}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
            % 1_000_000
    );
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}schema={schema}"))
}
