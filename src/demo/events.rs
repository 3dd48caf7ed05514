//! Purpose: the demo's received data — 90 days of product events for most sample accounts,
//! each with a story that health, the indicators and the weekly-users chart then tell:
//! steady use, a usage drop (Globex), every seat in use (Umbrella Health), a slow decline,
//! growth, a ticket spike (Initech). Generated from a fixed seed per account, so the same
//! `--now` gives the same events; dated in the tenant's time zone, none after `now`.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::domain::signals::TicketChange;
use crate::ingest::{Detail, Fact, Message, MessageId, MessageType, Origin};

/// How many days of events the demo has: today and the 89 before.
pub const DAYS: u64 = 90;

/// Track events the sample users send, one picked per active day.
const EVENTS: [&str; 3] = ["Report Created", "Dashboard Viewed", "Export Downloaded"];

/// How many of an account's users are in use on a day.
#[derive(Debug, Clone, Copy)]
enum Story {
    /// The same users throughout.
    Steady(u32),
    /// `from` users until `days` days ago, then only `to` of them.
    Drop { from: u32, to: u32, days: u64 },
    /// From `from` users 89 days ago to `to` today, in a straight line.
    Trend { from: u32, to: u32 },
}

impl Story {
    /// The users in use `back` days before today.
    fn users(self, back: u64) -> u32 {
        match self {
            Story::Steady(users) => users,
            Story::Drop { from, to, days } => {
                if back < days {
                    to
                } else {
                    from
                }
            }
            Story::Trend { from, to } => {
                let elapsed = (DAYS - 1).saturating_sub(back) as i64;
                let (from, to) = (i64::from(from), i64::from(to));
                let users = from + (to - from) * elapsed / (DAYS as i64 - 1);
                u32::try_from(users).unwrap_or(0)
            }
        }
    }
}

/// One account's data: its story, how many users more or fewer a week may have than the
/// story says (drawn once a week), and how likely each user in use is active on a day.
struct Sample {
    account: &'static str,
    story: Story,
    wobble: i64,
    daily_percent: u32,
    /// Help-desk ticket changes: (days back, hour, ticket id, change).
    tickets: &'static [(u64, u32, &'static str, TicketChange)],
}

/// Soylent Foods and Vandelay Industries have no integration yet: no data, no chart.
const SAMPLES: [Sample; 10] = [
    Sample {
        account: "Acme Corp",
        story: Story::Steady(44),
        wobble: 3,
        daily_percent: 60,
        tickets: &[],
    },
    Sample {
        account: "Globex",
        story: Story::Drop {
            from: 36,
            to: 22,
            days: 10,
        },
        wobble: 2,
        daily_percent: 60,
        tickets: &[],
    },
    Sample {
        account: "Initech",
        story: Story::Trend { from: 12, to: 8 },
        wobble: 0,
        daily_percent: 50,
        tickets: &[
            (1, 9, "4711", TicketChange::Created),
            (1, 11, "4712", TicketChange::Created),
            (1, 14, "4713", TicketChange::Created),
            (1, 16, "4712", TicketChange::Escalated),
        ],
    },
    Sample {
        account: "Umbrella Health",
        story: Story::Steady(25),
        wobble: 0,
        daily_percent: 80,
        tickets: &[],
    },
    Sample {
        account: "Stark Retail",
        story: Story::Steady(21),
        wobble: 2,
        daily_percent: 55,
        tickets: &[],
    },
    Sample {
        account: "Wayne Logistics",
        story: Story::Steady(18),
        wobble: 1,
        daily_percent: 60,
        tickets: &[],
    },
    Sample {
        account: "Hooli",
        story: Story::Trend { from: 48, to: 33 },
        wobble: 2,
        daily_percent: 60,
        tickets: &[],
    },
    Sample {
        account: "Cyberdyne Systems",
        story: Story::Trend { from: 36, to: 29 },
        wobble: 2,
        daily_percent: 60,
        tickets: &[],
    },
    Sample {
        account: "Pied Piper",
        story: Story::Trend { from: 7, to: 13 },
        wobble: 0,
        daily_percent: 60,
        tickets: &[],
    },
    Sample {
        account: "Massive Dynamic",
        story: Story::Steady(60),
        wobble: 3,
        daily_percent: 55,
        tickets: &[],
    },
];

/// The events of `account` for the 90 days to `now` in `zone`, oldest first; none for an
/// account without a sample.
pub fn of(account: &str, now: DateTime<Utc>, zone: Tz) -> Vec<Message> {
    let Some(sample) = SAMPLES.iter().find(|s| s.account == account) else {
        return Vec::new();
    };
    let today = now.with_timezone(&zone).date_naive();
    let mut rng = fastrand::Rng::with_seed(seed(account));
    let wobble = sample.wobble;
    let weekly: Vec<i64> = (0..=DAYS / 7).map(|_| rng.i64(-wobble..=wobble)).collect();
    let mut out = Vec::new();
    for back in (0..DAYS).rev() {
        let Some(day) = today.checked_sub_days(Days::new(back)) else {
            continue;
        };
        let offset = weekly.get((back / 7) as usize).copied().unwrap_or(0);
        let users = u32::try_from(i64::from(sample.story.users(back)) + offset).unwrap_or(0);
        for user in 0..users {
            // Drawn for every user and day, active or not, so a day's events do not depend
            // on what the days before drew.
            let active = rng.u32(0..100) < sample.daily_percent;
            let (hour, minute) = (rng.u32(8..18), rng.u32(0..60));
            let event = EVENTS[rng.usize(0..EVENTS.len())];
            let Some(at) = local(day, hour, minute, zone).filter(|at| *at <= now) else {
                continue;
            };
            if active {
                out.push(activity(account, user, event, day, at));
            }
        }
        for &(_, hour, ticket, change) in sample.tickets.iter().filter(|t| t.0 == back) {
            if let Some(at) = local(day, hour, 0, zone).filter(|at| *at <= now) {
                let id = MessageId::Given(format!("demo:{account}:ticket:{ticket}:{at}"));
                let ids = vec![account.to_string()];
                out.push(Message::zendesk_ticket(id, ticket.into(), change, at, ids));
            }
        }
    }
    out
}

/// A track event of the account's user number `user`.
fn activity(account: &str, user: u32, event: &str, day: NaiveDate, at: DateTime<Utc>) -> Message {
    let user = format!("{account} user {user}");
    Message {
        id: MessageId::Given(format!("demo:{user}:{day}")),
        origin: Origin::Events,
        kind: MessageType::Track,
        user_id: Some(user),
        anonymous_id: None,
        at,
        account_ids: vec![account.to_string()],
        fact: Fact::Track {
            event: event.to_string(),
            detail: Detail::Plain,
        },
    }
}

/// `hour:minute` on `day` in `zone`; `None` in a daylight-saving gap.
fn local(day: NaiveDate, hour: u32, minute: u32, zone: Tz) -> Option<DateTime<Utc>> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0)?;
    let at = zone.from_local_datetime(&day.and_time(time)).earliest()?;
    Some(at.with_timezone(&Utc))
}

/// A fixed seed per account (FNV-1a of its name): the same events on every run.
fn seed(account: &str) -> u64 {
    account.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::signals::{evaluate, DayRollup, IndicatorInput, IndicatorKind, Interner};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid")
    }

    /// The account's events folded into day rollups, as the store folds them.
    fn rollups(account: &str) -> Vec<DayRollup> {
        let (mut users, mut events) = (Interner::default(), Interner::default());
        let mut days: Vec<DayRollup> = Vec::new();
        for m in of(account, now(), Tz::UTC) {
            let day = m.day(Tz::UTC);
            if days.last().is_none_or(|r| r.day != day) {
                days.push(DayRollup::new(day));
            }
            if let Some(r) = days.last_mut() {
                m.fold_into(r, &mut users, &mut events).expect("folds");
            }
        }
        days
    }

    fn live(account: &str, seats: u32) -> Vec<IndicatorKind> {
        let rollups = rollups(account);
        let input = IndicatorInput {
            day: now().date_naive(),
            rollups: &rollups,
            seats: Some(seats),
            features: &[],
            events: &Interner::default(),
            people: &[],
            last_customer_message: None,
        };
        evaluate(&input).into_iter().map(|i| i.kind).collect()
    }

    #[test]
    fn ninety_days_to_now_the_same_on_every_run_and_none_in_the_future() {
        let first = of("Acme Corp", now(), Tz::UTC);
        assert_eq!(first, of("Acme Corp", now(), Tz::UTC));
        assert!(first.iter().all(|m| m.at <= now()));
        let days: std::collections::BTreeSet<NaiveDate> =
            first.iter().map(|m| m.day(Tz::UTC)).collect();
        assert_eq!(days.len(), 90);
        assert_eq!(
            days.first().map(|d| d.to_string()).as_deref(),
            Some("2025-12-03")
        );
        assert!(of("Soylent Foods", now(), Tz::UTC).is_empty());
    }

    #[test]
    fn the_stories_show_as_indicators() {
        assert_eq!(live("Globex", 40), [IndicatorKind::UsageDrop]);
        assert_eq!(live("Umbrella Health", 25), [IndicatorKind::SeatCeiling]);
        assert_eq!(live("Initech", 20), [IndicatorKind::TicketSpike]);
        assert!(live("Acme Corp", 50).is_empty());
        assert!(live("Hooli", 60).is_empty());
    }

    #[test]
    fn stories_give_the_users_in_use() {
        let drop = Story::Drop {
            from: 36,
            to: 22,
            days: 10,
        };
        assert_eq!((drop.users(10), drop.users(9), drop.users(0)), (36, 22, 22));
        let trend = Story::Trend { from: 48, to: 33 };
        assert_eq!((trend.users(89), trend.users(0)), (48, 33));
        assert!(trend.users(45) < 48 && trend.users(45) > 33);
    }
}
