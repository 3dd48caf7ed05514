//! Purpose: MEDDIC qualification of an expansion opportunity — the six elements (Metrics,
//! Economic buyer, Decision criteria, Decision process, Identify pain, Champion) known or
//! unknown with a short note, the score (known / 6), and how it weights forecast value.
//!
//! Economic buyer and Champion follow the account's stakeholders unless set by hand: an
//! active stakeholder with that role makes the element known, noted with their name.
//!
//! **Weighting.** An open opportunity's forecast value is `value × known / 6`: each known
//! element adds one sixth of the value (4 of 6 known → two thirds). Linear, so every element
//! learned moves the forecast, and an unqualified opportunity (0/6) forecasts nothing.
//! Whitespace — the sum of open values — stays unweighted (DOMAIN.md).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::DomainError;
use super::money::Money;
use super::stakeholder::{Role, Stakeholder};

crate::word_enum! {
    /// A MEDDIC element, in the acronym's order.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum Element {
        Metrics => "metrics",
        EconomicBuyer => "economic-buyer",
        DecisionCriteria => "decision-criteria",
        DecisionProcess => "decision-process",
        IdentifyPain => "identify-pain",
        Champion => "champion",
    }
}

/// How many elements there are: the score's denominator.
pub const ELEMENTS: usize = Element::ALL.len();
/// The longest note an element keeps.
pub const MAX_NOTE_CHARS: usize = 200;

impl Element {
    /// `Economic buyer`, as headings show it.
    pub fn label(self) -> &'static str {
        match self {
            Element::Metrics => "Metrics",
            Element::EconomicBuyer => "Economic buyer",
            Element::DecisionCriteria => "Decision criteria",
            Element::DecisionProcess => "Decision process",
            Element::IdentifyPain => "Identify pain",
            Element::Champion => "Champion",
        }
    }

    /// The stakeholder role that fills this element, if one does.
    fn role(self) -> Option<Role> {
        match self {
            Element::EconomicBuyer => Some(Role::EconomicBuyer),
            Element::Champion => Some(Role::Champion),
            _ => None,
        }
    }
}

/// One element set by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub element: Element,
    pub known: bool,
    #[serde(default)]
    pub note: Option<String>,
    pub on: NaiveDate,
}

/// What was set by hand on one opportunity (elements not set follow the stakeholders or are
/// unknown).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Qualification(pub Vec<Entry>);

impl Qualification {
    /// Sets an element by hand, replacing what was set before. A note longer than
    /// [`MAX_NOTE_CHARS`] is refused.
    pub fn set(&mut self, entry: Entry) -> Result<(), DomainError> {
        if entry
            .note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
        {
            return Err(DomainError::invalid(
                "note",
                format!("is longer than {MAX_NOTE_CHARS} characters; keep it short"),
                "note:\"CFO signs off above 50k\"",
            ));
        }
        self.clear(entry.element);
        self.0.push(entry);
        Ok(())
    }

    /// Forgets what was set by hand for `element`; whether anything was.
    pub fn clear(&mut self, element: Element) -> bool {
        let before = self.0.len();
        self.0.retain(|e| e.element != element);
        self.0.len() != before
    }

    /// Nothing set by hand.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn get(&self, element: Element) -> Option<&Entry> {
        self.0.iter().find(|e| e.element == element)
    }
}

/// Where an element's state comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `/expansion qualify`, on this date.
    Set(NaiveDate),
    /// An active stakeholder with the element's role.
    Stakeholders,
    /// Nothing known.
    Unset,
}

/// One element as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementState {
    pub element: Element,
    pub known: bool,
    pub note: Option<String>,
    pub source: Source,
}

/// The six elements in order, each from what was set by hand, else from the stakeholders
/// (Economic buyer, Champion), else unknown.
pub fn assess(q: &Qualification, stakeholders: &[Stakeholder]) -> Vec<ElementState> {
    Element::ALL
        .into_iter()
        .map(|element| {
            if let Some(entry) = q.get(element) {
                return ElementState {
                    element,
                    known: entry.known,
                    note: entry.note.clone(),
                    source: Source::Set(entry.on),
                };
            }
            let names: Vec<&str> = element
                .role()
                .map(|role| {
                    stakeholders
                        .iter()
                        .filter(|s| s.is_active() && s.role == role)
                        .map(|s| s.name.as_str())
                        .collect()
                })
                .unwrap_or_default();
            if names.is_empty() {
                ElementState {
                    element,
                    known: false,
                    note: None,
                    source: Source::Unset,
                }
            } else {
                ElementState {
                    element,
                    known: true,
                    note: Some(names.join(", ")),
                    source: Source::Stakeholders,
                }
            }
        })
        .collect()
}

/// How many elements are known (0–6).
pub fn score(q: &Qualification, stakeholders: &[Stakeholder]) -> usize {
    assess(q, stakeholders).iter().filter(|s| s.known).count()
}

/// The forecast value of an open opportunity with `known` elements: `value × known / 6`.
pub fn weighted(value: Money, known: usize) -> f64 {
    value.0 as f64 * known.min(ELEMENTS) as f64 / ELEMENTS as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid")
    }

    fn entry(element: Element, known: bool) -> Entry {
        Entry {
            element,
            known,
            note: Some("x".into()),
            on: day(),
        }
    }

    #[test]
    fn buyer_and_champion_come_from_active_stakeholders() {
        let mut gone = Stakeholder::new("Old Champ".into(), Role::Champion, day());
        gone.departed = true;
        let people = vec![
            Stakeholder::new("Bob Ruiz".into(), Role::EconomicBuyer, day()),
            gone,
        ];
        let states = assess(&Qualification::default(), &people);
        assert_eq!(states.len(), 6);
        assert_eq!(
            (states[1].known, states[1].note.as_deref(), states[1].source),
            (true, Some("Bob Ruiz"), Source::Stakeholders)
        );
        assert!(!states[5].known, "a departed champion does not count");
        assert_eq!(score(&Qualification::default(), &people), 1);
    }

    #[test]
    fn set_by_hand_wins_and_can_be_unset_or_cleared() {
        let people = vec![Stakeholder::new("Bob".into(), Role::EconomicBuyer, day())];
        let mut q = Qualification::default();
        q.set(entry(Element::Metrics, true)).expect("short note");
        q.set(entry(Element::EconomicBuyer, false))
            .expect("short note");
        assert_eq!(score(&q, &people), 1, "metrics known, buyer marked unknown");
        q.set(entry(Element::Metrics, false)).expect("short note");
        assert_eq!(q.0.len(), 2, "setting again replaces");
        assert!(q.clear(Element::EconomicBuyer));
        assert!(!q.clear(Element::EconomicBuyer));
        assert_eq!(
            score(&q, &people),
            1,
            "the buyer follows the stakeholders again"
        );
        let mut long = entry(Element::Champion, true);
        long.note = Some("x".repeat(MAX_NOTE_CHARS + 1));
        assert!(q.set(long).is_err());
    }

    /// The weighting rule, pinned: value × known / 6.
    #[test]
    fn weighting_is_value_times_known_over_six() {
        assert_eq!(weighted(Money(60_000), 0), 0.0);
        assert_eq!(weighted(Money(60_000), 1), 10_000.0);
        assert_eq!(weighted(Money(60_000), 4), 40_000.0);
        assert_eq!(weighted(Money(60_000), 6), 60_000.0);
        assert!((weighted(Money(25_000), 4) - 16_666.67).abs() < 0.01);
    }
}
