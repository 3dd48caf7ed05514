//! Purpose: people in a prompt — stakeholders already on the map (`Maria at Acme`, `Bob Stone`),
//! a new person's name (`add Jane Doe as …`), their role (`exec sponsor`, `economic buyer`)
//! and title (`CFO`, `VP Ops`, `Head of Procurement`).

use std::ops::Range;

use super::vocab::{is_vocab, month, weekday};
use super::words::{name_case, Prompt};
use crate::command::quotes::first_quoted;
use crate::domain::account::Account;
use crate::domain::book::Book;

/// A stakeholder the prompt names.
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    pub account: String,
    pub name: String,
    pub span: Range<usize>,
    /// The whole name was given, not just a first or last name.
    pub full: bool,
}

/// Stakeholders matched by the prompt: none, one, or several that fit the same words. Without
/// an account, every active account's map is searched, for words that could be names only.
pub fn find_known(p: &Prompt, book: &Book, account: Option<&str>, skip: &[bool]) -> Vec<Known> {
    let within = account.and_then(|name| book.by_name(name));
    // Across the whole book, only words that look like names: capitalised (not all capitals)
    // and not vocabulary, or any non-vocabulary word right after `with` / `to` / `met`.
    let namelike = |i: usize| {
        let w = &p.words[i];
        let raw = &p.text[w.start..w.end];
        let after_verb =
            i > 0 && matches!(p.word(i - 1), "with" | "to" | "met" | "emailed" | "called");
        let title_case = w.capital && raw.chars().skip(1).any(char::is_lowercase);
        let calendar =
            month(&w.lower).is_some() || weekday(w.lower.trim_end_matches('s')).is_some();
        let capitals = raw
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
        !is_vocab(&w.lower) && !calendar && !capitals && (title_case || after_verb)
    };
    let candidates: Vec<usize> = (0..p.len())
        .filter(|&i| {
            !skip.get(i).copied().unwrap_or(false)
                && !p.word(i).starts_with(|c: char| c.is_ascii_digit())
                && (within.is_some() || namelike(i))
        })
        .collect();
    let mut initials = [false; 256];
    for &i in &candidates {
        if let Some(b) = p.word(i).bytes().next() {
            initials[usize::from(b)] = true;
        }
    }
    // Across the book, when every candidate is part of a full name (`Bob Stone`), a stored
    // name of another length cannot match: its length is read without touching its text.
    let lengths = full_name_lengths(p, &candidates);
    let mut found = Vec::new();
    let mut scan = |a: &Account| {
        for s in &a.stakeholders {
            if within.is_none() && lengths.as_ref().is_some_and(|l| !l.contains(&s.name.len())) {
                continue;
            }
            if let Some((span, full)) = locate(p, &candidates, &initials, &s.name, within.is_none())
            {
                found.push(Known {
                    account: a.name.clone(),
                    name: s.name.clone(),
                    span,
                    full,
                });
            }
        }
    };
    match within {
        Some(a) => scan(a),
        None if !candidates.is_empty() => book.active().for_each(scan),
        None => {}
    }
    if found.iter().any(|k| k.full) {
        found.retain(|k| k.full);
    }
    found
}

/// The byte lengths of the full names the candidates spell (runs of two or three words), or
/// `None` when some candidate stands alone (a first name, which any length may start).
fn full_name_lengths(p: &Prompt, candidates: &[usize]) -> Option<Vec<usize>> {
    let mut lengths = Vec::new();
    let mut k = 0;
    while k < candidates.len() {
        let mut j = k + 1;
        while j < candidates.len() && candidates[j] == candidates[j - 1] + 1 && j - k < 3 {
            j += 1;
        }
        if j - k < 2 {
            return None;
        }
        let (a, b) = (&p.words[candidates[k]], &p.words[candidates[j - 1]]);
        lengths.push(
            p.text[a.start..b.end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .len(),
        );
        k = j;
    }
    Some(lengths)
}

/// Where `name` (or its first or last word alone) occurs among the candidate words. Across
/// the whole book only the first name counts (a full name starts with it), and a name is
/// looked at only when its initial starts a candidate word.
fn locate(
    p: &Prompt,
    candidates: &[usize],
    initials: &[bool; 256],
    name: &str,
    book_wide: bool,
) -> Option<(Range<usize>, bool)> {
    let bytes = name.as_bytes();
    if book_wide && !initials[usize::from(bytes.first()?.to_ascii_lowercase())] {
        return None;
    }
    let first_end = bytes.iter().position(|&b| b == b' ').unwrap_or(bytes.len());
    let last_start = bytes.iter().rposition(|&b| b == b' ').map_or(0, |i| i + 1);
    let (first, last) = (&name[..first_end], &name[last_start..]);
    let initial = |s: &str| {
        s.bytes()
            .next()
            .map_or(0, |b| usize::from(b.to_ascii_lowercase()))
    };
    if !initials[initial(first)] && (book_wide || !initials[initial(last)]) {
        return None;
    }
    for &i in candidates {
        let w = p.word(i);
        if w.eq_ignore_ascii_case(first) {
            let count = name.split_whitespace().count();
            let whole = name
                .split_whitespace()
                .enumerate()
                .all(|(k, part)| p.word(i + k).eq_ignore_ascii_case(part));
            if whole && count > 1 {
                return Some((i..i + count, true));
            }
            if !is_vocab(w) {
                return Some((i..i + 1, count == 1));
            }
        } else if !book_wide && last_start > 0 && w.eq_ignore_ascii_case(last) && !is_vocab(w) {
            return Some((i..i + 1, false));
        }
    }
    None
}

/// The role named in the prompt, as the parser spells it.
pub fn role(p: &Prompt) -> Option<(&'static str, usize)> {
    const ROLES: [(&str, &str); 16] = [
        ("economic buyer", "economic-buyer"),
        ("budget holder", "economic-buyer"),
        ("executive sponsor", "executive-sponsor"),
        ("exec sponsor", "executive-sponsor"),
        ("decision maker", "decision-maker"),
        ("end user", "end-user"),
        ("champion", "champion"),
        ("blocker", "blocker"),
        ("influencer", "influencer"),
        ("eb", "economic-buyer"),
        ("buyer", "economic-buyer"),
        ("sponsor", "executive-sponsor"),
        ("champ", "champion"),
        ("detractor-blocker", "blocker"),
        ("decision-maker", "decision-maker"),
        ("end-user", "end-user"),
    ];
    // `an influencer now, not a blocker`: a role denied is not the role.
    let denied = |i: usize| (1..=2).any(|back| i >= back && p.word(i - back) == "not");
    ROLES.iter().find_map(|(words, role)| {
        let words: Vec<&str> = words.split(' ').collect();
        (0..p.len())
            .filter(|&i| words.iter().enumerate().all(|(k, w)| p.word(i + k) == *w))
            .find(|&i| !denied(i))
            .map(|i| (*role, i))
    })
}

/// A job title: `CFO`, `VP Ops`, `Head of Procurement`, `title CFO`.
pub fn title(p: &Prompt, skip: &[bool]) -> Option<(String, Range<usize>)> {
    let free = |i: usize| !skip.get(i).copied().unwrap_or(false);
    let capital_run = |from: usize| {
        let mut j = from;
        while j < p.len()
            && j - from < 3
            && free(j)
            && p.words[j].capital
            && !p.words[j].after_break
        {
            j += 1;
        }
        j
    };
    for i in 0..p.len() {
        let raw = &p.text[p.words[i].start..p.words[i].end];
        if !free(i) {
            continue;
        }
        if is_chief(raw) {
            return Some((raw.to_string(), i..i + 1));
        }
        let lead = matches!(
            raw,
            "VP" | "SVP" | "EVP" | "AVP" | "Head" | "Director" | "Manager"
        );
        if lead || (p.word(i) == "vice" && p.word(i + 1) == "president") {
            // `Engineering Manager`, `Regional Sales Director`: capitalised words before the
            // lead word are part of the title.
            let mut start = i;
            while lead
                && start > 0
                && i - start < 3
                && free(start - 1)
                && p.words[start - 1].capital
                && !p.words[start].after_break
            {
                start -= 1;
            }
            let mut from = if lead { i + 1 } else { i + 2 };
            if p.word(from) == "of" {
                from += 1;
            }
            let end = capital_run(from);
            if end > from {
                return Some((p.slice(start..end).to_string(), start..end));
            }
            if start < i {
                return Some((p.slice(start..i + 1).to_string(), start..i + 1));
            }
        }
        if p.word(i) == "title" {
            // `title is Chief Operating Officer`, `title: VP Sales`, `title now CFO`.
            let from = (i + 1..p.len())
                .find(|&j| !matches!(p.word(j), "is" | "to" | "now" | "as" | "of"))
                .unwrap_or(p.len());
            if from < p.len() && free(from) {
                let mut end = capital_run(from).max(from + 1).min(p.len());
                // `title Head of Purchasing`: `of` joins two capitalised parts.
                if p.word(end) == "of" && p.words.get(end + 1).is_some_and(|w| w.capital) {
                    end = capital_run(end + 1).max(end + 2).min(p.len());
                }
                return Some((p.slice(from..end).to_string(), i..end));
            }
        }
    }
    None
}

/// `CFO`, `CEO`, `CISO`, `CHRO`.
fn is_chief(raw: &str) -> bool {
    (3..=4).contains(&raw.len())
        && raw.starts_with('C')
        && raw.ends_with('O')
        && raw.chars().all(|c| c.is_ascii_uppercase())
}

/// A new person's name: quoted, or a run of capitalised words that are not vocabulary, or the
/// words right after `add` (given in lower case: capitalised for them).
pub fn new_name(p: &Prompt, skip: &[bool]) -> Option<(String, Range<usize>)> {
    if let Some(quoted) = first_quoted(p.text) {
        let first = p.words.iter().position(|w| w.start > quoted.outer.start)?;
        let end = p
            .words
            .iter()
            .position(|w| w.start >= quoted.inner.end)
            .unwrap_or(p.len());
        return Some((p.text[quoted.inner].trim().to_string(), first..end));
    }
    let nameish = |i: usize| {
        let w = &p.words[i];
        !skip.get(i).copied().unwrap_or(false)
            && !is_vocab(&w.lower)
            && w.lower.chars().all(|c| c.is_alphabetic() || c == '-')
            && !is_chief(&p.text[w.start..w.end])
            && !matches!(w.lower.as_str(), "vp" | "svp" | "evp" | "ops")
    };
    for i in 0..p.len() {
        if !(p.words[i].capital && nameish(i)) {
            continue;
        }
        let mut j = i + 1;
        while j < p.len()
            && j - i < 3
            && p.words[j].capital
            && nameish(j)
            && !p.words[j].after_break
        {
            j += 1;
        }
        if j - i >= 2 || (i > 0 && p.word(i - 1) == "add") {
            return Some((p.slice(i..j).to_string(), i..j));
        }
    }
    let add = p.find("add")?;
    let mut j = add + 1;
    while j < p.len() && j - add <= 3 && nameish(j) && !p.words[j].after_break {
        j += 1;
    }
    (j > add + 1).then(|| (name_case(p.slice(add + 1..j)), add + 1..j))
}

/// The text of the first quoted phrase, in any quotation marks.
pub fn quoted(text: &str) -> Option<&str> {
    first_quoted(text).map(|q| &text[q.inner])
}
