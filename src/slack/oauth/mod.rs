//! Purpose: "Add to Slack" — Steward installed in many workspaces through Slack's OAuth v2
//! flow, each installation's tokens sealed under `STEWARD_SECRET_KEY`, and the token of the
//! right workspace found (and, with token rotation, refreshed) for every call.
//!
//! - [`exchange`]: `oauth.v2.access` — a code or a refresh token for a bot token.
//! - [`tokens`]: which token a workspace's calls use; refresh 2 h before expiry;
//!   `invalid_grant` marks the installation for reinstalling and tells its installer.
//! - [`routes`]: `GET /slack/install` (the button, a single-use `state` bound to the browser
//!   by a cookie) and `GET /slack/oauth_redirect`; [`pages`]: their HTML, escaped, under a
//!   strict Content-Security-Policy.
//!
//! OAuth tokens are sealed only under `STEWARD_SECRET_KEY`, never under the key file the
//! Zendesk secret may fall back to (`crate::secrets`): a key file beside the database would
//! travel with every copy of it, and installations are what a stolen copy is worth most for.

pub mod exchange;
pub mod pages;
pub mod routes;
pub mod tokens;

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::secrets::{self, SecretKey, SecretsError};
use crate::store::installs::Installation;
use crate::store::sealed::kinds;
use crate::store::Store;
use exchange::{Exchange, Grant};

/// A `state` is good for this long after the install page handed it out.
pub const STATE_LIFETIME: chrono::Duration = chrono::Duration::minutes(10);
/// Tokens are refreshed this long before they expire.
pub const REFRESH_MARGIN: chrono::Duration = chrono::Duration::hours(2);

/// The install flow's settings, from `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`,
/// `STEWARD_PUBLIC_URL` and `STEWARD_SECRET_KEY`.
pub struct OAuth {
    exchange: Exchange,
    key: SecretKey,
    /// `STEWARD_PUBLIC_URL` without a trailing `/`.
    public_url: String,
    /// Slack's authorize page (`https://slack.com/oauth/v2/authorize`).
    authorize_url: url::Url,
    /// One refresh at a time, so two requests never both spend a refresh token.
    refreshing: tokio::sync::Mutex<()>,
}

impl OAuth {
    /// From the configuration; `api_url` is `SLACK_API_URL` (its origin also serves the
    /// authorize page).
    pub fn new(
        api_url: &str,
        client_id: String,
        client_secret: SecretString,
        public_url: &str,
        key: SecretKey,
    ) -> Result<OAuth, String> {
        let public = url::Url::parse(public_url.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
            .ok_or("STEWARD_PUBLIC_URL must be the public base URL of `steward serve`, e.g. https://steward.example.com")?;
        let api = url::Url::parse(api_url.trim())
            .map_err(|e| format!("SLACK_API_URL is invalid: {e}"))?;
        let authorize_url = api
            .join("/oauth/v2/authorize")
            .map_err(|e| format!("SLACK_API_URL is invalid: {e}"))?;
        Ok(OAuth {
            exchange: Exchange::new(api_url, client_id, client_secret)?,
            key,
            public_url: public.as_str().trim_end_matches('/').to_string(),
            authorize_url,
            refreshing: tokio::sync::Mutex::new(()),
        })
    }

    /// Where Slack sends the browser back.
    pub fn redirect_uri(&self) -> String {
        format!("{}/slack/oauth_redirect", self.public_url)
    }

    /// The install page.
    pub fn install_url(&self) -> String {
        format!("{}/slack/install", self.public_url)
    }

    /// Whether the install pages are served over HTTPS (their cookie is then `Secure`).
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Slack's authorize link for `state`: the manifest's bot scopes, the redirect URI.
    pub fn authorize_link(&self, state: &str) -> String {
        let scopes = crate::manifest::slack::BOT_SCOPES.join(",");
        let mut link = self.authorize_url.clone();
        link.query_pairs_mut()
            .append_pair("client_id", self.exchange.client_id())
            .append_pair("scope", &scopes)
            .append_pair("redirect_uri", &self.redirect_uri())
            .append_pair("state", state);
        link.to_string()
    }

    /// Seals `grant`'s tokens and stores it as the installation of its workspace (or
    /// organization), replacing an older one.
    pub fn install(
        &self,
        store: &Store,
        grant: Grant,
        now: DateTime<Utc>,
    ) -> Result<Installation, InstallError> {
        let owner =
            crate::store::installs::owner(grant.enterprise_id.as_deref(), grant.team_id.as_deref());
        let bot_token = self.seal(kinds::SLACK_BOT, &owner, &grant.bot_token)?;
        let refresh_token = grant
            .refresh_token
            .as_ref()
            .map(|t| self.seal(kinds::SLACK_REFRESH, &owner, t))
            .transpose()?;
        let install = Installation {
            enterprise_id: grant.enterprise_id,
            team_id: grant.team_id,
            enterprise_name: grant.enterprise_name,
            team_name: grant.team_name,
            app_id: grant.app_id,
            bot_user_id: grant.bot_user_id,
            scopes: grant.scopes,
            installer: grant.installer,
            installed_at: now,
            bot_token,
            refresh_token,
            expires_at: grant.expires_at,
            needs_reinstall: false,
        };
        store.put_installation(&install)?;
        Ok(install)
    }

    fn seal(
        &self,
        kind: &str,
        owner: &str,
        secret: &SecretString,
    ) -> Result<secrets::Sealed, SecretsError> {
        secrets::seal_fresh(&self.key, &secrets::context_of(kind, owner), secret)
    }

    fn open(
        &self,
        kind: &str,
        owner: &str,
        sealed: &secrets::Sealed,
    ) -> Result<SecretString, SecretsError> {
        secrets::open(&self.key, &secrets::context_of(kind, owner), sealed)
    }
}

/// Why an installation could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}
