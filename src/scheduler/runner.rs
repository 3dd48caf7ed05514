//! Purpose: the `serve` loop — run what is due, then sleep until the next due time, at most
//! 60 s, or until a change is committed (DECISIONS 6), until shutdown.

use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::sync::watch;

use super::port::Ports;
use super::Scheduler;
use crate::app::App;
use crate::serve::Liveness;

/// The longest the loop sleeps: escalations go out within a minute of their cause.
pub const MAX_SLEEP_SECS: i64 = 60;

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

/// Runs the scheduler until `shutdown` turns true, stamping `live.last_run` each round.
pub async fn run(
    app: Arc<App>,
    ports: Arc<dyn Ports>,
    mut shutdown: watch::Receiver<bool>,
    live: Arc<Liveness>,
) {
    loop {
        let now = Utc::now();
        live.last_run
            .store(now.timestamp(), std::sync::atomic::Ordering::Relaxed);
        let report = Scheduler {
            app: &app,
            ports: ports.as_ref(),
            dry_run: false,
        }
        .run_due(now)
        .await;
        if let Some(dir) = &app.backup_dir {
            match crate::backup::run(&app, dir, now) {
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
        let wake = next_wake(&app, now);
        let sleep = (wake - Utc::now()).to_std().unwrap_or_default();
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
