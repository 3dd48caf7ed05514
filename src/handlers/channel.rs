//! Purpose: `/account channel link NAME | unlink [NAME] | list [NAME]` — customer channels
//! (DECISIONS 28): one account per channel, several channels per account; linking and
//! unlinking are for the account's owner or an admin. Unlinking forgets the channel's
//! stored message metadata (the app purges it once the change is saved).

use super::present::person;
use super::{Ctx, Outcome};
use crate::command::account::ChannelAction;
use crate::domain::account::Account;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::person::Person;
use crate::reply::{t, Reply};

/// What the link reply says about privacy: only metadata is read.
pub const METADATA_ONLY: &str = "Steward reads only who wrote each message here and when (and in which thread) — never the text — to see who is waiting for a reply. Unlinking forgets it.";

pub fn handle(
    action: ChannelAction,
    account: Option<&str>,
    ctx: &Ctx,
    book: &Book,
) -> Result<Outcome, DomainError> {
    match action {
        ChannelAction::List => list(account, book),
        ChannelAction::Link => {
            let Some(name) = account else {
                return Err(DomainError::invalid(
                    "account",
                    "link needs the account",
                    "/account channel link \"Acme Corp\"",
                ));
            };
            in_a_channel(ctx)?;
            let mut account = book.find(name)?.clone();
            may_change(&account, ctx)?;
            if let Some(holder) = book.channel_account(ctx.channel) {
                if holder.id == account.id {
                    return Ok(Outcome::read(Reply::text(format!(
                        "This channel is already {}'s customer channel.",
                        account.name
                    ))));
                }
                return Err(DomainError::Refused(format!(
                    "This channel is already linked to {} (one account per channel). Unlink it first with `/account channel unlink`.",
                    holder.name
                )));
            }
            account.channels.push(ctx.channel.to_string());
            account.updated_at = ctx.now;
            let reply = Reply::text(format!(
                "Linked this channel to {} as its customer channel.",
                account.name
            ))
            .line(METADATA_ONLY);
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
        ChannelAction::Unlink => {
            in_a_channel(ctx)?;
            let Some(holder) = book.channel_account(ctx.channel) else {
                return Err(DomainError::Refused(
                    "This channel is not linked to an account. See the links with `/account channel list`.".into(),
                ));
            };
            if let Some(name) = account {
                let named = book.find(name)?;
                if named.id != holder.id {
                    return Err(DomainError::Refused(format!(
                        "This channel is linked to {}, not to {}.",
                        holder.name, named.name
                    )));
                }
            }
            let mut account = holder.clone();
            may_change(&account, ctx)?;
            account.channels.retain(|c| c != ctx.channel);
            account.updated_at = ctx.now;
            let reply = Reply::text(format!(
                "Unlinked this channel from {}; what Steward kept of its messages is forgotten.",
                account.name
            ));
            let mut outcome = Outcome::write(reply, vec![Change::PutAccount(Box::new(account))]);
            outcome.purge_channels = vec![ctx.channel.to_string()];
            Ok(outcome)
        }
    }
}

/// Links are made in the channel itself.
fn in_a_channel(ctx: &Ctx) -> Result<(), DomainError> {
    if ctx.channel.is_empty() || ctx.channel == "console" {
        return Err(DomainError::Refused(
            "Run this in the customer channel itself, on Slack or Discord.".into(),
        ));
    }
    Ok(())
}

/// The account's owner or an admin.
fn may_change(account: &Account, ctx: &Ctx) -> Result<(), DomainError> {
    let owner = matches!(&account.owner, Some(Person::User(id)) if id == ctx.actor);
    if owner || ctx.is_admin {
        Ok(())
    } else {
        Err(DomainError::Refused(format!(
            "Only {}'s owner or an admin can link or unlink its customer channels.",
            account.name
        )))
    }
}

fn list(account: Option<&str>, book: &Book) -> Result<Outcome, DomainError> {
    let mut accounts: Vec<&Account> = match account {
        Some(name) => vec![book.find(name)?],
        None => book.accounts().filter(|a| !a.channels.is_empty()).collect(),
    };
    accounts.sort_by(|a, b| a.name.cmp(&b.name));
    let rows: Vec<_> = accounts
        .iter()
        .flat_map(|a| {
            a.channels.iter().map(|c| {
                vec![
                    t(format!("{} — ", a.name)),
                    crate::reply::Span::Code(c.clone()),
                    t(" — owner "),
                    person(book, a.owner.as_ref()),
                ]
            })
        })
        .collect();
    if rows.is_empty() {
        return Ok(Outcome::read(Reply::text(match account {
            Some(_) => "No customer channel is linked to it. Link one with `/account channel link NAME` in the channel.",
            None => "No customer channels are linked. Link one with `/account channel link NAME` in the channel.",
        })));
    }
    Ok(Outcome::read(
        Reply::new()
            .line(format!("{} customer channels", rows.len()))
            .bullets(rows),
    ))
}
