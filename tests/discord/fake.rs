//! A stand-in for Discord's REST API (v10) on 127.0.0.1:0, as `DISCORD_API_URL`. It records
//! every call, checks each request body against Discord's OpenAPI description (`spec.rs`),
//! answers like Discord — create-message honours `nonce` + `enforce_nonce` (a repeat returns
//! the message already made), history lists what was posted — and can be scripted to fail a
//! route a few times. Messages with files come as `multipart/form-data` (`multipart.rs`):
//! `payload_json` is checked as the body, the files recorded; files for an interaction whose
//! callback Discord does not have yet are refused with 404 "Unknown interaction", as Discord
//! does, so Steward must try again. An unexpected route, a bot call without the bot token, a
//! body the description refuses, or a file Discord could not place is a problem, reported by
//! [`Fake::assert_clean`].

#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

use super::multipart::{self, File};
use super::spec::{self, Op};

pub const BOT_TOKEN: &str = "MTA5ODc2NTQzMjEwOTg3NjU0.FAKE.bot-token-for-tests";

/// One recorded call: method, path (no `/api/v10`, no query), body (`payload_json` of a
/// multipart request), and the files uploaded with it.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Value,
    pub files: Vec<File>,
}

/// A scripted answer: `status` and `body` (for any route); `still_applies` makes a
/// create-message store the message anyway (a post that went out although the answer was lost or an error).
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub body: Value,
    pub still_applies: bool,
}

impl Canned {
    pub fn rate_limited(secs: f64) -> Canned {
        Canned {
            status: 429,
            body: json!({"message": "You are being rate limited.", "retry_after": secs, "global": false}),
            still_applies: false,
        }
    }
    pub fn server_error_after_posting() -> Canned {
        Canned {
            status: 500,
            body: json!({"message": "500: Internal Server Error", "code": 0}),
            still_applies: true,
        }
    }
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    problems: Vec<String>,
    /// Scripts by "METHOD /path-pattern" (ids replaced by `*`).
    scripts: HashMap<String, VecDeque<Canned>>,
    /// Messages per channel, oldest first.
    messages: HashMap<String, Vec<Value>>,
    /// Registered commands per scope path.
    commands: HashMap<String, Value>,
    /// `/guilds/{g}/roles` and members by user id.
    roles: Vec<Value>,
    members: HashMap<String, Value>,
    /// What `GET /gateway` answers (the fake gateway's `ws://` URL).
    gateway: Option<String>,
    /// Interaction tokens whose callback was answered (over the gateway, or as the HTTP
    /// endpoint's response, which the harness reports).
    answered: HashSet<String>,
    seq: u64,
}

#[derive(Clone)]
pub struct Fake {
    inner: Arc<Mutex<Inner>>,
    changed: Arc<Notify>,
    pub url: String,
}

impl Fake {
    pub async fn start() -> Fake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let fake = Fake {
            inner: Arc::new(Mutex::new(Inner::default())),
            changed: Arc::new(Notify::new()),
            url,
        };
        let app = Router::new().fallback(route).with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next answers of `pattern` (e.g. `POST /channels/*/messages`), before normal ones.
    pub fn script(&self, pattern: &str, answers: Vec<Canned>) {
        self.lock()
            .scripts
            .entry(pattern.to_string())
            .or_default()
            .extend(answers);
    }

    pub fn set_roles(&self, roles: Value) {
        self.lock().roles = roles.as_array().cloned().unwrap_or_default();
    }

    pub fn add_member(&self, user: &str, roles: &[&str]) {
        self.lock().members.insert(user.to_string(), json!({"user": {"id": user, "username": "u"}, "roles": roles, "joined_at": "2025-01-01T00:00:00+00:00", "deaf": false, "mute": false, "flags": 0}));
    }

    pub fn set_gateway(&self, url: &str) {
        self.lock().gateway = Some(url.to_string());
    }

    /// The interaction with `token` was answered (the HTTP endpoint's response came back).
    pub fn answered(&self, token: &str) {
        self.lock().answered.insert(token.to_string());
    }

    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// Calls matching `pattern` (`METHOD /path` with `*` for ids).
    pub fn calls_to(&self, pattern: &str) -> Vec<Call> {
        self.lock()
            .calls
            .iter()
            .filter(|c| matches(pattern, &c.method, &c.path))
            .cloned()
            .collect()
    }

    /// Messages stored in `channel`, oldest first.
    pub fn messages(&self, channel: &str) -> Vec<Value> {
        self.lock()
            .messages
            .get(channel)
            .cloned()
            .unwrap_or_default()
    }

    /// Waits until `pattern` was called `n` times (woken by each call, no polling).
    pub async fn wait_for(&self, pattern: &str, n: usize) -> Vec<Call> {
        let waited = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                let notified = self.changed.notified();
                let calls = self.calls_to(pattern);
                if calls.len() >= n {
                    return calls;
                }
                notified.await;
            }
        });
        waited
            .await
            .unwrap_or_else(|_| panic!("{pattern} was not called {n} times: {:#?}", self.calls()))
    }

    /// Waits until a call matching `pattern` is `wanted`; the first such call.
    pub async fn wait_for_call(&self, pattern: &str, wanted: impl Fn(&Call) -> bool) -> Call {
        let waited = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                let notified = self.changed.notified();
                if let Some(call) = self.calls_to(pattern).into_iter().find(&wanted) {
                    return call;
                }
                notified.await;
            }
        });
        waited
            .await
            .unwrap_or_else(|_| panic!("no such {pattern} call: {:#?}", self.calls()))
    }

    pub fn assert_clean(&self) {
        let problems = self.lock().problems.clone();
        assert!(
            problems.is_empty(),
            "the fake Discord saw problems:\n{}",
            problems.join("\n")
        );
    }
}

/// `POST /channels/*/messages` against a method and a path.
fn matches(pattern: &str, method: &str, path: &str) -> bool {
    let Some((m, p)) = pattern.split_once(' ') else {
        return false;
    };
    let (want, got): (Vec<&str>, Vec<&str>) = (p.split('/').collect(), path.split('/').collect());
    m == method
        && want.len() == got.len()
        && want.iter().zip(&got).all(|(w, g)| *w == "*" || w == g)
}

fn answer(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if body.is_null() {
        return status.into_response();
    }
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Routes that need the bot token (the interaction webhooks do not).
fn needs_bot(path: &str) -> bool {
    !path.starts_with("/webhooks/") && !path.starts_with("/interactions/")
}

async fn route(State(fake): State<Fake>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let method = parts.method.clone();
    let path = parts
        .uri
        .path()
        .strip_prefix("/api/v10")
        .unwrap_or("")
        .to_string();
    let content_type = parts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut problems = Vec::new();
    let (body, files) = match multipart::read(content_type, &bytes, &mut problems) {
        Some(form) => form,
        None if bytes.is_empty() => (Value::Null, Vec::new()),
        None => (
            serde_json::from_slice(&bytes).unwrap_or(json!({"unparsable": true})),
            Vec::new(),
        ),
    };
    if !files.is_empty() {
        problems.extend(multipart::check_attachments(&body, &files));
    }
    fake.lock().problems.extend(
        problems
            .into_iter()
            .map(|p| format!("{method} {path}: {p}")),
    );
    let response = handle(&fake, &method, &path, &parts.headers, &body, files);
    fake.changed.notify_waiters();
    response
}

fn handle(
    fake: &Fake,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &Value,
    files: Vec<File>,
) -> Response {
    let mut inner = fake.lock();
    let uploads = !files.is_empty();
    inner.calls.push(Call {
        method: method.to_string(),
        path: path.to_string(),
        body: body.clone(),
        files,
    });
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if needs_bot(path) && auth != format!("Bot {BOT_TOKEN}") {
        inner
            .problems
            .push(format!("{method} {path}: no bot token"));
        return answer(401, json!({"message": "401: Unauthorized", "code": 0}));
    }
    let pattern = inner
        .scripts
        .keys()
        .find(|p| matches(p, method.as_str(), path))
        .cloned();
    let canned = pattern.and_then(|p| inner.scripts.get_mut(&p).and_then(VecDeque::pop_front));
    let check = |inner: &mut Inner, op: Op| inner.problems.extend(spec::errors(op, body));
    let segments: Vec<&str> = path.split('/').collect();
    // Any other route answers its script as is.
    let creates =
        method == "POST" && matches!(segments.as_slice(), ["", "channels", _, "messages"]);
    if let Some(canned) = canned.as_ref().filter(|_| !creates) {
        return answer(canned.status, canned.body.clone());
    }
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["", "channels", channel, "messages"]) => {
            check(&mut inner, Op::CreateMessage);
            if let Some(canned) = canned.as_ref().filter(|c| !c.still_applies) {
                return answer(canned.status, canned.body.clone());
            }
            let stored = create_message(&mut inner, channel, body);
            match canned {
                Some(canned) => answer(canned.status, canned.body),
                None => answer(200, stored),
            }
        }
        ("GET", ["", "channels", channel, "messages"]) => {
            let mut listed = inner.messages.get(*channel).cloned().unwrap_or_default();
            listed.reverse();
            answer(200, json!(listed))
        }
        ("POST", ["", "users", "@me", "channels"]) => {
            check(&mut inner, Op::OpenDm);
            let user = body["recipient_id"].as_str().unwrap_or_default();
            answer(
                200,
                json!({"id": format!("7{user}"), "type": 1, "recipients": [{"id": user}]}),
            )
        }
        ("POST", ["", "webhooks", _, token]) => {
            check(&mut inner, Op::FollowUp);
            if uploads && !inner.answered.contains(*token) {
                // Discord knows an interaction's token only once it has the callback; a
                // follow-up that overtakes it is refused (code 10062), and Steward tries again.
                return answer(
                    404,
                    json!({"message": "Unknown interaction", "code": 10062}),
                );
            }
            answer(
                200,
                json!({"id": "1", "channel_id": "1", "content": body["content"]}),
            )
        }
        ("PATCH", ["", "webhooks", _, _, "messages", "@original"]) => {
            check(&mut inner, Op::EditOriginal);
            answer(200, json!({"id": "1", "channel_id": "1"}))
        }
        ("POST", ["", "interactions", _, token, "callback"]) => {
            check(&mut inner, Op::Callback);
            inner.answered.insert(token.to_string());
            answer(204, Value::Null)
        }
        ("GET", ["", "gateway"]) => match &inner.gateway {
            Some(url) => answer(200, json!({"url": url})),
            None => answer(
                404,
                json!({"message": "no gateway in this test", "code": 0}),
            ),
        },
        ("GET", ["", "guilds", _, "roles"]) => answer(200, json!(inner.roles)),
        ("GET", ["", "guilds", _, "members", user]) => match inner.members.get(*user) {
            Some(member) => answer(200, member.clone()),
            None => answer(404, json!({"message": "Unknown Member", "code": 10007})),
        },
        (
            "GET",
            ["", "applications", _, "commands"] | ["", "applications", _, "guilds", _, "commands"],
        ) => answer(200, inner.commands.get(path).cloned().unwrap_or(json!([]))),
        (
            "PUT",
            ["", "applications", _, "commands"] | ["", "applications", _, "guilds", _, "commands"],
        ) => {
            check(&mut inner, Op::BulkOverwrite);
            let stored = as_discord_stores(body);
            inner.commands.insert(path.to_string(), stored.clone());
            answer(200, stored)
        }
        _ => {
            inner
                .problems
                .push(format!("unexpected route: {method} {path}"));
            answer(404, json!({"message": "404: Not Found", "code": 0}))
        }
    }
}

/// Stores a message unless one with the same nonce exists (`enforce_nonce`); either way
/// answers the message object.
fn create_message(inner: &mut Inner, channel: &str, body: &Value) -> Value {
    let list = inner.messages.entry(channel.to_string()).or_default();
    if body["enforce_nonce"] == true {
        if let Some(existing) = list.iter().find(|m| m["nonce"] == body["nonce"]) {
            return existing.clone();
        }
    }
    inner.seq += 1;
    let mut message = body.clone();
    message["id"] = json!(format!("{}", 5000 + inner.seq));
    message["channel_id"] = json!(channel);
    inner
        .messages
        .entry(channel.to_string())
        .or_default()
        .push(message.clone());
    message
}

/// Commands as Discord keeps them: ids and versions added, `default_member_permissions` a
/// string, `false` flags dropped.
fn as_discord_stores(body: &Value) -> Value {
    fn normalise(v: &mut Value) {
        if let Some(map) = v.as_object_mut() {
            map.retain(|_, v| *v != json!(false));
            if let Some(p) = map.get_mut("default_member_permissions") {
                *p = json!(p.to_string());
            }
            map.values_mut().for_each(normalise);
        } else if let Some(items) = v.as_array_mut() {
            items.iter_mut().for_each(normalise);
        }
    }
    let mut out = body.clone();
    normalise(&mut out);
    for (i, c) in out.as_array_mut().into_iter().flatten().enumerate() {
        c["id"] = json!(format!("{}", 9000 + i));
        c["application_id"] = json!("1100");
        c["version"] = json!("1");
        c["name_localizations"] = Value::Null;
        c.as_object_mut().map(|m| m.remove("dm_permission"));
    }
    out
}
