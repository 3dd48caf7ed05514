//! Purpose: `/stakeholder` text → a typed `StakeholderCommand`.

use chrono::NaiveDate;

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::person::Person;
use crate::domain::stakeholder::{Influence, Role, Sentiment};

#[derive(Debug, Clone, PartialEq)]
pub enum StakeholderCommand {
    Add {
        account: String,
        name: String,
        role: Role,
        details: StakeholderChanges,
    },
    List {
        account: String,
    },
    Set {
        account: String,
        name: String,
        details: StakeholderChanges,
    },
    Contact {
        account: String,
        name: String,
        date: Option<NaiveDate>,
    },
    Departed {
        account: String,
        name: String,
    },
    Remove {
        account: String,
        name: String,
    },
}

/// Fields given to `add` or `set`; `None` leaves a field as it is (or at its default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StakeholderChanges {
    pub role: Option<Role>,
    pub title: Option<String>,
    pub unit: Option<String>,
    pub influence: Option<Influence>,
    pub sentiment: Option<Sentiment>,
    pub owner: Option<Person>,
    pub nps: Option<u8>,
    pub personal_win: Option<String>,
    pub engagement: Option<String>,
    pub key_risk: Option<String>,
}

impl StakeholderChanges {
    pub fn is_empty(&self) -> bool {
        *self == StakeholderChanges::default()
    }
}

fn details(inv: &Invocation) -> Result<StakeholderChanges, ParseError> {
    Ok(StakeholderChanges {
        role: inv.choice("role", Role::parse)?,
        title: inv.text("title"),
        unit: inv.text("unit"),
        influence: inv.choice("influence", Influence::parse)?,
        sentiment: inv.choice("sentiment", Sentiment::parse)?,
        owner: inv.user("owner"),
        nps: inv.integer("nps").and_then(|n| u8::try_from(n).ok()),
        personal_win: inv.text("win"),
        engagement: inv.text("engagement"),
        key_risk: inv.text("risk"),
    })
}

pub fn from_invocation(inv: &Invocation) -> Result<StakeholderCommand, ParseError> {
    let account = inv.req_text("account")?;
    let name = || inv.req_text("name");
    Ok(match inv.sub.name.as_str() {
        "add" => {
            let mut details = details(inv)?;
            let role = details
                .role
                .take()
                .ok_or_else(|| super::undeclared(inv, "role"))?;
            StakeholderCommand::Add {
                account,
                name: name()?,
                role,
                details,
            }
        }
        "list" => StakeholderCommand::List { account },
        "set" => StakeholderCommand::Set {
            account,
            name: name()?,
            details: details(inv)?,
        },
        "contact" => StakeholderCommand::Contact {
            account,
            name: name()?,
            date: inv.date("date"),
        },
        "departed" => StakeholderCommand::Departed {
            account,
            name: name()?,
        },
        "remove" => StakeholderCommand::Remove {
            account,
            name: name()?,
        },
        other => return Err(super::undeclared(inv, other)),
    })
}
