//! Purpose: the renewals post — accounts that entered a renewal stage since the last run,
//! each with its checklist and owner (at T-120 and T-90 also the value delivered, for the
//! ROI pull and the value QBR), and a weekly follow-up nudge inside T-30.

use chrono::{Duration, NaiveDate};

use super::{account_line, Section};
use crate::domain::account::Account;
use crate::domain::book::Book;
use crate::domain::renewal::Stage;
use crate::handlers::plan::view::value_line;
use crate::reply::{t, Line, Reply};

/// Days to renewal on which accounts inside T-30 get their weekly nudge (T-30 + 7k).
fn nudge_day(days_left: i64) -> bool {
    days_left < 30 && (30 - days_left) % 7 == 0
}

/// The post for `today`, given the day of the previous run (`None`: first run, look back one
/// day). `None` when no account entered a stage or needs a nudge.
pub fn build(book: &Book, today: NaiveDate, last_run: Option<NaiveDate>) -> Option<Reply> {
    let since = last_run.unwrap_or(today - Duration::days(1)).min(today);
    let mut entered: Vec<(&Account, Stage)> = Vec::new();
    let mut nudges: Vec<&Account> = Vec::new();
    for account in book.renewing_between(NaiveDate::MIN, today + Duration::days(120)) {
        let (before, now) = (account.stage(since), account.stage(today));
        if now != before && now != Stage::NotStarted {
            entered.push((account, now));
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
    entered.sort_by_key(|(a, s)| (std::cmp::Reverse(*s), a.renewal_date));
    let mut reply = Reply::new().heading(match entered.len() {
        0 => "Renewals: weekly follow-ups".to_string(),
        n => format!(
            "Renewals: {} entered a new stage",
            crate::handlers::present::count(n, "account")
        ),
    });
    for (account, stage) in entered.iter().take(25) {
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
        reply = reply
            .para(account_line(
                book,
                account,
                format!("{} — renews {}", stage.word(), account.renewal_date),
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
