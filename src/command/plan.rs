//! Purpose: `/plan` text → a typed `PlanCommand`.

use chrono::NaiveDate;

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::person::Person;

#[derive(Debug, Clone, PartialEq)]
pub enum PlanCommand {
    Show {
        account: String,
    },
    Goal {
        account: String,
        text: String,
        maps: Option<String>,
    },
    Metric {
        account: String,
        name: String,
        target: f64,
        current: f64,
    },
    Risk {
        account: String,
        text: String,
        mitigation: Option<String>,
    },
    Action {
        account: String,
        text: String,
        due: NaiveDate,
        owner: Option<Person>,
    },
    Done {
        account: String,
        action: u32,
    },
}

pub fn from_invocation(inv: &Invocation) -> Result<PlanCommand, ParseError> {
    let account = inv.req_text("account")?;
    Ok(match inv.sub.name.as_str() {
        "show" => PlanCommand::Show { account },
        "goal" => PlanCommand::Goal {
            account,
            text: inv.req_text("text")?,
            maps: inv.text("maps"),
        },
        "metric" => PlanCommand::Metric {
            account,
            name: inv.req_text("name")?,
            target: inv.req_number("target")?,
            current: inv.req_number("current")?,
        },
        "risk" => PlanCommand::Risk {
            account,
            text: inv.req_text("text")?,
            mitigation: inv.text("mitigation"),
        },
        "action" => PlanCommand::Action {
            account,
            text: inv.req_text("text")?,
            due: inv.req_date("due")?,
            owner: inv.user("owner"),
        },
        "done" => PlanCommand::Done {
            account,
            action: inv
                .integer("action")
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| super::undeclared(inv, "action"))?,
        },
        other => return Err(super::undeclared(inv, other)),
    })
}
