//! Purpose: options a prompt states beyond what its rule read — `email sam@x.com`, `high
//! influence`, `she is neutral`, `400 seats`, `due friday`, `owned by omar` — found for any
//! command from its declaration in `commands/` (option names, kinds and choices), so an
//! option is understood the day it is declared. Only options the line lacks are added, each
//! only if the line still parses with it; words inside the line's free text are left alone.

use crate::command::spec::{self, Kind, OptionSpec};
use crate::prompt::dates::{date_at, Toward};
use crate::prompt::intents::Reader;
use crate::prompt::line::Line;

/// Words that may stand between an option's name and its value (`email: x`, `tier is 1`).
const LINKS: [&str; 9] = ["is", "of", "at", "to", "as", "by", "for", "on", "be"];

/// Options said with another word than their name: `each hour is worth $3.9k`.
const ALIASES: [(&str, &str); 1] = [("value-per-unit", "worth")];

/// Adds to `line` the options of its command the prompt states and the line lacks; `parses`
/// says whether a candidate line is a command the parser accepts.
pub fn fill(line: &mut Line, r: &Reader, parses: &dyn Fn(&Line) -> bool) {
    let Some(sub) = spec::group(line.group).and_then(|g| g.sub(line.sub)) else {
        return;
    };
    let free = free_text(line);
    let named: Vec<&OptionSpec> = sub.options.iter().filter(|o| !o.positional).collect();
    for option in &named {
        if line.opts.iter().any(|(key, _)| *key == option.name) {
            continue;
        }
        let Some(value) = stated(option, &named, r, &free) else {
            continue;
        };
        // A number the line already gives another option is that option's (`340 seats
        // active weekly` is 340 active seats, not also 340 seats).
        let numeric = matches!(
            option.kind,
            Kind::Integer | Kind::Number | Kind::Percent | Kind::Money
        );
        if numeric && line.opts.iter().any(|(_, v)| *v == value) {
            continue;
        }
        let tried = line.clone().opt(option.name.as_str(), value);
        if parses(&tried) {
            *line = tried;
        }
    }
}

/// The free text the line carries (quoted positionals and text options), lower case: words
/// in it belong to that text, not to further options.
fn free_text(line: &Line) -> String {
    line.args
        .iter()
        .chain(line.opts.iter().map(|(_, v)| v))
        .filter(|v| v.contains(' '))
        .map(|v| v.to_lowercase())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The value the prompt gives `option`, if it states one plainly.
fn stated(option: &OptionSpec, all: &[&OptionSpec], r: &Reader, free: &str) -> Option<String> {
    let p = &r.p;
    let key = ALIASES
        .iter()
        .find(|(name, _)| *name == option.name)
        .map_or_else(
            || option.name.replace('-', " "),
            |(_, said)| said.to_string(),
        );
    let words: Vec<&str> = key.split(' ').collect();
    let in_free = |i: usize| !free.is_empty() && free.contains(p.word(i));
    // `<name> [link] <value>`, e.g. `email sam@x.com`, `influence: high`, `tier is 1`.
    let at = (0..p.len()).find(|&i| {
        words.iter().enumerate().all(|(k, w)| p.word(i + k) == *w)
            && !(key.len() > 3 && in_free(i) && option.kind == Kind::String)
    });
    if let Some(at) = at {
        let mut v = at + words.len();
        // `reason: signed a 2-year renewal`: a string option's value runs to the clause's end.
        if let Some(value) = after_colon(option, r, v) {
            return Some(value);
        }
        while LINKS.contains(&p.word(v)) {
            v += 1;
        }
        if let Some(value) = value_at(option, r, v) {
            return Some(value);
        }
        // `<value> <name>`: `high influence`, `400 seats`, `, healthcare industry,`.
        let last = at + words.len() - 1;
        let clause = p.words.get(last + 1).is_none_or(|w| w.after_break)
            && at
                .checked_sub(1)
                .is_some_and(|b| b == 0 || p.words[b].after_break);
        let before = match option.kind {
            Kind::Choice | Kind::Integer | Kind::Number => true,
            Kind::String => clause,
            _ => false,
        };
        let value = at
            .checked_sub(1)
            .filter(|_| before)
            .and_then(|b| value_before(option, r, b));
        if let Some(value) = value {
            return Some(value);
        }
    }
    if option.name == "email" {
        // `e-mail address … is raj@acme.com`: an address is an e-mail whatever it is called.
        let address = p.words.iter().map(|w| &p.text[w.start..w.end]).find(|w| {
            w.contains('@') && w.contains('.') && !w.starts_with('@') && !w.starts_with('<')
        });
        return address.map(str::to_string);
    }
    if option.kind == Kind::User && option.name == "owner" && owned(r) {
        return r.user().map(|user| format!("@{user}"));
    }
    choice_alone(option, all, r, free)
}

/// Ownership said in words: `omar owns it`, `owned by jane`, `I'll run it`, `jane drives it`.
fn owned(r: &Reader) -> bool {
    r.p.any(&[
        "owns", "owned", "drives", "driving", "driven", "leads", "led",
    ]) || r.p.any_phrase(&[
        "will own",
        "ill own",
        "i own",
        "ill run",
        "i will run",
        "will run",
    ])
}

/// The value of `option` written at word `i`.
fn value_at(option: &OptionSpec, r: &Reader, i: usize) -> Option<String> {
    let p = &r.p;
    let word = p.words.get(i)?;
    let raw = &p.text[word.start..word.end];
    match option.kind {
        Kind::Choice => choice_at(option, r, i),
        Kind::Integer | Kind::Number | Kind::Percent | Kind::Money => {
            r.nums.iter().find(|n| n.word == i).map(|_| raw.to_string())
        }
        Kind::Days => r.nums.iter().find(|n| n.word == i).map(|n| {
            let unit = if p.word(i + 1).starts_with("week") {
                "w"
            } else {
                "d"
            };
            format!("{}{unit}", n.value)
        }),
        Kind::Date => date_at(p, i, r.today, Toward::Future, r.fy).map(|hit| hit.date.to_string()),
        Kind::User => {
            let named = r
                .mentions
                .iter()
                .find(|m| m.0 == i)
                .map(|m| m.1.clone())
                .or_else(|| matches!(p.word(i), "me" | "myself").then(|| r.asker.0.clone()))
                .or_else(|| {
                    r.owner_word()
                        .filter(|owner| owner.to_lowercase() == p.word(i))
                });
            named.map(|user| format!("@{user}"))
        }
        Kind::String if option.name == "email" => raw.contains('@').then(|| raw.to_string()),
        // A quoted phrase (`trigger "New EMEA unit"`).
        Kind::String if quoted_at(r, i).is_some() => quoted_at(r, i),
        // An amount a string option takes as typed (`worth $3.9k`).
        Kind::String if r.nums.iter().any(|n| n.word == i && n.money.is_some()) => {
            let dollar = p.text[..word.start].ends_with('$');
            Some(format!("{}{raw}", if dollar { "$" } else { "" }))
        }
        // A short clause, as typed: `industry SaaS, 60 seats`, `title IT Director, …`.
        Kind::String => {
            let end = (i + 1..p.len())
                .find(|&j| p.words[j].after_break)
                .unwrap_or(p.len());
            let plain = raw.chars().all(|c| c.is_alphanumeric() || c == '-');
            (end - i <= 3 && plain && !LINKS.contains(&p.word(i)))
                .then(|| p.slice(i..end).to_string())
        }
        _ => None,
    }
}

/// The rest of the clause after `<name>:` for a string option: word `v` follows the name,
/// and a colon stands between them.
fn after_colon(option: &OptionSpec, r: &Reader, v: usize) -> Option<String> {
    let p = &r.p;
    if option.kind != Kind::String || v == 0 {
        return None;
    }
    let (name, first) = (p.words.get(v - 1)?, p.words.get(v)?);
    // `edge: native CRM sync`, `our edge is native CRM sync`.
    if !p.text[name.end..first.start].contains(':') && name.lower != "is" {
        return None;
    }
    let end = (v + 1..p.len())
        .find(|&j| p.words[j].after_break)
        .unwrap_or(p.len());
    quoted_at(r, v).or_else(|| super::intents::clean(p.slice(v..end)))
}

/// The quoted phrase that starts at word `i`, if its opening mark is right before it.
fn quoted_at(r: &Reader, i: usize) -> Option<String> {
    let start = r.p.words.get(i)?.start;
    let mark = r.p.text[..start].chars().next_back()?;
    let quoted = crate::command::quotes::quote_at(r.p.text, start - mark.len_utf8())?;
    Some(r.p.text[quoted.inner].to_string())
}

/// The value of `option` written at word `i`, just before its name.
fn value_before(option: &OptionSpec, r: &Reader, i: usize) -> Option<String> {
    match option.kind {
        Kind::String => {
            let word = &r.p.words[i];
            let raw = &r.p.text[word.start..word.end];
            let plain = raw.chars().all(|c| c.is_alphanumeric() || c == '-');
            (plain && !LINKS.contains(&word.lower.as_str())).then(|| raw.to_string())
        }
        // `lower is better`, `@richard on slack`: the value, past a linking word.
        _ if LINKS.contains(&r.p.word(i)) && i > 0 => value_at(option, r, i - 1),
        _ => value_at(option, r, i),
    }
}

/// One of `option`'s choices, written at word `i` (a two-word choice across two words).
fn choice_at(option: &OptionSpec, r: &Reader, i: usize) -> Option<String> {
    let one = r.p.word(i);
    let two = format!("{one} {}", r.p.word(i + 1));
    option
        .choices
        .iter()
        .find(|c| {
            let c = c.replace('-', " ");
            c == two || c == one
        })
        .cloned()
}

/// A choice named on its own, that belongs to `option` alone among the command's options:
/// `she is neutral` (sentiment), `monthly` (engagement). Short or common words, and words of
/// the line's free text, are not taken.
fn choice_alone(
    option: &OptionSpec,
    all: &[&OptionSpec],
    r: &Reader,
    free: &str,
) -> Option<String> {
    if option.kind != Kind::Choice {
        return None;
    }
    option.choices.iter().find_map(|choice| {
        let distinctive = choice.len() >= 6 && !matches!(choice.as_str(), "unknown" | "other");
        let shared = all
            .iter()
            .filter(|o| o.name != option.name)
            .any(|o| o.choices.contains(choice));
        let spoken = choice.replace('-', " ");
        let said = r.p.has_phrase(&spoken) && !free.contains(&spoken);
        (distinctive && !shared && said).then(|| choice.clone())
    })
}
