//! Purpose: Steward's buttons on Slack — 'Share in channel' on ephemeral answers, a
//! question's offered commands (action id `steward_pick_{n}`: a press picks command `n` as a
//! reply of the number would), and the
//! account buttons [`crate::actions::post_buttons`] decides a post carries (reminders and
//! escalations: 'Log follow-up', 'Mark renewed', 'Snooze a week'; an indicator's message:
//! 'Show health', 'Start save play' or 'Log expansion', 'Snooze 14 days') — rendered as
//! actions blocks, and read back from a click. An account button's `action_id` is
//! `steward_{word}` and its value the account's name; the line it runs comes from
//! [`crate::actions::press`], and runs through `App::execute`, so rights and the audit trail
//! apply as if the user had typed it.

use serde_json::{json, Value};

use crate::actions::{button_label, is_read_only, pick_line, AccountButtons, Button};
use crate::reply::Choice;

pub const SHARE: &str = "steward_share";
/// A question's offered commands: this, then the command's number.
const PICK: &str = "steward_pick_";
/// Account buttons' action ids start with this, then the button's word.
const PREFIX: &str = "steward_";

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

/// The action id of an account button.
pub fn action_id(button: Button) -> String {
    format!("{PREFIX}{}", button.word())
}

/// The 'Share in channel' actions block for an answer to `line`, a line that only reads
/// (see [`super::Line`]), when it fits in a button's value.
pub fn share_block(line: &str) -> Option<Value> {
    (line.len() <= MAX_VALUE).then(|| {
        json!({"type": "actions", "block_id": "steward_share", "elements": [button(SHARE, "Share in channel", line)]})
    })
}

/// The actions block of a question's offered commands: one button each, labelled with its
/// command, the change it asks to confirm in the primary style.
pub fn choices_block(choices: &[Choice]) -> Option<Value> {
    let elements: Vec<Value> = choices
        .iter()
        .map(|c| {
            let mut element = button(
                &format!("{PICK}{}", c.number),
                &c.line,
                &c.number.to_string(),
            );
            if c.confirms {
                element["style"] = json!("primary");
            }
            element
        })
        .collect();
    (!elements.is_empty())
        .then(|| json!({"type": "actions", "block_id": "steward_choices", "elements": elements}))
}

/// What a click asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Click {
    /// Run this line, which only reads, and answer in the channel.
    Share(String),
    /// Run this line: a question's offered command picked (see [`pick_line`]).
    Pick(String),
    /// Press an account button for the account named.
    Press(Button, String),
}

/// The click behind an action id and value; `None` for what is not one of Steward's buttons
/// (or a share of a line that writes).
pub fn click(action_id: &str, value: &str) -> Option<Click> {
    if action_id == SHARE {
        return is_read_only(value).then(|| Click::Share(value.to_string()));
    }
    if let Some(number) = action_id.strip_prefix(PICK) {
        let number = number
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=9).contains(n))?;
        return Some(Click::Pick(pick_line(number)));
    }
    let button = Button::from_word(action_id.strip_prefix(PREFIX)?)?;
    Some(Click::Press(button, value.to_string()))
}

/// The actions blocks of a post's account buttons, one block per account.
pub fn post_blocks(accounts: &[AccountButtons]) -> Vec<Value> {
    let labelled = accounts.len() > 1;
    accounts
        .iter()
        .take(MAX_ACCOUNTS)
        .enumerate()
        .filter(|(_, a)| a.account.len() <= MAX_VALUE)
        .map(|(i, a)| {
            let name = &a.account;
            let elements: Vec<Value> = a
                .buttons
                .iter()
                .map(|&b| {
                    let label = button_label(b.label(), name, labelled);
                    let mut element = button(&action_id(b), &label, name);
                    if let Some(c) = b.confirm(name) {
                        element["confirm"] = confirm(c.title, c.text, c.yes);
                    }
                    element
                })
                .collect();
            // A link button opens its URL in the browser; Slack still sends a
            // `block_actions`, which no action id of ours answers.
            let link = a.link.iter().map(|(text, url)| {
                json!({"type": "button", "action_id": format!("{PREFIX}link"),
                       "text": {"type": "plain_text", "text": text}, "url": url})
            });
            let elements: Vec<Value> = link.chain(elements).collect();
            json!({
                "type": "actions",
                "block_id": format!("steward_account_{i}"),
                "elements": elements,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::saveplay::RootCause;

    fn renewal_buttons(names: &[&str]) -> Vec<AccountButtons> {
        names
            .iter()
            .map(|n| AccountButtons {
                account: n.to_string(),
                buttons: vec![Button::FollowUp, Button::Renewed, Button::SnoozeReminders],
                link: None,
            })
            .collect()
    }

    #[test]
    fn clicks_name_their_button_and_account() {
        assert_eq!(
            click("steward_followup", "Acme Corp"),
            Some(Click::Press(Button::FollowUp, "Acme Corp".into()))
        );
        assert_eq!(
            click("steward_save-relationship", "Acme"),
            Some(Click::Press(
                Button::StartSave(RootCause::Relationship),
                "Acme".into()
            ))
        );
        assert_eq!(
            click(SHARE, "/account show Acme"),
            Some(Click::Share("/account show Acme".into()))
        );
        assert_eq!(click(SHARE, "/account remove Acme"), None);
        assert_eq!(
            click("steward_pick_2", "2"),
            Some(Click::Pick("/steward ask 2".into()))
        );
        for id in [
            "steward_pick_0",
            "steward_pick_10",
            "steward_pick_x",
            "steward_pick_",
        ] {
            assert_eq!(click(id, "1"), None, "{id}");
        }
        assert_eq!(click("other", "x"), None);
        assert_eq!(click("steward_nothing", "x"), None);
    }

    #[test]
    fn labels_show_names_plainly_and_values_carry_them_for_the_command_line() {
        let blocks = post_blocks(&renewal_buttons(&["Acme Corp", "The \"A\" Team"]));
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
        assert_eq!(buttons[1]["action_id"], "steward_renewed");
        assert!(buttons[1]["confirm"].is_object() && buttons[0]["confirm"].is_null());
        // One account: the post names it; the labels say only what they do.
        let one = post_blocks(&renewal_buttons(&["Acme Corp"]));
        assert_eq!(one[0]["elements"][2]["text"]["text"], "Snooze a week");
    }

    #[test]
    fn only_reads_are_shared() {
        let shared = |line: &str| is_read_only(line).then(|| share_block(line)).flatten();
        assert!(shared("/account show Acme").is_some());
        assert!(shared("/steward help").is_some());
        assert!(shared("/account add Acme arr:5k renewal:2030-01-01").is_none());
        assert!(shared("/renewal followup Acme").is_none());
        let long = format!("/account show \"{}\"", "A".repeat(MAX_VALUE));
        assert!(is_read_only(&long) && share_block(&long).is_none());
    }
}
