//! Benchmark of Discord's HTTP interactions path on loopback: signed command and
//! autocomplete interactions posted to `/discord/interactions` (Ed25519 check, serenity's
//! model, the command line, `App::execute`, embeds) against a book of 10,000 accounts, with
//! 200, 16 and 1 requests in flight (saturation), then from 200 connections at a steady 10
//! requests/s each. Prints requests/s and p50/p99/max beside the targets (commands
//! p99 ≤ 20 ms, autocomplete p99 ≤ 5 ms). Run: `cargo bench --bench discord`
//! (`-- --smoke` for a quick run; `-- commands` or `-- autocomplete` for one kind).
//! Client and server share the machine's cores.

use axum::body::Bytes;
use chrono::{DateTime, Duration as Days, TimeZone, Utc};
use ed25519_dalek::{Signer, SigningKey};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

use steward::app::App;
use steward::discord::{rest::Retry, routes, Discord, Settings};
use steward::domain::account::{Account, AccountId};
use steward::domain::book::Change;
use steward::domain::money::Money;
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::store::Store;

const GUILD: &str = "80351110224678912";
const COMMAND_P99: Duration = Duration::from_millis(20);
const AUTOCOMPLETE_P99: Duration = Duration::from_millis(5);
const WORDS: [&str; 8] = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Cyberdyne",
];

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant")
}

fn name(i: usize) -> String {
    format!("{} {:05}", WORDS[i % WORDS.len()], i)
}

/// A store holding `n` accounts for the Discord tenant, committed in batches.
fn book(dir: &std::path::Path, n: usize) -> Arc<App> {
    let store = Store::open(&dir.join("bench.db")).expect("open store");
    let tenant = TenantId::parse(&format!("discord:{GUILD}")).expect("tenant");
    let book = store.book(&tenant).expect("book");
    let mut book = book.write().unwrap_or_else(|p| p.into_inner());
    let today = now().date_naive();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let changes = chunk
            .iter()
            .map(|&i| {
                let renewal = today + Days::days((i % 365) as i64);
                Change::PutAccount(Box::new(Account::new(
                    AccountId(i as u64 + 1),
                    name(i),
                    Money(5_000 + (i as u64 % 400) * 1_000),
                    renewal,
                    now(),
                )))
            })
            .collect();
        store
            .commit(
                &mut book,
                &UserId("bench".into()),
                "/bench load",
                now(),
                changes,
            )
            .expect("commit");
    }
    drop(book);
    Arc::new(App::new(store, None, chrono_tz::UTC))
}

fn interaction(kind: u8, group: &str, sub: &str, options: Value, n: usize) -> Value {
    json!({
        "app_permissions": "2248473465835073", "application_id": "1100000000000000001", "attachment_size_limit": 10485760,
        "authorizing_integration_owners": {"0": GUILD}, "channel_id": "1200000000000000001", "context": 0,
        "channel": {"id": "1200000000000000001", "name": "cs", "type": 0, "guild_id": GUILD},
        "data": {"id": "1300000000000000100", "name": group, "type": 1, "options": [{"name": sub, "type": 1, "options": options}], "guild_id": GUILD},
        "entitlements": [], "guild_id": GUILD, "guild_locale": "en-US", "id": format!("{}", 1_400_000_000_000_000_000u64 + n as u64), "locale": "en-GB",
        "member": {"deaf": false, "mute": false, "flags": 0, "joined_at": "2025-06-01T12:00:00.000000+00:00", "pending": false, "permissions": "68608", "roles": [],
                   "user": {"id": format!("15000000000000{:05}", n % 50), "username": "csm", "discriminator": "0", "global_name": null, "avatar": null, "public_flags": 0}},
        "token": format!("token-{n}"), "type": kind, "version": 1
    })
}

/// The `i`-th request of a run: signed body bytes.
fn request(
    key: &SigningKey,
    autocomplete: bool,
    i: usize,
    accounts: usize,
) -> (Vec<u8>, String, String) {
    let account = name((i * 7919) % accounts);
    let payload = if autocomplete {
        let typed: String = account.chars().take(3 + i % 6).collect();
        interaction(
            4,
            "account",
            "show",
            json!([{"name": "account", "type": 3, "value": typed, "focused": true}]),
            i,
        )
    } else {
        let (group, sub) = [
            ("account", "show"),
            ("health", "show"),
            ("renewal", "show"),
            ("renewal", "list"),
        ][i % 4];
        let options = if sub == "list" {
            json!([{"name": "within", "type": 3, "value": "30d"}])
        } else {
            json!([{"name": "account", "type": 3, "value": account}])
        };
        interaction(2, group, sub, options, i)
    };
    let body = serde_json::to_vec(&payload).expect("JSON");
    let ts = now().timestamp().to_string();
    let signature = hex::encode(key.sign(&[ts.as_bytes(), &body].concat()).to_bytes());
    (body, signature, ts)
}

struct Run {
    latencies: Vec<Duration>,
    elapsed: Duration,
}

/// Posts `requests` from `in_flight` workers: each sends its next request as soon as the last
/// is answered (`pace: None`, saturation), or one per `pace` (a steady rate), first requests
/// spread over one gap.
async fn run(
    url: &str,
    requests: Vec<(Vec<u8>, String, String)>,
    in_flight: usize,
    pace: Option<Duration>,
) -> Run {
    let queue = Arc::new(std::sync::Mutex::new(requests));
    let started = Instant::now();
    let workers: Vec<_> = (0..in_flight)
        .map(|worker| {
            let (queue, url) = (queue.clone(), url.to_string());
            tokio::spawn(async move {
                // One keep-alive connection per worker, on hyper: the load generator shares
                // the cores with the server, so it is kept as light as Slack's.
                let client: Client<HttpConnector, Full<Bytes>> =
                    Client::builder(TokioExecutor::new())
                        .pool_max_idle_per_host(1)
                        .build(HttpConnector::new());
                let mut latencies = Vec::new();
                let mut connected = false;
                let mut ticks = match pace {
                    Some(gap) => {
                        tokio::time::sleep(gap * (worker % 100) as u32 / 100).await;
                        let mut ticks = tokio::time::interval(gap);
                        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                        Some(ticks)
                    }
                    None => None,
                };
                loop {
                    if let Some(ticks) = ticks.as_mut() {
                        ticks.tick().await;
                    }
                    let Some((body, signature, ts)) =
                        queue.lock().unwrap_or_else(|p| p.into_inner()).pop()
                    else {
                        break;
                    };
                    let at = Instant::now();
                    let request = axum::http::Request::post(&url)
                        .header("content-type", "application/json")
                        .header("X-Signature-Ed25519", signature)
                        .header("X-Signature-Timestamp", ts)
                        .body(Full::new(Bytes::from(body)))
                        .expect("request");
                    let response = client.request(request).await.expect("answer");
                    let status = response.status().as_u16();
                    let answer = response
                        .into_body()
                        .collect()
                        .await
                        .expect("body")
                        .to_bytes();
                    // A worker's first request also opens its connection: not timed.
                    if !connected {
                        connected = true;
                    } else {
                        latencies.push(at.elapsed());
                    }
                    // A callback's keys are sorted, so its `type` comes last: 4 (message) or
                    // 8 (autocomplete result).
                    assert!(
                        status == 200
                            && (answer.ends_with(b"\"type\":4}")
                                || answer.ends_with(b"\"type\":8}")),
                        "{status}: {}",
                        String::from_utf8_lossy(&answer)
                    );
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await.expect("worker"));
    }
    Run {
        latencies,
        elapsed: started.elapsed(),
    }
}

fn report(what: &str, mut run: Run, target: Duration) {
    if run.latencies.is_empty() {
        return;
    }
    run.latencies.sort();
    let at = |q: f64| {
        run.latencies[((run.latencies.len() as f64 * q) as usize).min(run.latencies.len() - 1)]
    };
    let (p50, p99, max) = (at(0.5), at(0.99), at(1.0));
    let rate = run.latencies.len() as f64 / run.elapsed.as_secs_f64();
    let verdict = if p99 <= target { "ok" } else { "OVER TARGET" };
    println!("{what:<34} {:>6} req  {rate:>8.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms  (target p99 ≤ {} ms: {verdict})",
        run.latencies.len(), p50.as_secs_f64() * 1e3, p99.as_secs_f64() * 1e3, max.as_secs_f64() * 1e3, target.as_millis());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    // `-- commands` or `-- autocomplete` measures only that kind.
    let only = |kind: &str| {
        !args.iter().any(|a| a == "commands" || a == "autocomplete")
            || args.iter().any(|a| a == kind)
    };
    let (accounts, commands, completions) = if smoke {
        (500, 400, 400)
    } else {
        (10_000, 20_000, 20_000)
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let loading = Instant::now();
    let app = book(dir.path(), accounts);
    println!(
        "book: {accounts} accounts loaded in {:.1} s",
        loading.elapsed().as_secs_f64()
    );
    let key = SigningKey::from_bytes(&[7; 32]);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let settings = Settings {
            api_url: "http://127.0.0.1:9".into(),
            token: None,
            application_id: Some(1_100_000_000_000_000_001),
            public_key: Some(hex::encode(key.verifying_key().to_bytes())),
            guild_id: None,
            role: None,
            clock: Arc::new(now),
            deadline: Duration::from_secs(2),
            retry: Retry::default(),
        };
        let discord = Discord::new(app, settings).expect("adapter");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!(
            "http://{}/discord/interactions",
            listener.local_addr().expect("addr")
        );
        tokio::spawn(async move { axum::serve(listener, routes::router(discord)).await });
        let warm: Vec<_> = (0..200)
            .map(|i| request(&key, i % 2 == 0, i, accounts))
            .collect();
        run(&url, warm, 20, None).await;
        // Saturation at 200, 16 and 1 in flight (each worker sends as soon as answered: the
        // throughput, and at 200 a latency that is mostly queueing, = in flight / throughput),
        // then 200 connections at a steady 10 requests/s each (2,000/s).
        let steady = Some(Duration::from_millis(100));
        for (in_flight, pace) in [(200, None), (16, None), (1, None), (200, steady)] {
            let share = if pace.is_some() {
                2
            } else {
                (200 / in_flight).clamp(1, 10)
            };
            let label = match pace {
                None => format!("{in_flight} in flight"),
                Some(_) => format!("{in_flight} at 10/s each"),
            };
            for (kind, autocomplete, total, target) in [
                ("commands", false, commands, COMMAND_P99),
                ("autocomplete", true, completions, AUTOCOMPLETE_P99),
            ] {
                let count = if only(kind) { total / share } else { 0 };
                let signed: Vec<_> = (0..count)
                    .map(|i| request(&key, autocomplete, i, accounts))
                    .collect();
                report(
                    &format!("{kind}, {label}"),
                    run(&url, signed, in_flight, pace).await,
                    target,
                );
            }
        }
    });
}
