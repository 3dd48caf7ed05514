//! Purpose: the indicators' tests — each on generated months (the first day it is live,
//! the day before it is not, the day it clears), its edge values and figures, and hostile
//! rollups that never make `evaluate` panic. Shared builders here; the rules in
//! [`activity`] and [`events`], the proptest in [`hostile`].

mod activity;
mod events;
mod hostile;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::*;
use crate::domain::signals::{NpsScore, TicketChange};

/// The day most tests evaluate.
fn d() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid")
}

/// `n` days before [`d`] (negative: after).
fn back(n: i64) -> NaiveDate {
    d() - chrono::Duration::days(n)
}

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).expect("valid"))
}

/// An account's month(s): a rollup per day from `from` to `to` days back, with the users
/// `users(days back)` returns active.
fn days_active(from: i64, to: i64, users: impl Fn(i64) -> Vec<u32>) -> Vec<DayRollup> {
    (to..=from)
        .rev()
        .map(|b| {
            let mut r = DayRollup::new(back(b));
            users(b).into_iter().for_each(|u| r.record_activity(u));
            r
        })
        .collect()
}

/// Everything but the rollups empty or unknown.
struct Case {
    rollups: Vec<DayRollup>,
    seats: Option<u32>,
    features: Vec<Feature>,
    events: Interner,
    people: Vec<PersonUser>,
}

impl Case {
    fn new(rollups: Vec<DayRollup>) -> Self {
        Case {
            rollups,
            seats: None,
            features: Vec::new(),
            events: Interner::default(),
            people: Vec::new(),
        }
    }

    fn on(&self, day: NaiveDate) -> Vec<Indicator> {
        evaluate(&IndicatorInput {
            day,
            rollups: &self.rollups,
            seats: self.seats,
            features: &self.features,
            events: &self.events,
            people: &self.people,
            last_customer_message: None,
        })
    }

    /// The one indicator of `kind` live on `day`, if any.
    fn live(&self, kind: IndicatorKind, day: NaiveDate) -> Option<Indicator> {
        let found: Vec<Indicator> = self
            .on(day)
            .into_iter()
            .filter(|i| i.kind == kind)
            .collect();
        assert!(found.len() <= 1, "{found:?}");
        found.into_iter().next()
    }

    /// The days (as days back from [`d`], newest last) in `from..=to` back on which `kind`
    /// is live.
    fn live_days(&self, kind: IndicatorKind, from: i64, to: i64) -> Vec<i64> {
        (to..=from)
            .rev()
            .filter(|&b| self.live(kind, back(b)).is_some())
            .collect()
    }
}

fn person(name: &str, role: Role, influence: Influence, user: u32) -> PersonUser {
    PersonUser {
        name: name.into(),
        role,
        influence,
        user,
    }
}

fn tickets_on(day: NaiveDate, changes: &[(&str, TicketChange, u32)]) -> DayRollup {
    let mut r = DayRollup::new(day);
    for &(id, change, hour) in changes {
        r.record_ticket(id, change, at(day, hour));
    }
    r
}

fn answers(day: NaiveDate, scores: &[(u32, u8, u32)]) -> DayRollup {
    let mut r = DayRollup::new(day);
    for &(user, score, hour) in scores {
        r.record_survey(user, NpsScore::new(score).expect("0–10"), at(day, hour));
    }
    r
}

fn feature(name: &str, events: &[&str]) -> Feature {
    Feature {
        name: name.into(),
        events: events.iter().map(|e| e.to_string()).collect(),
    }
}

/// Reports used daily from 90 days back; Dashboards and Alerts from `new_from` days back.
fn breadth_case(new_from: i64) -> Case {
    let mut events = Interner::default();
    let mut id = |name: &str| events.intern(name).expect("room");
    let (report, dash, alert) = (
        id("Report Created"),
        id("Dashboard Viewed"),
        id("Alert Set"),
    );
    let rollups = (0..=90)
        .map(|b| {
            let mut r = DayRollup::new(back(b));
            r.record_event(report);
            if b <= new_from {
                r.record_event(dash);
                r.record_event(alert);
            }
            r
        })
        .collect();
    let mut case = Case::new(rollups);
    case.events = events;
    case.features = vec![
        feature("Reports", &["Report Created"]),
        feature("Dashboards", &["Dashboard Viewed"]),
        feature("Alerts", &["Alert Set"]),
        feature("Exports", &["Export Downloaded"]),
    ];
    case
}

#[test]
fn kinds_have_names_keys_and_parse_either() {
    let names: Vec<_> = IndicatorKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(
        names,
        [
            "usage drop",
            "gone quiet",
            "champion inactive",
            "ticket spike",
            "detractor",
            "seat ceiling",
            "feature breadth up",
            "customer waiting"
        ]
    );
    for kind in IndicatorKind::ALL {
        assert_eq!(IndicatorKind::parse(kind.name()), Some(kind));
        assert_eq!(IndicatorKind::parse(kind.key()), Some(kind));
        assert_eq!(kind.key(), kind.name().replace(' ', "-"));
    }
    assert_eq!(
        IndicatorKind::parse(" Feature_Breadth  up "),
        Some(IndicatorKind::FeatureBreadthUp)
    );
    for word in ["", "usage", "usage drops", "drop usage", "-"] {
        assert_eq!(IndicatorKind::parse(word), None, "{word:?}");
    }
    let risks: Vec<_> = IndicatorKind::ALL.iter().filter(|k| k.is_risk()).collect();
    assert_eq!(risks.len(), 6);
    assert!(!IndicatorKind::SeatCeiling.is_risk() && !IndicatorKind::FeatureBreadthUp.is_risk());
}

#[test]
fn people_are_the_active_stakeholders_whose_email_a_user_has() {
    use crate::domain::email::Email;
    use crate::domain::stakeholder::Stakeholder;
    let added = back(100);
    let with_email = |name: &str, role, email: &str| {
        let mut s = Stakeholder::new(name.into(), role, added);
        s.email = Some(Email::parse(email).expect("an address"));
        s
    };
    let mut gone = with_email("Old Champ", Role::Champion, "old@acme.com");
    gone.departed = true;
    let stakeholders = [
        with_email("Jane Doe", Role::Champion, "Jane@Acme.com"),
        Stakeholder::new("No Mail".into(), Role::EconomicBuyer, added),
        with_email("Bo Chen", Role::EconomicBuyer, "bo@acme.com"),
        with_email("Stranger", Role::EndUser, "who@acme.com"),
        gone,
    ];
    let users = [
        ("jane@acme.com", 7),
        ("bo@acme.com", 8),
        ("old@acme.com", 9),
    ];
    let people = PersonUser::of_stakeholders(&stakeholders, |e| {
        users
            .iter()
            .find(|(m, _)| *m == e.as_str())
            .map(|&(_, u)| u)
    });
    assert_eq!(
        people,
        [
            person("Jane Doe", Role::Champion, Influence::Low, 7),
            person("Bo Chen", Role::EconomicBuyer, Influence::High, 8),
        ]
    );
}

#[test]
fn every_live_indicator_in_list_order() {
    use TicketChange::*;
    // A busy account that went quiet 20 days ago, with an escalation, a detractor and a
    // quiet champion.
    let mut rollups = days_active(60, 20, |_| (0..10).collect());
    rollups.push(tickets_on(back(3), &[("T1", Escalated, 9)]));
    rollups.push(answers(back(25), &[(3, 2, 9)]));
    let mut case = Case::new(rollups);
    case.people = vec![
        person("Ann", Role::Champion, Influence::High, 3),
        person("Cy", Role::Champion, Influence::Low, 4),
    ];
    let live: Vec<String> = case.on(d()).into_iter().map(|i| i.cause).collect();
    assert_eq!(live, ["gone-quiet", "ticket-spike", "detractor:Ann"]);
    let live: Vec<String> = case.on(back(-15)).into_iter().map(|i| i.cause).collect();
    assert_eq!(
        live,
        [
            "gone-quiet",
            "champion-inactive:Ann",
            "champion-inactive:Cy",
            "ticket-spike",
            "detractor:Ann"
        ]
    );
}
