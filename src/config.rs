//! Purpose: configuration, read once at start — environment variables win over
//! `steward.toml`. Secrets are wrapped so they cannot be printed by accident.

use chrono_tz::Tz;
use secrecy::SecretString;
use serde::Deserialize;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

use crate::domain::person::UserId;
use crate::domain::tenant::TenantId;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {why}")]
    Unreadable { path: String, why: String },
    #[error("config file {path} is invalid: {why}")]
    Invalid { path: String, why: String },
    #[error("{name} is invalid: {why}")]
    BadValue { name: &'static str, why: String },
}

/// Who has admin rights (DECISIONS 20).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Admins {
    /// Admin in every tenant.
    everywhere: Vec<UserId>,
    /// Admin in one tenant.
    scoped: Vec<(TenantId, UserId)>,
}

impl Admins {
    /// `U1, slack:T1:U2, discord:G1:42` — bare ids or `TENANT:USER`.
    pub fn parse(list: &str) -> Result<Admins, ConfigError> {
        let mut admins = Admins::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match entry.rsplit_once(':') {
                Some((tenant, user)) if !user.is_empty() => {
                    let tenant = TenantId::parse(tenant).map_err(|e| ConfigError::BadValue {
                        name: "STEWARD_ADMINS",
                        why: e.to_string(),
                    })?;
                    admins.scoped.push((tenant, UserId(user.to_string())));
                }
                Some(_) => {
                    return Err(ConfigError::BadValue {
                        name: "STEWARD_ADMINS",
                        why: format!(
                            "\"{entry}\" has no user id after the last ':' (e.g. slack:T123:U456)"
                        ),
                    })
                }
                None => admins.everywhere.push(UserId(entry.to_string())),
            }
        }
        Ok(admins)
    }

    /// The admins of one tenant: scoped ones first, then those of every tenant.
    pub fn of(&self, tenant: &TenantId) -> Vec<UserId> {
        let scoped = self
            .scoped
            .iter()
            .filter(|(t, _)| t == tenant)
            .map(|(_, u)| u.clone());
        scoped.chain(self.everywhere.iter().cloned()).collect()
    }

    pub fn contains(&self, tenant: &TenantId, user: &UserId) -> bool {
        self.everywhere.contains(user) || self.scoped.iter().any(|(t, u)| t == tenant && u == user)
    }
}

/// Slack credentials.
pub struct SlackConfig {
    /// `SLACK_BOT_TOKEN`: one workspace (optional with the Add to Slack flow).
    pub bot_token: Option<SecretString>,
    /// `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET`: the Add to Slack flow.
    pub oauth: Option<SlackOAuthConfig>,
    pub signing_secret: Option<SecretString>,
    pub app_token: Option<SecretString>,
    pub api_url: String,
}

/// The Slack app's OAuth credentials.
pub struct SlackOAuthConfig {
    pub client_id: String,
    pub client_secret: SecretString,
}

/// Discord credentials.
pub struct DiscordConfig {
    pub token: Option<SecretString>,
    pub application_id: Option<String>,
    pub public_key: Option<String>,
    pub api_url: String,
    pub guild_id: Option<String>,
}

/// How long `serve` waits on its HTTP clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpTimeouts {
    /// A client has this long to send a request's headers (`STEWARD_HEADER_TIMEOUT`); an idle
    /// kept-alive connection is closed after it too.
    pub header: Duration,
    /// ...and this long to send its body (`STEWARD_BODY_TIMEOUT`).
    pub body: Duration,
    /// On SIGTERM/SIGINT, requests in flight get this long to finish (`STEWARD_SHUTDOWN_GRACE`).
    pub grace: Duration,
}

impl Default for HttpTimeouts {
    fn default() -> Self {
        HttpTimeouts {
            header: Duration::from_secs(10),
            body: Duration::from_secs(10),
            // Below Kubernetes' default 30 s termination grace period, so Steward exits on
            // its own before the SIGKILL.
            grace: Duration::from_secs(10),
        }
    }
}

/// A duration as configured: `200ms`, `10s`, or bare seconds (`10`, `0.5`).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit) = match text.strip_suffix("ms") {
        Some(ms) => (ms, 0.001),
        None => (text.strip_suffix('s').unwrap_or(text), 1.0),
    };
    let value: f64 = number.trim().parse().ok()?;
    Duration::try_from_secs_f64(value * unit)
        .ok()
        .filter(|d| !d.is_zero() && *d <= Duration::from_secs(3600))
}

/// Everything Steward is configured with.
pub struct Config {
    pub db: PathBuf,
    /// `STEWARD_CACHE_MB` or `cache_mb`: sled's page cache bound, in MiB.
    pub cache_mb: NonZeroU32,
    /// `STEWARD_DATABASE_URL` or `database_url`: a PostgreSQL database instead of sled (the
    /// URL may hold a password).
    pub database_url: Option<SecretString>,
    pub listen: String,
    /// `None` while `STEWARD_ADMINS` is unset: the console user is then admin of the console.
    pub admins: Option<Admins>,
    pub timezone: Tz,
    pub backup_dir: PathBuf,
    pub discord_role: Option<String>,
    pub slack_prefix: String,
    pub unsafe_trace: bool,
    pub http: HttpTimeouts,
    /// How often `serve`'s scheduler looks (`STEWARD_SCHEDULER_TICK`) and a replica that
    /// does not run it asks for the leadership (`STEWARD_LEADER_POLL`).
    pub cadence: crate::scheduler::runner::Cadence,
    /// Requests per second one events API write key may send (`STEWARD_INGEST_RATE`).
    pub ingest_rate: NonZeroU32,
    pub slack: Option<SlackConfig>,
    pub discord: Option<DiscordConfig>,
    /// `STEWARD_SECRET_KEY` (environment only): the key stored secrets are sealed with;
    /// unset, a key file beside the database is used (see [`crate::secrets`]).
    pub secret_key: Option<crate::secrets::SecretKey>,
    /// `STEWARD_PUBLIC_URL`: the public base URL of `serve` (OAuth redirect URIs).
    pub public_url: Option<String>,
    /// `DISCORD_APPLICATION_ID`, also without a Discord token (the invite link).
    pub discord_application_id: Option<String>,
}

/// The keys `steward.toml` accepts (see `steward.toml.example`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    db: Option<String>,
    cache_mb: Option<String>,
    database_url: Option<String>,
    listen: Option<String>,
    admins: Option<String>,
    timezone: Option<String>,
    backup_dir: Option<String>,
    discord_role: Option<String>,
    slack_prefix: Option<String>,
    slack_api_url: Option<String>,
    discord_api_url: Option<String>,
    discord_application_id: Option<String>,
    discord_guild_id: Option<String>,
    header_timeout: Option<String>,
    body_timeout: Option<String>,
    shutdown_grace: Option<String>,
    scheduler_tick: Option<String>,
    leader_poll: Option<String>,
    ingest_rate: Option<String>,
    public_url: Option<String>,
    slack_client_id: Option<String>,
}

impl Config {
    /// Reads `file` (or `steward.toml` when present) and the environment given by `env`.
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let default_file = Path::new("steward.toml");
        let file = file.or_else(|| default_file.exists().then_some(default_file));
        let from_file: FileConfig = match file {
            None => FileConfig::default(),
            Some(path) => {
                let shown = path.display().to_string();
                let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Unreadable {
                    path: shown.clone(),
                    why: e.to_string(),
                })?;
                toml::from_str(&text).map_err(|e| ConfigError::Invalid {
                    path: shown,
                    why: e.message().to_string(),
                })?
            }
        };
        let get = |name: &str, file_value: &Option<String>| {
            env(name)
                .filter(|v| !v.is_empty())
                .or_else(|| file_value.clone())
        };
        let secret = |name: &str| env(name).filter(|v| !v.is_empty()).map(SecretString::from);
        let timezone_name =
            get("STEWARD_TIMEZONE", &from_file.timezone).unwrap_or_else(|| "UTC".into());
        let timezone: Tz = timezone_name.parse().map_err(|_| ConfigError::BadValue {
            name: "STEWARD_TIMEZONE",
            why: format!("\"{timezone_name}\" is not an IANA time zone (e.g. Europe/Berlin)"),
        })?;
        let duration = |name: &'static str, value: &Option<String>, default: Duration| match get(
            name, value,
        ) {
            None => Ok(default),
            Some(text) => parse_duration(&text).ok_or_else(|| ConfigError::BadValue {
                name,
                why: format!("\"{text}\" is not a duration between 1ms and 1h, e.g. 10s or 200ms"),
            }),
        };
        let defaults = HttpTimeouts::default();
        let http = HttpTimeouts {
            header: duration(
                "STEWARD_HEADER_TIMEOUT",
                &from_file.header_timeout,
                defaults.header,
            )?,
            body: duration(
                "STEWARD_BODY_TIMEOUT",
                &from_file.body_timeout,
                defaults.body,
            )?,
            grace: duration(
                "STEWARD_SHUTDOWN_GRACE",
                &from_file.shutdown_grace,
                defaults.grace,
            )?,
        };
        let cadence_defaults = crate::scheduler::runner::Cadence::default();
        let cadence = crate::scheduler::runner::Cadence {
            tick: duration(
                "STEWARD_SCHEDULER_TICK",
                &from_file.scheduler_tick,
                cadence_defaults.tick,
            )?,
            leader_poll: duration(
                "STEWARD_LEADER_POLL",
                &from_file.leader_poll,
                cadence_defaults.leader_poll,
            )?,
        };
        let ingest_rate = match get("STEWARD_INGEST_RATE", &from_file.ingest_rate) {
            None => crate::ingest::routes::DEFAULT_RATE,
            Some(text) => text
                .trim()
                .parse::<NonZeroU32>()
                .map_err(|_| ConfigError::BadValue {
                    name: "STEWARD_INGEST_RATE",
                    why: format!(
                        "\"{text}\" is not a number of requests per second from 1 up, e.g. 2000"
                    ),
                })?,
        };
        let cache_mb = match get("STEWARD_CACHE_MB", &from_file.cache_mb) {
            None => crate::store::backend::sled::DEFAULT_CACHE_MB,
            Some(text) => text
                .trim()
                .parse::<NonZeroU32>()
                .ok()
                .filter(|mb| mb.get() <= 65_536)
                .ok_or_else(|| ConfigError::BadValue {
                    name: "STEWARD_CACHE_MB",
                    why: format!("\"{text}\" is not a number of MiB from 1 to 65536, e.g. 256"),
                })?,
        };
        let admins = get("STEWARD_ADMINS", &from_file.admins)
            .map(|list| Admins::parse(&list))
            .transpose()?;
        let client_id = get("SLACK_CLIENT_ID", &from_file.slack_client_id);
        let oauth = match (client_id, secret("SLACK_CLIENT_SECRET")) {
            (Some(client_id), Some(client_secret)) => Some(SlackOAuthConfig {
                client_id,
                client_secret,
            }),
            (None, None) => None,
            (Some(_), None) => {
                return Err(ConfigError::BadValue {
                    name: "SLACK_CLIENT_SECRET",
                    why: "it is unset while SLACK_CLIENT_ID is set; the Add to Slack flow needs both (App Credentials in the Slack app's settings)".into(),
                })
            }
            (None, Some(_)) => {
                return Err(ConfigError::BadValue {
                    name: "SLACK_CLIENT_ID",
                    why: "it is unset while SLACK_CLIENT_SECRET is set; the Add to Slack flow needs both (App Credentials in the Slack app's settings)".into(),
                })
            }
        };
        let bot_token = secret("SLACK_BOT_TOKEN");
        let slack = (bot_token.is_some() || oauth.is_some()).then(|| SlackConfig {
            bot_token,
            oauth,
            signing_secret: secret("SLACK_SIGNING_SECRET"),
            app_token: secret("SLACK_APP_TOKEN"),
            api_url: get("SLACK_API_URL", &from_file.slack_api_url)
                .unwrap_or_else(|| "https://slack.com/api/".into()),
        });
        let discord_token = secret("DISCORD_TOKEN");
        let discord_key = env("DISCORD_PUBLIC_KEY").filter(|v| !v.is_empty());
        let discord = (discord_token.is_some() || discord_key.is_some()).then(|| DiscordConfig {
            token: discord_token,
            application_id: get("DISCORD_APPLICATION_ID", &from_file.discord_application_id),
            public_key: discord_key,
            api_url: get("DISCORD_API_URL", &from_file.discord_api_url)
                .unwrap_or_else(|| "https://discord.com".into()),
            guild_id: get("DISCORD_GUILD_ID", &from_file.discord_guild_id),
        });
        // Read here, once, so a garbled key stops Steward at start rather than at the first
        // secret; never from `steward.toml`, which tends to be copied around.
        let secret_key = env(crate::secrets::KEY_VAR)
            .filter(|v| !v.trim().is_empty())
            .map(|text| {
                let text = zeroize::Zeroizing::new(text);
                crate::secrets::SecretKey::parse(&text, crate::secrets::KEY_VAR)
            })
            .transpose()
            .map_err(|e| ConfigError::BadValue {
                name: crate::secrets::KEY_VAR,
                why: e.to_string(),
            })?;
        Ok(Config {
            db: PathBuf::from(
                get("STEWARD_DB", &from_file.db).unwrap_or_else(|| "./steward.db".into()),
            ),
            cache_mb,
            database_url: get("STEWARD_DATABASE_URL", &from_file.database_url)
                .map(SecretString::from),
            listen: get("STEWARD_LISTEN", &from_file.listen)
                .unwrap_or_else(|| "127.0.0.1:3000".into()),
            admins,
            timezone,
            backup_dir: PathBuf::from(
                get("STEWARD_BACKUP_DIR", &from_file.backup_dir)
                    .unwrap_or_else(|| "./backups".into()),
            ),
            discord_role: get("STEWARD_DISCORD_ROLE", &from_file.discord_role),
            slack_prefix: get("STEWARD_SLACK_PREFIX", &from_file.slack_prefix).unwrap_or_default(),
            unsafe_trace: env("STEWARD_UNSAFE_TRACE").as_deref() == Some("1"),
            http,
            cadence,
            ingest_rate,
            slack,
            discord,
            secret_key,
            public_url: get("STEWARD_PUBLIC_URL", &from_file.public_url),
            discord_application_id: get(
                "DISCORD_APPLICATION_ID",
                &from_file.discord_application_id,
            ),
        })
    }

    /// Whether any chat platform is configured (then `steward` alone means `serve`).
    pub fn has_chat(&self) -> bool {
        self.slack.is_some() || self.discord.is_some()
    }
}

#[cfg(test)]
mod tests;
