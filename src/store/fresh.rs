//! Purpose: books in memory when several replicas write one database ([`Backend::shared`]) —
//! each tenant's *generation* (`keys::generation`: the id of the last commit that changed its
//! book), checked before a book is served from memory, and compare-and-swapped by every
//! commit.
//!
//! How a replica knows its book is current: the backend hears every write of a generation
//! announced (PostgreSQL's LISTEN/NOTIFY, `backend::postgres::watch`) and answers
//! [`Backend::get_announced`](super::backend::Backend::get_announced) from memory, so serving a
//! book costs no round trip; a book found behind is caught up in place with the change records
//! of the commits it missed (`catchup`), or read again whole like [`Store::reload`] when they
//! are gone. Reading the generation through on every request was measured first: one
//! primary-key look-up, but made on the request's thread, it held a replica to 3,400 signed
//! `/account show` a second with p99 111 ms at 200 connections (`cargo bench --bench
//! replicas`, two cores), against a goal of 20 ms. An announcement arrives within about a
//! millisecond; while no session listens, reads go through again. Nothing here decides a
//! write: a commit decided on a book that was behind loses its compare-and-swap (below).
//!
//! Why compare-and-swap rather than a per-tenant lock held around each command: a command is
//! decided on the book in memory and committed in one write; with the generation it was read
//! at as the guard of that write ([`Backend::apply_if`]), a commit computed from a stale book
//! (two replicas both allocating account 7) cannot win. The loser writes nothing, is caught
//! up here, and gets [`StoreError::Conflict`]; `App::execute`, the one place commands
//! run, decides the command once more on the fresh book. No lock spans a network round trip
//! or a crashed replica, and a conflict costs only the rare loser a second try.
//!
//! Received data is guarded the same way by the tenant's intake generation (`ingest`), undo
//! purges by comparing the generation with itself (`undo`), and a post by claiming its ledger
//! record with a compare-and-swap (`ledger`).
//!
//! What stays per replica, by design: the rate limiter of the events API (each replica
//! admits its own share), a prompt's follow-up memory (a *yes* goes to the replica that
//! asked), the Socket Mode and gateway connections, and the caches of Slack users' access and
//! of names for autocompletion (the latter keyed by the book's generation); none of them is a
//! promise about stored data.

use std::sync::{Arc, RwLock};

use super::backend::Swap;
use super::{keys, Store, StoreError};
use crate::domain::book::Book;
use crate::domain::tenant::TenantId;

/// A generation as stored (absent before the tenant's first commit).
pub(super) type Generation = Option<Vec<u8>>;

impl Store {
    /// The tenant's generation in the database.
    pub(super) fn stored_generation(&self, tenant: &TenantId) -> Result<Generation, StoreError> {
        self.backend.get(&keys::generation(tenant))
    }

    /// The generation the tenant's book in memory was read at.
    fn loaded_generation(&self, tenant: &TenantId) -> Option<Generation> {
        self.generations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(tenant)
            .cloned()
    }

    pub(super) fn set_loaded_generation(&self, tenant: &TenantId, generation: Generation) {
        self.generations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(tenant.clone(), generation);
    }

    /// The book and the generation it was read at: the generation first, so a commit landing
    /// during the read leaves the book marked older than it is (read again next time), never
    /// newer.
    pub(super) fn load_current(&self, tenant: &TenantId) -> Result<(Book, Generation), StoreError> {
        let generation = if self.backend.shared() {
            self.stored_generation(tenant)?
        } else {
            None
        };
        Ok((self.load(tenant)?, generation))
    }

    /// `cached`, caught up in place first if another replica committed to the tenant since
    /// it was read.
    pub(super) fn fresh(
        &self,
        tenant: &TenantId,
        cached: Arc<RwLock<Book>>,
    ) -> Result<Arc<RwLock<Book>>, StoreError> {
        let announced = self.backend.get_announced(&keys::generation(tenant))?;
        if self.loaded_generation(tenant).as_ref() == Some(&announced) {
            return Ok(cached);
        }
        let mut book = cached.write().unwrap_or_else(|p| p.into_inner());
        self.bring_up_to_date(&mut book)?;
        drop(book);
        Ok(cached)
    }

    /// Brings `book` (its lock held) to the stored generation: by the change records of the
    /// commits it missed, or read again whole when they are gone. Nothing to do when another
    /// thread did it meanwhile, or the announcement was of a commit made here.
    fn bring_up_to_date(&self, book: &mut Book) -> Result<(), StoreError> {
        let tenant = book.tenant.clone();
        let stored = self.stored_generation(&tenant)?;
        let loaded = self.loaded_generation(&tenant);
        if loaded.as_ref() == Some(&stored) {
            return Ok(());
        }
        let caught_up = match &loaded {
            Some(loaded) => self.catch_up(book, loaded, &stored)?,
            None => false,
        };
        if caught_up {
            self.set_loaded_generation(&tenant, stored);
        } else {
            let (fresh, generation) = self.load_current(&tenant)?;
            book.replace_with(fresh);
            self.set_loaded_generation(&tenant, generation);
        }
        Ok(())
    }

    /// Applies a commit that changes the tenant's book. On a shared backend it is guarded by
    /// the generation `book` was read at and moves it on; on a conflict nothing is written,
    /// `book` is brought up to date, and the answer is [`StoreError::Conflict`]. Elsewhere it is a
    /// numbered commit ([`Store::apply_durably`]).
    pub(super) fn apply_to_book(
        &self,
        book: &mut Book,
        mut batch: super::backend::WriteBatch,
    ) -> Result<(), StoreError> {
        if !self.backend.shared() {
            return self.apply_durably(batch);
        }
        let tenant = book.tenant.clone();
        let new = self.backend.generate_id()?.to_be_bytes().to_vec();
        let expected = self.loaded_generation(&tenant).flatten();
        self.stage_book_change(&tenant, expected.clone(), &new, &mut batch)?;
        let swap = Swap {
            key: keys::generation(&tenant),
            expected,
            new: new.clone(),
        };
        if self.backend.apply_if(batch, swap)? {
            self.set_loaded_generation(&tenant, Some(new));
            return Ok(());
        }
        self.bring_up_to_date(book)?;
        Err(StoreError::Conflict)
    }

    /// Applies a bulk write to the tenant's records (an import, a restore) unconditionally:
    /// on a shared backend it moves the generation on, so every replica reads the book again.
    pub(super) fn apply_over_book(
        &self,
        tenant: &TenantId,
        mut batch: super::backend::WriteBatch,
    ) -> Result<(), StoreError> {
        if self.backend.shared() {
            let new = self.backend.generate_id()?.to_be_bytes().to_vec();
            batch.put(keys::generation(tenant), new);
        }
        self.apply_durably(batch)
    }
}
