//! Purpose: the backends the storage suite runs against. Each is a name and a way to make an
//! empty [`Database`] that a test can open, drop and open again, like a restarted process.
//! The PostgreSQL backend joins the list when `STEWARD_TEST_DATABASE_URL` is set.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use steward::store::backend::postgres::PostgresBackend;
use steward::store::backend::sled::SledBackend;
use steward::store::backend::{Backend, Entry, Swap, WriteBatch};
use steward::store::StoreError;

/// One database. Open it again only after dropping the last opening (sled admits one holder).
pub trait Database {
    fn open(&self) -> Box<dyn Backend>;
}

/// Makes an empty database.
pub type Empty = fn() -> Box<dyn Database>;

/// Every backend, with a maker of empty databases for it.
pub fn backends() -> Vec<(&'static str, Empty)> {
    let mut backends: Vec<(&'static str, Empty)> = vec![
        ("sled", SledDatabase::empty),
        ("memory", MemoryDatabase::empty),
    ];
    if std::env::var(super::postgres::URL_VAR).is_ok_and(|v| !v.is_empty()) {
        backends.push(("postgres", PostgresDatabase::empty));
    } else {
        // Says why, once.
        let _ = super::postgres::fresh_schema_url();
    }
    backends
}

/// A schema of its own on the test PostgreSQL server.
pub struct PostgresDatabase {
    pub url: String,
}

impl PostgresDatabase {
    fn empty() -> Box<dyn Database> {
        Box::new(PostgresDatabase {
            url: super::postgres::fresh_schema_url().expect("a test PostgreSQL server"),
        })
    }
}

impl Database for PostgresDatabase {
    fn open(&self) -> Box<dyn Backend> {
        Box::new(PostgresBackend::open(&self.url).expect("open PostgreSQL"))
    }
}

struct SledDatabase {
    dir: tempfile::TempDir,
}

impl SledDatabase {
    fn empty() -> Box<dyn Database> {
        Box::new(SledDatabase {
            dir: tempfile::tempdir().expect("temp dir"),
        })
    }
}

impl Database for SledDatabase {
    /// Retries while the lock is still held: a dropped `sled::Db` releases its file lock only
    /// once sled's background threads let go of the file, a moment later (spacejam/sled#1234:
    /// "please do not rapidly open and close the same database"). Steward opens once per
    /// process; only a test reopens within one.
    fn open(&self) -> Box<dyn Backend> {
        let path = self.dir.path().join("db");
        let started = Instant::now();
        loop {
            match SledBackend::open(&path) {
                Err(StoreError::Locked { .. }) if started.elapsed() < Duration::from_secs(5) => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                opened => return Box::new(opened.expect("open sled")),
            }
        }
    }
}

/// The contract and nothing else, in memory: a second implementation, so the suite shows
/// the store's behaviour comes from the store, not from something only sled does. "Durable"
/// here means it outlives one opening, which is all a test in one process can observe.
#[derive(Default)]
struct MemoryDatabase(Arc<Mutex<Memory>>);

#[derive(Default)]
struct Memory {
    /// Opened before: what sled tells from its data file being there.
    created: bool,
    records: BTreeMap<Vec<u8>, Vec<u8>>,
    next_id: u64,
    noted: Option<u64>,
}

impl MemoryDatabase {
    fn empty() -> Box<dyn Database> {
        Box::new(MemoryDatabase::default())
    }
}

impl Database for MemoryDatabase {
    fn open(&self) -> Box<dyn Backend> {
        let existed = std::mem::replace(&mut lock(&self.0).created, true);
        Box::new(MemoryBackend {
            memory: self.0.clone(),
            existed,
        })
    }
}

struct MemoryBackend {
    memory: Arc<Mutex<Memory>>,
    existed: bool,
}

fn lock(memory: &Mutex<Memory>) -> MutexGuard<'_, Memory> {
    memory.lock().unwrap_or_else(|p| p.into_inner())
}

impl MemoryBackend {
    fn under(&self, prefix: &[u8]) -> Vec<Entry> {
        lock(&self.memory)
            .records
            .range(prefix.to_vec()..)
            .take_while(|(key, _)| key.starts_with(prefix))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect()
    }
}

impl Backend for MemoryBackend {
    fn location(&self) -> &str {
        "memory"
    }

    fn message_ids(&self) -> Result<&dyn steward::store::backend::IdStore, StoreError> {
        Ok(self)
    }

    fn apply_lazily(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.apply(batch)
    }

    fn existed(&self) -> bool {
        self.existed
    }

    fn shared(&self) -> bool {
        false
    }

    fn apply_if(&self, batch: WriteBatch, swap: Swap) -> Result<bool, StoreError> {
        let mut memory = lock(&self.memory);
        if memory.records.get(&swap.key) != swap.expected.as_ref() {
            return Ok(false);
        }
        memory.records.insert(swap.key, swap.new);
        for (key, value) in batch.into_writes() {
            match value {
                Some(value) => memory.records.insert(key, value),
                None => memory.records.remove(&key),
            };
        }
        Ok(true)
    }

    fn try_lead(&self) -> Result<bool, StoreError> {
        Ok(true)
    }

    fn check_ready(&self) -> Result<(), StoreError> {
        Ok(())
    }

    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(lock(&self.memory).records.get(key).cloned())
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError> {
        Ok(self.under(prefix))
    }

    fn scan_prefix_rev(
        &self,
        prefix: &[u8],
        skip: usize,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        Ok(self
            .under(prefix)
            .into_iter()
            .rev()
            .skip(skip)
            .take(limit)
            .collect())
    }

    fn count_prefix(&self, prefix: &[u8]) -> Result<usize, StoreError> {
        Ok(self.under(prefix).len())
    }

    fn first_key_from(&self, from: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(lock(&self.memory)
            .records
            .range(from.to_vec()..)
            .next()
            .map(|(key, _)| key.clone()))
    }

    fn apply(&self, batch: WriteBatch) -> Result<(), StoreError> {
        let mut memory = lock(&self.memory);
        for (key, value) in batch.into_writes() {
            match value {
                Some(value) => memory.records.insert(key, value),
                None => memory.records.remove(&key),
            };
        }
        Ok(())
    }

    fn insert_if_absent(&self, key: &[u8], value: Vec<u8>) -> Result<bool, StoreError> {
        let mut memory = lock(&self.memory);
        if memory.records.contains_key(key) {
            return Ok(false);
        }
        memory.records.insert(key.to_vec(), value);
        Ok(true)
    }

    fn generate_id(&self) -> Result<u64, StoreError> {
        let mut memory = lock(&self.memory);
        memory.next_id += 1;
        Ok(memory.next_id)
    }

    fn advance_ids_past(&self, id: u64) -> Result<(), StoreError> {
        let mut memory = lock(&self.memory);
        memory.next_id = memory.next_id.max(id);
        Ok(())
    }

    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }

    fn noted_commit(&self) -> Option<u64> {
        lock(&self.memory).noted
    }

    fn note_commit(&self, commit: u64) {
        lock(&self.memory).noted = Some(commit);
    }
}
