//! Purpose: sealed secrets in the store — read back as they were written, never opened here
//! (opening needs the key, which the store does not hold). A command stages one through
//! `Change::PutZendeskSecret` in its commit, with an audit entry that says only "set".

use super::{keys, Store, StoreError};
use crate::domain::tenant::TenantId;
use crate::secrets::Sealed;

impl Store {
    /// The tenant's Zendesk signing secret, sealed; `None` while none was set. One read, no
    /// book loaded: the webhook asks this before it knows the request is genuine.
    pub fn zendesk_secret(&self, tenant: &TenantId) -> Result<Option<Sealed>, StoreError> {
        Ok(self
            .backend
            .get(&keys::zendesk_secret(tenant))?
            .map(Sealed::from_bytes))
    }
}
