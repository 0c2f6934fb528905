//! The web app end to end in a real headless Chromium, driven over WebDriver
//! (Debian's `chromium` and `chromium-driver`, through fantoccini), as a new
//! user would use it: `mm demo` → `mm serve` → open the printed URL → the
//! dashboard → the goal in progress → log a practice session → the focus
//! timer (start it with its aim, reload, close the tab and open a new one:
//! still running, its checkpoints in the journal; finish it with reps,
//! errors, difficulty and feedback, and find the session on the goal) →
//! tick the criterion left → record an application with an evidence file
//! upload → reflect on the principle left → the mastery check says achieved
//! → create the issuer and issue a badge on the badges page → download it
//! (JSON-LD and baked PNG) and the issuer's documents → the portfolio page's
//! JSON Resume and CLR (the CLR as `mm portfolio export --clr` writes it,
//! and `mm badge verify` takes it) → the public verify page says VALID, and
//! INVALID for a tampered copy → sign out → SIGTERM stops the server.
//!
//! The server's clock starts at the fixed `MM_NOW` and runs ten times as
//! fast as real time (`MM_NOW_SPEED`), so that the timer moves: a few real
//! seconds are a minute of practice.
//!
//! axe-core (vendored in `tests/vendor/`) runs on every page visited: no
//! serious or critical accessibility violation. A screenshot of each page
//! goes to `<target>/screenshots/`.
//!
//! Skips, saying so, without `chromium` and `chromedriver`; under `CI` it
//! fails instead.

mod common;

use common::Home;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const AXE: &str = include_str!("vendor/axe.min.js");

/// A child process killed when the test ends, however it ends.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// `<target>/screenshots`, beside the test binary's `debug/` folder.
fn screenshot_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Start `chromedriver` on a free port and wait for its "started" line.
fn start_chromedriver(bin: &Path) -> (Reaped, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let child = Reaped(child);
    for line in BufReader::new(out).lines() {
        let line = line.unwrap();
        if line.contains("started successfully") {
            return (child, port);
        }
    }
    panic!("chromedriver ended without starting");
}

/// How many times as fast as real time the server's clock runs.
const CLOCK_SPEED: &str = "10";

/// Start `mm serve` on a free port; return it and the URL it printed.
fn start_server(home: &Home) -> (Reaped, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("mm"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("MM_NOW", common::NOW)
        .env("MM_NOW_SPEED", CLOCK_SPEED)
        .env("MM_DATABASE_URL", &home.db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("mm serve ended before printing its URL")
            .unwrap();
        if let Some(url) = line.trim().strip_prefix("http://")
            && url.contains("?token=")
        {
            break format!("http://{url}");
        }
    };
    // Keep reading stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (Reaped(child), url)
}

/// A screenshot of the whole page (the window is grown to its height first).
async fn shot(c: &Client, name: &str) {
    let height = c
        .execute(
            "window.scrollTo(0, 0); return Math.min(document.documentElement.scrollHeight, 8000);",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(1000)
        .max(600);
    c.set_window_size(1200, u32::try_from(height).unwrap_or(1000) + 120)
        .await
        .unwrap();
    let png = c.screenshot().await.unwrap();
    c.set_window_size(1200, 1000).await.unwrap();
    let path = screenshot_dir().join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
}

/// Run axe-core on the page: no serious or critical violation.
async fn axe(c: &Client, page: &str) {
    c.execute(AXE, vec![]).await.unwrap();
    let found = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, { resultTypes: ['violations'] })
                 .then(r => done(r.violations
                   .filter(v => v.impact === 'serious' || v.impact === 'critical')
                   .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' +
                        v.nodes.map(n => n.target.join(' ')).join(', '))))
                 .catch(e => done(['axe failed: ' + e]));"#,
            vec![],
        )
        .await
        .unwrap();
    let found: Vec<String> = serde_json::from_value(found).unwrap();
    assert!(
        found.is_empty(),
        "accessibility violations on {page}:\n{}",
        found.join("\n")
    );
}

/// Every page is checked the same way: a screenshot, then axe.
async fn visited(c: &Client, name: &str) {
    shot(c, name).await;
    axe(c, name).await;
}

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
        .text()
        .await
        .unwrap()
}

async fn type_into(c: &Client, id: &str, value: &str) {
    let field = c
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("no field #{id}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Submit the form in `form_css` with its button and wait for `then` (a
/// selector only the next page has).
async fn submit(c: &Client, form_css: &str, then: &str) {
    c.find(Locator::Css(&format!("{form_css} button[type=submit]")))
        .await
        .unwrap_or_else(|e| panic!("no submit button in {form_css}: {e}"))
        .click()
        .await
        .unwrap();
    if let Err(e) = c
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(then))
        .await
    {
        shot(c, "failure").await;
        let url = c
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let page = c.source().await.unwrap_or_default();
        eprintln!("at {url}");
        let alert = page
            .split("role=\"alert\"")
            .nth(1)
            .map(|s| s.chars().take(400).collect::<String>());
        panic!("after submitting {form_css}, no {then} ({e}); the page says: {alert:?}");
    }
}

/// Wait until a file whose name ends with `suffix` is complete in `dir`.
fn downloaded(dir: &Path, suffix: &str) -> PathBuf {
    downloaded_named(dir, "", suffix)
}

/// Wait until a file whose name starts with `prefix` and ends with `suffix`
/// is complete in `dir` (Chromium writes `.crdownload` files until then).
fn downloaded_named(dir: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| {
                let name = p.file_name().unwrap_or_default().to_string_lossy();
                name.starts_with(prefix) && name.ends_with(suffix)
            });
        if let Some(p) = found {
            return p;
        }
        assert!(
            Instant::now() < deadline,
            "no download {prefix}…{suffix} in {}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Poll `css`'s text until `ok` holds (at most 30 s); return it.
async fn text_when(c: &Client, css: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let t = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if ok(&t) {
            return t;
        }
        if Instant::now() >= deadline {
            shot(c, "failure").await;
            panic!("{css} never showed {what}; it says {t:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The seconds a clock reading shows: `mm:ss` or `h:mm:ss`.
fn clock_seconds(s: &str) -> i64 {
    s.trim()
        .split(':')
        .map(|p| {
            p.parse::<i64>()
                .unwrap_or_else(|_| panic!("{s:?} is not a clock"))
        })
        .fold(0, |acc, n| acc * 60 + n)
}

/// The running timer as the API has it, asked from the page (its cookie).
async fn timer_api(c: &Client) -> Value {
    c.execute_async(
        r#"const done = arguments[arguments.length - 1];
           fetch('/api/v1/timer', { credentials: 'same-origin' })
             .then(r => r.json()).then(done, e => done({ error: String(e) }));"#,
        vec![],
    )
    .await
    .unwrap()
}

/// A CLR without what each export makes fresh: its id, its moment and so
/// its signature.
fn clr_body(path: &Path) -> Value {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{} is JSON: {e}", path.display()));
    for k in ["id", "validFrom", "proof"] {
        v.as_object_mut().unwrap().remove(k);
    }
    v
}

async fn click_link(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no link {css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Upload files into the verify form and submit it; the verdict's text.
async fn verify(c: &Client, base: &str, files: &[(&str, &Path)]) -> String {
    c.goto(&format!("{base}/verify")).await.unwrap();
    for (input, file) in files {
        c.find(Locator::Id(input))
            .await
            .unwrap()
            .send_keys(&file.display().to_string())
            .await
            .unwrap();
    }
    submit(c, "form.upload", "#result").await;
    text(c, ".verdict").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_goal_loop_from_demo_to_a_verified_badge_in_chromium() {
    let (Some(driver), Some(chromium)) = (
        find_on_path("chromedriver"),
        find_on_path("chromium").or_else(|| find_on_path("chromium-browser")),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: the browser test needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)"
        );
        eprintln!(
            "skipping the browser test: chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)"
        );
        return;
    };
    let started = Instant::now();
    let _ = std::fs::remove_file(screenshot_dir().join("failure.png"));

    // The demo journey: one goal achieved, one in progress.
    let home = Home::new();
    let demo: Value = serde_json::from_str(&home.ok(&["--json", "demo"])).unwrap();
    let goal = demo["in_progress"].as_i64().unwrap();
    let evidence = home.file("joins-report.sql");
    let evidence_text = "SELECT c.name, SUM(o.total) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.name;\n";
    std::fs::write(&evidence, evidence_text).unwrap();
    let downloads = tempfile::tempdir().unwrap();

    let (_driver, port) = start_chromedriver(&driver);
    let (mut server, url) = start_server(&home);
    let base = url.split("/?").next().unwrap().to_owned();
    let profile = tempfile::tempdir().unwrap();
    let caps = json!({
        "goog:chromeOptions": {
            "binary": chromium.display().to_string(),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1200,1000",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": {
                "download.default_directory": downloads.path().display().to_string(),
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
                "safebrowsing.enabled": false,
            }
        }
    });
    let c = ClientBuilder::native()
        .capabilities(caps.as_object().unwrap().clone())
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("chromedriver takes a session");

    // The printed URL signs in and lands on the dashboard, without the token.
    c.goto(&url).await.unwrap();
    let now = c.current_url().await.unwrap();
    assert!(
        !now.as_str().contains("token"),
        "the token leaves the address bar: {now}"
    );
    assert_eq!(text(&c, "h1").await, "Your goals");
    let page = c.source().await.unwrap();
    assert!(page.contains("Join three tables and aggregate with GROUP BY"));
    assert!(page.contains("1 achieved"), "the achieved goal is counted");
    assert!(
        page.contains("Log a practice session"),
        "a missing condition links to the action that fixes it"
    );
    visited(&c, "dashboard").await;

    // The goal page, from the dashboard's link.
    click_link(&c, &format!("h2 a[href='/goals/{goal}']")).await;
    c.wait().for_element(Locator::Id("mastery")).await.unwrap();
    assert!(
        text(&c, "#mastery h2").await.contains("conditions met"),
        "the mastery check is on the page"
    );
    visited(&c, "goal").await;

    // Practice: a third session, on a third day, past the minutes needed.
    type_into(&c, "practice-minutes", "80m").await;
    type_into(
        &c,
        "practice-aim",
        "customers-orders-products totals, timed",
    )
    .await;
    type_into(&c, "practice-reps", "6").await;
    type_into(&c, "practice-errors", "1").await;
    c.find(Locator::Id("practice-difficulty"))
        .await
        .unwrap()
        .select_by_value("3")
        .await
        .unwrap();
    type_into(&c, "practice-feedback", "first try on the third run").await;
    submit(&c, "#practice form", "#practice .notice-done").await;
    assert!(
        text(&c, "#practice table")
            .await
            .contains("customers-orders-products totals, timed")
    );
    assert!(
        text(&c, "#mastery")
            .await
            .contains("Met: 3 practice sessions")
    );

    // The focus timer, from the navigation: start a session with its aim.
    click_link(&c, "nav a[href='/timer']").await;
    c.wait().for_element(Locator::Id("aim")).await.unwrap();
    c.find(Locator::Id("goal"))
        .await
        .unwrap()
        .select_by_value(&goal.to_string())
        .await
        .unwrap();
    let aim = "a four-table join from memory";
    type_into(&c, "aim", aim).await;
    visited(&c, "timer-start").await;
    submit(&c, "form[action='/timer/start']", "#timer").await;
    assert_eq!(text(&c, "#phase").await, "Running");
    // The page ticks at the server's pace, and its script checkpoints the
    // session through the API: once there is half a minute, the journal
    // has the session.
    text_when(&c, "#checkpoint-status", "a checkpoint", |t| {
        t.starts_with("Saved to the journal at")
    })
    .await;
    let saved = timer_api(&c).await;
    assert!(
        saved["session"].is_i64(),
        "the checkpoint wrote the session: {saved}"
    );
    assert!(saved["last_checkpoint"].is_string(), "{saved}");
    let before = clock_seconds(&text(&c, "#elapsed").await);
    assert!(before >= 30, "half a minute of focus at least: {before}s");
    visited(&c, "timer-running").await;

    // A reload draws the clock from the server's state: kept, not reset.
    c.refresh().await.unwrap();
    c.wait().for_element(Locator::Id("elapsed")).await.unwrap();
    let reloaded = clock_seconds(&text(&c, "#elapsed").await);
    assert!(
        reloaded >= before,
        "the reload kept the elapsed time: {before}s, then {reloaded}s"
    );
    assert_eq!(text(&c, "#phase").await, "Running");
    assert!(text(&c, ".aim").await.contains(aim));

    // Close the tab and open the timer in a new one: still running.
    let old_tab = c.window().await.unwrap();
    let new_tab = c.new_window(true).await.unwrap().handle;
    c.switch_to_window(old_tab).await.unwrap();
    c.close_window().await.unwrap();
    c.switch_to_window(new_tab).await.unwrap();
    c.goto(&format!("{base}/timer")).await.unwrap();
    c.wait().for_element(Locator::Id("elapsed")).await.unwrap();
    assert_eq!(
        text(&c, "#phase").await,
        "Running",
        "the closed tab did not stop it"
    );
    let reopened = clock_seconds(&text(&c, "#elapsed").await);
    assert!(
        reopened >= reloaded,
        "a new tab finds the clock where it was: {reloaded}s, then {reopened}s"
    );
    let later = timer_api(&c).await;
    assert_eq!(
        later["session"], saved["session"],
        "one session, checkpointed"
    );

    // Count reps with the +1 button, then stop and answer the questions.
    for _ in 0..3 {
        c.find(Locator::Css("button[data-add='reps']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    type_into(&c, "errors", "1").await;
    c.find(Locator::Css("button[formaction='/timer/stop']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("form[action='/timer/finish']"))
        .await
        .unwrap();
    assert_eq!(
        c.find(Locator::Id("reps"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("3"),
        "the counts went along with the stop"
    );
    type_into(&c, "interruptions", "1").await;
    c.find(Locator::Css("input[name=difficulty][value='4']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    type_into(&c, "feedback", "forgot the fourth join key once").await;
    visited(&c, "timer-end").await;
    submit(
        &c,
        "form[action='/timer/finish']",
        "p.note a[href*='/goals/']",
    )
    .await;
    let note = text(&c, "p.note").await;
    assert!(
        note.contains("3 reps, 1 errors, 1 interruptions, difficulty 4"),
        "{note}"
    );
    assert!(
        note.contains(&format!("goal {goal}")),
        "the session is on the goal: {note}"
    );

    // The goal's page lists the session with its aim.
    click_link(&c, "p.note a[href*='/goals/']").await;
    c.wait().for_element(Locator::Id("mastery")).await.unwrap();
    let practice = text(&c, "#practice table").await;
    assert!(practice.contains(aim), "{practice}");

    // The criterion still open.
    let open_criterion = c.find(Locator::Css("#criteria li.missing")).await.unwrap();
    assert!(
        open_criterion
            .text()
            .await
            .unwrap()
            .contains("customers–orders–products")
    );
    open_criterion
        .find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#criteria .notice-done"))
        .await
        .unwrap();
    assert!(
        text(&c, "#mastery")
            .await
            .contains("Met: all 2 done-when criteria are ticked")
    );

    // An application with an evidence file.
    type_into(&c, "apply-context", "the quarterly customer report").await;
    type_into(
        &c,
        "apply-outcome",
        "wrote the three-table query live, first try",
    )
    .await;
    type_into(&c, "apply-impact", "the report went out a day early").await;
    c.find(Locator::Id("apply-evidence"))
        .await
        .unwrap()
        .send_keys(&evidence.display().to_string())
        .await
        .unwrap();
    submit(&c, "#apply form", "#apply .notice-done").await;
    let apps = text(&c, "#apply .records").await;
    assert!(apps.contains("the quarterly customer report"), "{apps}");
    assert!(
        apps.contains("joins-report.sql"),
        "the evidence file is named: {apps}"
    );
    let sha = {
        use sha2::{Digest as _, Sha256};
        format!("{:x}", Sha256::digest(evidence_text.as_bytes()))
    };
    assert!(
        apps.contains(&sha[..16]),
        "the upload's SHA-256 ({sha}) is recorded: {apps}"
    );

    // A reflection on the principle not yet reflected on.
    type_into(
        &c,
        "reflect-worked",
        "writing the join keys down before the query",
    )
    .await;
    type_into(&c, "reflect-next", "window functions").await;
    let joins = c
        .find(Locator::XPath(
            "//section[@id='reflect']//label[contains(., 'relational joins')]",
        ))
        .await
        .unwrap();
    let checkbox = joins.attr("for").await.unwrap().unwrap();
    c.find(Locator::Id(&checkbox))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit(&c, "#reflect form", "#reflect .notice-done").await;
    assert!(
        text(&c, "#mastery h2")
            .await
            .contains("6 of 6 conditions met")
    );

    // The mastery rule: achieved.
    submit(&c, "#mastery form", "#mastery .notice-done").await;
    assert!(text(&c, "p.state").await.contains("achieved"));
    visited(&c, "goal-achieved").await;

    // The badges page: create the issuer, then issue the badge.
    click_link(&c, "#mastery p.achieved a").await;
    c.wait().for_element(Locator::Id("issuer")).await.unwrap();
    visited(&c, "badges-no-issuer").await;
    type_into(&c, "issuer-name", "Maya's practice").await;
    type_into(&c, "issuer-url", "https://badges.maya.example").await;
    submit(&c, "#issuer form", "#issuer .notice-done").await;
    let chosen = c
        .find(Locator::Css("#issue-goal option:checked"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap();
    assert_eq!(
        chosen.as_deref(),
        Some(goal.to_string().as_str()),
        "the goal page's link chose the goal"
    );
    type_into(&c, "issue-email", "maya@example.org").await;
    submit(&c, "#issue form", "#issued .notice-done").await;
    let issued = text(&c, "#issued article").await;
    assert!(issued.contains(&format!("goal {goal}")), "{issued}");
    visited(&c, "badges").await;

    // Download it (JSON-LD and a baked PNG) and what a verifier needs.
    click_link(&c, "#issued article a[href$='/json']").await;
    let badge = downloaded(downloads.path(), ".json");
    click_link(&c, "#issued article a[href$='/png']").await;
    let png = downloaded(downloads.path(), ".png");
    click_link(&c, "#issuer a[href$='/did.json']").await;
    let did = downloaded(downloads.path(), "did.json");
    click_link(&c, "#issuer a[href$='/revocations.json']").await;
    let revocations = downloaded(downloads.path(), "revocations.json");
    let cred: Value = serde_json::from_str(&std::fs::read_to_string(&badge).unwrap())
        .expect("the JSON-LD download is the credential");
    assert!(
        cred["credentialSubject"]["achievement"]["name"]
            .as_str()
            .unwrap()
            .contains("Join three tables"),
        "{cred}"
    );

    // The portfolio page: the badge, as a JSON Resume and as a signed CLR.
    click_link(&c, "nav a[href='/portfolio']").await;
    c.wait()
        .for_element(Locator::Id("portfolio-badges"))
        .await
        .unwrap();
    assert!(
        text(&c, "#portfolio-badges")
            .await
            .contains("Join three tables")
    );
    visited(&c, "portfolio").await;
    type_into(&c, "portfolio-name", "Maya Chen").await;
    click_link(&c, "#portfolio-export button[value='json-resume']").await;
    let resume = downloaded_named(downloads.path(), "micromastery-resume-", ".json");
    let resume: Value = serde_json::from_str(&std::fs::read_to_string(&resume).unwrap()).unwrap();
    assert_eq!(resume["basics"]["name"], "Maya Chen");
    assert_eq!(
        resume["certificates"].as_array().map(Vec::len),
        Some(1),
        "{resume}"
    );
    click_link(&c, "#portfolio-export button[value='clr']").await;
    let clr = downloaded_named(downloads.path(), "micromastery-clr-", ".json");
    let cli_clr = home.file("cli-clr.json");
    home.ok(&[
        "portfolio",
        "export",
        "--clr",
        "--name",
        "Maya Chen",
        "-o",
        &cli_clr.display().to_string(),
    ]);
    assert_eq!(
        clr_body(&clr),
        clr_body(&cli_clr),
        "the page's CLR is the one `mm portfolio export --clr` writes"
    );
    let checked = home.ok(&[
        "badge",
        "verify",
        &clr.display().to_string(),
        "--issuer-doc",
        &did.display().to_string(),
        "--status",
        &revocations.display().to_string(),
    ]);
    assert!(
        checked.contains("VALID") && !checked.contains("INVALID"),
        "{checked}"
    );

    // The public verify page: VALID with the issuer's documents.
    c.goto(&format!("{base}/verify")).await.unwrap();
    visited(&c, "verify").await;
    let verdict = verify(
        &c,
        &base,
        &[
            ("credential", &badge),
            ("issuer_doc", &did),
            ("status", &revocations),
        ],
    )
    .await;
    assert!(
        verdict.contains("VALID") && !verdict.contains("INVALID"),
        "{verdict}"
    );
    assert!(c.source().await.unwrap().contains("signature"));
    visited(&c, "verify-valid").await;
    let verdict = verify(
        &c,
        &base,
        &[
            ("credential", &png),
            ("issuer_doc", &did),
            ("status", &revocations),
        ],
    )
    .await;
    assert!(
        verdict.contains("VALID") && !verdict.contains("INVALID"),
        "the baked PNG verifies too: {verdict}"
    );

    // A tampered copy: INVALID.
    let mut forged = cred.clone();
    forged["credentialSubject"]["achievement"]["name"] = json!("Expert in everything");
    let tampered = home.file("tampered.json");
    std::fs::write(&tampered, forged.to_string()).unwrap();
    let verdict = verify(
        &c,
        &base,
        &[("credential", &tampered), ("issuer_doc", &did)],
    )
    .await;
    assert!(verdict.contains("INVALID"), "{verdict}");
    visited(&c, "verify-invalid").await;

    // Signed out, the dashboard is a 401 page that says how to sign in.
    c.goto(&base).await.unwrap();
    c.find(Locator::Css("header form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.goto(&base).await.unwrap();
    assert!(c.source().await.unwrap().contains("mm serve"));
    visited(&c, "signed-out").await;
    c.close().await.unwrap();

    // SIGTERM: a graceful stop, exit 0.
    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = server.0.wait().unwrap();
    assert!(
        status.success(),
        "mm serve stops cleanly on SIGTERM: {status}"
    );
    eprintln!("the browser journey took {:.1?}", started.elapsed());
}
