//! Purpose: `/plan` text → a typed `PlanCommand`.

use chrono::NaiveDate;

use super::error::ParseError;
use super::invocation::{closest, Invocation};
use crate::domain::competition::{
    check_length, CompetitorRisk, SwotKind, MAX_ITEM_CHARS, MAX_NAME_CHARS,
};
use crate::domain::error::DomainError;
use crate::domain::person::Person;
use crate::domain::plan::MetricUpdate;
use crate::domain::plan_item::ItemId;
use crate::domain::value::{parse_per_unit, Better};

#[derive(Debug, Clone, PartialEq)]
pub enum PlanCommand {
    Show {
        account: String,
    },
    Goal {
        account: String,
        text: String,
        maps: Option<String>,
    },
    Metric {
        account: String,
        update: MetricUpdate,
    },
    Risk {
        account: String,
        text: String,
        mitigation: Option<String>,
    },
    Action {
        account: String,
        text: String,
        due: NaiveDate,
        owner: Option<Person>,
    },
    Done {
        account: String,
        action: u32,
    },
    Competitor {
        account: String,
        name: String,
        risk: CompetitorRisk,
        edge: Option<String>,
    },
    Swot {
        account: String,
        kind: SwotKind,
        text: String,
    },
    Remove {
        account: String,
        item: ItemId,
    },
}

pub fn from_invocation(inv: &Invocation) -> Result<PlanCommand, ParseError> {
    let account = inv.req_text("account")?;
    Ok(match inv.sub.name.as_str() {
        "show" => PlanCommand::Show { account },
        "goal" => PlanCommand::Goal {
            account,
            text: inv.req_text("text")?,
            maps: inv.text("maps"),
        },
        "metric" => PlanCommand::Metric {
            account,
            update: MetricUpdate {
                name: inv.req_text("name")?,
                target: inv.req_number("target")?,
                current: inv.req_number("current")?,
                better: inv.choice("better", Better::parse)?,
                value_per_unit: inv
                    .text("value-per-unit")
                    .map(|raw| parse_per_unit("value-per-unit", &raw))
                    .transpose()?,
            },
        },
        "risk" => PlanCommand::Risk {
            account,
            text: inv.req_text("text")?,
            mitigation: inv.text("mitigation"),
        },
        "action" => PlanCommand::Action {
            account,
            text: inv.req_text("text")?,
            due: inv.req_date("due")?,
            owner: inv.user("owner"),
        },
        "done" => PlanCommand::Done {
            account,
            action: inv
                .integer("action")
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| super::undeclared(inv, "action"))?,
        },
        "competitor" => {
            let (name, edge) = (inv.req_text("name")?, inv.text("edge"));
            check_length("name", &name, MAX_NAME_CHARS, inv.sub.example())?;
            if let Some(edge) = &edge {
                check_length("edge", edge, MAX_ITEM_CHARS, inv.sub.example())?;
            }
            PlanCommand::Competitor {
                account,
                name,
                risk: inv
                    .choice("risk", CompetitorRisk::parse)?
                    .ok_or_else(|| super::undeclared(inv, "risk"))?,
                edge,
            }
        }
        "swot" => {
            let text = inv.req_text("text")?;
            check_length("text", &text, MAX_ITEM_CHARS, inv.sub.example())?;
            PlanCommand::Swot {
                account,
                kind: swot_kind(inv, &inv.req_text("kind")?)?,
                text,
            }
        }
        "remove" => {
            let raw = inv.req_text("item")?;
            PlanCommand::Remove {
                account,
                item: ItemId::parse(&raw).ok_or_else(|| {
                    DomainError::invalid(
                        "item",
                        format!("\"{raw}\" is not an item id — a letter and a number as `/plan show` lists them: g goal, m metric, r risk, c competitor, s SWOT"),
                        inv.sub.example(),
                    )
                })?,
            }
        }
        other => return Err(super::undeclared(inv, other)),
    })
}

/// The SWOT quadrant, singular or plural; else an error with the command's example.
fn swot_kind(inv: &Invocation, raw: &str) -> Result<SwotKind, ParseError> {
    SwotKind::read(raw).ok_or_else(|| {
        let hint = closest(&raw.to_lowercase(), SwotKind::NAMES.into_iter())
            .map(|k| format!(" (did you mean {k}?)"))
            .unwrap_or_default();
        ParseError::Value(DomainError::invalid(
            "kind",
            format!(
                "\"{raw}\" is not one of {}{hint}",
                SwotKind::NAMES.join(", ")
            ),
            inv.sub.example(),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{parse, Command};

    fn ok(line: &str) -> PlanCommand {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid");
        match parse(line, day)
            .unwrap_or_else(|e| panic!("{line}: {e}"))
            .command
        {
            Command::Plan(c) => c,
            other => panic!("{line}: {other:?}"),
        }
    }

    fn err(line: &str) -> String {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid");
        parse(line, day).expect_err(line).to_string()
    }

    #[test]
    fn new_subcommands_parse() {
        assert_eq!(
            ok("/plan competitor Acme \"Globex Cloud\" risk:HIGH edge:\"EU hosting\""),
            PlanCommand::Competitor {
                account: "Acme".into(),
                name: "Globex Cloud".into(),
                risk: CompetitorRisk::High,
                edge: Some("EU hosting".into()),
            }
        );
        assert_eq!(
            ok("/plan swot Acme Threats Budget freeze in Q3"),
            PlanCommand::Swot {
                account: "Acme".into(),
                kind: SwotKind::Threat,
                text: "Budget freeze in Q3".into(),
            }
        );
        assert_eq!(
            ok("/plan remove Acme C2"),
            PlanCommand::Remove {
                account: "Acme".into(),
                item: ItemId::parse("c2").expect("id"),
            }
        );
        let PlanCommand::Metric { update, .. } =
            ok("/plan metric Acme \"Cost per ticket\" target:4 current:6.5 value-per-unit:$12.50 better:lower")
        else {
            panic!("a metric")
        };
        assert_eq!(
            (update.better, update.value_per_unit),
            (Some(Better::Lower), Some(12.5))
        );
    }

    #[test]
    fn bad_input_is_refused_with_an_example() {
        for (line, expected) in [
            (
                "/plan competitor Acme Globex risk:extreme",
                "risk: \"extreme\" is not one of low, medium, high. Example: risk:low",
            ),
            (
                "/plan swot Acme strenght Loved by finance",
                "kind: \"strenght\" is not one of strength, weakness, opportunity, threat (did you mean strength?). Example: /plan swot",
            ),
            (
                "/plan remove Acme xyz",
                "item: \"xyz\" is not an item id",
            ),
            (
                "/plan metric Acme Hours target:40 current:32 value-per-unit:lots",
                "value-per-unit: \"lots\" is not an amount. Example: value-per-unit:$75",
            ),
            (
                "/plan competitor Acme Globex",
                "`/plan competitor` needs risk:",
            ),
        ] {
            let got = err(line);
            assert!(got.contains(expected), "{line}:\n{got}");
        }
        let long = format!("/plan swot Acme threat {}", "x".repeat(201));
        assert!(err(&long).contains("text: 201 characters is over the 200 allowed"));
        let long_edge = format!(
            "/plan competitor Acme Globex risk:low edge:\"{}\"",
            "y".repeat(201)
        );
        assert!(err(&long_edge).contains("edge: 201 characters"));
    }
}
