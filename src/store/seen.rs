//! Purpose: chat events already handled (Slack `event_id`s), recorded durably so a retry —
//! even one that arrives after a restart — is recognised; pruned after a day.

use chrono::{DateTime, Utc};

use super::backend::WriteBatch;
use super::record::{decode, encode};
use super::{keys, Store, StoreError};
use crate::domain::tenant::TenantId;

impl Store {
    /// Records event `id` as seen at `now`, durably; `false` when it had been seen before
    /// (of two deliveries racing, exactly one gets `true`).
    pub fn first_sight(
        &self,
        tenant: &TenantId,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.backend
            .insert_if_absent(&keys::seen(tenant, id), encode(&now)?)
    }

    /// Forgets events seen before `before`; returns how many. Not a numbered commit: losing a
    /// prune only keeps an id a little longer.
    pub fn prune_seen(
        &self,
        tenant: &TenantId,
        before: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let mut batch = WriteBatch::default();
        let mut pruned = 0;
        for (key, bytes) in self.backend.scan_prefix(&keys::seen_all(tenant))? {
            let at: DateTime<Utc> = decode(&key, &bytes)?;
            if at < before {
                batch.delete(key);
                pruned += 1;
            }
        }
        if pruned > 0 {
            self.backend.apply(batch)?;
        }
        Ok(pruned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn seen_once_then_pruned() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("db")).expect("open");
        let tenant = TenantId::parse("slack:T1").expect("valid");
        let now = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(store.first_sight(&tenant, "Ev1", now).ok(), Some(true));
        assert_eq!(store.first_sight(&tenant, "Ev1", now).ok(), Some(false));
        assert_eq!(
            store
                .first_sight(&TenantId::parse("slack:T2").expect("valid"), "Ev1", now)
                .ok(),
            Some(true)
        );
        assert_eq!(
            store.prune_seen(&tenant, now + Duration::hours(25)).ok(),
            Some(1)
        );
        assert_eq!(store.first_sight(&tenant, "Ev1", now).ok(), Some(true));
    }
}
