//! Purpose: `/plan` — the account plan rendered from data, and its edits (goal, metric,
//! risk, action, done).

use super::present::{self, person};
use super::{editable, require_active, Ctx, Outcome};
use crate::command::plan::PlanCommand;
use crate::domain::account::Account;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::person::Person;
use crate::domain::plan::{Goal, Metric, Risk};
use crate::reply::{t, Line, Reply};

pub fn handle(command: &PlanCommand, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    if let PlanCommand::Show { account } = command {
        return Ok(Outcome::read(show(book.find(account)?, ctx, book)));
    }
    let name = match command {
        PlanCommand::Show { account }
        | PlanCommand::Goal { account, .. }
        | PlanCommand::Metric { account, .. }
        | PlanCommand::Risk { account, .. }
        | PlanCommand::Action { account, .. }
        | PlanCommand::Done { account, .. } => account,
    };
    let mut account = editable(book, name, ctx)?;
    require_active(&account)?;
    let plan = &mut account.plan;
    let message = match command {
        PlanCommand::Show { .. } => String::new(),
        PlanCommand::Goal { text, maps, .. } => {
            plan.add_goal(
                Goal {
                    text: text.clone(),
                    mapping: maps.clone(),
                },
                name,
            )?;
            format!("Added goal {} of 3.", plan.goals.len())
        }
        PlanCommand::Metric {
            name: metric,
            target,
            current,
            ..
        } => {
            let new = plan.set_metric(Metric {
                name: metric.clone(),
                target: *target,
                current: *current,
            });
            format!(
                "{} metric \"{metric}\": {current} against a target of {target}.",
                if new { "Added" } else { "Updated" }
            )
        }
        PlanCommand::Risk {
            text, mitigation, ..
        } => {
            plan.risks.push(Risk {
                text: text.clone(),
                mitigation: mitigation.clone(),
            });
            match mitigation {
                Some(_) => "Added the risk and its mitigation.".to_string(),
                None => "Added the risk. Give it a mitigation next time: `mitigation:\"…\"`."
                    .to_string(),
            }
        }
        PlanCommand::Action {
            text, due, owner, ..
        } => {
            if *due < ctx.today {
                return Err(DomainError::invalid(
                    "due",
                    format!("{due} is in the past"),
                    "due:+14d",
                ));
            }
            let owner = owner
                .clone()
                .unwrap_or_else(|| Person::User(ctx.actor.clone()));
            let id = plan.add_action(text.clone(), Some(owner), *due);
            format!("Added action {id}, due {due}. Tick it off with `/plan done \"{name}\" {id}`.")
        }
        PlanCommand::Done { action, .. } => {
            let known: Vec<String> = plan.actions.iter().map(|a| a.id.to_string()).collect();
            let Some(item) = plan.actions.iter_mut().find(|a| a.id == *action) else {
                return Err(DomainError::NotFound {
                    what: "action",
                    name: action.to_string(),
                    suggestions: if known.is_empty() {
                        " The plan has no actions yet.".into()
                    } else {
                        format!(" Actions: {}.", known.join(", "))
                    },
                });
            };
            if item.done.is_some() {
                return Err(DomainError::Refused(format!(
                    "action {action} is already done."
                )));
            }
            item.done = Some(ctx.today);
            format!("Done: {}.", item.text)
        }
    };
    plan.updated_at = Some(ctx.now);
    let reply = Reply::text(format!("{} — {message}", account.name));
    Ok(Outcome::write(
        reply,
        vec![Change::PutAccount(Box::new(account))],
    ))
}

fn show(account: &Account, ctx: &Ctx, book: &Book) -> Reply {
    let plan = &account.plan;
    let mut flags = Vec::new();
    if plan.is_generic() {
        flags.push("generic: no strategic goals — ask for the customer's top 3".to_string());
    }
    if plan.is_stale(account.created_at, ctx.now) {
        flags.push("stale: not updated for 90+ days".to_string());
    }
    let overdue = plan
        .actions
        .iter()
        .filter(|a| a.is_overdue(ctx.today))
        .count();
    if overdue > 0 {
        flags.push(format!("{} overdue", present::count(overdue, "action")));
    }
    let last = plan
        .updated_at
        .map_or("never".to_string(), |d| d.date_naive().to_string());
    let mut reply = Reply::new()
        .heading(format!("Account plan — {}", account.name))
        .para(vec![
            t(format!("Last updated {last} | Owner ")),
            person(book, account.owner.as_ref()),
            t(format!(" | {}", present::tier(book, account))),
        ]);
    if !flags.is_empty() {
        reply = reply.bullets(
            flags
                .into_iter()
                .map(|f| vec![t(format!("⚠ {f}"))])
                .collect(),
        );
    }
    let industry = [account.industry.as_deref(), account.segment.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" / ");
    reply = reply
        .line("CUSTOMER OVERVIEW")
        .bullets(vec![
            vec![t(if industry.is_empty() {
                "industry / segment not recorded".into()
            } else {
                industry
            })],
            vec![t(if account.products.is_empty() {
                "products not recorded".into()
            } else {
                format!("Products: {}", account.products.join(", "))
            })],
            vec![t(format!(
                "Contract value: {} | Renewal date: {}",
                present::money(book, account.arr),
                account.renewal_date
            ))],
        ])
        .line("STRATEGIC GOALS (customer's top 3)")
        .bullets(numbered(plan.goals.iter().map(|g| g.text.clone())))
        .line("HOW WE MAP TO THEIR GOALS")
        .bullets(
            plan.goals
                .iter()
                .map(|g| {
                    vec![t(format!(
                        "{} → {}",
                        g.text,
                        g.mapping.as_deref().unwrap_or("(not mapped yet)")
                    ))]
                })
                .collect(),
        )
        .line("SUCCESS METRICS")
        .bullets(
            plan.metrics
                .iter()
                .map(|m| {
                    vec![t(format!(
                        "{}: target {} | current {}{}",
                        m.name,
                        m.target,
                        m.current,
                        if m.met() { " ✓" } else { "" }
                    ))]
                })
                .collect(),
        )
        .line("RISKS")
        .bullets(
            plan.risks
                .iter()
                .map(|r| {
                    vec![t(format!(
                        "{}: {}",
                        r.text,
                        r.mitigation.as_deref().unwrap_or("no mitigation yet")
                    ))]
                })
                .collect(),
        )
        .line("EXPANSION OPPORTUNITIES")
        .bullets(
            account
                .opportunities
                .iter()
                .filter(|o| o.is_open())
                .map(|o| {
                    let mut line = vec![t(format!(
                        "#{} {} {}: {} / {} / ",
                        o.id,
                        o.kind.name(),
                        present::money(book, o.value),
                        o.trigger.as_deref().unwrap_or("no trigger"),
                        o.due.map_or("no date".to_string(), |d| d.to_string())
                    ))];
                    line.push(person(book, o.owner.as_ref()));
                    line
                })
                .collect(),
        )
        .line("90-DAY ACTION PLAN");
    let actions: Vec<Line> = plan
        .actions
        .iter()
        .map(|a| {
            let mut line = vec![t(format!(
                "[{}] {}. {} by {}",
                if a.done.is_some() { "x" } else { " " },
                a.id,
                a.text,
                a.due
            ))];
            line.push(t(" — "));
            line.push(person(book, a.owner.as_ref()));
            if a.is_overdue(ctx.today) {
                line.push(t(" (overdue)"));
            }
            line
        })
        .collect();
    reply.bullets(actions)
}

fn numbered(items: impl Iterator<Item = String>) -> Vec<Line> {
    items
        .enumerate()
        .map(|(i, text)| vec![t(format!("{}. {text}", i + 1))])
        .collect()
}
