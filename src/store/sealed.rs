//! Purpose: sealed secrets in the store — read back as they were written, never opened here
//! (opening needs the key, which the store does not hold). A command stages one through
//! `Change::PutZendeskSecret` in its commit, with an audit entry that says only "set".
//! `steward secret-key rotate` re-seals them all in one batch ([`Store::reseal_all`]).

use super::backend::WriteBatch;
use super::record::encode;
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

/// The kinds sealed values are bound to (with their owner, see [`crate::secrets::context_of`]).
pub mod kinds {
    /// A Slack installation's bot token.
    pub const SLACK_BOT: &str = "slack-bot";
    /// A Slack installation's refresh token (token rotation).
    pub const SLACK_REFRESH: &str = "slack-refresh";
}

impl Store {
    /// Re-seals every sealed value the store holds — each tenant's Zendesk secret, each
    /// installation's tokens — with `reseal(kind, owner, sealed)`, and writes them all in one
    /// batch: all under the new key, or (on any error) none. How many values.
    pub fn reseal_all<E: From<StoreError>>(
        &self,
        mut reseal: impl FnMut(&str, &str, &Sealed) -> Result<Sealed, E>,
    ) -> Result<usize, E> {
        let mut batch = WriteBatch::default();
        let mut count = 0;
        for tenant in self.tenants()? {
            if let Some(sealed) = self.zendesk_secret(&tenant)? {
                let kind = crate::ingest::zendesk::SECRET_KIND;
                let fresh = reseal(kind, tenant.as_str(), &sealed)?;
                batch.put(keys::zendesk_secret(&tenant), fresh.as_bytes().to_vec());
                count += 1;
            }
        }
        for mut install in self.installations()? {
            let owner = install.owner();
            install.bot_token = reseal(kinds::SLACK_BOT, &owner, &install.bot_token)?;
            count += 1;
            if let Some(refresh) = &install.refresh_token {
                install.refresh_token = Some(reseal(kinds::SLACK_REFRESH, &owner, refresh)?);
                count += 1;
            }
            let (enterprise, team) = install.key();
            batch.put(keys::slack_install(enterprise, team), encode(&install)?);
        }
        if !batch.is_empty() {
            self.backend.apply(batch)?;
        }
        Ok(count)
    }
}
