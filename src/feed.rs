//! Purpose: health fed by received data (INGEST.md, "Signals from data") — an account's data
//! signals read from the store for a day and merged with what was set by hand ([`reading`]),
//! and the daily recompute that records them: at 00:30 in the tenant's time zone (and at every
//! `tick` that finds it due and not yet done), one snapshot per account whose signals changed,
//! so history, *declining*, escalations, at-risk lists and digests move on their own; and the
//! risk and opportunity indicators live that day, kept on the account for the scheduler.
//! Also the weekly active users `/health show` charts and the digest's usage movers.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use crate::domain::account::{Account, AccountId};
use crate::domain::book::{Book, Change};
use crate::domain::expansion::ExpansionSignal;
use crate::domain::health::{Signals, Snapshot};
use crate::domain::person::UserId;
use crate::domain::signals::{
    evaluate, merge, movers, seats_for_usage, week_over_week, weekly_active_users, ActiveWeek,
    DataSignals, DayRollup, Freshness, Indicator, IndicatorInput, IndicatorKind, Interner, Merged,
    Mover, PersonUser, CHART_WEEKS,
};
use crate::domain::tenant::TenantId;
use crate::store::ledger::PostState;
use crate::store::{Store, StoreError};

/// The daily recompute runs at this local time.
pub const RECOMPUTE_AT: NaiveTime = match NaiveTime::from_hms_opt(0, 30, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};
/// The ledger name the recompute records its days under.
pub const RECOMPUTE_LEDGER: &str = "recompute";
/// Who the audit trail names for recomputed health.
pub const RECOMPUTE_ACTOR: &str = "steward";

/// An account's data-fed health as of a day.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub day: NaiveDate,
    /// The four data signals with the figures behind them.
    pub data: DataSignals,
    pub fresh: Freshness,
    /// The recorded signals with data merged in where data wins.
    pub merged: Merged,
    /// The risk and opportunity indicators live on the day.
    pub indicators: Vec<Indicator>,
    /// The seats usage is measured against.
    pub seats: Option<u32>,
}

/// What the recompute needs of a tenant besides its accounts: the core features' event
/// table, and which product user each e-mail is (to know stakeholders' activity).
pub struct TenantData {
    events: Interner,
    users_by_email: HashMap<String, u32>,
}

impl TenantData {
    pub fn load(store: &Store, tenant: &TenantId) -> Result<Self, StoreError> {
        Ok(TenantData {
            events: store.event_table(tenant)?,
            users_by_email: store.users_by_email(tenant)?,
        })
    }
}

/// The account's data-fed health for `day`, or `None` when no data ever arrived for it.
/// Only reads: `/health show` calls it.
pub fn reading(
    store: &Store,
    tenant_data: &TenantData,
    book: &Book,
    account: &Account,
    day: NaiveDate,
) -> Result<Option<Reading>, StoreError> {
    let fresh = store.freshness(&book.tenant, account.id)?;
    if fresh.latest().is_none() {
        return Ok(None);
    }
    let rollups = store.rollups(&book.tenant, account.id)?;
    reading_of(store, tenant_data, book, account, day, fresh, &rollups).map(Some)
}

/// [`reading`] over the account's freshness and rollups, already read.
fn reading_of(
    store: &Store,
    tenant_data: &TenantData,
    book: &Book,
    account: &Account,
    day: NaiveDate,
    fresh: Freshness,
    rollups: &[DayRollup],
) -> Result<Reading, StoreError> {
    let seats = seats_for_usage(account, store.seats_trait(&book.tenant, account.id)?);
    let data = DataSignals::compute(
        rollups,
        day,
        seats,
        &book.settings.core_features,
        &tenant_data.events,
    );
    let merged = merge(
        &account.recorded_signals(),
        &account.signal_sources,
        &data,
        &fresh,
    );
    let people = PersonUser::of_stakeholders(&account.stakeholders, |email| {
        tenant_data.users_by_email.get(email.as_str()).copied()
    });
    let indicators = evaluate(&IndicatorInput {
        day,
        rollups,
        seats,
        features: &book.settings.core_features,
        events: &tenant_data.events,
        people: &people,
        last_customer_message: last_customer_message(store, book, account)?,
    });
    Ok(Reading {
        day,
        data,
        fresh,
        merged,
        indicators,
        seats,
    })
}

/// The day (in the tenant's zone) of the account's last customer-channel message.
fn last_customer_message(
    store: &Store,
    book: &Book,
    account: &Account,
) -> Result<Option<NaiveDate>, StoreError> {
    if account.channels.is_empty() {
        return Ok(None);
    }
    let zone: Option<chrono_tz::Tz> = book
        .settings
        .timezone
        .as_deref()
        .and_then(|z| z.parse().ok());
    Ok(store
        .channel_messages(&book.tenant, &account.channels)?
        .into_iter()
        .filter(|m| m.side == crate::domain::conversation::Side::Customer)
        .map(|m| m.at)
        .max()
        .map(|at| match zone {
            Some(zone) => at.with_timezone(&zone).date_naive(),
            None => at.date_naive(),
        }))
}

/// An account's weekly active users of the 12 weeks to `day`, oldest first; empty when no
/// data arrived for it. Only reads: `/health show` charts it.
pub fn usage_weeks(
    store: &Store,
    tenant: &TenantId,
    account: AccountId,
    day: NaiveDate,
) -> Result<Vec<ActiveWeek>, StoreError> {
    let rollups = store.rollups(tenant, account)?;
    Ok(weekly_active_users(&rollups, day, CHART_WEEKS))
}

/// The `n` active accounts of the book whose weekly active users changed most from the week
/// before the 7 days to `day` to those 7 days (see [`movers`]). Reads every account's
/// rollups: the Monday digest calls it once a week.
pub fn usage_movers(
    store: &Store,
    book: &Book,
    day: NaiveDate,
    n: usize,
) -> Result<Vec<Mover<AccountId>>, StoreError> {
    let mut changes = Vec::new();
    for account in book.active() {
        let rollups = store.rollups(&book.tenant, account.id)?;
        if let Some((before, after)) = week_over_week(&rollups, day) {
            changes.push((account.id, before, after));
        }
    }
    Ok(movers(changes, n))
}

/// The day whose recompute is due at `now`: today once it is 00:30, else yesterday.
pub fn due_day(now: DateTime<Utc>, zone: Tz) -> NaiveDate {
    let local = now.with_timezone(&zone);
    let today = local.date_naive();
    if local.time() >= RECOMPUTE_AT {
        today
    } else {
        today.checked_sub_days(Days::new(1)).unwrap_or(today)
    }
}

/// The account as the recompute leaves it, when it changes: a new snapshot when a signal
/// changed; else only the sources, when newer data arrived (so the signals count as fresh
/// while events keep coming) or a hand-set value gave way to equal data; the indicators
/// live that day, each keeping the day it went live (the scheduler posts each new cause once
/// to the owner); and an expansion signal for each opportunity indicator that fired, unless
/// the tenant muted it (see `record_expansion_signals`).
pub fn recomputed(
    account: &Account,
    reading: &Reading,
    muted: &BTreeSet<IndicatorKind>,
    now: DateTime<Utc>,
) -> Option<Account> {
    let signals: Signals = reading.merged.signals;
    let mut next = account.clone();
    next.signal_sources = Box::new(reading.merged.sources.clone());
    next.indicators = reading
        .indicators
        .iter()
        .map(|live| {
            let since = account
                .indicators
                .iter()
                .find(|before| before.cause == live.cause)
                .and_then(|before| before.since)
                .unwrap_or(reading.day);
            Indicator {
                since: Some(since),
                ..live.clone()
            }
        })
        .collect();
    record_expansion_signals(&mut next, &account.indicators, muted, reading.day);
    if signals != account.recorded_signals() {
        next.health.push(Snapshot { at: now, signals });
    } else if next.signal_sources == account.signal_sources
        && next.indicators == account.indicators
        && next.expansion_signals == account.expansion_signals
    {
        return None;
    }
    next.updated_at = account.updated_at;
    Some(next)
}

/// An opportunity indicator adds an expansion signal when it fires (INGEST.md): once per
/// cause — recorded when the account holds none for it, replaced when the cause fires again
/// after clearing (it was not live the day before), left alone while it lasts. A muted
/// indicator records nothing; one still live when it is unmuted records then.
fn record_expansion_signals(
    next: &mut Account,
    before: &[Indicator],
    muted: &BTreeSet<IndicatorKind>,
    day: NaiveDate,
) {
    let fired: Vec<ExpansionSignal> = next
        .indicators
        .iter()
        .filter(|i| !i.kind.is_risk() && !muted.contains(&i.kind))
        .map(|i| ExpansionSignal {
            indicator: i.kind,
            cause: i.cause.clone(),
            on: day,
            figures: i.figures.clone(),
        })
        .collect();
    for signal in fired {
        let was_live = before.iter().any(|b| b.cause == signal.cause);
        match next
            .expansion_signals
            .iter()
            .position(|s| s.cause == signal.cause)
        {
            None => next.expansion_signals.push(signal),
            Some(at) if !was_live => next.expansion_signals[at] = signal,
            Some(_) => {}
        }
    }
}

/// The recomputed accounts of the book, read on every core (each account's rollups are
/// independent of the others').
fn changes(
    store: &Store,
    tenant_data: &TenantData,
    book: &Book,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<Change>, StoreError> {
    let accounts: Vec<&Account> = book.active().collect();
    let freshness = store.all_freshness(&book.tenant)?;
    let freshness = &freshness;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let per_thread = accounts.len().div_ceil(threads).max(1);
    let parts: Vec<Result<Vec<Change>, StoreError>> = std::thread::scope(|scope| {
        let running: Vec<_> = accounts
            .chunks(per_thread)
            .map(|part| {
                scope.spawn(move || {
                    let mut changes = Vec::new();
                    for account in part {
                        let Some(fresh) = freshness.get(&account.id).copied() else {
                            continue;
                        };
                        if fresh.latest().is_none() {
                            continue;
                        }
                        // Rollups past 400 days go here, once a day, not on every read.
                        let rollups = store.rollups(&book.tenant, account.id)?;
                        store.prune_rollups(&book.tenant, account.id, &rollups, day)?;
                        let r =
                            reading_of(store, tenant_data, book, account, day, fresh, &rollups)?;
                        let muted = &book.settings.muted_indicators;
                        if let Some(next) = recomputed(account, &r, muted, now) {
                            changes.push(Change::PutAccount(Box::new(next)));
                        }
                    }
                    Ok(changes)
                })
            })
            .collect();
        running
            .into_iter()
            // A panic goes on in the caller's thread, where the scheduler catches and logs it.
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .collect()
    });
    let mut all = Vec::new();
    for part in parts {
        all.extend(part?);
    }
    Ok(all)
}

/// Runs the tenant's recompute if one is due at `now` and not yet done; returns how many
/// accounts changed (`None`: nothing was due).
pub fn recompute_if_due(
    store: &Store,
    tenant: &TenantId,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<Option<usize>, StoreError> {
    let day = due_day(now, zone);
    let period = day.to_string();
    if let Some(PostState::Sent { .. }) = store.post_state(tenant, RECOMPUTE_LEDGER, &period)? {
        return Ok(None);
    }
    let tenant_data = TenantData::load(store, tenant)?;
    let book = store.book(tenant)?;
    // Read under the shared lock; committed under the exclusive one if the book did not
    // change meanwhile (else read again).
    for _ in 0..3 {
        let (generation, changes) = {
            let book = book.read().unwrap_or_else(|p| p.into_inner());
            (
                book.generation(),
                changes(store, &tenant_data, &book, day, now)?,
            )
        };
        let mut book = book.write().unwrap_or_else(|p| p.into_inner());
        if book.generation() != generation {
            continue;
        }
        let changed = changes.len();
        let actor = UserId(RECOMPUTE_ACTOR.into());
        store.commit_unattended(
            &mut book,
            &actor,
            "daily health recompute from data",
            now,
            changes,
        )?;
        drop(book);
        // Customer-channel metadata past the 30-day window goes here, once a day.
        store.prune_channel_messages(tenant, now)?;
        store.set_post_state(
            tenant,
            RECOMPUTE_LEDGER,
            &period,
            &PostState::Sent { at: now },
        )?;
        store.prune_intake(tenant, now)?;
        return Ok(Some(changed));
    }
    // The book kept changing under it: not recorded as done, so the next run tries again.
    Ok(None)
}
