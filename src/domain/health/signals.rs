//! Purpose: the raw health signals of an account — usage, adoption, NPS, support tickets,
//! ROI — how `/health set` merges and validates them, and where the ROI signal comes from
//! (recorded, or the plan's success metrics).

use serde::{Deserialize, Serialize};

use super::super::error::DomainError;
use super::super::value::TargetsMet;

crate::word_enum! {
    /// Support-ticket trend, as `/health set tickets:` accepts it (DECISIONS 12).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum TicketTrend {
        /// No open tickets.
        Zero => "zero",
        Decreasing => "decreasing",
        Stable => "stable",
        Increasing => "increasing",
        Escalated => "escalated",
    }
}

/// The raw signals of an account; `None` is unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Signals {
    /// % of contracted seats active weekly, 0–100.
    pub usage: Option<f64>,
    /// Number of core features in use.
    pub adoption: Option<u32>,
    /// Net promoter score, 0–10.
    pub nps: Option<u8>,
    pub tickets: Option<TicketTrend>,
    /// % of success targets met, 0–100.
    pub roi: Option<f64>,
}

impl Signals {
    /// The given signals replace the current ones; the others stay (DECISIONS 12).
    pub fn merged_with(&self, update: &Signals) -> Signals {
        Signals {
            usage: update.usage.or(self.usage),
            adoption: update.adoption.or(self.adoption),
            nps: update.nps.or(self.nps),
            tickets: update.tickets.or(self.tickets),
            roi: update.roi.or(self.roi),
        }
    }

    /// Rejects out-of-range values (NPS 11, usage 140 %).
    pub fn validate(&self) -> Result<(), DomainError> {
        let percent = |field: &str, v: Option<f64>| match v {
            Some(p) if !(0.0..=100.0).contains(&p) || p.is_nan() => Err(DomainError::invalid(
                field,
                format!("{p} is outside 0–100 %"),
                format!("{field}:85"),
            )),
            _ => Ok(()),
        };
        percent("usage", self.usage)?;
        percent("roi", self.roi)?;
        if let Some(n) = self.nps.filter(|n| *n > 10) {
            return Err(DomainError::invalid(
                "nps",
                format!("{n} is outside 0–10"),
                "nps:8",
            ));
        }
        if let Some(a) = self.adoption.filter(|a| *a > 1000) {
            return Err(DomainError::invalid(
                "adoption",
                format!("{a} core features is more than any product has"),
                "adoption:3",
            ));
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        *self == Signals::default()
    }
}

/// Where the ROI signal health is scored on comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoiSource {
    /// Given with `/health set roi:`: it wins over the plan.
    Recorded,
    /// No `roi:` recorded: the % of the plan's success metrics that meet their target.
    Plan(TargetsMet),
    /// Neither.
    Unknown,
}

impl RoiSource {
    /// `from plan metrics 3/4 met`, `from /health set`, or empty when unknown.
    pub fn describe(self) -> String {
        match self {
            RoiSource::Recorded => "from /health set".into(),
            RoiSource::Plan(t) => format!("from plan metrics {}/{} met", t.met, t.total),
            RoiSource::Unknown => String::new(),
        }
    }
}

/// The signals health is scored on: the recorded ones; when no ROI was recorded, the plan's
/// targets met fill it in (DOMAIN.md: ROI = % of success targets met). Pure and cheap — it
/// runs for every account in list-wide checks.
pub fn effective(recorded: Signals, plan: Option<TargetsMet>) -> (Signals, RoiSource) {
    match (recorded.roi, plan) {
        (Some(_), _) => (recorded, RoiSource::Recorded),
        (None, Some(targets)) => (
            Signals {
                roi: Some(targets.percent()),
                ..recorded
            },
            RoiSource::Plan(targets),
        ),
        (None, None) => (recorded, RoiSource::Unknown),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::all;
    use super::super::{shown_score, Health};
    use super::*;
    #[test]
    fn out_of_range_rejected() {
        assert!(Signals {
            nps: Some(11),
            ..Signals::default()
        }
        .validate()
        .is_err());
        assert!(Signals {
            usage: Some(140.0),
            ..Signals::default()
        }
        .validate()
        .is_err());
        assert!(Signals {
            roi: Some(-1.0),
            ..Signals::default()
        }
        .validate()
        .is_err());
        assert!(all(100.0, 3, 10, TicketTrend::Zero, 100.0)
            .validate()
            .is_ok());
    }

    #[test]
    fn recorded_roi_wins_else_the_plan_s_targets_met() {
        let three_of_four = Some(TargetsMet { met: 3, total: 4 });
        let usage_only = Signals {
            usage: Some(90.0),
            ..Signals::default()
        };
        let (s, source) = effective(usage_only, three_of_four);
        assert_eq!(
            (s.roi, source),
            (Some(75.0), RoiSource::Plan(TargetsMet { met: 3, total: 4 }))
        );
        assert_eq!(source.describe(), "from plan metrics 3/4 met");
        // Usage green (30 × 100) + ROI yellow (15 × 50) over 45: 83.3.
        assert_eq!(shown_score(Health::assess(&s).score.expect("known")), 83);
        let recorded = Signals {
            roi: Some(95.0),
            ..usage_only
        };
        assert_eq!(
            effective(recorded, three_of_four),
            (recorded, RoiSource::Recorded)
        );
        assert_eq!(
            effective(usage_only, None),
            (usage_only, RoiSource::Unknown)
        );
    }
}
