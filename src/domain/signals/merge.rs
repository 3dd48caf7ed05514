//! Purpose: data-fed signals meet recorded ones (INGEST.md): for usage, adoption, tickets and
//! NPS, a value computed from data replaces the recorded one when its newest event is newer
//! than a hand-set value (or the recorded value came from data); otherwise the hand-set value
//! stands. Usage is kept as a whole percent, as people read and type it.

use super::formulas::DataSignals;
use super::freshness::Freshness;
use crate::domain::health::{Category, SignalSources, Signals, Source};

/// The signals and their sources after data was merged in.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub signals: Signals,
    pub sources: SignalSources,
}

/// The four data-fed categories (ROI comes from the plan or `/health set`).
pub const DATA_FED: [Category; 4] = [
    Category::Usage,
    Category::Adoption,
    Category::Tickets,
    Category::Relationship,
];

/// `recorded` with each data-fed signal replaced by `data` where data wins.
pub fn merge(
    recorded: &Signals,
    sources: &SignalSources,
    data: &DataSignals,
    fresh: &Freshness,
) -> Merged {
    let mut out = Merged {
        signals: *recorded,
        sources: sources.clone(),
    };
    for category in DATA_FED {
        let Some(at) = fresh.of(category) else {
            continue;
        };
        // A value recorded before sources were kept counts as hand-set long ago.
        if !sources.get(category).is_none_or(|s| s.yields_to_data(at)) {
            continue;
        }
        let s = &mut out.signals;
        let taken = match category {
            Category::Usage => data.usage.value.map(|u| s.usage = Some(u.round())),
            Category::Adoption => data.adoption.value.map(|a| s.adoption = Some(a)),
            Category::Tickets => data.tickets.value.map(|t| s.tickets = Some(t)),
            Category::Relationship => data.nps.value.map(|n| s.nps = Some(n)),
            Category::Roi => None,
        };
        if taken.is_some() {
            out.sources.set(category, Source::Data { at });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, TimeZone, Utc};

    use super::super::formulas::Reading;
    use super::*;
    use crate::domain::health::TicketTrend;
    use crate::domain::person::UserId;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0)
            .single()
            .expect("valid")
    }

    fn known<T>(value: T) -> Reading<T> {
        Reading {
            value: Some(value),
            figures: String::new(),
        }
    }

    fn data(usage: f64, tickets: TicketTrend) -> DataSignals {
        DataSignals {
            usage: known(usage),
            adoption: Reading {
                value: None,
                figures: String::new(),
            },
            tickets: known(tickets),
            nps: known(9),
        }
    }

    #[test]
    fn newer_data_replaces_a_hand_set_value_and_older_data_does_not() {
        let recorded = Signals {
            usage: Some(80.0),
            nps: Some(3),
            ..Signals::default()
        };
        let mut sources = SignalSources::default();
        let alice = UserId("U-alice".into());
        sources.set(
            Category::Usage,
            Source::Hand {
                by: alice.clone(),
                at: at(20),
            },
        );
        sources.set(
            Category::Relationship,
            Source::Hand {
                by: alice,
                at: at(20),
            },
        );
        let fresh = Freshness {
            activity: Some(at(22)),
            survey: Some(at(19)),
            ..Freshness::default()
        };
        let m = merge(&recorded, &sources, &data(61.6, TicketTrend::Zero), &fresh);
        assert_eq!(m.signals.usage, Some(62.0), "rounded to a whole percent");
        assert_eq!(m.sources.usage, Some(Source::Data { at: at(22) }));
        assert_eq!(
            m.signals.nps,
            Some(3),
            "the survey is older than the hand-set NPS"
        );
        assert!(matches!(m.sources.nps, Some(Source::Hand { .. })));
        assert_eq!(m.signals.tickets, None, "no ticket event ever arrived");
        assert_eq!(
            m.signals.adoption, None,
            "adoption unknown from data stays unknown"
        );
    }

    #[test]
    fn data_replaces_earlier_data_and_unsourced_values() {
        let recorded = Signals {
            usage: Some(90.0),
            tickets: Some(TicketTrend::Zero),
            ..Signals::default()
        };
        let mut sources = SignalSources::default();
        sources.set(Category::Usage, Source::Data { at: at(22) });
        let fresh = Freshness {
            activity: Some(at(21)),
            ticket: Some(at(1) - Duration::days(300)),
            ..Freshness::default()
        };
        let m = merge(
            &recorded,
            &sources,
            &data(40.0, TicketTrend::Escalated),
            &fresh,
        );
        assert_eq!(m.signals.usage, Some(40.0));
        assert_eq!(m.signals.tickets, Some(TicketTrend::Escalated));
        assert_eq!(m.signals.roi, None);
    }
}
