//! Purpose: write keys over every backend — a key's tenant is found from the key alone, a
//! revoked key is gone from the very next look-up, usage is kept apart, and no record (key or
//! value, the audit trail and undo plans included) ever holds the key in clear or its digest
//! outside the key records.

use steward::domain::book::Change;
use steward::domain::writekey::{
    WriteKey, WriteKeyOwner, WriteKeyRecord, WriteKeyUsage, KEY_BYTES,
};
use steward::store::backend::WriteBatch;
use steward::store::keys;
use steward::store::record::encode;

use super::{at, commit, on_every_backend, open, tenant, user};

fn made(seed: u8, name: &str) -> (WriteKey, WriteKeyRecord) {
    let key = WriteKey::from_random(&[seed; KEY_BYTES]);
    let record = WriteKeyRecord::new(name, &key, at(0), &user("jane"));
    (key, record)
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn a_key_finds_its_tenant_until_revoked_and_is_never_stored_in_clear() {
    on_every_backend(|db| {
        let (acme, globex) = (tenant("slack:T1"), tenant("slack:T1:T2"));
        let (key, record) = made(1, "Segment “prod” 🚀");
        let (other_key, other) = made(2, "Segment “prod” 🚀");
        let store = open(db);
        let jane = user("jane");
        let create = "/steward apikey create \"Segment “prod” 🚀\"";
        commit(
            &store,
            &acme,
            &jane,
            create,
            at(0),
            vec![Change::PutWriteKey(record.clone())],
        );
        commit(
            &store,
            &globex,
            &jane,
            create,
            at(0),
            vec![Change::PutWriteKey(other)],
        );
        let owner = |t| WriteKeyOwner {
            tenant: t,
            name: "Segment “prod” 🚀".into(),
        };
        assert_eq!(
            store.write_key_tenant(key.expose()).expect("read"),
            Some(owner(acme.clone()))
        );
        assert_eq!(
            store.write_key_tenant(other_key.expose()).expect("read"),
            Some(owner(globex.clone()))
        );
        for malformed in ["", "stw_", &key.expose()[..20], "Basic c3R3Xw=="] {
            assert_eq!(store.write_key_tenant(malformed).expect("read"), None);
        }
        assert_eq!(
            store
                .write_key_usage(&acme, "segment “PROD” 🚀")
                .expect("read"),
            WriteKeyUsage::default(),
            "never used"
        );
        // The events API records usage in its own batch, under the key the store names.
        let used = WriteKeyUsage {
            last_used: Some(at(1)),
            events: 42,
        };
        let mut batch = WriteBatch::default();
        batch.put(
            keys::write_key_usage(&acme, &record.name),
            encode(&used).expect("encode"),
        );
        drop(store);
        let backend = db.open();
        backend.apply(batch).expect("usage written");
        drop(backend);

        let store = open(db);
        assert_eq!(
            store.write_key_usage(&acme, &record.name).expect("read"),
            used
        );
        assert_eq!(
            store.write_key_tenant(key.expose()).expect("read"),
            Some(owner(acme.clone()))
        );
        {
            let book = store.book(&acme).expect("book");
            let book = book.read().expect("lock");
            assert_eq!(book.write_key("SEGMENT “PROD” 🚀"), Some(&record));
        }
        // A duplicate of the name is the handler's to refuse; revoking here is immediate.
        commit(
            &store,
            &acme,
            &jane,
            "/steward apikey revoke \"segment “prod” 🚀\"",
            at(2),
            vec![Change::RevokeWriteKey("segment “prod” 🚀".into())],
        );
        assert_eq!(store.write_key_tenant(key.expose()).expect("read"), None);
        assert_eq!(
            store.write_key_usage(&acme, &record.name).expect("read"),
            WriteKeyUsage::default()
        );
        assert_eq!(
            store.write_key_tenant(other_key.expose()).expect("read"),
            Some(owner(globex.clone())),
            "the other tenant's key of that name stays"
        );
        let history = store.history(&acme, None, 1).expect("history");
        let said: Vec<(String, String)> = history
            .entries
            .iter()
            .flat_map(|e| {
                e.changes
                    .iter()
                    .map(|c| (c.before.clone(), c.after.clone()))
            })
            .collect();
        let shown = format!("Segment “prod” 🚀 ({}…)", record.prefix);
        assert_eq!(
            said,
            [(shown.clone(), "[revoked]".into()), (String::new(), shown)]
        );
        drop(store);

        let store = open(db);
        assert_eq!(store.write_key_tenant(key.expose()).expect("read"), None);
        let book = store.book(&acme).expect("book");
        assert_eq!(book.read().expect("lock").write_keys().count(), 0);
        drop(book);
        drop(store);

        let backend = db.open();
        let records = backend.scan_prefix(b"").expect("scan everything");
        for (k, v) in &records {
            for secret in [key.expose(), other_key.expose()] {
                assert!(
                    !holds(k, secret) && !holds(v, secret),
                    "a key in clear in {}",
                    String::from_utf8_lossy(k)
                );
            }
            // The revoked key's digest went with its records, index entry included.
            assert!(
                !holds(k, &record.digest) && !holds(v, &record.digest),
                "{}",
                String::from_utf8_lossy(k)
            );
        }
        assert!(records
            .iter()
            .any(|(k, _)| k == &keys::write_key_index(&made(2, "x").1.digest)));
    });
}
