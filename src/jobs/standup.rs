//! Purpose: the standup post — the at-risk list, at most 15 accounts: red first, then
//! declining, then single-threaded, each group by ARR descending (DECISIONS 9).

use chrono::{DateTime, Utc};

use super::account_line;
use crate::domain::atrisk;
use crate::domain::book::Book;
use crate::reply::{t, Reply};

/// Most accounts the standup shows.
pub const STANDUP_LIMIT: usize = 15;

pub fn build(book: &Book, now: DateTime<Utc>) -> Reply {
    let mut risky = atrisk::list(book.active(), now);
    if risky.is_empty() {
        return Reply::new()
            .heading("Standup: nothing at risk")
            .line("No account is red, declining or single-threaded.");
    }
    // atrisk::list is by ARR descending; a stable sort by group keeps that order inside groups.
    risky.sort_by_key(|r| {
        if r.red {
            0
        } else if r.declining {
            1
        } else {
            2
        }
    });
    let total = risky.len();
    let lines = risky
        .iter()
        .take(STANDUP_LIMIT)
        .map(|r| {
            let play = r
                .account
                .active_save_play()
                .map_or("no save play".to_string(), |p| {
                    format!("save play: {}", p.summary(now))
                });
            let days = r.account.days_to_renewal(now.date_naive());
            account_line(
                book,
                r.account,
                format!(
                    "{} — renews in {days} days — {play}",
                    r.reasons().join("; ")
                ),
            )
        })
        .collect();
    let mut reply = Reply::new()
        .heading(format!("Standup: {total} at-risk accounts"))
        .bullets(lines);
    if total > STANDUP_LIMIT {
        reply = reply.para(vec![t(format!(
            "…and {} more: `/atrisk list page:2`",
            total - STANDUP_LIMIT
        ))]);
    }
    reply
}
