//! Purpose: a tenant's intake tables in memory — the user and event-name tables rollups
//! index into, and which accounts each user is linked to — loaded from the database on first
//! use, with the names added since the last commit staged for the next one.

use std::collections::HashMap;

use crate::domain::account::AccountId;
use crate::domain::signals::Interner;
use crate::domain::tenant::TenantId;
use crate::store::backend::{Backend, Swap, WriteBatch};
use crate::store::durable::Unflushed;
use crate::store::{keys, Store, StoreError};

pub(in crate::store) struct Tables {
    pub users: Interner,
    pub events: Interner,
    /// User index → the accounts it is linked to.
    links: HashMap<u32, Vec<AccountId>>,
    /// Table lengths as stored: names past them are new.
    saved_users: usize,
    saved_events: usize,
    /// How many unmatched ids are stored.
    pub unmatched_ids: usize,
    /// Pending message-id records already copied (see `pending`), not yet flushed there.
    pub copied: Vec<Vec<u8>>,
    /// Pending message-id records whose copies were flushed: deleted by the next commit.
    pub flushed: Vec<Vec<u8>>,
    /// The tenant's intake generation these tables were read at (shared backends; see
    /// `Store::ingest`).
    pub generation: Option<Vec<u8>>,
}

impl Store {
    /// Applies an intake commit; on a shared backend guarded by the intake generation the
    /// tables were read at, and moving it on ([`StoreError::Conflict`]: nothing written).
    pub(super) fn apply_intake(
        &self,
        tenant: &TenantId,
        tables: &mut Tables,
        batch: WriteBatch,
    ) -> Result<Unflushed, StoreError> {
        if !self.backend.shared() {
            return self.apply_before_flush(batch);
        }
        let new = self.backend.generate_id()?.to_be_bytes().to_vec();
        let swap = Swap {
            key: keys::intake_generation(tenant),
            expected: tables.generation.clone(),
            new: new.clone(),
        };
        if !self.backend.apply_if(batch, swap)? {
            return Err(StoreError::Conflict);
        }
        tables.generation = Some(new);
        Ok(Unflushed::durable())
    }
}

impl Tables {
    pub fn load(backend: &dyn Backend, tenant: &TenantId) -> Result<Tables, StoreError> {
        // Read first: a commit landing during the load leaves the tables marked older than
        // they are (read again), never newer.
        let generation = match backend.shared() {
            true => backend.get(&keys::intake_generation(tenant))?,
            false => None,
        };
        let users = table(backend, &keys::ingest_users(tenant))?;
        let events = table(backend, &keys::ingest_events(tenant))?;
        let mut links: HashMap<u32, Vec<AccountId>> = HashMap::new();
        let prefix = keys::ingest_links(tenant);
        for (key, _) in backend.scan_prefix(&prefix)? {
            let (user, account) = parse_link(&key[prefix.len()..])
                .ok_or_else(|| corrupt(&key, "a user and an account in hex"))?;
            links.entry(user).or_default().push(account);
        }
        let unmatched_ids = backend.count_prefix(&keys::unmatched_all(tenant))?;
        Ok(Tables {
            saved_users: users.len(),
            saved_events: events.len(),
            users,
            events,
            links,
            unmatched_ids,
            copied: Vec::new(),
            flushed: Vec::new(),
            generation,
        })
    }

    /// The user and event-name tables as names in index order, and every link as
    /// `(user, account)`, by user then account: what an export holds of them.
    pub fn into_lists(self) -> (Vec<String>, Vec<String>, Vec<(u32, AccountId)>) {
        let mut links: Vec<(u32, AccountId)> = self
            .links
            .into_iter()
            .flat_map(|(user, accounts)| accounts.into_iter().map(move |a| (user, a)))
            .collect();
        links.sort_unstable();
        (self.users.into(), self.events.into(), links)
    }

    /// The accounts user `user` is linked to.
    pub fn linked(&self, user: u32) -> &[AccountId] {
        self.links.get(&user).map_or(&[], Vec::as_slice)
    }

    /// Links `user` to `account`, staging the link when it is new.
    pub fn link(
        &mut self,
        tenant: &TenantId,
        user: u32,
        account: AccountId,
        batch: &mut WriteBatch,
    ) {
        let accounts = self.links.entry(user).or_default();
        if !accounts.contains(&account) {
            accounts.push(account);
            batch.put(keys::ingest_link(tenant, user, account), Vec::new());
        }
    }

    /// Stages the names added to the tables since they were last saved.
    pub fn stage_new_names(&self, tenant: &TenantId, batch: &mut WriteBatch) {
        stage_names(batch, &self.users, self.saved_users, |i| {
            keys::ingest_user(tenant, i)
        });
        stage_names(batch, &self.events, self.saved_events, |i| {
            keys::ingest_event(tenant, i)
        });
    }

    /// The staged names are durable now.
    pub fn saved(&mut self) {
        self.saved_users = self.users.len();
        self.saved_events = self.events.len();
    }
}

/// Stages the names of `table` from index `from` on.
fn stage_names(
    batch: &mut WriteBatch,
    table: &Interner,
    from: usize,
    key: impl Fn(u32) -> Vec<u8>,
) {
    for i in from..table.len() {
        let Ok(i) = u32::try_from(i) else { break };
        if let Some(name) = table.name(i) {
            batch.put(key(i), name.as_bytes().to_vec());
        }
    }
}

/// A table stored one name per key, keys in index order from 0.
fn table(backend: &dyn Backend, prefix: &[u8]) -> Result<Interner, StoreError> {
    let mut names = Vec::new();
    for (key, value) in backend.scan_prefix(prefix)? {
        let index = std::str::from_utf8(&key[prefix.len()..])
            .ok()
            .and_then(|hex| usize::from_str_radix(hex, 16).ok());
        if index != Some(names.len()) {
            return Err(corrupt(&key, "consecutive indexes from 0"));
        }
        let name = String::from_utf8(value).map_err(|_| corrupt(&key, "a UTF-8 name"))?;
        names.push(name);
    }
    Ok(Interner::from(names))
}

/// `{user:08x}\0{account:016x}`.
fn parse_link(rest: &[u8]) -> Option<(u32, AccountId)> {
    let text = std::str::from_utf8(rest).ok()?;
    let (user, account) = text.split_once('\0')?;
    Some((
        u32::from_str_radix(user, 16).ok()?,
        AccountId(u64::from_str_radix(account, 16).ok()?),
    ))
}

fn corrupt(key: &[u8], expected: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "intake record {} is not {expected}",
        String::from_utf8_lossy(key)
    ))
}
