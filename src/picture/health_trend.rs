//! Purpose: the health-trend picture of `/health show` — an account's score over the last
//! 90 days, drawn over the red/yellow/green bands, the latest reading labelled.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use super::font;
use super::scene::{band_colour, palette, pt, Anchor, Label, MarkShape, Scene};
use crate::domain::account::Account;
use crate::domain::health::{score, shown_score, Band};

/// How far back the trend looks.
pub const WINDOW_DAYS: i64 = 90;
/// Days between date ticks: seven ticks, the last one today.
const TICK_DAYS: i64 = 15;

// The plot area; the right margin holds the band names.
const LEFT: f32 = 56.0;
const RIGHT: f32 = 690.0;
const TOP: f32 = 80.0;
const BOTTOM: f32 = 400.0;

/// An account's known health scores over the window ending `today`.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthTrend {
    pub account: String,
    pub today: NaiveDate,
    /// In time order; snapshots whose every signal is unknown have no score and are left out.
    pub points: Vec<TrendPoint>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendPoint {
    pub at: DateTime<Utc>,
    /// 0–100, unrounded.
    pub score: f64,
}

impl HealthTrend {
    /// `None` when no snapshot with a known score falls in the last 90 days.
    pub fn of(account: &Account, today: NaiveDate) -> Option<HealthTrend> {
        let from = today - Duration::days(WINDOW_DAYS);
        let last = account.health.len().saturating_sub(1);
        // The latest reading is scored as `/health show` scores it (ROI from the plan's
        // metrics when none was recorded), so picture and text agree.
        let current = account.signals();
        let points: Vec<TrendPoint> = account
            .health
            .iter()
            .enumerate()
            .filter(|(_, s)| (from..=today).contains(&s.at.date_naive()))
            .filter_map(|(i, s)| {
                let signals = if i == last { &current } else { &s.signals };
                score(signals).map(|score| TrendPoint { at: s.at, score })
            })
            .collect();
        (!points.is_empty()).then(|| HealthTrend {
            account: account.name.clone(),
            today,
            points,
        })
    }

    pub fn title(&self) -> String {
        format!("Health trend — {}", self.account)
    }

    pub fn alt_text(&self) -> String {
        let Some(latest) = self.points.last() else {
            return format!(
                "Health score of {} over the {WINDOW_DAYS} days to {}: no readings.",
                self.account, self.today
            );
        };
        let scores = self.points.iter().map(|p| p.score);
        let low = scores.clone().fold(f64::INFINITY, f64::min);
        let high = scores.fold(f64::NEG_INFINITY, f64::max);
        let range = match self.points.len() {
            1 => "1 reading".to_string(),
            n => format!("{n} readings from {} to {}", shown(low), shown(high)),
        };
        format!(
            "Health score of {} over the {WINDOW_DAYS} days to {}: {range}, latest {} ({}) on {}.",
            self.account,
            self.today,
            shown(latest.score),
            Band::of_score(latest.score).word(),
            latest.at.date_naive()
        )
    }

    pub fn scene(&self) -> Scene {
        let mut scene = Scene::new();
        let readings = match self.points.len() {
            1 => "1 reading".to_string(),
            n => format!("{n} readings"),
        };
        scene.heading(
            &self.title(),
            &format!(
                "Health score, last {WINDOW_DAYS} days to {} · {readings}",
                self.today
            ),
        );
        self.bands(&mut scene);
        self.date_axis(&mut scene);
        self.readings(&mut scene);
        scene
    }

    /// The bands as Band::of_score draws them: red below 50, yellow 50–75, green above 75.
    fn bands(&self, scene: &mut Scene) {
        let bands = [
            (Band::Green, 100.0, 75.0, "above 75"),
            (Band::Yellow, 75.0, 50.0, "50–75"),
            (Band::Red, 50.0, 0.0, "below 50"),
        ];
        for (band, high, low, range) in bands {
            let (top, bottom) = (y_of(high), y_of(low));
            let colour = band_colour(band);
            scene.rect((LEFT, top), (RIGHT - LEFT, bottom - top), colour.tint(0.3));
            // The band's name in text beside it: the colour is never the only cue.
            let middle = (top + bottom) / 2.0;
            scene.rect((RIGHT, top), (6.0, bottom - top), colour);
            scene.text(
                pt(RIGHT + 12.0, middle - 2.0),
                band.word(),
                16.0,
                palette::INK,
            );
            scene.label(Label::muted(
                pt(RIGHT + 12.0, middle + 15.0),
                range,
                Anchor::Start,
            ));
        }
        for score in [0.0, 25.0, 50.0, 75.0, 100.0] {
            let y = y_of(score);
            if score == 50.0 || score == 75.0 {
                scene.line(vec![pt(LEFT, y), pt(RIGHT, y)], palette::MUTED, 1.0, true);
            }
            scene.label(Label::muted(
                pt(LEFT - 8.0, y + 5.0),
                format!("{score}"),
                Anchor::End,
            ));
        }
    }

    fn date_axis(&self, scene: &mut Scene) {
        scene.line(
            vec![pt(LEFT, BOTTOM), pt(RIGHT, BOTTOM)],
            palette::INK,
            1.0,
            false,
        );
        for back in (0..=WINDOW_DAYS / TICK_DAYS).rev().map(|k| k * TICK_DAYS) {
            let day = self.today - Duration::days(back);
            let x = self.x_of(day.and_time(NaiveTime::MIN).and_utc() + Duration::hours(12));
            scene.line(
                vec![pt(x, BOTTOM), pt(x, BOTTOM + 5.0)],
                palette::INK,
                1.0,
                false,
            );
            let date = day.format("%b %-d").to_string();
            scene.label(Label::muted(pt(x, BOTTOM + 21.0), date, Anchor::Middle));
        }
    }

    fn readings(&self, scene: &mut Scene) {
        let at = |p: &TrendPoint| pt(self.x_of(p.at), y_of(p.score));
        let points: Vec<_> = self.points.iter().map(at).collect();
        scene.line(points.clone(), palette::BLUE, 2.5, false);
        for point in &points {
            scene.mark(*point, 4.0, MarkShape::Circle, palette::BLUE);
        }
        let (Some(latest), Some(spot)) = (self.points.last(), points.last()) else {
            return;
        };
        scene.mark(*spot, 7.0, MarkShape::Circle, palette::BLUE);
        let text = format!(
            "{} {}",
            shown(latest.score),
            Band::of_score(latest.score).word()
        );
        // Left of the point when it is near the right edge (it usually is: it is the latest).
        let size = 17.0;
        let width = font::width(&text, size);
        let x = if spot.x + 12.0 + width > RIGHT {
            spot.x - 12.0 - width
        } else {
            spot.x + 12.0
        };
        let y = if spot.y < TOP + 28.0 {
            spot.y + 28.0
        } else {
            spot.y - 14.0
        };
        scene.backed(Label {
            at: pt(x, y),
            text,
            size,
            colour: palette::INK,
            anchor: Anchor::Start,
            bold: true,
        });
    }

    /// x of an instant: the window runs from the first day's midnight to the end of today.
    fn x_of(&self, at: DateTime<Utc>) -> f32 {
        let from = (self.today - Duration::days(WINDOW_DAYS))
            .and_time(NaiveTime::MIN)
            .and_utc();
        let span = Duration::days(WINDOW_DAYS + 1).num_seconds() as f32;
        let share = (at - from).num_seconds() as f32 / span;
        LEFT + share.clamp(0.0, 1.0) * (RIGHT - LEFT)
    }
}

/// y of a score; scores outside 0–100 (only possible in hand-made data) stay on the plot.
fn y_of(score: f64) -> f32 {
    let share = if score.is_nan() {
        0.0
    } else {
        score.clamp(0.0, 100.0) / 100.0
    };
    BOTTOM - share as f32 * (BOTTOM - TOP)
}

/// A score as people see it, guarded against hand-made data outside 0–100.
fn shown(score: f64) -> u32 {
    shown_score(if score.is_finite() { score } else { 0.0 }.clamp(0.0, 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picture::raster;
    use crate::picture::sample::{account, at, day, signals_scoring};

    fn trend(readings: &[(i64, f64)]) -> HealthTrend {
        let mut account = account("Acme Corp");
        for (days_ago, score) in readings {
            account.health.push(crate::domain::health::Snapshot {
                at: at(day(3, 2) - Duration::days(*days_ago)),
                signals: signals_scoring(*score),
            });
        }
        HealthTrend::of(&account, day(3, 2)).expect("readings in the window")
    }

    #[test]
    fn the_latest_point_is_scored_like_health_show_with_roi_from_the_plan() {
        use crate::domain::plan::MetricUpdate;
        let mut account = account("Acme Corp");
        for days_ago in [20, 1] {
            let mut signals = signals_scoring(75.0);
            signals.roi = None;
            account.health.push(crate::domain::health::Snapshot {
                at: at(day(3, 2) - Duration::days(days_ago)),
                signals,
            });
        }
        let update = |current| MetricUpdate {
            name: "Hours saved".into(),
            target: 40.0,
            current,
            better: None,
            value_per_unit: None,
        };
        account.plan.set_metric(update(10.0), day(1, 5));
        account.plan.set_metric(update(45.0), day(3, 1));
        let recorded = score(&account.recorded_signals());
        let shown = score(&account.signals());
        assert_ne!(recorded, shown, "the plan's ROI changes the score");
        let t = HealthTrend::of(&account, day(3, 2)).expect("readings");
        let scores: Vec<Option<f64>> = t.points.iter().map(|p| Some(p.score)).collect();
        assert_eq!(scores, [score(&account.health[0].signals), shown]);
    }

    #[test]
    fn keeps_known_scores_in_the_last_90_days() {
        let t = trend(&[(120, 100.0), (90, 50.0), (30, 75.0), (0, 0.0)]);
        let scores: Vec<f64> = t.points.iter().map(|p| p.score).collect();
        assert_eq!(scores, [50.0, 75.0, 0.0]);
        let mut old = account("Old");
        old.health.push(crate::domain::health::Snapshot {
            at: at(day(3, 2) - Duration::days(91)),
            signals: signals_scoring(50.0),
        });
        assert_eq!(HealthTrend::of(&old, day(3, 2)), None);
        assert_eq!(HealthTrend::of(&account("Empty"), day(3, 2)), None);
    }

    #[test]
    fn bands_sit_at_50_and_75() {
        let scene = trend(&[(10, 75.0)]).scene();
        let band = |b: Band| scene.rects_of(band_colour(b).tint(0.3))[0];
        let (green, yellow, red) = (band(Band::Green), band(Band::Yellow), band(Band::Red));
        assert_eq!((green.1, green.1 + green.3), (TOP, y_of(75.0)));
        assert_eq!((yellow.1, yellow.1 + yellow.3), (y_of(75.0), y_of(50.0)));
        assert_eq!((red.1, red.1 + red.3), (y_of(50.0), BOTTOM));
        // A score of 75 lies on the yellow/green boundary (and is yellow: green is above 75).
        let (centre, _, _) = scene.marks()[0];
        assert_eq!(centre.y, green.1 + green.3);
        assert_eq!(
            scene.text_containing("75 ").map(|l| &l.text[..]),
            Some("75 yellow")
        );
        for name in ["green", "yellow", "red", "above 75", "50–75", "below 50"] {
            assert!(scene.texts().any(|l| l.text == name), "{name}");
        }
    }

    #[test]
    fn points_joined_and_the_latest_labelled() {
        let scene = trend(&[(60, 40.0), (30, 62.5), (1, 82.5)]).scene();
        let marks = scene.marks();
        // Three readings, and the latest drawn again, larger.
        assert_eq!(marks.len(), 4);
        assert!(marks.windows(2).take(2).all(|w| w[0].0.x < w[1].0.x));
        assert_eq!(marks[3].0, marks[2].0);
        assert!(marks[3].1 > marks[2].1);
        let label = scene.text_containing("83 green").expect("latest labelled");
        assert!(label.bold);
        assert!(scene.text_containing("Health trend — Acme Corp").is_some());
        assert!(scene.text_containing("3 readings").is_some());
    }

    #[test]
    fn date_ticks_every_15_days_ending_today() {
        let t = trend(&[(0, 50.0)]);
        let scene = t.scene();
        let ticks: Vec<&str> = scene
            .texts()
            .filter(|l| l.at.y == BOTTOM + 21.0)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(
            ticks,
            ["Dec 2", "Dec 17", "Jan 1", "Jan 16", "Jan 31", "Feb 15", "Mar 2"]
        );
        // Today's reading sits at today's tick (both are mid-day).
        let today_tick = scene.text_containing("Mar 2").expect("tick").at.x;
        assert!((scene.marks()[0].0.x - today_tick).abs() < 8.0);
    }

    #[test]
    fn png_shows_the_bands_where_the_scene_puts_them() {
        let t = trend(&[(80, 20.0), (40, 40.0), (2, 62.5)]);
        let (width, height, pixels) = raster::decode(&raster::png(&t.scene()));
        assert_eq!((width, height), (800, 450));
        let colours: std::collections::HashSet<_> = pixels.iter().collect();
        assert!(colours.len() > 50, "{} colours", colours.len());
        // Left edge of the plot, away from the readings: each band in its tint.
        for (score, band) in [(90.0, Band::Green), (60.0, Band::Yellow), (10.0, Band::Red)] {
            let (x, y) = (LEFT as u32 + 4, y_of(score) as u32);
            let tint = band_colour(band).tint(0.3);
            assert_eq!(
                pixels[(y * 800 + x) as usize],
                [tint.r, tint.g, tint.b],
                "{band:?}"
            );
        }
    }

    #[test]
    fn alt_text_tells_the_range_and_latest() {
        let t = trend(&[(40, 30.0), (5, 90.0)]);
        assert_eq!(
            t.alt_text(),
            "Health score of Acme Corp over the 90 days to 2026-03-02: 2 readings from 30 to 90, \
             latest 90 (green) on 2026-02-25."
        );
    }
}
