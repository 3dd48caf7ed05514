//! Purpose: ticket spike, detractor and feature breadth up on generated months.

use super::*;
use crate::domain::signals::adoption;

#[test]
fn three_tickets_opened_in_48_hours_are_a_spike_for_as_long_as_they_are_within_them() {
    use TicketChange::*;
    let case = Case::new(vec![
        tickets_on(back(11), &[("T1", Created, 23)]),
        tickets_on(back(10), &[("T2", Created, 0), ("T3", Created, 17)]),
        tickets_on(back(9), &[("T1", Solved, 9)]),
    ]);
    assert_eq!(case.live_days(IndicatorKind::TicketSpike, 20, 0), [10]);
    let spike = case
        .live(IndicatorKind::TicketSpike, back(10))
        .expect("live");
    assert_eq!(
        (spike.cause.as_str(), spike.figures.as_str()),
        (
            "ticket-spike",
            "3 tickets opened on 2026-11-12 and 2026-11-13: T1, T2, T3"
        )
    );
    // All three on one day: live that day and the next.
    let case = Case::new(vec![tickets_on(
        back(10),
        &[("T1", Created, 8), ("T2", Created, 9), ("T3", Created, 10)],
    )]);
    assert_eq!(case.live_days(IndicatorKind::TicketSpike, 20, 0), [10, 9]);
}

#[test]
fn an_update_of_an_open_ticket_is_not_an_opening_but_a_reopening_is() {
    use TicketChange::*;
    // The help desk says "open" again when T1, open for days, is updated.
    let mut rollups = vec![
        tickets_on(back(5), &[("T1", Created, 9), ("T4", Created, 9)]),
        tickets_on(back(4), &[("T4", Solved, 9)]),
        tickets_on(
            d(),
            &[("T1", Created, 9), ("T2", Created, 9), ("T3", Created, 9)],
        ),
    ];
    assert_eq!(
        Case::new(rollups.clone()).live(IndicatorKind::TicketSpike, d()),
        None
    );
    // T4, solved before, opens again: three openings.
    rollups.push(tickets_on(back(1), &[("T4", Created, 9)]));
    let spike = Case::new(rollups)
        .live(IndicatorKind::TicketSpike, d())
        .expect("live");
    assert_eq!(
        spike.figures,
        "3 tickets opened on 2026-11-22 and 2026-11-23: T2, T3, T4"
    );
}

#[test]
fn an_escalated_ticket_is_a_spike_until_solved() {
    use TicketChange::*;
    let case = Case::new(vec![
        tickets_on(back(30), &[("T9", Created, 9)]),
        tickets_on(back(20), &[("T9", Escalated, 9)]),
        tickets_on(back(12), &[("T9", Created, 9)]), // an update: still escalated
        tickets_on(back(8), &[("T9", Solved, 9)]),
    ]);
    let live = case.live_days(IndicatorKind::TicketSpike, 40, 0);
    assert_eq!(live, (9..=20).rev().collect::<Vec<_>>());
    assert_eq!(
        case.live(IndicatorKind::TicketSpike, back(9))
            .map(|i| i.figures),
        Some("1 escalated ticket open on 2026-11-14: T9".into())
    );
    // Opened escalated (first seen as such) counts as opened too; both reasons are given.
    let case = Case::new(vec![tickets_on(
        d(),
        &[("A", Created, 9), ("B", Created, 9), ("C", Escalated, 9)],
    )]);
    assert_eq!(
        case.live(IndicatorKind::TicketSpike, d())
            .map(|i| i.figures),
        Some(
            "3 tickets opened on 2026-11-22 and 2026-11-23: A, B, C; \
             1 escalated ticket open on 2026-11-23: C"
                .into()
        )
    );
}

#[test]
fn a_high_influence_detractor_until_a_better_answer_or_90_days() {
    let mut case = Case::new(vec![
        answers(back(100), &[(7, 9, 9)]),
        answers(back(95), &[(7, 4, 9), (8, 2, 9)]),
        answers(back(60), &[(7, 9, 9)]),
        answers(back(50), &[(7, 6, 9)]),
    ]);
    case.people = vec![
        person("Jane Doe", Role::Champion, Influence::High, 7),
        person("Bo Chen", Role::EndUser, Influence::Low, 8), // low influence: never
    ];
    let live = case.live_days(IndicatorKind::Detractor, 110, 0);
    let expected: Vec<i64> = (61..=95).rev().chain((0..=50).rev()).collect();
    assert_eq!(
        live, expected,
        "a 6 counts; a 9 clears; 90 days on, 6 still latest"
    );
    let d50 = case.live(IndicatorKind::Detractor, back(50)).expect("live");
    assert_eq!(
        (d50.cause.as_str(), d50.figures.as_str()),
        (
            "detractor:Jane Doe",
            "NPS 6 from Jane Doe (high influence) on 2026-10-04, their latest in the 90 days to 2026-10-04"
        )
    );
    // The answer ages out of the 90-day window.
    assert!(case.live(IndicatorKind::Detractor, back(-39)).is_some());
    assert!(case.live(IndicatorKind::Detractor, back(-40)).is_none());
    // 7 is not a detractor's answer.
    case.rollups.push(answers(d(), &[(7, 7, 9)]));
    assert!(case.live(IndicatorKind::Detractor, d()).is_none());
    // The later answer of a day wins.
    case.rollups.push(answers(d(), &[(7, 3, 10)]));
    assert!(case.live(IndicatorKind::Detractor, d()).is_some());
}

#[test]
fn feature_breadth_up_while_two_more_features_are_used_than_30_days_before() {
    let case = breadth_case(40);
    let live = case.live_days(IndicatorKind::FeatureBreadthUp, 60, 0);
    assert_eq!(live, (11..=40).rev().collect::<Vec<_>>());
    let up = case
        .live(IndicatorKind::FeatureBreadthUp, back(40))
        .expect("live");
    assert_eq!(
        (up.cause.as_str(), up.figures.as_str()),
        (
            "feature-breadth-up",
            "core features used in 30 days 1 → 3 of 4, 2026-09-14 → 2026-10-14; newly used: Dashboards, Alerts"
        )
    );
    // The same numbers as the adoption signal.
    let adoption_on = |b: i64| adoption(&case.rollups, back(b), &case.features, &case.events).value;
    assert_eq!((adoption_on(70), adoption_on(40)), (Some(1), Some(3)));
    // One more feature than 30 days before is not enough.
    let mut one = breadth_case(40);
    one.features.retain(|f| f.name != "Alerts");
    assert!(one
        .live(IndicatorKind::FeatureBreadthUp, back(40))
        .is_none());
    // No declared features: nothing.
    let mut bare = breadth_case(40);
    bare.features.clear();
    assert!(bare
        .live(IndicatorKind::FeatureBreadthUp, back(40))
        .is_none());
}

#[test]
fn a_new_integration_does_not_read_as_breadth_up() {
    // Data only from 50 days back, with all three features in use from the start.
    let mut case = breadth_case(50);
    case.rollups.retain(|r| r.day >= back(50));
    assert!(case
        .live_days(IndicatorKind::FeatureBreadthUp, 50, 0)
        .is_empty());
}
