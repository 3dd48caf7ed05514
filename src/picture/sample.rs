//! Purpose: test data for the pictures — accounts, dates, signals of a chosen score, and
//! proptest strategies for any picture data at all.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use proptest::prelude::*;

use super::health_trend::TrendPoint;
use super::power_grid::GridPerson;
use super::renewal_timeline::Renewal;
use super::{HealthTrend, Picture, PowerGrid, RenewalTimeline, WeeklyUsers};
use crate::domain::account::{Account, AccountId};
use crate::domain::health::{score, Band, Signals, TicketTrend};
use crate::domain::money::Money;
use crate::domain::signals::ActiveWeek;
use crate::domain::stakeholder::{Influence, Role, Sentiment, Stakeholder};

pub fn day(month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, d).expect("valid date")
}

/// 09:00 UTC on `date`.
pub fn at(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(NaiveTime::MIN).and_utc() + Duration::hours(9)
}

pub fn account(name: &str) -> Account {
    Account::new(
        AccountId(1),
        name.into(),
        Money(120_000),
        day(6, 1),
        at(day(1, 1)),
    )
}

/// Signals whose weighted score is exactly `target` (every category known): searches the
/// 3^5 green/yellow/red combinations.
pub fn signals_scoring(target: f64) -> Signals {
    (0..243u32)
        .map(|combo| {
            let rating = |k: u32| (combo / 3u32.pow(k)) % 3;
            Signals {
                usage: Some([95.0, 60.0, 10.0][rating(0) as usize]),
                adoption: Some([3, 1, 0][rating(1) as usize]),
                nps: Some([9, 7, 3][rating(2) as usize]),
                tickets: Some(
                    [
                        TicketTrend::Zero,
                        TicketTrend::Stable,
                        TicketTrend::Escalated,
                    ][rating(3) as usize],
                ),
                roi: Some([95.0, 80.0, 10.0][rating(4) as usize]),
            }
        })
        .find(|s| score(s) == Some(target))
        .expect("a reachable score")
}

pub fn person(name: &str, role: Role, influence: Influence, sentiment: Sentiment) -> Stakeholder {
    let mut s = Stakeholder::new(name.into(), role, day(1, 1));
    s.influence = influence;
    s.sentiment = sentiment;
    s
}

fn any_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[A-Za-z &]{1,20}",
        any::<String>(),
        ".{100,400}",
    ]
}

fn any_band() -> impl Strategy<Value = Band> {
    prop::sample::select(vec![Band::Green, Band::Yellow, Band::Red, Band::Unknown])
}

fn any_trend() -> impl Strategy<Value = HealthTrend> {
    let point = (-400i64..400, any::<f64>()).prop_map(|(hours, score)| TrendPoint {
        at: at(day(3, 2)) - Duration::hours(hours * 6),
        score,
    });
    (any_name(), prop::collection::vec(point, 0..120)).prop_map(|(account, mut points)| {
        points.sort_by_key(|p| p.at);
        HealthTrend {
            account,
            today: day(3, 2),
            points,
        }
    })
}

fn any_grid() -> impl Strategy<Value = PowerGrid> {
    let person = (
        any_name(),
        prop::sample::select(Role::ALL.to_vec()),
        prop::sample::select(Influence::ALL.to_vec()),
        prop::sample::select(Sentiment::ALL.to_vec()),
        any::<bool>(),
    )
        .prop_map(|(name, role, influence, sentiment, departed)| GridPerson {
            name,
            role,
            influence,
            sentiment,
            departed,
        });
    (any_name(), prop::collection::vec(person, 0..40))
        .prop_map(|(account, people)| PowerGrid { account, people })
}

fn any_timeline() -> impl Strategy<Value = RenewalTimeline> {
    let renewal = (any_name(), any::<u64>(), -30i64..200, any_band()).prop_map(
        |(account, arr, days, band)| Renewal {
            account,
            arr: Money(arr),
            date: day(3, 2) + Duration::days(days),
            band,
        },
    );
    (
        prop::collection::vec(renewal, 0..200),
        any::<usize>(),
        any_name(),
    )
        .prop_map(|(renewals, overdue, currency)| RenewalTimeline {
            today: day(3, 2),
            currency,
            renewals,
            overdue,
        })
}

fn any_weekly() -> impl Strategy<Value = WeeklyUsers> {
    let week = (-30i64..200, any::<usize>()).prop_map(|(back, users)| ActiveWeek {
        last_day: day(3, 2) - Duration::days(back),
        users,
    });
    (
        any_name(),
        prop::collection::vec(week, 0..20),
        any::<Option<u32>>(),
    )
        .prop_map(|(account, weeks, seats)| WeeklyUsers {
            account,
            today: day(3, 2),
            weeks,
            seats,
        })
}

pub fn any_picture() -> impl Strategy<Value = Picture> {
    prop_oneof![
        any_trend().prop_map(Picture::HealthTrend),
        any_weekly().prop_map(Picture::WeeklyUsers),
        any_grid().prop_map(Picture::PowerGrid),
        any_timeline().prop_map(Picture::RenewalTimeline),
    ]
}
