//! Purpose: the renewal motion — stages by days to the renewal date, each stage's checklist,
//! lead time and *late start*, follow-ups, extensions and snoozed reminders within the
//! current cycle.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::DomainError;
use super::money::Money;

/// Where an account stands on its way to renewal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Stage {
    NotStarted,
    T120,
    T90,
    T60,
    T30,
    T7,
    Overdue,
}

impl Stage {
    /// Stage on `today`: > 120 days not started; ≤ 120 T-120; ≤ 90 T-90; ≤ 60 T-60;
    /// ≤ 30 T-30; ≤ 7 T-7; past the date (and not renewed) overdue.
    pub fn on(renewal_date: NaiveDate, today: NaiveDate) -> Stage {
        match (renewal_date - today).num_days() {
            d if d < 0 => Stage::Overdue,
            d if d <= 7 => Stage::T7,
            d if d <= 30 => Stage::T30,
            d if d <= 60 => Stage::T60,
            d if d <= 90 => Stage::T90,
            d if d <= 120 => Stage::T120,
            _ => Stage::NotStarted,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Stage::NotStarted => "not started",
            Stage::T120 => "T-120",
            Stage::T90 => "T-90",
            Stage::T60 => "T-60",
            Stage::T30 => "T-30",
            Stage::T7 => "T-7",
            Stage::Overdue => "overdue",
        }
    }

    /// The stage's checklist, from the skill playbook.
    pub fn checklist(self) -> &'static [&'static str] {
        match self {
            Stage::NotStarted => &["Keep the account plan current; the renewal motion starts at T-120."],
            Stage::T120 => &[
                "Flag the renewal in the forecast",
                "Verify success metrics and pull the ROI",
                "Identify risks: health, open tickets, stakeholder changes",
            ],
            Stage::T90 => &[
                "Run the renewal QBR on value delivered and the roadmap",
                "Surface expansion: renew and expand together",
                "Begin the commercial conversation with the economic buyer",
            ],
            Stage::T60 => &[
                "Send the renewal proposal with pricing and term options",
                "Handle objections and procurement",
                "Loop in legal early if redlines are expected",
            ],
            Stage::T30 => &[
                "Follow up weekly until signed",
                "Escalate to the owner's manager after 2 unanswered follow-ups",
                "If procurement is the bottleneck, offer an extension of at most 30 days",
            ],
            Stage::T7 => &[
                "Confirm countersigned paperwork",
                "Schedule the kickoff of the new term",
            ],
            Stage::Overdue => &[
                "Past the renewal date: record the outcome (`/renewal renewed` or `/renewal churned`)",
                "Escalate to the owner's manager if the paperwork is stuck",
            ],
        }
    }

    /// The single next step, for digests.
    pub fn next_step(self) -> &'static str {
        self.checklist()[0]
    }
}

/// ARR above which the lead time is 120 days instead of 90.
pub const LARGE_ACCOUNT_ARR: Money = Money(100_000);
/// A late start is inside the lead time by more than this many days (DECISIONS 14).
pub const LATE_START_GRACE_DAYS: i64 = 14;
/// Most days of extension per renewal cycle.
pub const MAX_EXTENSION_DAYS: u32 = 30;
/// Days *Snooze a week* mutes an account's renewal reminders.
pub const SNOOZE_DAYS: i64 = 7;
/// Unanswered follow-ups inside T-30 that escalate to the owner's manager.
pub const UNANSWERED_FOLLOWUPS_TO_ESCALATE: usize = 2;

/// Days before the renewal date that the motion must have started.
pub fn lead_time_days(arr: Money) -> i64 {
    if arr > LARGE_ACCOUNT_ARR {
        120
    } else {
        90
    }
}

/// A follow-up sent during the renewal, and whether the customer answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub on: NaiveDate,
    pub responded: bool,
}

/// The renewal state of the current cycle (cleared when the account renews).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RenewalCycle {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub followups: Vec<FollowUp>,
    /// Days of extension granted so far in this cycle.
    pub extended_days: u32,
    /// The last day renewal activity was logged (follow-up, QBR, call, meeting, proposal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_activity: Option<NaiveDate>,
    /// Renewal reminders about the account are muted before this day (*Snooze a week*). It
    /// moves nothing else: the renewal date and the extension days stay as they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<NaiveDate>,
}

impl RenewalCycle {
    /// Follow-ups since the last one that was answered.
    pub fn unanswered_followups(&self) -> usize {
        self.followups
            .iter()
            .rev()
            .take_while(|f| !f.responded)
            .count()
    }

    /// Grants an extension if the cycle's total stays within 30 days; returns the new total.
    pub fn extend(&mut self, days: u32) -> Result<u32, DomainError> {
        let total = self.extended_days.saturating_add(days);
        if days == 0 || total > MAX_EXTENSION_DAYS {
            let left = MAX_EXTENSION_DAYS - self.extended_days.min(MAX_EXTENSION_DAYS);
            return Err(DomainError::invalid(
                "days",
                format!(
                    "an extension of {days} days is refused: at most {MAX_EXTENSION_DAYS} days per renewal cycle, {left} left"
                ),
                format!("days:{}", left.clamp(1, 14)),
            ));
        }
        self.extended_days = total;
        Ok(total)
    }

    /// Mutes the cycle's reminders for [`SNOOZE_DAYS`] from `today`; returns the day they
    /// resume.
    pub fn snooze(&mut self, today: NaiveDate) -> NaiveDate {
        let until = today + chrono::Duration::days(SNOOZE_DAYS);
        self.snoozed_until = Some(until);
        until
    }

    /// Whether reminders are muted on `day`.
    pub fn is_snoozed(&self, day: NaiveDate) -> bool {
        self.snoozed_until.is_some_and(|until| day < until)
    }

    /// Whether a snooze ended after `since` and by `today`: the reminder it muted is due again.
    pub fn snooze_ended(&self, since: NaiveDate, today: NaiveDate) -> bool {
        self.snoozed_until
            .is_some_and(|until| since < until && until <= today)
    }

    pub fn record_activity(&mut self, on: NaiveDate) {
        self.last_activity = Some(self.last_activity.map_or(on, |d| d.max(on)));
    }
}

/// Late start: inside the lead time by more than 14 days with no renewal activity logged
/// since the lead time began.
pub fn is_late_start(
    renewal_date: NaiveDate,
    arr: Money,
    cycle: &RenewalCycle,
    today: NaiveDate,
) -> bool {
    let lead = lead_time_days(arr);
    let days_left = (renewal_date - today).num_days();
    let lead_start = renewal_date - chrono::Duration::days(lead);
    let active = cycle.last_activity.is_some_and(|d| d >= lead_start);
    days_left >= 0 && days_left < lead - LATE_START_GRACE_DAYS && !active
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).expect("valid")
    }

    fn in_days(d: i64) -> NaiveDate {
        today() + Duration::days(d)
    }

    #[test]
    fn stage_edges() {
        let cases = [
            (121, Stage::NotStarted),
            (120, Stage::T120),
            (91, Stage::T120),
            (90, Stage::T90),
            (61, Stage::T90),
            (60, Stage::T60),
            (31, Stage::T60),
            (30, Stage::T30),
            (8, Stage::T30),
            (7, Stage::T7),
            (0, Stage::T7),
            (-1, Stage::Overdue),
        ];
        for (days, stage) in cases {
            assert_eq!(Stage::on(in_days(days), today()), stage, "{days} days");
        }
        let words: Vec<_> = [
            Stage::T120,
            Stage::T90,
            Stage::T60,
            Stage::T30,
            Stage::T7,
            Stage::NotStarted,
            Stage::Overdue,
        ]
        .iter()
        .map(|s| s.word())
        .collect();
        assert_eq!(
            words,
            [
                "T-120",
                "T-90",
                "T-60",
                "T-30",
                "T-7",
                "not started",
                "overdue"
            ]
        );
    }

    #[test]
    fn lead_time_90_or_120() {
        assert_eq!(lead_time_days(Money(100_000)), 90);
        assert_eq!(lead_time_days(Money(100_001)), 120);
    }

    #[test]
    fn late_start_after_14_days_inside_lead_time() {
        let none = RenewalCycle::default();
        // Small account: lead 90 days, late below 76 days left.
        assert!(!is_late_start(in_days(76), Money(50_000), &none, today()));
        assert!(is_late_start(in_days(75), Money(50_000), &none, today()));
        // Large account: lead 120 days, late below 106 days left.
        assert!(!is_late_start(in_days(106), Money(200_000), &none, today()));
        assert!(is_late_start(in_days(105), Money(200_000), &none, today()));
        // Activity logged after the lead time began clears it; older activity does not.
        let mut cycle = RenewalCycle::default();
        cycle.record_activity(in_days(-30));
        assert!(is_late_start(in_days(75), Money(50_000), &cycle, today()));
        cycle.record_activity(today());
        assert!(!is_late_start(in_days(75), Money(50_000), &cycle, today()));
    }

    #[test]
    fn extensions_capped_at_30_days_per_cycle() {
        let mut cycle = RenewalCycle::default();
        assert_eq!(cycle.extend(20), Ok(20));
        let err = cycle.extend(11).expect_err("over 30").to_string();
        assert!(err.contains("10 left"), "{err}");
        assert_eq!(
            cycle.extended_days, 20,
            "a refused extension changes nothing"
        );
        assert_eq!(cycle.extend(10), Ok(30));
        assert!(RenewalCycle::default().extend(31).is_err());
    }

    #[test]
    fn a_snooze_mutes_a_week_and_moves_nothing_else() {
        let mut cycle = RenewalCycle::default();
        assert_eq!(cycle.extend(10), Ok(10));
        assert_eq!(cycle.snooze(today()), in_days(7));
        assert_eq!(cycle.extended_days, 10);
        assert!(cycle.is_snoozed(today()) && cycle.is_snoozed(in_days(6)));
        assert!(!cycle.is_snoozed(in_days(7)), "reminders resume on day 7");
        assert!(!cycle.snooze_ended(in_days(5), in_days(6)));
        assert!(cycle.snooze_ended(in_days(6), in_days(7)));
        assert!(
            cycle.snooze_ended(in_days(2), in_days(9)),
            "a run that skipped days"
        );
        assert!(!cycle.snooze_ended(in_days(7), in_days(8)), "said once");
        assert!(!RenewalCycle::default().is_snoozed(today()));
    }

    #[test]
    fn unanswered_followups_count_from_last_answer() {
        let f = |responded| FollowUp {
            on: today(),
            responded,
        };
        let cycle = RenewalCycle {
            followups: vec![f(false), f(true), f(false), f(false)],
            ..Default::default()
        };
        assert_eq!(cycle.unanswered_followups(), 2);
        assert_eq!(RenewalCycle::default().unanswered_followups(), 0);
    }
}
