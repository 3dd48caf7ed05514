//! Purpose: write keys in the store — the one look-up the events API makes for a presented
//! key (its digest in the global index → tenant and key name), a key's usage as `list` shows
//! it, and staging a key made or revoked: its record under the tenant and its index entry are
//! written, or deleted, in the same commit as the audit entry, so a revoked key is refused by
//! the very next request. Nothing here logs or stores a key in clear.

use super::backend::WriteBatch;
use super::record::{decode, encode};
use super::{keys, Store, StoreError};
use crate::domain::book::Book;
use crate::domain::tenant::TenantId;
use crate::domain::writekey::{digest_of, WriteKeyOwner, WriteKeyRecord, WriteKeyUsage};

impl Store {
    /// The tenant and key name a presented write key belongs to, in one read; `None` for a key
    /// that is unknown, revoked or not shaped like one of Steward's. Only the key's SHA-256 is
    /// looked up; the key itself goes nowhere.
    pub fn write_key_tenant(&self, presented: &str) -> Result<Option<WriteKeyOwner>, StoreError> {
        let Some(digest) = digest_of(presented) else {
            return Ok(None);
        };
        let key = keys::write_key_index(&digest);
        self.backend
            .get(&key)?
            .map(|bytes| decode(&key, &bytes))
            .transpose()
    }

    /// How the tenant's write key `name` has been used (never used: the default).
    pub fn write_key_usage(
        &self,
        tenant: &TenantId,
        name: &str,
    ) -> Result<WriteKeyUsage, StoreError> {
        let key = keys::write_key_usage(tenant, name);
        Ok(match self.backend.get(&key)? {
            Some(bytes) => decode(&key, &bytes)?,
            None => WriteKeyUsage::default(),
        })
    }

    /// The tenant's write key records, for its book.
    pub(super) fn write_key_records(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<WriteKeyRecord>, StoreError> {
        self.scan(&keys::write_keys(tenant))
    }

    /// Stages a new key: its record, its index entry, and a clean usage record (a name used
    /// by a revoked key starts again from nothing).
    pub(super) fn stage_write_key(
        &self,
        tenant: &TenantId,
        record: &WriteKeyRecord,
        batch: &mut WriteBatch,
    ) -> Result<(), StoreError> {
        batch.put(keys::write_key(tenant, &record.name), encode(record)?);
        let owner = WriteKeyOwner {
            tenant: tenant.clone(),
            name: record.name.clone(),
        };
        batch.put(keys::write_key_index(&record.digest), encode(&owner)?);
        batch.delete(keys::write_key_usage(tenant, &record.name));
        Ok(())
    }

    /// Stages the revocation of the key `name`: record, index entry and usage deleted. Returns
    /// the revoked key's record (`None`: there was no such key, and nothing is staged).
    pub(super) fn stage_revoke_write_key<'b>(
        &self,
        book: &'b Book,
        name: &str,
        batch: &mut WriteBatch,
    ) -> Option<&'b WriteKeyRecord> {
        let record = book.write_key(name)?;
        batch.delete(keys::write_key(&book.tenant, &record.name));
        batch.delete(keys::write_key_index(&record.digest));
        batch.delete(keys::write_key_usage(&book.tenant, &record.name));
        Some(record)
    }
}
