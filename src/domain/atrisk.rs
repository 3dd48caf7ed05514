//! Purpose: which accounts are at risk — red, single-threaded or declining — and why.

use chrono::{DateTime, Utc};

use super::account::Account;
use super::health::{is_declining, score, Band};

/// An at-risk account and why it is on the list.
#[derive(Debug, Clone)]
pub struct AtRisk<'a> {
    pub account: &'a Account,
    pub red: bool,
    pub declining: bool,
    pub single_threaded: bool,
}

impl AtRisk<'_> {
    /// Why, in words: the red categories, declining, the single-threaded reasons. Built only
    /// for the accounts shown (the list itself can hold thousands).
    pub fn reasons(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        if self.red {
            let health = self.account.health();
            let cats: Vec<_> = health.red_categories().map(|c| c.label()).collect();
            reasons.push(format!("red: {}", cats.join(", ")));
        }
        if self.declining {
            reasons.push("declining".into());
        }
        if self.single_threaded {
            let threads = self.account.thread_risk();
            reasons.push(format!(
                "single-threaded: {}",
                threads.reasons(&self.account.stakeholders).join(", ")
            ));
        }
        reasons
    }
}

/// Assesses one active account; `None` when it is not at risk.
pub fn assess(account: &Account, now: DateTime<Utc>) -> Option<AtRisk<'_>> {
    if !account.is_active() {
        return None;
    }
    let red = score(&account.signals()).is_some_and(|s| Band::of_score(s) == Band::Red);
    let single_threaded = account.thread_risk().is_single_threaded();
    let declining = is_declining(&account.health, now);
    (red || declining || single_threaded).then_some(AtRisk {
        account,
        red,
        declining,
        single_threaded,
    })
}

/// The at-risk list: every at-risk account, by ARR descending (then name).
pub fn list<'a>(
    accounts: impl Iterator<Item = &'a Account>,
    now: DateTime<Utc>,
) -> Vec<AtRisk<'a>> {
    let mut out: Vec<AtRisk> = accounts.filter_map(|a| assess(a, now)).collect();
    out.sort_by(|a, b| {
        b.account
            .arr
            .cmp(&a.account.arr)
            .then_with(|| a.account.name.cmp(&b.account.name))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::AccountId;
    use crate::domain::health::{Signals, Snapshot, TicketTrend};
    use crate::domain::money::Money;
    use crate::domain::stakeholder::{Role, Stakeholder};
    use chrono::{NaiveDate, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0)
            .single()
            .expect("valid")
    }

    fn account(id: u64, arr: u64, signals: Signals, people: usize) -> Account {
        let day = NaiveDate::from_ymd_opt(2026, 6, 1).expect("valid");
        let mut a = Account::new(AccountId(id), format!("A{id}"), Money(arr), day, now());
        a.health.push(Snapshot { at: now(), signals });
        let roles = [Role::Champion, Role::EconomicBuyer, Role::EndUser];
        a.stakeholders = roles
            .iter()
            .take(people)
            .map(|r| Stakeholder::new(format!("{r:?}"), *r, day))
            .collect();
        a
    }

    #[test]
    fn red_single_threaded_or_declining_by_arr() {
        let green = Signals {
            usage: Some(90.0),
            adoption: Some(3),
            nps: Some(9),
            tickets: Some(TicketTrend::Zero),
            roi: Some(95.0),
        };
        let red = Signals {
            usage: Some(10.0),
            adoption: Some(0),
            nps: Some(2),
            tickets: Some(TicketTrend::Zero),
            roi: Some(95.0),
        };
        let accounts = [
            account(1, 10, red, 3),
            account(2, 30, green, 2),
            account(3, 20, green, 3),
        ];
        let list = list(accounts.iter(), now());
        let names: Vec<_> = list.iter().map(|r| r.account.name.as_str()).collect();
        assert_eq!(names, ["A2", "A1"]);
        assert!(list[0].single_threaded && !list[0].red);
        assert!(list[1].red);
        assert_eq!(
            list[1].reasons()[0],
            "red: usage, adoption, relationship (NPS)"
        );
    }
}
