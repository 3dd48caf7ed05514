//! Purpose: the account plan — the customer's top 3 strategic goals and how we map to them,
//! agreed success metrics, risks with mitigations, and the 90-day action plan — with the
//! *generic*, *stale* and overdue-action flags.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::error::DomainError;
use super::person::Person;

/// At most this many strategic goals: the customer's top 3.
pub const MAX_GOALS: usize = 3;
/// A plan not updated for more than this many days is stale.
pub const STALE_PLAN_DAYS: i64 = 90;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub text: String,
    /// How our product maps to the goal.
    #[serde(default)]
    pub mapping: Option<String>,
}

/// A success metric agreed with the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub name: String,
    pub target: f64,
    pub current: f64,
}

impl Metric {
    /// Whether the current value meets the target (higher is better).
    pub fn met(&self) -> bool {
        self.current >= self.target
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Risk {
    pub text: String,
    #[serde(default)]
    pub mitigation: Option<String>,
}

/// A checkable action of the 90-day plan; `id` is per account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub id: u32,
    pub text: String,
    #[serde(default)]
    pub owner: Option<Person>,
    pub due: NaiveDate,
    #[serde(default)]
    pub done: Option<NaiveDate>,
}

impl Action {
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.done.is_none() && self.due < today
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Plan {
    pub goals: Vec<Goal>,
    pub metrics: Vec<Metric>,
    pub risks: Vec<Risk>,
    pub actions: Vec<Action>,
    /// When the plan was last edited; `None` if never.
    pub updated_at: Option<DateTime<Utc>>,
}

impl Plan {
    /// Adds a goal, refusing a fourth.
    pub fn add_goal(&mut self, goal: Goal, account: &str) -> Result<(), DomainError> {
        if self.goals.len() >= MAX_GOALS {
            return Err(DomainError::Refused(format!(
                "{account} already has {MAX_GOALS} strategic goals — the customer's top 3. Focus beats breadth: replace one by asking which matters least to them (`/plan show \"{account}\"`), or fold the new one into an existing goal."
            )));
        }
        self.goals.push(goal);
        Ok(())
    }

    /// Sets a metric's target and current value (adding it if new); returns whether it was new.
    pub fn set_metric(&mut self, metric: Metric) -> bool {
        match self
            .metrics
            .iter_mut()
            .find(|m| m.name.eq_ignore_ascii_case(&metric.name))
        {
            Some(existing) => {
                *existing = metric;
                false
            }
            None => {
                self.metrics.push(metric);
                true
            }
        }
    }

    /// Adds an action with the next free id.
    pub fn add_action(&mut self, text: String, owner: Option<Person>, due: NaiveDate) -> u32 {
        let id = self.actions.iter().map(|a| a.id).max().unwrap_or(0) + 1;
        self.actions.push(Action {
            id,
            text,
            owner,
            due,
            done: None,
        });
        id
    }

    /// No strategic goals: a vendor plan, not an account plan.
    pub fn is_generic(&self) -> bool {
        self.goals.is_empty()
    }

    /// Not updated for more than 90 days (a plan never edited counts from `since`).
    pub fn is_stale(&self, since: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        (now - self.updated_at.unwrap_or(since)).num_days() > STALE_PLAN_DAYS
    }

    /// % of success metrics that meet their target; `None` without metrics.
    pub fn targets_met_percent(&self) -> Option<f64> {
        (!self.metrics.is_empty()).then(|| {
            100.0 * self.metrics.iter().filter(|m| m.met()).count() as f64
                / self.metrics.len() as f64
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn at_most_three_goals() {
        let mut plan = Plan::default();
        for i in 0..3 {
            plan.add_goal(
                Goal {
                    text: format!("g{i}"),
                    mapping: None,
                },
                "Acme",
            )
            .expect("room");
        }
        let err = plan
            .add_goal(
                Goal {
                    text: "g4".into(),
                    mapping: None,
                },
                "Acme",
            )
            .expect_err("4th");
        assert!(err.to_string().contains("top 3"));
        assert_eq!(plan.goals.len(), 3);
    }

    #[test]
    fn flags() {
        let now = Utc
            .with_ymd_and_hms(2026, 6, 1, 0, 0, 0)
            .single()
            .expect("valid");
        let mut plan = Plan::default();
        assert!(plan.is_generic());
        assert!(!plan.is_stale(now - Duration::days(90), now));
        assert!(plan.is_stale(now - Duration::days(91), now));
        plan.updated_at = Some(now - Duration::days(10));
        assert!(!plan.is_stale(now - Duration::days(400), now));
        let today = now.date_naive();
        let id = plan.add_action("Send ROI deck".into(), None, today - Duration::days(1));
        assert_eq!(id, 1);
        assert!(plan.actions[0].is_overdue(today));
        assert!(!plan.actions[0].is_overdue(today - Duration::days(1)));
    }

    #[test]
    fn metrics_and_targets_met() {
        let mut plan = Plan::default();
        assert_eq!(plan.targets_met_percent(), None);
        assert!(plan.set_metric(Metric {
            name: "Tickets deflected".into(),
            target: 100.0,
            current: 120.0
        }));
        assert!(plan.set_metric(Metric {
            name: "Time saved".into(),
            target: 10.0,
            current: 5.0
        }));
        assert!(!plan.set_metric(Metric {
            name: "time saved".into(),
            target: 10.0,
            current: 6.0
        }));
        assert_eq!(plan.targets_met_percent(), Some(50.0));
    }
}
