//! Purpose: renewal outcomes recorded as events — renewed, churned, contracted, expanded —
//! which feed NRR and GRR.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::account::AccountId;
use super::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeKind {
    /// The contract renewed (at any ARR; a change of ARR adds its own event).
    Renewed,
    /// The customer left; `arr_before` is lost.
    Churned,
    /// ARR went down by `arr_before - arr_after`.
    Contracted,
    /// ARR went up by `arr_after - arr_before`.
    Expanded,
}

impl OutcomeKind {
    pub fn word(self) -> &'static str {
        match self {
            OutcomeKind::Renewed => "renewed",
            OutcomeKind::Churned => "churned",
            OutcomeKind::Contracted => "contracted",
            OutcomeKind::Expanded => "expanded",
        }
    }
}

/// One recorded outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeEvent {
    pub account: AccountId,
    pub account_name: String,
    pub on: NaiveDate,
    pub kind: OutcomeKind,
    pub arr_before: Money,
    pub arr_after: Money,
    #[serde(default)]
    pub reason: Option<String>,
}

/// The events a renewal at `new_arr` records: `renewed`, plus `contracted` or `expanded`
/// when the ARR changed (DECISIONS 14).
pub fn renewal_events(
    account: AccountId,
    account_name: &str,
    on: NaiveDate,
    old_arr: Money,
    new_arr: Money,
) -> Vec<OutcomeEvent> {
    let event = |kind, arr_after| OutcomeEvent {
        account,
        account_name: account_name.to_string(),
        on,
        kind,
        arr_before: old_arr,
        arr_after,
        reason: None,
    };
    let mut events = vec![event(OutcomeKind::Renewed, new_arr)];
    if new_arr < old_arr {
        events.push(event(OutcomeKind::Contracted, new_arr));
    } else if new_arr > old_arr {
        events.push(event(OutcomeKind::Expanded, new_arr));
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_at_other_arr_adds_contraction_or_expansion() {
        let on = NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid");
        let kinds = |old, new| -> Vec<OutcomeKind> {
            renewal_events(AccountId(1), "A", on, Money(old), Money(new))
                .iter()
                .map(|e| e.kind)
                .collect()
        };
        assert_eq!(kinds(100, 100), [OutcomeKind::Renewed]);
        assert_eq!(
            kinds(100, 80),
            [OutcomeKind::Renewed, OutcomeKind::Contracted]
        );
        assert_eq!(
            kinds(100, 120),
            [OutcomeKind::Renewed, OutcomeKind::Expanded]
        );
    }
}
