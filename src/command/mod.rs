//! The command model: `commands/*.toml` declares every command once; this module turns a
//! line of text into a typed [`Command`] (parse first, purely — nothing else happens before).

pub mod account;
pub mod atrisk;
pub mod digest;
pub mod error;
pub mod expansion;
pub mod health;
pub mod invocation;
pub mod lexer;
pub mod plan;
pub mod portfolio;
pub mod qbr;
pub mod quotes;
pub mod renewal;
pub mod spec;
pub mod stakeholder;
pub mod steward;
pub mod value;

use chrono::NaiveDate;

use error::ParseError;
use invocation::{parse_invocation, Invocation};

/// Every command Steward understands, one variant per group.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Account(account::AccountCommand),
    Stakeholder(stakeholder::StakeholderCommand),
    Health(health::HealthCommand),
    Renewal(renewal::RenewalCommand),
    Expansion(expansion::ExpansionCommand),
    Qbr(qbr::QbrCommand),
    Plan(plan::PlanCommand),
    AtRisk(atrisk::AtRiskCommand),
    Portfolio(portfolio::PortfolioCommand),
    Digest(digest::DigestCommand),
    Steward(steward::StewardCommand),
}

/// A parsed line: the command, whether it needs admin rights, and how it reads back.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub command: Command,
    pub admin_only: bool,
    /// `/group sub`, for messages.
    pub name: String,
    /// The line as given, trimmed, with `[secret]` for any secret — what the audit trail
    /// records.
    pub text: String,
}

/// Parses one command line (`/account show Acme`, leading `/` optional).
pub fn parse(line: &str, today: NaiveDate) -> Result<Parsed, ParseError> {
    let inv = parse_invocation(line, today)?;
    let command = match inv.group.name.as_str() {
        "account" => Command::Account(account::from_invocation(&inv)?),
        "stakeholder" => Command::Stakeholder(stakeholder::from_invocation(&inv)?),
        "health" => Command::Health(health::from_invocation(&inv)?),
        "renewal" => Command::Renewal(renewal::from_invocation(&inv)?),
        "expansion" => Command::Expansion(expansion::from_invocation(&inv)?),
        "qbr" => Command::Qbr(qbr::from_invocation(&inv)?),
        "plan" => Command::Plan(plan::from_invocation(&inv)?),
        "atrisk" => Command::AtRisk(atrisk::from_invocation(&inv)?),
        "portfolio" => Command::Portfolio(portfolio::from_invocation(&inv)?),
        "digest" => Command::Digest(digest::from_invocation(&inv)?),
        "steward" => Command::Steward(steward::from_invocation(&inv)?),
        other => return Err(undeclared(&inv, other)),
    };
    Ok(Parsed {
        command,
        admin_only: inv.sub.admin,
        name: inv.command(),
        text: inv.shown(line).trim().to_string(),
    })
}

/// A value as the parser reads it back, whole: trimmed, control characters dropped, in the
/// first pair of marks whose closing marks it does not hold — `"Acme Corp"`, `“The "A"
/// Team”`, `«…»`, `‹…›` — since the syntax has no escapes. Only a text holding every one of
/// those closing marks has its straight quotes turned into apostrophes. The one way Steward
/// writes a value into a command line (buttons, forms, the prompt reader, Discord options).
pub fn quote(text: &str) -> String {
    let inner: String = text.trim().chars().filter(|c| !c.is_control()).collect();
    for open in ['"', '“', '«', '‹'] {
        if !inner.chars().any(|c| quotes::closes(open, c)) {
            let close = quotes::close_of(open);
            return format!("{open}{inner}{close}");
        }
    }
    let inner: String = inner
        .chars()
        .map(|c| if quotes::closes('"', c) { '\'' } else { c })
        .collect();
    format!("\"{inner}\"")
}

/// A declared command without a typed form: the declaration and the code drifted apart.
/// The example test below catches this before it ships.
fn undeclared(inv: &Invocation, what: &str) -> ParseError {
    ParseError::UnknownSubcommand {
        group: inv.group.name.clone(),
        given: what.to_string(),
        suggestion: String::new(),
        available: inv
            .group
            .subcommands
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        example: inv.sub.example().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::account::{AccountChanges, AccountCommand, TierChoice};
    use super::health::HealthCommand;
    use super::renewal::RenewalCommand;
    use super::*;
    use crate::domain::health::{Signals, TicketTrend};
    use crate::domain::money::Money;
    use crate::domain::person::{Person, UserId};
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid")
    }

    fn ok(line: &str) -> Command {
        parse(line, today())
            .unwrap_or_else(|e| panic!("{line}: {e}"))
            .command
    }

    fn err(line: &str) -> String {
        parse(line, today()).expect_err(line).to_string()
    }

    #[test]
    fn every_declared_example_parses() {
        for g in spec::groups() {
            for s in &g.subcommands {
                for example in &s.examples {
                    let parsed =
                        parse(example, today()).unwrap_or_else(|e| panic!("{example}: {e}"));
                    assert_eq!(parsed.name, format!("/{} {}", g.name, s.name));
                    assert_eq!(parsed.admin_only, s.admin);
                }
            }
        }
    }

    #[test]
    fn typed_values() {
        assert_eq!(
            ok("/account set \"Acme Corp\" arr:$60K tier:auto active-seats:95"),
            Command::Account(AccountCommand::Set {
                account: "Acme Corp".into(),
                changes: AccountChanges {
                    arr: Some(Money(60_000)),
                    tier: Some(TierChoice::Auto),
                    active_seats: Some(95),
                    ..AccountChanges::default()
                },
            })
        );
        assert_eq!(
            ok("health set Acme usage:85% nps:9 tickets:Decreasing"),
            Command::Health(HealthCommand::Set {
                account: "Acme".into(),
                signals: Signals {
                    usage: Some(85.0),
                    nps: Some(9),
                    tickets: Some(TicketTrend::Decreasing),
                    ..Signals::default()
                },
            })
        );
        assert_eq!(
            ok("/renewal list within:90d"),
            Command::Renewal(RenewalCommand::List {
                within_days: Some(90),
                page: 1
            })
        );
        assert_eq!(
            ok("/account reassign <@U1|jane> to:@omar"),
            Command::Account(AccountCommand::Reassign {
                from: Person::User(UserId("U1".into())),
                to: Person::User(UserId("omar".into())),
            })
        );
    }

    #[test]
    fn free_text_takes_the_rest_up_to_the_first_option() {
        assert_eq!(
            ok("/account log Acme Called   the CFO, all good type:call"),
            Command::Account(AccountCommand::Log {
                account: "Acme".into(),
                text: "Called   the CFO, all good".into(),
                kind: crate::domain::account::ActivityKind::Call,
            })
        );
        assert_eq!(
            ok("/account log Acme \"note: quoted\""),
            Command::Account(AccountCommand::Log {
                account: "Acme".into(),
                text: "note: quoted".into(),
                kind: crate::domain::account::ActivityKind::Note,
            })
        );
    }

    #[test]
    fn errors_say_what_and_show_an_example() {
        let cases = [
            (
                "/acount list",
                "unknown command `/acount`. Did you mean `/account`?",
            ),
            ("/account", "`/account` needs a subcommand"),
            ("/account shwo Acme", "Did you mean `show`?"),
            (
                "/account add Acme arr:50k renewal:2027-01-01 arrr:5",
                "Did you mean `arr:`?",
            ),
            ("/account add Acme renewal:2027-01-01", "needs arr:"),
            ("/account add arr:50k renewal:2027-01-01", "needs NAME"),
            (
                "/account add Acme arr:fifty renewal:2027-01-01",
                "arr: \"fifty\" is not an amount",
            ),
            ("/account add Acme arr:-5 renewal:2027-01-01", "negative"),
            (
                "/account add Acme arr:5 renewal:2027-02-30",
                "not a real calendar date",
            ),
            ("/health set Acme nps:11", "nps: 11 is outside 0–10"),
            (
                "/health set Acme usage:140",
                "usage: 140 is outside 0–100 %",
            ),
            (
                "/health set Acme tickets:lots",
                "is not one of zero, decreasing",
            ),
            ("/account show Acme Corp", "Quote names with spaces"),
            ("/account show \"Acme", "a quote is not closed"),
            ("/account list page:2 page:3", "given twice"),
            ("", "type a command"),
        ];
        for (line, expected) in cases {
            let message = err(line);
            assert!(message.contains(expected), "{line}: {message}");
            assert!(
                message.contains("xample") || message.contains("/steward help"),
                "{line}: no example in {message}"
            );
        }
    }

    proptest! {
        #[test]
        fn no_input_panics_the_parser(line in "\\PC{0,200}") {
            let _ = parse(&line, today());
        }

        #[test]
        fn no_command_shaped_input_panics(
            group in prop::sample::select(spec::groups().iter().map(|g| g.name.as_str()).chain(["x"]).collect::<Vec<_>>()),
            rest in "[ a-z0-9:\"“”<>@|$%.,+-]{0,80}",
        ) {
            let _ = parse(&format!("/{group} {rest}"), today());
        }
    }
}
