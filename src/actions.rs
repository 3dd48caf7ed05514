//! Purpose: what Steward offers to click, on every chat platform alike: which answers may be
//! shared in the channel (those of commands that only read), which posts carry account
//! buttons, and the accounts a reply names. Slack and Discord render them their own way.

use chrono::NaiveDate;

use crate::command::{steward::StewardCommand, Command};
use crate::domain::book::Book;
use crate::reply::{Block, Reply, Span};

/// Whether `line` (`/group sub …`) only reads, so its answer may be re-run and shared. Which
/// commands write is decided once, exhaustively, by [`crate::prompt::is_write`]; `/steward
/// ask` is not shared because what it runs depends on how the prompt is read, and `/steward
/// apikey` answers stay with the admin who asked (INGEST.md: ephemeral).
pub fn is_read_only(line: &str) -> bool {
    // The date only anchors relative dates; whether a command writes does not depend on it.
    match crate::command::parse(line, NaiveDate::default()) {
        Ok(parsed) => {
            !matches!(
                parsed.command,
                Command::Steward(StewardCommand::Ask { .. } | StewardCommand::ApiKey(_))
            ) && !crate::prompt::is_write(&parsed.command)
        }
        Err(_) => false,
    }
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

/// Post kinds whose posts carry account buttons.
pub fn has_buttons(kind: &str) -> bool {
    matches!(kind, "renewals" | "escalations")
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
