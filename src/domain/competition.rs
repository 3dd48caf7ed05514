//! Purpose: the competitive picture of an account — competitors (risk, our edge, last seen)
//! and a SWOT of short items — with the limits on what users type and the whole-word match
//! of a competitor's name inside free text.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::DomainError;

/// Most characters in a SWOT item or a competitor's edge: a line, not an essay.
pub const MAX_ITEM_CHARS: usize = 200;
/// Most characters in a competitor's name.
pub const MAX_NAME_CHARS: usize = 80;

crate::word_enum! {
    /// How much a competitor threatens the account, as `/plan competitor risk:` accepts it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum CompetitorRisk {
        Low => "low",
        Medium => "medium",
        /// Counts as a risk of the plan and is listed in the weekly digest.
        High => "high",
    }
}

/// A competitor seen at the account; `id` is per plan (`c1`, `c2`…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Competitor {
    #[serde(default)]
    pub id: u32,
    pub name: String,
    pub risk: CompetitorRisk,
    /// How we win against them.
    #[serde(default)]
    pub edge: Option<String>,
    pub last_seen: NaiveDate,
}

crate::word_enum! {
    /// The four SWOT quadrants, in the order they are shown.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum SwotKind {
        Strength => "strength",
        Weakness => "weakness",
        Opportunity => "opportunity",
        Threat => "threat",
    }
}

impl SwotKind {
    /// The quadrant for `strength`, `Strengths`, `threat`… (singular or plural, any case).
    pub fn read(input: &str) -> Option<SwotKind> {
        let lower = input.trim().to_lowercase();
        let singular = match lower.as_str() {
            "opportunities" => "opportunity",
            "weaknesses" => "weakness",
            other => other.strip_suffix('s').unwrap_or(other),
        };
        SwotKind::parse(&lower).or_else(|| SwotKind::parse(singular))
    }
}

/// One SWOT item; `id` is per plan (`s1`, `s2`…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SwotItem {
    #[serde(default)]
    pub id: u32,
    pub kind: SwotKind,
    pub text: String,
}

/// Refuses text longer than `max` characters, naming the field and showing an example.
pub fn check_length(field: &str, text: &str, max: usize, example: &str) -> Result<(), DomainError> {
    let len = text.chars().count();
    if len > max {
        return Err(DomainError::invalid(
            field,
            format!("{len} characters is over the {max} allowed; keep it to one short line"),
            example,
        ));
    }
    Ok(())
}

/// Whether `name` occurs in `text` as whole words, ignoring case: "Globex" is in "lost to
/// Globex's bundle" but not in "Globexy".
pub fn names_in(name: &str, text: &str) -> bool {
    let (name, text) = (name.trim().to_lowercase(), text.to_lowercase());
    if name.is_empty() {
        return false;
    }
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(&name).any(|(at, _)| {
        !word(text[..at].chars().next_back()) && !word(text[at + name.len()..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_any_case() {
        assert!(names_in("Globex", "We lost to globex on price"));
        assert!(names_in("Globex", "Globex's bundle was cheaper"));
        assert!(names_in("Initech Cloud", "they chose INITECH CLOUD."));
        assert!(!names_in("Globex", "Globexy is a different firm"));
        assert!(!names_in("Globex", "MegaGlobex won"));
        assert!(!names_in("Initech Cloud", "Initech's cloud"));
        assert!(!names_in("  ", "anything"));
        // A later occurrence counts when an earlier one is inside a word.
        assert!(names_in("Hooli", "Hoolixyz then Hooli"));
    }

    #[test]
    fn swot_kinds_singular_or_plural() {
        assert_eq!(SwotKind::read("Strengths"), Some(SwotKind::Strength));
        assert_eq!(SwotKind::read("weaknesses"), Some(SwotKind::Weakness));
        assert_eq!(SwotKind::read("weakness"), Some(SwotKind::Weakness));
        assert_eq!(SwotKind::read("Opportunity"), Some(SwotKind::Opportunity));
        assert_eq!(SwotKind::read("opportunities"), Some(SwotKind::Opportunity));
        assert_eq!(SwotKind::read("THREAT"), Some(SwotKind::Threat));
        assert_eq!(SwotKind::read("risk"), None);
        assert_eq!(CompetitorRisk::parse("extreme"), None);
    }

    #[test]
    fn length_limit_is_in_characters() {
        let ok = "é".repeat(MAX_ITEM_CHARS);
        assert!(check_length("text", &ok, MAX_ITEM_CHARS, "x").is_ok());
        let err = check_length("text", &format!("{ok}!"), MAX_ITEM_CHARS, "x")
            .expect_err("201 characters");
        assert!(err.to_string().contains("201 characters is over the 200"));
    }
}
