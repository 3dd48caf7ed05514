//! Purpose: the weighted health score — five categories rated green/yellow/red with their
//! weights, the score re-normalised over the known categories, and the bands it falls in.

use serde::{Deserialize, Serialize};

use super::signals::{Signals, TicketTrend};

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

#[cfg(test)]
mod tests {
    use super::super::test_support::{all, score};
    use super::*;
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
}
