//! Purpose: bulk reads and writes for `steward import` / `export` — many records in one atomic
//! durable batch, audit entries written as given (a restore keeps the original
//! actors and timestamps), and a tenant read straight from the database without building a
//! `Book`.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::backend::WriteBatch;
use super::ingest::transfer::IntakeRecords;
use super::keys;
use super::ledger::PostState;
use super::record::{decode, encode};
use super::{Store, StoreError};
use crate::domain::account::{Account, AccountId};
use crate::domain::audit::AuditEntry;
use crate::domain::outcome::OutcomeEvent;
use crate::domain::person::UserId;
use crate::domain::tenant::{TenantId, TenantSettings};

/// Everything a tenant holds, as stored: what a full export contains.
#[derive(Debug, Clone, Default)]
pub struct TenantRecords {
    pub settings: TenantSettings,
    /// By account id.
    pub accounts: Vec<Account>,
    /// In the order they were recorded.
    pub outcomes: Vec<OutcomeEvent>,
    /// By account (tenant-wide first), then in the order they were recorded.
    pub audit: Vec<AuditEntry>,
    /// The scheduled-post ledger: a restored tenant must not post a period twice (DECISIONS 5).
    pub posts: Vec<PostRecord>,
    /// Received data, of the accounts above only.
    pub intake: IntakeRecords,
}

/// One period of one subscription in the post ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostRecord {
    pub subscription: String,
    pub period: String,
    pub state: PostState,
}

/// Records staged for one atomic write, and the tenant they belong to.
#[derive(Debug, Default)]
pub struct BulkBatch(WriteBatch, Option<TenantId>);

impl Store {
    /// Encodes an account into `batch` (encoding is most of a write's CPU; doing it here lets
    /// the caller overlap it with the previous batch's [`Store::write_bulk`]).
    pub fn stage_account(
        &self,
        batch: &mut BulkBatch,
        tenant: &TenantId,
        account: &Account,
    ) -> Result<(), StoreError> {
        batch
            .0
            .put(keys::account(tenant, account.id), encode(account)?);
        batch.1 = Some(tenant.clone());
        Ok(())
    }

    /// Encodes audit entries, as given (actor, time, command), into `batch`, in order (their
    /// ids drawn together).
    pub fn stage_audits(
        &self,
        batch: &mut BulkBatch,
        tenant: &TenantId,
        entries: Vec<AuditEntry>,
    ) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let ids = self.backend.generate_ids(entries.len())?;
        for (entry, id) in entries.iter().zip(ids) {
            batch
                .0
                .put(keys::audit(tenant, entry.account, id), encode(entry)?);
        }
        batch.1 = Some(tenant.clone());
        Ok(())
    }

    /// An account as stored, read straight from the database (a bulk load reads back what it
    /// wrote earlier, without a `Book`).
    pub fn stored_account(
        &self,
        tenant: &TenantId,
        id: AccountId,
    ) -> Result<Option<Account>, StoreError> {
        self.read(&keys::account(tenant, id))
    }

    /// Stages the removal of `actor`'s undo plan: after a bulk import their last change is the
    /// import, which `/steward undo` cannot take back, so nothing older may be undone across it.
    pub fn stage_forget_undo(&self, batch: &mut BulkBatch, tenant: &TenantId, actor: &UserId) {
        batch.0.delete(keys::undo(tenant, actor));
        batch.1 = Some(tenant.clone());
    }

    /// Applies `batch` atomically and returns once it is durable: the caller may then
    /// acknowledge it (DECISIONS 1). The cached `Book` is not touched; call
    /// [`Store::forget_book`] when the bulk load is done.
    pub fn write_bulk(&self, batch: BulkBatch) -> Result<(), StoreError> {
        match &batch.1 {
            Some(tenant) => self.apply_over_book(tenant, batch.0),
            None => self.apply_durably(batch.0),
        }
    }

    /// Restores a whole tenant from an export in one atomic durable batch: settings,
    /// accounts, outcome events, audit entries, the post ledger and received data (checked
    /// first with [`IntakeRecords::check`]); events and entries in the
    /// order given (fresh sequence numbers keep that order, so a second export lists them the
    /// same way).
    /// Takes `records` by value and frees each record once encoded: a large backup is then
    /// in memory about once, not twice.
    pub fn restore(&self, tenant: &TenantId, records: TenantRecords) -> Result<(), StoreError> {
        let mut batch = WriteBatch::default();
        batch.put(keys::settings(tenant), encode(&records.settings)?);
        for account in records.accounts {
            batch.put(keys::account(tenant, account.id), encode(&account)?);
        }
        let ids = self.backend.generate_ids(records.outcomes.len())?;
        for (event, id) in records.outcomes.iter().zip(ids) {
            batch.put(keys::outcome(tenant, id), encode(event)?);
        }
        let ids = self.backend.generate_ids(records.audit.len())?;
        for (entry, id) in records.audit.into_iter().zip(ids) {
            batch.put(keys::audit(tenant, entry.account, id), encode(&entry)?);
        }
        for post in &records.posts {
            batch.put(
                keys::post(tenant, &post.subscription, &post.period),
                encode(&post.state)?,
            );
        }
        records.intake.stage(tenant, &mut batch)?;
        self.apply_over_book(tenant, batch)?;
        self.forget_book(tenant);
        self.forget_intake_tables(tenant);
        Ok(())
    }

    /// Whether the tenant has no stored record at all (no settings, accounts or history).
    pub fn tenant_is_empty(&self, tenant: &TenantId) -> Result<bool, StoreError> {
        let prefix = keys::tenant(tenant);
        Ok(!self
            .backend
            .first_key_from(&prefix)?
            .is_some_and(|key| key.starts_with(&prefix)))
    }

    /// The tenant's records read from the database. Holds the cached book's read lock, when there is
    /// one, so a command running in this process cannot commit halfway through the read; then,
    /// with history, the received data of the accounts read ([`Store::intake_records`]).
    pub fn records(
        &self,
        tenant: &TenantId,
        with_history: bool,
    ) -> Result<TenantRecords, StoreError> {
        let mut audit = Vec::new();
        let (mut records, read) = self.records_with_trail(tenant, with_history, |_, trail| {
            trail.visit(&mut |entry| {
                audit.push(entry);
                Ok(())
            })
        })?;
        read?;
        records.audit = audit;
        Ok(records)
    }

    /// The tenant's records but its audit trail (empty), handed to `read` with a reader of that
    /// trail, and the records returned after. A backup writes the trail as it reads it, so a
    /// long one never sits in memory. Read first: with history, the received data
    /// ([`Store::intake_records`]; a delivery takes the intake lock, then the book's); then,
    /// under the cached book's read lock when there is one, everything else: no command in
    /// this process commits until `read` returns, so the accounts and the trail agree.
    pub fn records_with_trail<R>(
        &self,
        tenant: &TenantId,
        with_history: bool,
        read: impl FnOnce(&TenantRecords, &AuditTrail<'_>) -> R,
    ) -> Result<(TenantRecords, R), StoreError> {
        let intake = match with_history {
            true => Some(self.intake_records(tenant)?),
            false => None,
        };
        let cached = self
            .books
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(tenant)
            .cloned();
        let _no_writer = cached
            .as_ref()
            .map(|b| b.read().unwrap_or_else(|p| p.into_inner()));
        let mut records = TenantRecords {
            settings: self.stored_settings(tenant)?,
            accounts: self.scan(&keys::accounts(tenant))?,
            ..Default::default()
        };
        if let Some(mut intake) = intake {
            records.outcomes = self.scan(&keys::outcomes(tenant))?;
            records.posts = self
                .all_posts(tenant)?
                .into_iter()
                .map(|(subscription, period, state)| PostRecord {
                    subscription,
                    period,
                    state,
                })
                .collect();
            let exported: HashSet<AccountId> = records.accounts.iter().map(|a| a.id).collect();
            intake.retain_accounts(&exported);
            records.intake = intake;
        }
        let trail = AuditTrail {
            store: self,
            prefix: with_history.then(|| keys::audits(tenant)),
        };
        let answer = read(&records, &trail);
        Ok((records, answer))
    }

    /// Drops the tenant's cached book after a bulk write, so the next reader loads it from
    /// the database. Replaying 100,000 accounts through `Book::apply` would re-sort the ARR ranking
    /// once per account; bulk writes run in a process of their own (DECISIONS 4), where no
    /// one else holds the old book.
    pub fn forget_book(&self, tenant: &TenantId) {
        self.books
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(tenant);
        self.generations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(tenant);
    }
}

/// A tenant's audit trail, read entry by entry ([`Store::records_with_trail`]); empty when the
/// history was not asked for.
pub struct AuditTrail<'a> {
    store: &'a Store,
    prefix: Option<Vec<u8>>,
}

impl AuditTrail<'_> {
    /// Hands each entry to `visit` by account (tenant-wide first), each account's in recorded
    /// order, stopping at the first error.
    pub fn visit(
        &self,
        visit: &mut dyn FnMut(AuditEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let Some(prefix) = &self.prefix else {
            return Ok(());
        };
        self.store
            .backend
            .visit_prefix(prefix, &mut |key, bytes| visit(decode(key, bytes)?))
    }
}
