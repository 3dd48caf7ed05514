//! The events API over HTTP, its bad input (INGEST.md "Endpoints", issue #17 "Bad input"):
//! no, unknown or revoked keys get 401 without saying which; malformed JSON 400 naming the
//! problem; over Segment's limits 413 (a small gzip bomb too); bad messages skipped and
//! counted by reason while the rest of the batch is kept; out-of-range values rejected,
//! never clamped; a key writes only its own tenant; over the per-key rate 429 with
//! `Retry-After`; and every event answered 200 survives `kill -9`.

#[path = "common/served.rs"]
#[expect(
    dead_code,
    reason = "this test starts serve on a database it prepared (start_on)"
)]
mod served;

use std::io::Write;
use std::num::NonZeroU32;
use std::sync::Arc;

use chrono::Utc;
use chrono_tz::Tz;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{json, Value};
use steward::app::{Actor, App, Surface};
use steward::domain::account::AccountId;
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::render::text::render;
use steward::store::Store;

fn actor(tenant: &str) -> Actor {
    Actor {
        tenant: TenantId::parse(tenant).expect("valid"),
        user: UserId("U-admin".into()),
        surface: Surface::Console,
        platform_admin: false,
        channel: "console".into(),
    }
}

fn exec(app: &App, tenant: &str, line: &str) -> String {
    render(&app.execute(&actor(tenant), Utc::now(), line))
}

/// A key made with `/steward apikey create NAME`: the answer's last line.
fn make_key(app: &App, tenant: &str, name: &str) -> String {
    let answer = exec(app, tenant, &format!("/steward apikey create {name}"));
    answer
        .lines()
        .last()
        .map(|l| l.trim_matches('`').to_string())
        .filter(|k| k.starts_with("stw_"))
        .unwrap_or_else(|| panic!("no key in {answer}"))
}

/// The app and the events API on 127.0.0.1, `rate` requests per second per key.
async fn serving(rate: u32) -> (Arc<App>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("db")).expect("open");
    let app = Arc::new(App::new(store, None, Tz::UTC));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let rate = NonZeroU32::new(rate).expect("a rate");
    let routes = steward::ingest::routes::router(app.clone(), rate);
    tokio::spawn(async move { axum::serve(listener, routes).await });
    (app, base, dir)
}

async fn post(
    base: &str,
    path: &str,
    key: Option<&str>,
    body: Vec<u8>,
    gzip: bool,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut request = client
        .post(format!("{base}{path}"))
        .header("content-type", "application/json");
    if let Some(key) = key {
        request = request.basic_auth(key, Some(""));
    }
    if gzip {
        request = request.header("content-encoding", "gzip");
    }
    let response = request.body(body).send().await.expect("answered");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

fn track(user: &str, group: &str) -> Value {
    json!({"type": "track", "userId": user, "event": "Report Created", "context": {"groupId": group}})
}

fn rollup_users(app: &App, tenant: &str, account: u64) -> usize {
    let rollups = app
        .store
        .rollups(&TenantId::parse(tenant).expect("valid"), AccountId(account))
        .expect("read");
    rollups.iter().map(|r| r.active_users().count()).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_checked_without_saying_what_was_wrong_and_revocation_is_immediate() {
    let (app, base, _dir) = serving(2_000).await;
    exec(
        &app,
        "acme",
        "/account add \"Acme Corp\" arr:10k renewal:2027-01-01",
    );
    let key = make_key(&app, "acme", "prod");
    let batch = json!({"batch": [track("u1", "Acme Corp")]})
        .to_string()
        .into_bytes();
    let (status, body) = post(&base, "/v1/batch", Some(&key), batch.clone(), false).await;
    assert_eq!((status, body), (200, json!({"success": true})));
    // The key in the body, as the Python and Java libraries also send it.
    let in_body = json!({"writeKey": key, "batch": [track("u2", "Acme Corp")]}).to_string();
    assert_eq!(
        post(&base, "/v1/batch", None, in_body.into_bytes(), false)
            .await
            .0,
        200
    );

    let mut answers = Vec::new();
    for wrong in [
        None,
        Some("stw_0000000000000000000000000000"),
        Some("hello"),
        Some(""),
    ] {
        answers.push(post(&base, "/v1/batch", wrong, batch.clone(), false).await);
    }
    exec(&app, "acme", "/steward apikey revoke prod");
    answers.push(post(&base, "/v1/batch", Some(&key), batch.clone(), false).await);
    for (status, body) in &answers {
        assert_eq!(*status, 401, "{body}");
    }
    assert!(
        answers.windows(2).all(|w| w[0].1 == w[1].1),
        "every refusal says the same: {answers:?}"
    );
    assert_eq!(
        rollup_users(&app, "acme", 1),
        2,
        "nothing counted from refused requests"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_are_refused_and_bad_messages_skipped_and_counted() {
    let (app, base, _dir) = serving(2_000).await;
    exec(
        &app,
        "acme",
        "/account add \"Acme Corp\" arr:10k renewal:2027-01-01 seats:10",
    );
    let key = make_key(&app, "acme", "prod");
    let k = Some(key.as_str());

    let (status, body) = post(&base, "/v1/batch", k, b"{\"batch\": [".to_vec(), false).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("not JSON") && e.contains("EOF")),
        "{body}"
    );
    let (status, body) = post(&base, "/v1/batch", k, b"{\"batch\": 7}".to_vec(), false).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("\"batch\" must be a list")),
        "{body}"
    );

    // Over 500 KB after decompression, whether sent plain or as a small gzip.
    let big =
        json!({"batch": [track("u1", "Acme Corp")], "pad": "x".repeat(600 * 1024)}).to_string();
    assert_eq!(
        post(&base, "/v1/batch", k, big.clone().into_bytes(), false)
            .await
            .0,
        413
    );
    let bomb = gzip(big.as_bytes());
    assert!(bomb.len() < 8 * 1024);
    assert_eq!(post(&base, "/v1/batch", k, bomb, true).await.0, 413);
    assert_eq!(
        post(&base, "/v1/batch", k, b"not gzip".to_vec(), true)
            .await
            .0,
        400
    );

    // One batch: a good message among bad ones — kept; the rest counted by reason.
    let mixed = json!({"batch": [
        track("u1", "Acme Corp"),
        {"type": "track", "event": "Report Created"},
        {"type": "track", "userId": "u2", "event": "NPS Submitted", "properties": {"score": 11}},
        {"type": "group", "userId": "u3", "groupId": "Acme Corp", "traits": {"seats": -4}},
        {"type": "track", "userId": "u4", "event": "Report Created", "properties": {"pad": "y".repeat(33 * 1024)}},
        {"type": "shout", "userId": "u5"},
        {"type": "track", "userId": "u6", "event": "Report Created", "timestamp": "2020-01-01T00:00:00Z"},
        {"type": "identify", "userId": "u7", "traits": {"email": "ö@acme.com"}, "anonymousId": null},
    ]})
    .to_string();
    let (status, body) = post(&base, "/v1/batch", k, gzip(mixed.as_bytes()), true).await;
    assert_eq!((status, body), (200, json!({"success": true})));
    let status = exec(&app, "acme", "/steward ingest status");
    for part in [
        "2 accepted (identify 1, track 1)",
        "6 rejected",
        "missing user 1",
        "out of range value 2",
        "too large 1",
        "unknown type 1",
        "out of window 1",
    ] {
        assert!(status.contains(part), "{part}: {status}");
    }
    let seats = app
        .store
        .seats_trait(&TenantId::parse("acme").expect("valid"), AccountId(1))
        .expect("read");
    assert_eq!(seats, None, "negative seats are rejected, not clamped");

    // Single-message routes: the route names the type; an unknown route is 404.
    let one =
        json!({"userId": "u9", "event": "Report Created", "context": {"groupId": "Acme Corp"}});
    assert_eq!(
        post(&base, "/v1/track", k, one.to_string().into_bytes(), false)
            .await
            .0,
        200
    );
    for path in ["/v1/page", "/v1/screen", "/v1/alias", "/v1/identify"] {
        let body = json!({"userId": "u9", "previousId": "a-1"})
            .to_string()
            .into_bytes();
        assert_eq!(post(&base, path, k, body, false).await.0, 200, "{path}");
    }
    assert_eq!(
        post(&base, "/v1/shout", k, b"{}".to_vec(), false).await.0,
        404
    );
    assert_eq!(
        rollup_users(&app, "acme", 1),
        2,
        "u1 and u9 (page/screen name no account)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_writes_only_its_own_tenant() {
    let (app, base, _dir) = serving(2_000).await;
    exec(
        &app,
        "acme",
        "/account add \"Acme Corp\" arr:10k renewal:2027-01-01",
    );
    exec(
        &app,
        "globex",
        "/account add \"Acme Corp\" arr:10k renewal:2027-01-01",
    );
    let globex_key = make_key(&app, "globex", "prod");
    let batch = json!({"batch": [track("u1", "Acme Corp")]})
        .to_string()
        .into_bytes();
    assert_eq!(
        post(&base, "/v1/batch", Some(&globex_key), batch, false)
            .await
            .0,
        200
    );
    assert_eq!(rollup_users(&app, "globex", 1), 1);
    assert_eq!(
        rollup_users(&app, "acme", 1),
        0,
        "acme's same-named account untouched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_rate_limit_the_answer_is_429_with_retry_after() {
    let (app, base, _dir) = serving(3).await;
    let key = make_key(&app, "acme", "prod");
    let batch = json!({"batch": []}).to_string().into_bytes();
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(
            post(&base, "/v1/batch", Some(&key), batch.clone(), false)
                .await
                .0,
        );
    }
    assert!(statuses.starts_with(&[200, 200, 200]), "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    let response = reqwest::Client::new()
        .post(format!("{base}/v1/batch"))
        .basic_auth(&key, Some(""))
        .body(batch)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 429);
    let retry: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!(retry >= 1, "{retry}");
    // Another key of the same tenant has its own budget.
    let other = make_key(&app, "acme", "staging");
    let empty = json!({"batch": []}).to_string().into_bytes();
    assert_eq!(
        post(&base, "/v1/batch", Some(&other), empty, false).await.0,
        200
    );
}

/// A database at `db` holding Acme Corp (account 1) and a write key for it, flushed and closed.
fn acme_with_a_key(db: &std::path::Path) -> String {
    let app = App::new(Store::open(db).expect("open"), None, Tz::UTC);
    exec(
        &app,
        "local",
        "/account add \"Acme Corp\" arr:10k renewal:2027-01-01",
    );
    let key = make_key(&app, "local", "prod");
    app.store.flush().expect("flush");
    key
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_answered_200_survives_kill_9() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let key = acme_with_a_key(&db);
    let mut served = served::Served::start_on(tempfile::tempdir().expect("dir"), &db, &[]);
    let base = format!("http://{}", served.addr);
    let mut acknowledged = 0;
    for n in 0..40 {
        let batch: Vec<Value> = (0..25)
            .map(|u| track(&format!("u{n}-{u}"), "Acme Corp"))
            .collect();
        let body = json!({"batch": batch}).to_string().into_bytes();
        if post(&base, "/v1/batch", Some(&key), body, false).await.0 == 200 {
            acknowledged += 25;
        }
    }
    served.child.kill().expect("kill -9");
    let _ = served.child.wait();
    assert_eq!(acknowledged, 1_000);
    let app = App::new(
        Store::open(&db).expect("reopen after kill -9"),
        None,
        Tz::UTC,
    );
    assert_eq!(rollup_users(&app, "local", 1), acknowledged);
}

/// Concurrent requests share one wait for the disk (`Store::make_durable` after the tenant's
/// lock is let go): a request answered 200 must still be on disk when the process is killed
/// while others are half-way, whichever of them flushed it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_answered_200_to_concurrent_requests_survive_kill_9_mid_flight() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let key = acme_with_a_key(&db);
    let mut served = served::Served::start_on(tempfile::tempdir().expect("dir"), &db, &[]);
    let base = format!("http://{}", served.addr);
    let sent = Arc::new(AtomicUsize::new(0));
    let (acks, mut acked) = tokio::sync::mpsc::unbounded_channel::<usize>();
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (base, key, sent, acks) = (base.clone(), key.clone(), sent.clone(), acks.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                for n in 0.. {
                    let batch: Vec<Value> = (0..25)
                        .map(|u| track(&format!("c{c}-{n}-{u}"), "Acme Corp"))
                        .collect();
                    sent.fetch_add(25, Ordering::SeqCst);
                    let answer = client
                        .post(format!("{base}/v1/batch"))
                        .basic_auth(&key, Some(""))
                        .header("content-type", "application/json")
                        .body(json!({ "batch": batch }).to_string())
                        .send()
                        .await;
                    match answer {
                        Ok(response) if response.status() == 200 => {
                            let _ = acks.send(25);
                        }
                        Ok(response) => panic!("answered {}", response.status()),
                        // Killed: this request may or may not have been stored.
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    drop(acks);
    let mut acknowledged = 0;
    while acknowledged < 2_000 {
        acknowledged += acked.recv().await.expect("the clients run until killed");
    }
    served.child.kill().expect("kill -9");
    let _ = served.child.wait();
    for client in clients {
        client.await.expect("client");
    }
    while let Ok(more) = acked.try_recv() {
        acknowledged += more;
    }
    let app = App::new(
        Store::open(&db).expect("reopen after kill -9"),
        None,
        Tz::UTC,
    );
    let stored = rollup_users(&app, "local", 1);
    let sent = sent.load(Ordering::SeqCst);
    assert!(
        (acknowledged..=sent).contains(&stored),
        "acknowledged {acknowledged}, sent {sent}, stored {stored}"
    );
}
