//! Purpose: the account aggregate — what Steward knows about one customer — and the
//! activity timeline logged against it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::expansion::{ExpansionSignal, Opportunity};
use super::health::{Category, Health, SignalSources, Signals, Snapshot, Source};
use super::money::Money;
use super::outside_id::{CrmId, WebDomain};
use super::person::{Person, UserId};
use super::plan::Plan;
use super::qbr::QbrState;
use super::reason::Reason;
use super::renewal::{RenewalCycle, Stage};
use super::saveplay::SavePlay;
use super::signals::Indicator;
use super::stakeholder::{Stakeholder, ThreadRisk};
use super::tier::Tier;

/// A tenant-local account number; stable across renames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub u64);

/// Whether the account is still a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum AccountStatus {
    Active,
    /// `reason` was plain text before reasons had kinds; such records load with the kind
    /// inferred from the text.
    Churned {
        on: NaiveDate,
        reason: Reason,
    },
}

/// What kind of activity was logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActivityKind {
    Call,
    Meeting,
    Email,
    Note,
    FollowUp,
}

impl ActivityKind {
    /// The kinds `/account log type:` accepts (DECISIONS 27: `followup` too).
    pub const LOGGABLE: [&'static str; 5] = ["call", "meeting", "email", "note", "followup"];

    pub fn parse(input: &str) -> Option<Self> {
        Some(match input {
            "call" => ActivityKind::Call,
            "meeting" => ActivityKind::Meeting,
            "email" => ActivityKind::Email,
            "note" => ActivityKind::Note,
            "followup" | "follow-up" => ActivityKind::FollowUp,
            _ => return None,
        })
    }

    pub fn word(self) -> &'static str {
        match self {
            ActivityKind::Call => "call",
            ActivityKind::Meeting => "meeting",
            ActivityKind::Email => "email",
            ActivityKind::Note => "note",
            ActivityKind::FollowUp => "follow-up",
        }
    }

    /// The word `type:` takes for this kind (`followup`, without the hyphen).
    pub fn option(self) -> &'static str {
        match self {
            ActivityKind::FollowUp => "followup",
            other => other.word(),
        }
    }
}

/// How much of a chat message *Log to account* keeps, in characters (issue #20).
pub const MAX_LOGGED_MESSAGE_CHARS: usize = 500;

/// Where a logged activity came from: a chat message captured with *Log to account*.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitySource {
    /// A link back to the message.
    pub permalink: String,
    /// The message's author, as shown (a name, or `@id` when no name is known).
    pub author: String,
    /// When the message was posted.
    pub at: DateTime<Utc>,
}

/// One entry of the activity timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub at: DateTime<Utc>,
    pub by: UserId,
    pub kind: ActivityKind,
    pub text: String,
    /// The chat message it was captured from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ActivitySource>,
}

impl Activity {
    /// Calls, meetings, e-mails, follow-ups and notes about a proposal count as renewal
    /// activity (DECISIONS 14).
    pub fn is_renewal_activity(&self) -> bool {
        match self.kind {
            ActivityKind::Note => self.text.to_lowercase().contains("proposal"),
            _ => true,
        }
    }
}

/// One customer account. The plan, the signal sources and the save play are boxed: most
/// accounts leave them empty, and inline they were half of an account's 1 KiB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub arr: Money,
    pub renewal_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Person>,
    /// The account's record id in the CRM; unique in the tenant (the book checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crm_id: Option<CrmId>,
    /// The company's web domain (`acme.com`); several accounts may share one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<WebDomain>,
    /// A tier set by hand; `None` means computed from ARR rank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_pin: Option<Tier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Contracted seats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_seats: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stakeholders: Vec<Stakeholder>,
    /// Health snapshots in time order; the last one is the current state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub health: Vec<Snapshot>,
    /// Where each current signal came from: `/health set` or data.
    #[serde(default, skip_serializing_if = "SignalSources::is_empty")]
    pub signal_sources: Box<SignalSources>,
    /// Risk and opportunity indicators live at the last daily recompute (INGEST.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<Indicator>,
    /// The owner's indicator messages about the account are held before this day
    /// (*Snooze 14 days*, `/health snooze`); the indicators still show where they are read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicators_snoozed_until: Option<NaiveDate>,
    /// Expansion signals opportunity indicators recorded as they fired, one per cause.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expansion_signals: Vec<ExpansionSignal>,
    #[serde(default)]
    pub renewal: RenewalCycle,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<Activity>,
    /// Customer channels linked with `/account channel link` (chat channel ids; one
    /// account per channel, DECISIONS 28).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub opportunities: Vec<Opportunity>,
    #[serde(default)]
    pub plan: Box<Plan>,
    #[serde(default)]
    pub qbr: QbrState,
    /// The current or last save play.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save_play: Option<Box<SavePlay>>,
    pub status: AccountStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Account {
    pub fn new(
        id: AccountId,
        name: String,
        arr: Money,
        renewal_date: NaiveDate,
        now: DateTime<Utc>,
    ) -> Self {
        Account {
            id,
            name,
            arr,
            renewal_date,
            owner: None,
            crm_id: None,
            domain: None,
            tier_pin: None,
            industry: None,
            segment: None,
            seats: None,
            active_seats: None,
            products: Vec::new(),
            stakeholders: Vec::new(),
            health: Vec::new(),
            signal_sources: Box::default(),
            indicators: Vec::new(),
            indicators_snoozed_until: None,
            expansion_signals: Vec::new(),
            renewal: RenewalCycle::default(),
            activities: Vec::new(),
            channels: Vec::new(),
            opportunities: Vec::new(),
            plan: Box::default(),
            qbr: QbrState::default(),
            save_play: None,
            status: AccountStatus::Active,
            created_at: now,
            updated_at: now,
        }
    }

    /// Gives back the room its lists grew into while read (three stakeholders decode into
    /// room for four): a book holds thousands of accounts for the life of the process.
    pub fn shrink_to_fit(&mut self) {
        self.products.shrink_to_fit();
        self.stakeholders.shrink_to_fit();
        self.health.shrink_to_fit();
        self.indicators.shrink_to_fit();
        self.expansion_signals.shrink_to_fit();
        self.activities.shrink_to_fit();
        self.channels.shrink_to_fit();
        self.opportunities.shrink_to_fit();
    }

    pub fn is_active(&self) -> bool {
        self.status == AccountStatus::Active
    }

    /// Whether the owner's indicator messages are held on `day` (*Snooze 14 days*).
    pub fn indicators_snoozed(&self, day: NaiveDate) -> bool {
        self.indicators_snoozed_until
            .is_some_and(|until| day < until)
    }

    /// The current signals health is scored on: as recorded, with ROI from the plan's
    /// success metrics when none was recorded ([`super::health::effective`]).
    pub fn signals(&self) -> Signals {
        super::health::effective(self.recorded_signals(), self.plan.targets_met()).0
    }

    /// The signals as last recorded with `/health set` (merged), without plan-derived ROI.
    pub fn recorded_signals(&self) -> Signals {
        self.health.last().map(|s| s.signals).unwrap_or_default()
    }

    /// When the health signals were last brought up to date: the last snapshot, or newer
    /// data that confirmed them (a data-fed signal is fresh while events keep arriving).
    pub fn signals_updated_at(&self) -> Option<DateTime<Utc>> {
        let data = Category::ALL
            .into_iter()
            .filter_map(|c| match self.signal_sources.get(c) {
                Some(Source::Data { at }) => Some(*at),
                _ => None,
            })
            .max();
        self.health.last().map(|s| s.at).max(data)
    }

    pub fn health(&self) -> Health {
        Health::assess(&self.signals())
    }

    pub fn stage(&self, today: NaiveDate) -> Stage {
        Stage::on(self.renewal_date, today)
    }

    pub fn days_to_renewal(&self, today: NaiveDate) -> i64 {
        (self.renewal_date - today).num_days()
    }

    pub fn thread_risk(&self) -> ThreadRisk {
        ThreadRisk::of(&self.stakeholders)
    }

    /// Case-insensitive lookup of a stakeholder by name.
    pub fn stakeholder_index(&self, name: &str) -> Option<usize> {
        let wanted = name.to_lowercase();
        self.stakeholders
            .iter()
            .position(|s| s.name.to_lowercase() == wanted)
    }

    /// The save play under way, if any.
    pub fn active_save_play(&self) -> Option<&SavePlay> {
        self.save_play.as_deref().filter(|p| p.is_active())
    }

    /// Appends an activity; renewal activity also counts for the current cycle.
    pub fn log(&mut self, activity: Activity) {
        if activity.is_renewal_activity() {
            self.renewal.record_activity(activity.at.date_naive());
        }
        self.activities.push(activity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn data_that_confirms_the_signals_keeps_them_fresh() {
        let t0 = Utc
            .with_ymd_and_hms(2026, 11, 1, 9, 0, 0)
            .single()
            .expect("valid");
        let renews = NaiveDate::from_ymd_opt(2027, 1, 1).expect("valid");
        let mut account = Account::new(AccountId(1), "Acme".into(), Money(1), renews, t0);
        assert_eq!(account.signals_updated_at(), None);
        account.health.push(Snapshot {
            at: t0,
            signals: Signals::default(),
        });
        assert_eq!(account.signals_updated_at(), Some(t0));
        let later = t0 + Duration::days(40);
        account.signal_sources.set(
            Category::Usage,
            Source::Hand {
                by: UserId("U1".into()),
                at: later,
            },
        );
        assert_eq!(account.signals_updated_at(), Some(t0), "only data confirms");
        account
            .signal_sources
            .set(Category::Adoption, Source::Data { at: later });
        assert_eq!(account.signals_updated_at(), Some(later));
    }

    #[test]
    fn a_record_leaves_out_what_is_empty_and_older_records_with_it_still_read() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 1, 9, 0, 0)
            .single()
            .expect("valid");
        let renews = NaiveDate::from_ymd_opt(2027, 1, 1).expect("valid");
        let mut account = Account::new(AccountId(7), "Acme".into(), Money(5), renews, at);
        account.stakeholders.push(Stakeholder::new(
            "Dana".into(),
            crate::domain::stakeholder::Role::Champion,
            renews,
        ));
        let json = serde_json::to_string(&account).expect("JSON");
        for left_out in [
            "crm_id",
            "industry",
            "seats",
            "products",
            "goals",
            "sponsor_confirmed",
            "followups",
            "save_play",
            "activities",
            "title",
            "departed",
            "nps",
        ] {
            assert!(
                !json.contains(&format!("\"{left_out}\"")),
                "{left_out} in {json}"
            );
        }
        assert_eq!(
            serde_json::from_str::<Account>(&json).ok(),
            Some(account.clone())
        );
        let mut older: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        older["crm_id"] = serde_json::Value::Null;
        older["products"] = serde_json::json!([]);
        older["save_play"] = serde_json::Value::Null;
        older["plan"] = serde_json::json!({"goals": [], "updated_at": null});
        older["qbr"] = serde_json::json!({"scheduled": null, "sponsor_confirmed": false});
        older["stakeholders"][0]["departed"] = serde_json::json!(false);
        older["stakeholders"][0]["title"] = serde_json::Value::Null;
        assert_eq!(serde_json::from_value::<Account>(older).ok(), Some(account));
    }
}
