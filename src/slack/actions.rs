//! Purpose: Steward's buttons — 'Share in channel' on ephemeral answers, and 'Log
//! follow-up', 'Mark renewed', 'Snooze a week' on reminder and escalation posts — and the
//! command line each click runs through `App::execute`, so rights and the audit trail apply
//! as if the user had typed it.

use serde_json::{json, Value};

use crate::actions::{button_label, is_read_only};
use crate::command::quote;

pub const SHARE: &str = "steward_share";
pub const FOLLOWUP: &str = "steward_followup";
pub const RENEWED: &str = "steward_renewed";
pub const SNOOZE: &str = "steward_snooze";

/// Slack's limits: a button's value, its text, elements of an actions block.
const MAX_VALUE: usize = 2000;
const MAX_BUTTON_TEXT: usize = 75;
/// Accounts that get buttons on one post; the rest are named in the post for typing.
const MAX_ACCOUNTS: usize = 8;

fn button(action_id: &str, text: &str, value: &str) -> Value {
    json!({
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": crate::render::slack::truncate(text, MAX_BUTTON_TEXT), "emoji": true},
        "value": value,
    })
}

fn confirm(title: &str, text: String, yes: &str) -> Value {
    json!({
        "title": {"type": "plain_text", "text": title},
        "text": {"type": "plain_text", "text": crate::render::slack::truncate(&text, 300)},
        "confirm": {"type": "plain_text", "text": yes},
        "deny": {"type": "plain_text", "text": "Cancel"},
    })
}

/// The 'Share in channel' actions block for an answer to `line`, when it only reads.
pub fn share_block(line: &str) -> Option<Value> {
    (is_read_only(line) && line.len() <= MAX_VALUE).then(|| {
        json!({"type": "actions", "block_id": "steward_share", "elements": [button(SHARE, "Share in channel", line)]})
    })
}

/// The command line a button runs, and whether its answer goes to the channel.
pub fn line_for(action_id: &str, value: &str) -> Option<(String, bool)> {
    match action_id {
        SHARE if is_read_only(value) => Some((value.to_string(), true)),
        FOLLOWUP => Some((format!("/renewal followup {}", quote(value)), false)),
        RENEWED => Some((format!("/renewal renewed {}", quote(value)), false)),
        // Mutes the account's reminders for a week; the renewal date stays.
        SNOOZE => Some((format!("/renewal snooze {}", quote(value)), false)),
        _ => None,
    }
}

/// The buttons of a reminder or escalation post, for the accounts it names.
pub fn post_buttons(accounts: &[String]) -> Vec<Value> {
    let labelled = accounts.len() > 1;
    accounts
        .iter()
        .take(MAX_ACCOUNTS)
        .enumerate()
        .filter(|(_, name)| name.len() <= MAX_VALUE)
        .map(|(i, name)| {
            let label = |what: &str| button_label(what, name, labelled);
            let mut renewed = button(RENEWED, &label("Mark renewed"), name);
            renewed["confirm"] = confirm(
                "Mark renewed?",
                format!("Record that {name} renewed at its current ARR, for a year."),
                "Mark renewed",
            );
            json!({
                "type": "actions",
                "block_id": format!("steward_account_{i}"),
                "elements": [
                    button(FOLLOWUP, &label("Log follow-up"), name),
                    renewed,
                    button(SNOOZE, &label("Snooze a week"), name),
                ],
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_map_to_command_lines() {
        assert_eq!(
            line_for(FOLLOWUP, "Acme Corp"),
            Some(("/renewal followup \"Acme Corp\"".into(), false))
        );
        assert_eq!(
            line_for(SNOOZE, "Acme"),
            Some(("/renewal snooze \"Acme\"".into(), false))
        );
        assert_eq!(
            line_for(SHARE, "/account show Acme"),
            Some(("/account show Acme".into(), true))
        );
        assert_eq!(line_for(SHARE, "/account remove Acme"), None);
        assert_eq!(line_for("other", "x"), None);
        assert_eq!(quote("The \"A\" Team"), "“The \"A\" Team”");
    }

    #[test]
    fn labels_show_names_plainly_and_values_carry_them_for_the_command_line() {
        let names = ["Acme Corp".to_string(), "The \"A\" Team".to_string()];
        let blocks = post_buttons(&names);
        let buttons: Vec<&Value> = blocks
            .iter()
            .flat_map(|b| b["elements"].as_array().into_iter().flatten())
            .collect();
        let labels: Vec<&str> = buttons
            .iter()
            .filter_map(|b| b["text"]["text"].as_str())
            .collect();
        assert_eq!(
            labels,
            [
                "Log follow-up — Acme Corp",
                "Mark renewed — Acme Corp",
                "Snooze a week — Acme Corp",
                "Log follow-up — The \"A\" Team",
                "Mark renewed — The \"A\" Team",
                "Snooze a week — The \"A\" Team",
            ]
        );
        assert!(labels.iter().all(|l| !l.contains(['“', '”'])), "{labels:?}");
        assert_eq!(buttons[1]["value"], "Acme Corp");
        assert_eq!(
            line_for(RENEWED, "Acme Corp").map(|(line, _)| line),
            Some("/renewal renewed \"Acme Corp\"".into())
        );
        // One account: the post names it; the labels say only what they do.
        let one = post_buttons(&names[..1]);
        assert_eq!(one[0]["elements"][2]["text"]["text"], "Snooze a week");
    }

    #[test]
    fn only_reads_are_shared() {
        assert!(share_block("/account show Acme").is_some());
        assert!(share_block("/steward help").is_some());
        assert!(share_block("/account add Acme arr:5k renewal:2030-01-01").is_none());
        assert!(share_block("/renewal followup Acme").is_none());
    }
}
