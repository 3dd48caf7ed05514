//! Purpose: `/steward apikey` through the app — a key shown once and found by the events API
//! in one look-up, never shown or kept again (list, audit trail, undo plan), revoked at once,
//! for admins only, names unique in any case and free to hold emoji and quotes.

use std::time::{Duration, Instant};

use steward::command::quote;
use steward::domain::tenant::TenantId;
use steward::domain::writekey::{digest_of, WriteKeyOwner, WriteKeyUsage};
use steward::store::backend::sled::SledBackend;
use steward::store::backend::{Backend, WriteBatch};
use steward::store::record::encode;
use steward::store::{keys, StoreError};

use super::{keys_in, now, Lab};

fn owner(name: &str) -> Option<WriteKeyOwner> {
    Some(WriteKeyOwner {
        tenant: TenantId::local(),
        name: name.into(),
    })
}

/// Creates a key and returns it, asserting the reply shows it exactly once, as its last line.
fn create(lab: &Lab, name: &str) -> String {
    let reply = lab.ask(&format!("/steward apikey create {}", quote(name)));
    let keys = keys_in(&reply);
    assert_eq!(keys.len(), 1, "the key once, in:\n{reply}");
    let key = keys[0].clone();
    assert!(reply.ends_with(&format!("\n`{key}`")), "{reply}");
    assert!(
        reply.contains(&format!("curl -u {}…:", &key[..8])),
        "{reply}"
    );
    key
}

#[test]
fn a_key_is_shown_once_and_then_only_by_name_and_prefix() {
    let lab = Lab::new();
    let key = create(&lab, "Segment prod");
    let store = &lab.app.store;
    assert_eq!(
        store.write_key_tenant(&key).expect("look-up"),
        owner("Segment prod")
    );
    let list = lab.ask("/steward apikey list");
    assert!(keys_in(&list).is_empty(), "{list}");
    assert!(
        list.contains(&format!(
            "- Segment prod — `{}…`, created 2026-03-02, last used never, 0 events received",
            &key[..8]
        )),
        "{list}"
    );
    // What Steward keeps of the change: the audit entry and the undo plan, by name and prefix.
    let digest = digest_of(&key).expect("a well-formed key");
    let history = store.history(&TenantId::local(), None, 1).expect("history");
    let plan = store
        .last_change(
            &TenantId::local(),
            &steward::domain::person::UserId("local-user".into()),
        )
        .expect("undo plan");
    for kept in [format!("{:?}", history.entries), format!("{plan:?}")] {
        assert!(!kept.contains(&key) && !kept.contains(&digest), "{kept}");
    }
    assert!(format!("{:?}", history.entries).contains(&format!("Segment prod ({}…)", &key[..8])));
    // Answers about keys stay with the admin who asked: no 'Share in channel'.
    assert!(!steward::actions::is_read_only("/steward apikey list"));
    assert!(steward::actions::is_read_only("/steward feature list"));
}

#[test]
fn list_shows_the_usage_the_events_api_records() {
    let lab = Lab::new();
    create(&lab, "Segment prod");
    let db = lab.db();
    // As the events API does, in a batch of its own (here with the app closed: sled admits one
    // holder).
    let lab = {
        let Lab { app, admins, dir } = lab;
        drop(app);
        let backend = open_backend(&db);
        let mut batch = WriteBatch::default();
        let used = WriteKeyUsage {
            last_used: Some(now() + chrono::Duration::minutes(65)),
            events: 1234,
        };
        batch.put(
            keys::write_key_usage(&TenantId::local(), "SEGMENT PROD"),
            encode(&used).expect("encode"),
        );
        backend.apply(batch).expect("usage written");
        drop(backend);
        Lab {
            app: super::open_app(&db, admins.as_deref()),
            admins,
            dir,
        }
    };
    let list = lab.ask("/steward apikey list");
    assert!(
        list.contains("last used 2026-03-02 10:05 UTC, 1,234 events received"),
        "{list}"
    );
}

fn open_backend(path: &std::path::Path) -> SledBackend {
    let started = Instant::now();
    loop {
        match SledBackend::open(path) {
            Err(StoreError::Locked { .. }) if started.elapsed() < Duration::from_secs(5) => {
                std::thread::sleep(Duration::from_millis(10));
            }
            opened => return opened.expect("open sled"),
        }
    }
}

#[test]
fn a_revoked_key_is_refused_by_the_next_look_up_and_its_name_is_free_again() {
    let lab = Lab::new();
    let key = create(&lab, "Segment prod");
    let revoked = lab.ask("/steward apikey revoke \"segment PROD\"");
    assert!(
        revoked.starts_with(&format!("Write key Segment prod ({}…) revoked", &key[..8])),
        "{revoked}"
    );
    assert_eq!(lab.app.store.write_key_tenant(&key).expect("look-up"), None);
    assert!(lab
        .ask("/steward apikey list")
        .starts_with("No write keys yet."));
    let again = create(&lab, "Segment prod");
    assert_ne!(again, key);
    let lab = lab.reopen();
    assert_eq!(lab.app.store.write_key_tenant(&key).expect("look-up"), None);
    assert_eq!(
        lab.app.store.write_key_tenant(&again).expect("look-up"),
        owner("Segment prod")
    );
    let unknown = lab.ask("/steward apikey revoke \"Segment prd\"");
    assert!(
        unknown.starts_with("error: write key \"Segment prd\" not found. Did you mean Segment prod? Example: /steward apikey revoke \"Segment prod\""),
        "{unknown}"
    );
}

#[test]
fn only_admins_manage_keys() {
    let lab = Lab::with_admins(Some("boss"));
    for line in [
        "/steward apikey create x",
        "/steward apikey list",
        "/steward apikey revoke x",
    ] {
        let refused = lab.ask(line);
        assert!(
            refused.starts_with("error: only an admin can use `/steward apikey`"),
            "{line}: {refused}"
        );
    }
    let key = keys_in(&lab.ask_as("local", "boss", "/steward apikey create x"));
    assert_eq!(key.len(), 1);
    // A key belongs to the tenant it was made in.
    let elsewhere = lab.ask_as("acme-team", "boss", "/steward apikey list");
    assert!(elsewhere.starts_with("No write keys yet."), "{elsewhere}");
}

#[test]
fn names_are_unique_in_any_case_and_may_hold_emoji_and_quotes() {
    let lab = Lab::new();
    let names = [
        "The “A” Team 🚀",
        "O'Brien's \"key\"",
        "«ключ» 🔑 👩‍👩‍👧",
        "prod: eu-west",
    ];
    let made: Vec<String> = names.iter().map(|name| create(&lab, name)).collect();
    for (name, key) in names.iter().zip(&made) {
        assert_eq!(
            lab.app.store.write_key_tenant(key).expect("look-up"),
            owner(name)
        );
    }
    let duplicate = lab.ask("/steward apikey create \"the “a” TEAM 🚀\"");
    assert!(
        duplicate.starts_with("error: write key \"The “A” Team 🚀\" already exists."),
        "{duplicate}"
    );
    let list = lab.ask("/steward apikey list");
    for name in names {
        assert!(
            list.contains(&format!("- {name} — `stw_")),
            "{name}: {list}"
        );
    }
    for (name, key) in names.iter().zip(&made) {
        let revoked = lab.ask(&format!("/steward apikey revoke {}", quote(name)));
        assert!(!revoked.starts_with("error:"), "{name}: {revoked}");
        assert_eq!(lab.app.store.write_key_tenant(key).expect("look-up"), None);
    }
    let blank = lab.ask("/steward apikey create \"  \"");
    assert!(blank.starts_with("error:"), "{blank}");
}

#[test]
fn undo_takes_no_key_back() {
    let lab = Lab::new();
    let key = create(&lab, "prod");
    let undo = lab.ask("/steward undo");
    assert!(
        undo.contains(
            "cannot be undone: to take the key back, revoke it: `/steward apikey revoke \"prod\"`"
        ),
        "{undo}"
    );
    assert_eq!(
        lab.app.store.write_key_tenant(&key).expect("look-up"),
        owner("prod")
    );
    lab.ask("/steward apikey revoke prod");
    let undo = lab.ask("/steward undo");
    assert!(undo.contains("a revoked key stays revoked"), "{undo}");
    assert_eq!(lab.app.store.write_key_tenant(&key).expect("look-up"), None);
}
