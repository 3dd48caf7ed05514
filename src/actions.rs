//! Purpose: what Steward offers to click, on every chat platform alike: which answers may be
//! shared in the channel (those of commands that only read, known once per [`Line`], which
//! also decides where the line runs), which posts carry which account buttons
//! ([`post_buttons`], the one place that decides it), the command line a press runs and who
//! may press it ([`press`]), what pressing a question's offered command runs ([`pick_line`]),
//! and the accounts a reply names. Slack and Discord render them and carry them their own way.

mod line;

pub use line::{is_read_only, Line};

use crate::app::{Actor, App};
use crate::command::quote;
use crate::domain::account::Account;
use crate::domain::book::Book;
use crate::domain::expansion::OpportunityKind;
use crate::domain::person::UserId;
use crate::domain::saveplay::RootCause;
use crate::domain::signals::IndicatorKind;
use crate::jobs::indicators as indicator_jobs;
use crate::reply::{Block, Reply, Span};
use crate::scheduler::{indicators::parse_period, marker_parts};
use crate::store::Store;

/// The line a press of an offered command's button runs: the reply of its number, through
/// the prompt reader (`crate::conversation`), so it runs only while its question is open and
/// only for whom it was asked.
pub fn pick_line(number: usize) -> String {
    format!("/steward ask {number}")
}

/// A button's label: `Mark renewed`, or `Mark renewed — Acme Corp` when the post has buttons
/// for several accounts. The name is shown as it is, never quoted: quoting is for the command
/// line the button carries, not for people.
pub fn button_label(what: &str, name: &str, several: bool) -> String {
    if several {
        format!("{what} — {name}")
    } else {
        what.to_string()
    }
}

/// A button under a post, acting on one account. A platform carries it as its
/// [`word`](Button::word) and the account's name (Slack: action id `steward_{word}`, value the
/// name; Discord: custom id `steward:{word}:{name}`), and a press becomes a command line run
/// as the presser ([`press`]), so rights and the audit trail apply as if they had typed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    /// Renewal reminders and escalations: `/renewal followup`.
    FollowUp,
    /// `/renewal renewed`, asked first ([`Button::confirm`]).
    Renewed,
    /// `/renewal snooze`: the reminders muted for a week; the renewal date stays.
    SnoozeReminders,
    /// An indicator's message: `/health show`.
    ShowHealth,
    /// A risk indicator's message: `/atrisk save … cause:… owner:…` (the owner of the save
    /// is the account's owner).
    StartSave(RootCause),
    /// An opportunity indicator's message: `/expansion add … type:… value:… trigger:…`.
    LogExpansion(OpportunityKind),
    /// An indicator's message: `/health snooze`, the account's indicator messages held for
    /// 14 days.
    SnoozeIndicators,
    /// *Customer waiting*: `/health snooze … days:1`.
    SnoozeDay,
}

/// How a button looks: the platforms map these to their own styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Primary,
    Secondary,
    Success,
}

/// What is asked before a button runs, where it changes what is hard to take back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub title: &'static str,
    pub text: String,
    pub yes: &'static str,
}

impl Button {
    /// The word a platform carries the button by; [`Button::from_word`] reads it back.
    pub fn word(self) -> String {
        match self {
            Button::FollowUp => "followup".into(),
            Button::Renewed => "renewed".into(),
            Button::SnoozeReminders => "snooze".into(),
            Button::ShowHealth => "health".into(),
            Button::StartSave(cause) => format!("save-{}", cause.name()),
            Button::LogExpansion(kind) => format!("expand-{}", kind.name()),
            Button::SnoozeIndicators => "snooze14".into(),
            Button::SnoozeDay => "snooze1".into(),
        }
    }

    pub fn from_word(word: &str) -> Option<Button> {
        Some(match word {
            "followup" => Button::FollowUp,
            "renewed" => Button::Renewed,
            "snooze" => Button::SnoozeReminders,
            "health" => Button::ShowHealth,
            "snooze14" => Button::SnoozeIndicators,
            "snooze1" => Button::SnoozeDay,
            other => {
                if let Some(cause) = other.strip_prefix("save-") {
                    Button::StartSave(RootCause::parse(cause)?)
                } else {
                    Button::LogExpansion(OpportunityKind::parse(other.strip_prefix("expand-")?)?)
                }
            }
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Button::FollowUp => "Log follow-up",
            Button::Renewed => "Mark renewed",
            Button::SnoozeReminders => "Snooze a week",
            Button::ShowHealth => "Show health",
            Button::StartSave(_) => "Start save play",
            Button::LogExpansion(_) => "Log expansion",
            Button::SnoozeIndicators => "Snooze 14 days",
            Button::SnoozeDay => "Snooze 1 day",
        }
    }

    pub fn style(self) -> Style {
        match self {
            Button::FollowUp | Button::StartSave(_) | Button::LogExpansion(_) => Style::Primary,
            Button::Renewed => Style::Success,
            Button::SnoozeReminders
            | Button::ShowHealth
            | Button::SnoozeIndicators
            | Button::SnoozeDay => Style::Secondary,
        }
    }

    /// What is asked before the button runs, if anything.
    pub fn confirm(self, name: &str) -> Option<Confirm> {
        (self == Button::Renewed).then(|| Confirm {
            title: "Mark renewed?",
            text: format!("Record that {name} renewed at its current ARR, for a year."),
            yes: "Mark renewed",
        })
    }

    /// Whether only the account's owner or an admin may press it: the buttons of an
    /// indicator's message, which is the owner's. Renewal and escalation posts go to a
    /// channel, where the team acts on them.
    pub fn owner_only(self) -> bool {
        !matches!(
            self,
            Button::FollowUp | Button::Renewed | Button::SnoozeReminders
        )
    }

    /// The command line a press runs for the account named `name` (`account` when it exists;
    /// `presser` owns a save play started where the account has no owner to name).
    pub fn line(
        self,
        name: &str,
        account: Option<&Account>,
        book: &Book,
        presser: &UserId,
    ) -> String {
        let q = quote(name);
        match self {
            Button::FollowUp => format!("/renewal followup {q}"),
            Button::Renewed => format!("/renewal renewed {q}"),
            Button::SnoozeReminders => format!("/renewal snooze {q}"),
            Button::ShowHealth => format!("/health show {q}"),
            Button::SnoozeIndicators => format!("/health snooze {q}"),
            Button::SnoozeDay => format!("/health snooze {q} days:1"),
            Button::StartSave(cause) => {
                let owner = account
                    .and_then(|a| indicator_jobs::owner(book, a))
                    .unwrap_or_else(|| presser.clone());
                format!("/atrisk save {q} cause:{} owner:<@{owner}>", cause.name())
            }
            Button::LogExpansion(kind) => format!(
                "/expansion add {q} type:{} value:{} trigger:{}",
                kind.name(),
                indicator_jobs::expansion_value(account),
                quote(&indicator_jobs::expansion_trigger(kind))
            ),
        }
    }
}

/// The buttons a post carries for one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountButtons {
    pub account: String,
    pub buttons: Vec<Button>,
    /// A link button first (*Open thread*: the waiting customer message), if any.
    pub link: Option<(String, String)>,
}

/// The buttons of a post, by the kind its marker names — the one place that decides which
/// posts carry which buttons:
/// - renewal reminders and escalations: *Log follow-up*, *Mark renewed*, *Snooze a week*
///   for each account the post names;
/// - an indicator's message: *Show health*, *Start save play* (risk) or *Log expansion*
///   (opportunity), *Snooze 14 days*, for its account;
/// - anything else: none.
pub fn post_buttons(store: &Store, marker: &str, reply: &Reply) -> Vec<AccountButtons> {
    let Some((tenant, kind, period)) = marker_parts(marker)
        .filter(|(_, kind, _)| matches!(kind.as_str(), "renewals" | "escalations" | "indicators"))
    else {
        return Vec::new();
    };
    let Ok(book) = store.book(&tenant) else {
        return Vec::new();
    };
    let book = book.read().unwrap_or_else(|p| p.into_inner());
    match kind.as_str() {
        "renewals" | "escalations" => accounts_in(reply, &book)
            .into_iter()
            .map(|account| AccountButtons {
                account,
                buttons: vec![Button::FollowUp, Button::Renewed, Button::SnoozeReminders],
                link: None,
            })
            .collect(),
        "indicators" => indicator_buttons(&book, &period).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// The buttons of the message about the indicator cause `period` names.
fn indicator_buttons(book: &Book, period: &str) -> Option<AccountButtons> {
    let (cause, id) = parse_period(period)?;
    let kind = IndicatorKind::of_cause(cause)?;
    let account = book.account(id).filter(|a| a.is_active())?;
    if kind == IndicatorKind::CustomerWaiting {
        let (channel, message) = cause.split_once(':')?.1.split_once('/')?;
        return Some(AccountButtons {
            account: account.name.clone(),
            buttons: vec![Button::SnoozeDay],
            link: Some((
                "Open thread".into(),
                crate::channels::permalink(&book.tenant, channel, message),
            )),
        });
    }
    let next = match kind.is_risk() {
        true => Button::StartSave(indicator_jobs::save_cause(kind)),
        false => Button::LogExpansion(indicator_jobs::expansion_kind(kind)),
    };
    Some(AccountButtons {
        account: account.name.clone(),
        buttons: vec![Button::ShowHealth, next, Button::SnoozeIndicators],
        link: None,
    })
}

/// Whether `actor` may act on `account` through its owner's buttons: its owner (directly or
/// through an owner alias) or an admin.
pub fn may_press(app: &App, actor: &Actor, book: &Book, account: &Account) -> bool {
    app.is_admin(actor) || indicator_jobs::owner(book, account).is_some_and(|o| o == actor.user)
}

/// A press of `button` for the account named `name` by `actor`: the command line to run as
/// them, or the refusal to show them alone (nothing is run). An owner-only button pressed by
/// anyone else is refused, as is one whose account is gone.
pub fn press(app: &App, actor: &Actor, button: Button, name: &str) -> Result<String, Reply> {
    let book = app.store.book(&actor.tenant).map_err(|error| {
        tracing::error!(tenant = %actor.tenant, %error, "could not read the book for a button");
        Reply::error("Steward could not read this workspace's accounts just now; please try again.")
    })?;
    let book = book.read().unwrap_or_else(|p| p.into_inner());
    let account = book.by_name(name);
    if button.owner_only() {
        let Some(found) = account else {
            return Err(Reply::error(format!(
                "There is no account named {name} any more; type the command instead."
            )));
        };
        if !may_press(app, actor, &book, found) {
            return Err(Reply::error(format!(
                "Only {}'s owner or an admin can use this button; nothing was changed.",
                found.name
            )));
        }
    }
    Ok(button.line(name, account, &book, &actor.user))
}

/// The account names a reply mentions (strong spans, quoted names), in order, that exist in
/// `book`.
pub fn accounts_in(reply: &Reply, book: &Book) -> Vec<String> {
    let mut candidates: Vec<String> = Vec::new();
    let mut spans = |line: &[Span]| {
        for span in line {
            match span {
                Span::Strong(s) => candidates.push(s.clone()),
                Span::Text(s) | Span::Code(s) => {
                    candidates.extend(s.split('"').skip(1).step_by(2).map(str::to_string))
                }
                Span::Mention(_) => {}
            }
        }
    };
    for block in &reply.blocks {
        match block {
            Block::Paragraph(line) => spans(line),
            Block::Bullets(items) => items.iter().for_each(|l| spans(l)),
            Block::Fields(fields) => fields.iter().for_each(|(_, l)| spans(l)),
            Block::Heading(_) => {}
        }
    }
    let mut names: Vec<String> = Vec::new();
    for candidate in candidates {
        if let Some(account) = book.by_name(&candidate).filter(|a| a.is_active()) {
            if !names.contains(&account.name) {
                names.push(account.name.clone());
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_stay_short() {
        let all = [
            Button::FollowUp,
            Button::Renewed,
            Button::SnoozeReminders,
            Button::ShowHealth,
            Button::StartSave(RootCause::ProductGap),
            Button::StartSave(RootCause::Relationship),
            Button::LogExpansion(OpportunityKind::Seat),
            Button::LogExpansion(OpportunityKind::Module),
            Button::SnoozeIndicators,
        ];
        for button in all {
            assert_eq!(Button::from_word(&button.word()), Some(button));
            // Discord's custom id holds `steward:{word}!:` and the name in 100 characters.
            assert!(button.word().len() <= 20, "{}", button.word());
            assert!(!button.word().contains([':', '!']));
        }
        assert_eq!(Button::from_word("save-luck"), None);
        assert_eq!(Button::from_word("share"), None);
        assert_eq!(Button::from_word(""), None);
    }

    #[test]
    fn only_the_indicator_buttons_are_the_owners() {
        assert!(!Button::FollowUp.owner_only() && !Button::Renewed.owner_only());
        assert!(Button::ShowHealth.owner_only() && Button::SnoozeIndicators.owner_only());
        assert!(Button::Renewed.confirm("Acme").is_some());
        assert!(Button::SnoozeIndicators.confirm("Acme").is_none());
    }
}
