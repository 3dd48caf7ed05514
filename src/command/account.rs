//! Purpose: `/account` text → a typed `AccountCommand`.

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::account::ActivityKind;
use crate::domain::health::Band;
use crate::domain::money::Money;
use crate::domain::person::Person;
use crate::domain::tier::Tier;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq)]
pub enum AccountCommand {
    Add(NewAccount),
    Show {
        account: String,
    },
    List {
        tier: Option<Tier>,
        owner: Option<Person>,
        health: Option<Band>,
        page: usize,
    },
    Set {
        account: String,
        changes: AccountChanges,
    },
    Remove {
        account: String,
    },
    History {
        account: String,
        page: usize,
    },
    Log {
        account: String,
        text: String,
        kind: ActivityKind,
    },
    Reassign {
        from: Person,
        to: Person,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAccount {
    pub name: String,
    pub arr: Money,
    pub renewal: NaiveDate,
    pub owner: Option<Person>,
    pub tier: Option<Tier>,
    pub industry: Option<String>,
    pub segment: Option<String>,
    pub seats: Option<u32>,
    pub products: Vec<String>,
}

/// A tier given to `/account set`: pinned, or back to computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierChoice {
    Pin(Tier),
    Auto,
}

/// The fields `/account set` changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountChanges {
    pub name: Option<String>,
    pub arr: Option<Money>,
    pub renewal: Option<NaiveDate>,
    pub owner: Option<Person>,
    pub tier: Option<TierChoice>,
    pub industry: Option<String>,
    pub segment: Option<String>,
    pub seats: Option<u32>,
    pub active_seats: Option<u32>,
    pub products: Option<Vec<String>>,
}

impl AccountChanges {
    pub fn is_empty(&self) -> bool {
        *self == AccountChanges::default()
    }
}

/// `a, b ,c` → `["a", "b", "c"]`.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn count(inv: &Invocation, name: &str) -> Option<u32> {
    inv.integer(name).and_then(|n| u32::try_from(n).ok())
}

pub fn from_invocation(inv: &Invocation) -> Result<AccountCommand, ParseError> {
    let account = || inv.req_text("account");
    Ok(match inv.sub.name.as_str() {
        "add" => AccountCommand::Add(NewAccount {
            name: inv.req_text("name")?,
            arr: inv.req_money("arr")?,
            renewal: inv.req_date("renewal")?,
            owner: inv.user("owner"),
            tier: inv.integer("tier").and_then(Tier::from_number),
            industry: inv.text("industry"),
            segment: inv.text("segment"),
            seats: count(inv, "seats"),
            products: inv
                .text("products")
                .map(|p| split_list(&p))
                .unwrap_or_default(),
        }),
        "show" => AccountCommand::Show {
            account: account()?,
        },
        "list" => AccountCommand::List {
            tier: inv.integer("tier").and_then(Tier::from_number),
            owner: inv.user("owner"),
            health: inv.choice("health", Band::parse)?,
            page: inv.page(),
        },
        "set" => AccountCommand::Set {
            account: account()?,
            changes: AccountChanges {
                name: inv.text("name"),
                arr: inv.money("arr"),
                renewal: inv.date("renewal"),
                owner: inv.user("owner"),
                tier: inv.choice("tier", |t| match t {
                    "auto" => Some(TierChoice::Auto),
                    n => n
                        .parse()
                        .ok()
                        .and_then(Tier::from_number)
                        .map(TierChoice::Pin),
                })?,
                industry: inv.text("industry"),
                segment: inv.text("segment"),
                seats: count(inv, "seats"),
                active_seats: count(inv, "active-seats"),
                products: inv.text("products").map(|p| split_list(&p)),
            },
        },
        "remove" => AccountCommand::Remove {
            account: account()?,
        },
        "history" => AccountCommand::History {
            account: account()?,
            page: inv.page(),
        },
        "log" => AccountCommand::Log {
            account: account()?,
            text: inv.req_text("text")?,
            kind: inv
                .choice("type", ActivityKind::parse)?
                .unwrap_or(ActivityKind::Note),
        },
        "reassign" => AccountCommand::Reassign {
            from: inv.req_user("from")?,
            to: inv.req_user("to")?,
        },
        other => return Err(super::undeclared(inv, other)),
    })
}
