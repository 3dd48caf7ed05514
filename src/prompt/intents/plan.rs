//! Purpose: prompts for `/plan` — the account plan, a goal, a success metric, a risk and its
//! mitigation, an action with its due date, an action ticked off.

use super::{clarify, plan_competition, Outcome, Reader};
use crate::prompt::dates::{find_date, Toward};
use crate::prompt::line::Line;
use crate::prompt::people::quoted;
use crate::prompt::values::{after, fmt_number};

/// `action 2 for Acme is done`, `tick off action 1 on Globex's plan`.
pub fn done(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let finished = p.any(&[
        "done",
        "complete",
        "completed",
        "finished",
        "tick",
        "ticked",
        "check",
        "checked",
    ]);
    let n = r
        .nums
        .iter()
        .find(|n| n.word > 0 && matches!(p.word(n.word - 1), "action" | "item" | "task" | "todo"));
    // `tick off the action on Acme's plan`: which one?
    if finished && n.is_none() && p.any(&["action", "item", "task", "todo"]) && p.has("plan") {
        return Some(super::clarify(
            "Which action? Give its number from the plan.",
            vec![Line::on("plan", "show").render(r.account().unwrap_or("ACCOUNT"))],
        ));
    }
    let n = n?;
    if !finished {
        return None;
    }
    let id = n.whole().filter(|id| *id >= 1)?;
    Some(Outcome::Line(Line::on("plan", "done").arg(id.to_string())))
}

/// Goal, risk, action or metric words before the first colon: the text follows the colon.
pub fn with_text(r: &Reader) -> Option<Outcome> {
    r.p.colon?;
    let head_marked = r.p.head_any(&[
        "goal",
        "goals",
        "objective",
        "risk",
        "action",
        "todo",
        "task",
        "metric",
        "track",
        "swot",
        "strength",
        "weakness",
        "threat",
    ]);
    head_marked.then(|| rule(r)).flatten()
}

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    // `add an action to the Hooli plan`, `add a competitor to the Initech plan`: what it says
    // is missing.
    let item = ["action", "goal", "risk", "competitor", "metric"]
        .into_iter()
        .find(|w| p.has(w));
    if let (Some(item), true) = (
        item,
        p.word(0) == "add" && p.colon.is_none() && p.len() <= 8,
    ) {
        let said = (0..p.len()).any(|i| !r.used()[i] && p.words[i].capital);
        if !said && r.nums.is_empty() {
            return Some(super::clarify(
                format!("What is the {item}? Give its words."),
                vec![Line::on("plan", "show").render(r.account().unwrap_or("ACCOUNT"))],
            ));
        }
    }
    // `which competitors are at Umbrella?`, `SWOT for Wayne Logistics`: the plan shows both.
    let about_plan = p.any(&["competitors", "swot", "competition"]) && r.names_account();
    if about_plan && p.colon.is_none() && (p.is_question() || p.asks_to_see() || p.len() <= 4) {
        return Some(Outcome::Line(Line::on("plan", "show")));
    }
    if let Some(outcome) = plan_competition::remove(r)
        .or_else(|| plan_competition::swot(r))
        .or_else(|| plan_competition::competitor(r))
    {
        return Some(outcome);
    }
    let head = |ws: &[&str]| p.head_any(ws);
    if head(&["metric", "track"]) || (p.has("target") && p.has("current")) {
        return Some(metric(r));
    }
    if head(&["goal", "goals", "objective", "priority"]) {
        return Some(match goal_text(r) {
            Some(text) => {
                let (text, maps) = split_maps(&text);
                Outcome::Line(Line::on("plan", "goal").quoted(&text).opt_if("maps", maps))
            }
            None if p.is_question() => Outcome::Line(Line::on("plan", "show")),
            None => ask(
                r,
                "What is the goal, in the customer's words?",
                Line::on("plan", "goal").quoted("Expand into EMEA"),
            ),
        });
    }
    let risk =
        head(&["risk"]) && !p.any_phrase(&["at risk", "churn risk", "churn risks", "key risk"]);
    if risk && p.colon.is_some() {
        let text = r.text_after(0)?;
        let (text, mitigation) = match find_ignoring_case(&text, "mitigation") {
            Some(at) => (
                text[..at].to_string(),
                super::clean(text[at + "mitigation".len()..].trim_start_matches(':')),
            ),
            None => (text, None),
        };
        let text = super::clean(&text)?;
        return Some(Outcome::Line(
            Line::on("plan", "risk")
                .quoted(&text)
                .opt_if("mitigation", mitigation),
        ));
    }
    if head(&["action", "todo", "task"]) && p.colon.is_some() {
        return Some(action(r));
    }
    if p.has("plan") && !p.has_phrase("recovery plan") {
        return Some(Outcome::Line(Line::on("plan", "show")));
    }
    None
}

fn ask(r: &Reader, question: &str, example: Line) -> Outcome {
    clarify(
        question,
        vec![example.render(r.account().unwrap_or("ACCOUNT"))],
    )
}

/// A goal's text and how our product maps to it: `cut costs, maps to "analytics"`,
/// `expand into EMEA, which our "Multi-region workspaces" map to`.
fn split_maps(text: &str) -> (String, Option<String>) {
    let Some(at) = find_ignoring_case(text, " map").filter(|&at| {
        text[at..].split_whitespace().next().is_some_and(|w| {
            ["map", "maps", "mapped"]
                .iter()
                .any(|m| w.eq_ignore_ascii_case(m))
        })
    }) else {
        return (text.to_string(), None);
    };
    let after = &text[at..];
    let clause = text[..at].rfind(',').map_or(0, |c| c + 1);
    // A quoted capability after the map word, or in the map word's clause before it (`which
    // our "Multi-region workspaces" map to`), else the words after `maps to` (`we map to it
    // with multi-region workspaces`).
    let before = crate::prompt::people::quoted(&text[clause..at]);
    let cut = match before {
        Some(_) => text[..clause].trim_end_matches(',').len(),
        None => text[..at].rfind(',').unwrap_or(at),
    };
    let maps = crate::prompt::people::quoted(after)
        .or(before)
        .map(str::to_string)
        .or_else(|| {
            let lower = after.to_lowercase();
            let start = ["maps to", "map to", "mapped to"]
                .iter()
                .find_map(|m| lower.find(m).map(|i| i + m.len()))?;
            let mut rest = &after[start..];
            for filler in [" it with", " it via", " it through", " it by"] {
                if rest.to_lowercase().starts_with(filler) {
                    rest = &rest[filler.len()..];
                }
            }
            super::clean(rest)
        });
    let Some(maps) = maps else {
        return (text.to_string(), None);
    };
    let goal = super::clean(&text[..cut]).unwrap_or_else(|| text.to_string());
    (goal, Some(maps))
}

/// `goal is to expand into EMEA`, `add a goal for Globex: cut onboarding time in half`.
fn goal_text(r: &Reader) -> Option<String> {
    let p = &r.p;
    if p.colon.is_some() {
        return r.text_after(0);
    }
    let goal =
        (0..p.len()).find(|&i| matches!(p.word(i), "goal" | "goals" | "objective" | "priority"))?;
    // `Globex Health goal "Cut nurse scheduling time", maps to …`: the goal is quoted after it.
    let quoted_next = p.words.get(goal + 1).is_some_and(|w| {
        p.text[p.words[goal].end..w.start]
            .chars()
            .any(crate::command::quotes::is_quote_mark)
    });
    if quoted_next {
        return r.text_from(goal + 1);
    }
    if let Some(is) = (goal + 1..p.len()).find(|&i| matches!(p.word(i), "is" | "are")) {
        let from = if p.word(is + 1) == "to" {
            is + 2
        } else {
            is + 1
        };
        return r.text_from(from);
    }
    // `a goal for Acme to reduce churn`: the words after `to`, past the account.
    let to = (goal.max(r.account_end())..p.len()).find(|&i| p.word(i) == "to")?;
    r.text_from(to + 1)
}

/// `metric for Acme: hours saved per week, target 40, current 32`.
fn metric(r: &Reader) -> Outcome {
    let p = &r.p;
    let number = |w: &str| {
        p.find(w)
            .and_then(|i| after(p, &r.nums, i, r.used()))
            .map(|n| fmt_number(n.value))
    };
    // Where a metric's name stops: its values, the account, or the clause's end.
    let stop = |i: usize| {
        p.words[i].after_break
            || r.used()[i]
            || matches!(
                p.word(i),
                "target" | "current" | "currently" | "now" | "at" | "for" | "is" | "metric"
            )
    };
    let run = |from: usize| {
        let from =
            (from..p.len()).find(|&i| !matches!(p.word(i), "the" | "a" | "new") && !r.used()[i])?;
        let end = (from + 1..p.len()).find(|&i| stop(i)).unwrap_or(p.len());
        (end > from && !stop(from)).then(|| p.slice(from..end).to_string())
    };
    // `Initech's First response hours metric: …` (before the word), `metric first response
    // hours: …`, `track hours saved per week at Acme: …` (after it), else after the colon.
    let before_word = p.find("metric").and_then(|m| {
        let from = (0..m).rev().take_while(|&i| !stop(i)).last()?;
        // `track a metric for Acme: …`: a verb and an article are not a name.
        let from = (from..m)
            .find(|&i| !matches!(p.word(i), "track" | "add" | "a" | "the" | "new" | "set"))?;
        Some(p.slice(from..m).to_string())
    });
    let after_word = || {
        let at = p.find("metric").or_else(|| p.find("track"))?;
        run(at + 1)
    };
    let name = quoted(p.text)
        .map(str::to_string)
        .or(before_word)
        .or_else(after_word)
        .or_else(|| {
            let start = p.colon?;
            let end = (start + 1..p.len())
                .find(|&i| {
                    p.words[i].after_break || matches!(p.word(i), "target" | "current" | "now")
                })
                .unwrap_or(p.len());
            super::clean(p.slice(start..end))
        });
    let current = ["current", "now", "currently", "at"]
        .into_iter()
        .find_map(&number);
    match (name, number("target"), current) {
        (Some(name), Some(target), Some(current)) => Outcome::Line(
            Line::on("plan", "metric")
                .quoted(&name)
                .opt("target", target)
                .opt("current", current),
        ),
        _ => ask(
            r,
            "Which metric, with its target and current value?",
            Line::on("plan", "metric")
                .quoted("Hours saved per week")
                .opt("target", "40")
                .opt("current", "32"),
        ),
    }
}

/// `action for Acme: send the ROI summary to the CFO by next Friday, owner @omar`.
fn action(r: &Reader) -> Outcome {
    let p = &r.p;
    let start = p.colon.unwrap_or(0);
    let tail = super::super::words::Prompt {
        text: p.text,
        words: p.words[start..].to_vec(),
        colon: None,
    };
    let due = find_date(&tail, r.today, Toward::Future, r.fy);
    let cut = (start..p.len())
        .find(|&i| {
            matches!(p.word(i), "by" | "due" | "before" | "owner" | "owned")
                || due.as_ref().is_some_and(|h| h.span.start + start == i)
        })
        .unwrap_or(p.len());
    let text = super::clean(p.slice(start..cut));
    match (text, due) {
        (Some(text), Some(due)) => Outcome::Line(
            Line::on("plan", "action")
                .quoted(&text)
                .opt("due", due.date.to_string())
                .opt_if("owner", r.mentions.first().map(|m| format!("@{}", m.1))),
        ),
        (text, _) => ask(
            r,
            "When is it due? Every action in the plan has a due date.",
            Line::on("plan", "action")
                .quoted(text.as_deref().unwrap_or("Send the ROI summary"))
                .opt("due", "+14d"),
        ),
    }
}

/// Byte index of `needle` (ASCII) in `text`, any case.
fn find_ignoring_case(text: &str, needle: &str) -> Option<usize> {
    (0..text.len()).find(|&i| {
        text.get(i..i + needle.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(needle))
    })
}
