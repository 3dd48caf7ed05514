//! Pictures on Discord: answered at once (or deferred) first, then ONE follow-up with the PNG
//! files, each shown by an embed through `attachment://`, ephemeral exactly when the answer
//! was; scheduled posts get a create-message with the files and their own nonce. The fake
//! REST API reads the multipart bodies, checks `payload_json` against Discord's description
//! and refuses files uploaded before the interaction's callback was answered.

use serde_json::{json, Value};
use std::time::Duration;

use super::add_account;
use super::fake::{Call, Canned};
use super::harness::{click, log_text, now, s, Harness, Options, CHANNEL, GUILD, JANE, MEMBER};
use super::spec::{assert_valid, Op};
use super::EPHEMERAL;
use steward::discord::port::{nonce, DiscordPort};
use steward::domain::tenant::TenantId;
use steward::picture::{Picture, RenewalTimeline};
use steward::reply::Reply;
use steward::scheduler::marker;
use steward::scheduler::port::{ChatPort, Post, Target};

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Checks a message carrying one picture: the file (a PNG of 800×450 named `prefix…png`)
/// and the embed that shows it; the file's name.
fn assert_one_picture(call: &Call, prefix: &str, ephemeral: bool) -> String {
    assert_eq!(call.files.len(), 1, "{call:?}");
    let file = &call.files[0];
    assert_eq!(file.part, "files[0]");
    assert!(
        file.filename.starts_with(prefix) && file.filename.ends_with(".png"),
        "{file:?}"
    );
    assert_eq!(file.content_type, "image/png");
    assert_eq!(file.head, PNG_MAGIC, "{file:?}");
    assert_eq!(file.png, Ok((800, 450)), "{file:?}");
    assert!(file.size > 1000, "{file:?}");
    let embed = &call.body["embeds"][0];
    assert_eq!(
        embed["image"]["url"],
        format!("attachment://{}", file.filename)
    );
    assert!(embed["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(embed["description"].as_str().is_some_and(|d| !d.is_empty()));
    assert_eq!(call.body["attachments"][0]["filename"], file.filename);
    let flags = call.body.get("flags").cloned().unwrap_or(Value::Null);
    assert_eq!(flags == json!(EPHEMERAL), ephemeral, "{:?}", call.body);
    file.filename.clone()
}

async fn with_stakeholder(h: &Harness) {
    add_account(h, "Acme Corp").await;
    let added = h
        .command(
            "stakeholder",
            "add",
            json!([
                s("account", "Acme Corp"),
                s("name", "Jane Doe"),
                s("role", "champion")
            ]),
        )
        .await;
    assert!(
        !super::harness::text_of(&added["data"]).contains("error"),
        "{added}"
    );
}

#[tokio::test]
async fn stakeholder_list_is_answered_at_once_then_the_power_grid_follows() {
    let h = Harness::start(Options::default()).await;
    with_stakeholder(&h).await;
    let answer = h
        .command("stakeholder", "list", json!([s("account", "Acme Corp")]))
        .await;
    assert_eq!(answer["type"], 4, "answered inline: {answer}");
    assert_eq!(answer["data"]["flags"], EPHEMERAL);
    assert!(answer["data"].get("attachments").is_none());
    let uploads = h.fake.wait_for("POST /webhooks/*/*", 1).await;
    assert_valid(Op::FollowUp, &uploads[0].body);
    let name = assert_one_picture(&uploads[0], "power-grid-acme-corp", true);
    assert_eq!(name, "power-grid-acme-corp.png");
    // The shared answer is public, and so is its picture.
    let share = answer["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .expect("a share button")
        .to_string();
    let (_, shared) = h.send(&h.payload(click(&share), JANE, MEMBER)).await;
    assert!(shared["data"].get("flags").is_none(), "{shared}");
    let uploads = h.fake.wait_for("POST /webhooks/*/*", 2).await;
    assert_one_picture(&uploads[1], "power-grid-acme-corp", false);
    h.fake.assert_clean();
}

#[tokio::test]
async fn health_show_attaches_the_trend() {
    let h = Harness::start(Options::default()).await;
    add_account(&h, "Acme Corp").await;
    for usage in [60.0, 85.5] {
        h.command(
            "health",
            "set",
            json!([
                s("account", "Acme Corp"),
                json!({"name": "usage", "type": 10, "value": usage}),
                json!({"name": "nps", "type": 4, "value": 8})
            ]),
        )
        .await;
    }
    let answer = h
        .command("health", "show", json!([s("account", "Acme Corp")]))
        .await;
    assert_eq!(answer["type"], 4, "{answer}");
    let uploads = h.fake.wait_for("POST /webhooks/*/*", 1).await;
    let name = assert_one_picture(&uploads[0], "health-trend-", true);
    assert_eq!(name, "health-trend-acme-corp.png");
    h.fake.assert_clean();
}

#[tokio::test]
async fn a_deferred_answer_gets_its_picture_after_the_edit() {
    let h = Harness::start(Options {
        deadline: Duration::ZERO,
        ..Options::default()
    })
    .await;
    with_stakeholder(&h).await;
    // Deferred answers run on their own: the list waits until both writes were answered.
    h.fake
        .wait_for("PATCH /webhooks/*/*/messages/@original", 2)
        .await;
    let answer = h
        .command("stakeholder", "list", json!([s("account", "Acme Corp")]))
        .await;
    assert_eq!(answer, json!({"type": 5, "data": {"flags": EPHEMERAL}}));
    let uploads = h.fake.wait_for("POST /webhooks/*/*", 1).await;
    assert_one_picture(&uploads[0], "power-grid-acme-corp", true);
    let calls = h.fake.calls();
    let edit = format!("{}/messages/@original", uploads[0].path);
    let edited = calls
        .iter()
        .position(|c| c.method == "PATCH" && c.path == edit);
    let uploaded = calls.iter().position(|c| !c.files.is_empty());
    assert!(
        matches!((edited, uploaded), (Some(e), Some(u)) if e < u),
        "the picture comes after the answer: {calls:#?}"
    );
    h.fake.assert_clean();
}

fn tenant() -> TenantId {
    TenantId::parse(&format!("discord:{GUILD}")).expect("valid")
}

/// A renewals post with the timeline of the harness's book attached.
fn renewals_post(h: &Harness) -> Post {
    let book = h.app.store.book(&tenant()).expect("book");
    let book = book.read().unwrap_or_else(|p| p.into_inner());
    let timeline = RenewalTimeline::of(book.accounts(), now().date_naive());
    Post {
        marker: marker(&tenant(), "renewals@1", "2026-03-02", now()),
        reply: Reply::new()
            .heading("Renewals")
            .line("Acme Corp renews on 2026-04-30.")
            .picture(Some(Picture::RenewalTimeline(timeline))),
    }
}

/// The text's create goes through as usual (scripts apply in order, so the next one is the
/// pictures').
fn text_goes_out() -> Canned {
    Canned {
        status: 200,
        body: json!({"id": "1", "channel_id": CHANNEL}),
        still_applies: true,
    }
}

#[tokio::test]
async fn a_scheduled_post_attaches_its_timeline_once() {
    let h = Harness::start(Options::default()).await;
    h.command(
        "account",
        "add",
        json!([
            s("name", "Acme Corp"),
            s("arr", "80k"),
            s("renewal", "2026-04-30")
        ]),
    )
    .await;
    let port = DiscordPort::new(h.discord.clone());
    let post = renewals_post(&h);
    let to = Target::Channel(CHANNEL.into());
    // The upload is rate limited once: waited out like any call.
    h.fake.script(
        "POST /channels/*/messages",
        vec![text_goes_out(), Canned::rate_limited(0.0)],
    );
    port.post(&to, &post).await.expect("posted");
    assert_eq!(h.fake.calls_to("POST /channels/*/messages").len(), 3);
    let sent = h.fake.messages(CHANNEL);
    assert_eq!(sent.len(), 2, "the text, then the pictures");
    assert!(sent[0].get("attachments").is_none());
    assert_eq!(sent[1]["nonce"], nonce(&post.marker, 1));
    assert_eq!(sent[1]["enforce_nonce"], true);
    let creates = h.fake.calls_to("POST /channels/*/messages");
    assert_valid(Op::CreateMessage, &creates[2].body);
    assert_one_picture(&creates[2], "renewal-timeline-2026-03-02", false);
    // A retried post (a lost answer) repeats neither the text nor the pictures.
    port.post(&to, &post).await.expect("posted again");
    assert_eq!(h.fake.calls_to("POST /channels/*/messages").len(), 5);
    assert_eq!(h.fake.messages(CHANNEL).len(), 2);
    h.fake.assert_clean();
}

#[tokio::test]
async fn pictures_that_cannot_be_posted_do_not_fail_the_post() {
    let h = Harness::start(Options::default()).await;
    let port = DiscordPort::new(h.discord.clone());
    let refused = Canned {
        status: 403,
        body: json!({"message": "Missing Permissions", "code": 50013}),
        still_applies: false,
    };
    h.fake
        .script("POST /channels/*/messages", vec![text_goes_out(), refused]);
    port.post(&Target::Channel(CHANNEL.into()), &renewals_post(&h))
        .await
        .expect("the text is the post");
    assert_eq!(h.fake.messages(CHANNEL).len(), 1);
    assert_eq!(h.fake.calls_to("POST /channels/*/messages").len(), 2);
    assert!(log_text().contains("a post's pictures could not be delivered"));
    h.fake.assert_clean();
}
