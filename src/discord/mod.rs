//! Purpose: the Discord adapter — application commands, autocomplete and buttons in, over the
//! gateway (serenity's client, `DISCORD_TOKEN`) or signed HTTP interactions
//! (`DISCORD_PUBLIC_KEY`), the same handlers behind both; embeds, scheduled posts and DMs out
//! through Discord's REST API at `DISCORD_API_URL`.
//!
//! # Layout
//!
//! - [`verify`]: the door: 64 KiB body limit (413), Ed25519 signature and 5-minute window (401).
//! - [`routes`]: `POST /discord/interactions`, translating HTTP for the handlers.
//! - [`gateway`]: serenity's gateway client: interactions, and messages that mention Steward
//!   or are sent to it directly (prompts).
//! - [`interactions`]: the handlers, transport-neutral: a [`serenity`] `Interaction` in, the
//!   interaction callback (and any follow-up work) out.
//! - [`line`]: a command interaction's options → the command line `App::execute` runs.
//! - [`autocomplete`]: account names for autocompleted options, from the [`names`] index;
//!   [`components`]: buttons.
//! - [`respond`]: Discord message and callback bodies from rendered replies; [`pictures`]: a
//!   reply's pictures as PNG attachments, drawn after the answer is out.
//! - [`access`]: who may use Steward (DECISIONS 20–22): the role, Manage Server, admins.
//! - [`prompts`]: mentions and DMs; [`port`]: the scheduler's `ChatPort` for Discord.
//! - [`register`]: the application commands from `commands/`, overwritten only when changed.
//! - [`rest`]: Steward's own REST client, with its own `429` handling; [`upload`]: messages
//!   with files, as multipart forms.

pub mod access;
pub mod autocomplete;
pub mod capture;
pub mod components;
pub mod gateway;
pub mod interactions;
pub mod line;
pub mod names;
pub mod pictures;
pub mod port;
pub mod prompts;
pub mod register;
pub mod respond;
pub mod rest;
pub mod routes;
pub mod upload;
pub mod verify;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::config::DiscordConfig;
use crate::domain::tenant::TenantId;
use crate::reply::Reply;

/// The clock requests are judged by (signature windows, `now` of commands).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// How long a command may run before it is deferred (callback type 5) and its answer edited
/// in later: Discord's deadline is 3 s, and the callback still has to travel.
pub const INLINE_DEADLINE: Duration = Duration::from_millis(2000);

/// What the adapter is built from.
pub struct Settings {
    /// REST base, `https://discord.com` unless `DISCORD_API_URL` says otherwise.
    pub api_url: String,
    pub token: Option<SecretString>,
    pub application_id: Option<u64>,
    /// Hex Ed25519 key of the HTTP interactions endpoint.
    pub public_key: Option<String>,
    /// `DISCORD_GUILD_ID`: commands registered there; DMs answered for its members.
    pub guild_id: Option<u64>,
    /// `STEWARD_DISCORD_ROLE`: a role id or name allowed to use commands.
    pub role: Option<String>,
    pub clock: Clock,
    /// How long a command may run before it is deferred; zero defers every command.
    pub deadline: Duration,
    pub retry: rest::Retry,
}

impl Settings {
    /// From the configuration; fails, naming the variable, on an unusable value.
    pub fn from_config(config: &DiscordConfig, role: Option<String>) -> Result<Settings, String> {
        let id = |name: &str, value: &Option<String>| -> Result<Option<u64>, String> {
            value
                .as_deref()
                .map(|v| {
                    v.trim()
                        .parse::<u64>()
                        .map_err(|_| format!("{name} must be a numeric Discord id, not \"{v}\""))
                })
                .transpose()
        };
        Ok(Settings {
            api_url: config.api_url.clone(),
            token: config.token.clone(),
            application_id: id("DISCORD_APPLICATION_ID", &config.application_id)?,
            public_key: config.public_key.clone(),
            guild_id: id("DISCORD_GUILD_ID", &config.guild_id)?,
            role: role.filter(|r| !r.trim().is_empty()),
            clock: Arc::new(Utc::now),
            deadline: INLINE_DEADLINE,
            retry: rest::Retry::default(),
        })
    }
}

/// The Discord adapter's shared state.
pub struct Discord {
    pub app: Arc<App>,
    pub rest: rest::Rest,
    pub application_id: Option<u64>,
    pub guild_id: Option<u64>,
    pub access: access::Access,
    pub clock: Clock,
    pub deadline: Duration,
    /// The signature check of the HTTP endpoint, when `DISCORD_PUBLIC_KEY` is set.
    pub door: Option<verify::Door>,
    /// Account names indexed for autocomplete, per tenant.
    pub(crate) names: names::Names,
    /// Messages captured by *Log to account*, waiting for the account and kind.
    pub(crate) captures: capture::Captures,
}

impl Discord {
    pub fn new(app: Arc<App>, settings: Settings) -> Result<Arc<Discord>, String> {
        let door = match &settings.public_key {
            Some(key) => Some(verify::Door::new(key, settings.clock.clone())?),
            None => None,
        };
        Ok(Arc::new(Discord {
            app,
            rest: rest::Rest::new(&settings.api_url, settings.token, settings.retry)?,
            application_id: settings.application_id,
            guild_id: settings.guild_id,
            access: access::Access::new(settings.role),
            clock: settings.clock,
            deadline: settings.deadline,
            door,
            names: names::Names::default(),
            captures: capture::Captures::default(),
        }))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Runs one command line for `actor` ([`crate::actions::Line::run`]).
    pub async fn execute(&self, actor: crate::app::Actor, line: &crate::actions::Line) -> Reply {
        line.run(&self.app, actor, self.now(), "Discord command")
            .await
    }
}

/// The adapter as `serve` starts it.
pub struct Setup {
    pub discord: Arc<Discord>,
    token: Option<SecretString>,
    api_url: String,
}

impl Setup {
    pub fn from_config(
        app: Arc<App>,
        config: &DiscordConfig,
        role: Option<String>,
    ) -> Result<Setup, String> {
        let settings = Settings::from_config(config, role)?;
        let (token, api_url) = (settings.token.clone(), settings.api_url.clone());
        Ok(Setup {
            discord: Discord::new(app, settings)?,
            token,
            api_url,
        })
    }

    /// Starts what the configuration asks for: command registration (in the background)
    /// and the gateway client when there is a bot token.
    pub async fn start(self) -> Result<Running, String> {
        let discord = self.discord;
        if discord.access.role().is_none() {
            tracing::info!("STEWARD_DISCORD_ROLE is not set: every member of a server may use Steward's commands");
        }
        let named_role = discord
            .access
            .role()
            .is_some_and(|r| r.parse::<u64>().is_err());
        if named_role && self.token.is_none() {
            tracing::warn!("STEWARD_DISCORD_ROLE names a role, which needs DISCORD_TOKEN to look up: give the role's id instead; until then only Manage Server and STEWARD_ADMINS admit");
        }
        let Some(token) = self.token else {
            tracing::warn!("Discord over HTTP without DISCORD_TOKEN: answering interactions only; scheduled posts, command registration and DMs are off");
            return Ok(Running {
                discord,
                gateway: None,
            });
        };
        let registering = discord.clone();
        tokio::spawn(async move {
            match register::register(&registering).await {
                Ok(done) => tracing::info!(?done, "Discord commands registered"),
                Err(error) => tracing::error!(%error, "could not register the Discord commands"),
            }
        });
        let gateway = gateway::start(discord.clone(), &token, &self.api_url).await?;
        tracing::info!("Discord over the gateway");
        Ok(Running {
            discord,
            gateway: Some(gateway),
        })
    }
}

/// The started adapter.
pub struct Running {
    pub discord: Arc<Discord>,
    gateway: Option<gateway::Gateway>,
}

impl Running {
    /// `POST /discord/interactions`, when `DISCORD_PUBLIC_KEY` is set.
    pub fn routes(&self) -> Option<axum::Router> {
        self.discord
            .door
            .as_ref()
            .map(|_| routes::router(self.discord.clone()))
    }

    /// The scheduler's port, when posting is possible (a bot token).
    pub fn port(&self) -> Option<port::DiscordPort> {
        self.discord
            .rest
            .has_token()
            .then(|| port::DiscordPort::new(self.discord.clone()))
    }

    /// Closes the gateway connection.
    pub async fn stop(self) {
        if let Some(gateway) = self.gateway {
            gateway.stop().await;
        }
    }
}

/// The tenant of a Discord server (DECISIONS 19): `discord:GUILD`.
pub fn tenant(guild: u64) -> Option<TenantId> {
    TenantId::parse(&format!("discord:{guild}")).ok()
}

/// The server id of a Discord tenant, if it is one.
pub fn guild_of(tenant: &TenantId) -> Option<u64> {
    tenant.as_str().strip_prefix("discord:")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenants_are_servers() {
        let t = tenant(80351110224678912).expect("valid");
        assert_eq!(t.as_str(), "discord:80351110224678912");
        assert_eq!(guild_of(&t), Some(80351110224678912));
        assert_eq!(guild_of(&TenantId::local()), None);
    }
}
