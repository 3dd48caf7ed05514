//! Purpose: message ids on their way to [`Backend::message_ids`]. A request's ids are
//! committed with its rollups as one pending record, then copied there without waiting for
//! the device; once [`FLUSH_EVERY`] records were copied, the copies are flushed (outside the
//! tenant's lock) and the next commit deletes those records. A crash or a failed copy
//! between those steps loses nothing: before the tenant's next delivery is looked up,
//! [`settle`] copies whatever is still pending. So a retry of anything acknowledged — or committed and then failed — is
//! always recognised, and the ids never need to share the main database's cache.

use super::super::backend::{Backend, WriteBatch};
use super::super::{keys, StoreError};
use crate::domain::tenant::TenantId;
use keys::DIGEST_BYTES;

/// Copied records are flushed, and their pending records deleted, this many at a time: one
/// wait for the device per this many requests instead of one per request.
pub(super) const FLUSH_EVERY: usize = 64;

/// One request's message ids: the week they arrived in, and their digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PendingIds {
    pub week: u32,
    pub digests: Vec<[u8; DIGEST_BYTES]>,
}

impl PendingIds {
    /// The week, 4 bytes big-endian, then the digests one after the other.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + self.digests.len() * DIGEST_BYTES);
        out.extend_from_slice(&self.week.to_be_bytes());
        for digest in &self.digests {
            out.extend_from_slice(digest);
        }
        out
    }

    pub fn decode(key: &[u8], bytes: &[u8]) -> Result<Self, StoreError> {
        let corrupt = || {
            StoreError::Corrupt(format!(
                "pending message ids {} are not a week and 16-byte digests",
                String::from_utf8_lossy(key)
            ))
        };
        let (week, rest) = bytes.split_first_chunk::<4>().ok_or_else(corrupt)?;
        let (digests, tail) = rest.as_chunks::<DIGEST_BYTES>();
        if !tail.is_empty() {
            return Err(corrupt());
        }
        Ok(PendingIds {
            week: u32::from_be_bytes(*week),
            digests: digests.to_vec(),
        })
    }

    /// Writes the ids into the message ids' backend, durable at its next flush.
    pub fn copy(&self, backend: &dyn Backend, tenant: &TenantId) -> Result<(), StoreError> {
        if self.digests.is_empty() {
            return Ok(());
        }
        let mut batch = WriteBatch::default();
        for digest in &self.digests {
            batch.put(keys::message_id(tenant, self.week, digest), Vec::new());
        }
        backend.message_ids()?.apply_lazily(batch)
    }
}

/// Copies every pending record of the tenant into the message ids' backend, then deletes
/// them; returns how many there were. Run under the tenant's intake lock before its tables
/// are used, so every id committed before is found by the next lookup.
pub(super) fn settle(backend: &dyn Backend, tenant: &TenantId) -> Result<usize, StoreError> {
    let pending = backend.scan_prefix(&keys::pending_ids(tenant))?;
    if pending.is_empty() {
        return Ok(0);
    }
    let mut copied = WriteBatch::default();
    for (key, bytes) in &pending {
        PendingIds::decode(key, bytes)?.copy(backend, tenant)?;
        copied.delete(key.clone());
    }
    backend.message_ids()?.flush()?;
    backend.apply(copied)?;
    Ok(pending.len())
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use chrono_tz::Tz;

    use super::*;
    use crate::ingest::parse_batch;
    use crate::store::ingest::{Delivery, Receipt};
    use crate::store::Store;

    fn received() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid")
    }

    /// Two messages, ids `{n}a` and `{n}b`.
    fn send(store: &Store, tenant: &TenantId, n: usize) -> Receipt {
        let received = received();
        let batch = format!(
            r#"{{"batch":[{{"type":"track","userId":"u1","event":"E","messageId":"{n}a"}},{{"type":"track","userId":"u2","event":"E","messageId":"{n}b"}}]}}"#
        );
        let parsed = parse_batch(batch.as_bytes(), received).expect("a valid batch");
        let delivery = Delivery {
            messages: &parsed.accepted,
            rejected: parsed.skipped_by_reason(),
            received,
            zone: Tz::UTC,
            key: None,
        };
        store.ingest(tenant, &delivery).expect("stored")
    }

    fn pending(store: &Store, tenant: &TenantId) -> usize {
        let records = store.backend.scan_prefix(&keys::pending_ids(tenant));
        records.expect("read").len()
    }

    #[test]
    fn ids_committed_but_never_copied_are_still_recognised() {
        let dir = tempfile::tempdir().expect("temp dir");
        let tenant = TenantId::parse("acme").expect("valid");
        let store = Store::open(&dir.path().join("db")).expect("open");
        assert_eq!(send(&store, &tenant, 1).accepted, 2);
        // Copied: the ids are in their own database, the pending record awaits deletion.
        let week = received().timestamp().div_euclid(super::super::WEEK_SECS);
        let week_ids = keys::message_ids(&tenant, u32::try_from(week).expect("a week"));
        let copied = store
            .backend
            .message_ids()
            .expect("ids")
            .scan_prefix(&week_ids);
        assert_eq!(copied.expect("read").len(), 2);
        assert_eq!(pending(&store, &tenant), 1);
        // A crash after the commit and before the copy: the ids never reached their database.
        let mut lost = WriteBatch::default();
        for (key, _) in store
            .backend
            .message_ids()
            .expect("ids")
            .scan_prefix(&week_ids)
            .expect("read")
        {
            lost.delete(key);
        }
        store
            .backend
            .message_ids()
            .expect("ids")
            .apply(lost)
            .expect("delete");
        drop(store);
        let store = Store::open(&dir.path().join("db")).expect("reopen");
        let again = send(&store, &tenant, 1);
        assert_eq!((again.accepted, again.duplicates), (0, 2), "{again:?}");
        assert_eq!(pending(&store, &tenant), 0, "settled, then deleted");
        let copied = store
            .backend
            .message_ids()
            .expect("ids")
            .scan_prefix(&week_ids);
        assert_eq!(copied.expect("read").len(), 2);
    }

    #[test]
    fn pending_records_are_deleted_once_their_copies_are_flushed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let tenant = TenantId::parse("acme").expect("valid");
        let store = Store::open(&dir.path().join("db")).expect("open");
        for n in 0..FLUSH_EVERY {
            assert_eq!(send(&store, &tenant, n).accepted, 2);
        }
        // The request that made FLUSH_EVERY copies flushed them once it had committed...
        assert_eq!(pending(&store, &tenant), FLUSH_EVERY);
        // ...and the next commit deletes their records.
        assert_eq!(send(&store, &tenant, FLUSH_EVERY).accepted, 2);
        assert_eq!(pending(&store, &tenant), 1, "only the last request's");
        // Every id is still recognised.
        for n in 0..=FLUSH_EVERY {
            assert_eq!(send(&store, &tenant, n).duplicates, 2);
        }
    }

    #[test]
    fn a_pending_record_that_is_not_a_week_and_digests_is_corrupt() {
        let key = b"k";
        assert!(PendingIds::decode(key, &[0, 0, 0]).is_err());
        assert!(PendingIds::decode(key, &[0; 4 + 17]).is_err());
        let ids = PendingIds {
            week: 2934,
            digests: vec![keys::message_digest("id:m1"), keys::message_digest("id:m2")],
        };
        assert_eq!(PendingIds::decode(key, &ids.encode()).ok(), Some(ids));
    }
}
