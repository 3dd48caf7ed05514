//! Purpose: the `serve` loop — run what is due, then sleep until the next due time, at most
//! 60 s, or until a change is committed (DECISIONS 6), until shutdown. A round that panics
//! (outside the per-tenant and per-post guards of [`Scheduler::run_due`]: the backup, the
//! next wake-up) is logged with a reference and the loop goes on.
//!
//! Only the leader runs rounds ([`Store::try_lead`](crate::store::Store::try_lead): always
//! this process on sled; one replica at a time on PostgreSQL, by an advisory lock). The
//! others ask again every [`Cadence::leader_poll`], so a dead leader's place is taken within
//! that (its lock goes with its database session).

use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::sync::watch;

use super::port::Ports;
use super::Scheduler;
use crate::app::App;
use crate::serve::health::Liveness;

/// The longest the loop sleeps: escalations go out within a minute of their cause.
pub const MAX_SLEEP_SECS: i64 = 60;

/// How often the loop looks: at most [`Cadence::tick`] between rounds, and a replica that
/// does not lead asks for the leadership every [`Cadence::leader_poll`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    /// `STEWARD_SCHEDULER_TICK` (default 60 s).
    pub tick: std::time::Duration,
    /// `STEWARD_LEADER_POLL` (default 5 s): re-election well within 30 s.
    pub leader_poll: std::time::Duration,
}

impl Default for Cadence {
    fn default() -> Self {
        Cadence {
            tick: std::time::Duration::from_secs(MAX_SLEEP_SECS.unsigned_abs()),
            leader_poll: std::time::Duration::from_secs(5),
        }
    }
}

/// When the next subscription falls due after `now`, capped at 60 s from now.
pub fn next_wake(app: &App, now: DateTime<Utc>) -> DateTime<Utc> {
    let cap = now + chrono::Duration::seconds(MAX_SLEEP_SECS);
    let Ok(tenants) = app.store.tenants() else {
        return cap;
    };
    tenants
        .iter()
        .filter_map(|t| app.store.book(t).ok())
        .flat_map(|book| {
            let book = book.read().unwrap_or_else(|p| p.into_inner());
            let zone = app.timezone_of(&book);
            book.settings
                .subscriptions
                .iter()
                .filter_map(|s| s.next_due(now, s.zone_or(zone)))
                .collect::<Vec<_>>()
        })
        .fold(cap, DateTime::min)
}

/// One round: what is due, the daily backup; when to wake next.
async fn round(app: &App, ports: &dyn Ports, now: DateTime<Utc>) -> DateTime<Utc> {
    let report = Scheduler {
        app,
        ports,
        dry_run: false,
    }
    .run_due(now)
    .await;
    if let Some(dir) = &app.backup_dir {
        match crate::backup::run(app, dir, now) {
            Ok(0) => {}
            Ok(n) => tracing::info!(files = n, dir = %dir.display(), "daily backup written"),
            Err(error) => tracing::error!(%error, "daily backup failed; will retry"),
        }
    }
    if report != super::Report::default() {
        tracing::info!(
            posted = report.posted,
            skipped = report.skipped,
            failed = report.failed,
            "scheduler run"
        );
    }
    next_wake(app, now)
}

/// Runs the scheduler until `shutdown` turns true, stamping `live.last_run` each round.
pub async fn run(
    app: Arc<App>,
    ports: Arc<dyn Ports>,
    mut shutdown: watch::Receiver<bool>,
    live: Arc<Liveness>,
) {
    let cadence = app.cadence;
    let mut leading = false;
    loop {
        let now = Utc::now();
        live.last_run
            .store(now.timestamp(), std::sync::atomic::Ordering::Relaxed);
        let leads = match app.store.try_lead() {
            Ok(leads) => leads,
            Err(error) => {
                tracing::warn!(%error, "could not ask for the scheduler's leadership; asking again");
                false
            }
        };
        if leads != leading {
            match leads {
                true => tracing::info!("this replica runs the scheduler now"),
                false => tracing::warn!("this replica no longer runs the scheduler"),
            }
            leading = leads;
        }
        let sleep = if leads {
            // The round decides on every commit made so far, on any replica.
            if let Err(error) = app.store.settle() {
                tracing::warn!(%error, "other replicas' last commits may be missing from this round");
            }
            let round = round(&app, ports.as_ref(), now);
            let wake =
                crate::fault::catch_async("scheduler round", crate::fault::Changed::Maybe, round)
                    .await
                    .unwrap_or(now + chrono::Duration::seconds(MAX_SLEEP_SECS));
            (wake - Utc::now())
                .to_std()
                .unwrap_or_default()
                .min(cadence.tick)
        } else {
            cadence.leader_poll
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = app.changes.notified() => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
    }
}
