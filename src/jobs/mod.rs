//! Jobs: what each scheduled post says. Pure builders — the tenant's book and `now` in, a
//! neutral reply out; the scheduler decides when they run and delivers them.

pub mod escalations;
pub mod indicators;
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

/// A section of a post: every entry counted, only the first `SECTION_LIMIT` built (a book
/// of thousands of accounts would otherwise format thousands of lines to show ten).
#[derive(Default)]
pub struct Section {
    lines: Vec<Line>,
    total: usize,
}

impl Section {
    pub fn add(&mut self, line: impl FnOnce() -> Line) {
        self.total += 1;
        if self.lines.len() < SECTION_LIMIT {
            self.lines.push(line());
        }
    }

    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The lines, then "…and N more" when some were not shown.
    pub fn into_lines(mut self) -> Vec<Line> {
        if self.total > self.lines.len() {
            self.lines.push(vec![t(format!(
                "…and {} more",
                self.total - self.lines.len()
            ))]);
        }
        self.lines
    }
}
