//! Purpose: the indicators read from who was active — usage drop, gone quiet, champion
//! inactive, seat ceiling (rules in the parent module's table).

use super::{History, Indicator, IndicatorKind, PersonUser};
use crate::domain::signals::rollup::DayRollup;
use crate::domain::signals::weeks::change_percent;
use crate::domain::stakeholder::Role;

/// Weekly active users count the last 7 days.
const WEEK: i64 = 7;
/// Usage drop needs at least this many weekly active users the week before.
const DROP_MIN_BEFORE: usize = 5;
/// … and fires below this share of them, in percent (a fall of more than 20 %).
const DROP_KEEPS_PERCENT: usize = 80;
/// Gone quiet: this many days without activity …
pub(super) const QUIET_DAYS: i64 = 14;
/// … after activity in this many days before them.
const QUIET_ACTIVE_BEFORE_DAYS: i64 = 30;
/// A champion's user inactive this many days.
const CHAMPION_DAYS: i64 = 30;
/// Seat ceiling: usage of at least this percent …
const CEILING_PERCENT: u64 = 95;
/// … on each of this many days.
const CEILING_DAYS: i64 = 14;

/// The users active in the last 20 days — the two weeks usage drop compares, and the 14
/// weeks (ending on each of the last 14 days) seat ceiling reads — each with a bit mask of
/// the days they were active (bit `b`: `b` days back). Built by merging the days' sorted
/// users one day at a time, so each week's count is a pass over the masks instead of a new
/// set of users.
pub(super) struct RecentUsers(Vec<(u32, u32)>);

impl RecentUsers {
    /// 2 weeks, and 14 days + the 6 before the first of them.
    const DAYS: i64 = 20;

    pub(super) fn of(h: &History) -> Self {
        let mut users: Vec<(u32, u32)> = Vec::new();
        let mut merged = Vec::new();
        for r in h.between(0, Self::DAYS) {
            let bit = 1 << h.back(r);
            let mut known = users.iter().copied().peekable();
            for user in r.active_users() {
                while let Some(earlier) = known.next_if(|&(u, _)| u < user) {
                    merged.push(earlier);
                }
                match known.next_if(|&(u, _)| u == user) {
                    Some((_, mask)) => merged.push((user, mask | bit)),
                    None => merged.push((user, bit)),
                }
            }
            merged.extend(known);
            std::mem::swap(&mut users, &mut merged);
            merged.clear();
        }
        RecentUsers(users)
    }

    /// Distinct users active in the 7 days ending `b` days back (`b` ≤ 13).
    fn week_to(&self, b: i64) -> usize {
        let week = 0x7f << b;
        self.0.iter().filter(|&&(_, mask)| mask & week != 0).count()
    }
}

fn has_activity(rollup: &&DayRollup) -> bool {
    rollup.active_users().next().is_some()
}

/// `(d-7, d]` against `(d-14, d-7]`.
pub(super) fn usage_drop(h: &History, recent: &RecentUsers) -> Option<Indicator> {
    let (before, this_week) = (recent.week_to(WEEK), recent.week_to(0));
    if before < DROP_MIN_BEFORE || this_week * 100 >= before * DROP_KEEPS_PERCENT {
        return None;
    }
    let fall = change_percent(before, this_week)?.unsigned_abs();
    Some(Indicator::new(
        IndicatorKind::UsageDrop,
        format!(
            "weekly active users {before} → {this_week}, −{fall} %, {} → {}",
            h.date(WEEK),
            h.day
        ),
    ))
}

/// Nothing in `(d-14, d]`, something in `(d-44, d-14]`.
pub(super) fn gone_quiet(h: &History) -> Option<Indicator> {
    if h.between(0, QUIET_DAYS).iter().any(has_activity) {
        return None;
    }
    let last = h
        .between(QUIET_DAYS, QUIET_DAYS + QUIET_ACTIVE_BEFORE_DAYS)
        .iter()
        .rev()
        .find(|r| has_activity(r))?;
    Some(Indicator::new(
        IndicatorKind::GoneQuiet,
        format!(
            "no activity in the {QUIET_DAYS} days to {}; last activity on {}",
            h.day, last.day
        ),
    ))
}

/// Each champion whose user did nothing in `(d-30, d]`, once 30 days of data were observed.
pub(super) fn champions_inactive(h: &History, people: &[PersonUser]) -> Vec<Indicator> {
    let Some(first) = h.days.first().filter(|r| h.back(r) >= CHAMPION_DAYS - 1) else {
        return Vec::new();
    };
    let recent = h.between(0, CHAMPION_DAYS);
    people
        .iter()
        .filter(|p| p.role == Role::Champion)
        .filter(|p| !recent.iter().any(|r| r.is_active(p.user)))
        .map(|p| {
            let last = h.days.iter().rev().find(|r| r.is_active(p.user));
            let since = match last {
                Some(r) => format!("last active on {}", r.day),
                None => format!("not active since data began on {}", first.day),
            };
            Indicator::of_person(
                IndicatorKind::ChampionInactive,
                p,
                format!(
                    "no activity of {} (champion) in the {CHAMPION_DAYS} days to {}; {since}",
                    p.name, h.day
                ),
            )
        })
        .collect()
}

/// Usage ≥ 95 % on each day of `(d-14, d]`.
pub(super) fn seat_ceiling(
    h: &History,
    seats: Option<u32>,
    recent: &RecentUsers,
) -> Option<Indicator> {
    let seats = u64::from(seats.filter(|&s| s > 0)?);
    let full = |users: usize| 100 * users as u64 >= CEILING_PERCENT * seats;
    let mut lowest = (usize::MAX, 0);
    for b in 0..CEILING_DAYS {
        let users = recent.week_to(b);
        if !full(users) {
            return None;
        }
        if users < lowest.0 {
            lowest = (users, b);
        }
    }
    let (users, b) = lowest;
    let percent = (100 * users as u64 / seats).min(100);
    Some(Indicator::new(
        IndicatorKind::SeatCeiling,
        format!(
            "usage ≥ {CEILING_PERCENT} % on each of the {CEILING_DAYS} days to {}; lowest {percent} % ({users} of {seats} seats active in the {WEEK} days to {})",
            h.day,
            h.date(b)
        ),
    ))
}
