//! Purpose: `/expansion` text → a typed `ExpansionCommand`.

use chrono::NaiveDate;

use super::error::ParseError;
use super::invocation::Invocation;
use crate::domain::expansion::OpportunityKind;
use crate::domain::meddic::Element;
use crate::domain::money::Money;
use crate::domain::person::Person;
use crate::domain::reason::{Given, ReasonKind};

/// What `/expansion qualify … known:` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    Yes,
    No,
    /// Forget what was set by hand.
    Clear,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExpansionCommand {
    Add {
        account: String,
        kind: OpportunityKind,
        value: Money,
        trigger: Option<String>,
        owner: Option<Person>,
        due: Option<NaiveDate>,
    },
    List {
        account: Option<String>,
        page: usize,
    },
    Ready {
        account: String,
    },
    Show {
        id: u32,
    },
    Qualify {
        id: u32,
        element: Element,
        known: Known,
        note: Option<String>,
    },
    Won {
        id: u32,
        reason: Given,
    },
    Lost {
        id: u32,
        reason: Given,
    },
}

/// `why:` and `reason:` of an outcome (the handler reads the kind from the text without `why:`).
pub(super) fn outcome_reason(inv: &Invocation) -> Result<Given, ParseError> {
    Ok(Given {
        kind: inv.choice("why", ReasonKind::parse)?,
        text: inv.text("reason"),
    })
}

fn id(inv: &Invocation) -> Result<u32, ParseError> {
    inv.integer("id")
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| super::undeclared(inv, "id"))
}

pub fn from_invocation(inv: &Invocation) -> Result<ExpansionCommand, ParseError> {
    Ok(match inv.sub.name.as_str() {
        "add" => ExpansionCommand::Add {
            account: inv.req_text("account")?,
            kind: inv
                .choice("type", OpportunityKind::parse)?
                .ok_or_else(|| super::undeclared(inv, "type"))?,
            value: inv.req_money("value")?,
            trigger: inv.text("trigger"),
            owner: inv.user("owner"),
            due: inv.date("due"),
        },
        "list" => ExpansionCommand::List {
            account: inv.text("account"),
            page: inv.page(),
        },
        "ready" => ExpansionCommand::Ready {
            account: inv.req_text("account")?,
        },
        "show" => ExpansionCommand::Show { id: id(inv)? },
        "qualify" => ExpansionCommand::Qualify {
            id: id(inv)?,
            element: inv
                .choice("element", Element::parse)?
                .ok_or_else(|| super::undeclared(inv, "element"))?,
            known: match inv.text("known").as_deref() {
                None | Some("yes") => Known::Yes,
                Some("no") => Known::No,
                Some(_) => Known::Clear,
            },
            note: inv.text("note"),
        },
        "won" => ExpansionCommand::Won {
            id: id(inv)?,
            reason: outcome_reason(inv)?,
        },
        "lost" => ExpansionCommand::Lost {
            id: id(inv)?,
            reason: outcome_reason(inv)?,
        },
        other => return Err(super::undeclared(inv, other)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{parse, Command};

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid")
    }

    fn ok(line: &str) -> ExpansionCommand {
        match parse(line, day()).map(|p| p.command) {
            Ok(Command::Expansion(c)) => c,
            other => panic!("{line}: {other:?}"),
        }
    }

    fn err(line: &str) -> String {
        parse(line, day()).expect_err(line).to_string()
    }

    #[test]
    fn qualify_and_outcome_reasons() {
        assert_eq!(
            ok("/expansion qualify 7 element:Economic-Buyer known:no"),
            ExpansionCommand::Qualify {
                id: 7,
                element: Element::EconomicBuyer,
                known: Known::No,
                note: None,
            }
        );
        let lost = |line| match ok(line) {
            ExpansionCommand::Lost { reason, .. } => reason,
            other => panic!("{other:?}"),
        };
        assert!(lost("/expansion lost 3").is_empty());
        assert_eq!(
            lost("/expansion lost 3 why:competitor reason:\"Budget\""),
            Given {
                kind: Some(ReasonKind::Competitor),
                text: Some("Budget".into())
            }
        );
    }

    #[test]
    fn bad_elements_and_kinds_name_what_is_accepted() {
        let cases = [
            (
                "/expansion qualify 7 element:money",
                "element: \"money\" is not one of metrics, economic-buyer, decision-criteria",
            ),
            ("/expansion qualify 7", "needs element:"),
            (
                "/expansion won 7 why:luck",
                "why: \"luck\" is not one of price, product-gap, relationship, budget, competitor, timing, value-proven, other",
            ),
            ("/expansion show seven", "id: \"seven\" is not a whole number"),
        ];
        for (line, expected) in cases {
            let message = err(line);
            assert!(message.contains(expected), "{line}: {message}");
            assert!(message.contains("Example"), "{line}: {message}");
        }
    }
}
