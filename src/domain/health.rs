//! Purpose: the weighted health score — five signal categories rated green/yellow/red, the
//! score re-normalised over known categories, bands, dated snapshots and the *declining* rule,
//! and where the ROI signal comes from (recorded, or the plan's success metrics).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::error::DomainError;
use super::value::TargetsMet;

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

/// A signal category and its weight in the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Usage,
    Adoption,
    Relationship,
    Tickets,
    Roi,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Usage,
        Category::Adoption,
        Category::Relationship,
        Category::Tickets,
        Category::Roi,
    ];

    /// Weight in percent; the five add up to 100.
    pub fn weight(self) -> u32 {
        match self {
            Category::Usage => 30,
            Category::Adoption => 20,
            Category::Relationship => 20,
            Category::Tickets => 15,
            Category::Roi => 15,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Usage => "usage",
            Category::Adoption => "adoption",
            Category::Relationship => "relationship (NPS)",
            Category::Tickets => "support tickets",
            Category::Roi => "ROI",
        }
    }

    /// Rates this category from the signals; `None` when the signal is unknown.
    pub fn rate(self, s: &Signals) -> Option<Rating> {
        use Rating::*;
        Some(match self {
            Category::Usage => match s.usage? {
                u if u > 80.0 => Green,
                u if u >= 50.0 => Yellow,
                _ => Red,
            },
            // The playbook lists red as "0–1"; DOMAIN.md rates exactly one feature yellow.
            Category::Adoption => match s.adoption? {
                a if a >= 3 => Green,
                1 | 2 => Yellow,
                _ => Red,
            },
            Category::Relationship => match s.nps? {
                8..=10 => Green,
                6 | 7 => Yellow,
                _ => Red,
            },
            Category::Tickets => match s.tickets? {
                TicketTrend::Zero | TicketTrend::Decreasing => Green,
                TicketTrend::Stable => Yellow,
                TicketTrend::Increasing | TicketTrend::Escalated => Red,
            },
            Category::Roi => match s.roi? {
                r if r > 90.0 => Green,
                r if r >= 70.0 => Yellow,
                _ => Red,
            },
        })
    }
}

/// One category's rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rating {
    Green,
    Yellow,
    Red,
}

impl Rating {
    pub fn points(self) -> f64 {
        match self {
            Rating::Green => 100.0,
            Rating::Yellow => 50.0,
            Rating::Red => 0.0,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Rating::Green => "green",
            Rating::Yellow => "yellow",
            Rating::Red => "red",
        }
    }
}

/// The health band; ordered from best to worst, `Unknown` last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Band {
    Green,
    Yellow,
    Red,
    Unknown,
}

impl Band {
    /// Score > 75 green, 50–75 yellow, < 50 red — decided on the unrounded score.
    pub fn of_score(score: f64) -> Band {
        if score > 75.0 {
            Band::Green
        } else if score >= 50.0 {
            Band::Yellow
        } else {
            Band::Red
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Band::Green => "green",
            Band::Yellow => "yellow",
            Band::Red => "red",
            Band::Unknown => "unknown",
        }
    }

    pub fn parse(input: &str) -> Option<Band> {
        [Band::Green, Band::Yellow, Band::Red, Band::Unknown]
            .into_iter()
            .find(|b| b.word() == input)
    }

    /// Renewal probability used by forecasts.
    pub fn renewal_probability(self) -> f64 {
        match self {
            Band::Green => 0.95,
            Band::Yellow => 0.78,
            Band::Red => 0.50,
            Band::Unknown => 0.78,
        }
    }

    /// Whether `self` is a worse known band than `earlier`.
    pub fn worse_than(self, earlier: Band) -> bool {
        self != Band::Unknown && earlier != Band::Unknown && self > earlier
    }
}

/// The assessed health of a set of signals.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// 0–100, unrounded; `None` when every category is unknown.
    pub score: Option<f64>,
    pub band: Band,
    /// Some (not all) categories are unknown: the score covers only the known weights.
    pub partial: bool,
    pub ratings: Vec<(Category, Option<Rating>)>,
}

impl Health {
    pub fn assess(signals: &Signals) -> Health {
        let ratings: Vec<_> = Category::ALL
            .iter()
            .map(|c| (*c, c.rate(signals)))
            .collect();
        let known = ratings.iter().filter(|(_, r)| r.is_some()).count();
        let score = score(signals);
        Health {
            score,
            band: score.map_or(Band::Unknown, Band::of_score),
            partial: known > 0 && known < Category::ALL.len(),
            ratings,
        }
    }

    /// The categories rated red.
    pub fn red_categories(&self) -> impl Iterator<Item = Category> + '_ {
        self.ratings
            .iter()
            .filter(|(_, r)| *r == Some(Rating::Red))
            .map(|(c, _)| *c)
    }
}

/// The weighted score, re-normalised over the known categories; `None` when none is known.
/// (The hot path of list-wide checks: no allocation.)
pub fn score(signals: &Signals) -> Option<f64> {
    let (weight, points) = Category::ALL
        .iter()
        .filter_map(|c| c.rate(signals).map(|r| (c.weight() as f64, r.points())))
        .fold((0.0, 0.0), |(w, p), (cw, cp)| (w + cw, p + cw * cp));
    (weight > 0.0).then(|| points / weight)
}

/// A score shown to people: a whole number rounded half up (82.5 → 83).
pub fn shown_score(score: f64) -> u32 {
    (score + 0.5).floor() as u32
}

/// The merged signals as of one change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub at: DateTime<Utc>,
    pub signals: Signals,
}

/// How far back *declining* looks.
pub const DECLINE_WINDOW_DAYS: i64 = 30;
/// The fall in points within the window that counts as declining.
pub const DECLINE_POINTS: f64 = 15.0;

/// Declining: the current score fell by ≥ 15 points, or its band worsened, compared with any
/// state held during the last 30 days (including the state at the window's start).
/// `history` is in time order; the last snapshot is the current state.
pub fn is_declining(history: &[Snapshot], now: DateTime<Utc>) -> bool {
    let Some((current, earlier)) = history.split_last() else {
        return false;
    };
    let Some(now_score) = score(&current.signals) else {
        return false;
    };
    let now_band = Band::of_score(now_score);
    let window_start = now - Duration::days(DECLINE_WINDOW_DAYS);
    let first_inside = earlier.partition_point(|s| s.at < window_start);
    // The state in force when the window opened counts as well.
    let from = first_inside.saturating_sub(1);
    earlier[from..]
        .iter()
        .filter_map(|s| score(&s.signals))
        .any(|before| {
            before - now_score >= DECLINE_POINTS || now_band.worse_than(Band::of_score(before))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn all(usage: f64, adoption: u32, nps: u8, tickets: TicketTrend, roi: f64) -> Signals {
        Signals {
            usage: Some(usage),
            adoption: Some(adoption),
            nps: Some(nps),
            tickets: Some(tickets),
            roi: Some(roi),
        }
    }

    fn score(s: &Signals) -> f64 {
        Health::assess(s).score.expect("known")
    }

    #[test]
    fn weights_are_30_20_20_15_15() {
        let weights: Vec<u32> = Category::ALL.iter().map(|c| c.weight()).collect();
        assert_eq!(weights, [30, 20, 20, 15, 15]);
        // Only usage red: 100 - 30 = 70.
        assert_eq!(score(&all(10.0, 3, 9, TicketTrend::Zero, 95.0)), 70.0);
        // Only tickets yellow: 100 - 15 * 0.5.
        assert_eq!(score(&all(90.0, 3, 9, TicketTrend::Stable, 95.0)), 92.5);
        // Adoption and NPS red: 100 - 40.
        assert_eq!(score(&all(90.0, 0, 5, TicketTrend::Decreasing, 95.0)), 60.0);
    }

    #[test]
    fn category_edges() {
        let rate = |c: Category, s: Signals| c.rate(&s).expect("known");
        let usage = |u| Signals {
            usage: Some(u),
            ..Signals::default()
        };
        assert_eq!(rate(Category::Usage, usage(80.0)), Rating::Yellow);
        assert_eq!(rate(Category::Usage, usage(80.1)), Rating::Green);
        assert_eq!(rate(Category::Usage, usage(50.0)), Rating::Yellow);
        assert_eq!(rate(Category::Usage, usage(49.9)), Rating::Red);
        let roi = |r| Signals {
            roi: Some(r),
            ..Signals::default()
        };
        assert_eq!(rate(Category::Roi, roi(90.0)), Rating::Yellow);
        assert_eq!(rate(Category::Roi, roi(90.5)), Rating::Green);
        assert_eq!(rate(Category::Roi, roi(70.0)), Rating::Yellow);
        assert_eq!(rate(Category::Roi, roi(69.0)), Rating::Red);
        let adoption = |a| Signals {
            adoption: Some(a),
            ..Signals::default()
        };
        assert_eq!(rate(Category::Adoption, adoption(3)), Rating::Green);
        assert_eq!(rate(Category::Adoption, adoption(1)), Rating::Yellow);
        assert_eq!(rate(Category::Adoption, adoption(0)), Rating::Red);
        let nps = |n| Signals {
            nps: Some(n),
            ..Signals::default()
        };
        assert_eq!(rate(Category::Relationship, nps(8)), Rating::Green);
        assert_eq!(rate(Category::Relationship, nps(7)), Rating::Yellow);
        assert_eq!(rate(Category::Relationship, nps(6)), Rating::Yellow);
        assert_eq!(rate(Category::Relationship, nps(5)), Rating::Red);
        let tickets = |t| Signals {
            tickets: Some(t),
            ..Signals::default()
        };
        assert_eq!(
            rate(Category::Tickets, tickets(TicketTrend::Zero)),
            Rating::Green
        );
        assert_eq!(
            rate(Category::Tickets, tickets(TicketTrend::Decreasing)),
            Rating::Green
        );
        assert_eq!(
            rate(Category::Tickets, tickets(TicketTrend::Stable)),
            Rating::Yellow
        );
        assert_eq!(
            rate(Category::Tickets, tickets(TicketTrend::Increasing)),
            Rating::Red
        );
        assert_eq!(
            rate(Category::Tickets, tickets(TicketTrend::Escalated)),
            Rating::Red
        );
    }

    #[test]
    fn band_edges_at_50_and_75() {
        assert_eq!(Band::of_score(75.0), Band::Yellow);
        assert_eq!(Band::of_score(75.01), Band::Green);
        assert_eq!(Band::of_score(50.0), Band::Yellow);
        assert_eq!(Band::of_score(49.99), Band::Red);
        // 75 exactly from real signals: usage yellow, tickets yellow... 100-15-7.5-... use 50/50.
        let yellow = all(60.0, 2, 7, TicketTrend::Stable, 80.0);
        assert_eq!(score(&yellow), 50.0);
        assert_eq!(Health::assess(&yellow).band, Band::Yellow);
    }

    #[test]
    fn partial_and_unknown() {
        let none = Health::assess(&Signals::default());
        assert_eq!(
            (none.score, none.band, none.partial),
            (None, Band::Unknown, false)
        );
        // Only NPS known and yellow: 50 over the known 20 % weight.
        let one = Health::assess(&Signals {
            nps: Some(7),
            ..Signals::default()
        });
        assert_eq!(
            (one.score, one.band, one.partial),
            (Some(50.0), Band::Yellow, true)
        );
        // Usage green (30) + NPS red (20): 30*100 / 50 = 60.
        let two = Health::assess(&Signals {
            usage: Some(90.0),
            nps: Some(3),
            ..Signals::default()
        });
        assert_eq!(two.score, Some(60.0));
        assert!(!Health::assess(&all(90.0, 3, 9, TicketTrend::Zero, 95.0)).partial);
    }

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

    #[test]
    fn rounding_half_up() {
        assert_eq!(shown_score(82.5), 83);
        assert_eq!(shown_score(82.49), 82);
        assert_eq!(shown_score(0.0), 0);
    }

    #[test]
    fn probabilities() {
        assert_eq!(Band::Green.renewal_probability(), 0.95);
        assert_eq!(Band::Yellow.renewal_probability(), 0.78);
        assert_eq!(Band::Red.renewal_probability(), 0.50);
        assert_eq!(Band::Unknown.renewal_probability(), 0.78);
    }

    fn snap(month: u32, day: u32, s: Signals) -> Snapshot {
        let at = Utc
            .with_ymd_and_hms(2026, month, day, 12, 0, 0)
            .single()
            .expect("valid");
        Snapshot { at, signals: s }
    }

    #[test]
    fn declining_by_points_or_band() {
        // The window opens on March 1 at 18:00.
        let now = Utc
            .with_ymd_and_hms(2026, 3, 31, 18, 0, 0)
            .single()
            .expect("valid");
        let green100 = all(90.0, 3, 9, TicketTrend::Zero, 95.0);
        let green85 = all(90.0, 3, 9, TicketTrend::Escalated, 95.0); // 85
        let green80 = all(90.0, 3, 7, TicketTrend::Zero, 95.0); // 90
                                                                // 100 → 85 is exactly 15 points: declining.
        assert!(is_declining(
            &[snap(3, 10, green100), snap(3, 30, green85)],
            now
        ));
        // 100 → 90 is 10 points, band unchanged: not declining.
        assert!(!is_declining(
            &[snap(3, 10, green100), snap(3, 30, green80)],
            now
        ));
        // A band worsening (green 80+ → yellow) counts even under 15 points.
        let green77 = all(90.0, 3, 9, TicketTrend::Increasing, 80.0); // 77.5
        let yellow = all(90.0, 3, 7, TicketTrend::Increasing, 80.0); // 67.5
        let (a, b) = (score(&green77), score(&yellow));
        assert!(a > 75.0 && b <= 75.0 && a - b < 15.0, "{a} {b}");
        assert!(is_declining(
            &[snap(3, 20, green77), snap(3, 30, yellow)],
            now
        ));
        // The state in force when the window opened counts (set on Feb 20, still held Mar 1)…
        assert!(is_declining(
            &[snap(2, 20, green100), snap(3, 30, green85)],
            now
        ));
        // …but not a state replaced before the window opened.
        let older = [
            snap(2, 20, green100),
            snap(2, 25, green85),
            snap(3, 30, green85),
        ];
        assert!(!is_declining(&older, now));
        // A single snapshot never declines.
        assert!(!is_declining(&[snap(3, 30, green85)], now));
    }
}
