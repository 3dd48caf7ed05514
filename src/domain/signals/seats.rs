//! Purpose: the seat count the usage ratio divides by — the account's own `seats`, or the
//! `seats` trait of a group call (INGEST.md: the account's own wins when both exist and it was
//! set after the trait arrived).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::account::Account;

/// Seats as a group call's traits gave them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatsTrait {
    pub seats: u32,
    /// When the group call was made.
    pub at: DateTime<Utc>,
}

/// The seats usage is measured against. The account keeps no time per field, so "set after
/// the trait arrived" is read as "the account changed after it" — an edit since the trait
/// keeps the account's own value.
pub fn seats_for_usage(account: &Account, from_data: Option<SeatsTrait>) -> Option<u32> {
    match (account.seats, from_data) {
        (Some(own), Some(data)) if account.updated_at > data.at => Some(own),
        (_, Some(data)) => Some(data.seats),
        (own, None) => own,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::AccountId;
    use crate::domain::money::Money;
    use chrono::{Duration, NaiveDate, TimeZone};

    #[test]
    fn the_newer_of_hand_set_and_trait_seats_counts() {
        let t0 = Utc
            .with_ymd_and_hms(2026, 11, 1, 9, 0, 0)
            .single()
            .expect("valid");
        let renews = NaiveDate::from_ymd_opt(2027, 1, 1).expect("valid");
        let mut account = Account::new(AccountId(1), "Acme".into(), Money(1), renews, t0);
        assert_eq!(seats_for_usage(&account, None), None);
        let data = SeatsTrait {
            seats: 40,
            at: t0 + Duration::days(1),
        };
        assert_eq!(seats_for_usage(&account, Some(data)), Some(40));
        account.seats = Some(50);
        assert_eq!(
            seats_for_usage(&account, Some(data)),
            Some(40),
            "trait newer"
        );
        account.updated_at = t0 + Duration::days(2);
        assert_eq!(
            seats_for_usage(&account, Some(data)),
            Some(50),
            "edited after"
        );
        assert_eq!(seats_for_usage(&account, None), Some(50));
    }
}
