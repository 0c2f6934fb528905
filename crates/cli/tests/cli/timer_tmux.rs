//! Terminal programs in a real terminal: tmux runs `mm practice start` (and
//! `mm refresh`), keys go
//! in with send-keys and the screen comes back with capture-pane. One session
//! is killed mid-way (the terminal closes) and must survive through its
//! checkpoint; another is finished with the keys, difficulty and feedback.
//!
//! Skips without tmux unless `CI` is set. It takes about 40 seconds: the
//! first checkpoint comes after 30 seconds of focus.

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Poll the pane until `pred` holds (or fail after `limit`).
fn wait_for(pane: &str, limit: Duration, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let screen = tmux(&["capture-pane", "-p", "-t", pane]);
        if pred(&screen) {
            return screen;
        }
        assert!(
            start.elapsed() < limit,
            "waited for {what}; the screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn sessions(db: &Path) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_mm"))
        .args(["--json", "practice", "list", "2"])
        .env("MM_DATABASE_URL", db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn focus_timer_in_tmux_survives_a_closed_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI: tmux is required");
        eprintln!("skipping: tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mm.db");
    let mm = env!("CARGO_BIN_EXE_mm");
    let demo = Command::new(mm)
        .arg("demo")
        .env("MM_DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(demo.status.success());
    let before = sessions(&db).len();

    let tag = std::process::id();
    let (killed, finished) = (format!("mm-kill-{tag}"), format!("mm-done-{tag}"));
    for (name, aim) in [(&killed, "killed run"), (&finished, "finished run")] {
        let cmd = format!(
            "MM_DATABASE_URL='{}' '{mm}' practice start 2 --aim '{aim}' --for 25m",
            db.display()
        );
        tmux(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "100",
            "-y",
            "24",
            &cmd,
        ]);
    }
    let guard = scopeguard(vec![killed.clone(), finished.clone()]);

    for name in [&killed, &finished] {
        wait_for(name, Duration::from_secs(15), "the focus screen", |s| {
            s.contains("Aim:") && s.contains("remaining")
        });
        tmux(&["send-keys", "-t", name, "r", "r", "e", "i"]);
        tmux(&["send-keys", "-t", name, "n", "tmux notes", "Enter"]);
        wait_for(name, Duration::from_secs(10), "the counts", |s| {
            s.contains("reps 2   errors 1   interruptions 1")
        });
    }
    // The first checkpoint comes after 30 s of focus.
    wait_for(&killed, Duration::from_secs(60), "a checkpoint", |s| {
        s.contains("checkpoint saved")
    });
    tmux(&["kill-session", "-t", &killed]);

    tmux(&["send-keys", "-t", &finished, "q"]);
    wait_for(
        &finished,
        Duration::from_secs(10),
        "the difficulty question",
        |s| s.contains("How hard was it?"),
    );
    tmux(&["send-keys", "-t", &finished, "4"]);
    wait_for(
        &finished,
        Duration::from_secs(10),
        "the feedback question",
        |s| s.contains("Feedback"),
    );
    tmux(&["send-keys", "-t", &finished, "pace was right", "Enter"]);
    let start = Instant::now();
    let all = loop {
        let all = sessions(&db);
        if all.len() >= before + 2
            && all
                .iter()
                .any(|s| s["aim"] == "finished run" && s["difficulty"] == 4)
        {
            break all;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "sessions: {all:#?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    drop(guard);

    let k = all
        .iter()
        .find(|s| s["aim"] == "killed run")
        .expect("the killed session was checkpointed");
    assert_eq!(
        (
            k["reps"].as_u64(),
            k["errors"].as_u64(),
            k["interruptions"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(k["notes"], "tmux notes");
    assert_eq!(k["focused_minutes"], 1);
    let f = all.iter().find(|s| s["aim"] == "finished run").unwrap();
    assert_eq!(f["feedback"], "pace was right");
    assert_eq!(f["reps"], 2);
}

/// Kill the tmux sessions even when an assertion fails.
fn scopeguard(names: Vec<String>) -> impl Drop {
    struct Guard(Vec<String>);
    impl Drop for Guard {
        fn drop(&mut self) {
            for n in &self.0 {
                let _ = Command::new("tmux")
                    .args(["kill-session", "-t", n])
                    .output();
            }
        }
    }
    Guard(names)
}

#[test]
fn refresh_asks_in_a_terminal_and_refuses_a_fifth_rating() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI: tmux is required");
        eprintln!("skipping: tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mm.db");
    let mm = env!("CARGO_BIN_EXE_mm");
    let demo = Command::new(mm)
        .arg("demo")
        .env("MM_DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(demo.status.success());
    let name = format!("mm-refresh-{}", std::process::id());
    let cmd = format!(
        "MM_DATABASE_URL='{}' '{mm}' refresh; echo EXITED; sleep 60",
        db.display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "120",
        "-y",
        "30",
        &cmd,
    ]);
    let _guard = scopeguard(vec![name.clone()]);
    wait_for(&name, Duration::from_secs(15), "the first refresher", |s| {
        s.contains("Redo it:") && s.contains("How did it go?")
    });
    tmux(&["send-keys", "-t", &name, "perfect", "Enter"]);
    wait_for(&name, Duration::from_secs(10), "the refusal", |s| {
        s.contains("not one of the four")
    });
    tmux(&["send-keys", "-t", &name, "good", "Enter"]);
    wait_for(&name, Duration::from_secs(10), "the principle", |s| {
        s.contains("Next refresher on") && s.contains("Explain in your own words")
    });
    tmux(&["send-keys", "-t", &name, "q", "Enter"]);
    wait_for(&name, Duration::from_secs(10), "the end", |s| {
        s.contains("EXITED")
    });
    let out = Command::new(mm)
        .args(["--json", "refresh", "list", "--all"])
        .env("MM_DATABASE_URL", &db)
        .output()
        .unwrap();
    let cards: Value = serde_json::from_slice(&out.stdout).unwrap();
    let reviews = |r: &str| {
        cards
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["card_ref"] == r)
            .unwrap()["reviews"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(
        reviews("m1"),
        2,
        "the good answer was recorded, the refused one not"
    );
    assert_eq!(reviews("p1"), 1, "stopping leaves the rest untouched");
}
