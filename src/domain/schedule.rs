//! Purpose: subscriptions to scheduled posts and when they fall due — days (`mon-fri`,
//! `mon,wed`, `weekdays`), local time and IANA time zone, computed so daylight-saving changes
//! neither skip nor double a post.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::DomainError;

crate::word_enum! {
    /// What a subscription posts.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum PostKind {
        /// Monday digest of the week.
        Weekly => "weekly",
        /// The at-risk list for the daily standup.
        Standup => "standup",
        /// Accounts that entered a renewal stage.
        Renewals => "renewals",
        /// Manager pings, as causes arise.
        Escalations => "escalations",
    }
}

impl PostKind {
    /// What a post of this kind is, in a line about it: `weekly digest → #cs-team`.
    pub fn title(self) -> &'static str {
        match self {
            PostKind::Weekly => "weekly digest",
            PostKind::Standup => "standup list",
            PostKind::Renewals => "renewal reminders",
            PostKind::Escalations => "escalation",
        }
    }

    /// Default days and local time: weekly Monday 09:00, standup Monday–Friday 09:30,
    /// renewals daily 09:00; escalations are checked on every run.
    pub fn default_schedule(self) -> (Days, NaiveTime) {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        match self {
            PostKind::Weekly => (Days::of(&[Weekday::Mon]), at(9, 0)),
            PostKind::Standup => (Days::WEEKDAYS, at(9, 30)),
            PostKind::Renewals | PostKind::Escalations => (Days::EVERY_DAY, at(9, 0)),
        }
    }
}

/// A set of weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Days(u8);

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Days {
    pub const WEEKDAYS: Days = Days(0b0011111);
    pub const EVERY_DAY: Days = Days(0b1111111);

    pub fn of(days: &[Weekday]) -> Days {
        Days(
            days.iter()
                .fold(0, |bits, d| bits | 1 << d.num_days_from_monday()),
        )
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// `mon`, `mon,wed`, `mon-fri`, `weekdays`, `daily` (DECISIONS 7).
    pub fn parse(input: &str) -> Result<Days, DomainError> {
        let bad = |part: &str| {
            DomainError::invalid(
                "day",
                format!("\"{part}\" is not a day"),
                "day:mon, day:mon,wed, day:mon-fri or day:weekdays",
            )
        };
        let index = |name: &str| day_index(name).ok_or_else(|| bad(name));
        let mut bits = 0u8;
        for part in input.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.to_lowercase().as_str() {
                "weekdays" => bits |= Days::WEEKDAYS.0,
                "weekends" => bits |= 0b1100000,
                "daily" | "everyday" => bits |= Days::EVERY_DAY.0,
                _ => match part.split_once('-') {
                    Some((from, to)) => {
                        let (a, b) = (index(from)?, index(to)?);
                        let mut i = a;
                        loop {
                            bits |= 1 << i;
                            if i == b {
                                break;
                            }
                            i = (i + 1) % 7;
                        }
                    }
                    None => bits |= 1 << index(part)?,
                },
            }
        }
        if bits == 0 {
            return Err(bad(input));
        }
        Ok(Days(bits))
    }

    /// `mon-fri`, `mon`, `mon,wed`, `daily`.
    pub fn describe(self) -> String {
        match self {
            Days::EVERY_DAY => "daily".into(),
            Days::WEEKDAYS => "mon-fri".into(),
            _ => DAY_NAMES
                .iter()
                .enumerate()
                .filter(|(i, _)| self.0 & (1 << i) != 0)
                .map(|(_, d)| *d)
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

/// `mon`/`monday` → 0 … `sun`/`sunday` → 6.
fn day_index(name: &str) -> Option<u8> {
    Some(match name.trim().to_lowercase().as_str() {
        "mon" | "monday" => 0,
        "tue" | "tues" | "tuesday" => 1,
        "wed" | "wednesday" => 2,
        "thu" | "thur" | "thurs" | "thursday" => 3,
        "fri" | "friday" => 4,
        "sat" | "saturday" => 5,
        "sun" | "sunday" => 6,
        _ => return None,
    })
}

/// Parses `09:00` / `9:30`.
pub fn parse_time(input: &str) -> Result<NaiveTime, DomainError> {
    NaiveTime::parse_from_str(input.trim(), "%H:%M").map_err(|_| {
        DomainError::invalid(
            "time",
            format!("\"{input}\" is not a time of day"),
            "time:09:00",
        )
    })
}

/// Parses an IANA time zone name.
pub fn parse_zone(input: &str) -> Result<Tz, DomainError> {
    input.trim().parse().map_err(|_| {
        DomainError::invalid(
            "tz",
            format!("\"{input}\" is not an IANA time zone"),
            "tz:Europe/Berlin or tz:America/New_York",
        )
    })
}

/// A channel's subscription to one kind of post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub kind: PostKind,
    /// Platform channel id (`console` on the console).
    pub channel: String,
    pub days: Days,
    pub time: NaiveTime,
    /// `None`: the tenant's (or the configured) time zone.
    #[serde(default)]
    pub zone: Option<String>,
    /// When the subscription was made: earlier occurrences were never owed.
    pub since: DateTime<Utc>,
}

impl Subscription {
    /// A stable key: `weekly@C123`. Doubles as the storage key of its posts.
    pub fn key(&self) -> String {
        format!("{}@{}", self.kind.name(), self.channel)
    }

    pub fn zone_or(&self, default: Tz) -> Tz {
        self.zone
            .as_deref()
            .and_then(|z| z.parse().ok())
            .unwrap_or(default)
    }

    /// The instant the post for local date `date` falls due, if `date` is one of its days.
    /// A local time skipped by a DST change posts at the first valid minute after it; a time
    /// that occurs twice posts at the first occurrence.
    pub fn occurrence(&self, date: NaiveDate, zone: Tz) -> Option<DateTime<Utc>> {
        if !self.days.contains(date.weekday()) {
            return None;
        }
        let local = date.and_time(self.time);
        (0..=180).find_map(|minutes| {
            match zone.from_local_datetime(&(local + Duration::minutes(minutes))) {
                LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
                LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
                LocalResult::None => None,
            }
        })
    }

    /// The period due at `now`: today's local date when today's occurrence has passed.
    /// Yesterday's occurrences are out of their day and never due.
    pub fn due_period(&self, now: DateTime<Utc>, zone: Tz) -> Option<NaiveDate> {
        let today = now.with_timezone(&zone).date_naive();
        self.occurrence(today, zone)
            .filter(|at| *at <= now)
            .map(|_| today)
    }

    /// The most recent occurrence strictly before local date `before` (up to 8 days back).
    pub fn previous_period(&self, before: NaiveDate, zone: Tz) -> Option<NaiveDate> {
        (1..=8)
            .map(|d| before - Duration::days(d))
            .find(|d| self.occurrence(*d, zone).is_some())
    }

    /// The next instant strictly after `now` at which this subscription falls due.
    pub fn next_due(&self, now: DateTime<Utc>, zone: Tz) -> Option<DateTime<Utc>> {
        let today = now.with_timezone(&zone).date_naive();
        (0..=8)
            .filter_map(|d| self.occurrence(today + Duration::days(d), zone))
            .find(|at| *at > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Europe::Berlin};

    fn sub(kind: PostKind, days: &str, time: &str) -> Subscription {
        Subscription {
            kind,
            channel: "C1".into(),
            days: Days::parse(days).expect("days"),
            time: parse_time(time).expect("time"),
            zone: None,
            since: utc(2026, 1, 1, 0, 0),
        }
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn day_sets() {
        assert_eq!(Days::parse("mon-fri"), Ok(Days::WEEKDAYS));
        assert_eq!(Days::parse("weekdays"), Ok(Days::WEEKDAYS));
        assert_eq!(
            Days::parse("Mon,Wed").map(Days::describe),
            Ok("mon,wed".into())
        );
        assert_eq!(
            Days::parse("fri-mon").map(Days::describe),
            Ok("mon,fri,sat,sun".into())
        );
        assert_eq!(Days::parse("daily"), Ok(Days::EVERY_DAY));
        assert!(Days::parse("someday").is_err());
        assert!(Days::parse("").is_err());
        assert!(parse_time("25:00").is_err());
        assert!(parse_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn due_only_within_its_local_day() {
        let s = sub(PostKind::Weekly, "mon", "09:00");
        // Monday 2026-03-02 09:00 in Berlin is 08:00 UTC.
        assert_eq!(s.due_period(utc(2026, 3, 2, 7, 59), Berlin), None);
        assert_eq!(
            s.due_period(utc(2026, 3, 2, 8, 0), Berlin),
            NaiveDate::from_ymd_opt(2026, 3, 2)
        );
        assert_eq!(
            s.due_period(utc(2026, 3, 2, 22, 59), Berlin),
            NaiveDate::from_ymd_opt(2026, 3, 2)
        );
        // 23:00 UTC is already Tuesday in Berlin: the missed Monday is not made up.
        assert_eq!(s.due_period(utc(2026, 3, 2, 23, 0), Berlin), None);
        assert_eq!(
            s.next_due(utc(2026, 3, 2, 8, 0), Berlin),
            Some(utc(2026, 3, 9, 8, 0))
        );
    }

    #[test]
    fn daylight_saving_neither_skips_nor_doubles() {
        // New York springs forward on 2026-03-08 at 02:00 → 03:00; a 02:30 post moves to 03:00.
        let s = sub(PostKind::Renewals, "daily", "02:30");
        assert_eq!(
            s.occurrence(
                NaiveDate::from_ymd_opt(2026, 3, 8).expect("valid"),
                New_York
            ),
            Some(utc(2026, 3, 8, 7, 0))
        );
        // It falls back on 2026-11-01 at 02:00 → 01:00; a 01:30 post happens once, the first time.
        let s = sub(PostKind::Renewals, "daily", "01:30");
        assert_eq!(
            s.occurrence(
                NaiveDate::from_ymd_opt(2026, 11, 1).expect("valid"),
                New_York
            ),
            Some(utc(2026, 11, 1, 5, 30))
        );
        // 09:00 local stays 09:00 local across the change: 14:00 UTC before, 13:00 UTC after.
        let s = sub(PostKind::Weekly, "mon", "09:00");
        assert_eq!(
            s.occurrence(
                NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid"),
                New_York
            ),
            Some(utc(2026, 3, 2, 14, 0))
        );
        assert_eq!(
            s.occurrence(
                NaiveDate::from_ymd_opt(2026, 3, 9).expect("valid"),
                New_York
            ),
            Some(utc(2026, 3, 9, 13, 0))
        );
    }

    #[test]
    fn previous_period_for_skipped_misses() {
        let s = sub(PostKind::Standup, "mon-fri", "09:30");
        let monday = NaiveDate::from_ymd_opt(2026, 3, 9).expect("valid");
        assert_eq!(
            s.previous_period(monday, Berlin),
            NaiveDate::from_ymd_opt(2026, 3, 6)
        );
    }
}
