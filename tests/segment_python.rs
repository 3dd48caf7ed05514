//! The events API with the official Segment Python library (segment-analytics-python from
//! PyPI), unmodified, its host pointed at `steward serve` — the "done when": six weeks
//! of usage, tickets and NPS go in through the library (gzipped and plain, Basic auth and
//! `writeKey`), `steward tick` runs once per simulated day, and a healthy account's health
//! falls from green to red with its Slack escalation posted exactly once.
//!
//! Needs a Python with the library: `STEWARD_SEGMENT_PYTHON` names it (`.ci/run` makes a
//! virtualenv under `target/`); without it the test is ignored with that reason. The whole
//! timeline lies in the past (the events API refuses events more than a day ahead), so
//! serve's own scheduler, running at the real time, only ever sees a day already recomputed.

#[path = "common/served.rs"]
#[expect(
    dead_code,
    reason = "this test starts serve on a database it prepared (start_on)"
)]
mod served;

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{Days, NaiveDate, Utc};
use serde_json::{json, Value};

use served::Served;

const PYTHON: &str = "STEWARD_SEGMENT_PYTHON";
const TENANT: &str = "slack:T1";

/// Every Slack Web API call a stand-in on 127.0.0.1 received: (method, form or JSON body).
type Calls = Arc<Mutex<Vec<(String, Value)>>>;

async fn slack_stand_in() -> (String, Calls) {
    let calls: Calls = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/api/", listener.local_addr().expect("addr"));
    let app = Router::new()
        .route(
            "/api/{method}",
            post(
                |State(calls): State<Calls>, UrlPath(method): UrlPath<String>, body: Bytes| async move {
                    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    calls.lock().unwrap_or_else(|p| p.into_inner()).push((method, body));
                    Json(json!({"ok": true, "channel": {"id": "D-BOSS"}, "ts": "1.1", "messages": []}))
                },
            ),
        )
        .with_state(calls.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, calls)
}

/// `steward --tenant slack:T1 --db DB --now NOW ARGS…` with a clean environment.
fn steward(dir: &Path, now: &str, env: &[(&str, String)], args: &[&str]) -> (String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
    cmd.env_clear().current_dir(dir);
    for name in ["PATH", "HOME"] {
        if let Ok(value) = std::env::var(name) {
            cmd.env(name, value);
        }
    }
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd.arg("--db")
        .arg(dir.join("db"))
        .args(["--tenant", TENANT, "--now", now])
        .args(args);
    let out = cmd.output().expect("run steward");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert!(out.status.success(), "steward {args:?}: {stdout}\n{stderr}");
    (stdout, stderr)
}

fn console(dir: &Path, now: &str, script: &str) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
    cmd.env_clear().current_dir(dir);
    if let Ok(path) = std::env::var("PATH") {
        cmd.env("PATH", path);
    }
    cmd.arg("--db")
        .arg(dir.join("db"))
        .args(["--tenant", TENANT, "--now", now, "console"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("console");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(script.as_bytes()).expect("script");
    }
    let out = child.wait_with_output().expect("console output");
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn at(day: NaiveDate, time: &str) -> String {
    format!("{day}T{time}Z")
}

// Several threads: the Slack stand-in must answer while the test waits on a child process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the Segment Python library: set STEWARD_SEGMENT_PYTHON to a python with segment-analytics-python installed (.ci/run makes one under target/)"]
async fn segment_python_library_feeds_health_from_green_to_red_with_one_slack_escalation() {
    let python = std::env::var(PYTHON)
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| panic!("{PYTHON} is not set"));
    let today = Utc::now().date_naive();
    let day = |n: u64| today.checked_sub_days(Days::new(46 - n)).expect("a date");
    let (slack_url, calls) = slack_stand_in().await;
    let slack_env = vec![
        ("SLACK_BOT_TOKEN", "xoxb-segment-test".to_string()),
        ("SLACK_SIGNING_SECRET", "segment-test-secret".to_string()),
        ("SLACK_API_URL", slack_url),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let setup = console(
        dir.path(),
        &at(day(0), "09:00:00"),
        "/account add \"Acme Corp\" arr:120k renewal:2027-09-30 owner:@U-jane crm:0015g00000ACME\n\
         /steward manager @U-jane manager:@U-boss\n\
         /steward feature add Reports event:\"Report Created\"\n\
         /steward feature add Sharing event:\"Dashboard Shared\"\n\
         /health set \"Acme Corp\" roi:90\n",
    );
    assert!(setup.contains("Acme Corp"), "{setup}");
    let (created, _) = steward(
        dir.path(),
        &at(day(0), "09:00:00"),
        &[],
        &["apikey", "create", "analytics"],
    );
    let key = created
        .lines()
        .last()
        .expect("the key on the last line")
        .trim()
        .to_string();
    assert!(key.starts_with("stw_"), "{created}");

    let db = dir.path().join("db");
    let serve_dir = tempfile::tempdir().expect("temp dir");
    let mut served = Served::start_on(serve_dir, &db, &slack_env);
    let sent = Command::new(&python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/segment/send_month.py"
        ))
        .arg(format!("http://{}", served.addr))
        .arg(&key)
        .arg(day(1).to_string())
        .output()
        .expect("run python");
    assert!(
        sent.status.success(),
        "the Segment library reported errors: {}\n{}\nserve: {}",
        String::from_utf8_lossy(&sent.stdout),
        String::from_utf8_lossy(&sent.stderr),
        served.log()
    );
    let (_, code) = served.terminate(std::time::Duration::from_secs(10));
    assert_eq!(code, Some(0), "{}", served.log());
    assert!(
        !served.log().contains(&key),
        "the write key reached the log"
    );

    // One tick per simulated day, as a cron job would run it.
    for n in 2..=45 {
        steward(dir.path(), &at(day(n), "01:00:00"), &slack_env, &["tick"]);
    }
    let show = console(
        dir.path(),
        &at(day(45), "12:00:00"),
        "/health show \"Acme Corp\"\n",
    );
    assert!(show.contains("red"), "{show}");
    for figures in [
        "0 of 10 seats active",
        "2 of 2 core features used",
        "mean 2 of the latest score of 10 respondents",
        "(1 escalated)",
        "from events",
    ] {
        assert!(show.contains(figures), "{figures}: {show}");
    }
    // The trend: green (over 75) while the product was used, red (under 50) at the end.
    let trend: Vec<f64> = show
        .lines()
        .find_map(|l| l.strip_prefix("Trend (90 days"))
        .expect("a trend line")
        .split(['→', ':'])
        .filter_map(|part| part.split_whitespace().last()?.parse().ok())
        .collect();
    assert!(trend.iter().any(|s| *s > 75.0), "never green: {show}");
    assert!(
        trend.last().is_some_and(|s| *s < 50.0),
        "not red at the end: {show}"
    );

    let calls = calls.lock().expect("calls").clone();
    let escalations: Vec<&Value> = calls
        .iter()
        .filter(|(method, _)| method == "chat.postMessage")
        .map(|(_, body)| body)
        .filter(|body| body.to_string().contains("turned red"))
        .collect();
    assert_eq!(escalations.len(), 1, "{calls:#?}");
    assert_eq!(
        escalations[0]["channel"], "D-BOSS",
        "to the owner's manager"
    );
}
