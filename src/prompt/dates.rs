//! Purpose: dates in English, relative to today (already in the tenant's time zone):
//! `2026-06-30`, `6/30`, `June 30th`, `next Friday`, `end of March`, `end of Q4`, `in 3 weeks`,
//! `yesterday`. Quarters follow the tenant's fiscal year. Windows are in [`super::window`].

use chrono::{Datelike, Days, Months, NaiveDate};
use std::ops::Range;

use super::vocab::{month, number_word, weekday};
use super::words::Prompt;
use crate::domain::portfolio::Quarter;

/// Which way a date without a year or a bare weekday points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toward {
    /// Renewals, due dates, meetings: the next one.
    Future,
    /// Contacts, meetings held: the last one.
    Past,
}

/// A date found in a prompt and the words it took.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub date: NaiveDate,
    pub span: Range<usize>,
}

/// The first date in the prompt.
pub fn find_date(p: &Prompt, today: NaiveDate, toward: Toward, fy: u32) -> Option<Hit> {
    (0..p.len()).find_map(|i| date_at(p, i, today, toward, fy))
}

fn hit(date: NaiveDate, span: Range<usize>) -> Option<Hit> {
    Some(Hit { date, span })
}

/// The date that starts at word `i`, if one does.
pub fn date_at(p: &Prompt, i: usize, today: NaiveDate, toward: Toward, fy: u32) -> Option<Hit> {
    let w = p.word(i);
    if let Ok(d) = NaiveDate::parse_from_str(w, "%Y-%m-%d") {
        return hit(d, i..i + 1);
    }
    if let Some(d) = slashed(w, today, toward) {
        return hit(d, i..i + 1);
    }
    if let Some(days) = w
        .strip_prefix('+')
        .and_then(|r| r.strip_suffix('d')?.parse().ok())
    {
        return hit(today.checked_add_days(Days::new(days))?, i..i + 1);
    }
    match w {
        "today" | "tonight" => return hit(today, i..i + 1),
        "tomorrow" => return hit(today.succ_opt()?, i..i + 1),
        "yesterday" => return hit(today.pred_opt()?, i..i + 1),
        // End of month, end of quarter: chat shorthand.
        "eom" => return hit(month_end(today), i..i + 1),
        "eoq" => return hit(Quarter::containing(today, fy).end, i..i + 1),
        "this" if matches!(p.word(i + 1), "morning" | "afternoon" | "evening") => {
            return hit(today, i..i + 2)
        }
        "in" => {
            return relative(p, i + 1, today).map(|(d, end)| Hit {
                date: d,
                span: i..end,
            })
        }
        "end" if p.word(i + 1) == "of" => return end_of(p, i, today, fy),
        _ => {}
    }
    if let Some((d, end)) = relative(p, i, today).filter(|(_, end)| p.word(*end) == "from") {
        return hit(d, i..end + 2);
    }
    if let Some(day) =
        weekday(w).filter(|_| !w.ends_with('s') || matches!(w, "tues" | "weds" | "thurs"))
    {
        let prefix = i.checked_sub(1).map_or("", |j| p.word(j));
        let spelled = w.len() > 4 || p.words[i].capital;
        let way = match prefix {
            "next" | "this" | "coming" => Toward::Future,
            "last" | "past" => Toward::Past,
            "on" | "by" | "before" | "until" | "for" => toward,
            _ if spelled => toward,
            _ => return None,
        };
        let start = if matches!(prefix, "next" | "this" | "coming" | "last" | "past") {
            i - 1
        } else {
            i
        };
        return hit(nearest_weekday(today, day, way), start..i + 1);
    }
    month_day(p, i, today, toward)
}

/// `6/30`, `1/15/2027` (month first), and day first where the first number cannot be a
/// month: `15/4`, `31/12/2026`, `31.10.2026` (dots only with a year: `1.5` is a number).
fn slashed(w: &str, today: NaiveDate, toward: Toward) -> Option<NaiveDate> {
    let dotted = w.split('.').count() == 3;
    let parts: Vec<u32> = w
        .split(if dotted { '.' } else { '/' })
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    // Month first unless that cannot be (`15/4`), or the date is dotted (`31.10.2026`).
    let month_day = |a: u32, b: u32| if a > 12 || dotted { (b, a) } else { (a, b) };
    match parts[..] {
        [a, b, y] => {
            let y = i32::try_from(y).ok()?;
            let (m, d) = month_day(a, b);
            NaiveDate::from_ymd_opt(if y < 100 { y + 2000 } else { y }, m, d)
        }
        [a, b] if !dotted => {
            let (m, d) = month_day(a, b);
            yearless(m, d, today, toward)
        }
        _ => None,
    }
}

/// A month and day without a year: the next one, or the last one.
pub(super) fn yearless(m: u32, d: u32, today: NaiveDate, toward: Toward) -> Option<NaiveDate> {
    let this = NaiveDate::from_ymd_opt(today.year(), m, d)?;
    Some(match toward {
        Toward::Future if this < today => NaiveDate::from_ymd_opt(today.year() + 1, m, d)?,
        Toward::Past if this > today => NaiveDate::from_ymd_opt(today.year() - 1, m, d)?,
        _ => this,
    })
}

pub(super) fn day_number(w: &str) -> Option<u32> {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &w[digits.len()..];
    let ok = matches!(suffix, "" | "st" | "nd" | "rd" | "th");
    digits.parse().ok().filter(|d| ok && (1..=31).contains(d))
}

/// `June 30`, `June 30th, 2027`, `30 June`, `the 30th of June`.
fn month_day(p: &Prompt, i: usize, today: NaiveDate, toward: Toward) -> Option<Hit> {
    let year_at =
        |j: usize| -> Option<i32> { p.word(j).parse().ok().filter(|y| (2000..2200).contains(y)) };
    let (m, d, end) = if let Some(m) = month(p.word(i)) {
        (m, day_number(p.word(i + 1))?, i + 2)
    } else {
        let d = day_number(p.word(i))?;
        let j = if p.word(i + 1) == "of" { i + 2 } else { i + 1 };
        (month(p.word(j))?, d, j + 1)
    };
    match year_at(end) {
        Some(y) => hit(NaiveDate::from_ymd_opt(y, m, d)?, i..end + 1),
        None => hit(yearless(m, d, today, toward)?, i..end),
    }
}

/// `3 weeks`, `a month`, `two days` at word `i`: the date that far ahead and the end index.
fn relative(p: &Prompt, i: usize, today: NaiveDate) -> Option<(NaiveDate, usize)> {
    let (n, unit) = count_unit(p, i)?;
    Some((add(today, n, unit)?, i + 2))
}

/// `90 days`, `2 weeks`, `a month`, `6 quarters` at word `i`: the count and the unit word.
pub fn count_unit<'p>(p: &'p Prompt, i: usize) -> Option<(u32, &'p str)> {
    let w = p.word(i);
    let n = match w {
        "a" | "an" | "one" => 1,
        _ => w.parse().ok().or_else(|| number_word(w))?,
    };
    let unit = p.word(i + 1).trim_end_matches('s');
    matches!(unit, "day" | "week" | "month" | "year" | "quarter").then_some((n, unit))
}

pub(super) fn add(today: NaiveDate, n: u32, unit: &str) -> Option<NaiveDate> {
    match unit {
        "day" => today.checked_add_days(Days::new(u64::from(n))),
        "week" => today.checked_add_days(Days::new(u64::from(n) * 7)),
        "month" => today.checked_add_months(Months::new(n)),
        "quarter" => today.checked_add_months(Months::new(n.checked_mul(3)?)),
        _ => today.checked_add_months(Months::new(n.checked_mul(12)?)),
    }
}

/// The first `day` (0 = Monday) strictly after (or before) today.
pub(super) fn nearest_weekday(today: NaiveDate, day: u32, way: Toward) -> NaiveDate {
    let now = today.weekday().num_days_from_monday();
    match way {
        Toward::Future => today + Days::new(u64::from((day + 7 - now - 1) % 7 + 1)),
        Toward::Past => today - Days::new(u64::from((now + 7 - day - 1) % 7 + 1)),
    }
}

pub(super) fn month_end(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    first + Months::new(1) - Days::new(1)
}

pub(super) fn fiscal_year_end(today: NaiveDate, fy: u32) -> NaiveDate {
    let mut q = Quarter::containing(today, fy);
    while q.number != 4 {
        q = q.next(fy);
    }
    q.end
}

/// `Q3`: the end of the next quarter with that number (the current one included).
pub(super) fn named_quarter_end(n: u32, today: NaiveDate, fy: u32) -> Option<NaiveDate> {
    let mut q = Quarter::containing(today, fy);
    for _ in 0..4 {
        if q.number == n {
            return Some(q.end);
        }
        q = q.next(fy);
    }
    None
}

pub(super) fn quarter_number(w: &str) -> Option<u32> {
    w.strip_prefix('q')?
        .parse()
        .ok()
        .filter(|n| (1..=4).contains(n))
}

/// `end of March`, `end of the month`, `end of next month`, `end of the quarter`, `end of Q4`.
fn end_of(p: &Prompt, i: usize, today: NaiveDate, fy: u32) -> Option<Hit> {
    let mut j = i + 2;
    if matches!(p.word(j), "the" | "this") {
        j += 1;
    }
    let next = p.word(j) == "next";
    if next {
        j += 1;
    }
    let w = p.word(j);
    let date = match w {
        "month" if next => month_end(today.with_day(1)? + Months::new(1)),
        "month" => month_end(today),
        "quarter" if next => Quarter::containing(today, fy).next(fy).end,
        "quarter" => Quarter::containing(today, fy).end,
        "week" => nearest_weekday(today, 6, Toward::Future) + Days::new(if next { 7 } else { 0 }),
        "fiscal" | "fy" => fiscal_year_end(today, fy),
        "year" => NaiveDate::from_ymd_opt(today.year(), 12, 31)?,
        _ => match (month(w), quarter_number(w)) {
            (Some(m), _) => month_end(yearless(m, 1, today.with_day(1)?, Toward::Future)?),
            (_, Some(n)) => named_quarter_end(n, today, fy)?,
            _ => return None,
        },
    };
    let end = if w == "fiscal" && p.word(j + 1) == "year" {
        j + 2
    } else {
        j + 1
    };
    hit(date, i..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    /// Monday 2 March 2026, fiscal year from February.
    fn date(text: &str, toward: Toward) -> Option<NaiveDate> {
        find_date(&Prompt::new(text), day(2026, 3, 2), toward, 2).map(|h| h.date)
    }

    #[test]
    fn numeric_dates_are_day_first_only_where_month_first_cannot_be() {
        let future = |text| date(text, Toward::Future);
        assert_eq!(future("due 6/30"), Some(day(2026, 6, 30)));
        assert_eq!(future("due 15/6"), Some(day(2026, 6, 15)));
        assert_eq!(future("renews 31/12/2026"), Some(day(2026, 12, 31)));
        assert_eq!(future("renews 31.10.2026"), Some(day(2026, 10, 31)));
        assert_eq!(future("renews 4/20"), Some(day(2026, 4, 20)));
        assert_eq!(future("due eom"), Some(day(2026, 3, 31)));
        assert_eq!(future("due eoq"), Some(day(2026, 4, 30)));
        for none in ["1.5 seats", "31/31", "13.13.2026", "0/5"] {
            assert_eq!(future(none), None, "{none}");
        }
    }

    #[test]
    fn dates() {
        let f = Toward::Future;
        assert_eq!(date("by next Friday", f), Some(day(2026, 3, 6)));
        assert_eq!(date("next Monday", f), Some(day(2026, 3, 9)));
        assert_eq!(date("last Thursday", f), Some(day(2026, 2, 26)));
        assert_eq!(date("Tuesday", Toward::Past), Some(day(2026, 2, 24)));
        assert_eq!(date("end of March", f), Some(day(2026, 3, 31)));
        assert_eq!(date("end of the quarter", f), Some(day(2026, 4, 30)));
        assert_eq!(date("in 3 weeks", f), Some(day(2026, 3, 23)));
        assert_eq!(date("two weeks from now", f), Some(day(2026, 3, 16)));
        assert_eq!(date("Jan 15", f), Some(day(2027, 1, 15)));
        assert_eq!(date("Jan 15", Toward::Past), Some(day(2026, 1, 15)));
        assert_eq!(date("the 30th of June, 2027", f), Some(day(2027, 6, 30)));
        assert_eq!(date("6/30", f), Some(day(2026, 6, 30)));
        assert_eq!(date("1/15/2027", f), Some(day(2027, 1, 15)));
        assert_eq!(date("yesterday", f), Some(day(2026, 3, 1)));
        assert_eq!(date("the champion may leave", f), None);
        assert_eq!(date("sat down with Tom", Toward::Past), None);
    }

    #[test]
    fn counts_and_years_too_large_are_no_date() {
        let f = Toward::Future;
        assert_eq!(date("in 1431655766 quarters", f), None);
        assert_eq!(date("in 4294967295 years", f), None);
        assert_eq!(date("in 4294967295 weeks", f), None);
        assert_eq!(date("1/15/4294967295", f), None, "not the year -1");
        assert_eq!(date("1/15/2147483648", f), None);
    }
}
