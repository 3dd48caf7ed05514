//! Purpose: `/expansion` — adding opportunities, the pipeline with MEDDIC scores, readiness
//! checks and signals; commands about one opportunity are in [`super::opportunity`].

use super::opportunity;
use super::present::{self, person};
use super::{editable, paginate, require_active, Ctx, Outcome};
use crate::command::expansion::ExpansionCommand;
use crate::domain::account::Account;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::expansion::{
    open_value, readiness, signals, weighted_open_value, Opportunity, OpportunityStatus,
};
use crate::domain::meddic::{Qualification, ELEMENTS};
use crate::domain::money::Money;
use crate::reply::{b, t, Line, Reply};

pub fn handle(command: &ExpansionCommand, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    match command {
        ExpansionCommand::Add {
            account,
            kind,
            value,
            trigger,
            owner,
            due,
        } => {
            let mut account = editable(book, account, ctx)?;
            require_active(&account)?;
            if due.is_some_and(|d| d < ctx.today) {
                return Err(DomainError::invalid(
                    "due",
                    "the target date is in the past",
                    format!("due:{}", ctx.today + chrono::Duration::days(60)),
                ));
            }
            let id = book.next_opportunity_id();
            let checks = readiness(&account, trigger.as_deref(), ctx.today);
            account.opportunities.push(Opportunity {
                id,
                kind: *kind,
                value: *value,
                trigger: trigger.clone(),
                owner: owner.clone().or_else(|| account.owner.clone()),
                due: *due,
                status: OpportunityStatus::Open,
                created_on: ctx.today,
                qualification: Qualification::default(),
            });
            let mut reply = Reply::new().para(vec![
                t(format!(
                    "Added opportunity #{id} at {}: {} ",
                    account.name,
                    kind.name()
                )),
                b(present::money(book, *value)),
                t(" ARR."),
            ]);
            let failing: Vec<Line> = checks
                .iter()
                .filter(|c| !c.passed)
                .map(|c| vec![t(format!("{}: {}", c.name, c.detail))])
                .collect();
            if failing.is_empty() {
                reply = reply.line("Ready to pitch: all five readiness checks pass.");
            } else {
                reply = reply
                    .line(format!(
                        "⚠ Not ready to pitch yet — {} of 5 checks fail:",
                        failing.len()
                    ))
                    .bullets(failing);
            }
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
        ExpansionCommand::List { account, page } => list(account.as_deref(), *page, ctx, book),
        ExpansionCommand::Ready { account } => {
            let account = book.find(account)?;
            let trigger = account
                .opportunities
                .iter()
                .filter(|o| o.is_open())
                .find_map(|o| o.trigger.as_deref());
            let checks = readiness(account, trigger, ctx.today);
            let passed = checks.iter().filter(|c| c.passed).count();
            let rows = checks
                .iter()
                .map(|c| {
                    vec![t(format!(
                        "{} {} — {}",
                        if c.passed { "✓" } else { "✗" },
                        c.name,
                        c.detail
                    ))]
                })
                .collect();
            let verdict = if passed == checks.len() {
                "Ready to pitch."
            } else {
                "Not ready to pitch: fix what fails first."
            };
            Ok(Outcome::read(
                Reply::new()
                    .heading(format!(
                        "Expansion readiness — {} ({passed}/5)",
                        account.name
                    ))
                    .bullets(rows)
                    .line(verdict),
            ))
        }
        ExpansionCommand::Show { id } => opportunity::show(*id, ctx, book),
        ExpansionCommand::Qualify {
            id,
            element,
            known,
            note,
        } => opportunity::qualify(*id, *element, *known, note.as_deref(), ctx, book),
        ExpansionCommand::Won { id, reason } => opportunity::close(*id, true, reason, ctx, book),
        ExpansionCommand::Lost { id, reason } => opportunity::close(*id, false, reason, ctx, book),
    }
}

fn list(only: Option<&str>, page: usize, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    let mut accounts: Vec<&Account> = match only {
        Some(name) => vec![book.find(name)?],
        None => book.active().collect(),
    };
    accounts.sort_by(|a, b| {
        open_value(b)
            .cmp(&open_value(a))
            .then_with(|| a.name.cmp(&b.name))
    });
    let with_open: Vec<&Account> = accounts
        .iter()
        .copied()
        .filter(|a| open_value(a).0 > 0)
        .collect();
    let whitespace = Money(with_open.iter().map(|a| open_value(a).0).sum());
    let weighted: f64 = with_open.iter().map(|a| weighted_open_value(a)).sum();
    let (shown, more) = paginate(&with_open, page, "/expansion list");
    let mut reply = Reply::new().heading(format!(
        "Expansion pipeline: {} open across {}, whitespace {} (MEDDIC-weighted {})",
        with_open
            .iter()
            .map(|a| a.opportunities.iter().filter(|o| o.is_open()).count())
            .sum::<usize>(),
        present::count(with_open.len(), "account"),
        present::money(book, whitespace),
        present::money(book, Money(weighted.round() as u64))
    ));
    for account in shown {
        reply = reply.line(format!(
            "{} — {}",
            account.name,
            present::money(book, open_value(account))
        ));
        let rows = account
            .opportunities
            .iter()
            .filter(|o| o.is_open())
            .map(|o| {
                let mut line = vec![t(format!(
                    "#{} {} {} — MEDDIC {}/{ELEMENTS}",
                    o.id,
                    o.kind.name(),
                    present::money(book, o.value),
                    o.meddic_score(&account.stakeholders)
                ))];
                if let Some(trigger) = &o.trigger {
                    line.push(t(format!(" — trigger: {trigger}")));
                }
                if let Some(due) = o.due {
                    line.push(t(format!(" — due {due}")));
                }
                line.push(t(" — "));
                line.push(person(book, o.owner.as_ref()));
                line
            })
            .collect();
        reply = reply.bullets(rows);
    }
    reply = reply.note(more);
    let suggestions: Vec<Line> = accounts
        .iter()
        .filter(|a| open_value(a).0 == 0)
        .filter_map(|a| {
            let s = signals(a, ctx.today);
            (!s.is_empty()).then(|| vec![b(&a.name), t(format!(": {}", s.join(", ")))])
        })
        .take(10)
        .collect();
    if !suggestions.is_empty() {
        reply = reply
            .line("Signals worth an expansion conversation (no open opportunity yet):")
            .bullets(suggestions);
    }
    Ok(Outcome::read(reply))
}
