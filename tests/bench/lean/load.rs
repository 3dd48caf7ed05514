//! Purpose: the lean benchmark's HTTP load — signed Slack commands and Discord interactions
//! built for hyper's client, the mixed load, and the saturating runs at 200 connections.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::Request;
use chrono::Utc;
use ed25519_dalek::{Signer, SigningKey};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::json;

use super::fake::Fake;
use super::harness::{command_form, sign, SECRET};
use super::served::Served;
use super::{ms, name, percentile, verdict, CONNECTIONS, GUILD, P99_GOAL};

/// A signed slash command, ready for hyper's client.
pub fn slack_request(served: &Served, fake: &Fake, line: &str) -> Request<Full<Bytes>> {
    let (command, text) = line.split_once(' ').unwrap_or((line, ""));
    let body = command_form("T1", None, "U1", command, text, &fake.response_url());
    let ts = Utc::now().timestamp().to_string();
    Request::post(format!("http://{}/slack/commands", served.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", &ts)
        .header("x-slack-signature", sign(SECRET, &ts, body.as_bytes()))
        .body(Full::new(Bytes::from(body)))
        .expect("request")
}

/// A signed `/account show` interaction, ready for hyper's client.
pub fn discord_request(
    served: &Served,
    key: &SigningKey,
    n: usize,
    account: &str,
) -> Request<Full<Bytes>> {
    let payload = json!({
        "app_permissions": "2248473465835073", "application_id": "1100000000000000001", "attachment_size_limit": 10485760,
        "authorizing_integration_owners": {"0": GUILD}, "channel_id": "1200000000000000001", "context": 0,
        "channel": {"id": "1200000000000000001", "name": "cs", "type": 0, "guild_id": GUILD},
        "data": {"id": "1300000000000000100", "name": "account", "type": 1, "guild_id": GUILD,
                 "options": [{"name": "show", "type": 1, "options": [{"name": "account", "type": 3, "value": account}]}]},
        "entitlements": [], "guild_id": GUILD, "guild_locale": "en-US",
        "id": format!("{}", 1_400_000_000_000_000_000u64 + n as u64), "locale": "en-GB",
        "member": {"deaf": false, "mute": false, "flags": 0, "joined_at": "2025-06-01T12:00:00.000000+00:00",
                   "pending": false, "permissions": "68608", "roles": [],
                   "user": {"id": format!("15000000000000{:05}", n % 50), "username": "csm", "discriminator": "0",
                            "global_name": null, "avatar": null, "public_flags": 0}},
        "token": format!("token-{n}"), "type": 2, "version": 1
    });
    let body = serde_json::to_vec(&payload).expect("JSON");
    let ts = Utc::now().timestamp().to_string();
    let signature = hex::encode(key.sign(&[ts.as_bytes(), &body].concat()).to_bytes());
    Request::post(format!("http://{}/discord/interactions", served.addr))
        .header("content-type", "application/json")
        .header("x-signature-timestamp", &ts)
        .header("x-signature-ed25519", signature)
        .body(Full::new(Bytes::from(body)))
        .expect("request")
}

fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(1)
        .build(HttpConnector::new())
}

/// The mixed load: `connections` clients sending signed commands back to back until `until`,
/// a fifth of them changes (`/account set`, `/account log`). How many were answered.
pub async fn mixed(
    served: &Arc<Served>,
    fake: &Arc<Fake>,
    accounts: usize,
    until: Instant,
) -> usize {
    let connections = 32;
    let mut tasks = Vec::new();
    for c in 0..connections {
        let (served, fake) = (served.clone(), fake.clone());
        tasks.push(tokio::spawn(async move {
            let client = client();
            let mut sent = 0;
            while Instant::now() < until {
                let i = c * 100_003 + sent;
                let account = name(i * 7919 % accounts);
                let line = match i % 10 {
                    0 => format!("/account set \"{account}\" seats:{}", 10 + i % 900),
                    1 => format!("/account log \"{account}\" Checked in on the rollout type:note"),
                    2 | 3 => format!("/health show \"{account}\""),
                    4 => "/renewal list within:30d".to_string(),
                    5 => "/portfolio summary".to_string(),
                    _ => format!("/account show \"{account}\""),
                };
                let answer = client
                    .request(slack_request(&served, &fake, &line))
                    .await
                    .expect("an answer");
                assert_eq!(answer.status(), 200, "{line}");
                let _ = answer.into_body().collect().await;
                sent += 1;
            }
            sent
        }));
    }
    let mut answered = 0;
    for task in tasks {
        answered += task.await.expect("a client");
    }
    answered
}

/// `each` requests from each of [`CONNECTIONS`] keep-alive connections, the next sent once the
/// last is answered: requests/s and the sorted latencies. Every request is built and signed
/// before the clock starts, so the figures are the server's: the load generator shares the
/// two cores, and an Ed25519 signature costs it far more than Slack's HMAC.
pub async fn saturate(
    each: usize,
    request: impl Fn(usize, usize) -> Request<Full<Bytes>>,
) -> (f64, Vec<Duration>) {
    let barrier = Arc::new(tokio::sync::Barrier::new(CONNECTIONS));
    let mut tasks = Vec::new();
    for c in 0..CONNECTIONS {
        let barrier = barrier.clone();
        let warm = request(c, 0);
        let requests: Vec<_> = (1..=each).map(|i| request(c, i)).collect();
        tasks.push(tokio::spawn(async move {
            let client = client();
            // The first request opens the connection and warms the user's access check.
            let warm = client.request(warm).await.expect("an answer");
            let _ = warm.into_body().collect().await;
            barrier.wait().await;
            let begun = Instant::now();
            let mut times = Vec::with_capacity(each);
            for next in requests {
                let sent = Instant::now();
                let answer = client.request(next).await.expect("an answer");
                assert_eq!(answer.status(), 200);
                let _ = answer.into_body().collect().await;
                times.push(sent.elapsed());
            }
            (begun, Instant::now(), times)
        }));
    }
    let (mut first, mut last) = (None::<Instant>, None::<Instant>);
    let mut times = Vec::new();
    for task in tasks {
        let (begun, ended, own) = task.await.expect("a connection");
        first = Some(first.map_or(begun, |f| f.min(begun)));
        last = Some(last.map_or(ended, |l| l.max(ended)));
        times.extend(own);
    }
    let span = match (first, last) {
        (Some(first), Some(last)) => last - first,
        _ => Duration::ZERO,
    };
    let rate = times.len() as f64 / span.as_secs_f64().max(f64::EPSILON);
    times.sort();
    (rate, times)
}

pub fn throughput_line(label: &str, rate: f64, times: &[Duration]) -> Duration {
    let p99 = percentile(times, 0.99);
    println!(
        "{label}, {CONNECTIONS} connections: {rate:.0} requests/s, p50 {:.1} ms, p99 {:.1} ms (goal p99 ≤ {} ms: {})",
        ms(percentile(times, 0.5)),
        ms(p99),
        P99_GOAL.as_millis(),
        verdict(p99 <= P99_GOAL)
    );
    p99
}
