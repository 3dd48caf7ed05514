//! Purpose: one behaviour suite for the store, run against every backend in
//! [`backends::backends`] — the promises its callers rely on, through the store's own API:
//! a commit outlives the process, tenants never meet, the audit trail and undo, the post
//! ledger, seen chat events, bulk batches, received data, write keys, Slack installations and
//! OAuth states, forgetting a tenant, a database that lost data refused, and the
//! [`Backend`](steward::store::backend::Backend) contract itself. What needs the binary stays
//! where it is: a real kill -9 mid-import (`durability.rs`), isolation through every command
//! as a property (`tenants.rs`), damaged sled files (`console.rs`).

#[path = "storage/backends.rs"]
mod backends;
#[path = "storage/contract.rs"]
mod contract;
#[path = "storage/installs.rs"]
mod installs;
#[path = "storage/intake.rs"]
mod intake;
#[path = "common/postgres.rs"]
mod postgres;
#[path = "storage/records.rs"]
mod records;
#[path = "storage/side.rs"]
mod side;
#[path = "storage/writekeys.rs"]
mod writekeys;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use steward::domain::account::{Account, AccountId};
use steward::domain::book::Change;
use steward::domain::money::Money;
use steward::domain::person::UserId;
use steward::domain::tenant::TenantId;
use steward::store::Store;

use backends::Database;

/// Runs `test` on an empty database of every backend, naming the backend first so that a
/// failure says which one.
fn on_every_backend(test: impl Fn(&dyn Database)) {
    for (name, empty) in backends::backends() {
        eprintln!("backend: {name}");
        test(empty().as_ref());
    }
}

/// The store over a fresh opening of `db` (a restart, when it was open before).
fn open(db: &dyn Database) -> Store {
    Store::with_backend(db.open()).expect("open the store")
}

fn tenant(id: &str) -> TenantId {
    TenantId::parse(id).expect("valid tenant")
}

fn user(id: &str) -> UserId {
    UserId(id.into())
}

/// `hours` after Monday 2026-03-02 09:00 UTC.
fn at(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant")
        + Duration::hours(hours)
}

fn account(id: u64, name: &str, arr: u64) -> Account {
    let renews = NaiveDate::from_ymd_opt(2027, 3, 31).expect("valid date");
    Account::new(AccountId(id), name.into(), Money(arr), renews, at(0))
}

fn put(account: Account) -> Change {
    Change::PutAccount(Box::new(account))
}

/// Commits `changes` to the tenant's book as `actor` ran `command` at `now`.
fn commit(
    store: &Store,
    tenant: &TenantId,
    actor: &UserId,
    command: &str,
    now: DateTime<Utc>,
    changes: Vec<Change>,
) {
    let book = store.book(tenant).expect("book");
    let mut book = book.write().expect("book lock");
    store
        .commit(&mut book, actor, command, now, changes)
        .expect("commit");
}

/// The tenant's accounts as its book holds them: (id, name, ARR), by id.
fn accounts(store: &Store, tenant: &TenantId) -> Vec<(u64, String, u64)> {
    let book = store.book(tenant).expect("book");
    let book = book.read().expect("book lock");
    let mut accounts: Vec<_> = book
        .accounts()
        .map(|a| (a.id.0, a.name.clone(), a.arr.0))
        .collect();
    accounts.sort();
    accounts
}
