//! Purpose: the save play for an at-risk account — root cause, owner, and milestones due
//! from its start (triage 24 h, executive engagement 48 h, root-cause meeting 7 days,
//! recovery plan, then weekly check-ins). Due and missed are computed from `now`, never stored.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::person::{Person, UserId};

crate::word_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum RootCause {
        ProductGap => "product-gap",
        Relationship => "relationship",
        Budget => "budget",
        Competitive => "competitive",
    }
}

crate::word_enum! {
    /// The save play's milestones, in order.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum Milestone {
        Triage => "triage",
        Exec => "exec",
        Meeting => "meeting",
        Plan => "plan",
    }
}

impl Milestone {
    pub fn label(self) -> &'static str {
        match self {
            Milestone::Triage => "triage",
            Milestone::Exec => "executive engagement",
            Milestone::Meeting => "root-cause meeting",
            Milestone::Plan => "recovery plan",
        }
    }

    /// Deadline after the play starts. The recovery plan has no deadline in the playbook;
    /// Steward gives it one week after the root-cause meeting.
    pub fn deadline(self) -> Duration {
        match self {
            Milestone::Triage => Duration::hours(24),
            Milestone::Exec => Duration::hours(48),
            Milestone::Meeting => Duration::days(7),
            Milestone::Plan => Duration::days(14),
        }
    }
}

/// Days between check-ins once the recovery plan is in place.
pub const CHECKIN_EVERY_DAYS: i64 = 7;
/// ARR above which starting a save play notifies leadership.
pub const LEADERSHIP_ARR: u64 = 50_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavePlay {
    pub cause: RootCause,
    pub owner: Person,
    pub started: DateTime<Utc>,
    /// Milestones done, with when.
    #[serde(default)]
    pub done: Vec<(Milestone, DateTime<Utc>)>,
    #[serde(default)]
    pub checkins: Vec<Checkin>,
    #[serde(default)]
    pub resolved: Option<Resolution>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkin {
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    pub at: DateTime<Utc>,
    pub by: UserId,
    /// Set when an admin forced the resolution while health was not green.
    #[serde(default)]
    pub forced_reason: Option<String>,
}

/// Where one milestone stands at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneState {
    Done(DateTime<Utc>),
    /// Not done, deadline still ahead.
    Due(DateTime<Utc>),
    /// Not done, deadline passed.
    Missed(DateTime<Utc>),
}

impl SavePlay {
    pub fn new(cause: RootCause, owner: Person, started: DateTime<Utc>) -> Self {
        SavePlay {
            cause,
            owner,
            started,
            done: Vec::new(),
            checkins: Vec::new(),
            resolved: None,
        }
    }

    pub fn is_active(&self) -> bool {
        self.resolved.is_none()
    }

    pub fn due_at(&self, m: Milestone) -> DateTime<Utc> {
        self.started + m.deadline()
    }

    /// A milestone is missed once `now` is past its deadline (at the deadline it is still due).
    pub fn state(&self, m: Milestone, now: DateTime<Utc>) -> MilestoneState {
        match self.done.iter().find(|(d, _)| *d == m) {
            Some((_, at)) => MilestoneState::Done(*at),
            None if now > self.due_at(m) => MilestoneState::Missed(self.due_at(m)),
            None => MilestoneState::Due(self.due_at(m)),
        }
    }

    /// Marks a milestone done; returns the earlier milestones still open (steps out of order
    /// are allowed, and said).
    pub fn complete(&mut self, m: Milestone, at: DateTime<Utc>) -> Vec<Milestone> {
        if !self.done.iter().any(|(d, _)| *d == m) {
            self.done.push((m, at));
        }
        Milestone::ALL
            .iter()
            .copied()
            .filter(|e| *e < m && !self.done.iter().any(|(d, _)| d == e))
            .collect()
    }

    /// The next check-in's due time: 7 days after the recovery plan or the last check-in.
    pub fn next_checkin(&self) -> Option<DateTime<Utc>> {
        let (_, plan_done) = self.done.iter().find(|(d, _)| *d == Milestone::Plan)?;
        let last = self
            .checkins
            .last()
            .map_or(*plan_done, |c| c.at.max(*plan_done));
        Some(last + Duration::days(CHECKIN_EVERY_DAYS))
    }

    /// Milestones (and a check-in) whose deadline has passed, as of `now`.
    pub fn missed(&self, now: DateTime<Utc>) -> Vec<String> {
        let mut out: Vec<String> = Milestone::ALL
            .iter()
            .filter(|m| matches!(self.state(**m, now), MilestoneState::Missed(_)))
            .map(|m| m.label().to_string())
            .collect();
        if self.next_checkin().is_some_and(|due| now > due) {
            out.push("weekly check-in".into());
        }
        out
    }

    /// One line: `triage done, exec missed, meeting due 2026-06-08, …`.
    pub fn summary(&self, now: DateTime<Utc>) -> String {
        let mut parts: Vec<String> = Milestone::ALL
            .iter()
            .map(|m| match self.state(*m, now) {
                MilestoneState::Done(_) => format!("{} done", m.label()),
                MilestoneState::Due(at) => {
                    format!("{} due {}", m.label(), at.format("%Y-%m-%d %H:%M"))
                }
                MilestoneState::Missed(at) => {
                    format!("{} MISSED (due {})", m.label(), at.format("%Y-%m-%d %H:%M"))
                }
            })
            .collect();
        if let Some(next) = self.next_checkin() {
            let late = if now > next { " — MISSED" } else { "" };
            parts.push(format!("next check-in {}{late}", next.format("%Y-%m-%d")));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0)
            .single()
            .expect("valid")
    }

    fn play() -> SavePlay {
        SavePlay::new(
            RootCause::Budget,
            Person::User(UserId("jane".into())),
            start(),
        )
    }

    #[test]
    fn deadlines_at_exact_boundaries() {
        let p = play();
        let at = |h| start() + Duration::hours(h);
        assert_eq!(
            p.state(Milestone::Triage, at(24)),
            MilestoneState::Due(at(24))
        );
        assert_eq!(
            p.state(Milestone::Triage, at(24) + Duration::seconds(1)),
            MilestoneState::Missed(at(24))
        );
        assert_eq!(
            p.state(Milestone::Exec, at(48)),
            MilestoneState::Due(at(48))
        );
        assert!(matches!(
            p.state(Milestone::Exec, at(49)),
            MilestoneState::Missed(_)
        ));
        assert!(matches!(
            p.state(Milestone::Meeting, at(7 * 24)),
            MilestoneState::Due(_)
        ));
        assert!(matches!(
            p.state(Milestone::Meeting, at(7 * 24 + 1)),
            MilestoneState::Missed(_)
        ));
        assert_eq!(p.missed(at(49)), ["triage", "executive engagement"]);
    }

    #[test]
    fn steps_out_of_order_are_allowed_and_said() {
        let mut p = play();
        let open = p.complete(Milestone::Meeting, start() + Duration::hours(30));
        assert_eq!(open, [Milestone::Triage, Milestone::Exec]);
        assert!(matches!(
            p.state(Milestone::Meeting, start() + Duration::days(30)),
            MilestoneState::Done(_)
        ));
    }

    #[test]
    fn weekly_checkins_after_the_plan() {
        let mut p = play();
        assert_eq!(p.next_checkin(), None);
        let plan_at = start() + Duration::days(5);
        p.complete(Milestone::Plan, plan_at);
        assert_eq!(p.next_checkin(), Some(plan_at + Duration::days(7)));
        assert!(p
            .missed(plan_at + Duration::days(7))
            .iter()
            .all(|m| m != "weekly check-in"));
        assert!(p
            .missed(plan_at + Duration::days(8))
            .iter()
            .any(|m| m == "weekly check-in"));
        p.checkins.push(Checkin {
            at: plan_at + Duration::days(6),
            note: None,
        });
        assert_eq!(p.next_checkin(), Some(plan_at + Duration::days(13)));
    }
}
