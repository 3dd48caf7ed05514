//! Purpose: forgetting a tenant — every record under its prefix deleted (book, audit trail,
//! undo plans, ledger, received data, write keys, sealed secrets; its message ids too), so
//! what an uninstalled workspace left behind goes only when an admin says so.

use super::backend::WriteBatch;
use super::{keys, Store, StoreError};
use crate::domain::tenant::TenantId;

impl Store {
    /// Deletes everything `tenant` owns; how many records. The book's write lock is held
    /// throughout, so no command of the tenant commits half-way into it.
    pub fn forget_tenant(&self, tenant: &TenantId) -> Result<usize, StoreError> {
        let book = self.book(tenant)?;
        let _writing = book.write().unwrap_or_else(|p| p.into_inner());
        let prefix = keys::tenant(tenant);
        let mut forgotten = 0;
        for backend in [self.backend.message_ids()?, self.backend.as_ref()] {
            let mut batch = WriteBatch::default();
            for (key, _) in backend.scan_prefix(&prefix)? {
                batch.delete(key);
                forgotten += 1;
            }
            if !batch.is_empty() {
                backend.apply(batch)?;
            }
        }
        self.forget_book(tenant);
        self.forget_intake_tables(tenant);
        Ok(forgotten)
    }
}
