//! Purpose: `/qbr` — prep (agenda, checklist from data, value delivered vs. targets,
//! competition and SWOT, questions, best expansion, send date), schedule and done.

use chrono::Duration;

use super::plan::view;
use super::present;
use super::{editable, require_active, Ctx, Outcome};
use crate::command::qbr::QbrCommand;
use crate::domain::account::Account;
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::expansion::best_open;
use crate::domain::health::{effective, shown_score, Health, RoiSource, TicketTrend};
use crate::domain::qbr::{agenda_send_date, overdue_days, strategic_questions, AGENDA};
use crate::domain::stakeholder::Role;
use crate::reply::{t, Line, Reply};

pub fn handle(command: &QbrCommand, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    match command {
        QbrCommand::Prep { account } => Ok(Outcome::read(prep(book.find(account)?, ctx, book))),
        QbrCommand::Schedule {
            account,
            date,
            sponsor_confirmed,
        } => {
            let mut account = editable(book, account, ctx)?;
            require_active(&account)?;
            if *date < ctx.today {
                return Err(DomainError::invalid(
                    "date",
                    format!("{date} is in the past; schedule a future QBR (record a held one with `/qbr done`)"),
                    format!("/qbr schedule \"{}\" date:{} sponsor:yes", account.name, ctx.today + Duration::days(14)),
                ));
            }
            account.qbr.scheduled = Some(*date);
            account.qbr.sponsor_confirmed = *sponsor_confirmed;
            let mut reply = Reply::text(format!(
                "QBR with {} scheduled for {date}. Send the agenda by {}.",
                account.name,
                agenda_send_date(*date)
            ));
            if !sponsor_confirmed {
                reply = reply.line("The executive sponsor / economic buyer has not confirmed: without them, consider rescheduling.");
            }
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
        QbrCommand::Done { account, date } => {
            let mut account = editable(book, account, ctx)?;
            require_active(&account)?;
            let held = date.unwrap_or(ctx.today);
            if held > ctx.today {
                return Err(DomainError::invalid(
                    "date",
                    format!("{held} is in the future"),
                    format!("/qbr done \"{}\" date:{}", account.name, ctx.today),
                ));
            }
            account.qbr.last_held = Some(held);
            account.qbr.scheduled = None;
            account.qbr.sponsor_confirmed = false;
            account.renewal.record_activity(held);
            let next = book
                .tier(&account)
                .0
                .qbr_cadence_days()
                .map(|d| held + Duration::days(d));
            let reply = Reply::text(format!(
                "Recorded the QBR with {} on {held}.{}",
                account.name,
                next.map(|n| format!(" The next one is due by {n}."))
                    .unwrap_or_default()
            ));
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
    }
}

fn mark(ok: bool, text: String) -> Line {
    vec![t(format!("{} {text}", if ok { "✓" } else { "✗" }))]
}

fn prep(account: &Account, ctx: &Ctx, book: &Book) -> Reply {
    let (s, roi) = effective(account.recorded_signals(), account.plan.targets_met());
    let roi_source = match roi {
        RoiSource::Plan(_) => format!(" — {}", roi.describe()),
        _ => String::new(),
    };
    let mut checklist = vec![
        mark(
            s.usage.is_some() && s.roi.is_some(),
            match (s.usage, s.roi) {
                (Some(u), Some(r)) => format!(
                    "usage ({u} %) and ROI ({} % of targets{roi_source}) are in",
                    view::percent(r)
                ),
                _ => "usage and ROI data missing: `/health set … usage: roi:` or `/plan metric`"
                    .into(),
            },
        ),
        mark(
            !matches!(
                s.tickets,
                Some(TicketTrend::Escalated | TicketTrend::Increasing) | None
            ),
            match s.tickets {
                Some(trend) => format!(
                    "support tickets {} — {}",
                    trend.name(),
                    if matches!(trend, TicketTrend::Escalated) {
                        "open escalation to address"
                    } else {
                        "no open escalation"
                    }
                ),
                None => "support signal missing: `/health set … tickets:`".into(),
            },
        ),
    ];
    let since = ctx.now - Duration::days(90);
    let trend: Vec<String> = account
        .health
        .iter()
        .filter(|x| x.at >= since)
        .filter_map(|x| {
            Health::assess(&x.signals)
                .score
                .map(|sc| shown_score(sc).to_string())
        })
        .collect();
    checklist.push(mark(
        !trend.is_empty(),
        if trend.is_empty() {
            "no health readings in the last 90 days".into()
        } else {
            format!("health trend (90 days): {}", trend.join(" → "))
        },
    ));
    let sponsor = account
        .stakeholders
        .iter()
        .find(|p| p.is_active() && matches!(p.role, Role::ExecutiveSponsor | Role::EconomicBuyer));
    let confirmed = account.qbr.sponsor_confirmed;
    checklist.push(mark(
        confirmed,
        match (confirmed, sponsor) {
            (true, _) => "executive sponsor / economic buyer confirmed".into(),
            (false, Some(p)) => format!(
                "{} ({}) has not confirmed — reschedule if they cannot attend",
                p.name,
                p.role.name()
            ),
            (false, None) => {
                "no executive sponsor or economic buyer mapped — reschedule until one attends"
                    .into()
            }
        },
    ));
    let best = best_open(account);
    checklist.push(mark(
        best.is_some(),
        best.map_or(
            "no open expansion to introduce (`/expansion add`)".into(),
            |o| {
                format!(
                    "introduce #{} {} {}{}",
                    o.id,
                    o.kind.name(),
                    present::money(book, o.value),
                    o.trigger
                        .as_ref()
                        .map(|x| format!(" — {x}"))
                        .unwrap_or_default()
                )
            },
        ),
    ));
    let send = account.qbr.scheduled.map(|d| (d, agenda_send_date(d)));
    checklist.push(mark(
        send.is_some_and(|(_, s)| s >= ctx.today),
        match send {
            Some((meeting, s)) if s >= ctx.today => {
                format!("meeting {meeting}: send the agenda by {s} (5 business days before)")
            }
            Some((meeting, s)) => {
                format!("meeting {meeting}: the agenda was due by {s} — send it today")
            }
            None => "no QBR scheduled: `/qbr schedule … date:`".into(),
        },
    ));
    let mut reply = Reply::new()
        .heading(format!("QBR prep — {}", account.name))
        .line("Agenda (60 minutes):")
        .bullets(
            AGENDA
                .iter()
                .map(|(m, item)| vec![t(format!("{m} {item}"))])
                .collect(),
        )
        .line("Pre-QBR checklist:")
        .bullets(checklist)
        .line("Value delivered vs. targets (15–30):")
        .bullets(value_lines(account, book));
    let competition = view::competition_lines(account);
    if !competition.is_empty() {
        reply = reply.line("Competition:").bullets(competition);
    }
    let swot = view::swot_lines(account);
    if !swot.is_empty() {
        reply = reply.line("SWOT:").bullets(swot);
    }
    reply = reply
        .line(format!(
            "Strategic questions ({}):",
            account.industry.as_deref().unwrap_or("general")
        ))
        .bullets(
            strategic_questions(account.industry.as_deref())
                .iter()
                .map(|q| vec![t(*q)])
                .collect(),
        );
    let tier = book.tier(account).0;
    if let Some(days) = overdue_days(
        tier,
        &account.qbr,
        account.created_at.date_naive(),
        ctx.today,
    ) {
        reply = reply.line(format!(
            "⚠ QBR overdue by {days} days for Tier {} (every {} days).",
            tier.number(),
            tier.qbr_cadence_days().unwrap_or_default()
        ));
    }
    reply
}

/// The plan's metrics, each against its target and first value, then the total value; how
/// to add one when there is none.
fn value_lines(account: &Account, book: &Book) -> Vec<Line> {
    let lines = view::value_lines(book, account);
    if !lines.is_empty() {
        return lines;
    }
    vec![vec![t(format!(
        "no success metrics in the plan: `/plan metric \"{}\" NAME target: current: value-per-unit:`",
        account.name
    ))]]
}
