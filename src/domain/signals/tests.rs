//! Purpose: the signals-from-data formulas at their boundaries, and the rollup's size and
//! encoding.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::domain::health::TicketTrend;

/// The day signals are computed for in these tests.
fn d() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid")
}

/// `n` days before [`d`].
fn back(n: u64) -> NaiveDate {
    d().checked_sub_days(Days::new(n)).expect("valid")
}

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).expect("valid"))
}

/// A rollup of `day` with users `users` active.
fn active(day: NaiveDate, users: impl IntoIterator<Item = u32>) -> DayRollup {
    let mut r = DayRollup::new(day);
    users.into_iter().for_each(|u| r.record_activity(u));
    r
}

#[test]
fn usage_counts_distinct_users_of_the_last_7_days_over_seats() {
    let rollups = [
        active(d(), 0..20),
        active(back(6), 10..31), // the 7th day of the window: counts; 10–19 are not new
        active(back(7), 100..140), // the 8th day back: outside
        active(d().succ_opt().expect("valid"), 200..240), // after d: ignored
    ];
    let r = usage(&rollups, d(), Some(50));
    assert_eq!(r.value, Some(62.0));
    assert_eq!(
        r.figures,
        "31 of 50 seats active in the 7 days to 2026-11-23"
    );
    // A day later the 7th day back has left the window: 20 of 50.
    let next = d().succ_opt().expect("valid");
    assert_eq!(usage(&rollups[..2], next, Some(50)).value, Some(40.0));
}

#[test]
fn usage_unknown_without_seats_or_data_and_capped_at_100() {
    let rollups = [active(d(), 0..60)];
    let none = usage(&rollups, d(), None);
    assert_eq!(none.value, None);
    assert_eq!(
        none.figures,
        "60 users active in the 7 days to 2026-11-23; seats unknown"
    );
    assert_eq!(usage(&rollups, d(), Some(0)).value, None);
    let one = usage(&[active(d(), [7])], d(), None);
    assert_eq!(
        one.figures,
        "1 user active in the 7 days to 2026-11-23; seats unknown"
    );
    let capped = usage(&rollups, d(), Some(50));
    assert_eq!(capped.value, Some(100.0));
    assert_eq!(
        capped.figures,
        "60 of 50 seats active in the 7 days to 2026-11-23 (capped at 100 %)"
    );
    assert_eq!(usage(&rollups, d(), Some(60)).value, Some(100.0));
    assert_eq!(usage(&rollups, d(), Some(80)).value, Some(75.0));
    // Data, but nobody active in the window: 0 %, not unknown.
    assert_eq!(
        usage(&[active(back(9), 0..5)], d(), Some(10)).value,
        Some(0.0)
    );
    let empty = usage(&[], d(), Some(50));
    assert_eq!(empty.value, None);
    assert_eq!(
        empty.figures,
        "no events received for this account up to 2026-11-23"
    );
}

fn feature(name: &str, events: &[&str]) -> Feature {
    Feature {
        name: name.into(),
        events: events.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn adoption_counts_declared_features_with_an_event_in_the_last_30_days() {
    let mut names = Interner::default();
    let mut rollup = |day: NaiveDate, event: &str| {
        let mut r = DayRollup::new(day);
        r.record_event(names.intern(event).expect("room"));
        r
    };
    let rollups = [
        rollup(d(), "Report Shared"),
        rollup(back(29), "Dashboard Viewed"), // the 30th day of the window: counts
        rollup(back(30), "Alert Set"),        // the 31st day back: outside
        rollup(d(), "Something Else"),
    ];
    let features = [
        feature("Reports", &["Report Created", "Report Shared"]),
        feature("Dashboards", &["Dashboard Viewed"]),
        feature("Alerts", &["Alert Set"]),
        feature("Exports", &["Export Downloaded"]), // never seen: not in the table
    ];
    let r = adoption(&rollups, d(), &features, &names);
    assert_eq!(r.value, Some(2));
    assert_eq!(
        r.figures,
        "2 of 4 core features used in the 30 days to 2026-11-23: Reports, Dashboards"
    );
    let day_before = back(1);
    assert_eq!(
        adoption(&rollups, day_before, &features, &names).value,
        Some(2)
    );
    let none = adoption(&rollups, d(), &[], &names);
    assert_eq!(
        (none.value, none.figures.as_str()),
        (None, "no core features declared")
    );
    let quiet = adoption(&rollups[3..], d(), &features[..1], &names);
    assert_eq!(
        (quiet.value, quiet.figures.as_str()),
        (
            Some(0),
            "0 of 1 core features used in the 30 days to 2026-11-23"
        )
    );
}

/// A rollup of `day` with ticket changes at noon.
fn tickets_on(day: NaiveDate, changes: &[(&str, TicketChange)]) -> DayRollup {
    let mut r = DayRollup::new(day);
    for (id, c) in changes {
        r.record_ticket(id, *c, at(day, 12));
    }
    r
}

#[test]
fn tickets_compare_open_now_with_exactly_14_days_before() {
    use TicketChange::*;
    let base = [
        tickets_on(back(20), &[("T1", Created)]),
        tickets_on(back(5), &[("T1", Solved)]),
    ];
    // T2 opened on d-14 counts as open then: 2 → 1, decreasing.
    let mut rollups = base.to_vec();
    rollups.push(tickets_on(back(14), &[("T2", Created)]));
    let r = tickets(&rollups, d());
    assert_eq!(r.value, Some(TicketTrend::Decreasing));
    assert_eq!(r.figures, "1 open ticket on 2026-11-23, 2 on 2026-11-09");
    // Opened on d-13 it does not: 1 → 1, stable.
    let mut rollups = base.to_vec();
    rollups.push(tickets_on(back(13), &[("T2", Created)]));
    assert_eq!(tickets(&rollups, d()).value, Some(TicketTrend::Stable));
    // Two more opened since: increasing.
    rollups.push(tickets_on(back(1), &[("T3", Created), ("T4", Created)]));
    assert_eq!(tickets(&rollups, d()).value, Some(TicketTrend::Increasing));
    // One of them escalated and still open: escalated, whatever the counts.
    rollups.push(tickets_on(
        d(),
        &[("T3", Escalated), ("T2", Solved), ("T4", Solved)],
    ));
    let r = tickets(&rollups, d());
    assert_eq!(r.value, Some(TicketTrend::Escalated));
    assert_eq!(
        r.figures,
        "1 open ticket (1 escalated) on 2026-11-23, 1 on 2026-11-09"
    );
    // Solved: none open is zero, even after more open before.
    let next = d().succ_opt().expect("valid");
    rollups.push(tickets_on(next, &[("T3", Solved)]));
    assert_eq!(tickets(&rollups, next).value, Some(TicketTrend::Zero));
    // No ticket event at all: unknown, never silently zero.
    let r = tickets(&[active(d(), [1])], d());
    assert_eq!(r.value, None);
    assert_eq!(r.figures, "no ticket events received up to 2026-11-23");
}

#[test]
fn a_ticket_s_last_change_of_a_day_wins_whatever_the_arrival_order() {
    let mut r = DayRollup::new(d());
    r.record_ticket("T1", TicketChange::Solved, at(d(), 17));
    r.record_ticket("T1", TicketChange::Created, at(d(), 9));
    r.record_ticket("T2", TicketChange::Created, at(d(), 9));
    r.record_ticket("T2", TicketChange::Escalated, at(d(), 10));
    let changes: Vec<_> = r.ticket_changes().map(|(id, _, c)| (id, c)).collect();
    assert_eq!(
        changes,
        [
            ("T1", TicketChange::Solved),
            ("T2", TicketChange::Escalated)
        ]
    );
    assert_eq!(tickets(&[r], d()).value, Some(TicketTrend::Escalated));
}

fn answers(day: NaiveDate, scores: &[(u32, u8)]) -> DayRollup {
    let mut r = DayRollup::new(day);
    for &(user, score) in scores {
        r.record_survey(user, NpsScore::new(score).expect("0–10"), at(day, 12));
    }
    r
}

#[test]
fn nps_is_the_rounded_mean_of_each_respondent_s_latest_score_in_90_days() {
    let rollups = [
        answers(back(50), &[(1, 3)]),
        answers(back(10), &[(1, 9)]), // replaces user 1's 3
        answers(back(89), &[(2, 6)]), // the 90th day of the window: counts
        answers(back(90), &[(3, 0)]), // the 91st day back: outside
    ];
    let r = nps(&rollups, d());
    // (9 + 6) / 2 = 7.5 → 8
    assert_eq!(r.value, Some(8));
    assert_eq!(
        r.figures,
        "mean 8 of the latest score of 2 respondents in the 90 days to 2026-11-23"
    );
    let mean = |scores: &[(u32, u8)]| nps(&[answers(d(), scores)], d()).value;
    assert_eq!(mean(&[(1, 7), (2, 7), (3, 8)]), Some(7)); // 7.33
    assert_eq!(mean(&[(1, 8), (2, 9)]), Some(9)); // 8.5
    assert_eq!(mean(&[(1, 6), (2, 7), (3, 7), (4, 7)]), Some(7)); // 6.75
    assert_eq!(mean(&[(1, 10)]), Some(10));
    assert_eq!(mean(&[(1, 0), (2, 1)]), Some(1)); // 0.5
    let none = nps(&rollups[3..], d());
    assert_eq!(
        (none.value, none.figures.as_str()),
        (None, "no NPS responses in the 90 days to 2026-11-23")
    );
    // The same day, the later answer wins, whatever the arrival order.
    let mut r = DayRollup::new(d());
    let score = |s| NpsScore::new(s).expect("0–10");
    r.record_survey(1, score(2), at(d(), 15));
    r.record_survey(1, score(10), at(d(), 9));
    assert_eq!(nps(&[r], d()).value, Some(2));
    assert_eq!(NpsScore::new(11), None);
}

#[test]
fn data_signals_feed_the_health_score() {
    let mut names = Interner::default();
    let mut r = active(d(), 0..45);
    r.record_event(names.intern("Report Created").expect("room"));
    r.record_ticket("T1", TicketChange::Created, at(d(), 8));
    r.record_survey(3, NpsScore::new(9).expect("0–10"), at(d(), 8));
    let features = [feature("Reports", &["Report Created"])];
    let data = DataSignals::compute(&[r], d(), Some(50), &features, &names);
    let s = data.signals();
    assert_eq!(s.usage, Some(90.0));
    assert_eq!(s.adoption, Some(1));
    assert_eq!(s.tickets, Some(TicketTrend::Increasing));
    assert_eq!(s.nps, Some(9));
    assert_eq!(s.roi, None);
    assert!(s.validate().is_ok());
}

/// An account-day of 50 active users and 25 event names; users spaced `spacing` apart in
/// the tenant's table.
fn busy_day(spacing: u32) -> DayRollup {
    let mut r = DayRollup::new(d());
    for i in 0..50 {
        r.record_activity(13 + i * spacing);
    }
    for e in 0..25u32 {
        for _ in 0..(e * 17 % 400 + 1) {
            r.record_event(e * 3);
        }
    }
    r.record_ticket("48213", TicketChange::Created, at(d(), 10));
    r.record_survey(13, NpsScore::new(8).expect("0–10"), at(d(), 11));
    r
}

#[test]
fn an_account_day_of_50_active_users_fits_in_300_bytes() {
    // Users close together in the table (a tenant of ~5,000 users): 1-byte gaps.
    let dense = busy_day(97);
    assert_eq!(dense.encode().len(), 143);
    // Users far apart (a tenant of 100,000 users): 2-byte gaps.
    let sparse = busy_day(2_000);
    assert_eq!(sparse.encode().len(), 192);
    for r in [dense, sparse] {
        assert!(r.encode().len() <= 300);
        assert_eq!(DayRollup::decode(&r.encode()), Ok(r));
    }
}

#[test]
fn corrupt_rollup_bytes_are_refused() {
    let bytes = busy_day(97).encode();
    let corrupt = |b: &[u8]| matches!(DayRollup::decode(b), Err(RollupError::Corrupt(_)));
    assert!(corrupt(&[]));
    assert!(corrupt(&bytes[..bytes.len() - 1]));
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert!(corrupt(&trailing));
    let mut version = bytes.clone();
    version[0] = 9;
    assert!(corrupt(&version));
    assert!(corrupt(&[
        1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
    ]));
}

#[test]
fn the_user_table_interns_once_and_round_trips_as_a_list() {
    let mut users = Interner::default();
    assert_eq!(users.intern("u-1"), Ok(0));
    assert_eq!(users.intern("u-2"), Ok(1));
    assert_eq!(users.intern("u-1"), Ok(0));
    assert_eq!((users.get("u-2"), users.get("u-3")), (Some(1), None));
    assert_eq!(users.name(1), Some("u-2"));
    let json = serde_json::to_string(&users).expect("serialises");
    assert_eq!(json, r#"["u-1","u-2"]"#);
    let back: Interner = serde_json::from_str(&json).expect("parses");
    assert_eq!((back.len(), back.get("u-2")), (2, Some(1)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn hostile_rollup_bytes_decode_to_a_typed_result(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = DayRollup::decode(&bytes);
    }

    #[test]
    fn rollups_round_trip(
        days in -100_000i32..100_000,
        users in prop::collection::btree_set(any::<u32>(), 0..60),
        events in prop::collection::vec((any::<u32>(), 1u32..5), 0..20),
        tickets in prop::collection::vec((".{0,12}", 0u8..3, any::<i32>()), 0..4),
        surveys in prop::collection::vec((any::<u32>(), 0u8..=10, any::<i32>()), 0..4),
    ) {
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid")
            .checked_add_signed(chrono::Duration::days(i64::from(days))).expect("in range");
        let mut r = DayRollup::new(day);
        users.into_iter().for_each(|u| r.record_activity(u));
        for (e, n) in events {
            (0..n).for_each(|_| r.record_event(e));
        }
        let when = |s: i32| DateTime::from_timestamp(i64::from(s), 0).expect("in range");
        let change = [TicketChange::Created, TicketChange::Escalated, TicketChange::Solved];
        for (id, c, s) in tickets {
            r.record_ticket(&id, change[usize::from(c)], when(s));
        }
        for (u, score, s) in surveys {
            r.record_survey(u, NpsScore::new(score).expect("0–10"), when(s));
        }
        prop_assert_eq!(DayRollup::decode(&r.encode()), Ok(r));
    }
}
