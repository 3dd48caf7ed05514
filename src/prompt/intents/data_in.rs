//! Purpose: prompts about the data flowing in (INGEST.md), all reads — `which write keys do
//! we have` → `/steward apikey list`, `are events coming in` → `/steward ingest status`,
//! `list the core features` → `/steward feature list`; and the admin's changes to it —
//! creating or revoking a key, declaring or dropping a core feature, the Zendesk secret —
//! which the reader's guard always asks to confirm.

use super::Outcome;
use crate::command::quotes::first_quoted;
use crate::prompt::line::Line;

use super::Reader;

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    if r.names_account() {
        return None;
    }
    let keys = p.any_phrase(&["api key", "api keys", "write key", "write keys"])
        || p.any(&["apikey", "apikeys"])
        || (p.any(&["key", "keys"]) && p.any(&["revoke", "create", "rotate"]));
    if keys {
        let key = Line::new("steward", "apikey");
        let named = named_after(r, &["called", "named", "for"]).or_else(|| named_before(r, "key"));
        return Some(Outcome::Line(
            match (
                p.any(&["create", "new", "make", "generate", "add"]),
                p.any(&["revoke", "delete", "remove", "disable"]),
                named,
            ) {
                (true, false, Some(name)) => key.arg("create").quoted(&name),
                (false, true, Some(name)) => key.arg("revoke").quoted(&name),
                (true, false, None) | (false, true, None) => {
                    return Some(super::clarify(
                        "Which key? Give its name.",
                        vec![
                            "/steward apikey create \"Segment prod\"".into(),
                            "/steward apikey list".into(),
                        ],
                    ))
                }
                _ => key.arg("list"),
            },
        ));
    }
    if p.has("zendesk") && p.any(&["secret", "signing"]) {
        let secret = p
            .words
            .last()
            .map(|w| &p.text[w.start..w.end])
            .filter(|w| w.len() >= 16);
        return Some(match secret {
            Some(secret) => {
                Outcome::Line(Line::new("steward", "zendesk").arg("secret").arg(secret))
            }
            None => super::clarify(
                "What is the signing secret? Copy it from Zendesk's webhook page.",
                vec!["/steward zendesk secret SECRET".into()],
            ),
        });
    }
    let intake = p.any(&["ingest", "ingestion", "intake"])
        || p.any_phrase(&[
            "events coming in",
            "events arriving",
            "event feed",
            "events feed",
            "data coming in",
            "data flowing",
            "segment events",
            "events api",
            "unmatched ids",
            "events rejected",
            "events were rejected",
        ]);
    if intake {
        return Some(Outcome::Line(Line::new("steward", "ingest").arg("status")));
    }
    if p.any_phrase(&["core features", "core feature"])
        || (p.has("core") && p.any(&["feature", "features"]))
    {
        let feature = Line::new("steward", "feature");
        let named =
            named_after(r, &["called", "named", "feature"]).or_else(|| named_before(r, "core"));
        let adding = p.any(&["add", "declare", "new", "create"]);
        let removing = p.any(&["remove", "delete", "drop"]);
        return Some(match (adding, removing, named) {
            (true, false, Some(name)) => {
                let events = phrases(p.text)
                    .into_iter()
                    .filter(|e| *e != name)
                    .fold(feature.arg("add").quoted(&name), |l, e| l.opt("event", e));
                Outcome::Line(events)
            }
            (false, true, Some(name)) => Outcome::Line(feature.arg("remove").quoted(&name)),
            (true, false, None) | (false, true, None) => super::clarify(
                "Which feature, and which events prove it?",
                vec!["/steward feature add Reports event:\"Report Created\"".into()],
            ),
            _ => Outcome::Line(feature.arg("list")),
        });
    }
    None
}

/// A name after one of `markers` (`called "Segment prod"`, `feature Reports`): a quoted
/// phrase, else one word.
fn named_after(r: &Reader, markers: &[&str]) -> Option<String> {
    let p = &r.p;
    // The last of markers in a row: `feature called Dashboards`.
    let mut at = (0..p.len()).find(|&i| markers.contains(&p.word(i)))? + 1;
    while markers.contains(&p.word(at)) {
        at += 1;
    }
    let word = p.words.get(at)?;
    let before = p.text[..word.start].chars().next_back();
    if let Some(quoted) =
        before.and_then(|c| crate::command::quotes::quote_at(p.text, word.start - c.len_utf8()))
    {
        return Some(p.text[quoted.inner].to_string());
    }
    if matches!(
        p.word(at),
        "the" | "a" | "an" | "core" | "key" | "event" | "events"
    ) {
        return None;
    }
    // Unquoted, the name runs to the next break: `called Segment prod`,
    // `named rudderstack-staging`, `feature Dashboards, proven by …`.
    let end = (at + 1..p.len())
        .find(|&i| p.words[i].after_break)
        .map_or(p.text.len(), |i| p.words[i - 1].end);
    super::clean(&p.text[word.start..end])
}

/// The word before `marker` that names it (`revoke the analytics key`, `the Dashboards core
/// feature`).
fn named_before(r: &Reader, marker: &str) -> Option<String> {
    let p = &r.p;
    let mut at = p.find(marker)?.checked_sub(1)?;
    // `the analytics write key`: past the words of the marker's own name.
    while matches!(p.word(at), "write" | "api") {
        at = at.checked_sub(1)?;
    }
    let word = &p.words[at];
    let common = matches!(
        word.lower.as_str(),
        "the" | "a" | "an" | "write" | "api" | "this" | "that" | "new" | "our"
    );
    (!common).then(|| p.text[word.start..word.end].to_string())
}

/// Every quoted phrase of `text`, in order.
fn phrases(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(q) = text.get(from..).and_then(first_quoted) {
        out.push(text[from + q.inner.start..from + q.inner.end].to_string());
        from += q.outer.end;
    }
    out
}
