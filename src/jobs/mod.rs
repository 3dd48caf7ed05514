//! Jobs: what each scheduled post says. Pure builders — the tenant's book and `now` in, a
//! neutral reply out; the scheduler decides when they run and delivers them.

pub mod escalations;
pub mod renewals;
pub mod standup;
pub mod weekly;

use crate::domain::account::Account;
use crate::domain::book::Book;
use crate::handlers::present;
use crate::reply::{b, t, Line};

/// Most accounts listed per section before the rest are counted in one line.
pub const SECTION_LIMIT: usize = 10;

/// `Acme Corp ($50K) — owner` as a line.
pub fn account_line(book: &Book, account: &Account, detail: String) -> Line {
    vec![
        b(&account.name),
        t(format!(
            " ({}) — {detail} — ",
            present::money_short(book, account.arr)
        )),
        present::person(book, account.owner.as_ref()),
    ]
}

/// At most `SECTION_LIMIT` lines, then "…and N more".
pub fn capped(mut lines: Vec<Line>) -> Vec<Line> {
    if lines.len() > SECTION_LIMIT {
        let more = lines.len() - SECTION_LIMIT;
        lines.truncate(SECTION_LIMIT);
        lines.push(vec![t(format!("…and {more} more"))]);
    }
    lines
}
