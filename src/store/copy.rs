//! Purpose: copying a whole database into an empty one of any backend (`steward migrate
//! --from --to`) — every record as stored (all tenants, settings, accounts, history, audit,
//! undo plans, the post ledger, seen events, received data and message ids, write keys,
//! sealed secrets, installations), ids advanced past the copied ones, then the counts of
//! both compared, in total and per tenant.

use std::collections::BTreeMap;

use super::backend::{Backend, IdStore, WriteBatch};
use super::{keys, Store, StoreError};
use crate::domain::tenant::TenantId;

/// Records written per batch: large enough for few round trips, small enough for memory.
const BATCH: usize = 10_000;

/// What a copy moved, counted in the target after it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Copied {
    /// Every record but the marker (each database has its own).
    pub records: usize,
    /// Records under each tenant.
    pub tenants: BTreeMap<TenantId, usize>,
}

/// Why a copy did not happen, or did not verify.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("the target database already holds data ({records} records); copy into an empty one")]
    TargetNotEmpty { records: usize },
    #[error("the copy does not match its source: {what} (source {source_count}, copy {copy_count}); discard the target and copy again")]
    Mismatch {
        what: String,
        source_count: usize,
        copy_count: usize,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Copies every record of this store into `target`, which must be empty, and verifies the
    /// counts. Run with no other process writing the source (stop the replicas first).
    pub fn copy_into(&self, target: &Store) -> Result<Copied, CopyError> {
        let before = count(target.backend.as_ref())?;
        if before.records > 0 {
            return Err(CopyError::TargetNotEmpty {
                records: before.records,
            });
        }
        copy_records(self.backend.as_ref(), target.backend.as_ref())?;
        if let Some(ids) = separate_ids(self.backend.as_ref())? {
            copy_records(ids, target.backend.message_ids()?)?;
        }
        // Ids order audit entries and events: new ones must come after the copied ones.
        target
            .backend
            .advance_ids_past(self.backend.generate_id()?)?;
        target.backend.flush()?;
        let source = count(self.backend.as_ref())?;
        let copy = count(target.backend.as_ref())?;
        if source.records != copy.records {
            return Err(mismatch("records in all", source.records, copy.records));
        }
        for (tenant, &n) in &source.tenants {
            let m = copy.tenants.get(tenant).copied().unwrap_or(0);
            if n != m {
                return Err(mismatch(&format!("records of tenant {tenant}"), n, m));
            }
        }
        Ok(copy)
    }
}

fn mismatch(what: &str, source_count: usize, copy_count: usize) -> CopyError {
    CopyError::Mismatch {
        what: what.to_string(),
        source_count,
        copy_count,
    }
}

/// The backend's own place for message ids, when it is not the backend itself.
fn separate_ids(backend: &dyn Backend) -> Result<Option<&dyn IdStore>, StoreError> {
    let ids = backend.message_ids()?;
    Ok((!std::ptr::addr_eq(ids, backend)).then_some(ids))
}

/// Every record of `from` but the marker into `to`, in batches.
fn copy_records<F, T>(from: &F, to: &T) -> Result<(), StoreError>
where
    F: IdStore + ?Sized,
    T: IdStore + ?Sized,
{
    let mut batch = WriteBatch::default();
    let mut staged = 0;
    for (key, value) in from.scan_prefix(b"")? {
        if key == keys::MARKER {
            continue;
        }
        batch.put(key, value);
        staged += 1;
        if staged == BATCH {
            to.apply(std::mem::take(&mut batch))?;
            staged = 0;
        }
    }
    if !batch.is_empty() {
        to.apply(batch)?;
    }
    Ok(())
}

/// The records of a database (and of its separate message ids), in total and per tenant.
fn count(backend: &dyn Backend) -> Result<Copied, StoreError> {
    let mut counted = Copied::default();
    tally(backend, &mut counted)?;
    if let Some(ids) = separate_ids(backend)? {
        tally(ids, &mut counted)?;
    }
    Ok(counted)
}

/// Adds the records of one place to `counted`.
fn tally<S: IdStore + ?Sized>(place: &S, counted: &mut Copied) -> Result<(), StoreError> {
    for (key, _) in place.scan_prefix(b"")? {
        if key == keys::MARKER {
            continue;
        }
        counted.records += 1;
        if let Some(tenant) = keys::tenant_of(&key) {
            *counted.tenants.entry(tenant).or_default() += 1;
        }
    }
    Ok(())
}
