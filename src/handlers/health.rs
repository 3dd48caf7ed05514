//! Purpose: `/health` — record signals (merged, snapshotted, each noted as set by hand) and
//! show the score computed for now (received data merged in), its breakdown saying where each
//! signal came from (events with their figures, `/health set` by whom, the plan's metrics),
//! the trend, and the weekly active users of the last 12 weeks (in words and as a chart).

use chrono::Duration;

use super::plan::view::percent;
use super::present;
use super::{editable, require_active, Ctx, Outcome};
use crate::command::health::HealthCommand;
use crate::domain::account::Account;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::health::{
    effective, is_declining, shown_score, Band, Category, Health, RoiSource, Signals, Snapshot,
    Source,
};
use crate::domain::money::group_thousands;
use crate::domain::signals::INDICATOR_SNOOZE_DAYS;
use crate::feed::Reading;
use crate::picture::{HealthTrend, Picture, WeeklyUsers};
use crate::reply::{b, t, Reply, Span};

/// How far back `/health show` draws the trend.
const TREND_DAYS: i64 = 90;

pub fn handle(command: &HealthCommand, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    match command {
        HealthCommand::Set { account, signals } => set(account, signals, ctx, book),
        HealthCommand::Snooze { account, days } => snooze(account, *days, ctx, book),
        HealthCommand::Show { account } => {
            let account = book.find(account)?;
            let reading = ctx.data.reading(book, account, ctx.today).map_err(|e| {
                DomainError::Refused(format!("received data could not be read: {e}"))
            })?;
            let weeks = ctx
                .data
                .usage_weeks(book, account, ctx.today)
                .map_err(|e| {
                    DomainError::Refused(format!("received data could not be read: {e}"))
                })?;
            let seats = reading.as_ref().and_then(|r| r.seats);
            let users = WeeklyUsers::of(&account.name, ctx.today, weeks, seats);
            let trend = HealthTrend::of(account, ctx.today).map(Picture::HealthTrend);
            Ok(Outcome::read(
                show(account, reading.as_ref(), users.as_ref(), ctx, book)
                    .picture(trend)
                    .picture(users.map(Picture::WeeklyUsers)),
            ))
        }
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
    // Merged with what was recorded: ROI derived from the plan is never stored as given.
    let merged = account.recorded_signals().merged_with(update);
    account.health.push(Snapshot {
        at: ctx.now,
        signals: merged,
    });
    // Signals that data feeds too: the typed value stands until newer data arrives.
    let reading = ctx
        .data
        .reading(book, &account, ctx.today)
        .map_err(|e| DomainError::Refused(format!("received data could not be read: {e}")))?;
    let data_fed: Vec<String> = given(update)
        .filter_map(|c| {
            let newest = reading.as_ref()?.fresh.of(c)?;
            Some(format!(
                "{} (newest event {})",
                c.label(),
                newest.date_naive()
            ))
        })
        .collect();
    for category in given(update) {
        let by = ctx.actor.clone();
        account
            .signal_sources
            .set(category, Source::Hand { by, at: ctx.now });
    }
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
    if !data_fed.is_empty() {
        reply = reply.line(format!(
            "Received data feeds {} too: your value stands until newer data arrives, then the data wins.",
            data_fed.join(", ")
        ));
    }
    if let (Some(_), Some(targets)) = (update.roi, account.plan.targets_met()) {
        reply = reply.line(format!(
            "ROI from /health set now counts instead of the plan's metrics ({}/{} targets met).",
            targets.met, targets.total
        ));
    }
    Ok(Outcome::write(
        reply,
        vec![Change::PutAccount(Box::new(account))],
    ))
}

/// *Snooze 14 days*: the owner's indicator messages about the account held for
/// [`INDICATOR_SNOOZE_DAYS`] from today. The messages are the owner's: only they or an admin
/// may snooze them. Indicators still show in `/health show` and the digest meanwhile.
fn snooze(name: &str, days: Option<u32>, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    let mut account = editable(book, name, ctx)?;
    require_active(&account)?;
    let owner = crate::jobs::indicators::owner(book, &account);
    if !ctx.is_admin && owner.as_ref() != Some(ctx.actor) {
        return Err(DomainError::Refused(format!(
            "Only {}'s owner or an admin can snooze its indicator messages.",
            account.name
        )));
    }
    let until = ctx.today + Duration::days(days.map_or(INDICATOR_SNOOZE_DAYS, i64::from));
    account.indicators_snoozed_until = Some(until);
    let reply = Reply::text(format!(
        "Indicator messages about {} snoozed until {until}; its indicators still show in `/health show`.",
        account.name
    ));
    Ok(Outcome::write(
        reply,
        vec![Change::PutAccount(Box::new(account))],
    ))
}

/// The categories an update gives a value for.
fn given(update: &Signals) -> impl Iterator<Item = Category> + '_ {
    Category::ALL.into_iter().filter(|c| match c {
        Category::Usage => update.usage.is_some(),
        Category::Adoption => update.adoption.is_some(),
        Category::Relationship => update.nps.is_some(),
        Category::Tickets => update.tickets.is_some(),
        Category::Roi => update.roi.is_some(),
    })
}

fn show(
    account: &Account,
    reading: Option<&Reading>,
    users: Option<&WeeklyUsers>,
    ctx: &Ctx,
    book: &Book,
) -> Reply {
    // Computed for now: the recorded signals with the data received so far merged in.
    let (recorded, sources) = match reading {
        Some(r) => (r.merged.signals, &r.merged.sources),
        None => (account.recorded_signals(), account.signal_sources.as_ref()),
    };
    let (signals, roi) = effective(recorded, account.plan.targets_met());
    let health = Health::assess(&signals);
    let mut reply = Reply::new()
        .heading(format!("Health — {}", account.name))
        .para(vec![t("Score: "), b(present::health(&health))]);
    if health.score.is_none() {
        let reply = reply
            .line(format!(
                "No signals recorded yet. Record them with `/health set \"{}\" usage:85 adoption:3 nps:9 tickets:decreasing roi:92`.",
                account.name
            ))
            .note(users.map(weekly_line));
        return indicators(reply, account, reading, ctx, book);
    }
    let rows = health
        .ratings
        .iter()
        .map(|(category, rating)| {
            let rated = rating.map_or("unknown", |r| r.word());
            let mut row = vec![t(format!(
                "{} ({} %): {} — {rated}",
                category.label(),
                category.weight(),
                value(*category, &signals, roi, account)
            ))];
            row.extend(source(*category, sources.get(*category), reading));
            row
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
        let recorded = if matches!(roi, RoiSource::Plan(_)) {
            ", recorded signals"
        } else {
            ""
        };
        reply = reply.line(format!("Trend (90 days{recorded}): {}", trend.join(" → ")));
    }
    reply = reply.note(users.map(weekly_line));
    reply = indicators(reply, account, reading, ctx, book);
    if is_declining(&account.health, ctx.now) {
        reply = reply.line("⚠ Declining: down 15+ points or a worse band within 30 days.");
    }
    if let Some(last) = account.health.last() {
        reply = reply.line(format!("Last updated {}.", last.at.date_naive()));
    }
    reply
}

/// The open indicators (read afresh from data when there is any, else as the last daily
/// recompute left them), muted ones marked, and a snooze of the owner's messages.
fn indicators(
    mut reply: Reply,
    account: &Account,
    reading: Option<&Reading>,
    ctx: &Ctx,
    book: &Book,
) -> Reply {
    let indicators = reading.map_or(&account.indicators, |r| &r.indicators);
    if !indicators.is_empty() {
        let rows = indicators
            .iter()
            .map(|i| {
                let kind = if i.kind.is_risk() {
                    "risk"
                } else {
                    "opportunity"
                };
                let muted = match book.settings.muted_indicators.contains(&i.kind) {
                    true => ", muted: not posted",
                    false => "",
                };
                vec![
                    b(i.kind.name()),
                    t(format!(" ({kind}{muted}) — {}", i.figures)),
                ]
            })
            .collect();
        reply = reply.line("Open indicators:").bullets(rows);
    }
    if let Some(until) = account
        .indicators_snoozed_until
        .filter(|_| account.indicators_snoozed(ctx.today))
    {
        reply = reply.line(format!(
            "Indicator messages to the owner are snoozed until {until}."
        ));
    }
    reply
}

/// `Weekly active users (12 weeks to 2026-03-02): 46 → 47 → … → 44 of 50 seats.` — the
/// chart's figures in words.
fn weekly_line(users: &WeeklyUsers) -> String {
    let last = users.weeks.len().saturating_sub(1);
    let counts: Vec<String> = users
        .weeks
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == last {
                users.of_seats(w.users)
            } else {
                group_thousands(w.users as u64)
            }
        })
        .collect();
    format!(
        "Weekly active users ({} to {}): {}.",
        users.span(),
        users.today,
        counts.join(" → ")
    )
}

/// Where a signal's value came from: the figures behind data, or who set it by hand and when
/// (with the data that newer events would bring in).
fn source(category: Category, source: Option<&Source>, reading: Option<&Reading>) -> Vec<Span> {
    let figures = reading.and_then(|r| {
        let data = &r.data;
        let (known, figures) = match category {
            Category::Usage => (data.usage.value.is_some(), &data.usage.figures),
            Category::Adoption => (data.adoption.value.is_some(), &data.adoption.figures),
            Category::Relationship => (data.nps.value.is_some(), &data.nps.figures),
            Category::Tickets => (data.tickets.value.is_some(), &data.tickets.figures),
            Category::Roi => return None,
        };
        Some((known, figures.clone()))
    });
    match (source, figures) {
        (Some(Source::Data { .. }), Some((_, figures))) => {
            vec![t(format!(" — {figures}, from events"))]
        }
        (Some(Source::Data { at }), None) => {
            vec![t(format!(" — from events to {}", at.date_naive()))]
        }
        (Some(Source::Hand { by, at }), data) => {
            let mut spans = vec![
                t(" — set by "),
                Span::Mention(by.clone()),
                t(format!(" on {}", at.date_naive())),
            ];
            if let Some((true, figures)) = data {
                spans.push(t(format!(
                    "; events say {figures} — newer events will replace it"
                )));
            }
            spans
        }
        (None, Some((true, figures))) => vec![t(format!(" — events say {figures}"))],
        (None, _) => Vec::new(),
    }
}

fn value(category: Category, s: &Signals, roi: RoiSource, account: &Account) -> String {
    let shown = match category {
        Category::Usage => s.usage.map(|u| format!("{u} % of seats active")),
        Category::Adoption => s.adoption.map(|a| format!("{a} core features")),
        Category::Relationship => s.nps.map(|n| format!("NPS {n}")),
        Category::Tickets => s.tickets.map(|x| format!("tickets {}", x.name())),
        Category::Roi => s.roi.map(|r| {
            // The source is named once the plan has metrics; before, only `/health set` gives ROI.
            let source = match (roi, account.plan.targets_met()) {
                (RoiSource::Plan(_), _) => format!(" — {}", roi.describe()),
                (RoiSource::Recorded, Some(t)) => format!(
                    " — {} (plan metrics: {}/{} met)",
                    roi.describe(),
                    t.met,
                    t.total
                ),
                _ => String::new(),
            };
            format!("{} % of targets met{source}", percent(r))
        }),
    };
    shown.unwrap_or_else(|| "not recorded".into())
}
