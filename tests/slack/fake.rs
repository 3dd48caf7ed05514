//! A stand-in for the Slack Web API on 127.0.0.1:0. It records every call, checks each
//! against Slack's OpenAPI description (`spec.rs`), answers like Slack, keeps posted messages
//! per channel for `conversations.history`, and can be told to fail a method a few times.
//! An unexpected method, a missing bot token or a call that breaks the description is a
//! test failure, reported by [`Fake::assert_clean`]. For the Add to Slack flow it answers
//! `oauth.v2.access` — codes and refresh tokens the test grants, each once — and accepts the
//! bot tokens it handed out; every call records the token it came with.

#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::spec;

/// The bot token the tests configure.
pub const BOT_TOKEN: &str = "xoxb-1111-2222-FAKEBOTTOKEN";
/// The Slack app's client id and secret (Add to Slack).
pub const CLIENT_ID: &str = "1111.2222";
pub const CLIENT_SECRET: &str = "c1ient-S3CRET-9d8e7f";

/// One recorded call.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub args: Value,
    /// The bearer token it came with (empty: none).
    pub token: String,
    /// When it arrived.
    pub at: std::time::Instant,
}

/// A canned answer for a scripted failure.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub retry_after: Option<u64>,
    pub body: Value,
    /// Store the message anyway (a post that went out although Slack answered an error).
    pub still_posts: bool,
    /// Answer only after this long (the call itself is recorded, and a message stored, at
    /// once: Slack acted, its answer is slow).
    pub delay: Option<Duration>,
}

impl Canned {
    pub fn status(status: u16) -> Canned {
        Canned {
            status,
            retry_after: None,
            body: json!({"ok": false, "error": "fatal_error"}),
            still_posts: false,
            delay: None,
        }
    }
    /// The normal answer, after `delay`, the call acted on at once.
    pub fn slow(delay: Duration) -> Canned {
        Canned {
            status: 200,
            retry_after: None,
            body: Value::Null,
            still_posts: true,
            delay: Some(delay),
        }
    }
    pub fn rate_limited(after: u64) -> Canned {
        Canned {
            status: 429,
            retry_after: Some(after),
            body: json!({"ok": false, "error": "ratelimited"}),
            still_posts: false,
            delay: None,
        }
    }
    pub fn error(code: &str) -> Canned {
        Canned {
            status: 200,
            retry_after: None,
            body: json!({"ok": false, "error": code}),
            still_posts: false,
            delay: None,
        }
    }
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    problems: Vec<String>,
    scripts: HashMap<String, VecDeque<Canned>>,
    history: HashMap<String, Vec<Value>>,
    users: HashMap<String, Value>,
    expected: Vec<String>,
    seq: u64,
    ws_url: Option<String>,
    /// Bytes POSTed to each upload URL, by file id.
    uploads: HashMap<String, Vec<u8>>,
    /// Slow answers (`Canned::slow`) due by now (sent back, unless the client left).
    slow_answered: usize,
    /// `oauth.v2.access` answers by code, and by refresh token; each is used once.
    grants: HashMap<String, Value>,
    refreshes: HashMap<String, Value>,
    /// Bot tokens handed out through `oauth.v2.access` (and not revoked).
    tokens: std::collections::HashSet<String>,
}

#[derive(Clone)]
pub struct Fake {
    inner: Arc<Mutex<Inner>>,
    pub url: String,
}

/// Methods Steward may call; anything else is a failure.
const KNOWN: [&str; 12] = [
    "conversations.info",
    "chat.postMessage",
    "chat.getPermalink",
    "files.getUploadURLExternal",
    "files.completeUploadExternal",
    "conversations.history",
    "conversations.open",
    "users.info",
    "views.publish",
    "views.open",
    "auth.test",
    "apps.connections.open",
];

impl Fake {
    pub async fn start() -> Fake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let fake = Fake {
            inner: Arc::new(Mutex::new(Inner::default())),
            url,
        };
        let app = Router::new()
            .route("/api/{method}", post(api).get(api))
            .route("/response/{id}", post(response_url))
            .route("/upload/{file}", post(upload))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The Web API base URL to configure as `SLACK_API_URL`.
    pub fn api_url(&self) -> String {
        format!("{}/api/", self.url)
    }

    /// A fresh `response_url`.
    pub fn response_url(&self) -> String {
        let mut inner = self.lock();
        inner.seq += 1;
        format!("{}/response/{}", self.url, inner.seq)
    }

    /// The next answers of `method`, before the normal one.
    pub fn script(&self, method: &str, answers: Vec<Canned>) {
        self.lock()
            .scripts
            .entry(method.to_string())
            .or_default()
            .extend(answers);
    }

    /// What `users.info` says about a user (default: a member of T1).
    pub fn user(&self, id: &str, user: Value) {
        self.lock().users.insert(id.to_string(), user);
    }

    /// `oauth.v2.access` answers `answer` to `code` (once); its bot token becomes good.
    pub fn grant(&self, code: &str, answer: Value) {
        self.lock().grants.insert(code.to_string(), answer);
    }

    /// `oauth.v2.access` with `grant_type=refresh_token` answers `answer` to `refresh` (once).
    pub fn refresh(&self, refresh: &str, answer: Value) {
        self.lock().refreshes.insert(refresh.to_string(), answer);
    }

    /// The tokens calls to `method` came with, in order.
    pub fn tokens_of(&self, method: &str) -> Vec<String> {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .map(|c| c.token.clone())
            .collect()
    }

    pub fn set_ws_url(&self, url: String) {
        self.lock().ws_url = Some(url);
    }

    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    pub fn calls_to(&self, method: &str) -> Vec<Value> {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .map(|c| c.args.clone())
            .collect()
    }

    /// Waits (on loopback, briefly) until `method` was called `n` times; its calls.
    pub async fn wait_for(&self, method: &str, n: usize) -> Vec<Value> {
        for _ in 0..500 {
            let calls = self.calls_to(method);
            if calls.len() >= n {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{method} was not called {n} times: {:#?}", self.calls());
    }

    /// The bytes uploaded for a file id (the `upload_url` step of the external upload).
    pub fn uploaded(&self, file: &str) -> Option<Vec<u8>> {
        self.lock().uploads.get(file).cloned()
    }

    /// The messages in a channel's history, newest first.
    pub fn history(&self, channel: &str) -> Vec<Value> {
        self.lock()
            .history
            .get(channel)
            .cloned()
            .unwrap_or_default()
    }

    /// Waits (on loopback) until `n` slow answers are due.
    pub async fn wait_for_slow_answers(&self, n: usize) {
        for _ in 0..1000 {
            if self.lock().slow_answered >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{n} slow answers were not sent: {:#?}", self.calls());
    }

    pub fn problems(&self) -> Vec<String> {
        self.lock().problems.clone()
    }

    /// Fails the test on unexpected methods, calls the description forbids, missing tokens.
    pub fn assert_clean(&self) {
        let problems = self.problems();
        assert!(
            problems.is_empty(),
            "the fake Slack saw problems:\n{}",
            problems.join("\n")
        );
    }

    fn record(&self, method: &str, args: Value, problems: Vec<String>) {
        self.record_with(method, args, String::new(), problems)
    }

    fn record_with(&self, method: &str, args: Value, token: String, problems: Vec<String>) {
        let mut inner = self.lock();
        inner.problems.extend(problems);
        inner.calls.push(Call {
            method: method.to_string(),
            args,
            token,
            at: std::time::Instant::now(),
        });
    }
}

fn answer(status: u16, retry_after: Option<u64>, body: Value) -> Response {
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        axum::Json(body),
    )
        .into_response();
    if let Some(after) = retry_after {
        response
            .headers_mut()
            .insert("retry-after", after.to_string().parse().expect("header"));
    }
    response
}

async fn api(
    State(fake): State<Fake>,
    Path(method): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut problems = Vec::new();
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if method == "oauth.v2.access" {
        return oauth_access(&fake, auth, &body);
    }
    let token = auth.strip_prefix("Bearer ").unwrap_or_default().to_string();
    if method == "apps.connections.open" {
        if !auth.starts_with("Bearer xapp-") {
            problems.push("apps.connections.open: called without the app-level token".into());
        }
    } else if token != BOT_TOKEN && !fake.lock().tokens.contains(&token) {
        problems.push(format!(
            "{method}: called without a bot token Slack handed out"
        ));
    }
    let mut args: Map<String, Value> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
    if !body.is_empty() {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(map)) => args.extend(map),
            _ => problems.push(format!("{method}: body is not a JSON object")),
        }
    }
    if !KNOWN.contains(&method.as_str()) {
        problems.push(format!("unexpected method {method}"));
        fake.record(&method, Value::Object(args), problems);
        return answer(200, None, json!({"ok": false, "error": "unknown_method"}));
    }
    problems.extend(spec::check_call(&method, &args));
    if method == "chat.postMessage" {
        problems.extend(spec::check_message_limits(&Value::Object(args.clone())));
    }
    let args = Value::Object(args);
    fake.record_with(&method, args.clone(), token, problems);
    let scripted = fake
        .lock()
        .scripts
        .get_mut(&method)
        .and_then(VecDeque::pop_front);
    let mut delay = None;
    if let Some(canned) = scripted {
        if canned.delay.is_none() {
            if canned.still_posts {
                store_message(&fake, &args);
            }
            return answer(canned.status, canned.retry_after, canned.body);
        }
        delay = canned.delay;
    }
    let body = normal_answer(&fake, &method, &args);
    if let Some(delay) = delay {
        // Counted by a task of its own: a client that gives up first closes the connection,
        // and this handler is dropped with it.
        let counting = fake.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            counting.lock().slow_answered += 1;
        });
        tokio::time::sleep(delay).await;
    }
    answer(200, None, body)
}

/// `oauth.v2.access`: the client id and secret in Basic auth, the rest form-encoded; a code
/// (checked against the description, whose 2021 text predates token rotation) or a refresh
/// token, each answered once with what the test granted.
fn oauth_access(fake: &Fake, auth: &str, body: &[u8]) -> Response {
    use base64::Engine;
    let mut problems = Vec::new();
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    if auth != format!("Basic {basic}") {
        problems.push("oauth.v2.access: without the client id and secret in Basic auth".into());
    }
    let form: Map<String, Value> = url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let refreshing = form.get("grant_type") == Some(&json!("refresh_token"));
    if !refreshing {
        problems.extend(spec::check_call("oauth.v2.access", &form));
    }
    let granted = {
        let mut inner = fake.lock();
        let granted = match refreshing {
            true => form["refresh_token"]
                .as_str()
                .and_then(|r| inner.refreshes.remove(r)),
            false => form["code"].as_str().and_then(|c| inner.grants.remove(c)),
        };
        if let Some(token) = granted.as_ref().and_then(|g| g["access_token"].as_str()) {
            inner.tokens.insert(token.to_string());
        }
        granted
    };
    fake.record("oauth.v2.access", Value::Object(form), problems);
    answer(
        200,
        None,
        granted.unwrap_or_else(|| json!({"ok": false, "error": if refreshing { "invalid_refresh_token" } else { "invalid_code" }})),
    )
}

/// What Slack answers a call that succeeds (a post is stored at once).
fn normal_answer(fake: &Fake, method: &str, args: &Value) -> Value {
    match method {
        "chat.postMessage" => store_message(fake, args),
        "conversations.history" => {
            let channel = args["channel"].as_str().unwrap_or_default().to_string();
            let messages = fake
                .lock()
                .history
                .get(&channel)
                .cloned()
                .unwrap_or_default();
            json!({"ok": true, "messages": messages, "has_more": false, "pin_count": 0, "channel_actions_ts": null, "channel_actions_count": 0, "response_metadata": {"next_cursor": ""}})
        }
        "conversations.open" => {
            json!({"ok": true, "channel": {"id": format!("D{}", args["users"].as_str().unwrap_or_default())}})
        }
        "users.info" => {
            let id = args["user"].as_str().unwrap_or_default().to_string();
            let user = fake.lock().users.get(&id).cloned().unwrap_or_else(|| json!({"id": id, "team_id": "T1", "is_restricted": false, "is_ultra_restricted": false}));
            json!({"ok": true, "user": user})
        }
        "views.publish" | "views.open" => json!({"ok": true, "view": args["view"]}),
        // docs.slack.dev/reference/methods/chat.getPermalink: `{ok, channel, permalink}`.
        // docs.slack.dev/reference/methods/conversations.info: `{ok, channel: {id, is_member, …}}`;
        // the bot is a member of every channel but C9.
        "conversations.info" => {
            let channel = args["channel"].as_str().unwrap_or_default();
            json!({"ok": true, "channel": {"id": channel, "name": "shared", "is_channel": true, "is_member": channel != "C9"}})
        }
        "chat.getPermalink" => {
            let channel = args["channel"].as_str().unwrap_or_default();
            let ts = args["message_ts"]
                .as_str()
                .unwrap_or_default()
                .replace('.', "");
            json!({"ok": true, "channel": channel, "permalink": format!("https://example.slack.com/archives/{channel}/p{ts}")})
        }
        "auth.test" => {
            json!({"ok": true, "url": "https://t1.slack.com/", "team": "T1", "user": "steward", "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"})
        }
        "apps.connections.open" => {
            json!({"ok": true, "url": fake.lock().ws_url.clone().unwrap_or_default()})
        }
        "files.getUploadURLExternal" => {
            let file = {
                let mut inner = fake.lock();
                inner.seq += 1;
                format!("F{:08}", inner.seq)
            };
            json!({"ok": true, "upload_url": format!("{}/upload/{file}", fake.url), "file_id": file})
        }
        "files.completeUploadExternal" => {
            let (files, uploads) = (args["files"].clone(), fake.lock().uploads.clone());
            let mut problems = Vec::new();
            for file in files.as_array().into_iter().flatten() {
                let id = file["id"].as_str().unwrap_or_default();
                if !uploads.contains_key(id) {
                    problems.push(format!(
                        "files.completeUploadExternal: {id} was never uploaded"
                    ));
                }
            }
            fake.lock().problems.extend(problems);
            json!({"ok": true, "files": files})
        }
        _ => json!({"ok": true}),
    }
}

/// Keeps a posted message in its channel's history, as Slack returns it.
fn store_message(fake: &Fake, args: &Value) -> Value {
    let mut inner = fake.lock();
    inner.seq += 1;
    let ts = format!("1700000000.{:06}", inner.seq);
    let channel = args["channel"].as_str().unwrap_or_default().to_string();
    let message = json!({"type": "message", "subtype": "bot_message", "bot_id": "BBOT", "text": args["text"], "ts": ts, "metadata": args["metadata"], "blocks": args["blocks"]});
    inner
        .history
        .entry(channel.clone())
        .or_default()
        .insert(0, message.clone());
    json!({"ok": true, "channel": channel, "ts": ts, "message": message})
}

/// The `upload_url` step: the file's bytes, without a token; Slack answers in plain text.
async fn upload(
    State(fake): State<Fake>,
    Path(file): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut problems = Vec::new();
    if headers.contains_key("authorization") {
        problems.push(format!(
            "upload of {file}: the bot token was sent to the upload URL"
        ));
    }
    let length = body.len();
    fake.record("upload", json!({"file": file, "length": length}), problems);
    fake.lock().uploads.insert(file, body.to_vec());
    (StatusCode::OK, format!("OK - {length}")).into_response()
}

async fn response_url(State(fake): State<Fake>, Path(_id): Path<String>, body: Bytes) -> Response {
    let args: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let problems = spec::check_response_url(&args);
    fake.record("response_url", args, problems);
    (StatusCode::OK, "ok").into_response()
}
