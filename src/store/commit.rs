//! Purpose: a command's changes made durable — each change's record staged with the audit
//! entry that says what it changed, the writer's undo plan, and the purge of expired plans, all
//! in one numbered commit; the tenant's book is updated only once that commit returned.

use chrono::{DateTime, Utc};

use super::backend::WriteBatch;
use super::record::{decode, encode};
use super::{keys, Store, StoreError};
use crate::domain::account::AccountId;
use crate::domain::audit::{diff, AuditEntry, FieldChange, Revert, UndoPlan};
use crate::domain::book::{Book, Change};
use crate::domain::outcome::OutcomeEvent;
use crate::domain::person::UserId;
use crate::domain::tenant::TenantId;

/// Whether a commit leaves its writer an undo plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Undo {
    Kept,
    None,
}

impl Store {
    /// Makes `changes` durable with their audit entries (one atomic batch, durable before
    /// returning), then applies them to `book`; `/undo` can take them back for `actor`. On
    /// error nothing is applied.
    pub fn commit(
        &self,
        book: &mut Book,
        actor: &UserId,
        command: &str,
        now: DateTime<Utc>,
        changes: Vec<Change>,
    ) -> Result<(), StoreError> {
        self.commit_as(book, actor, command, now, changes, Undo::Kept)
    }

    /// [`Store::commit`] for what Steward changes on its own (the daily recompute): audited
    /// alike, but with no undo plan — nobody undoes as `steward`, and a plan holding every
    /// account it changed would only cost the write.
    pub fn commit_unattended(
        &self,
        book: &mut Book,
        actor: &UserId,
        command: &str,
        now: DateTime<Utc>,
        changes: Vec<Change>,
    ) -> Result<(), StoreError> {
        self.commit_as(book, actor, command, now, changes, Undo::None)
    }

    fn commit_as(
        &self,
        book: &mut Book,
        actor: &UserId,
        command: &str,
        now: DateTime<Utc>,
        changes: Vec<Change>,
        undo: Undo,
    ) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let tenant = book.tenant.clone();
        let mut batch = WriteBatch::default();
        let mut steps = Vec::with_capacity(changes.len());
        for change in &changes {
            let touched = match change {
                Change::PutAccount(a) => book.account(a.id),
                Change::RemoveAccount(id) => book.account(*id),
                _ => None,
            };
            if undo == Undo::Kept {
                steps.push(Revert::of(change, touched, &book.settings));
            }
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
                batch.put(
                    keys::audit(&tenant, account, self.backend.generate_id()?),
                    encode(&entry)?,
                );
            }
        }
        if undo == Undo::Kept {
            steps.reverse();
            // Undo plans past their day are purged in the same write (see `undo`); the
            // writer's new plan, staged after, replaces its own purged one.
            self.stage_undo_purge(&tenant, &mut batch, |plan| plan.is_expired(now))?;
            let plan = UndoPlan {
                command: command.to_string(),
                at: now,
                steps,
            };
            batch.put(keys::undo(&tenant, actor), encode(&plan)?);
        }
        // On a conflict with another replica nothing was written, and `book` was read again.
        self.apply_to_book(book, batch)?;
        for change in changes {
            book.apply(change);
        }
        Ok(())
    }

    /// Adds one change's record to `batch` and returns what the audit entry should say.
    fn stage(
        &self,
        book: &Book,
        tenant: &TenantId,
        change: &Change,
        batch: &mut WriteBatch,
    ) -> Result<(Option<AccountId>, String, Vec<FieldChange>), StoreError> {
        Ok(match change {
            Change::PutAccount(account) => {
                batch.put(keys::account(tenant, account.id), encode(account.as_ref())?);
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
                batch.delete(keys::account(tenant, *id));
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
                batch.put(keys::settings(tenant), encode(settings)?);
                (
                    None,
                    String::new(),
                    diff(&to_json(&book.settings), &to_json(settings)),
                )
            }
            Change::AddOutcome(event) => {
                batch.put(
                    keys::outcome(tenant, self.backend.generate_id()?),
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
                // The last stored record equal to the event: the one most recently recorded.
                let mut found = None;
                for (key, bytes) in self.backend.scan_prefix(&keys::outcomes(tenant))? {
                    if decode::<OutcomeEvent>(&key, &bytes)? == *event {
                        found = Some(key);
                    }
                }
                if let Some(key) = found {
                    batch.delete(key);
                }
                let field = FieldChange {
                    field: "outcome".into(),
                    before: describe(event),
                    after: "[undone]".into(),
                };
                (Some(event.account), event.account_name.clone(), vec![field])
            }
            // The audit entry names the key by name and prefix, never by key or digest.
            Change::PutWriteKey(record) => {
                self.stage_write_key(tenant, record, batch)?;
                let field = FieldChange {
                    field: "write_key".into(),
                    before: String::new(),
                    after: record.shown(),
                };
                (None, String::new(), vec![field])
            }
            Change::RevokeWriteKey(name) => {
                let fields = self
                    .stage_revoke_write_key(book, name, batch)
                    .map(|record| FieldChange {
                        field: "write_key".into(),
                        before: record.shown(),
                        after: "[revoked]".into(),
                    });
                (None, String::new(), fields.into_iter().collect())
            }
            // The audit entry says only that it was set.
            Change::PutZendeskSecret(sealed) => {
                batch.put(keys::zendesk_secret(tenant), sealed.as_bytes().to_vec());
                let field = FieldChange {
                    field: "zendesk_secret".into(),
                    before: String::new(),
                    after: "set".into(),
                };
                (None, String::new(), vec![field])
            }
        })
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
