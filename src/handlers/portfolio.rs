//! Purpose: `/portfolio` — totals by tier and band, whitespace, NRR/GRR, the forecast
//! (renewals and MEDDIC-weighted expansion), and win/loss per fiscal quarter.

use std::collections::BTreeMap;

use super::present;
use super::{Ctx, Outcome};
use crate::command::portfolio::PortfolioCommand;
use crate::domain::book::Book;
use crate::domain::error::DomainError;
use crate::domain::expansion::{open_value, weighted_open_value};
use crate::domain::health::Band;
use crate::domain::money::Money;
use crate::domain::portfolio::{
    forecast, retention, undated_expansion, Quarter, GRR_TARGET, NRR_TARGET,
};
use crate::domain::winloss::{tally, Column, QuarterWinLoss, Reasons, Tally};
use crate::reply::{t, Line, Reply};

pub fn handle(command: &PortfolioCommand, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    Ok(Outcome::read(match command {
        PortfolioCommand::Summary => summary(ctx, book),
        PortfolioCommand::Forecast { quarters } => forecast_reply(*quarters, ctx, book),
        PortfolioCommand::WinLoss { quarters } => winloss(*quarters, ctx, book),
    }))
}

fn summary(ctx: &Ctx, book: &Book) -> Reply {
    let mut total = 0u64;
    let mut whitespace = 0u64;
    let mut weighted = 0.0;
    let mut by_tier: BTreeMap<u8, (usize, u64)> = BTreeMap::new();
    let mut by_band: BTreeMap<Band, (usize, u64)> = BTreeMap::new();
    let mut no_owner = Vec::new();
    for a in book.active() {
        total += a.arr.0;
        whitespace += open_value(a).0;
        weighted += weighted_open_value(a);
        let tier = by_tier.entry(book.tier(a).0.number()).or_default();
        *tier = (tier.0 + 1, tier.1 + a.arr.0);
        let band = by_band.entry(a.health().band).or_default();
        *band = (band.0 + 1, band.1 + a.arr.0);
        if a.owner.is_none() {
            no_owner.push(a.name.clone());
        }
    }
    let count = by_tier.values().map(|(n, _)| n).sum::<usize>();
    let money = |v: u64| present::money_short(book, Money(v));
    let r = retention(book.accounts(), book.outcomes(), ctx.today);
    let percent = |p: Option<f64>, target: f64| match p {
        Some(p) => format!(
            "{p:.1} % (target > {target:.0} %{})",
            if p > target { ", met" } else { ", below" }
        ),
        None => "n/a (no starting ARR)".into(),
    };
    let mut reply = Reply::new()
        .heading(format!(
            "Portfolio: {}, {} ARR",
            present::count(count, "account"),
            money(total)
        ))
        .fields(vec![
            (
                "By tier".into(),
                vec![t(by_tier
                    .iter()
                    .map(|(k, (n, v))| format!("Tier {k}: {n} ({})", money(*v)))
                    .collect::<Vec<_>>()
                    .join(" · "))],
            ),
            (
                "By health".into(),
                vec![t(by_band
                    .iter()
                    .map(|(k, (n, v))| format!("{}: {n} ({})", k.word(), money(*v)))
                    .collect::<Vec<_>>()
                    .join(" · "))],
            ),
            (
                "Whitespace".into(),
                vec![t(format!(
                    "{} open expansion (MEDDIC-weighted {})",
                    money(whitespace),
                    money(weighted.round() as u64)
                ))],
            ),
            (
                "NRR (12 months)".into(),
                vec![t(percent(r.nrr, NRR_TARGET))],
            ),
            (
                "GRR (12 months)".into(),
                vec![t(percent(r.grr, GRR_TARGET))],
            ),
            (
                "Movements".into(),
                vec![t(format!(
                    "start {} · expansion +{} · contraction −{} · churn −{}",
                    money(r.start_arr.0),
                    money(r.expansion.0),
                    money(r.contraction.0),
                    money(r.churn.0)
                ))],
            ),
        ]);
    if !no_owner.is_empty() {
        let shown: Vec<_> = no_owner.iter().take(10).cloned().collect();
        let more = if no_owner.len() > 10 {
            format!(" and {} more", no_owner.len() - 10)
        } else {
            String::new()
        };
        reply = reply.line(format!(
            "Without an owner ({}): {}{more}",
            no_owner.len(),
            shown.join(", ")
        ));
    }
    reply
}

fn forecast_reply(quarters: usize, ctx: &Ctx, book: &Book) -> Reply {
    let fy = book.settings.fiscal_year_start;
    let rows = forecast(book.active(), ctx.today, fy, quarters);
    let money = |v: f64| present::money_short(book, Money(v.round() as u64));
    let items = rows
        .iter()
        .map(|r| {
            let mut text = format!(
                "{}: {} due, {} ARR, expected {}",
                r.quarter.label(fy),
                present::count(r.renewals, "renewal"),
                present::money_short(book, r.arr_due),
                money(r.expected)
            );
            if r.expansion_open.0 > 0 {
                text.push_str(&format!(
                    "; expansion {} open, {} MEDDIC-weighted",
                    present::money_short(book, r.expansion_open),
                    money(r.expansion_weighted)
                ));
            }
            vec![t(text)]
        })
        .collect();
    let mut reply = Reply::new()
        .heading(format!("Renewal forecast, next {}", present::count(quarters, "quarter")))
        .bullets(items)
        .line("Expected = ARR × renewal probability by health: green 0.95, yellow 0.78, red 0.50, unknown 0.78. Overdue renewals count in the current quarter.")
        .line("Expansion by target date (past due counts now), weighted = value × MEDDIC elements known / 6.");
    let (undated, undated_weighted) = undated_expansion(book.active());
    if undated.0 > 0 {
        reply = reply.line(format!(
            "Expansion without a target date: {} open, {} MEDDIC-weighted.",
            present::money_short(book, undated),
            money(undated_weighted)
        ));
    }
    reply
}

fn winloss(quarters: usize, ctx: &Ctx, book: &Book) -> Reply {
    let fy = book.settings.fiscal_year_start;
    let span = Quarter::back_from(ctx.today, fy, quarters);
    let rows = tally(book.accounts(), book.outcomes(), &span);
    let mut reply = Reply::new().heading(format!(
        "Win/loss, last {} (this one to date)",
        present::count(span.len(), "quarter")
    ));
    let mut total = QuarterWinLoss::default();
    for (quarter, row) in span.iter().zip(&rows) {
        if row.is_empty() {
            reply = reply.line(format!("{}: nothing recorded", quarter.label(fy)));
            continue;
        }
        reply = reply
            .line(format!("{}:", quarter.label(fy)))
            .bullets(quarter_lines(book, row));
        for column in Column::ALL {
            let (t, sum) = (row.tally(column), total.columns.entry(column).or_default());
            sum.count += t.count;
            sum.arr.0 += t.arr.0;
        }
        merge(&mut total.wins, &row.wins);
        merge(&mut total.losses, &row.losses);
        for (name, n) in &row.competitors {
            *total.competitors.entry(name.clone()).or_default() += n;
        }
    }
    if total.is_empty() {
        return reply.line("No renewal outcome or closed expansion in these quarters.");
    }
    reply
        .line(format!("All {}:", present::count(span.len(), "quarter")))
        .bullets(quarter_lines(book, &total))
        .line("Reasons: `why:` on `/renewal renewed|churned` and `/expansion won|lost`. A contraction counts its renewal's reason as a loss.")
}

fn merge(into: &mut Reasons, from: &Reasons) {
    for (kind, n) in &from.by_kind {
        *into.by_kind.entry(*kind).or_default() += n;
    }
    into.unstated += from.unstated;
}

/// The outcome counts, the reasons for wins and losses, and the competitors behind losses.
fn quarter_lines(book: &Book, row: &QuarterWinLoss) -> Vec<Line> {
    let money = |m: Money| present::money_short(book, m);
    let counts = Column::ALL
        .iter()
        .map(|c| {
            let Tally { count, arr } = row.tally(*c);
            let sign = match c {
                Column::Churned | Column::Contracted if arr.0 > 0 => "−",
                Column::Expanded | Column::ExpansionWon if arr.0 > 0 => "+",
                _ => "",
            };
            format!("{} {count} ({sign}{})", c.word(), money(arr))
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let mut lines = vec![vec![t(counts)]];
    for (label, reasons) in [("won because", &row.wins), ("lost because", &row.losses)] {
        let mut parts: Vec<String> = reasons
            .by_kind
            .iter()
            .map(|(kind, n)| format!("{} {n}", kind.name()))
            .collect();
        if reasons.unstated > 0 {
            parts.push(format!("unstated {}", reasons.unstated));
        }
        if !parts.is_empty() {
            lines.push(vec![t(format!("{label}: {}", parts.join(", ")))]);
        }
    }
    if !row.competitors.is_empty() {
        let mut named: Vec<(&String, &usize)> = row.competitors.iter().collect();
        named.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let names: Vec<String> = named.iter().map(|(c, n)| format!("{c} {n}")).collect();
        lines.push(vec![t(format!(
            "competitors behind losses: {}",
            names.join(", ")
        ))]);
    }
    lines
}
