//! Purpose: portfolio figures — fiscal quarters, renewals due per quarter with the
//! probability-weighted forecast, open expansion per quarter weighted by MEDDIC
//! qualification (value × known / 6, see [`super::meddic`]), and trailing-12-month NRR/GRR
//! from recorded outcomes.

use chrono::{Datelike, Duration, Months, NaiveDate};

use super::account::Account;
use super::money::Money;
use super::outcome::{OutcomeEvent, OutcomeKind};

/// NRR target shown beside the figure.
pub const NRR_TARGET: f64 = 110.0;
/// GRR target shown beside the figure.
pub const GRR_TARGET: f64 = 95.0;

/// A fiscal quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    /// The fiscal year, named after the calendar year it ends in (FY2027 starting Feb 2026).
    pub fiscal_year: i32,
    pub number: u32,
    pub start: NaiveDate,
    /// Last day, inclusive.
    pub end: NaiveDate,
}

impl Quarter {
    /// The fiscal quarter containing `date`, for a fiscal year starting in month `fy_start` (1–12).
    pub fn containing(date: NaiveDate, fy_start: u32) -> Quarter {
        let fy_start = fy_start.clamp(1, 12);
        let months_in = (date.month() + 12 - fy_start) % 12;
        let number = months_in / 3 + 1;
        let first_month_offset = (number - 1) * 3;
        let fy_year = if date.month() >= fy_start {
            date.year()
        } else {
            date.year() - 1
        };
        let fy_first_day = NaiveDate::from_ymd_opt(fy_year, fy_start, 1).unwrap_or(date);
        let start = fy_first_day + Months::new(first_month_offset);
        let end = start + Months::new(3) - Duration::days(1);
        let fiscal_year = if fy_start == 1 { fy_year } else { fy_year + 1 };
        Quarter {
            fiscal_year,
            number,
            start,
            end,
        }
    }

    pub fn next(self, fy_start: u32) -> Quarter {
        Quarter::containing(self.end + Duration::days(1), fy_start)
    }

    pub fn previous(self, fy_start: u32) -> Quarter {
        Quarter::containing(self.start - Duration::days(1), fy_start)
    }

    /// The last `n` quarters up to the one holding `today` (at least that one), oldest first.
    pub fn back_from(today: NaiveDate, fy_start: u32, n: usize) -> Vec<Quarter> {
        let mut out = vec![Quarter::containing(today, fy_start)];
        while out.len() < n {
            let earliest = out[out.len() - 1].previous(fy_start);
            out.push(earliest);
        }
        out.reverse();
        out
    }

    /// `Q2 FY2027 (2026-05-01 – 2026-07-31)`, or `Q2 2026 (…)` for calendar years.
    pub fn label(&self, fy_start: u32) -> String {
        let year = if fy_start == 1 {
            self.fiscal_year.to_string()
        } else {
            format!("FY{}", self.fiscal_year)
        };
        format!("Q{} {year} ({} – {})", self.number, self.start, self.end)
    }
}

/// Renewals due in one quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterForecast {
    pub quarter: Quarter,
    pub renewals: usize,
    pub arr_due: Money,
    /// Σ ARR × renewal probability of the account's band.
    pub expected: f64,
    /// Open expansion with its target date in the quarter.
    pub expansion_open: Money,
    /// Σ value × MEDDIC elements known / 6 of that expansion.
    pub expansion_weighted: f64,
}

/// Renewals and open expansion per quarter for `quarters` quarters from the current one;
/// overdue renewals and expansion past its target date count in the current quarter.
pub fn forecast<'a>(
    accounts: impl Iterator<Item = &'a Account>,
    today: NaiveDate,
    fy_start: u32,
    quarters: usize,
) -> Vec<QuarterForecast> {
    let mut rows = Vec::with_capacity(quarters);
    let mut q = Quarter::containing(today, fy_start);
    for _ in 0..quarters {
        rows.push(QuarterForecast {
            quarter: q,
            renewals: 0,
            arr_due: Money(0),
            expected: 0.0,
            expansion_open: Money(0),
            expansion_weighted: 0.0,
        });
        q = q.next(fy_start);
    }
    let bounds: Vec<(NaiveDate, NaiveDate)> = rows
        .iter()
        .map(|r| (r.quarter.start, r.quarter.end))
        .collect();
    let row_of = |date: NaiveDate| {
        let date = date.max(today);
        bounds
            .iter()
            .position(|(start, end)| *start <= date && date <= *end)
    };
    for account in accounts.filter(|a| a.is_active()) {
        if let Some(i) = row_of(account.renewal_date) {
            let row = &mut rows[i];
            row.renewals += 1;
            row.arr_due.0 += account.arr.0;
            row.expected += account.arr.0 as f64 * account.health().band.renewal_probability();
        }
        for o in account.opportunities.iter().filter(|o| o.is_open()) {
            if let Some(i) = o.due.and_then(row_of) {
                rows[i].expansion_open.0 += o.value.0;
                rows[i].expansion_weighted += o.weighted_value(&account.stakeholders);
            }
        }
    }
    rows
}

/// Open expansion without a target date (no quarter to forecast it in): its value and its
/// MEDDIC-weighted value.
pub fn undated_expansion<'a>(accounts: impl Iterator<Item = &'a Account>) -> (Money, f64) {
    let mut open = Money(0);
    let mut weighted = 0.0;
    for account in accounts.filter(|a| a.is_active()) {
        for o in account
            .opportunities
            .iter()
            .filter(|o| o.is_open() && o.due.is_none())
        {
            open.0 += o.value.0;
            weighted += o.weighted_value(&account.stakeholders);
        }
    }
    (open, weighted)
}

/// Trailing-12-month retention.
#[derive(Debug, Clone, PartialEq)]
pub struct Retention {
    pub start_arr: Money,
    pub expansion: Money,
    pub contraction: Money,
    pub churn: Money,
    /// Percent; `None` without starting ARR.
    pub nrr: Option<f64>,
    pub grr: Option<f64>,
}

/// NRR = (start + expansion − contraction − churn) / start; GRR = (start − contraction −
/// churn) / start, over the 12 months up to `today`. Steward does not know when an account
/// became a customer, so every account in the book counts as one at the window's start:
/// start ARR = today's active ARR + churn + contraction − expansion of the window.
/// `/account set arr:` corrections record no event and so count as if made at the start.
pub fn retention<'a>(
    accounts: impl Iterator<Item = &'a Account>,
    outcomes: &[OutcomeEvent],
    today: NaiveDate,
) -> Retention {
    let from = today - Months::new(12);
    let in_window = |e: &&OutcomeEvent| e.on > from && e.on <= today;
    let sum = |kind: OutcomeKind, amount: fn(&OutcomeEvent) -> u64| -> u64 {
        outcomes
            .iter()
            .filter(in_window)
            .filter(|e| e.kind == kind)
            .map(amount)
            .sum()
    };
    let expansion = sum(OutcomeKind::Expanded, |e| {
        e.arr_after.0.saturating_sub(e.arr_before.0)
    });
    let contraction = sum(OutcomeKind::Contracted, |e| {
        e.arr_before.0.saturating_sub(e.arr_after.0)
    });
    let churn = sum(OutcomeKind::Churned, |e| e.arr_before.0);
    let end_arr: u64 = accounts.filter(|a| a.is_active()).map(|a| a.arr.0).sum();
    let start = (end_arr + churn + contraction).saturating_sub(expansion);
    let percent = |n: u64| (start > 0).then(|| 100.0 * n as f64 / start as f64);
    Retention {
        start_arr: Money(start),
        expansion: Money(expansion),
        contraction: Money(contraction),
        churn: Money(churn),
        nrr: percent((start + expansion).saturating_sub(contraction + churn)),
        grr: percent(start.saturating_sub(contraction + churn)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::{AccountId, AccountStatus};
    use crate::domain::health::{Signals, Snapshot, TicketTrend};
    use chrono::{TimeZone, Utc};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    fn account(id: u64, arr: u64, renewal: NaiveDate) -> Account {
        let now = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("valid");
        Account::new(AccountId(id), format!("A{id}"), Money(arr), renewal, now)
    }

    fn event(id: u64, kind: OutcomeKind, before: u64, after: u64, on: NaiveDate) -> OutcomeEvent {
        OutcomeEvent {
            account: AccountId(id),
            account_name: format!("A{id}"),
            on,
            kind,
            arr_before: Money(before),
            arr_after: Money(after),
            reason: None,
            opportunity: None,
        }
    }

    #[test]
    fn fiscal_quarters() {
        let q = Quarter::containing(day(2026, 3, 15), 1);
        assert_eq!(
            (q.number, q.start, q.end, q.fiscal_year),
            (1, day(2026, 1, 1), day(2026, 3, 31), 2026)
        );
        let q = Quarter::containing(day(2026, 1, 15), 2); // FY starts Feb: Jan is Q4 of FY2026
        assert_eq!(
            (q.number, q.start, q.end, q.fiscal_year),
            (4, day(2025, 11, 1), day(2026, 1, 31), 2026)
        );
        let q = Quarter::containing(day(2026, 2, 1), 2);
        assert_eq!(
            (q.number, q.start, q.fiscal_year),
            (1, day(2026, 2, 1), 2027)
        );
        assert_eq!(q.next(2).start, day(2026, 5, 1));
        assert_eq!(
            Quarter::containing(day(2026, 12, 31), 1).next(1).start,
            day(2027, 1, 1)
        );
        let back: Vec<_> = Quarter::back_from(day(2026, 3, 2), 1, 3)
            .iter()
            .map(|q| (q.fiscal_year, q.number))
            .collect();
        assert_eq!(back, [(2025, 3), (2025, 4), (2026, 1)]);
        assert_eq!(Quarter::back_from(day(2026, 3, 2), 1, 0).len(), 1);
    }

    /// Worked example. Today 2026-06-30; the window is 2025-06-30 (exclusive) – 2026-06-30.
    /// A: 100k, expanded to 120k in the window. B: 50k, contracted to 40k in the window.
    /// C: 30k, churned in the window. D: churned in 2024 (outside — ignored).
    /// End ARR = 120k + 40k = 160k. Churn 30k, contraction 10k, expansion 20k.
    /// Start ARR = 160k + 30k + 10k − 20k = 180k (= 100k + 50k + 30k).
    /// NRR = (180k + 20k − 10k − 30k) / 180k = 160k / 180k = 88.89 %.
    /// GRR = (180k − 10k − 30k) / 180k = 140k / 180k = 77.78 %.
    #[test]
    fn nrr_and_grr_worked_example() {
        let today = day(2026, 6, 30);
        let a = account(1, 120_000, day(2027, 1, 1));
        let b = account(2, 40_000, day(2027, 1, 1));
        let mut c = account(3, 30_000, day(2027, 1, 1));
        c.status = AccountStatus::Churned {
            on: day(2026, 3, 1),
            reason: crate::domain::reason::Reason {
                kind: crate::domain::reason::ReasonKind::Budget,
                text: None,
            },
        };
        let events = [
            event(1, OutcomeKind::Expanded, 100_000, 120_000, day(2026, 2, 1)),
            event(2, OutcomeKind::Contracted, 50_000, 40_000, day(2026, 4, 1)),
            event(3, OutcomeKind::Churned, 30_000, 0, day(2026, 3, 1)),
            event(4, OutcomeKind::Churned, 99_000, 0, day(2024, 3, 1)),
            event(1, OutcomeKind::Renewed, 100_000, 120_000, day(2026, 2, 1)),
        ];
        let r = retention([a, b, c].iter(), &events, today);
        assert_eq!(r.start_arr, Money(180_000));
        assert_eq!(
            (r.expansion, r.contraction, r.churn),
            (Money(20_000), Money(10_000), Money(30_000))
        );
        assert!((r.nrr.expect("start") - 88.888).abs() < 0.01);
        assert!((r.grr.expect("start") - 77.777).abs() < 0.01);
        assert_eq!(retention([].iter(), &[], today).nrr, None);
    }

    #[test]
    fn forecast_weights_by_band() {
        let today = day(2026, 1, 10);
        let now = Utc
            .with_ymd_and_hms(2026, 1, 10, 0, 0, 0)
            .single()
            .expect("valid");
        let green = Signals {
            usage: Some(90.0),
            adoption: Some(3),
            nps: Some(9),
            tickets: Some(TicketTrend::Zero),
            roi: Some(95.0),
        };
        let red = Signals {
            usage: Some(10.0),
            adoption: Some(0),
            nps: Some(2),
            tickets: Some(TicketTrend::Escalated),
            roi: Some(10.0),
        };
        let yellow = Signals {
            nps: Some(7),
            ..Signals::default()
        };
        let mut a = account(1, 100_000, day(2026, 2, 1));
        a.health.push(Snapshot {
            at: now,
            signals: green,
        });
        let mut b = account(2, 100_000, day(2026, 3, 31));
        b.health.push(Snapshot {
            at: now,
            signals: red,
        });
        let mut c = account(3, 100_000, day(2026, 4, 1));
        c.health.push(Snapshot {
            at: now,
            signals: yellow,
        });
        let d = account(4, 100_000, day(2025, 12, 1)); // overdue, unknown health → this quarter
        let rows = forecast([a, b, c, d].iter(), today, 1, 2);
        assert_eq!(rows[0].renewals, 3);
        assert_eq!(rows[0].arr_due, Money(300_000));
        assert!((rows[0].expected - (95_000.0 + 50_000.0 + 78_000.0)).abs() < 1e-6);
        assert_eq!(rows[1].renewals, 1);
        assert!((rows[1].expected - 78_000.0).abs() < 1e-6);
    }

    /// Open expansion lands in the quarter of its target date (past due → this quarter) and
    /// forecasts value × MEDDIC known / 6; undated opportunities are counted apart.
    #[test]
    fn expansion_forecast_weighted_by_meddic() {
        use crate::domain::expansion::{Opportunity, OpportunityKind, OpportunityStatus};
        use crate::domain::meddic::{Element, Entry, Qualification};
        use crate::domain::stakeholder::{Role, Stakeholder};
        let today = day(2026, 3, 2);
        let opp = |id, value, due| Opportunity {
            id,
            kind: OpportunityKind::Seat,
            value: Money(value),
            trigger: None,
            owner: None,
            due,
            status: OpportunityStatus::Open,
            created_on: today,
            qualification: Qualification::default(),
        };
        let mut a = account(1, 100_000, day(2027, 1, 1));
        // The champion makes 1 known; metrics and pain set by hand make 3 of 6.
        a.stakeholders = vec![Stakeholder::new("Jane".into(), Role::Champion, today)];
        let mut qualified = opp(1, 60_000, Some(day(2026, 5, 15)));
        for element in [Element::Metrics, Element::IdentifyPain] {
            qualified
                .qualification
                .set(Entry {
                    element,
                    known: true,
                    note: None,
                    on: today,
                })
                .expect("no note");
        }
        let mut won = opp(4, 1_000_000, Some(day(2026, 5, 1)));
        won.status = OpportunityStatus::Won {
            on: today,
            reason: None,
        };
        a.opportunities = vec![
            qualified,
            opp(2, 12_000, Some(day(2026, 1, 5))), // past due: this quarter, 1/6
            opp(3, 30_000, None),
            won,
        ];
        let rows = forecast([a.clone()].iter(), today, 1, 2);
        assert_eq!(rows[0].expansion_open, Money(12_000));
        assert!((rows[0].expansion_weighted - 2_000.0).abs() < 1e-6);
        assert_eq!(rows[1].expansion_open, Money(60_000));
        assert!((rows[1].expansion_weighted - 30_000.0).abs() < 1e-6);
        let (open, weighted) = undated_expansion([a].iter());
        assert_eq!(open, Money(30_000));
        assert!((weighted - 5_000.0).abs() < 1e-6);
    }
}
