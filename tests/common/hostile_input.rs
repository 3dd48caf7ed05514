//! Hostile input for the soak run (`tests/bench/hostile.rs`): text a phone, a paste or an
//! attacker produces — every kind of quote a keyboard types, combining marks, right-to-left
//! and zero-width characters, emoji sequences, control characters, option words, extreme
//! numbers, any code point, now and then 100 KB — and JSON with wrong types put in its
//! fields. Drawn from a seeded generator, so a run repeats.

use proptest::prelude::Rng;
use proptest::test_runner::TestRng;
use serde_json::{json, Value};

/// Pieces text is made of.
const PIECES: &[&str] = &[
    "Acme Corp",
    "Globex",
    "how is",
    "show",
    "add",
    "remove",
    "who owns",
    "what's our NRR?",
    "\"",
    "'",
    "“",
    "”",
    "‘",
    "’",
    "„",
    "‚",
    "«",
    "»",
    "‹",
    "›",
    "\u{301}",
    "\u{200F}",
    "\u{202E}",
    "\u{200D}",
    "\u{FEFF}",
    "👩\u{200D}👩\u{200D}👧",
    "🇺🇳",
    "\u{0}",
    "\u{7}",
    "\u{1B}[31m",
    "\t",
    " ",
    "  ",
    "arr:",
    "renewal:",
    "nps:",
    "role:",
    "page:",
    "day:",
    "within:",
    "50k",
    "$1.2M",
    "+90d",
    "-1",
    "99999999999999999999",
    "1e308",
    "NaN",
    "%",
    "<@U1>",
    "<!channel>",
    "@everyone",
    "<#C1|x>",
    "é",
    "ß",
    "İ",
    "ﬁ",
    "ǅ",
    "\\",
    "`",
    "*",
    "_",
    "~",
    ":",
    "::",
    "=",
    "&",
    "<",
    ">",
    "{",
    "}",
    "[",
    "]",
];

pub fn below(rng: &mut TestRng, n: usize) -> usize {
    (rng.next_u64() % n.max(1) as u64) as usize
}

/// A hostile piece of text.
pub fn text(rng: &mut TestRng) -> String {
    if below(rng, 500) == 0 {
        return "“Acme ".repeat(100 * 1024 / 7);
    }
    let mut out = String::new();
    for _ in 0..below(rng, 12) {
        if below(rng, 4) == 0 {
            let any = char::from_u32(below(rng, 0x11_0000) as u32).unwrap_or('\u{FFFD}');
            out.push(any);
        } else {
            out.push_str(PIECES[below(rng, PIECES.len())]);
        }
    }
    out
}

/// A value of a random JSON type, or text.
fn wrong_value(rng: &mut TestRng) -> Value {
    match below(rng, 8) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(-1),
        3 => json!(i64::MIN),
        4 => json!(1e308),
        5 => json!([text(rng)]),
        6 => json!({"x": text(rng)}),
        _ => json!(text(rng)),
    }
}

/// `value` with a few of its fields (at any depth) given a wrong type, removed, or left be.
pub fn mutate_json(mut value: Value, rng: &mut TestRng) -> Value {
    for _ in 0..below(rng, 4) {
        mutate_once(&mut value, rng);
    }
    value
}

fn mutate_once(value: &mut Value, rng: &mut TestRng) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[below(rng, keys.len())];
            match below(rng, 4) {
                0 => {
                    map.remove(key);
                }
                1 => {
                    map.insert(key.clone(), wrong_value(rng));
                }
                _ => {
                    if let Some(inner) = map.get_mut(key) {
                        mutate_once(inner, rng);
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = below(rng, items.len());
            mutate_once(&mut items[i], rng);
        }
        other => *other = wrong_value(rng),
    }
}
