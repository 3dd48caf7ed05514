//! Purpose: reading and redacting the audit trail — an account's entries a page at a time,
//! newest first, and a removed person's name taken out of every entry of their account.

use super::backend::WriteBatch;
use super::record::{decode, encode};
use super::{keys, Store, StoreError};
use crate::domain::account::AccountId;
use crate::domain::audit::{AuditEntry, Redaction};
use crate::domain::tenant::TenantId;

/// Entries on one page of [`Store::history`].
const PER_PAGE: usize = 25;

/// Audit entries of one account, newest first, one page of them, and the total.
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: usize,
}

impl Store {
    /// One page (25 a page, from 1, newest first) of an account's audit trail (`None`: the
    /// tenant-wide changes). Entry keys end in increasing ids, so reverse key order is newest
    /// first, and a page is read without reading the pages before it.
    pub fn history(
        &self,
        tenant: &TenantId,
        account: Option<AccountId>,
        page: usize,
    ) -> Result<AuditPage, StoreError> {
        let prefix = keys::audit_of(tenant, account);
        let total = self.backend.count_prefix(&prefix)?;
        let entries = self
            .backend
            .scan_prefix_rev(&prefix, PER_PAGE.saturating_mul(page.max(1) - 1), PER_PAGE)?
            .into_iter()
            .map(|(key, bytes)| decode(&key, &bytes))
            .collect::<Result<_, _>>()?;
        Ok(AuditPage { entries, total })
    }

    /// Replaces `name` with `[removed]` in the account's audit trail, durably: every whole-name
    /// occurrence, in any letter case, never inside another word ([`Redaction`]).
    pub fn redact(
        &self,
        tenant: &TenantId,
        account: AccountId,
        name: &str,
    ) -> Result<(), StoreError> {
        let redaction = Redaction::new(name).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut batch = WriteBatch::default();
        for (key, bytes) in self
            .backend
            .scan_prefix(&keys::audit_of(tenant, Some(account)))?
        {
            let mut entry: AuditEntry = decode(&key, &bytes)?;
            if redaction.entry(&mut entry) {
                batch.put(key, encode(&entry)?);
            }
        }
        self.apply_durably(batch)
    }
}
