//! Purpose: forgetting a tenant — every record under its prefix deleted (book, audit trail,
//! undo plans, ledger, received data, write keys, sealed secrets; its message ids too), so
//! what an uninstalled workspace left behind goes only when an admin says so.

use super::backend::{IdStore, WriteBatch};
use super::{keys, Store, StoreError};
use crate::domain::tenant::TenantId;

impl Store {
    /// Deletes everything `tenant` owns; how many records. The book's write lock is held
    /// throughout, so no command of the tenant commits half-way into it.
    pub fn forget_tenant(&self, tenant: &TenantId) -> Result<usize, StoreError> {
        let book = self.book(tenant)?;
        let _writing = book.write().unwrap_or_else(|p| p.into_inner());
        let prefix = keys::tenant(tenant);
        let forgotten = delete_prefix(self.backend.message_ids()?, &prefix)?
            + delete_prefix(self.backend.as_ref(), &prefix)?;
        self.forget_book(tenant);
        self.forget_intake_tables(tenant);
        Ok(forgotten)
    }
}

/// Deletes every record under `prefix` in one place; how many.
fn delete_prefix<S: IdStore + ?Sized>(place: &S, prefix: &[u8]) -> Result<usize, StoreError> {
    let mut batch = WriteBatch::default();
    for (key, _) in place.scan_prefix(prefix)? {
        batch.delete(key);
    }
    let deleted = batch.keys().count();
    if deleted > 0 {
        place.apply(batch)?;
    }
    Ok(deleted)
}
