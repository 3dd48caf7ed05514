//! Purpose: stakeholders of an account — roles, influence and sentiment, the power grid,
//! the single-threaded risk flag and stale contacts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::email::Email;
use super::person::Person;

crate::word_enum! {
    /// What a person is to the deal.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum Role {
        Champion => "champion",
        EconomicBuyer => "economic-buyer",
        ExecutiveSponsor => "executive-sponsor",
        DecisionMaker => "decision-maker",
        Blocker => "blocker",
        EndUser => "end-user",
        Influencer => "influencer",
    }
}

impl Role {
    /// Sentiment assumed when none is given: a champion advocates, a blocker resists.
    pub fn default_sentiment(self) -> Sentiment {
        match self {
            Role::Champion => Sentiment::Champion,
            Role::Blocker => Sentiment::Detractor,
            _ => Sentiment::Neutral,
        }
    }

    /// Influence assumed when none is given: budget holders and sponsors are high.
    pub fn default_influence(self) -> Influence {
        match self {
            Role::EconomicBuyer | Role::ExecutiveSponsor | Role::DecisionMaker => Influence::High,
            _ => Influence::Low,
        }
    }
}

crate::word_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum Influence {
        High => "high",
        Low => "low",
    }
}

crate::word_enum! {
    /// How a person feels about us, strongest first.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum Sentiment {
        Champion => "champion",
        Positive => "positive",
        Neutral => "neutral",
        Detractor => "detractor",
    }
}

impl Sentiment {
    pub fn is_favourable(self) -> bool {
        matches!(self, Sentiment::Champion | Sentiment::Positive)
    }
}

/// A cell of the power grid (influence × sentiment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quadrant {
    /// High influence, neutral or detractor: convert them.
    Mobilize,
    /// High influence, champion or positive: nurture them.
    ProtectAndGrow,
    /// Low influence, neutral or detractor: watch them.
    Monitor,
    /// Low influence, champion or positive: use them as references.
    Leverage,
}

impl Quadrant {
    /// Grid order: top row (high influence) then bottom row; detractor side first.
    pub const GRID: [Quadrant; 4] = [
        Quadrant::Mobilize,
        Quadrant::ProtectAndGrow,
        Quadrant::Monitor,
        Quadrant::Leverage,
    ];

    pub fn of(influence: Influence, sentiment: Sentiment) -> Quadrant {
        match (influence, sentiment.is_favourable()) {
            (Influence::High, false) => Quadrant::Mobilize,
            (Influence::High, true) => Quadrant::ProtectAndGrow,
            (Influence::Low, false) => Quadrant::Monitor,
            (Influence::Low, true) => Quadrant::Leverage,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Quadrant::Mobilize => "MOBILIZE",
            Quadrant::ProtectAndGrow => "PROTECT & GROW",
            Quadrant::Monitor => "MONITOR",
            Quadrant::Leverage => "LEVERAGE",
        }
    }

    pub fn advice(self) -> &'static str {
        match self {
            Quadrant::Mobilize => "convert",
            Quadrant::ProtectAndGrow => "nurture",
            Quadrant::Monitor => "watch",
            Quadrant::Leverage => "references",
        }
    }
}

/// A person at the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stakeholder {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_unit: Option<String>,
    /// Their work e-mail; a product user whose `identify` carries it is theirs (INGEST.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    pub role: Role,
    pub influence: Influence,
    pub sentiment: Sentiment,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal_win: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engagement: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_contact: Option<NaiveDate>,
    /// Relationship owner on our side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_risk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nps: Option<u8>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub departed: bool,
    /// When the person was added; stands in for the last contact until there is one.
    pub added_on: NaiveDate,
    /// Their Slack user (`slack:@user`): their messages in a customer channel are the
    /// customer's, and count as contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack_user: Option<String>,
    /// Their Discord user (`discord:@user`), likewise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discord_user: Option<String>,
}

/// More than this many days without contact makes a stakeholder stale.
pub const STALE_AFTER_DAYS: i64 = 90;
/// Fewer active stakeholders than this is single-threaded.
pub const MIN_ACTIVE_STAKEHOLDERS: usize = 3;

impl Stakeholder {
    pub fn new(name: String, role: Role, added_on: NaiveDate) -> Self {
        Stakeholder {
            name,
            title: None,
            business_unit: None,
            email: None,
            role,
            influence: role.default_influence(),
            sentiment: role.default_sentiment(),
            personal_win: None,
            engagement: None,
            last_contact: None,
            owner: None,
            key_risk: None,
            nps: None,
            departed: false,
            added_on,
            slack_user: None,
            discord_user: None,
        }
    }

    pub fn quadrant(&self) -> Quadrant {
        Quadrant::of(self.influence, self.sentiment)
    }

    /// Days since the last contact (or since being added, if never contacted).
    pub fn days_since_contact(&self, today: NaiveDate) -> i64 {
        (today - self.last_contact.unwrap_or(self.added_on)).num_days()
    }

    /// Not contacted for more than 90 days.
    pub fn is_stale(&self, today: NaiveDate) -> bool {
        !self.departed && self.days_since_contact(today) > STALE_AFTER_DAYS
    }

    pub fn is_active(&self) -> bool {
        !self.departed
    }
}

/// Why an account is single-threaded; empty when it is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThreadRisk {
    pub too_few: bool,
    pub no_champion: bool,
    pub no_economic_buyer: bool,
}

impl ThreadRisk {
    /// The single-threaded rule, on roles (DECISIONS 13): fewer than 3 active stakeholders,
    /// or no active champion, or no active economic buyer.
    pub fn of(stakeholders: &[Stakeholder]) -> ThreadRisk {
        let active = || stakeholders.iter().filter(|s| s.is_active());
        ThreadRisk {
            too_few: active().count() < MIN_ACTIVE_STAKEHOLDERS,
            no_champion: !active().any(|s| s.role == Role::Champion),
            no_economic_buyer: !active().any(|s| s.role == Role::EconomicBuyer),
        }
    }

    pub fn is_single_threaded(self) -> bool {
        self.too_few || self.no_champion || self.no_economic_buyer
    }

    /// Plain reasons, e.g. `["2 active stakeholders (< 3)", "no champion"]`.
    pub fn reasons(self, stakeholders: &[Stakeholder]) -> Vec<String> {
        let mut out = Vec::new();
        if self.too_few {
            let n = stakeholders.iter().filter(|s| s.is_active()).count();
            let people = if n == 1 {
                "stakeholder"
            } else {
                "stakeholders"
            };
            out.push(format!("{n} active {people} (< {MIN_ACTIVE_STAKEHOLDERS})"));
        }
        if self.no_champion {
            out.push("no active champion".into());
        }
        if self.no_economic_buyer {
            out.push("no active economic buyer".into());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("valid")
    }

    fn person(role: Role) -> Stakeholder {
        Stakeholder::new(format!("{role:?}"), role, day(1, 1))
    }

    #[test]
    fn power_grid_quadrants() {
        use Influence::*;
        use Sentiment::*;
        assert_eq!(Quadrant::of(High, Detractor), Quadrant::Mobilize);
        assert_eq!(Quadrant::of(High, Neutral), Quadrant::Mobilize);
        assert_eq!(Quadrant::of(High, Champion), Quadrant::ProtectAndGrow);
        assert_eq!(Quadrant::of(High, Positive), Quadrant::ProtectAndGrow);
        assert_eq!(Quadrant::of(Low, Detractor), Quadrant::Monitor);
        assert_eq!(Quadrant::of(Low, Neutral), Quadrant::Monitor);
        assert_eq!(Quadrant::of(Low, Champion), Quadrant::Leverage);
        assert_eq!(Quadrant::of(Low, Positive), Quadrant::Leverage);
        let words: Vec<_> = Quadrant::GRID.iter().map(|q| q.word()).collect();
        assert_eq!(words, ["MOBILIZE", "PROTECT & GROW", "MONITOR", "LEVERAGE"]);
    }

    #[test]
    fn single_threaded_rules() {
        let full = vec![
            person(Role::Champion),
            person(Role::EconomicBuyer),
            person(Role::EndUser),
        ];
        assert!(!ThreadRisk::of(&full).is_single_threaded());
        // Two active people: too few, even with both key roles.
        assert!(ThreadRisk::of(&full[..2]).too_few);
        // Three people but no champion.
        let no_champ = vec![
            person(Role::Influencer),
            person(Role::EconomicBuyer),
            person(Role::EndUser),
        ];
        let risk = ThreadRisk::of(&no_champ);
        assert!(risk.no_champion && !risk.too_few && !risk.no_economic_buyer);
        // A departed champion no longer counts.
        let mut departed = full.clone();
        departed[0].departed = true;
        departed.push(person(Role::Blocker));
        let risk = ThreadRisk::of(&departed);
        assert!(risk.no_champion && !risk.too_few);
        // Champion sentiment on a non-champion role does not satisfy the role rule.
        let by_sentiment = no_champ.clone();
        assert_eq!(by_sentiment[0].sentiment, Sentiment::Neutral);
        let mut by_sentiment = by_sentiment;
        by_sentiment[0].sentiment = Sentiment::Champion;
        assert!(ThreadRisk::of(&by_sentiment).no_champion);
        assert_eq!(ThreadRisk::of(&[]).reasons(&[]).len(), 3);
    }

    #[test]
    fn stale_after_more_than_90_days() {
        let mut s = person(Role::Champion);
        s.last_contact = Some(day(1, 1));
        assert!(!s.is_stale(day(4, 1))); // 90 days
        assert!(s.is_stale(day(4, 2))); // 91 days
        s.last_contact = None; // falls back to added_on, also Jan 1
        assert!(s.is_stale(day(4, 2)));
    }

    #[test]
    fn defaults_by_role() {
        assert_eq!(Role::Champion.default_sentiment(), Sentiment::Champion);
        assert_eq!(Role::Blocker.default_sentiment(), Sentiment::Detractor);
        assert_eq!(Role::EndUser.default_sentiment(), Sentiment::Neutral);
        assert_eq!(Role::EconomicBuyer.default_influence(), Influence::High);
        assert_eq!(Role::EndUser.default_influence(), Influence::Low);
        for name in Role::NAMES {
            assert_eq!(Role::parse(name).map(Role::name), Some(name));
        }
    }
}
