//! Faults and bursts from Slack's side: a `429` is waited out (`Retry-After`), a `500`, a
//! slow answer (past the call timeout) or a lost connection after a post never posts the same
//! message twice, a burst of a user's first commands makes one `users.info` call, a
//! rate-limited `users.info` is said to the user, `views.open` waits out a short `429` within
//! its trigger's 3 s, and a panic while answering is answered with a reference the log has.
//!
//! Slack's rate limits (docs.slack.dev/apis/web-api/rate-limits): "a HTTP 429 Too Many
//! Requests error, and a Retry-After HTTP header containing the number of seconds until you
//! can retry" — slack-morphism 2.31.1 reads that header into
//! `SlackRateLimitError::retry_after` (`hyper_tokio/connector.rs`, status 429).

use chrono::Utc;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::fake::{Canned, Fake};
use super::harness::{block_text, command_form, Harness, Options};
use super::logs;
use steward::slack::api::{Api, ApiError, Resend, Retry};
use steward::slack::Clock;

const FORM: &str = "application/x-www-form-urlencoded";

fn envelope(event_id: &str, event: Value) -> Value {
    json!({
        "token": "XXYYZZ", "team_id": "T1", "api_app_id": "A1", "event": event,
        "type": "event_callback", "event_id": event_id, "event_time": 1700000000,
        "authorizations": [{"enterprise_id": null, "team_id": "T1", "user_id": "UBOT", "is_bot": true, "is_enterprise_install": false}],
    })
}

fn mention(text: &str) -> Value {
    json!({"type": "app_mention", "user": "U1", "text": text, "ts": "1700000000.000100", "channel": "C1", "event_ts": "1700000000.000100"})
}

async fn start(options: Options) -> (tempfile::TempDir, Harness) {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(&dir.path().join("db"), Fake::start().await, options).await;
    (dir, h)
}

#[tokio::test]
async fn a_post_is_sent_again_after_a_429_or_a_refused_connection_only() {
    let (_dir, h) = start(Options::default()).await;
    let message = json!({"channel": "C9", "text": "hello"});
    let api = h.slack.api_for(None, "T1").await.expect("the bot token");
    let post = || api.post("chat.postMessage", &message, Resend::OnlyUnsent);

    // Slack answered 500, but had posted it: not sent again.
    h.fake.script(
        "chat.postMessage",
        vec![Canned {
            still_posts: true,
            ..Canned::status(500)
        }],
    );
    assert_eq!(post().await, Err(ApiError::Status(500)));
    assert_eq!(h.fake.history("C9").len(), 1);
    assert_eq!(h.fake.calls_to("chat.postMessage").len(), 1);

    // A 429 did nothing: sent again once its Retry-After (1 s) has passed.
    h.fake
        .script("chat.postMessage", vec![Canned::rate_limited(1)]);
    assert!(post().await.is_ok());
    let calls: Vec<Instant> = h
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "chat.postMessage")
        .map(|c| c.at)
        .collect();
    assert_eq!(calls.len(), 3);
    assert!(
        calls[2] - calls[1] >= Duration::from_secs(1),
        "the retry waited Retry-After: {:?}",
        calls[2] - calls[1]
    );
    assert_eq!(h.fake.history("C9").len(), 2);

    // A connection that could not be opened is tried again, then reported as such.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/api/", closed.local_addr().expect("addr"));
    drop(closed);
    let retry = Retry {
        attempts: 2,
        backoff: Duration::ZERO,
        max_wait: Duration::ZERO,
        timeout: Duration::from_secs(2),
    };
    let nowhere = Api::new(&url, "xoxb-1".to_string().into(), retry).expect("client");
    match nowhere
        .post("chat.postMessage", &message, Resend::OnlyUnsent)
        .await
    {
        Err(ApiError::Unsent(_)) => {}
        other => panic!("a refused connection is surely unsent: {other:?}"),
    }
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn a_post_answered_slowly_times_out_and_is_not_sent_again() {
    let (_dir, h) = start(Options {
        call_timeout: Duration::from_millis(300),
        ..Options::default()
    })
    .await;
    h.fake.script(
        "chat.postMessage",
        vec![Canned::slow(Duration::from_millis(1500))],
    );
    let started = Instant::now();
    let message = json!({"channel": "C9", "text": "hello"});
    let api = h.slack.api_for(None, "T1").await.expect("the bot token");
    let posted = api
        .post("chat.postMessage", &message, Resend::OnlyUnsent)
        .await;
    assert_eq!(posted, Err(ApiError::Timeout(Duration::from_millis(300))));
    assert!(started.elapsed() < Duration::from_millis(1500));
    h.fake.wait_for_slow_answers(1).await;
    assert_eq!(h.fake.calls_to("chat.postMessage").len(), 1);
    assert_eq!(h.fake.history("C9").len(), 1, "Slack had it: one message");
    h.stop().await;
}

#[tokio::test]
async fn prompt_answers_and_their_pictures_reach_the_channel_once() {
    // A call answered after 600 ms is past the 300 ms timeout: a retry, had there been one,
    // would have come (no backoff in the harness) before the slow answer was sent back.
    let (_dir, h) = start(Options {
        call_timeout: Duration::from_millis(300),
        ..Options::default()
    })
    .await;
    h.command("U1", "/account", "add \"Acme Corp\" arr:50k renewal:+100d")
        .await;
    h.command("U1", "/health", "set \"Acme Corp\" usage:85 nps:9")
        .await;
    let slow = Duration::from_millis(600);

    h.fake
        .script("chat.postMessage", vec![Canned::rate_limited(1)]);
    h.event(&envelope("Ev1", mention("<@UBOT> hi")), &[]).await;
    let posts = h.fake.wait_for("chat.postMessage", 2).await;
    let at: Vec<Instant> = h
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "chat.postMessage")
        .map(|c| c.at)
        .collect();
    assert!(at[1] - at[0] >= Duration::from_secs(1), "Retry-After: 1");
    assert_eq!(posts[0], posts[1], "the same message, once it may be sent");
    assert_eq!(h.fake.history("C1").len(), 1);

    h.fake.script("chat.postMessage", vec![Canned::slow(slow)]);
    h.event(&envelope("Ev2", mention("<@UBOT> hi")), &[]).await;
    h.fake.wait_for_slow_answers(1).await;
    assert_eq!(h.fake.calls_to("chat.postMessage").len(), 3);
    assert_eq!(h.fake.history("C1").len(), 2, "one answer per prompt");

    h.fake
        .script("files.completeUploadExternal", vec![Canned::slow(slow)]);
    h.event(
        &envelope("Ev3", mention("<@UBOT> /health show \"Acme Corp\"")),
        &[],
    )
    .await;
    h.fake.wait_for_slow_answers(2).await;
    assert_eq!(
        h.fake.calls_to("files.completeUploadExternal").len(),
        1,
        "the picture is shared once"
    );
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn a_burst_of_first_commands_makes_one_users_info_call() {
    let (_dir, h) = start(Options::default()).await;
    // Slow enough that every command of the burst arrives while the first look-up runs.
    h.fake
        .script("users.info", vec![Canned::slow(Duration::from_millis(500))]);
    let h = Arc::new(h);
    let burst: Vec<_> = (0..200)
        .map(|_| {
            let h = h.clone();
            tokio::spawn(async move { h.command("U7", "/account", "list").await })
        })
        .collect();
    for answer in burst {
        let answer = answer.await.expect("answered");
        assert_eq!(answer["response_type"], "ephemeral", "{answer}");
    }
    assert_eq!(h.fake.calls_to("users.info").len(), 1);
    h.fake.assert_clean();
    if let Ok(h) = Arc::try_unwrap(h) {
        h.stop().await;
    }
}

#[tokio::test]
async fn a_rate_limited_users_info_is_said_to_the_user() {
    let (_dir, h) = start(Options::default()).await;
    h.fake.script("users.info", vec![Canned::rate_limited(30)]);
    let answer = h.command("U7", "/account", "list").await;
    let text = format!("{}{}", answer["text"], block_text(&answer));
    assert!(
        text.contains("Slack is rate-limiting Steward, try again in 30 s"),
        "{answer}"
    );
    h.fake.script("users.info", vec![Canned::rate_limited(30)]);
    h.event(&envelope("Ev1", mention("<@UBOT> how is Acme?")), &[])
        .await;
    let posted = &h.fake.wait_for("chat.postMessage", 1).await[0];
    let said = format!("{}{}", posted["text"], block_text(posted));
    assert!(said.contains("try again in 30 s"), "{posted}");
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn views_open_waits_out_a_short_429_within_the_trigger() {
    let (_dir, h) = start(Options::default()).await;
    h.fake.script("views.open", vec![Canned::rate_limited(1)]);
    assert_eq!(
        h.command("U1", "/account", "add").await,
        Value::Null,
        "the modal opened: an empty acknowledgement"
    );
    assert_eq!(h.fake.calls_to("views.open").len(), 2);
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn a_panic_while_answering_names_a_reference_the_log_has() {
    // The clock is read once by the door (the signature window), then when the command runs:
    // that second reading panics — a stand-in for any bug outside `App::execute`.
    let readings = Arc::new(AtomicUsize::new(0));
    let counter = readings.clone();
    let clock: Clock = Arc::new(move || {
        if counter.fetch_add(1, Ordering::SeqCst) == 1 {
            panic!("injected fault while answering");
        }
        Utc::now()
    });
    let (_dir, h) = start(Options {
        clock: Some(clock),
        ..Options::default()
    })
    .await;
    let body = command_form("T1", None, "U1", "/account", "list", &h.fake.response_url());
    let (status, answer) = h
        .signed("/slack/commands", FORM, body.as_bytes(), None, &[])
        .await;
    assert_eq!(status, 200, "{answer}");
    let answer: Value = serde_json::from_str(&answer).expect("json");
    let text = answer["text"].as_str().unwrap_or_default();
    let reference = text
        .split("reference ")
        .nth(1)
        .and_then(|r| r.get(..8))
        .unwrap_or_else(|| panic!("no reference in {answer}"));
    assert!(reference.chars().all(|c| c.is_ascii_hexdigit()), "{text}");
    assert!(
        text.contains("nothing was changed"),
        "`/account list` only reads: {text}"
    );
    let log =
        String::from_utf8_lossy(&logs().lock().unwrap_or_else(|p| p.into_inner())).to_string();
    let line = log
        .lines()
        .find(|l| l.contains(reference))
        .unwrap_or_else(|| panic!("reference {reference} not in the log"));
    assert!(line.contains("injected fault while answering"), "{line}");
    assert!(line.contains("ERROR"), "{line}");
    // Still serving.
    let answer = h.command("U1", "/account", "list").await;
    assert_eq!(answer["response_type"], "ephemeral");
    h.stop().await;
}
