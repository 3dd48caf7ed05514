//! Purpose: the phrase → command rules. A `Reader` holds what a prompt was found to carry
//! (accounts, people, numbers, mentions); the rules, one file per command group, are tried in
//! a fixed order and the first that recognises the prompt decides.

mod account;
mod account_log;
mod account_new;
mod admin;
mod atrisk;
mod chat;
mod data_in;
mod digest;
mod expansion;
mod health;
mod help;
mod plan;
mod plan_competition;
mod portfolio;
mod qbr;
mod reader;
mod renewal;
mod stakeholder;

pub use reader::{Reader, Target, Via};

use super::line::Line;

/// What a rule decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A command line; its account (if it needs one) is filled in from the reader's target.
    Line(Line),
    Clarify {
        question: String,
        options: Vec<String>,
    },
    Out(String),
}

/// Trims separators and closing punctuation; `None` when nothing is left.
pub fn clean(text: &str) -> Option<String> {
    let t = text
        .trim_start_matches(|c: char| c.is_whitespace() || ",:;-—–=>→".contains(c))
        .trim_end_matches(|c: char| c.is_whitespace() || ".!?,;".contains(c));
    (!t.is_empty()).then(|| t.to_string())
}

/// A rule's decision: this line.
fn line(l: Line) -> Option<Outcome> {
    Some(Outcome::Line(l))
}

pub fn clarify(question: impl Into<String>, options: Vec<String>) -> Outcome {
    Outcome::Clarify {
        question: question.into(),
        options,
    }
}

type Rule = fn(&Reader) -> Option<Outcome>;

/// Tries the rules in order; the first that recognises the prompt decides. Returns what it
/// decided and the rule's name (for `why:`).
pub fn decide(r: &Reader) -> (&'static str, Outcome) {
    const RULES: [(&str, Rule); 23] = [
        ("small talk or off topic", chat::off_topic),
        ("help, asked first", help::help_first),
        ("Steward's own settings", admin::steward),
        (
            "data in: write keys, features, Zendesk, indicators",
            data_in::rule,
        ),
        ("an account's history", account_log::history),
        ("scheduled posts", digest::rule),
        (
            "a new account or a change of owner",
            account_new::add_or_reassign,
        ),
        ("a closed expansion", expansion::closed),
        ("an opportunity's MEDDIC", expansion::qualify),
        ("a plan item done", plan::done),
        ("a plan item with text", plan::with_text),
        (
            "a logged touch (call, meeting, email, note)",
            account_log::log,
        ),
        ("at-risk accounts and save plays", atrisk::rule),
        ("portfolio figures", portfolio::rule),
        ("QBRs", qbr::rule),
        ("the account plan", plan::rule),
        ("stakeholders", stakeholder::rule),
        ("renewals", renewal::rule),
        ("expansion", expansion::rule),
        ("health", health::rule),
        ("accounts", account::rule),
        ("help", help::rule),
        ("a last look for anything account-like", chat::fallback),
    ];
    RULES
        .iter()
        .find_map(|(name, rule)| rule(r).map(|outcome| (*name, outcome)))
        .unwrap_or_else(|| ("nothing matched", Outcome::Out(chat::POINTER.to_string())))
}
