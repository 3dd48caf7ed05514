//! Purpose: the store — every tenant's records under its own key prefix in one database,
//! reached only through the [`Backend`] trait: embedded sled ([`backend::sled`], one process)
//! or PostgreSQL ([`backend::postgres`], several replicas on one database; where a database is:
//! [`location`]). Reads are served from each tenant's [`Book`] in memory; a change is
//! acknowledged only after the backend made it durable, so a process killed right after an
//! answer loses nothing.
//!
//! The logic lives here once for every backend: the key layout ([`keys`]), record encoding
//! ([`record`]), the marker and numbered commits (`durable`), books kept fresh and commits
//! guarded when replicas share the database (`fresh`), commits with their audit entries and
//! undo plans (`commit`), the audit trail ([`audit`]), undo purges ([`undo`]), the post ledger
//! ([`ledger`]), seen chat events ([`seen`]), bulk writes ([`bulk`]), received data
//! ([`ingest`]), write keys for the events API (`writekeys`: [`Store::write_key_tenant`] finds
//! a key's tenant), sealed secrets (`sealed`: [`Store::zendesk_secret`]); Slack installations
//! and OAuth states ([`installs`]); forgetting a tenant (`forget`); copying a whole database
//! between backends ([`copy`]).

pub mod audit;
pub mod backend;
pub mod bulk;
mod catchup;
pub mod channels;
mod commit;
pub mod copy;
mod durable;
mod forget;
mod fresh;
pub mod ingest;
pub mod installs;
pub mod keys;
pub mod ledger;
pub mod location;
pub mod record;
pub mod sealed;
pub mod seen;
pub mod undo;
mod writekeys;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use thiserror::Error;

use crate::domain::account::Account;
use crate::domain::audit::UndoPlan;
use crate::domain::book::Book;
use crate::domain::outcome::OutcomeEvent;
use crate::domain::person::UserId;
use crate::domain::tenant::{TenantId, TenantSettings};
pub use crate::domain::writekey::{WriteKeyOwner, WriteKeyUsage};
pub use audit::AuditPage;
use backend::sled::SledBackend;
pub use backend::Backend;
use record::decode;

/// Why the store could not do what was asked.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the database {path} is in use by another steward process{holder}; stop it first (or run this against a copy)")]
    Locked { path: String, holder: String },
    #[error("the database {path} is not a Steward database or is damaged ({why}); restore it from a backup (`steward import backups/…json` into a new --db)")]
    NotSteward { path: String, why: String },
    #[error("the database was written by a newer Steward (schema {found}); upgrade steward")]
    NewerSchema { found: u32 },
    #[error("the database URL is not a PostgreSQL URL; expected e.g. postgres://steward:PASSWORD@db.example.com:5432/steward")]
    BadDatabaseUrl,
    /// Another replica committed to the tenant since its book was read: nothing was written,
    /// and the book was read again (see `fresh`).
    #[error("the tenant changed in another replica meanwhile; nothing was saved, try again")]
    Conflict,
    #[error("a stored record is damaged: {0}")]
    Corrupt(String),
    /// The database itself failed (I/O, connection); the backend's own error inside.
    #[error("database I/O failed: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub struct Store {
    backend: Box<dyn Backend>,
    books: Mutex<HashMap<TenantId, Arc<RwLock<Book>>>>,
    /// The generation each book in memory was read at (shared backends, see `fresh`).
    generations: Mutex<HashMap<TenantId, fresh::Generation>>,
    intake: ingest::Intake,
}

impl Store {
    /// Opens (or creates) the sled database in directory `path`: see [`Store::with_backend`]
    /// for what is refused besides what [`SledBackend::open`] refuses.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::with_backend(Box::new(SledBackend::open(path)?))
    }

    /// The store over an opened backend. Refuses a database that existed but lacks Steward's
    /// marker, or that holds fewer commits than the backend noted as acknowledged
    /// (DECISIONS 25); marks a new one.
    pub fn with_backend(backend: Box<dyn Backend>) -> Result<Store, StoreError> {
        durable::check_marker(backend.as_ref())?;
        Ok(Store {
            backend,
            books: Mutex::new(HashMap::new()),
            generations: Mutex::new(HashMap::new()),
            intake: Mutex::new(HashMap::new()),
        })
    }

    /// The tenant's book, loaded from the database on first use; on a database other
    /// replicas write too, read again first if one of them changed it (see `fresh`).
    pub fn book(&self, tenant: &TenantId) -> Result<Arc<RwLock<Book>>, StoreError> {
        let mut books = self.books.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(book) = books.get(tenant).cloned() {
            drop(books);
            return match self.backend.shared() {
                true => self.fresh(tenant, book),
                false => Ok(book),
            };
        }
        let (book, generation) = self.load_current(tenant)?;
        let book = Arc::new(RwLock::new(book));
        books.insert(tenant.clone(), book.clone());
        self.set_loaded_generation(tenant, generation);
        Ok(book)
    }

    /// Returns once every commit made before the call, on any replica, is known here: the
    /// next [`Store::book`] serves it (see `fresh`). Immediate on a database no other process
    /// writes.
    pub fn settle(&self) -> Result<(), StoreError> {
        self.backend.settle()
    }

    /// Reads the tenant's book again from the database, in place (everyone holding it sees
    /// the fresh copy): after a commit that failed half-way, memory matches the disk again.
    pub fn reload(&self, tenant: &TenantId) -> Result<(), StoreError> {
        let book = self.book(tenant)?;
        let mut book = book.write().unwrap_or_else(|p| p.into_inner());
        let (fresh, generation) = self.load_current(tenant)?;
        book.replace_with(fresh);
        self.set_loaded_generation(tenant, generation);
        Ok(())
    }

    fn load(&self, tenant: &TenantId) -> Result<Book, StoreError> {
        let settings = self.stored_settings(tenant)?;
        let accounts = self.scan::<Box<Account>>(&keys::accounts(tenant))?;
        let outcomes = self.scan::<OutcomeEvent>(&keys::outcomes(tenant))?;
        let mut book = Book::from_parts(tenant.clone(), settings, accounts, outcomes);
        book.load_write_keys(self.write_key_records(tenant)?);
        // Audit keys sort by account id, so the last one names the highest id ever used; a
        // removed account's history must never become a new account's.
        let prefix = keys::audits(tenant);
        if let Some((key, _)) = self.backend.scan_prefix_rev(&prefix, 0, 1)?.pop() {
            let id = key
                .get(prefix.len()..prefix.len() + 16)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u64::from_str_radix(hex, 16).ok());
            book.reserve_ids_through(id.unwrap_or(0));
        }
        Ok(book)
    }

    /// The tenant's settings as stored (defaults when none are).
    fn stored_settings(&self, tenant: &TenantId) -> Result<TenantSettings, StoreError> {
        let key = keys::settings(tenant);
        match self.backend.get(&key)? {
            Some(bytes) => decode(&key, &bytes),
            None => Ok(TenantSettings::default()),
        }
    }

    /// Every record under `prefix`, decoded one by one as read, in key order.
    fn scan<T: serde::de::DeserializeOwned>(&self, prefix: &[u8]) -> Result<Vec<T>, StoreError> {
        let mut records = Vec::new();
        self.backend.visit_prefix(prefix, &mut |key, bytes| {
            records.push(decode(key, bytes)?);
            Ok(())
        })?;
        Ok(records)
    }

    /// The record under `key`, decoded; `None` when there is none.
    fn read<T: serde::de::DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        self.backend
            .get(key)?
            .map(|bytes| record::decode(key, &bytes))
            .transpose()
    }

    /// How to take back `actor`'s last change in the tenant, if any.
    pub fn last_change(
        &self,
        tenant: &TenantId,
        actor: &UserId,
    ) -> Result<Option<UndoPlan>, StoreError> {
        self.read(&keys::undo(tenant, actor))
    }

    /// Every tenant with stored data.
    pub fn tenants(&self) -> Result<Vec<TenantId>, StoreError> {
        let mut tenants = Vec::new();
        let mut from = b"t\0".to_vec();
        // One look-up per tenant: from the first key of one, skip past its whole prefix.
        while let Some(key) = self.backend.first_key_from(&from)? {
            let Some(tenant) = keys::tenant_of(&key) else {
                break;
            };
            from = keys::tenant(&tenant);
            from.push(0xff);
            tenants.push(tenant);
        }
        Ok(tenants)
    }

    /// Where the database is, for messages (never a password).
    pub fn location(&self) -> &str {
        self.backend.location()
    }

    /// The database answers (one read of its marker): what `GET /healthz` asks, cheaply
    /// however many tenants there are.
    pub fn check_open(&self) -> Result<(), StoreError> {
        self.backend.get(keys::MARKER).map(drop)
    }

    /// Ready to serve: the database answers and its schema is current (`GET /readyz`).
    pub fn check_ready(&self) -> Result<(), StoreError> {
        self.backend.check_ready()
    }

    /// Whether this process runs the scheduler now (see [`Backend::try_lead`]).
    pub fn try_lead(&self) -> Result<bool, StoreError> {
        self.backend.try_lead()
    }

    /// Flushes everything written so far (used on shutdown).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.backend.flush()
    }

    /// The settings of a tenant (defaults when none are stored).
    pub fn settings(&self, tenant: &TenantId) -> Result<TenantSettings, StoreError> {
        let book = self.book(tenant)?;
        let settings = book
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .settings
            .clone();
        Ok(settings)
    }
}
