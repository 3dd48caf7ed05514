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
    let outright = p.word(0) == "help"
        || works
        || may_i
        || p.any_phrase(&HOW_DO_I)
        || hypothetical(r).is_some()
        || meaning(r).is_some();
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

/// Ways of asking what would happen, whatever account is named: `what happens if I delete
/// Acme?`, `is there a way to snooze renewal reminders?`.
const HYPOTHETICAL: [&str; 5] = [
    "what happens if i",
    "what happens when i",
    "what would happen if i",
    "is there a way to",
    "is it possible to",
];

/// Where the task of a hypothetical question begins.
fn hypothetical(r: &Reader) -> Option<usize> {
    HYPOTHETICAL
        .iter()
        .find_map(|h| r.p.phrase(h).map(|at| at + h.split(' ').count()))
}

/// `what does health snooze do?`, `what does departed mean for a stakeholder?`, `how is the
/// health score calculated?`, `what's a write key?`: where the thing asked about begins.
fn meaning(r: &Reader) -> Option<usize> {
    let p = &r.p;
    let last = p.word(p.len().saturating_sub(1));
    let explained = (p.word(0) == "what"
        && p.word(1) == "does"
        && (p.any(&["mean", "means"]) || last == "do" || p.has_phrase("give me")))
    .then_some(2);
    let computed = (p.word(0) == "how"
        && p.any(&["calculated", "computed", "scored", "worked", "decided"]))
    .then_some(2);
    explained.or(computed).or(defined(r))
}

/// `what's a write key?`, `what is a QBR in Steward?`: where the thing defined begins.
fn defined(r: &Reader) -> Option<usize> {
    let p = &r.p;
    (matches!(p.word(0), "whats" | "what's") && p.word(1) == "a" && !r.names_account())
        .then_some(2)
        .or_else(|| (p.word(0) == "what" && p.word(1) == "is" && p.word(2) == "a").then_some(3))
}

/// The command a help question asks about, read as a prompt of its own: `how do I log a call`
/// → `log a call` reads as `/account log`. Only a command that does something names a
/// subcommand here (a list is left to the topic words below); Steward's own subcommands are
/// topics.
fn asked_about(r: &Reader, from: usize) -> Option<(&'static str, &'static str)> {
    let task = r.text_from(from)?;
    let own = Reader::new(&task, r.book, r.asker, r.today, None);
    let Outcome::Line(l) = super::decide(&own).1 else {
        return None;
    };
    const GENERIC: [&str; 7] = [
        "list", "show", "history", "help", "status", "preview", "summary",
    ];
    match (l.group, l.sub) {
        ("steward", "help") => None,
        ("steward", sub) => Some(("steward", sub)),
        (_, sub) if GENERIC.contains(&sub) => None,
        // `account channel link`: the help is the subcommand's (`account channel`).
        (group, sub) => Some((group, sub.split(' ').next().unwrap_or(sub))),
    }
}

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let last = p.word(p.len().saturating_sub(1));
    let works = matches!(last, "work" | "works" | "do") && p.any(&["how", "what"]);
    // `can I remove Acme?`: asking whether one may, not asking to.
    let may_i = p.any_phrase(&["can i", "may i", "am i allowed to"]) && p.is_question();
    let hypothetical = hypothetical(r);
    let meaning = meaning(r);
    let asked = p.has("help")
        || works
        || may_i
        || p.any_phrase(&HOW_DO_I)
        || hypothetical.is_some()
        || meaning.is_some();
    if !asked || (r.names_account() && !may_i && hypothetical.is_none()) {
        return None;
    }
    let how_do_i = HOW_DO_I
        .iter()
        .find_map(|h| p.phrase(h).map(|at| at + h.split(' ').count()));
    // `what's a QBR?` asks what the group is for, not how one of its commands works.
    // So does `how do I use the qbr commands`.
    let defines = defined(r).is_some() || p.has("commands");
    let task = hypothetical.or(meaning).or(how_do_i);
    if let Some((group, sub)) = task.and_then(|from| asked_about(r, from)) {
        let help = Line::new("steward", "help").arg(group);
        return match group == "steward" || !defines {
            true => line(help.arg(sub)),
            false => line(help),
        };
    }
    const TOPICS: [(&str, &str); 35] = [
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
        ("call", "account"),
        ("meeting", "account"),
        ("book", "account"),
        ("zendesk", "steward"),
        ("hours", "steward"),
        ("indicator", "steward"),
        ("indicators", "steward"),
        ("key", "steward"),
        ("undo", "steward"),
        ("english", "steward"),
        ("swot", "plan"),
        ("competitor", "plan"),
        ("qualify", "expansion"),
        ("meddic", "expansion"),
        ("departed", "stakeholder"),
    ];
    let help = Line::new("steward", "help");
    let named = r.names_account().then_some(("account", "account"));
    let Some((_, topic)) = TOPICS.iter().copied().find(|(w, _)| p.has(w)).or(named) else {
        return line(help);
    };
    let help = help.arg(topic);
    // The subcommand, by its own name or a verb for it: `how do I extend a renewal`.
    const VERBS: [(&str, &str); 13] = [
        ("lost", "churned"),
        ("churn", "churned"),
        ("hand", "reassign"),
        ("snooze", "snooze"),
        ("key", "apikey"),
        ("english", "ask"),
        ("log", "log"),
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
        .find(|name| *name != topic && p.has(name))
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
