//! Purpose: `/renewal` text → a typed `RenewalCommand`.

use chrono::NaiveDate;

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::money::Money;

#[derive(Debug, Clone, PartialEq)]
pub enum RenewalCommand {
    List {
        within_days: Option<u32>,
        page: usize,
    },
    Show {
        account: String,
    },
    FollowUp {
        account: String,
        responded: bool,
    },
    Extend {
        account: String,
        days: u32,
    },
    Renewed {
        account: String,
        arr: Option<Money>,
        date: Option<NaiveDate>,
    },
    Churned {
        account: String,
        reason: String,
    },
}

pub fn from_invocation(inv: &Invocation) -> Result<RenewalCommand, ParseError> {
    let account = || inv.req_text("account");
    Ok(match inv.sub.name.as_str() {
        "list" => RenewalCommand::List {
            within_days: inv.days("within"),
            page: inv.page(),
        },
        "show" => RenewalCommand::Show {
            account: account()?,
        },
        "followup" => RenewalCommand::FollowUp {
            account: account()?,
            responded: inv.text("responded").is_some_and(|r| r == "yes"),
        },
        "extend" => RenewalCommand::Extend {
            account: account()?,
            days: inv.req_days("days")?,
        },
        "renewed" => RenewalCommand::Renewed {
            account: account()?,
            arr: inv.money("arr"),
            date: inv.date("date"),
        },
        "churned" => RenewalCommand::Churned {
            account: account()?,
            reason: inv.req_text("reason")?,
        },
        other => return Err(super::undeclared(inv, other)),
    })
}
