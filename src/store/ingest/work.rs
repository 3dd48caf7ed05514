//! Purpose: what one delivery of received data builds under its tenant's intake lock
//! ([`Work`]: ids seen, rollups, freshness, counts, unmatched ids) and what is left once it
//! committed ([`Stored`]: the wait for the device, ids' copies to flush).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::{Delivery, Receipt, UNMATCHED_ID_CHARS, WEEK_SECS};
use crate::domain::account::AccountId;
use crate::domain::signals::{DayRollup, Freshness, IntakeCounts};
use crate::domain::tenant::TenantId;
use crate::store::backend::WriteBatch;
use crate::store::durable::Unflushed;
use crate::store::keys;

/// A delivery committed under the tenant's lock, with what is left to do after letting go.
pub(super) struct Stored {
    pub(super) receipt: Receipt,
    /// To make durable before acknowledging.
    pub(super) applied: Unflushed,
    /// Pending records whose copies are to be flushed; then the next commit deletes them.
    pub(super) to_flush: Vec<Vec<u8>>,
}

/// What one request is building.
pub(super) struct Work {
    pub(super) tenant: TenantId,
    pub(super) zone: Tz,
    pub(super) week: u32,
    pub(super) received: DateTime<Utc>,
    pub(super) batch: WriteBatch,
    pub(super) seen: HashSet<[u8; keys::DIGEST_BYTES]>,
    /// The accepted messages' ids, in arrival order: the request's pending record.
    pub(super) digests: Vec<[u8; keys::DIGEST_BYTES]>,
    pub(super) rollups: BTreeMap<(AccountId, NaiveDate), DayRollup>,
    pub(super) fresh: HashMap<AccountId, Freshness>,
    pub(super) counts: IntakeCounts,
    /// Unmatched id → how many, last seen.
    pub(super) unmatched: BTreeMap<String, (u64, DateTime<Utc>)>,
    pub(super) receipt: Receipt,
}

impl Work {
    pub(super) fn new(tenant: &TenantId, delivery: &Delivery) -> Self {
        let mut counts = IntakeCounts::default();
        let mut rejected = 0;
        for (reason, n) in &delivery.rejected {
            counts.reject(reason, *n as u64);
            rejected += n;
        }
        Work {
            tenant: tenant.clone(),
            zone: delivery.zone,
            week: u32::try_from(delivery.received.timestamp().div_euclid(WEEK_SECS)).unwrap_or(0),
            received: delivery.received,
            batch: WriteBatch::default(),
            seen: HashSet::new(),
            digests: Vec::new(),
            rollups: BTreeMap::new(),
            fresh: HashMap::new(),
            counts,
            unmatched: BTreeMap::new(),
            receipt: Receipt {
                rejected,
                ..Receipt::default()
            },
        }
    }

    pub(super) fn unmatched(&mut self, id: &str, at: DateTime<Utc>) {
        self.receipt.unmatched += 1;
        let id: String = id.chars().take(UNMATCHED_ID_CHARS).collect();
        let entry = self.unmatched.entry(id).or_insert((0, at));
        entry.0 += 1;
        entry.1 = entry.1.max(at);
    }
}
