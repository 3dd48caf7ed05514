//! Purpose: Steward's own JSON export — a versioned document holding everything needed to
//! rebuild a tenant — and restoring one into an empty tenant (DECISIONS 2), audit trail
//! included with its original actors and timestamps, and received data (rollups, links,
//! tables) with it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::Write;

use super::{report, ImportRequest, Summary, TransferError};
use crate::domain::account::{Account, AccountId};
use crate::domain::audit::AuditEntry;
use crate::domain::outcome::OutcomeEvent;
use crate::domain::tenant::{TenantId, TenantSettings};
use crate::store::bulk::{AuditTrail, PostRecord, TenantRecords};
use crate::store::ingest::transfer::IntakeRecords;
use crate::store::{Store, StoreError};

/// The export format version this build writes and reads. Fields added with a default (the
/// post ledger, received data) keep it: older exports still read.
pub const EXPORT_VERSION: u32 = 1;

/// `{ "steward_export": 1, "tenant": …, "exported_at": …, "settings": …, "accounts": […],
/// "outcomes": […], "audit": […], "posts": […], "intake": {…} }`.
///
/// Write keys are left out on purpose (their records hold only digests, but still): a
/// restored backup must not bring back credentials, some perhaps revoked since. Admins make
/// new keys after a restore; the audit trail keeps which keys existed, by name and prefix.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportDoc {
    pub steward_export: u32,
    /// The tenant it was exported from (it may be imported into another).
    pub tenant: TenantId,
    pub exported_at: DateTime<Utc>,
    pub settings: TenantSettings,
    /// By id; churned accounts included.
    pub accounts: Vec<Account>,
    /// In recorded order.
    pub outcomes: Vec<OutcomeEvent>,
    /// By account (tenant-wide first), each account's in recorded order.
    pub audit: Vec<AuditEntry>,
    /// The scheduled-post ledger, so a restored tenant never posts a period twice.
    #[serde(default)]
    pub posts: Vec<PostRecord>,
    /// Received data: tables, links, seats, e-mails, freshness, unmatched ids, day rollups.
    #[serde(default)]
    pub intake: IntakeRecords,
}

/// An [`ExportDoc`] as written: the same fields in the same order, the audit trail written
/// as it is read ([`Store::records_with_trail`]) rather than held whole.
#[derive(Serialize)]
pub struct ExportView<'a> {
    steward_export: u32,
    tenant: &'a TenantId,
    exported_at: DateTime<Utc>,
    settings: &'a TenantSettings,
    accounts: &'a [Account],
    outcomes: &'a [OutcomeEvent],
    audit: Trail<'a>,
    posts: &'a [PostRecord],
    intake: &'a IntakeRecords,
}

impl<'a> ExportView<'a> {
    pub fn new(
        tenant: &'a TenantId,
        exported_at: DateTime<Utc>,
        records: &'a TenantRecords,
        trail: &'a AuditTrail<'a>,
    ) -> Self {
        ExportView {
            steward_export: EXPORT_VERSION,
            tenant,
            exported_at,
            settings: &records.settings,
            accounts: &records.accounts,
            outcomes: &records.outcomes,
            audit: Trail(trail),
            posts: &records.posts,
            intake: &records.intake,
        }
    }
}

/// The audit trail as a JSON array, each entry written as read.
struct Trail<'a>(&'a AuditTrail<'a>);

impl Serialize for Trail<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = serializer.serialize_seq(None)?;
        let mut write_failed = None;
        let read = self.0.visit(&mut |entry| {
            seq.serialize_element(&entry).map_err(|e| {
                write_failed = Some(e);
                StoreError::Corrupt("the export could not be written".into())
            })
        });
        if let Some(error) = write_failed {
            return Err(error);
        }
        read.map_err(S::Error::custom)?;
        seq.end()
    }
}

/// Only the version, read first so a newer document gets a clear answer.
#[derive(Deserialize)]
struct Version {
    steward_export: Option<u32>,
}

/// Restores an export into `request.tenant`, which must hold no data: merging a full backup
/// into a live tenant would duplicate its history. One atomic batch, one flush.
pub fn import(
    store: &Store,
    request: &ImportRequest,
    out: &mut dyn Write,
) -> Result<Summary, TransferError> {
    let path = request.file;
    let bytes = std::fs::read(path).map_err(|source| TransferError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let bad = |why: String| TransferError::Json {
        path: path.to_path_buf(),
        why,
    };
    let version: Version = serde_json::from_slice(text).map_err(|e| bad(e.to_string()))?;
    match version.steward_export {
        None => return Err(bad("it has no \"steward_export\" version field".into())),
        Some(found) if found > EXPORT_VERSION => {
            return Err(TransferError::NewerExport {
                path: path.to_path_buf(),
                found,
            })
        }
        Some(_) => {}
    }
    let doc: ExportDoc = serde_json::from_slice(text).map_err(|e| bad(e.to_string()))?;
    // The whole file is one batch: its acknowledgement names its last physical line.
    let lines = text.split(|b| *b == b'\n').count() - usize::from(text.ends_with(b"\n"));
    drop(bytes);
    let accounts = check_unique(&doc.accounts).map_err(bad)?;
    doc.intake
        .check(&accounts)
        .map_err(|source| TransferError::Intake {
            path: path.to_path_buf(),
            source,
        })?;
    if !store.tenant_is_empty(request.tenant)? {
        return Err(TransferError::NotEmpty {
            tenant: request.tenant.clone(),
        });
    }
    let imported = doc.accounts.len();
    let records = TenantRecords {
        settings: doc.settings,
        accounts: doc.accounts,
        outcomes: doc.outcomes,
        audit: doc.audit,
        posts: doc.posts,
        intake: doc.intake,
    };
    store.restore(request.tenant, records)?;
    report(out, &format!("committed through line {lines}"))?;
    Ok(Summary {
        imported,
        updated: 0,
        rejected: 0,
    })
}

/// Account ids, names (any case) and crm ids are unique, as a book requires; returns the ids.
fn check_unique(accounts: &[Account]) -> Result<HashSet<AccountId>, String> {
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    let mut crm_ids = HashSet::new();
    for account in accounts {
        if !ids.insert(account.id) {
            return Err(format!("account id {} appears twice", account.id.0));
        }
        if !names.insert(account.name.to_lowercase()) {
            return Err(format!("account \"{}\" appears twice", account.name));
        }
        if let Some(crm) = account.crm_id.as_ref().filter(|c| !crm_ids.insert(*c)) {
            return Err(format!(
                "crm id \"{crm}\" appears twice (on \"{}\")",
                account.name
            ));
        }
    }
    Ok(ids)
}
