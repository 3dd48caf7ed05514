//! Purpose: prompts for what stands around an account plan — competitors (`Hooli is looking
//! at Gainsight, high risk`), SWOT entries, and taking an item off the plan.

use super::{clarify, Outcome, Reader};
use crate::prompt::line::Line;

/// `weakness for Hooli: slow onboarding`, `add a strength to Initech's SWOT: …` → one SWOT
/// entry (an opportunity only when `swot` is said: alone it is an expansion).
pub(super) fn swot(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let kind = [
        ("strength", "strength"),
        ("strengths", "strength"),
        ("weakness", "weakness"),
        ("weaknesses", "weakness"),
        ("threat", "threat"),
        ("threats", "threat"),
        ("opportunity", "opportunity"),
    ]
    .into_iter()
    .find(|(w, k)| p.head_any(&[w]) && (*k != "opportunity" || p.head_any(&["swot"])))
    .map(|(_, k)| k)?;
    let text = r.text_after(r.account_end().max(1))?;
    Some(Outcome::Line(
        Line::on("plan", "swot").arg(kind).quoted(&text),
    ))
}

/// `remove c1 from Acme's plan`, `drop goal g2 from the Globex plan`: a plan item by its id.
pub(super) fn remove(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    if !p.any(&["remove", "delete", "drop"]) {
        return None;
    }
    let item = p.words.iter().map(|w| w.lower.as_str()).find(|w| {
        let mut chars = w.chars();
        matches!(chars.next(), Some('g' | 'm' | 'r' | 'c' | 's'))
            && w.len() >= 2
            && chars.all(|c| c.is_ascii_digit())
    });
    const ITEMS: [&str; 8] = [
        "goal",
        "metric",
        "risk",
        "competitor",
        "action",
        "swot",
        "item",
        "strength",
    ];
    match item {
        Some(item) => Some(Outcome::Line(Line::on("plan", "remove").arg(item))),
        // `delete the competitor from the Hooli plan`: which one?
        None if p.has("plan") && p.any(&ITEMS) => Some(clarify(
            "Which item? Give its id from the plan (g1, m1, r1, c1, s1).",
            vec![
                Line::on("plan", "show").render(r.account().unwrap_or("ACCOUNT")),
                Line::on("plan", "remove")
                    .arg("c1")
                    .render(r.account().unwrap_or("ACCOUNT")),
            ],
        )),
        None => None,
    }
}

/// Words that say a competitor turned up, without the word `competitor`.
const CIRCLING: [&str; 6] = [
    "circling",
    "showed up",
    "shown up",
    "sniffing around",
    "pitching",
    "is at",
];

/// `Initrode is a competitor at Acme Corp, high risk`, `add competitor Totango at Globex`,
/// `Gainsight is circling Umbrella` → `/plan competitor`.
pub(super) fn competitor(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let at = p
        .find("competitor")
        .or_else(|| p.find("competing"))
        .or_else(|| CIRCLING.iter().find_map(|c| p.phrase(c)))?;
    let churn = p.any(&[
        "lost", "churned", "went", "moved", "switched", "left", "renew", "renewing",
    ]);
    if r.account().is_none() || p.is_question() || churn {
        return None;
    }
    let used = r.used();
    let capital =
        |i: usize| !used[i] && p.words[i].capital && !matches!(p.word(i), "add" | "new" | "i");
    let before: Vec<String> = (0..at)
        .filter(|&i| capital(i))
        .map(|i| p.slice(i..i + 1).to_string())
        .collect();
    // `add competitor Totango at Globex`, `competitor at Umbrella: Totango`: the name follows
    // the word, or the colon.
    let from = match p.colon {
        Some(colon) if colon > at => colon,
        _ => at + 1,
    };
    let after = p
        .words
        .get(from)
        .filter(|w| before.is_empty() && p.word(at) == "competitor" && !used[from] && w.capital)
        .map(|w| p.text[w.start..w.end].to_string());
    let name = super::clean(&before.join(" ")).or(after)?;
    let risk = ["high", "medium", "low"].into_iter().find(|w| p.has(w));
    Some(Outcome::Line(
        Line::on("plan", "competitor")
            .quoted(&name)
            .opt_if("risk", risk),
    ))
}
