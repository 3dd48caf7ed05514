//! Purpose: account health — the signals ([`signals`]) and where each came from
//! ([`sources`]), the weighted score and its bands
//! ([`score`]), and snapshots over time with the *declining* rule ([`trend`]). Everything is
//! re-exported here: callers name `domain::health::Band`, never the submodule.

mod score;
mod signals;
mod sources;
mod trend;

pub use score::{score, shown_score, Band, Category, Health, Rating};
pub use signals::{effective, RoiSource, Signals, TicketTrend};
pub use sources::{SignalSources, Source};
pub use trend::{is_declining, Snapshot, DECLINE_POINTS, DECLINE_WINDOW_DAYS};

/// Shorthands the submodules' tests share.
#[cfg(test)]
mod test_support {
    use super::{Health, Signals, TicketTrend};

    /// Every signal known.
    pub fn all(usage: f64, adoption: u32, nps: u8, tickets: TicketTrend, roi: f64) -> Signals {
        Signals {
            usage: Some(usage),
            adoption: Some(adoption),
            nps: Some(nps),
            tickets: Some(tickets),
            roi: Some(roi),
        }
    }

    /// The score of signals of which some are known.
    pub fn score(s: &Signals) -> f64 {
        Health::assess(s).score.expect("known")
    }
}
