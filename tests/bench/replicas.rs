//! Benchmark of two `steward serve` replicas on one PostgreSQL database (a fresh schema of the
//! server `STEWARD_TEST_DATABASE_URL` names; `.ci/run` shows how to start a throwaway one):
//! - a 100,000-row CSV import with `steward import` (goal ≤ 10 s);
//! - signed `/account show` from 200 concurrent keep-alive connections, spread over both
//!   replicas, each sending its next request once the last is answered (goal p99 ≤ 20 ms);
//! - cross-replica visibility: a change made on one replica, then asked for on the other
//!   until it shows (goal p99 ≤ 1 s).
//!
//! The replicas are the debug-or-release `steward` binary cargo built for this bench, run as
//! child processes with a local Slack stand-in; the load generator shares the machine's
//! cores with them and with PostgreSQL.
//! Run: `STEWARD_TEST_DATABASE_URL=postgres://… cargo bench --bench replicas` (`-- --smoke`
//! for a quick run).

#[path = "../common/api_specs.rs"]
#[expect(
    dead_code,
    reason = "the benchmark uses the stand-in's checks, not the conformance tests' require"
)]
mod api_specs;
#[path = "../slack/fake.rs"]
mod fake;
#[path = "../slack/harness.rs"]
mod harness;
#[path = "../common/postgres.rs"]
mod postgres;
#[path = "../common/served.rs"]
#[expect(
    dead_code,
    reason = "the benchmark starts replicas on PostgreSQL, not serve on a sled database"
)]
mod served;
#[path = "../slack/spec.rs"]
mod spec;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::Request;
use chrono::Utc;
use fake::Fake;
use harness::{command_form, replica_env, sign, SECRET};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use served::Served;

const IMPORT_GOAL: Duration = Duration::from_secs(10);
const SHOW_GOAL_P99: Duration = Duration::from_millis(20);
const VISIBLE_GOAL_P99: Duration = Duration::from_secs(1);

fn replica(url: &str, fake: &Fake) -> Served {
    let mut env = replica_env(url, fake);
    env.push(("RUST_LOG", "warn,steward::serve=info".to_string()));
    Served::start_replica(&env)
}

/// A signed slash command from `user`, ready to send.
fn signed(served: &Served, fake: &Fake, user: &str, line: &str) -> reqwest::RequestBuilder {
    let (command, text) = line.split_once(' ').unwrap_or((line, ""));
    let body = command_form("T1", None, user, command, text, &fake.response_url());
    let ts = Utc::now().timestamp().to_string();
    reqwest::Client::new()
        .post(format!("http://{}/slack/commands", served.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", &ts)
        .header("x-slack-signature", sign(SECRET, &ts, body.as_bytes()))
        .body(body)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn verdict(value: Duration, goal: Duration) -> &'static str {
    if value <= goal {
        "ok"
    } else {
        "MISSED"
    }
}

fn import(url: &str, rows: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv: String = std::iter::once("Account Name,ARR,Renewal Date\n".to_string())
        .chain((0..rows).map(|i| format!("Account {i:06},{}k,2027-03-31\n", 10 + i % 500)))
        .collect();
    std::fs::write(dir.path().join("accounts.csv"), csv).expect("write the CSV");
    let started = Instant::now();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_steward"))
        .env("STEWARD_DATABASE_URL", url)
        .current_dir(dir.path())
        .args(["--tenant", "slack:T1", "import", "accounts.csv"])
        .output()
        .expect("run steward import");
    let took = started.elapsed();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    println!(
        "import of {rows} rows: {:.2} s (goal ≤ {} s: {})",
        took.as_secs_f64(),
        IMPORT_GOAL.as_secs(),
        verdict(took, IMPORT_GOAL)
    );
}

/// A signed `/account show` for the show phase, built for hyper's client.
fn show_request(served: &Served, fake: &Fake, user: &str, wanted: &str) -> Request<Full<Bytes>> {
    let body = command_form(
        "T1",
        None,
        user,
        "/account",
        &format!("show \"{wanted}\""),
        &fake.response_url(),
    );
    let ts = Utc::now().timestamp().to_string();
    Request::post(format!("http://{}/slack/commands", served.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", &ts)
        .header("x-slack-signature", sign(SECRET, &ts, body.as_bytes()))
        .body(Full::new(Bytes::from(body)))
        .expect("request")
}

async fn shows(replicas: &[Served; 2], fake: &Fake, rows: usize, connections: usize, each: usize) {
    let barrier = Arc::new(tokio::sync::Barrier::new(connections));
    let mut tasks = Vec::new();
    for c in 0..connections {
        let served = &replicas[c % 2];
        let user = format!("U{}", c + 1);
        // Signed up front: the load is the replicas' work, not the generator's. hyper's own
        // client, one connection each, as the `slack` benchmark uses: the generator shares
        // the cores, and the lighter it is the more of them the replicas get.
        let requests: Vec<Request<Full<Bytes>>> = (0..each + 1)
            .map(|i| {
                let wanted = format!("Account {:06}", (c * 7919 + i) % rows);
                show_request(served, fake, &user, &wanted)
            })
            .collect();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new())
                .pool_max_idle_per_host(1)
                .build(HttpConnector::new());
            let mut requests = requests.into_iter();
            // The first request opens the connection and caches the user's access check.
            if let Some(first) = requests.next() {
                if let Ok(answer) = client.request(first).await {
                    let _ = answer.into_body().collect().await;
                }
            }
            barrier.wait().await;
            let mut times = Vec::new();
            for request in requests {
                let sent = Instant::now();
                let answer = client.request(request).await.expect("an answer");
                assert_eq!(answer.status(), 200);
                let _ = answer.into_body().collect().await;
                times.push(sent.elapsed());
            }
            times
        }));
    }
    let started = Instant::now();
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await.expect("a connection"));
    }
    let took = started.elapsed();
    times.sort();
    let p99 = percentile(&times, 0.99);
    println!(
        "signed /account show, {connections} connections over 2 replicas, {} requests: {:.0} requests/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (goal p99 ≤ {} ms: {})",
        times.len(),
        times.len() as f64 / took.as_secs_f64(),
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        p99.as_secs_f64() * 1000.0,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
        SHOW_GOAL_P99.as_millis(),
        verdict(p99, SHOW_GOAL_P99)
    );
}

async fn visibility(replicas: &[Served; 2], fake: &Fake, changes: usize) {
    let mut delays = Vec::new();
    for i in 0..changes {
        let (writer, reader) = (&replicas[i % 2], &replicas[(i + 1) % 2]);
        let arr = 100 + i % 800;
        let line = format!("/account set \"Account {:06}\" arr:{arr}k", i);
        let written = signed(writer, fake, "U1", &line)
            .send()
            .await
            .expect("answer");
        assert_eq!(written.status(), 200);
        let _ = written.bytes().await;
        let acknowledged = Instant::now();
        let shown = format!("${arr},000");
        loop {
            let line = format!("/account show \"Account {:06}\"", i);
            let answer = signed(reader, fake, "U1", &line)
                .send()
                .await
                .expect("answer");
            let text = answer.text().await.unwrap_or_default();
            if text.contains(&shown) {
                break;
            }
            assert!(
                acknowledged.elapsed() < Duration::from_secs(30),
                "the change never showed on the other replica: {text}"
            );
        }
        delays.push(acknowledged.elapsed());
    }
    delays.sort();
    let p99 = percentile(&delays, 0.99);
    println!(
        "cross-replica visibility over {changes} changes: p50 {:.1} ms, p99 {:.1} ms (goal p99 ≤ {} ms: {})",
        percentile(&delays, 0.5).as_secs_f64() * 1000.0,
        p99.as_secs_f64() * 1000.0,
        VISIBLE_GOAL_P99.as_millis(),
        verdict(p99, VISIBLE_GOAL_P99)
    );
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let (rows, connections, each, changes) = if smoke {
        (2_000, 20, 10, 20)
    } else {
        (100_000, 200, 200, 200)
    };
    let Some(url) = postgres::fresh_schema_url() else {
        return;
    };
    import(&url, rows);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let fake = Fake::start().await;
        let replicas = [replica(&url, &fake), replica(&url, &fake)];
        // As a load balancer does: no traffic before a replica says it is ready (its book
        // read into memory).
        for replica in &replicas {
            replica.ready(Duration::from_secs(60)).await;
        }
        shows(&replicas, &fake, rows, connections, each).await;
        visibility(&replicas, &fake, changes).await;
        fake.assert_clean();
    });
}
