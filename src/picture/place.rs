//! Purpose: placing marks and labels so they do not cover one another — a beeswarm for marks
//! that share an axis, the first free spot for labels.

use super::scene::{Label, Point};

/// A box as (x, y, w, h).
pub type Bounds = (f32, f32, f32, f32);

/// The vertical step of the beeswarm, in px.
const STEP: f32 = 4.0;

/// The y for a mark of `radius` at `x`: the spot nearest `centre` (at most `reach` away, in
/// steps of 4 px) that covers no mark in `placed`; in a crowd, the spot least covered.
pub fn swarm(x: f32, centre: f32, radius: f32, reach: f32, placed: &[(Point, f32)]) -> f32 {
    // How far a mark at `y` stays from every placed mark (negative: overlapping).
    let clearance = |y: f32| {
        placed
            .iter()
            .map(|(p, r)| (p.x - x).hypot(p.y - y) - r - radius)
            .fold(f32::INFINITY, f32::min)
    };
    let steps = (reach.max(0.0) / STEP) as usize;
    let candidates = (0..2 * steps + 1).map(|k| {
        let side = if k % 2 == 0 { 1.0 } else { -1.0 };
        centre + side * (k as f32 / 2.0).ceil() * STEP
    });
    let mut best = (centre, f32::NEG_INFINITY);
    for y in candidates {
        let room = clearance(y);
        if room >= 1.0 {
            return y;
        }
        if room > best.1 {
            best = (y, room);
        }
    }
    best.0
}

/// The labels placed so far, all inside one area, and the marks they should not cover.
pub struct Labels {
    area: Bounds,
    taken: Vec<Bounds>,
    marks: Vec<Bounds>,
}

impl Labels {
    /// `marks` as (centre, radius).
    pub fn new(area: Bounds, marks: &[(Point, f32)]) -> Labels {
        let marks = marks
            .iter()
            .map(|(p, r)| (p.x - r, p.y - r, 2.0 * r, 2.0 * r))
            .collect();
        Labels {
            area,
            taken: Vec::new(),
            marks,
        }
    }

    /// The first candidate wholly inside the area that covers neither a label placed before
    /// nor a mark; failing that, the first that covers no label (in a crowd some mark is
    /// always covered). It is taken from then on; `None` when every candidate covers a label.
    pub fn place(&mut self, candidates: impl IntoIterator<Item = Label>) -> Option<Label> {
        let (x, y, w, h) = self.area;
        let fits = |b: &Bounds| {
            b.0 >= x
                && b.0 + b.2 <= x + w
                && b.1 >= y
                && b.1 + b.3 <= y + h
                && !self.taken.iter().any(|t| overlap(t, b))
        };
        let clear = |b: &Bounds| !self.marks.iter().any(|m| overlap(m, b));
        let candidates: Vec<Label> = candidates.into_iter().collect();
        let label = candidates
            .iter()
            .find(|l| fits(&l.bounds()) && clear(&l.bounds()))
            .or_else(|| candidates.iter().find(|l| fits(&l.bounds())))?
            .clone();
        self.taken.push(label.bounds());
        Some(label)
    }
}

fn overlap(a: &Bounds, b: &Bounds) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picture::scene::{pt, Anchor};

    #[test]
    fn swarm_keeps_the_middle_then_steps_aside() {
        assert_eq!(swarm(100.0, 50.0, 5.0, 20.0, &[]), 50.0);
        let placed = [(pt(100.0, 50.0), 5.0)];
        let y = swarm(102.0, 50.0, 5.0, 20.0, &placed);
        assert!((y - 50.0).abs() >= 8.0 && (y - 50.0).abs() <= 20.0, "{y}");
        assert!((102.0f32 - 100.0).hypot(y - 50.0) >= 11.0);
        // No free spot within reach: the least covered one, still within reach.
        let crowd: Vec<_> = (-3..=3)
            .map(|k| (pt(100.0, 50.0 + 4.0 * k as f32), 5.0))
            .collect();
        let y = swarm(100.0, 50.0, 5.0, 12.0, &crowd);
        assert!((y - 50.0).abs() <= 12.0);
        assert_eq!(swarm(0.0, 50.0, 5.0, -3.0, &crowd), 50.0);
    }

    #[test]
    fn labels_take_the_first_free_spot_inside_the_area() {
        let label = |x: f32, y: f32| Label::muted(pt(x, y), "Acme $1M", Anchor::Start);
        let mark = (pt(300.0, 150.0), 10.0);
        let mut labels = Labels::new((0.0, 0.0, 400.0, 200.0), &[mark]);
        assert_eq!(labels.place([label(10.0, 50.0)]), Some(label(10.0, 50.0)));
        // The same spot is taken now; the next candidate is used instead.
        assert_eq!(
            labels.place([label(12.0, 52.0), label(10.0, 100.0)]),
            Some(label(10.0, 100.0))
        );
        // A spot clear of marks wins over an earlier one covering a mark...
        assert_eq!(
            labels.place([label(280.0, 155.0), label(200.0, 30.0)]),
            Some(label(200.0, 30.0))
        );
        // ...but covering a mark is better than no label.
        assert_eq!(
            labels.place([label(280.0, 155.0)]),
            Some(label(280.0, 155.0))
        );
        // Outside the area (or covering others) everywhere: no label.
        assert_eq!(labels.place([label(390.0, 50.0), label(10.0, 5.0)]), None);
    }
}
