//! Purpose: how domain facts read in replies — owners as mentions, money in the tenant's
//! currency, health as "83 green (partial)", tiers, and an account's risk flags.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::account::Account;
use crate::domain::book::Book;
use crate::domain::health::{is_declining, shown_score, Health};
use crate::domain::money::Money;
use crate::domain::person::Person;
use crate::domain::renewal::{is_late_start, Stage};
use crate::domain::tier::TierSource;
use crate::reply::{t, Span};

/// An owner as a mention when they are (or map to) a chat user, else as text.
pub fn person(book: &Book, person: Option<&Person>) -> Span {
    match person {
        Some(Person::User(id)) => Span::Mention(id.clone()),
        Some(Person::Named(name)) => match book.settings.owner_aliases.get(&name.to_lowercase()) {
            Some(id) => Span::Mention(id.clone()),
            None => t(name.clone()),
        },
        None => t("no owner"),
    }
}

/// `$50,000` in the tenant's currency.
pub fn money(book: &Book, amount: Money) -> String {
    amount.full(&book.settings.currency)
}

/// `$1.2M` in the tenant's currency.
pub fn money_short(book: &Book, amount: Money) -> String {
    amount.short(&book.settings.currency)
}

/// `83 green`, `60 yellow (partial)`, or `unknown`.
pub fn health(h: &Health) -> String {
    match h.score {
        None => "unknown".into(),
        Some(score) => {
            let partial = if h.partial { " (partial)" } else { "" };
            format!("{} {}{partial}", shown_score(score), h.band.word())
        }
    }
}

/// `Tier 1`, `Tier 1 (pinned)` or `Tier 2 (lifted by expansion)`, as the account stands
/// (or would stand, once a pending change to it is stored).
pub fn tier(book: &Book, account: &Account) -> String {
    let (tier, source) = book.tier_if_stored(account);
    let how = match source {
        TierSource::Pinned => " (pinned)",
        TierSource::Lifted => " (lifted by expansion)",
        TierSource::Rank => "",
    };
    format!("Tier {}{how}", tier.number())
}

/// `2027-03-31 (in 120 days, T-120)` or `2026-01-01 (12 days ago, overdue)`.
pub fn renewal(account: &Account, today: NaiveDate) -> String {
    if !account.is_active() {
        return format!("{} (churned; no renewal)", account.renewal_date);
    }
    let days = account.days_to_renewal(today);
    let when = match days {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        d if d > 0 => format!("in {d} days"),
        -1 => "yesterday".to_string(),
        d => format!("{} days ago", -d),
    };
    format!(
        "{} ({when}, {})",
        account.renewal_date,
        account.stage(today).word()
    )
}

/// Why the account needs attention: single-threaded reasons, declining health, red band,
/// late start, overdue renewal, stale stakeholders. Empty when all is well.
pub fn risk_flags(account: &Account, today: NaiveDate, now: DateTime<Utc>) -> Vec<String> {
    let mut flags = Vec::new();
    let threads = account.thread_risk();
    if threads.is_single_threaded() {
        flags.push(format!(
            "single-threaded: {}",
            threads.reasons(&account.stakeholders).join(", ")
        ));
    }
    let h = account.health();
    if h.band == crate::domain::health::Band::Red {
        let red: Vec<_> = h.red_categories().map(|c| c.label()).collect();
        flags.push(format!("health red ({})", red.join(", ")));
    }
    if is_declining(&account.health, now) {
        flags.push("health declining".into());
    }
    if account.stage(today) == Stage::Overdue {
        flags.push("renewal overdue".into());
    } else if is_late_start(account.renewal_date, account.arr, &account.renewal, today) {
        flags.push("late start: no renewal activity inside the lead time".into());
    }
    let stale: Vec<_> = account
        .stakeholders
        .iter()
        .filter(|s| s.is_stale(today))
        .map(|s| s.name.as_str())
        .collect();
    if !stale.is_empty() {
        flags.push(format!("not contacted for 90+ days: {}", stale.join(", ")));
    }
    let rivals: Vec<_> = account
        .plan
        .high_risk_competitors()
        .map(|c| c.name.as_str())
        .collect();
    if !rivals.is_empty() {
        flags.push(format!("high-risk competitor: {}", rivals.join(", ")));
    }
    flags
}

/// `1 account`, `3 accounts`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
