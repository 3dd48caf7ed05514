//! Purpose: the phrase → command rules. A `Reader` holds what a prompt was found to carry
//! (accounts, people, numbers, mentions); the rules, one file per command group, are tried in
//! a fixed order and the first that recognises the prompt decides.

mod account;
mod account_new;
mod admin;
mod atrisk;
mod chat;
mod data_in;
mod expansion;
mod health;
mod plan;
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
        .trim_start_matches(|c: char| c.is_whitespace() || ",:;-—–".contains(c))
        .trim_end_matches(|c: char| c.is_whitespace() || ".!?,;".contains(c));
    (!t.is_empty()).then(|| t.to_string())
}

pub fn clarify(question: impl Into<String>, options: Vec<String>) -> Outcome {
    Outcome::Clarify {
        question: question.into(),
        options,
    }
}

type Rule = fn(&Reader) -> Option<Outcome>;

/// Tries the rules in order; the first that recognises the prompt decides.
pub fn decide(r: &Reader) -> Outcome {
    const RULES: [Rule; 21] = [
        chat::off_topic,
        admin::steward,
        data_in::rule,
        admin::help_first,
        admin::digest,
        account_new::add_or_reassign,
        expansion::closed,
        plan::done,
        plan::with_text,
        account::log,
        atrisk::rule,
        admin::portfolio,
        qbr::rule,
        plan::rule,
        stakeholder::rule,
        renewal::rule,
        expansion::rule,
        health::rule,
        account::rule,
        admin::help,
        chat::fallback,
    ];
    RULES
        .iter()
        .find_map(|rule| rule(r))
        .unwrap_or_else(|| Outcome::Out(chat::POINTER.to_string()))
}
