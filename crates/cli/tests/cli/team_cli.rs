//! `mm team` and `mm serve --team` as an operator runs them: migrate as the
//! owner, create an organisation (password on standard input), start the
//! server as the granted role, reach it over TCP, stop it with SIGTERM.

use crate::common::{Home, postgres_url};
use crate::util::one_line;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::process::{Command, Stdio};

const ROLE: &str = "mm_team_test";

/// One HTTP/1.1 request over a fresh connection; the status and the whole reply.
fn http(addr: &str, request: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let status = reply
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, reply)
}

#[test]
fn an_operator_migrates_creates_an_organisation_and_serves_it() {
    let Some(owner) = postgres_url("team_ops") else {
        return;
    };
    let home = Home::with_db(&owner);
    let out = home.ok(&["team", "migrate", "--app-role", ROLE]);
    assert!(
        out.contains(&format!("mm serve --team --db postgres://{ROLE}@")),
        "{out}"
    );
    let app = {
        let (scheme, rest) = owner.split_once("://").unwrap();
        format!("{scheme}://{ROLE}@{}", rest.split_once('@').unwrap().1)
    };
    // Serving as the owner is refused: row security would not hold.
    let (_, err) = home.fails(
        &["--db", &owner, "serve", "--team", "--addr", "127.0.0.1:0"],
        2,
    );
    assert!(one_line(&err).contains("must not connect as"), "{err}");
    // The admin's password comes on standard input; a weak one is refused.
    let create = |pw: &str| {
        let mut c = home.mm();
        c.args([
            "--db",
            &app,
            "team",
            "create-org",
            "--slug",
            "acme",
            "--name",
            "Acme Ltd",
            "--admin-email",
            "ada@acme.example",
            "--admin-name",
            "Ada",
        ]);
        c.write_stdin(format!("{pw}\n")).output().unwrap()
    };
    let weak = create("short");
    assert_eq!(weak.status.code(), Some(2));
    assert!(one_line(&String::from_utf8_lossy(&weak.stderr)).contains("at least 12 characters"));
    let made = create("correct horse battery");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(String::from_utf8_lossy(&made.stdout).contains("ada@acme.example signs in at /o/acme"));
    let again = create("correct horse battery");
    assert_eq!(again.status.code(), Some(5), "a taken slug is a conflict");

    // A master key that is set but is not one stops the server at startup.
    let refused = Command::new(assert_cmd::cargo::cargo_bin("mm"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("MM_TEAM_KEY", "not a key")
        .args(["--db", &app, "serve", "--team", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("master key must be 32 random bytes"), "{err}");
    assert!(
        !err.contains("not a key"),
        "the key's text is not repeated: {err}"
    );

    let mut server = Command::new(assert_cmd::cargo::cargo_bin("mm"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env(
            "MM_TEAM_KEY",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        )
        .args(["--db", &app, "serve", "--team", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_owned();
    let (status, _) = http(
        &addr,
        &format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 200);
    let body =
        r#"{"organisation":"acme","email":"ada@acme.example","password":"correct horse battery"}"#;
    let (status, reply) = http(
        &addr,
        &format!(
            "POST /api/v1/team/sign-in HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert_eq!(status, 200, "{reply}");
    assert!(reply.contains("set-cookie: mm_team=mms_"), "{reply}");
    // Signed in, Ada has a journal of her own on the server.
    let cookie = reply
        .split("set-cookie: ")
        .nth(1)
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_owned();
    let (status, reply) = http(
        &addr,
        &format!(
            "GET /api/v1/status HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(status, 200, "{reply}");
    assert!(reply.contains("\"open\""), "{reply}");
    // SIGTERM: the requests in flight finish, then it says so and exits 0.
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(server.wait().unwrap().success());
    assert!(rest.iter().any(|l| l == "Stopped."), "{rest:?}");
    assert!(
        rest.iter().any(
            |l| l.contains("each organisation signs with its own keys, sealed with master key")
        ),
        "{rest:?}"
    );
}

#[test]
fn a_master_key_is_made_readable_only_by_its_owner_and_never_over_another() {
    use std::os::unix::fs::PermissionsExt as _;
    let home = crate::common::Home::new();
    let key = home.file("team.key");
    let out = home.ok(&["team", "new-key", "--out", key.to_str().unwrap()]);
    assert!(out.contains("Wrote master key"), "{out}");
    let text = std::fs::read_to_string(&key).unwrap();
    // 32 random bytes as base64, which the servers take as it is.
    assert_eq!(text.trim().len(), 44, "{text}");
    assert!(mm_team::MasterKey::parse(&text).is_ok());
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    // A second run never replaces a key (the issuer keys it seals would be lost).
    let (_, err) = home.fails(&["team", "new-key", "--out", key.to_str().unwrap()], 1);
    assert!(one_line(&err).contains("never overwritten"), "{err}");
    assert_eq!(std::fs::read_to_string(&key).unwrap(), text);
    // Printed, for a secret store: two runs, two keys.
    let a = home.ok(&["team", "new-key"]);
    let b = home.ok(&["team", "new-key"]);
    assert_ne!(a, b);
    // Resealing with the same key twice, or an unreadable one, is refused
    // before the database is touched.
    let path = key.to_str().unwrap();
    let reseal = |new: &str| {
        home.fails(
            &[
                "--db",
                "postgres://nobody@127.0.0.1:1/none",
                "team",
                "reseal",
                "--old-key-file",
                path,
                "--new-key-file",
                new,
            ],
            1,
        )
        .1
    };
    let err = reseal(path);
    assert!(
        one_line(&err).contains("the new master key is the old one"),
        "{err}"
    );
    let err = reseal("missing.key");
    assert!(one_line(&err).contains("missing.key"), "{err}");
    // A server holding the key being replaced needs the new one too, and
    // not the same key twice (refused before the database is touched).
    let serve = |extra: &[&str]| {
        let mut args = vec![
            "--db",
            "postgres://nobody@127.0.0.1:1/none",
            "serve",
            "--team",
            "--previous-master-key-file",
            path,
        ];
        args.extend_from_slice(extra);
        let err = home.fails(&args, 1).1;
        one_line(&err).to_string()
    };
    let err = serve(&[]);
    assert!(err.contains("give the new one too"), "{err}");
    let err = serve(&["--master-key-file", path]);
    assert!(err.contains("the same key as the current one"), "{err}");
}
