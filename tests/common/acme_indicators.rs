//! Fixtures of the indicator direct-message tests, alike on every platform: Acme Corp as
//! stored, and its indicators set as the daily recompute would leave them.

use chrono::{DateTime, Utc};
use steward::domain::account::Account;
use steward::domain::book::Change;
use steward::domain::person::UserId;
use steward::domain::signals::{Indicator, IndicatorKind};
use steward::domain::tenant::TenantId;
use steward::store::Store;

pub fn acme(store: &Store, tenant: &TenantId) -> Account {
    let book = store.book(tenant).expect("book");
    let account = book
        .read()
        .expect("lock")
        .by_name("Acme Corp")
        .cloned()
        .expect("account");
    account
}

/// Acme's indicators as the daily recompute would leave them.
pub fn set_indicators(
    store: &Store,
    tenant: &TenantId,
    kinds: &[IndicatorKind],
    at: DateTime<Utc>,
) {
    let book = store.book(tenant).expect("book");
    let mut book = book.write().expect("lock");
    let mut account = book.by_name("Acme Corp").cloned().expect("account");
    account.indicators = kinds
        .iter()
        .map(|&kind| Indicator {
            kind,
            cause: kind.key().to_string(),
            figures: format!("{} figures", kind.name()),
            since: Some(at.date_naive()),
        })
        .collect();
    store
        .commit(
            &mut book,
            &UserId("steward".into()),
            "daily health recompute from data",
            at,
            vec![Change::PutAccount(Box::new(account))],
        )
        .expect("committed");
}
