//! Purpose: a prompt split into words — lower-cased, with byte spans into the original text,
//! possessives and clause breaks noted — and the small word tests every rule shares.

use std::ops::Range;

use crate::command::quotes::{is_apostrophe, is_quote_mark};

/// One word of a prompt.
#[derive(Debug, Clone)]
pub struct Word {
    /// Lower case, possessive `'s` and inner apostrophes removed (`didn't` → `didnt`).
    pub lower: String,
    /// Byte span in the original text, possessive suffix excluded.
    pub start: usize,
    pub end: usize,
    pub possessive: bool,
    /// Began with a capital letter as typed.
    pub capital: bool,
    /// A clause break (`,` `:` `;` ` - ` `.`) comes right before this word.
    pub after_break: bool,
}

/// A prompt ready for the rules.
#[derive(Debug)]
pub struct Prompt<'a> {
    pub text: &'a str,
    pub words: Vec<Word>,
    /// Index of the first word after the first `:` (free text often follows one).
    pub colon: Option<usize>,
}

/// `what's` is not a possessive.
const CONTRACTED: [&str; 13] = [
    "it", "that", "what", "who", "he", "she", "there", "here", "how", "where", "let", "when", "why",
];

/// How a character splits words: not at all, as a space, or as a clause break.
#[derive(PartialEq)]
enum Split {
    No,
    Space,
    Break,
}

fn split_at(c: char, prev: Option<char>, next: Option<char>) -> Split {
    let digits =
        prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
    let spaced = |x: Option<char>| x.is_none_or(char::is_whitespace);
    match c {
        c if c.is_whitespace() => Split::Space,
        ',' | ':' if digits => Split::No,
        ',' | ':' | ';' | '!' | '?' | '—' | '–' | '…' => Split::Break,
        '.' if spaced(next) => Split::Break,
        '-' if spaced(prev) && spaced(next) => Split::Break,
        '-' if prev.is_some_and(char::is_alphabetic) && next.is_some_and(char::is_alphabetic) => {
            Split::Space
        }
        '(' | ')' | '[' | ']' | '{' | '}' => Split::Space,
        // Apostrophes belong to words (`O’Brien`, `Acme's`); other quotation marks never do.
        c if is_quote_mark(c) && !is_apostrophe(c) => Split::Space,
        _ => Split::No,
    }
}

impl<'a> Prompt<'a> {
    pub fn new(text: &'a str) -> Prompt<'a> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let at = |i: usize| chars.get(i).map(|&(_, c)| c);
        let mut prompt = Prompt {
            text,
            words: Vec::new(),
            colon: None,
        };
        let mut pending_break = false;
        let mut i = 0;
        while i < chars.len() {
            let (pos, c) = chars[i];
            let split = split_at(c, i.checked_sub(1).and_then(at), at(i + 1));
            if split != Split::No {
                if split == Split::Break {
                    pending_break = true;
                    if c == ':' && prompt.colon.is_none() {
                        prompt.colon = Some(prompt.words.len());
                    }
                }
                i += 1;
                continue;
            }
            let mut j = i;
            if c == '<' {
                // A chat reference (`<@U123|jane>`) is one word, spaces and all.
                while j < chars.len() && chars[j].1 != '>' {
                    j += 1;
                }
                j = (j + 1).min(chars.len());
            }
            while j < chars.len()
                && split_at(chars[j].1, j.checked_sub(1).and_then(at), at(j + 1)) == Split::No
            {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(p, _)| p);
            prompt.push(pos, end, pending_break);
            pending_break = false;
            i = j;
        }
        prompt
    }

    fn push(&mut self, mut start: usize, mut end: usize, after_break: bool) {
        let text = self.text;
        while let Some(c) = text[start..end]
            .chars()
            .next()
            .filter(|&c| is_apostrophe(c))
        {
            start += c.len_utf8();
        }
        let mut possessive = false;
        let raw = &text[start..end];
        let lower_raw = raw.to_lowercase();
        for suffix in ["'s", "’s"] {
            if lower_raw.ends_with(suffix) && raw.len() > suffix.len() {
                let base = &lower_raw[..lower_raw.len() - suffix.len()];
                if !CONTRACTED.contains(&base) {
                    possessive = true;
                    end -= suffix.len();
                }
            }
        }
        while let Some(c) = text[start..end]
            .chars()
            .last()
            .filter(|&c| is_apostrophe(c) || c == '.')
        {
            possessive |= c != '.';
            end -= c.len_utf8();
        }
        if start >= end {
            return;
        }
        let lower: String = text[start..end]
            .chars()
            .filter(|&c| !is_apostrophe(c))
            .flat_map(char::to_lowercase)
            .collect();
        // `helth` reads as `health`; a capitalised word may be a name, and stays as typed.
        let typed_lower = text[start..end].starts_with(|c: char| c.is_lowercase());
        let lower = match super::vocab::keyword_typo(&lower).filter(|_| typed_lower) {
            Some(keyword) => keyword.to_string(),
            None => super::vocab::expanded(&lower).map_or(lower, str::to_string),
        };
        self.words.push(Word {
            lower,
            start,
            end,
            possessive,
            capital: text[start..end].starts_with(|c: char| c.is_uppercase()),
            after_break,
        });
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn word(&self, i: usize) -> &str {
        self.words.get(i).map_or("", |w| w.lower.as_str())
    }

    /// Index of the first word equal to `w`.
    pub fn find(&self, w: &str) -> Option<usize> {
        self.words.iter().position(|x| x.lower == w)
    }

    pub fn has(&self, w: &str) -> bool {
        self.find(w).is_some()
    }

    pub fn any(&self, ws: &[&str]) -> bool {
        self.words.iter().any(|x| ws.contains(&x.lower.as_str()))
    }

    /// Index of the first run of consecutive words equal to `ws` (a space-separated phrase).
    pub fn phrase(&self, ws: &str) -> Option<usize> {
        let parts: Vec<&str> = ws.split(' ').collect();
        (0..self.words.len()).find(|&i| {
            parts
                .iter()
                .enumerate()
                .all(|(k, part)| self.word(i + k) == *part)
        })
    }

    pub fn has_phrase(&self, ws: &str) -> bool {
        self.phrase(ws).is_some()
    }

    /// True when any of the phrases occurs.
    pub fn any_phrase(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.has_phrase(p))
    }

    /// The original text of words `range` (possessive suffix of the last excluded).
    pub fn slice(&self, range: Range<usize>) -> &'a str {
        match (
            self.words.get(range.start),
            range.end.checked_sub(1).and_then(|e| self.words.get(e)),
        ) {
            (Some(a), Some(b)) if range.start < range.end => &self.text[a.start..b.end],
            _ => "",
        }
    }

    /// The number of words before the first colon (all of them when there is none).
    pub fn head(&self) -> usize {
        self.colon.unwrap_or(self.words.len())
    }

    /// True when any word before the first colon is one of `ws`.
    pub fn head_any(&self, ws: &[&str]) -> bool {
        self.words[..self.head()]
            .iter()
            .any(|x| ws.contains(&x.lower.as_str()))
    }

    /// A request put politely: `can you …`, `could you …`, `please …`.
    pub fn is_polite(&self) -> bool {
        matches!(self.word(0), "please" | "pls" | "kindly")
            || (matches!(self.word(0), "can" | "could" | "would" | "will")
                && matches!(self.word(1), "you" | "u"))
    }

    /// A request to be shown something: `show me …`, `list …`, `pull up …`, `tell me …`.
    pub fn asks_to_see(&self) -> bool {
        const OPENERS: [&str; 9] = [
            "show", "list", "display", "view", "see", "tell", "pull", "find", "lookup",
        ];
        OPENERS.contains(&self.word(0))
            || (self.word(0) == "give" && matches!(self.word(1), "me" | "us"))
            || (matches!(self.word(0), "please" | "pls") && OPENERS.contains(&self.word(1)))
            || (self.is_polite() && OPENERS.contains(&self.word(2)))
    }

    /// Asked as a question rather than told.
    pub fn is_question(&self) -> bool {
        const OPENERS: [&str; 20] = [
            "what", "whats", "who", "whos", "which", "when", "where", "how", "hows", "is", "are",
            "does", "do", "did", "can", "could", "any", "why", "should", "has",
        ];
        self.text.contains('?') || OPENERS.contains(&self.word(0))
    }
}

/// Upper-cases the first letter of each word of a name typed all in lower case.
pub fn name_case(name: &str) -> String {
    if name.chars().any(char::is_uppercase) {
        return name.to_string();
    }
    name.split(' ')
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lows(text: &str) -> Vec<String> {
        Prompt::new(text)
            .words
            .into_iter()
            .map(|w| w.lower)
            .collect()
    }

    #[test]
    fn splits_words_keeping_values_whole() {
        assert_eq!(
            lows("Acme's NPS dropped to 5, usage 85%; $1,200,000 at 9:30"),
            [
                "acme",
                "nps",
                "dropped",
                "to",
                "5",
                "usage",
                "85%",
                "$1,200,000",
                "at",
                "9:30"
            ]
        );
        assert_eq!(
            lows("what's the at-risk list?"),
            ["whats", "the", "at", "risk", "list"]
        );
        assert_eq!(lows("due 2026-06-30 - ok."), ["due", "2026-06-30", "ok"]);
        assert_eq!(lows("to <@U1 | jane> now"), ["to", "<@u1 | jane>", "now"]);
        let p = Prompt::new("note for Initech: budget freeze");
        assert_eq!(p.colon, Some(3));
        assert!(!p.words[0].after_break && p.words[3].after_break);
        let p = Prompt::new("Pepper Potts's owner");
        assert!(p.words[1].possessive && p.slice(0..2) == "Pepper Potts");
    }

    #[test]
    fn names_typed_in_lower_case_get_capitals() {
        assert_eq!(name_case("jane doe"), "Jane Doe");
        assert_eq!(name_case("Li Wei"), "Li Wei");
    }
}
