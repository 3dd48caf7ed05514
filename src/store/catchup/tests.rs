//! Catching up: two stores over one database that says it is shared, as two replicas on
//! PostgreSQL would be (the PostgreSQL suite runs the same through `serve`, `tests/replicas.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::SLOTS;
use crate::domain::account::{Account, AccountId};
use crate::domain::book::{Book, Change};
use crate::domain::money::Money;
use crate::domain::outcome::{OutcomeEvent, OutcomeKind};
use crate::domain::person::UserId;
use crate::domain::tenant::TenantId;
use crate::domain::writekey::WriteKeyRecord;
use crate::store::backend::sled::SledBackend;
use crate::store::backend::{Backend, Entry, Swap, WriteBatch};
use crate::store::{keys, Store, StoreError};

/// A sled database that two stores share, and that counts whole-book reads.
struct Shared {
    sled: Arc<SledBackend>,
    book_reads: Arc<AtomicUsize>,
    accounts_prefix: Vec<u8>,
}

impl Backend for Shared {
    fn location(&self) -> &str {
        self.sled.location()
    }
    fn shared(&self) -> bool {
        true
    }
    fn existed(&self) -> bool {
        self.sled.existed()
    }
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.sled.get(key)
    }
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError> {
        if prefix == self.accounts_prefix.as_slice() {
            self.book_reads.fetch_add(1, Ordering::SeqCst);
        }
        self.sled.scan_prefix(prefix)
    }
    fn scan_prefix_rev(
        &self,
        prefix: &[u8],
        skip: usize,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        self.sled.scan_prefix_rev(prefix, skip, limit)
    }
    fn count_prefix(&self, prefix: &[u8]) -> Result<usize, StoreError> {
        self.sled.count_prefix(prefix)
    }
    fn first_key_from(&self, from: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.sled.first_key_from(from)
    }
    fn apply(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.sled.apply(batch)
    }
    fn apply_lazily(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.sled.apply_lazily(batch)
    }
    fn apply_if(&self, batch: WriteBatch, swap: Swap) -> Result<bool, StoreError> {
        self.sled.apply_if(batch, swap)
    }
    fn insert_if_absent(&self, key: &[u8], value: Vec<u8>) -> Result<bool, StoreError> {
        self.sled.insert_if_absent(key, value)
    }
    fn generate_id(&self) -> Result<u64, StoreError> {
        self.sled.generate_id()
    }
    fn advance_ids_past(&self, id: u64) -> Result<(), StoreError> {
        self.sled.advance_ids_past(id)
    }
    fn flush(&self) -> Result<(), StoreError> {
        self.sled.flush()
    }
    fn message_ids(&self) -> Result<&dyn crate::store::backend::IdStore, StoreError> {
        self.sled.message_ids()
    }
    fn noted_commit(&self) -> Option<u64> {
        None
    }
    fn note_commit(&self, _: u64) {}
    fn try_lead(&self) -> Result<bool, StoreError> {
        Ok(false)
    }
    fn check_ready(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

struct Replicas {
    _dir: tempfile::TempDir,
    a: Store,
    b: Store,
    sled: Arc<SledBackend>,
    book_reads: Arc<AtomicUsize>,
}

fn tenant() -> TenantId {
    TenantId::parse("T1").expect("valid")
}

fn replicas() -> Replicas {
    let dir = tempfile::tempdir().expect("temp dir");
    let sled = Arc::new(SledBackend::open(&dir.path().join("db")).expect("open"));
    let book_reads = Arc::new(AtomicUsize::new(0));
    let store = || {
        Store::with_backend(Box::new(Shared {
            sled: sled.clone(),
            book_reads: book_reads.clone(),
            accounts_prefix: keys::accounts(&tenant()),
        }))
        .expect("store")
    };
    let (a, b) = (store(), store());
    Replicas {
        _dir: dir,
        a,
        b,
        sled,
        book_reads,
    }
}

impl Replicas {
    fn commit(&self, command: &str, changes: Vec<Change>) {
        let book = self.a.book(&tenant()).expect("book");
        let mut book = book.write().expect("lock");
        self.a
            .commit(&mut book, &UserId("U1".into()), command, at(), changes)
            .expect("commit");
    }

    fn whole_reads(&self) -> usize {
        self.book_reads.load(Ordering::SeqCst)
    }

    /// B's book, and the book as a third replica reads it whole.
    fn b_and_fresh(&self) -> (Book, Book) {
        let b = self.b.book(&tenant()).expect("book");
        let b = b.read().expect("lock").clone();
        let fresh = Store::with_backend(Box::new(Shared {
            sled: self.sled.clone(),
            book_reads: Arc::new(AtomicUsize::new(0)),
            accounts_prefix: Vec::new(),
        }))
        .expect("store");
        let fresh = fresh.book(&tenant()).expect("book");
        let fresh = fresh.read().expect("lock").clone();
        (b, fresh)
    }
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid")
}

fn account(id: u64, name: &str, arr: u64) -> Change {
    let renews = NaiveDate::from_ymd_opt(2027, 3, 31).expect("valid");
    let account = Account::new(AccountId(id), name.into(), Money(arr), renews, at());
    Change::PutAccount(Box::new(account))
}

/// What a reader of the book sees: accounts, names, settings, outcomes, write keys, ids.
fn same_book(b: &Book, fresh: &Book) {
    let sorted = |book: &Book| {
        let mut accounts: Vec<Account> = book.accounts().cloned().collect();
        accounts.sort_by_key(|a| a.id);
        accounts
    };
    assert_eq!(sorted(b), sorted(fresh));
    for account in fresh.accounts() {
        assert_eq!(b.by_name(&account.name).map(|a| a.id), Some(account.id));
    }
    assert_eq!(b.settings, fresh.settings);
    assert_eq!(b.outcomes(), fresh.outcomes());
    assert_eq!(
        b.write_keys().collect::<Vec<_>>(),
        fresh.write_keys().collect::<Vec<_>>()
    );
    assert_eq!(b.next_account_id(), fresh.next_account_id());
}

#[test]
fn a_stale_book_reads_only_what_other_replicas_changed() {
    let r = replicas();
    r.commit("/account add Acme", vec![account(1, "Acme", 100)]);
    r.commit("/account add Globex", vec![account(2, "Globex", 200)]);
    let _ = r.b.book(&tenant()).expect("book");
    let read_whole = r.whole_reads();

    // Commits on A: a rename, a new account and a removal, the settings, an outcome and a
    // write key.
    r.commit("/account rename", vec![account(1, "Acme Corp", 150)]);
    r.commit(
        "/account add Initech; remove Globex",
        vec![
            account(3, "Initech", 30),
            Change::RemoveAccount(AccountId(2)),
        ],
    );
    let mut settings =
        r.a.book(&tenant())
            .expect("book")
            .read()
            .expect("lock")
            .settings
            .clone();
    settings.timezone = Some("Europe/Paris".into());
    r.commit("/steward timezone", vec![Change::PutSettings(settings)]);
    let lost = OutcomeEvent {
        account: AccountId(2),
        account_name: "Globex".into(),
        on: NaiveDate::from_ymd_opt(2026, 3, 1).expect("valid"),
        kind: OutcomeKind::Churned,
        arr_before: Money(200),
        arr_after: Money(0),
        reason: None,
        opportunity: None,
    };
    let key = WriteKeyRecord {
        name: "Prod".into(),
        prefix: "stw_AbCd".into(),
        digest: "00".repeat(32),
        created_at: at(),
        created_by: UserId("U1".into()),
    };
    r.commit(
        "/renewal lost Globex; /steward key create prod",
        vec![Change::AddOutcome(lost), Change::PutWriteKey(key)],
    );

    let (b, fresh) = r.b_and_fresh();
    assert_eq!(r.whole_reads(), read_whole, "B read its whole book again");
    same_book(&b, &fresh);
    assert!(b.by_name("Acme").is_none() && b.by_name("Globex").is_none());
    assert_eq!(b.next_account_id(), AccountId(4));
}

#[test]
fn a_chain_longer_than_the_ring_reads_the_whole_book() {
    let r = replicas();
    r.commit("/account add Acme", vec![account(1, "Acme", 100)]);
    let _ = r.b.book(&tenant()).expect("book");
    let read_whole = r.whole_reads();
    for arr in 0..=SLOTS {
        r.commit("/account set Acme", vec![account(1, "Acme", 1000 + arr)]);
    }
    let (b, fresh) = r.b_and_fresh();
    assert_eq!(r.whole_reads(), read_whole + 1, "B caught up past its ring");
    same_book(&b, &fresh);
    assert_eq!(
        b.account(AccountId(1)).map(|a| a.arr),
        Some(Money(1000 + SLOTS))
    );
}

#[test]
fn a_commit_too_large_to_list_has_the_book_read_whole() {
    let r = replicas();
    r.commit("/account add Acme", vec![account(1, "Acme", 100)]);
    let _ = r.b.book(&tenant()).expect("book");
    let read_whole = r.whole_reads();
    let many = (2..=super::MOST_KEYS as u64 + 2)
        .map(|id| account(id, &format!("Account {id}"), id))
        .collect();
    r.commit("/steward recompute", many);
    let (b, fresh) = r.b_and_fresh();
    assert_eq!(r.whole_reads(), read_whole + 1);
    same_book(&b, &fresh);
    assert_eq!(b.len(), super::MOST_KEYS + 2);
}

#[test]
fn a_bulk_write_leaves_no_change_record_and_the_book_is_read_whole() {
    let r = replicas();
    r.commit("/account add Acme", vec![account(1, "Acme", 100)]);
    let _ = r.b.book(&tenant()).expect("book");
    let read_whole = r.whole_reads();
    let mut batch = WriteBatch::default();
    let renews = NaiveDate::from_ymd_opt(2027, 3, 31).expect("valid");
    let imported = Account::new(AccountId(2), "Globex".into(), Money(5), renews, at());
    batch.put(
        keys::account(&tenant(), AccountId(2)),
        crate::store::record::encode(&imported).expect("encode"),
    );
    r.a.apply_over_book(&tenant(), batch).expect("write");
    let (b, fresh) = r.b_and_fresh();
    assert_eq!(r.whole_reads(), read_whole + 1);
    same_book(&b, &fresh);
}
