//! Purpose: prompts that are not about accounts (greetings, thanks, the weather) get a friendly
//! pointer to help; prompts that are about accounts but say too little get a question.

use super::{clarify, Outcome, Reader, Target, Via};
use crate::prompt::line::Line;

/// The friendly pointer for out-of-scope chat.
pub const POINTER: &str = "I'm Steward: I keep your book of accounts. Ask me things like \
\"how's Acme doing?\", \"which renewals are due this quarter?\" or \"who's at risk?\", \
or type /steward help for every command.";

/// Greetings, thanks and acknowledgements: a prompt made only of these is small talk.
const SMALL_TALK: [&str; 40] = [
    "hi",
    "hello",
    "hey",
    "yo",
    "hiya",
    "thanks",
    "thank",
    "you",
    "thx",
    "ty",
    "cheers",
    "ok",
    "okay",
    "cool",
    "nice",
    "great",
    "awesome",
    "perfect",
    "lol",
    "haha",
    "bye",
    "good",
    "morning",
    "afternoon",
    "evening",
    "night",
    "there",
    "how",
    "are",
    "doing",
    "all",
    "thats",
    "that",
    "sure",
    "np",
    "got",
    "it",
    "yes",
    "no",
    "well",
];

/// Topics Steward does not cover.
const OFF_TOPIC: [&str; 20] = [
    "weather", "joke", "jokes", "poem", "song", "pizza", "flight", "flights", "hotel", "taxes",
    "tax", "capital", "game", "movie", "recipe", "football", "stocks", "holiday", "vacation",
    "bitcoin",
];

/// Work Steward does not do, whatever account it is for: writing and translating for the
/// asker, booking, reminders of their own, other tools, market news.
const TASKS: [&str; 42] = [
    "write me",
    "write an",
    "write a",
    "draft a",
    "draft an",
    "draft me",
    "draft the",
    "an email about",
    "open a zendesk ticket",
    "open a ticket",
    "translate",
    "book me a",
    "book a flight",
    "set an alarm",
    "set me a",
    "personal reminder",
    "password",
    "jira",
    "stock price",
    "share price",
    "press coverage",
    "in the news",
    "linkedin",
    "champions league",
    "dentist",
    "summarise the latest",
    "summarize the latest",
    "send an email",
    "set up a zoom",
    "set up a call",
    "set up a meeting",
    "zoom call",
    "schedule a meeting",
    "schedule a call",
    "schedule a 1:1",
    "my calendar",
    "slide deck",
    "slack status",
    "personal email",
    "google",
    "usd to",
    "write the",
];

/// Small talk, work Steward does not do ([`TASKS`]), and topics it does not cover (unless an
/// account is named exactly).
pub fn off_topic(r: &Reader) -> Option<Outcome> {
    let small_talk = r.p.words.iter().all(|w| {
        SMALL_TALK.contains(&w.lower.as_str()) || !w.lower.chars().any(char::is_alphanumeric)
    });
    let off = (r.p.any(&OFF_TOPIC) || r.p.has_phrase("what time is it"))
        && r.exact == crate::prompt::accounts::Named::None;
    // In the prompt's own request, not in the text it records (`add an action: draft a plan`).
    let task = TASKS
        .iter()
        .filter_map(|t| r.p.phrase(t))
        .any(|at| at < r.p.head())
        && !r.p.any(&["key", "keys"]);
    // `look up Acme in Salesforce`: another tool's search.
    let elsewhere = r.p.has_phrase("look up")
        && r.p
            .any(&["salesforce", "hubspot", "linkedin", "crm", "web"]);
    (small_talk || off || task || elsewhere).then(|| Outcome::Out(POINTER.to_string()))
}

/// Verbs of change: with one of these and nothing recognisable, ask rather than guess.
const CHANGE: [&str; 33] = [
    "update",
    "set",
    "change",
    "make",
    "move",
    "assign",
    "mark",
    "add",
    "remove",
    "delete",
    "edit",
    "log",
    "put",
    "renew",
    "extend",
    "schedule",
    "start",
    "close",
    "drop",
    "bump",
    "record",
    "reset",
    "give",
    "hand",
    "snooze",
    "pause",
    "reassign",
    "subscribe",
    "link",
    "hold",
    "mute",
    "unmute",
    "qualify",
];

/// Words about accounts in general.
const DOMAIN: [&str; 16] = [
    "account",
    "accounts",
    "customer",
    "customers",
    "arr",
    "nps",
    "usage",
    "renewal",
    "qbr",
    "stakeholder",
    "health",
    "owner",
    "tier",
    "churn",
    "expansion",
    "everything",
];

/// The last rule: an account with nothing else is a request to see it; account words without
/// a recognisable request get a question; anything else is out of scope.
pub fn fallback(r: &Reader) -> Option<Outcome> {
    let change = r.p.any(&CHANGE) && !r.p.is_question() && !r.p.asks_to_see();
    let valued = r.nums.iter().any(|n| n.percent || n.money.is_some());
    let numbered = !r.nums.is_empty();
    match r.target() {
        Target::One { name, via } if *via != Via::Implicit => {
            if change || numbered {
                return Some(unclear_change(name, r));
            }
            return Some(Outcome::Line(Line::on("account", "show")));
        }
        Target::Several(names) => {
            return Some(clarify(
                format!("Which account do you mean: {}?", names.join(" or ")),
                names
                    .iter()
                    .map(|n| Line::on("account", "show").render(n))
                    .collect(),
            ));
        }
        _ => {}
    }
    // `give it to omar`, `how healthy are they` with no account in the conversation.
    let pronoun = r.p.any(&[
        "it", "its", "their", "them", "they", "she", "he", "her", "his",
    ]);
    // `the champion left`, `she left the company`: a person gone, at an account not named.
    let person_gone = r.p.any(&["left", "quit", "resigned", "departed"])
        && (pronoun || super::stakeholder::names_a_role(r));
    if change || valued || pronoun || person_gone || r.p.any(&DOMAIN) {
        return Some(clarify(
            "I couldn't tell which account and what to do. Name the account and what changed, \
             e.g. \"Acme's NPS dropped to 5\".",
            vec![
                "/account show ACCOUNT".into(),
                "/health set ACCOUNT nps:5".into(),
                "/steward help".into(),
            ],
        ));
    }
    Some(Outcome::Out(POINTER.to_string()))
}

/// An account and a value or a change verb, but no field: offer the likely changes.
fn unclear_change(name: &str, r: &Reader) -> Outcome {
    let show = |line: Line| line.render(name);
    let mut options = Vec::new();
    match r.nums.first() {
        Some(n) if n.percent => {
            let v = super::super::values::fmt_number(n.value);
            options.push(show(Line::on("health", "set").opt("usage", &v)));
            options.push(show(Line::on("health", "set").opt("roi", &v)));
        }
        Some(n) if n.money.is_some() => {
            let v = n.money.unwrap_or_default().to_string();
            options.push(show(Line::on("account", "set").opt("arr", &v)));
            options.push(show(
                Line::on("expansion", "add")
                    .opt("type", "seat")
                    .opt("value", &v),
            ));
        }
        Some(n) => {
            let v = super::super::values::fmt_number(n.value);
            options.push(show(Line::on("health", "set").opt("nps", &v)));
            options.push(show(Line::on("health", "set").opt("adoption", &v)));
            options.push(show(Line::on("account", "set").opt("seats", &v)));
        }
        None => {
            options.push(show(
                Line::on("account", "set").opt("renewal", "2027-03-31"),
            ));
            options.push(show(Line::on("health", "set").opt("nps", "8")));
            options.push(show(Line::on("account", "show")));
        }
    }
    clarify(format!("What should I change on {name}?"), options)
}
