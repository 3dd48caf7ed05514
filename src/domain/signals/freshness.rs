//! Purpose: how recent an account's data is, per kind of event — the time of the newest
//! activity, track event, ticket change and survey answer received for it. A data-fed signal
//! is as new as the newest event it counts: that decides whether it replaces a hand-set value
//! (INGEST.md) and keeps it fresh for the stale-input nudges.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::health::Category;

/// What an event feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// A track, page or screen event: usage.
    Activity,
    /// A track event: adoption.
    Track,
    /// A ticket created, escalated or solved: tickets.
    Ticket,
    /// An NPS or survey answer: NPS.
    Survey,
}

/// The newest event time of each kind received for an account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Freshness {
    pub activity: Option<DateTime<Utc>>,
    pub track: Option<DateTime<Utc>>,
    pub ticket: Option<DateTime<Utc>>,
    pub survey: Option<DateTime<Utc>>,
}

impl Freshness {
    /// Notes an event of `feed` at `at` (an older event than the newest changes nothing).
    pub fn note(&mut self, feed: Feed, at: DateTime<Utc>) {
        let slot = match feed {
            Feed::Activity => &mut self.activity,
            Feed::Track => &mut self.track,
            Feed::Ticket => &mut self.ticket,
            Feed::Survey => &mut self.survey,
        };
        *slot = (*slot).max(Some(at));
    }

    /// Takes in the newer times of `other`.
    pub fn absorb(&mut self, other: &Freshness) {
        let newer = |a: &mut Option<DateTime<Utc>>, b: Option<DateTime<Utc>>| *a = (*a).max(b);
        newer(&mut self.activity, other.activity);
        newer(&mut self.track, other.track);
        newer(&mut self.ticket, other.ticket);
        newer(&mut self.survey, other.survey);
    }

    /// The newest event behind a health signal (`None` for ROI, which comes from the plan).
    pub fn of(&self, category: Category) -> Option<DateTime<Utc>> {
        match category {
            Category::Usage => self.activity,
            Category::Adoption => self.track,
            Category::Tickets => self.ticket,
            Category::Relationship => self.survey,
            Category::Roi => None,
        }
    }

    /// The newest event of any kind.
    pub fn latest(&self) -> Option<DateTime<Utc>> {
        [self.activity, self.track, self.ticket, self.survey]
            .into_iter()
            .flatten()
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn keeps_the_newest_time_per_kind() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
            .single()
            .expect("valid");
        let mut f = Freshness::default();
        f.note(Feed::Activity, at);
        f.note(Feed::Activity, at - Duration::days(2));
        f.note(Feed::Survey, at - Duration::days(1));
        assert_eq!(f.of(Category::Usage), Some(at));
        assert_eq!(f.of(Category::Relationship), Some(at - Duration::days(1)));
        assert_eq!(f.of(Category::Tickets), None);
        assert_eq!(f.of(Category::Roi), None);
        assert_eq!(f.latest(), Some(at));
    }
}
