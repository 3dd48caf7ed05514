//! Purpose: a tenant's whole book of accounts in memory, with the indexes queries need
//! (name, renewal date, ARR ranking, outside ids), and the `Change`s that handlers propose to it.

use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::account::{Account, AccountId};
use super::error::DomainError;
use super::expansion::open_value;
use super::outcome::OutcomeEvent;
use super::tenant::{TenantId, TenantSettings};
use super::tier::{ArrRanking, Tier, TierSource};
use super::writekey::WriteKeyRecord;

mod outside;

/// One change a handler asks the store to make durable and then apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Create or replace an account.
    PutAccount(Box<Account>),
    RemoveAccount(AccountId),
    PutSettings(TenantSettings),
    AddOutcome(OutcomeEvent),
    /// Drop a recorded outcome (only when undoing the change that recorded it).
    RemoveOutcome(OutcomeEvent),
    /// Store a new write key's record and index its digest (the key itself is never stored).
    PutWriteKey(WriteKeyRecord),
    /// Revoke the write key with this name (any case): its record, index entry and usage go.
    RevokeWriteKey(String),
    /// Store the tenant's Zendesk webhook signing secret, sealed (replacing any before). Kept
    /// out of the book: the webhook reads it from the store, so a tenant named in a request
    /// that is not yet verified never has its book loaded.
    PutZendeskSecret(crate::secrets::Sealed),
}

/// A tenant's accounts, settings, outcome events and write keys.
#[derive(Debug, Clone)]
pub struct Book {
    pub tenant: TenantId,
    pub settings: TenantSettings,
    accounts: HashMap<AccountId, Box<Account>>,
    by_name: HashMap<String, AccountId>,
    /// Crm ids and domains ([`outside`]).
    outside: outside::OutsideIndex,
    by_renewal: BTreeSet<(NaiveDate, AccountId)>,
    ranking: ArrRanking,
    outcomes: Vec<OutcomeEvent>,
    /// Which account holds each expansion opportunity (ids are tenant-wide).
    opportunities: HashMap<u32, AccountId>,
    /// Account ids up to this one were used before (by removed accounts, whose audit trail
    /// stays): never hand them out again.
    used_ids_through: u64,
    /// Bumped by every applied change, so caches built from the book can tell they are stale.
    generation: u64,
    /// Write keys by lower-case name (digests only, never keys).
    write_keys: BTreeMap<String, WriteKeyRecord>,
    /// Which account each linked customer channel belongs to (DECISIONS 28).
    by_channel: HashMap<String, AccountId>,
}

impl Book {
    pub fn new(tenant: TenantId) -> Self {
        Book {
            tenant,
            settings: TenantSettings::default(),
            accounts: HashMap::new(),
            by_name: HashMap::new(),
            outside: outside::OutsideIndex::default(),
            by_renewal: BTreeSet::new(),
            ranking: ArrRanking::default(),
            outcomes: Vec::new(),
            opportunities: HashMap::new(),
            used_ids_through: 0,
            generation: 0,
            write_keys: BTreeMap::new(),
            by_channel: HashMap::new(),
        }
    }

    /// A book built from stored records at once: indexes built in one pass (inserting
    /// accounts one by one would re-sort the ARR ranking each time). Accounts are kept boxed,
    /// their lists shrunk to fit: a map of half-KiB accounts inline would move them all at
    /// each growth and keep an eighth of its slots empty.
    pub fn from_parts(
        tenant: TenantId,
        settings: TenantSettings,
        accounts: impl IntoIterator<Item = impl Into<Box<Account>>>,
        outcomes: Vec<OutcomeEvent>,
    ) -> Self {
        let mut book = Book::new(tenant);
        book.settings = settings;
        let accounts = accounts.into_iter();
        book.accounts.reserve(accounts.size_hint().0);
        for account in accounts {
            let mut account = account.into();
            account.shrink_to_fit();
            book.index_lookups(&account);
            book.accounts.insert(account.id, account);
        }
        book.ranking = ArrRanking::new(book.active().map(|a| a.arr));
        book.outcomes = outcomes;
        book
    }

    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.accounts.get(&id).map(Box::as_ref)
    }

    /// Every account, churned ones included, in no particular order.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values().map(Box::as_ref)
    }

    /// Active accounts, in no particular order.
    pub fn active(&self) -> impl Iterator<Item = &Account> {
        self.accounts
            .values()
            .map(Box::as_ref)
            .filter(|a| a.is_active())
    }

    pub fn outcomes(&self) -> &[OutcomeEvent] {
        &self.outcomes
    }

    /// The account with exactly this name (any case).
    pub fn by_name(&self, name: &str) -> Option<&Account> {
        self.by_name
            .get(&name.to_lowercase())
            .and_then(|id| self.account(*id))
    }

    /// Finds an account by name, or says which names come closest.
    pub fn find(&self, name: &str) -> Result<&Account, DomainError> {
        self.by_name(name).ok_or_else(|| DomainError::NotFound {
            what: "account",
            name: name.to_string(),
            suggestions: suggestion_text(&self.closest_names(name, 3)),
        })
    }

    /// Up to `n` account names closest to `name`: prefix and substring matches first, then
    /// by Jaro-Winkler similarity.
    pub fn closest_names(&self, name: &str, n: usize) -> Vec<String> {
        let wanted = name.to_lowercase();
        let mut scored: Vec<(f64, &str)> = self
            .accounts
            .values()
            .map(|a| {
                let lower = a.name.to_lowercase();
                let bonus = if lower.starts_with(&wanted) {
                    2.0
                } else if lower.contains(&wanted) {
                    1.0
                } else {
                    0.0
                };
                (
                    bonus + strsim::jaro_winkler(&wanted, &lower),
                    a.name.as_str(),
                )
            })
            .filter(|(score, _)| *score >= 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored
            .into_iter()
            .take(n)
            .map(|(_, name)| name.to_string())
            .collect()
    }

    /// Active accounts renewing on or after `from` and on or before `to`, by date.
    pub fn renewing_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = &Account> {
        self.by_renewal
            .range((from, AccountId(0))..=(to, AccountId(u64::MAX)))
            .filter_map(|(_, id)| self.account(*id))
    }

    /// The account's tier and how it was decided.
    pub fn tier(&self, account: &Account) -> (Tier, TierSource) {
        self.ranking
            .tier(account.arr, open_value(account), account.tier_pin)
    }

    /// The account holding opportunity `id`.
    pub fn opportunity_account(&self, id: u32) -> Option<&Account> {
        self.opportunities.get(&id).and_then(|a| self.account(*a))
    }

    /// The account a customer channel is linked to.
    pub fn channel_account(&self, channel: &str) -> Option<&Account> {
        self.by_channel
            .get(channel)
            .and_then(|id| self.account(*id))
    }

    /// The next free tenant-wide opportunity id.
    pub fn next_opportunity_id(&self) -> u32 {
        self.opportunities.keys().max().copied().unwrap_or(0) + 1
    }

    /// The tier `account` would have once stored (it may be new, or have a changed ARR).
    pub fn tier_if_stored(&self, account: &Account) -> (Tier, TierSource) {
        let stored = self.account(account.id);
        if stored.is_some_and(|s| s.arr == account.arr && s.is_active()) {
            return self.tier(account);
        }
        let mut ranking = self.ranking.clone();
        if let Some(old) = stored.filter(|s| s.is_active()) {
            ranking.remove(old.arr);
        }
        ranking.insert(account.arr);
        ranking.tier(account.arr, open_value(account), account.tier_pin)
    }

    /// The next free account id: above every account's, and above every id used before.
    pub fn next_account_id(&self) -> AccountId {
        let highest = self.accounts.keys().map(|id| id.0).max().unwrap_or(0);
        AccountId(highest.max(self.used_ids_through) + 1)
    }

    /// Marks account ids up to `id` as used (the store finds them in the audit trail).
    pub fn reserve_ids_through(&mut self, id: u64) {
        self.used_ids_through = self.used_ids_through.max(id);
    }

    /// The write key named `name` (any case).
    pub fn write_key(&self, name: &str) -> Option<&WriteKeyRecord> {
        self.write_keys.get(&name.to_lowercase())
    }

    /// Every write key, by name.
    pub fn write_keys(&self) -> impl Iterator<Item = &WriteKeyRecord> {
        self.write_keys.values()
    }

    /// Adds stored write keys to a book being loaded.
    pub fn load_write_keys(&mut self, records: Vec<WriteKeyRecord>) {
        for record in records {
            self.write_keys.insert(record.name.to_lowercase(), record);
        }
    }

    /// How many changes have been applied to this book (caches compare it).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Takes on `fresh` (the book read again from the database) in place. Counted as a
    /// change, so what compares [`Book::generation`] (a cache, a recompute deciding under a
    /// shared lock) looks again.
    pub fn replace_with(&mut self, fresh: Book) {
        let generation = self.generation + 1;
        *self = fresh;
        self.generation = generation;
    }

    /// Takes on the outcome events as stored, after another replica changed them. Counted as
    /// a change, like [`Book::apply`].
    pub fn replace_outcomes(&mut self, outcomes: Vec<OutcomeEvent>) {
        self.generation += 1;
        self.outcomes = outcomes;
    }

    /// Applies a change that the store has made durable.
    pub fn apply(&mut self, change: Change) {
        self.generation += 1;
        match change {
            Change::PutAccount(account) => {
                self.unindex(account.id);
                self.index(&account);
                self.accounts.insert(account.id, account);
            }
            Change::RemoveAccount(id) => {
                self.unindex(id);
                self.accounts.remove(&id);
                self.reserve_ids_through(id.0);
            }
            Change::PutSettings(settings) => self.settings = settings,
            Change::AddOutcome(event) => self.outcomes.push(event),
            Change::RemoveOutcome(event) => {
                if let Some(i) = self.outcomes.iter().rposition(|e| *e == event) {
                    self.outcomes.remove(i);
                }
            }
            Change::PutWriteKey(record) => {
                self.write_keys.insert(record.name.to_lowercase(), record);
            }
            Change::RevokeWriteKey(name) => {
                self.write_keys.remove(&name.to_lowercase());
            }
            Change::PutZendeskSecret(_) => {}
        }
    }

    fn index(&mut self, account: &Account) {
        self.index_lookups(account);
        if account.is_active() {
            self.ranking.insert(account.arr);
        }
    }

    /// Every index but the ARR ranking.
    fn index_lookups(&mut self, account: &Account) {
        self.by_name.insert(account.name.to_lowercase(), account.id);
        self.outside.insert(account);
        for c in &account.channels {
            self.by_channel.insert(c.clone(), account.id);
        }
        for o in &account.opportunities {
            self.opportunities.insert(o.id, account.id);
        }
        if account.is_active() {
            self.by_renewal.insert((account.renewal_date, account.id));
        }
    }

    fn unindex(&mut self, id: AccountId) {
        if let Some(old) = self.accounts.get(&id) {
            self.by_name.remove(&old.name.to_lowercase());
            self.outside.remove(old);
            for c in &old.channels {
                self.by_channel.remove(c);
            }
            for o in &old.opportunities {
                self.opportunities.remove(&o.id);
            }
            if old.is_active() {
                self.by_renewal.remove(&(old.renewal_date, id));
                self.ranking.remove(old.arr);
            }
        }
    }
}

/// `" Did you mean: A, B?"`, or where to find the names.
pub fn suggestion_text(names: &[String]) -> String {
    if names.is_empty() {
        " See the names with `/account list`. Example: /account show \"Acme Corp\"".into()
    } else {
        format!(" Did you mean: {}?", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Money;
    use chrono::{TimeZone, Utc};

    fn account(id: u64, name: &str, arr: u64, month: u32) -> Account {
        let now = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("valid");
        let date = NaiveDate::from_ymd_opt(2026, month, 1).expect("valid");
        Account::new(AccountId(id), name.into(), Money(arr), date, now)
    }

    fn book() -> Book {
        let mut book = Book::new(TenantId::local());
        for a in [
            account(1, "Acme Corp", 50_000, 3),
            account(2, "Globex", 90_000, 5),
            account(3, "Initech", 10_000, 9),
        ] {
            book.apply(Change::PutAccount(Box::new(a)));
        }
        book
    }

    #[test]
    fn a_book_read_again_in_place_counts_as_a_change() {
        let mut b = book();
        let before = b.generation();
        let mut fresh = book();
        fresh.apply(Change::RemoveAccount(AccountId(1)));
        b.replace_with(fresh);
        assert!(
            b.generation() > before,
            "caches keyed by the generation look again"
        );
        assert!(
            b.account(AccountId(1)).is_none(),
            "the fresh state is taken on"
        );
    }

    #[test]
    fn finds_by_name_any_case_and_suggests() {
        let b = book();
        assert_eq!(b.find("acme corp").map(|a| a.id), Ok(AccountId(1)));
        let err = b.find("Acmee").expect_err("typo").to_string();
        assert!(err.contains("Did you mean: Acme Corp?"), "{err}");
        assert_eq!(b.closest_names("glob", 3), ["Globex"]);
    }

    #[test]
    fn renewal_index_follows_changes() {
        let mut b = book();
        let from = NaiveDate::from_ymd_opt(2026, 2, 1).expect("valid");
        let to = NaiveDate::from_ymd_opt(2026, 6, 1).expect("valid");
        let names = |b: &Book| {
            b.renewing_between(from, to)
                .map(|a| a.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&b), ["Acme Corp", "Globex"]);
        let mut moved = b.account(AccountId(1)).expect("exists").clone();
        moved.renewal_date = NaiveDate::from_ymd_opt(2026, 12, 1).expect("valid");
        moved.name = "Acme Inc".into();
        b.apply(Change::PutAccount(Box::new(moved)));
        assert_eq!(names(&b), ["Globex"]);
        assert!(b.by_name("Acme Corp").is_none());
        assert!(b.by_name("ACME INC").is_some());
        b.apply(Change::RemoveAccount(AccountId(2)));
        assert!(names(&b).is_empty());
        assert_eq!(b.next_account_id(), AccountId(4));
        b.apply(Change::RemoveAccount(AccountId(3)));
        assert_eq!(
            b.next_account_id(),
            AccountId(4),
            "a removed account's id is never reused"
        );
    }
}
