//! Purpose: success metrics and the value they prove — targets met (the plan's ROI signal,
//! over metrics measured since their baseline), improvement since the first recorded value,
//! its yearly money value, and the ROI multiple (value delivered / ARR).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::DomainError;
use super::money::Money;

crate::word_enum! {
    /// Which way a metric improves, as `/plan metric better:` accepts it (default `higher`).
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum Better {
        /// Hours saved, tickets deflected: met when current ≥ target.
        #[default]
        Higher => "higher",
        /// Time to resolve, cost per ticket: met when current ≤ target.
        Lower => "lower",
    }
}

/// A value and the day it was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub value: f64,
    pub on: NaiveDate,
}

/// A success metric agreed with the customer; `id` is per plan (`m1`, `m2`…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    #[serde(default)]
    pub id: u32,
    pub name: String,
    pub target: f64,
    pub current: f64,
    /// The first recorded value: improvement is measured from it. `None` only on metrics
    /// recorded before Steward kept it (set on their next update).
    #[serde(default)]
    pub first: Option<Reading>,
    /// The last day the current value was set after the baseline's day. A metric only at
    /// its baseline is not evidence of ROI yet: at kickoff no target is met, and an account
    /// should not turn red for it.
    #[serde(default)]
    pub measured_on: Option<NaiveDate>,
    /// What one unit of improvement is worth to the customer per year, in the tenant's
    /// currency (cents count: `12.50`).
    #[serde(default)]
    pub value_per_unit: Option<f64>,
    #[serde(default)]
    pub better: Better,
}

impl Metric {
    /// Whether the current value meets the target, in the metric's direction.
    pub fn met(&self) -> bool {
        match self.better {
            Better::Higher => self.current >= self.target,
            Better::Lower => self.current <= self.target,
        }
    }

    /// Whether the metric counts toward targets met: measured since its baseline (metrics
    /// stored before baselines were kept always count — their value was a measurement).
    pub fn counts(&self) -> bool {
        self.first.is_none() || self.measured_on.is_some()
    }

    /// How far the metric moved the right way since the first recorded value (negative when
    /// it got worse); `None` without a first value.
    pub fn improvement(&self) -> Option<f64> {
        let first = self.first?.value;
        Some(match self.better {
            Better::Higher => self.current - first,
            Better::Lower => first - self.current,
        })
    }

    /// The yearly money value of the improvement; `None` without a value per unit.
    pub fn value(&self) -> Option<f64> {
        Some(self.improvement()? * self.value_per_unit?)
    }

    /// How far the metric has come toward its target. Every view of a metric (the plan,
    /// QBR prep, the renewal) shows this one figure.
    pub fn progress(&self) -> Progress {
        let ratio = match self.better {
            Better::Higher => self.current / self.target,
            Better::Lower => self.target / self.current,
        };
        let met = self.met();
        // A target of 0 (higher is better) or a current 0 (lower is better) has no ratio:
        // it is all the way there when met, not at all otherwise.
        let percent = match ratio {
            r if r.is_finite() && r >= 0.0 => 100.0 * r,
            _ if met => 100.0,
            _ => 0.0,
        };
        Progress { percent, met }
    }
}

/// How far one metric has come toward its target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// The share of the target reached, in %: current ÷ target, or target ÷ current when
    /// lower is better (a 5-hour response against a 4-hour target is 80 %). Over 100 once the
    /// target is beaten.
    pub percent: f64,
    pub met: bool,
}

/// How many success metrics, of those measured since their baseline, meet their target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetsMet {
    pub met: usize,
    pub total: usize,
}

impl TargetsMet {
    /// Counts the metrics that [`Metric::counts`]; `None` when none does. (Health calls this
    /// for every account in list-wide checks: no allocation.)
    pub fn of(metrics: &[Metric]) -> Option<TargetsMet> {
        let (met, total) = metrics
            .iter()
            .filter(|m| m.counts())
            .fold((0, 0), |(met, total), m| {
                (met + usize::from(m.met()), total + 1)
            });
        (total > 0).then_some(TargetsMet { met, total })
    }

    /// 0–100: the ROI signal health rates (> 90 green, 70–90 yellow, < 70 red).
    pub fn percent(self) -> f64 {
        100.0 * self.met as f64 / self.total as f64
    }
}

/// The value the plan's metrics prove against the contract.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueSummary {
    pub targets: Option<TargetsMet>,
    /// Metrics with a money value (a first value and a value per unit).
    pub valued: usize,
    /// Sum of the metrics' yearly money values: value delivered this year.
    pub value: f64,
    /// `value / ARR`; `None` when no metric has a money value or the ARR is 0.
    pub multiple: Option<f64>,
}

impl ValueSummary {
    pub fn of(metrics: &[Metric], arr: Money) -> ValueSummary {
        let values = metrics.iter().filter_map(Metric::value);
        let (valued, value) = values.fold((0, 0.0), |(n, sum), v| (n + 1, sum + v));
        ValueSummary {
            targets: TargetsMet::of(metrics),
            valued,
            value,
            multiple: (valued > 0 && arr.0 > 0).then(|| value / arr.0 as f64),
        }
    }
}

/// Reads a money value per unit — `$75`, `12.50`, `3.9k`, `1,200` — keeping cents, which
/// `Money` (whole units) would round away.
pub fn parse_per_unit(field: &str, input: &str) -> Result<f64, DomainError> {
    let bad = |problem: String| {
        DomainError::invalid(
            field,
            problem,
            format!("{field}:$75, {field}:12.50 or {field}:3.9k"),
        )
    };
    let text = input.trim();
    let text = text.strip_prefix('$').unwrap_or(text).trim();
    let (digits, multiplier) = match text.char_indices().next_back() {
        Some((at, 'k' | 'K')) => (&text[..at], 1e3),
        Some((at, 'm' | 'M')) => (&text[..at], 1e6),
        _ => (text, 1.0),
    };
    let plain: String = digits.chars().filter(|c| *c != ',').collect();
    let number = plain
        .parse::<f64>()
        .ok()
        .filter(|n| {
            n.is_finite()
                && plain
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        })
        .ok_or_else(|| bad(format!("\"{input}\" is not an amount")))?;
    let value = number * multiplier;
    if value < 0.0 {
        return Err(bad(format!(
            "\"{input}\" is negative; a unit is worth 0 or more"
        )));
    }
    if value > 1e9 {
        return Err(bad(format!("\"{input}\" is too large for one unit")));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("valid")
    }

    fn metric(name: &str, first: f64, target: f64, current: f64, per_unit: Option<f64>) -> Metric {
        Metric {
            id: 0,
            name: name.into(),
            target,
            current,
            first: Some(Reading {
                value: first,
                on: day(1, 5),
            }),
            value_per_unit: per_unit,
            better: Better::Higher,
            measured_on: Some(day(3, 2)),
        }
    }

    /// The worked example (README, `/qbr prep`), on an account of $120,000 ARR:
    ///
    /// | metric                        | first | target | current | met | improvement | per unit | value    |
    /// |-------------------------------|-------|--------|---------|-----|-------------|----------|----------|
    /// | hours saved per week          |  10   |  40    |  32     | no  | +22         | $3,900   | $85,800  |
    /// | tickets deflected per month   | 100   | 500    | 520     | yes | +420        | $120     | $50,400  |
    /// | first response, hours (lower) |   8   |   4    |   3     | yes | +5          | $5,000   | $25,000  |
    /// | weekly active seats           |  50   | 100    | 100     | yes | +50         | —        | —        |
    ///
    /// ($3,900 = $75 an hour × 52 weeks: one more hour saved each week, for a year.)
    /// Targets met 3/4 = 75 % → the ROI signal is yellow (70–90).
    /// Value delivered this year = 85,800 + 50,400 + 25,000 = $161,200 from 3 valued metrics.
    /// ROI multiple = 161,200 / 120,000 = 1.343… → shown as 1.3×.
    #[test]
    fn worked_example() {
        let mut response = metric("First response (hours)", 8.0, 4.0, 3.0, Some(5000.0));
        response.better = Better::Lower;
        let metrics = [
            metric("Hours saved per week", 10.0, 40.0, 32.0, Some(3900.0)),
            metric(
                "Tickets deflected per month",
                100.0,
                500.0,
                520.0,
                Some(120.0),
            ),
            response,
            metric("Weekly active seats", 50.0, 100.0, 100.0, None),
        ];
        let improvements: Vec<_> = metrics.iter().map(|m| m.improvement()).collect();
        assert_eq!(
            improvements,
            [Some(22.0), Some(420.0), Some(5.0), Some(50.0)]
        );
        let summary = ValueSummary::of(&metrics, Money(120_000));
        assert_eq!(summary.targets, Some(TargetsMet { met: 3, total: 4 }));
        assert_eq!(summary.targets.map(TargetsMet::percent), Some(75.0));
        assert_eq!((summary.valued, summary.value), (3, 161_200.0));
        let multiple = summary.multiple.expect("valued metrics and ARR");
        assert!((multiple - 1.343_333).abs() < 1e-6, "{multiple}");
    }

    #[test]
    fn progress_is_the_share_of_the_target_reached() {
        let progress = |m: &Metric| {
            let p = m.progress();
            ((p.percent * 10.0).round() / 10.0, p.met)
        };
        // 800 hours of a 1,000 target: 80 %, not met (targets met 0/1).
        let hours = metric("Hours", 500.0, 1000.0, 800.0, None);
        assert_eq!(progress(&hours), (80.0, false));
        assert_eq!(
            TargetsMet::of(std::slice::from_ref(&hours)).map(TargetsMet::percent),
            Some(0.0)
        );
        assert_eq!(
            progress(&metric("Hours", 500.0, 1000.0, 1200.0, None)),
            (120.0, true)
        );
        // Lower is better: 5 h against a 4 h target is 80 %; 3 h beats it.
        let mut response = metric("First response", 8.0, 4.0, 5.0, None);
        response.better = Better::Lower;
        assert_eq!(progress(&response), (80.0, false));
        response.current = 3.0;
        assert_eq!(progress(&response), (133.3, true));
        // No ratio to take: all the way when met, else nothing.
        response.current = 0.0;
        assert_eq!(progress(&response), (100.0, true));
        assert_eq!(
            progress(&metric("Escalations", 3.0, 0.0, 0.0, None)),
            (100.0, true)
        );
        assert_eq!(
            progress(&metric("Savings", 0.0, 10.0, -5.0, None)),
            (0.0, false)
        );
    }

    #[test]
    fn lower_is_better_and_regressions() {
        let mut m = metric("Cost per ticket", 20.0, 15.0, 16.0, Some(1000.0));
        m.better = Better::Lower;
        assert!(!m.met());
        assert_eq!(m.value(), Some(4000.0));
        m.current = 15.0;
        assert!(m.met());
        m.current = 22.0; // worse than when we started: negative value
        assert_eq!(m.value(), Some(-2000.0));
        let legacy = Metric { first: None, ..m };
        assert_eq!((legacy.improvement(), legacy.value()), (None, None));
    }

    #[test]
    fn no_metrics_no_signal() {
        assert_eq!(TargetsMet::of(&[]), None);
        let summary = ValueSummary::of(&[], Money(50_000));
        assert_eq!((summary.valued, summary.multiple), (0, None));
        let baseline_only = Metric {
            measured_on: None,
            ..metric("Hours", 10.0, 40.0, 10.0, Some(1.0))
        };
        assert!(!baseline_only.counts());
        assert_eq!(TargetsMet::of(std::slice::from_ref(&baseline_only)), None);
        let legacy = Metric {
            first: None,
            ..baseline_only
        };
        assert!(legacy.counts());
        let unvalued = [metric("NPS", 6.0, 8.0, 9.0, None)];
        assert_eq!(ValueSummary::of(&unvalued, Money(50_000)).multiple, None);
        let free = [metric("Hours", 0.0, 8.0, 9.0, Some(10.0))];
        assert_eq!(ValueSummary::of(&free, Money(0)).multiple, None);
    }

    #[test]
    fn per_unit_amounts_keep_cents() {
        let ok = |s: &str| parse_per_unit("value-per-unit", s).expect(s);
        assert_eq!(ok("$75"), 75.0);
        assert_eq!(ok("12.50"), 12.5);
        assert_eq!(ok("3.9k"), 3900.0);
        assert_eq!(ok("$1,200"), 1200.0);
        assert_eq!(ok("0"), 0.0);
        for bad in [
            "abc",
            "$",
            "-5",
            "12..5",
            "inf",
            "NaN",
            "1e5",
            "5 dollars",
            "2B",
        ] {
            let err = parse_per_unit("value-per-unit", bad).expect_err(bad);
            assert!(
                err.to_string().contains("Example: value-per-unit:$75"),
                "{bad}: {err}"
            );
        }
    }
}
