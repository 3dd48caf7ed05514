//! Purpose: `steward serve` — the HTTP listener (health check and chat webhooks), the
//! scheduler loop, and a clean shutdown on SIGINT/SIGTERM: in-flight requests finish, the
//! scheduler stops between posts, the database is flushed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::app::App;
use crate::scheduler::port::{OnePort, Ports, PrintPort};
use crate::scheduler::runner;

/// The scheduler counts as alive if it ran within this many seconds.
const ALIVE_WITHIN_SECS: i64 = 3 * runner::MAX_SLEEP_SECS;

/// What `/healthz` looks at.
pub struct Liveness {
    pub app: Arc<App>,
    /// Unix time of the scheduler's last run.
    pub last_run: AtomicI64,
}

async fn healthz(State(live): State<Arc<Liveness>>) -> (StatusCode, &'static str) {
    let beat = live.last_run.load(Ordering::Relaxed);
    let alive = chrono::Utc::now().timestamp() - beat <= ALIVE_WITHIN_SECS;
    let db_open = live.app.store.tenants().is_ok();
    if alive && db_open {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unhealthy")
    }
}

/// The routes served on `STEWARD_LISTEN`.
pub fn router(live: Arc<Liveness>) -> Router {
    Router::new().route("/healthz", get(healthz)).with_state(live)
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// Runs until a shutdown signal.
pub async fn run(app: Arc<App>, listen: &str) -> Result<(), String> {
    let listener = TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    tracing::info!(%listen, "serving");
    let live = Arc::new(Liveness { app: app.clone(), last_run: AtomicI64::new(chrono::Utc::now().timestamp()) });
    let ports: Arc<dyn Ports> = Arc::new(OnePort(PrintPort::new(std::io::stdout())));
    let (stop, stopped) = watch::channel(false);
    let scheduler = tokio::spawn(runner::run(app.clone(), ports, stopped, live.clone()));
    let served = axum::serve(listener, router(live)).with_graceful_shutdown(shutdown_signal()).await;
    let _ = stop.send(true);
    let _ = scheduler.await;
    app.store.flush().map_err(|e| e.to_string())?;
    tracing::info!("stopped cleanly");
    served.map_err(|e| format!("HTTP server failed: {e}"))
}
