//! Purpose: a message seen in a chat channel, from either platform, becomes customer-channel
//! metadata (DECISIONS 28) — only when the channel is linked to an account: who the customer
//! is (the platform's judgement, or a user linked to one of the account's stakeholders),
//! the message stored once by its id, and a linked stakeholder's *last contacted* brought up
//! to today. Messages of unlinked channels are neither stored nor looked at further.

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::domain::account::Account;
use crate::domain::book::Change;
use crate::domain::conversation::{ChannelMessage, Side};
use crate::domain::person::UserId;
use crate::domain::tenant::TenantId;
use crate::store::StoreError;

/// A human's plain message in a channel, as the adapter read it (bots, edits and joins are
/// filtered out before).
#[derive(Debug, Clone)]
pub struct Incoming {
    pub channel: String,
    pub id: String,
    pub thread: Option<String>,
    pub author: String,
    /// The platform says the author is outside the team (Slack Connect: another
    /// workspace's user; Discord: a member without the team role).
    pub outsider: bool,
    pub at: DateTime<Utc>,
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    /// The channel is not linked: nothing stored.
    NotLinked,
    /// Already stored (a retry or a re-delivery).
    Duplicate,
    Stored(Side),
}

/// The link to a stored message: Slack's archive form, or Discord's channel link (the guild
/// is the tenant's).
pub fn permalink(tenant: &TenantId, channel: &str, message: &str) -> String {
    let id = tenant.to_string();
    match id.strip_prefix("discord:") {
        Some(guild) => format!("https://discord.com/channels/{guild}/{channel}/{message}"),
        None => crate::slack::capture::built_permalink(channel, message),
    }
}

/// Whether `author` is one of the account's stakeholders (by chat id), and which.
fn stakeholder_of(account: &Account, author: &str) -> Option<usize> {
    account.stakeholders.iter().position(|s| {
        s.slack_user.as_deref() == Some(author) || s.discord_user.as_deref() == Some(author)
    })
}

/// Whether channel `channel` of `tenant` is linked (a read of the in-memory book).
pub fn is_linked(app: &App, tenant: &TenantId, channel: &str) -> Result<bool, StoreError> {
    let book = app.store.book(tenant)?;
    let book = book.read().unwrap_or_else(|p| p.into_inner());
    Ok(book.channel_account(channel).is_some())
}

/// Stores `incoming` if its channel is linked; a stakeholder's message also counts as
/// contact (at most one write a day per person). Blocking: call it off the async threads.
pub fn ingest(
    app: &App,
    tenant: &TenantId,
    incoming: Incoming,
    now: DateTime<Utc>,
) -> Result<Ingested, StoreError> {
    let lock = app.store.book(tenant)?;
    let (side, contact) = {
        let book = lock.read().unwrap_or_else(|p| p.into_inner());
        let Some(account) = book.channel_account(&incoming.channel) else {
            return Ok(Ingested::NotLinked);
        };
        let stakeholder = stakeholder_of(account, &incoming.author);
        let side = if incoming.outsider || stakeholder.is_some() {
            Side::Customer
        } else {
            Side::Team
        };
        let day = incoming
            .at
            .with_timezone(&app.timezone_of(&book))
            .date_naive();
        let contact = stakeholder
            .filter(|&i| account.stakeholders[i].last_contact.is_none_or(|d| d < day))
            .map(|i| (account.id, account.stakeholders[i].name.clone(), day));
        (side, contact)
    };
    let message = ChannelMessage {
        id: incoming.id,
        channel: incoming.channel,
        thread: incoming.thread,
        author: incoming.author,
        side,
        at: incoming.at,
    };
    if !app.store.record_channel_message(tenant, &message)? {
        return Ok(Ingested::Duplicate);
    }
    if let Some((id, name, day)) = contact {
        let mut book = lock.write().unwrap_or_else(|p| p.into_inner());
        // Looked up again under the write lock: the book may have changed since.
        let updated = book.account(id).and_then(|account| {
            let i = account.stakeholder_index(&name)?;
            let mut account = account.clone();
            let s = &mut account.stakeholders[i];
            if s.last_contact.is_some_and(|d| d >= day) {
                return None;
            }
            s.last_contact = Some(day);
            account.updated_at = now;
            Some(account)
        });
        if let Some(account) = updated {
            app.store.commit_unattended(
                &mut book,
                &UserId("steward".into()),
                "customer channel message",
                now,
                vec![Change::PutAccount(Box::new(account))],
            )?;
            app.changes.notify_one();
        }
    }
    Ok(Ingested::Stored(side))
}
