//! Benchmark of the Slack door and command path over HTTP on loopback: signed `/account show`
//! requests — signature check, form parsing, the access check (cached `users.info` from the
//! fake Web API), `App::execute`, Block Kit rendering — against a book of 10,000 accounts
//! (5 stakeholders and 12 health readings each), from 200 concurrent keep-alive connections.
//! Each connection first warms up (its connection made, its user's `users.info` cached) and
//! signs its requests; then all start together. Two loads: every connection sending its next
//! request as soon as the last is answered (saturation: the throughput, and latency that is
//! mostly queueing, = connections / throughput), then a steady 10 requests/s per connection
//! (2,000/s). Prints requests/s and p50/p99/max beside the p99 ≤ 20 ms target, and the command
//! path alone. Before the warm-up, the first burst straight after start: every connection as
//! one user at once, nothing cached (goal p99 ≤ 10 ms, one `users.info` call); and after the
//! saturating phase, a bare axum route under the same load, the HTTP stack's ceiling (goal:
//! signed `/account show` at ≥ 80 % of its requests/s). The load generator shares the
//! machine's cores with the server.
//! Run: `cargo bench --bench slack` (`-- --smoke` for a quick run).

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
#[path = "../slack/spec.rs"]
mod spec;

use axum::body::Bytes;
use chrono::{DateTime, Duration as Days, Utc};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Barrier;

use harness::{command_form, sign, Harness, Options, SECRET};
use steward::domain::account::{Account, AccountId};
use steward::domain::book::Change;
use steward::domain::health::{Signals, Snapshot, TicketTrend};
use steward::domain::money::Money;
use steward::domain::person::{Person, UserId};
use steward::domain::stakeholder::{Role, Stakeholder};
use steward::domain::tenant::TenantId;

const TARGET_P99: Duration = Duration::from_millis(20);

fn name(i: usize) -> String {
    format!(
        "{} {i:05}",
        [
            "Acme",
            "Globex",
            "Initech",
            "Umbrella",
            "Stark",
            "Wayne",
            "Hooli",
            "Cyberdyne"
        ][i % 8]
    )
}

fn account(i: usize, now: DateTime<Utc>) -> Account {
    let today = now.date_naive();
    let mut account = Account::new(
        AccountId(i as u64 + 1),
        name(i),
        Money(5_000 + (i as u64 * 7919 % 496) * 1_000),
        today + Days::days((i as i64 * 31) % 365 - 10),
        now - Days::days(400),
    );
    account.owner = Some(Person::User(UserId(format!("U{}", i % 25))));
    let roles = [
        Role::Champion,
        Role::EconomicBuyer,
        Role::ExecutiveSponsor,
        Role::EndUser,
        Role::Influencer,
    ];
    for (k, role) in roles.into_iter().enumerate() {
        account.stakeholders.push(Stakeholder::new(
            format!("Person {k} of {i}"),
            role,
            today - Days::days(300),
        ));
    }
    let trends = [
        TicketTrend::Zero,
        TicketTrend::Decreasing,
        TicketTrend::Stable,
        TicketTrend::Increasing,
    ];
    for month in (0..12).rev() {
        let signals = Signals {
            usage: Some(((i + month as usize * 13) % 101) as f64),
            adoption: Some(((i + month as usize) % 6) as u32),
            nps: Some(((i + month as usize) % 11) as u8),
            tickets: Some(trends[(i + month as usize) % 4]),
            roi: Some(((i * 3 + month as usize) % 101) as f64),
        };
        account.health.push(Snapshot {
            at: now - Days::days(30 * month),
            signals,
        });
    }
    account
}

fn percentile(samples: &[Duration], p: usize) -> Duration {
    samples[(samples.len() * p / 100).min(samples.len() - 1)]
}

fn request(base: &str, user: &str, wanted: &str) -> axum::http::Request<Full<Bytes>> {
    let body = command_form(
        "T1",
        None,
        user,
        "/account",
        &format!("show \"{wanted}\""),
        "http://127.0.0.1:9/response/0",
    );
    let ts = Utc::now().timestamp().to_string();
    axum::http::Request::post(format!("{base}/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", &ts)
        .header("x-slack-signature", sign(SECRET, &ts, body.as_bytes()))
        .body(Full::new(Bytes::from(body)))
        .expect("request")
}

/// How one phase loads the server.
#[derive(Clone, Copy)]
struct Load {
    connections: usize,
    per_connection: usize,
    /// Untimed requests each connection sends first (its connection made, its user's
    /// `users.info` cached); 0 for the first burst after start.
    warmup: usize,
    /// Every connection as the same user (the first burst: one `users.info` for all).
    one_user: bool,
    /// The p99 goal.
    target: Duration,
    /// `None`: each connection sends its next request as soon as the last is answered
    /// (saturation); `Some(gap)`: one request per `gap` per connection (a steady rate).
    pace: Option<Duration>,
}

/// One connection: warms up (connection made, `users.info` cached), signs its requests, waits
/// for every other connection, then sends them one after another, each timed.
async fn connection(
    base: String,
    user: String,
    load: Load,
    accounts: usize,
    seed: usize,
    start: Arc<Barrier>,
    errors: Arc<std::sync::atomic::AtomicU64>,
) -> Vec<Duration> {
    let (n, warmup) = (load.per_connection, load.warmup);
    let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(1)
        .build(HttpConnector::new());
    let wanted: Vec<String> = (0..n + warmup)
        .map(|k| name((seed * 7_919 + k * 104_729) % accounts))
        .collect();
    let mut requests: Vec<_> = wanted.iter().map(|w| request(&base, &user, w)).collect();
    let mut samples = Vec::with_capacity(n);
    if warmup == 0 {
        start.wait().await;
    }
    let mut ticks = load.pace.map(|gap| {
        let mut ticks = tokio::time::interval(gap);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks
    });
    for (k, request) in requests.drain(..).enumerate() {
        if k == warmup && warmup > 0 {
            start.wait().await;
            // Spread the paced connections' first requests over one gap.
            if let Some(gap) = load.pace {
                tokio::time::sleep(gap * (seed % 100) as u32 / 100).await;
            }
        }
        if let (Some(ticks), true) = (ticks.as_mut(), k >= warmup) {
            ticks.tick().await;
        }
        let started = Instant::now();
        let Ok(response) = client.request(request).await else {
            errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            continue;
        };
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        if k >= warmup {
            samples.push(started.elapsed());
        }
        assert!(
            status.is_success() && String::from_utf8_lossy(&bytes).contains(&wanted[k]),
            "{status}: {}",
            String::from_utf8_lossy(&bytes)
        );
    }
    samples
}

/// Runs one load against the server, prints what it measured and returns the requests/s.
async fn phase(h: &Harness, accounts: usize, load: Load, label: &str) -> f64 {
    let connections = load.connections;
    let start = Arc::new(Barrier::new(connections + 1));
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let tasks: Vec<_> = (0..connections)
        .map(|c| {
            let user = if load.one_user { 0 } else { c };
            tokio::spawn(connection(
                h.base.clone(),
                format!("U{user}"),
                load,
                accounts,
                c,
                start.clone(),
                errors.clone(),
            ))
        })
        .collect();
    start.wait().await;
    let started = Instant::now();
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await.expect("connection"));
    }
    let elapsed = started.elapsed();
    samples.sort_unstable();
    let (p50, p99) = (percentile(&samples, 50), percentile(&samples, 99));
    let verdict = if p99 <= load.target { "ok" } else { "MISSED" };
    println!(
        "signed /account show over HTTP, {accounts} accounts, {connections} connections, {label}: {} requests",
        samples.len()
    );
    let rate = samples.len() as f64 / elapsed.as_secs_f64();
    println!(
        "  {rate:.0} requests/s   p50 {:.2} ms   p99 {:.2} ms   max {:.2} ms   socket errors {}   (target p99 ≤ {} ms: {verdict})",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        samples.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        errors.load(std::sync::atomic::Ordering::Relaxed),
        load.target.as_millis()
    );
    rate
}

/// A bare axum route on the same machine under the same saturating load (the HTTP stack's
/// ceiling, without signature, parsing or the book): requests/s.
async fn bare_axum(connections: usize, per_connection: usize) -> f64 {
    let listener = steward::serve::http::listen("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let app = axum::Router::new().route(
        "/slack/commands",
        axum::routing::post(|body: Bytes| async move {
            axum::Json(serde_json::json!({"response_type": "ephemeral", "text": body.len()}))
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let start = Arc::new(Barrier::new(connections + 1));
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (base, start) = (base.clone(), start.clone());
            tokio::spawn(async move {
                let client: Client<HttpConnector, Full<Bytes>> =
                    Client::builder(TokioExecutor::new())
                        .pool_max_idle_per_host(1)
                        .build(HttpConnector::new());
                let send = || {
                    let request = request(&base, "U1", "Acme");
                    let client = client.clone();
                    async move {
                        let response = client.request(request).await.expect("response");
                        response.into_body().collect().await.expect("body");
                    }
                };
                send().await;
                start.wait().await;
                for _ in 0..per_connection {
                    send().await;
                }
            })
        })
        .collect();
    start.wait().await;
    let started = Instant::now();
    for task in tasks {
        task.await.expect("connection");
    }
    let rate = (connections * per_connection) as f64 / started.elapsed().as_secs_f64();
    println!(
        "bare axum route, {connections} connections, as fast as answered: {rate:.0} requests/s"
    );
    rate
}

/// Puts `accounts` accounts into the Slack tenant's book.
fn seed(h: &Harness, accounts: usize, now: DateTime<Utc>) {
    let tenant = TenantId::parse("slack:T1").expect("tenant");
    let book = h.app.store.book(&tenant).expect("book");
    let mut book = book.write().unwrap_or_else(|p| p.into_inner());
    for start in (0..accounts).step_by(500) {
        let changes = (start..(start + 500).min(accounts))
            .map(|i| Change::PutAccount(Box::new(account(i, now))))
            .collect();
        h.app
            .store
            .commit(
                &mut book,
                &UserId("bench".into()),
                "bench seed",
                now,
                changes,
            )
            .expect("commit");
    }
}

async fn run(accounts: usize, connections: usize, per_connection: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        fake::Fake::start().await,
        Options::default(),
    )
    .await;
    let now = Utc::now();
    seed(&h, accounts, now);
    // Straight after start: nothing cached, every connection as the same user at once.
    let burst = Load {
        connections,
        per_connection: 10,
        warmup: 0,
        one_user: true,
        target: Duration::from_millis(10),
        pace: None,
    };
    phase(&h, accounts, burst, "first burst after start, one user").await;
    println!(
        "  users.info calls during the burst: {} (one per user, however many wait)",
        h.fake.calls_to("users.info").len()
    );
    let tenant = TenantId::parse("slack:T1").expect("tenant");
    // The command path alone, without HTTP: App::execute and the Block Kit rendering.
    let actor = steward::app::Actor {
        tenant: tenant.clone(),
        user: UserId("U1".into()),
        surface: steward::app::Surface::Slack,
        platform_admin: false,
        channel: "C1".into(),
    };
    let mut alone: Vec<Duration> = (0..2_000)
        .map(|k| {
            let line = format!("/account show \"{}\"", name(k * 104_729 % accounts));
            let started = Instant::now();
            let reply = h.app.execute(&actor, now, &line);
            std::hint::black_box(steward::slack::commands::payloads(
                &reply,
                Some(&line),
                false,
            ));
            started.elapsed()
        })
        .collect();
    alone.sort_unstable();
    println!(
        "App::execute + Block Kit alone: p50 {} µs   p99 {} µs",
        percentile(&alone, 50).as_micros(),
        percentile(&alone, 99).as_micros()
    );
    let saturating = Load {
        connections,
        per_connection,
        warmup: 5,
        one_user: false,
        target: TARGET_P99,
        pace: None,
    };
    let signed = phase(&h, accounts, saturating, "as fast as answered").await;
    let bare = bare_axum(connections, per_connection).await;
    let share = 100.0 * signed / bare;
    println!(
        "  signed /account show at {share:.0} % of the bare route's requests/s (goal ≥ 80 %: {})",
        if share >= 80.0 { "ok" } else { "MISSED" }
    );
    let steady = Load {
        connections,
        per_connection: per_connection / 2,
        warmup: 5,
        one_user: false,
        target: TARGET_P99,
        pace: Some(Duration::from_millis(100)),
    };
    phase(&h, accounts, steady, "10 requests/s per connection").await;
    h.fake.assert_clean();
    h.stop().await;
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let (accounts, connections, per_connection) = if smoke {
        (500, 20, 20)
    } else {
        (10_000, 200, 100)
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(accounts, connections, per_connection));
}
