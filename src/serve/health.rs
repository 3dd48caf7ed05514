//! Purpose: the health routes for load balancers and orchestrators — `GET /healthz`
//! (liveness: the process, its database and its scheduler loop) and `GET /readyz`
//! (readiness: every book in memory, the database reachable, its schema current) — and the
//! reading of every book into memory at start that readiness waits for.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

use crate::app::App;
use crate::scheduler::runner;

/// The scheduler counts as alive if it ran within this many seconds.
const ALIVE_WITHIN_SECS: i64 = 3 * runner::MAX_SLEEP_SECS;

/// What `/healthz` and `/readyz` look at.
pub struct Liveness {
    pub app: Arc<App>,
    /// Unix time of the scheduler's last run.
    pub last_run: AtomicI64,
    /// Every tenant's book is in memory (see [`warm`]).
    pub warm: AtomicBool,
}

impl Liveness {
    /// Alive as of now, books not yet read (see [`warm`]).
    pub fn new(app: Arc<App>) -> Liveness {
        Liveness {
            app,
            last_run: AtomicI64::new(chrono::Utc::now().timestamp()),
            warm: AtomicBool::new(false),
        }
    }
}

/// Reads every tenant's book into memory, off the request threads, then marks the replica
/// warm. Until then `/readyz` answers 503, so a load balancer sends no traffic to a replica
/// whose first requests would each wait for a whole book to be read (about a second for
/// 100,000 accounts); requests that arrive anyway are answered, after the read. A book that
/// cannot be read is logged and read again on its first request.
pub async fn warm(live: Arc<Liveness>) {
    let reading = live.clone();
    let read = tokio::task::spawn_blocking(move || {
        let store = &reading.app.store;
        let tenants = match store.tenants() {
            Ok(tenants) => tenants,
            Err(error) => {
                tracing::warn!(%error, "could not list the tenants to read their books ahead");
                return;
            }
        };
        for tenant in tenants {
            if let Err(error) = store.book(&tenant) {
                tracing::warn!(%tenant, %error, "could not read the book ahead; read on first use");
            }
        }
    })
    .await;
    if read.is_err() {
        tracing::error!("reading the books ahead panicked; each is read on first use");
    }
    live.warm.store(true, Ordering::Relaxed);
}

async fn healthz(State(live): State<Arc<Liveness>>) -> (StatusCode, &'static str) {
    let beat = live.last_run.load(Ordering::Relaxed);
    let alive = chrono::Utc::now().timestamp() - beat <= ALIVE_WITHIN_SECS;
    let db_open = live.app.store.check_open().is_ok();
    if alive && db_open {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unhealthy")
    }
}

/// For load balancers and Kubernetes' readiness probe: 200 once the books are in memory
/// ([`warm`]), the database answers and its schema is the one this binary knows (a replica
/// left behind by a rolling upgrade's migration stops taking requests); else 503 with the
/// reason (never a password).
async fn readyz(State(live): State<Arc<Liveness>>) -> (StatusCode, String) {
    if !live.warm.load(Ordering::Relaxed) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: reading the books into memory".into(),
        );
    }
    match live.app.store.check_ready() {
        Ok(()) => (StatusCode::OK, "ready".into()),
        Err(error) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {error}"),
        ),
    }
}

/// The routes served on `STEWARD_LISTEN`.
pub fn router(live: Arc<Liveness>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(live)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Actor, Surface};
    use crate::domain::person::UserId;
    use crate::domain::tenant::TenantId;
    use crate::store::Store;

    #[tokio::test]
    async fn readyz_waits_until_every_book_is_in_memory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = Arc::new(App::new(
            Store::open(&dir.path().join("db")).expect("open"),
            None,
            chrono_tz::UTC,
        ));
        let actor = Actor {
            tenant: TenantId::parse("slack:T1").expect("valid"),
            user: UserId("U1".into()),
            surface: Surface::Console,
            platform_admin: false,
            channel: "C1".into(),
        };
        app.execute(&actor, chrono::Utc::now(), "/account add Acme arr:10k");
        let live = Arc::new(Liveness::new(app));
        let (status, body) = readyz(State(live.clone())).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body, "not ready: reading the books into memory");
        warm(live.clone()).await;
        assert_eq!(readyz(State(live)).await, (StatusCode::OK, "ready".into()));
    }
}
