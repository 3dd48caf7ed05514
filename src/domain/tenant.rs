//! Purpose: tenants (a Slack workspace, a Discord server, a console book) and their settings.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::error::DomainError;
use super::person::UserId;
use super::schedule::Subscription;
use super::signals::{Feature, IndicatorKind};

/// The tenant every record belongs to: `local`, `slack:TEAM`, `slack:ENTERPRISE:TEAM`,
/// `discord:GUILD`, or any other plain name for a separate console-style book.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TenantId(String);

impl TenantId {
    /// The console's default tenant.
    pub fn local() -> Self {
        TenantId("local".into())
    }

    /// Validates a tenant id: 1–128 visible ASCII characters, no spaces.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let ok =
            !input.is_empty() && input.len() <= 128 && input.chars().all(|c| c.is_ascii_graphic());
        if ok {
            Ok(TenantId(input.to_string()))
        } else {
            Err(DomainError::invalid(
                "tenant",
                format!("\"{input}\" is not a tenant id (1–128 visible characters, no spaces)"),
                "--tenant local, --tenant slack:T0123ABCD or --tenant discord:80351110224678912",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Per-tenant settings changed by admins through `/steward`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantSettings {
    /// Who manages whom: escalations about a user's accounts ping their manager.
    pub managers: BTreeMap<UserId, UserId>,
    /// CRM owner names or e-mails (lower-case) mapped to chat users.
    pub owner_aliases: BTreeMap<String, UserId>,
    /// IANA time zone for this tenant's schedules; `None` means the configured default.
    pub timezone: Option<String>,
    /// ISO currency code for amounts shown.
    pub currency: String,
    /// First month (1–12) of the fiscal year.
    pub fiscal_year_start: u32,
    /// Channels subscribed to scheduled posts.
    pub subscriptions: Vec<Subscription>,
    /// The core features adoption counts (INGEST.md), in the order declared; names unique
    /// in any case.
    pub core_features: Vec<Feature>,
    /// Indicators that never post (`/steward indicator mute`): no message to the owner, no
    /// line in the Monday digest, no expansion signal. They are still evaluated and shown
    /// where an account is read (`/health show`, `/account show`), marked muted.
    pub muted_indicators: BTreeSet<IndicatorKind>,
    /// Business hours for *customer waiting* and response times (`/steward hours`, as
    /// `mon-fri 08:00-18:00`); `None`: Monday–Friday 09:00–17:00 (DECISIONS 29).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_hours: Option<String>,
}

impl Default for TenantSettings {
    fn default() -> Self {
        TenantSettings {
            managers: BTreeMap::new(),
            owner_aliases: BTreeMap::new(),
            timezone: None,
            currency: "USD".into(),
            fiscal_year_start: 1,
            subscriptions: Vec::new(),
            core_features: Vec::new(),
            muted_indicators: BTreeSet::new(),
            business_hours: None,
        }
    }
}

/// Months as settings show them, from January.
const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The month a fiscal year starts in, as typed: `4`, `apr`, `April`.
pub fn parse_fiscal_month(text: &str) -> Result<u32, DomainError> {
    let lower = text.trim().to_lowercase();
    lower
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=12).contains(m))
        .or_else(|| month_number(&lower))
        .ok_or_else(|| {
            DomainError::invalid(
                "month",
                format!("\"{text}\" is not a month"),
                "/steward fiscal-year 2 or /steward fiscal-year feb",
            )
        })
}

/// The month (1–12) a lower-case word names: its full name or a beginning of it of three
/// letters or more (`apr`, `april`, `sept`).
pub fn month_number(word: &str) -> Option<u32> {
    MONTH_NAMES
        .iter()
        .position(|full| word.len() >= 3 && full.starts_with(word))
        .map(|i| i as u32 + 1)
}

/// Full month names, for reading `april` as well as `apr`.
const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month's short name as settings show it (`apr`), from its number (1–12).
pub fn month_name(month: u32) -> Option<&'static str> {
    MONTHS
        .get(usize::try_from(month).ok()?.checked_sub(1)?)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_forms() {
        for ok in [
            "local",
            "slack:T1",
            "slack:E1:T1",
            "discord:123",
            "acme-team",
        ] {
            assert_eq!(
                TenantId::parse(ok).map(|t| t.to_string()),
                Ok(ok.to_string())
            );
        }
        for bad in ["", "two words", "a\0b", &"x".repeat(129)] {
            assert!(TenantId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_fiscal_month_is_read_by_number_or_name() {
        for (typed, month) in [
            ("4", 4),
            ("apr", 4),
            ("April", 4),
            ("sept", 9),
            (" 12 ", 12),
        ] {
            assert_eq!(parse_fiscal_month(typed).ok(), Some(month), "{typed}");
        }
        for typed in ["0", "13", "ap", "aprl", "", "🙂", "4.5"] {
            assert!(parse_fiscal_month(typed).is_err(), "{typed}");
        }
        assert_eq!(month_name(4), Some("apr"));
        assert_eq!(month_name(13), None);
    }
}
