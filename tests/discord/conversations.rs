//! Conversations (issue 20) on Discord, with signed interactions built from Discord's
//! documented payloads: the *Log to account* message command — an APPLICATION_COMMAND
//! interaction with `data.type` 3 (MESSAGE), `target_id` and the message in
//! `data.resolved.messages` (discord.com/developers/docs/interactions/application-commands,
//! "Message Commands"; …/receiving-and-responding, "Resolved Data Structure") — answered
//! with a string select and buttons, then a MESSAGE_COMPONENT click (type 3) that logs the
//! message; and gateway MESSAGE_CREATE events (discord.com/developers/docs/events/gateway-events,
//! "Message Create") of a linked customer channel stored as metadata.

use serde_json::{json, Value};

use super::harness::{
    command, s, text_of, Harness, Options, CHANNEL, GUILD, JANE, MANAGER, MEMBER,
};
use steward::domain::conversation::Side;
use steward::domain::tenant::TenantId;

const TARGET: &str = "1290000000000000042";
const CUSTOMER: &str = "1500000000000000009";

fn tenant() -> TenantId {
    TenantId::parse(&format!("discord:{GUILD}")).expect("tenant")
}

fn user(id: &str, name: &str) -> Value {
    json!({"id": id, "username": name.to_lowercase(), "discriminator": "0", "global_name": name, "avatar": null, "public_flags": 0})
}

/// The message a message command targets, as `data.resolved.messages` carries it.
fn target_message(content: &str) -> Value {
    json!({
        "id": TARGET, "channel_id": CHANNEL, "type": 0, "content": content, "tts": false, "pinned": false,
        "timestamp": "2026-03-01T16:30:00.000000+00:00", "edited_timestamp": null, "flags": 0,
        "author": user(CUSTOMER, "Carla"), "mentions": [user(JANE, "Jane")],
        "mention_everyone": false, "mention_roles": [], "attachments": [], "embeds": [], "components": [],
    })
}

fn message_command(content: &str) -> Value {
    let mut payload = command("x", "y", json!([]));
    payload["data"] = json!({
        "id": "1300000000000000200", "name": "Log to account", "type": 3, "guild_id": GUILD,
        "target_id": TARGET,
        "resolved": {"messages": {TARGET: target_message(content)}},
    });
    payload
}

fn component(custom_id: &str, select: Option<&str>) -> Value {
    let mut payload = super::harness::click(custom_id);
    if let Some(value) = select {
        payload["data"] = json!({"component_type": 3, "custom_id": custom_id, "values": [value]});
    }
    payload
}

#[tokio::test]
async fn the_message_command_logs_a_message_with_its_permalink() {
    let h = Harness::start(Options::default()).await;
    for (name, owner) in [("Acme Corp", JANE), ("Globex", JANE)] {
        h.command("account", "add", json!([s("name", name), s("arr", "50k"), s("renewal", "2026-06-30"), {"name": "owner", "type": 6, "value": owner}])).await;
    }
    let linked = h
        .command(
            "account",
            "channel",
            json!([s("action", "link"), s("account", "Acme Corp")]),
        )
        .await;
    assert!(
        text_of(&linked["data"]).contains("never the text"),
        "{linked}"
    );

    let payload = h.payload(
        message_command(&format!("Hi <@{JANE}>, can we move the renewal call?")),
        JANE,
        MEMBER,
    );
    let (status, answer) = h.send(&payload).await;
    assert_eq!(status, 200, "{answer}");
    super::spec::assert_valid(super::spec::Op::Callback, &answer);
    assert_eq!(answer["type"], 4);
    assert_eq!(answer["data"]["flags"], 64, "only the clicker sees it");
    let rows = answer["data"]["components"].as_array().expect("components");
    let select = &rows[0]["components"][0];
    assert_eq!(select["type"], 3);
    assert_eq!(select["options"][0]["label"], "Acme Corp");
    assert_eq!(
        select["options"][0]["default"], true,
        "the channel's account preselected"
    );
    let kinds: Vec<&str> = rows[1]["components"]
        .as_array()
        .expect("buttons")
        .iter()
        .filter_map(|b| b["label"].as_str())
        .collect();
    assert_eq!(
        kinds,
        ["Call", "Meeting", "Email", "Note", "Renewal follow-up"]
    );

    // Another account chosen in the select: the buttons follow it.
    let globex = select["options"][1]["value"]
        .as_str()
        .expect("id")
        .to_string();
    let (status, switched) = h
        .send(&h.payload(
            component(select["custom_id"].as_str().expect("id"), Some(&globex)),
            JANE,
            MEMBER,
        ))
        .await;
    assert_eq!(status, 200, "{switched}");
    assert_eq!(switched["type"], 7);
    let call = switched["data"]["components"][1]["components"][0]["custom_id"]
        .as_str()
        .expect("id")
        .to_string();
    assert!(call.contains(&format!(":{globex}:")), "{call}");

    let (status, logged) = h
        .send(&h.payload(component(&call, None), JANE, MEMBER))
        .await;
    assert_eq!(status, 200, "{logged}");
    super::spec::assert_valid(super::spec::Op::Callback, &logged);
    assert!(
        text_of(&logged["data"]).contains("Logged a call on Globex"),
        "{logged}"
    );
    let permalink = format!("https://discord.com/channels/{GUILD}/{CHANNEL}/{TARGET}");
    let book = h.app.store.book(&tenant()).expect("book");
    {
        let book = book.read().expect("book");
        let entry = book
            .by_name("Globex")
            .expect("globex")
            .activities
            .last()
            .cloned()
            .expect("logged");
        assert_eq!(entry.text, "Hi @Jane, can we move the renewal call?");
        let source = entry.source.expect("source");
        assert_eq!(source.permalink, permalink);
        assert_eq!(source.author, "Carla");
        assert_eq!(source.at.to_rfc3339(), "2026-03-01T16:30:00+00:00");
    }
    let shown = h
        .command("account", "show", json!([s("account", "Globex")]))
        .await;
    assert!(text_of(&shown["data"]).contains(&permalink), "{shown}");
    let undone = h.command("steward", "undo", json!([])).await;
    assert!(!text_of(&undone["data"]).contains("error"), "{undone}");
    assert!(book
        .read()
        .expect("book")
        .by_name("Globex")
        .expect("globex")
        .activities
        .is_empty());
}

#[tokio::test]
async fn gateway_messages_of_a_linked_channel_are_stored_as_metadata_others_not_at_all() {
    let h = Harness::start(Options {
        role: Some("1600000000000000001".into()),
        ..Options::default()
    })
    .await;
    h.command_as(
        JANE,
        MANAGER,
        "account",
        "add",
        json!([
            s("name", "Acme Corp"),
            s("arr", "50k"),
            s("renewal", "2026-06-30")
        ]),
    )
    .await;
    let message = |id: &str,
                   channel: &str,
                   author: &str,
                   roles: Value,
                   kind: u8|
     -> serenity::model::channel::Message {
        serde_json::from_value(json!({
            "id": id, "channel_id": channel, "guild_id": GUILD, "type": kind, "content": "", "tts": false, "pinned": false,
            "timestamp": "2026-03-02T08:00:00.000000+00:00", "edited_timestamp": null, "flags": 0,
            "author": user(author, "Someone"), "member": {"roles": roles, "joined_at": "2025-06-01T12:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0, "pending": false},
            "mentions": [], "mention_everyone": false, "mention_roles": [], "attachments": [], "embeds": [], "components": [],
        }))
        .expect("a MESSAGE_CREATE payload")
    };
    // Before linking: nothing stored.
    steward::discord::gateway::customer_channel(
        &h.discord,
        &message("1700000000000000001", CHANNEL, CUSTOMER, json!([]), 0),
    )
    .await;
    assert!(h
        .app
        .store
        .all_channel_messages(&tenant())
        .expect("read")
        .is_empty());
    h.command_as(
        JANE,
        MANAGER,
        "account",
        "channel",
        json!([s("action", "link"), s("account", "Acme Corp")]),
    )
    .await;
    // A member without the team role is the customer; a re-delivery is stored once; a join
    // (type 7) and another channel are not stored.
    for _ in 0..2 {
        steward::discord::gateway::customer_channel(
            &h.discord,
            &message("1700000000000000002", CHANNEL, CUSTOMER, json!([]), 0),
        )
        .await;
    }
    steward::discord::gateway::customer_channel(
        &h.discord,
        &message("1700000000000000003", CHANNEL, CUSTOMER, json!([]), 7),
    )
    .await;
    steward::discord::gateway::customer_channel(
        &h.discord,
        &message(
            "1700000000000000004",
            "1200000000000000099",
            CUSTOMER,
            json!([]),
            0,
        ),
    )
    .await;
    // A teammate (with the role) answers.
    steward::discord::gateway::customer_channel(
        &h.discord,
        &message(
            "1700000000000000005",
            CHANNEL,
            JANE,
            json!(["1600000000000000001"]),
            0,
        ),
    )
    .await;
    let mut stored = h.app.store.all_channel_messages(&tenant()).expect("read");
    stored.sort_by(|a, b| a.id.cmp(&b.id));
    let sides: Vec<(&str, Side)> = stored.iter().map(|m| (m.id.as_str(), m.side)).collect();
    assert_eq!(
        sides,
        [
            ("1700000000000000002", Side::Customer),
            ("1700000000000000005", Side::Team)
        ]
    );
}
