//! Purpose: split command text into tokens — words, quoted phrases (in the quotation marks
//! of [`super::quotes`]: `"…"`, `“…”`, `„…“`, `«…»`, `'…'` …), `key:value` and
//! `key:"quoted value"`, and `<…>` chat references — keeping each token's place in the line
//! so free text can be taken verbatim.

use super::error::ParseError;
use super::quotes::{must_close, quote_at};

/// The longest command line accepted, in characters.
pub const MAX_LINE: usize = 4000;

/// One token of a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// `Some("arr")` for `arr:50k`.
    pub key: Option<String>,
    /// The value with quotes removed.
    pub value: String,
    /// Byte range of the token in the line.
    pub start: usize,
    pub end: usize,
    /// The whole token was one quoted phrase.
    pub quoted: bool,
}

/// Splits a line into tokens. Rejects over-long lines, control characters and unbalanced quotes.
pub fn tokenize(line: &str) -> Result<Vec<Token>, ParseError> {
    let len = line.chars().count();
    if len > MAX_LINE {
        return Err(ParseError::TooLong { len });
    }
    if let Some(c) = line.chars().find(|c| c.is_control() && *c != '\t') {
        return Err(ParseError::ControlCharacter { code: c as u32 });
    }
    let mut tokens = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut value = String::new();
        let mut quoted_parts = 0;
        let mut plain_parts = 0;
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            end = i + c.len_utf8();
            if let Some(quote) = quote_at(line, i) {
                quoted_parts += 1;
                value.push_str(&line[quote.inner]);
                end = quote.outer.end;
                while chars.next_if(|&(j, _)| j < end).is_some() {}
            } else if must_close(c) {
                return Err(ParseError::UnbalancedQuote);
            } else if c == '<' {
                plain_parts += 1;
                value.push(c);
                for (j, q) in chars.by_ref() {
                    end = j + q.len_utf8();
                    value.push(q);
                    if q == '>' {
                        break;
                    }
                }
            } else {
                plain_parts += 1;
                value.push(c);
            }
        }
        tokens.push(split_key(
            value,
            start,
            end,
            quoted_parts > 0 && plain_parts == 0,
            &line[start..end],
        ));
    }
    Ok(tokens)
}

/// `arr:50k` → key `arr`, value `50k`; only an unquoted leading `word:` is a key.
fn split_key(value: String, start: usize, end: usize, quoted: bool, raw: &str) -> Token {
    let key_len = raw
        .find(':')
        .filter(|&i| {
            i > 0
                && raw[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .filter(|_| raw.starts_with(|c: char| c.is_ascii_alphabetic()));
    match key_len {
        Some(i) => Token {
            key: Some(raw[..i].to_ascii_lowercase()),
            value: value[i + 1..].to_string(),
            start,
            end,
            quoted: false,
        },
        None => Token {
            key: None,
            value,
            start,
            end,
            quoted,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token as (key, value).
    type Shape = (Option<String>, String);

    fn shape(line: &str) -> Vec<Shape> {
        tokenize(line)
            .expect("lexes")
            .into_iter()
            .map(|t| (t.key, t.value))
            .collect()
    }

    fn word(v: &str) -> Shape {
        (None, v.into())
    }

    fn kv(k: &str, v: &str) -> Shape {
        (Some(k.into()), v.into())
    }

    #[test]
    fn table() {
        let cases: Vec<(&str, Vec<Shape>)> = vec![
            (
                "add Acme arr:50k",
                vec![word("add"), word("Acme"), kv("arr", "50k")],
            ),
            (
                "add \"Acme Corp\" arr:$1.2M",
                vec![word("add"), word("Acme Corp"), kv("arr", "$1.2M")],
            ),
            (
                "set X title:\"VP Ops\"",
                vec![word("set"), word("X"), kv("title", "VP Ops")],
            ),
            ("“Acme Corp” ok", vec![word("Acme Corp"), word("ok")]),
            ("time:09:00", vec![kv("time", "09:00")]),
            ("ARR:5", vec![kv("arr", "5")]),
            ("owner:<@U123|jane>", vec![kv("owner", "<@U123|jane>")]),
            ("<@U1 | x> y", vec![word("<@U1 | x>"), word("y")]),
            ("Acme's   notes", vec![word("Acme's"), word("notes")]),
            (":x 1:y", vec![word(":x"), word("1:y")]),
            ("", vec![]),
        ];
        for (line, expected) in cases {
            assert_eq!(shape(line), expected, "{line}");
        }
    }

    #[test]
    fn quotes_of_every_keyboard() {
        let cases: Vec<(&str, Vec<Shape>)> = vec![
            (
                "show “Acme Corp” x",
                vec![word("show"), word("Acme Corp"), word("x")],
            ),
            (
                "show „Acme Corp“ x",
                vec![word("show"), word("Acme Corp"), word("x")],
            ),
            (
                "show „Acme Corp” x",
                vec![word("show"), word("Acme Corp"), word("x")],
            ),
            (
                "show ”Acme Corp” x",
                vec![word("show"), word("Acme Corp"), word("x")],
            ),
            (
                "show «Acme Corp» x",
                vec![word("show"), word("Acme Corp"), word("x")],
            ),
            (
                "show ‹Acme Corp› x",
                vec![word("show"), word("Acme Corp"), word("x")],
            ),
            (
                "show »Acme Corp« x",
                vec![word("show"), word("Acme Corp"), word("x")],
            ),
            (
                "show 'Acme Corp' x",
                vec![word("show"), word("Acme Corp"), word("x")],
            ),
            (
                "show ‘Acme Corp’ x",
                vec![word("show"), word("Acme Corp"), word("x")],
            ),
            (
                "show ‚Acme Corp‘ x",
                vec![word("show"), word("Acme Corp"), word("x")],
            ),
            ("title:«VP Ops»", vec![kv("title", "VP Ops")]),
            ("title:'VP Ops'", vec![kv("title", "VP Ops")]),
            // Quotation marks of another kind are text inside a quote.
            ("“The \"A\" Team”", vec![word("The \"A\" Team")]),
            ("\"Acme “Big” Corp\"", vec![word("Acme “Big” Corp")]),
            // Apostrophes inside words open nothing; a quote may hold them.
            ("O’Brien's notes", vec![word("O’Brien's"), word("notes")]),
            ("'O'Brien Ltd' x", vec![word("O'Brien Ltd"), word("x")]),
            ("‘O’Brien Ltd’ x", vec![word("O’Brien Ltd"), word("x")]),
            ("'tis x", vec![word("'tis"), word("x")]),
            (
                "a › b › c",
                vec![word("a"), word("›"), word("b"), word("›"), word("c")],
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(shape(line), expected, "{line}");
        }
    }

    #[test]
    fn spans_point_into_the_line() {
        let line = "log Acme called \"the CFO\" type:call";
        let tokens = tokenize(line).expect("lexes");
        assert_eq!(&line[tokens[3].start..tokens[3].end], "\"the CFO\"");
        assert!(tokens[3].quoted);
    }

    #[test]
    fn rejects_bad_lines() {
        for line in ["add \"Acme", "add «Acme", "add „Acme", "add “Acme\""] {
            assert_eq!(tokenize(line), Err(ParseError::UnbalancedQuote), "{line}");
        }
        assert!(matches!(
            tokenize(&"x".repeat(10_000)),
            Err(ParseError::TooLong { len: 10_000 })
        ));
        // The limit counts characters, as the message says, not bytes.
        assert!(tokenize(&format!("log “{}”", "é".repeat(3000))).is_ok());
        assert_eq!(
            tokenize(&"“".repeat(4001)),
            Err(ParseError::TooLong { len: 4001 })
        );
        assert!(matches!(
            tokenize("add \u{7}x"),
            Err(ParseError::ControlCharacter { code: 7 })
        ));
    }
}
