//! Purpose: `/qbr` text → a typed `QbrCommand`.

use chrono::NaiveDate;

use super::error::ParseError;
use super::invocation::Invocation;

#[derive(Debug, Clone, PartialEq)]
pub enum QbrCommand {
    Prep {
        account: String,
    },
    Schedule {
        account: String,
        date: NaiveDate,
        sponsor_confirmed: bool,
    },
    Done {
        account: String,
        date: Option<NaiveDate>,
    },
}

pub fn from_invocation(inv: &Invocation) -> Result<QbrCommand, ParseError> {
    let account = inv.req_text("account")?;
    Ok(match inv.sub.name.as_str() {
        "prep" => QbrCommand::Prep { account },
        "schedule" => QbrCommand::Schedule {
            account,
            date: inv.req_date("date")?,
            sponsor_confirmed: inv.text("sponsor").is_some_and(|s| s == "yes"),
        },
        "done" => QbrCommand::Done {
            account,
            date: inv.date("date"),
        },
        other => return Err(super::undeclared(inv, other)),
    })
}
