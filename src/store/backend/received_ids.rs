//! Purpose: the received message ids' own database beside sled — an LSM tree (fjall) in
//! `received-ids/` inside the database directory, behind [`IdStore`]. Owns everything that
//! knows fjall: opening it, the tree's shape, and turning its errors into Steward's.
//!
//! Why not sled: the ids are millions of random 16-byte digests a week, written once and read
//! only to recognise a retry, so nearly every lookup misses. In sled's B-tree each lookup and
//! insert lands on a random leaf, read back from disk when the cache is small, and sled's page
//! table grows with the tree whatever its cache: measured with sled 0.34.7 alone at an 8 MiB
//! cache, 36 MB of resident memory per million ids, and 62k falling to 38k ids a second. An LSM
//! tree puts new ids in a memtable and writes sorted runs in the background; a lookup of an
//! id never seen is answered by the runs' Bloom filters, kept in memory, without reading the
//! disk. Measured the same way: 10 million ids at 90k a second, about 8 MB more per million.
//!
//! Behaviours of fjall 3.1 this relies on (source under `~/.cargo/registry/src/*/fjall-3.1.13/`):
//! - A write batch is one journal entry under one sequence number, recovered all or nothing
//!   (batch/mod.rs `commit`, journal/).
//! - With manual journal persistence a commit stays in the journal's buffer; `persist(SyncData)`
//!   writes and fsyncs the journal, so everything committed before it survives a killed process
//!   (db.rs `persist`). [`IdStore::apply_lazily`] is a commit alone, [`IdStore::apply`] and
//!   [`IdStore::flush`] persist.
//! - The directory is locked by the process that opened it (locked_file.rs); Steward opens it
//!   only while holding the sled database's lock anyway.

use std::path::Path;

use fjall::config::{
    BloomConstructionPolicy, CompressionPolicy, FilterPolicy, FilterPolicyEntry,
    PartitioningPolicy, PinningPolicy,
};
use fjall::{CompressionType, Database, Keyspace, KeyspaceCreateOptions, PersistMode};

use super::{Entry, IdStore, WriteBatch};
use crate::store::StoreError;

/// The `tracing` target fjall logs under (through `log`): it announces creating and flushing
/// at INFO, which is noise in a console's output, and its failures reach Steward as errors.
pub const LOG_TARGET: &str = "fjall";
/// The same for the LSM tree beneath it.
pub const TREE_LOG_TARGET: &str = "lsm_tree";

/// The tree's one keyspace.
const KEYSPACE: &str = "ids";
/// The block cache: lookups of new ids are answered by the filters, which are pinned outside
/// it, so it only serves retries, pruning and copying.
const CACHE_BYTES: u64 = 8 * 1024 * 1024;
/// New ids are gathered in memory up to this size before a sorted run is written.
const MEMTABLE_BYTES: u64 = 8 * 1024 * 1024;
/// Filter bits per id: about 1 % of lookups of a new id read a block from disk.
const FILTER_BITS_PER_KEY: f32 = 10.0;

/// fjall's threads that write memtables out and compact runs (its default: one per core, up to
/// four).
const BACKGROUND_THREADS: usize = 1;

/// The received ids' LSM tree.
pub struct ReceivedIds {
    db: Database,
    ids: Keyspace,
}

impl ReceivedIds {
    /// Opens (or creates) the tree in directory `path`.
    pub fn open(path: &Path) -> Result<ReceivedIds, StoreError> {
        let db = Database::builder(path)
            .cache_size(CACHE_BYTES)
            .manual_journal_persist(true)
            // One thread writes runs and compacts them: on a 2-core box a second one took a
            // core from the requests (lean bench: batch p99 60 → 47 ms at 37–40k events/s).
            .worker_threads(BACKGROUND_THREADS)
            .open()
            .map_err(|e| match e {
                fjall::Error::Unrecoverable
                | fjall::Error::InvalidVersion(_)
                | fjall::Error::JournalRecovery(_) => StoreError::NotSteward {
                    path: path.display().to_string(),
                    why: e.to_string(),
                },
                other => backend_error(other),
            })?;
        let ids = db
            .keyspace(KEYSPACE, || {
                // Every run's filters and indexes stay in memory (fjall pins only the first
                // levels' by default): a lookup that misses must not read the disk for them.
                KeyspaceCreateOptions::default()
                    .manual_journal_persist(true)
                    .max_memtable_size(MEMTABLE_BYTES)
                    .filter_policy(FilterPolicy::all(FilterPolicyEntry::Bloom(
                        BloomConstructionPolicy::BitsPerKey(FILTER_BITS_PER_KEY),
                    )))
                    .filter_block_pinning_policy(PinningPolicy::all(true))
                    .filter_block_partitioning_policy(PartitioningPolicy::all(false))
                    .index_block_pinning_policy(PinningPolicy::all(true))
                    .index_block_partitioning_policy(PartitioningPolicy::all(false))
                    // Digests do not compress.
                    .data_block_compression_policy(CompressionPolicy::all(CompressionType::None))
            })
            .map_err(backend_error)?;
        Ok(ReceivedIds { db, ids })
    }

    fn commit(&self, batch: WriteBatch, durability: Option<PersistMode>) -> Result<(), StoreError> {
        let mut writes = self.db.batch().durability(durability);
        for (key, value) in batch.into_writes() {
            match value {
                Some(value) => writes.insert(&self.ids, key, value),
                None => writes.remove(&self.ids, key),
            }
        }
        writes.commit().map_err(backend_error)
    }
}

impl IdStore for ReceivedIds {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .ids
            .get(key)
            .map_err(backend_error)?
            .map(|v| v.to_vec()))
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError> {
        self.ids.prefix(prefix).map(owned).collect()
    }

    fn scan_prefix_rev(
        &self,
        prefix: &[u8],
        skip: usize,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        self.ids
            .prefix(prefix)
            .rev()
            .skip(skip)
            .take(limit)
            .map(owned)
            .collect()
    }

    fn first_key_from(&self, from: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.ids.range(from..).next() {
            Some(first) => Ok(Some(owned(first)?.0)),
            None => Ok(None),
        }
    }

    fn apply(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.commit(batch, Some(PersistMode::SyncData))
    }

    fn apply_lazily(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.commit(batch, None)
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.db
            .persist(PersistMode::SyncData)
            .map_err(backend_error)
    }
}

fn backend_error(error: fjall::Error) -> StoreError {
    StoreError::Backend(Box::new(error))
}

fn owned(item: fjall::Guard) -> Result<Entry, StoreError> {
    let (key, value) = item.into_inner().map_err(backend_error)?;
    Ok((key.to_vec(), value.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(puts: &[&[u8]], deletes: &[&[u8]]) -> WriteBatch {
        let mut batch = WriteBatch::default();
        for key in puts {
            batch.put(key.to_vec(), Vec::new());
        }
        for key in deletes {
            batch.delete(key.to_vec());
        }
        batch
    }

    #[test]
    fn ids_read_back_in_key_order_and_survive_reopening_once_flushed() {
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let ids = ReceivedIds::open(dir.path()).expect("open");
            ids.apply(batch(&[b"t/a/2", b"t/a/1", b"t/b/1"], &[]))
                .expect("apply");
            ids.apply_lazily(batch(&[b"t/a/3"], &[b"t/a/2"]))
                .expect("lazily");
            ids.flush().expect("flush");
        }
        let ids = ReceivedIds::open(dir.path()).expect("reopen");
        let keys = |entries: Vec<Entry>| -> Vec<Vec<u8>> {
            entries.into_iter().map(|(key, _)| key).collect()
        };
        assert_eq!(
            keys(ids.scan_prefix(b"t/a/").expect("scan")),
            [b"t/a/1".to_vec(), b"t/a/3".to_vec()]
        );
        assert_eq!(
            keys(ids.scan_prefix_rev(b"t/", 1, 1).expect("scan")),
            [b"t/a/3".to_vec()]
        );
        assert_eq!(
            ids.first_key_from(b"t/a/4").expect("first"),
            Some(b"t/b/1".to_vec())
        );
        assert_eq!(ids.first_key_from(b"u").expect("first"), None);
        assert_eq!(ids.get(b"t/a/2").expect("get"), None);
        assert_eq!(ids.get(b"t/b/1").expect("get"), Some(Vec::new()));
    }
}
