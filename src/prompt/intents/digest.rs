//! Purpose: prompts for `/digest` — the scheduled posts of this channel: subscribe with day,
//! time and zone, stop, list, and preview (a post named as a read: `the standup list`).

use super::admin::{city_zone, zone};
use super::{clarify, line, Outcome, Reader};
use crate::prompt::line::Line;
use crate::prompt::vocab::weekday;

/// Which scheduled post a prompt is about.
fn post_kind(r: &Reader) -> Option<&'static str> {
    let p = &r.p;
    if p.has("standup") {
        Some("standup")
    } else if p.any(&["escalations", "escalation"]) {
        Some("escalations")
    } else if p.any(&["renewals", "renewal"]) {
        Some("renewals")
    } else if p.any(&["weekly", "digest"]) {
        Some("weekly")
    } else {
        None
    }
}

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let about = p.any(&[
        "digest",
        "digests",
        "standup",
        "subscribe",
        "unsubscribe",
        "subscription",
        "subscriptions",
    ]) || (p.any(&[
        "post",
        "posts",
        "posting",
        "send",
        "sending",
        "stop",
        "scheduled",
    ]) && p.any(&[
        "here",
        "channel",
        "every",
        "reminders",
        "alerts",
        "escalations",
        "would",
    ])) || (p.has("reminders") && p.has("preview"))
        || (p.any(&["post", "posts", "preview"]) && post_kind(r).is_some())
        || (p.has("scheduled") && p.any(&["post", "posts", "posting"]))
        || (p.any_phrase(&["go out", "goes out", "going out", "would go"])
            && p.any(&["digest", "escalations", "reminders", "standup"]));
    if !about || r.names_account() {
        return None;
    }
    let kind = post_kind(r);
    if p.any(&["unsubscribe", "stop", "cancel"]) || p.any_phrase(&["turn off", "no more"]) {
        return Some(match kind {
            Some(k) => Outcome::Line(Line::new("digest", "unsubscribe").arg(k)),
            None => clarify(
                "Which posts should stop?",
                vec!["/digest unsubscribe weekly".into()],
            ),
        });
    }
    let listing = p.has_phrase("set up")
        || p.has("scheduled")
        || (p.has("when") && p.any(&["next", "does", "do"]));
    let subscribed = (p.any(&["subscribed", "subscriptions"]) && p.is_question())
        || p.any_phrase(&["subscribed to", "get the digest", "gets the digest"]);
    if p.any(&["digests", "subscriptions"]) || subscribed || (listing && p.is_question()) {
        return line(Line::new("digest", "list"));
    }
    let would_say = p.has("would") && p.any(&["say", "look", "show", "contain", "include", "go"]);
    // `what's in the monday digest?`, `what will the renewals reminder post today?`
    let contents = p.any_phrase(&["whats in", "what is in", "what will"]);
    let see = (p.asks_to_see() || contents) && !p.any(&["every", "subscribe", "here", "channel"]);
    if p.has("preview") || p.has_phrase("look like") || would_say || see {
        return line(Line::new("digest", "preview").arg(kind.unwrap_or("weekly")));
    }
    let Some(k) = kind else {
        return p.any(&["subscribe", "subscription"]).then(|| {
            clarify(
                "Which scheduled post should this channel get?",
                ["weekly", "standup", "renewals", "escalations"]
                    .iter()
                    .map(|k| format!("/digest subscribe {k}"))
                    .collect(),
            )
        });
    };
    // A post named with nothing about where or when it goes (`the standup list`, `this week's
    // digest`) is asked to be seen, not subscribed to.
    let schedules = p.any(&[
        "subscribe",
        "post",
        "posts",
        "posting",
        "send",
        "sending",
        "here",
        "channel",
        "every",
    ]) || days(r).is_some()
        || time(r).is_some();
    if !schedules {
        return line(Line::new("digest", "preview").arg(k));
    }
    line(
        Line::new("digest", "subscribe")
            .arg(k)
            .opt_if("day", days(r))
            .opt_if("time", time(r))
            .opt_if("tz", zone(r).or_else(|| city_zone(r))),
    )
}

/// `every weekday`, `on Fridays`, `mon-fri`, `mondays and wednesdays`.
fn days(r: &Reader) -> Option<String> {
    let p = &r.p;
    if p.any(&["weekday", "weekdays"]) {
        return Some("weekdays".into());
    }
    if p.any(&["daily"]) || p.has_phrase("every day") {
        return Some("daily".into());
    }
    const SHORT: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let found: Vec<(usize, &str)> = p
        .words
        .iter()
        .enumerate()
        .filter_map(|(i, w)| {
            let day = weekday(w.lower.trim_end_matches('s')).or_else(|| weekday(&w.lower))?;
            Some((i, SHORT[day as usize]))
        })
        .collect();
    // `mon-fri`, `Monday–Friday`: a range written with a dash.
    let dashed = |a: usize, b: usize| {
        p.text[p.words[a].end..p.words[b].start]
            .chars()
            .any(|c| matches!(c, '-' | '–' | '—'))
    };
    match found.as_slice() {
        [] => None,
        [(i, a), (j, b)] if p.any(&["to", "through", "thru"]) || dashed(*i, *j) => {
            Some(format!("{a}-{b}"))
        }
        days => Some(days.iter().map(|(_, d)| *d).collect::<Vec<_>>().join(",")),
    }
}

/// `at 9:30`, `at 4pm`, `9am` → `09:30`, `16:00`, `09:00`.
fn time(r: &Reader) -> Option<String> {
    r.p.words.iter().enumerate().find_map(|(i, w)| {
        let t = w.lower.as_str();
        let (body, pm) = match (t.strip_suffix("pm"), t.strip_suffix("am")) {
            (Some(b), _) => (b, Some(true)),
            (_, Some(b)) => (b, Some(false)),
            _ => (t, None),
        };
        let after_at = i > 0 && r.p.word(i - 1) == "at";
        if pm.is_none() && !body.contains(':') && !after_at {
            return None;
        }
        let (h, m) = body.split_once(':').unwrap_or((body, "0"));
        let (mut h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        if pm == Some(true) && h < 12 {
            h += 12;
        }
        (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
    })
}
