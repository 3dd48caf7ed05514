//! Gateway mode against a stand-in gateway on 127.0.0.1 (Discord's documented opcodes:
//! HELLO, IDENTIFY, READY and dispatches, as text frames): serenity's client connects to the
//! URL the fake REST API's `GET /gateway` names, and its events reach the same handlers as
//! the HTTP endpoint — the callback goes to `/interactions/{id}/{token}/callback`, pictures
//! follow it; prompts (a mention, a DM) are answered with create-message, pictures in one
//! more message with the files.

use futures::{SinkExt, StreamExt};
use secrecy::SecretString;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

use super::fake::BOT_TOKEN;
use super::harness::{command, text_of, Harness, Options, APP, CHANNEL, GUILD, JANE, MEMBER};
use super::spec::{assert_valid, Op};

/// A dispatch frame.
fn dispatch(seq: u64, event: &str, data: Value) -> Message {
    Message::Text(
        json!({"op": 0, "s": seq, "t": event, "d": data})
            .to_string()
            .into(),
    )
}

fn message(id: &str, channel: &str, content: &str, guild: bool) -> Value {
    let mut m = json!({
        "id": id, "channel_id": channel, "content": content, "type": 0, "tts": false, "pinned": false,
        "timestamp": "2026-03-02T09:00:00.000000+00:00", "edited_timestamp": null, "flags": 0,
        "author": {"id": JANE, "username": "jane", "discriminator": "0", "global_name": "Jane", "avatar": null, "public_flags": 0},
        "mention_everyone": false, "mention_roles": [], "attachments": [], "embeds": [], "components": [],
        "mentions": if guild { json!([{"id": APP, "username": "Steward", "discriminator": "0000", "avatar": null, "bot": true, "public_flags": 0}]) } else { json!([]) },
    });
    if guild {
        m["guild_id"] = json!(GUILD);
        m["member"] = json!({"roles": [], "joined_at": "2025-06-01T12:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0, "pending": false, "premium_since": null, "nick": null, "avatar": null, "banner": null, "communication_disabled_until": null});
    }
    m
}

#[tokio::test]
async fn gateway_events_reach_the_same_handlers() {
    let h = Harness::start(Options {
        guild_id: Some(GUILD.parse().expect("id")),
        ..Options::default()
    })
    .await;
    h.command(
        "account",
        "add",
        json!([
            super::harness::s("name", "Acme Corp"),
            super::harness::s("arr", "50k"),
            super::harness::s("renewal", "2026-06-30")
        ]),
    )
    .await;
    h.command(
        "stakeholder",
        "add",
        json!([
            super::harness::s("account", "Acme Corp"),
            super::harness::s("name", "Jane Doe"),
            super::harness::s("role", "champion")
        ]),
    )
    .await;
    h.fake.add_member(JANE, &[]);
    let server = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    h.fake
        .set_gateway(&format!("ws://{}", server.local_addr().expect("addr")));
    let gateway = steward::discord::gateway::start(
        h.discord.clone(),
        &SecretString::from(BOT_TOKEN),
        &h.fake.url,
    )
    .await
    .expect("client built");

    let (stream, _) = tokio::time::timeout(Duration::from_secs(20), server.accept())
        .await
        .expect("serenity connects")
        .expect("accept");
    let mut ws = tokio_tungstenite::accept_async(stream)
        .await
        .expect("handshake");
    ws.send(Message::Text(
        json!({"op": 10, "d": {"heartbeat_interval": 41250}})
            .to_string()
            .into(),
    ))
    .await
    .expect("hello");
    let identify = loop {
        let frame = tokio::time::timeout(Duration::from_secs(20), ws.next())
            .await
            .expect("a frame")
            .expect("open")
            .expect("frame");
        let Message::Text(text) = frame else { continue };
        let value: Value = serde_json::from_str(&text).expect("JSON");
        if value["op"] == 2 {
            break value;
        }
    };
    // serenity 0.12 identifies with its `Http` token, "Bot "-prefixed; Discord accepts it.
    assert_eq!(
        identify["d"]["token"]
            .as_str()
            .map(|t| t.trim_start_matches("Bot ")),
        Some(BOT_TOKEN)
    );
    assert_eq!(
        identify["d"]["intents"],
        1 | (1 << 9) | (1 << 12),
        "GUILDS, GUILD_MESSAGES, DIRECT_MESSAGES; no privileged intent"
    );
    let ready = json!({
        "v": 10, "session_id": "s1", "resume_gateway_url": "ws://127.0.0.1:1", "guilds": [{"id": GUILD, "unavailable": true}],
        "user": {"id": APP, "username": "Steward", "discriminator": "0000", "avatar": null, "bot": true, "verified": true, "mfa_enabled": false, "flags": 0},
        "application": {"id": APP, "flags": 0}, "shard": [0, 1]
    });
    ws.send(dispatch(1, "READY", ready)).await.expect("ready");

    let interaction = h.payload(command("steward", "whoami", json!([])), JANE, MEMBER);
    ws.send(dispatch(2, "INTERACTION_CREATE", interaction))
        .await
        .expect("interaction");
    let callbacks = h.fake.wait_for("POST /interactions/*/*/callback", 1).await;
    assert_valid(Op::Callback, &callbacks[0].body);
    assert!(
        text_of(&callbacks[0].body["data"]).contains(JANE),
        "{:?}",
        callbacks[0]
    );

    ws.send(dispatch(
        3,
        "MESSAGE_CREATE",
        message(
            "1700000000000000001",
            CHANNEL,
            &format!("<@{APP}> how healthy is Acme Corp?"),
            true,
        ),
    ))
    .await
    .expect("mention");
    let answers = h.fake.wait_for("POST /channels/*/messages", 1).await;
    assert_eq!(answers[0].path, format!("/channels/{CHANNEL}/messages"));
    assert_eq!(
        answers[0].body["message_reference"]["message_id"],
        "1700000000000000001"
    );
    assert!(
        text_of(&answers[0].body).contains("Acme Corp"),
        "{:?}",
        answers[0]
    );

    let dm_channel = "1800000000000000001";
    ws.send(dispatch(
        4,
        "MESSAGE_CREATE",
        message(
            "1700000000000000002",
            dm_channel,
            "which renewals are due this quarter?",
            false,
        ),
    ))
    .await
    .expect("dm");
    let dm_path = format!("/channels/{dm_channel}/messages");
    let answer = h
        .fake
        .wait_for_call("POST /channels/*/messages", |c| {
            c.path == dm_path && c.files.is_empty()
        })
        .await;
    assert!(
        !text_of(&answer.body).contains("inside a server"),
        "a member's DM is answered: {answer:?}"
    );

    // Pictures: after the callback (the fake refuses files for an unanswered token), and
    // after a prompt's text, in its channel.
    let list = super::harness::s("account", "Acme Corp");
    let interaction = h.payload(command("stakeholder", "list", json!([list])), JANE, MEMBER);
    ws.send(dispatch(5, "INTERACTION_CREATE", interaction))
        .await
        .expect("interaction");
    let upload = h
        .fake
        .wait_for_call("POST /webhooks/*/*", |c| !c.files.is_empty())
        .await;
    assert_eq!(upload.files[0].filename, "power-grid-acme-corp.png");
    ws.send(dispatch(
        6,
        "MESSAGE_CREATE",
        message(
            "1700000000000000003",
            CHANNEL,
            &format!("<@{APP}> who do we know at Acme Corp?"),
            true,
        ),
    ))
    .await
    .expect("mention");
    let channel_path = format!("/channels/{CHANNEL}/messages");
    let pictures = h
        .fake
        .wait_for_call("POST /channels/*/messages", |c| {
            c.path == channel_path && !c.files.is_empty()
        })
        .await;
    assert_eq!(pictures.files[0].filename, "power-grid-acme-corp.png");
    assert_eq!(pictures.files[0].png, Ok((800, 450)));
    assert!(pictures.body.get("flags").is_none() && pictures.body.get("nonce").is_none());

    gateway.stop().await;
    h.fake.assert_clean();
    let logged = super::harness::log_text();
    assert!(
        logged.contains("connected to the Discord gateway"),
        "trace logs are captured"
    );
    assert!(
        !logged.contains("bot-token-for-tests"),
        "the bot token never reaches the logs"
    );
}
