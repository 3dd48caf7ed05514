//! Purpose: the conversation's memory inside one DM or thread — the last account mentioned,
//! which a follow-up (`and who are its stakeholders?`) may lean on for 15 minutes.

use chrono::{DateTime, Duration, Utc};

use super::Reading;

/// How long a follow-up may lean on the last account mentioned.
pub const FOLLOW_UP_MINUTES: i64 = 15;

/// The last account mentioned in a DM or thread, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub account: Option<String>,
    pub at: DateTime<Utc>,
}

impl Context {
    /// The account a follow-up at `now` may refer to: mentioned less than 15 minutes ago
    /// (at 15 minutes it is stale).
    pub fn fresh_account(&self, now: DateTime<Utc>) -> Option<&str> {
        let age = now.signed_duration_since(self.at);
        let fresh = age >= Duration::zero() && age < Duration::minutes(FOLLOW_UP_MINUTES);
        self.account.as_deref().filter(|_| fresh)
    }

    /// The context after `reading` at `now`: a reading about an account starts a new one;
    /// anything else keeps the previous context (which ages on its own).
    pub fn after(
        previous: Option<Context>,
        reading: &Reading,
        now: DateTime<Utc>,
    ) -> Option<Context> {
        match reading {
            Reading::Command {
                account: Some(account),
                ..
            } => Some(Context {
                account: Some(account.clone()),
                at: now,
            }),
            _ => previous,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn follow_ups_lean_on_the_account_for_fifteen_minutes() {
        let at = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid");
        let ctx = Context {
            account: Some("Acme Corp".into()),
            at,
        };
        let last = at + Duration::minutes(15) - Duration::seconds(1);
        assert_eq!(ctx.fresh_account(last), Some("Acme Corp"));
        assert_eq!(ctx.fresh_account(at + Duration::minutes(15)), None);
        let reading = Reading::Command {
            line: "/account show \"Globex\"".into(),
            writes: false,
            account: Some("Globex".into()),
        };
        let next = Context::after(Some(ctx.clone()), &reading, at + Duration::minutes(20));
        assert_eq!(next.and_then(|c| c.account), Some("Globex".to_string()));
        let other = Reading::OutOfScope {
            reply: String::new(),
        };
        assert_eq!(Context::after(Some(ctx.clone()), &other, at), Some(ctx));
    }
}
