//! Purpose: prompts for `/health` — signals told in passing (`Acme's NPS dropped to 5`,
//! `usage at Wayne is 62 percent`, `4 core features`, `tickets are piling up`, `95% of their
//! success targets`) and questions about an account's health.

use super::{clarify, Outcome, Reader};
use crate::prompt::line::Line;
use crate::prompt::values::{after, before, fmt_number, Num};

/// A signal the prompt gives: its option name and value, or why it cannot be taken.
type Signal = (&'static str, Result<String, String>);

const WORDS: [&str; 13] = [
    "health", "healthy", "score", "green", "red", "yellow", "nps", "usage", "adoption", "roi",
    "tickets", "ticket", "trending",
];

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    // `snooze Acme's alerts for a week`, `stop the indicator DMs about Hooli`: the account's
    // indicator messages held.
    let hush = p.any(&["snooze", "mute", "silence", "pause", "hush"]) || p.has("stop");
    let alerts = p.any(&[
        "alerts",
        "alert",
        "dms",
        "messages",
        "indicator",
        "indicators",
    ]) || (p.has("health") && p.any(&["alerts", "pings", "notifications"]));
    if hush && alerts && r.names_account() && !p.any(&["renewal", "renewals"]) {
        return Some(Outcome::Line(
            Line::on("health", "snooze").opt_if("days", super::admin::snooze_days(r)),
        ));
    }
    let signals = signals(r);
    if let Some((key, Err(why))) = signals.iter().find(|(_, v)| v.is_err()) {
        let name = r.account().unwrap_or("ACCOUNT");
        return Some(clarify(
            why.clone(),
            vec![Line::on("health", "set")
                .opt(key, example(key))
                .render(name)],
        ));
    }
    if !signals.is_empty() {
        let mut l = Line::on("health", "set");
        for (key, value) in signals {
            if let Ok(v) = value {
                l = l.opt(key, v);
            }
        }
        return Some(Outcome::Line(l));
    }
    // `weekly active users at Pied Piper`: usage, which the health shows.
    let asked = WORDS.iter().any(|w| free(r, w).is_some())
        || (p.has_phrase("active users") && r.nums.is_empty());
    if !asked {
        return None;
    }
    let listing = p.any(&[
        "accounts",
        "which",
        "customers",
        "my",
        "ones",
        "own",
        "owns",
        "book",
    ]) || r.owner_word().is_some();
    if r.account().is_none() && listing {
        return None;
    }
    let band = ["red", "yellow", "green"].into_iter().find(|b| p.has(b));
    if let (None, Some(band), true) = (
        r.account(),
        band,
        p.any(&[
            "who", "whos", "anyone", "anything", "every", "all", "account", "customer", "client",
        ]),
    ) {
        return Some(Outcome::Line(
            Line::new("account", "list").opt("health", band),
        ));
    }
    let vague = [
        "high", "low", "good", "bad", "poor", "up", "down", "dropped", "fell", "improved",
        "better", "worse",
    ];
    if !p.is_question() && p.any(&vague) {
        let name = r.account().unwrap_or("ACCOUNT");
        return Some(clarify(
            "What's the number? I record health signals as values.",
            vec![
                Line::on("health", "set").opt("usage", "85").render(name),
                Line::on("health", "set").opt("nps", "8").render(name),
            ],
        ));
    }
    Some(Outcome::Line(Line::on("health", "show")))
}

/// The first word equal to `w` that is not part of a name or value.
fn free(r: &Reader, w: &str) -> Option<usize> {
    (0..r.p.len()).find(|&i| r.p.word(i) == w && !r.used()[i])
}

fn example(key: &str) -> &'static str {
    match key {
        "nps" => "8",
        "adoption" => "3",
        "tickets" => "decreasing",
        _ => "85",
    }
}

fn signals(r: &Reader) -> Vec<Signal> {
    let p = &r.p;
    // `went from 8 to 4`: the number after `to`.
    let near = |i: usize| {
        let n = after(p, &r.nums, i, r.used()).or_else(|| before(p, &r.nums, i))?;
        let moved = n.word > 0 && p.word(n.word - 1) == "from" && p.word(n.word + 1) == "to";
        let to = r.nums.iter().find(|m| m.word == n.word + 2);
        Some(if moved { to.unwrap_or(n) } else { n })
    };
    let mut found: Vec<Signal> = Vec::new();
    let mut add = |key: &'static str, value: Result<String, String>| {
        if !found.iter().any(|(k, _)| *k == key) {
            found.push((key, value));
        }
    };
    if let Some(n) = free(r, "nps").and_then(near) {
        add("nps", whole(n, 10, "NPS goes from 0 to 10."));
    }
    for w in ["usage", "utilization", "utilisation"] {
        if let Some(n) = free(r, w).and_then(near) {
            add(
                "usage",
                percent(n, "Usage is a percentage of seats, 0–100."),
            );
        }
    }
    if let Some(n) = r
        .nums
        .iter()
        .find(|n| n.percent)
        .filter(|_| p.has("active") && p.any(&["seats", "users"]))
    {
        add(
            "usage",
            percent(n, "Usage is a percentage of seats, 0–100."),
        );
    }
    if let Some(n) = free(r, "adoption").and_then(near) {
        add(
            "adoption",
            whole(n, 1000, "Adoption counts core features in use."),
        );
    }
    for w in ["features", "feature"] {
        if let Some(n) = free(r, w).and_then(|i| before(p, &r.nums, i)) {
            add(
                "adoption",
                whole(n, 1000, "Adoption counts core features in use."),
            );
        }
    }
    if let Some(n) = free(r, "roi").and_then(near) {
        add(
            "roi",
            percent(n, "ROI is the % of success targets met, 0–100."),
        );
    }
    for w in ["targets", "goals"] {
        let n = free(r, w).and_then(|i| before(p, &r.nums, i));
        if let Some(n) = n.filter(|n| n.percent || p.has("success")) {
            add(
                "roi",
                percent(n, "ROI is the % of success targets met, 0–100."),
            );
        }
    }
    if let Some(t) = tickets(r) {
        add("tickets", Ok(t.to_string()));
    }
    found
}

fn whole(n: &Num, max: u32, why: &str) -> Result<String, String> {
    match n.whole() {
        Some(v) if v <= max && !n.percent && n.money.is_none() => Ok(v.to_string()),
        _ => Err(why.to_string()),
    }
}

fn percent(n: &Num, why: &str) -> Result<String, String> {
    if (0.0..=100.0).contains(&n.value) && n.money.is_none() {
        Ok(fmt_number(n.value))
    } else {
        Err(why.to_string())
    }
}

/// The support-ticket trend told: `rising`, `piling up`, `no open tickets`, `escalated a P1`.
fn tickets(r: &Reader) -> Option<&'static str> {
    let p = &r.p;
    if !p.any(&["ticket", "tickets", "p1", "sev1", "escalated"]) {
        return None;
    }
    if p.any(&["escalated", "escalation", "p1", "sev1"]) {
        return Some("escalated");
    }
    if p.any(&["zero", "none"]) || p.any_phrase(&["no open", "no tickets", "0 open"]) {
        return Some("zero");
    }
    const TRENDS: [(&str, &str); 30] = [
        ("rising", "increasing"),
        ("rise", "increasing"),
        ("up", "increasing"),
        ("increasing", "increasing"),
        ("increased", "increasing"),
        ("climbing", "increasing"),
        ("growing", "increasing"),
        ("piling", "increasing"),
        ("more", "increasing"),
        ("spiking", "increasing"),
        ("higher", "increasing"),
        ("worse", "increasing"),
        ("falling", "decreasing"),
        ("fell", "decreasing"),
        ("down", "decreasing"),
        ("decreasing", "decreasing"),
        ("decreased", "decreasing"),
        ("dropping", "decreasing"),
        ("dropped", "decreasing"),
        ("declining", "decreasing"),
        ("fewer", "decreasing"),
        ("lower", "decreasing"),
        ("better", "decreasing"),
        ("shrinking", "decreasing"),
        ("stable", "stable"),
        ("flat", "stable"),
        ("steady", "stable"),
        ("unchanged", "stable"),
        ("same", "stable"),
        ("stabilised", "stable"),
    ];
    p.words.iter().find_map(|w| {
        TRENDS
            .iter()
            .find(|(t, _)| *t == w.lower)
            .map(|(_, trend)| *trend)
    })
}
