//! Pictures on Slack: answered text first, then each picture drawn, uploaded with the external
//! upload flow (`files.getUploadURLExternal` → bytes to the upload URL, no token →
//! `files.completeUploadExternal`) and shown — privately (no channel, an `image` block with
//! `slack_file` through `response_url`) for ephemeral answers, shared into the channel for
//! shared answers, prompts and scheduled posts. The retired `files.upload` is never called
//! (the fake fails on any method it does not expect).

use chrono::Utc;
use serde_json::{json, Value};

use super::fake::Fake;
use super::harness::{block_action, Harness, Options};
use super::logs;
use steward::picture::{Picture, RenewalTimeline};
use steward::reply::Reply;
use steward::scheduler::port::{ChatPort, Post, Target};
use steward::slack::port::SlackPort;

/// Width and height of a PNG, read from its header after checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("a PNG");
    (reader.info().width, reader.info().height)
}

/// The one upload's three calls, checked in order; the file id.
async fn one_upload(h: &Harness, file_name: &str) -> (String, Value) {
    let ticket = h.fake.wait_for("files.getUploadURLExternal", 1).await;
    let complete = h.fake.wait_for("files.completeUploadExternal", 1).await;
    assert_eq!(ticket.len(), 1, "one picture, one upload");
    assert_eq!(ticket[0]["filename"], file_name);
    assert!(ticket[0]["alt_txt"].as_str().is_some_and(|a| a.len() > 20));
    let file = complete[0]["files"][0]["id"]
        .as_str()
        .expect("a file id")
        .to_string();
    let bytes = h.fake.uploaded(&file).expect("the bytes were uploaded");
    assert_eq!(
        ticket[0]["length"],
        json!(bytes.len().to_string()),
        "the declared length is the uploaded length"
    );
    assert_eq!(png_size(&bytes), (800, 450));
    let methods: Vec<String> = h.fake.calls().into_iter().map(|c| c.method).collect();
    let at = |m: &str| methods.iter().position(|x| x == m).expect("called");
    assert!(at("files.getUploadURLExternal") < at("upload"));
    assert!(at("upload") < at("files.completeUploadExternal"));
    (file, complete[0].clone())
}

#[tokio::test]
async fn an_ephemeral_answer_shows_its_picture_privately() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    h.command("U1", "/account", "add \"Acme Corp\" arr:50k renewal:+100d")
        .await;
    h.command("U1", "/health", "set \"Acme Corp\" usage:85 nps:9")
        .await;
    let answer = h.command("U1", "/health", "show \"Acme Corp\"").await;
    assert_eq!(
        answer["response_type"], "ephemeral",
        "the text answers inline"
    );
    let (file, complete) = one_upload(&h, "health-trend-acme-corp.png").await;
    assert!(
        complete.get("channel_id").is_none(),
        "an ephemeral answer's picture is shared nowhere: {complete}"
    );
    let shown = h.fake.wait_for("response_url", 1).await;
    let image = &shown[0]["blocks"][0];
    assert_eq!(shown[0]["response_type"], "ephemeral");
    assert_eq!(image["type"], "image");
    assert_eq!(image["slack_file"]["id"], json!(file));
    assert!(image["title"]["text"]
        .as_str()
        .is_some_and(|t| t.contains("Acme Corp")));
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn a_shared_answer_shares_its_picture_into_the_channel() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    h.command("U1", "/account", "add \"Acme Corp\" arr:50k renewal:+100d")
        .await;
    h.command(
        "U1",
        "/stakeholder",
        "add \"Acme Corp\" \"Alice Chen\" role:champion",
    )
    .await;
    let click = block_action(
        "steward_share",
        "/stakeholder list \"Acme Corp\"",
        "U1",
        &h.fake.response_url(),
    );
    let (status, _) = h.interaction(&click).await;
    assert_eq!(status, 200);
    let (_, complete) = one_upload(&h, "power-grid-acme-corp.png").await;
    assert_eq!(complete["channel_id"], "C1", "{complete}");
    let shared = h.fake.wait_for("response_url", 1).await;
    assert_eq!(shared[0]["response_type"], "in_channel");
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn a_scheduled_post_is_followed_by_its_picture_in_the_channel() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    let today = Utc::now().date_naive();
    let timeline = RenewalTimeline::of(std::iter::empty(), today);
    let post = Post {
        marker: format!(
            "steward:slack:T1:weekly@C1:{today}:{}",
            Utc::now().timestamp()
        ),
        reply: Reply::new()
            .heading("Weekly digest")
            .line("No renewals in the next 120 days.")
            .picture(Some(Picture::RenewalTimeline(timeline))),
    };
    SlackPort::new(h.slack.clone())
        .post(&Target::Channel("C1".into()), &post)
        .await
        .expect("posted");
    let (_, complete) = one_upload(&h, &format!("renewal-timeline-{today}.png")).await;
    assert_eq!(complete["channel_id"], "C1");
    let methods: Vec<String> = h.fake.calls().into_iter().map(|c| c.method).collect();
    let at = |m: &str| methods.iter().position(|x| x == m).expect("called");
    assert!(
        at("chat.postMessage") < at("files.getUploadURLExternal"),
        "the text goes first: {methods:?}"
    );
    h.fake.assert_clean();
    h.stop().await;
}

#[tokio::test]
async fn health_show_with_received_events_shows_the_weekly_users_chart_beside_the_trend() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    h.command(
        "U1",
        "/account",
        "add \"Acme Corp\" arr:50k renewal:+100d seats:10",
    )
    .await;
    h.command("U1", "/health", "set \"Acme Corp\" nps:9").await;
    // Two weeks of 4 users a day, received as the events API would store them.
    let now = Utc::now();
    let batch: Vec<Value> = (0..14)
        .flat_map(|back| {
            (0..4).map(move |u| {
                json!({"type": "track", "userId": format!("u{u}"), "event": "Report Created",
                       "context": {"groupId": "Acme Corp"},
                       "timestamp": (now - chrono::Duration::days(back)).to_rfc3339()})
            })
        })
        .collect();
    let body = json!({ "batch": batch }).to_string();
    let parsed = steward::ingest::parse_batch(body.as_bytes(), now).expect("a batch");
    let delivery = steward::store::ingest::Delivery {
        messages: &parsed.accepted,
        rejected: parsed.skipped_by_reason(),
        received: now,
        zone: chrono_tz::Tz::UTC,
        key: None,
    };
    let tenant = steward::domain::tenant::TenantId::parse("slack:T1").expect("a tenant");
    let receipt = h.app.store.ingest(&tenant, &delivery).expect("stored");
    assert_eq!(receipt.accepted, 56);

    let answer = h.command("U1", "/health", "show \"Acme Corp\"").await;
    let text = answer.to_string();
    assert!(text.contains("Weekly active users (2 weeks to "), "{text}");
    let tickets = h.fake.wait_for("files.getUploadURLExternal", 2).await;
    let mut names: Vec<&str> = tickets
        .iter()
        .filter_map(|t| t["filename"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["health-trend-acme-corp.png", "weekly-users-acme-corp.png"]
    );
    // Both shown privately in one message, the chart's words as its alt text.
    let shown = h.fake.wait_for("response_url", 1).await;
    let blocks = shown[0]["blocks"].as_array().expect("blocks");
    assert_eq!(blocks.len(), 2, "{}", shown[0]);
    assert!(blocks.iter().any(|b| b["alt_text"]
        .as_str()
        .is_some_and(|a| a.starts_with("Weekly active users of Acme Corp"))));
    h.fake.assert_clean();
    h.stop().await;
}
