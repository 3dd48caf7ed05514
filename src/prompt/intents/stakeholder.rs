//! Purpose: prompts for `/stakeholder` — who do we know at an account (the power grid), a new
//! person and their role, a known person's sentiment, influence, NPS, title, a contact, a
//! departure, a removal.

use super::{clarify, Outcome, Reader, Target};
use crate::prompt::line::Line;
use crate::prompt::people::{new_name, role, title, Known};
use crate::prompt::values::{after, before};

const LEFT: [&str; 8] = [
    "left", "quit", "departed", "resigned", "leaving", "gone", "retired", "fired",
];
const CONTACT: [&str; 14] = [
    "talked", "talk", "spoke", "speak", "met", "meet", "called", "call", "emailed", "chatted",
    "coffee", "lunch", "pinged", "saw",
];

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let about_map = p.any(&[
        "stakeholders",
        "stakeholder",
        "contacts",
        "contact",
        "people",
        "ppl",
        "grid",
        "mapped",
    ]) || p.any_phrase(&[
        "on their side",
        "on our side",
        "who are the",
        "who do we know",
        "who should i talk",
        "single threaded",
        "org chart",
        "power map",
        "relationship map",
        "relationships at",
        "relationships with",
        "who else",
        "who signs",
        "signs off",
    ]) || ((p.any(&["who", "whos"]) || p.is_question())
        && role(p).is_some()
        && new_name(p, r.used()).is_none())
        // `who's the CFO at Acme Corp`, `who at Hooli is against us`: people at the account,
        // not its owner.
        || (p.word(0).starts_with("who")
            && r.names_account()
            && !p.any(&["owns", "owner", "own", "runs", "manages", "handles", "covers"]))
        || p.any_phrase(&["relationships like", "talk to anyone", "anyone at"]);
    match r.people() {
        [] => {}
        [k] => return known(r, k),
        several => {
            if changes_person(r) {
                let names: Vec<&str> = several.iter().map(|k| k.name.as_str()).collect();
                return Some(clarify(
                    format!("Which one do you mean: {}?", names.join(" or ")),
                    several
                        .iter()
                        .map(|k| Line::on("stakeholder", "list").render(&k.account))
                        .collect(),
                ));
            }
        }
    }
    // `add a cross-sell opportunity at Hooli worth 1.2M`: an opportunity, not a person.
    if p.any(&["opportunity", "upsell", "expansion", "crosssell", "cross"]) && r.money().is_some() {
        return None;
    }
    let adding = p.any(&["add", "joined", "new", "hired"]) || role(p).is_some();
    if let (Some((name, span)), Some((role, _))) = (new_name(p, r.used()), role(p)) {
        if span.start >= p.head() || p.colon.is_none() || p.head_any(&["stakeholder", "add"]) {
            let mut skip = r.used().to_vec();
            span.for_each(|i| skip[i] = true);
            let title = title(p, &skip).map(|t| t.0);
            return Some(Outcome::Line(
                Line::on("stakeholder", "add")
                    .quoted(&name)
                    .opt("role", role)
                    .opt_if("title", title),
            ));
        }
    }
    if about_map {
        if p.has("add") || (p.has("new") && !p.is_question()) {
            return Some(clarify(
                "Who should I add, and in what role?",
                vec![Line::on("stakeholder", "add")
                    .quoted("Jane Doe")
                    .opt("role", "champion")
                    .render(r.account().unwrap_or("ACCOUNT"))],
            ));
        }
        return Some(Outcome::Line(Line::on("stakeholder", "list")));
    }
    if p.has("add") && (new_name(p, r.used()).is_some() || role(p).is_some()) && adding {
        let name = new_name(p, r.used()).map_or("NAME".to_string(), |n| n.0);
        return Some(clarify(
            format!("To add {name} I need the account and their role."),
            vec![Line::on("stakeholder", "add")
                .quoted(&name)
                .opt("role", "champion")
                .render(r.account().unwrap_or("ACCOUNT"))],
        ));
    }
    None
}

/// Whether the prompt names a stakeholder's role (`the champion`, `their EB`).
pub(super) fn names_a_role(r: &Reader) -> bool {
    role(&r.p).is_some()
}

/// A verb that changes something about a person.
fn changes_person(r: &Reader) -> bool {
    let p = &r.p;
    p.any(&LEFT) || p.any(&CONTACT) || p.any(&["remove", "delete", "nps", "is", "add", "make"])
}

/// A stakeholder on the map is named: what happened to them?
fn known(r: &Reader, k: &Known) -> Option<Outcome> {
    let p = &r.p;
    let on = |sub: &'static str| Line::on("stakeholder", sub).quoted(&k.name);
    let account_ok = match r.target() {
        Target::One { name, .. } => *name == k.account,
        _ => true,
    };
    if !account_ok {
        return None;
    }
    // `has gone cold`, `gone quiet`: a mood, not a departure.
    let cooled = p.any_phrase(&["gone cold", "gone quiet", "gone dark", "gone silent"]);
    if (p.any(&LEFT) && !cooled)
        || p.has("lost")
        || p.any_phrase(&[
            "no longer",
            "different role",
            "changed roles",
            "moved on",
            "new job",
        ])
    {
        return Some(Outcome::Line(on("departed")));
    }
    if p.any(&["remove", "delete", "drop"]) || (p.has("take") && p.has("off")) {
        return Some(Outcome::Line(on("remove")));
    }
    let mut l = on("set");
    // Words outside the person's name: `Happy Hogan` is not a sentiment.
    let said = |ws: &[&str]| (0..p.len()).any(|i| !k.span.contains(&i) && ws.contains(&p.word(i)));
    let sentiment = if said(&["detractor", "negative", "unhappy", "hostile", "angry"]) {
        Some("detractor")
    } else if said(&["positive", "happy", "supportive", "fan"]) {
        Some("positive")
    } else if said(&["neutral", "lukewarm"]) {
        Some("neutral")
    } else {
        None
    };
    l = l.opt_if("sentiment", sentiment);
    if p.has("influence") || p.has("influential") {
        let up = p
            .any(&["highly", "raise", "increase", "more"])
            .then_some("high");
        let down = p.any(&["lower", "reduce", "less"]).then_some("low");
        let said = ["high", "low"].into_iter().find(|w| p.has(w));
        l = l.opt_if("influence", said.or(up).or(down));
    }
    if p.has("risk") {
        l = l.opt_if(
            "risk",
            r.text_after(k.span.end).or_else(|| text_after_is(r)),
        );
    }
    if let Some(i) = p.find("nps").filter(|_| !p.is_question()) {
        let n = after(p, &r.nums, i, r.used()).or_else(|| before(p, &r.nums, i));
        match n.and_then(|n| n.whole()) {
            Some(v) if v <= 10 => l = l.opt("nps", v.to_string()),
            _ => {
                return Some(clarify(
                    format!("What NPS did {} give (0–10)?", k.name),
                    vec![on("set").opt("nps", "8").render(&k.account)],
                ))
            }
        }
    }
    if let Some((role, _)) = role(p).filter(|(_, at)| !k.span.contains(at)) {
        if p.any(&["make", "role", "now"]) || sentiment.is_none() {
            l = l.opt("role", role);
        }
    }
    let mut skip = r.used().to_vec();
    k.span.clone().for_each(|i| skip[i] = true);
    let retitled =
        p.any(&["title", "now", "promoted", "became", "new"]) && !p.has_phrase("personal win");
    if let Some((t, _)) = title(p, &skip).filter(|_| retitled) {
        l = l.opt("title", t);
    }
    if p.has_phrase("personal win") {
        l = l.opt_if("win", r.text_after(k.span.end).or_else(|| text_after_is(r)));
    }
    // `is in the Operations unit`, `the Stores business unit`: the capitalised words before.
    if let Some(at) = p.find("unit").filter(|_| !p.is_question()) {
        let end = match p.word(at.saturating_sub(1)) {
            "business" => at - 1,
            _ => at,
        };
        let mut start = end;
        while start > 0 && end - start < 3 && p.words[start - 1].capital && !skip[start - 1] {
            start -= 1;
        }
        if start < end {
            l = l.opt("unit", p.slice(start..end));
        }
    }
    if p.has_phrase("relationship owner") {
        l = l.opt_if("owner", r.mentions.first().map(|m| format!("@{}", m.1)));
    }
    // `we talk to Alice monthly`, `engagement with Alice: quarterly`: how often, not one contact.
    const EVERY: [&str; 6] = [
        "daily",
        "weekly",
        "fortnightly",
        "biweekly",
        "monthly",
        "quarterly",
    ];
    let cadence = EVERY.iter().find(|w| p.has(w)).filter(|_| {
        p.any(&[
            "engage",
            "engagement",
            "talk",
            "meet",
            "speak",
            "sync",
            "basis",
        ]) && !p.is_question()
    });
    if let Some(every) = cadence.filter(|_| l.opts.is_empty()) {
        l = l.opt("engagement", every);
    }
    if l.opts.is_empty() && !p.is_question() {
        // Whatever else the prompt states of the person that `/stakeholder set` declares:
        // `Raj's email is raj@acme.com`, `jane owns the relationship`, `we talk monthly`.
        let today = r.today;
        let parses = |l: &Line| crate::command::parse(&l.render(&k.account), today).is_ok();
        crate::prompt::extras::fill(&mut l, r, &parses);
    }
    if !l.opts.is_empty() {
        return Some(Outcome::Line(l));
    }
    // `call Richard for me`, `email Maria`: asking Steward to reach out, which it does not do;
    // a contact to record is told in the past (`called Richard`).
    if matches!(
        p.word(0),
        "call" | "email" | "phone" | "ring" | "text" | "ping" | "meet"
    ) && p.word(1) != "with"
        && !p.is_question()
    {
        return Some(Outcome::Out(super::chat::POINTER.to_string()));
    }
    if p.any(&CONTACT)
        || p.any_phrase(&[
            "caught up",
            "touched base",
            "heard from",
            "catch up",
            "checked in",
        ])
    {
        return Some(Outcome::Line(on("contact").opt_if("date", r.past_date())));
    }
    if p.is_question() {
        return Some(Outcome::Line(Line::on("stakeholder", "list")));
    }
    // Nothing about the person changes: another rule may know the prompt (`Bob wants seats`).
    None
}

/// The text after `is` (`X's personal win is a promotion`).
fn text_after_is(r: &Reader) -> Option<String> {
    let i = r.p.find("is")?;
    r.text_from(i + 1)
}
