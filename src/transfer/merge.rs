//! Purpose: merging CSV rows into accounts — the one with the row's crm id, else the one with
//! the same name (any case), else a new account — recording one audit entry per row, and
//! staging everything changed since the last flush as one batch. Accounts the file touched
//! recently stay in `work`, so a later row (another stakeholder of the same account) builds on
//! the earlier ones; once their batch is durable they leave it and a later row reads them back
//! from the database, so memory follows a batch, not the file. The book is read, never cloned.
//! A crm id names one account: a row giving another account's name with a crm id used
//! earlier in the file, or a crm id other than the one its name-matched account has, is
//! rejected.

use chrono::NaiveDate;
use std::collections::{BTreeSet, HashMap, HashSet};

use super::columns::{Columns, Field};
use super::row::{Contact, Row};
use super::{ImportRequest, Summary};
use crate::domain::account::{Account, AccountId};
use crate::domain::audit::{AuditEntry, FieldChange};
use crate::domain::book::Book;
use crate::domain::outside_id::CrmId;
use crate::domain::person::Person;
use crate::domain::stakeholder::{Role, Stakeholder};
use crate::store::bulk::BulkBatch;
use crate::store::{Store, StoreError};

/// The state of one import.
pub struct Run<'a> {
    book: &'a Book,
    store: &'a Store,
    request: &'a ImportRequest<'a>,
    command: String,
    today: NaiveDate,
    next_id: u64,
    /// Accounts this file created, by lower-case name.
    names: HashMap<String, AccountId>,
    /// Each crm id the file gave: its account, and the first valid row that gave it.
    crm_ids: HashMap<CrmId, FirstUse>,
    /// The current state of the accounts the file touched in the last two batches.
    work: HashMap<AccountId, Account>,
    /// Accounts changed since the last flush, and their audit entries.
    dirty: BTreeSet<AccountId>,
    /// Accounts a valid row named since the last flush.
    touched: BTreeSet<AccountId>,
    /// The accounts touched before the last flush, and before the one before it (in id order).
    recent: [Vec<AccountId>; 2],
    /// Accounts this import let go of from `work`: the database has their current state (the
    /// book has none, or an older one).
    written: HashSet<AccountId>,
    audit: Vec<AuditEntry>,
    /// Existing accounts matched by a valid row.
    matched: HashSet<AccountId>,
    pub summary: Summary,
    /// The first batch also drops the actor's undo plan.
    first_batch: bool,
}

impl<'a> Run<'a> {
    pub fn new(
        book: &'a Book,
        store: &'a Store,
        request: &'a ImportRequest<'a>,
        today: NaiveDate,
        first_id: AccountId,
    ) -> Self {
        Run {
            book,
            store,
            request,
            command: format!("import {}", request.file.display()),
            today,
            next_id: first_id.0,
            names: HashMap::new(),
            crm_ids: HashMap::new(),
            work: HashMap::new(),
            dirty: BTreeSet::new(),
            touched: BTreeSet::new(),
            recent: [Vec::new(), Vec::new()],
            written: HashSet::new(),
            audit: Vec::new(),
            matched: HashSet::new(),
            summary: Summary::default(),
            first_batch: true,
        }
    }
}

impl Run<'_> {
    /// Merges a valid row into its account; `Err` only when a new account lacks ARR or date.
    pub fn apply(&mut self, line: u64, row: Row, columns: &Columns) -> Result<(), String> {
        let key = row.name.to_lowercase();
        let existing = self.matching(&row, &key, columns)?;
        let first_use = row.crm_id.clone().filter(|c| !self.crm_ids.contains_key(c));
        let (mut account, mut changes) = match existing {
            Some(id) => match self.take_current(id)? {
                Some(account) => (account, Vec::new()),
                None => {
                    return Err(format!(
                        "account \"{}\" vanished during the import",
                        row.name
                    ))
                }
            },
            None => {
                let needs = |name, field, example| {
                    format!("{name}: is empty, and a new account needs it. Example: {example} (column \"{}\")", columns.header(field))
                };
                let arr = row.arr.ok_or_else(|| needs("arr", Field::Arr, "50k"))?;
                let renewal = row
                    .renewal
                    .ok_or_else(|| needs("renewal", Field::Renewal, "2027-03-31"))?;
                let account = Account::new(
                    AccountId(self.next_id),
                    row.name.clone(),
                    arr,
                    renewal,
                    self.request.now,
                );
                let created = [
                    ("name", account.name.clone()),
                    ("arr", arr.0.to_string()),
                    ("renewal_date", renewal.to_string()),
                ];
                (
                    account,
                    created
                        .into_iter()
                        .map(|(f, v)| change(f, String::new(), v))
                        .collect(),
                )
            }
        };
        let row_name = row.name.clone();
        merge(&mut account, row, self.today, &mut changes);
        let id = account.id;
        if let Some(crm) = first_use {
            self.crm_ids.insert(
                crm,
                FirstUse {
                    account: id,
                    line,
                    name: row_name,
                },
            );
        }
        if existing.is_none() {
            self.next_id += 1;
            self.names.insert(key, id);
            self.summary.imported += 1;
        } else if self.book.account(id).is_some() && self.matched.insert(id) {
            self.summary.updated += 1;
        }
        if !changes.is_empty() {
            account.updated_at = self.request.now;
            self.dirty.insert(id);
            self.audit.push(AuditEntry {
                at: self.request.now,
                actor: self.request.actor.clone(),
                command: format!("{} line {line}", self.command),
                account: Some(id),
                account_name: account.name.clone(),
                changes,
            });
        }
        self.work.insert(id, account);
        self.touched.insert(id);
        Ok(())
    }

    /// The account a row is about: the one with its crm id, else the one with its name;
    /// `Err` when the crm id contradicts the file or the name-matched account.
    fn matching(
        &self,
        row: &Row,
        key: &str,
        columns: &Columns,
    ) -> Result<Option<AccountId>, String> {
        let column = columns.header(Field::CrmId);
        if let Some(crm) = &row.crm_id {
            if let Some(first) = self.crm_ids.get(crm) {
                if first.name.to_lowercase() != key {
                    return Err(format!(
                        "crm id: \"{crm}\" is already on line {} for \"{}\"; a crm id names one account (column \"{column}\")",
                        first.line, first.name
                    ));
                }
                return Ok(Some(first.account));
            }
            if let Some(holder) = self.book.by_crm_id(crm) {
                return Ok(Some(holder.id));
            }
        }
        let by_name = self
            .names
            .get(key)
            .copied()
            .or_else(|| self.book.by_name(&row.name).map(|a| a.id));
        if let (Some(crm), Some(id)) = (&row.crm_id, by_name) {
            let account = match self.written.contains(&id) {
                true => self.read_back(id)?.map(std::borrow::Cow::Owned),
                false => self
                    .work
                    .get(&id)
                    .or_else(|| self.book.account(id))
                    .map(std::borrow::Cow::Borrowed),
            };
            if let Some((name, held)) = account
                .as_deref()
                .and_then(|a| Some((&a.name, a.crm_id.as_ref()?)))
            {
                return Err(format!(
                    "crm id: \"{crm}\" is not the crm id of \"{name}\", which this row's name matches: that is \"{held}\"; a crm id names one account (column \"{column}\")"
                ));
            }
        }
        Ok(by_name)
    }

    /// The current state of account `id`, taken out of `work` (or read): `work` first, then
    /// the database for an account this import wrote and let go, then the book.
    fn take_current(&mut self, id: AccountId) -> Result<Option<Account>, String> {
        if let Some(account) = self.work.remove(&id) {
            return Ok(Some(account));
        }
        if !self.written.contains(&id) {
            return Ok(self.book.account(id).cloned());
        }
        let account = self.read_back(id)?;
        self.written.remove(&id);
        Ok(account)
    }

    /// An account this import wrote, as the database has it.
    fn read_back(&self, id: AccountId) -> Result<Option<Account>, String> {
        self.store
            .stored_account(self.request.tenant, id)
            .map_err(|e| format!("could not read back account {}: {e}", id.0))
    }

    /// Encodes everything changed since the last batch into a new one. The accounts touched
    /// two batches ago and not since leave `work`: their batch is durable by now, as the
    /// import acknowledges each batch before it sends the next (one in flight at most).
    pub fn stage(&mut self) -> Result<BulkBatch, StoreError> {
        let (store, tenant) = (self.store, self.request.tenant);
        let mut batch = BulkBatch::default();
        if std::mem::take(&mut self.first_batch) {
            store.stage_forget_undo(&mut batch, tenant, self.request.actor);
        }
        for id in std::mem::take(&mut self.dirty) {
            if let Some(account) = self.work.get(&id) {
                store.stage_account(&mut batch, tenant, account)?;
            }
        }
        store.stage_audits(&mut batch, tenant, std::mem::take(&mut self.audit))?;
        let touched = std::mem::take(&mut self.touched).into_iter().collect();
        let [two_ago, last] = std::mem::replace(&mut self.recent, [Vec::new(), touched]);
        self.recent[0] = last;
        let since = |id: &AccountId| self.recent.iter().any(|r| r.binary_search(id).is_ok());
        for id in two_ago.iter().filter(|id| !since(id)) {
            if self.work.remove(id).is_some() {
                self.written.insert(*id);
            }
        }
        Ok(batch)
    }
}

/// Where the file first gave a crm id.
struct FirstUse {
    account: AccountId,
    line: u64,
    /// The account name on that row, as written.
    name: String,
}

fn change(field: &str, before: String, after: String) -> FieldChange {
    FieldChange {
        field: field.to_string(),
        before,
        after,
    }
}

/// Sets `slot` to `value` when it differs, recording the change.
fn set<T: PartialEq>(
    changes: &mut Vec<FieldChange>,
    field: &str,
    slot: &mut T,
    value: T,
    show: fn(&T) -> String,
) {
    if *slot != value {
        changes.push(change(field, show(slot), show(&value)));
        *slot = value;
    }
}

fn show_opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn show_person(person: &Option<Person>) -> String {
    match person {
        Some(Person::User(id)) => format!("@{id}"),
        Some(Person::Named(name)) => name.clone(),
        None => String::new(),
    }
}

/// Applies the row's non-empty cells to `account` (the name keeps its stored spelling).
fn merge(account: &mut Account, row: Row, today: NaiveDate, changes: &mut Vec<FieldChange>) {
    if let Some(arr) = row.arr {
        set(changes, "arr", &mut account.arr, arr, |m| m.0.to_string());
    }
    if let Some(date) = row.renewal {
        set(
            changes,
            "renewal_date",
            &mut account.renewal_date,
            date,
            ToString::to_string,
        );
    }
    if row.owner.is_some() {
        set(changes, "owner", &mut account.owner, row.owner, show_person);
    }
    if row.tier.is_some() {
        set(changes, "tier_pin", &mut account.tier_pin, row.tier, |t| {
            show_opt(&t.map(|t| t.number()))
        });
    }
    for (field, slot, value) in [
        ("industry", &mut account.industry, row.industry),
        ("segment", &mut account.segment, row.segment),
    ] {
        if value.is_some() {
            set(changes, field, slot, value, show_opt);
        }
    }
    if row.seats.is_some() {
        set(changes, "seats", &mut account.seats, row.seats, show_opt);
    }
    if let Some(products) = row.products {
        set(changes, "products", &mut account.products, products, |p| {
            p.join(", ")
        });
    }
    if row.crm_id.is_some() {
        set(changes, "crm_id", &mut account.crm_id, row.crm_id, show_opt);
    }
    if row.domain.is_some() {
        set(changes, "domain", &mut account.domain, row.domain, show_opt);
    }
    if let Some(contact) = row.contact {
        add_contact(account, contact, today, changes);
    }
}

/// Adds the row's stakeholder, or updates the role, title and e-mail of one already mapped.
fn add_contact(
    account: &mut Account,
    contact: Contact,
    today: NaiveDate,
    changes: &mut Vec<FieldChange>,
) {
    let path = format!("stakeholders[{}]", contact.name);
    match account.stakeholder_index(&contact.name) {
        Some(i) => {
            let person = &mut account.stakeholders[i];
            if let Some(role) = contact.role {
                set(
                    changes,
                    &format!("{path}.role"),
                    &mut person.role,
                    role,
                    |r| r.name().to_string(),
                );
            }
            if contact.title.is_some() {
                set(
                    changes,
                    &format!("{path}.title"),
                    &mut person.title,
                    contact.title,
                    show_opt,
                );
            }
            if contact.email.is_some() {
                set(
                    changes,
                    &format!("{path}.email"),
                    &mut person.email,
                    contact.email,
                    show_opt,
                );
            }
        }
        None => {
            // A CRM contact without a role is a low-influence influencer until told otherwise.
            let mut person = Stakeholder::new(
                contact.name,
                contact.role.unwrap_or(Role::Influencer),
                today,
            );
            person.title = contact.title;
            person.email = contact.email;
            let title = person
                .title
                .as_ref()
                .map(|t| format!(", title={t}"))
                .unwrap_or_default();
            let email = person
                .email
                .as_ref()
                .map(|e| format!(", email={e}"))
                .unwrap_or_default();
            changes.push(change(
                &path,
                String::new(),
                format!("role={}{title}{email}", person.role.name()),
            ));
            account.stakeholders.push(person);
        }
    }
}
