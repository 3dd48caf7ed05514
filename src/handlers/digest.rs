//! Purpose: `/digest` — subscribe this channel to scheduled posts, unsubscribe, list them
//! with their next time, and preview what a post would say now.

use super::{Ctx, Outcome};
use crate::command::digest::DigestCommand;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::escalation::causes;
use crate::domain::schedule::{PostKind, Subscription};
use crate::jobs;
use crate::reply::{t, Reply};

pub fn handle(command: &DigestCommand, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    let mut settings = book.settings.clone();
    match command {
        DigestCommand::Subscribe {
            kind,
            days,
            time,
            zone,
        } => {
            let (default_days, default_time) = kind.default_schedule();
            let sub = Subscription {
                kind: *kind,
                channel: ctx.channel.to_string(),
                days: days.unwrap_or(default_days),
                time: time.unwrap_or(default_time),
                zone: zone.map(|z| z.name().to_string()),
                since: ctx.now,
            };
            settings
                .subscriptions
                .retain(|s| !(s.kind == *kind && s.channel == ctx.channel));
            let when = describe(&sub, ctx);
            settings.subscriptions.push(sub);
            let reply = Reply::text(format!(
                "#{} now gets {} posts {when}.",
                ctx.channel,
                kind.name()
            ));
            Ok(Outcome::write(reply, vec![Change::PutSettings(settings)]))
        }
        DigestCommand::Unsubscribe { kind } => {
            let before = settings.subscriptions.len();
            settings
                .subscriptions
                .retain(|s| !(s.kind == *kind && s.channel == ctx.channel));
            if settings.subscriptions.len() == before {
                return Err(DomainError::NotFound {
                    what: "subscription",
                    name: format!("{} in #{}", kind.name(), ctx.channel),
                    suggestions: " See them with `/digest list`.".into(),
                });
            }
            let reply = Reply::text(format!(
                "#{} no longer gets {} posts.",
                ctx.channel,
                kind.name()
            ));
            Ok(Outcome::write(reply, vec![Change::PutSettings(settings)]))
        }
        DigestCommand::List => {
            if settings.subscriptions.is_empty() {
                return Ok(Outcome::read(Reply::text(
                    "No channel is subscribed yet. An admin can run `/digest subscribe weekly` in the channel that should get the Monday digest.",
                )));
            }
            let rows = settings
                .subscriptions
                .iter()
                .map(|s| {
                    vec![t(format!(
                        "{} in #{} — {}",
                        s.kind.name(),
                        s.channel,
                        describe(s, ctx)
                    ))]
                })
                .collect();
            Ok(Outcome::read(
                Reply::new().heading("Scheduled posts").bullets(rows),
            ))
        }
        DigestCommand::Preview { kind } => Ok(Outcome::read(preview(*kind, ctx, book)?)),
    }
}

/// `mon-fri at 09:30 Europe/Berlin (next 2026-03-03 08:30 UTC)`.
fn describe(sub: &Subscription, ctx: &Ctx) -> String {
    if sub.kind == PostKind::Escalations {
        return "as they happen (checked at least every minute)".into();
    }
    let zone = sub.zone_or(ctx.timezone);
    let next = sub
        .next_due(ctx.now, zone)
        .map(|n| format!(" (next {})", n.format("%Y-%m-%d %H:%M UTC")))
        .unwrap_or_default();
    format!(
        "{} at {} {}{next}",
        sub.days.describe(),
        sub.time.format("%H:%M"),
        zone.name()
    )
}

fn preview(kind: PostKind, ctx: &Ctx, book: &Book) -> Result<Reply, DomainError> {
    Ok(match kind {
        PostKind::Weekly => {
            let week_end = jobs::weekly::movers_week_end(ctx.today);
            let movers = ctx
                .data
                .usage_movers(book, week_end, jobs::weekly::MOVERS)
                .map_err(|e| {
                    DomainError::Refused(format!("received data could not be read: {e}"))
                })?;
            let slowest = jobs::weekly::slowest_first_responses(book, ctx.now, ctx.timezone, |a| {
                ctx.data.channel_messages(book, a).unwrap_or_default()
            });
            jobs::weekly::build(book, ctx.now, ctx.today, &[], &movers, &slowest)
        }
        PostKind::Standup => jobs::standup::build(book, ctx.now),
        PostKind::Renewals => jobs::renewals::build(book, ctx.today, None).unwrap_or_else(|| {
            Reply::text(
                "No account entered a renewal stage since yesterday; nothing would be posted.",
            )
        }),
        PostKind::Escalations => {
            let live: Vec<_> = book
                .active()
                .flat_map(|a| causes(a, ctx.today, ctx.now))
                .map(|e| vec![t(e.text)])
                .collect();
            if live.is_empty() {
                Reply::text("No escalation cause is live.")
            } else {
                Reply::new()
                    .heading(format!("{} live escalation causes", live.len()))
                    .bullets(live)
            }
        }
    })
}
