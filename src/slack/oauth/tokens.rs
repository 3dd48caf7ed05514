//! Purpose: which bot token a workspace's calls go out with — its installation's, or its
//! organization's org-wide one — refreshed with `grant_type=refresh_token` once it expires
//! within [`super::REFRESH_MARGIN`]. A refresh Slack refuses (`invalid_grant`) marks the
//! installation as needing to be installed again, and its installer is told by DM while the
//! old token still works.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde_json::json;

use super::exchange::ExchangeError;
use super::OAuth;
use crate::slack::api::{Api, Resend};
use crate::store::installs::Installation;
use crate::store::sealed::kinds;
use crate::store::Store;

/// Why a workspace has no token to use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("Steward is not installed in this workspace")]
    NotInstalled,
    #[error("Steward's installation in this workspace must be renewed")]
    NeedsReinstall,
    #[error("the workspace's token cannot be used now: {0}")]
    Unavailable(String),
}

impl OAuth {
    /// The bot token for `team` (of `enterprise`) at `now`, refreshed first when due.
    pub async fn token_for(
        &self,
        store: &Store,
        web: &Api,
        enterprise: Option<&str>,
        team: &str,
        now: DateTime<Utc>,
    ) -> Result<SecretString, TokenError> {
        let unavailable = |e: &dyn std::fmt::Display| TokenError::Unavailable(e.to_string());
        let install = store
            .installation_for(enterprise, team)
            .map_err(|e| unavailable(&e))?
            .ok_or(TokenError::NotInstalled)?;
        if install.needs_reinstall {
            return Err(TokenError::NeedsReinstall);
        }
        let install = match install.expires_at {
            Some(expires) if expires - now <= super::REFRESH_MARGIN => {
                self.refresh(store, web, install, now).await?
            }
            _ => install,
        };
        self.open(kinds::SLACK_BOT, &install.owner(), &install.bot_token)
            .map_err(|e| unavailable(&e))
    }

    /// Refreshes `install`'s tokens (unless another task just did); the installation to use.
    async fn refresh(
        &self,
        store: &Store,
        web: &Api,
        install: Installation,
        now: DateTime<Utc>,
    ) -> Result<Installation, TokenError> {
        let unavailable = |e: &dyn std::fmt::Display| TokenError::Unavailable(e.to_string());
        let _one_at_a_time = self.refreshing.lock().await;
        let (enterprise, team) = install.key();
        let Some(mut install) = store
            .installation(enterprise, team)
            .map_err(|e| unavailable(&e))?
        else {
            return Err(TokenError::NotInstalled);
        };
        let (Some(expires), Some(refresh)) = (install.expires_at, install.refresh_token.clone())
        else {
            return Ok(install);
        };
        if install.needs_reinstall {
            return Err(TokenError::NeedsReinstall);
        }
        if expires - now > super::REFRESH_MARGIN {
            return Ok(install);
        }
        let owner = install.owner();
        let refresh = self
            .open(kinds::SLACK_REFRESH, &owner, &refresh)
            .map_err(|e| unavailable(&e))?;
        match self.exchange.refresh(&refresh, now).await {
            Ok(grant)
                if (grant.enterprise_id.as_deref(), grant.team_id.as_deref()) == install.key() =>
            {
                install.bot_token = self
                    .seal(kinds::SLACK_BOT, &owner, &grant.bot_token)
                    .map_err(|e| unavailable(&e))?;
                install.refresh_token = match &grant.refresh_token {
                    Some(token) => Some(
                        self.seal(kinds::SLACK_REFRESH, &owner, token)
                            .map_err(|e| unavailable(&e))?,
                    ),
                    None => None,
                };
                install.expires_at = grant.expires_at;
                store
                    .put_installation(&install)
                    .map_err(|e| unavailable(&e))?;
                tracing::info!(installation = %owner, "Slack token refreshed");
                Ok(install)
            }
            Ok(_) => {
                tracing::error!(installation = %owner, "a refreshed Slack token names another workspace; not stored");
                Err(TokenError::Unavailable(
                    "the refreshed token names another workspace".into(),
                ))
            }
            Err(ExchangeError::InvalidGrant) => {
                // Another replica sharing the database may have spent this refresh token a
                // moment ago: then its fresh tokens are stored, and nothing is wrong.
                let (enterprise, team) = install.key();
                if let Ok(Some(now_stored)) = store.installation(enterprise, team) {
                    if now_stored.refresh_token != install.refresh_token
                        && !now_stored.needs_reinstall
                    {
                        return Ok(now_stored);
                    }
                }
                install.needs_reinstall = true;
                store
                    .put_installation(&install)
                    .map_err(|e| unavailable(&e))?;
                tracing::warn!(installation = %owner, "Slack refused to refresh the token: the installation must be renewed");
                if expires > now {
                    self.tell_installer(web, &install).await;
                }
                Err(TokenError::NeedsReinstall)
            }
            Err(error) if expires > now => {
                tracing::warn!(installation = %owner, %error, "could not refresh the Slack token; using it while it lasts");
                Ok(install)
            }
            Err(error) => Err(unavailable(&error)),
        }
    }

    /// DMs the installer that the installation must be renewed, with the old token while it
    /// still works; a failure is logged.
    async fn tell_installer(&self, web: &Api, install: &Installation) {
        if install.installer.is_empty() {
            return;
        }
        let Ok(token) = self.open(kinds::SLACK_BOT, &install.owner(), &install.bot_token) else {
            return;
        };
        let api = web.with_token(token);
        let text = format!(
            "Slack refused to renew Steward's access to this workspace, so Steward will stop answering here soon. Please install it again: {}",
            self.install_url()
        );
        let opened = api
            .post(
                "conversations.open",
                &json!({"users": install.installer}),
                Resend::Safe,
            )
            .await;
        let sent = match opened
            .as_ref()
            .ok()
            .and_then(|o| o["channel"]["id"].as_str())
        {
            Some(channel) => api
                .post(
                    "chat.postMessage",
                    &json!({"channel": channel, "text": text}),
                    Resend::OnlyUnsent,
                )
                .await
                .map(drop),
            None => opened.map(drop),
        };
        if let Err(error) = sent {
            tracing::warn!(%error, "could not tell the installer to install Steward again");
        }
    }
}
