//! Purpose: the key layout of the database, the same for every backend (which stores these
//! bytes as they are, in bytewise order). Every tenant's record lives under its own prefix,
//! built only here, so no query can reach another tenant's keys.
//!
//! ```text
//! meta\0marker                                  the Steward marker (refuses foreign or wiped stores)
//! meta\0writekey\0{sha256 hex}                  a write key's owner: tenant and key name (events API)
//! meta\0slack\0install\0{enterprise}\0{team}      a Slack installation, tokens sealed (either id may be empty)
//! meta\0slack\0state\0{sha256 hex}                an OAuth `state` handed out, until used or expired
//! meta\0slack\0stateused\0{sha256 hex}            the claim of a `state` being used (once, across replicas)
//! t\0{tenant}\0acct\0{id:016x}                  an account aggregate
//! t\0{tenant}\0settings                         tenant settings
//! t\0{tenant}\0gen                              the id of the last commit that changed the book (shared backends)
//! t\0{tenant}\0ingen                            the id of the last received-data commit (shared backends)
//! t\0{tenant}\0outcome\0{seq:016x}              renewal outcome events
//! t\0{tenant}\0audit\0{account:016x}\0{seq:016x} audit trail (account 0: tenant-wide)
//! t\0{tenant}\0post\0{subscription}\0{period}  scheduled-post ledger
//! t\0{tenant}\0undo\0{user}                    how to take back a user's last change
//! t\0{tenant}\0seen\0{event_id}                a Slack event already handled (deduplication)
//! t\0{tenant}\0chan\0{channel}\0{message id}  a customer channel message's metadata (never its text)
//! t\0{tenant}\0chanote\0{channel}\0{message id}  *customer waiting* was sent for this message
//! t\0{tenant}\0in\0user\0{index:08x}          received data: a user id of the user table
//! t\0{tenant}\0in\0event\0{index:08x}         an event name of the event table
//! t\0{tenant}\0in\0link\0{user:08x}\0{account:016x}  a user linked to an account
//! t\0{tenant}\0in\0seats\0{account:016x}      seats from group traits
//! t\0{tenant}\0in\0email\0{user:08x}          a user's e-mail from identify traits
//! t\0{tenant}\0in\0roll\0{account:016x}\0{day}  an account's day rollup (DayRollup bytes)
//! t\0{tenant}\0in\0fresh\0{account:016x}      the newest event of each kind for an account
//! t\0{tenant}\0in\0msg\0{week:08x}\0{sha256[..16]}  a message id received that week (de-duplication; kept in Backend::message_ids)
//! t\0{tenant}\0in\0pending\0{seq:016x}     a request's message ids, committed with its rollups, until copied there
//! t\0{tenant}\0in\0count\0{hour}              the hour's counts of accepted and rejected events
//! t\0{tenant}\0in\0unmatched\0{id}            an id no account matched, with its count
//! t\0{tenant}\0writekey\0{name, lower case}    a write key: name, prefix, digest, created
//! t\0{tenant}\0keyuse\0{name, lower case}      a write key's usage: last used, events received
//! t\0{tenant}\0sealed\0zendesk                the Zendesk webhook's signing secret, sealed (`secrets`)
//! ```
//!
//! A write key is looked up without knowing its tenant, so besides its record under the tenant
//! its digest is indexed under `meta`; both are written and deleted in one batch. The key itself
//! is stored nowhere.

use crate::domain::account::AccountId;
use crate::domain::tenant::TenantId;
use sha2::{Digest, Sha256};

pub const MARKER: &[u8] = b"meta\0marker";

/// The prefix of everything `tenant` owns.
pub fn tenant(tenant: &TenantId) -> Vec<u8> {
    let mut key = b"t\0".to_vec();
    key.extend_from_slice(tenant.as_str().as_bytes());
    key.push(0);
    key
}

/// The tenant whose prefix `key` is under, if any.
pub fn tenant_of(key: &[u8]) -> Option<TenantId> {
    let rest = key.strip_prefix(b"t\0")?;
    let end = rest.iter().position(|b| *b == 0)?;
    TenantId::parse(std::str::from_utf8(&rest[..end]).ok()?).ok()
}

/// The tenant's generation: the id of its last commit that changed its book, read through by
/// replicas sharing the database (`store::fresh`).
pub fn generation(t: &TenantId) -> Vec<u8> {
    under(t, "gen")
}

/// One of the tenant's change records (`store::catchup`), by ring slot.
pub fn book_change(t: &TenantId, slot: u64) -> Vec<u8> {
    let mut key = under(t, "bookchg\0");
    key.extend_from_slice(format!("{slot:02x}").as_bytes());
    key
}

/// The tenant's intake generation: the id of its last received-data commit.
pub fn intake_generation(t: &TenantId) -> Vec<u8> {
    under(t, "ingen")
}

fn under(t: &TenantId, kind: &str) -> Vec<u8> {
    let mut key = tenant(t);
    key.extend_from_slice(kind.as_bytes());
    key
}

pub fn accounts(t: &TenantId) -> Vec<u8> {
    under(t, "acct\0")
}

pub fn account(t: &TenantId, id: AccountId) -> Vec<u8> {
    let mut key = accounts(t);
    key.extend_from_slice(format!("{:016x}", id.0).as_bytes());
    key
}

pub fn settings(t: &TenantId) -> Vec<u8> {
    under(t, "settings")
}

pub fn outcomes(t: &TenantId) -> Vec<u8> {
    under(t, "outcome\0")
}

pub fn outcome(t: &TenantId, seq: u64) -> Vec<u8> {
    let mut key = outcomes(t);
    key.extend_from_slice(format!("{seq:016x}").as_bytes());
    key
}

/// Every audit entry of a tenant, ordered by account id.
pub fn audits(t: &TenantId) -> Vec<u8> {
    under(t, "audit\0")
}

/// The audit prefix of one account (`None`: tenant-wide changes).
pub fn audit_of(t: &TenantId, account: Option<AccountId>) -> Vec<u8> {
    let mut key = audits(t);
    key.extend_from_slice(format!("{:016x}\0", account.map_or(0, |a| a.0)).as_bytes());
    key
}

pub fn audit(t: &TenantId, account: Option<AccountId>, seq: u64) -> Vec<u8> {
    let mut key = audit_of(t, account);
    key.extend_from_slice(format!("{seq:016x}").as_bytes());
    key
}

/// Every user's undo plan in a tenant.
pub fn undos(t: &TenantId) -> Vec<u8> {
    under(t, "undo\0")
}

/// The undo plan of a user's last change.
pub fn undo(t: &TenantId, user: &crate::domain::person::UserId) -> Vec<u8> {
    let mut key = undos(t);
    key.extend_from_slice(user.0.as_bytes());
    key
}

/// Every ledger record of a tenant.
pub fn all_posts(t: &TenantId) -> Vec<u8> {
    under(t, "post\0")
}

/// The ledger records of one subscription (`weekly@C123`).
pub fn posts(t: &TenantId, subscription: &str) -> Vec<u8> {
    let mut key = all_posts(t);
    key.extend_from_slice(subscription.as_bytes());
    key.push(0);
    key
}

pub fn post(t: &TenantId, subscription: &str, period: &str) -> Vec<u8> {
    let mut key = posts(t, subscription);
    key.extend_from_slice(period.as_bytes());
    key
}

/// Every handled chat event id of a tenant.
pub fn seen_all(t: &TenantId) -> Vec<u8> {
    under(t, "seen\0")
}

/// A handled chat event (Slack `event_id`), kept to recognise retries.
pub fn seen(t: &TenantId, event_id: &str) -> Vec<u8> {
    let mut key = seen_all(t);
    key.extend_from_slice(event_id.as_bytes());
    key
}

/// Every stored message of customer channel `channel` (`None`: of every channel).
pub fn channel_messages(t: &TenantId, channel: Option<&str>) -> Vec<u8> {
    let mut key = under(t, "chan\0");
    if let Some(channel) = channel {
        key.extend_from_slice(channel.as_bytes());
        key.push(0);
    }
    key
}

/// One customer channel message's metadata.
pub fn channel_message(t: &TenantId, channel: &str, id: &str) -> Vec<u8> {
    let mut key = channel_messages(t, Some(channel));
    key.extend_from_slice(id.as_bytes());
    key
}

/// The *customer waiting* notes of channel `channel`.
pub fn waiting_notes(t: &TenantId, channel: &str) -> Vec<u8> {
    let mut key = under(t, "chanote\0");
    key.extend_from_slice(channel.as_bytes());
    key.push(0);
    key
}

/// *Customer waiting* was sent for message `id`.
pub fn waiting_note(t: &TenantId, channel: &str, id: &str) -> Vec<u8> {
    let mut key = waiting_notes(t, channel);
    key.extend_from_slice(id.as_bytes());
    key
}

/// Everything received data left for a tenant (tables, links, rollups, counts).
pub fn ingested(t: &TenantId) -> Vec<u8> {
    under(t, "in\0")
}

fn ingest(t: &TenantId, kind: &str) -> Vec<u8> {
    let mut key = ingested(t);
    key.extend_from_slice(kind.as_bytes());
    key.push(0);
    key
}

fn with_hex(mut key: Vec<u8>, width: usize, n: u64) -> Vec<u8> {
    key.extend_from_slice(format!("{n:0width$x}").as_bytes());
    key
}

/// The user table, in index order.
pub fn ingest_users(t: &TenantId) -> Vec<u8> {
    ingest(t, "user")
}

pub fn ingest_user(t: &TenantId, index: u32) -> Vec<u8> {
    with_hex(ingest_users(t), 8, u64::from(index))
}

/// The event-name table, in index order.
pub fn ingest_events(t: &TenantId) -> Vec<u8> {
    ingest(t, "event")
}

pub fn ingest_event(t: &TenantId, index: u32) -> Vec<u8> {
    with_hex(ingest_events(t), 8, u64::from(index))
}

/// Every user-to-account link.
pub fn ingest_links(t: &TenantId) -> Vec<u8> {
    ingest(t, "link")
}

pub fn ingest_link(t: &TenantId, user: u32, account: AccountId) -> Vec<u8> {
    let mut key = with_hex(ingest_links(t), 8, u64::from(user));
    key.push(0);
    with_hex(key, 16, account.0)
}

/// Every account's seats trait.
pub fn all_seats(t: &TenantId) -> Vec<u8> {
    ingest(t, "seats")
}

pub fn ingest_seats(t: &TenantId, account: AccountId) -> Vec<u8> {
    with_hex(all_seats(t), 16, account.0)
}

/// Every user's e-mail.
pub fn all_emails(t: &TenantId) -> Vec<u8> {
    ingest(t, "email")
}

pub fn ingest_email(t: &TenantId, user: u32) -> Vec<u8> {
    with_hex(all_emails(t), 8, u64::from(user))
}

/// Every account's day rollups, by account then day.
pub fn all_rollups(t: &TenantId) -> Vec<u8> {
    ingest(t, "roll")
}

/// Every day rollup of one account, in day order.
pub fn rollups(t: &TenantId, account: AccountId) -> Vec<u8> {
    let mut key = with_hex(all_rollups(t), 16, account.0);
    key.push(0);
    key
}

pub fn rollup(t: &TenantId, account: AccountId, day: chrono::NaiveDate) -> Vec<u8> {
    let mut key = rollups(t, account);
    key.extend_from_slice(day.format("%Y-%m-%d").to_string().as_bytes());
    key
}

/// Every account's freshness.
pub fn all_freshness(t: &TenantId) -> Vec<u8> {
    ingest(t, "fresh")
}

pub fn freshness(t: &TenantId, account: AccountId) -> Vec<u8> {
    with_hex(all_freshness(t), 16, account.0)
}

/// The message ids received in one week (weeks counted from the Unix epoch).
pub fn message_ids(t: &TenantId, week: u32) -> Vec<u8> {
    let mut key = with_hex(ingest(t, "msg"), 8, u64::from(week));
    key.push(0);
    key
}

/// Every week's message ids, oldest week first.
pub fn all_message_ids(t: &TenantId) -> Vec<u8> {
    ingest(t, "msg")
}

/// What a message id is stored as: the first 16 bytes of its SHA-256 rather than the id
/// itself (up to 100 characters, or a 71-character content hash), so that the week's ids —
/// the most numerous records — stay small. Two ids collide with a chance of about n²/2¹²⁹:
/// none in any week Steward will see.
pub fn message_digest(id: &str) -> [u8; DIGEST_BYTES] {
    let mut digest = [0; DIGEST_BYTES];
    digest.copy_from_slice(&Sha256::digest(id.as_bytes())[..DIGEST_BYTES]);
    digest
}

/// The length of [`message_digest`].
pub const DIGEST_BYTES: usize = 16;

/// A message id's record (in [`crate::store::backend::Backend::message_ids`]).
pub fn message_id(t: &TenantId, week: u32, digest: &[u8; DIGEST_BYTES]) -> Vec<u8> {
    let mut key = message_ids(t, week);
    key.extend_from_slice(digest);
    key
}

/// Every pending record of message ids (committed, not yet in the message ids' backend).
pub fn pending_ids(t: &TenantId) -> Vec<u8> {
    ingest(t, "pending")
}

/// The pending record of the commit numbered `commit`.
pub fn pending_id(t: &TenantId, commit: u64) -> Vec<u8> {
    with_hex(pending_ids(t), 16, commit)
}

/// Every hour's counts, oldest first.
pub fn ingest_counts(t: &TenantId) -> Vec<u8> {
    ingest(t, "count")
}

/// The counts of the hour starting at `hour` (`2026-11-23T09`).
pub fn ingest_count(t: &TenantId, hour: &str) -> Vec<u8> {
    let mut key = ingest_counts(t);
    key.extend_from_slice(hour.as_bytes());
    key
}

/// Every unmatched id.
pub fn unmatched_all(t: &TenantId) -> Vec<u8> {
    ingest(t, "unmatched")
}

pub fn unmatched(t: &TenantId, id: &str) -> Vec<u8> {
    let mut key = unmatched_all(t);
    key.extend_from_slice(id.as_bytes());
    key
}

/// Where a write key's owner is found from the key's digest (`meta`, outside every tenant:
/// the events API learns the tenant from the key).
pub fn write_key_index(digest: &str) -> Vec<u8> {
    let mut key = b"meta\0writekey\0".to_vec();
    key.extend_from_slice(digest.as_bytes());
    key
}

/// Every write key record of a tenant.
pub fn write_keys(t: &TenantId) -> Vec<u8> {
    under(t, "writekey\0")
}

/// The record of the tenant's write key `name` (any case).
pub fn write_key(t: &TenantId, name: &str) -> Vec<u8> {
    let mut key = write_keys(t);
    key.extend_from_slice(name.to_lowercase().as_bytes());
    key
}

/// The usage record of the tenant's write key `name` (any case): a
/// [`WriteKeyUsage`](crate::domain::writekey::WriteKeyUsage), encoded with
/// [`record::encode`](super::record::encode). Kept apart from the key's record so the events
/// API updates it in its own batch; revoking (or creating) a key of that name deletes it.
pub fn write_key_usage(t: &TenantId, name: &str) -> Vec<u8> {
    let mut key = under(t, "keyuse\0");
    key.extend_from_slice(name.to_lowercase().as_bytes());
    key
}

/// Every Slack installation (`meta`, outside every tenant: an org-wide Enterprise Grid
/// install serves many tenants).
pub fn slack_installs() -> Vec<u8> {
    b"meta\0slack\0install\0".to_vec()
}

/// The Slack installation of `team` in `enterprise` (Bolt's key: either may be absent — no
/// enterprise outside Enterprise Grid, no team for an org-wide install).
pub fn slack_install(enterprise: Option<&str>, team: Option<&str>) -> Vec<u8> {
    let mut key = slack_installs();
    key.extend_from_slice(enterprise.unwrap_or_default().as_bytes());
    key.push(0);
    key.extend_from_slice(team.unwrap_or_default().as_bytes());
    key
}

/// Every OAuth `state` handed out and not yet used.
pub fn oauth_states() -> Vec<u8> {
    b"meta\0slack\0state\0".to_vec()
}

/// An OAuth `state`, by its SHA-256 (the state itself is stored nowhere).
pub fn oauth_state(digest: &str) -> Vec<u8> {
    let mut key = oauth_states();
    key.extend_from_slice(digest.as_bytes());
    key
}

/// The claim that an OAuth `state` is being used: made with `insert_if_absent`, so of two
/// redirects racing with one state exactly one goes on.
pub fn oauth_state_used(digest: &str) -> Vec<u8> {
    let mut key = b"meta\0slack\0stateused\0".to_vec();
    key.extend_from_slice(digest.as_bytes());
    key
}

/// The tenant's Zendesk signing secret, sealed ([`crate::secrets::Sealed`] bytes). Sealed
/// values sit under `sealed\0`, so re-sealing them all under a new key is one scan a tenant.
pub fn zendesk_secret(t: &TenantId) -> Vec<u8> {
    under(t, "sealed\0zendesk")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_tenant_prefix_never_covers_another() {
        let a = TenantId::parse("acme").expect("valid");
        let ab = TenantId::parse("acme-b").expect("valid");
        assert!(!account(&ab, AccountId(1)).starts_with(&tenant(&a)));
        assert!(account(&a, AccountId(1)).starts_with(&tenant(&a)));
    }

    #[test]
    fn write_keys_sit_under_their_tenant_and_their_index_under_none() {
        let a = TenantId::parse("acme").expect("valid");
        assert!(write_key(&a, "Prod").starts_with(&write_keys(&a)));
        assert_eq!(write_key(&a, "Prod"), write_key(&a, "PROD"));
        assert!(write_key_usage(&a, "Prod").starts_with(&tenant(&a)));
        assert!(!write_key_usage(&a, "Prod").starts_with(&write_keys(&a)));
        assert!(!write_key_index("ab").starts_with(b"t\0"));
    }

    #[test]
    fn installations_are_keyed_like_bolts_and_never_collide() {
        assert_ne!(
            slack_install(Some("E1"), None),
            slack_install(None, Some("E1"))
        );
        assert_ne!(
            slack_install(Some("E1"), Some("T1")),
            slack_install(Some("E1"), None)
        );
        assert!(slack_install(None, Some("T1")).starts_with(&slack_installs()));
        assert!(!slack_install(None, Some("T1")).starts_with(b"t\0"));
        assert!(!oauth_state_used("ab").starts_with(&oauth_states()));
    }
}
