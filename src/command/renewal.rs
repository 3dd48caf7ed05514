//! Purpose: `/renewal` text → a typed `RenewalCommand`.

use chrono::NaiveDate;

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::money::Money;
use crate::domain::reason::Given;

#[derive(Debug, Clone, PartialEq)]
pub enum RenewalCommand {
    List {
        within_days: Option<u32>,
        page: usize,
    },
    Show {
        account: String,
    },
    FollowUp {
        account: String,
        responded: bool,
    },
    Extend {
        account: String,
        days: u32,
    },
    /// Mute the account's renewal reminders for a week.
    Snooze {
        account: String,
    },
    Renewed {
        account: String,
        arr: Option<Money>,
        date: Option<NaiveDate>,
        reason: Given,
    },
    Churned {
        account: String,
        /// Never empty: a churn always has `why:`, `reason:` or both.
        reason: Given,
    },
}

pub fn from_invocation(inv: &Invocation) -> Result<RenewalCommand, ParseError> {
    let account = || inv.req_text("account");
    Ok(match inv.sub.name.as_str() {
        "list" => RenewalCommand::List {
            within_days: inv.days("within"),
            page: inv.page(),
        },
        "show" => RenewalCommand::Show {
            account: account()?,
        },
        "followup" => RenewalCommand::FollowUp {
            account: account()?,
            responded: inv.text("responded").is_some_and(|r| r == "yes"),
        },
        "extend" => RenewalCommand::Extend {
            account: account()?,
            days: inv.req_days("days")?,
        },
        "snooze" => RenewalCommand::Snooze {
            account: account()?,
        },
        "renewed" => RenewalCommand::Renewed {
            account: account()?,
            arr: inv.money("arr"),
            date: inv.date("date"),
            reason: super::expansion::outcome_reason(inv)?,
        },
        "churned" => {
            let reason = super::expansion::outcome_reason(inv)?;
            if reason.is_empty() {
                return Err(ParseError::Missing {
                    command: inv.command(),
                    what: "reason:".into(),
                    usage: inv.sub.usage(&inv.group.name),
                    example: inv.sub.example().to_string(),
                });
            }
            RenewalCommand::Churned {
                account: account()?,
                reason,
            }
        }
        other => return Err(super::undeclared(inv, other)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{parse, Command};
    use crate::domain::plan::Plan;
    use crate::domain::reason::{Reason, ReasonKind};

    /// The reason a churn line records at an account with an empty plan.
    fn churned(line: &str) -> Result<Reason, String> {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid");
        match parse(line, today) {
            Ok(p) => match p.command {
                Command::Renewal(RenewalCommand::Churned { reason, .. }) => reason
                    .resolve(&Plan::default())
                    .ok_or_else(|| "empty".into()),
                other => panic!("{other:?}"),
            },
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn churn_reasons_old_and_new_forms() {
        let old = churned("/renewal churned Gone reason:\"went with a cheaper tool\"");
        assert_eq!(
            old,
            Ok(Reason {
                kind: ReasonKind::Price,
                text: Some("went with a cheaper tool".into())
            })
        );
        assert_eq!(
            churned("/renewal churned Gone reason:\"acquired\"").map(|r| r.kind),
            Ok(ReasonKind::Other)
        );
        assert_eq!(
            churned("/renewal churned Gone why:price"),
            Ok(Reason {
                kind: ReasonKind::Price,
                text: None
            })
        );
        let missing = churned("/renewal churned Gone").expect_err("no reason");
        assert!(
            missing.starts_with("`/renewal churned` needs reason:. Usage: ")
                && missing.contains("Example: /renewal churned \"Acme Corp\" why:budget"),
            "{missing}"
        );
        let bad = churned("/renewal churned Gone why:cheap").expect_err("unknown kind");
        assert!(
            bad.starts_with("why: \"cheap\" is not one of price, product-gap"),
            "{bad}"
        );
    }
}
