//! Purpose: `/atrisk` text → a typed `AtRiskCommand`.

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::person::Person;
use crate::domain::saveplay::{Milestone, RootCause};

#[derive(Debug, Clone, PartialEq)]
pub enum AtRiskCommand {
    List {
        page: usize,
    },
    Save {
        account: String,
        cause: RootCause,
        owner: Person,
    },
    Step {
        account: String,
        milestone: Milestone,
    },
    Checkin {
        account: String,
        note: Option<String>,
    },
    Resolve {
        account: String,
        force: bool,
        reason: Option<String>,
    },
}

pub fn from_invocation(inv: &Invocation) -> Result<AtRiskCommand, ParseError> {
    Ok(match inv.sub.name.as_str() {
        "list" => AtRiskCommand::List { page: inv.page() },
        "save" => AtRiskCommand::Save {
            account: inv.req_text("account")?,
            cause: inv
                .choice("cause", RootCause::parse)?
                .ok_or_else(|| super::undeclared(inv, "cause"))?,
            owner: inv.req_user("owner")?,
        },
        "step" => AtRiskCommand::Step {
            account: inv.req_text("account")?,
            milestone: inv
                .choice("milestone", Milestone::parse)?
                .ok_or_else(|| super::undeclared(inv, "milestone"))?,
        },
        "checkin" => AtRiskCommand::Checkin {
            account: inv.req_text("account")?,
            note: inv.text("note"),
        },
        "resolve" => AtRiskCommand::Resolve {
            account: inv.req_text("account")?,
            force: inv.text("force").is_some(),
            reason: inv.text("reason"),
        },
        other => return Err(super::undeclared(inv, other)),
    })
}
