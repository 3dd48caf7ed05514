//! Purpose: expansion opportunities — type, value, trigger, status — the five-point
//! readiness checklist that must hold before pitching, and the expansion signals worth
//! surfacing unprompted. Qualification (MEDDIC) lives in [`super::meddic`], reasons for
//! wins and losses in [`super::reason`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::account::Account;
use super::health::{Category, Rating};
use super::meddic::{self, Qualification};
use super::money::Money;
use super::person::Person;
use super::reason::Reason;
use super::signals::IndicatorKind;
use super::stakeholder::{Role, Stakeholder};

crate::word_enum! {
    /// What kind of growth an opportunity is.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum OpportunityKind {
        Seat => "seat",
        Module => "module",
        CrossSell => "cross-sell",
        NewUnit => "new-unit",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum OpportunityStatus {
    Open,
    Won {
        on: NaiveDate,
        #[serde(default)]
        reason: Option<Reason>,
    },
    Lost {
        on: NaiveDate,
        /// Plain text in records from before reasons had kinds; read with the kind inferred.
        #[serde(default)]
        reason: Option<Reason>,
    },
}

/// One expansion opportunity; `id` is short and tenant-wide so people can type it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opportunity {
    pub id: u32,
    pub kind: OpportunityKind,
    /// ARR it would add.
    pub value: Money,
    /// The event that makes it timely ("new EMEA team onboarding").
    #[serde(default)]
    pub trigger: Option<String>,
    #[serde(default)]
    pub owner: Option<Person>,
    #[serde(default)]
    pub due: Option<NaiveDate>,
    pub status: OpportunityStatus,
    pub created_on: NaiveDate,
    /// MEDDIC elements set by hand.
    #[serde(default, skip_serializing_if = "Qualification::is_empty")]
    pub qualification: Qualification,
}

impl Opportunity {
    pub fn is_open(&self) -> bool {
        self.status == OpportunityStatus::Open
    }

    /// MEDDIC elements known (0–6), given the account's stakeholders.
    pub fn meddic_score(&self, stakeholders: &[Stakeholder]) -> usize {
        meddic::score(&self.qualification, stakeholders)
    }

    /// The value the forecast counts: value × known / 6 (see [`meddic::weighted`]).
    pub fn weighted_value(&self, stakeholders: &[Stakeholder]) -> f64 {
        meddic::weighted(self.value, self.meddic_score(stakeholders))
    }
}

/// An expansion signal an opportunity indicator (seat ceiling, feature breadth up) recorded on
/// the account when it fired (INGEST.md): one per cause, renewed when the cause fires again
/// after clearing, surfaced with the other signals for [`SIGNAL_DAYS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpansionSignal {
    pub indicator: IndicatorKind,
    /// The indicator's cause, e.g. `seat-ceiling`.
    pub cause: String,
    /// The day it fired.
    pub on: NaiveDate,
    /// The figures behind it then.
    pub figures: String,
}

/// How long a recorded expansion signal is surfaced after it fired.
pub const SIGNAL_DAYS: i64 = 90;

/// Renewal must be more than this many days away to pitch (exactly 60 fails — DECISIONS 17).
pub const READY_RENEWAL_DAYS: i64 = 60;
/// The least NPS an active champion needs for readiness.
pub const READY_CHAMPION_NPS: u8 = 8;

/// One readiness check and the data behind its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub passed: bool,
    /// E.g. "champion NPS 6 < 8 — Jane Doe".
    pub detail: String,
}

/// The five readiness checks for pitching expansion at `account` (an opportunity's
/// trigger, if one is being judged, satisfies check 4).
pub fn readiness(account: &Account, trigger: Option<&str>, today: NaiveDate) -> Vec<Check> {
    let signals = account.signals();
    let roi = match signals.roi {
        Some(r) if Category::Roi.rate(&signals) == Some(Rating::Green) => {
            (true, format!("ROI {r} % of targets met > 90 %"))
        }
        Some(r) => (false, format!("ROI {r} % of targets met ≤ 90 %")),
        None => (false, "no ROI recorded (`/health set … roi:`)".to_string()),
    };
    let champions: Vec<_> = account
        .stakeholders
        .iter()
        .filter(|s| s.is_active() && s.role == Role::Champion)
        .collect();
    let champion = match champions
        .iter()
        .find(|c| c.nps.is_some_and(|n| n >= READY_CHAMPION_NPS))
    {
        Some(c) => (
            true,
            format!(
                "champion NPS {} ≥ {READY_CHAMPION_NPS} — {}",
                c.nps.unwrap_or_default(),
                c.name
            ),
        ),
        None => match champions.first() {
            Some(c) => match c.nps {
                Some(n) => (
                    false,
                    format!("champion NPS {n} < {READY_CHAMPION_NPS} — {}", c.name),
                ),
                None => (false, format!("champion NPS not recorded — {}", c.name)),
            },
            None => (false, "no active champion".to_string()),
        },
    };
    let buyers: Vec<_> = account
        .stakeholders
        .iter()
        .filter(|s| s.is_active() && s.role == Role::EconomicBuyer)
        .collect();
    let buyer = match buyers.iter().find(|b| b.sentiment.is_favourable()) {
        Some(b) => (
            true,
            format!("economic buyer {} is {}", b.name, b.sentiment.name()),
        ),
        None => match buyers.first() {
            Some(b) => (
                false,
                format!(
                    "economic buyer {} is {} (needs positive or champion)",
                    b.name,
                    b.sentiment.name()
                ),
            ),
            None => (false, "no active economic buyer".to_string()),
        },
    };
    let use_case = match trigger.filter(|t| !t.trim().is_empty()) {
        Some(t) => (true, format!("trigger: {t}")),
        None => (
            false,
            "no new use case or team mentioned (add `trigger:`)".to_string(),
        ),
    };
    let days = account.days_to_renewal(today);
    let renewal = if days > READY_RENEWAL_DAYS {
        (
            true,
            format!("renewal in {days} days > {READY_RENEWAL_DAYS}"),
        )
    } else {
        (false, format!("renewal in {days} days ≤ {READY_RENEWAL_DAYS}: renew first, or renew and expand together"))
    };
    [
        ("documented ROI", roi),
        ("champion with NPS ≥ 8", champion),
        ("economic buyer aware of value", buyer),
        ("new use case or team", use_case),
        ("renewal more than 60 days away", renewal),
    ]
    .into_iter()
    .map(|(name, (passed, detail))| Check {
        name,
        passed,
        detail,
    })
    .collect()
}

/// Expansion signals worth surfacing for an account on `today`: usage > 80 % (seat limit),
/// NPS 9–10, ROI green, a new unit onboarding (an open new-unit opportunity or a logged
/// mention), and what opportunity indicators recorded in the last [`SIGNAL_DAYS`].
pub fn signals(account: &Account, today: NaiveDate) -> Vec<String> {
    let s = account.signals();
    let mut out = Vec::new();
    if let Some(u) = s.usage.filter(|u| *u > 80.0) {
        out.push(format!("usage {u} % — near the seat limit"));
    }
    if let Some(n) = s.nps.filter(|n| *n >= 9) {
        out.push(format!("NPS {n}"));
    }
    if Category::Roi.rate(&s) == Some(Rating::Green) {
        out.push("ROI green".into());
    }
    let mentions_unit = account.activities.iter().rev().take(20).any(|a| {
        a.text.to_lowercase().contains("new unit") || a.text.to_lowercase().contains("new team")
    });
    if mentions_unit {
        out.push("a new unit or team mentioned".into());
    }
    for signal in &account.expansion_signals {
        let age = (today - signal.on).num_days();
        if (0..SIGNAL_DAYS).contains(&age) {
            out.push(format!("{} since {}", signal.indicator.name(), signal.on));
        }
    }
    out
}

/// The best open opportunity to introduce: the largest value, then the earliest due.
pub fn best_open(account: &Account) -> Option<&Opportunity> {
    account
        .opportunities
        .iter()
        .filter(|o| o.is_open())
        .max_by(|a, b| a.value.cmp(&b.value).then_with(|| b.due.cmp(&a.due)))
}

/// The sum of open opportunity values.
pub fn open_value(account: &Account) -> Money {
    Money(
        account
            .opportunities
            .iter()
            .filter(|o| o.is_open())
            .map(|o| o.value.0)
            .sum(),
    )
}

/// The sum of open opportunity values weighted by MEDDIC qualification.
pub fn weighted_open_value(account: &Account) -> f64 {
    account
        .opportunities
        .iter()
        .filter(|o| o.is_open())
        .map(|o| o.weighted_value(&account.stakeholders))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::AccountId;
    use crate::domain::health::{Signals, Snapshot};
    use crate::domain::stakeholder::{Sentiment, Stakeholder};
    use chrono::{Duration, TimeZone, Utc};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).expect("valid")
    }

    /// An account that passes every check: renewal in 61 days, ROI 95, champion NPS 8,
    /// positive economic buyer.
    fn ready() -> Account {
        let now = Utc
            .with_ymd_and_hms(2026, 6, 1, 9, 0, 0)
            .single()
            .expect("valid");
        let mut a = Account::new(
            AccountId(1),
            "Acme".into(),
            Money(100_000),
            today() + Duration::days(61),
            now,
        );
        let mut champion = Stakeholder::new("Jane".into(), Role::Champion, today());
        champion.nps = Some(8);
        let mut buyer = Stakeholder::new("Bob".into(), Role::EconomicBuyer, today());
        buyer.sentiment = Sentiment::Positive;
        a.stakeholders = vec![champion, buyer];
        a.health.push(Snapshot {
            at: now,
            signals: Signals {
                roi: Some(95.0),
                ..Signals::default()
            },
        });
        a
    }

    fn failing(a: &Account, trigger: Option<&str>) -> Vec<&'static str> {
        readiness(a, trigger, today())
            .into_iter()
            .filter(|c| !c.passed)
            .map(|c| c.name)
            .collect()
    }

    #[test]
    fn all_five_pass_at_the_edges() {
        assert!(failing(&ready(), Some("EMEA team onboarding")).is_empty());
        assert_eq!(failing(&ready(), None), ["new use case or team"]);
    }

    #[test]
    fn champion_nps_exactly_8_passes_7_fails() {
        let mut a = ready();
        a.stakeholders[0].nps = Some(7);
        let checks = readiness(&a, Some("x"), today());
        assert!(!checks[1].passed);
        assert_eq!(checks[1].detail, "champion NPS 7 < 8 — Jane");
    }

    #[test]
    fn renewal_exactly_60_days_fails() {
        let mut a = ready();
        a.renewal_date = today() + Duration::days(60);
        assert_eq!(failing(&a, Some("x")), ["renewal more than 60 days away"]);
    }

    #[test]
    fn roi_must_be_over_90_and_buyer_favourable() {
        let mut a = ready();
        a.health[0].signals.roi = Some(90.0);
        a.stakeholders[1].sentiment = Sentiment::Neutral;
        assert_eq!(
            failing(&a, Some("x")),
            ["documented ROI", "economic buyer aware of value"]
        );
        a.stakeholders[1].departed = true;
        assert_eq!(
            readiness(&a, Some("x"), today())[2].detail,
            "no active economic buyer"
        );
    }

    #[test]
    fn signals_and_best_open() {
        let mut a = ready();
        a.health[0].signals = Signals {
            usage: Some(81.0),
            nps: Some(9),
            roi: Some(91.0),
            ..Signals::default()
        };
        assert_eq!(signals(&a, today()).len(), 3);
        a.expansion_signals.push(ExpansionSignal {
            indicator: IndicatorKind::SeatCeiling,
            cause: "seat-ceiling".into(),
            on: today() - Duration::days(SIGNAL_DAYS - 1),
            figures: "usage ≥ 95 %".into(),
        });
        assert_eq!(
            signals(&a, today()).last().map(String::as_str),
            Some("seat ceiling since 2026-03-04")
        );
        assert_eq!(signals(&a, today() + Duration::days(1)).len(), 3);
        let opp = |id, value| Opportunity {
            id,
            kind: OpportunityKind::Seat,
            value: Money(value),
            trigger: None,
            owner: None,
            due: None,
            status: OpportunityStatus::Open,
            created_on: today(),
            qualification: Qualification::default(),
        };
        a.opportunities = vec![opp(1, 10), opp(2, 30), opp(3, 20)];
        a.opportunities[1].status = OpportunityStatus::Won {
            on: today(),
            reason: None,
        };
        assert_eq!(best_open(&a).map(|o| o.id), Some(3));
        assert_eq!(open_value(&a), Money(30));
        // Jane (champion) and Bob (economic buyer) make 2 of 6 known: 30 × 2/6 = 10.
        assert!((weighted_open_value(&a) - 10.0).abs() < 1e-9);
    }
}
