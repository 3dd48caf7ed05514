//! Purpose: quarterly business reviews — the 60-minute agenda, the date to send it
//! (5 business days before), strategic questions by industry, and the cadence check.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::tier::Tier;

/// The review's schedule and history on an account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QbrState {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled: Option<NaiveDate>,
    /// The executive sponsor / economic buyer confirmed attendance.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sponsor_confirmed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_held: Option<NaiveDate>,
}

/// The 60-minute agenda: (minutes, item).
pub const AGENDA: [(&str, &str); 7] = [
    ("00–05", "Welcome and objectives"),
    (
        "05–15",
        "Customer's business update: their priorities, changes, wins",
    ),
    ("15–30", "Value delivered vs. agreed success metrics"),
    ("30–40", "Challenges and open issues"),
    ("40–50", "Roadmap and opportunities"),
    ("50–58", "Mutual action plan: owners and dates"),
    ("58–60", "Close and confirm the next QBR date"),
];

/// Business days before the meeting that the agenda goes out.
pub const AGENDA_LEAD_BUSINESS_DAYS: u32 = 5;

/// `days` business days (Monday–Friday) before `date`.
pub fn business_days_before(date: NaiveDate, days: u32) -> NaiveDate {
    let mut d = date;
    let mut left = days;
    while left > 0 {
        d -= Duration::days(1);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    d
}

/// The day to send the agenda for a QBR on `meeting`.
pub fn agenda_send_date(meeting: NaiveDate) -> NaiveDate {
    business_days_before(meeting, AGENDA_LEAD_BUSINESS_DAYS)
}

/// Three strategic questions for the customer's industry.
pub fn strategic_questions(industry: Option<&str>) -> [&'static str; 3] {
    let lower = industry.unwrap_or_default().to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["saas", "software", "tech"]) {
        [
            "Which product bets this year depend on faster delivery, and where do we slow you down?",
            "How are you balancing net-new growth against retention and expansion of your own customers?",
            "What would let you consolidate tools next year, and who decides?",
        ]
    } else if has(&["financ", "bank", "insur", "fintech"]) {
        [
            "Which regulatory or audit deadlines this year shape your priorities?",
            "Where are you trying to take cost out of operations without adding risk?",
            "How is your board measuring digital adoption among your clients?",
        ]
    } else if has(&["health", "medical", "pharma", "hospital"]) {
        [
            "Which patient-outcome or compliance goals are tied to budget this year?",
            "Where do clinicians or staff lose the most time today?",
            "What data-privacy changes are coming that we should plan for together?",
        ]
    } else if has(&["manufact", "industrial", "automotive"]) {
        [
            "Which plants or lines carry this year's efficiency targets?",
            "Where do supply-chain disruptions hit you hardest, and how do you measure them?",
            "What does your roadmap for automation and connected operations look like?",
        ]
    } else if has(&["retail", "ecommerce", "e-commerce", "consumer"]) {
        [
            "Which seasons or channels make or break your year, and are we ready for them?",
            "How are you measuring customer lifetime value and repeat purchase this year?",
            "Where is store or fulfilment cost pressure highest?",
        ]
    } else {
        [
            "What are your top three priorities this year, and how will they be measured?",
            "What has changed in your business since we last met?",
            "If we could solve one more problem for you, which would matter most?",
        ]
    }
}

/// Days a QBR is overdue by for the tier's cadence (`None` when not overdue or the tier has
/// no QBR cadence). Counts from the last QBR, or from `since` when none was held.
pub fn overdue_days(
    tier: Tier,
    state: &QbrState,
    since: NaiveDate,
    today: NaiveDate,
) -> Option<i64> {
    let cadence = tier.qbr_cadence_days()?;
    let elapsed = (today - state.last_held.unwrap_or(since)).num_days();
    (elapsed > cadence).then_some(elapsed - cadence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("valid")
    }

    #[test]
    fn five_business_days_skip_weekends() {
        // Friday 2026-06-12 → Friday 2026-06-05.
        assert_eq!(agenda_send_date(day(6, 12)), day(6, 5));
        // Monday 2026-06-15 → Monday 2026-06-08.
        assert_eq!(agenda_send_date(day(6, 15)), day(6, 8));
        // Wednesday 2026-06-10 → Wednesday 2026-06-03.
        assert_eq!(agenda_send_date(day(6, 10)), day(6, 3));
        // A Sunday meeting: Mon–Fri before it → Monday 2026-06-08.
        assert_eq!(agenda_send_date(day(6, 14)), day(6, 8));
        assert_eq!(business_days_before(day(6, 15), 1), day(6, 12));
    }

    #[test]
    fn cadence_90_and_180_days() {
        let held = QbrState {
            last_held: Some(day(1, 1)),
            ..QbrState::default()
        };
        assert_eq!(overdue_days(Tier::One, &held, day(1, 1), day(4, 1)), None); // 90 days
        assert_eq!(
            overdue_days(Tier::One, &held, day(1, 1), day(4, 2)),
            Some(1)
        );
        assert_eq!(overdue_days(Tier::Two, &held, day(1, 1), day(6, 30)), None); // 180 days
        assert_eq!(
            overdue_days(Tier::Two, &held, day(1, 1), day(7, 1)),
            Some(1)
        );
        assert_eq!(
            overdue_days(Tier::Three, &held, day(1, 1), day(12, 1)),
            None
        );
    }

    #[test]
    fn questions_by_industry() {
        assert!(strategic_questions(Some("Financial Services"))[0].contains("regulatory"));
        assert!(strategic_questions(Some("SaaS"))[0].contains("product"));
        assert!(strategic_questions(Some("Healthcare"))[0].contains("patient"));
        assert!(strategic_questions(Some("manufacturing"))[0].contains("plants"));
        assert!(strategic_questions(Some("Retail"))[0].contains("seasons"));
        assert!(strategic_questions(None)[0].contains("top three"));
        assert_eq!(AGENDA.len(), 7);
    }
}
