//! Purpose: the post ledger — for every (subscription, period) whether its post was claimed,
//! sent, skipped, failed or dropped. Each state change is flushed before the next step, so a
//! restart can tell a post that may have gone out (claimed) from one that surely did (sent).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::backend::{Swap, WriteBatch};
use super::record::{decode, encode};
use super::{keys, Store, StoreError};
use crate::domain::tenant::TenantId;

/// Where one scheduled post stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum PostState {
    /// About to be posted; if found after a restart, it may or may not have gone out.
    Claimed {
        at: DateTime<Utc>,
    },
    Sent {
        at: DateTime<Utc>,
    },
    /// Deliberately not posted (missed while down, or unverifiable after a restart).
    Skipped {
        at: DateTime<Utc>,
        why: String,
    },
    /// Posting failed; retried with backoff until 24 h after the first failure.
    Failed {
        first_at: DateTime<Utc>,
        attempts: u32,
        next_at: DateTime<Utc>,
        error: String,
    },
    /// Given up after 24 h of failures; counted in the next weekly digest.
    Dropped {
        at: DateTime<Utc>,
        channel: String,
        counted: bool,
    },
}

impl Store {
    pub fn post_state(
        &self,
        tenant: &TenantId,
        subscription: &str,
        period: &str,
    ) -> Result<Option<PostState>, StoreError> {
        let key = keys::post(tenant, subscription, period);
        self.backend
            .get(&key)?
            .map(|bytes| decode(&key, &bytes))
            .transpose()
    }

    /// Records a state, durably before returning. Overwrites whatever was recorded: a post
    /// goes out once because it is claimed first ([`Store::claim_post`]), and only its
    /// claimant records what became of it.
    pub fn set_post_state(
        &self,
        tenant: &TenantId,
        subscription: &str,
        period: &str,
        state: &PostState,
    ) -> Result<(), StoreError> {
        let mut batch = WriteBatch::default();
        batch.put(keys::post(tenant, subscription, period), encode(state)?);
        self.backend.apply(batch)
    }

    /// Claims a period for posting: records `claimed` only if the period's state still passes
    /// `unchanged` (what the scheduler planned on), as one compare-and-swap on the ledger
    /// record; `false` (nothing written) when another scheduler changed it meanwhile. The
    /// ledger key is unique (the primary key on PostgreSQL), so of two schedulers claiming one
    /// period — two leaders by mistake, or a leader that lost its lock mid-run — exactly one
    /// posts.
    pub fn claim_post(
        &self,
        tenant: &TenantId,
        subscription: &str,
        period: &str,
        unchanged: impl Fn(Option<&PostState>) -> bool,
        claimed: &PostState,
    ) -> Result<bool, StoreError> {
        let key = keys::post(tenant, subscription, period);
        let stored = self.backend.get(&key)?;
        let state: Option<PostState> = stored
            .as_ref()
            .map(|bytes| decode(&key, bytes))
            .transpose()?;
        if !unchanged(state.as_ref()) {
            return Ok(false);
        }
        let swap = Swap {
            key,
            expected: stored,
            new: encode(claimed)?,
        };
        self.backend.apply_if(WriteBatch::default(), swap)
    }

    /// Forgets a period (an escalation whose cause cleared can fire again).
    pub fn clear_post(
        &self,
        tenant: &TenantId,
        subscription: &str,
        period: &str,
    ) -> Result<(), StoreError> {
        let mut batch = WriteBatch::default();
        batch.delete(keys::post(tenant, subscription, period));
        self.backend.apply(batch)
    }

    /// Every recorded period of a subscription, in key order.
    pub fn posts(
        &self,
        tenant: &TenantId,
        subscription: &str,
    ) -> Result<Vec<(String, PostState)>, StoreError> {
        let prefix = keys::posts(tenant, subscription);
        self.backend
            .scan_prefix(&prefix)?
            .into_iter()
            .map(|(key, bytes)| {
                let period = String::from_utf8_lossy(&key[prefix.len()..]).to_string();
                Ok((period, decode(&key, &bytes)?))
            })
            .collect()
    }

    /// Every recorded post of a tenant, as (subscription, period, state).
    pub fn all_posts(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<(String, String, PostState)>, StoreError> {
        let prefix = keys::all_posts(tenant);
        self.backend
            .scan_prefix(&prefix)?
            .into_iter()
            .map(|(key, bytes)| {
                let rest = String::from_utf8_lossy(&key[prefix.len()..]).to_string();
                let (sub, period) = rest.split_once('\0').unwrap_or((rest.as_str(), ""));
                Ok((sub.to_string(), period.to_string(), decode(&key, &bytes)?))
            })
            .collect()
    }
}
