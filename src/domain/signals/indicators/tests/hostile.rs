//! Purpose: any rollups — days at the ends of the calendar, any users, tickets, times and
//! scores — never make `evaluate` panic, and seat ceiling and feature breadth agree with the
//! usage and adoption signals they are read from.

use chrono::Days;
use proptest::prelude::*;

use super::*;
use crate::domain::signals::{adoption, usage};

/// Rollups on any days (many near [`d`], some at the ends of the calendar) with any users,
/// events, tickets and scores.
fn any_rollups() -> impl Strategy<Value = Vec<DayRollup>> {
    let day = prop_oneof![
        8 => (-120i64..5).prop_map(back),
        1 => (0i64..3).prop_map(|n| NaiveDate::MIN + chrono::Duration::days(n)),
        1 => (0i64..3).prop_map(|n| NaiveDate::MAX - chrono::Duration::days(n)),
    ];
    let change = prop::sample::select(vec![
        TicketChange::Created,
        TicketChange::Escalated,
        TicketChange::Solved,
    ]);
    let rollup = (
        day,
        prop::collection::vec(0u32..12, 0..12),
        prop::collection::vec(0u32..6, 0..6),
        prop::collection::vec(("[A-D]", change, any::<i64>()), 0..4),
        prop::collection::vec((0u32..12, 0u8..=10, any::<i64>()), 0..3),
    )
        .prop_map(|(day, users, events, tickets, surveys)| {
            let mut r = DayRollup::new(day);
            users.into_iter().for_each(|u| r.record_activity(u));
            events.into_iter().for_each(|e| r.record_event(e));
            let when = |s: i64| DateTime::from_timestamp(s % 10_000_000_000, 0).unwrap_or_default();
            for (id, change, s) in tickets {
                r.record_ticket(&id, change, when(s));
            }
            for (u, score, s) in surveys {
                if let Some(score) = NpsScore::new(score) {
                    r.record_survey(u, score, when(s));
                }
            }
            r
        });
    prop::collection::vec(rollup, 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn evaluate_never_panics_on_any_rollups(
        rollups in any_rollups(),
        day in prop_oneof![
            4 => Just(d()),
            1 => Just(NaiveDate::MIN),
            1 => Just(NaiveDate::MAX),
            2 => (-130i64..10).prop_map(back),
        ],
        seats in prop::option::of(0u32..15),
        roles in prop::collection::vec((0u32..14, any::<bool>(), any::<bool>()), 0..4),
    ) {
        let mut events = Interner::default();
        for name in ["e0", "e1", "e2", "e3"] {
            events.intern(name).expect("room");
        }
        let features = vec![
            feature("A", &["e0", "e1"]),
            feature("B", &["e2"]),
            feature("C", &["e3", "never sent"]),
            feature("D", &["e5"]),
        ];
        let people: Vec<PersonUser> = roles
            .into_iter()
            .enumerate()
            .map(|(i, (user, champion, high))| {
                let role = if champion { Role::Champion } else { Role::EndUser };
                let influence = if high { Influence::High } else { Influence::Low };
                person(&format!("P{i}"), role, influence, user)
            })
            .collect();
        let input = IndicatorInput {
            day,
            rollups: &rollups,
            seats,
            features: &features,
            events: &events,
            people: &people,
            last_customer_message: None,
        };
        let live = evaluate(&input);
        let kinds: Vec<IndicatorKind> = live.iter().map(|i| i.kind).collect();
        let mut sorted = kinds.clone();
        sorted.sort();
        prop_assert_eq!(&kinds, &sorted, "list order");
        // Seat ceiling and breadth agree with the signals they are read from.
        let ceiling = (0..14u64).all(|b| {
            day.checked_sub_days(Days::new(b))
                .and_then(|e| usage(&rollups, e, seats).value)
                .is_some_and(|u| u >= 95.0)
        });
        prop_assert_eq!(kinds.contains(&IndicatorKind::SeatCeiling), ceiling);
        let rise = day.checked_sub_days(Days::new(30)).and_then(|then| {
            let now = adoption(&rollups, day, &features, &events).value?;
            let then = adoption(&rollups, then, &features, &events).value?;
            Some(now >= then + 2)
        });
        prop_assert_eq!(
            kinds.contains(&IndicatorKind::FeatureBreadthUp),
            rise == Some(true)
        );
    }
}
