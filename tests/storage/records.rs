//! Purpose: the book's records over every backend — commits outlive the process, tenants
//! never meet, every change is audited and paged newest first, and undo takes a change back.

use steward::domain::account::AccountId;
use steward::domain::audit::Revert;
use steward::domain::book::Change;
use steward::domain::money::Money;
use steward::domain::outcome::{OutcomeEvent, OutcomeKind};
use steward::domain::tenant::TenantSettings;
use steward::store::Store;

use super::{account, accounts, at, commit, on_every_backend, open, put, tenant, user};

fn churned(id: u64, name: &str, arr: u64) -> OutcomeEvent {
    OutcomeEvent {
        account: AccountId(id),
        account_name: name.into(),
        on: at(0).date_naive(),
        kind: OutcomeKind::Churned,
        arr_before: Money(arr),
        arr_after: Money(0),
        reason: None,
        opportunity: None,
    }
}

fn euro() -> TenantSettings {
    TenantSettings {
        currency: "EUR".into(),
        ..TenantSettings::default()
    }
}

#[test]
fn a_commit_is_there_after_reopening() {
    on_every_backend(|db| {
        let acme = tenant("acme");
        let store = open(db);
        let jane = user("jane");
        commit(
            &store,
            &acme,
            &jane,
            "/account add Acme",
            at(0),
            vec![put(account(1, "Acme", 50_000))],
        );
        commit(
            &store,
            &acme,
            &jane,
            "/steward set currency:EUR",
            at(1),
            vec![Change::PutSettings(euro())],
        );
        let event = churned(1, "Acme", 50_000);
        commit(
            &store,
            &acme,
            &jane,
            "/renewal churned Acme",
            at(2),
            vec![Change::AddOutcome(event.clone())],
        );
        drop(store);

        let store = open(db);
        assert_eq!(accounts(&store, &acme), [(1, "Acme".into(), 50_000)]);
        assert_eq!(store.settings(&acme).expect("settings").currency, "EUR");
        let book = store.book(&acme).expect("book");
        assert_eq!(book.read().expect("lock").outcomes(), [event]);
        assert_eq!(
            store
                .history(&acme, Some(AccountId(1)), 1)
                .expect("history")
                .total,
            2
        );
        assert_eq!(store.history(&acme, None, 1).expect("history").total, 1);
        assert_eq!(store.tenants().expect("tenants"), [acme]);
    });
}

#[test]
fn tenants_never_see_each_others_records() {
    on_every_backend(|db| {
        // One id a prefix of the other: a key layout without separators would mix them.
        let tenants = [tenant("slack:T1"), tenant("slack:T1:T2")];
        let jane = user("jane");
        let store = open(db);
        for (i, t) in tenants.iter().enumerate() {
            let name = format!("Acme {i}");
            commit(
                &store,
                t,
                &jane,
                &format!("/account add {name}"),
                at(0),
                vec![put(account(1, &name, 1_000 + i as u64))],
            );
        }
        commit(
            &store,
            &tenants[0],
            &jane,
            "/steward set currency:EUR",
            at(1),
            vec![Change::PutSettings(euro())],
        );
        let check = |store: &Store| {
            for (i, t) in tenants.iter().enumerate() {
                let name = format!("Acme {i}");
                assert_eq!(accounts(store, t), [(1, name.clone(), 1_000 + i as u64)]);
                let history = store.history(t, Some(AccountId(1)), 1).expect("history");
                assert_eq!(history.total, 1, "{t}");
                assert_eq!(history.entries[0].account_name, name);
                let plan = store
                    .last_change(t, &jane)
                    .expect("undo plan")
                    .expect("a plan");
                assert_eq!(
                    plan.command,
                    if i == 0 {
                        "/steward set currency:EUR".to_string()
                    } else {
                        format!("/account add {name}")
                    }
                );
                let records = store.records(t, true).expect("records");
                assert_eq!(records.accounts.len(), 1, "{t}");
                assert_eq!(records.audit.len(), 2 - i, "{t}");
            }
            assert_eq!(
                store.settings(&tenants[0]).expect("settings").currency,
                "EUR"
            );
            assert_eq!(
                store.settings(&tenants[1]).expect("settings").currency,
                "USD"
            );
            assert_eq!(store.tenants().expect("tenants"), tenants);
        };
        check(&store);
        drop(store);
        check(&open(db));
    });
}

#[test]
fn every_change_is_audited_and_paged_newest_first() {
    on_every_backend(|db| {
        let acme = tenant("acme");
        let store = open(db);
        let jane = user("jane");
        commit(
            &store,
            &acme,
            &jane,
            "/account add Acme",
            at(0),
            vec![put(account(1, "Acme", 1))],
        );
        for arr in 2..=30 {
            let command = format!("/account set Acme arr:{arr}");
            commit(
                &store,
                &acme,
                &jane,
                &command,
                at(arr as i64),
                vec![put(account(1, "Acme", arr))],
            );
        }
        // One command changing two accounts records one entry for each.
        commit(
            &store,
            &acme,
            &jane,
            "/account import",
            at(40),
            vec![put(account(2, "Globex", 7)), put(account(3, "Initech", 8))],
        );
        // A change that changes nothing records nothing.
        commit(
            &store,
            &acme,
            &jane,
            "/account set Acme arr:30",
            at(41),
            vec![put(account(1, "Acme", 30))],
        );
        drop(store);

        let store = open(db);
        let first = store.history(&acme, Some(AccountId(1)), 1).expect("page 1");
        assert_eq!(first.total, 30);
        assert_eq!(first.entries.len(), 25);
        assert_eq!(first.entries[0].command, "/account set Acme arr:30");
        assert_eq!(first.entries[0].at, at(30));
        assert_eq!(first.entries[24].command, "/account set Acme arr:6");
        let arr = first.entries[0]
            .changes
            .iter()
            .find(|c| c.field == "arr")
            .expect("the ARR change");
        assert_eq!((arr.before.as_str(), arr.after.as_str()), ("29", "30"));
        let second = store.history(&acme, Some(AccountId(1)), 2).expect("page 2");
        assert_eq!(second.entries.len(), 5);
        assert_eq!(second.entries[4].command, "/account add Acme");
        assert!(store
            .history(&acme, Some(AccountId(1)), 3)
            .expect("page 3")
            .entries
            .is_empty());
        for id in [2, 3] {
            let history = store
                .history(&acme, Some(AccountId(id)), 1)
                .expect("history");
            assert_eq!(history.total, 1);
            assert_eq!(history.entries[0].command, "/account import");
        }
        assert_eq!(store.history(&acme, None, 1).expect("tenant-wide").total, 0);
    });
}

#[test]
fn undo_of_the_last_change_restores_it() {
    on_every_backend(|db| {
        let acme = tenant("acme");
        let (jane, omar) = (user("jane"), user("omar"));
        let store = open(db);
        commit(
            &store,
            &acme,
            &jane,
            "/account add Acme",
            at(0),
            vec![put(account(1, "Acme", 5_000))],
        );
        commit(
            &store,
            &acme,
            &omar,
            "/account add Globex",
            at(1),
            vec![put(account(2, "Globex", 7_000))],
        );
        let event = churned(1, "Acme", 9_000);
        commit(
            &store,
            &acme,
            &jane,
            "/renewal churned Acme",
            at(2),
            vec![put(account(1, "Acme", 9_000)), Change::AddOutcome(event)],
        );
        drop(store);

        // Undo after a restart: the plan was stored with the change.
        let store = open(db);
        let plan = store
            .last_change(&acme, &jane)
            .expect("read")
            .expect("a plan");
        assert_eq!(plan.command, "/renewal churned Acme");
        assert_eq!(plan.at, at(2));
        let steps: Vec<Change> = plan
            .steps
            .into_iter()
            .filter_map(Revert::into_change)
            .collect();
        commit(&store, &acme, &jane, "/steward undo", at(3), steps);
        let restored = |store: &Store| {
            assert_eq!(
                accounts(store, &acme),
                [(1, "Acme".into(), 5_000), (2, "Globex".into(), 7_000)]
            );
            let book = store.book(&acme).expect("book");
            assert!(book.read().expect("lock").outcomes().is_empty());
        };
        restored(&store);
        assert_eq!(
            store
                .last_change(&acme, &omar)
                .expect("read")
                .map(|p| p.command),
            Some("/account add Globex".into()),
            "another user's plan is untouched"
        );
        // The undo is itself a change: audited, and undoable (redo).
        let history = store
            .history(&acme, Some(AccountId(1)), 1)
            .expect("history");
        assert_eq!(history.entries[0].command, "/steward undo");
        let redo = store
            .last_change(&acme, &jane)
            .expect("read")
            .expect("a plan");
        assert_eq!(redo.command, "/steward undo");
        drop(store);
        restored(&open(db));
    });
}
