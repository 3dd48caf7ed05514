//! Purpose: the records beside the book over every backend — the post ledger, seen chat
//! events and bulk import batches — each durable, and each kept apart per tenant.

use steward::domain::account::AccountId;
use steward::domain::audit::{AuditEntry, FieldChange};
use steward::domain::book::Change;
use steward::store::bulk::BulkBatch;
use steward::store::ledger::PostState;

use super::{account, accounts, at, commit, on_every_backend, open, tenant, user};

#[test]
fn the_post_ledger_outlives_the_process_per_tenant() {
    on_every_backend(|db| {
        let (a, b) = (tenant("slack:T1"), tenant("slack:T1:T2"));
        let claimed = PostState::Claimed { at: at(0) };
        let store = open(db);
        store
            .set_post_state(&a, "weekly@C1", "2026-03-09", &claimed)
            .expect("claim");
        store
            .set_post_state(
                &a,
                "weekly@C1",
                "2026-03-02",
                &PostState::Sent { at: at(-1) },
            )
            .expect("sent");
        store
            .set_post_state(&a, "standup@C2", "2026-03-09", &claimed)
            .expect("claim");
        drop(store);

        // A claim found after a restart: the post may have gone out.
        let store = open(db);
        assert_eq!(
            store
                .post_state(&a, "weekly@C1", "2026-03-09")
                .expect("read"),
            Some(claimed.clone())
        );
        assert_eq!(
            store
                .post_state(&b, "weekly@C1", "2026-03-09")
                .expect("read"),
            None
        );
        assert!(store.all_posts(&b).expect("read").is_empty());
        let periods: Vec<String> = store
            .posts(&a, "weekly@C1")
            .expect("read")
            .into_iter()
            .map(|(period, _)| period)
            .collect();
        assert_eq!(periods, ["2026-03-02", "2026-03-09"], "in period order");
        let subscriptions: Vec<(String, String)> = store
            .all_posts(&a)
            .expect("read")
            .into_iter()
            .map(|(sub, period, _)| (sub, period))
            .collect();
        assert_eq!(
            subscriptions,
            [
                ("standup@C2".to_string(), "2026-03-09".to_string()),
                ("weekly@C1".into(), "2026-03-02".into()),
                ("weekly@C1".into(), "2026-03-09".into()),
            ]
        );
        let sent = PostState::Sent { at: at(1) };
        store
            .set_post_state(&a, "weekly@C1", "2026-03-09", &sent)
            .expect("mark sent");
        store
            .clear_post(&a, "standup@C2", "2026-03-09")
            .expect("clear");
        drop(store);

        let store = open(db);
        assert_eq!(
            store
                .post_state(&a, "weekly@C1", "2026-03-09")
                .expect("read"),
            Some(sent)
        );
        assert_eq!(
            store
                .post_state(&a, "standup@C2", "2026-03-09")
                .expect("read"),
            None
        );
    });
}

#[test]
fn a_seen_event_is_recognised_after_a_restart() {
    on_every_backend(|db| {
        let (a, b) = (tenant("slack:T1"), tenant("slack:T1:T2"));
        let store = open(db);
        assert!(store.first_sight(&a, "Ev1", at(0)).expect("record"));
        assert!(
            !store.first_sight(&a, "Ev1", at(0)).expect("record"),
            "a retry"
        );
        drop(store);

        let store = open(db);
        assert!(
            !store.first_sight(&a, "Ev1", at(1)).expect("record"),
            "a retry after a restart"
        );
        assert!(
            store.first_sight(&b, "Ev1", at(1)).expect("record"),
            "another tenant's event"
        );
        assert!(store.first_sight(&a, "Ev2", at(20)).expect("record"));
        assert_eq!(
            store.prune_seen(&a, at(10)).expect("prune"),
            1,
            "only Ev1 is older"
        );
        drop(store);

        let store = open(db);
        assert!(
            store.first_sight(&a, "Ev1", at(30)).expect("record"),
            "pruned"
        );
        assert!(
            !store.first_sight(&a, "Ev2", at(30)).expect("record"),
            "kept"
        );
        assert!(
            !store.first_sight(&b, "Ev1", at(30)).expect("record"),
            "not pruned by a's prune"
        );
    });
}

#[test]
fn bulk_batches_commit_and_a_tenant_restores_whole() {
    on_every_backend(|db| {
        let (a, b) = (tenant("slack:T1"), tenant("slack:T1:T2"));
        let (jane, importer) = (user("jane"), user("importer"));
        let store = open(db);
        commit(
            &store,
            &a,
            &importer,
            "/account add Acme",
            at(0),
            vec![Change::PutAccount(Box::new(account(1, "Acme", 5)))],
        );
        let mut batch = BulkBatch::default();
        for id in 2..=4 {
            let imported = account(id, &format!("Imported {id}"), id * 1_000);
            store
                .stage_account(&mut batch, &a, &imported)
                .expect("stage");
            // As given: a restore keeps the original actor and time.
            let entry = AuditEntry {
                at: at(-24),
                actor: jane.clone(),
                command: format!("import line {id}"),
                account: Some(AccountId(id)),
                account_name: imported.name.clone(),
                changes: vec![FieldChange {
                    field: "arr".into(),
                    before: String::new(),
                    after: (id * 1_000).to_string(),
                }],
            };
            store
                .stage_audits(&mut batch, &a, vec![entry])
                .expect("stage");
        }
        store.stage_forget_undo(&mut batch, &a, &importer);
        store.write_bulk(batch).expect("write");
        store.forget_book(&a);
        store
            .set_post_state(
                &a,
                "weekly@C1",
                "2026-03-09",
                &PostState::Sent { at: at(0) },
            )
            .expect("ledger");
        drop(store);

        let store = open(db);
        assert_eq!(accounts(&store, &a).len(), 4);
        let history = store.history(&a, Some(AccountId(3)), 1).expect("history");
        assert_eq!(history.entries.len(), 1);
        assert_eq!(
            (history.entries[0].actor.0.as_str(), history.entries[0].at),
            ("jane", at(-24))
        );
        assert_eq!(
            store.last_change(&a, &importer).expect("read"),
            None,
            "nothing to undo across an import"
        );

        assert!(store.tenant_is_empty(&b).expect("read"));
        let exported = store.records(&a, true).expect("export");
        store.restore(&b, exported.clone()).expect("restore");
        assert!(!store.tenant_is_empty(&b).expect("read"));
        drop(store);

        let store = open(db);
        let restored = store.records(&b, true).expect("export again");
        assert_eq!(restored.accounts, exported.accounts);
        assert_eq!(
            restored.audit, exported.audit,
            "entries as given, in the same order"
        );
        assert_eq!(restored.outcomes, exported.outcomes);
        assert_eq!(restored.posts, exported.posts);
        assert_eq!(restored.settings, exported.settings);
        assert_eq!(accounts(&store, &b), accounts(&store, &a));
        assert_eq!(
            store.records(&a, true).expect("export").audit,
            exported.audit,
            "the source is untouched"
        );
    });
}
