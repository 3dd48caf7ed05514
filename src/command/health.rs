//! Purpose: `/health` text → a typed `HealthCommand`.

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::health::{Signals, TicketTrend};

#[derive(Debug, Clone, PartialEq)]
pub enum HealthCommand {
    Set {
        account: String,
        signals: Signals,
    },
    Show {
        account: String,
    },
    /// The account's indicator messages held for 14 days (*Snooze 14 days*).
    Snooze {
        account: String,
        /// `days:` (default 14).
        days: Option<u32>,
    },
}

pub fn from_invocation(inv: &Invocation) -> Result<HealthCommand, ParseError> {
    let account = inv.req_text("account")?;
    Ok(match inv.sub.name.as_str() {
        "set" => HealthCommand::Set {
            account,
            signals: Signals {
                usage: inv.percent("usage"),
                adoption: inv.integer("adoption").and_then(|n| u32::try_from(n).ok()),
                nps: inv.integer("nps").and_then(|n| u8::try_from(n).ok()),
                tickets: inv.choice("tickets", TicketTrend::parse)?,
                roi: inv.percent("roi"),
            },
        },
        "show" => HealthCommand::Show { account },
        "snooze" => HealthCommand::Snooze {
            account,
            days: inv.integer("days").and_then(|d| u32::try_from(d).ok()),
        },
        other => return Err(super::undeclared(inv, other)),
    })
}
