//! Purpose: prompts that log a touch on an account (`log a call with Acme: …`, `met with
//! Globex today`) or read its change history (`who changed Globex?`, `change log for Pied
//! Piper, page 2`).

use super::{clarify, line, Outcome, Reader};
use crate::prompt::line::Line;

/// `log a call with Acme: …`, `note for Initech: …`, `met with Globex today, they loved it`.
pub fn log(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let head = p.head();
    let marker = p.head_any(&[
        "log", "logged", "note", "notes", "called", "emailed", "email",
    ]) || p.any_phrase(&[
        "call with",
        "meeting with",
        "met with",
        "got off a call",
        "had a call",
        "phone call",
    ]);
    // `add Dan Reyes as an end user, email dan@northwind.com`: an address is a person's
    // e-mail, not an e-mail sent.
    let address = p.words.iter().any(|w| {
        let raw = &p.text[w.start..w.end];
        raw.contains('@') && raw.contains('.') && !raw.starts_with('@')
    });
    let marker = marker && (!address || p.any(&["emailed", "log", "logged", "note", "notes"]));
    // `root cause meeting with Hooli happened` is a save play's milestone, not a meeting log.
    // `log a $40k module upsell at Umbrella`: an opportunity, not a touch.
    let opportunity = r.money().is_some()
        && p.any(&[
            "upsell",
            "expansion",
            "opportunity",
            "crosssell",
            "cross",
            "module",
        ]);
    let milestone = opportunity
        || p.any_phrase(&[
            "root cause meeting",
            "exec call",
            "executive call",
            "executive meeting",
        ]);
    if !marker
        || milestone
        || (p.colon.is_none() && p.is_question())
        || super::renewal::reached_out_and_heard(r)
    {
        return None;
    }
    let person_in_head = r.people().iter().any(|k| k.span.start < head);
    if person_in_head && !(p.colon.is_some() && p.head_any(&["log", "note"])) {
        return None;
    }
    let kind = if p.head_any(&["call", "called", "phone"]) {
        "call"
    } else if p.head_any(&["meeting", "met", "meet"]) {
        "meeting"
    } else if p.head_any(&["email", "emailed", "mail"]) {
        "email"
    } else {
        "note"
    };
    let end = r.account_end().max(1);
    let text = r.text_after(end).or_else(|| {
        matches!(p.word(end), "about" | "regarding" | "re")
            .then(|| r.text_from(end + 1))
            .flatten()
    });
    Some(match text {
        Some(text) => Outcome::Line(Line::on("account", "log").quoted(&text).opt("type", kind)),
        None => clarify(
            "What should I log, and on which account?",
            vec![format!(
                "/account log ACCOUNT \"what happened\" type:{kind}"
            )],
        ),
    })
}

/// `Acme's history`, `who changed Globex?`, `did anyone change Globex's renewal?` — a
/// question about changes, before the rules that would read a change in it.
pub fn history(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let edited = p.any(&[
        "change", "changed", "changes", "edit", "edited", "touched", "updated", "modified",
    ]);
    if p.any(&["history", "audit", "changelog"])
        || (edited && p.any(&["anyone", "someone", "anybody", "somebody"]))
        // `did jane change anything on Umbrella?`, `did anyone extend the Initech renewal?`
        || (p.word(0) == "did"
            && (edited
                || p.any(&["change", "update", "extend", "remove", "add", "move", "delete"])))
        || p.any_phrase(&[
            "been changed",
            "been edited",
            "been updated",
            "made changes",
            "recent changes",
            "latest changes",
            "who changed",
            "what changed",
            "whats changed",
            "what has changed",
            "who touched",
            "who edited",
            "who updated",
            "change log",
            "who reassigned",
            "who added",
            "who removed",
        ])
    {
        return line(Line::on("account", "history").opt_if("page", super::account::page(r)));
    }
    None
}
