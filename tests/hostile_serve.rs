//! `steward serve` as a child process, under hostile input: signed Slack and Discord requests
//! with invalid UTF-8, wrong JSON types in every field of a valid payload, 20 MB bodies,
//! JSON nested 10,000 deep and extreme timestamps get a 4xx or a clear reply — never a panic
//! in the log, and `/healthz` still answers; clients that send headers or bodies too slowly
//! are dropped while `/healthz` answers; SIGTERM with a half-sent request pending exits
//! within the grace period. `cargo test hostile` runs them.
//!
//! Timeouts are set small through the environment (`STEWARD_HEADER_TIMEOUT`, …), and hyper's
//! `header_read_timeout` is what closes a slow client: "If a client does not transmit the
//! entire header within this time, the connection is closed" (hyper 1.x
//! `server/conn/http1.rs`, `Builder::header_read_timeout`). The real waits here are those
//! short configured limits, on loopback.

use axum::extract::Path;
use axum::routing::post;
use axum::{Json, Router};
use ed25519_dalek::{Signer, SigningKey};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[path = "common/served.rs"]
#[expect(
    dead_code,
    reason = "this test starts one serve on a sled database of its own, not replicas"
)]
mod served;

use served::Served;

const SLACK_SECRET: &str = "hostile-signing-secret";
const DISCORD_SEED: [u8; 32] = [7; 32];

/// Alive, `/healthz` and `/readyz` answering, and no panic logged.
async fn assert_alive_and_calm(served: &mut Served) {
    assert!(
        matches!(served.child.try_wait(), Ok(None)),
        "serve exited: {}",
        served.log()
    );
    let (status, body) = request(served.addr, get("/healthz")).await;
    assert_eq!((status, body.as_str()), (200, "ok"), "{}", served.log());
    let (status, body) = request(served.addr, get("/readyz")).await;
    assert_eq!((status, body.as_str()), (200, "ready"), "{}", served.log());
    assert!(!served.log().contains("panicked"), "{}", served.log());
}

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: steward\r\nConnection: close\r\n\r\n").into_bytes()
}

fn post_raw(path: &str, headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: steward\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Sends raw bytes and reads the answer to the end: its status and body (status 0 when the
/// connection closed without an answer).
async fn request(addr: SocketAddr, bytes: Vec<u8>) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    // The server may answer (413) and close before all of a large body is written.
    let _ = stream.write_all(&bytes).await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer));
    let _ = read.await.expect("an answer within 30 s");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}

fn slack_signed(path: &str, ts: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(SLACK_SECRET.as_bytes()).expect("any key length");
    mac.update(format!("v0:{ts}:").as_bytes());
    mac.update(body);
    let signature = format!("v0={}", hex::encode(mac.finalize().into_bytes()));
    let headers = [
        ("Content-Type", content_type.to_string()),
        ("X-Slack-Request-Timestamp", ts.to_string()),
        ("X-Slack-Signature", signature),
    ];
    post_raw(path, &headers, body)
}

fn discord_signed(ts: &str, body: &[u8]) -> Vec<u8> {
    let key = SigningKey::from_bytes(&DISCORD_SEED);
    let mut message = ts.as_bytes().to_vec();
    message.extend_from_slice(body);
    let signature = hex::encode(key.sign(&message).to_bytes());
    let headers = [
        ("Content-Type", "application/json".to_string()),
        ("X-Signature-Timestamp", ts.to_string()),
        ("X-Signature-Ed25519", signature),
    ];
    post_raw("/discord/interactions", &headers, body)
}

fn now() -> String {
    chrono::Utc::now().timestamp().to_string()
}

/// A stand-in for the Slack Web API that says yes to everything (a member, a posted message).
async fn slack_stand_in() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/api/", listener.local_addr().expect("addr"));
    let app = Router::new().route(
        "/api/{method}",
        post(|Path(_method): Path<String>| async {
            Json(json!({"ok": true, "user": {"id": "U1", "team_id": "T1"}, "channel": "C1", "ts": "1.1", "upload_url": "http://127.0.0.1:9/none", "file_id": "F1"}))
        })
        .get(|| async { Json(json!({"ok": true, "user": {"id": "U1", "team_id": "T1"}, "upload_url": "http://127.0.0.1:9/none", "file_id": "F1"})) }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// `steward serve` with Slack over HTTP and Discord's HTTP endpoint, against local stand-ins.
async fn serve_chat(extra: &[(&str, String)]) -> Served {
    let public = hex::encode(
        SigningKey::from_bytes(&DISCORD_SEED)
            .verifying_key()
            .to_bytes(),
    );
    let mut env = vec![
        ("SLACK_BOT_TOKEN", "xoxb-hostile".to_string()),
        ("SLACK_SIGNING_SECRET", SLACK_SECRET.to_string()),
        ("SLACK_API_URL", slack_stand_in().await),
        ("DISCORD_PUBLIC_KEY", public),
        // Nothing listens there: follow-ups fail at once, locally.
        ("DISCORD_API_URL", "http://127.0.0.1:9".to_string()),
        ("STEWARD_ADMINS", "U1".to_string()),
    ];
    env.extend(extra.iter().cloned());
    Served::start(&env)
}

/// `value` with the value at each path replaced, in turn, by each wrong type.
fn mutations(value: &Value) -> Vec<Value> {
    let wrong = [
        Value::Null,
        json!(0),
        json!(-1),
        json!(1.5e300),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(true),
        json!(""),
        json!("\u{0}\u{202e}<!channel>"),
        json!([]),
        json!({}),
        json!([[{"a": []}]]),
    ];
    let mut out = Vec::new();
    fn walk(root: &Value, at: &mut Vec<String>, wrong: &[Value], out: &mut Vec<Value>) {
        let here = root.pointer(&pointer(at)).cloned().unwrap_or(Value::Null);
        if !at.is_empty() {
            for w in wrong {
                let mut copy = root.clone();
                if let Some(slot) = copy.pointer_mut(&pointer(at)) {
                    *slot = w.clone();
                }
                out.push(copy);
            }
        }
        let children: Vec<String> = match &here {
            Value::Object(map) => map.keys().cloned().collect(),
            Value::Array(items) => (0..items.len()).map(|i| i.to_string()).collect(),
            _ => Vec::new(),
        };
        for child in children {
            at.push(child);
            walk(root, at, wrong, out);
            at.pop();
        }
    }
    fn pointer(at: &[String]) -> String {
        at.iter()
            .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
            .collect()
    }
    walk(value, &mut Vec::new(), &wrong, &mut out);
    out
}

fn deep_json(depth: usize) -> Vec<u8> {
    let mut text = "[".repeat(depth);
    text.push_str(&"]".repeat(depth));
    text.into_bytes()
}

fn slack_event() -> Value {
    json!({
        "token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event_id": "Ev1", "event_time": 1700000000,
        "event": {"type": "app_mention", "user": "U1", "text": "<@UBOT> how is Acme?", "ts": "1.1", "channel": "C1", "event_ts": "1.1"},
        "authorizations": [{"enterprise_id": null, "team_id": "T1", "user_id": "UBOT", "is_bot": true}],
    })
}

fn slack_click() -> Value {
    json!({
        "type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1", "team_id": "T1"},
        "channel": {"id": "C1"}, "response_url": "http://127.0.0.1:9/response", "trigger_id": "1.2",
        "actions": [{"type": "button", "action_id": "steward_account_show", "value": "Acme", "action_ts": "1.2"}],
    })
}

/// `/account show Acme` from a member with Manage Server, as Discord sends it (the fixture
/// of the Discord tests).
fn discord_command() -> Value {
    let fixture = include_str!("discord/command.json");
    let mut command: Value = serde_json::from_str(fixture).expect("fixture JSON");
    command["member"]["permissions"] = json!("32");
    command["data"]["options"] = json!([{"name": "show", "type": 1, "options": [{"name": "name", "type": 3, "value": "Acme"}]}]);
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_payloads_get_a_4xx_or_a_clear_reply_and_serve_stays_up() {
    let mut served = serve_chat(&[]).await;
    let addr = served.addr;
    let json_type = "application/json";
    let form = "application/x-www-form-urlencoded";
    let ok_or_4xx = |status: u16, what: &str| {
        assert!(
            status == 200 || (400..500).contains(&status),
            "{what}: status {status}"
        );
    };

    // Extreme timestamps, correctly signed: refused by the window, never a panic.
    let far = [
        i64::MIN.to_string(),
        (i64::MIN + 1).to_string(),
        i64::MAX.to_string(),
        (chrono::Utc::now().timestamp().wrapping_sub(i64::MIN)).to_string(),
        "99999999999999999999999999999".into(),
        "9".repeat(5000),
        "NaN".into(),
        "-0x10".into(),
        "1e9".into(),
    ];
    for ts in &far {
        let body = slack_event().to_string();
        let (status, _) = request(
            addr,
            slack_signed("/slack/events", ts, json_type, body.as_bytes()),
        )
        .await;
        assert_eq!(status, 401, "Slack timestamp {ts:.30}");
        let body = discord_command().to_string();
        let (status, _) = request(addr, discord_signed(ts, body.as_bytes())).await;
        assert_eq!(status, 401, "Discord timestamp {ts:.30}");
    }

    // Invalid UTF-8 and JSON nested 10,000 deep (serde_json stops at 128: an error, not a
    // stack overflow), signed.
    let invalid = b"\xff\xfe{\"type\":\"\xc3\x28\"}".to_vec();
    let deep = deep_json(10_000);
    for body in [&invalid, &deep] {
        for (path, content_type) in [
            ("/slack/events", json_type),
            ("/slack/commands", form),
            ("/slack/interactivity", form),
        ] {
            let (status, _) = request(addr, slack_signed(path, &now(), content_type, body)).await;
            assert!((400..500).contains(&status), "{path}: {status}");
        }
        let (status, _) = request(addr, discord_signed(&now(), body)).await;
        assert_eq!(status, 400, "Discord");
    }
    let deep_payload = format!("payload={}", String::from_utf8_lossy(&deep_json(10_000)));
    let (status, _) = request(
        addr,
        slack_signed(
            "/slack/interactivity",
            &now(),
            form,
            deep_payload.as_bytes(),
        ),
    )
    .await;
    assert_eq!(status, 400, "a deep interaction payload");

    // 20 MB: declared, and streamed without a length.
    let twenty_mb = 20 * 1024 * 1024;
    for path in ["/slack/events", "/discord/interactions", "/healthz"] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: steward\r\nConnection: close\r\nContent-Length: {twenty_mb}\r\n\r\nxxxx"
        );
        let (status, _) = request(addr, head.into_bytes()).await;
        assert_eq!(status, 413, "{path}");
    }
    let mut chunked =
        b"POST /slack/events HTTP/1.1\r\nHost: steward\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    let chunk = vec![b'x'; 1024 * 1024];
    for _ in 0..20 {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (status, _) = request(addr, chunked).await;
    assert_eq!(status, 413, "chunked 20 MB");

    // Wrong JSON types in every field of valid payloads, signed.
    for (i, event) in mutations(&slack_event()).iter().enumerate() {
        let mut event = event.clone();
        if event["event_id"].is_string() {
            event["event_id"] = json!(format!("EvHostile{i}"));
        }
        let body = event.to_string();
        let (status, _) = request(
            addr,
            slack_signed("/slack/events", &now(), json_type, body.as_bytes()),
        )
        .await;
        ok_or_4xx(status, &format!("event {body}"));
    }
    for click in mutations(&slack_click()) {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", &click.to_string())
            .finish();
        let (status, _) = request(
            addr,
            slack_signed("/slack/interactivity", &now(), form, body.as_bytes()),
        )
        .await;
        ok_or_4xx(status, &format!("click {click}"));
    }
    for (name, value) in [
        ("team_id", "T 1\u{0}"),
        ("user_id", ""),
        ("command", "/account\u{202e}"),
        ("text", "show \"Acme"),
        ("text", &"“".repeat(5000)),
        ("response_url", "javascript:alert(1)"),
        ("enterprise_id", "E:1:2"),
    ] {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("team_id", "T1"),
            ("user_id", "U1"),
            ("channel_id", "C1"),
            ("command", "/account"),
            ("text", "list"),
            ("response_url", "http://127.0.0.1:9/r"),
        ] {
            body.append_pair(k, if k == name { value } else { v });
        }
        if name == "enterprise_id" {
            body.append_pair(name, value);
        }
        let body = body.finish();
        let (status, answer) = request(
            addr,
            slack_signed("/slack/commands", &now(), form, body.as_bytes()),
        )
        .await;
        ok_or_4xx(status, &format!("command {name}={value:.20}: {answer}"));
    }
    let mut answered = 0;
    for command in mutations(&discord_command()) {
        let body = command.to_string();
        let (status, answer) = request(addr, discord_signed(&now(), body.as_bytes())).await;
        ok_or_4xx(status, &format!("interaction {body}"));
        if status == 200 {
            let answer: Value = serde_json::from_str(&answer).unwrap_or(Value::Null);
            assert!(answer["type"].is_u64(), "a callback: {answer}");
            answered += 1;
        }
    }
    assert!(answered > 0, "some mutations are still valid interactions");

    assert_alive_and_calm(&mut served).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_slow_clients_are_dropped_while_healthz_answers() {
    let mut served = Served::start(&[
        ("STEWARD_HEADER_TIMEOUT", "200ms".into()),
        ("STEWARD_BODY_TIMEOUT", "300ms".into()),
    ]);
    let addr = served.addr;
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: steward\r\nX-Slow: ")
            .await
            .expect("half a header");
        slow.push(stream);
    }
    let (status, _) = request(addr, get("/healthz")).await;
    assert_eq!(status, 200, "healthz answers beside 50 slow clients");
    // Each slow client is closed once the header timeout passes.
    let started = Instant::now();
    for mut stream in slow {
        let mut rest = Vec::new();
        let closed =
            tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut rest)).await;
        assert!(
            closed.is_ok(),
            "a slow client was still connected after 10 s"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(10));

    // A body promised and not sent: 408 after the body timeout.
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"POST /healthz HTTP/1.1\r\nHost: steward\r\nContent-Length: 100\r\n\r\n{\"a\":")
        .await
        .expect("part of a body");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "still waiting for the body after 10 s");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert_alive_and_calm(&mut served).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_sigterm_with_a_half_sent_request_exits_within_the_grace_period() {
    let grace = Duration::from_secs(5);
    let mut served = Served::start(&[("STEWARD_SHUTDOWN_GRACE", "5s".into())]);
    let mut half = TcpStream::connect(served.addr).await.expect("connect");
    half.write_all(b"POST /healthz HTTP/1.1\r\nHost: steward\r\nContent-Le")
        .await
        .expect("half a request");
    let (status, _) = request(served.addr, get("/healthz")).await;
    assert_eq!(status, 200);
    let (took, code) = served.terminate(grace);
    assert!(took < grace, "took {took:?}, grace {grace:?}");
    assert_eq!(code, Some(0), "{}", served.log());
    assert!(served.log().contains("stopped cleanly"), "{}", served.log());
    assert!(!served.log().contains("panicked"), "{}", served.log());
}
