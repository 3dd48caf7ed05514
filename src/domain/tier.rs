//! Purpose: account tiers — by ARR rank within the tenant (top 15 % Tier 1, next 40 % Tier 2,
//! rest Tier 3), lifted one tier by large open expansion, or pinned by hand — and each
//! tier's cadence.

use serde::{Deserialize, Serialize};

use super::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tier {
    #[serde(rename = "1")]
    One,
    #[serde(rename = "2")]
    Two,
    #[serde(rename = "3")]
    Three,
}

impl Tier {
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    pub fn from_number(n: i64) -> Option<Tier> {
        match n {
            1 => Some(Tier::One),
            2 => Some(Tier::Two),
            3 => Some(Tier::Three),
            _ => None,
        }
    }

    /// One tier up (Tier 1 stays Tier 1).
    fn lifted(self) -> Tier {
        match self {
            Tier::Three => Tier::Two,
            _ => Tier::One,
        }
    }

    /// Days between QBRs/EBRs; `None` for automated touchpoints only.
    pub fn qbr_cadence_days(self) -> Option<i64> {
        match self {
            Tier::One => Some(90),
            Tier::Two => Some(180),
            Tier::Three => None,
        }
    }

    pub fn cadence(self) -> &'static str {
        match self {
            Tier::One => "QBR/EBR every 90 days, executive sponsor pairing",
            Tier::Two => "monthly cadence call, QBR every 180 days",
            Tier::Three => "automated touchpoints only",
        }
    }
}

/// How an account's tier was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierSource {
    /// Set by hand; shown as pinned.
    Pinned,
    /// From the account's ARR rank.
    Rank,
    /// One tier above its ARR rank, for open expansion ≥ 50 % of ARR (DECISIONS 17).
    Lifted,
}

/// The ARRs of every active account in a tenant, largest first: what ranks are taken against.
#[derive(Debug, Clone, Default)]
pub struct ArrRanking {
    descending: Vec<Money>,
}

impl ArrRanking {
    pub fn new(arrs: impl IntoIterator<Item = Money>) -> Self {
        let mut descending: Vec<Money> = arrs.into_iter().collect();
        descending.sort_unstable_by(|a, b| b.cmp(a));
        ArrRanking { descending }
    }

    pub fn insert(&mut self, arr: Money) {
        let at = self.descending.partition_point(|x| *x > arr);
        self.descending.insert(at, arr);
    }

    pub fn remove(&mut self, arr: Money) {
        let at = self.descending.partition_point(|x| *x > arr);
        if self.descending.get(at) == Some(&arr) {
            self.descending.remove(at);
        }
    }

    pub fn len(&self) -> usize {
        self.descending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.descending.is_empty()
    }

    /// Tier by rank: the number of accounts with strictly more ARR decides, so equal ARRs
    /// share a tier. Tier 1 holds floor(15 %) of accounts but at least one; Tiers 1–2 hold
    /// floor(55 %).
    pub fn tier_by_rank(&self, arr: Money) -> Tier {
        let n = self.descending.len();
        let rank = self.descending.partition_point(|x| *x > arr);
        let tier1 = (n * 15 / 100).max(1);
        let tier12 = (n * 55 / 100).max(tier1);
        if rank < tier1 {
            Tier::One
        } else if rank < tier12 {
            Tier::Two
        } else {
            Tier::Three
        }
    }

    /// The account's tier and how it was decided.
    pub fn tier(
        &self,
        arr: Money,
        open_expansion: Money,
        pinned: Option<Tier>,
    ) -> (Tier, TierSource) {
        if let Some(tier) = pinned {
            return (tier, TierSource::Pinned);
        }
        let by_rank = self.tier_by_rank(arr);
        if by_rank != Tier::One && open_expansion.0 * 2 >= arr.0 && open_expansion.0 > 0 {
            (by_rank.lifted(), TierSource::Lifted)
        } else {
            (by_rank, TierSource::Rank)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranking(n: u64) -> ArrRanking {
        ArrRanking::new((1..=n).map(|i| Money(i * 1000)))
    }

    #[test]
    fn split_15_40_45() {
        let r = ranking(20); // Tier 1: 3 accounts, Tier 2: 8 more (11 = 55 %), Tier 3: 9
        let tiers: Vec<Tier> = (1..=20)
            .rev()
            .map(|i| r.tier_by_rank(Money(i * 1000)))
            .collect();
        assert_eq!(tiers.iter().filter(|t| **t == Tier::One).count(), 3);
        assert_eq!(tiers.iter().filter(|t| **t == Tier::Two).count(), 8);
        assert_eq!(tiers.iter().filter(|t| **t == Tier::Three).count(), 9);
        let r = ranking(100);
        assert_eq!(r.tier_by_rank(Money(86_000)), Tier::One); // rank 14
        assert_eq!(r.tier_by_rank(Money(85_000)), Tier::Two); // rank 15
        assert_eq!(r.tier_by_rank(Money(46_000)), Tier::Two); // rank 54
        assert_eq!(r.tier_by_rank(Money(45_000)), Tier::Three); // rank 55
    }

    #[test]
    fn at_least_one_tier_one() {
        assert_eq!(ranking(1).tier_by_rank(Money(1000)), Tier::One);
        let r = ranking(5);
        assert_eq!(r.tier_by_rank(Money(5000)), Tier::One);
        assert_eq!(r.tier_by_rank(Money(4000)), Tier::Two);
        assert_eq!(r.tier_by_rank(Money(2000)), Tier::Three);
    }

    #[test]
    fn equal_arr_shares_a_tier() {
        let r = ArrRanking::new([Money(10), Money(10), Money(10), Money(5)]);
        assert_eq!(r.tier_by_rank(Money(10)), Tier::One);
    }

    #[test]
    fn lift_pin_and_updates() {
        let mut r = ranking(20);
        assert_eq!(
            r.tier(Money(1000), Money(499), None),
            (Tier::Three, TierSource::Rank)
        );
        assert_eq!(
            r.tier(Money(1000), Money(500), None),
            (Tier::Two, TierSource::Lifted)
        );
        assert_eq!(
            r.tier(Money(15_000), Money(9000), None),
            (Tier::One, TierSource::Lifted)
        );
        assert_eq!(
            r.tier(Money(1000), Money(0), Some(Tier::One)),
            (Tier::One, TierSource::Pinned)
        );
        r.remove(Money(20_000));
        r.insert(Money(1_000_000));
        assert_eq!(r.len(), 20);
        assert_eq!(r.tier_by_rank(Money(18_000)), Tier::One);
        assert_eq!(Tier::One.qbr_cadence_days(), Some(90));
        assert_eq!(Tier::Two.qbr_cadence_days(), Some(180));
        assert_eq!(Tier::Three.qbr_cadence_days(), None);
    }
}
