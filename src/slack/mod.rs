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
//! - [`oauth`]: "Add to Slack" — installations in many workspaces; [`Slack::api_for`] gives
//!   every call the token of its own workspace (or `SLACK_BOT_TOKEN` in single-token mode).

pub mod access;
pub mod actions;
pub mod api;
pub mod capture;
pub mod commands;
pub mod events;
pub mod home;
pub mod interact;
pub mod oauth;
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
    /// `SLACK_BOT_TOKEN`: the one workspace's token (single-token mode).
    pub bot_token: Option<SecretString>,
    /// The "Add to Slack" flow: each workspace's token from its installation (then
    /// `bot_token` is not used).
    pub oauth: Option<Arc<oauth::OAuth>>,
    /// `STEWARD_SLACK_PREFIX`: `sw-` makes `/sw-account` the account command.
    pub prefix: String,
    pub clock: Clock,
    pub deadline: Duration,
    pub retry: api::Retry,
}

/// The Slack adapter's shared state.
pub struct Slack {
    pub app: Arc<App>,
    /// The client with `SLACK_BOT_TOKEN` (single-token mode) — calls with a workspace's token
    /// go through [`Slack::api_for`]; this serves only the calls that need none.
    web: api::Api,
    pub oauth: Option<Arc<oauth::OAuth>>,
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
        let token = match (&settings.oauth, settings.bot_token) {
            // Installations bring their own tokens; this one is never sent.
            (Some(_), _) => SecretString::from(String::new()),
            (None, Some(token)) => token,
            (None, None) => {
                return Err("SLACK_BOT_TOKEN is required (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for the Add to Slack flow)".into())
            }
        };
        Ok(Slack {
            app,
            web: api::Api::new(&settings.api_url, token, settings.retry)?,
            oauth: settings.oauth,
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

    /// The Web API with the bot token of workspace `team` (of `enterprise`): its
    /// installation's (refreshed when due), or `SLACK_BOT_TOKEN` in single-token mode.
    pub async fn api_for(
        &self,
        enterprise: Option<&str>,
        team: &str,
    ) -> Result<api::Api, oauth::tokens::TokenError> {
        match &self.oauth {
            None => Ok(self.web.clone()),
            Some(oauth) => {
                let store = &self.app.store;
                let token = oauth
                    .token_for(store, &self.web, enterprise, team, self.now())
                    .await?;
                Ok(self.web.with_token(token))
            }
        }
    }

    /// [`Slack::api_for`] the workspace a request came from.
    pub async fn api_of(&self, origin: &Origin) -> Result<api::Api, oauth::tokens::TokenError> {
        self.api_for(origin.enterprise.as_deref(), &origin.team)
            .await
    }

    /// [`Slack::api_for`] the workspace of a tenant (`slack:TEAM`, `slack:ENTERPRISE:TEAM`).
    pub async fn api_of_tenant(
        &self,
        tenant: &TenantId,
    ) -> Result<api::Api, oauth::tokens::TokenError> {
        let parts: Vec<&str> = tenant.as_str().split(':').collect();
        match parts.as_slice() {
            ["slack", team] => self.api_for(None, team).await,
            ["slack", enterprise, team] => self.api_for(Some(enterprise), team).await,
            _ => Err(oauth::tokens::TokenError::NotInstalled),
        }
    }

    /// The client for calls that carry no token (`response_url`, upload URLs).
    pub fn tokenless(&self) -> &api::Api {
        &self.web
    }

    /// The client with `SLACK_BOT_TOKEN`: Socket Mode serves that one workspace.
    pub(crate) fn single_workspace(&self) -> &api::Api {
        &self.web
    }

    /// What a workspace without a usable installation is told.
    pub fn reinstall_text(&self, error: &oauth::tokens::TokenError) -> String {
        use oauth::tokens::TokenError;
        let install = self
            .oauth
            .as_ref()
            .map(|o| o.install_url())
            .unwrap_or_default();
        match error {
            TokenError::NotInstalled => format!("Steward is not installed in this workspace (or it was uninstalled). Ask an admin to install it: {install}"),
            TokenError::NeedsReinstall => format!("Steward's installation in this workspace must be renewed: Slack refused to extend its access. Ask an admin to install it again: {install}"),
            TokenError::Unavailable(_) => "Steward cannot reach Slack for this workspace right now; please try again in a minute.".into(),
        }
    }

    /// Runs one command line for `actor` ([`crate::actions::Line::run`]).
    pub async fn execute(self: &Arc<Self>, actor: Actor, line: &crate::actions::Line) -> Reply {
        line.run(&self.app, actor, self.now(), "Slack command")
            .await
    }
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
    /// From the configuration; fails, naming the variable, when neither transport can run,
    /// or when the Add to Slack flow lacks `STEWARD_PUBLIC_URL` or `STEWARD_SECRET_KEY`.
    pub fn from_config(
        app: Arc<App>,
        config: &SlackConfig,
        prefix: &str,
        public_url: Option<&str>,
        secret_key: Option<&crate::secrets::SecretKey>,
    ) -> Result<Setup, String> {
        let oauth = match &config.oauth {
            None => None,
            Some(_) if config.app_token.is_some() => {
                return Err("Socket Mode serves the one workspace of SLACK_BOT_TOKEN: unset SLACK_APP_TOKEN to serve Add to Slack installations over HTTP, or unset SLACK_CLIENT_ID".into())
            }
            Some(credentials) => {
                let public_url = public_url.ok_or(
                    "STEWARD_PUBLIC_URL is required with SLACK_CLIENT_ID: the public base URL of `steward serve`, for the OAuth redirect (e.g. https://steward.example.com)",
                )?;
                let key = secret_key.ok_or(
                    "STEWARD_SECRET_KEY is required with SLACK_CLIENT_ID: Steward stores OAuth installations only with their tokens sealed under it. Make one with `openssl rand -base64 32` (or `head -c32 /dev/urandom | base64`) and keep it safe: without it stored installations cannot be opened",
                )?;
                Some(Arc::new(oauth::OAuth::new(
                    &config.api_url,
                    credentials.client_id.clone(),
                    credentials.client_secret.clone(),
                    public_url,
                    key.clone(),
                )?))
            }
        };
        if oauth.is_some() && config.bot_token.is_some() {
            tracing::warn!("SLACK_BOT_TOKEN is not used while SLACK_CLIENT_ID is set: each workspace's token comes from its installation (/slack/install)");
        }
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
            oauth,
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
