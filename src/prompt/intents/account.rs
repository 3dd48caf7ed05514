//! Purpose: prompts for `/account` — show, list (`my accounts`, `red accounts`, `tier 1`),
//! set (ARR, seats, owner, tier, crm id, domain, …), remove, and customer channels; touches
//! logged and the history are in `account_log`, new accounts and reassigning in `account_new`.

use super::{clarify, line, Outcome, Reader};
use crate::command::quotes::is_quote_mark;
use crate::domain::outside_id::{CrmId, WebDomain};
use crate::prompt::line::Line;
use crate::prompt::values::{after, before, fmt_number, Num};

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    if let Some(outcome) = channel(r) {
        return Some(outcome);
    }
    if p.any(&["remove", "delete", "drop"]) && r.people().is_empty() {
        // Only the account itself: `remove everyone from Acme` is not `remove Acme`.
        const PLAIN: [&str; 15] = [
            "remove",
            "delete",
            "drop",
            "the",
            "this",
            "that",
            "account",
            "customer",
            "from",
            "my",
            "book",
            "steward",
            "please",
            "completely",
            "entirely",
        ];
        let used = r.used();
        let only = (0..p.len()).all(|i| used[i] || PLAIN.contains(&p.word(i)));
        if !r.explicit() || !only {
            let name = r.account().unwrap_or("ACCOUNT");
            return Some(clarify(
                "What should I remove? I remove whole accounts or one stakeholder at a time.",
                vec![
                    Line::on("account", "remove").render(name),
                    format!(
                        "/stakeholder remove {} \"NAME\"",
                        crate::command::quote(name)
                    ),
                ],
            ));
        }
        return line(Line::on("account", "remove"));
    }
    if let Some(outcome) = set(r) {
        return Some(outcome);
    }
    if let Some(outcome) = list(r) {
        return Some(outcome);
    }
    // An account named and nothing else recognised: the fallback shows it, or asks.
    None
}

/// `/account channel`: `link this channel to Acme`, `unlink this channel`, `which channels are
/// linked to Hooli?`.
fn channel(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    if !p.any(&["channel", "channels"])
        || p.any(&["digest", "standup", "post", "posts", "subscribe"])
    {
        return None;
    }
    let listing = p.has("channels") || p.is_question() || p.asks_to_see();
    if p.any(&["unlink", "disconnect", "detach"]) {
        return line(Line::new("account", "channel unlink"));
    }
    if listing && p.any(&["linked", "link", "links", "connected", "customer"]) {
        return line(match r.names_account() {
            true => Line::on("account", "channel list"),
            false => Line::new("account", "channel list"),
        });
    }
    let linking = p.any(&["link", "connect", "hook"])
        || (p.has("this") && p.any(&["customer", "shared"]) && p.has("channel"));
    linking.then(|| Outcome::Line(Line::on("account", "channel link")))
}

/// `/account set`: each field a prompt can name and where its value is.
fn set(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    // `give Northwind to me`, `I'm taking over Northwind from omar`: the asker becomes owner.
    let to_me = p.any_phrase(&[
        "to me",
        "im taking over",
        "i am taking over",
        "ill take over",
        "i will take over",
    ]);
    // `Stark Retail is mine now`, `i'm taking Umbrella over from jane`.
    let mine_now = p.has("mine") && !p.is_question();
    let taking = p.any(&["taking", "take"]) && p.has("over") && p.any(&["im", "i", "ill"]);
    let to_me = to_me || mine_now || taking;
    // `put omar on Globex Health`: a person put on an account owns it.
    let put_on = p.has("put") && p.has("on") && r.user().is_some();
    let handing = r.names_account()
        && ((p.any(&["owned", "hand", "give", "belongs"]) && (!p.any(&["me", "us"]) || to_me))
            || (p.has("over") && p.any(&["move", "hand", "pass", "switch"]))
            || p.any_phrase(&["taking over", "take over"])
            || mine_now
            || taking
            || put_on);
    let changing = handing
        || p.any(&[
            "set", "change", "changed", "update", "updated", "make", "assign", "move", "put",
            "rename", "transfer", "bump",
        ]);
    if !r.explicit() && !changing {
        return None;
    }
    // `is Pied Piper tier 3?`: asking what is stored, not saying what should be.
    if p.is_question() && !changing && matches!(p.word(0), "is" | "are" | "does" | "do" | "has") {
        return None;
    }
    let mut l = Line::on("account", "set");
    let mut wanted: Vec<&str> = Vec::new();
    if let Some(i) = p.find("rename") {
        let to = (i..p.len()).find(|&j| p.word(j) == "to");
        match to.and_then(|t| r.text_from(t + 1)) {
            Some(name) => l = l.opt("name", name),
            None => wanted.push("name"),
        }
    }
    if let Some(i) = p.find("arr").or_else(|| p.find("revenue")) {
        let n = after(p, &r.nums, i, r.used()).or_else(|| before(p, &r.nums, i));
        match n.and_then(|n| n.money.or(n.whole().map(u64::from))) {
            Some(v) => l = l.opt("arr", v.to_string()),
            None => wanted.push("arr"),
        }
    }
    let seats = ["seats", "users", "licenses", "licences", "seat"];
    if p.any(&seats)
        && !p.any(&["more", "extra", "additional"])
        && !r.nums.iter().any(|n| n.percent)
    {
        let plain: Vec<&Num> = r.nums.iter().filter(|n| n.plain()).collect();
        match (plain.as_slice(), p.find("active")) {
            // `200 seats and 150 of them active`, `300 seats, 240 active weekly`: the number
            // nearest `active` is the active seats, the other the seats bought.
            ([a, b, ..], Some(active)) => {
                let (near, other) = match a.word.abs_diff(active) <= b.word.abs_diff(active) {
                    true => (a, b),
                    false => (b, a),
                };
                for (key, n) in [("seats", other), ("active-seats", near)] {
                    match n.whole() {
                        Some(v) => l = l.opt(key, v.to_string()),
                        None => wanted.push(key),
                    }
                }
            }
            (numbers, active) => {
                let key = match active {
                    Some(_) => "active-seats",
                    None => "seats",
                };
                match numbers.first().and_then(|n| n.whole()) {
                    Some(v) => l = l.opt(key, v.to_string()),
                    None => wanted.push(key),
                }
            }
        }
    }
    let computed = p.has("tier")
        && p.any(&[
            "automatic",
            "automatically",
            "compute",
            "computed",
            "recompute",
        ]);
    if p.any(&["tiering", "auto"]) || p.has_phrase("tier auto") || computed {
        l = l.opt("tier", "auto");
    } else if let Some(i) = p.find("tier") {
        match after(p, &r.nums, i, r.used())
            .and_then(|n| n.whole())
            .filter(|t| (1..=3).contains(t))
        {
            Some(t) => l = l.opt("tier", t.to_string()),
            None => wanted.push("tier"),
        }
    }
    if handing || p.any(&["owner", "assign", "transfer"]) {
        let asker = to_me.then(|| r.asker.0.clone());
        match asker.or_else(|| r.user()) {
            Some(u) => l = l.opt("owner", format!("@{u}")),
            None => wanted.push("owner"),
        }
    }
    for key in ["industry", "segment", "products"] {
        if let Some(i) = p.find(key) {
            // `set segment on Hooli to enterprise`: past the account and its linking words.
            let from = (i + 1..p.len()).find(|&j| {
                !matches!(p.word(j), "to" | "is" | "are" | "for" | "on" | "of") && !r.used()[j]
            });
            let value = from.and_then(|f| {
                let to = (f + 1..p.len())
                    .find(|&j| p.words[j].after_break && key != "products")
                    .unwrap_or(p.len());
                super::clean(p.slice(f..to))
            });
            match value {
                Some(v) => l = l.opt(key, v),
                None => wanted.push(key),
            }
        }
    }
    for (key, value) in outside_ids(r) {
        match value {
            Some(v) => l = l.opt(key, v),
            None => wanted.push(key),
        }
    }
    if !l.opts.is_empty() {
        return line(l);
    }
    let field = wanted.first()?;
    // `northwind arr`: a field named with no value and no verb of change asks to see it.
    if !changing && !p.any_phrase(&["should be", "needs to be", "ought to be"]) {
        return None;
    }
    let name = r.account().unwrap_or("ACCOUNT");
    Some(clarify(
        format!("What should {name}'s {field} be?"),
        vec![Line::on("account", "set")
            .opt(field, example(field))
            .render(name)],
    ))
}

/// `set Acme's domain to https://www.acme.com`, `Globex's crm id is 001B`, `change the
/// salesforce id of Hooli to 0015g…`: each outside id named and followed by `to`/`is`, with
/// its value when one follows that reads as such (`None`: the prompt gives no usable value).
/// The value is taken as typed up to the next space, so a URL stays whole.
fn outside_ids(r: &Reader) -> Vec<(&'static str, Option<String>)> {
    let p = &r.p;
    let (used, base) = (r.used(), &r.base);
    let skip = |j: usize, words: &[&str]| words.contains(&p.word(j)) || (used[j] && !base[j]);
    let mut found = Vec::new();
    for (key, markers) in [
        ("crm", &["crm", "salesforce", "hubspot"][..]),
        ("domain", &["domain", "website"][..]),
    ] {
        let Some(at) = (0..p.len()).find(|&i| markers.contains(&p.word(i))) else {
            continue;
        };
        let mut j = at + 1;
        while j < p.len() && skip(j, &["id", "ids", "name", "record", "number", "of", "for"]) {
            j += 1;
        }
        if !matches!(p.word(j), "to" | "is" | "as" | "should") {
            continue;
        }
        j += 1;
        while j < p.len() && skip(j, &["be", "now", "the", "new"]) {
            j += 1;
        }
        let typed = p.words.get(j).and_then(|w| {
            p.text[w.start..]
                .split_whitespace()
                .next()
                .map(|t| t.trim_matches(|c: char| is_quote_mark(c) || ".,;:!?)(".contains(c)))
        });
        let value = typed.and_then(|t| match key {
            "crm" => CrmId::parse(t).ok().map(String::from),
            _ if t.eq_ignore_ascii_case("none") => Some("none".into()),
            _ => WebDomain::parse(t).ok().map(String::from),
        });
        found.push((key, value));
    }
    found
}

fn example(field: &str) -> String {
    match field {
        "crm" => "001Dn00000ABCdeIAF".into(),
        "domain" => "acme.com".into(),
        "arr" => "60k".into(),
        "tier" => "1".into(),
        "owner" => "@jane".into(),
        "seats" | "active-seats" => fmt_number(100.0),
        _ => "…".into(),
    }
}

/// `/account list`: `my accounts`, `which accounts are red?`, `tier 1 accounts`, `@jane's`.
fn list(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let owns = p.any(&["own", "owns", "owned"]);
    let named_owner = r
        .mentions
        .first()
        .map(|m| m.1.clone())
        .or_else(|| r.owner_word());
    let about = p.any(&[
        "accounts",
        "customers",
        "clients",
        "account",
        "customer",
        "client",
    ]) || (p.has("book") && (p.has("my") || named_owner.is_some() || p.has("entire")))
        || owns
        // `my red ones?`: a band of one's own accounts.
        || (p.has("my") && p.any(&["ones", "red", "yellow", "green"]));
    if !about || r.names_account() {
        return None;
    }
    // `which accounts are mine`, `wich accounts r mine`.
    let mine = p.has("my") || (owns && p.has("i")) || p.has_phrase("i have") || p.has("mine");
    let owner = named_owner.or_else(|| mine.then(|| r.asker.0.clone()));
    let tier = p
        .find("tier")
        .and_then(|i| after(p, &r.nums, i, r.used()))
        .and_then(|n| n.whole());
    let unknown = p.any_phrase(&["do not know", "dont know", "no health", "not known"]);
    // Traffic-light words as people say them: amber is yellow.
    let band = ["red", "yellow", "green", "unknown"]
        .into_iter()
        .find(|b| p.has(b))
        .or_else(|| p.any(&["amber", "orange"]).then_some("yellow"))
        .or_else(|| (unknown && p.has("health")).then_some("unknown"));
    line(
        Line::new("account", "list")
            .opt_if("owner", owner.map(|o| format!("@{o}")))
            .opt_if("tier", tier.map(|t| t.to_string()))
            .opt_if("health", band)
            .opt_if("page", page(r)),
    )
}

/// The page asked for: `page 2`, `the second page`.
pub(super) fn page(r: &Reader) -> Option<String> {
    let p = &r.p;
    const ORDINALS: [(&str, u32); 4] = [("second", 2), ("third", 3), ("fourth", 4), ("next", 2)];
    p.find("page")
        .and_then(|i| after(p, &r.nums, i, r.used()))
        .and_then(|n| n.whole())
        .or_else(|| {
            let at = p.find("page")?.checked_sub(1)?;
            ORDINALS
                .iter()
                .find(|(w, _)| p.word(at) == *w)
                .map(|(_, n)| *n)
        })
        .map(|n| n.to_string())
}
