//! Purpose: why an outcome happened — the reason a renewal, churn or expansion was won or
//! lost: a kind from a short list plus optional free text, with the kind read from the text
//! when only text is given (older records, `reason:"…"` typed alone).

use serde::{Deserialize, Serialize};
use std::fmt;

use super::plan::Plan;

crate::word_enum! {
    /// What kind of reason it is; one list for wins and losses alike.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum ReasonKind {
        Price => "price",
        ProductGap => "product-gap",
        Relationship => "relationship",
        Budget => "budget",
        Competitor => "competitor",
        Timing => "timing",
        ValueProven => "value-proven",
        Other => "other",
    }
}

/// Words that give a reason's kind away, tried in this order; the first kind with a match
/// wins (so "budget moved to next year" is `budget`, not `timing`, and "went with a cheaper
/// tool" is `price`). Phrases match whole words.
const KEYWORDS: [(ReasonKind, &[&str]); 7] = [
    (
        ReasonKind::Budget,
        &["budget", "budgets", "funding", "freeze", "cuts", "layoffs"],
    ),
    (
        ReasonKind::Price,
        &[
            "price",
            "pricing",
            "priced",
            "cheaper",
            "expensive",
            "cost",
            "costs",
            "discount",
        ],
    ),
    (
        ReasonKind::ProductGap,
        &[
            "feature",
            "features",
            "missing",
            "gap",
            "integration",
            "bugs",
            "roadmap",
        ],
    ),
    (
        ReasonKind::Competitor,
        &[
            "competitor",
            "competitors",
            "competition",
            "went with",
            "switched to",
            "rival",
        ],
    ),
    (
        ReasonKind::Relationship,
        &[
            "relationship",
            "champion left",
            "sponsor left",
            "trust",
            "left the company",
        ],
    ),
    (
        ReasonKind::Timing,
        &[
            "timing",
            "next year",
            "next quarter",
            "delayed",
            "postponed",
            "not now",
            "later",
        ],
    ),
    (
        ReasonKind::ValueProven,
        &["value", "roi", "results", "proven", "adoption"],
    ),
];

impl ReasonKind {
    /// The kind free text gives away, or `other`.
    pub fn infer(text: &str) -> ReasonKind {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let has = |phrase: &str| {
            let wanted: Vec<&str> = phrase.split(' ').collect();
            words
                .windows(wanted.len())
                .any(|w| w.iter().zip(&wanted).all(|(a, b)| a == b))
        };
        KEYWORDS
            .iter()
            .find(|(_, phrases)| phrases.iter().any(|p| has(p)))
            .map_or(ReasonKind::Other, |(kind, _)| *kind)
    }
}

/// Why an outcome happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Stored")]
pub struct Reason {
    pub kind: ReasonKind,
    #[serde(default)]
    pub text: Option<String>,
}

/// A reason as stored: today's `{kind, text}`, or the plain text records held before reasons
/// had kinds (`"reason": "Budget cut"`), read with the kind inferred.
#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    Text(String),
    Full {
        kind: ReasonKind,
        #[serde(default)]
        text: Option<String>,
    },
}

impl From<Stored> for Reason {
    fn from(stored: Stored) -> Self {
        match stored {
            Stored::Text(text) => Reason {
                kind: ReasonKind::infer(&text),
                text: Some(text),
            },
            Stored::Full { kind, text } => Reason { kind, text },
        }
    }
}

/// Plain text, with the kind read from it (as older records load).
impl From<&str> for Reason {
    fn from(text: &str) -> Self {
        Reason::from(Stored::Text(text.to_string()))
    }
}

impl Reason {
    /// A reason from `why:` and `reason:` as typed: the kind given, else read from the text;
    /// `None` when neither was given.
    pub fn read(kind: Option<ReasonKind>, text: Option<&str>) -> Option<Reason> {
        let text = text
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        match (kind, text) {
            (None, None) => None,
            (Some(kind), text) => Some(Reason { kind, text }),
            (None, Some(text)) => Some(Reason {
                kind: ReasonKind::infer(&text),
                text: Some(text),
            }),
        }
    }
}

/// `why:` and `reason:` as typed, before the account is known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Given {
    pub kind: Option<ReasonKind>,
    pub text: Option<String>,
}

impl Given {
    pub fn is_empty(&self) -> bool {
        self.kind.is_none() && self.text.as_deref().is_none_or(|t| t.trim().is_empty())
    }

    /// The reason at an account: the kind given; else `competitor` when the text names a
    /// competitor recorded on the account's plan; else the kind read from the text.
    pub fn resolve(&self, plan: &Plan) -> Option<Reason> {
        let text = self.text.as_deref();
        let named = text.is_some_and(|t| plan.competitor_named_in(t).is_some());
        let kind = self.kind.or(named.then_some(ReasonKind::Competitor));
        Reason::read(kind, text)
    }
}

/// `went with a cheaper tool (price)`, or `price` without text.
impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.text {
            Some(text) => write!(f, "{text} ({})", self.kind.name()),
            None => f.write_str(self.kind.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_text() {
        let cases = [
            ("Budget cut after merger", ReasonKind::Budget),
            ("budget moved to next year", ReasonKind::Budget),
            ("went with a cheaper tool", ReasonKind::Price),
            ("they went with a competitor", ReasonKind::Competitor),
            ("Missing SSO integration", ReasonKind::ProductGap),
            ("our champion left", ReasonKind::Relationship),
            ("revisit next quarter", ReasonKind::Timing),
            ("ROI was clear", ReasonKind::ValueProven),
            ("acquired by a holding", ReasonKind::Other),
            // Whole words only: "gapless" is not "gap".
            ("a gapless rollout", ReasonKind::Other),
        ];
        for (text, kind) in cases {
            assert_eq!(ReasonKind::infer(text), kind, "{text}");
        }
    }

    #[test]
    fn reading_what_was_typed() {
        assert_eq!(Reason::read(None, None), None);
        assert_eq!(Reason::read(None, Some("  ")), None);
        assert_eq!(
            Reason::read(Some(ReasonKind::Competitor), Some(" lost to Gainsight ")),
            Some(Reason {
                kind: ReasonKind::Competitor,
                text: Some("lost to Gainsight".into())
            })
        );
        assert_eq!(
            Reason::read(None, Some("too expensive")).map(|r| r.kind),
            Some(ReasonKind::Price)
        );
        assert_eq!(
            ReasonKind::parse("product-gap"),
            Some(ReasonKind::ProductGap)
        );
        assert_eq!(ReasonKind::parse("cheap"), None);
    }

    #[test]
    fn old_plain_text_records_still_load() {
        let old: Reason = serde_json::from_str("\"Budget cut after merger\"").expect("loads");
        assert_eq!(old.kind, ReasonKind::Budget);
        assert_eq!(old.to_string(), "Budget cut after merger (budget)");
        let new = Reason {
            kind: ReasonKind::ValueProven,
            text: None,
        };
        let json = serde_json::to_string(&new).expect("writes");
        assert_eq!(json, r#"{"kind":"value-proven","text":null}"#);
        assert_eq!(serde_json::from_str::<Reason>(&json).ok(), Some(new));
    }
}
