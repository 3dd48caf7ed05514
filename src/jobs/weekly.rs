//! Purpose: the Monday digest — renewals in the next 120 days by stage, health changes and
//! red accounts, single-threaded accounts, high-risk competitors, open indicators (see
//! [`super::indicators::digest`]), the week's biggest usage movers, the expansion pipeline,
//! what is due this week, stale inputs, and undelivered posts. A quiet week says so in one
//! line.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{account_line, Section};
use crate::domain::account::{Account, AccountId};
use crate::domain::book::Book;
use crate::domain::expansion::open_value;
use crate::domain::health::{is_declining, Band, Health};
use crate::domain::money::Money;
use crate::domain::qbr::overdue_days;
use crate::domain::renewal::Stage;
use crate::domain::saveplay::{Milestone, MilestoneState};
use crate::domain::signals::Mover;
use crate::domain::stakeholder::Role;
use crate::handlers::present;
use crate::picture::{Picture, RenewalTimeline};
use crate::reply::{t, Line, Reply};

/// Health signals older than this are stale.
pub const STALE_SIGNALS_DAYS: i64 = 14;
const STAGES: [Stage; 6] = [
    Stage::Overdue,
    Stage::T7,
    Stage::T30,
    Stage::T60,
    Stage::T90,
    Stage::T120,
];

/// How many usage movers the digest names.
pub const MOVERS: usize = 3;

/// The last day of the week whose usage movers the digest names: yesterday, the last whole
/// day, so a Monday digest compares the last two weeks Monday to Sunday.
pub fn movers_week_end(today: NaiveDate) -> NaiveDate {
    today - Duration::days(1)
}

/// How many accounts "Slowest first responses" names.
pub const SLOWEST: usize = 3;

/// The accounts with the slowest median first response in their customer channels over the
/// last 30 days (business hours), slowest first, at most [`SLOWEST`]; `messages_of` reads an
/// account's stored channel messages.
pub fn slowest_first_responses(
    book: &Book,
    now: DateTime<Utc>,
    zone: chrono_tz::Tz,
    mut messages_of: impl FnMut(
        &crate::domain::account::Account,
    ) -> Vec<crate::domain::conversation::ChannelMessage>,
) -> Vec<(AccountId, Duration)> {
    use crate::domain::conversation::{signals, BusinessHours};
    let hours = BusinessHours::from_setting(book.settings.business_hours.as_deref());
    let mut slow: Vec<(AccountId, Duration)> = book
        .active()
        .filter(|a| !a.channels.is_empty())
        .filter_map(|a| {
            let median = signals(&messages_of(a), now, &hours, zone).median_first_response?;
            Some((a.id, median))
        })
        .collect();
    slow.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    slow.truncate(SLOWEST);
    slow
}

/// `undelivered`: posts dropped since the last digest, as "1 post could not be delivered to #x";
/// `movers`: the week's biggest usage movers (see [`movers_week_end`]); `slowest`: the
/// slowest median first responses in customer channels ([`slowest_first_responses`]).
pub fn build(
    book: &Book,
    now: DateTime<Utc>,
    today: NaiveDate,
    undelivered: &[String],
    movers: &[Mover<AccountId>],
    slowest: &[(AccountId, Duration)],
) -> Reply {
    let week_ago = now - Duration::days(7);
    let week_end = today + Duration::days(7);
    let mut by_stage: Vec<(Stage, Section)> =
        STAGES.iter().map(|s| (*s, Section::default())).collect();
    let (mut turned, mut red, mut single, mut competed, mut due, mut stale) = (
        Section::default(),
        Section::default(),
        Section::default(),
        Section::default(),
        Section::default(),
        Section::default(),
    );
    let (mut open_count, mut whitespace, mut top_open): (usize, u64, Vec<&Account>) =
        (0, 0, Vec::new());
    // The forecast's view of the pipeline: value × MEDDIC elements known / 6.
    let mut weighted = 0.0;
    let mut accounts: Vec<&Account> = book.active().collect();
    accounts.sort_by(|a, b| b.arr.cmp(&a.arr).then_with(|| a.name.cmp(&b.name)));
    for a in &accounts {
        let stage = a.stage(today);
        if let Some((_, lines)) = by_stage.iter_mut().find(|(s, _)| *s == stage) {
            lines.add(|| {
                account_line(
                    book,
                    a,
                    format!("renews {} — next: {}", a.renewal_date, stage.next_step()),
                )
            });
        }
        let health = a.health();
        let before = a
            .health
            .iter()
            .rev()
            .find(|s| s.at <= week_ago)
            .map(|s| Health::assess(&s.signals).band);
        if before.is_some_and(|b| health.band.worse_than(b)) || is_declining(&a.health, now) {
            turned.add(|| account_line(book, a, format!("now {}", present::health(&health))));
        }
        if health.band == Band::Red {
            red.add(|| {
                let cats: Vec<_> = health.red_categories().map(|c| c.label()).collect();
                account_line(book, a, format!("red: {}", cats.join(", ")))
            });
        }
        let threads = a.thread_risk();
        if threads.is_single_threaded() {
            single.add(|| account_line(book, a, threads.reasons(&a.stakeholders).join(", ")));
        }
        if a.plan.high_risk_competitors().next().is_some() {
            competed.add(|| {
                let names: Vec<String> = a
                    .plan
                    .high_risk_competitors()
                    .map(|c| format!("{} (last seen {})", c.name, c.last_seen))
                    .collect();
                account_line(book, a, names.join(", "))
            });
        }
        let value = open_value(a).0;
        if value > 0 {
            let open = a.opportunities.iter().filter(|o| o.is_open());
            for o in open {
                open_count += 1;
                weighted += o.weighted_value(&a.stakeholders);
            }
            whitespace += value;
            top_open.push(a);
        }
        for line in due_this_week(book, a, now, today, week_end) {
            due.add(|| line);
        }
        if a.signals_updated_at()
            .is_some_and(|at| (now - at).num_days() > STALE_SIGNALS_DAYS)
        {
            stale.add(|| {
                let last = a.signals_updated_at().map_or(today, |at| at.date_naive());
                account_line(book, a, format!("health signals last updated {last}"))
            });
        }
        for champion in a
            .stakeholders
            .iter()
            .filter(|s| s.role == Role::Champion && s.is_stale(today))
        {
            stale.add(|| {
                let days = champion.days_since_contact(today);
                account_line(
                    book,
                    a,
                    format!("champion {} not contacted for {days} days", champion.name),
                )
            });
        }
    }
    let mut reply = Reply::new().heading(format!("Weekly digest — week of {today}"));
    let indicators = super::indicators::digest(book, today);
    let renewals: usize = by_stage.iter().map(|(_, l)| l.len()).sum();
    let quiet = renewals == 0
        && turned.is_empty()
        && red.is_empty()
        && single.is_empty()
        && competed.is_empty()
        && whitespace == 0
        && due.is_empty()
        && stale.is_empty()
        && indicators.is_none()
        && movers.is_empty()
        && slowest.is_empty();
    if quiet {
        reply = reply.line("Quiet week: no renewals in the next 120 days, nothing red, declining or single-threaded, nothing due.");
    }
    if renewals > 0 {
        let timeline = RenewalTimeline::of(accounts.iter().copied(), today)
            .in_currency(&book.settings.currency);
        reply = reply
            .picture(Some(Picture::RenewalTimeline(timeline)))
            .line(format!("Renewals in the next 120 days ({renewals}):"));
        for (stage, lines) in by_stage.into_iter().filter(|(_, l)| !l.is_empty()) {
            reply = reply
                .line(format!("{} ({})", stage.word(), lines.len()))
                .bullets(lines.into_lines());
        }
    }
    for (title, lines) in [
        ("Turned red or declining this week", turned),
        ("Red accounts", red),
        ("Single-threaded", single),
        ("High-risk competitors", competed),
    ] {
        if !lines.is_empty() {
            reply = reply
                .line(format!("{title} ({}):", lines.len()))
                .bullets(lines.into_lines());
        }
    }
    if let Some((title, lines)) = indicators {
        reply = reply.line(title).bullets(lines);
    }
    let slow: Vec<Line> = slowest
        .iter()
        .filter_map(|(id, median)| {
            let a = book.account(*id)?;
            Some(account_line(
                book,
                a,
                format!(
                    "median first response {} (30 days)",
                    crate::domain::conversation::business_span(*median)
                ),
            ))
        })
        .collect();
    if !slow.is_empty() {
        reply = reply.line("Slowest first responses:").bullets(slow);
    }
    let movers: Vec<Line> = movers
        .iter()
        .filter_map(|m| {
            let a = book.account(m.key)?;
            Some(account_line(
                book,
                a,
                format!("weekly active users {}", m.figures()),
            ))
        })
        .collect();
    if !movers.is_empty() {
        reply = reply
            .line("Biggest usage movers (weekly active users, the last 7 days vs the 7 before):")
            .bullets(movers);
    }
    if whitespace > 0 {
        top_open.sort_by_key(|a| std::cmp::Reverse(open_value(a)));
        let lines = top_open
            .iter()
            .take(5)
            .map(|a| {
                account_line(
                    book,
                    a,
                    format!("{} open", present::money_short(book, open_value(a))),
                )
            })
            .collect();
        reply = reply
            .line(format!(
                "Expansion pipeline: {open_count} open, whitespace {} (MEDDIC-weighted {})",
                present::money_short(book, Money(whitespace)),
                present::money_short(book, Money(weighted.round() as u64))
            ))
            .bullets(lines);
    }
    for (title, lines) in [("Due this week", due), ("Stale inputs", stale)] {
        if !lines.is_empty() {
            reply = reply
                .line(format!("{title} ({}):", lines.len()))
                .bullets(lines.into_lines());
        }
    }
    if !undelivered.is_empty() {
        reply = reply.bullets(
            undelivered
                .iter()
                .map(|u| vec![t(format!("⚠ {u}"))])
                .collect(),
        );
    }
    reply
}

/// Plan actions, save-play milestones and QBRs falling due by `week_end` (or overdue).
fn due_this_week(
    book: &Book,
    a: &Account,
    now: DateTime<Utc>,
    today: NaiveDate,
    week_end: NaiveDate,
) -> Vec<Line> {
    let mut out = Vec::new();
    for action in a
        .plan
        .actions
        .iter()
        .filter(|x| x.done.is_none() && x.due <= week_end)
    {
        let late = if action.due < today { " (overdue)" } else { "" };
        out.push(account_line(
            book,
            a,
            format!(
                "action {}: {} by {}{late}",
                action.id, action.text, action.due
            ),
        ));
    }
    if let Some(play) = a.active_save_play() {
        for m in Milestone::ALL {
            if let MilestoneState::Due(at) | MilestoneState::Missed(at) = play.state(m, now) {
                if at.date_naive() <= week_end {
                    out.push(account_line(
                        book,
                        a,
                        format!("save play: {} by {}", m.label(), at.date_naive()),
                    ));
                }
            }
        }
    }
    if let Some(date) = a.qbr.scheduled.filter(|d| *d <= week_end) {
        out.push(account_line(book, a, format!("QBR on {date}")));
    } else if let Some(days) =
        overdue_days(book.tier(a).0, &a.qbr, a.created_at.date_naive(), today)
    {
        out.push(account_line(book, a, format!("QBR overdue by {days} days")));
    }
    out
}
