//! Purpose: `/account` text → a typed `AccountCommand`.

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::account::ActivityKind;
use crate::domain::error::DomainError;
use crate::domain::health::Band;
use crate::domain::money::Money;
use crate::domain::outside_id::{CrmId, WebDomain};
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
    /// `/account channel link NAME | unlink [NAME] | list [NAME]` (DECISIONS 28).
    Channel {
        action: ChannelAction,
        account: Option<String>,
    },
}

/// What `/account channel` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelAction {
    Link,
    Unlink,
    List,
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
    pub crm_id: Option<CrmId>,
    pub domain: Option<WebDomain>,
}

/// A tier given to `/account set`: pinned, or back to computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierChoice {
    Pin(Tier),
    Auto,
}

/// A crm id or domain given to `/account set`: a new value, or `none` to clear it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clearable<T> {
    Set(T),
    Clear,
}

impl<T> Clearable<T> {
    /// The value, when one was given (`/account add` takes `none` as no value).
    pub fn value(self) -> Option<T> {
        match self {
            Clearable::Set(value) => Some(value),
            Clearable::Clear => None,
        }
    }
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
    pub crm_id: Option<Clearable<CrmId>>,
    pub domain: Option<Clearable<WebDomain>>,
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

/// An outside id option read through `parse`: `none` (any case) clears it.
fn outside_id<T, E: Into<DomainError>>(
    inv: &Invocation,
    name: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<Clearable<T>>, ParseError> {
    match inv.text(name) {
        None => Ok(None),
        Some(text) if text.eq_ignore_ascii_case("none") => Ok(Some(Clearable::Clear)),
        Some(text) => parse(&text)
            .map(|v| Some(Clearable::Set(v)))
            .map_err(|e| ParseError::Value(e.into())),
    }
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
            crm_id: outside_id(inv, "crm", CrmId::parse)?.and_then(Clearable::value),
            domain: outside_id(inv, "domain", WebDomain::parse)?.and_then(Clearable::value),
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
                crm_id: outside_id(inv, "crm", CrmId::parse)?,
                domain: outside_id(inv, "domain", WebDomain::parse)?,
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
        "channel" => AccountCommand::Channel {
            action: inv
                .choice("action", |a| match a {
                    "link" => Some(ChannelAction::Link),
                    "unlink" => Some(ChannelAction::Unlink),
                    "list" => Some(ChannelAction::List),
                    _ => None,
                })?
                .ok_or_else(|| super::undeclared(inv, "action"))?,
            account: inv.text("account"),
        },
        "reassign" => AccountCommand::Reassign {
            from: inv.req_user("from")?,
            to: inv.req_user("to")?,
        },
        other => return Err(super::undeclared(inv, other)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{parse, Command};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid")
    }

    fn command(line: &str) -> Result<AccountCommand, String> {
        match parse(line, today()) {
            Ok(parsed) => match parsed.command {
                Command::Account(c) => Ok(c),
                other => Err(format!("not /account: {other:?}")),
            },
            Err(e) => Err(e.to_string()),
        }
    }

    fn changes(line: &str) -> AccountChanges {
        match command(line) {
            Ok(AccountCommand::Set { changes, .. }) => changes,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn outside_ids_on_add_and_set() {
        let crm = |s: &str| CrmId::parse(s).expect("crm id");
        let domain = |s: &str| WebDomain::parse(s).expect("domain");
        match command(
            "/account add Acme arr:5k renewal:2027-01-01 crm:001Ab domain:https://www.Acme.com/x",
        ) {
            Ok(AccountCommand::Add(new)) => {
                assert_eq!(new.crm_id, Some(crm("001Ab")));
                assert_eq!(new.domain, Some(domain("acme.com")));
            }
            other => panic!("{other:?}"),
        }
        let set = changes("/account set Acme crm:\" 0X 1 \" domain:WWW.acme.io");
        assert_eq!(set.crm_id, Some(Clearable::Set(crm("0X 1"))));
        assert_eq!(set.domain, Some(Clearable::Set(domain("acme.io"))));
        let cleared = changes("/account set Acme crm:none domain:NONE");
        assert_eq!(
            (cleared.crm_id, cleared.domain),
            (Some(Clearable::Clear), Some(Clearable::Clear))
        );
        assert!(
            !changes("/account set Acme domain:none").is_empty(),
            "clearing is a change"
        );
    }

    #[test]
    fn bad_outside_ids_are_refused_with_an_example() {
        for (line, expected) in [
            (
                "/account set Acme domain:\"acme com\"",
                "domain: \"acme com\" contains a space. Example: domain:acme.com",
            ),
            (
                "/account set Acme domain:acme",
                "domain: \"acme\" has no dot",
            ),
            (
                "/account add Acme arr:5k renewal:2027-01-01 domain:🚀.io",
                "contains \"🚀\"",
            ),
            (
                &format!("/account set Acme crm:{}", "x".repeat(101)),
                "crm: is 101 characters long; a crm id has at most 100. Example: crm:",
            ),
        ] {
            let error = command(line).expect_err(line);
            assert!(error.contains(expected), "{line}: {error}");
        }
    }
}
