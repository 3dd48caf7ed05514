//! Purpose: `/health` — record signals (merged, snapshotted) and show the score, its
//! breakdown and trend.

use chrono::Duration;

use super::present;
use super::{editable, require_active, Ctx, Outcome};
use crate::command::health::HealthCommand;
use crate::domain::account::Account;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::health::{is_declining, shown_score, Band, Category, Health, Signals, Snapshot};
use crate::reply::{b, t, Reply};

/// How far back `/health show` draws the trend.
const TREND_DAYS: i64 = 90;

pub fn handle(command: &HealthCommand, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    match command {
        HealthCommand::Set { account, signals } => set(account, signals, ctx, book),
        HealthCommand::Show { account } => Ok(Outcome::read(show(book.find(account)?, ctx))),
    }
}

fn set(name: &str, update: &Signals, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    if update.is_empty() {
        return Err(DomainError::invalid(
            "set",
            "no signal was given",
            format!("/health set \"{name}\" usage:85 adoption:3 nps:9 tickets:decreasing roi:92"),
        ));
    }
    update.validate()?;
    let mut account = editable(book, name, ctx)?;
    require_active(&account)?;
    let before = account.health();
    let merged = account.signals().merged_with(update);
    account.health.push(Snapshot {
        at: ctx.now,
        signals: merged,
    });
    let after = account.health();
    let mut reply = Reply::new().para(vec![
        t(format!("Health of {}: ", account.name)),
        b(present::health(&after)),
        t(match before.score {
            Some(_) => format!(" (was {}).", present::health(&before)),
            None => ".".into(),
        }),
    ]);
    if after.band == Band::Red && before.band != Band::Red {
        reply = reply.line(format!(
            "⚠ {} turned red: this is an escalation, and the owner's manager will be pinged. Consider `/atrisk save \"{}\"`.",
            account.name, account.name
        ));
    }
    if after.partial {
        let missing: Vec<_> = after
            .ratings
            .iter()
            .filter(|(_, r)| r.is_none())
            .map(|(c, _)| c.label())
            .collect();
        reply = reply.line(format!("Partial score — unknown: {}.", missing.join(", ")));
    }
    Ok(Outcome::write(
        reply,
        vec![Change::PutAccount(Box::new(account))],
    ))
}

fn show(account: &Account, ctx: &Ctx) -> Reply {
    let health = account.health();
    let signals = account.signals();
    let mut reply = Reply::new()
        .heading(format!("Health — {}", account.name))
        .para(vec![t("Score: "), b(present::health(&health))]);
    if health.score.is_none() {
        return reply.line(format!(
            "No signals recorded yet. Record them with `/health set \"{}\" usage:85 adoption:3 nps:9 tickets:decreasing roi:92`.",
            account.name
        ));
    }
    let rows = health
        .ratings
        .iter()
        .map(|(category, rating)| {
            let rated = rating.map_or("unknown", |r| r.word());
            vec![t(format!(
                "{} ({} %): {} — {rated}",
                category.label(),
                category.weight(),
                value(*category, &signals)
            ))]
        })
        .collect();
    reply = reply.bullets(rows);
    let since = ctx.now - Duration::days(TREND_DAYS);
    let trend: Vec<String> = account
        .health
        .iter()
        .filter(|s| s.at >= since)
        .filter_map(|s| {
            Health::assess(&s.signals)
                .score
                .map(|score| format!("{} {}", s.at.date_naive(), shown_score(score)))
        })
        .collect();
    if !trend.is_empty() {
        reply = reply.line(format!("Trend (90 days): {}", trend.join(" → ")));
    }
    if is_declining(&account.health, ctx.now) {
        reply = reply.line("⚠ Declining: down 15+ points or a worse band within 30 days.");
    }
    if let Some(last) = account.health.last() {
        reply = reply.line(format!("Last updated {}.", last.at.date_naive()));
    }
    reply
}

fn value(category: Category, s: &Signals) -> String {
    let shown = match category {
        Category::Usage => s.usage.map(|u| format!("{u} % of seats active")),
        Category::Adoption => s.adoption.map(|a| format!("{a} core features")),
        Category::Relationship => s.nps.map(|n| format!("NPS {n}")),
        Category::Tickets => s.tickets.map(|x| format!("tickets {}", x.name())),
        Category::Roi => s.roi.map(|r| format!("{r} % of targets met")),
    };
    shown.unwrap_or_else(|| "not recorded".into())
}
