//! Purpose: health signals from received data (INGEST.md, "Signals from data") — the compact
//! per-account daily rollup events are folded into ([`DayRollup`], with the per-tenant
//! [`Interner`] tables), the usage, adoption, tickets and NPS formulas over a window of
//! rollups for a day, each with the figures behind it, how recent each kind of data is
//! ([`Freshness`]), how data-fed values meet hand-set ones ([`merge()`]), the intake
//! counts `/steward ingest status` shows ([`IntakeCounts`]), the seven risk and opportunity
//! indicators live on a day ([`evaluate`]), and weekly active users over the weeks — the
//! 12-week chart's series and the digest's movers ([`weekly_active_users`], [`movers`]).
//! Pure: days and times are arguments.

mod counts;
mod formulas;
mod freshness;
mod indicators;
mod merge;
mod rollup;
mod seats;
mod weeks;

pub use counts::{IntakeCounts, IntakeStatus, Unmatched};
pub use formulas::{
    adoption, nps, tickets, usage, DataSignals, Feature, Reading, ADOPTION_WINDOW_DAYS,
    NPS_WINDOW_DAYS, TICKETS_LOOKBACK_DAYS, USAGE_WINDOW_DAYS,
};
pub use freshness::{Feed, Freshness};
pub use indicators::{
    evaluate, Indicator, IndicatorInput, IndicatorKind, PersonUser,
    SNOOZE_DAYS as INDICATOR_SNOOZE_DAYS,
};
pub use merge::{merge, Merged, DATA_FED};
pub use rollup::{DayRollup, Interner, NpsScore, RollupError, TicketChange};
pub use seats::{seats_for_usage, SeatsTrait};
pub use weeks::{movers, week_over_week, weekly_active_users, ActiveWeek, Mover, CHART_WEEKS};

#[cfg(test)]
mod tests;
