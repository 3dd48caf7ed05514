//! Purpose: the weekly-active-users picture of `/health show` — an account's distinct active
//! users in each of the 12 weeks to today, one bar a week (the latest at the right, labelled
//! in bold), every bar with its count, and the seats usage is measured against as a dashed
//! line when they are known.

use chrono::NaiveDate;

use super::scene::{palette, pt, Anchor, Label, Scene, SMALL};
use crate::domain::money::group_thousands;
use crate::domain::signals::{ActiveWeek, CHART_WEEKS};

// The plot area.
const LEFT: f32 = 72.0;
const RIGHT: f32 = 744.0;
const TOP: f32 = 96.0;
const BOTTOM: f32 = 400.0;
/// A bar's share of its week's slot.
const BAR_SHARE: f32 = 0.64;

/// An account's weekly active users, oldest first, the last week ending `today`.
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyUsers {
    pub account: String,
    pub today: NaiveDate,
    pub weeks: Vec<ActiveWeek>,
    /// The seats usage is measured against, when known.
    pub seats: Option<u32>,
}

impl WeeklyUsers {
    /// `None` when there is no week to draw (no data received for the account).
    pub fn of(
        account: &str,
        today: NaiveDate,
        weeks: Vec<ActiveWeek>,
        seats: Option<u32>,
    ) -> Option<WeeklyUsers> {
        (!weeks.is_empty()).then(|| WeeklyUsers {
            account: account.to_string(),
            today,
            weeks,
            seats,
        })
    }

    pub fn title(&self) -> String {
        format!("Weekly active users — {}", self.account)
    }

    /// `12 weeks`, `1 week`.
    pub fn span(&self) -> String {
        match self.weeks.len() {
            1 => "1 week".to_string(),
            n => format!("{n} weeks"),
        }
    }

    /// `44 of 50 seats`, or `44` when seats are unknown.
    pub fn of_seats(&self, users: usize) -> String {
        let users = group_thousands(users as u64);
        match self.seats.filter(|&s| s > 0) {
            Some(seats) => format!("{users} of {} seats", group_thousands(u64::from(seats))),
            None => users,
        }
    }

    pub fn alt_text(&self) -> String {
        let Some(latest) = self.weeks.last() else {
            return format!(
                "Weekly active users of {} to {}: no weeks with data.",
                self.account, self.today
            );
        };
        let users = self.weeks.iter().map(|w| w.users as u64);
        let range = match (users.clone().min(), users.max()) {
            (Some(low), Some(high)) if self.weeks.len() > 1 => format!(
                "from {} to {}, ",
                group_thousands(low),
                group_thousands(high)
            ),
            _ => String::new(),
        };
        format!(
            "Weekly active users of {} over the {} to {}: {range}latest {} in the 7 days to {}.",
            self.account,
            self.span(),
            self.today,
            self.of_seats(latest.users),
            latest.last_day
        )
    }

    pub fn scene(&self) -> Scene {
        let mut scene = Scene::new();
        let latest = self.weeks.last().map_or(0, |w| w.users);
        scene.heading(
            &self.title(),
            &format!(
                "Distinct users active in each 7 days, {} to {} · latest {}",
                self.span(),
                self.today,
                self.of_seats(latest)
            ),
        );
        let axis = Axis::for_values(
            self.weeks
                .iter()
                .map(|w| w.users as f64)
                .chain(self.seats.map(f64::from)),
        );
        axis.draw(&mut scene);
        // The seats line under the bars, its name over them.
        let seats = self
            .seats
            .filter(|&s| s > 0)
            .map(|s| (s, axis.y_of(f64::from(s))));
        if let Some((_, y)) = seats {
            scene.line(vec![pt(LEFT, y), pt(RIGHT, y)], palette::INK, 1.5, true);
        }
        self.bars(&mut scene, &axis);
        if let Some((seats, y)) = seats {
            scene.backed(Label {
                at: pt(RIGHT, y - 7.0),
                text: format!("{} seats", group_thousands(u64::from(seats))),
                size: SMALL,
                colour: palette::INK,
                anchor: Anchor::End,
                bold: false,
            });
        }
        scene
    }

    /// Each week in its slot, counted back from today: a short series sits at the right.
    fn bars(&self, scene: &mut Scene, axis: &Axis) {
        let slot = (RIGHT - LEFT) / CHART_WEEKS as f32;
        let last = self.weeks.len().saturating_sub(1);
        for (i, week) in self.weeks.iter().enumerate() {
            let back = (self.today - week.last_day).num_days();
            let Some(index) = usize::try_from(back / 7)
                .ok()
                .filter(|&k| back >= 0 && k < CHART_WEEKS)
                .map(|k| CHART_WEEKS - 1 - k)
            else {
                continue;
            };
            let centre = LEFT + (index as f32 + 0.5) * slot;
            let top = axis.y_of(week.users as f64);
            let width = slot * BAR_SHARE;
            let is_latest = i == last;
            let colour = if is_latest {
                palette::BLUE
            } else {
                palette::SKY_BLUE
            };
            scene.rect((centre - width / 2.0, top), (width, BOTTOM - top), colour);
            // Backed: the seats line may run through it.
            scene.backed(Label {
                at: pt(centre, top - 6.0),
                text: group_thousands(week.users as u64),
                size: if is_latest { 16.0 } else { SMALL },
                colour: if is_latest {
                    palette::INK
                } else {
                    palette::MUTED
                },
                anchor: Anchor::Middle,
                bold: is_latest,
            });
            let date = week.last_day.format("%b %-d").to_string();
            scene.label(Label::muted(
                pt(centre, BOTTOM + 21.0),
                date,
                Anchor::Middle,
            ));
        }
    }
}

/// The value axis: from 0 to a round top, with ticks at a round step (1, 2 or 5 × 10ⁿ).
struct Axis {
    top: f64,
    step: f64,
}

impl Axis {
    /// About four steps up to the largest value (at least 1 user).
    fn for_values(values: impl Iterator<Item = f64>) -> Axis {
        let high = values.filter(|v| v.is_finite()).fold(1.0f64, f64::max);
        let rough = high / 4.0;
        let magnitude = 10f64.powf(rough.log10().floor()).max(1.0);
        let step = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * magnitude)
            .find(|s| *s >= rough)
            .unwrap_or(10.0 * magnitude);
        Axis {
            top: (high / step).ceil() * step,
            step,
        }
    }

    fn y_of(&self, value: f64) -> f32 {
        let share = (value / self.top).clamp(0.0, 1.0);
        BOTTOM - share as f32 * (BOTTOM - TOP)
    }

    /// Gridlines and their values, and the baseline.
    fn draw(&self, scene: &mut Scene) {
        let ticks = (self.top / self.step).round() as u32;
        for k in 0..=ticks {
            let value = f64::from(k) * self.step;
            let y = self.y_of(value);
            let colour = if k == 0 {
                palette::INK
            } else {
                palette::GREY.tint(0.35)
            };
            scene.line(vec![pt(LEFT, y), pt(RIGHT, y)], colour, 1.0, false);
            scene.label(Label::muted(
                pt(LEFT - 8.0, y + 5.0),
                group_thousands(value as u64),
                Anchor::End,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picture::raster;
    use crate::picture::sample::day;
    use chrono::Duration;

    /// Weeks to 2026-03-02 with these users, oldest first.
    fn chart(users: &[usize], seats: Option<u32>) -> WeeklyUsers {
        let today = day(3, 2);
        let weeks = users
            .iter()
            .rev()
            .enumerate()
            .map(|(k, &users)| ActiveWeek {
                last_day: today - Duration::days(7 * k as i64),
                users,
            })
            .rev()
            .collect();
        WeeklyUsers::of("Acme Corp", today, weeks, seats).expect("weeks")
    }

    /// The bars' rectangles (x, y, w, h), the latest last.
    fn bars(scene: &Scene) -> Vec<(f32, f32, f32, f32)> {
        let mut bars = scene.rects_of(palette::SKY_BLUE);
        bars.extend(scene.rects_of(palette::BLUE));
        bars
    }

    #[test]
    fn no_weeks_no_picture() {
        assert_eq!(
            WeeklyUsers::of("Acme Corp", day(3, 2), Vec::new(), Some(5)),
            None
        );
    }

    #[test]
    fn bars_rise_from_the_baseline_in_proportion_and_the_latest_is_labelled() {
        let t = chart(&[40, 20, 30], None);
        let scene = t.scene();
        let bars = bars(&scene);
        assert_eq!(bars.len(), 3);
        // Every bar stands on the baseline; heights in proportion to the users.
        for (_, y, _, h) in &bars {
            assert!((y + h - BOTTOM).abs() < 0.01);
        }
        let (h40, h20, h30) = (bars[0].3, bars[1].3, bars[2].3);
        assert!((h40 / h20 - 2.0).abs() < 0.01 && (h30 / h20 - 1.5).abs() < 0.01);
        // Axis 0–40 in steps of 10: the tallest bar reaches the top.
        assert!((bars[0].1 - TOP).abs() < 0.01);
        for tick in ["0", "10", "20", "30", "40"] {
            assert!(scene
                .texts()
                .any(|l| l.text == tick && l.anchor == Anchor::End));
        }
        let latest = scene
            .texts()
            .find(|l| l.text == "30" && l.anchor == Anchor::Middle)
            .expect("the latest count");
        assert!(latest.bold);
        assert!(scene
            .text_containing("Weekly active users — Acme Corp")
            .is_some());
        assert!(scene
            .text_containing("3 weeks to 2026-03-02 · latest 30")
            .is_some());
    }

    #[test]
    fn each_week_sits_in_its_slot_counted_back_from_today() {
        let full = chart(&[5; 12], None).scene();
        let slots: Vec<f32> = bars(&full).iter().map(|b| b.0).collect();
        assert_eq!(slots.len(), 12);
        assert!(slots.windows(2).all(|w| w[0] < w[1]));
        // A short series takes the rightmost slots; the dates name each week's last day.
        let short = chart(&[5, 6], None).scene();
        let xs: Vec<f32> = bars(&short).iter().map(|b| b.0).collect();
        assert_eq!(xs, slots[10..]);
        let dates: Vec<&str> = short
            .texts()
            .filter(|l| l.at.y == BOTTOM + 21.0)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(dates, ["Feb 23", "Mar 2"]);
    }

    #[test]
    fn seats_are_a_dashed_line_and_raise_the_axis_when_above_the_bars() {
        let with = chart(&[44, 41], Some(50)).scene();
        let label = with
            .texts()
            .find(|l| l.text == "50 seats")
            .expect("seats named");
        let dashed: Vec<_> = with
            .shapes
            .iter()
            .filter(|s| matches!(s, crate::picture::scene::Shape::Line { dashed: true, .. }))
            .collect();
        assert_eq!(dashed.len(), 1);
        // 0–60 in steps of 20: the seats line at 50/60 of the height, under its label.
        let y = BOTTOM - 50.0 / 60.0 * (BOTTOM - TOP);
        assert!((label.at.y - (y - 7.0)).abs() < 0.01);
        assert!(with.text_containing("latest 41 of 50 seats").is_some());
        let without = chart(&[44, 41], None).scene();
        assert!(without.text_containing("seats").is_none());
    }

    #[test]
    fn png_shows_the_latest_bar_in_its_colour() {
        let t = chart(&[30, 32, 35, 31], Some(40));
        let scene = t.scene();
        let (x, y, w, h) = scene.rects_of(palette::BLUE)[0];
        let (width, height, pixels) = raster::decode(&raster::png(&scene));
        assert_eq!((width, height), (800, 450));
        let (px, py) = ((x + w / 2.0) as u32, (y + h - 10.0) as u32);
        let c = palette::BLUE;
        assert_eq!(pixels[(py * 800 + px) as usize], [c.r, c.g, c.b]);
    }

    #[test]
    fn alt_text_tells_the_range_and_latest_week() {
        assert_eq!(
            chart(&[38, 52, 44], Some(50)).alt_text(),
            "Weekly active users of Acme Corp over the 3 weeks to 2026-03-02: from 38 to 52, \
             latest 44 of 50 seats in the 7 days to 2026-03-02."
        );
        assert_eq!(
            chart(&[7], None).alt_text(),
            "Weekly active users of Acme Corp over the 1 week to 2026-03-02: latest 7 in the \
             7 days to 2026-03-02."
        );
    }
}
