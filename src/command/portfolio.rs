//! Purpose: `/portfolio` text → a typed `PortfolioCommand`.

use super::error::ParseError;
use super::invocation::Invocation;

#[derive(Debug, Clone, PartialEq)]
pub enum PortfolioCommand {
    Summary,
    Forecast { quarters: usize },
    WinLoss { quarters: usize },
}

/// Quarters shown by `/portfolio forecast` and `/portfolio winloss` when not given.
pub const DEFAULT_QUARTERS: usize = 4;

pub fn from_invocation(inv: &Invocation) -> Result<PortfolioCommand, ParseError> {
    Ok(match inv.sub.name.as_str() {
        "summary" => PortfolioCommand::Summary,
        "forecast" => PortfolioCommand::Forecast {
            quarters: quarters(inv),
        },
        "winloss" => PortfolioCommand::WinLoss {
            quarters: quarters(inv),
        },
        other => return Err(super::undeclared(inv, other)),
    })
}

fn quarters(inv: &Invocation) -> usize {
    inv.integer("quarters")
        .map_or(DEFAULT_QUARTERS, |q| q.clamp(1, 12) as usize)
}
