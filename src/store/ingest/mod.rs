//! Purpose: received data in the store (INGEST.md) — a request's accepted messages folded into
//! account day rollups, user links, seats, e-mails, intake counts and the write key's usage,
//! de-duplicated by message id, in one durable commit per request: an event acknowledged
//! with 200 survives `kill -9`. The ids themselves go to the backend's own place for them
//! ([`pending`]). A tenant's deliveries are applied one at a time under its intake lock
//! (rollups are read, changed and written, [`work`]), with its tables ([`tables`]) in memory;
//! the waits for the device come after the lock is let go. The reads the signals and
//! `/steward ingest status` need are in [`reads`].

mod pending;
mod reads;
pub(super) mod tables;
pub mod transfer;
mod work;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::backend::WriteBatch;
use super::record::{decode, encode};
use super::{keys, Store, StoreError};
use crate::domain::account::AccountId;
use crate::domain::book::Book;
use crate::domain::signals::{DayRollup, Freshness, IntakeCounts, SeatsTrait, Unmatched};
use crate::domain::tenant::TenantId;
use crate::domain::writekey::WriteKeyUsage;
use crate::ingest::{Fact, Message};
use pending::PendingIds;
use tables::Tables;
use work::{Stored, Work};

/// How often a delivery is taken again after another replica's commit for the tenant.
const MAX_CONFLICTS: u32 = 30;
/// Message ids are remembered by the week they arrived in; this week's and last week's are
/// checked, so a retry is recognised for at least 7 days.
const WEEK_SECS: i64 = 7 * 24 * 3600;
/// At most this many distinct unmatched ids are kept per tenant; later ones count together.
pub const MAX_UNMATCHED_IDS: usize = 1_000;
/// What the ids past [`MAX_UNMATCHED_IDS`] count under.
pub const OTHER_UNMATCHED: &str = "(other ids)";
/// Unmatched ids are kept to this many characters.
const UNMATCHED_ID_CHARS: usize = 200;

/// The per-tenant intake state, loaded on first use (`None` until then, and after a failed
/// commit, so that memory is read again from what was made durable).
pub(super) type Intake = Mutex<HashMap<TenantId, Arc<Mutex<Option<Tables>>>>>;

/// One request's messages, ready to store.
pub struct Delivery<'a> {
    pub messages: &'a [Message],
    /// Skipped messages by reason, counted as rejected.
    pub rejected: BTreeMap<&'static str, usize>,
    pub received: DateTime<Utc>,
    /// The tenant's time zone: rollups are its calendar days.
    pub zone: Tz,
    /// The name of the write key it came with (`None`: `steward ingest`).
    pub key: Option<&'a str>,
}

/// What happened to a request's messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Receipt {
    pub accepted: usize,
    /// Received before (same message id): acknowledged, not counted again.
    pub duplicates: usize,
    /// Accepted, but no account matched.
    pub unmatched: usize,
    pub rejected: usize,
}

impl Store {
    /// Stores a request's messages for `tenant`, durably, and says what became of them.
    pub fn ingest(&self, tenant: &TenantId, delivery: &Delivery) -> Result<Receipt, StoreError> {
        let slot = {
            let mut intake = self.intake.lock().unwrap_or_else(|p| p.into_inner());
            intake.entry(tenant.clone()).or_default().clone()
        };
        let mut guard = slot.lock().unwrap_or_else(|p| p.into_inner());
        // Replicas sharing the database each keep tables in memory: the intake generation,
        // read through and compare-and-swapped by each commit, tells when another replica
        // took a delivery for the tenant meanwhile (tables, rollups and ids read again, the
        // delivery taken again on them), as the book's generation does for commands.
        let mut conflicts = 0;
        loop {
            let stale = match (&*guard, self.backend.shared()) {
                (Some(tables), true) => {
                    tables.generation != self.backend.get(&keys::intake_generation(tenant))?
                }
                _ => false,
            };
            let mut tables = match guard.take() {
                Some(tables) if !stale => tables,
                _ => {
                    pending::settle(self.backend.as_ref(), tenant)?;
                    Tables::load(self.backend.as_ref(), tenant)?
                }
            };
            match self.ingest_with(&mut tables, tenant, delivery) {
                Err(StoreError::Conflict) if conflicts < MAX_CONFLICTS => {
                    conflicts += 1;
                    back_off(conflicts);
                }
                // Kept only after a successful commit: on error the tables are read again.
                Ok(stored) => {
                    *guard = Some(tables);
                    drop(guard);
                    return self.after_commit(&slot, stored);
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// The waits for the device a committed delivery still owes, made after letting go of
    /// the tenant's lock (`slot`): deliveries waiting on it commit meanwhile and share them.
    fn after_commit(
        &self,
        slot: &Mutex<Option<Tables>>,
        stored: Stored,
    ) -> Result<Receipt, StoreError> {
        self.make_durable(stored.applied)?;
        if !stored.to_flush.is_empty() {
            self.backend.message_ids()?.flush()?;
            // Tables read again meanwhile settle every pending record anyway.
            let mut guard = slot.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(tables) = guard.as_mut() {
                tables.flushed.extend(stored.to_flush);
            }
        }
        Ok(stored.receipt)
    }

    /// Drops the tenant's intake tables from memory after a bulk write (a restore), so the
    /// next delivery reads them from the database. Emptied under the tenant's intake lock, so
    /// a delivery under way finishes first and cannot put stale tables back.
    pub(in crate::store) fn forget_intake_tables(&self, tenant: &TenantId) {
        let slot = self
            .intake
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(tenant)
            .cloned();
        if let Some(slot) = slot {
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }
    }

    fn ingest_with(
        &self,
        tables: &mut Tables,
        tenant: &TenantId,
        delivery: &Delivery,
    ) -> Result<Stored, StoreError> {
        let mut work = Work::new(tenant, delivery);
        {
            let book = self.book(tenant)?;
            let book = book.read().unwrap_or_else(|p| p.into_inner());
            for message in delivery.messages {
                self.take(&mut work, tables, &book, message)?;
            }
        }
        let receipt = work.receipt.clone();
        let ids = PendingIds {
            week: work.week,
            digests: std::mem::take(&mut work.digests),
        };
        let mut batch = self.stage_intake(work, tables, delivery.key)?;
        tables.stage_new_names(tenant, &mut batch);
        // The ids wait in this commit until copied; the copies of earlier ones are done.
        let pending_key = match ids.digests.is_empty() {
            true => None,
            false => Some(keys::pending_id(tenant, self.backend.generate_id()?)),
        };
        if let Some(key) = &pending_key {
            batch.put(key.clone(), ids.encode());
        }
        for flushed in tables.flushed.drain(..) {
            batch.delete(flushed);
        }
        let applied = self.apply_intake(tenant, tables, batch)?;
        tables.saved();
        // On error the tables are dropped, and the next delivery settles the pending record.
        ids.copy(self.backend.as_ref(), tenant)?;
        tables.copied.extend(pending_key);
        // Their copies go to the device outside the lock; only then may the records go.
        let to_flush = match tables.copied.len() >= pending::FLUSH_EVERY {
            true => std::mem::take(&mut tables.copied),
            false => Vec::new(),
        };
        Ok(Stored {
            receipt,
            applied,
            to_flush,
        })
    }

    /// One message: de-duplicated, matched to its accounts, folded into their rollups.
    fn take(
        &self,
        work: &mut Work,
        tables: &mut Tables,
        book: &Book,
        m: &Message,
    ) -> Result<(), StoreError> {
        let digest = keys::message_digest(&m.id.key());
        let tenant = work.tenant.clone();
        let ids = self.backend.message_ids()?;
        if work.seen.contains(&digest)
            || ids
                .get(&keys::message_id(&tenant, work.week, &digest))?
                .is_some()
            || ids
                .get(&keys::message_id(
                    &tenant,
                    work.week.saturating_sub(1),
                    &digest,
                ))?
                .is_some()
        {
            work.receipt.duplicates += 1;
            work.counts.duplicates += 1;
            return Ok(());
        }
        work.seen.insert(digest);
        work.digests.push(digest);
        work.receipt.accepted += 1;
        work.counts.accept(m.kind.name());
        let user = tables.users.intern(m.actor()).map_err(full)?;
        let matched: Vec<AccountId> = match &m.fact {
            Fact::Alias { .. } => return Ok(()),
            Fact::Group { group_id, seats } => {
                let Some(account) = matching(book, std::iter::once(group_id)) else {
                    work.unmatched(group_id, m.at);
                    return Ok(());
                };
                tables.link(&tenant, user, account, &mut work.batch);
                if let Some(seats) = seats {
                    let record = SeatsTrait {
                        seats: *seats,
                        at: m.at,
                    };
                    work.batch
                        .put(keys::ingest_seats(&tenant, account), encode(&record)?);
                }
                return Ok(());
            }
            Fact::Identify { email } => {
                if let Some(email) = email {
                    work.batch
                        .put(keys::ingest_email(&tenant, user), email.as_bytes().to_vec());
                }
                match matching(book, m.account_ids.iter()) {
                    Some(account) => tables.link(&tenant, user, account, &mut work.batch),
                    None => {
                        if let Some(first) = m.account_ids.first() {
                            work.unmatched(first, m.at);
                        }
                    }
                }
                return Ok(());
            }
            Fact::Track { .. } | Fact::Page { .. } | Fact::Screen { .. } => {
                match matching(book, m.account_ids.iter()) {
                    Some(account) => vec![account],
                    None => tables.linked(user).to_vec(),
                }
            }
        };
        if matched.is_empty() {
            let id = match m.account_ids.first() {
                Some(id) => id.clone(),
                None => format!("user {}", m.actor()),
            };
            work.unmatched(&id, m.at);
            return Ok(());
        }
        let day = m.day(work.zone);
        for account in matched {
            let rollup = match work.rollups.entry((account, day)) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    let key = keys::rollup(&tenant, account, day);
                    let stored = match self.backend.get(&key)? {
                        Some(bytes) => DayRollup::decode(&bytes).map_err(|e| {
                            StoreError::Corrupt(format!("{}: {e}", String::from_utf8_lossy(&key)))
                        })?,
                        None => DayRollup::new(day),
                    };
                    e.insert(stored)
                }
            };
            m.fold_into(rollup, &mut tables.users, &mut tables.events)
                .map_err(full)?;
            let fresh = work.fresh.entry(account).or_default();
            for feed in m.feeds() {
                fresh.note(feed, m.at);
            }
        }
        Ok(())
    }

    /// Everything a request changed, as one batch: rollups, freshness, counts, unmatched ids.
    fn stage_intake(
        &self,
        work: Work,
        tables: &mut Tables,
        key_name: Option<&str>,
    ) -> Result<WriteBatch, StoreError> {
        let Work {
            tenant,
            mut batch,
            rollups,
            fresh,
            mut counts,
            unmatched,
            received,
            ..
        } = work;
        for ((account, day), rollup) in rollups {
            batch.put(keys::rollup(&tenant, account, day), rollup.encode());
        }
        for (account, new) in fresh {
            let key = keys::freshness(&tenant, account);
            let mut stored: Freshness = match self.backend.get(&key)? {
                Some(bytes) => decode(&key, &bytes)?,
                None => Freshness::default(),
            };
            stored.absorb(&new);
            batch.put(key, encode(&stored)?);
        }
        for (id, (count, last)) in unmatched {
            counts.unmatched += count;
            let mut key = keys::unmatched(&tenant, &id);
            let mut record = match self.backend.get(&key)? {
                Some(bytes) => decode(&key, &bytes)?,
                None if tables.unmatched_ids >= MAX_UNMATCHED_IDS => {
                    key = keys::unmatched(&tenant, OTHER_UNMATCHED);
                    match self.backend.get(&key)? {
                        Some(bytes) => decode(&key, &bytes)?,
                        None => Unmatched { count: 0, last },
                    }
                }
                None => {
                    tables.unmatched_ids += 1;
                    Unmatched { count: 0, last }
                }
            };
            record.count += count;
            record.last = record.last.max(last);
            batch.put(key, encode(&record)?);
        }
        let key = keys::ingest_count(&tenant, &hour(received));
        let mut hour_counts: IntakeCounts = match self.backend.get(&key)? {
            Some(bytes) => decode(&key, &bytes)?,
            None => IntakeCounts::default(),
        };
        hour_counts.add(&counts);
        batch.put(key, encode(&hour_counts)?);
        if let Some(name) = key_name {
            let key = keys::write_key_usage(&tenant, name);
            let mut usage: WriteKeyUsage = match self.backend.get(&key)? {
                Some(bytes) => decode(&key, &bytes)?,
                None => WriteKeyUsage::default(),
            };
            usage.last_used = usage.last_used.max(Some(received));
            usage.events += counts.accepted_total();
            batch.put(key, encode(&usage)?);
        }
        Ok(batch)
    }
}

/// The first account one of `ids` names (crm id, else name, else domain).
fn matching<'a>(book: &Book, ids: impl Iterator<Item = &'a String>) -> Option<AccountId> {
    ids.filter_map(|id| book.account_for_group_id(id))
        .find(|a| a.is_active())
        .map(|a| a.id)
}

/// The hour a time falls in, as counts are filed: `2026-11-23T09`.
pub fn hour(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H").to_string()
}

fn full(e: crate::domain::signals::RollupError) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Waits a random while, longer after each conflict, before a delivery is taken again: two
/// replicas that lost to each other do not meet again at once, and a replica whose next
/// delivery is ready cannot starve the other one.
fn back_off(conflicts: u32) {
    use std::hash::{BuildHasher, Hasher};
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let most = u64::from(conflicts.min(10)) * 2_000;
    std::thread::sleep(std::time::Duration::from_micros(random % most.max(1)));
}
