//! Purpose: INGEST.md's seven indicators — risks and opportunities read from an account's day
//! rollups — as the list live on a day `d`, each with a stable cause and the figures behind
//! it. Pure: the day is an argument. Sending each cause once, muting and snoozing are the
//! caller's (a scheduler job compares this list with what it sent); an indicator that is no
//! longer in the list has cleared.
//!
//! Windows are whole days `(d - n, d]` — the day `d` and the `n - 1` days before it — as in
//! [`super::formulas`]. "Activity" is a user's track, page or screen event (the rollup's
//! active users). Each rule, exactly:
//!
//! | indicator | live on `d` when | cause |
//! |---|---|---|
//! | usage drop | weekly active users of `(d-7, d]` < 0.8 × those of `(d-14, d-7]`, and the earlier week had ≥ 5 (exactly 20 % down does not count) | `usage-drop` |
//! | gone quiet | no activity in `(d-14, d]`, some in the 30 days before, `(d-44, d-14]` (so it also clears after 44 silent days: the account is dormant, and usage says so) | `gone-quiet` |
//! | champion inactive | per stakeholder with the champion role whose product user is known: no activity of that user in `(d-30, d]`, provided the account's first rollup is on or before `d-29` (all 30 days were observed: nothing fires in the first 29 days of an integration) | `champion-inactive:NAME` |
//! | ticket spike | ≥ 3 distinct tickets opened on days `d-1` and `d` (the 48 h ending at the end of `d`; rollup days are the tenant's days), or an escalated ticket still open at the end of `d` | `ticket-spike` |
//! | detractor | per stakeholder with high influence whose product user is known: that user's latest answer in `(d-90, d]` (the NPS window) is ≤ 6 | `detractor:NAME` |
//! | seat ceiling | with seats known, usage (100 × users active in the 7 days to a day ÷ seats) ≥ 95 % on each of the 14 days `(d-14, d]` | `seat-ceiling` |
//! | feature breadth up | with core features declared, adoption on `d` − adoption on `d-30` ≥ 2, adoption as [`super::adoption`] counts it; needs data on or before `d-30` | `feature-breadth-up` |
//!
//! A ticket counts as opened in the window when a change of it on `d-1` or `d` is created or
//! escalated and it was not open at the end of `d-2`: the help desk repeats "open" on every
//! update of a ticket, so a change alone is not an opening. A ticket created and solved on the
//! same day leaves only "solved" in its rollup and is not seen as opened. The window is read
//! by rollup day rather than by change time: a rollup's day is the tenant's calendar day of
//! its events' times, so days `d-1` and `d` are exactly the 48 hours ending when `d` ends in
//! the tenant's zone (47 or 49 across a daylight-saving change), with no zone to pass in.
//!
//! Cost: linear in the rollups given. The daily job runs this for every account next to the
//! health recompute, so the days are sorted once and each window is a slice of them; the
//! users of the last 20 days are gathered once, with a bit per day each was active, and every
//! weekly count (usage drop's two weeks, seat ceiling's 14) is one pass over those bits.

mod activity;
mod events;

use chrono::{Days, NaiveDate};

use super::formulas::Feature;
use super::rollup::{DayRollup, Interner};
use crate::domain::email::Email;
use crate::domain::stakeholder::{Influence, Role, Stakeholder};

/// Days *Snooze 14 days* holds an account's indicator messages (`/health snooze`).
pub const SNOOZE_DAYS: i64 = 14;

/// The seven indicators, in the order they are listed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum IndicatorKind {
    UsageDrop,
    GoneQuiet,
    ChampionInactive,
    TicketSpike,
    Detractor,
    SeatCeiling,
    FeatureBreadthUp,
    /// A customer-channel message without a team reply for more than 4 business hours
    /// (DECISIONS 29); read live from the channel's metadata, not by the daily recompute.
    CustomerWaiting,
}

impl IndicatorKind {
    pub const ALL: [IndicatorKind; 8] = [
        IndicatorKind::UsageDrop,
        IndicatorKind::GoneQuiet,
        IndicatorKind::ChampionInactive,
        IndicatorKind::TicketSpike,
        IndicatorKind::Detractor,
        IndicatorKind::SeatCeiling,
        IndicatorKind::FeatureBreadthUp,
        IndicatorKind::CustomerWaiting,
    ];

    /// The name people use, e.g. in `/steward indicator mute "usage drop"`.
    pub fn name(self) -> &'static str {
        match self {
            IndicatorKind::UsageDrop => "usage drop",
            IndicatorKind::GoneQuiet => "gone quiet",
            IndicatorKind::ChampionInactive => "champion inactive",
            IndicatorKind::TicketSpike => "ticket spike",
            IndicatorKind::Detractor => "detractor",
            IndicatorKind::SeatCeiling => "seat ceiling",
            IndicatorKind::FeatureBreadthUp => "feature breadth up",
            IndicatorKind::CustomerWaiting => "customer waiting",
        }
    }

    /// The name in kebab case, `usage-drop`: one word on a command line, and the start of
    /// every cause of this kind.
    pub fn key(self) -> &'static str {
        match self {
            IndicatorKind::UsageDrop => "usage-drop",
            IndicatorKind::GoneQuiet => "gone-quiet",
            IndicatorKind::ChampionInactive => "champion-inactive",
            IndicatorKind::TicketSpike => "ticket-spike",
            IndicatorKind::Detractor => "detractor",
            IndicatorKind::SeatCeiling => "seat-ceiling",
            IndicatorKind::FeatureBreadthUp => "feature-breadth-up",
            IndicatorKind::CustomerWaiting => "customer-waiting",
        }
    }

    /// A name as typed: `usage drop`, `usage-drop`, `Usage_Drop` (case, dashes, underscores
    /// and runs of spaces do not matter).
    pub fn parse(word: &str) -> Option<IndicatorKind> {
        let words: Vec<String> = word
            .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let key = words.join("-");
        IndicatorKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// Every name people use, in order: what an unknown name is answered with.
    pub fn names() -> String {
        IndicatorKind::ALL.map(IndicatorKind::name).join(", ")
    }

    /// The kind a cause belongs to (`champion-inactive:Jane Doe` → champion inactive).
    pub fn of_cause(cause: &str) -> Option<IndicatorKind> {
        let key = cause.split(':').next().unwrap_or_default();
        IndicatorKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// A risk (the owner may start a save play) rather than an opportunity (log an expansion).
    pub fn is_risk(self) -> bool {
        !matches!(
            self,
            IndicatorKind::SeatCeiling | IndicatorKind::FeatureBreadthUp
        )
    }
}

/// One indicator live on a day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Indicator {
    pub kind: IndicatorKind,
    /// Stable while the cause lasts: `usage-drop`, `champion-inactive:Jane Doe`,
    /// `detractor:Jane Doe`.
    pub cause: String,
    /// The figures behind it, e.g. `weekly active users 42 → 29, −31 %, 2026-11-16 →
    /// 2026-11-23`.
    pub figures: String,
    /// The first day of the recompute that found the cause live, kept while it lasts (the
    /// Monday digest counts the new ones); `None` as [`evaluate`] returns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
}

impl Indicator {
    fn new(kind: IndicatorKind, figures: String) -> Self {
        Indicator {
            kind,
            cause: kind.key().to_string(),
            figures,
            since: None,
        }
    }

    fn of_person(kind: IndicatorKind, person: &PersonUser, figures: String) -> Self {
        Indicator {
            kind,
            cause: format!("{}:{}", kind.key(), person.name),
            figures,
            since: None,
        }
    }
}

/// A stakeholder whose product user is known (their e-mail matched an `identify`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonUser {
    /// The stakeholder's name, as the cause names them.
    pub name: String,
    pub role: Role,
    pub influence: Influence,
    /// Their product user (the tenant's user-table index).
    pub user: u32,
}

impl PersonUser {
    /// The stakeholders still at the account (not departed) with an e-mail that `user_of`
    /// (the tenant's e-mail → user index) knows.
    pub fn of_stakeholders(
        stakeholders: &[Stakeholder],
        user_of: impl Fn(&Email) -> Option<u32>,
    ) -> Vec<PersonUser> {
        stakeholders
            .iter()
            .filter(|s| s.is_active())
            .filter_map(|s| {
                Some(PersonUser {
                    name: s.name.clone(),
                    role: s.role,
                    influence: s.influence,
                    user: user_of(s.email.as_ref()?)?,
                })
            })
            .collect()
    }
}

/// What the indicators of one account on one day are read from.
#[derive(Debug, Clone, Copy)]
pub struct IndicatorInput<'a> {
    pub day: NaiveDate,
    /// The account's rollups, in any order; days after `day` are ignored. The daily job
    /// passes the last 90 days (the NPS window, the longest any rule reads).
    pub rollups: &'a [DayRollup],
    /// The seats usage is measured against (see [`super::seats_for_usage`]).
    pub seats: Option<u32>,
    /// The tenant's declared core features.
    pub features: &'a [Feature],
    /// The tenant's event-name table.
    pub events: &'a Interner,
    /// The account's stakeholders whose product user is known, departed ones excluded
    /// ([`PersonUser::of_stakeholders`]).
    pub people: &'a [PersonUser],
    /// The day of the last customer message in the account's customer channels, if any:
    /// *gone quiet* counts it as activity (issue 20).
    pub last_customer_message: Option<NaiveDate>,
}

/// The indicators live on `input.day`, in [`IndicatorKind::ALL`] order (per person in the
/// order of `input.people`).
pub fn evaluate(input: &IndicatorInput) -> Vec<Indicator> {
    let history = History::new(input.rollups, input.day);
    let recent = activity::RecentUsers::of(&history);
    let mut out = Vec::new();
    out.extend(activity::usage_drop(&history, &recent));
    let spoke_lately = input
        .last_customer_message
        .is_some_and(|d| d <= input.day && (input.day - d).num_days() < activity::QUIET_DAYS);
    if !spoke_lately {
        out.extend(activity::gone_quiet(&history));
    }
    out.extend(activity::champions_inactive(&history, input.people));
    out.extend(events::ticket_spike(&history));
    out.extend(events::detractors(&history, input.people));
    out.extend(activity::seat_ceiling(&history, input.seats, &recent));
    out.extend(events::feature_breadth_up(
        &history,
        input.features,
        input.events,
    ));
    out
}

/// An account's rollups up to `day`, oldest first, read by how many days back from it.
struct History<'a> {
    day: NaiveDate,
    days: Vec<&'a DayRollup>,
}

impl<'a> History<'a> {
    fn new(rollups: &'a [DayRollup], day: NaiveDate) -> Self {
        let mut days: Vec<&DayRollup> = rollups.iter().filter(|r| r.day <= day).collect();
        days.sort_by_key(|r| r.day);
        History { day, days }
    }

    /// How many days before `day` a rollup is (0 for `day` itself).
    fn back(&self, rollup: &DayRollup) -> i64 {
        (self.day - rollup.day).num_days()
    }

    /// The rollups of the days `(d - older, d - newer]`, oldest first: `between(0, 7)` is the
    /// last 7 days, `between(7, 14)` the 7 before them.
    fn between(&self, newer: i64, older: i64) -> &[&'a DayRollup] {
        let start = self.days.partition_point(|r| self.back(r) >= older);
        let end = self.days.partition_point(|r| self.back(r) >= newer);
        &self.days[start..end.max(start)]
    }

    /// The rollups up to `back` days before `day` (the state of things at the end of that day).
    fn up_to(&self, back: i64) -> &[&'a DayRollup] {
        &self.days[..self.days.partition_point(|r| self.back(r) >= back)]
    }

    /// How many days before `day` the first rollup is; `None` without data.
    fn data_age(&self) -> Option<i64> {
        self.days.first().map(|r| self.back(r))
    }

    /// The date `back` days before `day`, for figures.
    fn date(&self, back: i64) -> NaiveDate {
        u64::try_from(back)
            .ok()
            .and_then(|b| self.day.checked_sub_days(Days::new(b)))
            .unwrap_or(NaiveDate::MIN)
    }
}

/// `A, B, C`, or `A, B, C, D, E and 3 more` past five.
fn list<'s>(items: impl IntoIterator<Item = &'s str>) -> String {
    const SHOWN: usize = 5;
    let items: Vec<&str> = items.into_iter().collect();
    let shown = items[..items.len().min(SHOWN)].join(", ");
    match items.len().saturating_sub(SHOWN) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

#[cfg(test)]
mod tests;
