//! The Discord adapter end to end, against Discord's documented wire formats: interaction
//! payloads as Discord sends them (fixtures in `tests/discord/`), signed with an Ed25519 key
//! made in the test, posted to `/discord/interactions` on 127.0.0.1:0; a fake REST API
//! (`DISCORD_API_URL`) recording every call; every answer and request body checked against
//! Discord's OpenAPI description. This file: the door (signatures, timestamps, sizes);
//! commands in `tests/discord/commands.rs`; autocomplete, buttons, deferral and follow-ups
//! in `tests/discord/answers.rs`; pictures (PNG attachments) in `tests/discord/pictures.rs`;
//! posting, registration and the scheduler in `tests/discord/posting.rs`; gateway mode in
//! `tests/discord/gateway.rs`.

#[path = "common/acme_indicators.rs"]
mod acme_indicators;
#[path = "discord/answers.rs"]
mod answers;
#[path = "common/api_specs.rs"]
mod api_specs;
#[path = "discord/commands.rs"]
mod commands;
#[path = "discord/conversations.rs"]
mod conversations;
#[path = "discord/fake.rs"]
mod fake;
#[path = "discord/gateway.rs"]
mod gateway;
#[path = "discord/harness.rs"]
mod harness;
#[path = "discord/indicators.rs"]
mod indicators;
#[path = "discord/multipart.rs"]
mod multipart;
#[path = "discord/pictures.rs"]
mod pictures;
#[path = "discord/posting.rs"]
mod posting;
#[path = "discord/spec.rs"]
mod spec;

use serde_json::json;

use harness::{command, now, ping, s, sign, test_key, text_of, Harness, Options, JANE, MEMBER};
use spec::{assert_valid, Op};

pub const EPHEMERAL: u64 = 64;

pub async fn add_account(h: &Harness, name: &str) {
    let answer = h
        .command(
            "account",
            "add",
            json!([s("name", name), s("arr", "50k"), s("renewal", "2026-06-30")]),
        )
        .await;
    assert!(!text_of(&answer["data"]).starts_with("error"), "{answer}");
}

#[tokio::test]
async fn ping_is_answered_with_pong() {
    let h = Harness::start(Options::default()).await;
    let (status, answer) = h.send(&ping()).await;
    assert_eq!((status, answer.clone()), (200, json!({"type": 1})));
    assert_valid(Op::Callback, &answer);
    h.fake.assert_clean();
}

#[tokio::test]
async fn forged_stale_or_tampered_requests_get_401_and_change_nothing() {
    let h = Harness::start(Options::default()).await;
    let payload = h.payload(
        command(
            "account",
            "add",
            json!([
                s("name", "Forged"),
                s("arr", "1k"),
                s("renewal", "2027-01-01")
            ]),
        ),
        JANE,
        MEMBER,
    );
    let body = serde_json::to_vec(&payload).expect("JSON");
    let ts = now().timestamp().to_string();
    let stale = (now().timestamp() - 301).to_string();
    let cases = [
        (
            "another key",
            Some(sign(&test_key(9), &ts, &body)),
            Some(ts.clone()),
            body.clone(),
        ),
        (
            "another timestamp",
            Some(sign(&h.key, &ts, &body)),
            Some((now().timestamp() + 1).to_string()),
            body.clone(),
        ),
        (
            "stale, correctly signed",
            Some(sign(&h.key, &stale, &body)),
            Some(stale.clone()),
            body.clone(),
        ),
        (
            "tampered body",
            Some(sign(&h.key, &ts, &body)),
            Some(ts.clone()),
            [&body[..], b" "].concat(),
        ),
        ("no signature", None, Some(ts.clone()), body.clone()),
        (
            "no timestamp",
            Some(sign(&h.key, &ts, &body)),
            None,
            body.clone(),
        ),
        (
            "garbage signature",
            Some("zz".repeat(64)),
            Some(ts.clone()),
            body.clone(),
        ),
    ];
    for (what, signature, timestamp, body) in cases {
        let (status, _) = h.raw(body, signature, timestamp).await;
        assert_eq!(status, 401, "{what}");
    }
    // The same request, rightly signed, gets through: the refusals were the signature's.
    let (status, _) = h.send(&payload).await;
    assert_eq!(status, 200);
    let shown = h
        .command("account", "show", json!([s("account", "Forged")]))
        .await;
    assert!(text_of(&shown["data"]).contains("Forged"));
    assert!(h.fake.calls().is_empty(), "nothing reached Discord's API");
}

#[tokio::test]
async fn bodies_over_64_kib_get_413() {
    let h = Harness::start(Options::default()).await;
    let mut payload = h.payload(command("steward", "help", json!([])), JANE, MEMBER);
    payload["padding"] = json!("x".repeat(65 * 1024));
    let body = serde_json::to_vec(&payload).expect("JSON");
    let ts = now().timestamp().to_string();
    let (status, _) = h
        .raw(body.clone(), Some(sign(&h.key, &ts, &body)), Some(ts))
        .await;
    assert_eq!(status, 413);
}

/// `serve` with only `DISCORD_PUBLIC_KEY`: the route is there, interactions are answered,
/// and the server shuts down cleanly.
#[tokio::test]
async fn serve_mounts_the_interactions_endpoint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = steward::store::Store::open(&dir.path().join("db")).expect("store");
    let app = std::sync::Arc::new(steward::app::App::new(store, None, chrono_tz::UTC));
    let key = test_key(3);
    let config = steward::config::DiscordConfig {
        token: None,
        application_id: Some(harness::APP.into()),
        public_key: Some(hex::encode(key.verifying_key().to_bytes())),
        api_url: "http://127.0.0.1:9".into(),
        guild_id: None,
    };
    let setup = steward::discord::Setup::from_config(app.clone(), &config, None).expect("setup");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(steward::serve::serve_all(
        listener,
        app,
        None,
        Some(setup),
        async {
            let _ = stopped.await;
        },
    ));
    let body = serde_json::to_vec(&ping()).expect("JSON");
    let ts = chrono::Utc::now().timestamp().to_string();
    let answer = reqwest::Client::new()
        .post(format!("{url}/discord/interactions"))
        .header("X-Signature-Ed25519", sign(&key, &ts, &body))
        .header("X-Signature-Timestamp", ts)
        .body(body)
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(answer.text().await.ok().as_deref(), Some(r#"{"type":1}"#));
    let _ = stop.send(());
    assert_eq!(server.await.ok(), Some(Ok(())));
}
