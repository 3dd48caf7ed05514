//! Purpose: how the account plan reads — `/plan show`, and the metric, value, competitor
//! and SWOT lines `/qbr prep`, the renewals post and the weekly digest reuse.

use super::super::present::{self, person};
use super::super::Ctx;
use crate::domain::account::Account;
use crate::domain::book::Book;
use crate::domain::competition::{Competitor, SwotItem};
use crate::domain::money::{group_thousands, Money};
use crate::domain::value::{Better, Metric, ValueSummary};
use crate::reply::{t, Line, Reply};

pub fn show(account: &Account, ctx: &Ctx, book: &Book) -> Reply {
    let plan = &account.plan;
    let mut flags = Vec::new();
    if plan.is_generic() {
        flags.push("generic: no strategic goals — ask for the customer's top 3".to_string());
    }
    if plan.is_stale(account.created_at, ctx.now) {
        flags.push("stale: not updated for 90+ days".to_string());
    }
    for c in plan.high_risk_competitors() {
        flags.push(format!(
            "high-risk competitor: {} (c{}) — {}",
            c.name,
            c.id,
            c.edge.as_deref().map_or(
                "no edge recorded: say how we win with `edge:\"…\"`".into(),
                |e| { format!("our edge: {e}") }
            )
        ));
    }
    let overdue = plan
        .actions
        .iter()
        .filter(|a| a.is_overdue(ctx.today))
        .count();
    if overdue > 0 {
        flags.push(format!("{} overdue", present::count(overdue, "action")));
    }
    let last = plan
        .updated_at
        .map_or("never".to_string(), |d| d.date_naive().to_string());
    let mut reply = Reply::new()
        .heading(format!("Account plan — {}", account.name))
        .para(vec![
            t(format!("Last updated {last} | Owner ")),
            person(book, account.owner.as_ref()),
            t(format!(" | {}", present::tier(book, account))),
        ]);
    if !flags.is_empty() {
        reply = reply.bullets(
            flags
                .into_iter()
                .map(|f| vec![t(format!("⚠ {f}"))])
                .collect(),
        );
    }
    let industry = [account.industry.as_deref(), account.segment.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" / ");
    let metrics = value_lines(book, account);
    reply = reply
        .line("CUSTOMER OVERVIEW")
        .bullets(vec![
            vec![t(if industry.is_empty() {
                "industry / segment not recorded".into()
            } else {
                industry
            })],
            vec![t(if account.products.is_empty() {
                "products not recorded".into()
            } else {
                format!("Products: {}", account.products.join(", "))
            })],
            vec![t(format!(
                "Contract value: {} | Renewal date: {}",
                present::money(book, account.arr),
                account.renewal_date
            ))],
        ])
        .line("STRATEGIC GOALS (customer's top 3)")
        .bullets(
            plan.goals
                .iter()
                .map(|g| vec![t(format!("g{} {}", g.id, g.text))])
                .collect(),
        )
        .line("HOW WE MAP TO THEIR GOALS")
        .bullets(
            plan.goals
                .iter()
                .map(|g| {
                    vec![t(format!(
                        "g{} {} → {}",
                        g.id,
                        g.text,
                        g.mapping.as_deref().unwrap_or("(not mapped yet)")
                    ))]
                })
                .collect(),
        )
        .line("SUCCESS METRICS")
        .bullets(metrics)
        .line("RISKS")
        .bullets(
            plan.risks
                .iter()
                .map(|r| {
                    vec![t(format!(
                        "r{} {}: {}",
                        r.id,
                        r.text,
                        r.mitigation.as_deref().unwrap_or("no mitigation yet")
                    ))]
                })
                .collect(),
        )
        .line("COMPETITION")
        .bullets(competition_lines(account))
        .line("SWOT")
        .bullets(swot_lines(account))
        .line("EXPANSION OPPORTUNITIES")
        .bullets(
            account
                .opportunities
                .iter()
                .filter(|o| o.is_open())
                .map(|o| {
                    let mut line = vec![t(format!(
                        "#{} {} {}: {} / {} / ",
                        o.id,
                        o.kind.name(),
                        present::money(book, o.value),
                        o.trigger.as_deref().unwrap_or("no trigger"),
                        o.due.map_or("no date".to_string(), |d| d.to_string())
                    ))];
                    line.push(person(book, o.owner.as_ref()));
                    line
                })
                .collect(),
        )
        .line("90-DAY ACTION PLAN");
    let actions: Vec<Line> = plan
        .actions
        .iter()
        .map(|a| {
            let mut line = vec![t(format!(
                "[{}] {}. {} by {}",
                if a.done.is_some() { "x" } else { " " },
                a.id,
                a.text,
                a.due
            ))];
            line.push(t(" — "));
            line.push(person(book, a.owner.as_ref()));
            if a.is_overdue(ctx.today) {
                line.push(t(" (overdue)"));
            }
            line
        })
        .collect();
    reply.bullets(actions)
}

/// Each success metric's line, then the value they deliver — what `/plan show`, `/qbr prep`
/// and `/renewal show` list. Empty without metrics.
pub fn value_lines(book: &Book, account: &Account) -> Vec<Line> {
    let mut lines: Vec<Line> = account
        .plan
        .metrics
        .iter()
        .map(|m| vec![t(metric_line(book, m))])
        .collect();
    lines.extend(value_line(book, account).map(|v| vec![t(v)]));
    lines
}

/// `m1 Hours saved per week: 32 of 40 — 80 % | from 10 (2026-01-05): +22 × $3,900 =
/// $85,800 a year`.
pub fn metric_line(book: &Book, m: &Metric) -> String {
    let lower = if m.better == Better::Lower {
        " (lower is better)"
    } else {
        ""
    };
    let mut line = format!("m{} {}{lower}: {}", m.id, m.name, progress(m));
    if !m.counts() {
        if let Some(first) = m.first {
            line += &format!(
                " | baseline ({}); counts toward targets met once updated on a later day",
                first.on
            );
        }
    } else if let (Some(first), Some(change)) = (m.first, m.improvement()) {
        line += &format!(
            " | from {} ({}): {}",
            figure(first.value),
            first.on,
            signed(change)
        );
        if let (Some(per_unit), Some(value)) = (m.value_per_unit, m.value()) {
            line += &format!(
                " × {} = {} a year",
                per_unit_money(book, per_unit),
                amount(book, value)
            );
        }
    }
    line
}

/// `Value delivered this year: $161,200 from 3 metrics — 1.3× the $120,000 ARR; targets met
/// 3/4 (75 %)`; `None` without success metrics.
pub fn value_line(book: &Book, account: &Account) -> Option<String> {
    if account.plan.metrics.is_empty() {
        return None;
    }
    let summary = ValueSummary::of(&account.plan.metrics, account.arr);
    let Some(targets) = summary.targets else {
        return Some("Targets met: no metric measured since its baseline yet".into());
    };
    let met = format!(
        "targets met {}/{} ({} %)",
        targets.met,
        targets.total,
        percent(targets.percent())
    );
    Some(match summary.multiple {
        Some(multiple) => format!(
            "Value delivered this year: {} from {} — {multiple:.1}× the {} ARR; {met}",
            amount(book, summary.value),
            present::count(summary.valued, "metric"),
            present::money(book, account.arr)
        ),
        None => format!(
            "{}; no money value yet — add `value-per-unit:` to `/plan metric` for value delivered and the ROI multiple",
            capitalised(&met)
        ),
    })
}

/// `800 of 1,000 — 80 %`, `5 for a target of 4 — 80 %` when lower is better, `✓` once met:
/// [`Metric::progress`] as every view shows it.
pub fn progress(m: &Metric) -> String {
    let p = m.progress();
    let (current, target) = (figure(m.current), figure(m.target));
    let against = match m.better {
        Better::Higher => format!("{current} of {target}"),
        Better::Lower => format!("{current} for a target of {target}"),
    };
    let met = if p.met { " ✓" } else { "" };
    format!("{against} — {} %{met}", percent(p.percent))
}

/// The competitors' lines, riskiest first.
pub fn competition_lines(account: &Account) -> Vec<Line> {
    let mut competitors: Vec<&Competitor> = account.plan.competitors.iter().collect();
    competitors.sort_by_key(|c| (std::cmp::Reverse(c.risk), c.id));
    competitors
        .into_iter()
        .map(|c| vec![t(competitor_line(c))])
        .collect()
}

/// `c1 Globex — risk high | edge: Native CRM sync | last seen 2026-03-02`.
pub fn competitor_line(c: &Competitor) -> String {
    format!(
        "c{} {} — risk {} | edge: {} | last seen {}",
        c.id,
        c.name,
        c.risk.name(),
        c.edge.as_deref().unwrap_or("not recorded"),
        c.last_seen
    )
}

/// `s1 strength: …`, by quadrant (strengths, weaknesses, opportunities, threats).
pub fn swot_lines(account: &Account) -> Vec<Line> {
    let mut items: Vec<&SwotItem> = account.plan.swot.iter().collect();
    items.sort_by_key(|s| (s.kind, s.id));
    items
        .into_iter()
        .map(|s| vec![t(format!("s{} {}: {}", s.id, s.kind.name(), s.text))])
        .collect()
}

/// A percentage as shown: `75`, `66.7`.
pub fn percent(p: f64) -> String {
    num((p * 10.0).round() / 10.0)
}

/// A metric value as typed back: `32`, `6.5`, `1.25` (at most 2 decimals, never `-0`).
fn num(v: f64) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    format!("{}", if rounded == 0.0 { 0.0 } else { rounded })
}

/// A metric value as read in a sentence: [`num`] with thousands grouped (`1,000`, `1,250.5`).
pub fn figure(v: f64) -> String {
    let shown = num(v);
    let (sign, digits) = match shown.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", shown.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    match whole.parse::<u64>() {
        Ok(n) if fraction.is_empty() => format!("{sign}{}", group_thousands(n)),
        Ok(n) => format!("{sign}{}.{fraction}", group_thousands(n)),
        Err(_) => shown,
    }
}

fn signed(v: f64) -> String {
    let shown = figure(v);
    if shown.starts_with('-') {
        shown
    } else {
        format!("+{shown}")
    }
}

/// A yearly value in whole currency units: `$85,800`, `-$2,000`.
fn amount(book: &Book, v: f64) -> String {
    let whole = present::money(book, Money(v.abs().round() as u64));
    if v <= -0.5 {
        format!("-{whole}")
    } else {
        whole
    }
}

/// A value per unit, cents when it has them: `$3,900`, `$12.50`.
pub fn per_unit_money(book: &Book, v: f64) -> String {
    let cents = (v * 100.0).round() as u64;
    let whole = present::money(book, Money(cents / 100));
    match cents % 100 {
        0 => whole,
        c => format!("{whole}.{c:02}"),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(num(32.0), "32");
        assert_eq!(num(6.5 - 5.2), "1.3");
        assert_eq!(num(-0.001), "0");
        assert_eq!(signed(22.0), "+22");
        assert_eq!(signed(-3.5), "-3.5");
        assert_eq!(percent(200.0 / 3.0), "66.7");
        assert_eq!(percent(75.0), "75");
        assert_eq!(capitalised("targets met"), "Targets met");
        assert_eq!(figure(1000.0), "1,000");
        assert_eq!(figure(-1250.5), "-1,250.5");
        assert_eq!(figure(800.0), "800");
    }

    #[test]
    fn progress_reads_current_of_target_and_percent() {
        let metric = |target, current, better| Metric {
            id: 1,
            name: "Hours saved".into(),
            target,
            current,
            first: None,
            measured_on: None,
            value_per_unit: None,
            better,
        };
        assert_eq!(
            progress(&metric(1000.0, 800.0, Better::Higher)),
            "800 of 1,000 — 80 %"
        );
        assert_eq!(
            progress(&metric(1000.0, 1000.0, Better::Higher)),
            "1,000 of 1,000 — 100 % ✓"
        );
        assert_eq!(
            progress(&metric(4.0, 5.0, Better::Lower)),
            "5 for a target of 4 — 80 %"
        );
    }
}
