//! Purpose: `/renewal` — upcoming renewals, a renewal's stage and checklist, follow-ups,
//! extensions, snoozed reminders and outcomes (renewed, churned).

use chrono::{Duration, Months, NaiveDate};

use super::present::{self, person};
use super::{editable, paginate, require_active, Ctx, Outcome};
use crate::command::renewal::RenewalCommand;
use crate::domain::account::{Account, AccountStatus, Activity, ActivityKind};
use crate::domain::book::{Book, Change};
use crate::domain::error::DomainError;
use crate::domain::outcome::{renewal_events, OutcomeEvent, OutcomeKind};
use crate::domain::reason::{Given, Reason, ReasonKind};
use crate::domain::renewal::{
    is_late_start, lead_time_days, FollowUp, RenewalCycle, Stage, UNANSWERED_FOLLOWUPS_TO_ESCALATE,
};
use crate::picture::{Picture, RenewalTimeline};
use crate::reply::{b, t, Reply};

/// How far ahead `/renewal list` looks by default.
const DEFAULT_WINDOW_DAYS: u32 = 120;

pub fn handle(command: &RenewalCommand, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    match command {
        RenewalCommand::List { within_days, page } => Ok(Outcome::read(list(
            within_days.unwrap_or(DEFAULT_WINDOW_DAYS),
            *page,
            ctx,
            book,
        ))),
        RenewalCommand::Show { account } => Ok(Outcome::read(show(book.find(account)?, ctx, book))),
        RenewalCommand::FollowUp { account, responded } => followup(account, *responded, ctx, book),
        RenewalCommand::Extend { account, days } => {
            let mut account = editable(book, account, ctx)?;
            require_active(&account)?;
            let total = account.renewal.extend(*days)?;
            account.renewal_date += Duration::days(i64::from(*days));
            let reply = Reply::text(format!(
                "Extended {} by {days} days to {} ({total} of 30 extension days used this cycle).",
                account.name,
                present::renewal(&account, ctx.today)
            ));
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
        RenewalCommand::Snooze { account } => {
            let mut account = editable(book, account, ctx)?;
            require_active(&account)?;
            let until = account.renewal.snooze(ctx.today);
            let reply = Reply::text(format!(
                "Reminder for {} muted until {until}; the renewal date stays {}.",
                account.name, account.renewal_date
            ));
            Ok(Outcome::write(
                reply,
                vec![Change::PutAccount(Box::new(account))],
            ))
        }
        RenewalCommand::Renewed {
            account,
            arr,
            date,
            reason,
        } => renewed(account, (*arr, *date), reason, ctx, book),
        RenewalCommand::Churned { account, reason } => {
            let mut account = editable(book, account, ctx)?;
            require_active(&account)?;
            let reason = reason.resolve(&account.plan).unwrap_or(Reason {
                kind: ReasonKind::Other,
                text: None,
            });
            account.status = AccountStatus::Churned {
                on: ctx.today,
                reason: reason.clone(),
            };
            let event = OutcomeEvent {
                account: account.id,
                account_name: account.name.clone(),
                on: ctx.today,
                kind: OutcomeKind::Churned,
                arr_before: account.arr,
                arr_after: crate::domain::money::Money(0),
                reason: Some(reason.clone()),
                opportunity: None,
            };
            let reply = Reply::text(format!(
                "Recorded {} as churned ({} ARR lost): {reason}. It counts against GRR and NRR.",
                account.name,
                present::money(book, account.arr)
            ));
            Ok(Outcome::write(
                reply,
                vec![
                    Change::PutAccount(Box::new(account)),
                    Change::AddOutcome(event),
                ],
            ))
        }
    }
}

fn list(within: u32, page: usize, ctx: &Ctx, book: &Book) -> Reply {
    let until = ctx.today + Duration::days(i64::from(within));
    let accounts: Vec<&Account> = book.renewing_between(NaiveDate::MIN, until).collect();
    if accounts.is_empty() {
        return Reply::text(format!(
            "No renewals due within {within} days (by {until})."
        ));
    }
    let total: u64 = accounts.iter().map(|a| a.arr.0).sum();
    let (shown, more) = paginate(&accounts, page, &format!("/renewal list within:{within}d"));
    let rows = shown
        .iter()
        .map(|a| {
            let mut line = vec![
                t(format!("{} ", a.renewal_date)),
                b(&a.name),
                t(format!(
                    " — {} — {} — health {} — ",
                    present::money(book, a.arr),
                    a.stage(ctx.today).word(),
                    present::health(&a.health())
                )),
                person(book, a.owner.as_ref()),
            ];
            if is_late_start(a.renewal_date, a.arr, &a.renewal, ctx.today) {
                line.push(t(" — late start"));
            }
            if a.thread_risk().is_single_threaded() {
                line.push(t(" — single-threaded"));
            }
            line
        })
        .collect();
    // The timeline (the next 120 days, the renewal gates drawn) comes with the first page.
    let timeline = (page <= 1).then(|| {
        Picture::RenewalTimeline(
            RenewalTimeline::of(accounts.iter().copied(), ctx.today)
                .in_currency(&book.settings.currency),
        )
    });
    Reply::new()
        .heading(format!(
            "{} within {within} days, {} ARR",
            present::count(accounts.len(), "renewal"),
            present::money(book, crate::domain::money::Money(total))
        ))
        .bullets(rows)
        .note(more)
        .picture(timeline)
}

fn show(account: &Account, ctx: &Ctx, book: &Book) -> Reply {
    let stage = account.stage(ctx.today);
    let cycle = &account.renewal;
    let mut reply = Reply::new()
        .heading(format!("Renewal — {}", account.name))
        .fields(vec![
            (
                "Renews".into(),
                vec![t(present::renewal(account, ctx.today))],
            ),
            ("ARR".into(), vec![t(present::money(book, account.arr))]),
            ("Owner".into(), vec![person(book, account.owner.as_ref())]),
            (
                "Lead time".into(),
                vec![t(format!("{} days", lead_time_days(account.arr)))],
            ),
            (
                "Follow-ups".into(),
                vec![t(format!(
                    "{} logged, {} unanswered",
                    cycle.followups.len(),
                    cycle.unanswered_followups()
                ))],
            ),
            (
                "Extension".into(),
                vec![t(format!("{} of 30 days used", cycle.extended_days))],
            ),
            (
                "Last renewal activity".into(),
                vec![t(cycle
                    .last_activity
                    .map_or("none logged".into(), |d| d.to_string()))],
            ),
            (
                "Reminders".into(),
                vec![t(match cycle.snoozed_until {
                    Some(until) if cycle.is_snoozed(ctx.today) => format!("muted until {until}"),
                    _ => "on".into(),
                })],
            ),
        ])
        .line(format!("{} checklist:", stage.word()))
        .bullets(
            stage
                .checklist()
                .iter()
                .map(|item| vec![t(format!("[ ] {item}"))])
                .collect(),
        );
    if is_late_start(account.renewal_date, account.arr, cycle, ctx.today) {
        reply = reply.line(format!(
            "⚠ Late start: inside the {}-day lead time with no renewal activity. Log a call with `/account log \"{}\" TEXT type:call`.",
            lead_time_days(account.arr),
            account.name
        ));
    }
    // The value delivered, metric by metric, for the renewal proposal.
    let value = crate::handlers::plan::view::value_lines(book, account);
    if !value.is_empty() {
        reply = reply.line("Value delivered vs. targets:").bullets(value);
    }
    reply
}

fn followup(name: &str, responded: bool, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    let mut account = editable(book, name, ctx)?;
    require_active(&account)?;
    account.renewal.followups.push(FollowUp {
        on: ctx.today,
        responded,
    });
    let answer = if responded {
        "answered"
    } else {
        "no answer yet"
    };
    account.log(Activity {
        at: ctx.now,
        by: ctx.actor.clone(),
        kind: ActivityKind::FollowUp,
        text: format!("renewal follow-up ({answer})"),
        source: None,
    });
    let unanswered = account.renewal.unanswered_followups();
    let mut reply = Reply::text(format!(
        "Logged a follow-up on {} ({answer}); {unanswered} unanswered in a row.",
        account.name
    ));
    let inside_t30 = matches!(
        account.stage(ctx.today),
        Stage::T30 | Stage::T7 | Stage::Overdue
    );
    if inside_t30 && unanswered >= UNANSWERED_FOLLOWUPS_TO_ESCALATE {
        reply = reply.line(format!(
            "⚠ {unanswered} unanswered follow-ups inside T-30: this escalates to the owner's manager."
        ));
    }
    Ok(Outcome::write(
        reply,
        vec![Change::PutAccount(Box::new(account))],
    ))
}

fn renewed(
    name: &str,
    (arr, date): (Option<crate::domain::money::Money>, Option<NaiveDate>),
    given: &Given,
    ctx: &Ctx,
    book: &Book,
) -> Result<Outcome, DomainError> {
    let mut account = editable(book, name, ctx)?;
    require_active(&account)?;
    let reason = given.resolve(&account.plan);
    let reason = reason.as_ref();
    let old_arr = account.arr;
    let new_arr = arr.unwrap_or(old_arr);
    let default_date = account
        .renewal_date
        .checked_add_months(Months::new(12))
        .unwrap_or(account.renewal_date);
    let new_date = date.unwrap_or(default_date);
    if new_date <= ctx.today {
        return Err(DomainError::invalid(
            "date",
            format!("the next renewal date {new_date} is not in the future"),
            format!(
                "/renewal renewed \"{}\" date:{}",
                account.name,
                ctx.today + Duration::days(365)
            ),
        ));
    }
    let events = renewal_events(
        account.id,
        &account.name,
        ctx.today,
        (old_arr, new_arr),
        reason.cloned(),
    );
    account.arr = new_arr;
    account.renewal_date = new_date;
    account.renewal = RenewalCycle::default();
    let change = match new_arr.cmp(&old_arr) {
        std::cmp::Ordering::Less => format!(", contracted from {}", present::money(book, old_arr)),
        std::cmp::Ordering::Greater => format!(", expanded from {}", present::money(book, old_arr)),
        std::cmp::Ordering::Equal => String::new(),
    };
    let reply = Reply::text(format!(
        "Recorded the renewal of {} at {}{change}. Next renewal {}.{}",
        account.name,
        present::money(book, new_arr),
        present::renewal(&account, ctx.today),
        reason.map(|r| format!(" Why: {r}.")).unwrap_or_default()
    ));
    let mut changes = vec![Change::PutAccount(Box::new(account))];
    changes.extend(events.into_iter().map(Change::AddOutcome));
    Ok(Outcome::write(reply, changes))
}
