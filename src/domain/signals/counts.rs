//! Purpose: what `/steward ingest status` reports — counts of received messages per hour
//! (accepted by type, rejected by reason, duplicates, unmatched) summed over a period, and the
//! ids no account matched.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Counts of received messages (one hour's, or a sum of hours).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntakeCounts {
    /// Accepted messages by type (`track`, `group`, …).
    pub accepted: BTreeMap<String, u64>,
    /// Rejected messages by reason (`missing user`, `out of window`, …).
    pub rejected: BTreeMap<String, u64>,
    /// Messages received again (same `messageId`), not counted twice.
    pub duplicates: u64,
    /// Accepted messages no account matched.
    pub unmatched: u64,
}

impl IntakeCounts {
    pub fn accept(&mut self, kind: &str) {
        *self.accepted.entry(kind.to_string()).or_default() += 1;
    }

    pub fn reject(&mut self, reason: &str, n: u64) {
        *self.rejected.entry(reason.to_string()).or_default() += n;
    }

    /// Adds `other` into these counts.
    pub fn add(&mut self, other: &IntakeCounts) {
        for (k, n) in &other.accepted {
            *self.accepted.entry(k.clone()).or_default() += n;
        }
        for (k, n) in &other.rejected {
            *self.rejected.entry(k.clone()).or_default() += n;
        }
        self.duplicates += other.duplicates;
        self.unmatched += other.unmatched;
    }

    pub fn accepted_total(&self) -> u64 {
        self.accepted.values().sum()
    }

    pub fn rejected_total(&self) -> u64 {
        self.rejected.values().sum()
    }

    pub fn is_empty(&self) -> bool {
        *self == IntakeCounts::default()
    }
}

/// An id (group id, account id or user) that no account matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmatched {
    pub count: u64,
    pub last: DateTime<Utc>,
}

/// What `/steward ingest status` shows: the last 24 hours' and 7 days' counts, and the ids no
/// account matched, most frequent first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntakeStatus {
    pub day: IntakeCounts,
    pub week: IntakeCounts,
    pub unmatched: Vec<(String, Unmatched)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up() {
        let mut hour = IntakeCounts::default();
        hour.accept("track");
        hour.accept("track");
        hour.reject("missing user", 3);
        hour.duplicates = 1;
        let mut total = IntakeCounts::default();
        total.add(&hour);
        total.add(&hour);
        assert_eq!(total.accepted.get("track"), Some(&4));
        assert_eq!(total.accepted_total(), 4);
        assert_eq!(total.rejected_total(), 6);
        assert_eq!(total.duplicates, 2);
        assert!(!total.is_empty());
    }
}
