//! Benchmark of customer channels (issue 20): `message` events (`message.channels`) from 200
//! linked channels at 500 messages/s in all, over signed Slack Events API requests on
//! loopback — the signature check, the link look-up in the book, the metadata stored durably
//! once per message ts — one keep-alive connection per channel, each sending at its steady
//! share of the rate (2.5 messages/s) for the run's length (10 minutes; `--smoke`: 10 s;
//! `--seconds N`). Every twentieth event is sent twice (a Slack retry), which must not count
//! twice. Prints the acknowledgement latency (p50/p99/max, target p99 ≤ 20 ms), whether every
//! message was stored exactly once (no lost message, no duplicate), and the process's
//! resident memory sampled every 10 s (flat: the last sample within 20 % + 16 MiB of the
//! first after warm-up). The load generator shares the machine's cores with the server.
//! Run: `cargo bench --bench channels` (`-- --smoke` for a quick run).

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
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Barrier;

use harness::{sign, Harness, Options, SECRET};
use steward::domain::account::{Account, AccountId};
use steward::domain::book::Change;
use steward::domain::money::Money;
use steward::domain::person::{Person, UserId};
use steward::domain::tenant::TenantId;

const TARGET_P99: Duration = Duration::from_millis(20);
const CHANNELS: usize = 200;
const RATE: f64 = 500.0;

fn channel(i: usize) -> String {
    format!("C{i:06}")
}

fn percentile(samples: &[Duration], p: usize) -> Duration {
    samples[(samples.len() * p / 100).min(samples.len() - 1)]
}

/// The process's resident memory, in KiB (Linux `/proc/self/status`), if it can be read.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// 200 accounts, each with its customer channel linked.
fn seed(h: &Harness, now: DateTime<Utc>) {
    let tenant = TenantId::parse("slack:T1").expect("tenant");
    let book = h.app.store.book(&tenant).expect("book");
    let mut book = book.write().unwrap_or_else(|p| p.into_inner());
    let changes = (0..CHANNELS)
        .map(|i| {
            let mut a = Account::new(
                AccountId(i as u64 + 1),
                format!("Customer {i:03}"),
                Money(50_000),
                now.date_naive() + chrono::Duration::days(200),
                now,
            );
            a.owner = Some(Person::User(UserId(format!("U{}", i % 10))));
            a.channels.push(channel(i));
            Change::PutAccount(Box::new(a))
        })
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

/// One signed `message.channels` event: a customer (another workspace) or the team.
fn request(base: &str, c: usize, k: usize, at: DateTime<Utc>) -> axum::http::Request<Full<Bytes>> {
    let customer = k % 3 != 2;
    let ts = format!(
        "{}.{:06}",
        at.timestamp(),
        (c * 1_000 + k % 1_000) % 1_000_000
    );
    let envelope = json!({
        "token": "XXYYZZ", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event_id": format!("Ev{c:04}x{k:08}"), "event_time": at.timestamp(),
        "authorizations": [{"enterprise_id": null, "team_id": "T1", "user_id": "UBOT", "is_bot": true, "is_enterprise_install": false}],
        "is_ext_shared_channel": true,
        "event": {
            "type": "message", "channel": channel(c), "channel_type": "channel",
            "user": if customer { format!("UEXT{c}") } else { format!("U{}", c % 10) },
            "user_team": if customer { "T2" } else { "T1" },
            "text": "metadata only: this text is never stored",
            "ts": ts, "event_ts": ts,
        },
    });
    let body = envelope.to_string();
    let now = Utc::now().timestamp().to_string();
    axum::http::Request::post(format!("{base}/slack/events"))
        .header("content-type", "application/json")
        .header("x-slack-request-timestamp", &now)
        .header("x-slack-signature", sign(SECRET, &now, body.as_bytes()))
        .body(Full::new(Bytes::from(body)))
        .expect("request")
}

/// One channel's connection: a message every `gap` until `until`, each acknowledgement
/// timed; every twentieth sent twice (a retry). Returns the samples and how many distinct
/// messages were sent.
async fn connection(
    base: String,
    c: usize,
    gap: Duration,
    until: Instant,
    start: Arc<Barrier>,
    failures: Arc<AtomicU64>,
) -> (Vec<Duration>, usize) {
    let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(1)
        .build(HttpConnector::new());
    start.wait().await;
    tokio::time::sleep(gap * (c % 100) as u32 / 100).await;
    let mut ticks = tokio::time::interval(gap);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let base_time = Utc::now();
    let (mut samples, mut sent) = (Vec::new(), 0);
    let mut k = 0;
    while Instant::now() < until {
        ticks.tick().await;
        // Distinct, increasing message times per channel (ts is the message id).
        let at = base_time + chrono::Duration::seconds(k as i64);
        let copies = if k % 20 == 19 { 2 } else { 1 };
        for _ in 0..copies {
            let started = Instant::now();
            match client.request(request(&base, c, k, at)).await {
                Ok(response) => {
                    let ok = response.status().is_success();
                    let _ = response.into_body().collect().await;
                    samples.push(started.elapsed());
                    if !ok {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Err(_) => {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        sent += 1;
        k += 1;
    }
    (samples, sent)
}

async fn run(seconds: u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        fake::Fake::start().await,
        Options::default(),
    )
    .await;
    seed(&h, Utc::now());
    let gap = Duration::from_secs_f64(CHANNELS as f64 / RATE);
    let until = Instant::now() + Duration::from_secs(seconds);
    let start = Arc::new(Barrier::new(CHANNELS + 1));
    let failures = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..CHANNELS)
        .map(|c| {
            tokio::spawn(connection(
                h.base.clone(),
                c,
                gap,
                until,
                start.clone(),
                failures.clone(),
            ))
        })
        .collect();
    // Memory, every 10 s while the load runs.
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while !done.load(Ordering::Relaxed) {
                if let Some(kib) = rss_kib() {
                    samples.push(kib);
                }
                tokio::time::sleep(Duration::from_secs(10)).await;
            }
            samples
        })
    };
    start.wait().await;
    let started = Instant::now();
    let mut latencies = Vec::new();
    let mut sent = 0;
    for task in tasks {
        let (samples, n) = task.await.expect("connection");
        latencies.extend(samples);
        sent += n;
    }
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let memory = sampler.await.expect("sampler");
    latencies.sort_unstable();
    let (p50, p99) = (percentile(&latencies, 50), percentile(&latencies, 99));
    println!(
        "message.channels events, {CHANNELS} linked channels, {:.0} messages/s for {:.0} s: {} requests ({} retries)",
        sent as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64(),
        latencies.len(),
        latencies.len().saturating_sub(sent)
    );
    println!(
        "  acknowledgement p50 {:.2} ms   p99 {:.2} ms   max {:.2} ms   failed {}   (target p99 ≤ {} ms: {})",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        failures.load(Ordering::Relaxed),
        TARGET_P99.as_millis(),
        if p99 <= TARGET_P99 { "ok" } else { "MISSED" }
    );
    let tenant = TenantId::parse("slack:T1").expect("tenant");
    let stored = h
        .app
        .store
        .all_channel_messages(&tenant)
        .expect("read")
        .len();
    println!(
        "  stored {stored} of {sent} messages ({}: none lost, none twice)",
        if stored == sent { "ok" } else { "MISSED" }
    );
    // After the first tenth (warm-up: caches filling), resident memory should stay flat.
    let skip = (memory.len() / 10)
        .max(1)
        .min(memory.len().saturating_sub(1));
    if let (Some(first), Some(last), Some(max)) =
        (memory.get(skip), memory.last(), memory.iter().max())
    {
        let flat = *last <= first + first / 5 + 16 * 1024;
        println!(
            "  resident memory after warm-up {} MiB, at the end {} MiB, highest {} MiB ({} samples; flat: {})",
            first / 1024,
            last / 1024,
            max / 1024,
            memory.len(),
            if flat { "ok" } else { "MISSED" }
        );
    }
    h.stop().await;
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds = args
        .iter()
        .position(|a| a == "--seconds")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(if args.iter().any(|a| a == "--smoke") {
            10
        } else {
            600
        });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(seconds));
}
