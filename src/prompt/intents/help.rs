//! Purpose: prompts for help — `help with renewals`, `how do I extend a renewal`, `what
//! does the atrisk command do`, `can I remove Acme?` — naming the group and subcommand asked
//! about (`/steward help renewal extend`).

use super::{line, Outcome, Reader};
use crate::prompt::line::Line;

/// Help asked for outright (`help with renewals`, `how do I …`), before the rules that would
/// take `renewals` for a list.
pub fn help_first(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    // `how does renewal extend work?`, `what does the atrisk command do?`
    let last = p.word(p.len().saturating_sub(1));
    let works = (p.word(0) == "how" && matches!(last, "work" | "works"))
        || (p.word(0) == "what" && p.any(&["command", "commands"]) && last == "do");
    let may_i = p.any_phrase(&["can i", "may i", "am i allowed to"]) && p.is_question();
    let outright = p.word(0) == "help" || works || may_i || p.any_phrase(&HOW_DO_I);
    if outright {
        rule(r)
    } else {
        None
    }
}

/// Ways of asking how something is done.
const HOW_DO_I: [&str; 14] = [
    "how do i",
    "how can i",
    "how would i",
    "how to",
    "how does this work",
    "how do the",
    "how does the",
    "what can you do",
    "what can i ask",
    "what can i do",
    "what commands",
    "which commands",
    "list of commands",
    "what do you do",
];

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let last = p.word(p.len().saturating_sub(1));
    let works = matches!(last, "work" | "works" | "do") && p.any(&["how", "what"]);
    // `can I remove Acme?`: asking whether one may, not asking to.
    let may_i = p.any_phrase(&["can i", "may i", "am i allowed to"]) && p.is_question();
    let asked = p.has("help") || works || may_i || p.any_phrase(&HOW_DO_I);
    if !asked || (r.names_account() && !may_i) {
        return None;
    }
    const TOPICS: [(&str, &str); 20] = [
        ("atrisk", "atrisk"),
        ("renewal", "renewal"),
        ("renewals", "renewal"),
        ("qbr", "qbr"),
        ("qbrs", "qbr"),
        ("stakeholder", "stakeholder"),
        ("stakeholders", "stakeholder"),
        ("health", "health"),
        ("expansion", "expansion"),
        ("opportunity", "expansion"),
        ("opportunities", "expansion"),
        ("upsell", "expansion"),
        ("plan", "plan"),
        ("save", "atrisk"),
        ("risk", "atrisk"),
        ("portfolio", "portfolio"),
        ("digest", "digest"),
        ("account", "account"),
        ("accounts", "account"),
        ("channel", "account"),
    ];
    let help = Line::new("steward", "help");
    let named = r.names_account().then_some(("account", "account"));
    let Some((said, topic)) = TOPICS.iter().copied().find(|(w, _)| p.has(w)).or(named) else {
        return line(help);
    };
    let help = help.arg(topic);
    // The subcommand, by its own name or a verb for it: `how do I extend a renewal`.
    const VERBS: [(&str, &str); 6] = [
        ("delete", "remove"),
        ("create", "add"),
        ("new", "add"),
        ("start", "save"),
        ("run", "save"),
        ("log", "add"),
    ];
    let group = crate::command::spec::group(topic)?;
    let named = group
        .subcommands
        .iter()
        .map(|s| s.name.as_str())
        .find(|name| *name != topic && *name != said && p.has(name))
        .or_else(|| {
            VERBS
                .iter()
                .find(|(verb, sub)| p.has(verb) && group.sub(sub).is_some())
                .map(|(_, sub)| *sub)
        });
    match named {
        Some(sub) => line(help.arg(sub)),
        None => line(help),
    }
}
