//! Purpose: what every backend must do for the store to keep its promises — the primitives
//! as the [`Backend`] contract states them, and a database that lost data refused on open.

use steward::store::backend::WriteBatch;
use steward::store::keys::MARKER;
use steward::store::{Store, StoreError};

use super::backends::Database;
use super::{account, at, commit, on_every_backend, open, put, tenant, user};

fn keys(entries: Vec<(Vec<u8>, Vec<u8>)>) -> Vec<Vec<u8>> {
    entries.into_iter().map(|(key, _)| key).collect()
}

fn refusal(db: &dyn Database) -> String {
    match Store::with_backend(db.open()) {
        Err(error @ StoreError::NotSteward { .. }) => error.to_string(),
        Err(other) => panic!("refused for the wrong reason: {other}"),
        Ok(_) => panic!("a database that lost data was opened"),
    }
}

/// A store with one committed change in it, closed again.
fn used(db: &dyn Database) {
    let store = open(db);
    commit(
        &store,
        &tenant("acme"),
        &user("jane"),
        "/account add Acme",
        at(0),
        vec![put(account(1, "Acme", 5))],
    );
}

#[test]
fn primitives_keep_the_contract() {
    on_every_backend(|db| {
        let backend = db.open();
        let mut batch = WriteBatch::default();
        // 0xff sorts after every letter: keys compare as unsigned bytes, not as text.
        for key in [&b"ab"[..], b"a\xff", b"a", b"a\0y", b"a\0x", b"b", b"gone"] {
            batch.put(key.to_vec(), key.to_vec());
        }
        batch.delete(b"gone".to_vec());
        batch.delete(b"absent".to_vec());
        batch.delete(b"b".to_vec());
        batch.put(b"b".to_vec(), b"again".to_vec());
        backend.apply(batch).expect("apply");
        assert_eq!(
            backend.get(b"b").expect("get"),
            Some(b"again".to_vec()),
            "the later write wins"
        );
        assert_eq!(backend.get(b"gone").expect("get"), None);

        let under_a = [&b"a"[..], b"a\0x", b"a\0y", b"ab", b"a\xff"].map(<[u8]>::to_vec);
        assert_eq!(keys(backend.scan_prefix(b"a").expect("scan")), under_a);
        let values: Vec<Vec<u8>> = backend
            .scan_prefix(b"a\0")
            .expect("scan")
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(values, [b"a\0x".to_vec(), b"a\0y".to_vec()]);
        let mut visited = Vec::new();
        backend
            .visit_prefix(b"a", &mut |key, value| {
                assert_eq!(key, value);
                visited.push(key.to_vec());
                Ok(())
            })
            .expect("visit");
        assert_eq!(
            visited, under_a,
            "visited in key order, only under the prefix"
        );
        let mut seen = 0;
        let stopped = backend.visit_prefix(b"a", &mut |_, _| {
            seen += 1;
            match seen {
                2 => Err(StoreError::Corrupt("the second record".into())),
                _ => Ok(()),
            }
        });
        assert!(
            matches!(stopped, Err(StoreError::Corrupt(_))),
            "{stopped:?}"
        );
        assert_eq!(seen, 2, "the visit stops at the first error");
        assert_eq!(
            keys(backend.scan_prefix_rev(b"a", 1, 2).expect("scan")),
            [under_a[3].clone(), under_a[2].clone()]
        );
        assert_eq!(
            keys(backend.scan_prefix_rev(b"a", 0, 1).expect("scan")),
            [under_a[4].clone()]
        );
        assert!(backend
            .scan_prefix_rev(b"a", 5, 10)
            .expect("scan")
            .is_empty());
        assert_eq!(backend.count_prefix(b"a").expect("count"), 5);
        assert_eq!(backend.count_prefix(b"z").expect("count"), 0);
        assert_eq!(
            backend.first_key_from(b"a\x01").expect("seek"),
            Some(b"ab".to_vec())
        );
        assert_eq!(
            backend.first_key_from(b"b").expect("seek"),
            Some(b"b".to_vec())
        );
        // A backend may come with Steward's marker (PostgreSQL writes it with the schema).
        let after_c = backend.first_key_from(b"c").expect("seek");
        assert!(
            after_c.as_deref().is_none_or(|k| k == MARKER),
            "{after_c:?}"
        );

        assert!(backend
            .insert_if_absent(b"once", b"first".to_vec())
            .expect("insert"));
        assert!(!backend
            .insert_if_absent(b"once", b"second".to_vec())
            .expect("insert"));
        assert_eq!(backend.get(b"once").expect("get"), Some(b"first".to_vec()));

        let mut ids: Vec<u64> = (0..5).map(|_| backend.generate_id().expect("id")).collect();
        backend.flush().expect("flush");
        drop(backend);

        // Everything written is there after reopening, and ids keep growing.
        let backend = db.open();
        assert!(backend.existed());
        let marker = usize::from(backend.get(MARKER).expect("get").is_some());
        assert_eq!(backend.count_prefix(b"").expect("count"), 7 + marker);
        assert_eq!(backend.get(b"once").expect("get"), Some(b"first".to_vec()));
        ids.extend((0..5).map(|_| backend.generate_id().expect("id")));
        ids.extend(backend.generate_ids(3).expect("ids"));
        ids.push(backend.generate_id().expect("id"));
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    });
}

#[test]
fn a_new_database_opens_and_is_marked() {
    on_every_backend(|db| {
        let backend = db.open();
        assert!(!backend.existed());
        drop(Store::with_backend(backend).expect("a new database opens"));
        // Marked at its first opening: opening again with nothing committed is no loss.
        let store = open(db);
        assert!(store.tenants().expect("tenants").is_empty());
    });
}

#[test]
fn a_database_that_lost_every_record_is_refused() {
    on_every_backend(|db| {
        used(db);
        let backend = db.open();
        let mut wipe = WriteBatch::default();
        for (key, _) in backend.scan_prefix(b"").expect("scan") {
            wipe.delete(key);
        }
        backend.apply(wipe).expect("wipe");
        drop(backend);
        let why = refusal(db);
        assert!(why.contains("marker is missing"), "{why}");
    });
}

#[test]
fn a_database_that_ends_before_an_acknowledged_commit_is_refused() {
    on_every_backend(|db| {
        used(db);
        let backend = db.open();
        // A backend that cannot lose a committed write keeps no note, and has nothing to check.
        let Some(noted) = backend.noted_commit() else {
            return;
        };
        // As if the database had recovered without its last commit.
        backend.note_commit(noted + 1);
        drop(backend);
        let why = refusal(db);
        assert!(
            why.contains("ends before the last acknowledged change"),
            "{why}"
        );
    });
}
