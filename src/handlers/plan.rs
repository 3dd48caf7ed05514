//! Purpose: `/plan` — the account plan's edits (goal, metric, risk, action, done,
//! competitor, SWOT, remove); `view` renders it.

pub mod view;

use super::present;
use super::{editable, require_active, Ctx, Outcome};
use crate::command::plan::PlanCommand;
use crate::domain::account::Account;
use crate::domain::book::{Book, Change};
use crate::domain::competition::CompetitorRisk;
use crate::domain::error::DomainError;
use crate::domain::health::{effective, Band, RoiSource};
use crate::domain::person::Person;
use crate::domain::plan_item::Section;
use crate::reply::Reply;

pub fn handle(command: &PlanCommand, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    if let PlanCommand::Show { account } = command {
        return Ok(Outcome::read(view::show(book.find(account)?, ctx, book)));
    }
    let name = match command {
        PlanCommand::Show { account }
        | PlanCommand::Goal { account, .. }
        | PlanCommand::Metric { account, .. }
        | PlanCommand::Risk { account, .. }
        | PlanCommand::Action { account, .. }
        | PlanCommand::Done { account, .. }
        | PlanCommand::Competitor { account, .. }
        | PlanCommand::Swot { account, .. }
        | PlanCommand::Remove { account, .. } => account,
    };
    let before = book.find(name)?;
    let mut account = editable(book, name, ctx)?;
    require_active(&account)?;
    let plan = &mut account.plan;
    let mut roi_changed = false;
    let message = match command {
        PlanCommand::Show { .. } => String::new(),
        PlanCommand::Goal { text, maps, .. } => {
            let id = plan.add_goal(text.clone(), maps.clone(), name)?;
            format!("Added goal g{id} ({} of 3).", plan.goals.len())
        }
        PlanCommand::Metric { update, .. } => {
            roi_changed = true;
            let (m, new) = plan.set_metric(update.clone(), ctx.today);
            if new {
                format!(
                    "Added m{} \"{}\": {} against a target of {}. This first value is the baseline improvement is measured from; the metric counts toward targets met (ROI) once updated on a later day.",
                    m.id, m.name, update.current, update.target
                )
            } else {
                format!("Updated {}.", view::metric_line(book, m))
            }
        }
        PlanCommand::Risk {
            text, mitigation, ..
        } => {
            let id = plan.add_risk(text.clone(), mitigation.clone());
            match mitigation {
                Some(_) => format!("Added risk r{id} and its mitigation."),
                None => {
                    format!("Added risk r{id}. Give it a mitigation next time: `mitigation:\"…\"`.")
                }
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
        PlanCommand::Competitor {
            name: competitor,
            risk,
            edge,
            ..
        } => {
            let (stored, was) = plan.set_competitor(competitor, *risk, edge.clone(), ctx.today);
            let mut text = match was {
                None => format!("Added competitor {}.", view::competitor_line(stored)),
                Some(was) if was != *risk => format!(
                    "Updated competitor {} (risk was {}).",
                    view::competitor_line(stored),
                    was.name()
                ),
                Some(_) => format!("Updated competitor {}.", view::competitor_line(stored)),
            };
            if *risk == CompetitorRisk::High {
                text +=
                    " A high-risk competitor flags the plan and is listed in the weekly digest.";
                if stored.edge.is_none() {
                    text += " Record how we win: `edge:\"…\"`.";
                }
            }
            text
        }
        PlanCommand::Swot { kind, text, .. } => {
            let id = plan.add_swot(*kind, text.clone())?;
            format!("Added {} s{id} to the SWOT.", kind.name())
        }
        PlanCommand::Remove { item, .. } => {
            roi_changed = item.section == Section::Metric;
            format!("Removed {}.", plan.remove(*item)?)
        }
    };
    plan.updated_at = Some(ctx.now);
    let mut reply = Reply::text(format!("{} — {message}", account.name));
    if roi_changed {
        reply = roi_effect(reply, before, &account);
    }
    Ok(Outcome::write(
        reply,
        vec![Change::PutAccount(Box::new(account))],
    ))
}

/// After a metric changed: where health's ROI now comes from, and the health it gives.
fn roi_effect(reply: Reply, before: &Account, after: &Account) -> Reply {
    let (old, new) = (before.health(), after.health());
    let health = if old.score == new.score {
        format!("health {}", present::health(&new))
    } else {
        format!(
            "health {} (was {})",
            present::health(&new),
            present::health(&old)
        )
    };
    let (signals, source) = effective(after.recorded_signals(), after.plan.targets_met());
    let roi = match (source, signals.roi) {
        (RoiSource::Plan(_), Some(r)) => format!(
            "ROI {} % — {}; {health}.",
            view::percent(r),
            source.describe()
        ),
        (RoiSource::Recorded, Some(r)) => format!(
            "Health keeps the ROI given with /health set ({} %); plan metrics: {}.",
            view::percent(r),
            after
                .plan
                .targets_met()
                .map_or("none measured since its baseline yet".into(), |t| {
                    format!("{}/{} met", t.met, t.total)
                })
        ),
        _ if after.plan.metrics.is_empty() => format!(
            "No ROI signal now: no plan metrics and none given with /health set; {health}."
        ),
        _ => format!(
            "No ROI signal yet: plan metrics count toward targets met once measured after their baseline; {health}."
        ),
    };
    let reply = reply.line(roi);
    if new.band == Band::Red && old.band != Band::Red {
        reply.line(format!(
            "⚠ {} turned red: this is an escalation, and the owner's manager will be pinged.",
            after.name
        ))
    } else {
        reply
    }
}
