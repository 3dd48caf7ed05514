//! Purpose: the indicators read from what was recorded — ticket spike (ticket changes),
//! detractor (survey answers), feature breadth up (feature events); rules in the parent
//! module's table.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;

use super::{list, History, Indicator, IndicatorKind, PersonUser};
use crate::domain::signals::formulas::{
    apply_ticket_changes, Feature, ADOPTION_WINDOW_DAYS, NPS_WINDOW_DAYS,
};
use crate::domain::signals::rollup::{DayRollup, Interner, NpsScore, TicketChange};
use crate::domain::stakeholder::Influence;

/// A spike is this many tickets opened …
const SPIKE_TICKETS: usize = 3;
/// … within this many days (48 h).
const SPIKE_DAYS: i64 = 2;
/// A high-influence answer of at most this is a detractor's.
const DETRACTOR_MAX: u8 = 6;
/// Adoption rising by this many features …
const BREADTH_RISE: usize = 2;
/// … over this many days.
const BREADTH_DAYS: i64 = 30;

/// ≥ 3 tickets opened on `d-1` and `d`, or an escalated ticket open at the end of `d`.
pub(super) fn ticket_spike(h: &History) -> Option<Indicator> {
    let mut open: BTreeMap<&str, bool> = BTreeMap::new();
    for r in h.up_to(SPIKE_DAYS) {
        apply_ticket_changes(&mut open, r);
    }
    let recent = h.between(0, SPIKE_DAYS);
    let opened: BTreeSet<&str> = recent
        .iter()
        .flat_map(|r| r.ticket_changes())
        .filter(|&(id, _, change)| change != TicketChange::Solved && !open.contains_key(id))
        .map(|(id, _, _)| id)
        .collect();
    for r in recent {
        apply_ticket_changes(&mut open, r);
    }
    let escalated: Vec<&str> = open
        .iter()
        .filter(|&(_, &escalated)| escalated)
        .map(|(&id, _)| id)
        .collect();
    let mut figures = Vec::new();
    if opened.len() >= SPIKE_TICKETS {
        figures.push(format!(
            "{} tickets opened on {} and {}: {}",
            opened.len(),
            h.date(1),
            h.day,
            list(opened.iter().copied())
        ));
    }
    if !escalated.is_empty() {
        let n = escalated.len();
        let tickets = if n == 1 { "ticket" } else { "tickets" };
        figures.push(format!(
            "{n} escalated {tickets} open on {}: {}",
            h.day,
            list(escalated)
        ));
    }
    (!figures.is_empty()).then(|| Indicator::new(IndicatorKind::TicketSpike, figures.join("; ")))
}

/// Each high-influence person whose latest answer in the NPS window is ≤ 6.
pub(super) fn detractors(h: &History, people: &[PersonUser]) -> Vec<Indicator> {
    let high = || people.iter().filter(|p| p.influence == Influence::High);
    // Their users → latest answer (day, time, score), found in one pass over the window.
    let mut latest: HashMap<u32, Option<(NaiveDate, i64, NpsScore)>> =
        high().map(|p| (p.user, None)).collect();
    if latest.is_empty() {
        return Vec::new();
    }
    for r in h.between(0, NPS_WINDOW_DAYS as i64) {
        for (user, at, score) in r.survey_answers() {
            if let Some(slot) = latest.get_mut(&user) {
                if slot.is_none_or(|(day, when, _)| (r.day, at) >= (day, when)) {
                    *slot = Some((r.day, at, score));
                }
            }
        }
    }
    high()
        .filter_map(|p| {
            let (day, _, score) = latest.get(&p.user).copied().flatten()?;
            (score.get() <= DETRACTOR_MAX).then(|| {
                Indicator::of_person(
                    IndicatorKind::Detractor,
                    p,
                    format!(
                        "NPS {} from {} (high influence) on {day}, their latest in the {NPS_WINDOW_DAYS} days to {}",
                        score.get(),
                        p.name,
                        h.day
                    ),
                )
            })
        })
        .collect()
}

/// Which features have an event in `days`; `proves` pairs each known event index with a
/// feature it proves (by position), sorted.
fn used(features: usize, proves: &[(u32, usize)], days: &[&DayRollup]) -> Vec<bool> {
    let mut used = vec![false; features];
    let events = days
        .iter()
        .flat_map(|r| r.event_counts())
        .filter(|&(_, count)| count > 0);
    for (event, _) in events {
        let from = proves.partition_point(|&(e, _)| e < event);
        for &(_, feature) in proves[from..].iter().take_while(|&&(e, _)| e == event) {
            used[feature] = true;
        }
    }
    used
}

/// Adoption on `d` ≥ adoption on `d-30` + 2.
pub(super) fn feature_breadth_up(
    h: &History,
    features: &[Feature],
    events: &Interner,
) -> Option<Indicator> {
    // Adoption 30 days ago is unknown without data up to then (as `adoption` says).
    if features.is_empty() || h.data_age()? < BREADTH_DAYS {
        return None;
    }
    let mut proves: Vec<(u32, usize)> = features
        .iter()
        .enumerate()
        .flat_map(|(i, f)| {
            f.events
                .iter()
                .filter_map(|e| events.get(e))
                .map(move |e| (e, i))
        })
        .collect();
    proves.sort_unstable();
    let window = ADOPTION_WINDOW_DAYS as i64;
    let now = used(features.len(), &proves, h.between(0, window));
    let then = used(
        features.len(),
        &proves,
        h.between(BREADTH_DAYS, BREADTH_DAYS + window),
    );
    let count = |used: &[bool]| used.iter().filter(|&&u| u).count();
    let (now_n, then_n) = (count(&now), count(&then));
    if now_n < then_n + BREADTH_RISE {
        return None;
    }
    let new = features
        .iter()
        .zip(now.iter().zip(&then))
        .filter(|(_, (&now, &then))| now && !then)
        .map(|(f, _)| f.name.as_str());
    Some(Indicator::new(
        IndicatorKind::FeatureBreadthUp,
        format!(
            "core features used in {window} days {then_n} → {now_n} of {}, {} → {}; newly used: {}",
            features.len(),
            h.date(BREADTH_DAYS),
            h.day,
            list(new)
        ),
    ))
}
