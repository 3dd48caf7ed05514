//! Purpose: quotation marks of every keyboard — straight `"` `'`, curly “ ” ‘ ’, low „ ‚ and
//! guillemets « » ‹ › — which marks close a quote each one opens, and where a quoted phrase
//! begins and ends. The command lexer and the prompt reader read quotes only through here.
//!
//! A mark that is also an ordinary character — an apostrophe (`'` `‘` `’`), an arrow (`»` `›`)
//! — opens a quote only where one can start (before a visible character; an apostrophe only at
//! the start of a word), and an apostrophe closes one only at the end of a word, so `Acme's`,
//! `O’Brien` and `step › next` stay as typed.

use std::ops::Range;

/// One opening mark and the marks that close it. `strict`: the mark is only ever a quotation
/// mark, so one left unclosed is a mistake to point out; otherwise it is also an ordinary
/// character, and reads as one where no quote can start or none is closed.
struct Pair {
    open: char,
    close: &'static [char],
    strict: bool,
}

/// Every opening mark. English “…” ‘…’, German „…“ ‚…‘, Polish „…”, Swedish ”…” ’…’,
/// French and Swiss «…» ‹…›, Danish »…« ›…‹, and straight quotes as typed on any keyboard.
#[rustfmt::skip]
const PAIRS: [Pair; 12] = [
    Pair { open: '"', close: &['"'], strict: true },
    Pair { open: '“', close: &['”'], strict: true },
    Pair { open: '”', close: &['”'], strict: true },
    Pair { open: '„', close: &['“', '”'], strict: true },
    Pair { open: '«', close: &['»'], strict: true },
    Pair { open: '‹', close: &['›'], strict: true },
    Pair { open: '»', close: &['«', '»'], strict: false },
    Pair { open: '›', close: &['‹', '›'], strict: false },
    Pair { open: '\'', close: &['\''], strict: false },
    Pair { open: '‘', close: &['’'], strict: false },
    Pair { open: '’', close: &['’'], strict: false },
    Pair { open: '‚', close: &['‘', '’'], strict: false },
];

fn pair(open: char) -> Option<&'static Pair> {
    PAIRS.iter().find(|p| p.open == open)
}

/// Any quotation mark, opening or closing.
pub fn is_quote_mark(c: char) -> bool {
    PAIRS.iter().any(|p| p.open == c || p.close.contains(&c))
}

/// A quotation mark that is also written inside words as an apostrophe.
pub fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '‘' | '’')
}

/// Whether `open`, left without its closing mark, is a mistake rather than a character.
pub fn must_close(open: char) -> bool {
    pair(open).is_some_and(|p| p.strict)
}

/// The mark that closes a quote opened with `open` (the first, where several do).
pub fn close_of(open: char) -> char {
    pair(open)
        .and_then(|p| p.close.first().copied())
        .unwrap_or(open)
}

/// Whether `c` closes a quote opened with `open`.
pub fn closes(open: char, c: char) -> bool {
    pair(open).is_some_and(|p| p.close.contains(&c))
}

/// A quoted phrase in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    /// Byte range of the phrase, marks included.
    pub outer: Range<usize>,
    /// Byte range between the marks.
    pub inner: Range<usize>,
}

/// The quoted phrase whose opening mark is at byte `at` of `text`, if that character opens a
/// quote there and its closing mark follows. `None` for an index off a character boundary.
pub fn quote_at(text: &str, at: usize) -> Option<Quoted> {
    let open = text.get(at..)?.chars().next()?;
    let pair = pair(open)?;
    if !pair.strict && !may_open(text, at, open) {
        return None;
    }
    let from = at + open.len_utf8();
    let mut prev = open;
    for (i, c) in text[from..].char_indices() {
        let at_close = from + i;
        if pair.close.contains(&c) && (!is_apostrophe(c) || word_end(text, prev, at_close, c)) {
            return Some(Quoted {
                outer: at..at_close + c.len_utf8(),
                inner: from..at_close,
            });
        }
        prev = c;
    }
    None
}

/// An apostrophe-like mark at `at` closes only at the end of a word: after a visible
/// character, before anything but a letter or digit.
fn word_end(text: &str, prev: char, at: usize, mark: char) -> bool {
    let next = text[at + mark.len_utf8()..].chars().next();
    !prev.is_whitespace() && next.is_none_or(|c| !c.is_alphanumeric())
}

/// The first quoted phrase of `text`. Opening marks left unclosed are passed over; each kind
/// of mark is searched for its closing mark at most once, so this is linear in the text.
pub fn first_quoted(text: &str) -> Option<Quoted> {
    let mut unclosed = [false; PAIRS.len()];
    for (at, c) in text.char_indices() {
        let Some(k) = PAIRS.iter().position(|p| p.open == c) else {
            continue;
        };
        if unclosed[k] {
            continue;
        }
        match quote_at(text, at) {
            Some(q) => return Some(q),
            // A mark where no quote can start says nothing about the marks after it.
            None if !PAIRS[k].strict && !may_open(text, at, c) => {}
            None => unclosed[k] = true,
        }
    }
    None
}

/// Whether a mark that is also an ordinary character opens a quote at `at`: before a visible
/// character, and an apostrophe only at the start of a word (after no letter or digit).
fn may_open(text: &str, at: usize, mark: char) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at + mark.len_utf8()..].chars().next();
    after.is_some_and(|c| !c.is_whitespace())
        && (!is_apostrophe(mark) || before.is_none_or(|c| !c.is_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(text: &str) -> Option<&str> {
        first_quoted(text).map(|q| &text[q.inner])
    }

    #[test]
    fn every_keyboard_s_quotes() {
        for (text, expected) in [
            ("how is \"Acme Corp\" doing?", "Acme Corp"),
            ("how is “Acme Corp” doing?", "Acme Corp"),
            ("wie geht es „Acme Corp“?", "Acme Corp"),
            ("jak się ma „Acme Corp”?", "Acme Corp"),
            ("hur går det för ”Acme Corp”?", "Acme Corp"),
            ("comment va «Acme Corp» ?", "Acme Corp"),
            ("comment va « Acme Corp » ?", " Acme Corp "),
            ("wie geht es ‹Acme Corp›?", "Acme Corp"),
            ("hvordan går det med »Acme Corp«?", "Acme Corp"),
            ("how is 'Acme Corp' doing?", "Acme Corp"),
            ("how is ‘Acme Corp’ doing?", "Acme Corp"),
            ("wie geht es ‚Acme Corp‘?", "Acme Corp"),
            ("how is ‘O’Brien & Sons’ doing?", "O’Brien & Sons"),
            ("how is 'Acme's Team' doing?", "Acme's Team"),
        ] {
            assert_eq!(inner(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn apostrophes_inside_words_open_nothing() {
        for text in [
            "Acme's renewal",
            "O’Brien at Acme",
            "the customers' plan",
            "rock ' n ' roll",
            "Acme's and Globex's",
            "step › next › done",
        ] {
            assert_eq!(first_quoted(text), None, "{text}");
        }
        // An apostrophe inside a word before a real quote does not hide it.
        assert_eq!(inner("Acme's champion 'Jane Doe' left"), Some("Jane Doe"));
    }

    #[test]
    fn unclosed_marks_are_passed_over() {
        assert_eq!(inner("“Acme and \"Globex\""), Some("Globex"));
        assert_eq!(inner("“Acme"), None);
        assert_eq!(first_quoted(""), None);
        assert!(must_close('«') && !must_close('»') && !must_close('\''));
        assert!(closes('„', '“') && !closes('“', '"'));
    }

    #[test]
    fn ranges_point_into_the_text() {
        let text = "é «Ünïcödé» x";
        let q = quote_at(text, 3).expect("quoted");
        assert_eq!(&text[q.outer.clone()], "«Ünïcödé»");
        assert_eq!(&text[q.inner], "Ünïcödé");
        assert_eq!(quote_at(text, 1), None, "off a character boundary");
        assert_eq!(quote_at(text, 0), None, "not a quotation mark");
    }
}
