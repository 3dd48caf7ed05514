//! Purpose: where the sled backend keeps received message ids — the LSM tree
//! ([`ReceivedIds`]) in `received-ids/` beside sled's files, opened when first asked for, and
//! the ids older versions kept in a sled database of their own (`message-ids/`) moved into it.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use super::received_ids::ReceivedIds;
use super::sled::{SledBackend, DATA_FILE};
use super::{Backend, IdStore, WriteBatch};
use crate::store::StoreError;

/// The received message ids' own database (an LSM tree), inside the main one's directory
/// ([`Backend::message_ids`]).
const RECEIVED_IDS_DIR: &str = "received-ids";
/// Where versions before it kept them, in a sled database of their own: copied into the LSM
/// tree when it is first opened, then removed.
const SLED_IDS_DIR: &str = "message-ids";
/// That sled database's cache while it is copied.
const SLED_IDS_CACHE_BYTES: u64 = 8 * 1024 * 1024;
/// Ids copied from it per write.
const COPY_BATCH: usize = 10_000;

/// The received message ids' database, opened when first asked for: a process that receives
/// no data (the console, an export) never pays for its threads, memtable and filters.
pub(super) struct MessageIds {
    /// The main database's directory.
    dir: PathBuf,
    opened: OnceLock<ReceivedIds>,
    /// Held while opening, so that two threads asking at once open it once.
    opening: Mutex<()>,
}

impl MessageIds {
    /// Not opened yet: beside the main database in directory `dir`.
    pub(super) fn beside(dir: &Path) -> MessageIds {
        MessageIds {
            dir: dir.to_path_buf(),
            opened: OnceLock::new(),
            opening: Mutex::new(()),
        }
    }

    pub(super) fn get(&self) -> Result<&ReceivedIds, StoreError> {
        if let Some(db) = self.opened.get() {
            return Ok(db);
        }
        let _opening = self.opening.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(db) = self.opened.get() {
            return Ok(db);
        }
        let db = ReceivedIds::open(&self.dir.join(RECEIVED_IDS_DIR))?;
        copy_sled_ids(&self.dir.join(SLED_IDS_DIR), &db)?;
        Ok(self.opened.get_or_init(|| db))
    }
}

/// Copies the ids an older version kept in a sled database of their own into `into`, makes
/// them durable there, then removes that database. Interrupted, it starts again at the next
/// open: copying an id twice writes the same record.
fn copy_sled_ids(old: &Path, into: &ReceivedIds) -> Result<(), StoreError> {
    if !old.join(DATA_FILE).exists() {
        return Ok(());
    }
    let sled = SledBackend::open_with(old, SLED_IDS_CACHE_BYTES)?;
    let mut batch = WriteBatch::default();
    let mut staged = 0;
    Backend::visit_prefix(&sled, b"", &mut |key, value| {
        batch.put(key.to_vec(), value.to_vec());
        staged += 1;
        if staged == COPY_BATCH {
            staged = 0;
            into.apply_lazily(std::mem::take(&mut batch))?;
        }
        Ok(())
    })?;
    into.apply_lazily(batch)?;
    into.flush()?;
    drop(sled);
    std::fs::remove_dir_all(old).map_err(|e| StoreError::Backend(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_ids_database_opens_when_first_asked_for_and_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db");
        let backend = SledBackend::open(&path).expect("open");
        let ids_dir = path.join(RECEIVED_IDS_DIR);
        assert!(!ids_dir.exists(), "opened before anything asked for it");
        // Two threads asking at once: a second open in this process would find sled's lock
        // taken (StoreError::Locked), so both must get the one database.
        let opened: Vec<usize> = std::thread::scope(|s| {
            let ask = || {
                let ids = backend.message_ids().expect("message ids");
                std::ptr::from_ref(ids).cast::<u8>() as usize
            };
            let threads: Vec<_> = (0..2).map(|_| s.spawn(ask)).collect();
            threads
                .into_iter()
                .map(|t| t.join().expect("thread"))
                .collect()
        });
        assert_eq!(opened[0], opened[1]);
        assert!(ids_dir.exists());
        let own = std::ptr::from_ref::<dyn Backend>(&backend).cast::<u8>() as usize;
        assert_ne!(opened[0], own, "the ids live apart from the main database");
    }

    #[test]
    fn ids_an_older_version_kept_in_sled_are_copied_into_the_lsm_tree_then_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db");
        let old_ids = path.join(SLED_IDS_DIR);
        // As versions before the LSM tree left them: more ids than one copy batch.
        let keys: Vec<Vec<u8>> = (0..COPY_BATCH + 5)
            .map(|n| format!("tenant/t/ids/{n:08}").into_bytes())
            .collect();
        {
            std::fs::create_dir_all(&path).expect("dir");
            let old = SledBackend::open_with(&old_ids, SLED_IDS_CACHE_BYTES).expect("old");
            let mut batch = WriteBatch::default();
            for key in &keys {
                batch.put(key.clone(), Vec::new());
            }
            Backend::apply(&old, batch).expect("old ids");
        }
        let backend = SledBackend::open(&path).expect("open");
        let ids = backend.message_ids().expect("message ids");
        assert_eq!(
            ids.scan_prefix(b"tenant/t/ids/").expect("scan").len(),
            keys.len()
        );
        assert!(!old_ids.exists(), "the old database is removed once copied");
        drop(backend);
        // Durable in the LSM tree: found again after reopening, with nothing left to copy.
        let backend = SledBackend::open(&path).expect("reopen");
        let ids = backend.message_ids().expect("message ids");
        assert_eq!(
            ids.get(&keys[COPY_BATCH + 4]).expect("get"),
            Some(Vec::new())
        );
    }
}
