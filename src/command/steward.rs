//! Purpose: `/steward` text → a typed `StewardCommand`.

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::person::Person;

#[derive(Debug, Clone, PartialEq)]
pub enum StewardCommand {
    Help { topic: Option<String> },
    WhoAmI,
    Manager { user: Person, manager: Person },
    Owner { alias: String, user: Person },
    Timezone { zone: String },
    Currency { code: String },
    FiscalYear { month: String },
    Undo,
    Ask { prompt: String },
}

pub fn from_invocation(inv: &Invocation) -> Result<StewardCommand, ParseError> {
    Ok(match inv.sub.name.as_str() {
        "help" => StewardCommand::Help {
            topic: inv.text("command"),
        },
        "whoami" => StewardCommand::WhoAmI,
        "manager" => StewardCommand::Manager {
            user: inv.req_user("user")?,
            manager: inv.req_user("manager")?,
        },
        "owner" => StewardCommand::Owner {
            alias: inv.req_text("alias")?,
            user: inv.req_user("user")?,
        },
        "timezone" => StewardCommand::Timezone {
            zone: inv.req_text("zone")?,
        },
        "currency" => StewardCommand::Currency {
            code: inv.req_text("code")?,
        },
        "undo" => StewardCommand::Undo,
        "ask" => StewardCommand::Ask {
            prompt: inv.req_text("prompt")?,
        },
        "fiscal-year" => StewardCommand::FiscalYear {
            month: inv.req_text("month")?,
        },
        other => return Err(super::undeclared(inv, other)),
    })
}
