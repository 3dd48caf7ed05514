//! Purpose: the short ids of account-plan items — `g1` goal, `m1` metric, `r1` risk,
//! `c1` competitor, `s1` SWOT item — stable per plan (the next is one more than the
//! largest), given in order to records stored before items had ids.

use serde::{Deserialize, Deserializer};
use std::fmt;

use super::competition::{Competitor, SwotItem};
use super::plan::{Goal, Risk};
use super::value::Metric;

/// The kinds of plan item an id can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Goal,
    Metric,
    Risk,
    Competitor,
    Swot,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Goal,
        Section::Metric,
        Section::Risk,
        Section::Competitor,
        Section::Swot,
    ];

    /// The id's letter.
    pub fn prefix(self) -> char {
        match self {
            Section::Goal => 'g',
            Section::Metric => 'm',
            Section::Risk => 'r',
            Section::Competitor => 'c',
            Section::Swot => 's',
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Section::Goal => "goal",
            Section::Metric => "metric",
            Section::Risk => "risk",
            Section::Competitor => "competitor",
            Section::Swot => "SWOT item",
        }
    }
}

/// A plan item's id as shown and typed: `c3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemId {
    pub section: Section,
    pub number: u32,
}

impl ItemId {
    /// `c3`, `C3` or `#c3`; `None` for anything else.
    pub fn parse(input: &str) -> Option<ItemId> {
        let text = input.trim().trim_start_matches('#').to_lowercase();
        let mut chars = text.chars();
        let prefix = chars.next()?;
        let section = Section::ALL.into_iter().find(|s| s.prefix() == prefix)?;
        let digits = chars.as_str();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let number = digits.parse().ok().filter(|n| *n > 0)?;
        Some(ItemId { section, number })
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.section.prefix(), self.number)
    }
}

/// A plan item with a per-plan id (0: stored before ids existed).
pub trait Numbered {
    fn id(&self) -> u32;
    fn set_id(&mut self, id: u32);
}

macro_rules! numbered_items {
    ($($item:ty),+) => {
        $(impl Numbered for $item {
            fn id(&self) -> u32 {
                self.id
            }
            fn set_id(&mut self, id: u32) {
                self.id = id;
            }
        })+
    };
}

numbered_items!(Goal, Metric, Risk, Competitor, SwotItem);

/// The next free id: one more than the largest (ids of removed items above every other
/// one are given again).
pub fn next_id<T: Numbered>(items: &[T]) -> u32 {
    items.iter().map(Numbered::id).max().unwrap_or(0) + 1
}

/// Removes and returns the item numbered `number`.
pub fn take<T: Numbered>(items: &mut Vec<T>, number: u32) -> Option<T> {
    let at = items.iter().position(|i| i.id() == number)?;
    Some(items.remove(at))
}

/// Reads a list of items, numbering in order those stored without an id.
pub fn numbered<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Numbered,
{
    let mut items = Vec::<T>::deserialize(deserializer)?;
    for at in 0..items.len() {
        if items[at].id() == 0 {
            let id = next_id(&items);
            items[at].set_id(id);
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::Plan;

    #[test]
    fn ids_parse_and_show() {
        let c3 = ItemId {
            section: Section::Competitor,
            number: 3,
        };
        assert_eq!(ItemId::parse("c3"), Some(c3));
        assert_eq!(ItemId::parse(" #C3 "), Some(c3));
        assert_eq!(c3.to_string(), "c3");
        for bad in ["", "c", "c0", "x1", "3", "c-1", "c+1", "c1.5", "goal1"] {
            assert_eq!(ItemId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn records_without_ids_are_numbered_in_order() {
        let json = r#"{"goals":[{"text":"a"},{"text":"b"}],
            "risks":[{"text":"x","mitigation":null}],
            "metrics":[{"name":"Hours","target":40,"current":32}]}"#;
        let plan: Plan = serde_json::from_str(json).expect("an old plan loads");
        let ids: Vec<u32> = plan.goals.iter().map(|g| g.id).collect();
        assert_eq!(ids, [1, 2]);
        assert_eq!((plan.risks[0].id, plan.metrics[0].id), (1, 1));
        assert_eq!(plan.metrics[0].first, None);
        assert!(plan.competitors.is_empty() && plan.swot.is_empty());
        let old: Plan = serde_json::from_str("{}").expect("an empty plan loads");
        assert_eq!(old, Plan::default());
    }
}
