//! Purpose: a tenant's received data as a Steward JSON export carries it ([`IntakeRecords`]) —
//! read from the database for `steward export`, checked against the export's accounts, and
//! staged into the restore's one atomic batch by `steward import`.
//!
//! What travels: the user and event-name tables (names in index order; links, e-mails and
//! rollups refer to them by index), links as `[user, account]`, each account's seats trait
//! and freshness, each user's e-mail, the unmatched ids with their counts, and every day
//! rollup as `{ "account": 7, "day": "2026-11-01", "data": "<base64>" }`, the bytes of
//! [`DayRollup::encode`]. What does not: message ids (kept two weeks only to recognise
//! retries, so a retry of a message received before the export is counted again if it arrives
//! after a restore) and the hourly intake counts (`/steward ingest status` looks back 7 days;
//! a restored tenant counts afresh).

use std::borrow::Cow;
use std::collections::HashSet;

use base64::display::Base64Display;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::NaiveDate;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use super::tables::Tables;
use crate::domain::account::AccountId;
use crate::domain::signals::{DayRollup, Freshness, RollupError, SeatsTrait, Unmatched};
use crate::domain::tenant::TenantId;
use crate::store::backend::{Backend, WriteBatch};
use crate::store::record::{decode, encode};
use crate::store::{keys, Store, StoreError};

/// A tenant's received data, as an export holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntakeRecords {
    /// The user table: user ids in index order.
    pub users: Vec<String>,
    /// The event-name table: event names in index order.
    pub events: Vec<String>,
    /// `[user index, account id]`, by user then account.
    pub links: Vec<(u32, AccountId)>,
    /// By account.
    pub seats: Vec<AccountSeats>,
    /// By user.
    pub emails: Vec<UserEmail>,
    /// By account.
    pub freshness: Vec<AccountFreshness>,
    /// Most frequent first.
    pub unmatched: Vec<UnmatchedId>,
    /// By account, then day.
    pub rollups: Vec<RollupRecord>,
}

/// The seats a group call last gave for an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSeats {
    pub account: AccountId,
    #[serde(flatten)]
    pub traits: SeatsTrait,
}

/// A user's e-mail from identify traits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserEmail {
    /// Index in the user table.
    pub user: u32,
    pub email: String,
}

/// The newest event of each kind received for an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFreshness {
    pub account: AccountId,
    #[serde(flatten)]
    pub newest: Freshness,
}

/// An id no account matched, with how often and when it was last seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmatchedId {
    pub id: String,
    #[serde(flatten)]
    pub seen: Unmatched,
}

/// One account's day rollup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollupRecord {
    pub account: AccountId,
    pub day: NaiveDate,
    /// The bytes of [`DayRollup::encode`]; base64 in JSON.
    #[serde(serialize_with = "base64_text")]
    pub data: Vec<u8>,
}

/// Writes the base64 text straight into the output, with no string of its own.
fn base64_text<S: Serializer>(bytes: &[u8], out: S) -> Result<S::Ok, S::Error> {
    out.collect_str(&Base64Display::new(bytes, &STANDARD))
}

impl<'de> Deserialize<'de> for RollupRecord {
    /// Decodes the base64 as it is read (borrowed from the input where it can be), so only the
    /// bytes are kept; bad base64 is an error naming the rollup's account and day.
    fn deserialize<D: Deserializer<'de>>(input: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Written<'a> {
            account: AccountId,
            day: NaiveDate,
            #[serde(borrow)]
            data: Cow<'a, str>,
        }
        let written = Written::deserialize(input)?;
        let data = STANDARD.decode(written.data.as_bytes()).map_err(|e| {
            D::Error::custom(format_args!(
                "the rollup of account {} on {}: \"data\" is not base64 ({e})",
                written.account.0, written.day
            ))
        })?;
        Ok(RollupRecord {
            account: written.account,
            day: written.day,
            data,
        })
    }
}

/// Why received data in an export cannot be restored; each names the entry.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IntakeError {
    #[error("{entry} names account {account}, which is not among the export's accounts")]
    UnknownAccount { entry: String, account: u64 },
    #[error("{entry} names user {index}, past the end of the user table ({len} users)")]
    UnknownUser {
        entry: String,
        index: u32,
        len: usize,
    },
    #[error("{entry} names event {index}, past the end of the event table ({len} names)")]
    UnknownEvent {
        entry: String,
        index: u32,
        len: usize,
    },
    #[error("{entry} does not decode: {source}")]
    Undecodable { entry: String, source: RollupError },
    #[error("{entry} holds the rollup of {found}")]
    WrongDay { entry: String, found: NaiveDate },
}

impl IntakeRecords {
    /// Whether every entry names an account in `accounts` and indexes within the tables, and
    /// every rollup decodes to its own day: what a restore needs, checked before it writes.
    pub fn check(&self, accounts: &HashSet<AccountId>) -> Result<(), IntakeError> {
        let known = Known {
            accounts,
            users: self.users.len(),
            events: self.events.len(),
        };
        for &(user, account) in &self.links {
            let entry = || format!("link [{user}, {}]", account.0);
            known.user(user, entry)?;
            known.account(account, entry)?;
        }
        for e in &self.emails {
            known.user(e.user, || format!("the e-mail of user {}", e.user))?;
        }
        for s in &self.seats {
            known.account(s.account, || {
                format!("the seats of account {}", s.account.0)
            })?;
        }
        for f in &self.freshness {
            let entry = || format!("the freshness of account {}", f.account.0);
            known.account(f.account, entry)?;
        }
        for (i, r) in self.rollups.iter().enumerate() {
            let entry = || format!("rollup {i} (account {}, {})", r.account.0, r.day);
            known.account(r.account, entry)?;
            let rollup = DayRollup::decode(&r.data).map_err(|source| IntakeError::Undecodable {
                entry: entry(),
                source,
            })?;
            if rollup.day != r.day {
                return Err(IntakeError::WrongDay {
                    entry: entry(),
                    found: rollup.day,
                });
            }
            for user in rollup.active_users() {
                known.user(user, entry)?;
            }
            for (user, _, _) in rollup.survey_answers() {
                known.user(user, entry)?;
            }
            for (event, _) in rollup.event_counts() {
                known.event(event, entry)?;
            }
        }
        Ok(())
    }

    /// Keeps only what concerns `accounts` (links, seats, freshness, rollups): an export
    /// leaves out the received data of accounts removed since, which it no longer holds.
    pub fn retain_accounts(&mut self, accounts: &HashSet<AccountId>) {
        self.links.retain(|(_, a)| accounts.contains(a));
        self.seats.retain(|s| accounts.contains(&s.account));
        self.freshness.retain(|f| accounts.contains(&f.account));
        self.rollups.retain(|r| accounts.contains(&r.account));
    }

    /// Stages the records into a restore's batch, as [`Store::ingest`] would have stored them.
    /// Check them first ([`IntakeRecords::check`]). Taken by value: each rollup's bytes move
    /// into the batch.
    pub(in crate::store) fn stage(
        self,
        tenant: &TenantId,
        batch: &mut WriteBatch,
    ) -> Result<(), StoreError> {
        for (name, i) in self.users.into_iter().zip(0u32..) {
            batch.put(keys::ingest_user(tenant, i), name.into_bytes());
        }
        for (name, i) in self.events.into_iter().zip(0u32..) {
            batch.put(keys::ingest_event(tenant, i), name.into_bytes());
        }
        for (user, account) in self.links {
            batch.put(keys::ingest_link(tenant, user, account), Vec::new());
        }
        for s in self.seats {
            batch.put(keys::ingest_seats(tenant, s.account), encode(&s.traits)?);
        }
        for e in self.emails {
            batch.put(keys::ingest_email(tenant, e.user), e.email.into_bytes());
        }
        for f in self.freshness {
            batch.put(keys::freshness(tenant, f.account), encode(&f.newest)?);
        }
        for u in self.unmatched {
            batch.put(keys::unmatched(tenant, &u.id), encode(&u.seen)?);
        }
        for r in self.rollups {
            batch.put(keys::rollup(tenant, r.account, r.day), r.data);
        }
        Ok(())
    }
}

/// What the entries of an export may refer to.
struct Known<'a> {
    accounts: &'a HashSet<AccountId>,
    users: usize,
    events: usize,
}

impl Known<'_> {
    fn account(&self, id: AccountId, entry: impl Fn() -> String) -> Result<(), IntakeError> {
        if self.accounts.contains(&id) {
            return Ok(());
        }
        Err(IntakeError::UnknownAccount {
            entry: entry(),
            account: id.0,
        })
    }

    fn user(&self, index: u32, entry: impl Fn() -> String) -> Result<(), IntakeError> {
        if (index as usize) < self.users {
            return Ok(());
        }
        Err(IntakeError::UnknownUser {
            entry: entry(),
            index,
            len: self.users,
        })
    }

    fn event(&self, index: u32, entry: impl Fn() -> String) -> Result<(), IntakeError> {
        if (index as usize) < self.events {
            return Ok(());
        }
        Err(IntakeError::UnknownEvent {
            entry: entry(),
            index,
            len: self.events,
        })
    }
}

impl Store {
    /// The tenant's received data, as an export holds it. Holds the tenant's intake lock, so a
    /// delivery in this process cannot commit halfway through the read (deliveries wait for
    /// it). Rollups are read one account at a time: besides the result, the read holds at
    /// most one account's.
    pub fn intake_records(&self, tenant: &TenantId) -> Result<IntakeRecords, StoreError> {
        let slot = {
            let mut intake = self.intake.lock().unwrap_or_else(|p| p.into_inner());
            intake.entry(tenant.clone()).or_default().clone()
        };
        let _no_delivery = slot.lock().unwrap_or_else(|p| p.into_inner());
        let backend = self.backend.as_ref();
        let (users, events, links) = Tables::load(backend, tenant)?.into_lists();
        let seats = numbered(backend, &keys::all_seats(tenant), |n, key, value| {
            Ok(AccountSeats {
                account: AccountId(n),
                traits: decode(key, &value)?,
            })
        })?;
        let emails = numbered(backend, &keys::all_emails(tenant), |n, key, value| {
            Ok(UserEmail {
                user: u32::try_from(n).map_err(|_| corrupt(key, "a user index"))?,
                email: String::from_utf8(value).map_err(|_| corrupt(key, "a UTF-8 e-mail"))?,
            })
        })?;
        let freshness = numbered(backend, &keys::all_freshness(tenant), |n, key, value| {
            Ok(AccountFreshness {
                account: AccountId(n),
                newest: decode(key, &value)?,
            })
        })?;
        let unmatched = self
            .unmatched_ids(tenant)?
            .into_iter()
            .map(|(id, seen)| UnmatchedId { id, seen })
            .collect();
        Ok(IntakeRecords {
            users,
            events,
            links,
            seats,
            emails,
            freshness,
            unmatched,
            rollups: rollup_records(backend, tenant)?,
        })
    }
}

/// Every record under `prefix`, whose keys end in a hex number, read by `read(number, key,
/// value)`.
fn numbered<T>(
    backend: &dyn Backend,
    prefix: &[u8],
    read: impl Fn(u64, &[u8], Vec<u8>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    backend
        .scan_prefix(prefix)?
        .into_iter()
        .map(|(key, value)| {
            let n = hex(&key[prefix.len()..]).ok_or_else(|| corrupt(&key, "a hex number"))?;
            read(n, &key, value)
        })
        .collect()
}

/// Every day rollup, one account's at a time (a scan holds at most its ~400 days); each is
/// decoded once, so a damaged one fails the export rather than the restore.
fn rollup_records(
    backend: &dyn Backend,
    tenant: &TenantId,
) -> Result<Vec<RollupRecord>, StoreError> {
    let all = keys::all_rollups(tenant);
    let mut records = Vec::new();
    let mut from = all.clone();
    while let Some(key) = backend.first_key_from(&from)? {
        if !key.starts_with(&all) {
            break;
        }
        let account = key
            .get(all.len()..all.len() + 16)
            .and_then(hex)
            .map(AccountId)
            .ok_or_else(|| corrupt(&key, "an account in hex and a day"))?;
        let prefix = keys::rollups(tenant, account);
        if !key.starts_with(&prefix) {
            // Skipping past `prefix` would find this key again.
            return Err(corrupt(&key, "an account in hex and a day"));
        }
        for (key, data) in backend.scan_prefix(&prefix)? {
            let day = DayRollup::decode(&data)
                .map_err(|e| {
                    StoreError::Corrupt(format!("{}: {e}", String::from_utf8_lossy(&key)))
                })?
                .day;
            records.push(RollupRecord { account, day, data });
        }
        // Past every day of this account (days are digits, far below 0xff).
        from = prefix;
        from.push(0xff);
    }
    Ok(records)
}

fn hex(digits: &[u8]) -> Option<u64> {
    u64::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}

fn corrupt(key: &[u8], expected: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "intake record {} is not {expected}",
        String::from_utf8_lossy(key)
    ))
}
