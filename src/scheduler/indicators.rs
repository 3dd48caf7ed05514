//! Purpose: indicators to their account's owner — each live cause of the last daily
//! recompute posted once by direct message (ledger `indicators@dm`, period
//! `{cause}@{account id}>{owner}`), and forgotten once it clears, so it can fire again.
//!
//! A muted indicator (`/steward indicator mute`) never posts, and a snoozed account
//! (*Snooze 14 days*, `/health snooze`) posts nothing while its snooze lasts. Both keep their
//! live causes in the ledger's view of what is live, so nothing already told is told again:
//! a cause that is still live when the mute or the snooze ends is posted then, once; one
//! that cleared meanwhile never is.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::port::Target;
use super::{Due, Mode, Scheduler};
use crate::domain::account::AccountId;
use crate::domain::book::Book;
use crate::domain::conversation::{self, BusinessHours};
use crate::domain::person::UserId;
use crate::domain::signals::IndicatorKind;
use crate::jobs;
use crate::reply::Reply;
use crate::store::StoreError;

/// The ledger indicator posts are recorded under.
pub const INDICATORS: &str = "indicators@dm";

/// The ledger period of one cause of one account, told to `owner`.
pub fn period(cause: &str, account: AccountId, owner: &UserId) -> String {
    format!("{cause}@{}>{owner}", account.0)
}

/// The cause and account a [`period`] names (a cause may hold `@`; ids and owners do not).
pub fn parse_period(period: &str) -> Option<(&str, AccountId)> {
    let (cause, rest) = period.rsplit_once('@')?;
    let id = rest.split('>').next()?.parse().ok()?;
    Some((cause, AccountId(id)))
}

impl Scheduler<'_> {
    /// The live indicators not yet posted, less the muted ones and snoozed accounts'; cleared
    /// ones forgotten (re-armed).
    pub(super) fn indicators(
        &self,
        book: &Book,
        now: DateTime<Utc>,
    ) -> Result<Vec<Due>, StoreError> {
        let tenant = &book.tenant;
        let today = self.app.today(book, now);
        let muted = &book.settings.muted_indicators;
        // Every live cause, and whether it may be posted now.
        let mut live: BTreeMap<String, (UserId, Reply, bool)> = BTreeMap::new();
        for account in book.active().filter(|a| !a.indicators.is_empty()) {
            let Some(owner) = jobs::indicators::owner(book, account) else {
                tracing::warn!(%tenant, account = %account.name, "an indicator has no owner to tell: set the account's owner");
                continue;
            };
            let snoozed = account.indicators_snoozed(today);
            for indicator in &account.indicators {
                let period = period(&indicator.cause, account.id, &owner);
                let reply = jobs::indicators::build(book, account, indicator);
                let postable = !snoozed && !muted.contains(&indicator.kind);
                live.insert(period, (owner.clone(), reply, postable));
            }
        }
        // *Customer waiting*: read live from the customer channels (DECISIONS 29), one cause
        // per unanswered message, cleared by the first team reply.
        let zone = self.app.timezone_of(book);
        let hours = BusinessHours::from_setting(book.settings.business_hours.as_deref());
        for account in book.active().filter(|a| !a.channels.is_empty()) {
            let messages = self.app.store.channel_messages(tenant, &account.channels)?;
            let signals = conversation::signals(&messages, now, &hours, zone);
            let overdue: Vec<_> = signals.overdue().collect();
            if overdue.is_empty() {
                continue;
            }
            let Some(owner) = jobs::indicators::owner(book, account) else {
                tracing::warn!(%tenant, account = %account.name, "a customer is waiting and the account has no owner to tell: set the account's owner");
                continue;
            };
            let postable = !account.indicators_snoozed(today)
                && !muted.contains(&IndicatorKind::CustomerWaiting);
            for waiting in overdue {
                let period = period(
                    &jobs::indicators::waiting_cause(waiting),
                    account.id,
                    &owner,
                );
                let reply = jobs::indicators::waiting_message(book, account, waiting, zone);
                live.insert(period, (owner.clone(), reply, postable));
            }
        }
        for (period, _) in self.app.store.posts(tenant, INDICATORS)? {
            if !live.contains_key(&period) {
                self.record(tenant, INDICATORS, &period, None)?;
            }
        }
        let mut out = Vec::new();
        for (period, (owner, reply, _)) in live.into_iter().filter(|(_, (_, _, p))| *p) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_back_whatever_the_cause_holds() {
        for cause in [
            "usage-drop",
            "champion-inactive:Jane Doe",
            "detractor:a@b:c",
        ] {
            let p = period(cause, AccountId(12), &UserId("U1".into()));
            assert_eq!(parse_period(&p), Some((cause, AccountId(12))));
        }
        assert_eq!(parse_period("usage-drop"), None);
        let marker = crate::scheduler::marker(
            &crate::domain::tenant::TenantId::parse("slack:E1:T1").expect("valid"),
            INDICATORS,
            &period(
                "champion-inactive:Jane: Doe",
                AccountId(7),
                &UserId("U1".into()),
            ),
            chrono::DateTime::UNIX_EPOCH,
        );
        let (tenant, kind, read) = crate::scheduler::marker_parts(&marker).expect("parts");
        assert_eq!(
            (tenant.as_str(), kind.as_str()),
            ("slack:E1:T1", "indicators")
        );
        assert_eq!(
            parse_period(&read),
            Some(("champion-inactive:Jane: Doe", AccountId(7)))
        );
        assert_eq!(parse_period("usage-drop@x>U1"), None);
    }
}
