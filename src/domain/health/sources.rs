//! Purpose: where each health signal's current value came from — typed by hand with
//! `/health set` (by whom, when) or computed from received data (as of the newest event it
//! counts) — and the rule between them (INGEST.md): a hand-set value stands until data newer
//! than it arrives for that signal.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::score::Category;
use crate::domain::person::UserId;

/// The origin of one signal's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// `/health set` by `by` at `at`.
    Hand { by: UserId, at: DateTime<Utc> },
    /// Computed from events; `at` is the time of the newest event it counts.
    Data { at: DateTime<Utc> },
}

impl Source {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Source::Hand { at, .. } | Source::Data { at } => *at,
        }
    }

    /// Whether data whose newest event is at `data_at` replaces the value from this source:
    /// always over data, over a hand-set value only when newer than it.
    pub fn yields_to_data(&self, data_at: DateTime<Utc>) -> bool {
        match self {
            Source::Data { .. } => true,
            Source::Hand { at, .. } => data_at > *at,
        }
    }
}

/// The origin of each signal's current value (`None`: unknown, or recorded before sources
/// were kept — such a value counts as hand-set long ago).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignalSources {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adoption: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nps: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tickets: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roi: Option<Source>,
}

impl SignalSources {
    pub fn get(&self, category: Category) -> Option<&Source> {
        self.slot(category).as_ref()
    }

    pub fn set(&mut self, category: Category, source: Source) {
        *self.slot_mut(category) = Some(source);
    }

    pub fn is_empty(&self) -> bool {
        *self == SignalSources::default()
    }

    fn slot(&self, category: Category) -> &Option<Source> {
        match category {
            Category::Usage => &self.usage,
            Category::Adoption => &self.adoption,
            Category::Relationship => &self.nps,
            Category::Tickets => &self.tickets,
            Category::Roi => &self.roi,
        }
    }

    fn slot_mut(&mut self, category: Category) -> &mut Option<Source> {
        match category {
            Category::Usage => &mut self.usage,
            Category::Adoption => &mut self.adoption,
            Category::Relationship => &mut self.nps,
            Category::Tickets => &mut self.tickets,
            Category::Roi => &mut self.roi,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn hand_set_value_stands_until_newer_data() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
            .single()
            .expect("valid");
        let hand = Source::Hand {
            by: UserId("U1".into()),
            at,
        };
        assert!(!hand.yields_to_data(at - Duration::hours(1)));
        assert!(!hand.yields_to_data(at));
        assert!(hand.yields_to_data(at + Duration::seconds(1)));
        assert!(Source::Data { at }.yields_to_data(at - Duration::days(3)));
    }

    #[test]
    fn sources_are_kept_per_signal() {
        let at = Utc.timestamp_opt(0, 0).single().expect("valid");
        let mut sources = SignalSources::default();
        sources.set(Category::Relationship, Source::Data { at });
        assert_eq!(sources.nps, Some(Source::Data { at }));
        assert_eq!(sources.get(Category::Usage), None);
        assert!(!sources.is_empty());
    }
}
