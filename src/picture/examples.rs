//! Purpose: one example of each picture, from fixed sample data dated 2026-03-02 — what
//! README shows (`tests/pictures/`) and what `cargo bench --bench pictures -- --save DIR`
//! writes for people to look at.

use chrono::{Duration, NaiveDate, NaiveTime};

use super::{HealthTrend, Picture, PowerGrid, RenewalTimeline, WeeklyUsers};
use crate::domain::account::{Account, AccountId};
use crate::domain::health::{Signals, Snapshot, TicketTrend};
use crate::domain::money::Money;
use crate::domain::signals::ActiveWeek;
use crate::domain::stakeholder::{Influence, Role, Sentiment, Stakeholder};

/// The four examples, each with the file name README uses for it.
pub fn examples() -> Vec<(&'static str, Picture)> {
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
    let acme = acme(today);
    let book = book(today);
    let mut out = Vec::new();
    if let Some(trend) = HealthTrend::of(&acme, today) {
        out.push(("health-trend.png", Picture::HealthTrend(trend)));
    }
    if let Some(weekly) = WeeklyUsers::of(&acme.name, today, acme_weeks(today), acme.seats) {
        out.push(("weekly-users.png", Picture::WeeklyUsers(weekly)));
    }
    if let Some(grid) = PowerGrid::of(&acme) {
        out.push(("power-grid.png", Picture::PowerGrid(grid)));
    }
    let timeline = RenewalTimeline::of(&book, today);
    out.push(("renewal-timeline.png", Picture::RenewalTimeline(timeline)));
    out
}

/// Acme Corp's weekly active users: steady, a dip as the tickets climbed, then back.
fn acme_weeks(today: NaiveDate) -> Vec<ActiveWeek> {
    [46, 47, 45, 46, 44, 41, 36, 31, 33, 38, 42, 44]
        .into_iter()
        .rev()
        .enumerate()
        .map(|(k, users)| ActiveWeek {
            last_day: today - Duration::days(7 * k as i64),
            users,
        })
        .rev()
        .collect()
}

fn account(id: u64, name: &str, arr: u64, renewal: NaiveDate, today: NaiveDate) -> Account {
    let then = (today - Duration::days(400))
        .and_time(NaiveTime::MIN)
        .and_utc();
    Account::new(AccountId(id), name.into(), Money(arr), renewal, then)
}

/// Signals: usage %, core features, NPS, ticket trend, ROI %.
fn signals(usage: f64, adoption: u32, nps: u8, tickets: TicketTrend, roi: f64) -> Signals {
    Signals {
        usage: Some(usage),
        adoption: Some(adoption),
        nps: Some(nps),
        tickets: Some(tickets),
        roi: Some(roi),
    }
}

/// Acme Corp: green, a slide through yellow into red as tickets climbed, then a recovery.
fn acme(today: NaiveDate) -> Account {
    use TicketTrend::*;
    let mut acme = account(1, "Acme Corp", 250_000, today + Duration::days(100), today);
    acme.seats = Some(50);
    let readings = [
        (88, signals(92.0, 4, 9, Zero, 95.0)),
        (74, signals(88.0, 4, 9, Decreasing, 93.0)),
        (60, signals(78.0, 4, 9, Stable, 92.0)),
        (47, signals(76.0, 3, 8, Stable, 88.0)),
        (33, signals(70.0, 3, 7, Increasing, 85.0)),
        (21, signals(62.0, 2, 6, Increasing, 80.0)),
        (12, signals(66.0, 3, 7, Stable, 82.0)),
        (4, signals(82.0, 3, 7, Decreasing, 86.0)),
    ];
    for (days_ago, signals) in readings {
        let at = (today - Duration::days(days_ago))
            .and_time(NaiveTime::MIN)
            .and_utc()
            + Duration::hours(10);
        acme.health.push(Snapshot { at, signals });
    }
    use Influence::*;
    use Sentiment::*;
    let people = [
        ("Alice Chen", Role::Champion, High, Champion, false),
        ("Bob Ruiz", Role::EconomicBuyer, High, Positive, false),
        ("Mindy Park", Role::DecisionMaker, High, Positive, true),
        ("Hank Scorpio", Role::ExecutiveSponsor, High, Neutral, false),
        ("Sam Ode", Role::Blocker, High, Detractor, false),
        ("Dana Wu", Role::EndUser, Low, Positive, false),
        ("Priya Natarajan", Role::Influencer, Low, Champion, false),
        ("Lars Eriksson", Role::EndUser, Low, Neutral, false),
    ];
    for (name, role, influence, sentiment, departed) in people {
        let mut person = Stakeholder::new(name.into(), role, today - Duration::days(200));
        person.influence = influence;
        person.sentiment = sentiment;
        person.departed = departed;
        acme.stakeholders.push(person);
    }
    acme
}

/// Twenty accounts renewing over the next four months, in every health band.
fn book(today: NaiveDate) -> Vec<Account> {
    use TicketTrend::*;
    let green = signals(90.0, 4, 9, Zero, 95.0);
    let yellow = signals(65.0, 2, 7, Stable, 85.0);
    let red = signals(35.0, 1, 4, Escalated, 50.0);
    let renewals = [
        ("Acme Corp", 250_000, 100, Some(green)),
        ("Globex", 180_000, 25, Some(yellow)),
        ("Initech", 95_000, 12, Some(red)),
        ("Umbrella Health", 420_000, 58, Some(red)),
        ("Stark Industries", 610_000, 84, Some(green)),
        ("Wayne Logistics", 75_000, 5, Some(green)),
        ("Hooli", 130_000, 41, Some(yellow)),
        ("Cyberdyne", 55_000, 33, None),
        ("Soylent", 38_000, 70, Some(green)),
        ("Tyrell", 290_000, 112, Some(yellow)),
        ("Wonka Foods", 22_000, 18, Some(green)),
        ("Oscorp", 160_000, 95, Some(red)),
        ("Vandelay Import", 15_000, 47, Some(yellow)),
        ("Massive Dynamic", 340_000, 64, Some(green)),
        ("Gringotts", 88_000, 77, None),
        ("Monarch Solutions", 47_000, 88, Some(yellow)),
        ("Pied Piper", 28_000, 104, Some(green)),
        ("Dunder Mifflin", 64_000, 9, Some(yellow)),
        ("Aperture Labs", 205_000, 36, Some(green)),
        ("Nakatomi Trading", 118_000, 118, Some(red)),
    ];
    let now = today.and_time(NaiveTime::MIN).and_utc();
    renewals
        .iter()
        .enumerate()
        .map(|(i, (name, arr, days, health))| {
            let mut a = account(
                i as u64 + 1,
                name,
                *arr,
                today + Duration::days(*days),
                today,
            );
            if let Some(signals) = health {
                a.health.push(Snapshot {
                    at: now - Duration::days(3),
                    signals: *signals,
                });
            }
            a
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_example_of_each_picture() {
        let examples = examples();
        let names: Vec<&str> = examples.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names,
            [
                "health-trend.png",
                "weekly-users.png",
                "power-grid.png",
                "renewal-timeline.png"
            ]
        );
        for (_, picture) in &examples {
            assert!(!picture.png().is_empty());
        }
    }
}
