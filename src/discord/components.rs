//! Purpose: Steward's buttons on Discord — 'Share in channel' under ephemeral answers that
//! only read, and 'Log follow-up', 'Mark renewed', 'Snooze a week' under reminder and
//! escalation posts (the Slack adapter's set) — and the command line each click runs through
//! `App::execute`, so rights and the audit trail apply as if the user had typed it. 'Mark
//! renewed' asks first, in an ephemeral message with a confirm button, since Discord buttons
//! have no confirmation dialog of their own.
//!
//! A button's `custom_id` (at most 100 characters) carries what it needs: `steward:share:`
//! + the line, or `steward:{action}:` + the account name; one that would not fit is left out.

use serde_json::{json, Value};

use crate::actions::{button_label, is_read_only};
use crate::command::quote;

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
const FOLLOWUP: &str = "steward:followup:";
const RENEWED: &str = "steward:renewed:";
const SNOOZE: &str = "steward:snooze:";
/// A confirmed `RENEWED`.
const RENEWED_YES: &str = "steward:renewed!:";

/// What a click asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Click {
    /// Run `line`; `public` answers in the channel, `replace` updates the clicked message.
    Run {
        line: String,
        public: bool,
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

/// The click behind a `custom_id`.
pub fn click(custom_id: &str) -> Click {
    let run = |line: String, public: bool, replace: bool| Click::Run {
        line,
        public,
        replace,
    };
    if let Some(line) = custom_id.strip_prefix(SHARE) {
        return if is_read_only(line) {
            run(line.to_string(), true, false)
        } else {
            Click::Unknown
        };
    }
    if let Some(name) = custom_id.strip_prefix(FOLLOWUP) {
        return run(format!("/renewal followup {}", quote(name)), false, false);
    }
    if let Some(name) = custom_id.strip_prefix(RENEWED_YES) {
        return run(format!("/renewal renewed {}", quote(name)), false, true);
    }
    // Mutes the account's reminders for a week; the renewal date stays.
    if let Some(name) = custom_id.strip_prefix(SNOOZE) {
        return run(format!("/renewal snooze {}", quote(name)), false, false);
    }
    if let Some(name) = custom_id.strip_prefix(RENEWED) {
        return Click::Confirm {
            question: format!(
                "Mark {name} renewed? This records that it renewed at its current ARR, for a year."
            ),
            yes: "Mark renewed".into(),
            custom_id: format!("{RENEWED_YES}{name}"),
        };
    }
    Click::Unknown
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

/// The 'Share in channel' row for an answer to `line`, when it only reads and fits.
pub fn share_row(line: &str) -> Option<Value> {
    if !is_read_only(line) {
        return None;
    }
    button(SECONDARY, "Share in channel", format!("{SHARE}{line}")).map(|b| row(vec![b]))
}

/// The confirm row for a [`Click::Confirm`].
pub fn confirm_row(yes: &str, custom_id: &str) -> Value {
    row(button(SUCCESS, yes, custom_id.to_string())
        .into_iter()
        .collect())
}

/// One row per account (at most five accounts get buttons): follow-up, renewed, snooze.
pub fn post_rows(accounts: &[String]) -> Vec<Value> {
    let labelled = accounts.len() > 1;
    accounts
        .iter()
        .filter_map(|name| {
            let text = |what: &str| button_label(what, name, labelled);
            let buttons: Option<Vec<Value>> = [
                button(PRIMARY, &text("Log follow-up"), format!("{FOLLOWUP}{name}")),
                button(SUCCESS, &text("Mark renewed"), format!("{RENEWED}{name}")),
                button(SECONDARY, &text("Snooze a week"), format!("{SNOOZE}{name}")),
            ]
            .into_iter()
            .collect();
            buttons.filter(|b| b.len() <= ROW).map(row)
        })
        .take(super::respond::MAX_ROWS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicks_map_to_command_lines() {
        assert_eq!(
            click("steward:followup:Acme Corp"),
            Click::Run {
                line: "/renewal followup \"Acme Corp\"".into(),
                public: false,
                replace: false
            }
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
            click("steward:snooze:Acme"),
            Click::Run {
                line: "/renewal snooze \"Acme\"".into(),
                public: false,
                replace: false
            }
        );
        assert_eq!(click("other"), Click::Unknown);
    }

    #[test]
    fn labels_show_names_plainly_and_custom_ids_carry_them() {
        let rows = post_rows(&["Acme Corp".into(), "The \"A\" Team".into()]);
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
        assert!(share_row("/account show Acme").is_some());
        assert!(share_row("/account add Acme arr:5k renewal:2030-01-01").is_none());
        assert!(share_row(&format!("/account show {}", "x".repeat(100))).is_none());
        let rows = post_rows(&["Acme".into(), "y".repeat(95), "Globex".into()]);
        assert_eq!(rows.len(), 2, "the over-long name gets no buttons");
        for r in &rows {
            for b in r["components"].as_array().into_iter().flatten() {
                assert!(b["label"]
                    .as_str()
                    .is_some_and(|l| l.chars().count() <= MAX_LABEL));
            }
        }
        assert_eq!(
            post_rows(&(0..9).map(|i| format!("A{i}")).collect::<Vec<_>>()).len(),
            5
        );
    }
}
