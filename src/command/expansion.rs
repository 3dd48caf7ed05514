//! Purpose: `/expansion` text → a typed `ExpansionCommand`.

use chrono::NaiveDate;

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::expansion::OpportunityKind;
use crate::domain::money::Money;
use crate::domain::person::Person;

#[derive(Debug, Clone, PartialEq)]
pub enum ExpansionCommand {
    Add {
        account: String,
        kind: OpportunityKind,
        value: Money,
        trigger: Option<String>,
        owner: Option<Person>,
        due: Option<NaiveDate>,
    },
    List {
        account: Option<String>,
        page: usize,
    },
    Ready {
        account: String,
    },
    Won {
        id: u32,
    },
    Lost {
        id: u32,
        reason: Option<String>,
    },
}

fn id(inv: &Invocation) -> Result<u32, ParseError> {
    inv.integer("id")
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| super::undeclared(inv, "id"))
}

pub fn from_invocation(inv: &Invocation) -> Result<ExpansionCommand, ParseError> {
    Ok(match inv.sub.name.as_str() {
        "add" => ExpansionCommand::Add {
            account: inv.req_text("account")?,
            kind: inv
                .choice("type", OpportunityKind::parse)?
                .ok_or_else(|| super::undeclared(inv, "type"))?,
            value: inv.req_money("value")?,
            trigger: inv.text("trigger"),
            owner: inv.user("owner"),
            due: inv.date("due"),
        },
        "list" => ExpansionCommand::List {
            account: inv.text("account"),
            page: inv.page(),
        },
        "ready" => ExpansionCommand::Ready {
            account: inv.req_text("account")?,
        },
        "won" => ExpansionCommand::Won { id: id(inv)? },
        "lost" => ExpansionCommand::Lost {
            id: id(inv)?,
            reason: inv.text("reason"),
        },
        other => return Err(super::undeclared(inv, other)),
    })
}
