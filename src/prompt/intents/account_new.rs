//! Purpose: prompts that add an account to the book (`add Soylent as a new account, 60k ARR,
//! renewal 2027-01-31`) or move every account of one owner to another (`/account reassign`).

use super::{clarify, Outcome, Reader};
use crate::prompt::dates::Toward;
use crate::prompt::line::Line;
use crate::prompt::values::{after, before};

/// `add Soylent as a new account, 60k ARR, renewal 2027-01-31`; `move all of @jane's accounts
/// to @omar`.
pub fn add_or_reassign(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    let everything =
        p.any(&["all", "everything"]) && p.any(&["move", "transfer", "hand", "give", "reassign"]);
    if (p.has("reassign") || everything) && !r.names_account() {
        let people = super::admin::users_in(r);
        let to_me = p
            .any_phrase(&["to me", "over to me"])
            .then(|| (p.len(), r.asker.0.clone()));
        let to = people
            .iter()
            .find(|m| m.0 > 0 && p.word(m.0 - 1) == "to")
            .cloned()
            .or(to_me);
        let from = people
            .iter()
            .find(|m| Some(m.0) != to.as_ref().map(|t| t.0));
        return Some(match (from, to) {
            (Some(f), Some(t)) => Outcome::Line(
                Line::new("account", "reassign")
                    .arg(format!("@{}", f.1))
                    .opt("to", format!("@{}", t.1)),
            ),
            _ => clarify(
                "Whose accounts should move, and to whom?",
                vec!["/account reassign @jane to:@omar".into()],
            ),
        });
    }
    let kind = ["account", "customer", "client"];
    let new_at = (0..p.len()).find(|&i| p.word(i) == "new" && kind.contains(&p.word(i + 1)));
    let add_at = (0..p.len()).find(|&i| p.word(i) == "add" && kind.contains(&p.word(i + 1)));
    let name = if let Some(i) = new_at.filter(|&i| i > 2 && p.word(0) == "add") {
        // `add NAME as a new account`
        let end = (1..i).find(|&j| p.word(j) == "as").unwrap_or(i);
        p.slice(1..end)
    } else if let Some(i) = new_at.or(add_at) {
        let from = i + 2;
        let end = (from..p.len())
            .find(|&j| {
                j > from
                    && (p.words[j].after_break || r.base[j] && r.nums.iter().any(|n| n.word == j))
                    || matches!(
                        p.word(j),
                        "with" | "arr" | "renewing" | "renews" | "renewal"
                    )
            })
            .unwrap_or(p.len());
        p.slice(from..end)
    } else {
        added_with_terms(r)?
    };
    let name = name
        .trim_matches(crate::command::quotes::is_quote_mark)
        .trim();
    if name.is_empty() {
        return Some(clarify(
            "What is the new account called?",
            vec![example_add("NAME")],
        ));
    }
    if r.book.by_name(name).is_some() {
        return Some(clarify(
            format!("{name} is already in the book."),
            vec![Line::on("account", "show").render(name)],
        ));
    }
    let arr = r.money().or_else(|| {
        let i = p.find("arr")?;
        after(p, &r.nums, i, &r.base)
            .or_else(|| before(p, &r.nums, i))?
            .whole()
            .map(u64::from)
    });
    let renewal = r.date(Toward::Future);
    Some(match (arr, renewal) {
        (Some(arr), Some(date)) => Outcome::Line(
            Line::new("account", "add")
                .quoted(name)
                .opt("arr", arr.to_string())
                .opt("renewal", date.to_string()),
        ),
        _ => clarify(
            format!("To add {name} I need its ARR and renewal date."),
            vec![example_add(name)],
        ),
    })
}

/// A new account told with its terms and no `account` word: `add Soylent Foods, 80k ARR,
/// renews 2027-01-31`, `we have signed a new customer, Soylent Foods, at $80k ARR, renewing
/// …`, `Add Cyberdyne with an ARR of 250k renewing …`. Its name runs from after `add` (or
/// the comma after `new customer`) to the first break, number or term word.
fn added_with_terms<'a>(r: &Reader<'a>) -> Option<&'a str> {
    let p = &r.p;
    let terms =
        (p.has("arr") || r.money().is_some()) && p.any(&["renewal", "renews", "renewing", "renew"]);
    if !terms || r.exact != crate::prompt::accounts::Named::None {
        return None;
    }
    let from = match (0..p.len()).find(|&i| matches!(p.word(i), "add" | "customer" | "account"))? {
        i if p.word(i) == "add" => i + 1,
        i => i + 1,
    };
    let end = (from..p.len())
        .find(|&j| {
            (j > from && p.words[j].after_break)
                || r.nums.iter().any(|n| n.word == j)
                || matches!(
                    p.word(j),
                    "with" | "arr" | "at" | "to" | "renewing" | "renews" | "renewal"
                )
        })
        .unwrap_or(p.len());
    (end > from).then(|| p.slice(from..end))
}

fn example_add(name: &str) -> String {
    Line::new("account", "add")
        .quoted(name)
        .opt("arr", "50k")
        .opt("renewal", "2027-03-31")
        .render("")
}
