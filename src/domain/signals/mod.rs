//! Purpose: health signals from received data (INGEST.md, "Signals from data") — the compact
//! per-account daily rollup events are folded into ([`DayRollup`], with the per-tenant
//! [`Interner`] tables), and the usage, adoption, tickets and NPS formulas over a window of
//! rollups for a day, each with the figures behind it. Pure: days and times are arguments.

mod formulas;
mod rollup;

pub use formulas::{
    adoption, nps, tickets, usage, DataSignals, Feature, Reading, ADOPTION_WINDOW_DAYS,
    NPS_WINDOW_DAYS, TICKETS_LOOKBACK_DAYS, USAGE_WINDOW_DAYS,
};
pub use rollup::{DayRollup, Interner, NpsScore, RollupError, TicketChange};

#[cfg(test)]
mod tests;
