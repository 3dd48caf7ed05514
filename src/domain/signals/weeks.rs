//! Purpose: weekly active users over the weeks — the 12 weeks `/health show` charts and the
//! week-over-week movers the Monday digest names. A week is the 7 days `(d-7, d]` ending on a
//! day, its users counted as the usage signal counts them ([`super::formulas`]); weeks that
//! end before an account's first data are left out rather than shown as zero users.

use chrono::{Days, NaiveDate};

use super::formulas::{active_users, USAGE_WINDOW_DAYS};
use super::rollup::DayRollup;

/// How many weeks `/health show` charts.
pub const CHART_WEEKS: usize = 12;
/// A mover had at least this many weekly active users the week before, as usage drop needs:
/// below that a single user is a swing of 20 % or more, and no news.
pub const MOVER_MIN_BEFORE: usize = 5;

/// The distinct users active in the 7 days to `last_day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveWeek {
    pub last_day: NaiveDate,
    pub users: usize,
}

/// The weekly active users of the weeks ending on `day`, `day - 7`, … (at most `weeks` of
/// them), oldest first. Weeks ending before the first rollup on or before `day` are left out:
/// no data, no weeks.
pub fn weekly_active_users(rollups: &[DayRollup], day: NaiveDate, weeks: usize) -> Vec<ActiveWeek> {
    let Some(first) = rollups.iter().map(|r| r.day).filter(|d| *d <= day).min() else {
        return Vec::new();
    };
    let observed = (day - first).num_days().unsigned_abs() / USAGE_WINDOW_DAYS + 1;
    let weeks = observed.min(weeks as u64);
    (0..weeks)
        .rev()
        .filter_map(|k| day.checked_sub_days(Days::new(k * USAGE_WINDOW_DAYS)))
        .map(|last_day| ActiveWeek {
            last_day,
            users: active_users(rollups, last_day, USAGE_WINDOW_DAYS),
        })
        .collect()
}

/// The weekly active users of the week before the 7 days to `day`, and of those 7 days;
/// `None` unless data reaches into the week before.
pub fn week_over_week(rollups: &[DayRollup], day: NaiveDate) -> Option<(usize, usize)> {
    match weekly_active_users(rollups, day, 2)[..] {
        [before, after] => Some((before.users, after.users)),
        _ => None,
    }
}

/// An account's weekly active users, one week against the one before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mover<K> {
    /// Which account.
    pub key: K,
    pub before: usize,
    pub after: usize,
    /// The change in percent of `before`, rounded half away from zero; never 0.
    pub percent: i64,
}

impl<K> Mover<K> {
    /// `42 → 29 (−31 %)`, as the usage-drop indicator writes its figures.
    pub fn figures(&self) -> String {
        let sign = if self.percent < 0 { '−' } else { '+' };
        format!(
            "{} → {} ({sign}{} %)",
            self.before,
            self.after,
            self.percent.unsigned_abs()
        )
    }
}

/// The `n` biggest movers of `changes` — each account's key and weekly active users the week
/// before and the week after: by the size of the change in percent, then in users, then by
/// key. Left out: accounts with fewer than [`MOVER_MIN_BEFORE`] users the week before, and
/// changes that round to 0 %. In percent rather than users, so a small account that lost half
/// its users outranks a large one's usual swing.
pub fn movers<K: Ord>(
    changes: impl IntoIterator<Item = (K, usize, usize)>,
    n: usize,
) -> Vec<Mover<K>> {
    let mut all: Vec<Mover<K>> = changes
        .into_iter()
        .filter(|&(_, before, _)| before >= MOVER_MIN_BEFORE)
        .filter_map(|(key, before, after)| {
            let percent = change_percent(before, after).filter(|&p| p != 0)?;
            Some(Mover {
                key,
                before,
                after,
                percent,
            })
        })
        .collect();
    all.sort_by(|a, b| {
        b.percent
            .unsigned_abs()
            .cmp(&a.percent.unsigned_abs())
            .then_with(|| b.before.abs_diff(b.after).cmp(&a.before.abs_diff(a.after)))
            .then_with(|| a.key.cmp(&b.key))
    });
    all.truncate(n);
    all
}

/// The change from `before` to `after` in percent of `before`, rounded half away from zero
/// (`10 → 7` is −30, `3 → 1` is −67); `None` when `before` is 0.
pub fn change_percent(before: usize, after: usize) -> Option<i64> {
    if before == 0 {
        return None;
    }
    let (before, after) = (before as u128, after as u128);
    // In integers, half up on the size: ⌊(200·|Δ| + before) / 2·before⌋.
    let size = (200 * after.abs_diff(before) + before) / (2 * before);
    let size = i64::try_from(size).unwrap_or(i64::MAX);
    Some(if after < before { -size } else { size })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid")
    }

    fn back(n: u64) -> NaiveDate {
        d().checked_sub_days(Days::new(n)).expect("valid")
    }

    /// A rollup a day from `from` days back to `to` days back, with `users(days back)` active.
    fn days(from: u64, to: u64, users: impl Fn(u64) -> std::ops::Range<u32>) -> Vec<DayRollup> {
        (to..=from)
            .rev()
            .map(|b| {
                let mut r = DayRollup::new(back(b));
                users(b).for_each(|u| r.record_activity(u));
                r
            })
            .collect()
    }

    #[test]
    fn twelve_weeks_of_distinct_users_oldest_first() {
        // 100 days; in the week k weeks back (days 7k … 7k+6 back) users 0 … 9+k are active
        // every day: one user fewer each week towards today.
        let rollups = days(99, 0, |b| 0..10 + (b / 7) as u32);
        let weeks = weekly_active_users(&rollups, d(), CHART_WEEKS);
        let last_days: Vec<NaiveDate> = weeks.iter().map(|w| w.last_day).collect();
        let expected: Vec<NaiveDate> = (0..12).rev().map(|k| back(7 * k)).collect();
        assert_eq!(last_days, expected);
        let users: Vec<usize> = weeks.iter().map(|w| w.users).collect();
        assert_eq!(users, [21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10]);
        // The last week is usage's count: 10 users in the 7 days to d.
        assert_eq!(
            super::super::usage(&rollups, d(), Some(20)).figures,
            "10 of 20 seats active in the 7 days to 2026-11-23"
        );
    }

    #[test]
    fn a_week_counts_each_user_once_and_only_its_own_days() {
        // Users 0–9 on each of the 7 days to d: 10, not 70; users 10–14 8 days back: the
        // week before.
        let mut rollups = days(6, 0, |_| 0..10);
        rollups.extend(days(7, 7, |_| 10..15));
        let weeks = weekly_active_users(&rollups, d(), 12);
        assert_eq!(
            weeks,
            [
                ActiveWeek {
                    last_day: back(7),
                    users: 5
                },
                ActiveWeek {
                    last_day: d(),
                    users: 10
                }
            ]
        );
    }

    #[test]
    fn weeks_before_the_first_data_are_left_out_and_no_data_is_no_weeks() {
        // Data from 20 days back: weeks ending 0, 7, 14 back hold data; 21 back does not.
        let rollups = days(20, 0, |_| 0..3);
        let weeks = weekly_active_users(&rollups, d(), 12);
        assert_eq!(weeks.len(), 3);
        assert_eq!(weeks[0].last_day, back(14));
        // The first week is only partly observed, and says so by its count, not by zeros.
        assert_eq!(weeks[0].users, 3);
        assert!(weekly_active_users(&[], d(), 12).is_empty());
        // Days after `day` are not data yet.
        let later = days(0, 0, |_| 0..3);
        assert!(weekly_active_users(&later, back(1), 12).is_empty());
        assert!(weekly_active_users(&rollups, d(), 0).is_empty());
    }

    #[test]
    fn week_over_week_needs_data_in_the_week_before() {
        let mut rollups = days(6, 0, |_| 0..29);
        assert_eq!(week_over_week(&rollups, d()), None);
        rollups.extend(days(13, 7, |_| 0..42));
        assert_eq!(week_over_week(&rollups, d()), Some((42, 29)));
    }

    #[test]
    fn change_rounds_half_away_from_zero() {
        assert_eq!(change_percent(42, 29), Some(-31));
        assert_eq!(change_percent(10, 7), Some(-30));
        assert_eq!(change_percent(3, 1), Some(-67));
        assert_eq!(change_percent(8, 9), Some(13)); // 12.5 → 13
        assert_eq!(change_percent(8, 7), Some(-13));
        assert_eq!(change_percent(6, 0), Some(-100));
        assert_eq!(change_percent(5, 20), Some(300));
        assert_eq!(change_percent(7, 7), Some(0));
        assert_eq!(change_percent(0, 7), None);
        assert_eq!(
            change_percent(1, usize::MAX),
            Some(i64::try_from(100 * (u128::from(u64::MAX) - 1)).unwrap_or(i64::MAX))
        );
    }

    #[test]
    fn the_biggest_movers_by_percent_then_users_then_name() {
        let changes = [
            ("Acme", 42, 29),      // −31 %
            ("Globex", 400, 380),  // −5 %
            ("Initech", 10, 15),   // +50 %
            ("Hooli", 4, 40),      // too small before
            ("Umbrella", 20, 20),  // no change
            ("Stark", 1000, 1004), // rounds to 0 %
            ("Wayne", 100, 150),   // +50 %, more users than Initech
            ("Pied Piper", 0, 30), // no users before
        ];
        let top = movers(changes, 3);
        let shown: Vec<(&str, String)> = top.iter().map(|m| (m.key, m.figures())).collect();
        assert_eq!(
            shown,
            [
                ("Wayne", "100 → 150 (+50 %)".to_string()),
                ("Initech", "10 → 15 (+50 %)".to_string()),
                ("Acme", "42 → 29 (−31 %)".to_string()),
            ]
        );
        let all = movers(changes, 10);
        let keys: Vec<&str> = all.iter().map(|m| m.key).collect();
        assert_eq!(keys, ["Wayne", "Initech", "Acme", "Globex"]);
        // Equal in both: by key.
        let tied = movers([("b", 10, 5), ("a", 10, 5)], 3);
        assert_eq!(tied[0].key, "a");
        assert!(movers(Vec::<(&str, usize, usize)>::new(), 3).is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever the counts: at most `n`, each with ≥ 5 before and a non-zero change whose
        /// sign is the direction, in non-increasing size of change.
        #[test]
        fn movers_are_bounded_and_ordered(
            changes in prop::collection::vec((0usize..3, 0usize..2000, 0usize..2000), 0..40),
            n in 0usize..6,
        ) {
            let keyed: Vec<(usize, usize, usize)> = changes
                .iter()
                .enumerate()
                .map(|(i, &(_, before, after))| (i, before, after))
                .collect();
            let top = movers(keyed, n);
            prop_assert!(top.len() <= n);
            for m in &top {
                prop_assert!(m.before >= MOVER_MIN_BEFORE);
                prop_assert!(m.percent != 0);
                prop_assert_eq!(m.percent < 0, m.after < m.before);
            }
            for pair in top.windows(2) {
                prop_assert!(pair[0].percent.unsigned_abs() >= pair[1].percent.unsigned_abs());
            }
        }
    }
}
