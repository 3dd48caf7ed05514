//! Conversations (issue 20) on Slack, driven with signed requests built from Slack's
//! documented payloads:
//! - the *Log to account* message shortcut: `message_action`
//!   (docs.slack.dev/reference/interaction-payloads/shortcuts-interaction-payload, "Message
//!   shortcuts"), the account field's `block_suggestion`
//!   (docs.slack.dev/reference/block-kit/block-elements/external-select-element), and the
//!   modal's `view_submission` (docs.slack.dev/reference/interaction-payloads/view-interactions-payload);
//! - customer channels: `message` events of `message.channels`
//!   (docs.slack.dev/reference/events/message.channels) in the `event_callback` envelope
//!   (docs.slack.dev/apis/events-api, "Callback field overview"), Slack Connect authors
//!   told by `user_team` (docs.slack.dev/apis/slack-connect/using-slack-connect-apis).

use serde_json::{json, Value};

use super::fake::Fake;
use super::harness::{block_text, Harness, Options, ADMIN};
use super::logs;
use steward::domain::conversation::Side;
use steward::domain::tenant::TenantId;

fn t1() -> TenantId {
    TenantId::parse("slack:T1").expect("tenant")
}

fn text_of(answer: &Value) -> String {
    format!(
        "{}\n{}",
        answer["text"].as_str().unwrap_or_default(),
        block_text(answer)
    )
}

/// A `message_action` payload for the *Log to account* shortcut on a message in C1.
fn shortcut(user: &str, message: Value, response_url: &str) -> Value {
    json!({
        "type": "message_action",
        "callback_id": "steward_log_to_account",
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "response_url": response_url,
        "team": {"id": "T1", "domain": "example"},
        "channel": {"id": "C1", "name": "acme-shared"},
        "user": {"id": user, "name": "someone", "team_id": "T1"},
        "message": message,
        "message_ts": message["ts"],
        "action_ts": "1700000005.000001",
        "token": "Nj2rfC2hU8mAfgaJLemZgO7H",
    })
}

/// A `message` event of `message.channels` in the Events API envelope.
fn channel_event(
    event_id: &str,
    channel: &str,
    user: &str,
    user_team: &str,
    ts: &str,
    thread: Option<&str>,
) -> Value {
    let mut event = json!({
        "type": "message",
        "channel": channel,
        "user": user,
        "user_team": user_team,
        "text": "Hello, any news on the renewal quote?",
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
    });
    if let Some(thread) = thread {
        event["thread_ts"] = json!(thread);
    }
    json!({
        "token": "XXYYZZ",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1700000000,
        "authorizations": [{"enterprise_id": null, "team_id": "T1", "user_id": "UBOT", "is_bot": true, "is_enterprise_install": false}],
        "is_ext_shared_channel": true,
    })
}

/// A Slack `ts` for now minus `minutes`.
fn ts_ago(minutes: i64) -> String {
    let at = chrono::Utc::now() - chrono::Duration::minutes(minutes);
    format!("{}.{:06}", at.timestamp(), at.timestamp_subsec_micros())
}

async fn start() -> (tempfile::TempDir, Harness) {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness::start(
        &dir.path().join("db"),
        Fake::start().await,
        Options::default(),
    )
    .await;
    let added = h
        .command(
            ADMIN,
            "/account",
            "add \"Acme Corp\" arr:50k renewal:+45d owner:<@U1>",
        )
        .await;
    assert!(text_of(&added).contains("Added"), "{added}");
    (dir, h)
}

#[tokio::test]
async fn the_shortcut_logs_a_message_with_its_permalink_and_undo_takes_it_back() {
    let (_dir, h) = start().await;
    h.fake.user("U7", json!({"id": "U7", "team_id": "T1", "name": "jdoe", "real_name": "Jane Doe", "profile": {"display_name": "Jane"}}));
    h.fake.user(
        "U8",
        json!({"id": "U8", "team_id": "T1", "name": "omar", "profile": {"display_name": "Omar"}}),
    );
    let linked = h
        .command("U1", "/account", "channel link \"Acme Corp\"")
        .await;
    assert!(text_of(&linked).contains("never the text"), "{linked}");
    let message = json!({
        "type": "message", "user": "U7", "ts": "1700000000.000100",
        "text": "Talked to <@U8> about the renewal: they want a 2-year deal. ".to_string() + &"x".repeat(600),
    });
    let (status, _) = h
        .interaction(&shortcut("U1", message, &h.fake.response_url()))
        .await;
    assert_eq!(status, 200);
    let opened = h.fake.wait_for("views.open", 1).await;
    let view = &opened[0]["view"];
    assert_eq!(view["callback_id"], "steward_log_modal");
    // Prefilled with the channel's account; the text cut at 500 characters, mentions named.
    assert_eq!(view["blocks"][0]["element"]["type"], "external_select");
    assert_eq!(
        view["blocks"][0]["element"]["initial_option"]["value"],
        "Acme Corp"
    );
    let text = view["blocks"][2]["element"]["initial_value"]
        .as_str()
        .expect("text");
    assert!(
        text.starts_with("Talked to @Omar about the renewal"),
        "{text}"
    );
    assert_eq!(text.chars().count(), 500);

    // The account field loads its options as the user types (`block_suggestion`).
    let suggestion = json!({
        "type": "block_suggestion", "user": {"id": "U1", "team_id": "T1"}, "team": {"id": "T1", "domain": "example"},
        "action_id": "value", "block_id": "account", "value": "acm", "api_app_id": "A1",
        "container": {"type": "view", "view_id": "V1"}, "view": {"id": "V1", "callback_id": "steward_log_modal", "private_metadata": view["private_metadata"]},
    });
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &suggestion.to_string())
        .finish();
    let (status, options) = h
        .signed(
            "/slack/options",
            "application/x-www-form-urlencoded",
            body.as_bytes(),
            None,
            &[],
        )
        .await;
    assert_eq!(status, 200, "{options}");
    let options: Value = serde_json::from_str(&options).expect("json");
    assert_eq!(options["options"][0]["value"], "Acme Corp");

    let submission = json!({
        "type": "view_submission",
        "team": {"id": "T1", "domain": "example"},
        "user": {"id": "U1", "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "1.2.3",
        "view": {
            "id": "V1", "type": "modal", "callback_id": "steward_log_modal",
            "private_metadata": view["private_metadata"],
            "state": {"values": {
                "account": {"value": {"type": "external_select", "selected_option": {"text": {"type": "plain_text", "text": "Acme Corp"}, "value": "Acme Corp"}}},
                "kind": {"value": {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": "renewal follow-up"}, "value": "followup"}}},
                "text": {"value": {"type": "plain_text_input", "value": text}},
            }},
        },
    });
    let (status, answer) = h.interaction(&submission).await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer.contains("\"response_action\":\"update\""),
        "{answer}"
    );
    assert!(
        answer.contains("Logged a follow-up on Acme Corp"),
        "{answer}"
    );
    let permalink = "https://example.slack.com/archives/C1/p1700000000000100";
    let shown = text_of(&h.command("U1", "/account", "show \"Acme Corp\"").await);
    assert!(shown.contains(permalink), "{shown}");
    assert!(shown.contains("message by Jane"), "{shown}");
    let book = h.app.store.book(&t1()).expect("book");
    {
        let book = book.read().expect("book");
        let acme = book.by_name("Acme Corp").expect("acme");
        let logged = acme.activities.last().expect("logged");
        let source = logged.source.as_ref().expect("a source");
        assert_eq!(source.permalink, permalink);
        assert_eq!(source.at.timestamp(), 1_700_000_000);
        assert_eq!(
            acme.renewal.followups.len(),
            1,
            "a follow-up in a renewal stage"
        );
    }
    let history = text_of(&h.command("U1", "/account", "history \"Acme Corp\"").await);
    assert!(history.contains("activity added: follow-up"), "{history}");
    let undone = text_of(&h.command("U1", "/steward", "undo").await);
    assert!(!undone.starts_with("error"), "{undone}");
    let empty = book
        .read()
        .expect("book")
        .by_name("Acme Corp")
        .expect("acme")
        .activities
        .is_empty();
    assert!(empty);
    h.stop().await;
}

#[tokio::test]
async fn a_guest_or_another_organizations_user_is_refused_and_nothing_is_written() {
    let (_dir, h) = start().await;
    h.fake.user(
        "UG",
        json!({"id": "UG", "team_id": "T1", "is_restricted": true}),
    );
    let message = json!({"type": "message", "user": "U7", "ts": "1700000000.000100", "text": "hi"});
    let (status, _) = h
        .interaction(&shortcut("UG", message, &h.fake.response_url()))
        .await;
    assert_eq!(status, 200);
    let answers = h.fake.wait_for("response_url", 1).await;
    assert!(
        answers[0]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("guest"),
        "{answers:?}"
    );
    assert!(h.fake.calls_to("views.open").is_empty());
    h.stop().await;
}

#[tokio::test]
async fn a_customer_message_in_a_linked_channel_is_stored_once_as_metadata_and_unlinked_channels_store_nothing(
) {
    let (_dir, h) = start().await;
    // Nothing is linked yet: a message in C1 is not stored.
    let ts = ts_ago(60);
    let (status, _) = h
        .event(&channel_event("Ev0", "C1", "UEXT", "T2", &ts, None), &[])
        .await;
    assert_eq!(status, 200);
    assert!(h
        .app
        .store
        .all_channel_messages(&t1())
        .expect("read")
        .is_empty());

    h.command("U1", "/account", "channel link \"Acme Corp\"")
        .await;
    // Slack Connect: the author's `user_team` is not the workspace's.
    let ts = ts_ago(5 * 24 * 60);
    for retry in [None, Some("1")] {
        let extra: Vec<(&str, String)> = retry
            .map(|n| {
                vec![
                    ("x-slack-retry-num", n.to_string()),
                    ("x-slack-retry-reason", "http_timeout".into()),
                ]
            })
            .unwrap_or_default();
        let (status, _) = h
            .event(&channel_event("Ev1", "C1", "UEXT", "T2", &ts, None), &extra)
            .await;
        assert_eq!(status, 200);
    }
    // Another channel, a bot, an edit, a join: none of them stored.
    h.event(
        &channel_event("Ev2", "C2", "UEXT", "T2", &ts_ago(3), None),
        &[],
    )
    .await;
    let mut bot = channel_event("Ev3", "C1", "UEXT", "T2", &ts_ago(3), None);
    bot["event"]["bot_id"] = json!("B1");
    h.event(&bot, &[]).await;
    let mut edit = channel_event("Ev4", "C1", "UEXT", "T2", &ts_ago(3), None);
    edit["event"]["subtype"] = json!("message_changed");
    h.event(&edit, &[]).await;
    let mut join = channel_event("Ev5", "C1", "UEXT", "T2", &ts_ago(3), None);
    join["event"]["subtype"] = json!("channel_join");
    h.event(&join, &[]).await;
    let stored = h.app.store.all_channel_messages(&t1()).expect("read");
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0].side, Side::Customer);
    assert_eq!(stored[0].channel, "C1");
    let raw = format!("{stored:?}");
    assert!(!raw.contains("renewal quote"), "never the text: {raw}");

    let shown = text_of(&h.command("U1", "/account", "show \"Acme Corp\"").await);
    assert!(
        shown.contains("last message 5 d ago, waiting for a reply"),
        "{shown}"
    );

    // A team reply in its thread answers it; the response time appears.
    h.event(
        &channel_event("Ev6", "C1", "U1", "T1", &ts_ago(1), Some(&ts)),
        &[],
    )
    .await;
    let shown = text_of(&h.command("U1", "/account", "show \"Acme Corp\"").await);
    assert!(shown.contains("answered, median first response"), "{shown}");

    // Unlinking forgets the channel's metadata.
    let unlinked = text_of(&h.command("U1", "/account", "channel unlink").await);
    assert!(unlinked.contains("forgotten"), "{unlinked}");
    assert!(h
        .app
        .store
        .all_channel_messages(&t1())
        .expect("read")
        .is_empty());
    h.stop().await;
}

#[tokio::test]
async fn a_stakeholders_message_counts_as_customer_and_as_contact() {
    let (_dir, h) = start().await;
    h.command(
        "U1",
        "/stakeholder",
        "add \"Acme Corp\" \"Bea Buyer\" role:economic-buyer",
    )
    .await;
    let set = text_of(
        &h.command(
            "U1",
            "/stakeholder",
            "set \"Acme Corp\" \"Bea Buyer\" slack:<@UBEA>",
        )
        .await,
    );
    assert!(!set.starts_with("error"), "{set}");
    let refused = text_of(
        &h.command("U2", "/account", "channel link \"Acme Corp\"")
            .await,
    );
    assert!(refused.contains("owner or an admin"), "{refused}");
    // A channel Steward is not in: how to invite it (the form as Slack sends it, from C9).
    let body = super::harness::command_form(
        "T1",
        None,
        "U1",
        "/account",
        "channel link \"Acme Corp\"",
        &h.fake.response_url(),
    )
    .replace("channel_id=C1", "channel_id=C9");
    let (_, answer) = h
        .signed(
            "/slack/commands",
            "application/x-www-form-urlencoded",
            body.as_bytes(),
            None,
            &[],
        )
        .await;
    assert!(answer.contains("/invite @Steward"), "{answer}");
    h.command("U1", "/account", "channel link \"Acme Corp\"")
        .await;
    // Same workspace, but linked to a stakeholder: the customer.
    h.event(
        &channel_event("Ev1", "C1", "UBEA", "T1", &ts_ago(10), None),
        &[],
    )
    .await;
    let stored = h.app.store.all_channel_messages(&t1()).expect("read");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].side, Side::Customer);
    let contacted = {
        let book = h.app.store.book(&t1()).expect("book");
        let book = book.read().expect("book");
        book.by_name("Acme Corp").expect("acme").stakeholders[0].last_contact
    };
    assert_eq!(contacted, Some(chrono::Utc::now().date_naive()));
    let list = text_of(&h.command("U2", "/account", "channel list").await);
    assert!(
        list.contains("Acme Corp — `C1`") || list.contains("Acme Corp — C1"),
        "{list}"
    );
    h.stop().await;
}

/// The indicator messages posted to U1 so far.
fn indicator_dms(h: &Harness) -> Vec<Value> {
    h.fake
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|m| m["channel"] == "DU1")
        .filter(|m| {
            m["metadata"]["event_payload"]["marker"]
                .as_str()
                .is_some_and(|marker| marker.contains(":indicators@dm:"))
        })
        .collect()
}

#[tokio::test]
async fn an_unanswered_customer_message_fires_customer_waiting_once_after_four_business_hours_and_clears_on_a_reply(
) {
    use chrono::TimeZone;
    use steward::scheduler::port::OnePort;
    use steward::scheduler::Scheduler;
    use steward::slack::port::SlackPort;
    let (_dir, h) = start().await;
    h.command("U1", "/account", "channel link \"Acme Corp\"")
        .await;
    // Monday 2026-03-02 15:00 UTC (the tenant's zone): 2 business hours today, 2 tomorrow.
    let asked = chrono::Utc
        .with_ymd_and_hms(2026, 3, 2, 15, 0, 0)
        .single()
        .expect("valid");
    let ts = format!("{}.000200", asked.timestamp());
    h.event(&channel_event("Ev1", "C1", "UEXT", "T2", &ts, None), &[])
        .await;
    let ports = OnePort(SlackPort::new(h.slack.clone()));
    let scheduler = Scheduler {
        app: &h.app,
        ports: &ports,
        dry_run: false,
    };
    let at = |d: u32, hh: u32, mm: u32| {
        chrono::Utc
            .with_ymd_and_hms(2026, 3, d, hh, mm, 0)
            .single()
            .expect("valid")
    };
    // Overnight and at 11:00 the next day: exactly 4 business hours, not more.
    for now in [at(2, 20, 0), at(3, 8, 0), at(3, 11, 0)] {
        scheduler.run_due(now).await;
        assert!(indicator_dms(&h).is_empty(), "at {now}");
    }
    scheduler.run_due(at(3, 11, 1)).await;
    let dms = indicator_dms(&h);
    assert_eq!(dms.len(), 1, "{dms:#?}");
    let text = format!("{}\n{}", dms[0]["text"], block_text(&dms[0]));
    assert!(text.contains("customer waiting"), "{text}");
    let link = format!("https://slack.com/archives/C1/p{}000200", asked.timestamp());
    assert!(text.contains(&link), "{text}");
    let buttons: Vec<&Value> = dms[0]["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(buttons[0]["text"]["text"], "Open thread");
    assert_eq!(buttons[0]["url"], link.as_str());
    assert_eq!(buttons[1]["text"]["text"], "Snooze 1 day");
    assert_eq!(buttons[1]["action_id"], "steward_snooze1");
    // Once per message.
    scheduler.run_due(at(3, 14, 0)).await;
    scheduler.run_due(at(4, 9, 0)).await;
    assert_eq!(indicator_dms(&h).len(), 1);
    // The first team reply clears it; it does not come back.
    let reply_ts = format!("{}.000300", at(4, 9, 30).timestamp());
    h.event(
        &channel_event("Ev2", "C1", "U1", "T1", &reply_ts, Some(&ts)),
        &[],
    )
    .await;
    scheduler.run_due(at(4, 10, 0)).await;
    scheduler.run_due(at(5, 10, 0)).await;
    assert_eq!(indicator_dms(&h).len(), 1);
    let channels = {
        let book = h.app.store.book(&t1()).expect("book");
        let book = book.read().expect("book");
        book.by_name("Acme Corp").expect("acme").channels.clone()
    };
    let messages = h
        .app
        .store
        .channel_messages(&t1(), &channels)
        .expect("read");
    let signals = steward::domain::conversation::signals(
        &messages,
        at(5, 10, 0),
        &steward::domain::conversation::BusinessHours::default(),
        chrono_tz::UTC,
    );
    assert!(signals.waiting.is_empty());
    // Answered after 2 h on Monday and 8 h on Tuesday and 30 min on Wednesday.
    assert_eq!(
        signals.median_first_response.map(|d| d.num_minutes()),
        Some(10 * 60 + 30)
    );
    h.stop().await;
}
