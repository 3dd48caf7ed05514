//! Purpose: `/portfolio` — totals by tier and band, whitespace, NRR/GRR, and the forecast.

use std::collections::BTreeMap;

use super::present;
use super::{Ctx, Outcome};
use crate::command::portfolio::PortfolioCommand;
use crate::domain::book::Book;
use crate::domain::error::DomainError;
use crate::domain::expansion::open_value;
use crate::domain::health::Band;
use crate::domain::money::Money;
use crate::domain::portfolio::{forecast, retention, GRR_TARGET, NRR_TARGET};
use crate::reply::{t, Reply};

pub fn handle(command: &PortfolioCommand, ctx: &Ctx, book: &Book) -> Result<Outcome, DomainError> {
    Ok(Outcome::read(match command {
        PortfolioCommand::Summary => summary(ctx, book),
        PortfolioCommand::Forecast { quarters } => forecast_reply(*quarters, ctx, book),
    }))
}

fn summary(ctx: &Ctx, book: &Book) -> Reply {
    let mut total = 0u64;
    let mut whitespace = 0u64;
    let mut by_tier: BTreeMap<u8, (usize, u64)> = BTreeMap::new();
    let mut by_band: BTreeMap<Band, (usize, u64)> = BTreeMap::new();
    let mut no_owner = Vec::new();
    for a in book.active() {
        total += a.arr.0;
        whitespace += open_value(a).0;
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
                vec![t(format!("{} open expansion", money(whitespace)))],
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
    let items = rows
        .iter()
        .map(|r| {
            vec![t(format!(
                "{}: {} due, {} ARR, expected {}",
                r.quarter.label(fy),
                present::count(r.renewals, "renewal"),
                present::money_short(book, r.arr_due),
                present::money_short(book, Money(r.expected.round() as u64))
            ))]
        })
        .collect();
    Reply::new()
        .heading(format!("Renewal forecast, next {}", present::count(quarters, "quarter")))
        .bullets(items)
        .line("Expected = ARR × renewal probability by health: green 0.95, yellow 0.78, red 0.50, unknown 0.78. Overdue renewals count in the current quarter.")
}
