//! Purpose: the renewal-timeline picture of `/renewal list` and the weekly digest — the next
//! 120 days, one mark per renewal sized by ARR in its health band's lane, the stage gates.

use chrono::{Duration, NaiveDate};

use super::font;
use super::place;
use super::scene::{
    band_colour, palette, pt, Anchor, Colour, Label, MarkShape, Point, Scene, SMALL,
};
use crate::domain::account::Account;
use crate::domain::health::Band;
use crate::domain::money::Money;

/// How far ahead the timeline looks: the first renewal gate.
pub const HORIZON_DAYS: i64 = 120;
/// The renewal gates (DOMAIN: stage by days until the renewal date).
pub const GATES: [i64; 5] = [120, 90, 60, 30, 7];
/// Only the largest renewals are named, so the picture stays legible.
pub const NAMED: usize = 8;
/// One lane per band, best first.
const LANES: [Band; 4] = [Band::Green, Band::Yellow, Band::Red, Band::Unknown];

const LEFT: f32 = 92.0;
const RIGHT: f32 = 776.0;
const TOP: f32 = 92.0;
const BOTTOM: f32 = 396.0;
/// Inside the plot, so a large mark at day 0 or day 120 is not cut by the edge.
const PAD: f32 = 18.0;
const MIN_RADIUS: f32 = 3.0;
const MAX_RADIUS: f32 = 13.0;

/// The renewals due in the next 120 days.
#[derive(Debug, Clone, PartialEq)]
pub struct RenewalTimeline {
    pub today: NaiveDate,
    /// ISO code for the amounts shown (the tenant's setting); USD unless set.
    pub currency: String,
    /// In date order.
    pub renewals: Vec<Renewal>,
    /// Active accounts past their renewal date: not on the timeline, but counted.
    pub overdue: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Renewal {
    pub account: String,
    pub arr: Money,
    pub date: NaiveDate,
    pub band: Band,
}

impl RenewalTimeline {
    pub fn of<'a>(
        accounts: impl IntoIterator<Item = &'a Account>,
        today: NaiveDate,
    ) -> RenewalTimeline {
        let mut renewals = Vec::new();
        let mut overdue = 0;
        for account in accounts.into_iter().filter(|a| a.is_active()) {
            match account.days_to_renewal(today) {
                d if d < 0 => overdue += 1,
                d if d <= HORIZON_DAYS => renewals.push(Renewal {
                    account: account.name.clone(),
                    arr: account.arr,
                    date: account.renewal_date,
                    band: account.health().band,
                }),
                _ => {}
            }
        }
        renewals.sort_by(|a, b| (a.date, &a.account).cmp(&(b.date, &b.account)));
        RenewalTimeline {
            today,
            currency: "USD".into(),
            renewals,
            overdue,
        }
    }

    /// The amounts in the tenant's currency instead of USD.
    pub fn in_currency(self, currency: &str) -> RenewalTimeline {
        RenewalTimeline {
            currency: currency.to_string(),
            ..self
        }
    }

    fn total(&self) -> Money {
        Money(
            self.renewals
                .iter()
                .fold(0u64, |t, r| t.saturating_add(r.arr.0)),
        )
    }

    /// Indexes of the renewals by ARR, largest first (date breaks ties).
    fn by_arr(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.renewals.len()).collect();
        order.sort_by_key(|i| {
            (
                std::cmp::Reverse(self.renewals[*i].arr),
                self.renewals[*i].date,
            )
        });
        order
    }

    pub fn title(&self) -> String {
        format!("Renewals — next {HORIZON_DAYS} days")
    }

    pub fn alt_text(&self) -> String {
        let count = |band: Band| self.renewals.iter().filter(|r| r.band == band).count();
        let bands: Vec<String> = LANES
            .iter()
            .map(|b| format!("{} {}", count(*b), b.word()))
            .collect();
        let largest = self.by_arr().first().map_or(String::new(), |i| {
            let r = &self.renewals[*i];
            format!(
                "; largest {} ({}, {})",
                r.account,
                self.money(r.arr),
                r.date
            )
        });
        let overdue = match self.overdue {
            0 => String::new(),
            n => format!("; {n} overdue, not shown"),
        };
        let count = match self.renewals.len() {
            1 => "1 renewal".to_string(),
            n => format!("{n} renewals"),
        };
        format!(
            "Timeline of {count} in the {HORIZON_DAYS} days from {} worth {}, by health: \
             {}{largest}{overdue}.",
            self.today,
            self.money(self.total()),
            bands.join(", "),
        )
    }

    fn money(&self, amount: Money) -> String {
        amount.short(&self.currency)
    }

    pub fn scene(&self) -> Scene {
        let mut scene = Scene::new();
        scene.heading(
            &self.title(),
            &format!(
                "{} renewals worth {} · circle area = ARR · largest {NAMED} named{}",
                self.renewals.len(),
                self.money(self.total()),
                match self.overdue {
                    0 => String::new(),
                    n => format!(" · {n} overdue not shown"),
                }
            ),
        );
        let lane_height = (BOTTOM - TOP) / LANES.len() as f32;
        for (i, band) in LANES.iter().enumerate() {
            let top = TOP + lane_height * i as f32;
            scene.rect(
                (LEFT, top),
                (RIGHT - LEFT, lane_height - 2.0),
                band_colour(*band).tint(0.15),
            );
            let at = pt(LEFT - 10.0, top + lane_height / 2.0 + 5.0);
            scene.label(Label {
                colour: palette::INK,
                size: 16.0,
                ..Label::muted(at, band.word(), Anchor::End)
            });
        }
        self.gates(&mut scene);
        if self.renewals.is_empty() {
            let middle = pt((LEFT + RIGHT) / 2.0, (TOP + BOTTOM) / 2.0);
            let message = format!("No renewals in the next {HORIZON_DAYS} days");
            scene.label(Label {
                size: 16.0,
                ..Label::muted(middle, message, Anchor::Middle)
            });
            return scene;
        }
        let spots = self.spots(lane_height);
        let order = self.by_arr();
        // Largest first, so the small marks are drawn on top and stay visible.
        for i in &order {
            let (at, radius) = spots[*i];
            // Slightly see-through, so marks hidden behind others still show.
            let fill = Colour {
                a: 220,
                ..band_colour(self.renewals[*i].band)
            };
            scene.mark(at, radius, MarkShape::Circle, fill);
        }
        self.names(&mut scene, &order, &spots);
        scene
    }

    /// Today and the T-120 … T-7 gates as vertical lines, each with the date it falls on.
    fn gates(&self, scene: &mut Scene) {
        scene.line(
            vec![pt(LEFT, BOTTOM), pt(RIGHT, BOTTOM)],
            palette::INK,
            1.0,
            false,
        );
        let today = x_of(0);
        scene.line(
            vec![pt(today, TOP), pt(today, BOTTOM)],
            palette::INK,
            1.5,
            false,
        );
        scene.label(Label::muted(pt(today, TOP - 8.0), "today", Anchor::Middle));
        for days in GATES {
            let x = x_of(days);
            scene.line(vec![pt(x, TOP), pt(x, BOTTOM)], palette::MUTED, 1.0, true);
            scene.label(Label {
                bold: true,
                ..Label::muted(pt(x, TOP - 8.0), format!("T-{days}"), Anchor::Middle)
            });
            let date = (self.today + Duration::days(days))
                .format("%b %-d")
                .to_string();
            scene.label(Label::muted(pt(x, BOTTOM + 20.0), date, Anchor::Middle));
        }
    }

    /// Each renewal's centre and radius: x by date, in its band's lane, nudged up or down
    /// (largest first) until it overlaps no mark already placed — a simple beeswarm.
    fn spots(&self, lane_height: f32) -> Vec<(Point, f32)> {
        let largest = self
            .renewals
            .iter()
            .map(|r| r.arr.0)
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        let mut spots = vec![(pt(0.0, 0.0), 0.0); self.renewals.len()];
        let mut placed: Vec<(Point, f32)> = Vec::with_capacity(self.renewals.len());
        for i in self.by_arr() {
            let r = &self.renewals[i];
            // Area, not radius, follows ARR: a deal twice the size looks twice the size.
            let share = (r.arr.0 as f64 / largest).sqrt() as f32;
            let radius = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * share;
            let lane = LANES
                .iter()
                .position(|b| *b == r.band)
                .unwrap_or(LANES.len() - 1);
            let centre = TOP + lane_height * (lane as f32 + 0.5);
            let reach = (lane_height / 2.0 - radius - 2.0).max(0.0);
            let x = x_of((r.date - self.today).num_days());
            let y = place::swarm(x, centre, radius, reach, &placed);
            spots[i] = (pt(x, y), radius);
            placed.push(spots[i]);
        }
        spots
    }

    /// Names the largest renewals beside their marks — right, left, above or below: the
    /// first place inside the plot that covers no other name, and no mark if it can.
    fn names(&self, scene: &mut Scene, order: &[usize], spots: &[(Point, f32)]) {
        let area = (LEFT, TOP, RIGHT - LEFT, BOTTOM - TOP);
        let mut labels = place::Labels::new(area, spots);
        for i in order.iter().take(NAMED) {
            let r = &self.renewals[*i];
            let (at, radius) = spots[*i];
            let text = format!(
                "{} {}",
                font::fit(&r.account, SMALL, 150.0),
                self.money(r.arr)
            );
            let label = |x: f32, y: f32, anchor: Anchor| Label {
                colour: palette::INK,
                ..Label::muted(pt(x, y), text.clone(), anchor)
            };
            if let Some(label) = labels.place([
                label(at.x + radius + 5.0, at.y + 5.0, Anchor::Start),
                label(at.x - radius - 5.0, at.y + 5.0, Anchor::End),
                label(at.x, at.y - radius - 6.0, Anchor::Middle),
                label(at.x, at.y + radius + 16.0, Anchor::Middle),
            ]) {
                scene.backed(label);
            }
        }
    }
}

/// x of a day offset from today, 0–120 across the plot.
fn x_of(days: i64) -> f32 {
    let share = days.clamp(0, HORIZON_DAYS) as f32 / HORIZON_DAYS as f32;
    LEFT + PAD + share * (RIGHT - LEFT - 2.0 * PAD)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::health::Snapshot;
    use crate::picture::raster;
    use crate::picture::sample::{account, at, day, signals_scoring};
    use crate::picture::scene::Shape;

    fn today() -> NaiveDate {
        day(3, 2)
    }

    /// An account renewing in `days`, with `arr` and a health score (`None`: unknown).
    fn renewing(name: &str, days: i64, arr: u64, score: Option<f64>) -> Account {
        let mut a = account(name);
        a.renewal_date = today() + Duration::days(days);
        a.arr = Money(arr);
        if let Some(score) = score {
            a.health.push(Snapshot {
                at: at(today()),
                signals: signals_scoring(score),
            });
        }
        a
    }

    #[test]
    fn keeps_the_next_120_days_and_counts_the_overdue() {
        let accounts = [
            renewing("Late", -5, 1, None),
            renewing("Last", 120, 1, None),
            renewing("Beyond", 121, 1, None),
            renewing("First", 0, 1, Some(90.0)),
        ];
        let t = RenewalTimeline::of(&accounts, today());
        let names: Vec<&str> = t.renewals.iter().map(|r| r.account.as_str()).collect();
        assert_eq!(names, ["First", "Last"]);
        assert_eq!(
            (t.overdue, t.renewals[0].band, t.renewals[1].band),
            (1, Band::Green, Band::Unknown)
        );
        assert!(t.scene().text_containing("1 overdue not shown").is_some());
        assert!(
            t.alt_text().ends_with("; 1 overdue, not shown."),
            "{}",
            t.alt_text()
        );
    }

    #[test]
    fn gate_lines_at_their_days_with_labels_and_dates() {
        let scene = RenewalTimeline::of(&[renewing("Acme", 45, 1, None)], today()).scene();
        let dashed: Vec<f32> = scene
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Line {
                    points,
                    dashed: true,
                    ..
                } => Some(points[0].x),
                _ => None,
            })
            .collect();
        assert_eq!(dashed, GATES.map(x_of));
        let (start, end) = (LEFT + PAD, RIGHT - PAD);
        assert_eq!(x_of(30), start + (end - start) / 4.0);
        for (gate, date) in [
            (120, "Jun 30"),
            (90, "May 31"),
            (60, "May 1"),
            (30, "Apr 1"),
            (7, "Mar 9"),
        ] {
            let label = scene
                .text_containing(&format!("T-{gate}"))
                .expect("gate label");
            assert_eq!(label.at.x, x_of(gate));
            let under = scene.texts().find(|l| l.text == date).expect("gate date");
            assert_eq!(under.at.x, x_of(gate));
        }
        assert_eq!(
            scene.text_containing("today").map(|l| l.at.x),
            Some(x_of(0))
        );
    }

    #[test]
    fn marks_sized_by_arr_in_their_band_lane() {
        let accounts = [
            renewing("Small", 20, 10_000, Some(30.0)),
            renewing("Big", 60, 640_000, Some(90.0)),
            renewing("Mid", 100, 160_000, Some(62.5)),
        ];
        let scene = RenewalTimeline::of(&accounts, today()).scene();
        let mark = |days: i64| {
            scene
                .marks()
                .into_iter()
                .find(|m| m.0.x == x_of(days))
                .expect("a mark")
        };
        let (small, big, mid) = (mark(20), mark(60), mark(100));
        assert!(small.1 < mid.1 && mid.1 < big.1);
        assert_eq!(big.1, MAX_RADIUS);
        // Area follows ARR: a quarter of the ARR, half the radius (above the minimum).
        assert_eq!(mid.1 - MIN_RADIUS, (MAX_RADIUS - MIN_RADIUS) / 2.0);
        let lane = (BOTTOM - TOP) / 4.0;
        for ((centre, _, fill), band, row) in [
            (big, Band::Green, 0.0),
            (mid, Band::Yellow, 1.0),
            (small, Band::Red, 2.0),
        ] {
            assert_eq!(centre.y, TOP + lane * (row + 0.5));
            let colour = band_colour(band);
            assert_eq!((fill.r, fill.g, fill.b), (colour.r, colour.g, colour.b));
        }
        assert!(scene.text_containing("Big $640K").is_some());
        let euros = RenewalTimeline::of(&accounts, today()).in_currency("EUR");
        assert!(euros.scene().text_containing("Big €640K").is_some());
    }

    #[test]
    fn crowds_spread_apart_and_only_the_largest_are_named() {
        let accounts: Vec<Account> = (0..30)
            .map(|i| renewing(&format!("Co {i}"), 40 + i % 3, 1_000 * (i as u64 + 1), None))
            .collect();
        let t = RenewalTimeline::of(&accounts, today());
        let scene = t.scene();
        let named: Vec<&str> = scene
            .texts()
            .filter(|l| l.text.starts_with("Co "))
            .map(|l| l.text.as_str())
            .collect();
        assert!(!named.is_empty() && named.len() <= NAMED, "{named:?}");
        assert_eq!(named[0], "Co 29 $30K");
        let marks = scene.marks();
        let distinct: std::collections::HashSet<i32> =
            marks.iter().map(|m| m.0.y.round() as i32).collect();
        assert!(
            distinct.len() >= 5,
            "spread over {} heights",
            distinct.len()
        );
        assert_eq!(
            t.alt_text(),
            "Timeline of 30 renewals in the 120 days from 2026-03-02 worth $465K, by health: \
             0 green, 0 yellow, 0 red, 30 unknown; largest Co 29 ($30K, 2026-04-13)."
        );
    }

    #[test]
    fn png_has_the_lanes_and_an_empty_timeline_says_so() {
        let t = RenewalTimeline::of(&[renewing("Acme", 10, 50_000, Some(90.0))], today());
        let (width, height, pixels) = raster::decode(&raster::png(&t.scene()));
        assert_eq!((width, height), (800, 450));
        let lane = (BOTTOM - TOP) / 4.0;
        for (row, band) in LANES.iter().enumerate() {
            let y = (TOP + lane * row as f32 + 6.0) as u32;
            let tint = band_colour(*band).tint(0.15);
            let x = (x_of(100) + 5.0) as u32;
            assert_eq!(
                pixels[(y * 800 + x) as usize],
                [tint.r, tint.g, tint.b],
                "{band:?}"
            );
        }
        let empty = RenewalTimeline::of(&[], today()).scene();
        assert!(empty
            .text_containing("No renewals in the next 120 days")
            .is_some());
        assert!(empty.marks().is_empty());
    }
}
