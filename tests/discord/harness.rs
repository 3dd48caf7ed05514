//! The Discord adapter in-process: a database in a temporary directory, the adapter pointed
//! at the fake REST API, `/discord/interactions` served on 127.0.0.1:0 with a frozen clock,
//! and interaction payloads built from the JSON fixtures beside this file, signed with an
//! Ed25519 key generated here.

#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use ed25519_dalek::{Signer, SigningKey};
use secrecy::SecretString;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use super::fake::{Fake, BOT_TOKEN};
use steward::app::App;
use steward::config::Admins;
use steward::discord::{rest::Retry, routes, Discord, Settings};
use steward::store::Store;

pub const GUILD: &str = "80351110224678912";
pub const APP: &str = "1100000000000000001";
pub const CHANNEL: &str = "1200000000000000001";
pub const JANE: &str = "1500000000000000001";
pub const OMAR: &str = "1500000000000000002";
/// VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY; with Manage Server (1 << 5).
pub const MEMBER: &str = "68608";
pub const MANAGER: &str = "68640";

/// A Monday, 09:00 UTC: every run takes it as now.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant")
}

/// What a harness differs in.
pub struct Options {
    pub role: Option<String>,
    pub deadline: Duration,
    pub guild_id: Option<u64>,
    pub admins: Option<String>,
    pub token: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            role: None,
            deadline: Duration::from_secs(10),
            guild_id: None,
            admins: None,
            token: true,
        }
    }
}

pub struct Harness {
    pub url: String,
    pub fake: Fake,
    pub app: Arc<App>,
    pub discord: Arc<Discord>,
    pub key: SigningKey,
    http: reqwest::Client,
    seq: AtomicU64,
    _dir: tempfile::TempDir,
}

/// A key pair made in the test (from a fixed seed, so failures reproduce).
pub fn test_key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// `X-Signature-Ed25519` for `timestamp + body`.
pub fn sign(key: &SigningKey, timestamp: &str, body: &[u8]) -> String {
    hex::encode(key.sign(&[timestamp.as_bytes(), body].concat()).to_bytes())
}

/// Everything this test binary logs, at `trace`, through Steward's own filter (DECISIONS 24).
pub fn logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(steward::logging::filter(Some("trace"), false))
            .with_writer(move || Capture(sink.clone()))
            .with_ansi(false)
            .try_init();
        buffer
    })
    .clone()
}

/// The logs so far, as text.
pub fn log_text() -> String {
    String::from_utf8_lossy(&logs().lock().unwrap_or_else(|p| p.into_inner())).into_owned()
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Harness {
    pub async fn start(options: Options) -> Harness {
        logs();
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("discord.db")).expect("open store");
        let admins = options
            .admins
            .as_deref()
            .map(|a| Admins::parse(a).expect("valid admins"));
        let app = Arc::new(App::new(store, admins, chrono_tz::UTC));
        let fake = Fake::start().await;
        let key = test_key(7);
        let settings = Settings {
            api_url: fake.url.clone(),
            token: options.token.then(|| SecretString::from(BOT_TOKEN)),
            application_id: Some(APP.parse().expect("id")),
            public_key: Some(hex::encode(key.verifying_key().to_bytes())),
            guild_id: options.guild_id,
            role: options.role,
            clock: Arc::new(now),
            deadline: options.deadline,
            retry: Retry::immediate(),
        };
        let discord = Discord::new(app.clone(), settings).expect("adapter");
        let listener = steward::serve::http::listen("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!(
            "http://{}/discord/interactions",
            listener.local_addr().expect("addr")
        );
        let router = routes::router(discord.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Harness {
            url,
            fake,
            app,
            discord,
            key,
            http: reqwest::Client::new(),
            seq: AtomicU64::new(0),
            _dir: dir,
        }
    }

    /// Posts `body` with the given signature headers; the status and the response text.
    pub async fn raw(
        &self,
        body: Vec<u8>,
        signature: Option<String>,
        timestamp: Option<String>,
    ) -> (u16, String) {
        let mut request = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(signature) = signature {
            request = request.header("X-Signature-Ed25519", signature);
        }
        if let Some(timestamp) = timestamp {
            request = request.header("X-Signature-Timestamp", timestamp);
        }
        let response = request.send().await.expect("the endpoint answers");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// Posts `payload` signed as Discord signs it; the status and the JSON answer.
    pub async fn send(&self, payload: &Value) -> (u16, Value) {
        let body = serde_json::to_vec(payload).expect("JSON");
        let timestamp = now().timestamp().to_string();
        let signature = sign(&self.key, &timestamp, &body);
        let (status, text) = self.raw(body, Some(signature), Some(timestamp)).await;
        if let Some(token) = payload["token"].as_str() {
            self.fake.answered(token);
        }
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A command interaction from `user` with `permissions`, answered 200; the callback.
    pub async fn command_as(
        &self,
        user: &str,
        permissions: &str,
        group: &str,
        sub: &str,
        options: Value,
    ) -> Value {
        let payload = self.payload(command(group, sub, options), user, permissions);
        let (status, answer) = self.send(&payload).await;
        assert_eq!(status, 200, "/{group} {sub}: {answer}");
        super::spec::assert_valid(super::spec::Op::Callback, &answer);
        answer
    }

    /// A command from Jane, a plain member.
    pub async fn command(&self, group: &str, sub: &str, options: Value) -> Value {
        self.command_as(JANE, MEMBER, group, sub, options).await
    }

    /// A fixture with a fresh interaction id and token, from `user` with `permissions`.
    pub fn payload(&self, mut payload: Value, user: &str, permissions: &str) -> Value {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        payload["id"] = json!(format!("{}", 1_400_000_000_000_000_000u64 + n));
        payload["token"] = json!(format!("token-{n}"));
        if payload.get("member").is_some() {
            payload["member"]["user"]["id"] = json!(user);
            payload["member"]["permissions"] = json!(permissions);
        }
        payload
    }
}

fn fixture(name: &str) -> Value {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/discord")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("fixture JSON")
}

pub fn ping() -> Value {
    fixture("ping.json")
}

/// `/group sub` with `options` (`[{name, type, value}]`), as a type-2 interaction.
pub fn command(group: &str, sub: &str, options: Value) -> Value {
    let mut payload = fixture("command.json");
    payload["data"]["name"] = json!(group);
    payload["data"]["options"] = json!([{"name": sub, "type": 1, "options": options}]);
    payload
}

/// The same command as an autocomplete interaction (type 4), `focused` being typed.
pub fn autocomplete(group: &str, sub: &str, focused: &str, typed: &str) -> Value {
    let mut payload = command(
        group,
        sub,
        json!([{"name": focused, "type": 3, "value": typed, "focused": true}]),
    );
    payload["type"] = json!(4);
    payload
}

/// A click on the button `custom_id` (type 3).
pub fn click(custom_id: &str) -> Value {
    let mut payload = fixture("component.json");
    payload["data"]["custom_id"] = json!(custom_id);
    payload
}

/// A string option.
pub fn s(name: &str, value: &str) -> Value {
    json!({"name": name, "type": 3, "value": value})
}

/// The text of a callback's embeds (titles, descriptions, fields) and content.
pub fn text_of(message: &Value) -> String {
    let mut out = message["content"].as_str().unwrap_or_default().to_string();
    for e in message["embeds"].as_array().into_iter().flatten() {
        for key in ["title", "description"] {
            out.push('\n');
            out.push_str(e[key].as_str().unwrap_or_default());
        }
        for f in e["fields"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "\n{}: {}",
                f["name"].as_str().unwrap_or_default(),
                f["value"].as_str().unwrap_or_default()
            ));
        }
    }
    out
}
