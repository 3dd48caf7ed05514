//! Starts Steward's `serve` in-process on 127.0.0.1:0 against the fake Web API, and sends it
//! requests signed the way Slack signs them.

#![allow(dead_code)]

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use secrecy::SecretString;
use serde_json::{json, Value};
use sha2::Sha256;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use steward::app::App;
use steward::config::Admins;
use steward::slack::{api::Retry, Clock, Mode, Settings, Setup, Slack};
use steward::store::Store;

use super::fake::{Fake, BOT_TOKEN};

pub const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
pub const ADMIN: &str = "UADMIN";
/// The `STEWARD_SECRET_KEY` of harnesses with the Add to Slack flow.
pub const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// `v0=` HMAC-SHA256 of `v0:{ts}:{body}` — written here independently of Steward's check.
pub fn sign(secret: &str, ts: &str, body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("v0:{ts}:").as_bytes());
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// The environment of a `steward serve` replica on the PostgreSQL database `url`, Slack over
/// HTTP against `fake`, requests signed with [`SECRET`], and `U1` an admin.
pub fn replica_env(url: &str, fake: &Fake) -> Vec<(&'static str, String)> {
    vec![
        ("STEWARD_DATABASE_URL", url.to_string()),
        ("SLACK_BOT_TOKEN", BOT_TOKEN.to_string()),
        ("SLACK_SIGNING_SECRET", SECRET.to_string()),
        ("SLACK_API_URL", fake.api_url()),
        ("STEWARD_ADMINS", "U1".to_string()),
    ]
}

/// A running Steward with the Slack adapter over HTTP.
pub struct Harness {
    pub fake: Fake,
    pub app: Arc<App>,
    pub slack: Arc<Slack>,
    pub base: String,
    pub client: Client<HttpConnector, Full<Bytes>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<Result<(), String>>>,
}

/// How a harness is set up.
pub struct Options {
    pub prefix: String,
    pub clock: Option<Clock>,
    pub deadline: Duration,
    /// The longest one Web API call may take.
    pub call_timeout: Duration,
    /// Serve the Add to Slack flow (tokens from installations sealed under [`SECRET_KEY`])
    /// instead of the one bot token.
    pub oauth: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            prefix: String::new(),
            clock: None,
            deadline: Duration::from_secs(2),
            call_timeout: Duration::from_secs(10),
            oauth: false,
        }
    }
}

pub fn retry() -> Retry {
    Retry {
        attempts: 3,
        backoff: Duration::ZERO,
        max_wait: Duration::from_secs(2),
        timeout: Duration::from_secs(10),
    }
}

/// The adapter for `app` against `fake`.
pub fn slack(app: Arc<App>, fake: &Fake, options: &Options) -> Arc<Slack> {
    slack_at(app, fake, options, "http://127.0.0.1:9")
}

/// The adapter for `app` against `fake`, served publicly at `public_url`.
pub fn slack_at(app: Arc<App>, fake: &Fake, options: &Options, public_url: &str) -> Arc<Slack> {
    let oauth = options.oauth.then(|| {
        let key = steward::secrets::SecretKey::parse(SECRET_KEY, "test key").expect("key");
        let oauth = steward::slack::oauth::OAuth::new(
            &fake.api_url(),
            super::fake::CLIENT_ID.into(),
            SecretString::from(super::fake::CLIENT_SECRET),
            public_url,
            key,
        );
        Arc::new(oauth.expect("OAuth settings"))
    });
    let settings = Settings {
        api_url: fake.api_url(),
        bot_token: (!options.oauth).then(|| SecretString::from(BOT_TOKEN)),
        oauth,
        prefix: options.prefix.clone(),
        clock: options
            .clock
            .clone()
            .unwrap_or_else(steward::slack::system_clock),
        deadline: options.deadline,
        retry: Retry {
            timeout: options.call_timeout,
            ..retry()
        },
    };
    Arc::new(Slack::new(app, settings).expect("adapter"))
}

/// The app over `db`, sealing secrets with a key file beside it (as `steward serve` does
/// without `STEWARD_SECRET_KEY`).
pub fn open_app(db: &Path) -> Arc<App> {
    let store = Store::open(db).expect("store");
    Arc::new(
        App::new(
            store,
            Some(Admins::parse(ADMIN).expect("admins")),
            chrono_tz::UTC,
        )
        .with_keyring(steward::secrets::Keyring::new(None, db)),
    )
}

impl Harness {
    pub async fn start(db: &Path, fake: Fake, options: Options) -> Harness {
        let app = open_app(db);
        let listener = steward::serve::http::listen("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let slack = slack_at(app.clone(), &fake, &options, &base);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let setup = Setup {
            slack: slack.clone(),
            mode: Mode::Http {
                signing_secret: SecretString::from(SECRET),
            },
        };
        let server = tokio::spawn(steward::serve::serve_on(
            listener,
            app.clone(),
            Some(setup),
            async move {
                let _ = stopped.await;
            },
        ));
        let client = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
        Harness {
            fake,
            app,
            slack,
            base,
            client,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Stops serving and waits for the clean shutdown (the database is flushed and closed).
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("served cleanly");
        }
    }

    /// POSTs `body` to `path` with the given headers; the status and body.
    pub async fn raw(
        &self,
        path: &str,
        content_type: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> (u16, String) {
        let mut request = axum::http::Request::post(format!("{}{path}", self.base))
            .header("content-type", content_type);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let (status, _, body) = self.send(request, Bytes::from(body)).await;
        (status, body)
    }

    /// GETs `path` (with a `Cookie` header when given); the status, headers and body.
    pub async fn get(
        &self,
        path: &str,
        cookie: Option<&str>,
    ) -> (u16, axum::http::HeaderMap, String) {
        let mut request = axum::http::Request::get(format!("{}{path}", self.base));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        self.send(request, Bytes::new()).await
    }

    /// Sends `request` with `body`; the status, headers and body of the answer.
    async fn send(
        &self,
        request: axum::http::request::Builder,
        body: Bytes,
    ) -> (u16, axum::http::HeaderMap, String) {
        let response = self
            .client
            .request(request.body(Full::new(body)).expect("request"))
            .await
            .expect("response");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, headers, String::from_utf8_lossy(&bytes).to_string())
    }

    /// POSTs a body signed now (or at `ts`).
    pub async fn signed(
        &self,
        path: &str,
        content_type: &str,
        body: &[u8],
        ts: Option<i64>,
        extra: &[(&str, String)],
    ) -> (u16, String) {
        let ts = ts.unwrap_or_else(|| Utc::now().timestamp()).to_string();
        let mut headers = vec![
            ("x-slack-request-timestamp", ts.clone()),
            ("x-slack-signature", sign(SECRET, &ts, body)),
        ];
        headers.extend(extra.iter().cloned());
        self.raw(path, content_type, &headers, body.to_vec()).await
    }

    /// A slash command from `user` in channel C1 of team T1; the JSON answer (or `Null`).
    pub async fn command(&self, user: &str, command: &str, text: &str) -> serde_json::Value {
        let body = command_form("T1", None, user, command, text, &self.fake.response_url());
        let (status, answer) = self
            .signed(
                "/slack/commands",
                "application/x-www-form-urlencoded",
                body.as_bytes(),
                None,
                &[],
            )
            .await;
        assert_eq!(status, 200, "{answer}");
        serde_json::from_str(&answer).unwrap_or(serde_json::Value::Null)
    }

    /// An Events API payload.
    pub async fn event(
        &self,
        envelope: &serde_json::Value,
        extra: &[(&str, String)],
    ) -> (u16, String) {
        self.signed(
            "/slack/events",
            "application/json",
            envelope.to_string().as_bytes(),
            None,
            extra,
        )
        .await
    }

    /// An interaction payload (form field `payload`).
    pub async fn interaction(&self, payload: &serde_json::Value) -> (u16, String) {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", &payload.to_string())
            .finish();
        self.signed(
            "/slack/interactivity",
            "application/x-www-form-urlencoded",
            body.as_bytes(),
            None,
            &[],
        )
        .await
    }
}

/// Slack's slash command form.
pub fn command_form(
    team: &str,
    enterprise: Option<&str>,
    user: &str,
    command: &str,
    text: &str,
    response_url: &str,
) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("token", "gIkuvaNzQIHg97ATvDxqgjtO")
        .append_pair("team_id", team)
        .append_pair("team_domain", "example");
    if let Some(enterprise) = enterprise {
        form.append_pair("enterprise_id", enterprise);
    }
    form.append_pair("channel_id", "C1")
        .append_pair("channel_name", "accounts")
        .append_pair("user_id", user)
        .append_pair("user_name", "someone")
        .append_pair("command", command)
        .append_pair("text", text)
        .append_pair("response_url", response_url)
        .append_pair("trigger_id", "13345224609.738474920.8088930838d88f008e0")
        .append_pair("api_app_id", "A123456");
    form.finish()
}

/// A clock stopped at `at`.
pub fn frozen(at: DateTime<Utc>) -> Clock {
    Arc::new(move || at)
}

/// Every text of a message's blocks, joined.
pub fn block_text(message: &serde_json::Value) -> String {
    let mut out = String::new();
    for block in message["blocks"].as_array().into_iter().flatten() {
        if let Some(text) = block["text"]["text"].as_str() {
            out.push_str(text);
            out.push('\n');
        }
        for field in block["fields"].as_array().into_iter().flatten() {
            out.push_str(field["text"].as_str().unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

/// A button click (`block_actions`) by `user` in channel C1 of team T1.
pub fn block_action(action_id: &str, value: &str, user: &str, response_url: &str) -> Value {
    json!({
        "type": "block_actions",
        "team": {"id": "T1", "domain": "example"},
        "user": {"id": user, "username": "someone", "team_id": "T1"},
        "api_app_id": "A1",
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C1", "is_ephemeral": false},
        "trigger_id": "1.2.3",
        "channel": {"id": "C1", "name": "accounts"},
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "steward_account_0", "value": value, "action_ts": "1700000001.000200", "text": {"type": "plain_text", "text": "x"}}],
    })
}
