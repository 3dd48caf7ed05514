//! Purpose: find the account a prompt names — exactly (any case, possessive), by a unique
//! prefix (`Acme` for `Acme Corp`), or with a typo or two (`Acmee`, `Globx`). Exact word
//! n-grams go through `Book::by_name` (hash lookups); only when none hits is the book scanned,
//! once for prefixes and once more, first letter and length filtered, for typos.

use std::ops::Range;

use super::typo::distance;
use super::vocab::is_vocab;
use super::words::Prompt;
use crate::domain::book::Book;

/// How a name was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    Exact,
    Prefix,
    Typo,
}

/// What the prompt says about accounts.
#[derive(Debug, Clone, PartialEq)]
pub enum Named {
    None,
    One {
        name: String,
        span: Range<usize>,
        how: How,
    },
    /// Several accounts fit the same words.
    Several {
        span: Range<usize>,
        names: Vec<String>,
    },
}

/// The longest name tried, in words.
const MAX_WORDS: usize = 5;
/// At most this many candidates are kept for a clarifying question.
const MAX_CANDIDATES: usize = 4;

/// Finds the account named in `p`, ignoring words marked in `skip` (numbers, mentions): an
/// exact name first, then (one pass over the book) a prefix or a typo.
pub fn find(p: &Prompt, book: &Book, skip: &[bool]) -> Named {
    match exact(p, book, skip) {
        Named::None => fuzzy(p, book, skip),
        named => named,
    }
}

/// Exact names only: word n-grams looked up with `Book::by_name`, longest first.
pub fn exact(p: &Prompt, book: &Book, skip: &[bool]) -> Named {
    let skipped = |r: Range<usize>| r.into_iter().any(|i| skip.get(i).copied().unwrap_or(false));
    let mut exact: Vec<(String, Range<usize>)> = Vec::new();
    let mut covered = vec![false; p.len()];
    for n in (1..=MAX_WORDS.min(p.len())).rev() {
        for i in 0..=p.len() - n {
            let span = i..i + n;
            if skipped(span.clone()) || covered[span.clone()].iter().any(|c| *c) {
                continue;
            }
            let w = &p.words[i];
            if n == 1 && is_vocab(&w.lower) && !w.capital {
                continue;
            }
            let key = collapse(p.slice(span.clone()));
            if let Some(account) = book.by_name(&key) {
                covered[span.clone()].iter_mut().for_each(|c| *c = true);
                if !exact.iter().any(|(name, _)| *name == account.name) {
                    exact.push((account.name.clone(), span));
                }
            }
        }
    }
    match exact.len() {
        0 => Named::None,
        1 => {
            let (name, span) = exact.remove(0);
            Named::One {
                name,
                span,
                how: How::Exact,
            }
        }
        _ => {
            let span = exact[0].1.start..exact[exact.len() - 1].1.end;
            let names = exact.into_iter().map(|(n, _)| n).collect();
            Named::Several { span, names }
        }
    }
}

/// A unique prefix (`Acme` for `Acme Corp`) or a close typo (`Acmee`), in one pass.
pub fn fuzzy(p: &Prompt, book: &Book, skip: &[bool]) -> Named {
    let runs = candidate_runs(p, skip);
    if runs.is_empty() {
        return Named::None;
    }
    let (prefix, typo) = scan(p, book, &runs);
    match (&prefix, &typo) {
        (Named::One { .. }, _) | (Named::Several { .. }, Named::None) => prefix,
        (Named::None, _) => typo,
        (Named::Several { names, .. }, Named::One { name, .. }) if names.contains(name) => typo,
        _ => prefix,
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Runs of up to three consecutive words that could be (part of) a name.
fn candidate_runs(p: &Prompt, skip: &[bool]) -> Vec<Range<usize>> {
    let ok = |i: usize| {
        let w = &p.words[i];
        !skip.get(i).copied().unwrap_or(false)
            && !is_vocab(&w.lower)
            && w.lower.chars().count() >= 3
            && w.lower.chars().next().is_some_and(char::is_alphanumeric)
            && !w
                .lower
                .contains(|c: char| c.is_ascii_digit() || c == '/' || c == '@')
    };
    let mut runs = Vec::new();
    let mut i = 0;
    while i < p.len() {
        if !ok(i) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < p.len()
            && j - i < 3
            && ok(j)
            && !p.words[j].after_break
            && !p.words[j - 1].possessive
        {
            j += 1;
        }
        runs.push(i..j);
        i = j;
    }
    runs
}

/// True when `name` starts with `phrase` (ASCII case-insensitively) at a sensible boundary.
fn has_prefix(name: &[u8], phrase: &[u8]) -> bool {
    name.len() > phrase.len()
        && name[..phrase.len()].eq_ignore_ascii_case(phrase)
        && (phrase.len() >= 4 || name[phrase.len()] == b' ')
}

/// Edits allowed for a word of this many letters.
fn allowed(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=5 => 1,
        _ => 2,
    }
}

/// One pass over the book for both prefix and typo matches. Only names whose first letter
/// starts some candidate phrase are looked at further; the typo distance is bounded and
/// allocation-free, so a pass over 10,000 names stays well under a millisecond.
fn scan(p: &Prompt, book: &Book, runs: &[Range<usize>]) -> (Named, Named) {
    // Every sub-phrase of a run, longest first from each word: `stark retail` before `stark`,
    // and `vandelay` in `hand vandelay` (a verb the vocabulary lacks, then the name).
    let mut prefixes: Vec<(Range<usize>, String)> = Vec::new();
    for run in runs {
        for start in run.clone() {
            for end in (start + 1..=run.end).rev() {
                prefixes.push((start..end, collapse(p.slice(start..end))));
            }
        }
    }
    // Typos: whole runs only (`alice wong` is tried, `alice` alone is likely a person).
    let typos: Vec<(Range<usize>, String)> = runs
        .iter()
        .map(|run| (run.clone(), collapse(p.slice(run.clone()))))
        .filter(|(_, phrase)| phrase.len() >= 4)
        .collect();
    let mut initials = [false; 256];
    for (_, phrase) in prefixes.iter().chain(&typos) {
        if let Some(&b) = phrase.as_bytes().first() {
            initials[usize::from(b.to_ascii_lowercase())] = true;
        }
    }
    let mut hits: Vec<Vec<&str>> = vec![Vec::new(); prefixes.len()];
    // (distance, matched only the first word, name, span): closest, then whole names, win.
    let mut close: Vec<(usize, bool, &str, Range<usize>)> = Vec::new();
    for account in book.accounts() {
        let name = account.name.as_bytes();
        match name.first() {
            Some(&b) if initials[usize::from(b.to_ascii_lowercase())] => {}
            _ => continue,
        }
        for (k, (_, phrase)) in prefixes.iter().enumerate() {
            if hits[k].len() <= MAX_CANDIDATES && has_prefix(name, phrase.as_bytes()) {
                hits[k].push(account.name.as_str());
            }
        }
        let first_word = name
            .iter()
            .position(|&c| c == b' ')
            .map_or(name, |i| &name[..i]);
        for (span, phrase) in &typos {
            let phrase = phrase.as_bytes();
            if !phrase[0].eq_ignore_ascii_case(&name[0]) {
                continue;
            }
            let max = allowed(phrase.len());
            let whole = distance(phrase, name, max).map(|d| (d, false));
            let part = || {
                distance(phrase, first_word, max)
                    .filter(|_| first_word.len() < name.len())
                    .map(|d| (d, true))
            };
            if let Some((d, partial)) = whole.or_else(part).filter(|(d, _)| *d > 0) {
                close.push((d, partial, account.name.as_str(), span.clone()));
            }
        }
    }
    (prefix_result(&prefixes, &hits), typo_result(close))
}

fn prefix_result(phrases: &[(Range<usize>, String)], hits: &[Vec<&str>]) -> Named {
    let best = phrases
        .iter()
        .zip(hits)
        .filter(|(_, h)| !h.is_empty())
        .max_by_key(|((span, _), h)| (span.len(), usize::from(h.len() == 1)));
    match best {
        None => Named::None,
        Some(((span, _), h)) if h.len() == 1 => Named::One {
            name: h[0].to_string(),
            span: span.clone(),
            how: How::Prefix,
        },
        Some(((span, _), h)) => {
            let mut names: Vec<String> = h.iter().map(|s| s.to_string()).collect();
            names.sort();
            names.truncate(MAX_CANDIDATES);
            Named::Several {
                span: span.clone(),
                names,
            }
        }
    }
}

fn typo_result(mut close: Vec<(usize, bool, &str, Range<usize>)>) -> Named {
    close.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
    let mut seen: Vec<&str> = Vec::new();
    close.retain(|c| {
        let new = !seen.contains(&c.2);
        seen.push(c.2);
        new
    });
    match close.as_slice() {
        [] => Named::None,
        [a] => Named::One {
            name: a.2.to_string(),
            span: a.3.clone(),
            how: How::Typo,
        },
        [a, b, ..] if (a.0, a.1) < (b.0, b.1) => Named::One {
            name: a.2.to_string(),
            span: a.3.clone(),
            how: How::Typo,
        },
        [a, ..] => Named::Several {
            span: a.3.clone(),
            names: close
                .iter()
                .filter(|c| (c.0, c.1) == (a.0, a.1))
                .take(MAX_CANDIDATES)
                .map(|c| c.2.to_string())
                .collect(),
        },
    }
}
