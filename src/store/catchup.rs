//! Purpose: catching a tenant's book in memory up with another replica's commits by what they
//! changed, not by reading the whole book again.
//!
//! Every commit to a book on a shared backend (`fresh`) also writes a *change record*: its own
//! generation, the generation it was guarded by (the one before it), and the keys of the book's
//! records it wrote. A replica whose book is behind follows these records back from the stored
//! generation to its own, then reads only those keys: one account changed costs a few
//! primary-key look-ups on a book of 100,000 accounts, where reading it all again took over a
//! second (`cargo bench --bench replicas`).
//!
//! The records are kept in a ring of [`SLOTS`] per tenant, by generation, so they need no
//! pruning: a record overwritten by a later commit, one never written (a bulk import, a
//! restore, a tenant forgotten), one of a commit too large to list ([`MOST_KEYS`]) or a chain
//! longer than [`SLOTS`] steps sends the replica back to reading the whole book, which is
//! always correct.

use serde::{Deserialize, Serialize};

use super::backend::WriteBatch;
use super::fresh::Generation;
use super::record::{decode, encode};
use super::{keys, Store, StoreError};
use crate::domain::account::{Account, AccountId};
use crate::domain::book::{Book, Change};
use crate::domain::tenant::TenantId;

/// How many change records a tenant keeps, and so the longest chain followed.
pub(super) const SLOTS: u64 = 64;
/// The most records a change record lists; a commit writing more (the daily recompute of a
/// large book) is read whole, which is then no slower than a look-up per record.
const MOST_KEYS: usize = 1_000;

/// What one commit changed in a tenant's book.
#[derive(Debug, Serialize, Deserialize)]
struct BookChange {
    /// The commit's generation.
    generation: Vec<u8>,
    /// The generation it replaced.
    previous: Generation,
    /// The keys of book records it put or deleted (`None`: too many to list).
    keys: Option<Vec<Vec<u8>>>,
}

/// A book record that a commit may touch, as the book knows it.
enum BookRecord {
    Account(AccountId),
    Settings,
    Outcomes,
    WriteKey(String),
}

impl BookRecord {
    fn of(tenant: &TenantId, key: &[u8]) -> Option<BookRecord> {
        if key == keys::settings(tenant).as_slice() {
            return Some(BookRecord::Settings);
        }
        if key.starts_with(&keys::outcomes(tenant)) {
            return Some(BookRecord::Outcomes);
        }
        if let Some(name) = key.strip_prefix(keys::write_keys(tenant).as_slice()) {
            return Some(BookRecord::WriteKey(
                String::from_utf8_lossy(name).into_owned(),
            ));
        }
        let hex = key.strip_prefix(keys::accounts(tenant).as_slice())?;
        let id = u64::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
        Some(BookRecord::Account(AccountId(id)))
    }
}

/// Generations are ids in big-endian bytes; the slot is taken from their low bits.
fn slot(generation: &[u8]) -> u64 {
    generation.last().map_or(0, |b| u64::from(*b) % SLOTS)
}

impl Store {
    /// Stages the change record of a commit moving the tenant's book from `previous` to
    /// `generation`, listing the book records `batch` writes.
    pub(super) fn stage_book_change(
        &self,
        tenant: &TenantId,
        previous: Generation,
        generation: &[u8],
        batch: &mut WriteBatch,
    ) -> Result<(), StoreError> {
        let keys: Vec<Vec<u8>> = batch
            .keys()
            .filter(|key| BookRecord::of(tenant, key).is_some())
            .cloned()
            .collect();
        let keys = (keys.len() <= MOST_KEYS).then_some(keys);
        let record = BookChange {
            generation: generation.to_vec(),
            previous,
            keys,
        };
        batch.put(
            keys::book_change(tenant, slot(generation)),
            encode(&record)?,
        );
        Ok(())
    }

    /// Brings `book`, read at `loaded`, up to `stored` by the change records between them;
    /// `false` (and `book` untouched) when the chain is broken and the book must be read
    /// again whole.
    pub(super) fn catch_up(
        &self,
        book: &mut Book,
        loaded: &Generation,
        stored: &Generation,
    ) -> Result<bool, StoreError> {
        let tenant = book.tenant.clone();
        let Some(mut at) = stored.clone() else {
            return Ok(false);
        };
        let mut changed = Vec::new();
        for _ in 0..SLOTS {
            let key = keys::book_change(&tenant, slot(&at));
            let Some(bytes) = self.backend.get(&key)? else {
                return Ok(false);
            };
            let record: BookChange = decode(&key, &bytes)?;
            if record.generation != at {
                return Ok(false);
            }
            let Some(keys) = record.keys else {
                return Ok(false);
            };
            changed.extend(keys);
            if &record.previous == loaded {
                self.read_changed(book, changed)?;
                return Ok(true);
            }
            match record.previous {
                Some(previous) => at = previous,
                None => return Ok(false),
            }
        }
        Ok(false)
    }

    /// Reads the records under `changed` and applies them to `book`.
    fn read_changed(&self, book: &mut Book, mut changed: Vec<Vec<u8>>) -> Result<(), StoreError> {
        let tenant = book.tenant.clone();
        changed.sort();
        changed.dedup();
        let mut outcomes = false;
        for key in changed {
            let change = match BookRecord::of(&tenant, &key) {
                Some(BookRecord::Account(id)) => match self.backend.get(&key)? {
                    Some(bytes) => Change::PutAccount(Box::new(decode::<Account>(&key, &bytes)?)),
                    None => Change::RemoveAccount(id),
                },
                Some(BookRecord::Settings) => Change::PutSettings(self.stored_settings(&tenant)?),
                Some(BookRecord::WriteKey(name)) => match self.backend.get(&key)? {
                    Some(bytes) => Change::PutWriteKey(decode(&key, &bytes)?),
                    None => Change::RevokeWriteKey(name),
                },
                Some(BookRecord::Outcomes) => {
                    outcomes = true;
                    continue;
                }
                None => continue,
            };
            book.apply(change);
        }
        if outcomes {
            book.replace_outcomes(self.scan(&keys::outcomes(&tenant))?);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
