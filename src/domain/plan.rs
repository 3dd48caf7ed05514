//! Purpose: the account plan — the customer's top 3 strategic goals and how we map to them,
//! agreed success metrics, risks with mitigations, competitors and a SWOT, and the 90-day
//! action plan — with the *generic*, *stale*, high-risk-competitor and overdue-action flags.
//! Items carry short per-plan ids (`g1`, `m2`, `r1`, `c3`, `s4`; see [`ItemId`]).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::competition::{names_in, Competitor, CompetitorRisk, SwotItem, SwotKind};
use super::error::DomainError;
use super::person::Person;
use super::plan_item::{next_id, numbered, take, ItemId, Section};
use super::value::{Better, Metric, Reading, TargetsMet};

/// At most this many strategic goals: the customer's top 3.
pub const MAX_GOALS: usize = 3;
/// A plan not updated for more than this many days is stale.
pub const STALE_PLAN_DAYS: i64 = 90;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    #[serde(default)]
    pub id: u32,
    pub text: String,
    /// How our product maps to the goal.
    #[serde(default)]
    pub mapping: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Risk {
    #[serde(default)]
    pub id: u32,
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

/// What `/plan metric` sets; direction and value per unit stay as they were when not given.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricUpdate {
    pub name: String,
    pub target: f64,
    pub current: f64,
    pub better: Option<Better>,
    pub value_per_unit: Option<f64>,
}

/// Records written before items had ids load with ids given in order (`numbered`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Plan {
    #[serde(deserialize_with = "numbered", skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<Goal>,
    #[serde(deserialize_with = "numbered", skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
    #[serde(deserialize_with = "numbered", skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<Risk>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    #[serde(deserialize_with = "numbered", skip_serializing_if = "Vec::is_empty")]
    pub competitors: Vec<Competitor>,
    #[serde(deserialize_with = "numbered", skip_serializing_if = "Vec::is_empty")]
    pub swot: Vec<SwotItem>,
    /// When the plan was last edited; `None` if never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
}

impl Plan {
    /// Adds a goal, refusing a fourth; returns its id.
    pub fn add_goal(
        &mut self,
        text: String,
        mapping: Option<String>,
        account: &str,
    ) -> Result<u32, DomainError> {
        if self.goals.len() >= MAX_GOALS {
            let ids: Vec<String> = self.goals.iter().map(|g| format!("g{}", g.id)).collect();
            return Err(DomainError::Refused(format!(
                "{account} already has {MAX_GOALS} strategic goals — the customer's top 3. Focus beats breadth: ask which matters least to them and replace it (`/plan remove \"{account}\" {}`), or fold the new one into an existing goal.",
                ids.join("|")
            )));
        }
        let id = next_id(&self.goals);
        self.goals.push(Goal { id, text, mapping });
        Ok(id)
    }

    /// Sets a metric's target and current value, matched by name in any case. A new metric
    /// keeps today's value as its first (the baseline); a value set on a later day is a
    /// measurement. Returns the metric and whether it was new.
    pub fn set_metric(&mut self, update: MetricUpdate, today: NaiveDate) -> (&Metric, bool) {
        let since = self.updated_at.map_or(today, |at| at.date_naive());
        let at = self
            .metrics
            .iter()
            .position(|m| m.name.eq_ignore_ascii_case(&update.name));
        let new = at.is_none();
        let at = at.unwrap_or_else(|| {
            let id = next_id(&self.metrics);
            self.metrics.push(Metric {
                id,
                name: update.name.clone(),
                target: update.target,
                current: update.current,
                first: Some(Reading {
                    value: update.current,
                    on: today,
                }),
                value_per_unit: None,
                better: Better::default(),
                measured_on: None,
            });
            self.metrics.len() - 1
        });
        let metric = &mut self.metrics[at];
        // A metric recorded before first values were kept: its last value is the earliest
        // known, as of the plan's last edit.
        let legacy = metric.first.is_none();
        let first = metric.first.get_or_insert(Reading {
            value: metric.current,
            on: since,
        });
        if !new && (legacy || today > first.on) {
            metric.measured_on = Some(today);
        } else {
            // Set again on the baseline's day: a correction of the baseline.
            first.value = update.current;
        }
        metric.target = update.target;
        metric.current = update.current;
        metric.better = update.better.unwrap_or(metric.better);
        metric.value_per_unit = update.value_per_unit.or(metric.value_per_unit);
        (&self.metrics[at], new)
    }

    /// Adds a risk; returns its id.
    pub fn add_risk(&mut self, text: String, mitigation: Option<String>) -> u32 {
        let id = next_id(&self.risks);
        self.risks.push(Risk {
            id,
            text,
            mitigation,
        });
        id
    }

    /// Adds a competitor, or updates the one of the same name (any case): the risk, the edge
    /// when given, and last seen = `today`. Returns it and its risk before an update.
    pub fn set_competitor(
        &mut self,
        name: &str,
        risk: CompetitorRisk,
        edge: Option<String>,
        today: NaiveDate,
    ) -> (&Competitor, Option<CompetitorRisk>) {
        let wanted = name.to_lowercase();
        let at = self
            .competitors
            .iter()
            .position(|c| c.name.to_lowercase() == wanted);
        let Some(at) = at else {
            let id = next_id(&self.competitors);
            self.competitors.push(Competitor {
                id,
                name: name.to_string(),
                risk,
                edge,
                last_seen: today,
            });
            return (&self.competitors[self.competitors.len() - 1], None);
        };
        let c = &mut self.competitors[at];
        let was = c.risk;
        c.risk = risk;
        c.edge = edge.or(c.edge.take());
        c.last_seen = today;
        (&self.competitors[at], Some(was))
    }

    /// Adds a SWOT item, refusing the same text twice in a quadrant; returns its id.
    pub fn add_swot(&mut self, kind: SwotKind, text: String) -> Result<u32, DomainError> {
        if let Some(same) = self
            .swot
            .iter()
            .find(|s| s.kind == kind && s.text.to_lowercase() == text.to_lowercase())
        {
            return Err(DomainError::Duplicate {
                what: kind.name(),
                name: text,
                hint: format!("It is s{} on the plan.", same.id),
            });
        }
        let id = next_id(&self.swot);
        self.swot.push(SwotItem { id, kind, text });
        Ok(id)
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

    /// Removes the item `id`, describing it (`competitor c1 "Globex"`). An unknown id is an
    /// error naming the plan's ids; nothing changes then.
    pub fn remove(&mut self, id: ItemId) -> Result<String, DomainError> {
        let n = id.number;
        let text = match id.section {
            Section::Goal => take(&mut self.goals, n).map(|g| g.text),
            Section::Metric => take(&mut self.metrics, n).map(|m| m.name),
            Section::Risk => take(&mut self.risks, n).map(|r| r.text),
            Section::Competitor => take(&mut self.competitors, n).map(|c| c.name),
            Section::Swot => take(&mut self.swot, n).map(|s| s.text),
        };
        match text {
            Some(text) => Ok(format!("{} {id} \"{text}\"", id.section.noun())),
            None => Err(DomainError::NotFound {
                what: "plan item",
                name: id.to_string(),
                suggestions: self.ids_hint(),
            }),
        }
    }

    /// " Items: g1, m1, c2." — or how to add some when the plan has none.
    pub fn ids_hint(&self) -> String {
        let ids: Vec<String> = [
            (
                Section::Goal,
                self.goals.iter().map(|g| g.id).collect::<Vec<_>>(),
            ),
            (Section::Metric, self.metrics.iter().map(|m| m.id).collect()),
            (Section::Risk, self.risks.iter().map(|r| r.id).collect()),
            (
                Section::Competitor,
                self.competitors.iter().map(|c| c.id).collect(),
            ),
            (Section::Swot, self.swot.iter().map(|s| s.id).collect()),
        ]
        .into_iter()
        .flat_map(|(section, ids)| {
            ids.into_iter()
                .map(move |number| ItemId { section, number }.to_string())
        })
        .collect();
        if ids.is_empty() {
            " The plan has no goals, metrics, risks, competitors or SWOT items to remove.".into()
        } else {
            format!(" Items (see `/plan show`): {}.", ids.join(", "))
        }
    }

    /// The competitor whose name occurs in `text` as whole words, any case (the longest
    /// name when several do): "lost to Globex on price" → Globex.
    pub fn competitor_named_in(&self, text: &str) -> Option<&Competitor> {
        self.competitors
            .iter()
            .filter(|c| names_in(&c.name, text))
            .max_by_key(|c| c.name.chars().count())
    }

    /// Competitors rated `high`: each counts as a risk of the plan.
    pub fn high_risk_competitors(&self) -> impl Iterator<Item = &Competitor> {
        self.competitors
            .iter()
            .filter(|c| c.risk == CompetitorRisk::High)
    }

    /// No strategic goals: a vendor plan, not an account plan.
    pub fn is_generic(&self) -> bool {
        self.goals.is_empty()
    }

    /// Not updated for more than 90 days (a plan never edited counts from `since`).
    pub fn is_stale(&self, since: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        (now - self.updated_at.unwrap_or(since)).num_days() > STALE_PLAN_DAYS
    }

    /// How many success metrics meet their target; `None` without metrics.
    pub fn targets_met(&self) -> Option<TargetsMet> {
        TargetsMet::of(&self.metrics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("valid")
    }

    fn update(name: &str, target: f64, current: f64) -> MetricUpdate {
        MetricUpdate {
            name: name.into(),
            target,
            current,
            better: None,
            value_per_unit: None,
        }
    }

    #[test]
    fn at_most_three_goals() {
        let mut plan = Plan::default();
        for i in 0..3 {
            plan.add_goal(format!("g{i}"), None, "Acme").expect("room");
        }
        let err = plan.add_goal("g4".into(), None, "Acme").expect_err("4th");
        assert!(err.to_string().contains("top 3"), "{err}");
        assert!(
            err.to_string().contains("/plan remove \"Acme\" g1|g2|g3"),
            "{err}"
        );
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
    fn metrics_keep_their_first_value_and_count_targets_met() {
        let mut plan = Plan::default();
        assert_eq!(plan.targets_met(), None);
        let (m, new) = plan.set_metric(update("Tickets deflected", 100.0, 120.0), day(1, 5));
        assert!(new && m.met() && !m.counts());
        let (_, new) = plan.set_metric(update("Time saved", 10.0, 5.0), day(1, 5));
        assert!(new);
        // A correction on the baseline's day is still the baseline: no ROI evidence yet.
        let (m, _) = plan.set_metric(update("Tickets deflected", 100.0, 110.0), day(1, 5));
        assert_eq!(m.first.map(|f| f.value), Some(110.0));
        assert_eq!(plan.targets_met(), None);
        plan.set_metric(update("Tickets deflected", 100.0, 130.0), day(2, 2));
        let mut later = update("time saved", 10.0, 6.0);
        later.value_per_unit = Some(3900.0);
        let (m, new) = plan.set_metric(later, day(3, 2));
        assert!(!new);
        assert_eq!((m.id, m.name.as_str()), (2, "Time saved"));
        assert_eq!(
            m.first,
            Some(Reading {
                value: 5.0,
                on: day(1, 5)
            })
        );
        assert_eq!((m.improvement(), m.value()), (Some(1.0), Some(3900.0)));
        // Not given again: the value per unit and direction stay.
        let (m, _) = plan.set_metric(update("Time saved", 10.0, 7.0), day(3, 9));
        assert_eq!((m.value_per_unit, m.better), (Some(3900.0), Better::Higher));
        assert_eq!(plan.targets_met(), Some(TargetsMet { met: 1, total: 2 }));
    }

    #[test]
    fn a_metric_stored_without_a_first_value_takes_its_last_one() {
        let mut plan = Plan::default();
        plan.set_metric(update("Hours", 40.0, 20.0), day(1, 5));
        plan.metrics[0].first = None;
        plan.updated_at = Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0).single();
        let (m, _) = plan.set_metric(update("Hours", 40.0, 32.0), day(3, 2));
        assert_eq!(
            m.first,
            Some(Reading {
                value: 20.0,
                on: day(2, 1)
            })
        );
        assert_eq!(m.improvement(), Some(12.0));
    }

    #[test]
    fn competitors_update_by_name_and_high_risk_is_flagged() {
        let mut plan = Plan::default();
        let edge = Some("Native CRM sync".to_string());
        let (c, was) = plan.set_competitor("Globex", CompetitorRisk::Medium, edge, day(1, 5));
        assert_eq!((c.id, was), (1, None));
        assert_eq!(plan.high_risk_competitors().count(), 0);
        let (c, was) = plan.set_competitor("GLOBEX", CompetitorRisk::High, None, day(3, 2));
        assert_eq!((c.id, was), (1, Some(CompetitorRisk::Medium)));
        assert_eq!((c.name.as_str(), c.last_seen), ("Globex", day(3, 2)));
        assert_eq!(c.edge.as_deref(), Some("Native CRM sync"));
        assert_eq!(plan.competitors.len(), 1);
        let high: Vec<_> = plan
            .high_risk_competitors()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(high, ["Globex"]);
    }

    #[test]
    fn competitor_named_in_free_text() {
        let mut plan = Plan::default();
        plan.set_competitor("Globex", CompetitorRisk::High, None, day(1, 5));
        plan.set_competitor("Globex Cloud", CompetitorRisk::Low, None, day(1, 5));
        plan.set_competitor("Hooli", CompetitorRisk::Low, None, day(1, 5));
        let named = |text: &str| plan.competitor_named_in(text).map(|c| c.name.as_str());
        assert_eq!(named("Lost to hooli on price"), Some("Hooli"));
        assert_eq!(named("they moved to globex cloud"), Some("Globex Cloud"));
        assert_eq!(named("Globex's sales team"), Some("Globex"));
        assert_eq!(named("Hoolitown office closed"), None);
        assert_eq!(named(""), None);
    }

    #[test]
    fn items_are_removed_by_id_and_unknown_ids_are_listed() {
        let mut plan = Plan::default();
        plan.add_goal("Expand into EMEA".into(), None, "Acme")
            .expect("room");
        plan.add_risk("Champion may leave".into(), None);
        plan.set_competitor("Globex", CompetitorRisk::High, None, day(1, 5));
        plan.add_swot(SwotKind::Strength, "Loved by finance".into())
            .expect("new");
        plan.add_swot(SwotKind::Threat, "Budget freeze".into())
            .expect("new");
        let dup = plan
            .add_swot(SwotKind::Strength, "loved by FINANCE".into())
            .expect_err("same text");
        assert!(dup.to_string().contains("It is s1"), "{dup}");
        let s1 = ItemId::parse("s1").expect("id");
        assert_eq!(
            plan.remove(s1),
            Ok("SWOT item s1 \"Loved by finance\"".into())
        );
        let before = plan.clone();
        let err = plan.remove(s1).expect_err("gone");
        assert_eq!(plan, before);
        assert_eq!(
            err.to_string(),
            "plan item \"s1\" not found. Items (see `/plan show`): g1, r1, c1, s2."
        );
        let c1 = ItemId::parse("c1").expect("id");
        assert_eq!(plan.remove(c1), Ok("competitor c1 \"Globex\"".into()));
        assert_eq!(plan.high_risk_competitors().count(), 0);
        // The next id is one more than the largest left.
        assert_eq!(plan.add_swot(SwotKind::Weakness, "No SSO".into()), Ok(3));
        let empty = Plan::default().ids_hint();
        assert!(empty.contains("no goals, metrics"), "{empty}");
    }
}
