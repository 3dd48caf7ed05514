//! Purpose: the renewals post — accounts that entered a renewal stage since the last run,
//! each with its checklist and owner (at T-120 and T-90 also the value delivered, for the
//! ROI pull and the value QBR), and a weekly follow-up nudge inside T-30.
//!
//! A snoozed account (*Snooze a week*) is left out of every post while its snooze lasts. The
//! post of the day it ends names it again, with its stage and checklist, if its renewal is
//! still under way — whatever it entered or was nudged for meanwhile is not lost, only late.

use chrono::{Duration, NaiveDate};

use super::{account_line, Section};
use crate::domain::account::Account;
use crate::domain::book::Book;
use crate::domain::renewal::Stage;
use crate::handlers::plan::view::value_line;
use crate::handlers::present::count;
use crate::reply::{t, Line, Reply};

/// Days to renewal on which accounts inside T-30 get their weekly nudge (T-30 + 7k).
fn nudge_day(days_left: i64) -> bool {
    days_left < 30 && (30 - days_left) % 7 == 0
}

/// The post for `today`, given the day of the previous run (`None`: first run, look back one
/// day). `None` when no account entered a stage or needs a nudge.
pub fn build(book: &Book, today: NaiveDate, last_run: Option<NaiveDate>) -> Option<Reply> {
    let since = last_run.unwrap_or(today - Duration::days(1)).min(today);
    // The accounts to show with their checklist, and whether it is for a snooze that ended.
    let mut entered: Vec<(&Account, Stage, bool)> = Vec::new();
    let mut nudges: Vec<&Account> = Vec::new();
    for account in book.renewing_between(NaiveDate::MIN, today + Duration::days(120)) {
        if account.renewal.is_snoozed(today) {
            continue;
        }
        let (before, now) = (account.stage(since), account.stage(today));
        if now != before && now != Stage::NotStarted {
            entered.push((account, now, false));
        } else if now != Stage::NotStarted && account.renewal.snooze_ended(since, today) {
            entered.push((account, now, true));
        } else if matches!(now, Stage::T30 | Stage::T7 | Stage::Overdue) {
            let passed_nudge = (1..=(today - since).num_days()).any(|d| {
                nudge_day((account.renewal_date - (since + Duration::days(d))).num_days())
            });
            if passed_nudge {
                nudges.push(account);
            }
        }
    }
    if entered.is_empty() && nudges.is_empty() {
        return None;
    }
    entered.sort_by_key(|(a, s, _)| (std::cmp::Reverse(*s), a.renewal_date));
    let back = entered.iter().filter(|(_, _, back)| *back).count();
    let news = match (entered.len() - back, back) {
        (0, 0) => "weekly follow-ups".to_string(),
        (0, b) => format!("{} back from snooze", count(b, "reminder")),
        (n, 0) => format!("{} entered a new stage", count(n, "account")),
        (n, b) => format!(
            "{} entered a new stage, {b} back from snooze",
            count(n, "account")
        ),
    };
    let mut reply = Reply::new().heading(format!("Renewals: {news}"));
    for (account, stage, back) in entered.iter().take(25) {
        let mut items: Vec<Line> = stage
            .checklist()
            .iter()
            .map(|item| vec![t(format!("[ ] {item}"))])
            .collect();
        if matches!(stage, Stage::T120 | Stage::T90) {
            items.push(vec![t(value_line(book, account).unwrap_or_else(|| {
                format!(
                    "No success metrics in the plan to show value: `/plan metric \"{}\" NAME target: current: value-per-unit:`",
                    account.name
                )
            }))]);
        }
        let snoozed = match account.renewal.snoozed_until {
            Some(until) if *back => format!(" (reminder snoozed until {until})"),
            _ => String::new(),
        };
        reply = reply
            .para(account_line(
                book,
                account,
                format!(
                    "{} — renews {}{snoozed}",
                    stage.word(),
                    account.renewal_date
                ),
            ))
            .bullets(items);
    }
    if entered.len() > 25 {
        reply = reply.line(format!("…and {} more: `/renewal list`", entered.len() - 25));
    }
    if !nudges.is_empty() {
        let mut lines = Section::default();
        for a in &nudges {
            lines.add(|| {
                let detail = format!(
                    "renews {} — {} unanswered follow-ups; log one with `/renewal followup \"{}\"`",
                    a.renewal_date,
                    a.renewal.unanswered_followups(),
                    a.name
                );
                account_line(book, a, detail)
            });
        }
        reply = reply
            .line("Weekly follow-up (inside T-30, until renewed):")
            .bullets(lines.into_lines());
    }
    Some(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nudges_weekly_inside_t30() {
        let days: Vec<i64> = (-10..=35).filter(|d| nudge_day(*d)).collect();
        assert_eq!(days, [-5, 2, 9, 16, 23]);
    }
}
