//! Purpose: hostile text for the property tests — arbitrary Unicode, and text built from a
//! vocabulary of what breaks byte-indexed or overflowing code: quotation marks of every
//! keyboard, combining marks, right-to-left and zero-width characters, emoji sequences,
//! control characters, huge numbers, impossible dates, command and prompt words — now and
//! then 100 KB long.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::fmt::Debug;

/// Pieces hostile text is built from.
#[rustfmt::skip]
const VOCABULARY: &[&str] = &[
    // Quotation marks of every keyboard, and apostrophes.
    "\"", "'", "“", "”", "‘", "’", "„", "‚", "«", "»", "‹", "›", "`",
    // Combining marks, direction marks and overrides, joiners, emoji, odd widths.
    "\u{301}", "e\u{301}", "\u{200F}", "\u{202E}", "\u{200D}", "\u{200B}", "\u{FEFF}", "👩‍👩‍👧",
    "🇩🇪", "ﷺ", "𝔄", "İ", "ß", "Σ", "ǅ", "\u{10FFFF}",
    // Control characters and line ends.
    "\u{0}", "\u{7}", "\u{1B}", "\u{7F}", "\u{85}", "\n", "\r\n", "\t",
    // Punctuation the readers split on.
    " ", "  ", ":", ";", ",", ".", "?", "!", "-", "—", "–", "…", "/", "|", "<", ">", "@", "#",
    "$", "%", "(", ")", "[", "]", "=", "&", "+", "*", "\\",
    // Numbers: huge, negative, fractional, not a number.
    "0", "1", "7", "09", "-1", "1.5", "1e400", "NaN", "inf", "255", "65536", "2147483648",
    "1431655766", "4294967295", "4294967296", "9223372036854775808", "18446744073709551616",
    "99999999999999999999999", "$1,200,000", "1,20,000", "50k", "$-5k", "2.5M", "1B", "85%",
    "140%", "9:61pm", "25:00", "12am", "0:00",
    // Dates real and impossible.
    "2026-02-30", "2027-03-31", "0000-01-01", "+99999999999d", "+90d", "12/31/99999",
    "4294967295/1/1", "6/30", "31/2/2027", "in 30 days",
    // Command words.
    "/account", "/stakeholder", "/health", "/renewal", "/plan", "/steward", "/qbr", "/expansion",
    "/atrisk", "/portfolio", "/digest", "add", "set", "show", "list", "log", "remove", "history",
    "arr:", "renewal:", "nps:", "usage:", "owner:", "role:", "title:", "page:", "days:",
    "target:", "current:", "due:", "within:", "tier:", "type:", "<@U1|jane>", "<@!42>", "@here",
    "<#C1>", "<@", "ask",
    // Prompt words and names.
    "how is", "doing", "Acme", "Acme Corp", "acme's", "Acme’s", "O’Brien", "Jane Doe", "Tom Tom",
    "Globex", "the CFO", "champion", "exec sponsor", "NPS", "dropped to", "renews", "next",
    "quarters", "weeks", "days", "years", "months", "a", "in", "at", "by", "to", "with", "not",
    "goal", "risk", "mitigation", "metric", "action", "done", "extend", "churned because",
    "timezone", "Europe/Berlin", "currency", "fiscal year starts in", "digest every", "undo",
    "why:", "why?", "business hours", "mon-fri", "Monday to Friday", "08:00-18:00", "09:00 to",
    "write key called", "revoke the", "core feature", "event", "link this channel", "unlink",
    "channels", "euros", "New York time", "manager", "in salesforce", "how do I", "email",
    "influence", "sentiment", "owned by", "seats", "zendesk secret",
    // Outside ids.
    "domain", "website", "crm id", "salesforce id", "crm:", "domain:", "acme.com", "www.",
    "https://", "none",
];

fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(VOCABULARY)
}

/// Hostile text: mostly short, now and then about 100 KB.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => any::<String>(),
        8 => prop::collection::vec(piece(), 0..40).prop_map(|p| p.concat()),
        8 => prop::collection::vec(piece(), 0..20).prop_map(|p| p.join(" ")),
        6 => prop::collection::vec(
            prop_oneof![piece().prop_map(str::to_string), any::<String>()],
            0..12
        )
        .prop_map(|p| p.join(" ")),
        1 => (prop::collection::vec(piece(), 1..8), any::<String>()).prop_map(|(p, s)| {
            let unit = format!("{}{s}", p.concat());
            unit.repeat(100_000 / unit.len().max(1) + 1)
        }),
    ]
}

/// Hostile text up to `max` bytes (cut on a character boundary).
pub fn short_text(max: usize) -> impl Strategy<Value = String> {
    text().prop_map(move |mut s| {
        let mut end = s.len().min(max);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s
    })
}

/// Hostile bytes: any bytes, or hostile text's bytes with a few replaced by invalid UTF-8.
pub fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..400),
        (
            text(),
            prop::collection::vec((any::<prop::sample::Index>(), 0x80u8..), 0..4)
        )
            .prop_map(|(s, bad)| {
                let mut b = s.into_bytes();
                for (at, byte) in bad {
                    if !b.is_empty() {
                        let i = at.index(b.len());
                        b[i] = byte;
                    }
                }
                b
            }),
    ]
}

/// `default` cases, or `PROPTEST_CASES` when set (`PROPTEST_CASES=100000 cargo test hostile`).
pub fn cases(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        ..Config::default()
    }
}

/// Runs `test` on `default` cases of `strategy` (or `PROPTEST_CASES`), for properties that
/// share an expensive fixture (a store) across cases; a failure is shrunk and reported.
pub fn run<S: Strategy>(
    default: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: Debug,
{
    if let Err(failure) = TestRunner::new(cases(default)).run(&strategy, test) {
        panic!("{failure}");
    }
}
