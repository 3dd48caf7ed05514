//! The store: one sled database holding every tenant's records under its own key prefix.
//! Reads are served from each tenant's [`Book`] in memory; a change is acknowledged only
//! after sled's `flush()` returned, so a process killed right after an answer loses nothing.

pub mod bulk;
pub mod keys;
pub mod ledger;
pub mod record;
pub mod seen;
pub mod undo;

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use thiserror::Error;

use crate::domain::account::{Account, AccountId};
use crate::domain::audit::{diff, AuditEntry, FieldChange, Redaction, Revert, UndoPlan};
use crate::domain::book::{Book, Change};
use crate::domain::outcome::OutcomeEvent;
use crate::domain::person::UserId;
use crate::domain::tenant::{TenantId, TenantSettings};
use record::{decode, encode};

/// Why the store could not do what was asked.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the database {path} is in use by another steward process{holder}; stop it first (or run this against a copy)")]
    Locked { path: String, holder: String },
    #[error("the database {path} is not a Steward database or is damaged ({why}); restore it from a backup (`steward import backups/…json` into a new --db)")]
    NotSteward { path: String, why: String },
    #[error("the database was written by a newer Steward (schema {found}); upgrade steward")]
    NewerSchema { found: u32 },
    #[error("a stored record is damaged: {0}")]
    Corrupt(String),
    #[error("database I/O failed: {0}")]
    Io(#[from] sled::Error),
}

/// Name written beside sled's files so a second process can say who holds the database.
const PID_FILE: &str = "steward.pid";
/// Name written beside sled's files after each commit: the number of the last one.
const COMMIT_FILE: &str = "steward.commit";

/// The record that marks a Steward database and numbers its last commit.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Marker {
    last_commit: u64,
}

/// Audit entries of one account, newest first, one page of them, and the total.
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: usize,
}

pub struct Store {
    db: sled::Db,
    path: PathBuf,
    books: Mutex<HashMap<TenantId, Arc<RwLock<Book>>>>,
}

impl Store {
    /// Opens (or creates) the database at `path`. Refuses a database another process holds,
    /// and one whose marker record is missing although sled's data file existed (sled opens
    /// garbage as an empty database — DECISIONS 25).
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        let existed = path.join("db").exists();
        let db = sled::Config::new().path(path).open().map_err(|e| match e {
            sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
                StoreError::Locked {
                    holder: std::fs::read_to_string(path.join(PID_FILE))
                        .map(|pid| format!(" (pid {})", pid.trim()))
                        .unwrap_or_default(),
                    path: shown.clone(),
                }
            }
            sled::Error::Corruption { .. } | sled::Error::Unsupported(_) => {
                StoreError::NotSteward {
                    path: shown.clone(),
                    why: e.to_string(),
                }
            }
            other => StoreError::Io(other),
        })?;
        let marker: Marker = match db.get(keys::MARKER)? {
            Some(bytes) => decode(keys::MARKER, &bytes)?,
            None if existed => {
                return Err(StoreError::NotSteward {
                    path: shown,
                    why: "its Steward marker is missing".into(),
                })
            }
            None => {
                let fresh = Marker { last_commit: 0 };
                db.insert(keys::MARKER, encode(&fresh)?)?;
                db.flush()?;
                fresh
            }
        };
        // sled recovers a damaged data file by stopping at the first bad record, silently
        // dropping what follows (DECISIONS 25). The last acknowledged commit is also noted
        // outside sled's files: if the database holds less than that, refuse it.
        let acknowledged: u64 = std::fs::read_to_string(path.join(COMMIT_FILE))
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(0);
        if acknowledged > marker.last_commit {
            return Err(StoreError::NotSteward {
                path: shown,
                why: format!(
                    "it ends before the last acknowledged change (#{acknowledged}, found #{})",
                    marker.last_commit
                ),
            });
        }
        // Best effort: only used to name the holder in another process's error.
        let _ = std::fs::write(path.join(PID_FILE), std::process::id().to_string());
        Ok(Store {
            db,
            path: path.to_path_buf(),
            books: Mutex::new(HashMap::new()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The tenant's book, loaded from disk on first use.
    pub fn book(&self, tenant: &TenantId) -> Result<Arc<RwLock<Book>>, StoreError> {
        let mut books = self.books.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(book) = books.get(tenant) {
            return Ok(book.clone());
        }
        let book = Arc::new(RwLock::new(self.load(tenant)?));
        books.insert(tenant.clone(), book.clone());
        Ok(book)
    }

    /// Reads the tenant's book again from the database, in place (everyone holding it sees
    /// the fresh copy): after a commit that failed half-way, memory matches the disk again.
    pub fn reload(&self, tenant: &TenantId) -> Result<(), StoreError> {
        let fresh = self.load(tenant)?;
        let book = self.book(tenant)?;
        *book.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(())
    }

    fn load(&self, tenant: &TenantId) -> Result<Book, StoreError> {
        let settings = match self.db.get(keys::settings(tenant))? {
            Some(bytes) => decode(&keys::settings(tenant), &bytes)?,
            None => TenantSettings::default(),
        };
        let accounts = self.scan::<Account>(&keys::accounts(tenant))?;
        let outcomes = self.scan::<OutcomeEvent>(&keys::outcomes(tenant))?;
        let mut book = Book::from_parts(tenant.clone(), settings, accounts, outcomes);
        // Audit keys sort by account id, so the last one names the highest id ever used; a
        // removed account's history must never become a new account's.
        let prefix = keys::audits(tenant);
        if let Some((key, _)) = self.db.scan_prefix(&prefix).next_back().transpose()? {
            let id = key
                .get(prefix.len()..prefix.len() + 16)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u64::from_str_radix(hex, 16).ok());
            book.reserve_ids_through(id.unwrap_or(0));
        }
        Ok(book)
    }

    /// Makes `changes` durable with their audit entries (one atomic batch, then `flush()`),
    /// then applies them to `book`. On error nothing is applied.
    pub fn commit(
        &self,
        book: &mut Book,
        actor: &UserId,
        command: &str,
        now: DateTime<Utc>,
        changes: Vec<Change>,
    ) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let tenant = book.tenant.clone();
        let mut batch = sled::Batch::default();
        let mut steps = Vec::with_capacity(changes.len());
        for change in &changes {
            let touched = match change {
                Change::PutAccount(a) => book.account(a.id),
                Change::RemoveAccount(id) => book.account(*id),
                _ => None,
            };
            steps.push(Revert::of(change, touched, &book.settings));
            let (account, account_name, field_changes) =
                self.stage(book, &tenant, change, &mut batch)?;
            if !field_changes.is_empty() {
                let entry = AuditEntry {
                    at: now,
                    actor: actor.clone(),
                    command: command.to_string(),
                    account,
                    account_name,
                    changes: field_changes,
                };
                batch.insert(
                    keys::audit(&tenant, account, self.db.generate_id()?),
                    encode(&entry)?,
                );
            }
        }
        steps.reverse();
        // Undo plans past their day are purged in the same write (see `undo`).
        self.stage_undo_purge(&tenant, &mut batch, |plan| plan.is_expired(now))?;
        let plan = UndoPlan {
            command: command.to_string(),
            at: now,
            steps,
        };
        batch.insert(keys::undo(&tenant, actor), encode(&plan)?);
        self.apply_durably(batch)?;
        for change in changes {
            book.apply(change);
        }
        Ok(())
    }

    /// Applies `batch` atomically as a numbered commit and returns after `flush()`, then notes
    /// the commit's number beside the database (see [`Store::open`]). Every acknowledged write
    /// goes through here.
    fn apply_durably(&self, mut batch: sled::Batch) -> Result<(), StoreError> {
        let last_commit = self.db.generate_id()?;
        batch.insert(keys::MARKER, encode(&Marker { last_commit })?);
        self.db.apply_batch(batch)?;
        self.db.flush()?;
        if let Err(error) = std::fs::write(self.path.join(COMMIT_FILE), last_commit.to_string()) {
            tracing::warn!(%error, "could not note the last commit beside the database");
        }
        Ok(())
    }

    /// How to take back `actor`'s last change in the tenant, if any.
    pub fn last_change(
        &self,
        tenant: &TenantId,
        actor: &UserId,
    ) -> Result<Option<UndoPlan>, StoreError> {
        let key = keys::undo(tenant, actor);
        self.db
            .get(&key)?
            .map(|bytes| decode(&key, &bytes))
            .transpose()
    }

    /// Adds one change's record to `batch` and returns what the audit entry should say.
    fn stage(
        &self,
        book: &Book,
        tenant: &TenantId,
        change: &Change,
        batch: &mut sled::Batch,
    ) -> Result<(Option<AccountId>, String, Vec<FieldChange>), StoreError> {
        Ok(match change {
            Change::PutAccount(account) => {
                batch.insert(keys::account(tenant, account.id), encode(account.as_ref())?);
                let before = book
                    .account(account.id)
                    .map(to_json)
                    .unwrap_or(serde_json::Value::Null);
                (
                    Some(account.id),
                    account.name.clone(),
                    diff(&before, &to_json(account.as_ref())),
                )
            }
            Change::RemoveAccount(id) => {
                batch.remove(keys::account(tenant, *id));
                let name = book
                    .account(*id)
                    .map(|a| a.name.clone())
                    .unwrap_or_default();
                let removed = FieldChange {
                    field: "account".into(),
                    before: name.clone(),
                    after: "[removed]".into(),
                };
                (Some(*id), name, vec![removed])
            }
            Change::PutSettings(settings) => {
                batch.insert(keys::settings(tenant), encode(settings)?);
                (
                    None,
                    String::new(),
                    diff(&to_json(&book.settings), &to_json(settings)),
                )
            }
            Change::AddOutcome(event) => {
                batch.insert(
                    keys::outcome(tenant, self.db.generate_id()?),
                    encode(event)?,
                );
                let field = FieldChange {
                    field: "outcome".into(),
                    before: String::new(),
                    after: describe(event),
                };
                (Some(event.account), event.account_name.clone(), vec![field])
            }
            Change::RemoveOutcome(event) => {
                let mut found = None;
                for item in self.db.scan_prefix(keys::outcomes(tenant)) {
                    let (key, bytes) = item?;
                    if decode::<OutcomeEvent>(&key, &bytes)? == *event {
                        found = Some(key);
                    }
                }
                if let Some(key) = found {
                    batch.remove(key);
                }
                let field = FieldChange {
                    field: "outcome".into(),
                    before: describe(event),
                    after: "[undone]".into(),
                };
                (Some(event.account), event.account_name.clone(), vec![field])
            }
        })
    }

    /// One page (25 a page, newest first) of an account's audit trail.
    pub fn history(
        &self,
        tenant: &TenantId,
        account: Option<AccountId>,
        page: usize,
    ) -> Result<AuditPage, StoreError> {
        const PER_PAGE: usize = 25;
        let prefix = keys::audit_of(tenant, account);
        let total = self.db.scan_prefix(&prefix).count();
        let entries = self
            .db
            .scan_prefix(&prefix)
            .rev()
            .skip(PER_PAGE * (page.max(1) - 1))
            .take(PER_PAGE)
            .map(|item| {
                let (key, bytes) = item?;
                decode(&key, &bytes)
            })
            .collect::<Result<_, _>>()?;
        Ok(AuditPage { entries, total })
    }

    /// Replaces `name` with `[removed]` in the account's audit trail, durably: every
    /// whole-name occurrence, in any letter case ([`Redaction`]).
    pub fn redact(
        &self,
        tenant: &TenantId,
        account: AccountId,
        name: &str,
    ) -> Result<(), StoreError> {
        let redaction = Redaction::new(name).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut batch = sled::Batch::default();
        for item in self.db.scan_prefix(keys::audit_of(tenant, Some(account))) {
            let (key, bytes) = item?;
            let mut entry: AuditEntry = decode(&key, &bytes)?;
            if redaction.entry(&mut entry) {
                batch.insert(key, encode(&entry)?);
            }
        }
        self.apply_durably(batch)
    }

    /// Every tenant with stored data.
    pub fn tenants(&self) -> Result<Vec<TenantId>, StoreError> {
        let mut tenants = Vec::new();
        let mut from = b"t\0".to_vec();
        while let Some((key, _)) = self.db.range(from.clone()..).next().transpose()? {
            let Some(rest) = key.strip_prefix(b"t\0") else {
                break;
            };
            let Some(end) = rest.iter().position(|b| *b == 0) else {
                break;
            };
            let name = String::from_utf8_lossy(&rest[..end]).to_string();
            if let Ok(tenant) = TenantId::parse(&name) {
                tenants.push(tenant.clone());
                from = keys::tenant(&tenant);
                from.push(0xff);
            } else {
                break;
            }
        }
        Ok(tenants)
    }

    /// Flushes everything written so far (used on shutdown).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
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

fn describe(event: &OutcomeEvent) -> String {
    format!(
        "{} ({} → {})",
        event.kind.word(),
        event.arr_before.0,
        event.arr_after.0
    )
}

fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
