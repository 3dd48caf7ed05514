//! Posting through the Discord `ChatPort` (create-message with `nonce` + `enforce_nonce`,
//! 429s, DMs, markers found after a restart), the scheduler end to end (the weekly digest
//! with its renewal timeline attached), and command registration — all against the fake
//! REST API.

use serde_json::json;
use std::time::Duration;

use super::fake::Canned;
use super::harness::{now, s, Harness, Options, CHANNEL, GUILD, MANAGER, OMAR};
use steward::discord::port::{marker_key, DiscordPort};
use steward::discord::register::{register, Registered};
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::reply::Reply;
use steward::scheduler::port::{ChatPort, OnePort, Post, PostError, Target};
use steward::scheduler::{marker, Scheduler};
use steward::store::ledger::PostState;

fn tenant() -> TenantId {
    TenantId::parse(&format!("discord:{GUILD}")).expect("valid")
}

/// A post whose marker is made from `text` (each post has its own period).
fn post(text: &str) -> Post {
    Post {
        marker: marker(&tenant(), "weekly@1", text, now()),
        reply: Reply::new().heading("Weekly").line(text),
    }
}

#[tokio::test]
async fn posts_carry_a_nonce_and_the_marker_and_validate() {
    let h = Harness::start(Options::default()).await;
    let port = DiscordPort::new(h.discord.clone());
    let p = post("@everyone renewals are due <@&123>");
    port.post(&Target::Channel(CHANNEL.into()), &p)
        .await
        .expect("posted");
    let sent = h.fake.messages(CHANNEL);
    assert_eq!(sent.len(), 1);
    let body = &sent[0];
    assert_eq!(
        body["nonce"].as_str().map(str::len).map(|n| n <= 25),
        Some(true)
    );
    assert_eq!(body["enforce_nonce"], true);
    assert_eq!(body["allowed_mentions"]["parse"], json!([]));
    assert_eq!(
        body["embeds"][0]["footer"]["text"],
        format!("ref {}", marker_key(&p.marker))
    );
    let description = body["embeds"][0]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(
        !description.contains("@everyone") && !description.contains("<@&123>"),
        "user text is inert"
    );
    assert_eq!(
        port.find_marker(&Target::Channel(CHANNEL.into()), &p.marker)
            .await
            .ok(),
        Some(Some(true))
    );
    assert_eq!(
        port.find_marker(&Target::Channel(CHANNEL.into()), "steward:other")
            .await
            .ok(),
        Some(Some(false))
    );
    h.fake.assert_clean();
}

#[tokio::test]
async fn a_429_is_waited_out_and_a_long_one_handed_back() {
    let h = Harness::start(Options::default()).await;
    let port = DiscordPort::new(h.discord.clone());
    h.fake
        .script("POST /channels/*/messages", vec![Canned::rate_limited(0.0)]);
    port.post(&Target::Channel(CHANNEL.into()), &post("first"))
        .await
        .expect("posted after the 429");
    assert_eq!(h.fake.calls_to("POST /channels/*/messages").len(), 2);
    assert_eq!(h.fake.messages(CHANNEL).len(), 1);
    h.fake.script(
        "POST /channels/*/messages",
        vec![Canned::rate_limited(3600.0)],
    );
    match port
        .post(&Target::Channel(CHANNEL.into()), &post("second"))
        .await
    {
        Err(PostError::RateLimited(wait)) => assert_eq!(wait, Duration::from_secs(3600)),
        other => panic!("a long wait goes back to the scheduler: {other:?}"),
    }
    assert_eq!(h.fake.messages(CHANNEL).len(), 1);
}

#[tokio::test]
async fn a_retried_post_is_not_duplicated() {
    let h = Harness::start(Options::default()).await;
    let port = DiscordPort::new(h.discord.clone());
    // Discord made the message but the answer was a 500: the retry carries the same nonce.
    h.fake.script(
        "POST /channels/*/messages",
        vec![Canned::server_error_after_posting()],
    );
    port.post(&Target::Channel(CHANNEL.into()), &post("once"))
        .await
        .expect("posted");
    let creates = h.fake.calls_to("POST /channels/*/messages");
    assert_eq!(creates.len(), 2, "retried");
    assert_eq!(creates[0].body["nonce"], creates[1].body["nonce"]);
    assert_eq!(h.fake.messages(CHANNEL).len(), 1, "but posted once");
}

#[tokio::test]
async fn direct_posts_open_a_dm_channel_once() {
    let h = Harness::start(Options::default()).await;
    let port = DiscordPort::new(h.discord.clone());
    let to = Target::Direct(UserId(OMAR.into()));
    port.post(&to, &post("escalation")).await.expect("posted");
    port.post(&to, &post("another")).await.expect("posted");
    assert_eq!(h.fake.calls_to("POST /users/@me/channels").len(), 1);
    assert_eq!(h.fake.messages(&format!("7{OMAR}")).len(), 2);
    h.fake.assert_clean();
}

#[tokio::test]
async fn the_scheduler_posts_a_subscription_once_and_recovers_after_a_restart() {
    let h = Harness::start(Options::default()).await;
    h.command(
        "account",
        "add",
        json!([
            s("name", "Wayne"),
            s("arr", "80k"),
            s("renewal", "2026-04-01")
        ]),
    )
    .await;
    let subscribed = h
        .command_as(
            OMAR,
            MANAGER,
            "digest",
            "subscribe",
            json!([s("kind", "weekly")]),
        )
        .await;
    assert!(
        !super::harness::text_of(&subscribed["data"]).contains("error"),
        "{subscribed}"
    );
    let ports = OnePort(DiscordPort::new(h.discord.clone()));
    let scheduler = Scheduler {
        app: &h.app,
        ports: &ports,
        dry_run: false,
    };
    let next_monday = now() + chrono::Duration::days(7);
    let report = scheduler.run_due(next_monday).await;
    assert_eq!(report.posted, 1, "{report:?}");
    let again = scheduler
        .run_due(next_monday + chrono::Duration::minutes(5))
        .await;
    assert_eq!(again.posted, 0, "never twice");
    // The digest's text, then its renewal timeline as a file with the next part's nonce.
    let sent = h.fake.messages(CHANNEL);
    assert_eq!(sent.len(), 2, "{sent:#?}");
    let timeline = &sent[1]["attachments"][0]["filename"];
    assert!(
        timeline
            .as_str()
            .is_some_and(|f| f.starts_with("renewal-timeline-")),
        "{:?}",
        sent[1]
    );
    assert_eq!(
        sent[1]["embeds"][0]["image"]["url"],
        format!("attachment://{}", timeline.as_str().unwrap_or_default())
    );
    assert_eq!(
        sent[1]["nonce"].as_str().map(|n| n.ends_with("-1")),
        Some(true)
    );
    // A claim whose post went out but was never marked (a crash) is found by its footer.
    let sub = format!("weekly@{CHANNEL}");
    let week_after = next_monday + chrono::Duration::days(7);
    let claimed_at = week_after - chrono::Duration::minutes(1);
    let crashed = Post {
        marker: marker(&tenant(), &sub, "2026-03-16", claimed_at),
        reply: Reply::text("weekly digest"),
    };
    ports
        .0
        .post(&Target::Channel(CHANNEL.into()), &crashed)
        .await
        .expect("posted before the crash");
    h.app
        .store
        .set_post_state(
            &tenant(),
            &sub,
            "2026-03-16",
            &PostState::Claimed { at: claimed_at },
        )
        .expect("claim");
    let recovered = scheduler.run_due(week_after).await;
    assert_eq!(recovered.posted, 0, "{recovered:?}");
    assert_eq!(
        h.fake.messages(CHANNEL).len(),
        3,
        "no duplicate of the crashed post"
    );
    assert!(matches!(
        h.app.store.post_state(&tenant(), &sub, "2026-03-16"),
        Ok(Some(PostState::Sent { .. }))
    ));
    h.fake.assert_clean();
}

#[tokio::test]
async fn without_a_token_nothing_is_posted_or_registered() {
    let h = Harness::start(Options {
        token: false,
        ..Options::default()
    })
    .await;
    let port = DiscordPort::new(h.discord.clone());
    assert!(port
        .post(&Target::Channel(CHANNEL.into()), &post("x"))
        .await
        .is_err());
    assert_eq!(
        port.find_marker(&Target::Channel(CHANNEL.into()), "m")
            .await
            .ok(),
        Some(None)
    );
    assert!(register(&h.discord).await.is_err());
    assert!(h.fake.calls().is_empty());
}

#[tokio::test]
async fn registration_overwrites_only_when_changed() {
    let h = Harness::start(Options {
        guild_id: Some(GUILD.parse().expect("id")),
        ..Options::default()
    })
    .await;
    assert!(
        matches!(register(&h.discord).await, Ok(Registered::Overwritten { count }) if count > 5)
    );
    let puts = h.fake.calls_to("PUT /applications/*/guilds/*/commands");
    assert_eq!(puts.len(), 1);
    assert_eq!(
        puts[0].body,
        steward::manifest::discord_commands(),
        "the JSON of manifest/discord-commands.json"
    );
    assert_eq!(register(&h.discord).await.ok(), Some(Registered::Unchanged));
    assert_eq!(
        h.fake
            .calls_to("PUT /applications/*/guilds/*/commands")
            .len(),
        1,
        "no second create"
    );
    let global = Harness::start(Options::default()).await;
    assert!(register(&global.discord).await.is_ok());
    assert_eq!(
        global.fake.calls_to("PUT /applications/*/commands").len(),
        1
    );
    assert_eq!(
        register(&global.discord).await.ok(),
        Some(Registered::Unchanged)
    );
    h.fake.assert_clean();
    global.fake.assert_clean();
}
