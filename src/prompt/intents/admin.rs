//! Purpose: prompts for `/steward`'s own settings — whoami, undo, forget, managers, owner
//! aliases, time zone, currency, fiscal year, business hours — and indicators; and the words
//! the other admin rules share (a time zone, the users named).

use super::{clarify, line, Outcome, Reader};
use crate::domain::schedule::parse_zone;
use crate::domain::signals::IndicatorKind;
use crate::prompt::line::Line;
use crate::prompt::people::{new_name, quoted};
use crate::prompt::vocab::month;

/// An IANA zone word (`Europe/Berlin`, `UTC`), as typed.
pub(super) fn zone(r: &Reader) -> Option<String> {
    r.p.words.iter().find_map(|w| {
        let raw = &r.p.text[w.start..w.end];
        let ianaish = raw.contains('/') && raw.starts_with(|c: char| c.is_ascii_uppercase());
        (ianaish || raw == "UTC")
            .then(|| raw.to_string())
            .filter(|z| parse_zone(z).is_ok())
    })
}

pub fn steward(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    if p.any_phrase(&[
        "who am i",
        "my permissions",
        "my rights",
        "am i an admin",
        "am i admin",
        "my manager",
        "rights do i have",
        "permissions do i have",
        "what can i change",
    ]) || p.has("whoami")
    {
        return line(Line::new("steward", "whoami"));
    }
    // `wipe everything Steward has stored for this workspace`: forgetting the whole book.
    let wipe = p.any(&["wipe", "erase", "delete", "forget", "purge"])
        && p.any(&["everything", "all"])
        && p.any(&["steward", "workspace", "data", "stored"]);
    // `what would steward delete if we forgot this workspace?`: what forgetting would take,
    // which `/steward forget` shows without `confirm:yes`.
    let what_forgetting_takes = p.any(&["forgot", "forgetting", "uninstalled", "uninstall"])
        && p.any(&["delete", "deleted", "lose", "remove", "removed"]);
    let wipe = wipe || what_forgetting_takes;
    if wipe && !r.names_account() {
        return line(Line::new("steward", "forget"));
    }
    let takes_back = p.any_phrase(&[
        "take back",
        "take that back",
        "roll back",
        "revert what",
        "undo what",
        "scratch that",
    ]) || (p.any(&["undo", "revert"]) && p.any(&["last", "that", "just"]));
    if p.word(0) == "undo" || (takes_back && !r.names_account()) {
        return line(Line::new("steward", "undo"));
    }
    // `we're on New York time now`: a city's time for the whole team.
    let city_time = p.has("time")
        && !p.any(&["digest", "standup", "post", "posts", "qbr"])
        && city_zone(r).is_some();
    if p.any(&["timezone", "tz"]) || p.has_phrase("time zone") || city_time {
        if p.any(&["digest", "standup", "post", "posts"]) {
            return None;
        }
        return match zone(r).or_else(|| city_zone(r)) {
            Some(z) => line(Line::new("steward", "timezone").arg(z)),
            None => Some(clarify(
                "Which time zone? Give its IANA name.",
                vec!["/steward timezone Europe/Berlin".into()],
            )),
        };
    }
    if let Some(code) = currency_word(r) {
        return line(Line::new("steward", "currency").arg(code));
    }
    if p.any_phrase(&[
        "business hours",
        "working hours",
        "office hours",
        "opening hours",
    ]) {
        return Some(match business_hours(r) {
            Some((days, window)) => {
                Outcome::Line(Line::new("steward", "hours").arg(days).arg(window))
            }
            None => clarify(
                "Which days and hours? Give them like this:",
                vec!["/steward hours mon-fri 08:00-18:00".into()],
            ),
        });
    }
    if p.has("currency") {
        let code = p.words.iter().find(|w| {
            w.lower.len() == 3
                && w.lower.chars().all(|c| c.is_ascii_alphabetic())
                && w.lower != "the"
                && w.lower != "our"
                && w.lower != "set"
        });
        return match code {
            Some(w) => line(Line::new("steward", "currency").arg(w.lower.to_uppercase())),
            None => Some(clarify(
                "Which currency code?",
                vec!["/steward currency EUR".into()],
            )),
        };
    }
    let fiscal = p.has_phrase("fiscal year") || p.has("fy");
    if fiscal && p.any(&["starts", "start", "begins", "begin", "starting"]) {
        let numbered = p.find("month").and_then(|i| {
            r.nums
                .iter()
                .find(|n| n.word == i + 1)
                .and_then(|n| n.whole())
                .filter(|m| (1..=12).contains(m))
        });
        let m = p
            .words
            .iter()
            .find_map(|w| month(&w.lower).filter(|_| w.lower != "may" || w.capital))
            .or(numbered);
        return match m {
            Some(m) => line(Line::new("steward", "fiscal-year").arg(m.to_string())),
            None => Some(clarify(
                "Which month does the fiscal year start in?",
                vec!["/steward fiscal-year 2".into()],
            )),
        };
    }
    let people = users_in(r);
    // `set my manager to jane`: the asker's own manager.
    if p.has_phrase("my manager") && p.any(&["set", "is", "change", "make"]) {
        if let Some(manager) = people.last() {
            return line(
                Line::new("steward", "manager")
                    .arg(format!("@{}", r.asker.0))
                    .opt("manager", format!("@{}", manager.1)),
            );
        }
    }
    let managing =
        p.any(&["manager", "manages", "manage", "managed"]) || p.has_phrase("reports to");
    if managing && people.len() >= 2 {
        let (a, b) = (&people[0], &people[1]);
        let first_is_user = p.words[a.0].possessive || p.any_phrase(&["reports to", "managed by"]);
        let second_is_user = p.words[b.0].possessive;
        let manages = p.any(&["manages", "manage"]) && !first_is_user;
        let (user, manager) = if second_is_user || manages {
            (b, a)
        } else {
            (a, b)
        };
        return line(
            Line::new("steward", "manager")
                .arg(format!("@{}", user.1))
                .opt("manager", format!("@{}", manager.1)),
        );
    }
    let names_indicator = IndicatorKind::ALL
        .into_iter()
        .any(|k| p.has_phrase(k.name()));
    let switched = p.any(&["off", "on"]) && p.any(&["turn", "switch", "alerts", "alert"]);
    if p.any(&["indicator", "indicators"])
        || (names_indicator && (p.any(&["mute", "unmute", "silence", "unsilence"]) || switched))
    {
        return indicators(r);
    }
    // `map jane.doe@ourco.com to jane`, `the CRM owner "Jane Doe" is jane`: a CRM owner's
    // name or e-mail for a chat user, named by mention or by a user who owns accounts.
    let mapping = p.word(0) == "map" || p.any_phrase(&["crm owner", "owner in salesforce"]);
    if mapping && r.mentions.is_empty() && !r.names_account() {
        let user = people.last().map(|u| u.1.clone());
        let email = p
            .words
            .iter()
            .map(|w| &p.text[w.start..w.end])
            .find(|w| w.contains('@') && !w.starts_with('@'));
        if let (Some(user), Some(alias)) = (user, quoted(p.text).or(email)) {
            return line(
                Line::new("steward", "owner")
                    .quoted(alias)
                    .opt("user", format!("@{user}")),
            );
        }
    }
    if p.any(&["crm", "salesforce", "hubspot"]) && !r.mentions.is_empty() {
        let email = p
            .words
            .iter()
            .map(|w| &p.text[w.start..w.end])
            .find(|w| w.contains('@') && !w.starts_with('@') && !w.starts_with("<@"));
        let alias = quoted(p.text)
            .or(email)
            .map(str::to_string)
            .or_else(|| new_name(p, &r.base).map(|n| n.0))?;
        return line(
            Line::new("steward", "owner")
                .quoted(&alias)
                .opt("user", format!("@{}", r.mentions[0].1)),
        );
    }
    None
}

/// The chat users a prompt names, in order: mentions, and the bare names of accounts' owners
/// (`omar is jane's manager`).
pub(super) fn users_in(r: &Reader) -> Vec<(usize, String)> {
    let owners: std::collections::HashSet<String> = r
        .book
        .accounts()
        .filter_map(|a| match &a.owner {
            Some(crate::domain::person::Person::User(user)) => Some(user.0.to_lowercase()),
            _ => None,
        })
        .collect();
    let mut people: Vec<(usize, String)> = r.mentions.clone();
    for (i, w) in r.p.words.iter().enumerate() {
        if !r.base[i] && owners.contains(&w.lower) {
            people.push((i, w.lower.clone()));
        }
    }
    people.sort_by_key(|(i, _)| *i);
    people
}

/// A time zone named by its city (`New York time`, `Berlin`): the IANA zone whose last part
/// is that city.
pub(super) fn city_zone(r: &Reader) -> Option<String> {
    chrono_tz::TZ_VARIANTS.iter().find_map(|tz| {
        let name = tz.name();
        let (region, city) = name.rsplit_once('/')?;
        let city = city.to_lowercase().replace('_', " ");
        let continental = matches!(
            region,
            "America" | "Europe" | "Asia" | "Africa" | "Australia" | "Pacific"
        );
        (continental && city.len() >= 4 && r.p.has_phrase(&city)).then(|| name.to_string())
    })
}

/// A currency named in words where amounts are meant to show in it (`show money in euros`).
fn currency_word(r: &Reader) -> Option<&'static str> {
    const WORDS: [(&str, &str); 8] = [
        ("euros", "EUR"),
        ("euro", "EUR"),
        ("dollars", "USD"),
        ("pounds", "GBP"),
        ("sterling", "GBP"),
        ("yen", "JPY"),
        ("francs", "CHF"),
        ("kronor", "SEK"),
    ];
    let p = &r.p;
    let shows = p.any(&["show", "display", "amounts", "money", "currency", "figures"]);
    if !shows || r.names_account() {
        return None;
    }
    WORDS
        .iter()
        .find(|(w, _)| p.has(w))
        .map(|(_, code)| *code)
        .or_else(|| {
            // `show amounts in GBP`: a code typed in capitals after `in`.
            let at = p.find("in")? + 1;
            let typed = p.words.get(at).map(|w| &p.text[w.start..w.end])?;
            let code = typed.len() == 3 && typed.chars().all(|c| c.is_ascii_uppercase());
            ISO_CODES.iter().find(|c| code && **c == typed).copied()
        })
}

/// Currency codes a prompt may name in capitals.
const ISO_CODES: [&str; 12] = [
    "USD", "EUR", "GBP", "JPY", "CHF", "SEK", "NOK", "DKK", "CAD", "AUD", "INR", "BRL",
];

/// Business days and window in words: `mon-fri 08:00-18:00`, `08:00 to 18:00, Monday to
/// Friday`, `Monday, Tuesday and Thursday, 09:00 to 17:30`.
fn business_hours(r: &Reader) -> Option<(String, String)> {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let p = &r.p;
    let day = |w: &str| {
        let head = w.get(..3)?;
        let spelled =
            w.len() == 3 || w.ends_with("day") || w.starts_with("tues") || w.starts_with("thur");
        DAYS.iter().position(|d| *d == head).filter(|_| spelled)
    };
    let times: Vec<&str> = p
        .words
        .iter()
        .map(|w| &p.text[w.start..w.end])
        .flat_map(|w| w.split('-'))
        .filter(|t| {
            t.len() == 5
                && t.as_bytes()[2] == b':'
                && t.chars().filter(char::is_ascii_digit).count() == 4
        })
        .collect();
    let window = match times.as_slice() {
        [from, to, ..] => format!("{from}-{to}"),
        _ => return None,
    };
    if let Some(range) = p.words.iter().map(|w| &p.text[w.start..w.end]).find(|w| {
        w.split_once('-').is_some_and(|(a, b)| {
            day(&a.to_lowercase()).is_some() && day(&b.to_lowercase()).is_some()
        })
    }) {
        return Some((range.to_lowercase(), window));
    }
    let named: Vec<(usize, usize)> = (0..p.len())
        .filter_map(|i| day(p.word(i)).map(|d| (i, d)))
        .collect();
    let joined = |i: usize, j: usize| {
        j == i + 1
            && matches!(
                p.text[p.words[i].end..p.words[j].start].trim(),
                "-" | "–" | "—"
            )
    };
    let days = match named.as_slice() {
        [(i, a), (j, b)]
            if joined(*i, *j)
                || (*j == i + 2
                    && matches!(p.word(i + 1), "to" | "through" | "thru" | "until")) =>
        {
            format!("{}-{}", DAYS[*a], DAYS[*b])
        }
        [] => return None,
        list => list
            .iter()
            .map(|(_, d)| DAYS[*d])
            .collect::<Vec<_>>()
            .join(","),
    };
    Some((days, window))
}

/// `mute the usage drop indicator`, `unmute seat ceiling indicators`, `which indicators are
/// muted?`, `snooze Acme's indicators`.
fn indicators(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    if p.any(&["snooze", "pause", "hold"]) {
        return line(Line::on("health", "snooze").opt_if("days", snooze_days(r)));
    }
    let kind = IndicatorKind::ALL
        .into_iter()
        .find(|k| p.has_phrase(k.name()) || p.has(k.key()));
    // `turn the gone quiet indicator back on`, `turn the ticket spike indicator off`.
    let switched_on = p.has("on") && p.any(&["turn", "switch", "back"]);
    let switched_off = p.any(&["off", "disable"]) && !switched_on;
    let action = if p.any(&["unmute", "unsilence", "resume"]) || switched_on {
        "unmute"
    } else if p.any(&["mute", "silence", "stop"]) || switched_off {
        "mute"
    } else if r.names_account() {
        // `which indicators are open on Hooli?`: the account's health lists them.
        return line(Line::on("health", "show"));
    } else {
        return line(Line::new("steward", "indicator").arg("list"));
    };
    match kind {
        Some(kind) => line(
            Line::new("steward", "indicator")
                .arg(action)
                .quoted(kind.name()),
        ),
        None => Some(clarify(
            format!(
                "Which indicator should I {action}? {}.",
                IndicatorKind::names()
            ),
            vec![format!("/steward indicator {action} \"usage drop\"")],
        )),
    }
}

/// How long to hold an account's indicator messages, in days: `for a week`, `for 3 days`,
/// `until tomorrow`, `two weeks`.
pub(super) fn snooze_days(r: &Reader) -> Option<String> {
    let p = &r.p;
    if p.any_phrase(&["until tomorrow", "a day", "one day", "for today"]) {
        return Some("1".into());
    }
    let weeks = (0..p.len()).find(|&i| p.word(i).starts_with("week"))?;
    let count = match p.word(weeks.checked_sub(1)?) {
        "a" | "one" | "1" => 1,
        "two" | "2" => 2,
        _ => return None,
    };
    Some((7 * count).to_string())
}
