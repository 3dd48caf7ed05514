//! Purpose: `/portfolio` text → a typed `PortfolioCommand`.

use super::error::ParseError;
use super::invocation::Invocation;

#[derive(Debug, Clone, PartialEq)]
pub enum PortfolioCommand {
    Summary,
    Forecast { quarters: usize },
}

/// Quarters shown by `/portfolio forecast` when not given.
pub const DEFAULT_QUARTERS: usize = 4;

pub fn from_invocation(inv: &Invocation) -> Result<PortfolioCommand, ParseError> {
    Ok(match inv.sub.name.as_str() {
        "summary" => PortfolioCommand::Summary,
        "forecast" => PortfolioCommand::Forecast {
            quarters: inv
                .integer("quarters")
                .map_or(DEFAULT_QUARTERS, |q| q.clamp(1, 12) as usize),
        },
        other => return Err(super::undeclared(inv, other)),
    })
}
