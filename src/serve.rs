//! Purpose: `steward serve` — the HTTP listener (health check and chat webhooks), the chat
//! adapters (Slack over HTTP or Socket Mode, Discord over the gateway or HTTP), the
//! scheduler loop, and a clean shutdown on SIGINT/SIGTERM: in-flight requests finish within
//! the grace period, the scheduler stops between posts, the database is flushed.
//!
//! - [`health`]: `/healthz`, `/readyz`, and every book read into memory at start.
//! - [`http`]: connections — a deadline on request headers, the shutdown's drain.
//! - [`limits`]: every request — 1 MiB body limit (`413`), body deadline (`408`), and a
//!   `500` with a reference for a panic in a route.

pub mod health;
pub mod http;
pub mod limits;

use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::app::App;
use crate::config::{Config, HttpTimeouts};
use crate::domain::tenant::TenantId;
use crate::scheduler::port::{ChatPort, Ports, PrintPort};
use crate::scheduler::runner;
use crate::slack::port::SlackPort;
use health::{router, warm, Liveness};

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

/// Starts the scheduler loop; the answer resolves when the loop has stopped. Its rounds are
/// long stretches of computing over whole books (the daily recompute, the daily backup,
/// escalations, digests). On a multi-threaded runtime (`serve`'s) the loop gets a thread of
/// its own, driven by the runtime's timers and I/O, at a lower CPU priority where the system
/// allows it ([`lower_priority`]): it never takes a worker from a request, and yields the
/// cores to requests when both want them; posts still go out within seconds of their time.
/// A current-thread runtime (in-process tests) cannot be driven from another thread (tokio's
/// `Handle::block_on`: only its own `block_on` drives its I/O and timers), so there the loop
/// is a task beside the requests.
fn start_scheduler(
    app: Arc<App>,
    ports: Arc<dyn Ports>,
    stopped: watch::Receiver<bool>,
    live: Arc<Liveness>,
) -> Result<tokio::sync::oneshot::Receiver<()>, String> {
    let runtime = tokio::runtime::Handle::current();
    let (done, finished) = tokio::sync::oneshot::channel();
    let rounds = async move {
        runner::run(app, ports, stopped, live).await;
        let _ = done.send(());
    };
    if runtime.runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
        tokio::spawn(rounds);
        return Ok(finished);
    }
    std::thread::Builder::new()
        .name("steward-scheduler".into())
        .spawn(move || {
            lower_priority();
            runtime.block_on(rounds)
        })
        .map_err(|e| format!("cannot start the scheduler's thread: {e}"))?;
    Ok(finished)
}

/// The niceness of the scheduler's thread: it gets about a tenth of a core's time while
/// request threads at the default 0 want the same core (Linux's CFS weights 110 against
/// 1024), and all of it when they do not.
const SCHEDULER_NICE: i32 = 10;

/// Lowers the calling thread's CPU priority to [`SCHEDULER_NICE`]. On Linux the nice value is
/// a per-thread attribute, set with `setpriority(PRIO_PROCESS, tid, …)` (setpriority(2),
/// NOTES); elsewhere the thread keeps its priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let thread = rustix::thread::gettid();
        if let Err(error) = rustix::process::setpriority_process(Some(thread), SCHEDULER_NICE) {
            tracing::warn!(%error, "could not lower the scheduler thread's priority");
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
    let live = Arc::new(Liveness::new(app.clone()));
    tokio::spawn(warm(live.clone()));
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
    let scheduler = start_scheduler(app.clone(), ports, stopped, live.clone())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn the_scheduler_thread_runs_at_a_lower_priority_than_the_rest() {
        let own = || rustix::process::getpriority_process(Some(rustix::thread::gettid()));
        let before = own().expect("own priority");
        let lowered = std::thread::spawn(move || {
            lower_priority();
            own().expect("lowered priority")
        })
        .join()
        .expect("thread");
        assert_eq!(lowered, SCHEDULER_NICE.max(before));
        assert_eq!(own().expect("own priority"), before, "only that thread");
    }
}
