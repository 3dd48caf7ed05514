//! Purpose: the Slack adapter — slash commands, events, interactivity and App Home in; Block
//! Kit answers, scheduled posts and home views out — over HTTP (signed webhooks) or Socket
//! Mode, the same handlers behind both.
//!
//! # Layout
//!
//! - [`verify`]: the door: 64 KiB body limit (413), `v0` signature and 5-minute window (401).
//! - [`routes`]: the HTTP routes of INTERFACE.md, translating requests for the handlers.
//! - [`socket`]: Socket Mode (slack-morphism's listener), translating envelopes likewise.
//! - [`commands`], [`events`], [`interact`]: the handlers, transport-neutral; [`prompts`]:
//!   mentions and DMs through the prompt reader.
//! - [`access`]: who may read (DECISIONS 21): guests and other organizations are refused.
//! - [`actions`]: buttons — which command line each one runs through [`App::execute`].
//! - [`home`]: the App Home view; [`port`]: the scheduler's `ChatPort` for Slack.
//! - [`pictures`]: pictures drawn after acknowledging and uploaded (external upload flow).
//! - [`api`]: the Web API client (slack-morphism) pointed at `SLACK_API_URL`, every call with
//!   a timeout; [`retry`]: which failures are tried again (a post never twice).

pub mod access;
pub mod actions;
pub mod api;
pub mod capture;
pub mod commands;
pub mod events;
pub mod home;
pub mod interact;
pub mod pictures;
pub mod port;
pub mod prompts;
pub mod retry;
pub mod routes;
pub mod socket;
pub mod verify;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use std::sync::atomic::AtomicI64;
use std::sync::Arc;
use std::time::Duration;

use crate::app::{Actor, App, Surface};
use crate::config::SlackConfig;
use crate::domain::person::UserId;
use crate::domain::tenant::TenantId;
use crate::reply::Reply;

/// The clock requests are judged by (signature windows, `now` of commands).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The real clock.
pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

/// How long a command may take before it is answered through `response_url` instead of
/// inline: Slack's deadline is 3 s, and the answer still has to travel back.
pub const INLINE_DEADLINE: Duration = Duration::from_millis(2000);

/// What the adapter needs besides the [`App`].
pub struct Settings {
    pub api_url: String,
    pub bot_token: SecretString,
    /// `STEWARD_SLACK_PREFIX`: `sw-` makes `/sw-account` the account command.
    pub prefix: String,
    pub clock: Clock,
    pub deadline: Duration,
    pub retry: api::Retry,
}

/// The Slack adapter's shared state.
pub struct Slack {
    pub app: Arc<App>,
    pub api: api::Api,
    pub prefix: String,
    pub gate: access::Gate,
    pub clock: Clock,
    pub deadline: Duration,
    /// Unix time of the last pruning of seen event ids.
    pub(crate) last_prune: AtomicI64,
    /// Account names for the *Log to account* account field's options.
    pub names: crate::discord::names::Names,
}

impl Slack {
    pub fn new(app: Arc<App>, settings: Settings) -> Result<Slack, String> {
        Ok(Slack {
            app,
            api: api::Api::new(&settings.api_url, settings.bot_token, settings.retry)?,
            prefix: settings.prefix,
            gate: access::Gate::new(access::CACHE_FOR),
            clock: settings.clock,
            deadline: settings.deadline,
            last_prune: AtomicI64::new(0),
            names: Default::default(),
        })
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Runs one command line for `actor`. A command that may write runs on the blocking
    /// pool, since its commit flushes to disk (milliseconds); one that only reads takes
    /// microseconds under the book's read lock and runs in place, saving two thread
    /// hand-offs per request (the benchmark's `/account show`).
    pub async fn execute(self: &Arc<Self>, actor: Actor, line: String) -> Reply {
        let now = self.now();
        if only_reads(&line) {
            return self.app.execute(&actor, now, &line);
        }
        let app = self.app.clone();
        crate::fault::blocking("Slack command", move || app.execute(&actor, now, &line)).await
    }
}

/// Whether `line` surely only reads. Reading the line is parsing it, which runs on outside
/// text before `App::execute` guards anything: should the parser panic, the line counts as
/// one that may write, and `App::execute` then meets the panic again under its guard.
pub fn only_reads(line: &str) -> bool {
    std::panic::catch_unwind(|| crate::actions::is_read_only(line)).unwrap_or(false)
}

/// How Slack reaches Steward.
pub enum Mode {
    /// Signed webhooks on `STEWARD_LISTEN`.
    Http { signing_secret: SecretString },
    /// A WebSocket opened with the app-level token (`SLACK_APP_TOKEN`).
    Socket { app_token: SecretString },
}

/// The adapter and how it is reached, as `serve` starts it.
pub struct Setup {
    pub slack: Arc<Slack>,
    pub mode: Mode,
}

impl Setup {
    /// From the configuration; fails, naming the variable, when neither transport can run.
    pub fn from_config(app: Arc<App>, config: &SlackConfig, prefix: &str) -> Result<Setup, String> {
        let mode = match (&config.app_token, &config.signing_secret) {
            (Some(app_token), _) => Mode::Socket { app_token: app_token.clone() },
            (None, Some(secret)) => Mode::Http { signing_secret: secret.clone() },
            (None, None) => {
                return Err("SLACK_SIGNING_SECRET is required to serve Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)".into())
            }
        };
        let settings = Settings {
            api_url: config.api_url.clone(),
            bot_token: config.bot_token.clone(),
            prefix: prefix.to_string(),
            clock: system_clock(),
            deadline: INLINE_DEADLINE,
            retry: api::Retry::default(),
        };
        Ok(Setup {
            slack: Arc::new(Slack::new(app, settings)?),
            mode,
        })
    }
}

/// The tenant of a workspace (DECISIONS 19): `slack:ENTERPRISE:TEAM`, else `slack:TEAM`.
pub fn tenant(enterprise: Option<&str>, team: &str) -> Option<TenantId> {
    let id = match enterprise.filter(|e| !e.is_empty()) {
        Some(enterprise) => format!("slack:{enterprise}:{team}"),
        None => format!("slack:{team}"),
    };
    (!team.is_empty())
        .then(|| TenantId::parse(&id).ok())
        .flatten()
}

/// Who is asking, from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub team: String,
    pub enterprise: Option<String>,
    pub user: String,
    pub channel: String,
}

impl Origin {
    pub fn tenant(&self) -> Option<TenantId> {
        tenant(self.enterprise.as_deref(), &self.team)
    }

    /// The actor for `App::execute`.
    pub fn actor(&self) -> Option<Actor> {
        Some(Actor {
            tenant: self.tenant()?,
            user: UserId(self.user.clone()),
            surface: Surface::Slack,
            platform_admin: false,
            channel: self.channel.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_forms() {
        assert_eq!(
            tenant(None, "T1").map(|t| t.to_string()),
            Some("slack:T1".into())
        );
        assert_eq!(
            tenant(Some(""), "T1").map(|t| t.to_string()),
            Some("slack:T1".into())
        );
        assert_eq!(
            tenant(Some("E1"), "T1").map(|t| t.to_string()),
            Some("slack:E1:T1".into())
        );
        assert_eq!(tenant(None, ""), None);
        assert_eq!(tenant(None, "T 1"), None);
    }
}
