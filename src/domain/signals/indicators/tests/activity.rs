//! Purpose: usage drop, gone quiet, champion inactive and seat ceiling on generated months.

use super::*;

#[test]
fn usage_drop_is_live_for_the_7_days_the_lower_week_is_compared_with_the_full_one() {
    // Users 0–9 daily until 21 days back, then 0–6: the first week of only 7 ends 14 back.
    let case = Case::new(days_active(60, 0, |b| {
        (0..if b > 20 { 10 } else { 7 }).collect()
    }));
    let live = case.live_days(IndicatorKind::UsageDrop, 30, 0);
    assert_eq!(
        live,
        [14, 13, 12, 11, 10, 9, 8],
        "live 7 days, then both weeks are 7"
    );
    let drop = case.live(IndicatorKind::UsageDrop, back(14)).expect("live");
    assert_eq!(drop.cause, "usage-drop");
    assert_eq!(
        drop.figures,
        "weekly active users 10 → 7, −30 %, 2026-11-02 → 2026-11-09"
    );
}

/// The usage-drop figures of a week of `before` users then a week of `after`, if live.
fn drop_between(before: u32, after: u32) -> Option<String> {
    let case = Case::new(days_active(13, 0, |b| {
        (0..if b >= 7 { before } else { after }).collect()
    }));
    case.live(IndicatorKind::UsageDrop, d()).map(|i| i.figures)
}

#[test]
fn usage_drop_needs_more_than_20_percent_of_5_or_more_users() {
    assert_eq!(
        drop_between(42, 29).as_deref(),
        Some("weekly active users 42 → 29, −31 %, 2026-11-16 → 2026-11-23")
    );
    assert_eq!(drop_between(10, 8), None, "exactly 20 % down");
    assert_eq!(
        drop_between(10, 7).as_deref(),
        Some("weekly active users 10 → 7, −30 %, 2026-11-16 → 2026-11-23")
    );
    assert_eq!(drop_between(4, 0), None, "4 users before");
    assert_eq!(
        drop_between(5, 3).as_deref(),
        Some("weekly active users 5 → 3, −40 %, 2026-11-16 → 2026-11-23")
    );
    assert_eq!(drop_between(5, 4), None);
    assert_eq!(
        drop_between(1000, 799).as_deref(),
        Some("weekly active users 1000 → 799, −20 %, 2026-11-16 → 2026-11-23"),
        "20.1 % is more than 20 %, shown rounded"
    );
    assert_eq!(drop_between(1000, 800), None);
    assert_eq!(
        drop_between(6, 0).as_deref(),
        Some("weekly active users 6 → 0, −100 %, 2026-11-16 → 2026-11-23")
    );
}

#[test]
fn gone_quiet_after_14_silent_days_clears_after_44_or_when_activity_resumes() {
    // Active daily from 80 to 60 days back, then nothing (a ticket-only day does not count).
    let mut rollups = days_active(80, 60, |_| vec![1, 2]);
    let mut ticket = DayRollup::new(back(40));
    ticket.record_ticket("T1", TicketChange::Created, at(back(40), 9));
    rollups.push(ticket);
    let case = Case::new(rollups.clone());
    let live = case.live_days(IndicatorKind::GoneQuiet, 60, 0);
    assert_eq!(
        live,
        (17..=46).rev().collect::<Vec<_>>(),
        "14 to 43 days after"
    );
    let quiet = case.live(IndicatorKind::GoneQuiet, back(46)).expect("live");
    assert_eq!(
        (quiet.cause.as_str(), quiet.figures.as_str()),
        (
            "gone-quiet",
            "no activity in the 14 days to 2026-10-08; last activity on 2026-09-24"
        )
    );
    // Back 30 days later: live until then, not from that day.
    rollups.extend(days_active(30, 30, |_| vec![2]));
    let case = Case::new(rollups);
    assert_eq!(
        case.live_days(IndicatorKind::GoneQuiet, 35, 29),
        [35, 34, 33, 32, 31]
    );
    // An account that never had activity has not gone quiet.
    assert!(Case::new(Vec::new()).on(d()).is_empty());
}

#[test]
fn a_champion_whose_user_stops_is_inactive_after_30_days_until_seen_again() {
    // Jane (user 7) active daily until 45 days back, then only user 1; back on day 5 back.
    let rollups = days_active(80, 0, |b| {
        if b > 45 || b == 5 {
            vec![1, 7]
        } else {
            vec![1]
        }
    });
    let mut case = Case::new(rollups);
    case.people = vec![
        person("Jane Doe", Role::Champion, Influence::Low, 7),
        person("Bo Chen", Role::EndUser, Influence::High, 8),
    ];
    let live = case.live_days(IndicatorKind::ChampionInactive, 50, 0);
    assert_eq!(live, (6..=16).rev().collect::<Vec<_>>());
    let inactive = case
        .live(IndicatorKind::ChampionInactive, back(16))
        .expect("live");
    assert_eq!(inactive.cause, "champion-inactive:Jane Doe");
    assert_eq!(
        inactive.figures,
        "no activity of Jane Doe (champion) in the 30 days to 2026-11-07; last active on 2026-10-08"
    );
}

#[test]
fn a_champion_never_seen_is_inactive_once_30_days_of_data_were_observed() {
    // Data from 29 days back (30 days to d, both ends counted); Jane never active.
    let mut case = Case::new(days_active(29, 0, |_| vec![1]));
    case.people = vec![person("Jane Doe", Role::Champion, Influence::High, 7)];
    let inactive = case
        .live(IndicatorKind::ChampionInactive, d())
        .expect("live");
    assert_eq!(
        inactive.figures,
        "no activity of Jane Doe (champion) in the 30 days to 2026-11-23; not active since data began on 2026-10-25"
    );
    assert_eq!(case.live(IndicatorKind::ChampionInactive, back(1)), None);
    // A day less of data: the integration's 29th day.
    case.rollups.remove(0);
    assert_eq!(case.live(IndicatorKind::ChampionInactive, d()), None);
}

#[test]
fn seat_ceiling_needs_95_percent_on_each_of_14_days() {
    // 20 seats; 10 users daily, then 19 (95 %) from 30 days back, then 10 again from 8 back.
    let users = |b: i64| (0..if (8..=30).contains(&b) { 19 } else { 10 }).collect();
    let mut case = Case::new(days_active(60, 0, users));
    case.seats = Some(20);
    let live = case.live_days(IndicatorKind::SeatCeiling, 40, 0);
    assert_eq!(live, (2..=17).rev().collect::<Vec<_>>());
    let ceiling = case
        .live(IndicatorKind::SeatCeiling, back(17))
        .expect("live");
    assert_eq!(
        (ceiling.cause.as_str(), ceiling.figures.as_str()),
        (
            "seat-ceiling",
            "usage ≥ 95 % on each of the 14 days to 2026-11-06; lowest 95 % (19 of 20 seats active in the 7 days to 2026-11-06)"
        )
    );
    case.seats = None;
    assert!(case.live(IndicatorKind::SeatCeiling, back(17)).is_none());
    case.seats = Some(0);
    assert!(case.live(IndicatorKind::SeatCeiling, back(17)).is_none());
}

#[test]
fn seat_ceiling_at_94_9_percent_does_not_count() {
    let ceiling = |users: u32| {
        let mut case = Case::new(days_active(20, 0, |_| (0..users).collect()));
        case.seats = Some(1000);
        case.live(IndicatorKind::SeatCeiling, d())
    };
    assert!(ceiling(949).is_none());
    assert!(ceiling(950).is_some());
    // Over the seats is capped at 100 % in the figures.
    let mut case = Case::new(days_active(20, 0, |_| (0..30).collect()));
    case.seats = Some(20);
    let over = case.live(IndicatorKind::SeatCeiling, d()).expect("live");
    assert!(
        over.figures.contains("lowest 100 % (30 of 20 seats"),
        "{}",
        over.figures
    );
}

#[test]
fn seat_ceiling_fails_on_one_low_day_in_the_14() {
    // 19 of 20 seats only as a week's users add up: users 0–9 every 7th day, 10–18 on the
    // others, except that user 18 is away 9–15 days back, so the week to 9 days back has 18.
    let users = |b: i64| match b {
        _ if b % 7 == 0 => (0..10).collect(),
        _ if (9..=15).contains(&b) => (10..18).collect(),
        _ => (10..19).collect(),
    };
    let mut case = Case::new(days_active(40, 0, users));
    case.seats = Some(20);
    let live = case.live_days(IndicatorKind::SeatCeiling, 21, 0);
    assert_eq!(
        live,
        (10..=21).rev().collect::<Vec<_>>(),
        "not while day 9 is in the 14"
    );
}

#[test]
fn a_customer_channel_message_counts_as_activity_for_gone_quiet() {
    let rollups = days_active(80, 60, |_| vec![1, 2]);
    let case = Case::new(rollups.clone());
    let day = back(40);
    let input = |last: Option<chrono::NaiveDate>| IndicatorInput {
        day,
        rollups: &rollups,
        seats: None,
        features: &case.features,
        events: &case.events,
        people: &case.people,
        last_customer_message: last,
    };
    let quiet = |last| {
        evaluate(&input(last))
            .iter()
            .any(|i| i.kind == IndicatorKind::GoneQuiet)
    };
    assert!(quiet(None));
    assert!(!quiet(Some(back(45))), "a customer wrote 5 days before");
    assert!(quiet(Some(back(54))), "14 days before is too long ago");
}
