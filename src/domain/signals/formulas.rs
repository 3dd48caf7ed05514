//! Purpose: INGEST.md's signals from data for a day `d`, over an account's day rollups —
//! usage, adoption, tickets trend, NPS — each with the figures behind it for `/health show`.
//! Windows are whole days `(d - n days, d]`: the day `d` and the `n - 1` days before it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};

use super::rollup::{DayRollup, Interner, TicketChange};
use crate::domain::health::{Signals, TicketTrend};

/// Usage counts the users active in the last 7 days.
pub const USAGE_WINDOW_DAYS: u64 = 7;
/// Adoption counts the features used in the last 30 days.
pub const ADOPTION_WINDOW_DAYS: u64 = 30;
/// The tickets trend compares open tickets now with 14 days before.
pub const TICKETS_LOOKBACK_DAYS: u64 = 14;
/// NPS takes each respondent's latest score of the last 90 days.
pub const NPS_WINDOW_DAYS: u64 = 90;

/// A signal's value (`None`: unknown) and the figures behind it, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading<T> {
    pub value: Option<T>,
    pub figures: String,
}

impl<T> Reading<T> {
    fn known(value: T, figures: String) -> Self {
        Reading {
            value: Some(value),
            figures,
        }
    }

    fn unknown(figures: String) -> Self {
        Reading {
            value: None,
            figures,
        }
    }
}

/// A core feature a tenant declared, with the event names that prove it is used (kept in
/// [`TenantSettings::core_features`](crate::domain::tenant::TenantSettings)).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Feature {
    pub name: String,
    pub events: BTreeSet<String>,
}

/// The four data-fed signals of an account for a day (ROI comes from the account plan).
#[derive(Debug, Clone, PartialEq)]
pub struct DataSignals {
    pub usage: Reading<f64>,
    pub adoption: Reading<u32>,
    pub tickets: Reading<TicketTrend>,
    pub nps: Reading<u8>,
}

impl DataSignals {
    /// All four from an account's rollups (any order; days after `day` are ignored).
    pub fn compute(
        rollups: &[DayRollup],
        day: NaiveDate,
        seats: Option<u32>,
        features: &[Feature],
        events: &Interner,
    ) -> Self {
        DataSignals {
            usage: usage(rollups, day, seats),
            adoption: adoption(rollups, day, features, events),
            tickets: tickets(rollups, day),
            nps: nps(rollups, day),
        }
    }

    /// As health signals; ROI stays unknown.
    pub fn signals(&self) -> Signals {
        Signals {
            usage: self.usage.value,
            adoption: self.adoption.value,
            nps: self.nps.value,
            tickets: self.tickets.value,
            roi: None,
        }
    }
}

/// The rollups of the `days` days ending with `day`.
fn window(rollups: &[DayRollup], day: NaiveDate, days: u64) -> impl Iterator<Item = &DayRollup> {
    let after = day
        .checked_sub_days(Days::new(days))
        .unwrap_or(NaiveDate::MIN);
    rollups
        .iter()
        .filter(move |r| r.day > after && r.day <= day)
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

fn no_data(day: NaiveDate) -> String {
    format!("no events received for this account up to {day}")
}

fn has_data(rollups: &[DayRollup], day: NaiveDate) -> bool {
    rollups.iter().any(|r| r.day <= day)
}

/// Distinct users active (a track, page or screen event) in the `days` days ending with
/// `day`: usage's count over 7 days, the weekly active users of [`super::weeks`].
pub(super) fn active_users(rollups: &[DayRollup], day: NaiveDate, days: u64) -> usize {
    window(rollups, day, days)
        .flat_map(DayRollup::active_users)
        .collect::<BTreeSet<u32>>()
        .len()
}

/// 100 × distinct users active (track/page/screen) in `(d-7d, d]` ÷ seats, capped at 100;
/// unknown without seats (or with 0 seats) and without any data.
pub fn usage(rollups: &[DayRollup], day: NaiveDate, seats: Option<u32>) -> Reading<f64> {
    if !has_data(rollups, day) {
        return Reading::unknown(no_data(day));
    }
    let n = active_users(rollups, day, USAGE_WINDOW_DAYS);
    let window = format!("in the {USAGE_WINDOW_DAYS} days to {day}");
    match seats.filter(|&s| s > 0) {
        None => Reading::unknown(format!(
            "{n} {} active {window}; seats unknown",
            plural(n, "user", "users")
        )),
        Some(seats) => {
            let ratio = 100.0 * n as f64 / f64::from(seats);
            let capped = if ratio > 100.0 {
                " (capped at 100 %)"
            } else {
                ""
            };
            Reading::known(
                ratio.min(100.0),
                format!("{n} of {seats} seats active {window}{capped}"),
            )
        }
    }
}

/// The declared core features with at least one of their events in `(d-30d, d]`; unknown
/// when no feature is declared or no data arrived.
pub fn adoption(
    rollups: &[DayRollup],
    day: NaiveDate,
    features: &[Feature],
    events: &Interner,
) -> Reading<u32> {
    if features.is_empty() {
        return Reading::unknown("no core features declared".into());
    }
    if !has_data(rollups, day) {
        return Reading::unknown(no_data(day));
    }
    let recent: Vec<&DayRollup> = window(rollups, day, ADOPTION_WINDOW_DAYS).collect();
    let used: Vec<&str> = features
        .iter()
        .filter(|f| {
            f.events
                .iter()
                .filter_map(|name| events.get(name))
                .any(|e| recent.iter().any(|r| r.event_count(e) > 0))
        })
        .map(|f| f.name.as_str())
        .collect();
    let n = used.len() as u32;
    let list = if used.is_empty() {
        String::new()
    } else {
        format!(": {}", used.join(", "))
    };
    Reading::known(
        n,
        format!(
            "{n} of {} core features used in the {ADOPTION_WINDOW_DAYS} days to {day}{list}",
            features.len()
        ),
    )
}

/// Applies a day's ticket changes to the open tickets (ticket id → escalated); days must be
/// applied oldest first.
pub(super) fn apply_ticket_changes<'r>(open: &mut BTreeMap<&'r str, bool>, rollup: &'r DayRollup) {
    for (id, _, change) in rollup.ticket_changes() {
        match change {
            TicketChange::Created => {
                open.entry(id).or_insert(false);
            }
            TicketChange::Escalated => {
                open.insert(id, true);
            }
            TicketChange::Solved => {
                open.remove(id);
            }
        }
    }
}

/// Open tickets at the end of a day, and how many of them are escalated.
fn open_at(rollups: &[&DayRollup], day: NaiveDate) -> (usize, usize) {
    let mut open: BTreeMap<&str, bool> = BTreeMap::new();
    for r in rollups.iter().filter(|r| r.day <= day) {
        apply_ticket_changes(&mut open, r);
    }
    (open.len(), open.values().filter(|&&e| e).count())
}

/// Open tickets at the end of `d` vs at the end of `d - 14 days`: none open → zero; an
/// escalated one still open → escalated; then fewer / same / more → decreasing / stable /
/// increasing. Unknown before any ticket event.
pub fn tickets(rollups: &[DayRollup], day: NaiveDate) -> Reading<TicketTrend> {
    let mut days: Vec<&DayRollup> = rollups.iter().filter(|r| r.day <= day).collect();
    days.sort_by_key(|r| r.day);
    if !days.iter().any(|r| r.ticket_changes().next().is_some()) {
        return Reading::unknown(format!("no ticket events received up to {day}"));
    }
    let before = day
        .checked_sub_days(Days::new(TICKETS_LOOKBACK_DAYS))
        .unwrap_or(NaiveDate::MIN);
    let (now, escalated) = open_at(&days, day);
    let (then, _) = open_at(&days, before);
    let trend = match now {
        0 => TicketTrend::Zero,
        _ if escalated > 0 => TicketTrend::Escalated,
        n if n < then => TicketTrend::Decreasing,
        n if n == then => TicketTrend::Stable,
        _ => TicketTrend::Increasing,
    };
    let esc = if escalated > 0 {
        format!(" ({escalated} escalated)")
    } else {
        String::new()
    };
    Reading::known(
        trend,
        format!(
            "{now} open {}{esc} on {day}, {then} on {before}",
            plural(now, "ticket", "tickets")
        ),
    )
}

/// The mean of each respondent's latest score in `(d-90d, d]`, rounded half up.
pub fn nps(rollups: &[DayRollup], day: NaiveDate) -> Reading<u8> {
    let mut latest: BTreeMap<u32, (NaiveDate, i64, u8)> = BTreeMap::new();
    for r in window(rollups, day, NPS_WINDOW_DAYS) {
        for (user, at, score) in r.survey_answers() {
            let new = (r.day, at, score.get());
            let old = latest.entry(user).or_insert(new);
            if (new.0, new.1) > (old.0, old.1) {
                *old = new;
            }
        }
    }
    let n = latest.len() as u64;
    let window = format!("in the {NPS_WINDOW_DAYS} days to {day}");
    if n == 0 {
        return Reading::unknown(format!("no NPS responses {window}"));
    }
    let sum: u64 = latest.values().map(|&(_, _, s)| u64::from(s)).sum();
    // Half up in integers: ⌊(2·sum + n) / 2n⌋; every score is ≤ 10, so the mean is too.
    let mean = ((2 * sum + n) / (2 * n)) as u8;
    let respondents = plural(n as usize, "respondent", "respondents");
    Reading::known(
        mean,
        format!("mean {mean} of the latest score of {n} {respondents} {window}"),
    )
}
