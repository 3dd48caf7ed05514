//! Purpose: win/loss per fiscal quarter — renewal outcomes and expansion wins and losses in
//! counts and ARR, their reasons by kind, and the competitors behind the losses.
//!
//! What counts where:
//! - *renewed*, *churned*, *contracted* come from the recorded outcome events; *expanded*
//!   is a renewal at a higher ARR (an `expanded` event recorded with a `renewed` one);
//! - *expansion won* / *expansion lost* come from the opportunities closed in the quarter;
//! - a reason counts once per outcome: wins are renewals (at the same or a higher ARR) and
//!   expansion wins; losses are churns, contractions and expansion losses;
//! - a loss is behind a competitor when its text names one recorded on the account's plan,
//!   or when its kind is `competitor` (then shown as "not named" unless the text names one).

use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};

use super::account::{Account, AccountId};
use super::expansion::OpportunityStatus;
use super::money::Money;
use super::outcome::{OutcomeEvent, OutcomeKind};
use super::portfolio::Quarter;
use super::reason::{Reason, ReasonKind};

/// The outcome columns, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    Renewed,
    Churned,
    Contracted,
    Expanded,
    ExpansionWon,
    ExpansionLost,
}

impl Column {
    pub const ALL: [Column; 6] = [
        Column::Renewed,
        Column::Churned,
        Column::Contracted,
        Column::Expanded,
        Column::ExpansionWon,
        Column::ExpansionLost,
    ];

    pub fn word(self) -> &'static str {
        match self {
            Column::Renewed => "renewed",
            Column::Churned => "churned",
            Column::Contracted => "contracted",
            Column::Expanded => "expanded",
            Column::ExpansionWon => "expansion won",
            Column::ExpansionLost => "expansion lost",
        }
    }
}

/// How many outcomes of one column, and the ARR they moved (renewed: the ARR renewed;
/// churned: ARR lost; contracted/expanded: the change; expansion won/lost: its value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub count: usize,
    pub arr: Money,
}

/// Reasons of one side (wins or losses) by kind; `unstated` counts outcomes without one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reasons {
    pub by_kind: BTreeMap<ReasonKind, usize>,
    pub unstated: usize,
}

impl Reasons {
    fn add(&mut self, reason: Option<&Reason>) {
        match reason {
            Some(r) => *self.by_kind.entry(r.kind).or_default() += 1,
            None => self.unstated += 1,
        }
    }
}

/// Not a recorded competitor: a `competitor` loss whose text names none on the plan.
pub const NOT_NAMED: &str = "not named";

/// One quarter's win/loss.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QuarterWinLoss {
    pub columns: BTreeMap<Column, Tally>,
    pub wins: Reasons,
    pub losses: Reasons,
    /// Competitor name (or [`NOT_NAMED`]) → losses behind it.
    pub competitors: BTreeMap<String, usize>,
}

impl QuarterWinLoss {
    pub fn tally(&self, column: Column) -> Tally {
        self.columns.get(&column).copied().unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    fn count(&mut self, column: Column, arr: u64) {
        let t = self.columns.entry(column).or_default();
        t.count += 1;
        t.arr.0 += arr;
    }

    fn loss(&mut self, account: Option<&Account>, reason: Option<&Reason>) {
        self.losses.add(reason);
        if let Some(name) = reason.and_then(|r| competitor_behind(account, r)) {
            *self.competitors.entry(name).or_default() += 1;
        }
    }
}

/// The competitor behind a loss: one recorded on the account's plan that the reason's text
/// names, else [`NOT_NAMED`] for a `competitor` reason.
fn competitor_behind(account: Option<&Account>, reason: &Reason) -> Option<String> {
    let named = reason
        .text
        .as_deref()
        .zip(account)
        .and_then(|(text, a)| a.plan.competitor_named_in(text))
        .map(|c| c.name.clone());
    named.or_else(|| (reason.kind == ReasonKind::Competitor).then(|| NOT_NAMED.to_string()))
}

/// Win/loss for each of `quarters` (any order; each outcome counts in the quarter whose
/// first–last day, inclusive, holds its date). See the module doc for what counts where.
pub fn tally<'a>(
    accounts: impl Iterator<Item = &'a Account>,
    outcomes: &[OutcomeEvent],
    quarters: &[Quarter],
) -> Vec<QuarterWinLoss> {
    let accounts: HashMap<AccountId, &Account> = accounts.map(|a| (a.id, a)).collect();
    let mut rows = vec![QuarterWinLoss::default(); quarters.len()];
    let index = |on: NaiveDate| quarters.iter().position(|q| q.start <= on && on <= q.end);
    // A renewal's events share account and date: `expanded` with `renewed` is an uplift,
    // `contracted` makes the renewal a loss (its reason counts once, with the contraction).
    let recorded: HashSet<(AccountId, NaiveDate, OutcomeKind)> =
        outcomes.iter().map(|o| (o.account, o.on, o.kind)).collect();
    let sibling = |e: &OutcomeEvent, kind: OutcomeKind| recorded.contains(&(e.account, e.on, kind));
    for e in outcomes {
        let Some(i) = index(e.on) else { continue };
        let row = &mut rows[i];
        let account = accounts.get(&e.account).copied();
        let reason = e.reason.as_ref();
        let (before, after) = (e.arr_before.0, e.arr_after.0);
        match e.kind {
            OutcomeKind::Renewed => {
                row.count(Column::Renewed, after);
                if !sibling(e, OutcomeKind::Contracted) {
                    row.wins.add(reason);
                }
            }
            OutcomeKind::Churned => {
                row.count(Column::Churned, before);
                row.loss(account, reason);
            }
            OutcomeKind::Contracted => {
                row.count(Column::Contracted, before.saturating_sub(after));
                row.loss(account, reason);
            }
            // Expansion wins count from their opportunities below.
            OutcomeKind::Expanded
                if e.opportunity.is_none() && sibling(e, OutcomeKind::Renewed) =>
            {
                row.count(Column::Expanded, after.saturating_sub(before));
            }
            OutcomeKind::Expanded => {}
        }
    }
    for account in accounts.values() {
        for o in &account.opportunities {
            let (on, reason, won) = match &o.status {
                OpportunityStatus::Open => continue,
                OpportunityStatus::Won { on, reason } => (*on, reason.as_ref(), true),
                OpportunityStatus::Lost { on, reason } => (*on, reason.as_ref(), false),
            };
            let Some(i) = index(on) else { continue };
            let row = &mut rows[i];
            if won {
                row.count(Column::ExpansionWon, o.value.0);
                row.wins.add(reason);
            } else {
                row.count(Column::ExpansionLost, o.value.0);
                row.loss(Some(account), reason);
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::expansion::{Opportunity, OpportunityKind};
    use chrono::{TimeZone, Utc};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    fn account(id: u64) -> Account {
        let now = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("valid");
        Account::new(
            AccountId(id),
            format!("A{id}"),
            Money(100_000),
            day(2027, 1, 1),
            now,
        )
    }

    fn why(kind: ReasonKind, text: Option<&str>) -> Option<Reason> {
        Some(Reason {
            kind,
            text: text.map(str::to_string),
        })
    }

    fn event(
        id: u64,
        kind: OutcomeKind,
        (before, after): (u64, u64),
        on: NaiveDate,
    ) -> OutcomeEvent {
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

    fn opp(id: u32, value: u64, status: OpportunityStatus) -> Opportunity {
        Opportunity {
            id,
            kind: OpportunityKind::Seat,
            value: Money(value),
            trigger: None,
            owner: None,
            due: None,
            status,
            created_on: day(2025, 1, 1),
            qualification: Default::default(),
        }
    }

    /// A churn on the last day of Q1 counts in Q1; one on the first day of Q2 in Q2 — for a
    /// calendar year and for a fiscal year starting in February (Q1 = Feb–Apr).
    #[test]
    fn outcomes_land_in_the_quarter_holding_their_date() {
        let churn = |on| event(1, OutcomeKind::Churned, (40_000, 0), on);
        let accounts = [account(1)];
        let calendar = [
            Quarter::containing(day(2026, 3, 31), 1),
            Quarter::containing(day(2026, 4, 1), 1),
        ];
        let rows = tally(
            accounts.iter(),
            &[
                churn(day(2026, 3, 31)),
                churn(day(2026, 4, 1)),
                churn(day(2026, 4, 2)),
            ],
            &calendar,
        );
        assert_eq!(
            rows[0].tally(Column::Churned),
            Tally {
                count: 1,
                arr: Money(40_000)
            }
        );
        assert_eq!(
            rows[1].tally(Column::Churned),
            Tally {
                count: 2,
                arr: Money(80_000)
            }
        );
        let fiscal = Quarter::back_from(day(2026, 5, 1), 2, 2);
        assert_eq!(
            (fiscal[0].start, fiscal[0].end),
            (day(2026, 2, 1), day(2026, 4, 30))
        );
        let rows = tally(
            accounts.iter(),
            &[
                churn(day(2026, 1, 31)),
                churn(day(2026, 2, 1)),
                churn(day(2026, 4, 30)),
                churn(day(2026, 5, 1)),
            ],
            &fiscal,
        );
        assert_eq!(rows[0].tally(Column::Churned).count, 2, "Feb 1 and Apr 30");
        assert_eq!(rows[1].tally(Column::Churned).count, 1, "May 1");
    }

    #[test]
    fn renewals_count_once_as_a_win_or_with_their_contraction_as_a_loss() {
        let on = day(2026, 2, 10);
        let mut up = event(1, OutcomeKind::Renewed, (100, 120), on);
        up.reason = why(ReasonKind::ValueProven, None);
        let mut up_delta = event(1, OutcomeKind::Expanded, (100, 120), on);
        up_delta.reason = up.reason.clone();
        let mut down = event(2, OutcomeKind::Renewed, (100, 80), on);
        down.reason = why(ReasonKind::Budget, None);
        let mut down_delta = event(2, OutcomeKind::Contracted, (100, 80), on);
        down_delta.reason = down.reason.clone();
        // An expansion win's event, with and without its opportunity id (older records).
        let mut won = event(3, OutcomeKind::Expanded, (100, 125), on);
        won.opportunity = Some(7);
        let won_before = event(3, OutcomeKind::Expanded, (125, 150), on);
        let flat = event(4, OutcomeKind::Renewed, (50, 50), on);
        let q = [Quarter::containing(on, 1)];
        let accounts = [account(1), account(2), account(3), account(4)];
        let rows = tally(
            accounts.iter(),
            &[up, up_delta, down, down_delta, won, won_before, flat],
            &q,
        );
        let r = &rows[0];
        assert_eq!(
            r.tally(Column::Renewed),
            Tally {
                count: 3,
                arr: Money(250)
            }
        );
        assert_eq!(
            r.tally(Column::Expanded),
            Tally {
                count: 1,
                arr: Money(20)
            }
        );
        assert_eq!(
            r.tally(Column::Contracted),
            Tally {
                count: 1,
                arr: Money(20)
            }
        );
        assert_eq!(
            r.tally(Column::ExpansionWon).count,
            0,
            "won counts from opportunities"
        );
        assert_eq!(r.wins.by_kind.get(&ReasonKind::ValueProven), Some(&1));
        assert_eq!(r.wins.unstated, 1, "the flat renewal gave no reason");
        assert_eq!(r.losses.by_kind.get(&ReasonKind::Budget), Some(&1));
        assert_eq!(r.losses.unstated, 0);
    }

    #[test]
    fn expansion_wins_and_losses_with_their_reasons_and_competitors() {
        let on = day(2026, 2, 10);
        let mut a = account(1);
        a.opportunities = vec![
            opp(
                1,
                25_000,
                OpportunityStatus::Won {
                    on,
                    reason: why(ReasonKind::ValueProven, None),
                },
            ),
            opp(
                2,
                10_000,
                OpportunityStatus::Lost {
                    on,
                    reason: why(ReasonKind::Competitor, Some("went with a rival")),
                },
            ),
            opp(3, 5_000, OpportunityStatus::Lost { on, reason: None }),
            opp(
                4,
                9_000,
                OpportunityStatus::Lost {
                    on: day(2025, 12, 31),
                    reason: None,
                },
            ),
            opp(5, 1_000, OpportunityStatus::Open),
        ];
        a.plan.set_competitor(
            "Gainsight",
            crate::domain::competition::CompetitorRisk::High,
            None,
            on,
        );
        // A price loss whose text names a recorded competitor is behind that competitor.
        let mut churn = event(1, OutcomeKind::Churned, (100_000, 0), on);
        churn.reason = why(ReasonKind::Price, Some("gainsight undercut us"));
        let rows = tally([a].iter(), &[churn], &[Quarter::containing(on, 1)]);
        let r = &rows[0];
        assert_eq!(
            r.tally(Column::ExpansionWon),
            Tally {
                count: 1,
                arr: Money(25_000)
            }
        );
        assert_eq!(
            r.tally(Column::ExpansionLost),
            Tally {
                count: 2,
                arr: Money(15_000)
            }
        );
        assert_eq!(r.losses.by_kind.get(&ReasonKind::Competitor), Some(&1));
        assert_eq!(r.losses.unstated, 1);
        assert_eq!(r.competitors.get(NOT_NAMED), Some(&1));
        assert_eq!(r.competitors.get("Gainsight"), Some(&1));
        assert_eq!(r.losses.by_kind.get(&ReasonKind::Price), Some(&1));
    }
}
