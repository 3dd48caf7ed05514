//! Purpose: renewal outcomes recorded as events — renewed, churned, contracted, expanded —
//! which feed NRR and GRR — each carrying the reason it happened, when one was given.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::account::AccountId;
use super::money::Money;
use super::reason::Reason;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// Plain text in records from before reasons had kinds; read with the kind inferred.
    #[serde(default)]
    pub reason: Option<Reason>,
    /// The expansion opportunity whose win recorded this `expanded` event; `None` for
    /// renewal outcomes (and for expansion wins recorded before this field existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opportunity: Option<u32>,
}

/// The events a renewal at `new_arr` records: `renewed`, plus `contracted` or `expanded`
/// when the ARR changed (DECISIONS 14); each carries the renewal's reason.
pub fn renewal_events(
    account: AccountId,
    account_name: &str,
    on: NaiveDate,
    (old_arr, new_arr): (Money, Money),
    reason: Option<Reason>,
) -> Vec<OutcomeEvent> {
    let event = |kind, arr_after| OutcomeEvent {
        account,
        account_name: account_name.to_string(),
        on,
        kind,
        arr_before: old_arr,
        arr_after,
        reason: reason.clone(),
        opportunity: None,
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
            renewal_events(AccountId(1), "A", on, (Money(old), Money(new)), None)
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

    #[test]
    fn old_events_with_plain_text_reasons_load() {
        let old = r#"{"account":3,"account_name":"Gone","on":"2026-03-02","kind":"churned",
            "arr_before":40000,"arr_after":0,"reason":"Budget cut after merger"}"#;
        let event: OutcomeEvent = serde_json::from_str(old).expect("loads");
        assert_eq!(
            event.reason.map(|r| r.kind),
            Some(crate::domain::reason::ReasonKind::Budget)
        );
        assert_eq!(event.opportunity, None);
    }
}
