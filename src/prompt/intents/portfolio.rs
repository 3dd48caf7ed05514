//! Purpose: prompts for `/portfolio` — the book's totals and retention, the forecast and
//! win/loss, over a number of quarters when one is said.

use super::{line, Outcome, Reader};
use crate::prompt::dates::count_unit;
use crate::prompt::line::Line;

pub fn rule(r: &Reader) -> Option<Outcome> {
    let p = &r.p;
    if r.names_account() {
        return None;
    }
    let projected = p.any_phrase(&["expected revenue", "projected revenue", "revenue outlook"])
        || (p.any(&["expect", "expected", "project", "projected"])
            && p.any(&["quarters", "arr", "revenue"]));
    if p.has("forecast") || projected {
        let this_quarter = p.has_phrase("this quarter").then_some((1, "quarter"));
        let quarters = (0..p.len())
            .find_map(|i| count_unit(p, i).filter(|(_, u)| *u == "quarter"))
            .or(this_quarter);
        return line(Line::new("portfolio", "forecast").opt_if(
            "quarters",
            quarters.map(|(n, _)| n.clamp(1, 12).to_string()),
        ));
    }
    let won_lost = p.any(&["winloss", "wins", "losses"])
        || p.any_phrase(&[
            "win loss",
            "win/loss",
            "won and lost",
            "win or lose",
            "won or lost",
            "winning and losing",
            "losing deals",
            "beating us",
            "losing to",
            "lose deals",
            "why we lose",
            "why we win",
            "win reasons",
            "loss reasons",
            "churn reasons",
            "losing renewals",
            "beat us",
            "contractions",
        ]);
    if won_lost {
        // `this quarter`, `this quarter only`: the one quarter under way.
        let quarters = (0..p.len())
            .find_map(|i| count_unit(p, i).filter(|(_, u)| *u == "quarter"))
            .or_else(|| p.has_phrase("this quarter").then_some((1, "quarter")));
        return line(Line::new("portfolio", "winloss").opt_if(
            "quarters",
            quarters.map(|(n, _)| n.clamp(1, 12).to_string()),
        ));
    }
    let summary = p.any(&["nrr", "grr", "retention", "portfolio"])
        || p.any_phrase(&[
            "total arr",
            "book of business",
            "arr by tier",
            "arr by owner",
        ])
        || (p.has("whitespace") && p.any(&["how", "much", "total"]))
        || (p.has("book") && p.any(&["overall", "looking", "across", "whole", "total"]));
    summary.then(|| Outcome::Line(Line::new("portfolio", "summary")))
}
