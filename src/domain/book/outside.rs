//! Purpose: finding accounts by their outside ids — the crm id and domain indexes the book
//! keeps, and which account an event's `groupId` names (INGEST.md "Which account an event
//! belongs to", rule 1). Called for every event, so each rule is one hash lookup.

use std::collections::HashMap;

use super::Book;
use crate::domain::account::{Account, AccountId};
use crate::domain::outside_id::WebDomain;

/// Accounts by crm id (unique in a tenant) and by domain (several may share one).
#[derive(Debug, Clone, Default)]
pub(super) struct OutsideIndex {
    by_crm: HashMap<String, AccountId>,
    by_domain: HashMap<String, Vec<AccountId>>,
}

impl OutsideIndex {
    pub(super) fn insert(&mut self, account: &Account) {
        if let Some(crm) = &account.crm_id {
            self.by_crm.insert(crm.to_string(), account.id);
        }
        if let Some(domain) = &account.domain {
            let ids = self.by_domain.entry(domain.to_string()).or_default();
            if !ids.contains(&account.id) {
                ids.push(account.id);
            }
        }
    }

    pub(super) fn remove(&mut self, account: &Account) {
        if let Some(crm) = &account.crm_id {
            if self.by_crm.get(crm.as_str()) == Some(&account.id) {
                self.by_crm.remove(crm.as_str());
            }
        }
        if let Some(domain) = &account.domain {
            if let Some(ids) = self.by_domain.get_mut(domain.as_str()) {
                ids.retain(|id| *id != account.id);
                if ids.is_empty() {
                    self.by_domain.remove(domain.as_str());
                }
            }
        }
    }
}

impl Book {
    /// The account whose crm id is exactly `id` (crm ids are case-sensitive).
    pub fn by_crm_id(&self, id: &str) -> Option<&Account> {
        self.outside.by_crm.get(id).and_then(|a| self.account(*a))
    }

    /// The account an event's `groupId` names: the account with that **crm id**, else the
    /// one with that **name** (any case), else the one with that **domain** (the id read as
    /// a domain, so `www.acme.com` and `https://acme.com` find `acme.com`). A domain that
    /// several accounts share names the one still active, or nobody when that is not one
    /// account. Churned accounts are found (their events still belong to them); removed
    /// accounts are not in the book. `None`: the event is unmatched.
    pub fn account_for_group_id(&self, id: &str) -> Option<&Account> {
        let id = id.trim();
        if id.is_empty() {
            return None;
        }
        self.by_crm_id(id)
            .or_else(|| self.by_name(id))
            .or_else(|| self.by_domain(&WebDomain::parse(id).ok()?))
    }

    /// The one account with `domain`, preferring the active one when several share it.
    fn by_domain(&self, domain: &WebDomain) -> Option<&Account> {
        let ids = self.outside.by_domain.get(domain.as_str())?;
        if let [id] = ids.as_slice() {
            return self.account(*id);
        }
        let mut active = ids
            .iter()
            .filter_map(|id| self.account(*id))
            .filter(|a| a.is_active());
        match (active.next(), active.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::domain::account::AccountStatus;
    use crate::domain::book::Change;
    use crate::domain::money::Money;
    use crate::domain::outside_id::CrmId;
    use crate::domain::reason::Reason;
    use crate::domain::tenant::TenantId;

    fn account(id: u64, name: &str, crm: Option<&str>, domain: Option<&str>) -> Account {
        let now = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("valid");
        let date = NaiveDate::from_ymd_opt(2026, 6, 1).expect("valid");
        let mut a = Account::new(AccountId(id), name.into(), Money(1000), date, now);
        a.crm_id = crm.map(|c| CrmId::parse(c).expect("crm id"));
        a.domain = domain.map(|d| WebDomain::parse(d).expect("domain"));
        a
    }

    fn book(accounts: Vec<Account>) -> Book {
        let mut book = Book::new(TenantId::local());
        for a in accounts {
            book.apply(Change::PutAccount(Box::new(a)));
        }
        book
    }

    fn found(book: &Book, group_id: &str) -> Option<u64> {
        book.account_for_group_id(group_id).map(|a| a.id.0)
    }

    #[test]
    fn each_rule_finds_its_account() {
        let b = book(vec![
            account(1, "Acme Corp", Some("001Dn00000ABCdeIAF"), Some("acme.com")),
            account(2, "Globex", None, Some("globex.io")),
        ]);
        assert_eq!(found(&b, "001Dn00000ABCdeIAF"), Some(1), "crm id");
        assert_eq!(
            found(&b, " 001Dn00000ABCdeIAF "),
            Some(1),
            "crm id, trimmed"
        );
        assert_eq!(
            found(&b, "001dn00000abcdeiaf"),
            None,
            "crm ids are case-sensitive"
        );
        assert_eq!(found(&b, "ACME CORP"), Some(1), "name, any case");
        assert_eq!(found(&b, "acme.com"), Some(1), "domain");
        assert_eq!(found(&b, "www.acme.com"), Some(1), "domain without www.");
        assert_eq!(
            found(&b, "https://Acme.com/signup"),
            Some(1),
            "domain of a URL"
        );
        assert_eq!(found(&b, "globex.io"), Some(2));
        for nobody in ["", "  ", "acme", "initech.com", "Acme", "001", "🚀"] {
            assert_eq!(found(&b, nobody), None, "{nobody:?}");
        }
    }

    #[test]
    fn crm_id_wins_over_name_and_name_over_domain() {
        let b = book(vec![
            account(1, "Acme Corp", Some("globex"), None),
            account(2, "Globex", None, None),
            account(3, "acme.com", None, None),
            account(4, "Acme Inc", None, Some("acme.com")),
        ]);
        assert_eq!(found(&b, "globex"), Some(1), "crm id before name");
        assert_eq!(found(&b, "Globex"), Some(2), "crm ids compare exactly");
        assert_eq!(found(&b, "acme.com"), Some(3), "name before domain");
        assert_eq!(
            found(&b, "www.acme.com"),
            Some(4),
            "only the domain matches"
        );
    }

    #[test]
    fn a_shared_domain_names_its_one_active_account_or_nobody() {
        let mut churned = account(1, "Acme Old", None, Some("acme.com"));
        churned.status = AccountStatus::Churned {
            on: NaiveDate::from_ymd_opt(2026, 1, 2).expect("valid"),
            reason: Reason::from("budget"),
        };
        let mut b = book(vec![
            churned,
            account(2, "Acme New", None, Some("acme.com")),
        ]);
        assert_eq!(found(&b, "acme.com"), Some(2), "the active one");
        assert_eq!(
            found(&b, "Acme Old"),
            Some(1),
            "a churned account still matches"
        );
        b.apply(Change::PutAccount(Box::new(account(
            3,
            "Acme EU",
            None,
            Some("acme.com"),
        ))));
        assert_eq!(found(&b, "acme.com"), None, "two active accounts: no guess");
        b.apply(Change::RemoveAccount(AccountId(2)));
        b.apply(Change::RemoveAccount(AccountId(3)));
        assert_eq!(found(&b, "acme.com"), Some(1), "the only one left");
    }

    #[test]
    fn indexes_follow_every_change_and_removed_accounts_never_match() {
        let mut b = book(vec![account(1, "Acme", Some("001A"), Some("acme.com"))]);
        b.apply(Change::PutAccount(Box::new(account(
            1,
            "Acme",
            Some("001B"),
            Some("acme.io"),
        ))));
        assert_eq!(found(&b, "001A"), None, "the old crm id is forgotten");
        assert_eq!(found(&b, "acme.com"), None, "the old domain is forgotten");
        assert_eq!(b.by_crm_id("001B").map(|a| a.id), Some(AccountId(1)));
        assert_eq!(found(&b, "acme.io"), Some(1));
        b.apply(Change::PutAccount(Box::new(account(1, "Acme", None, None))));
        assert_eq!((found(&b, "001B"), found(&b, "acme.io")), (None, None));
        b.apply(Change::PutAccount(Box::new(account(
            2,
            "Globex",
            Some("001G"),
            Some("globex.com"),
        ))));
        b.apply(Change::RemoveAccount(AccountId(2)));
        for gone in ["001G", "Globex", "globex.com"] {
            assert_eq!(found(&b, gone), None, "{gone}");
        }
        let rebuilt = Book::from_parts(
            TenantId::local(),
            b.settings.clone(),
            vec![account(5, "Initech", Some("I-5"), Some("initech.com"))],
            Vec::new(),
        );
        assert_eq!(found(&rebuilt, "I-5"), Some(5), "built with the book");
        assert_eq!(found(&rebuilt, "initech.com"), Some(5));
    }
}
