//! Purpose: prompts for `/expansion` — an opportunity told in passing (`Acme wants 20 more
//! seats, about $25k`), the pipeline, readiness to pitch, and opportunities won or lost.

use super::{clarify, Outcome, Reader};
use crate::prompt::dates::Toward;
use crate::prompt::line::Line;
use crate::prompt::words::Prompt;

const OPPORTUNITY: [&str; 5] = ["opportunity", "opp", "opps", "opportunities", "deal"];

/// `we won opportunity 7`, `opp #3 closed won`, `lost opportunity 3, budget moved`.
pub fn closed(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let won = p.any(&["won", "win"]);
    let lost = p.any(&["lost", "lose", "dead"]) || p.has_phrase("fell through");
    let named = |w: &str| OPPORTUNITY.contains(&w) || w == "expansion";
    let hashed = r.nums.iter().any(|n| n.hash);
    if !(won || lost) || !(hashed || p.words.iter().any(|w| named(&w.lower))) {
        return None;
    }
    let id = r
        .nums
        .iter()
        .find(|n| n.hash || (n.word > 0 && named(r.p.word(n.word - 1))));
    let Some(id) = id.and_then(|n| n.whole()).filter(|n| *n >= 1) else {
        return Some(clarify(
            "Which opportunity? Give its number from /expansion list.",
            vec!["/expansion list".into(), "/expansion won 7".into()],
        ));
    };
    if lost && !won {
        let at = r
            .nums
            .iter()
            .find(|n| n.whole() == Some(id))
            .map_or(0, |n| n.word);
        // `lost, budget`: one word that names a kind is the kind, not a reason in words.
        let reason = (at + 1..p.len())
            .find(|&i| p.words[i].after_break)
            .and_then(|i| r.text_from(i))
            .and_then(unlabelled)
            .filter(|text| bare_kind(text).is_none());
        return Some(Outcome::Line(
            Line::new("expansion", "lost")
                .arg(id.to_string())
                // A reason in words carries its kind (the command reads it from them).
                .opt_if("why", reason.is_none().then(|| reason_kind(&r.p)).flatten())
                .opt_if("reason", reason),
        ));
    }
    Some(Outcome::Line(
        Line::new("expansion", "won")
            .arg(id.to_string())
            .opt_if("why", reason_kind(&r.p)),
    ))
}

/// The kind of reason an outcome names (`why:` of a won or lost opportunity, a renewal or a
/// churn): `lost 6 to budget` → `budget`, `went with a competitor` → `competitor`.
pub(super) fn reason_kind(p: &Prompt) -> Option<&'static str> {
    if p.any(&["budget", "budgets", "funding"]) {
        Some("budget")
    } else if p.any(&["price", "pricing", "expensive", "cost"]) {
        Some("price")
    } else if p.any(&["competitor", "competition", "competitive"]) {
        Some("competitor")
    } else if p.any(&["timing", "postponed"]) || p.has_phrase("next year") {
        Some("timing")
    } else if p.has("gap") || p.has_phrase("missing feature") {
        Some("product-gap")
    } else if p.has("relationship") {
        Some("relationship")
    } else {
        None
    }
}

/// The kind a reason in words names and nothing more (`no budget`, `it came down to price`,
/// `went with a competitor`, `product gap`): `why:` says it all. A reason that tells more
/// (`budget cuts`, `budget moved to next year`) stays in words.
pub(super) fn bare_kind(text: &str) -> Option<&'static str> {
    const FILLER: [&str; 24] = [
        "no", "the", "a", "an", "it", "its", "came", "down", "to", "went", "with", "was", "is",
        "issue", "because", "of", "due", "they", "them", "chose", "picked", "just", "our", "their",
    ];
    const KIND_WORDS: [&str; 13] = [
        "budget",
        "budgets",
        "funding",
        "price",
        "pricing",
        "expensive",
        "cost",
        "competitor",
        "competition",
        "timing",
        "product",
        "gap",
        "relationship",
    ];
    let p = Prompt::new(text);
    let more = p
        .words
        .iter()
        .any(|w| !FILLER.contains(&w.lower.as_str()) && !KIND_WORDS.contains(&w.lower.as_str()));
    (!more).then(|| reason_kind(&p)).flatten()
}

/// A reason as typed, without a label before it (`reason: budget moved` → `budget moved`).
pub(super) fn unlabelled(text: String) -> Option<String> {
    let lower = text.to_lowercase();
    for label in ["reason:", "reason -", "why:", "because"] {
        if let Some(rest) = lower.strip_prefix(label) {
            let rest = &text[text.len() - rest.len()..];
            return super::clean(rest);
        }
    }
    Some(text)
}

/// The kind of growth a prompt describes.
fn kind(r: &Reader) -> Option<&'static str> {
    let p = &r.p;
    if p.any_phrase(&["cross sell", "another product"]) || p.has("crosssell") {
        Some("cross-sell")
    } else if p.any_phrase(&[
        "new unit",
        "business unit",
        "new team",
        "team wants",
        "new department",
    ]) || p.any(&["department", "division"])
    {
        Some("new-unit")
    } else if p.any(&["module", "modules", "addon", "add-on"]) || p.has_phrase("add on") {
        Some("module")
    } else if p.any(&["seat", "seats", "licenses", "licences", "users"]) {
        Some("seat")
    } else if p.any(&["product", "products"]) {
        Some("cross-sell")
    } else {
        None
    }
}

/// An opportunity's number: `opp 7`, `opportunity #12`.
fn number(r: &Reader) -> Option<u32> {
    r.nums
        .iter()
        .find(|n| !n.percent && n.money.is_none())
        .and_then(|n| n.whole())
}

/// MEDDIC's elements as said, longest first.
const ELEMENTS: [(&str, &str); 8] = [
    ("economic buyer", "economic-buyer"),
    ("decision criteria", "decision-criteria"),
    ("decision process", "decision-process"),
    ("identify pain", "identify-pain"),
    ("pain", "identify-pain"),
    ("metrics", "metrics"),
    ("metric", "metrics"),
    ("champion", "champion"),
];

/// `opp 7 metrics: "cut onboarding from 10 to 4 days"`, `we don't know the decision process
/// on opp 4`, `clear the champion on opportunity 7`; `what is the MEDDIC qualification on
/// opp 12?` shows it.
pub fn qualify(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    if !p.any(&OPPORTUNITY) || r.names_account() {
        return None;
    }
    let element = ELEMENTS
        .iter()
        .find(|(said, _)| p.has_phrase(said))
        .map(|(_, e)| *e);
    let asked = p.any(&["qualify", "qualification", "meddic"]);
    if element.is_none() && !asked {
        return None;
    }
    let Some(id) = number(r) else {
        return Some(clarify(
            "Which opportunity? Give its number (see `/expansion list`).",
            vec!["/expansion list".into()],
        ));
    };
    let Some(element) = element else {
        return Some(if !p.any(&["qualify", "set", "update", "mark", "record"]) {
            Outcome::Line(Line::new("expansion", "show").arg(id.to_string()))
        } else {
            clarify(
                "Which MEDDIC element, and what do you know of it?",
                vec![Line::new("expansion", "qualify")
                    .arg(id.to_string())
                    .opt("element", "metrics")
                    .opt("note", "what we know")
                    .render("")],
            )
        });
    };
    if p.is_question() && !p.any(&["know", "known", "clear"]) {
        return Some(Outcome::Line(
            Line::new("expansion", "show").arg(id.to_string()),
        ));
    }
    let unknown = p.any_phrase(&[
        "dont know",
        "do not know",
        "not known",
        "no idea",
        "dont yet know",
    ]) || p.has("unknown");
    let cleared = p.any(&["clear", "forget", "reset"]);
    let known = match (unknown, cleared) {
        (true, _) => Some("no"),
        (false, true) => Some("clear"),
        _ => None,
    };
    let note = crate::prompt::people::quoted(p.text)
        .map(str::to_string)
        .or_else(|| p.colon.and_then(|c| r.text_from(c)));
    Some(Outcome::Line(
        Line::new("expansion", "qualify")
            .arg(id.to_string())
            .opt("element", element)
            .opt_if("known", known)
            .opt_if("note", note.filter(|_| known.is_none())),
    ))
}

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let growth = p.any(&[
        "expansion",
        "expand",
        "upsell",
        "upsells",
        "pipeline",
        "whitespace",
    ]) || kind(r).is_some();
    // `can we pitch Wayne yet?`, `readiness check for Umbrella`: growth is what is pitched.
    let pitch = p.any(&["pitch", "readiness"]) && r.names_account();
    if (p.any(&["ready", "readiness", "pitch"]) && growth) || pitch {
        return Some(Outcome::Line(Line::on("expansion", "ready")));
    }
    // `show expansion 3`, `tell me about opportunity 5`: one opportunity by its number.
    if (p.has("expansion") || p.any(&OPPORTUNITY)) && !r.names_account() && !p.has("page") {
        let id = number(r);
        if let (Some(id), false) = (id, p.any(&["won", "lost", "qualify"])) {
            return Some(Outcome::Line(
                Line::new("expansion", "show").arg(id.to_string()),
            ));
        }
    }
    let verbs = p.any(&[
        "wants",
        "want",
        "interested",
        "buy",
        "adding",
        "add",
        "asked",
    ]) && !p.is_question();
    let priced = r.money().is_some() && (growth || p.any(&OPPORTUNITY) || p.has("worth"));
    if priced || (verbs && (growth || p.has("buy"))) {
        let value = r.money();
        return Some(match (kind(r), value) {
            (Some(kind), Some(value)) => Outcome::Line(
                Line::on("expansion", "add")
                    .opt("type", kind)
                    .opt("value", value.to_string())
                    .opt_if(
                        "due",
                        r.date(Toward::Future)
                            .filter(|_| p.any(&["due", "by", "close", "target"]))
                            .map(|d| d.to_string()),
                    ),
            ),
            (kind, value) => {
                let name = r.account().unwrap_or("ACCOUNT");
                let v = value.map_or("25k".to_string(), |v| v.to_string());
                let kinds: Vec<&str> = match kind {
                    Some(k) => vec![k],
                    None => vec!["seat", "module", "cross-sell", "new-unit"],
                };
                clarify(
                    "To add an expansion opportunity I need its type and its value.",
                    kinds
                        .iter()
                        .map(|k| {
                            Line::on("expansion", "add")
                                .opt("type", k)
                                .opt("value", &v)
                                .render(name)
                        })
                        .collect(),
                )
            }
        });
    }
    let listing = p.any(&[
        "pipeline",
        "whitespace",
        "opportunities",
        "opps",
        "upsell",
        "upsells",
        "expansion",
        "expansions",
    ]);
    if !listing {
        return None;
    }
    let l = if r.explicit() {
        Line::on("expansion", "list")
    } else {
        Line::new("expansion", "list")
    };
    Some(Outcome::Line(l.opt_if("page", super::account::page(r))))
}
