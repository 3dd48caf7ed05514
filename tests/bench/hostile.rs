//! Hostile traffic against the real `steward` binary, for as long as asked: correctly signed
//! but malformed and mutated Slack and Discord payloads (random unicode in every text, wrong
//! JSON types in every field, invalid UTF-8, bodies of megabytes, JSON nested 10,000 deep,
//! extreme timestamps, bad headers) from 8 concurrent clients against `steward serve`; random
//! unicode scripts piped into `steward console`; mutated CRM files through `steward import`.
//! `/healthz` is probed every second. At the end `serve` gets SIGTERM and its database is
//! exported. The run fails on any panic in a log, any request unanswered for 10 s (a hang),
//! any process death (exit 101 or a signal), or a database that no longer exports.
//!
//! `serve` runs under a 1,024-descriptor limit; `--slow-clients 1100` ends the run by holding
//! that many half-sent requests and timing how long `/healthz` takes to answer again.
//!
//! Run: `cargo bench --bench hostile -- --seconds 600 --slow-clients 1100` (default 60 s and
//! no slow clients; `--smoke` is 5 s). Inputs are generated from a fixed seed, so a run can be
//! repeated; `--seed N` picks another.

#[path = "../common/api_specs.rs"]
#[expect(dead_code, reason = "the stand-in's checks need only find")]
mod api_specs;
#[path = "../slack/fake.rs"]
mod fake;
#[path = "../common/mutate.rs"]
mod mutate;
#[path = "../slack/spec.rs"]
mod spec;
#[path = "../hostile/text.rs"]
#[expect(
    dead_code,
    reason = "the soak draws only text from the property tests' strategies"
)]
mod text;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};
use hmac::{Hmac, KeyInit, Mac};
use proptest::prelude::Rng;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};
use sha2::Sha256;

use mutate::{below, mutate_json, text};

const SECRET: &str = "hostile-signing-secret";
const HANG: Duration = Duration::from_secs(10);
const CLIENTS: usize = 8;

#[derive(Default)]
struct Tally {
    sent: AtomicU64,
    ok: AtomicU64,
    client_errors: AtomicU64,
    server_errors: AtomicU64,
    hangs: AtomicU64,
    refused: AtomicU64,
    health_failures: AtomicU64,
    consoles: AtomicU64,
    imports: AtomicU64,
    deaths: AtomicU64,
    panics: AtomicU64,
}

struct Options {
    seconds: u64,
    seed: u64,
    /// Slow clients to hold at the end, against `serve` under a 1,024-descriptor limit.
    slow_clients: usize,
}

/// The descriptor limit `serve` runs under in the slow-client phase.
const DESCRIPTORS: u32 = 1024;

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
    };
    let seconds = if args.iter().any(|a| a == "--smoke") {
        5
    } else {
        value("--seconds").unwrap_or(60)
    };
    Options {
        seconds,
        seed: value("--seed").unwrap_or(7),
        slow_clients: value("--slow-clients").map_or(0, |n: u64| n as usize),
    }
}

/// A generator that repeats for a seed.
fn runner(seed: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_steward")
}

fn slack_signature(ts: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).expect("any key");
    mac.update(format!("v0:{ts}:").as_bytes());
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

fn discord_fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/discord")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON")
}

/// One request: path, content type, body, and header overrides.
struct Shot {
    path: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    timestamp: Option<String>,
    signed: bool,
}

/// A hostile request of a random kind.
fn shot(rng: &mut TestRunner) -> Shot {
    let pick = below(rng, 100);
    let groups = [
        "account",
        "stakeholder",
        "health",
        "renewal",
        "expansion",
        "qbr",
        "plan",
        "atrisk",
        "portfolio",
        "digest",
        "steward",
    ];
    let group = groups[below(rng, groups.len())];
    let form = |pairs: &[(&str, String)]| {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            form.append_pair(k, v);
        }
        form.finish().into_bytes()
    };
    let mut shot = Shot {
        path: "/slack/commands",
        content_type: "application/x-www-form-urlencoded",
        body: Vec::new(),
        timestamp: None,
        signed: true,
    };
    match pick {
        0..=29 => {
            shot.body = form(&[
                ("team_id", "T1".into()),
                ("channel_id", "C1".into()),
                ("user_id", "U1".into()),
                ("command", format!("/{group}")),
                ("text", text(rng)),
                ("response_url", "http://127.0.0.1:9/r".into()),
                ("trigger_id", "1.2.3".into()),
            ]);
        }
        30..=44 => {
            shot.path = "/slack/events";
            shot.content_type = "application/json";
            let envelope = json!({
                "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
                "event_id": format!("Ev{}", rng.rng().next_u64()), "event_time": 1_700_000_000,
                "event": {"type": if below(rng, 2) == 0 { "app_mention" } else { "message" },
                    "channel_type": "im", "user": "U1", "text": text(rng),
                    "ts": "1700000000.000100", "channel": "D1"},
            });
            shot.body = mutate_json(envelope, rng).to_string().into_bytes();
        }
        45..=54 => {
            shot.path = "/slack/interactivity";
            let payload = json!({
                "type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1", "team_id": "T1"},
                "channel": {"id": "C1"}, "response_url": "http://127.0.0.1:9/r", "trigger_id": "1.2.3",
                "actions": [{"type": "button", "action_id": "steward_share", "value": text(rng)}],
            });
            shot.body = form(&[("payload", mutate_json(payload, rng).to_string())]);
        }
        55..=74 => {
            shot.path = "/discord/interactions";
            shot.content_type = "application/json";
            let mut payload = if below(rng, 4) == 0 {
                discord_fixture("component.json")
            } else {
                let mut p = discord_fixture("command.json");
                p["data"]["name"] = json!(group);
                p["data"]["options"] = json!([{"name": "show", "type": 1,
                    "options": [{"name": "account", "type": 3, "value": text(rng)}]}]);
                p
            };
            payload["id"] = json!(rng.rng().next_u64().to_string());
            shot.body = mutate_json(payload, rng).to_string().into_bytes();
        }
        75..=84 => {
            shot.path =
                ["/slack/commands", "/slack/events", "/discord/interactions"][below(rng, 3)];
            let len = below(rng, 4096);
            shot.body = (0..len).map(|_| rng.rng().next_u64() as u8).collect();
        }
        85..=89 => {
            shot.path = "/slack/events";
            shot.content_type = "application/json";
            let depth = 10_000;
            shot.body = format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();
        }
        90..=92 => {
            shot.body = vec![b'a'; 3 * 1024 * 1024];
        }
        _ => {
            let extremes = [
                "-9223372036854775808",
                "9223372036854775807",
                "",
                "NaN",
                "1e99",
                "١٢٣",
            ];
            shot.timestamp = Some(extremes[below(rng, 6)].to_string());
            shot.signed = below(rng, 2) == 0;
            shot.path = ["/slack/commands", "/discord/interactions"][below(rng, 2)];
            shot.body = b"text=hi".to_vec();
        }
    }
    shot
}

async fn fire(
    client: &reqwest::Client,
    base: &str,
    key: &SigningKey,
    shot: Shot,
) -> Result<u16, bool> {
    let ts = shot
        .timestamp
        .unwrap_or_else(|| chrono::Utc::now().timestamp().to_string());
    let mut request = client
        .post(format!("{base}{}", shot.path))
        .header("content-type", shot.content_type);
    if shot.signed {
        request = if shot.path.starts_with("/discord") {
            let mut message = ts.as_bytes().to_vec();
            message.extend_from_slice(&shot.body);
            request
                .header(
                    "x-signature-ed25519",
                    hex::encode(key.sign(&message).to_bytes()),
                )
                .header("x-signature-timestamp", &ts)
        } else {
            request
                .header("x-slack-request-timestamp", &ts)
                .header("x-slack-signature", slack_signature(&ts, &shot.body))
        };
    }
    match tokio::time::timeout(HANG, request.body(shot.body).send()).await {
        Err(_) => Err(true),
        Ok(Err(_)) => Err(false),
        Ok(Ok(response)) => {
            let status = response.status().as_u16();
            let _ = tokio::time::timeout(HANG, response.bytes()).await;
            Ok(status)
        }
    }
}

/// Holds `n` connections that each send half a request head, more than `serve` has
/// descriptors, and times how long until `/healthz` answers again (goal: within 30 s).
async fn slow_clients(client: &reqwest::Client, base: &str, port: u16, n: usize, tally: &Tally) {
    use tokio::io::AsyncWriteExt;
    let mut held = Vec::new();
    for _ in 0..n {
        if let Ok(Ok(mut socket)) = tokio::time::timeout(
            Duration::from_secs(5),
            tokio::net::TcpStream::connect(("127.0.0.1", port)),
        )
        .await
        {
            let _ = socket
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                .await;
            held.push(socket);
        }
    }
    let started = Instant::now();
    let answered = loop {
        let probe = client
            .get(format!("{base}/healthz"))
            .timeout(Duration::from_secs(2));
        if probe.send().await.is_ok_and(|r| r.status().is_success()) {
            break Some(started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(60) {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    match answered {
        Some(after) if after <= Duration::from_secs(30) => println!(
            "{} slow clients held against {DESCRIPTORS} descriptors: /healthz answered {:.1} s after the last connected (goal ≤ 30 s: ok)",
            held.len(),
            after.as_secs_f64()
        ),
        _ => {
            println!("{} slow clients held: /healthz did not answer within 30 s (MISSED)", held.len());
            tally.hangs.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start_serve(dir: &Path, port: u16, slack_api: &str, key: &SigningKey) -> Child {
    let log = std::fs::File::create(dir.join("serve.log")).expect("log file");
    // Under the descriptor limit of a default Linux session, so that slow clients can
    // exhaust it: `exec` keeps the pid, so SIGTERM reaches serve itself.
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -n {DESCRIPTORS} && exec \"$0\" serve"))
        .arg(binary())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("STEWARD_DB", dir.join("serve.db"))
        .env("STEWARD_BACKUP_DIR", dir.join("backups"))
        .env("STEWARD_LISTEN", format!("127.0.0.1:{port}"))
        .env("STEWARD_ADMINS", "U1")
        .env("SLACK_BOT_TOKEN", "xoxb-hostile")
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_API_URL", slack_api)
        .env(
            "DISCORD_PUBLIC_KEY",
            hex::encode(key.verifying_key().to_bytes()),
        )
        .env("DISCORD_API_URL", "http://127.0.0.1:9")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start steward serve")
}

/// Whether a finished child died rather than exited: a panic's 101, or a signal.
fn died(status: std::process::ExitStatus) -> bool {
    status.code().is_none_or(|code| code == 101)
}

fn count_panics(text: &str) -> u64 {
    text.matches("panicked at").count() as u64
}

/// A console fed a random unicode script.
fn console_round(dir: &Path, rng: &mut TestRunner, tally: &Tally) {
    let script: String = (0..50)
        .map(|_| {
            let line = text(rng).replace(['\n', '\r'], " ");
            if below(rng, 2) == 0 {
                format!("{line}\n")
            } else {
                format!("/account show {line}\n")
            }
        })
        .collect();
    let output = run(
        Command::new(binary())
            .args(["--db"])
            .arg(dir.join("console.db"))
            .args(["console", "--demo"]),
        script.as_bytes(),
    );
    tally.consoles.fetch_add(1, Ordering::Relaxed);
    record(tally, &output, "console");
}

/// An import of a mutated CRM file.
fn import_round(dir: &Path, rng: &mut TestRunner, tally: &Tally) {
    let mut csv = String::from("Account Name,ARR,Renewal Date,Account Owner,Industry\n");
    for _ in 0..20 {
        csv.push_str(&format!(
            "{},{},{},{},{}\n",
            text(rng).replace('\n', " "),
            ["50000", "$1.2M", "-5", "1e400", "", "12k"][below(rng, 6)],
            ["2027-03-31", "13/45/2026", "", "2026-02-30"][below(rng, 4)],
            text(rng),
            text(rng),
        ));
    }
    let file = dir.join("hostile.csv");
    std::fs::write(&file, csv).expect("write csv");
    let output = run(
        Command::new(binary())
            .args(["--db"])
            .arg(dir.join("import.db"))
            .arg("import")
            .arg(&file),
        b"",
    );
    tally.imports.fetch_add(1, Ordering::Relaxed);
    record(tally, &output, "import");
}

fn run(command: &mut Command, input: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start steward");
    // Written from its own thread while the output is read: a script larger than a pipe's
    // buffer would otherwise block both sides once the replies fill theirs.
    let writer = child.stdin.take().map(|mut stdin| {
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        })
    });
    let output = child.wait_with_output().expect("steward ran");
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    output
}

fn record(tally: &Tally, output: &std::process::Output, what: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let panics = count_panics(&stderr);
    if panics > 0 || died(output.status) {
        eprintln!(
            "{what}: {} — {}",
            output.status,
            stderr.lines().take(5).collect::<Vec<_>>().join(" | ")
        );
    }
    tally.panics.fetch_add(panics, Ordering::Relaxed);
    if died(output.status) {
        tally.deaths.fetch_add(1, Ordering::Relaxed);
    }
}

#[tokio::main]
async fn main() {
    let options = options();
    let dir = tempfile::tempdir().expect("temp dir");
    let slack = fake::Fake::start().await;
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut serve = start_serve(dir.path(), port, &slack.api_url(), &key);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .expect("client");
    let started = Instant::now();
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "serve did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "hostile traffic for {} s (seed {}), {CLIENTS} clients, console and import beside",
        options.seconds, options.seed
    );
    let tally = Arc::new(Tally::default());
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let mut workers = Vec::new();
    for worker in 0..CLIENTS as u64 {
        let (client, base, key, tally) = (client.clone(), base.clone(), key.clone(), tally.clone());
        let mut rng = runner(options.seed * 1000 + worker);
        workers.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let shot = shot(&mut rng);
                tally.sent.fetch_add(1, Ordering::Relaxed);
                let counter = match fire(&client, &base, &key, shot).await {
                    Ok(200..=299) => &tally.ok,
                    Ok(400..=499) => &tally.client_errors,
                    Ok(_) => &tally.server_errors,
                    Err(true) => &tally.hangs,
                    Err(false) => &tally.refused,
                };
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let offline = {
        let (dir, tally) = (dir.path().to_path_buf(), tally.clone());
        let mut rng = runner(options.seed + 99);
        tokio::task::spawn_blocking(move || {
            while Instant::now() < deadline {
                console_round(&dir, &mut rng, &tally);
                import_round(&dir, &mut rng, &tally);
            }
        })
    };
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let healthy = tokio::time::timeout(HANG, client.get(format!("{base}/healthz")).send())
            .await
            .is_ok_and(|r| r.is_ok_and(|r| r.status().is_success()));
        if !healthy {
            tally.health_failures.fetch_add(1, Ordering::Relaxed);
        }
    }
    for worker in workers {
        let _ = worker.await;
    }
    let _ = offline.await;
    if options.slow_clients > 0 {
        slow_clients(&client, &base, port, options.slow_clients, &tally).await;
    }

    let stop = Instant::now();
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(serve.id().to_string())
        .status();
    let status = loop {
        if let Ok(Some(status)) = serve.try_wait() {
            break Some(status);
        }
        if stop.elapsed() > Duration::from_secs(30) {
            let _ = serve.kill();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let log = std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default();
    tally
        .panics
        .fetch_add(count_panics(&log), Ordering::Relaxed);
    if status.is_none_or(died) {
        tally.deaths.fetch_add(1, Ordering::Relaxed);
    }
    let export = Command::new(binary())
        .arg("--db")
        .arg(dir.path().join("serve.db"))
        .args(["--tenant", "slack:T1", "export"])
        .output()
        .expect("export ran");
    let intact = export.status.success();

    let t = |c: &AtomicU64| c.load(Ordering::Relaxed);
    println!(
        "requests {} — 2xx {}, 4xx {}, 5xx {}, refused {}, hung {}; /healthz failures {}",
        t(&tally.sent),
        t(&tally.ok),
        t(&tally.client_errors),
        t(&tally.server_errors),
        t(&tally.refused),
        t(&tally.hangs),
        t(&tally.health_failures)
    );
    println!(
        "console runs {}, imports {}; panics {}, deaths {}; SIGTERM exit after {:.1} s; database intact: {intact}",
        t(&tally.consoles),
        t(&tally.imports),
        t(&tally.panics),
        t(&tally.deaths),
        stop.elapsed().as_secs_f64()
    );
    let failed = t(&tally.panics) + t(&tally.deaths) + t(&tally.hangs) + t(&tally.server_errors);
    if failed > 0 || !intact {
        for line in log.lines().filter(|l| l.contains("panicked")).take(5) {
            eprintln!("serve: {line}");
        }
        eprintln!("FAILED: hostile traffic found panics, deaths, hangs, 5xx or a damaged database");
        std::process::exit(1);
    }
    println!("passed: 0 panics, 0 hangs, 0 deaths, 0 5xx, database intact");
}
