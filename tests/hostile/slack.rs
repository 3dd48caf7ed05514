//! Purpose: Slack's inputs — the slash-command form, the interactivity payload (JSON in a
//! form field) and the Events API JSON — built around hostile text, and as hostile bytes,
//! read the way the routes read them, down to the command line or prompt they become.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::fixture::{asker, now, today};
use super::{book, check_reading, text};
use steward::command::parse;
use steward::slack::{actions, commands, events, interact, prompts};

/// A form body from (field, value) pairs.
fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        body.append_pair(k, v);
    }
    body.finish().into_bytes()
}

/// A slash command's name: a group, prefixed or not, or anything.
fn command_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "/account",
            "/sw-account",
            "/health",
            "/steward",
            "account"
        ])
        .prop_map(str::to_string),
        text::short_text(40),
    ]
}

fn slash_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => text::bytes(),
        4 => (command_name(), text::text(), text::short_text(20)).prop_map(|(c, t, id)| {
            form(&[
                ("team_id", "T1"),
                ("user_id", &id),
                ("channel_id", "C1"),
                ("command", &c),
                ("text", &t),
                ("response_url", "https://hooks.slack.test/x"),
                ("trigger_id", &id),
            ])
        }),
    ]
}

fn interaction_body() -> impl Strategy<Value = Vec<u8>> {
    let action = prop::sample::select(vec![
        actions::SHARE,
        "steward_followup",
        "steward_renewed",
        "steward_snooze",
        "steward_health",
        "steward_save-relationship",
        "steward_expand-seat",
        "steward_snooze14",
        "other",
    ]);
    let payload = (
        prop::sample::select(vec!["block_actions", "view_submission", "other"]),
        action,
        text::text(),
        prop::collection::vec(text::short_text(200), 6),
    )
        .prop_map(|(kind, action, value, fields)| {
            let input = |k: usize| json!({"value": {"value": fields[k]}});
            json!({
                "type": kind,
                "team": {"id": fields[0], "enterprise_id": fields[1]},
                "user": {"id": fields[2], "team_id": "T1"},
                "channel": {"id": fields[3]},
                "actions": [{"action_id": action, "value": value}],
                "view": {
                    "callback_id": interact::ACCOUNT_ADD,
                    "private_metadata": fields[4],
                    "state": {"values": {
                        "name": input(0), "arr": input(1), "renewal": input(2),
                        "owner": {"value": {"selected_user": fields[3]}},
                        "tier": {"value": {"selected_option": {"value": fields[4]}}},
                        "industry": input(5),
                    }},
                },
            })
            .to_string()
        });
    prop_oneof![
        1 => text::bytes(),
        1 => text::text().prop_map(|t| form(&[("payload", &t)])),
        4 => payload.prop_map(|p| form(&[("payload", &p)])),
    ]
}

fn event_body() -> impl Strategy<Value = Vec<u8>> {
    let envelope = (
        prop::sample::select(vec!["event_callback", "url_verification", "other"]),
        prop::sample::select(vec!["app_mention", "message", "app_home_opened"]),
        text::text(),
        prop::collection::vec(text::short_text(40), 3),
    )
        .prop_map(|(kind, event, message, ids)| {
            json!({
                "type": kind,
                "challenge": ids[0],
                "team_id": ids[0],
                "event_id": ids[1],
                "authorizations": [{"team_id": ids[0], "user_id": "UBOT"}],
                "event": {
                    "type": event, "user": ids[2], "channel": ids[1], "channel_type": "im",
                    "text": format!("<@UBOT> {message}"), "ts": "1.2",
                },
            })
            .to_string()
            .into_bytes()
        });
    prop_oneof![1 => text::bytes(), 4 => envelope]
}

proptest! {
    #![proptest_config(text::cases(256))]

    #[test]
    fn hostile_slash_commands_are_read_or_refused(body in slash_body()) {
        if let Some(command) = commands::SlashCommand::from_form(&body) {
            let _ = command.origin.actor();
            if let Some(group) = commands::group_of("sw-", &command.command) {
                let _ = parse(&format!("/{group} {}", command.text.trim()), today());
            }
        }
    }

    #[test]
    fn hostile_interactions_are_read_or_refused(body in interaction_body()) {
        if let Some(payload) = interact::payload(&body) {
            let _ = interact::origin(&payload).map(|o| o.actor());
            let action = &payload["actions"][0];
            if let (Some(id), Some(value)) = (action["action_id"].as_str(), action["value"].as_str()) {
                match actions::click(id, value) {
                    Some(actions::Click::Share(line) | actions::Click::Pick(line)) => {
                        let _ = parse(&line, today());
                    }
                    Some(actions::Click::Press(button, name)) => {
                        let presser = steward::domain::person::UserId("U1".into());
                        let line = button.line(&name, book().by_name(&name), book(), &presser);
                        let _ = parse(&line, today());
                    }
                    None => {}
                }
            }
            let _ = parse(&interact::account_add_line(&payload["view"]["state"]["values"]), today());
        }
    }

    #[test]
    fn hostile_events_are_read_or_refused(body in event_body()) {
        if let Ok(envelope) = serde_json::from_slice::<Value>(&body) {
            let _ = events::origin(&envelope).map(|o| o.actor());
            if !events::from_bot(&envelope) {
                let text = envelope["event"]["text"].as_str().unwrap_or_default();
                let prompt = prompts::without_mention(text, Some("UBOT"));
                check_reading(&prompt, &steward::prompt::read(&prompt, book(), &asker(), now(), today(), None))?;
            }
        }
    }
}
