//! Benchmark of the Slack door and command path over HTTP on loopback: signed `/account show`
//! requests — signature check, form parsing, the access check (cached `users.info` from the
//! fake Web API), `App::execute`, Block Kit rendering — against a book of 10,000 accounts
//! (5 stakeholders and 12 health readings each), from 200 concurrent keep-alive connections.
//! Each connection first warms up (its connection made, its user's `users.info` cached) and
//! signs its requests; then all start together. Two loads: every connection sending its next
//! request as soon as the last is answered (saturation: the throughput, and latency that is
//! mostly queueing, = connections / throughput), then a steady 10 requests/s per connection
//! (2,000/s). Prints requests/s and p50/p99/max beside the p99 ≤ 20 ms target, and the command
//! path alone. The load generator shares the machine's cores with the server.
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
) -> Vec<Duration> {
    let n = load.per_connection;
    let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(1)
        .build(HttpConnector::new());
    let wanted: Vec<String> = (0..n + 5)
        .map(|k| name((seed * 7_919 + k * 104_729) % accounts))
        .collect();
    let mut requests: Vec<_> = wanted.iter().map(|w| request(&base, &user, w)).collect();
    let mut samples = Vec::with_capacity(n);
    let mut ticks = load.pace.map(|gap| {
        let mut ticks = tokio::time::interval(gap);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks
    });
    for (k, request) in requests.drain(..).enumerate() {
        if k == 5 {
            start.wait().await;
            // Spread the paced connections' first requests over one gap.
            if let Some(gap) = load.pace {
                tokio::time::sleep(gap * (seed % 100) as u32 / 100).await;
            }
        }
        if let (Some(ticks), true) = (ticks.as_mut(), k >= 5) {
            ticks.tick().await;
        }
        let started = Instant::now();
        let response = client.request(request).await.expect("response");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        if k >= 5 {
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

/// Runs one load against the server and prints what it measured.
async fn phase(h: &Harness, accounts: usize, load: Load, label: &str) {
    let connections = load.connections;
    let start = Arc::new(Barrier::new(connections + 1));
    let tasks: Vec<_> = (0..connections)
        .map(|c| {
            tokio::spawn(connection(
                h.base.clone(),
                format!("U{c}"),
                load,
                accounts,
                c,
                start.clone(),
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
    let verdict = if p99 <= TARGET_P99 { "ok" } else { "MISSED" };
    println!(
        "signed /account show over HTTP, {accounts} accounts, {connections} connections, {label}: {} requests",
        samples.len()
    );
    println!(
        "  {:.0} requests/s   p50 {:.2} ms   p99 {:.2} ms   max {:.2} ms   (target p99 ≤ {} ms: {verdict})",
        samples.len() as f64 / elapsed.as_secs_f64(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        samples.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        TARGET_P99.as_millis()
    );
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
    let tenant = TenantId::parse("slack:T1").expect("tenant");
    {
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
        pace: None,
    };
    phase(&h, accounts, saturating, "as fast as answered").await;
    let steady = Load {
        connections,
        per_connection: per_connection / 2,
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
