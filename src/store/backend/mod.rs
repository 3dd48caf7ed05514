//! Purpose: the one seam between the store and a database — [`Backend`], the few primitives
//! the store needs, over plain owned bytes, and [`WriteBatch`], what one atomic durable write
//! holds. Keys, encoding, books, audit, undo, ledger, seen ids and bulk batches are written
//! once in `store` over this trait; a backend implements only the primitives: the embedded
//! [`sled::SledBackend`] (one process), and [`postgres::PostgresBackend`] (several replicas on
//! one database). [`IdStore`] is the smaller seam where received message ids are kept: the
//! backend itself, or beside sled an LSM tree of their own ([`received_ids::ReceivedIds`]).

pub mod postgres;
pub mod received_ids;
pub mod sled;
mod sled_ids;

use std::collections::BTreeMap;

use super::StoreError;

/// Log targets of the backends' own crates, off unless `RUST_LOG` names them: they report
/// recovery problems themselves, and the store turns those into one clear error.
pub const QUIET_LOG_TARGETS: [&str; 5] = [
    sled::LOG_TARGET,
    postgres::LOG_TARGET,
    postgres::MIGRATIONS_LOG_TARGET,
    received_ids::LOG_TARGET,
    received_ids::TREE_LOG_TARGET,
];

/// One stored record: its key and its encoded value.
pub type Entry = (Vec<u8>, Vec<u8>);

/// Puts and deletes that [`Backend::apply`] writes all together or not at all.
///
/// Staging the same key twice keeps the later write: a commit stages the purge of its writer's
/// expired undo plan and then the writer's new plan under the same key, and the new plan must
/// win. Writes are kept in key order, so a backend that locks rows takes the locks in one
/// global order (two replicas applying overlapping batches cannot deadlock), and one statement
/// never upserts a key twice.
#[derive(Debug, Default)]
pub struct WriteBatch {
    writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl WriteBatch {
    /// Stores `value` under `key`.
    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.writes.insert(key, Some(value));
    }

    /// Deletes `key` (nothing happens if it is absent).
    pub fn delete(&mut self, key: Vec<u8>) {
        self.writes.insert(key, None);
    }

    /// The keys written or deleted, in key order.
    pub fn keys(&self) -> impl Iterator<Item = &Vec<u8>> {
        self.writes.keys()
    }

    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }

    /// The writes in key order: `Some(value)` to store, `None` to delete. For backends.
    pub fn into_writes(self) -> impl Iterator<Item = (Vec<u8>, Option<Vec<u8>>)> {
        self.writes.into_iter()
    }
}

/// The guard of [`Backend::apply_if`]: `key` must hold `expected` (`None`: be absent), and
/// then holds `new`, in the same atomic write as the batch.
#[derive(Debug, Clone)]
pub struct Swap {
    pub key: Vec<u8>,
    pub expected: Option<Vec<u8>>,
    pub new: Vec<u8>,
}

/// What [`Backend::visit_prefix`] hands each record to: its key and value.
pub type Visit<'a> = dyn FnMut(&[u8], &[u8]) -> Result<(), StoreError> + 'a;

/// What the store needs from a database.
///
/// # Contract
///
/// Written so that an embedded store (sled) and a networked, transactional one (PostgreSQL,
/// with several Steward replicas on one database) can both implement it:
///
/// - **One round trip or one transaction per call.** Every method returns owned data; nothing
///   borrowed from the database (cursor, iterator, open transaction) outlives the call.
///   Methods are synchronous and may block. The store calls them sometimes while holding a
///   tenant's book lock, and sometimes on a tokio worker thread (the scheduler's posts): a
///   method must not call back into the store, nor `block_on` the caller's runtime.
/// - **Keys are byte strings in bytewise order** (unsigned, a key before its extensions). Scans
///   return records in that order, or exactly its reverse where said; the store relies on it
///   (audit pages newest first, the highest account id from the last audit key, tenants by
///   skipping from key to key).
/// - **Writes are atomic and durable before they return.** [`Backend::apply`] and
///   [`Backend::insert_if_absent`] write all of their records or none, and return `Ok` only
///   once the write survives the process being killed: the store acknowledges a change as soon
///   as they return (DECISIONS 1). After an `Err` nothing of the write may be visible.
/// - **Reads see every write that returned**, whichever process sharing the database made it.
/// - **Ids are unique and increasing.** [`Backend::generate_id`] never returns the same number
///   twice for the life of the database (across restarts, and across processes sharing it),
///   and each is larger than every id returned before it was asked for; gaps are allowed. Ids
///   order audit entries, outcome events and commits as they were generated, which across
///   processes need not be the order their writes commit in.
/// - **Failures** of the database itself are [`StoreError::Backend`]; a database that is not
///   Steward's or is damaged is [`StoreError::NotSteward`]; one held by another process that
///   may not share it is [`StoreError::Locked`].
pub trait Backend: Send + Sync {
    /// Where the database is, for messages: a path, or a server and database name (never a
    /// password).
    fn location(&self) -> &str;

    /// Whether other processes may write the database while this one has it open (several
    /// replicas on one PostgreSQL database). Then the store reads each tenant's generation
    /// through before serving its book from memory, and guards its commits with it
    /// (`store::fresh`).
    fn shared(&self) -> bool;

    /// Whether the database held data before this process opened it. A database that existed
    /// but lacks Steward's marker record lost everything, and is refused (DECISIONS 25).
    fn existed(&self) -> bool;

    /// The value stored under `key`.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    /// The value under a tenant's generation key (`store::keys::generation`), whose every
    /// write the backend may hear announced: then from memory, with no round trip, and behind
    /// another process's write only until its announcement arrives (PostgreSQL's NOTIFY, a
    /// millisecond or so); otherwise, and by default, [`Backend::get`].
    fn get_announced(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.get(key)
    }

    /// Returns once every write committed before the call, by any process, is what
    /// [`Backend::get_announced`] answers: its announcement was heard. Nothing to wait for
    /// (the default) where that reads through.
    fn settle(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Every record whose key starts with `prefix`, in key order.
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError>;

    /// Hands each record whose key starts with `prefix` to `visit`, in key order, stopping at
    /// its first error. A backend that can read records one by one overrides it, so that
    /// reading a whole book never holds every record's bytes at once; by default it visits
    /// [`Backend::scan_prefix`]'s answer.
    fn visit_prefix(&self, prefix: &[u8], visit: &mut Visit<'_>) -> Result<(), StoreError> {
        self.scan_prefix(prefix)?
            .iter()
            .try_for_each(|(key, value)| visit(key, value))
    }

    /// Records whose key starts with `prefix` in reverse key order, the first `skip` left out,
    /// at most `limit`: a page of an audit trail newest first, or (limit 1) the last record.
    fn scan_prefix_rev(
        &self,
        prefix: &[u8],
        skip: usize,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError>;

    /// How many records have a key starting with `prefix`.
    fn count_prefix(&self, prefix: &[u8]) -> Result<usize, StoreError>;

    /// The first key at or after `from` in key order, under any prefix.
    fn first_key_from(&self, from: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    /// Writes `batch` atomically, and returns once it is durable.
    fn apply(&self, batch: WriteBatch) -> Result<(), StoreError>;

    /// Writes `batch` atomically, durable only by the next [`Backend::flush`] (or whenever
    /// the backend makes writes durable on its own): for what can be written again after a
    /// crash, like the copies of pending message ids.
    fn apply_lazily(&self, batch: WriteBatch) -> Result<(), StoreError>;

    /// [`Backend::apply`], only if `swap.key` holds `swap.expected`; `false` (and nothing
    /// written) when it did not. The check and the writes are one atomic step, so of two
    /// processes swapping from the same value exactly one succeeds.
    fn apply_if(&self, batch: WriteBatch, swap: Swap) -> Result<bool, StoreError>;

    /// Stores `value` under `key` unless the key already holds one, durably; `false` (and
    /// nothing written) when it did. Of two processes racing for one key, exactly one gets
    /// `true`: this is what makes a chat event handled once however many replicas see it.
    fn insert_if_absent(&self, key: &[u8], value: Vec<u8>) -> Result<bool, StoreError>;

    /// A fresh id (see the contract above).
    fn generate_id(&self) -> Result<u64, StoreError>;

    /// `n` fresh ids in increasing order, as [`Backend::generate_id`] would give them one by
    /// one; a networked backend draws them in one round trip (a bulk import's audit entries).
    fn generate_ids(&self, n: usize) -> Result<Vec<u64>, StoreError> {
        (0..n).map(|_| self.generate_id()).collect()
    }

    /// Makes every later [`Backend::generate_id`] larger than `id`: after records were copied
    /// in from another database, new audit entries and events sort after theirs.
    fn advance_ids_past(&self, id: u64) -> Result<(), StoreError>;

    /// Makes everything written so far durable: what [`Backend::apply_lazily`] wrote, and all
    /// on shutdown. A backend whose every write is durable when it returns may do nothing.
    fn flush(&self) -> Result<(), StoreError>;

    /// Where received message ids are kept for de-duplication (`store::ingest`): a store of
    /// their own where their records — millions a week, each small, written once and read
    /// only to recognise a retry — would otherwise crowd the one cache and B-tree (sled: an
    /// LSM tree beside it, opened when first asked for), else this backend itself. The store
    /// writes them there only after the commit that counted their messages, from a pending
    /// record in that commit, so losing them in a crash loses nothing (see
    /// `store::ingest::pending`).
    fn message_ids(&self) -> Result<&dyn IdStore, StoreError>;

    /// The number of the last commit acknowledged, as noted *outside* the database by
    /// [`Backend::note_commit`]. A backend whose recovery can silently drop acknowledged
    /// writes (sled stops at the first damaged record, DECISIONS 25) keeps such a note, and
    /// the store refuses the database if its marker holds an older commit. `None` when the
    /// backend keeps no note (a database that never loses a committed transaction).
    fn noted_commit(&self) -> Option<u64>;

    /// Notes `commit` outside the database after the batch carrying it was applied. Best
    /// effort: a failure is logged, and only weakens the check at the next open.
    fn note_commit(&self, commit: u64);

    /// Whether this process is the scheduler's leader: the one that posts and recomputes.
    /// Asked again every few seconds; once `true`, it stays so while the process lives and
    /// the database session holding it does (a killed leader's lock is released at once, so
    /// another replica takes over at its next try). A backend one process holds exclusively
    /// always leads.
    fn try_lead(&self) -> Result<bool, StoreError>;

    /// Ready to serve (`GET /readyz`): the database answers, and its schema is the one this
    /// binary knows.
    fn check_ready(&self) -> Result<(), StoreError>;
}

/// What keeping received message ids needs (see [`Backend::message_ids`]): [`Backend`]'s
/// primitives of the same names, with the same contract. Every backend is one.
pub trait IdStore: Send + Sync {
    /// [`Backend::get`].
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    /// [`Backend::scan_prefix`].
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError>;
    /// [`Backend::scan_prefix_rev`].
    fn scan_prefix_rev(
        &self,
        prefix: &[u8],
        skip: usize,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError>;
    /// [`Backend::first_key_from`].
    fn first_key_from(&self, from: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    /// [`Backend::apply`].
    fn apply(&self, batch: WriteBatch) -> Result<(), StoreError>;
    /// [`Backend::apply_lazily`].
    fn apply_lazily(&self, batch: WriteBatch) -> Result<(), StoreError>;
    /// [`Backend::flush`].
    fn flush(&self) -> Result<(), StoreError>;
}

impl<B: Backend + ?Sized> IdStore for B {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Backend::get(self, key)
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError> {
        Backend::scan_prefix(self, prefix)
    }

    fn scan_prefix_rev(
        &self,
        prefix: &[u8],
        skip: usize,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        Backend::scan_prefix_rev(self, prefix, skip, limit)
    }

    fn first_key_from(&self, from: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Backend::first_key_from(self, from)
    }

    fn apply(&self, batch: WriteBatch) -> Result<(), StoreError> {
        Backend::apply(self, batch)
    }

    fn apply_lazily(&self, batch: WriteBatch) -> Result<(), StoreError> {
        Backend::apply_lazily(self, batch)
    }

    fn flush(&self) -> Result<(), StoreError> {
        Backend::flush(self)
    }
}
