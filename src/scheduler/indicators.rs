//! Purpose: indicators to their account's owner — each live cause of the last daily
//! recompute posted once by direct message (ledger `indicators@dm`, period
//! `{cause}@{account id}>{owner}`), and forgotten once it clears, so it can fire again.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::port::Target;
use super::{Due, Mode, Scheduler};
use crate::domain::book::Book;
use crate::domain::person::UserId;
use crate::jobs;
use crate::reply::Reply;
use crate::store::StoreError;

/// The ledger indicator posts are recorded under.
pub const INDICATORS: &str = "indicators@dm";

impl Scheduler<'_> {
    /// The live indicators not yet posted; cleared ones forgotten (re-armed).
    pub(super) fn indicators(
        &self,
        book: &Book,
        now: DateTime<Utc>,
    ) -> Result<Vec<Due>, StoreError> {
        let tenant = &book.tenant;
        let mut live: BTreeMap<String, (UserId, Reply)> = BTreeMap::new();
        for account in book.active().filter(|a| !a.indicators.is_empty()) {
            let Some(owner) = jobs::indicators::owner(book, account) else {
                tracing::warn!(%tenant, account = %account.name, "an indicator has no owner to tell: set the account's owner");
                continue;
            };
            for indicator in &account.indicators {
                let period = format!("{}@{}>{owner}", indicator.cause, account.id.0);
                let reply = jobs::indicators::build(book, account, indicator);
                live.insert(period, (owner.clone(), reply));
            }
        }
        for (period, _) in self.app.store.posts(tenant, INDICATORS)? {
            if !live.contains_key(&period) {
                self.record(tenant, INDICATORS, &period, None)?;
            }
        }
        let mut out = Vec::new();
        for (period, (owner, reply)) in live {
            let state = self.app.store.post_state(tenant, INDICATORS, &period)?;
            let Some(mode) = Mode::of(state.as_ref(), now) else {
                continue;
            };
            out.push(Due {
                target: Target::Direct(owner),
                subscription: INDICATORS.to_string(),
                period,
                reply,
                counts: Vec::new(),
                mode,
            });
        }
        Ok(out)
    }
}
