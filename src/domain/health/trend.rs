//! Purpose: health over time — the dated snapshot each change of signals stores, and the
//! *declining* rule (a fall of 15 points, or a worse band, within 30 days).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::score::{score, Band};
use super::signals::Signals;

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
    use super::super::test_support::{all, score};
    use super::super::TicketTrend;
    use super::*;
    use chrono::TimeZone;
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
