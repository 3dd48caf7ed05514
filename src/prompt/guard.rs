//! Purpose: the changes a prompt never makes on its own. Whatever the words, a reading that
//! would change a subscription, an admin setting or a key, move a whole book, or delete
//! anything is turned into a question that shows the command: the asker confirms by running
//! it. Decided from the typed command, not from the prompt's words, so a new phrasing cannot
//! slip past it; where a read of the same thing exists (a scheduled post's preview), it is
//! offered first.

use crate::command::account::{AccountCommand, ChannelAction};
use crate::command::digest::DigestCommand;
use crate::command::plan::PlanCommand;
use crate::command::stakeholder::StakeholderCommand;
use crate::command::steward::{FeatureAction, IndicatorAction, KeyAction, StewardCommand};
use crate::command::Command;

/// Why a command needs the asker's confirmation, and the read to offer before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    /// What running it would do, for the question: "subscribes this channel to a scheduled post".
    pub what: &'static str,
    /// A command that reads the same thing, offered first (`/digest preview weekly`).
    pub instead: Option<String>,
}

/// What confirming `command` is about; `None` for commands a prompt may run.
pub fn confirmation(command: &Command) -> Option<Confirm> {
    let confirm = |what| {
        Some(Confirm {
            what,
            instead: None,
        })
    };
    match command {
        Command::Digest(DigestCommand::Subscribe { kind, .. }) => Some(Confirm {
            what: "subscribes this channel to a scheduled post",
            instead: Some(format!("/digest preview {}", kind.name())),
        }),
        Command::Digest(DigestCommand::Unsubscribe { kind }) => Some(Confirm {
            what: "stops a scheduled post in this channel",
            instead: Some(format!("/digest preview {}", kind.name())),
        }),
        Command::Account(AccountCommand::Remove { .. })
        | Command::Stakeholder(StakeholderCommand::Remove { .. })
        | Command::Plan(PlanCommand::Remove { .. }) => confirm("deletes it"),
        Command::Account(AccountCommand::Reassign { .. }) => {
            confirm("moves a whole book of accounts to another owner")
        }
        Command::Account(AccountCommand::Channel {
            action: ChannelAction::Unlink,
            ..
        }) => confirm("unlinks a customer channel and forgets what was kept of it"),
        Command::Steward(steward) => match steward {
            StewardCommand::Manager { .. }
            | StewardCommand::Owner { .. }
            | StewardCommand::Timezone { .. }
            | StewardCommand::Currency { .. }
            | StewardCommand::FiscalYear { .. }
            | StewardCommand::Hours { .. }
            | StewardCommand::Zendesk(_) => confirm("changes a setting of the whole team"),
            StewardCommand::Forget { .. } => confirm("deletes the whole book of this workspace"),
            StewardCommand::ApiKey(action) if !matches!(action, KeyAction::List { .. }) => {
                confirm("creates or revokes a write key")
            }
            StewardCommand::Feature(action) if !matches!(action, FeatureAction::List { .. }) => {
                confirm("changes which events count as core features")
            }
            StewardCommand::Indicator(action) if action != &IndicatorAction::List => {
                confirm("mutes or unmutes an indicator for the whole team")
            }
            _ => None,
        },
        _ => None,
    }
}

/// The question asked instead of running `line`, and the commands it offers.
pub fn question(confirm: &Confirm, line: &str) -> (String, Vec<String>) {
    let question = format!(
        "That {}, so I run it from a message only once you confirm{}:",
        confirm.what,
        if confirm.instead.is_some() {
            " (or see it first)"
        } else {
            ""
        }
    );
    let options = confirm
        .instead
        .iter()
        .cloned()
        .chain(std::iter::once(line.to_string()))
        .collect();
    (question, options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::parse;
    use chrono::NaiveDate;

    fn confirm_of(line: &str) -> Option<Confirm> {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        confirmation(&parse(line, today).expect(line).command)
    }

    #[test]
    fn subscriptions_settings_keys_and_deletes_need_confirmation() {
        for line in [
            "/digest subscribe weekly",
            "/digest unsubscribe standup",
            "/account remove \"Acme Corp\"",
            "/stakeholder remove \"Acme Corp\" \"Jane Doe\"",
            "/account reassign @jane to:@omar",
            "/steward timezone Europe/Paris",
            "/steward fiscal-year feb",
            "/steward apikey create segment",
            "/steward apikey revoke segment",
            "/steward feature add Reports event:\"Report Created\"",
            "/steward indicator mute \"usage drop\"",
            "/steward hours mon-fri 08:00-18:00",
            "/steward forget confirm:yes",
            "/account channel unlink \"Acme Corp\"",
        ] {
            assert!(
                confirm_of(line).is_some(),
                "{line} ran without confirmation"
            );
        }
    }

    #[test]
    fn everyday_changes_and_reads_run() {
        for line in [
            "/health set \"Acme Corp\" nps:5",
            "/account set \"Acme Corp\" arr:60k",
            "/renewal followup \"Acme Corp\" responded:yes",
            "/digest preview weekly",
            "/digest list",
            "/steward apikey list",
            "/steward indicator list",
            "/steward undo",
        ] {
            assert_eq!(confirm_of(line), None, "{line}");
        }
    }

    #[test]
    fn a_subscription_offers_its_preview_first() {
        let confirm = confirm_of("/digest subscribe standup").expect("confirm");
        let (question, options) = question(&confirm, "/digest subscribe standup");
        assert!(question.contains("subscribes this channel"), "{question}");
        assert_eq!(
            options,
            vec!["/digest preview standup", "/digest subscribe standup"]
        );
    }
}
