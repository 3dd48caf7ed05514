//! Scheduled posts through the Slack `ChatPort`: once per period, the marker in `metadata` and
//! found again in history, `429 Retry-After`, `5xx` without duplicates, long digests split,
//! buttons and mentions on reminders, user text inert.

use chrono::{Duration, Utc};
use serde_json::Value;

use super::fake::{Canned, Fake};
use super::harness::{block_text, Harness, Options, ADMIN};
use super::logs;
use steward::domain::tenant::TenantId;
use steward::reply::{t, Reply};
use steward::scheduler::port::{ChatPort, OnePort, Post, PostError, Target};
use steward::scheduler::Scheduler;
use steward::slack::port::SlackPort;
use steward::store::ledger::PostState;

fn t1() -> TenantId {
    TenantId::parse("slack:T1").expect("tenant")
}

fn marker(subscription: &str) -> String {
    format!(
        "steward:slack:T1:{subscription}:2026-03-02:{}",
        Utc::now().timestamp()
    )
}

/// Posts a small reply under `subscription`, whatever the outcome.
pub async fn post_once(h: &Harness, subscription: &str) -> Result<(), PostError> {
    let post = Post {
        marker: marker(subscription),
        reply: Reply::new().heading("Weekly digest").line("All quiet."),
    };
    SlackPort::new(h.slack.clone())
        .post(&Target::Channel("C1".into()), &post)
        .await
}

#[tokio::test]
async fn scheduled_posts_reach_the_channel_once_and_are_found_again() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    h.command(ADMIN, "/digest", "subscribe weekly").await;
    let book = h.app.store.book(&t1()).expect("book");
    let sub = book.read().expect("lock").settings.subscriptions[0].clone();
    let due = sub
        .next_due(Utc::now(), chrono_tz::UTC)
        .expect("a next Monday")
        + Duration::minutes(1);
    let ports = OnePort(SlackPort::new(h.slack.clone()));
    let scheduler = Scheduler {
        app: &h.app,
        ports: &ports,
        dry_run: false,
    };

    h.fake.script(
        "chat.postMessage",
        vec![
            Canned::status(500),
            Canned::status(502),
            Canned::status(503),
        ],
    );
    let first = scheduler.run_due(due).await;
    assert_eq!((first.posted, first.failed), (0, 1), "{first:?}");
    let period = due.date_naive().to_string();
    let state = h
        .app
        .store
        .post_state(&t1(), &sub.key(), &period)
        .expect("ledger");
    assert!(
        matches!(state, Some(PostState::Failed { .. })),
        "left unmarked for a retry: {state:?}"
    );

    let second = scheduler.run_due(due + Duration::minutes(2)).await;
    assert_eq!(second.posted, 1, "{second:?}");
    assert_eq!(
        scheduler.run_due(due + Duration::minutes(3)).await.posted,
        0,
        "never twice"
    );
    let posted: Vec<Value> = h.fake.calls_to("chat.postMessage");
    let last = posted.last().expect("posted");
    assert_eq!(last["channel"], "C1");
    assert_eq!(last["metadata"]["event_type"], "steward_post");
    let marker = last["metadata"]["event_payload"]["marker"]
        .as_str()
        .expect("marker")
        .to_string();
    assert!(
        marker.starts_with("steward:slack:T1:weekly@C1:"),
        "{marker}"
    );
    let port = SlackPort::new(h.slack.clone());
    assert_eq!(
        port.find_marker(&Target::Channel("C1".into()), &marker)
            .await
            .ok(),
        Some(Some(true))
    );
    assert_eq!(
        port.find_marker(
            &Target::Channel("C1".into()),
            "steward:slack:T1:weekly@C1:x:1"
        )
        .await
        .ok(),
        Some(Some(false))
    );
    h.fake.script(
        "conversations.history",
        vec![Canned::error("not_in_channel")],
    );
    assert_eq!(
        port.find_marker(&Target::Channel("C2".into()), &marker)
            .await
            .ok(),
        Some(None),
        "history unreadable"
    );
    h.fake.assert_clean();
    h.stop().await;
}

/// `chat.postMessage` calls carrying `marker`.
fn history_count(fake: &Fake, marker: &str) -> usize {
    fake.calls_to("chat.postMessage")
        .iter()
        .filter(|m| m["metadata"]["event_payload"]["marker"] == marker)
        .count()
}

#[tokio::test]
async fn rate_limits_and_server_errors_never_duplicate_a_post() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    let port = SlackPort::new(h.slack.clone());
    let channel = Target::Channel("C1".into());
    let reply = Reply::new().line("Reminder.");

    h.fake
        .script("chat.postMessage", vec![Canned::rate_limited(0)]);
    let post = Post {
        marker: marker("renewals@C1"),
        reply: reply.clone(),
    };
    assert!(port.post(&channel, &post).await.is_ok());
    assert_eq!(
        history_count(&h.fake, &post.marker),
        2,
        "a 429, then the post"
    );

    h.fake
        .script("chat.postMessage", vec![Canned::rate_limited(120)]);
    let post = Post {
        marker: marker("renewals@C1"),
        reply: reply.clone(),
    };
    match port.post(&channel, &post).await {
        Err(PostError::RateLimited(wait)) => assert_eq!(wait.as_secs(), 120),
        other => panic!("a long Retry-After goes back to the scheduler: {other:?}"),
    }

    // Slack answered 503 but had posted it: history is read before sending again.
    h.fake.script(
        "chat.postMessage",
        vec![Canned {
            still_posts: true,
            ..Canned::status(503)
        }],
    );
    let post = Post {
        marker: "steward:slack:T1:renewals@C1:2026-03-03:1700000000".into(),
        reply: reply.clone(),
    };
    assert!(port.post(&channel, &post).await.is_ok());
    assert_eq!(
        history_count(&h.fake, &post.marker),
        1,
        "sent once, not again"
    );
    assert!(!h.fake.calls_to("conversations.history").is_empty());

    let dm = Post {
        marker: marker("escalations@dm"),
        reply,
    };
    assert!(port
        .post(
            &Target::Direct(steward::domain::person::UserId("U5".into())),
            &dm
        )
        .await
        .is_ok());
    assert_eq!(
        h.fake
            .calls_to("chat.postMessage")
            .last()
            .map(|m| m["channel"].clone()),
        Some(Value::from("DU5"))
    );
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn a_digest_longer_than_the_limits_is_split_and_every_part_marked() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    let items = (0..400)
        .map(|i| {
            vec![t(format!(
                "account {i:03} — {}",
                "renewal detail ".repeat(8)
            ))]
        })
        .collect();
    let post = Post {
        marker: marker("weekly@C1"),
        reply: Reply::new().heading("Weekly digest").bullets(items),
    };
    SlackPort::new(h.slack.clone())
        .post(&Target::Channel("C1".into()), &post)
        .await
        .expect("posted");
    let parts = h.fake.calls_to("chat.postMessage");
    assert!(parts.len() > 1, "split into {} messages", parts.len());
    let all: String = parts.iter().map(block_text).collect();
    assert!(
        all.contains("account 000") && all.contains("account 399"),
        "nothing lost"
    );
    for (i, part) in parts.iter().enumerate() {
        assert_eq!(
            part["metadata"]["event_payload"]["marker"],
            post.marker.as_str()
        );
        assert_eq!(
            part["metadata"]["event_payload"]["part"],
            i.to_string().as_str()
        );
    }
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn reminders_carry_buttons_and_mentions_while_user_text_stays_inert() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    let book = h.app.store.book(&t1()).expect("book");
    let today = h.app.today(&book.read().expect("lock"), Utc::now());
    let name = "Evil <!channel> <@U999|boss> Corp";
    let added = h
        .command(
            "U1",
            "/account",
            &format!(
                "add \"{name}\" arr:50k renewal:{} owner:<@U1>",
                today + Duration::days(120)
            ),
        )
        .await;
    let answer = format!("{}{}", added["text"], block_text(&added));
    assert!(
        !answer.contains("<!channel>") && !answer.contains("<@U999"),
        "{answer}"
    );
    let reply = steward::jobs::renewals::build(&book.read().expect("lock"), today, None)
        .expect("a stage was entered");
    let post = Post {
        marker: marker("renewals@C1"),
        reply,
    };
    SlackPort::new(h.slack.clone())
        .post(&Target::Channel("C1".into()), &post)
        .await
        .expect("posted");
    let message = h.fake.calls_to("chat.postMessage").pop().expect("posted");
    let shown = format!("{}\n{}", message["text"], block_text(&message));
    assert!(shown.contains("<@U1>"), "the owner is mentioned: {shown}");
    assert!(
        !shown.contains("<!channel>") && !shown.contains("<@U999"),
        "user text inert: {shown}"
    );
    assert!(shown.contains("&lt;!channel&gt;"), "{shown}");
    let buttons: Vec<&Value> = message["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().into_iter().flatten())
        .collect();
    let ids: Vec<&str> = buttons
        .iter()
        .filter_map(|b| b["action_id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["steward_followup", "steward_renewed", "steward_snooze"]
    );
    assert!(buttons.iter().all(|b| b["value"] == name));
    h.fake.assert_clean();
    h.stop().await;
}
