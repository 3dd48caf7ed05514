//! Purpose: the values a prompt carries — numbers with their units (`85%`, `$50k`, `1.2M`,
//! `#7`), chat-user mentions — and which field a number belongs to (`NPS dropped to 5`,
//! `4 core features`, `95% of their success targets`).

use super::vocab::number_word;
use super::words::Prompt;
use crate::command::value::read_user;
use crate::domain::money::Money;
use crate::domain::person::Person;

/// A number in the prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Num {
    /// Index of its word.
    pub word: usize,
    pub value: f64,
    pub percent: bool,
    /// Written as money (`$`, `k`, `M`): the amount.
    pub money: Option<u64>,
    /// `#7`.
    pub hash: bool,
}

impl Num {
    /// A whole, non-negative number.
    pub fn whole(&self) -> Option<u32> {
        (self.value >= 0.0 && self.value.fract() == 0.0 && self.value <= f64::from(u32::MAX))
            .then_some(self.value as u32)
    }

    /// Plain: no unit at all.
    pub fn plain(&self) -> bool {
        !self.percent && self.money.is_none() && !self.hash
    }
}

/// Reads every number of the prompt. Dates, times and chat references are not numbers.
pub fn numbers(p: &Prompt) -> Vec<Num> {
    let mut found = Vec::new();
    for (i, w) in p.words.iter().enumerate() {
        let text = &p.text[w.start..w.end];
        let percent_word = matches!(p.word(i + 1), "%" | "percent" | "pct");
        if let Some(n) = read_number(text) {
            found.push(Num {
                word: i,
                percent: n.percent || percent_word,
                ..n
            });
        } else if let Some(n) = number_word(&w.lower).filter(|_| w.lower != "one") {
            found.push(Num {
                word: i,
                value: f64::from(n),
                percent: false,
                money: None,
                hash: false,
            });
        }
    }
    found
}

fn read_number(text: &str) -> Option<Num> {
    let (hash, body) = match text.strip_prefix('#') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (percent, body) = match body.strip_suffix('%') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let dollar = body.starts_with('$');
    let digits = body.trim_start_matches('$');
    if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let lower = digits.to_ascii_lowercase();
    let suffixed = lower.ends_with(['k', 'm', 'b']) || lower.ends_with("mm");
    let plain: String = lower
        .trim_end_matches(['k', 'm', 'b'])
        .chars()
        .filter(|c| *c != ',')
        .collect();
    if !plain.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let value: f64 = plain.parse().ok()?;
    let money = if dollar || suffixed {
        let normalised = lower.replace("mm", "m");
        Some(Money::parse("value", &normalised).ok()?.0)
    } else {
        None
    };
    Some(Num {
        word: 0,
        value,
        percent,
        money,
        hash,
    })
}

/// Chat-user mentions: `<@U123|jane>`, `<@U123>`, `@jane`, with their word index.
pub fn mentions(p: &Prompt) -> Vec<(usize, String)> {
    p.words
        .iter()
        .enumerate()
        .filter(|(_, w)| p.text[w.start..].starts_with("<@") || p.text[w.start..].starts_with('@'))
        .filter_map(|(i, w)| match read_user("owner", &p.text[w.start..w.end]) {
            Ok(Person::User(id)) => Some((i, id.0)),
            _ => None,
        })
        .collect()
}

/// Words that may stand between a field and its number: `NPS for Initech dropped to 5`.
const FILLER: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "be",
    "at",
    "to",
    "of",
    "now",
    "dropped",
    "fell",
    "went",
    "up",
    "down",
    "a",
    "an",
    "the",
    "score",
    "just",
    "only",
    "about",
    "around",
    "roughly",
    "currently",
    "sitting",
    "hit",
    "hitting",
    "by",
    "from",
    "for",
    "on",
    "in",
    "its",
    "their",
    "our",
    "it",
    "has",
    "have",
    "got",
    "gave",
    "us",
    "back",
    "rose",
    "climbed",
    "moved",
    "changed",
    "actually",
    "really",
    "approximately",
    "exactly",
    "officially",
    "still",
    "set",
    "increased",
    "decreased",
    "jumped",
    "slipped",
    "reported",
    "hitting",
    "sits",
    "stands",
    "with",
    "roughly",
    "came",
    "comes",
    "landed",
    "→",
    "->",
    "=",
];

/// The number that follows word `i` across filler (and words in `skip`), within `reach` words.
pub fn after<'n>(p: &Prompt, nums: &'n [Num], i: usize, skip: &[bool]) -> Option<&'n Num> {
    let mut seen = 0;
    for j in i + 1..p.len() {
        if let Some(n) = nums.iter().find(|n| n.word == j) {
            return Some(n);
        }
        if skip.get(j).copied().unwrap_or(false) || FILLER.contains(&p.word(j)) {
            seen += 1;
            if seen > 6 {
                return None;
            }
            continue;
        }
        return None;
    }
    None
}

/// The number just before word `i`, across `core`, `of their success` and the like.
pub fn before<'n>(p: &Prompt, nums: &'n [Num], i: usize) -> Option<&'n Num> {
    const BETWEEN: [&str; 11] = [
        "core", "key", "main", "success", "of", "their", "its", "the", "our", "active", "on",
    ];
    let mut j = i;
    while j > 0 {
        j -= 1;
        if let Some(n) = nums.iter().find(|n| n.word == j) {
            return Some(n);
        }
        if !BETWEEN.contains(&p.word(j)) || i - j > 4 {
            return None;
        }
    }
    None
}

/// Formats a number for a command line: `85`, `80.5`.
pub fn fmt_number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        let p = Prompt::new("NPS 9, usage 85 %, $95,000 and 1.2M, opp #7, two weeks, 2026-01-02");
        let n = numbers(&p);
        let shown: Vec<(f64, bool, Option<u64>, bool)> = n
            .iter()
            .map(|n| (n.value, n.percent, n.money, n.hash))
            .collect();
        assert_eq!(
            shown,
            [
                (9.0, false, None, false),
                (85.0, true, None, false),
                (95000.0, false, Some(95_000), false),
                (1.2, false, Some(1_200_000), false),
                (7.0, false, None, true),
                (2.0, false, None, false),
            ]
        );
    }

    #[test]
    fn fields_find_their_numbers() {
        let p = Prompt::new("Lucius gave us a 9 on NPS and usage for Acme is at 85");
        let n = numbers(&p);
        let skip = vec![false; p.len()];
        assert_eq!(before(&p, &n, 6).map(|n| n.value), Some(9.0));
        assert_eq!(after(&p, &n, 8, &skip).map(|n| n.value), None);
        let mut skip = skip;
        skip[10] = true;
        assert_eq!(after(&p, &n, 8, &skip).map(|n| n.value), Some(85.0));
        let p = Prompt::new("Initech only uses 2 core features");
        assert_eq!(before(&p, &numbers(&p), 5).map(|n| n.value), Some(2.0));
    }

    #[test]
    fn mentions_are_users() {
        let p = Prompt::new("move <@U1|jane>'s accounts to @omar, not @here");
        let m = mentions(&p);
        assert_eq!(m, [(1, "U1".to_string()), (4, "omar".to_string())]);
    }
}
