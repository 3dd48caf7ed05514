//! Purpose: `steward serve` — the HTTP listener (health check and chat webhooks), the chat
//! adapters (Slack over HTTP or Socket Mode, Discord over the gateway or HTTP), the
//! scheduler loop, and a clean shutdown on SIGINT/SIGTERM: in-flight requests finish within
//! the grace period, the scheduler stops between posts, the database is flushed.
//!
//! - [`http`]: connections — a deadline on request headers, the shutdown's drain.
//! - [`limits`]: every request — 1 MiB body limit (`413`), body deadline (`408`), and a
//!   `500` with a reference for a panic in a route.

pub mod http;
pub mod limits;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::app::App;
use crate::config::{Config, HttpTimeouts};
use crate::domain::tenant::TenantId;
use crate::scheduler::port::{ChatPort, Ports, PrintPort};
use crate::scheduler::runner;
use crate::slack::port::SlackPort;

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
    let db_open = live.app.store.check_open().is_ok();
    if alive && db_open {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unhealthy")
    }
}

/// For load balancers and Kubernetes' readiness probe: 200 once the database answers and its
/// schema is the one this binary knows (a replica left behind by a rolling upgrade's
/// migration stops taking requests); else 503 with the reason (never a password).
async fn readyz(State(live): State<Arc<Liveness>>) -> (StatusCode, String) {
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

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
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

/// Ports by tenant: Slack tenants to Slack (when configured), Discord tenants to Discord
/// (when it can post), every other tenant printed. `serve` and `tick` post through these.
pub struct ChatPorts {
    pub slack: Option<SlackPort>,
    pub discord: Option<crate::discord::port::DiscordPort>,
    pub print: PrintPort<std::io::Stdout>,
}

impl Ports for ChatPorts {
    fn port(&self, tenant: &TenantId) -> Option<&dyn ChatPort> {
        if tenant.as_str().starts_with("discord:") {
            // Without a bot token nothing can be posted (DECISIONS 22): no port, no claims.
            return self.discord.as_ref().map(|d| d as &dyn ChatPort);
        }
        match &self.slack {
            Some(slack) if tenant.as_str().starts_with("slack:") => Some(slack),
            _ => Some(&self.print),
        }
    }
}

/// Runs until a shutdown signal.
pub async fn run(app: Arc<App>, config: &Config) -> Result<(), String> {
    let slack = match &config.slack {
        Some(slack) => Some(crate::slack::Setup::from_config(
            app.clone(),
            slack,
            &config.slack_prefix,
            config.public_url.as_deref(),
            config.secret_key.as_ref(),
        )?),
        None => None,
    };
    let discord = match &config.discord {
        Some(discord) => Some(crate::discord::Setup::from_config(
            app.clone(),
            discord,
            config.discord_role.clone(),
        )?),
        None => None,
    };
    let listen = &config.listen;
    let listener = http::listen(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    tracing::info!(%addr, "serving");
    serve_configured(
        listener,
        app,
        slack,
        discord,
        config.http,
        config.ingest_rate,
        shutdown_signal(),
    )
    .await
}

/// Serves on `listener` until `shutdown` resolves: the routes, the chat adapters and the
/// scheduler; then flushes the database.
pub async fn serve_on(
    listener: TcpListener,
    app: Arc<App>,
    slack: Option<crate::slack::Setup>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    serve_all(listener, app, slack, None, shutdown).await
}

/// [`serve_on`] with the Discord adapter too.
pub async fn serve_all(
    listener: TcpListener,
    app: Arc<App>,
    slack: Option<crate::slack::Setup>,
    discord: Option<crate::discord::Setup>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let timeouts = HttpTimeouts::default();
    let rate = crate::ingest::routes::DEFAULT_RATE;
    serve_configured(listener, app, slack, discord, timeouts, rate, shutdown).await
}

/// [`serve_all`] with the HTTP timeouts and the events API's rate limit (requests per second
/// per write key) of the configuration.
pub async fn serve_configured(
    listener: TcpListener,
    app: Arc<App>,
    slack: Option<crate::slack::Setup>,
    discord: Option<crate::discord::Setup>,
    timeouts: HttpTimeouts,
    ingest_rate: std::num::NonZeroU32,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let live = Arc::new(Liveness {
        app: app.clone(),
        last_run: AtomicI64::new(chrono::Utc::now().timestamp()),
    });
    let mut routes =
        router(live.clone()).merge(crate::ingest::routes::router(app.clone(), ingest_rate));
    let mut socket = None;
    let slack_port = slack
        .as_ref()
        .map(|setup| SlackPort::new(setup.slack.clone()));
    if let Some(crate::slack::Setup { slack, mode }) = slack {
        match mode {
            crate::slack::Mode::Http { signing_secret } => {
                let verifier = Arc::new(crate::slack::verify::Verifier::new(
                    signing_secret,
                    slack.clock.clone(),
                ));
                if slack.oauth.is_some() {
                    routes = routes.merge(crate::slack::oauth::routes::router(slack.clone()));
                    tracing::info!("Add to Slack: /slack/install, /slack/oauth_redirect");
                }
                routes = routes.merge(crate::slack::routes::router(slack, verifier));
                tracing::info!(
                    "Slack over HTTP: /slack/commands, /slack/events, /slack/interactivity"
                );
            }
            crate::slack::Mode::Socket { app_token } => {
                socket = Some(crate::slack::socket::start(slack, app_token).await?)
            }
        }
    }
    let discord = match discord {
        Some(setup) => Some(setup.start().await?),
        None => None,
    };
    if let Some(discord_routes) = discord.as_ref().and_then(|d| d.routes()) {
        routes = routes.merge(discord_routes);
        tracing::info!("Discord over HTTP: /discord/interactions");
    }
    let ports: Arc<dyn Ports> = Arc::new(ChatPorts {
        slack: slack_port,
        discord: discord.as_ref().and_then(|d| d.port()),
        print: PrintPort::new(std::io::stdout()),
    });
    let (stop, stopped) = watch::channel(false);
    let scheduler = tokio::spawn(runner::run(app.clone(), ports, stopped, live.clone()));
    let routes = routes.layer(axum::middleware::from_fn_with_state(
        timeouts.body,
        limits::guard,
    ));
    http::serve(listener, routes, timeouts, shutdown).await;
    let _ = stop.send(true);
    let _ = scheduler.await;
    if let Some(socket) = socket {
        socket.stop().await;
    }
    if let Some(discord) = discord {
        discord.stop().await;
    }
    app.store.flush().map_err(|e| e.to_string())?;
    tracing::info!("stopped cleanly");
    Ok(())
}
