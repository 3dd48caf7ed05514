//! Purpose: escalation causes — an account turned red, a departed champion left none, two
//! unanswered follow-ups inside T-30, a missed save-play milestone, a save play over $50K
//! (leadership). Each has a stable key so it fires once per cause and account until it clears.

use chrono::{DateTime, NaiveDate, Utc};

use super::account::Account;
use super::health::Band;
use super::renewal::{Stage, UNANSWERED_FOLLOWUPS_TO_ESCALATE};
use super::saveplay::LEADERSHIP_ARR;
use super::stakeholder::Role;

/// One live escalation cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    /// Stable while the cause lasts, e.g. `red:12`.
    pub key: String,
    pub account_name: String,
    /// What happened, in one sentence.
    pub text: String,
    /// Goes to leadership (the tenant's admins) rather than the owner's manager.
    pub leadership: bool,
}

/// The escalation causes live on `account` now.
pub fn causes(account: &Account, today: NaiveDate, now: DateTime<Utc>) -> Vec<Escalation> {
    if !account.is_active() {
        return Vec::new();
    }
    let id = account.id.0;
    let mut out = Vec::new();
    let mut push = |key: String, text: String, leadership: bool| {
        out.push(Escalation {
            key,
            account_name: account.name.clone(),
            text,
            leadership,
        });
    };
    let health = account.health();
    if health.band == Band::Red {
        let red: Vec<_> = health.red_categories().map(|c| c.label()).collect();
        push(
            format!("red:{id}"),
            format!("{} turned red ({}).", account.name, red.join(", ")),
            false,
        );
    }
    let has_champion = account
        .stakeholders
        .iter()
        .any(|s| s.is_active() && s.role == Role::Champion);
    if let Some(gone) = account
        .stakeholders
        .iter()
        .find(|s| s.departed && s.role == Role::Champion)
        .filter(|_| !has_champion)
    {
        push(
            format!("champion:{id}"),
            format!(
                "{}'s champion {} departed and no champion is left.",
                account.name, gone.name
            ),
            false,
        );
    }
    let unanswered = account.renewal.unanswered_followups();
    let late_stage = matches!(
        account.stage(today),
        Stage::T30 | Stage::T7 | Stage::Overdue
    );
    if late_stage && unanswered >= UNANSWERED_FOLLOWUPS_TO_ESCALATE {
        push(
            format!("followups:{id}"),
            format!(
                "{} renews {} with {unanswered} unanswered follow-ups.",
                account.name, account.renewal_date
            ),
            false,
        );
    }
    if let Some(play) = account.active_save_play() {
        let started = play.started.timestamp();
        for missed in play.missed(now) {
            push(
                format!("missed:{id}:{started}:{missed}"),
                format!("{}'s save play missed its {missed} deadline.", account.name),
                false,
            );
        }
        if account.arr.0 > LEADERSHIP_ARR {
            push(
                format!("leadership:{id}:{started}"),
                format!(
                    "A save play started for {} ({} ARR, cause {}).",
                    account.name,
                    account.arr,
                    play.cause.name()
                ),
                true,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::AccountId;
    use crate::domain::health::{Signals, Snapshot, TicketTrend};
    use crate::domain::money::Money;
    use crate::domain::person::{Person, UserId};
    use crate::domain::renewal::FollowUp;
    use crate::domain::saveplay::{Milestone, RootCause, SavePlay};
    use crate::domain::stakeholder::Stakeholder;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0)
            .single()
            .expect("valid")
    }

    fn account(arr: u64, renew_in: i64) -> Account {
        let today = now().date_naive();
        let mut a = Account::new(
            AccountId(7),
            "Acme".into(),
            Money(arr),
            today + Duration::days(renew_in),
            now(),
        );
        a.stakeholders
            .push(Stakeholder::new("Jane".into(), Role::Champion, today));
        a
    }

    fn keys(a: &Account, at: DateTime<Utc>) -> Vec<String> {
        causes(a, at.date_naive(), at)
            .into_iter()
            .map(|e| e.key)
            .collect()
    }

    #[test]
    fn each_cause_has_a_stable_key_and_clears() {
        let mut a = account(40_000, 20);
        assert!(keys(&a, now()).is_empty());
        let red = Signals {
            usage: Some(10.0),
            adoption: Some(0),
            nps: Some(2),
            tickets: Some(TicketTrend::Escalated),
            roi: Some(5.0),
        };
        a.health.push(Snapshot {
            at: now(),
            signals: red,
        });
        a.stakeholders[0].departed = true;
        let f = FollowUp {
            on: now().date_naive(),
            responded: false,
        };
        a.renewal.followups = vec![f.clone(), f];
        assert_eq!(keys(&a, now()), ["red:7", "champion:7", "followups:7"]);
        // Cleared causes disappear: a new champion, an answered follow-up.
        a.stakeholders.push(Stakeholder::new(
            "Omar".into(),
            Role::Champion,
            now().date_naive(),
        ));
        a.renewal.followups.push(FollowUp {
            on: now().date_naive(),
            responded: true,
        });
        assert_eq!(keys(&a, now()), ["red:7"]);
    }

    #[test]
    fn followups_only_inside_t30() {
        let mut a = account(40_000, 31);
        let f = FollowUp {
            on: now().date_naive(),
            responded: false,
        };
        a.renewal.followups = vec![f.clone(), f];
        assert!(keys(&a, now()).is_empty());
        a.renewal_date -= Duration::days(1);
        assert_eq!(keys(&a, now()), ["followups:7"]);
    }

    #[test]
    fn save_play_misses_and_leadership() {
        let mut a = account(60_000, 200);
        a.save_play = Some(Box::new(SavePlay::new(
            RootCause::Budget,
            Person::User(UserId("jane".into())),
            now(),
        )));
        let started = now().timestamp();
        assert_eq!(keys(&a, now()), [format!("leadership:7:{started}")]);
        let later = now() + Duration::hours(25);
        assert_eq!(
            keys(&a, later),
            [
                format!("missed:7:{started}:triage"),
                format!("leadership:7:{started}")
            ]
        );
        if let Some(p) = a.save_play.as_mut() {
            p.complete(Milestone::Triage, later);
        }
        a.arr = Money(50_000);
        assert!(keys(&a, later).is_empty());
    }
}
