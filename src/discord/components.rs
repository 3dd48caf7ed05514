//! Purpose: Steward's buttons on Discord — 'Share in channel' under ephemeral answers that
//! only read, a question's offered commands (`steward:pick:{n}` runs what a reply of the
//! number would), and the account buttons [`crate::actions::post_buttons`] decides a post carries
//! (the Slack adapter's set) — and what a click asks for: a line to run, a press of an
//! account button (its line from [`crate::actions::press`], run through `App::execute`, so
//! rights and the audit trail apply as if the user had typed it), or a question first. A
//! button that asks first ('Mark renewed') does so in an ephemeral message with a confirm
//! button, since Discord buttons have no confirmation dialog of their own.
//!
//! A button's `custom_id` (at most 100 characters) carries what it needs: the line after
//! `steward:share:`, or the account name after `steward:{word}:` (`steward:{word}!:` once
//! confirmed); one that would not fit is left out.

use serde_json::{json, Value};

use crate::actions::{button_label, is_read_only, pick_line, AccountButtons, Button, Line, Style};
use crate::reply::Choice;

/// Discord's limits on `custom_id` and a button's label.
pub const MAX_CUSTOM_ID: usize = 100;
const MAX_LABEL: usize = 80;
/// Buttons a row holds.
const ROW: usize = 5;
/// Button styles: primary, secondary, success.
const PRIMARY: u8 = 1;
const SECONDARY: u8 = 2;
const SUCCESS: u8 = 3;

const SHARE: &str = "steward:share:";
/// A question's offered commands: this, then the command's number.
const PICK: &str = "steward:pick:";
/// Account buttons' custom ids start with this, then the button's word.
const PREFIX: &str = "steward:";

/// What a click asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Click {
    /// Run `line`; `public` answers in the channel, `replace` updates the clicked message.
    Run {
        line: String,
        public: bool,
        replace: bool,
    },
    /// Press an account button for the account named; `replace` updates the clicked message
    /// (the confirmation it answers).
    Press {
        button: Button,
        account: String,
        replace: bool,
    },
    /// Ask first: `question`, with a button `yes` → `custom_id`.
    Confirm {
        question: String,
        yes: String,
        custom_id: String,
    },
    /// Not one of Steward's buttons (or a share of a line that writes).
    Unknown,
}

/// The custom id of an account button (`confirmed`: the yes of its question).
pub fn custom_id(button: Button, name: &str, confirmed: bool) -> String {
    let mark = if confirmed { "!" } else { "" };
    format!("{PREFIX}{}{mark}:{name}", button.word())
}

/// The click behind a `custom_id`.
pub fn click(custom_id_: &str) -> Click {
    if let Some(line) = custom_id_.strip_prefix(SHARE) {
        return if is_read_only(line) {
            Click::Run {
                line: line.to_string(),
                public: true,
                replace: false,
            }
        } else {
            Click::Unknown
        };
    }
    if let Some(number) = custom_id_.strip_prefix(PICK) {
        return match number.parse::<usize>().ok().filter(|n| (1..=9).contains(n)) {
            Some(number) => Click::Run {
                line: pick_line(number),
                public: false,
                replace: false,
            },
            None => Click::Unknown,
        };
    }
    let Some((word, name)) = custom_id_
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.split_once(':'))
    else {
        return Click::Unknown;
    };
    let (word, confirmed) = match word.strip_suffix('!') {
        Some(word) => (word, true),
        None => (word, false),
    };
    let Some(button) = Button::from_word(word) else {
        return Click::Unknown;
    };
    let press = |replace| Click::Press {
        button,
        account: name.to_string(),
        replace,
    };
    match (button.confirm(name), confirmed) {
        (Some(c), false) => Click::Confirm {
            question: format!("{} {}", c.title, c.text),
            yes: c.yes.to_string(),
            custom_id: custom_id(button, name, true),
        },
        (Some(_), true) => press(true),
        (None, false) => press(false),
        (None, true) => Click::Unknown,
    }
}

fn label(text: &str) -> String {
    crate::manifest::truncate(text, MAX_LABEL)
}

fn button(style: u8, text: &str, custom_id: String) -> Option<Value> {
    (custom_id.chars().count() <= MAX_CUSTOM_ID)
        .then(|| json!({"type": 2, "style": style, "label": label(text), "custom_id": custom_id}))
}

fn row(buttons: Vec<Value>) -> Value {
    json!({"type": 1, "components": buttons})
}

fn style(style: Style) -> u8 {
    match style {
        Style::Primary => PRIMARY,
        Style::Secondary => SECONDARY,
        Style::Success => SUCCESS,
    }
}

/// The 'Share in channel' row for an answer to `line`, when it only reads and fits.
pub fn share_row(line: &Line) -> Option<Value> {
    if !line.only_reads() {
        return None;
    }
    button(
        SECONDARY,
        "Share in channel",
        format!("{SHARE}{}", line.text()),
    )
    .map(|b| row(vec![b]))
}

/// The rows of a question's offered commands: a button each, labelled with its command, the
/// change it asks to confirm in the primary style.
pub fn choice_rows(choices: &[Choice]) -> Vec<Value> {
    let buttons: Vec<Value> = choices
        .iter()
        .filter_map(|c| {
            let style = if c.confirms { PRIMARY } else { SECONDARY };
            button(style, &c.line, format!("{PICK}{}", c.number))
        })
        .collect();
    buttons.chunks(ROW).map(|r| row(r.to_vec())).collect()
}

/// The confirm row for a [`Click::Confirm`].
pub fn confirm_row(yes: &str, custom_id: &str) -> Value {
    row(button(SUCCESS, yes, custom_id.to_string())
        .into_iter()
        .collect())
}

/// One row per account (at most five accounts get buttons); an account whose name does not
/// fit a custom id gets none.
pub fn post_rows(accounts: &[AccountButtons]) -> Vec<Value> {
    let labelled = accounts.len() > 1;
    accounts
        .iter()
        .filter_map(|a| {
            let name = &a.account;
            let buttons: Option<Vec<Value>> = a
                .buttons
                .iter()
                .map(|&b| {
                    let text = button_label(b.label(), name, labelled);
                    button(style(b.style()), &text, custom_id(b, name, false))
                })
                .collect();
            // A link button (style 5) carries a URL and no custom id.
            let link = a.link.iter().map(
                |(text, url)| json!({"type": 2, "style": 5, "label": label(text), "url": url}),
            );
            let buttons = buttons.map(|b| link.chain(b).collect::<Vec<Value>>());
            buttons.filter(|b| !b.is_empty() && b.len() <= ROW).map(row)
        })
        .take(super::respond::MAX_ROWS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::expansion::OpportunityKind;

    fn renewal_buttons(names: &[String]) -> Vec<AccountButtons> {
        names
            .iter()
            .map(|n| AccountButtons {
                account: n.clone(),
                buttons: vec![Button::FollowUp, Button::Renewed, Button::SnoozeReminders],
                link: None,
            })
            .collect()
    }

    #[test]
    fn an_offered_command_is_picked_by_its_number_only() {
        assert_eq!(
            click("steward:pick:3"),
            Click::Run {
                line: "/steward ask 3".into(),
                public: false,
                replace: false,
            }
        );
        for id in [
            "steward:pick:0",
            "steward:pick:12",
            "steward:pick:",
            "steward:pick:1 ",
        ] {
            assert_eq!(click(id), Click::Unknown, "{id}");
        }
    }

    #[test]
    fn clicks_name_their_button_and_account() {
        let press = |button, account: &str, replace| Click::Press {
            button,
            account: account.into(),
            replace,
        };
        assert_eq!(
            click("steward:followup:Acme Corp"),
            press(Button::FollowUp, "Acme Corp", false)
        );
        assert_eq!(
            click("steward:share:/account show \"Acme\""),
            Click::Run {
                line: "/account show \"Acme\"".into(),
                public: true,
                replace: false
            }
        );
        assert_eq!(
            click("steward:share:/account remove \"Acme\""),
            Click::Unknown
        );
        assert!(
            matches!(click("steward:renewed:Acme"), Click::Confirm { custom_id, .. } if custom_id == "steward:renewed!:Acme")
        );
        assert_eq!(
            click("steward:renewed!:Acme"),
            press(Button::Renewed, "Acme", true)
        );
        assert_eq!(
            click("steward:snooze:Acme: the sequel"),
            press(Button::SnoozeReminders, "Acme: the sequel", false)
        );
        assert_eq!(
            click("steward:expand-seat:Acme"),
            press(Button::LogExpansion(OpportunityKind::Seat), "Acme", false)
        );
        assert_eq!(click("steward:snooze!:Acme"), Click::Unknown);
        assert_eq!(click("steward:nothing:Acme"), Click::Unknown);
        assert_eq!(click("other"), Click::Unknown);
    }

    #[test]
    fn labels_show_names_plainly_and_custom_ids_carry_them() {
        let rows = post_rows(&renewal_buttons(&[
            "Acme Corp".into(),
            "The \"A\" Team".into(),
        ]));
        let labels: Vec<&str> = rows
            .iter()
            .flat_map(|r| r["components"].as_array().into_iter().flatten())
            .filter_map(|b| b["label"].as_str())
            .collect();
        assert_eq!(labels[0], "Log follow-up — Acme Corp");
        assert_eq!(labels[5], "Snooze a week — The \"A\" Team");
        assert!(labels.iter().all(|l| !l.contains(['“', '”'])), "{labels:?}");
        assert_eq!(
            rows[0]["components"][1]["custom_id"],
            "steward:renewed:Acme Corp"
        );
    }

    #[test]
    fn buttons_fit_discords_limits() {
        let share = |line: &str| share_row(&Line::new(line.to_string()));
        assert!(share("/account show Acme").is_some());
        assert!(share("/account add Acme arr:5k renewal:2030-01-01").is_none());
        assert!(share(&format!("/account show {}", "x".repeat(100))).is_none());
        let rows = post_rows(&renewal_buttons(&[
            "Acme".into(),
            "y".repeat(95),
            "Globex".into(),
        ]));
        assert_eq!(rows.len(), 2, "the over-long name gets no buttons");
        for r in &rows {
            for b in r["components"].as_array().into_iter().flatten() {
                assert!(b["label"]
                    .as_str()
                    .is_some_and(|l| l.chars().count() <= MAX_LABEL));
            }
        }
        assert_eq!(
            post_rows(&renewal_buttons(
                &(0..9).map(|i| format!("A{i}")).collect::<Vec<_>>()
            ))
            .len(),
            5
        );
    }
}
