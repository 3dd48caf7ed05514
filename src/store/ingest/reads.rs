//! Purpose: what received data is read back for — an account's rollups, freshness and seats
//! trait, the tenant's event-name table (for adoption), the intake counts and unmatched ids
//! of `/steward ingest status` — and pruning what is no longer needed (message ids after two
//! weeks, counts after 8 days, rollups after 400 days).

use std::collections::HashMap;

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};

use super::tables::Tables;
use super::{hour, WEEK_SECS};
use crate::domain::account::AccountId;
use crate::domain::signals::{
    DayRollup, Freshness, IntakeCounts, IntakeStatus, Interner, SeatsTrait, Unmatched,
};
use crate::domain::tenant::TenantId;
use crate::store::backend::WriteBatch;
use crate::store::record::decode;
use crate::store::{keys, Store, StoreError};

/// Rollups are kept this many days.
pub const ROLLUP_DAYS: u64 = 400;
/// Hourly counts are kept this long (status looks back 7 days).
const COUNT_DAYS: i64 = 8;
/// Old message ids are deleted this many at a time, so pruning a busy week stays small in memory.
const PRUNE_CHUNK: usize = 10_000;

impl Store {
    /// Every stored day rollup of an account, oldest first.
    pub fn rollups(
        &self,
        tenant: &TenantId,
        account: AccountId,
    ) -> Result<Vec<DayRollup>, StoreError> {
        self.backend
            .scan_prefix(&keys::rollups(tenant, account))?
            .into_iter()
            .map(|(key, bytes)| {
                DayRollup::decode(&bytes).map_err(|e| {
                    StoreError::Corrupt(format!("{}: {e}", String::from_utf8_lossy(&key)))
                })
            })
            .collect()
    }

    /// The newest event of each kind received for an account.
    pub fn freshness(
        &self,
        tenant: &TenantId,
        account: AccountId,
    ) -> Result<Freshness, StoreError> {
        let key = keys::freshness(tenant, account);
        match self.backend.get(&key)? {
            Some(bytes) => decode(&key, &bytes),
            None => Ok(Freshness::default()),
        }
    }

    /// Every account's freshness in one read, by account: the daily recompute skips the
    /// accounts that received nothing without asking for each (on PostgreSQL, one round trip
    /// instead of one per account).
    pub fn all_freshness(
        &self,
        tenant: &TenantId,
    ) -> Result<std::collections::HashMap<AccountId, Freshness>, StoreError> {
        let prefix = keys::all_freshness(tenant);
        let mut all = std::collections::HashMap::new();
        for (key, bytes) in self.backend.scan_prefix(&prefix)? {
            let id = key
                .get(prefix.len()..)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u64::from_str_radix(hex, 16).ok())
                .ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "record {}: no account id in hex",
                        String::from_utf8_lossy(&key)
                    ))
                })?;
            all.insert(AccountId(id), decode(&key, &bytes)?);
        }
        Ok(all)
    }

    /// The seats a group call last gave for an account.
    pub fn seats_trait(
        &self,
        tenant: &TenantId,
        account: AccountId,
    ) -> Result<Option<SeatsTrait>, StoreError> {
        self.read(&keys::ingest_seats(tenant, account))
    }

    /// Forgets an account's rollups of days more than 400 days before `today` (`rollups` as
    /// [`Store::rollups`] read them); returns how many went.
    pub fn prune_rollups(
        &self,
        tenant: &TenantId,
        account: AccountId,
        rollups: &[DayRollup],
        today: NaiveDate,
    ) -> Result<usize, StoreError> {
        let cutoff = today
            .checked_sub_days(Days::new(ROLLUP_DAYS))
            .unwrap_or(NaiveDate::MIN);
        let mut batch = WriteBatch::default();
        let mut pruned = 0;
        for r in rollups.iter().filter(|r| r.day <= cutoff) {
            batch.delete(keys::rollup(tenant, account, r.day));
            pruned += 1;
        }
        if pruned > 0 {
            self.backend.apply(batch)?;
        }
        Ok(pruned)
    }

    /// Users by the e-mail their identify calls gave (lower case), to find stakeholders.
    pub fn users_by_email(&self, tenant: &TenantId) -> Result<HashMap<String, u32>, StoreError> {
        let prefix = keys::all_emails(tenant);
        let mut users = HashMap::new();
        for (key, value) in self.backend.scan_prefix(&prefix)? {
            let user = std::str::from_utf8(&key[prefix.len()..])
                .ok()
                .and_then(|hex| u32::from_str_radix(hex, 16).ok());
            if let (Some(user), Ok(email)) = (user, String::from_utf8(value)) {
                users.insert(email.trim().to_lowercase(), user);
            }
        }
        Ok(users)
    }

    /// A copy of the tenant's event-name table (small: one entry per event name).
    pub fn event_table(&self, tenant: &TenantId) -> Result<Interner, StoreError> {
        let slot = {
            let mut intake = self.intake.lock().unwrap_or_else(|p| p.into_inner());
            intake.entry(tenant.clone()).or_default().clone()
        };
        let mut guard = slot.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(Tables::load(self.backend.as_ref(), tenant)?);
        }
        Ok(guard.as_ref().map(|t| t.events.clone()).unwrap_or_default())
    }

    /// The intake counts of the hours from `since` on, summed.
    pub fn intake_counts(
        &self,
        tenant: &TenantId,
        since: DateTime<Utc>,
    ) -> Result<IntakeCounts, StoreError> {
        let prefix = keys::ingest_counts(tenant);
        let first = hour(since);
        let mut total = IntakeCounts::default();
        for (key, bytes) in self.backend.scan_prefix(&prefix)? {
            if key[prefix.len()..] >= *first.as_bytes() {
                total.add(&decode(&key, &bytes)?);
            }
        }
        Ok(total)
    }

    /// `/steward ingest status` as of `now`: 24 hours' and 7 days' counts (whole hours, the
    /// current one included), and every unmatched id, most frequent first.
    pub fn intake_status(
        &self,
        tenant: &TenantId,
        now: DateTime<Utc>,
    ) -> Result<IntakeStatus, StoreError> {
        Ok(IntakeStatus {
            day: self.intake_counts(tenant, now - Duration::hours(23))?,
            week: self.intake_counts(tenant, now - Duration::hours(7 * 24 - 1))?,
            unmatched: self.unmatched_ids(tenant)?,
        })
    }

    /// The ids no account matched, most frequent first.
    pub fn unmatched_ids(&self, tenant: &TenantId) -> Result<Vec<(String, Unmatched)>, StoreError> {
        let prefix = keys::unmatched_all(tenant);
        let mut ids = Vec::new();
        for (key, bytes) in self.backend.scan_prefix(&prefix)? {
            let id = String::from_utf8_lossy(&key[prefix.len()..]).to_string();
            ids.push((id, decode::<Unmatched>(&key, &bytes)?));
        }
        ids.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(&b.0)));
        Ok(ids)
    }

    /// Forgets message ids of weeks no retry can reach and hourly counts past 8 days; returns
    /// how many records went. Not a numbered commit: losing a prune only keeps data longer.
    pub fn prune_intake(&self, tenant: &TenantId, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut batch = WriteBatch::default();
        let mut pruned = 0;
        let week = now.timestamp().div_euclid(WEEK_SECS);
        let ids = keys::all_message_ids(tenant);
        let id_backend = self.backend.message_ids()?;
        // One old week at a time, a chunk of its ids at a time: a week can hold millions.
        while let Some(key) = id_backend.first_key_from(&ids)? {
            let Some(rest) = key.strip_prefix(ids.as_slice()) else {
                break;
            };
            let old = std::str::from_utf8(rest.get(..8).unwrap_or_default())
                .ok()
                .and_then(|hex| i64::from_str_radix(hex, 16).ok());
            match old {
                Some(w) if w < week - 1 => loop {
                    let chunk = id_backend.scan_prefix_rev(
                        &keys::message_ids(tenant, w as u32),
                        0,
                        PRUNE_CHUNK,
                    )?;
                    if chunk.is_empty() {
                        break;
                    }
                    let mut old_ids = WriteBatch::default();
                    pruned += chunk.len();
                    for (key, _) in chunk {
                        old_ids.delete(key);
                    }
                    id_backend.apply(old_ids)?;
                },
                _ => break,
            }
        }
        let counts = keys::ingest_counts(tenant);
        let oldest = hour(now - Duration::days(COUNT_DAYS));
        for (key, _) in self.backend.scan_prefix(&counts)? {
            if key[counts.len()..] < *oldest.as_bytes() {
                batch.delete(key);
                pruned += 1;
            }
        }
        if !batch.is_empty() {
            self.backend.apply(batch)?;
        }
        Ok(pruned)
    }
}
