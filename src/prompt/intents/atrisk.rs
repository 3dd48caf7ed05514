//! Purpose: prompts for `/atrisk` — the at-risk list (`who's at risk?`, `what should I worry
//! about?`) and the save play: start it with a cause and owner, tick milestones, check in,
//! resolve.

use super::{clarify, Outcome, Reader};
use crate::prompt::line::Line;

/// Root causes as people say them.
const CAUSES: [(&str, &str); 9] = [
    ("budget", "budget"),
    ("funding", "budget"),
    ("cost", "budget"),
    ("competitor", "competitive"),
    ("competitive", "competitive"),
    ("competition", "competitive"),
    ("relationship", "relationship"),
    ("product", "product-gap"),
    ("gap", "product-gap"),
];

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let save_play = p.any_phrase(&[
        "save play",
        "save plan",
        "run the save",
        "the save",
        "a save",
    ]);
    let done = p.any(&[
        "done",
        "complete",
        "completed",
        "finished",
        "held",
        "did",
        "sent",
        "ready",
        "agreed",
        "happened",
        "had",
        "engaged",
    ]) || p.has_phrase("in place");
    let milestone = if p.has("triage") {
        Some("triage")
    } else if p.any_phrase(&[
        "exec engagement",
        "executive engagement",
        "exec outreach",
        "exec call",
        "exec meeting",
        "exec engaged",
        "executive engaged",
        "executive call",
        "executive meeting",
    ]) {
        Some("exec")
    } else if p.any_phrase(&["root cause meeting", "root-cause meeting"]) {
        Some("meeting")
    } else if p.has_phrase("recovery plan") {
        Some("plan")
    } else {
        None
    };
    if let Some(m) = milestone.filter(|_| done) {
        return Some(Outcome::Line(Line::on("atrisk", "step").arg(m)));
    }
    if let Some(checkin) = checkin(r) {
        return Some(checkin);
    }
    let measured = p.any(&["metric", "track", "target"]);
    if (save_play || (p.has("saved") && !measured) || p.has_phrase("green again"))
        && (p.any(&["resolve", "resolved", "close", "closed", "end", "saved"])
            || p.has_phrase("wrap up"))
    {
        // `force-resolve`, `close it although it is still yellow`: resolved while not green.
        let forced = p.any(&["force", "forced", "although", "anyway", "regardless"])
            || p.any_phrase(&["even though", "still yellow", "still red"]);
        return Some(Outcome::Line(
            Line::on("atrisk", "resolve").opt_if("force", forced.then_some("yes")),
        ));
    }
    if save_play {
        let cause = CAUSES.iter().find(|(w, _)| p.has(w)).map(|(_, c)| *c);
        let owner = r.user();
        return Some(match (cause, owner) {
            (Some(cause), Some(owner)) => Outcome::Line(
                Line::on("atrisk", "save")
                    .opt("cause", cause)
                    .opt("owner", format!("@{owner}")),
            ),
            (cause, owner) => clarify(
                "To start a save play I need its root cause (product-gap, relationship, budget, \
                 competitive) and who owns it.",
                vec![Line::on("atrisk", "save")
                    .opt("cause", cause.unwrap_or("budget"))
                    .opt(
                        "owner",
                        owner.map_or("@jane".to_string(), |o| format!("@{o}")),
                    )
                    .render(r.account().unwrap_or("ACCOUNT"))],
            ),
        });
    }
    let listing = p.any_phrase(&[
        "at risk",
        "in trouble",
        "churn risk",
        "churn risks",
        "worry about",
        "red flags",
        "likely to churn",
        "might churn",
        "in danger",
        "likely to leave",
        "might leave",
        "about to leave",
        "going to leave",
        "churn watchlist",
        "watch list",
        "on fire",
        "save plays are running",
        "running save plays",
    ]) || p.has("atrisk")
        || p.has("watchlist");
    if listing && !r.names_account() {
        return Some(Outcome::Line(Line::new("atrisk", "list")));
    }
    if listing {
        return Some(Outcome::Line(Line::on("health", "show")));
    }
    None
}

/// `checked in on Initech's save play`, `did the weekly check-in on Hooli: …`.
fn checkin(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let checked = p.any_phrase(&["check in", "checked in", "checkin"])
        && p.head_any(&["check", "checked", "checkin", "weekly"]);
    checked.then(|| {
        let note = r.text_after(r.account_end().max(1));
        Outcome::Line(Line::on("atrisk", "checkin").opt_if("note", note))
    })
}
