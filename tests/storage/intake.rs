//! Purpose: received data over every backend — messages folded into day rollups of the
//! account they name, users linked by group calls, a message id never counted twice (not
//! after a restart either), unmatched ids and intake counts, old ids pruned (a busy week's
//! too) — and one tenant's data never reaching another's accounts.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use steward::domain::account::AccountId;
use steward::ingest::parse_batch;
use steward::store::ingest::{Delivery, Receipt};
use steward::store::Store;

use super::{account, at, commit, on_every_backend, open, put, tenant, user};

/// Stores the batch `json` for the tenant as received at `received`.
fn send(store: &Store, tenant_id: &str, json: &str, received: DateTime<Utc>) -> Receipt {
    let parsed = parse_batch(json.as_bytes(), received).expect("a valid batch");
    let delivery = Delivery {
        messages: &parsed.accepted,
        rejected: parsed.skipped_by_reason(),
        received,
        zone: Tz::UTC,
        key: None,
    };
    store.ingest(&tenant(tenant_id), &delivery).expect("stored")
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).expect("valid date")
}

const BATCH: &str = r#"{"batch":[
    {"type":"group","userId":"u1","groupId":"acme corp","traits":{"seats":20},"messageId":"m1","timestamp":"2026-03-02T08:00:00Z"},
    {"type":"track","userId":"u1","event":"Report Created","messageId":"m2","timestamp":"2026-03-02T08:01:00Z"},
    {"type":"page","userId":"u2","context":{"groupId":"Acme Corp"},"messageId":"m3","timestamp":"2026-03-01T10:00:00Z"},
    {"type":"track","userId":"u3","event":"Report Created","context":{"groupId":"Globex"},"messageId":"m4","timestamp":"2026-03-02T08:00:00Z"},
    {"type":"track","event":"Report Created","messageId":"m5"}
]}"#;

#[test]
fn messages_fold_into_the_rollups_of_the_account_they_name() {
    on_every_backend(|db| {
        let store = open(db);
        let t = tenant("acme");
        commit(
            &store,
            &t,
            &user("U1"),
            "add",
            at(0),
            vec![put(account(1, "Acme Corp", 100))],
        );
        let receipt = send(&store, "acme", BATCH, at(0));
        assert_eq!(
            receipt,
            Receipt {
                accepted: 4,
                duplicates: 0,
                unmatched: 1,
                rejected: 1
            }
        );
        let rollups = store.rollups(&t, AccountId(1)).expect("read");
        let days: Vec<NaiveDate> = rollups.iter().map(|r| r.day).collect();
        assert_eq!(days, [day(1), day(2)], "one rollup per day, in day order");
        // u1 was linked by the group call, so its track event without a group id counts.
        assert_eq!(rollups[1].active_users().count(), 1);
        assert_eq!(rollups[0].active_users().count(), 1);
        let seats = store.seats_trait(&t, AccountId(1)).expect("read");
        assert_eq!(seats.map(|s| s.seats), Some(20));
        let fresh = store.freshness(&t, AccountId(1)).expect("read");
        assert_eq!(fresh.activity, Some(at(0) - Duration::minutes(59)));
        let every = store.all_freshness(&t).expect("read");
        assert_eq!(every.len(), 1, "only the account that received data");
        assert_eq!(every.get(&AccountId(1)), Some(&fresh));
        let unmatched = store.unmatched_ids(&t).expect("read");
        assert_eq!(unmatched.len(), 1);
        assert_eq!(
            (unmatched[0].0.as_str(), unmatched[0].1.count),
            ("Globex", 1)
        );
        let counts = store.intake_counts(&t, at(-1)).expect("read");
        assert_eq!(counts.accepted.get("track"), Some(&2));
        assert_eq!(counts.accepted.get("group"), Some(&1));
        assert_eq!(counts.rejected.get("missing user"), Some(&1));
        assert_eq!(counts.unmatched, 1);
        assert!(store.intake_counts(&t, at(2)).expect("read").is_empty());
    });
}

#[test]
fn a_message_id_counts_once_even_after_a_restart_and_for_a_week() {
    on_every_backend(|db| {
        let t = tenant("acme");
        let store = open(db);
        commit(
            &store,
            &t,
            &user("U1"),
            "add",
            at(0),
            vec![put(account(1, "Acme Corp", 100))],
        );
        send(&store, "acme", BATCH, at(0));
        drop(store);
        let store = open(db);
        let again = send(&store, "acme", BATCH, at(24 * 6));
        assert_eq!((again.accepted, again.duplicates), (0, 4));
        let rollups = store.rollups(&t, AccountId(1)).expect("read");
        assert_eq!(
            rollups[1].active_users().count(),
            1,
            "nothing counted twice"
        );
        // A week on, the week-old ids are still known; two weeks on, pruned and forgotten.
        assert_eq!(send(&store, "acme", BATCH, at(24 * 8)).duplicates, 4);
        assert!(store.prune_intake(&t, at(24 * 22)).expect("prune") >= 4);
        let later = send(&store, "acme", BATCH, at(24 * 22));
        assert_eq!(later.duplicates, 0);
    });
}

#[test]
fn a_busy_weeks_ids_are_pruned_in_full() {
    on_every_backend(|db| {
        let store = open(db);
        // More ids than one prune chunk (10,000), in one week, none of them matched.
        let ids = 25_000;
        for first in (0..ids).step_by(2_500) {
            let batch: Vec<String> = (first..first + 2_500)
                .map(|i| {
                    format!(r#"{{"type":"track","userId":"u","event":"E","messageId":"m{i}"}}"#)
                })
                .collect();
            let json = format!(r#"{{"batch":[{}]}}"#, batch.join(","));
            assert_eq!(send(&store, "acme", &json, at(0)).accepted, 2_500);
        }
        let t = tenant("acme");
        assert_eq!(store.prune_intake(&t, at(24 * 7)).expect("prune"), 0);
        let pruned = store.prune_intake(&t, at(24 * 15)).expect("prune");
        assert!(pruned >= ids, "{pruned} records pruned");
        let again = r#"{"batch":[{"type":"track","userId":"u","event":"E","messageId":"m24999"},{"type":"track","userId":"u","event":"E","messageId":"m0"}]}"#;
        assert_eq!(send(&store, "acme", again, at(24 * 15)).duplicates, 0);
    });
}

#[test]
fn one_tenants_events_never_reach_another_tenants_accounts() {
    on_every_backend(|db| {
        let store = open(db);
        let (a, b) = (tenant("acme"), tenant("acme-b"));
        commit(
            &store,
            &a,
            &user("U1"),
            "add",
            at(0),
            vec![put(account(1, "Acme Corp", 100))],
        );
        let receipt = send(&store, "acme-b", BATCH, at(0));
        assert_eq!(
            receipt.unmatched, 4,
            "acme-b has no Acme Corp: nothing links or matches"
        );
        assert!(store.rollups(&a, AccountId(1)).expect("read").is_empty());
        assert!(store.rollups(&b, AccountId(1)).expect("read").is_empty());
        assert_eq!(store.unmatched_ids(&a).expect("read").len(), 0);
        // The same message ids are new to another tenant.
        assert_eq!(send(&store, "acme", BATCH, at(0)).duplicates, 0);
    });
}
