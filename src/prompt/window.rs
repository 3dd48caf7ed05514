//! Purpose: windows ahead of today for listing renewals — `this quarter`, `next quarter`, `Q2`
//! (of the tenant's fiscal year), `this month`, `next 90 days`, `before June`, `by the end of
//! April` — as the days from today that `/renewal list within:` takes.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::dates::{
    add, count_unit, day_number, find_date, fiscal_year_end, month_end, named_quarter_end,
    nearest_weekday, quarter_number, yearless, Toward,
};
use super::vocab::month;
use super::words::Prompt;
use crate::domain::portfolio::Quarter;

/// A window ahead of today, in days, for listing renewals: `this quarter`, `Q2`,
/// `next 90 days`, `this month`, `before the end of April`.
pub fn find_window(p: &Prompt, today: NaiveDate, fy: u32) -> Option<u32> {
    let days = |d: NaiveDate| u32::try_from((d - today).num_days()).ok();
    for i in 0..p.len() {
        let w = p.word(i);
        let prev = i.checked_sub(1).map_or("", |j| p.word(j));
        let next_ = p.word(i + 1);
        let found = match w {
            "quarter" if matches!(prev, "this" | "current" | "the") => {
                days(Quarter::containing(today, fy).end)
            }
            // `this fiscal quarter`: the same; `this calendar quarter`: January's quarters.
            "quarter" if prev == "fiscal" => days(Quarter::containing(today, fy).end),
            "quarter" if prev == "calendar" => days(Quarter::containing(today, 1).end),
            "quarter" if prev == "next" => days(Quarter::containing(today, fy).next(fy).end),
            "month" if matches!(prev, "this" | "the") => days(month_end(today)),
            "month" if prev == "next" => days(month_end(today.with_day(1)? + Months::new(1))),
            "week" if prev == "this" => days(nearest_weekday(today, 6, Toward::Future)),
            "week" if prev == "next" => {
                days(nearest_weekday(today, 6, Toward::Future) + Days::new(7))
            }
            "year" | "fy" if matches!(prev, "this" | "fiscal") => days(fiscal_year_end(today, fy)),
            _ if quarter_number(w).is_some() => {
                days(named_quarter_end(quarter_number(w)?, today, fy)?)
            }
            "before" if month(next_).is_some() && day_number(p.word(i + 2)).is_none() => {
                let first = yearless(month(next_)?, 1, today.with_day(1)?, Toward::Future)?;
                days(first.pred_opt()?)
            }
            "in" | "by" | "until" | "through"
                if month(next_).is_some() && day_number(p.word(i + 2)).is_none() =>
            {
                days(month_end(yearless(
                    month(next_)?,
                    1,
                    today.with_day(1)?,
                    Toward::Future,
                )?))
            }
            "next" | "coming" | "upcoming" | "within" | "in" => match count_unit(p, i + 1) {
                Some((n, unit)) if unit != "year" || n < 10 => days(add(today, n, unit)?),
                _ => None,
            },
            "end" | "before" | "by" | "until" | "through" if !next_.is_empty() => {
                find_date(&sub_prompt(p, i), today, Toward::Future, fy).and_then(|h| days(h.date))
            }
            _ => None,
        };
        if let Some(d) = found.filter(|d| *d <= 3650) {
            return Some(d);
        }
    }
    None
}

/// The prompt from word `i` on, for reading a date right there.
fn sub_prompt<'a>(p: &Prompt<'a>, i: usize) -> Prompt<'a> {
    Prompt {
        text: p.text,
        words: p.words[i..].iter().take(6).cloned().collect(),
        colon: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    #[test]
    fn windows_follow_the_fiscal_year() {
        let w = |text: &str| find_window(&Prompt::new(text), day(2026, 3, 2), 2);
        assert_eq!(w("this quarter"), Some(59));
        assert_eq!(w("this fiscal quarter"), Some(59));
        assert_eq!(w("renewals due this calendar quarter"), Some(29));
        assert_eq!(w("next quarter"), Some(151));
        assert_eq!(w("in Q2"), Some(151));
        assert_eq!(w("Q1"), Some(59));
        assert_eq!(w("this month"), Some(29));
        assert_eq!(w("next 90 days"), Some(90));
        assert_eq!(w("this week"), Some(6));
        assert_eq!(w("before the end of April"), Some(59));
        assert_eq!(w("this fiscal year"), Some(335));
        assert_eq!(w("soon"), None);
        assert_eq!(w("before June"), Some(90));
        assert_eq!(w("in May"), Some(90));
    }
}
