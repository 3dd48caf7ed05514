//! Purpose: which message ids a week certainly does not hold, in memory — so that a new
//! message (nearly every one) is accepted without a lookup in the message ids' database,
//! whose small cache would make each lookup a read from disk. A week's filter is trusted only
//! if this process saw the week begin empty (for the tenant): after a restart mid-week, that
//! week's ids are looked up in the database as before. Bloom filters that grow fourfold as
//! they fill, so memory follows the ids received (about 1.2 bytes an id), not a guess.

use std::collections::BTreeMap;

use bloomfilter::Bloom;

use super::super::backend::Backend;
use super::super::{keys, StoreError};
use crate::domain::tenant::TenantId;
use keys::DIGEST_BYTES;

type Digest = [u8; DIGEST_BYTES];

/// The first filter's capacity; each next one holds four times more.
const FIRST_CAPACITY: usize = 4_096;
/// The false-positive rate of each filter: a false positive costs one lookup.
const FALSE_POSITIVES: f64 = 0.01;

/// A week's filter: the ids a week holds are all in it, or it is not trusted.
enum Week {
    Complete(Grown),
    /// The week held ids before this process watched it: look them up.
    Unknown,
}

/// Bloom filters, the last one being filled.
struct Grown {
    filters: Vec<Bloom<Digest>>,
    /// Ids set in the last filter.
    in_last: usize,
    capacity: usize,
}

impl Grown {
    fn new() -> Result<Self, StoreError> {
        Ok(Grown {
            filters: vec![bloom(FIRST_CAPACITY)?],
            in_last: 0,
            capacity: FIRST_CAPACITY,
        })
    }

    fn may_hold(&self, digest: &Digest) -> bool {
        self.filters.iter().any(|f| f.check(digest))
    }

    fn insert(&mut self, digest: &Digest) -> Result<(), StoreError> {
        if self.in_last >= self.capacity {
            self.capacity = self.capacity.saturating_mul(4);
            self.filters.push(bloom(self.capacity)?);
            self.in_last = 0;
        }
        if let Some(last) = self.filters.last_mut() {
            last.set(digest);
        }
        self.in_last += 1;
        Ok(())
    }
}

fn bloom(capacity: usize) -> Result<Bloom<Digest>, StoreError> {
    Bloom::new_for_fp_rate(capacity, FALSE_POSITIVES)
        .map_err(|e| StoreError::Corrupt(format!("message id filter: {e}")))
}

/// A tenant's filters, by week.
#[derive(Default)]
pub(in crate::store) struct IdFilter {
    weeks: BTreeMap<u32, Week>,
}

impl IdFilter {
    /// Whether week `week` may hold `digest` (`true`: look it up; `false`: it certainly does
    /// not). Weeks before `week - 1` are forgotten: no retry reaches them.
    pub fn may_hold(
        &mut self,
        backend: &dyn Backend,
        tenant: &TenantId,
        week: u32,
        digest: &Digest,
    ) -> Result<bool, StoreError> {
        Ok(match self.week(backend, tenant, week)? {
            Week::Complete(grown) => grown.may_hold(digest),
            Week::Unknown => true,
        })
    }

    /// Notes ids just written to week `week`.
    pub fn insert(
        &mut self,
        backend: &dyn Backend,
        tenant: &TenantId,
        week: u32,
        digests: &[Digest],
    ) -> Result<(), StoreError> {
        if let Week::Complete(grown) = self.week(backend, tenant, week)? {
            for digest in digests {
                grown.insert(digest)?;
            }
        }
        Ok(())
    }

    fn week(
        &mut self,
        backend: &dyn Backend,
        tenant: &TenantId,
        week: u32,
    ) -> Result<&mut Week, StoreError> {
        if !self.weeks.contains_key(&week) {
            let prefix = keys::message_ids(tenant, week);
            let held = backend
                .message_ids()
                .first_key_from(&prefix)?
                .is_some_and(|key| key.starts_with(&prefix));
            let filter = match held {
                true => Week::Unknown,
                false => Week::Complete(Grown::new()?),
            };
            self.weeks.insert(week, filter);
            let oldest = week.saturating_sub(1);
            self.weeks.retain(|&w, _| w >= oldest);
        }
        self.weeks
            .get_mut(&week)
            .ok_or_else(|| StoreError::Corrupt("message id filter lost a week".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grown_filter_holds_every_id_set_and_few_others() {
        let mut grown = Grown::new().expect("filter");
        let digests: Vec<Digest> = (0..50_000)
            .map(|i| keys::message_digest(&format!("id:{i}")))
            .collect();
        for d in &digests {
            grown.insert(d).expect("insert");
        }
        assert!(grown.filters.len() > 1, "it grew");
        assert!(digests.iter().all(|d| grown.may_hold(d)));
        let others = (0..10_000)
            .filter(|i| grown.may_hold(&keys::message_digest(&format!("other:{i}"))))
            .count();
        assert!(others < 500, "{others} false positives in 10,000");
    }
}
