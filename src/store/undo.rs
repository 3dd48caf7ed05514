//! Purpose: undo plans once their change can no longer be taken back. A plan holds whole
//! records (a removed stakeholder's included) and is offered for 24 hours
//! ([`UNDO_HOURS`](crate::domain::audit::UNDO_HOURS)); after that, or once an account it would
//! restore loses a person, it is purged down to its date — at the next write, scheduler run
//! or start, whichever comes first.

use chrono::{DateTime, Utc};

use super::backend::{Swap, WriteBatch};
use super::record::{decode, encode};
use super::{keys, Store, StoreError};
use crate::domain::account::AccountId;
use crate::domain::audit::UndoPlan;
use crate::domain::person::UserId;
use crate::domain::tenant::TenantId;

/// How often a purge reads the plans again after other replicas' commits.
const PURGE_TRIES: usize = 5;

impl Store {
    /// Purges the tenant's expired undo plans, durably; returns how many.
    pub fn purge_expired_undo(
        &self,
        tenant: &TenantId,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        self.purge_unless_committed(tenant, |batch| {
            self.stage_undo_purge(tenant, batch, |plan| plan.is_expired(now))
        })
    }

    /// [`Store::purge_expired_undo`] for every tenant (at start).
    pub fn purge_expired_undo_everywhere(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut purged = 0;
        for tenant in self.tenants()? {
            purged += self.purge_expired_undo(&tenant, now)?;
        }
        Ok(purged)
    }

    /// Purges the undo plans of everyone but `keep` that would restore `account`: after a
    /// person was removed from it they can no longer be applied (the account changed since),
    /// and they still hold that person.
    pub fn purge_undo_touching(
        &self,
        tenant: &TenantId,
        account: AccountId,
        keep: &UserId,
    ) -> Result<usize, StoreError> {
        let kept = keys::undo(tenant, keep);
        self.purge_unless_committed(tenant, |batch| {
            let mut purged = 0;
            for (key, bytes) in self.backend.scan_prefix(&keys::undos(tenant))? {
                let plan: UndoPlan = decode(&key, &bytes)?;
                if key != kept && plan.touches(account) {
                    batch.put(key, encode(&plan.purged())?);
                    purged += 1;
                }
            }
            Ok(purged)
        })
    }

    /// Stages with `stage` and applies a purge of plans; returns how many. On a database
    /// other replicas write, the purge is applied only if no commit to the tenant landed since
    /// the plans were read (a commit may have replaced one with a newer plan, which the purge
    /// must not overwrite): the tenant's generation is compare-and-swapped with itself, and
    /// the plans are read again when it moved.
    fn purge_unless_committed(
        &self,
        tenant: &TenantId,
        stage: impl Fn(&mut WriteBatch) -> Result<usize, StoreError>,
    ) -> Result<usize, StoreError> {
        for _ in 0..PURGE_TRIES {
            let generation = match self.backend.shared() {
                true => Some(self.stored_generation(tenant)?),
                false => None,
            };
            let mut batch = WriteBatch::default();
            let purged = stage(&mut batch)?;
            if purged == 0 {
                return Ok(0);
            }
            let Some(generation) = generation else {
                self.apply_durably(batch)?;
                return Ok(purged);
            };
            let new = match &generation {
                Some(same) => same.clone(),
                None => self.backend.generate_id()?.to_be_bytes().to_vec(),
            };
            let swap = Swap {
                key: keys::generation(tenant),
                expected: generation,
                new,
            };
            if self.backend.apply_if(batch, swap)? {
                return Ok(purged);
            }
        }
        Err(StoreError::Conflict)
    }

    /// Stages the purge of the tenant's plans that `expired` says are past, into `batch`
    /// (a commit purges in the batch it writes); returns how many.
    pub(super) fn stage_undo_purge(
        &self,
        tenant: &TenantId,
        batch: &mut WriteBatch,
        expired: impl Fn(&UndoPlan) -> bool,
    ) -> Result<usize, StoreError> {
        let mut purged = 0;
        for (key, bytes) in self.backend.scan_prefix(&keys::undos(tenant))? {
            let plan: UndoPlan = decode(&key, &bytes)?;
            if !plan.is_purged() && expired(&plan) {
                batch.put(key, encode(&plan.purged())?);
                purged += 1;
            }
        }
        Ok(purged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::Account;
    use crate::domain::book::Change;
    use crate::domain::money::Money;
    use chrono::{Duration, NaiveDate, TimeZone};

    #[test]
    fn plans_are_purged_to_their_date_after_a_day() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("db")).expect("open");
        let tenant = TenantId::parse("local").expect("valid");
        let (jane, omar) = (UserId("jane".into()), UserId("omar".into()));
        let at = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid");
        let book = store.book(&tenant).expect("book");
        let mut book = book.write().expect("lock");
        let renews = NaiveDate::from_ymd_opt(2027, 3, 31).expect("valid");
        let add = |name: &str, id| {
            let account = Account::new(AccountId(id), name.into(), Money(5), renews, at);
            vec![Change::PutAccount(Box::new(account))]
        };
        store
            .commit(&mut book, &jane, "/account add Acme", at, add("Acme", 1))
            .expect("commit");
        let later = at + Duration::hours(20);
        store
            .commit(
                &mut book,
                &omar,
                "/account add Globex",
                later,
                add("Globex", 2),
            )
            .expect("commit");
        let plan = |user: &UserId| {
            store
                .last_change(&tenant, user)
                .expect("read")
                .expect("a plan")
        };
        assert_eq!(
            store
                .purge_expired_undo(&tenant, at + Duration::hours(23))
                .ok(),
            Some(0)
        );
        assert_eq!(
            store
                .purge_expired_undo(&tenant, at + Duration::hours(24))
                .ok(),
            Some(1)
        );
        assert_eq!(plan(&jane), plan(&jane).purged());
        assert_eq!(plan(&jane).at, at);
        assert!(!plan(&omar).is_purged());
        // A write purges what expired, in its own batch.
        store
            .commit(
                &mut book,
                &jane,
                "/account add Initech",
                later + Duration::hours(24),
                add("Initech", 3),
            )
            .expect("commit");
        assert!(plan(&omar).is_purged());
        assert!(!plan(&jane).is_purged(), "the writer's new plan");
        // A removal from Initech purges the others' plans that would restore it.
        assert_eq!(
            store.purge_undo_touching(&tenant, AccountId(3), &omar).ok(),
            Some(1)
        );
        assert!(plan(&jane).is_purged());
    }

    #[test]
    fn unattended_commits_are_audited_but_leave_no_undo_plan() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("db")).expect("open");
        let tenant = TenantId::parse("local").expect("valid");
        let steward = UserId("steward".into());
        let at = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid");
        let book = store.book(&tenant).expect("book");
        let mut book = book.write().expect("lock");
        let renews = NaiveDate::from_ymd_opt(2027, 3, 31).expect("valid");
        let account = Account::new(AccountId(1), "Acme".into(), Money(5), renews, at);
        store
            .commit_unattended(
                &mut book,
                &steward,
                "daily health recompute from data",
                at,
                vec![Change::PutAccount(Box::new(account))],
            )
            .expect("commit");
        assert!(book.by_name("Acme").is_some());
        assert_eq!(store.last_change(&tenant, &steward).expect("read"), None);
        let trail = store.history(&tenant, Some(AccountId(1)), 1).expect("read");
        assert_eq!(trail.total, 1);
        assert_eq!(trail.entries[0].actor, steward);
    }
}
