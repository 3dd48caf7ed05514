//! Purpose: the sled backend — one embedded sled 0.34 database in a directory, held by one
//! process. Owns everything that knows sled: opening it (and turning its lock and corruption
//! errors into Steward's), the calls behind each [`Backend`] primitive, and the files Steward
//! keeps beside sled's own: `steward.pid` (who holds the database) and `steward.commit` (the
//! last acknowledged commit, to detect a database that recovered shorter).
//!
//! Behaviours of sled 0.34.7 this relies on (source under `~/.cargo/registry/src/*/sled-0.34.7/`):
//! - `Tree::apply_batch` is atomic across a crash: its writes are sealed under one log
//!   reservation and recovered all or nothing (tree.rs, `apply_batch_inner`).
//! - `Tree::flush` returns after the written log range went to the device with
//!   `sync_file_range(WAIT_BEFORE | WRITE | WAIT_AFTER)` on Linux (pagecache/iobuf.rs; `sync_all`
//!   only where that call is missing). That survives a killed process, which is the promise
//!   Steward makes (DECISIONS 1). It does not sync file metadata or the drive's cache; sled's
//!   flusher thread `sync_all`s every `flush_every_ms` (500 ms by default, flusher.rs), so a
//!   power cut can lose at most about that much.
//! - `Db::generate_id` is monotonic across restarts: the counter is persisted every
//!   `idgen_persist_interval` ids with a blocking flush, and recovery skips twice that
//!   interval ahead (db.rs), so an id is never given out twice.
//! - A second process opening the directory gets `Error::Io` "could not acquire lock"
//!   (config.rs, `try_lock_exclusive`).
//! - A data file of garbage opens as an *empty* database, and a damaged one recovers up to its
//!   first bad record, silently (DECISIONS 25). Hence [`Backend::existed`] and the commit
//!   note: the store checks its marker record against both.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use super::sled_ids::MessageIds;
use super::{Backend, Entry, IdStore, Swap, Visit, WriteBatch};
use crate::store::StoreError;

/// The `tracing` target sled logs under.
pub const LOG_TARGET: &str = "sled";
/// Written beside sled's files so a second process can say who holds the database.
const PID_FILE: &str = "steward.pid";
/// Written beside sled's files after each commit: the number of the last one.
const COMMIT_FILE: &str = "steward.commit";
/// sled's data file, inside the database directory.
pub(super) const DATA_FILE: &str = "db";
/// sled's page cache bound unless configured (`STEWARD_CACHE_MB`; sled's own default is
/// 1 GiB). sled counts it in bytes *on disk*: measured with sled 0.34.7 alone, 16-byte keys
/// cost about 180 bytes of resident memory each until the count reaches this bound
/// (spacejam/sled#986, #1309 report the same), so memory grows with the records written until
/// then. A 10k-account book's 90 days of rollups want 256 MiB for the daily recompute (a
/// quarter of that makes it four times slower).
pub const DEFAULT_CACHE_MB: NonZeroU32 = NonZeroU32::MIN.saturating_add(255);
/// A sled database in a directory.
pub struct SledBackend {
    db: ::sled::Db,
    dir: PathBuf,
    location: String,
    existed: bool,
    /// The received message ids' database (`None` in an old sled one being copied).
    message_ids: Option<Box<MessageIds>>,
}

impl SledBackend {
    /// Opens (or creates) the database in directory `path`. Refuses one another process holds
    /// ([`StoreError::Locked`], naming it) and one sled cannot read ([`StoreError::NotSteward`]).
    pub fn open(path: &Path) -> Result<SledBackend, StoreError> {
        SledBackend::open_with_cache(path, DEFAULT_CACHE_MB)
    }

    /// [`SledBackend::open`] with a page cache bound of `cache_mb` MiB.
    pub fn open_with_cache(path: &Path, cache_mb: NonZeroU32) -> Result<SledBackend, StoreError> {
        let cache_bytes = u64::from(cache_mb.get()) * 1024 * 1024;
        let mut main = SledBackend::open_with(path, cache_bytes)?;
        // Opened (when first asked for) under the main database's lock, so no other process
        // holds it either.
        main.message_ids = Some(Box::new(MessageIds::beside(path)));
        Ok(main)
    }

    pub(super) fn open_with(path: &Path, cache_bytes: u64) -> Result<SledBackend, StoreError> {
        let location = path.display().to_string();
        // Asked before opening: opening creates the data file.
        let existed = path.join(DATA_FILE).exists();
        let db = ::sled::Config::new()
            .path(path)
            .cache_capacity(cache_bytes)
            .open()
            .map_err(|e| match e {
                ::sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
                    StoreError::Locked {
                        holder: std::fs::read_to_string(path.join(PID_FILE))
                            .map(|pid| format!(" (pid {})", pid.trim()))
                            .unwrap_or_default(),
                        path: location.clone(),
                    }
                }
                ::sled::Error::Corruption { .. } | ::sled::Error::Unsupported(_) => {
                    StoreError::NotSteward {
                        path: location.clone(),
                        why: e.to_string(),
                    }
                }
                other => backend_error(other),
            })?;
        // Best effort: only used to name the holder in another process's error. Written once
        // the lock is ours, so it names the process that holds it.
        let _ = std::fs::write(path.join(PID_FILE), std::process::id().to_string());
        Ok(SledBackend {
            db,
            dir: path.to_path_buf(),
            location,
            existed,
            message_ids: None,
        })
    }
}

impl Backend for SledBackend {
    fn location(&self) -> &str {
        &self.location
    }

    fn existed(&self) -> bool {
        self.existed
    }

    fn shared(&self) -> bool {
        false
    }

    fn message_ids(&self) -> Result<&dyn IdStore, StoreError> {
        match &self.message_ids {
            Some(ids) => Ok(ids.get()?),
            None => Ok(self),
        }
    }

    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.db.get(key).map_err(backend_error)?.map(|v| v.to_vec()))
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError> {
        self.db.scan_prefix(prefix).map(owned).collect()
    }

    fn visit_prefix(&self, prefix: &[u8], visit: &mut Visit<'_>) -> Result<(), StoreError> {
        for item in self.db.scan_prefix(prefix) {
            let (key, value) = item.map_err(backend_error)?;
            visit(&key, &value)?;
        }
        Ok(())
    }

    fn scan_prefix_rev(
        &self,
        prefix: &[u8],
        skip: usize,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        self.db
            .scan_prefix(prefix)
            .rev()
            .skip(skip)
            .take(limit)
            .map(owned)
            .collect()
    }

    fn count_prefix(&self, prefix: &[u8]) -> Result<usize, StoreError> {
        let mut count = 0;
        for item in self.db.scan_prefix(prefix) {
            item.map_err(backend_error)?;
            count += 1;
        }
        Ok(count)
    }

    fn first_key_from(&self, from: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .db
            .range(from..)
            .next()
            .transpose()
            .map_err(backend_error)?
            .map(|(key, _)| key.to_vec()))
    }

    fn apply(&self, batch: WriteBatch) -> Result<(), StoreError> {
        // Atomic (all or nothing after a crash), then on the device before returning: see the
        // module comment for what each call guarantees.
        Backend::apply_lazily(self, batch)?;
        self.db.flush().map_err(backend_error)?;
        Ok(())
    }

    fn apply_lazily(&self, batch: WriteBatch) -> Result<(), StoreError> {
        let mut writes = ::sled::Batch::default();
        for (key, value) in batch.into_writes() {
            match value {
                Some(value) => writes.insert(key, value),
                None => writes.remove(key),
            }
        }
        self.db.apply_batch(writes).map_err(backend_error)
    }

    fn apply_if(&self, batch: WriteBatch, swap: Swap) -> Result<bool, StoreError> {
        let writes: Vec<_> = batch.into_writes().collect();
        // A sled transaction is serializable: the check and the writes are one step.
        let applied = self.db.transaction(|tx| {
            if tx.get(&swap.key)?.as_deref() != swap.expected.as_deref() {
                return ::sled::transaction::abort(());
            }
            tx.insert(swap.key.as_slice(), swap.new.as_slice())?;
            for (key, value) in &writes {
                match value {
                    Some(value) => tx.insert(key.as_slice(), value.as_slice())?,
                    None => tx.remove(key.as_slice())?,
                };
            }
            Ok(())
        });
        match applied {
            Ok(()) => {
                self.db.flush().map_err(backend_error)?;
                Ok(true)
            }
            Err(::sled::transaction::TransactionError::Abort(())) => Ok(false),
            Err(::sled::transaction::TransactionError::Storage(error)) => Err(backend_error(error)),
        }
    }

    fn insert_if_absent(&self, key: &[u8], value: Vec<u8>) -> Result<bool, StoreError> {
        // Expecting "absent" makes the swap fail if the key holds anything; sled applies the
        // comparison and the write as one step, so two racing threads cannot both insert.
        let swapped = self
            .db
            .compare_and_swap(key, None::<&[u8]>, Some(value))
            .map_err(backend_error)?;
        if swapped.is_ok() {
            self.db.flush().map_err(backend_error)?;
        }
        Ok(swapped.is_ok())
    }

    fn generate_id(&self) -> Result<u64, StoreError> {
        self.db.generate_id().map_err(backend_error)
    }

    fn advance_ids_past(&self, id: u64) -> Result<(), StoreError> {
        // sled has no way to set its counter: ids are drawn until past `id` (an atomic
        // increment each, persisted every million).
        while self.generate_id()? <= id {}
        Ok(())
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush().map_err(backend_error)?;
        Ok(())
    }

    fn noted_commit(&self) -> Option<u64> {
        std::fs::read_to_string(self.dir.join(COMMIT_FILE))
            .ok()
            .and_then(|text| text.trim().parse().ok())
    }

    fn try_lead(&self) -> Result<bool, StoreError> {
        // The database is this process's alone (sled's file lock): nobody else schedules.
        Ok(true)
    }

    fn check_ready(&self) -> Result<(), StoreError> {
        Ok(())
    }

    fn note_commit(&self, commit: u64) {
        // Outside sled's files on purpose: the note must survive whatever damaged them.
        if let Err(error) = std::fs::write(self.dir.join(COMMIT_FILE), commit.to_string()) {
            tracing::warn!(%error, "could not note the last commit beside the database");
        }
    }
}

fn backend_error(error: ::sled::Error) -> StoreError {
    StoreError::Backend(Box::new(error))
}

fn owned(item: ::sled::Result<(::sled::IVec, ::sled::IVec)>) -> Result<Entry, StoreError> {
    let (key, value) = item.map_err(backend_error)?;
    Ok((key.to_vec(), value.to_vec()))
}
